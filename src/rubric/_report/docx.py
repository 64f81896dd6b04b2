"""DOCX reports (python-docx): real headings and tables, fonts set for Chinese (w:eastAsia)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, assert_never

from rubric._evaluation.units import missing_extra
from rubric._report.contents import Bullets, Chart, Document, Paragraph, Table

__all__ = ["write_docx"]

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
_TONES = {"g0": "E8F5E9", "g1": "E3F2FD", "g2": "FFF3E0", "g3": "FFEBEE", "g4": "F3E5F5",
          "group": "F2F2F2", "flag": "FFF0F0"}  # fmt: skip


def write_docx(document: Document, path: Path) -> Path:
    """Write the document as a Word file: A4, headings, tables with a header row."""
    try:
        import docx
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt, RGBColor
    except ImportError:
        raise missing_extra("python-docx", "writing .docx reports") from None
    word = docx.Document()
    page = word.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.left_margin = page.right_margin = Mm(20)
    page.top_margin = page.bottom_margin = Mm(20)
    _fonts(word.styles["Normal"], BODY_FONT, Pt(10.5))
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Subtitle"):
        _fonts(word.styles[name], HEADING_FONT, None, RGBColor(0x8B, 0x1A, 0x1A))
    _fonts(word.styles["List Bullet"], BODY_FONT, Pt(10.5))
    word.core_properties.title = document.title
    word.core_properties.subject = document.subtitle
    word.add_heading(document.title, level=0)
    word.add_paragraph(document.subtitle)
    facts = word.add_table(rows=0, cols=2)
    facts.style = word.styles["Table Grid"]
    for name, value in document.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = name, value
        cells[0].paragraphs[0].runs[0].bold = True
    for section in document.sections:
        word.add_heading(section.heading, level=max(section.level - 1, 1))
        for block in section.blocks:
            match block:
                case Paragraph():
                    paragraph = word.add_paragraph()
                    run = paragraph.add_run(block.text)
                    if block.style == "note":
                        run.font.size = Pt(9)
                        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
                case Bullets():
                    for item in block.items:
                        word.add_paragraph(item, style="List Bullet")
                case Table():
                    _table(word, block, WD_ALIGN_PARAGRAPH, Pt)
                case Chart():
                    note = word.add_paragraph()
                    run = note.add_run(f"{block.caption}（图见 HTML 报告）")
                    run.italic = True
                    run.font.size = Pt(9)
                case _:
                    assert_never(block)
    word.save(str(path))
    return path


def _fonts(style: Any, east_asian: str, size: Any, colour: Any = None) -> None:
    """Set a style's Latin and East Asian fonts, dropping theme fonts that would override them."""
    from docx.oxml.ns import qn

    style.font.name = LATIN_FONT
    if size is not None:
        style.font.size = size
    if colour is not None:
        style.font.color.rgb = colour
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asian)


def _table(word: Any, block: Table, align: Any, points: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if block.caption:
        caption = word.add_paragraph()
        caption.add_run(block.caption).bold = True
    table = word.add_table(rows=1, cols=len(block.header))
    table.style = word.styles["Table Grid"]
    alignment = {"left": align.LEFT, "right": align.RIGHT, "center": align.CENTER}
    header = table.rows[0]
    # The header row repeats on every page the table runs over.
    header_props = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for cell, text in zip(header.cells, block.header, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = points(9)
        _shade(cell, "D9E1F2")
    for row in block.rows:
        cells = table.add_row().cells
        for column, (cell, text) in enumerate(zip(cells, row.cells, strict=True)):
            paragraph = cell.paragraphs[0]
            shown = "　" * row.indent + text if column == 0 else text
            run = paragraph.add_run(shown)
            run.font.size = points(9)
            run.bold = row.tone == "group"
            paragraph.alignment = alignment[block.align[column]]
            if row.tone in _TONES:
                _shade(cell, _TONES[row.tone])


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
