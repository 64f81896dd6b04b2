"""Compile and score the example rubrics of rubrics/examples/, beside their hand-written scorers.

    .venv/bin/python benchmarks/bench_examples.py            # --repeat 5 --rounds 2000

For each example rubric: the compile time (best of `--repeat`), and the time per `Rubric.score`
call over its facts files scored `--rounds` times in all, best pass of `--repeat`, beside the
hand-written scorer of tests/examples_oracle.py on the same facts. Both must agree on the total
of every facts file, or the script exits with status 1. Facts the rubric refuses (an example
meant to fail) are left out.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import rubric  # noqa: E402
from examples_oracle import SCORERS, read_facts  # noqa: E402


def best(runs: list[float]) -> tuple[float, float]:
    return min(runs), statistics.median(runs)


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append(time.perf_counter() - start)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    print(f"rubric {rubric.__version__}, Python {sys.version.split()[0]}")
    print(f"{'rubric':<18}{'compile':>12}{'score':>12}{'by hand':>12}{'ratio':>8}{'facts':>7}")
    failed = False
    for stem, scorer in SCORERS.items():
        path = ROOT / "rubrics" / "examples" / f"{stem}.rub"
        text = path.read_text(encoding="utf-8")
        compiled = rubric.loads(text, str(path))
        compile_runs = timed(lambda text=text: rubric.loads(text), args.repeat)
        facts = []
        for file in sorted((path.parent / stem).glob("*.json")):
            if file.name == "expected.json":
                continue
            given = rubric.load_facts(file)
            try:
                compiled.validate(given)
                compiled.score(given)
            except rubric.FactsError:
                continue
            facts.append((file.name, given, read_facts(file)))
        for name, given, plain in facts:
            engine, by_hand = compiled.score(given).root.exact, scorer(plain)["total"]
            if engine != by_hand:
                print(f"MISMATCH {stem}/{name}: engine {engine}, by hand {by_hand}")
                failed = True
        per_pass = max(1, args.rounds // len(facts))
        calls = per_pass * len(facts)

        def engine_pass(
            facts: list[Any] = facts, n: int = per_pass, compiled: rubric.Rubric = compiled
        ) -> None:
            for _ in range(n):
                for _, given, _ in facts:
                    compiled.score(given)

        def hand_pass(facts: list[Any] = facts, n: int = per_pass, scorer: Any = scorer) -> None:
            for _ in range(n):
                for _, _, plain in facts:
                    scorer(plain)

        engine_best, _ = best(timed(engine_pass, args.repeat))
        hand_best, _ = best(timed(hand_pass, args.repeat))
        print(
            f"{stem:<18}{best(compile_runs)[0] * 1e3:>9.2f} ms"
            f"{engine_best / calls * 1e6:>9.1f} µs{hand_best / calls * 1e6:>9.1f} µs"
            f"{engine_best / hand_best:>7.1f}x{len(facts):>7}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
