from django import template

from di4c.core.i18n import format_money, format_number

register = template.Library()


@register.filter
def money(amount, currency="EUR"):
    """{{ network.budget_eur|money }} -> '146.993 €' (ro), '€146,993' (en)."""
    return format_money(amount, currency)


@register.filter
def number(value):
    return format_number(value)


@register.inclusion_tag("core/last_modified.html")
def last_modified(record, history_url=None):
    """'Last modified on 08.11.2022 – 15:18 by …', as the city hall's own pages say it."""
    return {"record": record, "history_url": history_url}


@register.filter
def lines(text):
    """Non-empty lines of a text, for showing a list of aims as a list."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def isodate(value):
    """A date kept as text in JSON (snapshots, baselines), '2022-06-20', as a date object, for
    Django's `date` filter to write in the reader's language."""
    import datetime as dt

    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return value


@register.filter
def translation_fields(form, field_name):
    """The bound translation fields of a field of a TranslatedFieldsMixin form, in order."""
    names = getattr(form, "translation_field_names", {}).get(field_name, [])
    return [form[name] for name in names]


@register.filter
def is_translation_field(form, field_name):
    groups = getattr(form, "translation_field_names", {})
    return any(field_name in names for names in groups.values())


@register.filter
def any_filled_or_wrong(bound_fields):
    return any(field.value() or field.errors for field in bound_fields)
