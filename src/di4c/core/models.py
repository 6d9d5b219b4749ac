"""The one model with no domain: the events rate limits count.

Counting rows in the database (rather than a per-process cache) makes a limit hold across
every worker of the server, with or without Redis.
"""

from django.db import models
from django.utils import timezone


class RateEvent(models.Model):
    kind = models.CharField(max_length=32)
    # A keyed hash of "ip:<address>" or "user:<id>": no address is stored in clear.
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
