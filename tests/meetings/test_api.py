"""The meetings API: who plans which meeting, who sees what of it, invitations and attendance,
tasks, bad input as 4xx naming the field, and constant query counts.

The demo may or may not hold meetings of its own: every check here looks at the meetings the test
made, by their ids."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.accounts.services import api_token_create
from di4c.meetings import services
from di4c.meetings.models import FollowUpTask, Meeting, MeetingKind, Participant
from di4c.networks.models import Organisation

pytestmark = pytest.mark.django_db

JSON = "application/json"
BUCHAREST = ZoneInfo("Europe/Bucharest")
ROME = ZoneInfo("Europe/Rome")
NOT_INVITED = (
    "This person was not invited to this meeting: invite them first, then record their attendance."
)


@pytest.fixture
def token_for(demo_user):
    def make(who: str) -> dict:
        _token, raw = api_token_create(user=demo_user(who), name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture
def coordinator(token_for):
    return token_for("coordinator")


@pytest.fixture
def make_meeting(demo, botosani, demo_user):
    """A meeting made through the services; by default a private transnational meeting in
    Botoșani a month from now."""

    def make(who="coordinator", **fields) -> Meeting:
        start = timezone.localtime(timezone.now(), BUCHAREST).replace(
            hour=9, minute=0, second=0, microsecond=0
        ) + dt.timedelta(days=30)
        data = {
            "kind": MeetingKind.TRANSNATIONAL,
            "title": "Partners' meeting in Botoșani",
            "host": botosani,
            "starts_at": start,
            "ends_at": start + dt.timedelta(days=1, hours=8),
            "venue": "Botoșani City Hall",
            "mode": "hybrid",
            "online_url": "https://meet.example.eu/di4c",
            **fields,
        }
        return services.meeting_create(actor=demo_user(who), network=demo, data=data)

    return make


@pytest.fixture
def past_meeting(make_meeting):
    """A meeting that took place in Botoșani in March 2021."""
    start = dt.datetime(2021, 3, 10, 9, tzinfo=BUCHAREST)
    return make_meeting(starts_at=start, ends_at=start + dt.timedelta(hours=8))


def invite(meeting, *who, demo_user):
    return services.participants_invite(
        actor=demo_user("coordinator"),
        meeting=meeting,
        users=[demo_user(name) for name in who],
        send=False,
    )


def field_errors(response) -> dict:
    assert response.status_code == 422, response.content
    return {tuple(item["loc"][1:]): item["msg"] for item in response.json()["detail"]}


def listed(client, headers=None, **params) -> dict[int, dict]:
    response = client.get("/api/v1/meetings", {"limit": 200, **params}, **(headers or {}))
    assert response.status_code == 200, response.content
    return {item["id"]: item for item in response.json()["items"]}


def new_meeting(client, headers, **fields):
    body = {
        "kind": "transnational",
        "title": "Transnational meeting in Botoșani",
        "host": "botosani",
        "starts_at": "2030-02-12T09:00:00",
        "ends_at": "2030-02-13T17:00:00",
        "venue": "Botoșani City Hall",
        **fields,
    }
    return client.post("/api/v1/networks/di4c/meetings", body, content_type=JSON, **headers)


def test_openapi_lists_the_meeting_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in {
        "/api/v1/meetings": {"get"},
        "/api/v1/meetings/{pk}": {"get", "patch"},
        "/api/v1/networks/{slug}/meetings": {"post"},
        "/api/v1/meetings/{pk}/cancel": {"post"},
        "/api/v1/meetings/{pk}/agenda": {"get", "post"},
        "/api/v1/meetings/{pk}/agenda/{item_id}": {"patch", "delete"},
        "/api/v1/meetings/{pk}/participants": {"get", "post"},
        "/api/v1/meetings/{pk}/participants/me": {"post"},
        "/api/v1/meetings/{pk}/attendance": {"post"},
        "/api/v1/meetings/{pk}/decisions": {"post"},
        "/api/v1/meetings/{pk}/tasks": {"get", "post"},
        "/api/v1/tasks/mine": {"get"},
        "/api/v1/tasks/{pk}": {"patch"},
    }.items():
        assert set(paths[path]) == methods, path
        assert all(paths[path][m]["tags"] == ["meetings"] for m in methods)
    parameters = {p["name"] for p in paths["/api/v1/meetings"]["get"]["parameters"]}
    assert {"network", "host", "kind", "from", "to", "upcoming", "limit", "offset"} <= parameters


# --- who plans which meeting --------------------------------------------------------------------


def test_coordinator_creates_a_meeting_in_the_hosts_time_zone(client, demo, coordinator):
    response = new_meeting(client, coordinator, online_url="https://meet.example.eu/x")
    assert response.status_code == 201, response.content
    body = response.json()
    meeting = Meeting.objects.get(pk=body["id"])
    assert meeting.network == demo and meeting.created_by.email == "coordinator@demo.di4c.eu"
    # Times without an offset are the host's: Botoșani is two hours ahead of UTC in February.
    assert meeting.time_zone == "Europe/Bucharest"
    assert meeting.starts_at == dt.datetime(2030, 2, 12, 7, tzinfo=dt.UTC)
    assert body["starts_at"] == "2030-02-12T09:00:00+02:00"
    assert body["ends_at"] == "2030-02-13T17:00:00+02:00"
    assert body["host"] == {"slug": "botosani", "name": "Municipality of Botoșani"}
    assert body["network"] == "di4c"
    assert body["kind"] == "transnational" and body["status"] == "scheduled"
    assert body["online_url"] == "https://meet.example.eu/x"
    assert body["internal"] is True and body["participants"] == [] and body["agenda"] == []
    assert set(body["urls"]) == {"page", "ics"}


def test_times_with_an_offset_or_another_zone(client, demo, coordinator):
    body = new_meeting(
        client,
        coordinator,
        starts_at="2030-07-01T10:00:00+00:00",
        ends_at="2030-07-01T12:00:00",
        time_zone="Europe/Rome",
    ).json()
    meeting = Meeting.objects.get(pk=body["id"])
    assert meeting.time_zone == "Europe/Rome"
    assert meeting.starts_at == dt.datetime(2030, 7, 1, 10, tzinfo=dt.UTC)
    assert meeting.ends_at == dt.datetime(2030, 7, 1, 12, tzinfo=ROME)
    assert body["starts_at"] == "2030-07-01T12:00:00+02:00"


def test_city_editors_and_citizens_cannot_plan_network_meetings(client, demo, token_for):
    before = Meeting.objects.count()
    for who in ("botosani-editor", "citizen"):
        response = new_meeting(client, token_for(who))
        assert response.status_code == 403, (who, response.content)
        assert "permission" in response.json()["detail"]
    assert new_meeting(client, {}).status_code == 401
    assert Meeting.objects.count() == before


def test_an_expert_records_visits_but_does_not_organise_a_kick_off(client, demo, token_for):
    expert = token_for("adhoc-expert")
    visit = new_meeting(client, expert, kind="expert_visit", title="Expert visit to Botoșani")
    assert visit.status_code == 201, visit.content
    kick_off = new_meeting(client, expert, kind="kick_off", title="Kick-off")
    assert ("kind",) in field_errors(kick_off)
    assert not Meeting.objects.filter(title="Kick-off").exists()


def test_a_city_editor_runs_its_own_local_group_meetings_only(client, demo, token_for):
    editor = token_for("botosani-editor")
    ours = new_meeting(client, editor, kind="local_group", title="Local group, March")
    assert ours.status_code == 201, ours.content
    assert ours.json()["host"]["slug"] == "botosani"
    theirs = new_meeting(client, editor, kind="local_group", title="Messina LG", host="messina")
    # A field error the editor can act on: pick their own city.
    assert theirs.status_code == 422
    assert ("host",) in field_errors(theirs)
    assert not Meeting.objects.filter(title="Messina LG").exists()


# --- bad input ----------------------------------------------------------------------------------


def test_a_meeting_cannot_end_before_it_starts(client, demo, coordinator):
    response = new_meeting(
        client, coordinator, starts_at="2030-02-12T09:00", ends_at="2030-02-11T17:00"
    )
    assert field_errors(response)[("ends_at",)] == "The meeting cannot end before it starts."


def test_the_host_must_be_a_partner_on_the_meetings_dates(client, demo, coordinator):
    # Limerick left DI4C on 2019-09-01.
    response = new_meeting(
        client,
        coordinator,
        host="limerick",
        starts_at="2020-05-12T09:00",
        ends_at="2020-05-12T17:00",
    )
    message = field_errors(response)[("host",)]
    assert "not a partner of DI4C on the meeting's dates" in message
    # In the reader's date format, not ISO.
    assert "(partner from 25 June 2019 to 1 September 2019)" in message
    assert "2019-09-01" not in message


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"host": "atlantis"}, ("host",)),
        ({"kind": "picnic"}, ("kind",)),
        ({"mode": "telepathy"}, ("mode",)),
        ({"time_zone": "Mars/Olympus"}, ("time_zone",)),
        ({"time_zone": "Europe"}, ("time_zone",)),
        ({"time_zone": "x" * 300}, ("time_zone",)),
        ({"starts_at": "0001-01-01T00:00:00"}, ("starts_at",)),
        ({"starts_at": "9999-12-31T23:59:59+14:00"}, ("starts_at",)),
        ({"starts_at": "tomorrow"}, ("payload", "starts_at")),
        ({"title": ""}, ("title",)),
        ({"title": "Two\nlines"}, ("title",)),
        ({"title": "nul\x00"}, ("payload", "title")),
        ({"online_url": "not a link"}, ("online_url",)),
        ({"languages": ["zz"]}, ("languages",)),
        ({"surprise": 1}, ("payload", "surprise")),
    ],
)
def test_bad_meeting_input_is_a_422_naming_the_field(client, demo, coordinator, fields, loc):
    before = Meeting.objects.count()
    assert loc in field_errors(new_meeting(client, coordinator, **fields))
    assert Meeting.objects.count() == before


def test_unknown_network_malformed_ids_and_bad_json(client, demo, coordinator, make_meeting):
    assert new_meeting(client, coordinator, title="x").status_code == 201
    atlantis = client.post(
        "/api/v1/networks/atlantis/meetings",
        {
            "kind": "transnational",
            "title": "x",
            "host": "botosani",
            "starts_at": "2030-02-12T09:00",
            "ends_at": "2030-02-12T10:00",
        },
        content_type=JSON,
        **coordinator,
    )
    assert atlantis.status_code == 404
    assert client.get("/api/v1/meetings/abc").status_code == 422
    assert client.get(f"/api/v1/meetings/{2**40}").status_code == 404
    assert client.get("/api/v1/meetings/-1").status_code == 404
    assert client.get("/api/v1/meetings/0/agenda").status_code == 404
    meeting = make_meeting()
    url = f"/api/v1/meetings/{meeting.pk}"
    assert client.patch(url, "{", content_type=JSON, **coordinator).status_code in (400, 422)
    assert (
        client.patch(f"{url}/agenda/abc", {}, content_type=JSON, **coordinator).status_code == 422
    )
    assert (
        client.patch(f"{url}/agenda/{2**40}", {}, content_type=JSON, **coordinator).status_code
        == 404
    )
    huge = client.post(
        f"{url}/participants", {"user_ids": [2**40]}, content_type=JSON, **coordinator
    )
    assert ("payload", "user_ids", 0) in field_errors(huge)
    assert client.get("/api/v1/meetings?kind=picnic").status_code == 422
    assert client.get("/api/v1/meetings?from=yesterday").status_code == 422
    assert client.get("/api/v1/meetings?offset=99999999999999999999").status_code == 422


# --- changing and cancelling --------------------------------------------------------------------


def test_patch_moves_the_meeting_and_changes_its_host(client, make_meeting, coordinator, token_for):
    meeting = make_meeting()
    url = f"/api/v1/meetings/{meeting.pk}"
    response = client.patch(
        url,
        {
            "title": "Partners' meeting in Messina",
            "host": "messina",
            "time_zone": "Europe/Rome",
            "starts_at": "2031-04-02T10:00",
            "ends_at": "2031-04-02T18:00",
            "minutes": "We met.",
        },
        content_type=JSON,
        **coordinator,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Partners' meeting in Messina"
    assert body["host"]["slug"] == "messina"
    assert body["starts_at"] == "2031-04-02T10:00:00+02:00"
    assert body["minutes"] == "We met."
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    # A time without an offset, alone: read in the meeting's zone.
    client.patch(url, {"ends_at": "2031-04-02T19:00"}, content_type=JSON, **coordinator)
    assert Meeting.objects.get(pk=meeting.pk).ends_at == dt.datetime(2031, 4, 2, 19, tzinfo=ROME)
    for patch, loc in (
        ({"host": "atlantis"}, ("host",)),
        ({"ends_at": "2031-04-01T10:00"}, ("ends_at",)),
        ({"time_zone": "Nowhere/Else"}, ("time_zone",)),
        ({"title": None}, ("title",)),
        ({"host": None}, ("host",)),
    ):
        assert loc in field_errors(client.patch(url, patch, content_type=JSON, **coordinator))
    denied = client.patch(url, {"title": "Mine"}, content_type=JSON, **token_for("botosani-editor"))
    assert denied.status_code == 403


def test_cancel_needs_a_reason(client, make_meeting, coordinator, token_for):
    meeting = make_meeting()
    url = f"/api/v1/meetings/{meeting.pk}/cancel"
    assert ("reason",) in field_errors(
        client.post(url, {"reason": ""}, content_type=JSON, **coordinator)
    )
    denied = client.post(url, {"reason": "No"}, content_type=JSON, **token_for("lead-expert"))
    assert denied.status_code == 403
    done = client.post(url, {"reason": "Storm warning"}, content_type=JSON, **coordinator)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "cancelled"
    assert done.json()["cancellation_reason"] == "Storm warning"
    again = client.post(url, {"reason": "Still"}, content_type=JSON, **coordinator)
    assert again.status_code == 422


# --- who sees what ------------------------------------------------------------------------------


@pytest.fixture
def three_meetings(make_meeting):
    public = make_meeting(title="Open meeting", is_public=True, outcome="We agreed.")
    private = make_meeting(title="Closed meeting")
    local = make_meeting("botosani-editor", kind=MeetingKind.LOCAL_GROUP, title="Local group")
    return public, private, local


def test_anonymous_readers_see_public_meetings_only_without_the_link(
    client, three_meetings, demo_user
):
    public, private, local = three_meetings
    invite(public, "botosani-editor", demo_user=demo_user)
    items = listed(client)
    assert public.pk in items
    assert private.pk not in items and local.pk not in items
    assert items[public.pk]["online_url"] is None
    assert items[public.pk]["starts_at"] == public.local_starts_at.isoformat()
    detail = client.get(f"/api/v1/meetings/{public.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["outcome"] == "We agreed." and body["photos"] == []
    assert body["internal"] is False
    assert body["online_url"] is None
    for hidden in ("participants", "minutes", "tasks", "documents", "decisions"):
        assert body[hidden] is None, hidden
    assert client.get(f"/api/v1/meetings/{private.pk}").status_code == 404
    assert client.get(f"/api/v1/meetings/{local.pk}").status_code == 404
    assert client.get(f"/api/v1/meetings/{public.pk}/agenda").status_code == 200
    assert client.get(f"/api/v1/meetings/{public.pk}/participants").status_code == 403
    assert client.get(f"/api/v1/meetings/{public.pk}/tasks").status_code == 403


def test_network_members_see_its_meetings_the_city_its_local_group(
    client, three_meetings, token_for
):
    public, private, local = three_meetings
    messina = token_for("messina-editor")
    items = listed(client, messina)
    assert public.pk in items and private.pk in items and local.pk not in items
    assert items[private.pk]["online_url"] == "https://meet.example.eu/di4c"
    assert client.get(f"/api/v1/meetings/{local.pk}", **messina).status_code == 404
    assert client.get(f"/api/v1/meetings/{local.pk}/agenda", **messina).status_code == 404
    for who in ("local-group", "botosani-coordinator", "lead-expert", "coordinator"):
        response = client.get(f"/api/v1/meetings/{local.pk}", **token_for(who))
        assert response.status_code == 200, who
        assert response.json()["participants"] == []
    citizen = listed(client, token_for("citizen"))
    assert public.pk in citizen and private.pk not in citizen


def test_list_filters(client, demo, make_meeting, coordinator, botosani):
    spring = make_meeting(
        title="Spring",
        starts_at=dt.datetime(2021, 4, 1, 9, tzinfo=BUCHAREST),
        ends_at=dt.datetime(2021, 4, 2, 17, tzinfo=BUCHAREST),
    )
    visit = make_meeting(kind=MeetingKind.EXPERT_VISIT, title="Visit")
    messina = make_meeting(
        title="In Messina", host=Organisation.objects.get(slug="messina"), time_zone="Europe/Rome"
    )
    ours = {spring.pk, visit.pk, messina.pk}

    def ids(**params):
        return set(listed(client, coordinator, **params)) & ours

    assert ids() == ours
    assert ids(network="di4c") == ours
    assert ids(network="urbact") == set()
    assert ids(host="messina") == {messina.pk}
    assert ids(kind="expert_visit") == {visit.pk}
    assert ids(upcoming="true") == {visit.pk, messina.pk}
    assert ids(upcoming="false") == {spring.pk}
    assert ids(**{"from": "2021-04-02", "to": "2021-04-30"}) == {spring.pk}
    assert ids(**{"from": "2021-04-03"}) == {visit.pk, messina.pk}
    assert ids(to="2021-03-31") == set()
    body = client.get("/api/v1/meetings?limit=1", **coordinator).json()
    assert set(body) == {"items", "count"} and len(body["items"]) == 1 and body["count"] >= 3


# --- invitations and attendance -----------------------------------------------------------------


def test_invite_and_the_invitee_answers(client, make_meeting, coordinator, token_for, demo_user):
    meeting = make_meeting()
    url = f"/api/v1/meetings/{meeting.pk}/participants"
    editor, messina = demo_user("botosani-editor"), demo_user("messina-editor")
    response = client.post(
        url, {"user_ids": [editor.pk, messina.pk]}, content_type=JSON, **coordinator
    )
    assert response.status_code == 201, response.content
    created = {p["user"]: p for p in response.json()}
    assert set(created) == {editor.pk, messina.pk}
    assert created[editor.pk]["organisation"] == "botosani"
    assert created[editor.pk]["name"] == "Andrei Ionescu"
    assert created[editor.pk]["response"] == "invited" and created[editor.pk]["attended"] is None
    # Inviting again makes no new invitation.
    again = client.post(url, {"user_ids": [editor.pk]}, content_type=JSON, **coordinator)
    assert again.status_code == 201 and again.json() == []

    answer = client.post(
        f"{url}/me", {"response": "accepted"}, content_type=JSON, **token_for("botosani-editor")
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["response"] == "accepted" and answer.json()["user"] == editor.pk
    assert Participant.objects.get(meeting=meeting, user=editor).response == "accepted"
    wrong = client.post(
        f"{url}/me", {"response": "maybe"}, content_type=JSON, **token_for("messina-editor")
    )
    assert ("response",) in field_errors(wrong)
    stranger = client.post(
        f"{url}/me", {"response": "accepted"}, content_type=JSON, **token_for("lead-expert")
    )
    assert stranger.status_code == 404

    people = client.get(url, **token_for("messina-editor")).json()
    assert people["count"] == 2
    detail = client.get(f"/api/v1/meetings/{meeting.pk}", **token_for("messina-editor")).json()
    assert {p["user"]: p["response"] for p in detail["participants"]} == {
        editor.pk: "accepted",
        messina.pk: "invited",
    }


def test_only_the_networks_people_are_invited(
    client, make_meeting, coordinator, token_for, demo_user
):
    meeting = make_meeting()
    url = f"/api/v1/meetings/{meeting.pk}/participants"
    citizen = demo_user("citizen")
    errors = field_errors(
        client.post(url, {"user_ids": [citizen.pk]}, content_type=JSON, **coordinator)
    )
    # The outsider is counted, not named: the organiser need not learn who they are.
    assert errors[("user_ids",)].startswith("1 person chosen cannot be invited: only people")
    assert "Ioana Vasile" not in errors[("user_ids",)]
    errors = field_errors(client.post(url, {"user_ids": []}, content_type=JSON, **coordinator))
    assert errors[("user_ids",)] == "Choose at least one person to invite."
    errors = field_errors(
        client.post(url, {"user_ids": [2**31 - 1]}, content_type=JSON, **coordinator)
    )
    assert "2147483647" in errors[("user_ids",)]
    denied = client.post(
        url, {"user_ids": [citizen.pk]}, content_type=JSON, **token_for("messina-editor")
    )
    assert denied.status_code == 403
    assert not meeting.participants.exists()


def test_attendance(client, past_meeting, make_meeting, coordinator, demo_user, django_user_model):
    invite(past_meeting, "botosani-editor", demo_user=demo_user)
    url = f"/api/v1/meetings/{past_meeting.pk}/attendance"
    editor = demo_user("botosani-editor")
    response = client.post(
        url, {"user_id": editor.pk, "attended": True}, content_type=JSON, **coordinator
    )
    assert response.status_code == 200, response.content
    assert response.json()["attended"] is True and response.json()["status"] == "attended"

    stranger = django_user_model.objects.create_user(
        email="dana@example.eu", password="x-1234567890", full_name="Dana Popa"
    )
    errors = field_errors(
        client.post(
            url, {"user_id": stranger.pk, "attended": True}, content_type=JSON, **coordinator
        )
    )
    assert errors[("user_id",)] == NOT_INVITED
    assert "Dana Popa" not in errors[("user_id",)]
    unknown = client.post(
        url, {"user_id": 2**31 - 1, "attended": True}, content_type=JSON, **coordinator
    )
    assert ("user_id",) in field_errors(unknown)

    upcoming = make_meeting()
    invite(upcoming, "botosani-editor", demo_user=demo_user)
    early = client.post(
        f"/api/v1/meetings/{upcoming.pk}/attendance",
        {"user_id": editor.pk, "attended": True},
        content_type=JSON,
        **coordinator,
    )
    assert field_errors(early)[("attended",)] == (
        "Attendance can be recorded once the meeting has started."
    )
    assert Participant.objects.get(meeting=upcoming, user=editor).attended is None


# --- agenda, decisions and tasks ----------------------------------------------------------------


def test_agenda_items(client, make_meeting, coordinator, token_for):
    meeting = make_meeting(is_public=True)
    url = f"/api/v1/meetings/{meeting.pk}/agenda"
    local = meeting.local_starts_at
    at = local.replace(hour=10, minute=30).strftime("%Y-%m-%dT%H:%M")
    created = client.post(
        url,
        {"title": "Welcome", "starts_at": at, "speaker_organisations": ["botosani", "messina"]},
        content_type=JSON,
        **coordinator,
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["time"].startswith(at)
    assert sorted(item["speaker_organisations"]) == ["botosani", "messina"]
    assert item["position"] == 1 and item["documents"] == []
    public = client.get(url).json()
    assert public["count"] == 1 and public["items"][0]["title"] == "Welcome"

    item_url = f"{url}/{item['id']}"
    patched = client.patch(
        item_url,
        {"title": "Welcome words", "speakers": "The mayor"},
        content_type=JSON,
        **coordinator,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Welcome words"
    assert sorted(patched.json()["speaker_organisations"]) == ["botosani", "messina"]
    for body, loc in (
        ({"starts_at": "2000-01-01T10:00"}, ("starts_at",)),
        ({"speaker_organisations": ["limerick"]}, ("speaker_organisations",)),
        ({"speaker_organisations": ["atlantis"]}, ("speaker_organisations",)),
        ({"documents": [12345]}, ("documents",)),
        ({"title": ""}, ("title",)),
    ):
        assert loc in field_errors(client.patch(item_url, body, content_type=JSON, **coordinator))
    denied = client.patch(
        item_url, {"title": "x"}, content_type=JSON, **token_for("messina-editor")
    )
    assert denied.status_code == 403
    other = make_meeting()
    assert (
        client.delete(f"/api/v1/meetings/{other.pk}/agenda/{item['id']}", **coordinator).status_code
        == 404
    )
    assert client.delete(item_url, **coordinator).status_code == 204
    assert client.get(url).json()["count"] == 0


def test_tasks_from_creation_to_done(client, make_meeting, coordinator, token_for, demo_user):
    meeting = make_meeting()
    editor = demo_user("botosani-editor")
    decision = client.post(
        f"/api/v1/meetings/{meeting.pk}/decisions",
        {"text": "Botoșani drafts the e-payment roadmap."},
        content_type=JSON,
        **coordinator,
    )
    assert decision.status_code == 201, decision.content
    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/tasks",
        {
            "title": "Draft the e-payment roadmap",
            "assignee_id": editor.pk,
            "due_on": "2030-01-31",
            "decision_id": decision.json()["id"],
        },
        content_type=JSON,
        **coordinator,
    )
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["assignee"] == editor.pk and task["status"] == "open"
    assert task["meeting"] == meeting.pk and task["decision"] == decision.json()["id"]

    mine = client.get("/api/v1/tasks/mine", **token_for("botosani-editor")).json()
    assert task["id"] in {t["id"] for t in mine["items"]}
    assert task["id"] not in {
        t["id"] for t in client.get("/api/v1/tasks/mine", **coordinator).json()["items"]
    }
    listed_tasks = client.get(f"/api/v1/meetings/{meeting.pk}/tasks", **token_for("messina-editor"))
    assert listed_tasks.json()["items"][0]["title"] == "Draft the e-payment roadmap"

    url = f"/api/v1/tasks/{task['id']}"
    stranger = client.patch(
        url, {"status": "done"}, content_type=JSON, **token_for("messina-editor")
    )
    assert stranger.status_code == 403
    assert client.patch(url, {"status": "done"}, content_type=JSON).status_code == 401
    wrong = client.patch(
        url, {"status": "finished"}, content_type=JSON, **token_for("botosani-editor")
    )
    assert ("status",) in field_errors(wrong)
    done = client.patch(url, {"status": "done"}, content_type=JSON, **token_for("botosani-editor"))
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done.json()["done_at"] is not None
    assert FollowUpTask.objects.get(pk=task["id"]).status == "done"
    mine = client.get("/api/v1/tasks/mine", **token_for("botosani-editor")).json()
    assert task["id"] not in {t["id"] for t in mine["items"]}
    assert (
        client.patch(
            f"/api/v1/tasks/{2**40}", {"status": "done"}, content_type=JSON, **coordinator
        ).status_code
        == 404
    )


def test_task_input_errors(client, make_meeting, coordinator, demo_user, token_for):
    meeting = make_meeting()
    other = make_meeting()
    foreign = services.decision_add(actor=demo_user("coordinator"), meeting=other, text="Other")
    url = f"/api/v1/meetings/{meeting.pk}/tasks"
    base = {"title": "Do it", "assignee_id": demo_user("botosani-editor").pk}
    for body, loc in (
        ({"assignee_id": demo_user("citizen").pk}, ("assignee_id",)),
        ({"assignee_id": 2**31 - 1}, ("assignee_id",)),
        ({"decision_id": foreign.pk}, ("decision_id",)),
        ({"title": ""}, ("title",)),
        ({"due_on": "soon"}, ("payload", "due_on")),
    ):
        response = client.post(url, {**base, **body}, content_type=JSON, **coordinator)
        assert loc in field_errors(response), body
    denied = client.post(url, base, content_type=JSON, **token_for("botosani-editor"))
    assert denied.status_code == 403
    assert not meeting.tasks.exists()


# --- query counts -------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, response.content
    return len(captured)


def test_list_keeps_a_constant_number_of_queries(client_as, make_meeting, demo_user):
    def add(n):
        for i in range(n):
            meeting = make_meeting(title=f"Meeting {i}", is_public=i % 2 == 0)
            if i % 3 == 0:
                invite(meeting, "botosani-editor", demo_user=demo_user)

    add(3)
    client = client_as("botosani-editor")
    signed_in = _count(client, "/api/v1/meetings?limit=200")
    client.logout()
    anonymous = _count(client, "/api/v1/meetings?limit=200")
    add(27)
    assert _count(client, "/api/v1/meetings?limit=200") == anonymous
    client = client_as("botosani-editor")
    assert _count(client, "/api/v1/meetings?limit=200") == signed_in


def test_detail_keeps_a_constant_number_of_queries(client_as, make_meeting, demo_user):
    coordinator = demo_user("coordinator")
    meeting = make_meeting(is_public=True)
    people = [
        demo_user(name)
        for name in ("botosani-editor", "messina-editor", "local-group", "lead-expert")
    ]

    def add(n, offset=0):
        for i in range(offset, offset + n):
            services.agenda_item_add(
                actor=coordinator,
                meeting=meeting,
                data={"title": f"Item {i}", "starts_at": meeting.starts_at},
                speaker_organisations=[meeting.host],
            )
            decision = services.decision_add(actor=coordinator, meeting=meeting, text=f"D {i}")
            services.task_create(
                actor=coordinator,
                meeting=meeting,
                title=f"Task {i}",
                assignee=people[i % len(people)],
                decision=decision,
            )

    add(2)
    invite(meeting, *("botosani-editor", "messina-editor"), demo_user=demo_user)
    url = f"/api/v1/meetings/{meeting.pk}"
    client = client_as("messina-editor")
    small = _count(client, url)
    client.logout()
    public = _count(client, url)

    add(18, offset=2)
    User = type(coordinator)
    for i in range(18):
        user = User.objects.create_user(
            email=f"person{i}@example.eu", password="x-1234567890", full_name=f"Person {i}"
        )
        Participant.objects.create(meeting=meeting, user=user, organisation=meeting.host)
    assert _count(client, url) == public
    client = client_as("messina-editor")
    assert _count(client, url) == small
    body = client.get(url).json()
    assert len(body["agenda"]) == 20 and len(body["participants"]) == 20
    assert len(body["tasks"]) == 20 and len(body["decisions"]) == 20
