"""Self-assessment rounds.

Anonymity is built into the storage: a submission adds one to counters (how many people of a
department and role rated a competence at a level) and is then forgotten. No row holds one
person's answers, and no row carries the time of a submission, so nobody - the platform
administrator with a database shell included - can read back what one person answered.
Results are shown only once the round is closed (so that watching them change cannot reveal
the last submission) and only for groups of at least MIN_GROUP_SIZE people.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from di4c.capacity.models.framework import LEVEL_MAX, LEVEL_MIN
from di4c.core.i18n import validate_single_line

# The smallest group whose results are shown; smaller groups are merged into "Other".
MIN_GROUP_SIZE = 5


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("self-assessment round", "Draft")
    OPEN = "open", pgettext_lazy("self-assessment round", "Open")
    CLOSED = "closed", pgettext_lazy("self-assessment round", "Closed")


class Access(models.TextChoices):
    LINKS = "links", _("Single-use links handed out per department")
    ACCOUNTS = "accounts", _("Staff sign in with their account")


class Round(models.Model):
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.CASCADE,
        related_name="skill_rounds",
        verbose_name=_("city"),
    )
    framework = models.ForeignKey(
        "capacity.SkillsFramework", on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    # Blank: every area of the framework. A shorter round takes fewer minutes.
    areas = models.ManyToManyField(
        "capacity.SkillArea", blank=True, related_name="+", verbose_name=_("areas")
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    access = models.CharField(
        _("how staff answer"), max_length=10, choices=Access.choices, default=Access.LINKS
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # The target profile as it stood at closing ({"<role id>:<competence id>": level}): the
    # results keep the targets they were closed with, and targets edited afterwards can't be
    # used to probe the answers.
    targets_at_close = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("self-assessment round")
        verbose_name_plural = _("self-assessment rounds")
        ordering = ["organisation", "-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("capacity:round", args=[self.pk])

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The round cannot close before it opens.")})

    @property
    def is_accepting(self) -> bool:
        today = timezone.localdate()
        return self.status == RoundStatus.OPEN and self.opens_on <= today <= self.closes_on

    @property
    def shows_results(self) -> bool:
        return self.status == RoundStatus.CLOSED


class RoundLink(models.Model):
    """A single-use link for one person of a department; only the token's hash is kept."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="links")
    department = models.ForeignKey(
        "capacity.Department", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # Whether, not when: a time would let someone line a link up with a submission.
    is_used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("self-assessment link")
        verbose_name_plural = _("self-assessment links")

    def __str__(self) -> str:
        return f"{self.round} – {self.department}"


class RoundParticipation(models.Model):
    """That an account has answered a round (for rounds answered by signing in): the only
    thing kept about the person, with no link to what was answered."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="round_answered_once")
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.user_id}"


class RespondentTally(models.Model):
    """How many people of a department and role answered the round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="respondent_tallies")
    department = models.ForeignKey(
        "capacity.Department", on_delete=models.CASCADE, related_name="+"
    )
    role = models.ForeignKey("capacity.StaffRole", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department", "role"], name="respondent_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.department_id}/{self.role_id}: {self.count}"


class LevelTally(models.Model):
    """How many people of a department and role rated themselves at a level in a competence."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="level_tallies")
    department = models.ForeignKey(
        "capacity.Department", on_delete=models.CASCADE, related_name="+"
    )
    role = models.ForeignKey("capacity.StaffRole", on_delete=models.CASCADE, related_name="+")
    competence = models.ForeignKey(
        "capacity.Competence", on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(LEVEL_MIN), MaxValueValidator(LEVEL_MAX)]
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department", "role", "competence", "level"],
                name="level_tally_once",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=LEVEL_MIN, level__lte=LEVEL_MAX), name="tally_level_1_8"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.competence_id} level {self.level}: {self.count}"
