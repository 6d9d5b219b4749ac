"""Meetings as iCalendar (RFC 5545) files: the download of one meeting, the invitation,
change and cancellation attached to e-mails (iTIP, RFC 5546), and subscription feeds.

Everything is built with the `icalendar` library, never by hand. Times are written in the
meeting's own time zone (with its VTIMEZONE), so that calendars show them right wherever
the reader is. Texts (title, kind, description) are in the active language: render a
recipient's file inside `translation.override(recipient.language)`.
"""

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration

from di4c.meetings.models import MeetingMode, Response

PRODID = "-//di4c//meetings//EN"
METHODS = ("PUBLISH", "REQUEST", "CANCEL")
# How often subscribed calendars should fetch a feed again.
FEED_REFRESH = dt.timedelta(hours=6)

PARTSTAT = {
    Response.INVITED: "NEEDS-ACTION",
    Response.ACCEPTED: "ACCEPTED",
    Response.DECLINED: "DECLINED",
}


def meeting_page_url(meeting) -> str:
    """The meeting's page, absolute: where participants read it and accept or decline."""
    return settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()


def meeting_location(meeting, *, with_link: bool = True) -> str:
    """Venue and address when the meeting is held in person (or hybrid), else the link."""
    if meeting.mode == MeetingMode.ONLINE:
        return meeting.online_url if with_link else ""
    return ", ".join(part for part in (meeting.venue, meeting.address) if part)


def meeting_calendar(
    meeting, *, method: str = "PUBLISH", participants=None, with_link: bool = True
) -> bytes:
    """One meeting as an iCalendar file. PUBLISH for the download, REQUEST for invitations and
    changes, CANCEL for cancellations; `participants` become ATTENDEEs (REQUEST and CANCEL).
    `with_link=False` leaves the online link out (a visitor's copy of a public meeting)."""
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}; use one of {', '.join(METHODS)}.")
    calendar = _calendar(method)
    attendees = list(participants or []) if method in ("REQUEST", "CANCEL") else []
    calendar.add_component(
        _event(
            meeting,
            stamp=timezone.now(),
            attendees=attendees,
            cancel=method == "CANCEL",
            with_link=with_link,
        )
    )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_calendar(meetings, *, name: str) -> bytes:
    """A subscription feed of meetings. Cancelled meetings stay in it with STATUS:CANCELLED, so
    that subscribed calendars mark or remove them instead of keeping a stale copy.

    `meetings` should come with select_related("host", "network") and
    prefetch_related("agenda_items"): nothing else is read per meeting."""
    calendar = _calendar("PUBLISH")
    calendar.add("NAME", name)  # RFC 7986
    calendar.add("X-WR-CALNAME", name)  # what most calendar programs read
    calendar.add("REFRESH-INTERVAL", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(_event(meeting, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", method)
    return calendar


def _event(meeting, *, stamp, attendees=(), cancel: bool = False, with_link: bool = True) -> Event:
    page = meeting_page_url(meeting)
    event = Event()
    event.add("UID", f"{meeting.uid}@di4c")
    event.add("SEQUENCE", meeting.sequence)
    event.add("DTSTAMP", stamp.astimezone(dt.UTC))
    event.add("DTSTART", meeting.local_starts_at)
    event.add("DTEND", meeting.local_ends_at)
    event.add("SUMMARY", meeting.display_title)
    event.add("DESCRIPTION", _description(meeting, page, with_link=with_link))
    location = meeting_location(meeting, with_link=with_link)
    if location:
        event.add("LOCATION", location)
    event.add("URL", page)
    event.add("STATUS", "CANCELLED" if cancel or meeting.is_cancelled else "CONFIRMED")
    event.add("CATEGORIES", [str(meeting.get_kind_display())])
    event.add("ORGANIZER", _organizer(meeting))
    for participant in attendees:
        event.add("ATTENDEE", _attendee(participant))
    return event


def _organizer(meeting) -> vCalAddress:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = meeting.network.acronym
    return organizer


def _attendee(participant) -> vCalAddress:
    user = participant.user
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["CN"] = user.full_name or user.email
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = PARTSTAT.get(participant.response, "NEEDS-ACTION")
    # Answers are given on the meeting's page: a calendar program's reply would go to the
    # no-reply organiser address and be lost, so it is not asked for.
    attendee.params["RSVP"] = "FALSE"
    return attendee


def _description(meeting, page: str, *, with_link: bool = True) -> str:
    lines = [
        str(meeting.get_kind_display()),
        _("Host: %(host)s") % {"host": meeting.host.display_name},
    ]
    if meeting.theme:
        lines.append(_("Theme: %(theme)s") % {"theme": meeting.theme})
    if meeting.is_cancelled and meeting.cancellation_reason:
        lines.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancellation_reason})
    if with_link and meeting.is_online and meeting.online_url:
        lines.append(_("Online: %(link)s") % {"link": meeting.online_url})
    agenda = _agenda(meeting)
    if agenda:
        lines += ["", _("Agenda:"), *agenda]
    lines += ["", _("Details, documents and your answer: %(link)s") % {"link": page}]
    return "\n".join(lines)


def _agenda(meeting) -> list[str]:
    """'10:00 Welcome — speakers', with the day before each day's items when the meeting
    lasts several days. Only meeting.agenda_items.all(): a prefetch serves it."""
    zone = meeting.zone
    several_days = meeting.local_starts_at.date() != meeting.local_ends_at.date()
    lines, day = [], None
    for item in meeting.agenda_items.all():
        text = item.title
        if item.speakers:
            text = f"{text} \N{EM DASH} {item.speakers}"
        if item.starts_at is not None:
            local = timezone.localtime(item.starts_at, zone)
            if several_days and local.date() != day:
                day = local.date()
                lines.append(date_format(day, "DATE_FORMAT"))
            text = f"{time_format(local, 'TIME_FORMAT')} {text}"
        lines.append(text)
    return lines
