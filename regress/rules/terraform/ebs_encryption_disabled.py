"""EBS volume encryption was turned off.

## What it does
Reports `encrypted` going from true to false or absent on `aws_ebs_volume`, on the root and EBS
block devices of instances and launch configurations, and on launch template
`block_device_mappings.ebs`, and account-wide `aws_ebs_encryption_by_default` switched off.

## Why is this bad?
Unencrypted volumes and their snapshots expose the data to anyone who can copy a snapshot, and
cannot be encrypted in place afterwards.

## Example
```hcl
root_block_device {
  encrypted = true   # → false
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_ebs_volume",), ("encrypted",), turned_off, absent=False),
    Attr(("aws_instance", "aws_launch_configuration"), ("root_block_device", "encrypted"), turned_off, absent=False),
    Attr(("aws_instance", "aws_launch_configuration"), ("ebs_block_device", "encrypted"), turned_off, absent=False),
    Attr(("aws_launch_template",), ("block_device_mappings", "ebs", "encrypted"), turned_off),
    Attr(("aws_ebs_encryption_by_default",), ("enabled",), turned_off, absent=True),
)

RULE = Rule(
    code="TF010",
    name="ebs-encryption-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
