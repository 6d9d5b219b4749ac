"""Invitations, changes and cancellations by e-mail, in each recipient's language, with the
meeting attached as an iCalendar file."""

import datetime as dt
import email
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import get_connection
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from di4c.meetings import mail
from di4c.meetings.mail import send_invitations, send_meeting_cancelled, send_meeting_changed
from di4c.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Participant,
    Response,
)

BUCHAREST = ZoneInfo("Europe/Bucharest")
SITE = "https://di4c.example.eu"
TITLES = {
    "en": "Partners' meeting in Botoșani",
    "ro": "Întâlnirea partenerilor la Botoșani",
    "it": "Riunione dei partner a Botoșani",
}
# Month names come from Django's catalogues, in lower case from di4c's own.
DATES = {"en": "12 February 2020", "ro": "12 februarie 2020", "it": "12 febbraio 2020"}
WHEN = {
    "en": "12 February 2020, 09:00 – 13 February 2020, 17:00 (Europe/Bucharest)",
    "ro": "12 februarie 2020, 09:00 – 13 februarie 2020, 17:00 (Europe/Bucharest)",
    "it": "12 febbraio 2020, 09:00 – 13 febbraio 2020, 17:00 (Europe/Bucharest)",
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def meeting(demo, botosani):
    meeting = Meeting.objects.create(
        network=demo,
        kind=MeetingKind.TRANSNATIONAL,
        title=TITLES["en"],
        title_i18n={"ro": TITLES["ro"], "it": TITLES["it"]},
        description="Agree on the baseline of the action plans.",
        host=botosani,
        starts_at=dt.datetime(2020, 2, 12, 9, tzinfo=BUCHAREST),
        ends_at=dt.datetime(2020, 2, 13, 17, tzinfo=BUCHAREST),
        time_zone="Europe/Bucharest",
        mode=MeetingMode.IN_PERSON,
        venue="Primăria Municipiului Botoșani",
        address="Piața Revoluției 1, Botoșani",
    )
    AgendaItem.objects.create(
        meeting=meeting,
        starts_at=dt.datetime(2020, 2, 12, 10, tzinfo=BUCHAREST),
        title="Welcome",
        speakers="Mayor of Botoșani",
    )
    return meeting


@pytest.fixture
def invite(meeting, demo_user):
    def create(who: str, response: str = Response.INVITED) -> Participant:
        return Participant.objects.select_related("user").get(
            pk=Participant.objects.create(
                meeting=meeting, user=demo_user(who), response=response
            ).pk
        )

    return create


def calendar_part(message):
    """The text/calendar part of the message as it goes on the wire."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def attached_calendar(message) -> Calendar:
    assert len(message.attachments) == 1
    return Calendar.from_ical(message.attachments[0].content)


def only_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def attendees(event) -> list[str]:
    value = event.get("ATTENDEE", [])
    return [str(a) for a in (value if isinstance(value, list) else [value])]


def test_invitations_in_each_recipients_language(meeting, invite, mailoutbox):
    elena = invite("botosani-coordinator")  # Romanian
    giulia = invite("coordinator")  # Italian
    ian = invite("lead-expert")  # English

    assert send_invitations(meeting, [elena, giulia, ian]) == 3

    assert [m.to for m in mailoutbox] == [[p.user.email] for p in (elena, giulia, ian)]
    page = SITE + meeting.get_absolute_url()
    for message, language, participant in zip(
        mailoutbox, ("ro", "it", "en"), (elena, giulia, ian), strict=True
    ):
        with translation.override(language):
            subject = gettext("Invitation: %(title)s, %(date)s") % {
                "title": TITLES[language],
                "date": DATES[language],
            }
            greeting = gettext("Hello %(name)s,") % {"name": participant.user.full_name}
            network_name = meeting.network.display_name
            kind = gettext("Transnational meeting")
            host = meeting.host.display_name
        assert message.subject == subject
        body = message.body
        assert body.startswith(greeting + "\n")
        assert f"DI4C ({network_name})" in body
        assert TITLES[language] in body
        assert WHEN[language] in body
        assert kind in body
        assert host in body
        assert "Primăria Municipiului Botoșani, Piața Revoluției 1, Botoșani" in body
        assert "Agree on the baseline of the action plans." in body
        assert page in body
        assert "&#x27;" not in subject + body  # plain text, not HTML-escaped

        # The calendar file: the invitation for this recipient, in their language.
        attachment = message.attachments[0]
        assert attachment.filename == "invite.ics"
        assert attachment.mimetype == "text/calendar; method=REQUEST"
        part = calendar_part(message)
        assert part.get_filename() == "invite.ics"
        assert part.get_param("method") == "REQUEST"
        assert part.get_content_charset() == "utf-8"
        calendar = attached_calendar(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        event = only_event(calendar)
        assert str(event["UID"]) == f"{meeting.uid}@di4c"
        assert str(event["SUMMARY"]) == TITLES[language]
        assert attendees(event) == [f"mailto:{participant.user.email}"]
        assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
        assert event["DTSTART"].dt == dt.datetime(2020, 2, 12, 9, tzinfo=BUCHAREST)

    assert "februarie" in mailoutbox[0].body
    assert "febbraio" in mailoutbox[1].body
    assert mailoutbox[2].subject == "Invitation: Partners' meeting in Botoșani, 12 February 2020"


def test_all_messages_go_through_one_connection(meeting, invite):
    participants = [invite("botosani-coordinator"), invite("coordinator")]
    connection = mock.Mock(wraps=get_connection())
    with mock.patch.object(mail, "get_connection", return_value=connection) as opened:
        assert send_invitations(meeting, participants) == 2
    opened.assert_called_once_with()
    connection.send_messages.assert_called_once()
    assert len(connection.send_messages.call_args.args[0]) == 2


def test_queries_do_not_grow_with_recipients(meeting, invite, django_assert_num_queries):
    participants = [invite("botosani-coordinator"), invite("coordinator"), invite("lead-expert")]
    meeting = Meeting.objects.select_related("network", "host").get(pk=meeting.pk)
    # The agenda, once for all three.
    with django_assert_num_queries(1):
        assert send_invitations(meeting, participants) == 3


def test_nobody_to_write_to(meeting, mailoutbox):
    assert send_invitations(meeting, []) == 0
    assert mailoutbox == []


def test_online_meeting_gives_the_link(meeting, invite, mailoutbox):
    meeting.mode = MeetingMode.ONLINE
    meeting.venue = meeting.address = ""
    meeting.online_url = "https://meet.example.org/di4c-february"
    meeting.save()
    send_invitations(meeting, [invite("lead-expert")])
    (message,) = mailoutbox
    assert "Online: https://meet.example.org/di4c-february" in message.body
    assert "Where:" not in message.body
    event = only_event(attached_calendar(message))
    assert str(event["LOCATION"]) == "https://meet.example.org/di4c-february"


def test_change_lists_what_changed(meeting, invite, mailoutbox):
    elena = invite("botosani-coordinator", Response.ACCEPTED)
    ian = invite("lead-expert", Response.ACCEPTED)
    meeting.starts_at = dt.datetime(2020, 2, 12, 10, tzinfo=BUCHAREST)
    meeting.venue = "Centrul de Afaceri Botoșani"
    meeting.sequence = 3
    meeting.save()

    assert send_meeting_changed(meeting, [elena, ian], ["starts_at", "venue", "starts_at"]) == 2

    romanian, english = mailoutbox
    assert english.subject == "Changed: Partners' meeting in Botoșani, 12 February 2020"
    assert "What changed: starts at, venue." in english.body
    assert "12 February 2020, 10:00 – 13 February 2020, 17:00 (Europe/Bucharest)" in english.body
    assert "Centrul de Afaceri Botoșani" in english.body
    with translation.override("ro"):
        changed = ", ".join(
            str(Meeting._meta.get_field(name).verbose_name) for name in ("starts_at", "venue")
        )
        assert romanian.subject == gettext("Changed: %(title)s, %(date)s") % {
            "title": TITLES["ro"],
            "date": DATES["ro"],
        }
        assert gettext("What changed: %(changed)s.") % {"changed": changed} in romanian.body

    for message, participant in ((romanian, elena), (english, ian)):
        assert message.attachments[0].filename == "invite.ics"
        calendar = attached_calendar(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        event = only_event(calendar)
        assert event["SEQUENCE"] == 3
        assert event["DTSTART"].dt == dt.datetime(2020, 2, 12, 10, tzinfo=BUCHAREST)
        assert attendees(event) == [f"mailto:{participant.user.email}"]
        # They had accepted: their calendar keeps the answer.
        assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_cancellation(meeting, invite, mailoutbox):
    giulia = invite("coordinator", Response.ACCEPTED)
    ian = invite("lead-expert")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancellation_reason = "Travel is restricted (COVID-19)."
    meeting.sequence = 1
    meeting.save()

    assert send_meeting_cancelled(meeting, [giulia, ian]) == 2

    italian, english = mailoutbox
    assert english.subject == "Cancelled: Partners' meeting in Botoșani, 12 February 2020"
    assert "Reason: Travel is restricted (COVID-19)." in english.body
    with translation.override("it"):
        assert italian.subject == gettext("Cancelled: %(title)s, %(date)s") % {
            "title": TITLES["it"],
            "date": DATES["it"],
        }
        reason = gettext("Reason: %(reason)s") % {"reason": "Travel is restricted (COVID-19)."}
    assert reason in italian.body
    assert "febbraio" in italian.body

    for message, participant in ((italian, giulia), (english, ian)):
        attachment = message.attachments[0]
        assert attachment.filename == "cancel.ics"
        assert attachment.mimetype == "text/calendar; method=CANCEL"
        assert calendar_part(message).get_param("method") == "CANCEL"
        calendar = attached_calendar(message)
        assert str(calendar["METHOD"]) == "CANCEL"
        event = only_event(calendar)
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1
        assert attendees(event) == [f"mailto:{participant.user.email}"]
