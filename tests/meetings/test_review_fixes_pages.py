"""The review fixes, on the pages and the API: times in the meeting's own time zone, odd input
answered with an error (never a 500), the rotation planner refusing a second acceptance,
a mail server that fails after the save, the participant counts, per-person network calendar
addresses, photo addresses and a cancelled meeting's agenda through the API."""

import datetime as dt
import smtplib
from zoneinfo import ZoneInfo

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.formats import date_format

from di4c.accounts.services import api_token_create
from di4c.meetings import services
from di4c.meetings.models import (
    CalendarFeed,
    Decision,
    Meeting,
    Participant,
    Photo,
    Response,
    RotationPlan,
)
from di4c.networks.models import Organisation
from tests.conftest import DI4C_CURRENT_PARTNERS
from tests.meetings.conftest import days_ahead, invite, plain_jpeg, upload
from tests.meetings.test_pages import (
    MEETING_POST,
    ROTATION,
    assert_everything_kept,
    errors_of,
    parsed,
    rotation_settings,
    text_of,
    the_form,
    values,
)

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
JSON = "application/json"
CANCELLED = "This meeting is cancelled; it can no longer be changed."
BETWEEN = "Give a date between 1950 and 2200."


@pytest.fixture
def current_partners(demo):
    return list(Organisation.objects.filter(slug__in=DI4C_CURRENT_PARTNERS).order_by("name"))


@pytest.fixture
def token_for(demo_user):
    def make(who: str) -> dict:
        _token, raw = api_token_create(user=demo_user(who), name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


# --- times in the meeting's own time zone ---------------------------------------------------


@pytest.fixture
def messina_meeting(create_meeting, messina):
    """A day in Messina, 09:00 to 17:00 Rome time (an hour behind the server's Bucharest)."""
    start = days_ahead(30, hour=9, zone=ROME)
    return create_meeting(
        title="Partners' meeting in Messina",
        host=messina,
        venue="Palazzo Zanca",
        address="Piazza Unione Europea, Messina",
        starts_at=start,
        ends_at=start.replace(hour=17),
    )


def test_times_are_shown_in_the_meetings_own_time_zone(
    client_as, messina_meeting, demo_user, settings
):
    assert settings.TIME_ZONE == "Europe/Bucharest"
    assert messina_meeting.time_zone == "Europe/Rome"
    start = messina_meeting.starts_at.astimezone(ROME)
    services.agenda_item_add(
        actor=demo_user("coordinator"),
        meeting=messina_meeting,
        data={"title": "Welcome", "starts_at": start.replace(hour=10, minute=30)},
    )
    invite(messina_meeting, "botosani-coordinator", demo_user=demo_user)
    day = date_format(start.date(), "DATE_FORMAT")
    when = f"{day}, 09:00 – 17:00 (Europe/Rome)"
    server_time = f"{day}, 10:00"

    client = client_as("coordinator")
    [row] = [
        li
        for li in parsed(client.get("/networks/di4c/meetings/")).xpath(
            '//ul[@data-testid="upcoming-meetings"]/li'
        )
        if "Partners' meeting in Messina" in li.text_content()
    ]
    assert when in " ".join(row.text_content().split())

    page = parsed(client.get(messina_meeting.get_absolute_url()))
    text = " ".join(page.text_content().split())
    assert when in text and server_time not in text
    [agenda_row] = page.xpath('//table[@data-testid="agenda"]/tbody/tr')
    assert agenda_row.xpath("./td")[0].text_content().endswith(", 10:30")

    client_as("botosani-coordinator")
    [card] = parsed(client.get("/meetings/mine/")).xpath('//ul[@data-testid="my-invitations"]/li')
    assert when in " ".join(card.text_content().split())


# --- the host list: today's partners --------------------------------------------------------


def test_a_former_partner_is_not_offered_as_host(client_as):
    limerick = Organisation.objects.get(slug="limerick")
    client = client_as("coordinator")
    form = the_form(parsed(client.get("/networks/di4c/meetings/new/")), "title")
    offered = set(form.inputs["host"].value_options) - {""}
    assert str(limerick.pk) not in offered
    assert offered == {
        str(pk)
        for pk in Organisation.objects.filter(slug__in=DI4C_CURRENT_PARTNERS).values_list(
            "pk", flat=True
        )
    }
    posted = {
        **MEETING_POST,
        "host": str(limerick.pk),
        "start_date": "2019-07-12",
        "end_date": "2019-07-13",
        "title": "Meeting in Limerick",
        "venue": "Limerick City Hall",
    }
    response = client.post("/networks/di4c/meetings/new/", posted)

    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "host") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    form = the_form(doc, "title")
    assert_everything_kept(form, {name: value for name, value in posted.items() if name != "host"})
    assert form.inputs["host"].value != str(limerick.pk)
    assert not Meeting.objects.exists()


def test_moving_a_meeting_before_its_host_joined_keeps_what_was_typed(client_as, create_meeting):
    trikala = Organisation.objects.get(slug="trikala")
    meeting = create_meeting(host=trikala, venue="Trikala City Hall")
    client = client_as("coordinator")
    path = f"/meetings/{meeting.pk}/edit/"
    sent = values(the_form(parsed(client.get(path)), "title"))
    sent |= {
        "start_date": ["2019-09-01"],
        "end_date": ["2019-09-01"],
        "theme": ["Smart"],
    }

    response = client.post(path, sent)

    assert response.status_code == 200
    doc = parsed(response)
    [message] = errors_of(doc, "host")
    assert message == (
        "Municipality of Trikala is not a partner of DI4C on the meeting's dates "
        "(partner from 2 September 2019 to …)."
    )
    assert_everything_kept(the_form(doc, "title"), sent)
    meeting.refresh_from_db()
    assert meeting.theme == ""


# --- odd input: errors, never a 500 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "refused"),
    [
        ({"start_date": "0001-01-01"}, ["start_date"]),
        ({"end_date": "9999-12-31"}, ["end_date"]),
        ({"start_date": "0001-01-01", "end_date": "9999-12-31"}, ["start_date", "end_date"]),
        ({"start_date": "1949-12-31"}, ["start_date"]),
    ],
)
def test_the_meeting_form_refuses_years_that_cannot_be_converted(
    client_as, botosani, dates, refused
):
    client = client_as("coordinator")
    posted = {**MEETING_POST, "host": str(botosani.pk), "time_zone": "Atlantic/Azores", **dates}
    response = client.post("/networks/di4c/meetings/new/", posted)

    assert response.status_code == 200
    doc = parsed(response)
    for field in refused:
        assert errors_of(doc, field) == [BETWEEN], field
    form = values(the_form(doc, "title"))
    for field, value in dates.items():
        assert form[field] == [value]
    assert not Meeting.objects.exists()


def test_the_edge_years_are_accepted(client_as, botosani):
    client = client_as("coordinator")
    posted = {
        **MEETING_POST,
        "host": str(botosani.pk),
        "time_zone": "Atlantic/Azores",
        "start_date": "2200-12-30",
        "end_date": "2200-12-31",
    }
    assert client.post("/networks/di4c/meetings/new/", posted).status_code == 302
    assert Meeting.objects.get().local_ends_at.year == 2200


@pytest.mark.parametrize(
    ("period", "field", "message"),
    [
        (("2030-01-15", "2041-01-15"), "ends_on", "Plan at most 10 years at once."),
        (("2030-01-15", "9999-12-31"), "ends_on", "Plan at most 10 years at once."),
        (("1900-01-01", "1901-01-01"), "starts_on", BETWEEN),
        (("2201-01-01", "2202-01-01"), "starts_on", BETWEEN),
    ],
)
def test_the_planner_refuses_periods_too_long_or_out_of_range(
    client_as, current_partners, period, field, message
):
    client = client_as("coordinator")
    starts_on, ends_on = period
    response = client.post(
        ROTATION,
        {
            **rotation_settings(current_partners),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "action": "fresh",
        },
    )
    assert response.status_code == 200
    assert errors_of(parsed(response), field) == [message]
    assert not parsed(response).xpath('//table[@data-testid="schedule"]')


def test_a_ten_year_period_is_planned(client_as, current_partners):
    client = client_as("coordinator")
    response = client.post(
        ROTATION,
        {
            **rotation_settings(current_partners),
            "starts_on": "2030-01-15",
            "ends_on": "2040-01-15",
            "action": "fresh",
        },
    )
    assert response.status_code == 200
    assert errors_of(parsed(response), "ends_on") == []
    assert parsed(response).xpath('//table[@data-testid="schedule"]/tbody/tr')


@pytest.mark.parametrize("count", ["abc", "-3", "1e3", " 7", ""])
def test_an_odd_slot_count_gives_a_proposal_not_a_500(client_as, current_partners, count):
    client = client_as("coordinator")
    response = client.post(
        ROTATION,
        {**rotation_settings(current_partners), "action": "propose", "slot_count": count},
    )
    assert response.status_code == 200
    assert parsed(response).xpath('//table[@data-testid="schedule"]/tbody/tr')
    response = client.post(
        ROTATION,
        {**rotation_settings(current_partners), "action": "accept", "slot_count": count},
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("decision_id", ["abc", "-1", "1.5", "", "99999999999999999999"])
def test_an_odd_decision_to_delete_is_not_found(
    client_as, upcoming_meeting, demo_user, decision_id
):
    client = client_as("coordinator")
    decision = services.decision_add(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        text="Each city surveys its services.",
    )
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/minutes/", {"delete_decision": decision_id}
    )
    assert response.status_code == 404
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_accepting_the_proposal_twice_creates_the_meetings_once(
    client_as, current_partners, django_capture_on_commit_callbacks
):
    client = client_as("coordinator")
    proposal = parsed(
        client.post(ROTATION, {**rotation_settings(current_partners), "action": "fresh"})
    )
    sent = values(the_form(proposal, "starts_on"))
    sent["action"] = ["accept"]
    sent.pop("invite", None)

    assert client.post(ROTATION, sent).status_code == 302
    created = Meeting.objects.count()
    assert created == 11

    again = client.post(ROTATION, sent)

    assert again.status_code == 200
    page = text_of(again)
    assert "The network already has meetings in this period (Kick-off meeting in Messina" in page
    assert Meeting.objects.count() == created
    assert RotationPlan.objects.count() == 1


# --- mail that cannot be sent after the save ------------------------------------------------


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("Connection unexpectedly closed")


@pytest.mark.django_db(transaction=True)
def test_an_invitation_is_saved_when_the_mail_server_fails(
    client_as, upcoming_meeting, demo_user, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    editor = demo_user("botosani-editor")
    client = client_as("coordinator")

    with caplog.at_level("ERROR", logger="di4c.meetings.mail"):
        response = client.post(
            f"/meetings/{upcoming_meeting.pk}/participants/",
            {"invite": "1", "users": [str(editor.pk)]},
        )

    assert response.status_code == 302
    assert Participant.objects.filter(meeting=upcoming_meeting, user=editor).exists()
    [record] = [r for r in caplog.records if r.getMessage() == "Meeting e-mail not sent"]
    assert record.exc_info and record.exc_info[0] is smtplib.SMTPException

    # A change of place is saved too, the announcement failing the same way.
    caplog.clear()
    with caplog.at_level("ERROR", logger="di4c.meetings.mail"):
        services.meeting_update(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            data={"venue": "Botoșani Youth Centre"},
        )
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.venue == "Botoșani Youth Centre"
    assert "Meeting e-mail not sent" in [r.getMessage() for r in caplog.records]


# --- the participants' counts ---------------------------------------------------------------


def test_answers_and_attendance_are_counted_apart(client_as, held_meeting, demo_user):
    people = ("botosani-coordinator", "botosani-editor", "lead-expert", "messina-editor")
    invite(held_meeting, *people, demo_user=demo_user)
    client = client_as("coordinator")

    page = text_of(client.get(held_meeting.get_absolute_url()))
    assert "0 accepted, 0 declined, 4 not answered." in page
    assert "attended" not in page

    for who, response, attended in (
        ("botosani-coordinator", Response.ACCEPTED, True),
        ("botosani-editor", Response.DECLINED, None),
        ("messina-editor", Response.ACCEPTED, False),
    ):
        Participant.objects.filter(meeting=held_meeting, user=demo_user(who)).update(
            response=response, attended=attended
        )
    page = text_of(client.get(held_meeting.get_absolute_url()))
    assert "2 accepted, 1 declined, 1 not answered. 1 person attended." in page

    Participant.objects.filter(meeting=held_meeting, user=demo_user("lead-expert")).update(
        attended=True
    )
    page = text_of(client.get(held_meeting.get_absolute_url()))
    assert "2 accepted, 1 declined, 1 not answered. 2 people attended." in page


def test_attendance_is_saved_through_the_page(client_as, held_meeting, demo_user):
    invite(held_meeting, "botosani-coordinator", "botosani-editor", demo_user=demo_user)
    elena, editor = demo_user("botosani-coordinator"), demo_user("botosani-editor")
    client = client_as("coordinator")
    response = client.post(
        f"/meetings/{held_meeting.pk}/participants/",
        {"attendance": "1", f"attended_{elena.pk}": "yes", f"attended_{editor.pk}": "no"},
    )
    assert response.status_code == 302
    assert dict(held_meeting.participants.values_list("user_id", "attended")) == {
        elena.pk: True,
        editor.pk: False,
    }


# --- Markdown headings on the page ----------------------------------------------------------


def test_the_purposes_headings_sit_under_the_pages(client_as, create_meeting):
    meeting = create_meeting(description="# Goals\n\nAgree.\n\n## Steps\n\nOne by one.")
    page = parsed(client_as("coordinator").get(meeting.get_absolute_url()))
    [section] = page.xpath('//section[@aria-labelledby="purpose-heading"]')
    assert [h.text_content() for h in section.xpath(".//h2")] == ["Purpose"]
    assert [h.text_content() for h in section.xpath(".//h3")] == ["Goals"]
    assert [h.text_content() for h in section.xpath(".//h4")] == ["Steps"]
    assert len(page.xpath("//h1")) == 1


# --- network calendar addresses, one per person ---------------------------------------------


def test_each_person_gets_their_own_network_calendar_address(client, client_as, demo, demo_user):
    addresses = {}
    for who in ("botosani-editor", "coordinator"):
        client_as(who)
        assert client.post("/networks/di4c/meetings/calendar/").status_code == 302
        [field] = parsed(client.get("/networks/di4c/meetings/")).xpath(
            '//input[@id="network-feed-url"]'
        )
        addresses[who] = field.get("value")
    assert addresses["botosani-editor"] != addresses["coordinator"]
    assert CalendarFeed.objects.filter(network=demo).count() == 2

    # The editor makes a new address of their own; the coordinator's stays.
    client_as("botosani-editor")
    assert client.post("/networks/di4c/meetings/calendar/", {"reset": "1"}).status_code == 302
    [field] = parsed(client.get("/networks/di4c/meetings/")).xpath(
        '//input[@id="network-feed-url"]'
    )
    assert field.get("value") != addresses["botosani-editor"]
    client.logout()
    old_path = addresses["botosani-editor"].split("testserver", 1)[1]
    coordinator_path = addresses["coordinator"].split("testserver", 1)[1]
    assert client.get(old_path).status_code == 404
    assert client.get(coordinator_path).status_code == 200

    # A local group member does not follow the network's calendar.
    client_as("local-group")
    assert not parsed(client.get("/networks/di4c/meetings/")).xpath(
        '//section[@aria-labelledby="follow-heading"]'
    )
    assert client.post("/networks/di4c/meetings/calendar/").status_code == 403


# --- photos ---------------------------------------------------------------------------------


@pytest.fixture
def photo(upcoming_meeting, demo_user, media_root):
    return services.photo_add(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        upload=upload("table.jpg", plain_jpeg(size=(900, 600)), "image/jpeg"),
        alt_text="Partners around a table",
    )


def test_the_api_gives_the_photos_addresses(client, photo, token_for):
    detail = client.get(f"/api/v1/meetings/{photo.meeting_id}", **token_for("coordinator"))
    assert detail.status_code == 200
    [item] = detail.json()["photos"]
    assert item["url"] == f"/meetings/photos/{photo.pk}/image.jpg"
    assert item["thumbnail_url"] == f"/meetings/photos/{photo.pk}/thumbnail.jpg"
    client.force_login(photo.uploaded_by)
    for url in (item["url"], item["thumbnail_url"]):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"


def test_a_photo_has_an_image_and_a_thumbnail_only(client_as, photo):
    client = client_as("coordinator")
    assert client.get(f"/meetings/photos/{photo.pk}/thumbnail.jpg").status_code == 200
    for size in ("other", "original", "image2", "Thumbnail"):
        assert client.get(f"/meetings/photos/{photo.pk}/{size}.jpg").status_code == 404, size
    assert Photo.objects.filter(pk=photo.pk).exists()


# --- a cancelled meeting through the API ----------------------------------------------------


def test_the_api_refuses_content_on_a_cancelled_meeting(client, upcoming_meeting, token_for):
    services.meeting_cancel(
        actor=upcoming_meeting.created_by, meeting=upcoming_meeting, reason="Strike"
    )
    coordinator = token_for("coordinator")
    for path, body in (
        ("agenda", {"title": "Welcome"}),
        ("decisions", {"text": "Each city surveys its services."}),
    ):
        response = client.post(
            f"/api/v1/meetings/{upcoming_meeting.pk}/{path}",
            body,
            content_type=JSON,
            **coordinator,
        )
        assert response.status_code == 422, response.content
        assert [item["msg"] for item in response.json()["detail"]] == [CANCELLED]
    assert not upcoming_meeting.agenda_items.exists()
    assert not upcoming_meeting.decisions.exists()


def test_a_cancelled_meetings_agenda_page_refuses_a_new_item(client_as, upcoming_meeting):
    services.meeting_cancel(
        actor=upcoming_meeting.created_by, meeting=upcoming_meeting, reason="Strike"
    )
    client = client_as("coordinator")
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/agenda/new/",
        {"title": "Coffee", "day": upcoming_meeting.local_starts_at.date().isoformat()},
    )
    assert response.status_code == 200
    assert CANCELLED in text_of(response)
    assert not upcoming_meeting.agenda_items.exists()


def test_a_cancelled_meetings_agenda_item_cannot_be_removed_on_the_page(
    client_as, upcoming_meeting, demo_user
):
    item = services.agenda_item_add(
        actor=demo_user("coordinator"), meeting=upcoming_meeting, data={"title": "Welcome"}
    )
    services.meeting_cancel(
        actor=upcoming_meeting.created_by, meeting=upcoming_meeting, reason="Strike"
    )
    client = client_as("coordinator")
    client.raise_request_exception = False
    response = client.post(f"/meetings/{upcoming_meeting.pk}/agenda/{item.pk}/", {"delete": "1"})
    assert response.status_code in (200, 302, 403)
    assert list(upcoming_meeting.agenda_items.values_list("title", flat=True)) == ["Welcome"]


def test_the_meeting_page_of_a_former_partner_host_keeps_it_offered(client_as, create_meeting):
    # Limerick was a partner from 2019-06-25 to 2019-09-01.
    limerick = Organisation.objects.get(slug="limerick")
    start = dt.datetime(2019, 7, 10, 9, tzinfo=ZoneInfo("Europe/Dublin"))
    meeting = create_meeting(
        host=limerick, venue="Limerick City Hall", starts_at=start, ends_at=start.replace(hour=17)
    )
    client = client_as("coordinator")
    path = f"/meetings/{meeting.pk}/edit/"
    form = the_form(parsed(client.get(path)), "title")
    assert str(limerick.pk) in form.inputs["host"].value_options
    assert form.inputs["host"].value == str(limerick.pk)
    sent = values(form) | {"theme": ["Smart cities"]}
    assert client.post(path, sent).status_code == 302
    meeting.refresh_from_db()
    assert meeting.host == limerick and meeting.theme == "Smart cities"
