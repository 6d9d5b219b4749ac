"""API of the public-services app: a city's catalogue and its digitalisation index."""

from ninja import Router, Schema

from di4c.api.maturity import ErrorOut, optional_auth
from di4c.core.services import require_perm
from di4c.networks import selectors as network_selectors
from di4c.services import selectors

router = Router(tags=["services"])


class YearOut(Schema):
    year: int
    level: int
    total_requests: int | None
    online_requests: int | None


class ServiceOut(Schema):
    id: int
    reference: str | None
    name: str
    name_i18n: dict[str, str]
    life_event: str
    is_key: bool
    department: str
    url: str
    level: int
    info_online: bool
    form_online: bool
    submit_online: bool
    fully_online: bool
    eid: bool
    e_payment: bool
    e_signature: bool
    mobile_friendly: bool
    other_languages: bool
    satisfaction: float | None
    years: list[YearOut]

    @staticmethod
    def resolve_reference(obj):
        return obj.reference.code if obj.reference else None

    @staticmethod
    def resolve_life_event(obj):
        return obj.life_event.code

    @staticmethod
    def resolve_years(obj):
        return list(obj.years.all())


class IndexYearOut(Schema):
    year: int
    services: int
    online_share: float | None
    key_services: int
    key_fully_online_share: float | None
    average_level: float | None
    uptake: float | None
    requests: int | None
    online_requests: int | None
    levels: list[int]


def _readable(request, slug, perm: str):
    organisation = network_selectors.organisation_detail(slug)
    if not request.user.has_perm(perm, organisation):
        require_perm(None, perm, organisation)  # raises 403
    return organisation


@router.get(
    "/organisations/{slug}/services",
    response={200: list[ServiceOut], 403: ErrorOut, 404: ErrorOut},
    auth=optional_auth,
)
def list_services(request, slug: str):
    """The city's catalogue with each service's yearly figures."""
    return list(selectors.catalogue(_readable(request, slug, "services.view_catalogue")))


@router.get(
    "/organisations/{slug}/digitalisation-index",
    response={200: list[IndexYearOut], 403: ErrorOut, 404: ErrorOut},
    auth=optional_auth,
)
def digitalisation_index(request, slug: str):
    """The index per year: ISO 37122 online share, key services fully online, uptake."""
    return [
        {
            **{
                key: getattr(year, key)
                for key in (
                    "year",
                    "services",
                    "key_services",
                    "requests",
                    "online_requests",
                    "levels",
                )
            },
            **{
                key: float(getattr(year, key)) if getattr(year, key) is not None else None
                for key in ("online_share", "key_fully_online_share", "average_level", "uptake")
            },
        }
        for year in selectors.index_by_year(_readable(request, slug, "services.view_index"))
    ]
