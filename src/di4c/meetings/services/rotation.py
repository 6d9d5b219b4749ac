"""Accepting a host rotation: the coordinator's (possibly adjusted) schedule becomes meetings."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from di4c.accounts.models import Role
from di4c.core.i18n import translation_languages
from di4c.core.services import require_perm, validated_save
from di4c.meetings import rotation as planner
from di4c.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    RotationPlan,
)
from di4c.meetings.selectors import invitable_people
from di4c.meetings.services.meetings import check_host
from di4c.meetings.services.participants import participants_invite
from di4c.meetings.timezones import time_zone_of_country
from di4c.networks.models import Network, Organisation

User = get_user_model()
INVITED_ROLES = {Role.NETWORK_COORDINATOR, Role.EXPERT, Role.CITY_COORDINATOR}
KIND_OF_SLOT = {
    planner.KICK_OFF: MeetingKind.KICK_OFF,
    planner.TRANSNATIONAL: MeetingKind.TRANSNATIONAL,
    planner.FINAL_EVENT: MeetingKind.FINAL_EVENT,
}
# Days each meeting takes (DI4C's kick-off took two, its final meeting three).
DAYS_OF_SLOT = {planner.KICK_OFF: 2, planner.TRANSNATIONAL: 2, planner.FINAL_EVENT: 3}


class RotationRefused(ValidationError):
    """The schedule breaks the rotation's rules; `problems` says which."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__([problem.message for problem in problems])


def _titles(kind: str, host: Organisation, online: bool) -> tuple[str, dict[str, str]]:
    """The title in English and in every other interface language: the invitations go out
    in each recipient's language, whatever the coordinator's."""
    with translation.override("en"):
        base = _title(kind, host, online)
    translations = {}
    for code in translation_languages():
        with translation.override(code):
            translations[code] = _title(kind, host, online)
    return base, translations


def _title(kind: str, host: Organisation, online: bool) -> str:
    city = host.city or host.display_name
    if kind == planner.KICK_OFF:
        return _("Kick-off meeting in %(city)s") % {"city": city}
    if kind == planner.FINAL_EVENT:
        return _("Final event in %(city)s") % {"city": city}
    if online:
        return _("Online transnational meeting hosted by %(city)s") % {"city": city}
    return _("Transnational meeting in %(city)s") % {"city": city}


def _check_period_is_free(network, slots: list[planner.Slot]) -> None:
    """Refuse a schedule in the past, or over meetings the network already holds."""
    first = min(slot.date for slot in slots)
    last = max(slot.date for slot in slots)
    if first < timezone.localdate():
        raise ValidationError(
            _("The schedule starts in the past (%(date)s): plan meetings from today on.")
            % {"date": date_format(first, "DATE_FORMAT")}
        )
    # Another accepted rotation (or a kick-off / final event) over the same dates: accepting
    # twice must not create everything twice. A one-off meeting in between does not block.
    existing = list(
        Meeting.objects.filter(
            Q(rotation_plan__isnull=False)
            | Q(kind__in=[MeetingKind.KICK_OFF, MeetingKind.FINAL_EVENT]),
            network=network,
            starts_at__date__gte=first,
            starts_at__date__lte=last,
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")[:5]
    )
    if existing:
        raise ValidationError(
            _(
                "The network already has meetings in this period (%(meetings)s): cancel them "
                "or plan another period."
            )
            % {"meetings": ", ".join(str(meeting) for meeting in existing)}
        )


@transaction.atomic
def rotation_accept(
    *,
    actor,
    network,
    request: planner.RotationRequest,
    slots: list[planner.Slot],
    invite: bool = True,
) -> RotationPlan:
    """Check the schedule against the same rules as the planner and create its meetings (with
    the host's time zone, 09:00 to 17:00 local time), inviting the network's people if asked."""
    require_perm(actor, "meetings.plan_rotation", network)
    # One acceptance at a time per network: a second click must not create everything twice.
    network = Network.objects.select_for_update().get(pk=network.pk)
    problems, warnings = planner.check_schedule(request, slots)
    if problems:
        raise RotationRefused(problems)
    _check_period_is_free(network, slots)
    hosts = Organisation.objects.in_bulk([slot.host_id for slot in slots])
    plan = RotationPlan.objects.create(
        network=network,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        cadence_months=request.cadence_months,
        options={
            "kick_off": request.kick_off,
            "final_event": request.final_event,
            "online": request.online,
            "partners": [candidate.id for candidate in request.partners],
            "unavailable": [
                [u.partner_id, u.starts_on.isoformat(), u.ends_on.isoformat()]
                for u in request.unavailable
            ],
            "fixed_hosts": [list(pair) for pair in request.fixed_hosts],
            "warnings": [warning.message for warning in warnings],
        },
        schedule=[
            {
                "date": slot.date.isoformat(),
                "kind": slot.kind,
                "mode": slot.mode,
                "host": slot.host_id,
            }
            for slot in slots
        ],
        accepted_by=actor,
    )
    for slot in slots:
        host = hosts[slot.host_id]
        zone_name = time_zone_of_country(host.country.code)
        zone = ZoneInfo(zone_name)
        last_day = slot.date + dt.timedelta(days=DAYS_OF_SLOT[slot.kind] - 1)
        online = slot.mode == planner.ONLINE
        title, title_i18n = _titles(slot.kind, host, online)
        meeting = Meeting(
            network=network,
            kind=KIND_OF_SLOT[slot.kind],
            title=title,
            title_i18n=title_i18n,
            host=host,
            starts_at=dt.datetime.combine(slot.date, dt.time(9, 0), tzinfo=zone),
            ends_at=dt.datetime.combine(last_day, dt.time(17, 0), tzinfo=zone),
            time_zone=zone_name,
            mode=MeetingMode.ONLINE if online else MeetingMode.IN_PERSON,
            rotation_plan=plan,
            created_by=actor,
        )
        check_host(meeting)
        validated_save(meeting, actor=actor, reason="host rotation")
        if invite:
            # The partners' city coordinators and the network's staff: the people who attend
            # transnational meetings; others are invited from the meeting's page.
            people = User.objects.filter(
                pk__in=[
                    person.pk
                    for person in invitable_people(meeting)
                    if person.role_code in INVITED_ROLES
                ]
            )
            if people:
                participants_invite(actor=actor, meeting=meeting, users=people)
    return plan
