"""Training sessions a city plans for its staff, who enrols, who attended, and the materials."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from di4c.core.i18n import validate_single_line


class Training(models.Model):
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.CASCADE,
        related_name="trainings",
        verbose_name=_("city"),
    )
    topic = models.CharField(_("topic"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), max_length=5000, blank=True)
    competences = models.ManyToManyField(
        "capacity.Competence", related_name="trainings", verbose_name=_("competences addressed")
    )
    trainer = models.CharField(
        _("trainer"), max_length=200, blank=True, validators=[validate_single_line]
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["organisation", "-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_has_places"),
            models.CheckConstraint(condition=Q(duration_hours__gt=0), name="training_has_duration"),
        ]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("capacity:training", args=[self.pk])

    def clean(self):
        errors = {}
        if not self.is_online and not self.place.strip():
            errors["place"] = _("Give the place, or mark the training as online.")
        if self.is_online and self.place.strip() == "" and not self.online_url:
            errors["online_url"] = _("Give the link of the online session.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_taken_place(self) -> bool:
        return not self.is_cancelled and self.starts_at <= timezone.now()


class Enrolment(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="enrolments")
    # Set when staff enrol themselves; the city's editors can also enrol people by name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    full_name = models.CharField(_("name"), max_length=150, validators=[validate_single_line])
    email = models.EmailField(_("e-mail"), blank=True)
    department = models.ForeignKey(
        "capacity.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    # None until attendance is recorded.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["training", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "user"],
                condition=Q(user__isnull=False),
                name="enrolled_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["training", "email"],
                condition=~Q(email=""),
                name="enrolled_once_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} – {self.training}"


def material_path(instance, filename: str) -> str:
    return f"capacity/trainings/{instance.training_id}/{filename}"


class TrainingMaterial(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    file = models.FileField(upload_to=material_path, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")
        ordering = ["training", "uploaded_at"]

    def __str__(self) -> str:
        return self.title
