"""Facts: every way a facts mapping or file can be wrong is rejected, naming the fact."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import rubric
from anhui_strategies import BASE_GOOD
from big_rubrics import SMALL as SMALL_TEXT
from paths import agree, generated
from rubric._limits import Limits
from rubric._values import Adjustment

SMALL = rubric.loads(SMALL_TEXT, filename="small.rub")

GOOD: dict[str, object] = {
    "ok": True,
    "n": 3,
    "done": 2,
    "rate": Decimal("1.5"),
    "media": "none",
    "areas": ["living"],
    "factors": ["甲"],
}


def rounded(value: Fraction) -> Fraction:
    return Fraction(round(value * 100), 100)


def problems(facts: dict[str, object]) -> list[tuple[str, str]]:
    with pytest.raises(rubric.FactsError) as caught:
        SMALL.score(facts)
    return [(p.fact, p.message) for p in caught.value.problems]


def test_good_facts_score() -> None:
    assert SMALL.score(GOOD)["q"].exact == rounded(1 + Fraction(2, 3) + Fraction(3, 2) + 0 + 1 + 1)


@pytest.mark.parametrize(
    ("fact", "value", "message"),
    [
        ("ok", 1, "expected true or false, found the number 1"),
        ("ok", "true", 'expected true or false, found the text "true"'),
        ("ok", None, "expected true or false, found null"),
        ("n", True, "expected a count (a whole number, 0 or more), found true"),
        ("n", 2.0, "expected a count (a whole number, 0 or more), found the number 2.0"),
        (
            "n",
            Decimal("2.0"),
            "expected a count (a whole number, 0 or more), found the decimal number 2.0",
        ),
        (
            "n",
            Decimal("2"),
            "expected a count (a whole number, 0 or more), found the decimal number 2",
        ),
        ("n", Fraction(2), "expected a count (a whole number, 0 or more), found the Fraction 2"),
        ("n", "2", 'expected a count (a whole number, 0 or more), found the text "2"'),
        ("n", -1, "expected a count (a whole number, 0 or more), found the number -1"),
        ("rate", "1.5", 'expected a number, found the text "1.5"'),
        ("rate", float("nan"), "expected a number, found the number nan"),
        ("rate", Decimal("Infinity"), "expected a number, found the number Infinity"),
        ("rate", False, "expected a number, found false"),
        ("media", "provincial", 'expected one of: none, national, found the text "provincial"'),
        ("media", 1, "expected one of: none, national, found the number 1"),
        (
            "areas",
            "living",
            "expected a list of distinct, non-empty texts, each one of: living, "
            'medical, found the text "living"',
        ),
        ("areas", ["living", "living"], 'lists an item twice: the list ["living", "living"]'),
        ("areas", ["dental"], "has 'dental', not among the allowed items (living, medical)"),
        (
            "factors",
            ["甲", ""],
            'expected a list of distinct, non-empty texts, found the list ["甲", ""]',
        ),
        (
            "factors",
            ["甲", 2],
            'expected a list of distinct, non-empty texts, found the list ["甲", 2]',
        ),
        ("factors", {"a": 1}, "expected a list of distinct, non-empty texts, found an object"),
    ],
)
def test_wrong_values_are_named(fact: str, value: object, message: str) -> None:
    assert problems({**GOOD, fact: value}) == [(fact, message)]


def test_bounds_against_numbers_and_other_facts() -> None:
    assert problems({**GOOD, "n": 0, "done": 0}) == [("n", "must be ≥ 1, found 0")]
    assert problems({**GOOD, "done": 4}) == [("done", "must be ≤ n (which is 3), found 4")]
    assert problems({**GOOD, "rate": Decimal("100.5")}) == [("rate", "must be ≤ 100, found 100.5")]


def test_every_problem_is_reported_at_once() -> None:
    facts = {**GOOD, "ok": 1, "rate": -1, "extra": 1, "factorz": []}
    del facts["media"]
    found = problems(facts)
    assert found == [
        ("ok", "expected true or false, found the number 1"),
        ("media", "missing; expected one of: none, national (媒体报道)"),
        ("extra", "unknown fact"),
        ("factorz", "unknown fact; did you mean 'factors'?"),
        ("rate", "must be ≥ 0, found -1"),
    ]


def test_a_bound_on_a_bad_fact_is_not_reported_twice() -> None:
    assert problems({**GOOD, "n": "3"}) == [
        ("n", 'expected a count (a whole number, 0 or more), found the text "3"')
    ]


def test_facts_must_be_a_mapping() -> None:
    with pytest.raises(rubric.FactsError) as caught:
        SMALL.score([("ok", True)])  # type: ignore[arg-type]
    assert str(caught.value) == (
        "facts: 1 problem, nothing was scored\n"
        '  facts must be a mapping of names to values, found the list [["ok", true]]'
    )


def test_floats_convert_through_their_decimal_text() -> None:
    reasons = SMALL.score({**GOOD, "rate": 0.1})["q"].explanation
    assert [r.points for r in reasons if "比率" in r.text] == [Fraction(1, 10)]
    reasons = SMALL.score({**GOOD, "rate": Fraction(1, 3)})["q"].explanation
    assert [r.points for r in reasons if "比率" in r.text] == [Fraction(1, 3)]


def test_huge_counts_are_exact() -> None:
    huge = 10**40
    reasons = SMALL.score({**GOOD, "n": huge, "done": huge - 1})["q"].explanation
    assert reasons[1].points == Fraction(huge - 1, huge)


def test_validate_accepts_and_rejects_without_scoring() -> None:
    SMALL.validate(GOOD)
    with pytest.raises(rubric.FactsError):
        SMALL.validate({})


def test_anhui_rejects_each_bad_fact_by_name(anhui: rubric.Rubric) -> None:
    facts = dict(BASE_GOOD)
    facts.update(
        households_targeted=0,
        aided_satisfied=10**6,
        media_coverage="global",
        quantified_targets=["living", "dental"],
        aid_staff_count=2.5,
    )
    del facts["continued_care"]
    with pytest.raises(rubric.FactsError) as caught:
        anhui.score(facts)
    assert sorted(caught.value.facts) == sorted(
        [
            "aid_staff_count",
            "aided_satisfied",
            "continued_care",
            "households_targeted",
            "media_coverage",
            "quantified_targets",
        ]
    )


def test_anhui_rejects_four_empty_surveys(anhui: rubric.Rubric) -> None:
    facts = dict(BASE_GOOD)
    for group in ("officials", "workers", "unionists", "beneficiaries"):
        facts[f"{group}_surveyed"] = 0
        facts[f"{group}_satisfied"] = 0
    with pytest.raises(rubric.FactsError) as caught:
        anhui.score(facts)
    assert caught.value.facts == (
        "officials_surveyed",
        "workers_surveyed",
        "unionists_surveyed",
        "beneficiaries_surveyed",
    )
    assert "社会满意度四类调查对象的调查人数合计至少为1" in str(caught.value)


# ---------------------------------------------------------------- facts files


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def file_problem(path: Path) -> str:
    with pytest.raises(rubric.FactsError) as caught:
        rubric.load_facts(path)
    assert caught.value.origin == str(path)
    return "\n".join(p.render() for p in caught.value.problems)


def test_json_numbers_stay_exact(tmp_path: Path) -> None:
    facts = rubric.load_facts(write(tmp_path, "f.json", '{"rate": 0.1, "n": 3, "big": 1e400}'))
    assert facts == {"rate": Decimal("0.1"), "n": 3, "big": Decimal("1e400")}


def test_toml_numbers_stay_exact(tmp_path: Path) -> None:
    facts = rubric.load_facts(write(tmp_path, "f.toml", "# 注释\nrate = 0.1\nn = 3\nok = true\n"))
    assert facts == {"rate": Decimal("0.1"), "n": 3, "ok": True}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("dup.json", '{"n": 1, "n": 2, "m": 1, "m": 3}', "n: given twice\nm: given twice"),
        ("nan.json", '{"rate": NaN}', "rate: holds NaN, which is not a number facts may hold"),
        (
            "both.json",
            '{"rate": NaN, "n": 1, "n": 2}',
            "n: given twice\nrate: holds NaN, which is not a number facts may hold",
        ),
        (
            "inf.json",
            '{"rate": -Infinity, "s": [1, Infinity]}',
            "rate: holds -Infinity, which is not a number facts may hold\n"
            "s: holds Infinity, which is not a number facts may hold",
        ),
        ("list.json", "[1, 2]", "expected one object of facts, found the list [1, 2]"),
        ("bad.json", '{"n": 1,\n "m": }', "line 2 column 7: invalid JSON: Expecting value"),
        ("empty.json", "", "line 1 column 1: invalid JSON: Expecting value"),
        (
            "dup.toml",
            "n = 1\nn = 2\n",
            "invalid TOML: Cannot overwrite a value (at line 2, column 6)",
        ),
        ("nan.toml", "rate = nan\n", "rate: holds NaN, which is not a number facts may hold"),
        ("facts.yaml", "n: 1\n", "unknown kind of facts file '.yaml'; use .json or .toml"),
        ("nested.json", '{"x": {"k": 1, "k": 2}}', "x: gives the key 'k' twice"),
        (
            "deep.json",
            '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "invalid JSON: nested too deeply to read",
        ),
        (
            "deep.toml",
            "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
            "invalid TOML: nested too deeply to read",
        ),
        (
            "long.toml",
            "x = 1" + "0" * 5000 + "\n",
            "invalid TOML: Exceeds the limit (4300 digits) for integer string conversion: value has 5001 digits; use sys.set_int_max_str_digits() to increase the limit",
        ),
        ("latin.json", b'{"n": "\xe9"}', "not UTF-8 text: byte 7 cannot be read"),
    ],
)
def test_bad_facts_files(tmp_path: Path, name: str, content: str | bytes, message: str) -> None:
    path = write(tmp_path, name, content)
    assert file_problem(path) == message


def test_missing_facts_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        rubric.load_facts(tmp_path / "nope.json")


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", b"\xef\xbb\xbf" + json.dumps({"n": 1}).encode())
    assert rubric.load_facts(path) == {"n": 1}


def test_every_broken_requirement_is_reported() -> None:
    r = rubric.loads(
        'rubric d "t" max 1\nfact x: count "X"\nfact y: count "Y"\n'
        'require x >= 5 "x至少为5"\nrequire x / y >= 1 "x不少于y"\nrequire y <= 3 "y至多为3"\n'
        'indicator i "i" max 1\n  +1 if x > 1\n'
    )
    with pytest.raises(rubric.FactsError) as caught:
        r.score({"x": 1, "y": 0})
    assert [(p.facts, p.message.split(" (")[0]) for p in caught.value.problems] == [
        (("x",), "x至少为5"),
        (("y",), "X/Y divides by zero"),
    ]


def test_errors_survive_pickling() -> None:
    import pickle

    with pytest.raises(rubric.FactsError) as facts_error:
        SMALL.score({})
    again = pickle.loads(pickle.dumps(facts_error.value))
    assert str(again) == str(facts_error.value) and again.facts == facts_error.value.facts
    with pytest.raises(rubric.RubricCheckError) as check_error:
        rubric.loads('rubric d "t" max 1\nindicator i "i" max 1\n  +1 if nope\n', "t.rub")
    again_check = pickle.loads(pickle.dumps(check_error.value))
    assert str(again_check) == str(check_error.value)
    assert again_check.line == 3


@pytest.mark.parametrize("value", [Decimal("1e100000000"), Decimal("1." + "1" * 2000)])
def test_numbers_too_long_to_hold(value: Decimal) -> None:
    assert problems({**GOOD, "rate": value}) == [
        ("rate", "has more than 1000 digits, more than any fact may hold")
    ]


def test_deeply_nested_values_are_refused_not_crashed() -> None:
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    found = problems({**GOOD, "factors": deep})
    assert found == [
        ("factors", 'expected a list of distinct, non-empty texts, found the list [[[["…"]]]]')
    ]


# ---------------------------------------------------------------- one digit rule, and what echoes

LONG = "has more than 1000 digits, more than any fact may hold"
TEN = 10**1000  # the least number of 1001 digits


@pytest.mark.parametrize(
    ("fact", "value"),
    [
        ("n", TEN),  # a count
        ("rate", TEN),  # an integer given for a number
        ("rate", -TEN),
        ("rate", Decimal(TEN)),
        ("rate", Decimal("1e1000")),
        ("rate", Decimal("1e-1000")),  # 1/10^1000: its denominator has 1001 digits
        ("rate", Decimal("0." + "3" * 1000)),  # 333…/10^1000
        ("rate", Fraction(1, TEN)),
        ("rate", Fraction(TEN + 1, 3)),
        ("n", 10 ** (10**6)),  # refused by its size, not converted
        ("n", Decimal("1e100000000")),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_one_digit_limit_for_ints_decimals_and_fractions(fact: str, value: object) -> None:
    found = problems({**GOOD, fact: value})
    assert found[0] == (fact, LONG)


@pytest.mark.parametrize(
    ("fact", "value", "exact"),
    [
        ("done", TEN - 1, TEN - 1),
        ("n", TEN - 1, TEN - 1),
        ("rate", Decimal("1e-999"), Fraction(1, 10**999)),
        ("rate", Decimal("0." + "5" * 999), Fraction(int("5" * 999), 10**999)),
        ("rate", Fraction(1, TEN - 1), Fraction(1, TEN - 1)),
        # Trailing zeros are not digits of the value: 1 written with a million of them is 1.
        ("rate", Decimal("1." + "0" * 1_000_000), Fraction(1)),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_numbers_of_1000_digits_are_held_exactly(fact: str, value: object, exact: object) -> None:
    r = rubric.loads(
        'rubric d "t" max 1\nfact n: count "N"\nfact done: count "D"\nfact rate: number "R"\n'
        'indicator i "i" max 1\n  +1 if n > 1 and done > 1 and rate > 0\n',
        filename="digits.rub",
    )
    facts = {"n": 2, "done": 2, "rate": Fraction(1), fact: value}
    assert agree(r, facts)[0] == (1, 1)  # type: ignore[index]
    assert r.score(facts).facts[fact] == exact


def test_the_digit_limit_is_the_rubrics_and_the_fast_path_keeps_it() -> None:
    text = (
        'rubric d "t" max 1\nfact n: count "N"\nfact x: number "X"\nfact adj: adjustment "调整"\n'
        'indicator i "i" max 1\n  +1 if n > 1 and x > 0\n  adjust by adj\n'
    )
    r = rubric.loads(text, filename="five.rub", limits=Limits(fact_digits=5))
    good = {"n": 99_999, "x": Fraction(99_999, 7), "adj": 0}
    assert agree(r, good)[0] == (1, 1)  # type: ignore[index]
    for fact, value in [
        ("n", 100_000),
        ("x", 100_000),
        ("x", Fraction(1, 100_000)),
        ("x", Decimal("1e-5")),
        ("adj", {"points": Fraction(-1, 100_000), "reason": "r"}),
        ("adj", Adjustment(Fraction(100_000), "r")),
    ]:
        assert agree(r, {**good, fact: value}) == (
            "facts: 1 problem, nothing was scored\n"
            f"  {fact}: has more than 5 digits, more than any fact may hold"
        )


def test_the_generated_scorer_refuses_what_validation_refuses() -> None:
    # Facts the generated scorer takes as they are given (ints, Fractions, no Decimal or
    # plain-number adjustment, which go to validation first): it must refuse the same ones.
    r = rubric.loads(
        'rubric d "t" max 1\nfact n: count "N"\nfact x: number "X"\n'
        'indicator i "i" max 1\n  +1 if n > 1 and x > 0\n',
        filename="fast.rub",
        limits=Limits(fact_digits=5),
    )
    assert generated(r, {"n": 2, "x": -99_999}) == ((0, 0), (), None)
    for x in (99_999, -99_999, Fraction(-99_999, 7)):
        assert agree(r, {"n": 2, "x": x})[0] == ((1, 1) if x > 0 else (0, 0))  # type: ignore[index]
    for x in (100_000, -100_000, Fraction(-100_000, 7)):
        assert agree(r, {"n": 2, "x": x}) == (
            "facts: 1 problem, nothing was scored\n"
            "  x: has more than 5 digits, more than any fact may hold"
        )
    # It reads only the facts it knows, and counts the rest.
    for extra in (1, None, "x"):
        assert agree(r, {"n": 2, "x": 1, "extra": extra}) == (
            "facts: 1 problem, nothing was scored\n  extra: unknown fact"
        )


def test_adjustments_given_as_objects_are_validated_on_every_path() -> None:
    r = rubric.loads(
        'rubric d "t" max 1\nfact adj: adjustment >= -1 "调整"\nfact ok: bool "是"\n'
        'indicator i "i" max 1\n  +1 if ok\n  adjust by adj\n',
        filename="adjust.rub",
    )
    assert agree(r, {"ok": True, "adj": Adjustment(Fraction(1), "")}) == (
        "facts: 1 problem, nothing was scored\n"
        '  adj: gives 1 points without a reason; add a "reason"'
    )
    padded = {"ok": True, "adj": Adjustment(Fraction(-1, 2), "  迟报  ")}
    assert agree(r, padded)[0] == (Fraction(1, 2), Fraction(1, 2))  # type: ignore[index]
    assert r.score(padded).facts["adj"] == Adjustment(Fraction(-1, 2), "迟报")
    assert agree(r, {"ok": True, "adj": Adjustment(1, "r")})[0] == (1, 1)  # type: ignore[arg-type,index]
    assert (
        r.score({"ok": True, "adj": Adjustment(1, "r")}).facts["adj"].points.__class__ is Fraction
    )  # type: ignore[arg-type,union-attr]


def test_control_characters_never_reach_a_message_raw() -> None:
    with pytest.raises(rubric.FactsError) as caught:
        SMALL.score({**GOOD, "x\x1b[31m\n": 1, "media": "\x1b[2J", "factors": ["\x9b1m"]})
    assert str(caught.value) == (
        "facts: 2 problems, nothing was scored\n"
        '  media: expected one of: none, national, found the text "\\u001b[2J"\n'
        "  x\\x1b[31m\\n: unknown fact"
    )
    assert caught.value.facts == ("media", "x\x1b[31m\n")  # the names themselves, as given
    # A reason and the items of a set are facts: explanations escape them where they show.
    r = rubric.loads(
        'rubric d "t" max 2\nfact adj: adjustment "调整"\nfact s: set "因素"\n'
        'indicator i "i" max 2\n  +1 for each of s\n  +1 if number of s >= 0\n  adjust by adj\n',
        filename="controls.rub",
    )
    result = r.score({"adj": {"points": -1, "reason": "迟报\x1b[8m\n隐藏"}, "s": ["a\u202eb"]})
    assert [x.text for x in result["i"].explanation] == [
        "因素：a\\u202eb，共1项，每项得1分，共得1分",
        "因素的项数为1项，满足“≥ 0项”，得1分",
        "调整：扣1分，理由：迟报\\x1b[8m\\n隐藏",
    ]
    assert result.facts["adj"].reason == "迟报\x1b[8m\n隐藏"  # type: ignore[union-attr]


def test_a_bad_value_is_echoed_at_most_a_line_long() -> None:
    huge = "假" * 5_000_000
    found = problems({**GOOD, "ok": huge, "media": ["x"] * 100_000, "n": 10**5000, "rate": {}})
    assert found == [
        ("ok", f'expected true or false, found the text "{"假" * 59}…" (5000000 characters)'),
        ("n", LONG),
        ("rate", "expected a number, found an object"),
        (
            "media",
            'expected one of: none, national, found the list ["x", "x", "x", "x", "x", "x", "x", '
            '"x", "x", "x", "x", "x"… (100000 items)',
        ),
    ]
    assert problems({**GOOD, "factors": 10**80}) == [
        (
            "factors",
            "expected a list of distinct, non-empty texts, found a whole number of more than 60 digits",
        )
    ]
    with pytest.raises(rubric.FactsError) as caught:
        SMALL.score({**GOOD, huge: 1})
    assert str(caught.value) == (
        f"facts: 1 problem, nothing was scored\n  {'假' * 199}…: unknown fact"
    )


def test_long_json_integers_are_refused_as_long_decimals_are(tmp_path: Path) -> None:
    for digits in (4000, 5000, 100_000):
        path = write(
            tmp_path,
            "long.json",
            json.dumps({**GOOD, "rate": 1})
            .replace('"rate": 1', '"rate": 1' + "0" * (digits - 1))
            .replace('"rate": 1.5', '"rate": 1'),
        )
        facts = rubric.load_facts(path)
        assert problems({**GOOD, "rate": facts["rate"]}) == [("rate", LONG)]
        assert problems({**GOOD, "n": facts["rate"]}) == [("n", LONG)]


def test_duplicate_keys_are_reported_at_any_depth(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "dup.json",
        '{"adj": {"points": -1, "reason": "迟报", "points": -2},\n'
        ' "deep": [{"a": 1}, {"b": {"c": 1, "c": 2, "d": 1, "d": 1}}],\n'
        ' "n": 1, "n": 2}',
    )
    assert file_problem(path) == (
        "n: given twice\nadj: gives the key 'points' twice\ndeep: gives the keys 'c', 'd' twice"
    )


def test_big_counts_print_in_json_and_text() -> None:
    # Beyond the default limit on a fact's digits, and past the 4,300 digits Python prints.
    r = rubric.loads(
        'rubric d "t" max 10\nfact n: count "户数" unit "户"\n'
        'indicator i "i" max 10\n  +10 if n > 1\n',
        filename="big.rub",
        limits=Limits(fact_digits=5000),
    )
    n = 10**4300
    result = r.score({"n": n})
    data = json.loads(result.to_json())
    reason = data["children"][0]["explanation"][0]
    assert reason["facts"] == {"n": "1" + "0" * 4300}  # a text: no JSON reader takes it whole
    assert reason["text"] == f"户数为1{'0' * 4300}户，满足“> 1户”，得10分"
    assert rubric.loads(  # within what Python prints, a count stays a JSON number
        'rubric d "t" max 10\nfact n: count "户数"\nindicator i "i" max 10\n  +10 if n > 1\n',
        filename="small_big.rub",
    ).score({"n": 10**999}).to_dict()["children"][0]["explanation"][0]["facts"] == {"n": 10**999}
