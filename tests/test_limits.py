"""Limits: hostile and huge rubrics end in a clear error naming the limit, never a traceback."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import rubric
from big_rubrics import rubric_text
from rubric._limits import DEFAULT, Limits
from rubric.cli import main
from rubric.dsl import Source, parse
from rubric.dsl import nodes as n
from rubric.dsl.source import read

HEAD = 'rubric r "题" max 10\nfact x: count "数"\nfact ok: bool "是"\nindicator q "指标" max 10\n'
RAISE = "the limit is Limits.{}; software that embeds rubric can raise it (docs/limits.md)"


def refused(text: str, limits: Limits | None = None) -> rubric.RubricSyntaxError:
    """The syntax error a rubric's text gets (compiled, or read with limits); nothing else."""
    with pytest.raises(rubric.RubricSyntaxError) as caught:
        _compile(text) if limits is None else parse(Source(text, "h.rub"), limits)
    return caught.value


def _compile(text: str) -> object:
    return rubric.loads(text, filename="h.rub")


def only(error: rubric.RubricSyntaxError) -> tuple[str, str, str]:
    """The one problem of an error: its message, its hint and its code."""
    (diagnostic,) = error.diagnostics
    return diagnostic.message, diagnostic.hint, diagnostic.code


def test_absurd_rounding_places_are_refused_before_any_arithmetic() -> None:
    error = refused(HEAD.replace("fact x", "round indicators to 999999999 places half up\nfact x"))
    assert str(error) == (
        "h.rub:2:1: rounding to 999999999 places, more places than a number may have digits "
        "(1000) [E504]\n"
        "    round indicators to 999999999 places half up\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "    round to at most 10 places; 2 is usual\n"
        f"    {RAISE.format('literal_digits')}"
    )
    assert error.diagnostics[0].code == "E504"


def test_rounding_places_of_5000_digits_are_not_converted() -> None:
    error = refused(HEAD.replace("fact x", f"round total to {'9' * 5000} places down\nfact x"))
    assert only(error) == (
        "a number of 5000 digits, more than the limit of 1000",
        f"numbers in a rubric have at most 30 digits\n{RAISE.format('literal_digits')}",
        "E503",
    )
    assert (error.line, error.column) == (2, 16)


def test_eleven_places_are_left_to_the_checker() -> None:
    text = (
        HEAD.replace("fact x", "round total to 11 places down\nfact x") + "  +10 if ok or x > 1\n"
    )
    with pytest.raises(rubric.RubricCheckError, match="11 decimal places is more than 10"):
        rubric.loads(text)


def test_a_thousand_arms_on_one_line() -> None:
    arms = ", ".join(f"<= {i} -> {i % 10}" for i in range(1000))
    error = refused(f"{HEAD}  points by x: {arms}, otherwise -> 0\n")
    assert only(error) == (
        "a 'points by' table with more arms than the limit of 200",
        "a table has a few tiers: merge neighbouring bands, or compute the points with a formula "
        f"(points = …)\n{RAISE.format('table_arms')}",
        "E505",
    )
    assert error.source.text[error.offset :].startswith("<= 200 -> 0,")


def test_two_thousand_arm_lines() -> None:
    arms = "".join(f"    <= {i} -> {i % 10}\n" for i in range(2000))
    error = refused(f"{HEAD}  points by x:\n{arms}    otherwise -> 0\n")
    assert only(error)[0] == "a 'points by' table with more arms than the limit of 200"
    assert (error.line, error.column) == (206, 5)


def test_arms_may_be_as_many_as_the_limit_allows() -> None:
    arms = "".join(f"    <= {i} -> {i % 10}\n" for i in range(300))
    document = parse(Source(f"{HEAD}  points by x:\n{arms}", "h.rub"), Limits(table_arms=300))
    (indicator,) = document.nodes
    assert isinstance(indicator, n.Indicator) and isinstance(indicator.rules[0], n.Table)
    assert len(indicator.rules[0].arms) == 300


def test_a_megabyte_line_of_terms() -> None:
    line = "  points = " + " + ".join(["x"] * 260_000)
    error = refused(f"{HEAD}{line}\n")
    assert only(error) == (
        f"this line is {len(line)} characters long, more than the limit of 50000",
        "split it: a long condition into named values, each on its own 'let' line\n"
        + RAISE.format("line_chars"),
        "E502",
    )
    assert (error.line, error.column) == (5, 3)


def test_a_long_line_of_terms_with_the_line_limit_raised() -> None:
    line = "  points = " + " + ".join(["x"] * 60_000)
    error = refused(f"{HEAD}{line}\n", Limits(line_chars=2_000_000))
    assert only(error)[0::2] == ("this line is more than 64 operations long or deep", "E507")


def test_a_megabyte_number() -> None:
    error = refused(f"{HEAD}  +10 if x > {'9' * 1_000_000}\n")
    assert only(error)[0] == "this line is 1000013 characters long, more than the limit of 50000"


def test_a_megabyte_number_with_the_line_limit_raised_is_never_converted() -> None:
    error = refused(f"{HEAD}  +10 if x > {'9' * 1_000_000}\n", Limits(line_chars=2_000_000))
    assert only(error)[0::2] == ("a number of 1000000 digits, more than the limit of 1000", "E503")
    assert (error.line, error.column) == (5, 14)


def test_a_number_of_31_digits_is_left_to_the_checker() -> None:
    with pytest.raises(rubric.RubricCheckError, match="a number of 31 digits"):
        rubric.loads(f"{HEAD}  +10 if x > {'9' * 31} or ok\n")


def test_a_level_of_20000_words() -> None:
    words = ", ".join(f"w{i}" for i in range(20_000))
    text = HEAD.replace('fact ok: bool "是"', f"fact ok: level {{{words}}}") + "  +10 if ok = w1\n"
    assert only(refused(text))[0::2] == (
        f"this line is {len(words) + 17} characters long, more than the limit of 50000",
        "E502",
    )
    error = refused(text, Limits(line_chars=200_000))
    assert only(error) == (
        "a list of 20000 items, more than the limit of 1000",
        "a rubric lists a few words or conditions at a time: shorten the list\n"
        + RAISE.format("list_items"),
        "E506",
    )
    document = parse(Source(text), Limits(line_chars=200_000, list_items=20_000))
    assert document.facts[1].type.words is not None and len(document.facts[1].type.words) == 20_000


def test_a_long_list_of_conditions() -> None:
    items = ", ".join(["ok"] * 1001)
    assert only(refused(f"{HEAD}  +1 for each of [{items}]\n"))[0::2] == (
        "a list of 1001 items, more than the limit of 1000",
        "E506",
    )


def test_5000_groups_and_10000_indicators_are_read() -> None:
    for text, nodes in ((rubric_text(5000, per_group=1), 10_000), (rubric_text(10_000), 11_000)):
        assert len(parse(Source(text)).nodes) == nodes


def test_more_groups_and_indicators_than_the_limit() -> None:
    error = refused(rubric_text(30), Limits(ids=32))
    assert only(error) == (
        "more groups and indicators than the limit of 32",
        "a rubric has at most a few thousand indicators: check that this is the rubric file\n"
        + RAISE.format("ids"),
        "E509",
    )
    assert error.source.text[error.offset :].startswith("g2.i29 ")


def test_a_long_id() -> None:
    error = refused(HEAD.replace("q", "q" * 300))
    assert only(error) == (
        f"the name '{'q' * 40}…' is 300 characters long, more than the limit of 200",
        f"shorten it\n{RAISE.format('id_chars')}",
        "E510",
    )
    error = refused(HEAD.replace("fact x", "fact xyz"), Limits(id_chars=2))
    assert only(error) == (
        "the name 'xyz' is 3 characters long, more than the limit of 2",
        f"shorten it\n{RAISE.format('id_chars')}",
        "E510",
    )


def test_a_hundred_thousand_bad_lines_are_counted_not_shown() -> None:
    error = refused(f"{HEAD}  +10 if ok\n" + "bogus line\n" * 100_000)
    assert len(error.diagnostics) == 100
    assert error.omitted == 99_900
    assert {d.code for d in error.diagnostics} == {"E102"}
    assert str(error).endswith(
        "\n… and 99900 more problems, not shown\n100000 problems found in h.rub"
    )
    assert len(str(error)) < 40_000


def test_a_hundred_thousand_misplaced_pools_are_counted_not_shown() -> None:
    error = refused(HEAD.replace("indicator q", "pool p at most 3\n" * 100_000 + "indicator q"))
    assert (len(error.diagnostics), error.omitted) == (100, 99_900)
    assert error.diagnostics[0].message == "a pool outside any indicator"
    assert error.diagnostics[0].code == "E118"


def test_the_report_is_capped_at_the_limit() -> None:
    error = refused(f"{HEAD}bogus\nbogus\nbogus\n", Limits(errors=1))
    assert str(error).endswith("\n… and 2 more problems, not shown\n3 problems found in h.rub")
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.omitted) == (str(error), 2)


def test_a_text_larger_than_the_limit() -> None:
    error = refused(HEAD + "# 注释\n" * 10, Limits(file_bytes=100))
    assert str(error) == (
        "h.rub:1:1: this rubric is longer than the limit of 100 bytes [E501]\n"
        "    \n"
        "    ^\n"
        "    a rubric of thousands of indicators takes a few megabytes: check that this is the "
        "rubric file\n"
        f"    {RAISE.format('file_bytes')}"
    )


def test_a_file_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.rub"
    path.write_text(HEAD, encoding="utf-8")
    assert read(path, Limits(file_bytes=len(HEAD.encode()))).text == HEAD
    with pytest.raises(rubric.RubricSyntaxError) as caught:
        read(path, Limits(file_bytes=20))
    assert only(caught.value)[0::2] == ("this rubric is longer than the limit of 20 bytes", "E501")


def test_checking_dev_zero_reads_a_bounded_amount(capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    assert main(["check", "/dev/zero"]) == 1
    assert capsys.readouterr().err.startswith(
        "/dev/zero:1:1: this rubric is longer than the limit of 10000000 bytes [E501]\n"
    )


def test_limits_must_be_whole_numbers_of_one_or_more() -> None:
    assert Limits(errors=5).errors == 5 and Limits() == DEFAULT
    for bad in (0, -1, 2.5, True):
        with pytest.raises(
            ValueError, match=r"^Limits\.errors must be a whole number of 1 or more"
        ):
            Limits(errors=bad)  # type: ignore[arg-type]


def test_syntax_problems_carry_codes() -> None:
    error = refused(f"{HEAD}  +2\n  2 if ok\nbogus\n  × if ok\n")
    assert [d.code for d in error.diagnostics] == ["E101", "E103", "E102", "E101"]
