"""Charts as plain shapes (bars, cells, rules, labels), laid out here, drawn as SVG by a template.

Positions and colours are display geometry, not scores: they are computed in floats from
scores already rounded, and no figure a reader sees is read off them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from rubric.dsl.source import display_width

__all__ = [
    "Label",
    "Rect",
    "Rule",
    "Svg",
    "grade_bars",
    "heat_map",
    "ranking_bars",
    "score_bars",
]

GRADE_COLOURS = ("#2e7d32", "#1565c0", "#ef8f00", "#c62828", "#6a1b9a", "#455a64")
FONT = 12.0


@attrs.frozen
class Rect:
    """A filled rectangle, with a tooltip."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    tip: str = ""
    stroke: str = "none"


@attrs.frozen
class Label:
    """A line of text."""

    x: float
    y: float
    text: str
    anchor: Literal["start", "middle", "end"] = "start"
    size: float = FONT
    fill: str = "#222"
    bold: bool = False
    rotate: float = 0.0


@attrs.frozen
class Rule:
    """A straight line, solid or dashed."""

    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = "#999"
    dashed: bool = False


Shape = Rect | Label | Rule


@attrs.frozen
class Svg:
    """One chart: its size, what it shows in words, and its shapes."""

    width: float
    height: float
    title: str
    shapes: tuple[Shape, ...]

    @property
    def rects(self) -> tuple[Rect, ...]:
        return tuple(s for s in self.shapes if isinstance(s, Rect))

    @property
    def labels(self) -> tuple[Label, ...]:
        return tuple(s for s in self.shapes if isinstance(s, Label))

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(s for s in self.shapes if isinstance(s, Rule))


def grade_colour(index: int) -> str:
    """The colour of the grade at this place in the rubric's order, the top grade first."""
    return GRADE_COLOURS[index % len(GRADE_COLOURS)]


def text_width(text: str, size: float = FONT) -> float:
    """About how wide a text is drawn: a Chinese character is one em, a Latin one half."""
    return display_width(text) * size / 2


def grade_bars(rows: Sequence[tuple[str, int, str]], title: str) -> Svg:
    """A column per grade, its height the number of units; rows are (grade, count, share)."""
    width, height, left, top, bottom = 640.0, 230.0, 40.0, 24.0, 40.0
    most = max((count for _, count, _ in rows), default=0) or 1
    slot = (width - left - 10) / max(len(rows), 1)
    bar = min(slot * 0.55, 90)
    plot = height - top - bottom
    shapes: list[Shape] = [Rule(left, height - bottom, width - 10, height - bottom, "#666")]
    for index, (grade, count, share) in enumerate(rows):
        x = left + slot * index + (slot - bar) / 2
        h = plot * count / most
        y = height - bottom - h
        colour = grade_colour(index)
        shapes.append(Rect(x, y, bar, max(h, 0.5), colour, f"{grade}：{count}个（{share}）"))
        shapes.append(Label(x + bar / 2, y - 6, f"{count}个（{share}）", "middle", 11))
        shapes.append(Label(x + bar / 2, height - bottom + 18, grade, "middle", 13, bold=True))
    return Svg(width, height, title, tuple(shapes))


def ranking_bars(
    rows: Sequence[tuple[str, str, Decimal, int]],
    top: Decimal,
    thresholds: Sequence[tuple[str, Fraction]],
    title: str,
) -> Svg:
    """A bar per unit, longest first; rows are (label, total text, total, grade index)."""
    label_width = max((text_width(r[0]) for r in rows), default=60)
    left = min(label_width + 12, 240)
    width, head, line = 700.0, 26.0, 22.0
    plot = width - left - 56
    height = head + line * len(rows) + 12
    # A total above the rubric's max (a bonus) sets the scale, so that its bar fits.
    scale = float(max([top, *(r[2] for r in rows)])) or 1.0
    shapes: list[Shape] = []
    for name, value in thresholds:
        x = left + plot * float(value) / scale
        shapes.append(Rule(x, head - 6, x, height - 8, "#888", dashed=True))
        shapes.append(Label(x, head - 10, f"{name} {value}", "middle", 10, "#555"))
    for index, (name, shown, total, grade) in enumerate(rows):
        y = head + line * index
        length = max(plot * float(total) / scale, 0.5)
        shapes.append(Label(left - 8, y + 15, name, "end", FONT))
        shapes.append(Rect(left, y + 3, length, line - 7, grade_colour(grade), f"{name}：{shown}"))
        shapes.append(Label(left + length + 5, y + 15, shown, "start", 11))
    return Svg(width, height, title, tuple(shapes))


def rate_colour(rate: Fraction | None) -> str:
    """Red for 0 through yellow to green for full marks; grey where there is no rate."""
    if rate is None:
        return "#e0e0e0"
    share = min(max(float(rate), 0.0), 1.0)
    stops = ((0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80)))
    for (a, low), (b, high) in itertools.pairwise(stops):
        if share <= b:
            t = (share - a) / (b - a)
            rgb = (round(lo + (hi - lo) * t) for lo, hi in zip(low, high, strict=True))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#1a9850"


def heat_map(
    indicators: Sequence[str],
    units: Sequence[str],
    rates: Sequence[Sequence[Fraction | None]],
    title: str,
) -> Svg:
    """A cell per indicator (row) and unit (column), coloured by 得分率."""
    left = min(max((text_width(t, 11) for t in indicators), default=60) + 10, 200)
    head = min(max((text_width(u, 11) for u in units), default=40) * 0.75 + 16, 130)
    cell_w = max(min((700 - left) / max(len(units), 1), 40.0), 14.0)
    cell_h = 20.0
    # Unit names lean right at 45°: leave them room past the last column.
    width = left + cell_w * len(units) + head * 0.9
    height = head + cell_h * len(indicators) + 36
    shapes: list[Shape] = []
    for column, unit in enumerate(units):
        x = left + cell_w * column + cell_w / 2
        shapes.append(Label(x + 3, head - 6, unit, "start", 11, rotate=-45.0))
    for row, indicator in enumerate(indicators):
        y = head + cell_h * row
        shapes.append(Label(left - 6, y + 14, indicator, "end", 11))
        for column, unit in enumerate(units):
            rate = rates[row][column]
            x = left + cell_w * column
            shown = "不适用" if rate is None else f"{float(rate) * 100:.0f}%"
            shapes.append(
                Rect(
                    x,
                    y,
                    cell_w - 1,
                    cell_h - 1,
                    rate_colour(rate),
                    f"{unit} · {indicator}：{shown}",
                )
            )
            if cell_w >= 26 and rate is not None:
                ink = "#fff" if float(rate) < 0.2 or float(rate) > 0.85 else "#222"
                shapes.append(Label(x + cell_w / 2, y + 14, shown, "middle", 9, ink))
    legend_y = height - 22
    for step in range(11):
        rate = Fraction(step, 10)
        shapes.append(Rect(left + step * 24, legend_y, 24, 10, rate_colour(rate)))
    shapes.append(Label(left - 6, legend_y + 9, "得分率 0%", "end", 10))
    shapes.append(Label(left + 11 * 24 + 6, legend_y + 9, "100%", "start", 10))
    return Svg(width, height, title, tuple(shapes))


def score_bars(rows: Sequence[tuple[str, Decimal, Decimal]], title: str) -> Svg:
    """A bar per indicator, its score in a frame as long as its max; rows: (title, score, max)."""
    label_width = max((text_width(r[0]) for r in rows), default=60)
    left = min(label_width + 12, 220)
    width, line = 700.0, 22.0
    # A score above its max (an item's own bonus) is drawn past its frame, within the plot.
    top = max((float(max(r[1], r[2])) for r in rows), default=1.0) or 1.0
    plot = width - left - 90
    height = line * len(rows) + 14
    shapes: list[Shape] = []
    for index, (name, score, most) in enumerate(rows):
        y = 6 + line * index
        frame = plot * float(most) / top
        filled = plot * max(float(score), 0.0) / top
        rate = Fraction(score) / Fraction(most) if most > 0 else None
        shapes.append(Label(left - 8, y + 14, name, "end", FONT))
        shapes.append(Rect(left, y + 3, max(frame, 0.5), line - 7, "#f1f1f1", "", "#bbb"))
        shapes.append(
            Rect(
                left,
                y + 3,
                max(filled, 0.5),
                line - 7,
                rate_colour(rate),
                f"{name}：{score}/{most}",
            )
        )
        shapes.append(
            Label(left + max(frame, filled) + 6, y + 15, f"{score} / {most}", "start", 11)
        )
    return Svg(width, height, title, tuple(shapes))
