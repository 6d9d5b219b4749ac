"""API of the portal's search: one query over the public news, practices, published plans and
actions, public meetings and published service catalogues, in every language their content
exists in, ranked by relevance (SQLite FTS5 or PostgreSQL text search, the same answers)."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from di4c.api.maturity import ErrorOut
from di4c.api.plan_schemas import query_error, query_text
from di4c.api.portal_schemas import check_query_language
from di4c.networks.models import Organisation
from di4c.portal.models import SearchKind
from di4c.portal.search.index import search

router = Router(tags=["portal"])

MAX_QUERY_CHARS = 200
MAX_PAGE = 10_000


class PortalSearchResultOut(Schema):
    kind: str = Field(..., description="news, practice, plan, action, meeting or service")
    title: str
    excerpt: str
    url: str
    language: str = Field(..., description="The language of the version found")
    city: str | None = Field(..., description="Slug of the city it belongs to")
    network: str | None = Field(..., description="Slug of the network it belongs to")
    date: dt.datetime | None


class PortalSearchOut(Schema):
    count: int = Field(..., description="Results in all")
    page: int
    pages: int
    results: list[PortalSearchResultOut]


def _result_out(entry) -> dict:
    return {
        "kind": entry.kind,
        "title": entry.title,
        "excerpt": entry.excerpt,
        "url": entry.url,
        "language": entry.language,
        "city": entry.organisation.slug if entry.organisation_id else None,
        "network": entry.network.slug if entry.network_id else None,
        "date": entry.date,
    }


@router.get("/search", response={200: PortalSearchOut, 422: ErrorOut})
def search_portal(
    request,
    q: str = Query("", description="What to look for, in any language"),
    kind: str | None = Query(None, description=", ".join(SearchKind.values)),
    city: str | None = Query(None, description="Slug of a city"),
    language: str | None = Query(None, description="Only versions in this language"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
):
    """Search the public portal; each object found once, in the reader's language when that
    version matches (Accept-Language), 20 results a page."""
    q = (query_text("q", q) or "").strip()
    if not q:
        query_error("q", _("Type what you are looking for."))
    if len(q) > MAX_QUERY_CHARS:
        query_error("q", _("Use at most %(max)s characters.") % {"max": MAX_QUERY_CHARS})
    if kind is not None and kind not in SearchKind.values:
        query_error(
            "kind",
            _("Unknown kind: use one of %(kinds)s.") % {"kinds": ", ".join(SearchKind.values)},
        )
    check_query_language(query_text("language", language))
    organisation_ids = []
    if query_text("city", city):
        organisation_ids = list(Organisation.objects.filter(slug=city).values_list("pk", flat=True))
        if not organisation_ids:
            return {"count": 0, "page": 1, "pages": 1, "results": []}
    results = search(
        q,
        kinds=[kind] if kind else [],
        organisation_ids=organisation_ids,
        languages=[language] if language else [],
        page_number=page,
    )
    if results.page is None:
        return {"count": 0, "page": 1, "pages": 1, "results": []}
    return {
        "count": results.total,
        "page": results.page.number,
        "pages": results.page.paginator.num_pages,
        "results": [_result_out(entry) for entry in results.page.object_list],
    }
