"""Grades in order, and the total each needs when its condition is a plain `total >= N`."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from rubric._rubric import Rubric

__all__ = ["GradeStep", "grade_ladder"]


@attrs.frozen
class GradeStep:
    """One grade line: its name, its line, and the least total earning it, when that is known."""

    name: str
    line: int
    threshold: Fraction | None = None
    strict: bool = False


def grade_ladder(rubric: Rubric) -> tuple[GradeStep, ...]:
    """The rubric's grades from the top down; () when the rubric cannot tell.

    The public API has no list of grades yet, so this one function reads the compiled grade
    lines, by duck typing, and gives up quietly (reports then leave out what they need it for)
    if their shape is not the one expected. Replace with a public Rubric.grades when there is one.
    """
    compiled: Any = getattr(rubric, "_compiled", None)
    steps = []
    for grade in getattr(compiled, "grades", ()):
        try:
            name, line, condition = str(grade.name), int(grade.line), grade.condition
        except AttributeError:
            return ()
        threshold, strict = _threshold(condition)
        steps.append(GradeStep(name, line, threshold, strict))
    return tuple(steps)


def _threshold(condition: Any) -> tuple[Fraction | None, bool]:
    """N and whether it is strict, for a condition `total >= N` or `total > N`."""
    op = getattr(condition, "op", None)
    subject = getattr(getattr(condition, "left", None), "subject", None)
    value = getattr(getattr(condition, "right", None), "value", None)
    plain = op in (">=", ">") and getattr(subject, "name", None) == "total"
    if plain and isinstance(value, Fraction | int):
        return Fraction(value), op == ">"
    return None, False
