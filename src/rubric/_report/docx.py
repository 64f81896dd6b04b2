"""DOCX reports: real headings and tables, fonts set for Chinese (w:eastAsia), A4.

python-docx makes the package once per process (its blank document, with our page, fonts and
styles); each report is then that package with its own body and title, written as a zip. The
body is WordprocessingML text: python-docx's calls look styles up by name each time and save
every part again, which took seconds over the 分报告 of a few dozen units.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, assert_never

from rubric._evaluation.units import missing_extra
from rubric._report.contents import Bullets, Chart, Document, Paragraph, Row, Table

__all__ = ["write_docx"]

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
_TONES = {"g0": "E8F5E9", "g1": "E3F2FD", "g2": "FFF3E0", "g3": "FFEBEE", "g4": "F3E5F5",
          "group": "F2F2F2", "flag": "FFF0F0"}  # fmt: skip
_DOCUMENT = "word/document.xml"
_CORE = "docProps/core.xml"


def write_docx(document: Document, path: Path) -> Path:
    """Write the document as a Word file: A4, headings, tables with a header row."""
    parts, before, after = _package()
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
    moment = _moment()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            if name == _DOCUMENT:
                data = "".join((before, *body, after)).encode()
            elif name == _CORE:
                data = _titled(data, document.title, document.subtitle)
            package.writestr(zipfile.ZipInfo(name, moment), data, zipfile.ZIP_DEFLATED)
    return path


@cache
def _package() -> tuple[dict[str, bytes], str, str]:
    """The parts of the blank document, and its document.xml before and after the body."""
    try:
        import docx
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
    properties = word.core_properties
    properties.author = properties.last_modified_by = "rubric"
    properties.comments = ""
    # Parts a report does not need, dropped so that each file is smaller and quicker to write:
    # Word 2010's copy of the styles, and the thumbnail of a blank page.
    dropped = ((word.part.rels, "stylesWithEffects"), (word.part.package.rels, "thumbnail"))
    for rels, kind in dropped:
        for key, rel in list(rels.items()):
            if rel.reltype.endswith("/" + kind):
                del rels[key]
    buffer = io.BytesIO()
    word.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    text = parts[_DOCUMENT].decode()
    at = text.index("<w:sectPr")
    return parts, text[:at], text[at:]


def _titled(core: bytes, title: str, subject: str) -> bytes:
    """The core properties with the document's title and subject."""
    text = core.decode()
    for tag, value in (("dc:title", title), ("dc:subject", subject)):
        empty, element = f"<{tag}/>", f"<{tag}>{_escape(value)}</{tag}>"
        assert empty in text, tag  # python-docx's blank document leaves both empty
        text = text.replace(empty, element)
    return text.encode()


def _moment() -> tuple[int, int, int, int, int, int]:
    """The files' time in the zip: SOURCE_DATE_EPOCH when set, for reproducible files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        when = datetime.datetime.fromtimestamp(max(int(epoch), 315532800), datetime.UTC)
    else:
        when = datetime.datetime.now()
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


# Characters XML 1.0 cannot hold, even escaped: a stray one in a cell would spoil the file.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    """Text for an XML element: &, < and > escaped, characters XML cannot hold left out."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _UNWRITABLE.sub("", text)


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
        f'<w:p>{props}<w:r><w:rPr>{run}</w:rPr><w:t xml:space="preserve">{_escape(text)}</w:t>'
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
            f'<w:t xml:space="preserve">{_escape(shown)}</w:t></w:r></w:p></w:tc>'
        )
    parts.append("</w:tr>")
    return "".join(parts)
