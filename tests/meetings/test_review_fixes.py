"""The review fixes, through the services: the host rotation cannot be accepted twice or in the
past and writes its titles in every language; a cancelled meeting takes no more content; a
theme's presentations are timed, not repeated and written in the network's language;
attendance is saved all or nothing; image documents lose their metadata; uploads stay strict
after WeasyPrint's import; Markdown headings sit under the page's."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format
from PIL import Image, ImageFile, PngImagePlugin

from di4c.core.markdown import render_markdown
from di4c.maturity.selectors import (
    framework_for_network,
    network_benchmark,
    network_partners,
    weak_spots,
)
from di4c.meetings import rotation as planner
from di4c.meetings import selectors, services
from di4c.meetings.models import (
    AgendaItem,
    Decision,
    DocumentVersion,
    FollowUpTask,
    Meeting,
    MeetingKind,
    Participant,
    Photo,
    RotationPlan,
)
from di4c.meetings.uploads import check_document, process_photo
from di4c.networks.models import Organisation, Partnership
from tests.meetings.conftest import (
    BUCHAREST,
    GPS_IFD,
    invite,
    jpeg_with_gps,
    plain_jpeg,
    png_claiming,
    upload,
)

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
CANCELLED = "This meeting is cancelled; it can no longer be changed."
DAMAGED = "This image is damaged or incomplete and cannot be read."
SLOT = dt.timedelta(minutes=30)


# --- the host rotation ----------------------------------------------------------------------


def rotation_request(network, starts_on: dt.date, ends_on: dt.date) -> planner.RotationRequest:
    """Today's partners, every one able to host, every three months (as the planner page
    builds it)."""
    partners = list(network_partners(network).order_by("name"))
    partnerships = {p.organisation_id: p for p in Partnership.objects.filter(network=network)}
    counts = selectors.hosting_counts(network, before=starts_on)
    return planner.RotationRequest(
        starts_on=starts_on,
        ends_on=ends_on,
        cadence_months=3,
        partners=tuple(
            planner.Candidate(
                id=o.pk,
                name=str(o.display_name),
                country=o.country.code,
                latitude=float(o.latitude) if o.latitude is not None else None,
                longitude=float(o.longitude) if o.longitude is not None else None,
                is_lead=partnerships[o.pk].role == "lead",
                joined_on=partnerships[o.pk].joined_on,
                left_on=partnerships[o.pk].left_on,
            )
            for o in partners
        ),
        prior_counts=tuple((o.pk, counts.get(o.pk, 0)) for o in partners),
    )


@pytest.fixture
def accept(demo, demo_user):
    """`accept(starts_on, ends_on)`: the planner's proposal for the period, accepted by the
    coordinator (without invitations)."""

    def run(starts_on=dt.date(2030, 1, 15), ends_on=dt.date(2032, 7, 15)) -> RotationPlan:
        request = rotation_request(demo, starts_on, ends_on)
        proposal = planner.plan_rotation(request)
        assert proposal.feasible, proposal.problems
        return services.rotation_accept(
            actor=demo_user("coordinator"),
            network=demo,
            request=request,
            slots=proposal.slots,
            invite=False,
        )

    return run


def test_accepting_the_same_schedule_twice_creates_the_meetings_once(accept):
    plan = accept()
    meetings = Meeting.objects.count()
    assert plan.meetings.count() == meetings == 11

    with pytest.raises(ValidationError) as excinfo:
        accept()

    [message] = excinfo.value.messages
    assert message.startswith(
        "The network already has meetings in this period (Kick-off meeting in Messina, "
    )
    assert message.endswith("): cancel them or plan another period.")
    assert Meeting.objects.count() == meetings
    assert RotationPlan.objects.count() == 1


def test_a_schedule_starting_in_the_past_is_refused(accept):
    today = timezone.localdate()
    starts_on = today - dt.timedelta(days=200)
    with pytest.raises(ValidationError) as excinfo:
        accept(starts_on, today + dt.timedelta(days=500))
    [message] = excinfo.value.messages
    assert message == (
        f"The schedule starts in the past ({date_format(starts_on, 'DATE_FORMAT')}): plan "
        "meetings from today on."
    )
    assert not Meeting.objects.exists()
    assert not RotationPlan.objects.exists()


def test_only_a_kick_off_final_event_or_rotation_blocks_a_period(
    accept, create_meeting, messina, demo_user
):
    # A one-off partners' meeting within the period does not block it.
    one_off = dt.datetime(2030, 6, 3, 9, tzinfo=BUCHAREST)
    create_meeting(starts_at=one_off, ends_at=one_off + dt.timedelta(hours=8))
    # A kick-off does, until it is cancelled.
    start = dt.datetime(2031, 3, 4, 9, tzinfo=ROME)
    kick_off = create_meeting(
        kind=MeetingKind.KICK_OFF,
        title="Phase 3 kick-off",
        host=messina,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
    )
    with pytest.raises(ValidationError) as excinfo:
        accept()
    assert "(Phase 3 kick-off)" in excinfo.value.messages[0]
    assert not RotationPlan.objects.exists()

    services.meeting_cancel(actor=demo_user("coordinator"), meeting=kick_off, reason="Merged")
    plan = accept()
    assert plan.meetings.count() == 11


def test_the_rotations_titles_are_in_english_and_every_interface_language(accept):
    with translation.override("ro"):
        plan = accept()
    meetings = list(plan.meetings.select_related("host").order_by("starts_at"))
    kick_off, *rotation, final = meetings
    assert kick_off.kind == MeetingKind.KICK_OFF
    assert kick_off.title == "Kick-off meeting in Messina"
    # Every interface language besides English (the base value) has its title.
    assert set(kick_off.title_i18n) == {"ro", "it", "es", "fi", "fr", "el", "lv", "pt"}
    assert {code: kick_off.title_i18n[code] for code in ("ro", "it", "fr")} == {
        "ro": "Reuniune de lansare la Messina",
        "it": "Riunione di avvio a Messina",
        "fr": "Réunion de lancement à Messina",
    }
    assert final.title == "Final event in Messina"
    assert {code: final.title_i18n[code] for code in ("ro", "it")} == {
        "ro": "Eveniment final la Messina",
        "it": "Evento finale a Messina",
    }
    for meeting in rotation:
        city = meeting.host.city
        assert meeting.title == f"Transnational meeting in {city}"
        assert {code: meeting.title_i18n[code] for code in ("ro", "it")} == {
            "ro": f"Reuniune transnațională la {city}",
            "it": f"Riunione transnazionale a {city}",
        }
    # Each reader sees the title in their language.
    with translation.override("it"):
        assert kick_off.display_title == "Riunione di avvio a Messina"


# --- the host's partnership dates, in the reader's format -----------------------------------


def test_the_partnership_dates_are_written_in_the_readers_format(create_meeting):
    trikala = Organisation.objects.get(slug="trikala")  # joined on 2019-09-02
    start = dt.datetime(2019, 9, 1, 10, tzinfo=ZoneInfo("Europe/Athens"))
    with translation.override("ro"), pytest.raises(ValidationError) as excinfo:
        create_meeting(host=trikala, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    [message] = excinfo.value.message_dict["host"]
    with translation.override("ro"):
        joined = date_format(dt.date(2019, 9, 2), "DATE_FORMAT")
    assert "septembrie" in joined
    assert joined in message
    assert "2019-09-02" not in message


# --- a cancelled meeting is frozen ----------------------------------------------------------


def assert_cancelled(excinfo):
    assert excinfo.value.messages == [CANCELLED]


def test_a_cancelled_meeting_takes_no_more_content(upcoming_meeting, demo, demo_user, media_root):
    coordinator = demo_user("coordinator")
    meeting = upcoming_meeting
    item = services.agenda_item_add(actor=coordinator, meeting=meeting, data={"title": "Welcome"})
    services.decision_add(actor=coordinator, meeting=meeting, text="Survey the services.")
    version = services.document_add(
        actor=coordinator, meeting=meeting, title="Agenda", upload=upload("a.txt", b"Agenda\n")
    )
    code = weak_spots(demo, network_benchmark(demo, framework_for_network(demo)))[0][
        "stats"
    ].dimension.code
    meeting = services.meeting_cancel(actor=coordinator, meeting=meeting, reason="Strike")
    meeting = Meeting.objects.get(pk=meeting.pk)
    item = AgendaItem.objects.get(pk=item.pk)
    assert meeting.is_cancelled

    writes = {
        "agenda_item_add": lambda: services.agenda_item_add(
            actor=coordinator, meeting=meeting, data={"title": "Coffee"}
        ),
        "agenda_item_update": lambda: services.agenda_item_update(
            actor=coordinator, item=item, data={"title": "Welcome words"}
        ),
        "agenda_item_delete": lambda: services.agenda_item_delete(actor=coordinator, item=item),
        "decision_add": lambda: services.decision_add(
            actor=coordinator, meeting=meeting, text="Another decision."
        ),
        "task_create": lambda: services.task_create(
            actor=coordinator,
            meeting=meeting,
            title="Send the survey",
            assignee=demo_user("botosani-editor"),
        ),
        "meeting_theme_from_weak_spot": lambda: services.meeting_theme_from_weak_spot(
            actor=coordinator, meeting=meeting, dimension_code=code
        ),
        "document_add": lambda: services.document_add(
            actor=coordinator, meeting=meeting, title="Notes", upload=upload("n.txt", b"Notes\n")
        ),
        "document_version_add": lambda: services.document_version_add(
            actor=coordinator, document=version.document, upload=upload("a.txt", b"Agenda 2\n")
        ),
        "photo_add": lambda: services.photo_add(
            actor=coordinator,
            meeting=meeting,
            upload=upload("p.jpg", plain_jpeg(), "image/jpeg"),
            alt_text="Partners around a table",
        ),
    }
    for name, write in writes.items():
        with pytest.raises(ValidationError) as excinfo:
            write()
        assert excinfo.value.messages == [CANCELLED], name

    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Welcome"]
    assert Decision.objects.count() == 1
    assert not FollowUpTask.objects.exists()
    assert DocumentVersion.objects.count() == 1
    assert not Photo.objects.exists()
    meeting.refresh_from_db()
    assert meeting.theme == ""


# --- a theme from a weak spot ---------------------------------------------------------------


@pytest.fixture
def weakest_code(demo):
    return weak_spots(demo, network_benchmark(demo, framework_for_network(demo)))[0][
        "stats"
    ].dimension.code


def theme(meeting, code, demo_user, **options):
    return services.meeting_theme_from_weak_spot(
        actor=demo_user("coordinator"), meeting=meeting, dimension_code=code, **options
    )


def test_the_presentations_follow_the_last_timed_item_half_an_hour_each(
    upcoming_meeting, weakest_code, demo_user
):
    coordinator = demo_user("coordinator")
    start = upcoming_meeting.starts_at
    services.agenda_item_add(
        actor=coordinator,
        meeting=upcoming_meeting,
        data={"title": "Welcome", "starts_at": start + dt.timedelta(hours=1)},
    )
    services.agenda_item_add(
        actor=coordinator, meeting=upcoming_meeting, data={"title": "Coffee", "starts_at": start}
    )
    services.agenda_item_add(actor=coordinator, meeting=upcoming_meeting, data={"title": "Notes"})

    items = theme(upcoming_meeting, weakest_code, demo_user)

    last = start + dt.timedelta(hours=1)
    assert [item.starts_at for item in items] == [last + SLOT, last + 2 * SLOT, last + 3 * SLOT]
    assert [item.position for item in items] == [4, 5, 6]
    # On the page, the timed items in time order, then those without a time.
    titles = list(upcoming_meeting.agenda_items.values_list("title", flat=True))
    assert titles[:2] == ["Coffee", "Welcome"]
    assert titles[-1] == "Notes"


def test_no_presentation_is_timed_past_the_meetings_end(upcoming_meeting, weakest_code, demo_user):
    end = upcoming_meeting.ends_at
    services.agenda_item_add(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        data={"title": "Closing words", "starts_at": end - dt.timedelta(minutes=45)},
    )

    items = theme(upcoming_meeting, weakest_code, demo_user)

    assert [item.starts_at for item in items] == [end - dt.timedelta(minutes=15), None, None]


def test_without_timed_items_the_presentations_have_no_time(
    upcoming_meeting, weakest_code, demo_user
):
    items = theme(upcoming_meeting, weakest_code, demo_user)
    assert len(items) == 3
    assert all(item.starts_at is None for item in items)


def test_applying_the_theme_twice_adds_no_speaker_twice(upcoming_meeting, weakest_code, demo_user):
    first = theme(upcoming_meeting, weakest_code, demo_user)
    second = theme(upcoming_meeting, weakest_code, demo_user)

    speakers = [
        org.pk
        for item in upcoming_meeting.agenda_items.all()
        for org in item.speaker_organisations.all()
    ]
    assert len(first) == 3 and len(second) >= 1
    assert len(speakers) == len(first) + len(second) == len(set(speakers))
    assert [item.position for item in second] == list(range(4, 4 + len(second)))


def test_the_theme_is_written_in_the_networks_language_whoever_clicks(
    upcoming_meeting, demo, weakest_code, demo_user
):
    assert demo.languages[0] == "en"
    dimension = weak_spots(demo, network_benchmark(demo, framework_for_network(demo)))[0][
        "stats"
    ].dimension
    english = str(dimension.display_name)
    with translation.override("ro"):
        romanian = str(dimension.display_name)
        items = theme(upcoming_meeting, weakest_code, demo_user)
    assert romanian != english  # so that the check below means something

    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.theme == english
    for item in items:
        assert item.title == f"How {item.speakers} works on “{english}”"
        assert romanian not in item.title


# --- attendance, all or nothing -------------------------------------------------------------


def test_attendance_is_saved_all_or_nothing(held_meeting, demo_user):
    invite(held_meeting, "botosani-coordinator", "botosani-editor", demo_user=demo_user)
    coordinator = demo_user("coordinator")
    elena = demo_user("botosani-coordinator")

    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record_many(
            actor=coordinator,
            meeting=held_meeting,
            attended={elena: True, demo_user("lead-expert"): True},
        )
    assert "This person was not invited to this meeting" in excinfo.value.messages[0]
    assert Participant.objects.get(meeting=held_meeting, user=elena).attended is None

    saved = services.attendance_record_many(
        actor=coordinator,
        meeting=held_meeting,
        attended={elena: True, demo_user("botosani-editor"): False},
    )
    assert saved == 2
    assert dict(held_meeting.participants.values_list("user__email", "attended")) == {
        "botosani-coordinator@demo.di4c.eu": True,
        "botosani-editor@demo.di4c.eu": False,
    }


# --- image documents and strict uploads -----------------------------------------------------


def stored_image(version) -> tuple[Image.Image, bytes]:
    with version.file.open("rb") as handle:
        raw = handle.read()
    return Image.open(io.BytesIO(raw)), raw


def test_a_jpeg_document_is_stored_without_its_location(upcoming_meeting, demo_user, media_root):
    content = jpeg_with_gps(size=(2600, 300))
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(GPS_IFD)

    version = services.document_add(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        title="Scan of the signed agreement",
        upload=upload("scan.jpg", content, "image/jpeg"),
    )

    version.refresh_from_db()
    image, raw = stored_image(version)
    assert image.format == "JPEG"
    assert image.size == (2600, 300)  # a document keeps its size, unlike a photo
    assert image.getexif().get_ifd(GPS_IFD) == {}
    assert len(image.getexif()) == 0
    assert b"Canon" not in raw
    assert version.size == len(raw)


def test_a_png_document_is_stored_without_its_text_chunks(upcoming_meeting, demo_user, media_root):
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "47.7447 N, 26.6661 E")
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 200, 40)).save(buffer, format="PNG", pnginfo=info)
    assert b"Location" in buffer.getvalue()

    version = services.document_add(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        title="Map",
        upload=upload("map.png", buffer.getvalue(), "image/png"),
    )

    image, raw = stored_image(version)
    assert image.format == "PNG" and image.size == (120, 80)
    assert b"Location" not in raw and b"47.7447" not in raw
    assert version.size == len(raw)


@pytest.mark.parametrize(("side", "shown"), [(30_000, "30,000"), (10_000, "10,000")])
def test_a_decompression_bomb_document_gets_the_pixel_count(
    side, shown, upcoming_meeting, demo_user, media_root
):
    expected = (
        f"This image would take {shown} × {shown} pixels once opened; the limit is 40 "
        "megapixels. Resize it before uploading."
    )
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("plan.png", png_claiming(side, side)))
    assert excinfo.value.message_dict == {"file": [expected]}
    with pytest.raises(ValidationError) as excinfo:
        services.document_add(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            title="Plan",
            upload=upload("plan.png", png_claiming(side, side), "image/png"),
        )
    assert excinfo.value.message_dict == {"file": [expected]}
    assert not DocumentVersion.objects.exists()


def noisy_jpeg(size=(400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def test_truncated_images_are_refused_even_after_weasyprint_is_imported(
    upcoming_meeting, demo_user, media_root
):
    import weasyprint  # noqa: F401 (its import lets Pillow load truncated images)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    content = noisy_jpeg()
    truncated = content[: len(content) // 2]

    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload("visit.jpg", truncated))
    assert excinfo.value.message_dict == {"file": [DAMAGED]}
    with pytest.raises(ValidationError) as excinfo:
        services.document_add(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            title="Scan",
            upload=upload("scan.jpg", truncated, "image/jpeg"),
        )
    assert excinfo.value.message_dict == {"file": [DAMAGED]}
    assert not DocumentVersion.objects.exists()
    # WeasyPrint's setting is left as it was, for its own PDFs.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    # A whole photo still goes through.
    assert process_photo(upload("visit.jpg", content)).width == 400


def test_the_strict_loading_restores_the_setting_it_found(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    process_photo(upload("visit.jpg", noisy_jpeg()))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ValidationError):
        process_photo(upload("visit.jpg", noisy_jpeg()[:2000]))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


# --- Markdown headings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("# Title", "<h3>Title</h3>"),
        ("## Day 1", "<h4>Day 1</h4>"),
        ("##### Detail", "<h6>Detail</h6>"),  # capped at h6
        ("###### Detail", "<h6>Detail</h6>"),
    ],
)
def test_headings_are_moved_down_under_the_pages_own(text, html):
    assert str(render_markdown(text, heading_offset=2)) == html
    # Without the offset, as written.
    level = text.count("#")
    assert str(render_markdown(text)) == f"<h{level}>{text.lstrip('# ')}</h{level}>"


def test_only_heading_tags_are_moved_down():
    html = str(render_markdown("# Title\n\n---\n\nThe h1 and <h2> of it", heading_offset=2))
    assert html == "<h3>Title</h3>\n<hr>\n<p>The h1 and &lt;h2&gt; of it</p>"
