"""The self-assessment answer pages: through a single-use link (anonymous) and signed in.

What is counted is checked as a city would see it - through the results selector once the
round is closed with at least five answers - never by reading one person's answers (there
are none to read)."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.models import Department, RoundLink, RoundParticipation
from di4c.capacity.selectors import ALL, round_results
from tests.capacity.answer_helpers import (
    answer_post,
    competence_codes,
    ensure_city_setup,
    link_for_department,
    make_open_round,
    page_tree,
    text_of,
)
from tests.capacity.conftest import answer

pytestmark = pytest.mark.django_db

EDITOR = "botosani-editor"


@pytest.fixture
def editor(demo_user):
    return demo_user(EDITOR)


@pytest.fixture
def link_round(botosani, editor):
    return make_open_round(botosani, editor, access="links")


@pytest.fixture
def accounts_round(botosani, editor):
    return make_open_round(botosani, editor, access="accounts")


def counted(round_) -> int:
    """How many people the round has counted, as the results selector reports it."""
    return round_results(round_).respondents


def test_the_link_page_explains_anonymity_and_asks_every_competence(client, link_round, editor):
    token = link_for_department(link_round, editor)
    response = client.get(f"/skills/{token}/")
    assert response.status_code == 200
    # The page may carry a single-use link: not kept by caches, not passed on, not indexed.
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    tree = page_tree(response)
    promise = text_of(tree.get_element_by_id("intro-heading").getparent())
    assert "only counted" in promise
    assert "Nobody, not even the administrator" in promise
    assert "groups of 5 people or more" in promise
    assert "after the self-assessment closes" in promise
    assert "Taxes" in text_of(tree.find_class("skills-context")[0])

    role_labels = [text_of(label) for label in tree.xpath('//fieldset[@id="role-choice"]//label')]
    assert role_labels == ["Front office", "IT staff"]
    assert not tree.xpath('//select[@name="department"]'), "a link fixes the department"

    competences = services.round_competences(link_round)
    fieldsets = tree.xpath('//fieldset[contains(@class, "skills-competence")]')
    assert len(fieldsets) == len(competences) > 0
    first = competences[0]
    legend = text_of(fieldsets[0].find("legend"))
    assert legend == f"{first.code} {first.display_name}"
    assert first.display_summary in text_of(fieldsets[0])
    radios = fieldsets[0].xpath(".//input[@type='radio']")
    assert [r.get("value") for r in radios] == [str(n) for n in range(1, 9)]
    assert {r.get("name") for r in radios} == {f"level-{first.code}"}
    labels = [text_of(label) for label in fieldsets[0].xpath(".//label")]
    assert labels[0].startswith("Level 1 · Foundation")
    assert first.descriptor(1) in labels[0]
    assert labels[7].startswith("Level 8 · Highly specialised")
    assert first.descriptor(8) in labels[7]
    # Areas are sections with their heading.
    assert len(tree.xpath('//section[contains(@class, "skills-area")]/h2')) == 2


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_page_takes_as_many_queries_for_30_competences_as_for_6(client, botosani, editor):
    short = make_open_round(botosani, editor, area_codes=("1", "6"), title="Short")
    whole = make_open_round(botosani, editor, area_codes=(), title="Whole framework")
    assert len(competence_codes(short)) < len(competence_codes(whole))

    few = _queries(client, f"/skills/{link_for_department(short, editor)}/")
    many = _queries(client, f"/skills/{link_for_department(whole, editor)}/")

    assert few == many


def test_a_link_answer_counts_once_per_competence_and_thanks(client, link_round, editor):
    codes = competence_codes(link_round)
    for _person in range(4):
        answer(link_round, "Taxes", "front", 3, editor=editor)
    token = link_for_department(link_round, editor)
    # A different level per competence, so that a count in the wrong place would show.
    mine = {code: (index % 8) + 1 for index, code in enumerate(codes)}

    response = client.post(f"/skills/{token}/", answer_post(link_round, levels=mine))

    assert response.status_code == 302
    assert response["Location"] == f"/skills/{token}/thanks/"
    # Nothing is kept about the browser that answered either: no session is started.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "your answers are counted" in text_of(page_tree(thanks).find(".//h1"))

    services.round_close(actor=editor, round_=link_round)
    results = round_results(link_round)
    assert results.shown and results.respondents == 5
    for competence in results.competences:
        stats = results.cell(ALL, competence)
        assert stats.respondents == 5, competence.code
        assert stats.level_sum == 4 * 3 + mine[competence.code], competence.code


def test_going_back_to_a_used_link_says_it_was_used(client, link_round, editor):
    token = link_for_department(link_round, editor)
    client.post(f"/skills/{token}/", answer_post(link_round))

    again = client.get(f"/skills/{token}/")

    assert again.status_code == 410
    assert text_of(page_tree(again).find(".//h1")) == "This link has already been used"


def test_a_second_submission_with_the_same_link_is_refused(client, link_round, editor):
    token = link_for_department(link_round, editor)
    first = client.post(f"/skills/{token}/", answer_post(link_round, levels=2))
    assert first.status_code == 302

    second = client.post(f"/skills/{token}/", answer_post(link_round, levels=7))

    assert second.status_code == 410
    assert "already been used" in second.content.decode()
    assert counted(link_round) == 1


@pytest.mark.parametrize("bad", ["9", "0", "-1", "3.5", "four"])
def test_a_level_outside_the_scale_is_refused_at_its_competence(client, link_round, editor, bad):
    token = link_for_department(link_round, editor)
    codes = competence_codes(link_round)
    levels = dict.fromkeys(codes, 5)
    levels[codes[1]] = bad

    response = client.post(f"/skills/{token}/", answer_post(link_round, levels=levels))

    assert response.status_code == 200
    tree = page_tree(response)
    anchor = "competence-" + codes[1].replace(".", "-")
    fieldset = tree.get_element_by_id(anchor)
    assert "has-error" in fieldset.get("class")
    error = text_of(fieldset.find_class("errorlist")[0])
    assert "1 to 8" in error
    summary = tree.get_element_by_id("error-summary")
    assert summary.xpath(f'.//a[@href="#{anchor}"]')
    # Only that competence is wrong; everything chosen is kept, the bad value is not ticked.
    assert len(tree.xpath('//fieldset[contains(@class, "has-error")]')) == 1
    assert (
        tree.xpath(f'//input[@name="level-{codes[0]}"][@value="5"]')[0].get("checked") is not None
    )
    assert not tree.xpath(f'//input[@name="level-{codes[1]}"][@checked]')
    assert tree.xpath('//input[@name="role"][@value="front"]')[0].get("checked") is not None
    assert counted(link_round) == 0
    assert not RoundLink.objects.get(round=link_round).is_used


@pytest.mark.parametrize("stranger", ["9.9", "3.1"])
def test_a_competence_the_round_does_not_ask_is_refused(client, link_round, editor, stranger):
    """9.9 is in no framework; 3.1 is in the framework but not in this round's areas."""
    token = link_for_department(link_round, editor)
    data = answer_post(link_round, levels=4)
    data[f"level-{stranger}"] = "4"

    response = client.post(f"/skills/{token}/", data)

    assert response.status_code == 200
    summary = text_of(page_tree(response).get_element_by_id("error-summary"))
    assert f"Not a competence of this round: {stranger}" in summary
    assert counted(link_round) == 0
    assert not RoundLink.objects.get(round=link_round).is_used


def test_missing_answers_and_role_are_listed_and_the_rest_kept(client, link_round, editor):
    token = link_for_department(link_round, editor)
    codes = competence_codes(link_round)
    levels = {code: 6 for code in codes[2:]}

    response = client.post(f"/skills/{token}/", answer_post(link_round, role=None, levels=levels))

    assert response.status_code == 200
    tree = page_tree(response)
    summary = tree.get_element_by_id("error-summary")
    targets = [a.get("href") for a in summary.xpath(".//a")]
    assert targets == ["#role-choice"] + [
        "#competence-" + code.replace(".", "-") for code in codes[:2]
    ]
    for code in codes[:2]:
        fieldset = tree.get_element_by_id("competence-" + code.replace(".", "-"))
        assert "Choose the level that describes you best." in text_of(fieldset)
    for code in codes[2:]:
        ticked = tree.xpath(f'//input[@name="level-{code}"][@checked]')
        assert [t.get("value") for t in ticked] == ["6"]
    assert counted(link_round) == 0


def test_an_unknown_link_is_not_found(client, link_round):
    assert client.get("/skills/not-a-real-token/").status_code == 404
    assert client.post("/skills/not-a-real-token/", {"role": "front"}).status_code == 404
    assert client.get("/skills/" + "x" * 150 + "/").status_code == 404


def test_a_closed_round_says_so_and_counts_nothing(client, link_round, editor):
    token = link_for_department(link_round, editor)
    services.round_close(actor=editor, round_=link_round)

    shown = client.get(f"/skills/{token}/")
    sent = client.post(f"/skills/{token}/", answer_post(link_round))

    for response in (shown, sent):
        assert response.status_code == 200
        assert text_of(page_tree(response).find(".//h1")) == "This self-assessment is closed"
    assert counted(link_round) == 0
    assert not RoundLink.objects.get(round=link_round).is_used


def test_a_round_not_open_yet_says_so(client, botosani, editor):
    ensure_city_setup(botosani, editor)
    today = timezone.localdate()
    draft = services.round_save(
        actor=editor,
        organisation=botosani,
        data={
            "title": "Draft round",
            "opens_on": today,
            "closes_on": today + dt.timedelta(days=5),
            "access": "links",
        },
    )
    token = link_for_department(draft, editor)

    response = client.post(f"/skills/{token}/", answer_post(draft))

    assert response.status_code == 200
    assert text_of(page_tree(response).find(".//h1")) == "Not open yet"
    assert counted(draft) == 0


def test_the_page_follows_the_language_chosen(client, link_round, editor):
    token = link_for_department(link_round, editor)
    client.cookies["di4c_language"] = "ro"

    response = client.get(f"/skills/{token}/")

    first = services.round_competences(link_round)[0]
    assert first.name_i18n["ro"] in text_of(page_tree(response).get_element_by_id("competence-1-1"))


# --- signed in ------------------------------------------------------------------------------


def test_a_member_answers_a_signed_in_round_once(client_as, accounts_round, botosani):
    client = client_as("local-group")
    url = f"/capacity/rounds/{accounts_round.pk}/answer/"
    form = client.get(url)
    assert form.status_code == 200
    options = page_tree(form).xpath('//select[@name="department"]/option')
    assert [o.text for o in options][1:] == ["Registry", "Taxes"]
    registry = Department.objects.get(organisation=botosani, name="Registry")

    sent = client.post(url, answer_post(accounts_round, department=registry))

    assert sent.status_code == 302
    assert sent["Location"] == f"/capacity/rounds/{accounts_round.pk}/answer/thanks/"
    assert client.get(sent["Location"]).status_code == 200
    assert RoundParticipation.objects.filter(round=accounts_round).count() == 1

    shown_again = client.get(url)
    sent_again = client.post(url, answer_post(accounts_round, department=registry))
    for response in (shown_again, sent_again):
        assert response.status_code == 200
        assert text_of(page_tree(response).find(".//h1")) == "You have already answered"
    assert counted(accounts_round) == 1


def test_signed_in_answer_needs_a_department(client_as, accounts_round):
    client = client_as("local-group")
    response = client.post(
        f"/capacity/rounds/{accounts_round.pk}/answer/", answer_post(accounts_round)
    )
    assert response.status_code == 200
    summary = page_tree(response).get_element_by_id("error-summary")
    assert [a.get("href") for a in summary.xpath(".//a")] == ["#id_department"]
    assert counted(accounts_round) == 0


def test_another_citys_department_is_refused(client_as, accounts_round, messina, demo_user):
    other = services.department_save(
        actor=demo_user("messina-editor"), organisation=messina, data={"name": "Tributi"}
    )
    client = client_as("local-group")
    response = client.post(
        f"/capacity/rounds/{accounts_round.pk}/answer/",
        answer_post(accounts_round, department=other),
    )
    assert response.status_code == 200
    assert "Choose your department." in response.content.decode()
    assert counted(accounts_round) == 0


@pytest.mark.parametrize("who", ["citizen", "messina-editor", "coordinator"])
def test_people_outside_the_city_cannot_answer(client_as, accounts_round, who):
    client = client_as(who)
    url = f"/capacity/rounds/{accounts_round.pk}/answer/"
    assert client.get(url).status_code == 403
    assert client.post(url, answer_post(accounts_round)).status_code == 403
    assert counted(accounts_round) == 0


def test_a_visitor_is_sent_to_sign_in(client, accounts_round):
    response = client.get(f"/capacity/rounds/{accounts_round.pk}/answer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_link_round_cannot_be_answered_by_signing_in(client_as, link_round):
    client = client_as("local-group")
    assert client.get(f"/capacity/rounds/{link_round.pk}/answer/").status_code == 404


def test_thanks_before_answering_goes_back_to_the_form(client, link_round, editor):
    token = link_for_department(link_round, editor)
    response = client.get(f"/skills/{token}/thanks/")
    assert response.status_code == 302 and response["Location"] == f"/skills/{token}/"
