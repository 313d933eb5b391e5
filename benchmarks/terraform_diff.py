"""Benchmark: diff a generated Terraform module tree the size of terraform-aws-eks (about 90
files, 0.5 MB) and one ten times larger, through the whole engine (read, parse, evaluate, model,
diff, rules), every module changed on the head side.

    python benchmarks/terraform_diff.py            # both sizes, one fresh process each
    python benchmarks/terraform_diff.py --modules 23

Reports MB/s as (base + head bytes) / time, on wall-clock and on CPU time (the machine is shared),
best of several runs, and the peak resident memory of the process; and, as a yardstick that
travels between machines, how fast tree-sitter alone parses the same files (both sides, nothing
else done) and the engine's rate as a fraction of that. Each size runs twice: with
Python's default garbage-collector settings, and with those ``regress diff`` sets for itself
(``regress.api.tune_gc``). Numbers are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tfgen

from regress.api import tune_gc
from regress.engine import analyze
from regress.source.folder import FolderSnapshot, diff_folders

#: Module folders per size: 23 × 4 files ≈ 92 files, about 0.5 MB per side.
SIZES = {"eks-sized": 23, "10x": 230}


def run(modules: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        base, head = Path(tmp) / "base", Path(tmp) / "head"
        size_base = tfgen.generate(base, modules, edit=False)
        size_head = tfgen.generate(head, modules, edit=True)
        files = sum(1 for _ in base.rglob("*.tf"))
        walls, cpus, parser_cpus = [], [], []
        for _ in range(repeat):
            # Interleaved with the engine's runs, so both see the same moments of a shared machine.
            parser_cpus.append(parse_only(base, head))
            # A fresh engine run each time (fresh snapshots, fresh parse cache): nothing carries over.
            wall, cpu = time.perf_counter(), time.process_time()
            b, h = FolderSnapshot(base), FolderSnapshot(head)
            report = analyze(b, h, diff_folders(b, h))
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        parser_cpu = min(parser_cpus)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mb = (size_base + size_head) / 1e6
    # The best of the repetitions: the machine is shared, and the slower runs measure the others.
    return {
        "modules": modules,
        "files_per_side": files,
        "mb_per_side": round(size_base / 1e6, 3),
        "mb_both_sides": round(mb, 3),
        "wall_s": round(min(walls), 3),
        "cpu_s": round(min(cpus), 3),
        "mb_per_s_wall": round(mb / min(walls), 2),
        "mb_per_s_cpu": round(mb / min(cpus), 2),
        # The yardstick on this machine: tree-sitter alone parsing both sides' files once, as
        # fast as it goes (a fresh parser per file, as the engine uses; nothing converted).
        "parser_only_mb_per_s_cpu": round(mb / parser_cpu, 2),
        "engine_vs_parser_only": round(parser_cpu / min(cpus), 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "findings": len(report.findings),
        "objects_per_side": report.stats["objects"]["head"],
    }


def parse_only(base: Path, head: Path) -> float:
    """CPU time of tree-sitter-hcl parsing every ``.tf`` file of both trees."""
    from tree_sitter import Parser

    from regress.kinds.terraform.hcl import LANGUAGE

    texts = [p.read_bytes() for root in (base, head) for p in sorted(root.rglob("*.tf"))]
    cpu = time.process_time()
    for text in texts:
        Parser(LANGUAGE).parse(text)
    return time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modules", type=int, help="run one size in this process")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cli-gc", action="store_true", help="collector settings as regress diff has them")
    args = parser.parse_args()
    if args.modules:
        if args.cli_gc:
            tune_gc()
        print(json.dumps(run(args.modules, args.repeat)))
        return
    for label, modules in SIZES.items():
        repeat = str(args.repeat if modules < 100 else max(1, args.repeat // 2))
        for gc_args, gc_label in (([], "default gc"), (["--cli-gc"], "CLI's gc")):
            out = subprocess.run(
                [sys.executable, __file__, "--modules", str(modules), "--repeat", repeat, *gc_args],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout)
            print(f"{label:10} {gc_label:10} {json.dumps(result)}")


if __name__ == "__main__":
    main()
