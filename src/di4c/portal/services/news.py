"""Writing news items: versions per language, photos, tags and links. Every function checks the
actor's role on the item's owner (a network or a city) and runs in one transaction."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from di4c.core.services import require_perm
from di4c.meetings.uploads import process_photo
from di4c.networks.models import Network, Organisation
from di4c.portal.models import NewsImage, NewsItem, NewsText, PublishStatus, Tag
from di4c.portal.services.common import (
    check_language,
    check_slug,
    clean_line,
    clean_text,
    slug_from,
)

TEXT_FIELDS = ("title", "summary", "body")
ITEM_FIELDS = (
    "slug",
    "original_language",
    "author_organisation",
    "status",
    "published_at",
    "tags",
    "meeting",
    "plan",
)


def _owner_fields(owner) -> dict:
    if isinstance(owner, Network):
        return {"network": owner}
    if isinstance(owner, Organisation):
        return {"organisation": owner}
    raise ValidationError(_("News belongs to a network or a city."))


def _check_texts(texts: list[dict]) -> list[dict]:
    cleaned, seen, errors = [], set(), {}
    for index, text in enumerate(texts or []):
        language = check_language(text.get("language", ""), f"texts.{index}.language")
        if language in seen:
            errors[f"texts.{index}.language"] = _("There are two versions in this language.")
            continue
        seen.add(language)
        title = clean_line(text.get("title"), f"texts.{index}.title", 300)
        if not title:
            continue  # a version without a title is no version; checked below
        cleaned.append(
            {
                "language": language,
                "title": title,
                "summary": clean_line(text.get("summary"), f"texts.{index}.summary", 500),
                "body": clean_text(text.get("body"), f"texts.{index}.body"),
            }
        )
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError({"title": _("Give the news item a title in at least one language.")})
    return cleaned


def _slug_taken(owner, exclude_pk=None):
    def taken(slug: str) -> bool:
        items = NewsItem.objects.filter(slug=slug, **_owner_fields(owner))
        if exclude_pk:
            items = items.exclude(pk=exclude_pk)
        return items.exists()

    return taken


def _check_links(owner, *, author_organisation, meeting, plan, actor=None) -> None:
    errors = {}
    if meeting and actor is not None and not actor.has_perm("meetings.view_meeting", meeting):
        raise ValidationError({"meeting": _("Choose a meeting you can see.")})
    if isinstance(owner, Organisation):
        if author_organisation and author_organisation != owner:
            errors["author_organisation"] = _("A city's news is published by the city itself.")
        if meeting and not (
            meeting.host_id == owner.pk
            or meeting.network.partnerships.filter(organisation=owner).exists()
        ):
            errors["meeting"] = _("Choose a meeting of one of the city's networks.")
        if plan and plan.organisation_id != owner.pk:
            errors["plan"] = _("Choose one of the city's own plans.")
    else:
        if (
            author_organisation
            and not owner.partnerships.filter(organisation=author_organisation).exists()
        ):
            errors["author_organisation"] = _("Choose a partner of the network.")
        if meeting and meeting.network_id != owner.pk:
            errors["meeting"] = _("Choose one of the network's meetings.")
        if plan and plan.network_id != owner.pk:
            errors["plan"] = _("Choose a plan made in this network.")
    if errors:
        raise ValidationError(errors)


def _tags(names) -> list[Tag]:
    tags = []
    for name in names or []:
        name = clean_line(name, "tags", 80)
        slug = slugify(name)[:60]
        if not slug:
            raise ValidationError(
                {"tags": _("“%(name)s” cannot be a tag: use letters or digits.") % {"name": name}}
            )
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _check_publication(status: str, published_at: datetime | None) -> datetime | None:
    if status not in PublishStatus.values:
        raise ValidationError({"status": _("Choose draft or published.")})
    if status == PublishStatus.PUBLISHED and published_at is None:
        return timezone.now()
    return published_at


def _lead_partner(network: Network):
    lead = network.partnerships.filter(role="lead").select_related("organisation").first()
    return lead.organisation if lead else None


@transaction.atomic
def news_create(
    *,
    actor,
    owner,
    texts: list[dict],
    slug: str = "",
    original_language: str = "",
    author_organisation=None,
    status: str = PublishStatus.DRAFT,
    published_at: datetime | None = None,
    tags=(),
    meeting=None,
    plan=None,
) -> NewsItem:
    require_perm(actor, "portal.add_news", owner)
    texts = _check_texts(texts)
    original_language = check_language(original_language or texts[0]["language"])
    if isinstance(owner, Organisation):
        author_organisation = owner
    else:
        author_organisation = author_organisation or _lead_partner(owner)
        if author_organisation is None:
            raise ValidationError(
                {"author_organisation": _("Choose the partner that publishes the item.")}
            )
    _check_links(
        owner, author_organisation=author_organisation, meeting=meeting, plan=plan, actor=actor
    )
    slug = check_slug(slug or slug_from(texts[0]["title"], "news"), _slug_taken(owner), str(owner))
    item = NewsItem(
        **_owner_fields(owner),
        slug=slug,
        original_language=original_language,
        author_organisation=author_organisation,
        status=status,
        published_at=_check_publication(status, published_at),
        meeting=meeting,
        plan=plan,
        updated_by=actor,
    )
    item.full_clean()
    item.save()
    for text in texts:
        version = NewsText(item=item, **text)
        version.full_clean()
        version.save()
    item.tags.set(_tags(tags))
    return item


@transaction.atomic
def news_update(*, actor, item: NewsItem, **changes) -> NewsItem:
    require_perm(actor, "portal.change_news", item)
    unknown = sorted(set(changes) - set(ITEM_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    owner = item.owner
    if "slug" in changes:
        item.slug = check_slug(changes["slug"], _slug_taken(owner, item.pk), str(owner))
    if "original_language" in changes:
        item.original_language = check_language(changes["original_language"], "original_language")
    if isinstance(owner, Organisation):
        changes.pop("author_organisation", None)
    _check_links(
        owner,
        author_organisation=changes.get("author_organisation", item.author_organisation),
        meeting=changes.get("meeting", item.meeting),
        plan=changes.get("plan", item.plan),
        actor=actor if "meeting" in changes else None,
    )
    for name in ("author_organisation", "meeting", "plan"):
        if name in changes and (changes[name] is not None or name != "author_organisation"):
            setattr(item, name, changes[name])
    if "status" in changes or "published_at" in changes:
        item.status = changes.get("status", item.status)
        item.published_at = _check_publication(
            item.status, changes.get("published_at", item.published_at)
        )
    if "tags" in changes:
        item.tags.set(_tags(changes["tags"]))
    item.updated_at = timezone.now()
    item.updated_by = actor
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def news_text_save(*, actor, item: NewsItem, language: str, title: str, summary="", body=""):
    """Add or replace the item's version in one language."""
    require_perm(actor, "portal.change_news", item)
    check_language(language)
    title = clean_line(title, "title", 300)
    if not title:
        raise ValidationError({"title": _("Give this version a title.")})
    version, _created = NewsText.objects.update_or_create(
        item=item,
        language=language,
        defaults={
            "title": title,
            "summary": clean_line(summary, "summary", 500),
            "body": clean_text(body, "body"),
        },
    )
    _touch(item, actor)
    return version


@transaction.atomic
def news_text_delete(*, actor, item: NewsItem, language: str) -> None:
    require_perm(actor, "portal.change_news", item)
    versions = item.texts.all()
    if versions.count() <= 1:
        raise ValidationError(_("An item keeps at least one version: delete the item instead."))
    versions.filter(language=language).delete()
    if item.original_language == language:
        item.original_language = versions.first().language
    _touch(item, actor)


@transaction.atomic
def news_delete(*, actor, item: NewsItem) -> None:
    require_perm(actor, "portal.change_news", item)
    files = [f for image in item.images.all() for f in (image.image, image.thumbnail)]
    item.delete()
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))


@transaction.atomic
def news_image_add(
    *, actor, item: NewsItem, upload, alt_text: str, caption: str = "", is_cover: bool = False
) -> NewsImage:
    require_perm(actor, "portal.change_news", item)
    alt_text = clean_line(alt_text, "alt_text", 300)
    if not alt_text:
        raise ValidationError({"alt_text": _("Describe the photo for people who cannot see it.")})
    caption = clean_line(caption, "caption", 300)
    try:
        processed = process_photo(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    if is_cover:
        item.images.filter(is_cover=True).update(is_cover=False)
    image = NewsImage(
        item=item,
        width=processed.width,
        height=processed.height,
        alt_text=alt_text,
        caption=caption,
        is_cover=is_cover,
        position=item.images.count(),
        uploaded_by=actor,
    )
    image.image.save(processed.name, processed.image, save=False)
    image.thumbnail.save(processed.name, processed.thumbnail, save=False)
    image.save()
    _touch(item, actor)
    return image


@transaction.atomic
def news_image_delete(*, actor, image: NewsImage) -> None:
    item = image.item
    require_perm(actor, "portal.change_news", item)
    files = [image.image, image.thumbnail]
    image.delete()
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
    _touch(item, actor)


def _touch(item: NewsItem, actor) -> None:
    item.updated_at = timezone.now()
    item.updated_by = actor
    item.save(update_fields=["updated_at", "updated_by", "original_language"])
