"""Maturity frameworks (loaded from versioned data files), assessments, answers and scores.

A framework version is immutable once loaded: a new file version makes new rows, so the scores
of assessments made with an older version never change.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from di4c.core.i18n import Localized, TranslationsField


class Scale(models.TextChoices):
    LEVELS = "levels", _("Levels 0 to 4")
    YES_NO = "yes_no", _("Yes or no")


SCALE_MAX = {Scale.LEVELS: 4, Scale.YES_NO: 1}


class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    name_i18n = TranslationsField()
    description = models.TextField(_("description"), blank=True)
    description_i18n = TranslationsField()
    scoring = models.CharField(_("scoring rule"), max_length=30)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    level_names = models.JSONField(_("level names"), default=list)
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("maturity:framework", args=[self.code, self.version])

    display_name = Localized("name")

    display_description = Localized("description")

    @property
    def scale_max(self) -> int:
        return SCALE_MAX[self.scale]

    @property
    def levels(self) -> range:
        return range(self.scale_max + 1)

    def level_name(self, level: int) -> str:
        if self.scale == Scale.YES_NO:
            return str(_("Yes")) if level else str(_("No"))
        entry = self.level_names[level] if level < len(self.level_names) else {}
        return localized_entry(entry) or str(level)


def localized_entry(entry: dict) -> str:
    from di4c.core.i18n import current_language

    return (entry.get("name_i18n") or {}).get(current_language()) or entry.get("name", "")


class Dimension(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    name_i18n = TranslationsField()
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="dimension_code_unique")
        ]

    def __str__(self) -> str:
        return self.display_name

    display_name = Localized("name")


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=12)
    question = models.TextField(_("question"))
    question_i18n = TranslationsField()
    level_descriptors = models.JSONField(_("level descriptors"))
    level_descriptors_i18n = models.JSONField(default=dict, blank=True)
    evidence_guidance = models.JSONField(_("evidence guidance"))
    evidence_guidance_i18n = models.JSONField(default=dict, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "dimension__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_question}"

    display_question = Localized("question")

    def level_options(self) -> list[tuple[int, str, str]]:
        """(level, descriptor, evidence guidance) for each level, in the reader's language."""
        from di4c.core.i18n import current_language

        language = current_language()
        descriptors = self.level_descriptors_i18n.get(language) or self.level_descriptors
        guidance = self.evidence_guidance_i18n.get(language) or self.evidence_guidance
        return [(level, text, guidance[level]) for level, text in enumerate(descriptors)]


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for validation")
    RETURNED = "returned", _("Sent back for changes")
    VALIDATED = "validated", _("Validated")


class Assessment(models.Model):
    """One city's self-assessment on one framework version."""

    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.CASCADE, related_name="assessments"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    overall_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    is_public = models.BooleanField(
        _("published"), default=False, help_text=_("Visitors may see the validated results.")
    )
    is_demo = models.BooleanField(default=False)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["framework", "status"]),
            # Finds each city's latest validated assessment (benchmarks) without a scan.
            models.Index(
                fields=["organisation", "framework", "status", "-validated_at"],
                name="assessment_latest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True)
                | Q(overall_score__gte=0, overall_score__lte=100),
                name="assessment_score_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="validated") | Q(validated_at__isnull=False),
                name="assessment_validated_has_date",
            ),
        ]

    def __str__(self) -> str:
        when = (self.validated_at or self.started_at).date().isoformat()
        return f"{self.organisation} – {self.framework.display_name} – {when}"

    def get_absolute_url(self) -> str:
        return reverse("maturity:assessment", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator__dimension__position", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="answer_one_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=4), name="answer_level_in_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.level}"


def evidence_upload_to(instance, filename: str) -> str:
    return f"evidence/{instance.answer.assessment_id}/{filename}"


class EvidenceFile(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class DimensionScore(models.Model):
    """A dimension's score, stored when an assessment is submitted, so that benchmarks are
    computed in the database."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="dimension_scores"
    )
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="dimension_score_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="dimension_score_range"
            ),
        ]
        indexes = [models.Index(fields=["dimension", "score"])]

    def __str__(self) -> str:
        return f"{self.dimension.code}: {self.score}"


class DimensionTarget(models.Model):
    """The level a city aims at in a dimension (gap analysis); by dimension code so that it
    carries over to a framework's next version."""

    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.CASCADE, related_name="maturity_targets"
    )
    framework_code = models.SlugField(max_length=60)
    dimension_code = models.CharField(max_length=10)
    target_score = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "framework_code", "dimension_code"],
                name="dimension_target_unique",
            ),
            models.CheckConstraint(
                condition=Q(target_score__gte=0, target_score__lte=100),
                name="dimension_target_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.dimension_code} -> {self.target_score}"
