"""Random and mutated rubric text: only RubricError comes out, pointing inside the text."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import rubric
from conftest import ANHUI
from paths import agree
from rubric._limits import Limits

ANHUI_TEXT = ANHUI.read_text(encoding="utf-8")
TOKENS = [
    "rubric",
    "fact",
    "indicator",
    "group",
    "pool",
    "let",
    "require",
    "grade",
    "round",
    "start",
    "points by",
    "for each of",
    "per",
    "of",
    "if",
    "and",
    "or",
    "not",
    "at most",
    "otherwise",
    "short of",
    "over",
    "number of",
    "->",
    "→",
    "≥",
    "<=",
    ":",
    ",",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    '"标题"',
    '"',
    "+1",
    "-0.5",
    "100",
    "0",
    "x",
    "a.b",
    "bool",
    "count",
    "set of",
    "level",
    "max",
    "full marks",
    "proportionally",
    "\n",
    "\n  ",
    "#",
    "：",
    "（",
    "total",
    "unit",
]


def assert_only_rubric_errors(text: str) -> None:
    try:
        compiled = rubric.loads(text, filename="fuzz.rub")
    except (rubric.RubricSyntaxError, rubric.RubricCheckError) as error:
        assert error.diagnostics
        for d in error.diagnostics:
            assert 0 <= d.span.start <= len(text)
            assert d.span.start <= d.span.end
        assert str(error).startswith(f"fuzz.rub:{error.line}:{error.column}: ")
        assert 0 <= error.offset <= len(text)
    else:
        assert isinstance(compiled, rubric.Rubric)
        # The analysis behind warnings and bounds, worked out when asked, raises nothing.
        for warning in compiled.warnings:
            assert warning.code.startswith("W") and warning.severity == "warning"
            assert 0 <= warning.span.start <= warning.span.end <= len(text)
        total = compiled.bounds()
        assert total.low is None or total.high is None or total.low <= total.high


@given(st.text(max_size=300))
@example("")
@example("\ufeff")
@example("rubric")
@example('rubric x "t" max 1\n')
def test_random_text(text: str) -> None:
    assert_only_rubric_errors(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_random_token_soup(text: str) -> None:
    assert_only_rubric_errors('rubric x "标题" max 10\n' + text)


@given(st.data())
def test_mutated_anhui_rubric(data: st.DataObject) -> None:
    text = ANHUI_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        size = data.draw(st.integers(1, 12))
        piece = data.draw(st.sampled_from(TOKENS) | st.text(max_size=3))
        if action == "delete":
            text = text[:at] + text[at + size :]
        elif action == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + size :]
    assert_only_rubric_errors(text)


# ---------------------------------------------------------------- large and hostile rubrics, scored

HOSTILE_FACTS = (
    'fact a: count "甲数"\nfact b: count >= 1 "乙数"\nfact x: number "丙值"\n'
    'fact y: number >= -5 and <= 5 "丁值"\nfact ok: bool "合规"\n'
    'require a >= 0 and b >= 1 and (x > 0 or x <= 0) and y <= 5 and (ok or not ok) "总成立"\n'
)
OPERATORS = ["+", "-", "*", "/"]


@st.composite
def literal(draw: st.DrawFn) -> str:
    """A number as a rubric may write it: up to 30 digits, whole or with decimals."""
    digits = draw(st.integers(1, 30))
    whole = str(draw(st.integers(10 ** (digits - 1), 10**digits - 1)))
    if draw(st.booleans()) and digits > 1:
        cut = draw(st.integers(1, digits - 1))
        return f"{whole[:cut]}.{whole[cut:]}"
    return whole


@st.composite
def expression(draw: st.DrawFn, names: list[str], depth: int = 2) -> str:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(names) | literal())
    left = draw(expression(names, depth - 1))
    right = draw(expression(names, depth - 1))
    op = draw(st.sampled_from(OPERATORS))
    return f"({left} {op} {right})" if draw(st.booleans()) else f"{left} {op} {right}"


@st.composite
def hostile_rule(draw: st.DrawFn, names: list[str], max_: int) -> str:
    e = draw(expression(names))
    k = draw(st.sampled_from(["0.5", "1", "3", "0.001"]))
    t = draw(st.integers(-5, 50))
    reading = draw(
        st.sampled_from(["proportionally", "whole steps only", "any part counts as a step"])
    )
    return draw(
        st.sampled_from(
            [
                f"points = {e}, at most {max_}",
                f"points = {e}",
                f"+{k} per {draw(literal())} of {e}, {reading}, at most {max_}",
                f"-{k} per 0.5 of {e}, {reading}",
                f"+{k} if {e} > {t}",
                f"points by {e}: <= {t} -> {k}, > {t} and <= {t + 7} -> 0 to {max_}, "
                "otherwise -> 0",
                f"points by {e}: >= {t} and <= {t} -> 0 to {max_}, otherwise -> {k}",
                f"+{k} for each of [ok, {e} >= {t}, a > {t}], at most {max_}",
            ]
        )
    )


@st.composite
def hostile_rubric(draw: st.DrawFn) -> str:
    """A rubric of many indicators whose values multiply, divide and chain without bound."""
    names = ["a", "b", "x", "y"]
    lets = []
    for i in range(draw(st.integers(0, 12))):
        e = draw(expression(names, 3))
        if draw(st.integers(0, 3)) == 0:  # a clamped difference, which reads only whole
            e = f"{draw(st.sampled_from(names))} {draw(st.sampled_from(['short of', 'over']))} {e}"
        lets.append(f'let v{i} "值{i}" = {e}\n')
        names.append(f"v{i}")
    groups = []
    total = 0
    for g in range(draw(st.integers(1, 4))):
        way = draw(st.sampled_from(["", ", scaled", ", best of", ", one of"]))
        items = []
        count = draw(st.integers(1, 12))
        for i in range(count):
            max_ = draw(st.integers(1, 9))
            body = [f"+{max_} if ok"] + [
                draw(hostile_rule(names, max_)) for _ in range(draw(st.integers(0, 3)))
            ]
            if way == ", one of":
                body.append(
                    f"not applicable if a != {i}" if i else f"not applicable if a < {count}"
                )
            elif draw(st.integers(0, 3)) == 0:
                # A group that renormalises takes no policy of its parts but full marks.
                policy = draw(
                    st.sampled_from(["full marks"] if way else ["full marks", "rescale the total"])
                )
                body.append(f"not applicable if {draw(expression(names))} > 0, {policy}")
            items.append(
                f'indicator g{g}.i{i} "指标{g}.{i}" max {max_}\n'
                + "".join(f"  {line}\n" for line in body)
            )
        group_max = draw(st.integers(1, 20)) if way else None
        if group_max is None:
            group_max = sum(int(item.split(" max ")[1].split("\n")[0]) for item in items)
        total += group_max
        groups.append(f'group g{g} "组{g}" max {group_max}{way}\n' + "".join(items))
    if lets:  # every value read somewhere, as the checker asks
        reads = " or ".join(f"v{i} > 1" for i in range(len(lets)))
        groups.append(
            f'group tail "其余" bonus at most 1\nindicator tail.i "其余" max 1\n'
            f"  +1 if ok and ({reads})\n"
        )
    places = draw(st.integers(0, 3))
    scope = draw(st.sampled_from(["indicators", "total"]))
    negative = "allow negative total\n" if draw(st.booleans()) else ""
    head = f'rubric h "敌意" max {total}\nround {scope} to {places} places half up\n{negative}'
    return head + HOSTILE_FACTS + "".join(lets) + "".join(groups)


@st.composite
def hostile_facts(draw: st.DrawFn, digits: int) -> dict[str, object]:
    """Facts for hostile rubrics: 0, 1 and numbers up to the digit limit, and past it."""
    big = st.integers(0, digits + 2).map(lambda d: 10**d - draw(st.integers(0, 1)))
    count = st.integers(0, 3) | big
    number = st.builds(
        Fraction,
        st.integers(-3, 3) | big | big.map(lambda v: -v),
        st.integers(1, 3) | big.filter(bool),
    )
    return {
        "a": draw(count),
        "b": draw(count.filter(bool)),
        "x": draw(number | st.decimals(allow_nan=False, allow_infinity=False, places=3)),
        "y": draw(st.sampled_from([-5, 0, Fraction(1, 3), 5, -5, 0, 5, 6])),
        "ok": draw(st.booleans()),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_rubric(), st.integers(20, 300), st.integers(3, 40), st.data())
def test_hostile_rubrics_score_or_end_in_a_rubric_error(
    text: str, exact: int, digits: int, data: st.DataObject
) -> None:
    limits = Limits(exact_digits=exact, fact_digits=digits)
    try:
        r = rubric.loads(text, filename="hostile.rub", limits=limits)
    except (rubric.RubricSyntaxError, rubric.RubricCheckError) as error:
        assert error.diagnostics
        return
    for _ in range(3):
        agree(r, data.draw(hostile_facts(digits)), strict=False)
