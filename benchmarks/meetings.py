"""Benchmark of the meetings app.

    python benchmarks/meetings.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python benchmarks/meetings.py

1. The network's calendar page, a meeting's page, the meetings API and a person's calendar
   feed with a small and a large network history (20 and 300 meetings; the meeting page with
   5 and 60 agenda items, participants and documents): the query counts must be equal (no
   query per meeting or per item), then the median / 95th percentile at the large size.
2. The rotation planner on a programme-sized network (10 partners, 40 meetings, a few dates
   each partner cannot host): median time of a proposal. Target: well under a second, since
   the coordinator proposes again after each adjustment.
"""

import datetime as dt
import statistics
import time
from zoneinfo import ZoneInfo

from _common import RUNS, engine, measure
from django.core.files.base import ContentFile
from django.test import Client

from di4c.accounts.models import User
from di4c.core.demo import load_demo
from di4c.meetings import rotation, services
from di4c.meetings.models import (
    AgendaItem,
    DocumentVersion,
    Meeting,
    MeetingKind,
    Participant,
    WorkingDocument,
)
from di4c.networks.models import Network, Organisation

COORDINATOR = "coordinator@demo.di4c.eu"
INVITEE = "botosani-coordinator@demo.di4c.eu"
SMALL, LARGE = 20, 300
ITEMS_SMALL, ITEMS_LARGE = 5, 60


def add_meetings(network, hosts, count: int, people) -> list[Meeting]:
    zone = ZoneInfo("Europe/Rome")
    start = dt.datetime(2020, 1, 6, 9, 0, tzinfo=zone)  # weekly up to now: a long history
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                network=network,
                kind=MeetingKind.TRANSNATIONAL,
                title=f"Benchmark meeting {n}",
                host=hosts[n % len(hosts)],
                starts_at=start + dt.timedelta(days=7 * n),
                ends_at=start + dt.timedelta(days=7 * n, hours=8),
                time_zone="Europe/Rome",
                venue="City hall",
                is_public=n % 2 == 0,
            )
            for n in range(count)
        ]
    )
    Participant.objects.bulk_create(
        [Participant(meeting=m, user=person) for m in meetings for person in people]
    )
    return meetings


def fill_meeting(meeting, items: int, people, actor) -> None:
    AgendaItem.objects.filter(meeting=meeting).delete()
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                position=n,
                starts_at=meeting.starts_at + dt.timedelta(minutes=5 * n),
                title=f"Item {n}",
                speakers="Speaker",
            )
            for n in range(items)
        ]
    )
    for n in range(items - meeting.documents.count()):
        document = WorkingDocument.objects.create(meeting=meeting, title=f"Document {n}")
        version = DocumentVersion(
            document=document,
            number=1,
            name="notes.txt",
            content_type="text/plain",
            size=5,
            uploaded_by=actor,
        )
        version.file.save("notes.txt", ContentFile(b"notes"), save=True)
    already = set(meeting.participants.values_list("user_id", flat=True))
    extra = [person for person in people if person.pk not in already][: max(items - 7, 0)]
    Participant.objects.bulk_create([Participant(meeting=meeting, user=p) for p in extra])


def page_round(label: str, meeting, feed_token: str, clients) -> None:
    measure(
        label,
        [
            ("coordinator", "/networks/di4c/meetings/", {}),
            ("anonymous", "/networks/di4c/meetings/", {}),
            ("coordinator", f"/meetings/{meeting.pk}/", {}),
            ("anonymous", f"/meetings/{meeting.pk}/", {}),
            ("coordinator", "/api/v1/meetings?network=di4c&limit=50", {}),
            ("coordinator", f"/api/v1/meetings/{meeting.pk}", {}),
            ("anonymous", f"/meetings/calendar/{feed_token}.ics", {}),
            ("coordinator", "/meetings/mine/", {}),
        ],
        clients,
    )


def planner_timing() -> None:
    partners = tuple(
        rotation.Candidate(
            id=n + 1,
            name=f"City {n + 1}",
            country=["IT", "ES", "FI", "FR", "LV", "PT", "RO", "GR", "DE", "PL"][n],
            latitude=40.0 + n,
            longitude=10.0 + 2 * n,
            is_lead=n == 0,
            joined_on=dt.date(2020, 1, 1),
        )
        for n in range(10)
    )
    request = rotation.RotationRequest(
        starts_on=dt.date(2024, 1, 15),
        ends_on=dt.date(2034, 1, 1),
        cadence_months=3,
        partners=partners,
        online=rotation.ONLINE_ALTERNATE,
        unavailable=tuple(
            rotation.Unavailability(
                n + 1, dt.date(2025 + n % 5, 6, 1), dt.date(2025 + n % 5, 9, 30)
            )
            for n in range(10)
        ),
    )
    timings = []
    proposal = None
    for _ in range(RUNS):
        start = time.perf_counter()
        proposal = rotation.plan_rotation(request)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print("\nRotation planner: 10 partners, one meeting every 3 months for 10 years")
    print(
        f"  {len(proposal.slots)} meetings, feasible: {proposal.feasible}, "
        f"median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[max(int(len(timings) * 0.95) - 1, 0)]:.1f} ms"
    )


def main() -> None:
    print(f"Meetings benchmark on {engine()}")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load_demo("bench-password", plans=False, meetings=False)
    network = Network.objects.get(slug="di4c")
    coordinator = User.objects.get(email=COORDINATOR)
    invitee = User.objects.get(email=INVITEE)
    hosts = list(
        Organisation.objects.filter(
            partnerships__network=network, partnerships__left_on__isnull=True
        )
    )
    people = [invitee, coordinator] + [
        User.objects.create_user(f"bench-{n}@example.org", "x", full_name=f"Person {n}")
        for n in range(ITEMS_LARGE)
    ]
    clients = {"coordinator": Client(), "anonymous": Client()}
    clients["coordinator"].force_login(coordinator)
    feed = services.calendar_feed_for_user(actor=invitee)

    meetings = add_meetings(network, hosts, SMALL, [invitee, coordinator])
    focus = meetings[0]
    fill_meeting(focus, ITEMS_SMALL, people, coordinator)
    page_round(
        f"{SMALL} meetings, the meeting with {ITEMS_SMALL} items", focus, feed.token, clients
    )
    add_meetings(network, hosts, LARGE - SMALL, [invitee, coordinator])
    fill_meeting(focus, ITEMS_LARGE, people, coordinator)
    page_round(
        f"{LARGE} meetings, the meeting with {ITEMS_LARGE} items", focus, feed.token, clients
    )
    planner_timing()


if __name__ == "__main__":
    main()
