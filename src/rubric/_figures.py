"""Figures: what the interpreter found, as numbers, for the wording to turn into sentences.

An `Entry` is one line of a node's explanation before it has words: its kind, its exact points,
the rubric line, the facts and values it read, and the figures its sentence is written from.
A `Traced` is an expression's value with the values of its parts, so that a condition can be
explained without being evaluated again. A `Problem` is facts that cannot be scored.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TypeAlias

import attrs

from rubric import _plan as p
from rubric._values import Adjustment, Value

__all__ = ["Entry", "Figures", "Problem", "Traced"]


@attrs.frozen(eq=False, slots=True)
class Traced:
    """An expression's value, and the traces of the parts its wording shows."""

    value: Value
    parts: tuple[Traced, ...] = ()
    # A junction whose later operands could not be read once the outcome was decided.
    cut: bool = False


# ---------------------------------------------------------------- entries by rule


@attrs.frozen(eq=False, slots=True)
class Started:
    """`start from …`."""

    rule: p.Start


@attrs.frozen(eq=False, slots=True)
class Judged:
    """One condition worth `points` when it holds: `+K if`, or an item of `for each of [...]`."""

    points: Fraction
    condition: p.Expr
    traced: Traced
    holds: bool


@attrs.frozen(eq=False, slots=True)
class Counted:
    """`for each of SET`: the items found, and the points before and after the rule's cap."""

    rule: p.EachItem
    traced: Traced
    count: int
    total: Fraction
    gained: Fraction


@attrs.frozen(eq=False, slots=True)
class Capped:
    """Points of several rules brought back to a cap: a pool, `for each of [...]`, a group."""

    owner: p.Pool | p.EachCondition | p.Group
    count: int  # how many entries the cap covers, for `for each of [...]`
    total: Fraction
    cap: Fraction
    capped: Fraction


@attrs.frozen(eq=False, slots=True)
class Stepped:
    """`per STEP of QUANTITY`: the quantity, the steps counted, and the points."""

    rule: p.PerStep
    traced: Traced
    amount: Fraction
    steps: Fraction
    total: Fraction
    gained: Fraction


@attrs.frozen(eq=False, slots=True)
class Tabled:
    """`points by`: the subject's value and the arm it met (None: a level's own arm)."""

    rule: p.Table
    traced: Traced
    arm: p.Arm
    got: Fraction


@attrs.frozen(eq=False, slots=True)
class Computed:
    """`points = EXPR`: the value, the facts shown beside it, and the points."""

    rule: p.Formula
    traced: Traced
    refs: tuple[Traced, ...]
    total: Fraction
    gained: Fraction


@attrs.frozen(eq=False, slots=True)
class Guard:
    """A rule's own condition (`… if C`): whether it held, and so whether the rule counted."""

    rule: p.Guarded
    traced: Traced
    holds: bool


@attrs.frozen(eq=False, slots=True)
class Adjusted:
    """`adjust by NAME`."""

    rule: p.AdjustBy
    adjustment: Adjustment


# ---------------------------------------------------------------- entries on a node


@attrs.frozen(eq=False, slots=True)
class Clamped:
    """An indicator's rules summed beyond its bounds, brought back within them."""

    node: p.Indicator
    total: Fraction
    bound: Fraction


@attrs.frozen(eq=False, slots=True)
class Rounded:
    """A score rounded to the rubric's places."""

    before: Fraction
    after: Fraction


@attrs.frozen(eq=False, slots=True)
class Multiplied:
    """`× K if CONDITION`: the score before, and whether it was multiplied."""

    clause: p.Multiplier
    traced: Traced
    holds: bool
    score: Fraction
    after: Fraction


@attrs.frozen(eq=False, slots=True)
class CappedIf:
    """`at most N if CONDITION`: the score before the cap."""

    clause: p.CapWhen
    traced: Traced
    holds: bool
    score: Fraction


@attrs.frozen(eq=False, slots=True)
class LeftOut:
    """A node's `not applicable` line held."""

    rule: p.NotApplicable
    traced: Traced


@attrs.frozen(eq=False, slots=True)
class Above:
    """A node below a group that does not apply."""

    group: p.Group


@attrs.frozen(eq=False, slots=True)
class Part:
    """A child of a group as its parent's wording shows it: its score out of what it counts for."""

    title: str
    exact: Fraction
    counted: Fraction
    weight: Fraction | None = None


@attrs.frozen(eq=False, slots=True)
class Redistributed:
    """A sum group's children that do not apply leave their points to their siblings."""

    shared: tuple[str, ...]
    target: Fraction
    counted: Fraction
    total: Fraction
    after: Fraction


@attrs.frozen(eq=False, slots=True)
class Scaled:
    """A scaled group: its children's sum scaled to its max."""

    got: Fraction
    out_of: Fraction
    top: Fraction
    total: Fraction


@attrs.frozen(eq=False, slots=True)
class Weighted:
    """A weighted group: its children's shares by weight, times its max."""

    parts: tuple[Part, ...]
    weight_sum: Fraction
    rate: Fraction
    top: Fraction
    total: Fraction


@attrs.frozen(eq=False, slots=True)
class BestOf:
    """A best-of group: the child with the highest share."""

    parts: tuple[Part, ...]
    best: str
    top: Fraction
    total: Fraction


@attrs.frozen(eq=False, slots=True)
class OneOf:
    """A one-of group: the one child that applies."""

    part: Part
    top: Fraction
    total: Fraction


@attrs.frozen(eq=False, slots=True)
class NothingLeft:
    """A scaled, weighted or best-of group none of whose children apply."""


@attrs.frozen(eq=False, slots=True)
class RescaledTotal:
    """Nodes left out for the total: the total scaled to the rubric's max."""

    left_out: tuple[str, ...]
    full: Fraction
    counted: Fraction
    total: Fraction
    after: Fraction


@attrs.frozen(eq=False, slots=True)
class TotalClamped:
    """A total taken below 0 by deductions, brought back to 0."""

    total: Fraction


@attrs.frozen(eq=False, slots=True)
class GradeTried:
    """A grade line tried: its condition's trace (None for `otherwise`) and whether it held."""

    grade: p.Grade
    traced: Traced | None
    given: bool


Figures: TypeAlias = (
    Started
    | Judged
    | Counted
    | Capped
    | Stepped
    | Tabled
    | Computed
    | Guard
    | Adjusted
    | Clamped
    | Rounded
    | Multiplied
    | CappedIf
    | LeftOut
    | Above
    | Redistributed
    | Scaled
    | Weighted
    | BestOf
    | OneOf
    | NothingLeft
    | RescaledTotal
    | TotalClamped
    | GradeTried
)


@attrs.frozen(eq=False, slots=True)
class Entry:
    """One entry of an explanation before it has words."""

    kind: str
    points: Fraction
    line: int | None
    figures: Figures
    facts: tuple[tuple[str, Value], ...] = ()
    values: tuple[tuple[str, Value], ...] = ()


# ---------------------------------------------------------------- problems


@attrs.frozen(eq=False, slots=True)
class DividesByZero:
    """A division whose divisor is zero."""

    expr: p.Arithmetic


@attrs.frozen(eq=False, slots=True)
class MissingOptional:
    """An optional fact left out that a part which applies reads; or a grade line (which
    every unit is tried on), named by it."""

    subject: p.Subject
    grade: p.Grade | None = None


@attrs.frozen(eq=False, slots=True)
class NoCohortValues:
    """A cohort figure of a fact that no unit of the cohort gives."""

    figure: p.Figure


@attrs.frozen(eq=False, slots=True)
class NoBand:
    """A value that falls in none of a table's bands."""

    rule: p.Table
    traced: Traced


@attrs.frozen(eq=False, slots=True)
class NotOneApplies:
    """A one-of group where the facts make other than one part apply."""

    group: p.Group
    applicable: tuple[str, ...]


@attrs.frozen(eq=False, slots=True)
class NothingToShare:
    """A sum group whose parts all left their points to siblings that do not apply either."""

    group: p.Group


@attrs.frozen(eq=False, slots=True)
class NothingApplies:
    """No part of the rubric applies to these facts."""


@attrs.frozen(eq=False, slots=True)
class TooLong:
    """An exact value with more digits than the rubric's limits let a value hold."""

    where: p.Arithmetic | p.Node  # the expression that made it, or the node it is a score of
    digits: int


@attrs.frozen(eq=False, slots=True)
class Unmet:
    """A `require` line the facts break."""

    requirement: p.Requirement


Reason_: TypeAlias = (
    DividesByZero
    | MissingOptional
    | NoCohortValues
    | NoBand
    | NotOneApplies
    | NothingToShare
    | NothingApplies
    | TooLong
    | Unmet
)


@attrs.frozen(eq=False, slots=True)
class Problem:
    """Facts that pass validation yet cannot be scored, and the facts concerned."""

    what: Reason_
    facts: tuple[str, ...]
