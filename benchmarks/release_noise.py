#!/usr/bin/env python3
"""What regress reports between two releases of real projects: a noise check on real files.

A pull request is one change; a release is many pull requests at once, made by people who did
not write them for regress. Debian packages thousands of upstream projects and keeps each one's
release as an unchanged upstream tarball (``*.orig.tar.*``), with the CI pipelines, manifests,
Dockerfiles and test code the project ships. Two Debian releases hold two versions of most of
them. This script takes the source packages whose upstream version differs between two suites,
unpacks both tarballs and runs ``regress diff OLD NEW --format json`` (folder mode) on each pair,
then counts the findings per rule and lists them, so each can be read and judged: a real
weakening reported accurately, or noise.

    python benchmarks/release_noise.py --select go --limit 100       # Go projects (CI-heavy)
    python benchmarks/release_noise.py --select python --limit 200 --seed 7
    python benchmarks/release_noise.py --packages prometheus,etcd   # named source packages
    python benchmarks/release_noise.py --cache DIR --report out.md   # keep downloads, write a table

It needs network access to a Debian mirror (``--mirror``, default deb.debian.org) and an
installed regress. Downloads and unpacked trees are kept in ``--cache`` (default
``~/.cache/regress-release-noise``) so a second run only re-runs regress. A run that exits with
anything but 0 or 1, or writes to stderr a Python traceback, is listed as a failure.
"""

from __future__ import annotations

import argparse
import collections
import json
import lzma
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Source:
    package: str
    version: str
    directory: str
    orig: str  # file name of the upstream tarball
    size: int
    go: bool
    python: bool


@dataclass(frozen=True)
class Pair:
    package: str
    old: Source
    new: Source


_FIELD = re.compile(r"^(?P<key>[A-Za-z-]+):[ \t]*(?P<value>.*)$")


def parse_sources(text: str) -> dict[str, Source]:
    """A suite's ``Sources`` index: one source package per paragraph, with its upstream tarball."""
    out: dict[str, Source] = {}
    for paragraph in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in paragraph.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += "\n" + line.strip()
                continue
            m = _FIELD.match(line)
            if m:
                key = m.group("key")
                fields[key] = m.group("value")
        if "Package" not in fields or "Files" not in fields:
            continue
        orig = None
        for entry in fields["Files"].splitlines():
            parts = entry.split()
            # The upstream tarball itself, not an extra component (``.orig-docs.tar.xz``).
            if len(parts) == 3 and ".orig.tar." in parts[2]:
                orig = (parts[2], int(parts[1]))
        if orig is None:
            continue
        depends = fields.get("Build-Depends", "")
        out[fields["Package"]] = Source(
            package=fields["Package"],
            version=fields.get("Version", ""),
            directory=fields.get("Directory", ""),
            orig=orig[0],
            size=orig[1],
            go="dh-golang" in depends or fields["Package"].startswith("golang-"),
            python="dh-python" in depends,
        )
    return out


def upstream(version: str) -> str:
    """``1:2.42.0+ds-5+deb12u1`` → ``2.42.0``: the upstream part, without Debian's repacking."""
    version = version.split(":", 1)[-1]
    if "-" in version:
        version = version.rsplit("-", 1)[0]
    return re.sub(r"[+~](ds|dfsg|repack).*$", "", version)


def fetch(url: str, dest: Path) -> Path:
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(dest.suffix + ".part")
        with urllib.request.urlopen(url, timeout=300) as response, tmp.open("wb") as out:  # noqa: S310 (a mirror URL)
            shutil.copyfileobj(response, out)
        tmp.rename(dest)
    return dest


def sources_of(mirror: str, suite: str, cache: Path) -> dict[str, Source]:
    path = fetch(f"{mirror}/dists/{suite}/main/source/Sources.xz", cache / f"Sources-{suite}.xz")
    return parse_sources(lzma.decompress(path.read_bytes()).decode("utf-8", "replace"))


def tree_of(cache: Path, source: Source) -> Path:
    """``trees/gobuster_3.6.0``: where one upstream release is unpacked."""
    return cache / "trees" / source.orig.split(".orig.tar.", 1)[0]


def unpack(mirror: str, source: Source, cache: Path, dest: Path) -> None:
    """The upstream tarball, unpacked into ``dest`` without its top folder."""
    if (dest / ".unpacked").exists():
        return
    tarball = fetch(f"{mirror}/{source.directory}/{source.orig}", cache / "tarballs" / source.orig)
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    with tarfile.open(tarball) as tar:
        members = tar.getmembers()
        tops = {m.name.split("/", 1)[0] for m in members}
        strip = len(tops) == 1 and any("/" in m.name for m in members)
        for member in members:
            if strip:
                member.name = member.name.split("/", 1)[1] if "/" in member.name else ""
                if member.islnk():  # a hard link names another member by its path in the archive
                    member.linkname = member.linkname.split("/", 1)[-1]
            if not member.name:
                continue
            try:
                tar.extract(member, dest, filter="data")
            except tarfile.TarError:
                continue  # a link out of the tree, a device file: the data filter refuses them
    (dest / ".unpacked").touch()


def run_regress(regress: str, old: Path, new: Path, timeout: int) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            [regress, "diff", str(old), str(new), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"exit": "timeout", "findings": [], "stderr": ""}
    report: dict[str, Any] = {}
    if proc.stdout.strip():
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            report = {}
    return {"exit": proc.returncode, "findings": report.get("findings", []), "stderr": proc.stderr}


def select(old: dict[str, Source], new: dict[str, Source], args: argparse.Namespace) -> list[Pair]:
    pairs = []
    named = set(args.packages.split(",")) if args.packages else None
    for name, a in sorted(old.items()):
        b = new.get(name)
        if b is None or upstream(a.version) == upstream(b.version):
            continue
        if named is not None:
            if name in named:
                pairs.append(Pair(name, a, b))
            continue
        if a.size + b.size > args.max_mb * 2e6:
            continue
        if args.select == "go" and not a.go:
            continue
        if args.select == "python" and (not a.python or a.go):
            continue
        pairs.append(Pair(name, a, b))
    if named is None:
        random.Random(args.seed).shuffle(pairs)  # noqa: S311 (a reproducible sample, not a secret)
        pairs = pairs[: args.limit]
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", default="http://deb.debian.org/debian")
    parser.add_argument("--old", default="bookworm", help="the older suite (default: bookworm)")
    parser.add_argument("--new", default="trixie", help="the newer suite (default: trixie)")
    parser.add_argument("--select", choices=("go", "python", "any"), default="go")
    parser.add_argument("--packages", help="comma-separated source package names (overrides --select)")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-mb", type=float, default=12.0, help="largest tarball to take, in MB")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "regress-release-noise")
    parser.add_argument("--regress", default=shutil.which("regress") or "regress")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--report", type=Path, help="write the table and the findings as Markdown")
    parser.add_argument("--json", type=Path, help="write every finding as JSON lines")
    args = parser.parse_args()

    old, new = sources_of(args.mirror, args.old, args.cache), sources_of(args.mirror, args.new, args.cache)
    pairs = select(old, new, args)
    print(f"{len(pairs)} source packages whose upstream version differs between {args.old} and {args.new}")

    def one(pair: Pair) -> tuple[Pair, dict[str, Any]]:
        # One folder per upstream release, named after its tarball, so that runs over other pairs
        # of suites share what they have in common and never read a stale tree for a package.
        old_tree, new_tree = (tree_of(args.cache, source) for source in (pair.old, pair.new))
        try:
            unpack(args.mirror, pair.old, args.cache, old_tree)
            unpack(args.mirror, pair.new, args.cache, new_tree)
        except (OSError, tarfile.TarError, lzma.LZMAError) as exc:
            return pair, {"exit": f"download: {exc}", "findings": [], "stderr": ""}
        return pair, run_regress(args.regress, old_tree, new_tree, args.timeout)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, pairs))

    per_rule: collections.Counter[str] = collections.Counter()
    severities: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    packages: dict[str, set[str]] = collections.defaultdict(set)
    failures = []
    flagged = 0
    lines = []
    unavailable = []
    for pair, result in results:
        if isinstance(result["exit"], str) and result["exit"].startswith("download"):
            unavailable.append(f"{pair.package}: {result['exit']}")
            continue
        if result["exit"] not in (0, 1) or "Traceback" in result["stderr"]:
            failures.append(f"{pair.package}: exit {result['exit']} {result['stderr'].strip()[-300:]}")
        flagged += bool(result["findings"])
        for f in result["findings"]:
            rule = f"{f['code']} {f['name']}"
            per_rule[rule] += 1
            severities[rule][f.get("severity", "")] += 1
            packages[rule].add(pair.package)
            where = f"{f['location']['path']}:{f['location'].get('line') or ''}"
            lines.append((rule, pair, where, f))

    table = [
        f"{len(results) - len(unavailable)} pairs compared ({args.old} → {args.new}; {len(unavailable)} more could "
        f"not be downloaded), {flagged} with findings, {len(failures)} failures",
        "",
        "| rule | findings | high | medium | low | packages |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {rule} | {n} | {severities[rule]['high']} | {severities[rule]['medium']} | "
            f"{severities[rule]['low']} | {len(packages[rule])} |"
            for rule, n in per_rule.most_common()
        ),
    ]
    print("\n".join(table))
    for failure in failures:
        print("FAILED", failure)
    for missing in unavailable:
        print("not downloaded:", missing)
    if args.report:
        body = [*table, "", "## Findings", ""]
        for rule, pair, where, f in sorted(lines, key=lambda x: (x[0], x[1].package, x[2])):
            old_v, new_v = upstream(pair.old.version), upstream(pair.new.version)
            body.append(f"- {rule} · {pair.package} {old_v} → {new_v} · `{where}` · {f['message']}")
        args.report.write_text("\n".join(body) + "\n", encoding="utf-8")
    if args.json:
        with args.json.open("w", encoding="utf-8") as out:
            for rule, pair, where, f in lines:
                out.write(json.dumps({"package": pair.package, "rule": rule, "where": where, **f}) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
