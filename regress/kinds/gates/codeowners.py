"""CODEOWNERS as one object: which owners must review which paths.

GitHub reads the first of ``.github/CODEOWNERS``, ``CODEOWNERS``, ``docs/CODEOWNERS`` (docs "About
code owners"); GitLab also reads ``.gitlab/CODEOWNERS``. Each line is a pattern and its owners;
``[Section]`` headers (GitLab) group them. The last matching pattern wins.
"""

from __future__ import annotations

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.gates.model import FAMILY, Gate
from regress.kinds.gates.textmap import TextSourceMap
from regress.model import ModelObject, Origin
from regress.source.base import Snapshot

KIND = "codeowners"
PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


#: GitHub does not load a CODEOWNERS file over 3 MB (docs "About code owners": "CODEOWNERS file
#: size").
MAX_BYTES = 3 * 1024 * 1024


def parse(text: str, github: bool = True) -> list[tuple[str, tuple[str, ...]]]:
    """(pattern, owners) per line, in file order, patterns normalised (``normalize``). On GitHub a
    line using gitignore syntax that CODEOWNERS does not support (``!`` negation, ``[ ]`` ranges)
    is invalid and skipped (docs "About code owners", "Syntax exceptions")."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for line in text.splitlines():
        body = line.split(" #", 1)[0].strip()
        if not body or body.startswith("#") or (body.startswith("[") and body.endswith("]")):
            continue
        if body.startswith("^[") or (body.startswith("[") and "]" in body):
            continue
        parts = body.split()
        if github and (parts[0].startswith("!") or "[" in parts[0]):
            continue
        out.append((normalize(parts[0]), tuple(parts[1:])))
    return out


def normalize(pattern: str) -> str:
    """One spelling per pattern: a pattern with a slash before its end is anchored at the root
    (gitignore rules, which CODEOWNERS follows), so ``.github/workflows/`` is
    ``/.github/workflows/``; ``dir/**`` matches what ``dir/`` matches."""
    if pattern.endswith("/**"):
        pattern = pattern[:-2]
    if "/" in pattern.rstrip("/") and not pattern.startswith("/"):
        pattern = "/" + pattern
    return pattern


class CodeownersHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, "")] if path in PATHS else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        del unit
        result = LoadResult()
        path = next((p for p in PATHS if ctx.exists(p)), None)
        if path is None:
            return result
        result.files.append(path)
        size = ctx.snapshot.size(path) or 0
        # A file GitHub will not load protects nothing: compare it as empty.
        text = "" if size > MAX_BYTES and path != ".gitlab/CODEOWNERS" else ctx.text(path)
        rules = parse(text, github=path != ".gitlab/CODEOWNERS")
        result.objects.append(
            ModelObject(
                FAMILY,
                "codeowners",
                ("codeowners",),
                {"rules": [[p, list(o)] for p, o in rules]},
                Origin(KIND, path, TextSourceMap(path, text, "lines")),
                f"code owners {path}",
                Gate("codeowners", "", (), {"rules": tuple(rules)}),
            )
        )
        return result
