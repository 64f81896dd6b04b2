"""How a node's score follows from its children's, on known numbers: the scorer's arithmetic,
mirrored, for the facts the bounds analysis proposes."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal, assert_never

import attrs

from rubric._check.clauses import Policy
from rubric._check.tree import Mode

__all__ = ["Outcome", "combine", "skipped"]

ZERO = Fraction(0)


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
    weights: tuple[Fraction, ...] | None = None,
) -> tuple[Fraction, Fraction]:
    """A group's score from its children's, and the max it counts for; as the scorer does."""
    match way:
        case "sum":
            return _sum(kids)
        case "extra":
            total = sum((k.exact for k in kids), ZERO)
            if cap is not None:
                total = max(-cap, min(cap, total))
            return total, ZERO
        case "scaled":
            counted = [k for k in kids if k.counted]
            if not counted:
                return ZERO, ZERO
            got = sum((k.exact for k in counted), ZERO)
            return got * max_points / sum((k.counted for k in counted), ZERO), max_points
        case "weighted":
            assert weights is not None
            pairs = [(k, w) for k, w in zip(kids, weights, strict=True) if k.counted]
            if not pairs:
                return ZERO, ZERO
            rate = sum((k.exact / k.counted * w for k, w in pairs), ZERO)
            return rate / sum((w for _, w in pairs), ZERO) * max_points, max_points
        case "best of":
            counted = [k for k in kids if k.counted]
            if not counted:
                return ZERO, ZERO
            return max(k.exact / k.counted for k in counted) * max_points, max_points
        case "one of":
            chosen = [k for k in kids if k.applicable]
            if len(chosen) != 1 or not chosen[0].counted:
                raise Unscorable
            return chosen[0].exact / chosen[0].counted * max_points, max_points
        case _:
            assert_never(way)


def _sum(kids: list[Outcome]) -> tuple[Fraction, Fraction]:
    total = sum((k.exact for k in kids), ZERO)
    if all(k.whole for k in kids):
        return total, sum((k.max_points for k in kids), ZERO)
    counted = sum((k.counted for k in kids), ZERO)
    shared = [k for k in kids if k.policy == "redistribute to siblings" and not k.applicable]
    if not shared:
        return total, counted
    if not counted:
        raise Unscorable
    target = counted + sum((k.max_points for k in shared), ZERO)
    return total * target / counted, target


def rescaled(total: Fraction, counted: Fraction, full: Fraction) -> Fraction:
    """The total once parts left out with 'rescale the total' are taken away."""
    if counted == full:
        return total
    if not counted:
        raise Unscorable
    return total * full / counted
