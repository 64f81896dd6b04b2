"""The pyparsing grammar of one line of a `.rub` file; parse actions only build nodes."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pyparsing as pp

from rubric.dsl import nodes as n
from rubric.dsl.source import Span

__all__ = ["BY_KEYWORD", "KEYWORDS", "statement"]

# Words that open a statement; the parser's messages list them.
KEYWORDS = (
    "rubric",
    "version",
    "round",
    "grade",
    "fact",
    "require",
    "let",
    "group",
    "indicator",
    "pool",
    "start",
    "points",
    "at",
    "not",
    "adjust",
    "allow",
)

# Words that can never be a name, because an expression could read them as an operator.
RESERVED = ("and", "or", "not", "in", "if", "of", "per", "for", "at", "short", "over", "otherwise")

# Unicode operators as they appear in printed tables, with their ASCII spelling.
OPERATORS = {
    "≤": "<=",
    "≥": ">=",
    "≦": "<=",
    "≧": ">=",
    "＜": "<",
    "＞": ">",
    "≠": "!=",
    "×": "*",
    "÷": "/",
    "→": "->",
    "＝": "=",
}

_IDENT = r"[^\W\d]\w*"


def kw(words: str) -> pp.ParserElement:
    """A keyword phrase such as `at most`: whole words, any spacing between them."""
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    return pp.Regex(pattern + r"(?!\w)").set_name(f"'{words}'").suppress()


def phrases(words: dict[str, str], name: str) -> pp.ParserElement:
    """One of several keyword phrases, each read as the value it stands for."""
    choices = [kw(phrase).add_parse_action(_constant(value)) for phrase, value in words.items()]
    return pp.MatchFirst(choices).set_name(name)


def _constant(value: str) -> Callable[[], str]:
    # No parameters: pyparsing would pass the tokens to any the action takes.
    return lambda: value


def _located(expr: pp.ParserElement, build: Callable[..., Any]) -> pp.ParserElement:
    """Wrap expr so that build receives the span it matched followed by its tokens."""

    def action(t: pp.ParseResults) -> Any:
        start, tokens, end = t[0], t[1], t[2]
        return build(Span(start, end), *tokens)

    return pp.Located(expr).add_parse_action(action)


def _terminal(pattern: str, name: str, build: Callable[[Span, str], Any]) -> pp.ParserElement:
    """A regex token whose parse action builds a node from its span and text."""

    def action(s: str, loc: int, t: pp.ParseResults) -> Any:
        text: str = t[0]
        return build(Span(loc, loc + len(text)), text)

    return pp.Regex(pattern).set_name(name).add_parse_action(action)


def _number(span: Span, text: str) -> n.Number:
    return n.Number(span, Fraction(Decimal(text)), text)


def _points(span: Span, text: str) -> n.Number:
    compact = text.replace(" ", "").replace("\t", "")
    return n.Number(span, Fraction(Decimal(compact)), compact)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _op(text: str) -> str:
    return OPERATORS.get(text, text)


# ---------------------------------------------------------------- tokens

_NAME = "(?!(?:" + "|".join(RESERVED) + r")(?!\w))" + _IDENT
NAME = pp.Regex(_NAME).set_name("a name")
NAME_NODE = _terminal(_NAME, "a name", lambda s, t: n.Name(s, t))
DOTTED_ID = pp.Regex(_IDENT + r"(?:\." + _IDENT + r")*").set_name("an id such as input.setup")
NUMBER = _terminal(r"\d+(?:\.\d+)?", "a number", _number)
POINTS = _terminal(r"[+-][ \t]*\d+(?:\.\d+)?", "points such as +2 or -0.5", _points)
STRING = pp.Regex(r'"(?:[^"\\\n]|\\.)*"').set_name('a quoted text such as "标题"')
STRING.add_parse_action(lambda t: _unquote(t[0]))
TEXT_NODE = _terminal(r'"(?:[^"\\\n]|\\.)*"', "a quoted text", lambda s, t: n.Text(s, _unquote(t)))
INTEGER = pp.Regex(r"\d+").set_name("a whole number").add_parse_action(lambda t: int(t[0]))

CMP_OP = pp.Regex(r"<=|>=|!=|≤|≥|≦|≧|≠|<|>|＜|＞|=|＝").set_name("a comparison such as <= or >=")
CMP_OP.add_parse_action(lambda t: _op(t[0]))
ARROW = pp.Regex(r"->|→").set_name("'->'").suppress()
COLON = pp.Literal(":").set_name("':'").suppress()
COMMA = pp.Literal(",").set_name("','").suppress()
LPAR, RPAR = pp.Literal("(").suppress(), pp.Literal(")").set_name("')'").suppress()
LBRACK, RBRACK = pp.Literal("[").suppress(), pp.Literal("]").set_name("']'").suppress()
LBRACE, RBRACE = pp.Literal("{").suppress(), pp.Literal("}").set_name("'}'").suppress()
COMMENT = pp.Regex(r"#.*").set_name("a comment")

# ---------------------------------------------------------------- expressions


def _fold_binary(t: pp.ParseResults) -> Any:
    items = list(t)
    left = items[0]
    for op, right in zip(items[1::2], items[2::2], strict=True):
        left = n.Binary(left.span + right.span, _op(op), left, right)
    return left


def _fold_logic(op: str) -> Callable[[pp.ParseResults], Any]:
    def action(t: pp.ParseResults) -> Any:
        items = list(t)
        if len(items) == 1:
            return items[0]
        return n.Logic(items[0].span + items[-1].span, op, tuple(items))

    return action


def _compare(t: pp.ParseResults) -> Any:
    if len(t) == 1:
        return t[0]
    left, op, right = t
    return n.Compare(left.span + right.span, op, left, right)


expr = pp.Forward()
expr.set_name("an expression")
condition = pp.Forward()
condition.set_name("a condition")

_atom = pp.Forward()
_size_of = _located(kw("number of") - _atom, lambda s, x: n.SizeOf(s, x))
_score_of = _located(
    kw("score of")
    - pp.Regex(_IDENT + r"(?:\." + _IDENT + r")*").set_name("an id such as input.setup"),
    lambda s, id_: n.ScoreOf(s, id_),
)
_atom <<= (
    NUMBER | TEXT_NODE | _size_of | _score_of | NAME_NODE | (LPAR - condition - RPAR)
).set_name("a number, a name or '('")
_unary = pp.Forward()
_unary <<= (
    _located(pp.Literal("-").suppress() + _unary, lambda s, x: n.Negate(s, x)) | _atom
).set_name("a number, a name or '('")
_MUL = pp.Regex(r"[*/×÷]").set_name("'*' or '/'")
_ADD = pp.Regex(r"[+-]").set_name("'+' or '-'")
_product = (_unary + pp.ZeroOrMore(_MUL + _unary)).add_parse_action(_fold_binary)
_sum = (_product + pp.ZeroOrMore(_ADD + _product)).add_parse_action(_fold_binary)
_DIFF = (pp.Regex(r"short(?!\w)\s+of(?!\w)").add_parse_action(lambda: "short of")) | pp.Regex(
    r"over(?!\w)"
)
_difference = (_sum + pp.Opt(_DIFF.set_name("'short of' or 'over'") - _sum)).add_parse_action(
    _fold_binary
)
expr <<= _difference

_IN = pp.Regex(r"in(?!\w)").add_parse_action(lambda: "in")
_comparison = (
    (expr + pp.Opt((CMP_OP | _IN) - expr)).add_parse_action(_compare).set_name("a condition")
)
_negation = pp.Forward()
_negation <<= (_located(kw("not") - _negation, lambda s, x: n.Not(s, x)) | _comparison).set_name(
    "a condition"
)
_conjunction = (_negation + pp.ZeroOrMore(kw("and") - _negation)).add_parse_action(
    _fold_logic("and")
)
condition <<= (_conjunction + pp.ZeroOrMore(kw("or") - _conjunction)).add_parse_action(
    _fold_logic("or")
)

# ---------------------------------------------------------------- header and declarations

_description = pp.Opt(STRING, default=None)
_unit = pp.Opt(kw("unit") - STRING, default=None)
_max = kw("max") - NUMBER

header = _located(
    kw("rubric")
    - pp.Regex(_IDENT).set_name("an id such as anhui_2019")
    - STRING
    - pp.Opt(_max, default=None),
    lambda s, id_, title, max_: n.Header(s, id_, title, max_),
)
version = _located(kw("version") - STRING, lambda s, text: n.Version(s, text))
_MODE = pp.Regex(r"half\s+up|half\s+even|down|up").set_name("half up, half even, down or up")
_MODE.add_parse_action(lambda t: " ".join(t[0].split()))
_SCOPE = pp.Regex(r"indicators|total").set_name("'indicators' or 'total'")
rounding = _located(
    kw("round")
    - _SCOPE
    - kw("to")
    - INTEGER
    - pp.Regex(r"places?(?!\w)").set_name("'places'").suppress()
    - _MODE,
    lambda s, scope, places, mode: n.Rounding(s, scope, places, mode),
)
_GRADE_NAME = pp.Regex(_IDENT).set_name("a grade name such as 优秀")
grade = _located(
    kw("grade")
    - _GRADE_NAME
    - ((kw("if") - condition) | kw("otherwise").add_parse_action(lambda: [None])).set_name(
        "'if' or 'otherwise'"
    ),
    lambda s, name, cond: n.Grade(s, name, cond),
)

_word = _located(
    pp.Regex(_IDENT).set_name("a word") + _description,
    lambda s, name, label: n.Word(s, name, label),
)
_words = pp.Group(LBRACE - pp.DelimitedList(_word) - RBRACE)
_level_type = _located(kw("level") - _words, lambda s, words: n.TypeSpec(s, "level", tuple(words)))
_set_type = _located(
    kw("set") + pp.Opt(kw("of") - _words, default=None),
    lambda s, words: n.TypeSpec(s, "set", None if words is None else tuple(words)),
)
_simple_type = _located(
    pp.Regex(r"(?:bool|count|number|adjustment)(?!\w)").set_name(
        "bool, count, number or adjustment"
    ),
    lambda s, kind: n.TypeSpec(s, kind, None),
)
_type = (_simple_type | _level_type | _set_type).set_name(
    "a type: bool, count, number, level, set or adjustment"
)
_bound = _located(CMP_OP - expr, lambda s, op, operand: n.Constraint(s, op, operand))
_constraints = pp.Group(pp.Opt(_bound + pp.ZeroOrMore(kw("and") - _bound)))
_fact_name = _located(NAME, lambda s, name: (name, s))
_steps = pp.Opt(kw("in steps of") - NUMBER, default=None)
_optional = pp.Opt(kw("optional").add_parse_action(lambda: True), default=False)
fact = _located(
    kw("fact")
    - _fact_name
    - COLON
    - _type
    - _constraints
    - _steps
    - _description
    - _unit
    - _optional,
    lambda s, name, type_, constraints, step, desc, unit, optional: n.FactDecl(
        s, name[0], name[1], type_, tuple(constraints), desc, unit, step, optional
    ),
)
require = _located(kw("require") - condition - STRING, lambda s, c, m: n.Require(s, c, m))
let = _located(
    kw("let")
    - _fact_name
    - _description
    - pp.Regex("=|＝").set_name("'='").suppress()
    - condition
    - _unit,
    lambda s, name, desc, value, unit: n.Let(s, name[0], name[1], desc, value, unit),
)

# ---------------------------------------------------------------- sections

_node_id = _located(DOTTED_ID, lambda s, id_: (id_, s))
_at_most = pp.Opt(kw("at most") - NUMBER, default=None)
_measure = pp.Opt(
    _located(kw("max") - NUMBER, lambda s, max_: ("base", max_))
    | _located(kw("bonus") - _at_most, lambda s, cap: ("bonus", cap))
    | _located(kw("deductions") - _at_most, lambda s, cap: ("deductions", cap)),
    default=("base", None),
).set_name("'max N', 'bonus' or 'deductions'")
# Weights are relative, so "weight 30%" and "weight 30" mean the same.
_weight = pp.Opt(kw("weight") - NUMBER + pp.Opt(pp.Literal("%").suppress()), default=None)
_MODES = pp.Regex(r"scaled|weighted|best\s+of|one\s+of").set_name(
    "scaled, weighted, best of or one of"
)
_MODES.add_parse_action(lambda t: " ".join(t[0].split()))
_mode = pp.Opt(
    COMMA - _located(_MODES + pp.Regex(r"(?!\w)").suppress(), lambda s, mode: (mode, s)),
    default=None,
)
group = _located(
    pp.Regex(r"(?:group|indicator)(?!\w)") - _node_id - STRING - _measure - _weight - _mode,
    lambda s, kind, id_, title, measure, weight, mode: n.NodeDecl(
        s,
        kind,
        id_[0],
        id_[1],
        title,
        measure[1],
        measure[0],
        weight,
        None if mode is None else mode[0],
        None if mode is None else mode[1],
    ),
)
allow_negative = _located(kw("allow negative total"), lambda s: n.AllowNegative(s))
pool = _located(
    kw("pool") - NAME - _description - kw("at most") - NUMBER,
    lambda s, name, label, cap: n.PoolDecl(s, name, label, cap),
)

# ---------------------------------------------------------------- rules

_cap = pp.Opt(COMMA + kw("at most") - NUMBER, default=None)
start = _located(
    kw("start from") - (kw("full marks").add_parse_action(lambda: [None]) | NUMBER),
    lambda s, amount: n.Start(s, amount),
)
_when = _located(POINTS + kw("if") - condition, lambda s, p, c: n.When(s, p, c))
_items = pp.Group(LBRACK - pp.DelimitedList(condition) - RBRACK)
_each = _located(
    POINTS + kw("for each of") - (_items | expr) - _cap,
    lambda s, p, subject, cap: n.Each(
        s,
        p,
        None if isinstance(subject, pp.ParseResults) else subject,
        tuple(subject) if isinstance(subject, pp.ParseResults) else None,
        cap,
    ),
)
_PARTIAL = phrases(
    {
        "proportionally": "proportional",
        "whole steps only": "whole",
        "any part counts as a step": "any",
    },
    "'proportionally', 'whole steps only' or 'any part counts as a step'",
)
_per = _located(
    POINTS + kw("per") - NUMBER - kw("of") - expr - pp.Opt(COMMA + _PARTIAL, default=None) - _cap,
    lambda s, p, step, quantity, partial, cap: n.Per(s, p, step, quantity, partial, cap),
)
_points_rule = (_when | _each | _per).set_name("'if', 'for each of' or 'per' after the points")
formula = _located(
    kw("points") + pp.Regex("=|＝").suppress() - expr - _cap,
    lambda s, value, cap: n.Formula(s, value, cap),
)
multiply = _located(
    pp.Regex(r"[*×]").suppress() - NUMBER - kw("if") - condition,
    lambda s, factor, cond: n.Multiply(s, factor, cond),
)
cap_if = _located(
    kw("at most") - NUMBER - kw("if") - condition, lambda s, cap, cond: n.CapIf(s, cap, cond)
)
_POLICIES = ("full marks", "rescale the total", "redistribute to siblings")
_POLICY = phrases(
    {policy: policy for policy in _POLICIES},
    "'full marks', 'rescale the total' or 'redistribute to siblings'",
)
not_applicable = _located(
    kw("not applicable if") - condition - pp.Opt(COMMA - _POLICY, default=None),
    lambda s, cond, policy: n.NotApplicable(s, cond, policy),
)
adjust = _located(kw("adjust by") - NAME_NODE, lambda s, name: n.Adjust(s, name))

SIGNED = _terminal(r"[+-]?[ \t]*\d+(?:\.\d+)?", "a number", _points)
_band = _located(
    pp.Group(CMP_OP - SIGNED) + pp.ZeroOrMore(kw("and") - pp.Group(CMP_OP - SIGNED)),
    lambda s, *bounds: n.Band(s, tuple((op, num) for op, num in bounds)),
)
_linear = pp.Opt(kw("to") - SIGNED, default=None)
_arm = (
    _located(
        _band - ARROW - (POINTS | NUMBER) - _linear,
        lambda s, b, p, end: n.Arm(s, b, None, p, end),
    )
    | _located(kw("otherwise") - ARROW - (POINTS | NUMBER), lambda s, p: n.Arm(s, None, None, p))
    | _located(
        (NAME_NODE | TEXT_NODE) + ARROW - (POINTS | NUMBER),
        lambda s, w, p: n.Arm(s, None, w if isinstance(w, n.Name) else n.Name(w.span, w.value), p),
    )
).set_name("an arm such as '<= 20 -> 4', 'national -> 2' or 'otherwise -> 0'")
_arms = pp.Group(pp.Opt(pp.DelimitedList(_arm, allow_trailing_delim=True)))
table = _located(
    kw("points by") - expr - COLON - _arms,
    lambda s, subject, arms: n.Table(s, subject, tuple(arms)),
)
arm_line = _located(
    pp.DelimitedList(_arm, allow_trailing_delim=True), lambda s, *arms: n.ArmLine(s, arms)
)

statement = (
    # An arm comes first: its level word may be a statement's keyword, as in `group -> 2`.
    arm_line
    | header
    | version
    | rounding
    | grade
    | fact
    | require
    | let
    | group
    | pool
    | start
    | formula
    | table
    | _points_rule
    | multiply
    | cap_if
    | not_applicable
    | adjust
    | allow_negative
).set_name("a statement")
# The statement each keyword opens: a line that fails is read again by its own statement alone,
# so that its error is the one that statement gives, not another's that got further.
BY_KEYWORD: dict[str, pp.ParserElement] = {
    "rubric": header,
    "version": version,
    "round": rounding,
    "grade": grade,
    "fact": fact,
    "require": require,
    "let": let,
    "group": group,
    "indicator": group,
    "pool": pool,
    "start": start,
    "points": formula | table,
    "at": cap_if,
    "not": not_applicable,
    "adjust": adjust,
    "allow": allow_negative,
}
for _element in (statement, *BY_KEYWORD.values()):
    _element.ignore(COMMENT)
    # Offsets must count a tab as one character, as the source's line and column do.
    _element.parse_with_tabs()
