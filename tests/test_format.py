"""The formatter: one canonical layout, idempotent, comments kept, and never a change of meaning."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

import rubric
from conftest import ROOT
from rubric import testing
from rubric.cli import main
from rubric.dsl.format import Formatted, format_source, format_text, shape, split_comment
from rubric.dsl.parser import parse
from rubric.dsl.source import Source

GOLDEN = ROOT / "tests" / "golden" / "format"


def repository_rubrics() -> list[Path]:
    """Every .rub file of the repository that is UTF-8 text (one is GBK, on purpose)."""
    found: dict[Path, Path] = {}  # by the file it is: docs/examples links to rubrics/
    for folder in ("rubrics", "docs/examples", "tests/golden", "tests/cases"):
        for path in sorted((ROOT / folder).rglob("*.rub")):
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            found.setdefault(path.resolve(), path)
    return list(found.values())


RUBRICS = repository_rubrics()
IDS = [p.relative_to(ROOT).as_posix() for p in RUBRICS]


def parses(text: str) -> bool:
    try:
        parse(Source(text))
    except rubric.RubricSyntaxError:
        return False
    return True


def comments(text: str) -> list[str]:
    return [c for line in text.splitlines() if (c := split_comment(line)[1]) is not None]


@attrs.frozen
class Study:
    """A repository rubric, formatted, and both texts compiled: worked out once per file."""

    text: str
    tree: Any  # its shape, or the syntax error it raises
    formatted: Formatted | None
    before: rubric.Rubric | rubric.RubricCheckError | None
    after: rubric.Rubric | rubric.RubricCheckError | None


def _load(text: str) -> rubric.Rubric | rubric.RubricCheckError:
    try:
        return rubric.loads(text)
    except rubric.RubricCheckError as error:
        return error


@functools.cache
def study(path: Path) -> Study:
    text = path.read_text(encoding="utf-8")
    try:
        tree = shape(parse(Source(text)))
    except rubric.RubricSyntaxError as error:
        return Study(text, error, None, None, None)
    formatted = format_source(Source(text))
    return Study(text, tree, formatted, _load(text), _load(formatted.text))


# ---------------------------------------------------------------- every rubric of the repository


def test_the_repository_has_rubrics_of_every_kind() -> None:
    studies = [study(path) for path in RUBRICS]
    assert len(studies) >= 60
    assert sum(s.formatted is None for s in studies) >= 10  # syntax errors, to be reported
    assert sum(isinstance(s.before, rubric.RubricCheckError) for s in studies) >= 10
    assert sum(isinstance(s.before, rubric.Rubric) for s in studies) >= 40


@pytest.mark.parametrize("path", RUBRICS, ids=IDS)
def test_formatting_keeps_the_tree_and_the_comments_and_is_idempotent(path: Path) -> None:
    case = study(path)
    if case.formatted is None:
        # A rubric that does not parse is reported as `rubric check` reports it, never rewritten.
        with pytest.raises(rubric.RubricSyntaxError) as formatting:
            format_text(case.text, path.name)
        with pytest.raises(rubric.RubricSyntaxError) as loading:
            rubric.loads(case.text, path.name)
        assert str(formatting.value) == str(loading.value)
        return
    formatted = case.formatted.text
    assert shape(parse(Source(formatted))) == case.tree
    assert comments(formatted) == comments(case.text)
    assert format_text(formatted) == formatted
    assert formatted.endswith("\n") and not formatted.endswith("\n\n")
    assert all(line == line.rstrip() and "\t" not in line for line in formatted.splitlines())


@pytest.mark.parametrize("path", RUBRICS, ids=IDS)
def test_a_rubric_the_checker_refuses_is_refused_alike_once_formatted(path: Path) -> None:
    case = study(path)
    if not isinstance(case.before, rubric.RubricCheckError):
        return
    assert case.formatted is not None
    assert isinstance(case.after, rubric.RubricCheckError)
    lines = case.formatted.lines

    def problems(error: rubric.RubricCheckError) -> list[tuple[int, str]]:
        return [(error.source.line_of(d.span), d.message) for d in error.diagnostics]

    moved = [
        (lines[line - 1], re.sub(r"line (\d+)", _move(lines), message))
        for line, message in problems(case.before)
    ]
    assert problems(case.after) == moved


def _move(lines: tuple[int, ...]) -> Any:
    return lambda match: match[0].replace(match[1], str(lines[int(match[1]) - 1]))


def _moved(data: Any, lines: tuple[int, ...]) -> Any:
    """A result's data with every rubric line number moved to where the formatter put it."""
    if isinstance(data, dict):
        return {
            key: (lines[value - 1] if key == "line" and value else _moved(value, lines))
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_moved(item, lines) for item in data]
    if isinstance(data, str):
        return re.sub(r"rubric line (\d+)", _move(lines), data)
    return data


def _outcome(r: rubric.Rubric, facts: dict[str, object]) -> Any:
    try:
        # A rubric that compares units: the unit alone is its cohort.
        cohort = r.cohort([facts]) if r.compares_units else None
        return r.score(facts, cohort=cohort).to_dict()
    except rubric.FactsError as error:
        return str(error)


@pytest.mark.parametrize("path", RUBRICS, ids=IDS)
@settings(max_examples=15)
@given(data=st.data())
def test_formatting_never_changes_a_score(path: Path, data: st.DataObject) -> None:
    case = study(path)
    before, after = case.before, case.after
    if not isinstance(before, rubric.Rubric):
        return
    assert isinstance(after, rubric.Rubric) and case.formatted is not None
    assert (after.id, after.title, after.max, after.places, after.facts) == (
        before.id,
        before.title,
        before.max,
        before.places,
        before.facts,
    )
    facts = data.draw(testing.facts(before))
    assert _outcome(after, facts) == _moved(_outcome(before, facts), case.formatted.lines)


def test_the_rubrics_folder_is_formatted() -> None:
    for path in sorted((ROOT / "rubrics").rglob("*.rub")):
        text = path.read_text(encoding="utf-8")
        assert format_text(text) == text, f"{path}: run rubric fmt rubrics/"


# ---------------------------------------------------------------- the canonical layout


def test_the_canonical_layout() -> None:
    source = (GOLDEN / "messy.rub").read_text(encoding="utf-8")
    expected = (GOLDEN / "messy.formatted.rub").read_text(encoding="utf-8")
    assert format_text(source) == expected
    assert format_text(expected) == expected


def test_lines_map_to_where_they_moved() -> None:
    text = 'rubric d "t" max 2\nfact a: bool "A"\nindicator i "i" max 2\n\n\n\n  +2 if a\n'
    formatted = format_source(Source(text))
    assert formatted.text == (
        'rubric d "t" max 2\nfact a: bool "A"\n\nindicator i "i" max 2\n\n\n  +2 if a\n'
    )
    assert formatted.lines == (1, 2, 4, 5, 6, 7, 7, 8)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("+1 if a and (b or c)", "+1 if a and (b or c)"),
        ("+1 if (a and b) or c", "+1 if (a and b) or c"),
        ("+1 if a and b or c", "+1 if (a and b) or c"),
        ("+1 if ((a))", "+1 if a"),
        ("+1 if not n>1", "+1 if not (n > 1)"),
        ("+1 if not(a)", "+1 if not a"),
        ("+1 if (a and b) and c", "+1 if (a and b) and c"),
        ("+1 if n - (1 - n) > 0", "+1 if n - (1 - n) > 0"),
        ("+1 if (n - 1) - n > 0", "+1 if n - 1 - n > 0"),
        ("+1 if n+1*2≧3", "+1 if n + 1 * 2 ≧ 3"),
        ("+1 if (n + 1) * 2 ＞ -(n)", "+1 if (n + 1) * 2 ＞ -n"),
        ("+1 if n ÷ 2 ≠ 1", "+1 if n ÷ 2 ≠ 1"),
        ("+1 if (n short of 3) over 1 > 0", "+1 if (n short of 3) over 1 > 0"),
        ('+1 if "x" in s', '+1 if "x" in s'),
        ("+1 if number  of s>=2", "+1 if number of s >= 2"),
        ("+1  for  each  of [a,b ,n>1],at most 1", "+1 for each of [a, b, n > 1], at most 1"),
        (
            "-0.5  per 1 of n short of 10 ,proportionally,  at most 2",
            "-0.5 per 1 of n short of 10, proportionally, at most 2",
        ),
        ("points=n/2,at most 1", "points = n / 2, at most 1"),
        ("points ＝ n", "points ＝ n"),
        ("×0.8 if a", "× 0.8 if a"),
        ("*  0.8 if a", "* 0.8 if a"),
        ("points by m:hi->1,otherwise → 0", "points by m: hi -> 1, otherwise → 0"),
        ('points by m: "in"->1, "lo" -> 0', 'points by m: "in" -> 1, lo -> 0'),
        ("points by n: ≦ +5 -> + 1, otherwise -> 0", "points by n: ≦ +5 -> +1, otherwise -> 0"),
    ],
)
def test_one_line(written: str, canonical: str) -> None:
    head = (
        'rubric d "t" max 2\nfact a: bool\nfact b: bool\nfact c: bool\nfact n: count\n'
        'fact s: set\nfact m: level {lo, hi, in}\n\nindicator i "i" max 2\n'
    )
    assert format_text(f"{head}  {written}\n") == f"{head}  {canonical}\n"


def test_a_table_split_across_lines_gets_one_arm_a_line_aligned() -> None:
    text = (
        'rubric d "t" max 4\nfact r: number\nindicator i "i" max 4\n'
        "  points by r: >= 90 -> 4,  # 优\n"
        "\n"
        "    >= 80 and < 90 -> 3, >= 60 -> 1,\n"
        "    # 其余\n"
        "   otherwise→0\n"
    )
    assert format_text(text) == (
        'rubric d "t" max 4\nfact r: number\n\nindicator i "i" max 4\n'
        "  points by r:  # 优\n"
        "    >= 90          -> 4\n"
        "    >= 80 and < 90 -> 3\n"
        "    >= 60          -> 1\n"
        "    # 其余\n"
        "    otherwise      → 0\n"
    )


# ---------------------------------------------------------------- generated and hostile text

ANHUI_TEXT = (ROOT / "rubrics" / "anhui_2019.rub").read_text(encoding="utf-8")
ANHUI_TREE = shape(parse(Source(ANHUI_TEXT)))
SPACING = st.sampled_from(["{} ", " {}  ", "{}", "\t{} ", "  {}"])
SPELLINGS = {"<=": ["≤", "≦"], ">=": ["≥", "≧"], "->": ["→"], "<": ["＜"], ">": ["＞"]}


@st.composite
def mutated(draw: st.DrawFn, *, respell: bool) -> str:
    """The Anhui rubric re-indented and re-spaced; with `respell`, signs respelt and comments,
    blank lines, a byte-order mark and Windows line ends added too."""
    lines = []
    for line in ANHUI_TEXT.splitlines():
        code, comment = split_comment(line)
        body = code.strip()
        if body and draw(st.integers(0, 4)) == 0:
            # Spaces around operators and after commas may be doubled or dropped.
            parts = re.split(r'("(?:[^"\\]|\\.)*")', body)
            for index in range(0, len(parts), 2):  # outside quotes only
                parts[index] = re.sub(
                    r" ?(->|<=|>=|=|\*|/|,) ", lambda m: draw(SPACING).format(m[1]), parts[index]
                )
            body = "".join(parts)
        if respell and body and draw(st.integers(0, 4)) == 0:
            for ascii_, others in SPELLINGS.items():
                if f" {ascii_} " in body:
                    body = body.replace(f" {ascii_} ", f" {draw(st.sampled_from(others))} ", 1)
        indent = len(code) - len(code.lstrip())
        indentation = " " * indent
        if body and indent < 4 and not body.startswith("pool"):
            # Indentation is free but for a pool, whose rules must stay deeper than its line.
            indentation = draw(st.sampled_from(["", " ", "   ", "\t", "\t "]))
        extra = draw(st.sampled_from(["", "", '  # 注："引号" # 再注', "\t#"]))
        tail = comment if comment is not None else (extra if body and respell else "")
        gap = " " * draw(st.integers(1, 5)) if tail and body else ""
        lines.append(indentation + body + gap + (tail or ""))
        if respell and draw(st.integers(0, 19)) == 0:
            lines.append(draw(st.sampled_from(["", "   ", "# 新增的注释", "\t"])))
    ending = draw(st.sampled_from(["\n", "\r\n"])) if respell else "\n"
    bom = draw(st.sampled_from(["", "\ufeff"])) if respell else ""
    return bom + ending.join(lines) + ending


# Each example parses the whole Anhui rubric a few times: few examples, and no slow shrinking.
HEAVY = settings(max_examples=10, phases=[Phase.explicit, Phase.reuse, Phase.generate])


@HEAVY
@given(mutated(respell=False))
def test_however_it_is_spaced_the_anhui_rubric_formats_to_itself(text: str) -> None:
    assert format_text(text) == ANHUI_TEXT


@HEAVY
@given(mutated(respell=True))
def test_mutated_rubrics_format_to_the_same_tree(text: str) -> None:
    # format_text itself parses what it wrote and fails if the tree is not the one it read.
    formatted = format_text(text)
    assert comments(formatted) == comments(text.removeprefix("\ufeff"))
    assert format_text(formatted) == formatted
    if "≦" not in text and "≧" not in text and "≤" not in text and "→" not in text:
        assert shape(parse(Source(formatted))) == ANHUI_TREE


WORDS = [
    'rubric d "t" max 2',
    'fact a: bool "甲"',
    "fact n: count >= 1",
    'indicator i "i" max 2',
    'group g "g" max 2',
    "  +2 if a",
    "  points by n:",
    "    <= 1 -> 2",
    "    otherwise -> 0",
    "  pool p at most 1",
    "    +1 if a",
    "# 注释",
    '"#"',
    "  ",
    "",
    "×",
    "\t",
    "(",
    "≧",
    "\u3000",
]


@settings(max_examples=150)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=14))
@example(['rubric d "t" max 2', 'fact a: bool "# not a comment"', 'indicator i "#" max 2'])
@example(['rubric d "t"', "allow   negative  total # 可为负"])
def test_hostile_text_is_formatted_or_refused_never_mangled(lines: list[str]) -> None:
    text = "\n".join(lines)
    if not parses(text):
        with pytest.raises(rubric.RubricSyntaxError) as parsing:
            parse(Source(text))
        with pytest.raises(rubric.RubricSyntaxError) as formatting:
            format_text(text)
        assert str(formatting.value) == str(parsing.value)
        return
    tree = parse(Source(text))
    formatted = format_text(text)
    assert shape(parse(Source(formatted))) == shape(tree)
    assert comments(formatted) == comments(text)
    assert format_text(formatted) == formatted


# ---------------------------------------------------------------- rubric fmt


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["fmt", *(str(a) for a in args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "ok.rub").write_text(
        'rubric d "t" max 2\nfact a: bool\n\nindicator i "i" max 2\n  +2 if a\n', encoding="utf-8"
    )
    (tmp_path / "sub" / "messy.rub").write_text(
        'rubric d "t" max 2\nfact a: bool\nindicator i "i" max 2\n+2   if a\n', encoding="utf-8"
    )
    (tmp_path / "sub" / "notes.txt").write_text("not a rubric", encoding="utf-8")
    return tmp_path


def test_fmt_rewrites_what_is_not_formatted(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    assert run(capsys, files) == (
        0,
        f"reformatted {files / 'sub' / 'messy.rub'}\n1 file reformatted, 1 file left unchanged\n",
        "",
    )
    assert (files / "sub" / "messy.rub").read_text(encoding="utf-8") == (
        'rubric d "t" max 2\nfact a: bool\n\nindicator i "i" max 2\n  +2 if a\n'
    )
    assert run(capsys, files) == (0, "0 files reformatted, 2 files left unchanged\n", "")


def test_fmt_check_changes_nothing_and_fails(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    before = (files / "sub" / "messy.rub").read_bytes()
    assert run(capsys, "--check", files) == (
        1,
        f"would reformat {files / 'sub' / 'messy.rub'}\n"
        "1 file would be reformatted, 1 file already formatted\n",
        "",
    )
    assert (files / "sub" / "messy.rub").read_bytes() == before
    assert run(capsys, "--check", files / "ok.rub") == (
        0,
        "0 files would be reformatted, 1 file already formatted\n",
        "",
    )


def test_fmt_diff_shows_the_change(capsys: pytest.CaptureFixture[str], files: Path) -> None:
    path = files / "sub" / "messy.rub"
    code, out, err = run(capsys, "--diff", path)
    assert (code, err) == (0, "")
    assert out == (
        f"--- {path}\n+++ {path} (formatted)\n@@ -1,4 +1,5 @@\n"
        ' rubric d "t" max 2\n fact a: bool\n+\n indicator i "i" max 2\n-+2   if a\n+  +2 if a\n'
        "1 file would be reformatted, 0 files already formatted\n"
    )
    assert run(capsys, "--diff", "--check", path)[0] == 1


def test_fmt_leaves_a_rubric_that_does_not_parse_as_it_is(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    bad = files / "bad.rub"
    bad.write_text('rubric d "t"\nfact a bool\n', encoding="utf-8")
    code, out, err = run(capsys, files)
    assert code == 1
    assert bad.read_text(encoding="utf-8") == 'rubric d "t"\nfact a bool\n'
    assert err.startswith(f"{bad}:2:8: expected ':', found 'bool' [E101]\n")
    assert out.endswith(
        "1 file reformatted, 1 file left unchanged, 1 file could not be formatted\n"
    )


def test_fmt_reports_unreadable_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.rub"
    gbk.write_bytes('rubric d "中文"\n'.encode("gbk"))
    code, out, err = run(capsys, gbk, tmp_path / "none.rub")
    assert code == 1
    assert err.startswith(f"{gbk}:1:11: byte 10 is not UTF-8 text\n")
    assert err.endswith(f"rubric: cannot read {tmp_path / 'none.rub'}: No such file or directory\n")
    assert out == "0 files reformatted, 0 files left unchanged, 2 files could not be formatted\n"


def test_fmt_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    messy = 'rubric d "t" max 2\nfact a: bool\nindicator i "i" max 2\n+2   if a\n'
    monkeypatch.setattr("sys.stdin", io.StringIO(messy))
    assert run(capsys, "-") == (0, format_text(messy), "")
    monkeypatch.setattr("sys.stdin", io.StringIO(messy))
    assert run(capsys, "--check", "-") == (1, "", "")
    monkeypatch.setattr("sys.stdin", io.StringIO(messy))
    assert run(capsys, "-", "x.rub") == (
        2,
        "",
        "rubric fmt: - (stdin) cannot be given with files\n",
    )
