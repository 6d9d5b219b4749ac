"""Who comes to a training: staff enrol themselves (and cancel), the city enrols people by name
or takes them off, and records who attended once the training has started."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.capacity import services
from di4c.capacity.forms.trainings import AttendanceForm, EnrolPersonForm, EnrolSelfForm
from di4c.capacity.models import Enrolment
from di4c.capacity.views.training_common import (
    ENROL,
    MANAGE,
    city_time,
    enrolments_of,
    training_for,
)
from di4c.core.forms import run_service


def _back(training, anchor: str):
    return redirect(f"{training.get_absolute_url()}#{anchor}")


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def training_enrol(request, pk):
    training = training_for(request, pk, ENROL)
    form = EnrolSelfForm(request.POST, organisation=training.organisation)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("department", [])))
        return _back(training, "enrolment")
    try:
        services.enrol_self(
            actor=request.user, training=training, department=form.cleaned_data["department"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("You are enrolled in this training."))
    return _back(training, "enrolment")


@login_required
@require_POST
def training_unenrol(request, pk):
    training = training_for(request, pk)
    enrolment = Enrolment.objects.filter(training=training, user=request.user).first()
    if enrolment is None:
        messages.info(request, _("You are not enrolled in this training."))
        return _back(training, "enrolment")
    try:
        services.enrolment_cancel(actor=request.user, enrolment=enrolment)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your enrolment is cancelled."))
    return _back(training, "enrolment")


@login_required
def enrolment_add(request, pk):
    """The city enrols someone by name (staff without an account, for instance)."""
    training = training_for(request, pk, MANAGE)
    form = EnrolPersonForm(request.POST or None, organisation=training.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enrolment = run_service(
            form,
            lambda: services.enrol_person(
                actor=request.user,
                training=training,
                full_name=data["full_name"],
                email=data["email"],
                department=data["department"],
            ),
        )
        if enrolment is not None:
            messages.success(request, _("%(name)s is enrolled.") % {"name": enrolment.full_name})
            return _back(training, "enrolments")
    with city_time(training.organisation):
        return render(
            request,
            "capacity/training_small_form.html",
            {
                "organisation": training.organisation,
                "training": training,
                "form": form,
                "heading": _("Enrol a person"),
                "submit": _("Enrol"),
            },
        )


@login_required
@require_POST
def enrolment_remove(request, pk, enrolment_pk):
    training = training_for(request, pk, MANAGE)
    enrolment = get_object_or_404(Enrolment, pk=enrolment_pk, training=training)
    enrolment.training = training
    try:
        services.enrolment_cancel(actor=request.user, enrolment=enrolment)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("%(name)s is no longer enrolled.") % {"name": enrolment.full_name}
        )
    return _back(training, "enrolments")


@login_required
def training_attendance(request, pk):
    training = training_for(request, pk, MANAGE)
    form = AttendanceForm(request.POST or None, enrolments=enrolments_of(training))
    if request.method == "POST" and form.is_valid():
        recorded = run_service(
            form,
            lambda: services.attendance_record(
                actor=request.user, training=training, attended=form.attended_ids()
            ),
        )
        if recorded is not None:
            messages.success(
                request,
                _("Attendance is recorded: %(count)s of %(total)s attended.")
                % {"count": recorded, "total": len(form.enrolments)},
            )
            return _back(training, "enrolments")
    with city_time(training.organisation):
        return render(
            request,
            "capacity/training_attendance.html",
            {
                "organisation": training.organisation,
                "training": training,
                "form": form,
                "rows": form.rows(),
                "has_started": training.starts_at <= timezone.now(),
            },
        )
