"""Benchmark: time and database queries of the main pages and API calls, at two data sizes.

    python benchmarks/pages.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python benchmarks/pages.py

Prints, for each URL, the number of queries and the median / 95th percentile time of
in-process requests (Django test client: no network, no server), first with the demo only,
then with programme-scale data added (seed_scale: 30 networks, 300 organisations, 5,000 people).
"""

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DI4C_DATA_DIR", tempfile.mkdtemp(prefix="di4c-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "di4c.settings")
os.environ.setdefault("DI4C_DEMO_PASSWORD", "bench-password")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from di4c.accounts.models import User  # noqa: E402
from di4c.core.demo import load_demo  # noqa: E402
from di4c.core.scale import seed_scale  # noqa: E402

URLS = [
    ("anon", "/"),
    ("anon", "/programmes/urbact-iii/"),
    ("anon", "/networks/di4c/"),
    ("anon", "/organisations/"),
    ("anon", "/organisations/botosani/"),
    ("anon", "/api/v1/networks"),
    ("anon", "/api/v1/networks/di4c"),
    ("anon", "/api/v1/organisations"),
    ("coordinator", "/networks/di4c/edit/"),
    ("coordinator", "/networks/di4c/history/"),
]
RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def measure(label: str) -> None:
    clients = {"anon": Client(), "coordinator": Client()}
    clients["coordinator"].force_login(User.objects.get(email="coordinator@demo.di4c.eu"))
    print(f"\n{label}")
    print(f"{'url':40} {'who':12} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for who, url in URLS:
        client = clients[who]
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        # Counted at execution: the test client closes the connection after each request.
        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            reset_queries()
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{url:40} {who:12} {len(executed):>7} {statistics.median(timings):>10.1f} {p95:>8.1f}"
        )


def main() -> int:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    call_command("migrate", verbosity=0)
    load_demo()
    print(f"di4c page benchmark on {engine}, {RUNS} runs per URL")
    measure("demo data only")
    totals = seed_scale()
    measure("with programme-scale data: " + ", ".join(f"{v} {k}" for k, v in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
