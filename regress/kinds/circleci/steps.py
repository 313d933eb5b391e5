"""CircleCI job steps → CI model steps, with local ``commands`` expanded.

Step forms (docs "Configuration reference: steps"): a bare name (``checkout``), or a one-key
mapping — ``run`` (a command string, or ``command``/``name``/``shell``/``when``), the built-ins
(``store_test_results``, ``store_artifacts``, ``save_cache``…), ``when``/``unless`` with a
``condition`` and nested ``steps``, a local command from ``commands:`` (expanded with its
parameters, ``<< parameters.x >>``), or an orb command ``orb/command`` (opaque). The default shell
is ``/bin/bash -eo pipefail`` (docs "Configuration reference: run", default shell).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from regress.kinds.ci import classify as cls
from regress.kinds.ci.model import Step
from regress.yamlload import YFloat

SHELL = "bash -eo pipefail {0}"
#: Commands expand into commands at most this deep (a recursive command is cut, not followed).
MAX_DEPTH = 10
_PARAM = re.compile(r"<<\s*parameters\.([A-Za-z0-9_-]+)\s*>>")
#: Built-in steps that publish test results (Signals S1/S5: ``store_test_results``).
REPORT_STEPS = frozenset({"store_test_results"})


def text(value: Any) -> str:
    if isinstance(value, YFloat):
        return value.raw
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def parameter_defaults(raw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(raw, dict):
        for name, spec in raw.items():
            if isinstance(spec, dict) and "default" in spec:
                out[str(name)] = spec["default"]
    return out


def substitute(value: str, args: Mapping[str, Any]) -> str:
    return _PARAM.sub(lambda m: text(args[m.group(1)]) if m.group(1) in args else m.group(0), value)


def expand(
    raw: Any,
    commands: Mapping[str, Any],
    args: Mapping[str, Any],
    shell: str | None,
    patterns: cls.Patterns,
) -> tuple[Step, ...]:
    out: list[Step] = []
    counts: dict[str, int] = {}
    _expand(raw, ("definition", "steps"), commands, args, shell, patterns, out, counts, 0, None)
    return tuple(out)


def _expand(
    raw: Any,
    route: tuple[Any, ...],
    commands: Mapping[str, Any],
    args: Mapping[str, Any],
    shell: str | None,
    patterns: cls.Patterns,
    out: list[Step],
    counts: dict[str, int],
    depth: int,
    via: str | None,
) -> None:
    if not isinstance(raw, list) or depth > MAX_DEPTH:
        return
    for i, item in enumerate(raw):
        here = (*route, i) if via is None else route
        params: Mapping[str, Any]
        if isinstance(item, str):
            name, params = item, {}
        elif isinstance(item, dict) and len(item) == 1:
            name, value = next(iter(item.items()))
            params = value if isinstance(value, dict) else {"command": value} if name == "run" else {}
        else:
            continue
        name = str(name)
        if name == "run":
            _run(params, here, args, shell, patterns, out, counts, via)
        elif name in ("when", "unless"):
            condition = params.get("condition")
            if isinstance(condition, str):
                condition = substitute(condition, args)
            off = _falsy(condition) if name == "when" else not _falsy(condition)
            if not off:
                _expand(
                    params.get("steps"),
                    (*here, name, "steps") if via is None else route,
                    commands,
                    args,
                    shell,
                    patterns,
                    out,
                    counts,
                    depth + 1,
                    via,
                )
        elif name in commands and isinstance(commands[name], dict):
            cmd = commands[name]
            inner = {**parameter_defaults(cmd.get("parameters")), **dict(params)}
            _expand(cmd.get("steps"), here, commands, inner, shell, patterns, out, counts, depth + 1, via or name)
        else:
            _builtin(name, params, here, out, counts, via)


def _falsy(condition: Any) -> bool:
    if isinstance(condition, bool):
        return not condition
    if isinstance(condition, str):
        return condition.strip().lower() in ("false", "", "0")
    return condition is None


def _key(base: str, counts: dict[str, int]) -> str:
    n = counts.get(base, 0)
    counts[base] = n + 1
    return base if n == 0 else f"{base}#{n + 1}"


def _run(
    params: Mapping[str, Any],
    route: tuple[Any, ...],
    args: Mapping[str, Any],
    shell: str | None,
    patterns: cls.Patterns,
    out: list[Step],
    counts: dict[str, int],
    via: str | None,
) -> None:
    command = params.get("command")
    if not isinstance(command, str):
        return
    command = substitute(command, args)
    name = params.get("name") if isinstance(params.get("name"), str) else None
    classes, _ = cls.classify_script(command, patterns)
    norm = " ".join(command.split())
    base = f"name:{name}" if name else "run:" + hashlib.sha256(norm.encode()).hexdigest()[:12]
    step_shell = params.get("shell") if isinstance(params.get("shell"), str) else shell
    out.append(
        Step(
            key=_key(base, counts),
            index=len(out),
            route=route,
            name=name,
            run=command,
            shell=_template(step_shell),
            classes=classes,
            via=via,
        )
    )


def _template(shell: str | None) -> str:
    """A ``shell:`` override as a template the CI shell analysis reads (``/bin/bash -eo pipefail``
    → ``bash -eo pipefail {0}``)."""
    if shell is None:
        return SHELL
    words = shell.split()
    if words:
        words[0] = words[0].rsplit("/", 1)[-1]
    return " ".join(words) + " {0}"


def _builtin(
    name: str,
    params: Mapping[str, Any],
    route: tuple[Any, ...],
    out: list[Step],
    counts: dict[str, int],
    via: str | None,
) -> None:
    classes: frozenset[str] = frozenset()
    if name in REPORT_STEPS:
        classes = frozenset({cls.REPORT})
    elif "/" in name:
        leaf = name.rsplit("/", 1)[-1]
        if leaf in ("test", "run-tests"):
            classes = frozenset({cls.TEST})
        elif leaf in ("notify", "status") and name.startswith("slack/"):
            classes = frozenset({cls.NOTIFY})
        elif "scan" in leaf:
            classes = frozenset({cls.SECURITY})
    inputs = {str(k): v for k, v in params.items()} if isinstance(params, Mapping) else {}
    out.append(
        Step(
            key=_key(f"uses:{name}", counts),
            index=len(out),
            route=route,
            uses=name,
            inputs=inputs,
            classes=classes,
            via=via,
        )
    )
