"""The report folder, each file read back: XLSX with calamine, DOCX with python-docx, HTML, JSON."""

from __future__ import annotations

import datetime
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import docx
import pytest
from python_calamine import CalamineWorkbook

import rubric
from conftest import ANHUI, EXAMPLES
from rubric.cli import main
from units_helpers import HEADER, TABLE_RUBRIC, table_rubric, write_csv

DAY = datetime.date(2020, 1, 20)


@pytest.fixture(scope="module")
def anhui() -> rubric.Rubric:
    return rubric.load(ANHUI)


@pytest.fixture(scope="module")
def verified(anhui: rubric.Rubric) -> rubric.Evaluation:
    return rubric.Evaluation(anhui, rubric.load_units(anhui, EXAMPLES / "evaluation_2019.xlsx"))


@pytest.fixture(scope="module")
def claimed(anhui: rubric.Rubric) -> rubric.Evaluation:
    units = rubric.load_units(anhui, EXAMPLES / "self_assessment_2019.csv")
    return rubric.Evaluation(anhui, units)


@pytest.fixture(scope="module")
def folder(
    tmp_path_factory: pytest.TempPathFactory,
    verified: rubric.Evaluation,
    claimed: rubric.Evaluation,
) -> Path:
    out = tmp_path_factory.mktemp("report") / "报告"
    rubric.write_report(verified, out, compare=claimed, date=DAY)
    return out


def sheet(path: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_the_folder_holds_every_report(folder: Path, verified: rubric.Evaluation) -> None:
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    units = [rubric._report.folder.file_stem(s.unit) for s in verified.ranking]
    expected = ["evaluation.json", "总报告.docx", "总报告.html", "总报告.md", "汇总.xlsx",
                "问题整改清单.md", "问题整改清单.xlsx"]  # fmt: skip
    expected += [f"分报告/{u}.{kind}" for u in units for kind in ("docx", "html", "md")]
    assert names == sorted(expected)
    assert "分报告/qingshan_青山市总工会.html" in names


def test_summary_workbook(folder: Path, verified: rubric.Evaluation) -> None:
    path = folder / "汇总.xlsx"
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["汇总", "指标得分", "整改清单", "比对", "说明"]
    rows = sheet(path, "汇总")
    assert rows[0] == ["名次", "类别内名次", "编号", "单位", "类别", "总分", "等级", "投入（20.00）",
                       "过程（30.00）", "产出（25.00）", "效果（25.00）"]  # fmt: skip
    assert len(rows) == 19
    for row, standing in zip(rows[1:], verified.ranking, strict=True):
        assert row[0] == standing.rank
        assert row[2:4] == [standing.unit.id, standing.unit.name]
        # Numbers are numbers, the very decimals of the scores.
        assert isinstance(row[5], float)
        assert Decimal(repr(row[5])) == standing.total
        assert row[6] == standing.grade
        assert Decimal(repr(row[10])) == standing.result["effect"].score
    scores = sheet(path, "指标得分")
    assert scores[0][:5] == ["名次", "编号", "单位", "总分", "绩效目标合理性（4.00）"]
    assert len(scores[0]) == 4 + 19
    first = verified.ranking[0]
    assert Decimal(repr(scores[1][4])) == first.result["input.setup.goal_rationality"].score
    notes = {row[0]: row[1] for row in sheet(path, "说明")[2:] if row[0]}
    assert notes["版本"] == "2019（试行）"
    assert notes["日期"] == "2020年1月20日"
    assert notes["等级"] == "优秀：总分≥85；良好：总分≥75；中等：总分≥60；差：其余"
    # Number formats, frozen header and grade colours are in the workbook's XML.
    xml = zipfile.ZipFile(path)
    assert 'formatCode="0.00"' in xml.read("xl/styles.xml").decode()
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in (
        xml.read("xl/worksheets/sheet1.xml").decode()
    )
    assert 'rgb="FFE8F5E9"' in xml.read("xl/styles.xml").decode()


def test_rectification_list(folder: Path, verified: rubric.Evaluation) -> None:
    rows = sheet(folder / "问题整改清单.xlsx", "整改清单")
    assert rows[0] == ["序号", "编号", "单位", "指标", "满分", "得分", "失分", "失分原因", "整改措施",
                       "责任单位", "整改时限"]  # fmt: skip
    shortfalls = verified.shortfalls()
    assert len(rows) == len(shortfalls) + 1
    baihe = [row for row in rows[1:] if row[1] == "baihe"]
    lost = [Decimal(repr(row[6])) for row in baihe]
    assert lost == sorted(lost, reverse=True)
    assert all(row[8:] == ["", "", ""] for row in rows[1:])
    coverage = next(row for row in baihe if row[3] == "产出 / 项目产出 / 保障情况")
    node = verified.results["baihe"]["output.delivery.coverage"]
    assert coverage[7] == next(r.text for r in node.explanation if r.kind == "per")
    assert "实际帮扶户数/帮扶目标任务数" in coverage[7]
    # Units in the order given, each unit's rows together.
    order = [row[1] for row in rows[1:]]
    given = [u.id for u in verified.units if u.id in order]
    assert list(dict.fromkeys(order)) == given
    assert sheet(folder / "汇总.xlsx", "整改清单") == rows


def test_comparison_sheet(
    folder: Path, verified: rubric.Evaluation, claimed: rubric.Evaluation
) -> None:
    rows = sheet(folder / "汇总.xlsx", "比对")
    assert rows[0] == ["编号", "单位", "指标", "自评", "核查", "差值（自评−核查）", "自评偏高"]
    totals = [row for row in rows[1:] if row[2] == "总分"]
    assert [row[0] for row in totals] == [u.id for u in verified.units if u.id in claimed.results]
    for row in totals:
        assert Decimal(repr(row[3])) == claimed.results[row[0]].total
        assert Decimal(repr(row[4])) == verified.results[row[0]].total
        assert row[6] == ("是" if row[3] > row[4] else "")


def test_docx_has_headings_tables_and_chinese_fonts(
    folder: Path, verified: rubric.Evaluation
) -> None:
    document = docx.Document(str(folder / "总报告.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、评价概况", "二、等级分布", "三、总分排名", "四、各指标得分情况",
                        "五、失分较多的指标", "六、自评与核查比对", "评价方法"]  # fmt: skip
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "安徽省困难职工帮扶民生工程绩效评价总报告"
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    assert len(ranking.rows) == 19
    first = verified.ranking[0]
    assert [c.text for c in ranking.rows[1].cells][:4] == [
        "1",
        "1",
        first.unit.name,
        first.unit.category,
    ]
    styles = zipfile.ZipFile(folder / "总报告.docx").read("word/styles.xml").decode()
    assert re.search(r'<w:rFonts [^>]*w:eastAsia="宋体"', styles)
    assert re.search(r'<w:rFonts [^>]*w:eastAsia="黑体"', styles)
    unit = docx.Document(str(folder / "分报告" / "baihe_白河县总工会.docx"))
    assert unit.paragraphs[0].text == "白河县总工会 绩效评价分报告"
    fix = next(t for t in unit.tables if t.rows[0].cells[-1].text == "整改时限")
    assert len(fix.rows) == len(verified.shortfalls("baihe")) + 1


def test_markdown_and_json(
    folder: Path, verified: rubric.Evaluation, claimed: rubric.Evaluation
) -> None:
    text = (folder / "总报告.md").read_text(encoding="utf-8")
    assert text.startswith("# 安徽省困难职工帮扶民生工程绩效评价总报告\n")
    first = verified.ranking[0]
    assert f"| 1 | 1 | {first.unit.name} | 市 | {first.total} | 优秀 |" in text
    unit = (folder / "分报告" / "baihe_白河县总工会.md").read_text(encoding="utf-8")
    assert "## 三、问题整改清单" in unit
    assert "距“中等”还差" in unit
    data = json.loads((folder / "evaluation.json").read_text(encoding="utf-8"))
    assert data == json.loads(verified.to_json(verified.compare(claimed)))


def test_html_is_self_contained(folder: Path) -> None:
    for path in [folder / "总报告.html", *sorted((folder / "分报告").glob("*.html"))]:
        page = path.read_text(encoding="utf-8")
        assert "<script" not in page
        links = re.findall(r"""(?:src|href)=["']([^"']+)""", page)
        assert links == []
        assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"] * (
            page.count("<svg")
        )
        assert "<style>" in page
        assert "@page { size: A4" in page


def test_report_from_the_command_line_with_a_bad_unit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    demo = tmp_path / "demo.rub"
    demo.write_text(TABLE_RUBRIC, encoding="utf-8")
    rows = [["单位", *HEADER[1:]], ["甲市", "是", 120, 95, 12, "无", "无", "无", 0],
            ["乙市", "也许", 120, 95, 12, "无", "无", "无", 0],
            ["丙市", "否", 120, 95, 12, "无", "无", "无", 0]]  # fmt: skip
    table = write_csv(tmp_path / "t.csv", rows)
    out = tmp_path / "out"
    code = main(["report", str(demo), str(table), "-o", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 1
    assert stdout == (
        f"{out}: 总报告 (.html .md .docx), 2 分报告, 问题整改清单 (.xlsx .md), 汇总.xlsx, "
        "evaluation.json; 2 units scored\n"
    )
    assert stderr == (
        "1 of 3 units not scored:\n"
        f"  {table} row 3 (乙市), column B “care” (care): expected 是 or 否 (or true/false, 1/0, "
        '√/×), found the text "也许"\n'
    )
    overall = (out / "总报告.md").read_text(encoding="utf-8")
    assert "## 未评分单位" in overall
    assert "row 3 (乙市), column B “care” (care)" in overall
    assert sheet(out / "汇总.xlsx", "未评分")[1][:4] == ["乙市", "乙市", f"{table} row 3", "care"]
    assert sorted(p.name for p in (out / "分报告").glob("*.html")) == ["丙市.html", "甲市.html"]


def test_report_without_unit_reports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["report", str(ANHUI), str(EXAMPLES / "evaluation_2019.csv"), "-o",
                 str(tmp_path), "--no-unit-reports"])  # fmt: skip
    assert code == 0
    assert "0 分报告" in capsys.readouterr().out
    assert not (tmp_path / "分报告").exists()


def test_json_has_a_unit_a_line(folder: Path, verified: rubric.Evaluation) -> None:
    lines = (folder / "evaluation.json").read_text(encoding="utf-8").splitlines()
    units = [json.loads(line.rstrip(",")) for line in lines if '"result": {' in line]
    assert [u["id"] for u in units] == [s.unit.id for s in verified.ranking]
    assert lines[:2] == ["{", '  "rubric": {']


def test_summary_rows_are_coloured_by_grade(folder: Path) -> None:
    xml = zipfile.ZipFile(folder / "汇总.xlsx").read("xl/worksheets/sheet1.xml").decode()
    rules = re.findall(r"<formula>([^<]*)</formula>", xml)
    assert rules == ['$G2="优秀"', '$G2="良好"', '$G2="中等"', '$G2="差"']
    assert '<conditionalFormatting sqref="A2:K19">' in xml
    compared = zipfile.ZipFile(folder / "汇总.xlsx").read("xl/worksheets/sheet4.xml").decode()
    assert re.findall(r"<formula>([^<]*)</formula>", compared) == [
        'AND($G2="是",$C2&lt;&gt;"总分")'
    ]


def count_explanations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each time a result's explanation is built (by the rubric's id)."""
    built: list[str] = []
    explain = rubric.Rubric._explanations

    def counted(self: rubric.Rubric, facts: Any) -> Any:
        built.append(self.id)
        return explain(self, facts)

    monkeypatch.setattr(rubric.Rubric, "_explanations", counted)
    return built


def test_explanations_are_read_once_a_unit_and_kept_only_for_unit_reports(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, anhui: rubric.Rubric
) -> None:
    units = rubric.load_units(anhui, EXAMPLES / "evaluation_2019.xlsx")
    built = count_explanations(monkeypatch)
    evaluation = rubric.Evaluation(anhui, units)
    rubric.write_report(evaluation, tmp_path / "all", date=DAY)
    assert len(built) == 18  # JSON, 整改清单 (XLSX, Markdown) and 分报告 share each one
    first = evaluation.ranking[0].result
    assert first["output.delivery.coverage"].explanation
    assert len(built) == 18  # kept on the results: the 分报告 read them all anyway
    built.clear()
    evaluation = rubric.Evaluation(anhui, units)
    rubric.write_report(evaluation, tmp_path / "big", unit_reports=False, date=DAY)
    assert len(built) == 18
    assert evaluation.ranking[0].result["output.delivery.coverage"].explanation
    assert len(built) == 19  # each was read from a copy, and went with it
    # A unit that lost no points needs no explanation for the workbooks.
    built.clear()
    demo = table_rubric()
    full = {"care": True, "aided": 120, "rate": 95, "spent": 12, "media": "national",
            "targets": ["living"], "factors": ["a", "b", "c", "d", "e"], "check": 0}  # fmt: skip
    pair = rubric.Evaluation(
        demo, [rubric.Unit("满", "满分", full), rubric.Unit("失", "失分", dict(full, rate=80))]
    )
    assert [len(pair.shortfalls(u)) for u in ("满", "失")] == [0, 1]
    rubric._report.xlsx.write_workbooks(pair, tmp_path / "s.xlsx", tmp_path / "r.xlsx")
    assert built == ["table_demo"]
    same = [
        sheet(tmp_path / "big" / name, "整改清单") for name in ("汇总.xlsx", "问题整改清单.xlsx")
    ]
    assert same[0] == same[1] == sheet(tmp_path / "all" / "问题整改清单.xlsx", "整改清单")


def test_docx_package(folder: Path, tmp_path: Path) -> None:
    package = zipfile.ZipFile(folder / "总报告.docx")
    names = package.namelist()
    assert names[0] == "[Content_Types].xml"
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
    document = docx.Document(str(folder / "分报告" / "baihe_白河县总工会.docx"))
    properties = document.core_properties
    assert (properties.title, properties.subject, properties.author) == (
        "白河县总工会 绩效评价分报告",
        "安徽省困难职工帮扶民生工程绩效评价指标（试行）",
        "rubric",
    )
    from rubric._report.contents import Document, Paragraph, Section
    from rubric._report.docx import write_docx

    odd = Document("A & B <c>\x0b", "s", (), (Section("一", (Paragraph("x\x01y & z"),)),))
    texts = [p.text for p in docx.Document(str(write_docx(odd, tmp_path / "o.docx"))).paragraphs]
    assert texts == ["A & B <c>", "s", "一", "xy & z"]


def test_titles_and_paths_are_not_broken_between_characters(folder: Path) -> None:
    page = (folder / "分报告" / "baihe_白河县总工会.html").read_text(encoding="utf-8")
    assert '<td class="left whole" style="padding-left: 2.8em">资金使用合规性</td>' in page
    assert '<td class="left whole">产出 / 项目产出 / 保障情况</td>' in page
    assert "td.whole { word-break: keep-all; }" in page


def test_the_rectification_workbook_is_the_summary_sheet_alone(
    folder: Path, verified: rubric.Evaluation, tmp_path: Path
) -> None:
    path = folder / "问题整改清单.xlsx"
    assert CalamineWorkbook.from_path(str(path)).sheet_names == ["整改清单"]
    # The same rows as a workbook xlsxwriter writes with that sheet alone.
    alone = rubric._report.xlsx.write_rectification(verified, tmp_path / "alone.xlsx")
    assert sheet(path, "整改清单") == sheet(alone, "整改清单")
    package = zipfile.ZipFile(path)
    parts = package.namelist()
    for name in parts:
        ElementTree.fromstring(package.read(name))  # every part is well-formed XML
    types = package.read("[Content_Types].xml").decode()
    assert all(f'PartName="/{name}"' in types for name in parts if not name.endswith(".rels")
               and name != "[Content_Types].xml")  # fmt: skip
    summary = zipfile.ZipFile(folder / "汇总.xlsx")
    # The cells' formats are the summary's: its styles come along unchanged.
    assert package.read("xl/styles.xml") == summary.read("xl/styles.xml")
    rows = len(verified.shortfalls()) + 1
    assert (
        '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"整改清单!$A$1:$K${rows}</definedName>"
    ) in package.read("xl/workbook.xml").decode()
    cells = package.read("xl/worksheets/sheet1.xml").decode()
    assert (
        cells.replace(' tabSelected="1"', "", 1)
        == summary.read("xl/worksheets/sheet3.xml").decode()
    )
    assert '<sheetView tabSelected="1" workbookViewId="0">' in cells


ITEM_BONUS = Path(__file__).resolve().parent.parent / "docs" / "examples" / "item_extra.rub"


def test_a_rubric_without_grades_and_a_score_above_its_max(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # An item's own bonus lifts 甲市's 任务完成 to 12 of 10; the rubric has no grade lines.
    table = tmp_path / "units.csv"
    table.write_text(
        "编号,单位,任务完成率,获省级以上表彰次数,被通报的问题数,按时报送总结\n"
        "u1,甲市,100,3,0,是\nu2,乙市,80,1,3,否\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["report", str(ITEM_BONUS), str(table), "-o", str(out)]) == 0
    capsys.readouterr()
    overview = (out / "总报告.md").read_text(encoding="utf-8")
    assert "## 二、等级分布\n\n本评分办法未设等级。" in overview
    assert "等级分布：" not in overview
    page = (out / "分报告" / "u1_甲市.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg") : page.index("</svg>")]
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))  # type: ignore[union-attr]
    # Every bar ends, and every label starts, inside the chart: 12 / 10 is drawn past its frame.
    bars = re.findall(r'<rect x="([\d.]+)"[^>]*width="([\d.]+)"', svg)
    labels = re.findall(r'<text x="([\d.]+)"', svg)
    assert len(bars) == 4 and len(labels) == 4  # a frame and a bar, a title and a label, twice
    for x, w in bars:
        assert float(x) + float(w) <= width
    for x in labels:
        assert float(x) < width - 40
    assert "12.00 / 10.00" in svg
