"""Benchmark of the maturity benchmarks: 300 cities with 10 validated assessments each.

    python benchmarks/maturity.py         # SQLite in a temporary folder
    DATABASE_URL=postgres://... python benchmarks/maturity.py

Builds 300 cities in 30 networks of 10 (plus the DI4C demo), each with 10 validated
assessments on the di4c city framework (39 answers each: 117,000 answers), then prints the
queries and the median / 95th percentile server time of the network benchmark page, its API,
and a city's result page (which also compares it with every city of its population band).
Target: under 150 ms.
"""

import datetime as dt
import random
import sys
import time

from _common import RUNS, engine, measure
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from di4c.accounts.models import Membership, Role, User
from di4c.accounts.services import api_token_create
from di4c.core.demo import load_demo
from di4c.maturity.models import Answer, Assessment, DimensionScore, Framework, Status
from di4c.maturity.services import compute_scores
from di4c.networks.models import Network, Organisation, Partnership, Programme

CITIES, NETWORKS, ROUNDS = 300, 30, 10


@transaction.atomic
def build(framework: Framework) -> Network:
    rng = random.Random(7)
    programme = Programme.objects.create(slug="bench", name="Benchmark programme")
    networks = Network.objects.bulk_create(
        [
            Network(programme=programme, slug=f"bench-{n}", acronym=f"B{n}", name=f"Bench {n}")
            for n in range(NETWORKS)
        ]
    )
    cities = Organisation.objects.bulk_create(
        [
            Organisation(
                slug=f"bench-city-{i}",
                name=f"Bench City {i}",
                kind="municipality",
                country="RO",
                population=rng.randint(20_000, 250_000),
            )
            for i in range(CITIES)
        ]
    )
    Partnership.objects.bulk_create(
        [
            Partnership(
                network=networks[i % NETWORKS],
                organisation=city,
                role="lead" if i < NETWORKS else "partner",
                joined_on=dt.date(2023, 1, 1),
            )
            for i, city in enumerate(cities)
        ]
    )
    indicators = list(framework.indicators.all())
    start = timezone.make_aware(dt.datetime(2015, 1, 1))
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                organisation=city,
                framework=framework,
                status=Status.VALIDATED,
                started_at=start,
                validated_at=start + dt.timedelta(days=180 * round_),
            )
            for city in cities
            for round_ in range(ROUNDS)
        ]
    )
    answers = []
    for assessment in assessments:
        skill = rng.randint(0, 4)
        answers.extend(
            Answer(
                assessment=assessment,
                indicator=indicator,
                level=max(0, min(4, skill + rng.choice([-1, 0, 1]))),
            )
            for indicator in indicators
        )
    Answer.objects.bulk_create(answers, batch_size=5000)
    scores = []
    for assessment in assessments:
        overall, by_dimension = compute_scores(assessment)
        assessment.overall_score = overall
        scores.extend(
            DimensionScore(assessment=assessment, dimension_id=pk, score=value)
            for pk, value in by_dimension.items()
        )
    DimensionScore.objects.bulk_create(scores, batch_size=5000)
    Assessment.objects.bulk_update(assessments, ["overall_score"], batch_size=1000)
    return networks[0]


def main() -> int:
    call_command("migrate", verbosity=0)
    load_demo()
    framework = Framework.objects.get(code="di4c-city")
    began = time.perf_counter()
    network = build(framework)
    print(
        f"di4c maturity benchmark on {engine()}: built {CITIES} cities x {ROUNDS} validated "
        f"assessments ({Answer.objects.count():,} answers) in {time.perf_counter() - began:.0f} s;"
        f" {RUNS} runs per URL"
    )
    member = User.objects.create_user(email="bench@example.org", full_name="Bench", password="x")
    Membership.objects.create(user=member, role=Role.EXPERT, network=network)
    token = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=member, name='b')[1]}"}
    client = Client()
    client.force_login(member)
    city = Organisation.objects.get(slug="bench-city-0")
    result = Assessment.objects.filter(organisation=city).order_by("-validated_at").first()
    client.get("/api/v1/me", **token)
    measure(
        "300 cities, 10 validated assessments each",
        [
            ("expert", f"/networks/{network.slug}/maturity/", {}),
            ("expert", f"/api/v1/networks/{network.slug}/benchmark", token),
            ("expert", result.get_absolute_url(), {}),
        ],
        {"expert": client},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
