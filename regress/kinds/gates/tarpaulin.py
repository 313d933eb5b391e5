"""cargo-tarpaulin's configuration file: the ``fail-under`` its coverage check applies.

tarpaulin reads ``tarpaulin.toml``, else ``.tarpaulin.toml``, from the manifest's folder or the
root (README, "Config file"; ``Config::check_path_for_configs`` in src/config/mod.rs). Each
top-level table is one coverage run; ``report`` is reserved and runs nothing. The runs' coverage
is merged and checked once (src/lib.rs, ``report_tracemap``): against the ``fail-under`` of the
``report`` table when there is one, else of the first table, and not at all when that table
sets ``no-run = true``. Other tables' ``fail-under`` are not checked, so they are not gates here.

A file TOML cannot parse, one whose top level holds anything but tables (tarpaulin then cannot
read it and runs without it), or a ``fail-under`` that is not a number, is unknown: nothing
compared, never a gate removed.
"""

from __future__ import annotations

import re
import tomllib

from regress.kinds.gates.build_scan import Found, Scan

FILES = ("tarpaulin.toml", ".tarpaulin.toml")
KEY = "tarpaulin fail-under"
#: The reserved table that configures the report and its check, not a run (README, "Config file").
_REPORT = "report"
_HEADER = re.compile(r"^\s*\[\s*(?P<name>[^\]\s]+|\"[^\"]*\"|'[^']*')\s*\]")
_FAIL_UNDER = re.compile(r"^\s*[\"']?fail-under[\"']?\s*=")


def scan_tarpaulin(text: str) -> Scan:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Scan(unknown=f"not valid TOML ({exc})")
    loose = [k for k, v in doc.items() if not isinstance(v, dict)]
    if loose:
        return Scan(unknown=f"`{loose[0]}` is not in a table, so tarpaulin cannot read the file")
    lines = _lines(text)
    tables = list(doc.items())
    checked = [(n, t) for n, t in tables if n == _REPORT and not t.get("no-run")]
    if not checked and tables and not tables[0][1].get("no-run"):
        checked = tables[:1]
    gates: list[Found] = []
    for name, run in checked:
        if "fail-under" not in run:
            continue
        value = run["fail-under"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return Scan(unknown=f"`fail-under` of [{name}] is not a number")
        gates.append(Found(KEY, float(value), "min", lines.get(name, 1)))
    return Scan(tuple(gates))


def _lines(text: str) -> dict[str, int]:
    """Table name → the line of its ``fail-under`` (for locating findings only)."""
    out: dict[str, int] = {}
    table = ""
    for n, line in enumerate(text.splitlines(), 1):
        if m := _HEADER.match(line):
            table = m.group("name").strip("\"'")
        elif _FAIL_UNDER.match(line):
            out.setdefault(table, n)
    return out
