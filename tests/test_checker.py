"""The checker: each rule of a valid rubric, one broken at a time, with its exact message."""

from __future__ import annotations

import pytest

import rubric

FACTS = (
    'fact ok: bool "合规"\nfact n: count "户数"\nfact x: number "比率"\n'
    'fact s: set "因素"\nfact t: set of {a "甲", b "乙"} "项目"\n'
    'fact m: level {none "无", high "高"} "等级"\n'
)
USE_ALL = "  +1 if ok or n > 0 or x > 0 or number of s > 0 or a in t or m = high\n"


def messages(body: str, *, facts: str = FACTS, max_: int = 10, head: str = "") -> list[str]:
    text = f'rubric demo "示例" max {max_}\n{head}{facts}indicator q "质量" max {max_}\n{body}'
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text, filename="demo.rub")
    return [d.message for d in caught.value.diagnostics]


def test_the_base_rubric_is_valid() -> None:
    text = f'rubric demo "示例" max 1\n{FACTS}indicator q "质量" max 1\n{USE_ALL}'
    assert rubric.loads(text).id == "demo"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("+1 if n", "an 'if' needs a yes/no condition, found a count"),
        ("+1 if ok and x", "'and' needs a yes/no condition, found a number"),
        ("+1 if not s", "'not' needs a yes/no condition, found a set"),
        ("+1 if ok + 1 > 0", "'+' needs numbers, found a yes/no condition"),
        ("+1 if m > 1", "'>' compares numbers, found a level (none, high) and a count"),
        ("+1 if m = 1", "a level is compared with a count"),
        ("+1 if m = low", "'low' is not one of the levels"),
        ("+1 if c in t", "'c' is not an item this set allows"),
        ("+1 if n in t", "'in' needs a word on its left, found a count"),
        ("+1 if a in m", "'in' needs a set on its right, found a level (none, high)"),
        ("+1 if number of n > 1", "'number of' needs a set, found a count"),
        ("+1 if ok = 1", "cannot compare a yes/no condition with a count"),
        ("+1 for each of m", "'for each of' needs a set, found a level (none, high)"),
        ("+1 for each of [ok, n]", "a 'for each of' list needs a yes/no condition, found a count"),
        ("+1 for each of s, at most 0", "a cap must be more than 0, found 0"),
        ("-1 per 0 of n", "a step must be more than 0, found 0"),
        ("-1 per 1 of ok", "'per' needs a quantity, found a yes/no condition"),
        ("-1 per 1 of x", "this rule does not say how a part of a step counts"),
        ("-1 per 2 of n", "this rule does not say how a part of a step counts"),
        ("+11 if ok", "+11 points in an indicator worth 10"),
        ("start from 11", "starts from 11, above the max 10"),
        ("points by s: otherwise -> 1", "'points by' needs a number or a level, found a set"),
        ("points by n:", "a 'points by' table with no arms"),
        ("points by n: otherwise -> 0, <= 3 -> 1", "'otherwise' must be the last arm"),
        (
            "points by n: high -> 1, otherwise -> 0",
            "'high' is a word, but this table looks up a number",
        ),
        ("points by m: <= 3 -> 1, otherwise -> 0", "a numeric band in a table of levels"),
        ("points by m: high -> 1, high -> 2, otherwise -> 0", "the level 'high' has two arms"),
        ("points by m: high -> 1", "no points given for the level(s) none"),
        ("points by n: <= 3 and > 5 -> 1, otherwise -> 0", "no value can fall in this band"),
        ("points by n: = 3 and > 1 -> 1, otherwise -> 0", "'=' in a band"),
        (
            "points by n: <= 3 -> 1, > 3 -> 0, otherwise -> 2",
            "no value can reach this 'otherwise' arm",
        ),
        (
            "points by n: < 5 -> 1, <= 4.5 -> 2, otherwise -> 0",
            "no value can reach this arm: the bands above already take every value in it",
        ),
        ("+1 if total > 1", "'total' is known only in grade conditions"),
        ("+1 if y", "unknown name 'y'"),
    ],
)
def test_rule_problems(rule: str, expected: str) -> None:
    assert expected in messages(f"{USE_ALL}  {rule}\n")


def test_reachable_bands_pass() -> None:
    text = (
        'rubric demo "示例" max 4\nfact n: number "比率"\nindicator q "质量" max 4\n'
        "  points by n: < 60 -> 0, >= 60 and < 80 -> 2, >= 80 and <= 90 -> 3, > 90 -> 4\n"
    )
    assert rubric.loads(text).score({"n": 90})["q"].score == 3


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ('fact ok: bool >= 1 "合规"\n', "a bound on the bool fact 'ok'"),
        ('fact ok: bool "合规" unit "个"\n', "a unit on a bool fact"),
        ("fact ok: bool\nfact n: count <= n\n", "the fact 'n' is bounded by itself"),
        (
            "fact ok: bool\nfact n: count <= ok\n",
            "a bound must be a number, found a yes/no condition",
        ),
        ("fact ok: bool\nfact n: count = 3\n", "'=' cannot bound a fact"),
        ("fact ok: bool\nfact total: count\n", "'total' is reserved for the rubric's total"),
        ("fact ok: bool\nlet ok = 1\n", "the name 'ok' is already taken"),
        ("fact ok: bool\nlet v = w\nlet w = 1\n", "unknown name 'w'"),
        ("fact ok: bool\nfact m: level {a, a}\n", "'a' is listed twice"),
        (
            "fact ok: bool\nfact n: count >= 12345678901234567890123456789012\n",
            "a number of 32 digits",
        ),
        (
            'fact ok: bool\nfact n: count\nrequire n "必须"\n',
            "a 'require' needs a yes/no condition, found a count",
        ),
        ("fact ok: bool\nfact ok: count\n", "the fact 'ok' is declared twice; first on line 2"),
    ],
)
def test_declaration_problems(facts: str, expected: str) -> None:
    assert expected in messages("  +10 if ok\n", facts=facts)


def test_units_only_on_numbers() -> None:
    assert "a unit on a yes/no condition" in messages(
        USE_ALL, facts=FACTS + 'let flag = ok unit "个"\n'
    )


def test_rounding_places_are_bounded() -> None:
    assert "11 decimal places is more than 10" in messages(
        USE_ALL, head="round indicators to 11 places half up\n"
    )


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        (
            'group g "甲" max 10\nindicator g.a "乙" max 10\n  +10 if ok\nindicator g.a.b "丙" max 1\n'
            "  +1 if ok\n",
            "'g.a' is an indicator, which cannot hold 'g.a.b'",
        ),
        ('indicator a "甲" max 0\n  +1 if ok\n', "max must be more than 0, found 0"),
        ('indicator a "甲" max 10\n', "the indicator 'a' has no rules"),
        (
            'indicator a.b "乙" max 10\n  +10 if ok\ngroup a "甲" max 10\n',
            "the parent group 'a' is not declared",
        ),
        (
            'indicator demo "甲" max 10\n  +10 if ok\n',
            "the id 'demo' is used twice; first on line 1",
        ),
        (
            'indicator a "甲" max 10\n  pool p "加" at most 0\n    +10 if ok\n',
            "a pool's cap must be more than 0, found 0",
        ),
        (
            'indicator a "甲" max 10\n  +5 if ok\n  pool p at most 5\n    +5 if ok\n  pool p at most 5\n'
            "    +5 if ok\n",
            "a second pool named 'p' in this indicator",
        ),
    ],
)
def test_tree_problems(tree: str, expected: str) -> None:
    text = f'rubric demo "示例" max 10\nfact ok: bool "合规"\n{tree}'
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text)
    assert expected in [d.message for d in caught.value.diagnostics]


@pytest.mark.parametrize(
    ("rules", "best"),
    [
        ("+3 for each of t", "7"),  # two allowed items
        ("+3 for each of t, at most 4", "5"),
        ("+2 for each of [ok, n > 1, x > 1]", "7"),
        ("points by m: high -> 4, otherwise -> 0", "5"),
        ("+1 per 1 of n, at most 2", "3"),
        ("start from 6", "7"),
        ("pool p at most 2\n    +5 if ok", "3"),
        ("-3 if ok", "1"),
    ],
)
def test_full_marks_must_be_reachable(rules: str, best: str) -> None:
    points = "point" if best == "1" else "points"
    assert messages(f"{USE_ALL}  {rules}\n") == [
        f"the rules of 'q' can give at most {best} {points}, but its max is 10"
    ]


@pytest.mark.parametrize(
    "rules",
    ["+1 for each of s", "+1 per 1 of n", "start from full marks", "+10 if ok", "+5 for each of t"],
)
def test_rules_that_can_reach_full_marks(rules: str) -> None:
    text = f'rubric demo "示例" max 10\n{FACTS}indicator q "质量" max 10\n{USE_ALL}  {rules}\n'
    assert rubric.loads(text).max == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'rubric d "t" max 1\nround indicators to 0 places half up\nfact a: bool "A"\n'
            'indicator i "i" max 0.5\n  +0.5 if a\nindicator j "j" max 0.5\n  +0.5 if a\n',
            "max 0.5 has more decimals than the 0 places scores are rounded to",
        ),
        (
            'rubric d "t" max 2\nfact s: set "S"\nlet w = "a"\nindicator i "i" max 2\n'
            "  +2 if w in s\n",
            "a value cannot be a bare word",
        ),
        (
            'rubric d "t" max 2\nfact x: count "X"\nindicator i "i" max 2\n  +2 if x / 0 >= 1\n',
            "a division by zero",
        ),
        (
            'rubric d "t" max 2\nfact x: count <= zz "X"\nindicator i "i" max 2\n  +2 if x > 1\n',
            "unknown name 'zz'",
        ),
        (
            'rubric d "t" max 2\nfact x: count "X"\nindicator d.i "i" max 2\n  +2 if x > 1\n',
            "'d' is the rubric's own id, which ids below it leave out",
        ),
        (
            'rubric d "t" max 2\nfact x: count "X"\n'
            + "".join(
                f'group {".".join(f"g{j}" for j in range(i + 1))} "g" max 2\n' for i in range(20)
            )
            + 'indicator g0.i "i" max 2\n  +2 if x > 1\n',
            "the id 'g0.g1.g2.g3.g4.g5.g6.g7.g8.g9.g10.g11.g12.g13.g14.g15.g16' nests 17 levels "
            "deep, more than 16",
        ),
        (
            'rubric d "t" max 2\nfact x: count "X"\nlet v0 = x\n'
            + "".join(f"let v{i} = v{i - 1} + 1\n" for i in range(1, 120))
            + 'indicator i "i" max 2\n  +2 if v119 > 1\n',
            "the value 'v100' is built on a chain of values 201 levels deep, more than 200",
        ),
    ],
)
def test_limits_and_impossible_values(text: str, expected: str) -> None:
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text)
    assert expected in [d.message for d in caught.value.diagnostics]


def test_an_unused_local_value_is_reported_whatever_the_order() -> None:
    body = "  let spare = 1\n  +1 if a\n"
    for first, second in ((body, "  +1 if nope\n"), ("  +1 if nope\n", body)):
        text = (
            'rubric d "t" max 2\nfact a: bool "A"\n'
            f'indicator i "i" max 1\n{first}indicator j "j" max 1\n{second}'
        )
        with pytest.raises(rubric.RubricCheckError) as caught:
            rubric.loads(text)
        # A misspelt name may explain an unused one: only the misspelling is reported.
        assert [d.message for d in caught.value.diagnostics] == ["unknown name 'nope'"]


def test_the_deepest_rubric_the_checker_allows_still_scores() -> None:
    # Values chained to the limit, used in a rule as long as a line may be, inside brackets
    # as deep as a line may nest them: scoring recurses through all of it.
    lets = "let v0 = a\n" + "".join(f"let v{i} = v{i - 1} + 1\n" for i in range(1, 100))
    terms = " + ".join(["a"] * 25)
    rule = "(" * 12 + f"v99 + {terms}" + ")" * 12
    text = (
        f'rubric d "t" max 1\nfact a: count "A"\n{lets}'
        f'indicator i "i" max 1\n  +1 per 1 of {rule}, proportionally\n'
    )
    result = rubric.loads(text).score({"a": 0})
    assert result["i"].score == 1
