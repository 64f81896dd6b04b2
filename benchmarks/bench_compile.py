"""Benchmark compiling rubrics: parse alone and the whole `rubric.loads`, Anhui and generated ones.

Run from anywhere:  python benchmarks/bench_compile.py [--repeat 20] [--sizes 100,1000,10000]

It reports
  (a) for rubrics/anhui_2019.rub: the time of `parse` alone (the text to its syntax tree) and of
      the whole `rubric.loads` (parse, check, compile), best and median of --repeat runs after one
      warm-up, and the share the stages after parsing take;
  (b) for generated valid rubrics of each size in --sizes (indicators, ten to a group, every rule
      form of tests/big_rubrics.py in turn): the same two times, per indicator, and the parse
      rate in KB/s, so that growth with size shows: linear work keeps ms per indicator flat;
  (c) for the largest size: each stage of loading (parse, check, compile) and the analysis behind
      warnings and proved bounds (what `rubric check` and `rubric outline` add), best and median
      of --phase-repeat runs;
  (d) in a fresh interpreter: how long building the grammar takes on the first parse (what the
      first `loads` of a process pays once, and what importing the package no longer does).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import rubric
from rubric.dsl import Source, parse

REPO = Path(__file__).resolve().parent.parent
ANHUI = REPO / "rubrics" / "anhui_2019.rub"
TESTS = REPO / "tests"

_COLD = """
import time
t0 = time.perf_counter()
from rubric.dsl import Source, parse
t1 = time.perf_counter()
parse(Source('rubric a "甲" max 1\\n'))
t2 = time.perf_counter()
parse(Source('rubric a "甲" max 1\\n'))
t3 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1 - (t3 - t2)) * 1000)
"""


def timings(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best and median milliseconds of `repeat` runs, after one warm-up run."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def generated(indicators: int) -> str:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    import big_rubrics

    return big_rubrics.rubric_text(indicators)


def phases(text: str, repeat: int) -> dict[str, list[float]]:
    """Milliseconds of each stage of loading a rubric, and of its analysis, over `repeat` runs."""
    from rubric._checker import check
    from rubric._collector import full_collections_held
    from rubric._compiler import compile_checked
    from rubric._limits import DEFAULT

    times: dict[str, list[float]] = {"parse": [], "check": [], "compile": [], "analysis": []}
    for _ in range(repeat):
        # As `loads` does: full collections held off while it compiles (see rubric._collector).
        with full_collections_held():
            start = time.perf_counter()
            source = Source(text, "generated.rub")
            document = parse(source, DEFAULT)
            parsed = time.perf_counter()
            checked = check(document, source, DEFAULT)
            done_check = time.perf_counter()
            compile_checked(checked, DEFAULT)
            compiled = time.perf_counter()
        _ = checked.findings.warnings  # the analysis; holds its own collections off
        analysed = time.perf_counter()
        for stage, (a, b) in {
            "parse": (start, parsed),
            "check": (parsed, done_check),
            "compile": (done_check, compiled),
            "analysis": (compiled, analysed),
        }.items():
            times[stage].append((b - a) * 1000)
        del document, checked
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed runs for Anhui")
    parser.add_argument("--sizes", default="100,1000,10000", help="indicators, comma-separated")
    parser.add_argument("--phase-repeat", type=int, default=3, help="runs of (c): 3")
    args = parser.parse_args()

    text = ANHUI.read_text(encoding="utf-8")
    parse_best, parse_median = timings(lambda: parse(Source(text)), args.repeat)
    loads_best, loads_median = timings(lambda: rubric.loads(text), args.repeat)
    print(f"anhui_2019.rub ({len(text.splitlines())} lines, {len(text.encode()) / 1000:.1f} KB)")
    print(f"  parse        best {parse_best:7.2f} ms   median {parse_median:7.2f} ms")
    print(f"  rubric.loads best {loads_best:7.2f} ms   median {loads_median:7.2f} ms")
    after = loads_best - parse_best
    print(f"  check + compile (loads - parse, best) {after:.2f} ms, {after / loads_best:.0%}")

    print("\ngenerated rubrics (best of runs; ms per indicator in brackets)")
    print(f"  {'indicators':>10} {'KB':>8} {'parse ms':>18} {'loads ms':>18} {'parse KB/s':>11}")
    for size in (int(s) for s in args.sizes.split(",")):
        big = generated(size)
        repeat = max(1, min(args.repeat, 20_000 // size))
        p, _ = timings(lambda big=big: parse(Source(big)), repeat)
        w, _ = timings(lambda big=big: rubric.loads(big), repeat)
        kb = len(big.encode()) / 1000
        print(
            f"  {size:>10} {kb:>8.0f} {p:>9.1f} [{p / size:.3f}] {w:>9.1f} [{w / size:.3f}]"
            f" {kb / p * 1000:>11.0f}"
        )

    largest = max(int(s) for s in args.sizes.split(","))
    stages = phases(generated(largest), args.phase_repeat)
    runs = range(args.phase_repeat)
    loads = [sum(t[i] for k, t in stages.items() if k != "analysis") for i in runs]
    median = statistics.median
    print(f"\n{largest} indicators, stage by stage (ms; best, median of {args.phase_repeat})")
    for stage, times in [*stages.items(), ("loading", loads)]:
        share = f"{median(times) / median(loads):4.0%} of loading" if stage != "loading" else ""
        print(f"  {stage:<9} {min(times):9.1f} {median(times):9.1f}   {share}")

    cold = subprocess.run(
        [sys.executable, "-c", _COLD], capture_output=True, text=True, check=True
    ).stdout.split()
    print(f"\nfresh interpreter: import rubric.dsl {float(cold[0]):.1f} ms (with the package)")
    print(f"  building the grammar on the first parse {float(cold[1]):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
