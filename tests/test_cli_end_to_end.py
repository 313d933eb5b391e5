"""``regress`` as a user runs it: the installed console script in a subprocess, on real git
repositories, with every form of ``regress diff`` and with bad input.

Bad input must end in exit 2 with one line on stderr, or in a finding; never in a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.gitrepo import ENV, commit, git, init, two_commits, write_tree
from tests.reportschema import assert_valid_report

REGRESS = str(Path(sys.executable).parent / "regress")


def deployment(replicas: int, name: str = "web", extra: str = "") -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\n"
        f"metadata: {{name: {name}, namespace: prod}}\n"
        f"spec:\n  replicas: {replicas}\n"
        "  template:\n    spec:\n      containers:\n        - name: app\n          image: web:1.0\n" + extra
    )


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in ENV.items() if k != "REGRESS_DEBUG"}
    return subprocess.run(
        [REGRESS, *args], cwd=cwd, env=env, capture_output=True, text=True, input=stdin, timeout=120, check=False
    )


def report_of(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert proc.returncode in (0, 1), proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    assert_valid_report(doc)
    return doc


def codes(doc: dict[str, Any]) -> list[str]:
    return [f["code"] for f in doc["findings"]]


def assert_input_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("regress: error: "), proc.stderr
    assert proc.stderr.count("\n") == 1, f"one line on stderr, got: {proc.stderr!r}"
    assert proc.stdout == ""
    for fragment in fragments:
        assert fragment in proc.stderr, proc.stderr


@pytest.fixture
def cut(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository whose second commit cuts replicas 5 → 3."""
    return two_commits(tmp_path / "repo", {"deploy/web.yaml": deployment(5)}, {"deploy/web.yaml": deployment(3)})


# -- the forms of `regress diff` ----------------------------------------------------------------


def test_two_dot_range(cut: tuple[Path, str, str]) -> None:
    repo, base, head = cut
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    assert codes(doc) == ["K8S022"]
    assert doc["base"] == {"label": base, "resolved": base}
    assert doc["head"] == {"label": head, "resolved": head}


def test_two_revisions_as_two_arguments(cut: tuple[Path, str, str]) -> None:
    repo, base, head = cut
    proc = run("diff", base, head, cwd=repo)
    assert proc.returncode == 1
    assert "K8S022 replicas-reduced" in proc.stdout


def test_three_dot_range_compares_against_the_merge_base(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    root = commit(repo, {"deploy/web.yaml": deployment(5)}, "root")
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"deploy/api.yaml": deployment(2, "api")}, "feature adds api")
    git(repo, "checkout", "-q", "main")
    commit(repo, {"deploy/web.yaml": deployment(3)}, "main cuts web")
    # Two dots: main's cut of web shows up reversed as a raise (silent) and api as new (silent)...
    two = report_of(run("diff", "feature..main", "--format", "json", cwd=repo))
    assert codes(two) == ["K8S022"]
    # ...three dots: only what main did since the merge base counts, as a PR from main would show.
    three = report_of(run("diff", "feature...main", "--format", "json", cwd=repo))
    assert codes(three) == ["K8S022"]
    assert three["base"]["resolved"] == root
    back = report_of(run("diff", "main...feature", "--format", "json", cwd=repo))
    assert codes(back) == [] and back["base"]["resolved"] == root


def test_one_revision_against_the_working_tree(cut: tuple[Path, str, str]) -> None:
    repo, base, _head = cut
    doc = report_of(run("diff", base, "--format", "json", cwd=repo))
    assert codes(doc) == ["K8S022"]
    assert doc["head"]["label"] == "working tree"


def test_no_revision_is_head_against_the_working_tree(cut: tuple[Path, str, str]) -> None:
    repo, _base, _head = cut
    assert report_of(run("diff", "--format", "json", cwd=repo))["findings"] == []
    (repo / "deploy/web.yaml").write_text(deployment(1))
    (repo / "deploy/new.yaml").write_text(deployment(1, "new"))  # untracked: part of the tree
    doc = report_of(run("diff", "--format", "json", cwd=repo))
    assert codes(doc) == ["K8S022"]
    assert doc["findings"][0]["message"] == "Deployment prod/web: replicas 3 → 1"
    assert git(repo, "status", "--porcelain") == "M deploy/web.yaml\n?? deploy/new.yaml".strip()


def test_two_folders(tmp_path: Path) -> None:
    write_tree(tmp_path / "a", {"web.yaml": deployment(5)})
    write_tree(tmp_path / "b", {"web.yaml": deployment(3)})
    doc = report_of(run("diff", "a", "b", "--format", "json", cwd=tmp_path))
    assert codes(doc) == ["K8S022"]
    assert doc["base"]["label"] == "a"


def test_one_folder_and_one_missing_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert_input_error(run("diff", "a", "nope", cwd=tmp_path), "nope: no such folder")


def test_repo_option_from_elsewhere(cut: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, base, head = cut
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    doc = report_of(run("diff", "--repo", str(repo), f"{base}..{head}", "--format", "json", cwd=elsewhere))
    assert codes(doc) == ["K8S022"]
    # A sub-folder of the repository finds the repository, as git does.
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo / "deploy"))
    assert codes(doc) == ["K8S022"]


def test_output_file_and_summary_on_stderr(cut: tuple[Path, str, str]) -> None:
    repo, base, head = cut
    proc = run("diff", f"{base}..{head}", "--format", "sarif", "--output", "out.sarif", cwd=repo)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == "regress: 1 unapproved violation, report in out.sarif\n"
    doc = json.loads((repo / "out.sarif").read_text())
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["K8S022"]
    proc = run("diff", f"{base}..{head}", "--output", str(repo / "missing-dir" / "x.txt"), cwd=repo)
    assert_input_error(proc, "cannot write")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown", "github"])
def test_every_format_from_the_command_line(cut: tuple[Path, str, str], fmt: str) -> None:
    repo, base, head = cut
    proc = run("diff", f"{base}..{head}", "--format", fmt, cwd=repo)
    assert proc.returncode == 1 and proc.stderr == ""
    assert "replicas" in proc.stdout


def test_approve_on_the_command_line(cut: tuple[Path, str, str]) -> None:
    repo, base, head = cut
    fp = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))["findings"][0]["fingerprint"]
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", "--approve", fp[:8], cwd=repo))
    assert doc["findings"][0]["approved"] is True
    assert doc["findings"][0]["approval"]["source"] == "cli"
    assert run("diff", f"{base}..{head}", "--approve", fp, cwd=repo).returncode == 0
    assert run("diff", f"{base}..{head}", "--approve", "0000000000000000", cwd=repo).returncode == 1
    assert_input_error(run("diff", f"{base}..{head}", "--approve", "abc", cwd=repo), "at least 8 hex digits")


def test_include_and_exclude(tmp_path: Path) -> None:
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"prod/web.yaml": deployment(5), "examples/web.yaml": deployment(5, "demo")},
        {"prod/web.yaml": deployment(3), "examples/web.yaml": deployment(1, "demo")},
    )
    both = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    assert sorted(f["location"]["path"] for f in both["findings"]) == ["examples/web.yaml", "prod/web.yaml"]
    only = report_of(run("diff", f"{base}..{head}", "--format", "json", "--include", "prod/**", cwd=repo))
    assert [f["location"]["path"] for f in only["findings"]] == ["prod/web.yaml"]
    without = report_of(run("diff", f"{base}..{head}", "--format", "json", "--exclude", "examples/", cwd=repo))
    assert [f["location"]["path"] for f in without["findings"]] == ["prod/web.yaml"]
    assert run("diff", f"{base}..{head}", "--exclude", "*.yaml", cwd=repo).returncode == 0


# -- config and approvals: read from the BASE side ---------------------------------------------


def test_config_is_read_from_the_base_side(tmp_path: Path) -> None:
    # The change disables the rule that would flag it: the base config still applies, and the
    # config change itself is a finding.
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"web.yaml": deployment(5), ".regress.yml": "rules:\n  disable: []\n"},
        {"web.yaml": deployment(3), ".regress.yml": "rules:\n  disable: [replicas-reduced]\n"},
    )
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    assert sorted(codes(doc)) == ["K8S022", "REG003"]
    reg = next(f for f in doc["findings"] if f["code"] == "REG003")
    assert reg["category"] == "security" and reg["location"] == {"path": ".regress.yml", "line": 1, "side": "head"}
    # Once merged, the new config applies to the next change.
    commit(repo, {"web.yaml": deployment(1)}, "next")
    after = report_of(run("diff", f"{head}..HEAD", "--format", "json", cwd=repo))
    assert codes(after) == []
    assert after["stats"]["config"] == ".regress.yml (base: " + head + ")"


def test_a_change_cannot_approve_itself(tmp_path: Path) -> None:
    repo, base, head = two_commits(tmp_path / "repo", {"web.yaml": deployment(5)}, {"web.yaml": deployment(3)})
    fp = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))["findings"][0]["fingerprint"]
    approvals = f"approvals:\n  - fingerprint: {fp}\n    reason: looks fine to me\n"
    sneaky = commit(repo, {"web.yaml": deployment(3), ".regress/approvals.yml": approvals}, "approve myself")
    doc = report_of(run("diff", f"{base}..{sneaky}", "--format", "json", cwd=repo))
    assert sorted(codes(doc)) == ["K8S022", "REG003"]
    assert not any(f["approved"] for f in doc["findings"])
    assert "approvals file" in next(f["message"] for f in doc["findings"] if f["code"] == "REG003")


def test_approvals_file_on_the_base_side_approves(tmp_path: Path) -> None:
    approvals = (
        "approvals:\n"
        "  - rule: replicas-reduced\n"
        "    identity: 'kubernetes:apps/Deployment/prod/*'\n"
        "    reason: capacity plan PLAT-812\n"
        "    approver: alice\n"
    )
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"web.yaml": deployment(5), ".regress/approvals.yml": approvals},
        {"web.yaml": deployment(3), ".regress/approvals.yml": approvals},
    )
    proc = run("diff", f"{base}..{head}", "--format", "json", cwd=repo)
    assert proc.returncode == 0
    finding = report_of(proc)["findings"][0]
    assert finding["approved"] is True
    assert finding["approval"] == {
        "by": "alice",
        "reason": "capacity plan PLAT-812",
        "source": "file",
        "expires": None,
        "reference": ".regress/approvals.yml (base):2",
    }


def test_expired_approvals_approve_nothing(tmp_path: Path) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    base_files = {
        "web.yaml": deployment(5),
        "api.yaml": deployment(5, "api"),
        ".regress/approvals.yml": (
            "approvals:\n"
            f"  - {{rule: K8S022, identity: '*/prod/web', reason: old, expires: {yesterday}}}\n"
            f"  - {{rule: K8S022, identity: '*/prod/api', reason: current, expires: {tomorrow}}}\n"
        ),
    }
    head_files = {**base_files, "web.yaml": deployment(3), "api.yaml": deployment(3, "api")}
    repo, base, head = two_commits(tmp_path / "repo", base_files, head_files)
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    approved = {f["identity"].rsplit("/", 1)[-1]: f["approved"] for f in doc["findings"]}
    assert approved == {"web": False, "api": True}
    assert any(n["message"] == f"approval expired on {yesterday}: old" for n in doc["notices"])


def test_per_path_severities(tmp_path: Path) -> None:
    config = (
        "paths:\n  severity:\n"
        "    - {paths: ['examples/**'], severity: low}\n"
        "    - {paths: ['sandbox/**'], severity: 'off'}\n"
        "rules:\n  severity: {replicas-reduced: critical}\n"
    )
    files = {"prod/web.yaml": deployment(5), "examples/web.yaml": deployment(5, "ex"), ".regress.yml": config}
    files["sandbox/web.yaml"] = deployment(5, "sb")
    head = {
        **files,
        "prod/web.yaml": deployment(3),
        "examples/web.yaml": deployment(3, "ex"),
        "sandbox/web.yaml": deployment(3, "sb"),
    }
    repo, b, h = two_commits(tmp_path / "repo", files, head)
    doc = report_of(run("diff", f"{b}..{h}", "--format", "json", cwd=repo))
    assert {f["location"]["path"]: f["severity"] for f in doc["findings"]} == {
        "examples/web.yaml": "low",
        "prod/web.yaml": "critical",
    }


def test_explicit_config_file(cut: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, base, head = cut
    (tmp_path / "strict.yml").write_text("rules:\n  disable: [K8S022]\n")
    assert run("diff", f"{base}..{head}", "--config", str(tmp_path / "strict.yml"), cwd=repo).returncode == 0
    assert_input_error(run("diff", f"{base}..{head}", "--config", "nope.yml", cwd=repo), "cannot read config nope.yml")


# -- bad input -------------------------------------------------------------------------------


def test_bad_revision(cut: tuple[Path, str, str]) -> None:
    repo, base, _ = cut
    assert_input_error(run("diff", f"{base}..no-such-branch", cwd=repo), "unknown revision 'no-such-branch'")
    assert_input_error(run("diff", "nope...HEAD", cwd=repo), "unknown revision 'nope'")
    assert_input_error(run("diff", "HEAD:deploy", cwd=repo), "does not name a commit")


def test_not_a_repository(tmp_path: Path) -> None:
    assert_input_error(run("diff", "HEAD~1..HEAD", cwd=tmp_path), "not a git repository")
    assert_input_error(run("diff", "--repo", str(tmp_path / "missing"), cwd=tmp_path), "not a git repository")


def test_usage_errors_are_one_line(cut: tuple[Path, str, str]) -> None:
    repo, _, _ = cut
    assert_input_error(run("diff", "a", "b", "c", cwd=repo), "at most two sides")
    assert_input_error(run("diff", "--format", "xml", cwd=repo), "invalid choice")
    assert_input_error(run("frobnicate", cwd=repo), "invalid choice")
    proc = run(cwd=repo)
    assert proc.returncode == 2 and "usage: regress" in proc.stderr


def test_shallow_clone_missing_the_base_commit(tmp_path: Path) -> None:
    origin = init(tmp_path / "origin")
    first = commit(origin, {"web.yaml": deployment(5)}, "one")
    commit(origin, {"web.yaml": deployment(4)}, "two")
    commit(origin, {"web.yaml": deployment(3)}, "three")
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(tmp_path / "clone")], env=ENV, check=True
    )
    clone = tmp_path / "clone"
    assert_input_error(run("diff", f"{first}..HEAD", cwd=clone), "shallow clone", "fetch")
    assert_input_error(run("diff", "HEAD~1..HEAD", cwd=clone), "shallow clone")


def test_empty_repository(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    assert_input_error(run("diff", "HEAD~1..HEAD", cwd=repo), "no commits yet")
    assert run("diff", cwd=repo).returncode == 0
    (repo / "web.yaml").write_text(deployment(3))
    doc = report_of(run("diff", "--format", "json", cwd=repo))
    assert doc["findings"] == [] and doc["base"]["resolved"] == "(empty tree)"


def test_bare_repository(cut: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, base, head = cut
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], env=ENV, check=True)
    assert codes(report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=bare))) == ["K8S022"]
    assert_input_error(run("diff", cwd=bare), "no working tree")


def test_linked_worktree(cut: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, base, head = cut
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(wt), base)
    assert codes(report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=wt))) == ["K8S022"]
    (wt / "deploy/web.yaml").write_text(deployment(2))
    doc = report_of(run("diff", "--format", "json", cwd=wt))
    assert [f["message"] for f in doc["findings"]] == ["Deployment prod/web: replicas 5 → 2"]


def test_nothing_is_written_to_the_repository(cut: tuple[Path, str, str]) -> None:
    repo, base, head = cut
    (repo / "deploy/web.yaml").write_text(deployment(1))
    before = {p: p.stat().st_mtime_ns for p in (repo / ".git").rglob("*") if p.is_file()}
    for args in ([f"{base}..{head}"], [f"{base}...{head}"], [], [base]):
        run("diff", *args, cwd=repo)
    after = {p: p.stat().st_mtime_ns for p in (repo / ".git").rglob("*") if p.is_file()}
    assert after == before


def test_symlinks_and_submodules_are_skipped_with_a_notice(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    base = commit(repo, {"web.yaml": deployment(5)}, "base")
    (repo / "link.yaml").symlink_to("web.yaml")
    other = init(tmp_path / "other")
    commit(other, {"x.yaml": "a: 1\n"}, "sub")
    # A nested repository is committed as a gitlink (a submodule entry without .gitmodules).
    subprocess.run(["git", "clone", "-q", str(other), str(repo / "vendor" / "sub")], env=ENV, check=True)
    head = commit(repo, {"web.yaml": deployment(3)}, "head")
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    assert codes(doc) == ["K8S022"]
    skipped = sorted((n["path"], n["message"]) for n in doc["notices"] if n["kind"] == "skipped")
    assert skipped == [("link.yaml", "symlink not analysed"), ("vendor/sub", "submodule not analysed")]
    # The working tree of the same repository (the submodule folder is absent there).
    assert run("diff", "--format", "json", cwd=repo).returncode == 0


def test_deleted_and_renamed_files(tmp_path: Path) -> None:
    pdb = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\n"
        "metadata: {name: web, namespace: prod}\nspec: {minAvailable: 1}\n"
    )
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"old/web.yaml": deployment(5), "old/pdb.yaml": pdb, "gone.yaml": deployment(2, "gone")},
        {"new/web-deployment.yaml": deployment(5), "new/pdb.yaml": pdb},
    )
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    # Moved objects are no change; a removed workload is silent (owner-removal rule).
    assert doc["findings"] == []
    assert doc["stats"]["changes"] == {"moved": 2, "removed": 1}


def test_a_50_mb_yaml_file_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    big = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n" + "".join(
        f"  key{i}: 0123456789abcdef0123456789abcdef0123456789\n" for i in range(1_000_000)
    )
    assert len(big) > 50 * 1024 * 1024
    repo, base, head = two_commits(
        tmp_path / "repo", {"web.yaml": deployment(5)}, {"web.yaml": deployment(5), "data/big.yaml": big}
    )
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    assert codes(doc) == ["REG001"]
    assert "over the 10 MiB analysis limit" in doc["findings"][0]["message"]


def test_unparsable_head_file_is_a_finding_and_unparsable_base_a_notice(tmp_path: Path) -> None:
    broken = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web\nspec: {}\n"
    repo, base, head = two_commits(tmp_path / "repo", {"web.yaml": deployment(5)}, {"web.yaml": broken})
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    assert codes(doc) == ["REG001"] and doc["findings"][0]["location"]["path"] == "web.yaml"
    back = report_of(run("diff", f"{head}..{base}", "--format", "json", cwd=repo))
    assert codes(back) == []
    assert [n["kind"] for n in back["notices"]] == ["input"]


def test_duplicate_keys_are_remarked_on_in_manifests_and_not_in_other_yaml(tmp_path: Path) -> None:
    catalogue = "en:\n  greeting: hello\n  farewell: bye\n"
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"web.yaml": deployment(5), "config/locales/en.yml": catalogue},
        {
            "web.yaml": deployment(5).replace("kind: Deployment\n", "kind: Deployment\nkind: Deployment\n"),
            "config/locales/en.yml": catalogue + "  greeting: hi\n",
        },
    )
    doc = report_of(run("diff", f"{base}..{head}", "--format", "json", cwd=repo))
    assert codes(doc) == []
    assert doc["notices"] == [
        {"kind": "input", "message": "duplicate key 'kind': the last value is used", "path": "web.yaml", "line": 3}
    ]


def test_binary_and_non_utf8_files(tmp_path: Path) -> None:
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"web.yaml": deployment(5)},
        {
            "web.yaml": deployment(5),
            "blob.yaml": b"\x00\x01\x02apiVersion",
            "latin.yaml": "kind: Café\n".encode("latin-1"),
        },
    )
    proc = run("diff", f"{base}..{head}", "--format", "json", cwd=repo)
    assert "Traceback" not in proc.stderr
    report_of(proc)


def test_invalid_config_file_on_the_base_side(tmp_path: Path) -> None:
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"web.yaml": deployment(5), ".regress.yml": "rules:\n  disabel: [K8S022]\n"},
        {"web.yaml": deployment(3), ".regress.yml": "rules:\n  disabel: [K8S022]\n"},
    )
    assert_input_error(run("diff", f"{base}..{head}", cwd=repo), ".regress.yml", ":2", "unknown key 'disabel'")
    (repo / "bad.yml").write_text("rules: [\n")
    assert_input_error(run("diff", f"{base}..{head}", "--config", "bad.yml", cwd=repo), "invalid config bad.yml")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("approvals:\n  - fingerprint: 0123456789abcdef\n", "'reason' is required"),
        ("approvals:\n  - {reason: x}\n", "give a 'fingerprint', or a 'rule'"),
        ("approvals:\n  - {fingerprint: abc, reason: x}\n", "at least 8 hex digits"),
        ("approvals:\n  - {rule: K8S022, reason: x, expires: someday}\n", "'expires' must be a date"),
        ("approvals: {a: 1}\n", "expected a mapping with an 'approvals' list"),
        ("approvals:\n  - [\n", "invalid approvals file"),
    ],
)
def test_invalid_approvals_file(tmp_path: Path, content: str, fragment: str) -> None:
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"web.yaml": deployment(5), ".regress/approvals.yml": content},
        {"web.yaml": deployment(3), ".regress/approvals.yml": content},
    )
    assert_input_error(run("diff", f"{base}..{head}", cwd=repo), ".regress/approvals.yml", fragment)


def test_tree_parsing_matches_git(tmp_path: Path) -> None:
    """The fast tree reader agrees with git's own listing, odd names and modes included."""
    from regress.source.git import GitSnapshot, open_repo

    repo = init(tmp_path / "repo")
    files: dict[str, str | bytes | None] = {f"wide/f{i:03d}.yaml": f"i: {i}\n" for i in range(300)}
    files.update({"sp ace/x y.yml": "a: 1\n", "ünï/cødé.yaml": "b: 2\n", "exe.sh": "#!/bin/sh\n"})
    commit(repo, files, "tree")
    (repo / "exe.sh").chmod(0o755)
    (repo / "link").symlink_to("exe.sh")
    sha = commit(repo, {}, "modes")
    snap = GitSnapshot(open_repo(repo), open_repo(repo).commit(sha), sha)
    listed = git(repo, "-c", "core.quotePath=false", "ls-tree", "-r", "-z", sha).split("\0")
    want = {}
    for line in filter(None, listed):
        meta, path = line.split("\t", 1)
        mode, _kind, blob = meta.split()
        want[path] = (int(mode, 8), blob)
    got = {}
    for path in want:
        folder, _, name = path.rpartition("/")
        blob, mode = snap._dir(folder)[name]
        got[path] = (mode, blob.hex())
    assert got == want
    assert snap.entry_type("link") is not None and snap.entry_type("link").value == "symlink"
    assert snap.read("sp ace/x y.yml") == b"a: 1\n"


def test_walk_lists_the_same_files_as_the_tree_walk(tmp_path: Path) -> None:
    from regress.source.git import GitSnapshot, open_repo

    repo = init(tmp_path / "repo")
    files: dict[str, str | bytes | None] = {
        "a/b/c.yaml": "1",
        "a/b-c/d.yaml": "2",
        "a/b.c/e.yaml": "3",
        "a/z.yaml": "4",
        "a/*weird*/f.yaml": "5",
        "top.yaml": "6",
        "ünï/x.yaml": "7",
    }
    sha = commit(repo, files, "tree")
    (repo / "a" / "link").symlink_to("z.yaml")
    sha = commit(repo, {}, "link")
    r = open_repo(repo)
    snap = GitSnapshot(r, r.commit(sha), sha)
    for prefix in ("", "a", "a/b", "a/*weird*", "ünï", "missing", "top.yaml"):
        assert list(snap.walk(prefix)) == list(snap._walk_trees(prefix) if snap.is_dir(prefix) else []), prefix
    assert "a/link" not in list(snap.walk("a"))
