"""Tests as tables: case files, `rubric test`, their coverage, and the pytest plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

import rubric
from rubric._cases import coverage, load_case
from rubric.cli import main
from rubric.dsl.source import Source

pytest_plugins = ["pytester"]

RUBRIC = """rubric demo "示例" max 10
grade 好 if total >= 8
grade 中 if total >= 5
grade 差 otherwise
fact ok: bool "合规"
fact days: count "工作日数" unit "个工作日"
fact m: level {none "无", high "高"} "等级"
fact n: count "问题数"
at most 9 if n > 5

indicator timely "及时" max 4
  points by days:
    <= 20     -> 4
    <= 30     -> 2
    otherwise -> 0

indicator rest "其余" max 6
  +2 if ok
  points by m: high -> 2, otherwise -> 0
  points by days + 1: <= 10 -> 1, otherwise -> 0
  +1 if n = 0
  pool issues "问题扣分" at most 1
    -0.5 per 1 of n
"""

FACTS = '[facts]\nok = true\ndays = 25\nm = "high"\nn = 0\n'


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.rub"
    path.write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "cases").mkdir()
    return path


def case(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "cases" / f"{name}.case.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["test", *(str(a) for a in args)])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- case files


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[facts]\n",
            'no [expect] table: write what the facts must score under [expect], such as total = "98.75", grade = "优秀" or "output.delivery.coverage" = "7.75"',
        ),
        ("[expect]\ntotal = 1\n", "no [facts] table: the facts of the unit go under [facts]"),
        (
            'unit = "x"\n[facts]\n[expect]\ngrade = 1\ntimely = true\n',
            "unknown key 'unit'; a case has rubric, description, facts, expect; grade: expected "
            'a text; timely: expected a score such as 7.75, "7.75" or the exact "29/3"',
        ),
        (
            "[facts]\n[expect]\nerror = []\n",
            "error: expected the problem the facts are refused with, or a list of them",
        ),
        (
            'rubric = 1\n[facts]\n[expect]\ntotal = "1/0"\n',
            'rubric: expected the path of the rubric, such as rubric = "../x.rub"; total: expected a score such as 7.75, "7.75" or the exact "29/3"',
        ),
        (
            "[facts\n",
            "invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 7)",
        ),
    ],
)
def test_a_case_file_that_is_not_a_case_says_why(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.case.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rubric.errors.CaseError) as caught:
        load_case(path)
    assert str(caught.value) == f"{path}: {message}"


def test_a_case_reads_its_facts_exactly(tmp_path: Path) -> None:
    path = tmp_path / "one.case.toml"
    path.write_text(
        'rubric = "../r.rub"\n[facts]\nrate = 0.1\n[expect]\ntotal = 9.5\n"a.b" = "29/3"\n',
        encoding="utf-8",
    )
    loaded = load_case(path)
    assert loaded.name == "one"
    assert loaded.rubric == (tmp_path.parent / "r.rub").resolve()
    assert str(loaded.facts["rate"]) == "0.1"
    assert [(e.what, str(e.value)) for e in loaded.expected] == [("total", "9.5"), ("a.b", "29/3")]


# ---------------------------------------------------------------- rubric test


def test_rubric_test_passes_and_reports_coverage(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    # 25 days: 2 points; ok, high and no problems: 2 + 2 + 1, and 26 days + 1 is past 10: 7.
    good = case(
        tmp_path,
        "good",
        f'description = "准时"\n{FACTS}[expect]\ntotal = 7\ngrade = "中"\ntimely = "2.00"\n'
        'rest = "5"\n',
    )
    code, out, err = run(capsys, demo, tmp_path / "cases")
    assert (code, err) == (0, "")
    assert out == (
        f"ok    {good}  准时\n"
        "\n1 case: 1 passed, 0 failed\n"
        f"coverage of {demo}: 5 of 14 rules, arms, caps and grades exercised\n"
        "not exercised by any case:\n"
        "  line  2  grade 好 if total >= 8  no case got this grade\n"
        "  line  4  grade 差 otherwise  no case got this grade\n"
        "  line  9  at most 9 if n > 5  never changed a score\n"
        "  line 13  <= 20 -> 4  (timely)  no value fell in this arm\n"
        "  line 15  otherwise -> 0  (timely)  no value fell in this arm\n"
        "  line 19  otherwise -> 0  (rest)  no value fell in this arm\n"
        "  line 20  points by days + 1: <= 10 -> 1, otherwise -> 0  (rest)  never gave or took "
        "points\n"
        '  line 22  pool issues "问题扣分" at most 1  (rest)  the pool\'s cap never held its rules '
        "back\n"
        "  line 23  -0.5 per 1 of n  (rest)  never gave or took points\n"
    )


def test_rubric_test_shows_each_failure_by_node(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    path = case(
        tmp_path,
        "bad",
        f'{FACTS}[expect]\ntotal = "8.50"\ngrade = "好"\ntimely = 4\nrset = 1\n"rest" = "29/3"\n',
    )
    code, out, _ = run(capsys, demo, path)
    assert code == 1
    assert out.split("\n\n")[1] == (
        f"{path}: bad\n"
        "  total: expected 8.50, got 7.00\n"
        "       2.00  及时  timely\n"
        "       5.00  其余  rest\n"
        "       0.00  问题数为0，不满足“> 5”，得分不设此上限\n"
        "  grade: expected 好, got 中\n"
        "       0.00  未评为好：总分为7分，不满足“≥ 8分”\n"
        "       0.00  评为中：总分为7分，满足“≥ 5分”\n"
        "  timely (及时): expected 4, got 2.00\n"
        "      +2.00  工作日数为25个工作日，属于“≤ 30个工作日”一档，得2分\n"
        "  rset: expected a node of the rubric, got no such node; did you mean 'rest'?\n"
        "  rest (其余): expected 29/3, got 5\n"
        "      +2.00  合规：是，得2分\n"
        "      +2.00  等级：高，得2分\n"
        f"       0.00  {EXPRESSION_TABLE}\n"
        "      +1.00  问题数为0，满足“= 0”，得1分\n"
        "       0.00  问题数 = 0，每1扣0.5分，不扣分"
    )


# How the evaluator words a table of an expression; rubric test shows it as it is.
EXPRESSION_TABLE = "工作日数+1为26个工作日，不属于“≤ 10”，不得分"


def test_rubric_test_expects_refusals(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    problem = "ok: expected true or false, found the number 1"
    complete = case(
        tmp_path,
        "one",
        f'[facts]\nok = 1\ndays = 1\nm = "none"\nn = 0\n[expect]\nerror = "{problem}"\n',
    )
    assert run(capsys, demo, complete)[0] == 0
    # Each problem listed must be among those the facts are refused with; others may come too.
    partial = case(tmp_path, "partial", f'[facts]\nok = 1\n[expect]\nerror = ["{problem}"]\n')
    assert run(capsys, demo, partial)[0] == 0
    wrong = case(tmp_path, "wrong", '[facts]\nok = 1\n[expect]\nerror = "ok: missing"\ntotal = 1\n')
    code, out, _ = run(capsys, demo, wrong)
    assert code == 1
    refused = (
        f"{problem}; days: missing; expected a count (a whole number, 0 or more) (工作日数); "
        "m: missing; expected one of: none, high (等级); n: missing; expected a count (a whole "
        "number, 0 or more) (问题数)"
    )
    assert out.split("\n\n")[1] == (
        f"{wrong}: wrong\n"
        f"  error: expected ok: missing, got {refused}\n"
        f"  total: expected the facts to be scored, got refused: {refused}"
    )
    scored = case(tmp_path, "scored", f'{FACTS}[expect]\nerror = "days: must be ≥ 1"\n')
    code, out, _ = run(capsys, demo, scored)
    assert code == 1
    assert "  error: expected refused: days: must be ≥ 1, got scored\n" in out


def test_rubric_test_refuses_cases_it_cannot_run(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    other = case(tmp_path, "other", f'rubric = "other.rub"\n{FACTS}[expect]\ntotal = 9\n')
    broken = case(tmp_path, "broken", "[facts]\n")
    code, out, err = run(capsys, demo, other, broken, tmp_path / "none.case.toml")
    assert code == 1
    assert err == (
        f"{other}: this case is for {(tmp_path / 'cases' / 'other.rub').resolve()}, not {demo}\n"
        f"{broken}: no [expect] table: write what the facts must score under [expect], such as "
        'total = "98.75", grade = "优秀" or "output.delivery.coverage" = "7.75"\n'
        f"rubric: cannot read {tmp_path / 'none.case.toml'}: No such file or directory\n"
    )
    assert "3 cases: 0 passed, 0 failed, 3 could not be run\n" in out
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, demo, tmp_path / "empty")
    assert (code, err) == (1, f"rubric test: no *.case.toml files in {tmp_path / 'empty'}\n")


def test_anhui_cases_pass_and_cover_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent
    code, out, _ = run(capsys, root / "rubrics" / "anhui_2019.rub", root / "rubrics" / "tests")
    assert code == 0
    assert out.endswith(
        "10 cases: 10 passed, 0 failed\n"
        f"coverage of {root / 'rubrics' / 'anhui_2019.rub'}: 61 of 61 rules, arms, caps and "
        "grades exercised\n"
    )


# ---------------------------------------------------------------- coverage


def test_coverage_tells_arms_apart_by_the_value_looked_up() -> None:
    r = rubric.loads(RUBRIC)
    results = [
        # 20 days: the first arm; none: otherwise; 6 problems: -3, held at -1 by the pool; 差.
        r.score({"ok": False, "days": 20, "m": "none", "n": 6}),
        # 31 days: otherwise; high: 2; one problem: -0.5; 差.
        r.score({"ok": False, "days": 31, "m": "high", "n": 1}),
        # 9 days: the first arm, and 9 + 1 <= 10 gives 1; no problems: +1; 4 + 2 = 6, 中.
        r.score({"ok": False, "days": 9, "m": "none", "n": 0}),
    ]
    assert [result.grade for result in results] == ["差", "差", "中"]
    found = coverage(Source(RUBRIC, "demo.rub"), results)
    assert len(found.items) == 14
    assert [(i.line, i.text, i.kind) for i in found.missed] == [
        (2, "grade 好 if total >= 8", "grade"),
        (9, "at most 9 if n > 5", "clause"),  # held for 6 problems, but 4 is under 9
        (14, "<= 30 -> 2", "arm"),
        (18, "+2 if ok", "rule"),
    ]


# ---------------------------------------------------------------- under pytest


def test_pytest_collects_case_files(pytester: pytest.Pytester) -> None:
    pytester.makefile(".rub", demo=RUBRIC)
    pytester.path.joinpath("good.case.toml").write_text(
        f'rubric = "demo.rub"\n{FACTS}[expect]\ntotal = 7\n', encoding="utf-8"
    )
    pytester.path.joinpath("bad.case.toml").write_text(
        f'rubric = "demo.rub"\n{FACTS}[expect]\ntimely = 4\n', encoding="utf-8"
    )
    pytester.path.joinpath("nameless.case.toml").write_text(
        f"{FACTS}[expect]\ntimely = 2\n", encoding="utf-8"
    )
    pytester.path.joinpath("facts.toml").write_text(FACTS, encoding="utf-8")  # not a case
    done = pytester.runpytest("-p", "no:cacheprovider")
    done.assert_outcomes(passed=1, failed=2)
    done.stdout.fnmatch_lines(
        [
            "*bad.case.toml: bad",
            "  timely (及时): expected 4, got 2.00",
            "      +2.00  工作日数为25个工作日，属于“≤ 30个工作日”一档，得2分",
            '*nameless.case.toml: name the rubric this case tests, such as rubric = "../x.rub" (a path from the case file)',
            "*rubric cases: coverage*",
            "coverage of demo.rub: 5 of 14 rules, arms, caps and grades exercised",
        ]
    )


def test_pytest_reports_a_rubric_that_does_not_compile(pytester: pytest.Pytester) -> None:
    pytester.makefile(".rub", broken='rubric d "t"\nfact a bool\n')
    pytester.path.joinpath("one.case.toml").write_text(
        'rubric = "broken.rub"\n[facts]\n[expect]\ntotal = 1\n', encoding="utf-8"
    )
    done = pytester.runpytest("-p", "no:cacheprovider")
    done.assert_outcomes(failed=1)
    done.stdout.fnmatch_lines(["*broken.rub:2:8: expected ':', found 'bool' [[]E101]"])
