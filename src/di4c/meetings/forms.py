"""Forms of the meetings pages. Dates and times are typed in the host's local time; the form
turns them into aware datetimes in the meeting's time zone."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from di4c.core.forms import TranslatedFieldsMixin
from di4c.meetings import rotation as planner
from di4c.meetings.models import MeetingKind, MeetingMode, TaskStatus
from di4c.meetings.services.meetings import EDITABLE_FIELDS
from di4c.meetings.timezones import time_zone_choices

# Dates beyond these would overflow when converted between time zones.
FIRST_YEAR, LAST_YEAR = 1950, 2200
# The longest period the rotation planner plans at once.
MAX_ROTATION_YEARS = 10
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# The languages a meeting may be held in: the interface's, and those of the partners' countries.
MEETING_LANGUAGES = [
    ("en", _("English")),
    ("ro", _("Romanian")),
    ("it", _("Italian")),
    ("es", _("Spanish")),
    ("fi", _("Finnish")),
    ("fr", _("French")),
    ("el", _("Greek")),
    ("lv", _("Latvian")),
    ("pt", _("Portuguese")),
    ("de", _("German")),
]


# The meeting's fields this form edits as they are (times are typed as date and time apart;
# minutes and outcome have their own page).
MEETING_FIELDS = tuple(
    name
    for name in EDITABLE_FIELDS
    if name not in ("title_i18n", "starts_at", "ends_at", "minutes", "outcome")
)


class MeetingForm(TranslatedFieldsMixin, forms.Form):
    translated_fields = ("title",)

    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    host = forms.ModelChoiceField(label=_("Host"), queryset=None, empty_label=None)
    start_date = forms.DateField(label=_("First day"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at (local time)"), widget=TIME)
    end_date = forms.DateField(label=_("Last day"), widget=DATE)
    end_time = forms.TimeField(label=_("Ends at (local time)"), widget=TIME)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Leave empty to use the host's time zone."),
    )
    mode = forms.ChoiceField(label=_("Held"), choices=MeetingMode.choices)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online meeting link"), max_length=500, required=False, assume_scheme="https"
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=MEETING_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(
        label=_("Public: visitors see its agenda, host, photos and outcome"), required=False
    )
    description = forms.CharField(
        label=_("Purpose"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)

    def __init__(self, *args, hosts, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts
        self.fields["kind"].choices = [(k, label) for k, label in MeetingKind.choices if k in kinds]
        self.fields["time_zone"].choices = [("", _("The host's time zone")), *time_zone_choices()]

    @classmethod
    def initial_from(cls, meeting) -> dict:
        start, end = meeting.local_starts_at, meeting.local_ends_at
        initial = {name: getattr(meeting, name) for name in MEETING_FIELDS}
        initial.update(
            start_date=start.date(),
            start_time=start.time(),
            end_date=end.date(),
            end_time=end.time(),
        )
        for code, text in (meeting.title_i18n or {}).items():
            initial[f"title_{code}"] = text
        return initial

    def clean(self):
        cleaned = super().clean()
        host = cleaned.get("host")
        zone_name = cleaned.get("time_zone")
        if not zone_name and host is not None:
            from di4c.meetings.timezones import time_zone_of_country

            zone_name = time_zone_of_country(host.country.code)
        if not zone_name:
            return cleaned
        cleaned["time_zone"] = zone_name
        for name in ("start_date", "end_date"):
            day = cleaned.get(name)
            if day is not None and not (FIRST_YEAR <= day.year <= LAST_YEAR):
                self.add_error(name, _("Give a date between 1950 and 2200."))
                cleaned.pop(name, None)
        zone = ZoneInfo(zone_name)
        parts = [cleaned.get(name) for name in ("start_date", "start_time", "end_date", "end_time")]
        if all(part is not None for part in parts):
            starts = dt.datetime.combine(parts[0], parts[1], tzinfo=zone)
            ends = dt.datetime.combine(parts[2], parts[3], tzinfo=zone)
            if ends < starts:
                self.add_error("end_date", _("The meeting cannot end before it starts."))
            cleaned["starts_at"], cleaned["ends_at"] = starts, ends
        return cleaned

    def meeting_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in (*MEETING_FIELDS, "starts_at", "ends_at")}
        data["languages"] = list(data["languages"])
        data.update(self.translations())
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=300)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: # headings, *emphasis*, - lists, [links](https://…)."),
    )
    outcome = forms.CharField(
        label=_("Outcome (public summary)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = forms.TypedChoiceField(label=_("Assignee"), coerce=int)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)
    decision = forms.TypedChoiceField(
        label=_("Follows the decision"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, people, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            (person.pk, f"{person} ({person.organisation_name or person.role})")
            for person in people
        ]
        self.fields["decision"].choices = [("", "—")] + [
            (decision.pk, decision.text[:80]) for decision in decisions
        ]


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)


class AgendaItemForm(forms.Form):
    day = forms.TypedChoiceField(label=_("Day"), coerce=dt.date.fromisoformat, required=False)
    time = forms.TimeField(label=_("Time (local)"), required=False, widget=TIME)
    title = forms.CharField(label=_("Title"), max_length=200)
    speakers = forms.CharField(label=_("Speakers"), max_length=300, required=False)
    speaker_organisations = forms.ModelMultipleChoiceField(
        label=_("Presenting partners"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, meeting, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        first, last = meeting.local_starts_at.date(), meeting.local_ends_at.date()
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        self.fields["day"].choices = [(day.isoformat(), day.isoformat()) for day in days]
        self.fields["day"].initial = first.isoformat()
        self.fields["speaker_organisations"].queryset = partners
        self.fields["documents"].queryset = meeting.documents.all()

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("day"), cleaned.get("time")
        cleaned["starts_at"] = (
            dt.datetime.combine(day, time, tzinfo=self.meeting.zone) if day and time else None
        )
        return cleaned

    def item_data(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("starts_at", "title", "speakers", "description")
        }


class InviteForm(forms.Form):
    users = forms.TypedMultipleChoiceField(
        label=_("People to invite"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = [
            (person.pk, f"{person} — {person.organisation_name or person.role}")
            for person in people
        ]


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("What this version is"), max_length=300, required=False)


class DocumentVersionForm(forms.Form):
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
    alt_text = forms.CharField(
        label=_("Description for people who cannot see the photo"),
        max_length=300,
        help_text=_("Required: say what the photo shows, e.g. 'Partners around a table in …'."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


# --- the rotation planner -----------------------------------------------------------------------

_RANGE = re.compile(
    r"^(?P<a>\d{4}-\d{2}(?:-\d{2})?)\s*(?:(?:\.\.|–|—|-\s|to\s)\s*(?P<b>\d{4}-\d{2}(?:-\d{2})?))?$"
)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _bound(text: str, *, end: bool) -> dt.date:
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 2:
        return _month_end(*parts) if end else dt.date(parts[0], parts[1], 1)
    return dt.date(*parts)


def parse_unavailable(text: str) -> list[tuple[dt.date, dt.date]]:
    """'2020-07-01..2020-08-31, 2021-12' -> [(1 Jul 2020, 31 Aug 2020), (1 Dec, 31 Dec 2021)]."""
    ranges = []
    for chunk in re.split(r"[,;\n]+", text or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        match = _RANGE.match(chunk)
        if not match:
            raise forms.ValidationError(
                _(
                    "'%(text)s' is not a date or period: write 2020-07-01..2020-08-31, or a "
                    "month such as 2021-12."
                ),
                params={"text": chunk[:40]},
            )
        try:
            starts = _bound(match["a"], end=False)
            ends = _bound(match["b"] or match["a"], end=True)
        except ValueError as error:
            raise forms.ValidationError(
                _("'%(text)s' holds a date that does not exist."), params={"text": chunk[:40]}
            ) from error
        if ends < starts:
            raise forms.ValidationError(
                _("'%(text)s' ends before it starts."), params={"text": chunk[:40]}
            )
        ranges.append((starts, ends))
    return ranges


class RotationForm(forms.Form):
    starts_on = forms.DateField(label=_("First meeting on"), widget=DATE)
    ends_on = forms.DateField(label=_("Period ends on"), widget=DATE)
    cadence_months = forms.IntegerField(
        label=_("One meeting every (months)"), min_value=1, max_value=24, initial=3
    )
    kick_off = forms.BooleanField(
        label=_("The first meeting is the kick-off, hosted by the lead partner"),
        required=False,
        initial=True,
    )
    final_event = forms.BooleanField(
        label=_("The last meeting is the final event, hosted by the lead partner"),
        required=False,
        initial=True,
    )
    online = forms.ChoiceField(
        label=_("Meetings held online"),
        choices=[
            (planner.ONLINE_NEVER, _("None: every meeting in person")),
            (planner.ONLINE_ALTERNATE, _("Every other meeting between kick-off and final event")),
            (planner.ONLINE_ALWAYS, _("All meetings between kick-off and final event")),
        ],
        initial=planner.ONLINE_NEVER,
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = list(partners)
        for organisation in self.partners:
            self.fields[f"able_{organisation.pk}"] = forms.BooleanField(
                label=_("%(partner)s can host") % {"partner": organisation.display_name},
                required=False,
                initial=True,
            )
            self.fields[f"unavailable_{organisation.pk}"] = forms.CharField(
                label=_("Dates %(partner)s cannot host") % {"partner": organisation.display_name},
                required=False,
                max_length=1000,
                help_text=_("e.g. 2020-07-01..2020-08-31, 2021-12"),
            )

    def partner_rows(self):
        return [
            (organisation, self[f"able_{organisation.pk}"], self[f"unavailable_{organisation.pk}"])
            for organisation in self.partners
        ]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and not (FIRST_YEAR <= starts_on.year <= LAST_YEAR):
            self.add_error("starts_on", _("Give a date between 1950 and 2200."))
        elif starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        elif starts_on and ends_on and (ends_on - starts_on).days > 366 * MAX_ROTATION_YEARS:
            self.add_error(
                "ends_on",
                _("Plan at most %(years)s years at once.") % {"years": MAX_ROTATION_YEARS},
            )
        for organisation in self.partners:
            name = f"unavailable_{organisation.pk}"
            try:
                cleaned[name] = parse_unavailable(cleaned.get(name, ""))
            except forms.ValidationError as error:
                self.add_error(name, error)
        if self.partners and not any(cleaned.get(f"able_{o.pk}") for o in self.partners):
            self.add_error(None, _("Tick at least one partner able to host."))
        return cleaned
