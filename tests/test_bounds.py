"""Proved bounds: no valid facts score outside them, and facts said to reach a bound reach it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import every_form
import rubric
from anhui_strategies import anhui_facts
from conftest import ANHUI, ROOT
from test_properties import adjustments, facts, rich_rubrics, rubrics


def repository_rubrics() -> list[Path]:
    """Every rubric in the repository that compiles: the rubrics, and the docs' examples."""
    found = []
    for path in sorted([*ROOT.glob("rubrics/**/*.rub"), *ROOT.glob("docs/examples/**/*.rub")]):
        try:
            rubric.load(path)
        except rubric.RubricError:
            continue  # an example of a mistake
        found.append(path)
    return found


REPOSITORY = repository_rubrics()


def test_the_repository_has_rubrics_to_check() -> None:
    names = {p.name for p in REPOSITORY}
    assert {"anhui_2019.rub", "air_quality.rub", "city_management.rub"} <= names
    assert len(REPOSITORY) > 30


def assert_within(r: rubric.Rubric, result: rubric.Result) -> None:
    for node in result:
        bounds = r.bounds(node.id)
        assert bounds.low is None or bounds.low <= node.exact, (node.id, node.exact, bounds)
        assert bounds.high is None or node.exact <= bounds.high, (node.id, node.exact, bounds)


def assert_reached(r: rubric.Rubric) -> int:
    """Score the facts each tight bound names; each must give exactly that bound."""
    reached = 0
    for node_id in r._findings.bounds:  # type: ignore[union-attr]
        bounds = r.bounds(node_id)
        for tight, bound, given_facts in (
            (bounds.low_tight, bounds.low, bounds.low_facts),
            (bounds.high_tight, bounds.high, bounds.high_facts),
        ):
            assert tight == (given_facts is not None)
            if not tight:
                continue
            assert given_facts is not None
            # A rubric that compares units: the witness alone is its cohort.
            cohort = r.cohort([dict(given_facts)]) if r.compares_units else None
            result = r.score(dict(given_facts), cohort=cohort)
            assert result.node(node_id).exact == bound, (node_id, bound, dict(given_facts))
            reached += 1
    return reached


# ---------------------------------------------------------------- facts for any rubric


def random_facts(r: rubric.Rubric, rng: random.Random) -> dict[str, object]:
    """Facts drawn from each declaration, leaning to the ends of its bounds and to 0."""
    values: dict[str, object] = {}
    for spec in r.facts:
        lows = [b.value for b in spec.bounds if b.value is not None and b.op in (">", ">=")]
        highs = [b.value for b in spec.bounds if b.value is not None and b.op in ("<", "<=")]
        low = max(lows) if lows else None
        high = min(highs) if highs else None
        values[spec.name] = _draw(spec, low, high, rng)
    # Bounds by other facts: meet them by moving the bounded fact.
    for _ in range(3):
        for spec in r.facts:
            for bound in spec.bounds:
                if bound.fact is None:
                    continue
                mine, theirs = values[spec.name], values[bound.fact]
                if not isinstance(mine, int | Fraction) or not isinstance(theirs, int | Fraction):
                    continue
                ok = {
                    "<": mine < theirs,
                    "<=": mine <= theirs,
                    ">": mine > theirs,
                    ">=": mine >= theirs,
                }[bound.op]
                if not ok:
                    nudge = {"<": -1, "<=": 0, ">": 1, ">=": 0}[bound.op]
                    moved = theirs + nudge * (spec.step or 1)
                    values[spec.name] = int(moved) if spec.kind == "count" else Fraction(moved)
    return values


def _draw(
    spec: rubric.FactSpec, low: Fraction | None, high: Fraction | None, rng: random.Random
) -> object:
    step = spec.step or (Fraction(1) if spec.kind == "count" else Fraction(1, 10))
    if spec.kind == "bool":
        return rng.random() < 0.5
    if spec.kind == "level":
        assert spec.choices is not None
        return rng.choice(spec.choices)
    if spec.kind == "set":
        pool = list(spec.choices) if spec.choices is not None else ["a", "b", "c", "d", "e"]
        return rng.sample(pool, rng.randint(0, len(pool)))
    if spec.kind == "count":
        low = max(low or 0, 0)
    lo = low if low is not None else Fraction(-50)
    hi = high if high is not None else lo + 200
    marks = [lo, hi, Fraction(0), Fraction(1), (lo + hi) / 2, Fraction(100)]
    value = rng.choice(marks) if rng.random() < 0.4 else lo + (hi - lo) * Fraction(rng.random())
    value = max(lo, min(hi, value))
    value = Fraction(round(value / step)) * step
    if value < lo:
        value += step
    if value > hi:
        value -= step
    if spec.kind == "count":
        return int(value)
    if spec.kind == "adjustment":
        return {"points": value, "reason": "随机"} if value else 0
    return value


def scored(r: rubric.Rubric, count: int, seed: int) -> Iterator[rubric.Result]:
    rng = random.Random(seed)
    drawn = [random_facts(r, rng) for _ in range(count)]
    # A rubric that compares units: a cohort of some of the units drawn; the others are scored
    # against it as units outside it.
    cohort = r.cohort(drawn[: count // 2 + 1]) if r.compares_units else None
    for unit in drawn:
        try:
            yield r.score(unit, cohort=cohort)
        except rubric.FactsError:
            continue  # facts a `require` refuses, or that the rubric cannot score


# ---------------------------------------------------------------- every rubric in the repository


@pytest.mark.parametrize("path", REPOSITORY, ids=[str(p.relative_to(ROOT)) for p in REPOSITORY])
def test_repository_rubrics_score_within_their_bounds(path: Path) -> None:
    r = rubric.load(path)
    # The rubrics themselves get many facts; the docs' small examples, a few each.
    count = 300 if path.is_relative_to(ROOT / "rubrics") else 40
    results = list(scored(r, count, seed=len(path.name)))
    assert results, "no facts drawn for this rubric could be scored"
    for result in results:
        assert_within(r, result)


@pytest.mark.parametrize("path", REPOSITORY, ids=[str(p.relative_to(ROOT)) for p in REPOSITORY])
def test_repository_rubrics_reach_their_tight_bounds(path: Path) -> None:
    assert_reached(rubric.load(path))


def test_every_bound_of_the_anhui_rubric_is_tight_and_reached() -> None:
    r = rubric.load(ANHUI)
    for node_id in r._findings.bounds:  # type: ignore[union-attr]
        bounds = r.bounds(node_id)
        assert bounds.low_tight and bounds.high_tight, node_id
    assert assert_reached(r) == 2 * (len(r._findings.bounds))  # type: ignore[union-attr]
    assert (r.bounds().low, r.bounds().high) == (0, 100)


ANHUI_RUBRIC = rubric.load(ANHUI)


@given(anhui_facts())
def test_anhui_facts_score_within_the_bounds(given_facts: dict[str, object]) -> None:
    assert_within(ANHUI_RUBRIC, ANHUI_RUBRIC.score(given_facts))


# ---------------------------------------------------------------- generated rubrics


@given(rubrics(), facts)
def test_generated_rubrics_score_within_their_bounds(
    r: rubric.Rubric, f: dict[str, object]
) -> None:
    assert_within(r, r.score(f))


@given(rich_rubrics(), facts, adjustments)
def test_generated_rubrics_of_every_form_score_within_their_bounds(
    r: rubric.Rubric, f: dict[str, object], adj: object
) -> None:
    try:
        result = r.score({**f, "adj": adj})
    except rubric.FactsError:
        return  # a division by 0 or a group left with nothing: refused, never mis-scored
    assert_within(r, result)


# Working out a rubric's bounds costs more than scoring it: several facts for each rubric.
@settings(max_examples=50)
@given(every_form.rubrics(), st.lists(every_form.facts(), min_size=1, max_size=6))
def test_every_form_rubrics_score_within_their_bounds(
    text: str, drawn: list[dict[str, object]]
) -> None:
    r = every_form.compile_or_none(text)
    assume(r is not None)
    assert r is not None
    for raw in drawn:
        try:
            result = r.score(raw)
        except rubric.FactsError:
            continue  # a division by 0, a value in no band, an optional fact left out
        assert_within(r, result)


@settings(max_examples=20, suppress_health_check=[HealthCheck.filter_too_much])
@given(every_form.rubrics())
def test_every_form_rubrics_reach_their_tight_bounds(text: str) -> None:
    r = every_form.compile_or_none(text)
    assume(r is not None)
    assert r is not None
    assert_reached(r)


# The generators filter their numbers (a rule's points within the max): that is theirs.
@settings(max_examples=60, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.one_of(rubrics(), rich_rubrics()))
def test_generated_rubrics_reach_their_tight_bounds(r: rubric.Rubric) -> None:
    assert_reached(r)


def test_bounds_of_a_small_rubric_exactly() -> None:
    r = rubric.loads(
        'rubric t "t" max 10\n'
        'fact x: number >= 0 and <= 50 "x"\nfact a: bool "a"\n'
        'indicator q "q" max 10\n  points = x / 10\n  × 0.5 if a\n'
    )
    q = r.bounds("q")
    assert (q.low, q.high, q.low_tight, q.high_tight) == (0, 5, True, True)
    assert q.high_facts is not None and q.high_facts["x"] == 50 and q.high_facts["a"] is False
    assert r.score(dict(q.high_facts))["q"].exact == 5
    assert [w.code for w in r.warnings] == ["W301"]


def test_an_unknown_node_has_no_bounds() -> None:
    r = rubric.load(ANHUI)
    with pytest.raises(KeyError):
        r.bounds("nowhere")


def test_decimal_bounds_survive_as_exact_fractions() -> None:
    r = rubric.loads(
        'rubric t "t" max 1\nround indicators to 3 places half up\n'
        'fact x: number >= 0 and <= 3 "x"\nindicator q "q" max 1\n'
        "  points = x / 3, at most 1\n"
    )
    assert r.bounds("q").high == 1
    assert isinstance(r.bounds("q").low, Fraction)
    assert Decimal(str(r.bounds().high)) == Decimal(1)


def test_the_analysis_runs_once_however_many_threads_ask() -> None:
    from concurrent.futures import ThreadPoolExecutor

    r = rubric.load(ANHUI)
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _: r._findings.bounds, range(16)))  # type: ignore[union-attr]
    assert all(f is found[0] for f in found)
    assert r.bounds() == found[0]["anhui_2019"]


def test_findings_pickle_before_and_after_the_analysis() -> None:
    import pickle

    for worked_out in (False, True):
        r = rubric.load(ANHUI)
        if worked_out:
            r.bounds()
        again = pickle.loads(pickle.dumps(r._findings))
        assert again.bounds == r._findings.bounds  # type: ignore[union-attr]
        assert again.warnings == r.warnings


# Numbers and operators changed here and there in the repository's rubrics: those that still
# compile must still score within their bounds and reach their tight ones.
MUTABLE = [ANHUI, *sorted((ROOT / "rubrics" / "examples").glob("*.rub"))]
PIECES = ["0", "1", "5", "9", "100", ">=", "<", "and", "or", "not ", "×", "-", "+"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_rubrics_keep_their_bounds(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(MUTABLE)).read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 2))):
        at = data.draw(st.integers(0, len(text)))
        size = data.draw(st.integers(1, 6))
        text = text[:at] + data.draw(st.sampled_from(PIECES)) + text[at + size :]
    try:
        r = rubric.loads(text)
    except rubric.RubricError:
        return
    for result in scored(r, 20, seed=len(text)):
        assert_within(r, result)
    assert_reached(r)


# The warnings are worked out without the search for facts that reach each bound (the most of
# the analysis's work): they must be the very warnings the whole analysis reports.
def warnings_both_ways(r: rubric.Rubric) -> tuple[object, object]:
    from rubric._check.bounds import analyse
    from rubric._check.report import Report
    from rubric._checker import check
    from rubric.dsl.parser import parse
    from rubric.dsl.source import Source

    # Checked again: the rubric's own findings may have been worked out, their inputs let go.
    source = Source(r._text, "r.rub")
    findings = check(parse(source), source).findings
    assert findings._inputs is not None
    document, tree, rounding = findings._inputs

    def found(witnesses: bool) -> object:
        report = Report(findings.source, findings._limits.errors)
        analyse(
            document, tree, rounding, report, findings._limits.exact_digits, witnesses=witnesses
        )
        return report.diagnostics("warning")

    return found(False), found(True)


WARNED = [
    *REPOSITORY,
    *(p for p in sorted((ROOT / "tests" / "cases").glob("*/*.rub")) if p not in REPOSITORY),
]


@pytest.mark.parametrize("path", WARNED, ids=lambda p: p.stem)
def test_warnings_need_no_search_for_facts(path: Path) -> None:
    try:
        r = rubric.load(path)
    except rubric.RubricError:
        return  # a planted mistake: no warnings to compare
    cheap, whole = warnings_both_ways(r)
    assert cheap == whole
    assert r.warnings == cheap[0]  # type: ignore[index]


def test_some_rubrics_compared_have_warnings() -> None:
    warned = 0
    for path in WARNED:
        try:
            warned += bool(rubric.load(path).warnings)
        except rubric.RubricError:
            continue
    assert warned >= 5


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(rubrics(), rich_rubrics()))
def test_generated_rubrics_warn_alike_without_the_search(r: rubric.Rubric) -> None:
    cheap, whole = warnings_both_ways(r)
    assert cheap == whole


@settings(max_examples=60, suppress_health_check=[HealthCheck.filter_too_much])
@given(every_form.rubrics())
def test_every_form_rubrics_warn_alike_without_the_search(text: str) -> None:
    r = every_form.compile_or_none(text)
    assume(r is not None)
    assert r is not None
    cheap, whole = warnings_both_ways(r)
    assert cheap == whole


def test_a_group_probed_on_particular_facts_does_not_probe_again() -> None:
    # A scratch analyser's indicator probe once left it no longer quiet: its groups then
    # probed again, without end, and the cohort rubric had no bounds at all.
    r = rubric.load(ROOT / "docs" / "examples" / "cohort.rub")
    total = r.bounds()
    assert (total.low, total.high) == (0, 30)
