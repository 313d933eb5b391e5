"""The engine: two snapshots and their changed paths in, a report out.

changed paths → units (per file kind) → objects on both sides → keyed diff per family → rules →
findings → config (severities, exclusions) → approvals → report. Only units touched by the change
are loaded; everything else in the repository is never read.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from regress import approvals as approvals_mod
from regress.config import APPROVALS_PATH, CONFIG_PATHS, Config, parse
from regress.diff import diff_objects
from regress.errors import InputError
from regress.findings import Finding, Severity, fingerprint
from regress.kinds.base import Handler, LoadContext, LoadResult, ParseCache, Unit, UnitError
from regress.kinds.registry import FAMILIES, candidates
from regress.model import Change, Location, ModelObject, Notice, NoticeKind, Side, Status
from regress.rules import meta, registry
from regress.rules.base import Hit, Index, Rule, RuleContext
from regress.source.base import ChangeType, EntryType, PathChange, Snapshot

SCHEMA_ID = "regress.report/v1"


@dataclass(frozen=True)
class SideInfo:
    label: str
    resolved: str

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "resolved": self.resolved}


@dataclass
class Report:
    base: SideInfo
    head: SideInfo
    findings: list[Finding]
    notices: list[Notice]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if not f.approved]

    @property
    def exit_code(self) -> int:
        return 1 if self.violations else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "base": self.base.to_json(),
            "head": self.head.to_json(),
            "findings": [f.to_json() for f in self.findings],
            "notices": [n.to_json() for n in self.notices],
            "stats": self.stats,
        }


@dataclass
class Options:
    """How a run is configured beyond the snapshots themselves."""

    #: An explicit config (``--config``); otherwise the base side's ``.regress.yml`` is used.
    config: Config | None = None
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    #: Approvals from outside the tree (``--approve``, the App's database).
    approvals: Sequence[approvals_mod.ApprovalEntry] = ()
    cache: ParseCache | None = None
    today: dt.date | None = None
    #: The rules to run; None: the registry's, imported for the model families the change loaded.
    rules: Sequence[Rule] | None = None


def load_config(base: Snapshot, explicit: Config | None) -> Config:
    if explicit is not None:
        return explicit
    for path in CONFIG_PATHS:
        if base.entry_type(path) is EntryType.FILE:
            return parse(base.read(path), f"{path} (base: {base.label})")
    return Config()


def analyze(base: Snapshot, head: Snapshot, changes: Sequence[PathChange], options: Options | None = None) -> Report:
    opts = options or Options()
    started = time.perf_counter()
    config = load_config(base, opts.config).with_paths(opts.include, opts.exclude)
    cache = opts.cache or ParseCache()
    run = _Run(base, head, config, cache)
    run.collect(changes)
    run.rules = select_rules(opts.rules if opts.rules is not None else registry.rules_for(run.families()), config)
    findings = run.evaluate()
    entries = list(opts.approvals)
    approvals_path = config.approvals_file or APPROVALS_PATH
    if base.entry_type(approvals_path) is EntryType.FILE:
        entries.extend(approvals_mod.parse_file(base.read(approvals_path), f"{approvals_path} (base)"))
    findings, expired = approvals_mod.apply(findings, entries, opts.today)
    run.notices.extend(expired)
    findings.sort(key=Finding.sort_key)
    run.stats.update(
        {
            "findings": len(findings),
            "approved": sum(f.approved for f in findings),
            "violations": sum(not f.approved for f in findings),
            "seconds": round(time.perf_counter() - started, 3),
            "parse_cache": {"hits": cache.hits, "misses": cache.misses},
            "config": config.source or None,
        }
    )
    return Report(
        SideInfo(base.label, base.resolved),
        SideInfo(head.label, head.resolved),
        findings,
        _dedupe_notices(run.notices),
        run.stats,
    )


def select_rules(rules: Sequence[Rule], config: Config) -> list[Rule]:
    def named(rule: Rule, names: Iterable[str]) -> bool:
        return any(
            n in (rule.code, rule.name) or (n.isalpha() and n.isupper() and rule.code.startswith(n)) for n in names
        )

    out = []
    for rule in rules:
        if config.select and not named(rule, config.select) and not rule.code.startswith("REG"):
            continue
        if named(rule, config.disable) or _severity_setting(rule, config) == "off":
            continue
        out.append(rule)
    return out


def _severity_setting(rule: Rule, config: Config) -> str | None:
    return config.severity.get(rule.code) or config.severity.get(rule.name)


def _dedupe_notices(notices: list[Notice]) -> list[Notice]:
    seen = set()
    out = []
    for n in notices:
        key = (n.kind, n.message, n.path, n.line)
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


class _Run:
    def __init__(self, base: Snapshot, head: Snapshot, config: Config, cache: ParseCache) -> None:
        self.base = base
        self.head = head
        self.config = config
        #: Set after ``collect``, when the families the change touches are known.
        self.rules: list[Rule] = []
        self.ctx = {
            Side.BASE: LoadContext(base, Side.BASE, cache, config.max_file_bytes, config, other=head),
            Side.HEAD: LoadContext(head, Side.HEAD, cache, config.max_file_bytes, config, other=base),
        }
        self.notices: list[Notice] = []
        self.findings: list[Finding] = []
        #: Identities of the objects the change added, removed, modified or renamed (evaluate()).
        self.altered: set[str] = set()
        self.objects: dict[Side, list[ModelObject]] = {Side.BASE: [], Side.HEAD: []}
        self.stats: dict[str, Any] = {}
        self.unit_errors: list[UnitError] = []
        self.loaded_units: dict[Side, set[Unit]] = {Side.BASE: set(), Side.HEAD: set()}
        self._nearby_cache: dict[tuple[Side, str, str], list[ModelObject]] = {}
        self._claims: dict[Side, dict[str, tuple[Handler, list[Unit]] | None]] = {Side.BASE: {}, Side.HEAD: {}}
        self._by_folder: dict[Side, dict[tuple[str, str], list[ModelObject]]] = {}

    # -- loading ---------------------------------------------------------------------------------
    def collect(self, changes: Sequence[PathChange]) -> None:
        units: dict[Unit, Handler] = {}
        selected = 0
        # Read ahead before asking the handlers: some decide whether a path is theirs by its
        # content (an OpenShift Template), which read each changed file one at a time.
        self._prefetch(changes)
        for change in changes:
            if not self.config.path_selected(change.path):
                continue
            selected += 1
            self._meta_for_path(change)
            for side, snap, etype in (
                (Side.BASE, self.base, change.base_type),
                (Side.HEAD, self.head, change.head_type),
            ):
                if etype is None:
                    continue
                if etype is not EntryType.FILE:
                    if side is Side.HEAD:
                        self.notices.append(Notice(NoticeKind.SKIPPED, f"{etype.value} not analysed", change.path))
                    continue
                claim = self._claim(side, snap, change.path)
                if claim is not None:
                    for unit in claim[1]:
                        units.setdefault(unit, claim[0])
        files_read: set[str] = set()
        for unit in sorted(units):
            handler = units[unit]
            for side in (Side.BASE, Side.HEAD):
                self.loaded_units[side].add(unit)
                result = self._load(handler, unit, side)
                files_read.update(f"{side.value}:{p}" for p in result.files)
                self.objects[side].extend(result.objects)
                self.notices.extend(result.notices)
                for err in result.errors:
                    if side is Side.HEAD:
                        self.unit_errors.append(err)
                    else:
                        self.notices.append(
                            Notice(
                                NoticeKind.INPUT,
                                f"base side cannot be parsed, compared as empty: {err.message}",
                                err.path,
                                err.line,
                            )
                        )
        self.stats.update(
            {
                "changed_paths": len(changes),
                "selected_paths": selected,
                "units": len(units),
                "files_read": len(files_read),
                "objects": {"base": len(self.objects[Side.BASE]), "head": len(self.objects[Side.HEAD])},
            }
        )

    def families(self) -> set[str]:
        """The model families of the objects loaded on either side."""
        return {o.family for objs in self.objects.values() for o in objs}

    def _prefetch(self, changes: Sequence[PathChange]) -> None:
        """Let a snapshot that can read many files at once (git) read the changed ones ahead."""
        for snap, side in ((self.base, "base_type"), (self.head, "head_type")):
            prefetch = getattr(snap, "prefetch", None)
            if prefetch is None:
                continue
            paths = [
                c.path for c in changes if getattr(c, side) is EntryType.FILE and self.config.path_selected(c.path)
            ]
            prefetch(paths, self.config.max_file_bytes)

    def _load(self, handler: Handler, unit: Unit, side: Side) -> LoadResult:
        try:
            return handler.load(unit, self.ctx[side])
        except Exception as exc:  # noqa: BLE001 - a broken handler must not end the run
            result = LoadResult()
            message = f"internal error while reading this {handler.kind} unit: {type(exc).__name__}: {exc}"
            if side is Side.HEAD:
                result.errors.append(UnitError(unit.root, message))
            else:
                result.notices.append(Notice(NoticeKind.INPUT, message, unit.root))
            result.notices.append(Notice(NoticeKind.INPUT, "traceback: " + _short_tb(exc), unit.root))
            return result

    def _meta_for_path(self, change: PathChange) -> None:
        if change.path in CONFIG_PATHS or change.path == (self.config.approvals_file or APPROVALS_PATH):
            line = 1 if change.change is not ChangeType.DELETED else None
            side = Side.HEAD if change.change is not ChangeType.DELETED else Side.BASE
            rule = meta.CONFIG_CHANGED
            what = "approvals file" if change.path.endswith(("approvals.yml", "approvals.yaml")) else "configuration"
            self.findings.append(
                self._finding(
                    rule,
                    f"regress:{change.path}",
                    "content",
                    f"The regress {what} {change.path} was {change.change.value}; it takes effect only after "
                    "this change is merged, and changes to it need a reviewer's approval.",
                    Location(change.path, line, side),
                    (),
                    None,
                    None,
                    "regress-config",
                )
            )

    # -- evaluation -----------------------------------------------------------------------------
    def evaluate(self) -> list[Finding]:
        for err in self.unit_errors:
            self.findings.append(
                self._finding(
                    meta.UNVERIFIABLE,
                    f"file:{err.path}",
                    "parse",
                    f"{err.path} cannot be parsed, so this change cannot be verified: {err.message}",
                    Location(err.path, err.line, Side.HEAD),
                    (),
                    None,
                    None,
                    "",
                )
            )
        base_index = Index(self.objects[Side.BASE])
        head_index = Index(self.objects[Side.HEAD])
        by_watch: dict[tuple[str, str], list[Rule]] = {}
        contexts: dict[str, RuleContext] = {}
        for rule in self.rules:
            for watch in rule.watches:
                by_watch.setdefault(watch, []).append(rule)
            # One context per rule, not per change: its options do not depend on the change (and are
            # read-only, so no check sees another's edits).
            options = {
                **rule.default_options(),
                **self.config.options.get(rule.name, {}),
                **self.config.options.get(rule.code, {}),
            }
            contexts[rule.code] = RuleContext(
                base_index,
                head_index,
                MappingProxyType(options),
                self.config,
                self.nearby,
                self.is_dir,
                self.exists,
            )
        changes: list[Change] = []
        for family in FAMILIES:
            base_objs = [o for o in self.objects[Side.BASE] if o.family == family]
            head_objs = [o for o in self.objects[Side.HEAD] if o.family == family]
            if base_objs or head_objs:
                # Looked up only for a family that has objects (its module is imported then).
                changes.extend(diff_objects(base_objs, head_objs, FAMILIES[family]))
        self.stats["changes"] = _count_statuses(changes)
        # Identities the change really altered (a moved object, same content elsewhere, is none).
        self.altered = {
            o.identity for c in changes if c.status is not Status.MOVED for o in (c.before, c.after) if o is not None
        }
        for change in changes:
            # A watch on (family, "*") sees every type of the family (a lifecycle guard can sit on
            # any Terraform resource).
            watching = [*by_watch.get((change.family, change.type), ()), *by_watch.get((change.family, "*"), ())]
            for rule in watching:
                if change.status.value not in rule.statuses:
                    continue
                if change.obj.origin.kind not in rule.kinds:
                    continue
                try:
                    for hit in rule.check(change, contexts[rule.code]):
                        self.findings.append(self._from_hit(rule, change, hit))
                except Exception as exc:  # noqa: BLE001 - a failing rule is a finding, not a crash
                    self.findings.append(self._rule_error(rule, change, exc))
        return self._configure(self.findings)

    def is_dir(self, side_name: str, path: str) -> bool:
        """Whether ``path`` is a folder of one side's tree (a question about the tree, not a load)."""
        return (self.base if Side(side_name) is Side.BASE else self.head).is_dir(path)

    def exists(self, side_name: str, path: str) -> bool:
        """Whether anything (a file, a link, a submodule, a folder) is at ``path`` in one side's tree."""
        snapshot = self.base if Side(side_name) is Side.BASE else self.head
        return snapshot.entry_type(path) is not None or snapshot.is_dir(path)

    def nearby(self, side_name: str, obj: ModelObject) -> list[ModelObject]:
        """Objects of the same kind in the other files of ``obj``'s folder on one side.

        Files of that folder the change did not touch are loaded now (once per folder and kind),
        through the same handler and parse cache as the changed ones.
        """
        side = Side(side_name)
        folder = obj.origin.path.rpartition("/")[0]
        key = (side, folder, obj.origin.kind)
        cached = self._nearby_cache.get(key)
        if cached is not None:
            return cached
        snap = self.base if side is Side.BASE else self.head
        by_folder = self._by_folder.get(side)
        if by_folder is None:
            # Grouped once per side: scanning every loaded object for each rule's question made a
            # diff of many objects quadratic. The loaded objects do not change after collect().
            by_folder = {}
            for o in self.objects[side]:
                by_folder.setdefault((o.origin.path.rpartition("/")[0], o.origin.kind), []).append(o)
            self._by_folder[side] = by_folder
        out = list(by_folder.get((folder, obj.origin.kind), ()))
        for path in snap.files_in(folder):
            if not self.config.path_selected(path):
                continue
            claim = self._claim(side, snap, path)
            if claim is None or claim[0].kind != obj.origin.kind:
                continue
            handler, units = claim
            for unit in units:
                if unit not in self.loaded_units[side]:
                    self.loaded_units[side].add(unit)
                    out.extend(self._load(handler, unit, side).objects)
        self._nearby_cache[key] = out
        return out

    def _claim(self, side: Side, snap: Snapshot, path: str) -> tuple[Handler, list[Unit]] | None:
        """The first handler that claims ``path`` on one side, with its units. Asked once per
        side and path: ``nearby`` asks again about files ``collect`` already offered."""
        memo = self._claims[side]
        if path in memo:
            return memo[path]
        found = None
        for handler in candidates(path):
            units = handler.units(path, snap)
            if units:
                found = (handler, units)
                break
        memo[path] = found
        return found

    def _from_hit(self, rule: Rule, change: Change, hit: Hit) -> Finding:
        head_obj = hit.head_obj or change.after
        base_obj = hit.base_obj or change.before
        ident_obj = change.after or change.before
        assert ident_obj is not None
        related: list[Location] = []
        if head_obj is not None:
            location = head_obj.locate(hit.head_route or (), Side.HEAD)
        else:
            assert base_obj is not None
            location = self._surviving_parent(base_obj)
        if base_obj is not None and hit.base_route is not None:
            base_loc = base_obj.locate(hit.base_route, Side.BASE)
            if base_loc != location:
                related.append(base_loc)
        for obj, route, side in hit.related:
            related.append(obj.locate(route, Side(side)))
        identity = hit.identity or ident_obj.identity
        severity = hit.severity or rule.severity
        extra: dict[str, Any] = {}
        if hit.yields_to:
            extra["yields_to"] = frozenset(hit.yields_to)
        unit = ident_obj.origin.unit
        if unit and unit in identity:
            # The same finding in several render roots of one chart or kustomization (a change
            # to the chart's values.yaml shows in every environment) is reported once.
            extra["render_root"] = unit
            extra["group"] = (rule.code, hit.attr, location, identity.replace(unit, "\0"))
        return self._finding(
            rule,
            identity,
            hit.attr,
            hit.message,
            location,
            tuple(related),
            hit.before,
            hit.after,
            ident_obj.origin.kind,
            severity,
            category=hit.category,
            extra=extra,
        )

    def _surviving_parent(self, base_obj: ModelObject) -> Location:
        """A removed object's report location: its file on the head side if the file survives."""
        path = base_obj.origin.path
        if self.head.entry_type(path) is EntryType.FILE:
            return Location(path, None, Side.HEAD)
        return base_obj.locate((), Side.BASE)

    def _rule_error(self, rule: Rule, change: Change, exc: Exception) -> Finding:
        obj = change.obj
        loc = obj.locate((), Side.HEAD if change.after else Side.BASE)
        return self._finding(
            meta.RULE_ERROR,
            obj.identity,
            f"{rule.code}:error",
            f"rule {rule.name} ({rule.code}) failed on {obj.label}, so this change is not verified: "
            f"{type(exc).__name__}: {exc}",
            loc,
            (),
            None,
            None,
            obj.origin.kind,
            extra={"rule": rule.code, "traceback": _short_tb(exc)},
            category=rule.category,
        )

    def _finding(
        self,
        rule: Rule,
        identity: str,
        attr: str,
        message: str,
        location: Location,
        related: tuple[Location, ...],
        before: Any,
        after: Any,
        kind: str,
        severity: Severity | None = None,
        extra: dict[str, Any] | None = None,
        category: Any = None,
    ) -> Finding:
        return Finding(
            code=rule.code,
            name=rule.name,
            category=category or rule.category,
            severity=severity or rule.severity,
            message=message,
            fingerprint=fingerprint(rule.code, identity, attr),
            identity=identity,
            attr=attr,
            location=location,
            related=related,
            before=before,
            after=after,
            kind=kind,
            extra=extra or {},
        )

    def _configure(self, findings: list[Finding]) -> list[Finding]:
        """Apply severity settings (per rule, then per path) and drop duplicates."""
        from dataclasses import replace

        by_code = {r.code: r for r in self.rules}
        out: list[Finding] = []
        seen: set[str] = set()
        findings = _collapse_render_roots(_drop_yielding(findings, self.altered))
        for finding in findings:
            if finding.fingerprint in seen:
                continue
            seen.add(finding.fingerprint)
            rule = by_code.get(finding.code)
            setting = _severity_setting(rule, self.config) if rule else None
            path_setting = self.config.severity_for_path(finding.location.path)
            final = path_setting or setting
            if final == "off":
                continue
            out.append(replace(finding, severity=Severity(final)) if final else finding)
        return out


def _drop_yielding(findings: list[Finding], altered: set[str]) -> list[Finding]:
    """Drops heuristic findings (a chart's values read by convention) that another finding of the
    same category already covers, or whose objects did not change at all: a value the templates
    of a render root ignore (an environment that pins its own replica count) changes nothing
    that root deploys, whatever the value says."""
    covered: set[tuple[str, str]] = {(str(f.category), f.identity) for f in findings if "yields_to" not in f.extra}
    out = []
    for f in findings:
        yields = f.extra.get("yields_to", ())
        if any((str(f.category), ident) in covered for ident in yields):
            continue
        if yields and altered.isdisjoint(yields):
            continue
        out.append(f)
    return out


def _collapse_render_roots(findings: list[Finding]) -> list[Finding]:
    """One finding per (rule, attribute, location, object) across render roots, kept from the
    root with the shortest name (a chart's default values, before its environments)."""
    from dataclasses import replace

    groups: dict[Any, list[Finding]] = {}
    for f in findings:
        if "group" in f.extra:
            groups.setdefault(f.extra["group"], []).append(f)
    out: list[Finding] = []
    for f in findings:
        group = groups.get(f.extra.get("group")) if "group" in f.extra else None
        if group is None:
            out.append(f)
            continue
        keep = min(group, key=lambda g: (len(g.extra["render_root"]), g.extra["render_root"], g.fingerprint))
        if f is not keep:
            continue
        others = sorted({g.extra["render_root"] for g in group} - {keep.extra["render_root"]})
        if others:
            shown = ", ".join(others) if len(others) <= 3 else f"{len(others)} more"
            out.append(replace(f, message=f"{f.message} (also in render roots: {shown})"))
        else:
            out.append(f)
    return out


def _count_statuses(changes: list[Change]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in changes:
        out[c.status.value] = out.get(c.status.value, 0) + 1
    return out


def _short_tb(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    return " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames))


__all__ = ["InputError", "Options", "Report", "SideInfo", "analyze"]
