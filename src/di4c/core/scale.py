"""Programme-scale data for benchmarks: 30 networks, 300 organisations, 5,000 people.

Written with bulk inserts (no history rows): it is load for measuring, not demo content.
"""

import datetime as dt
import random

from django.db import transaction

from di4c.accounts.models import Membership, Role, User
from di4c.networks.models import Network, Organisation, Partnership, Phase, Programme

COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "EL",
    "ES",
    "FI",
    "FR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "NO",
]
COUNTRIES = [code if code != "EL" else "GR" for code in COUNTRIES]


@transaction.atomic
def seed_scale(*, networks: int = 30, organisations: int = 300, users: int = 5000, seed: int = 1):
    """Add a programme of `networks` networks with 7-10 partners each. Idempotent by slug."""
    rng = random.Random(seed)
    programme, _ = Programme.objects.get_or_create(
        slug="scale-programme", defaults={"name": "Scale test programme"}
    )
    existing = set(Organisation.objects.values_list("slug", flat=True))
    Organisation.objects.bulk_create(
        [
            Organisation(
                slug=f"scale-city-{i}",
                name=f"Scale City {i}",
                kind="municipality",
                country=rng.choice(COUNTRIES),
                population=rng.randint(20_000, 250_000),
            )
            for i in range(organisations)
            if f"scale-city-{i}" not in existing
        ]
    )
    cities = list(Organisation.objects.filter(slug__startswith="scale-city-"))
    existing = set(Network.objects.values_list("slug", flat=True))
    Network.objects.bulk_create(
        [
            Network(
                programme=programme,
                slug=f"scale-net-{i}",
                acronym=f"SN{i}",
                name=f"Scale Network {i}",
                budget_eur=rng.randint(600_000, 900_000),
            )
            for i in range(networks)
            if f"scale-net-{i}" not in existing
        ]
    )
    nets = list(Network.objects.filter(slug__startswith="scale-net-").order_by("pk"))
    fresh = [n for n in nets if not n.phases.exists()]
    Phase.objects.bulk_create(
        [
            Phase(network=n, number=1, starts_on=dt.date(2023, 6, 1), ends_on=dt.date(2023, 12, 1))
            for n in fresh
        ]
        + [
            Phase(network=n, number=2, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2025, 12, 31))
            for n in fresh
        ]
    )
    partnerships = []
    for network in fresh:
        for index, city in enumerate(rng.sample(cities, rng.randint(7, 10))):
            partnerships.append(
                Partnership(
                    network=network,
                    organisation=city,
                    role="lead" if index == 0 else "partner",
                    joined_on=dt.date(2023, 6, 1),
                )
            )
    Partnership.objects.bulk_create(partnerships)
    have = User.objects.filter(email__endswith="@scale.di4c.eu").count()
    new_users = User.objects.bulk_create(
        [
            User(email=f"person{i}@scale.di4c.eu", full_name=f"Scale Person {i}", password="!")
            for i in range(have, users)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, role=Role.CITY_EDITOR, organisation=rng.choice(cities))
            for user in new_users
        ]
    )
    return {
        "networks": Network.objects.count(),
        "organisations": Organisation.objects.count(),
        "partnerships": Partnership.objects.count(),
        "users": User.objects.count(),
    }
