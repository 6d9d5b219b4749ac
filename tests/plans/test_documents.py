"""The plan's documents, opened again with the libraries a reader's program would use: the Word
document with python-docx, the spreadsheets with openpyxl, the PDF with pypdf."""

import io

import docx
import openpyxl
import pypdf
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from di4c.maturity.models import Assessment
from di4c.plans import exports, services
from di4c.plans.models import Funding, FundingKind
from di4c.services.models import IndexPublication
from tests.plans.conftest import build_plan

SECTIONS = [
    "1. Vision",
    "2. Context and baseline",
    "3. Objectives",
    "4. Action table",
    "5. Implementation framework",
    "6. Budget",
    "7. Risks",
    "8. Monitoring",
]
# The fixture's actions: 10,000 / 20,000 / 30,000 EUR, 60 % ERDF secured, 40 % municipal planned.
COSTS = {"A1": 10000, "A2": 20000, "A3": 30000}


def _docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def _table_with_header(document, first_cell: str, second_cell: str | None = None):
    for table in document.tables:
        header = [cell.text for cell in table.rows[0].cells]
        if header[0] == first_cell and (second_cell is None or header[1] == second_cell):
            return table
    raise AssertionError(f"no table starting with {first_cell!r}")


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


def _fact(document, label: str) -> str:
    """The value of a 'Label: value' line."""
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(f"{label}: "):
            return paragraph.text.removeprefix(f"{label}: ")
    raise AssertionError(f"no line {label!r}")


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- Word -----------------------------------------------------------------------------------


def test_word_document_has_the_iap_structure(botosani_plan):
    document = _docx(exports.plan_docx(botosani_plan))

    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "Botoșani Digital 2030"
    assert _fact(document, "City") == "Municipality of Botoșani"
    assert _fact(document, "Status") == "Draft"
    heading_1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert heading_1 == SECTIONS
    heading_2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert heading_2[:3] == ["Baseline", "SO1 A digital city hall", "SO2 Skilled civil servants"]
    assert "A2 Action number 2" in heading_2  # the implementation framework, per action
    assert "SO1 – Requests made online" in heading_2  # monitoring, per indicator
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Botoșani: every public service one click away" in text
    assert "A medium-sized city in north-east Romania." in text
    assert document.core_properties.title == "Botoșani Digital 2030"


def test_word_action_table_has_a_row_per_action(botosani_plan):
    document = _docx(exports.plan_docx(botosani_plan))

    table = _table_with_header(document, "Code", "Title")
    assert table.style.name == "Table Grid"
    header = [cell.text for cell in table.rows[0].cells]
    assert header == [
        "Code",
        "Title",
        "Objective",
        "Lead department",
        "Start – end",
        "Cost",
        "Status",
        "Progress",
    ]
    rows = _rows(table)
    assert [row[0] for row in rows] == ["A1", "A2", "A3"]
    assert [row[5] for row in rows] == ["€10,000", "€20,000", "€30,000"]
    assert rows[0][1] == "Action number 1"
    assert rows[0][2] == "SO2"  # odd actions go to the second strategic objective
    assert rows[1][2] == "SO1.1"
    assert rows[0][4] == "February 2023 – February 2024"
    assert rows[0][6] == "On track"
    assert rows[0][7] == "10%"


def test_word_budget_adds_up_the_fixture_funding(botosani_plan):
    document = _docx(exports.plan_docx(botosani_plan))

    assert _fact(document, "Total cost") == "€60,000"
    assert _fact(document, "Secured") == "€36,000"  # 60 % ERDF
    assert _fact(document, "Applied for") == "€0"
    assert _fact(document, "Planned") == "€24,000"  # 40 % municipal
    assert _fact(document, "Share secured") == "60%"
    assert _fact(document, "Unfunded gap (not secured yet)") == "€24,000"
    by_source = _table_with_header(document, "Source")
    rows = _rows(by_source)
    erdf = str(FundingKind.ERDF.label)
    municipal = str(FundingKind.MUNICIPAL.label)
    assert rows == [
        [erdf, "€36,000", "€0", "€0", "€36,000"],
        [municipal, "€0", "€0", "€24,000", "€24,000"],
        ["Total", "€36,000", "€0", "€24,000", "€60,000"],
    ]
    by_year = _rows(_table_with_header(document, "Year"))
    assert [row[0] for row in by_year] == ["2023", "2024"]
    # Every action has dates: the years share out the whole cost and secured money.
    as_number = lambda text: int(text.strip("€").replace(",", ""))  # noqa: E731
    assert sum(as_number(row[1]) for row in by_year) == 60000
    assert sum(as_number(row[2]) for row in by_year) == 36000
    assert "Every action with a cost has secured funding." in [p.text for p in document.paragraphs]


def test_word_lists_actions_without_secured_funding(botosani_plan):
    Funding.objects.filter(action__plan=botosani_plan, action__code="A2").update(status="applied")
    document = _docx(exports.plan_docx(botosani_plan))

    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["A2 Action number 2 (€20,000)"]
    assert _fact(document, "Secured") == "€24,000"
    assert _fact(document, "Applied for") == "€20,000"


def test_word_objectives_risks_and_monitoring(botosani_plan):
    document = _docx(exports.plan_docx(botosani_plan))

    indicators = _table_with_header(document, "Result indicator")
    assert _rows(indicators)[0] == [
        "Requests made online",
        "%",
        "20 (1 January 2022)",
        "60 (31 December 2026)",
        "City hall registry",
        "30 (31 December 2023)",
        "25%",  # from 20 to 30 of the way to 60
    ]
    risks = _rows(_table_with_header(document, "Action", "Risk"))
    # Scores: A1 2×4=8, A2 3×5=15, A3 4×1=4; the highest first.
    assert [(row[0], row[4]) for row in risks] == [("A2", "15"), ("A1", "8"), ("A3", "4")]
    assert risks[0][1:4] == ["Supplier late (2)", "3", "5"]
    assert risks[0][5:] == ["Penalty clause", "Procurement"]
    series = _rows(_table_with_header(document, "Date", "Value"))
    assert series[-1][:2] == ["31 December 2023", "30"]
    tests = _rows(_table_with_header(document, "What was tried"))
    assert tests[0] == ["Pilot with one desk", "1 March 2023 – 1 April 2023", "Citizens need help."]


def test_word_baseline_has_the_scores_and_the_radar_chart(botosani_plan):
    maturity = botosani_plan.baseline["maturity"]
    document = _docx(exports.plan_docx(botosani_plan))

    scores = _rows(_table_with_header(document, "Dimension"))
    assert [row[0] for row in scores] == [d["name"] for d in maturity["dimensions"]]
    assert scores[0][1] == f"{float(maturity['dimensions'][0]['score']):.1f}"
    assert _fact(document, "Overall score") == f"{float(maturity['overall']):.1f} / 100"
    assert len(document.inline_shapes) == 1
    image = document.inline_shapes[0]
    assert image._inline.docPr.get("descr").startswith("Radar chart")
    blob = document.part.related_parts[image._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert blob.blob.startswith(b"\x89PNG")
    services = botosani_plan.baseline["services"]
    heading = f"Digitalisation of public services ({services['year']})"
    assert heading in [p.text for p in document.paragraphs if p.style.name == "Heading 3"]


def test_word_without_baseline_has_no_chart(botosani_plan):
    botosani_plan.baseline = {}
    botosani_plan.save(update_fields=["baseline"])
    document = _docx(exports.plan_docx(botosani_plan))

    assert len(document.inline_shapes) == 0
    assert "No baseline has been taken yet." in [p.text for p in document.paragraphs]


def test_word_cover_of_an_adopted_plan(botosani_plan):
    import datetime as dt

    botosani_plan.status = "adopted"
    botosani_plan.adopted_on = dt.date(2024, 6, 27)
    botosani_plan.adoption_reference = "HCL 212/2024"
    botosani_plan.save()
    document = _docx(exports.plan_docx(botosani_plan))

    assert _fact(document, "Status") == "Adopted by the city council"
    assert _fact(document, "Adopted by the city council on") == "27 June 2024"
    assert _fact(document, "Council decision reference") == "HCL 212/2024"


def test_word_document_in_romanian(botosani_plan):
    with translation.override("ro"):
        document = _docx(exports.plan_docx(botosani_plan))

    texts = [p.text for p in document.paragraphs]
    # Money the Romanian way: dot for thousands, a non-breaking space before the euro sign.
    assert any(text.endswith(": 60.000\N{NO-BREAK SPACE}€") for text in texts)  # total cost
    assert not any("€60,000" in text for text in texts)
    # The action table: eight columns, whatever the header says in Romanian.
    action_table = next(table for table in document.tables if len(table.columns) == 8)
    action_rows = _rows(action_table)
    assert [row[0] for row in action_rows] == ["A1", "A2", "A3"]
    assert [row[5] for row in action_rows] == [
        "10.000\N{NO-BREAK SPACE}€",
        "20.000\N{NO-BREAK SPACE}€",
        "30.000\N{NO-BREAK SPACE}€",
    ]
    # Months and dates in Romanian, in lower case as Romanian writes them.
    assert action_rows[0][4] == "februarie 2023 – februarie 2024"
    assert any(text.endswith(" (1 ianuarie 2022)") for text in texts)  # the baseline date
    assert document.core_properties.language == "ro-RO"


def test_documents_of_a_plan_with_nothing_in_it_yet(botosani_plan):
    botosani_plan.actions.all().delete()
    botosani_plan.objectives.all().delete()
    document = _docx(exports.plan_docx(botosani_plan))

    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == SECTIONS
    texts = [p.text for p in document.paragraphs]
    assert "No objective has been set yet." in texts
    assert "No action has been entered yet." in texts
    assert "No risk has been entered yet." in texts
    assert "No result indicator has been set yet." in texts
    assert _fact(document, "Total cost") == "€0"
    assert _fact(document, "Share secured") == "–"
    assert "No funding source has been entered yet." in _pdf_text(exports.plan_pdf(botosani_plan))
    rows = list(openpyxl.load_workbook(io.BytesIO(exports.actions_xlsx(botosani_plan))).active)
    assert len(rows) == 1  # the header alone


def test_control_characters_do_not_break_the_documents(botosani_plan):
    # A description pasted from another program may hold characters XML cannot.
    botosani_plan.actions.filter(code="A1").update(description="Step one\x0bstep\x01 two")
    document = _docx(exports.plan_docx(botosani_plan))

    assert "Description\nStep onestep two" in [p.text for p in document.paragraphs]
    assert "Step onestep two" in _pdf_text(exports.plan_pdf(botosani_plan))
    workbook = openpyxl.load_workbook(io.BytesIO(exports.actions_xlsx(botosani_plan)))
    assert workbook.active["D2"].value == "Step onestep two"


@pytest.mark.parametrize("reader", [None, "botosani-editor", "visitor"])
def test_plan_docx_queries_do_not_grow_with_the_plan(
    botosani, demo, botosani_editor, demo_user, reader
):
    def viewer():  # a fresh one each time: a user caches the roles it has read
        return AnonymousUser() if reader == "visitor" else reader and demo_user(reader)

    small = build_plan(botosani_editor, botosani, demo, actions=3)
    reader_of_small = viewer()
    with CaptureQueriesContext(connection) as small_queries:
        exports.plan_docx(small, viewer=reader_of_small)
    large = build_plan(botosani_editor, botosani, demo, actions=30)
    reader_of_large = viewer()
    with CaptureQueriesContext(connection) as large_queries:
        data = exports.plan_docx(large, viewer=reader_of_large)

    assert len(large_queries) == len(small_queries)
    assert len(_rows(_table_with_header(_docx(data), "Code", "Title"))) == 30


# --- spreadsheets ---------------------------------------------------------------------------


def test_actions_xlsx_is_the_import_layout(botosani_plan):
    workbook = openpyxl.load_workbook(io.BytesIO(exports.actions_xlsx(botosani_plan)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == [
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
        "erdf",
        "esf_plus",
        "digital_europe",
        "rrf",
        "eu_other",
        "national",
        "municipal",
        "private",
        "other",
        "funding_status",
    ]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["code"] for r in records] == ["A1", "A2", "A3"]
    first = records[0]
    assert first["objective"] == "SO2"
    assert first["title"] == "Action number 1"
    assert first["lead_department"] == "IT department"
    assert first["contact_email"] == "andrei@example.org"
    assert (first["starts_on"], first["ends_on"]) == ("2023-02", "2024-02")
    assert first["status"] == "on_track"
    assert first["progress"] == 10
    for record in records:
        cost = COSTS[record["code"]]
        assert record["estimated_cost"] == cost
        assert record["erdf"] == pytest.approx(cost * 0.6)
        assert record["municipal"] == pytest.approx(cost * 0.4)
        assert record["esf_plus"] is None and record["national"] is None
        assert record["funding_status"] == "erdf=secured; municipal=planned"


def test_actions_xlsx_guards_against_formulas(botosani_plan):
    botosani_plan.actions.filter(code="A1").update(
        title='=HYPERLINK("http://evil.example")', description="@SUM(1)"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(exports.actions_xlsx(botosani_plan)))
    row = [cell for cell in workbook.active[2]]

    assert row[2].value == '\'=HYPERLINK("http://evil.example")'
    assert row[2].data_type == "s"
    assert row[3].value == "'@SUM(1)"


def test_actions_xlsx_shows_a_split_source_with_its_least_advanced_status(botosani_plan):
    action = botosani_plan.actions.get(code="A1")
    Funding.objects.filter(action=action, kind="municipal").update(kind="erdf", status="applied")
    workbook = openpyxl.load_workbook(io.BytesIO(exports.actions_xlsx(botosani_plan)))
    rows = list(workbook.active.iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))

    assert record["erdf"] == 10000
    assert record["municipal"] is None
    assert record["funding_status"] == "erdf=applied"


def test_budget_xlsx_sheets_and_totals(botosani_plan):
    workbook = openpyxl.load_workbook(io.BytesIO(exports.budget_xlsx(botosani_plan)))

    assert workbook.sheetnames == ["By source", "By year", "Actions"]
    by_source = list(workbook["By source"].iter_rows(values_only=True))
    assert by_source[0] == ("source", "secured", "applied", "planned", "total")
    assert by_source[1:] == [
        (str(FundingKind.ERDF.label), 36000, 0, 0, 36000),
        (str(FundingKind.MUNICIPAL.label), 0, 0, 24000, 24000),
        ("total", 36000, 0, 24000, 60000),
    ]
    by_year = list(workbook["By year"].iter_rows(values_only=True))
    assert by_year[0] == ("year", "cost", "secured", "gap")
    assert [row[0] for row in by_year[1:]] == [2023, 2024]
    assert sum(row[1] for row in by_year[1:]) == 60000
    assert sum(row[2] for row in by_year[1:]) == 36000
    assert all(row[3] == row[1] - row[2] for row in by_year[1:])
    actions = list(workbook["Actions"].iter_rows(values_only=True))
    assert actions[0] == (
        "code",
        "title",
        "cost",
        "secured",
        "applied",
        "planned",
        "no secured funding",
    )
    assert actions[1:] == [
        ("A1", "Action number 1", 10000, 6000, 0, 4000, "no"),
        ("A2", "Action number 2", 20000, 12000, 0, 8000, "no"),
        ("A3", "Action number 3", 30000, 18000, 0, 12000, "no"),
    ]


def test_budget_xlsx_flags_actions_with_no_secured_funding(botosani_plan):
    Funding.objects.filter(action__plan=botosani_plan, action__code="A3").update(status="planned")
    workbook = openpyxl.load_workbook(io.BytesIO(exports.budget_xlsx(botosani_plan)))
    actions = {row[0]: row for row in workbook["Actions"].iter_rows(values_only=True)}

    assert actions["A3"][3] == 0 and actions["A3"][6] == "yes"
    assert actions["A1"][6] == "no"
    total = list(workbook["By source"].iter_rows(values_only=True))[-1]
    assert total == ("total", 18000, 0, 42000, 60000)


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_has_the_plan_in_the_iap_structure(botosani_plan):
    data = exports.plan_pdf(botosani_plan)

    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Botoșani Digital 2030"
    text = _pdf_text(data)
    assert "Botoșani Digital 2030" in text
    positions = [text.find(heading) for heading in SECTIONS]
    assert -1 not in positions, [h for h, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "Action number 2" in text
    assert "€60,000" in text
    # The radar chart is embedded as an image, with nothing fetched from outside.
    # (WeasyPrint lists its images in resources every page shares: one distinct image.)
    images = {image.data for page in reader.pages for image in page.images}
    assert len(images) == 1
    assert next(iter(images)).startswith(b"\x89PNG")
    # Only system fonts are embedded.
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert fonts and all("DejaVu" in font or "Liberation" in font for font in fonts), fonts


def test_pdf_in_romanian(botosani_plan):
    with translation.override("ro"):
        text = _pdf_text(exports.plan_pdf(botosani_plan))

    assert "60.000" in text and "€60,000" not in text


# --- what each reader may see ---------------------------------------------------------------

EMAIL = "andrei@example.org"  # the fixture's contact e-mail of every action


def _published_with_a_private_assessment(plan, demo_user, *, index_public: bool):
    """The plan published by its city; the assessment its baseline was taken from is not, and
    the services index only if `index_public`."""
    Assessment.objects.filter(pk=plan.baseline["maturity"]["assessment"]).update(is_public=False)
    IndexPublication.objects.update_or_create(
        organisation=plan.organisation, defaults={"is_public": index_public}
    )
    services.plan_publish(actor=demo_user("botosani-coordinator"), plan=plan, public=True)
    return plan


def _all_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _maturity_shown(document) -> bool:
    first_cells = [table.rows[0].cells[0].text for table in document.tables]
    overall = any(p.text.startswith("Overall score: ") for p in document.paragraphs)
    shown = [
        overall,
        "Dimension" in first_cells,
        len(document.inline_shapes) == 1,
        "Digital maturity" in _headings(document, 3),
    ]
    assert len(set(shown)) == 1, shown  # all of it or nothing
    return shown[0]


def test_word_keeps_an_unpublished_assessment_from_visitors(botosani_plan, demo_user):
    plan = _published_with_a_private_assessment(botosani_plan, demo_user, index_public=True)
    year = plan.baseline["services"]["year"]

    visitor = _docx(exports.plan_docx(plan, viewer=AnonymousUser()))
    assert not _maturity_shown(visitor)
    assert plan.baseline["maturity"]["overall"] not in _all_text(visitor)
    texts = [p.text for p in visitor.paragraphs]
    assert "Figures the city has not published are left out." in texts
    # The services index is published: the visitor reads it.
    assert f"Digitalisation of public services ({year})" in _headings(visitor, 3)

    editor = _docx(exports.plan_docx(plan, viewer=demo_user("botosani-editor")))
    assert _maturity_shown(editor)
    overall = f"{float(plan.baseline['maturity']['overall']):.1f} / 100"
    assert _fact(editor, "Overall score") == overall
    assert "Figures the city has not published are left out." not in [
        p.text for p in editor.paragraphs
    ]


def test_word_of_a_baseline_the_city_published_nothing_of(botosani_plan, demo_user):
    plan = _published_with_a_private_assessment(botosani_plan, demo_user, index_public=False)

    visitor = _docx(exports.plan_docx(plan, viewer=AnonymousUser()))
    assert not _maturity_shown(visitor)
    assert not any(h.startswith("Digitalisation of public") for h in _headings(visitor, 3))
    texts = [p.text for p in visitor.paragraphs]
    assert "The city has not published these figures." in texts
    assert "No baseline has been taken yet." not in texts  # it has been, it is not public


def test_word_leaves_the_leads_e_mails_to_the_city_and_network(botosani_plan, demo_user):
    plan = _published_with_a_private_assessment(botosani_plan, demo_user, index_public=False)

    for reader in (AnonymousUser(), demo_user("messina-editor")):
        document = _docx(exports.plan_docx(plan, viewer=reader))
        assert EMAIL not in _all_text(document), reader
        assert _fact(document, "Contact person") == "Andrei Ionescu"
    for reader in ("botosani-editor", "lead-expert"):
        document = _docx(exports.plan_docx(plan, viewer=demo_user(reader)))
        assert _fact(document, "Contact person") == f"Andrei Ionescu <{EMAIL}>", reader
    # Without a reader (internal uses): everything.
    assert _fact(_docx(exports.plan_docx(plan)), "Contact person") == f"Andrei Ionescu <{EMAIL}>"


def test_pdf_keeps_the_unpublished_assessment_and_e_mails_from_visitors(botosani_plan, demo_user):
    plan = _published_with_a_private_assessment(botosani_plan, demo_user, index_public=False)

    data = exports.plan_pdf(plan, viewer=AnonymousUser())
    text = _pdf_text(data)
    assert "Overall score" not in text and "Dimension" not in text
    assert "The city has not published these figures." in text
    assert EMAIL not in text and "Andrei Ionescu" in text
    assert not [image for page in pypdf.PdfReader(io.BytesIO(data)).pages for image in page.images]

    data = exports.plan_pdf(plan, viewer=demo_user("botosani-editor"))
    text = _pdf_text(data)
    assert "Overall score" in text and EMAIL in text
    assert [image for page in pypdf.PdfReader(io.BytesIO(data)).pages for image in page.images]


def _contact_emails(data: bytes) -> list:
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    column = rows[0].index("contact_email")  # the column stays: it is the import format
    return [row[column] for row in rows[1:]]


def test_actions_xlsx_leaves_the_e_mail_cells_empty_for_readers(botosani_plan, demo_user):
    plan = _published_with_a_private_assessment(botosani_plan, demo_user, index_public=False)

    assert _contact_emails(exports.actions_xlsx(plan, viewer=AnonymousUser())) == [None] * 3
    messina = demo_user("messina-editor")
    assert _contact_emails(exports.actions_xlsx(plan, viewer=messina)) == [None] * 3
    editor = demo_user("botosani-editor")
    assert _contact_emails(exports.actions_xlsx(plan, viewer=editor)) == [EMAIL] * 3
    assert _contact_emails(exports.actions_xlsx(plan)) == [EMAIL] * 3
    budget = openpyxl.load_workbook(io.BytesIO(exports.budget_xlsx(plan, viewer=AnonymousUser())))
    assert budget.sheetnames == ["By source", "By year", "Actions"]


def test_a_visitor_downloads_only_what_the_city_published(botosani_plan, demo_user, client):
    plan = _published_with_a_private_assessment(botosani_plan, demo_user, index_public=False)

    response = client.get(f"/plans/{plan.pk}/plan.docx")
    assert response.status_code == 200
    document = _docx(response.content)
    assert not _maturity_shown(document)
    assert EMAIL not in _all_text(document)
    response = client.get(f"/plans/{plan.pk}/actions.xlsx")
    assert _contact_emails(response.content) == [None] * 3

    client.force_login(demo_user("botosani-editor"))
    document = _docx(client.get(f"/plans/{plan.pk}/plan.docx").content)
    assert _maturity_shown(document)
    assert EMAIL in _all_text(document)
    response = client.get(f"/plans/{plan.pk}/actions.xlsx")
    assert _contact_emails(response.content) == [EMAIL] * 3


def test_budget_xlsx_speaks_the_readers_language(botosani_plan):
    Funding.objects.filter(action__plan=botosani_plan, action__code="A3").update(status="planned")
    with translation.override("ro"):
        data = exports.budget_xlsx(botosani_plan)
        # Headers without a Romanian translation yet would still be in English here.
        expected_sources = tuple(
            translation.gettext(text) for text in ("source", "secured", "applied", "planned")
        )
    workbook = openpyxl.load_workbook(io.BytesIO(data))

    by_source, by_year, actions = workbook.worksheets
    assert [by_year.title, actions.title] == ["Pe ani", "Acțiuni"]
    sources = list(by_source.iter_rows(values_only=True))
    assert sources[0][:4] == expected_sources
    assert sources[0][1] == "asigurat"
    years = list(by_year.iter_rows(values_only=True))
    assert (years[0][0], years[0][2]) == ("an", "asigurat")
    rows = list(actions.iter_rows(values_only=True))
    assert rows[0][:2] == ("cod", "titlu")
    assert rows[0][3] == "asigurat"
    assert {row[0]: row[6] for row in rows[1:]}["A3"] == "da"
    # The action table stays in its import format whatever the language.
    with translation.override("ro"):
        table = openpyxl.load_workbook(io.BytesIO(exports.actions_xlsx(botosani_plan)))
    assert table.sheetnames == ["Actions"]
    assert next(table.active.iter_rows(values_only=True))[:2] == ("code", "objective")


def test_budget_xlsx_download_in_the_readers_language(botosani_plan, client_as):
    client = client_as("botosani-editor")
    response = client.get(f"/plans/{botosani_plan.pk}/budget.xlsx", HTTP_ACCEPT_LANGUAGE="ro")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[1:] == ["Pe ani", "Acțiuni"]
