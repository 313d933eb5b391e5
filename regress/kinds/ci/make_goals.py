"""Which make goals a CI command runs tests through, read from the Makefile of the same snapshot.

`make richtest` says nothing by its name; the Makefile beside the workflow says `richtest` runs
`richgo test -v ./...`. A pipeline handler passes a reader of its own snapshot, so the base step is
judged by the base Makefile and the head step by the head one. The recipe semantics (prerequisites,
recursive `make` calls, variables) are those of ``kinds/gates/recipes.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from regress.kinds.ci.classify import make_folder, make_targets, unwrap
from regress.kinds.gates.recipes import MAKEFILES, Recipe, judge, parse_makefile

#: Reads a file of the snapshot, or None when it is absent or unreadable.
Reader = Callable[[str], str | None]


class MakeGoals:
    """Makefiles of one snapshot, parsed once each."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._parsed: dict[str, Mapping[str, Recipe] | None] = {}

    def testing_goals(self, argv: tuple[str, ...], cwd: str = "") -> tuple[str, ...]:
        """The goals of a ``make`` command line whose recipes run tests (the default goal when none
        is named); () when it is not make or no Makefile is found."""
        found = self._goals(argv, cwd)
        if found is None:
            return ()
        recipes, goals = found
        return tuple(g for g in goals if judge(recipes, g).runs_tests)

    def unread_goals(self, argv: tuple[str, ...], cwd: str = "") -> tuple[str, ...]:
        """The goals of a ``make`` command line (the default goal when none is named) whose recipes
        cannot be followed to the end: a prerequisite on the way is named through a variable the
        Makefile sets at run time or from elsewhere (``run: $(SUBSYSTEMS)``), so what they run is
        partly unknown. () when it is not make or no Makefile is found."""
        found = self._goals(argv, cwd)
        if found is None:
            return ()
        recipes, goals = found
        return tuple(g for g in goals if _unfollowed(recipes, g, frozenset()))

    def _goals(self, argv: tuple[str, ...], cwd: str) -> tuple[Mapping[str, Recipe], tuple[str, ...]] | None:
        """The Makefile's recipes and the goals a ``make`` command line asks for (the default goal
        when it names none); None when it is not make or no Makefile is found."""
        argv = unwrap(argv)  # `${MAKE} richtest`, `sh -e ./configure` … as the command they start
        if not argv or argv[0].rsplit("/", 1)[-1] not in ("make", "gmake"):
            return None
        folder = _folder(argv, cwd)
        recipes = self._recipes(folder) if folder is not None else None
        if recipes is None:
            return None
        return recipes, make_targets(argv[1:]) or tuple(r for r in recipes if not r.startswith("."))[:1]

    def _recipes(self, folder: str) -> Mapping[str, Recipe] | None:
        if folder not in self._parsed:
            found = None
            for name in MAKEFILES:  # make reads GNUmakefile, makefile, then Makefile
                text = self._read(f"{folder}/{name}" if folder else name)
                if text is not None:
                    found = parse_makefile(text)
                    break
            self._parsed[folder] = found
        return self._parsed[folder]


def _folder(argv: tuple[str, ...], cwd: str) -> str | None:
    """Where make runs: ``cwd``, or the folder ``-C`` names from there; None when it cannot be
    known (a variable, an absolute folder or one outside the checkout)."""
    return make_folder(cwd, argv[1:])


def _unfollowed(recipes: Mapping[str, Recipe], name: str, seen: frozenset[str]) -> bool:
    """Whether recipe ``name`` or one it depends on has a prerequisite named through a variable."""
    recipe = recipes.get(name)
    if recipe is None or name in seen:
        return False
    return any("$" in dep or _unfollowed(recipes, dep, seen | {name}) for dep in recipe.prereqs)
