"""The rule forms beyond Anhui, each at its boundaries: points, totals and the Chinese reasons."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

import rubric


def build(body: str, *, max_: int = 10, head: str = "") -> rubric.Rubric:
    return rubric.loads(f'rubric demo "示例" max {max_}\n{head}{body}', filename="demo.rub")


def texts(node: rubric.ScoredNode) -> list[str]:
    return [reason.text for reason in node.explanation]


def facts_error(r: rubric.Rubric, facts: dict[str, object]) -> str:
    with pytest.raises(rubric.FactsError) as caught:
        r.score(facts)
    return str(caught.value)


# ---------------------------------------------------------------- 1. tier bands

LOWER_IS_BETTER = build(
    'fact rate: number "超标率" unit "%"\n'
    'indicator q "质量" max 5\n'
    "  points by rate:\n    ≦ 1 -> 5\n    > 1 and ≦ 3 -> 3\n    ＞ 3 and < 5 -> 1\n",
    max_=5,
)


@pytest.mark.parametrize(
    ("rate", "points"),
    [("0", 5), ("1", 5), ("1.01", 3), ("3", 3), ("3.001", 1), ("4.999", 1)],
)
def test_lower_is_better_bands_with_bounds_as_written(rate: str, points: int) -> None:
    assert LOWER_IS_BETTER.score({"rate": Decimal(rate)})["q"].exact == points


def test_a_value_beyond_every_band_names_the_value_and_the_bands() -> None:
    assert facts_error(LOWER_IS_BETTER, {"rate": 5}) == (
        "facts: 1 problem, nothing was scored\n"
        "  rate: 超标率 = 5.00% falls in none of the bands (≤ 1%, > 1%且≤ 3%, > 3%且< 5%) of the "
        "table on rubric line 4; if such a value can happen, the rubric needs an 'otherwise' arm"
    )


# ---------------------------------------------------------------- 2. steps of any size

STEPS = build(
    'fact pm: number "PM2.5浓度" unit "μg/m³"\nfact score: number "综合指数"\n'
    'indicator q "空气" max 10\n  start from full marks\n'
    "  -1 per 5 of pm over 35, any part counts as a step\n"
    "  -0.5 per 0.1 of score over 4, whole steps only\n",
)


@pytest.mark.parametrize(
    ("pm", "score", "expected"),
    [
        ("35", "4", 10),  # on both targets: nothing taken
        ("35.1", "4", 9),  # any part of 5 counts as a whole step
        ("40", "4", 9),
        ("40.01", "4", 8),
        ("35", "4.19", Fraction(19, 2)),  # 1.9 steps of 0.1: whole steps only, so 1
        ("35", "4.2", 9),
    ],
)
def test_steps_of_any_size(pm: str, score: str, expected: Fraction) -> None:
    assert STEPS.score({"pm": Decimal(pm), "score": Decimal(score)})["q"].exact == expected


def test_a_step_in_a_unit_reads_in_that_unit() -> None:
    node = STEPS.score({"pm": Decimal("41"), "score": Decimal("4")})["q"]
    assert texts(node)[1] == (
        "PM2.5浓度 = 41μg/m³，比35μg/m³多6μg/m³，每多5μg/m³扣1分（不足一档按一档计，计2档），扣2分"
    )


# ---------------------------------------------------------------- 3. pools with their own caps

POOLS = build(
    'fact missing: count "缺少的制度数" unit "条"\nfact late: count "逾期次数" unit "次"\n'
    'indicator q "制度" max 5\n  start from full marks\n'
    '  pool rules "制度缺失扣分" at most 4\n    -1 per 1 of missing\n'
    '  pool delays "逾期扣分" at most 4\n    -2 per 1 of late\n',
    max_=5,
)


@pytest.mark.parametrize(
    ("missing", "late", "expected"),
    [(0, 0, 5), (4, 0, 1), (9, 0, 1), (0, 1, 3), (0, 2, 1), (0, 5, 1), (9, 9, 0), (1, 1, 2)],
)
def test_several_pools_capped_apart_then_the_item_floored(
    missing: int, late: int, expected: int
) -> None:
    assert POOLS.score({"missing": missing, "late": late})["q"].exact == expected


def test_pool_caps_that_add_up_past_the_max_still_stop_at_zero() -> None:
    node = POOLS.score({"missing": 9, "late": 9})["q"]
    assert [r.kind for r in node.explanation] == ["start", "per", "cap", "per", "cap", "clamp"]
    assert texts(node)[-1] == "各项合计扣3分，低于0分，按0分计"
    assert sum(r.points for r in node.explanation) == node.exact == 0


# ---------------------------------------------------------------- 5. points = and multipliers

PROPORTIONAL = build(
    'fact done: count "完成数" unit "个"\nfact target: count >= 1 "目标数" unit "个"\n'
    'fact missed: bool "未达到要求"\n'
    'indicator q "完成率" max 10\n  points = 12 * done / target, at most 10\n  × 0.8 if missed\n',
)


@pytest.mark.parametrize(
    ("done", "missed", "expected"),
    [
        (0, False, 0),
        (25, False, 6),
        (40, False, Decimal("9.6")),
        (50, False, 10),  # 12 capped at 10
        (50, True, 8),  # the multiplier applies to the capped score
        (25, True, Decimal("4.8")),
    ],
)
def test_points_from_a_ratio_capped_then_multiplied(
    done: int, missed: bool, expected: Decimal
) -> None:
    node = PROPORTIONAL.score({"done": done, "target": 50, "missed": missed})["q"]
    assert node.score == expected


def test_a_formula_and_a_multiplier_explain_their_numbers() -> None:
    node = PROPORTIONAL.score({"done": 50, "target": 50, "missed": True})["q"]
    assert texts(node) == [
        "12×完成数/目标数 = 12（完成数为50个，目标数为50个），得12分；最多得10分，按10分计",
        "未达到要求：是，得分×0.8：10分×0.8=8分",
    ]
    assert [r.points for r in node.explanation] == [10, -2]


def test_an_uncapped_formula_is_still_held_to_the_max() -> None:
    r = build(
        'fact x: number "得分率"\nindicator q "比例" max 10\n  points = x / 10\n',
    )
    node = r.score({"x": 150})["q"]
    assert node.exact == 10
    assert texts(node)[-1] == "各项合计15分，超过本项满分10分，按10分计"


# ---------------------------------------------------------------- 6. linear and piecewise

PIECEWISE = build(
    'fact rate: number "达标率" unit "%"\n'
    'indicator q "达标" max 10\n  points by rate:\n'
    "    <= 60 -> 0\n    > 60 and < 80 -> 0 to 6\n    >= 80 and <= 100 -> 6 to 10\n",
)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("0", "0"),
        ("60", "0"),
        ("60.3", "0.09"),
        ("70", "3"),
        ("79.99", "6.00"),  # 5.997, rounded
        ("80", "6"),
        ("90", "8"),
        ("100", "10"),
    ],
)
def test_piecewise_linear_segments(rate: str, expected: str) -> None:
    assert PIECEWISE.score({"rate": Decimal(rate)})["q"].score == Decimal(expected)


def test_a_linear_arm_explains_its_end_points() -> None:
    node = PIECEWISE.score({"rate": 70})["q"]
    assert texts(node) == [
        "达标率为70.00%，属于“> 60%且< 80%”一档，在60%（0分）至80%（6分）之间按线性插值，得3分"
    ]


def test_a_falling_line_gives_fewer_points_for_more() -> None:
    r = build(
        'fact pm: number "浓度" unit "μg/m³"\nindicator q "空气" max 10\n'
        "  points by pm:\n    < 35 -> 10\n    >= 35 and <= 75 -> 10 to 0\n    otherwise -> 0\n",
    )
    scores = [r.score({"pm": pm})["q"].exact for pm in (34, 35, 55, 75, 76)]
    assert scores == [10, 10, 5, 0, 0]


# ---------------------------------------------------------------- 7. thresholds that zero, all or nothing

ZEROED = build(
    'fact error_rate: number "错报率" unit "%"\nfact wrong: count "错报户数" unit "户"\n'
    'indicator q "准确" max 10\n  start from full marks\n  -1 per 1 of wrong\n'
    "  at most 0 if error_rate > 5\n",
)


@pytest.mark.parametrize(
    ("rate", "wrong", "expected"),
    [("5", 3, 7), ("5.01", 3, 0), ("0", 12, 0), ("5", 0, 10)],
)
def test_a_threshold_zeroes_the_item_after_deductions(rate: str, wrong: int, expected: int) -> None:
    assert ZEROED.score({"error_rate": Decimal(rate), "wrong": wrong})["q"].exact == expected


def test_a_zeroing_threshold_says_why() -> None:
    node = ZEROED.score({"error_rate": Decimal("6"), "wrong": 3})["q"]
    assert texts(node)[-1] == "错报率为6.00%，满足“> 5%”，最多得0分，按0分计"
    assert node.explanation[-1].points == -7


def test_all_or_nothing() -> None:
    r = build(
        'fact a: bool "台账齐全"\nfact b: bool "公示到位"\nfact c: bool "验收合格"\n'
        'indicator q "规范" max 4\n  +4 if a and b and c\n',
        max_=4,
    )
    assert r.score({"a": True, "b": True, "c": True})["q"].exact == 4
    assert r.score({"a": True, "b": False, "c": True})["q"].exact == 0


# ---------------------------------------------------------------- 8. bonus and deductions

EXTRAS = """fact honours: count "表彰次数" unit "次"
fact incidents: count "事故次数" unit "起"
fact x: number "基础得分"
indicator base "基础" max 10
  points = x
group extra "加分项" bonus at most 3
indicator extra.honour "表彰" max 4
  +2 per 1 of honours
group minus "扣分项" deductions
indicator minus.incident "安全事故"
  -5 per 1 of incidents
"""


@pytest.mark.parametrize(
    ("x", "honours", "incidents", "total"),
    [
        (10, 0, 0, "10.00"),
        (10, 1, 0, "12.00"),
        (10, 2, 0, "13.00"),  # 4 bonus points, the pool stops at 3
        (10, 5, 0, "13.00"),
        (10, 0, 1, "5.00"),
        (6, 0, 3, "0.00"),  # -9: the total stops at 0
        (6, 2, 3, "0.00"),
    ],
)
def test_bonus_lifts_past_the_max_and_the_total_stops_at_zero(
    x: int, honours: int, incidents: int, total: str
) -> None:
    r = build(EXTRAS)
    result = r.score({"x": x, "honours": honours, "incidents": incidents})
    assert str(result.total) == total
    assert r.max == 10


def test_extras_in_the_result() -> None:
    result = build(EXTRAS).score({"x": 6, "honours": 2, "incidents": 3})
    assert (result["extra"].score, result["extra"].max, result["extra"].role) == (
        3,
        10 - 7,
        "bonus",
    )
    minus = result["minus"]
    assert (minus.score, minus.max, minus.min, minus.role) == (-15, 0, None, "deductions")
    assert texts(result["extra"]) == ["“加分项”合计得4分，最多得3分，按3分计"]
    assert texts(result.root) == ["总分合计扣6分，低于0分，按0分计"]
    data = result.to_dict()
    assert data["children"][2]["role"] == "deductions"
    assert data["children"][2]["min"] is None


def test_a_negative_total_when_the_rubric_allows_it() -> None:
    r = build(EXTRAS, head="allow negative total\n")
    assert r.score({"x": 6, "honours": 0, "incidents": 3}).total == Decimal("-9.00")


def test_a_capped_deduction_item_and_group() -> None:
    r = build(
        'fact n: count "违规次数" unit "次"\nindicator base "基础" max 10\n  +10 if n >= 0\n'
        'group minus "扣分项" deductions at most 6\n'
        'indicator minus.a "违规" max 4\n  -1 per 1 of n\n'
        'indicator minus.b "通报" max 4\n  -1 per 1 of n\n',
    )
    result = r.score({"n": 5})
    assert (result["minus.a"].exact, result["minus.a"].min) == (-4, -4)
    assert texts(result["minus.a"])[-1] == "各项合计扣5分，本项最多扣4分，按扣4分计"
    assert result["minus"].exact == -6
    assert result.total == 4


# ---------------------------------------------------------------- 9. vetoes, preconditions, caps

GRADED = build(
    'fact accident: bool "发生重大安全事故"\nfact serious: bool "存在严重问题"\n'
    'fact x: number "得分"\n'
    "grade 不合格 if accident\n"
    "grade 优秀 if total >= 90 and not serious and score of b >= 40\n"
    "grade 合格 if total >= 60\ngrade 不合格 otherwise\n"
    "at most 79 if serious\n"
    'group g "组" max 50\n  at most 30 if x < 50\n'
    'indicator g.a "A" max 50\n  points = x / 2\n'
    'indicator b "B" max 50\n  points = x / 2\n',
    max_=100,
).score


def test_grades_are_tried_in_order() -> None:
    def grade(accident: bool, serious: bool, x: int) -> str | None:
        return GRADED({"accident": accident, "serious": serious, "x": x}).grade

    assert grade(False, False, 100) == "优秀"
    assert grade(True, False, 100) == "不合格"  # the veto, whatever the points
    assert grade(False, True, 100) == "合格"  # no 优秀 with a serious problem
    assert grade(False, False, 60) == "合格"


def test_the_grade_explains_itself() -> None:
    result = GRADED({"accident": False, "serious": True, "x": 100})
    assert [r.text for r in result.grade_explanation] == [
        "未评为不合格：发生重大安全事故：否",
        "未评为优秀：总分为79分，不满足“≥ 90分”；存在严重问题：是（要求不成立，条件不成立）；"
        "“B”得分为50分，满足“≥ 40分”（各项均须满足，条件不成立）",
        "评为合格：总分为79分，满足“≥ 60分”",
    ]


def test_caps_on_a_group_and_on_the_total() -> None:
    result = GRADED({"accident": False, "serious": True, "x": 40})
    assert result["g"].exact == 20  # under the cap of 30
    assert texts(result["g"]) == ["得分为40，满足“< 50”，最多得30分；得分20分，未超过"]
    capped = GRADED({"accident": False, "serious": True, "x": 100})
    assert capped.total == 79
    assert texts(capped.root) == ["存在严重问题：是，最多得79分，按79分计"]


# ---------------------------------------------------------------- 10. not applicable

NA = """fact na: bool "本年度无工程建设"
fact x: number "得分率"
group g "项目管理" max 20
indicator g.a "工程质量" max 5
  not applicable if na, {policy}
  points = x * 5
indicator g.b "资金管理" max 15
  points = x * 15
indicator c "满意度" max 80
  points = x * 80
"""


@pytest.mark.parametrize(
    ("policy", "g", "total", "a_score"),
    [
        # g.b scores 7.5 of 15; c scores 40 of 80; g.a does not apply.
        ("full marks", "12.50", "52.50", "5.00"),
        # 47.5 of the 95 points still counted, scaled to 100: 50.
        ("rescale the total", "7.50", "50.00", "0.00"),
        # g keeps its 20: 7.5 × 20/15 = 10, and the total is 10 + 40.
        ("redistribute to siblings", "10.00", "50.00", "0.00"),
    ],
)
def test_not_applicable_policies(policy: str, g: str, total: str, a_score: str) -> None:
    r = build(NA.format(policy=policy), max_=100)
    result = r.score({"na": True, "x": Decimal("0.5")})
    assert (str(result["g"].score), str(result.total), str(result["g.a"].score)) == (
        g,
        total,
        a_score,
    )
    assert not result["g.a"].applicable
    assert result["g.a"].policy == policy
    assert result["g.b"].applicable
    applies = r.score({"na": False, "x": Decimal("0.5")})
    assert applies.total == 50 and applies["g.a"].applicable


def test_rescaling_is_exact_and_explained() -> None:
    r = build(NA.format(policy="rescale the total"), max_=100)
    result = r.score({"na": True, "x": Fraction(1, 3)})
    # Indicators are rounded first: 5 + 26.67 = 31.67 of 95, scaled to 100: 33.3368…
    assert result.root.explanation[0].points == Fraction(3167, 100) * Fraction(100, 95) - Fraction(
        3167, 100
    )
    assert texts(result.root) == [
        "“工程质量”不适用，满分合计5分不计；其余满分合计95分，总分按100分折算："
        "31.67×100/95=约33.34分",
        "得分约33.3368分，按四舍五入保留2位小数为33.34分",
    ]
    assert result.total == Decimal("33.34")
    data = result.to_dict()["children"][0]["children"][0]
    assert (data["applicable"], data["policy"]) == (False, "rescale the total")


def test_redistribution_is_explained_on_the_group() -> None:
    r = build(NA.format(policy="redistribute to siblings"), max_=100)
    result = r.score({"na": True, "x": Decimal("0.5")})
    assert texts(result["g"]) == [
        "“工程质量”不适用，其5分按比例分配给同组其他项：其余各项得分合计7.5分、满分合计15分，"
        "折算为7.5×20/15=10分"
    ]
    assert texts(result["g.a"]) == [
        "本年度无工程建设：是，本项不适用，不计分，其分值按比例分配给同组其他指标"
    ]


def test_a_group_that_does_not_apply_takes_its_indicators_with_it() -> None:
    r = build(
        'fact na: bool "不涉及"\nfact x: number "得分"\n'
        'group g "组" max 5\n  not applicable if na, full marks\n'
        'indicator g.a "A" max 5\n  points = x\n'
        'indicator b "B" max 5\n  points = x\n',
    )
    result = r.score({"na": True, "x": 1})
    assert [(n.id, n.exact, n.applicable) for n in result] == [
        ("demo", 6, True),
        ("g", 5, False),
        ("g.a", 5, False),
        ("b", 1, True),
    ]


# ---------------------------------------------------------------- 11. other aggregations


def test_weighted_children_need_not_be_weighted_by_their_maxes() -> None:
    r = build(
        'fact a: number "成就分"\nfact b: number "进步分"\n'
        'group g "综合" max 10, weighted\n'
        'indicator g.a "成就" max 100 weight 0.6\n  points = a\n'
        'indicator g.b "进步" max 50 weight 0.4\n  points = b\n',
    )
    result = r.score({"a": 80, "b": 35})
    # (0.6 × 0.8 + 0.4 × 0.7) / 1 × 10 = 7.6
    assert result["g"].exact == Fraction(38, 5)
    assert result["g"].explanation[0].kind == "aggregate"


def test_a_scaled_group_normalises_to_its_max() -> None:
    r = build(
        'fact x: count "得分"\ngroup g "满意度" max 100, scaled\n'
        'indicator g.a "A" max 20\n  +1 per 1 of x\n'
        'indicator g.b "B" max 15\n  +1 per 1 of x\n',
        max_=100,
    )
    result = r.score({"x": 10})
    assert result["g"].score == Decimal("57.14")  # 20 of 35, as a percentage
    assert (
        texts(result["g"])[0]
        == "各项得分合计20分，满分合计35分，按本组满分100分折算：20/35×100=约57.14分"
    )


BEST = build(
    'fact a: number "成就分"\nfact b: number "进步分"\n'
    'group g "得分" max 10, best of\n'
    'indicator g.a "成就分" max 10\n  points = a\n'
    'indicator g.b "进步分" max 10\n  points = b\n',
)


@pytest.mark.parametrize(("a", "b", "expected"), [(6, 8, 8), (9, 8, 9), (7, 7, 7), (0, 0, 0)])
def test_best_of(a: int, b: int, expected: int) -> None:
    assert BEST.score({"a": a, "b": b})["g"].exact == expected


ONE_OF = build(
    'fact way: level {plan "规划类", build "建设类"} "项目类型"\nfact x: number "得分"\n'
    'group g "效益（二者择其一）" max 10, one of\n'
    'indicator g.a "规划效益" max 5\n  not applicable if way != plan\n  points = x\n'
    'indicator g.b "建设效益" max 10\n  not applicable if way != build\n  points = x\n',
)


def test_one_of_scores_the_one_that_applies_scaled_to_the_group() -> None:
    assert ONE_OF.score({"way": "plan", "x": 4})["g"].exact == 8
    assert ONE_OF.score({"way": "build", "x": 4})["g"].exact == 4


def test_one_of_with_both_applying_is_a_facts_error() -> None:
    r = build(
        'fact a: bool "甲适用"\nfact b: bool "乙适用"\n'
        'group g "组" max 10, one of\n'
        'indicator g.a "甲" max 10\n  not applicable if not a\n  +10 if a\n'
        'indicator g.b "乙" max 10\n  not applicable if not b\n  +10 if b\n',
    )
    assert facts_error(r, {"a": True, "b": True}) == (
        "facts: 1 problem, nothing was scored\n"
        "  'g' (组) scores one of its parts, but 2 apply: 甲、乙; the facts must make exactly "
        "one apply"
    )


# ---------------------------------------------------------------- 12. manual adjustments

ADJUSTED = build(
    'fact extra: adjustment >= -3 and <= 0 in steps of 0.5 "专家酌情扣分"\n'
    'indicator q "档案" max 10\n  start from full marks\n  adjust by extra\n',
)


def test_an_adjustment_shows_its_reason() -> None:
    node = ADJUSTED.score({"extra": {"points": -1.5, "reason": "档案资料不完整"}})["q"]
    assert node.exact == Fraction(17, 2)
    assert texts(node)[-1] == "专家酌情扣分：扣1.5分，理由：档案资料不完整"
    assert node.to_dict()["explanation"][-1]["facts"] == {
        "extra": {"points": "-1.5", "reason": "档案资料不完整"}
    }
    assert ADJUSTED.score({"extra": 0})["q"].explanation[-1].text == "专家酌情扣分：未调整"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (-1, 'extra: gives -1 points without a reason; write it as {"points": -1, "reason": "…"}'),
        ({"points": -1, "reason": " "}, 'extra: gives -1 points without a reason; add a "reason"'),
        ({"points": -1, "why": "x"}, "extra: has why; an adjustment has only points and reason"),
        ({"points": "-1", "reason": "x"}, 'extra: needs points as a number, found the text "-1"'),
        ({"points": -4, "reason": "x"}, "extra: must be ≥ -3, found -4"),
        ({"points": -1.2, "reason": "x"}, "extra: must be in steps of 0.5, found -1.2"),
    ],
)
def test_adjustments_are_validated(given: object, message: str) -> None:
    assert facts_error(ADJUSTED, {"extra": given}).splitlines()[1].strip() == message


def test_an_adjustment_may_be_given_in_toml(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "f.toml"
    path.write_text('extra = { points = -0.5, reason = "未按时报送" }\n', encoding="utf-8")
    assert ADJUSTED.score(rubric.load_facts(path))["q"].exact == Fraction(19, 2)


# ---------------------------------------------------------------- 13. scales

SCALE = build(
    'fact mark: number >= 0 and <= 5 in steps of 0.5 "专家评分"\n'
    'indicator q "专家评价" max 10\n  points = mark * 2\n',
)


@pytest.mark.parametrize("mark", ["0", "0.5", "2.5", "5"])
def test_a_scale_takes_its_marks(mark: str) -> None:
    assert SCALE.score({"mark": Decimal(mark)})["q"].exact == Fraction(mark) * 2


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        (4.3, "mark: must be in steps of 0.5, found 4.3"),
        (5.5, "mark: must be ≤ 5, found 5.5"),
        (-0.5, "mark: must be ≥ 0, found -0.5"),
    ],
)
def test_a_mark_off_the_scale_is_refused(mark: float, message: str) -> None:
    assert facts_error(SCALE, {"mark": mark}).splitlines()[1].strip() == message


# ---------------------------------------------------------------- the result as data


def test_json_shows_new_keys_only_where_they_apply() -> None:
    result = build(EXTRAS).score({"x": 6, "honours": 1, "incidents": 0})
    data = json.loads(result.to_json())
    assert "role" not in data["children"][0] and "applicable" not in data["children"][0]
    assert data["children"][1]["role"] == "bonus"
    assert "grade_explanation" not in data  # this rubric has no grades


def test_a_multiplier_never_lifts_a_negative_total() -> None:
    r = build(EXTRAS, head='allow negative total\nfact late: bool "逾期报送"\n× 0.5 if late\n')
    result = r.score({"x": 6, "honours": 0, "incidents": 3, "late": True})
    assert result.total == -9
    assert texts(result.root) == ["逾期报送：是，得分×0.5；得分为-9分，不折算"]


def test_negative_figures_keep_their_sign_in_sentences() -> None:
    r = build(EXTRAS, head='allow negative total\nfact e: bool "严重"\nat most 5 if e\n')
    result = r.score({"x": Decimal("0.333"), "honours": 0, "incidents": 1, "e": True})
    assert texts(result.root) == ["严重：是，最多得5分；得分-4.67分，未超过"]


def test_a_weight_may_be_written_as_a_percentage() -> None:
    def weighted(a: str, b: str) -> rubric.Rubric:
        return build(
            'fact a: number "成就分"\nfact b: number "进步分"\n'
            'group g "综合" max 10, weighted\n'
            f'indicator g.a "成就" max 100 weight {a}\n  points = a\n'
            f'indicator g.b "进步" max 100 weight {b}\n  points = b\n',
        )

    facts = {"a": 90, "b": 40}
    assert weighted("60%", "40%").score(facts)["g"].exact == 7
    assert weighted("60", "40").score(facts) == weighted("60%", "40%").score(facts)


# ---------------------------------------------------------------- facts a part that does not apply needs not

OPTIONAL = build(
    'fact way: level {a "甲", b "乙"} "方式"\n'
    'fact xa: number "甲的得分" optional\nfact xb: number >= xa "乙的得分" optional\n'
    'group g "组" max 10, one of\n'
    'indicator g.a "甲" max 10\n  not applicable if way != a\n  points = xa\n'
    'indicator g.b "乙" max 10\n  not applicable if way != b\n  points = xb\n',
)


def test_an_optional_fact_may_be_left_out_where_nothing_reads_it() -> None:
    assert OPTIONAL.score({"way": "a", "xa": 7}).total == 7
    assert OPTIONAL.score({"way": "b", "xb": 6}).total == 6
    assert OPTIONAL.score({"way": "b", "xa": 5, "xb": 6}).total == 6


def test_an_optional_fact_that_is_needed_is_named() -> None:
    assert facts_error(OPTIONAL, {"way": "b", "xa": 7}).splitlines()[1] == (
        "  xb: missing; it is optional, but a part of the rubric that applies to these facts "
        "reads it (乙的得分)"
    )
    # A given optional fact is checked as any other.
    assert "xb: must be ≥ xa" in facts_error(OPTIONAL, {"way": "b", "xa": 7, "xb": 6})


# ---------------------------------------------------------------- review fixes


def test_full_marks_for_a_node_that_does_not_apply_show_in_its_entry() -> None:
    result = build(NA.format(policy="full marks"), max_=100).score({"na": True, "x": 1})
    (entry,) = result["g.a"].explanation
    assert (entry.kind, entry.points) == ("na", 5)
    assert entry.text == "本年度无工程建设：是，本项不适用，按满分计"


def test_inside_a_scaled_group_a_node_left_out_leaves_the_group_to_the_rest() -> None:
    r = build(
        'fact na: bool "不涉及"\nfact x: count "得分"\n'
        'group g "组" max 10, scaled\n'
        'indicator g.a "A" max 5\n  not applicable if na, rescale the total\n  +1 per 1 of x\n'
        'indicator g.b "B" max 5\n  +1 per 1 of x\n',
    )
    result = r.score({"na": True, "x": 2})
    assert result["g"].exact == 4 and result.total == 4
    assert texts(result["g.a"]) == ["不涉及：是，本项不适用，不计分，本组按其余各项计分"]


def test_a_formula_that_ends_within_ten_places_reads_as_equal() -> None:
    r = build('fact n: count "完成数"\nindicator q "完成" max 10\n  points = 10 * n / 48\n')
    assert texts(r.score({"n": 45})["q"])[0].startswith("10×完成数/48 = 9.375（")


def test_a_total_allowed_below_zero_has_no_least_score() -> None:
    result = build(EXTRAS, head="allow negative total\n").score(
        {"x": 6, "honours": 0, "incidents": 3}
    )
    assert result.root.min is None
    assert build(EXTRAS).score({"x": 6, "honours": 0, "incidents": 3}).root.min == 0


def test_grade_entries_name_the_facts_they_read() -> None:
    result = GRADED({"accident": True, "serious": False, "x": 100})
    assert result.grade_explanation[0].facts == (("accident", True),)


def test_an_adjustment_may_be_given_as_an_adjustment() -> None:
    given = rubric.Adjustment(Fraction(-1), "逾期")
    assert ADJUSTED.score({"extra": given})["q"].exact == 9
