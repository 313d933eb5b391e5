"""A Cloud SQL instance became reachable from more places, or accepts unencrypted connections.

## What it does
Reports `settings.ip_configuration.ipv4_enabled` becoming true, an authorized network of
`0.0.0.0/0`, `ssl_mode` moving towards `ALLOW_UNENCRYPTED_AND_ENCRYPTED`, and `require_ssl`
going from true to false.

## Why is this bad?
A public address with a world-wide authorized network leaves only the database password between
the data and the internet; without TLS, the password crosses it readable.

## Example
```hcl
ip_configuration {
  ipv4_enabled = false   # → true
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, gains_world, ranks, turned_off, turned_on, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SQL = ("google_sql_database_instance",)
SSL = {"TRUSTED_CLIENT_CERTIFICATE_REQUIRED": 0, "ENCRYPTED_ONLY": 1, "ALLOW_UNENCRYPTED_AND_ENCRYPTED": 2}

SPECS = (
    Attr(SQL, ("settings", "ip_configuration", "ipv4_enabled"), turned_on, on_add=True),
    Attr(SQL, ("settings", "ip_configuration", "authorized_networks", "value"), gains_world, absent=None, on_add=True),
    Attr(SQL, ("settings", "ip_configuration", "ssl_mode"), ranks(SSL)),
    Attr(SQL, ("settings", "ip_configuration", "require_ssl"), turned_off, absent=False),
)

RULE = Rule(
    code="TF302",
    name="cloudsql-exposed",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "added"}),
)
