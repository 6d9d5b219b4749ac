import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from di4c.plans.models import (
    PLAN_YEARS,
    Action,
    Funding,
    Measurement,
    Objective,
    OutputIndicator,
    Plan,
    PlanStatus,
    ResultIndicator,
    Risk,
    TestAction,
)
from di4c.plans.services import ACTION_EDITABLE, INDICATOR_EDITABLE, PLAN_EDITABLE

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
# The years a plan may name (see models.PLAN_YEARS).
FIRST_YEAR, LAST_YEAR = PLAN_YEARS


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return value


class MonthField(forms.DateField):
    """A month (YYYY-MM), kept as the first day of that month."""

    widget = MonthInput

    def to_python(self, value):
        if isinstance(value, str):
            match = MONTH.match(value.strip())
            if match:
                year, month = int(match.group(1)), int(match.group(2))
                if not 1 <= month <= 12:
                    raise forms.ValidationError(_("Give a month as YYYY-MM, e.g. 2024-03."))
                return self._in_range(dt.date(year, month, 1) if year else None, year)
        value = super().to_python(value)
        return self._in_range(value.replace(day=1), value.year) if value else value

    def _in_range(self, value, year):
        if value is None or not FIRST_YEAR <= year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Give a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return value

    default_error_messages = {"invalid": _("Give a month as YYYY-MM, e.g. 2024-03.")}


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from, so that a later save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        # Browsers send textarea line breaks as CRLF: store one kind, or history shows
        # changes that are none and documents double every line break.
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.replace("\r\n", "\n")
        if self.instance.pk and cleaned.get("version") is None:
            # Without it, the save could silently overwrite someone else's changes. Shown above
            # the form: the field itself is hidden.
            self.add_error(
                None,
                _("Reload the page before saving: the form does not say which version it edits."),
            )
        return cleaned

    def base_version(self) -> int | None:
        return self.cleaned_data.get("version") if self.instance.pk else None

    def model_data(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data
        }


class PlanCreateForm(forms.Form):
    network = forms.ModelChoiceField(queryset=None, label=_("Network"))
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language of the plan"), choices=())

    def __init__(self, *args, networks, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["language"].choices = languages


class PlanForm(VersionedForm):
    class Meta:
        model = Plan
        fields = list(PLAN_EDITABLE)
        widgets = {
            "vision_story": forms.Textarea(attrs={"rows": 6}),
            "context": forms.Textarea(attrs={"rows": 6}),
        }


class ObjectiveForm(VersionedForm):
    class Meta:
        model = Objective
        fields = ["parent", "code", "title", "problem", "description"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's own checks (run by the form) compare the parent's plan with this one.
        self.instance.plan = plan
        strategic = plan.objectives.filter(parent__isnull=True)
        if self.instance.pk:
            strategic = strategic.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = strategic
        self.fields["parent"].required = False
        self.fields["parent"].help_text = _("Empty for a strategic objective.")
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Given automatically when empty.")


class PracticeChoiceField(forms.ModelMultipleChoiceField):
    """Published good practices, named by their title in the reader's language and city."""

    def label_from_instance(self, practice):
        version = practice.version()
        title = version.title if version else practice.slug
        return f"{title} ({practice.organisation.display_name})"


class ActionForm(VersionedForm):
    starts_on = MonthField(label=_("Start (month)"), required=False)
    ends_on = MonthField(label=_("End (month)"), required=False)
    # Saved by portal.services.action_inspiration_set, not with the action's own fields.
    inspired_by = PracticeChoiceField(
        queryset=None,
        label=_("Inspired by good practices"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Practices of the library this action repeats or adapts."),
    )
    note = forms.CharField(
        label=_("Note on this update"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown with the status change on the public page."),
    )

    class Meta:
        model = Action
        fields = [name for name in ACTION_EDITABLE if name != "position"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "stakeholders": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["objective"].queryset = plan.objectives.order_by("position", "code")
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Given automatically when empty.")
        from di4c.portal.selectors.practices import practice_choices

        self.fields["inspired_by"].queryset = practice_choices()
        if self.instance.pk:
            self.fields["inspired_by"].initial = [p.pk for p in self.instance.inspired_by.all()]

    def model_data(self) -> dict:
        data = super().model_data()
        data.pop("note", None)
        return data


class ChildForm(forms.ModelForm):
    """A row of an action's list (funding, risk, output, test): validated here, saved by
    the service, which replaces the whole list."""

    def row(self) -> dict | None:
        if not self.has_changed() or self.cleaned_data.get("DELETE"):
            return None
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class FundingForm(ChildForm):
    class Meta:
        model = Funding
        fields = ["kind", "name", "amount", "status"]


class RiskForm(ChildForm):
    class Meta:
        model = Risk
        fields = ["description", "likelihood", "impact", "mitigation", "owner"]
        widgets = {"mitigation": forms.Textarea(attrs={"rows": 2})}


class OutputForm(ChildForm):
    class Meta:
        model = OutputIndicator
        fields = ["name", "unit", "target", "achieved"]


class TestActionForm(ChildForm):
    tried_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tried_until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = TestAction
        fields = ["title", "tried_from", "tried_until", "learned"]
        widgets = {"learned": forms.Textarea(attrs={"rows": 2})}


CHILD_FORMSETS = {
    "fundings": (forms.formset_factory(FundingForm, extra=2, can_delete=True), _("Funding")),
    "risks": (forms.formset_factory(RiskForm, extra=1, can_delete=True), _("Risks")),
    "outputs": (
        forms.formset_factory(OutputForm, extra=1, can_delete=True),
        _("Output indicators"),
    ),
    "tests": (
        forms.formset_factory(TestActionForm, extra=1, can_delete=True),
        _("Small-scale test actions"),
    ),
}
CHILD_INITIAL_FIELDS = {
    "fundings": FundingForm.Meta.fields,
    "risks": RiskForm.Meta.fields,
    "outputs": OutputForm.Meta.fields,
    "tests": TestActionForm.Meta.fields,
}


def child_formsets(data=None, action: Action | None = None) -> dict:
    formsets = {}
    for name, (formset_class, legend) in CHILD_FORMSETS.items():
        initial = None
        if action is not None and data is None:
            fields = CHILD_INITIAL_FIELDS[name]
            initial = [
                {field: getattr(child, field) for field in fields}
                for child in getattr(action, name).all()
            ]
        formset = formset_class(data, prefix=name, initial=initial)
        formset.legend = legend
        formsets[name] = formset
    return formsets


def child_rows(formsets: dict) -> dict[str, list[dict]]:
    return {
        name: [row for row in (form.row() for form in formset.forms) if row is not None]
        for name, formset in formsets.items()
    }


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=PlanStatus.choices)
    adopted_on = forms.DateField(
        label=_("Date of the council's decision"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    adoption_reference = forms.CharField(
        label=_("Council decision reference"), required=False, max_length=120
    )


class IndicatorForm(VersionedForm):
    class Meta:
        model = ResultIndicator
        fields = list(INDICATOR_EDITABLE)
        widgets = {
            "baseline_on": forms.DateInput(attrs={"type": "date"}),
            "target_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = plan.organisation.public_services.order_by("name")
        self.fields["framework_code"].help_text = _(
            "For a maturity score: the framework's code, e.g. di4c-city."
        )
        self.fields["dimension_code"].help_text = _("For a dimension's score: its code, e.g. PS.")


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": forms.DateInput(attrs={"type": "date"})}

    def clean_measured_on(self):
        value = self.cleaned_data["measured_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A measurement cannot be in the future."))
        return value


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ContributorsForm(forms.Form):
    contributors = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Local group members who may edit the plan"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributors"].queryset = members


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel or CSV file"),
        help_text=_("One row per action; see the column list below."),
    )
