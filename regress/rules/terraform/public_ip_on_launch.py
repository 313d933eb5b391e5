"""Instances now get a public IP address.

## What it does
Reports `associate_public_ip_address` (instances, launch configurations, launch template network
interfaces) and a subnet's `map_public_ip_on_launch` becoming true, including new ones.

## Why is this bad?
An instance with a public address is reachable from the internet as far as its security group
allows; subnets that hand them out make every instance in them public.

## Example
```hcl
map_public_ip_on_launch = false   # → true
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, turned_on, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(
        ("aws_instance", "aws_launch_configuration"),
        ("associate_public_ip_address",),
        turned_on,
        absent=False,
        on_add=True,
    ),
    Attr(("aws_launch_template",), ("network_interfaces", "associate_public_ip_address"), turned_on, on_add=True),
    Attr(("aws_subnet",), ("map_public_ip_on_launch",), turned_on, absent=False, on_add=True),
)

RULE = Rule(
    code="TF012",
    name="public-ip-on-launch",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "added"}),
)
