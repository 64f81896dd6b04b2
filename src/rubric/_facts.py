"""Facts: the declared shape of each fact, validation of given facts, and facts files."""

from __future__ import annotations

import math
import numbers
import operator
import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from rubric._numbers import plain
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


_KINDS = {
    "bool": "true or false",
    "count": "a count (a whole number, 0 or more)",
    "number": "a number",
    "level": "one of the words",
    "set": "a list of distinct, non-empty texts",
    "adjustment": 'an adjustment such as {"points": -1.5, "reason": "…"}, or 0',
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

    def describe(self) -> str:
        """The type in words, as error messages show it."""
        text = _KINDS[self.kind]
        if self.choices is not None:
            listed = ", ".join(self.choices)
            text = f"one of: {listed}" if self.kind == "level" else f"{text}, each one of: {listed}"
        return text


def validate(specs: tuple[FactSpec, ...], given: Mapping[str, object]) -> dict[str, Value]:
    """Check and normalise facts; raise FactsError naming every offending fact."""
    if not isinstance(given, Mapping):
        raise FactsError(
            [
                FactProblem(
                    "", f"facts must be a mapping of names to values, found {_kind_of(given)}"
                )
            ]
        )
    known = {spec.name: spec for spec in specs}
    problems: list[FactProblem] = []
    values: dict[str, Value] = {}
    for spec in specs:
        if spec.name not in given:
            if spec.optional:
                continue
            what = f" ({spec.description})" if spec.description else ""
            problems.append(FactProblem(spec.name, f"missing; expected {spec.describe()}{what}"))
            continue
        value, problem = _convert(spec, given[spec.name])
        if problem:
            problems.append(FactProblem(spec.name, problem))
        else:
            values[spec.name] = value
    for name in given:
        if name not in known:
            if not isinstance(name, str):
                problems.append(FactProblem(repr(name), "a fact name must be a text"))
                continue
            import difflib  # only when a fact is misspelt

            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(FactProblem(name, f"unknown fact{hint}"))
    for spec in specs:
        if spec.name in values:
            problems.extend(_check_bounds(spec, values))
    if problems:
        raise FactsError(problems)
    return values


def _convert(spec: FactSpec, raw: object) -> tuple[Any, str]:
    """Return the normalised value and '', or None and what is wrong."""
    if spec.kind == "number" and _too_long(raw):
        # 1e100000000 is a valid decimal, but turning it exact would take minutes.
        return None, f"has more than {MAX_DIGITS} digits, more than any fact may hold"
    if spec.kind == "adjustment":
        return _to_adjustment(raw, spec)
    convert = _CONVERTERS[spec.kind]
    value = convert(raw)
    if value is None:
        return None, f"expected {spec.describe()}, found {_kind_of(raw)}"
    if spec.step is not None and isinstance(value, Fraction) and value % spec.step:
        return None, f"must be in steps of {_show(spec.step)}, found {_show(value)}"
    if spec.kind == "level" and spec.choices is not None and value not in spec.choices:
        return None, f"expected one of: {', '.join(spec.choices)}, found {_kind_of(raw)}"
    if spec.kind == "set":
        if len(value) != len(raw):  # type: ignore[arg-type]
            return None, f"lists an item twice: {_kind_of(raw)}"
        if spec.choices is not None:
            unknown = sorted(item for item in value if item not in spec.choices)
            if unknown:
                return None, (
                    f"has {', '.join(repr(u) for u in unknown)}, not among the allowed items "
                    f"({', '.join(spec.choices)})"
                )
    return value, ""


MAX_DIGITS = 1000


def _too_long(raw: object) -> bool:
    if isinstance(raw, Decimal) and raw.is_finite():
        return abs(raw.adjusted()) > MAX_DIGITS or len(raw.as_tuple().digits) > MAX_DIGITS
    if isinstance(raw, Fraction):
        return max(raw.numerator.bit_length(), raw.denominator.bit_length()) > 4 * MAX_DIGITS
    return False


def _to_bool(raw: object) -> bool | None:
    return raw if isinstance(raw, bool) else None


def _to_count(raw: object) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, numbers.Integral):
        return None
    value = int(raw)
    return value if value >= 0 else None


def _to_number(raw: object) -> Fraction | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, numbers.Integral):
        return Fraction(int(raw))
    if isinstance(raw, Fraction):
        return raw
    if isinstance(raw, Decimal):
        return Fraction(raw) if raw.is_finite() else None
    if isinstance(raw, float):
        # A float arrives as the decimal it prints as: 0.1 stays 0.1, never 0.1000000000000000055….
        return Fraction(Decimal(repr(raw))) if math.isfinite(raw) else None
    return None


def _to_level(raw: object) -> str | None:
    return raw if isinstance(raw, str) else None


def _to_adjustment(raw: object, spec: FactSpec) -> tuple[Adjustment | None, str]:
    """An adjustment: its points, and the reason any points other than 0 must give."""
    if isinstance(raw, Adjustment):
        raw = {"points": raw.points, "reason": raw.reason}
    if _too_long(raw.get("points") if isinstance(raw, Mapping) else raw):
        return None, f"has more than {MAX_DIGITS} digits, more than any fact may hold"
    if not isinstance(raw, Mapping):
        points = _to_number(raw)
        if points == 0:
            return Adjustment(Fraction(0), ""), ""
        if points is not None:
            return None, (
                f"gives {_show(points)} points without a reason; write it as "
                f'{{"points": {_show(points)}, "reason": "…"}}'
            )
        return None, f"expected {spec.describe()}, found {_kind_of(raw)}"
    extra = sorted(str(key) for key in raw if key not in ("points", "reason"))
    if extra:
        return None, f"has {', '.join(extra)}; an adjustment has only points and reason"
    points = _to_number(raw.get("points"))
    if points is None:
        return None, f"needs points as a number, found {_kind_of(raw.get('points'))}"
    reason = raw.get("reason", "")
    if not isinstance(reason, str):
        return None, f"needs its reason as a text, found {_kind_of(reason)}"
    if points and not reason.strip():
        return None, f'gives {_show(points)} points without a reason; add a "reason"'
    if spec.step is not None and points % spec.step:
        return None, f"must be in steps of {_show(spec.step)}, found {_show(points)}"
    return Adjustment(points, reason.strip()), ""


def _to_set(raw: object) -> frozenset[str] | None:
    if not isinstance(raw, list | tuple | set | frozenset):
        return None
    if not all(isinstance(item, str) and item for item in raw):
        return None
    return frozenset(raw)


_CONVERTERS: dict[str, Callable[[object], Any]] = {
    "bool": _to_bool,
    "count": _to_count,
    "number": _to_number,
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
            shown = f" (which is {_show(target)})"
        else:
            target, shown = bound.value, ""
        if not _BOUND_TESTS[bound.op](value, target):
            problems.append(
                FactProblem(spec.name, f"must be {bound.describe()}{shown}, found {_show(value)}")
            )
    return problems


def _show(value: object) -> str:
    if isinstance(value, Fraction):
        return plain(value, 28)
    return str(value)


def _kind_of(raw: object) -> str:
    """Show a value as it was given, in JSON terms where possible."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if raw is None:
        return "null"
    if isinstance(raw, str):
        import json

        return f"the text {json.dumps(raw, ensure_ascii=False)}"
    if isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        return f"the decimal number {raw}"  # 2.0 or 1E+2: whole, yet not written as a count
    if isinstance(raw, float | Decimal):
        return f"the number {raw}"
    if isinstance(raw, Fraction):
        return f"the Fraction {raw}"
    if isinstance(raw, numbers.Integral):
        return f"the number {Decimal(int(raw))}"
    if isinstance(raw, list | tuple | set | frozenset):
        items = sorted(raw, key=str) if isinstance(raw, set | frozenset) else list(raw)
        import json

        return "the list " + json.dumps([_jsonable(i) for i in items], ensure_ascii=False)
    if isinstance(raw, Mapping):
        return "an object"
    name = type(raw).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _jsonable(item: object, depth: int = 0) -> object:
    if isinstance(item, list | tuple):
        return [_jsonable(i, depth + 1) for i in item] if depth < 3 else "…"
    return item if isinstance(item, str | bool | int | None) else str(item)


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
                "", f"unknown kind of facts file {suffix or '(no suffix)'!r}; use .json or .toml"
            )
        ],
        name,
    )


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FactsError(
            [FactProblem("", f"not UTF-8 text: byte {exc.start} cannot be read")], name
        ) from None


def _parse_json(data: bytes, name: str) -> dict[str, object]:
    import json

    text = _decode(data, name)
    # Keys given twice, object by object; the outermost object, the facts, is parsed last.
    twice: list[list[str]] = []

    def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        twice.append([key for index, key in enumerate(keys) if key in keys[:index]])
        return dict(pairs)

    try:
        # NaN and Infinity parse as Decimals here, to be refused by name with TOML's below.
        value = json.loads(
            text, parse_float=Decimal, parse_constant=Decimal, object_pairs_hook=unique
        )
    except json.JSONDecodeError as exc:
        problem = FactProblem("", f"line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}")
        raise FactsError([problem], name) from None
    except (ValueError, RecursionError) as exc:  # a number too long, or lists nested too deep
        raise FactsError([FactProblem("", f"invalid JSON: {_unreadable(exc)}")], name) from None
    outermost = twice[-1] if twice else []
    repeated = [FactProblem(key, "given twice") for key in dict.fromkeys(outermost)]
    return _one_object(value, name, repeated)


def _parse_toml(data: bytes, name: str) -> dict[str, object]:
    text = _decode(data, name)
    try:
        import tomllib

        value = tomllib.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
        raise FactsError([FactProblem("", f"invalid TOML: {_unreadable(exc)}")], name) from None
    return _one_object(value, name)


def _one_object(
    value: object, name: str, repeated: list[FactProblem] | None = None
) -> dict[str, object]:
    if not isinstance(value, dict):
        raise FactsError(
            [FactProblem("", f"expected one object of facts, found {_kind_of(value)}")], name
        )
    problems = (repeated or []) + [
        FactProblem(key, f"holds {bad}, which is not a number facts may hold")
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
    return "nested too deeply to read" if isinstance(exc, RecursionError) else str(exc)
