"""Consultations: a city's surveys of citizens and businesses, tied to its plan, an objective
or a service.

Who may answer, and how "one response per person" is enforced, is the consultation's mode:
by account (signed-in people), by a single-use link (invited people), or by a signed cookie
plus a per-address rate limit (anonymous public consultations). The database holds the
uniqueness rules, so two requests racing each other cannot both be stored.

Responses never name their author to the city: the account (kept only to refuse a second
response) is not shown on any page, export or API answer.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from di4c.core.i18n import validate_single_line
from di4c.engagement.models.tied import TiedToCityPlan

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
QUESTION_MAX = 500
OPTION_MAX = 200
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000


class ConsultationMode(models.TextChoices):
    ACCOUNT = "account", _("Signed-in people: one response per account")
    INVITATION = "invitation", _("Invited people: one response per single-use link")
    ANONYMOUS = (
        "anonymous",
        _("Anyone, without signing in: one response per browser (signed cookie), rate-limited"),
    )


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale 1–5")
    RANKING = "ranking", _("Ranking")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}


class Moderation(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden")


class Consultation(TiedToCityPlan):
    objective = models.ForeignKey(
        "plans.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("objective"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_single_line])
    description = models.TextField(
        _("description (Markdown)"),
        blank=True,
        max_length=DESCRIPTION_MAX,
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
    )
    mode = models.CharField(
        _("who may answer"),
        max_length=12,
        choices=ConsultationMode.choices,
        default=ConsultationMode.ACCOUNT,
    )
    opens_at = models.DateTimeField(_("opens on"))
    closes_at = models.DateTimeField(_("closes on"))
    # A draft is seen by the city only; publishing shows it (and opens it on its date).
    is_published = models.BooleanField(_("published"), default=False)
    results_public = models.BooleanField(
        _("publish the results once the consultation has closed"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "pk"]
        indexes = [models.Index(fields=["organisation", "is_published", "opens_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
                violation_error_message=_("The closing date must come after the opening date."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:consultation", args=[self.organisation.slug, self.pk])

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("The closing date must come after the opening date.")}
            )
        self.check_same_city()
        if self.objective_id and self.objective.plan.organisation_id != self.organisation_id:
            raise ValidationError({"objective": _("Choose an objective of this city's plan.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    def has_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    def state(self, now=None) -> str:
        """draft, scheduled, open or closed: what the pages show as its status."""
        now = now or timezone.now()
        if not self.is_published:
            return "draft"
        if now < self.opens_at:
            return "scheduled"
        return "open" if now < self.closes_at else "closed"

    def results_visible_to_public(self, now=None) -> bool:
        return self.is_published and self.results_public and self.has_closed(now)


class Question(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind of question"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=QUESTION_MAX)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["consultation", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def text_limit(self) -> int:
        return SHORT_TEXT_MAX if self.kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("option"), max_length=OPTION_MAX, validators=[validate_single_line])

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class ConsultationInvitation(models.Model):
    """A single-use link: only its hash is kept, the link itself is shown or mailed once."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # Kept only to send the link and to show the city who has not answered yet.
    email = models.EmailField(_("e-mail address"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation link")
        verbose_name_plural = _("invitation links")
        ordering = ["consultation", "pk"]

    def __str__(self) -> str:
        return self.email or f"link {self.pk}"


class Response(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # Exactly one of these identifies the respondent, by the consultation's mode; none is
    # ever shown to the city.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )
    invitation = models.OneToOneField(
        ConsultationInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )
    browser_key = models.CharField(max_length=64, blank=True)
    # Which rule made the response unique: kept even if the account is erased later.
    mode = models.CharField(max_length=12, choices=ConsultationMode.choices)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["consultation", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="consultation_one_response_per_account",
            ),
            models.UniqueConstraint(
                fields=["consultation", "browser_key"],
                condition=~Q(browser_key=""),
                name="consultation_one_response_per_browser",
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk} to {self.consultation_id}"


class Answer(models.Model):
    """One answer, or one chosen option: a multiple choice gives one row per option ticked, a
    ranking one row per option with its rank. Counts are then plain GROUP BYs."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=LONG_TEXT_MAX)
    moderation = models.CharField(max_length=10, choices=Moderation.choices, blank=True, default="")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["response", "question", "rank", "pk"]
        indexes = [
            models.Index(fields=["question", "option"]),
            models.Index(fields=["question", "moderation"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="answer_scale_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["response", "option"],
                condition=Q(option__isnull=False),
                name="answer_option_once_per_response",
            ),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"
