"""For search engines: /sitemap.xml lists every public page (language versions as hreflang
alternates), /robots.txt keeps crawlers off accounts, administration, the API and edit pages.
Both cached like every public page, so a change shows at once (the revision in the key)."""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from di4c.meetings.models import Meeting
from di4c.networks.models import Network, Organisation, Programme
from di4c.plans.models import Plan
from di4c.portal.cache import public_page
from di4c.portal.models import NewsItem, NewsText, Page, PageText, Practice, PracticeText
from di4c.portal.models.common import PublishStatus


@dataclass
class SitemapUrl:
    loc: str
    lastmod: datetime | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)


class Sitemap:
    """The addresses in order, each once; content in several languages gives one address per
    language (`?lang=xx`, the page's canonical form) with the others as alternates."""

    def __init__(self, request):
        self.request = request
        self.urls: list[SitemapUrl] = []
        self.seen: set[str] = set()

    def _absolute(self, path: str, language: str = "") -> str:
        query = f"?{urlencode({'lang': language})}" if language else ""
        return self.request.build_absolute_uri(path + query)

    def add(self, path: str, lastmod=None, languages=()) -> None:
        if path in self.seen:
            return
        self.seen.add(path)
        languages = sorted(set(languages))
        if len(languages) < 2:
            self.urls.append(SitemapUrl(self._absolute(path), lastmod))
            return
        versions = [(code, self._absolute(path, code)) for code in languages]
        alternates = [*versions, ("x-default", self._absolute(path))]
        for _code, loc in versions:
            self.urls.append(SitemapUrl(loc, lastmod, alternates))


def _grouped(rows) -> dict[int, list[str]]:
    """[(id, value)] -> {id: [value]}: the language codes (or tags) of each object."""
    grouped: dict[int, list[str]] = {}
    for object_id, value in rows:
        grouped.setdefault(object_id, []).append(value)
    return grouped


def _news_pages(sitemap: Sitemap, kind: str, slug: str, items: list) -> None:
    """A network's or city's news home, archive years, tag pages and items, if it has news."""
    if not items:
        return
    sitemap.add(reverse(f"portal:{kind}_news", args=[slug]))
    years = {timezone.localtime(item["published_at"]).year for item in items}
    for year in sorted(years, reverse=True):
        sitemap.add(reverse(f"portal:{kind}_news_year", args=[slug, year]))
    for tag in sorted({tag for item in items for tag in item["tags"]}):
        sitemap.add(reverse(f"portal:{kind}_news_tag", args=[slug, tag]))
    for item in items:
        sitemap.add(
            reverse(f"portal:{kind}_news_item", args=[slug, item["slug"]]),
            item["updated_at"],
            item["languages"],
        )


def _published_news() -> dict[tuple[str, str], list]:
    """{(owner kind, owner slug): [item]} in three queries."""
    published = NewsItem.objects.published()
    items = list(
        published.order_by("-published_at", "-pk").values(
            "pk", "slug", "published_at", "updated_at", "network__slug", "organisation__slug"
        )
    )
    languages = _grouped(
        NewsText.objects.filter(item__in=published).values_list("item_id", "language")
    )
    tags = _grouped(
        NewsItem.tags.through.objects.filter(newsitem__in=published).values_list(
            "newsitem_id", "tag__slug"
        )
    )
    owners: dict[tuple[str, str], list] = {}
    for item in items:
        item["languages"] = languages.get(item["pk"], [])
        item["tags"] = tags.get(item["pk"], [])
        owner = (
            ("network", item["network__slug"])
            if item["network__slug"]
            else ("city", item["organisation__slug"])
        )
        owners.setdefault(owner, []).append(item)
    return owners


def _site_pages(sitemap: Sitemap) -> None:
    pages = Page.objects.select_related("network", "organisation").order_by(
        "network__slug", "organisation__slug", "kind"
    )
    languages = _grouped(PageText.objects.values_list("page_id", "language"))
    for page in pages:
        if page.pk in languages:
            sitemap.add(page.get_absolute_url(), page.updated_at, languages[page.pk])


@public_page
def sitemap(request):
    sitemap = Sitemap(request)
    sitemap.add(reverse("home"))
    sitemap.add(reverse("portal:search"))
    _site_pages(sitemap)

    sitemap.add(reverse("portal:practices"))
    practices = Practice.objects.filter(status=PublishStatus.PUBLISHED)
    practice_languages = _grouped(
        PracticeText.objects.filter(practice__in=practices).values_list("practice_id", "language")
    )
    for practice in practices.order_by("slug").values("pk", "slug", "updated_at"):
        sitemap.add(
            reverse("portal:practice", args=[practice["slug"]]),
            practice["updated_at"],
            practice_languages.get(practice["pk"], []),
        )

    for slug in Programme.objects.order_by("slug").values_list("slug", flat=True):
        sitemap.add(reverse("networks:programme", args=[slug]))
    news = _published_news()
    for slug in Network.objects.order_by("slug").values_list("slug", flat=True):
        sitemap.add(reverse("networks:network", args=[slug]))
        _news_pages(sitemap, "network", slug, news.get(("network", slug), []))
    sitemap.add(reverse("networks:organisations"))
    for slug in Organisation.objects.order_by("slug").values_list("slug", flat=True):
        sitemap.add(reverse("networks:organisation", args=[slug]))
        _news_pages(sitemap, "city", slug, news.get(("city", slug), []))

    sitemap.add(reverse("plans:public_list"))
    for pk in Plan.objects.filter(is_public=True).order_by("pk").values_list("pk", flat=True):
        sitemap.add(reverse("plans:detail", args=[pk]))
    meetings = Meeting.objects.filter(is_public=True).order_by("starts_at", "pk")
    for pk, updated_at in meetings.values_list("pk", "updated_at"):
        sitemap.add(reverse("meetings:meeting", args=[pk]), updated_at)

    return render(
        request,
        "portal/seo/sitemap.xml",
        {"urls": sitemap.urls},
        content_type="application/xml; charset=utf-8",
    )


@public_page
def robots(request):
    return render(
        request,
        "portal/seo/robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("portal:sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
