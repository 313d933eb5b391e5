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


def parse(text: str) -> list[tuple[str, tuple[str, ...]]]:
    out: list[tuple[str, tuple[str, ...]]] = []
    for line in text.splitlines():
        body = line.split(" #", 1)[0].strip()
        if not body or body.startswith("#") or (body.startswith("[") and body.endswith("]")):
            continue
        if body.startswith("^[") or (body.startswith("[") and "]" in body):
            continue
        parts = body.split()
        out.append((parts[0], tuple(parts[1:])))
    return out


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
        text = ctx.text(path)
        rules = parse(text)
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
