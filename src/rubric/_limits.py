"""Limits: how big a rubric and its facts may be, each checked cheaply before the work it bounds."""

from __future__ import annotations

import attrs

from rubric._i18n import _

__all__ = ["DEFAULT", "Limits"]


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 1:
        raise ValueError(
            _(
                "Limits.{name} must be a whole number of 1 or more: {value!r}",
                name=attribute.name,
                value=value,
            )
        )


def _limit(default: int) -> int:
    return attrs.field(default=default, validator=_positive, kw_only=True)


@attrs.frozen
class Limits:
    """Every bound rubric puts on its input; the defaults are far beyond any real rubric.

    Each is enforced by one stage (docs/limits.md says which), cheaply and before the work it
    bounds, and a rubric or facts past one is refused with an error naming the limit. Software
    that embeds rubric and needs more passes its own: `Limits(table_arms=1000)`.
    """

    # Reading a rubric: the parser.
    file_bytes: int = _limit(10_000_000)  # a rubric's text, in bytes of UTF-8
    line_chars: int = _limit(50_000)  # characters on one line
    literal_digits: int = _limit(1_000)  # digits of one number literal
    list_items: int = _limit(1_000)  # items of one [list], level {…} or set of {…}
    table_arms: int = _limit(200)  # arms of one 'points by' table
    expression_depth: int = _limit(64)  # operations one line's syntax tree nests
    parentheses: int = _limit(12)  # parentheses nested on one line
    ids: int = _limit(50_000)  # groups and indicators in one rubric
    id_chars: int = _limit(200)  # characters of one id or declared name
    errors: int = _limit(100)  # problems reported before "… and N more problems"
    # Checking a rubric: the checker.
    places: int = _limit(10)  # decimal places of the 'round' line
    id_depth: int = _limit(16)  # levels of one dotted id
    value_chain: int = _limit(200)  # values built on values, one on another
    # Checking and scoring: exact arithmetic.
    exact_digits: int = _limit(10_000)  # digits of an exact intermediate value
    # Facts.
    fact_digits: int = _limit(1_000)  # digits of one fact's value


DEFAULT = Limits()
