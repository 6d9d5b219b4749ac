"""The reads of the meetings app: querysets that pages, feeds and the API share."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from di4c.accounts.models import NETWORK_ROLES, ORGANISATION_ROLES, Membership, Role
from di4c.accounts.selectors import user_roles
from di4c.meetings.models import (
    AgendaItem,
    DocumentVersion,
    FollowUpTask,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Photo,
    Response,
    TaskStatus,
    WorkingDocument,
)
from di4c.meetings.rules import team_network_ids
from di4c.networks.models import Organisation, Partnership

User = get_user_model()


def visible_meetings(viewer) -> QuerySet[Meeting]:
    """Every meeting the viewer may open: the same rule as meetings.view_meeting, in SQL."""
    meetings = Meeting.objects.all()
    if getattr(viewer, "is_superuser", False) and viewer.is_active:
        return meetings
    visible = Q(is_public=True)
    if viewer is not None and viewer.is_authenticated:
        roles = user_roles(viewer)
        staff_networks = [
            network_id
            for network_id, held in roles.network_roles.items()
            if held & {Role.NETWORK_COORDINATOR, Role.EXPERT}
        ]
        visible |= Q(participants__user=viewer)
        visible |= ~Q(kind=MeetingKind.LOCAL_GROUP) & Q(network_id__in=team_network_ids(viewer))
        visible |= Q(kind=MeetingKind.LOCAL_GROUP) & (
            Q(host_id__in=list(roles.organisation_roles)) | Q(network_id__in=staff_networks)
        )
    return meetings.filter(pk__in=Meeting.objects.filter(visible).values("pk"))


def meeting_list(viewer, *, network=None, organisation=None) -> QuerySet[Meeting]:
    meetings = visible_meetings(viewer).select_related("network", "host")
    if network is not None:
        meetings = meetings.filter(network=network)
    if organisation is not None:
        meetings = meetings.filter(host=organisation)
    return meetings.order_by("starts_at", "pk")


def meeting_detail(pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("network", "host", "created_by")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.prefetch_related(
                    "speaker_organisations",
                    Prefetch("documents", queryset=WorkingDocument.objects.order_by("title")),
                ),
            ),
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("user", "organisation").order_by(
                    "organisation__name", "user__full_name"
                ),
            ),
            "decisions",
            Prefetch(
                "tasks",
                queryset=FollowUpTask.objects.select_related("assignee", "decision").order_by(
                    "status", "due_on", "pk"
                ),
            ),
            Prefetch(
                "documents",
                queryset=WorkingDocument.objects.prefetch_related(
                    Prefetch(
                        "versions",
                        queryset=DocumentVersion.objects.select_related("uploaded_by"),
                    )
                ).order_by("title", "pk"),
            ),
            Prefetch("photos", queryset=Photo.objects.order_by("uploaded_at", "pk")),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Invitable:
    pk: int
    full_name: str
    email: str
    invited_for: int | None  # the partner organisation, None for network staff
    organisation_name: str
    role: str
    role_code: str

    def __str__(self) -> str:
        return self.full_name or self.email


def partners_on(meeting: Meeting) -> QuerySet[Organisation]:
    """The organisations that are partners of the meeting's network on its dates."""
    starts_on = meeting.local_starts_at.date()
    ends_on = meeting.local_ends_at.date()
    return Organisation.objects.filter(
        pk__in=Partnership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=ends_on),
            network_id=meeting.network_id,
            joined_on__lte=starts_on,
        ).values("organisation_id")
    )


def invitable_people(meeting: Meeting) -> list[Invitable]:
    """Who may be invited: the network's coordinator and experts, and the members of the
    partners on the meeting's dates (of the host city only, for a local group meeting)."""
    if meeting.kind == MeetingKind.LOCAL_GROUP:
        organisations = Organisation.objects.filter(pk=meeting.host_id)
    else:
        organisations = partners_on(meeting)
    rows = (
        Membership.objects.filter(
            Q(network_id=meeting.network_id, role__in=NETWORK_ROLES)
            | Q(organisation__in=organisations, role__in=ORGANISATION_ROLES),
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "role")
    )
    people: dict[int, Invitable] = {}
    for membership in rows:
        if membership.user_id in people:
            continue
        people[membership.user_id] = Invitable(
            pk=membership.user_id,
            full_name=membership.user.full_name,
            email=membership.user.email,
            invited_for=membership.organisation_id,
            organisation_name=str(membership.organisation or ""),
            role=membership.get_role_display(),
            role_code=membership.role,
        )
    return list(people.values())


def open_tasks_of(user) -> QuerySet[FollowUpTask]:
    """A person's follow-up tasks until they are done, the overdue first."""
    return (
        FollowUpTask.objects.filter(assignee=user)
        .exclude(status=TaskStatus.DONE)
        .select_related("meeting", "meeting__network", "assignee")
        .order_by("due_on", "pk")
    )


def upcoming_invitations_of(user) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(
            user=user, meeting__ends_at__gte=timezone.now(), meeting__status=MeetingStatus.SCHEDULED
        )
        .select_related("meeting", "meeting__network", "meeting__host")
        .order_by("meeting__starts_at")
    )


def _for_calendar(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("network", "host").prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.all())
    )


def calendar_meeting(pk: int) -> Meeting:
    return _for_calendar(Meeting.objects.filter(pk=pk)).get()


# Feeds carry the last year and everything ahead: calendar programs keep what they saw.
FEED_HISTORY = dt.timedelta(days=366)


def user_feed_meetings(user) -> QuerySet[Meeting]:
    """The meetings a person's calendar follows: those they are invited to and did not
    decline (cancelled ones stay, marked cancelled, so that calendars drop them)."""
    return _for_calendar(
        Meeting.objects.filter(
            ends_at__gte=timezone.now() - FEED_HISTORY,
            participants__user=user,
            participants__response__in=[Response.INVITED, Response.ACCEPTED],
        ).order_by("starts_at")
    )


def network_feed_meetings(network) -> QuerySet[Meeting]:
    """The network's own meetings; local group meetings are the cities' business."""
    return _for_calendar(
        Meeting.objects.filter(network=network, ends_at__gte=timezone.now() - FEED_HISTORY)
        .exclude(kind=MeetingKind.LOCAL_GROUP)
        .order_by("starts_at")
    )


def hosting_counts(network, *, before=None) -> dict[int, int]:
    """The network's meetings each partner has hosted, before a date if given: the rotation's
    history. Online ones count (a meeting moved online keeps its host in the rotation), and so
    do the kick-offs and final events already held (the lead hosted those: it does not come
    first in the next rotation); cancelled ones, expert visits and local groups do not."""
    from di4c.meetings.models import ROTATION_KINDS

    counts: dict[int, int] = {}
    meetings = Meeting.objects.filter(
        network=network,
        kind__in=[*ROTATION_KINDS, MeetingKind.KICK_OFF, MeetingKind.FINAL_EVENT],
    )
    if before is not None:
        meetings = meetings.filter(starts_at__date__lt=before)
    rows = meetings.exclude(status=MeetingStatus.CANCELLED).values_list("host_id", flat=True)
    for host_id in rows:
        counts[host_id] = counts.get(host_id, 0) + 1
    return counts
