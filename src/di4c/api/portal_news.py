"""API of the portal's news: the items of a network or a city with their versions per language,
photos, tags and links. Visitors read published items whose date has come; a draft or a
scheduled item is a 404 to anyone who may not edit it. Writes go through portal.services, which
check the role (403: a network's coordinators, a city's editors and coordinators)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.maturity import ErrorOut, optional_auth
from di4c.api.meeting_schemas import fields_renamed
from di4c.api.plan_schemas import READ, WRITE, check_id, query_text
from di4c.api.portal_schemas import (
    NewsCreate,
    NewsDetailOut,
    NewsImageOut,
    NewsPatch,
    NewsSummaryOut,
    NewsVersionIn,
    check_query_language,
    image_out,
    no_nul,
    past_date_warnings,
    publication_time,
)
from di4c.core.services import require_perm
from di4c.meetings.models import Meeting
from di4c.networks.models import Network, Organisation
from di4c.plans.models import Plan
from di4c.portal import services
from di4c.portal.models import NewsImage, NewsItem, NewsText

router = Router(tags=["portal"])


def _items():
    return NewsItem.objects.select_related(
        "network", "organisation", "author_organisation"
    ).prefetch_related(
        Prefetch("texts", queryset=NewsText.objects.order_by("language")),
        "tags",
        Prefetch("images", queryset=NewsImage.objects.order_by("position", "pk")),
    )


def _item(request, pk: int) -> NewsItem:
    """The item as its reader may see it: a draft or a scheduled item only to its editors."""
    check_id(pk)
    item = _items().select_related("meeting", "plan").filter(pk=pk).first()
    if item is None:
        raise Http404
    item.viewer_edits = request.user.has_perm("portal.change_news", item)
    if not (item.is_public or item.viewer_edits):
        raise Http404
    return item


def _detail(request, pk: int, warnings=()) -> NewsItem:
    """The item read again after a write."""
    item = _item(request, pk)
    item.warnings = list(warnings)
    return item


def _owner(data: dict):
    network, city = data.get("network"), data.get("city")
    if (network is None) == (city is None):
        raise ValidationError({"owner": _("Give either a network or a city.")})
    if network is not None:
        owner = Network.objects.filter(slug=network).first()
        if owner is None:
            raise ValidationError({"owner": _("No network has this slug.")})
        return owner
    owner = Organisation.objects.filter(slug=city).first()
    if owner is None:
        raise ValidationError({"owner": _("No organisation has this slug.")})
    return owner


def _links(data: dict) -> dict:
    """Slugs and ids of the input made into the objects they name."""
    if data.get("author_organisation") is not None:
        organisation = Organisation.objects.filter(slug=data["author_organisation"]).first()
        if organisation is None:
            raise ValidationError({"author_organisation": _("No organisation has this slug.")})
        data["author_organisation"] = organisation
    for name, model, message in (
        ("meeting", Meeting, _("No meeting has this id.")),
        ("plan", Plan, _("No plan has this id.")),
    ):
        if data.get(name) is not None:
            found = model.objects.filter(pk=data[name]).first() if 1 <= data[name] < 2**31 else None
            if found is None:
                raise ValidationError({name: message})
            data[name] = found
    if "published_at" in data:
        data["published_at"] = publication_time(data["published_at"])
    return data


@router.get("/news", response={200: list[NewsSummaryOut], 422: ErrorOut}, auth=optional_auth)
@paginate
def list_news(
    request,
    network: str | None = None,
    city: str | None = None,
    tag: str | None = None,
    language: str | None = None,
):
    """Published news, the latest first: of a network (its own items), of a city, with a tag,
    or with a version in a language."""
    items = _items().published()
    if query_text("network", network):
        items = items.filter(network__slug=network)
    if query_text("city", city):
        items = items.filter(organisation__slug=city)
    if query_text("tag", tag):
        items = items.filter(tags__slug=tag)
    if check_query_language(query_text("language", language)):
        items = items.filter(texts__language=language)
    return items.order_by("-published_at", "-pk")


@router.get("/news/{pk}", response={200: NewsDetailOut, **READ}, auth=optional_auth)
def get_news(request, pk: int):
    """The item with every version (Markdown and HTML), its photos and links."""
    return _item(request, pk)


@router.post("/news", response={201: NewsDetailOut, **WRITE}, auth=token_or_session)
def create_news(request, payload: NewsCreate):
    """Write a news item of a network or a city, in one language or several."""
    data = _links(payload.dict())
    owner = _owner(data.pop("owner"))
    item = services.news_create(actor=request.auth, owner=owner, **data)
    warnings = past_date_warnings(item.status, data["published_at"])
    return Status(201, _detail(request, item.pk, warnings))


@router.patch("/news/{pk}", response={200: NewsDetailOut, **WRITE}, auth=token_or_session)
def patch_news(request, pk: int, payload: NewsPatch):
    """Change the item's address, status, date, tags or links (versions: PUT versions)."""
    item = _item(request, pk)
    data = _links(payload.dict(exclude_unset=True))
    if data.get("slug", "") is None:
        raise ValidationError({"slug": _("Give the item a web address name.")})
    for name in ("status", "original_language"):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be null.")})
    item = services.news_update(actor=request.auth, item=item, **data)
    warnings = past_date_warnings(item.status, data.get("published_at"))
    return _detail(request, pk, warnings)


@router.put(
    "/news/{pk}/versions/{language}", response={200: NewsDetailOut, **WRITE}, auth=token_or_session
)
def put_news_version(request, pk: int, language: str, payload: NewsVersionIn):
    """Add or replace the item's version in a language."""
    item = _item(request, pk)
    services.news_text_save(actor=request.auth, item=item, language=language, **payload.dict())
    return _detail(request, pk)


@router.delete(
    "/news/{pk}/versions/{language}", response={204: None, **WRITE}, auth=token_or_session
)
def delete_news_version(request, pk: int, language: str):
    """Remove a version (an item keeps one at least)."""
    item = _item(request, pk)
    if not any(text.language == language for text in item.texts.all()):
        raise Http404
    services.news_text_delete(actor=request.auth, item=item, language=language)
    return Status(204, None)


@router.delete("/news/{pk}", response={204: None, **WRITE}, auth=token_or_session)
def delete_news(request, pk: int):
    """Delete the item with its versions and photos."""
    services.news_delete(actor=request.auth, item=_item(request, pk))
    return Status(204, None)


@router.post("/news/{pk}/photos", response={201: NewsImageOut, **WRITE}, auth=token_or_session)
def add_news_photo(
    request,
    pk: int,
    file: File[UploadedFile] = None,
    alt_text: Form[str] = "",
    caption: Form[str] = "",
    is_cover: Form[bool] = False,
):
    """Upload a photo (multipart): a JPEG, PNG or WebP image with its description for people
    who cannot see it (required); stored without its metadata, with a thumbnail."""
    item = _item(request, pk)
    require_perm(request.auth, "portal.change_news", item)  # before judging the input
    if file is None:
        raise ValidationError({"file": _("Choose a photo to upload.")})
    no_nul(alt_text=alt_text, caption=caption)
    with fields_renamed(image="file"):
        image = services.news_image_add(
            actor=request.auth,
            item=item,
            upload=file,
            alt_text=alt_text,
            caption=caption,
            is_cover=is_cover,
        )
    return Status(201, image_out(image))


@router.delete("/news/{pk}/photos/{photo_id}", response={204: None, **WRITE}, auth=token_or_session)
def delete_news_photo(request, pk: int, photo_id: int):
    item = _item(request, pk)
    image = next((image for image in item.images.all() if image.pk == photo_id), None)
    if image is None:
        raise Http404
    services.news_image_delete(actor=request.auth, image=image)
    return Status(204, None)
