"""The responses exports read back as a spreadsheet program would: one row per response, one
column per question, the values written as people chose them, nothing naming the respondent,
and no cell that a spreadsheet would run as a formula."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings

from di4c.engagement import services
from di4c.engagement.exports import safe
from di4c.engagement.models import Response
from tests.engagement.consultation_helpers import answers_for, make_consultation, respond

pytestmark = pytest.mark.django_db

HEADER = [
    "Response",
    "Submitted at",
    "Întrebarea single",
    "Întrebarea multiple",
    "Întrebarea scale",
    "Întrebarea ranking",
    "Întrebarea short",
    "Întrebarea long",
]


@pytest.fixture
def filled(demo_user, botosani):
    """An account-mode consultation with three responses (one of them a formula attempt)."""
    editor = demo_user("botosani-editor")
    consultation, questions = make_consultation(editor, botosani, mode="account")
    people = ["citizen", "local-group", "messina-editor"]
    answers = [
        answers_for(
            questions, single=0, multiple=(0, 2), scale=5, ranking=(2, 0, 1), short="Mai rapid"
        ),
        answers_for(questions, single=2, multiple=(), scale=1, ranking=(), long="Linia 1\nLinia 2"),
        answers_for(
            questions,
            single=1,
            multiple=(1,),
            scale=3,
            ranking=(0, 1, 2),
            short='=HYPERLINK("http://x")',
        ),
    ]
    for person, given in zip(people, answers, strict=True):
        services.response_submit(consultation=consultation, answers=given, user=demo_user(person))
    return consultation


def path(consultation, extension: str) -> str:
    return f"/organisations/botosani/consultations/{consultation.pk}/export.{extension}"


def local(moment) -> str:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S")


def expected_rows(consultation) -> list[list]:
    first, second, third = Response.objects.filter(consultation=consultation).order_by("pk")
    return [
        [
            "1",
            local(first.submitted_at),
            "Taxe locale",
            "Web; Ghișeu",
            "5",
            "1. C; 2. A; 3. B",
            "Mai rapid",
            "",
        ],
        ["2", local(second.submitted_at), "Parcări", "", "1", "", "", "Linia 1\nLinia 2"],
        [
            "3",
            local(third.submitted_at),
            "Certificate",
            "Mobil",
            "3",
            "1. A; 2. B; 3. C",
            '\'=HYPERLINK("http://x")',
            "",
        ],
    ]


def test_the_csv_export_reads_back_one_row_per_response(client_as, filled):
    response = client_as("botosani-editor").get(path(filled, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1:] == expected_rows(filled)


def test_the_xlsx_export_reads_back_with_real_numbers_and_dates(client_as, filled):
    response = client_as("botosani-editor").get(path(filled, "xlsx"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    expected = expected_rows(filled)
    for row, wanted in zip(rows[1:], expected, strict=True):
        assert row[0] == int(wanted[0])
        assert isinstance(row[1], dt.datetime) and row[1].strftime("%Y-%m-%d %H:%M:%S") == wanted[1]
        assert row[4] == int(wanted[4])  # the scale as a number
        assert [cell or "" for cell in row[2:4] + row[5:]] == wanted[2:4] + wanted[5:]


def test_the_exports_never_name_the_respondent(client_as, filled, demo_user):
    client = client_as("botosani-editor")
    csv_text = b"".join(client.get(path(filled, "csv")).streaming_content).decode("utf-8-sig")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(path(filled, "xlsx")).content))
    xlsx_text = " ".join(
        str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row
    )
    for prefix in ("citizen", "local-group", "messina-editor"):
        person = demo_user(prefix)
        for text in (csv_text, xlsx_text):
            assert person.email not in text and person.full_name not in text


def test_an_anonymous_consultations_browser_keys_are_not_exported(client_as, demo_user, botosani):
    consultation, questions = make_consultation(
        demo_user("botosani-editor"), botosani, mode="anonymous"
    )
    respond(consultation, questions, 1)
    content = b"".join(
        client_as("botosani-editor").get(path(consultation, "csv")).streaming_content
    )
    assert b"browser-1" not in content
    assert len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) == 2


def test_an_empty_consultation_exports_its_header_only(client_as, demo_user, botosani):
    consultation, _questions = make_consultation(demo_user("botosani-editor"), botosani)
    content = b"".join(
        client_as("botosani-editor").get(path(consultation, "csv")).streaming_content
    )
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [HEADER]
    workbook = openpyxl.load_workbook(
        io.BytesIO(client_as("botosani-editor").get(path(consultation, "xlsx")).content)
    )
    assert [list(row) for row in workbook.active.iter_rows(values_only=True)] == [HEADER]


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+40 231 000", "'+40 231 000"),
        ("-minus", "'-minus"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Normal", "Normal"),
        (4, 4),
    ],
)
def test_cells_that_would_start_a_formula_are_prefixed(value, written):
    assert safe(value) == written


@pytest.mark.parametrize("who", ["messina-editor", "citizen", "local-group", "coordinator"])
def test_only_the_citys_editors_export(client_as, filled, who):
    client = client_as(who)
    assert client.get(path(filled, "csv")).status_code == 403
    assert client.get(path(filled, "xlsx")).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, filled):
    response = client.get(path(filled, "csv"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
