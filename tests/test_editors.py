"""Editors: the Pygments lexer and the TextMate grammar read every rubric of the repository alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Number, Operator, String, _TokenType

import textmate
from conftest import ROOT
from doc_outputs import DOCS, fences
from rubric._lexer import RubricLexer
from rubric.dsl.format import split_comment
from rubric.dsl.parser import parse
from rubric.dsl.source import Source
from rubric.errors import RubricSyntaxError

VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = VSCODE / "syntaxes" / "rubric.tmLanguage.json"


def valid_rubrics() -> list[Path]:
    """Every rubric of the repository that parses (the checker's verdict does not matter)."""
    found: dict[Path, Path] = {}
    for folder in ("rubrics", "docs/examples", "tests/golden", "tests/cases"):
        for path in sorted((ROOT / folder).rglob("*.rub")):
            try:
                parse(Source(path.read_text(encoding="utf-8").removeprefix("\ufeff")))
            except (UnicodeDecodeError, RubricSyntaxError):
                continue
            found.setdefault(path.resolve(), path)
    return list(found.values())


RUBRICS = valid_rubrics()
IDS = [p.relative_to(ROOT).as_posix() for p in RUBRICS]
DOC_BLOCKS = [
    (path, index, "\n".join(body) + "\n")
    for path in DOCS
    for index, info, body in fences(path.read_text(encoding="utf-8").split("\n"))
    if info == "rub"
]


def test_there_are_rubrics_to_read() -> None:
    assert len(RUBRICS) >= 60
    assert len(DOC_BLOCKS) >= 60


# ---------------------------------------------------------------- Pygments


def test_pygments_finds_the_lexer_by_its_entry_point() -> None:
    assert isinstance(get_lexer_by_name("rub"), RubricLexer)
    assert isinstance(get_lexer_by_name("rubric"), RubricLexer)
    assert isinstance(get_lexer_for_filename("anhui_2019.rub"), RubricLexer)


@pytest.mark.parametrize("path", RUBRICS, ids=IDS)
def test_the_lexer_reads_every_rubric_without_errors(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tokens = list(RubricLexer(stripnl=False, ensurenl=False).get_tokens(text))
    assert [value for token, value in tokens if token in Error] == []
    assert "".join(value for _, value in tokens) == text.removeprefix("\ufeff")


@pytest.mark.parametrize(
    ("path", "index", "text"), DOC_BLOCKS, ids=[f"{p.name}:{i + 1}" for p, i, _ in DOC_BLOCKS]
)
def test_the_docs_rub_blocks_highlight_without_errors(path: Path, index: int, text: str) -> None:
    lexer = get_lexer_by_name("rub", stripnl=False, ensurenl=False)
    flagged, offset = set(), 0
    for token, value in lexer.get_tokens(text):
        if token in Error:
            flagged.add(text.count("\n", 0, offset) + 1)
        offset += len(value)
    # A block may show a line that is wrong on purpose (a full-width colon, say): the lexer
    # may flag such a line, and only such a line.
    try:
        parse(Source(text))
        wrong: set[int] = set()
    except RubricSyntaxError as error:
        wrong = {error.source.line_of(d.span) for d in error.diagnostics}
    assert flagged <= wrong


def test_the_lexer_tells_the_parts_of_a_line_apart() -> None:
    line = 'indicator bonus.a "加分（#1）" max 2 weight 40%  # 注释\n  +0.5 per 1 of n short of 100, proportionally\n'
    shown = [
        (value, _kind(token))
        for token, value in RubricLexer(stripnl=False, ensurenl=False).get_tokens(line)
    ]
    assert [s for s in shown if s[1] != "other"] == [
        ("indicator", "keyword"),
        ('"加分（#1）"', "string"),
        ("max", "keyword"),
        ("2", "number"),
        ("weight", "keyword"),
        ("40%", "number"),
        ("# 注释", "comment"),
        ("+0.5", "number"),
        ("per", "keyword"),
        ("1", "number"),
        ("of", "keyword"),
        ("short of", "keyword"),
        ("100", "number"),
        ("proportionally", "keyword"),
    ]


def _kind(token: _TokenType) -> str:
    for kind, parent in (
        ("comment", Comment),
        ("string", String),
        ("number", Number),
        ("keyword", Keyword),
        ("keyword", Operator.Word),
    ):
        if token in parent:
            return kind
    return "other"


# ---------------------------------------------------------------- TextMate (VS Code)


def test_the_extension_declares_the_language_and_its_grammar() -> None:
    package = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = package["contributes"]["languages"]
    (grammar,) = package["contributes"]["grammars"]
    assert language["extensions"] == [".rub"]
    assert grammar["language"] == language["id"] == "rubric"
    assert (VSCODE / grammar["path"]).resolve() == GRAMMAR.resolve()
    assert (VSCODE / language["configuration"]).is_file()
    config = json.loads((VSCODE / language["configuration"]).read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "#"}
    assert json.loads(GRAMMAR.read_text(encoding="utf-8"))["scopeName"] == grammar["scopeName"]


def test_every_regex_of_the_grammar_compiles() -> None:
    found = textmate.regexes(GRAMMAR)
    assert len(found) >= 10
    for pattern in found:
        re.compile(pattern)
        # Nothing only Python reads: named groups are written (?<name>…) in Oniguruma.
        assert "(?P" not in pattern


SCOPE, TOP = textmate.load(GRAMMAR)


def _scope_kind(scopes: tuple[str, ...]) -> str:
    inner = scopes[-1]
    for kind, prefix in (
        ("comment", "comment."),
        ("string", "string."),
        ("string", "constant.character.escape"),
        ("number", "constant.numeric"),
        ("keyword", "keyword.control"),
        ("keyword", "keyword.other"),
        ("keyword", "keyword.operator.word"),
        ("keyword", "storage.type"),
    ):
        if inner.startswith(prefix):
            return kind
    return "other"


def _per_character(pieces: list[tuple[str, str]]) -> list[str]:
    return [kind for piece, kind in pieces for _ in piece]


@pytest.mark.parametrize("path", RUBRICS, ids=IDS)
def test_the_grammar_reads_every_rubric_as_the_lexer_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    grammar = [
        (piece, _scope_kind(scopes)) for piece, scopes in textmate.tokenize(text, SCOPE, TOP)
    ]
    lexer = [
        (value, _kind(token))
        for token, value in RubricLexer(stripnl=False, ensurenl=False).get_tokens(text)
    ]
    assert "".join(p for p, _ in grammar) == "".join(v for v, _ in lexer) == text
    by_grammar, by_lexer = _per_character(grammar), _per_character(lexer)
    differ = [i for i, (a, b) in enumerate(zip(by_grammar, by_lexer, strict=True)) if a != b]
    assert differ == [], f"{path}: {text[differ[0] - 20 : differ[0] + 20]!r}" if differ else ""
    # Every comment and every quoted text is scoped as such.
    lines = text.splitlines(keepends=True)
    offset = 0
    for line in lines:
        code, comment = split_comment(line.rstrip("\r\n"))
        if comment is not None:
            start = offset + line.index(comment, len(code))
            assert set(by_grammar[start : start + len(comment)]) == {"comment"}
        for quoted in re.finditer(r'"(?:[^"\\]|\\.)*"', code):
            assert set(by_grammar[offset + quoted.start() : offset + quoted.end()]) == {"string"}
        offset += len(line)


def test_the_grammar_scopes_a_statement() -> None:
    line = "  -0.5 per 1 of rate short of 100, proportionally, at most 2  # 扣完为止\n"
    tokens = [(p, s[-1]) for p, s in textmate.tokenize(line, SCOPE, TOP) if p.strip()]
    assert tokens == [
        ("-0.5", "constant.numeric.rubric"),
        ("per", "keyword.control.rubric"),
        ("1", "constant.numeric.rubric"),
        ("of", "keyword.control.rubric"),
        ("rate", "variable.other.rubric"),
        ("short of", "keyword.operator.word.rubric"),
        ("100", "constant.numeric.rubric"),
        (",", "punctuation.separator.rubric"),
        ("proportionally", "keyword.other.rubric"),
        (",", "punctuation.separator.rubric"),
        ("at most", "keyword.control.rubric"),
        ("2", "constant.numeric.rubric"),
        ("# 扣完为止", "comment.line.number-sign.rubric"),
    ]
