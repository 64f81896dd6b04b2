"""DOCX reports (python-docx): real headings and tables, fonts set for Chinese (w:eastAsia)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, assert_never
from xml.sax.saxutils import escape

from rubric._evaluation.units import missing_extra
from rubric._report.contents import Bullets, Chart, Document, Paragraph, Row, Table

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
        from docx.oxml import parse_xml
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
    # The body is built as WordprocessingML text and parsed once: python-docx's own calls look
    # styles up by name each time, which takes seconds over the 分报告 of a few dozen units.
    body = [_paragraph(document.title, "Title"), _paragraph(document.subtitle, "Subtitle")]
    facts = tuple(Row(fact, "group") for fact in document.facts)
    body.append(_table(Table(("项目", "内容"), facts, ("left", "left"))))
    for section in document.sections:
        body.append(_paragraph(section.heading, f"Heading{max(section.level - 1, 1)}"))
        for block in section.blocks:
            match block:
                case Paragraph():
                    small = block.style == "note"
                    body.append(_paragraph(block.text, size=18 if small else 0, grey=small))
                case Bullets():
                    body.extend(_paragraph(item, "ListBullet") for item in block.items)
                case Table():
                    if block.caption:
                        body.append(_paragraph(block.caption, bold=True))
                    body.append(_table(block))
                case Chart():
                    text = f"{block.caption}（图见 HTML 报告）"
                    body.append(_paragraph(text, size=18, italic=True))
                case _:
                    assert_never(block)
    parsed = parse_xml(f"<w:body {_NAMESPACE}>{''.join(body)}</w:body>")
    end = word.element.body.sectPr
    for element in list(parsed):
        end.addprevious(element)
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


def _paragraph(
    text: str,
    style: str = "",
    *,
    size: int = 0,
    bold: bool = False,
    italic: bool = False,
    grey: bool = False,
) -> str:
    """A paragraph in a style (by id: Title, Heading1, ListBullet), sizes in half-points."""
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    run = "".join(
        (
            "<w:b/>" if bold else "",
            "<w:i/>" if italic else "",
            '<w:color w:val="555555"/>' if grey else "",
            f'<w:sz w:val="{size}"/>' if size else "",
        )
    )
    return (
        f'<w:p>{props}<w:r><w:rPr>{run}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t>'
        "</w:r></w:p>"
    )


def _table(block: Table) -> str:
    """A table in the Table Grid style, its header row repeated on each page."""
    columns = len(block.header)
    grid = "".join("<w:gridCol/>" for _ in range(columns))
    rows = [_row(block.header, ["center"] * columns, "header", 0)]
    rows += [_row(row.cells, block.align, row.tone, row.indent) for row in block.rows]
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


_NAMESPACE = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _row(cells: Sequence[str], align: Sequence[str], tone: str, indent: int) -> str:
    header = tone == "header"
    fill = "D9E1F2" if header else _TONES.get(tone)
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    bold = "<w:b/>" if header or tone == "group" else ""
    parts = ["<w:tr>", "<w:trPr><w:tblHeader/></w:trPr>" if header else ""]
    for column, text in enumerate(cells):
        shown = "　" * indent + text if column == 0 else text
        parts.append(
            f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/>{shade}</w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="{align[column]}"/>'
            f'</w:pPr><w:r><w:rPr>{bold}<w:sz w:val="18"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(shown)}</w:t></w:r></w:p></w:tc>'
        )
    parts.append("</w:tr>")
    return "".join(parts)
