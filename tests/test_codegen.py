"""The generated scorer against the interpreter: every node, the grade and every problem agree."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import rubric
from every_form import compile_or_none, facts, rubrics
from rubric._facts import validate
from rubric._score import interpret
from rubric._score.codegen import Slow, generate


def interpreted(
    r: rubric.Rubric, values: dict[str, object], cohort: tuple[object, ...] = ()
) -> tuple[object, ...] | None:
    """Each node's exact score, the nodes left out and the grade; None where it cannot score."""
    try:
        outcome = interpret.run(r._plan, values, cohort)  # type: ignore[arg-type]
    except (interpret.EvaluationError, interpret.RequirementsUnmetError):
        return None
    nodes = outcome.root.walk()
    scores = tuple(s.exact for s in nodes)
    skipped = tuple((i, s.policy) for i, s in enumerate(nodes) if not s.applicable)
    grade = outcome.grade.name if outcome.grade is not None else None
    return scores, skipped, grade


def generated(
    r: rubric.Rubric, given: object, cohort: tuple[object, ...] | None = None
) -> tuple[object, ...] | None:
    scorer = generate(r._plan)
    try:
        if cohort is None:
            _, scores, skipped, grade = scorer(given)  # type: ignore[arg-type]
        else:
            _, scores, skipped, grade = scorer(given, cohort)  # type: ignore[call-arg]
    except Slow:
        return None
    unit = 10**r.places
    exact = tuple(Fraction(v, unit) if isinstance(v, int) else v for v in scores)
    return exact, skipped, r._grades[grade]


@settings(max_examples=150, deadline=None)
@given(rubrics(cohort=True), facts(), st.lists(facts(), max_size=6), st.booleans())
def test_the_scorers_agree_on_rules_that_compare_units(
    text: str, raw: dict[str, object], others: list[dict[str, object]], inside: bool
) -> None:
    """Generated cohorts, empty ones too; the unit scored inside its cohort or outside it; the
    scores within the proved bounds."""
    r = compile_or_none(text)
    assume(r is not None)
    assert r is not None
    cohort = r.cohort([raw, *others] if inside else others)
    assert cohort.size == len(others) + inside
    values = validate(r.facts, raw)
    expected = interpreted(r, values, cohort.figures)
    assert generated(r, values, cohort.figures) == expected
    fast = generated(r, raw, cohort.figures)
    assert fast is None or fast == expected
    if expected is not None:
        result = r.score(raw, cohort=cohort)
        assert tuple(node.exact for node in result) == expected[0]
        assert result.grade == expected[2]
        assert all(reason.text for node in result for reason in node.explanation)
        # The proved bounds hold whatever the cohort: its figures lie within the facts' bounds.
        for node in result:
            bounds = r.bounds(node.id)
            assert bounds.low is None or bounds.low <= node.exact, (node.id, bounds)
            assert bounds.high is None or node.exact <= bounds.high, (node.id, bounds)
    else:
        with pytest.raises(rubric.FactsError):
            r.score(raw, cohort=cohort)


@settings(max_examples=200)
@given(rubrics(), facts())
def test_generated_scorer_agrees_with_the_interpreter(text: str, raw: dict[str, object]) -> None:
    r = compile_or_none(text)
    assume(r is not None)
    assert r is not None
    values = validate(r.facts, raw)
    expected = interpreted(r, values)
    assert generated(r, values) == expected
    # Facts as given, not yet normalised: scored alike, or left to the slow path.
    fast = generated(r, raw)
    assert fast is None or fast == expected
    if expected is not None:
        result = r.score(raw)
        assert tuple(node.exact for node in result) == expected[0]
        assert result.grade == expected[2]
