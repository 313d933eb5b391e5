"""When a GitLab job runs: ``rules``, ``only``/``except``, ``when``, ``allow_failure`` and
``workflow:rules``, as a function of the pipeline kind and of the facts nobody knows offline.

Semantics (lib/gitlab/ci/build/rules.rb and pipeline/seed/build.rb; docs "rules", "only/except"):
- ``rules``: the first rule whose ``if``, ``changes`` and ``exists`` all hold decides; its
  ``when`` (else the job's ``when``, else ``on_success``) applies, ``never`` leaves the job out,
  and no matching rule leaves it out too.
- ``only``/``except`` (legacy): the job is included when every ``only`` clause holds (refs,
  variables, changes, kubernetes) and no ``except`` clause does. A job that sets neither — and no
  ``rules`` — gets ``only: [branches, tags]``, except when ``workflow:rules`` exist (then it is
  always included; processable.rb drops the only/except defaults).
- ``changes`` is always true in pipelines without a push to compare with (tags, schedules; docs
  "rules:changes").
- ``allow_failure``: a rule's value, else the job's, else true exactly when the *job-level*
  ``when`` is ``manual`` (a ``when: manual`` set only by a rule stays blocking; docs "Types of
  manual jobs").
- ``workflow:rules`` decide whether the pipeline exists at all; jobs only run in pipelines that do.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from regress.kinds.gitlab import expr
from regress.kinds.gitlab.contexts import Source, environment, ref_symbol, with_yaml_variables
from regress.kinds.gitlab.expr import Atom, Evaluator, Node, Oracle

AUTOMATIC = frozenset({"on_success", "always", "delayed"})
#: Beyond this many unknown facts per pipeline kind, the rest are taken as false: 2^8 answers
#: per job and pipeline kind keep a large configuration fast.
MAX_ATOMS = 8


@dataclass(frozen=True, slots=True)
class Outcome:
    when: str
    #: True, False, or a description such as "exit codes 1, 2".
    allow_failure: bool | str

    @property
    def automatic(self) -> bool:
        return self.when in AUTOMATIC


@dataclass(frozen=True, slots=True)
class Condition:
    """``if`` (parsed, or the text when it cannot be parsed), ``changes``, ``exists``."""

    if_text: str | None = None
    if_node: Node | None = None
    changes: tuple[str, ...] | None = None
    exists: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class RuleSpec:
    condition: Condition
    when: str | None = None
    allow_failure: bool | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """One ``only``/``except`` key: refs, variables, changes or kubernetes."""

    kind: str
    values: tuple[Any, ...]


#: What a job without ``only`` gets when no ``workflow:rules`` exist (entry/policy.rb DEFAULT_ONLY).
DEFAULT_ONLY = (Clause("refs", ("branches", "tags")),)


@dataclass(frozen=True, slots=True)
class RunPolicy:
    """A job's inclusion settings as written (None: the key is absent) plus what they depend on."""

    rules: tuple[RuleSpec, ...] | None = None
    only: tuple[Clause, ...] | None = None
    except_: tuple[Clause, ...] | None = None
    when: str | None = None
    allow_failure: bool | str | None = None
    workflow: tuple[RuleSpec, ...] | None = None
    #: YAML variables visible to expressions (global and job-level).
    variables: tuple[tuple[str, str], ...] = ()
    #: Paths named by ``exists`` that could be checked in the snapshot: (path, exists).
    known_files: tuple[tuple[str, bool], ...] = ()
    child: bool = False

    # -- evaluation ----------------------------------------------------------------------------
    def outcome(self, source: Source, oracle: Oracle) -> Outcome | None:
        env = with_yaml_variables(environment(source, self.child), dict(self.variables))
        ev = Evaluator(env, oracle)
        files = dict(self.known_files)
        if self.workflow is not None:
            wf = _first_match(self.workflow, ev, source, files, oracle)
            if wf is None or (wf.when or "always") == "never":
                return None
        if self.rules is not None:
            rule = _first_match(self.rules, ev, source, files, oracle)
            if rule is None:
                return None
            when = rule.when or self.when or "on_success"
            if when == "never":
                return None
            allow = rule.allow_failure if rule.allow_failure is not None else self._job_allow_failure()
            return Outcome(when, allow)
        if not all(_clause(c, ev, source, files, oracle) for c in self._only()):
            return None
        if any(_clause(c, ev, source, files, oracle) for c in self.except_ or ()):
            return None
        when = self.when or "on_success"
        if when == "never":
            return None
        return Outcome(when, self._job_allow_failure())

    def _only(self) -> tuple[Clause, ...]:
        # Processable#compose! drops the only/except defaults when rules or workflow:rules exist.
        if self.only is not None:
            return self.only
        return DEFAULT_ONLY if self.workflow is None else ()

    def _job_allow_failure(self) -> bool | str:
        if self.allow_failure is not None:
            return self.allow_failure
        return self.when == "manual"

    def atoms(self, source: Source) -> list[Atom]:
        """The unknown facts the outcome may depend on in ``source``, in a stable order."""
        seen: dict[Atom, None] = {}

        def record(atom: Atom) -> bool:
            seen.setdefault(atom, None)
            return False

        env = with_yaml_variables(environment(source, self.child), dict(self.variables))
        ev = Evaluator(env, record)
        ev.eager = True
        files = dict(self.known_files)
        for rule in (*(self.workflow or ()), *(self.rules or ())):
            _condition(rule.condition, ev, source, files, record, eager=True)
        for clause in (*self._only(), *(self.except_ or ())):
            _clause(clause, ev, source, files, record)
        return list(seen)

    def table(
        self, source: Source, atoms: list[Atom] | None = None
    ) -> Iterator[tuple[dict[Atom, bool], Outcome | None]]:
        """The outcome under every combination of answers to ``atoms`` (default: this policy's)."""
        names = (atoms if atoms is not None else self.atoms(source))[:MAX_ATOMS]
        for answers in itertools.product((False, True), repeat=len(names)):
            assignment = dict(zip(names, answers, strict=True))
            yield assignment, self.outcome(source, _answers(assignment))

    @property
    def key(self) -> tuple[Any, ...]:
        return (
            self.rules,
            self.only,
            self.except_,
            self.when,
            self.allow_failure,
            self.workflow,
            self.variables,
            self.known_files,
            self.child,
        )


def _answers(assignment: Mapping[Atom, bool]) -> Oracle:
    def oracle(atom: Atom) -> bool:
        return assignment.get(atom, False)

    return oracle


def _first_match(
    rules: tuple[RuleSpec, ...], ev: Evaluator, source: Source, files: Mapping[str, bool], oracle: Oracle
) -> RuleSpec | None:
    for rule in rules:
        if _condition(rule.condition, ev, source, files, oracle):
            return rule
    return None


def _condition(
    cond: Condition, ev: Evaluator, source: Source, files: Mapping[str, bool], oracle: Oracle, eager: bool = False
) -> bool:
    results = []
    if cond.if_text is not None:
        if cond.if_node is None:
            results.append(oracle(("unparsable", cond.if_text)))
        else:
            results.append(ev.truth(cond.if_node))
        if not eager and not results[-1]:
            return False
    if cond.changes is not None:
        results.append(_changes(cond.changes, source, oracle, eager))
        if not eager and not results[-1]:
            return False
    if cond.exists is not None:
        results.append(_exists(cond.exists, files, oracle, eager))
    return all(results)


#: Patterns any change matches: a push or a merge request always changes some file.
_ANY_FILE = frozenset({"**/*", "**", "**/**", "/**/*"})


def _changes(patterns: tuple[str, ...], source: Source, oracle: Oracle, eager: bool = False) -> bool:
    if source in (Source.TAG, Source.SCHEDULE) or any(p in _ANY_FILE for p in patterns):
        return True
    hits = [oracle(("changes", p)) for p in patterns]
    return any(hits)


def _exists(patterns: tuple[str, ...], files: Mapping[str, bool], oracle: Oracle, eager: bool = False) -> bool:
    hits = [files[p] if p in files else oracle(("exists", p)) for p in patterns]
    return any(hits)


#: ``only``/``except`` ref keywords (docs "only:refs / except:refs") and the pipeline kinds each
#: matches. ``branches`` does not match merge request pipelines, whose ref is not a branch.
_REF_KEYWORDS: dict[str, frozenset[Source]] = {
    "branches": frozenset({Source.BRANCH, Source.DEFAULT_BRANCH, Source.SCHEDULE}),
    "tags": frozenset({Source.TAG}),
    "merge_requests": frozenset({Source.MERGE_REQUEST}),
    "schedules": frozenset({Source.SCHEDULE}),
    "pushes": frozenset({Source.BRANCH, Source.DEFAULT_BRANCH, Source.TAG}),
    "api": frozenset(),
    "web": frozenset(),
    "triggers": frozenset(),
    "pipelines": frozenset(),
    "chat": frozenset(),
    "external": frozenset(),
    "external_pull_requests": frozenset(),
}


def _clause(clause: Clause, ev: Evaluator, source: Source, files: Mapping[str, bool], oracle: Oracle) -> bool:
    if clause.kind == "refs":
        return any([_ref(str(v), source, oracle) for v in clause.values])  # noqa: C419 - ask every ref
    if clause.kind == "variables":
        results = []
        for node, text in clause.values:
            results.append(ev.truth(node) if node is not None else oracle(("unparsable", text)))
        return any(results)
    if clause.kind == "changes":
        return _changes(tuple(str(v) for v in clause.values), source, oracle)
    if clause.kind == "kubernetes":
        return oracle(("kubernetes-active",))
    return oracle(("unknown-clause", clause.kind))


def _ref(pattern: str, source: Source, oracle: Oracle) -> bool:
    pattern, _, project = pattern.partition("@")
    if project and not oracle(("eq", "project-path", project)):
        return False
    if pattern in _REF_KEYWORDS:
        return source in _REF_KEYWORDS[pattern]
    ref = ref_symbol(source)
    if len(pattern) >= 2 and pattern.startswith("/") and pattern.endswith("/"):
        return oracle(("match", ref.name, pattern))
    if pattern in ref.never:
        return False
    return oracle(("eq", ref.name, pattern))


# -- building ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def condition(raw: Mapping[str, Any]) -> Condition:
    if_text = None
    if_node = None
    if "if" in raw and raw["if"] is not None:
        if_text = _text(raw["if"])
        try:
            if_node = expr.parse(if_text)
        except expr.ParseError:
            if_node = None
    return Condition(
        if_text,
        if_node,
        _paths(raw.get("changes")) if "changes" in raw else None,
        _paths(raw.get("exists")) if "exists" in raw else None,
    )


def _paths(value: Any) -> tuple[str, ...]:
    if isinstance(value, Mapping):
        value = value.get("paths")
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(_text(v) for v in value if not isinstance(v, (dict, list)))
    return ()


def rule_specs(raw: Any) -> tuple[RuleSpec, ...]:
    if not isinstance(raw, list):
        return ()
    out = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        when = item.get("when")
        allow = item.get("allow_failure")
        out.append(
            RuleSpec(
                condition(item), _text(when) if when is not None else None, allow if isinstance(allow, bool) else None
            )
        )
    return tuple(out)


def clauses(raw: Any) -> tuple[Clause, ...]:
    if raw is None:
        return ()
    if isinstance(raw, (str, list)):
        refs = [raw] if isinstance(raw, str) else raw
        return (Clause("refs", tuple(_text(r) for r in refs)),)
    if not isinstance(raw, Mapping):
        return ()
    out = []
    for key in ("refs", "variables", "changes", "kubernetes"):
        if key not in raw:
            continue
        value = raw[key]
        items = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
        if key == "variables":
            parsed: list[tuple[Node | None, str]] = []
            for text in items:
                try:
                    parsed.append((expr.parse(_text(text)), _text(text)))
                except expr.ParseError:
                    parsed.append((None, _text(text)))
            out.append(Clause(key, tuple(parsed)))
        elif key == "changes":
            out.append(Clause(key, _paths(value)))
        elif key == "kubernetes":
            out.append(Clause(key, (_text(value),)))
        else:
            out.append(Clause(key, tuple(_text(i) for i in items)))
    return tuple(out)


def allow_failure_value(raw: Any) -> bool | str | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, Mapping) and "exit_codes" in raw:
        codes = raw["exit_codes"]
        codes = codes if isinstance(codes, list) else [codes]
        return "exit codes " + ", ".join(_text(c) for c in codes)
    return None


def build(
    job: Mapping[str, Any],
    workflow: tuple[RuleSpec, ...] | None,
    variables: Mapping[str, str],
    known_files: Mapping[str, bool],
    child: bool = False,
) -> RunPolicy:
    when = job.get("when")
    when_text = _text(when) if when is not None else None
    allow = allow_failure_value(job.get("allow_failure"))
    common: dict[str, Any] = {
        "when": when_text,
        "allow_failure": allow,
        "workflow": workflow,
        "variables": tuple(sorted(variables.items())),
        "known_files": tuple(sorted(known_files.items())),
        "child": child,
    }
    if "rules" in job and job["rules"] is not None:
        return RunPolicy(rules=rule_specs(job["rules"]), **common)
    return RunPolicy(
        only=clauses(job["only"]) if job.get("only") is not None else None,
        except_=clauses(job["except"]) if job.get("except") is not None else None,
        **common,
    )


def exists_paths(job: Mapping[str, Any], workflow_raw: Any) -> set[str]:
    """Plain paths (no wildcard) named by ``exists`` in the job's rules: checkable in the snapshot."""
    out: set[str] = set()
    for raw in (job.get("rules"), workflow_raw):
        if not isinstance(raw, list):
            continue
        for item in raw:
            if isinstance(item, Mapping) and "exists" in item:
                out.update(p for p in _paths(item["exists"]) if not any(c in p for c in "*?[{$"))
    return out
