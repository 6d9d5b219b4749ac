"""Writing static pages ("About us", accessibility statement, privacy notice)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.services import require_perm
from di4c.networks.models import Network, Organisation
from di4c.portal.models import Page, PageKind, PageText
from di4c.portal.services.common import check_language, clean_line, clean_text


def _owner_fields(owner) -> dict:
    if owner is None:
        return {"network": None, "organisation": None}
    if isinstance(owner, Network):
        return {"network": owner, "organisation": None}
    if isinstance(owner, Organisation):
        return {"network": None, "organisation": owner}
    raise ValidationError(_("A page belongs to the site, a network or a city."))


@transaction.atomic
def page_text_save(*, actor, owner, kind: str, language: str, title: str, body: str = "") -> Page:
    """Create the page if needed and add or replace its version in one language."""
    require_perm(actor, "portal.edit_pages_of", owner)
    if kind not in PageKind.values:
        raise ValidationError({"kind": _("Unknown page.")})
    check_language(language)
    title = clean_line(title, "title", 300)
    if not title:
        raise ValidationError({"title": _("Give the page a title.")})
    page, _created = Page.objects.get_or_create(
        kind=kind, **_owner_fields(owner), defaults={"original_language": language}
    )
    PageText.objects.update_or_create(
        page=page,
        language=language,
        defaults={"title": title, "body": clean_text(body, "body")},
    )
    page.updated_at = timezone.now()
    page.updated_by = actor
    page.save(update_fields=["updated_at", "updated_by"])
    return page


@transaction.atomic
def page_text_delete(*, actor, page: Page, language: str) -> None:
    require_perm(actor, "portal.change_page", page)
    if page.texts.count() <= 1:
        raise ValidationError(_("A page keeps at least one version."))
    page.texts.filter(language=language).delete()
    if page.original_language == language:
        page.original_language = page.texts.first().language
    page.updated_at = timezone.now()
    page.updated_by = actor
    page.save(update_fields=["updated_at", "updated_by", "original_language"])
