"""Weak-key pairs that yield to content (``FamilyDiff.contest_weak_keys``)."""

from __future__ import annotations

from typing import Any

from regress.diff import FamilyDiff, diff_objects
from regress.model import ModelObject, Origin, Route, Status


class _Lines:
    def __init__(self, path: str) -> None:
        self.path = path

    def locate(self, route: Route) -> tuple[str, int | None]:
        return (self.path, None)


def _job(path: str, job_id: str, steps: list[str]) -> ModelObject:
    body: dict[str, Any] = {"runs-on": "windows-latest", "steps": [{"run": s} for s in steps]}
    return ModelObject("t", "job", (path, job_id), body, Origin("t", path, _Lines(path)), job_id, facts=job_id)


def _by_id(obj: ModelObject) -> Any:
    return obj.key[1]


_BUILD = ["checkout", "setup msys2", "cmake -B build", "cmake --build build", "ctest --test-dir build"]


def _pairs(contest: bool) -> set[tuple[str, str, str]]:
    base = [_job("build.yml", "msys2", _BUILD)]
    head = [
        _job("docs.yml", "msys2", ["echo docs only: no build"]),
        _job("msys2.yml", "build_test", [*_BUILD, "benchmark"]),
    ]
    fam = FamilyDiff(secondary_key=_by_id, contest_weak_keys=contest)
    return {
        (c.status.value, c.before.key[0] if c.before else "-", c.after.key[0] if c.after else "-")
        for c in diff_objects(base, head, fam)
    }


def test_a_job_id_pairs_across_files_by_default() -> None:
    assert _pairs(contest=False) == {("renamed", "build.yml", "docs.yml"), ("added", "-", "msys2.yml")}


def test_a_weak_key_pair_yields_to_a_job_far_closer_in_content() -> None:
    assert _pairs(contest=True) == {("renamed", "build.yml", "msys2.yml"), ("added", "-", "docs.yml")}


def test_a_weak_key_pair_stands_when_its_partner_is_as_close() -> None:
    base = [_job("build.yml", "msys2", _BUILD)]
    head = [
        _job("ci.yml", "msys2", [*_BUILD[:4], "ctest --test-dir build -j4"]),
        _job("msys2.yml", "build_test", [*_BUILD[:4], "ctest --test-dir build -j2"]),
    ]
    fam = FamilyDiff(secondary_key=_by_id, contest_weak_keys=True)
    changes = diff_objects(base, head, fam)
    renamed = [c for c in changes if c.status is Status.RENAMED]
    assert [(c.before.key, c.after.key) for c in renamed if c.before and c.after] == [
        (("build.yml", "msys2"), ("ci.yml", "msys2"))
    ]
