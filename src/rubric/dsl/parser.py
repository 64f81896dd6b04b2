"""The parser: `.rub` text to a syntax tree, one statement per line, every syntax error at once."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any, assert_never

import attrs
import pyparsing as pp

from rubric._i18n import _, translate
from rubric._limits import DEFAULT, Limits
from rubric.dsl import nodes as n
from rubric.dsl.forms import Form
from rubric.dsl.grammar import KEYWORDS, USAGE, Grammar, Kind, grammar, kind_of, shape_of
from rubric.dsl.source import Source, Span, too_big
from rubric.dsl.tokens import RESERVED
from rubric.errors import Diagnostic, RubricSyntaxError

__all__ = ["parse"]

_TAB = 8  # columns a tab indents by, as in most editors' default
_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_STRING_OR_HASH = re.compile(r'"(?:[^"\\\n]|\\.)*"|#')
_WORD_ARROW = re.compile(r"\s*[^\W\d]\w*\s*(?:->|→)")
# A number literal, as every number token of the grammar starts: not inside a name.
_LITERAL = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
# Every node of a line's tree but a few around the top has an operator or keyword of its own,
# so a line with few of these cannot nest deep, and its tree need not be measured.
_OPERATORS = re.compile(r"[-+*/×÷<>=≤≥≠≦≧＜＞＝→]|(?<!\w)(?:and|or|not|in|of|over)(?!\w)")
_WRAPPERS = 5  # levels of a statement's tree around its expressions: ArmLine, Arm, Band, …
_HALF_WIDTH = {"“": '"', "”": '"', "‘": "'", "’": "'", "\u3000": " ", "、": ",", "。": "."}
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000-\u303f“”‘’…—]")


def parse(source: Source, limits: Limits = DEFAULT) -> n.Document:
    """Parse a whole rubric; raise RubricSyntaxError listing every line that does not parse.

    Each limit of `limits` that reading enforces is checked before the work it bounds: the
    size of the text before any line is read, a line's length before its grammar runs.
    """
    if _longer(source.text, limits.file_bytes):
        raise RubricSyntaxError(Source("", source.filename), [too_big(limits)])
    problems = _Problems(limits.errors)
    reader = _Reader(source, limits, grammar(), problems)
    statements: list[tuple[n.Statement, int]] = []
    for offset, line in source.lines():
        body = line.lstrip()
        if not body or body[0] == "#":
            continue
        parsed = reader.statement(offset, line)
        if isinstance(parsed, Diagnostic):
            problems.add(parsed)
        elif parsed is None:
            problems.omitted += 1
        else:
            indent = line[: len(line) - len(body)]
            statements.append((parsed, len(indent.expandtabs(_TAB))))
    problems.raise_any(source)
    return _Assembler(source, limits, problems).assemble(statements)


def _longer(text: str, limit: int) -> bool:
    """Whether text takes more than limit bytes in UTF-8, found without copying short texts."""
    if len(text) > limit or len(text) * 4 <= limit:  # a character takes one to four bytes
        return len(text) > limit
    return len(text.encode("utf-8", errors="surrogatepass")) > limit


@attrs.define
class _Problems:
    """The problems found, up to the limit on how many are reported, and a count of the rest."""

    limit: int
    kept: list[Diagnostic] = attrs.Factory(list)
    omitted: int = 0

    @property
    def full(self) -> bool:
        """No further problem will be reported, only counted: it need not be worded."""
        return len(self.kept) >= self.limit

    def add(self, diagnostic: Diagnostic) -> None:
        if self.full:
            self.omitted += 1
        else:
            self.kept.append(diagnostic)

    def raise_any(self, source: Source) -> None:
        if self.kept:
            raise RubricSyntaxError(source, self.kept, omitted=self.omitted)


def _limit(message: str, span: Span, advice: str, field: str, code: str) -> Diagnostic:
    return Diagnostic(
        message,
        span,
        advice
        + "\n"
        + _(
            "the limit is Limits.{field}; software that embeds rubric can raise it "
            "(docs/limits.md)",
            field=field,
        ),
        code=code,
    )


@attrs.frozen
class _Reader:
    """Reads one line at a time, in place in the whole text, by the statement it opens."""

    source: Source
    limits: Limits
    grammar: Grammar
    problems: _Problems

    def statement(self, offset: int, line: str) -> n.Statement | Diagnostic | None:
        """The statement on a line, or why it cannot be read (None: not worth wording)."""
        limits = self.limits
        start = len(line) - len(line.lstrip())
        if len(line) > limits.line_chars:
            return _limit(
                _(
                    "this line is {number} characters long, more than the limit of {line_chars}",
                    number=len(line),
                    line_chars=limits.line_chars,
                ),
                Span(offset + start, offset + start + 1),
                _("split it: a long condition into named values, each on its own 'let' line"),
                "line_chars",
                "E502",
            )
        code_end = _code_end(line)
        code = line[:code_end]
        if code.count("(") > limits.parentheses:
            deepest = _parentheses(code)
            if deepest > limits.parentheses:
                return _too_deep(
                    line,
                    offset,
                    _(
                        "this line nests parentheses {deepest} deep, more than {limit}",
                        deepest=deepest,
                        limit=limits.parentheses,
                    ),
                    "parentheses",
                    "E508",
                )
        if len(code) > limits.literal_digits:
            for literal in _LITERAL.finditer(_STRINGS.sub(_blank, code)):
                digits = len(literal.group()) - ("." in literal.group())
                if digits > limits.literal_digits:
                    return _limit(
                        _(
                            "a number of {digits} digits, more than the limit of {literal_digits}",
                            digits=digits,
                            literal_digits=limits.literal_digits,
                        ),
                        Span(offset + literal.start(), offset + literal.end()),
                        _("numbers in a rubric have at most 30 digits"),
                        "literal_digits",
                        "E503",
                    )
        kind = kind_of(code)
        try:
            stmt = self.match(kind, offset, offset + code_end)
        except pp.ParseBaseException as exc:
            if self.problems.full:
                return None
            if kind is None:
                return _unknown_statement(line, offset)
            # An arm line under its table: a hint may name the table's subject.
            subject = _table_subject(self.source.text, offset) if kind == "arm" else None
            return _diagnose(line, offset, exc.loc - offset, exc.msg, kind, code_end, subject)
        except RecursionError:  # the caller's own stack was deep already
            return _too_deep(
                line, offset, _("this line nests too deeply to read"), "expression_depth", "E507"
            )
        if kind is None and stmt is None:
            return None if self.problems.full else _unknown_statement(line, offset)
        assert stmt is not None
        if _may_nest(code, limits.expression_depth) and n.depth(stmt) > limits.expression_depth:
            return _too_deep(
                line,
                offset,
                _(
                    "this line is more than {limit} operations long or deep",
                    limit=limits.expression_depth,
                ),
                "expression_depth",
                "E507",
            )
        return self.within_limits(stmt)

    def match(self, kind: Kind | None, start: int, end: int) -> n.Statement | None:
        """Parse the line's code, text[start:end], with the statement its kind opens."""
        g, text = self.grammar, self.source.text
        first = _spaces_to(text, start, end)
        if kind is None:
            # Only a quoted level word opening an arm starts a line with no kind of its own.
            return _whole(g.arm_line, text, start, end) if text[first] == '"' else None
        if kind in ("rule", "arm"):
            element, shape = g.arm_line, "arm"
            if kind == "rule":
                element, shape = (
                    (g.points_rule, "rule") if text[first] in "+-" else (g.multiply, "multiply")
                )
            formed = _formed(g.forms.get(shape, ()), text, first, end)
            if formed is not None:
                return formed
            try:
                return _whole(element, text, start, end)
            except pp.ParseFatalException:
                raise
            except pp.ParseException as exc:
                if exc.loc == first:  # nothing of the line could be read
                    exc.msg = "Expected a statement"
                raise
        # A level word may be a keyword, as in `group -> 2`: such a line is first read as arms.
        if _WORD_ARROW.match(text, start, end):
            try:
                return _whole(g.arm_line, text, start, end)
            except pp.ParseBaseException:
                pass
        formed = _formed(g.forms.get(shape_of(kind), ()), text, first, end)
        if formed is not None:
            return formed
        return _whole(g.statements[kind], text, start, end)

    def within_limits(self, stmt: n.Statement) -> n.Statement | Diagnostic:
        """The statement, or the first limit on its lists and names it goes past."""
        limits = self.limits
        items: tuple[Any, ...] | None = None
        match stmt:
            case n.FactDecl(type=n.TypeSpec(words=words)):
                items = words
            case n.Each(items=listed):
                items = listed
            case n.Rounding(places=places) if places > limits.literal_digits:
                return _limit(
                    _(
                        "rounding to {places} places, more places than a number may "
                        "have digits ({literal_digits})",
                        places=places,
                        literal_digits=limits.literal_digits,
                    ),
                    stmt.span,
                    _("round to at most 10 places; 2 is usual"),
                    "literal_digits",
                    "E504",
                )
        if items is not None and len(items) > limits.list_items:
            return _limit(
                _(
                    "a list of {number} items, more than the limit of {list_items}",
                    number=len(items),
                    list_items=limits.list_items,
                ),
                Span(items[limits.list_items].span.start, items[-1].span.end),
                _("a rubric lists a few words or conditions at a time: shorten the list"),
                "list_items",
                "E506",
            )
        name = _declared(stmt)
        if name is not None and len(name[0]) > limits.id_chars:
            return _limit(
                _(
                    "the name '{shortened}' is {number} characters long, more "
                    "than the limit of {id_chars}",
                    shortened=_shortened(name[0]),
                    number=len(name[0]),
                    id_chars=limits.id_chars,
                ),
                name[1],
                _("shorten it"),
                "id_chars",
                "E510",
            )
        return stmt


def _declared(stmt: n.Statement) -> tuple[str, Span] | None:
    """The id or name a statement declares, and where."""
    match stmt:
        case n.NodeDecl(id=name, id_span=span) | n.FactDecl(name=name, name_span=span):
            return name, span
        case n.Let(name=name, name_span=span) | n.PoolDecl(name=name, span=span):
            return name, span
    return None


def _block(decl: n.PoolDecl | n.ExtraDecl) -> str:
    """How a message names the block a line is in: a pool, or an indicator's own bonus."""
    if isinstance(decl, n.PoolDecl):
        return _("a pool")
    return _("the indicator's {role}", role=decl.role)


def _opener(decl: n.PoolDecl | n.ExtraDecl) -> str:
    return _("pool") if isinstance(decl, n.PoolDecl) else f"'{decl.role}'"


def _shortened(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most] + "…"


def _whole(element: pp.ParserElement, text: str, start: int, end: int) -> n.Statement:
    """Parse text[start:end] with element, in place: every span is an offset into the text.

    pyparsing's public entry points read a string from its start; a line is read where it
    stands instead, with `_parse` (what they call), so that no span needs moving afterwards.
    """
    loc, tokens = element._parse(text, start)
    loc = _spaces_to(text, loc, end)
    if loc < end:
        raise pp.ParseException(text, loc, "Expected end of text", element)
    statement: n.Statement = tokens[0]
    return statement


def _spaces_to(text: str, loc: int, end: int) -> int:
    """Where the spaces from loc on end, at `end` at most (a line's code ends there)."""
    while loc < end and text[loc] in " \t\r":
        loc += 1
    return loc


def _formed(shapes: tuple[Form, ...], text: str, first: int, end: int) -> n.Statement | None:
    """The node of the first form that reads text[first:end] whole; None if none does.

    What the grammar's first steps would read, without pyparsing's steps around each: a
    statement's grammar tries its forms first, and a form reads to the end of the code or not
    at all. Whatever no form reads, the grammar reads, errors and all.
    """
    for form in shapes:
        read = form.read(text, first)
        if read is not None:
            return read[1] if _spaces_to(text, read[0], end) >= end else None
    return None


def _code_end(line: str) -> int:
    """Where a line's code ends: at the '#' of its comment, or at its end."""
    if "#" not in line:  # most lines: no comment, and so no need to skip quoted texts
        return len(line)
    for found in _STRING_OR_HASH.finditer(line):
        if found.group() == "#":
            return found.start()
    return len(line)


def _may_nest(code: str, depth: int) -> bool:
    """Whether a line's tree may be more than depth deep: not if it has few operators."""
    if len(code) + _WRAPPERS <= depth:
        return False
    # The operators counted with those in quoted texts are at least as many: if even they are
    # few, the quoted texts need not be taken out.
    if _WRAPPERS + len(_OPERATORS.findall(code)) <= depth:
        return False
    return _WRAPPERS + len(_OPERATORS.findall(_STRINGS.sub('""', code))) > depth


def _blank(string: re.Match[str]) -> str:
    """A quoted text replaced by as many spaces, so that offsets stay as they were."""
    return " " * len(string.group())


def _parentheses(code: str) -> int:
    nesting, deepest = 0, 0
    for paren in re.findall(r"[()]", _STRINGS.sub('""', code)):
        nesting += 1 if paren == "(" else -1
        deepest = max(deepest, nesting)
    return deepest


def _too_deep(line: str, offset: int, message: str, field: str, code: str) -> Diagnostic:
    start = len(line) - len(line.lstrip())
    return _limit(
        message,
        Span(offset + start, offset + len(line)),
        _("split the expression into named values, each on its own 'let' line"),
        field,
        code,
    )


def _diagnose(
    line: str,
    offset: int,
    loc: int,
    msg: str,
    kind: Kind,
    code_end: int,
    subject: str | None = None,
) -> Diagnostic:
    """Turn a pyparsing failure into a message saying what was found and what was expected."""
    loc = min(loc, len(line))
    while loc < len(line) and line[loc] in " \t":
        loc += 1
    if loc >= code_end:  # a comment ends the line
        loc = len(line)
    found = _found(line, loc)
    span = Span(offset + loc, offset + loc + max(1, len(found)))
    expected = msg.removeprefix("Expected ")
    if expected == "end of text":
        message = _("unexpected {found} at this point", found=_quote(found))
    elif expected == "a statement":
        message = _("cannot read this {kind} line", kind=kind)
    else:
        # What pyparsing expected: a part of the grammar, its name marked there with N_.
        message = _(
            "expected {expected}, found {found}", expected=translate(expected), found=_quote(found)
        )
    hint = translate(USAGE[kind])
    advice = _advice(line, loc, found, expected, kind, subject)
    if advice is not None:
        hint = f"{advice}\n{hint}"
    if found in RESERVED and "name" in expected:
        reserved = _(
            "'{word}' is a word of the rubric language and cannot name a fact or value; as a "
            'level word or set item, write it in quotes: "{word}"',
            word=found,
        )
        hint = f"{reserved}\n{hint}"
    if found[:1].isspace():  # a space pyparsing does not skip: no-break, ideographic, …
        name = unicodedata.name(found[0], "space").lower()
        message = _("unexpected {name} (U+{code:04X})", name=name, code=ord(found[0]))
        spaces = _("type ordinary spaces or tabs, between words and at the start of lines")
        hint = f"{spaces}\n{hint}"
    elif found and _FULL_WIDTH.match(found) and advice is None:
        hint = f"{_full_width_hint(found[0])}\n{hint}"
    return Diagnostic(message, span, hint, code="E101")


# Where a condition may go, for an 'if' where none may: by the kind of line it stands on.
def _if_goes(kind: Kind) -> str:
    elsewhere = _(
        "a condition goes on a rule (+2 if C, -1 per 1 of x if C, points = … if C, "
        "points by x if C:), on a cap (at most N if C) or on a multiplier (× K if C)"
    )
    match kind:
        case "at":
            return _("a cap has one condition: join more with 'and' or 'or'")
        case "pool":
            return _(
                "a pool takes no condition: write it on each rule of the pool; {elsewhere}",
                elsewhere=elsewhere,
            )
        case "start":
            return _("'start from' takes no condition; {elsewhere}", elsewhere=elsewhere)
        case "adjust":
            return _("'adjust by' takes no condition; {elsewhere}", elsewhere=elsewhere)
        case "group":
            return _(
                "to leave the group out where a condition holds, write on the line below it: "
                "not applicable if CONDITION"
            )
        case "indicator":
            return _(
                "to leave the indicator out where a condition holds, write on the line below "
                "it: not applicable if CONDITION"
            )
        case _:
            return _(
                "a rule's condition goes right after what it counts, before ', proportionally' "
                "or ', at most N': -1 per 1 of rate short of 100 if not target_met, "
                "proportionally, at most 5; points = … if C, at most N; points by x if C:; a "
                "rule takes one condition (join more with 'and' or 'or')"
            )


# Chinese words for and, or, not, which a condition spells in English.
_LOGIC_WORDS = {
    "且": "and",
    "并且": "and",
    "而且": "and",
    "和": "and",
    "或": "or",
    "或者": "or",
    "非": "not",
}
_COMPARE_SIGNS = {">": ">=", "＞": ">=", "<": "<=", "＜": "<="}
_BAND_OPERATOR = re.compile(r"(?:<=|>=|!=|≤|≥|≦|≧|≠|<|>|＜|＞|=|＝)\s*$")
_MODE_WORDS = re.compile(r"(?<!\w)(scaled|weighted|best\s+of|one\s+of)(?!\w)(?!\s*\d)")
_HEADER = re.compile(r'\s*(group|indicator)\s+([^\s"]+)\s+("(?:[^"\\\n]|\\.)*")')


def _advice(
    line: str, loc: int, found: str, expected: str, kind: Kind, subject: str | None = None
) -> str | None:
    """What to type instead, for the mistakes that sent authors the wrong way; `subject` is
    the subject of the table above an arm line, where the line itself does not say it."""
    before = line[:loc].rstrip()
    word_before = re.search(r"(\w+)$", before)
    if found == "if" and expected == "end of text":
        return _if_goes(kind)
    if found in _LOGIC_WORDS:
        english = _LOGIC_WORDS[found]
        return _(
            "write '{english}' for '{found}', as in: a {english} b >= 2",
            english=english,
            found=found,
        )
    if found[:1] in ("=", "＝") and before[-1:] in _COMPARE_SIGNS:
        sign = _COMPARE_SIGNS[before[-1]]
        others = "≥, ≧" if sign == ">=" else "≤, ≦"
        return _(
            "write '{typed}' as one sign: {sign} (or {others})",
            typed=before[-1] + found[0],
            sign=sign,
            others=others,
        )
    if found == "%":
        return _(
            "write a percentage as its number, without '%': >= 95, not >= 95% (a value's unit "
            "is in its declaration)"
        )
    in_band = kind in ("arm", "points") and expected == "a number"
    if in_band and found[:1].isalpha() and _BAND_OPERATOR.search(before):
        on_line = re.search(r"points\s+by\s+(.+?)(?:\s+if\s.*)?:", line)
        value = on_line.group(1).strip() if on_line else subject or "VALUE"
        return _(
            "'{found}' cannot be a band's bound: a bound is a number written in the rubric; "
            "to band a value against {found}, band their difference, as in: "
            'let gap "差值" = {value} - {found}, then: points by gap: >= 0 -> …',
            found=found,
            value=value,
        )
    counting = re.search(r"number\s+of\s+(?!\[)[^\[\]]*$", before)
    if counting is not None and found == ",":
        return _(
            "'number of' takes a set fact (number of s) or conditions in square brackets "
            "(number of [a, b >= 2, c = high]): write the list in [ ]"
        )
    if word_before is not None and word_before.group(1) in ("max", "min", "abs"):
        function = word_before.group(1)
        values = "x" if function == "abs" else "a, b"
        return _(
            "write the values of {function} in parentheses: {function}({values})",
            function=function,
            values=values,
        )
    if found == "(" and word_before is not None and line[loc - 1 : loc] != " ":
        close = difflib.get_close_matches(word_before.group(1), ("max", "min", "abs"), n=1)
        instead = _("did you mean {name}? ", name=close[0]) if close else ""
        return instead + _(
            "'{word}' is not a function: the functions are max(a, b, …), min(a, b, …) and "
            "abs(x) (the higher, the lower, the absolute value)",
            word=word_before.group(1),
        )
    if kind in ("group", "indicator"):
        return _header_fix(line)
    return None


def _header_fix(line: str) -> str | None:
    """A group or indicator line rewritten in its order: max, weight, then ', MODE'."""
    head = _HEADER.match(line)
    if head is None:
        return None
    kind, id_, title = head.groups()
    rest = line[head.end() :].split("#")[0]
    if re.search(r"(?<!\w)(?:bonus|deductions)(?!\w)", rest):
        return None
    maximum = re.search(r"(?<!\w)max\s+(\d+(?:\.\d+)?)", rest)
    weight = re.search(r"(?<!\w)weight(?:ed)?\s+(\d+(?:\.\d+)?%?)", rest)
    mode = _MODE_WORDS.search(rest)
    if maximum is None or (weight is None and mode is None):
        return None
    fixed = f"{kind} {id_} {title} max {maximum.group(1)}"
    if weight is not None:
        fixed += f" weight {weight.group(1)}"
    if mode is not None and kind == "group":
        fixed += f", {' '.join(mode.group(1).split())}"
    if mode is not None and kind == "indicator":
        given = fixed if weight is not None else fixed + " weight W"
        return _(
            "'{mode}' goes on the group's line, as in: group ID \"title\" max N, {mode}; an "
            "indicator gives only its weight: {fixed}",
            mode=mode.group(1),
            fixed=given,
        )
    return _("write this line as: {fixed}", fixed=fixed)


def _table_subject(text: str, offset: int) -> str | None:
    """The subject of the `points by` table whose arms stand on the lines above offset."""
    start = text.rfind("points", 0, offset)
    while start >= 0:
        found = re.match(r"points\s+by\s+([^\n#]+?)(?:\s+if\s[^\n]*)?:", text[start:offset])
        if found is not None:
            return found.group(1).strip()
        start = text.rfind("points", 0, start)
    return None


def _unknown_statement(line: str, offset: int) -> Diagnostic:
    start = len(line) - len(line.lstrip())
    word = _found(line, start)
    span = Span(offset + start, offset + start + max(1, len(word)))
    if word[:1].isdigit():
        return Diagnostic(
            _("a rule's points need a sign, found {quote}", quote=_quote(word)),
            span,
            _("write +{word} to award points or -{word} to deduct them", word=word),
            code="E103",
        )
    close = difflib.get_close_matches(word, KEYWORDS, n=1)
    lines = _(
        "a line starts with one of {keywords}; with points such as +2 or -0.5; or is an arm "
        "such as '<= 20 -> 4' under a 'points by' line",
        keywords=", ".join(KEYWORDS),
    )
    return Diagnostic(
        _("unknown statement starting with {word}", word=_quote(word)),
        span,
        _("did you mean {word}? {lines}", word=_quote(close[0]), lines=lines) if close else lines,
        code="E102",
    )


def _full_width_hint(char: str) -> str:
    ascii_form = _HALF_WIDTH.get(char) or (
        chr(ord(char) - 0xFEE0) if "\uff01" <= char <= "\uff5e" else ""
    )
    if ascii_form:
        return _(
            "{char} is a full-width (Chinese) character, which the rubric language reads only "
            "inside quotes; type {ascii} instead (switch the input method to half-width "
            "punctuation)",
            char=_quote(char),
            ascii=_quote(ascii_form),
        )
    return _(
        "{char} is a full-width (Chinese) character, which the rubric language reads only "
        "inside quotes (switch the input method to half-width punctuation)",
        char=_quote(char),
    )


def _found(line: str, loc: int) -> str:
    if loc >= len(line):
        return ""
    rest = line[loc:]
    if rest.startswith('"'):
        end = rest.find('"', 1)
        return rest[: end + 1] if end > 0 else rest
    word = re.match(r"\w+|\S", rest)
    return word.group() if word else rest[:1]


def _quote(found: str) -> str:
    return _("'{found}'", found=found) if found else _("the end of the line")


@attrs.define
class _Assembler:
    """Collects statements into a document: header, declarations, and sections."""

    source: Source
    limits: Limits
    problems: _Problems
    header: n.Header | None = None
    version: n.Version | None = None
    rounding: n.Rounding | None = None
    grades: list[n.Grade] = attrs.Factory(list)
    facts: list[n.FactDecl] = attrs.Factory(list)
    requires: list[n.Require] = attrs.Factory(list)
    lets: list[n.Let] = attrs.Factory(list)
    nodes: list[n.Group | n.Indicator] = attrs.Factory(list)
    # The section being filled: an indicator's parts, and the pool open inside it.
    indicator: n.NodeDecl | None = None
    local_lets: list[n.Let] = attrs.Factory(list)
    rules: list[n.Rule] = attrs.Factory(list)
    pools: list[n.Pool] = attrs.Factory(list)
    # The pool, or the indicator's own bonus or deductions, open inside it.
    pool: tuple[n.PoolDecl | n.ExtraDecl, int, list[n.Rule]] | None = None
    extras: list[n.Extra] = attrs.Factory(list)
    in_group: bool = False
    clauses: list[n.Clause] = attrs.Factory(list)
    # Clauses before the first group are the total's; after a group line, that group's.
    root_clauses: list[n.Clause] = attrs.Factory(list)
    negative_total: n.AllowNegative | None = None
    ranking: n.RankBy | None = None
    cohort: n.CohortName | None = None
    declared: int = 0  # groups and indicators so far

    def assemble(self, statements: list[tuple[n.Statement, int]]) -> n.Document:
        if statements and not isinstance(statements[0][0], n.Header):
            self.error(
                statements[0][0].span,
                _("a rubric must start with its header line"),
                translate(USAGE["rubric"]),
                "E110",
            )
        for stmt, indent in statements:
            self.add(stmt, indent)
        self.close_indicator()
        if not statements:
            self.error(Span(0, 0), _("this rubric is empty"), translate(USAGE["rubric"]), "E111")
        self.problems.raise_any(self.source)
        return n.Document(
            span=Span(0, len(self.source.text)),
            header=self.header,
            version=self.version,
            rounding=self.rounding,
            grades=tuple(self.grades),
            facts=tuple(self.facts),
            requires=tuple(self.requires),
            lets=tuple(self.lets),
            nodes=tuple(self.nodes),
            clauses=tuple(self.root_clauses),
            negative_total=self.negative_total is not None,
            ranking=self.ranking,
            cohort=self.cohort,
        )

    def add(self, stmt: n.Statement, indent: int) -> None:
        """Put one statement where it belongs."""
        match stmt:
            # The commonest first, as each case is tried in turn: a rubric is mostly facts,
            # indicators, rules and arms.
            case n.FactDecl():
                self.facts.append(stmt)
            case n.NodeDecl():
                self.on_node(stmt)
            case n.Start() | n.When() | n.Each() | n.Per() | n.Table() | n.Formula() | n.Adjust():
                self.on_rule(stmt, indent)
            case n.ArmLine():
                self.on_arms(stmt)
            # Header and declarations: global wherever they stand.
            case n.Header():
                self.once(self.header, stmt, "'rubric'")
                self.header = self.header or stmt
            case n.Version():
                self.once(self.version, stmt, "'version'")
                self.version = self.version or stmt
            case n.Rounding():
                self.once(self.rounding, stmt, "'round'")
                self.rounding = self.rounding or stmt
            case n.Grade():
                self.grades.append(stmt)
            case n.Require():
                self.requires.append(stmt)
            case n.Let():
                self.on_let(stmt)
            case n.RankBy():
                self.once(self.ranking, stmt, "'rank units by'")
                self.ranking = self.ranking or stmt
            case n.CohortName():
                self.once(self.cohort, stmt, "'cohort'")
                self.cohort = self.cohort or stmt
            # Sections, but for indicators and their rules above.
            case n.AllowNegative():
                self.once(self.negative_total, stmt, "'allow negative total'")
                self.negative_total = self.negative_total or stmt
            case n.Multiply() | n.CapIf() | n.NotApplicable():
                self.on_clause(stmt, indent)
            case n.PoolDecl() | n.ExtraDecl():
                self.on_pool(stmt, indent)
            case _:
                assert_never(stmt)

    def error(self, span: Span, message: str, hint: str, code: str) -> None:
        self.problems.add(Diagnostic(message, span, hint, code=code))

    def once(self, current: Any, stmt: Any, what: str) -> None:
        if current is not None:
            line = self.source.line_of(current.span)
            self.error(
                stmt.span,
                _("a second {what} line; the first is on line {line}", what=what, line=line),
                _("keep one {what} line and delete the other", what=what),
                "E112",
            )

    def on_let(self, stmt: n.Let) -> None:
        if self.indicator is not None:
            if self.pool is not None:
                what = _block(self.pool[0])
                self.error(
                    stmt.span,
                    _("a 'let' inside {what}", what=what),
                    _("move the 'let' line above the {opener} line", opener=_opener(self.pool[0])),
                    "E113",
                )
            self.local_lets.append(stmt)
        elif self.in_group:
            self.error(
                stmt.span,
                _("a 'let' between a group line and its first indicator"),
                _(
                    "put the 'let' inside the indicator that uses it, or before "
                    "the first group to share it between indicators"
                ),
                "E114",
            )
        else:
            self.lets.append(stmt)

    def on_node(self, stmt: n.NodeDecl) -> None:
        self.close_indicator()
        self.declared += 1
        if self.declared == self.limits.ids + 1:
            self.problems.add(
                _limit(
                    _("more groups and indicators than the limit of {ids}", ids=self.limits.ids),
                    stmt.id_span,
                    _(
                        "a rubric has at most a few thousand indicators: check that "
                        "this is the rubric file"
                    ),
                    "ids",
                    "E509",
                )
            )
        if stmt.kind == "group":
            self.nodes.append(
                n.Group(
                    stmt.span,
                    stmt.id,
                    stmt.id_span,
                    stmt.title,
                    stmt.max,
                    stmt.role,
                    stmt.weight,
                    stmt.mode,
                    stmt.mode_span,
                )
            )
            self.in_group = True
            return
        if stmt.mode is not None:
            assert stmt.mode_span is not None
            self.error(
                stmt.mode_span,
                _("'{mode}' on an indicator", mode=stmt.mode),
                _("only a group combines its children's scores: put it on a group line"),
                "E115",
            )
        if stmt.role != "base":
            self.error(
                stmt.span,
                _("an indicator line cannot say '{role}'", role=stmt.role),
                _(
                    'make a group of them: group extra "加分项" {role} at most 3, '
                    "then the indicators under it, each with its max",
                    role=stmt.role,
                ),
                "E116",
            )
        self.indicator = stmt

    def on_clause(self, stmt: n.Clause, indent: int) -> None:
        if self.indicator is not None:
            if self.pool is not None and indent > self.pool[1]:
                what, opener = _block(self.pool[0]), _opener(self.pool[0])
                self.error(
                    stmt.span,
                    _(
                        "this line is indented under {what}, but it applies to the whole indicator",
                        what=what,
                    ),
                    _("move it above the pool line, or out of the pool's indentation")
                    if isinstance(self.pool[0], n.PoolDecl)
                    else _(
                        "move it above the {opener} line, or out of its indentation", opener=opener
                    ),
                    "E117",
                )
                return
            self.clauses.append(stmt)
        elif self.nodes:
            group = self.nodes[-1]
            assert isinstance(group, n.Group), "an indicator closes before the next line"
            self.nodes[-1] = attrs.evolve(group, clauses=(*group.clauses, stmt))
        else:
            self.root_clauses.append(stmt)

    def on_pool(self, stmt: n.PoolDecl | n.ExtraDecl, indent: int) -> None:
        if self.indicator is None:
            if isinstance(stmt, n.ExtraDecl):
                self.error(
                    stmt.span,
                    _("a '{role}' line outside any indicator", role=stmt.role),
                    _(
                        "put it under the 'indicator' line whose own {role} it gives; for "
                        '{role} of the whole rubric, write a group: group extra "加分项" '
                        "{role} at most 3",
                        role=stmt.role,
                    ),
                    "E124",
                )
                return
            self.error(
                stmt.span,
                _("a pool outside any indicator"),
                _("put the pool line under the 'indicator' line whose rules it caps"),
                "E118",
            )
            return
        self.close_pool()
        self.pool = (stmt, indent, [])

    def on_rule(self, stmt: n.Rule, indent: int) -> None:
        if self.indicator is None:
            self.error(
                stmt.span,
                _("a rule outside any indicator"),
                _("put each rule under the 'indicator' line it scores"),
                "E119",
            )
            return
        if isinstance(stmt, n.Table):
            self.count_arms(stmt.arms, 0)
        if self.pool is None:
            self.rules.append(stmt)
            return
        decl, pool_indent, rules = self.pool
        if isinstance(stmt, n.Start):
            self.error(
                stmt.span,
                _("'start from' inside {what}", what=_block(decl)),
                _("move the 'start from' line above the {opener} line", opener=_opener(decl)),
                "E120",
            )
        elif indent <= pool_indent:
            if isinstance(decl, n.ExtraDecl):
                self.error(
                    stmt.span,
                    _(
                        "this rule is not indented under the '{role}' line above it, yet it "
                        "belongs to the indicator's {role}",
                        role=decl.role,
                    ),
                    _(
                        "a '{role}' line takes every rule up to the next pool, bonus, "
                        "deductions, group or indicator line: indent this rule under it, or move "
                        "it above the '{role}' line",
                        role=decl.role,
                    ),
                    "E121",
                )
            else:
                self.error(
                    stmt.span,
                    _(
                        "this rule is not indented under the pool '{name}' above it, "
                        "yet it belongs to that pool",
                        name=decl.name,
                    ),
                    _(
                        "a pool takes every rule up to the next pool, group or "
                        "indicator: indent this rule under the pool line, or move it "
                        "above the pool line"
                    ),
                    "E121",
                )
        else:
            rules.append(stmt)

    def on_arms(self, stmt: n.ArmLine) -> None:
        rules = self.pool[2] if self.pool is not None else self.rules
        if self.indicator is None or not rules or not isinstance(rules[-1], n.Table):
            self.error(
                stmt.span,
                _("an arm line without a 'points by' line above it"),
                translate(USAGE["points"]),
                "E122",
            )
            return
        table = rules[-1]
        self.count_arms(stmt.arms, len(table.arms))
        # Built directly, not by attrs.evolve, which looks up every field of the table again
        # for each of its arm lines.
        span, arms = table.span + stmt.span, table.arms + stmt.arms
        rules[-1] = n.Table(span, table.subject, arms, table.condition)

    def count_arms(self, arms: tuple[n.Arm, ...], before: int) -> None:
        """Report a table once, where its arms first go past the limit."""
        limit = self.limits.table_arms
        if before <= limit < before + len(arms):
            self.problems.add(
                _limit(
                    _("a 'points by' table with more arms than the limit of {limit}", limit=limit),
                    arms[limit - before].span,
                    _(
                        "a table has a few tiers: merge neighbouring bands, or "
                        "compute the points with a formula (points = …)"
                    ),
                    "table_arms",
                    "E505",
                )
            )

    def close_pool(self) -> None:
        if self.pool is not None:
            extra, _indent, rules = self.pool
            if isinstance(extra, n.ExtraDecl):
                if not rules:
                    self.error(
                        extra.span,
                        _("the indicator's '{role}' line has no rules", role=extra.role),
                        _(
                            "put the rules of its {role} on the lines below it, indented",
                            role=extra.role,
                        ),
                        "E123",
                    )
                block = n.Extra(extra.span, extra.role, extra.label, extra.cap, tuple(rules))
                self.extras.append(block)
                self.pool = None
        if self.pool is not None:
            decl, _indent, rules = self.pool
            assert isinstance(decl, n.PoolDecl)
            if not rules:
                self.error(
                    decl.span,
                    _("the pool '{name}' has no rules", name=decl.name),
                    _("put the rules it caps on the lines below it, indented"),
                    "E123",
                )
            self.pools.append(n.Pool(decl.span, decl.name, decl.label, decl.cap, tuple(rules)))
            self.pool = None

    def close_indicator(self) -> None:
        self.close_pool()
        if self.indicator is not None:
            decl = self.indicator
            self.nodes.append(
                n.Indicator(
                    decl.span,
                    decl.id,
                    decl.id_span,
                    decl.title,
                    decl.max,
                    tuple(self.local_lets),
                    tuple(self.rules),
                    tuple(self.pools),
                    decl.role,
                    decl.weight,
                    tuple(self.clauses),
                    tuple(self.extras),
                )
            )
        self.indicator = None
        self.local_lets, self.rules, self.pools, self.clauses = [], [], [], []
        self.extras = []
