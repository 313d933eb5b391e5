"""A job's container or service image is pinned less firmly than before.

## What it does
Reports `container:` and `services.<name>.image` references whose pin moved down the order
digest (`@sha256:…`) > version tag > moving tag (`latest`, `main`, no tag). Digest → digest and
tag → tag bumps stay silent. `${{ matrix.x }}` in a reference is read for each matrix entry (the
weakest pin counts); a reference that cannot be known offline (another expression) is not judged.

A container or service the base job did not have (a new job, or one that gains a container) is
reported when it brings in a new party on a moving tag (zizmor `unpinned-images`): an image from
another registry or a Docker Hub namespace (`emscripten/emsdk`, `ghcr.io/org/builder:latest`).
A Docker Official Image on a moving tag (`fedora:latest`, `ubuntu:latest`, `redis` for a service),
or a distribution's base image from the distribution's own registry
(`registry.fedoraproject.org/fedora`, `registry.access.redhat.com/ubi9`), is the usual build or
test environment of a CI job, no more moving than the runner's own
`ubuntu-latest`, and stays silent; so does an image the base already ran as loosely in this
workflow or one beside it (a job split or moved).

## Why is this bad?
The job's steps run inside that image, with the job's token and secrets; a moving tag runs
whatever was pushed last.

## Example
```yaml
# base                                         # head
container: node@sha256:3b3c…e1                  container: node:20
```

## How to resolve
Pin by digest (keep the tag in a comment), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, MATRIX_REF, Job, RefKind
from regress.kinds.github.handler import image_ref
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import base_jobs, jobs
from regress.rules.github import KINDS


def _value_of(values: dict[str, str], m: re.Match[str]) -> str:
    return values.get(m.group(1), m.group(0))


def _resolved(value: Any, job: Job) -> tuple[str, str | None, RefKind] | None:
    """The image reference, with ``${{ matrix.x }}`` put in from each matrix entry: the weakest
    pin among them. None when it cannot be known offline (another expression, a value some entry
    lacks): unknown stays unknown (CATALOGUE §0.2.7)."""
    image = value.get("image") if isinstance(value, dict) else value
    if not isinstance(image, str) or "${{" not in image:
        return image_ref(value)
    combos = job.matrix.combos if job.matrix is not None and not job.matrix.dynamic else frozenset()
    weakest: tuple[str, str | None, RefKind] | None = None
    # In order: among entries pinned alike the first is shown, and a frozenset's order changes
    # with the interpreter's string-hash seed.
    for combo in sorted(combos):
        text = MATRIX_REF.sub(partial(_value_of, dict(combo)), image)
        if "${{" in text:
            return None
        found = image_ref(text)
        if found is None:
            return None
        if (
            weakest is None
            or found[2].strength < weakest[2].strength
            # Among entries pinned alike, a new party outweighs an official image.
            or (found[2] is weakest[2] and official(weakest[0]) and not official(found[0]))
        ):
            weakest = found
    return weakest


def images(job: Job) -> dict[str, tuple[str, str | None, RefKind, Route]]:
    out: dict[str, tuple[str, str | None, RefKind, Route]] = {}
    found = _resolved(job.extra.get("container"), job)
    if found:
        route: Route = ("container", "image") if isinstance(job.extra.get("container"), dict) else ("container",)
        out["container"] = (*found, route)
    services: Any = job.extra.get("services")
    if isinstance(services, dict):
        for name, svc in services.items():
            found = _resolved(svc, job)
            if found:
                out[f"services.{name}"] = (*found, ("services", name, "image"))
    return out


#: Docker Hub, as an image reference may name it. A reference without a registry host is pulled
#: from Docker Hub, and one without a namespace from ``library/``, the namespace of Docker Official
#: Images (Docker docs, "docker image pull": "Docker Hub ... library namespace"; "Docker Official
#: Images": maintained with their upstreams, every change reviewed in docker-library/official-images).
_DOCKER_HUB = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")


#: Distributions that publish their own base images from their own registries, as their
#: Docker Official Images are published on Docker Hub: the same party as the operating system the
#: job builds for, not a new one. Fedora ("Container Image Creation", Fedora docs: base images on
#: the Fedora Container Registry, registry.fedoraproject.org, mirrored at quay.io/fedora), openSUSE
#: (registry.opensuse.org) and SUSE's Base Container Images (registry.suse.com/bci), Red Hat's
#: Universal Base Images (registry.access.redhat.com/ubi*), CentOS Stream (quay.io/centos/centos)
#: and Amazon Linux (public.ecr.aws/amazonlinux).
_DISTRIBUTION_IMAGES = (
    "registry.fedoraproject.org/",
    "quay.io/fedora/",
    "registry.opensuse.org/opensuse/",
    "registry.suse.com/bci/",
    "registry.access.redhat.com/ubi",
    "registry.redhat.io/ubi",
    "quay.io/centos/centos",
    "public.ecr.aws/amazonlinux/",
)


def official(name: str) -> bool:
    """A Docker Official Image (``ubuntu``, ``library/fedora``, ``docker.io/library/redis``), or a
    distribution's base image from its own registry (``registry.fedoraproject.org/fedora``)."""
    text = name.strip().lower()
    if text.startswith(_DISTRIBUTION_IMAGES):
        return True
    for host in _DOCKER_HUB:
        text = text.removeprefix(host)
    text = text.removeprefix("library/")
    return bool(text) and "/" not in text


def _loosest(jobs: list[Job]) -> dict[str, int]:
    """Each image the jobs run, with the weakest pin strength it is run with."""
    out: dict[str, int] = {}
    for job in jobs:
        for name, _, kind, _ in images(job).values():
            key = name.lower()
            out[key] = min(out.get(key, kind.strength), kind.strength)
    return out


def _pin(ref: str | None, kind: RefKind) -> str:
    """``tag (41)``, ``branch (rawhide)``, ``none``: the kind and the reference, as the other
    pin rules word it (a digest shortened as ``docker images`` shows it)."""
    if not ref or kind is RefKind.NONE:
        return kind.value
    if kind is RefKind.SHA and ":" in ref:
        ref = ref[: ref.index(":") + 13] + "…"
    return f"{kind.value} ({ref})"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if after is None:
        return
    old = images(before) if before is not None else {}
    elsewhere: dict[str, int] | None = None  # the base's images, loaded on the first new one
    for where, (name, ref, kind, route) in images(after).items():
        prev = old.get(where)
        if prev is not None and prev[0] == name:
            if kind.strength >= prev[2].strength:
                continue
            message = (
                f"{where} image {name} of {after.label} in {after.pipeline} pinned by "
                f"{_pin(prev[1], prev[2])} → {_pin(ref, kind)}"
            )
        elif kind in (RefKind.BRANCH, RefKind.NONE):
            if official(name):
                continue  # the job's distribution or service, as moving as its runner image
            if elsewhere is None:
                assert change.after is not None
                elsewhere = _loosest(base_jobs(ctx, change.after))
            loosest = elsewhere.get(name.lower())
            if loosest is not None and loosest <= kind.strength:
                continue  # the base already ran this image as loosely: no new party is trusted
            tag = ref or "no tag, so latest"
            message = f"{where} image {name} of {after.label} in {after.pipeline} uses a moving tag ({tag})"
        else:
            continue
        yield Hit(
            message=message,
            attr=f"{where}.image",
            head_route=route,
            base_route=prev[3] if prev is not None else None,
            before=prev[1] if prev is not None else None,
            after=ref,
        )


RULE = Rule(
    code="GHA028",
    name="job-container-image-unpinned",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
