"""Programmes, networks with their phases, organisations, and the partnerships between them.

Rules live twice on purpose: `clean()` gives the reader a message on the right field, the
database constraint guarantees the rule whatever writes the row.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from di4c.core.i18n import (
    Localized,
    TranslationsField,
    validate_language_codes,
    validate_single_line,
)

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case ASCII letters, digits and single hyphens, e.g. 'roquetas-de-mar'."),
)


class Programme(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    name_i18n = TranslationsField(verbose_name=_("name translations"))
    description = models.TextField(_("description"), blank=True)
    description_i18n = TranslationsField(verbose_name=_("description translations"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("networks:programme", args=[self.slug])

    display_name = Localized("name")

    display_description = Localized("description")


class Network(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="networks", verbose_name=_("programme")
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True, validators=[slug_validator])
    acronym = models.CharField(_("acronym"), max_length=30, validators=[validate_single_line])
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    name_i18n = TranslationsField(verbose_name=_("name translations"))
    theme = models.CharField(
        _("theme"), max_length=200, blank=True, validators=[validate_single_line]
    )
    theme_i18n = TranslationsField(verbose_name=_("theme translations"))
    aims = models.TextField(_("aims"), blank=True)
    aims_i18n = TranslationsField(verbose_name=_("aims translations"))
    budget_eur = models.DecimalField(
        _("budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, _("The budget cannot be negative."))],
    )
    languages = models.JSONField(
        _("working languages"), default=list, blank=True, validators=[validate_language_codes]
    )
    website = models.URLField(_("website"), blank=True)
    anonymous_benchmarks = models.BooleanField(
        _("show peers anonymously in benchmarks"),
        default=False,
        help_text=_(
            "Partners see each other as 'Partner A, B, …'; coordinators and experts "
            "always see names."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["acronym"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_eur__isnull=True) | Q(budget_eur__gte=0),
                name="network_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.acronym} - {self.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("networks:network", args=[self.slug])

    display_name = Localized("name")

    display_theme = Localized("theme")

    display_aims = Localized("aims")


class Phase(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name = models.CharField(
        _("name"), max_length=120, blank=True, validators=[validate_single_line]
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["network", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="phase_ends_after_start",
                violation_error_message=_("A phase cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["network", "number"],
                name="phase_number_unique_in_network",
                violation_error_message=_("This network already has a phase with this number."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        base = _("Phase %(number)s") % {"number": self.number}
        return f"{base} ({self.name})" if self.name else str(base)

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("A phase cannot end before it starts.")}, code="ends_before_start"
            )


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    COUNTY_COUNCIL = "county_council", _("City and county council")
    DIGITAL_INNOVATION_CENTRE = "digital_innovation_centre", _("Digital innovation centre")
    DEVELOPMENT_COMPANY = "development_company", _("Municipal development company")
    UNIVERSITY = "university", _("University")
    AGENCY = "agency", _("Agency")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    name_i18n = TranslationsField(verbose_name=_("name translations"))
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    country = CountryField(_("country"))
    city = models.CharField(
        _("city"), max_length=120, blank=True, validators=[validate_single_line]
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="affiliates",
        verbose_name=_("part of"),
        help_text=_("E.g. a municipality's development company."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="organisation_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="organisation_longitude_range",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="organisation_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("networks:organisation", args=[self.slug])

    display_name = Localized("name")

    def clean(self):
        # Walk up the chain: A part of B part of A would make pages loop.
        seen = {self.pk} if self.pk else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("An organisation cannot be part of itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead partner")
    PARTNER = "partner", _("Partner")


class Partnership(models.Model):
    """An organisation's membership of a network, over time (partners come and go)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validate_single_line]
    )
    note_i18n = TranslationsField(verbose_name=_("note translations"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="partnership_leaves_after_joining",
                violation_error_message=_("A partner cannot leave before it joins."),
            ),
            # fields include role so that a form's per-field message suppresses this one.
            models.UniqueConstraint(
                fields=["network", "role"],
                condition=Q(role="lead"),
                name="partnership_one_lead_per_network",
                violation_error_message=_("This network already has a lead partner."),
            ),
            models.UniqueConstraint(
                fields=["network", "organisation"],
                name="partnership_unique_organisation_in_network",
                violation_error_message=_("This organisation is already a partner of the network."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.network.acronym}"

    display_note = Localized("note")

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.left_on is None or self.left_on >= on

    def clean(self):
        errors = {}
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = _("A partner cannot leave before it joins.")
        if self.network_id and self.role == PartnerRole.LEAD:
            other_lead = Partnership.objects.filter(network_id=self.network_id, role="lead")
            if other_lead.exclude(pk=self.pk).exists():
                errors["role"] = _("This network already has a lead partner.")
        if self.network_id and self.organisation_id:
            same = Partnership.objects.filter(
                network_id=self.network_id, organisation_id=self.organisation_id
            )
            if same.exclude(pk=self.pk).exists():
                errors["organisation"] = _("This organisation is already a partner of the network.")
        if errors:
            raise ValidationError(errors)
