"""The reads of service feedback: a service's ratings summary and the comments shown."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from di4c.engagement.models import ServiceRating


@dataclass
class RatingSummary:
    count: int
    average: float | None
    distribution: list[tuple[int, int]]  # (rating, count), 5 down to 1
    satisfied_percent: float | None


def rating_summary(service) -> RatingSummary:
    row = ServiceRating.objects.filter(service=service).aggregate(
        n=Count("pk"),
        avg=Avg("rating"),
        satisfied=Count("pk", filter=Q(rating__gte=4)),
        **{f"r{value}": Count("pk", filter=Q(rating=value)) for value in range(1, 6)},
    )
    count = row["n"]
    return RatingSummary(
        count=count,
        average=round(row["avg"], 2) if count else None,
        distribution=[(value, row[f"r{value}"]) for value in range(5, 0, -1)],
        satisfied_percent=round(100 * row["satisfied"] / count, 1) if count else None,
    )


def rating_comments(service, *, city_view: bool):
    rows = ServiceRating.objects.filter(service=service).exclude(comment="")
    if not city_view:
        rows = rows.filter(comment_published=True)
    return rows.order_by("-updated_at", "-pk")
