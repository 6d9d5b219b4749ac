"""What news items, pages and practices share: an owner (a network, a city, or the instance
itself) and text versions in any of the interface languages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from di4c.core.i18n import current_language

# A slug that is all digits would read as a year in /news/2019/.
portal_slug_validator = RegexValidator(
    r"^(?![0-9]+$)[a-z0-9]+(?:-[a-z0-9]+)*$",
    _(
        "Use lower-case ASCII letters, digits and single hyphens, with at least one letter, "
        "e.g. 'kick-off-in-messina'."
    ),
)


def language_choices():
    return settings.LANGUAGES


class PublishStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def pick_version(versions, language: str | None = None, original: str = "en"):
    """The version in the reader's language, else the original one, else any: with
    `is_fallback` set when the reader's language is missing, for the page's marker."""
    language = language or current_language()
    by_language = {version.language: version for version in versions}
    chosen = by_language.get(language) or by_language.get(original) or by_language.get("en")
    if chosen is None and by_language:
        chosen = next(iter(by_language.values()))
    if chosen is not None:
        chosen.is_fallback = chosen.language != language
    return chosen


def check_one_owner(network, organisation):
    if (network is None) == (organisation is None):
        raise ValidationError(_("Choose either a network or a city, not both."))
