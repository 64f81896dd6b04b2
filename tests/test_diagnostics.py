"""Diagnostic codes: every code documented with a bad and a good rubric, planted mistakes caught
at their line with their code, warnings silenced by a comment, reports capped, tables checked
in n log n steps and right."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rubric
from conftest import ROOT
from rubric._check import bands
from rubric._check.codes import CODES
from rubric._check.intervals import Interval, IntervalUnion, from_bounds
from rubric._check.names import did_you_mean
from rubric._limits import DEFAULT
from rubric.dsl import nodes as n
from rubric.dsl.source import Span

DOC = ROOT / "docs" / "diagnostics.md"
EXAMPLES = ROOT / "docs" / "examples" / "diagnostics"
PLANTED = sorted((ROOT / "tests" / "cases" / "planted").glob("*.rub"))
ROW = re.compile(r"^\| ([EW]\d{3}) \| (.+?) \| `(.+?)` \| `(.+?)` \|$")


def table() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        found = ROW.match(line)
        if found:
            code, what, bad, good = found.groups()
            rows.append((code, what, bad, good))
    return rows


ROWS = table()


def problems(text: str, name: str) -> list[rubric.Diagnostic]:
    """The errors of a rubric, or its warnings if it has none."""
    try:
        return list(rubric.loads(text, filename=name).warnings)
    except (rubric.RubricSyntaxError, rubric.RubricCheckError) as error:
        return list(error.diagnostics)


def test_the_table_lists_every_code_once_in_order() -> None:
    assert [row[0] for row in ROWS] == sorted(CODES)
    assert {row[0]: row[1] for row in ROWS} == CODES


@pytest.mark.parametrize(("code", "what", "bad", "good"), ROWS, ids=[row[0] for row in ROWS])
def test_each_code_has_a_bad_and_a_good_rubric(code: str, what: str, bad: str, good: str) -> None:
    bad_text = (EXAMPLES / f"{code}-bad.rub").read_text(encoding="utf-8")
    lines = [line.strip() for line in bad_text.splitlines()]
    assert bad in lines, f"the table's bad line is not in {code}-bad.rub"
    found = [d for d in problems(bad_text, f"{code}-bad.rub") if d.code == code]
    assert found, f"{code}-bad.rub does not report {code}"
    assert found[0].line == lines.index(bad) + 1
    assert found[0].severity == ("warning" if code.startswith("W") else "error")
    good_text = (EXAMPLES / f"{code}-good.rub").read_text(encoding="utf-8")
    assert good in [line.strip() for line in good_text.splitlines()]
    compiled = rubric.loads(good_text, filename=f"{code}-good.rub")
    assert code not in {w.code for w in compiled.warnings}


@pytest.mark.parametrize("path", PLANTED, ids=[p.stem for p in PLANTED])
def test_planted_mistakes_are_caught_at_their_line_with_their_code(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    planted = {
        (number, code)
        for number, line in enumerate(text.splitlines(), 1)
        for code in re.findall(r"# planted: ([EW]\d{3})", line)
    }
    assert planted
    assert {(d.line, d.code) for d in problems(text, path.name)} == planted


def test_every_problem_of_the_golden_files_has_a_code() -> None:
    for path in sorted((ROOT / "tests" / "golden" / "errors").glob("check_*.rub")):
        for diagnostic in problems(path.read_text(encoding="utf-8"), path.name):
            assert diagnostic.code in CODES, (path.name, diagnostic.message)
            assert diagnostic.line > 0 and diagnostic.column > 0


def test_the_docs_example_of_a_silenced_warning_has_no_warning() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```rub\n(.*?rubric: ignore W402.*?)```", text, re.S)
    assert block is not None
    assert rubric.loads(block.group(1)).warnings == ()
    unsilenced = block.group(1).replace("rubric: ignore W402", "")
    assert [w.code for w in rubric.loads(unsilenced).warnings] == ["W402"]


@pytest.mark.parametrize(
    "comment",
    [
        "# rubric: ignore W402",
        "#rubric:ignore W402",
        "# the notice says so; rubric: ignore W401, W402",
        "# rubric: ignore W403 W402",
    ],
)
def test_forms_of_the_silencing_comment(comment: str) -> None:
    text = (EXAMPLES / "W402-bad.rub").read_text(encoding="utf-8").rstrip("\n")
    assert rubric.loads(f"{text}  {comment}\n").warnings == ()


def test_a_silencing_comment_in_quotes_is_not_one() -> None:
    text = (
        'rubric demo "示例 # rubric: ignore W201" max 10\n'
        'fact n: count "件数"\nindicator q "质量" max 10\n  +5 if n >= 0\n  +5 if n > 2\n'
    )
    assert [w.code for w in rubric.loads(text).warnings] == ["W201"]
    assert (
        rubric.loads(text.replace("n >= 0\n", 'n >= 0  # "a" rubric: ignore W201\n')).warnings == ()
    )


def test_errors_are_capped_and_the_rest_counted() -> None:
    count = DEFAULT.errors + 50
    facts = "".join(f'fact item_{i}: bool "事项{i}"\n' for i in range(count))
    items = "".join(f'indicator i{i} "指标" max 1\n  +1 if itme_{i}\n' for i in range(count))
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(f'rubric m "拼写" max {count}\n{facts}{items}', filename="m.rub")
    error = caught.value
    assert len(error.diagnostics) == DEFAULT.errors
    assert error.omitted == 50
    assert str(error).endswith(
        f"… and 50 more problems, not shown\n{count} problems found in m.rub"
    )
    # The first ones in the text are the ones shown, each with its suggestion.
    assert error.diagnostics[0].hint.startswith("did you mean 'item_0'?")
    assert error.line == 2 + count + 1


def test_did_you_mean_among_many_names_finds_the_close_one() -> None:
    names = [f"households_item_{i}" for i in range(10_000)]
    assert did_you_mean("househlds_item_7345", names) == "did you mean 'households_item_7345'?"
    assert did_you_mean("zzzz", names) == ""


def test_rounding_to_a_billion_places_is_refused_at_once() -> None:
    text = 'rubric r "r" max 1\nround indicators to 999999999 places half up\nfact a: bool\n'
    text += 'indicator q "q" max 1\n  +1 if a\n'
    # The parser refuses it before anything is computed; the checker refuses 11 places.
    with pytest.raises(rubric.RubricSyntaxError) as caught:
        rubric.loads(text)
    assert [(d.code, d.message) for d in caught.value.diagnostics] == [
        ("E504", "rounding to 999999999 places, more places than a number may have digits (1000)")
    ]
    with pytest.raises(rubric.RubricCheckError) as checked:
        rubric.loads(text.replace("999999999", "11"))
    assert [(d.code, d.message) for d in checked.value.diagnostics] == [
        ("E511", "11 decimal places is more than 10")
    ]


def test_a_one_value_linear_band_is_refused() -> None:
    # It used to pass the checker and divide by zero when a unit scored 5.
    text = 'rubric r "r" max 10\nfact x: count "x"\nindicator q "q" max 10\n'
    text += "  points by x: >= 5 and <= 5 -> 0 to 10, otherwise -> 10\n"
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text)
    assert [d.code for d in caught.value.diagnostics] == ["E426"]


_CAPPED = """rubric r "r" max 20
fact rate: number >= 0 and <= 50 "完成率" unit "%"
fact late: bool "迟报"
fact n: count "件数"
indicator q "质量" max 10
  points = rate / 10
  {line}
indicator p "进度" max 10
  +10 if n = 0
group minus "扣分" deductions at most 5
indicator minus.a "扣分"
  -1 per 1 of n
  {deduction}
"""


def _refused(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text)
    return [(d.line, d.code, d.message) for d in caught.value.diagnostics]


@pytest.mark.parametrize("cap", ["5", "5.5", "9"])
def test_a_cap_at_or_above_the_proved_high_is_refused(cap: str) -> None:
    text = _CAPPED.format(line=f"at most {cap} if late", deduction="-1 if late")
    assert _refused(text) == [
        (
            7,
            "E331",
            f"at most {cap} never changes the score of 'q': it is never above 5 before this line",
        )
    ]


@pytest.mark.parametrize("line", ["at most 4.99 if late", "at most 0 if late", "× 0.99 if late"])
def test_a_cap_or_multiplier_below_the_proved_high_is_accepted(line: str) -> None:
    rubric.loads(_CAPPED.format(line=line, deduction="-1 if late"))


@pytest.mark.parametrize(
    ("deduction", "start"), [("at most 0 if late", "at most 0"), ("× 0.5 if late", "× 0.5")]
)
def test_a_cap_or_multiplier_on_a_deduction_is_refused(deduction: str, start: str) -> None:
    text = _CAPPED.format(line="at most 4 if late", deduction=deduction)
    assert _refused(text) == [
        (
            13,
            "E331",
            f"{start} never changes the score of 'minus.a': a deduction's score is never above 0",
        )
    ]


@pytest.mark.parametrize(("cap", "refused"), [("15", True), ("14.5", False)])
def test_a_cap_on_the_total_is_held_to_the_proved_total(cap: str, refused: bool) -> None:
    # 'q' scores at most 5 and 'p' 10: the total is never above 15.
    text = _CAPPED.format(line="at most 4 if late", deduction="-1 if late")
    text = text.replace("fact rate:", f"at most {cap} if late\nfact rate:")
    if refused:
        assert _refused(text) == [
            (
                2,
                "E331",
                f"at most {cap} never changes the score of the total: it is never "
                "above 15 before this line",
            )
        ]
    else:
        rubric.loads(text)


# ---------------------------------------------------------------- tables, against brute force

bounds = st.lists(
    st.tuples(st.sampled_from(["<", "<=", ">", ">="]), st.integers(0, 12)), min_size=1, max_size=2
)


def _band(pairs: list[tuple[str, int]]) -> n.Band:
    span = Span(0, 1)
    return n.Band(span, tuple((op, n.Number(span, Fraction(v), str(v))) for op, v in pairs))


def _table(all_bounds: list[list[tuple[str, int]]]) -> n.Table:
    span = Span(0, 1)
    arms = tuple(n.Arm(span, _band(b), None, n.Number(span, Fraction(1), "1")) for b in all_bounds)
    return n.Table(span, n.Name(span, "x"), arms)


PROBES = [Fraction(k, 2) for k in range(-4, 30)]


@given(st.lists(bounds, min_size=1, max_size=30))
def test_each_arm_is_reached_by_exactly_the_values_no_band_above_takes(
    all_bounds: list[list[tuple[str, int]]],
) -> None:
    shape = bands.number_shape(_table(all_bounds))
    intervals = [from_bounds(tuple((op, Fraction(v)) for op, v in b)) for b in all_bounds]
    for x in PROBES:
        first = next((i for i, iv in enumerate(intervals) if iv.holds(x)), None)
        for index, reach in enumerate(shape.arms):
            assert any(p.holds(x) for p in reach.pieces) == (index == first), (x, index)
    union = IntervalUnion()
    for iv in intervals:
        union.add(iv)
    for x in PROBES:
        assert union.covers(Interval(*[(0, x, 0)] * 2)) == any(iv.holds(x) for iv in intervals)


@given(st.lists(bounds, min_size=2, max_size=40))
def test_partial_overlaps_are_found_whatever_the_size_of_the_table(
    all_bounds: list[list[tuple[str, int]]],
) -> None:
    intervals = [from_bounds(tuple((op, Fraction(v)) for op, v in b)) for b in all_bounds]
    shape = bands.number_shape(_table(all_bounds))
    found = {later for later, _, _ in shape.overlaps}
    for index, reach in enumerate(shape.arms):
        band = intervals[index]
        if band.empty or not reach.pieces:
            assert index not in found
            continue
        sticks_out = any(
            not other.empty and not other.meet(band).empty and not other.within(band)
            for other in intervals[:index]
        )
        assert (index in found) == sticks_out, (index, all_bounds)
    for later, earlier, overlap in shape.overlaps:
        assert earlier < later
        assert overlap.within(intervals[later]) and overlap.within(intervals[earlier])
