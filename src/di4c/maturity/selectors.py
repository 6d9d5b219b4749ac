"""Reads of the maturity app, shared by pages, exports and the API.

Benchmarks take a fixed number of queries whatever the number of cities: the latest validated
assessment of each city is picked in the database (a correlated subquery), and the scores come
back in one query, from which the quartiles are interpolated.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.maturity.models import (
    Answer,
    Assessment,
    Dimension,
    DimensionScore,
    DimensionTarget,
    Framework,
    Indicator,
    Scale,
    Status,
)
from di4c.networks.models import Network, Organisation

# Population bands used to compare cities of a similar size across the instance (as AOC does).
POPULATION_BANDS = [
    (1, 500),
    (501, 1_000),
    (1_001, 5_000),
    (5_001, 20_000),
    (20_001, 50_000),
    (50_001, None),
]


def population_band(population: int | None) -> tuple[int, int | None] | None:
    if not population:
        return None
    for low, high in POPULATION_BANDS:
        if population >= low and (high is None or population <= high):
            return low, high
    return None


def band_label(band) -> str:
    if band is None:
        return _("unknown population")
    low, high = band
    if high is None:
        return _("over %(low)s inhabitants") % {"low": f"{low - 1:,}"}
    return _("%(low)s to %(high)s inhabitants") % {"low": f"{low:,}", "high": f"{high:,}"}


def latest_frameworks() -> list[Framework]:
    """The newest version of each framework; full maturity models before checklists."""
    frameworks = Framework.objects.order_by("code", "-version")
    seen, latest = set(), []
    for framework in frameworks:
        if framework.code not in seen:
            seen.add(framework.code)
            latest.append(framework)
    return sorted(latest, key=lambda f: (f.scale != Scale.LEVELS, f.code))


def framework_detail(code: str, version: int) -> Framework:
    framework = (
        Framework.objects.filter(code=code, version=version)
        .prefetch_related(
            Prefetch("dimensions", queryset=Dimension.objects.order_by("position")),
            Prefetch("dimensions__indicators", queryset=Indicator.objects.order_by("position")),
        )
        .first()
    )
    if framework is None:
        raise Http404
    return framework


def assessments_of(organisation: Organisation) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(organisation=organisation)
        .select_related("framework", "organisation")
        .order_by("-started_at")
    )


def assessments_with_details() -> QuerySet[Assessment]:
    """Assessments with their framework, answers and scores, in a fixed number of queries."""
    return Assessment.objects.select_related(
        "framework", "organisation", "validated_by"
    ).prefetch_related(
        Prefetch(
            "framework__dimensions",
            queryset=Dimension.objects.order_by("position").prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
            ),
        ),
        Prefetch("answers", queryset=Answer.objects.prefetch_related("files")),
        Prefetch("dimension_scores", queryset=DimensionScore.objects.all()),
    )


def assessment_detail(pk: int) -> Assessment:
    assessment = assessments_with_details().filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def answers_by_indicator(assessment: Assessment) -> dict[int, Answer]:
    return {answer.indicator_id: answer for answer in assessment.answers.all()}


def progress(assessment: Assessment) -> tuple[int, int]:
    answered = sum(1 for a in assessment.answers.all() if a.level is not None)
    total = sum(len(d.indicators.all()) for d in assessment.framework.dimensions.all())
    return answered, total


def percentile(values: list[Decimal], fraction: float) -> Decimal | None:
    """Linear interpolation between closest ranks (as PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * Decimal(str(fraction))
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    share = position - lower
    value = ordered[lower] + (ordered[upper] - ordered[lower]) * share
    return value.quantize(Decimal("0.01"))


@dataclass
class DimensionStats:
    dimension: Dimension
    scores: dict[int, Decimal] = field(default_factory=dict)  # organisation id -> score

    @property
    def values(self) -> list[Decimal]:
        return list(self.scores.values())

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def median(self):
        return percentile(self.values, 0.5)

    @property
    def q1(self):
        return percentile(self.values, 0.25)

    @property
    def q3(self):
        return percentile(self.values, 0.75)

    def rank_for(self, score: Decimal | None, organisation_id: int) -> int | None:
        """Where a score of this city would stand among the other cities' latest scores."""
        if score is None:
            return None
        return 1 + sum(
            1 for other, value in self.scores.items() if other != organisation_id and value > score
        )

    def rank_of(self, organisation_id: int) -> int | None:
        """1 for the best score; ties share a rank."""
        mine = self.scores.get(organisation_id)
        if mine is None:
            return None
        return 1 + sum(1 for value in self.values if value > mine)


@dataclass
class Benchmark:
    framework: Framework
    dimensions: list[DimensionStats]
    assessments: dict[int, Assessment]  # organisation id -> latest validated assessment
    overall: dict[int, Decimal]

    @property
    def overall_median(self):
        return percentile(list(self.overall.values()), 0.5)

    def stats_for(self, dimension_code: str) -> DimensionStats | None:
        return next((s for s in self.dimensions if s.dimension.code == dimension_code), None)


def _latest_validated(framework: Framework, organisations: QuerySet) -> QuerySet[Assessment]:
    """Each organisation's newest validated assessment, picked by the database: the rows are
    numbered per organisation, newest first, and the first ones kept (a window function: about
    three times faster on PostgreSQL than a correlated subquery)."""
    numbered = Assessment.objects.filter(
        framework=framework, status=Status.VALIDATED, organisation__in=organisations
    ).annotate(
        newest_first=Window(
            RowNumber(),
            partition_by=[F("organisation_id")],
            order_by=[F("validated_at").desc(), F("pk").desc()],
        )
    )
    return Assessment.objects.filter(pk__in=numbered.filter(newest_first=1).values("pk"))


def benchmark(framework: Framework, organisations: QuerySet) -> Benchmark:
    """Per-dimension statistics over the latest validated assessment of each organisation."""
    latest = _latest_validated(framework, organisations)
    assessments = {
        a.organisation_id: a for a in latest.select_related("organisation").order_by("pk")
    }
    dimensions = list(Dimension.objects.filter(framework=framework).order_by("position"))
    stats = {d.pk: DimensionStats(d) for d in dimensions}
    rows = DimensionScore.objects.filter(assessment__in=latest).values_list(
        "dimension_id", "assessment__organisation_id", "score"
    )
    for dimension_id, organisation_id, score in rows:
        stats[dimension_id].scores[organisation_id] = score
    overall = {
        org: a.overall_score for org, a in assessments.items() if a.overall_score is not None
    }
    return Benchmark(framework, [stats[d.pk] for d in dimensions], assessments, overall)


def network_partners(network: Network) -> QuerySet[Organisation]:
    today = timezone.localdate()
    return Organisation.objects.filter(
        Q(partnerships__left_on__isnull=True) | Q(partnerships__left_on__gte=today),
        partnerships__network=network,
    )


def network_benchmark(network: Network, framework: Framework) -> Benchmark:
    return benchmark(framework, network_partners(network))


def _band_peers(organisation: Organisation):
    band = population_band(organisation.population)
    if band is None:
        return None, Organisation.objects.filter(pk=organisation.pk)
    low, high = band
    peers = Organisation.objects.filter(population__gte=low)
    if high is not None:
        peers = peers.filter(population__lte=high)
    return band, peers


def band_benchmark(organisation: Organisation, framework: Framework) -> tuple[tuple, Benchmark]:
    band, peers = _band_peers(organisation)
    return band, benchmark(framework, peers)


@dataclass
class Summary:
    """Quartiles, count and one city's rank in a dimension, computed by the database."""

    count: int = 0
    q1: Decimal | None = None
    median: Decimal | None = None
    q3: Decimal | None = None
    rank: int | None = None


QUARTILES = {"q1": (1, 4), "median": (1, 2), "q3": (3, 4)}


def band_summary(assessment: Assessment) -> tuple[tuple, dict]:
    """Per dimension code: the statistics of every city in the assessment's population band
    (their latest validated assessment) and the rank of this assessment's scores among the
    other cities, in two queries.

    The database numbers the scores of each dimension in order and returns only the rows next
    to each quartile's position (and the city's own row); the interpolation happens here.
    """
    organisation = assessment.organisation
    band, peers = _band_peers(organisation)
    latest = _latest_validated(assessment.framework, peers)
    rows = DimensionScore.objects.filter(assessment__in=latest).annotate(
        position=Window(RowNumber(), partition_by=[F("dimension_id")], order_by=F("score").asc()),
        total=Window(Count("id"), partition_by=[F("dimension_id")]),
    )
    near_quartiles = Q()
    for numerator, denominator in QUARTILES.values():
        lower = (F("total") - 1) * numerator / denominator  # integer division: floor
        near_quartiles |= Q(position=lower + 1) | Q(position=lower + 2)
    rows = rows.filter(near_quartiles).values_list("dimension__code", "position", "total", "score")
    by_code: dict[str, dict] = {}
    for code, position, total, score in rows:
        entry = by_code.setdefault(code, {"total": total, "scores": {}})
        entry["scores"][position] = score
    # Rank of the scores shown (not necessarily the city's latest) among the other cities.
    mine = {s.dimension_id: s.score for s in assessment.dimension_scores.all()}
    above = Q(pk__in=[])
    for dimension_id, score in mine.items():
        above |= Q(dimension_id=dimension_id, score__gt=score)
    ranks = dict(
        DimensionScore.objects.filter(assessment__in=latest)
        .exclude(assessment__organisation=organisation)
        .filter(above)
        .values_list("dimension__code")
        .annotate(better=Count("id"))
        .values_list("dimension__code", "better")
    )
    has_score = {d.code for d in assessment.framework.dimensions.all() if d.pk in mine}
    summaries = {}
    for code, entry in by_code.items():
        total, scores = entry["total"], entry["scores"]
        summary = Summary(count=total, rank=1 + ranks.get(code, 0) if code in has_score else None)
        for name, (numerator, denominator) in QUARTILES.items():
            exact = Decimal((total - 1) * numerator) / denominator
            lower = int(exact)
            below = scores[lower + 1]
            above = scores.get(lower + 2, below)
            setattr(
                summary, name, (below + (above - below) * (exact - lower)).quantize(Decimal("0.01"))
            )
        summaries[code] = summary
    return band, summaries


def framework_for_network(network: Network, code: str | None = None) -> Framework | None:
    """The framework version most validated assessments of the network's partners use."""
    return frameworks_used_in(network, code).first()


def frameworks_used_in(network: Network, code: str | None = None) -> QuerySet[Framework]:
    frameworks = Framework.objects.filter(
        assessments__status=Status.VALIDATED,
        assessments__organisation__in=network_partners(network),
    )
    if code:
        frameworks = frameworks.filter(code=code)
    return frameworks.annotate(used=Count("assessments", distinct=True)).order_by(
        "-used", "-version", "code"
    )


def previous_validated(assessment: Assessment) -> Assessment | None:
    before = assessment.validated_at or assessment.started_at
    return (
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id,
            framework__code=assessment.framework.code,
            status=Status.VALIDATED,
            validated_at__lt=before,
        )
        .exclude(pk=assessment.pk)
        .prefetch_related(
            Prefetch(
                "dimension_scores", queryset=DimensionScore.objects.select_related("dimension")
            )
        )
        .order_by("-validated_at")
        .first()
    )


def targets_of(organisation: Organisation, framework: Framework) -> dict[str, Decimal]:
    return dict(
        DimensionTarget.objects.filter(
            organisation=organisation, framework_code=framework.code
        ).values_list("dimension_code", "target_score")
    )


@dataclass
class Gap:
    indicator: Indicator
    level: int
    target_level: Decimal
    priority: Decimal
    leaders: list[dict]  # {"organisation": ..., "level": ..., "evidence": ...}


def gap_analysis(
    assessment: Assessment, peers: Benchmark, labels: dict[int, str], limit: int = 10
) -> list[Gap]:
    """The weakest indicators, by weight times distance to the target level, each with the
    peers that score highest there and their evidence."""
    framework = assessment.framework
    targets = targets_of(assessment.organisation, framework)
    gaps = []
    answers = answers_by_indicator(assessment)
    for dimension in framework.dimensions.all():
        stats = peers.stats_for(dimension.code)
        target_score = targets.get(dimension.code)
        if target_score is None:
            target_score = stats.q3 if stats and stats.q3 is not None else Decimal(75)
        target_level = Decimal(target_score) * framework.scale_max / 100
        for indicator in dimension.indicators.all():
            answer = answers.get(indicator.pk)
            if answer is None or answer.level is None:
                continue
            distance = target_level - answer.level
            if distance > 0:
                gaps.append(
                    Gap(
                        indicator,
                        answer.level,
                        target_level.quantize(Decimal("0.1")),
                        (indicator.weight * distance).quantize(Decimal("0.01")),
                        [],
                    )
                )
    gaps.sort(key=lambda gap: (-gap.priority, gap.indicator.code))
    gaps = gaps[:limit]
    peer_assessments = [
        a.pk for org, a in peers.assessments.items() if org != assessment.organisation_id
    ]
    if gaps and peer_assessments:
        rows = (
            Answer.objects.filter(
                assessment_id__in=peer_assessments,
                indicator__in=[gap.indicator for gap in gaps],
                level__isnull=False,
            )
            .select_related("assessment__organisation")
            .order_by("-level", "assessment__organisation__name")
        )
        by_indicator: dict[int, list] = {}
        for answer in rows:
            by_indicator.setdefault(answer.indicator_id, []).append(answer)
        for gap in gaps:
            best = by_indicator.get(gap.indicator.pk, [])
            top = best[0].level if best else None
            gap.leaders = [
                {
                    # The label, not the name: anonymous networks stay anonymous here too.
                    "label": labels.get(a.assessment.organisation_id, ""),
                    "level": a.level,
                    "evidence": a.evidence,
                }
                for a in best
                if a.level == top and a.level > gap.level
            ][:3]
    return gaps


def weak_spots(network: Network, bench: Benchmark) -> list[dict]:
    """Dimensions where most partners are below their target (default: the top quartile)."""
    targets: dict[tuple[int, str], Decimal] = {
        (organisation_id, code): value
        for organisation_id, code, value in DimensionTarget.objects.filter(
            organisation_id__in=list(bench.assessments), framework_code=bench.framework.code
        ).values_list("organisation_id", "dimension_code", "target_score")
    }
    spots = []
    for stats in bench.dimensions:
        if not stats.count:
            continue
        default = stats.q3
        below = [
            organisation_id
            for organisation_id, score in stats.scores.items()
            if score < targets.get((organisation_id, stats.dimension.code), default)
        ]
        spots.append(
            {"stats": stats, "below": len(below), "share": round(100 * len(below) / stats.count)}
        )
    spots.sort(key=lambda spot: (-spot["below"], spot["stats"].median or 0))
    return spots


def peer_labels(bench: Benchmark, network: Network | None, viewer) -> dict[int, str]:
    """Names of the peers, or 'Partner A, B, …' when the network hides them from partners."""
    from di4c.accounts.models import Role
    from di4c.accounts.selectors import user_roles

    names = {org: a.organisation.display_name for org, a in bench.assessments.items()}
    if network is None or not network.anonymous_benchmarks:
        return names
    roles = user_roles(viewer)
    if getattr(viewer, "is_superuser", False) or roles.in_network(
        network.pk, Role.NETWORK_COORDINATOR, Role.EXPERT
    ):
        return names
    own = set(roles.organisation_roles)
    labels = {}
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for index, organisation_id in enumerate(sorted(names)):
        labels[organisation_id] = (
            names[organisation_id]
            if organisation_id in own
            else _("Partner %(letter)s") % {"letter": letters[index % 26]}
        )
    return labels
