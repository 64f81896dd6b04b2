"""Batches: many units' scores as compact rows, held as columns to pickle cheaply.

What `Rubric.score_many` yields and `Rubric.score_batch` returns, and what a process pool's
workers send back. Imported when first used: software that scores one unit at a time never
makes these classes.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeAlias, overload

import attrs

from rubric._numbers import fixed, scaled_text

__all__ = ["Batch", "Row"]


@attrs.frozen
class Row:
    """One unit of a batch, compact: its id, grade and every node's score, or its error."""

    unit: str
    grade: str | None
    error: str | None  # the facts error that kept the unit from being scored, or None
    # Each node's exact score in the rubric's node order (`Rubric.ids`), held as results hold
    # them; () for a unit with an error.
    _scores: tuple[int | Fraction, ...] = attrs.field(alias="scores", repr=False)
    ids: tuple[str, ...] = attrs.field(repr=False)
    places: int = attrs.field(repr=False)
    mode: str = attrs.field(repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rows cross process boundaries by the thousand: as the arguments that make them.
        fields = (self.unit, self.grade, self.error, self._scores, self.ids, self.places)
        return Row, (*fields, self.mode)

    def __repr__(self) -> str:
        if self.error is not None:
            return f"<Row {self.unit}: error>"
        return f"<Row {self.unit}: total {self.texts()[0]}, grade {self.grade}>"

    @property
    def ok(self) -> bool:
        """Whether the unit was scored."""
        return self.error is None

    @property
    def total(self) -> Decimal | None:
        """The total as reported, or None for a unit with an error."""
        return Decimal(self.texts()[0]) if self._scores else None

    @property
    def scores(self) -> dict[str, Decimal]:
        """Every node's score as reported, by id, the root first; {} for a unit with an error."""
        return {node: Decimal(text) for node, text in zip(self.ids, self.texts(), strict=False)}

    def texts(self) -> tuple[str, ...]:
        """Every node's score as decimal text with the rubric's places: '85.50'."""
        places, mode = self.places, self.mode
        return tuple(
            scaled_text(v, places) if v.__class__ is int else fixed(v, places, mode)  # type: ignore[arg-type]
            for v in self._scores
        )

    def as_dict(self) -> dict[str, str | None]:
        """The row as texts, for tables and data frames: unit, total, grade, error, each node."""
        texts = self.texts()
        data: dict[str, str | None] = {
            "unit": self.unit,
            "total": texts[0] if texts else None,
            "grade": self.grade,
            "error": self.error,
        }
        data.update(zip(self.ids, texts or (None,) * len(self.ids), strict=True))
        return data


Scores: TypeAlias = tuple[int | Fraction, ...]


@attrs.frozen
class _Packed(Sequence[Scores]):
    """A batch's scores in one array of machine integers, as a pickled batch carries them."""

    # Every row's scores one after another; row i's are data[at[i]:at[i + 1]] (none for a row
    # with an error).
    data: array[int]
    at: array[int]

    def __len__(self) -> int:
        return len(self.at) - 1

    @overload
    def __getitem__(self, index: int) -> Scores: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Scores]: ...

    def __getitem__(self, index: int | slice) -> Scores | Sequence[Scores]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        size = len(self)
        row = index + size if index < 0 else index
        if not 0 <= row < size:
            raise IndexError("batch index out of range")
        return tuple(self.data[self.at[row] : self.at[row + 1]])

    def __iter__(self) -> Iterator[Scores]:
        data, at = self.data, self.at
        for i in range(len(at) - 1):
            yield tuple(data[at[i] : at[i + 1]])


def _packed(scores: Sequence[Scores]) -> Sequence[Scores]:
    """Scores as one array when every one is an integer that fits a machine word: a pool's
    parent then loads a batch without making an object for each score, nor collecting them."""
    if not isinstance(scores, tuple):
        return scores
    data, at = array("q"), array("q", [0])
    try:
        for row in scores:
            data.fromlist(list(row))
            at.append(len(data))
    except (TypeError, OverflowError):  # a Fraction, or an integer past 64 bits
        return scores
    return _Packed(data, at)


@attrs.frozen(eq=False)
class Batch(Sequence[Row]):
    """A batch's rows held as columns: rows to read, a few tuples and an array to pickle."""

    units: tuple[str, ...]
    grades: tuple[str | None, ...]
    errors: tuple[str | None, ...]
    # Each row's scores: a tuple of them, or the array a pickled batch carries.
    _scores: Sequence[Scores] = attrs.field(alias="scores", repr=False)
    ids: tuple[str, ...] = attrs.field(repr=False)
    places: int = attrs.field(repr=False)
    mode: str = attrs.field(repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # What a pool's worker sends back: tuples of strings and an array of integers, which
        # pickle and load far faster than as many Row objects (the parent's share of a pooled
        # batch); a row's tuple of scores is made again when the row is read.
        scores = _packed(self._scores)
        fields = (self.units, self.grades, self.errors, scores, self.ids, self.places)
        return Batch, (*fields, self.mode)

    def __len__(self) -> int:
        return len(self.units)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Batch: ...

    def __getitem__(self, index: int | slice) -> Row | Batch:
        if isinstance(index, slice):
            return Batch(
                self.units[index],
                self.grades[index],
                self.errors[index],
                self._scores[index],
                self.ids,
                self.places,
                self.mode,
            )
        return Row(
            self.units[index],
            self.grades[index],
            self.errors[index],
            self._scores[index],
            self.ids,
            self.places,
            self.mode,
        )

    def __iter__(self) -> Iterator[Row]:
        ids, places, mode = self.ids, self.places, self.mode
        for unit, grade, error, scores in zip(
            self.units, self.grades, self.errors, self._scores, strict=True
        ):
            yield Row(unit, grade, error, scores, ids, places, mode)

    def __eq__(self, other: object) -> bool:
        """Equal to another batch or any sequence of the same rows, in order."""
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which do not hash

    def __repr__(self) -> str:
        errors = sum(error is not None for error in self.errors)
        return f"<Batch of {len(self)} rows, {errors} with errors>"
