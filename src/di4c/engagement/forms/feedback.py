"""The service feedback form: a rating 1–5 with labels and an optional comment. The service
checks the rest (the service is open for feedback, the rate limit)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from di4c.core.forms import HoneypotMixin
from di4c.engagement.forms.ideas import TextField
from di4c.engagement.models.feedback import FEEDBACK_COMMENT_MAX

RATING_CHOICES = [
    (5, _("5 – very good")),
    (4, _("4 – good")),
    (3, _("3 – fair")),
    (2, _("2 – poor")),
    (1, _("1 – very poor")),
]
RATING_ERROR = _("Choose a rating from 1 to 5.")


def rating_label(value) -> str:
    return str(dict(RATING_CHOICES).get(value, value))


class RatingForm(HoneypotMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": RATING_ERROR, "invalid_choice": RATING_ERROR},
    )
    comment = TextField(
        label=_("Comment (optional)"),
        max_length=FEEDBACK_COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What worked, what did not. The city reads every comment and publishes some "
            "of them on this page; do not write personal data."
        ),
    )
