"""Public pages cached per language. The key carries the portal's revision number, which grows
with every change to public content (signals.py): one update invalidates every cached page in
every language and every worker, without listing which pages an object appears on."""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone

from di4c.core.i18n import current_language
from di4c.portal.models import PortalRevision

PAGE_TIMEOUT = 60 * 60
CACHE_HEADER = "X-Di4c-Cache"
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


# The revision as this process last read it. A cached page then costs no database query at
# all; other workers see a change within REVISION_CHECK_SECONDS, the worker that made it at once.
REVISION_CHECK_SECONDS = 1.0
_seen = {"value": None, "at": 0.0}


def bump_revision() -> None:
    if not PortalRevision.objects.filter(pk=1).update(value=F("value") + 1):
        PortalRevision.objects.get_or_create(pk=1, defaults={"value": 1})
    _seen["value"] = None


def current_revision() -> int:
    now = time.monotonic()
    if _seen["value"] is None or now - _seen["at"] > REVISION_CHECK_SECONDS:
        _seen["value"] = (
            PortalRevision.objects.filter(pk=1).values_list("value", flat=True).first() or 0
        )
        _seen["at"] = now
    return _seen["value"]


def forget_revision() -> None:
    """For tests: each test's database starts the revision again."""
    _seen["value"] = None


def cached_fragment(name: str, build, *, language: str | None = None) -> str:
    """The HTML `build()` renders, kept per page name, language and revision."""
    key = f"portal:{current_revision()}:{language or current_language()}:{name}"
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, PAGE_TIMEOUT)
    return html


def _timeout() -> int:
    """No cached page outlives the next scheduled publication: no signal fires when a
    scheduled item's time comes, so the pages that list it must be rendered again then."""
    from di4c.portal.models import NewsItem, PublishStatus

    now = timezone.now()
    upcoming = (
        NewsItem.objects.filter(status=PublishStatus.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if upcoming is None:
        return PAGE_TIMEOUT
    return max(1, min(PAGE_TIMEOUT, int((upcoming - now).total_seconds()) + 1))


def _canonical_query(request) -> bool:
    """Only `?page=N` (N up to 9999) and `?lang=<an interface language>` are cached."""
    for name, values in request.GET.lists():
        if len(values) != 1:
            return False
        if name == "page" and PAGE_NUMBER.fullmatch(values[0]):
            continue
        if name == "lang" and values[0] in dict(settings.LANGUAGES):
            continue
        return False
    return True


def _has_private_state(request) -> bool:
    """A signed-in visitor, or one with a session or pending messages, sees a page of their own."""
    cookies = request.COOKIES
    if cookies.get(settings.SESSION_COOKIE_NAME) or cookies.get("messages"):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def public_page(view):
    """Whole public pages for anonymous visitors, cached per address, language and revision.
    Pages that put a CSRF token or a cookie in the response are never cached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or _has_private_state(request)
            or not _canonical_query(request)
        ):
            # Filtered lists and odd parameters (?junk=1, ?page=99999…) are rendered fresh:
            # any value would otherwise make a new cache entry.
            return view(request, *args, **kwargs)
        # The host and scheme are in the page (canonical, hreflang and Open Graph addresses).
        seen_as = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        address = hashlib.sha256(seen_as.encode()).hexdigest()
        key = f"portal:page:{current_revision()}:{current_language()}:{address}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response[CACHE_HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        cacheable = (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )
        if cacheable:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), _timeout())
            response[CACHE_HEADER] = "miss"
        return response

    return wrapped
