"""Creating, changing and cancelling meetings; the people invited hear of every change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from di4c.core.services import assign_fields, require_perm, validated_save
from di4c.meetings.models import Meeting, MeetingKind, MeetingStatus, Response
from di4c.meetings.timezones import time_zone_of_country
from di4c.networks.models import Partnership

EDITABLE_FIELDS = (
    "kind",
    "title",
    "title_i18n",
    "description",
    "theme",
    "host",
    "starts_at",
    "ends_at",
    "time_zone",
    "mode",
    "venue",
    "address",
    "online_url",
    "languages",
    "is_public",
    "minutes",
    "outcome",
)
# A change to any of these is sent to the people invited, with the calendar entry updated.
ANNOUNCED_FIELDS = (
    "host",
    "starts_at",
    "ends_at",
    "time_zone",
    "mode",
    "venue",
    "address",
    "online_url",
)


def check_host(meeting: Meeting) -> None:
    """The host must be a partner of the network on the meeting's dates."""
    if not (meeting.host_id and meeting.network_id and meeting.starts_at and meeting.ends_at):
        return
    starts_on = meeting.local_starts_at.date()
    ends_on = meeting.local_ends_at.date()
    partnership = Partnership.objects.filter(
        network_id=meeting.network_id, organisation_id=meeting.host_id
    ).first()
    if partnership is None:
        raise ValidationError(
            {
                "host": _("%(host)s is not a partner of %(network)s.")
                % {"host": meeting.host, "network": meeting.network.acronym}
            }
        )
    if partnership.joined_on > starts_on or (
        partnership.left_on is not None and partnership.left_on < ends_on
    ):
        raise ValidationError(
            {
                "host": _(
                    "%(host)s is not a partner of %(network)s on the meeting's dates "
                    "(partner from %(joined)s to %(left)s)."
                )
                % {
                    "host": meeting.host,
                    "network": meeting.network.acronym,
                    "joined": date_format(partnership.joined_on, "DATE_FORMAT"),
                    "left": date_format(partnership.left_on, "DATE_FORMAT")
                    if partnership.left_on
                    else "…",
                }
            }
        )


def check_not_cancelled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled; it can no longer be changed."))


def _runs_a_city(actor) -> bool:
    from di4c.accounts.models import Role
    from di4c.accounts.selectors import user_roles

    held = user_roles(actor).organisation_roles.values()
    return any(roles & {Role.CITY_EDITOR, Role.CITY_COORDINATOR} for roles in held)


def _check_kind_allowed(actor, meeting: Meeting) -> None:
    """Experts record their visits; a city runs its local group meetings; the coordinator
    runs everything in the network."""
    network = meeting.network
    if actor.has_perm("meetings.plan_rotation", network):
        return
    if meeting.kind == MeetingKind.LOCAL_GROUP:
        allowed = actor.has_perm("meetings.add_local_group_meeting", meeting.host)
    else:
        allowed = meeting.kind == MeetingKind.EXPERT_VISIT and actor.has_perm(
            "meetings.add_meeting", network
        )
    if not allowed and meeting.kind == MeetingKind.LOCAL_GROUP:
        raise ValidationError(
            {"host": _("You can organise local group meetings of your own city only.")}
        )
    if not allowed:
        raise ValidationError(
            {"kind": _("You cannot organise a meeting of this kind in this network.")}
        )


@transaction.atomic
def meeting_create(*, actor, network, data: dict) -> Meeting:
    """`data` holds EDITABLE_FIELDS; times are aware datetimes. The time zone defaults to the
    host's."""
    data = dict(data)
    host = data.get("host")
    if data.get("kind") == MeetingKind.LOCAL_GROUP and host is not None:
        if not actor.has_perm("meetings.plan_rotation", network) and not actor.has_perm(
            "meetings.add_local_group_meeting", host
        ):
            if _runs_a_city(actor):
                raise ValidationError(
                    {"host": _("You can organise local group meetings of your own city only.")}
                )
            require_perm(actor, "meetings.add_local_group_meeting", host)
    else:
        require_perm(actor, "meetings.add_meeting", network)
    if not data.get("time_zone") and host is not None:
        data["time_zone"] = time_zone_of_country(host.country.code)
    meeting = Meeting(network=network, created_by=actor)
    assign_fields(meeting, data, EDITABLE_FIELDS)
    meeting.full_clean()
    _check_kind_allowed(actor, meeting)
    check_host(meeting)
    validated_save(meeting, actor=actor)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("network", "host").get(pk=meeting.pk)


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: dict) -> list[str]:
    """Change the meeting; return the names of the fields that changed. The people invited
    (who did not decline) get the new calendar entry when the time or place changed."""
    meeting = _locked(meeting)
    require_perm(actor, "meetings.change_meeting", meeting)
    check_not_cancelled(meeting)
    old_kind = meeting.kind
    changed = assign_fields(meeting, data, EDITABLE_FIELDS)
    if not changed:
        return []
    if "kind" in changed and MeetingKind.LOCAL_GROUP in (old_kind, meeting.kind):
        raise ValidationError(
            {"kind": _("A local group meeting cannot become a network meeting, or the reverse.")}
        )
    if "kind" in changed or "host" in changed:
        # A city may not hand its local group meeting to a city it does not run.
        _check_kind_allowed(actor, meeting)
    if {"host", "starts_at", "ends_at", "time_zone"} & set(changed):
        meeting.full_clean()
        check_host(meeting)
    announced = [name for name in ANNOUNCED_FIELDS if name in changed]
    if announced:
        meeting.sequence += 1
    validated_save(meeting, actor=actor)
    if announced and not meeting.is_past:
        _announce(meeting, "changed", announced)
    return changed


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = _locked(meeting)
    require_perm(actor, "meetings.change_meeting", meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is already cancelled."))
    if meeting.is_past:
        raise ValidationError(_("This meeting is over; it cannot be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancellation_reason = (reason or "").strip()
    meeting.sequence += 1
    validated_save(meeting, actor=actor, reason="cancelled")
    _announce(meeting, "cancelled")
    return meeting


def _announce(meeting: Meeting, what: str, fields: list[str] | None = None) -> None:
    """Mail the people who did not decline, once the transaction has committed."""
    from di4c.meetings import mail

    meeting_id = meeting.pk

    @mail.never_fails
    def send():
        fresh = Meeting.objects.select_related("network", "host").get(pk=meeting_id)
        people = list(fresh.participants.exclude(response=Response.DECLINED).select_related("user"))
        if not people:
            return
        if what == "cancelled":
            mail.send_meeting_cancelled(fresh, people)
        else:
            mail.send_meeting_changed(fresh, people, fields or [])

    transaction.on_commit(send)
