"""Forms of the consultation pages: the consultation and its questions (the city's side), the
invitations, and the questionnaire people answer, built from the questions.

They parse what was typed; the rules (the closing date after the opening, options for choice
questions, one response per person, only offered options, required answers) are the
services', whose errors the views put back on these fields with everything typed kept."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from di4c.core.forms import HoneypotMixin
from di4c.engagement.models import ConsultationMode, QuestionKind
from di4c.engagement.models.consultations import (
    DESCRIPTION_MAX,
    LONG_TEXT_MAX,
    QUESTION_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
)
from di4c.engagement.services.consultations import MAX_INVITATIONS_AT_ONCE

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
MODE_HELP = {
    ConsultationMode.ACCOUNT: _(
        "People sign in (a free account, the same for every city) and answer once per account."
    ),
    ConsultationMode.INVITATION: _(
        "Only people you invite answer: each gets a single-use link, by e-mail or handed out "
        "by you; a link answers once."
    ),
    ConsultationMode.ANONYMOUS: _(
        "Anyone answers without an account. A browser answers once (a signed cookie "
        "remembers it) and each address has a limit per hour: simple, but someone determined "
        "could answer twice from another browser."
    ),
}
SCALE_CHOICES = [
    ("1", _("1 – very low")),
    ("2", _("2 – low")),
    ("3", _("3 – medium")),
    ("4", _("4 – high")),
    ("5", _("5 – very high")),
]


def mode_explanation(mode: str) -> str:
    return MODE_HELP.get(mode, "")


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, objective):
        return f"{objective.code} {objective.title} ({objective.plan.title})"


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the consultation is about and what the city will do with the answers. "
            "Markdown: **bold**, *italics*, lists, [links](https://…)."
        ),
    )
    mode = forms.ChoiceField(
        label=_("Who may answer"), choices=ConsultationMode.choices, widget=forms.RadioSelect
    )
    opens_at = forms.DateTimeField(label=_("Opens on"), widget=DATETIME)
    closes_at = forms.DateTimeField(label=_("Closes on"), widget=DATETIME)
    results_public = forms.BooleanField(
        label=_("Publish the results once the consultation has closed"),
        required=False,
        help_text=_(
            "The city sees the results as they come in; the public sees them after closing "
            "only if this is ticked (free-text answers only once moderated)."
        ),
    )
    plan = forms.ModelChoiceField(
        label=_("Action plan"), queryset=None, required=False, empty_label=_("None")
    )
    objective = ObjectiveChoiceField(
        label=_("Objective of the plan"), queryset=None, required=False, empty_label=_("None")
    )
    service = forms.ModelChoiceField(
        label=_("Public service"), queryset=None, required=False, empty_label=_("None")
    )

    def __init__(self, *args, plans, objectives, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["objective"].queryset = objectives
        self.fields["service"].queryset = services
        zone = timezone.get_current_timezone_name()  # the city's, set by the page
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = _("Date and time in the %(zone)s time zone.") % {
                "zone": zone
            }

    @classmethod
    def initial_from(cls, consultation) -> dict:
        return {
            "title": consultation.title,
            "description": consultation.description,
            "mode": consultation.mode,
            "opens_at": consultation.opens_at,
            "closes_at": consultation.closes_at,
            "results_public": consultation.results_public,
            "plan": consultation.plan_id,
            "objective": consultation.objective_id,
            "service": consultation.service_id,
        }

    def mode_options(self) -> list[dict]:
        """Each "who may answer" radio with what it means."""
        return [
            {"radio": radio, "help": MODE_HELP.get(radio.data["value"], "")}
            for radio in self["mode"]
        ]

    def other_fields(self):
        return [self[name] for name in self.fields if name != "mode"]

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.replace("\r\n", "\n").strip()
        return cleaned

    def consultation_data(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "title",
                "description",
                "mode",
                "opens_at",
                "closes_at",
                "results_public",
                "plan",
                "objective",
                "service",
            )
        }


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=QUESTION_MAX)
    help_text = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=500,
        required=False,
        help_text=_("Shown under the question, e.g. what the scale means."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For single choice, multiple choice and ranking: at least two. Leave empty for "
            "scale and text questions."
        ),
    )

    @classmethod
    def initial_from(cls, question) -> dict:
        return {
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "required": question.required,
            "options": "\n".join(option.label for option in question.options.all()),
        }

    def question_data(self) -> dict:
        return {
            "kind": self.cleaned_data["kind"],
            "text": self.cleaned_data["text"].strip(),
            "help_text": self.cleaned_data["help_text"].strip(),
            "required": self.cleaned_data["required"],
        }

    def option_labels(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses, one per line"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
        help_text=_("Each address gets its own single-use link by e-mail."),
    )
    count = forms.IntegerField(
        label=_("Links to hand out yourself"),
        required=False,
        min_value=0,
        max_value=MAX_INVITATIONS_AT_ONCE,
        help_text=_(
            "Anonymous single-use links, shown once on the next page, e.g. to print or to "
            "send through another channel."
        ),
    )

    def clean_emails(self) -> list[str]:
        addresses, bad = [], []
        for number, line in enumerate(self.cleaned_data["emails"].splitlines(), start=1):
            address = line.strip().strip(",;").strip()
            if not address:
                continue
            try:
                validate_email(address)
            except ValidationError:
                bad.append(
                    _("Line %(line)s: “%(text)s” is not a valid e-mail address.")
                    % {"line": number, "text": address[:80]}
                )
            else:
                addresses.append(address)
        if bad:
            raise ValidationError(bad)
        return addresses

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("emails") and not cleaned.get("count"):
            raise ValidationError(_("Give e-mail addresses or a number of links to create."))
        return cleaned


# The questionnaire. Its fields accept any value: whether a choice is among the options, a
# ranking complete, an answer given, is the service's to say, with one wording for the page
# and the API.


class OpenChoiceField(forms.ChoiceField):
    def validate(self, value):
        forms.Field.validate(self, value)


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    def validate(self, value):
        forms.Field.validate(self, value)


def place_label(number: int) -> str:
    """'1st place', '2nd place', … for the ranking's selects."""
    if number % 10 == 1 and number % 100 != 11:
        text = _("%(number)sst place")
    elif number % 10 == 2 and number % 100 != 12:
        text = _("%(number)snd place")
    elif number % 10 == 3 and number % 100 != 13:
        text = _("%(number)srd place")
    else:
        text = _("%(number)sth place")
    return text % {"number": number}


class RankingWidget(forms.MultiWidget):
    """One select per place, each listing every option: works without JavaScript, and each
    select has its own label ("1st place")."""

    template_name = "engagement/consultations/widgets/ranking.html"

    def __init__(self, choices, attrs=None):
        self.places = len(choices)
        listed = [("", _("Choose an option")), *choices]
        super().__init__([forms.Select(choices=listed) for _place in choices], attrs)

    def decompress(self, value):
        return list(value or []) + [None] * (self.places - len(value or []))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for number, subwidget in enumerate(context["widget"]["subwidgets"], start=1):
            subwidget["place_label"] = place_label(number)
        return context


class RankingField(forms.Field):
    """The option ids in the order of the places, as typed (blanks kept for the service)."""

    def __init__(self, *, choices, **kwargs):
        kwargs.setdefault("widget", RankingWidget(choices))
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        values = [str(item) if item is not None else "" for item in value]
        return [] if not any(values) else values


class TextAnswerField(forms.CharField):
    """Line breaks counted as one character, as the browser counts them for `maxlength`."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")
        return super().to_python(value)


class AnswerForm(HoneypotMixin, forms.Form):
    """One field per question, named as the service names its errors (`q<pk>`)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        fields = {f"q{question.pk}": self._field_for(question) for question in self.questions}
        honeypot = self.fields.pop(self.honeypot_field)
        self.fields.update(fields)
        self.fields[self.honeypot_field] = honeypot

    @staticmethod
    def _field_for(question) -> forms.Field:
        options = [(str(option.pk), option.label) for option in question.options.all()]
        kind = question.kind
        if kind == QuestionKind.SINGLE:
            return OpenChoiceField(choices=options, widget=forms.RadioSelect, required=False)
        if kind == QuestionKind.MULTIPLE:
            return OpenMultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, required=False
            )
        if kind == QuestionKind.SCALE:
            return OpenChoiceField(choices=SCALE_CHOICES, widget=forms.RadioSelect, required=False)
        if kind == QuestionKind.RANKING:
            return RankingField(choices=options, required=False)
        if kind == QuestionKind.SHORT_TEXT:
            return TextAnswerField(
                label=_("Your answer"), max_length=SHORT_TEXT_MAX, required=False
            )
        return TextAnswerField(
            label=_("Your answer"),
            max_length=LONG_TEXT_MAX,
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
        )

    def blocks(self) -> list[dict]:
        """What the template draws per question: the question, its bound field, its errors."""
        blocks = []
        for number, question in enumerate(self.questions, start=1):
            field = self[f"q{question.pk}"]
            described_by = [f"q{question.pk}-help"] if question.help_text else []
            if field.errors:
                described_by.append(f"q{question.pk}-errors")
            blocks.append(
                {
                    "number": number,
                    "question": question,
                    "field": field,
                    "is_text": question.is_text,
                    "limit": question.text_limit if question.is_text else None,
                    "described_by": " ".join(described_by),
                }
            )
        return blocks

    def answers(self) -> dict:
        """{question pk: value} for the service."""
        return {
            question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions
        }
