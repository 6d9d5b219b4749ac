"""Reading static pages ("About us", accessibility statement, privacy notice) of the site, a
network or a city: the owner from the address, the page with all its language versions."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from di4c.networks.models import Network, Organisation
from di4c.portal.models import Page, PageKind

SITE_NAME = "di4c"
NETWORK, CITY = "network", "city"


def check_kind(kind: str) -> str:
    if kind not in PageKind.values:
        raise Http404
    return kind


def owner_for(owner_kind: str, slug: str):
    """The network or city an address names (404 when there is none)."""
    if owner_kind == NETWORK:
        return get_object_or_404(Network, slug=slug)
    if owner_kind == CITY:
        return get_object_or_404(Organisation, slug=slug)
    raise Http404


def owner_name(owner) -> str:
    """Who a page is "by": the site's name, the network's or the city's."""
    return SITE_NAME if owner is None else owner.display_name


def owner_filter(owner) -> dict:
    if owner is None:
        return {"network__isnull": True, "organisation__isnull": True}
    if isinstance(owner, Network):
        return {"network": owner}
    return {"organisation": owner}


def page_of(owner, kind: str) -> Page | None:
    """The page with its versions (one query each), or None when nobody has written it yet."""
    page = (
        Page.objects.filter(kind=kind, **owner_filter(owner))
        .select_related("network", "organisation")
        .prefetch_related("texts")
        .first()
    )
    if page is not None and not page.texts.all():
        return None
    return page


def language_rows(page: Page | None, current: str) -> list[dict]:
    """Every interface language, with whether the page has a version in it, for the editor's
    language switcher."""
    existing = {text.language for text in page.texts.all()} if page else set()
    return [
        {"code": code, "name": name, "exists": code in existing, "current": code == current}
        for code, name in settings.LANGUAGES
    ]
