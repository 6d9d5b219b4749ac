"""Benchmark of the public-services app.

    python benchmarks/services.py          # SQLite in a temporary folder
    DATABASE_URL=postgres://... python benchmarks/services.py

1. Import of a 5,000-row CSV (300 services x 17 years of volumes, with criteria): time to
   read, check and write it. Target: under 3 s.
2. A catalogue of 300 services with 10 years of volumes: queries and time of the catalogue
   page and its API.
"""

import sys
import time

from _common import RUNS, engine, measure
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from di4c.accounts.models import Membership, Role, User
from di4c.core.demo import load_demo
from di4c.networks.models import Organisation
from di4c.services import imports
from di4c.services.models import LifeEvent, PublicService, ServiceYear

SERVICES, IMPORT_YEARS = 300, range(2006, 2023)


def main() -> int:
    call_command("migrate", verbosity=0)
    load_demo()
    city = Organisation.objects.create(
        slug="bench-city",
        name="Bench City",
        kind="municipality",
        country="RO",
        population=100_000,
    )
    editor = User.objects.create_user(email="editor@bench.org", full_name="Editor", password="x")
    Membership.objects.create(user=editor, role=Role.CITY_EDITOR, organisation=city)
    events = list(LifeEvent.objects.all())
    PublicService.objects.bulk_create(
        PublicService(organisation=city, life_event=events[i % len(events)], name=f"Service {i}")
        for i in range(SERVICES)
    )
    lines = ["service,year,total_requests,online_requests,info_online,form_online"]
    for i in range(SERVICES):
        for year in IMPORT_YEARS:
            lines.append(f"Service {i},{year},{1000 + i},{(year - 2000) * 10},yes,yes")
    lines = lines[: 5000 + 1]
    data = "\n".join(lines).encode()
    print(f"di4c services benchmark on {engine()}")
    began = time.perf_counter()
    raw = imports.read_rows(SimpleUploadedFile("volumes.csv", data))
    read = time.perf_counter()
    rows = imports.check(city, raw)
    checked = time.perf_counter()
    result = imports.apply(actor=editor, organisation=city, rows=rows)
    done = time.perf_counter()
    print(
        f"import of {len(raw):,} rows: read {1000 * (read - began):.0f} ms, check "
        f"{1000 * (checked - read):.0f} ms, write {1000 * (done - checked):.0f} ms, total "
        f"{done - began:.2f} s ({result})"
    )
    kept = set(IMPORT_YEARS[-10:])
    ServiceYear.objects.filter(service__organisation=city).exclude(year__in=kept).delete()
    print(
        f"catalogue: {SERVICES} services x {len(kept)} years "
        f"({ServiceYear.objects.filter(service__organisation=city).count():,} figures)"
    )
    client = Client()
    client.force_login(editor)
    measure(
        f"catalogue pages, {RUNS} runs per URL",
        [
            ("editor", "/organisations/bench-city/services/", {}),
            ("editor", "/api/v1/organisations/bench-city/services", {}),
            ("editor", "/api/v1/organisations/bench-city/digitalisation-index", {}),
        ],
        {"editor": client},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
