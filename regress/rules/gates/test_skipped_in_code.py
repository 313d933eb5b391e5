"""A test that ran is now skipped or expected to fail in its own code, or `.only` stops the rest.

## What it does
Reads the changed test files (Python, JavaScript/TypeScript, Java/Kotlin, Go, Rust) and knows each
test by its name (within its class, `describe` blocks or Rust modules) and whether it is skipped
where it is declared: `@pytest.mark.skip`, `@unittest.skip`, `pytestmark = pytest.mark.skip`, a
first statement `pytest.skip(…)` or `self.skipTest(…)`; `it.skip`/`test.skip`/`describe.skip`,
`xit`, `xdescribe`, a test inside a skipped `describe`; JUnit's `@Disabled` and `@Ignore` on the
method or its class; a top-level `t.Skip()` in a Go test; `#[ignore]` or `#[ignore = "reason"]`
on a Rust test (`#[test]`, `#[tokio::test]` and other `#[…::test]`, `#[rstest]`,
`#[test_case(…)]`), or a `#[cfg(…)]` that never holds (`cfg(false)`, `cfg(any())`,
`cfg(FALSE)`, `cfg(not(test))`) on the test or a module around it, which compiles it out. A test
that was in the file and ran, and is now skipped, is reported; so is one now marked as expected
to fail (an unconditional `@pytest.mark.xfail`, Jest's `test.failing`: it runs, but its failure
fails nothing), and a focused test (`it.only`, `describe.only`, `fit`) added to a file whose
other tests then no longer run. A new test added skipped, a skip removed, a skip with a condition
(`skipif(sys.platform == "win32")`, a `t.Skip()` inside an `if`, `#[cfg_attr(miri, ignore)]`),
`#[should_panic]` (the test still runs), and tests moved, renamed or reformatted inside the file
are silent. A Rust test moved to another module of its file is paired by its function's name
when that name is unambiguous on both sides.

## Why is this bad?
The pipeline still runs the test command and still goes green, but the test it ran is gone from
the run: a skip in the code removes a test as surely as deleting it, and more quietly
(CATALOGUE.md X-03). A committed `.only` is usually a leftover from debugging that switches off
every other test in the file.

## Example
```python
# base                                   # head
def test_refund_is_idempotent():         @pytest.mark.skip(reason="flaky")
    ...                                  def test_refund_is_idempotent():
                                             ...
```

```rust
// base                                  // head
#[cfg(test)]                             #[cfg(test)]
mod tests {                              mod tests {
    #[test]                                  #[test]
    fn refund_is_idempotent() {}             #[ignore = "flaky"]
}                                            fn refund_is_idempotent() {}
                                         }
```

## How to resolve
Fix the test, or approve the finding with the reason and the issue that tracks turning it back
on; remove a committed `.only`.

## Options
None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY
from regress.kinds.gates.test_skips import TYPE, CodeTest, TestsInCode
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after.facts if change.after is not None else None
    base = change.before.facts if change.before is not None else None
    if not isinstance(head, TestsInCode) or not isinstance(base, TestsInCode):
        return
    before = {t.name: t for t in base.tests}
    moved = _moved(base, head)
    for test in head.tests:
        was = before.get(test.name) or moved.get(test.name)
        if was is None or was.state != "runs" or test.state == "runs":
            continue
        if test.skipped:
            message, attr = f"test '{test.name}' in {head.path} is now skipped in code", f"tests[{test.name}]"
        else:
            message = f"test '{test.name}' in {head.path} is now expected to fail: its failures fail nothing"
            attr = f"xfail[{test.name}]"
        yield Hit(
            message=message,
            attr=attr,
            head_route=("tests", test.name),
            base_route=("tests", was.name),
            before=was.state,
            after=test.state,
        )
    if head.focused and not base.focused:
        others = [t for t in head.tests if not t.skipped and t.line not in head.focused and t.name in before]
        if others:
            yield Hit(
                message=(
                    f"a focused test (`.only`) added in {head.path}: its {len(others)} other "
                    f"test{'s' if len(others) != 1 else ''} no longer run"
                ),
                attr="focused",
                head_route=("focused",),
                before=0,
                after=len(head.focused),
            )


def _moved(base: TestsInCode, head: TestsInCode) -> dict[str, CodeTest]:
    """The base test of each head test that moved between modules of its file (Rust's
    ``tests::a`` → ``parsing::a``): among the tests whose full name is on one side only, paired
    by the function's name when exactly one such test on each side carries it."""
    base_names = {t.name for t in base.tests}
    head_names = {t.name for t in head.tests}
    gone = _unique_functions(t for t in base.tests if t.name not in head_names)
    came = _unique_functions(t for t in head.tests if t.name not in base_names)
    return {came[f].name: gone[f] for f in came.keys() & gone.keys()}


def _unique_functions(tests: Iterable[CodeTest]) -> dict[str, CodeTest]:
    """The tests by function name, for the names that only one of them carries."""
    found = [t for t in tests if t.function]
    counts = Counter(t.function for t in found)
    return {t.function: t for t in found if counts[t.function] == 1}


RULE = Rule(
    code="CI068",
    name="test-skipped-in-code",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=("source-code",),
    watches=((FAMILY, TYPE),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
