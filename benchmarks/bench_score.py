"""Benchmark the anhui_2019 rubric: compile time, and scoring time against a hand-written scorer.

Run from anywhere:  python benchmarks/bench_score.py [--n 10000] [--seed 0] [--repeat 5]

It reports
  (a) the time to compile rubrics/anhui_2019.rub from its text with `rubric.loads`
      (best and median of --compile-repeat runs);
  (b) the time per `Rubric.score` call over --n generated valid facts (best and median of
      --repeat timed passes over all of them);
  (c) in the same run, the time per call of the hand-written `reference_scores` from
      tests/anhui_reference.py on the same facts, and the ratio engine / hand-written;
and checks that the engine and the reference agree on every node (and the grade) of every facts
mapping, counting mismatches: any mismatch is a bug.

The facts come from a seeded `random.Random` generator written here (not from hypothesis, whose
`.example()` is slow and warns): every mapping respects every constraint of the contract, and the
values lean toward the rules' boundaries so that totals spread over every grade.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import rubric

REPO = Path(__file__).resolve().parent.parent
RUBRIC_PATH = REPO / "rubrics" / "anhui_2019.rub"
TESTS = REPO / "tests"

ReferenceScores = Callable[[Mapping[str, object]], dict[str, Decimal]]
ReferenceGrade = Callable[[Decimal], str]


def import_reference() -> tuple[ReferenceScores, ReferenceGrade, str]:
    """The hand-written oracle (reference_scores, reference_grade, root id) from tests/.

    tests/ is not a package, so its directory is put on sys.path to import anhui_reference;
    this is why the script runs from any working directory.
    """
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    import anhui_reference

    return anhui_reference.reference_scores, anhui_reference.reference_grade, anhui_reference.ROOT


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


@dataclass(frozen=True)
class Timing:
    """Seconds per call: best and median over repeated runs."""

    best: float
    median: float
    runs: int


def time_compile(text: str, filename: str, repeat: int) -> Timing:
    rubric.loads(text, filename)  # warm-up: imports, parser set-up, caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        rubric.loads(text, filename)
        samples.append(time.perf_counter() - start)
    return Timing(min(samples), statistics.median(samples), repeat)


def time_per_call(
    function: Callable[[Mapping[str, object]], object],
    all_facts: Sequence[Mapping[str, object]],
    repeat: int,
    warmup: int,
) -> Timing:
    """Time `repeat` passes of function over all_facts; report seconds per call."""
    for facts in all_facts[:warmup]:
        function(facts)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for facts in all_facts:
            function(facts)
        samples.append((time.perf_counter() - start) / len(all_facts))
    return Timing(min(samples), statistics.median(samples), repeat)


@dataclass
class Agreement:
    """How the engine and the hand-written reference compare over the same facts."""

    facts: int = 0
    nodes: int = 0
    node_mismatches: int = 0
    facts_with_mismatch: int = 0
    grade_mismatches: int = 0
    rejected: int = 0
    examples: list[str] = field(default_factory=list)


def check_agreement(
    scorer: rubric.Rubric,
    all_facts: Sequence[Mapping[str, object]],
    reference_scores: ReferenceScores,
    reference_grade: ReferenceGrade,
    root: str,
    show: int = 5,
) -> tuple[Agreement, Counter[str]]:
    """Compare every node's score and the grade; also count the engine's grades."""
    agreement = Agreement()
    grades: Counter[str] = Counter()
    for index, facts in enumerate(all_facts):
        agreement.facts += 1
        expected = reference_scores(facts)
        try:
            result = scorer.score(facts)
        except rubric.FactsError as error:  # the generator made invalid facts: a generator bug
            agreement.rejected += 1
            if len(agreement.examples) < show:
                agreement.examples.append(f"facts #{index} rejected: {error}")
            continue
        got = {node.id: node.score for node in result}
        grades[str(result.grade)] += 1
        wrong = [
            node for node in expected.keys() | got.keys() if got.get(node) != expected.get(node)
        ]
        agreement.nodes += len(expected)
        agreement.node_mismatches += len(wrong)
        agreement.facts_with_mismatch += bool(wrong)
        grade_wrong = result.grade != reference_grade(expected[root])
        agreement.grade_mismatches += grade_wrong
        if (wrong or grade_wrong) and len(agreement.examples) < show:
            detail = ", ".join(
                f"{node}: engine {got.get(node)} vs reference {expected.get(node)}"
                for node in sorted(wrong)
            )
            agreement.examples.append(f"facts #{index}: {detail or 'grade differs'}")
    return agreement, grades


# ---------------------------------------------------------------------------
# Report.
# ---------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    """A duration with a unit that keeps 3 or 4 significant digits: 12.35 ms, 84.1 µs."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:8.2f} {unit:<2}"
    return f"{seconds / 1e-9:8.0f} ns"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time compiling and scoring rubrics/anhui_2019.rub, and compare the engine "
        "with the hand-written reference in tests/anhui_reference.py.",
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
    reference_scores, reference_grade, root = import_reference()

    text = RUBRIC_PATH.read_text(encoding="utf-8")
    compile_timing = time_compile(text, str(RUBRIC_PATH), args.compile_repeat)
    scorer = rubric.loads(text, str(RUBRIC_PATH))

    all_facts = FactsGenerator(scorer.facts, args.seed, args.huge_share).many(args.n)
    warmup = min(len(all_facts), 500)
    engine = time_per_call(scorer.score, all_facts, args.repeat, warmup)
    reference = time_per_call(reference_scores, all_facts, args.repeat, warmup)
    agreement, grades = check_agreement(scorer, all_facts, reference_scores, reference_grade, root)

    print(f"rubric {rubric.__version__} benchmark: {RUBRIC_PATH.relative_to(REPO)}")
    print(
        f"Python {platform.python_version()} on {platform.machine()}; "
        f"{args.n:,} facts, seed {args.seed}, huge share {args.huge_share:g}"
    )
    print()
    rows = [
        ("compile (rubric.loads)", compile_timing, f"{compile_timing.runs} compiles"),
        ("score: engine (Rubric.score)", engine, f"{engine.runs} passes"),
        ("score: hand-written reference", reference, f"{reference.runs} passes"),
    ]
    print(f"{'measure':<32}{'best':>12}{'median':>12}   runs")
    print("-" * 68)
    for name, timing, runs in rows:
        print(f"{name:<32}{_duration(timing.best):>12}{_duration(timing.median):>12}   {runs}")
    print(
        f"{'ratio engine / hand-written':<32}{engine.best / reference.best:>11.1f}x"
        f"{engine.median / reference.median:>11.1f}x"
    )
    print()
    print(
        f"agreement: {agreement.facts:,} facts, {agreement.nodes:,} node scores compared; "
        f"{agreement.node_mismatches} node mismatches in {agreement.facts_with_mismatch} facts, "
        f"{agreement.grade_mismatches} grade mismatches, {agreement.rejected} rejected facts"
    )
    for example in agreement.examples:
        print(f"  MISMATCH {example}")
    spread = ", ".join(f"{grade} {grades[grade]:,}" for grade in ("优秀", "良好", "中等", "差"))
    print(f"grades (engine): {spread}")
    failed = agreement.node_mismatches or agreement.grade_mismatches or agreement.rejected
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
