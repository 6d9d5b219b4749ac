"""A city's side of the framework: its departments (the groups results are shown by), the
staff roles it sets target profiles for, and the target level per role and competence."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from di4c.capacity.models.framework import LEVEL_MAX, LEVEL_MIN
from di4c.core.i18n import validate_single_line


class Department(models.Model):
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("department"), max_length=150, validators=[validate_single_line])
    # The headcount, for the share of staff assessed; optional.
    staff_count = models.PositiveIntegerField(
        _("staff"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.Model):
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.CASCADE, related_name="staff_roles"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("role"), max_length=120, validators=[validate_single_line])
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["organisation", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="staff_role_code_once")
        ]

    def __str__(self) -> str:
        return self.name


class TargetLevel(models.Model):
    """The level a role should reach in a competence: one cell of a target profile."""

    role = models.ForeignKey(StaffRole, on_delete=models.CASCADE, related_name="targets")
    competence = models.ForeignKey(
        "capacity.Competence", on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("target level"),
        validators=[MinValueValidator(LEVEL_MIN), MaxValueValidator(LEVEL_MAX)],
    )

    class Meta:
        verbose_name = _("target level")
        verbose_name_plural = _("target levels")
        constraints = [
            models.UniqueConstraint(fields=["role", "competence"], name="target_once_per_cell"),
            models.CheckConstraint(
                condition=Q(level__gte=LEVEL_MIN, level__lte=LEVEL_MAX), name="target_level_1_8"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.competence.code} = {self.level}"
