"""Scoring on a local Dask cluster of two worker processes gives what serial scoring gives."""

from __future__ import annotations

import random

import pytest

import rubric
from anhui_strategies import anhui_boundary_cases

distributed = pytest.importorskip("distributed", reason="pip install 'rubric[dask]'")
dask = pytest.importorskip("dask")
dask_bag = pytest.importorskip("dask.bag")
dask_dataframe = pytest.importorskip("dask.dataframe")
pandas = pytest.importorskip("pandas")

import rubric.dask  # noqa: E402 - after the skip: it imports Dask


def units(n: int, seed: int = 7) -> list[tuple[str, dict[str, object]]]:
    """n Anhui units: the boundary cases, varied by a seeded random, some of them invalid."""
    rng = random.Random(seed)
    cases = anhui_boundary_cases()
    found = []
    for i in range(n):
        facts = dict(rng.choice(cases))
        facts["households_aided"] = rng.randint(0, 2 * int(facts["households_targeted"]))  # type: ignore[call-overload]
        facts["noncompliant_households"] = rng.choice([0, 1, 5, 90, 10**20])
        facts["media_coverage"] = rng.choice(["none", "provincial", "national"])
        if i % 97 == 0:
            facts["households_targeted"] = 0  # an invalid unit: a row with its error
        found.append((f"单位{i:05d}", facts))
    return found


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_a_bag_of_5000_units_scores_as_serial_scoring_does(
    anhui: rubric.Rubric, client: object
) -> None:
    given = units(5000)
    bag = dask_bag.from_sequence(given, npartitions=8)
    rows = rubric.dask.score(anhui, bag).compute()
    serial = [row.as_dict() for row in anhui.score_many(given)]
    assert rows == serial
    assert sum(row["error"] is not None for row in rows) == 52
    assert all(isinstance(value, str | None) for row in rows for value in row.values())


def test_a_data_frame_scores_as_serial_scoring_does(anhui: rubric.Rubric, client: object) -> None:
    given = units(600, seed=3)
    frame = pandas.DataFrame([{"unit": name, **facts} for name, facts in given])
    # Set facts are lists in their cells: Dask must keep object columns as they are.
    with dask.config.set({"dataframe.convert-string": False}):
        units_frame = dask_dataframe.from_pandas(frame, npartitions=4)
        scored = rubric.dask.score(anhui, units_frame).compute()
    assert list(scored.columns) == rubric.dask.columns(anhui)
    serial = [row.as_dict() for row in anhui.score_many(given)]
    assert scored.to_dict("records") == serial


def test_other_collections_are_refused(anhui: rubric.Rubric) -> None:
    with pytest.raises(TypeError, match="expected a Dask DataFrame or Bag of units, found list"):
        rubric.dask.score(anhui, [])
