"""The parts of a meeting its organisers edit: agenda, invitations and attendance, minutes and
decisions, follow-up tasks."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import run_service
from di4c.meetings import selectors, services
from di4c.meetings.forms import (
    AgendaItemForm,
    DecisionForm,
    InviteForm,
    MinutesForm,
    TaskForm,
    TaskStatusForm,
)
from di4c.meetings.models import AgendaItem, CalendarFeed, Decision, FollowUpTask, TaskStatus
from di4c.meetings.views.common import readable_meeting

User = get_user_model()
UPCOMING_SHOWN = 20


@login_required
def agenda_item_edit(request, pk, item_pk=None):
    meeting = readable_meeting(request, pk, "meetings.change_meeting")
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting) if item_pk else None
    if item is not None and request.method == "POST" and request.POST.get("delete"):
        try:
            services.agenda_item_delete(actor=request.user, item=item)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The agenda item is removed."))
        return redirect(meeting)
    initial = {}
    if item is not None:
        local = item.local_starts_at
        initial = {
            "day": local.date().isoformat() if local else "",
            "time": local.time() if local else None,
            "title": item.title,
            "speakers": item.speakers,
            "description": item.description,
            "speaker_organisations": list(item.speaker_organisations.all()),
            "documents": list(item.documents.all()),
        }
    form = AgendaItemForm(
        request.POST or None,
        meeting=meeting,
        partners=selectors.partners_on(meeting).order_by("name"),
        initial=initial or None,
    )
    if request.method == "POST" and form.is_valid():
        organisations = list(form.cleaned_data["speaker_organisations"])
        documents = list(form.cleaned_data["documents"])
        if item is None:
            saved = run_service(
                form,
                lambda: services.agenda_item_add(
                    actor=request.user,
                    meeting=meeting,
                    data=form.item_data(),
                    speaker_organisations=organisations,
                    documents=documents,
                ),
            )
        else:
            saved = run_service(
                form,
                lambda: services.agenda_item_update(
                    actor=request.user,
                    item=item,
                    data=form.item_data(),
                    speaker_organisations=organisations,
                    documents=documents,
                ),
            )
        if saved is not None:
            messages.success(request, _("The agenda is saved."))
            return redirect(f"{meeting.get_absolute_url()}#agenda")
    return render(
        request,
        "meetings/simple_form.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": _("Agenda item") if item else _("New agenda item"),
            "submit": _("Save"),
            "delete_label": _("Remove this item") if item else "",
        },
    )


@login_required
def participants(request, pk):
    """Invite people and, once the meeting has started, record who attended."""
    meeting = readable_meeting(request, pk, "meetings.invite_to_meeting")
    invited = {
        p.user_id: p
        for p in meeting.participants.select_related("user", "organisation").order_by(
            "organisation__name", "user__full_name"
        )
    }
    people = [person for person in selectors.invitable_people(meeting) if person.pk not in invited]
    form = InviteForm(request.POST or None, people=people)
    if request.method == "POST" and "invite" in request.POST and form.is_valid():
        users = list(User.objects.filter(pk__in=form.cleaned_data["users"]))
        created = run_service(
            form,
            lambda: services.participants_invite(actor=request.user, meeting=meeting, users=users),
        )
        if created is not None:
            messages.success(
                request,
                _("%(count)s invitations sent, each with the calendar entry.")
                % {"count": len(created)},
            )
            return redirect("meetings:participants", meeting.pk)
    attendance_error = None
    if request.method == "POST" and "attendance" in request.POST:
        answers = {
            participant.user: request.POST.get(f"attended_{participant.user_id}") == "yes"
            for participant in invited.values()
            if request.POST.get(f"attended_{participant.user_id}") in ("yes", "no")
        }
        try:
            services.attendance_record_many(actor=request.user, meeting=meeting, attended=answers)
        except ValidationError as error:
            attendance_error = " ".join(error.messages)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("meetings:participants", meeting.pk)
    return render(
        request,
        "meetings/participants.html",
        {
            "meeting": meeting,
            "form": form,
            "participants": list(invited.values()),
            "attendance_error": attendance_error,
            "has_started": meeting.starts_at <= timezone.now(),
        },
    )


@login_required
def minutes(request, pk):
    """Minutes (Markdown), the public outcome, decisions and their follow-up tasks."""
    meeting = readable_meeting(request, pk, "meetings.change_meeting")
    minutes_form = MinutesForm(
        request.POST if "save_minutes" in request.POST else None,
        initial={"minutes": meeting.minutes, "outcome": meeting.outcome},
    )
    decision_form = DecisionForm(request.POST if "add_decision" in request.POST else None)
    decisions = list(meeting.decisions.all())
    people = selectors.invitable_people(meeting)
    task_form = TaskForm(
        request.POST if "add_task" in request.POST else None,
        people=people,
        decisions=decisions,
    )
    if request.method == "POST":
        saved = None
        if "save_minutes" in request.POST and minutes_form.is_valid():
            saved = run_service(
                minutes_form,
                lambda: services.meeting_update(
                    actor=request.user, meeting=meeting, data=minutes_form.cleaned_data
                ),
            )
        elif "add_decision" in request.POST and decision_form.is_valid():
            saved = run_service(
                decision_form,
                lambda: services.decision_add(
                    actor=request.user, meeting=meeting, text=decision_form.cleaned_data["text"]
                ),
            )
        elif "add_task" in request.POST and task_form.is_valid():
            data = task_form.cleaned_data
            decision = next((d for d in decisions if d.pk == data["decision"]), None)
            saved = run_service(
                task_form,
                lambda: services.task_create(
                    actor=request.user,
                    meeting=meeting,
                    title=data["title"],
                    assignee=User.objects.filter(pk=data["assignee"]).first(),
                    due_on=data["due_on"],
                    decision=decision,
                ),
            )
        elif "delete_decision" in request.POST:
            decision_id = request.POST.get("delete_decision", "")
            decision = get_object_or_404(
                Decision, pk=int(decision_id) if decision_id.isdigit() else 0, meeting=meeting
            )
            try:
                services.decision_delete(actor=request.user, decision=decision)
            except ValidationError as error:
                decision_form.add_error(None, error)
            else:
                saved = True
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("meetings:minutes", meeting.pk)
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "minutes_form": minutes_form,
            "decision_form": decision_form,
            "task_form": task_form,
            "decisions": decisions,
            "tasks": list(meeting.tasks.select_related("assignee", "decision")),
            "task_statuses": TaskStatus.choices,
        },
    )


@login_required
@require_POST
def task_status(request, task_pk):
    task = get_object_or_404(FollowUpTask.objects.select_related("meeting"), pk=task_pk)
    if not (
        task.assignee_id == request.user.pk
        or request.user.has_perm("meetings.manage_tasks", task.meeting)
    ):
        raise PermissionDenied
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        services.task_set_status(actor=request.user, task=task, status=form.cleaned_data["status"])
        messages.success(request, _("The task is updated."))
    else:
        messages.error(request, _("Choose a status."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = task.meeting.get_absolute_url()
    return redirect(target)


@login_required
def my_meetings(request):
    """A person's upcoming invitations and open follow-up tasks, and their calendar address."""
    return render(
        request,
        "meetings/my_meetings.html",
        {
            # The next ones; the calendar address carries them all.
            "invitations": list(selectors.upcoming_invitations_of(request.user)[:UPCOMING_SHOWN]),
            "tasks": list(selectors.open_tasks_of(request.user)),
            "task_statuses": TaskStatus.choices,
            "feed": CalendarFeed.objects.filter(user=request.user, network=None).first(),
        },
    )
