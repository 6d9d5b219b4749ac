"""Per-address and per-account limits on posting (ideas, comments, responses, sign-ups).

A limit is a number of events of one kind per key within a window. Each allowed attempt is
recorded; a refused one is not, so a blocked client does not extend its own block.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.models import RateEvent


@dataclass(frozen=True)
class Limit:
    per_account: int | None
    per_address: int | None
    window: timedelta = timedelta(hours=1)


def _limits() -> dict[str, Limit]:
    configured = getattr(settings, "DI4C_RATE_LIMITS", {})
    return {kind: Limit(*values) for kind, values in configured.items()}


class RateLimited(ValidationError):
    """Too many attempts: shown as a form error, or answered 429 by the API."""


def client_address(request) -> str:
    """The client's address, trusting X-Forwarded-For only behind the configured proxies."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(prefix: str, value) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"{prefix}:{value}".encode(), hashlib.sha256).hexdigest()


def check_and_record(kind: str, *, user=None, address: str = "") -> None:
    """Raise RateLimited if the account or the address has posted too often; else count it."""
    limit = _limits().get(kind)
    if limit is None:
        return
    now = timezone.now()
    since = now - limit.window
    keys = []
    if user is not None and user.is_authenticated and limit.per_account:
        keys.append((_key("user", user.pk), limit.per_account))
    if address and limit.per_address:
        keys.append((_key("ip", address), limit.per_address))
    with transaction.atomic():
        if keys and connection.vendor == "postgresql":
            # Under READ COMMITTED, simultaneous requests would all count below the limit:
            # one lock per key, held until the commit, makes them count one after the other.
            # (SQLite needs none: its writers already take the database lock up front.)
            with connection.cursor() as cursor:
                for key, _allowed in sorted(keys):
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{kind}:{key}"])
        for key, allowed in keys:
            used = RateEvent.objects.filter(kind=kind, key=key, at__gte=since).count()
            if used >= allowed:
                minutes = int(limit.window.total_seconds() // 60)
                raise RateLimited(
                    _(
                        "You have posted too often. Please wait and try again later "
                        "(at most %(count)s in %(minutes)s minutes)."
                    )
                    % {"count": allowed, "minutes": minutes},
                    code="rate_limited",
                )
        RateEvent.objects.bulk_create(
            [RateEvent(kind=kind, key=key, at=now) for key, _allowed in keys]
        )
        # Old events are of no use: each write sweeps its own kind's expired rows.
        RateEvent.objects.filter(kind=kind, at__lt=now - 2 * limit.window).delete()
