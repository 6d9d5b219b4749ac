"""Forms of the idea pages. They only parse what was typed: the rules (an accepted idea names
its action, a not retained one says why, a plan or service of this city, the rate limits) live
in the model and the services, whose errors the views put back on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from di4c.core.forms import HoneypotMixin
from di4c.engagement.models import FlagReason, IdeaStatus
from di4c.engagement.models.ideas import COMMENT_MAX, IDEA_BODY_MAX, IDEA_TITLE_MAX, REASON_MAX

MARKDOWN_HELP = _(
    "You may use Markdown: **bold**, *italic*, a list with “- ” at the start of each line, "
    "a link as [text](https://example.org). HTML and images are shown as plain text or links."
)
ANSWER_STATUSES = [
    (status.value, status.label) for status in IdeaStatus if status != IdeaStatus.NEW
]
SORT_CHOICES = [("new", _("Newest first")), ("supported", _("Most supported first"))]
HIDE_REASON_MAX = 500
NOTE_MAX = 500


class TextField(forms.CharField):
    """A text area's text with one kind of line break: browsers send CRLF, which would count
    twice against the length limit and be stored as noise."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class IdeaForm(HoneypotMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=IDEA_TITLE_MAX,
        help_text=_("One line that says what you propose."),
    )
    body = TextField(
        label=_("Your idea"),
        max_length=IDEA_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=MARKDOWN_HELP,
    )
    plan = forms.ModelChoiceField(
        label=_("Action plan it concerns (optional)"),
        queryset=None,
        required=False,
        empty_label=_("None in particular"),
    )
    service = forms.ModelChoiceField(
        label=_("Public service it concerns (optional)"),
        queryset=None,
        required=False,
        empty_label=_("None in particular"),
    )

    def __init__(self, *args, plans, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda plan: plan.title
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda service: service.display_name

    @staticmethod
    def initial_from(idea) -> dict:
        return {
            "title": idea.title,
            "body": idea.body,
            "plan": idea.plan_id,
            "service": idea.service_id,
        }

    def idea_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title", "body", "plan", "service")}


class CommentForm(HoneypotMixin, forms.Form):
    body = TextField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )


class FlagForm(forms.Form):
    """A report of the idea (no `comment`) or of one of its comments."""

    reason = forms.ChoiceField(
        label=_("What is wrong"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Details (optional)"), max_length=NOTE_MAX, required=False)
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding (the author reads it)"),
        max_length=HIDE_REASON_MAX,
        error_messages={"required": _("Give the reason the author will read.")},
    )
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("The city's answer"), choices=ANSWER_STATUSES, widget=forms.RadioSelect
    )
    answer = TextField(
        label=_("Explanation for the author and the public"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the idea is not retained: say why."),
    )
    action = forms.ModelChoiceField(
        label=_("Plan action the idea became"),
        queryset=None,
        required=False,
        empty_label=_("No action"),
        help_text=_("Required when the idea is accepted."),
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = actions
        self.fields["action"].label_from_instance = lambda action: (
            f"{action.plan.title} – {action.code} {action.title}"
        )

    @staticmethod
    def initial_from(idea) -> dict:
        status = idea.status if idea.status != IdeaStatus.NEW else IdeaStatus.UNDER_REVIEW
        return {"status": status, "answer": idea.answer, "action": idea.action_id}


class IdeaFilterForm(forms.Form):
    """The list's filters (GET): a status and an order."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *IdeaStatus.choices], required=False
    )
    sort = forms.ChoiceField(label=_("Order"), choices=SORT_CHOICES, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": "", "sort": "new"}
        return {
            "status": self.cleaned_data["status"],
            "sort": self.cleaned_data["sort"] or "new",
        }
