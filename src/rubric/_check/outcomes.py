"""How a node's score follows from its children's, on known numbers: the scorer's arithmetic,
mirrored, for the facts the bounds analysis proposes."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Literal, assert_never

import attrs

from rubric._check.clauses import Policy
from rubric._check.intervals import ZERO
from rubric._check.tree import Mode

__all__ = ["Outcome", "Unscorable", "combine", "fit", "rescaled", "skipped", "sum_within"]


@attrs.frozen
class Outcome:
    """A node's result on some facts: its score, the max it counts for, whether it applies."""

    exact: Fraction
    counted: Fraction
    whole: bool
    applicable: bool
    policy: Policy | None
    max_points: Fraction

    @property
    def share(self) -> Fraction | None:
        return self.exact / self.counted if self.counted else None


class Unscorable(Exception):  # noqa: N818 (a signal, not an error a user sees)
    """These facts make the scorer stop with an error: no score to compare."""


def fit(value: Fraction, top: int) -> Fraction:
    """value, if it stays below top above and below the line, as the scorer holds every exact
    value (Limits.exact_digits); else the scorer stops on these facts."""
    if -top < value.numerator < top and value.denominator < top:
        return value
    raise Unscorable


def sum_within(values: Iterable[Fraction], top: int) -> Fraction:
    """A sum, each partial sum within top: never a number far past it."""
    found = ZERO
    for value in values:
        found = fit(found + value, top)
    return found


def skipped(max_points: Fraction, policy: Policy | None) -> Outcome:
    """A node that does not apply: its max under full marks, else nothing."""
    full = policy == "full marks"
    points = max_points if full else ZERO
    return Outcome(points, points, full, False, policy, max_points)


def combine(
    way: Mode | Literal["sum", "extra"],
    max_points: Fraction,
    cap: Fraction | None,
    kids: list[Outcome],
    top: int,
    weights: tuple[Fraction, ...] | None = None,
) -> tuple[Fraction, Fraction]:
    """A group's score from its children's, and the max it counts for; as the scorer does,
    every value within top."""
    match way:
        case "sum":
            return _sum(kids, top)
        case "extra":
            found = sum_within((k.exact for k in kids), top)
            if cap is not None:
                found = max(-cap, min(cap, found))
            return found, ZERO
        case "scaled":
            counted = [k for k in kids if k.counted]
            if not counted:
                return ZERO, ZERO
            got = sum_within((k.exact for k in counted), top)
            out_of = sum_within((k.counted for k in counted), top)
            return fit(fit(got * max_points, top) / out_of, top), max_points
        case "weighted":
            assert weights is not None
            pairs = [(k, w) for k, w in zip(kids, weights, strict=True) if k.counted]
            if not pairs:
                return ZERO, ZERO
            rate = sum_within((fit(k.exact / k.counted * w, top) for k, w in pairs), top)
            weight = sum_within((w for _, w in pairs), top)
            return fit(fit(rate / weight, top) * max_points, top), max_points
        case "best of":
            counted = [k for k in kids if k.counted]
            if not counted:
                return ZERO, ZERO
            return fit(max(k.exact / k.counted for k in counted) * max_points, top), max_points
        case "one of":
            chosen = [k for k in kids if k.applicable]
            if len(chosen) != 1 or not chosen[0].counted:
                raise Unscorable
            return fit(chosen[0].exact / chosen[0].counted * max_points, top), max_points
        case _:
            assert_never(way)


def _sum(kids: list[Outcome], top: int) -> tuple[Fraction, Fraction]:
    found = sum_within((k.exact for k in kids), top)
    if all(k.whole for k in kids):
        return found, sum_within((k.max_points for k in kids), top)
    counted = sum_within((k.counted for k in kids), top)
    shared = [k for k in kids if k.policy == "redistribute to siblings" and not k.applicable]
    if not shared:
        return found, counted
    if not counted:
        raise Unscorable
    target = fit(counted + sum_within((k.max_points for k in shared), top), top)
    return fit(fit(found * target, top) / counted, top), target


def rescaled(found: Fraction, counted: Fraction, full: Fraction, top: int) -> Fraction:
    """The total once parts left out with 'rescale the total' are taken away."""
    if counted == full:
        return found
    if not counted:
        raise Unscorable
    return fit(fit(found * full, top) / counted, top)
