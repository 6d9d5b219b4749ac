"""Regressions found in review of the services app."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from di4c.services import imports, selectors
from di4c.services.models import PublicService, ServiceYear

pytestmark = pytest.mark.django_db


def check(organisation, text: str):
    return imports.check(
        organisation, imports.read_rows(SimpleUploadedFile("f.csv", text.encode()))
    )


def errors_of(rows):
    return {row.number: " ".join(row.errors) for row in rows if not row.ok}


def test_reimporting_the_export_keeps_the_index_history(client_as, botosani, demo_user):
    client = client_as("botosani-editor")
    before = [(y.year, y.online_share, y.levels) for y in selectors.index_by_year(botosani)]
    exported = client.get("/organisations/botosani/services/catalogue.csv").content
    rows = imports.check(botosani, imports.read_rows(SimpleUploadedFile("c.csv", exported)))
    imports.apply(actor=demo_user("botosani-editor"), organisation=botosani, rows=rows)
    after = [(y.year, y.online_share, y.levels) for y in selectors.index_by_year(botosani)]
    assert after == before


def test_criteria_are_checked_across_rows_of_one_service(botosani):
    rows = check(
        botosani,
        "service,year,info_online,form_online\n"
        "birth-registration,2021,yes,yes\n"
        "birth-registration,2022,no\n",
    )
    assert "contradict each other" in errors_of(rows)[3]


def test_code_and_name_of_the_same_service_are_a_duplicate(botosani):
    service = PublicService.objects.get(organisation=botosani, reference__code="birth-registration")
    rows = check(
        botosani, f"service,year,total_requests\nbirth-registration,2020,5\n{service.name},2020,6\n"
    )
    assert "appear twice" in errors_of(rows)[3]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("department=" + "d" * 300, "at most 200 characters"),
        ("url=javascript:alert(1)", "is not a web address"),
        ("total_requests=nan", "is not a number"),
        ("total_requests=snan", "is not a number"),
        ("department=a\x00b", "control characters"),
    ],
)
def test_bad_cells_are_row_errors(botosani, cell, message):
    column, value = cell.split("=", 1)
    rows = check(botosani, f"service,year,{column}\nbirth-registration,2020,{value}\n")
    assert message in errors_of(rows)[2]


def test_satisfaction_may_have_decimals(botosani):
    rows = check(botosani, "service,satisfaction\nbirth-registration,85.5\n")
    assert (
        rows[0].ok
        and rows[0].values["satisfaction"] == 85.5
        or str(rows[0].values["satisfaction"]) == "85.5"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old-mac.csv", b"service,year\rbirth-registration,2020\r", "ready to import"),
        ("huge.csv", b"service,year\n" + b"x" * 200_000 + b",2020\n", "cannot be read"),
        ("cut.xlsx", b"PK\x03\x04 not really a workbook", "not a readable Excel"),
    ],
)
def test_odd_files_give_a_clear_answer(client_as, botosani, name, content, message):
    page = client_as("botosani-editor").post(
        "/organisations/botosani/services/import/",
        {"file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert message in page.content.decode()


def test_adopt_ignores_odd_ids(client_as, botosani):
    response = client_as("botosani-editor").post(
        "/organisations/botosani/services/adopt/", {"reference": ["²", "x"]}
    )
    assert response.status_code == 302


def test_exports_never_carry_formulas_or_illegal_characters(client_as, botosani):
    service = PublicService.objects.filter(organisation=botosani).first()
    service.department = '=HYPERLINK("http://evil.example","x")\x01'
    service.save()
    client = client_as("botosani-editor")
    sheet = load_workbook(
        io.BytesIO(client.get("/organisations/botosani/services/catalogue.xlsx").content)
    ).active
    departments = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example","x")' in departments
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_publishing_opens_the_index_not_the_catalogue(client, client_as, botosani):
    client_as("botosani-coordinator").post(
        "/organisations/botosani/services/publish/", {"public": "1"}
    )
    client.logout()
    page = client.get("/organisations/botosani/services/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200 and "Digitalisation index" in text
    assert "Catalogue (Excel)" not in text and "Biggest gains" not in text
    assert client.get("/organisations/botosani/services/catalogue.csv").status_code == 403
    assert client.get("/organisations/botosani/services/index.csv").status_code == 200
    assert client.get("/api/v1/organisations/botosani/services").status_code == 403
    assert client.get("/api/v1/organisations/botosani/digitalisation-index").status_code == 200


def test_year_form_refuses_future_years(client_as, botosani):
    service = PublicService.objects.filter(organisation=botosani).first()
    page = client_as("botosani-editor").post(
        f"/organisations/botosani/services/{service.pk}/year/",
        {"year": 2099, "total_requests": 1},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The year is in the future." in page.content.decode()
    assert not ServiceYear.objects.filter(year=2099).exists()
