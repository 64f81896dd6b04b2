"""Benchmark the anhui_2019 rubric against a plain hand-written scorer, in one process.

Run from anywhere:  python benchmarks/bench_score.py [--n 10000] [--seed 0] [--repeat 5]

On the same generated facts, in interleaved passes (this machine's speed drifts, so only ratios
from one run compare), it times per unit:

  hand-written score             benchmarks/anhui_handwritten.py: exact, no validation, no words
  hand-written validate + score  the same, checking the facts first as a careful caller would
  Rubric.score                   validation included; a result with every score and the grade
  Rubric.score + to_dict()       the first read of the whole explanation as well

and prints each as µs per unit and as a multiple of the hand-written scorer. It also reports the
time to compile the rubric, the memory a retained Result holds when its explanation was never
read, and checks that the engine and the hand-written scorer agree on every node and the grade
of every unit (any mismatch is a bug: the script then exits with status 1).

The facts come from a seeded `random.Random` generator written here: every mapping respects
every constraint of the contract, and the values lean toward the rules' boundaries so that
totals spread over every grade.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import rubric

REPO = Path(__file__).resolve().parent.parent
RUBRIC_PATH = REPO / "rubrics" / "anhui_2019.rub"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import anhui_handwritten  # noqa: E402 - beside this script

# ---------------------------------------------------------------------------
# A seeded generator of valid anhui_2019 facts.
# ---------------------------------------------------------------------------

FACTORS: tuple[str, ...] = (
    "地方经济社会发展",
    "建档困难职工户数",
    "资金使用绩效",
    "困难职工解困脱困进度",
    "上年度资金结余",
    "工作考核结果",
)
# Which facts are yes/no, the levels of each level fact and the aid areas are read off the rubric
# (Rubric.facts), not restated here; the rest of the generator knows the contract's numbers.
SURVEY_GROUPS: tuple[str, ...] = ("officials", "workers", "unionists", "beneficiaries")
# Boundaries of the rules, as values or percentages to land on or near; in the percentages the
# first four are the favourable ones, from which units that do well draw.
WORKING_DAYS: tuple[int, ...] = (0, 1, 19, 20, 21, 29, 30, 31, 32)
NONCOMPLIANT: tuple[int, ...] = (0, 0, 0, 1, 3, 29, 30, 31, 59, 60, 61, 89, 90, 91)
FEW_NONCOMPLIANT: tuple[int, ...] = (0, 0, 0, 1, 2, 3, 7)
COVERAGE_PERCENTS: tuple[int, ...] = (100, 99, 97, 90, 83, 82, 81, 110)
AID_PERCENTS: tuple[int, ...] = (100, 95, 90, 89, 86, 70, 46, 45, 44, 0)
SOCIAL_PERCENTS: tuple[int, ...] = (100, 90, 89, 85, 64, 41, 40, 39, 0)
TRUTH_BIASES: tuple[float, ...] = (1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.5, 0.3, 0.0)


class FactsGenerator:
    """Valid anhui_2019 facts from a seeded random.Random, reproducible for a given seed.

    huge_share is the share of mappings whose counts are very large (10**12 to 10**25 or so);
    the default 0 keeps every count at a realistic size.
    """

    def __init__(
        self, specs: Sequence[rubric.FactSpec], seed: int, huge_share: float = 0.0
    ) -> None:
        self.bools = [spec.name for spec in specs if spec.kind == "bool"]
        self.levels = {spec.name: spec.choices or () for spec in specs if spec.kind == "level"}
        self.areas = next(spec.choices or () for spec in specs if spec.name == "quantified_targets")
        self.rng = random.Random(seed)
        self.huge_share = huge_share
        self.bias = 1.0

    def _good(self) -> bool:
        """Whether this choice goes the unit's way; likelier for units with a high bias."""
        return self.rng.random() < self.bias

    def many(self, n: int) -> list[dict[str, object]]:
        return [self.one() for _ in range(n)]

    def one(self) -> dict[str, object]:
        rng = self.rng
        huge = rng.random() < self.huge_share
        # How well this unit does, drawn per mapping so that totals spread over every grade.
        self.bias = rng.choice(TRUTH_BIASES)
        facts: dict[str, object] = {name: self._good() for name in self.bools}
        facts["quantified_targets"] = self._subset(self.areas)
        facts["aid_standards_set"] = self._subset(self.areas)
        facts["allocation_factors"] = self._subset(FACTORS)
        facts["disbursement_working_days"] = self._days(huge)
        facts["aid_staff_count"] = rng.randint(0, 5)
        facts["fund_entry_working_days"] = self._days(huge)
        facts.update(self._households(huge))
        noncompliant = rng.choice(FEW_NONCOMPLIANT if self._good() else NONCOMPLIANT)
        facts["noncompliant_households"] = self._scaled(noncompliant, huge)
        aided_surveyed = self._scaled(rng.randint(1, 300), huge)
        facts["aided_surveyed"] = aided_surveyed
        facts["aided_satisfied"] = self._near_percent(aided_surveyed, self._percent(AID_PERCENTS))
        for name, levels in self.levels.items():
            facts[name] = rng.choice(levels[1:] if self._good() else levels)
        facts.update(self._social_survey(huge))
        return facts

    def _subset(self, items: Sequence[str]) -> list[str]:
        """Distinct items in random order (sets are lists of distinct non-empty texts)."""
        size = len(items) if self._good() else self.rng.randint(0, len(items))
        return self.rng.sample(items, size)

    def _scaled(self, value: int, huge: bool) -> int:
        return value * 10 ** self.rng.randint(12, 24) + self.rng.randint(0, 9) if huge else value

    def _days(self, huge: bool) -> int:
        if huge and self.rng.random() < 0.2:
            return self._scaled(31, huge)
        if self._good():
            return self.rng.randint(0, 20)
        if self.rng.random() < 0.5:
            return self.rng.choice(WORKING_DAYS)
        return self.rng.randint(0, 60)

    def _percent(self, percents: Sequence[int]) -> int:
        """One of the percentages; one of the first four (the favourable ones) if good."""
        return self.rng.choice(percents[:4] if self._good() else percents)

    def _near_percent(self, total: int, percent: int) -> int:
        """A count within [0, total], mostly within 2 of percent % of total, else anywhere."""
        rng = self.rng
        if rng.random() < 0.2:
            return rng.randint(0, total)
        target = total * percent // 100 + rng.randint(-2, 2)
        return min(total, max(0, target))

    def _households(self, huge: bool) -> dict[str, object]:
        rng = self.rng
        targeted = self._scaled(rng.choice((1, rng.randint(1, 50), rng.randint(30, 5000))), huge)
        mode = rng.choice((0, 2)) if self._good() else rng.randint(0, 3)
        if mode == 0:  # a few households either side of the target
            aided = max(0, targeted + rng.randint(-3, 3))
        elif mode == 1:  # near a coverage boundary: 100% (full marks), 82% (zero) or above 100%
            aided = max(0, targeted * rng.choice(COVERAGE_PERCENTS) // 100 + rng.randint(-2, 2))
        elif mode == 2:  # per-mille ratio around 100%
            aided = targeted * rng.randint(950, 1050) // 1000
        else:
            aided = rng.randint(0, 3 * targeted + 3)
        return {"households_aided": aided, "households_targeted": targeted}

    def _social_survey(self, huge: bool) -> dict[str, object]:
        rng = self.rng
        sizes = [
            0 if rng.random() < 0.15 else self._scaled(rng.randint(1, 200), huge)
            for _ in SURVEY_GROUPS
        ]
        if sum(sizes) == 0:  # the four groups together need at least one respondent
            sizes[rng.randrange(len(sizes))] = rng.randint(1, 200)
        # One target percentage for all groups, so that the pooled rate lands near it too.
        percent = self._percent(SOCIAL_PERCENTS)
        facts: dict[str, object] = {}
        for group, size in zip(SURVEY_GROUPS, sizes, strict=True):
            facts[f"{group}_surveyed"] = size
            facts[f"{group}_satisfied"] = self._near_percent(size, percent)
        return facts


# ---------------------------------------------------------------------------
# Timing and agreement.
# ---------------------------------------------------------------------------

Scorer = Callable[[Mapping[str, object]], object]


def validated(facts: Mapping[str, object]) -> object:
    """The hand-written scorer as a careful caller runs it: validate, then score."""
    if anhui_handwritten.validate(facts):
        raise ValueError("invalid facts")
    return anhui_handwritten.score(facts)


def first_read(scorer: rubric.Rubric) -> Scorer:
    return lambda facts: scorer.score(facts).to_dict()


def interleaved(
    runs: dict[str, Scorer], all_facts: Sequence[Mapping[str, object]], repeat: int
) -> dict[str, float]:
    """The median over `repeat` passes of seconds per unit, each pass running every scorer."""
    for facts in all_facts[:200]:
        for function in runs.values():
            function(facts)
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, function in runs.items():
            start = time.perf_counter()
            for facts in all_facts:
                function(facts)
            samples[name].append((time.perf_counter() - start) / len(all_facts))
    return {name: statistics.median(values) for name, values in samples.items()}


def time_compile(text: str, filename: str, repeat: int) -> tuple[float, float]:
    """Best and median seconds of `rubric.loads` of the text, after one warm-up."""
    rubric.loads(text, filename)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        rubric.loads(text, filename)
        samples.append(time.perf_counter() - start)
    return min(samples), statistics.median(samples)


def retained_bytes(scorer: rubric.Rubric, all_facts: Sequence[Mapping[str, object]]) -> float:
    """Bytes each Result holds while kept, its explanation never read."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    kept = [scorer.score(facts) for facts in all_facts]
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return grown / len(kept)


def check_agreement(
    scorer: rubric.Rubric, all_facts: Sequence[Mapping[str, object]]
) -> tuple[list[str], Counter[str]]:
    """Every unit the engine and the hand-written scorer disagree on; the engine's grades."""
    wrong: list[str] = []
    grades: Counter[str] = Counter()
    for index, facts in enumerate(all_facts):
        expected = anhui_handwritten.score(facts)
        result = scorer.score(facts)
        grades[str(result.grade)] += 1
        nodes = [node.id for node in result if node.score != expected[node.id]]
        if nodes or result.grade != expected["grade"]:
            wrong.append(f"facts #{index}: {', '.join(nodes) or 'the grade'}")
    return wrong, grades


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time scoring rubrics/anhui_2019.rub beside a plain hand-written scorer.",
    )
    parser.add_argument("--n", type=int, default=10_000, help="facts to generate (10000)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over all the facts (5)")
    parser.add_argument(
        "--compile-repeat", type=int, default=20, help="timed compiles of the rubric (20)"
    )
    parser.add_argument(
        "--huge-share",
        type=float,
        default=0.0,
        help="share of facts with very large counts, 10**12 and up (0: realistic sizes only)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.n < 1 or args.repeat < 1 or args.compile_repeat < 1:
        print("bench_score: --n, --repeat and --compile-repeat must be at least 1", file=sys.stderr)
        return 2
    text = RUBRIC_PATH.read_text(encoding="utf-8")
    best, median = time_compile(text, str(RUBRIC_PATH), args.compile_repeat)
    scorer = rubric.loads(text, str(RUBRIC_PATH))
    all_facts = FactsGenerator(scorer.facts, args.seed, args.huge_share).many(args.n)
    wrong, grades = check_agreement(scorer, all_facts)
    runs: dict[str, Scorer] = {
        "hand-written score": anhui_handwritten.score,
        "hand-written validate + score": validated,
        "Rubric.score": scorer.score,
        "Rubric.score + to_dict()": first_read(scorer),
    }
    times = interleaved(runs, all_facts, args.repeat)
    held = retained_bytes(scorer, all_facts[: min(len(all_facts), 5000)])

    print(f"rubric {rubric.__version__} benchmark: {RUBRIC_PATH.relative_to(REPO)}")
    print(
        f"Python {platform.python_version()} on {platform.machine()}; "
        f"{args.n:,} facts, seed {args.seed}, huge share {args.huge_share:g}, "
        f"median of {args.repeat} interleaved passes"
    )
    print()
    base = times["hand-written score"]
    print(f"{'scorer':<32}{'µs per unit':>12}{'× hand-written':>16}")
    print("-" * 60)
    for name, seconds in times.items():
        print(f"{name:<32}{seconds * 1e6:>12.1f}{seconds / base:>15.1f}×")
    print()
    print(f"compile rubrics/anhui_2019.rub: best {best * 1e3:.1f} ms, median {median * 1e3:.1f} ms")
    print(f"a retained Result, explanation never read: {held:,.0f} bytes")
    print(
        f"agreement: {len(all_facts) - len(wrong):,}/{len(all_facts):,} units identical on every "
        "node and the grade"
    )
    for example in wrong[:5]:
        print(f"  MISMATCH {example}")
    spread = ", ".join(f"{grade} {grades[grade]:,}" for grade in ("优秀", "良好", "中等", "差"))
    print(f"grades: {spread}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
