"""The consultations API, preparing and reading: a city's editors prepare, publish and close a
consultation and make invitation links; drafts and other cities' consultations stay out of
reach; odd input is a 4xx naming the field. Answers and results are in
test_consultation_responses_api."""

import pytest
from django.core import mail

from di4c.engagement.models import Consultation, Response
from tests.api.consultation_api_helpers import (
    API,
    JSON,
    answers,
    conforms,
    field_errors,
    respond,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.DI4C_RATE_LIMITS = {}


def test_openapi_lists_the_consultation_endpoints(openapi):
    paths = openapi["paths"]
    for path, methods in {
        "/api/v1/organisations/{slug}/consultations": {"get", "post"},
        "/api/v1/consultations/open": {"get"},
        "/api/v1/consultations/{pk}": {"get", "patch"},
        "/api/v1/consultations/{pk}/questions": {"post"},
        "/api/v1/consultations/{pk}/questions/{question_id}": {"patch", "delete"},
        "/api/v1/consultations/{pk}/publish": {"post"},
        "/api/v1/consultations/{pk}/close": {"post"},
        "/api/v1/consultations/{pk}/invitations": {"post"},
        "/api/v1/consultations/{pk}/responses": {"post"},
        "/api/v1/consultations/{pk}/results": {"get"},
        "/api/v1/consultations/{pk}/answers/{answer_id}/moderation": {"post"},
    }.items():
        assert set(paths[path]) == methods, path
        assert all(paths[path][m]["tags"] == ["consultations"] for m in methods)
    responses = paths["/api/v1/consultations/{pk}/responses"]["post"]
    assert {"201", "401", "409", "422", "429"} <= set(responses["responses"])
    assert "respondent_key" in responses["description"]


# --- lists and reading --------------------------------------------------------------------------


def test_the_public_list_shows_published_consultations_only(client, make_consultation, editor):
    published = make_consultation(title="Publicată")
    draft = make_consultation(title="Ciornă", publish=False)
    url = f"{API}/organisations/botosani/consultations"
    public = client.get(url).json()
    assert public["count"] == 1
    [item] = public["items"]
    assert item["id"] == published.pk and item["state"] == "open"
    assert item["response_count"] is None  # the results are not public while it is open
    assert item["organisation"] == "botosani" and item["mode"] == "account"
    city = client.get(url, **editor).json()
    assert {row["id"] for row in city["items"]} == {published.pk, draft.pk}
    assert {row["state"] for row in city["items"]} == {"open", "draft"}
    assert all(row["response_count"] == 0 for row in city["items"])


def test_another_citys_editor_sees_no_drafts(client, make_consultation, token_for):
    make_consultation(publish=False)
    body = client.get(f"{API}/organisations/botosani/consultations", **token_for("messina-editor"))
    assert body.json() == {"items": [], "count": 0}


def test_the_open_list_holds_only_open_consultations(client, make_consultation, messina):
    open_here = make_consultation(title="Deschisă")
    open_there = make_consultation(title="Aperta", organisation=messina, closes=3)
    make_consultation(title="Ciornă", publish=False)
    make_consultation(title="Închisă", closes=-1, opens=-5)
    make_consultation(title="Programată", opens=2, closes=9)
    body = client.get(f"{API}/consultations/open").json()
    assert [item["id"] for item in body["items"]] == [open_there.pk, open_here.pk]
    assert body["count"] == 2


def test_the_detail_has_questions_and_options(client, make_consultation, openapi):
    consultation = make_consultation()
    response = client.get(f"{API}/consultations/{consultation.pk}")
    assert response.status_code == 200
    body = response.json()
    conforms(openapi, "ConsultationDetailOut", body)
    assert [q["kind"] for q in body["questions"]] == [
        "single",
        "multiple",
        "ranking",
        "scale",
        "long_text",
    ]
    single = body["questions"][0]
    assert single["text"] == "Which service first?" and single["required"] is True
    assert [o["label"] for o in single["options"]] == ["Taxes", "Parking", "Permits"]
    assert body["questions"][3]["options"] == []


@pytest.mark.parametrize("who", [None, "citizen", "messina-editor"])
def test_a_draft_is_not_found_by_those_who_may_not_see_it(
    client, make_consultation, token_for, who
):
    draft = make_consultation(publish=False)
    headers = token_for(who) if who else {}
    assert client.get(f"{API}/consultations/{draft.pk}", **headers).status_code == 404
    assert client.get(f"{API}/consultations/{draft.pk}/results", **headers).status_code == 404


@pytest.mark.parametrize("who", ["botosani-editor", "local-group", "coordinator"])
def test_the_city_and_its_network_read_a_draft(client, make_consultation, token_for, who):
    draft = make_consultation(publish=False)
    response = client.get(f"{API}/consultations/{draft.pk}", **token_for(who))
    assert response.status_code == 200 and response.json()["state"] == "draft"


def test_unknown_ids_and_slugs_are_404(client, demo):
    assert client.get(f"{API}/consultations/999999").status_code == 404
    assert client.get(f"{API}/consultations/{2**40}").status_code == 404
    assert client.get(f"{API}/organisations/nowhere/consultations").status_code == 404


# --- preparing ----------------------------------------------------------------------------------


def _new(client, headers, slug="botosani", **fields):
    body = {
        "title": "Parcări inteligente",
        "opens_at": "2030-03-01T09:00:00",
        "closes_at": "2030-03-31T18:00:00+03:00",
        **fields,
    }
    return client.post(
        f"{API}/organisations/{slug}/consultations", body, content_type=JSON, **headers
    )


def test_an_editor_prepares_publishes_and_closes_a_consultation(client, botosani, editor):
    created = _new(client, editor, description="Spuneți-ne **părerea**.")
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert body["state"] == "draft" and body["questions"] == []
    # A time without an offset is read in the city's zone (Bucharest, UTC+2 in early March).
    assert body["opens_at"].startswith("2030-03-01T07:00:00")
    assert body["closes_at"].startswith("2030-03-31T15:00:00")
    url = f"{API}/consultations/{pk}"
    refused = client.post(f"{url}/publish", **editor)
    assert refused.status_code == 422 and "question" in refused.json()["detail"][0]["msg"]

    question = client.post(
        f"{url}/questions",
        {"kind": "single", "text": "Unde?", "options": ["Centru", "Cartiere"]},
        content_type=JSON,
        **editor,
    )
    assert question.status_code == 201, question.content
    assert [o["label"] for o in question.json()["options"]] == ["Centru", "Cartiere"]
    qid = question.json()["id"]
    patched = client.patch(
        f"{url}/questions/{qid}", {"text": "Unde anume?"}, content_type=JSON, **editor
    )
    assert patched.status_code == 200
    assert patched.json()["text"] == "Unde anume?"
    assert [o["label"] for o in patched.json()["options"]] == ["Centru", "Cartiere"]
    extra = client.post(
        f"{url}/questions", {"kind": "short_text", "text": "Altceva?"}, content_type=JSON, **editor
    ).json()
    assert client.delete(f"{url}/questions/{extra['id']}", **editor).status_code == 204

    changed = client.patch(
        url, {"title": "Parcări", "opens_at": "2020-01-01T00:00:00"}, content_type=JSON, **editor
    )
    assert changed.status_code == 200 and changed.json()["title"] == "Parcări"
    published = client.post(f"{url}/publish", **editor)
    assert published.status_code == 200 and published.json()["state"] == "open"
    assert [q["id"] for q in published.json()["questions"]] == [qid]
    closed = client.post(f"{url}/close", **editor)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    again = client.post(f"{url}/close", **editor)
    assert again.status_code == 422


def test_anonymous_writes_are_401(client, make_consultation):
    consultation = make_consultation(publish=False)
    assert _new(client, {}).status_code == 401
    url = f"{API}/consultations/{consultation.pk}"
    assert client.patch(url, {"title": "X"}, content_type=JSON).status_code == 401
    assert client.post(f"{url}/publish").status_code == 401


@pytest.mark.parametrize("who", ["citizen", "messina-editor", "local-group"])
def test_others_may_not_prepare_botosanis_consultations(client, make_consultation, token_for, who):
    headers = token_for(who)
    assert _new(client, headers).status_code == 403
    published = make_consultation()
    url = f"{API}/consultations/{published.pk}"
    assert client.patch(url, {"title": "X"}, content_type=JSON, **headers).status_code == 403
    assert client.post(f"{url}/close", **headers).status_code == 403
    question = published.questions.first()
    deleted = client.delete(f"{url}/questions/{question.pk}", **headers)
    assert deleted.status_code == 403
    assert Consultation.objects.get(pk=published.pk).title == "Servicii digitale 2025"


def test_another_citys_editor_does_not_find_a_draft_to_change(client, make_consultation, token_for):
    draft = make_consultation(publish=False)
    headers = token_for("messina-editor")
    response = client.patch(
        f"{API}/consultations/{draft.pk}", {"title": "X"}, content_type=JSON, **headers
    )
    assert response.status_code == 404
    assert client.post(f"{API}/consultations/{draft.pk}/publish", **headers).status_code == 404


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"closes_at": "2030-02-01T00:00:00"}, "closes_at"),
        ({"mode": "everyone"}, "mode"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"plan_id": 999999}, "plan_id"),
        ({"service_id": 999999}, "service_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_consultations_are_422_naming_the_field(client, editor, botosani, fields, field):
    errors = field_errors(_new(client, editor, **fields))
    assert any(key[-1] == field for key in errors), errors
    assert not Consultation.objects.exists()


def test_a_service_of_another_city_is_refused(client, editor, messina):
    from di4c.services.models import PublicService

    service = PublicService.objects.filter(organisation=messina).first()
    assert service is not None
    errors = field_errors(_new(client, editor, service_id=service.pk))
    assert ("service_id",) in errors


def test_a_choice_question_needs_two_options(client, make_consultation, editor):
    consultation = make_consultation(publish=False, questions=[])
    response = client.post(
        f"{API}/consultations/{consultation.pk}/questions",
        {"kind": "ranking", "text": "Rank", "options": ["Only one"]},
        content_type=JSON,
        **editor,
    )
    assert ("options",) in field_errors(response)


def test_the_questions_are_frozen_once_people_have_answered(
    client, make_consultation, editor, people
):
    consultation = make_consultation()
    [person] = people(1)
    assert respond(client, consultation, person, answers=answers(consultation)).status_code == 201
    url = f"{API}/consultations/{consultation.pk}/questions"
    added = client.post(url, {"kind": "scale", "text": "More?"}, content_type=JSON, **editor)
    assert added.status_code == 422
    assert "already answered" in added.json()["detail"][0]["msg"]
    question = consultation.questions.first()
    assert client.delete(f"{url}/{question.pk}", **editor).status_code == 422


# --- invitations --------------------------------------------------------------------------------


def test_invitation_links_are_returned_once_and_answer_once(
    client, make_consultation, editor, django_capture_on_commit_callbacks
):
    consultation = make_consultation(mode="invitation")
    url = f"{API}/consultations/{consultation.pk}/invitations"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"emails": ["Ana@Example.org"], "count": 2}, content_type=JSON, **editor
        )
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    links = response.json()["links"]
    assert len(links) == 3
    mailed = [link for link in links if link["mailed"]]
    assert [link["email"] for link in mailed] == ["ana@example.org"]
    assert mailed[0]["token"] is None and mailed[0]["url"] is None
    handed = [link for link in links if not link["mailed"]]
    assert all(link["token"] and link["token"] in link["url"] for link in handed)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]

    token = handed[0]["token"]
    body = answers(consultation)
    assert respond(client, consultation, answers=body, invitation_token=token).status_code == 201
    second = respond(client, consultation, answers=body, invitation_token=token)
    assert second.status_code == 409
    assert "already been used" in second.json()["detail"]
    wrong = respond(client, consultation, answers=body, invitation_token="not-a-link")
    assert ("invitation_token",) in field_errors(wrong)
    assert Response.objects.filter(consultation=consultation).count() == 1


def test_invitations_need_an_invitation_consultation_and_an_editor(
    client, make_consultation, editor, token_for
):
    consultation = make_consultation(mode="account")
    url = f"{API}/consultations/{consultation.pk}/invitations"
    assert client.post(url, {"count": 1}, content_type=JSON, **editor).status_code == 422
    invited = make_consultation(mode="invitation")
    url = f"{API}/consultations/{invited.pk}/invitations"
    citizen = token_for("citizen")
    assert client.post(url, {"count": 1}, content_type=JSON, **citizen).status_code == 403
    assert client.post(url, {"count": 1}, content_type=JSON).status_code == 401
    bad = client.post(url, {"emails": ["not an address"]}, content_type=JSON, **editor)
    assert ("emails",) in field_errors(bad)
