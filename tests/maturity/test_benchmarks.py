"""Benchmarks against hand-computed statistics, gap analysis, and constant query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.maturity import selectors
from di4c.maturity.models import Answer, Assessment, DimensionScore, Status
from di4c.maturity.selectors import percentile
from di4c.maturity.services import compute_scores
from tests.factories import NetworkFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def validated(organisation, framework, levels, when=dt.datetime(2022, 6, 1), evidence=""):
    assessment = Assessment.objects.create(
        organisation=organisation,
        framework=framework,
        status=Status.VALIDATED,
        validated_at=timezone.make_aware(when),
    )
    for indicator, level in zip(framework.indicators.order_by("code"), levels, strict=True):
        Answer.objects.create(
            assessment=assessment, indicator=indicator, level=level, evidence=evidence
        )
    overall, by_dimension = compute_scores(assessment)
    for pk, value in by_dimension.items():
        DimensionScore.objects.create(assessment=assessment, dimension_id=pk, score=value)
    assessment.overall_score = overall
    assessment.save()
    return assessment


def test_percentile_matches_hand_computation():
    values = [Decimal(v) for v in ("10", "20", "30", "40")]
    assert percentile(values, 0.5) == Decimal("25.00")
    assert percentile(values, 0.25) == Decimal("17.50")
    assert percentile(values, 0.75) == Decimal("32.50")
    assert percentile([Decimal(7)], 0.75) == Decimal("7.00")
    assert percentile([], 0.5) is None


@pytest.fixture
def network_of_four(tiny):
    network = NetworkFactory()
    cities = []
    # AA1 weight 2, AA2 weight 1: scores (2*l1 + l2) / 3 / 4 * 100
    for name, levels, population in [
        ("A", (4, 4), 60_000),  # 100.00
        ("B", (2, 2), 70_000),  # 50.00
        ("C", (1, 4), 30_000),  # 50.00
        ("D", (0, 3), 80_000),  # 25.00
    ]:
        city = OrganisationFactory(name=f"City {name}", population=population)
        PartnershipFactory(network=network, organisation=city)
        validated(city, tiny, levels, evidence=f"evidence of {name}")
        cities.append(city)
    return network, cities


def test_network_benchmark_statistics(network_of_four, tiny):
    network, (a, b, c, d) = network_of_four
    # An older assessment of D and a draft of A do not count.
    validated(d, tiny, (4, 4), when=dt.datetime(2020, 1, 1))
    Assessment.objects.create(organisation=a, framework=tiny, status=Status.DRAFT)
    bench = selectors.network_benchmark(network, tiny)
    stats = bench.stats_for("AA")
    assert sorted(stats.values) == [
        Decimal("25.00"),
        Decimal("50.00"),
        Decimal("50.00"),
        Decimal("100.00"),
    ]
    assert stats.median == Decimal("50.00")
    assert stats.q1 == Decimal("43.75")
    assert stats.q3 == Decimal("62.50")
    assert stats.rank_of(a.pk) == 1
    assert stats.rank_of(b.pk) == stats.rank_of(c.pk) == 2
    assert stats.rank_of(d.pk) == 4


def test_population_band_compares_cities_of_the_same_size(network_of_four, tiny):
    _network, (a, b, c, d) = network_of_four
    band, bench = selectors.band_benchmark(a, tiny)
    assert band == (50_001, None)
    assert set(bench.assessments) == {a.pk, b.pk, d.pk}
    band, bench = selectors.band_benchmark(c, tiny)
    assert band == (20_001, 50_000)
    assert set(bench.assessments) == {c.pk}


def test_gap_analysis_ranks_by_weight_times_distance_and_names_leaders(network_of_four, tiny):
    network, (a, b, c, d) = network_of_four
    bench = selectors.network_benchmark(network, tiny)
    assessment = Assessment.objects.get(organisation=d)
    gaps = selectors.gap_analysis(
        selectors.assessment_detail(assessment.pk), bench, {a.pk: "City A"}
    )
    # Target = q3 62.5 -> level 2.5. AA1: 2 * (2.5 - 0) = 5; AA2 at 3 has no gap.
    assert [(g.indicator.code, g.priority) for g in gaps] == [("AA1", Decimal("5.00"))]
    assert [leader["label"] for leader in gaps[0].leaders] == ["City A"]
    assert gaps[0].leaders[0]["evidence"] == "evidence of A"


def test_weak_spots_count_partners_below_target(network_of_four, tiny):
    network, _cities = network_of_four
    bench = selectors.network_benchmark(network, tiny)
    spots = selectors.weak_spots(network, bench)
    assert spots[0]["below"] == 3 and spots[0]["stats"].dimension.code == "AA"


def test_anonymous_peers_for_partners_but_names_for_staff(network_of_four, tiny, django_user_model):
    from di4c.accounts.models import Membership, Role
    from tests.factories import UserFactory

    network, (a, b, c, d) = network_of_four
    network.anonymous_benchmarks = True
    network.save()
    bench = selectors.network_benchmark(network, tiny)
    member = UserFactory()
    Membership.objects.create(user=member, role=Role.CITY_EDITOR, organisation=b)
    labels = selectors.peer_labels(bench, network, member)
    assert labels[b.pk] == "City B"
    assert sorted(v for k, v in labels.items() if k != b.pk) == [
        "Partner A",
        "Partner C",
        "Partner D",
    ]
    expert = UserFactory()
    Membership.objects.create(user=expert, role=Role.EXPERT, network=network)
    assert selectors.peer_labels(bench, network, expert)[a.pk] == "City A"


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_benchmarks_take_a_constant_number_of_queries(network_of_four, tiny):
    network, (a, *_rest) = network_of_four

    def run():
        bench = selectors.network_benchmark(network, tiny)
        [s.median for s in bench.dimensions]
        selectors.band_benchmark(a, tiny)
        selectors.weak_spots(network, bench)

    few = _queries(run)
    for index in range(12):
        city = OrganisationFactory(population=55_000 + index)
        PartnershipFactory(network=network, organisation=city)
        validated(city, tiny, (index % 5, (index + 2) % 5))
        validated(city, tiny, (1, 1), when=dt.datetime(2021, 1, 1))
    assert _queries(run) == few


def test_band_summary_computed_in_the_database_matches_hand_computation(network_of_four, tiny):
    _network, (a, b, c, d) = network_of_four
    # Band over 50,000: A 100, B 50, D 25 -> q1 37.5, median 50, q3 75; D ranks 3rd.
    band, summaries = selectors.band_summary(
        selectors.assessment_detail(Assessment.objects.get(organisation=d).pk)
    )
    summary = summaries["AA"]
    assert band == (50_001, None)
    assert (summary.count, summary.q1, summary.median, summary.q3, summary.rank) == (
        3,
        Decimal("37.50"),
        Decimal("50.00"),
        Decimal("75.00"),
        3,
    )
    # The same figures as the Python statistics over all rows.
    _band, bench = selectors.band_benchmark(d, tiny)
    stats = bench.stats_for("AA")
    assert (stats.q1, stats.median, stats.q3, stats.rank_of(d.pk)) == (
        summary.q1,
        summary.median,
        summary.q3,
        summary.rank,
    )


@pytest.mark.parametrize("count", [1, 2, 5, 6, 9])
def test_band_summary_agrees_with_python_for_any_count(tiny, count):
    import random

    rng = random.Random(count)
    cities = []
    for index in range(count):
        city = OrganisationFactory(population=60_000 + index)
        validated(city, tiny, (rng.randint(0, 4), rng.randint(0, 4)))
        cities.append(city)
    _band, summaries = selectors.band_summary(
        selectors.assessment_detail(Assessment.objects.get(organisation=cities[0]).pk)
    )
    _band, bench = selectors.band_benchmark(cities[0], tiny)
    stats = bench.stats_for("AA")
    summary = summaries["AA"]
    assert (summary.count, summary.q1, summary.median, summary.q3, summary.rank) == (
        stats.count,
        stats.q1,
        stats.median,
        stats.q3,
        stats.rank_of(cities[0].pk),
    )
