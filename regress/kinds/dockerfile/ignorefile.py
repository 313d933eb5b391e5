"""``.dockerignore`` files: what the build context leaves out.

A ``.dockerignore`` beside a Dockerfile (or ``<Dockerfile>.dockerignore``, BuildKit's per-file
variant) is read as patterns, one per line; ``#`` comments and blank lines are skipped, ``!``
re-includes (Docker docs, ".dockerignore file"). Sensitive entries (secrets, keys, VCS data,
Terraform state) are what the rule watches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.dockerfile.model import FAMILY, LineMap
from regress.model import ModelObject, Origin
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "dockerfile"

#: Entries whose removal lets secrets or repository internals into the image. (CATALOGUE DF-13
#: marks the rule unverified; the list follows common templates, e.g. docker/docs examples.)
SENSITIVE = (
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "id_rsa",
    "id_rsa*",
    "id_ed25519*",
    ".git",
    ".ssh",
    ".aws",
    ".npmrc",
    ".pypirc",
    ".netrc",
    "secrets",
    "*.tfstate",
    "*.tfstate.*",
    ".terraform",
    "credentials",
    "credentials.json",
)


def normalise(pattern: str) -> str:
    text = pattern.strip()
    text = re.sub(r"^(\./|/)+", "", text)
    while text.startswith("**/"):
        text = text[3:]
    return text.rstrip("/")


@dataclass(frozen=True, slots=True)
class IgnoreFacts:
    #: Sensitive entries excluded, with their line.
    excluded: dict[str, int]
    #: Sensitive entries re-included with ``!``, with their line.
    reincluded: dict[str, int]


def read(text: str) -> IgnoreFacts:
    excluded: dict[str, int] = {}
    reincluded: dict[str, int] = {}
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        name = normalise(line[1:] if negated else line)
        if name in SENSITIVE or any(name == s.rstrip("*") for s in SENSITIVE):
            (reincluded if negated else excluded).setdefault(name, i)
    return IgnoreFacts(excluded, reincluded)


def is_ignore_file(path: str) -> bool:
    name = path.rpartition("/")[2]
    return name == ".dockerignore" or name.endswith(".dockerignore")


class DockerignoreHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit("dockerignore", path)] if is_ignore_file(path) else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        try:
            text = ctx.text(path)
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        facts = read(text)
        lines = {("exclude", k): v for k, v in facts.excluded.items()}
        lines.update({("reinclude", k): v for k, v in facts.reincluded.items()})
        result.objects.append(
            ModelObject(
                family=FAMILY,
                type="ignore-file",
                key=(path,),
                body={"exclude": sorted(facts.excluded), "reinclude": sorted(facts.reincluded)},
                origin=Origin(KIND, path, LineMap(path, lines, 1), path),
                label=path,
                facts=facts,
            )
        )
        return result
