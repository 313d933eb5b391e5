"""A Dockerfile as model objects: one per build stage, and one for the image it produces.

Stages are keyed by their ``AS`` name (case-insensitive, as BuildKit resolves them) or, without
one, by their index. The ``image`` object (one per Dockerfile) describes the final stage, which
is what runs: its effective user, health check and root base image, following ``FROM <stage>``
chains, so renaming or splitting stages changes nothing as long as what runs is the same.
"""

from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass, field
from typing import Any

from regress.diff import FamilyDiff
from regress.kinds.dockerfile.images import ImageRef, parse_ref
from regress.kinds.dockerfile.parser import Dockerfile, Instruction, substitute
from regress.model import ModelObject, Origin, Route

FAMILY = "dockerfile"
#: Stage bodies compare lists of instructions in order; no list keys.
DIFF = FamilyDiff(list_key=lambda route, items: None)


@dataclass
class Stage:
    index: int
    name: str  # lower-cased AS name, "" without one
    from_text: str  # as written
    from_resolved: str  # ARGs substituted
    from_known: bool
    from_line: int
    #: The stage this one builds on (``FROM builder``), by key.
    parent: str | None
    image: ImageRef | None
    platform: str
    instructions: list[Instruction] = field(default_factory=list)
    #: ARG and ENV values visible in the stage (for substitution).
    env: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.name or f"#{self.index}"


@dataclass(frozen=True, slots=True)
class LineMap:
    """Routes to lines: the longest known prefix wins."""

    path: str
    lines: dict[Route, int]
    line: int

    def locate(self, route: Route) -> tuple[str, int | None]:
        if len(route) == 2 and route[0] == "@line" and isinstance(route[1], int):
            return self.path, route[1]  # a line named directly (an instruction found by a rule)
        probe = tuple(route)
        while probe:
            line = self.lines.get(probe)
            if line is not None:
                return self.path, line
            probe = probe[:-1]
        return self.path, self.line


def stages(df: Dockerfile) -> list[Stage]:
    global_args: dict[str, str] = {}
    out: list[Stage] = []
    by_name: dict[str, Stage] = {}
    current: Stage | None = None
    for ins in df.instructions:
        if ins.keyword == "FROM":
            words = ins.args.split()
            image_text = words[0] if words else ""
            name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else ""
            resolved, known = substitute(image_text, global_args)
            parent = resolved.lower() if resolved.lower() in by_name else None
            current = Stage(
                index=len(out),
                name=name,
                from_text=image_text,
                from_resolved=resolved,
                from_known=known,
                from_line=ins.line,
                parent=parent,
                image=None if parent or not known else parse_ref(resolved),
                platform=ins.flag("platform") or "",
                env=dict(global_args),
            )
            if parent is not None:
                current.env.update(by_name[parent].env)
            out.append(current)
            if name:
                by_name[name] = current
            continue
        if current is None:
            if ins.keyword == "ARG":
                for name, default in _arg_items(ins.args):
                    if default is not None:
                        global_args[name] = default
            continue
        current.instructions.append(ins)
        if ins.keyword == "ARG":
            for name, default in _arg_items(ins.args):
                if default is not None:
                    current.env[name] = substitute(default, current.env)[0]
                elif name in global_args:
                    current.env[name] = global_args[name]
        elif ins.keyword == "ENV":
            for name, value in env_items(ins.args):
                current.env[name] = substitute(value, current.env)[0]
    return out


def _arg_items(args: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for word in _words(args):
        name, eq, default = word.partition("=")
        out.append((name, default if eq else None))
    return out


def env_items(args: str) -> list[tuple[str, str]]:
    """``ENV a=1 b="2 3"`` and the legacy ``ENV a 1 2``."""
    words = _words(args)
    if words and "=" not in words[0]:
        name, _, value = args.strip().partition(" ")
        return [(name, value.strip())]
    out = []
    for word in words:
        name, _, value = word.partition("=")
        out.append((name, value))
    return out


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


@dataclass(frozen=True, slots=True)
class StageFacts:
    stage: Stage
    final: bool
    #: Effective user at the end of the stage, following ``FROM <stage>``; None when no USER.
    user: str | None
    user_line: int | None
    healthcheck: str | None  # "NONE", the command text, or None
    healthcheck_line: int | None
    #: The root image the stage builds on, following ``FROM <stage>`` chains.
    root_image: ImageRef | None
    root_text: str


def effective(stage: Stage, all_stages: dict[str, Stage], depth: int = 0) -> StageFacts:
    user: str | None = None
    user_line: int | None = None
    health: str | None = None
    health_line: int | None = None
    root = stage.image
    root_text = stage.from_resolved
    if stage.parent is not None and depth < 64:
        parent = all_stages.get(stage.parent)
        if parent is not None:
            inherited = effective(parent, all_stages, depth + 1)
            user, user_line = inherited.user, inherited.user_line
            health, health_line = inherited.healthcheck, inherited.healthcheck_line
            root, root_text = inherited.root_image, inherited.root_text
    env: dict[str, str] = dict(stage.env)
    for ins in stage.instructions:
        if ins.keyword == "USER":
            text = ins.args.strip()
            user = substitute(text, env)[0] if text else None
            user_line = ins.line
        elif ins.keyword == "HEALTHCHECK":
            words = ins.args.split()
            health = "NONE" if words[:1] and words[0].upper() == "NONE" else ins.args.strip()
            health_line = ins.line
    return StageFacts(stage, False, user, user_line, health, health_line, root, root_text)


def build(df: Dockerfile, path: str, kind: str) -> list[ModelObject]:
    found = stages(df)
    if not found:
        return []
    by_name = {s.name: s for s in found if s.name}
    out: list[ModelObject] = []
    for s in found:
        facts = dataclasses.replace(effective(s, by_name), final=s is found[-1])
        body, lines = stage_body(s)
        out.append(
            ModelObject(
                family=FAMILY,
                type="stage",
                key=(path, s.key),
                body=body,
                origin=Origin(kind, path, LineMap(path, lines, s.from_line), path),
                label=f"stage {s.name or s.index} of {path}",
                facts=facts,
                name_hint=s.name,
            )
        )
    last = found[-1]
    facts = dataclasses.replace(effective(last, by_name), final=True)
    image_lines: dict[Route, int] = {("base",): last.from_line}
    if facts.user_line:
        image_lines[("user",)] = facts.user_line
    if facts.healthcheck_line:
        image_lines[("healthcheck",)] = facts.healthcheck_line
    out.append(
        ModelObject(
            family=FAMILY,
            type="image",
            key=(path,),
            body={"base": facts.root_text, "user": facts.user, "healthcheck": facts.healthcheck},
            origin=Origin(kind, path, LineMap(path, image_lines, last.from_line), path),
            label=f"the image built by {path}",
            facts=facts,
        )
    )
    return out


def stage_body(s: Stage) -> tuple[dict[str, Any], dict[Route, int]]:
    lines: dict[Route, int] = {("from",): s.from_line}
    body: dict[str, Any] = {"from": s.from_resolved}
    if s.platform:
        body["platform"] = s.platform
    runs: list[str] = []
    for ins in s.instructions:
        kw = ins.keyword.lower()
        if kw in ("run", "add", "copy"):
            text = " ".join(ins.args.split()) + "".join("\n" + h for h in ins.heredocs)
            flags = " ".join(f"--{k}={v}" if v else f"--{k}" for k, v in ins.flags)
            entry = f"{flags} {text}".strip()
            items = body.setdefault(kw, [])
            lines[(kw, len(items))] = ins.line
            items.append(entry)
            if kw == "run":
                runs.append(entry)
        elif kw in ("env", "arg", "label"):
            items_map = body.setdefault(kw, {})
            pairs = env_items(ins.args) if kw != "arg" else [(n, d or "") for n, d in _arg_items(ins.args)]
            for name, value in pairs:
                items_map[name] = value
                lines[(kw, name)] = ins.line
        elif kw == "expose":
            ports = body.setdefault("expose", [])
            for port in ins.args.split():
                lines[("expose", len(ports))] = ins.line
                ports.append(port)
        elif kw in ("user", "healthcheck", "cmd", "entrypoint", "workdir", "shell", "stopsignal"):
            body[kw] = " ".join(ins.args.split())
            lines[(kw,)] = ins.line
    return body, lines
