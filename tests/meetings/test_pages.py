"""The meetings pages with the test client, as people use them: forms that refuse bad input
keep everything that was typed, uploads judged by content, what a visitor sees of a public
meeting, answering an invitation, tasks on the person's pages, the .ics download, constant
query counts, and the host rotation planner."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar
from lxml import html as lxml_html

from di4c.meetings import services
from di4c.meetings.models import (
    AgendaItem,
    Decision,
    DocumentVersion,
    FollowUpTask,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Participant,
    Photo,
    Response,
    RotationPlan,
    TaskStatus,
    WorkingDocument,
)
from di4c.networks.models import Organisation
from tests.conftest import DI4C_CURRENT_PARTNERS
from tests.meetings.conftest import (
    BUCHAREST,
    ELF,
    days_ahead,
    invite,
    jpeg_with_gps,
    pdf_bytes,
    png_claiming,
    upload,
)

pytestmark = pytest.mark.django_db
User = get_user_model()

NOT_A_DOCUMENT = (
    "This file is not a document type di4c accepts (its content is not PDF, Word, Excel, "
    "PowerPoint, OpenDocument, PNG, JPEG or plain text). A file is judged by what it "
    "contains, not by its name."
)


def parsed(response):
    return lxml_html.fromstring(response.content.decode())


def the_form(doc, field: str):
    """The page's form that holds `field`."""
    [form] = [form for form in doc.forms if field in form.fields]
    return form


def values(form) -> dict[str, list[str]]:
    """What the browser would send back: name -> values of the successful controls."""
    sent: dict[str, list[str]] = {}
    for name, value in form.form_values():
        if getattr(form.inputs[name], "tag", None) == "textarea":
            value = value.removeprefix("\n")  # as browsers read <textarea>\ntext
        sent.setdefault(name, []).append(value)
    return sent


def errors_of(doc, field: str) -> list[str]:
    return [li.text_content() for li in doc.xpath(f'//ul[@id="id_{field}_error"]/li')]


def text_of(response) -> str:
    return " ".join(parsed(response).text_content().split())


# --- creating a meeting: refused input is shown with everything that was typed ------------

MEETING_POST = {
    "kind": "transnational",
    "title": "Partners' meeting in Botoșani",
    "title_ro": "Reuniunea partenerilor la Botoșani",
    "title_it": "",
    "start_date": "2031-02-13",
    "start_time": "09:00",
    "end_date": "2031-02-14",
    "end_time": "17:00",
    "time_zone": "",
    "mode": "hybrid",
    "venue": "Botoșani City Hall",
    "address": "Piața Revoluției 1, Botoșani",
    "online_url": "https://meet.example.eu/di4c",
    "languages": ["en", "ro"],
    "is_public": "on",
    "description": "Agree on the baseline of the action plans.",
    "theme": "Digital public services",
}


def assert_everything_kept(form, posted: dict):
    kept = values(form)
    for name, value in posted.items():
        if name == "csrfmiddlewaretoken":
            continue  # a new one each time
        expected = value if isinstance(value, list) else [value]
        if name == "is_public":
            expected = ["on"]
        if expected == [""]:
            assert kept.get(name, [""]) == [""], name
        else:
            assert kept.get(name) == expected, name


def test_a_meeting_made_through_the_page(client_as, botosani):
    client = client_as("coordinator")
    response = client.post("/networks/di4c/meetings/new/", {**MEETING_POST, "host": botosani.pk})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.time_zone == "Europe/Bucharest"
    assert meeting.local_starts_at == dt.datetime(2031, 2, 13, 9, tzinfo=BUCHAREST)
    assert meeting.local_ends_at == dt.datetime(2031, 2, 14, 17, tzinfo=BUCHAREST)
    assert meeting.title_i18n == {"ro": "Reuniunea partenerilor la Botoșani"}
    assert meeting.languages == ["en", "ro"]
    assert meeting.is_public and meeting.mode == MeetingMode.HYBRID
    # The page gives the times as typed, in the host's time zone.
    page = text_of(client.get(meeting.get_absolute_url()))
    assert "13 February 2031, 09:00 – 14 February 2031, 17:00 (Europe/Bucharest)" in page


def test_a_meeting_ending_before_it_starts_is_shown_again_with_what_was_typed(client_as, botosani):
    client = client_as("coordinator")
    posted = {**MEETING_POST, "host": str(botosani.pk), "end_date": "2031-02-12"}
    response = client.post("/networks/di4c/meetings/new/", posted)

    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "end_date") == ["The meeting cannot end before it starts."]
    assert_everything_kept(the_form(doc, "title"), posted)
    assert not Meeting.objects.exists()


def test_a_host_that_is_not_a_partner_then_is_refused_on_the_host_field(client_as):
    # Trikala joined DI4C on 2019-09-02: offered today, but not a partner the day before.
    trikala = Organisation.objects.get(slug="trikala")
    client = client_as("coordinator")
    posted = {
        **MEETING_POST,
        "host": str(trikala.pk),
        "start_date": "2019-09-01",
        "end_date": "2019-09-01",
        "title": "Meeting in Trikala",
        "venue": "Trikala City Hall",
    }
    response = client.post("/networks/di4c/meetings/new/", posted)

    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "host") == [
        "Municipality of Trikala is not a partner of DI4C on the meeting's dates "
        "(partner from 2 September 2019 to …)."
    ]
    assert_everything_kept(the_form(doc, "title"), posted)
    assert not Meeting.objects.exists()


def test_changing_a_meeting_to_a_host_that_has_left_keeps_what_was_typed(
    client_as, upcoming_meeting
):
    client = client_as("coordinator")
    path = f"/meetings/{upcoming_meeting.pk}/edit/"
    sent = values(the_form(parsed(client.get(path)), "title"))
    assert sent["venue"] == ["Botoșani City Hall"]
    limerick = Organisation.objects.get(slug="limerick")
    sent |= {"host": [str(limerick.pk)], "venue": ["Limerick City Hall"], "theme": ["Smart"]}

    response = client.post(path, sent)

    assert response.status_code == 200
    doc = parsed(response)
    # A former partner is not among the choices (the page never offered it).
    assert errors_of(doc, "host") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    form = the_form(doc, "title")
    assert_everything_kept(form, {name: value for name, value in sent.items() if name != "host"})
    assert str(limerick.pk) not in form.inputs["host"].value_options
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.host.slug == "botosani"
    assert upcoming_meeting.venue == "Botoșani City Hall"


def test_a_city_editor_choosing_another_citys_local_group_gets_an_error_not_a_403(
    client_as, botosani, messina
):
    client = client_as("botosani-editor")
    doc = parsed(client.get("/networks/di4c/meetings/new/"))
    form = the_form(doc, "title")
    assert form.inputs["kind"].value_options == ["local_group"]
    # The page offers the editor's own city only; a crafted post for another is an error.
    assert form.inputs["host"].value_options == [str(botosani.pk)]
    posted = {
        **MEETING_POST,
        "kind": "local_group",
        "host": str(messina.pk),
        "title": "Local group evening",
        "is_public": "",
    }
    posted.pop("is_public")

    response = client.post("/networks/di4c/meetings/new/", posted)

    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "host"), "the refusal is shown on the host field"
    assert_everything_kept(the_form(doc, "title"), {k: v for k, v in posted.items() if k != "host"})
    assert not Meeting.objects.exists()


# --- uploads --------------------------------------------------------------------------------


def test_a_renamed_executable_is_refused_and_the_title_kept(
    client_as, upcoming_meeting, media_root
):
    client = client_as("coordinator")
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/documents/new/",
        {
            "title": "Draft agenda",
            "note": "First draft",
            "file": upload("agenda.pdf", ELF, "application/pdf"),
        },
    )
    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "file") == [NOT_A_DOCUMENT]
    kept = values(the_form(doc, "title"))
    assert kept["title"] == ["Draft agenda"]
    assert kept["note"] == ["First draft"]
    assert not WorkingDocument.objects.exists()


def test_an_oversize_upload_is_refused_with_both_sizes(
    client_as, upcoming_meeting, settings, media_root
):
    settings.DI4C_MAX_UPLOAD_BYTES = 1000
    client = client_as("coordinator")
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/documents/new/",
        {"title": "Long notes", "file": upload("notes.txt", b"notes " * 1000, "text/plain")},
    )
    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "file") == ["The file is 5.9 KB; the limit is 1,000 bytes."]
    assert values(the_form(doc, "title"))["title"] == ["Long notes"]
    assert not WorkingDocument.objects.exists()


def test_the_upload_page_states_the_configured_limit(client_as, upcoming_meeting, settings):
    # DI4C_MAX_UPLOAD_MB=2.5 is a valid setting; the refusals say "the limit is 2.5 MB".
    settings.DI4C_MAX_UPLOAD_BYTES = int(2.5 * 1024 * 1024)
    client = client_as("coordinator")
    for path in (
        f"/meetings/{upcoming_meeting.pk}/documents/new/",
        f"/meetings/{upcoming_meeting.pk}/photos/new/",
    ):
        [note] = parsed(client.get(path)).xpath('//p[@class="helptext"]')
        assert "up to 2.5 MB" in note.text_content(), (path, note.text_content())


def test_a_decompression_bomb_photo_is_refused_and_the_description_kept(
    client_as, upcoming_meeting, media_root
):
    client = client_as("coordinator")
    content = png_claiming(30_000, 30_000)
    assert len(content) < 100
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/photos/new/",
        {
            "alt_text": "Partners on the steps of Botoșani City Hall",
            "caption": "Day 1",
            "file": upload("group.png", content, "image/png"),
        },
    )
    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "file") == [
        "This image would take 30,000 × 30,000 pixels once opened; the limit is 40 "
        "megapixels. Resize it before uploading."
    ]
    kept = values(the_form(doc, "alt_text"))
    assert kept["alt_text"] == ["Partners on the steps of Botoșani City Hall"]
    assert kept["caption"] == ["Day 1"]
    assert not Photo.objects.exists()


def test_a_document_and_its_new_version_through_the_pages(
    client_as, upcoming_meeting, demo_user, media_root
):
    client = client_as("coordinator")
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/documents/new/",
        {"title": "Baseline study", "file": upload("baseline.pdf", pdf_bytes("one"))},
    )
    assert response.status_code == 302
    document = WorkingDocument.objects.get()
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    client = client_as("botosani-coordinator")
    response = client.post(
        f"/meetings/documents/{document.pk}/versions/new/",
        {"file": upload("baseline v2.pdf", pdf_bytes("two")), "note": "Our comments"},
    )
    assert response.status_code == 302
    page = text_of(client.get(upcoming_meeting.get_absolute_url()))
    assert "baseline.pdf" in page and "baseline v2.pdf" in page
    assert "Giulia Ferraro" in page and "Elena Popescu" in page
    for version in DocumentVersion.objects.all():
        response = client.get(f"/meetings/versions/{version.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- what visitors see of a public meeting --------------------------------------------------


@pytest.fixture
def public_meeting_with_everything(create_meeting, demo_user, botosani, media_root):
    coordinator = demo_user("coordinator")
    meeting = create_meeting(
        title="Open partners' meeting",
        is_public=True,
        mode=MeetingMode.HYBRID,
        online_url="https://meet.example.eu/secret-room",
    )
    services.meeting_update(
        actor=coordinator,
        meeting=meeting,
        data={
            "outcome": "The partners agreed on a common baseline.",
            "minutes": "## Budget talk\n\nThe internal budget discussion went long.",
        },
    )
    services.agenda_item_add(
        actor=coordinator,
        meeting=meeting,
        data={"title": "Welcome and tour of the city hall", "speakers": "Mayor of Botoșani"},
        speaker_organisations=[botosani],
    )
    services.photo_add(
        actor=coordinator,
        meeting=meeting,
        upload=upload("steps.jpg", jpeg_with_gps(), "image/jpeg"),
        alt_text="Partners on the steps of the city hall",
    )
    services.document_add(
        actor=coordinator,
        meeting=meeting,
        title="Confidential budget draft",
        upload=upload("budget.pdf", pdf_bytes()),
    )
    invite(meeting, "botosani-coordinator", demo_user=demo_user)
    decision = services.decision_add(
        actor=coordinator, meeting=meeting, text="Raise the travel budget."
    )
    services.task_create(
        actor=coordinator,
        meeting=meeting,
        title="Draft the travel policy",
        assignee=demo_user("botosani-editor"),
        decision=decision,
    )
    return meeting


PUBLIC_PARTS = (
    "Welcome and tour of the city hall",
    "Mayor of Botoșani",
    "Municipality of Botoșani",
    "The partners agreed on a common baseline.",
)
INTERNAL_PARTS = (
    "Elena Popescu",  # a participant
    "The internal budget discussion went long.",  # minutes
    "Raise the travel budget.",  # a decision
    "Draft the travel policy",  # a task
    "Confidential budget draft",  # a working document
    "meet.example.eu/secret-room",  # the online link
)


def test_visitors_see_the_public_side_of_a_public_meeting(client, public_meeting_with_everything):
    meeting = public_meeting_with_everything
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    for part in PUBLIC_PARTS:
        assert part in content, part
    photo = Photo.objects.get()
    assert f"/meetings/photos/{photo.pk}/thumbnail.jpg" in content
    assert 'alt="Partners on the steps of the city hall"' in content
    for part in INTERNAL_PARTS:
        assert part not in content, part
    thumbnail = client.get(f"/meetings/photos/{photo.pk}/thumbnail.jpg")
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"
    version = DocumentVersion.objects.get()
    assert client.get(f"/meetings/versions/{version.pk}/").status_code == 403


def test_the_network_sees_the_inside_of_the_same_meeting(client_as, public_meeting_with_everything):
    client = client_as("messina-editor")
    content = client.get(public_meeting_with_everything.get_absolute_url()).content.decode()
    for part in PUBLIC_PARTS + INTERNAL_PARTS:
        assert part in content, part


def test_the_calendar_file_of_a_public_meeting_keeps_the_online_link_from_visitors(
    client, client_as, public_meeting_with_everything
):
    path = f"/meetings/{public_meeting_with_everything.pk}/meeting.ics"
    response = client.get(path)
    assert response.status_code == 200
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event["SUMMARY"] == "Open partners' meeting"
    assert "meet.example.eu" not in response.content.decode()
    # The network's people get it.
    member = client_as("messina-editor").get(path)
    assert "https://meet.example.eu/secret-room" in Calendar.from_ical(member.content).walk(
        "VEVENT"
    )[0]["DESCRIPTION"].replace("\r\n ", "")


def test_minutes_in_markdown_are_shown_without_scripts(client_as, upcoming_meeting):
    client = client_as("coordinator")
    minutes = (
        "## Day 1\n\n"
        "- **Welcome** by the mayor\n"
        "- [The plan](https://di4c.example.eu/plan)\n\n"
        "<script>alert('minutes')</script>\n\n"
        '<img src="x" onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))\n"
    )
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/minutes/",
        {"save_minutes": "1", "minutes": minutes, "outcome": "Agreed."},
    )
    assert response.status_code == 302
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.minutes == minutes.strip()

    content = client.get(upcoming_meeting.get_absolute_url()).content.decode()
    doc = lxml_html.fromstring(content)
    [section] = doc.xpath('//section[@id="minutes"]')
    # The text's "## Day 1" sits under the section's own h2 (headings moved down two levels).
    assert [h.text_content() for h in section.xpath(".//h2")] == ["Minutes"]
    assert [h.text_content() for h in section.xpath(".//h4")] == ["Day 1"]
    assert [s.text_content() for s in section.xpath(".//strong")] == ["Welcome"]
    assert section.xpath('.//a[@href="https://di4c.example.eu/plan"]')
    assert not section.xpath(".//script | .//img | .//*[@onerror]")
    assert "<script>alert('minutes')" not in content
    assert "javascript:" not in content


# --- answering an invitation ----------------------------------------------------------------


def test_the_invitee_accepts_on_the_page(client_as, upcoming_meeting, demo_user):
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    client = client_as("botosani-coordinator")
    page = text_of(client.get(upcoming_meeting.get_absolute_url()))
    assert "You have not answered yet." in page

    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/respond/", {"response": "accepted"}, follow=True
    )
    assert response.redirect_chain[-1][0] == upcoming_meeting.get_absolute_url()
    page = text_of(response)
    assert "You accepted the invitation." in page
    assert "You accepted." in page
    assert Participant.objects.get(meeting=upcoming_meeting).response == Response.ACCEPTED


def test_only_invitees_answer_and_not_after_the_meeting(
    client_as, upcoming_meeting, held_meeting, demo_user
):
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    client = client_as("messina-editor")
    response = client.post(f"/meetings/{upcoming_meeting.pk}/respond/", {"response": "declined"})
    assert response.status_code == 404
    assert Participant.objects.get(meeting=upcoming_meeting).response == Response.INVITED

    invite(held_meeting, "botosani-coordinator", demo_user=demo_user)
    client = client_as("botosani-coordinator")
    response = client.post(
        f"/meetings/{held_meeting.pk}/respond/", {"response": "accepted"}, follow=True
    )
    assert "This meeting is over; the invitation can no longer be answered." in text_of(response)
    assert Participant.objects.get(meeting=held_meeting).response == Response.INVITED


# --- follow-up tasks on the person's pages --------------------------------------------------


def test_open_tasks_show_on_the_persons_pages_until_done(client, client_as, upcoming_meeting):
    editor = User.objects.get(email="botosani-editor@demo.di4c.eu")
    client_as("coordinator")
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/minutes/",
        {
            "add_task": "1",
            "title": "Send the service catalogue",
            "assignee": editor.pk,
            "due_on": "2031-01-31",
            "decision": "",
        },
    )
    assert response.status_code == 302
    task = FollowUpTask.objects.get()
    assert task.assignee == editor

    def shown() -> dict[str, bool]:
        return {
            path: "Send the service catalogue" in client.get(path).content.decode()
            for path in ("/meetings/mine/", "/accounts/profile/")
        }

    client_as("botosani-editor")
    assert shown() == {"/meetings/mine/": True, "/accounts/profile/": True}

    # Someone else cannot close it.
    client_as("messina-editor")
    status = f"/meetings/tasks/{task.pk}/status/"
    assert client.post(status, {"status": "done"}).status_code == 403

    client_as("botosani-editor")
    response = client.post(status, {"status": "in_progress", "next": "/meetings/mine/"})
    assert response.status_code == 302 and response["Location"] == "/meetings/mine/"
    assert shown() == {"/meetings/mine/": True, "/accounts/profile/": True}
    client.post(status, {"status": "done", "next": "/meetings/mine/"})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_at is not None
    assert shown() == {"/meetings/mine/": False, "/accounts/profile/": False}


# --- the .ics download ----------------------------------------------------------------------


def test_the_calendar_download_is_a_valid_icalendar_file(client_as, upcoming_meeting, demo_user):
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    response = client_as("botosani-coordinator").get(f"/meetings/{upcoming_meeting.pk}/meeting.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == (
        f'attachment; filename="meeting-{upcoming_meeting.pk}.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{upcoming_meeting.uid}@di4c"
    assert str(event["SUMMARY"]) == "Partners' meeting in Botoșani"
    assert event["DTSTART"].dt == upcoming_meeting.local_starts_at
    assert event["DTSTART"].dt.utcoffset() == upcoming_meeting.local_starts_at.utcoffset()
    assert event["DTSTART"].dt.hour == 9
    assert event["DTEND"].dt == upcoming_meeting.ends_at
    assert "Botoșani City Hall" in str(event["LOCATION"])
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Bucharest"]


# --- query counts ---------------------------------------------------------------------------


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def add_calendar_meetings(network, count: int, creator) -> None:
    """`count` meetings of all kinds, past and upcoming, bulk-created."""
    partners = list(Organisation.objects.filter(slug__in=DI4C_CURRENT_PARTNERS).order_by("pk"))
    botosani = Organisation.objects.get(slug="botosani")
    kinds = [MeetingKind.TRANSNATIONAL, MeetingKind.LOCAL_GROUP, MeetingKind.EXPERT_VISIT]
    rows = []
    for n in range(count):
        start = days_ahead(-30 + n * 9)  # a few past ones, most upcoming
        kind = kinds[n % 3]
        rows.append(
            Meeting(
                network=network,
                kind=kind,
                title=f"Meeting number {n}",
                host=botosani if kind == MeetingKind.LOCAL_GROUP else partners[n % len(partners)],
                starts_at=start,
                ends_at=start + dt.timedelta(hours=8),
                time_zone="Europe/Bucharest",
                mode=[MeetingMode.IN_PERSON, MeetingMode.ONLINE, MeetingMode.HYBRID][n % 3],
                is_public=n % 2 == 0,
                status=MeetingStatus.CANCELLED if n % 7 == 6 else MeetingStatus.SCHEDULED,
                cancellation_reason="Strike" if n % 7 == 6 else "",
                theme="Digital skills" if n % 4 == 0 else "",
                created_by=creator,
            )
        )
    Meeting.objects.bulk_create(rows)


@pytest.mark.parametrize("who", ["anonymous", "botosani-editor", "coordinator"])
def test_the_network_calendar_takes_as_many_queries_for_30_meetings_as_for_3(
    client, client_as, demo, demo_user, who
):
    if who != "anonymous":
        client_as(who)
    path = "/networks/di4c/meetings/"

    def cards() -> int:
        return len(parsed(client.get(path)).xpath('//li[contains(@class, "meeting-card")]'))

    add_calendar_meetings(demo, 3, demo_user("coordinator"))
    queries(client, path)  # warm up the session and caches
    with_3 = queries(client, path)
    shown_3 = cards()
    add_calendar_meetings(demo, 27, demo_user("coordinator"))
    with_30 = queries(client, path)
    assert cards() >= shown_3 + 10
    assert with_30 == with_3


def fill_meeting(meeting, n: int) -> None:
    """`n` agenda items (with presenting partners and documents), participants, working
    documents with two versions, photos, decisions and tasks, bulk-created."""
    partners = list(Organisation.objects.filter(slug__in=DI4C_CURRENT_PARTNERS).order_by("pk"))
    people = User.objects.bulk_create(
        [
            User(email=f"person{meeting.pk}-{i}@example.org", full_name=f"Person {i}")
            for i in range(n)
        ]
    )
    people = list(User.objects.filter(email__startswith=f"person{meeting.pk}-"))
    Participant.objects.bulk_create(
        [
            Participant(
                meeting=meeting,
                user=person,
                organisation=partners[i % len(partners)],
                response=[Response.INVITED, Response.ACCEPTED, Response.DECLINED][i % 3],
            )
            for i, person in enumerate(people)
        ]
    )
    documents = WorkingDocument.objects.bulk_create(
        [WorkingDocument(meeting=meeting, title=f"Document {i}") for i in range(n)]
    )
    documents = list(WorkingDocument.objects.filter(meeting=meeting))
    DocumentVersion.objects.bulk_create(
        [
            DocumentVersion(
                document=document,
                number=number,
                file=f"meetings/{meeting.pk}/documents/{document.pk}-{number}.pdf",
                name=f"document-{document.pk}-v{number}.pdf",
                content_type="application/pdf",
                size=1000 * number,
                uploaded_by=people[number % len(people)],
            )
            for document in documents
            for number in (1, 2)
        ]
    )
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                position=i,
                starts_at=meeting.starts_at + dt.timedelta(minutes=10 * i),
                title=f"Item {i}",
                speakers=f"Speaker {i}",
            )
            for i in range(n)
        ]
    )
    items = list(AgendaItem.objects.filter(meeting=meeting))
    AgendaItem.speaker_organisations.through.objects.bulk_create(
        [
            AgendaItem.speaker_organisations.through(
                agendaitem=item, organisation=partners[i % len(partners)]
            )
            for i, item in enumerate(items)
        ]
    )
    AgendaItem.documents.through.objects.bulk_create(
        [
            AgendaItem.documents.through(agendaitem=item, workingdocument=documents[i])
            for i, item in enumerate(items)
        ]
    )
    Photo.objects.bulk_create(
        [
            Photo(
                meeting=meeting,
                image=f"meetings/{meeting.pk}/photos/{i}.jpg",
                thumbnail=f"meetings/{meeting.pk}/photos/{i}-thumb.jpg",
                width=800,
                height=600,
                alt_text=f"Photo {i}",
            )
            for i in range(n)
        ]
    )
    Decision.objects.bulk_create(
        [Decision(meeting=meeting, position=i, text=f"Decision {i}") for i in range(n)]
    )
    decisions = list(Decision.objects.filter(meeting=meeting))
    FollowUpTask.objects.bulk_create(
        [
            FollowUpTask(
                meeting=meeting,
                decision=decisions[i],
                title=f"Task {i}",
                assignee=people[i],
                due_on=dt.date(2020, 1, 1) + dt.timedelta(days=400 * i),
                status=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.DONE][i % 3],
            )
            for i in range(n)
        ]
    )
    meeting.minutes = "## Minutes\n\n- one\n- two"
    meeting.outcome = "Agreed."
    meeting.save(update_fields=["minutes", "outcome"])


@pytest.mark.parametrize("who", ["anonymous", "messina-editor", "coordinator"])
def test_a_meeting_page_takes_as_many_queries_with_20_of_everything_as_with_2(
    client, client_as, create_meeting, who
):
    small = create_meeting(title="Small meeting", is_public=True, mode=MeetingMode.HYBRID)
    large = create_meeting(title="Large meeting", is_public=True, mode=MeetingMode.HYBRID)
    fill_meeting(small, 2)
    fill_meeting(large, 20)
    if who != "anonymous":
        client_as(who)
    queries(client, small.get_absolute_url())  # warm up
    with_2 = queries(client, small.get_absolute_url())
    response = client.get(large.get_absolute_url())
    assert response.content.decode().count("Item 1") >= 1
    with_20 = queries(client, large.get_absolute_url())
    assert with_20 == with_2


# --- the host rotation planner --------------------------------------------------------------

ROTATION = "/networks/di4c/meetings/rotation/"


@pytest.fixture
def current_partners(demo):
    return list(Organisation.objects.filter(slug__in=DI4C_CURRENT_PARTNERS).order_by("name"))


def rotation_settings(partners, **unavailable) -> dict:
    """The planner's settings, every current partner able to host."""
    data = {
        "starts_on": "2030-01-15",
        "ends_on": "2032-07-15",
        "cadence_months": "3",
        "kick_off": "on",
        "final_event": "on",
        "online": "never",
    }
    for organisation in partners:
        data[f"able_{organisation.pk}"] = "on"
        data[f"unavailable_{organisation.pk}"] = unavailable.get(organisation.slug, "")
    return data


def schedule_rows(doc) -> list:
    return doc.xpath('//table[@data-testid="schedule"]/tbody/tr')


def test_the_planner_proposes_a_schedule(client_as, current_partners):
    client = client_as("coordinator")
    response = client.post(ROTATION, {**rotation_settings(current_partners), "action": "fresh"})
    assert response.status_code == 200
    doc = parsed(response)
    rows = schedule_rows(doc)
    assert len(rows) == 11  # every three months from January 2030 to July 2032
    assert not doc.xpath('//*[@data-testid="rotation-problems"]')
    form = values(the_form(doc, "starts_on"))
    assert form["slot_count"] == ["11"]
    hosts = [form[f"slot_{i}_host"][0] for i in range(11)]
    messina = str(Organisation.objects.get(slug="messina").pk)
    assert hosts[0] == messina and hosts[-1] == messina  # kick-off and final event
    # The first round of eight: each partner hosts once.
    assert len(set(hosts[1:9])) == 8
    assert form["slot_0_date"] == ["2030-01-15"]


def test_a_partner_unavailable_all_along_is_named_in_the_problems(client_as, current_partners):
    client = client_as("coordinator")
    response = client.post(
        ROTATION,
        {
            **rotation_settings(current_partners, oulu="2030-01-01..2032-12-31"),
            "action": "fresh",
        },
    )
    assert response.status_code == 200
    doc = parsed(response)
    [box] = doc.xpath('//*[@data-testid="rotation-problems"]')
    assert "City of Oulu" in box.text_content()
    assert "unavailable" in box.text_content()


def test_accepting_the_proposal_creates_the_meetings_and_invitations(
    client_as, current_partners, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_as("coordinator")
    proposal = parsed(
        client.post(ROTATION, {**rotation_settings(current_partners), "action": "fresh"})
    )
    sent = values(the_form(proposal, "starts_on"))
    assert sent["invite"] == ["1"]
    sent["action"] = ["accept"]
    planned = [
        (sent[f"slot_{i}_date"][0], int(sent[f"slot_{i}_host"][0]))
        for i in range(int(sent["slot_count"][0]))
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ROTATION, sent)

    assert response.status_code == 302
    assert response["Location"] == "/networks/di4c/meetings/"
    plan = RotationPlan.objects.get()
    meetings = list(plan.meetings.order_by("starts_at"))
    assert [(m.local_starts_at.date().isoformat(), m.host_id) for m in meetings] == planned
    assert meetings[0].kind == MeetingKind.KICK_OFF
    assert meetings[-1].kind == MeetingKind.FINAL_EVENT
    assert {m.kind for m in meetings[1:-1]} == {MeetingKind.TRANSNATIONAL}
    assert all(m.local_starts_at.hour == 9 for m in meetings)
    invited = {
        "coordinator@demo.di4c.eu",
        "lead-expert@demo.di4c.eu",
        "adhoc-expert@demo.di4c.eu",
        "botosani-coordinator@demo.di4c.eu",
    }
    for meeting in meetings:
        assert set(meeting.participants.values_list("user__email", flat=True)) == invited
    assert len(mailoutbox) == len(meetings) * len(invited)
    assert all(m.attachments[0].filename == "invite.ics" for m in mailoutbox)


def test_a_schedule_changed_against_the_rotation_is_refused(client_as, current_partners):
    client = client_as("coordinator")
    proposal = parsed(
        client.post(ROTATION, {**rotation_settings(current_partners), "action": "fresh"})
    )
    sent = values(the_form(proposal, "starts_on"))
    sent["action"] = ["accept"]
    # The second meeting goes to the first meeting's host: someone hosts twice in the round.
    sent["slot_2_host"] = sent["slot_1_host"]
    response = client.post(ROTATION, sent)
    assert response.status_code == 200
    [box] = parsed(response).xpath('//*[@data-testid="rotation-problems"]')
    assert "every partner hosts once before anyone hosts twice" in box.text_content()
    assert not Meeting.objects.exists()
    assert not RotationPlan.objects.exists()


def test_a_city_coordinator_cannot_plan_the_rotation(client_as, current_partners):
    client = client_as("botosani-coordinator")
    assert client.get(ROTATION).status_code == 403
    response = client.post(ROTATION, {**rotation_settings(current_partners), "action": "fresh"})
    assert response.status_code == 403
    assert not Meeting.objects.exists()
