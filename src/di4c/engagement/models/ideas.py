"""Ideas from citizens and entrepreneurs: posted, discussed, supported, moderated and answered.

Each answer of the city is kept as a step of the idea's journey (IdeaStatusChange), which the
public idea page shows, so that people see what became of their input.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from di4c.core.i18n import validate_single_line
from di4c.engagement.models.tied import TiedToCityPlan

IDEA_TITLE_MAX = 150
IDEA_BODY_MAX = 4000
COMMENT_MAX = 1000
REASON_MAX = 2000


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", pgettext_lazy("idea status", "Accepted")
    ALREADY_PLANNED = "already_planned", _("Already planned")
    NOT_RETAINED = "not_retained", _("Not retained")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or hateful")
    PERSONAL_DATA = "personal_data", _("Reveals someone's personal data")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", pgettext_lazy("report reason", "Other")


class Moderated(models.Model):
    """Hidden content stays stored: its author still sees it, with the reason."""

    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=500, blank=True, validators=[validate_single_line]
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Idea(TiedToCityPlan, Moderated):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="ideas"
    )
    title = models.CharField(
        _("title"), max_length=IDEA_TITLE_MAX, validators=[validate_single_line]
    )
    body = models.TextField(
        _("your idea (Markdown)"),
        max_length=IDEA_BODY_MAX,
        validators=[MaxLengthValidator(IDEA_BODY_MAX)],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.NEW
    )
    # The city's latest answer; the whole journey is in IdeaStatusChange.
    answer = models.TextField(
        _("the city's answer"),
        blank=True,
        max_length=REASON_MAX,
        validators=[MaxLengthValidator(REASON_MAX)],
    )
    action = models.ForeignKey(
        "plans.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("plan action"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=IdeaStatus.ACCEPTED) | Q(action__isnull=False),
                name="idea_accepted_names_its_action",
                violation_error_message=_("An accepted idea names the plan action it became."),
            ),
            models.CheckConstraint(
                condition=~Q(status=IdeaStatus.NOT_RETAINED) | ~Q(answer=""),
                name="idea_not_retained_gives_reason",
                violation_error_message=_("Say why the idea is not retained."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:idea", args=[self.organisation.slug, self.pk])

    def clean(self):
        self.check_same_city()
        if self.action_id and self.action.plan.organisation_id != self.organisation_id:
            raise ValidationError({"action": _("Choose an action of this city's plan.")})
        if self.status == IdeaStatus.ACCEPTED and not self.action_id:
            raise ValidationError(
                {"action": _("An accepted idea names the plan action it became.")}
            )
        if self.status == IdeaStatus.NOT_RETAINED and not self.answer.strip():
            raise ValidationError({"answer": _("Say why the idea is not retained.")})


class IdeaStatusChange(models.Model):
    """One step of an idea's journey, as the public page shows it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=16, choices=IdeaStatus.choices)
    answer = models.TextField(blank=True, max_length=REASON_MAX)
    action = models.ForeignKey(
        "plans.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["idea", "changed_at", "pk"]

    def __str__(self) -> str:
        return self.status


class Comment(Moderated):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(
        _("comment (Markdown)"),
        max_length=COMMENT_MAX,
        validators=[MaxLengthValidator(COMMENT_MAX)],
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["idea", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="idea_supported_once_per_person")
        ]

    def __str__(self) -> str:
        return f"support {self.user_id} for {self.idea_id}"


class Flag(models.Model):
    """A report of an idea or a comment, handled by the city's moderators."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="flags")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=FlagReason.choices)
    note = models.CharField(
        _("what is wrong (optional)"), max_length=500, blank=True, validators=[validate_single_line]
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # True when the content was hidden, False when the report was dismissed.
    upheld = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "resolved_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idea"],
                condition=Q(comment__isnull=True),
                name="flag_idea_once_per_reporter",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="flag_comment_once_per_reporter",
            ),
        ]

    def __str__(self) -> str:
        return self.reason
