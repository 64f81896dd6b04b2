"""The generated scorer against the interpreter: every node, the grade and every problem agree."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import assume, given, settings

import rubric
from every_form import compile_or_none, facts, rubrics
from rubric._facts import validate
from rubric._score import interpret
from rubric._score.codegen import Slow, generate


def interpreted(r: rubric.Rubric, values: dict[str, object]) -> tuple[object, ...] | None:
    """Each node's exact score, the nodes left out and the grade; None where it cannot score."""
    try:
        outcome = interpret.run(r._plan, values)  # type: ignore[arg-type]
    except (interpret.EvaluationError, interpret.RequirementsUnmetError):
        return None
    nodes = outcome.root.walk()
    scores = tuple(s.exact for s in nodes)
    skipped = tuple((i, s.policy) for i, s in enumerate(nodes) if not s.applicable)
    grade = outcome.grade.name if outcome.grade is not None else None
    return scores, skipped, grade


def generated(r: rubric.Rubric, given: object) -> tuple[object, ...] | None:
    scorer = generate(r._plan)
    try:
        _, scores, skipped, grade = scorer(given)  # type: ignore[arg-type]
    except Slow:
        return None
    unit = 10**r.places
    exact = tuple(Fraction(v, unit) if isinstance(v, int) else v for v in scores)
    return exact, skipped, r._grades[grade]


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
