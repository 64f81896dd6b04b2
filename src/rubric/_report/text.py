"""The ranked summary as plain text aligned for Chinese characters, and as CSV."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from rubric.dsl.source import display_width

if TYPE_CHECKING:
    from rubric._evaluation.evaluation import Evaluation

__all__ = ["summary_csv", "summary_rows", "summary_text"]


def summary_rows(evaluation: Evaluation) -> tuple[list[str], list[list[str]], list[bool]]:
    """The summary's header, its rows as texts, and which columns hold numbers."""
    groups = [(i, n) for i, n in enumerate(evaluation.nodes) if n.depth == 1]
    categories = bool(evaluation.categories)
    header = ["名次", *(["类别内名次"] if categories else []), "编号", "单位"]
    header += [*(["类别"] if categories else []), "总分", "等级"]
    header += [g.title for _, g in groups]
    numeric = [True, *([True] if categories else []), False, False]
    numeric += [*([False] if categories else []), True, False] + [True] * len(groups)
    rows = []
    for s in evaluation.ranking:
        scores = evaluation.scores(s.unit.id)
        row = [str(s.rank)]
        if categories:
            row.append("" if s.category_rank is None else str(s.category_rank))
        row += [s.unit.id, s.unit.label]
        if categories:
            row.append(s.unit.category or "")
        row += [str(scores[0]), s.grade or ""]
        row += [str(scores[i]) for i, _ in groups]
        rows.append(row)
    return header, rows, numeric


def summary_text(evaluation: Evaluation) -> str:
    """The ranked summary: a title line, then columns padded by display width."""
    rubric = evaluation.rubric
    header, rows, numeric = summary_rows(evaluation)
    widths = [
        max(display_width(cell) for cell in column) for column in zip(header, *rows, strict=True)
    ]

    def line(cells: list[str]) -> str:
        padded = []
        for cell, width, right in zip(cells, widths, numeric, strict=True):
            pad = " " * (width - display_width(cell))
            padded.append(pad + cell if right else cell + pad)
        return "  ".join(padded).rstrip()

    version = f", {rubric.version}" if rubric.version else ""
    scored = len(evaluation.ranking)
    head = f"{rubric.title}  [{rubric.id}{version}]  {scored}个单位，满分{rubric.max}"
    if evaluation.errors:
        head += f"，另有{len(evaluation.errors)}个单位未评分"
    return "\n".join([head, "", line(header), *(line(row) for row in rows)])


def summary_csv(evaluation: Evaluation) -> str:
    """The ranked summary as CSV text (UTF-8 with BOM when written, for Excel)."""
    header, rows, _ = summary_rows(evaluation)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
