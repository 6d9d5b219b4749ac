"""Answering a consultation with the test client, in each of its three modes: by account (a
visitor signs in first), by a single-use link, and anonymously with a signed cookie. A second
response, a reused link, a second go from the same browser, a closed consultation, an option
not offered, a missing answer and a bot are each refused with a message, the form kept with
everything typed."""

import pytest
from django.conf import settings
from django.core import mail
from django.http import HttpRequest

from di4c.engagement.models import Answer, Response
from di4c.engagement.views.consultation_answers import COOKIE_SALT
from tests.engagement.consultation_helpers import (
    answer_form,
    close,
    errors_of,
    form_errors,
    make_consultation,
    options,
    parsed,
    posted_for,
    question_errors,
    text_of,
    url,
    window,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(botosani, demo_user):
    editor = demo_user("botosani-editor")

    def build(mode="account", **overrides):
        return make_consultation(editor, botosani, mode=mode, **overrides)

    return build


def test_the_questionnaire_has_a_fieldset_and_legend_per_question_and_works_without_javascript(
    client_as, make
):
    consultation, questions = make()
    response = client_as("citizen").get(url(consultation, "answer/"))
    doc = parsed(response)
    legends = [" ".join(legend.text_content().split()) for legend in doc.xpath("//fieldset/legend")]
    assert legends[:2] == ["1. Întrebarea single (required)", "2. Întrebarea multiple (optional)"]
    form = answer_form(response)
    names = set(form.fields.keys())
    ranking = questions["ranking"].pk
    assert {f"q{ranking}_0", f"q{ranking}_1", f"q{ranking}_2", "website"} <= names
    # Each place of the ranking is a select with its own label, listing every option.
    labels = [label.text_content() for label in doc.xpath(f'//div[@id="id_q{ranking}"]//label')]
    assert labels == ["1st place", "2nd place", "3rd place"]
    places = doc.xpath(f'//select[@name="q{ranking}_1"]/option')
    assert [option.text_content() for option in places][1:] == ["A", "B", "C"]
    scale = doc.xpath(f'//input[@name="q{questions["scale"].pk}"]/..')
    assert [label.text_content().strip() for label in scale][0] == "1 – very low"
    assert doc.xpath(f'//input[@name="q{questions["short"].pk}"]/@maxlength') == ["200"]
    assert doc.xpath(f'//textarea[@name="q{questions["long"].pk}"]/@maxlength') == ["2000"]


def test_by_account_a_visitor_signs_in_first_and_answers_once(client, client_as, make, demo_user):
    consultation, questions = make(mode="account")
    response = client.get(url(consultation, "answer/"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    client = client_as("citizen")
    posted = posted_for(questions, single=1, multiple=(0, 2), ranking=(2, 0, 1), short="Mai rapid")
    response = client.post(url(consultation, "answer/"), posted)
    assert response.status_code == 302 and response["Location"] == url(consultation, "thanks/")
    stored = Response.objects.get(consultation=consultation)
    assert stored.user == demo_user("citizen")
    ranked = Answer.objects.filter(question=questions["ranking"]).order_by("rank")
    assert [answer.option.label for answer in ranked] == ["C", "A", "B"]
    assert "Thank you for your response" in text_of(client.get(url(consultation, "thanks/")))
    # A second visit: a clear page instead of the form.
    again = client.get(url(consultation, "answer/"))
    assert "You have already answered" in text_of(again)
    assert not [form for form in parsed(again).forms if form.get("class") == "answer-questions"]
    # A second response sent anyway (an old tab): refused on the form, what was typed kept.
    response = client.post(url(consultation, "answer/"), {**posted, "website": ""})
    assert response.status_code == 200
    doc = parsed(response)
    assert "You have already answered this consultation: one response per person." in form_errors(
        doc
    )
    assert doc.xpath(f'//input[@name="q{questions["short"].pk}"]/@value') == ["Mai rapid"]
    assert Response.objects.filter(consultation=consultation).count() == 1


def test_by_invitation_each_link_answers_once(
    client, client_as, make, django_capture_on_commit_callbacks
):
    consultation, questions = make(mode="invitation")
    editor = client_as("botosani-editor")
    page = editor.get(url(consultation, "invitations/"))
    assert page.status_code == 200
    # Every bad line is reported; nothing is created.
    response = editor.post(
        url(consultation, "invitations/"),
        {"emails": "ana@example.org\nnu-e-adresa\n\nalt@\n", "count": ""},
    )
    doc = parsed(response)
    assert errors_of(doc, "emails") == [
        "Line 2: “nu-e-adresa” is not a valid e-mail address.",
        "Line 4: “alt@” is not a valid e-mail address.",
    ]
    assert "ana@example.org" in doc.get_element_by_id("id_emails").text_content()
    assert not consultation.invitations.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            url(consultation, "invitations/"), {"emails": "ana@example.org\n", "count": "2"}
        )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    links = parsed(response).get_element_by_id("links").text_content().split()
    assert len(links) == 2 and all(settings.SITE_URL in link for link in links)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]
    assert settings.SITE_URL + url(consultation, "answer/") in mail.outbox[0].body
    assert consultation.invitations.count() == 3
    # Without a link, or with a wrong one.
    assert "By invitation only" in text_of(client.get(url(consultation, "answer/")))
    assert client.get(url(consultation, "answer/not-a-token/")).status_code == 404
    # The link answers once.
    path = links[0].removeprefix(settings.SITE_URL)
    assert answer_form(client.get(path)) is not None
    response = client.post(path, posted_for(questions))
    assert response.status_code == 302 and response["Location"] == url(consultation, "thanks/")
    assert "This link has been used" in text_of(client.get(path))
    response = client.post(path, posted_for(questions, short="A doua oară"))
    assert response.status_code == 200
    doc = parsed(response)
    assert "This invitation link has already been used" in form_errors(doc)
    assert doc.xpath(f'//input[@name="q{questions["short"].pk}"]/@value') == ["A doua oară"]
    assert Response.objects.filter(consultation=consultation).count() == 1
    # The city sees the links used and created.
    results = text_of(editor.get(url(consultation, "results/")))
    assert "1 of 3 links used" in results
    assert "One response per single-use link" in results


def test_anonymous_one_response_per_browser_by_a_signed_cookie(client, make):
    consultation, questions = make(mode="anonymous")
    cookie = f"di4c_consultation_{consultation.pk}"
    response = client.get(url(consultation, "answer/"))
    assert response.status_code == 200
    given = response.cookies[cookie]
    assert given["httponly"] and given["samesite"] == "Lax" and int(given["max-age"]) > 300 * 86400
    reading = HttpRequest()
    reading.COOKIES[cookie] = given.value
    key = reading.get_signed_cookie(cookie, salt=COOKIE_SALT)
    response = client.post(url(consultation, "answer/"), posted_for(questions))
    assert response.status_code == 302
    stored = Response.objects.get(consultation=consultation)
    # The cookie carries the key signed; the key alone is kept.
    assert stored.user is None and stored.browser_key == key and key != given.value
    assert "You have already answered" in text_of(client.get(url(consultation, "answer/")))
    response = client.post(url(consultation, "answer/"), posted_for(questions))
    assert "You have already answered this consultation" in form_errors(parsed(response))
    # Another browser (no cookie yet) is told to accept cookies, and given one for next time.
    other = client.__class__()
    response = other.post(url(consultation, "answer/"), posted_for(questions))
    assert "Your browser must accept cookies" in form_errors(parsed(response))
    assert cookie in response.cookies
    response = other.post(url(consultation, "answer/"), posted_for(questions))
    assert response.status_code == 302
    assert Response.objects.filter(consultation=consultation).count() == 2


def test_anonymous_responses_are_limited_per_address(client, make, settings):
    settings.DI4C_RATE_LIMITS = {**settings.DI4C_RATE_LIMITS, "response": (None, 1)}
    consultation, questions = make(mode="anonymous")
    first, second = client.__class__(), client.__class__()
    for browser in (first, second):
        browser.get(url(consultation, "answer/"))
    assert first.post(url(consultation, "answer/"), posted_for(questions)).status_code == 302
    response = second.post(url(consultation, "answer/"), posted_for(questions, short="Eu"))
    assert "You have posted too often" in form_errors(parsed(response))
    assert parsed(response).xpath(f'//input[@name="q{questions["short"].pk}"]/@value') == ["Eu"]


def test_a_closed_consultation_refuses_with_a_message(client_as, make):
    consultation, questions = make()
    client = client_as("citizen")
    client.get(url(consultation, "answer/"))
    close(consultation)
    page = client.get(url(consultation, "answer/"))
    assert "responses are no longer accepted" in text_of(page)
    response = client.post(url(consultation, "answer/"), posted_for(questions, short="Prea târziu"))
    doc = parsed(response)
    assert "responses are no longer accepted" in form_errors(doc)
    assert doc.xpath(f'//input[@name="q{questions["short"].pk}"]/@value') == ["Prea târziu"]
    assert not Response.objects.exists()


def test_an_option_not_offered_and_a_missing_answer_are_refused_on_their_question(client_as, make):
    consultation, questions = make()
    client = client_as("citizen")
    posted = posted_for(questions, short="Rămâne", long="Text\r\nlung")
    posted[f"q{questions['single'].pk}"] = str(options(questions["multiple"])[0].pk)
    posted[f"q{questions['scale'].pk}"] = ""
    response = client.post(url(consultation, "answer/"), posted)
    assert response.status_code == 200
    doc = parsed(response)
    assert question_errors(doc, questions["single"]) == ["That choice is not among the options."]
    assert question_errors(doc, questions["scale"]) == ["This question needs an answer."]
    assert doc.xpath(f'//input[@name="q{questions["short"].pk}"]/@value') == ["Rămâne"]
    assert (
        doc.xpath(f'//textarea[@name="q{questions["long"].pk}"]')[0].text_content().strip()
        == "Text\nlung"
    )
    checked = doc.xpath(f'//input[@name="q{questions["multiple"].pk}"][@checked]/@value')
    assert checked == [str(options(questions["multiple"])[0].pk)]
    ranking = questions["ranking"].pk
    chosen = doc.xpath(f'//select[@name="q{ranking}_0"]/option[@selected]/@value')
    assert chosen == [str(options(questions["ranking"])[0].pk)]
    assert not Response.objects.exists()


def test_a_ranking_with_a_place_given_twice_is_refused(client_as, make):
    consultation, questions = make()
    response = client_as("citizen").post(
        url(consultation, "answer/"), posted_for(questions, ranking=(0, 0, 1))
    )
    assert question_errors(parsed(response), questions["ranking"]) == [
        "Each option can be chosen only once."
    ]


def test_a_filled_honeypot_is_refused(client_as, make):
    consultation, questions = make()
    response = client_as("citizen").post(
        url(consultation, "answer/"), {**posted_for(questions), "website": "http://spam.example"}
    )
    assert response.status_code == 200
    assert "Leave the last field empty" in form_errors(parsed(response))
    assert not Response.objects.exists()


def test_a_draft_is_previewed_by_the_city_and_closed_to_others(client_as, make):
    consultation, _questions = make(publish=False)
    preview = client_as("botosani-editor").get(url(consultation, "answer/"))
    assert "Preview" in text_of(preview) and b"Send my response" not in preview.content
    # Not found, rather than forbidden: a 403 would tell that the draft exists.
    assert client_as("citizen").get(url(consultation, "answer/")).status_code == 404


def test_a_scheduled_consultation_says_when_it_opens(client_as, make):
    consultation, _questions = make(**window(days_open=-2, days_left=10))
    page = client_as("citizen").get(url(consultation, "answer/"))
    assert "This consultation opens on" in text_of(page)
    assert not [form for form in parsed(page).forms if form.get("class") == "answer-questions"]


def test_only_a_consultation_by_invitation_has_invitation_links(client_as, make):
    consultation, _questions = make(mode="account")
    client = client_as("botosani-editor")
    page = client.get(url(consultation, "invitations/"))
    assert "Only a consultation by invitation has invitation links" in text_of(page)
    client.post(url(consultation, "invitations/"), {"emails": "ana@example.org", "count": "1"})
    assert not consultation.invitations.exists()
    # A token on a consultation of another mode finds nothing.
    assert client.get(url(consultation, "answer/some-token/")).status_code == 404
