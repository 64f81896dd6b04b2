"""rubric.testing: valid facts for any rubric, near its thresholds, and the assertions on results."""

from __future__ import annotations

import functools
import runpy
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rubric
from conftest import ANHUI, ROOT
from rubric import testing


def compiled_rubrics() -> list[Path]:
    found = []
    for folder in ("rubrics", "docs/examples", "tests/golden"):
        for path in sorted((ROOT / folder).rglob("*.rub")):
            try:
                rubric.load(path)
            except rubric.RubricError:
                continue
            if path.resolve() not in {p.resolve() for p in found}:
                found.append(path)
    return found


COMPILED = compiled_rubrics()


def draws(strategy: st.SearchStrategy[object], count: int = 200) -> list[object]:
    """Examples of a strategy, the same on every run."""
    seen: list[object] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(strategy)
    def collect(example: object) -> None:
        seen.append(example)

    collect()
    return seen


def build(body: str) -> rubric.Rubric:
    return rubric.loads(f'rubric demo "示例" max 10\n{body}', filename="demo.rub")


# ---------------------------------------------------------------- facts


@pytest.mark.parametrize("path", COMPILED, ids=[p.relative_to(ROOT).as_posix() for p in COMPILED])
@settings(max_examples=10)
@given(data=st.data())
def test_facts_are_valid_for_every_rubric_of_the_repository(
    path: Path, data: st.DataObject
) -> None:
    r = _loaded(path)
    facts = data.draw(testing.facts(r))
    r.validate(facts)  # raises if any fact is refused
    assert list(facts) == [s.name for s in r.facts if s.name in facts]


_CACHE: dict[Path, rubric.Rubric] = {}


def _loaded(path: Path) -> rubric.Rubric:
    if path not in _CACHE:
        _CACHE[path] = rubric.load(path)
    return _CACHE[path]


TIERS = build(
    'fact days: count "工作日数"\nfact rate: number >= 0 and <= 100 "完成率" unit "%"\n'
    'indicator q "及时" max 10\n  points by days: <= 20 -> 4, <= 30 -> 2, otherwise -> 0\n'
    "  +6 if rate >= 92.5\n"
)


@functools.cache
def tiers_examples() -> list[dict[str, object]]:
    return draws(testing.facts(TIERS), 500)


def test_facts_lean_toward_the_thresholds() -> None:
    examples = tiers_examples()
    days = Counter(f["days"] for f in examples)
    rates = Counter(f["rate"] for f in examples)
    # Each threshold, and each value a step beside it, is drawn: where a band begins and ends.
    for value in (20, 21, 30, 31):
        assert days[value] > 0, value
    for value in ("92.5", "92.49", "92.51", "0", "100"):
        assert rates[Decimal(value)] > 0, value
    at_thresholds = sum(days[v] for v in (19, 20, 21, 29, 30, 31))
    assert at_thresholds >= len(examples) // 10
    assert all(isinstance(d, int) and d >= 0 for d in days)
    assert all(isinstance(r, Decimal) and 0 <= r <= 100 for r in rates)


def test_facts_keep_bounds_on_other_facts_and_steps() -> None:
    r = build(
        'fact surveyed: count >= 1 "调查人数"\nfact satisfied: count <= surveyed "满意人数"\n'
        'fact mark: number >= 0 and <= 5 in steps of 0.5 "评分"\n'
        'fact cost: number > 0 and < 1 "成本"\n'
        'indicator q "满意" max 10\n  points = satisfied / surveyed * 5 + mark + cost\n'
    )
    examples = draws(testing.facts(r))
    for f in examples:
        assert f["surveyed"] >= 1 and 0 <= f["satisfied"] <= f["surveyed"]
        assert Fraction(f["mark"]) % Fraction(1, 2) == 0 and 0 <= f["mark"] <= 5
        assert 0 < f["cost"] < 1
    # A fact bounded by another is often drawn at that bound: 100% satisfaction.
    assert sum(f["satisfied"] == f["surveyed"] for f in examples) >= 10
    assert {Decimal("0"), Decimal("5"), Decimal("0.5"), Decimal("4.5")} <= {
        f["mark"] for f in examples
    }


def test_facts_of_every_type() -> None:
    r = build(
        'fact ok: bool "合规"\nfact m: level {none "无", high "高"} "等级"\n'
        'fact t: set of {a "甲", b "乙"} "项目"\nfact s: set "因素"\n'
        'fact adj: adjustment >= -2 and <= 0 in steps of 0.5 "酌情扣分"\n'
        'fact extra: number "附加" optional\n'
        'indicator q "质量" max 10\n'
        "  +1 if ok\n  points by m: high -> 1, otherwise -> 0\n  +1 for each of t\n"
        "  +1 for each of s, at most 3\n  adjust by adj\n  +4 if extra > 1\n"
    )
    examples = draws(testing.facts(r))
    assert {f["ok"] for f in examples} == {True, False}
    assert {f["m"] for f in examples} == {"none", "high"}
    assert {tuple(sorted(f["t"])) for f in examples} == {(), ("a",), ("b",), ("a", "b")}
    assert all(len(set(f["s"])) == len(f["s"]) and all(i.strip() for i in f["s"]) for f in examples)
    adjustments = [f["adj"] for f in examples]
    assert 0 in adjustments
    points = {a["points"] for a in adjustments if isinstance(a, dict)}
    assert points and points <= {Decimal(p) for p in ("-2", "-1.5", "-1", "-0.5")}
    assert all(a["reason"] for a in adjustments if isinstance(a, dict))
    # An optional fact that a part that always applies reads is always given.
    assert all("extra" in f for f in examples)


def test_optional_facts_a_part_that_applies_reads_are_given() -> None:
    r = build(
        'fact way: level {a "甲", b "乙"} "方式"\n'
        'fact xa: number >= 0 and <= 10 "甲的得分" optional\n'
        'fact xb: number >= 0 and <= 10 "乙的得分" optional\n'
        'group g "组" max 10, one of\n'
        'indicator g.a "甲" max 10\n  not applicable if way != a\n  points = xa\n'
        'indicator g.b "乙" max 10\n  not applicable if way != b\n  points = xb\n'
    )
    examples = draws(testing.facts(r))
    for f in examples:
        r.score(f)  # a needed optional fact left out would raise FactsError
    assert any(f["way"] == "a" and "xb" not in f for f in examples)
    assert any(f["way"] == "a" and "xb" in f for f in examples)


def test_facts_meet_the_require_lines() -> None:
    r = build(
        'fact a: count "甲"\nfact b: count "乙"\nrequire a + b >= 1 and a != 5 "甲乙合计至少为1"\n'
        'indicator q "质量" max 10\n  +10 if a > b\n'
    )
    examples = draws(testing.facts(r))
    assert all(f["a"] + f["b"] >= 1 and f["a"] != 5 for f in examples)


def test_counts_are_sometimes_huge() -> None:
    examples = tiers_examples()
    assert any(f["days"] >= 10**19 for f in examples)


def test_thresholds_are_the_numbers_rules_turn_on() -> None:
    assert {Fraction(20), Fraction(30), Fraction(185, 2)} <= set(testing.thresholds(TIERS))
    anhui = rubric.load(ANHUI)
    assert {Fraction(90), Fraction(100), Fraction(-1, 2)} <= set(testing.thresholds(anhui))


# ---------------------------------------------------------------- bounds


@settings(max_examples=50)
@given(testing.facts(rubric.load(ANHUI)))
def test_anhui_scores_stay_within_bounds(facts: dict[str, object]) -> None:
    anhui = _loaded(ANHUI)
    testing.assert_within_bounds(anhui, anhui.score(facts))


def test_bounds_of_a_result_with_bonus_and_deductions() -> None:
    r = build(
        'fact x: number >= 0 and <= 10 "得分"\nfact n: count "次数"\n'
        'indicator base "基础" max 10\n  points = x\n'
        'group plus "加分" bonus at most 3\nindicator plus.a "加" max 4\n  +2 per 1 of n\n'
        'group minus "扣分" deductions\nindicator minus.a "扣"\n  -1 per 1 of n\n'
    )
    result = r.score({"x": 10, "n": 2})
    assert testing.bounds(r, result) == {
        "demo": (Fraction(0), Fraction(13)),
        "base": (Fraction(0), Fraction(10)),
        "plus": (Fraction(0), Fraction(3)),
        "plus.a": (Fraction(0), Fraction(4)),
        "minus": (None, Fraction(0)),
        "minus.a": (None, Fraction(0)),
    }
    testing.assert_within_bounds(r, result)


def test_a_score_outside_its_bounds_is_named() -> None:
    result = TIERS.score({"days": 10, "rate": 95})

    def tight(r: rubric.Rubric, res: rubric.Result) -> dict[str, testing.Bounds]:
        return {"demo": (Fraction(0), Fraction(9)), "q": (Fraction(1), Fraction(19, 2))}

    with pytest.raises(AssertionError) as caught:
        testing.assert_within_bounds(TIERS, result, tight)
    assert str(caught.value) == (
        "demo: scores outside their bounds:\n"
        "  demo (示例) scored 10, outside [0, 9]\n"
        "  q (及时) scored 10, outside [1, 9.5]"
    )


# ---------------------------------------------------------------- one way only

COVERAGE = build(
    'fact aided: count "实际帮扶户数"\nfact targeted: count >= 1 "目标任务数"\n'
    'fact late: count "逾期天数"\n'
    'indicator q "保障" max 10\n  let rate = aided / targeted * 100\n  start from full marks\n'
    "  -0.5 per 1 of rate short of 100, proportionally\n  -1 per 1 of late\n"
)


@settings(max_examples=60)
@given(testing.fact_pairs(COVERAGE, "aided"))
def test_more_households_aided_never_lower_the_score(pair: tuple[dict, dict]) -> None:
    first, second = pair
    assert {k for k in first if first[k] != second[k]} <= {"aided"}
    assert first["aided"] <= second["aided"]
    testing.assert_monotonic(COVERAGE, "aided", first, second, node="q", direction="up")
    testing.assert_monotonic(COVERAGE, "aided", second, first, direction="up")


@settings(max_examples=30)
@given(testing.fact_pairs(COVERAGE, "late"))
def test_more_days_late_never_raise_the_score(pair: tuple[dict, dict]) -> None:
    testing.assert_monotonic(COVERAGE, "late", *pair, direction="down")


def test_a_fact_that_moves_the_wrong_way_is_named() -> None:
    low = {"aided": 10, "targeted": 10, "late": 0}
    with pytest.raises(AssertionError) as caught:
        testing.assert_monotonic(COVERAGE, "late", low, {**low, "late": 2}, direction="up")
    assert str(caught.value) == (
        "demo: raising late from 0 to 2 fell from 10 to 8, but it should only go up"
    )
    with pytest.raises(
        ValueError, match=r"differ in 'late' only; they differ in \['aided', 'late'\]"
    ):
        testing.assert_monotonic(COVERAGE, "late", low, {"aided": 9, "targeted": 10, "late": 2})


@pytest.mark.parametrize(
    ("name", "lower", "higher"),
    [("ok", False, True), ("m", "none", "high"), ("t", ["a"], ["a", "b"])],
)
def test_pairs_of_every_type_come_in_order(name: str, lower: object, higher: object) -> None:
    r = build(
        'fact ok: bool "合规"\nfact m: level {none "无", high "高"} "等级"\n'
        'fact t: set of {a "甲", b "乙"} "项目"\n'
        'indicator q "质量" max 10\n  +6 if ok\n  points by m: high -> 2, otherwise -> 0\n'
        "  +1 for each of t\n"
    )
    pairs = draws(testing.fact_pairs(r, name), 100)
    for first, second in pairs:
        testing.assert_monotonic(r, name, first, second)
    assert any(first[name] == lower and second[name] == higher for first, second in pairs)


def test_pairs_need_a_declared_fact() -> None:
    with pytest.raises(
        ValueError, match="demo declares no fact 'nope'; it has aided, targeted, late"
    ):
        testing.fact_pairs(COVERAGE, "nope")


# ---------------------------------------------------------------- hypothesis stays optional


def test_importing_rubric_does_not_import_hypothesis() -> None:
    code = (
        "import sys, rubric, rubric.cli; "
        "print([m for m in ('hypothesis', 'pygments', 'pytest') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_without_hypothesis_rubric_testing_says_how_to_install_it() -> None:
    code = "import sys; sys.modules['hypothesis'] = None; import rubric.testing"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "ImportError: rubric.testing needs hypothesis, which is not installed; install it with: "
        "pip install 'rubric[testing]'  (or: pip install hypothesis)"
    )


# ---------------------------------------------------------------- the example of docs/testing.md

EXAMPLE = ROOT / "docs" / "examples" / "testing" / "test_anhui_properties.py"


def test_the_docs_show_the_example_file_as_it_is() -> None:
    doc = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    assert f"```python\n{EXAMPLE.read_text(encoding='utf-8')}```" in doc
    assert len(EXAMPLE.read_text(encoding="utf-8").splitlines()) <= 20


def test_the_example_property_tests_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # where a user runs pytest, and the example loads the rubric from
    example = runpy.run_path(str(EXAMPLE))
    tests = [value for name, value in example.items() if name.startswith("test_")]
    assert len(tests) == 2
    for test in tests:
        test()
