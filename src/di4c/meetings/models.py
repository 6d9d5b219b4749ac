"""Meetings of a network: kick-off and final events, transnational and thematic meetings held
in rotation, experts' visits to a city, the city's local group meetings, and online meetings;
with their agenda, invitations and attendance, minutes, decisions and follow-up tasks, working
documents (every version kept) and photos.

Times are stored in UTC and shown in the host's time zone (`time_zone`), which the meeting
keeps even when it is moved online: a meeting moved online keeps its host in the rotation.
"""

import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from di4c.core.i18n import (
    Localized,
    TranslationsField,
    validate_language_codes,
    validate_single_line,
)


class MeetingKind(models.TextChoices):
    KICK_OFF = "kick_off", _("Kick-off meeting")
    TRANSNATIONAL = "transnational", _("Transnational meeting")
    THEMATIC_CLUSTER = "thematic_cluster", _("Thematic cluster meeting")
    EXPERT_VISIT = "expert_visit", _("Expert visit")
    LOCAL_GROUP = "local_group", _("Local group meeting")
    ONLINE = "online", _("Online meeting")
    FINAL_EVENT = "final_event", _("Final event")


# Kinds the host rotation counts: the network's own meetings that partners host in turn.
ROTATION_KINDS = (MeetingKind.TRANSNATIONAL, MeetingKind.THEMATIC_CLUSTER, MeetingKind.ONLINE)
# Kinds whose theme may come from the network's common weak spots.
THEMED_KINDS = (MeetingKind.TRANSNATIONAL, MeetingKind.THEMATIC_CLUSTER, MeetingKind.ONLINE)


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # "Europe" is a folder
        raise ValidationError(
            _("'%(zone)s' is not a time zone; use a name such as Europe/Bucharest."),
            params={"zone": value},
        ) from error


class RotationPlan(models.Model):
    """A rotation the coordinator accepted: the settings the planner was given and the schedule
    that became meetings, kept so that the choice can be explained later."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="rotation_plans"
    )
    starts_on = models.DateField(_("first meeting on"))
    ends_on = models.DateField(_("period ends on"))
    cadence_months = models.PositiveSmallIntegerField(_("one meeting every (months)"))
    options = models.JSONField(default=dict, blank=True)
    schedule = models.JSONField(default=list, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("host rotation")
        verbose_name_plural = _("host rotations")
        ordering = ["-accepted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="rotation_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network.acronym}: {self.starts_on} - {self.ends_on}"


class Meeting(models.Model):
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("network"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    title_i18n = TranslationsField(verbose_name=_("title translations"))
    description = models.TextField(_("purpose"), blank=True, max_length=5000)
    theme = models.CharField(
        _("theme"), max_length=200, blank=True, validators=[validate_single_line]
    )
    # The maturity dimension the theme was taken from (by code, so it survives new versions).
    theme_dimension_code = models.CharField(max_length=10, blank=True)
    host = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
        verbose_name=_("host"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", validators=[validate_time_zone]
    )
    mode = models.CharField(
        _("held"), max_length=12, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON
    )
    venue = models.CharField(
        _("venue"), max_length=200, blank=True, validators=[validate_single_line]
    )
    address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[validate_single_line]
    )
    online_url = models.URLField(_("online meeting link"), blank=True, max_length=500)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_language_codes]
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Visitors see its agenda, host, photos and outcome."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    cancellation_reason = models.CharField(
        _("reason for cancelling"), max_length=300, blank=True, validators=[validate_single_line]
    )
    minutes = models.TextField(_("minutes"), blank=True, max_length=100_000)
    outcome = models.TextField(
        _("outcome"),
        blank=True,
        max_length=5000,
        help_text=_("A short public summary of what the meeting achieved."),
    )
    rotation_plan = models.ForeignKey(
        RotationPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    # Calendar identity: the UID stays, the sequence grows with each change sent out.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["sequence", "updated_at"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["network", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", args=[self.pk])

    display_title = Localized("title")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_online(self) -> bool:
        return self.mode in (MeetingMode.ONLINE, MeetingMode.HYBRID)

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The meeting cannot end before it starts.")
        if self.mode == MeetingMode.IN_PERSON and self.online_url and not self.venue:
            errors["mode"] = _(
                "The meeting has an online link but no venue: choose 'Online' or 'In person and "
                "online'."
            )
        if self.status == MeetingStatus.CANCELLED and not self.cancellation_reason:
            errors["cancellation_reason"] = _("Say why the meeting is cancelled.")
        if errors:
            raise ValidationError(errors)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    starts_at = models.DateTimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True, max_length=3000)
    speakers = models.CharField(
        _("speakers"), max_length=300, blank=True, validators=[validate_single_line]
    )
    speaker_organisations = models.ManyToManyField(
        "networks.Organisation", blank=True, related_name="+", verbose_name=_("presenting partners")
    )
    documents = models.ManyToManyField(
        "WorkingDocument", blank=True, related_name="agenda_items", verbose_name=_("documents")
    )
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        # Items without a time after the timed ones, on SQLite as on PostgreSQL.
        ordering = ["meeting", F("starts_at").asc(nulls_last=True), "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def local_starts_at(self):
        if self.starts_at is None:
            return None
        return timezone.localtime(self.starts_at, self.meeting.zone)


class Response(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Participant(models.Model):
    """An invited person, their answer, and (afterwards) whether they attended."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
        verbose_name=_("person"),
    )
    # The partner the person comes for (None for the network's own staff: coordinator, experts).
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response = models.CharField(
        _("answer"), max_length=12, choices=Response.choices, default=Response.INVITED
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="participant_once_per_meeting",
                violation_error_message=_("This person is already invited."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.meeting}"

    @property
    def status(self) -> str:
        """invited / accepted / declined / attended / absent, as the list shows it."""
        if self.attended is True:
            return "attended"
        if self.attended is False:
            return "absent"
        return self.response


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("decision"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class FollowUpTask(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("decision"),
    )
    title = models.CharField(_("task"), max_length=200, validators=[validate_single_line])
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meeting_tasks",
        verbose_name=_("assignee"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != TaskStatus.DONE
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


def document_upload_to(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"meetings/{instance.document.meeting_id}/documents/{uuid.uuid4().hex}.{extension}"


class WorkingDocument(models.Model):
    """A document worked on in a meeting; its file is in versions, none ever replaced."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("working document")
        verbose_name_plural = _("working documents")
        ordering = ["meeting", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(WorkingDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_upload_to, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    note = models.CharField(
        _("what changed"), max_length=300, blank=True, validators=[validate_single_line]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


def photo_upload_to(instance, filename: str) -> str:
    return f"meetings/{instance.meeting_id}/photos/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_upload_to, max_length=300)
    thumbnail = models.FileField(upload_to=photo_upload_to, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_text = models.CharField(
        _("description for people who cannot see the photo"),
        max_length=300,
        validators=[validate_single_line],
    )
    caption = models.CharField(
        _("caption"), max_length=300, blank=True, validators=[validate_single_line]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["meeting", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class CalendarFeed(models.Model):
    """A person's private subscription address (iCalendar): their own meetings, or (with a
    network) the network's meetings. The token is the secret in the address; a network feed
    works only while its owner still belongs to the network, and resetting the token cuts off
    every calendar that followed it."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(network__isnull=True),
                name="calendar_feed_one_personal_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "network"], name="calendar_feed_one_per_user_and_network"
            ),
        ]

    def __str__(self) -> str:
        return f"feed of {self.user}" + (f" for {self.network}" if self.network_id else "")
