"""The plan as a Word document (python-docx), laid out from the report."""

import io

from di4c.plans.exports.blocks import Table, _facts
from di4c.plans.exports.report import plan_report

WORD_LANGUAGES = {"en": "en-GB", "ro": "ro-RO", "it": "it-IT"}


def _docx_setup(document, report: dict) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    language = WORD_LANGUAGES.get(report["language"], report["language"])
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for lang in defaults.iter(qn("w:lang")):
        lang.set(qn("w:val"), language)
    properties = document.core_properties
    properties.title = report["title"]
    properties.subject = report["subtitle"]
    properties.language = language
    properties.author = "di4c"

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(2)

    styles = document.styles
    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    cell.font.size = Pt(9)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    styles["Normal"].paragraph_format.space_after = Pt(6)

    # Footer: the plan's title and the page number (a field Word and LibreOffice update).
    paragraph = section.footer.paragraphs[0]
    paragraph.style = styles["Footer"]
    paragraph.add_run(f"{report['title']} · ")
    page = OxmlElement("w:fldSimple")
    page.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    page.append(run)
    paragraph._p.append(page)


def _docx_orientation(document, wide: bool) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION

    current = document.sections[-1]
    if (current.orientation == WD_ORIENT.LANDSCAPE) == wide:
        document.add_page_break()
        return
    section = document.add_section(WD_SECTION.NEW_PAGE)
    width, height = section.page_width, section.page_height
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = height, width


def _docx_table(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = document.styles["Table Grid"]

    # Set by id: python-docx's `paragraph.style = ...` scans every style of the document for
    # each cell, which made a 100-action plan take over two seconds.
    style_id = document.styles["Table Text"].style_id

    def fill(cells, values, bold=False):
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph._p.style = style_id
            paragraph.add_run(value).bold = bold or None
            if index in table.numeric and not (bold and index == 0):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    header = grid.rows[0]
    fill(header.cells, table.header, bold=True)
    for cell in header.cells:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "E4EEF5")
        cell._tc.get_or_add_tcPr().append(shading)
    # The header row repeats on each page the table runs over.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for row in table.rows:
        fill(grid.add_row().cells, row)
    if table.footer:
        fill(grid.add_row().cells, table.footer, bold=True)
    document.add_paragraph()


def _docx_block(document, block: dict) -> None:
    from docx.shared import Cm, Pt

    kind = block["type"]
    if kind == "heading":
        document.add_heading(block["text"], level=block["level"])
    elif kind == "text":
        paragraph = document.add_paragraph()
        if block["label"]:
            paragraph.add_run(block["label"]).bold = True
            paragraph.add_run("\n")
        paragraph.add_run(block["text"])
    elif kind == "note":
        document.add_paragraph().add_run(block["text"]).italic = True
    elif kind == "label":
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run(block["text"]).bold = True
    elif kind == "facts":
        rows = block["rows"]
        for index, (label, value) in enumerate(rows):
            paragraph = document.add_paragraph()
            last = index == len(rows) - 1
            paragraph.paragraph_format.space_after = Pt(10 if last else 0)
            paragraph.paragraph_format.keep_with_next = not last
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
    elif kind == "list":
        for entry in block["entries"]:
            document.add_paragraph(entry, style="List Bullet")
    elif kind == "table":
        _docx_table(document, block["table"])
    elif kind == "image":
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True  # with its caption
        shape = paragraph.add_run().add_picture(io.BytesIO(block["png"]), width=Cm(14))
        shape._inline.docPr.set("descr", block["alt"])  # the text alternative
        document.add_paragraph(block["caption"], style="Caption")
    else:  # pragma: no cover - a block kind added without its renderer
        raise ValueError(kind)


def plan_docx(plan, *, viewer=None) -> bytes:
    """The plan as a Word document: a cover, then the eight sections of an URBACT Integrated
    Action Plan, with real headings and tables; with a `viewer`, only what they may read (see
    `plan_report`)."""
    from docx import Document

    report = plan_report(plan, viewer=viewer)
    document = Document()
    _docx_setup(document, report)
    document.add_paragraph(report["title"], style="Title")
    document.add_paragraph(report["subtitle"], style="Subtitle")
    _docx_block(document, _facts(report["cover"]))
    for section in report["sections"]:
        _docx_orientation(document, section["wide"])
        document.add_heading(section["title"], level=1)
        for block in section["blocks"]:
            _docx_block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
