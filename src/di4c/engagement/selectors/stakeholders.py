"""The reads of the engagement app: the stakeholder map and its two views (power/interest
matrix, ecosystem by sector), and a person's data export. Aggregates are counted in the
database."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from di4c.engagement.models import Sector, Stakeholder

SCALE = (1, 2, 3, 4, 5)


def stakeholders_of(organisation, *, sector: str = "", text: str = "") -> QuerySet[Stakeholder]:
    stakeholders = Stakeholder.objects.filter(organisation=organisation)
    if sector:
        stakeholders = stakeholders.filter(sector=sector)
    if text:
        stakeholders = stakeholders.filter(name__icontains=text)
    return stakeholders.order_by("name", "pk")


def quadrant(influence: int, interest: int) -> str:
    """The usual strategy for a cell of the matrix (3 and up counts as high): manage closely,
    keep satisfied, keep informed, monitor."""
    if influence >= 3:
        return "manage" if interest >= 3 else "satisfy"
    return "inform" if interest >= 3 else "monitor"


@dataclass
class Matrix:
    """rows[influence][interest] -> stakeholders, influence from 5 (top) to 1."""

    rows: list[tuple[int, list[list[Stakeholder]]]]

    @property
    def quadrants(self) -> dict[str, int]:
        """The usual four strategies: manage closely, keep satisfied, keep informed, monitor."""
        counts = {"manage": 0, "satisfy": 0, "inform": 0, "monitor": 0}
        for influence, cells in self.rows:
            for interest, cell in zip(SCALE, cells, strict=True):
                counts[quadrant(influence, interest)] += len(cell)
        return counts


def power_interest_matrix(organisation) -> Matrix:
    grid = {(power, interest): [] for power in SCALE for interest in SCALE}
    for stakeholder in stakeholders_of(organisation).only(
        "pk", "name", "influence", "interest", "sector", "erased_at", "kind"
    ):
        grid[(stakeholder.influence, stakeholder.interest)].append(stakeholder)
    return Matrix(
        rows=[(power, [grid[(power, interest)] for interest in SCALE]) for power in (5, 4, 3, 2, 1)]
    )


@dataclass
class SectorGroup:
    sector: str
    label: str
    stakeholders: list[Stakeholder]
    in_local_group: int


def ecosystem(organisation) -> list[SectorGroup]:
    """The stakeholders grouped by sector, every sector listed (an empty one is a gap)."""
    by_sector: dict[str, list[Stakeholder]] = {value: [] for value in Sector.values}
    for stakeholder in stakeholders_of(organisation):
        by_sector[stakeholder.sector].append(stakeholder)
    return [
        SectorGroup(
            sector=value,
            label=str(label),
            stakeholders=by_sector[value],
            in_local_group=sum(1 for s in by_sector[value] if s.local_group_role),
        )
        for value, label in Sector.choices
    ]


def sector_counts(organisation) -> dict[str, int]:
    """Anonymous facts for reports: how many stakeholders per sector (erased ones included)."""
    rows = (
        Stakeholder.objects.filter(organisation=organisation)
        .values("sector")
        .annotate(count=Count("pk"))
        .values_list("sector", "count")
    )
    return dict(rows)


def personal_data_export(stakeholder: Stakeholder) -> dict:
    """Everything di4c holds about this stakeholder (GDPR art. 15 and 20), as JSON-ready data."""
    return {
        "exported_at": timezone.now().isoformat(),
        "controller": stakeholder.organisation.display_name,
        "record": {
            "id": stakeholder.pk,
            "kind": stakeholder.kind,
            "name": stakeholder.name,
            "sector": stakeholder.sector,
            "description": stakeholder.description,
            "influence": stakeholder.influence,
            "interest": stakeholder.interest,
            "local_group_role": stakeholder.local_group_role,
            "contact_name": stakeholder.contact_name,
            "email": stakeholder.email,
            "phone": stakeholder.phone,
            "consent": {
                "given_on": stakeholder.consent_given_on.isoformat()
                if stakeholder.consent_given_on
                else None,
                "purpose": stakeholder.consent_purpose,
                "method": stakeholder.consent_method,
            },
            "created_at": stakeholder.created_at.isoformat(),
            "updated_at": stakeholder.updated_at.isoformat(),
            "erased_at": stakeholder.erased_at.isoformat() if stakeholder.erased_at else None,
        },
    }
