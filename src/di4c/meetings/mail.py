"""E-mails about a meeting: the invitation, a change and a cancellation, one message per
participant in the participant's language, each with the meeting as an iCalendar file
(REQUEST or CANCEL, RFC 5546) that calendar programs turn into an entry with answer buttons.

Who receives what is the callers' choice (the services): they pass the participants,
with select_related("user"), for the meeting loaded with its host and network.
"""

import functools
import logging
import re

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.mail import EmailMessage, get_connection
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format, time_format

from di4c.meetings.calendar import meeting_calendar, meeting_location, meeting_page_url
from di4c.meetings.models import Meeting, MeetingMode

logger = logging.getLogger(__name__)


def never_fails(send):
    """For mail sent after a commit: a mail server that is down or slow must not turn the
    saved invitation into an error page; the failure is logged for the administrator."""

    @functools.wraps(send)
    def wrapper(*args, **kwargs):
        try:
            return send(*args, **kwargs)
        except Exception:
            logger.exception("Meeting e-mail not sent")
            return 0

    return wrapper


def send_invitations(meeting, participants) -> int:
    """Invite each participant; returns the number of messages sent."""
    return _send(meeting, participants, template="invitation", method="REQUEST")


def send_meeting_changed(meeting, participants, changed_fields: list[str]) -> int:
    """Tell each participant what changed (model field names, shown by their verbose names),
    with the updated calendar entry (same UID, the meeting's new SEQUENCE)."""
    return _send(
        meeting,
        participants,
        template="changed",
        method="REQUEST",
        extra=lambda: {"changed": changed_fields_display(changed_fields)},
    )


def send_meeting_cancelled(meeting, participants) -> int:
    """Tell each participant the meeting is cancelled, and why; the calendar file removes it."""
    return _send(
        meeting,
        participants,
        template="cancelled",
        method="CANCEL",
        extra=lambda: {"reason": meeting.cancellation_reason},
    )


ATTACHMENT_NAMES = {"REQUEST": "invite.ics", "CANCEL": "cancel.ics"}


def _send(meeting, participants, *, template: str, method: str, extra=None) -> int:
    # The agenda (in each file's description) is read once, not once per recipient.
    prefetch_related_objects([meeting], "agenda_items")
    messages = []
    connection = get_connection()
    for participant in participants:
        user = participant.user
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = meeting_mail_context(meeting, participant)
            if extra is not None:
                context |= extra()
            subject = render_to_string(f"meetings/email/{template}_subject.txt", context)
            body = render_to_string(f"meetings/email/{template}_body.txt", context)
            ics = meeting_calendar(meeting, method=method, participants=[participant])
        message = EmailMessage(
            # A header is one line, whatever a title holds.
            subject=" ".join(subject.split()),
            body=_tidy(body),
            to=[user.email],
            connection=connection,
        )
        # Django adds `charset="utf-8"` to text attachments itself: the part goes out as
        # `Content-Type: text/calendar; method="REQUEST"; charset="utf-8"`.
        message.attach(ATTACHMENT_NAMES[method], ics, f"text/calendar; method={method}")
        messages.append(message)
    if not messages:
        return 0
    return connection.send_messages(messages) or 0


def meeting_mail_context(meeting, participant) -> dict:
    """What the templates show, in the active language."""
    user = participant.user
    start = meeting.local_starts_at
    return {
        "name": user.full_name or user.email,
        "network_acronym": meeting.network.acronym,
        "network_name": meeting.network.display_name,
        "title": meeting.display_title,
        "date": date_format(start, "DATE_FORMAT"),
        "when": meeting_when(meeting),
        "kind": meeting.get_kind_display(),
        "host": meeting.host.display_name,
        "place": meeting_location(meeting) if meeting.mode != MeetingMode.ONLINE else "",
        "online_url": meeting.online_url if meeting.is_online else "",
        "theme": meeting.theme,
        "purpose": meeting.description,
        "url": meeting_page_url(meeting),
    }


def meeting_when(meeting) -> str:
    """'12 February 2020, 09:00 – 13 February 2020, 17:00 (Europe/Bucharest)', or with the
    end time only when the meeting starts and ends on the same day; in the active language."""
    start, end = meeting.local_starts_at, meeting.local_ends_at
    if start.date() == end.date():
        until = time_format(end, "TIME_FORMAT")
    else:
        until = date_format(end, "DATETIME_FORMAT")
    return f"{date_format(start, 'DATETIME_FORMAT')} \N{EN DASH} {until} ({meeting.time_zone})"


def changed_fields_display(changed_fields) -> str:
    """Field names as the reader knows them: ['starts_at', 'venue'] -> 'starts at, venue'."""
    names = []
    for field_name in changed_fields:
        try:
            name = str(Meeting._meta.get_field(field_name).verbose_name)
        except FieldDoesNotExist:
            continue
        if name not in names:
            names.append(name)
    return ", ".join(names)


def _tidy(body: str) -> str:
    """Templates leave blank lines where optional parts are missing: at most one in a row."""
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
