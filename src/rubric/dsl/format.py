"""The formatter: a rubric's syntax tree and its comments back to canonical text (`rubric fmt`)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeAlias, assert_never

import attrs

from rubric._i18n import _
from rubric.dsl import nodes as n
from rubric.dsl.parser import parse
from rubric.dsl.source import Source, Span, display_width
from rubric.dsl.tokens import OPERATORS, RESERVED
from rubric.errors import Diagnostic, RubricSyntaxError

__all__ = [
    "Formatted",
    "arm_text",
    "format_file",
    "format_source",
    "format_text",
    "shape",
    "split_comment",
]

INDENT = "  "
MAX_BLANK_LINES = 2
COMMENT_GAP = 2  # spaces between the longest code of an aligned block and its comments

_BARE_WORD = re.compile(r"(?!(?:" + "|".join(RESERVED) + r")(?!\w))[^\W\d]\w*")
# Every spelling of a sign the grammar accepts, longest first.
_SIGN = re.compile(r"<=|>=|!=|->|" + "|".join(map(re.escape, OPERATORS)) + r"|[<>=*/]")
_ALLOW_NEGATIVE = re.compile(r"allow\s+negative\s+total")
_PARTIAL = {
    "proportional": "proportionally",
    "whole": "whole steps only",
    "any": "any part counts as a step",
}

# How tightly each expression binds, loosest first, as the grammar nests them.
_OR, _AND, _NOT, _COMPARE, _DIFFERENCE, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 10)
_BINARY = {"short of": _DIFFERENCE, "over": _DIFFERENCE, "+": _SUM, "-": _SUM}


@attrs.frozen
class Formatted:
    """A rubric's canonical text, and the line each line of the original text moved to."""

    text: str
    lines: tuple[int, ...]  # lines[i - 1]: the new line of the original line i


def format_file(path: str | os.PathLike[str]) -> tuple[str, str]:
    """A `.rub` file's text as read, and its canonical text; RubricSyntaxError if unreadable."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        source = Source(data.decode("utf-8", errors="replace"), str(path))
        offset = len(data[: exc.start].decode("utf-8", errors="replace"))
        problem = Diagnostic(
            _("byte {start} is not UTF-8 text", start=exc.start),
            Span(offset, offset + 1),
            _("save the rubric as UTF-8 (most editors offer it under 'Save as' / encoding)"),
        )
        raise RubricSyntaxError(source, [problem]) from None
    return text, format_text(text, str(path))


def format_text(text: str, filename: str = "<string>") -> str:
    """Return the canonical text of a rubric; raise RubricSyntaxError if it does not parse."""
    return format_source(Source(text.removeprefix("\ufeff"), filename)).text


def format_source(source: Source) -> Formatted:
    """Format a parsed source; the result is checked to parse to the same tree as the source.

    Raise RubricSyntaxError if the source does not parse, and RuntimeError (a bug in the
    formatter, never a fault of the rubric) if the canonical text would mean something else.
    """
    document = parse(source)
    out = _Layout(source, document).lines()
    text = "".join(f"{line.render()}\n" for line in out)
    moved = [0] * len(source.lines())
    for number, line in enumerate(out, 1):
        if line.origin and not moved[line.origin - 1]:
            moved[line.origin - 1] = number
    # Lines that vanish (blank lines dropped) map to the next line that stays.
    following = len(out) + 1
    for index in range(len(moved) - 1, -1, -1):
        following = moved[index] = moved[index] or following
    again = parse(Source(text, source.filename))
    if shape(again) != shape(document):
        raise RuntimeError(
            _(
                "formatting {filename} would change what it means; it was "
                "left as it is (this is a bug in the formatter: please "
                "report it with the file)",
                filename=source.filename,
            )
        )
    if _comments(text) != _comments(source.text):
        raise RuntimeError(
            _(
                "formatting {filename} would lose a comment; it was left as it is",
                filename=source.filename,
            )
        )
    return Formatted(text, tuple(moved))


def arm_text(text: str, arm: n.Arm) -> str:
    """An arm of a table as the formatter writes it; `text` is the source it was parsed from."""
    return _Writer(text).arm(arm)


def shape(node: Any) -> Any:
    """A syntax tree without its spans: what a rubric says, not where it says it."""
    if isinstance(node, Span):
        return None
    if isinstance(node, tuple):
        return tuple(shape(item) for item in node)
    if attrs.has(type(node)):
        fields = attrs.fields(type(node))
        return (type(node).__name__, *(shape(getattr(node, f.name)) for f in fields))
    return node


def split_comment(line: str) -> tuple[str, str | None]:
    """A line's code and its comment (from `#` outside quotes to the end), trailing spaces cut."""
    quoted = False
    index = 0
    while index < len(line):
        char = line[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "#":
            return line[:index].rstrip(), line[index:].rstrip()
        index += 1
    return line.rstrip(), None


def _comments(text: str) -> list[str]:
    found = []
    for line in text.removeprefix("\ufeff").splitlines():
        comment = split_comment(line)[1]
        if comment is not None:
            found.append(comment)
    return found


# ---------------------------------------------------------------- output lines

Kind = Literal["blank", "comment", "code"]


@attrs.define
class _Line:
    """One line of the output: blank, a whole-line comment, or code with a trailing comment."""

    kind: Kind
    origin: int  # the original line it comes from, 0 for none
    depth: int = 0
    code: str = ""
    comment: str | None = None
    opens_node: bool = False  # a group or indicator line: a blank line goes before it
    table: int = 0  # for an arm on a line of its own: which table (its line), for alignment
    arm: tuple[str, str] | None = None  # the band and the points of such an arm
    comment_column: int = 0

    def render(self) -> str:
        if self.kind == "blank":
            return ""
        indent = INDENT * self.depth
        if self.kind == "comment":
            return f"{indent}{self.comment}"
        if self.comment is None:
            return f"{indent}{self.code}"
        gap = max(COMMENT_GAP, self.comment_column - display_width(indent + self.code))
        return f"{indent}{self.code}{' ' * gap}{self.comment}"


# A statement as the tree keeps it: tables with their arms, sections as nodes.
Placed: TypeAlias = (
    n.Header
    | n.Version
    | n.Rounding
    | n.Grade
    | n.FactDecl
    | n.Require
    | n.Let
    | n.AllowNegative
    | n.RankBy
    | n.CohortName
    | n.Group
    | n.Indicator
    | n.Pool
    | n.Extra
    | n.Rule
    | n.Clause
)


@attrs.define
class _Statement:
    """A statement of the tree, where it starts, how deep it is indented, and its text."""

    node: Placed
    depth: int
    opens_node: bool = False


class _Layout:
    """Lays out a parsed rubric: its statements line by line, its comments where they were."""

    def __init__(self, source: Source, document: n.Document) -> None:
        self.source = source
        self.document = document
        self.writer = _Writer(source.text)
        self.at: dict[int, _Statement] = {}  # line -> the statement that starts on it
        self.arms: dict[int, list[n.Arm]] = {}  # line -> the arms written on it
        self.tables: dict[int, n.Table] = {}  # line of a `points by` line -> its table

    def line(self, span: Span) -> int:
        return self.source.line_of(span)

    def place(self, node: Placed, depth: int, *, opens_node: bool = False) -> None:
        self.at[self.line(node.span)] = _Statement(node, depth, opens_node)
        if isinstance(node, n.Table):
            self.tables[self.line(node.span)] = node
            for arm in node.arms:
                self.arms.setdefault(self.line(arm.span), []).append(arm)

    def collect(self) -> None:
        doc = self.document
        for top in (doc.header, doc.version, doc.rounding, doc.ranking, doc.cohort):
            if top is not None:
                self.place(top, 0)
        declarations: tuple[Placed, ...] = (
            *doc.grades,
            *doc.facts,
            *doc.requires,
            *doc.lets,
            *doc.clauses,
        )
        for item in declarations:
            self.place(item, 0)
        if doc.negative_total:
            for number, (_, text) in enumerate(self.source.lines(), 1):
                if _ALLOW_NEGATIVE.fullmatch(split_comment(text)[0].strip()):
                    self.at[number] = _Statement(n.AllowNegative(Span(0, 0)), 0)
        for node in doc.nodes:
            self.place(node, 0, opens_node=True)
            for clause in node.clauses:
                self.place(clause, 1)
            if isinstance(node, n.Indicator):
                for let in node.lets:
                    self.place(let, 1)
                for rule in node.rules:
                    self.place(rule, 1)
                blocks: list[n.Pool | n.Extra] = [*node.pools, *node.extras]
                for block in blocks:
                    self.place(block, 1)
                    for pooled in block.rules:
                        self.place(pooled, 2)

    def lines(self) -> list[_Line]:
        self.collect()
        out: list[_Line] = []
        for number, (_offset, text) in enumerate(self.source.lines(), 1):
            code, comment = split_comment(text)
            if not code.strip():
                kind: Kind = "blank" if comment is None else "comment"
                out.append(_Line(kind, number, comment=comment))
                continue
            out.extend(self.statement_lines(number, comment))
        return _finish(out)

    def statement_lines(self, number: int, comment: str | None) -> Iterator[_Line]:
        statement = self.at.get(number)
        arms = self.arms.get(number, [])
        if statement is None:  # a line of arms under a `points by` line
            if not arms:
                raise RuntimeError(
                    _("line {number} holds no statement the formatter knows", number=number)
                )
            table, depth = self.table_of(arms[0])
            for index, arm in enumerate(arms):
                yield self.arm_line(arm, table, depth + 1, number, comment if index == 0 else None)
            return
        node, depth = statement.node, statement.depth
        if isinstance(node, n.Table):
            own = [arm for arm in node.arms if self.line(arm.span) == number]
            inline = len(own) == len(node.arms)
            head = self.writer.statement(node)
            if inline and own:
                head += " " + ", ".join(self.writer.arm(arm) for arm in own)
            yield _Line("code", number, depth, head, comment)
            if not inline:
                for arm in own:
                    yield self.arm_line(arm, node, depth + 1, number, None)
            return
        code = self.writer.statement(node)
        yield _Line("code", number, depth, code, comment, statement.opens_node)

    def table_of(self, arm: n.Arm) -> tuple[n.Table, int]:
        for line, table in self.tables.items():
            if arm in table.arms:
                return table, self.at[line].depth
        raise RuntimeError(_("an arm outside any table"))

    def arm_line(
        self, arm: n.Arm, table: n.Table, depth: int, number: int, comment: str | None
    ) -> _Line:
        band, points = self.writer.arm_parts(arm)
        table_line = self.line(table.span)
        return _Line("code", number, depth, "", comment, table=table_line, arm=(band, points))


def _finish(out: list[_Line]) -> list[_Line]:
    """Blank lines, comment indentation, and alignment of arms and trailing comments."""
    # Arms of one table line up their arrows.
    widths: dict[int, int] = {}
    for line in out:
        if line.arm is not None:
            widths[line.table] = max(widths.get(line.table, 0), display_width(line.arm[0]))
    for line in out:
        if line.arm is not None:
            band, points = line.arm
            pad = " " * (widths[line.table] - display_width(band))
            line.code = f"{band}{pad} {points}"
    # No blank lines inside a table: its arms follow its `points by` line.
    kept: list[_Line] = []
    for index, line in enumerate(out):
        if line.kind == "blank" and _inside_table(out, index):
            continue
        kept.append(line)
    # A whole-line comment is indented as the code it stands above.
    depth = 0
    for line in reversed(kept):
        if line.kind == "code":
            depth = line.depth
        elif line.kind == "comment":
            line.depth = depth
    # A blank line before each group and indicator, and before the comments right above it.
    spaced: list[_Line] = []
    for line in kept:
        if line.opens_node and spaced:
            start = len(spaced)
            while start > 0 and spaced[start - 1].kind == "comment":
                start -= 1
            if start > 0 and spaced[start - 1].kind != "blank":
                spaced.insert(start, _Line("blank", 0))
        spaced.append(line)
    # At most two blank lines in a row, none at the start or the end.
    result: list[_Line] = []
    for line in spaced:
        if line.kind == "blank":
            if not result:
                continue
            run = 0
            while run < len(result) and result[-1 - run].kind == "blank":
                run += 1
            if run >= MAX_BLANK_LINES:
                continue
        result.append(line)
    while result and result[-1].kind == "blank":
        result.pop()
    _align_comments(result)
    return result


def _inside_table(out: list[_Line], index: int) -> bool:
    before = next((line for line in reversed(out[:index]) if line.kind == "code"), None)
    after = next((line for line in out[index + 1 :] if line.kind == "code"), None)
    return (
        after is not None
        and after.arm is not None
        and (before is not None and (before.arm is not None or before.code.endswith(":")))
    )


def _align_comments(lines: list[_Line]) -> None:
    """Trailing comments of consecutive lines of code start in one column."""
    block: list[_Line] = []
    for line in [*lines, _Line("blank", 0)]:
        if line.kind == "code" and line.comment is not None:
            block.append(line)
            continue
        if block:
            column = max(display_width(INDENT * b.depth + b.code) for b in block) + COMMENT_GAP
            for member in block:
                member.comment_column = column
        block = []


# ---------------------------------------------------------------- statements


@attrs.frozen
class _Writer:
    """Writes statements and expressions canonically; signs keep the spelling they had."""

    text: str  # the whole source text, where the spelling of each sign is read

    def sign(self, start: int, end: int, op: str) -> str:
        """The sign for `op` as written between two offsets (`≧` stays `≧`), else `op`."""
        found = [s for s in _SIGN.findall(self.text, start, end) if OPERATORS.get(s, s) == op]
        return found[-1] if found else op

    def statement(self, node: Placed) -> str:
        """The canonical text of one statement; a table's without its arms."""
        expr = self.expr
        match node:
            case n.Header(id=id_, title=title, max=max_):
                return f"rubric {id_} {_quote(title)}" + (f" max {max_.text}" if max_ else "")
            case n.Version(text=text):
                return f"version {_quote(text)}"
            case n.Rounding(scope=scope, places=places, mode=mode):
                unit = "place" if places == 1 else "places"
                return f"round {scope} to {places} {unit} {mode}"
            case n.Grade(name=name, condition=condition):
                if condition is None:
                    return f"grade {name} otherwise"
                return f"grade {name} if {expr(condition, _OR)}"
            case n.FactDecl():
                return self.fact(node)
            case n.Require(condition=condition, message=message):
                return f"require {expr(condition, _OR)} {_quote(message)}"
            case n.Let(name=name, description=description, expr=value, unit=unit):
                equals = self.sign(node.name_span.end, value.span.start, "=")
                text = f"let {name}{_optional_text(description)} {equals} {expr(value, _OR)}"
                return text + (f" unit {_quote(unit)}" if unit is not None else "")
            case n.AllowNegative():
                return "allow negative total"
            case n.RankBy(ids=ids):
                return "rank units by total" + "".join(f", then {id_}" for id_ in ids)
            case n.CohortName(name=name):
                return f"cohort {_quote(name)}"
            case n.Group() | n.Indicator():
                return self.node_line(node)
            case n.Pool(name=name, label=label, cap=cap):
                return f"pool {name}{_optional_text(label)} at most {cap.text}"
            case n.Extra(role=role, label=label, cap=cap):
                return f"{role}{_optional_text(label)} at most {cap.text}"
            case n.Start(amount=amount):
                return "start from " + ("full marks" if amount is None else amount.text)
            case n.When(points=points, condition=condition):
                return f"{points.text} if {expr(condition, _OR)}"
            case n.Each(points=points, subject=subject, items=items, cap=cap):
                if items is not None:
                    what = "[" + ", ".join(expr(item, _OR) for item in items) + "]"
                else:
                    assert subject is not None
                    what = expr(subject, _DIFFERENCE)
                return f"{points.text} for each of {what}{_guard(node, expr)}{_cap(cap)}"
            case n.Per(points=points, step=step, quantity=quantity, partial=partial, cap=cap):
                reading = f", {_PARTIAL[partial]}" if partial is not None else ""
                return (
                    f"{points.text} per {step.text} of {expr(quantity, _DIFFERENCE)}"
                    f"{_guard(node, expr)}{reading}{_cap(cap)}"
                )
            case n.Formula(value=value, cap=cap):
                equals = self.sign(node.span.start, value.span.start, "=")
                return f"points {equals} {expr(value, _DIFFERENCE)}{_guard(node, expr)}{_cap(cap)}"
            case n.Table(subject=subject):
                return f"points by {expr(subject, _DIFFERENCE)}{_guard(node, expr)}:"
            case n.Adjust(name=name):
                return f"adjust by {name.name}"
            case n.Multiply(factor=factor, condition=condition):
                times = self.sign(node.span.start, factor.span.start, "*")
                return f"{times} {factor.text} if {expr(condition, _OR)}"
            case n.CapIf(cap=cap, condition=None):
                return f"at most {cap.text}"
            case n.CapIf(cap=cap, condition=condition):
                assert condition is not None
                return f"at most {cap.text} if {expr(condition, _OR)}"
            case n.NotApplicable(condition=condition, policy=policy):
                tail = f", {policy}" if policy is not None else ""
                return f"not applicable if {expr(condition, _OR)}{tail}"
            case _:
                assert_never(node)

    def fact(self, fact: n.FactDecl) -> str:
        kind = fact.type.kind
        if fact.type.words is not None:
            words = ", ".join(word.name + _optional_text(word.label) for word in fact.type.words)
            kind = f"{kind} {{{words}}}" if kind == "level" else f"set of {{{words}}}"
        keyword = "field" if fact.field else "fact"
        parts = [f"{keyword} {fact.name}: {kind}"]
        if fact.constraints:
            bounds = (
                f"{self.sign(c.span.start, c.operand.span.start, c.op)} "
                f"{self.expr(c.operand, _DIFFERENCE)}"
                for c in fact.constraints
            )
            parts.append(" and ".join(bounds))
        if fact.step is not None:
            parts.append(f"in steps of {fact.step.text}")
        if fact.description is not None:
            parts.append(_quote(fact.description))
        if fact.unit is not None:
            parts.append(f"unit {_quote(fact.unit)}")
        if fact.optional:
            parts.append("optional")
        return " ".join(parts)

    def node_line(self, node: n.Group | n.Indicator) -> str:
        kind = "group" if isinstance(node, n.Group) else "indicator"
        text = f"{kind} {node.id} {_quote(node.title)}"
        if node.role == "base":
            text += f" max {node.max.text}" if node.max is not None else ""
        else:
            text += f" {node.role}" + (f" at most {node.max.text}" if node.max is not None else "")
        if node.weight is not None:
            # `weight 30%` and `weight 30` mean the same; the tree keeps no `%`, the text does.
            after = self.text[node.weight.span.end :].lstrip(" \t")
            text += f" weight {node.weight.text}" + ("%" if after.startswith("%") else "")
        if isinstance(node, n.Group) and node.mode is not None:
            text += f", {node.mode}"
        return text

    def arm_parts(self, arm: n.Arm) -> tuple[str, str]:
        """An arm's band (or word, or `otherwise`), its arrow and its points."""
        if arm.band is not None:
            bounds, start = [], arm.band.span.start
            for op, number in arm.band.bounds:
                bounds.append(f"{self.sign(start, number.span.start, op)} {number.text}")
                start = number.span.end
            band = " and ".join(bounds)
        elif arm.word is not None:
            band = _word(arm.word.name)
        else:
            band = "otherwise"
        arrow = self.sign(arm.span.start, arm.points.span.start, "->")
        points = arm.points.text + (f" to {arm.end.text}" if arm.end is not None else "")
        return band, f"{arrow} {points}"

    def arm(self, arm: n.Arm) -> str:
        band, points = self.arm_parts(arm)
        return f"{band} {points}"

    # ------------------------------------------------------------ expressions

    def expr(self, expr: n.Expr, least: int) -> str:
        """An expression's text, in parentheses if it binds more loosely than `least` allows."""
        text, binds = self.bare(expr)
        return f"({text})" if binds < least else text

    def bare(self, expr: n.Expr) -> tuple[str, int]:
        """An expression's text without outer parentheses, and how tightly it binds."""
        match expr:
            case n.Name(name=name):
                return name, _ATOM
            case n.Number(text=text):
                return text, _ATOM
            case n.Text(value=value):
                return _quote(value), _ATOM
            case n.ScoreOf(id=id_):
                return f"score of {id_}", _ATOM
            case n.SizeOf(operand=operand):
                return f"number of {self.expr(operand, _ATOM)}", _ATOM
            case n.CohortOf(figure=figure, operand=operand, share=share):
                if share is not None:
                    return f"top {share.text}% of {operand.name}", _ATOM
                if figure == "rank ascending":
                    return f"rank of {operand.name} ascending", _ATOM
                return f"{figure} of {operand.name}", _ATOM
            case n.CountOf(items=items):
                return "number of [" + ", ".join(self.expr(i, _OR) for i in items) + "]", _ATOM
            case n.Call(function=function, args=args):
                return f"{function}(" + ", ".join(self.expr(a, _OR) for a in args) + ")", _ATOM
            case n.Negate(operand=operand):
                return f"-{self.expr(operand, _UNARY)}", _UNARY
            case n.Binary(op=op, left=left, right=right):
                level = _BINARY.get(op, _PRODUCT)
                # Left-associative sums and products; `short of` and `over` do not chain.
                left_least = level + 1 if level == _DIFFERENCE else level
                sign = self.sign(left.span.end, right.span.start, op)
                return (
                    f"{self.expr(left, left_least)} {sign} {self.expr(right, level + 1)}",
                    level,
                )
            case n.Compare(op=op, left=left, right=right):
                sign = self.sign(left.span.end, right.span.start, op)
                return (
                    f"{self.expr(left, _DIFFERENCE)} {sign} {self.expr(right, _DIFFERENCE)}",
                    _COMPARE,
                )
            case n.Not(operand=operand):
                # `not (a > b)`: without the brackets a reader may take it as `(not a) > b`.
                least = _DIFFERENCE if isinstance(operand, n.Compare) else _NOT
                return f"not {self.expr(operand, least)}", _NOT
            case n.Logic(op=op, operands=operands):
                # An `and` inside an `or` is always bracketed, so that no reader has to know
                # which binds more tightly; brackets the grammar does not need are dropped.
                level = _OR if op == "or" else _AND
                return f" {op} ".join(self.expr(item, _NOT) for item in operands), level
            case _:
                assert_never(expr)


def _word(word: str) -> str:
    """A level word in an arm: bare when it reads as a name, else quoted (`"in" -> 2`)."""
    return word if _BARE_WORD.fullmatch(word) else _quote(word)


def _cap(cap: n.Number | None) -> str:
    return f", at most {cap.text}" if cap is not None else ""


def _guard(rule: n.Guardable, expr: Callable[[n.Expr, int], str]) -> str:
    """A rule's own condition, right after what it counts: ' if not met'."""
    return f" if {expr(rule.condition, _OR)}" if rule.condition is not None else ""


def _optional_text(text: str | None) -> str:
    return f" {_quote(text)}" if text is not None else ""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
