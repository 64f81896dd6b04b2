"""The generated scorer: the plan to one straight-line Python function, built as `ast` nodes.

The function takes one unit's facts, checks them, and returns every node's exact score and the
grade, in integer arithmetic: a number is a numerator and a denominator, the denominator a
constant the compiler knows wherever it can be, so that most rules cost an integer addition.
It computes no explanation; it raises `Slow` wherever the interpreter would raise, or where the
facts are not yet in the canonical form validation gives them (then the caller validates,
normalises and calls again, or lets the interpreter report the problem).

How it is built, as jinja2 and `dataclasses` build code: only `ast` nodes made here; every text
or number from a rubric or facts file enters as an `ast.Constant`; every name is one this module
made up; nothing is formatted into source text; the tree is compiled with the built-in
`compile` and run once, to define the function, in a namespace holding only this module's
helpers.
"""

from __future__ import annotations

import ast
import math
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, assert_never, cast

import attrs

from rubric import _plan as p
from rubric._cohort import rank_in
from rubric._facts import Bound, FactSpec, ten_to
from rubric._values import Adjustment

__all__ = ["Slow", "generate"]


class Slow(Exception):  # noqa: N818 - a signal to take the slow path, not an error
    """The generated scorer cannot score these facts as given: validate and interpret them."""


_MISSING = object()  # an optional fact left out
_FAILED = object()  # a value that could not be worked out: raise Slow where it is used
_SIZE_BITS = 63  # the bits of any set's size: no set in memory has 2**63 items

# ---------------------------------------------------------------- helpers the code calls


def _set_of(raw: object, allowed: frozenset[str] | None) -> frozenset[str]:
    """A set fact as validation gives it, or Slow."""
    if raw.__class__ is frozenset:
        items = raw
    elif isinstance(raw, list | tuple | set | frozenset):
        items = frozenset(raw)
        if len(items) != len(raw):
            raise Slow
    else:
        raise Slow
    for item in items:
        if item.__class__ is not str or not item:
            raise Slow
    if allowed is not None and not items <= allowed:
        raise Slow
    return cast(frozenset[str], items)


def _number(raw: object, top: int) -> Fraction:
    """A number fact as validation gives it (a Fraction within the digit limit), or Slow."""
    if raw.__class__ is Fraction:
        value = raw
    elif raw.__class__ is int:
        value = Fraction(raw)
    else:
        raise Slow
    # Validation refuses numbers this long by name: let it.
    if -top < value.numerator < top and value.denominator < top:
        return value
    raise Slow


def _adjustment(raw: object, top: int) -> Adjustment:
    """An adjustment fact as validation gives it, or Slow: points a Fraction within the digit
    limit, a reason already stripped, and one given for any points but 0."""
    if raw.__class__ is not Adjustment:
        raise Slow
    adjustment = raw
    points, reason = adjustment.points, adjustment.reason
    if points.__class__ is not Fraction or reason.__class__ is not str:
        raise Slow
    if not (-top < points.numerator < top and points.denominator < top):
        raise Slow
    if reason != reason.strip() or (points and not reason):
        raise Slow
    return adjustment


def _rank(values: tuple[int | Fraction, ...], n: int, d: int, ascending: bool) -> int:
    """A value's rank among a cohort's values (lowest first), as the interpreter ranks it."""
    return rank_in(values, n if d == 1 else Fraction(n, d), ascending=ascending)


def _half_up(s: int, d: int) -> int:
    """s/d rounded half away from zero, for d > 0."""
    return (2 * s + d) // (2 * d) if s >= 0 else -((-2 * s + d) // (2 * d))


def _half_even(s: int, d: int) -> int:
    q, r = divmod(abs(s), d)
    q += 2 * r > d or (2 * r == d and q % 2 == 1)
    return q if s >= 0 else -q


def _down(s: int, d: int) -> int:
    q = abs(s) // d
    return q if s >= 0 else -q


def _up(s: int, d: int) -> int:
    q = -(-abs(s) // d)
    return q if s >= 0 else -q


_ROUNDERS: dict[p.Mode, Callable[[int, int], int]] = {
    "half up": _half_up,
    "half even": _half_even,
    "down": _down,
    "up": _up,
}

_HELPERS: dict[str, object] = {
    "_Slow": Slow,
    "_MISSING": _MISSING,
    "_FAILED": _FAILED,
    "_set_of": _set_of,
    "_number": _number,
    "_adjustment": _adjustment,
    "_Fraction": Fraction,
    "_bool": bool,
    "_int": int,
    "_str": str,
    "_len": len,
    "_rank": _rank,
    "_abs": abs,
    **{f"_round_{mode.replace(' ', '_')}": fn for mode, fn in _ROUNDERS.items()},
}

# ---------------------------------------------------------------- ast shorthands


def _name(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _store(name: str) -> ast.Name:
    return ast.Name(name, ast.Store())


def _const(value: Any) -> ast.Constant:
    return ast.Constant(value)


def _call(func: str, *args: ast.expr) -> ast.Call:
    return ast.Call(_name(func), list(args), [])


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([_store(name)], value)


def _raise_slow() -> ast.Raise:
    return ast.Raise(_name("_Slow"), None)


def _if(test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt] | None = None) -> ast.If:
    return ast.If(test, body or [ast.Pass()], orelse or [])


def _not(expr: ast.expr) -> ast.expr:
    return ast.UnaryOp(ast.Not(), expr)


def _bin(left: ast.expr, op: ast.operator, right: ast.expr) -> ast.expr:
    return ast.BinOp(left, op, right)


_CMP: dict[p.CompareOp, type[ast.cmpop]] = {
    "<": ast.Lt,
    "<=": ast.LtE,
    ">": ast.Gt,
    ">=": ast.GtE,
    "=": ast.Eq,
    "!=": ast.NotEq,
}


def _compare(left: ast.expr, op: p.CompareOp, right: ast.expr) -> ast.Compare:
    return ast.Compare(left, [_CMP[op]()], [right])


def _is_const(expr: ast.expr, value: int) -> bool:
    return isinstance(expr, ast.Constant) and expr.value == value


def _times(expr: ast.expr, factor: int) -> ast.expr:
    """expr × a constant, folded where it can be."""
    if factor == 1:
        return expr
    if isinstance(expr, ast.Constant) and isinstance(expr.value, int):
        return _const(expr.value * factor)
    if factor == -1:
        return ast.UnaryOp(ast.USub(), expr)
    return _bin(expr, ast.Mult(), _const(factor))


def _mul(left: ast.expr, right: ast.expr) -> ast.expr:
    if isinstance(right, ast.Constant) and isinstance(right.value, int):
        return _times(left, right.value)
    if isinstance(left, ast.Constant) and isinstance(left.value, int):
        return _times(right, left.value)
    return _bin(left, ast.Mult(), right)


def _add(left: ast.expr, right: ast.expr) -> ast.expr:
    if _is_const(right, 0):
        return left
    if _is_const(left, 0):
        return right
    if isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
        return _const(cast(int, left.value) + cast(int, right.value))
    return _bin(left, ast.Add(), right)


def _sub(left: ast.expr, right: ast.expr) -> ast.expr:
    if _is_const(right, 0):
        return left
    if isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
        return _const(cast(int, left.value) - cast(int, right.value))
    return _bin(left, ast.Sub(), right)


# ---------------------------------------------------------------- values while generating


@attrs.frozen
class Num:
    """A number the code computes: numerator over denominator, the denominator > 0.

    `n` is a name or a constant; `d` is an int the compiler knows, or a name. `nb` bounds the
    bits of the numerator, and `db` those of a denominator held in a name, over every facts
    validation lets through: where a bound passes the limit on exact values, the code checks
    the number as it runs.
    """

    n: ast.expr
    d: int | ast.expr
    nb: int
    db: int = 0

    @property
    def static(self) -> bool:
        return isinstance(self.d, int)

    @property
    def dbits(self) -> int:
        return self.d.bit_length() if isinstance(self.d, int) else self.db

    @property
    def constant(self) -> Fraction | None:
        if isinstance(self.n, ast.Constant) and isinstance(self.d, int):
            return Fraction(cast(int, self.n.value), self.d)
        return None

    def den(self) -> ast.expr:
        return _const(self.d) if isinstance(self.d, int) else self.d


def _num(value: Fraction | int) -> Num:
    value = Fraction(value)
    return Num(_const(value.numerator), value.denominator, abs(value.numerator).bit_length())


@attrs.frozen
class Other:
    """A value the code holds as it is: a bool expression, a word, a set or an adjustment."""

    expr: ast.expr


Val = Num | Other


@attrs.frozen
class NodeCode:
    """What the code knows of a scored node once its statements have run."""

    score: Num  # a name (or constant) over the rubric's unit, or over a name
    counted: Num | Other  # a constant, or a Fraction the code holds where parts may be left out
    applicable: ast.expr  # a bool expression; a constant where nothing can leave it out
    whole: ast.expr
    policy: p.Policy_ | None  # the policy it follows when its own not-applicable line holds


def _true() -> ast.Constant:
    return _const(True)


# ---------------------------------------------------------------- the generator


class _Generator:
    """Builds the body of the scoring function, statement by statement."""

    def __init__(self, plan: p.Plan) -> None:
        self.plan = plan
        self.rules = plan.policy
        self.unit = 10**plan.policy.places
        self.body: list[ast.stmt] = []
        self.count = 0
        self.specs: dict[str, FactSpec] = {spec.name: spec for spec in plan.facts}
        self.fact_vars: dict[str, str] = {}
        self.let_vals: dict[str, Val] = {}  # values computed once, where they are declared
        self.lets: dict[str, p.Let] = dict(plan.lets)
        self.node_scores: dict[str, Num] = {}
        self.skipped: str | None = None  # the list of nodes left out, where any can be
        self.scores: dict[int, Num] = {}  # each node's score, by its position in the plan
        self.out_bits: dict[int, tuple[int, int]] = {}  # the bits each node's score may take
        self.nonzero: set[str] = set()  # values a require line keeps away from 0
        self.failed: set[str] = set()  # values that may fail, marked _FAILED where they do
        self.memo: dict[tuple[str, int], bool] = {}  # what is known of each value's definition
        # Every exact value stays below 10**exact_digits (`top`), numerator and denominator,
        # as the interpreter holds it: a number of at most `safe_bits` bits always does, and is
        # never checked; one that may have more is checked where it is made.
        self.top = ten_to(plan.limits.exact_digits)
        self.safe_bits = self.top.bit_length() - 1
        self.fact_bits = ten_to(plan.limits.fact_digits).bit_length()
        self.checks = 0  # the checks (and refusals) emitted so far

    # ------------------------------------------------------------ plumbing

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def emit(self, stmt: ast.stmt) -> None:
        self.body.append(stmt)

    @contextmanager
    def block(self) -> Iterator[list[ast.stmt]]:
        """Collect what is emitted inside into a list of its own (an if's branch)."""
        outer, self.body = self.body, []
        inner = self.body
        try:
            yield inner
        finally:
            self.body = outer

    def tmp(self, expr: ast.expr, prefix: str = "t") -> ast.expr:
        """expr held in a fresh variable, unless it is a name or constant already."""
        if isinstance(expr, ast.Name | ast.Constant):
            return expr
        name = self.fresh(prefix)
        self.emit(_assign(name, expr))
        return _name(name)

    def var(self, num: Num, prefix: str = "v") -> Num:
        """num held in variables of its own, which later statements may assign to."""
        n = self.fresh(prefix)
        self.emit(_assign(n, num.n))
        if isinstance(num.d, int):
            return Num(_name(n), num.d, num.nb)
        d = n + "d"
        self.emit(_assign(d, num.d))
        return Num(_name(n), _name(d), num.nb, num.db)

    # ------------------------------------------------------------ the limit on exact values

    def checked(self, num: Num) -> Num:
        """num, checked to be within the limit on exact values where its bits may pass it.

        A number past it goes to the interpreter (Slow), which names the rule and the facts.
        The check reads the number as held, not reduced: it may send a value that reduces to
        less than the limit there too, never keep one that does not.
        """
        if num.nb <= self.safe_bits and num.dbits <= self.safe_bits:
            return num
        self.checks += 1
        if isinstance(num.d, int) and num.d >= self.top:
            self.emit(_raise_slow())
            return Num(_const(0), num.d, 0)  # never read: held as the number was
        within: ast.expr = ast.Compare(_name("_NTOP"), [ast.Lt(), ast.Lt()], [num.n, _name("_TOP")])
        if not isinstance(num.d, int):
            within = ast.BoolOp(ast.And(), [within, _compare(num.d, "<", _name("_TOP"))])
        self.emit(_if(_not(within), [_raise_slow()]))
        bits = self.safe_bits + 1  # below top: no more bits than it has
        return Num(num.n, num.d, min(num.nb, bits), min(num.db, bits))

    def const(self, value: Fraction) -> Num:
        """A number worked out while generating: refused as the code runs if past the limit."""
        if -self.top < value.numerator < self.top and value.denominator < self.top:
            return _num(value)
        self.checks += 1
        self.emit(_raise_slow())
        return _num(0)

    def trial(self, make: Callable[[], Val]) -> Val | None:
        """What make() emits and returns, kept only if it needs no check of the limit: a value
        that may pass it is worked out in a `try`, as one that may fail is (see declare)."""
        before = self.checks
        with self.block() as body:
            found = make()
        if self.checks != before:
            self.checks = before
            return None
        self.body.extend(body)
        return found

    # ------------------------------------------------------------ numbers

    def add(self, a: Num, b: Num, *, sign: int = 1) -> Num:
        ca, cb = a.constant, b.constant
        if ca is not None and cb is not None:
            return self.const(ca + sign * cb)
        combine = _add if sign == 1 else _sub
        if isinstance(a.d, int) and isinstance(b.d, int):
            common = math.lcm(a.d, b.d)
            fa, fb = common // a.d, common // b.d
            n = combine(_times(a.n, fa), _times(b.n, fb))
            nb = max(a.nb + fa.bit_length(), b.nb + fb.bit_length()) + 1
            return self.checked(Num(self.tmp(n), common, nb))
        n = combine(_mul(a.n, b.den()), _mul(b.n, a.den()))
        nb = max(a.nb + b.dbits, b.nb + a.dbits) + 1
        d = self.tmp(_mul(a.den(), b.den()))
        return self.checked(Num(self.tmp(n), d, nb, a.dbits + b.dbits))

    def mul(self, a: Num, b: Num) -> Num:
        ca, cb = a.constant, b.constant
        if ca is not None and cb is not None:
            return self.const(ca * cb)
        if isinstance(a.d, int) and isinstance(b.d, int):
            return self.checked(self.reduced(_mul(a.n, b.n), a.d * b.d, a.nb + b.nb))
        n, d = self.tmp(_mul(a.n, b.n)), self.tmp(_mul(a.den(), b.den()))
        return self.checked(Num(n, d, a.nb + b.nb, a.dbits + b.dbits))

    def reduced(self, n: ast.expr, d: int, nb: int) -> Num:
        """n / d with a constant factor of n folded into d where it divides it."""
        factor = n.right if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult) else None
        if isinstance(factor, ast.Constant) and isinstance(factor.value, int):
            assert isinstance(n, ast.BinOp)
            g = math.gcd(factor.value, d)
            if g > 1:
                return Num(self.tmp(_times(n.left, factor.value // g)), d // g, nb)
        return Num(self.tmp(n), d, nb)

    def scale(self, a: Num, by: Fraction) -> Num:
        return self.mul(a, _num(by))

    def divide(self, a: Num, b: Num, expr: p.Arithmetic | None, *, nonneg: bool) -> Num:
        cb = b.constant
        if cb is not None:
            if cb == 0:
                self.emit(_raise_slow())
                return _num(0)
            return self.scale(a, 1 / cb)
        # The interpreter raises here when the divisor is 0; so does the code.
        self.emit(_if(_compare(b.n, "=", _const(0)), [_raise_slow()]))
        n = self.tmp(_mul(a.n, b.den()))
        d = self.tmp(_mul(a.den(), b.n))
        nb, db = a.nb + b.dbits, a.dbits + b.nb
        if nonneg:
            return self.checked(Num(n, d, nb, db))
        held = self.var(Num(n, d, nb, db))
        assert isinstance(held.n, ast.Name) and isinstance(held.d, ast.Name)
        flip: list[ast.stmt] = [
            _assign(held.n.id, ast.UnaryOp(ast.USub(), held.n)),
            _assign(held.d.id, ast.UnaryOp(ast.USub(), held.d)),
        ]
        self.emit(_if(_compare(held.d, "<", _const(0)), flip))
        return self.checked(held)

    def negate(self, a: Num) -> Num:
        c = a.constant
        if c is not None:
            return _num(-c)
        return Num(self.tmp(ast.UnaryOp(ast.USub(), a.n)), a.d, a.nb, a.db)

    def at_least_zero(self, a: Num) -> Num:
        """max(a, 0)."""
        c = a.constant
        if c is not None:
            return _num(max(c, Fraction(0)))
        held = self.var(a, "z")
        assert isinstance(held.n, ast.Name)
        self.emit(_if(_compare(held.n, "<", _const(0)), [_assign(held.n.id, _const(0))]))
        return held

    def test(self, a: Num, op: p.CompareOp, b: Num) -> ast.expr:
        """a op b, as an expression: cross-multiplied, folded where the denominators allow."""
        ca, cb = a.constant, b.constant
        if ca is not None and cb is not None:
            return _const(_holds(op, ca, cb))
        if isinstance(a.d, int) and isinstance(b.d, int):
            if cb is not None and (cb * a.d).denominator == 1:
                return _compare(a.n, op, _const(int(cb * a.d)))
            if ca is not None and (ca * b.d).denominator == 1:
                return _compare(_const(int(ca * b.d)), op, b.n)
            common = math.lcm(a.d, b.d)
            return _compare(_times(a.n, common // a.d), op, _times(b.n, common // b.d))
        return _compare(_mul(a.n, b.den()), op, _mul(b.n, a.den()))

    def floor(self, a: Num) -> Num:
        return Num(self.tmp(_bin(a.n, ast.FloorDiv(), a.den())), 1, a.nb)

    def ceil(self, a: Num) -> Num:
        neg = ast.UnaryOp(ast.USub(), a.n)
        n = self.tmp(ast.UnaryOp(ast.USub(), _bin(neg, ast.FloorDiv(), a.den())))
        return Num(n, 1, a.nb)

    def cap(self, a: Num, cap: Fraction | None) -> Num:
        """a kept within [-cap, cap]."""
        if cap is None:
            return a
        return self.clamp(a, -cap, cap)

    def clamp(self, a: Num, low: Fraction | None, high: Fraction | None) -> Num:
        """a kept within [low, high] (None: no bound on that side)."""
        c = a.constant
        if c is not None:
            if high is not None:
                c = min(c, high)
            if low is not None:
                c = max(c, low)
            return _num(c)
        bounds = [b for b in (low, high) if b is not None]
        held = self.hold(a, bounds)
        branches: list[tuple[ast.expr, list[ast.stmt]]] = []
        if high is not None:
            branches.append((self.test(held, ">", _num(high)), self.setting(held, high)))
        if low is not None:
            branches.append((self.test(held, "<", _num(low)), self.setting(held, low)))
        self.emit(_chain(branches))
        return held

    def hold(self, a: Num, constants: list[Fraction]) -> Num:
        """a in variables that any of the constants can be assigned to exactly."""
        nb = max([a.nb, *(abs(c.numerator).bit_length() for c in constants)])
        db = max([a.dbits, *(c.denominator.bit_length() for c in constants)])
        if isinstance(a.d, int):
            common = a.d
            for c in constants:
                common = math.lcm(common, c.denominator)
            factor = common // a.d
            scaled = Num(_times(a.n, factor), common, nb + factor.bit_length())
            if scaled.nb > self.safe_bits:
                scaled = self.checked(Num(self.tmp(scaled.n), common, scaled.nb))
            return self.var(scaled)
        return self.var(Num(a.n, a.d, nb, db))

    def setting(self, held: Num, value: Fraction) -> list[ast.stmt]:
        """Statements that set held variables to a constant."""
        assert isinstance(held.n, ast.Name)
        if isinstance(held.d, int):
            scaled = value * held.d
            assert scaled.denominator == 1
            return [_assign(held.n.id, _const(int(scaled)))]
        assert isinstance(held.d, ast.Name)
        return [
            _assign(held.n.id, _const(value.numerator)),
            _assign(held.d.id, _const(value.denominator)),
        ]

    def round(self, a: Num, *, nonneg: bool) -> Num:
        """a rounded to the rubric's places, by its mode: a name over the unit."""
        unit = self.unit
        if isinstance(a.d, int) and unit % a.d == 0:
            factor = unit // a.d
            return self.checked(
                Num(self.tmp(_times(a.n, factor)), unit, a.nb + factor.bit_length())
            )
        # |a| × unit, rounded: no more bits than the numerator and the unit have together.
        nb = a.nb + unit.bit_length()
        scaled = _times(a.n, unit)
        mode = self.rules.mode
        if nonneg and mode in ("half up", "down") and isinstance(a.d, int):
            if mode == "half up":
                top = _add(_times(a.n, 2 * unit), _const(a.d))
                n = self.tmp(_bin(top, ast.FloorDiv(), _const(2 * a.d)))
                return self.checked(Num(n, unit, nb))
            return self.checked(Num(self.tmp(_bin(scaled, ast.FloorDiv(), _const(a.d))), unit, nb))
        helper = f"_round_{mode.replace(' ', '_')}"
        return self.checked(Num(self.tmp(_call(helper, scaled, a.den())), unit, nb))

    # ------------------------------------------------------------ facts

    def facts(self) -> None:
        """Read every fact, check it is in the form validation gives, and bound it."""
        specs = self.plan.facts
        optional = [spec for spec in specs if spec.optional]
        for i, spec in enumerate(specs):
            var = f"f{i}"
            self.fact_vars[spec.name] = var
            key = _const(spec.name)
            if spec.optional:
                get = ast.Attribute(_name("facts"), "get", ast.Load())
                self.emit(_assign(var, ast.Call(get, [key, _name("_MISSING")], [])))
            else:
                self.emit(_assign(var, ast.Subscript(_name("facts"), key, ast.Load())))
            checks = self.fact_checks(spec, var)
            if spec.optional and checks:
                self.emit(_if(_compare_is(_name(var), False, "_MISSING"), checks))
            else:
                self.body.extend(checks)
        # Every fact was found; any other key is one no fact has.
        size: ast.expr = _const(len(specs) - len(optional))
        for spec in optional:
            present = _compare_is(_name(self.fact_vars[spec.name]), False, "_MISSING")
            size = _add(size, present)
        self.emit(_if(_compare(_call("_len", _name("facts")), "!=", size), [_raise_slow()]))
        for i, spec in enumerate(specs):
            with self.block() as checks:
                for bound in spec.bounds:
                    self.bound_check(spec, bound)
            if spec.optional and checks:
                self.emit(_if(_compare_is(_name(f"f{i}"), False, "_MISSING"), checks))
            else:
                self.body.extend(checks)

    def fact_checks(self, spec: FactSpec, var: str) -> list[ast.stmt]:
        v = _name(var)
        cls = ast.Attribute(v, "__class__", ast.Load())
        match spec.kind:
            case "bool":
                return [_if(_compare_is(cls, False, "_bool"), [_raise_slow()])]
            case "count":
                # A whole number from 0 up to the digit limit on facts, as validation has it.
                within = ast.Compare(_const(0), [ast.LtE(), ast.Lt()], [v, _name("_FTOP")])
                bad = ast.BoolOp(ast.Or(), [_compare_is(cls, False, "_int"), _not(within)])
                return [_if(bad, [_raise_slow()])]
            case "number":
                checks: list[ast.stmt] = [_assign(var, _call("_number", v, _name("_FTOP")))]
                if spec.step is not None:
                    # Validation refuses a mark off the scale: let it.
                    step = spec.step
                    n = ast.Attribute(v, "numerator", ast.Load())
                    d = ast.Attribute(v, "denominator", ast.Load())
                    off = _bin(
                        _mul(n, _const(step.denominator)),
                        ast.Mod(),
                        _mul(d, _const(step.numerator)),
                    )
                    checks.append(_if(off, [_raise_slow()]))
                return checks
            case "level":
                allowed = frozenset(spec.choices or ())
                bad = ast.BoolOp(
                    ast.Or(),
                    [
                        _compare_is(cls, False, "_str"),
                        ast.Compare(v, [ast.NotIn()], [_const(allowed)]),
                    ],
                )
                return [_if(bad, [_raise_slow()])]
            case "set":
                allowed_set = None if spec.choices is None else frozenset(spec.choices)
                return [_assign(var, _call("_set_of", v, _const(allowed_set)))]
            case "adjustment":
                checks = [_assign(var, _call("_adjustment", v, _name("_FTOP")))]
                if spec.step is not None:
                    step = spec.step
                    points = ast.Attribute(v, "points", ast.Load())
                    n = ast.Attribute(points, "numerator", ast.Load())
                    d = ast.Attribute(points, "denominator", ast.Load())
                    off = _bin(
                        _mul(n, _const(step.denominator)),
                        ast.Mod(),
                        _mul(d, _const(step.numerator)),
                    )
                    checks.append(_if(off, [_raise_slow()]))
                return checks
            case _:
                raise AssertionError(f"a fact of kind {spec.kind!r}")

    def fact_num(self, spec: FactSpec) -> Num:
        v = _name(self.fact_vars[spec.name])
        match spec.kind:
            case "count":
                return Num(v, 1, self.fact_bits)
            case "number":
                n = self.tmp(ast.Attribute(v, "numerator", ast.Load()))
                d = self.tmp(ast.Attribute(v, "denominator", ast.Load()))
                return Num(n, d, self.fact_bits, self.fact_bits)
            case "adjustment":
                points = ast.Attribute(v, "points", ast.Load())
                n = self.tmp(ast.Attribute(points, "numerator", ast.Load()))
                d = self.tmp(ast.Attribute(points, "denominator", ast.Load()))
                return Num(n, d, self.fact_bits, self.fact_bits)
            case _:
                raise AssertionError(f"{spec.kind} is not a number")

    def bound_check(self, spec: FactSpec, bound: Bound) -> None:
        """Statements that refuse a fact beyond one of its bounds."""
        if bound.fact is None:
            assert bound.value is not None
            test = self.test(self.fact_num(spec), bound.op, _num(bound.value))  # type: ignore[arg-type]
            self.emit(_if(_not(test), [_raise_slow()]))
            return
        other = self.specs[bound.fact]
        with self.block() as checks:
            test = self.test(self.fact_num(spec), bound.op, self.fact_num(other))  # type: ignore[arg-type]
            self.emit(_if(_not(test), [_raise_slow()]))
        if other.optional:
            # Bounded by a fact left out: nothing to check.
            given = _compare_is(_name(self.fact_vars[other.name]), False, "_MISSING")
            self.emit(_if(given, checks))
        else:
            self.body.extend(checks)

    # ------------------------------------------------------------ expressions

    def value(self, expr: p.Expr) -> Val:
        """The code's value of an expression; statements it needs are emitted first."""
        match expr:
            case p.Const():
                if isinstance(expr.value, int | Fraction) and not isinstance(expr.value, bool):
                    return _num(expr.value)
                return Other(_const(expr.value))
            case p.FactRef():
                spec = self.specs[expr.subject.name]
                var = _name(self.fact_vars[spec.name])
                if spec.optional:
                    # The interpreter raises where it reads an optional fact left out.
                    self.emit(_if(_compare_is(var, True, "_MISSING"), [_raise_slow()]))
                if spec.kind in ("count", "number", "adjustment"):
                    return self.fact_num(spec)
                return Other(var)
            case p.ValueRef():
                name = expr.subject.name
                if name not in self.let_vals:  # one declared after the value that reads it
                    return self.value(self.lets[name].expr)
                found = self.let_vals[name]
                if name in self.failed:
                    # It could not be worked out: the interpreter raises where it is used.
                    held = found.n if isinstance(found, Num) else found.expr
                    self.emit(_if(_compare_is(held, True, "_FAILED"), [_raise_slow()]))
                return found
            case p.Arithmetic():
                left, right = self.number(expr.left), self.number(expr.right)
                match expr.op:
                    case "+":
                        return self.add(left, right)
                    case "-":
                        return self.add(left, right, sign=-1)
                    case "*":
                        return self.mul(left, right)
                    case "/":
                        return self.divide(left, right, expr, nonneg=self.nonneg(expr.right))
                    case "short of":
                        return self.at_least_zero(self.add(right, left, sign=-1))
                    case "over":
                        return self.at_least_zero(self.add(left, right, sign=-1))
                    case _:
                        assert_never(expr.op)
            case p.Negation():
                return self.negate(self.number(expr.operand))
            case p.Size():
                items = self.other(expr.operand)
                return Num(self.tmp(_call("_len", items)), 1, _SIZE_BITS)
            case p.Count():
                counted: ast.expr = _const(0)
                for condition in expr.conditions:
                    one = ast.IfExp(self.condition(condition), _const(1), _const(0))
                    counted = self.tmp(_add(counted, one))
                return Num(counted, 1, len(expr.conditions).bit_length())
            case p.Function():
                args = [self.number(arg) for arg in expr.args]
                match expr.name:
                    case "max" | "min":
                        found = args[0]
                        for other in args[1:]:
                            found = self.pick(found, other, ">=" if expr.name == "max" else "<=")
                        return found
                    case "abs":
                        a = args[0]
                        c = a.constant
                        if c is not None:
                            return _num(abs(c))
                        return Num(self.tmp(_call("_abs", a.n)), a.d, a.nb, a.db)
                    case _:
                        assert_never(expr.name)
            case p.NodeScore():
                return self.node_scores[expr.id]
            case p.Figure():
                return self.figure(expr)
            case p.Comparison() | p.Membership() | p.Junction() | p.Inversion():
                return Other(self.condition(expr))
            case _:
                assert_never(expr)

    def figure(self, expr: p.Figure) -> Num:
        """A cohort figure, read from the figures the function is given (its `cohort`)."""
        held = ast.Subscript(_name("cohort"), _const(expr.need), ast.Load())
        if expr.kind.startswith("rank"):
            own = self.number(expr.fact)
            ascending = _const(expr.kind == "rank ascending")
            rank = self.tmp(_call("_rank", held, own.n, own.den(), ascending))
            return Num(rank, 1, _SIZE_BITS)
        value = self.tmp(held)
        # No unit of the cohort gives the fact: the interpreter says so.
        self.emit(_if(ast.Compare(value, [ast.Is()], [_const(None)]), [_raise_slow()]))
        n = self.tmp(ast.Attribute(value, "numerator", ast.Load()))
        d = self.tmp(ast.Attribute(value, "denominator", ast.Load()))
        # A cohort holds its figures within the limit on exact values.
        bits = self.top.bit_length()
        return Num(n, d, bits, bits)

    def pick(self, a: Num, b: Num, op: p.CompareOp) -> Num:
        """a where `a op b`, else b: the greater (or the lesser) of two numbers, exactly."""
        chosen = self.tmp(self.test(a, op, b), "c")
        if isinstance(a.d, int) and isinstance(b.d, int):
            common = math.lcm(a.d, b.d)
            fa, fb = common // a.d, common // b.d
            nb = max(a.nb + fa.bit_length(), b.nb + fb.bit_length())
            n = self.tmp(ast.IfExp(chosen, _times(a.n, fa), _times(b.n, fb)))
            return self.checked(Num(n, common, nb))
        n = self.tmp(ast.IfExp(chosen, a.n, b.n))
        d = self.tmp(ast.IfExp(chosen, a.den(), b.den()))
        return Num(n, d, max(a.nb, b.nb), max(a.dbits, b.dbits))

    def number(self, expr: p.Expr) -> Num:
        found = self.value(expr)
        assert isinstance(found, Num), f"{expr} is not a number"
        return found

    def other(self, expr: p.Expr) -> ast.expr:
        found = self.value(expr)
        assert isinstance(found, Other), f"{expr} is a number"
        return found.expr

    def condition(self, expr: p.Expr) -> ast.expr:
        """A bool expression for a condition; and/or keep their short circuit."""
        match expr:
            case p.Comparison():
                left, right = self.value(expr.left), self.value(expr.right)
                if isinstance(left, Num) and isinstance(right, Num):
                    return self.tmp(self.test(left, expr.op, right), "c")
                assert isinstance(left, Other) and isinstance(right, Other)
                return self.tmp(_compare(left.expr, expr.op, right.expr), "c")
            case p.Membership():
                items = self.other(expr.collection)
                return self.tmp(ast.Compare(_const(expr.item.value), [ast.In()], [items]), "c")
            case p.Junction():
                result = self.fresh("j")
                first, *rest = expr.operands
                self.emit(_assign(result, _call("_bool", self.condition(first))))
                self.junction(result, expr.op, rest)
                return _name(result)
            case p.Inversion():
                return self.tmp(_not(self.condition(expr.operand)), "c")
            case p.FactRef() | p.ValueRef() | p.Const():
                return self.other(expr)
            case _:
                raise AssertionError(f"{expr} is not a condition")

    def junction(self, result: str, op: str, rest: list[p.Expr]) -> None:
        """The remaining operands, each read only when the ones before left it undecided."""
        if not rest:
            return
        with self.block() as body:
            self.emit(_assign(result, _call("_bool", self.condition(rest[0]))))
            self.junction(result, op, rest[1:])
        test = _name(result) if op == "and" else _not(_name(result))
        self.emit(_if(test, body))

    def nonneg(self, expr: p.Expr) -> bool:
        """Whether an expression can never be below 0, from the facts' declarations."""
        match expr:
            case p.Const():
                return isinstance(expr.value, int | Fraction) and expr.value >= 0
            case p.FactRef():
                spec = self.specs[expr.subject.name]
                if spec.kind == "count":
                    return True
                return any(
                    b.fact is None and b.value is not None and b.op in (">", ">=") and b.value >= 0
                    for b in spec.bounds
                )
            case p.ValueRef():
                let = self.lets[expr.subject.name]
                known = self.memo.get(("nonneg", id(let)))
                if known is None:
                    known = self.memo[("nonneg", id(let))] = self.nonneg(let.expr)
                return known
            case p.Arithmetic():
                if expr.op in ("short of", "over"):
                    return True
                if expr.op in ("+", "*", "/"):
                    return self.nonneg(expr.left) and self.nonneg(expr.right)
                return False
            case p.Size() | p.Count():
                return True
            case p.Figure():
                # A figure lies within what the fact's declaration allows every unit.
                return expr.kind.startswith("rank") or self.nonneg(expr.fact)
            case p.Function():
                if expr.name == "abs":
                    return True
                found = [self.nonneg(arg) for arg in expr.args]
                return any(found) if expr.name == "max" else all(found)
            case _:
                return False

    def safe(self, expr: p.Expr) -> bool:
        """Whether an expression can never make the interpreter raise: no division by what
        may be 0, no optional fact."""
        match expr:
            case p.Const() | p.NodeScore():
                return True
            case p.FactRef():
                return not self.specs[expr.subject.name].optional
            case p.ValueRef():
                name = expr.subject.name
                if name in self.failed:
                    return False
                return name in self.let_vals or self.safe(self.lets[name].expr)
            case p.Arithmetic():
                ok = self.safe(expr.left) and self.safe(expr.right)
                return ok and (expr.op != "/" or self.nonzero_expr(expr.right))
            case p.Negation() | p.Size() | p.Inversion():
                return self.safe(expr.operand)
            case p.Comparison():
                return self.safe(expr.left) and self.safe(expr.right)
            case p.Membership():
                return self.safe(expr.collection)
            case p.Junction() | p.Count() | p.Function():
                return all(self.safe(o) for o in p.parts_of(expr))
            case p.Figure():
                # A figure of a fact no unit gives cannot be worked out.
                return expr.kind.startswith("rank") and self.safe(expr.fact)
            case _:
                assert_never(expr)

    def nonzero_expr(self, expr: p.Expr) -> bool:
        match expr:
            case p.Const():
                return expr.value != 0
            case p.FactRef():
                spec = self.specs[expr.subject.name]
                return any(_keeps_positive(b.op, b.value) for b in spec.bounds if b.fact is None)
            case p.ValueRef():
                name = expr.subject.name
                if name in self.nonzero:
                    return True
                let = self.lets[name]
                known = self.memo.get(("nonzero", id(let)))
                if known is None:
                    known = self.memo[("nonzero", id(let))] = self.nonzero_expr(let.expr)
                return known
            case p.Arithmetic():
                if expr.op == "*":
                    return self.nonzero_expr(expr.left) and self.nonzero_expr(expr.right)
                if expr.op == "/":
                    return self.nonzero_expr(expr.left)
                return False
            case p.Figure():
                return expr.kind.startswith("rank") or self.nonzero_expr(expr.fact)
            case _:
                return False

    # ------------------------------------------------------------ values and requirements

    def declarations(self) -> None:
        """Values that cannot fail, computed once; require lines checked as soon as they can."""
        waiting = list(self.plan.requirements)
        for req in list(waiting):
            if not _values_in(req.condition):
                self.requirement(req)
                waiting.remove(req)
        for name, let in self.plan.lets.items():
            self.declare(name, let)
            for req in list(waiting):
                if _values_in(req.condition) <= set(self.let_vals):
                    self.requirement(req)
                    waiting.remove(req)
        for req in waiting:
            self.requirement(req)

    def declare(self, name: str, let: p.Let) -> None:
        """Compute a value once, here, where it is declared.

        One that may fail (a division by what may be 0, an optional fact, a number past the
        limit on exact values) is computed in a `try`: where it fails it is marked, and the
        code raises only where the value is used, as the interpreter raises where it reads it.
        """
        self.failed.discard(name)
        if self.safe(let.expr):
            found = self.trial(lambda: self.hold_value(self.value(let.expr)))
            if found is not None:
                self.let_vals[name] = found
                return
        with self.block() as body:
            found = self.value(let.expr)
            held: Val
            if isinstance(found, Num):
                num = self.var(found, "l")
                held, marked = num, cast(ast.Name, num.n).id
            else:
                marked = self.fresh("l")
                self.emit(_assign(marked, found.expr))
                held = Other(_name(marked))
        handler = ast.ExceptHandler(_name("_Slow"), None, [_assign(marked, _name("_FAILED"))])
        self.emit(ast.Try(body, [handler], [], []))
        self.let_vals[name] = held
        self.failed.add(name)

    def hold_value(self, found: Val) -> Val:
        if isinstance(found, Num):
            return found if found.constant is not None else self.var(found, "l")
        return Other(self.tmp(found.expr, "l"))

    def requirement(self, req: p.Requirement) -> None:
        self.emit(_if(_not(self.condition(req.condition)), [_raise_slow()]))
        self.nonzero.update(_kept_positive(req.condition))

    # ------------------------------------------------------------ rules

    def rule(self, rule: p.Rule | p.Pool) -> Num:
        """The points a rule or pool gives."""
        match rule:
            case p.Start():
                return _num(rule.amount)
            case p.When():
                return self.when(rule.points, rule.condition)
            case p.EachItem():
                items = self.other(rule.collection)
                count = Num(self.tmp(_call("_len", items)), 1, _SIZE_BITS)
                return self.cap(self.scale(count, rule.points), rule.cap)
            case p.EachCondition():
                total = _num(0)
                for condition, _ in rule.conditions:
                    total = self.add(total, self.when(rule.points, condition))
                return self.cap(total, rule.cap)
            case p.PerStep():
                amount = self.number(rule.quantity)
                # Only the positive part counts, as the interpreter counts it.
                if not self.nonneg(rule.quantity):
                    amount = self.at_least_zero(amount)
                steps = self.scale(amount, 1 / rule.step)
                match rule.partial:
                    case "proportional":
                        pass
                    case "whole":
                        steps = self.floor(steps)
                    case "any":
                        steps = self.ceil(steps)
                    case _:
                        assert_never(rule.partial)
                return self.cap(self.scale(steps, rule.points), rule.cap)
            case p.Table():
                return self.table(rule)
            case p.Formula():
                return self.cap(self.number(rule.value), rule.cap)
            case p.AdjustBy():
                return self.fact_num(self.specs[rule.subject.name])
            case p.Guarded():
                return self.guarded(rule)
            case p.Pool():
                total = _num(0)
                for inner in rule.rules:
                    total = self.add(total, self.rule(inner))
                return self.cap(total, rule.cap)
            case _:
                assert_never(rule)

    def guarded(self, rule: p.Guarded) -> Num:
        """A rule worked out only where its condition holds; 0 where it does not."""
        test = self.condition(rule.condition)
        got = self.fresh("g")
        with self.block() as body:
            inner = self.rule(rule.rule)
            self.emit(_assign(got, inner.n))
            if not isinstance(inner.d, int):
                self.emit(_assign(got + "d", inner.d))
        zero: list[ast.stmt] = [_assign(got, _const(0))]
        if not isinstance(inner.d, int):
            zero.append(_assign(got + "d", _const(1)))
            self.emit(_if(test, body, zero))
            return Num(_name(got), _name(got + "d"), inner.nb, inner.db)
        self.emit(_if(test, body, zero))
        return Num(_name(got), inner.d, inner.nb)

    def when(self, points: Fraction, condition: p.Expr) -> Num:
        test = self.condition(condition)
        got = ast.IfExp(test, _const(points.numerator), _const(0))
        return Num(self.tmp(got), points.denominator, abs(points.numerator).bit_length())

    def table(self, rule: p.Table) -> Num:
        subject = self.value(rule.subject)
        arms = rule.arms
        # Every arm's points, over one denominator: a table gives one of them.
        constants = [a.points for a in arms if a.linear is None]
        linear = any(a.linear is not None for a in arms)
        common = 1
        for c in constants:
            common = math.lcm(common, c.denominator)
        got_n = self.fresh("g")
        got_d = got_n + "d"
        branches: list[tuple[ast.expr, list[ast.stmt]]] = []
        otherwise: list[ast.stmt] | None = None
        nb, db = 0, common.bit_length()  # the most bits of any arm's points
        for arm in arms:
            with self.block() as body:
                if arm.linear is not None:
                    assert isinstance(subject, Num)
                    at = self.linear(arm.linear, subject)
                    self.emit(_assign(got_n, at.n))
                    self.emit(_assign(got_d, at.den()))
                    nb, db = max(nb, at.nb), max(db, at.dbits)
                else:
                    scaled = arm.points * common
                    nb = max(nb, abs(int(scaled)).bit_length())
                    self.emit(_assign(got_n, _const(int(scaled))))
                    if linear:
                        self.emit(_assign(got_d, _const(common)))
            if arm.otherwise:
                otherwise = body
                break
            if arm.word is not None:
                assert isinstance(subject, Other)
                test: ast.expr = _compare(subject.expr, "=", _const(arm.word))
            else:
                assert isinstance(subject, Num)
                tests = [self.test(subject, op, _num(bound)) for op, bound in arm.bounds]
                test = tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)
            branches.append((test, body))
        # A value in no band: the interpreter raises, and so does the code.
        self.emit(_chain(branches, otherwise if otherwise is not None else [_raise_slow()]))
        if linear:
            return Num(_name(got_n), _name(got_d), nb, db)
        return Num(_name(got_n), common, nb)

    def linear(self, line: p.Linear, value: Num) -> Num:
        span = line.high - line.low
        if not span:
            # A band of no width gives its starting points, as the interpreter has it.
            return _num(line.start)
        moved = self.scale(self.add(value, _num(line.low), sign=-1), (line.end - line.start) / span)
        return self.add(_num(line.start), moved)

    # ------------------------------------------------------------ nodes

    def out(self, index: int, score: Num) -> Num:
        """Keep a node's score in its own variables, which the returned tuple reads."""
        name = f"o{index}"
        # A node left out in one branch and scored in the other: the bits of either.
        nb, db = self.out_bits.get(index, (0, 0))
        nb, db = max(nb, score.nb), max(db, score.dbits)
        self.out_bits[index] = nb, db
        if self.rules.scope == "indicators":
            assert score.d == self.unit, "in this scope every score is held over the unit"
            self.emit(_assign(name, score.n))
            return Num(_name(name), self.unit, nb)
        self.emit(_assign(name, score.n))
        self.emit(_assign(name + "d", score.den()))
        return Num(_name(name), _name(name + "d"), nb, db)

    def node(self, node: p.Node, index: int) -> NodeCode:
        """Statements scoring a node and everything below it."""
        saved, failed = dict(self.let_vals), set(self.failed)
        if isinstance(node, p.Indicator):
            self.lets.update(node.lets)
            for name, let in node.lets.items():
                self.declare(name, let)
        na = node.not_applicable
        if na is None:
            code = self.applicable(node, index)
        else:
            held = self.fresh("na")
            self.emit(_assign(held, _call("_bool", self.condition(na.condition))))
            names = {field: self.fresh(field[0]) for field in ("counted", "applicable", "whole")}
            with self.block() as skipped_body:
                self.store(self.skip(node, index, na.policy), names)
            with self.block() as scored_body:
                self.store(self.applicable(node, index), names)
            self.emit(_if(_name(held), skipped_body, scored_body))
            code = NodeCode(
                self.scores[index],
                Other(_name(names["counted"])),
                _name(names["applicable"]),
                _name(names["whole"]),
                na.policy,
            )
        if isinstance(node, p.Indicator):
            for name in node.lets:
                self.lets.pop(name, None)
        self.let_vals, self.failed = saved, failed
        self.node_scores[node.id] = code.score
        return code

    def store(self, code: NodeCode, names: dict[str, str]) -> None:
        """Set the variables a node left out in one branch and scored in the other shares."""
        self.emit(_assign(names["counted"], self.fraction(code.counted)))
        self.emit(_assign(names["applicable"], code.applicable))
        self.emit(_assign(names["whole"], code.whole))

    def fraction(self, value: Num | Other) -> ast.expr:
        """A Fraction object, for the helpers that combine groups with parts left out."""
        if isinstance(value, Other):
            return value.expr
        return _call("_Fraction", value.n, value.den())

    # ------------------------------------------------------------ grades and the whole

    def grades(self, total: Num) -> None:
        """The grade's position, each line tried in order; -1 when none is given."""
        self.let_vals["total"] = total
        self.emit(_assign("g", _const(-1)))
        self.body.extend(self.grade_lines(list(enumerate(self.plan.grades))))

    def grade_lines(self, lines: list[tuple[int, p.Grade]]) -> list[ast.stmt]:
        if not lines:
            return []
        (index, grade), *rest = lines
        with self.block() as body:
            if grade.condition is None:
                self.emit(_assign("g", _const(index)))
            else:
                test = self.condition(grade.condition)
                self.emit(_if(test, [_assign("g", _const(index))], self.grade_lines(rest)))
        return body

    def function(self) -> ast.FunctionDef:
        plan = self.plan
        if any(node.not_applicable is not None for node in plan.nodes):
            self.skipped = "sk"
            self.emit(_assign("sk", ast.List([], ast.Load())))
        self.facts()
        self.declarations()
        total = self.root()
        self.grades(total)
        facts: list[ast.expr] = [
            ast.IfExp(_compare_is(_name(f"f{i}"), True, "_MISSING"), _const(None), _name(f"f{i}"))
            if spec.optional
            else _name(f"f{i}")
            for i, spec in enumerate(plan.facts)
        ]
        scores: list[ast.expr] = []
        for i in range(len(plan.nodes)):
            score = self.scores[i]
            if i == 0 or self.rules.scope == "indicators":
                scores.append(score.n)
            else:
                scores.append(_call("_Fraction", score.n, score.den()))
        skipped: ast.expr = _const(())
        if self.skipped is not None:
            skipped = ast.Call(_name("_tuple"), [_name(self.skipped)], [])
        returned = ast.Tuple(
            [
                ast.Tuple(facts, ast.Load()),
                ast.Tuple(scores, ast.Load()),
                skipped,
                _name("g"),
            ],
            ast.Load(),
        )
        self.emit(ast.Return(returned))
        # A rubric with cohort rules is given the cohort's figures too.
        args = [ast.arg("facts"), *([ast.arg("cohort")] if plan.needs else [])]
        arguments = ast.arguments(
            posonlyargs=[], args=args, kwonlyargs=[], kw_defaults=[], defaults=[]
        )
        function = ast.FunctionDef("score", arguments, self.body, [], None)
        if sys.version_info >= (3, 12):  # pragma: no cover - the field is new in 3.12
            function.type_params = []
        return function

    def skip(self, node: p.Node, index: int, policy: p.Policy_ | None) -> NodeCode:
        """A node that does not apply, and every node below it: their scores, and the list."""
        full = policy == "full marks"
        assert self.skipped is not None
        append = ast.Attribute(_name(self.skipped), "append", ast.Load())
        for i, below in enumerate(p.walk(node)):
            value = below.max_points if full else Fraction(0)
            entry = ast.Tuple([_const(index + i), _const(policy)], ast.Load())
            self.emit(ast.Expr(ast.Call(append, [entry], [])))
            self.scores[index + i] = self.out(index + i, self.at_unit(value))
        counted = node.max_points if full else Fraction(0)
        return NodeCode(self.scores[index], _num(counted), _const(False), _const(full), policy)

    def at_unit(self, value: Fraction) -> Num:
        """A constant score, held as every score of this rubric is."""
        if self.rules.scope == "indicators":
            scaled = value * self.unit
            assert scaled.denominator == 1, "the checker makes maxes fit the places"
            return Num(_const(int(scaled)), self.unit, abs(int(scaled)).bit_length())
        nb, db = abs(value.numerator).bit_length(), value.denominator.bit_length()
        return Num(_const(value.numerator), _const(value.denominator), nb, db)

    def applicable(self, node: p.Node, index: int) -> NodeCode:
        if isinstance(node, p.Indicator):
            total = _num(0)
            for part in node.parts:
                total = self.add(total, self.rule(part))
            total = self.clamp(total, node.min_points, node.max_points)
            if node.extras:
                # Its own bonus and deductions, each within its cap; never below 0 after them.
                for extra in node.extras:
                    total = self.add(total, self.rule(extra))
                total = self.clamp(total, Fraction(0), None)
            scoped = self.rules.scope == "indicators"
            score = self.finish(node, total, rounded=scoped, nonneg=_nonneg(node))
            self.scores[index] = self.out(index, score)
            return NodeCode(self.scores[index], _num(node.max_points), _true(), _true(), None)
        positions = self.positions(node, index)
        kids = [self.node(child, pos) for child, pos in zip(node.children, positions, strict=True)]
        total, counted, entry = self.combine(node, kids)
        rounded: bool | ast.expr = self.rules.scope == "indicators" and (
            bool(node.clauses) or _fold(entry)
        )
        score = self.finish(node, total, rounded=_fold(rounded), nonneg=_nonneg(node))
        self.scores[index] = self.out(index, score)
        if isinstance(counted, Num) and counted.constant is not None:
            whole: ast.expr = _const(counted.constant == node.max_points)
        else:
            whole = self.tmp(
                _compare(self.fraction(counted), "=", self.fraction(_num(node.max_points))), "w"
            )
        return NodeCode(self.scores[index], counted, _true(), whole, None)

    def positions(self, node: p.Group, index: int) -> list[int]:
        found, at = [], index + 1
        for child in node.children:
            found.append(at)
            at += len(p.walk(child))
        return found

    def finish(self, node: p.Node, total: Num, *, rounded: bool | ast.expr, nonneg: bool) -> Num:
        """A node's caps and multipliers, then its rounding: its score, held as scores are."""
        for clause in node.clauses:
            holds: ast.expr = _true()
            if clause.condition is not None:
                holds = self.condition(clause.condition)
            match clause:
                case p.Multiplier():
                    # A penalty that multiplies must not lift a score at or below 0 towards 0.
                    test = ast.BoolOp(ast.And(), [holds, self.test(total, ">", _num(0))])
                    factor = self.tmp(ast.IfExp(test, _const(clause.factor.numerator), _const(1)))
                    over = self.tmp(ast.IfExp(test, _const(clause.factor.denominator), _const(1)))
                    n, d = self.tmp(_mul(total.n, factor)), self.tmp(_mul(total.den(), over))
                    nb = total.nb + abs(clause.factor.numerator).bit_length()
                    db = total.dbits + clause.factor.denominator.bit_length()
                    total = self.checked(Num(n, d, nb, db))
                case p.CapWhen():
                    held = self.hold(total, [clause.cap])
                    test = ast.BoolOp(ast.And(), [holds, self.test(held, ">", _num(clause.cap))])
                    self.emit(_if(test, self.setting(held, clause.cap)))
                    total = held
                case _:
                    assert_never(clause)
        if rounded is True:
            return self.round(total, nonneg=nonneg)
        if rounded is False:
            return self.settle(total)
        # Rounded only when the node's figures made an entry, which is known as it is scored.
        out_n = self.fresh("r")
        with self.block() as round_body:
            done = self.round(total, nonneg=nonneg)
            self.emit(_assign(out_n, done.n))
        with self.block() as keep_body:
            kept = self.settle(total)
            assert kept.d == self.unit, "a score not rounded here is at the rubric's places"
            self.emit(_assign(out_n, kept.n))
        self.emit(_if(rounded, round_body, keep_body))
        return Num(_name(out_n), self.unit, max(done.nb, kept.nb))

    def settle(self, total: Num) -> Num:
        """A score held as this rubric holds scores: over the unit, or over a name."""
        unit = self.unit
        if isinstance(total.d, int) and unit % total.d == 0:
            factor = unit // total.d
            n = self.tmp(_times(total.n, factor))
            return self.checked(Num(n, unit, total.nb + factor.bit_length()))
        if self.rules.scope == "indicators":
            # At the rubric's places though not over a divisor of the unit: reduce exactly.
            scaled = _bin(_times(total.n, unit), ast.FloorDiv(), total.den())
            return self.checked(Num(self.tmp(scaled), unit, total.nb + unit.bit_length()))
        return Num(total.n, self.tmp(total.den()), total.nb, total.dbits)

    def combine(self, group: p.Group, kids: list[NodeCode]) -> tuple[Num, Num | Other, ast.expr]:
        """A group's score, the max it counts for, and whether that made an entry."""
        plain = all(isinstance(kid.counted, Num) for kid in kids)
        if plain and group.way in ("sum", "extra"):
            total = _num(0)
            for kid in kids:
                total = self.add(total, kid.score)
            if group.way == "sum":
                return total, _num(group.base_max), _const(False)
            capped = self.cap(total, group.max)
            if group.max is None:
                return capped, _num(0), _const(False)
            return capped, _num(0), self.tmp(self.test(total, "!=", capped), "e")
        # Parts may be left out, or the group renormalises: exact Fractions, in a helper.
        parts = self.parts(zip(kids, group.children, strict=True))
        weights = tuple(_pair(w) for w in group.weights or ())
        args = [parts, _const(group.way), _fraction_const(group.max_points)]
        args += [_fraction_const(group.base_max), _const(weights)]
        args += [_const(None if group.max is None else _pair(group.max)), _name("_TOP")]
        found = self.fresh("k")
        self.emit(_assign(found, _call("_combine", *args)))
        bits = self.safe_bits + 1  # the helper keeps it below top
        total = Num(
            self.tmp(ast.Attribute(_subscript(found, 0), "numerator", ast.Load())),
            self.tmp(ast.Attribute(_subscript(found, 0), "denominator", ast.Load())),
            bits,
            bits,
        )
        return total, Other(self.tmp(_subscript(found, 1))), self.tmp(_subscript(found, 2), "e")

    def parts(self, pairs: Iterable[tuple[NodeCode, p.Node]]) -> ast.expr:
        """The children of a group as the helpers that combine them take them: each one's
        score and counted max as Fractions, whether it applies and counts whole, its policy
        and its own max."""
        return ast.Tuple(
            [
                ast.Tuple(
                    [
                        self.fraction(kid.score),
                        self.fraction(kid.counted),
                        kid.applicable,
                        kid.whole,
                        _const(kid.policy),
                        _fraction_const(child.max_points),
                    ],
                    ast.Load(),
                )
                for kid, child in pairs
            ],
            ast.Load(),
        )

    def root(self) -> Num:
        """The total: base groups, what is left out, bonus and deductions, clauses, rounding."""
        plan = self.plan
        group = plan.root.group
        positions = self.positions(group, 0)
        kids = [self.node(child, pos) for child, pos in zip(group.children, positions, strict=True)]
        base = [
            (kid, child)
            for kid, child in zip(kids, group.children, strict=True)
            if child.role == "base"
        ]
        extra = [
            kid for kid, child in zip(kids, group.children, strict=True) if child.role != "base"
        ]
        extras = _num(0)
        for kid in extra:
            extras = self.add(extras, kid.score)
        plain = all(isinstance(kid.counted, Num) for kid, _ in base)
        plain = plain and group.base_max == group.max_points
        if plain:
            total = _num(0)
            for kid, _ in base:
                total = self.add(total, kid.score)
            total = self.add(total, extras)
            entry: ast.expr = _const(False)
            if not plan.root.negative:
                entry = self.tmp(self.test(total, "<", _num(0)), "e")
                total = self.clamp(total, Fraction(0), None)
        else:
            parts = self.parts(base)
            found = self.fresh("k")
            args = [parts, _fraction_const(group.max_points), _fraction_const(group.base_max)]
            args += [self.fraction(extras), _const(plan.root.negative), _name("_TOP")]
            self.emit(_assign(found, _call("_total", *args)))
            bits = self.safe_bits + 1  # the helper keeps it below top
            total = Num(
                self.tmp(ast.Attribute(_subscript(found, 0), "numerator", ast.Load())),
                self.tmp(ast.Attribute(_subscript(found, 0), "denominator", ast.Load())),
                bits,
                bits,
            )
            entry = self.tmp(_subscript(found, 1), "e")
        rounded: bool | ast.expr = True
        if self.rules.scope == "indicators" and not group.clauses:
            rounded = _fold(entry)
        score = self.finish(group, total, rounded=rounded, nonneg=not plan.root.negative)
        self.scores[0] = self.out(0, score)
        self.node_scores[group.id] = self.scores[0]
        return self.scores[0]


def _nonneg(node: p.Node) -> bool:
    return node.min_points is not None and node.min_points >= 0


def _pair(value: Fraction) -> tuple[int, int]:
    return value.numerator, value.denominator


def _fraction_const(value: Fraction) -> ast.Constant:
    """A constant Fraction as the helpers take it: a (numerator, denominator) pair."""
    return _const(_pair(value))


def _subscript(name: str, index: int) -> ast.expr:
    return ast.Subscript(_name(name), _const(index), ast.Load())


def _fold(value: bool | ast.expr) -> bool | ast.expr:
    if isinstance(value, ast.Constant) and isinstance(value.value, bool):
        return value.value
    return value


def _holds(op: p.CompareOp, a: Fraction, b: Fraction) -> bool:
    match op:
        case "<":
            return a < b
        case "<=":
            return a <= b
        case ">":
            return a > b
        case ">=":
            return a >= b
        case "=":
            return a == b
        case "!=":
            return a != b
        case _:
            assert_never(op)


def _keeps_positive(op: str, value: Fraction | None) -> bool:
    """Whether a bound `op value` keeps a number above 0."""
    if value is None:
        return False
    return (op == ">=" and value > 0) or (op == ">" and value >= 0)


def _kept_positive(condition: p.Expr) -> set[str]:
    """The values a require line keeps above 0: `require v >= 1`, also within an `and`."""
    match condition:
        case p.Comparison():
            left, right = condition.left, condition.right
            if isinstance(left, p.ValueRef) and isinstance(right, p.Const):
                value = right.value
                number = isinstance(value, int | Fraction) and not isinstance(value, bool)
                if number and _keeps_positive(condition.op, Fraction(value)):  # type: ignore[arg-type]
                    return {left.subject.name}
            return set()
        case p.Junction():
            if condition.op == "and":
                return set().union(*(_kept_positive(o) for o in condition.operands))
            return set()
        case _:
            return set()


def _values_in(expr: p.Expr) -> set[str]:
    """The names of the values an expression reads directly."""
    found: set[str] = set()
    stack = [expr]
    while stack:
        item = stack.pop()
        match item:
            case p.ValueRef():
                found.add(item.subject.name)
            case _:
                stack += p.parts_of(item)
    return found


def _compare_is(left: ast.expr, same: bool, name: str) -> ast.Compare:
    op: ast.cmpop = ast.Is() if same else ast.IsNot()
    return ast.Compare(left, [op], [_name(name)])


def _chain(
    branches: list[tuple[ast.expr, list[ast.stmt]]], otherwise: list[ast.stmt] | None = None
) -> ast.stmt:
    """if … elif … else …, from (test, body) pairs."""
    tail: list[ast.stmt] = otherwise or []
    for test, body in reversed(branches):
        tail = [_if(test, body, tail)]
    return tail[0] if tail else ast.Pass()


# ---------------------------------------------------------------- helpers for left-out parts


_Part = tuple[Fraction, Fraction, bool, bool, "p.Policy_ | None", tuple[int, int]]


def _within(value: Fraction, top: int) -> Fraction:
    """value, if within the limit on exact values; else Slow: the interpreter names it."""
    if -top < value.numerator < top and value.denominator < top:
        return value
    raise Slow


def _sum_of(values: Iterable[Fraction], top: int) -> Fraction:
    """An exact sum, every partial sum within the limit, as the interpreter sums."""
    total = Fraction(0)
    for value in values:
        total = _within(total + value, top)
    return total


def _sum_parts(
    parts: tuple[_Part, ...], base_max: Fraction, top: int
) -> tuple[Fraction, Fraction, bool]:
    total = _sum_of((part[0] for part in parts), top)
    if all(part[3] for part in parts):
        return total, base_max, False
    counted = sum((part[1] for part in parts), Fraction(0))
    shared = [
        Fraction(*part[5])
        for part in parts
        if part[4] == "redistribute to siblings" and not part[2]
    ]
    if not shared:
        return total, counted, False
    if counted == 0:
        raise Slow
    target = counted + sum(shared, Fraction(0))
    return total * target / counted, target, True


def _combine(
    parts: tuple[_Part, ...],
    way: p.Way,
    top_pair: tuple[int, int],
    base_pair: tuple[int, int],
    weights: tuple[tuple[int, int], ...],
    cap: tuple[int, int] | None,
    limit: int,
) -> tuple[Fraction, Fraction, bool]:
    """A group's score, the max it counts for and whether it made an entry, in Fractions."""
    total, counted, entry = _combined(parts, way, top_pair, base_pair, weights, cap, limit)
    return _within(total, limit), counted, entry


def _combined(
    parts: tuple[_Part, ...],
    way: p.Way,
    top_pair: tuple[int, int],
    base_pair: tuple[int, int],
    weights: tuple[tuple[int, int], ...],
    cap: tuple[int, int] | None,
    limit: int,
) -> tuple[Fraction, Fraction, bool]:
    top = Fraction(*top_pair)
    zero = Fraction(0)
    match way:
        case "sum":
            return _sum_parts(parts, Fraction(*base_pair), limit)
        case "extra":
            total = _sum_of((part[0] for part in parts), limit)
            capped = total if cap is None else max(-Fraction(*cap), min(Fraction(*cap), total))
            return capped, zero, capped != total
        case "scaled":
            counted = [part for part in parts if part[1]]
            if not counted:
                return zero, zero, True
            got = _sum_of((part[0] for part in counted), limit)
            return got * top / sum((part[1] for part in counted), zero), top, True
        case "weighted":
            pairs = [
                (part, Fraction(*w)) for part, w in zip(parts, weights, strict=True) if part[1]
            ]
            if not pairs:
                return zero, zero, True
            weight_sum = sum((w for _, w in pairs), zero)
            rate = _sum_of((part[0] / part[1] * w for part, w in pairs), limit) / weight_sum
            return rate * top, top, True
        case "best of":
            counted = [part for part in parts if part[1]]
            if not counted:
                return zero, zero, True
            best = max(counted, key=lambda part: part[0] / part[1])  # the first of equals
            return best[0] / best[1] * top, top, True
        case "one of":
            chosen = [part for part in parts if part[2]]
            if len(chosen) != 1:
                raise Slow
            if not chosen[0][1]:
                return zero, zero, True  # the part that applies counts for nothing
            return chosen[0][0] / chosen[0][1] * top, top, True
        case _:
            assert_never(way)


def _total(
    parts: tuple[_Part, ...],
    full_pair: tuple[int, int],
    base_pair: tuple[int, int],
    extras: Fraction,
    negative: bool,
    limit: int,
) -> tuple[Fraction, bool]:
    """The total before its clauses and rounding, and whether it made an entry."""
    total, counted, entry = _sum_parts(parts, Fraction(*base_pair), limit)
    full = Fraction(*full_pair)
    if counted != full:
        if counted == 0:
            raise Slow
        total, entry = total * full / counted, True
    total = _within(_within(total, limit) + extras, limit)
    if total < 0 and not negative:
        total, entry = Fraction(0), True
    return total, entry


_HELPERS.update(_combine=_combine, _total=_total, _tuple=tuple)


def generate(plan: p.Plan) -> Callable[[Mapping[str, object]], tuple[Any, ...]]:
    """The scoring function of a plan, compiled from the ast this module builds for it."""
    function = _Generator(plan).function()
    module = ast.Module([function], type_ignores=[])
    ast.fix_missing_locations(module)
    code = compile(module, f"<rubric {plan.id}>", "exec")
    # The function is made from its code object, in a namespace of this module's helpers:
    # nothing is executed to define it.
    body = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    limits = plan.limits
    top, facts_top = ten_to(limits.exact_digits), ten_to(limits.fact_digits)
    namespace: dict[str, Any] = {"__builtins__": {}, **_HELPERS}
    namespace.update(_TOP=top, _NTOP=-top, _FTOP=facts_top)
    scorer: Callable[[Mapping[str, object]], tuple[Any, ...]]
    scorer = types.FunctionType(body, namespace, "score")
    return scorer


def source(plan: p.Plan) -> str:
    """The generated function as Python text, for reading only: never compiled."""
    module = ast.Module([_Generator(plan).function()], type_ignores=[])
    ast.fix_missing_locations(module)
    return ast.unparse(module)
