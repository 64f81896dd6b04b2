"""Limits: hostile and huge rubrics end in a clear error naming the limit, never a traceback."""

from __future__ import annotations

import pickle
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rubric
from big_rubrics import ONE_OF, rubric_text
from paths import agree
from rubric._checker import NodeBounds
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


def test_a_table_of_3000_arms_is_checked_arm_by_arm_when_the_limit_allows() -> None:
    head = 'rubric r "题" max 10\nfact x: count "数"\nindicator q "指标" max 10\n'
    arms = "".join(f"    <= {i} -> {1 + i % 10}\n" for i in range(3000))
    text = f"{head}  points by x:\n{arms}    otherwise -> 0\n"
    wide = Limits(table_arms=3001)
    assert rubric.loads(text, limits=wide).bounds("q") == NodeBounds(
        Fraction(0), Fraction(10), True, True
    )
    # An arm in the middle that the arms above already cover is found, on its line.
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text.replace("    <= 1500 -> ", "    <= 1497 -> ", 1), limits=wide)
    assert [(d.code, d.message) for d in caught.value.diagnostics] == [
        ("E416", "no value can reach this arm: the bands above already take every value in it")
    ]
    assert caught.value.line == 1505


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
    assert len(parse(Source(rubric_text(5000, per_group=1))).nodes) == 10_000
    # Checked and compiled too (benchmarks/bench_compile.py times it).
    big = rubric.loads(rubric_text(10_000))
    assert (len(big.outline()), len(big.facts), big.max) == (11_001, 15_000, 40_000)


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


@pytest.mark.parametrize(
    ("lines", "code", "first"),
    [
        ('fact x: count "数"\n', "E202", "the fact 'x' is declared twice; first on line 2"),
        ("  +1 if x > y{i}\n", "E201", "unknown name 'y0'"),
        ('require x > z{i} "说明"\n', "E201", "unknown name 'z0'"),
    ],
    ids=["duplicate facts", "unknown names", "requires"],
)
def test_fifty_thousand_bad_lines_the_checker_finds_are_counted_not_shown(
    lines: str, code: str, first: str
) -> None:
    body = "".join(lines.format(i=i) for i in range(50_000))
    rule = "  +10 if ok and x > 1\n"
    if lines.startswith("  "):
        text = f"{HEAD}{rule}{body}"
    else:
        text = HEAD.replace('fact ok: bool "是"\n', f'fact ok: bool "是"\n{body}') + rule
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text, filename="h.rub")
    error = caught.value
    assert (len(error.diagnostics), error.diagnostics[0].code) == (100, code)
    assert error.diagnostics[0].message == first
    assert error.omitted >= 49_900
    assert str(error).endswith(
        f"… and {error.omitted} more problems, not shown\n"
        f"{error.omitted + 100} problems found in h.rub"
    )
    assert len(str(error)) < 40_000


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


# ---------------------------------------------------------------- checking: the rubric's limits


def check_error(text: str, limits: Limits = DEFAULT) -> list[tuple[str, int, str]]:
    """The code, line and message of every problem the checker finds in a rubric."""
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text, filename="c.rub", limits=limits)
    return [(d.code, d.line, d.message) for d in caught.value.diagnostics]


def test_the_places_a_rubric_rounds_to_are_the_rubrics_limit() -> None:
    text = 'rubric r "题" max 1\nround total to 12 places down\nfact ok: bool "是"\n'
    text += 'indicator q "指标" max 1\n  points = 1 / 3, at most 1\n  +0 if ok\n'
    assert check_error(text) == [("E511", 2, "12 decimal places is more than 10")]
    assert check_error(text, Limits(places=11)) == [
        ("E511", 2, "12 decimal places is more than 11")
    ]
    r = rubric.loads(text, limits=Limits(places=12))
    assert r.score({"ok": True}).total == Fraction(333_333_333_333, 10**12)


def test_the_depth_of_ids_is_the_rubrics_limit() -> None:
    ids = [".".join(f"g{k}" for k in range(level + 1)) for level in range(17)]
    groups = "".join(f'group {node} "组" max 1\n' for node in ids)
    text = f'rubric r "题" max 1\nfact ok: bool "是"\n{groups}indicator {ids[-1]}.q "指标" max 1\n'
    text += "  +1 if ok\n"
    assert check_error(text, Limits(id_depth=17)) == [
        ("E514", 20, f"the id '{ids[-1]}.q' nests 18 levels deep, more than 17")
    ]
    r = rubric.loads(text, limits=Limits(id_depth=18))
    assert r.score({"ok": True}).node(f"{ids[-1]}.q").score == 1
    assert check_error(text)[0] == (
        "E514",
        19,
        f"the id '{ids[-1]}' nests 17 levels deep, more than 16",
    )


def test_the_chain_of_values_is_the_rubrics_limit() -> None:
    lets = "".join(f"let v{i + 1} = v{i} + 1\n" for i in range(250))  # each 2 levels deeper
    text = f'rubric r "题" max 1\nfact x: count "数"\nlet v0 = x\n{lets}'
    text += 'indicator q "指标" max 1\n  +1 if v250 > 300\n'
    assert check_error(text)[0] == (
        "E513",
        103,
        "the value 'v100' is built on a chain of values 201 levels deep, more than 200",
    )
    assert check_error(text, Limits(value_chain=500))[-1] == (
        "E513",
        253,
        "the value 'v250' is built on a chain of values 501 levels deep, more than 500",
    )
    r = rubric.loads(text, limits=Limits(value_chain=501))
    assert r.score({"x": 51}).total == 1
    assert r.score({"x": 50}).total == 0


def test_the_errors_the_checker_shows_are_the_rubrics_limit() -> None:
    facts = "".join(f'fact item_{i}: bool "事项{i}"\n' for i in range(10))
    items = "".join(f'indicator i{i} "指标" max 1\n  +1 if itme_{i}\n' for i in range(10))
    text = f'rubric m "拼写" max 10\n{facts}{items}'
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text, filename="m.rub", limits=Limits(errors=3))
    assert [d.line for d in caught.value.diagnostics] == [13, 15, 17]
    assert caught.value.omitted == 7
    assert str(caught.value).endswith(
        "… and 7 more problems, not shown\n10 problems found in m.rub"
    )


def test_a_bound_is_tight_only_on_facts_the_scorer_can_score() -> None:
    # Each d pinned to a prime: the sum of 1/d has a denominator of 24 digits.
    primes = [1_000_003, 1_000_033, 1_000_037, 1_000_039]
    names = [f"d{i}" for i in range(4)]
    facts = "".join(
        f'fact {n}: count >= {p} and <= {p} "除数"\n' for n, p in zip(names, primes, strict=True)
    )
    rules = "".join(f"  points = 1 / {n}, at most 1\n" for n in names)
    text = f'rubric r "题" max 4\nround total to 2 places half up\n{facts}'
    text += f'indicator q "指标" max 4\n{rules}'
    exact = sum((Fraction(1, p) for p in primes), Fraction(0))
    loose = rubric.loads(text, filename="tight.rub")
    assert loose.bounds("q") == NodeBounds(exact, exact, True, True)
    assert loose.bounds("q").high_facts == dict(zip(names, primes, strict=True))
    assert loose.score(dict(zip(names, primes, strict=True))).node("q").exact == exact
    # Past 12 digits the scorer refuses these facts: the same bounds, reached by no facts.
    tight = rubric.loads(text, filename="tight.rub", limits=Limits(exact_digits=12))
    assert tight.bounds("q") == NodeBounds(exact, exact, False, False)
    assert tight.bounds() == NodeBounds(0, 0, False, False)
    with pytest.raises(rubric.FactsError, match="more than 12 digits"):
        tight.score(dict(zip(names, primes, strict=True)))


# ---------------------------------------------------------------- scoring: exact values


def squares(start: str, count: int = 20, head: str = 'fact x: number "数"\n') -> rubric.Rubric:
    """A rubric whose values square the one before, `count` times: v2 = v1 * v1, …"""
    lets = "".join(f'let v{i + 1} "值{i + 1}" = v{i} * v{i}\n' for i in range(1, count + 1))
    return rubric.loads(
        f'rubric r "题" max 10\n{head}let v1 "值1" = {start}\n{lets}'
        f'indicator q "指标" max 10\n  +10 if v{count + 1} > 1\n',
        filename="squares.rub",
    )


EXACT = "comes to a number of more than 10000 digits, more than an exact value may hold; check these facts, or raise Limits.exact_digits"


def test_values_squared_twenty_times_end_in_an_error_naming_the_rule_and_the_fact() -> None:
    r = squares("x + 1")
    assert agree(r, {"x": 1}) == (
        f"facts: 1 problem, nothing was scored\n  x: 值16×值16 (rubric line 19) {EXACT}"
    )
    # Values that stay small score as ever, on the generated path.
    assert agree(r, {"x": 0})[0] == (0, 0)  # type: ignore[index]
    assert agree(r, {"x": -2})[0] == (0, 0)  # type: ignore[index]  (v1 = -1: every square is 1)


def test_the_limit_on_exact_values_is_the_rubrics() -> None:
    text = HEAD + '  let big "大数" = x * x * x\n  +10 if big > 1000 or ok\n'
    tight = rubric.loads(text, filename="tight.rub", limits=Limits(exact_digits=5))
    assert agree(tight, {"x": 46, "ok": False}) == ((Fraction(10), Fraction(10)), (), None)
    assert agree(tight, {"x": 47, "ok": False}) == (
        "facts: 1 problem, nothing was scored\n"
        "  x: 数×数×数 (rubric line 5) comes to a number of more than 5 digits, more than an exact "
        "value may hold; check these facts, or raise Limits.exact_digits"
    )
    # The same text with the default limits is another rubric, which scores both.
    loose = rubric.loads(text, filename="tight.rub")
    assert loose is not tight
    assert agree(loose, {"x": 47, "ok": False})[0] == (10, 10)  # type: ignore[index]
    again = pickle.loads(pickle.dumps(tight))
    assert again._plan.limits == Limits(exact_digits=5)
    assert agree(again, {"x": 47, "ok": False}) == agree(tight, {"x": 47, "ok": False})


def test_thirty_digit_literals_cubed_score() -> None:
    big = "9" * 30
    r = rubric.loads(
        HEAD + f'  let v "立方" = {big} * {big} * {big} * x\n  +10 if v > 1 or ok\n',
        filename="cubed.rub",
    )
    assert agree(r, {"x": 1, "ok": False})[0] == (10, 10)  # type: ignore[index]


def literal_squares(count: int) -> str:
    """A rubric whose values square a 30-digit number `count` times, and one rule reads the
    last behind a condition on a fact."""
    return (
        'rubric r "题" max 10\nfact ok: bool "是"\nlet v1 "值1" = '
        + "9" * 30
        + "\n"
        + "".join(f'let v{i + 1} "值{i + 1}" = v{i} * v{i}\n' for i in range(1, count + 1))
        + f'indicator q "指标" max 10\n  +10 if ok and v{count + 1} > 1\n'
    )


def test_literals_squared_past_the_limit_are_refused_by_check() -> None:
    # v10 would have 15,360 digits: refused where it is written, whatever the facts; the
    # values after it are never worked out (v21 would have 31 million digits).
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(literal_squares(20), filename="literals_check.rub")
    assert str(caught.value) == (
        "literals_check.rub:12:17: the value 'v10' (v9 * v9) comes to a number of more than "
        "10000 digits, more than an exact value may hold [E515]\n"
        '    let v10 "值10" = v9 * v9\n'
        "                     ^^^^^^^\n"
        "    it is worked out from numbers written in the rubric alone: write smaller numbers, "
        "or multiply fewer of them\n"
        f"    {RAISE.format('exact_digits')}"
    )


def test_the_limit_on_values_of_literals_is_the_rubrics() -> None:
    text = literal_squares(10)  # v11: 30,720 digits
    with pytest.raises(rubric.RubricCheckError, match=r"the value 'v10' \(v9 \* v9\)"):
        rubric.loads(text, filename="literals.rub")
    r = rubric.loads(text, filename="literals.rub", limits=Limits(exact_digits=40_000))
    assert agree(r, {"ok": True})[0] == (10, 10)  # type: ignore[index]
    assert agree(r, {"ok": False})[0] == (0, 0)  # type: ignore[index]
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text, filename="literals.rub", limits=Limits(exact_digits=59))
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.message) == (
        "E515",
        4,
        "the value 'v2' (v1 * v1) comes to a number of more than 59 digits, more than an exact "
        "value may hold",
    )


def test_arithmetic_on_literals_anywhere_is_held_to_the_limit() -> None:
    big = "9" * 30
    product = " * ".join([big] * 4)  # 120 digits
    lines = [
        f"let g = {product}",
        f'indicator q "指标" max 10\n  let l = {big} * {big} * {big}',
        f"  +5 if x > -({product}) and l > 0",
        f"  points = x / ({product}), at most 5",
        f"  at most 4 if x short of {product} > 0",
        f"grade 优 if total >= g / ({product})",
        "grade 差 otherwise",
    ]
    text = 'rubric r "题" max 10\nfact x: number "数"\n' + "\n".join(lines) + "\n"
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(text, filename="anywhere.rub", limits=Limits(exact_digits=100))
    found = [(d.code, d.line) for d in caught.value.diagnostics]
    assert found == [("E515", 3), ("E515", 6), ("E515", 7), ("E515", 8), ("E515", 9)]
    assert caught.value.diagnostics[1].message == (
        f"'{product[:59]}…' comes to a number of more than 100 digits, more than an exact value "
        "may hold"
    )
    # 90 digits: the local value passes; so does the rest with a higher limit.
    assert rubric.loads(text, filename="anywhere.rub", limits=Limits(exact_digits=120)).max == 10


def test_a_sum_past_the_limit_names_the_node_and_its_facts() -> None:
    # Scores of 1/x, 1/y, …: a sum whose denominator has the digits of them all.
    names = [f"d{i}" for i in range(4)]
    facts = "".join(f'fact {n}: count >= 1 "除数{n}"\n' for n in names)
    rules = "".join(f"  points = 1 / {n}, at most 1\n" for n in names)
    text = (
        f'rubric r "题" max 4\nround total to 2 places half up\n{facts}'
        f'indicator q "指标" max 4\n{rules}'
    )
    r = rubric.loads(text, filename="sum.rub", limits=Limits(exact_digits=12))
    primes = [1_000_003, 1_000_033, 1_000_037, 1_000_039]
    assert agree(r, dict(zip(names, primes, strict=True))) == (
        "facts: 1 problem, nothing was scored\n"
        "  d0, d1, d2, d3: the score of 'q' (指标, rubric line 7) comes to a number of more "
        "than 12 digits, more than an exact value may hold; check these facts, or raise "
        "Limits.exact_digits"
    )
    assert agree(r, dict.fromkeys(names, 7))[0][1] == Fraction(4, 7)  # type: ignore[index]


# ---------------------------------------------------------------- scoring: shapes that divide


def _swapped(obj: object, old: object, new: object) -> object:
    """obj with old (found by identity anywhere in it) replaced by new, rebuilt on the way."""
    if obj is old:
        return new
    if isinstance(obj, tuple):
        items = tuple(_swapped(item, old, new) for item in obj)
        return obj if all(a is b for a, b in zip(items, obj, strict=True)) else items
    if isinstance(obj, dict):
        found = {key: _swapped(value, old, new) for key, value in obj.items()}
        return obj if all(found[k] is v for k, v in obj.items()) else found
    if attrs.has(type(obj)):
        changes = {}
        for field in attrs.fields(type(obj)):
            if field.init:
                value = getattr(obj, field.name)
                after = _swapped(value, old, new)
                if after is not value:
                    changes[field.alias or field.name] = after
        return attrs.evolve(obj, **changes) if changes else obj  # type: ignore[misc]
    return obj


def test_a_linear_band_of_no_width_gives_its_starting_points() -> None:
    # The checker refuses such a band; a plan that has one all the same scores, alike on both
    # paths: at its one value the points have moved no way from where they start.
    text = HEAD + "  points by x: >= 5 and <= 6 -> 2 to 10, otherwise -> 0\n  +0 if ok\n"
    plan = rubric.loads(text, filename="width.rub")._plan
    (table, _) = plan.nodes[1].parts  # type: ignore[union-attr]
    arm = table.arms[0]
    narrow = attrs.evolve(
        arm,
        bounds=((">=", Fraction(5)), ("<=", Fraction(5))),
        text="≥ 5且≤ 5",
        linear=attrs.evolve(arm.linear, high=Fraction(5), high_text="5"),
    )
    r = rubric.Rubric(_swapped(plan, arm, narrow), "no width")  # type: ignore[arg-type]
    assert agree(r, {"x": 5, "ok": True}) == ((Fraction(2), Fraction(2)), (), None)
    assert agree(r, {"x": 6, "ok": True}) == ((0, 0), (), None)
    assert r.score({"x": 5, "ok": True})["q"].explanation[0].text == (
        "数为5，属于“≥ 5且≤ 5”一档，在5（2分）至5（10分）之间按线性插值，得2分"
    )


def test_a_linear_band_of_no_width_is_refused_by_check() -> None:
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(HEAD + "  points by x: >= 5 and <= 5 -> 0 to 10, otherwise -> 0\n  +0 if ok\n")
    assert [d.code for d in caught.value.diagnostics] == ["E426"]


def test_a_one_of_group_whose_part_counts_for_nothing_counts_for_nothing() -> None:
    r = rubric.loads(ONE_OF, filename="oneof.rub")
    # x = 2: the scaled part applies with one of its items, which it scales to its max.
    assert agree(r, {"x": 2, "a": True}) == (
        (16, 10, 10, 0, 5, 0, 6, 6),
        ((3, None), (5, None)),
        None,
    )
    # x = 5: the part that applies has every item left out, so it counts for nothing, and so
    # does the one-of group: the total is rescaled to the other group.
    assert agree(r, {"x": 5, "a": True}) == (
        (20, 0, 0, 0, 0, 0, 10, 10),
        ((3, None), (4, None), (5, None)),
        None,
    )
    result = r.score({"x": 5, "a": True})
    assert [x.text for x in result["g"].explanation] == ["各项均不适用，本组不计分"]
    assert [x.text for x in result.root.explanation] == [
        "“择一”不适用，满分合计10分不计；其余满分合计10分，总分按20分折算：10×20/10=20分"
    ]
    # With nothing else to score, nothing applies: an error, on both paths.
    alone = rubric.loads(ONE_OF.split("group h")[0].replace("max 20", "max 10"), "alone.rub")
    assert agree(alone, {"x": 5, "a": True}) == (
        "facts: 1 problem, nothing was scored\n  no part of the rubric applies to these facts"
    )


def test_scoring_from_deep_in_a_program_is_an_error_not_a_recursion_error() -> None:
    lets = "".join(f'let v{i + 1} "值{i + 1}" = v{i} + 1\n' for i in range(1, 95))
    r = rubric.loads(
        'rubric r "题" max 10\nfact x: count "数"\nfact y: count "除数"\n'
        f'let v1 "值1" = x / y\n{lets}indicator q "指标" max 10\n  +10 if v95 > 1\n',
        filename="chain.rub",
    )
    assert agree(r, {"x": 1, "y": 1})[0] == (10, 10)  # type: ignore[index]
    divides = (
        "facts: 1 problem, nothing was scored\n  y: 数/除数 divides by zero (rubric line 4); "
        "add a bound such as '>= 1' to the facts it divides by"
    )
    assert agree(r, {"x": 1, "y": 0}) == divides

    def deep(levels: int) -> str:
        if levels:
            return deep(levels - 1)
        with pytest.raises(rubric.FactsError) as caught:
            r.score({"x": 1, "y": 0})
        return str(caught.value)

    import inspect
    import sys

    room = sys.getrecursionlimit() - len(inspect.stack()) - 120
    assert deep(room) == (
        "facts: 1 problem, nothing was scored\n  the rubric builds values on values more deeply "
        "than the room left to this call allows; score from less deep in the program, or build "
        "the values from the facts more directly"
    )


def test_a_value_past_the_limit_names_every_fact_it_reads() -> None:
    r = rubric.loads(
        'rubric r "题" max 10\nfact x: count "数"\nfact y: count "另数"\nfact z: count "三数"\n'
        'let w "中间" = z + 1\nlet big "大数" = x * -(y + w)\n'
        'indicator q "指标" max 10\n  +10 if big < -1\n',
        filename="reads.rub",
        limits=Limits(exact_digits=4),
    )
    assert agree(r, {"x": 100, "y": 10, "z": 1}) == ((10, 10), (), None)
    assert agree(r, {"x": 1000, "y": 10, "z": 1}) == (
        "facts: 1 problem, nothing was scored\n"
        "  x, y, z: 数×-另数+中间 (rubric line 6) comes to a number of more than 4 digits, "
        "more than an exact value may hold; check these facts, or raise Limits.exact_digits"
    )


def test_the_limit_is_ten_to_its_digits_on_either_side_of_zero() -> None:
    r = rubric.loads(
        'rubric r "题" max 1\nfact x: count "数"\nfact y: count "另数"\n'
        'indicator q "指标" max 1\n  +1 if x - y < 0\n',
        filename="edge.rub",
        limits=Limits(exact_digits=2, fact_digits=3),
    )
    # Scores held in hundredths reach 100 here: the generated scorer leaves them all to the
    # interpreter, which scores them.
    assert agree(r, {"x": 1, "y": 99}, strict=False)[0] == (1, 1)  # type: ignore[index]
    for x, y in ((0, 100), (100, 0)):
        assert agree(r, {"x": x, "y": y}) == (
            "facts: 1 problem, nothing was scored\n"
            "  x, y: 数-另数 (rubric line 5) comes to a number of more than 2 digits, more than "
            "an exact value may hold; check these facts, or raise Limits.exact_digits"
        )


def test_a_pool_past_the_limit_before_its_cap_is_refused() -> None:
    # Scores are held in hundredths: 2 × 6000 is 1,200,000 of them, past 10**4; the cap of 5
    # would bring the pool back, but its sum went past the limit first.
    r = rubric.loads(
        'rubric r "题" max 5\nfact x: count "数"\nindicator q "指标" max 5\n'
        "  pool p at most 5\n    +1 per 1 of x\n    +1 per 1 of x\n",
        filename="pool.rub",
        limits=Limits(exact_digits=4, fact_digits=4),
    )
    assert agree(r, {"x": 2}, strict=False)[0] == (4, 4)  # type: ignore[index]
    assert agree(r, {"x": 6000}, strict=False) == (
        "facts: 1 problem, nothing was scored\n"
        "  x: the score of 'q' (指标, rubric line 3) comes to a number of more than 4 digits, "
        "more than an exact value may hold; check these facts, or raise Limits.exact_digits"
    )


def test_a_score_past_the_limit_once_rounded() -> None:
    # 99998/3 has five digits above the line; rounded to 2 places it is 3333267/100.
    r = rubric.loads(
        'rubric r "题" max 99999\nfact x: count "数"\n'
        'indicator q "指标" max 99999\n  points = x / 3\n',
        filename="rounded.rub",
        limits=Limits(exact_digits=5, fact_digits=5),
    )
    assert agree(r, {"x": 3}, strict=False)[0] == (1, 1)  # type: ignore[index]
    assert agree(r, {"x": 99998}, strict=False) == (
        "facts: 1 problem, nothing was scored\n  x: the score of 'q' (指标, rubric line 3) comes "
        "to a number of more than 5 digits, more than an exact value may hold; check these facts, "
        "or raise Limits.exact_digits"
    )


def test_a_group_score_past_the_limit_names_the_group() -> None:
    r = rubric.loads(
        'rubric r "题" max 99999\nround total to 2 places half up\nfact x: count "数"\n'
        'group g "组" max 99999, scaled\n  indicator g.i "指标" max 99997\n    points = x / 3\n',
        filename="group.rub",
        limits=Limits(exact_digits=5, fact_digits=5),
    )
    assert agree(r, {"x": 3}, strict=False)[0][:2] == (  # type: ignore[index]
        1,  # the total, rounded
        Fraction(99999, 99997),
    )
    assert agree(r, {"x": 99998}, strict=False) == (
        "facts: 1 problem, nothing was scored\n  x: the score of 'g' (组, rubric line 4) comes "
        "to a number of more than 5 digits, more than an exact value may hold; check these facts, "
        "or raise Limits.exact_digits"
    )


def test_a_weighted_share_past_the_limit_names_the_group() -> None:
    r = rubric.loads(
        'rubric r "题" max 2\nround total to 2 places half up\n'
        'fact x: count >= 1 "数"\nfact y: count >= 1 "另数"\n'
        'group g "组" max 2, weighted\n'
        '  indicator g.i "一" max 1 weight 1\n    points = 1 / x, at most 1\n'
        '  indicator g.j "二" max 1 weight 1\n    points = 1 / y, at most 1\n',
        filename="weighted.rub",
        limits=Limits(exact_digits=6, fact_digits=5),
    )
    assert agree(r, {"x": 2, "y": 4}, strict=False)[0][:2] == (  # type: ignore[index]
        Fraction(3, 4),
        Fraction(3, 4),
    )
    assert agree(r, {"x": 99991, "y": 99989}, strict=False) == (
        "facts: 1 problem, nothing was scored\n  x, y: the score of 'g' (组, rubric line 5) comes "
        "to a number of more than 6 digits, more than an exact value may hold; check these facts, "
        "or raise Limits.exact_digits"
    )


ARITHMETIC = ["+", "-", "*", "/"]


@st.composite
def _expression(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(["n", "k", "x", "y", "7", "0.5", "-x", "-(n)"]))
    left, right = draw(_expression(depth - 1)), draw(_expression(depth - 1))
    return f"({left} {draw(st.sampled_from(ARITHMETIC))} {right})"


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    _expression(),
    st.sampled_from(["indicators", "total"]),
    st.lists(
        st.sampled_from([0, 1, 7, 99, 999, Fraction(-999, 7), Fraction(1, 998)]),
        min_size=4,
        max_size=4,
    ),
)
def test_a_number_past_the_limit_is_never_kept_by_the_generated_scorer(
    expr: str, scope: str, values: list[object]
) -> None:
    # Facts of up to 3 digits, values of up to 8: whatever the bound on bits the generator works
    # out, a value the interpreter refuses is one the generated scorer does not score.
    r = rubric.loads(
        f'rubric r "题" max 10\nround {scope} to 2 places half up\nallow negative total\n'
        'fact n: count "数"\nfact k: count >= 1 "基数"\nfact x: number "值"\nfact y: number "另值"\n'
        f'let v "值" = {expr}\n'
        'indicator q "指标" max 10\n  points = v, at most 10\n  +0 if n + k + x + y > 0\n',
        filename="bits.rub",
        limits=Limits(exact_digits=8, fact_digits=3),
    )
    n, k, x, y = values
    agree(r, {"n": abs(int(n)), "k": abs(int(k)) or 1, "x": x, "y": y}, strict=False)  # type: ignore[call-overload]


# ---------------------------------------------------------------- big rubrics: work and memory


def test_every_bound_of_a_generated_rubric_is_reached_by_its_facts() -> None:
    # The facts of each node's bounds share those found for the whole rubric, with the few
    # that differ put over them: each must still be whole facts that score the bound.
    r = rubric.loads(rubric_text(40), filename="g.rub")
    ids = [node.id for node in r.outline()]
    assert len(ids) == 1 + 4 + 40
    reached = 0
    for node_id in ids:
        bounds = r.bounds(node_id)
        for tight, bound, facts in (
            (bounds.low_tight, bounds.low, bounds.low_facts),
            (bounds.high_tight, bounds.high, bounds.high_facts),
        ):
            assert tight == (facts is not None)
            if facts is None:
                continue
            assert list(facts) == [fact.name for fact in r.facts]
            assert len(facts) == len(r.facts) == 60
            assert pickle.loads(pickle.dumps(facts)) == dict(facts)
            assert r.score(dict(facts)).node(node_id).exact == bound
            reached += 1
    assert reached == 2 * len(ids)


def test_full_collections_are_held_while_compiling_and_analysing_then_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    import rubric._check
    import rubric._compiler

    held: list[tuple[str, tuple[int, ...]]] = []

    def spy(module: object, name: str) -> None:
        real = getattr(module, name)

        def spied(*args: object, **kwargs: object) -> object:
            held.append((name, gc.get_threshold()[1:]))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, spied)

    spy(rubric._compiler, "compile_checked")
    spy(rubric._check, "analyse")
    before = gc.get_threshold()
    r = rubric.loads(f"{HEAD}  +10 if ok and x > 1\n")
    assert held == [("compile_checked", (1 << 30, 1 << 30))]
    assert gc.get_threshold() == before
    assert r.bounds("q") == NodeBounds(Fraction(0), Fraction(10), True, True)
    assert held == [("compile_checked", (1 << 30, 1 << 30)), ("analyse", (1 << 30, 1 << 30))]
    assert gc.get_threshold() == before
    with pytest.raises(rubric.RubricCheckError):
        rubric.loads(f"{HEAD}  +10 if okay and x > 1\n")
    assert gc.get_threshold() == before
