"""The parser: each construct to its syntax-tree node, with spans that point at its text."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rubric import RubricSyntaxError
from rubric.dsl import Source, parse
from rubric.dsl import nodes as n

HEADER = 'rubric demo "示例" max 10\n'


def doc(body: str) -> n.Document:
    return parse(Source(HEADER + body, "t.rub"))


def rules(body: str) -> tuple[n.Rule, ...]:
    (indicator,) = doc('indicator q "质量" max 10\n' + body).nodes
    assert isinstance(indicator, n.Indicator)
    return indicator.rules


def text_of(source: str, span: n.Span) -> str:
    return source[span.start : span.end]


def test_header_version_rounding_grades() -> None:
    d = doc(
        'version "2019.1"\nround total to 3 places half even\ngrade 优 if total >= 9\n'
        "grade 差 otherwise\n"
    )
    assert d.header is not None and (d.header.id, d.header.title) == ("demo", "示例")
    assert d.header is not None and d.header.max is not None and d.header.max.value == 10
    assert d.version is not None and d.version.text == "2019.1"
    assert d.rounding is not None
    assert (d.rounding.scope, d.rounding.places, d.rounding.mode) == ("total", 3, "half even")
    assert [g.name for g in d.grades] == ["优", "差"]
    assert d.grades[1].condition is None
    assert isinstance(d.grades[0].condition, n.Compare)


@pytest.mark.parametrize(
    ("line", "kind", "words"),
    [
        ("fact f: bool", "bool", None),
        ("fact f: count", "count", None),
        ("fact f: number", "number", None),
        ("fact f: set", "set", None),
        ('fact f: set of {a "甲", b}', "set", ("a", "b")),
        ('fact f: level {none "无", 省级 "省级"}', "level", ("none", "省级")),
    ],
)
def test_fact_types(line: str, kind: str, words: tuple[str, ...] | None) -> None:
    (fact,) = doc(line + "\n").facts
    assert fact.type.kind == kind
    assert (None if fact.type.words is None else tuple(w.name for w in fact.type.words)) == words


def test_fact_bounds_description_unit() -> None:
    (fact,) = doc('fact 满意人数: count >= 0 and <= 调查人数 "其中满意的人数" unit "人"\n').facts
    assert fact.name == "满意人数"
    assert [c.op for c in fact.constraints] == [">=", "<="]
    assert isinstance(fact.constraints[1].operand, n.Name)
    assert (fact.description, fact.unit) == ("其中满意的人数", "人")


def test_unicode_operators_read_as_ascii() -> None:
    (when,) = rules("+1 if a ≥ 2 and b ≤ 3 and c ≠ 4 and d × 2 ÷ 3 = 1\n")
    assert isinstance(when, n.When)
    assert isinstance(when.condition, n.Logic)
    ops = [c.op for c in when.condition.operands if isinstance(c, n.Compare)]
    assert ops == [">=", "<=", "!=", "="]
    last = when.condition.operands[-1]
    assert isinstance(last, n.Compare) and isinstance(last.left, n.Binary)
    assert last.left.op == "/" and isinstance(last.left.left, n.Binary)
    assert last.left.left.op == "*"


def test_precedence_and_or_not() -> None:
    (when,) = rules("+1 if not a or b and c\n")
    assert isinstance(when, n.When)
    cond = when.condition
    assert isinstance(cond, n.Logic) and cond.op == "or"
    assert isinstance(cond.operands[0], n.Not)
    assert isinstance(cond.operands[1], n.Logic) and cond.operands[1].op == "and"


def test_arithmetic_precedence_and_short_of() -> None:
    (per,) = rules("-0.5 per 1 of a / b * 100 short of 90 + 10, proportionally\n")
    assert isinstance(per, n.Per)
    q = per.quantity
    assert isinstance(q, n.Binary) and q.op == "short of"
    assert isinstance(q.left, n.Binary) and q.left.op == "*"
    assert isinstance(q.right, n.Binary) and q.right.op == "+"
    assert per.points.value == Fraction(-1, 2) and per.partial == "proportional"


@pytest.mark.parametrize(
    ("tail", "partial"),
    [
        (", proportionally", "proportional"),
        (", whole steps only", "whole"),
        (", any part counts as a step", "any"),
        ("", None),
    ],
)
def test_per_readings(tail: str, partial: str | None) -> None:
    (per,) = rules(f"-1 per 5 of x over 3{tail}, at most 4\n")
    assert isinstance(per, n.Per)
    assert per.partial == partial
    assert per.step.value == 5
    assert per.cap is not None and per.cap.value == 4


def test_each_of_a_set_and_of_a_list() -> None:
    set_rule, list_rule = rules(
        "+1 for each of factors, at most 3\n+3 for each of [a, b >= 2, not c]\n"
    )
    assert isinstance(set_rule, n.Each) and isinstance(set_rule.subject, n.Name)
    assert set_rule.items is None and set_rule.cap is not None and set_rule.cap.value == 3
    assert isinstance(list_rule, n.Each) and list_rule.subject is None
    assert list_rule.items is not None and len(list_rule.items) == 3


def test_table_arms_inline_and_on_following_lines() -> None:
    (table,) = rules("points by days: <= 20 -> 4,\n  > 20 and <= 30 → 2\n  otherwise -> 0\n")
    assert isinstance(table, n.Table)
    assert len(table.arms) == 3
    band = table.arms[1].band
    assert band is not None and [op for op, _ in band.bounds] == [">", "<="]
    assert table.arms[2].band is None and table.arms[2].word is None


def test_level_arms_and_negative_points() -> None:
    (table,) = rules("points by m: low -> -1, high -> +2\n")
    assert isinstance(table, n.Table)
    assert [a.word.name for a in table.arms if a.word] == ["low", "high"]
    assert [a.points.value for a in table.arms] == [-1, 2]


def test_start_and_pool_sections() -> None:
    d = doc(
        'indicator q "质量" max 6\n  start from 5\n  pool p "加分" at most 3\n    +1 if a\n'
        "    +2 if b\n"
    )
    (ind,) = d.nodes
    assert isinstance(ind, n.Indicator)
    assert isinstance(ind.rules[0], n.Start) and ind.rules[0].amount is not None
    (pool,) = ind.pools
    assert (pool.name, pool.label, pool.cap.value, len(pool.rules)) == ("p", "加分", 3, 2)


def test_lets_global_and_local() -> None:
    d = doc(
        'let r "比率" = a / b unit "%"\nindicator q "质量" max 10\n  let s = r * 2\n  +1 if s > 1\n'
    )
    assert [let.name for let in d.lets] == ["r"]
    (ind,) = d.nodes
    assert isinstance(ind, n.Indicator) and [let.name for let in ind.lets] == ["s"]
    assert d.lets[0].unit == "%"


def test_groups_and_indicators_in_order() -> None:
    d = doc('group a "甲" max 10\nindicator a.b "乙" max 10\n  +10 if x\n')
    assert [(type(x).__name__, x.id) for x in d.nodes] == [("Group", "a"), ("Indicator", "a.b")]


def test_spans_point_at_their_text() -> None:
    body = 'indicator q "质量" max 10\n  +2 if 符合规定 and 人数 >= 2  # 注释\n'
    source = HEADER + body
    (ind,) = parse(Source(source)).nodes
    assert isinstance(ind, n.Indicator)
    assert text_of(source, ind.id_span) == "q"
    when = ind.rules[0]
    assert isinstance(when, n.When)
    assert text_of(source, when.points.span) == "+2"
    cond = when.condition
    assert isinstance(cond, n.Logic)
    assert text_of(source, cond.span) == "符合规定 and 人数 >= 2"
    assert text_of(source, cond.operands[0].span) == "符合规定"


def test_comments_blank_lines_and_strings_with_hash() -> None:
    d = doc('\n# a comment\nfact f: bool "含#号的描述"  # trailing\n\n')
    assert d.facts[0].description == "含#号的描述"


def test_escaped_quotes_in_strings() -> None:
    d = doc(r'fact f: bool "他说\"好\"" ' + "\n")
    assert d.facts[0].description == '他说"好"'


def test_crlf_line_endings() -> None:
    d = parse(Source(HEADER.replace("\n", "\r\n") + 'fact f: bool "x"\r\n'))
    assert d.facts[0].name == "f"


def test_reserved_words_are_not_names() -> None:
    with pytest.raises(RubricSyntaxError) as caught:
        doc("fact if: bool\n")
    assert "expected a name, found 'if'" in str(caught.value)
    assert 'as a level word or set item, write it in quotes: "if"' in str(caught.value)


def test_every_bad_line_is_reported() -> None:
    with pytest.raises(RubricSyntaxError) as caught:
        doc("fact a bool\nfact b: colour\nfact c: bool\nbogus line\n")
    assert [d.message for d in caught.value.diagnostics] == [
        "expected ':', found 'bool'",
        "expected a type: bool, count, number, level, set or adjustment, found 'colour'",
        "unknown statement starting with 'bogus'",
    ]
    assert [caught.value.source.line_col(d.span.start)[0] for d in caught.value.diagnostics] == [
        2,
        3,
        5,
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "+1 if " + "(" * 5000 + "a" + ")" * 5000,
            "this line nests parentheses 5000 deep, more than 12",
        ),
        ("+1 if (((((((((((((a)))))))))))))", "this line nests parentheses 13 deep, more than 12"),
        ("+1 if " + "not " * 3000 + "a", "this line nests too deeply to read"),
        (
            "-1 per 1 of " + " + ".join(["a"] * 3000) + ", proportionally",
            "this line is more than 64 operations long or deep",
        ),
    ],
)
def test_deep_nesting_is_a_syntax_error_not_a_crash(rule: str, message: str) -> None:
    with pytest.raises(RubricSyntaxError) as caught:
        rules(rule + "\n")
    assert caught.value.diagnostics[0].message == message


def test_parentheses_in_strings_and_comments_do_not_count() -> None:
    (when,) = rules('+1 if a = "((((((((((((((" and (b)  # ((((((((((((((((\n')
    assert isinstance(when, n.When)


def test_tabs_count_as_one_character_for_positions() -> None:
    source = HEADER + 'indicator q "质量" max 10\n\t+10 if\tnope\n'
    with pytest.raises(RubricSyntaxError):
        parse(Source(source + "\t+1 iff x\n"))
    (ind,) = parse(Source(source)).nodes
    assert isinstance(ind, n.Indicator)
    when = ind.rules[0]
    assert isinstance(when, n.When)
    assert text_of(source, when.condition.span) == "nope"


def test_tab_indented_pools() -> None:
    d = doc('indicator q "质量" max 3\n    pool p at most 3\n\t+3 if a\n')
    (ind,) = d.nodes
    assert isinstance(ind, n.Indicator) and len(ind.pools[0].rules) == 1


def test_quoted_arm_words_and_negative_bounds() -> None:
    (table,) = rules('points by m: "if" -> 1, < -5 -> 2, otherwise -> 0\n')
    assert isinstance(table, n.Table)
    assert table.arms[0].word is not None and table.arms[0].word.name == "if"
    band = table.arms[1].band
    assert band is not None and band.bounds[0][1].value == -5


def test_round_to_one_place() -> None:
    d = doc("round total to 1 place half up\n")
    assert d.rounding is not None and d.rounding.places == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("\u00a0 +2 if a", "unexpected no-break space (U+00A0)"),
        ("  +2\u3000if a", "unexpected ideographic space (U+3000)"),
    ],
)
def test_unusual_spaces_are_named(line: str, message: str) -> None:
    with pytest.raises(RubricSyntaxError) as caught:
        rules(line + "\n")
    assert caught.value.diagnostics[0].message == message
    assert "type ordinary spaces or tabs" in caught.value.diagnostics[0].hint


def test_keywords_may_be_level_words_in_arm_lines() -> None:
    (table,) = rules("points by m:\n  group -> 2\n  fact -> 1\n  otherwise -> 0\n")
    assert isinstance(table, n.Table)
    assert [a.word.name for a in table.arms if a.word] == ["group", "fact"]


ROOT = Path(__file__).resolve().parent.parent
CONTEXT = 'rubric demo "示例" max 10\nindicator q "质量" max 10\n  points by x:\n'


# Shapes near the edges of the one-regex forms, besides every line of the repository's rubrics.
SHAPES = (
    "fact s: set of{a,b}",
    'fact s: set of { a , b "乙" , c }',
    'fact s: set   "描述"',
    "fact s: set",
    'fact l: level {none "无",high}',
    "fact l: level{a}",
    'fact n: count>=1"d"unit"u"optional',
    'fact n: count <= m  "d"',
    "fact n: number >= 0 and <= 5",
    "fact n: count >= -1",
    "+1 if a>=2 and b or c",
    '+1 if a in t and m = high or "x" = y',
    "+1 if a < b < c",
    "+1 if a and b or c and d = 3",
    "+1 if 2 >= a",
    "-0.5 if x != 3",
    "+ 2 if a",
    "+1 if number of s > 2",
    "+1 for each of s , at most 3",
    "+1 for each of s,at most 3",
    "points by x :",
    "points by x: <= 1 -> 2",
    "points by score of a.b:",
    "<= - 5 -> -1",
    "< 3 → + 2",
    '"if" -> 1',
    "group -> 2",
    'indicator a.b "t"',
    'indicator a.b "t" max 4 weight 3',
    'group g "t" max 10, scaled',
    "at least 3 if x",
    "grade 差if total < 60",
    "grade NAMEotherwise",
    "fact n: count>=1unit",
    "at most 3 if x - 1 > 2 * y",
    "not x",
    "not applicable if a, full   marks",
    "not applicable if a,",
    "adjust a",
    "start 5",
    "allow negative",
    "points x",
    "points = a / b * 10, at most 3",
    "points = -a",
    "points by a + 1 short of 3:",
    "points by a: >= 90 -> 4, >= 60 and < 90 -> 2.5, otherwise -> 0",
    'points by m: low -> -1, "中" → + 2 , otherwise->0',
    "points by a / b: < 0.5 -> 1 to 3, = 1 -> 2",
    'let r "率" = a / b * 100 unit "%"',
    "let r = a short of b over c",
    "let r = a < b < c",
    "let r = (a + b) * 2",
    'require a + b >= 1 and c "至少1人"',
    'require a "m" "n"',
    "grade 优 if total >= 85 or a and b",
    "grade 差 otherwise",
    "grade if if x",
    'pool p "加分" at most 3',
    "pool p at most",
    "-0.5 per 1 of a / b * 100 short of 90, proportionally, at most 4",
    "-1 per 5 of x over 3, whole steps only",
    "-1 per 5 of x over 3, halves",
    "× 0.8 if a >= 1",
    "* 0.8 if",
    "+1 if a - -1 > 0",
    "+1 if number of s > 2 and a",
)


def _lines_and_variants() -> list[str]:
    """Every line of every rubric in the repository, and each bent in ways a form must notice."""
    lines = set(SHAPES) | {
        line
        for path in sorted(ROOT.glob("**/*.rub"))
        if ".venv" not in path.parts
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip()
    }
    bends = (
        lambda s: s + "   ",
        lambda s: s + "  # 注释",
        lambda s: s + "#",
        lambda s: s.replace(" ", "\t"),
        lambda s: s.replace(" ", ""),
        lambda s: s.replace(" ", "  "),
        lambda s: s.replace(" ", "$", 1).replace(" ", "", 1).replace("$", " "),
        lambda s: s.replace(" ", "$", 2).replace(" ", "", 1).replace("$", " "),
        lambda s: s.replace(" ", "\u3000", 1),
        lambda s: s + " + 1",
        lambda s: s + " and",
        lambda s: s + ",",
        lambda s: s + " x",
        lambda s: s + " over 3",
        lambda s: s.replace('"', "“", 1),
        lambda s: s[: len(s) // 2],
        lambda s: s.replace("->", "→"),
        lambda s: s.replace(">=", "≥"),
    )
    return sorted(lines | {bend(line) for line in lines for bend in bends})


def test_forms_read_as_the_full_grammar() -> None:
    """Each one-regex form builds what the full grammar builds, spans included, or leaves it."""
    from rubric._limits import DEFAULT
    from rubric.dsl import grammar, parser

    variants = _lines_and_variants()
    assert len(variants) > 10_000
    text = "\n".join(variants) + "\n"
    source = Source(text)
    readers = [
        parser._Reader(source, DEFAULT, grammar.grammar(forms=forms), parser._Problems(1))
        for forms in (True, False)
    ]
    differ = []
    for offset, line in source.lines():
        if line.strip() and not line.strip().startswith("#"):
            read = [repr(reader.statement(offset, line)) for reader in readers]
            if read[0] != read[1]:
                differ.append((line, *read))
    assert differ == []


_TOKENS = (
    *("fact", "grade", "let", "require", "pool", "group", "indicator", "points", "at", "not"),
    *("+2", "- 0.5", "×", "*", "if", "and", "or", "in", "per", "of", "for each of", "at most"),
    *("short of", "over", "by", "=", "<=", ">", "->", "→", ":", ",", "{", "}", "unit", "max"),
    *("otherwise", "applicable", "full marks", "proportionally", "a", "b1", "差", "x.y", "3"),
    *("0.5", '"t"', '"a b"', "bool", "count", "set", "level", "optional", "+", "-", "/", "("),
    *(")", "# c", "number of", "score of", "total", "\u3000", "“"),
)


@given(
    st.sampled_from(SHAPES),
    st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(_TOKENS), st.sampled_from(["", " ", "\t"])),
        max_size=4,
    ),
)
def test_forms_agree_with_the_full_grammar_on_any_line(
    shape: str, edits: list[tuple[int, str, str]]
) -> None:
    from rubric._limits import DEFAULT
    from rubric.dsl import grammar, parser

    words = shape.split(" ")
    for at, token, space in edits:
        words.insert(at % (len(words) + 1), token + space)
    line = " ".join(words)
    source = Source(line + "\n")
    read = [
        repr(
            parser._Reader(
                source, DEFAULT, grammar.grammar(forms=forms), parser._Problems(1)
            ).statement(0, line)
        )
        for forms in (True, False)
    ]
    assert read[0] == read[1], line


def test_threads_read_alike() -> None:
    from concurrent.futures import ThreadPoolExecutor

    sources = [
        Source(path.read_text(encoding="utf-8")) for path in sorted(ROOT.glob("rubrics/**/*.rub"))
    ]
    serial = [repr(parse(source)) for source in sources]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda source: repr(parse(source)), sources * 4))
    assert threaded == serial * 4
