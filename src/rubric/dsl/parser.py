"""The parser: `.rub` text to a syntax tree, one statement per line, every syntax error at once."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import attrs
import pyparsing as pp

from rubric.dsl import nodes as n
from rubric.dsl.grammar import BY_KEYWORD, KEYWORDS, RESERVED, statement
from rubric.dsl.source import Source, Span
from rubric.errors import Diagnostic, RubricSyntaxError

__all__ = ["parse"]

# How each kind of statement is written; shown when a line of that kind does not parse.
USAGE = {
    "rubric": 'write the header as: rubric anhui_2019 "安徽省…绩效评价指标" max 100',
    "version": 'write: version "2019.1"',
    "round": "write: round indicators to 2 places half up  (or: round total to …; modes: half up, "
    "half even, down, up)",
    "grade": "write: grade 优秀 if total >= 85   or, for the last grade: grade 差 otherwise",
    "fact": 'write: fact NAME: TYPE [bounds] [in steps of K] ["description"] [unit "unit"] '
    "[optional]\n"
    'for example: fact households_targeted: count >= 1 "帮扶目标任务数"\n'
    "TYPE is one of: bool, count, number, level {a, b, …}, set, set of {a, b, …}, adjustment\n"
    'a scale of marks: fact mark: number >= 0 and <= 5 in steps of 0.5 "专家评分"',
    "require": 'write: require CONDITION "message", for example require a + b >= 1 "至少调查1人"',
    "let": 'write: let NAME ["description"] = EXPRESSION or CONDITION [unit "unit"], for '
    'example let rate "完成率" = done / target * 100 unit "%"',
    "group": 'write: group ID "title" max N, for example group input "投入" max 20\n'
    "after the max may come how the group combines its children: , scaled   , weighted   "
    ", best of   or , one of\n"
    'a group of extra items is written: group ID "title" bonus [at most N]   or: '
    'group ID "title" deductions [at most N]',
    "indicator": 'write: indicator ID "title" max N [weight W], for example '
    'indicator input.setup.goal "绩效目标合理性" max 4',
    "pool": 'write: pool NAME ["label"] at most N, then its rules on the lines below, indented',
    "start": "write: start from full marks   or: start from 5",
    "at": "write: at most N if CONDITION, for example at most 6 if serious_problem",
    "not": "write: not applicable if CONDITION, POLICY, where POLICY is full marks, rescale the "
    "total or redistribute to siblings",
    "adjust": "write: adjust by NAME, where NAME is an adjustment fact",
    "allow": "write: allow negative total",
    "points": "write: points by EXPRESSION: <= 20 -> 4, <= 30 -> 2, otherwise -> 0   or: "
    "points = EXPRESSION[, at most N]",
    "rule": "write a rule as: +2 if CONDITION   or: +1 for each of SET, at most 3   or: "
    "-0.5 per 1 of QUANTITY, proportionally   or: × 0.8 if CONDITION",
    "arm": "write an arm of the table above as: <= 20 -> 4   or: national -> 2   or: "
    "otherwise -> 0   or: >= 60 and <= 90 -> 0 to 10",
}

# Deeper trees than any table needs would exhaust Python's recursion in later passes.
MAX_DEPTH = 64
MAX_PARENS = 12
_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"')

_TAB = 8  # columns a tab indents by, as in most editors' default
_POINTS_ONLY = re.compile(r"\s*[+-]\s*\d+(?:\.\d+)?\s*$")
_WORD = re.compile(r"[^\W\d]\w*")
_ARM_START = re.compile(r"(?:<=|>=|!=|≤|≥|≦|≧|≠|<|>|＜|＞|=|otherwise(?!\w)|[^\W\d]\w*\s*(?:->|→))")
_HALF_WIDTH = {"“": '"', "”": '"', "‘": "'", "’": "'", "\u3000": " ", "、": ",", "。": "."}
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000-\u303f“”‘’…—]")


def parse(source: Source) -> n.Document:
    """Parse a whole rubric; raise RubricSyntaxError listing every line that does not parse."""
    statements: list[tuple[n.Statement, int]] = []
    diagnostics: list[Diagnostic] = []
    for offset, line in source.lines():
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        parsed = _parse_line(line, offset)
        if isinstance(parsed, Diagnostic):
            diagnostics.append(parsed)
        else:
            indent = line[: len(line) - len(line.lstrip())]
            statements.append((parsed, len(indent.expandtabs(_TAB))))
    if diagnostics:
        raise RubricSyntaxError(source, diagnostics)
    return _Assembler(source).assemble(statements)


def _parse_line(line: str, offset: int) -> n.Statement | Diagnostic:
    # pyparsing descends about forty frames per parenthesis: bound them before it starts.
    nesting, deepest = 0, 0
    for char in _STRINGS.sub('""', line).split("#", 1)[0]:
        nesting += (char == "(") - (char == ")")
        deepest = max(deepest, nesting)
    if deepest > MAX_PARENS:
        return _too_deep(line, offset, f"nests parentheses {deepest} deep, more than {MAX_PARENS}")
    try:
        result = _parse_statement(line)
    except pp.ParseBaseException as exc:
        return _diagnose(line, offset, exc.loc, exc.msg)
    except RecursionError:  # the caller's own stack was deep already
        return _too_deep(line, offset, "nests too deeply to read")
    if n.depth(result[0]) > MAX_DEPTH:
        return _too_deep(line, offset, f"is more than {MAX_DEPTH} operations long or deep")
    parsed: n.Statement = _relocate(result[0], offset)
    return parsed


def _parse_statement(line: str) -> pp.ParseResults:
    """Parse one line; when it fails, report the failure of the statement its keyword opens."""
    try:
        return statement.parse_string(line, parse_all=True)
    except pp.ParseBaseException:
        kind = _kind(line)
        if kind not in BY_KEYWORD:
            raise
    return BY_KEYWORD[kind].parse_string(line, parse_all=True)


def _too_deep(line: str, offset: int, what: str) -> Diagnostic:
    start = len(line) - len(line.lstrip())
    return Diagnostic(
        f"this line {what}",
        Span(offset + start, offset + len(line)),
        "split the expression into named values, each on its own 'let' line",
    )


def _relocate(node: Any, offset: int) -> Any:
    """Return node with every span moved by offset: lines are parsed on their own."""
    if isinstance(node, Span):
        return Span(node.start + offset, node.end + offset)
    if isinstance(node, tuple):
        return tuple(_relocate(item, offset) for item in node)
    if attrs.has(type(node)):
        changes = {
            field.name: _relocate(getattr(node, field.name), offset)
            for field in attrs.fields(type(node))
        }
        return attrs.evolve(node, **changes)
    return node


def _diagnose(line: str, offset: int, loc: int, msg: str) -> Diagnostic:
    """Turn a pyparsing failure into a message saying what was found and what was expected."""
    loc = min(loc, len(line))
    while loc < len(line) and line[loc] in " \t":
        loc += 1
    found = _found(line, loc)
    span = Span(offset + loc, offset + loc + max(1, len(found)))
    kind = _kind(line)
    if kind is None:
        return _unknown_statement(line, offset)
    expected = msg.removeprefix("Expected ")
    if expected == "end of text":
        message = f"unexpected {_quote(found)} at this point"
    elif expected == "a statement":
        message = f"cannot read this {kind} line"
    else:
        message = f"expected {expected}, found {_quote(found)}"
    if kind == "rule" and expected == "'if'" and _POINTS_ONLY.match(line[:loc]):
        message = f"expected 'if', 'for each of' or 'per' after the points, found {_quote(found)}"
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
    return Diagnostic(message, span, hint)


def _unknown_statement(line: str, offset: int) -> Diagnostic:
    start = len(line) - len(line.lstrip())
    word = _found(line, start)
    span = Span(offset + start, offset + start + max(1, len(word)))
    if word[:1].isdigit():
        return Diagnostic(
            f"a rule's points need a sign, found {_quote(word)}",
            span,
            f"write +{word} to award points or -{word} to deduct them",
        )
    close = difflib.get_close_matches(word, KEYWORDS, n=1)
    suggestion = f"did you mean {_quote(close[0])}? " if close else ""
    return Diagnostic(
        f"unknown statement starting with {_quote(word)}",
        span,
        f"{suggestion}a line starts with one of {', '.join(KEYWORDS)}; with points such as "
        "+2 or -0.5; or is an arm such as '<= 20 -> 4' under a 'points by' line",
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


def _kind(line: str) -> str | None:
    """Name the kind of statement a line means to be, from its first word."""
    body = line.lstrip()
    word = _WORD.match(body)
    if word and word.group() in KEYWORDS:
        return word.group()
    if body[:1] in "+-*×":
        return "rule"
    if _ARM_START.match(body):
        return "arm"
    return None


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
    diagnostics: list[Diagnostic] = attrs.Factory(list)
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
    pool: tuple[n.PoolDecl, int, list[n.Rule]] | None = None
    in_group: bool = False
    clauses: list[n.Clause] = attrs.Factory(list)
    # Clauses before the first group are the total's; after a group line, that group's.
    root_clauses: list[n.Clause] = attrs.Factory(list)
    negative_total: n.AllowNegative | None = None

    def assemble(self, statements: list[tuple[n.Statement, int]]) -> n.Document:
        if statements and not isinstance(statements[0][0], n.Header):
            self.error(
                statements[0][0].span,
                "a rubric must start with its header line",
                USAGE["rubric"],
            )
        for stmt, indent in statements:
            handler: Callable[[Any, int], None] = getattr(self, f"on_{type(stmt).__name__}")
            handler(stmt, indent)
        self.close_indicator()
        if not statements:
            self.error(Span(0, 0), "this rubric is empty", USAGE["rubric"])
        if self.diagnostics:
            raise RubricSyntaxError(self.source, self.diagnostics)
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
        )

    def error(self, span: Span, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(message, span, hint))

    def once(self, current: Any, stmt: Any, what: str) -> None:
        if current is not None:
            line = self.source.line_of(current.span)
            self.error(
                stmt.span,
                f"a second {what} line; the first is on line {line}",
                f"keep one {what} line and delete the other",
            )

    # ---- header and declarations: global wherever they stand

    def on_Header(self, stmt: n.Header, indent: int) -> None:  # noqa: N802
        self.once(self.header, stmt, "'rubric'")
        self.header = self.header or stmt

    def on_Version(self, stmt: n.Version, indent: int) -> None:  # noqa: N802
        self.once(self.version, stmt, "'version'")
        self.version = self.version or stmt

    def on_Rounding(self, stmt: n.Rounding, indent: int) -> None:  # noqa: N802
        self.once(self.rounding, stmt, "'round'")
        self.rounding = self.rounding or stmt

    def on_Grade(self, stmt: n.Grade, indent: int) -> None:  # noqa: N802
        self.grades.append(stmt)

    def on_FactDecl(self, stmt: n.FactDecl, indent: int) -> None:  # noqa: N802
        self.facts.append(stmt)

    def on_Require(self, stmt: n.Require, indent: int) -> None:  # noqa: N802
        self.requires.append(stmt)

    def on_Let(self, stmt: n.Let, indent: int) -> None:  # noqa: N802
        if self.indicator is not None:
            if self.pool is not None:
                self.error(
                    stmt.span, "a 'let' inside a pool", "move the 'let' line above the pool line"
                )
            self.local_lets.append(stmt)
        elif self.in_group:
            self.error(
                stmt.span,
                "a 'let' between a group line and its first indicator",
                "put the 'let' inside the indicator that uses it, or before the first group "
                "to share it between indicators",
            )
        else:
            self.lets.append(stmt)

    # ---- sections

    def on_AllowNegative(self, stmt: n.AllowNegative, indent: int) -> None:  # noqa: N802
        self.once(self.negative_total, stmt, "'allow negative total'")
        self.negative_total = self.negative_total or stmt

    def on_NodeDecl(self, stmt: n.NodeDecl, indent: int) -> None:  # noqa: N802
        self.close_indicator()
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
            )
        if stmt.role != "base":
            self.error(
                stmt.span,
                f"an indicator line cannot say '{stmt.role}'",
                f'make a group of them: group extra "加分项" {stmt.role} at most 3, then the '
                "indicators under it, each with its max",
            )
        self.indicator = stmt

    def on_clause(self, stmt: n.Clause, indent: int) -> None:
        if self.indicator is not None:
            if self.pool is not None and indent > self.pool[1]:
                self.error(
                    stmt.span,
                    "this line is indented under a pool, but it applies to the whole indicator",
                    "move it above the pool line, or out of the pool's indentation",
                )
                return
            self.clauses.append(stmt)
        elif self.nodes:
            group = self.nodes[-1]
            assert isinstance(group, n.Group), "an indicator closes before the next line"
            self.nodes[-1] = attrs.evolve(group, clauses=(*group.clauses, stmt))
        else:
            self.root_clauses.append(stmt)

    on_Multiply = on_CapIf = on_NotApplicable = on_clause  # noqa: N815

    def on_PoolDecl(self, stmt: n.PoolDecl, indent: int) -> None:  # noqa: N802
        if self.indicator is None:
            self.error(
                stmt.span,
                "a pool outside any indicator",
                "put the pool line under the 'indicator' line whose rules it caps",
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
            )
            return
        if self.pool is None:
            self.rules.append(stmt)
            return
        decl, pool_indent, rules = self.pool
        if isinstance(stmt, n.Start):
            self.error(
                stmt.span,
                "'start from' inside a pool",
                "move the 'start from' line above the pool line",
            )
        elif indent <= pool_indent:
            self.error(
                stmt.span,
                f"this rule is not indented under the pool '{decl.name}' above it, yet it "
                "belongs to that pool",
                "a pool takes every rule up to the next pool, group or indicator: indent this "
                "rule under the pool line, or move it above the pool line",
            )
        else:
            rules.append(stmt)

    on_Start = on_When = on_Each = on_Per = on_Table = on_Formula = on_Adjust = on_rule  # noqa: N815

    def on_ArmLine(self, stmt: n.ArmLine, indent: int) -> None:  # noqa: N802
        rules = self.pool[2] if self.pool is not None else self.rules
        if self.indicator is None or not rules or not isinstance(rules[-1], n.Table):
            self.error(
                stmt.span, "an arm line without a 'points by' line above it", USAGE["points"]
            )
            return
        table = rules[-1]
        rules[-1] = attrs.evolve(table, span=table.span + stmt.span, arms=table.arms + stmt.arms)

    def close_pool(self) -> None:
        if self.pool is not None:
            decl, _, rules = self.pool
            if not rules:
                self.error(
                    decl.span,
                    f"the pool '{decl.name}' has no rules",
                    "put the rules it caps on the lines below it, indented",
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
                )
            )
        self.indicator = None
        self.local_lets, self.rules, self.pools, self.clauses = [], [], [], []
