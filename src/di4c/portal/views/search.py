"""The search page: one box over news, practices, published plans and actions, public meetings
and services, with filters by kind, city and language. Not cached: every query is its own."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from di4c.core.i18n import current_language
from di4c.portal.forms.search import KIND_LABELS, SearchForm
from di4c.portal.search.index import search


def _result(entry, reader_language: str, language_names: dict) -> dict:
    place = entry.organisation or entry.network
    return {
        "entry": entry,
        "kind": KIND_LABELS.get(entry.kind, entry.kind),
        "place": place.display_name if place else "",
        "language_name": (
            language_names.get(entry.language, entry.language)
            if entry.language != reader_language
            else ""
        ),
    }


def search_page(request):
    form = SearchForm(request.GET if request.GET else None)
    filters = form.filters()
    reader_language = current_language()
    results = search(
        filters["query"],
        kinds=filters["kinds"],
        organisation_ids=filters["organisation_ids"],
        languages=filters["languages"],
        reader_language=reader_language,
        page_number=request.GET.get("page") or 1,
    )
    language_names = dict(settings.LANGUAGES)
    page = results.page
    return render(
        request,
        "portal/search/search.html",
        {
            "form": form,
            "query": filters["query"],
            "results": results,
            "page": page,
            "items": [_result(entry, reader_language, language_names) for entry in page.object_list]
            if page
            else [],
            "filtered": bool(
                filters["kinds"] or filters["organisation_ids"] or filters["languages"]
            ),
            "meta_description": _(
                "Search the news, good practices, action plans, meetings and public services "
                "of the cities on di4c, in every language they are written in."
            ),
        },
    )
