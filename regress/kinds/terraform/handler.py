"""Terraform module folders as units.

A changed ``.tf``, ``.tf.json`` or ``.tfvars`` file makes its folder a unit: the whole module is
read on both sides (its variables and locals decide the values of every resource in it), and the
local modules it calls are read as far as needed to know where their inputs go.
"""

from __future__ import annotations

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.gates import inline
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.module import is_config, is_terraform_path, load_module
from regress.kinds.terraform.modules import ModuleTargets, public_module
from regress.kinds.terraform.objects import ModuleCallFacts, build
from regress.model import ModelObject, Notice, NoticeKind
from regress.source.base import Snapshot

KIND = "terraform"


class TerraformHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        if is_terraform_path(path):
            return [Unit(KIND, path.rpartition("/")[0])]
        return []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        files = [p for p in ctx.snapshot.files_in(unit.root) if is_config(p.rpartition("/")[2])]
        if not files:
            return result
        module = load_module(ctx, unit.root)
        result.files.extend(f.path for f in module.files)
        for path, line, message in module.errors:
            result.errors.append(UnitError(path, message, line))
        memo = ctx.cache.get("terraform-bodies", "")
        if not isinstance(memo, dict):
            memo = {}
            ctx.cache.put("terraform-bodies", "", memo)
        objects = build(module, KIND, ModuleTargets(ctx), memo)
        result.objects.extend(objects)
        # Checkov, Trivy and KICS read skip comments, which the HCL parser drops.
        texts = [(f.path, ctx.text(f.path)) for f in module.files if f.path.endswith(".tf")]
        found = inline.suppressions_object(KIND, unit.root or ".", texts, inline.Syntax.HCL)
        if found is not None:
            result.objects.append(found)
        if ctx.side.value == "head":
            result.notices.extend(_opaque_modules(objects))
        return result


def _opaque_modules(objects: list[ModelObject]) -> list[Notice]:
    """Module calls whose code is not in the repository: their arguments are compared (and the
    well-known public modules' arguments judged), but what they create is not analysed."""
    out: list[Notice] = []
    for obj in objects:
        facts = obj.facts
        if not isinstance(facts, ModuleCallFacts) or facts.called.folder is not None:
            continue
        if public_module(facts.source) is not None:
            continue
        path, line = obj.origin.smap.locate(("source",))
        out.append(
            Notice(
                NoticeKind.UNRESOLVED,
                f"{obj.label}: source {facts.source or '(unknown)'} is not in the repository; its resources "
                "are not analysed, only the arguments passed to it",
                path,
                line,
            )
        )
    return out
