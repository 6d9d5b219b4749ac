"""Engagement: each city's map of stakeholders (its local group and the wider ecosystem).

Personal data follows the GDPR: contact details are kept only with a recorded consent (date,
purpose, how it was given); a person's record can be exported whole and erased. Erasure
keeps the anonymous facts (kind, sector, influence, interest, role) the city's reports count,
and no change history is kept of these records, so nothing personal survives elsewhere.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from di4c.core.i18n import validate_single_line


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public administration")
    BUSINESS = "business", _("Business")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur or start-up")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia and research")
    ICT = "ict", _("ICT and technical bodies")
    CITIZEN = "citizen", _("Citizen")


class StakeholderKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Person")


class LocalGroupRole(models.TextChoices):
    NONE = "", _("Not in the local group")
    COORDINATOR = "coordinator", _("Local group coordinator")
    CORE = "core", _("Core member")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed form")
    EMAIL = "email", _("By e-mail")
    ONLINE = "online", _("Online form")
    MEETING = "meeting", _("In a meeting, recorded in the minutes")


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Stakeholder(models.Model):
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.CASCADE,
        related_name="stakeholders",
        verbose_name=_("city"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=StakeholderKind.choices,
        default=StakeholderKind.ORGANISATION,
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    description = models.TextField(
        _("what they do, why they matter"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],  # a TextField's max_length is not checked
    )
    influence = models.PositiveSmallIntegerField(
        _("influence (1–5)"), validators=SCORE, help_text=_("How much they can shape the plan.")
    )
    interest = models.PositiveSmallIntegerField(
        _("interest (1–5)"), validators=SCORE, help_text=_("How much the plan matters to them.")
    )
    local_group_role = models.CharField(
        _("role in the local group"),
        max_length=16,
        choices=LocalGroupRole.choices,
        blank=True,
        default=LocalGroupRole.NONE,
    )
    # Personal contact data: only with a recorded consent.
    contact_name = models.CharField(
        _("contact person"), max_length=150, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(
        _("telephone"), max_length=40, blank=True, validators=[validate_single_line]
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_purpose = models.CharField(
        _("purpose of the consent"), max_length=300, blank=True, validators=[validate_single_line]
    )
    consent_method = models.CharField(
        _("consent given"), max_length=16, choices=ConsentMethod.choices, blank=True
    )
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["organisation", "name", "pk"]
        indexes = [models.Index(fields=["organisation", "sector"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(influence__gte=1, influence__lte=5),
                name="stakeholder_influence_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(interest__gte=1, interest__lte=5),
                name="stakeholder_interest_1_to_5",
            ),
            # The GDPR rule in the database: no contact details without a recorded consent.
            models.CheckConstraint(
                condition=(Q(email="") & Q(phone="") & Q(contact_name=""))
                | (
                    Q(consent_given_on__isnull=False)
                    & ~Q(consent_purpose="")
                    & ~Q(consent_method="")
                ),
                name="stakeholder_contact_needs_consent",
                violation_error_message=_(
                    "Contact details are kept only with a recorded consent: give its date, "
                    "purpose and how it was given."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("engagement:stakeholder", args=[self.organisation.slug, self.pk])

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone or self.contact_name)

    def clean(self):
        if self.has_contact:
            missing = {}
            if self.consent_given_on is None:
                missing["consent_given_on"] = _(
                    "Contact details are kept only with a recorded consent: give its date."
                )
            if not self.consent_purpose:
                missing["consent_purpose"] = _("Say what the contact details are used for.")
            if not self.consent_method:
                missing["consent_method"] = _("Say how the consent was given.")
            if missing:
                raise ValidationError(missing)
        if self.consent_given_on and self.consent_given_on > timezone.localdate():
            raise ValidationError(
                {"consent_given_on": _("A consent cannot be given in the future.")}
            )
