"""The single-use links of a round answered by link, with the test client: shown once as
absolute addresses (or as a text file), never more than the department's staff, bad requests
refused on their fields, and none for a round answered by signing in."""

import pytest

from di4c.capacity import services
from di4c.capacity.models import RoundLink
from tests.capacity import helpers
from tests.capacity.helpers import department, errors_of, make_round, parsed, table_rows, text_of

# The fixtures of helpers.py, used by name below.
city, editor, skills = helpers.city, helpers.editor, helpers.skills

pytestmark = pytest.mark.django_db


def url(round_, part="") -> str:
    return f"/capacity/rounds/{round_.pk}/{part}"


def test_links_are_shown_once_as_absolute_answer_addresses(client_as, city, editor, settings):
    settings.SITE_URL = "https://di4c.example.org"
    round_ = make_round(editor, city)
    finance = department(city, "Finance")
    response = client_as("botosani-editor").post(
        url(round_, "links/"), {"department": finance.pk, "count": "3"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    links = parsed(response).xpath('//textarea[@data-testid="links"]')[0].text.split()
    assert len(links) == 3
    for link in links:
        assert link.startswith("https://di4c.example.org/skills/")
        token = link.rstrip("/").rsplit("/", 1)[1]
        found = services.link_for(token)
        assert found.round == round_ and found.department == finance and not found.is_used
    # The round page counts them, never shows them again.
    page = client_as("botosani-editor").get(url(round_))
    assert table_rows(page, "participation")[3] == ["Finance", "30", "3", "0"]
    assert links[0] not in page.content.decode()


def test_links_can_be_downloaded_as_a_text_file(client_as, city, editor):
    round_ = make_round(editor, city)
    response = client_as("botosani-editor").post(
        url(round_, "links/"),
        {"department": department(city, "Archive").pk, "count": "2", "download": "1"},
    )
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    lines = response.content.decode().split()
    assert len(lines) == 2 and all("/skills/" in line for line in lines)
    assert RoundLink.objects.filter(round=round_).count() == 2


def test_bad_link_requests_are_refused_on_their_fields(client_as, demo_user, city, editor, messina):
    round_ = make_round(editor, city)
    client = client_as("botosani-editor")
    finance = department(city, "Finance")
    doc = parsed(client.post(url(round_, "links/"), {"department": finance.pk, "count": "0"}))
    assert errors_of(doc, "id_count")
    doc = parsed(client.post(url(round_, "links/"), {"department": finance.pk, "count": "501"}))
    assert errors_of(doc, "id_count")
    foreign = services.department_save(
        actor=demo_user("messina-editor"),
        organisation=messina,
        data={"name": "Ufficio tributi", "staff_count": 9},
    )
    doc = parsed(client.post(url(round_, "links/"), {"department": foreign.pk, "count": "2"}))
    assert errors_of(doc, "id_department")
    assert not RoundLink.objects.filter(round=round_).exists()


def test_no_more_links_than_the_departments_staff(client_as, city, editor):
    round_ = make_round(editor, city)
    taxes = services.department_save(
        actor=editor, organisation=city, data={"name": "Taxes", "staff_count": 40}
    )
    client = client_as("botosani-editor")
    for count in ("1000", "41"):
        response = client.post(url(round_, "links/"), {"department": taxes.pk, "count": count})
        assert response.status_code == 200
        doc = parsed(response)
        assert errors_of(doc, "id_count"), count
        assert doc.xpath('//input[@name="count"]/@value') == [count]
    # Within what one form may ask (500), the service's rule is the one said.
    assert errors_of(doc, "id_count") == [
        "The department has 40 staff and 0 links already: at most 40 more."
    ]
    assert not RoundLink.objects.filter(round=round_).exists()
    services.links_create(actor=editor, round_=round_, department=taxes, count=35)
    doc = parsed(client.post(url(round_, "links/"), {"department": taxes.pk, "count": "6"}))
    assert "at most 5 more" in " ".join(errors_of(doc, "id_count"))
    assert RoundLink.objects.filter(round=round_).count() == 35


def test_an_accounts_round_has_no_links_but_says_where_staff_answer(client_as, city, editor):
    round_ = make_round(editor, city, access="accounts")
    client = client_as("botosani-editor")
    doc = parsed(client.get(url(round_)))
    assert not doc.xpath('//form[contains(@action, "/links/")]')
    assert doc.xpath('//*[@data-testid="answer-url"]/@href')[0].endswith(url(round_, "answer/"))
    response = client.post(
        url(round_, "links/"), {"department": department(city, "Finance").pk, "count": "2"}
    )
    assert response["Location"] == url(round_)
    assert "it has no links" in text_of(client.get(response["Location"]))
    assert not RoundLink.objects.filter(round=round_).exists()
