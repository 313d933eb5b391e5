"""From the merged configuration to effective jobs: ``extends``, ``!reference``, ``default:``,
``inherit:``, global variables, hidden jobs.

GitLab's order (lib/gitlab/ci/config.rb ``build_config``: external files, then extends, then tag
resolution): includes are merged first (see ``includes``), then every ``extends`` is expanded as a
reverse deep merge — parents in order, later parents win, the job itself wins, hashes merge and
everything else is replaced, a key set to ``null`` removes what it would inherit (docs "extends",
"Exclude a key from extends") — with at most ``MAX_EXTENDS_DEPTH`` levels; then each
``!reference [job, key, …]`` is replaced by the value it names in the extended configuration,
and nested arrays that produces in ``script``-like keys and ``rules`` are flattened (GitLab
flattens them up to 10 levels). Finally ``default:`` keys (and the deprecated top-level
``image``/``services``/``cache``/``before_script``/``after_script``) are copied into jobs that do
not set them, and global ``variables`` are merged under the job's own, each as ``inherit:`` allows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from regress.kinds.gitlab.includes import deep_merge
from regress.kinds.gitlab.tree import GList, GMap, GRef
from regress.model import Notice, NoticeKind

#: GitLab's ``extends`` nesting limit: 11 levels (lib/gitlab/ci/config/extendable/entry.rb
#: MAX_NESTING_LEVELS = 10 parents below the job itself).
MAX_EXTENDS_DEPTH = 11
#: ``!reference`` may point at values that contain references, up to this depth (GitLab's
#: tags resolver MAX_NESTING_LEVEL = 10).
MAX_REFERENCE_DEPTH = 10
#: Top-level keys that are not jobs (docs "CI/CD YAML syntax reference", global keywords).
RESERVED = frozenset(
    {
        "stages",
        "types",
        "variables",
        "include",
        "default",
        "workflow",
        "image",
        "services",
        "cache",
        "before_script",
        "after_script",
        "spec",
        "pages:deploy",
    }
)
#: Keys ``default:`` may set for every job (docs "default").
DEFAULT_KEYS = (
    "after_script",
    "artifacts",
    "before_script",
    "cache",
    "hooks",
    "id_tokens",
    "image",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
)
#: Deprecated top-level keys that act as defaults when ``default:`` does not set them.
LEGACY_GLOBAL_KEYS = ("image", "services", "cache", "before_script", "after_script")
#: Keys whose nested arrays GitLab flattens (``!reference`` splices lists into them).
FLATTENED = frozenset({"script", "before_script", "after_script", "rules"})


@dataclass
class Effective:
    """The jobs of one pipeline after resolution, with the hidden templates they were built from."""

    jobs: dict[str, GMap] = field(default_factory=dict)
    hidden: dict[str, GMap] = field(default_factory=dict)
    #: Jobs that extend or reference something only an unresolved include defines: partially known.
    partial: set[str] = field(default_factory=set)
    notices: list[Notice] = field(default_factory=list)
    errors: list[tuple[str, str, int | None]] = field(default_factory=list)
    globals: GMap | None = None


def is_job_key(key: Any, value: Any) -> bool:
    return isinstance(key, str) and key not in RESERVED and not key.startswith(".") and isinstance(value, GMap)


class _Resolver:
    def __init__(self, config: GMap, opaque: bool) -> None:
        self.config = config
        #: Unresolved includes exist: an unknown name may be defined there (not an error).
        self.opaque = opaque
        self.out = Effective(globals=config)
        self.extended: dict[str, GMap | None] = {}
        #: Levels of each extended job: 1 for a job without parents.
        self.levels: dict[str, int] = {}

    # -- extends -------------------------------------------------------------------------------
    def extend(self, name: str, chain: tuple[str, ...] = ()) -> GMap | None:
        if name in self.extended:
            return self.extended[name]
        value = self.config.get(name)
        if not isinstance(value, GMap):
            return None
        path, line = self.config.origin(name)
        if name in chain:
            self.error(path, f"extends cycle: {' → '.join((*chain, name))}", line)
            self.extended[name] = None
            return None
        if len(chain) > MAX_EXTENDS_DEPTH:
            # Deep enough to be invalid whatever lies below; not memoized, since from a shorter
            # chain this name may be fine.
            return None
        parents = value.get("extends")
        names = (
            [parents]
            if isinstance(parents, str)
            else [p for p in parents if isinstance(p, str)]
            if isinstance(parents, list)
            else []
        )
        merged = GMap(value.path, value.line)
        levels = 1
        for parent in names:
            base = self.extend(parent, (*chain, name))
            levels = max(levels, self.levels.get(parent, 0) + 1)
            if base is None:
                if parent not in self.config or not isinstance(self.config.get(parent), GMap):
                    self.unknown(
                        name, f"extends {parent!r}", path, value.origin("extends")[1] if "extends" in value else line
                    )
                continue
            merged = _drop_nulls(deep_merge(merged, base))
        self.levels[name] = levels
        if levels > MAX_EXTENDS_DEPTH:
            self.error(path, f"extends nests deeper than {MAX_EXTENDS_DEPTH} levels at {name!r}", line)
            self.extended[name] = None
            return None
        own = value.copy_map()
        result = _drop_nulls(deep_merge(merged, own)) if names else own
        result.pop("extends", None)
        self.extended[name] = result
        return result

    def unknown(self, job: str, what: str, path: str, line: int) -> None:
        if self.opaque:
            self.out.partial.add(job)
            self.out.notices.append(
                Notice(
                    NoticeKind.UNRESOLVED,
                    f"job {job!r} {what}, which is not defined in the files read (it may come from an include "
                    "that cannot be fetched): the job is only partly known",
                    path,
                    line + 1 if line >= 0 else None,
                )
            )
        else:
            self.error(path, f"job {job!r} {what}, which is not defined anywhere in the configuration", line)

    def error(self, path: str, message: str, line: int) -> None:
        self.out.errors.append((path, message, line + 1 if line >= 0 else None))

    # -- !reference ---------------------------------------------------------------------------
    def deref(self, value: Any, owner: str, key: Any = None, depth: int = 0) -> Any:
        if isinstance(value, GRef):
            return self.lookup(value, owner, depth)
        if isinstance(value, GMap):
            out = GMap(value.path, value.line)
            for k, v in value.items():
                p, ln = value.origin(k)
                out.put(k, self.deref(v, owner, k, depth), p, ln)
            return out
        if isinstance(value, GList):
            lst = GList(value.path, value.line)
            for i, v in enumerate(value):
                p, ln = value.origin(i)
                item = self.deref(v, owner, key, depth)
                if key in FLATTENED and isinstance(item, GList):
                    for j, sub in _flatten(item):
                        sp, sl = j
                        lst.push(sub, sp, sl)
                else:
                    lst.push(item, p, ln)
            return lst
        return value

    def lookup(self, ref: GRef, owner: str, depth: int) -> Any:
        names = [str(x) for x in ref]
        if depth >= MAX_REFERENCE_DEPTH:
            self.error(ref.path, f"!reference {names} nests deeper than {MAX_REFERENCE_DEPTH} levels", ref.line)
            return GList(ref.path, ref.line)
        if not names:
            self.error(ref.path, "!reference needs a job name", ref.line)
            return GList(ref.path, ref.line)
        node: Any = self.extend(names[0]) if isinstance(self.config.get(names[0]), GMap) else None
        if node is None and names[0] in RESERVED:
            node = self.config.get(names[0])
        for step in names[1:]:
            node = node.get(step) if isinstance(node, GMap) else None
        if node is None:
            self.unknown(owner, f"uses !reference {names}", ref.path, ref.line)
            return GList(ref.path, ref.line)
        return self.deref(node, owner, names[-1] if len(names) > 1 else None, depth + 1)

    # -- default: and variables ----------------------------------------------------------------
    def defaults(self, job: GMap) -> GMap:
        inherit = job.get("inherit")
        inherit_default = inherit.get("default", True) if isinstance(inherit, GMap) else True
        inherit_vars = inherit.get("variables", True) if isinstance(inherit, GMap) else True
        default = self.config.get("default")
        out = job.copy_map()
        for key in DEFAULT_KEYS:
            if key in out or not _inherits(inherit_default, key):
                continue
            if isinstance(default, GMap) and key in default:
                p, ln = default.origin(key)
                out.put(key, default[key], p, ln)
            elif key in LEGACY_GLOBAL_KEYS and key in self.config:
                p, ln = self.config.origin(key)
                out.put(key, self.config[key], p, ln)
        glob_vars = self.config.get("variables")
        if isinstance(glob_vars, GMap) and glob_vars:
            merged = GMap(glob_vars.path, glob_vars.line)
            for k, v in glob_vars.items():
                if _inherits(inherit_vars, k):
                    p, ln = glob_vars.origin(k)
                    merged.put(k, v, p, ln)
            own = out.get("variables")
            if isinstance(own, GMap):
                for k, v in own.items():
                    p, ln = own.origin(k)
                    merged.put(k, v, p, ln)
                p, ln = out.origin("variables")
            else:
                p, ln = glob_vars.path, glob_vars.line
            if merged:
                out.put("variables", merged, p, ln)
        return out

    def run(self) -> Effective:
        for name, value in self.config.items():
            if not isinstance(name, str) or name in RESERVED:
                continue
            if not isinstance(value, GMap):
                if not name.startswith("."):
                    p, ln = self.config.origin(name)
                    self.error(p, f"job {name!r} must be a mapping", ln)
                continue
            extended = self.extend(name)
            if extended is None:
                continue
            resolved = self.deref(extended, name)
            if name.startswith("."):
                self.out.hidden[name] = resolved
            else:
                self.out.jobs[name] = self.defaults(resolved)
        return self.out


def _inherits(setting: Any, key: str) -> bool:
    if isinstance(setting, bool):
        return setting
    if isinstance(setting, list):
        return key in setting
    return True


def _drop_nulls(value: GMap) -> GMap:
    for key in [k for k, v in value.items() if v is None]:
        value.pop(key)
        value.key_lines.pop(key, None)
        value.key_paths.pop(key, None)
    return value


def _flatten(items: GList, depth: int = 0) -> Iterator[tuple[tuple[str, int], Any]]:
    for i, v in enumerate(items):
        if isinstance(v, GList) and depth < MAX_REFERENCE_DEPTH:
            yield from _flatten(v, depth + 1)
        else:
            yield items.origin(i), v


def resolve_jobs(config: GMap, opaque: bool) -> Effective:
    """Effective jobs and hidden templates of a merged configuration; ``opaque`` tells that some
    includes could not be read, so names that are not found are unknown rather than wrong."""
    return _Resolver(config, opaque).run()
