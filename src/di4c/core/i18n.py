"""Translated names and reader-language formatting shared by every app."""

from decimal import Decimal

from babel.numbers import format_decimal
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _


def current_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def interface_languages() -> list[str]:
    """The codes of every interface language, English first."""
    return [code for code, _name in settings.LANGUAGES]


def translation_languages() -> list[str]:
    """Languages a name can be stored in besides the English base value."""
    return [code for code, _name in settings.LANGUAGES if code != "en"]


def validate_translations(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("Translations must be a mapping of language code to text."))
    unknown = sorted(set(value) - set(translation_languages()))
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s."), params={"codes": ", ".join(unknown)}
        )
    for text in value.values():
        if not isinstance(text, str):
            raise ValidationError(_("Each translation must be text."))


def TranslationsField(**kwargs):  # noqa: N802 - reads like a field class at the call site
    """A JSON mapping {language code: text} that holds a field's non-English versions."""
    kwargs.setdefault("default", dict)
    kwargs.setdefault("blank", True)
    kwargs.setdefault("validators", [validate_translations])
    return models.JSONField(**kwargs)


def localized(instance, field: str, language: str | None = None) -> str:
    """The field in the reader's language, falling back to the English base value."""
    language = language or current_language()
    translations = getattr(instance, f"{field}_i18n", None) or {}
    return translations.get(language) or getattr(instance, field)


# Where the euro sign goes, per language (CLDR patterns; babel's Romanian symbol is "EUR").
_CURRENCY_BEFORE = {"en"}
# Babel's "pt" is Brazilian Portuguese; the partner (Portalegre) writes European Portuguese.
_BABEL_LOCALES = {"pt": "pt_PT"}


def babel_locale(language: str) -> str:
    return _BABEL_LOCALES.get(language, language)


def format_money(amount, currency: str = "EUR", language: str | None = None) -> str:
    """146993 -> '146.993 €' in Romanian, '€146,993' in English; cents only when there are any."""
    if amount is None:
        return ""
    language = language or current_language()
    amount = Decimal(amount)
    pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    number = format_decimal(amount, format=pattern, locale=babel_locale(language))
    symbol = "€" if currency == "EUR" else currency
    if language in _CURRENCY_BEFORE:
        return f"{symbol}{number}"
    return f"{number}\N{NO-BREAK SPACE}{symbol}"


def format_number(value, language: str | None = None) -> str:
    if value is None:
        return ""
    # No rounding: coordinates keep their five decimals (babel rounds to three by default).
    language = babel_locale(language or current_language())
    return format_decimal(value, locale=language, decimal_quantization=False)


# Django's own catalogues capitalise month names in Romanian and Italian ("2 Septembrie 2019");
# both write them in lower case in running text. Our catalogue (LOCALE_PATHS) takes precedence.
MONTH_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)


def validate_single_line(value: str) -> None:
    """Names and titles are one line: no line breaks or other control characters."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value or ""):
        raise ValidationError(
            _("Use a single line without line breaks or control characters."), code="single_line"
        )


def validate_language_codes(value) -> None:
    from django.conf.locale import LANG_INFO

    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_('Give a list of language codes, e.g. ["en", "it"].'))
    unknown = sorted({code for code in value if code not in LANG_INFO})
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s."), params={"codes": ", ".join(unknown)}
        )


class Localized:
    """`display_name = Localized("name")`: the field in the reader's language, with fallback."""

    def __init__(self, field: str):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return localized(instance, self.field)
