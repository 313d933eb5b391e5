"""Whether the tests a removed job or step ran still run in the head, after they moved with edits.

A test job deleted from one workflow is often re-created in another, renamed, with its command
reworded: `gotestsum -- -race ./...` becomes `go test -race -v ./...`, a CircleCI job becomes a
GitHub Actions job, a step moves from job `build` to job `test`. The verbatim check
(``helpers.runs_elsewhere``) misses all of these. Here a base test command counts as still run
when a head job that gates the same events runs a command of the same runner that is not narrower
(``commands.narrowing``: no narrowing flag added, no package or path lost, no build-only flag
added), from the same folder. A test step that runs an action rather than a command counts as
still run when a head job runs the same action.

What is compared is the suite, not where it runs: a job that tested on FreeBSD in a VM, or in
Vagrant, whose suite now runs only on Linux and macOS, lost a set-up. ``setup`` names the
platforms a job runs on (runner labels, matrix values, VM actions, Vagrant); a set-up the head no
longer has is reported by the callers as a variant lost. Set-ups that cannot be read (a runner
label computed at run time, a CircleCI image) are unknown and never reported as lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from regress.kinds.ci.classify import GOAL_BUILDERS, TEST, Patterns, classify_command, make_folder, name_words, unwrap
from regress.kinds.ci.commands import TestCommand, matches, narrowing, parse
from regress.kinds.ci.model import Job, Step
from regress.kinds.ci.shell import shown as shown_command
from regress.kinds.ci.shell import walk
from regress.rules.base import RuleContext

#: Actions that run their ``run`` input as a script inside a virtual machine of another operating
#: system (vmactions/*-vm READMEs, cross-platform-actions/action README, uraimo/run-on-arch-action
#: README): the script is the step's work, the action names its set-up.
VM_ACTIONS = re.compile(
    r"^([a-z0-9_.-]+/[a-z0-9_.-]+-vm|cross-platform-actions/action|uraimo/run-on-arch-action)$", re.I
)
#: Systems known under another name by VM actions: OmniOS and OpenIndiana are illumos
#: distributions (illumos.org, "Distributions").
_SYSTEM_ALIASES = {"omnios": "illumos", "openindiana": "illumos", "smartos": "illumos"}
_OS_WORDS = (("ubuntu", "linux"), ("linux", "linux"), ("windows", "windows"), ("macos", "macos"), ("mac", "macos"))


@dataclass(frozen=True, slots=True)
class Run:
    """One test command and the folder it starts in (relative to the checkout; None: unknown)."""

    cwd: str | None
    command: TestCommand
    #: The command as written, before unwrapping (`hatch run cov:test`), for messages.
    written: tuple[str, ...] = ()


def scripts(step: Step) -> list[str]:
    """The shell scripts a step runs: its ``run`` (or wrapped command), a VM action's ``run``."""
    out = [step.script] if step.script is not None else []
    if step.uses and VM_ACTIONS.match(step.uses) and isinstance(step.inputs.get("run"), str):
        out.append(step.inputs["run"])
    return out


def commands(step: Step) -> Iterator[tuple[str | None, tuple[str, ...]]]:
    """Every command a step runs, unwrapped, with the folder it starts in: the step's own
    script from its ``working-directory`` (None when that is computed at run time), a VM
    action's script from the checkout's root."""
    for cwd, _argv, words in _commands(step):
        yield cwd, words


def _commands(step: Step) -> Iterator[tuple[str | None, tuple[str, ...], tuple[str, ...]]]:
    """``commands`` with each command also as written."""
    for i, script in enumerate(scripts(step)):
        start = step.workdir if i == 0 and step.script is not None else ""
        for cwd, argv in walk(script, start):
            words = unwrap(argv)
            if words:
                yield cwd, tuple(argv), words


def deleted_folders(steps: Sequence[Step], ctx: RuleContext, patterns: Patterns) -> list[str]:
    """The folders the steps' test commands ran in (``cd DIR``, ``make -C DIR``), when every one of
    them is known, below the checkout's root, not named as a folder of tests, and deleted by the
    change (there in the base tree, gone from the head's): the tests went with the code they
    tested. Empty otherwise, and when any step ran elsewhere."""
    is_dir = ctx.is_dir
    if is_dir is None or not steps:
        return []
    found: set[str] = set()
    for step in steps:
        folders = _test_folders(step, patterns)
        if not folders or any(TEST_FOLDER_WORDS & set(f.lower().split("/")) for f in folders):
            return []  # unknown, or a folder of tests: deleted with its step, that is tests removed
        if not all(is_dir("base", f) and not is_dir("head", f) for f in folders):
            return []
        found.update(folders)
    return sorted(found)


def folders_shown(folders: Sequence[str]) -> str:
    """``the folder `a/```, ``the folders `a/`, `b/`, `c/` and 2 more``."""
    shown = ", ".join(f"`{f}/`" for f in folders[:3]) + (f" and {len(folders) - 3} more" if len(folders) > 3 else "")
    return f"the folder{'s' if len(folders) > 1 else ''} {shown}"


def _test_folders(step: Step, patterns: Patterns) -> set[str]:
    """Where each of the step's test commands starts; empty when one of them is unknown or is
    the checkout's root."""
    folders: set[str] = set()
    for cwd, words in commands(step):
        if TEST not in classify_command(words, patterns):
            continue
        where = make_folder(cwd, words) if words[:1] == ("make",) else cwd
        if not where:
            return set()
        folders.add(where)
    return folders


#: Folder names that hold tests rather than the code under test.
TEST_FOLDER_WORDS = frozenset(
    {"test", "tests", "testing", "spec", "specs", "e2e", "integration", "__tests__"}
    | {"test-suite", "test_suite", "testsuite", "testsuites"}
)


def test_steps(steps: Iterable[Step], patterns: Patterns) -> list[Step]:
    """Steps that run tests: classified so, or running a test command in a VM action's script."""
    return [s for s in steps if TEST in s.classes or (s.uses and VM_ACTIONS.match(s.uses) and test_runs(s, patterns))]


def test_runs(step: Step, patterns: Patterns) -> list[Run]:
    found = _commands(step)
    return [Run(cwd, parse(words), argv) for cwd, argv, words in found if TEST in classify_command(words, patterns)]


def covers(base: Run, head: Run) -> bool:
    """``head`` runs at least the tests ``base`` ran."""
    if base.cwd is not None and head.cwd is not None and base.cwd != head.cwd:
        return False
    b, h = base.command, head.command
    if b.runner is None or h.runner is None:
        # No runner table (`bats tests`, `script/test`): the same command with at least the same
        # arguments, or the bare command.
        same = _program(h.words) == _program(b.words)
        return same and (len(h.words) == 1 or all(_kept(w, h.words[1:]) for w in b.words[1:]))
    if b.runner is not h.runner:
        return False
    if not h.runner.positional_scope and not set(_positionals(b)) <= set(_positionals(h)):
        return False  # another goal or subcommand (`make lint` is not `make test`)
    gained_no_run = [f for f in h.flags if f not in b.flags and any(matches(f, s) for s in h.runner.no_run)]
    return not gained_no_run and not narrowing(b, h)


def _program(words: Sequence[str]) -> str:
    """The program a command starts, with the build tools that run a build file's goals as one:
    `make check` and `ninja check` in a CMake build folder run the same target."""
    program = words[0].removeprefix("./") if words else ""
    return "make" if program.rsplit("/", 1)[-1] in GOAL_BUILDERS else program


#: Option names that leave tests out: a script that no longer gets one runs at least as much.
_LEAVE_OUT = re.compile(r"^--?(?:exclude|skip|ignore|only)(?:[-_=]|$)", re.I)
#: Qualifiers that pick one version of what a selector names (`py3.12-boto3-latest` is boto3's
#: newest release, `…-pinned` its pinned ones): the selector without one names every version.
_VERSION_QUALIFIER = re.compile(
    r"^(?P<stem>.+?)[-_.:](?:latest|newest|oldest|lowest|highest|pinned|min|max|minimum|maximum|stable|current)$",
    re.I,
)


def _kept(word: str, head: Sequence[str]) -> bool:
    """Whether a base argument of a test script regress cannot read still holds in the head's
    arguments: the same word, an option that left tests out dropped (``--exclude-latest``,
    ``--skip-slow``), or a selector that named one version of a group (``py3.12-boto3-latest``)
    now naming the whole group (``py3.12-boto3``)."""
    if word in head:
        return True
    if word.startswith("-"):
        return bool(_LEAVE_OUT.match(word))
    m = _VERSION_QUALIFIER.match(word)
    return m is not None and m.group("stem") in head


#: Runners whose argument names a group of commands defined in a file regress does not read, as a
#: make goal does: a tox environment (``tox -e nocover``, tox.ini) or a nox session (noxfile.py).
_GROUP_RUNNERS = frozenset({"make", "tox", "nox"})


def opaque(run: Run) -> bool:
    """A test command whose tests regress cannot see: a make goal, a tox environment, a nox
    session, a test script."""
    return run.command.runner is None or run.command.key in _GROUP_RUNNERS


@dataclass(frozen=True, slots=True)
class Moved:
    """Where the tests of a removed job or step run in the head."""

    #: Head jobs that run every test command (and test action) of what was removed; empty when
    #: some test runs nowhere comparable.
    jobs: tuple[Job, ...]
    #: Set-ups the removed job ran on that none of those jobs runs on.
    lost_setup: frozenset[str]
    #: When not covered: test commands new in the head's same pipeline (any pipeline, when that
    #: one is gone) that regress cannot see into (a make goal, a test script), which may run the
    #: removed tests.
    maybe: tuple[Run, ...]
    #: When not covered: test jobs new in the head's same pipeline that run no test command
    #: regress knows (a job named and reported as tests that starts `ci_docker_run IMAGE
    #: ci/test.sh`), which may run the removed tests; those sharing most name words first.
    maybe_jobs: tuple[Job, ...] = ()

    def maybe_shown(self) -> str:
        """What the removed tests may now run through, as a reviewer reads it; "" if nothing."""
        parts = [shown(self.maybe)] if self.maybe else []
        if len(self.maybe_jobs) == 1:
            parts.append(f"the new test {self.maybe_jobs[0].label}")
        elif self.maybe_jobs:
            first = ", ".join(repr(j.id) for j in self.maybe_jobs[:2])
            more = len(self.maybe_jobs) - 2
            parts.append(f"the new test jobs {first}" + (f" and {more} more" if more > 0 else ""))
        return " or ".join(parts)


def moved(steps: Sequence[Step], job: Job, heads: Sequence[Job], base_jobs: Sequence[Job], patterns: Patterns) -> Moved:
    """Whether the test ``steps`` of ``job`` still run in ``heads`` (head jobs gating the same
    events); ``base_jobs`` tell which opaque head commands are new."""
    found: list[Job] = []
    covered = bool(steps)
    for step in steps:
        runs = test_runs(step, patterns)
        jobs = covering_jobs(runs, heads, patterns) if runs else (action_jobs(step, heads) or None)
        if jobs is None:
            covered = False
            break
        found.extend(j for j in jobs if j not in found)
    if covered:
        # The suite runs in ``found``; a set-up is kept while any test job still runs on it (a
        # NetBSD job whose command regress cannot read still tests on NetBSD).
        testing = [*found, *(j for j in heads if TEST in j.classes and j not in found)]
        found.sort(key=lambda j: (j.pipeline != job.pipeline, j.platform != job.platform))
        return Moved(tuple(found), _lost(job, testing), ())
    known = {r.command.words for j in base_jobs for s in j.steps for r in test_runs(s, patterns) if opaque(r)}
    # The pipeline's own jobs; when none is left (the file was deleted), the tests may have gone
    # to any job gating the same events, as in a rewrite of the whole CI.
    same_file = [j for j in heads if j.pipeline == job.pipeline] or list(heads)
    maybe = [r for j in same_file for s in j.steps for r in test_runs(s, patterns) if opaque(r)]
    maybe = [r for r in maybe if r.command.words not in known]
    return Moved((), frozenset(), tuple(maybe), _opaque_new_jobs(job, same_file, base_jobs, patterns))


def _opaque_new_jobs(
    job: Job, same_file: Sequence[Job], base_jobs: Sequence[Job], patterns: Patterns
) -> tuple[Job, ...]:
    """Test jobs of the head's same pipeline that the base did not have and whose steps run no test
    command regress recognises: their work cannot be compared (unknown stays unknown, CATALOGUE.md
    §0.2.7). A job calling a reusable workflow is left out (the callee's jobs are read)."""
    old = {(j.pipeline, j.id) for j in base_jobs}
    found = [
        j
        for j in same_file
        if TEST in j.classes
        and (j.pipeline, j.id) not in old
        and j.uses is None
        and not any(test_runs(s, patterns) for s in j.steps)
    ]
    words = _name_words(job)
    found.sort(key=lambda j: -len(words & _name_words(j)))
    return tuple(found)


def _name_words(job: Job) -> set[str]:
    return name_words(job.id, job.name)


#: Setup actions and the input naming the language version they install (each action's
#: action.yml: actions/setup-python `python-version`, actions/setup-go `go-version`, …).
_VERSION_INPUTS = {
    "actions/setup-python": ("python", "python-version"),
    "actions/setup-go": ("go", "go-version"),
    "actions/setup-node": ("node", "node-version"),
    "actions/setup-java": ("java", "java-version"),
    "ruby/setup-ruby": ("ruby", "ruby-version"),
}
#: Version words that name the newest release or beyond (setup-go `stable`, setup-node `latest`).
_NEWEST = frozenset({"stable", "latest", "current", "node", "lts/*", "tip", "nightly", "head"})
_VERSION = re.compile(r"^\^?v?(\d+(?:\.\d+)*)(?:\.x)?(?P<pre>[-.]?(?:dev|alpha|beta|rc|a|b|pre|nightly)[.\d]*)?$", re.I)


def versions(job: Job) -> dict[str, list[tuple[tuple[int, ...] | None, str]]]:
    """Language versions a job installs, per language, as (comparable, as written): a pre-release
    compares as its own release, ``(99999,)`` is the newest, None a value that cannot be read."""
    out: dict[str, list[tuple[tuple[int, ...] | None, str]]] = {}
    for step in job.steps:
        known = _VERSION_INPUTS.get((step.uses or "").lower())
        if known is None:
            continue
        lang, key = known
        raw = step.inputs.get(key)
        values = _matrix_values(job, str(raw)) if raw is not None else None
        if values is None:
            out.setdefault(lang, []).append((None, str(raw)))
            continue
        out.setdefault(lang, []).extend((_version(v), v) for v in values)
    return out


def _matrix_values(job: Job, text: str) -> list[str] | None:
    m = re.fullmatch(r"\s*\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}\s*", text)
    if m is None:
        return None if "${{" in text else [text]
    if job.matrix is None or job.matrix.dynamic or not job.matrix.combos:
        return None
    picked = [v for combo in job.matrix.combos for k, v in combo if k == m.group(1)]
    return picked or None


def _version(text: str) -> tuple[int, ...] | None:
    word = text.strip().strip("'\"").lower()
    if word in _NEWEST:
        return (99999,)
    m = _VERSION.match(word)
    return tuple(int(p) for p in m.group(1).split(".")) if m else None


def lost_versions(job: Job, jobs: Sequence[Job]) -> list[str]:
    """Language versions ``job`` tested that are newer than any ``jobs`` test: dropping the newest
    (a nightly, a `3.11-dev`) loses a variant; moving old versions to newer ones does not
    (end-of-life versions are the matrix rule's concern)."""
    out: list[str] = []
    have: dict[str, list[tuple[int, ...] | None]] = {}
    for other in jobs:
        for lang, found in versions(other).items():
            have.setdefault(lang, []).extend(v for v, _raw in found)
    for lang, wanted in versions(job).items():
        heads = have.get(lang)
        if not heads or None in heads or any(v is None for v, _raw in wanted):
            continue  # unknown stays unknown
        top = max(h for h in heads if h is not None)
        out.extend(f"{lang} {raw}" for v, raw in wanted if v is not None and v > top)
    return out


def _lost(job: Job, jobs: Sequence[Job]) -> frozenset[str]:
    """Set-ups of ``job`` that none of ``jobs`` runs on. A job whose set-up cannot be read (a
    CircleCI executor, a custom runner label) may run on any: it keeps a set-up its id or name
    mentions (`freebsd-tests`)."""
    before = setup(job)
    if before is None:
        return frozenset(lost_versions(job, jobs))
    have: set[str] = set()
    unknown: list[str] = []
    for other in jobs:
        found = setup(other)
        if found is None:
            unknown.append(f"{other.id} {other.name or ''}".lower())
        else:
            have |= found
    lost = {m for m in before - have if not any(m in text for text in unknown)}
    return frozenset(lost | set(lost_versions(job, jobs)))


def _positionals(cmd: TestCommand) -> list[str]:
    values = {v for _, v in cmd.flags if v}
    return [w for w in cmd.words[len(cmd.key.split()) :] if not w.startswith("-") and w not in values]


def covering_jobs(base: Iterable[Run], heads: Sequence[Job], patterns: Patterns) -> list[Job] | None:
    """Every head job that runs one of the base runs, or None when one is run nowhere."""
    found: list[Job] = []
    runs_of = {id(job): [r for s in job.steps for r in test_runs(s, patterns)] for job in heads}
    for run in base:
        jobs = [j for j in heads if any(covers(run, r) for r in runs_of[id(j)])]
        if not jobs:
            return None
        found.extend(j for j in jobs if j not in found)
    return found


def action_jobs(step: Step, heads: Sequence[Job]) -> list[Job]:
    """Head jobs that run the action a test step ran (`cypress-io/github-action`, whatever its
    version and inputs)."""
    name = (step.uses or "").lower()
    return [j for j in heads if any((s.uses or "").lower() == name for s in j.steps)] if name else []


def setup(job: Job) -> frozenset[str] | None:
    """The platforms a job runs on, or None when they cannot be read."""
    out: set[str] = set()
    for step in job.steps:
        if step.uses and VM_ACTIONS.match(step.uses):
            system = step.uses.lower().split("/", 1)[1].removesuffix("-vm")
            out.add(_SYSTEM_ALIASES.get(system, system))
        for _cwd, words in commands(step):
            if words[:1] == ("vagrant",):
                out.add("vagrant")
    if out:
        return frozenset(out)  # a VM or Vagrant box: the runner only hosts it
    labels = _labels(job)
    if labels is None:
        return None
    for label in labels:
        low = label.lower()
        family = next((fam for word, fam in _OS_WORDS if word in low), None)
        if family is None:
            return None  # a self-hosted or custom label: unknown
        out.add(family)
    return frozenset(out) if out else None


def _labels(job: Job) -> list[str] | None:
    raw = job.runs_on
    values = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else None
    if not values:
        return None
    out: list[str] = []
    for value in values:
        text = str(value)
        m = re.fullmatch(r"\s*\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}\s*", text)
        if m:
            if job.matrix is None or job.matrix.dynamic or not job.matrix.combos:
                return None
            axis = m.group(1)
            picked = [v for combo in job.matrix.combos for k, v in combo if k == axis]
            if not picked:
                return None
            out.extend(picked)
        elif "${{" in text:
            return None
        else:
            out.append(text)
    return out


def shown(commands_run: Sequence[Run]) -> str:
    return ", ".join(f"`{shown_command(r.written or r.command.words)[:60]}`" for r in commands_run[:2])
