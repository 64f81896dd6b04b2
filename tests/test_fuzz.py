"""Random and mutated rubric text: only RubricError comes out, pointing inside the text."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

import rubric
from conftest import ANHUI

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
