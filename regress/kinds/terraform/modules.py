"""Where a module input ends up: the resource attributes a module call's arguments reach.

For a local module (``source = "../modules/rds"``) the called folder is read on the same side and
every resource attribute written as exactly ``var.<input>`` is a target of that input; an input
passed on unchanged to a nested local module follows it down. For well-known public modules a
table names the targets (the registry source is not in the repository). Rules then judge a
module argument as they judge the attribute it reaches.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from regress.kinds.base import LoadContext
from regress.kinds.terraform import hcl
from regress.kinds.terraform.module import Module, load_module
from regress.kinds.terraform.values import Unknown

#: Nested local modules are followed this deep.
MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Target:
    """A resource attribute that a module input reaches."""

    type: str
    route: tuple[str, ...]
    #: Where it is, for messages: ``modules/db_instance: aws_db_instance.this``.
    where: str


# Public modules: registry source (without version) → input → (resource type, attribute route).
# Names from each module's variables.tf and main.tf on the Terraform Registry
# (registry.terraform.io/modules/terraform-aws-modules/{rds,rds-aurora,eks,s3-bucket}/aws).
_RDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "storage_encrypted": ("aws_db_instance", ("storage_encrypted",)),
    "deletion_protection": ("aws_db_instance", ("deletion_protection",)),
    "skip_final_snapshot": ("aws_db_instance", ("skip_final_snapshot",)),
    "publicly_accessible": ("aws_db_instance", ("publicly_accessible",)),
    "multi_az": ("aws_db_instance", ("multi_az",)),
    "backup_retention_period": ("aws_db_instance", ("backup_retention_period",)),
    "iam_database_authentication_enabled": ("aws_db_instance", ("iam_database_authentication_enabled",)),
    "monitoring_interval": ("aws_db_instance", ("monitoring_interval",)),
    "performance_insights_enabled": ("aws_db_instance", ("performance_insights_enabled",)),
    "enabled_cloudwatch_logs_exports": ("aws_db_instance", ("enabled_cloudwatch_logs_exports",)),
}
_AURORA: dict[str, tuple[str, tuple[str, ...]]] = {
    "storage_encrypted": ("aws_rds_cluster", ("storage_encrypted",)),
    "deletion_protection": ("aws_rds_cluster", ("deletion_protection",)),
    "skip_final_snapshot": ("aws_rds_cluster", ("skip_final_snapshot",)),
    "backup_retention_period": ("aws_rds_cluster", ("backup_retention_period",)),
    "iam_database_authentication_enabled": ("aws_rds_cluster", ("iam_database_authentication_enabled",)),
    "enabled_cloudwatch_logs_exports": ("aws_rds_cluster", ("enabled_cloudwatch_logs_exports",)),
    "publicly_accessible": ("aws_rds_cluster_instance", ("publicly_accessible",)),
}
_EKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cluster_endpoint_public_access": ("aws_eks_cluster", ("vpc_config", "endpoint_public_access")),
    "cluster_endpoint_public_access_cidrs": ("aws_eks_cluster", ("vpc_config", "public_access_cidrs")),
    "cluster_enabled_log_types": ("aws_eks_cluster", ("enabled_cluster_log_types",)),
    "endpoint_public_access": ("aws_eks_cluster", ("vpc_config", "endpoint_public_access")),
    "enabled_log_types": ("aws_eks_cluster", ("enabled_cluster_log_types",)),
}
_S3: dict[str, tuple[str, tuple[str, ...]]] = {
    "force_destroy": ("aws_s3_bucket", ("force_destroy",)),
    "block_public_acls": ("aws_s3_bucket_public_access_block", ("block_public_acls",)),
    "block_public_policy": ("aws_s3_bucket_public_access_block", ("block_public_policy",)),
    "ignore_public_acls": ("aws_s3_bucket_public_access_block", ("ignore_public_acls",)),
    "restrict_public_buckets": ("aws_s3_bucket_public_access_block", ("restrict_public_buckets",)),
    "acl": ("aws_s3_bucket_acl", ("acl",)),
}
PUBLIC_MODULES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "terraform-aws-modules/rds/aws": _RDS,
    "terraform-aws-modules/rds-aurora/aws": _AURORA,
    "terraform-aws-modules/eks/aws": _EKS,
    "terraform-aws-modules/s3-bucket/aws": _S3,
}
_GIT_MODULE = re.compile(r"github\.com[/:]terraform-aws-modules/terraform-aws-([a-z0-9-]+?)(\.git)?(//.*)?(\?.*)?$")


def public_module(source: str) -> str | None:
    """The registry name of a known public module, from a registry or GitHub source."""
    base = source.split("?", maxsplit=1)[0].split("//", maxsplit=1)[0] if "github.com" not in source else source
    if base in PUBLIC_MODULES:
        return base
    m = _GIT_MODULE.search(source)
    if m:
        name = f"terraform-aws-modules/{m.group(1)}/aws"
        return name if name in PUBLIC_MODULES else None
    return None


def local_dir(caller: str, source: str) -> str | None:
    """The repository folder of a local module source (``./x``, ``../x``), or None."""
    if not source.startswith(("./", "../")) and source not in (".", ".."):
        return None
    joined = posixpath.normpath(posixpath.join(caller, source) if caller else source)
    if joined.startswith(("..", "/")):
        return None
    return "" if joined == "." else joined


@dataclass(frozen=True, slots=True)
class CalledModule:
    """What a module call leads to."""

    #: The called module's folder when the source is a local path inside the repository.
    folder: str | None
    #: Input name → the resource attributes it reaches.
    targets: dict[str, tuple[Target, ...]]
    #: Input defaults of a local module (what an input left unset means).
    defaults: dict[str, Any]
    #: Resource types the module creates, nested local modules included.
    resource_types: frozenset[str]


_EMPTY = CalledModule(None, {}, {}, frozenset())


@dataclass
class ModuleTargets:
    """What each called module folder does with its inputs on one side, computed once per folder."""

    ctx: LoadContext | None
    _memo: dict[str, CalledModule] = field(default_factory=dict)
    _loading: set[str] = field(default_factory=set)

    def for_call(self, caller: str, source: str) -> CalledModule:
        public = public_module(source)
        if public is not None:
            table = PUBLIC_MODULES[public]
            targets: dict[str, tuple[Target, ...]] = {
                k: (Target(t, r, f"{public}: {t}"),) for k, (t, r) in table.items()
            }
            return CalledModule(None, targets, {}, frozenset(t for t, _ in table.values()))
        folder = local_dir(caller, source)
        if folder is None or self.ctx is None:
            return CalledModule(folder, {}, {}, frozenset())
        found = self.for_folder(folder, 0)
        return CalledModule(folder, found.targets, found.defaults, found.resource_types)

    def for_folder(self, folder: str, depth: int) -> CalledModule:
        if folder in self._memo:
            return self._memo[folder]
        if folder in self._loading or depth > MAX_DEPTH or self.ctx is None:
            return _EMPTY
        self._loading.add(folder)
        try:
            module = load_module(self.ctx, folder)
            result = self._analyse(module, depth)
        finally:
            self._loading.discard(folder)
        self._memo[folder] = result
        return result

    def _analyse(self, module: Module, depth: int) -> CalledModule:
        out: dict[str, list[Target]] = {}
        types: set[str] = set()
        where_prefix = module.folder or "."
        for at in module.blocks:
            block = at.block
            if block.type == "resource" and len(block.labels) == 2:
                rtype, name = block.labels
                types.add(rtype)
                for route, var in _passthrough(block.body, ()):
                    out.setdefault(var, []).append(Target(rtype, route, f"{where_prefix}: {rtype}.{name}"))
            elif block.type == "module" and len(block.labels) == 1:
                src_attr = block.body.attr("source")
                if src_attr is None or not isinstance(src_attr.expr, hcl.Lit):
                    continue
                source_value = src_attr.expr.value
                if not isinstance(source_value, str):
                    continue
                child = public_module(source_value)
                child_targets: dict[str, tuple[Target, ...]]
                if child is not None:
                    child_targets = {k: (Target(t, r, f"{child}: {t}"),) for k, (t, r) in PUBLIC_MODULES[child].items()}
                    types.update(t for t, _ in PUBLIC_MODULES[child].values())
                else:
                    child_dir = local_dir(module.folder, source_value)
                    if child_dir is None or child_dir == module.folder:
                        continue
                    called = self.for_folder(child_dir, depth + 1)
                    child_targets = called.targets
                    types.update(called.resource_types)
                for attr in block.body.attributes:
                    passed = _var_name(attr.expr)
                    if passed is not None and attr.name in child_targets:
                        out.setdefault(passed, []).extend(child_targets[attr.name])
        defaults = {k: v for k, v in module.scope.variables.items() if not isinstance(v, Unknown)}
        return CalledModule(module.folder, {k: tuple(v) for k, v in out.items()}, defaults, frozenset(types))


def _passthrough(body: hcl.Body, route: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    out: list[tuple[tuple[str, ...], str]] = []
    for item in body.items:
        if isinstance(item, hcl.Attribute):
            var = _var_name(item.expr)
            if var is not None:
                out.append(((*route, item.name), var))
        elif len(route) < 6:
            out.extend(_passthrough(item.body, (*route, item.type)))
    return out


def _var_name(expr: hcl.Expr) -> str | None:
    if isinstance(expr, hcl.Ref) and expr.root == "var" and len(expr.steps) == 1 and isinstance(expr.steps[0], str):
        return expr.steps[0]
    return None
