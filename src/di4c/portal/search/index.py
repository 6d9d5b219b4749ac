"""Keeping the search index current, and asking it: one interface over both engines."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch

from di4c.core.i18n import current_language
from di4c.portal.models import SearchEntry, SearchKind
from di4c.portal.search import sources
from di4c.portal.search.engines import engine
from di4c.portal.search.text import STEMMERS, index_terms, query_alternatives

EXCERPT_CHARS = 300
RESULTS_PER_PAGE = 20


def _loaders():
    from di4c.meetings.models import Meeting
    from di4c.plans.models import Action, Plan
    from di4c.portal.models import NewsItem, NewsText, Practice
    from di4c.services.models import PublicService

    return {
        SearchKind.NEWS: (
            NewsItem.objects.select_related("network", "organisation").prefetch_related(
                Prefetch("texts", queryset=NewsText.objects.order_by("language"))
            ),
            sources.news_documents,
        ),
        SearchKind.PRACTICE: (
            Practice.objects.prefetch_related("texts"),
            sources.practice_documents,
        ),
        SearchKind.PLAN: (Plan.objects.all(), sources.plan_documents),
        SearchKind.ACTION: (Action.objects.select_related("plan"), sources.action_documents),
        SearchKind.MEETING: (Meeting.objects.all(), sources.meeting_documents),
        SearchKind.SERVICE: (
            PublicService.objects.select_related("organisation__index_publication"),
            sources.service_documents,
        ),
    }


def reindex(kind: str, object_ids) -> int:
    """Replace the entries of these objects by their current documents (none if they are no
    longer public or no longer exist). Runs inside the caller's transaction."""
    object_ids = list(object_ids)
    if not object_ids:
        return 0
    queryset, documents_of = _loaders()[kind]
    search_engine = engine()
    stale = SearchEntry.objects.filter(kind=kind, object_id__in=object_ids)
    search_engine.remove(list(stale.values_list("pk", flat=True)))
    stale.delete()
    entries = []
    for obj in queryset.filter(pk__in=object_ids):
        for document in documents_of(obj):
            entries.append(_entry(kind, obj.pk, document))
    created = SearchEntry.objects.bulk_create(entries)
    search_engine.write(created)
    return len(created)


def _entry(kind: str, object_id: int, document: sources.Document) -> SearchEntry:
    body = " ".join(document.body.split())
    return SearchEntry(
        kind=kind,
        object_id=object_id,
        language=document.language,
        network_id=document.network_id,
        organisation_id=document.organisation_id,
        title=document.title[:300],
        excerpt=body[:EXCERPT_CHARS],
        url=document.url,
        date=document.date,
        title_terms=index_terms(document.title, document.language),
        body_terms=index_terms(body, document.language),
    )


def reindex_all(batch: int = 500) -> dict[str, int]:
    counts = {}
    for kind, (queryset, _documents) in _loaders().items():
        ids = list(queryset.model.objects.values_list("pk", flat=True).order_by("pk"))
        SearchEntry.objects.filter(kind=kind).exclude(object_id__in=ids).delete()
        counts[kind] = sum(reindex(kind, ids[i : i + batch]) for i in range(0, len(ids), batch))
    return counts


@dataclass
class SearchResults:
    query: str
    page: Page | None = None
    total: int = 0
    words_used: list[str] = field(default_factory=list)


def search(
    query: str,
    *,
    kinds=(),
    organisation_ids=(),
    languages=(),
    reader_language: str | None = None,
    page_number=1,
) -> SearchResults:
    """Ranked results, one per object: its version in the reader's language when that version
    matches, else its best-matching version."""
    query = (query or "").strip()
    results = SearchResults(query=query)
    stem_languages = list(languages) or list(STEMMERS)
    alternatives = query_alternatives(query, stem_languages)
    if not alternatives:
        return results
    reader_language = reader_language or current_language()
    matches = engine().search(
        alternatives, kinds=kinds, organisation_ids=organisation_ids, languages=languages
    )
    best: dict[tuple[str, int], object] = {}
    for match in matches:
        key = (match.kind, match.object_id)
        kept = best.get(key)
        if kept is None or (match.language == reader_language and kept.language != reader_language):
            best[key] = match if kept is None else _with_rank(match, max(kept.rank, match.rank))
    ranked = sorted(best.values(), key=lambda match: (-match.rank, match.entry_id))
    paginator = Paginator(ranked, RESULTS_PER_PAGE)
    page = paginator.get_page(page_number)
    entries = SearchEntry.objects.select_related("organisation", "network").in_bulk(
        [match.entry_id for match in page.object_list]
    )
    page.object_list = [entries[match.entry_id] for match in page.object_list]
    results.page = page
    results.total = paginator.count
    return results


def _with_rank(match, rank):
    from dataclasses import replace

    return replace(match, rank=rank)
