"""The parser: `.rub` text to a syntax tree, one statement per line, every syntax error at once."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any, assert_never

import attrs
import pyparsing as pp

from rubric._limits import DEFAULT, Limits
from rubric.dsl import nodes as n
from rubric.dsl.grammar import KEYWORDS, USAGE, Grammar, Kind, grammar, kind_of
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
_EMBEDDED = "software that embeds rubric can raise it (docs/limits.md)"


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
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        parsed = reader.statement(offset, line)
        if isinstance(parsed, Diagnostic):
            problems.add(parsed)
        elif parsed is None:
            problems.omitted += 1
        else:
            indent = line[: len(line) - len(line.lstrip())]
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
        message, span, f"{advice}\nthe limit is Limits.{field}; {_EMBEDDED}", code=code
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
                f"this line is {len(line)} characters long, more than the limit of "
                f"{limits.line_chars}",
                Span(offset + start, offset + start + 1),
                "split it: a long condition into named values, each on its own 'let' line",
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
                    f"nests parentheses {deepest} deep, more than {limits.parentheses}",
                    "parentheses",
                    "E508",
                )
        if len(code) > limits.literal_digits:
            for literal in _LITERAL.finditer(_STRINGS.sub(_blank, code)):
                digits = len(literal.group()) - ("." in literal.group())
                if digits > limits.literal_digits:
                    return _limit(
                        f"a number of {digits} digits, more than the limit of "
                        f"{limits.literal_digits}",
                        Span(offset + literal.start(), offset + literal.end()),
                        "numbers in a rubric have at most 30 digits",
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
            return _diagnose(line, offset, exc.loc - offset, exc.msg, kind, code_end)
        except RecursionError:  # the caller's own stack was deep already
            return _too_deep(line, offset, "nests too deeply to read", "expression_depth", "E507")
        if kind is None and stmt is None:
            return None if self.problems.full else _unknown_statement(line, offset)
        assert stmt is not None
        if _may_nest(code, limits.expression_depth) and n.depth(stmt) > limits.expression_depth:
            return _too_deep(
                line,
                offset,
                f"is more than {limits.expression_depth} operations long or deep",
                "expression_depth",
                "E507",
            )
        return self.within_limits(stmt)

    def match(self, kind: Kind | None, start: int, end: int) -> n.Statement | None:
        """Parse the line's code, text[start:end], with the statement its kind opens."""
        g, text = self.grammar, self.source.text
        first = start
        while first < end and text[first] in " \t\r":
            first += 1
        if kind is None:
            # Only a quoted level word opening an arm starts a line with no kind of its own.
            return _whole(g.arm_line, text, start, end) if text[first] == '"' else None
        if kind in ("rule", "arm"):
            element = g.arm_line
            if kind == "rule":
                element = g.points_rule if text[first] in "+-" else g.multiply
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
                    f"rounding to {places} places, more places than a number may have digits "
                    f"({limits.literal_digits})",
                    stmt.span,
                    "round to at most 10 places; 2 is usual",
                    "literal_digits",
                    "E504",
                )
        if items is not None and len(items) > limits.list_items:
            return _limit(
                f"a list of {len(items)} items, more than the limit of {limits.list_items}",
                Span(items[limits.list_items].span.start, items[-1].span.end),
                "a rubric lists a few words or conditions at a time: shorten the list",
                "list_items",
                "E506",
            )
        name = _declared(stmt)
        if name is not None and len(name[0]) > limits.id_chars:
            return _limit(
                f"the name '{_shortened(name[0])}' is {len(name[0])} characters long, more "
                f"than the limit of {limits.id_chars}",
                name[1],
                "shorten it",
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
    return "a pool" if isinstance(decl, n.PoolDecl) else f"the indicator's {decl.role}"


def _opener(decl: n.PoolDecl | n.ExtraDecl) -> str:
    return "pool" if isinstance(decl, n.PoolDecl) else f"'{decl.role}'"


def _shortened(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most] + "…"


def _whole(element: pp.ParserElement, text: str, start: int, end: int) -> n.Statement:
    """Parse text[start:end] with element, in place: every span is an offset into the text.

    pyparsing's public entry points read a string from its start; a line is read where it
    stands instead, with `_parse` (what they call), so that no span needs moving afterwards.
    """
    loc, tokens = element._parse(text, start)
    while loc < end and text[loc] in " \t\r":
        loc += 1
    if loc < end:
        raise pp.ParseException(text, loc, "Expected end of text", element)
    statement: n.Statement = tokens[0]
    return statement


def _code_end(line: str) -> int:
    """Where a line's code ends: at the '#' of its comment, or at its end."""
    for found in _STRING_OR_HASH.finditer(line):
        if found.group() == "#":
            return found.start()
    return len(line)


def _may_nest(code: str, depth: int) -> bool:
    """Whether a line's tree may be more than depth deep: not if it has few operators."""
    if len(code) + _WRAPPERS <= depth:
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


def _too_deep(line: str, offset: int, what: str, field: str, code: str) -> Diagnostic:
    start = len(line) - len(line.lstrip())
    return _limit(
        f"this line {what}",
        Span(offset + start, offset + len(line)),
        "split the expression into named values, each on its own 'let' line",
        field,
        code,
    )


def _diagnose(line: str, offset: int, loc: int, msg: str, kind: Kind, code_end: int) -> Diagnostic:
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
        message = f"unexpected {_quote(found)} at this point"
    elif expected == "a statement":
        message = f"cannot read this {kind} line"
    else:
        message = f"expected {expected}, found {_quote(found)}"
    hint = USAGE[kind]
    if found in RESERVED and "name" in expected:
        hint = (
            f"'{found}' is a word of the rubric language and cannot name a fact or value; as a "
            f'level word or set item, write it in quotes: "{found}"\n{hint}'
        )
    if found[:1].isspace():  # a space pyparsing does not skip: no-break, ideographic, …
        name = unicodedata.name(found[0], "space").lower()
        message = f"unexpected {name} (U+{ord(found[0]):04X})"
        hint = f"type ordinary spaces or tabs, between words and at the start of lines\n{hint}"
    elif found and _FULL_WIDTH.match(found):
        hint = f"{_full_width_hint(found[0])}\n{hint}"
    return Diagnostic(message, span, hint, code="E101")


def _unknown_statement(line: str, offset: int) -> Diagnostic:
    start = len(line) - len(line.lstrip())
    word = _found(line, start)
    span = Span(offset + start, offset + start + max(1, len(word)))
    if word[:1].isdigit():
        return Diagnostic(
            f"a rule's points need a sign, found {_quote(word)}",
            span,
            f"write +{word} to award points or -{word} to deduct them",
            code="E103",
        )
    close = difflib.get_close_matches(word, KEYWORDS, n=1)
    suggestion = f"did you mean {_quote(close[0])}? " if close else ""
    return Diagnostic(
        f"unknown statement starting with {_quote(word)}",
        span,
        f"{suggestion}a line starts with one of {', '.join(KEYWORDS)}; with points such as "
        "+2 or -0.5; or is an arm such as '<= 20 -> 4' under a 'points by' line",
        code="E102",
    )


def _full_width_hint(char: str) -> str:
    ascii_form = _HALF_WIDTH.get(char) or (
        chr(ord(char) - 0xFEE0) if "\uff01" <= char <= "\uff5e" else ""
    )
    instead = f"; type {_quote(ascii_form)} instead" if ascii_form else ""
    return (
        f"{_quote(char)} is a full-width (Chinese) character, which the rubric language reads "
        f"only inside quotes{instead} (switch the input method to half-width punctuation)"
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
    return f"'{found}'" if found else "the end of the line"


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
                "a rubric must start with its header line",
                USAGE["rubric"],
                "E110",
            )
        for stmt, indent in statements:
            self.add(stmt, indent)
        self.close_indicator()
        if not statements:
            self.error(Span(0, 0), "this rubric is empty", USAGE["rubric"], "E111")
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
            case n.FactDecl():
                self.facts.append(stmt)
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
            # Sections.
            case n.AllowNegative():
                self.once(self.negative_total, stmt, "'allow negative total'")
                self.negative_total = self.negative_total or stmt
            case n.NodeDecl():
                self.on_node(stmt)
            case n.Multiply() | n.CapIf() | n.NotApplicable():
                self.on_clause(stmt, indent)
            case n.PoolDecl() | n.ExtraDecl():
                self.on_pool(stmt, indent)
            case n.Start() | n.When() | n.Each() | n.Per() | n.Table() | n.Formula() | n.Adjust():
                self.on_rule(stmt, indent)
            case n.ArmLine():
                self.on_arms(stmt)
            case _:
                assert_never(stmt)

    def error(self, span: Span, message: str, hint: str, code: str) -> None:
        self.problems.add(Diagnostic(message, span, hint, code=code))

    def once(self, current: Any, stmt: Any, what: str) -> None:
        if current is not None:
            line = self.source.line_of(current.span)
            self.error(
                stmt.span,
                f"a second {what} line; the first is on line {line}",
                f"keep one {what} line and delete the other",
                "E112",
            )

    def on_let(self, stmt: n.Let) -> None:
        if self.indicator is not None:
            if self.pool is not None:
                what = _block(self.pool[0])
                self.error(
                    stmt.span,
                    f"a 'let' inside {what}",
                    f"move the 'let' line above the {_opener(self.pool[0])} line",
                    "E113",
                )
            self.local_lets.append(stmt)
        elif self.in_group:
            self.error(
                stmt.span,
                "a 'let' between a group line and its first indicator",
                "put the 'let' inside the indicator that uses it, or before the first group "
                "to share it between indicators",
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
                    f"more groups and indicators than the limit of {self.limits.ids}",
                    stmt.id_span,
                    "a rubric has at most a few thousand indicators: check that this is the "
                    "rubric file",
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
                f"'{stmt.mode}' on an indicator",
                "only a group combines its children's scores: put it on a group line",
                "E115",
            )
        if stmt.role != "base":
            self.error(
                stmt.span,
                f"an indicator line cannot say '{stmt.role}'",
                f'make a group of them: group extra "加分项" {stmt.role} at most 3, then the '
                "indicators under it, each with its max",
                "E116",
            )
        self.indicator = stmt

    def on_clause(self, stmt: n.Clause, indent: int) -> None:
        if self.indicator is not None:
            if self.pool is not None and indent > self.pool[1]:
                what, opener = _block(self.pool[0]), _opener(self.pool[0])
                self.error(
                    stmt.span,
                    f"this line is indented under {what}, but it applies to the whole indicator",
                    f"move it above the {opener} line, or out of "
                    + ("the pool's" if opener == "pool" else "its")
                    + " indentation",
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
                    f"a '{stmt.role}' line outside any indicator",
                    f"put it under the 'indicator' line whose own {stmt.role} it gives; for "
                    f'{stmt.role} of the whole rubric, write a group: group extra "加分项" '
                    f"{stmt.role} at most 3",
                    "E124",
                )
                return
            self.error(
                stmt.span,
                "a pool outside any indicator",
                "put the pool line under the 'indicator' line whose rules it caps",
                "E118",
            )
            return
        self.close_pool()
        self.pool = (stmt, indent, [])

    def on_rule(self, stmt: n.Rule, indent: int) -> None:
        if self.indicator is None:
            self.error(
                stmt.span,
                "a rule outside any indicator",
                "put each rule under the 'indicator' line it scores",
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
                f"'start from' inside {_block(decl)}",
                f"move the 'start from' line above the {_opener(decl)} line",
                "E120",
            )
        elif indent <= pool_indent:
            if isinstance(decl, n.ExtraDecl):
                self.error(
                    stmt.span,
                    f"this rule is not indented under the '{decl.role}' line above it, yet it "
                    f"belongs to the indicator's {decl.role}",
                    f"a '{decl.role}' line takes every rule up to the next pool, bonus, "
                    f"deductions, group or indicator line: indent this rule under it, or move "
                    f"it above the '{decl.role}' line",
                    "E121",
                )
            else:
                self.error(
                    stmt.span,
                    f"this rule is not indented under the pool '{decl.name}' above it, yet it "
                    "belongs to that pool",
                    "a pool takes every rule up to the next pool, group or indicator: indent "
                    "this rule under the pool line, or move it above the pool line",
                    "E121",
                )
        else:
            rules.append(stmt)

    def on_arms(self, stmt: n.ArmLine) -> None:
        rules = self.pool[2] if self.pool is not None else self.rules
        if self.indicator is None or not rules or not isinstance(rules[-1], n.Table):
            self.error(
                stmt.span,
                "an arm line without a 'points by' line above it",
                USAGE["points"],
                "E122",
            )
            return
        table = rules[-1]
        self.count_arms(stmt.arms, len(table.arms))
        rules[-1] = attrs.evolve(table, span=table.span + stmt.span, arms=table.arms + stmt.arms)

    def count_arms(self, arms: tuple[n.Arm, ...], before: int) -> None:
        """Report a table once, where its arms first go past the limit."""
        limit = self.limits.table_arms
        if before <= limit < before + len(arms):
            self.problems.add(
                _limit(
                    f"a 'points by' table with more arms than the limit of {limit}",
                    arms[limit - before].span,
                    "a table has a few tiers: merge neighbouring bands, or compute the points "
                    "with a formula (points = …)",
                    "table_arms",
                    "E505",
                )
            )

    def close_pool(self) -> None:
        if self.pool is not None:
            extra, _, rules = self.pool
            if isinstance(extra, n.ExtraDecl):
                if not rules:
                    self.error(
                        extra.span,
                        f"the indicator's '{extra.role}' line has no rules",
                        f"put the rules of its {extra.role} on the lines below it, indented",
                        "E123",
                    )
                block = n.Extra(extra.span, extra.role, extra.label, extra.cap, tuple(rules))
                self.extras.append(block)
                self.pool = None
        if self.pool is not None:
            decl, _, rules = self.pool
            assert isinstance(decl, n.PoolDecl)
            if not rules:
                self.error(
                    decl.span,
                    f"the pool '{decl.name}' has no rules",
                    "put the rules it caps on the lines below it, indented",
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
