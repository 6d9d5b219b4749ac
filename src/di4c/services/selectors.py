"""Reads of the public-services app: catalogue, the digitalisation index per year, the
network comparison. Aggregates are computed by the database in a fixed number of queries."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from di4c.networks.models import Network, Organisation
from di4c.services.models import PublicService, ReferenceService, ServiceYear

KEY_SERVICES_TARGET_2030 = Decimal(100)


def catalogue(organisation: Organisation) -> QuerySet[PublicService]:
    return (
        PublicService.objects.filter(organisation=organisation)
        .select_related("life_event", "reference", "organisation")
        .prefetch_related(Prefetch("years", queryset=ServiceYear.objects.order_by("-year")))
        .order_by("life_event__position", "name")
    )


def references_not_adopted(organisation: Organisation) -> QuerySet[ReferenceService]:
    return (
        ReferenceService.objects.exclude(adoptions__organisation=organisation)
        .select_related("life_event")
        .order_by("life_event__position", "name")
    )


def _percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class YearIndex:
    year: int
    services: int
    online_share: Decimal | None  # ISO 37122: share of services at level 3 or more
    key_services: int
    key_fully_online_share: Decimal | None  # against the EU 2030 target of 100 %
    average_level: Decimal | None
    uptake: Decimal | None  # share of requests made online, over services with both figures
    requests: int | None
    online_requests: int | None
    levels: list[int]  # number of services at level 0..4

    @property
    def gap_to_2030(self) -> Decimal | None:
        if self.key_fully_online_share is None:
            return None
        return KEY_SERVICES_TARGET_2030 - self.key_fully_online_share


def _both_volumes() -> Q:
    return Q(total_requests__isnull=False, online_requests__isnull=False)


def index_by_year(organisation: Organisation) -> list[YearIndex]:
    """The digitalisation index for each year with figures (one query)."""
    rows = (
        ServiceYear.objects.filter(service__organisation=organisation)
        .values("year")
        .annotate(
            services=Count("id"),
            online=Count("id", filter=Q(level__gte=3)),
            key_total=Count("id", filter=Q(service__is_key=True)),
            key_full=Count("id", filter=Q(service__is_key=True, level=4)),
            level_sum=Sum("level"),
            requests=Sum("total_requests", filter=_both_volumes()),
            online_requests=Sum("online_requests", filter=_both_volumes()),
            **{f"level{n}": Count("id", filter=Q(level=n)) for n in range(5)},
        )
        .order_by("year")
    )
    return [
        YearIndex(
            year=row["year"],
            services=row["services"],
            online_share=_percent(row["online"], row["services"]),
            key_services=row["key_total"],
            key_fully_online_share=_percent(row["key_full"], row["key_total"]),
            average_level=(
                (Decimal(row["level_sum"]) / row["services"]).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                )
                if row["services"]
                else None
            ),
            uptake=_percent(row["online_requests"] or 0, row["requests"]),
            requests=row["requests"],
            online_requests=row["online_requests"],
            levels=[row[f"level{n}"] for n in range(5)],
        )
        for row in rows
    ]


def biggest_gains(organisation: Organisation, year: int, limit: int = 5) -> list[ServiceYear]:
    """High-volume services still not online (below level 3) that year."""
    return list(
        ServiceYear.objects.filter(
            service__organisation=organisation, year=year, level__lt=3, total_requests__gt=0
        )
        .select_related("service")
        .order_by("-total_requests")[:limit]
    )


def network_partners(network: Network) -> QuerySet[Organisation]:
    today = timezone.localdate()
    return Organisation.objects.filter(
        Q(partnerships__left_on__isnull=True) | Q(partnerships__left_on__gte=today),
        partnerships__network=network,
    ).order_by("name")


def network_comparison(network: Network) -> tuple[list[Organisation], list[dict]]:
    """For each reference service, each partner's level and latest uptake (two queries)."""
    partners = list(network_partners(network))
    references = list(ReferenceService.objects.select_related("life_event"))
    services = PublicService.objects.filter(
        organisation__in=partners, reference__isnull=False
    ).prefetch_related(Prefetch("years", queryset=ServiceYear.objects.order_by("-year")))
    cells: dict[tuple[int, int], dict] = {}
    for service in services:
        latest = next(
            (y for y in service.years.all() if y.total_requests and y.online_requests is not None),
            None,
        )
        cells[(service.reference_id, service.organisation_id)] = {
            "level": service.level,
            "uptake": _percent(latest.online_requests, latest.total_requests) if latest else None,
        }
    rows = []
    for reference in references:
        row_cells = [cells.get((reference.pk, partner.pk)) for partner in partners]
        ask = [
            partner
            for partner, cell in zip(partners, row_cells, strict=True)
            if cell and cell["level"] == 4
        ]
        rows.append({"reference": reference, "cells": row_cells, "ask": ask})
    return partners, rows
