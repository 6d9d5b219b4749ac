"""The demo's meetings: the DI4C meetings the seed documents name, loaded once."""

import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from di4c.meetings import selectors
from di4c.meetings.demo import load_demo_meetings
from di4c.meetings.models import (
    AgendaItem,
    Decision,
    DocumentVersion,
    FollowUpTask,
    Meeting,
    MeetingMode,
    Participant,
    Photo,
    Response,
    TaskStatus,
    WorkingDocument,
)
from tests.conftest import DI4C_CURRENT_PARTNERS

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# kind, host, first and last local day, held: as the seeds and reference.md tell them.
KNOWN = [
    ("kick_off", "messina", "2019-10-16", "2019-10-17", "in_person"),
    ("expert_visit", "ventspils-digital-centre", "2019-12-03", "2019-12-04", "in_person"),
    ("local_group", "botosani", "2019-12-10", "2019-12-10", "in_person"),
    ("expert_visit", "botosani", "2020-01-23", "2020-01-24", "in_person"),
    ("transnational", "botosani", "2020-02-12", "2020-02-13", "in_person"),
    ("kick_off", "oulu", "2020-06-16", "2020-06-17", "online"),
    ("thematic_cluster", "trikala", "2020-12-10", "2020-12-10", "online"),
    ("transnational", "oulu", "2021-11-17", "2021-11-18", "in_person"),
    ("transnational", "ventspils-digital-centre", "2022-03-29", "2022-03-31", "in_person"),
    ("final_event", "messina", "2022-07-06", "2022-07-08", "in_person"),
]
MODELS = (
    Meeting,
    AgendaItem,
    Participant,
    Decision,
    FollowUpTask,
    WorkingDocument,
    DocumentVersion,
    Photo,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def meetings(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_meetings()
    return Meeting.objects.filter(network=demo)


def _meeting(meetings, kind, host, day):
    [meeting] = [
        m
        for m in meetings.filter(kind=kind, host__slug=host)
        if m.local_starts_at.date() == dt.date.fromisoformat(day)
    ]
    return meeting


def _counts():
    return [model.objects.count() for model in MODELS]


def test_loading_twice_creates_nothing_twice(meetings):
    first = _counts()
    assert first[0] == 14
    assert load_demo_meetings() == 0
    assert _counts() == first


def test_the_demo_sends_no_mail(meetings):
    assert mail.outbox == []


def test_the_known_meetings_are_there_with_their_dates_and_hosts(meetings):
    for kind, host, first, last, mode in KNOWN:
        meeting = _meeting(meetings, kind, host, first)
        assert meeting.local_ends_at.date() == dt.date.fromisoformat(last)
        assert meeting.mode == mode
        if mode == "in_person":
            assert meeting.venue
    assert not meetings.filter(host__slug="limerick").exists()


def test_times_are_the_hosts_local_time(meetings):
    final = _meeting(meetings, "final_event", "messina", "2022-07-06")
    assert final.time_zone == "Europe/Rome"
    assert final.local_starts_at.replace(tzinfo=None) == dt.datetime(2022, 7, 6, 9, 0)
    assert final.starts_at == dt.datetime(2022, 7, 6, 7, 0, tzinfo=dt.UTC)
    assert final.venue == "Palazzo Zanca"
    visit = _meeting(meetings, "expert_visit", "botosani", "2020-01-23")
    assert visit.time_zone == "Europe/Bucharest"
    assert visit.local_starts_at.hour == 9 and visit.local_ends_at.hour == 17


def test_phase_2_kick_off_was_moved_online_and_kept_its_host(meetings):
    kick_off = _meeting(meetings, "kick_off", "oulu", "2020-06-16")
    assert kick_off.mode == MeetingMode.ONLINE
    assert kick_off.host.slug == "oulu"
    assert kick_off.time_zone == "Europe/Helsinki"
    assert "moved online" in kick_off.description
    assert kick_off.is_public and kick_off.outcome


def test_botosani_expert_visit_has_two_versions_of_each_working_document(meetings):
    visit = _meeting(meetings, "expert_visit", "botosani", "2020-01-23")
    assert visit.created_by.email == "lead-expert@demo.di4c.eu"
    documents = {document.title: document for document in visit.documents.all()}
    assert set(documents) == {
        "Baseline study — Botoșani",
        "Local group and stakeholder map — Botoșani",
    }
    uploaders = {}
    for title, document in documents.items():
        versions = list(document.versions.order_by("number"))
        assert [version.number for version in versions] == [1, 2]
        assert versions[0].uploaded_at < visit.starts_at < versions[1].uploaded_at
        uploaders[title] = [version.uploaded_by.email for version in versions]
    assert uploaders == {
        "Baseline study — Botoșani": [
            "botosani-coordinator@demo.di4c.eu",
            "lead-expert@demo.di4c.eu",
        ],
        "Local group and stakeholder map — Botoșani": [
            "botosani-editor@demo.di4c.eu",
            "adhoc-expert@demo.di4c.eu",
        ],
    }
    draft, completed = documents["Baseline study — Botoșani"].versions.order_by("number")
    assert completed.content_type == DOCX and completed.name.endswith(".docx")
    texts = []
    for version in (draft, completed):
        with version.file.open("rb") as stored:
            texts.append("\n".join(p.text for p in docx.Document(stored).paragraphs))
    assert "Experts' conclusions" in texts[1] and "Experts' conclusions" not in texts[0]
    sheet_version = documents["Local group and stakeholder map — Botoșani"].versions.get(number=2)
    assert sheet_version.content_type == XLSX
    with sheet_version.file.open("rb") as stored:
        sheet = openpyxl.load_workbook(io.BytesIO(stored.read()))["Stakeholders"]
    assert sheet["C5"].value is not None  # influence filled in during the visit
    # The agenda points at the documents worked on.
    assert visit.agenda_items.filter(documents__isnull=False).distinct().count() == 3
    assert visit.decisions.count() == 3 and visit.minutes


def test_the_open_task_shows_on_the_botosani_coordinators_page(meetings, demo_user):
    coordinator = demo_user("botosani-coordinator")
    open_tasks = list(selectors.open_tasks_of(coordinator))
    assert [task.title for task in open_tasks] == [
        "Keep the stakeholder map up to date and share it with the local group"
    ]
    assert open_tasks[0].meeting.kind == "expert_visit"
    assert open_tasks[0].decision is not None
    done = FollowUpTask.objects.get(title="Send the completed baseline study to Botoșani")
    assert done.status == TaskStatus.DONE and done.done_at.date() == dt.date(2020, 1, 27)


def test_botosani_hosted_the_partners_in_february_2020(meetings):
    meeting = _meeting(meetings, "transnational", "botosani", "2020-02-12")
    assert meeting.is_public and meeting.outcome
    assert 5 <= meeting.agenda_items.count() <= 7
    speakers = {
        org.slug for item in meeting.agenda_items.all() for org in item.speaker_organisations.all()
    }
    assert {"botosani", "oulu", "trikala", "messina"} <= speakers
    statuses = {p.user.email: p.status for p in meeting.participants.select_related("user")}
    assert statuses["adhoc-expert@demo.di4c.eu"] == Response.DECLINED
    assert list(statuses.values()).count("declined") == 1
    assert set(statuses.values()) == {"attended", "declined"}
    assert meeting.photos.count() == 2


def test_photos_are_illustrations_without_metadata(meetings):
    photos = list(Photo.objects.select_related("meeting"))
    assert len(photos) == 3
    assert {photo.meeting.kind for photo in photos} == {"transnational", "final_event"}
    for photo in photos:
        assert photo.alt_text.startswith("Illustration, not a photograph")
        for stored in (photo.image, photo.thumbnail):
            with stored.open("rb") as file, Image.open(file) as image:
                assert image.format == "JPEG"
                assert not image.getexif()
                assert "exif" not in image.info
        assert (photo.width, photo.height) == (1600, 1067)


def test_the_final_event_has_one_plan_presentation_per_partner(meetings):
    final = _meeting(meetings, "final_event", "messina", "2022-07-06")
    assert final.is_public and final.outcome
    presentations = final.agenda_items.filter(title__contains="Integrated Action Plan").exclude(
        title__startswith="Opening"
    )
    presenters = [{org.slug for org in item.speaker_organisations.all()} for item in presentations]
    assert all(len(slugs) == 1 for slugs in presenters)
    assert set().union(*presenters) == DI4C_CURRENT_PARTNERS
    assert len(presenters) == len(DI4C_CURRENT_PARTNERS)
    assert final.photos.count() == 1


def test_past_meetings_have_answers_and_attendance(meetings):
    past = meetings.filter(ends_at__lt=timezone.now())
    assert not Participant.objects.filter(meeting__in=past, response=Response.INVITED).exists()
    assert not Participant.objects.filter(
        meeting__in=past, response=Response.ACCEPTED, attended__isnull=True
    ).exists()
    local = meetings.get(kind="local_group")
    assert {p.user.email for p in local.participants.select_related("user")} >= {
        "local-group@demo.di4c.eu"
    }
    assert meetings.filter(is_public=True).count() >= 4
    online_hosts = meetings.filter(mode=MeetingMode.ONLINE, ends_at__lt=timezone.now())
    assert online_hosts.values("host").distinct().count() >= 4


def test_an_upcoming_meeting_waits_for_the_botosani_coordinators_answer(meetings, demo_user):
    coordinator = demo_user("botosani-coordinator")
    [invitation] = selectors.upcoming_invitations_of(coordinator)
    assert invitation.response == Response.INVITED
    assert invitation.meeting.starts_at > timezone.now()
    assert invitation.meeting.participants.filter(response=Response.ACCEPTED).count() == 2
