"""The consultations API, answering and results: people answer once each (by account, by a
single-use link or by a respondent key), every answer is checked and a refusal names the
question; the results are the selector's figures, live to the city and public after closing
if published, with moderated free text; lists and results keep a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.engagement.models import Answer, Moderation, Response
from tests.api.consultation_api_helpers import (
    API,
    JSON,
    QUESTIONS,
    answers,
    conforms,
    field_errors,
    ids,
    respond,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.DI4C_RATE_LIMITS = {}


# --- answering ----------------------------------------------------------------------------------


def test_one_response_per_account(client, make_consultation, people, openapi):
    consultation = make_consultation()
    [person] = people(1)
    body = answers(consultation, text="Mai multe servicii online")
    first = respond(client, consultation, person, answers=body)
    assert first.status_code == 201, first.content
    conforms(openapi, "ResponseOut", first.json())
    assert first.json()["mode"] == "account"
    second = respond(client, consultation, person, answers=body)
    assert second.status_code == 409
    assert "already answered" in second.json()["detail"]
    assert Response.objects.filter(consultation=consultation).count() == 1
    stored = Answer.objects.get(response__consultation=consultation, text__startswith="Mai")
    assert stored.moderation == Moderation.PENDING


def test_an_account_consultation_needs_a_token(client, make_consultation, demo_user):
    consultation = make_consultation()
    refused = respond(client, consultation, answers=answers(consultation))
    assert refused.status_code == 401 and "Sign in" in refused.json()["detail"]
    # A browser session is not enough: the API takes no session write without a token here.
    client.force_login(demo_user("citizen"))
    assert respond(client, consultation, answers=answers(consultation)).status_code == 401
    assert not Response.objects.exists()


def test_a_choice_that_is_not_offered_names_the_question(
    client, make_consultation, people, messina
):
    consultation = make_consultation()
    other = make_consultation(organisation=messina)
    foreign_option = other.questions.get(kind="single").options.first().pk
    [person] = people(1)
    known = ids(consultation)
    body = answers(consultation)
    body[str(known["q"]["single"])] = foreign_option
    body[str(known["q"]["scale"])] = 9
    body[f"q{known['q']['ranking']}"] = [known["o"]["Wi-Fi"]]
    errors = field_errors(respond(client, consultation, person, answers=body))
    assert errors[(f"q{known['q']['single']}",)] == "That choice is not among the options."
    assert errors[(f"q{known['q']['scale']}",)] == "Choose a value from 1 to 5."
    assert "Rank every option" in errors[(f"q{known['q']['ranking']}",)]
    assert not Response.objects.exists()


def test_a_missing_required_answer_names_the_question(client, make_consultation, people):
    consultation = make_consultation()
    [person] = people(1)
    known = ids(consultation)
    body = answers(consultation)
    del body[str(known["q"]["single"])]
    body[str(known["q"]["multiple"])] = []  # optional: may stay empty
    errors = field_errors(respond(client, consultation, person, answers=body))
    assert errors == {(f"q{known['q']['single']}",): "This question needs an answer."}


@pytest.mark.parametrize(
    "answers_value",
    [{"999999": 1}, {"12": {"nested": 1}}, {"12": True}, "not a dict", {"x" * 13: 1}],
)
def test_malformed_answers_are_422(client, make_consultation, people, answers_value):
    consultation = make_consultation()
    [person] = people(1)
    response = respond(client, consultation, person, answers=answers_value)
    assert response.status_code == 422, response.content
    assert not Response.objects.exists()


def test_a_closed_or_scheduled_consultation_takes_no_answers(client, make_consultation, people):
    closed = make_consultation(opens=-10, closes=-1)
    scheduled = make_consultation(opens=3, closes=10)
    [person] = people(1)
    refused = respond(client, closed, person, answers=answers(closed))
    assert refused.status_code == 422
    assert "no longer accepted" in refused.json()["detail"][0]["msg"]
    refused = respond(client, scheduled, person, answers=answers(scheduled))
    assert refused.status_code == 422 and "not open yet" in refused.json()["detail"][0]["msg"]
    assert not Response.objects.exists()


def test_a_draft_takes_no_answers_and_is_not_found(client, make_consultation, people):
    draft = make_consultation(publish=False)
    [person] = people(1)
    assert respond(client, draft, person, answers=answers(draft)).status_code == 404


def test_anonymous_consultations_take_one_response_per_respondent_key(
    client, make_consultation, settings
):
    consultation = make_consultation(mode="anonymous")
    body = answers(consultation)
    key = "k3y-0f-a-cl1ent-that-is-long-enough"
    assert respond(client, consultation, answers=body, respondent_key=key).status_code == 201
    again = respond(client, consultation, answers=body, respondent_key=key)
    assert again.status_code == 409
    missing = respond(client, consultation, answers=body)
    assert ("respondent_key",) in field_errors(missing)
    short = respond(client, consultation, answers=body, respondent_key="short")
    assert short.status_code == 422
    stored = Response.objects.get(consultation=consultation)
    assert stored.mode == "anonymous" and key not in stored.browser_key


def test_anonymous_responses_are_rate_limited_per_address(client, make_consultation, settings):
    settings.DI4C_RATE_LIMITS = {"response": (None, 2)}
    consultation = make_consultation(mode="anonymous")
    body = answers(consultation)
    for number in range(2):
        key = f"respondent-key-number-{number:04}"
        assert respond(client, consultation, answers=body, respondent_key=key).status_code == 201
    limited = respond(client, consultation, answers=body, respondent_key="respondent-key-number-9")
    assert limited.status_code == 429
    assert "too often" in limited.json()["detail"]
    assert Response.objects.filter(consultation=consultation).count() == 2


# --- results ------------------------------------------------------------------------------------


@pytest.fixture
def answered(make_consultation, people, client):
    """Three hand-made responses, whose figures are worked out below by hand."""
    consultation = make_consultation()
    rows = [
        {"single": "Taxes", "multiple": ("Web", "App"), "scale": 5, "text": "Mai mult online"},
        {
            "single": "Taxes",
            "multiple": ("App",),
            "ranking": ["E-payment", "Wi-Fi", "Open data"],
            "scale": 4,
        },
        {
            "single": "Parking",
            "multiple": (),
            "ranking": ["Wi-Fi", "Open data", "E-payment"],
            "scale": 4,
            "text": "Wi-Fi în parcuri",
        },
    ]
    for person, row in zip(people(3), rows, strict=True):
        response = respond(client, consultation, person, answers=answers(consultation, **row))
        assert response.status_code == 201, response.content
    return consultation


def _by_kind(body) -> dict:
    return {question["kind"]: question for question in body["questions"]}


def test_the_results_count_the_answers(client, answered, editor, openapi):
    response = client.get(f"{API}/consultations/{answered.pk}/results", **editor)
    assert response.status_code == 200, response.content
    body = response.json()
    conforms(openapi, "ResultsOut", body)
    assert body["responses"] == 3 and body["city_view"] is True
    assert body["mode"] == "account" and body["state"] == "open"
    questions = _by_kind(body)
    single = questions["single"]
    assert single["answered"] == 3
    assert [(o["label"], o["count"], o["percent"]) for o in single["options"]] == [
        ("Taxes", 2, 66.7),
        ("Parking", 1, 33.3),
        ("Permits", 0, 0.0),
    ]
    multiple = questions["multiple"]
    assert multiple["answered"] == 2  # the third left it empty
    assert [(o["label"], o["count"], o["percent"]) for o in multiple["options"]] == [
        ("Web", 1, 50.0),
        ("App", 2, 100.0),
        ("Desk", 0, 0.0),
    ]
    # Ranks: Wi-Fi 1, 2, 1; E-payment 2, 1, 3; Open data 3, 3, 2. Points: 3 for a first place.
    ranking = questions["ranking"]
    assert [(o["label"], o["points"], o["average_rank"]) for o in ranking["options"]] == [
        ("Wi-Fi", 8, 1.33),
        ("E-payment", 6, 2.0),
        ("Open data", 4, 2.67),
    ]
    scale = questions["scale"]
    assert scale["scale_average"] == 4.33
    assert [(s["value"], s["count"], s["percent"]) for s in scale["scale"]] == [
        (1, 0, 0.0),
        (2, 0, 0.0),
        (3, 0, 0.0),
        (4, 2, 66.7),
        (5, 1, 33.3),
    ]
    text = questions["long_text"]
    assert text["answered"] == 2
    assert {(t["text"], t["moderation"]) for t in text["texts"]} == {
        ("Mai mult online", "pending"),
        ("Wi-Fi în parcuri", "pending"),
    }
    assert text["text_counts"] == {"pending": 2}


@pytest.mark.parametrize("who", [None, "citizen", "messina-editor"])
def test_live_results_are_the_citys_only(client, answered, token_for, who):
    headers = token_for(who) if who else {}
    response = client.get(f"{API}/consultations/{answered.pk}/results", **headers)
    assert response.status_code == 403


def test_published_results_show_only_moderated_texts(client, answered, editor, token_for):
    url = f"{API}/consultations/{answered.pk}"
    texts = {
        answer.text: answer.pk
        for answer in Answer.objects.filter(response__consultation=answered).exclude(text="")
    }
    shown = client.post(
        f"{url}/answers/{texts['Mai mult online']}/moderation",
        {"publish": True},
        content_type=JSON,
        **editor,
    )
    assert shown.status_code == 200 and shown.json()["moderation"] == "published"
    hidden = client.post(
        f"{url}/answers/{texts['Wi-Fi în parcuri']}/moderation",
        {"publish": False},
        content_type=JSON,
        **editor,
    )
    assert hidden.json()["moderation"] == "hidden"
    client.patch(url, {"results_public": True}, content_type=JSON, **editor)
    client.post(f"{url}/close", **editor)
    public = client.get(f"{url}/results")
    assert public.status_code == 200
    body = public.json()
    assert body["city_view"] is False and body["responses"] == 3
    text = _by_kind(body)["long_text"]
    assert text["texts"] == [
        {"id": texts["Mai mult online"], "text": "Mai mult online", "moderation": None}
    ]
    assert text["text_counts"] is None
    assert _by_kind(body)["single"]["options"][0]["count"] == 2
    listed = client.get(f"{API}/organisations/botosani/consultations").json()["items"]
    assert listed[0]["response_count"] == 3  # the results are public now


def test_only_the_city_moderates_free_text_answers(client, answered, token_for, make_consultation):
    answer = Answer.objects.filter(response__consultation=answered).exclude(text="").first()
    url = f"{API}/consultations/{answered.pk}/answers/{answer.pk}/moderation"
    for who, status in (("citizen", 403), ("messina-editor", 403), ("local-group", 403)):
        response = client.post(url, {"publish": True}, content_type=JSON, **token_for(who))
        assert response.status_code == status, who
    assert client.post(url, {"publish": True}, content_type=JSON).status_code == 401
    other = make_consultation(title="Alta")
    elsewhere = f"{API}/consultations/{other.pk}/answers/{answer.pk}/moderation"
    editor = token_for("botosani-editor")
    assert client.post(elsewhere, {"publish": True}, content_type=JSON, **editor).status_code == 404
    choice = Answer.objects.filter(response__consultation=answered, option__isnull=False).first()
    not_text = f"{API}/consultations/{answered.pk}/answers/{choice.pk}/moderation"
    assert client.post(not_text, {"publish": True}, content_type=JSON, **editor).status_code == 422
    answer.refresh_from_db()
    assert answer.moderation == Moderation.PENDING


# --- query counts -------------------------------------------------------------------------------


def _queries(client, url, headers=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **(headers or {}))
    assert response.status_code == 200, response.content
    return len(captured)


def test_the_lists_take_a_constant_number_of_queries(client, make_consultation, messina, token_for):
    city = f"{API}/organisations/botosani/consultations"
    readers = {
        "anonymous": {},
        "editor": token_for("botosani-editor"),
        "expert": token_for("lead-expert"),
    }

    def counts() -> dict:
        return {
            (name, url): _queries(client, url, headers)
            for name, headers in readers.items()
            for url in (city, f"{API}/consultations/open")
        }

    make_consultation(questions=QUESTIONS[:1])
    make_consultation(questions=QUESTIONS[:1], organisation=messina)
    counts()  # the tokens' first use is recorded once
    small = counts()
    for number in range(4):
        make_consultation(title=f"Botoșani {number}", questions=QUESTIONS[:1])
        make_consultation(title=f"Messina {number}", questions=QUESTIONS[:1], organisation=messina)
        make_consultation(title=f"Ciornă {number}", questions=QUESTIONS[:1], publish=False)
    assert client.get(city, **readers["editor"]).json()["count"] == 9
    assert client.get(f"{API}/consultations/open").json()["count"] == 10
    assert counts() == small


def test_the_results_take_a_constant_number_of_queries(client, answered, people, editor):
    url = f"{API}/consultations/{answered.pk}/results"
    _queries(client, url, editor)
    three = _queries(client, url, editor)
    for person in people(7):
        assert (
            respond(client, answered, person, answers=answers(answered, text="Da")).status_code
            == 201
        )
    assert client.get(url, **editor).json()["responses"] == 10
    assert _queries(client, url, editor) == three


@pytest.mark.parametrize("who", ["local-group", "lead-expert", "coordinator"])
def test_the_citys_members_and_network_follow_counts_but_not_unmoderated_text(
    client, answered, token_for, who
):
    response = client.get(f"{API}/consultations/{answered.pk}/results", **token_for(who))
    assert response.status_code == 200
    body = response.json()
    assert body["city_view"] is False and body["responses"] == 3
    text = _by_kind(body)["long_text"]
    assert text["texts"] == [] and text["text_counts"] is None
