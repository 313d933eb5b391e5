"""Test recipes outside the pipeline: Makefile targets, justfile recipes and tox environments that
the pipeline runs with ``make test``, ``just test`` or ``tox`` (CATALOGUE.md X-01).

Each recipe becomes an entry of a ``test-recipes`` gate (one object per tool and folder) with
what it runs, whether it runs tests (its own commands, or a prerequisite's), why a test failure
would not fail it, and whether a pipeline of the same snapshot calls it. The rule
``test-recipe-emptied`` compares them.

Semantics each tool documents:

- make runs each recipe line in its own ``sh -c``; a line prefixed with ``-`` has its error
  ignored; prerequisites run first (GNU make manual, "Recipe Execution", "Errors in Recipes");
- just runs each line the same way and ignores errors of ``-`` lines (just manual, "Ignoring
  errors"); dependencies follow the colon;
- tox runs ``commands`` one by one, a ``-`` prefix ignores the command's exit code, and
  ``ignore_outcome = true`` turns a failing environment into a warning; ``[testenv:x]`` inherits
  ``commands`` from ``[testenv]`` (tox docs, "Configuration").
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.ci.classify import TEST, classify_command
from regress.kinds.ci.shell import split, swallowed
from regress.kinds.gates.model import FAMILY, Gate
from regress.kinds.gates.textmap import TextSourceMap
from regress.model import ModelObject, Origin
from regress.source.base import Snapshot, join

KIND = "test-recipes"
TYPE = "test-recipes"
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
JUSTFILES = ("justfile", "Justfile", ".justfile")
#: Recipe names that are tests by name: reported even when no pipeline is seen calling them.
TEST_NAMES = re.compile(r"(?:test|tests|check|unit|integration|e2e)(?:[-_:.].*)?|.*[-_:.](?:test|tests)")

_MAKE_RULE = re.compile(r"^(?P<targets>[A-Za-z0-9_./%-][A-Za-z0-9_./% -]*?)\s*::?(?!=)\s*(?P<prereqs>[^=;#]*)")
_MAKE_VAR = re.compile(
    r"^\s*(?:export\s+|override\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\?|:|::|\+|!)?=\s*(?P<value>.*)"
)
_VAR_REF = re.compile(r"\$[({](?P<name>[A-Za-z_][A-Za-z0-9_]*)[)}]")
_JUST_RULE = re.compile(r"^(?:@)?(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(?P<params>[^:]*):(?!=)(?P<deps>[^#]*)")


@dataclass
class Recipe:
    name: str
    #: The commands as written (one per line, prefixes kept).
    commands: list[str] = field(default_factory=list)
    prereqs: list[str] = field(default_factory=list)
    #: Line of the recipe's header (1-based).
    line: int = 0
    ignore_outcome: bool = False


# -- parsing ---------------------------------------------------------------------------------------


def parse_makefile(text: str) -> dict[str, Recipe]:
    recipes: dict[str, Recipe] = {}
    variables: dict[str, str] = {}
    current: list[Recipe] = []
    for line, number in _joined(text):
        if line.startswith("\t"):
            for r in current:
                r.commands.append(_expand(line.strip(), variables, r.name))
            continue
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped:
            continue
        var = _MAKE_VAR.match(stripped)
        if var:
            variables.setdefault(var.group("name"), var.group("value").strip())
            current = []
            continue
        head, semicolon, inline = stripped.partition(";")
        # make expands a rule's targets and prerequisites as it reads the rule (GNU make manual,
        # "How make Reads a Makefile": immediate context): `test: $(TEST)` with `TEST = unit e2e`.
        rule = _MAKE_RULE.match(_expand_known(head, variables))
        if rule is None or stripped.startswith((".PHONY", ".SUFFIXES", "define ", "ifeq", "ifneq", "ifdef", "ifndef")):
            current = []
            continue
        current = []
        for name in rule.group("targets").split():
            recipe = recipes.setdefault(name, Recipe(name, line=number))
            recipe.prereqs.extend(p for p in rule.group("prereqs").split() if not p.startswith("|"))
            current.append(recipe)
        if semicolon and inline.strip():
            for r in current:
                r.commands.append(_expand(inline.strip(), variables, r.name))
    return recipes


def _joined(text: str) -> list[tuple[str, int]]:
    """Lines with backslash continuations joined, each with its first line number."""
    out: list[tuple[str, int]] = []
    buf = ""
    start = 0
    for i, line in enumerate(text.splitlines(), start=1):
        if not buf:
            start = i
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        out.append((buf + line, start))
        buf = ""
    if buf:
        out.append((buf, start))
    return out


def _expand(command: str, variables: Mapping[str, str], target: str = "") -> str:
    """``$(PYTEST) -x`` with the Makefile's own assignment, else the variable's name in lower case
    (``$(PYTHON)`` → ``python``), which is what such variables hold by convention; ``$@`` is the
    target the recipe runs for (GNU make manual, "Automatic Variables")."""

    def one(m: re.Match[str]) -> str:
        name = m.group("name")
        if name == "MAKE":
            return "make"
        value = variables.get(name)
        return value if value is not None and "$" not in value else name.lower()

    expanded = _VAR_REF.sub(one, command)
    return re.sub(r"(?<!\$)\$@", lambda _m: target, expanded) if target and "$@" in expanded else expanded


def _expand_known(text: str, variables: Mapping[str, str]) -> str:
    """``text`` with the variables the Makefile assigns a literal value; others are left as
    written (what they hold is unknown)."""

    def one(m: re.Match[str]) -> str:
        value = variables.get(m.group("name"))
        return value if value is not None and "$" not in value else m.group(0)

    return _VAR_REF.sub(one, text) if "$" in text else text


def parse_justfile(text: str) -> dict[str, Recipe]:
    recipes: dict[str, Recipe] = {}
    current: Recipe | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[:1] in (" ", "\t"):
            if current is not None:
                current.commands.append(line.strip())
            continue
        if line.startswith("["):
            continue  # an attribute of the next recipe
        m = _JUST_RULE.match(line)
        if m and ":=" not in line:
            deps = [d for d in m.group("deps").split() if not d.startswith(("(", "&&"))]
            current = Recipe(m.group("name"), prereqs=deps, line=number)
            recipes[current.name] = current
        else:
            current = None
    return recipes


def parse_tox(text: str) -> dict[str, Recipe]:
    parser = configparser.ConfigParser(interpolation=None, strict=False, allow_no_value=True)
    parser.read_string(text)
    base = dict(parser.items("testenv", raw=True)) if parser.has_section("testenv") else {}
    lines = text.splitlines()
    out: dict[str, Recipe] = {}
    for section in parser.sections():
        if section != "testenv" and not section.startswith("testenv:"):
            continue
        own = dict(parser.items(section, raw=True))
        merged = {**base, **own}
        name = section.partition(":")[2] or "testenv"
        line = next((i for i, t in enumerate(lines, start=1) if t.strip() == f"[{section}]"), 0)
        commands = [c.strip() for c in (merged.get("commands") or "").splitlines() if c.strip()]
        outcome = str(merged.get("ignore_outcome", "false")).strip().lower() in ("true", "1", "yes")
        out[name] = Recipe(name, commands, [], line, outcome)
    return out


# -- what a recipe does ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    runs_tests: bool
    #: Why a test failure does not fail the recipe, or "".
    swallowed: str


def judge(recipes: Mapping[str, Recipe], name: str, seen: frozenset[str] = frozenset()) -> Verdict:
    """Whether recipe ``name`` runs tests (itself or through what it depends on or calls), and why
    their failure would not fail it."""
    recipe = recipes.get(name)
    if recipe is None or name in seen:
        return Verdict(False, "")
    seen = seen | {name}
    runs, why = False, ""
    for dep in recipe.prereqs:
        sub = judge(recipes, dep, seen)
        runs, why = runs or sub.runs_tests, why or sub.swallowed
    for raw in recipe.commands:
        text = raw.lstrip("@+ ")
        ignored = text.startswith("-")
        text = text.lstrip("-@+ ")
        cmds = split(text)
        for i, cmd in enumerate(cmds):
            called = _calls(cmd.argv, recipes)
            if called is not None:
                sub = judge(recipes, called, seen)
                runs, why = runs or sub.runs_tests, why or sub.swallowed
                continue
            if TEST not in classify_command(cmd.argv):
                continue
            runs = True
            if ignored:
                why = why or "the line starts with '-', so its error is ignored"
            # Each line runs in its own ``sh -c``: no -e, no pipefail.
            why = why or (swallowed(cmds, i, errexit=False, pipefail=False) or "")
    if runs and recipe.ignore_outcome:
        why = why or "ignore_outcome = true turns a failure into a warning"
    return Verdict(runs, why)


def _calls(argv: tuple[str, ...], recipes: Mapping[str, Recipe]) -> str | None:
    """The recipe of the same file a command runs (``make unit``, ``just unit``), if any."""
    if argv[:1] not in (("make",), ("just",)) or len(argv) < 2:
        return None
    targets = [a for a in argv[1:] if not a.startswith("-") and "=" not in a]
    return next((t for t in targets if t in recipes), None)


# -- does the pipeline call it? ---------------------------------------------------------------------

#: Pipeline files read to see whether they run a recipe (the same bounded set every time).
PIPELINE_FILES = (".gitlab-ci.yml", ".circleci/config.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml")
_INVOCATION = {
    "make": re.compile(r"(?<![\w-])(?:g?make|\$\(MAKE\))(?P<args>(?:[ \t]+[^\s;&|)\]}'\"`]+)*)"),
    "just": re.compile(r"(?<![\w-])just(?P<args>(?:[ \t]+[^\s;&|)\]}'\"`]+)*)"),
    "tox": re.compile(r"(?<![\w-])tox(?P<args>(?:[ \t]+[^\s;&|)\]}'\"`]+)*)"),
}


def pipeline_texts(ctx: LoadContext) -> list[tuple[str, str]]:
    """The text of every pipeline file of the snapshot that regress reads (workflows and the
    fixed-path configurations), each within the file-size limit."""
    paths = [p for p in ctx.snapshot.files_in(".github/workflows") if p.endswith((".yml", ".yaml"))]
    paths.extend(p for p in PIPELINE_FILES if ctx.exists(p))
    out: list[tuple[str, str]] = []
    for path in paths:
        try:
            out.append((path, ctx.text(path)))
        except (KeyError, ValueError, OSError):
            continue
    return out


def called(tool: str, texts: Iterable[tuple[str, str]], recipes: Mapping[str, Recipe], default: str) -> dict[str, str]:
    """Recipe name → the first pipeline file that runs it (``default`` for a bare ``make``)."""
    out: dict[str, str] = {}
    pattern = _INVOCATION[tool]
    for path, text in texts:
        for m in pattern.finditer(text):
            args = [a.rstrip(",") for a in m.group("args").split()]
            if tool == "tox":
                # An environment without a section of its own runs [testenv]'s commands.
                for env in _tox_envs(args) or list(recipes):
                    out.setdefault(env if env in recipes else "testenv", path)
                continue
            names = [a for a in args if not a.startswith("-") and "=" not in a]
            if tool == "make" and _option_value(args, ("-C", "--directory")):
                names = names[1:] if names and names[0] == _option_value(args, ("-C", "--directory")) else names
            for name in names or ([default] if default else []):
                if name in recipes:
                    out.setdefault(name, path)
    return out


def _option_value(args: list[str], names: tuple[str, ...]) -> str | None:
    for i, a in enumerate(args):
        if a in names and i + 1 < len(args):
            return args[i + 1]
        for n in names:
            if a.startswith(n + "="):
                return a.split("=", 1)[1]
    return None


def _tox_envs(args: list[str]) -> list[str]:
    value = _option_value(args, ("-e", "--env"))
    return [e.strip() for e in value.split(",") if e.strip()] if value else []


# -- the handler ------------------------------------------------------------------------------------


def gate_object(
    tool: str, folder: str, path: str, text: str, recipes: Mapping[str, Recipe], calls: Mapping[str, str]
) -> ModelObject | None:
    """The folder's ``test-recipes`` object, or None when no recipe runs tests and none is a
    test by name."""
    scripts: dict[str, str] = {}
    verdicts: dict[str, dict[str, Any]] = {}
    for name, recipe in recipes.items():
        verdict = judge(recipes, name)
        if not verdict.runs_tests and not TEST_NAMES.fullmatch(name):
            continue
        scripts[name] = "\n".join(recipe.commands)
        verdicts[name] = {
            "runs_tests": verdict.runs_tests,
            "swallowed": verdict.swallowed,
            "prereqs": list(recipe.prereqs),
            "called_by": calls.get(name, ""),
            "line": recipe.line,
        }
    if not scripts:
        return None
    # What decides the verdict is in the body, so a change to any of it is a change of the object.
    body = {
        "recipes": {
            n: {k: verdicts[n][k] for k in ("prereqs", "runs_tests", "swallowed")} | {"commands": scripts[n]}
            for n in sorted(scripts)
        }
    }
    return ModelObject(
        FAMILY,
        TYPE,
        (tool, folder),
        body,
        Origin(KIND, path, _RecipeMap(path, text, {n: v["line"] for n, v in verdicts.items()})),
        f"{tool} recipes in {path}",
        Gate(tool, folder, (), {"scripts": scripts, "verdicts": verdicts}),
    )


class _RecipeMap(TextSourceMap):
    """Route ``("recipes", name)`` is the recipe's header line."""

    __slots__ = ("headers",)

    def __init__(self, path: str, text: str, headers: Mapping[str, int]) -> None:
        super().__init__(path, text, "lines")
        self.headers = dict(headers)

    def locate(self, route: Any) -> tuple[str, int | None]:
        if len(route) >= 2 and route[0] == "recipes" and route[1] in self.headers:
            return self.path, self.headers[route[1]] or None
        return super().locate(route)


class TestRecipesHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        name = path.rpartition("/")[2]
        return [Unit(KIND, path)] if name in MAKEFILES or name in JUSTFILES else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        folder, _, name = path.rpartition("/")
        if name in MAKEFILES and any(ctx.exists(join(folder, n)) for n in MAKEFILES[: MAKEFILES.index(name)]):
            return result  # make reads GNUmakefile, then makefile, then Makefile: this one is unused
        result.files.append(path)
        text = ctx.text(path)
        tool = "make" if name in MAKEFILES else "just"
        recipes = parse_makefile(text) if tool == "make" else parse_justfile(text)
        default = next(iter(r for r in recipes if not r.startswith(".")), "")
        calls = called(tool, pipeline_texts(ctx), recipes, default)
        found = gate_object(tool, folder, path, text, recipes, calls)
        if found is not None:
            result.objects.append(found)
        return result


def tox_object(text: str, path: str, folder: str, ctx: LoadContext) -> ModelObject | None:
    """tox.ini's environments as a ``test-recipes`` object (called from the Python tools handler,
    which claims tox.ini)."""
    recipes = parse_tox(text)
    if not recipes:
        return None
    calls = called("tox", pipeline_texts(ctx), recipes, "")
    return gate_object("tox", folder, path, text, recipes, calls)
