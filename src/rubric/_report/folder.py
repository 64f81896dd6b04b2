"""The report folder: 总报告, 分报告, 问题整改清单, 汇总.xlsx and evaluation.json, in one go."""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rubric._evaluation.evaluation import Comparison, Evaluation, Standing
    from rubric._evaluation.units import Unit
    from rubric._report.contents import Document, Losses
    from rubric._result import Result

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
    from rubric._evaluation.evaluation import json_chunks, passing
    from rubric._report import contents
    from rubric._report.docx import write_docx
    from rubric._report.html import write_html
    from rubric._report.markdown import write_markdown
    from rubric._report.xlsx import write_workbooks

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    comparison: Comparison | None = evaluation.compare(compare) if compare is not None else None
    written: list[Path] = []
    overall = contents.overall_report(evaluation, comparison, date=date)
    written.append(write_html(overall, folder / "总报告.html"))
    written.append(write_markdown(overall, folder / "总报告.md"))
    written.append(write_docx(overall, folder / "总报告.docx"))

    # Each unit's explanation is read once, here, for evaluation.json and the 整改清单 both.
    # The 分报告 read every unit's anyway: then the results keep theirs for them. Without
    # them, each is read from a copy of the result and dropped once written, in flat memory.
    reasons: dict[str, Losses] = {}

    def explained(standing: Standing) -> Result:
        result = standing.result if unit_reports else passing(standing)
        reasons[standing.unit.id] = contents.losses_of(evaluation, standing.unit.id, result)
        return result

    json_path = folder / "evaluation.json"
    with json_path.open("w", encoding="utf-8") as out:
        for chunk in json_chunks(evaluation, comparison, result_of=explained, one_per_line=True):
            out.write(chunk)
        out.write("\n")
    written += write_workbooks(
        evaluation,
        folder / "汇总.xlsx",
        folder / "问题整改清单.xlsx",
        comparison,
        date=date,
        losses=reasons.__getitem__,
    )
    written.append(write_markdown(_rectification(evaluation, reasons), folder / "问题整改清单.md"))
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


def _rectification(evaluation: Evaluation, reasons: Mapping[str, Losses]) -> Document:
    from rubric._report import contents
    from rubric._report.contents import Document, Paragraph, Section

    rubric = evaluation.rubric
    rows = [row for unit in evaluation.scored for row in reasons[unit.id]]
    text = (
        f"共{len(evaluation.ranking)}个单位、{len(rows)}项失分指标，按单位排列，"
        "同一单位内按失分从多到少。整改措施、责任单位和整改时限由各单位填写。"
    )
    table = contents.rectification_table(rows, with_unit=True)
    return Document(
        "问题整改清单",
        rubric.title,
        (("评价依据", f"《{rubric.title}》"),),
        (Section("清单", (Paragraph(text), table)),),
    )
