"""The search index: one entry per public object and language version, with its text
stemmed and stripped of accents in Python (search/text.py), so that SQLite FTS5 and
PostgreSQL full-text search index the same words and answer the same way."""

from django.db import models


class SearchKind(models.TextChoices):
    NEWS = "news", "news"
    PRACTICE = "practice", "practice"
    PLAN = "plan", "plan"
    ACTION = "action", "action"
    MEETING = "meeting", "meeting"
    SERVICE = "service", "service"


class SearchEntry(models.Model):
    kind = models.CharField(max_length=12, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=8)
    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    title = models.CharField(max_length=300)
    excerpt = models.CharField(max_length=400, blank=True)
    url = models.CharField(max_length=400)
    date = models.DateTimeField(null=True)
    # Normalised words (stems, no accents, lower case), what the engines index.
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="search_entry_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "language"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.language}"


class PortalRevision(models.Model):
    """One row whose number grows with every change to public content: cached public pages
    carry it in their key, so a change reaches every worker and every language at once."""

    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
