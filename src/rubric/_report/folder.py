"""The report folder: 总报告, 分报告, 问题整改清单, 汇总.xlsx and evaluation.json, in one go."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rubric._evaluation.evaluation import Comparison, Evaluation
    from rubric._evaluation.units import Unit
    from rubric._report.contents import Document

__all__ = ["write_report"]


def write_report(
    evaluation: Evaluation,
    directory: str | os.PathLike[str],
    *,
    compare: Evaluation | None = None,
    unit_reports: bool = True,
    date: datetime.date | None = None,
) -> tuple[Path, ...]:
    """Write every report of an evaluation into directory; return the files written.

    compare is the same units' self-assessment (自评), compared against this evaluation as
    verification. unit_reports=False leaves out the 分报告, for very many units.
    """
    # Imported here: `import rubric` stays light, and reports need the whole package loaded.
    from rubric._report import contents
    from rubric._report.docx import write_docx
    from rubric._report.html import write_html
    from rubric._report.markdown import write_markdown
    from rubric._report.xlsx import write_rectification, write_summary

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    comparison: Comparison | None = evaluation.compare(compare) if compare is not None else None
    written: list[Path] = []
    overall = contents.overall_report(evaluation, comparison, date=date)
    written.append(write_html(overall, folder / "总报告.html"))
    written.append(write_markdown(overall, folder / "总报告.md"))
    written.append(write_docx(overall, folder / "总报告.docx"))
    written.append(write_summary(evaluation, folder / "汇总.xlsx", comparison, date=date))
    written.append(write_rectification(evaluation, folder / "问题整改清单.xlsx"))
    written.append(write_markdown(_rectification(evaluation), folder / "问题整改清单.md"))
    json_path = folder / "evaluation.json"
    json_path.write_text(evaluation.to_json(comparison) + "\n", encoding="utf-8")
    written.append(json_path)
    if unit_reports and evaluation.ranking:
        units = folder / "分报告"
        units.mkdir(exist_ok=True)
        for standing in evaluation.ranking:
            document = contents.unit_report(evaluation, standing.unit.id, comparison, date=date)
            stem = units / file_stem(standing.unit)
            written.append(write_html(document, stem.with_suffix(".html")))
            written.append(write_markdown(document, stem.with_suffix(".md")))
            written.append(write_docx(document, stem.with_suffix(".docx")))
    return tuple(written)


def file_stem(unit: Unit) -> str:
    """A file name for a unit's report: its id and name, without characters files cannot hold."""
    name = unit.label if unit.label == unit.id else f"{unit.id}_{unit.label}"
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "unit"


def _rectification(evaluation: Evaluation) -> Document:
    from rubric._report import contents
    from rubric._report.contents import Document, Paragraph, Section

    rubric = evaluation.rubric
    shortfalls = evaluation.shortfalls()
    text = (
        f"共{len(evaluation.ranking)}个单位、{len(shortfalls)}项失分指标，按单位排列，"
        "同一单位内按失分从多到少。整改措施、责任单位和整改时限由各单位填写。"
    )
    table = contents.rectification_table(shortfalls, with_unit=True)
    return Document(
        "问题整改清单",
        rubric.title,
        (("评价依据", f"《{rubric.title}》"),),
        (Section("清单", (Paragraph(text), table)),),
    )
