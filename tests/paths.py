"""The scoring paths side by side: Rubric.score, the interpreter and the generated scorer.

`agree` scores one unit's facts every way there is and asserts that the ways agree on every
node's exact score, the grade and every error, then returns what they agreed on.
"""

from __future__ import annotations

from fractions import Fraction

import rubric
from rubric._facts import validate
from rubric._score.codegen import Slow, generate

Outcome = tuple[tuple[Fraction, ...], tuple[tuple[int, str | None], ...], str | None]


def outcome(result: rubric.Result) -> Outcome:
    """Each node's exact score, the nodes left out and the grade of a result."""
    nodes = list(result)
    skipped = tuple((i, n.policy) for i, n in enumerate(nodes) if not n.applicable)
    return tuple(n.exact for n in nodes), skipped, result.grade


def generated(r: rubric.Rubric, given: object) -> Outcome | None:
    """What the generated scorer makes of facts; None where it leaves them to the interpreter."""
    try:
        _, scores, skipped, grade = generate(r._plan)(given)  # type: ignore[arg-type]
    except Slow:
        return None
    exact = tuple(Fraction(v, r.unit) if isinstance(v, int) else v for v in scores)
    return exact, skipped, r._grades[grade]


def agree(r: rubric.Rubric, raw: object, *, strict: bool = True) -> Outcome | str:
    """Score facts by every path and assert they agree: the outcome, or the error's text.

    Strict, the generated scorer must score every validated unit the interpreter scores; not
    strict, it may leave one to the interpreter (a number past the limit on exact values, as
    it holds it unreduced, may reduce to one within it).
    """
    try:
        result = r.score(raw)  # type: ignore[arg-type]
    except rubric.FactsError as error:
        found: Outcome | str = str(error)
    else:
        found = outcome(result)
        result.to_json()  # what it reads and writes, big numbers and all, writes
    try:
        values = validate(r.facts, raw, r._plan.limits)  # type: ignore[arg-type]
    except rubric.FactsError as error:
        invalid = str(error)
    else:
        invalid = ""
    if invalid:
        assert found == invalid
        return found
    try:
        reference: Outcome | str = outcome(r._interpret(values))
    except rubric.FactsError as error:
        reference = str(error)
    assert found == reference
    fast = generated(r, values)
    if isinstance(reference, str) or not strict:
        assert fast is None or fast == reference
    else:
        assert fast == reference
    return found
