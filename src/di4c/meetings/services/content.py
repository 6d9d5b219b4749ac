"""The agenda, decisions and follow-up tasks of a meeting, and its theme."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from di4c.core.services import assign_fields, require_perm, validated_save
from di4c.meetings.models import (
    THEMED_KINDS,
    AgendaItem,
    Decision,
    FollowUpTask,
    Meeting,
    TaskStatus,
)
from di4c.meetings.selectors import invitable_people, partners_on
from di4c.meetings.services.meetings import check_not_cancelled

SLOT = dt.timedelta(minutes=30)
AGENDA_FIELDS = ("starts_at", "title", "description", "speakers", "position")


def _check_agenda_time(meeting: Meeting, item: AgendaItem) -> None:
    if item.starts_at is None:
        return
    if not (meeting.starts_at <= item.starts_at <= meeting.ends_at):
        raise ValidationError(
            {"starts_at": _("The item's time must fall within the meeting's start and end.")}
        )


def _check_speaker_organisations(meeting: Meeting, organisations) -> None:
    allowed = set(partners_on(meeting).values_list("pk", flat=True))
    strangers = [str(org) for org in organisations if org.pk not in allowed]
    if strangers:
        raise ValidationError(
            {
                "speaker_organisations": _(
                    "%(names)s is not a partner of the network on the meeting's dates."
                )
                % {"names": ", ".join(strangers)}
            }
        )


def _check_documents(meeting: Meeting, documents) -> None:
    if any(document.meeting_id != meeting.pk for document in documents):
        raise ValidationError({"documents": _("Link documents of this meeting only.")})


@transaction.atomic
def agenda_item_add(
    *, actor, meeting: Meeting, data: dict, speaker_organisations=(), documents=()
) -> AgendaItem:
    require_perm(actor, "meetings.change_meeting", meeting)
    check_not_cancelled(meeting)
    item = AgendaItem(meeting=meeting)
    data = dict(data)
    if "position" not in data:
        data["position"] = meeting.agenda_items.count() + 1
    assign_fields(item, data, AGENDA_FIELDS)
    _check_agenda_time(meeting, item)
    _check_speaker_organisations(meeting, speaker_organisations)
    _check_documents(meeting, documents)
    validated_save(item, actor=actor)
    item.speaker_organisations.set(speaker_organisations)
    item.documents.set(documents)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor, item: AgendaItem, data: dict, speaker_organisations=None, documents=None
) -> AgendaItem:
    meeting = item.meeting
    require_perm(actor, "meetings.change_meeting", meeting)
    check_not_cancelled(meeting)
    assign_fields(item, data, AGENDA_FIELDS)
    _check_agenda_time(meeting, item)
    if speaker_organisations is not None:
        _check_speaker_organisations(meeting, speaker_organisations)
    if documents is not None:
        _check_documents(meeting, documents)
    validated_save(item, actor=actor)
    if speaker_organisations is not None:
        item.speaker_organisations.set(speaker_organisations)
    if documents is not None:
        item.documents.set(documents)
    return item


@transaction.atomic
def agenda_item_delete(*, actor, item: AgendaItem) -> None:
    require_perm(actor, "meetings.change_meeting", item.meeting)
    check_not_cancelled(item.meeting)
    item.delete()


@transaction.atomic
def decision_add(*, actor, meeting: Meeting, text: str) -> Decision:
    require_perm(actor, "meetings.change_meeting", meeting)
    check_not_cancelled(meeting)
    decision = Decision(meeting=meeting, text=(text or "").strip())
    decision.position = meeting.decisions.count() + 1
    validated_save(decision, actor=actor)
    return decision


@transaction.atomic
def decision_delete(*, actor, decision: Decision) -> None:
    require_perm(actor, "meetings.change_meeting", decision.meeting)
    check_not_cancelled(decision.meeting)
    decision.delete()


@transaction.atomic
def task_create(
    *, actor, meeting: Meeting, title: str, assignee, due_on=None, decision=None
) -> FollowUpTask:
    """A follow-up task; it shows on the assignee's page until it is done."""
    require_perm(actor, "meetings.manage_tasks", meeting)
    check_not_cancelled(meeting)
    if assignee is None:
        raise ValidationError({"assignee": _("Choose who will do it.")})
    allowed = {person.pk for person in invitable_people(meeting)}
    allowed |= set(meeting.participants.values_list("user_id", flat=True))
    if assignee.pk not in allowed:
        raise ValidationError(
            {
                "assignee": _(
                    "The person chosen is neither invited to this meeting nor a member of one of "
                    "its partners."
                )
            }
        )
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ValidationError({"decision": _("Choose a decision of this meeting.")})
    task = FollowUpTask(
        meeting=meeting,
        title=(title or "").strip(),
        assignee=assignee,
        due_on=due_on,
        decision=decision,
        created_by=actor,
    )
    validated_save(task, actor=actor)
    return task


@transaction.atomic
def task_set_status(*, actor, task: FollowUpTask, status: str) -> FollowUpTask:
    """The assignee moves their task along; the meeting's organisers may too."""
    task = FollowUpTask.objects.select_for_update().select_related("meeting").get(pk=task.pk)
    is_assignee = actor is not None and actor.is_authenticated and actor.pk == task.assignee_id
    if not is_assignee and not actor.has_perm("meetings.manage_tasks", task.meeting):
        raise PermissionDenied(_("You do not have permission to do this."))
    if status not in TaskStatus.values:
        raise ValidationError(
            {"status": _("Choose one of: %(values)s.") % {"values": ", ".join(TaskStatus.values)}}
        )
    task.status = status
    task.done_at = timezone.now() if status == TaskStatus.DONE else None
    validated_save(task, actor=actor)
    return task


@transaction.atomic
def meeting_theme_from_weak_spot(
    *, actor, meeting: Meeting, dimension_code: str, speakers: int = 3
) -> list[AgendaItem]:
    """Take the meeting's theme from one of the network's common weak spots and prefill the
    agenda with the partners strongest on it presenting how they do it."""
    from di4c.meetings.themes import theme_suggestions

    require_perm(actor, "meetings.change_meeting", meeting)
    check_not_cancelled(meeting)
    if meeting.kind not in THEMED_KINDS:
        raise ValidationError(
            {"kind": _("Only transnational, thematic and online meetings take a theme.")}
        )
    language = (meeting.network.languages or ["en"])[0]
    # Written in the network's working language, whoever clicks: partners read it together.
    with translation.override(language):
        suggestion = next(
            (s for s in theme_suggestions(meeting.network, limit=None) if s.code == dimension_code),
            None,
        )
        if suggestion is None:
            raise ValidationError(
                {"dimension_code": _("This is not a maturity dimension assessed in the network.")}
            )
        meeting.theme = suggestion.name[:200]
        meeting.theme_dimension_code = suggestion.code
        validated_save(meeting, actor=actor, reason="theme from weak spot")
        existing = list(meeting.agenda_items.prefetch_related("speaker_organisations"))
        presenting = {org.pk for item in existing for org in item.speaker_organisations.all()}
        allowed = set(partners_on(meeting).values_list("pk", flat=True))
        # The presentations follow the last timed item, 30 minutes each.
        timed = [item.starts_at for item in existing if item.starts_at is not None]
        next_time = max(timed) + SLOT if timed else None
        items = []
        position = len(existing)
        strongest = [
            org for org in suggestion.strongest if org.pk in allowed and org.pk not in presenting
        ]
        for strong in strongest[:speakers]:
            position += 1
            if next_time is not None and next_time > meeting.ends_at:
                next_time = None
            item = AgendaItem(
                meeting=meeting,
                position=position,
                starts_at=next_time,
                title=(
                    _("How %(city)s works on “%(theme)s”")
                    % {"city": strong.display_name, "theme": suggestion.name}
                )[:200],
                speakers=str(strong.display_name),
            )
            validated_save(item, actor=actor)
            item.speaker_organisations.set([strong])
            items.append(item)
            if next_time is not None:
                next_time += SLOT
    return items
