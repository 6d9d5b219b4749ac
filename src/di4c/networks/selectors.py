"""Reads on programmes, networks and organisations, shared by pages and the API.

Each selector fetches what its page shows in a fixed number of queries.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from di4c.networks.models import Network, Organisation, Partnership, Phase, Programme


def programmes_list() -> QuerySet[Programme]:
    return Programme.objects.annotate(network_count=Count("networks")).order_by("name")


def programme_detail(slug: str) -> Programme:
    programme = (
        Programme.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "networks",
                queryset=Network.objects.annotate(
                    partner_count=Count(
                        "partnerships",
                        filter=Q(partnerships__left_on__isnull=True)
                        | Q(partnerships__left_on__gte=timezone.localdate()),
                    )
                ).order_by("acronym"),
            )
        )
        .first()
    )
    if programme is None:
        raise Http404
    return programme


def _partnerships_with_organisations() -> QuerySet[Partnership]:
    return Partnership.objects.select_related("organisation").prefetch_related(
        "organisation__affiliates"
    )


def networks_list() -> QuerySet[Network]:
    return (
        Network.objects.select_related("programme")
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_on")),
            Prefetch("partnerships", queryset=_partnerships_with_organisations()),
        )
        .order_by("acronym")
    )


def network_detail(slug: str) -> Network:
    network = networks_list().filter(slug=slug).first()
    if network is None:
        raise Http404
    return network


def partners_in_order(network: Network) -> tuple[list[Partnership], list[Partnership]]:
    """Current partners (lead first, then by name) and former partners, from the prefetch."""
    today = timezone.localdate()
    partnerships = sorted(
        network.partnerships.all(),
        key=lambda p: (p.role != "lead", p.organisation.display_name.casefold()),
    )
    current = [p for p in partnerships if p.is_current(today)]
    former = [p for p in partnerships if not p.is_current(today)]
    return current, former


def organisations_list() -> QuerySet[Organisation]:
    return (
        Organisation.objects.select_related("parent")
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.select_related("network").order_by("joined_on"),
            )
        )
        .order_by("name")
    )


def organisation_detail(slug: str) -> Organisation:
    organisation = organisations_list().prefetch_related("affiliates").filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def programmes_with_networks() -> QuerySet[Programme]:
    return programmes_list().prefetch_related(
        Prefetch("networks", queryset=Network.objects.order_by("acronym"))
    )


def phase_timeline(phases: list[Phase]) -> list[dict]:
    """Each phase with its offset and width in percent of the network's whole span."""
    if not phases:
        return []
    start = min(p.starts_on for p in phases)
    end = max(p.ends_on for p in phases)
    span = max((end - start).days, 1)
    return [
        {
            "phase": phase,
            "offset": round((phase.starts_on - start).days * 100 / span, 2),
            "width": max(round((phase.ends_on - phase.starts_on).days * 100 / span, 2), 2),
            "months": round((phase.ends_on - phase.starts_on).days / 30.44),
        }
        for phase in phases
    ]
