"""API of the engagement app: a city's stakeholder map (its local group and wider ecosystem).

Reads follow engagement.view_stakeholders on the city (a map the reader may not see is a 404,
like a meeting they may not see); the personal contact details (contact person, e-mail,
telephone and the consent recorded for them) are null unless the reader also holds
engagement.view_contact_data. Writes go through engagement.services, which check the role
(403). A person's record can be exported whole (GDPR art. 15 and 20) and erased (art. 17):
erasure keeps the anonymous facts (kind, sector, influence, interest, role) that the summary
counts."""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.maturity import optional_auth
from di4c.api.plan_schemas import READ, WRITE, In, check_id, query_error, query_text
from di4c.engagement import selectors, services
from di4c.engagement.models import (
    ConsentMethod,
    LocalGroupRole,
    Sector,
    Stakeholder,
    StakeholderKind,
)
from di4c.networks.models import Organisation

router = Router(tags=["engagement"])

KINDS = ", ".join(StakeholderKind.values)
SECTORS = ", ".join(Sector.values)
ROLES = ", ".join(value for value in LocalGroupRole.values if value) + ' or "" (not in the group)'
METHODS = ", ".join(ConsentMethod.values)
CONTACT = "Personal data: null unless the reader may see contact details"
Score = Annotated[int, Field(ge=1, le=5, description="1 to 5")]


# --- what the API answers ---------------------------------------------------------------------


class StakeholderUrlsOut(Schema):
    page: str | None = Field(None, description="The stakeholder's page")


class StakeholderOut(Schema):
    id: int
    organisation: str = Field(..., description="The city's slug")
    kind: str = Field(..., description=KINDS)
    name: str
    sector: str = Field(..., description=SECTORS)
    description: str
    influence: int = Field(..., description="1–5: how much they can shape the plan")
    interest: int = Field(..., description="1–5: how much the plan matters to them")
    local_group_role: str = Field(..., description=ROLES)
    contact_name: str | None = Field(..., description=CONTACT)
    email: str | None = Field(..., description=CONTACT)
    phone: str | None = Field(..., description=CONTACT)
    consent_given_on: dt.date | None = Field(..., description=CONTACT)
    consent_purpose: str | None = Field(..., description=CONTACT)
    consent_method: str | None = Field(..., description=f"{METHODS}. {CONTACT}")
    contact_data_visible: bool = Field(
        ..., description="Whether the reader sees the contact details (else they are null)"
    )
    is_erased: bool
    erased_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    urls: StakeholderUrlsOut

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug

    @staticmethod
    def resolve_contact_data_visible(obj, context):
        return sees_contact_data(context["request"], obj.organisation)

    @staticmethod
    def resolve_contact_name(obj, context):
        return _contact(obj, "contact_name", context)

    @staticmethod
    def resolve_email(obj, context):
        return _contact(obj, "email", context)

    @staticmethod
    def resolve_phone(obj, context):
        return _contact(obj, "phone", context)

    @staticmethod
    def resolve_consent_given_on(obj, context):
        return _contact(obj, "consent_given_on", context)

    @staticmethod
    def resolve_consent_purpose(obj, context):
        return _contact(obj, "consent_purpose", context)

    @staticmethod
    def resolve_consent_method(obj, context):
        return _contact(obj, "consent_method", context)

    @staticmethod
    def resolve_urls(obj):
        try:
            page = obj.get_absolute_url()
        except NoReverseMatch:  # the engagement pages are not wired (yet)
            page = None
        return {"page": page}


class SectorCountOut(Schema):
    sector: str = Field(..., description=SECTORS)
    label: str
    count: int
    in_local_group: int


class MatrixCellOut(Schema):
    influence: int
    interest: int
    count: int


class QuadrantsOut(Schema):
    manage: int = Field(..., description="Influence and interest both 3 or more: manage closely")
    satisfy: int = Field(..., description="Influence 3 or more, interest below: keep satisfied")
    inform: int = Field(..., description="Interest 3 or more, influence below: keep informed")
    monitor: int = Field(..., description="Both below 3: monitor")


class SummaryOut(Schema):
    organisation: str = Field(..., description="The city's slug")
    total: int = Field(..., description="Every stakeholder, erased ones included")
    erased: int
    in_local_group: int
    local_group_roles: dict[str, int] = Field(..., description="Members by role in the group")
    sectors: list[SectorCountOut] = Field(..., description="Every sector (an empty one is a gap)")
    matrix: list[MatrixCellOut] = Field(
        ..., description="The power/interest grid: 25 cells, influence 5 to 1, interest 1 to 5"
    )
    quadrants: QuadrantsOut


# --- what the API takes -----------------------------------------------------------------------


class StakeholderIn(In):
    kind: str = Field(StakeholderKind.ORGANISATION, description=KINDS)
    name: str
    sector: str = Field(..., description=SECTORS)
    description: str = Field("", max_length=2000)
    influence: Score
    interest: Score
    local_group_role: str = Field("", description=ROLES)
    contact_name: str = Field("", description="Only with a recorded consent")
    email: str = Field("", description="Only with a recorded consent")
    phone: str = Field("", description="Only with a recorded consent")
    consent_given_on: dt.date | None = Field(None, description="Not in the future")
    consent_purpose: str = Field("", description="What the contact details are used for")
    consent_method: str = Field("", description=METHODS)


class StakeholderPatch(In):
    kind: str | None = Field(None, description=KINDS)
    name: str | None = None
    sector: str | None = Field(None, description=SECTORS)
    description: str | None = Field(None, max_length=2000)
    influence: Score | None = None
    interest: Score | None = None
    local_group_role: str | None = Field(None, description=ROLES)
    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    consent_given_on: dt.date | None = Field(None, description="null removes it")
    consent_purpose: str | None = None
    consent_method: str | None = Field(None, description=METHODS)


class StakeholderFilters(Schema):
    sector: str | None = Field(None, description=SECTORS)
    q: str | None = Field(None, description="Part of the name")


# --- lookups: everything is read through the city's permission ---------------------------------


def sees_contact_data(request, organisation: Organisation) -> bool:
    """engagement.view_contact_data on the city, asked once per request and city."""
    cache = request.__dict__.setdefault("_di4c_contact_data", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = request.user.has_perm("engagement.view_contact_data", organisation)
    return cache[organisation.pk]


def _contact(obj: Stakeholder, name: str, context) -> Any:
    return getattr(obj, name) if sees_contact_data(context["request"], obj.organisation) else None


def check_readable(request, organisation: Organisation) -> None:
    if not request.user.has_perm("engagement.view_stakeholders", organisation):
        # A map the reader may not see is not even acknowledged.
        raise Http404


def readable_organisation(request, slug: str) -> Organisation:
    organisation = None
    if "\x00" not in slug:
        # With what the rules read of a city (its networks).
        organisation = (
            Organisation.objects.prefetch_related("partnerships").filter(slug=slug).first()
        )
    if organisation is None:
        raise Http404
    check_readable(request, organisation)
    return organisation


def _stakeholder(pk: int) -> Stakeholder | None:
    return (
        Stakeholder.objects.select_related("organisation")
        .prefetch_related("organisation__partnerships")
        .filter(pk=pk)
        .first()
    )


def readable_stakeholder(request, pk: int) -> Stakeholder:
    check_id(pk)
    stakeholder = _stakeholder(pk)
    if stakeholder is None:
        raise Http404
    check_readable(request, stakeholder.organisation)
    return stakeholder


# --- endpoints --------------------------------------------------------------------------------


@router.get(
    "/organisations/{slug}/stakeholders",
    response={200: list[StakeholderOut], **READ},
    auth=optional_auth,
)
@paginate
def list_stakeholders(request, slug: str, filters: Query[StakeholderFilters]):
    """The city's stakeholders by name, to its editors and members and the staff of its
    networks; contact details only to its editors and coordinators."""
    organisation = readable_organisation(request, slug)
    if filters.sector is not None and filters.sector not in Sector.values:
        query_error("sector", _("Unknown sector."))
    text = query_text("q", filters.q) or ""
    # Asked once here; the rows (all of this city) reuse the answer.
    sees_contact_data(request, organisation)
    return selectors.stakeholders_of(
        organisation, sector=filters.sector or "", text=text.strip()
    ).select_related("organisation")


@router.get(
    "/organisations/{slug}/stakeholders/summary",
    response={200: SummaryOut, **READ},
    auth=optional_auth,
)
def stakeholder_summary(request, slug: str):
    """Anonymous facts about the city's map (no names, no contacts): how many stakeholders per
    sector and in the local group, the power/interest matrix as counts per cell and quadrant.
    Erased records still count."""
    organisation = readable_organisation(request, slug)
    groups = selectors.ecosystem(organisation)
    matrix = selectors.power_interest_matrix(organisation)
    everyone = [stakeholder for group in groups for stakeholder in group.stakeholders]
    roles = {value: 0 for value in LocalGroupRole.values if value}
    for stakeholder in everyone:
        if stakeholder.local_group_role:
            roles[stakeholder.local_group_role] += 1
    return {
        "organisation": organisation.slug,
        "total": len(everyone),
        "erased": sum(1 for stakeholder in everyone if stakeholder.is_erased),
        "in_local_group": sum(group.in_local_group for group in groups),
        "local_group_roles": roles,
        "sectors": [
            {
                "sector": group.sector,
                "label": group.label,
                "count": len(group.stakeholders),
                "in_local_group": group.in_local_group,
            }
            for group in groups
        ],
        "matrix": [
            {"influence": influence, "interest": interest, "count": len(cell)}
            for influence, cells in matrix.rows
            for interest, cell in zip(selectors.SCALE, cells, strict=True)
        ],
        "quadrants": matrix.quadrants,
    }


@router.post(
    "/organisations/{slug}/stakeholders",
    response={201: StakeholderOut, **WRITE},
    auth=token_or_session,
)
def create_stakeholder(request, slug: str, payload: StakeholderIn):
    """Add a stakeholder to the city's map (its editors and coordinators). Contact details are
    kept only with a recorded consent: its date, purpose and how it was given."""
    organisation = readable_organisation(request, slug)
    stakeholder = services.stakeholder_create(
        actor=request.auth, organisation=organisation, data=payload.dict()
    )
    return Status(201, _stakeholder(stakeholder.pk))


@router.get("/stakeholders/{pk}", response={200: StakeholderOut, **READ}, auth=optional_auth)
def get_stakeholder(request, pk: int):
    return readable_stakeholder(request, pk)


@router.patch("/stakeholders/{pk}", response={200: StakeholderOut, **WRITE}, auth=token_or_session)
def patch_stakeholder(request, pk: int, payload: StakeholderPatch):
    """Change the fields given. An erased record can no longer be changed (422)."""
    stakeholder = readable_stakeholder(request, pk)
    services.stakeholder_update(
        actor=request.auth, stakeholder=stakeholder, data=payload.dict(exclude_unset=True)
    )
    return _stakeholder(pk)


@router.get(
    "/stakeholders/{pk}/export", response={200: dict[str, Any], **WRITE}, auth=token_or_session
)
def export_stakeholder(request, pk: int, response: HttpResponse):
    """Everything di4c holds about this stakeholder, as JSON (GDPR art. 15 and 20): to the
    city's editors and coordinators, for the person who asks."""
    stakeholder = readable_stakeholder(request, pk)
    if not request.user.has_perm("engagement.export_personal_data", stakeholder.organisation):
        raise PermissionDenied(_("You do not have permission to do this."))
    response["Content-Disposition"] = f'attachment; filename="stakeholder-{pk}.json"'
    response["Cache-Control"] = "no-store"
    return selectors.personal_data_export(stakeholder)


@router.post(
    "/stakeholders/{pk}/erase", response={200: StakeholderOut, **WRITE}, auth=token_or_session
)
def erase_stakeholder(request, pk: int):
    """Erase the personal data (GDPR art. 17): contact details, consent and description are
    cleared and the name replaced; the anonymous facts stay. Cannot be undone."""
    stakeholder = readable_stakeholder(request, pk)
    services.stakeholder_erase(actor=request.auth, stakeholder=stakeholder)
    return _stakeholder(pk)
