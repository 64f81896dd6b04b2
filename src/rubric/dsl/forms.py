"""Forms: the commonest shape of each statement, read by one regex before the full grammar.

The full grammar spends a few dozen pyparsing steps on a line; a form spends one. A form reads
only lines the full grammar reads the same way, to the end of their code, and builds the node
the full grammar builds, with the same spans: a test compares the two on every line of every
rubric in the repository, bent many ways. Any other line, and so every error, is left to the
full grammar, which follows each form.

What a form reads: values (numbers, quoted texts, names), arithmetic on them without
parentheses or signs, one 'short of' or 'over', one comparison, and 'and' and 'or' between
comparisons; no 'not', 'number of', 'score of', lists or steps.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyparsing as pp

from rubric.dsl import nodes as n
from rubric.dsl import tokens as t
from rubric.dsl.source import Span

__all__ = ["Form", "forms"]

# Each token atomic, as a pyparsing token reads as much as it can and never gives any back:
# 'grade 差if x' is the grade '差if' followed by 'x', not the grade '差' if x.
_NAME, _IDENT, _DOTTED = f"(?>{t.NAME})", f"(?>{t.IDENT})", f"(?>{t.DOTTED})"
_NUMBER, _POINTS, _SIGNED = f"(?>{t.NUMBER})", f"(?>{t.POINTS})", f"(?>{t.SIGNED})"
_STRING = f"(?>{t.STRING})"
_WS = r"[ \t\r]*"  # the spaces pyparsing skips between tokens
_END = r"[ \t\r]*(?=[#\n]|\Z)"  # the end of a line's code
_SP = t.SPACE
_VALUE = rf"(?>{t.VALUE})"  # atomic: never a shorter value instead
_ARITHMETIC = r"[-+*/×÷]"
_OVER = rf"short(?!\w){_SP}of(?!\w)|over(?!\w)"
_CMP = f"(?>{t.CMP})"
_COMPARE = rf"{_CMP}|in(?!\w)"
# Values with operators between them, read flat; the builder checks that they make an
# expression (one 'short of' or 'over' at most) or a condition (one comparison at most between
# 'and' and 'or'), and leaves any other to the full grammar. Possessive: what a form has read,
# it never gives back (a shorter reading would end before an operator, not at the code's end).
_EXPRESSION = rf"{_VALUE}(?:{_WS}(?:{_ARITHMETIC}|{_OVER}){_WS}{_VALUE})*+"
_CONDITION = (
    rf"{_VALUE}(?:{_WS}(?:{_ARITHMETIC}|{_OVER}|{_COMPARE}|(?:and|or)(?!\w)){_WS}{_VALUE})*+"
)
# Each part with the spaces before it: a search for the next part skips them in one step,
# rather than trying every kind of part at each space.
_PARTS = re.compile(
    rf"{_WS}(?:(?P<value>{_VALUE})|(?P<arithmetic>{_ARITHMETIC})|(?P<over>{_OVER})"
    rf"|(?P<compare>{_COMPARE})|(?P<logic>(?:and|or)(?!\w)))"
)
_CAP = rf"(?:,{_WS}at{_SP}most(?!\w){_WS}(?P<cap>{_NUMBER}))?"
_AMOUNT = rf"(?P<amount>{_POINTS}|{_NUMBER})"
_ARROW = r"(?:->|→)"
_WORD = rf"{_IDENT}(?:{_WS}{_STRING})?"
# An arm of a table written on its `points by` line, without linear points ('… to N'): a band
# of one bound or more, 'otherwise', or a level word; '->' and its points.
_BAND = rf"{_CMP}{_WS}{_SIGNED}(?:{_WS}and(?!\w){_WS}{_CMP}{_WS}{_SIGNED})*+{_WS}"
_ARM_START = rf"(?:{_BAND}|otherwise(?!\w){_WS}|(?:{_NAME}|{_STRING}){_WS})"
_ARM_SHAPE = rf"{_ARM_START}(?:->|→){_WS}(?>{t.POINTS}|{t.NUMBER})"
_ARM = re.compile(
    rf"(?:(?P<band>{_BAND})|(?P<otherwise>otherwise(?!\w){_WS})|(?P<word>{_NAME}|{_STRING}){_WS})"
    rf"(?:->|→){_WS}(?P<amount>(?>{t.POINTS}|{t.NUMBER}))"
)
_BOUND = re.compile(rf"(?P<op>{_CMP}){_WS}(?P<bound>{_SIGNED})")
_SEPARATOR = re.compile(rf"{_WS},{_WS}")
_WORDS = rf"\{{{_WS}{_WORD}(?:{_WS},{_WS}{_WORD})*+{_WS}\}}"
_ITEM = re.compile(rf"(?P<word>{_IDENT})(?P<space>{_WS})(?P<label>{_STRING})?")
_PARTIAL = {
    "proportionally": "proportional",
    "whole steps only": "whole",
    "any part counts as a step": "any",
}
_POLICIES = ("full marks", "rescale the total", "redistribute to siblings")


def _phrases(phrases: tuple[str, ...] | dict[str, str]) -> str:
    return "|".join(_SP.join(map(re.escape, phrase.split())) for phrase in phrases)


class Form(pp.Token):
    """A whole statement of one shape, read by one regex, its node built from the match.

    A build that finds the match is not of its shape returns None, and the form fails.
    """

    def __init__(self, pattern: str, build: Callable[[re.Match[str]], Any | None]) -> None:
        super().__init__()
        self.pattern = re.compile(pattern)
        self.build = build
        self.mayReturnEmpty = False
        self.mayIndexError = False
        self.set_name("a statement")

    def read(self, text: str, loc: int) -> tuple[int, Any] | None:
        """Where the statement at loc ends and its node; None if it is not of this shape."""
        found = self.pattern.match(text, loc)
        node = None if found is None else self.build(found)
        return None if found is None or node is None else (found.end(), node)

    def parseImpl(  # noqa: N802 (the name pyparsing calls)
        self, instring: str, loc: int, do_actions: bool = True
    ) -> tuple[int, Any]:
        read = self.read(instring, loc)
        if read is None:
            raise pp.ParseException(instring, loc, self.errmsg, self)
        return read


def forms() -> dict[str, list[Form]]:
    """The forms of each statement that has some, by the kind of line it is, in the order tried.

    'rule' holds those of rules with points, 'multiply' those of rules with a factor.
    """
    condition = rf"(?P<condition>{_CONDITION})"
    return {
        "fact": [
            Form(
                rf"fact(?!\w){_WS}(?P<name>{_NAME}){_WS}:{_WS}"
                rf"(?P<type>(?:bool|count|number|adjustment)(?!\w)|level(?!\w){_WS}"
                rf"(?P<level>{_WORDS})|set(?!\w)(?:{_WS}of(?!\w){_WS}(?P<set>{_WORDS}))?)"
                rf"(?P<after>{_WS})(?:(?P<bound>(?P<op>{_CMP}){_WS}(?P<operand>{_VALUE})"
                rf"(?!{_WS}{_ARITHMETIC}){_WS}))?(?:(?P<description>{_STRING}){_WS})?"
                rf"(?:unit(?!\w){_WS}(?P<unit>{_STRING}){_WS})?(?P<optional>optional(?!\w))?"
                rf"{_END}",
                _fact,
            )
        ],
        "group": [
            Form(
                rf"(?P<kind>group|indicator)(?!\w){_WS}(?P<id>{_DOTTED}){_WS}"
                rf"(?P<title>{_STRING}){_WS}(?:max(?!\w){_WS}(?P<max>{_NUMBER}))?{_END}",
                _node,
            )
        ],
        "rule": [
            Form(rf"(?P<points>{_POINTS}){_WS}if(?!\w){_WS}{condition}{_END}", _when),
            Form(
                rf"(?P<points>{_POINTS}){_WS}for{_SP}each{_SP}of(?!\w){_WS}"
                rf"(?P<subject>{_VALUE}){_WS}{_CAP}{_END}",
                _each,
            ),
            Form(
                rf"(?P<points>{_POINTS}){_WS}per(?!\w){_WS}(?P<step>{_NUMBER}){_WS}of(?!\w)"
                rf"{_WS}(?P<quantity>{_EXPRESSION}){_WS}"
                rf"(?:,{_WS}(?P<partial>{_phrases(_PARTIAL)})(?!\w){_WS})?{_CAP}{_END}",
                _per,
            ),
        ],
        "multiply": [
            Form(
                rf"[*×]{_WS}(?P<factor>{_NUMBER}){_WS}if(?!\w){_WS}{condition}{_END}",
                _multiply,
            )
        ],
        "points": [
            Form(rf"points{_SP}by(?!\w){_WS}(?P<subject>{_EXPRESSION}){_WS}:{_END}", _table),
            Form(
                rf"points{_SP}by(?!\w){_WS}(?P<subject>{_EXPRESSION}){_WS}:{_WS}"
                rf"(?P<arms>{_ARM_SHAPE}(?:{_WS},{_WS}{_ARM_SHAPE})*+){_END}",
                _inline_table,
            ),
            Form(
                rf"points(?!\w){_WS}(?:=|＝){_WS}(?P<value>{_EXPRESSION}){_WS}{_CAP}{_END}",
                _formula,
            ),
        ],
        "arm": [
            Form(
                rf"(?P<band>(?P<op>{_CMP}){_WS}(?P<bound>{_SIGNED}){_WS}){_ARROW}{_WS}"
                rf"{_AMOUNT}{_END}",
                _band_arm,
            ),
            Form(rf"otherwise(?!\w){_WS}{_ARROW}{_WS}{_AMOUNT}{_END}", _word_arm),
            Form(rf"(?P<word>{_NAME}|{_STRING}){_WS}{_ARROW}{_WS}{_AMOUNT}{_END}", _word_arm),
        ],
        "grade": [
            Form(
                rf"grade(?!\w){_WS}(?P<name>{_IDENT}){_WS}"
                rf"(?:if(?!\w){_WS}{condition}|(?P<otherwise>otherwise(?!\w))){_END}",
                _grade,
            )
        ],
        "require": [
            Form(
                rf"require(?!\w){_WS}{condition}{_WS}(?P<message>{_STRING}){_END}",
                _require,
            )
        ],
        "let": [
            Form(
                rf"let(?!\w){_WS}(?P<name>{_NAME}){_WS}(?:(?P<description>{_STRING}){_WS})?"
                rf"(?:=|＝){_WS}{condition}{_WS}(?:unit(?!\w){_WS}(?P<unit>{_STRING}))?{_END}",
                _let,
            )
        ],
        "pool": [
            Form(
                rf"pool(?!\w){_WS}(?P<name>{_NAME}){_WS}(?:(?P<label>{_STRING}){_WS})?"
                rf"at{_SP}most(?!\w){_WS}(?P<cap>{_NUMBER}){_END}",
                _pool,
            )
        ],
        "at": [
            Form(
                rf"at{_SP}most(?!\w){_WS}(?P<cap>{_NUMBER}){_WS}if(?!\w){_WS}{condition}{_END}",
                _cap_if,
            )
        ],
        "start": [
            Form(
                rf"start{_SP}from(?!\w){_WS}"
                rf"(?:(?P<full>full{_SP}marks(?!\w))|(?P<amount>{_NUMBER})){_END}",
                _start,
            )
        ],
        "not": [
            Form(
                rf"not{_SP}applicable{_SP}if(?!\w){_WS}{condition}{_WS}"
                rf"(?:,{_WS}(?P<policy>{_phrases(_POLICIES)})(?!\w))?{_END}",
                _not_applicable,
            )
        ],
    }


# ---------------------------------------------------------------- what each form builds
#
# A statement ends where the full grammar stops reading it: after the spaces that follow its
# code when its last part is optional and absent (pyparsing skips them looking for it), at
# its last token otherwise.


def _span(found: re.Match[str], group: str | int = 0) -> Span:
    start, end = found.span(group)  # one look-up of the group, not one for each end
    return Span(start, end)


def _ends_at(found: re.Match[str], *groups: str) -> Span:
    """The statement's span: to the first of these groups that was read, else to its end."""
    for group in groups:
        if found.group(group) is not None:
            return Span(found.start(), found.end(group))
    return _span(found)


def _text(found: re.Match[str], group: str) -> str | None:
    text = found.group(group)
    return None if text is None else t.unquote(text)


def _number(found: re.Match[str], group: str) -> n.Number | None:
    text = found.group(group)
    return None if text is None else t.number(_span(found, group), text)


def _points(found: re.Match[str], group: str = "points") -> n.Number:
    return t.points(_span(found, group), found.group(group))


def _value(found: re.Match[str], group: str) -> Any:
    return t.value(_span(found, group), found.group(group))


def _expression(found: re.Match[str], group: str = "condition") -> Any:
    """The condition or expression in a group, folded as the full grammar folds it.

    None if it is not one: two comparisons, or two of 'short of' and 'over', side by side.
    """
    logic: list[Any] = []  # comparisons, and 'and' or 'or' between them
    compared: list[Any] = []  # expressions, and the comparison between them
    over: list[Any] = []  # terms, and 'short of' or 'over' between them
    term: list[Any] = []  # values, and arithmetic between them
    for part in _PARTS.finditer(found.string, found.start(group), found.end(group)):
        kind = part.lastgroup
        assert kind is not None, "every part is of a kind"
        text = part.group(kind)
        if kind == "value":
            term.append(t.value(_span(part, kind), text))
        elif kind == "arithmetic":
            term.append(text)
        elif kind == "over":
            if over:
                return None
            over = [t.fold_arithmetic(term), "over" if text == "over" else "short of"]
            term = []
        elif kind == "compare":
            if compared:
                return None
            compared = [t.fold_binary([*over, t.fold_arithmetic(term)]), t.op(text)]
            over, term = [], []
        else:
            logic += [_compare([*compared, t.fold_binary([*over, t.fold_arithmetic(term)])]), text]
            compared, over, term = [], [], []
    logic.append(_compare([*compared, t.fold_binary([*over, t.fold_arithmetic(term)])]))
    return t.fold_logic(logic)


def _compare(items: list[Any]) -> Any:
    if len(items) == 1:
        return items[0]
    left, operator, right = items
    return n.Compare(left.span + right.span, operator, left, right)


def _fact(found: re.Match[str]) -> n.FactDecl:
    constraints: tuple[n.Constraint, ...] = ()
    if found.group("bound") is not None:
        operand = _value(found, "operand")
        constraints = (n.Constraint(_span(found, "bound"), t.op(found.group("op")), operand),)
    optional = found.group("optional") is not None
    return n.FactDecl(
        _ends_at(found, "optional"),
        found.group("name"),
        _span(found, "name"),
        _type(found),
        constraints,
        _text(found, "description"),
        _text(found, "unit"),
        None,
        optional,
    )


def _type(found: re.Match[str]) -> n.TypeSpec:
    typed = found.group("type")
    kind = "level" if found.group("level") is not None else "set" if typed[:3] == "set" else typed
    listed = "level" if kind == "level" else "set"
    if found.group(listed) is None:
        # A bare 'set' ends after the spaces its missing 'of' was looked for past.
        end = found.end("after") if kind == "set" else found.end("type")
        return n.TypeSpec(Span(found.start("type"), end), kind, None)
    words = []
    for item in _ITEM.finditer(found.string, found.start(listed), found.end(listed)):
        label = item.group("label")
        end = item.end("label") if label is not None else item.end("space")
        words.append(n.Word(Span(item.start(), end), item.group("word"), _text(item, "label")))
    return n.TypeSpec(_span(found, "type"), kind, tuple(words))


def _node(found: re.Match[str]) -> n.NodeDecl:
    title = t.unquote(found.group("title"))
    kind, max_ = found.group("kind"), _number(found, "max")
    id_, id_span = found.group("id"), _span(found, "id")
    return n.NodeDecl(_span(found), kind, id_, id_span, title, max_, "base", None, None, None)


def _when(found: re.Match[str]) -> n.When | None:
    condition = _expression(found)
    return None if condition is None else n.When(_span(found), _points(found), condition)


def _each(found: re.Match[str]) -> n.Each:
    subject, cap = _value(found, "subject"), _number(found, "cap")
    return n.Each(_ends_at(found, "cap"), _points(found), subject, None, cap)


def _per(found: re.Match[str]) -> n.Per | None:
    partial = found.group("partial")
    reading = None if partial is None else _PARTIAL[" ".join(partial.split())]
    step, quantity = _number(found, "step"), _expression(found, "quantity")
    if step is None or quantity is None:
        return None
    cap = _number(found, "cap")
    return n.Per(_ends_at(found, "cap"), _points(found), step, quantity, reading, cap)


def _multiply(found: re.Match[str]) -> n.Multiply | None:
    factor, condition = _number(found, "factor"), _expression(found)
    if factor is None or condition is None:
        return None
    return n.Multiply(_span(found), factor, condition)


def _table(found: re.Match[str]) -> n.Table | None:
    subject = _expression(found, "subject")
    return None if subject is None else n.Table(_span(found), subject, ())


def _inline_table(found: re.Match[str]) -> n.Table | None:
    """`points by x: >= 90 -> 4, >= 60 and < 90 -> 2, otherwise -> 0`: the arms on its line."""
    subject = _expression(found, "subject")
    if subject is None:
        return None
    arms: list[n.Arm] = []
    at, end = found.start("arms"), found.end("arms")
    while True:
        arm = _ARM.match(found.string, at, end)
        assert arm is not None, "the form's pattern reads only arms"
        arms.append(_arm(arm, end))
        at = arm.end()
        separator = _SEPARATOR.match(found.string, at, end)
        if separator is None:
            break
        at = separator.end()
    return n.Table(_span(found), subject, tuple(arms))


def _arm(found: re.Match[str], arms_end: int) -> n.Arm:
    """One arm of a line of them; a band's arm reads to the spaces after its points, as the
    full grammar's does (it looks past them for linear points: 'to N')."""
    amount = _amount(found)
    if found.group("band") is not None:
        bounds = tuple(
            (t.op(bound.group("op")), _points(bound, "bound"))
            for bound in _BOUND.finditer(found.string, found.start("band"), found.end("band"))
        )
        end = found.end()
        while end < arms_end and found.string[end] in " \t\r":
            end += 1
        if end == arms_end:  # the last arm: the spaces before the comment are the line's
            end = found.end()
            while end < len(found.string) and found.string[end] in " \t\r":
                end += 1
        # One bound: the band reads on through the spaces looking for an 'and'; more: it ends
        # at the last, as the full grammar's repetition gives back what it did not read.
        band_end = found.end("band") if len(bounds) == 1 else bounds[-1][1].span.end
        band = n.Band(Span(found.start("band"), band_end), bounds)
        return n.Arm(Span(found.start(), end), band, None, amount, None)
    word = found.group("word")
    name = None
    if word is not None:
        name = n.Name(_span(found, "word"), t.unquote(word) if word[0] == '"' else word)
    return n.Arm(Span(found.start(), found.end("amount")), None, name, amount)


def _formula(found: re.Match[str]) -> n.Formula | None:
    value = _expression(found, "value")
    return (
        None if value is None else n.Formula(_ends_at(found, "cap"), value, _number(found, "cap"))
    )


def _band_arm(found: re.Match[str]) -> n.ArmLine:
    band = n.Band(_span(found, "band"), ((t.op(found.group("op")), _points(found, "bound")),))
    span = _span(found)  # the arm is the whole line: one span serves both
    return n.ArmLine(span, (n.Arm(span, band, None, _amount(found), None),))


def _word_arm(found: re.Match[str]) -> n.ArmLine:
    """`otherwise -> 0` or `national -> 2`: the arm ends at its points, the line after spaces."""
    word = found.groupdict().get("word")
    name = None
    if word is not None:
        name = n.Name(_span(found, "word"), t.unquote(word) if word[0] == '"' else word)
    arm = n.Arm(Span(found.start(), found.end("amount")), None, name, _amount(found))
    return n.ArmLine(_span(found), (arm,))


def _amount(found: re.Match[str]) -> n.Number:
    text = found.group("amount")
    read = t.number if text[0].isdigit() else t.points
    return read(_span(found, "amount"), text)


def _grade(found: re.Match[str]) -> n.Grade | None:
    if found.group("otherwise") is not None:
        return n.Grade(_ends_at(found, "otherwise"), found.group("name"), None)
    condition = _expression(found)
    return None if condition is None else n.Grade(_span(found), found.group("name"), condition)


def _require(found: re.Match[str]) -> n.Require | None:
    condition, message = _expression(found), t.unquote(found.group("message"))
    return None if condition is None else n.Require(_ends_at(found, "message"), condition, message)


def _let(found: re.Match[str]) -> n.Let | None:
    name, name_span = found.group("name"), _span(found, "name")
    description, unit = _text(found, "description"), _text(found, "unit")
    expr = _expression(found)
    if expr is None:
        return None
    return n.Let(_ends_at(found, "unit"), name, name_span, description, expr, unit)


def _pool(found: re.Match[str]) -> n.PoolDecl:
    cap = _number(found, "cap")
    assert cap is not None
    return n.PoolDecl(_ends_at(found, "cap"), found.group("name"), _text(found, "label"), cap)


def _start(found: re.Match[str]) -> n.Start:
    """`start from full marks` (no amount) or `start from N`: it ends at its last word."""
    return n.Start(_ends_at(found, "full", "amount"), _number(found, "amount"))


def _cap_if(found: re.Match[str]) -> n.CapIf | None:
    cap, condition = _number(found, "cap"), _expression(found)
    return None if cap is None or condition is None else n.CapIf(_span(found), cap, condition)


def _not_applicable(found: re.Match[str]) -> n.NotApplicable | None:
    condition, policy = _expression(found), found.group("policy")
    if condition is None:
        return None
    policy = None if policy is None else " ".join(policy.split())
    return n.NotApplicable(_ends_at(found, "policy"), condition, policy)
