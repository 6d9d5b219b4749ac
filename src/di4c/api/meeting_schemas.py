"""Schemas of the meetings API (what it answers, what it takes) and the helpers of api/meetings.py:
lookups through meetings.view_meeting, times given without an offset, and the answers built from
a meeting as its reader may see it."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema

from di4c.api.plan_schemas import Id, In, SmallInt, check_id
from di4c.meetings import selectors
from di4c.meetings.models import (
    AgendaItem,
    FollowUpTask,
    Meeting,
    MeetingKind,
    MeetingMode,
    Participant,
    TaskStatus,
)
from di4c.networks.models import Organisation

KINDS = ", ".join(MeetingKind.values)
MODES = ", ".join(MeetingMode.values)
# Times outside these years are refused (a year 1 or 9999 in a far zone cannot be stored in UTC).
FIRST_YEAR, LAST_YEAR = 1950, 2200


# --- what the API answers ---------------------------------------------------------------------


class HostOut(Schema):
    slug: str
    name: str


class MeetingUrlsOut(Schema):
    page: str | None = Field(None, description="The meeting's page")
    ics: str | None = Field(None, description="The meeting as an iCalendar file")


class MeetingOut(Schema):
    id: int
    kind: str = Field(..., description=KINDS)
    title: str
    network: str = Field(..., description="The network's slug")
    host: HostOut
    starts_at: dt.datetime = Field(..., description="In the meeting's time zone, with its offset")
    ends_at: dt.datetime
    time_zone: str
    mode: str = Field(..., description=MODES)
    venue: str
    address: str
    online_url: str | None = Field(
        ..., description="Only to the people concerned (meetings.view_internal); null to others"
    )
    languages: list[str]
    is_public: bool
    status: str = Field(..., description="scheduled or cancelled")
    cancellation_reason: str
    urls: MeetingUrlsOut


class MeetingPageOut(Schema):
    items: list[MeetingOut]
    count: int


class AgendaItemOut(Schema):
    id: int
    position: int
    time: dt.datetime | None = Field(..., description="In the meeting's time zone")
    title: str
    description: str
    speakers: str
    speaker_organisations: list[str] = Field(..., description="Slugs of the presenting partners")
    documents: list[int] = Field(..., description="Ids of the meeting's working documents")

    @staticmethod
    def resolve_time(obj):
        return obj.local_starts_at

    @staticmethod
    def resolve_speaker_organisations(obj):
        return [organisation.slug for organisation in obj.speaker_organisations.all()]

    @staticmethod
    def resolve_documents(obj):
        return [document.pk for document in obj.documents.all()]


class ParticipantOut(Schema):
    id: int
    user: int = Field(..., description="The person's user id")
    name: str
    organisation: str | None = Field(..., description="Slug of the partner the person comes for")
    response: str = Field(..., description="invited, accepted or declined")
    attended: bool | None
    status: str = Field(..., description="invited, accepted, declined, attended or absent")

    @staticmethod
    def resolve_user(obj):
        return obj.user_id

    @staticmethod
    def resolve_name(obj):
        return str(obj.user)

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug if obj.organisation_id else None


class DecisionOut(Schema):
    id: int
    position: int
    text: str
    created_at: dt.datetime


class TaskOut(Schema):
    id: int
    meeting: int
    meeting_title: str
    title: str
    assignee: int = Field(..., description="The assignee's user id")
    assignee_name: str
    due_on: dt.date | None
    status: str = Field(..., description=", ".join(TaskStatus.values))
    is_overdue: bool
    decision: int | None
    done_at: dt.datetime | None

    @staticmethod
    def resolve_meeting(obj):
        return obj.meeting_id

    @staticmethod
    def resolve_meeting_title(obj):
        return obj.meeting.display_title

    @staticmethod
    def resolve_assignee(obj):
        return obj.assignee_id

    @staticmethod
    def resolve_assignee_name(obj):
        return str(obj.assignee)

    @staticmethod
    def resolve_decision(obj):
        return obj.decision_id


class DocumentVersionOut(Schema):
    number: int
    name: str
    size: int
    content_type: str
    uploaded_by: str | None
    uploaded_at: dt.datetime
    note: str

    @staticmethod
    def resolve_uploaded_by(obj):
        return str(obj.uploaded_by) if obj.uploaded_by_id else None


class DocumentOut(Schema):
    id: int
    title: str
    versions: list[DocumentVersionOut] = Field(..., description="The newest first")

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.all())


class PhotoOut(Schema):
    id: int
    alt_text: str
    caption: str
    width: int
    height: int
    url: str
    thumbnail_url: str

    @staticmethod
    def resolve_url(photo) -> str:
        return reverse("meetings:photo_file", args=[photo.pk, "image"])

    @staticmethod
    def resolve_thumbnail_url(photo) -> str:
        return reverse("meetings:photo_file", args=[photo.pk, "thumbnail"])


class MeetingDetailOut(MeetingOut):
    description: str
    theme: str
    agenda: list[AgendaItemOut]
    outcome: str
    photos: list[PhotoOut]
    internal: bool = Field(
        ..., description="Whether the reader sees the inside: minutes, people, tasks, documents"
    )
    minutes: str | None
    decisions: list[DecisionOut] | None
    participants: list[ParticipantOut] | None
    tasks: list[TaskOut] | None
    documents: list[DocumentOut] | None


# --- what the API takes -----------------------------------------------------------------------

TIME_HELP = "ISO 8601; without an offset, a time in the meeting's time zone"


class MeetingFields(In):
    title_i18n: dict[str, str] | None = Field(None, description="Translations by language code")
    time_zone: str | None = Field(None, description="E.g. Europe/Bucharest")
    mode: str = Field(MeetingMode.IN_PERSON, description=MODES)
    venue: str = ""
    address: str = ""
    online_url: str = ""
    languages: list[str] = []
    is_public: bool = False
    description: str = ""
    theme: str = ""


class MeetingCreate(MeetingFields):
    kind: str = Field(..., description=KINDS)
    title: str
    host: str = Field(..., description="Slug of the hosting partner, e.g. botosani")
    starts_at: dt.datetime = Field(..., description=TIME_HELP)
    ends_at: dt.datetime = Field(..., description=TIME_HELP)
    time_zone: str | None = Field(None, description="Default: the host's (by its country)")


class MeetingPatch(In):
    kind: str | None = Field(None, description=KINDS)
    title: str | None = None
    title_i18n: dict[str, str] | None = None
    description: str | None = None
    theme: str | None = None
    host: str | None = Field(None, description="Slug of the hosting partner")
    starts_at: dt.datetime | None = Field(None, description=TIME_HELP)
    ends_at: dt.datetime | None = Field(None, description=TIME_HELP)
    time_zone: str | None = None
    mode: str | None = Field(None, description=MODES)
    venue: str | None = None
    address: str | None = None
    online_url: str | None = None
    languages: list[str] | None = None
    is_public: bool | None = None
    minutes: str | None = None
    outcome: str | None = None


class CancelIn(In):
    reason: str


class AgendaItemIn(In):
    starts_at: dt.datetime | None = Field(None, description=TIME_HELP)
    title: str
    description: str = ""
    speakers: str = ""
    position: SmallInt | None = Field(None, description="Default: after the last item")
    speaker_organisations: list[str] = Field([], description="Slugs of presenting partners")
    documents: list[Id] = Field([], description="Ids of the meeting's working documents")


class AgendaItemPatch(In):
    starts_at: dt.datetime | None = Field(None, description=TIME_HELP)
    title: str | None = None
    description: str | None = None
    speakers: str | None = None
    position: SmallInt | None = None
    speaker_organisations: list[str] | None = Field(None, description="When given, replaces them")
    documents: list[Id] | None = Field(None, description="When given, replaces them")


class InviteIn(In):
    user_ids: list[Id] = Field(..., max_length=1000)


class RespondIn(In):
    response: str = Field(..., description="accepted or declined")


class AttendanceIn(In):
    user_id: Id
    attended: bool


class TaskIn(In):
    title: str
    assignee_id: Id
    due_on: dt.date | None = None
    decision_id: Id | None = Field(None, description="The decision of the meeting it follows")


class TaskStatusIn(In):
    status: str = Field(..., description=", ".join(TaskStatus.values))


class DecisionIn(In):
    text: str


# --- lookups: everything is read through its meeting's permission ------------------------------


def sees_internal(user, meeting: Meeting) -> bool:
    return user.has_perm("meetings.view_internal", meeting)


def check_readable(request, meeting: Meeting) -> None:
    if not request.user.has_perm("meetings.view_meeting", meeting):
        # Meetings the reader may not see are not even acknowledged.
        raise Http404


def check_internal(request, meeting: Meeting) -> None:
    check_readable(request, meeting)
    if not sees_internal(request.user, meeting):
        raise PermissionDenied(_("Only the people concerned by the meeting see this."))


def readable_meeting(request, pk: int) -> Meeting:
    """The meeting with everything its page shows (a constant number of queries)."""
    check_id(pk)
    try:
        meeting = selectors.meeting_detail(pk)
    except Meeting.DoesNotExist as missing:
        raise Http404 from missing
    remember_participants(meeting, meeting.participants.all())
    check_readable(request, meeting)
    return meeting


def remember_participants(meeting: Meeting, participants) -> None:
    """Give meetings.rules the invitations already read, so that it does not read them again
    (rules.participant_user_ids keeps them on the meeting object)."""
    meeting._participant_user_ids = {p.user_id: p.response for p in participants}


def viewer_invitations(viewer) -> Prefetch:
    """The viewer's own invitations to each meeting of a list: all the rules need to know to
    tell, meeting by meeting, whether the viewer was invited."""
    return Prefetch(
        "participants",
        queryset=Participant.objects.filter(user_id=viewer.pk)
        .only("meeting_id", "user_id", "response")
        .order_by(),
        to_attr="viewer_invitations",
    )


def organisation_by_slug(slug: str, field: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ValidationError(
            {field: _("No organisation has the slug '%(slug)s'.") % {"slug": slug}}
        )
    return organisation


def organisations_by_slug(slugs: list[str], field: str) -> list[Organisation]:
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=set(slugs))}
    missing = [slug for slug in dict.fromkeys(slugs) if slug not in found]
    if missing:
        raise ValidationError(
            {field: _("No organisation has the slug '%(slug)s'.") % {"slug": missing[0]}}
        )
    return [found[slug] for slug in dict.fromkeys(slugs)]


def zone_named(name: str, field: str = "time_zone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ValidationError(
            {
                field: _("'%(zone)s' is not a time zone; use a name such as Europe/Bucharest.")
                % {"zone": name}
            }
        ) from error


def aware(value: dt.datetime | None, zone: ZoneInfo, field: str) -> dt.datetime | None:
    """A time with its offset as given; a time without one is read in `zone`."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, zone)
    try:
        year = value.astimezone(dt.UTC).year
    except OverflowError:
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                field: _("Give a time between the years %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    return value


@contextmanager
def fields_renamed(**names: str) -> Iterator[None]:
    """Errors a service raises on its own names (`user`) reported on the field the client sent
    (`user_id`)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in error.error_dict.items()}
        ) from error


# --- building the answers ---------------------------------------------------------------------


def _url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the meetings pages are not wired (yet)
        return None


def meeting_out(meeting: Meeting, *, internal: bool) -> dict:
    return {
        **{
            name: getattr(meeting, name)
            for name in (
                "id",
                "kind",
                "time_zone",
                "mode",
                "venue",
                "address",
                "languages",
                "is_public",
                "status",
                "cancellation_reason",
            )
        },
        "title": meeting.display_title,
        "network": meeting.network.slug,
        "host": {"slug": meeting.host.slug, "name": meeting.host.display_name},
        "starts_at": meeting.local_starts_at,
        "ends_at": meeting.local_ends_at,
        "online_url": meeting.online_url if internal else None,
        "urls": {
            "page": _url("meetings:meeting", meeting.pk),
            "ics": _url("meetings:meeting_ics", meeting.pk),
        },
    }


def meeting_detail_out(meeting: Meeting, viewer) -> dict:
    """The meeting as `viewer` may read it; `meeting` comes from selectors.meeting_detail."""
    internal = sees_internal(viewer, meeting)
    inside = {
        "minutes": meeting.minutes,
        "decisions": list(meeting.decisions.all()),
        "participants": list(meeting.participants.all()),
        "tasks": list(meeting.tasks.all()),
        "documents": list(meeting.documents.all()),
    }
    return {
        **meeting_out(meeting, internal=internal),
        "description": meeting.description,
        "theme": meeting.theme,
        "outcome": meeting.outcome,
        "agenda": list(meeting.agenda_items.all()),
        "photos": list(meeting.photos.all()),
        "internal": internal,
        **{name: value if internal else None for name, value in inside.items()},
    }


def agenda_item(meeting: Meeting, pk: int) -> AgendaItem:
    check_id(pk)
    item = (
        AgendaItem.objects.filter(meeting=meeting, pk=pk)
        .select_related("meeting")
        .prefetch_related("speaker_organisations", "documents")
        .first()
    )
    if item is None:
        raise Http404
    return item


def task_detail(pk: int) -> FollowUpTask | None:
    return (
        FollowUpTask.objects.filter(pk=pk)
        .select_related("meeting__network", "meeting__host", "assignee")
        .first()
    )
