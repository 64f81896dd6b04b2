"""Profile `Rubric.score` on the anhui_2019 rubric, to show where scoring spends its time.

Run from anywhere:  python benchmarks/profile_score.py [--n 2000] [--seed 0] [--top 25]

Scores --n facts made by the seeded generator of bench_score.py under cProfile (after a short
warm-up outside the profile) and prints the --top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections.abc import Sequence
from pathlib import Path

import rubric

HERE = Path(__file__).resolve().parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="cProfile Rubric.score over generated anhui_2019 facts."
    )
    parser.add_argument("--n", type=int, default=2_000, help="facts to score (2000)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument("--top", type=int, default=25, help="functions to list (25)")
    parser.add_argument(
        "--sort",
        default="cumulative",
        choices=("cumulative", "tottime", "ncalls"),
        help="order of the listing (cumulative)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # bench_score.py sits beside this script; its directory is put on sys.path so that the
    # import works whatever the working directory (and however the script is started).
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    from bench_score import RUBRIC_PATH, FactsGenerator

    scorer = rubric.load(RUBRIC_PATH)
    all_facts = FactsGenerator(scorer.facts, args.seed).many(args.n)
    for facts in all_facts[:100]:  # warm-up, not profiled
        scorer.score(facts)

    profiler = cProfile.Profile()
    profiler.enable()
    for facts in all_facts:
        scorer.score(facts)
    profiler.disable()

    print(f"cProfile of Rubric.score over {args.n:,} facts (seed {args.seed}), by {args.sort}:")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
