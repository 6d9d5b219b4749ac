"""Reading news: an owner's published items with everything their pages show (versions,
photos, tags, author) in a fixed number of queries, the archive's years and months with
counts computed in the database, and an item's neighbours in publication order."""

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import ExtractMonth, ExtractYear, Lower
from django.http import Http404
from django.utils import timezone

from di4c.networks.models import Network, Organisation
from di4c.portal.models import NewsImage, NewsItem, PublishStatus, Tag

OWNER_KINDS = ("network", "city")


def owner_for(owner_kind: str, slug: str) -> Network | Organisation:
    """The network or the city a news route names (404 if there is none)."""
    if owner_kind == "network":
        owner = Network.objects.filter(slug=slug).first()
    elif owner_kind == "city":
        owner = Organisation.objects.filter(slug=slug).first()
    else:
        owner = None
    if owner is None:
        raise Http404
    return owner


def owner_kind_of(owner) -> str:
    return "network" if isinstance(owner, Network) else "city"


def owner_filter(owner, prefix: str = "") -> dict:
    if isinstance(owner, Network):
        return {f"{prefix}network": owner}
    return {f"{prefix}organisation": owner}


def _with_details(items: QuerySet[NewsItem]) -> QuerySet[NewsItem]:
    """What a list, the feed or an item page shows, in one query per relation."""
    return items.select_related("author_organisation", "network", "organisation").prefetch_related(
        "texts",
        Prefetch("images", queryset=NewsImage.objects.order_by("position", "pk")),
        "tags",
    )


def published_items(owner) -> QuerySet[NewsItem]:
    """The owner's public items, newest first (same date: the later one first)."""
    return _with_details(NewsItem.objects.published().filter(**owner_filter(owner))).order_by(
        "-published_at", "-pk"
    )


def latest_items(owner, count: int) -> list[NewsItem]:
    return list(published_items(owner)[:count])


def items_in(owner, year: int, month: int | None = None) -> QuerySet[NewsItem]:
    items = published_items(owner).filter(published_at__year=year)
    if month is not None:
        items = items.filter(published_at__month=month)
    return items


def items_tagged(owner, tag: Tag) -> QuerySet[NewsItem]:
    return published_items(owner).filter(tags=tag)


def archive_years(owner) -> list[dict]:
    """[{"year": 2022, "count": 4}, ...], newest year first (in the site's time zone)."""
    rows = (
        NewsItem.objects.published()
        .filter(**owner_filter(owner))
        .annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )
    return list(rows)


def archive_months(owner, year: int) -> list[dict]:
    """[{"month": 11, "count": 2}, ...] of one year, in calendar order."""
    rows = (
        NewsItem.objects.published()
        .filter(**owner_filter(owner), published_at__year=year)
        .annotate(month=ExtractMonth("published_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    return list(rows)


def owner_tags(owner) -> list[Tag]:
    """The tags of the owner's public items, with `count`, by name."""
    published = Q(
        news_items__status=PublishStatus.PUBLISHED,
        news_items__published_at__lte=timezone.now(),
        **owner_filter(owner, "news_items__"),
    )
    return list(
        Tag.objects.annotate(count=Count("news_items", filter=published, distinct=True))
        .filter(count__gt=0)
        .order_by(Lower("name"), "pk")
    )


def tag_for(slug: str) -> Tag:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404
    return tag


def item_for(owner, slug: str) -> NewsItem:
    """One item of the owner, public or not (the view decides who sees a draft)."""
    item = (
        _with_details(NewsItem.objects.filter(**owner_filter(owner), slug=slug))
        .select_related("meeting", "plan", "updated_by")
        .first()
    )
    if item is None:
        raise Http404
    return item


def neighbours(item: NewsItem) -> tuple[NewsItem | None, NewsItem | None]:
    """The public items of the same owner just before and just after this one, ordered by
    publication date, then by number (two items of the same minute keep a stable order).
    For a draft or a scheduled item: the neighbours its date would give it."""
    if item.published_at is None:
        return None, None
    siblings = (
        NewsItem.objects.published()
        .filter(**owner_filter(item.owner))
        .exclude(pk=item.pk)
        .select_related("network", "organisation")
    )
    at = item.published_at
    before = (
        siblings.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=item.pk))
        .order_by("-published_at", "-pk")
        .first()
    )
    after = (
        siblings.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=item.pk))
        .order_by("published_at", "pk")
        .first()
    )
    found = [neighbour for neighbour in (before, after) if neighbour is not None]
    prefetch_related_objects(found, "texts")
    return before, after


def feed_items(owner, count: int = 20) -> list[NewsItem]:
    return latest_items(owner, count)
