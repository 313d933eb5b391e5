"""Benchmark: the two HCL parsers on the same generated Terraform (benchmarks/tfgen.py), to choose
the one regress uses.

- tree-sitter-hcl: parse, plus regress's conversion to its syntax tree with a line per attribute;
- python-hcl2 ``loads()``: dictionaries without line numbers;
- python-hcl2 ``parses()``-level Lark tree (``hcl2.parse``/``parses``), which has line numbers.

    python benchmarks/hcl_parsers.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tfgen

from regress.kinds.terraform import hcl


def measure(name: str, texts: list[str], fn: Callable[[str], Any], repeat: int = 3) -> None:
    """Best CPU time of ``repeat`` runs (the machine is shared)."""
    size = sum(len(t.encode()) for t in texts)
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for t in texts:
            fn(t)
        best = min(best, time.process_time() - started)
    print(f"{name:40} {size / 1e6:.2f} MB in {best:6.2f} s = {size / 1e6 / best:6.2f} MB/s")


def main() -> None:
    import hcl2

    with tempfile.TemporaryDirectory() as tmp:
        tfgen.generate(Path(tmp), 23, edit=False)
        texts = [p.read_text() for p in sorted(Path(tmp).rglob("*.tf"))]
    measure("tree-sitter-hcl + regress syntax tree", texts, hcl.parse)
    measure("python-hcl2 loads() (no lines)", texts, hcl2.loads)
    parses = getattr(hcl2, "parses", None)
    if parses is not None:
        measure("python-hcl2 parses() (Lark tree, lines)", texts, parses)


if __name__ == "__main__":
    main()
