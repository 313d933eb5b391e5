"""OpenSearch / Elasticsearch encryption or HTTPS enforcement was turned off.

## What it does
Reports `encrypt_at_rest.enabled`, `node_to_node_encryption.enabled` and
`domain_endpoint_options.enforce_https` going from true to false, and
`domain_endpoint_options.tls_security_policy` moving to an older policy.

## Why is this bad?
Search domains index logs and documents that often hold personal data; plain HTTP or unencrypted
storage exposes them.

## Example
```hcl
domain_endpoint_options {
  enforce_https = true   # → false
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, ranks, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TYPES = ("aws_opensearch_domain", "aws_elasticsearch_domain")
#: OpenSearch Service TLS policies, newest (strongest) first (AWS docs, "Domain endpoint options").
TLS = {"Policy-Min-TLS-1-2-PFS-2023-10": 0, "Policy-Min-TLS-1-2-2019-07": 1, "Policy-Min-TLS-1-0-2019-07": 2}

SPECS = (
    Attr(TYPES, ("encrypt_at_rest", "enabled"), turned_off),
    Attr(TYPES, ("node_to_node_encryption", "enabled"), turned_off),
    Attr(TYPES, ("domain_endpoint_options", "enforce_https"), turned_off),
    Attr(TYPES, ("domain_endpoint_options", "tls_security_policy"), ranks(TLS)),
)

RULE = Rule(
    code="TF023",
    name="search-encryption-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
