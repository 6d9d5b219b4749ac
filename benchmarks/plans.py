"""Benchmark of the Integrated Action Plans.

    python benchmarks/plans.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python benchmarks/plans.py

1. Botoșani's plan rebuilt through the services (9 objectives with result indicators and
   measurements; actions with a funding split, risks, outputs and small-scale tests): the
   queries of the plan's pages and API with 10 actions and with 100 actions (they must be
   equal: no query per action), then the median / 95th percentile server time at 100
   actions, signed in as the city editor.
2. The documents of the 100-action plan: Word (target: under 2 s), PDF, the action table.
3. Import of a 500-row XLSX action table (read + check + write): into a fresh plan, and a
   re-import that updates all 500 actions. Target: under 2 s.
"""

import datetime as dt
import io
import re
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal

from _common import RUNS, engine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from openpyxl import Workbook

from di4c.accounts.models import User
from di4c.core.demo import load_demo
from di4c.networks.models import Network, Organisation
from di4c.plans import exports, imports, services
from di4c.plans.models import Action, Plan

SMALL, LARGE, IMPORT_ROWS = 10, 100, 500
DOCUMENT_RUNS, IMPORT_RUNS = 3, 3
EDITOR = "botosani-editor@demo.di4c.eu"
PAGES = ["", "actions/", "timeline/", "budget/", "risks/", "indicators/"]
API = ["", "/actions?limit=200"]  # every action in one page (the default page is 50)
OBJECTIVES = {
    "SO1": ("A city hall open online", ["Services online end to end", "One login, one wallet"]),
    "SO2": ("Data that serves decisions", ["Open data by default", "A shared data platform"]),
    "SO3": ("Skilled people, included citizens", ["Civil servants trained", "No one left out"]),
}
SOURCES = [
    ("erdf", "ROP North-East 2021-2027"),
    ("esf_plus", "PEO 2021-2027"),
    ("digital_europe", "Digital Europe"),
    ("national", "PNRR"),
    ("municipal", ""),
    ("private", ""),
]
STATUSES = ["not_started", "on_track", "on_track", "delayed", "done", "cancelled"]
FUNDING_STATUSES = ["secured", "applied", "planned"]


# --- the plan ---------------------------------------------------------------------------


def build_plan(actor, organisation, network, objective_codes=OBJECTIVES) -> tuple[Plan, list]:
    """The city's plan, replaced by a new one with objectives, result indicators and their
    measurements, but no actions yet. Returns the plan and its specific objectives."""
    Plan.objects.filter(organisation=organisation, network=network).delete()
    plan = services.plan_create(
        actor=actor, organisation=organisation, network=network, title="Botoșani Digital 2030"
    )
    plan = services.plan_update(
        actor=actor,
        plan=plan,
        base_version=plan.version,
        data={
            "vision_headline": "Botoșani: every public service one click away",
            "vision_story": "In 2030 the people of Botoșani deal with their city hall online, "
            "at any hour, and the city decides on open data.\n\n" * 3,
            "context": "A county seat of 100,000 people in north-east Romania. " * 10,
        },
    )
    specifics = []
    for number, (code, (title, children)) in enumerate(objective_codes.items(), start=1):
        strategic = services.objective_save(
            actor=actor,
            plan=plan,
            data={"code": code, "title": title, "problem": f"The problem behind {title}."},
        )
        for index, child in enumerate(children, start=1):
            specific = services.objective_save(
                actor=actor,
                plan=plan,
                data={"code": f"{code}.{index}", "title": child, "parent": strategic},
            )
            specifics.append(specific)
        for objective in [strategic, *specifics[-len(children) :]]:
            indicator = services.indicator_save(
                actor=actor,
                objective=objective,
                data={
                    "name": f"{objective.title}: share done online",
                    "unit": "%",
                    "baseline_value": Decimal(10 * number),
                    "baseline_on": dt.date(2022, 12, 31),
                    "target_value": Decimal(80),
                    "target_on": dt.date(2030, 12, 31),
                    "data_source": "City hall registry",
                    "frequency": "yearly",
                },
            )
            for year in (2023, 2024, 2025):
                services.measurement_add(
                    actor=actor,
                    indicator=indicator,
                    measured_on=dt.date(year, 12, 31),
                    value=Decimal(10 * number + 5 * (year - 2022)),
                )
    return plan, specifics


def add_actions(actor, plan: Plan, specifics: list, first: int, last: int) -> None:
    """Actions `first` to `last` through services.action_save, as an editor enters them."""
    for number in range(first, last + 1):
        status = STATUSES[number % len(STATUSES)]
        cost = Decimal(5000 * (1 + number % 40))
        sources = [SOURCES[(number + k) % len(SOURCES)] for k in range(1 + number % 3)]
        shares = [cost // len(sources)] * len(sources)
        shares[0] += cost - sum(shares)
        starts = dt.date(2024 + number % 3, 1 + number % 12, 1)
        services.action_save(
            actor=actor,
            plan=plan,
            data={
                "objective": specifics[number % len(specifics)],
                "code": f"A{number}",
                "title": f"Action {number}: put a service online, train, open the data",
                "description": "What the action does, step by step.\n- first\n- then\n" * 3,
                "lead_department": ["IT department", "Human resources", "Urban planning"][
                    number % 3
                ],
                "contact_person": "Andrei Ionescu",
                "contact_email": f"lead{number % 7}@primariabt.ro",
                "partners": "County council; the university",
                "stakeholders": "Citizens' associations",
                "starts_on": starts,
                "ends_on": starts.replace(year=starts.year + 1),
                "estimated_cost": cost,
                "status": status,
                "progress": {"done": 100, "not_started": 0}.get(status, (7 * number) % 100),
                "position": number,
            },
            fundings=[
                {
                    "kind": kind,
                    "name": name,
                    "amount": amount,
                    "status": FUNDING_STATUSES[(number + index) % 3],
                }
                for index, ((kind, name), amount) in enumerate(zip(sources, shares, strict=True))
            ],
            risks=[
                {
                    "description": f"Risk {k} of action {number}: supplier late",
                    "likelihood": 1 + (number + k) % 5,
                    "impact": 1 + (number + 2 * k) % 5,
                    "mitigation": "Penalty clause; a second supplier",
                    "owner": "Procurement",
                }
                for k in range(number % 3)
            ],
            outputs=[
                {"name": "Services put online", "unit": "services", "target": 5, "achieved": 2}
            ],
            tests=(
                [
                    {
                        "title": "Pilot with one desk",
                        "tried_from": dt.date(2024, 3, 1),
                        "tried_until": dt.date(2024, 5, 1),
                        "learned": "Citizens need help with the login.",
                    }
                ]
                if number % 4 == 0
                else []
            ),
        )


# --- pages ------------------------------------------------------------------------------


def run(client: Client, url: str) -> list[str]:
    """One request; the SQL it ran (counted at execution: the test client closes the
    connection after each request)."""
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reset_queries()
    return executed


def timings(client: Client, url: str) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        reset_queries()
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def shape(sql: str) -> str:
    """A statement without its values, to group the ones a loop repeats."""
    return re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "?", sql))[:160]


# --- import -----------------------------------------------------------------------------


def import_workbook(objective_codes: list[str], *, variant: int) -> bytes:
    """IMPORT_ROWS actions I1..I500 in the documented layout; each variant gives every row
    other values (title, months, cost and split, status and progress)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(list(imports.COLUMNS))
    for number in range(1, IMPORT_ROWS + 1):
        status = STATUSES[(number + variant) % len(STATUSES)]
        cost = 1000 * (10 + (number + variant) % 50)
        erdf = cost * 6 // 10
        row = {
            "code": f"I{number}",
            "objective": objective_codes[number % len(objective_codes)],
            "title": f"Imported action {number} (version {variant})",
            "description": f"Line one of action {number}.\nLine two.",
            "lead_department": "IT department",
            "contact_person": "Ana Pop",
            "contact_email": "ana.pop@primariabt.ro",
            "starts_on": f"{2024 + variant % 2}-{1 + number % 12:02d}",
            "ends_on": f"{2026 + variant % 2}-{1 + number % 12:02d}",
            "estimated_cost": cost,
            "status": status,
            "progress": {"done": 100, "not_started": 0}.get(status, (number + variant) % 100),
            "erdf": erdf,
            "municipal": cost - erdf,
            "funding_status": f"erdf={FUNDING_STATUSES[variant % 3]}; municipal=planned",
        }
        sheet.append([row.get(column) for column in imports.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed_import(editor, plan: Plan, data: bytes) -> tuple[float, float, float, dict]:
    began = time.perf_counter()
    raw = imports.read_rows(SimpleUploadedFile("actions.xlsx", data))
    read = time.perf_counter()
    rows = imports.check(plan, raw)
    checked = time.perf_counter()
    assert all(row.ok for row in rows), [row.errors for row in rows if not row.ok][:3]
    result = imports.apply(actor=editor, plan=plan, rows=rows)
    done = time.perf_counter()
    return read - began, checked - read, done - checked, result


def print_import(label: str, runs: list[tuple[float, float, float, dict]]) -> None:
    read, check, write = (statistics.median(run[index] for run in runs) for index in range(3))
    total = statistics.median(sum(run[:3]) for run in runs)
    print(
        f"{label:34} read {1000 * read:5.0f} ms, check {1000 * check:5.0f} ms, write "
        f"{1000 * write:5.0f} ms, total {total:5.2f} s "
        f"[{'OK' if total < 2 else 'OVER'}: target < 2 s] {runs[-1][3]}"
    )


# --- main -------------------------------------------------------------------------------


def main() -> int:
    call_command("migrate", verbosity=0)
    load_demo()
    city = Organisation.objects.get(slug="botosani")
    network = Network.objects.get(slug="di4c")
    coordinator = User.objects.get(email="botosani-coordinator@demo.di4c.eu")
    editor = User.objects.get(email=EDITOR)
    print(f"di4c plans benchmark on {engine()}, {RUNS} runs per URL")

    began = time.perf_counter()
    plan, specifics = build_plan(coordinator, city, network)
    add_actions(coordinator, plan, specifics, 1, SMALL)
    client = Client()
    client.force_login(editor)
    urls = [f"/plans/{plan.pk}/{page}" for page in PAGES]
    urls += [f"/api/v1/plans/{plan.pk}{path}" for path in API]
    small = {}
    for url in urls:
        run(client, url)  # warm: caches filled once, as in a running server
        small[url] = run(client, url)
    add_actions(coordinator, plan, specifics, SMALL + 1, LARGE)
    print(
        f"plan {plan.pk}: {plan.objectives.count()} objectives, {plan.actions.count()} actions "
        f"(built through the services in {time.perf_counter() - began:.1f} s)"
    )

    print(f"\npages and API as {EDITOR}; time at {LARGE} actions")
    print(f"{'url':40} {f'q@{SMALL}':>6} {f'q@{LARGE}':>6} {'':9} {'median ms':>10} {'p95 ms':>8}")
    repeats = {}
    for url in urls:
        large = run(client, url)
        same = len(large) == len(small[url])
        if not same:
            grown = Counter(map(shape, large)) - Counter(map(shape, small[url]))
            repeats[url] = grown.most_common(5)
        median, p95 = timings(client, url)
        print(
            f"{url:40} {len(small[url]):>6} {len(large):>6} {'equal' if same else 'DIFFERENT':9} "
            f"{median:>10.1f} {p95:>8.1f}"
        )
    for url, grown in repeats.items():
        print(f"\nqueries added between {SMALL} and {LARGE} actions on {url}:")
        for sql, times in grown:
            print(f"  +{times}  {sql}")

    print(f"\ndocuments of the {LARGE}-action plan, median of {DOCUMENT_RUNS} runs")
    for label, export, target in (
        ("Word (plan_docx)", exports.plan_docx, 2.0),
        ("PDF (plan_pdf)", exports.plan_pdf, None),
        ("action table (actions_xlsx)", exports.actions_xlsx, None),
    ):
        times = []
        for _ in range(DOCUMENT_RUNS):
            start = time.perf_counter()
            content = export(Plan.objects.get(pk=plan.pk))
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        verdict = ""
        if target:
            verdict = f" [{'OK' if median < target else 'OVER'}: target < {target:.0f} s]"
        print(f"{label:34} {median:6.2f} s  ({len(content) / 1024:,.0f} KB){verdict}")

    print(f"\nimport of a {IMPORT_ROWS}-row XLSX (read_rows + check + apply), {IMPORT_RUNS} runs")
    codes = [objective.code for objective in specifics]
    runs = []
    for variant in range(IMPORT_RUNS):
        fresh, _specifics = build_plan(coordinator, city, network)
        data = import_workbook(codes, variant=variant)
        runs.append(timed_import(editor, fresh, data))
    print_import("new actions, into a fresh plan", runs)
    assert Action.objects.filter(plan=fresh).count() == IMPORT_ROWS
    runs = []
    for variant in range(1, IMPORT_RUNS + 1):
        data = import_workbook(codes, variant=variant)
        runs.append(timed_import(editor, Plan.objects.get(pk=fresh.pk), data))
        assert runs[-1][3]["updated"] == IMPORT_ROWS, runs[-1][3]
    print_import("re-import updating all", runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
