"""Scanner configurations and ignore files: every entry that silences a finding, and the switches
that let a scanner pass whatever it finds.

One object per file (key: tool and path), so the same list moved between files is a different
object — these files are read from fixed places. Formats (each tool's docs):
- ``.trivyignore``: one ID per line, ``# comments``, an optional ``exp:YYYY-MM-DD``;
  ``.trivyignore.yaml``: ``vulnerabilities``/``misconfigurations``/``secrets``/``licenses`` lists of
  ``{id, paths, expired_at}``; ``trivy.yaml``: ``exit-code``, ``severity``, ``scan.skip-dirs``…;
- ``.gitleaksignore``: finding fingerprints; ``.gitleaks.toml``: ``[allowlist]`` paths/regexes/commits;
- ``.semgrepignore``: gitignore-style paths;
- ``.snyk``: ``ignore: {ID: [{path: {reason, expires}}]}``;
- ``.checkov.yaml``: ``skip-check``, ``skip-path``, ``soft-fail``, ``soft-fail-on``;
- ``zizmor.yml``: ``rules.<id>.disable`` and ``rules.<id>.ignore``;
- ``.grype.yaml``: ``ignore`` rules, ``fail-on-severity``;
- CodeQL config: ``paths-ignore``, ``query-filters`` excludes;
- dependency-review config: ``allow-ghsas``, ``allow-dependencies-licenses``, ``fail-on-severity``,
  ``warn-only``, ``vulnerability-check``;
- ``.github/actionlint.yaml``: ``paths.<glob>.ignore``;
- ``sonar-project.properties``: ``sonar.exclusions``…, ``sonar.qualitygate.wait``;
- ``kics.config``: ``exclude-queries``/``-categories``/``-paths``/``-results``/``-severities``,
  ``ignore-on-exit``, ``fail-on``;
- ``.kube-linter.yaml``: ``checks.exclude``, ``checks.ignorePaths``, ``doNotAutoAddDefaults``,
  ``addAllBuiltIn``;
- Polaris (``polaris.yaml``, ``polaris-config.yaml``): ``checks.<id>: ignore|warning|danger``,
  ``exemptions``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.gates import invocations
from regress.kinds.gates.model import FAMILY, Gate, Suppressions
from regress.kinds.gates.textmap import TextSourceMap
from regress.model import ModelObject, Origin
from regress.source.base import Snapshot
from regress.yamlload import LoadError, load_text

KIND = "scanner-config"
_EXP = re.compile(r"\bexp:(\d{4}-\d{2}-\d{2})")

Parsed = tuple[set[str], dict[str, Any], dict[str, str], dict[str, str]]
"""(entries, switches, expiry per entry, search token per entry)."""


def _yaml(text: str) -> Any:
    docs = load_text(text).documents
    return docs[0] if docs else None


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if not isinstance(v, (dict, list))]
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return []


def trivyignore(text: str) -> Parsed:
    entries: set[str] = set()
    expiries: dict[str, str] = {}
    for line in text.splitlines():
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        ident = body.split()[0]
        entries.add(ident)
        m = _EXP.search(body)
        if m:
            expiries[ident] = m.group(1)
    return entries, {}, expiries, {e: e for e in entries}


def trivyignore_yaml(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    expiries: dict[str, str] = {}
    tokens: dict[str, str] = {}
    if isinstance(doc, dict):
        for kind in ("vulnerabilities", "misconfigurations", "secrets", "licenses"):
            for item in doc.get(kind) or []:
                if not isinstance(item, dict) or "id" not in item:
                    continue
                paths = _list(item.get("paths")) or ["*"]
                for p in paths:
                    entry = f"{item['id']} in {p}"
                    entries.add(entry)
                    tokens[entry] = str(item["id"])
                    if item.get("expired_at"):
                        expiries[entry] = str(item["expired_at"])
    return entries, {}, expiries, tokens


def trivy_yaml(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    switches: dict[str, Any] = {}
    if isinstance(doc, dict):
        switches["exit-code"] = doc.get("exit-code", 0)
        switches["severity"] = sorted(_list(doc.get("severity"))) or None
        raw_scan = doc.get("scan")
        scan: dict[str, Any] = raw_scan if isinstance(raw_scan, dict) else {}
        switches["scanners"] = sorted(_list(scan.get("scanners"))) or None
        for key in ("skip-dirs", "skip-files"):
            entries.update(f"{key} {v}" for v in _list(scan.get(key)))
        raw_vuln = doc.get("vulnerability")
        vuln: dict[str, Any] = raw_vuln if isinstance(raw_vuln, dict) else {}
        switches["ignore-unfixed"] = bool(vuln.get("ignore-unfixed", False))
    return entries, switches, {}, {e: e.split(" ", 1)[1] for e in entries}


def lines_file(text: str) -> Parsed:
    entries = {line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")}
    return entries, {}, {}, {e: e for e in entries}


def gitleaks_toml(text: str) -> Parsed:
    doc = tomllib.loads(text)
    entries: set[str] = set()
    lists = [doc.get("allowlist"), *list(doc.get("allowlists") or [])]
    for allow in lists:
        if not isinstance(allow, dict):
            continue
        for key in ("paths", "regexes", "commits", "stopwords"):
            entries.update(f"{key} {v}" for v in _list(allow.get(key)))
    return entries, {}, {}, {e: e.split(" ", 1)[1] for e in entries}


def snyk(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    expiries: dict[str, str] = {}
    tokens: dict[str, str] = {}
    ignore = doc.get("ignore") if isinstance(doc, dict) else None
    if isinstance(ignore, dict):
        for ident, rules in ignore.items():
            for rule in rules if isinstance(rules, list) else []:
                for path, meta in rule.items() if isinstance(rule, dict) else []:
                    entry = f"{ident} in {path}"
                    entries.add(entry)
                    tokens[entry] = str(ident)
                    if isinstance(meta, dict) and meta.get("expires"):
                        expiries[entry] = str(meta["expires"])[:10]
    return entries, {}, expiries, tokens


def checkov(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    switches: dict[str, Any] = {}
    if isinstance(doc, dict):
        for key in ("skip-check", "skip-path", "skip-framework", "soft-fail-on"):
            entries.update(f"{key} {v}" for v in _list(doc.get(key)))
        switches["soft-fail"] = doc.get("soft-fail") is True or str(doc.get("soft-fail")).lower() == "true"
        switches["framework"] = sorted(_list(doc.get("framework"))) or None
    return entries, switches, {}, {e: e.split(" ", 1)[1] for e in entries}


def zizmor(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    tokens: dict[str, str] = {}
    rules = doc.get("rules") if isinstance(doc, dict) else None
    if isinstance(rules, dict):
        for rule, cfg in rules.items():
            if not isinstance(cfg, dict):
                continue
            if cfg.get("disable") is True:
                entries.add(f"disable {rule}")
                tokens[f"disable {rule}"] = str(rule)
            for ign in _list(cfg.get("ignore")):
                entries.add(f"{rule} ignored in {ign}")
                tokens[f"{rule} ignored in {ign}"] = ign
    return entries, {}, {}, tokens


def grype(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    switches: dict[str, Any] = {}
    tokens: dict[str, str] = {}
    if isinstance(doc, dict):
        for rule in doc.get("ignore") or []:
            if isinstance(rule, dict):
                entry = "ignore " + json.dumps({k: str(v) for k, v in rule.items()}, sort_keys=True)
                entries.add(entry)
                tokens[entry] = str(rule.get("vulnerability") or next(iter(rule.values()), ""))
        switches["fail-on-severity"] = doc.get("fail-on-severity")
    return entries, switches, {}, tokens


def codeql(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    switches: dict[str, Any] = {}
    if isinstance(doc, dict):
        entries.update(f"paths-ignore {p}" for p in _list(doc.get("paths-ignore")))
        for f in doc.get("query-filters") or []:
            if isinstance(f, dict) and isinstance(f.get("exclude"), dict):
                entries.add("exclude " + json.dumps(f["exclude"], sort_keys=True, default=str))
        queries = doc.get("queries")
        switches["queries"] = (
            sorted(str(q.get("uses")) for q in queries if isinstance(q, dict)) if isinstance(queries, list) else None
        )
    return entries, switches, {}, {e: e.split(" ", 1)[1] for e in entries}


def dependency_review(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    switches: dict[str, Any] = {}
    if isinstance(doc, dict):
        for key in ("allow-ghsas", "allow-dependencies-licenses", "allow-licenses"):
            entries.update(f"{key} {v}" for v in _list(doc.get(key)))
        switches["fail-on-severity"] = doc.get("fail-on-severity", "low")
        switches["warn-only"] = doc.get("warn-only") is True
        switches["vulnerability-check"] = doc.get("vulnerability-check", True)
        switches["fail-on-scopes"] = sorted(_list(doc.get("fail-on-scopes"))) or ["runtime"]
    return entries, switches, {}, {e: e.split(" ", 1)[1] for e in entries}


def actionlint(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if isinstance(paths, dict):
        for glob, cfg in paths.items():
            if isinstance(cfg, dict):
                entries.update(f"{glob} ignores {p}" for p in _list(cfg.get("ignore")))
    return entries, {}, {}, {e: e.split(" ignores ", 1)[1] for e in entries}


def _yaml_or_toml(text: str) -> Any:
    """KICS reads its configuration as YAML, JSON, TOML or HCL (KICS docs, "Configuration
    file"): YAML covers JSON; TOML is tried next; HCL is not read (no entries, no switches)."""
    try:
        return _yaml(text)
    except LoadError:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return None


def kics(text: str) -> Parsed:
    doc = _yaml_or_toml(text)
    entries: set[str] = set()
    switches: dict[str, Any] = {}
    if isinstance(doc, dict):
        for key in ("exclude-queries", "exclude-categories", "exclude-paths", "exclude-results", "exclude-severities"):
            entries.update(f"{key} {v}" for v in _list(doc.get(key)))
        # ignore-on-exit: none (default) | errors | results | all; fail-on: the severities that fail.
        switches["ignore-on-exit"] = str(doc.get("ignore-on-exit") or "none").lower()
        switches["fail-on"] = sorted(v.lower() for v in _list(doc.get("fail-on"))) or None
    return entries, switches, {}, {e: e.split(" ", 1)[1] for e in entries}


def kube_linter(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    switches: dict[str, Any] = {}
    checks = doc.get("checks") if isinstance(doc, dict) else None
    if isinstance(checks, dict):
        entries.update(f"exclude {v}" for v in _list(checks.get("exclude")))
        entries.update(f"ignorePaths {v}" for v in _list(checks.get("ignorePaths")))
        # kube-linter docs ("Configuring kube-linter"): the built-in default checks run unless
        # doNotAutoAddDefaults is set; addAllBuiltIn runs every built-in check.
        switches["doNotAutoAddDefaults"] = checks.get("doNotAutoAddDefaults") is True
        switches["addAllBuiltIn"] = checks.get("addAllBuiltIn") is True
    return entries, switches, {}, {e: e.split(" ", 1)[1] for e in entries}


def polaris(text: str) -> Parsed:
    doc = _yaml(text)
    entries: set[str] = set()
    switches: dict[str, Any] = {}
    tokens: dict[str, str] = {}
    if isinstance(doc, dict):
        checks = doc.get("checks")
        if isinstance(checks, dict):
            levels = {str(k): str(v).lower() for k, v in checks.items() if isinstance(v, str)}
            switches["levels"] = levels
            for check, level in levels.items():
                if level == "ignore":
                    entries.add(f"ignore {check}")
                    tokens[f"ignore {check}"] = check
        for exemption in doc.get("exemptions") or []:
            if not isinstance(exemption, dict):
                continue
            where = ",".join(sorted(_list(exemption.get("controllerNames")))) or "*"
            namespace = exemption.get("namespace")
            scope = f"{namespace}/{where}" if namespace else where
            for rule in _list(exemption.get("rules")) or ["*"]:
                entry = f"exempt {rule} for {scope}"
                entries.add(entry)
                tokens[entry] = rule
    return entries, switches, {}, tokens


def sonar(text: str) -> Parsed:
    props: dict[str, str] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "!")):
            k, _, v = line.partition("=")
            props[k.strip()] = v.strip()
    entries: set[str] = set()
    for key in ("sonar.exclusions", "sonar.coverage.exclusions", "sonar.test.exclusions", "sonar.cpd.exclusions"):
        entries.update(f"{key} {v}" for v in _list(props.get(key)))
    switches = {"sonar.qualitygate.wait": props.get("sonar.qualitygate.wait", "false").lower() == "true"}
    return entries, switches, {}, {e: e.split(" ", 1)[1] for e in entries}


#: Files whose only purpose is to silence findings: a new one is a weakening by itself. A new
#: scanner configuration usually comes with a new scanner and is judged from its next change.
IGNORE_FILES = (trivyignore, trivyignore_yaml, lines_file, snyk, grype)

_PARSERS: dict[str, tuple[str, Callable[[str], Parsed]]] = {
    ".trivyignore": ("trivy", trivyignore),
    ".trivyignore.yaml": ("trivy", trivyignore_yaml),
    "trivy.yaml": ("trivy", trivy_yaml),
    ".gitleaksignore": ("gitleaks", lines_file),
    ".gitleaks.toml": ("gitleaks", gitleaks_toml),
    ".semgrepignore": ("semgrep", lines_file),
    ".snyk": ("snyk", snyk),
    ".checkov.yaml": ("checkov", checkov),
    ".checkov.yml": ("checkov", checkov),
    "zizmor.yml": ("zizmor", zizmor),
    "zizmor.yaml": ("zizmor", zizmor),
    ".grype.yaml": ("grype", grype),
    ".grype.yml": ("grype", grype),
    "codeql-config.yml": ("codeql", codeql),
    "codeql-config.yaml": ("codeql", codeql),
    "dependency-review-config.yml": ("dependency-review", dependency_review),
    "actionlint.yaml": ("actionlint", actionlint),
    "actionlint.yml": ("actionlint", actionlint),
    "sonar-project.properties": ("sonar", sonar),
    "kics.config": ("kics", kics),
    ".kube-linter.yaml": ("kube-linter", kube_linter),
    ".kube-linter.yml": ("kube-linter", kube_linter),
    "polaris.yaml": ("polaris", polaris),
    "polaris.yml": ("polaris", polaris),
    ".polaris.yaml": ("polaris", polaris),
    "polaris-config.yaml": ("polaris", polaris),
}
#: Files that only count where the tool reads them.
_PLACES = {
    "actionlint.yaml": (".github/",),
    "actionlint.yml": (".github/",),
    "dependency-review-config.yml": (".github/",),
    "codeql-config.yml": (".github/",),
    "codeql-config.yaml": (".github/",),
    "zizmor.yml": ("", ".github/"),
    "zizmor.yaml": ("", ".github/"),
}


def parser_for(path: str) -> tuple[str, Callable[[str], Parsed]] | None:
    folder, _, name = path.rpartition("/")
    found = _PARSERS.get(name)
    if found is None:
        return None
    places = _PLACES.get(name)
    if places is not None and not any((folder + "/").startswith(p) or (not p and not folder) for p in places):
        return None
    return found


class ScannerConfigHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, path)] if parser_for(path) else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        found = parser_for(unit.root)
        if found is None or not ctx.exists(unit.root):
            return result
        tool, parse = found
        result.files.append(unit.root)
        try:
            text = ctx.text(unit.root)
            entries, switches, expiries, tokens = parse(text)
        except (LoadError, ValueError, tomllib.TOMLDecodeError) as exc:
            message = exc.message if isinstance(exc, LoadError) else str(exc)
            result.errors.append(UnitError(unit.root, f"cannot be parsed: {message}"))
            return result
        body = {"entries": sorted(entries), "switches": switches, "expiries": expiries}
        gate = Gate(
            tool,
            unit.root,
            (),
            {
                "switches": switches,
                "tokens": tokens,
                "ignore_file": parse in IGNORE_FILES,
                # The change brings the scanner in: its first configuration's ignores are a rollout.
                "introduced": tool in invocations.introduced(ctx, {tool}),
            },
            Suppressions(tool, frozenset(entries), tuple(sorted(switches.items())), tuple(sorted(expiries.items()))),
        )
        result.objects.append(
            ModelObject(
                FAMILY,
                "suppressions",
                (tool, unit.root),
                body,
                Origin(KIND, unit.root, TextSourceMap(unit.root, text, "lines")),
                f"{tool} configuration {unit.root}",
                gate,
            )
        )
        return result
