"""Shared by the benchmark scripts: a throw-away database and a timing loop."""

import os
import statistics
import tempfile
import time

os.environ.setdefault("DI4C_DATA_DIR", tempfile.mkdtemp(prefix="di4c-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "di4c.settings")
os.environ.setdefault("DI4C_DEMO_PASSWORD", "bench-password")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def engine() -> str:
    return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]


def measure(label: str, urls: list[tuple[str, str, dict]], clients: dict[str, Client]) -> None:
    """Print queries, median and 95th percentile of in-process requests for each URL."""
    print(f"\n{label}")
    print(f"{'url':48} {'who':12} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for who, url, headers in urls:
        client = clients[who]
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        # Counted at execution: the test client closes the connection after each request.
        with connection.execute_wrapper(count):
            response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url, **headers)
            timings.append((time.perf_counter() - start) * 1000)
            reset_queries()
        timings.sort()
        p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
        print(
            f"{url:48} {who:12} {len(executed):>7} {statistics.median(timings):>10.1f} {p95:>8.1f}"
        )
