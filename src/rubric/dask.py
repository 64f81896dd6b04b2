"""Scoring on a Dask cluster: a data frame or a bag of units, partition by partition.

Install with `pip install 'rubric[dask]'`. Dask schedules; each partition is scored in its
worker with `Rubric.score_many`, which pickles the compiled rubric (a few KB) once per task.
A unit whose facts are invalid becomes a row with its error; numbers come back as decimal
texts ("85.50"), exact, never floats.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from rubric._rubric import Rubric, UnitFacts

if TYPE_CHECKING:
    import pandas

__all__ = ["columns", "score"]

_Collection = TypeVar("_Collection")


def columns(rubric: Rubric) -> list[str]:
    """The columns of the rows `score` gives: unit, total, grade, error, then every node's id."""
    return ["unit", "total", "grade", "error", *rubric.ids]


def score(rubric: Rubric, units: _Collection, *, id_column: str | None = "unit") -> _Collection:
    """Score a Dask DataFrame or Bag of units, lazily; compute the result as any Dask collection.

    - A DataFrame holds a unit per row and a fact per column; `id_column` (if the frame has it)
      names the unit, else the row's index does. A missing cell (None, NaN) is a missing fact.
      A set fact is a list in its cell: build such frames with Dask's
      `dataframe.convert-string` set to False, so that object columns stay as they are.
      The result is a DataFrame with the columns of `columns(rubric)`, every value a text.
    - A Bag holds a unit per item: a mapping of facts, or an (id, facts) pair. The result is a
      Bag of dicts with the same keys.
    """
    try:
        import dask.bag
        import dask.dataframe
    except ImportError as exc:  # pragma: no cover - the extra is installed where it is used
        raise ImportError(
            "rubric.dask needs Dask: install it with pip install 'rubric[dask]'"
        ) from exc
    # Dask's collections are typed loosely; what comes back is a collection of the same kind.
    collection: Any = units
    if isinstance(units, dask.bag.Bag):
        return collection.map_partitions(_score_items, rubric)  # type: ignore[no-any-return]
    if isinstance(units, dask.dataframe.DataFrame):
        import pandas

        meta = pandas.DataFrame({name: pandas.Series(dtype=object) for name in columns(rubric)})
        return collection.map_partitions(  # type: ignore[no-any-return]
            _score_frame, rubric, id_column, meta=meta
        )
    raise TypeError(f"expected a Dask DataFrame or Bag of units, found {type(units).__name__}")


def _score_items(items: Iterable[UnitFacts], rubric: Rubric) -> list[dict[str, str | None]]:
    return [row.as_dict() for row in rubric.score_many(items)]


def _score_frame(frame: pandas.DataFrame, rubric: Rubric, id_column: str | None) -> Any:
    import pandas

    rows = [row.as_dict() for row in rubric.score_many(_units(frame, id_column))]
    return pandas.DataFrame(rows, columns=columns(rubric), dtype=object, index=frame.index)


def _units(frame: pandas.DataFrame, id_column: str | None) -> Iterator[UnitFacts]:
    keyed = id_column is not None and id_column in frame.columns
    names = [str(c) for c in frame.columns]
    for index, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = [_native(value) for value in values]
        facts = {
            name: value
            for name, value in zip(names, cells, strict=True)
            if not (keyed and name == id_column) and not _missing(value)
        }
        unit = cells[names.index(id_column)] if keyed else _native(index)  # type: ignore[arg-type]
        yield str(unit), facts


def _missing(value: object) -> bool:
    """Whether a cell is empty: None, NaN, or pandas' NA and NaT."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def _native(value: object) -> object:
    """A cell as the Python value it stands for: numpy scalars and arrays become plain ones."""
    if type(value).__module__ == "numpy":
        return value.tolist()  # type: ignore[attr-defined]
    return value
