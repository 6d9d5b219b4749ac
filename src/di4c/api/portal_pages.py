"""API of the portal's static pages ("About us", the accessibility statement, the privacy
notice) of the site itself, a network (?network=<slug>) or a city (?city=<slug>). Everyone reads
them; writes go through portal.services (403: a network's or a city's coordinators, the
platform administrators for the site's own pages)."""

from django.db.models import Prefetch
from django.http import Http404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.maturity import optional_auth
from di4c.api.plan_schemas import READ, WRITE
from di4c.api.portal_schemas import (
    PortalPageOut,
    PortalPageSummaryOut,
    PortalPageTextIn,
    page_owner,
)
from di4c.portal import services
from di4c.portal.models import Page, PageText

router = Router(tags=["portal"])

NETWORK_TEXT = "Slug of a network: its pages"
CITY_TEXT = "Slug of a city: its pages (neither: the site's own)"


def _pages(owner):
    pages = Page.objects.select_related("network", "organisation").prefetch_related(
        Prefetch("texts", queryset=PageText.objects.order_by("language"))
    )
    if owner is None:
        return pages.filter(network__isnull=True, organisation__isnull=True)
    if owner._meta.model_name == "network":
        return pages.filter(network=owner)
    return pages.filter(organisation=owner)


def _page(owner, kind: str) -> Page:
    page = _pages(owner).filter(kind=kind).first() if "\x00" not in kind else None
    if page is None:
        raise Http404
    return page


@router.get("/pages", response={200: list[PortalPageSummaryOut], **READ}, auth=optional_auth)
@paginate
def list_pages(
    request,
    network: str | None = Query(None, description=NETWORK_TEXT),
    city: str | None = Query(None, description=CITY_TEXT),
):
    """The pages a network, a city or the site has written."""
    return _pages(page_owner(network, city)).order_by("kind")


@router.get("/pages/{kind}", response={200: PortalPageOut, **READ}, auth=optional_auth)
def get_page(
    request,
    kind: str,
    network: str | None = Query(None, description=NETWORK_TEXT),
    city: str | None = Query(None, description=CITY_TEXT),
):
    """The page with every version, in Markdown and in HTML."""
    return _page(page_owner(network, city), kind)


@router.put(
    "/pages/{kind}/versions/{language}",
    response={200: PortalPageOut, **WRITE},
    auth=token_or_session,
)
def put_page_version(
    request,
    kind: str,
    language: str,
    payload: PortalPageTextIn,
    network: str | None = Query(None, description=NETWORK_TEXT),
    city: str | None = Query(None, description=CITY_TEXT),
):
    """Write the page's version in a language (the page is created with its first version)."""
    owner = page_owner(network, city)
    services.page_text_save(
        actor=request.auth, owner=owner, kind=kind, language=language, **payload.dict()
    )
    return _page(owner, kind)


@router.delete(
    "/pages/{kind}/versions/{language}", response={204: None, **WRITE}, auth=token_or_session
)
def delete_page_version(
    request,
    kind: str,
    language: str,
    network: str | None = Query(None, description=NETWORK_TEXT),
    city: str | None = Query(None, description=CITY_TEXT),
):
    """Remove a version (a page keeps one at least)."""
    page = _page(page_owner(network, city), kind)
    if not any(text.language == language for text in page.texts.all()):
        raise Http404
    services.page_text_delete(actor=request.auth, page=page, language=language)
    return Status(204, None)
