"""Rules with a condition of their own (issue 9, item 7): `per`, `points =`, `points by` and
`for each of` take `if CONDITION` right after what they count, and give nothing where it fails.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import rubric
from rubric.dsl import nodes as n
from rubric.dsl.format import format_text
from rubric.dsl.parser import parse
from rubric.dsl.source import Source

HEAD = """\
rubric demo "示例" max 20
fact rate: number >= 0 and <= 100 "目标完成率" unit "%"
fact met: bool "完成年度目标"
fact spent: number >= 0 "实际支出" unit "万元"
fact budget: number > 0 "预算" unit "万元"
fact n: count "件数" unit "件"
let overspent "超支金额" = spent - budget unit "万元"

indicator i "甲" max 10
"""


# Reads every fact and value, so that the indicator under test may leave some unread.
TAIL = 'indicator j "乙" max 10\n  +10 if n > 1 or overspent > 0 or met or rate > 50\n'


def load(*rules: str) -> rubric.Rubric:
    text = HEAD + "".join(f"  {rule}\n" for rule in rules) + TAIL
    return rubric.loads(text, filename="demo.rub")


def facts(**changes: object) -> dict[str, object]:
    return {"rate": 95, "met": False, "spent": 100, "budget": 100, "n": 0, **changes}


def error_text(*rules: str) -> str:
    with pytest.raises(rubric.RubricError) as caught:
        load(*rules)
    return str(caught.value)


# ---------------------------------------------------------------- syntax


@pytest.mark.parametrize(
    ("rule", "kind"),
    [
        ("-1 per 1 of rate short of 100 if not met, proportionally, at most 5", n.Per),
        ("points = rate / 10 if met, at most 10", n.Formula),
        ("points by rate if met: >= 90 -> 10, otherwise -> 5", n.Table),
        ("+1 for each of [met, n > 2] if rate >= 60, at most 2", n.Each),
    ],
)
def test_the_condition_is_read_with_its_span(rule: str, kind: type) -> None:
    text = HEAD + f"  {rule}\n" + TAIL
    document = parse(Source(text, "demo.rub"))
    node = document.nodes[0]
    assert isinstance(node, n.Indicator)
    parsed = node.rules[0]
    assert isinstance(parsed, kind)
    assert isinstance(parsed, n.Guardable) and parsed.condition is not None
    span = parsed.condition.span
    written = rule.split(" if ", 1)[1]
    assert text[span.start : span.end] == written.split(",")[0].split(":")[0].strip()


def test_fmt_writes_the_condition_after_what_is_counted_and_is_idempotent() -> None:
    text = (
        HEAD
        + (
            "  start from full marks\n"
            "  -1   per 1 of rate short of 100   if   not met,proportionally, at most 5\n"
            "  points = rate/10 if met and rate>5,at most 10\n"
            "  points by rate if (met) :\n"
            "    >= 90 -> 10\n"
            "    otherwise -> 5\n"
            "  +1 for each of [met, n > 2] if rate >= 60\n"
        )
        + TAIL
    )
    once = format_text(text)
    assert once.endswith(
        "  start from full marks\n"
        "  -1 per 1 of rate short of 100 if not met, proportionally, at most 5\n"
        "  points = rate / 10 if met and rate > 5, at most 10\n"
        "  points by rate if met:\n"
        "    >= 90     -> 10\n"
        "    otherwise -> 5\n"
        "  +1 for each of [met, n > 2] if rate >= 60\n\n" + TAIL
    )
    assert format_text(once) == once


# ---------------------------------------------------------------- scoring at the boundary


@pytest.mark.parametrize(
    ("rate", "met", "score", "texts"),
    [
        (
            95,
            False,
            "5.00",
            [
                "起评分为满分10分",
                "完成年度目标：否（要求不成立，条件成立），按本条计分",
                "目标完成率 = 95.00%，比100%少5.00个百分点，每少1个百分点扣1分，扣5分",
            ],
        ),
        (
            95,
            True,
            "10.00",
            ["起评分为满分10分", "完成年度目标：是（要求不成立，条件不成立），本条不适用，不计分"],
        ),
        (
            # The condition holds, the quantity is 0: the rule applies and takes nothing.
            100,
            False,
            "10.00",
            [
                "起评分为满分10分",
                "完成年度目标：否（要求不成立，条件成立），按本条计分",
                "目标完成率 = 100.00%，不低于100%，不扣分",
            ],
        ),
        (
            # Capped where it applies.
            20,
            False,
            "3.00",
            [
                "起评分为满分10分",
                "完成年度目标：否（要求不成立，条件成立），按本条计分",
                "目标完成率 = 20.00%，比100%少80.00个百分点，每少1个百分点扣1分，扣80分；"
                "最多扣7分，按扣7分计",
            ],
        ),
    ],
)
def test_a_per_rule_counts_only_where_its_condition_holds(
    rate: int, met: bool, score: str, texts: list[str]
) -> None:
    r = load(
        "start from full marks",
        "-1 per 1 of rate short of 100 if not met, proportionally, at most 7",
    )
    node = r.score(facts(rate=rate, met=met))["i"]
    assert str(node.score) == score
    assert [e.text for e in node.explanation] == texts
    assert sum((e.points for e in node.explanation), Fraction(0)) == node.exact


def test_the_condition_entry_names_the_facts_it_read_and_gives_nothing() -> None:
    r = load("points = rate / 10 if met and rate >= 60")
    node = r.score(facts(rate=50, met=True))["i"]
    (entry,) = node.explanation
    assert entry.kind == "guard"
    assert entry.points == 0
    assert dict(entry.facts) == {"met": True, "rate": 50}
    assert entry.text == (
        "完成年度目标：是；目标完成率为50.00%，不满足“≥ 60%”（各项均须满足，条件不成立），"
        "本条不适用，不计分"
    )


def test_nothing_of_a_rule_is_worked_out_where_its_condition_fails() -> None:
    # The divisor is 0 only where the condition fails: no division by 0, in either scorer.
    r = load("points = 10 * n / n if n > 0")
    assert r.score(facts(n=0))["i"].exact == 0
    assert r.score(facts(n=3))["i"].exact == 10


# ---------------------------------------------------------------- the checker


def test_a_condition_that_is_not_yes_or_no_is_refused() -> None:
    assert error_text("points = rate / 10 if rate, at most 10") == (
        "demo.rub:10:25: a rule's 'if' needs a yes/no condition, found a number [E206]\n"
        "      points = rate / 10 if rate, at most 10\n"
        "                            ^^^^\n"
        "    compare it, as in: x >= 2, or use a bool fact"
    )


def test_bounds_of_a_guarded_rule_include_0() -> None:
    # A bonus with a condition: 0 where it fails, however high the quantity.
    r = load("points = 5 + rate / 20 if met")
    bounds = r.bounds("i")
    assert (bounds.low, bounds.high) == (0, 10)
    assert bounds.low_tight and bounds.high_tight
    assert r.score(bounds.low_facts)["i"].exact == 0
    assert r.score(bounds.high_facts)["i"].exact == 10


def test_w405_reads_the_quantity_where_the_condition_holds() -> None:
    # A plain difference can be below 0; where the condition holds, this one cannot.
    unbounded = load("start from full marks", "-1 per 1 of rate - 90 if met, proportionally")
    assert [w.code for w in unbounded.warnings] == ["W405"]
    guarded = load("start from full marks", "-1 per 1 of rate - 90 if rate > 90, proportionally")
    assert guarded.warnings == ()
    assert guarded.score(facts(rate=93.5))["i"].exact == Fraction(13, 2)
    assert guarded.score(facts(rate=80))["i"].exact == 10


@pytest.mark.parametrize(
    ("rule", "warning"),
    [
        (
            "points = rate / 10 if rate <= 100",
            (
                "W201",
                10,
                25,
                "'rate <= 100' always holds: no facts the rubric accepts make it fail",
            ),
        ),
        (
            "points = rate / 10 if rate > 100",
            ("W202", 11, 25, "'rate > 100' never holds: no facts the rubric accepts meet it"),
        ),
    ],
)
def test_a_condition_that_never_changes_is_warned_of(
    rule: str, warning: tuple[str, int, int, str]
) -> None:
    rules = ("+10 if met", rule) if warning[0] == "W202" else (rule,)
    (found,) = load(*rules).warnings
    assert (found.code, found.line, found.column, found.message) == warning
