"""Benchmark: time and database queries of the main pages and API calls, at two data sizes.

    python benchmarks/pages.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python benchmarks/pages.py

Prints, for each URL, the number of queries and the median / 95th percentile time of
in-process requests (Django test client: no network, no server), first with the demo only,
then with programme-scale data added (seed_scale: 30 networks, 300 organisations, 5,000 people).
"""

import sys

from _common import RUNS, engine, measure
from django.core.management import call_command
from django.test import Client

from di4c.accounts.models import User
from di4c.core.demo import load_demo
from di4c.core.scale import seed_scale

URLS = [
    ("anon", "/", {}),
    ("anon", "/programmes/urbact-iii/", {}),
    ("anon", "/networks/di4c/", {}),
    ("anon", "/organisations/", {}),
    ("anon", "/organisations/botosani/", {}),
    ("anon", "/api/v1/networks", {}),
    ("anon", "/api/v1/networks/di4c", {}),
    ("anon", "/api/v1/organisations", {}),
    ("coordinator", "/networks/di4c/edit/", {}),
    ("coordinator", "/networks/di4c/history/", {}),
]


def main() -> int:
    call_command("migrate", verbosity=0)
    load_demo()
    clients = {"anon": Client(), "coordinator": Client()}
    clients["coordinator"].force_login(User.objects.get(email="coordinator@demo.di4c.eu"))
    print(f"di4c page benchmark on {engine()}, {RUNS} runs per URL")
    measure("demo data only", URLS, clients)
    totals = seed_scale()
    label = ", ".join(f"{v} {k}" for k, v in totals.items())
    measure(f"with programme-scale data: {label}", URLS, clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
