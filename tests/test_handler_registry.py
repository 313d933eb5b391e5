"""Handlers imported on demand (``kinds.registry.Lazy``) claim exactly what they claimed when
imported up front: their filters let through every path the handler accepts, in the trees of
every test case and sample and for every name the handlers list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from regress.diff import FamilyDiff
from regress.kinds import registry
from regress.kinds.depupdates.handler import DEPENDABOT, RENOVATE
from regress.kinds.gates import (
    build_coverage,
    codecov,
    codeowners,
    coverlet,
    js_tests,
    precommit,
    python_tools,
    recipes,
    scanners,
    source_code,
)
from regress.kinds.terraform.module import TF_SUFFIXES
from regress.source.folder import FolderSnapshot
from tests.gitrepo import two_commits

ROOT = Path(__file__).resolve().parent.parent
LAZY = [h for h in registry.HANDLERS if isinstance(h, registry.Lazy)]


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[FolderSnapshot, list[str]]]:
    """Every side of every test case and sample as a folder snapshot, with its paths."""
    out: list[tuple[FolderSnapshot, list[str]]] = []
    root = tmp_path_factory.mktemp("cases")
    for n, case_file in enumerate(sorted((ROOT / "tests" / "cases").rglob("*.yml"))):
        doc = YAML(typ="safe", pure=True).load(case_file.read_text())
        for i, case in enumerate(doc.get("cases", [])):
            for side in ("base", "head"):
                files = case.get(side) or {}
                folder = root / f"{n}-{i}-{side}"
                for rel, text in files.items():
                    target = folder / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text if isinstance(text, str) else "")
                folder.mkdir(parents=True, exist_ok=True)
                out.append((FolderSnapshot(folder), sorted(files)))
    for side in sorted((ROOT / "samples").glob("*/*")):
        if side.name in ("base", "head"):
            out.append((FolderSnapshot(side), sorted(str(p.relative_to(side)) for p in side.rglob("*") if p.is_file())))
    return out


def _listed_paths() -> set[str]:
    """The names the handlers list, in the folders they look in, and name variants."""
    out = {*DEPENDABOT, *RENOVATE, *codecov.PATHS, *codeowners.PATHS, ".gitlab-ci.yml"}
    for folder in ("", "svc/", ".github/"):
        out.update(folder + name for name in (*python_tools.FILES, *js_tests.FILES, *scanners._PARSERS))
    for suffix in (*TF_SUFFIXES, ".tfvars", ".tfvars.json", ".auto.tfvars", ".auto.tfvars.json"):
        out.update({f"main{suffix}", f"modules/vpc/terraform{suffix}"})
    for name in ("Dockerfile", "Containerfile", "Dockerfile.prod", "api.dockerfile", "web.Containerfile"):
        out.update({name, f"images/{name}", f"{name}.md"})
    for name in ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.prod.yaml", "Compose.YML"):
        out.update({name, f"deploy/{name}"})
    out.update({".dockerignore", "api/.dockerignore", "api/Dockerfile.dockerignore"})
    for suffix in source_code.SUFFIXES:
        out.update({f"app/main{suffix}", f"vendor/lib/x{suffix}", f"web/node_modules/x{suffix}", f"main{suffix}.txt"})
    for folder in ("", "svc/"):
        out.update(folder + name for name in (*recipes.MAKEFILES, *recipes.JUSTFILES, "Makefile.am", "GNUmakefile.in"))
        out.update(
            folder + name for name in ("tsconfig.json", "tsconfig.build.json", "tsconfig.json.bak", "jsconfig.json")
        )
    out.update({precommit.PATH, f"svc/{precommit.PATH}", ".pre-commit-hooks.yaml"})
    for folder in ("", "svc/"):
        out.update(folder + name for name in build_coverage.NAMES)
        out.update(folder + name for name in build_coverage.SIMPLECOV_HELPERS)
    out.update({"lib/spec_helper.rb", "build.gradle.bak", "settings.gradle", "pom.xml.orig"})
    for folder in ("", "tests/Api.Tests/"):
        out.update(folder + name for name in (*coverlet.NAMES, "Api.csproj", "Api.fsproj", "Api.vbproj"))
    out.update({"Api.csproj.user", "Directory.Packages.props", "Directory.Build.rsp"})
    for conventions in build_coverage.CONVENTIONS:
        out.update({f"{conventions}acme.java-conventions.gradle", f"svc/{conventions}com/acme/k.gradle.kts"})
    out.update({"settings.gradle.kts", "gradle/libs.versions.toml", "buildSrc/src/main/java/Acme.java"})
    out.update(
        {".github/settings.yml", ".github/settings.yaml", ".github/repos/api.yml", "settings.yml", "conf/settings.yaml"}
    )
    return out


@pytest.mark.parametrize("entry", LAZY, ids=lambda e: e.cls)
def test_lazy_entry_names_its_handler(entry: registry.Lazy) -> None:
    handler = entry.handler()
    assert type(handler).__name__ == entry.cls
    assert (handler.kind, handler.family) == (entry.kind, entry.family)


@pytest.mark.parametrize("entry", LAZY, ids=lambda e: e.cls)
def test_lazy_entry_lets_through_everything_its_handler_claims(
    entry: registry.Lazy, trees: list[tuple[FolderSnapshot, list[str]]], tmp_path: Path
) -> None:
    handler = entry.handler()
    claimed = 0
    for snapshot, paths in [*trees, (FolderSnapshot(tmp_path), sorted(_listed_paths()))]:
        for path in paths:
            units = handler.units(path, snapshot)
            if units:
                claimed += 1
                assert entry.claims.may_claim(path, snapshot), (path, snapshot.root)
            assert entry.units(path, snapshot) == units
    assert claimed, "no path exercises this handler"


def test_candidates_leave_out_only_handlers_that_cannot_claim_the_path(
    trees: list[tuple[FolderSnapshot, list[str]]], tmp_path: Path
) -> None:
    """The per-name shortlist (``registry.candidates``) keeps the claiming order and every
    handler that claims a path, so the first claim is the same as asking every handler."""
    listed = (FolderSnapshot(tmp_path), sorted(_listed_paths() | {"a.tf/main.yaml", "x/.tf", "tf"}))
    for snapshot, paths in [*trees, listed]:
        for path in paths:
            shortlist = registry.candidates(path)
            assert [h for h in registry.HANDLERS if h in shortlist] == list(shortlist)
            for handler in registry.HANDLERS:
                if handler not in shortlist:
                    assert not handler.units(path, snapshot), (path, handler.kind)
    assert len(registry.candidates("deploy/api/deployment.yaml")) < len(registry.HANDLERS)


def test_handler_order_and_family_diffs() -> None:
    assert [h.kind for h in registry.HANDLERS] == [
        "github-actions",
        "dependency-updates",
        "codecov",
        "python-tools",
        "js-tests",
        "scanner-config",
        "codeowners",
        "test-recipes",
        "build-coverage",
        "msbuild-coverage",
        "repo-settings",
        "pre-commit",
        "lint-config",
        "lint-config",
        "gitlab-ci",
        "circleci",
        "bitbucket-pipelines",
        "azure-pipelines",
        "helm",
        "kustomize",
        "openshift-template",
        "terraform",
        "dockerfile",
        "dockerfile",
        "compose",
        "cloudformation",
        "kubernetes",
        "source-code",
    ]
    assert list(registry.FAMILIES) == ["ci", "kubernetes", "helm-values", "gates", "terraform", "dockerfile", "compose"]
    for family in registry.FAMILIES:
        assert isinstance(registry.FAMILIES[family], FamilyDiff)
    with pytest.raises(KeyError):
        registry.FAMILIES["no-such-family"]


MANIFEST = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: prod}\nspec:\n  type: %s\n"


def _imported_after_diff(tmp_path: Path, base: dict[str, str], head: dict[str, str]) -> tuple[str, str]:
    repo, b, h = two_commits(tmp_path / "repo", base, head)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from regress.api import diff_git\n"
        f"report = diff_git(Path({str(repo)!r}), {b!r}, {h!r})\n"
        "print(sorted(f.code for f in report.findings))\n"
        "print(sorted(m for m in sys.modules if m.startswith('regress.kinds.') and m.endswith(('handler', "
        "'ignorefile', 'codecov', 'codeowners', 'js_tests', 'python_tools', 'scanners', 'source_code'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    findings, modules = out.splitlines()
    return findings, modules


def test_a_manifest_change_imports_no_lazy_handler(tmp_path: Path) -> None:
    findings, modules = _imported_after_diff(
        tmp_path, {"k8s/svc.yaml": MANIFEST % "ClusterIP"}, {"k8s/svc.yaml": MANIFEST % "LoadBalancer"}
    )
    assert findings == "['K8S019']"
    lazy = {e.module for e in LAZY}
    assert not any(f"'{m}'" in modules for m in lazy), modules
    assert "'regress.kinds.helm.handler'" in {f"'{e.module}'" for e in LAZY}


def test_a_dockerfile_change_imports_its_handler(tmp_path: Path) -> None:
    findings, modules = _imported_after_diff(
        tmp_path,
        {"Dockerfile": "FROM python:3.13-slim\nUSER app\n"},
        {"Dockerfile": "FROM python:3.13-slim\nUSER root\n"},
    )
    assert findings == "['DF001']"
    assert "'regress.kinds.dockerfile.handler'" in modules
    assert "'regress.kinds.terraform.handler'" not in modules
