"""Pickling compiled rubrics and results, and scoring batches of units into rows."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal

import pytest

import rubric
from anhui_strategies import BASE_GOOD, anhui_boundary_cases


def test_a_rubric_pickles_small_and_scores_alike(anhui: rubric.Rubric) -> None:
    data = pickle.dumps(anhui)
    assert len(data) < 16_000
    again = pickle.loads(data)
    # In the process that compiled it, the same object comes back.
    assert again is anhui
    for facts in anhui_boundary_cases():
        assert again.score(facts) == anhui.score(facts)


def test_a_result_pickles_with_its_numbers_and_explains_alike(anhui: rubric.Rubric) -> None:
    result = anhui.score(BASE_GOOD)
    again = pickle.loads(pickle.dumps(result))
    assert again == result
    assert again.total == result.total and again.grade == result.grade
    assert again.to_dict() == result.to_dict()


def test_rows_hold_every_score_or_the_error(anhui: rubric.Rubric) -> None:
    bad = {**BASE_GOOD, "households_targeted": 0}
    rows = anhui.score_batch([("甲", BASE_GOOD), ("乙", bad), ("丙", BASE_GOOD)])
    assert [(row.unit, row.ok) for row in rows] == [("甲", True), ("乙", False), ("丙", True)]
    result = anhui.score(BASE_GOOD)
    assert rows[0].scores == {node.id: node.score for node in result}
    assert rows[0].total == result.total and rows[0].grade == result.grade
    assert rows[1].error == (
        "facts: 1 problem, nothing was scored\n  households_targeted: must be ≥ 1, found 0"
    )
    assert rows[1].total is None and rows[1].scores == {}
    assert rows[1].as_dict()["anhui_2019"] is None
    assert rows[2].as_dict()["output.delivery.coverage"] == "9.00"


def test_units_without_ids_are_named_by_position(anhui: rubric.Rubric) -> None:
    rows = list(anhui.score_many(iter([BASE_GOOD, BASE_GOOD])))
    assert [row.unit for row in rows] == ["0", "1"]
    assert rows[0].as_dict()["total"] == "100.00"


def test_rows_match_results_on_every_node(anhui: rubric.Rubric) -> None:
    cases = anhui_boundary_cases()
    for facts, row in zip(cases, anhui.score_many(cases), strict=True):
        result = anhui.score(facts)
        assert row.scores == {node.id: node.score for node in result}
        assert row.total == Decimal(row.as_dict()["total"] or "")


def test_a_process_pool_scores_as_one_process_does(anhui: rubric.Rubric) -> None:
    cases = anhui_boundary_cases()
    chunks = [list(enumerate(cases))[i::3] for i in range(3)]
    chunks = [[(str(i), facts) for i, facts in chunk] for chunk in chunks]
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = [row for rows in pool.map(anhui.score_batch, chunks) for row in rows]
    serial = [row for chunk in chunks for row in anhui.score_batch(chunk)]
    assert [row.as_dict() for row in pooled] == [row.as_dict() for row in serial]


def test_a_batch_reads_as_its_rows_and_pickles_as_columns(anhui: rubric.Rubric) -> None:
    bad = {**BASE_GOOD, "households_targeted": 0}
    units = [("甲", BASE_GOOD), ("乙", bad), ("丙", BASE_GOOD)]
    batch = anhui.score_batch(units)
    rows = list(anhui.score_many(units))
    assert len(batch) == 3 and batch == rows and list(batch) == rows
    assert batch[1] == rows[1] and batch[-1] == rows[2]
    assert batch[1:] == rows[1:] and isinstance(batch[1:], rubric.Batch)
    assert batch != rows[:2] and batch != rows[::-1]
    assert repr(batch) == "<Batch of 3 rows, 1 with errors>"
    again = pickle.loads(pickle.dumps(batch))
    assert again == batch and again.units == ("甲", "乙", "丙")
    # Columns, not rows: the pickle names no Row at all.
    assert b"Row" not in pickle.dumps(batch)


def test_a_pickled_batch_carries_its_scores_as_one_array_and_reads_alike(
    anhui: rubric.Rubric,
) -> None:
    bad = {**BASE_GOOD, "households_targeted": 0}
    cases = anhui_boundary_cases()[:5]
    units = [("甲", cases[0]), ("乙", bad), *((str(i), f) for i, f in enumerate(cases[1:]))]
    batch = anhui.score_batch(units)
    data = pickle.dumps(batch)
    # Machine integers, not an object for each score.
    assert b"array" in data
    again = pickle.loads(data)
    assert again == batch and list(again) == list(batch)
    assert [again[i] for i in range(-len(batch), len(batch))] == [
        batch[i] for i in range(-len(batch), len(batch))
    ]
    assert again[1].error == batch[1].error and again[1].scores == {}
    assert again[2:4] == batch[2:4] and again[::-2] == batch[::-2]
    assert [row.as_dict() for row in again] == [row.as_dict() for row in batch]
    assert pickle.loads(pickle.dumps(again)) == batch
    for index in (len(batch), -len(batch) - 1):
        with pytest.raises(IndexError):
            again[index]


def test_a_batch_whose_scores_pass_a_machine_integer_pickles_them_as_they_are() -> None:
    huge = 10**20  # scaled by the 2 places, past 64 bits
    big = rubric.loads(
        f'rubric r "题" max {huge}\nfact b: bool "甲"\n'
        f'indicator i "项" max {huge}\n  +{huge} if b\n'
    )
    batch = big.score_batch([("甲", {"b": True}), ("乙", {"b": 1}), ("丙", {"b": False})])
    data = pickle.dumps(batch)
    assert b"array" not in data
    again = pickle.loads(data)
    assert again == batch
    assert again[0].as_dict()["total"] == f"{huge}.00" and not again[1].ok
