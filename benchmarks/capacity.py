"""Benchmark of the capacity app (staff digital skills).

    python benchmarks/capacity.py          # SQLite in a temporary folder
    DATABASE_URL=postgres://... python benchmarks/capacity.py

1. Submissions: 2,000 staff of a large city hall (25 departments, 4 roles) answer the whole
   framework (30 competences) through single-use links: time per submission and queries.
2. Aggregates at that size: the results, needs and comparison of two rounds, the dashboard,
   the XLSX export; queries and time of the pages and API (in-process requests).
"""

import datetime as dt
import random
import sys
import time

from _common import RUNS, engine, measure
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from di4c.accounts.models import Membership, Role, User
from di4c.capacity import selectors, services
from di4c.capacity.frameworks import current_framework
from di4c.networks.models import Organisation

PEOPLE, DEPARTMENTS = 2000, 25


def _round(city, editor, title):
    today = timezone.localdate()
    round_ = services.round_save(
        actor=editor,
        organisation=city,
        data={"title": title, "opens_on": today, "closes_on": today},
    )
    return services.round_open(actor=editor, round_=round_)


def _answer_all(round_, editor, departments, roles, codes, shift) -> tuple[float, int]:
    rng = random.Random(round_.pk)
    per_department = PEOPLE // len(departments)
    tokens = []
    for department in departments:
        tokens += [
            (department, token)
            for token in services.links_create(
                actor=editor, round_=round_, department=department, count=per_department
            )
        ]
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(1)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(count):
        for index, (_department, token) in enumerate(tokens):
            levels = {code: min(8, max(1, rng.randint(2, 6) + shift)) for code in codes}
            services.self_assessment_submit(
                round_=round_, role=roles[index % len(roles)], levels=levels, token=token
            )
    elapsed = time.perf_counter() - start
    return elapsed, len(executed) / len(tokens)


def main() -> int:
    call_command("migrate", verbosity=0)
    framework = current_framework()
    city = Organisation.objects.create(
        slug="bench-city", name="Bench City", kind="municipality", country="RO", population=300_000
    )
    editor = User.objects.create_user(email="editor@bench.org", full_name="Editor", password="x")
    Membership.objects.create(user=editor, role=Role.CITY_EDITOR, organisation=city)
    departments = [
        services.department_save(
            actor=editor, organisation=city, data={"name": f"Department {i:02}", "staff_count": 90}
        )
        for i in range(DEPARTMENTS)
    ]
    roles = services.roles_from_framework(actor=editor, organisation=city, framework=framework)
    codes = list(framework.competences.values_list("code", flat=True))
    print(f"capacity benchmark on {engine()}: {PEOPLE} people x {len(codes)} competences")
    rounds = []
    for title, shift in (("Before", 0), ("After", 1)):
        round_ = _round(city, editor, title)
        elapsed, per_submission = _answer_all(round_, editor, departments, roles, codes, shift)
        print(
            f"{title}: {PEOPLE} submissions in {elapsed:.1f} s "
            f"({elapsed / PEOPLE * 1000:.1f} ms each, {per_submission:.1f} queries each)"
        )
        services.round_close(actor=editor, round_=round_)
        rounds.append(round_)
    before, after = rounds
    before.opens_on = before.closes_on = timezone.localdate() - dt.timedelta(days=400)
    before.save()
    for label, call in (
        ("round_results", lambda: selectors.round_results(after)),
        ("training_needs", lambda: selectors.training_needs(selectors.round_results(after))),
        ("compare_rounds", lambda: selectors.compare_rounds(before, after)),
        ("dashboard", lambda: selectors.dashboard(city)),
    ):
        start = time.perf_counter()
        for _ in range(RUNS):
            call()
        print(f"{label:16} {(time.perf_counter() - start) / RUNS * 1000:8.1f} ms")
    client = Client()
    client.force_login(editor)
    urls = [
        ("editor", reverse("capacity:dashboard", args=[city.slug]), {}),
        ("editor", reverse("capacity:round_results", args=[after.pk]), {}),
        ("editor", reverse("capacity:round_needs", args=[after.pk]), {}),
        ("editor", f"/api/v1/capacity/rounds/{after.pk}/results", {}),
    ]
    measure("pages and API at 2,000 respondents", urls, {"editor": client})
    start = time.perf_counter()
    response = client.get(reverse("capacity:round_export", args=[after.pk]))
    assert response.status_code == 200
    size = len(b"".join(response.streaming_content) if response.streaming else response.content)
    print(f"XLSX export: {(time.perf_counter() - start) * 1000:.0f} ms, {size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
