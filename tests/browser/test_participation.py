"""A citizen registers, answers a consultation, posts an idea, and the city answers it.

A new person creates an account from the header link, confirms it with the link mailed to
them (the link shows a button: opening it alone activates nothing), answers Botoșani's open
consultation (first refused for a required question left empty, the rest of the answers kept),
cannot answer twice, posts an idea, and sees, after Botoșani's city editor answered it in a
second browser, its status, the answer and the plan action it became; the answer reached them
by e-mail. The register page, the answer page (with and without an error shown), the idea page
as the city sees it and the public results of the closed consultation pass axe."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser

EDITOR = "botosani-editor@demo.di4c.eu"
NAME = "Elena Vasilache"
EMAIL = "elena.vasilache@example.org"
PASSWORD = "Cartier-Nord-2031!"
OPEN_TITLE = "Competențe digitale: cum vă putem ajuta să folosiți serviciile online?"
CLOSED_TITLE = "Ce servicii digitale vă doriți de la Primăria Botoșani?"
IDEA_TITLE = "Wi-Fi gratuit în parcurile din cartiere"
IDEA_BODY = (
    "Propun **Wi-Fi gratuit** în parcurile mari ale orașului:\n\n"
    "- Parcul Mihai Eminescu\n"
    "- Parcul Tineretului\n"
)
ANSWER_TEXT = "Preluăm ideea în acțiunea A7: punctele de asistență vor avea și Wi-Fi public."


def _question(page, text: str):
    """The fieldset of a question, found by its legend as a screen reader announces it."""
    return page.get_by_role("group", name=re.compile(re.escape(text)))


def _register_and_confirm(page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("banner").get_by_role("link", name="Create an account").click()
    page.wait_for_url(f"{base}/accounts/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert violations(page) == [], "register"

    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("Preferred language").select_option(label="English")
    page.get_by_label("I have read the privacy notice and accept it").check()
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/accounts/register/sent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.get_by_role("status")).to_contain_text(EMAIL)

    # The mail is sent when the live server's transaction commits, before its answer.
    to_her = [message for message in mail.outbox if message.to == [EMAIL]]
    assert len(to_her) == 1, [message.to for message in mail.outbox]
    found = re.search(r"https?://\S+/accounts/confirm/\S+/", to_her[0].body)
    assert found, to_her[0].body
    page.goto(f"{base}{urlparse(found.group(0)).path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your account")
    # Opening the link alone activates nothing (mail scanners open links too).
    from di4c.accounts.models import User

    assert not User.objects.get(email=EMAIL).is_active
    page.get_by_label("The password you chose when registering").fill(PASSWORD)
    page.get_by_role("button", name="Confirm my account").click()
    page.wait_for_url(f"{base}/participate/")
    expect(page.locator(".messages")).to_contain_text("Your e-mail address is confirmed")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert User.objects.get(email=EMAIL).is_active


def _answer_consultation(page, base: str) -> None:
    from di4c.engagement.models import Response

    expect(page.get_by_role("heading", level=1)).to_have_text("Take part")
    page.get_by_test_id("open_consultations").get_by_role(
        "link", name=OPEN_TITLE, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_TITLE)
    page.get_by_role("link", name="Answer the consultation").click()
    answer_url = page.url
    assert answer_url.endswith("/answer/"), answer_url
    expect(page.get_by_role("button", name="Send my response")).to_be_visible()
    assert violations(page) == [], "answer page"

    # Everything answered but the first (required) question.
    where = _question(page, "Unde ați prefera să primiți ajutor?")
    where.get_by_label("La bibliotecă").check()
    where.get_by_label("Prin tutoriale video").check()
    # The scale with the keyboard: Space picks the focused value, arrows move the choice.
    scale = _question(page, "Cât de sigur vă simțiți când plătiți online?")
    scale.get_by_label("1 – very low").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(scale.get_by_label("4 – high")).to_be_checked()
    ranking = _question(page, "Ce cursuri gratuite v-ar fi cele mai utile?")
    places = [
        "Plăți online în siguranță",
        "Serviciile online ale primăriei, pas cu pas",
        "Protecția datelor personale și a parolelor",
        "Identitatea electronică (ROeID) și semnătura electronică",
    ]
    for place, label in zip(
        ["1st place", "2nd place", "3rd place", "4th place"], places, strict=True
    ):
        ranking.get_by_label(place).select_option(label=label)
    short = _question(page, "Ce serviciu online ați vrea să învățați să folosiți mai întâi?")
    short.get_by_label("Your answer").fill("Plata impozitelor de pe telefon.")
    long = _question(page, "Alte sugestii pentru punctele de asistență digitală")
    long.get_by_label("Your answer").fill(
        "Program și după ora 17,\nmăcar de două ori pe săptămână."
    )
    page.get_by_role("button", name="Send my response").click()

    # Refused, with a message on the question; what was typed is kept.
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your response was not stored yet")
    expect(alert.get_by_role("link", name="Question 1")).to_be_visible()
    experience = _question(page, "Cum v-ați descrie experiența cu serviciile online?")
    expect(experience.locator(".errorlist")).to_be_visible()
    expect(where.get_by_label("La bibliotecă")).to_be_checked()
    expect(where.get_by_label("Prin tutoriale video")).to_be_checked()
    expect(where.get_by_label("Prin telefon")).not_to_be_checked()
    expect(scale.get_by_label("4 – high")).to_be_checked()
    expect(ranking.get_by_label("1st place").locator("option:checked")).to_have_text(places[0])
    expect(short.get_by_label("Your answer")).to_have_value("Plata impozitelor de pe telefon.")
    assert not Response.objects.filter(user__email=EMAIL).exists()
    assert violations(page) == [], "answer page with an error"

    experience.get_by_label("Mă descurc, dar uneori am nevoie de ajutor").check()
    page.get_by_role("button", name="Send my response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your response")
    response = Response.objects.get(user__email=EMAIL, consultation__title=OPEN_TITLE)
    stored = list(response.answers.select_related("option", "question").order_by("rank", "pk"))
    assert [a.option.label for a in stored if a.question.kind == "single"] == [
        "Mă descurc, dar uneori am nevoie de ajutor"
    ]
    assert sorted(a.option.label for a in stored if a.question.kind == "multiple") == [
        "La bibliotecă",
        "Prin tutoriale video",
    ]
    assert [a.scale for a in stored if a.question.kind == "scale"] == [4]
    assert [a.option.label for a in stored if a.question.kind == "ranking"] == places
    assert [a.text for a in stored if a.question.kind == "short_text"] == [
        "Plata impozitelor de pe telefon."
    ]
    assert [a.text for a in stored if a.question.kind == "long_text"] == [
        "Program și după ora 17,\nmăcar de două ori pe săptămână."
    ]

    # One response per account: the form is not offered again.
    page.goto(answer_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You have already answered")
    expect(page.get_by_role("button", name="Send my response")).to_have_count(0)
    assert Response.objects.filter(user__email=EMAIL).count() == 1


def _post_idea(page, base: str) -> str:
    page.goto(f"{base}/organisations/botosani/ideas/")
    page.get_by_role("link", name="Post an idea").click()
    page.get_by_label("Title").fill(IDEA_TITLE)
    page.get_by_label("Your idea").fill(IDEA_BODY)
    page.get_by_role("button", name="Publish my idea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(IDEA_TITLE)
    expect(page.locator(".messages")).to_contain_text("your idea is published")
    expect(page.get_by_test_id("status").first).to_have_text("New")
    expect(page.get_by_test_id("author")).to_contain_text(NAME)
    body = page.get_by_test_id("body")
    expect(body.locator("strong")).to_have_text("Wi-Fi gratuit")
    expect(body.get_by_role("listitem")).to_have_count(2)
    expect(page.locator("#journey")).to_contain_text("The city has not answered yet.")
    return page.url


def _city_answers(browser, base: str, idea_url: str) -> None:
    context = browser.new_context(locale="en-GB")
    try:
        city = context.new_page()
        city.set_default_timeout(15000)
        sign_in(city, base, EDITOR)
        city.goto(idea_url)
        expect(city.get_by_role("heading", level=1)).to_have_text(IDEA_TITLE)
        assert violations(city) == [], "idea page as the city sees it"

        form = city.locator("section.answer-form")
        form.get_by_role("group", name="The city's answer").get_by_label(
            "Accepted", exact=True
        ).check()
        form.get_by_label("Explanation for the author and the public").fill(ANSWER_TEXT)
        action = form.get_by_label("Plan action the idea became")
        label = action.locator("option", has_text=re.compile(r"– A7 ")).text_content()
        action.select_option(label=label)
        sent_before = len(mail.outbox)
        form.get_by_role("button", name="Publish the answer").click()
        expect(city.locator(".messages")).to_contain_text("The answer is published")
        step = city.get_by_test_id("journey").get_by_test_id("step")
        expect(step).to_have_count(1)
        expect(step.get_by_test_id("status")).to_have_text("Accepted")
        expect(step.locator("blockquote")).to_have_text(ANSWER_TEXT)
        expect(step.get_by_test_id("action-link")).to_contain_text("A7")
        assert violations(city) == [], "idea page as the city sees it, answered"

        to_her = [message for message in mail.outbox[sent_before:] if message.to == [EMAIL]]
        assert len(to_her) == 1, [message.to for message in mail.outbox[sent_before:]]
        assert IDEA_TITLE in to_her[0].subject
        assert "Accepted" in to_her[0].body
        assert ANSWER_TEXT in to_her[0].body
        assert urlparse(idea_url).path in to_her[0].body
    finally:
        context.close()


def test_citizen_registers_answers_posts_an_idea_and_the_city_answers_it(browser, page, live_demo):
    base = live_demo.url
    _register_and_confirm(page, base)
    _answer_consultation(page, base)
    idea_url = _post_idea(page, base)
    _city_answers(browser, base, idea_url)

    # The citizen sees what became of the idea.
    page.reload()
    expect(page.get_by_test_id("status").first).to_have_text("Accepted")
    journey = page.get_by_test_id("journey")
    expect(journey.get_by_test_id("step").get_by_test_id("status")).to_have_text("Accepted")
    expect(journey).to_contain_text(ANSWER_TEXT)
    expect(journey.get_by_test_id("action-link")).to_contain_text("A7")
    expect(page.get_by_role("link", name="Correct my idea")).to_have_count(0)

    # The public results of the closed consultation, charts drawn.
    page.goto(f"{base}/organisations/botosani/consultations/")
    page.get_by_role("link", name=CLOSED_TITLE, exact=True).click()
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CLOSED_TITLE)
    expect(page.get_by_test_id("response-total")).to_have_text("320")
    expect(page.locator("canvas[data-ready]").first).to_be_attached()
    assert violations(page) == [], "public results of the closed consultation"
    assert page.foreign_requests == []
