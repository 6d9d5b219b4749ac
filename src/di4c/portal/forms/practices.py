"""Forms of the good-practice library: the filters of the list, a practice's settings (with its
figures, maturity dimensions and services), its text in one language, an attachment.

The dimension and service fields accept any code: the service checks them against the installed
frameworks and the reference list, and its message names the unknown ones."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from di4c.portal.models import PublishStatus, Transferability

FIGURE_ROWS_MIN = 3
FIGURE_ROWS_SPARE = 2
_FIGURE_KEY = re.compile(r"^figures\.(\d+)(?:\.(value|label))?$")


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    """Offers choices, accepts any value: the service judges (and names the unknown ones)."""

    def valid_value(self, value) -> bool:
        return True


ANY = _("Any")


class CodeChoiceField(forms.ChoiceField):
    """A dimension as "framework:code", or its bare code (any framework's dimension of that
    code), as links from elsewhere may give it."""

    bare_codes: frozenset = frozenset()

    def valid_value(self, value) -> bool:
        return value in self.bare_codes or super().valid_value(value)


def _optional_choices(choices) -> list:
    return [("", ANY), *choices]


class PracticeFilterForm(forms.Form):
    city = forms.ChoiceField(label=_("City"), required=False)
    dimension = CodeChoiceField(label=_("Maturity dimension"), required=False)
    life_event = forms.ChoiceField(label=_("Life event"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    transferability = forms.ChoiceField(
        label=_("Transferability"),
        required=False,
        choices=_optional_choices(Transferability.choices),
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=_optional_choices(settings.LANGUAGES)
    )

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = _optional_choices(
            [(city.slug, city.display_name) for city in options["cities"]]
        )
        self.fields["dimension"].choices = _optional_choices(
            [(option.value, option.label) for option in options["dimensions"]]
        )
        self.fields["dimension"].bare_codes = frozenset(o.code for o in options["dimensions"])
        self.fields["life_event"].choices = _optional_choices(
            [(event.code, event.display_name) for event in options["life_events"]]
        )
        self.fields["service"].choices = _optional_choices(
            [
                (
                    event.display_name,
                    [(ref.code, ref.display_name) for ref in event.references.all()],
                )
                for event in options["life_events"]
            ]
        )

    def filters(self) -> dict:
        """The valid filters (an invalid one is reported on the form and left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class PracticeForm(forms.Form):
    """A practice's settings; on creation also its city and its text in the first language."""

    city = forms.ModelChoiceField(queryset=None, label=_("City"), empty_label=None)
    language = forms.ChoiceField(
        label=_("Language of this text"), choices=settings.LANGUAGES, initial="en"
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        required=False,
        help_text=_("One or two sentences, shown in the library's list."),
    )
    problem = forms.CharField(
        label=_("The problem"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    what_was_done = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    results = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    transferability_notes = forms.CharField(
        label=_("What another city needs to repeat it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    slug = forms.CharField(
        label=_("Web address name"),
        max_length=80,
        required=False,
        help_text=_(
            "Lower-case letters, digits and hyphens. Left empty, it is made from the title."
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=PublishStatus.choices, initial=PublishStatus.DRAFT
    )
    started_on = forms.DateField(
        label=_("Started on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    duration_months = forms.IntegerField(
        label=_("Duration (months)"), required=False, min_value=0, max_value=1200
    )
    cost_eur = forms.DecimalField(
        label=_("Cost (EUR)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    transferability = forms.ChoiceField(
        label=_("Transferability"),
        choices=Transferability.choices,
        initial=Transferability.MEDIUM,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    website = forms.URLField(label=_("Web address"), max_length=500, required=False)
    dimensions = OpenMultipleChoiceField(
        label=_("Maturity dimensions it improves"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    services = OpenMultipleChoiceField(
        label=_("Services it concerns"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    TEXT_FIELDS = (
        "title",
        "summary",
        "problem",
        "what_was_done",
        "results",
        "transferability_notes",
    )
    CREATE_ONLY = ("city", "language", *TEXT_FIELDS)
    SETTINGS = (
        "slug",
        "status",
        "started_on",
        "duration_months",
        "cost_eur",
        "transferability",
        "contact_name",
        "contact_email",
        "website",
        "dimensions",
        "services",
    )

    def __init__(
        self,
        *args,
        practice=None,
        cities=None,
        dimension_options=(),
        life_events=(),
        **kwargs,
    ):
        self.practice = practice
        super().__init__(*args, **kwargs)
        if practice is not None:
            for name in self.CREATE_ONLY:
                del self.fields[name]
            self.fields["slug"].required = True
            self.fields["slug"].help_text = _(
                "Lower-case letters, digits and hyphens. Changing it breaks links to the old "
                "address."
            )
        else:
            self.fields["city"].queryset = cities
        offered = [(option.value, option.label) for option in dimension_options]
        known = {value for value, _label in offered}
        if practice is not None:
            # Links to a dimension no installed framework has any more stay visible.
            for link in practice.dimensions.all():
                value = f"{link.framework_code}:{link.dimension_code}"
                if value not in known:
                    offered.append((value, value))
        self.fields["dimensions"].choices = offered
        self.fields["services"].choices = [
            (event.display_name, [(ref.code, ref.display_name) for ref in event.references.all()])
            for event in life_events
        ]
        self.figure_rows = max(
            FIGURE_ROWS_MIN,
            (len(practice.figures.all()) if practice is not None else 0) + FIGURE_ROWS_SPARE,
        )
        old_figures = list(practice.figures.all()) if practice is not None else []
        for index in range(self.figure_rows):
            old = old_figures[index] if index < len(old_figures) else None
            self.fields[f"figure_{index}_value"] = forms.CharField(
                label=_("Figure %(number)s") % {"number": index + 1},
                max_length=30,
                required=False,
                initial=old.value if old else "",
                help_text=_("E.g. “+38 %”.") if index == 0 else "",
            )
            self.fields[f"figure_{index}_label"] = forms.CharField(
                label=_("What figure %(number)s measures") % {"number": index + 1},
                max_length=200,
                required=False,
                initial=old.label if old else "",
                help_text=_("E.g. “of requests made online”.") if index == 0 else "",
            )
        self._old_figures = old_figures

    @classmethod
    def initial_from(cls, practice) -> dict:
        return {
            "slug": practice.slug,
            "status": practice.status,
            "started_on": practice.started_on,
            "duration_months": practice.duration_months,
            "cost_eur": practice.cost_eur,
            "transferability": practice.transferability,
            "contact_name": practice.contact_name,
            "contact_email": practice.contact_email,
            "website": practice.website,
            "dimensions": [
                f"{link.framework_code}:{link.dimension_code}" for link in practice.dimensions.all()
            ],
            "services": [service.code for service in practice.services.all()],
        }

    def figure_fields(self) -> list[tuple]:
        return [
            (index + 1, self[f"figure_{index}_value"], self[f"figure_{index}_label"])
            for index in range(self.figure_rows)
        ]

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.replace("\r\n", "\n")
        return cleaned

    def figures(self) -> list[dict]:
        """Every row (blank ones too, so that the service's row numbers are the form's); a
        label kept as it was keeps its translations."""
        translations = {figure.label: figure.label_i18n for figure in self._old_figures}
        rows = []
        for index in range(self.figure_rows):
            label = self.cleaned_data.get(f"figure_{index}_label", "")
            rows.append(
                {
                    "value": self.cleaned_data.get(f"figure_{index}_value", ""),
                    "label": label,
                    "label_i18n": translations.get(label) or {},
                }
            )
        return rows

    def settings_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.SETTINGS}
        for name in ("contact_name", "contact_email", "website"):
            data[name] = data[name] or ""
        if self.practice is None and not data["slug"]:
            del data["slug"]
        data["figures"] = self.figures()
        return data

    def text_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.TEXT_FIELDS}

    def service_error(self, error: ValidationError) -> ValidationError:
        """The service names figure rows "figures.N(.value|.label)": put them on the row's
        fields."""
        if not hasattr(error, "error_dict"):
            return error
        mapped = {}
        for key, messages in error.message_dict.items():
            match = _FIGURE_KEY.match(key)
            if match:
                key = f"figure_{match[1]}_{match[2] or 'value'}"
            mapped.setdefault(key, []).extend(messages)
        return ValidationError(mapped)


class PracticeTextForm(forms.Form):
    title = PracticeForm.base_fields["title"]
    summary = PracticeForm.base_fields["summary"]
    problem = PracticeForm.base_fields["problem"]
    what_was_done = PracticeForm.base_fields["what_was_done"]
    results = PracticeForm.base_fields["results"]
    transferability_notes = PracticeForm.base_fields["transferability_notes"]

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["lang"] = language

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.replace("\r\n", "\n")
        return cleaned


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
