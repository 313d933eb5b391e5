"""A comment that silences a security check was added to source code.

## What it does
Reads the comments of the changed Python, Go, JavaScript/TypeScript, Java and Kotlin files and
counts, per file, the suppressions of security checks: bandit `# nosec` (with or without test
IDs), gosec `#nosec` and golangci-lint `//nolint:gosec`, SonarQube `NOSONAR`, ruff/flake8
`# noqa: S…` (flake8-bandit's security codes only) and ESLint `eslint-disable…` comments naming
eslint-plugin-security rules (`security/…`). A check that is now silenced more often in a file
than before, including in a new file, is reported. Lines that moved or were reformatted with
their comment (within the file, or to another file the change also touches), a removed
suppression, a blanket `# nosec` narrowed to named tests and a bare `# noqa` or `//nolint`
narrowed to a security code are silent. A Python comment on a line of its own counts only where
its tool applies it: inside a multi-line statement for `nosec` and `noqa` (and, for `nosec`, the
function and `except` checks B107, B110 and B112 of the body it sits in), never between
statements.

A `# nosec` naming only tests that the base side's bandit did not run, where bandit's test
selection is known on both sides, is silent: when a scanner rollout enables more tests (a
`tests:` list emptied, `-t` dropped), the comments that accept the new tests' findings hide
nothing the base checked. bandit's selection is read from where the repository invokes it
(`tox.ini`, a `Makefile`, the pre-commit hook, CI files) with the configuration file, `.bandit`
and `-t`/`-s` options as bandit combines them; when it cannot be found or read, the comment is
reported. Likewise, the suppressions of a scanner that the change brings in (bandit, ruff or
ESLint started in the head's CI files, pre-commit configuration or task runner, and nowhere in the
base's) are silent: they accept what the new scanner finds in the existing code.
A bare `# noqa`, `//nolint` or `eslint-disable` (every lint rule) is left to lint review, and so
is the `assert` check (bandit B101, ruff S101) silenced in Python test files (`tests/`,
`test_*.py`, `*_test.py`, `conftest.py`), which pytest tests are written with; vendored code
(`vendor/`, `node_modules/`, `third_party/`) is not read.

## Why is this bad?
The comment switches the scanner off for the code beside it from inside the change that needs
it: the security scan stays green while what it exists to catch goes in (CATALOGUE.md §0.2.12:
suppressions are findings). In application code this is often a considered exception, hence the
low severity; the approval records why.

## Example
```python
# base                                   # head
subprocess.run(cmd, shell=True)          subprocess.run(cmd, shell=True)  # nosec B602
```

## How to resolve
Fix what the scanner reports, or approve the finding with the reason the code is safe (the
comment's own justification is a good start).

## Options
None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.inline import SOURCE_TYPE, InlineSuppressions, Tool
from regress.kinds.gates.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Index, Rule, RuleContext

_NAMES = {
    Tool.BANDIT: "a bandit `nosec` comment",
    Tool.GOSEC: "a gosec `#nosec` comment",
    Tool.GOLANGCI: "a golangci-lint `nolint` directive",
    Tool.RUFF: "a `noqa` comment",
    Tool.ESLINT: "an `eslint-disable` comment",
    Tool.SONAR: "a `NOSONAR` comment",
}


#: Blanket lint suppressions (a noqa without codes, ``//nolint``): left to lint review, but counted so that
#: one narrowed to a security check is seen as no new suppression.
_LINT_BLANKETS = frozenset({f"{Tool.RUFF.value}:*", f"{Tool.GOLANGCI.value}:*"})


def _describe(tool: Tool, check: str) -> str:
    if check == "*":
        return f"{_NAMES[tool]} for every check"
    return f"{_NAMES[tool]} for {check}"


def _placed(index: Index) -> Counter[tuple[str, str]]:
    """(check, code it sits on) of every source marker loaded on one side."""
    return Counter(
        (m.key, m.anchor)
        for o in index.of_type(FAMILY, SOURCE_TYPE)
        if isinstance(o.facts, InlineSuppressions)
        for m in o.facts.markers
    )


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    obj = change.after
    facts = obj.facts if obj is not None else None
    if obj is None or not isinstance(facts, InlineSuppressions):
        return
    head = facts.markers
    before = change.before.facts if change.before is not None else None
    base = before.markers if isinstance(before, InlineSuppressions) else ()
    was = Counter(m.key for m in base)
    now = Counter(m.key for m in head)
    for tool in _NAMES:
        if tool.value in facts.introduced:
            # The change brings this scanner in (the base runs it nowhere): its suppressions
            # accept what it finds in the existing code and hide nothing the base checked.
            continue
        # A blanket suppression narrowed to named checks is no new suppression: the named ones
        # use up what the blanket ones lost.
        credit = max(0, was[f"{tool.value}:*"] - now[f"{tool.value}:*"])
        for key in sorted(k for k in now if k.startswith(f"{tool.value}:")):
            extra = now[key] - was[key]
            if key != f"{tool.value}:*":
                used = min(credit, extra)
                credit -= used
                extra -= used
            if extra <= 0 or key in _LINT_BLANKETS:
                continue
            if tool is Tool.BANDIT and facts.bandit is not None and facts.bandit.newly_run({key.partition(":")[2]}):
                # A test the base's bandit never ran: the comment hides nothing the base checked
                # (a scanner rollout enables tests and marks their accepted findings together).
                continue
            checked = key.partition(":")[2]
            old_anchors = {m.anchor for m in base if m.key == key}
            fresh = [i for i, m in enumerate(head) if m.key == key and m.anchor not in old_anchors]
            # Code moved here from another changed file with its comment (a module split in
            # two): the change as a whole holds no more such markers on that code than before.
            placed_base, placed_head = ctx.base.derived(_placed), ctx.head.derived(_placed)
            moved = [i for i in fresh if placed_head[(key, head[i].anchor)] <= placed_base[(key, head[i].anchor)]]
            extra -= min(extra, len(moved))
            if extra <= 0:
                continue
            fresh = [i for i in fresh if i not in moved]
            index = fresh[0] if fresh else max(i for i, m in enumerate(head) if m.key == key)
            marker = head[index]
            where = f"in {marker.path}" if marker.anchor == "(file)" else f"on {marker.anchor} in {marker.path}"
            more = "" if was[key] == 0 else f" ({was[key]} → {now[key]} in the file)"
            yield Hit(
                message=f"{_describe(tool, checked)} added {where}{more}",
                attr=f"{tool.value}[{checked}]",
                head_route=("markers", index),
                before=was[key],
                after=now[key],
            )


RULE = Rule(
    code="SP006",
    name="security-suppression-comment-added",
    category=Category.SECURITY,
    severity=Severity.LOW,
    kinds=("source-code",),
    watches=((FAMILY, SOURCE_TYPE),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
