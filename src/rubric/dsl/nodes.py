"""Syntax-tree nodes of the rubric DSL: frozen, typed, each with the span it was parsed from."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any, TypeAlias, TypeVar

import attrs

from rubric.dsl.source import Span


class _Node:
    """What every node shares: one `repr`, written once instead of generated for each class."""

    __slots__ = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _fields(type(self)) or ())
        return f"{type(self).__name__}({fields})"


# ---------------------------------------------------------------- expressions


@attrs.frozen(repr=False)
class Name(_Node):
    """A bare name: a fact, a value, a level word or a set item, resolved by the checker."""

    span: Span
    name: str


@attrs.frozen(repr=False)
class Number(_Node):
    """A decimal literal, kept exact, with the text it was written as."""

    span: Span
    value: Fraction
    text: str


@attrs.frozen(repr=False)
class Text(_Node):
    """A quoted string literal."""

    span: Span
    value: str


@attrs.frozen(repr=False)
class Negate(_Node):
    """Unary minus."""

    span: Span
    operand: Expr


@attrs.frozen(repr=False)
class Binary(_Node):
    """Arithmetic: `+ - * /`, and `short of` / `over` (a clamped difference)."""

    span: Span
    op: str
    left: Expr
    right: Expr


@attrs.frozen(repr=False)
class Compare(_Node):
    """A comparison `< <= > >= = !=`, or membership `in`."""

    span: Span
    op: str
    left: Expr
    right: Expr


@attrs.frozen(repr=False)
class Logic(_Node):
    """`and` / `or` over two or more conditions."""

    span: Span
    op: str
    operands: tuple[Expr, ...]


@attrs.frozen(repr=False)
class Not(_Node):
    """`not` of a condition."""

    span: Span
    operand: Expr


@attrs.frozen(repr=False)
class SizeOf(_Node):
    """`number of SET`: how many items a set holds."""

    span: Span
    operand: Expr


@attrs.frozen(repr=False)
class CountOf(_Node):
    """`number of [C1, C2, …]`: how many of the conditions hold."""

    span: Span
    items: tuple[Expr, ...]


@attrs.frozen(repr=False)
class Call(_Node):
    """`max(a, b, …)`, `min(a, b, …)` or `abs(x)`: a function of numbers."""

    span: Span
    function: str
    args: tuple[Expr, ...]


@attrs.frozen(repr=False)
class ScoreOf(_Node):
    """`score of ID`: a group's or an indicator's score, read where the tree is scored."""

    span: Span
    id: str


@attrs.frozen(repr=False)
class CohortOf(_Node):
    """`rank of X`, `highest of X`, `top 20% of X`, …: a figure of a fact across the units."""

    span: Span
    # rank, rank ascending, highest, lowest, average, median or top
    figure: str
    operand: Name
    share: Number | None = None  # the N of `top N%`


Expr: TypeAlias = (
    Name
    | Number
    | Text
    | Negate
    | Binary
    | Compare
    | Logic
    | Not
    | SizeOf
    | CountOf
    | Call
    | ScoreOf
    | CohortOf
)

# ---------------------------------------------------------------- header and declarations


@attrs.frozen(repr=False)
class Header(_Node):
    """`rubric ID "title" max N`: the rubric's identity and its total points."""

    span: Span
    id: str
    title: str
    max: Number | None


@attrs.frozen(repr=False)
class Version(_Node):
    """`version "text"`."""

    span: Span
    text: str


@attrs.frozen(repr=False)
class Rounding(_Node):
    """`round indicators|total to N places MODE`."""

    span: Span
    scope: str
    places: int
    mode: str


@attrs.frozen(repr=False)
class Grade(_Node):
    """`grade NAME if CONDITION` or `grade NAME otherwise`."""

    span: Span
    name: str
    condition: Expr | None


@attrs.frozen(repr=False)
class Word(_Node):
    """A level word or an allowed set item, with an optional display label."""

    span: Span
    name: str
    label: str | None


@attrs.frozen(repr=False)
class TypeSpec(_Node):
    """A fact's type: bool, count, number, `level {…}`, `set` or `set of {…}`."""

    span: Span
    kind: str
    words: tuple[Word, ...] | None


@attrs.frozen(repr=False)
class Constraint(_Node):
    """A bound on a fact: `>= 1`, `<= other_fact`."""

    span: Span
    op: str
    operand: Expr


@attrs.frozen(repr=False)
class FactDecl(_Node):
    """`fact NAME: TYPE [constraints] [in steps of K] ["description"] [unit "u"] [optional]`."""

    span: Span
    name: str
    name_span: Span
    type: TypeSpec
    constraints: tuple[Constraint, ...]
    description: str | None
    unit: str | None
    step: Number | None = None
    optional: bool = False
    field: bool = False  # `field NAME: …`: a unit field, such as its 类别, read as a fact


@attrs.frozen(repr=False)
class Require(_Node):
    """`require CONDITION "message"`: a condition every facts file must meet."""

    span: Span
    condition: Expr
    message: str


@attrs.frozen(repr=False)
class Let(_Node):
    """`let NAME ["description"] = EXPR [unit "u"]`: a named intermediate value."""

    span: Span
    name: str
    name_span: Span
    description: str | None
    expr: Expr
    unit: str | None


# ---------------------------------------------------------------- rules


@attrs.frozen(repr=False)
class Start(_Node):
    """`start from full marks` or `start from N`: the points an indicator starts with."""

    span: Span
    amount: Number | None


@attrs.frozen(repr=False)
class When(_Node):
    """`+K if CONDITION`: K points when the condition holds."""

    span: Span
    points: Number
    condition: Expr


@attrs.frozen(repr=False)
class Each(_Node):
    """`+K for each of SET` or `+K for each of [C1, C2, …]`, optionally `, at most N`.

    With a condition (`+K for each of SET if C`), the rule gives nothing where C does not hold.
    """

    span: Span
    points: Number
    subject: Expr | None
    items: tuple[Expr, ...] | None
    cap: Number | None
    condition: Expr | None = None


@attrs.frozen(repr=False)
class Per(_Node):
    """`±K per STEP of QUANTITY [if C][, reading][, at most N]`: points per step of a quantity."""

    span: Span
    points: Number
    step: Number
    quantity: Expr
    partial: str | None
    cap: Number | None
    condition: Expr | None = None


@attrs.frozen(repr=False)
class Band(_Node):
    """One or two bounds a value must meet, such as `<= 20` or `>= 80 and < 90`."""

    span: Span
    bounds: tuple[tuple[str, Number], ...]


@attrs.frozen(repr=False)
class Arm(_Node):
    """One row of a `points by` table: a band, a level word, or `otherwise`, and its points.

    With `end`, the points run linearly from `points` at the band's lower bound to `end` at
    its upper bound.
    """

    span: Span
    band: Band | None
    word: Name | None
    points: Number
    end: Number | None = None


@attrs.frozen(repr=False)
class Table(_Node):
    """`points by EXPR [if C]:` followed by arms: tiers of a number or points by level."""

    span: Span
    subject: Expr
    arms: tuple[Arm, ...]
    condition: Expr | None = None


@attrs.frozen(repr=False)
class Formula(_Node):
    """`points = EXPR [if C][, at most N]`: points computed from the facts, such as a ratio × 10."""

    span: Span
    value: Expr
    cap: Number | None
    condition: Expr | None = None


@attrs.frozen(repr=False)
class Adjust(_Node):
    """`adjust by NAME`: a manual adjustment fact's points, shown with its reason."""

    span: Span
    name: Name


Rule: TypeAlias = Start | When | Each | Per | Table | Formula | Adjust
# The rules that may carry a condition (`… if C`): where it does not hold they give nothing.
Guardable: TypeAlias = Each | Per | Table | Formula


@attrs.frozen(repr=False)
class Multiply(_Node):
    """`× K if CONDITION`: the node's score times K when the condition holds."""

    span: Span
    factor: Number
    condition: Expr


@attrs.frozen(repr=False)
class CapIf(_Node):
    """`at most N if CONDITION`: the node's score is at most N when the condition holds.

    Without a condition (`at most N`), the score is always at most N.
    """

    span: Span
    cap: Number
    condition: Expr | None


@attrs.frozen(repr=False)
class NotApplicable(_Node):
    """`not applicable if CONDITION[, policy]`: the node does not apply to some units."""

    span: Span
    condition: Expr
    policy: str | None


Clause: TypeAlias = Multiply | CapIf | NotApplicable


@attrs.frozen(repr=False)
class AllowNegative(_Node):
    """`allow negative total`: deductions may take the total below 0."""

    span: Span


@attrs.frozen(repr=False)
class RankBy(_Node):
    """`rank units by total, then ID, then ID`: how units with equal totals are ordered."""

    span: Span
    ids: tuple[str, ...]
    spans: tuple[Span, ...]


@attrs.frozen(repr=False)
class CohortName(_Node):
    """`cohort "全省"`: what explanations call the units cohort figures are taken over."""

    span: Span
    name: str


# ---------------------------------------------------------------- sections


@attrs.frozen(repr=False)
class NodeDecl(_Node):
    """The line opening a group or an indicator: `group ID "title" max N[, mode]`."""

    span: Span
    kind: str
    id: str
    id_span: Span
    title: str
    max: Number | None
    role: str
    weight: Number | None
    mode: str | None
    mode_span: Span | None


@attrs.frozen(repr=False)
class PoolDecl(_Node):
    """The line opening a pool: `pool NAME ["label"] at most N`."""

    span: Span
    name: str
    label: str | None
    cap: Number


@attrs.frozen(repr=False)
class ExtraDecl(_Node):
    """The line opening an item's own bonus or deductions: `bonus ["label"] at most N`."""

    span: Span
    role: str  # bonus or deductions
    label: str | None
    cap: Number


@attrs.frozen(repr=False)
class ArmLine(_Node):
    """A line holding more arms of the `points by` table above it."""

    span: Span
    arms: tuple[Arm, ...]


Statement: TypeAlias = (
    Header
    | Version
    | Rounding
    | Grade
    | FactDecl
    | Require
    | Let
    | NodeDecl
    | PoolDecl
    | ExtraDecl
    | ArmLine
    | Start
    | When
    | Each
    | Per
    | Table
    | Formula
    | Adjust
    | Multiply
    | CapIf
    | NotApplicable
    | AllowNegative
    | RankBy
    | CohortName
)


@attrs.frozen(repr=False)
class Pool(_Node):
    """Rules whose points together are capped: `pool NAME at most N` and the rules under it."""

    span: Span
    name: str
    label: str | None
    cap: Number
    rules: tuple[Rule, ...]


@attrs.frozen(repr=False)
class Extra(_Node):
    """An indicator's own bonus or deductions: `bonus at most N` and the rules under it.

    What they give (or take) is added once the indicator's rules are held to [0, max].
    """

    span: Span
    role: str  # bonus or deductions
    label: str | None
    cap: Number
    rules: tuple[Rule, ...]


@attrs.frozen(repr=False)
class Group(_Node):
    """A group of indicators or of other groups, and the clauses on its score."""

    span: Span
    id: str
    id_span: Span
    title: str
    max: Number | None
    role: str = "base"
    weight: Number | None = None
    mode: str | None = None
    mode_span: Span | None = None
    clauses: tuple[Clause, ...] = ()


@attrs.frozen(repr=False)
class Indicator(_Node):
    """An indicator: its own values, its rules, and its pools."""

    span: Span
    id: str
    id_span: Span
    title: str
    max: Number | None
    lets: tuple[Let, ...]
    rules: tuple[Rule, ...]
    pools: tuple[Pool, ...]
    role: str = "base"
    weight: Number | None = None
    clauses: tuple[Clause, ...] = ()
    extras: tuple[Extra, ...] = ()  # its own bonus and deductions, in the order written


@attrs.frozen(repr=False)
class Document(_Node):
    """A whole `.rub` file: header, facts, global values, and groups and indicators in order."""

    span: Span
    header: Header | None
    version: Version | None
    rounding: Rounding | None
    grades: tuple[Grade, ...]
    facts: tuple[FactDecl, ...]
    requires: tuple[Require, ...]
    lets: tuple[Let, ...]
    nodes: tuple[Group | Indicator, ...]
    clauses: tuple[Clause, ...] = ()
    negative_total: bool = False
    ranking: RankBy | None = None
    cohort: CohortName | None = None


_N = TypeVar("_N", bound=_Node)


def replace(node: _N, **changes: Any) -> _N:
    """`attrs.evolve` for syntax nodes: the node with some fields changed, or the node itself
    where each change is the very value it holds already (or a tuple of the very items).

    The checker hands back every node with its parts checked, and most parts come back as they
    were: a frozen node may be shared, and rebuilding each one with attrs.evolve (which looks
    the class's fields up on every call) was a fifth of the check.
    """
    for name, value in changes.items():
        old = getattr(node, name)
        if old is not value and not _same_items(old, value):
            break
    else:
        return node
    cls: Any = type(node)
    names = _fields(cls)
    assert names is not None, "only attrs classes are nodes"
    rebuilt: _N = cls(
        *[changes[name] if name in changes else getattr(node, name) for name in names]
    )
    return rebuilt


def _same_items(old: object, new: object) -> bool:
    """Whether two tuples hold the same objects: the checker rebuilds the tuples of parts it
    hands back unchanged."""
    if type(old) is not tuple or type(new) is not tuple or len(old) != len(new):
        return False
    return all(a is b for a, b in zip(old, new, strict=True))


def walk(node: Any) -> Iterator[Any]:
    """Every node in a tree, parents first, without recursion: trees may be deep."""
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is tuple:
            stack.extend(reversed(item))
        elif (names := child_fields(type(item))) is not None:
            yield item
            if names:  # most nodes are leaves: names and numbers
                stack.extend(reversed([getattr(item, name) for name in names]))


def depth(node: Any) -> int:
    """How deep a tree goes, counting nodes only (not spans), found without recursion."""
    deepest, stack = 0, [(node, 0)]
    while stack:
        item, level = stack.pop()
        if type(item) is tuple:
            stack.extend((child, level) for child in item)
        elif (names := child_fields(type(item))) is not None:
            deepest = max(deepest, level + 1)
            if names:
                stack.extend([(getattr(item, name), level + 1) for name in names])
    return deepest


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _fields(cls: type) -> tuple[str, ...] | None:
    """The names of an attrs class's fields, looked up once per class; None for other types."""
    try:
        return _FIELDS[cls]
    except KeyError:
        names = tuple(f.name for f in attrs.fields(cls)) if attrs.has(cls) else None
        _FIELDS[cls] = names
        return names


# The types of fields that never hold a node: walks need not look into them. A span is no
# node, and its own fields are numbers.
_LEAVES = frozenset(
    {
        *("Span", "Span | None", "tuple[Span, ...]"),
        *("str", "str | None", "tuple[str, ...]", "int", "bool", "Fraction"),
    }
)
_CHILDREN: dict[type, tuple[str, ...] | None] = {}


def child_fields(cls: type) -> tuple[str, ...] | None:
    """The fields of a kind of node that may hold other nodes, found once per kind; None for
    what is not a node (spans, texts, numbers). Every walk over a tree reads this one table."""
    try:
        return _CHILDREN[cls]
    except KeyError:
        names = None
        if attrs.has(cls) and cls is not Span:
            names = tuple(f.name for f in attrs.fields(cls) if f.type not in _LEAVES)
        _CHILDREN[cls] = names
        return names
