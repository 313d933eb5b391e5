"""The API server's audit logging was switched off or keeps less.

## What it does
Finds containers running `kube-apiserver` (static pod manifests such as kubeadm's
`kube-apiserver.yaml`) and compares their audit flags from `command` and `args`:

- `--audit-policy-file` removed (no policy means no audit events): high;
- `--audit-log-path` removed while no `--audit-webhook-config-file` remains: high;
  `--audit-webhook-config-file` removed: medium;
- `--audit-log-maxage`, `--audit-log-maxbackup` lowered (0 or absent means no limit, so going
  to 0 is not a cut): medium; `--audit-log-maxsize` lowered (absent or 0 means the 100 MB
  default of the rotation library): low.

## Why is this bad?
The audit log is the record of who did what through the API: without it, or with less of it
kept, an intrusion or a destructive mistake leaves no trail (Checkov CKV_K8S_91 to CKV_K8S_94,
CIS Kubernetes Benchmark 1.2.x).

## Example
```yaml
# base                                    # head
command:                                  command:
  - kube-apiserver                          - kube-apiserver
  - --audit-log-path=/var/log/audit.log     - --audit-log-maxage=30
  - --audit-log-maxage=30
```

## How to resolve
Keep the audit flags, or approve the finding saying where audit events go now.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, Container, pair_containers
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

PREFIX = "--audit-"
#: Retention flags: (severity, value that means "no limit" or None, default when absent or 0).
#: kube-apiserver flag docs: maxage and maxbackup of 0 keep everything; maxsize 0 falls back to
#: lumberjack's 100 MB (gopkg.in/natefinch/lumberjack.v2, Logger.MaxSize).
RETENTION: dict[str, tuple[Severity, int | None]] = {
    "--audit-log-maxage": (Severity.MEDIUM, None),
    "--audit-log-maxbackup": (Severity.MEDIUM, None),
    "--audit-log-maxsize": (Severity.LOW, 100),
}


def flags(c: Container) -> dict[str, str] | None:
    """The audit flags of a kube-apiserver container, or None if it does not run kube-apiserver."""
    words: list[str] = []
    for part in ("command", "args"):
        value: Any = c.body.get(part)
        if isinstance(value, list):
            words.extend(str(v) for v in value if isinstance(v, (str, int)))
    if not any(w.rsplit("/", 1)[-1] == "kube-apiserver" or w.startswith("kube-apiserver ") for w in words):
        return None
    out: dict[str, str] = {}
    for i, word in enumerate(words):
        if not word.startswith(PREFIX):
            continue
        if "=" in word:
            key, _, value = word.partition("=")
            out[key] = value
        elif i + 1 < len(words) and not words[i + 1].startswith("--"):
            out[word] = words[i + 1]
        else:
            out[word] = ""
    return out


def _number(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None:
            continue
        was, now = flags(before), flags(after)
        if was is None or now is None:
            continue
        yield from _compare(change, before, after, was, now)


def _compare(
    change: Change, before: Container, after: Container, was: dict[str, str], now: dict[str, str]
) -> Iterator[Hit]:
    assert change.after is not None
    who = f"kube-apiserver in {change.after.label}"
    route = (*after.route, "command")

    def hit(flag: str, message: str, severity: Severity) -> Hit:
        return Hit(
            message=f"{who}: {message}",
            attr=f"{after.attr}.{flag}",
            head_route=route,
            base_route=(*before.route, "command"),
            before=was.get(flag),
            after=now.get(flag),
            severity=severity,
        )

    if "--audit-policy-file" in was and "--audit-policy-file" not in now:
        yield hit("--audit-policy-file", "--audit-policy-file removed, no audit events are recorded", Severity.HIGH)
    webhook = "--audit-webhook-config-file"
    if "--audit-log-path" in was and "--audit-log-path" not in now and webhook not in now:
        yield hit("--audit-log-path", "--audit-log-path removed, audit events are no longer written", Severity.HIGH)
    if webhook in was and webhook not in now:
        yield hit(webhook, f"{webhook} removed, audit events are no longer sent to the webhook", Severity.MEDIUM)
    for flag, (severity, default) in RETENTION.items():
        if "--audit-log-path" not in now:
            break
        before_n, after_n = _number(was.get(flag)), _number(now.get(flag))
        if default is None:
            # 0 or absent keeps everything: only a positive value limits retention.
            if after_n is not None and after_n > 0 and (before_n is None or before_n == 0 or after_n < before_n):
                if before_n is None or before_n == 0:
                    yield hit(flag, f"{flag} {was.get(flag, 'absent (unlimited)')} → {after_n}", severity)
                else:
                    yield hit(flag, f"{flag} {before_n} → {after_n}", severity)
        else:
            eff_before = before_n if before_n else default
            eff_after = after_n if after_n else default
            if (was.get(flag) is not None or now.get(flag) is not None) and eff_after < eff_before:
                shown = now.get(flag) if after_n else f"absent ({default})"
                yield hit(flag, f"{flag} {eff_before} → {shown}", severity)


RULE = Rule(
    code="K8S039",
    name="api-server-audit-weakened",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
