"""Benchmark whole evaluations: the example's report folder from the command line, and 10,000 units.

    .venv/bin/python benchmarks/bench_evaluation.py       # --repeat 5 --units 10000 --big-repeat 2

1. **18 units, CLI end to end**: `rubric report` on examples/evaluation_2019.xlsx, alone and
   compared with examples/self_assessment_2019.csv, in a fresh process each time (start-up,
   rubric, tables, scores, 总报告, 18 分报告 in three formats, both workbooks, JSON): wall and
   CPU time, best and median of --repeat. Then where the time goes: the same work in one
   child process, stage by stage. Target: under 2 s.
2. **10,000 units from XLSX**: a workbook of --units generated units (the example's generator,
   seeded) read, scored, ranked and summarised, then 汇总.xlsx and 问题整改清单.xlsx written, in
   a child process whose peak memory is reported; per-unit reports are not written. The
   writing stage is split into reading the explanations of the indicators that lost points
   and writing cells. Target: under 60 s, memory bounded. --report-folder also times
   `rubric report --no-unit-reports` on the same workbook, end to end.

The machine is shared and its speed drifts; so each figure is also given as a multiple of the
plain hand-written Anhui scorer (benchmarks/anhui_handwritten.py, validate + score) timed in
the same process: the 10,000 units' own facts in part 2, and 20,000 scores of the example's
units just before part 1.
"""

# ruff: noqa: E402 - the clock starts before rubric is imported, so that its import counts

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "examples")]

import anhui_handwritten  # beside this script
import rubric

RUBRIC = ROOT / "rubrics" / "anhui_2019.rub"
TABLE = ROOT / "examples" / "evaluation_2019.xlsx"
SELF = ROOT / "examples" / "self_assessment_2019.csv"


def hand_written(facts: Mapping[str, object]) -> object:
    """The yardstick: validate, then score, as Rubric.score does."""
    if anhui_handwritten.validate(facts):
        raise ValueError("the hand-written scorer refuses these facts")
    return anhui_handwritten.score(facts)


def yardstick(count: int = 20_000) -> float:
    """Seconds the hand-written scorer takes for count scores of the example's units."""
    anhui = rubric.load(RUBRIC)
    facts = [unit.facts for unit in rubric.load_units(anhui, TABLE)]
    for one in facts:
        hand_written(one)
    start = time.perf_counter()
    for index in range(count):
        hand_written(facts[index % len(facts)])
    return time.perf_counter() - start


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cli_report(repeat: int, compare: bool) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of `rubric report` in a fresh process, repeat times."""
    rubric_cli = Path(sys.executable).with_name("rubric")
    walls, cpus = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            command = [str(rubric_cli), "report", str(RUBRIC), str(TABLE), "-o", out]
            if compare:
                command[4:4] = ["--compare", str(SELF)]
            cpu, start = _cpu(), time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            walls.append(time.perf_counter() - start)
            cpus.append(_cpu() - cpu)
    return walls, cpus


class Stages:
    """Seconds spent in each stage, in order."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._mark = STARTED

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = self.times.get(name, 0.0) + now - self._mark
        self._mark = now


def report_stages(out: str) -> dict[str, float]:
    """Run in a fresh child: the report folder's work, as `rubric report` does it, by stage."""
    stage = Stages()
    from rubric import cli  # noqa: F401 - what the command imports first

    stage("import rubric, rubric.cli")
    anhui = rubric.load(RUBRIC)
    stage("compile the rubric (pyparsing imported)")
    units = rubric.load_units(anhui, TABLE)
    claimed_units = rubric.load_units(anhui, SELF)
    stage("read the tables (calamine imported)")
    verified = rubric.Evaluation(anhui, units)
    claimed = rubric.Evaluation(anhui, claimed_units)
    stage("score 36 units (scorer generated)")
    import docx  # noqa: F401
    import jinja2  # noqa: F401
    import xlsxwriter  # noqa: F401

    from rubric._evaluation.evaluation import json_chunks
    from rubric._report import contents
    from rubric._report.docx import write_docx
    from rubric._report.folder import _rectification
    from rubric._report.html import write_html
    from rubric._report.markdown import write_markdown
    from rubric._report.xlsx import write_workbooks

    stage("import the report libraries and modules")
    folder = Path(out)
    comparison = verified.compare(claimed)
    overall = contents.overall_report(verified, comparison)
    stage("总报告: contents and charts")
    write_html(overall, folder / "总报告.html")
    stage("总报告: HTML")
    write_markdown(overall, folder / "总报告.md")
    stage("总报告: Markdown")
    write_docx(overall, folder / "总报告.docx")
    stage("总报告: DOCX")
    reasons: dict[str, Any] = {}

    def explained(standing: Any) -> Any:
        reasons[standing.unit.id] = contents.losses_of(verified, standing.unit.id, standing.result)
        return standing.result

    chunks = list(json_chunks(verified, comparison, result_of=explained))
    stage("explanations (each unit's, read once)")
    (folder / "evaluation.json").write_text("".join(chunks) + "\n", encoding="utf-8")
    stage("evaluation.json")
    write_workbooks(verified, folder / "汇总.xlsx", folder / "问题整改清单.xlsx", comparison,
                    losses=reasons.__getitem__)  # fmt: skip
    stage("汇总.xlsx and 问题整改清单.xlsx")
    write_markdown(_rectification(verified, reasons), folder / "问题整改清单.md")
    stage("问题整改清单.md")
    (folder / "分报告").mkdir()
    for standing in verified.ranking:
        document = contents.unit_report(verified, standing.unit.id, comparison)
        stage("18 分报告: contents and charts")
        stem = folder / "分报告" / standing.unit.id
        write_html(document, stem.with_suffix(".html"))
        stage("18 分报告: HTML")
        write_markdown(document, stem.with_suffix(".md"))
        stage("18 分报告: Markdown")
        write_docx(document, stem.with_suffix(".docx"))
        stage("18 分报告: DOCX")
    return stage.times


def make_workbook(path: Path, count: int, seed: int) -> None:
    from make_evaluation import unit_facts

    anhui = rubric.load(RUBRIC)
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
    from rubric._report.contents import Losses, losses_of
    from rubric._report.xlsx import write_workbooks

    times: dict[str, float] = {}
    start = time.perf_counter()
    anhui = rubric.load(RUBRIC)
    units = rubric.load_units(anhui, path)
    times["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    evaluation = rubric.Evaluation(anhui, units)
    times["score"] = time.perf_counter() - mark
    mark = time.perf_counter()
    assert not evaluation.errors, evaluation.errors[:3]
    evaluation.ranking, evaluation.statistics, evaluation.rows()
    times["rank"] = time.perf_counter() - mark
    explaining = [0.0]

    def timed(unit_id: str) -> Losses:
        begin = time.perf_counter()
        found = losses_of(evaluation, unit_id)
        explaining[0] += time.perf_counter() - begin
        return found

    mark = time.perf_counter()
    write_workbooks(evaluation, Path(out) / "汇总.xlsx", Path(out) / "问题整改清单.xlsx",
                    losses=timed)  # fmt: skip
    times["write"] = time.perf_counter() - mark
    times["explain"] = explaining[0]
    times["total"] = time.perf_counter() - start
    used = resource.getrusage(resource.RUSAGE_SELF)
    times["cpu"] = used.ru_utime + used.ru_stime
    times["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mark = time.perf_counter()
    for unit in units:
        hand_written(unit.facts)
    times["hand-written"] = time.perf_counter() - mark
    times["units"] = len(units)
    times["rectification rows"] = len(evaluation.shortfalls())
    return times


def _child(*args: str) -> Any:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONHASHSEED="0"),
    )
    return json.loads(done.stdout)


def _spread(values: list[float], unit: str = "s") -> str:
    return f"best {min(values):.2f} {unit}, median {statistics.median(values):.2f} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of the 18-unit command")
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--big-repeat", type=int, default=2, help="runs of the big evaluation")
    parser.add_argument("--seed", type=int, default=8)
    folder_help = "also time `rubric report --no-unit-reports` on the big workbook"
    parser.add_argument("--report-folder", action="store_true", help=folder_help)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        run: Callable[..., dict[str, float]] = {"big": big_evaluation, "stages": report_stages}[
            kind
        ]
        print(json.dumps(run(*rest)))
        return 0

    print(f"rubric {rubric.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    scale = yardstick()
    print(f"yardstick: the hand-written scorer, 20,000 scores: {scale:.2f} s\n")
    print("1. 18 units, `rubric report` end to end, a fresh process each run (target < 2 s)")
    for compare in (False, True):
        walls, cpus = cli_report(args.repeat, compare)
        label = "with --compare" if compare else "one table     "
        print(f"   {label}: wall {_spread(walls)} (= {min(walls) / scale:.1f} yardsticks); "
              f"CPU {_spread(cpus)}")  # fmt: skip
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        stages = _child("stages", out)
        whole = time.perf_counter() - start
    print(f"   where the time goes (one run with --compare, in one process: {whole:.2f} s "
          "with interpreter start-up):")  # fmt: skip
    for name, seconds in stages.items():
        print(f"     {name:<44}{seconds * 1000:7.0f} ms")

    print(f"\n2. {args.units:,} units from XLSX: scores, ranking, summary and 整改清单 XLSX "
          "(target < 60 s, memory bounded)")  # fmt: skip
    with tempfile.TemporaryDirectory() as work:
        table = Path(work) / "units.xlsx"
        start = time.perf_counter()
        make_workbook(table, args.units, args.seed)
        print(f"   the workbook written in {time.perf_counter() - start:.1f} s "
              f"({table.stat().st_size / 1e6:.1f} MB)")  # fmt: skip
        runs = [_child("big", str(table), work) for _ in range(args.big_repeat)]
        if args.report_folder:
            rubric_cli = Path(sys.executable).with_name("rubric")
            command = [str(rubric_cli), "report", str(RUBRIC), str(table), "--no-unit-reports",
                       "-o", str(Path(work) / "报告")]  # fmt: skip
            cpu, start = _cpu(), time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            folder = (time.perf_counter() - start, _cpu() - cpu)
    for number, stages in enumerate(runs, 1):
        cells = stages["write"] - stages["explain"]
        base = stages["hand-written"]
        print(f"   run {number}: read {stages['read']:.1f} s, score {stages['score']:.2f} s, "
              f"rank and statistics {stages['rank']:.2f} s, write {stages['write']:.1f} s "
              f"(explanations {stages['explain']:.1f} s, cells and files {cells:.1f} s): "
              f"total {stages['total']:.1f} s (CPU {stages['cpu']:.1f} s); "
              f"peak memory {stages['peak MB']:.0f} MB")  # fmt: skip
        print(f"          hand-written scorer on the same facts {base:.2f} s: score "
              f"{stages['score'] / base:.1f}×, total {stages['total'] / base:.0f}× it")  # fmt: skip
    totals = [stages["total"] for stages in runs]
    print(f"   total: {_spread(totals)}; {runs[0]['rectification rows']:,.0f} rows of 整改清单")
    if args.report_folder:
        print(f"   rubric report --no-unit-reports, end to end: {folder[0]:.1f} s "
              f"(CPU {folder[1]:.1f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
