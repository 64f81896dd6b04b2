"""What-if: a unit scored again with some facts changed, and what moved, node by node."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rubric
from anhui_strategies import BASE_GOOD, BOOL_FACTS, anhui_facts

GOOD = dict(BASE_GOOD, households_aided=39, households_targeted=40)

NA = """\
rubric na_demo "不适用示例"
fact built: bool "本年度有在建工程"
fact accidents: count "施工安全事故" unit "起" optional
fact progress: number >= 0 and <= 20 "建设进度得分" unit "分"

group build "项目建设" max 30
indicator build.progress "建设进度" max 20
  points = progress
indicator build.safety "施工安全" max 10
  not applicable if not built, redistribute to siblings
  start from full marks
  -5 per 1 of accidents
"""


@pytest.fixture
def good(anhui: rubric.Rubric) -> rubric.Result:
    return anhui.score(GOOD)


def test_what_moved_node_by_node(good: rubric.Result) -> None:
    what = good.what_if({"households_aided": 20, "media_coverage": "none", "continued_care": False})
    assert what.before is good
    assert what.after == good._rubric.score(
        dict(GOOD, households_aided=20, media_coverage="none", continued_care=False)
    )
    # In the rubric's order of facts, not the order given.
    assert what.facts == (
        rubric.FactChange("households_aided", 39, 20),
        rubric.FactChange("continued_care", True, False),
        rubric.FactChange("media_coverage", "national", "none"),
    )
    moved = [(n.id, n.kind, n.before, n.after, n.difference) for n in what.nodes]
    assert moved == [
        ("anhui_2019", "group", Decimal("98.75"), Decimal("86.00"), Decimal("-12.75")),
        ("output", "group", Decimal("23.75"), Decimal("16.00"), Decimal("-7.75")),
        ("output.delivery", "group", Decimal("23.75"), Decimal("16.00"), Decimal("-7.75")),
        (
            "output.delivery.coverage",
            "indicator",
            Decimal("7.75"),
            Decimal("0.00"),
            Decimal("-7.75"),
        ),
        ("effect", "group", Decimal("25.00"), Decimal("20.00"), Decimal("-5.00")),
        ("effect.benefit", "group", Decimal("25.00"), Decimal("20.00"), Decimal("-5.00")),
        (
            "effect.benefit.sustainability",
            "indicator",
            Decimal("6.00"),
            Decimal("1.00"),
            Decimal("-5.00"),
        ),
    ]
    reasons = {n.id: [(r.kind, r.points, r.text) for r in n.reasons] for n in what.nodes}
    assert reasons["output.delivery.coverage"] == [
        (
            "per",
            Fraction(-25),
            "实际帮扶户数/帮扶目标任务数 = 50.00%，比100%少50.00个百分点，每少1个百分点扣0.5分，扣25分",
        ),
        ("clamp", Fraction(16), "各项合计扣16分，低于0分，按0分计"),
    ]
    # The entries that stayed as they were (the start, the recognition that is left) are not
    # repeated.
    assert reasons["effect.benefit.sustainability"] == [
        ("when", Fraction(0), "继续关心关爱脱困职工，作为送温暖重点对象：否，未得3分"),
        ("table", Fraction(0), "媒体报道：无，不得分"),
    ]
    assert reasons["output"] == reasons["anhui_2019"] == []
    assert all(n.applicable_before and n.applicable_after for n in what.nodes)
    assert what.total == (Decimal("98.75"), Decimal("86.00"))
    assert what.grade == ("优秀", "优秀")


def test_the_text_says_what_moved_and_why(good: rubric.Result) -> None:
    what = good.what_if({"households_aided": 20, "complies_with_policy": False})
    assert what.text() == (
        "假如改变以下事实：\n"
        "  项目符合国家相关法律法规规定，落实省委省政府和全总工作部署：是 → 否\n"
        "  实际帮扶户数：39户 → 20户\n"
        "\n"
        "得分变化：\n"
        "  投入  20.00 → 18.00（-2.00）  input\n"
        "    项目立项  10.00 → 8.00（-2.00）  input.setup\n"
        "      绩效目标合理性  4.00 → 2.00（-2.00）  input.setup.goal_rationality\n"
        "          项目符合国家相关法律法规规定，落实省委省政府和全总工作部署：否，未得2分\n"
        "  产出  23.75 → 16.00（-7.75）  output\n"
        "    项目产出  23.75 → 16.00（-7.75）  output.delivery\n"
        "      保障情况  7.75 → 0.00（-7.75）  output.delivery.coverage\n"
        "          实际帮扶户数/帮扶目标任务数 = 50.00%，比100%少50.00个百分点，"
        "每少1个百分点扣0.5分，扣25分\n"
        "          各项合计扣16分，低于0分，按0分计\n"
        "\n"
        "总分 98.75 → 89.00（-9.75）\n"
        "等级 优秀 → 优秀（不变）"
    )


def test_a_grade_that_changes(good: rubric.Result) -> None:
    what = good.what_if(dict.fromkeys(BOOL_FACTS[:12], False))
    assert what.grade == ("优秀", "良好")
    assert what.text().endswith("\n\n总分 98.75 → 82.75（-16.00）\n等级 优秀 → 良好")


def test_nothing_changed(good: rubric.Result) -> None:
    what = good.what_if({"households_aided": 39, "media_coverage": "national"})
    assert (what.facts, what.nodes) == ((), ())
    assert what.text() == (
        "假如改变以下事实：\n  （无：给出的值与原值相同）\n\n各项得分不变\n\n"
        "总分 98.75 → 98.75（不变）\n等级 优秀 → 优秀（不变）"
    )
    assert good.what_if({}).nodes == ()


def test_a_move_too_small_to_show_is_listed() -> None:
    # With the total rounded, an indicator keeps its exact score: a move below the last place
    # shown is still a move.
    compiled = rubric.loads(
        'rubric small "细微变化"\nround total to 2 places half up\n'
        'fact x: number >= 0 "测评值"\nindicator i "指标" max 1\n  points = x / 3, at most 1\n'
    )
    what = compiled.score({"x": 1}).what_if({"x": Decimal("1.0003")})
    assert [(n.id, n.before, n.after, n.difference) for n in what.nodes] == [
        ("i", Decimal("0.33"), Decimal("0.33"), Decimal("0.00")),
    ]
    assert "  指标  0.33 → 0.33（0.00）  i\n" in what.text()
    assert what.text().endswith("总分 0.33 → 0.33（不变）")  # the total is rounded once more


def test_facts_are_validated_as_any_facts(good: rubric.Result) -> None:
    with pytest.raises(rubric.FactsError) as caught:
        good.what_if({"househlds_aided": 30, "media_coverage": "global", "aided_satisfied": 10**6})
    assert str(caught.value) == (
        "facts: 3 problems, nothing was scored\n"
        '  media_coverage: expected one of: none, provincial, national, found the text "global"\n'
        "  househlds_aided: unknown fact; did you mean 'households_aided'?\n"
        "  aided_satisfied: must be ≤ aided_surveyed (which is 100), found 1000000"
    )
    with pytest.raises(rubric.FactsError) as caught:
        good.what_if({"households_aided": None})
    assert str(caught.value) == (
        "facts: 1 problem, nothing was scored\n"
        "  households_aided: missing; expected a count (a whole number, 0 or more) (实际帮扶户数)"
    )
    with pytest.raises(rubric.FactsError) as caught:
        good.what_if({"unheard_of": None})
    assert caught.value.facts == ("unheard_of",)
    with pytest.raises(rubric.FactsError) as caught:
        good.what_if([("households_aided", 3)])  # type: ignore[arg-type]
    assert str(caught.value) == (
        "facts: 1 problem, nothing was scored\n"
        "  facts must be a mapping of names to values, found the list "
        '[["households_aided", 3]]'
    )


def test_what_if_takes_values_as_facts_files_give_them(good: rubric.Result) -> None:
    what = good.what_if(
        {"aided_satisfied": 36, "allocation_factors": ["甲"], "quantified_targets": ["living"]}
    )
    assert [c.after for c in what.facts] == [frozenset({"living"}), frozenset({"甲"}), 36]


def test_a_node_that_comes_to_apply() -> None:
    compiled = rubric.loads(NA)
    result = compiled.score({"built": False, "progress": 16})
    what = result.what_if({"built": True, "accidents": 1})
    assert what.facts == (
        rubric.FactChange("built", False, True),
        rubric.FactChange("accidents", None, 1),
    )
    nodes = {n.id: n for n in what.nodes}
    assert list(nodes) == ["na_demo", "build", "build.safety"]
    safety = nodes["build.safety"]
    assert (safety.applicable_before, safety.applicable_after) == (False, True)
    assert (nodes["build"].before, nodes["build"].after) == (Decimal("24.00"), Decimal("21.00"))
    text = what.text()
    assert "  施工安全事故：未填 → 1起\n" in text
    assert "    施工安全  0.00 → 5.00（+5.00）（改为适用）  build.safety\n" in text
    # And back: None leaves the optional fact out again.
    back = what.after.what_if({"built": False, "accidents": None})
    assert back.after == result
    assert "（改为不适用）" in back.text()


def test_to_dict_is_json_ready(good: rubric.Result) -> None:
    import json

    what = good.what_if({"households_aided": 20, "allocation_factors": ["甲"]})
    data = json.loads(json.dumps(what.to_dict(), ensure_ascii=False))
    assert data["facts"] == [
        {
            "name": "allocation_factors",
            "before": sorted(GOOD["allocation_factors"]),  # type: ignore[type-var]
            "after": ["甲"],
        },
        {"name": "households_aided", "before": 39, "after": 20},
    ]
    assert data["total"] == {"before": "98.75", "after": "89.00", "difference": "-9.75"}
    assert data["grade"] == {"before": "优秀", "after": "优秀"}
    coverage = next(n for n in data["nodes"] if n["id"] == "output.delivery.coverage")
    assert coverage["before"] == "7.75" and coverage["after"] == "0.00"
    assert coverage["difference"] == "-7.75" and coverage["applicable"] == [True, True]
    assert [e["kind"] for e in coverage["explanation"]] == ["per", "clamp"]


@settings(max_examples=40)
@given(anhui_facts(), anhui_facts(), st.data())
def test_the_nodes_listed_are_those_that_moved(
    anhui: rubric.Rubric, first: dict[str, object], second: dict[str, object], data: st.DataObject
) -> None:
    names = data.draw(st.sets(st.sampled_from(sorted(first)), max_size=6))
    changes = {name: second[name] for name in names}
    before = anhui.score(first)
    try:
        what = before.what_if(changes)
    except rubric.FactsError:
        # Facts from two units may break a bound between them (satisfied ≤ surveyed).
        with pytest.raises(rubric.FactsError):
            anhui.score({**first, **changes})
        return
    after = anhui.score({**first, **changes})
    assert what.after == after
    old, new = before.scores(), after.scores()
    assert [n.id for n in what.nodes] == [i for i in old if old[i] != new[i]]
    for node in what.nodes:
        assert node.difference == node.after - node.before
        # The entries after that were not there before, as many times as they are new.
        left = Counter(before[node.id].explanation)
        fresh = []
        for reason in after[node.id].explanation:
            if left[reason]:
                left[reason] -= 1
            else:
                fresh.append(reason)
        assert node.reasons == tuple(fresh)
