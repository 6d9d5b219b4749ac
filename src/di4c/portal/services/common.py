"""Checks the portal's writes share."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from di4c.portal.models.common import portal_slug_validator

SLUG_MAX = 80


def check_language(language: str, field: str = "language") -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        raise ValidationError(
            {
                field: _("Unknown language “%(code)s”: use one of %(codes)s.")
                % {"code": language, "codes": ", ".join(codes)}
            }
        )
    return language


TEXT_MAX = 50_000
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value, field: str, max_length: int = TEXT_MAX) -> str:
    """A multi-line text (Markdown): one kind of line break, no control characters (they
    break feeds and XML), a length that pages can afford to render."""
    text = str(value or "").replace("\r\n", "\n")
    if CONTROL.search(text):
        raise ValidationError({field: _("Remove the control characters from the text.")})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("Use at most %(max)s characters (this has %(count)s).")
                % {"max": max_length, "count": len(text)}
            }
        )
    return text


def clean_line(value, field: str, max_length: int, *, required: bool = False, label=""):
    if CONTROL.search(str(value or "")):
        raise ValidationError(
            {field: _("Use a single line without line breaks or control characters.")}
        )
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: _("%(field)s is required.") % {"field": label or field}})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("Use at most %(max)s characters (this has %(count)s).")
                % {"max": max_length, "count": len(text)}
            }
        )
    return text


def slug_from(text: str, fallback: str) -> str:
    slug = slugify(text)[:SLUG_MAX].strip("-") or fallback
    if slug.isdigit():
        slug = f"{fallback}-{slug}"
    return slug


def check_slug(slug: str, taken, owner_name: str) -> str:
    """`taken(slug) -> bool`. The error proposes a free address, so the author can go on."""
    slug = (slug or "").strip()
    try:
        portal_slug_validator(slug)
    except ValidationError as error:
        raise ValidationError({"slug": error.messages}) from None
    if len(slug) > SLUG_MAX:
        raise ValidationError({"slug": _("Use at most %(max)s characters.") % {"max": SLUG_MAX}})
    if taken(slug):
        candidates = (f"{slug[: SLUG_MAX - 4]}-{n}" for n in range(2, 1000))
        suggestion = next(candidate for candidate in candidates if not taken(candidate))
        raise ValidationError(
            {
                "slug": _(
                    "%(owner)s already has an item at the address “%(slug)s”: choose another, "
                    "e.g. “%(suggestion)s”."
                )
                % {"owner": owner_name, "slug": slug, "suggestion": suggestion}
            }
        )
    return slug
