"""Scoring, number by number: what each rule, group and clause gives, on every scoring path.

Each test names the exact scores it expects and holds the generated scorer, the interpreter and
Rubric.score to them together (`paths.agree`); the explanation's numbers where they are the
point. They cover the paths a mutation of the scorers would change unseen otherwise: reported
maxes and mins, negation, groups left with nothing, shares with nothing to share, caps.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import rubric
from paths import agree
from rubric._score.codegen import source

NOTHING = "facts: 1 problem, nothing was scored\n  no part of the rubric applies to these facts"


def load(text: str, name: str) -> rubric.Rubric:
    return rubric.loads(text, filename=f"{name}.rub")


# ---------------------------------------------------------------- bonus and deductions


DEDUCTIONS = load(
    'rubric r "题" max 10\nfact n: count "次数"\nfact ok: bool "是"\n'
    'group base "基础" max 10\n  indicator base.i "基础项" max 10\n    +10 if ok\n'
    'group minus "扣分" deductions at most 5\n'
    '  indicator minus.a "扣分甲"\n    -2 per 1 of n\n'
    '  indicator minus.b "扣分乙" max 3\n    -1 per 1 of n\n',
    "deductions",
)


@pytest.mark.parametrize(
    ("n", "scores"),
    [
        (0, (10, 10, 10, 0, 0, 0)),
        (1, (7, 10, 10, -3, -2, -1)),
        (2, (5, 10, 10, -5, -4, -2)),  # -6 capped at the group's 5
        (9, (5, 10, 10, -5, -18, -3)),  # an item with a max deducts at most it
    ],
)
def test_capped_deductions_take_at_most_their_cap(n: int, scores: tuple[int, ...]) -> None:
    assert agree(DEDUCTIONS, {"n": n, "ok": True})[0] == scores  # type: ignore[index]


def test_a_capped_deductions_group_reports_max_0_and_its_cap_as_min() -> None:
    result = DEDUCTIONS.score({"n": 2, "ok": True})
    minus, a, b = result["minus"], result["minus.a"], result["minus.b"]
    assert (minus.max, minus.min) == (Decimal("0.00"), Decimal("-5.00"))
    assert (a.max, a.min) == (Decimal("0.00"), None)
    assert (b.max, b.min) == (Decimal("0.00"), Decimal("-3.00"))
    data = result.to_dict()["children"][1]
    assert (data["max"], data["min"], data["role"]) == ("0.00", "-5.00", "deductions")
    assert [x.text for x in minus.explanation] == ["“扣分”合计扣6分，最多扣5分，按扣5分计"]
    assert (result.max, result.root.min) == (Decimal("10.00"), Decimal("0.00"))


def test_a_bonus_group_adds_at_most_its_cap() -> None:
    r = load(
        'rubric r "题" max 10\nfact n: count "次数"\n'
        'group base "基础" max 10\n  indicator base.i "基础项" max 10\n    +1 per 1 of n, at most 10\n'
        'group plus "加分" bonus at most 2\n  indicator plus.a "加分甲" max 3\n    +1 per 1 of n, at most 3\n',
        "bonus",
    )
    assert agree(r, {"n": 1})[0] == (2, 1, 1, 1, 1)  # type: ignore[index]
    assert agree(r, {"n": 3})[0] == (5, 3, 3, 2, 3)  # type: ignore[index]
    result = r.score({"n": 3})
    assert (result["plus"].max, result["plus"].min) == (Decimal("2.00"), Decimal("0.00"))


def test_a_negative_total_is_clamped_unless_allowed() -> None:
    text = (
        'rubric r "题" max 10\nfact n: count "次数"\nfact ok: bool "是"\n'
        'group base "基础" max 10\n  indicator base.i "基础项" max 10\n    +10 if ok\n'
        'group minus "扣分" deductions\n  indicator minus.a "扣分甲"\n    -4 per 1 of n\n'
    )
    assert agree(load(text, "clamped"), {"n": 3, "ok": True})[0] == (0, 10, 10, -12, -12)  # type: ignore[index]
    result = load(text, "clamped").score({"n": 3, "ok": True})
    assert [x.text for x in result.root.explanation] == ["总分合计扣2分，低于0分，按0分计"]
    negative = load(text.replace("\nfact n", "\nallow negative total\nfact n"), "negative")
    assert agree(negative, {"n": 3, "ok": True})[0] == (-2, 10, 10, -12, -12)  # type: ignore[index]
    assert negative.score({"n": 3, "ok": True}).root.min is None


# ---------------------------------------------------------------- negation


def test_minus_a_value_is_worked_out() -> None:
    r = load(
        'rubric r "题" max 10\nfact x: number "差值"\n'
        'indicator q "指标" max 10\n  let back "回退" = -x\n  points = -x, at most 10\n'
        "  +1 if back > 2\n",
        "negation",
    )
    assert agree(r, {"x": -3})[0] == (4, 4)  # type: ignore[index]
    assert agree(r, {"x": Fraction(-5, 2)})[0] == (Fraction(7, 2), Fraction(7, 2))  # type: ignore[index]
    assert agree(r, {"x": 4})[0] == (0, 0)  # type: ignore[index]
    assert agree(r, {"x": -20})[0] == (10, 10)  # type: ignore[index]
    assert [x.text for x in r.score({"x": -3})["q"].explanation] == [
        "-差值 = 3（差值为-3），得3分",
        "回退为3，满足“> 2”，得1分",
    ]


# ---------------------------------------------------------------- groups left with nothing


LEFT_OUT = """rubric r "题" max 20
fact x: count "数"
fact a: bool "甲"
group g "组" max 10{way}
  indicator g.i "一" max 4{weight_i}
    +4 if a
    not applicable if x > 1{policy}
  indicator g.j "二" max 6{weight_j}
    +3 if a
    +3 if x > 5
    not applicable if x > 2{policy}
group h "其他" max 10
  indicator h.i "其他项" max 10
    +5 if a
    +5 if x > 5
"""


@pytest.mark.parametrize(
    ("way", "x", "scores"),
    [
        # 一 4/4 and 二 3/6: 7 of 10, scaled to the group's 10.
        (", scaled", 0, (12, 7, 4, 3, 5, 5)),
        (", scaled", 2, (10, 5, 0, 3, 5, 5)),  # 二 alone: 3 of 6, scaled to 10
        (", scaled", 9, (20, 0, 0, 0, 10, 10)),  # nothing left: the total rescales to h
        (
            ", weighted",
            0,
            (Fraction(1167, 100), Fraction(667, 100), 4, 3, 5, 5),
        ),  # (1×1 + ½×2)/3 × 10
        (", weighted", 2, (10, 5, 0, 3, 5, 5)),
        (", weighted", 9, (20, 0, 0, 0, 10, 10)),
        (", best of", 0, (15, 10, 4, 3, 5, 5)),
        (", best of", 2, (10, 5, 0, 3, 5, 5)),
        (", best of", 9, (20, 0, 0, 0, 10, 10)),
        ("", 0, (12, 7, 4, 3, 5, 5)),
        ("", 2, (10, 3, 0, 3, 5, 5)),  # 一 left out of the total: (3 + 5) × 20/16
        ("", 9, (20, 0, 0, 0, 10, 10)),
    ],
)
def test_groups_with_parts_left_out(way: str, x: int, scores: tuple[object, ...]) -> None:
    weights = (" weight 1", " weight 2") if way == ", weighted" else ("", "")
    # A group that renormalises takes no policy of its parts (E330); a plain one needs one.
    policy = "" if way else ", rescale the total"
    text = LEFT_OUT.format(way=way, weight_i=weights[0], weight_j=weights[1], policy=policy)
    assert agree(load(text, "left_out"), {"x": x, "a": True})[0] == scores  # type: ignore[index]


def test_nothing_applies_on_every_path() -> None:
    text = LEFT_OUT.format(way=", scaled", weight_i="", weight_j="", policy="")
    text = text.split("group h")[0]
    r = load(text.replace("max 20", "max 10"), "nothing")
    assert agree(r, {"x": 9, "a": True}) == NOTHING


SHARE = """rubric r "题" max 10
fact x: count "数"
fact a: bool "甲"
group g "组" max 10
  group g.s "分组" max 6
    indicator g.s.i "一" max 3
      +3 if a
      not applicable if x > 1, redistribute to siblings
    indicator g.s.j "二" max 3
      +1 if a
      +2 if x > 5
      not applicable if x > 2, redistribute to siblings
  indicator g.k "其他" max 4
    +2 if a
    +2 if x > 5
"""


def test_points_shared_with_siblings() -> None:
    r = load(SHARE, "share")
    # x = 2: 一 leaves its 3 points to 二, which scores 1 of 3: the group scores 1 × 6/3.
    assert agree(r, {"x": 2, "a": True}) == (
        (4, 4, 2, 0, 1, 2),
        ((3, "redistribute to siblings"),),
        None,
    )
    assert [x.text for x in r.score({"x": 2, "a": True})["g.s"].explanation] == [
        "“一”不适用，其3分按比例分配给同组其他项：其余各项得分合计1分、满分合计3分，折算为1×6/3=2分"
    ]


def test_nothing_left_to_share_with_is_an_error_on_every_path() -> None:
    assert agree(load(SHARE, "share"), {"x": 3, "a": True}) == (
        "facts: 1 problem, nothing was scored\n"
        "  every part of 'g.s' (分组) is not applicable, so there is nothing to share their "
        "points with"
    )


# ---------------------------------------------------------------- what the generator works out


def test_comparisons_of_constants_are_worked_out_exactly() -> None:
    r = load(
        'rubric r "题" max 4\nfact ok: bool "是"\nlet three "三" = 3\n'
        'indicator q "指标" max 4\n  +1 if ok and three = 3\n  +1 if ok and three > 3\n'
        "  +1 if ok and three >= 3\n  +1 if ok and three != 3\n",
        "constants",
    )
    assert agree(r, {"ok": True})[0] == (2, 2)  # type: ignore[index]


GUARDED = """rubric r "题" max 2
fact y: number "值"
let v "值二" = y
let inv "倒数" = 1 / v
require v >= {low} "非负"
indicator q "指标" max 2
  +1 if v > 0 and inv > 0.5
  +1 if v >= 0
"""


def test_a_value_that_may_divide_by_zero_fails_only_where_it_is_read() -> None:
    # v >= 0 does not keep 1 / v from dividing by 0: behind its guard it is never worked out,
    # and the generated scorer scores y = 0 itself, as the interpreter does.
    r = load(GUARDED.format(low=0), "guarded")
    assert agree(r, {"y": 0}) == ((1, 1), (), None)
    assert agree(r, {"y": Fraction(1, 4)}) == ((2, 2), (), None)
    assert "try:" in source(r._plan)


def test_a_value_a_require_line_keeps_above_zero_is_worked_out_once() -> None:
    r = load(GUARDED.format(low=1), "kept")
    assert agree(r, {"y": 1}) == ((2, 2), (), None)
    assert agree(r, {"y": 0}) == (
        "facts: 1 problem, nothing was scored\n  y: 非负 (rubric line 5 requires it)"
    )
    # Nothing to guard: no try, no mark of a value that failed.
    assert "try:" not in source(r._plan)


def test_a_group_left_out_leaves_out_everything_below_it() -> None:
    r = load(ONE_OF_SCALED, "skipped")
    scores, skipped, _ = agree(r, {"x": 1, "a": True})  # type: ignore[misc]
    assert scores == (10, 10, 0, 0, 0, 10)
    assert skipped == ((2, None), (3, None), (4, None))
    result = r.score({"x": 1, "a": True})
    assert [x.text for x in result["g.s.i"].explanation] == ["所属的“分组”不适用"]
    assert [x.text for x in result["g.s"].explanation] == [
        "数为1，满足“≤ 1”，本项不适用，不计分，本组按其余各项计分"
    ]


ONE_OF_SCALED = """rubric r "题" max 10
fact x: count "数"
fact a: bool "甲"
group g "择一" max 10, one of
  group g.s "分组" max 10, scaled
    not applicable if x <= 1
    indicator g.s.i "子项一" max 5
      +5 if a
    indicator g.s.j "子项二" max 5
      +5 if a
  indicator g.k "单项" max 10
    +10 if a
    not applicable if x > 1
"""


def test_best_of_with_a_part_left_out_rounds_its_share() -> None:
    r = load(
        'rubric r "题" max 10\nfact x: count "数"\nfact a: bool "甲"\n'
        'group g "取优" max 10, best of\n'
        '  indicator g.i "一" max 3\n    +2 if a\n    +1 if x > 5\n'
        "    not applicable if x > 1\n"
        '  indicator g.j "二" max 6\n    +4 if a\n    +2 if x > 5\n'
        "    not applicable if x > 2\n",
        "best",
    )
    # x = 2: 二 alone, 4 of 6: two thirds of 10, rounded half up.
    assert agree(r, {"x": 2, "a": True}) == (
        (Fraction(667, 100), Fraction(667, 100), 0, 4),
        ((2, None),),
        None,
    )
    assert [x.text for x in r.score({"x": 0, "a": True})["g"].explanation] == [
        "取较高者：“一”2/3分、“二”4/6分，“一”得分率最高，按本组满分10分计约6.67分",
        "得分约6.6667分，按四舍五入保留2位小数为6.67分",
    ]


def test_a_constant_value_compared_with_a_fact() -> None:
    r = load(
        'rubric r "题" max 2\nfact x: number "值"\nlet three "三" = 3\n'
        'indicator q "指标" max 2\n  +1 if three < x\n  +1 if three >= x\n',
        "left",
    )
    assert agree(r, {"x": 4})[0] == (1, 1)  # type: ignore[index]
    assert agree(r, {"x": 3})[0] == (1, 1)  # type: ignore[index]


def test_a_condition_that_may_divide_by_zero_is_read_only_behind_its_guard() -> None:
    r = load(
        'rubric r "题" max 2\nfact x: count "数"\nfact y: count "除数"\n'
        'let high "比值高" = x / y > 1\n'
        'indicator q "指标" max 2\n  +1 if y > 0 and high\n  +1 if x >= 0\n',
        "condition",
    )
    assert agree(r, {"x": 3, "y": 0}) == ((1, 1), (), None)
    assert agree(r, {"x": 3, "y": 2}) == ((2, 2), (), None)
    assert agree(r, {"x": 1, "y": 2}) == ((1, 1), (), None)


def test_an_optional_fact_with_a_bound() -> None:
    r = load(
        'rubric r "题" max 2\nfact n: count "总数"\nfact o: count <= n "选报数" optional\n'
        'indicator q "指标" max 2\n  +1 if n > 0\n  +1 if n > 5 and o > 1\n',
        "optional",
    )
    assert agree(r, {"n": 9, "o": 3})[0] == (2, 2)  # type: ignore[index]
    assert agree(r, {"n": 1})[0] == (1, 1)  # type: ignore[index]
    assert agree(r, {"n": 2, "o": 3}) == (
        "facts: 1 problem, nothing was scored\n  o: must be ≤ n (which is 2), found 3"
    )
    assert agree(r, {"n": 9}) == (
        "facts: 1 problem, nothing was scored\n  o: missing; it is optional, but a part of the "
        "rubric that applies to these facts reads it (选报数)"
    )


def test_set_items_off_the_list_never_score() -> None:
    r = load(
        'rubric r "题" max 2\nfact s: set of {p "甲", q "乙"} "项目"\n'
        'indicator q "指标" max 2\n  +1 for each of s\n',
        "items",
    )
    assert agree(r, {"s": ["p", "q"]})[0] == (2, 2)  # type: ignore[index]
    assert agree(r, {"s": ["p", "z"]}) == (
        "facts: 1 problem, nothing was scored\n  s: has 'z', not among the allowed items (p, q)"
    )


DIVISIONS = """rubric r "题" max 3
fact n: count "数"
fact k: count >= 1 "基数"
fact m: number > 0 "系数"
{require}let a "甲" = n / k
let b "乙" = n / (k * m)
let c "丙" = n / (k / m)
indicator q "指标" max 3
  +1 if a > 1
  +1 if b > 1
  +1 if c > 1
"""


def test_divisions_by_what_cannot_be_zero_are_worked_out_once() -> None:
    r = load(DIVISIONS.format(require=""), "divisions")
    assert agree(r, {"n": 6, "k": 2, "m": Fraction(1, 2)})[0] == (3, 3)  # type: ignore[index]
    assert "try:" not in source(r._plan)


def test_a_product_with_a_part_that_may_be_zero_may_be_zero() -> None:
    r = load(
        'rubric r "题" max 2\nfact n: count "数"\nfact k: count >= 1 "基数"\n'
        'let inv "倒数" = 1 / (k * n)\n'
        'indicator q "指标" max 2\n  +1 if n > 0 and inv < 1\n  +1 if k >= 1\n',
        "product",
    )
    assert agree(r, {"n": 0, "k": 2}) == ((1, 1), (), None)
    assert agree(r, {"n": 3, "k": 2}) == ((2, 2), (), None)
    assert "try:" in source(r._plan)


def test_the_lower_of_a_count_and_a_number_may_be_negative() -> None:
    # The higher of two values is never negative when one of them is not; the lower only when
    # both are not. Here it is -2: a `per` rule counts none of it, and 6 / -2 < 0.
    r = load(
        'rubric r "题" max 10\nfact n: count "数"\nfact x: number "值"\n'
        'let m "较小值" = min(n, x)\n'
        'indicator q "指标" max 10\n  +5 if n > 1\n  +1 per 1 of m, proportionally\n'
        "  +1 if 6 / min(n, x) > 0\n",
        "lower",
    )
    assert agree(r, {"n": 2, "x": -2}) == ((5, 5), (), None)
    assert agree(r, {"n": 3, "x": 1}) == ((7, 7), (), None)


def test_a_value_that_counts_conditions_on_a_set() -> None:
    r = load(
        'rubric r "题" max 10\nfact t: set of {a "甲", b "乙"} "项目"\nfact n: count "数"\n'
        'let k "符合项数" = number of [a in t, n > 1]\n'
        'indicator q "指标" max 10\n  +1 per 1 of k\n',
        "member",
    )
    assert agree(r, {"t": ["a"], "n": 2}) == ((2, 2), (), None)
    assert agree(r, {"t": ["b"], "n": 0}) == ((0, 0), (), None)


def test_require_lines_joined_by_and_keep_values_above_zero() -> None:
    r = load(
        'rubric r "题" max 2\nfact y: number "值"\nfact z: number "另值"\n'
        'let v "值二" = y\nlet inv "倒数" = 1 / v\n'
        'require v >= 1 and z <= 100 "范围"\n'
        'indicator q "指标" max 2\n  +1 if inv > 0.5\n  +1 if z > 0\n',
        "and",
    )
    assert agree(r, {"y": 1, "z": 1}) == ((2, 2), (), None)
    assert "try:" not in source(r._plan)


KINDS = """rubric r "题" max 20
fact x: count "数"
fact a: bool "甲"
fact adj: adjustment "调整"
× 0.5 if x > 8
group g "组" max 10, best of
  indicator g.i "一" max 4
    points = x / 2, at most 4
    at most 3 if x > 6
  indicator g.j "二" max 6
    +6 if a
    adjust by adj
group s "分组" max 10
  not applicable if x = 7, rescale the total
  indicator s.i "其他" max 10
    +10 if a
group minus "扣分" deductions at most 2
  indicator minus.a "扣分甲"
    -1 per 1 of x
"""


def entries(result: rubric.Result) -> list[tuple[str, list[tuple[str, int | None, Fraction]]]]:
    return [(n.id, [(e.kind, e.line, e.points) for e in n.explanation]) for n in result]


def test_every_entry_says_what_it_is_where_and_what_it_gives() -> None:
    r = load(KINDS, "kinds")
    facts = {"x": 7, "a": True, "adj": {"points": -1, "reason": "迟报"}}
    agree(r, facts)
    result = r.score(facts)
    assert entries(result) == [
        ("r", [("rescale", 1, Fraction(833, 100)), ("multiply", 5, 0)]),
        ("g", [("aggregate", 6, Fraction(25, 3)), ("rounding", 6, Fraction(-1, 300))]),
        ("g.i", [("points", 8, Fraction(7, 2)), ("cap", 9, Fraction(-1, 2))]),
        ("g.j", [("when", 11, 6), ("adjust", 12, -1)]),
        ("s", [("na", 14, 0)]),
        ("s.i", [("na", 13, 0)]),
        ("minus", [("cap", 17, 5)]),
        ("minus.a", [("per", 19, -7)]),
    ]
    # The group left out, and its indicator, follow its policy on both paths.
    assert [(n.id, n.policy) for n in result if not n.applicable] == [
        ("s", "rescale the total"),
        ("s.i", "rescale the total"),
    ]
    nine = r.score({"x": 9, "a": False, "adj": 0})
    assert agree(r, {"x": 9, "a": False, "adj": 0})[0][0] == Fraction(11, 4)  # type: ignore[index]
    assert entries(nine)[:3] == [
        ("r", [("multiply", 5, Fraction(-11, 4))]),
        ("g", [("aggregate", 6, Fraction(15, 2))]),
        ("g.i", [("points", 8, 4), ("cap", 9, -1)]),
    ]


WAYS = """rubric r "题" max 30
fact a: bool "甲"
fact b: bool "乙"
fact d: count "扣"
group s "比例组" max 10, scaled
  indicator s.i "一" max 4
    +4 if a
  indicator s.j "二" max 6
    not applicable if b
    +6 if a
group w "加权组" max 10, weighted
  indicator w.i "三" max 5 weight 1
    +5 if a
  indicator w.j "四" max 5 weight 3
    +2 if a
    +3 if b
group o "择一组" max 10, one of
  indicator o.i "五" max 10
    not applicable if b
    +10 if a
  indicator o.j "六" max 10
    not applicable if not b
    +5 if a
    +5 if b
group minus "扣分" deductions at most 2
  indicator minus.a "扣分甲"
    -1 per 1 of d
"""


def test_each_way_of_combining_says_it_aggregates_and_a_negative_total_is_clamped() -> None:
    r = load(WAYS, "ways")
    full = {"a": True, "b": True, "d": 1}
    agree(r, full)
    # s: 4 of the 4 points left, scaled to 10; w: (5/5 × 1 + 5/5 × 3) ÷ 4 × 10; o: 10/10 × 10.
    assert [(n.id, n.explanation and n.explanation[0].kind, n.exact) for n in r.score(full)][
        :10
    ] == [
        ("r", (), 29),
        ("s", "aggregate", 10),
        ("s.i", "when", 4),
        ("s.j", "na", 0),
        ("w", "aggregate", 10),
        ("w.i", "when", 5),
        ("w.j", "when", 5),
        ("o", "aggregate", 10),
        ("o.i", "na", 0),
        ("o.j", "when", 10),
    ]
    empty = {"a": False, "b": False, "d": 5}
    agree(r, empty)
    # Nothing but 5 deductions, capped at 2: the total of -2 is clamped to 0.
    assert entries(r.score(empty))[0] == ("r", [("clamp", 1, 2)])
    assert entries(r.score(empty))[-2:] == [
        ("minus", [("cap", 25, 3)]),
        ("minus.a", [("per", 27, -5)]),
    ]
    assert [entries(r.score(empty))[i][1][0][0] for i in (1, 4, 7)] == ["aggregate"] * 3
