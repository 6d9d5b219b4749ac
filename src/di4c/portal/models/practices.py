"""The good-practice library: what a city did, with what result, at what cost, and how well it
travels; linked to maturity dimensions (by code, across framework versions) and to services of
the reference list."""

from django.conf import settings
from django.core.validators import MinValueValidator
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


class Transferability(models.TextChoices):
    HIGH = "high", _("Easy to transfer")
    MEDIUM = "medium", _("Transferable with adaptation")
    LOW = "low", _("Hard to transfer")


class Practice(models.Model):
    slug = models.SlugField(
        _("web address name"), max_length=80, unique=True, validators=[portal_slug_validator]
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.CASCADE,
        related_name="practices",
        verbose_name=_("city"),
    )
    original_language = models.CharField(
        _("original language"), max_length=8, choices=language_choices(), default="en"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    cost_eur = models.DecimalField(
        _("cost (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, _("The cost cannot be negative."))],
    )
    transferability = models.CharField(
        _("transferability"),
        max_length=8,
        choices=Transferability.choices,
        default=Transferability.MEDIUM,
    )
    contact_name = models.CharField(
        _("contact person"), max_length=150, blank=True, validators=[validate_single_line]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("web address"), blank=True, max_length=500)
    services = models.ManyToManyField(
        "services.ReferenceService",
        blank=True,
        related_name="practices",
        verbose_name=_("services it concerns"),
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_eur__isnull=True) | Q(cost_eur__gte=0),
                name="practice_cost_positive",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="practice_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        version = self.version()
        return version.title if version else self.slug

    def get_absolute_url(self) -> str:
        return reverse("portal:practice", args=[self.slug])

    def version(self, language: str | None = None):
        return pick_version(self.texts.all(), language, self.original_language)

    @property
    def is_public(self) -> bool:
        return self.status == PublishStatus.PUBLISHED


class PracticeText(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=language_choices())
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    summary = models.CharField(
        _("summary"), max_length=500, blank=True, validators=[validate_single_line]
    )
    problem = models.TextField(_("the problem"), blank=True)
    what_was_done = models.TextField(_("what was done"), blank=True)
    results = models.TextField(_("results"), blank=True)
    transferability_notes = models.TextField(_("what another city needs to repeat it"), blank=True)

    class Meta:
        ordering = ["practice", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "language"], name="practice_text_per_language"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PracticeFigure(models.Model):
    """A result in figures: "+38 %" "of requests made online", shown large on the page."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="figures")
    value = models.CharField(_("figure"), max_length=30, validators=[validate_single_line])
    label = models.CharField(
        _("what it measures"), max_length=200, validators=[validate_single_line]
    )
    label_i18n = TranslationsField()
    position = models.PositiveSmallIntegerField(default=0)

    display_label = Localized("label")

    class Meta:
        ordering = ["practice", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class PracticeDimension(models.Model):
    """A maturity dimension the practice improves, by code: it stays linked when the
    framework gets a new version."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="dimensions")
    framework_code = models.SlugField(max_length=60)
    dimension_code = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "framework_code", "dimension_code"],
                name="practice_dimension_once",
            )
        ]
        indexes = [models.Index(fields=["framework_code", "dimension_code"])]

    def __str__(self) -> str:
        return f"{self.framework_code}:{self.dimension_code}"


def attachment_upload_to(instance, filename: str) -> str:
    return f"portal/practices/{instance.practice_id}/{filename}"


class PracticeAttachment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
