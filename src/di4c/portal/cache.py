"""Public pages cached per language. The key carries the portal's revision number, which grows
with every change to public content (signals.py): one update invalidates every cached page in
every language and every worker, without listing which pages an object appears on."""

from django.core.cache import cache
from django.db.models import F

from di4c.core.i18n import current_language
from di4c.portal.models import PortalRevision

PAGE_TIMEOUT = 60 * 60


def bump_revision() -> None:
    if not PortalRevision.objects.filter(pk=1).update(value=F("value") + 1):
        PortalRevision.objects.get_or_create(pk=1, defaults={"value": 1})


def current_revision() -> int:
    return PortalRevision.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def cached_fragment(name: str, build, *, language: str | None = None) -> str:
    """The HTML `build()` renders, kept per page name, language and revision."""
    key = f"portal:{current_revision()}:{language or current_language()}:{name}"
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, PAGE_TIMEOUT)
    return html
