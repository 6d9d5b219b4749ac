"""Each city's catalogue of public services, how far each is digitalised, and how much it is
used online, year by year.

The digitalisation level is derived from explicit criteria, never typed in: the highest level
whose criteria all hold (the weakest criterion sets the level, as in the German OZG model).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from di4c.core.i18n import Localized, TranslationsField, validate_single_line

# The criteria of levels 1 to 4, in order: a level holds when its criterion and all lower ones do.
LEVEL_CRITERIA = ("info_online", "form_online", "submit_online", "fully_online")


def derive_level(**criteria: bool) -> int:
    level = 0
    for name in LEVEL_CRITERIA:
        if not criteria.get(name):
            break
        level += 1
    return level


def contradictions(**criteria: bool) -> list[str]:
    """Criteria that hold while a lower one does not: the weakest criterion sets the level,
    so such a record is inconsistent rather than high."""
    problems = []
    for index, name in enumerate(LEVEL_CRITERIA[1:], start=1):
        lower = LEVEL_CRITERIA[index - 1]
        if criteria.get(name) and not criteria.get(lower):
            problems.append(name)
    return problems


class LifeEvent(models.Model):
    code = models.SlugField(unique=True, max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_i18n = TranslationsField()
    position = models.PositiveSmallIntegerField(default=0)

    display_name = Localized("name")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.display_name


class ReferenceService(models.Model):
    """A service of the project's reference list (data/reference-services-v*.yaml)."""

    code = models.SlugField(unique=True, max_length=60)
    life_event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="references")
    is_key = models.BooleanField(_("key public service (EU 2030 target)"), default=False)
    name = models.CharField(_("name"), max_length=200)
    name_i18n = TranslationsField()
    description = models.TextField(_("description"), blank=True)
    description_i18n = TranslationsField()
    list_version = models.PositiveIntegerField(default=1)

    display_name = Localized("name")
    display_description = Localized("description")

    class Meta:
        ordering = ["life_event__position", "name"]

    def __str__(self) -> str:
        return self.display_name


class PublicService(models.Model):
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.CASCADE, related_name="public_services"
    )
    reference = models.ForeignKey(
        ReferenceService,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("reference service"),
    )
    life_event = models.ForeignKey(
        LifeEvent, on_delete=models.PROTECT, related_name="services", verbose_name=_("life event")
    )
    is_key = models.BooleanField(_("key public service (EU 2030 target)"), default=False)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    name_i18n = TranslationsField()
    department = models.CharField(
        _("owning department"), max_length=200, blank=True, validators=[validate_single_line]
    )
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web address"), blank=True, max_length=500)
    info_online = models.BooleanField(_("information is online"), default=False)
    form_online = models.BooleanField(_("the form can be filled in online"), default=False)
    submit_online = models.BooleanField(
        _("application and evidence can be submitted online"), default=False
    )
    fully_online = models.BooleanField(
        _(
            "fully online: payment and signature online, no paper step, no evidence the "
            "authority already holds"
        ),
        default=False,
    )
    level = models.PositiveSmallIntegerField(_("digitalisation level"), default=0, editable=False)
    eid = models.BooleanField(_("eID sign-in"), default=False)
    e_payment = models.BooleanField(_("e-payment"), default=False)
    e_signature = models.BooleanField(_("e-signature"), default=False)
    mobile_friendly = models.BooleanField(_("mobile-friendly"), default=False)
    other_languages = models.BooleanField(_("available in other languages"), default=False)
    satisfaction = models.DecimalField(
        _("citizen satisfaction (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    display_name = Localized("name")

    class Meta:
        verbose_name = _("public service")
        verbose_name_plural = _("public services")
        ordering = ["life_event__position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                condition=Q(reference__isnull=False),
                name="service_reference_once_per_city",
            ),
            models.CheckConstraint(condition=Q(level__lte=4), name="service_level_range"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=0, satisfaction__lte=100),
                name="service_satisfaction_range",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "level"])]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.level = derive_level(**self.criteria)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "level"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("services:edit", args=[self.organisation.slug, self.pk])

    @classmethod
    def from_reference(cls, organisation, reference: ReferenceService) -> "PublicService":
        """A catalogue entry adopted from the reference list (not saved)."""
        return cls(
            organisation=organisation,
            reference=reference,
            life_event_id=reference.life_event_id,
            is_key=reference.is_key,
            name=reference.name,
            name_i18n=reference.name_i18n,
            description=reference.description,
        )

    @property
    def criteria(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in LEVEL_CRITERIA}

    def clean(self):
        wrong = contradictions(**self.criteria)
        if wrong:
            raise ValidationError(
                {name: _("This cannot hold while the level below it does not.") for name in wrong}
            )


class ServiceYear(models.Model):
    """A service's figures for one year: its level that year and its requests."""

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    level = models.PositiveSmallIntegerField(_("level that year"), default=0)
    total_requests = models.PositiveIntegerField(_("requests in total"), null=True, blank=True)
    online_requests = models.PositiveIntegerField(_("requests made online"), null=True, blank=True)

    class Meta:
        ordering = ["service", "year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="service_year_unique"),
            models.CheckConstraint(
                condition=Q(online_requests__isnull=True)
                | Q(total_requests__isnull=True)
                | Q(online_requests__lte=F("total_requests")),
                name="service_year_online_within_total",
            ),
            models.CheckConstraint(condition=Q(level__lte=4), name="service_year_level_range"),
        ]
        indexes = [models.Index(fields=["year", "service"])]

    def __str__(self) -> str:
        return f"{self.service} {self.year}"

    def clean(self):
        if (
            self.online_requests is not None
            and self.total_requests is not None
            and self.online_requests > self.total_requests
        ):
            raise ValidationError(
                {"online_requests": _("Online requests cannot exceed the total requests.")}
            )


class IndexPublication(models.Model):
    """A city's choice to show its digitalisation index on its public page."""

    organisation = models.OneToOneField(
        "networks.Organisation", on_delete=models.CASCADE, related_name="index_publication"
    )
    is_public = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.organisation}: {'public' if self.is_public else 'private'}"
