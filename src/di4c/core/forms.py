"""Form helpers shared by every app."""

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from di4c.core.i18n import translation_languages


class TranslatedFieldsMixin:
    """Adds one input per extra language for each field named in `translated_fields`.

    `name` stays the English base value; `name_ro`, `name_it`, ... fill `name_i18n`.
    """

    translated_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language_names = dict(settings.LANGUAGES)
        instance = getattr(self, "instance", None)
        # {base field: [its translation fields]}: the form template shows them grouped.
        self.translation_field_names: dict[str, list[str]] = {}
        for field_name in self.translated_fields:
            base = self.fields[field_name]
            stored = getattr(instance, f"{field_name}_i18n", None) or {}
            for code in translation_languages():
                extra = base.__class__(
                    label=_("%(field)s in %(language)s")
                    % {"field": base.label, "language": language_names[code]},
                    required=False,
                    max_length=getattr(base, "max_length", None),
                    widget=base.widget.__class__(attrs={"lang": code, **base.widget.attrs}),
                )
                extra.initial = stored.get(code, "")
                self.fields[f"{field_name}_{code}"] = extra
                self.translation_field_names.setdefault(field_name, []).append(
                    f"{field_name}_{code}"
                )
            base.widget.attrs.setdefault("lang", "en")
        # Each field's translations right below it, not at the end of the form.
        order = []
        for name in list(self.fields):
            if any(
                name == f"{t}_{code}"
                for t in self.translated_fields
                for code in translation_languages()
            ):
                continue
            order.append(name)
            if name in self.translated_fields:
                order.extend(f"{name}_{code}" for code in translation_languages())
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        # Browsers send textarea line breaks as CRLF; store one kind, or history shows noise.
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.replace("\r\n", "\n")
        return cleaned

    def translations(self) -> dict[str, dict[str, str]]:
        """{'name_i18n': {'ro': ..., 'it': ...}, ...} from the cleaned data; blanks dropped."""
        result = {}
        for field_name in self.translated_fields:
            values = {}
            for code in translation_languages():
                text = (self.cleaned_data.get(f"{field_name}_{code}") or "").strip()
                if text:
                    values[code] = text
            result[f"{field_name}_i18n"] = values
        return result


def run_service(form: forms.BaseForm, call):
    """Call a service for a valid form: its result, or None with its ValidationError shown on
    the form (each message on its field), so that the page shows the form again as typed."""
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form fields it names (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for message in messages:
            form.add_error(target, message)


class HoneypotMixin:
    """A field people never see and bots fill in: a form with it filled is refused.

    The template renders it with `{% include "core/_honeypot.html" %}`: out of sight (not
    display:none, which some bots skip), out of the tab order, and labelled for the rare
    screen-reader user who meets it.
    """

    honeypot_field = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_field] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get(self.honeypot_field):
            raise ValidationError(
                _("The form could not be accepted. Leave the last field empty and try again."),
                code="honeypot",
            )
        return cleaned
