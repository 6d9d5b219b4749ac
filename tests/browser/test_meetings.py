"""The network coordinator plans the host rotation in the browser: proposes a schedule, sees
an invalid change refused with the reason, accepts it; a city coordinator answers her
invitation. The meetings pages pass axe and the invitation answers work from the keyboard.

Everything the tests need is created here (through the services), so they pass whether or not
the demo holds meetings of its own."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import docx
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@demo.di4c.eu"  # Italian in her profile
CITY_COORDINATOR = "botosani-coordinator@demo.di4c.eu"  # Romanian in her profile
FIRST_MEETING = dt.date(2027, 3, 15)
PERIOD_ENDS = dt.date(2029, 3, 31)
CADENCE = 4
# Every 4 months from 15 March 2027 until 31 March 2029: 7 meetings.
SLOT_DATES = [
    dt.date(2027, 3, 15),
    dt.date(2027, 7, 15),
    dt.date(2027, 11, 15),
    dt.date(2028, 3, 15),
    dt.date(2028, 7, 15),
    dt.date(2028, 11, 15),
    dt.date(2029, 3, 15),
]
# Oulu cannot host over the summer of 2027, the second meeting's date.
OULU_AWAY = "2027-06-01..2027-08-31"
ACCEPT = "button[name=response][value=accepted]"
DECLINE = "button[name=response][value=declined]"


# --- data --------------------------------------------------------------------------------------


def _user(email):
    from di4c.accounts.models import User

    return User.objects.get(email=email)


def _network():
    from di4c.networks.models import Network

    return Network.objects.get(slug="di4c")


def _organisation(slug):
    from di4c.networks.models import Organisation

    return Organisation.objects.get(slug=slug)


def _docx_upload() -> SimpleUploadedFile:
    document = docx.Document()
    document.add_heading("Agenda of the transnational meeting", level=1)
    document.add_paragraph("Open data in medium-sized cities.")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(
        "agenda.docx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _png_upload() -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 427), (40, 110, 160))
    image.paste((230, 190, 60), (100, 100, 400, 300))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("partners.png", buffer.getvalue(), content_type="image/png")


def _full_meeting():
    """An upcoming public meeting in Botoșani with everything a meeting page shows: the
    coordinator and Botoșani's city coordinator invited (no e-mail), an agenda, a working
    document, a photo, minutes, an outcome, a decision and a task for the city coordinator."""
    from di4c.meetings import services

    coordinator = _user(COORDINATOR)
    city_coordinator = _user(CITY_COORDINATOR)
    network = _network()
    botosani = _organisation("botosani")
    zone = ZoneInfo("Europe/Bucharest")
    first_day = timezone.localdate() + dt.timedelta(days=40)
    starts_at = dt.datetime.combine(first_day, dt.time(9, 0), tzinfo=zone)
    meeting = services.meeting_create(
        actor=coordinator,
        network=network,
        data={
            "kind": "transnational",
            "title": "Open data meeting in Botoșani",
            "host": botosani,
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(days=1, hours=8),
            "time_zone": "",
            "mode": "in_person",
            "venue": "Botoșani City Hall",
            "address": "Piața Revoluției 1, Botoșani",
            "online_url": "",
            "languages": ["en", "ro"],
            "is_public": True,
            "description": "Partners compare their **open data** portals.\n\n- datasets\n- APIs",
            "theme": "Open data",
        },
    )
    services.participants_invite(
        actor=coordinator, meeting=meeting, users=[coordinator, city_coordinator], send=False
    )
    services.agenda_item_add(
        actor=coordinator,
        meeting=meeting,
        data={
            "starts_at": starts_at + dt.timedelta(hours=1),
            "title": "Botoșani's open data portal",
            "speakers": "Elena Popescu",
            "description": "A tour of the portal and its first datasets.",
        },
        speaker_organisations=[botosani],
    )
    services.document_add(
        actor=coordinator, meeting=meeting, title="Agenda", upload=_docx_upload(), note="Draft"
    )
    services.photo_add(
        actor=coordinator,
        meeting=meeting,
        upload=_png_upload(),
        alt_text="A yellow square on a blue background",
        caption="The meeting's banner",
    )
    services.meeting_update(
        actor=coordinator,
        meeting=meeting,
        data={
            "minutes": "# Minutes\n\nThe partners agreed to publish *three* datasets each.",
            "outcome": "Each city publishes three datasets.",
        },
    )
    decision = services.decision_add(
        actor=coordinator, meeting=meeting, text="Each city publishes three datasets."
    )
    services.task_create(
        actor=coordinator,
        meeting=meeting,
        title="Publish Botoșani's three datasets",
        assignee=city_coordinator,
        due_on=first_day + dt.timedelta(days=60),
        decision=decision,
    )
    return meeting


def _switch_language(page, code: str) -> None:
    """The language form in the header (its button is named in the current language)."""
    form = page.locator("form.language-form")
    form.locator("select[name=lang]").select_option(code)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def _hosts(page, count: int) -> list[int | None]:
    values = [page.locator(f"#slot-{index}-host").input_value() for index in range(count)]
    return [int(value) if value else None for value in values]


def _fill_rotation(page, oulu) -> None:
    page.get_by_label("First meeting on").fill(FIRST_MEETING.isoformat())
    page.get_by_label("Period ends on").fill(PERIOD_ENDS.isoformat())
    page.get_by_label("One meeting every (months)").fill(str(CADENCE))
    expect(page.get_by_label("The first meeting is the kick-off")).to_be_checked()
    expect(page.get_by_label("The last meeting is the final event")).to_be_checked()
    page.get_by_label(f"Dates {oulu.display_name} cannot host").fill(OULU_AWAY)


# --- the scenario ----------------------------------------------------------------------


def test_coordinator_plans_the_rotation_and_a_city_accepts_its_invitation(page, live_demo, browser):
    from di4c.maturity.selectors import network_partners
    from di4c.meetings import selectors
    from di4c.meetings.models import Meeting, Participant, RotationPlan

    base = live_demo.url
    network = _network()
    messina, oulu = _organisation("messina"), _organisation("oulu")
    partner_ids = set(network_partners(network).values_list("pk", flat=True))
    meetings_before = Meeting.objects.count()
    plans_before = RotationPlan.objects.count()

    sign_in(page, base, COORDINATOR)
    # The interface follows the browser (en-GB), not her profile's Italian; make sure.
    if page.locator("html").get_attribute("lang") != "en":
        _switch_language(page, "en")
    page.goto(f"{base}/networks/di4c/meetings/")
    page.get_by_role("link", name="Plan the host rotation").click()
    page.wait_for_url(f"{base}/networks/di4c/meetings/rotation/")
    _fill_rotation(page, oulu)
    page.get_by_role("button", name="Propose a schedule").click()

    schedule = page.get_by_test_id("schedule")
    expect(schedule).to_be_visible()
    expect(page.get_by_test_id("rotation-problems")).to_have_count(0)
    expect(schedule.locator("tbody tr")).to_have_count(len(SLOT_DATES))
    dates = [page.locator(f"#slot-{index}-date").input_value() for index in range(len(SLOT_DATES))]
    assert dates == [day.isoformat() for day in SLOT_DATES]
    hosts = _hosts(page, len(SLOT_DATES))
    # The lead hosts the kick-off and the final event.
    assert hosts[0] == messina.pk and hosts[-1] == messina.pk, hosts
    # Every meeting in between has a host, and nobody hosts twice before every partner has
    # hosted once (meetings held before the period count, as the planner counts them).
    assert all(host in partner_ids for host in hosts[1:-1]), hosts
    counts = {pk: 0 for pk in partner_ids}
    for pk, hosted in selectors.hosting_counts(network, before=FIRST_MEETING).items():
        if pk in counts:
            counts[pk] = hosted
    for index, host in enumerate(hosts[1:-1], start=1):
        assert counts[host] == min(counts.values()), (index, hosts, counts)
        counts[host] += 1
    # Oulu is away on the second meeting's date.
    assert hosts[1] != oulu.pk, hosts

    # An invalid change: Oulu hosts the meeting of 15 July 2027, when it is away.
    page.locator("#slot-1-host").select_option(str(oulu.pk))
    page.get_by_role("button", name="Accept this schedule and create the meetings").click()
    problems = page.get_by_test_id("rotation-problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text(str(oulu.display_name))
    expect(problems).to_contain_text("unavailable")
    assert Meeting.objects.count() == meetings_before
    assert RotationPlan.objects.count() == plans_before
    expect(page.locator("#slot-1-host")).to_have_value(str(oulu.pk))

    # Restore the proposed host and accept.
    page.locator("#slot-1-host").select_option(str(hosts[1]))
    expect(page.locator("#invite-people")).to_be_checked()
    sent_before = len(mail.outbox)
    page.get_by_role("button", name="Accept this schedule and create the meetings").click()
    page.wait_for_url(f"{base}/networks/di4c/meetings/")
    expect(page.locator(".messages")).to_contain_text(
        f"{len(SLOT_DATES)} meetings are in the calendar."
    )
    assert RotationPlan.objects.count() == plans_before + 1
    plan = RotationPlan.objects.order_by("-pk").first()
    created = list(plan.meetings.order_by("starts_at"))
    assert [m.host_id for m in created] == hosts
    assert [m.local_starts_at.date() for m in created] == SLOT_DATES
    upcoming = page.get_by_test_id("upcoming-meetings")
    for meeting in created:
        expect(upcoming.locator(f"a[href='/meetings/{meeting.pk}/']")).to_have_text(
            meeting.display_title
        )
    expect(upcoming).to_contain_text("Kick-off meeting in Messina")
    expect(upcoming).to_contain_text("Final event in Messina")

    # The invitations went out by e-mail, each with its calendar entry.
    city_coordinator = _user(CITY_COORDINATOR)
    sent = mail.outbox[sent_before:]
    to_her = [message for message in sent if message.to == [CITY_COORDINATOR]]
    assert len(to_her) == len(SLOT_DATES)
    for message in to_her:
        assert [(a[0], a[2].split(";")[0]) for a in message.attachments] == [
            ("invite.ics", "text/calendar")
        ]
        assert "BEGIN:VEVENT" in str(message.attachments[0][1])

    # Botoșani's city coordinator, in Romanian, answers her invitation to the kick-off.
    kick_off = created[0]
    context = browser.new_context(locale="en-GB")
    try:
        her = context.new_page()
        her.set_default_timeout(15000)
        sign_in(her, base, CITY_COORDINATOR)
        _switch_language(her, "ro")
        her.goto(f"{base}/meetings/mine/")
        her.get_by_test_id("my-invitations").locator(f"a[href='/meetings/{kick_off.pk}/']").click()
        her.wait_for_url(f"{base}/meetings/{kick_off.pk}/")
        invitation = her.get_by_test_id("my-invitation")
        expect(invitation).to_be_visible()
        with her.expect_navigation():
            invitation.locator(ACCEPT).click()
        assert her.url == f"{base}/meetings/{kick_off.pk}/"
        expect(her.locator(".messages")).to_be_visible()
        expect(invitation.locator(ACCEPT)).to_have_count(0)
        expect(invitation.locator(DECLINE)).to_be_visible()
        participant = Participant.objects.get(meeting=kick_off, user=city_coordinator)
        assert participant.response == "accepted"
    finally:
        context.close()
    assert page.foreign_requests == []


# --- accessibility -----------------------------------------------------------------------------


def test_meetings_pages_pass_axe(page, live_demo, browser):
    meeting = _full_meeting()
    base = live_demo.url

    # An anonymous visitor: the network's calendar and the public meeting.
    page.goto(f"{base}/networks/di4c/meetings/")
    expect(page.get_by_test_id("upcoming-meetings")).to_contain_text(meeting.display_title)
    assert violations(page) == [], "network meetings, anonymous"
    page.goto(f"{base}{meeting.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text(meeting.display_title)
    expect(page.get_by_test_id("agenda")).to_be_visible()
    expect(page.get_by_test_id("my-invitation")).to_have_count(0)
    assert violations(page) == [], "public meeting, anonymous"

    # The coordinator: everything visible.
    sign_in(page, base, COORDINATOR)
    page.goto(f"{base}/networks/di4c/meetings/")
    expect(page.get_by_role("link", name="Plan the host rotation")).to_be_visible()
    assert violations(page) == [], "network meetings, coordinator"
    page.goto(f"{base}{meeting.get_absolute_url()}")
    for testid in ("my-invitation", "agenda", "participants", "tasks"):
        expect(page.get_by_test_id(testid)).to_be_visible()
    expect(page.locator("#documents .card")).to_have_count(1)
    expect(page.locator("#photos img")).to_have_count(1)
    assert violations(page) == [], "meeting, coordinator"
    for path in ("participants/", "minutes/"):
        page.goto(f"{base}{meeting.get_absolute_url()}{path}")
        assert violations(page) == [], path

    # The rotation planner with a proposal, then with the problems of an invalid change.
    page.goto(f"{base}/networks/di4c/meetings/rotation/")
    _fill_rotation(page, _organisation("oulu"))
    page.get_by_role("button", name="Propose a schedule").click()
    expect(page.get_by_test_id("schedule")).to_be_visible()
    assert violations(page) == [], "rotation planner with a proposal"
    page.locator("#slot-0-host").select_option(str(_organisation("oulu").pk))
    page.get_by_role("button", name="Accept this schedule and create the meetings").click()
    expect(page.get_by_test_id("rotation-problems")).to_be_visible()
    assert violations(page) == [], "rotation planner with problems"

    # The meeting form with an error: it ends before it starts.
    page.goto(f"{base}/networks/di4c/meetings/new/")
    page.locator("[name=title]").fill("Study visit")
    page.locator("[name=start_date]").fill("2027-05-12")
    page.locator("[name=end_date]").fill("2027-05-10")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The meeting cannot end before it starts.")).to_be_visible()
    assert violations(page) == [], "meeting form with an error"

    # Botoșani's city coordinator: her meetings and tasks.
    context = browser.new_context(locale="en-GB")
    try:
        her = context.new_page()
        sign_in(her, base, CITY_COORDINATOR)
        her.goto(f"{base}/meetings/mine/")
        expect(her.get_by_test_id("my-invitations")).to_contain_text(meeting.display_title)
        expect(her.get_by_test_id("my-tasks")).to_be_visible()
        assert violations(her) == [], "my meetings"
        her.goto(f"{base}{meeting.get_absolute_url()}")
        expect(her.get_by_test_id("my-invitation")).to_be_visible()
        assert violations(her) == [], "meeting, invited city coordinator"
    finally:
        context.close()


# --- keyboard ----------------------------------------------------------------------------------


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab from the top of the page until the element has the focus."""
    page.locator("body").focus()
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with Tab")


def test_invitation_is_answered_from_the_keyboard(page, live_demo):
    from di4c.meetings.models import Participant

    meeting = _full_meeting()
    base = live_demo.url
    city_coordinator = _user(CITY_COORDINATOR)
    sign_in(page, base, CITY_COORDINATOR)
    page.goto(f"{base}{meeting.get_absolute_url()}")

    _tab_to(page, ACCEPT)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("my-invitation")).to_contain_text("You accepted.")
    assert Participant.objects.get(meeting=meeting, user=city_coordinator).response == "accepted"

    _tab_to(page, DECLINE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("my-invitation")).to_contain_text("You declined.")
    assert Participant.objects.get(meeting=meeting, user=city_coordinator).response == "declined"
