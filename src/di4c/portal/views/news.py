"""News pages of a network or a city: the news home with the latest items, an item's page
with previous/next navigation, the archive by year and month, tag pages and the Atom feed
(all public, cached per language: portal/cache.py), and the pages that write news (signed
in, checked against portal.add_news / portal.change_news).

Every route gets `owner_kind` ("network" or "city") and the owner's `slug`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from di4c.core.forms import run_service
from di4c.core.i18n import current_language, interface_languages
from di4c.core.markdown import render_markdown
from di4c.core.services import check_view_perm
from di4c.meetings.uploads import THUMB_MAX_SIDE, upload_limit_text
from di4c.portal import services
from di4c.portal.cache import public_page
from di4c.portal.forms.news import (
    NewsCreateForm,
    NewsPhotoForm,
    NewsSettingsForm,
    NewsVersionForm,
)
from di4c.portal.models import NewsImage, NewsItem, PublishStatus
from di4c.portal.selectors import news as selectors

PER_PAGE = 10
FEED_SIZE = 20
ADD_PERM = "portal.add_news"
CHANGE_PERM = "portal.change_news"


# --- helpers ------------------------------------------------------------------------------


language_codes = interface_languages


def reader_language(request) -> str:
    """The language content is shown in: the one asked for with ?lang=xx (the addresses the
    hreflang links give), else the interface's."""
    asked = request.GET.get("lang")
    return asked if asked in language_codes() else current_language()


def news_url(owner, name: str = "", *args) -> str:
    """`news_url(owner)` is the news home; `news_url(owner, "year", 2019)` the archive of 2019."""
    route = f"portal:{selectors.owner_kind_of(owner)}_news" + (f"_{name}" if name else "")
    return reverse(route, args=[owner.slug, *args])


def item_url(item: NewsItem, name: str, *args) -> str:
    return reverse(
        f"portal:{item.owner_kind}_news_{name}", args=[item.owner.slug, item.slug, *args]
    )


def photo_url(image: NewsImage, size: str = "image") -> str:
    """Where a browser gets a news photo: through `news_photo_file` once its route exists
    (`portal:news_photo`), else from the media storage."""
    try:
        return reverse("portal:news_photo", args=[image.pk, size])
    except NoReverseMatch:
        stored = image.thumbnail if size == "thumbnail" else image.image
        return stored.url


def _plain(markdown_text: str, limit: int = 160) -> str:
    return Truncator(" ".join(strip_tags(render_markdown(markdown_text)).split())).chars(limit)


def _describe(version) -> str:
    """The meta description of an item: its summary, else the beginning of its text."""
    if version is None:
        return ""
    return Truncator(version.summary).chars(160) if version.summary else _plain(version.body)


def _prepare(items, language: str) -> list[NewsItem]:
    """Each item with the version to show (`shown`) and its photos' addresses."""
    items = list(items)
    for item in items:
        item.shown = item.version(language)
        for image in item.images.all():
            image.url = photo_url(image)
            image.thumbnail_url = photo_url(image, "thumbnail")
            scale = min(1, THUMB_MAX_SIDE / max(image.width, image.height, 1))
            image.thumbnail_width = round(image.width * scale)
            image.thumbnail_height = round(image.height * scale)
    return items


def _owner_context(request, owner) -> dict:
    return {
        "owner": owner,
        "owner_kind": selectors.owner_kind_of(owner),
        "owner_name": owner.display_name,
        "news_home_url": news_url(owner),
        "feed_url": news_url(owner, "feed"),
        "can_write": request.user.has_perm(ADD_PERM, owner),
        "create_url": news_url(owner, "create"),
    }


def _sidebar(owner) -> dict:
    years = selectors.archive_years(owner)
    for row in years:
        row["url"] = news_url(owner, "year", row["year"])
    tags = selectors.owner_tags(owner)
    for tag in tags:
        tag.url = news_url(owner, "tag", tag.slug)
    return {"archive_years": years, "owner_tags": tags}


def _content_languages(items) -> list[str]:
    return sorted({text.language for item in items for text in item.texts.all()})


def _list_page(request, owner, items, template: str, context: dict):
    language = reader_language(request)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    shown = _prepare(page.object_list, language)
    cover = next((item.cover for item in shown if item.cover), None)
    return render(
        request,
        template,
        {
            **_owner_context(request, owner),
            **_sidebar(owner),
            "page": page,
            "items": shown,
            "reader_language": language,
            "content_languages": _content_languages(shown),
            "og_image": request.build_absolute_uri(cover.url) if cover else "",
            **context,
        },
    )


# --- public pages ---------------------------------------------------------------------------


@public_page
def news_home(request, owner_kind, slug):
    owner = selectors.owner_for(owner_kind, slug)
    return _list_page(
        request,
        owner,
        selectors.published_items(owner),
        "portal/news/home.html",
        {
            "meta_description": Truncator(
                _("News of %(owner)s: the latest items, the archive and the tags.")
                % {"owner": owner.display_name}
            ).chars(160)
        },
    )


@public_page
def news_archive(request, owner_kind, slug, year, month=None):
    owner = selectors.owner_for(owner_kind, slug)
    months = selectors.archive_months(owner, year)
    if not months or (month is not None and month not in {row["month"] for row in months}):
        raise Http404
    for row in months:
        row["url"] = news_url(owner, "month", year, row["month"])
        row["date"] = dt.date(year, row["month"], 1)
    if month is None:
        description = _("News of %(owner)s published in %(year)s.")
    else:
        description = _("News of %(owner)s published in %(month)s %(year)s.")
    return _list_page(
        request,
        owner,
        selectors.items_in(owner, year, month),
        "portal/news/archive.html",
        {
            "year": year,
            "month": month,
            "month_date": dt.date(year, month, 1) if month else None,
            "months": months,
            "year_url": news_url(owner, "year", year),
            "meta_description": description
            % {
                "owner": owner.display_name,
                "year": year,
                "month": month and MONTHS[month],
            },
        },
    )


@public_page
def news_tag(request, owner_kind, slug, tag):
    owner = selectors.owner_for(owner_kind, slug)
    tag = selectors.tag_for(tag)
    items = selectors.items_tagged(owner, tag)
    if not items.exists():
        raise Http404
    return _list_page(
        request,
        owner,
        items,
        "portal/news/tag.html",
        {
            "tag": tag,
            "meta_description": Truncator(
                _("News of %(owner)s tagged “%(tag)s”.")
                % {"owner": owner.display_name, "tag": tag.display_name}
            ).chars(160),
        },
    )


def _status_note(item: NewsItem) -> str:
    if item.status == PublishStatus.DRAFT:
        return "draft"
    if not item.is_public:
        return "scheduled"
    return ""


@public_page
def news_item(request, owner_kind, slug, item):
    owner = selectors.owner_for(owner_kind, slug)
    item = selectors.item_for(owner, item)
    can_edit = request.user.has_perm(CHANGE_PERM, item)
    if not item.is_public and not can_edit:
        raise Http404
    language = reader_language(request)
    _prepare([item], language)
    version = item.shown
    previous, following = selectors.neighbours(item)
    for neighbour in (previous, following):
        if neighbour is not None:
            neighbour.shown = neighbour.version(language)
    versions = sorted(item.texts.all(), key=lambda text: text.language)
    cover = item.cover
    year = timezone.localtime(item.published_at).year if item.published_at else None
    context = {
        **_owner_context(request, owner),
        "item": item,
        "version": version,
        "body": render_markdown(version.body, heading_offset=1) if version else "",
        "cover": cover,
        "gallery": item.gallery,
        "tags": [{"tag": tag, "url": news_url(owner, "tag", tag.slug)} for tag in item.tags.all()],
        "meeting": item.meeting if item.meeting and item.meeting.is_public else None,
        "plan": item.plan if item.plan and item.plan.is_public else None,
        "previous": previous,
        "next": following,
        "archive_year": year,
        "archive_url": news_url(owner, "year", year) if year and item.is_public else "",
        "other_versions": [text for text in versions if version and text.pk != version.pk],
        "status_note": _status_note(item),
        "can_edit": can_edit,
        "content_languages": [text.language for text in versions],
        "meta_description": _describe(version),
        "og_type": "article",
        "og_image": request.build_absolute_uri(cover.url) if cover else "",
    }
    if can_edit:
        context["edit_links"] = {
            "settings": item_url(item, "edit"),
            "photos": item_url(item, "photos"),
            "delete": item_url(item, "delete"),
            "versions": [
                {
                    "code": code,
                    "name": name,
                    "url": item_url(item, "version", code),
                    "exists": any(text.language == code for text in versions),
                }
                for code, name in settings.LANGUAGES
            ],
        }
    return render(request, "portal/news/item.html", context)


def news_photo_file(request, pk, size):
    """A news photo (or its thumbnail) for whoever may see its item. Its route,
    `portal:news_photo`, is `news/photos/<int:pk>/<str:size>.jpg`."""
    image = (
        NewsImage.objects.select_related("item__network", "item__organisation")
        .filter(pk=pk)
        .first()
    )
    if image is None or size not in ("image", "thumbnail"):
        raise Http404
    if not image.item.is_public and not request.user.has_perm(CHANGE_PERM, image.item):
        raise Http404
    stored = image.thumbnail if size == "thumbnail" else image.image
    try:
        opened = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(opened, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400" if image.item.is_public else "private"
    return response


class NewsAtom(Atom1Feed):
    """Atom, with each entry marked with its version's language."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


@dataclass(frozen=True)
class FeedSource:
    """What a feed is made of: the owner, the language to show and the request (the feed
    object is shared by every request, so it keeps none of this itself)."""

    owner: object
    language: str
    absolute: Callable[[str], str]


class NewsFeed(Feed):
    """The latest published items of a network or a city, in the reader's language."""

    feed_type = NewsAtom

    def __call__(self, request, *args, **kwargs):
        return public_page(super().__call__)(request, *args, **kwargs)

    def get_object(self, request, owner_kind, slug):
        owner = selectors.owner_for(owner_kind, slug)
        return FeedSource(owner, reader_language(request), request.build_absolute_uri)

    def get_feed(self, source, request):
        feed = super().get_feed(source, request)
        feed.feed["language"] = source.language
        return feed

    def title(self, source):
        return _("News of %(owner)s") % {"owner": source.owner.display_name}

    def subtitle(self, source):
        return _("The latest news items published by %(owner)s.") % {
            "owner": source.owner.display_name
        }

    def link(self, source):
        return news_url(source.owner)

    def feed_url(self, source):
        return news_url(source.owner, "feed")

    def author_name(self, source):
        return source.owner.display_name

    def author_link(self, source):
        return source.absolute(source.owner.get_absolute_url())

    def items(self, source):
        items = _prepare(selectors.feed_items(source.owner, FEED_SIZE), source.language)
        for item in items:
            item.author_url = source.absolute(item.author_organisation.get_absolute_url())
        return items

    def item_title(self, item):
        return item.shown.title if item.shown else item.slug

    def item_description(self, item):
        return item.shown.summary if item.shown else ""

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return item.author_organisation.display_name

    def item_author_link(self, item):
        return item.author_url

    def item_categories(self, item):
        return [tag.display_name for tag in item.tags.all()]

    def item_extra_kwargs(self, item):
        return {"language": item.shown.language if item.shown else ""}


# --- writing --------------------------------------------------------------------------------


def _editable(request, owner_kind, slug, item_slug):
    """The item, if the visitor may change it: 403 for a public item, 404 for one they
    may not see."""
    owner = selectors.owner_for(owner_kind, slug)
    item = selectors.item_for(owner, item_slug)
    if not request.user.has_perm(CHANGE_PERM, item):
        if item.is_public:
            raise PermissionDenied
        raise Http404
    return owner, item


def _form_page(request, template: str, owner, context: dict):
    return render(request, template, {**_owner_context(request, owner), **context})


@login_required
def news_create(request, owner_kind, slug):
    owner = selectors.owner_for(owner_kind, slug)
    check_view_perm(request, ADD_PERM, owner)
    initial = {"language": current_language(), "status": PublishStatus.DRAFT}
    form = NewsCreateForm(request.POST or None, owner=owner, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.item_changes()
        item = run_service(
            form,
            lambda: services.news_create(
                actor=request.user,
                owner=owner,
                texts=form.texts(),
                original_language=form.cleaned_data["language"],
                **changes,
            ),
        )
        if item is not None:
            messages.success(
                request, _("The news item is saved. Add photos or versions in other languages.")
            )
            return redirect(item.get_absolute_url())
    return _form_page(
        request,
        "portal/news/item_form.html",
        owner,
        {"form": form, "item": None, "upload_limit": upload_limit_text()},
    )


@login_required
def news_edit(request, owner_kind, slug, item):
    owner, item = _editable(request, owner_kind, slug, item)
    form = NewsSettingsForm(
        request.POST or None, owner=owner, item=item, initial=NewsSettingsForm.initial_from(item)
    )
    if request.method == "POST" and form.is_valid():
        stored_slug = item.slug
        saved = run_service(
            form,
            lambda: services.news_update(actor=request.user, item=item, **form.item_changes()),
        )
        if saved is not None:
            messages.success(request, _("The news item's settings are saved."))
            return redirect(saved.get_absolute_url())
        # Refused: the item in memory may hold some of the refused values; show the stored one.
        item = selectors.item_for(owner, stored_slug)
    return _form_page(
        request,
        "portal/news/item_form.html",
        owner,
        {"form": form, "item": _titled(item), "item_url": item.get_absolute_url()},
    )


def _titled(item: NewsItem) -> NewsItem:
    item.shown = item.version()
    return item


@login_required
def news_version(request, owner_kind, slug, item, language):
    owner, item = _editable(request, owner_kind, slug, item)
    if language not in language_codes():
        raise Http404
    existing = next((text for text in item.texts.all() if text.language == language), None)
    if request.method == "POST" and "delete" in request.POST:
        if existing is None:
            raise Http404
        try:
            services.news_text_delete(actor=request.user, item=item, language=language)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(item_url(item, "version", language))
        messages.success(request, _("The version is deleted."))
        return redirect(item.get_absolute_url())
    initial = (
        {"title": existing.title, "summary": existing.summary, "body": existing.body}
        if existing
        else {}
    )
    form = NewsVersionForm(request.POST or None, language=language, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.news_text_save(
                actor=request.user, item=item, language=language, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("The version is saved."))
            return redirect(f"{item.get_absolute_url()}?lang={language}")
    return _form_page(
        request,
        "portal/news/version_form.html",
        owner,
        {
            "form": form,
            "item": _titled(item),
            "item_url": item.get_absolute_url(),
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "existing": existing,
            "can_delete": existing is not None and len(item.texts.all()) > 1,
        },
    )


@login_required
def news_photos(request, owner_kind, slug, item):
    owner, item = _editable(request, owner_kind, slug, item)
    form = NewsPhotoForm()
    if request.method == "POST" and "delete" in request.POST:
        image = item.images.filter(pk=request.POST.get("delete") or 0).first()
        if image is None:
            raise Http404
        services.news_image_delete(actor=request.user, image=image)
        messages.success(request, _("The photo is removed."))
        return redirect(item_url(item, "photos"))
    if request.method == "POST":
        form = NewsPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            image = run_service(
                form,
                lambda: services.news_image_add(
                    actor=request.user,
                    item=item,
                    upload=data["image"],
                    alt_text=data["alt_text"],
                    caption=data["caption"],
                    is_cover=data["is_cover"],
                ),
            )
            if image is not None:
                messages.success(request, _("The photo is added."))
                return redirect(item_url(item, "photos"))
    item = selectors.item_for(owner, item.slug)
    _prepare([item], current_language())
    return _form_page(
        request,
        "portal/news/photos.html",
        owner,
        {
            "form": form,
            "item": item,
            "item_url": item.get_absolute_url(),
            "images": list(item.images.all()),
            "upload_limit": upload_limit_text(),
        },
    )


@login_required
def news_delete(request, owner_kind, slug, item):
    owner, item = _editable(request, owner_kind, slug, item)
    if request.method == "POST":
        services.news_delete(actor=request.user, item=item)
        messages.success(request, _("The news item is deleted."))
        return redirect(news_url(owner))
    return _form_page(
        request,
        "portal/news/delete.html",
        owner,
        {"item": _titled(item), "item_url": item.get_absolute_url()},
    )
