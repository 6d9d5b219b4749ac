"""News items of a network or a city: text versions per language, a cover photo and a gallery,
tags, and optional links to a meeting or a plan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from di4c.core.i18n import Localized, TranslationsField, validate_single_line
from di4c.portal.models.common import (
    PublishStatus,
    language_choices,
    pick_version,
    portal_slug_validator,
)


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80, validators=[validate_single_line])
    name_i18n = TranslationsField(verbose_name=_("name translations"))

    display_name = Localized("name")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.display_name


class NewsItemQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(status=PublishStatus.PUBLISHED, published_at__lte=now or timezone.now())


class NewsItem(models.Model):
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name=_("network"),
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name=_("city"),
    )
    slug = models.SlugField(
        _("web address name"), max_length=80, validators=[portal_slug_validator]
    )
    original_language = models.CharField(
        _("original language"), max_length=8, choices=language_choices(), default="en"
    )
    author_organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.PROTECT,
        related_name="authored_news",
        verbose_name=_("published by"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("A future date schedules the item: it appears then."),
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="news_items", verbose_name=_("tags")
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name=_("meeting"),
    )
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name=_("action plan"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(network__isnull=True, organisation__isnull=False)
                | Q(network__isnull=False, organisation__isnull=True),
                name="news_one_owner",
            ),
            models.UniqueConstraint(
                fields=["network", "slug"],
                condition=Q(network__isnull=False),
                name="news_slug_per_network",
            ),
            models.UniqueConstraint(
                fields=["organisation", "slug"],
                condition=Q(organisation__isnull=False),
                name="news_slug_per_city",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="news_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "status", "published_at"]),
            models.Index(fields=["organisation", "status", "published_at"]),
        ]

    def __str__(self) -> str:
        version = self.version()
        return version.title if version else self.slug

    def get_absolute_url(self) -> str:
        return reverse(f"portal:{self.owner_kind}_news_item", args=[self.owner.slug, self.slug])

    @property
    def owner(self):
        return self.network or self.organisation

    @property
    def owner_kind(self) -> str:
        return "network" if self.network_id else "city"

    def version(self, language: str | None = None):
        """The text in the reader's language, or the fallback (`is_fallback`)."""
        return pick_version(self.texts.all(), language, self.original_language)

    @property
    def is_public(self) -> bool:
        return (
            self.status == PublishStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def cover(self):
        for image in self.images.all():
            if image.is_cover:
                return image
        return None

    @property
    def gallery(self):
        return [image for image in self.images.all() if not image.is_cover]


class NewsText(models.Model):
    """One language version of a news item."""

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=language_choices())
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    summary = models.CharField(
        _("summary"),
        max_length=500,
        blank=True,
        validators=[validate_single_line],
        help_text=_("One or two sentences: shown in lists, feeds and search engines."),
    )
    body = models.TextField(_("text (Markdown)"), blank=True)

    class Meta:
        verbose_name = _("news text")
        verbose_name_plural = _("news texts")
        ordering = ["item", "language"]
        constraints = [
            models.UniqueConstraint(fields=["item", "language"], name="news_text_per_language")
        ]

    def __str__(self) -> str:
        return self.title


def news_image_upload_to(instance, filename: str) -> str:
    return f"portal/news/{instance.item_id}/{filename}"


class NewsImage(models.Model):
    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(upload_to=news_image_upload_to, max_length=300)
    thumbnail = models.FileField(upload_to=news_image_upload_to, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_text = models.CharField(
        _("description for people who cannot see the photo"),
        max_length=300,
        validators=[validate_single_line],
    )
    alt_text_i18n = TranslationsField(verbose_name=_("description translations"))
    caption = models.CharField(
        _("caption"), max_length=300, blank=True, validators=[validate_single_line]
    )
    is_cover = models.BooleanField(_("cover photo"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    display_alt_text = Localized("alt_text")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["item", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(is_cover=True), name="news_one_cover"
            )
        ]

    def __str__(self) -> str:
        return self.alt_text
