"""What consultations and ideas share: they belong to a city and may concern one of its plans
and one of its services, never another city's."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TiedToCityPlan(models.Model):
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        verbose_name=_("city"),
    )
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("action plan"),
    )
    service = models.ForeignKey(
        "services.PublicService",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("public service"),
    )

    class Meta:
        abstract = True

    def check_same_city(self) -> None:
        city_id = self.organisation_id
        if self.plan_id and self.plan.organisation_id != city_id:
            raise ValidationError({"plan": _("Choose a plan of this city.")})
        if self.service_id and self.service.organisation_id != city_id:
            raise ValidationError({"service": _("Choose a service of this city.")})
