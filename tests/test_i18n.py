"""Messages in Chinese and English: every marked message has a Chinese translation, the compiled
catalogs are those of the .po files, and the language is chosen as documented (docs/i18n.md)."""

from __future__ import annotations

import gettext
import importlib.util
import io
import os
import string
from pathlib import Path
from types import ModuleType

import pytest

import rubric
from rubric import _i18n
from rubric._i18n import _, from_environment, language
from rubric.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _catalogs() -> ModuleType:
    # scripts/i18n.py extracts with Babel, which the test extra installs: never skipped.
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fields(text: str) -> set[str]:
    return {field for _text, field, _spec, _conv in string.Formatter().parse(text) if field}


def _translated(strings: str | tuple[str, ...]) -> bool:
    return all(strings) if isinstance(strings, tuple) else bool(strings)


def test_every_message_has_a_chinese_translation() -> None:
    script = _catalogs()
    catalog = script.read("zh")
    lacking = []
    for message, file, line in script.messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        strings = entry.string if entry is not None else ""
        if entry is None or entry.fuzzy or not _translated(strings):
            lacking.append(f"{file}:{line}: {key!r}")
    assert not lacking, (
        "messages without a Chinese translation (run `python scripts/i18n.py update`, translate "
        "them in src/rubric/i18n/zh/LC_MESSAGES/rubric.po, then `python scripts/i18n.py "
        "compile`; see docs/i18n.md):\n" + "\n".join(lacking)
    )


def test_translations_keep_the_placeholders() -> None:
    script = _catalogs()
    wrong = []
    for entry in script.read("zh"):
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(_fields(i) for i in ids))
        for text in strings:
            try:
                found = _fields(text)
            except ValueError as error:
                wrong.append(f"{ids[0]!r}: {error}")
                continue
            if found != wanted:
                wrong.append(f"{ids[0]!r}: placeholders {sorted(found)}, wanted {sorted(wanted)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", _i18n.LANGUAGES)
def test_the_compiled_catalog_is_the_po_file(lang: str) -> None:
    script = _catalogs()
    from babel.messages.mofile import write_mo

    compiled = io.BytesIO()
    write_mo(compiled, script.read(lang), use_fuzzy=False)
    path = script.po_path(lang).with_suffix(".mo")
    assert path.read_bytes() == compiled.getvalue(), (
        f"{path} is stale: run `python scripts/i18n.py compile`"
    )


def test_the_package_reads_the_compiled_catalog() -> None:
    with open(os.path.join(_i18n.LOCALE_DIR, "zh", "LC_MESSAGES", "rubric.mo"), "rb") as file:
        catalog = gettext.GNUTranslations(file)
    assert catalog.gettext("unknown name '{name}'") == "未知的名称“{name}”"
    assert catalog.ngettext("{origin}: {count} problem, nothing was scored", "x", 2).startswith(
        "{origin}："
    )


def test_english_by_default_and_chinese_when_asked() -> None:
    assert _i18n.current() == "en"
    message = "the fact '{name}' is declared twice; first on line {line}"
    assert _(message, name="a", line=3) == "the fact 'a' is declared twice; first on line 3"
    with language("zh"):
        assert _i18n.current() == "zh"
        assert _(message, name="a", line=3) == "事实项“a”声明了两次；第一次在第3行"
    assert _i18n.current() == "en"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        _i18n.set_language("fr")


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "zh_TW.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.GB18030"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_GB:zh_CN"}, "en"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "fr:zh"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "fr"}, "en"),
    ],
)
def test_the_locale_chooses_the_language(environ: dict[str, str], lang: str) -> None:
    assert from_environment(environ) == lang


BAD = 'rubric r "示例" max 10\nfact aided: count "帮扶户数"\nindicator a "甲" max 10\n  +10 if aidd >= 1\n'


def test_the_api_speaks_english_whatever_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    with pytest.raises(rubric.RubricCheckError) as caught:
        rubric.loads(BAD, filename="bad.rub")
    assert "unknown name 'aidd'" in str(caught.value)


@pytest.fixture
def bad_rubric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    path = tmp_path / "bad.rub"
    path.write_text(BAD, encoding="utf-8")
    return path


ENGLISH = """\
{path}:4:10: unknown name 'aidd' [E201]
      +10 if aidd >= 1
             ^^^^
    did you mean 'aided'? every name must be declared first, with a 'fact' or a 'let' line
"""
CHINESE = """\
{path}:4:10: 未知的名称“aidd” [E201]
      +10 if aidd >= 1
             ^^^^
    您是否想写“aided”？每个名称都要先用“fact”或“let”行声明
"""


@pytest.mark.parametrize(
    ("argv", "lang", "expected"),
    [
        (["check", "{path}"], "C.UTF-8", ENGLISH),
        (["check", "--lang", "zh", "{path}"], "C.UTF-8", CHINESE),
        (["--lang", "zh", "check", "{path}"], "C.UTF-8", CHINESE),
        (["check", "--lang=zh", "{path}"], "C.UTF-8", CHINESE),
        (["check", "{path}"], "zh_CN.UTF-8", CHINESE),
        (["check", "--lang", "en", "{path}"], "zh_CN.UTF-8", ENGLISH),
    ],
)
def test_the_command_line_speaks_the_language_asked(
    bad_rubric: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    lang: str,
    expected: str,
) -> None:
    monkeypatch.setenv("LANG", lang)
    assert main([a.format(path=bad_rubric) for a in argv]) == 1
    assert capsys.readouterr().err == expected.format(path=bad_rubric)
    # The language was the command's only: the API speaks English after it.
    assert _i18n.current() == "en"


def test_the_command_line_help_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--lang", "zh", "--help"])
    assert "消息的语言" in capsys.readouterr().out


def test_the_command_line_summaries_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "rubrics" / "anhui_2019.rub")
    assert main(["check", "--lang", "zh", path]) == 0
    assert capsys.readouterr().out == (
        f"{path}: 通过：anhui_2019 “安徽省困难职工帮扶民生工程绩效评价指标（试行）”，"
        "10个分组，19个指标，59个事实项，满分100.00\n"
    )
    assert main(["outline", "--lang", "zh", path]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "满分100.00；总分可能为0到100"
    assert lines[3].split() == ["编号", "标题", "满分", "最低", "最高", "读取"]
    assert lines[-1] == "≥ 或 ≤ 表示该界限是安全的，但未证明能达到。"


FACTS_RUBRIC = (
    'rubric r "示例" max 10\nfact aided: count "帮扶户数"\nfact kind: level {a, b}\n'
    'indicator a "甲" max 10\n  +10 if aided >= 1 and kind = a\n'
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "facts: 3 problems, nothing was scored\n"
            "  aided: expected a count (a whole number, 0 or more), found the number 1.5\n"
            "  kind: missing; expected one of: a, b\n"
            "  aidd: unknown fact; did you mean 'aided'?",
        ),
        (
            "zh",
            "facts：发现3个问题，未评分\n"
            "  aided: 应为计数（0或正整数），实际为数 1.5\n"
            "  kind: 缺失；应为以下之一：a, b\n"
            "  aidd: 未知的事实项；您是否想写“aided”？",
        ),
    ],
)
def test_facts_errors_in_both_languages(lang: str, expected: str) -> None:
    scorer = rubric.loads(FACTS_RUBRIC)
    with language(lang), pytest.raises(rubric.FactsError) as caught:
        scorer.score({"aided": 1.5, "aidd": 1})
    assert str(caught.value) == expected
