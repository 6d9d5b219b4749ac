"""The iCalendar files of meetings, read back with the icalendar library as a calendar would."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from di4c.meetings.calendar import feed_calendar, meeting_calendar
from di4c.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Participant,
    Response,
)
from di4c.networks.models import Organisation

BUCHAREST = ZoneInfo("Europe/Bucharest")
ROME = ZoneInfo("Europe/Rome")
SITE = "https://di4c.example.eu"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE + "/"
    settings.DEFAULT_FROM_EMAIL = "DI4C meetings <meetings@di4c.example.eu>"


@pytest.fixture
def partners_meeting(demo, botosani):
    meeting = Meeting.objects.create(
        network=demo,
        kind=MeetingKind.TRANSNATIONAL,
        title="Partners' meeting in Botoșani",
        title_i18n={
            "ro": "Întâlnirea partenerilor la Botoșani",
            "it": "Riunione dei partner a Botoșani",
        },
        description="Agree on the baseline of the action plans.",
        theme="Digital public services",
        host=botosani,
        starts_at=dt.datetime(2020, 2, 12, 9, tzinfo=BUCHAREST),
        ends_at=dt.datetime(2020, 2, 13, 17, tzinfo=BUCHAREST),
        time_zone="Europe/Bucharest",
        mode=MeetingMode.IN_PERSON,
        venue="Primăria Municipiului Botoșani",
        address="Piața Revoluției 1, Botoșani",
        sequence=2,
    )
    AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        starts_at=dt.datetime(2020, 2, 12, 10, tzinfo=BUCHAREST),
        title="Welcome",
        speakers="Mayor of Botoșani",
    )
    AgendaItem.objects.create(
        meeting=meeting,
        position=2,
        starts_at=dt.datetime(2020, 2, 13, 9, 30, tzinfo=BUCHAREST),
        title="Digital maturity: the results",
        speakers="Ian Graham",
    )
    return meeting


@pytest.fixture
def online_meeting(demo, messina):
    return Meeting.objects.create(
        network=demo,
        kind=MeetingKind.ONLINE,
        title="Online partners' meeting",
        host=messina,
        starts_at=dt.datetime(2020, 4, 15, 10, tzinfo=ROME),
        ends_at=dt.datetime(2020, 4, 15, 12, tzinfo=ROME),
        time_zone="Europe/Rome",
        mode=MeetingMode.ONLINE,
        online_url="https://meet.example.org/di4c-april",
    )


@pytest.fixture
def cancelled_meeting(demo):
    return Meeting.objects.create(
        network=demo,
        kind=MeetingKind.TRANSNATIONAL,
        title="Partners' meeting in Trikala",
        host=Organisation.objects.get(slug="trikala"),
        starts_at=dt.datetime(2020, 3, 25, 9, tzinfo=ZoneInfo("Europe/Athens")),
        ends_at=dt.datetime(2020, 3, 26, 17, tzinfo=ZoneInfo("Europe/Athens")),
        time_zone="Europe/Athens",
        venue="Trikala town hall",
        status=MeetingStatus.CANCELLED,
        cancellation_reason="Travel is restricted (COVID-19).",
        sequence=1,
    )


def parse(data: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def attendees(event) -> list:
    value = event.get("ATTENDEE", [])
    return value if isinstance(value, list) else [value]


def test_download_of_a_meeting_held_in_person(partners_meeting):
    data = meeting_calendar(partners_meeting)
    calendar, event = parse(data)

    assert str(calendar["PRODID"]) == "-//di4c//meetings//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == f"{partners_meeting.uid}@di4c"
    assert event["SEQUENCE"] == 2
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert start == dt.datetime(2020, 2, 12, 9, tzinfo=BUCHAREST)
    assert start.utcoffset() == dt.timedelta(hours=2)
    assert start.tzinfo.key == "Europe/Bucharest"
    assert event["DTSTART"].params["TZID"] == "Europe/Bucharest"
    assert end == dt.datetime(2020, 2, 13, 17, tzinfo=BUCHAREST)
    assert b"DTSTART;TZID=Europe/Bucharest:20200212T090000" in data
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Bucharest"]
    assert event["DTSTAMP"].dt.utcoffset() == dt.timedelta(0)

    assert str(event["SUMMARY"]) == "Partners' meeting in Botoșani"
    assert str(event["LOCATION"]) == "Primăria Municipiului Botoșani, Piața Revoluției 1, Botoșani"
    page = SITE + partners_meeting.get_absolute_url()
    assert str(event["URL"]) == page
    assert str(event["STATUS"]) == "CONFIRMED"
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Transnational meeting"]
    assert str(event["ORGANIZER"]) == "mailto:meetings@di4c.example.eu"
    assert event["ORGANIZER"].params["CN"] == "DI4C"
    assert "ATTENDEE" not in event

    description = str(event["DESCRIPTION"])
    assert description.splitlines()[:3] == [
        "Transnational meeting",
        "Host: Municipality of Botoșani",
        "Theme: Digital public services",
    ]
    # Two days: each day's items under the day.
    assert (
        "12 February 2020\n10:00 Welcome — Mayor of Botoșani\n"
        "13 February 2020\n09:30 Digital maturity: the results — Ian Graham"
    ) in description
    assert description.endswith(page)


def test_publish_has_no_attendees_even_when_given(partners_meeting, demo_user):
    participant = Participant.objects.create(
        meeting=partners_meeting, user=demo_user("lead-expert")
    )
    _calendar, event = parse(meeting_calendar(partners_meeting, participants=[participant]))
    assert "ATTENDEE" not in event


def test_online_meeting_is_located_at_its_link(online_meeting):
    calendar, event = parse(meeting_calendar(online_meeting))
    assert str(event["LOCATION"]) == "https://meet.example.org/di4c-april"
    assert event["DTSTART"].dt == dt.datetime(2020, 4, 15, 10, tzinfo=ROME)
    assert event["DTSTART"].dt.tzinfo.key == "Europe/Rome"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Online meeting"]
    assert "Online: https://meet.example.org/di4c-april" in str(event["DESCRIPTION"])
    # One day: no day headings, no agenda at all here.
    assert "Agenda" not in str(event["DESCRIPTION"])


def test_cancelled_meeting(cancelled_meeting):
    _calendar, event = parse(meeting_calendar(cancelled_meeting))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert "Travel is restricted (COVID-19)." in str(event["DESCRIPTION"])


def test_request_lists_participants_with_their_answers(partners_meeting, demo_user, botosani):
    answers = {
        "botosani-coordinator": Response.ACCEPTED,
        "lead-expert": Response.INVITED,
        "coordinator": Response.DECLINED,
    }
    participants = [
        Participant.objects.create(meeting=partners_meeting, user=demo_user(who), response=answer)
        for who, answer in answers.items()
    ]
    calendar, event = parse(
        meeting_calendar(partners_meeting, method="REQUEST", participants=participants)
    )
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["STATUS"]) == "CONFIRMED"
    found = {str(a): a.params for a in attendees(event)}
    assert set(found) == {f"mailto:{who}@demo.di4c.eu" for who in answers}
    elena = found["mailto:botosani-coordinator@demo.di4c.eu"]
    assert elena["CN"] == "Elena Popescu"
    assert elena["ROLE"] == "REQ-PARTICIPANT"
    # Answers are given on the meeting's page: no calendar program reply is asked for.
    assert {params["RSVP"] for params in found.values()} == {"FALSE"}
    assert {address: params["PARTSTAT"] for address, params in found.items()} == {
        "mailto:botosani-coordinator@demo.di4c.eu": "ACCEPTED",
        "mailto:lead-expert@demo.di4c.eu": "NEEDS-ACTION",
        "mailto:coordinator@demo.di4c.eu": "DECLINED",
    }


def test_cancel_method(partners_meeting, demo_user):
    participant = Participant.objects.create(
        meeting=partners_meeting, user=demo_user("lead-expert")
    )
    calendar, event = parse(
        meeting_calendar(partners_meeting, method="CANCEL", participants=[participant])
    )
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{partners_meeting.uid}@di4c"
    assert [str(a) for a in attendees(event)] == ["mailto:lead-expert@demo.di4c.eu"]


def test_unknown_method_is_refused(partners_meeting):
    with pytest.raises(ValueError, match="REPLY"):
        meeting_calendar(partners_meeting, method="REPLY")


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Partners' meeting in Botoșani"),
        ("ro", "Întâlnirea partenerilor la Botoșani"),
        ("it", "Riunione dei partner a Botoșani"),
    ],
)
def test_texts_follow_the_active_language(partners_meeting, language, title):
    with translation.override(language):
        _calendar, event = parse(meeting_calendar(partners_meeting))
        kind = gettext("Transnational meeting")
        host = partners_meeting.host.display_name
    assert str(event["SUMMARY"]) == title
    assert [str(c) for c in event["CATEGORIES"].cats] == [kind]
    assert str(event["DESCRIPTION"]).splitlines()[0] == kind
    assert host in str(event["DESCRIPTION"])
    if language == "ro":
        assert host == "Primăria Municipiului Botoșani"
        # The agenda's days in Romanian, with di4c's lower-case month names.
        assert "12 februarie 2020" in str(event["DESCRIPTION"])


def test_feed(partners_meeting, online_meeting, cancelled_meeting, django_assert_num_queries):
    meetings = (
        Meeting.objects.filter(network=partners_meeting.network)
        .select_related("host", "network")
        .prefetch_related("agenda_items")
    )
    # The meetings and their agenda items; nothing per meeting.
    with django_assert_num_queries(2):
        data = feed_calendar(meetings, name="DI4C meetings")
    calendar = Calendar.from_ical(data)

    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "DI4C meetings"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in data
    assert b"X-PUBLISHED-TTL:PT6H" in data
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"{meeting.uid}@di4c" for meeting in (partners_meeting, online_meeting, cancelled_meeting)
    }
    assert str(events[f"{cancelled_meeting.uid}@di4c"]["STATUS"]) == "CANCELLED"
    assert str(events[f"{partners_meeting.uid}@di4c"]["STATUS"]) == "CONFIRMED"
    assert all("ATTENDEE" not in event for event in events.values())
    assert "10:00 Welcome" in str(events[f"{partners_meeting.uid}@di4c"]["DESCRIPTION"])
    # Each time zone once.
    assert sorted(str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")) == [
        "Europe/Athens",
        "Europe/Bucharest",
        "Europe/Rome",
    ]


def test_empty_feed(demo):
    calendar = Calendar.from_ical(feed_calendar([], name="Nothing yet"))
    assert str(calendar["X-WR-CALNAME"]) == "Nothing yet"
    assert calendar.walk("VEVENT") == []
