"""What the training pages share: finding the city or the training with the visitor's right,
the city's time zone, and the reads of the list and detail pages (a fixed number of queries
whatever the number of trainings, enrolments or materials)."""

from contextlib import contextmanager

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Competence, Enrolment, Training
from di4c.core.services import check_view_perm
from di4c.meetings.timezones import time_zone_of_country
from di4c.networks import selectors as network_selectors

VIEW = "capacity.view_capacity"
MANAGE = "capacity.manage_capacity"
ENROL = "capacity.enrol_self"


def organisation_for(request, slug, perm=VIEW):
    organisation = network_selectors.organisation_detail(slug)
    check_view_perm(request, perm, organisation)
    return organisation


def training_for(request, pk, perm=VIEW) -> Training:
    """The training, if the visitor holds `perm` on its city (403 if not)."""
    training = get_object_or_404(Training.objects.select_related("organisation"), pk=pk)
    check_view_perm(request, perm, training.organisation)
    return training


def zone_name_of(organisation) -> str:
    return time_zone_of_country(str(organisation.country))


@contextmanager
def city_time(organisation):
    """Dates typed and shown in the city's local time (a Messina training at 09:00 is at
    09:00 in Messina, whoever reads the page)."""
    with timezone.override(zone_name_of(organisation)):
        yield


def permissions(user, organisation) -> dict:
    can_manage = user.has_perm(MANAGE, organisation)
    can_enrol = user.has_perm(ENROL, organisation)
    return {
        "can_manage": can_manage,
        "can_enrol": can_enrol,
        # Materials are for the city's staff and its organisers, not for every reader.
        "can_download": can_manage or can_enrol,
    }


def _ordered_competences():
    return Competence.objects.select_related("area").order_by("position")


UPCOMING, HELD, CANCELLED = "upcoming", "held", "cancelled"


def trainings_of(organisation, user, *, when: str):
    """The city's trainings to come (soonest first, cancelled ones included and marked, so
    that those enrolled see it), held (started and not cancelled, latest first) or cancelled
    before they could be held (their time has passed; latest first), each with its enrolment
    count and whether `user` is enrolled."""
    now = timezone.now()
    trainings = (
        Training.objects.filter(organisation=organisation)
        .annotate(enrolled=Count("enrolments", distinct=True))
        .annotate(places_left=Greatest(F("capacity") - F("enrolled"), Value(0)))
        .prefetch_related(Prefetch("competences", queryset=_ordered_competences()))
    )
    if user.is_authenticated:
        trainings = trainings.annotate(
            is_mine=Exists(Enrolment.objects.filter(training=OuterRef("pk"), user=user))
        )
    if when == UPCOMING:
        return trainings.filter(starts_at__gt=now).order_by("starts_at", "pk")
    past = trainings.filter(starts_at__lte=now).order_by("-starts_at", "-pk")
    return past.filter(is_cancelled=when == CANCELLED)


def training_counts(organisation) -> dict:
    """The number of trainings under each tab. Held ones are counted as the dashboard does:
    started and not cancelled."""
    now = timezone.now()
    past = Q(starts_at__lte=now)
    return Training.objects.filter(organisation=organisation).aggregate(
        upcoming=Count("pk", filter=Q(starts_at__gt=now)),
        held=Count("pk", filter=past & Q(is_cancelled=False)),
        cancelled=Count("pk", filter=past & Q(is_cancelled=True)),
    )


def training_detail(pk) -> Training:
    return get_object_or_404(
        Training.objects.select_related("organisation").prefetch_related(
            Prefetch("competences", queryset=_ordered_competences()), "materials"
        ),
        pk=pk,
    )


def enrolments_of(training) -> list[Enrolment]:
    return list(training.enrolments.select_related("department").order_by("full_name", "pk"))


def offered_competences(training: Training | None) -> list[Competence]:
    """The current framework's competences, and those a training already addresses (from an
    older framework, if any), so that editing does not silently drop them."""
    framework = current_framework()
    wanted = Q(framework=framework) if framework is not None else Q(pk__in=[])
    if training is not None:
        wanted |= Q(pk__in=training.competences.values("pk"))
    return list(_ordered_competences().filter(wanted).order_by("framework_id", "position"))
