"""Integrated Action Plans: a city's vision, objectives, actions with their funding, risks and
indicators, and the record of how they are implemented after adoption.

Editable records carry a `version` that every save increments: an edit based on an older
version is refused (two people editing at once lose nothing; see services/common.py).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from di4c.core.i18n import validate_single_line


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ROADMAP = "roadmap", _("Roadmap")
    SUBMITTED = "submitted", _("Submitted to the network")
    ADOPTED = "adopted", _("Adopted by the city council")
    IMPLEMENTING = "implementing", _("In implementation")
    CLOSED = "closed", _("Closed")


# Which status may follow which: forward along the URBACT method, and back where a plan is
# returned (a submitted plan goes back to the roadmap) or reopened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PlanStatus.DRAFT: (PlanStatus.ROADMAP, PlanStatus.SUBMITTED),
    PlanStatus.ROADMAP: (PlanStatus.SUBMITTED, PlanStatus.DRAFT),
    PlanStatus.SUBMITTED: (PlanStatus.ADOPTED, PlanStatus.ROADMAP),
    PlanStatus.ADOPTED: (PlanStatus.IMPLEMENTING,),
    PlanStatus.IMPLEMENTING: (PlanStatus.CLOSED,),
    PlanStatus.CLOSED: (PlanStatus.IMPLEMENTING,),
}


class UpdateCycle(models.IntegerChoices):
    MONTHLY = 1, _("Monthly")
    QUARTERLY = 3, _("Quarterly")


class Weighting(models.TextChoices):
    AUTO = "auto", _("By estimated cost, unless weights are set on actions")
    COST = "cost", _("By estimated cost")
    WEIGHT = "weight", _("By the weights set on actions")
    EQUAL = "equal", _("Every action counts the same")


class Plan(models.Model):
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.CASCADE,
        related_name="plans",
        verbose_name=_("city"),
    )
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("network"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    vision_headline = models.CharField(
        _("vision: the headline of tomorrow's newspaper"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
    )
    vision_story = models.TextField(_("vision: the story behind the headline"), blank=True)
    context = models.TextField(_("context"), blank=True)
    # Pulled in from the maturity and services apps, never retyped: see services.baseline_take.
    baseline = models.JSONField(_("baseline"), default=dict, blank=True)
    baseline_taken_at = models.DateTimeField(_("baseline taken on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopted by the council on"), null=True, blank=True)
    adoption_reference = models.CharField(
        _("council decision reference"), max_length=120, blank=True
    )
    update_cycle = models.PositiveSmallIntegerField(
        _("progress updates are due"), choices=UpdateCycle.choices, default=UpdateCycle.QUARTERLY
    )
    weighting = models.CharField(
        _("progress roll-up"), max_length=8, choices=Weighting.choices, default=Weighting.AUTO
    )
    language = models.CharField(
        _("language of the plan"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_public = models.BooleanField(_("published"), default=False)
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="plans_contributed",
        verbose_name=_("local group contributors"),
        help_text=_("Local group members who may edit the plan."),
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["baseline"])

    class Meta:
        verbose_name = _("Integrated Action Plan")
        verbose_name_plural = _("Integrated Action Plans")
        ordering = ["organisation__name", "network__acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network"], name="plan_one_per_city_and_network"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["adopted", "implementing", "closed"])
                | Q(adopted_on__isnull=False),
                name="plan_adopted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def next_statuses(self) -> list[PlanStatus]:
        return [PlanStatus(value) for value in TRANSITIONS.get(self.status, ())]


class PlanSnapshot(models.Model):
    """The whole plan as it stood when its status changed: the adopted text stays shown as
    adopted whatever is edited later."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="snapshots")
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices)
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField()

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self) -> str:
        return f"{self.plan} – {self.get_status_display()} – {self.taken_at:%Y-%m-%d}"


class CreatedFromGap(models.Model):
    """The closed loop: the maturity indicator, the service or the staff competence an
    objective or action was created from (services.objective_from_gap, action_from_gap,
    action_from_service, action_from_training_need)."""

    source_indicator = models.ForeignKey(
        "maturity.Indicator", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_service = models.ForeignKey(
        "services.PublicService",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_competence = models.ForeignKey(
        "capacity.Competence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class Objective(CreatedFromGap):
    """A strategic objective (no parent) or a specific objective (under a strategic one):
    the problem tree flipped into objectives."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("strategic objective"),
    )
    code = models.CharField(_("code"), max_length=12, validators=[validate_single_line])
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    problem = models.TextField(_("the problem it answers"), blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["plan", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="objective_code_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_strategic(self) -> bool:
        return self.parent_id is None

    def clean(self):
        if not self.parent_id:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An objective cannot be its own parent.")})
        if self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("The strategic objective is in another plan.")})
        if self.parent.parent_id:
            raise ValidationError(
                {"parent": _("A specific objective belongs to a strategic objective.")}
            )
        if self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("This objective has specific objectives: it stays strategic.")}
            )


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Plans run over years, not millennia: a typo such as 0202 or 9999 is refused.
PLAN_YEARS = (1990, 2100)


def first_of_month(value: dt.date | None) -> dt.date | None:
    return value.replace(day=1) if value else None


class Action(CreatedFromGap):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    # CASCADE so that a whole plan can be deleted; services.objective_delete refuses to delete
    # an objective that still has actions.
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="actions", verbose_name=_("objective")
    )
    code = models.CharField(_("code"), max_length=12, validators=[validate_single_line])
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True)
    lead_department = models.CharField(
        _("lead department"), max_length=200, blank=True, validators=[validate_single_line]
    )
    contact_person = models.CharField(
        _("contact person"), max_length=150, blank=True, validators=[validate_single_line]
    )
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Receives the reminders to update.")
    )
    partners = models.TextField(_("partners involved"), blank=True)
    stakeholders = models.TextField(_("local group stakeholders involved"), blank=True)
    # Month precision: stored as the first day of the start month and of the end month.
    starts_on = models.DateField(_("start (month)"), null=True, blank=True)
    ends_on = models.DateField(_("end (month)"), null=True, blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=8,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
        help_text=_("Used when the plan rolls progress up by weight."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    progress_updated_at = models.DateTimeField(_("last progress update"), default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    inspired_by = models.ManyToManyField(
        "portal.Practice",
        blank=True,
        related_name="inspired_actions",
        verbose_name=_("inspired by good practices"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="action_code_per_plan"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_range"),
            models.CheckConstraint(condition=Q(estimated_cost__gte=0), name="action_cost_positive"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="action_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:action", args=[self.plan_id, self.pk])

    def clean(self):
        self.starts_on = first_of_month(self.starts_on)
        self.ends_on = first_of_month(self.ends_on)
        errors = {}
        for name in ("starts_on", "ends_on"):
            value = getattr(self, name)
            if value and not PLAN_YEARS[0] <= value.year <= PLAN_YEARS[1]:
                errors[name] = _("Give a year between %(first)s and %(last)s.") % {
                    "first": PLAN_YEARS[0],
                    "last": PLAN_YEARS[1],
                }
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors.setdefault("ends_on", _("The action cannot end before it starts."))
        if self.objective_id and self.plan_id and self.objective.plan_id != self.plan_id:
            errors["objective"] = _("The objective is in another plan.")
        if self.status == ActionStatus.DONE and self.progress != 100:
            errors["progress"] = _("A done action is complete: its progress must be 100.")
        if errors:
            raise ValidationError(errors)

    def months(self) -> list[dt.date]:
        """First days of the months the action runs (its start month to its end month)."""
        if not self.starts_on:
            return []
        end = self.ends_on or self.starts_on
        months, current = [], self.starts_on
        # Bounded even for dates stored before the year check: at most a century of months.
        while current <= end and len(months) < 1200 and current.year < 9999:
            months.append(current)
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return months


class FundingKind(models.TextChoices):
    ERDF = "erdf", _("EU: European Regional Development Fund (ERDF)")
    ESF_PLUS = "esf_plus", _("EU: European Social Fund Plus (ESF+)")
    DIGITAL_EUROPE = "digital_europe", _("EU: Digital Europe Programme")
    RRF = "rrf", _("EU: Recovery and Resilience Facility")
    EU_OTHER = "eu_other", _("EU: other fund")
    NATIONAL = "national", _("National")
    MUNICIPAL = "municipal", _("Municipal budget")
    PRIVATE = "private", _("Private")
    OTHER = "other", pgettext_lazy("funding source", "Other")


EU_FUNDS = {
    FundingKind.ERDF,
    FundingKind.ESF_PLUS,
    FundingKind.DIGITAL_EUROPE,
    FundingKind.RRF,
    FundingKind.EU_OTHER,
}


class FundingStatus(models.TextChoices):
    SECURED = "secured", _("Secured")
    APPLIED = "applied", _("Applied for")
    PLANNED = "planned", _("Planned")


class Funding(models.Model):
    """One source's share of an action's cost."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="fundings")
    kind = models.CharField(_("funding source"), max_length=16, choices=FundingKind.choices)
    name = models.CharField(
        _("programme or fund name"), max_length=200, blank=True, validators=[validate_single_line]
    )
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FundingStatus.choices, default=FundingStatus.PLANNED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["action", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount}"


class OutputIndicator(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="outputs")
    name = models.CharField(_("output"), max_length=300, validators=[validate_single_line])
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    achieved = models.DecimalField(
        _("achieved"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("output indicator")
        verbose_name_plural = _("output indicators")
        ordering = ["action", "pk"]

    def __str__(self) -> str:
        return self.name


class Risk(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(_("risk"), max_length=300, validators=[validate_single_line])
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["action", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scale_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class TestAction(models.Model):
    """A small-scale test action: what was tried, when, and what was learned."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="tests")
    title = models.CharField(_("what was tried"), max_length=300, validators=[validate_single_line])
    tried_from = models.DateField(_("from"), null=True, blank=True)
    tried_until = models.DateField(_("until"), null=True, blank=True)
    learned = models.TextField(_("what was learned"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("small-scale test action")
        verbose_name_plural = _("small-scale test actions")
        ordering = ["action", "tried_from", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.tried_from and self.tried_until and self.tried_until < self.tried_from:
            raise ValidationError({"tried_until": _("The test cannot end before it starts.")})


class StatusChange(models.Model):
    """An update of an action's status or progress: the public feed and the stale mark read
    these."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=12, choices=ActionStatus.choices, blank=True)
    new_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at"]
        indexes = [models.Index(fields=["action", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.action}: {self.old_status} -> {self.new_status}"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    PER_ASSESSMENT = "assessment", _("With each maturity assessment")


class Binding(models.TextChoices):
    NONE = "", _("Entered by hand")
    MATURITY_OVERALL = "maturity_overall", _("Overall maturity score")
    MATURITY_DIMENSION = "maturity_dimension", _("Maturity score of a dimension")
    SERVICES_ONLINE = "services_online", _("Share of services online (level 3 or more)")
    SERVICES_UPTAKE = "services_uptake", _("Uptake: share of requests made online")
    SERVICE_UPTAKE = "service_uptake", _("Online share of one service's requests")
    CAPACITY_AT_TARGET = "capacity_at_target", _("Staff skills: share at or above target")


class ResultIndicator(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300, validators=[validate_single_line])
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.YEARLY
    )
    # The closed loop: a bound indicator gets its measurements from the maturity and services
    # apps by itself (services.indicator_sync).
    binding = models.CharField(
        _("measured from"), max_length=20, choices=Binding.choices, blank=True, default=""
    )
    framework_code = models.SlugField(_("framework"), max_length=60, blank=True)
    dimension_code = models.CharField(_("dimension"), max_length=10, blank=True)
    service = models.ForeignKey(
        "services.PublicService",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")
        ordering = ["objective", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        maturity = (Binding.MATURITY_OVERALL, Binding.MATURITY_DIMENSION)
        if self.binding in maturity and not self.framework_code:
            errors["framework_code"] = _("Choose the maturity framework.")
        if self.binding == Binding.MATURITY_DIMENSION and not self.dimension_code:
            errors["dimension_code"] = _("Choose the dimension.")
        if self.binding == Binding.SERVICE_UPTAKE and not self.service_id:
            errors["service"] = _("Choose the service.")
        if (
            self.service_id
            and self.objective_id
            and self.service.organisation_id != self.objective.plan.organisation_id
        ):
            errors["service"] = _("The service belongs to another city.")
        if self.baseline_on and self.target_on and self.target_on < self.baseline_on:
            errors["target_on"] = _("The target date cannot be before the baseline date.")
        if errors:
            raise ValidationError(errors)


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    MATURITY = "maturity", _("Maturity assessment")
    SERVICES = "services", _("Services figures")
    CAPACITY = "capacity", _("Staff self-assessment")


class Measurement(models.Model):
    indicator = models.ForeignKey(
        ResultIndicator, on_delete=models.CASCADE, related_name="measurements"
    )
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(
        max_length=10, choices=MeasurementSource.choices, default=MeasurementSource.MANUAL
    )
    # For measurements taken from another app: what they came from ("assessment:12",
    # "year:2022"), so that a new sync updates them instead of adding them twice.
    source_ref = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "source_ref"],
                condition=~Q(source_ref=""),
                name="measurement_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"


class Comment(models.Model):
    """A remark of the network's coordinator, an expert or a city member on the plan or one
    of its actions."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]
