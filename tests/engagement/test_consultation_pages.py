"""The consultation pages with the test client, as people use them: the city prepares a
consultation (form errors keep what was typed, the questionnaire editor, publishing), the
results and who sees them, the moderation of free-text answers, who is turned away, and
constant query counts. Answering is in test_consultation_answer_pages.py."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.engagement import services
from di4c.engagement.models import Answer, Consultation, Moderation, Question
from tests.engagement.consultation_helpers import (
    BASE,
    close,
    errors_of,
    make_consultation,
    options,
    parsed,
    respond,
    text_of,
    url,
    window,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def make(botosani, editor):
    def build(mode="account", **overrides):
        return make_consultation(editor, botosani, mode=mode, **overrides)

    return build


# The city prepares a consultation


CREATE = {
    "title": "Parcări digitale",
    "description": "Spuneți-ne **ce** vă lipsește.",
    "mode": "account",
    "opens_at": "2030-05-01T09:00",
    "closes_at": "2030-05-31T18:00",
    "results_public": "on",
    "plan": "",
    "objective": "",
    "service": "",
}


def test_the_form_keeps_what_was_typed_when_closing_comes_before_opening(client_as):
    client = client_as("botosani-editor")
    posted = {**CREATE, "closes_at": "2030-04-01T09:00"}
    response = client.post(f"{BASE}new/", posted)
    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "closes_at") == ["The closing date must come after the opening date."]
    assert doc.get_element_by_id("id_title").value == "Parcări digitale"
    assert doc.get_element_by_id("id_closes_at").value == "2030-04-01T09:00"
    assert doc.get_element_by_id("id_opens_at").value == "2030-05-01T09:00"
    assert "**ce**" in doc.get_element_by_id("id_description").text_content()
    assert not Consultation.objects.exists()


def test_a_consultation_is_created_in_the_citys_time_zone_as_a_draft(client_as, botosani):
    client = client_as("botosani-editor")
    response = client.post(f"{BASE}new/", CREATE)
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == url(consultation)
    zone = ZoneInfo("Europe/Bucharest")
    assert consultation.opens_at == dt.datetime(2030, 5, 1, 9, 0, tzinfo=zone)
    assert consultation.organisation == botosani and not consultation.is_published
    page = client.get(url(consultation))
    text = text_of(page)
    assert "Draft" in text and "Signed-in people: one response per account" in text
    assert "<strong>ce</strong>" in page.content.decode()
    # The form shows the stored times again as they were typed.
    edit = parsed(client.get(url(consultation, "edit/")))
    assert edit.get_element_by_id("id_opens_at").value == "2030-05-01T09:00"


def test_the_plan_objective_and_service_offered_are_the_citys_own(client_as, demo_plans):
    from di4c.plans.models import Plan

    client = client_as("botosani-editor")
    foreign = Plan.objects.filter(organisation__slug="messina").first()
    own = Plan.objects.filter(organisation__slug="botosani").first()
    doc = parsed(client.get(f"{BASE}new/"))
    offered = {option.get("value") for option in doc.xpath('//select[@name="plan"]/option')}
    assert str(own.pk) in offered and str(foreign.pk) not in offered
    response = client.post(f"{BASE}new/", {**CREATE, "plan": foreign.pk})
    assert errors_of(parsed(response), "plan")
    assert not Consultation.objects.exists()
    client.post(f"{BASE}new/", {**CREATE, "plan": own.pk})
    consultation = Consultation.objects.get()
    assert consultation.plan == own
    assert own.title in text_of(client.get(url(consultation)))


def test_the_questionnaire_editor(client_as, botosani, editor):
    consultation = services.consultation_create(
        actor=editor, organisation=botosani, data={"title": "Chestionar", **window()}
    )
    client = client_as("botosani-editor")
    new = url(consultation, "questions/new/")
    # A choice question without options: refused, what was typed kept.
    response = client.post(
        new, {"kind": "single", "text": "Ce serviciu folosiți?", "options": "Doar unul"}
    )
    doc = parsed(response)
    assert errors_of(doc, "options") == ["Give at least two options, one per line."]
    assert doc.get_element_by_id("id_text").value == "Ce serviciu folosiți?"
    assert doc.get_element_by_id("id_options").text_content().strip() == "Doar unul"
    assert not Question.objects.exists()
    for text, kind, lines in (
        ("Ce serviciu folosiți?", "single", "Taxe\r\nCertificate\r\n\r\n"),
        ("Cât de mulțumit sunteți?", "scale", ""),
        ("Ce ați schimba?", "long_text", ""),
    ):
        client.post(new, {"kind": kind, "text": text, "options": lines, "required": "on"})
    first, second, third = consultation.questions.order_by("position")
    assert [o.label for o in options(first)] == ["Taxe", "Certificate"]
    page = client.get(url(consultation))
    assert [h.text_content() for h in parsed(page).xpath('//ol[@class="question-list"]//h3')] == [
        "Ce serviciu folosiți?",
        "Cât de mulțumit sunteți?",
        "Ce ați schimba?",
    ]
    # Change, move, delete.
    edit = url(consultation, f"questions/{first.pk}/edit/")
    assert (
        "Taxe\nCertificate"
        in parsed(client.get(edit)).get_element_by_id("id_options").text_content()
    )
    client.post(
        edit,
        {
            "kind": "multiple",
            "text": "Ce servicii folosiți?",
            "options": "Taxe\nParcări\nCertificate",
        },
    )
    first.refresh_from_db()
    assert first.kind == "multiple" and [o.label for o in options(first)] == [
        "Taxe",
        "Parcări",
        "Certificate",
    ]
    client.post(url(consultation, f"questions/{third.pk}/move/"), {"direction": "up"})
    assert list(consultation.questions.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    client.post(url(consultation, f"questions/{first.pk}/move/"), {"direction": "down"})
    assert list(consultation.questions.order_by("position").values_list("pk", flat=True))[:2] == [
        third.pk,
        first.pk,
    ]
    response = client.post(url(consultation, f"questions/{second.pk}/delete/"), follow=True)
    assert "was deleted" in text_of(response)
    assert consultation.questions.count() == 2


def test_publish_back_to_draft_and_close_now(client_as, botosani, editor):
    consultation = services.consultation_create(
        actor=editor, organisation=botosani, data={"title": "Fără întrebări", **window()}
    )
    client = client_as("botosani-editor")
    response = client.post(url(consultation, "publish/"), follow=True)
    assert "Add at least one question before publishing." in text_of(response)
    services.question_add(
        actor=editor, consultation=consultation, data={"kind": "scale", "text": "Notă"}
    )
    response = client.post(url(consultation, "publish/"), follow=True)
    assert "The consultation is published" in text_of(response)
    consultation.refresh_from_db()
    assert consultation.is_published and consultation.state() == "open"
    client.post(url(consultation, "unpublish/"))
    consultation.refresh_from_db()
    assert not consultation.is_published
    client.post(url(consultation, "publish/"))
    response = client.post(url(consultation, "close/"), follow=True)
    consultation.refresh_from_db()
    assert consultation.state() == "closed"
    assert "no more responses are accepted" in text_of(response)
    # Buttons are POST only.
    assert client.get(url(consultation, "publish/")).status_code == 405


# Who sees what, who is turned away


def test_the_list_shows_drafts_to_the_citys_editors_only(client, client_as, make):
    published, _questions = make()
    draft, _questions = make(publish=False, title="Ciornă")
    public = client.get(BASE)
    assert public.status_code == 200
    rows = parsed(public).xpath('//table[@data-testid="consultations"]/tbody/tr')
    assert len(rows) == 1 and published.title in rows[0].text_content()
    assert "Open" in rows[0].text_content()
    assert "New consultation" not in text_of(public)
    mine = client_as("botosani-editor").get(BASE)
    assert "Ciornă" in text_of(mine) and "New consultation" in text_of(mine)
    assert "Ciornă" not in text_of(client_as("messina-editor").get(BASE))


@pytest.mark.parametrize("who", ["messina-editor", "citizen", None])
def test_outsiders_cannot_change_see_drafts_or_export(client, client_as, make, who):
    published, _questions = make()
    draft, _questions = make(publish=False)
    client = client_as(who) if who else client
    denied = 302 if who is None else 403  # a visitor is sent to sign in first
    assert client.get(f"{BASE}new/").status_code == denied
    assert client.get(url(published, "edit/")).status_code == denied
    assert client.post(url(published, "close/")).status_code == denied
    assert client.get(url(published, "export.csv")).status_code == denied
    assert client.get(url(published, "export.xlsx")).status_code == denied
    assert client.get(url(published, "moderation/")).status_code == denied
    assert client.get(url(draft)).status_code == 404  # a 403 would tell that it exists
    assert client.get(url(published)).status_code == 200
    assert "questionnaire" not in client.get(url(published)).content.decode()
    published.refresh_from_db()
    assert published.state() == "open"


def test_another_citys_address_does_not_find_the_consultation(client_as, make):
    consultation, _questions = make()
    client = client_as("botosani-editor")
    assert client.get(f"/organisations/messina/consultations/{consultation.pk}/").status_code == 404


def test_take_part_lists_the_open_consultations_of_every_city(client, make, messina, demo_user):
    open_one, _questions = make(title="Deschisă")
    make(title="Ciornă", publish=False)
    later, _questions = make(title="Programată", **window(days_open=-2, days_left=10))
    closed, _questions = make(title="Închisă")
    close(closed)
    editor = demo_user("messina-editor")
    elsewhere, _questions = make_consultation(editor, messina, title="Consultazione aperta")
    response = client.get("/participate/")
    listed = parsed(response).xpath('//*[@data-testid="open_consultations"]//h3')
    assert [h.text_content() for h in listed] == sorted(
        ["Deschisă", "Consultazione aperta"],
        key=lambda title: (
            {"Deschisă": open_one, "Consultazione aperta": elsewhere}[title].closes_at
        ),
    )
    links = [a.get("href") for a in parsed(response).xpath("//a")]
    assert "/organisations/botosani/ideas/" in links and "/organisations/messina/ideas/" in links
    assert f"{BASE}{open_one.pk}/answer/" in links


# Results and moderation


def test_results_are_public_only_after_closing_and_if_the_city_publishes_them(
    client, client_as, make
):
    published, questions = make(mode="anonymous", results_public=True)
    private, _questions = make(mode="anonymous", results_public=False)
    draft, _questions = make(publish=False, results_public=True)
    respond(published, questions, 1)
    for consultation in (published, private):
        assert client.get(url(consultation, "results/")).status_code == 403
        assert client_as("citizen").get(url(consultation, "results/")).status_code == 403
    # A draft is not found at all by those who may not see it.
    assert client.get(url(draft, "results/")).status_code == 404
    assert client_as("citizen").get(url(draft, "results/")).status_code == 404
    # The city and its network follow the results live.
    for who in ("botosani-editor", "local-group", "coordinator"):
        live = client_as(who).get(url(published, "results/"))
        assert live.status_code == 200 and "Live results" in text_of(live)
    assert client_as("messina-editor").get(url(published, "results/")).status_code == 403
    close(published)
    close(private)
    client.logout()
    public = client.get(url(published, "results/"))
    assert public.status_code == 200 and "Live results" not in text_of(public)
    assert client.get(url(private, "results/")).status_code == 403
    assert "See the results" in text_of(client.get(url(published)))


def test_results_show_counts_shares_points_and_averages(client_as, make):
    consultation, questions = make(mode="anonymous")
    respond(consultation, questions, 1, single=0, multiple=(0, 1), scale=5, ranking=(0, 1, 2))
    respond(consultation, questions, 2, single=0, multiple=(1,), scale=4, ranking=(1, 0, 2))
    respond(consultation, questions, 3, single=2, multiple=(), scale=3, ranking=(0, 2, 1))
    response = client_as("botosani-editor").get(url(consultation, "results/"))
    doc = parsed(response)
    assert doc.xpath('//*[@data-testid="response-total"]')[0].text_content() == "3"
    rule = doc.xpath('//*[@data-testid="rule"]')[0].text_content()
    assert rule.startswith("One response per browser, remembered by a signed cookie")

    def table(key):
        section = doc.xpath(f'//*[@data-testid="result-{questions[key].pk}"]')[0]
        return [
            [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
            for row in section.xpath(".//tbody/tr")
        ]

    assert table("single") == [
        ["Taxe locale", "2", "66.7 %"],
        ["Certificate", "0", "0 %"],
        ["Parcări", "1", "33.3 %"],
    ]
    # Two of three responses ticked something: shares are of those two.
    assert table("multiple") == [
        ["Web", "1", "50 %"],
        ["Mobil", "2", "100 %"],
        ["Ghișeu", "0", "0 %"],
    ]
    assert "add up to more than 100 %" in text_of(response)
    # Borda: A = 3+2+3 = 8, B = 2+3+1 = 6, C = 1+1+2 = 4.
    assert table("ranking") == [
        ["1", "A", "8", "1.33"],
        ["2", "B", "6", "2"],
        ["3", "C", "4", "2.67"],
    ]
    assert table("scale")[2:] == [["3", "1", "33.3 %"], ["4", "1", "33.3 %"], ["5", "1", "33.3 %"]]
    assert "Average: 4 out of 5." in text_of(response)
    # A chart per choice, ranking and scale question, with its figures as data.
    assert len(doc.xpath("//canvas[@role='img']")) == 4
    assert doc.get_element_by_id("consultation-charts") is not None


def test_free_text_answers_are_public_once_published_by_moderation(client, client_as, make):
    consultation, questions = make(mode="anonymous", results_public=True)
    respond(consultation, questions, 1, short="Răspuns de publicat")
    respond(consultation, questions, 2, short="Răspuns jignitor")
    respond(consultation, questions, 3, long="Încă în așteptare")
    editor = client_as("botosani-editor")
    page = editor.get(url(consultation, "moderation/"))
    tabs = parsed(page).xpath('//*[@data-testid="moderation-tabs"]//a')
    assert [" ".join(tab.text_content().split()) for tab in tabs] == [
        "Waiting for moderation (3)",
        "Published (0)",
        "Hidden (0)",
    ]
    to_publish = Answer.objects.get(text="Răspuns de publicat")
    to_hide = Answer.objects.get(text="Răspuns jignitor")
    response = editor.post(
        url(consultation, f"moderation/{to_publish.pk}/"), {"action": "publish", "state": "pending"}
    )
    assert response["Location"] == url(consultation, "moderation/") + "?state=pending"
    editor.post(url(consultation, f"moderation/{to_hide.pk}/"), {"action": "hide"})
    assert "Răspuns jignitor" in text_of(editor.get(url(consultation, "moderation/?state=hidden")))
    pending = text_of(editor.get(url(consultation, "moderation/")))
    assert "Încă în așteptare" in pending and "Răspuns de publicat" not in pending
    # The city sees every answer with its state; the public the published one only.
    city = text_of(editor.get(url(consultation, "results/")))
    assert "Răspuns jignitor" in city and "Încă în așteptare" in city
    close(consultation)
    client.logout()
    public = text_of(client.get(url(consultation, "results/")))
    assert "Răspuns de publicat" in public
    assert "Răspuns jignitor" not in public and "Încă în așteptare" not in public


@pytest.mark.parametrize("who", ["citizen", "local-group", "messina-editor"])
def test_only_the_citys_editors_moderate(client_as, make, who):
    consultation, questions = make(mode="anonymous")
    respond(consultation, questions, 1, short="De moderat")
    answer = Answer.objects.get(text="De moderat")
    client = client_as(who)
    assert client.get(url(consultation, "moderation/")).status_code == 403
    assert (
        client.post(
            url(consultation, f"moderation/{answer.pk}/"), {"action": "publish"}
        ).status_code
        == 403
    )
    answer.refresh_from_db()
    assert answer.moderation == Moderation.PENDING


def test_an_answer_of_another_consultation_is_not_moderated_from_this_one(client_as, make):
    consultation, questions = make(mode="anonymous")
    other, other_questions = make(mode="anonymous")
    respond(other, other_questions, 1, short="Altundeva")
    answer = Answer.objects.get(text="Altundeva")
    response = client_as("botosani-editor").post(
        url(consultation, f"moderation/{answer.pk}/"), {"action": "publish"}
    )
    assert response.status_code == 404


# Constant query counts


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["botosani-editor", None])
def test_the_results_page_takes_as_many_queries_for_40_responses_as_for_3(
    client, client_as, make, who
):
    consultation, questions = make(mode="anonymous", results_public=True)
    for number in range(3):
        respond(consultation, questions, number, single=number % 3, short=f"Text {number}")
    client = client_as(who) if who else client
    Answer.objects.filter(question=questions["short"]).update(moderation=Moderation.PUBLISHED)
    close(consultation)
    small = queries(client, url(consultation, "results/"))
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() + dt.timedelta(days=1)
    )
    for number in range(3, 40):
        respond(
            consultation, questions, number, single=number % 3, multiple=(0, 2), short=f"T{number}"
        )
    Answer.objects.filter(question=questions["short"]).update(moderation=Moderation.PUBLISHED)
    close(consultation)
    assert queries(client, url(consultation, "results/")) == small


@pytest.mark.parametrize("who", ["botosani-editor", None])
def test_the_lists_take_as_many_queries_for_12_consultations_as_for_2(client, client_as, make, who):
    for number in range(2):
        consultation, questions = make(mode="anonymous", title=f"C{number}")
        respond(consultation, questions, number)
    client = client_as(who) if who else client
    small = queries(client, BASE), queries(client, "/participate/")
    for number in range(2, 12):
        consultation, questions = make(mode="anonymous", title=f"C{number}")
        respond(consultation, questions, number)
    make(publish=False, title="Ciornă")
    assert (queries(client, BASE), queries(client, "/participate/")) == small


def test_messinas_times_are_messinas(client_as, messina):
    """The same typed time means the city's local time, in pages as in the API."""
    client = client_as("messina-editor")
    response = client.post("/organisations/messina/consultations/new/", CREATE)
    assert response.status_code == 302
    consultation = Consultation.objects.get(organisation=messina)
    assert consultation.opens_at == dt.datetime(2030, 5, 1, 7, 0, tzinfo=dt.UTC)  # 09:00 CEST
    edit = parsed(client.get(f"/organisations/messina/consultations/{consultation.pk}/edit/"))
    assert edit.get_element_by_id("id_opens_at").value == "2030-05-01T09:00"
    assert "Europe/Rome" in text_of(
        client.get(f"/organisations/messina/consultations/{consultation.pk}/edit/")
    )
