"""API of the meetings app: a network's meetings with their agenda, invitations and attendance,
decisions and follow-up tasks. Reads follow meetings.view_meeting (a meeting the reader may not
see is a 404) and the inside of a meeting (people, minutes, tasks, documents, the online link)
meetings.view_internal; writes go through meetings.services, which check the role (403)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.maturity import ErrorOut, optional_auth
from di4c.api.meeting_schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaItemPatch,
    AttendanceIn,
    CancelIn,
    DecisionIn,
    DecisionOut,
    InviteIn,
    MeetingCreate,
    MeetingDetailOut,
    MeetingPageOut,
    MeetingPatch,
    ParticipantOut,
    RespondIn,
    TaskIn,
    TaskOut,
    TaskStatusIn,
    agenda_item,
    aware,
    check_internal,
    check_readable,
    fields_renamed,
    meeting_detail_out,
    meeting_out,
    organisation_by_slug,
    organisations_by_slug,
    readable_meeting,
    remember_participants,
    sees_internal,
    task_detail,
    viewer_invitations,
    zone_named,
)
from di4c.api.plan_schemas import READ, WRITE, check_id, query_error, query_text
from di4c.meetings import selectors, services
from di4c.meetings.models import (
    AgendaItem,
    Decision,
    FollowUpTask,
    MeetingKind,
    Participant,
    WorkingDocument,
)
from di4c.meetings.timezones import time_zone_of_country
from di4c.networks.models import Network

router = Router(tags=["meetings"])
User = get_user_model()


def _detail(request, pk: int) -> dict:
    """The meeting as the caller now reads it (after a write: read again, whole)."""
    meeting = selectors.meeting_detail(pk)
    remember_participants(meeting, meeting.participants.all())
    return meeting_detail_out(meeting, request.user)


def _user(pk: int, field: str):
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({field: _("No person has the id %(id)s.") % {"id": pk}})
    return user


# --- meetings -----------------------------------------------------------------------------------


class MeetingFilters(Schema):
    network: str | None = Field(None, description="Slug of a network")
    host: str | None = Field(None, description="Slug of the hosting organisation")
    kind: str | None = Field(None, description=", ".join(MeetingKind.values))
    date_from: dt.date | None = Field(None, alias="from", description="Meetings ending on or after")
    date_to: dt.date | None = Field(None, alias="to", description="Meetings starting on or before")
    upcoming: bool | None = Field(
        None, description="true: not over yet; false: over (by their end)"
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


@router.get("/meetings", response={200: MeetingPageOut, 422: ErrorOut}, auth=optional_auth)
def list_meetings(request, filters: Query[MeetingFilters]):
    """The meetings the reader may see (visitors: the public ones), the earliest first."""
    meetings = selectors.meeting_list(request.user)
    if query_text("network", filters.network):
        meetings = meetings.filter(network__slug=filters.network)
    if query_text("host", filters.host):
        meetings = meetings.filter(host__slug=filters.host)
    if filters.kind is not None:
        if filters.kind not in MeetingKind.values:
            query_error("kind", _("Unknown kind of meeting."))
        meetings = meetings.filter(kind=filters.kind)
    if filters.date_from is not None:
        meetings = meetings.filter(ends_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        meetings = meetings.filter(starts_at__date__lte=filters.date_to)
    if filters.upcoming is not None:
        now = timezone.now()
        meetings = (
            meetings.filter(ends_at__gte=now)
            if filters.upcoming
            else meetings.filter(ends_at__lt=now)
        )
    viewer = request.user
    if viewer.is_authenticated:
        meetings = meetings.prefetch_related(viewer_invitations(viewer))
    page = list(meetings[filters.offset : filters.offset + filters.limit])
    items = []
    for meeting in page:
        if viewer.is_authenticated:
            # The viewer's own invitation is all the rules read of the participants here.
            remember_participants(meeting, meeting.viewer_invitations)
        items.append(meeting_out(meeting, internal=sees_internal(viewer, meeting)))
    return {"items": items, "count": meetings.count()}


@router.get("/meetings/{pk}", response={200: MeetingDetailOut, **READ}, auth=optional_auth)
def get_meeting(request, pk: int):
    """The meeting with its agenda, photos and outcome; to the people concerned also its
    minutes, decisions, participants, tasks and working documents."""
    return meeting_detail_out(readable_meeting(request, pk), request.user)


def _times(data: dict, zone_name: str) -> dict:
    zone = zone_named(zone_name)
    for name in ("starts_at", "ends_at"):
        if data.get(name) is not None:
            data[name] = aware(data[name], zone, name)
    return data


@router.post(
    "/networks/{slug}/meetings", response={201: MeetingDetailOut, **WRITE}, auth=token_or_session
)
def create_meeting(request, slug: str, payload: MeetingCreate):
    """Plan a meeting of the network. The coordinator organises any kind; an expert their
    expert visits; a city's editors and coordinators its local group meetings."""
    network = Network.objects.filter(slug=slug).first() if "\x00" not in slug else None
    if network is None:
        raise Http404
    data = payload.dict()
    data["host"] = organisation_by_slug(data["host"], "host")
    if data["time_zone"] is None:
        data["time_zone"] = time_zone_of_country(data["host"].country.code)
    if data["title_i18n"] is None:
        del data["title_i18n"]
    meeting = services.meeting_create(
        actor=request.auth, network=network, data=_times(data, data["time_zone"])
    )
    return Status(201, _detail(request, meeting.pk))


@router.patch("/meetings/{pk}", response={200: MeetingDetailOut, **WRITE}, auth=token_or_session)
def patch_meeting(request, pk: int, payload: MeetingPatch):
    """Change the meeting; the people invited hear of a new time or place."""
    meeting = readable_meeting(request, pk)
    data = payload.dict(exclude_unset=True)
    if data.get("host") is not None:
        data["host"] = organisation_by_slug(data["host"], "host")
    if data.get("time_zone") is not None:
        zone_named(data["time_zone"])
    services.meeting_update(
        actor=request.auth,
        meeting=meeting,
        data=_times(data, data.get("time_zone") or meeting.time_zone),
    )
    return _detail(request, pk)


@router.post(
    "/meetings/{pk}/cancel", response={200: MeetingDetailOut, **WRITE}, auth=token_or_session
)
def cancel_meeting(request, pk: int, payload: CancelIn):
    """Cancel the meeting, saying why; the people invited are told."""
    meeting = readable_meeting(request, pk)
    with fields_renamed(cancellation_reason="reason"):
        services.meeting_cancel(actor=request.auth, meeting=meeting, reason=payload.reason)
    return _detail(request, pk)


# --- agenda -------------------------------------------------------------------------------------


def _agenda_links(meeting, data: dict) -> dict:
    """Slugs and ids of the input made into the organisations and documents they name."""
    links = {}
    if data.get("speaker_organisations") is not None:
        links["speaker_organisations"] = organisations_by_slug(
            data["speaker_organisations"], "speaker_organisations"
        )
    if data.get("documents") is not None:
        ids = list(dict.fromkeys(data["documents"]))
        documents = list(WorkingDocument.objects.filter(meeting=meeting, pk__in=ids))
        if len(documents) != len(ids):
            raise ValidationError({"documents": _("Link documents of this meeting only.")})
        links["documents"] = documents
    for name in ("speaker_organisations", "documents"):
        data.pop(name, None)
    if data.get("starts_at") is not None:
        data["starts_at"] = aware(data["starts_at"], meeting.zone, "starts_at")
    return links


def _agenda_item_out(pk: int) -> AgendaItem:
    return (
        AgendaItem.objects.select_related("meeting")
        .prefetch_related("speaker_organisations", "documents")
        .get(pk=pk)
    )


@router.get(
    "/meetings/{pk}/agenda", response={200: list[AgendaItemOut], **READ}, auth=optional_auth
)
@paginate
def list_agenda(request, pk: int):
    """The agenda, in order."""
    return list(readable_meeting(request, pk).agenda_items.all())


@router.post("/meetings/{pk}/agenda", response={201: AgendaItemOut, **WRITE}, auth=token_or_session)
def create_agenda_item(request, pk: int, payload: AgendaItemIn):
    meeting = readable_meeting(request, pk)
    data = payload.dict()
    links = _agenda_links(meeting, data)
    if data["position"] is None:
        del data["position"]
    item = services.agenda_item_add(actor=request.auth, meeting=meeting, data=data, **links)
    return Status(201, _agenda_item_out(item.pk))


@router.patch(
    "/meetings/{pk}/agenda/{item_id}",
    response={200: AgendaItemOut, **WRITE},
    auth=token_or_session,
)
def patch_agenda_item(request, pk: int, item_id: int, payload: AgendaItemPatch):
    meeting = readable_meeting(request, pk)
    item = agenda_item(meeting, item_id)
    data = payload.dict(exclude_unset=True)
    links = _agenda_links(meeting, data)
    services.agenda_item_update(actor=request.auth, item=item, data=data, **links)
    return _agenda_item_out(item.pk)


@router.delete(
    "/meetings/{pk}/agenda/{item_id}", response={204: None, **WRITE}, auth=token_or_session
)
def delete_agenda_item(request, pk: int, item_id: int):
    meeting = readable_meeting(request, pk)
    services.agenda_item_delete(actor=request.auth, item=agenda_item(meeting, item_id))
    return Status(204, None)


# --- invitations and attendance -----------------------------------------------------------------


def _participants(meeting_id: int, **filters) -> list[Participant]:
    return list(
        Participant.objects.filter(meeting_id=meeting_id, **filters)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


@router.get(
    "/meetings/{pk}/participants",
    response={200: list[ParticipantOut], **READ},
    auth=optional_auth,
)
@paginate
def list_participants(request, pk: int):
    """The people invited, their answers and attendance (to the people concerned)."""
    meeting = readable_meeting(request, pk)
    check_internal(request, meeting)
    return list(meeting.participants.all())


@router.post(
    "/meetings/{pk}/participants",
    response={201: list[ParticipantOut], **WRITE},
    auth=token_or_session,
)
def invite(request, pk: int, payload: InviteIn):
    """Invite people (by user id); answers the invitations made, not those already there."""
    meeting = readable_meeting(request, pk)
    ids = list(dict.fromkeys(payload.user_ids))
    users = list(User.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {user.pk for user in users})
    if missing:
        raise ValidationError(
            {
                "user_ids": _("No person has the id %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in missing)}
            }
        )
    with fields_renamed(users="user_ids"):
        created = services.participants_invite(actor=request.auth, meeting=meeting, users=users)
    return Status(201, _participants(meeting.pk, pk__in=[p.pk for p in created]))


@router.post(
    "/meetings/{pk}/participants/me",
    response={200: ParticipantOut, **WRITE},
    auth=token_or_session,
)
def respond(request, pk: int, payload: RespondIn):
    """Accept or decline your invitation (404 if you are not invited)."""
    meeting = readable_meeting(request, pk)
    participant = Participant.objects.filter(meeting=meeting, user=request.auth).first()
    if participant is None:
        raise Http404
    services.participant_respond(
        actor=request.auth, participant=participant, response=payload.response
    )
    return _participants(meeting.pk, pk=participant.pk)[0]


@router.post(
    "/meetings/{pk}/attendance", response={200: ParticipantOut, **WRITE}, auth=token_or_session
)
def record_attendance(request, pk: int, payload: AttendanceIn):
    """Record whether an invited person attended (once the meeting has started)."""
    meeting = readable_meeting(request, pk)
    user = _user(payload.user_id, "user_id")
    with fields_renamed(user="user_id"):
        participant = services.attendance_record(
            actor=request.auth, meeting=meeting, user=user, attended=payload.attended
        )
    return _participants(meeting.pk, pk=participant.pk)[0]


# --- decisions and follow-up tasks --------------------------------------------------------------


@router.post(
    "/meetings/{pk}/decisions", response={201: DecisionOut, **WRITE}, auth=token_or_session
)
def add_decision(request, pk: int, payload: DecisionIn):
    decision = services.decision_add(
        actor=request.auth, meeting=readable_meeting(request, pk), text=payload.text
    )
    return Status(201, decision)


def _tasks():
    return FollowUpTask.objects.select_related("meeting", "assignee")


@router.get("/tasks/mine", response={200: list[TaskOut], 401: ErrorOut}, auth=token_or_session)
@paginate
def my_tasks(request):
    """Your follow-up tasks until they are done, the ones due first first."""
    return selectors.open_tasks_of(request.auth).select_related("assignee")


@router.get("/meetings/{pk}/tasks", response={200: list[TaskOut], **READ}, auth=optional_auth)
@paginate
def list_tasks(request, pk: int):
    """The meeting's follow-up tasks (to the people concerned)."""
    meeting = readable_meeting(request, pk)
    check_internal(request, meeting)
    return list(meeting.tasks.all())


@router.post("/meetings/{pk}/tasks", response={201: TaskOut, **WRITE}, auth=token_or_session)
def create_task(request, pk: int, payload: TaskIn):
    """Give someone invited (or of the meeting's partners) a task, perhaps after a decision."""
    meeting = readable_meeting(request, pk)
    assignee = _user(payload.assignee_id, "assignee_id")
    decision = None
    if payload.decision_id is not None:
        decision = Decision.objects.filter(meeting=meeting, pk=payload.decision_id).first()
        if decision is None:
            raise ValidationError({"decision_id": _("Choose a decision of this meeting.")})
    with fields_renamed(assignee="assignee_id", decision="decision_id"):
        task = services.task_create(
            actor=request.auth,
            meeting=meeting,
            title=payload.title,
            assignee=assignee,
            due_on=payload.due_on,
            decision=decision,
        )
    return Status(201, _tasks().get(pk=task.pk))


@router.patch("/tasks/{pk}", response={200: TaskOut, **WRITE}, auth=token_or_session)
def patch_task(request, pk: int, payload: TaskStatusIn):
    """Move a task along: its assignee, or the meeting's organisers."""
    check_id(pk)
    task = task_detail(pk)
    if task is None:
        raise Http404
    if task.assignee_id != request.auth.pk:
        check_readable(request, task.meeting)
    services.task_set_status(actor=request.auth, task=task, status=payload.status)
    return _tasks().get(pk=pk)
