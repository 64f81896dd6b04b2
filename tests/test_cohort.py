"""Rules relative to the other units (issue 9, items 9 and 10): cohort figures, ranks, the
tie-break order, unit fields; the example evaluation against its hand-computed results."""

from __future__ import annotations

import json
import pickle
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rubric
from conftest import ROOT
from rubric._cohort import figures_of, rank_in
from rubric._plan import Need

EXAMPLE = ROOT / "rubrics" / "examples" / "cohort"

HEAD = 'rubric demo "示例" max 10\nfact x: number >= 0 and <= 100 "完成率" unit "%"\n'


def one_rule(rule: str, head: str = HEAD) -> rubric.Rubric:
    return rubric.loads(
        f'{head}indicator q "指标" max 10\n  +10 if a\n  {rule}\nfact a: bool "甲"\n'
    )


def explained(result: rubric.Result, node: str = "q") -> list[str]:
    return [reason.text for reason in result[node].explanation]


# ---------------------------------------------------------------- the figures, at their edges


def test_ranks_share_places_among_equals() -> None:
    values = (60, 60, 90, 100, 120, 120, 150)
    assert [rank_in(values, v, ascending=False) for v in (150, 120, 100, 90, 60)] == [
        1,
        2,
        4,
        5,
        6,
    ]
    assert [rank_in(values, v, ascending=True) for v in (60, 90, 100, 120, 150)] == [1, 3, 4, 5, 7]
    # A unit outside the cohort ranks where it would stand among them.
    assert rank_in(values, 130, ascending=False) == 2
    assert rank_in(values, 10, ascending=False) == 8
    assert rank_in((), 5, ascending=False) == 1


@pytest.mark.parametrize(
    ("count", "share", "reach"),
    [
        (7, Fraction(30, 100), 3),  # 2.1 units, rounded up
        (10, Fraction(20, 100), 2),  # exactly 2
        (10, Fraction(21, 100), 3),  # 2.1 again
        (7, Fraction(1, 100), 1),  # never fewer than 1
        (1, Fraction(50, 100), 1),
        (7, Fraction(1), 7),  # everyone: the lowest
    ],
)
def test_the_top_share_is_the_value_that_share_of_units_reach(
    count: int, share: Fraction, reach: int
) -> None:
    values = list(range(1, count + 1))  # 1 … count: the k-th highest is count - k + 1
    (top,) = figures_of([Need("top", "x", share)], {"x": values})
    assert top == count - reach + 1
    assert sum(1 for v in values if v >= top) >= share * count


def test_median_average_highest_lowest_exactly() -> None:
    needs = [Need(kind, "x") for kind in ("median", "average", "highest", "lowest")]
    assert figures_of(needs, {"x": [3, 1, 2]}) == (2, Fraction(2), 3, 1)
    odd = figures_of(needs, {"x": [Fraction(1, 10), 4, Fraction(3, 10), 2]})
    assert odd == (Fraction(23, 20), Fraction(64, 40), 4, Fraction(1, 10))
    assert figures_of(needs, {"x": []}) == (None, None, None, None)
    assert figures_of([Need("values", "x")], {"x": [3, 1, 2]}) == ((1, 2, 3),)


# ---------------------------------------------------------------- scoring with a cohort

RANKED = (
    'rubric demo "示例" max 20\n'
    'cohort "全省"\n'
    'fact x: number >= 0 and <= 100 "完成率" unit "%"\n'
    'fact n: count "件数" unit "件"\n'
    'fact o: count "选报数" optional\n'
    'require n <= 1000 "件数有误"\n'
    'indicator q "完成率" max 10\n'
    "  points = x / highest of x * 10  # rubric: ignore W404\n"
    'indicator r "件数" max 5\n'
    "  points by rank of n: <= 1 -> 5, <= 3 -> 3, otherwise -> 0\n"
    'indicator s "选报" max 5\n'
    "  +5 if median of o >= 2\n"
)


def test_scoring_one_unit_alone_says_it_needs_the_cohort() -> None:
    r = rubric.loads(RANKED, filename="ranked.rub")
    assert r.compares_units
    with pytest.raises(rubric.CohortError) as caught:
        r.score({"x": 50, "n": 3})
    assert str(caught.value) == (
        "ranked.rub: this rubric compares each unit with the others (rubric lines 8, 10, 12), "
        "so a unit is scored with its cohort: make it once from every unit's facts, cohort = "
        "rubric.cohort([facts, …]), and score each unit with rubric.score(facts, "
        "cohort=cohort); an Evaluation does both itself"
    )
    assert isinstance(caught.value, rubric.RubricError)
    with pytest.raises(rubric.CohortError):
        list(r.score_many([{"x": 50, "n": 3}]))
    other = rubric.loads(RANKED, filename="other.rub")
    with pytest.raises(rubric.CohortError) as wrong:
        r.score({"x": 50, "n": 3}, cohort=other.cohort([{"x": 50, "n": 3}]))
    assert str(wrong.value) == (
        "ranked.rub: this cohort was made by another rubric; make it with this one: "
        "rubric.cohort([facts, …])"
    )
    plain = one_rule("+0 if x > 200  # rubric: ignore W402")
    assert not plain.compares_units
    assert plain.score({"x": 5, "a": True}).total == 10  # no cohort needed


def test_invalid_units_and_missing_optional_facts_are_left_out_of_the_figures() -> None:
    r = rubric.loads(RANKED)
    units = [
        {"x": 80, "n": 5, "o": 1},
        {"x": 60, "n": 9},
        {"x": 101, "n": 1},  # out of its bound: not in the cohort
        {"x": 99, "n": 2000},  # breaks a require line: not in the cohort
        {"x": 40, "n": 9, "o": 4},
    ]
    cohort = r.cohort(units)
    assert cohort.size == 3
    assert cohort.name == "全省"
    assert cohort.figure("highest", "x") == 80
    assert cohort.values("n") == (5, 9, 9)
    assert cohort.figure("median", "o") == Fraction(5, 2)  # of 1 and 4: the unit without o out
    with pytest.raises(KeyError):
        cohort.figure("lowest", "x")
    ranks = [row.scores["r"] for row in r.score_many(units[:2] + units[4:], cohort=cohort)]
    # 9 and 9 share rank 1, so 5 is 3rd: 3 points; 5 points each for the 9s.
    assert [str(v) for v in ranks] == ["3.00", "5.00", "5.00"]
    result = r.score(units[1], cohort=cohort)
    assert explained(result, "q") == [
        "完成率/全省完成率最高值×10 = 7.5（完成率为60.00%，全省完成率最高值为80.00%），得7.5分"
    ]
    assert explained(result, "r") == ["件数排名为第1名（件数为9件），属于“≤ 1”一档，得5分"]
    assert explained(result, "s") == ["全省选报数中位数为2.5，满足“≥ 2”，得5分"]


def test_a_figure_no_unit_gives_is_a_facts_error() -> None:
    r = rubric.loads(RANKED, filename="ranked.rub")
    cohort = r.cohort([{"x": 80, "n": 5}])
    with pytest.raises(rubric.FactsError) as caught:
        r.score({"x": 80, "n": 5}, cohort=cohort)
    assert str(caught.value) == (
        "facts: 1 problem, nothing was scored\n"
        "  全省选报数中位数 cannot be worked out: no unit of the cohort gives 'o' (选报数)"
    )
    # A rank over an empty cohort is 1: nothing is higher.
    empty = r.cohort([])
    assert empty.size == 0 and empty.values("n") == ()


def test_cohorts_and_their_results_pickle_and_are_immutable() -> None:
    r = rubric.loads(RANKED)
    cohort = r.cohort([{"x": 80, "n": 5, "o": 2}, {"x": 60, "n": 9, "o": 3}])
    again = pickle.loads(pickle.dumps(cohort))
    assert again == cohort and again.figures == cohort.figures
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        cohort.size = 3  # type: ignore[misc]
    result = r.score({"x": 60, "n": 9, "o": 3}, cohort=cohort)
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result and copy.cohort == cohort
    assert explained(copy, "q") == explained(result, "q")
    assert result.what_if({"x": 80}).after.total == Fraction(result.total) + Fraction(5, 2)


# ---------------------------------------------------------------- every form, worded

FORMS = (
    'rubric demo "示例" max 30\n'
    'fact x: number >= 0 and <= 100 "完成率" unit "%"\n'
    'fact t: count "用时" unit "天"\n'
    'indicator a "排名" max 10\n'
    "  points = 11 - rank of x, at most 10\n"
    'indicator b "用时" max 10\n'
    "  points by rank of t ascending: <= 2 -> 10, otherwise -> 4\n"
    'indicator c "对标" max 10\n'
    "  start from full marks\n"
    "  -0.5 per 1 of x short of average of x, proportionally\n"
    "  -2 if x < lowest of x + 10\n"
    "  -1 if x < top 20% of x\n"
)


def test_every_figure_is_worded_with_what_it_found() -> None:
    r = rubric.loads(FORMS)
    units = [{"x": v, "t": d} for v, d in ((90, 5), (80, 3), (95, 3), (70, 8), (85, 4))]
    cohort = r.cohort(units)
    result = r.score({"x": 80, "t": 3}, cohort=cohort)
    assert explained(result, "a") == [
        "11-完成率排名 = 7（完成率排名为第4名（完成率为80.00%）），得7分"
    ]
    assert explained(result, "b") == [
        "用时排名（由低到高）为第1名（用时为3天），属于“≤ 2”一档，得10分"
    ]
    assert explained(result, "c") == [
        "起评分为满分10分",
        "完成率 = 80.00%，比全体单位完成率平均值（84.00%）少4.00个百分点，每少1个百分点扣0.5分，"
        "扣2分",
        "完成率为80.00%，全体单位完成率最低值+10为80.00%，不满足“完成率 < 全体单位完成率最低值+10”，"
        "不扣分",
        "完成率为80.00%，全体单位完成率前20%的门槛值为95.00%，满足“完成率 < 全体单位完成率前20%的门槛值”，"
        "扣1分",
    ]
    assert result.total == Fraction(7 + 10 + 7)


# ---------------------------------------------------------------- the checker


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "+1 if x > highest of a",
            "'highest of' needs a count or number fact, found a yes/no condition",
        ),
        ("+1 if x > rank of xx", "unknown name 'xx'"),
        ("+1 if x > top 120% of x", "the top 120% of the units is no share of them"),
        ("+1 if x > top 0% of x", "the top 0% of the units is no share of them"),
    ],
)
def test_the_checker_refuses_figures_it_cannot_take(line: str, message: str) -> None:
    with pytest.raises(rubric.RubricCheckError) as caught:
        one_rule(line)
    assert message in [d.message for d in caught.value.diagnostics]


def test_a_require_line_may_not_read_the_cohort_even_through_a_value() -> None:
    text = (
        HEAD + 'let best "最高" = highest of x\nlet gap = best - x\n'
        'require gap >= 0 "有误"\nindicator q "指标" max 10\n  +10 if x >= best\n'
    )
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text)
    (found,) = caught.value.diagnostics
    assert (found.code, found.line, found.message) == (
        "E242",
        5,
        "a 'require' line reads the value 'gap', which reads a cohort figure",
    )


def test_the_proved_bounds_hold_a_figure_within_its_facts_declaration() -> None:
    r = rubric.loads(FORMS)
    # 11 - rank: a rank is 1 at best, so 10 at most; no facts of one unit reach it alone.
    assert (r.bounds("a").low, r.bounds("a").high) == (0, 10)
    assert not r.bounds("a").high_tight
    # x short of the average: the average lies within 0 … 100 as x does, so at most 50 short.
    assert (r.bounds("c").low, r.bounds("c").high) == (0, 10)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 100), st.integers(0, 30)), max_size=8),
    st.integers(0, 100),
    st.integers(0, 30),
)
def test_forms_score_within_their_bounds_for_any_cohort(
    others: list[tuple[int, int]], x: int, t: int
) -> None:
    r = rubric.loads(FORMS)
    cohort = r.cohort([{"x": a, "t": b} for a, b in others])
    try:
        result = r.score({"x": x, "t": t}, cohort=cohort)
    except rubric.FactsError:
        assert not others  # only figures of an empty cohort cannot be worked out
        return
    for node in result:
        bounds = r.bounds(node.id)
        assert bounds.low is None or bounds.low <= node.exact
        assert bounds.high is None or node.exact <= bounds.high


def test_the_format_keeps_cohort_lines() -> None:
    from rubric.dsl.format import format_text

    text = (
        'rubric demo "示例" max 10\ncohort "全省"\nrank units by total,  then q\n'
        'field 类别: level {市, 县}\nfact x: number >= 0 "完成率"\n'
        'indicator q "指标" max 10\n  +10 if x >= top  20% of x and 类别 = 市\n'
        "  -1 if rank of x   ascending <= 2\n"
    )
    assert format_text(text) == (
        'rubric demo "示例" max 10\ncohort "全省"\nrank units by total, then q\n'
        'field 类别: level {市, 县}\nfact x: number >= 0 "完成率"\n\n'
        'indicator q "指标" max 10\n  +10 if x >= top 20% of x and 类别 = 市\n'
        "  -1 if rank of x ascending <= 2\n"
    )


# ---------------------------------------------------------------- unit fields (item 10)

FIELDED = (
    'rubric demo "示例" max 10\n'
    'field 类别: level {市, 县} "单位类别"\n'
    'fact rate: number >= 0 and <= 100 "达标率" unit "%"\n'
    'indicator q "达标" max 10\n'
    "  +10 if 类别 = 市 and rate >= 95 or 类别 = 县 and rate >= 90\n"
    "  at most 6 if 类别 = 县 and rate < 92\n"
)


def test_a_unit_field_is_given_as_a_fact_and_read_like_a_level() -> None:
    r = rubric.loads(FIELDED)
    (spec,) = [s for s in r.facts if s.name == "类别"]
    assert spec.field and spec.kind == "level" and spec.choices == ("市", "县")
    assert r.score({"类别": "市", "rate": 94}).total == 0
    assert r.score({"类别": "县", "rate": 94}).total == 10
    assert r.score({"类别": "县", "rate": 91}).total == 6
    assert r.score({"类别": "市", "rate": 95}).total == 10


def test_a_missing_unit_field_is_a_facts_error_naming_it() -> None:
    r = rubric.loads(FIELDED)
    with pytest.raises(rubric.FactsError) as caught:
        r.score({"rate": 94})
    assert str(caught.value) == (
        "facts: 1 problem, nothing was scored\n"
        "  类别: missing; expected one of: 市, 县 (单位类别), the unit's field 类别"
    )


def test_an_evaluation_fills_unit_fields_from_the_units_table(tmp_path: Path) -> None:
    r = rubric.loads(FIELDED)
    table = tmp_path / "units.csv"
    table.write_text(
        "编号,单位,类别,达标率\nhf,合肥市,市,94\nsx,宿松县,县,94\nnone,某地,,99\nbad,某县,区,99\n",
        encoding="utf-8",
    )
    evaluation = rubric.Evaluation(r, rubric.load_units(r, table))
    totals = {s.unit.id: str(s.total) for s in evaluation.ranking}
    assert totals == {"sx": "10.00", "hf": "0.00"}
    errors = {e.unit.id: str(e) for e in evaluation.errors}
    assert errors == {
        "none": f"{table} row 4 (某地), 类别: missing; expected one of: 市, 县 (单位类别), "
        "the unit's field 类别",
        "bad": f'{table} row 5 (某县), 类别: expected one of: 市, 县, found the text "区"',
    }


# ---------------------------------------------------------------- the tie-break order


def test_rank_units_by_total_then_nodes_breaks_ties_in_turn() -> None:
    text = (
        'rubric demo "示例" max 10\n{rank}'
        'fact a: count <= 5 "甲"\nfact b: count <= 5 "乙"\n'
        'indicator p "产出" max 5\n  +1 per 1 of a\n'
        'indicator e "效果" max 5\n  +1 per 1 of b\n'
    )
    units = [
        rubric.Unit("u1", facts={"a": 3, "b": 2}),
        rubric.Unit("u2", facts={"a": 2, "b": 3}),
        rubric.Unit("u3", facts={"a": 1, "b": 4}),
        rubric.Unit("u4", facts={"a": 4, "b": 1}),
        rubric.Unit("u5", facts={"a": 4, "b": 1}),
        rubric.Unit("u6", facts={"a": 5, "b": 5}),
    ]

    def ranks(rank: str) -> list[tuple[str, int]]:
        r = rubric.loads(text.format(rank=rank))
        return [(s.unit.id, s.rank) for s in rubric.Evaluation(r, units).ranking]

    assert ranks("") == [("u6", 1), ("u1", 2), ("u2", 2), ("u3", 2), ("u4", 2), ("u5", 2)]
    assert ranks("rank units by total, then e\n") == [
        ("u6", 1), ("u3", 2), ("u2", 3), ("u1", 4), ("u4", 5), ("u5", 5),
    ]  # fmt: skip
    assert rubric.loads(text.format(rank="rank units by total, then e, then p\n")).tie_break == (
        "e",
        "p",
    )


# ---------------------------------------------------------------- the example evaluation


def test_the_example_evaluation_gives_the_hand_computed_results() -> None:
    expected = json.loads((EXAMPLE / "expected.json").read_text(encoding="utf-8"))
    r = rubric.load(EXAMPLE / "ranking.rub")
    assert r.warnings == ()
    evaluation = rubric.Evaluation(r, rubric.load_units(r, EXAMPLE / "units.csv"))
    cohort = evaluation.cohort
    assert cohort is not None
    figures = expected["cohort"]
    assert cohort.size == figures["size"]
    assert cohort.figure("highest", "rate") == Fraction(figures["highest of rate"])
    assert cohort.figure("average", "satisfaction") == Fraction(figures["average of satisfaction"])
    assert cohort.figure("top", "satisfaction", 30) == Fraction(figures["top 30% of satisfaction"])
    errors = {e.unit.id: str(e) for e in evaluation.errors}
    assert errors == {
        unit: text.replace("rubrics/examples/cohort/", f"{EXAMPLE}/")
        for unit, text in expected["errors"].items()
    }
    found = []
    for standing in evaluation.ranking:
        scores = {node.id: str(node.score) for node in standing.result if node.id != r.id}
        found.append(
            {
                "unit": standing.unit.id,
                "rank": standing.rank,
                "category_rank": standing.category_rank,
                "total": str(standing.total),
                "grade": standing.grade,
                "nodes": scores,
            }
        )
    assert found == expected["ranking"]


def test_the_reports_say_how_equal_totals_are_ordered_and_name_the_figures(
    tmp_path: Path,
) -> None:
    r = rubric.load(EXAMPLE / "ranking.rub")
    evaluation = rubric.Evaluation(r, rubric.load_units(r, EXAMPLE / "units.csv"))
    written = rubric.write_report(evaluation, tmp_path, unit_reports=False)
    (summary,) = [path for path in written if path.name == "总报告.md"]
    text = summary.read_text(encoding="utf-8")
    ties = "总分相同的按“效果”得分、再按“产出”得分从高到低排列，仍相同的名次相同"
    assert f"名次按总分从高到低排列，{ties}，其后的名次顺延（如1、2、2、4）" in text
    assert f"排名：按总分从高到低，{ties}，其后名次顺延（1、2、2、4）" in text
    data = json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))
    bengbu = next(unit for unit in data["units"] if unit["id"] == "bengbu")
    rate = bengbu["result"]["children"][0]["children"][0]
    assert rate["explanation"][0]["text"] == (
        "任务完成率/全省任务完成率最高值×10 ≈ 9.54（任务完成率为94.00%，全省任务完成率最高值为"
        "98.50%），得约9.54分"
    )


def test_the_evaluation_json_holds_the_cohort_figures_exactly() -> None:
    r = rubric.load(EXAMPLE / "ranking.rub")
    evaluation = rubric.Evaluation(r, rubric.load_units(r, EXAMPLE / "units.csv"))
    assert evaluation.to_dict()["cohort"] == {
        "name": "全省",
        "units": 7,
        "figures": [
            {"figure": "highest", "fact": "rate", "value": "98.5"},
            {
                "figure": "values",
                "fact": "cases",
                "values": ["60", "60", "90", "100", "120", "120", "150"],
            },
            {"figure": "average", "fact": "satisfaction", "value": "625/7"},
            {"figure": "top", "fact": "satisfaction", "share": "30", "value": "91"},
        ],
    }
    plain = rubric.loads(FIELDED)
    assert "cohort" not in rubric.Evaluation(plain, []).to_dict()
