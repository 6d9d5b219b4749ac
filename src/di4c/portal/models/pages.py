"""Static pages: "About us", the accessibility statement and the privacy notice, for the
instance itself, a network or a city."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from di4c.core.i18n import validate_single_line
from di4c.portal.models.common import language_choices, pick_version


class PageKind(models.TextChoices):
    ABOUT = "about", _("About us")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")
    PRIVACY = "privacy", _("Privacy notice")


class Page(models.Model):
    """Neither network nor city: one of the instance's own pages (edited by the platform
    administrators)."""

    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pages",
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pages",
    )
    kind = models.CharField(_("page"), max_length=20, choices=PageKind.choices)
    original_language = models.CharField(
        _("original language"), max_length=8, choices=language_choices(), default="en"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.CheckConstraint(
                condition=Q(network__isnull=True) | Q(organisation__isnull=True),
                name="page_at_most_one_owner",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(network__isnull=True, organisation__isnull=True),
                name="page_kind_once_for_instance",
            ),
            models.UniqueConstraint(
                fields=["network", "kind"],
                condition=Q(network__isnull=False),
                name="page_kind_once_per_network",
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(organisation__isnull=False),
                name="page_kind_once_per_city",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_absolute_url(self) -> str:
        if self.network_id:
            return reverse("portal:network_page", args=[self.network.slug, self.kind])
        if self.organisation_id:
            return reverse("portal:city_page", args=[self.organisation.slug, self.kind])
        return reverse("portal:page", args=[self.kind])

    @property
    def owner(self):
        return self.network or self.organisation

    def version(self, language: str | None = None):
        return pick_version(self.texts.all(), language, self.original_language)


class PageText(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=language_choices())
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    body = models.TextField(_("text (Markdown)"), blank=True)

    class Meta:
        ordering = ["page", "language"]
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="page_text_per_language")
        ]

    def __str__(self) -> str:
        return self.title
