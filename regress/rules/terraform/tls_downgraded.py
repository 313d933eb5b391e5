"""A listener or distribution accepts weaker TLS, or plain HTTP.

## What it does
Reports load balancer listeners moving from `HTTPS`/`TLS` to `HTTP`/`TCP`, `ssl_policy` moving
to a policy with a lower minimum TLS version (ordered by the version in the policy name:
`TLS13-1-3` > `TLS13-1-2`, `TLS-1-2`, `FS-1-2` > `TLS-1-1` > `2016-08`, `TLS-1-0`, `2015-05`),
classic ELB listeners moving from `https` to `http`, CloudFront `viewer_protocol_policy` moving
from `https-only`/`redirect-to-https` to `allow-all`, and `minimum_protocol_version` going down.

## Why is this bad?
Older TLS versions have known weaknesses and plain HTTP none of the protection: credentials and
session cookies cross the network readable.

## Example
```hcl
ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"   # → "ELBSecurityPolicy-2016-08"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, Verdict, attr_check, ranks, watches
from regress.kinds.terraform.values import as_str
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

LISTENER = ("aws_lb_listener", "aws_alb_listener")
CF = ("aws_cloudfront_distribution",)
VIEWER = {"https-only": 0, "redirect-to-https": 1, "allow-all": 2}
#: CloudFront security policies, strongest first (CloudFront docs, "Supported protocols and ciphers").
CF_TLS = {
    "TLSv1.2_2021": 0,
    "TLSv1.2_2019": 1,
    "TLSv1.2_2018": 2,
    "TLSv1.1_2016": 3,
    "TLSv1_2016": 4,
    "TLSv1": 5,
    "SSLv3": 6,
}


def min_tls(policy: str) -> float | None:
    """The minimum TLS version an ELB security policy allows, from its name (ELB docs,
    "Security policies for your Application Load Balancer")."""
    name = policy.upper()
    m = re.search(r"TLS13-1-([0-3])", name) or re.search(r"(?:TLS|FS)-1-([0-3])", name)
    if m:
        return 1.0 + int(m.group(1)) / 10
    if re.search(r"2016-08|2015-0[35]|2015-02|2014-01|2011-08", name) or "TLS-1-0" in name:
        return 1.0
    return None


def elb_policy_weaker(before: Any, after: Any) -> Verdict | None:
    b, a = as_str(before), as_str(after)
    if b is None or a is None:
        return None
    vb, va = min_tls(b), min_tls(a)
    if vb is None or va is None or va >= vb:
        return None
    return Verdict(f"minimum TLS {vb:.1f} → {va:.1f}")


SPECS = (
    Attr(LISTENER, ("protocol",), ranks({"HTTPS": 0, "TLS": 0, "HTTP": 1, "TCP": 1, "UDP": 1, "TCP_UDP": 1})),
    Attr(LISTENER, ("ssl_policy",), elb_policy_weaker),
    Attr(("aws_elb",), ("listener", "lb_protocol"), ranks({"https": 0, "ssl": 0, "http": 1, "tcp": 1})),
    Attr(CF, ("default_cache_behavior", "viewer_protocol_policy"), ranks(VIEWER)),
    Attr(CF, ("ordered_cache_behavior", "viewer_protocol_policy"), ranks(VIEWER)),
    Attr(CF, ("viewer_certificate", "minimum_protocol_version"), ranks(CF_TLS)),
)

RULE = Rule(
    code="TF016",
    name="tls-downgraded",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
