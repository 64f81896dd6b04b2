"""Cohorts: the units a rubric compares each unit with, and their figures, exact and made once."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from rubric._i18n import _
from rubric.errors import CohortError

if TYPE_CHECKING:
    from rubric import _plan as p

__all__ = ["Cohort", "CohortError", "CohortFigures", "figures_of", "rank_in"]

# What a cohort holds for each figure a rubric reads: a fact's values, lowest first (for ranks),
# or one number; None where no unit of the cohort has the fact.
Held: TypeAlias = tuple[int | Fraction, ...] | int | Fraction | None
CohortFigures: TypeAlias = tuple[Held, ...]


@attrs.frozen
class Cohort:
    """The figures of the units a rubric's cohort rules compare each unit with.

    Made by `Rubric.cohort` from every unit's facts, once: each figure exact (a Fraction, or an
    int for a count), the units whose facts are invalid left out, and so are units that do not
    give an optional fact from that fact's figures. Immutable, picklable, safe to share.
    """

    # The rubric it was made for, by digest: figures line up with that rubric's rules only.
    digest: str = attrs.field(repr=False)
    name: str
    size: int  # how many units it holds: the units whose facts are valid
    _needs: tuple[p.Need, ...] = attrs.field(alias="needs", repr=False)
    _figures: CohortFigures = attrs.field(alias="figures", repr=False)

    @property
    def figures(self) -> CohortFigures:
        """Every figure, in the order the rubric's rules first read them."""
        return self._figures

    def values(self, fact: str) -> tuple[int | Fraction, ...]:
        """The values of a fact that a rank reads, lowest first; KeyError if no rule ranks by it."""
        for need, held in zip(self._needs, self._figures, strict=True):
            if need.kind == "values" and need.fact == fact:
                assert isinstance(held, tuple)
                return held
        raise KeyError(_("no rule of the rubric ranks by {fact!r}", fact=fact))

    def figure(
        self,
        kind: Literal["highest", "lowest", "average", "median", "top"],
        fact: str,
        share: int | Fraction | None = None,
    ) -> int | Fraction | None:
        """One figure, as `cohort.figure("top", "rate", 20)` (share in percent); None where no
        unit of the cohort has the fact. KeyError for a figure no rule of the rubric reads."""
        wanted = Fraction(share) / 100 if share is not None else None
        for need, held in zip(self._needs, self._figures, strict=True):
            if need.kind == kind and need.fact == fact and need.share == wanted:
                assert not isinstance(held, tuple)
                return held
        raise KeyError(
            _("no rule of the rubric reads the {kind} of {fact!r}", kind=kind, fact=fact)
        )

    def to_dict(self) -> dict[str, object]:
        """The cohort as JSON-ready data: its name, size and each figure, exact ('625/7')."""
        from rubric._wording import exact_text

        figures: list[dict[str, object]] = []
        for need, held in zip(self._needs, self._figures, strict=True):
            entry: dict[str, object] = {
                "figure": need.kind,
                "fact": need.fact,
            }
            if need.share is not None:
                entry["share"] = exact_text(need.share * 100)
            if isinstance(held, tuple):
                entry["values"] = [exact_text(Fraction(v)) for v in held]
            else:
                entry["value"] = None if held is None else exact_text(Fraction(held))
            figures.append(entry)
        return {"name": self.name, "units": self.size, "figures": figures}


def figures_of(
    needs: Iterable[p.Need], columns: Mapping[str, list[int | Fraction]]
) -> CohortFigures:
    """Each figure from the values of each fact across the units (in any order)."""
    ordered = {fact: sorted(values) for fact, values in columns.items()}
    found: list[Held] = []
    for need in needs:
        values = ordered.get(need.fact, [])
        if need.kind == "values":
            found.append(tuple(values))
        elif not values:
            found.append(None)
        else:
            found.append(_one(need, values))
    return tuple(found)


def _one(need: p.Need, values: list[int | Fraction]) -> int | Fraction:
    """One figure of values sorted lowest first, of which there is at least one."""
    count = len(values)
    match need.kind:
        case "highest":
            return values[-1]
        case "lowest":
            return values[0]
        case "average":
            return Fraction(sum(values, Fraction(0))) / count
        case "median":
            middle = count // 2
            if count % 2:
                return Fraction(values[middle])
            return (Fraction(values[middle - 1]) + values[middle]) / 2
        case "top":
            # The value the top share of the units reach: the k-th highest, k the share of
            # the units rounded up (and at least 1), so that at least that share reach it.
            assert need.share is not None
            reach = max(1, math.ceil(need.share * count))
            return values[count - reach]
        case "values":
            raise AssertionError("values are held as they are")


def rank_in(values: tuple[int | Fraction, ...], own: int | Fraction, *, ascending: bool) -> int:
    """A value's rank among values (lowest first): 1 + how many are higher (lower, ascending).

    Equal values share a rank, as in competitions: 1, 2, 2, 4.
    """
    if ascending:
        return 1 + bisect.bisect_left(values, own)
    return 1 + len(values) - bisect.bisect_right(values, own)
