"""Schemas of the capacity API (what it answers, what it takes) and the helpers its two modules
(capacity, capacity_trainings) share: the city, round and training read through
capacity.view_capacity (403 without it, 404 if there is no such thing), the reader's language,
and 422 answers whose field errors point inside the body (["body", "levels", "1.1"])."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from di4c.api.engagement_schemas import readable_city
from di4c.api.maturity import ErrorOut
from di4c.api.plan_schemas import Id, In, check_id, query_error
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import BANDS, LEVEL_MAX, LEVEL_MIN, Round, SkillsFramework, Training
from di4c.capacity.services.rounds import MAX_LINKS_AT_ONCE
from di4c.networks.models import Organisation

LEVELS = f"a whole number from {LEVEL_MIN} to {LEVEL_MAX}"
READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = READ

# --- lookups: everything is read through capacity.view_capacity on the city ---------------------


def _check_readable(request, organisation: Organisation) -> None:
    # The city's workspace is its members' and its networks' staff's: others are told so (403),
    # as on the pages, for the city is public and its having a workspace is no secret.
    if not request.user.has_perm("capacity.view_capacity", organisation):
        raise PermissionDenied(_("Only the city's staff and its networks see its capacity data."))


def check_manager(request, organisation: Organisation) -> None:
    if not request.user.has_perm("capacity.manage_capacity", organisation):
        raise PermissionDenied(_("You do not have permission to do this."))


def capacity_city(request, slug: str) -> Organisation:
    organisation = readable_city(slug)
    _check_readable(request, organisation)
    return organisation


def readable_round(request, pk: int) -> Round:
    check_id(pk)
    round_ = (
        Round.objects.select_related("organisation", "framework")
        .prefetch_related("organisation__partnerships", "areas")
        .filter(pk=pk)
        .first()
    )
    if round_ is None:
        raise Http404
    _check_readable(request, round_.organisation)
    return round_


def readable_training(request, pk: int) -> Training:
    check_id(pk)
    training = (
        Training.objects.select_related("organisation")
        .prefetch_related("organisation__partnerships")
        .filter(pk=pk)
        .first()
    )
    if training is None:
        raise Http404
    _check_readable(request, training.organisation)
    return training


def by_id_in(queryset, pk: int | None, field: str):
    """A department (or other thing of the city) the client names by id, or a field error."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: _("The city has nothing with the id %(id)s.") % {"id": pk}})
    return obj


def page_url(obj) -> str | None:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the pages are not wired (yet)
        return None


# --- language and errors ------------------------------------------------------------------------


@contextmanager
def reader_language(lang: str | None) -> Iterator[None]:
    """Names and descriptors in `?lang=` if given, else in the request's language
    (Accept-Language, read by the locale middleware)."""
    if lang is None:
        yield
        return
    if lang not in dict(settings.LANGUAGES):
        codes = ", ".join(code for code, _name in settings.LANGUAGES)
        query_error("lang", _("Choose a language among: %(codes)s.") % {"codes": codes})
    with translation.override(lang):
        yield


def nested_errors(error: ValidationError, locate: Callable[[str], list]) -> Status:
    """A 422 whose field errors say where in the body: `locate` turns a service's error key
    into the path under "body"."""
    messages = error.message_dict if hasattr(error, "error_dict") else {}
    if not messages:
        messages = {NON_FIELD_ERRORS: error.messages}
    detail = [
        {
            "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", *locate(field)],
            "msg": message,
            "type": "value_error",
        }
        for field, field_messages in messages.items()
        for message in field_messages
    ]
    return Status(422, {"detail": detail})


def number(value) -> float | None:
    return float(value) if value is not None else None


def bands() -> list[dict]:
    """DigComp's four bands of two levels, named in the reader's language."""
    return [
        {"code": code, "name": str(name), "levels": list(levels)} for code, name, levels in BANDS
    ]


def framework_named(code: str | None, version: int | None) -> SkillsFramework:
    """The framework a client names (the newest version if none), the current one by default."""
    if code is None and version is None:
        framework = current_framework()
    else:
        frameworks = SkillsFramework.objects.filter(code=(code or "")[:60])
        if version is not None:
            frameworks = frameworks.filter(version=version)
        framework = frameworks.order_by("-version").first()
    if framework is None:
        raise ValidationError({"framework": _("No such framework or version.")})
    return framework


def competence_ref(competence) -> dict:
    """A competence named in the reader's language (its area read with it)."""
    return {"code": competence.code, "name": competence.display_name, "area": competence.area.code}


# --- the framework ------------------------------------------------------------------------------


class FrameworkRefOut(Schema):
    code: str
    version: int


class FrameworkSummaryOut(FrameworkRefOut):
    name: str
    description: str
    loaded_at: dt.datetime


class BandOut(Schema):
    code: str
    name: str
    levels: list[int]


class LevelOut(Schema):
    level: int
    band: str = Field(..., description="The band's name in the reader's language")
    descriptor: str = Field(..., description="What a person at this level can do")


class CompetenceOut(Schema):
    code: str
    name: str
    summary: str
    levels: list[LevelOut] = Field(..., description="The eight levels, 1 first")


class AreaOut(Schema):
    code: str
    kind: str = Field(..., description="digcomp or public_administration")
    name: str
    competences: list[CompetenceOut]


class SuggestedRoleOut(Schema):
    code: str
    name: str
    targets: dict[str, int] = Field(..., description="Target level by competence code")


class SkillsFrameworkOut(FrameworkSummaryOut):
    language: str = Field(..., description="The language of the names and descriptors")
    bands: list[BandOut]
    areas: list[AreaOut]
    suggested_roles: list[SuggestedRoleOut]


class CompetenceRefOut(Schema):
    code: str
    name: str
    area: str


# --- the city's setup ---------------------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    name: str
    staff_count: int | None = Field(..., description="The headcount, for the share assessed")


class DepartmentIn(In):
    name: str = Field(..., max_length=150)
    staff_count: int | None = Field(None, ge=0, le=100_000)


class DepartmentPatch(In):
    name: str | None = Field(None, max_length=150)
    staff_count: int | None = Field(None, ge=0, le=100_000, description="null: unknown")


class RoleOut(Schema):
    id: int
    code: str
    name: str
    position: int


class RoleIn(In):
    code: str = Field(..., max_length=40, description="Lower-case letters, digits, - and _")
    name: str = Field(..., max_length=120)
    position: int = Field(0, ge=0, le=32767)


class RolePatch(In):
    code: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=120)
    position: int | None = Field(None, ge=0, le=32767)


class TargetsOut(Schema):
    framework: FrameworkRefOut
    roles: list[RoleOut]
    competences: list[CompetenceRefOut]
    targets: dict[str, dict[str, int]] = Field(
        ..., description="{role code: {competence code: level}}; a missing cell has no target"
    )
    changed: int | None = Field(None, description="After a PUT: how many cells changed")


# --- rounds -------------------------------------------------------------------------------------


class RoundUrlsOut(Schema):
    page: str | None = Field(None, description="The round's page (null if there is none)")


class RoundOut(Schema):
    id: int
    organisation: str = Field(..., description="The city's slug")
    framework: FrameworkRefOut
    title: str
    areas: list[str] = Field(..., description="Codes of the areas asked about; empty: all")
    opens_on: dt.date
    closes_on: dt.date
    access: str = Field(..., description="links (single-use links) or accounts (staff sign in)")
    status: str = Field(..., description="draft, open or closed")
    closed_at: dt.datetime | None
    is_accepting: bool = Field(..., description="Open and within its dates: answers are taken")
    urls: RoundUrlsOut

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug

    @staticmethod
    def resolve_areas(obj):
        return sorted((area.code for area in obj.areas.all()), key=lambda code: (len(code), code))

    @staticmethod
    def resolve_urls(obj):
        return {"page": page_url(obj)}


ACCESS = "links (default) or accounts; fixed once someone has answered"


class RoundIn(In):
    title: str = Field(..., max_length=200)
    opens_on: dt.date
    closes_on: dt.date
    access: str = Field("links", description=ACCESS)
    areas: list[Annotated[str, Field(max_length=10)]] | None = Field(
        None, max_length=50, description="Area codes to ask about; omitted or empty: all"
    )
    framework: str | None = Field(None, max_length=60, description="Default: the newest")
    version: int | None = Field(None, ge=1, le=2**31 - 1)


class RoundPatch(In):
    title: str | None = Field(None, max_length=200)
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    access: str | None = Field(None, description=ACCESS)
    areas: list[Annotated[str, Field(max_length=10)]] | None = Field(
        None, max_length=50, description="Replaces them; fixed once someone has answered"
    )


class LinksIn(In):
    department_id: Id
    count: int = Field(..., ge=1, le=MAX_LINKS_AT_ONCE)


class LinkOut(Schema):
    token: str = Field(..., description="The secret: shown now and never again")
    url: str | None = Field(..., description="The address to hand out (null if no page yet)")


class LinksOut(Schema):
    round: int
    department_id: int
    department: str
    links: list[LinkOut]


class DepartmentParticipationOut(Schema):
    id: int
    name: str
    answered: int = Field(..., description="People who have answered")
    links: int | None = Field(..., description="Links handed out (rounds answered by link)")


class ParticipationOut(Schema):
    round: int
    status: str
    shown: bool
    reason: str
    answered: int | None
    departments: list[DepartmentParticipationOut]


class SelfAssessmentIn(In):
    token: str | None = Field(
        None, max_length=100, description="Rounds answered by link: the link's secret"
    )
    round_id: Id | None = Field(None, description="Rounds answered by signing in")
    department_id: Id | None = Field(None, description="Signed in: your department")
    role: str = Field(..., max_length=40, description="Your role's code")
    levels: dict[str, Any] = Field(
        ...,
        max_length=200,
        description=f"Your level by competence code, each {LEVELS}; every competence asked",
    )


class SubmittedOut(Schema):
    detail: str


# --- trainings ----------------------------------------------------------------------------------


class TrainingOut(Schema):
    id: int
    organisation: str = Field(..., description="The city's slug")
    topic: str
    description: str
    competences: list[CompetenceRefOut]
    trainer: str
    starts_at: dt.datetime
    duration_hours: float
    place: str
    is_online: bool
    online_url: str
    capacity: int
    is_cancelled: bool
    has_taken_place: bool
    enrolled: int
    attended: int = Field(..., description="Recorded as present")
    places_left: int
    my_enrolment: int | None = Field(..., description="The reader's own enrolment, if any")
    urls: RoundUrlsOut

    # Read from a queryset annotated and prefetched by capacity_trainings.trainings_for.
    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug

    @staticmethod
    def resolve_competences(obj):
        return [competence_ref(competence) for competence in obj.competences.all()]

    @staticmethod
    def resolve_duration_hours(obj):
        return float(obj.duration_hours)

    @staticmethod
    def resolve_enrolled(obj):
        return obj.enrolled_count

    @staticmethod
    def resolve_attended(obj):
        return obj.attended_count

    @staticmethod
    def resolve_places_left(obj):
        return max(obj.capacity - obj.enrolled_count, 0)

    @staticmethod
    def resolve_my_enrolment(obj):
        return obj.mine[0].pk if obj.mine else None

    @staticmethod
    def resolve_urls(obj):
        return {"page": page_url(obj)}


NAIVE = "A time without an offset is read in the city's time zone"
Hours = Annotated[Decimal, Field(ge=Decimal("0.5"), le=200, max_digits=5, decimal_places=1)]
Codes = list[Annotated[str, Field(max_length=10)]]


class TrainingIn(In):
    topic: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    competences: Codes = Field(..., max_length=100, description="Competence codes, at least one")
    trainer: str = Field("", max_length=200)
    starts_at: dt.datetime = Field(..., description=NAIVE)
    duration_hours: Hours
    place: str = Field("", max_length=300, description="Needed unless online")
    is_online: bool = False
    online_url: str = Field("", max_length=500)
    capacity: int = Field(..., ge=1, le=10_000, description="Places")


class TrainingPatch(In):
    topic: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    competences: Codes | None = Field(None, max_length=100, description="Replaces them")
    trainer: str | None = Field(None, max_length=200)
    starts_at: dt.datetime | None = Field(None, description=NAIVE)
    duration_hours: Hours | None = None
    place: str | None = Field(None, max_length=300)
    is_online: bool | None = None
    online_url: str | None = Field(None, max_length=500)
    capacity: int | None = Field(None, ge=1, le=10_000)


class EnrolmentOut(Schema):
    id: int
    training: int
    full_name: str
    email: str
    department_id: int | None
    department: str | None
    attended: bool | None = Field(..., description="Null until attendance is recorded")
    enrolled_at: dt.datetime

    @staticmethod
    def resolve_training(obj):
        return obj.training_id

    @staticmethod
    def resolve_department(obj):
        return obj.department.name if obj.department_id else None


class EnrolSelfIn(In):
    department_id: Id | None = Field(None, description="Your department (optional)")


class EnrolPersonIn(In):
    full_name: str = Field(..., max_length=150)
    email: str = Field("", max_length=254)
    department_id: Id | None = None


class AttendanceOut(Schema):
    attended: int
    absent: int


class TrainingAttendanceIn(In):
    attended: list[Id] = Field(
        ..., max_length=10_000, description="Ids of the enrolments present; the others: absent"
    )
