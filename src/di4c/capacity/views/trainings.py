"""Training pages: a city's list (to come / held), a training's page, its form, and its
cancellation. Enrolment and attendance are in training_people.py, materials in
training_materials.py. Times are the city's local times (training_common.city_time)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.capacity import services
from di4c.capacity.forms.trainings import EnrolPersonForm, EnrolSelfForm, TrainingForm
from di4c.capacity.models import Enrolment
from di4c.capacity.views.training_common import (
    CANCELLED,
    HELD,
    MANAGE,
    UPCOMING,
    city_time,
    enrolments_of,
    offered_competences,
    organisation_for,
    permissions,
    training_counts,
    training_detail,
    training_for,
    trainings_of,
    zone_name_of,
)
from di4c.core.forms import run_service
from di4c.core.services import check_view_perm

PER_PAGE = 50
NEW_TRAINING_DEFAULTS = {"capacity": 20, "duration_hours": 2}


@login_required
def training_list(request, slug):
    organisation = organisation_for(request, slug)
    when = request.GET.get("when")
    if when not in (HELD, CANCELLED):
        when = UPCOMING
    trainings = trainings_of(organisation, request.user, when=when)
    page = Paginator(trainings, PER_PAGE).get_page(request.GET.get("page"))
    with city_time(organisation):
        return render(
            request,
            "capacity/training_list.html",
            {
                "organisation": organisation,
                "when": when,
                "page": page,
                "counts": training_counts(organisation),
                "zone_name": zone_name_of(organisation),
                **permissions(request.user, organisation),
            },
        )


def _state(training, enrolled: int) -> dict:
    """What can happen to the training now, as its page says it."""
    started = training.starts_at <= timezone.now()
    full = enrolled >= training.capacity
    return {
        "enrolled": enrolled,
        "places_left": max(training.capacity - enrolled, 0),
        "has_started": started,
        "is_full": full,
        "enrolment_open": not training.is_cancelled and not started and not full,
        "ends_at": training.starts_at + dt.timedelta(hours=float(training.duration_hours)),
    }


@login_required
def training_page(request, pk):
    training = training_detail(pk)
    organisation = training.organisation
    check_view_perm(request, "capacity.view_capacity", organisation)
    rights = permissions(request.user, organisation)
    enrolments = enrolments_of(training) if rights["can_manage"] else []
    enrolled = len(enrolments) if rights["can_manage"] else training.enrolments.count()
    mine = Enrolment.objects.filter(training=training, user=request.user).first()
    context = {
        "organisation": organisation,
        "training": training,
        "competences": list(training.competences.all()),
        "materials": list(training.materials.all()),
        "enrolments": enrolments,
        "attendance_recorded": any(e.attended is not None for e in enrolments),
        "attended_count": sum(1 for e in enrolments if e.attended),
        "my_enrolment": mine,
        "zone_name": zone_name_of(organisation),
        **rights,
        **_state(training, enrolled),
    }
    if rights["can_enrol"] and mine is None:
        context["enrol_form"] = EnrolSelfForm(organisation=organisation)
    if rights["can_manage"]:
        context["person_form"] = EnrolPersonForm(organisation=organisation)
    with city_time(organisation):
        return render(request, "capacity/training_detail.html", context)


def _training_form(request, organisation, training=None):
    zone = zone_name_of(organisation)
    initial = (
        TrainingForm.initial_from(training, zone) if training is not None else NEW_TRAINING_DEFAULTS
    )
    form = TrainingForm(
        request.POST or None,
        initial=initial,
        competences=offered_competences(training),
        zone_name=zone,
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.training_save(
                actor=request.user,
                organisation=organisation,
                data=form.training_data(),
                competences=form.chosen_competences(),
                training=training,
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("The training is saved.") if training else _("The training is planned."),
            )
            return redirect(saved.get_absolute_url())
    with city_time(organisation):
        return render(
            request,
            "capacity/training_form.html",
            {
                "organisation": organisation,
                "training": training,
                "form": form,
                "competence_groups": form.competence_groups(),
                "zone_name": zone,
            },
        )


@login_required
def training_new(request, slug):
    organisation = organisation_for(request, slug, MANAGE)
    return _training_form(request, organisation)


@login_required
def training_edit(request, pk):
    training = training_for(request, pk, MANAGE)
    return _training_form(request, training.organisation, training)


@login_required
def training_cancel(request, pk):
    training = training_for(request, pk, MANAGE)
    if request.method == "POST":
        try:
            services.training_cancel(actor=request.user, training=training)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The training is cancelled."))
        return redirect(training.get_absolute_url())
    with city_time(training.organisation):
        return render(
            request,
            "capacity/training_cancel.html",
            {
                "organisation": training.organisation,
                "training": training,
                "enrolled": training.enrolments.count(),
            },
        )
