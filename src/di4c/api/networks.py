"""API of the networks app: programmes, networks with phases and partners, organisations."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.core.selectors import last_change
from di4c.networks import selectors, services
from di4c.networks.models import Organisation, Partnership

router = Router(tags=["networks"])


class LastModifiedOut(Schema):
    at: str
    by: str | None


def _last_modified(instance) -> dict | None:
    record = last_change(instance)
    if record is None:
        return None
    user = record.history_user
    return {"at": record.history_date.isoformat(), "by": str(user) if user else None}


class NetworkRef(Schema):
    slug: str
    acronym: str
    name: str


class ProgrammeOut(Schema):
    slug: str
    name: str
    name_i18n: dict[str, str]
    description: str
    starts_on: date | None
    ends_on: date | None
    website: str
    networks: list[NetworkRef]

    @staticmethod
    def resolve_networks(obj):
        return list(obj.networks.all())


class PhaseOut(Schema):
    id: int
    number: int
    name: str
    starts_on: date
    ends_on: date


class OrganisationRef(Schema):
    slug: str
    name: str
    kind: str
    country: str

    @staticmethod
    def resolve_country(obj):
        return obj.country.code


class PartnerOut(Schema):
    id: int
    organisation: OrganisationRef
    role: str
    joined_on: date
    left_on: date | None
    current: bool
    note: str

    @staticmethod
    def resolve_current(obj):
        return obj.is_current()


class NetworkOut(Schema):
    slug: str
    acronym: str
    name: str
    name_i18n: dict[str, str]
    programme: str
    theme: str
    aims: str
    budget_eur: float | None
    languages: list[str]
    website: str
    anonymous_benchmarks: bool
    phases: list[PhaseOut]
    partners: list[PartnerOut]

    @staticmethod
    def resolve_programme(obj):
        return obj.programme.slug

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())

    @staticmethod
    def resolve_partners(obj):
        current, former = selectors.partners_in_order(obj)
        return current + former


class NetworkDetailOut(NetworkOut):
    last_modified: LastModifiedOut | None


class PartnershipOfOrganisation(Schema):
    network: str
    acronym: str
    role: str
    joined_on: date
    left_on: date | None

    @staticmethod
    def resolve_network(obj):
        return obj.network.slug

    @staticmethod
    def resolve_acronym(obj):
        return obj.network.acronym


class OrganisationOut(Schema):
    slug: str
    name: str
    name_i18n: dict[str, str]
    kind: str
    country: str
    city: str
    population: int | None
    latitude: float | None
    longitude: float | None
    website: str
    parent: str | None
    networks: list[PartnershipOfOrganisation]

    @staticmethod
    def resolve_country(obj):
        return obj.country.code

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.slug if obj.parent else None

    @staticmethod
    def resolve_networks(obj):
        return list(obj.partnerships.all())


class OrganisationDetailOut(OrganisationOut):
    last_modified: LastModifiedOut | None


class ErrorOut(Schema):
    detail: str | list[dict]


class PhaseIn(Schema):
    id: int | None = None
    number: int = Field(..., ge=1, le=99)
    name: str = ""
    starts_on: date
    ends_on: date


class NetworkPatch(Schema):
    acronym: str | None = None
    name: str | None = None
    name_i18n: dict[str, str] | None = None
    theme: str | None = None
    theme_i18n: dict[str, str] | None = None
    aims: str | None = None
    aims_i18n: dict[str, str] | None = None
    budget_eur: Decimal | None = None
    languages: list[str] | None = None
    website: str | None = None
    anonymous_benchmarks: bool | None = None
    phases: list[PhaseIn] | None = Field(
        None, description="When given, replaces the network's phases (keep one with its id)."
    )


class OrganisationIn(Schema):
    name: str
    name_i18n: dict[str, str] = {}
    kind: str
    country: str = Field(..., description="ISO 3166-1 alpha-2 code, e.g. RO")
    city: str = ""
    population: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    website: str = ""
    parent: str | None = Field(None, description="Slug of the organisation this one is part of")


class OrganisationCreate(OrganisationIn):
    slug: str


class OrganisationPatch(Schema):
    name: str | None = None
    name_i18n: dict[str, str] | None = None
    kind: str | None = None
    country: str | None = None
    city: str | None = None
    population: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    website: str | None = None
    parent: str | None = None


class PartnershipIn(Schema):
    organisation: str = Field(..., description="Slug of the organisation")
    role: str = "partner"
    joined_on: date
    left_on: date | None = None
    note: str = ""
    note_i18n: dict[str, str] = {}


class PartnershipPatch(Schema):
    role: str | None = None
    joined_on: date | None = None
    left_on: date | None = None
    note: str | None = None
    note_i18n: dict[str, str] | None = None


WRITE_RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _organisation_by_slug(slug: str, field: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ValidationError(
            {field: _("No organisation has the slug '%(slug)s'.") % {"slug": slug}}
        )
    return organisation


def _resolve_parent(data: dict) -> dict:
    if data.get("parent") is not None:
        data["parent"] = _organisation_by_slug(data["parent"], "parent")
    return data


@router.get("/programmes", response=list[ProgrammeOut])
@paginate
def list_programmes(request):
    return selectors.programmes_with_networks()


@router.get("/programmes/{slug}", response={200: ProgrammeOut, 404: ErrorOut})
def get_programme(request, slug: str):
    return selectors.programme_detail(slug)


@router.get("/networks", response=list[NetworkOut])
@paginate
def list_networks(request):
    return selectors.networks_list()


@router.get("/networks/{slug}", response={200: NetworkDetailOut, 404: ErrorOut})
def get_network(request, slug: str):
    network = selectors.network_detail(slug)
    network.last_modified = _last_modified(network)
    return network


@router.patch(
    "/networks/{slug}",
    response={200: NetworkDetailOut, **WRITE_RESPONSES},
    auth=token_or_session,
)
def patch_network(request, slug: str, payload: NetworkPatch):
    """Change a network (its coordinators and platform admins only)."""
    data = payload.dict(exclude_unset=True)
    phases = data.pop("phases", None)
    network = selectors.network_detail(slug)
    services.network_update(actor=request.auth, network=network, data=data, phases=phases)
    return get_network(request, slug)


@router.post(
    "/networks/{slug}/partnerships",
    response={201: PartnerOut, **WRITE_RESPONSES},
    auth=token_or_session,
)
def create_partnership(request, slug: str, payload: PartnershipIn):
    network = selectors.network_detail(slug)
    data = payload.dict()
    organisation = _organisation_by_slug(data.pop("organisation"), "organisation")
    partnership = services.partnership_create(
        actor=request.auth, network=network, organisation=organisation, data=data
    )
    return Status(201, partnership)


def _partnership(slug: str, pk: int) -> Partnership:
    return get_object_or_404(
        Partnership.objects.select_related("network", "organisation"), pk=pk, network__slug=slug
    )


@router.patch(
    "/networks/{slug}/partnerships/{pk}",
    response={200: PartnerOut, **WRITE_RESPONSES},
    auth=token_or_session,
)
def patch_partnership(request, slug: str, pk: int, payload: PartnershipPatch):
    partnership = _partnership(slug, pk)
    return services.partnership_update(
        actor=request.auth, partnership=partnership, data=payload.dict(exclude_unset=True)
    )


@router.delete(
    "/networks/{slug}/partnerships/{pk}",
    response={204: None, **WRITE_RESPONSES},
    auth=token_or_session,
)
def delete_partnership(request, slug: str, pk: int):
    services.partnership_delete(actor=request.auth, partnership=_partnership(slug, pk))
    return Status(204, None)


@router.get("/organisations", response=list[OrganisationOut])
@paginate
def list_organisations(request):
    return selectors.organisations_list()


@router.get("/organisations/{slug}", response={200: OrganisationDetailOut, 404: ErrorOut})
def get_organisation(request, slug: str):
    organisation = selectors.organisation_detail(slug)
    organisation.last_modified = _last_modified(organisation)
    return organisation


@router.post(
    "/organisations",
    response={201: OrganisationDetailOut, **WRITE_RESPONSES},
    auth=token_or_session,
)
def create_organisation(request, payload: OrganisationCreate):
    organisation = services.organisation_create(
        actor=request.auth, data=_resolve_parent(payload.dict())
    )
    return Status(201, get_organisation(request, organisation.slug))


@router.patch(
    "/organisations/{slug}",
    response={200: OrganisationDetailOut, **WRITE_RESPONSES},
    auth=token_or_session,
)
def patch_organisation(request, slug: str, payload: OrganisationPatch):
    organisation = selectors.organisation_detail(slug)
    data = _resolve_parent(payload.dict(exclude_unset=True))
    services.organisation_update(actor=request.auth, organisation=organisation, data=data)
    return get_organisation(request, slug)
