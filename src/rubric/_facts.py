"""Facts: the declared shape of each fact, validation of given facts, and facts files."""

from __future__ import annotations

import functools
import math
import numbers
import operator
import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from rubric._i18n import N_, _, translate
from rubric._limits import DEFAULT, Limits
from rubric._numbers import integer_text, plain
from rubric._text import LINE, shortened
from rubric._values import Adjustment, Value
from rubric._wording import OPS
from rubric.errors import FactProblem, FactsError

__all__ = ["Bound", "FactSpec", "load_facts", "validate"]

_BOUND_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


# Marked for translation here, translated where a problem is worded (rubric._i18n).
_KINDS = {
    "bool": N_("true or false"),
    "count": N_("a count (a whole number, 0 or more)"),
    "number": N_("a number"),
    "level": N_("one of the words"),
    "set": N_("a list of distinct, non-empty texts"),
    "adjustment": N_('an adjustment such as {"points": -1.5, "reason": "…"}, or 0'),
}


@attrs.frozen
class Bound:
    """A bound on a count or number fact: a constant, or another fact."""

    op: str
    value: Fraction | None
    fact: str | None

    def describe(self) -> str:
        target = self.fact if self.fact is not None else plain(self.value or Fraction(0), 28)
        return f"{OPS[self.op]} {target}"


@attrs.frozen
class FactSpec:
    """A declared fact: its name, type, allowed words, bounds, description and unit."""

    name: str
    kind: str
    description: str | None = None
    unit: str | None = None
    choices: tuple[str, ...] | None = None
    labels: tuple[tuple[str, str], ...] = ()
    bounds: tuple[Bound, ...] = ()
    step: Fraction | None = None
    optional: bool = False
    # A unit field (`field 类别: level {市, 县}`): given as a fact, which an evaluation fills
    # from the unit's own field of that name.
    field: bool = False

    def describe(self) -> str:
        """The type in words, as error messages show it."""
        text = translate(_KINDS[self.kind])
        if self.choices is not None:
            listed = ", ".join(self.choices)
            if self.kind == "level":
                return _("one of: {words}", words=listed)
            return _("{kind}, each one of: {words}", kind=text, words=listed)
        return text


def validate(
    specs: tuple[FactSpec, ...], given: Mapping[str, object], limits: Limits = DEFAULT
) -> dict[str, Value]:
    """Check and normalise facts; raise FactsError naming every offending fact.

    A number is held exactly, and refused if it has more than `limits.fact_digits` digits
    above or below the line as a fraction in lowest terms: ints, Decimals, floats and
    Fractions alike, each checked before any conversion that could take long.
    """
    if not isinstance(given, Mapping):
        raise FactsError(
            [
                FactProblem(
                    "",
                    _(
                        "facts must be a mapping of names to values, found {found}",
                        found=_kind_of(given),
                    ),
                )
            ]
        )
    known = {spec.name: spec for spec in specs}
    problems: list[FactProblem] = []
    values: dict[str, Value] = {}
    digits = limits.fact_digits
    for spec in specs:
        if spec.name not in given:
            if spec.optional:
                continue
            missing = _("missing; expected {kind}", kind=spec.describe())
            if spec.description:
                missing = _(
                    "{problem} ({description})", problem=missing, description=spec.description
                )
            if spec.field:
                missing = _("{problem}, the unit's field {name}", problem=missing, name=spec.name)
            problems.append(FactProblem(spec.name, missing))
            continue
        value, problem = _convert(spec, given[spec.name], digits)
        if problem:
            problems.append(FactProblem(spec.name, problem))
        else:
            values[spec.name] = value
    # Suggestions cost a comparison with every declared name: only for the first few.
    hints = limits.errors
    for name in given:
        if name not in known:
            if not isinstance(name, str):
                shown = shortened(repr(name))
                problems.append(FactProblem(shown, _("a fact name must be a text")))
                continue
            unknown = _("unknown fact")
            if hints > 0:
                hints -= 1
                import difflib  # only when a fact is misspelt

                close = difflib.get_close_matches(shortened(name, 200), list(known), n=1)
                if close:
                    unknown = _("unknown fact; did you mean '{name}'?", name=close[0])
            problems.append(FactProblem(name, unknown))
    for spec in specs:
        if spec.name in values:
            problems.extend(_check_bounds(spec, values))
    if problems:
        raise FactsError(problems)
    return values


def _too_long(digits: int) -> str:
    return _("has more than {digits} digits, more than any fact may hold", digits=digits)


def _convert(spec: FactSpec, raw: object, digits: int) -> tuple[Any, str]:
    """Return the normalised value and '', or None and what is wrong."""
    if spec.kind == "adjustment":
        return _to_adjustment(raw, spec, digits)
    if spec.kind in ("count", "number"):
        exact = _exact(raw, digits)
        if isinstance(exact, _Long):
            return None, _too_long(digits)
        value: Any = _to_count(raw, exact) if spec.kind == "count" else exact
        if value is not None and spec.kind == "number":
            value = Fraction(value)
    else:
        value = _CONVERTERS[spec.kind](raw)
    if value is None:
        return None, _(
            "expected {spec_kind}, found {found}",
            spec_kind=spec.describe(),
            found=_kind_of(raw),
        )
    if spec.step is not None and isinstance(value, Fraction) and value % spec.step:
        return None, _(
            "must be in steps of {show}, found {show2}", show=_show(spec.step), show2=_show(value)
        )
    if spec.kind == "level" and spec.choices is not None and value not in spec.choices:
        return None, _(
            "expected one of: {items}, found {found}",
            items=", ".join(spec.choices),
            found=_kind_of(raw),
        )
    if spec.kind == "set":
        if len(value) != len(raw):  # type: ignore[arg-type]
            return None, _("lists an item twice: {found}", found=_kind_of(raw))
        if spec.choices is not None:
            unknown = sorted(item for item in value if item not in spec.choices)
            if unknown:
                listed = shortened(", ".join(repr(u) for u in unknown[:LINE]))
                return None, (
                    _(
                        "has {listed}, not among the allowed items ({items})",
                        listed=listed,
                        items=", ".join(spec.choices),
                    )
                )
    return value, ""


class _Long:
    """What a number with more digits than a fact may hold converts to."""


_LONG = _Long()


@functools.lru_cache(maxsize=16)
def ten_to(digits: int) -> int:
    """10**digits, the least number of more than `digits` digits; worked out once per limit."""
    power: int = 10**digits
    return power


def _exact(raw: object, digits: int) -> int | Fraction | _Long | None:
    """A number given as a fact, exactly (an integral one as an int); None if it is no number,
    _LONG if it has more than `digits` digits above or below the line, in lowest terms."""
    top = ten_to(digits)
    exact: Fraction | None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, numbers.Integral):
        value = int(raw)
        return value if -top < value < top else _LONG
    if isinstance(raw, Fraction):
        exact = raw
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            return None
        exact = _decimal_fraction(raw, digits)
        if exact is None:
            return _LONG
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            return None
        # A float arrives as the decimal it prints as: 0.1 stays 0.1, never 0.1000000000000000055….
        exact = Fraction(Decimal(repr(raw)))
    else:
        return None
    if -top < exact.numerator < top and exact.denominator < top:
        return exact
    return _LONG


def _decimal_fraction(value: Decimal, digits: int) -> Fraction | None:
    """A finite Decimal as a Fraction, or None where that would have more than `digits` digits
    above or below the line: decided before converting more digits than such a value has."""
    if not value:
        return Fraction(0)
    adjusted = value.adjusted()
    if adjusted >= digits or adjusted < -digits:
        return None  # at least 10**digits, or a denominator over 10**digits
    # Its significant digits, without the zeros at either end. In lowest terms a value with more
    # than 13/3 × digits of them has a numerator or a denominator over the limit.
    mantissa = str(value).partition("E")[0]
    core = mantissa.lstrip("-").replace(".", "").strip("0")
    if len(core) > 13 * digits // 3 + 2:
        return None
    sign = "-" if value.is_signed() else ""
    return Fraction(Decimal(f"{sign}{core}E{adjusted - len(core) + 1}"))


def _to_bool(raw: object) -> bool | None:
    return raw if isinstance(raw, bool) else None


def _to_count(raw: object, exact: int | Fraction | _Long | None) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, numbers.Integral):
        return None
    assert isinstance(exact, int)
    return exact if exact >= 0 else None


def _to_level(raw: object) -> str | None:
    return raw if isinstance(raw, str) else None


def _to_adjustment(raw: object, spec: FactSpec, digits: int) -> tuple[Adjustment | None, str]:
    """An adjustment: its points, and the reason any points other than 0 must give."""
    if isinstance(raw, Adjustment):
        raw = {"points": raw.points, "reason": raw.reason}
    if not isinstance(raw, Mapping):
        points = _exact(raw, digits)
        if isinstance(points, _Long):
            return None, _too_long(digits)
        if points == 0:
            return Adjustment(Fraction(0), ""), ""
        if points is not None:
            return None, (
                _(
                    "gives {show} points without a reason; write it as "
                    '{{"points": {show}, "reason": "…"}}',
                    show=_show(points),
                )
            )
        return None, _(
            "expected {spec_kind}, found {found}",
            spec_kind=spec.describe(),
            found=_kind_of(raw),
        )
    extra = sorted(str(key) for key in raw if key not in ("points", "reason"))
    if extra:
        listed = shortened(", ".join(shortened(key) for key in extra[:LINE]))
        return None, _("has {listed}; an adjustment has only points and reason", listed=listed)
    found = _exact(raw.get("points"), digits)
    if isinstance(found, _Long):
        return None, _too_long(digits)
    if found is None:
        return None, _("needs points as a number, found {found}", found=_kind_of(raw.get("points")))
    points = Fraction(found)
    reason = raw.get("reason", "")
    if not isinstance(reason, str):
        return None, _("needs its reason as a text, found {found}", found=_kind_of(reason))
    if points and not reason.strip():
        return None, _('gives {show} points without a reason; add a "reason"', show=_show(points))
    if spec.step is not None and points % spec.step:
        return None, _(
            "must be in steps of {show}, found {show2}", show=_show(spec.step), show2=_show(points)
        )
    return Adjustment(points, reason.strip()), ""


def _to_set(raw: object) -> frozenset[str] | None:
    if not isinstance(raw, list | tuple | set | frozenset):
        return None
    if not all(isinstance(item, str) and item for item in raw):
        return None
    return frozenset(raw)


_CONVERTERS: dict[str, Callable[[object], Any]] = {
    "bool": _to_bool,
    "level": _to_level,
    "set": _to_set,
}


def _check_bounds(spec: FactSpec, values: Mapping[str, Value]) -> list[FactProblem]:
    problems: list[FactProblem] = []
    value = values[spec.name]
    if isinstance(value, Adjustment):
        value = value.points
    for bound in spec.bounds:
        target: Value | None
        if bound.fact is not None:
            if bound.fact not in values:
                continue  # the other fact is already reported
            target = values[bound.fact]
        else:
            target = bound.value
        if not _BOUND_TESTS[bound.op](value, target):
            words = {"bound": bound.describe(), "target": _show(target), "value": _show(value)}
            problems.append(
                FactProblem(
                    spec.name,
                    _("must be {bound}, found {value}", **words)
                    if bound.fact is None
                    else _("must be {bound} (which is {target}), found {value}", **words),
                )
            )
    return problems


def _show(value: object) -> str:
    if isinstance(value, Fraction):
        return plain(value, 28)
    if isinstance(value, int):
        return integer_text(value)
    return str(value)


def _kind_of(raw: object) -> str:
    """Show a value as it was given, in JSON terms where possible, at most a line long."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if raw is None:
        return "null"
    if isinstance(raw, str):
        import json

        text = json.dumps(shortened(raw), ensure_ascii=False)
        if len(raw) > LINE:
            return _("the text {text} ({count} characters)", text=text, count=len(raw))
        return _("the text {text}", text=text)
    if isinstance(raw, Decimal):
        if raw.is_finite() and (abs(raw.adjusted()) > LINE or len(str(raw)) > LINE):
            return _("a number of more than {LINE} digits", LINE=LINE)
        if raw.is_finite() and raw == raw.to_integral_value():
            return _(
                "the decimal number {raw}", raw=raw
            )  # 2.0 or 1E+2: whole, yet not written as a count
        return _("the number {raw}", raw=raw)
    if isinstance(raw, float):
        return _("the number {raw}", raw=raw)
    if isinstance(raw, Fraction):
        if max(raw.numerator.bit_length(), raw.denominator.bit_length()) > 3 * LINE:
            return _("a Fraction of more than {LINE} digits", LINE=LINE)
        return f"the Fraction {raw}"
    if isinstance(raw, numbers.Integral):
        value = int(raw)
        if value.bit_length() > 3 * LINE:
            return _("a whole number of more than {LINE} digits", LINE=LINE)
        return _("the number {value}", value=value)
    if isinstance(raw, list | tuple | set | frozenset):
        items = sorted(raw, key=str) if isinstance(raw, set | frozenset) else list(raw)
        import json

        shown = json.dumps([_jsonable(i) for i in items[:LINE]], ensure_ascii=False)
        if len(shown) > LINE:
            return _("the list {items} ({count} items)", items=shortened(shown), count=len(items))
        return _("the list {items}", items=shortened(shown))
    if isinstance(raw, Mapping):
        return _("an object")
    name = type(raw).__name__
    if name[:1].lower() in "aeiou":
        return _("an {type}", type=shortened(name))
    return _("a {type}", type=shortened(name))


def _jsonable(item: object, depth: int = 0) -> object:
    if isinstance(item, list | tuple):
        return [_jsonable(i, depth + 1) for i in item[:LINE]] if depth < 3 else "…"
    if isinstance(item, str):
        return shortened(item)
    if isinstance(item, int) and not isinstance(item, bool) and item.bit_length() > 3 * LINE:
        return "…"
    return item if isinstance(item, bool | int | None) else shortened(str(item))


# ---------------------------------------------------------------- facts files


def load_facts(path: str | os.PathLike[str]) -> dict[str, object]:
    """Read one object of facts from a .json or .toml file, numbers kept exact.

    A file that cannot be read raises OSError, as open() does; one that can but holds no valid
    object of facts raises FactsError.
    """
    from pathlib import Path

    path = Path(path)
    name = str(path)
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return _parse_toml(data, name)
    if suffix == ".json":
        return _parse_json(data, name)
    raise FactsError(
        [
            FactProblem(
                "",
                _(
                    "unknown kind of facts file {value!r}; use .json or .toml",
                    value=suffix or "(no suffix)",
                ),
            )
        ],
        name,
    )


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FactsError(
            [FactProblem("", _("not UTF-8 text: byte {start} cannot be read", start=exc.start))],
            name,
        ) from None


def _parse_json(data: bytes, name: str) -> dict[str, object]:
    import json

    text = _decode(data, name)
    # Keys given twice, by the object they are given in: the parsed value keeps each alive.
    twice: dict[int, list[str]] = {}

    def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
        found = dict(pairs)
        if len(found) != len(pairs):
            seen: set[str] = set()
            again: dict[str, None] = {}
            for key, _ in pairs:
                if key in seen:
                    again[key] = None
                seen.add(key)
            twice[id(found)] = list(again)
        return found

    try:
        # NaN and Infinity parse as Decimals here, to be refused by name with TOML's below.
        value = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=Decimal,
            parse_int=_json_int,
            object_pairs_hook=unique,
        )
    except json.JSONDecodeError as exc:
        problem = FactProblem(
            "",
            _(
                "line {lineno} column {colno}: invalid JSON: {msg}",
                lineno=exc.lineno,
                colno=exc.colno,
                msg=exc.msg,
            ),
        )
        raise FactsError([problem], name) from None
    except (ValueError, RecursionError) as exc:  # lists nested too deep
        raise FactsError(
            [FactProblem("", _("invalid JSON: {unreadable}", unreadable=_unreadable(exc)))], name
        ) from None
    repeated: list[FactProblem] = []
    if isinstance(value, dict) and twice:
        repeated = [FactProblem(key, _("given twice")) for key in twice.get(id(value), ())]
        for key, item in value.items():
            inside = _twice_inside(item, twice)
            if inside:
                listed = shortened(", ".join(repr(shortened(k)) for k in inside[:LINE]))
                repeated.append(
                    FactProblem(
                        key,
                        _("gives the keys {keys} twice", keys=listed)
                        if len(inside) > 1
                        else _("gives the key {keys} twice", keys=listed),
                    )
                )
    return _one_object(value, name, repeated)


def _json_int(text: str) -> int | Decimal:
    """A JSON integer: an int, or a Decimal where it is too long for Python to read as one
    quickly (validation then refuses it by its digits, as it refuses any long number)."""
    try:
        return int(text)
    except ValueError:
        return Decimal(text)


def _twice_inside(value: object, twice: Mapping[int, list[str]]) -> list[str]:
    """The keys given twice in any object inside a value, at any depth, without recursion."""
    found: dict[str, None] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.update(dict.fromkeys(twice.get(id(item), ())))
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return list(found)


def _parse_toml(data: bytes, name: str) -> dict[str, object]:
    text = _decode(data, name)
    try:
        import tomllib

        value = tomllib.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
        raise FactsError(
            [FactProblem("", _("invalid TOML: {unreadable}", unreadable=_unreadable(exc)))], name
        ) from None
    return _one_object(value, name)


def _one_object(
    value: object, name: str, repeated: list[FactProblem] | None = None
) -> dict[str, object]:
    if not isinstance(value, dict):
        raise FactsError(
            [
                FactProblem(
                    "", _("expected one object of facts, found {found}", found=_kind_of(value))
                )
            ],
            name,
        )
    problems = (repeated or []) + [
        FactProblem(key, _("holds {bad}, which is not a number facts may hold", bad=bad))
        for key, item in value.items()
        if (bad := _non_finite(item)) is not None
    ]
    if problems:
        raise FactsError(problems, name)
    return value


def _non_finite(value: object) -> Decimal | None:
    """The first NaN or infinity in a value, looking inside lists, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Decimal) and not item.is_finite():
            return item
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):  # an adjustment's points
            stack.extend(item.values())
    return None


def _unreadable(exc: Exception) -> str:
    return _("nested too deeply to read") if isinstance(exc, RecursionError) else str(exc)
