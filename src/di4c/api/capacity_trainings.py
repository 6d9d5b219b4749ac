"""API of the capacity app's trainings: the sessions a city plans for its staff, enrolment
(staff enrol themselves; the city's editors enrol anyone by name), cancelling, and attendance.

Read through capacity.view_capacity on the city (403 without it); written through
capacity.services, which check capacity.manage_capacity, or capacity.enrol_self for enrolling
oneself. Who is enrolled (names, e-mail addresses) is for the city's editors only. Training
materials (files) are uploaded and read on the training's page only, not through the API."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.capacity_schemas import (
    READ,
    WRITE,
    AttendanceOut,
    EnrolmentOut,
    EnrolPersonIn,
    EnrolSelfIn,
    TrainingAttendanceIn,
    TrainingIn,
    TrainingOut,
    TrainingPatch,
    by_id_in,
    capacity_city,
    check_manager,
    readable_training,
)
from di4c.api.maturity import ErrorOut
from di4c.api.meeting_schemas import aware, zone_named
from di4c.api.plan_schemas import check_id
from di4c.capacity import services
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Competence, Department, Enrolment, Training
from di4c.meetings.timezones import time_zone_of_country

router = Router(tags=["capacity"])

CITY = "/capacity/organisations/{slug}"


def trainings_for(user):
    """Trainings with what TrainingOut reads: counts of enrolments, the competences and the
    reader's own enrolment, in a constant number of queries for any number of trainings."""
    mine = (
        Enrolment.objects.filter(user=user) if user.is_authenticated else Enrolment.objects.none()
    )
    return (
        Training.objects.select_related("organisation")
        .annotate(
            enrolled_count=Count("enrolments", distinct=True),
            attended_count=Count("enrolments", filter=Q(enrolments__attended=True), distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "competences",
                queryset=Competence.objects.select_related("area").order_by("position"),
            ),
            Prefetch("enrolments", queryset=mine, to_attr="mine"),
        )
    )


def _detail(request, pk: int) -> Training:
    return trainings_for(request.user).get(pk=pk)


def _data(organisation, data: dict) -> tuple[dict, list | None]:
    """The input made into what training_save takes: competences by code, the start time
    with the city's time zone."""
    codes = data.pop("competences", None)
    competences = None
    if codes is not None:
        framework = current_framework()
        known = {c.code: c for c in Competence.objects.filter(framework=framework)}
        unknown = [code for code in dict.fromkeys(codes) if code not in known]
        if unknown:
            raise ValidationError(
                {
                    "competences": _("Not a competence of the framework: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                }
            )
        competences = [known[code] for code in dict.fromkeys(codes)]
    if data.get("starts_at") is not None:
        zone = zone_named(time_zone_of_country(organisation.country.code))
        data["starts_at"] = aware(data["starts_at"], zone, "starts_at")
    return data, competences


def _departments(training: Training):
    return Department.objects.filter(organisation_id=training.organisation_id)


def _manageable(request, pk: int) -> Training:
    training = readable_training(request, pk)
    check_manager(request, training.organisation)
    return training


# --- trainings ----------------------------------------------------------------------------------


@router.get(CITY + "/trainings", response={200: list[TrainingOut], **READ}, auth=token_or_session)
@paginate
def list_trainings(request, slug: str, when: Literal["upcoming", "past"] | None = None):
    """The city's trainings, the latest first; `when=upcoming`: only those to come, the soonest
    first; `when=past`: only those that have started."""
    organisation = capacity_city(request, slug)
    trainings = trainings_for(request.user).filter(organisation=organisation)
    now = timezone.now()
    if when == "upcoming":
        return trainings.filter(starts_at__gt=now).order_by("starts_at", "pk")
    if when == "past":
        trainings = trainings.filter(starts_at__lte=now)
    return trainings.order_by("-starts_at", "-pk")


@router.post(CITY + "/trainings", response={201: TrainingOut, **WRITE}, auth=token_or_session)
def create_training(request, slug: str, payload: TrainingIn):
    """Plan a training: its topic, the competences it addresses (codes), trainer, start, length,
    place or online link, and the places."""
    organisation = capacity_city(request, slug)
    check_manager(request, organisation)
    data, competences = _data(organisation, payload.dict())
    training = services.training_save(
        actor=request.auth, organisation=organisation, data=data, competences=competences
    )
    return Status(201, _detail(request, training.pk))


@router.get("/capacity/trainings/{pk}", response={200: TrainingOut, **READ}, auth=token_or_session)
def get_training(request, pk: int):
    """A training with its places and enrolment counts. Its materials (files) are on the
    training's page only, not in the API."""
    readable_training(request, pk)
    return _detail(request, pk)


@router.patch(
    "/capacity/trainings/{pk}", response={200: TrainingOut, **WRITE}, auth=token_or_session
)
def patch_training(request, pk: int, payload: TrainingPatch):
    """Change the fields given (`competences` replaces them). A cancelled training no longer
    changes; the places cannot drop below the people enrolled."""
    training = _manageable(request, pk)
    data, competences = _data(training.organisation, payload.dict(exclude_unset=True))
    services.training_save(
        actor=request.auth,
        organisation=training.organisation,
        data=data,
        competences=competences,
        training=training,
    )
    return _detail(request, pk)


@router.post(
    "/capacity/trainings/{pk}/cancel", response={200: TrainingOut, **WRITE}, auth=token_or_session
)
def cancel_training(request, pk: int):
    """Cancel a training that has not taken place."""
    services.training_cancel(actor=request.auth, training=_manageable(request, pk))
    return _detail(request, pk)


# --- enrolment and attendance -------------------------------------------------------------------


@router.get(
    "/capacity/trainings/{pk}/enrolments",
    response={200: list[EnrolmentOut], **READ},
    auth=token_or_session,
)
@paginate
def list_enrolments(request, pk: int):
    """Who is enrolled, by name (the city's editors only)."""
    training = _manageable(request, pk)
    return training.enrolments.select_related("department").order_by("full_name", "pk")


@router.post(
    "/capacity/trainings/{pk}/enrolments",
    response={201: EnrolmentOut, **WRITE},
    auth=token_or_session,
)
def enrol_person(request, pk: int, payload: EnrolPersonIn):
    """Enrol someone by name (the city's editors): refused (422) once the training is full,
    has started or is cancelled, and for a person enrolled already."""
    training = _manageable(request, pk)
    enrolment = services.enrol_person(
        actor=request.auth,
        training=training,
        full_name=payload.full_name,
        email=payload.email,
        department=by_id_in(_departments(training), payload.department_id, "department_id"),
    )
    return Status(201, enrolment)


@router.post(
    "/capacity/trainings/{pk}/enrol", response={201: EnrolmentOut, **WRITE}, auth=token_or_session
)
def enrol_self(request, pk: int, payload: EnrolSelfIn):
    """Enrol yourself (the city's staff), with your department if you wish."""
    training = readable_training(request, pk)
    enrolment = services.enrol_self(
        actor=request.auth,
        training=training,
        department=by_id_in(_departments(training), payload.department_id, "department_id"),
    )
    return Status(201, enrolment)


@router.delete(
    "/capacity/enrolments/{pk}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=token_or_session,
)
def cancel_enrolment(request, pk: int):
    """Cancel an enrolment: your own until the training starts, anyone's for the city's
    editors."""
    check_id(pk)
    enrolment = Enrolment.objects.select_related("training__organisation").filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    if enrolment.user_id != request.auth.pk:
        readable_training(request, enrolment.training_id)  # 403 outside the city
    services.enrolment_cancel(actor=request.auth, enrolment=enrolment)
    return Status(204, None)


@router.put(
    "/capacity/trainings/{pk}/attendance",
    response={200: AttendanceOut, **WRITE},
    auth=token_or_session,
)
def record_attendance(request, pk: int, payload: TrainingAttendanceIn):
    """Who attended: the enrolments listed were present, every other one absent (once the
    training has started)."""
    training = _manageable(request, pk)
    attended = services.attendance_record(
        actor=request.auth, training=training, attended=payload.attended
    )
    total = training.enrolments.count()
    return {"attended": attended, "absent": total - attended}
