"""Forms of the training pages. Dates and times are typed in the city's local time; the form
turns them into aware datetimes in the city's time zone."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from di4c.capacity.models import Competence, Department, Enrolment, Training
from di4c.capacity.services.trainings import TRAINING_EDITABLE

# Dates beyond these would overflow when converted between time zones.
FIRST_YEAR, LAST_YEAR = 1950, 2200
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TrainingForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(
        label=_("What the training covers"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    competences = forms.ModelMultipleChoiceField(
        label=_("Competences it addresses"),
        queryset=Competence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at (the city's local time)"), widget=TIME)
    duration_hours = forms.DecimalField(
        label=_("Duration (hours)"),
        min_value=Decimal("0.5"),
        max_value=Decimal(200),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    is_online = forms.BooleanField(label=_("Held online"), required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("The room and address; leave empty for an online training."),
    )
    online_url = forms.URLField(
        label=_("Online link"), max_length=500, required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000)

    def __init__(self, *args, competences, zone_name: str, **kwargs):
        """`competences`: those offered, with their area, in framework order."""
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name
        self.competence_list = list(competences)
        self.fields["competences"].queryset = Competence.objects.filter(
            pk__in=[c.pk for c in self.competence_list]
        )

    @classmethod
    def initial_from(cls, training: Training, zone_name: str) -> dict:
        local = training.starts_at.astimezone(ZoneInfo(zone_name))
        initial = {name: getattr(training, name) for name in TRAINING_EDITABLE}
        initial.pop("starts_at")
        initial.update(
            start_date=local.date(),
            start_time=local.time().replace(second=0, microsecond=0),
            competences=[c.pk for c in training.competences.all()],
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("competences") and "competences" not in self.errors:
            # Said here too (the service says it as well), so that one pass shows every error.
            self.add_error("competences", _("Choose at least one competence it addresses."))
        day, time = cleaned.get("start_date"), cleaned.get("start_time")
        if day is not None and not (FIRST_YEAR <= day.year <= LAST_YEAR):
            self.add_error("start_date", _("Give a date between 1950 and 2200."))
            day = None
        if day is not None and time is not None:
            cleaned["starts_at"] = dt.datetime.combine(day, time, tzinfo=ZoneInfo(self.zone_name))
        return cleaned

    def training_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in TRAINING_EDITABLE}
        data["description"] = data["description"].replace("\r\n", "\n")
        return data

    def chosen_competences(self) -> list[Competence]:
        return list(self.cleaned_data.get("competences") or [])

    def competence_groups(self) -> list[dict]:
        """The competences offered, grouped by area, with those ticked (or typed) marked."""
        if self.is_bound:
            chosen = {str(value) for value in self.data.getlist("competences")}
        else:
            chosen = {str(value) for value in self.initial.get("competences", [])}
        groups: list[dict] = []
        for competence in self.competence_list:
            if not groups or groups[-1]["area"].pk != competence.area_id:
                groups.append({"area": competence.area, "items": []})
            groups[-1]["items"].append(
                {
                    "competence": competence,
                    "input_id": f"id_competence_{competence.pk}",
                    "checked": str(competence.pk) in chosen,
                }
            )
        return groups


def _department_field():
    return forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("(not given)"),
    )


class EnrolSelfForm(forms.Form):
    department = _department_field()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].label = _("Your department")
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)


class EnrolPersonForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    department = _department_field()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolments: list[Enrolment], **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        self.fields["attended"].choices = [(str(e.pk), e.full_name) for e in enrolments]

    def attended_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["attended"]]

    def rows(self) -> list[dict]:
        """Each enrolment with its box ticked as typed, or as recorded before."""
        if self.is_bound:
            ticked = set(self.data.getlist("attended"))
        else:
            ticked = {str(e.pk) for e in self.enrolments if e.attended}
        return [
            {"enrolment": e, "input_id": f"id_attended_{e.pk}", "checked": str(e.pk) in ticked}
            for e in self.enrolments
        ]


class MaterialForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file's name."),
    )
    file = forms.FileField(label=_("File"))
