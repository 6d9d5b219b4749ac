"""Documents of an Integrated Action Plan: the plan as Word and PDF in the usual structure of
an URBACT Integrated Action Plan, the action table and the budget as XLSX.

`plan_report` reads the plan through the selectors (a fixed number of queries whatever its
size) and builds everything the two documents show, already formatted in the active language,
as a list of sections made of blocks (headings, texts, facts, tables, the chart). `plan_docx`
and `plan_pdf` only lay these blocks out, so both documents always say the same.

The action table's XLSX layout (`ACTION_COLUMNS`) is also the import format: a file exported
here imports again.
"""

import base64
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal, format_percent
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from di4c.core.i18n import current_language, format_money, format_number
from di4c.core.spreadsheets import safe_rows
from di4c.plans import selectors
from di4c.plans.models import ActionStatus, FundingKind, FundingStatus

DASH = "–"

# --- formatting in the reader's language ---------------------------------------------------


def _date(value: dt.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def _month(value: dt.date | None) -> str:
    return date_format(value, "YEAR_MONTH_FORMAT") if value else ""


def _period(start: dt.date | None, end: dt.date | None, month=_month) -> str:
    if start and end and end != start:
        return f"{month(start)} – {month(end)}"
    if start or end:
        return month(start or end)
    return DASH


def _plain(value) -> Decimal | None:
    """The number without trailing zeros: 20.00 -> 20, 29.30 -> 29.3."""
    if value is None or value == "":
        return None
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _number(value) -> str:
    value = _plain(value)
    return DASH if value is None else format_number(value)


def _score(value) -> str:
    """Maturity scores as the maturity pages show them: one decimal (50.0), out of 100."""
    if value in (None, ""):
        return DASH
    return format_decimal(Decimal(value), format="#,##0.0", locale=current_language())


def _percent(value) -> str:
    value = _plain(value)
    if value is None:
        return DASH
    return format_percent(value / 100, locale=current_language(), decimal_quantization=False)


def _money(value) -> str:
    return DASH if value is None else format_money(value)


def _with_date(value, on: dt.date | None) -> str:
    """'20 (1 January 2022)': a figure with the date it is for."""
    if value is None:
        return DASH
    return f"{_number(value)} ({_date(on)})" if on else _number(value)


# --- the report: what both documents show ---------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    footer: list[str] | None = None
    numeric: frozenset[int] = field(default_factory=frozenset)  # right-aligned columns


def _heading(text: str, level: int = 2) -> dict:
    return {"type": "heading", "level": level, "text": text}


def _text(text: str, label: str = "") -> dict:
    return {"type": "text", "text": text, "label": label}


def _note(text: str) -> dict:
    return {"type": "note", "text": text}


def _label(text: str) -> dict:
    return {"type": "label", "text": text}


def _facts(rows: list[tuple[str, str]]) -> dict:
    return {"type": "facts", "rows": [(label, value or DASH) for label, value in rows]}


def _table(table: Table) -> dict:
    return {"type": "table", "table": table}


def _list(entries: list[str]) -> dict:
    return {"type": "list", "entries": entries}


def _texts(pairs: list[tuple[str, str]]) -> list[dict]:
    """Labelled texts, leaving out the empty ones."""
    return [_text(text.strip(), label) for label, text in pairs if text and text.strip()]


def radar_chart(dimensions: list[tuple[str, Decimal]]) -> bytes:
    """A radar chart of the dimension scores (0-100), as PNG bytes."""
    import math
    import textwrap

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    values = [float(score) for _name, score in dimensions]
    angles = [2 * math.pi * index / len(values) for index in range(len(values))]
    figure = Figure(figsize=(7, 6), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(projection="polar")
    figure.subplots_adjust(left=0.22, right=0.78, bottom=0.14, top=0.86)
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)  # clockwise from the top, as the dimensions are read
    closed = [*angles, angles[0]], [*values, values[0]]
    axes.plot(*closed, color="#1f5f8b", linewidth=2)
    axes.fill(*closed, color="#1f5f8b", alpha=0.25)
    axes.set_ylim(0, 100)
    axes.set_yticks([20, 40, 60, 80, 100])
    axes.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="#555555")
    axes.set_rlabel_position(math.degrees(angles[1]) / 2 if len(angles) > 1 else 0)
    axes.set_xticks(angles)
    axes.set_xticklabels([])
    axes.grid(color="#bbbbbb", linewidth=0.6)
    # Each name outside the circle, aligned away from it, so that none runs over the chart.
    for angle, (name, _score) in zip(angles, dimensions, strict=True):
        x, y = math.sin(angle), math.cos(angle)
        axes.text(
            angle,
            110,
            textwrap.fill(name, 24),
            fontsize=8,
            ha="left" if x > 0.1 else "right" if x < -0.1 else "center",
            va="bottom" if y > 0.1 else "top" if y < -0.1 else "center",
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _dimension_name(dimension: dict) -> str:
    return (dimension.get("name_i18n") or {}).get(current_language()) or dimension["name"]


def _baseline_blocks(plan) -> list[dict]:
    baseline = plan.baseline or {}
    maturity, services = baseline.get("maturity"), baseline.get("services")
    blocks = [_heading(_("Baseline"))]
    if not maturity and not services:
        return [*blocks, _note(_("No baseline has been taken yet."))]
    taken_on = dt.date.fromisoformat(baseline["taken_on"]) if baseline.get("taken_on") else None
    if taken_on:
        blocks.append(
            _note(_("Taken from the platform's figures on %(date)s.") % {"date": _date(taken_on)})
        )
    if maturity:
        validated = dt.date.fromisoformat(maturity["validated_on"])
        dimensions = [(_dimension_name(d), d["score"]) for d in maturity.get("dimensions", [])]
        blocks.append(_heading(_("Digital maturity"), 3))
        blocks.append(
            _facts(
                [
                    (
                        _("Assessment framework"),
                        f"{maturity.get('framework_name', '')} {maturity.get('version', '')}",
                    ),
                    (_("Assessment validated on"), _date(validated)),
                    (_("Overall score"), f"{_score(maturity.get('overall'))} / 100"),
                ]
            )
        )
        if dimensions:
            blocks.append(
                _table(
                    Table(
                        [_("Dimension"), _("Score (0–100)")],
                        [[name, _score(score)] for name, score in dimensions],
                        numeric=frozenset({1}),
                    )
                )
            )
            png = radar_chart([(name, Decimal(score)) for name, score in dimensions])
            blocks.append(
                {
                    "type": "image",
                    "png": png,
                    "uri": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                    "alt": _(
                        "Radar chart of the maturity scores by dimension, out of 100; the "
                        "scores are in the table above."
                    ),
                    "caption": _("Maturity scores by dimension (assessment of %(date)s)")
                    % {"date": _date(validated)},
                }
            )
    if services:
        blocks.append(
            _heading(
                _("Digitalisation of public services (%(year)s)") % {"year": services["year"]}, 3
            )
        )
        blocks.append(
            _facts(
                [
                    (_("Services in the catalogue"), _number(services.get("services"))),
                    (
                        _("Services available online (level 3 or more, ISO 37122)"),
                        _percent(services.get("online_share")),
                    ),
                    (
                        _("Key services fully online (EU 2030 target: 100 %)"),
                        _percent(services.get("key_fully_online_share")),
                    ),
                    (_("Average level"), _number(services.get("average_level"))),
                    (_("Uptake: requests made online"), _percent(services.get("uptake"))),
                ]
            )
        )
    return blocks


def _indicator_table(indicators) -> Table:
    rows = []
    for indicator in indicators:
        trend = selectors.indicator_trend(indicator)
        latest = trend.latest
        rows.append(
            [
                indicator.name,
                indicator.unit or DASH,
                _with_date(indicator.baseline_value, indicator.baseline_on),
                _with_date(indicator.target_value, indicator.target_on),
                indicator.data_source or DASH,
                _with_date(latest.value, latest.measured_on) if latest else DASH,
                _percent(trend.share_of_way),
            ]
        )
    return Table(
        [
            _("Result indicator"),
            _("Unit"),
            _("Baseline"),
            pgettext("indicator value", "Target"),
            _("Data source"),
            _("Latest measurement"),
            _("Way to the target"),
        ],
        rows,
    )


def _objective_blocks(objective, progress, level: int) -> list[dict]:
    blocks = [_heading(f"{objective.code} {objective.title}", level)]
    blocks += _texts(
        [
            (_("The problem it answers"), objective.problem),
            (_("Description"), objective.description),
        ]
    )
    blocks.append(
        _facts([(_("Progress of its actions"), _percent(progress.objectives.get(objective.pk)))])
    )
    indicators = list(objective.indicators.all())
    if indicators:
        blocks.append(_table(_indicator_table(indicators)))
    return blocks


def _action_row(action) -> list[str]:
    return [
        action.code,
        action.title,
        action.objective.code,
        action.lead_department or DASH,
        _period(action.starts_on, action.ends_on),
        _money(action.estimated_cost),
        action.get_status_display(),
        _percent(action.progress),
    ]


def _funding_text(action) -> str:
    parts = []
    for funding in action.fundings.all():
        source = funding.get_kind_display()
        if funding.name:
            source = f"{source} – {funding.name}"
        parts.append(f"{source}: {_money(funding.amount)} ({funding.get_status_display().lower()})")
    return "; ".join(parts)


def _action_blocks(action) -> list[dict]:
    contact = action.contact_person
    if action.contact_email:
        contact = f"{contact} <{action.contact_email}>" if contact else action.contact_email
    blocks = [_heading(f"{action.code} {action.title}")]
    blocks += _texts([(_("Description"), action.description)])
    blocks.append(
        _facts(
            [
                (_("Objective"), f"{action.objective.code} {action.objective.title}"),
                (_("Lead department"), action.lead_department),
                (_("Contact person"), contact),
                (_("Start – end"), _period(action.starts_on, action.ends_on)),
                (_("Estimated cost"), _money(action.estimated_cost)),
                (_("Funding"), _funding_text(action)),
                (_("Status"), action.get_status_display()),
                (_("Progress"), _percent(action.progress)),
            ]
        )
    )
    blocks += _texts(
        [
            (_("Partners involved"), action.partners),
            (_("Local group stakeholders involved"), action.stakeholders),
        ]
    )
    outputs = list(action.outputs.all())
    if outputs:
        blocks.append(_label(_("Output indicators")))
        blocks.append(
            _table(
                Table(
                    [_("Output"), _("Unit"), pgettext("indicator value", "Target"), _("Achieved")],
                    [
                        [o.name, o.unit or DASH, _number(o.target), _number(o.achieved)]
                        for o in outputs
                    ],
                    numeric=frozenset({2, 3}),
                )
            )
        )
    tests = list(action.tests.all())
    if tests:
        blocks.append(_label(_("Small-scale test actions")))
        blocks.append(
            _table(
                Table(
                    [_("What was tried"), _("When"), _("What was learned")],
                    [
                        [t.title, _period(t.tried_from, t.tried_until, _date), t.learned or DASH]
                        for t in tests
                    ],
                )
            )
        )
    return blocks


def _budget_blocks(tree, money) -> list[dict]:
    blocks = [
        _facts(
            [
                (_("Total cost"), _money(money.total_cost)),
                (_("Secured"), _money(money.secured)),
                (_("Applied for"), _money(money.applied)),
                (_("Planned"), _money(money.planned)),
                (_("Share secured"), _percent(money.secured_share)),
                (_("Unfunded gap (not secured yet)"), _money(money.unfunded_gap)),
            ]
        )
    ]
    if any(a.status == ActionStatus.CANCELLED for a in tree.actions):
        blocks.append(_note(_("Cancelled actions are left out of the budget.")))
    blocks.append(_heading(_("By funding source")))
    if money.by_kind:
        blocks.append(
            _table(
                Table(
                    [_("Source"), _("Secured"), _("Applied for"), _("Planned"), _("Total")],
                    [
                        [
                            str(row["label"]),
                            _money(row[FundingStatus.SECURED]),
                            _money(row[FundingStatus.APPLIED]),
                            _money(row[FundingStatus.PLANNED]),
                            _money(row["total"]),
                        ]
                        for row in money.by_kind
                    ],
                    footer=[
                        _("Total"),
                        _money(money.secured),
                        _money(money.applied),
                        _money(money.planned),
                        _money(money.secured + money.applied + money.planned),
                    ],
                    numeric=frozenset({1, 2, 3, 4}),
                )
            )
        )
    else:
        blocks.append(_note(_("No funding source has been entered yet.")))
    blocks.append(_heading(_("By year")))
    if money.by_year:
        blocks.append(_note(_("The cost of each action is spread evenly over the months it runs.")))
        blocks.append(
            _table(
                Table(
                    [_("Year"), _("Cost"), _("Secured"), _("Gap")],
                    [
                        [
                            str(row["year"]),
                            _money(row["cost"]),
                            _money(row["secured"]),
                            _money(row["gap"]),
                        ]
                        for row in money.by_year
                    ],
                    numeric=frozenset({1, 2, 3}),
                )
            )
        )
    else:
        blocks.append(_note(_("No action has dates yet.")))
    blocks.append(_heading(_("Actions with no secured funding")))
    if money.unsecured_actions:
        blocks.append(
            _list(
                [
                    f"{a.code} {a.title} ({_money(a.estimated_cost)})"
                    for a in money.unsecured_actions
                ]
            )
        )
    else:
        blocks.append(_note(_("Every action with a cost has secured funding.")))
    return blocks


def _risk_blocks(tree) -> list[dict]:
    risks = selectors.all_risks(tree)
    if not risks:
        return [_note(_("No risk has been entered yet."))]
    return [
        _note(_("Sorted by score: likelihood × impact, each from 1 to 5.")),
        _table(
            Table(
                [
                    _("Action"),
                    _("Risk"),
                    _("Likelihood"),
                    _("Impact"),
                    _("Score"),
                    _("Mitigation"),
                    _("Owner"),
                ],
                [
                    [
                        action.code,
                        risk.description,
                        str(risk.likelihood),
                        str(risk.impact),
                        str(risk.score),
                        risk.mitigation or DASH,
                        risk.owner or DASH,
                    ]
                    for action, risk in risks
                ],
                numeric=frozenset({2, 3, 4}),
            )
        ),
    ]


def _monitoring_blocks(tree) -> list[dict]:
    blocks = []
    for objective in tree.all_objectives():
        for indicator in objective.indicators.all():
            trend = selectors.indicator_trend(indicator)
            blocks.append(_heading(f"{objective.code} – {indicator.name}"))
            blocks.append(
                _facts(
                    [
                        (_("Unit"), indicator.unit),
                        (
                            _("Baseline"),
                            _with_date(indicator.baseline_value, indicator.baseline_on),
                        ),
                        (
                            pgettext("indicator value", "Target"),
                            _with_date(indicator.target_value, indicator.target_on),
                        ),
                        (_("Data source"), indicator.data_source),
                        (_("Frequency"), indicator.get_frequency_display()),
                        (_("Measured from"), indicator.get_binding_display()),
                        (_("Way to the target"), _percent(trend.share_of_way)),
                    ]
                )
            )
            measurements = list(indicator.measurements.all())
            if measurements:
                blocks.append(
                    _table(
                        Table(
                            [_("Date"), _("Value"), _("Note")],
                            [
                                [_date(m.measured_on), _number(m.value), m.note or DASH]
                                for m in measurements
                            ],
                            numeric=frozenset({1}),
                        )
                    )
                )
            else:
                blocks.append(_note(_("No measurement yet.")))
    if not blocks:
        blocks.append(_note(_("No result indicator has been set yet.")))
    return blocks


def plan_report(plan) -> dict:
    """Everything the plan's Word and PDF documents show, formatted in the active language:
    the cover and eight sections of blocks. A fixed number of queries whatever the plan size."""
    plan = selectors.plan_detail(plan.pk)
    tree = selectors.plan_tree(plan)
    progress = selectors.rollup(tree)
    money = selectors.budget(tree)

    cover = [
        (_("City"), plan.organisation.display_name),
        (_("Network"), f"{plan.network.acronym} – {plan.network.display_name}"),
        (_("Status"), plan.get_status_display()),
    ]
    if plan.adopted_on:
        cover.append((_("Adopted by the city council on"), _date(plan.adopted_on)))
    if plan.adoption_reference:
        cover.append((_("Council decision reference"), plan.adoption_reference))
    cover.append((_("Progress of the actions"), _percent(progress.plan)))
    cover.append((_("Exported on"), _date(timezone.localdate())))

    vision = _texts(
        [
            (_("The headline of tomorrow's newspaper"), plan.vision_headline),
            (_("The story behind the headline"), plan.vision_story),
        ]
    ) or [_note(_("The vision has not been written yet."))]
    context = _texts([("", plan.context)]) or [_note(_("The context has not been written yet."))]

    objectives = []
    for strategic in tree.objectives:
        objectives += _objective_blocks(strategic, progress, 2)
        for specific in strategic.specific:
            objectives += _objective_blocks(specific, progress, 3)

    action_table = [
        _facts(
            [
                (_("Progress of the plan"), _percent(progress.plan)),
                (_("Progress roll-up"), plan.get_weighting_display()),
            ]
        ),
        _table(
            Table(
                [
                    _("Code"),
                    _("Title"),
                    _("Objective"),
                    _("Lead department"),
                    _("Start – end"),
                    _("Cost"),
                    _("Status"),
                    _("Progress"),
                ],
                [_action_row(action) for action in tree.actions],
                numeric=frozenset({5, 7}),
            )
        ),
    ]
    implementation = [block for action in tree.actions for block in _action_blocks(action)]

    no_objective = [_note(_("No objective has been set yet."))]
    no_action = [_note(_("No action has been entered yet."))]
    sections = [
        (_("Vision"), vision, False),
        (_("Context and baseline"), context + _baseline_blocks(plan), False),
        (_("Objectives"), objectives or no_objective, False),
        (_("Action table"), action_table if tree.actions else no_action, True),
        (_("Implementation framework"), implementation or no_action, False),
        (_("Budget"), _budget_blocks(tree, money), False),
        (_("Risks"), _risk_blocks(tree), True),
        (_("Monitoring"), _monitoring_blocks(tree), False),
    ]
    return _printable(
        {
            "language": current_language(),
            "title": plan.title,
            "subtitle": _("Integrated Action Plan"),
            "cover": cover,
            "sections": [
                {"title": f"{number}. {title}", "blocks": blocks, "wide": wide}
                for number, (title, blocks, wide) in enumerate(sections, start=1)
            ],
        }
    )


def _printable(value):
    """The report with the control characters (but tab and line breaks) that neither Word nor
    a PDF can show dropped from its texts: text pasted from elsewhere may hold some."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_printable(item) for item in value)
    if isinstance(value, Table):
        return Table(
            _printable(value.header),
            _printable(value.rows),
            _printable(value.footer),
            value.numeric,
        )
    return value


# --- Word --------------------------------------------------------------------------------------

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


def plan_docx(plan) -> bytes:
    """The plan as a Word document: a cover, then the eight sections of an URBACT Integrated
    Action Plan, with real headings and tables."""
    from docx import Document

    report = plan_report(plan)
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


# --- PDF ---------------------------------------------------------------------------------------


def plan_pdf(plan) -> bytes:
    """The plan as PDF, the same structure as the Word document, from plans/plan_pdf.html."""
    import weasyprint

    html = render_to_string("plans/plan_pdf.html", {"report": plan_report(plan)})
    # Tagged (headings, tables, the chart's text alternative) for screen readers.
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)


# --- spreadsheets ------------------------------------------------------------------------------

FUNDING_COLUMNS = list(FundingKind.values)
# The action table's layout, which is also the import format.
ACTION_COLUMNS = [
    "code",
    "objective",
    "title",
    "description",
    "lead_department",
    "contact_person",
    "contact_email",
    "starts_on",
    "ends_on",
    "estimated_cost",
    "status",
    "progress",
    *FUNDING_COLUMNS,
    "funding_status",
]
# When a source is split between statuses, its one status is the least advanced one: the
# table never shows money as secured that is not.
STATUS_ORDER = [FundingStatus.PLANNED, FundingStatus.APPLIED, FundingStatus.SECURED]
MONEY_FORMAT = "#,##0.00"


def _num(value):
    return float(value) if value is not None else None


def _yyyy_mm(value: dt.date | None) -> str | None:
    return f"{value:%Y-%m}" if value else None


def _workbook_bytes(workbook: Workbook) -> bytes:
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _money_columns(sheet, columns: list[int]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for index in columns:
            row[index].number_format = MONEY_FORMAT


def action_rows(tree) -> list[list]:
    """One row per action in the ACTION_COLUMNS layout (not yet made safe for a sheet)."""
    rows = []
    for action in tree.actions:
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        statuses: dict[str, str] = {}
        for funding in action.fundings.all():
            amounts[funding.kind] += funding.amount
            known = statuses.get(funding.kind)
            if known is None or STATUS_ORDER.index(funding.status) < STATUS_ORDER.index(known):
                statuses[funding.kind] = funding.status
        rows.append(
            [
                action.code,
                action.objective.code,
                action.title,
                action.description,
                action.lead_department,
                action.contact_person,
                action.contact_email,
                _yyyy_mm(action.starts_on),
                _yyyy_mm(action.ends_on),
                _num(action.estimated_cost),
                action.status,
                action.progress,
                *[_num(amounts[kind]) if kind in amounts else None for kind in FUNDING_COLUMNS],
                "; ".join(
                    f"{kind}={statuses[kind]}" for kind in FUNDING_COLUMNS if kind in statuses
                ),
            ]
        )
    return rows


def actions_xlsx(plan) -> bytes:
    """The action table, one row per action; the same layout imports again."""
    tree = selectors.plan_tree(plan)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(ACTION_COLUMNS)
    for row in safe_rows(action_rows(tree)):
        sheet.append(row)
    first_money = ACTION_COLUMNS.index("estimated_cost")
    _money_columns(sheet, [first_money, *[ACTION_COLUMNS.index(kind) for kind in FUNDING_COLUMNS]])
    for letter, width in {"B": 10, "C": 40, "D": 50, "E": 24, "F": 22, "G": 26}.items():
        sheet.column_dimensions[letter].width = width
    return _workbook_bytes(workbook)


def budget_xlsx(plan) -> bytes:
    """The budget: by funding source, by year and by action (cancelled actions left out)."""
    tree = selectors.plan_tree(plan)
    money = selectors.budget(tree)
    workbook = Workbook()
    sources = workbook.active
    sources.title = "By source"
    sources.append(["source", "secured", "applied", "planned", "total"])
    rows = [
        [
            str(row["label"]),
            _num(row[FundingStatus.SECURED]),
            _num(row[FundingStatus.APPLIED]),
            _num(row[FundingStatus.PLANNED]),
            _num(row["total"]),
        ]
        for row in money.by_kind
    ]
    for row in safe_rows(rows):
        sources.append(row)
    sources.append(
        [
            "total",
            _num(money.secured),
            _num(money.applied),
            _num(money.planned),
            _num(money.secured + money.applied + money.planned),
        ]
    )
    _money_columns(sources, [1, 2, 3, 4])
    sources.column_dimensions["A"].width = 50

    years = workbook.create_sheet("By year")
    years.append(["year", "cost", "secured", "gap"])
    for row in money.by_year:
        years.append([row["year"], _num(row["cost"]), _num(row["secured"]), _num(row["gap"])])
    _money_columns(years, [1, 2, 3])

    actions = workbook.create_sheet("Actions")
    actions.append(["code", "title", "cost", "secured", "applied", "planned", "no secured funding"])
    unsecured = {action.pk for action in money.unsecured_actions}
    rows = []
    for action in tree.actions:
        if action.status == ActionStatus.CANCELLED:
            continue
        by_status = {status: Decimal(0) for status in FundingStatus.values}
        for funding in action.fundings.all():
            by_status[funding.status] += funding.amount
        rows.append(
            [
                action.code,
                action.title,
                _num(action.estimated_cost),
                _num(by_status[FundingStatus.SECURED]),
                _num(by_status[FundingStatus.APPLIED]),
                _num(by_status[FundingStatus.PLANNED]),
                "yes" if action.pk in unsecured else "no",
            ]
        )
    for row in safe_rows(rows):
        actions.append(row)
    _money_columns(actions, [2, 3, 4, 5])
    actions.column_dimensions["B"].width = 50
    return _workbook_bytes(workbook)
