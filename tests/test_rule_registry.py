"""The rule registry imports rule modules per model family: what it lists must be what the rule
modules declare, and a run must import only the families its change touches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import regress.rules
from regress.api import diff_git
from regress.rules import registry
from regress.rules.base import Rule
from tests.gitrepo import two_commits

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]
"""


def _rule_modules() -> set[str]:
    """Every module under regress/rules/ (meta rules aside) that defines a ``RULE``."""
    root = Path(regress.rules.__file__).parent
    return {
        ".".join(path.relative_to(root).with_suffix("").parts)
        for path in root.rglob("*.py")
        if path.parent.name != "meta" and "\nRULE = Rule(" in path.read_text()
    }


def test_every_listed_family_is_what_the_rule_watches() -> None:
    for family, module in registry.MODULES:
        rule = registry._load(module)
        assert isinstance(rule, Rule)
        assert {f for f, _ in rule.watches} == set(family.split("+")), module


def test_every_rule_module_is_listed_once() -> None:
    listed = [module for _, module in registry.MODULES]
    assert len(listed) == len(set(listed))
    assert set(listed) == _rule_modules()


def test_rules_for_keeps_catalogue_order_and_the_meta_rules() -> None:
    everything = registry.all_rules()
    assert everything[:3] == registry.META
    k8s = registry.rules_for(["kubernetes"])
    assert k8s[:3] == registry.META
    assert [r.code for r in k8s[3:]] == [r.code for r in everything[3:] if {f for f, _ in r.watches} == {"kubernetes"}]
    assert registry.rules_for([]) == registry.META
    # A rule watching two families loads for either of them.
    for family in ("gates", "terraform"):
        assert "branch-protection-weakened" in {r.name for r in registry.rules_for([family])}
    assert "branch-protection-weakened" not in {r.name for r in registry.rules_for(["kubernetes"])}
    assert everything == registry.RULES


def test_a_kubernetes_change_imports_no_terraform_rule(tmp_path: Path) -> None:
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"deploy/web.yaml": DEPLOYMENT},
        {"deploy/web.yaml": DEPLOYMENT.replace("replicas: 3", "replicas: 2")},
    )
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from regress.api import diff_git\n"
        f"report = diff_git(Path({str(repo)!r}), {base!r}, {head!r})\n"
        "print(sorted(f.code for f in report.findings))\n"
        "print(sorted({m.split('.')[2] for m in sys.modules if m.startswith('regress.rules.')}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    findings, families = out.splitlines()
    assert findings == "['K8S022']"
    assert families == "['base', 'kubernetes', 'meta', 'registry']"


LIMITED = DEPLOYMENT.replace(
    'containers: [{name: web, image: "web',
    'containers: [{name: web, resources: {limits: {memory: 256Mi}}, image: "web',
)


def _memory_cut_findings(tmp_path: Path, config: str | None) -> list[str]:
    base = {"deploy/web.yaml": LIMITED}
    if config is not None:
        base[".regress.yml"] = config
    head = {**base, "deploy/web.yaml": LIMITED.replace("256Mi", "160Mi")}
    repo, b, h = two_commits(tmp_path / "repo", base, head)
    return [f"{f.code} {f.message}" for f in diff_git(repo, b, h).findings]


def test_per_rule_options_from_the_config_reach_the_rule(tmp_path: Path) -> None:
    # 160Mi of 256Mi is 62.5 %: above the default 0.5, below a configured 0.8.
    assert _memory_cut_findings(tmp_path / "default", None) == []
    configured = "rules:\n  options:\n    resources-removed:\n      memory-limit-cut: 0.8\n"
    assert _memory_cut_findings(tmp_path / "set", configured) == [
        "K8S029 container 'web' of Deployment prod/web: memory limit cut from 256Mi to 160Mi"
    ]
