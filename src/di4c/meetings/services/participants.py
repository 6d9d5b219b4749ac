"""Invitations, answers and attendance; the private calendar addresses."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from di4c.core.services import require_perm
from di4c.meetings.models import CalendarFeed, Meeting, Participant, Response
from di4c.meetings.selectors import invitable_people


@transaction.atomic
def participants_invite(*, actor, meeting: Meeting, users, send: bool = True) -> list[Participant]:
    """Invite people of the network's partners (or, to a local group meeting, of the city);
    those already invited are left as they are. Each new invitee gets an e-mail with the
    calendar entry."""
    require_perm(actor, "meetings.invite_to_meeting", meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled; nobody can be invited to it."))
    users = list(users)
    if not users:
        raise ValidationError({"users": _("Choose at least one person to invite.")})
    allowed = {person.pk: person for person in invitable_people(meeting)}
    refused = [person for person in users if person.pk not in allowed]
    if refused:
        # Not named: the organiser need not learn the names of people outside the network.
        raise ValidationError(
            {
                "users": ngettext(
                    "%(count)s person chosen cannot be invited: only people of the network's "
                    "partners on the meeting's dates (or, for a local group meeting, of the city) "
                    "and the network's coordinator and experts can.",
                    "%(count)s people chosen cannot be invited: only people of the network's "
                    "partners on the meeting's dates (or, for a local group meeting, of the city) "
                    "and the network's coordinator and experts can.",
                    len(refused),
                )
                % {"count": len(refused)}
            }
        )
    already = set(meeting.participants.values_list("user_id", flat=True))
    created = []
    for person in users:
        if person.pk in already:
            continue
        created.append(
            Participant.objects.create(
                meeting=meeting,
                user=person,
                organisation_id=allowed[person.pk].invited_for,
                invited_by=actor,
            )
        )
        already.add(person.pk)
    if created and send:
        ids = [participant.pk for participant in created]

        from di4c.meetings import mail

        @mail.never_fails
        def mail_them():
            people = list(
                Participant.objects.filter(pk__in=ids).select_related(
                    "user", "meeting__network", "meeting__host"
                )
            )
            if people:
                mail.send_invitations(people[0].meeting, people)

        transaction.on_commit(mail_them)
    return created


@transaction.atomic
def participant_respond(*, actor, participant: Participant, response: str) -> Participant:
    """The invited person accepts or declines (and may change their mind until it is over)."""
    participant = (
        Participant.objects.select_for_update().select_related("meeting").get(pk=participant.pk)
    )
    if actor is None or not actor.is_authenticated or actor.pk != participant.user_id:
        raise PermissionDenied(_("Only the person invited can answer this invitation."))
    if response not in (Response.ACCEPTED, Response.DECLINED):
        raise ValidationError({"response": _("Answer 'accepted' or 'declined'.")})
    meeting = participant.meeting
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled."))
    if meeting.is_past:
        raise ValidationError(_("This meeting is over; the invitation can no longer be answered."))
    participant.response = response
    participant.responded_at = timezone.now()
    participant._history_user = actor
    participant.save(update_fields=["response", "responded_at"])
    return participant


@transaction.atomic
def attendance_record(*, actor, meeting: Meeting, user, attended: bool) -> Participant:
    require_perm(actor, "meetings.record_attendance", meeting)
    participant = Participant.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if participant is None:
        raise ValidationError(
            {
                "user": _(
                    "This person was not invited to this meeting: invite them first, then "
                    "record their attendance."
                )
            }
        )
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            {"attended": _("Attendance can be recorded once the meeting has started.")}
        )
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled."))
    participant.attended = bool(attended)
    participant._history_user = actor
    participant.save(update_fields=["attended"])
    return participant


@transaction.atomic
def attendance_record_many(*, actor, meeting: Meeting, attended: dict) -> int:
    """Who attended, for several people at once: all saved, or none if one is refused.
    `attended` maps users to True / False."""
    for user, value in attended.items():
        attendance_record(actor=actor, meeting=meeting, user=user, attended=value)
    return len(attended)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_for_user(*, actor) -> CalendarFeed:
    """The person's private calendar address for their own meetings (made on first use)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to get your calendar address."))
    feed, _created = CalendarFeed.objects.get_or_create(
        user=actor, network=None, defaults={"token": _new_token()}
    )
    return feed


@transaction.atomic
def calendar_feed_for_network(*, actor, network) -> CalendarFeed:
    """The person's own address for the network's meetings: it stops working when they leave
    the network, and nobody else's address changes when they do."""
    require_perm(actor, "meetings.follow_network_calendar", network)
    feed, _created = CalendarFeed.objects.get_or_create(
        user=actor, network=network, defaults={"token": _new_token()}
    )
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor, feed: CalendarFeed) -> CalendarFeed:
    """A new secret address: calendars that followed the old one stop receiving updates."""
    if actor is None or not actor.is_authenticated or actor.pk != feed.user_id:
        raise PermissionDenied(_("You do not have permission to do this."))
    feed.token = _new_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
