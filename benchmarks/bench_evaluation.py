"""Benchmark whole evaluations: the example's report folder from the command line, and 10,000 units.

    .venv/bin/python benchmarks/bench_evaluation.py                 # --units 10000 --repeat 3

1. **18 units, CLI end to end**: `rubric report` on examples/evaluation_2019.xlsx, compared with
   examples/self_assessment_2019.csv, in a fresh process each time (start-up, rubric, tables,
   scores, 总报告, 18 分报告 in three formats, both workbooks, JSON); best and median of --repeat.
   Target: under 2 s.
2. **10,000 units from XLSX**: a workbook of --units generated units (the example's generator,
   seeded) read, scored, ranked and summarised, then 汇总.xlsx and 问题整改清单.xlsx written, in
   a child process whose peak memory is reported; per-unit reports are not written. The
   scoring stage is also timed for the hand-written reference scorer of tests/anhui_reference.py
   on the same facts, as the ratio engine / hand-written. Target: under 60 s, memory bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "examples")]

import rubric  # noqa: E402


def cli_report(repeat: int) -> list[float]:
    rubric_cli = Path(sys.executable).with_name("rubric")
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            command = [str(rubric_cli), "report", "rubrics/anhui_2019.rub",
                       "examples/evaluation_2019.xlsx", "--compare",
                       "examples/self_assessment_2019.csv", "-o", out]  # fmt: skip
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


def make_workbook(path: Path, count: int, seed: int) -> None:
    from make_evaluation import unit_facts

    anhui = rubric.load(ROOT / "rubrics" / "anhui_2019.rub")
    rng = random.Random(seed)
    units = [
        rubric.Unit(
            f"U{index:05d}",
            f"第{index}号单位",
            unit_facts(rng, rng.random(), anhui),
            {"类别": "县" if index % 7 == 0 else "市"},
        )
        for index in range(count)
    ]
    rubric.write_template(anhui, path, units)


def big_evaluation(path: str, out: str) -> dict[str, float]:
    """Run in a child process: the stages of a 10,000-unit evaluation, each timed."""
    from anhui_reference import reference_scores
    from rubric._report.xlsx import write_rectification, write_summary

    stages: dict[str, float] = {}
    start = time.perf_counter()
    anhui = rubric.load(ROOT / "rubrics" / "anhui_2019.rub")
    units = rubric.load_units(anhui, path)
    stages["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    evaluation = rubric.Evaluation(anhui, units)
    stages["score"] = time.perf_counter() - mark
    mark = time.perf_counter()
    assert not evaluation.errors, evaluation.errors[:3]
    evaluation.ranking, evaluation.statistics, evaluation.rows()
    stages["rank"] = time.perf_counter() - mark
    mark = time.perf_counter()
    write_summary(evaluation, Path(out) / "汇总.xlsx")
    write_rectification(evaluation, Path(out) / "问题整改清单.xlsx")
    stages["write"] = time.perf_counter() - mark
    stages["total"] = time.perf_counter() - start
    mark = time.perf_counter()
    for unit in units:
        reference_scores(json.loads(json.dumps(dict(unit.facts), default=_plain)))
    stages["hand-written score"] = time.perf_counter() - mark
    stages["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stages["units"] = len(units)
    stages["rectification rows"] = len(evaluation.shortfalls())
    return stages


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else int(value)  # type: ignore[call-overload]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(big_evaluation(*args.child)))
        return 0
    times = cli_report(args.repeat)
    print(f"18 units, rubric report end to end: best {min(times):.2f} s, "
          f"median {statistics.median(times):.2f} s (target < 2 s)")  # fmt: skip
    with tempfile.TemporaryDirectory() as work:
        table = Path(work) / "units.xlsx"
        start = time.perf_counter()
        make_workbook(table, args.units, args.seed)
        print(f"{args.units} units: workbook written in {time.perf_counter() - start:.1f} s "
              f"({table.stat().st_size / 1e6:.1f} MB)")  # fmt: skip
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(table), work],
            check=True,
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONHASHSEED="0"),
        )
    stages = json.loads(done.stdout)
    for name in ("read", "score", "rank", "write", "total"):
        print(f"  {name:<6} {stages[name]:6.1f} s")
    ratio = stages["score"] / stages["hand-written score"]
    print(f"  hand-written reference scorer on the same facts: {stages['hand-written score']:.1f} s"
          f" (engine / hand-written = {ratio:.1f})")  # fmt: skip
    print(f"  peak memory {stages['peak MB']:.0f} MB; {stages['rectification rows']:.0f} rows "
          f"of 整改清单 (target < 60 s in all)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
