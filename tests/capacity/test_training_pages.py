"""The training pages: the city's list, a training's page and form, enrolment, attendance and
materials - and who may do each."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Department, Enrolment, Training, TrainingMaterial
from tests.capacity.answer_helpers import ensure_city_setup, make_training, page_tree, text_of

pytestmark = pytest.mark.django_db

LIST = "/organisations/botosani/capacity/trainings/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def training(botosani, editor):
    return make_training(botosani, editor)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _started(training, hours_ago=2):
    """Move a training into the past (enrolment is closed once it starts, so people are
    enrolled first and the clock is then moved on)."""
    Training.objects.filter(pk=training.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=hours_ago)
    )
    training.refresh_from_db()
    return training


# --- list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["botosani-editor", "local-group", "coordinator", "lead-expert"])
def test_the_city_and_its_network_see_the_trainings(client_as, training, editor, botosani, who):
    held = _started(make_training(botosani, editor, topic="Records management basics"))
    client = client_as(who)

    upcoming = client.get(LIST)
    past = client.get(f"{LIST}?when=held")

    assert upcoming.status_code == past.status_code == 200
    upcoming_rows = page_tree(upcoming).xpath('//table[@data-testid="trainings"]/tbody/tr')
    past_rows = page_tree(past).xpath('//table[@data-testid="trainings"]/tbody/tr')
    # Each row is headed by its topic.
    assert [text_of(r.find("th[@scope='row']/a")) for r in upcoming_rows] == [training.topic]
    assert [text_of(r.find("th[@scope='row']/a")) for r in past_rows] == [held.topic]
    assert "10 of 10" in text_of(upcoming_rows[0])


def _tab(response, when) -> str:
    return text_of(page_tree(response).xpath(f'//nav[@class="tabs"]//a[@href="?when={when}"]')[0])


def test_a_cancelled_training_is_not_counted_as_held(client_as, editor, botosani):
    held = _started(make_training(botosani, editor, topic="Records management basics"))
    dropped = make_training(botosani, editor, topic="Cloud storage")
    services.training_cancel(actor=editor, training=dropped)
    _started(dropped)
    client = client_as("local-group")

    past = client.get(f"{LIST}?when=held")
    # As on the dashboard: one training held; the cancelled one is listed apart.
    assert _tab(past, "held") == "Held (1)"
    assert _tab(past, "cancelled") == "Cancelled (1)"
    rows = page_tree(past).xpath('//table[@data-testid="trainings"]/tbody/tr')
    assert [text_of(r.find("th/a")) for r in rows] == [held.topic]
    cancelled = client.get(f"{LIST}?when=cancelled")
    rows = page_tree(cancelled).xpath('//table[@data-testid="trainings"]/tbody/tr')
    assert [text_of(r.find("th/a")) for r in rows] == [dropped.topic]
    assert "Cancelled" in text_of(rows[0])
    dashboard = page_tree(client.get("/organisations/botosani/capacity/"))
    assert text_of(dashboard.xpath('//*[@data-testid="trainings-held"]')[0]) == "1"


@pytest.mark.parametrize("who", ["citizen", "messina-editor"])
def test_outsiders_do_not_see_the_trainings(client_as, training, who):
    client = client_as(who)
    assert client.get(LIST).status_code == 403
    assert client.get(training.get_absolute_url()).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, training):
    for url in (LIST, training.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("when", ["upcoming", "held"])
def test_the_list_takes_as_many_queries_for_12_trainings_as_for_2(
    client_as, botosani, editor, when
):
    client = client_as("local-group")

    def add(count):
        for index in range(count):
            training = make_training(botosani, editor, topic=f"Training {index}")
            services.enrol_person(
                actor=editor, training=training, full_name=f"Person {index}", email=""
            )
            if when == "held":
                _started(training)

    add(2)
    url = f"{LIST}?when={when}"
    few = _list_queries(client, url)
    add(10)
    many = _list_queries(client, url)
    assert few == many
    rows = page_tree(client.get(url)).xpath('//table[@data-testid="trainings"]/tbody/tr')
    assert len(rows) == 12


# --- detail and form -----------------------------------------------------------------------


def test_the_page_shows_the_training_in_the_citys_time(client_as, botosani, editor, media):
    # 07:00 UTC on a summer day is 10:00 in Bucharest (UTC+3).
    starts = dt.datetime(2031, 6, 10, 7, 0, tzinfo=dt.UTC)
    training = make_training(
        botosani,
        editor,
        starts_at=starts,
        is_online=True,
        online_url="https://meet.example.org/skills",
    )
    services.material_add(
        actor=editor,
        training=training,
        title="Slides",
        upload=SimpleUploadedFile("slides.pdf", PDF, content_type="application/pdf"),
    )
    response = client_as("local-group").get(training.get_absolute_url())

    tree = page_tree(response)
    facts = text_of(tree.xpath('//dl[@data-testid="training-facts"]')[0])
    assert "10 June 2031, 10:00 – 13:00" in facts
    assert "Europe/Bucharest" in facts
    assert "3 h" in facts
    assert "City hall, room 2" in facts
    assert "https://meet.example.org/skills" in facts
    assert "Ioana Trainer" in facts
    assert "10 of 10" in facts
    competences = text_of(tree.get_element_by_id("competences-heading").getparent())
    assert "1.1" in competences and "6.1" in competences
    assert [text_of(a) for a in tree.xpath('//ul[@data-testid="materials"]//a')] == ["Slides"]


def test_each_city_sees_its_own_local_time(client_as, messina, demo_user):
    # The same instant is 09:00 in Messina (UTC+2 in summer), whoever reads the page.
    starts = dt.datetime(2031, 6, 10, 7, 0, tzinfo=dt.UTC)
    training = make_training(messina, demo_user("messina-editor"), starts_at=starts)
    response = client_as("messina-editor").get(training.get_absolute_url())
    facts = text_of(page_tree(response).xpath('//dl[@data-testid="training-facts"]')[0])
    assert "10 June 2031, 09:00 – 12:00" in facts
    assert "Europe/Rome" in facts


def _form_data(**changes):
    framework = current_framework()
    data = {
        "topic": "Data protection at the front desk",
        "description": "GDPR in daily work.",
        "competences": [
            str(pk)
            for pk in framework.competences.filter(code__in=["7.1", "7.2"]).values_list(
                "pk", flat=True
            )
        ],
        "trainer": "Mihai Popescu",
        "start_date": "2031-03-04",
        "start_time": "09:30",
        "duration_hours": "2.5",
        "place": "Town hall, council room",
        "online_url": "",
        "capacity": "25",
    }
    data.update(changes)
    return data


def test_the_editor_plans_a_training_in_local_time(client_as, botosani):
    client = client_as("botosani-editor")
    assert client.get(f"{LIST}new/").status_code == 200

    response = client.post(f"{LIST}new/", _form_data())

    training = Training.objects.get(topic="Data protection at the front desk")
    assert response.status_code == 302
    assert response["Location"] == training.get_absolute_url()
    assert training.organisation == botosani
    assert training.starts_at == dt.datetime(2031, 3, 4, 9, 30, tzinfo=ZoneInfo("Europe/Bucharest"))
    assert sorted(c.code for c in training.competences.all()) == ["7.1", "7.2"]
    assert str(training.duration_hours) == "2.5"


def test_a_training_form_with_errors_keeps_what_was_typed(client_as):
    client = client_as("botosani-editor")
    response = client.post(f"{LIST}new/", _form_data(competences=[], place=""))

    assert response.status_code == 200
    tree = page_tree(response)
    assert "Choose at least one competence" in text_of(tree.get_element_by_id("competences"))
    assert tree.xpath('//input[@name="topic"]')[0].get("value") == (
        "Data protection at the front desk"
    )
    assert not Training.objects.filter(topic="Data protection at the front desk").exists()

    response = client.post(f"{LIST}new/", _form_data(place=""))
    assert response.status_code == 200
    assert "Give the place, or mark the training as online." in response.content.decode()
    ticked = page_tree(response).xpath('//input[@name="competences"][@checked]')
    assert len(ticked) == 2
    assert not Training.objects.filter(topic="Data protection at the front desk").exists()


@pytest.mark.parametrize("who", ["messina-editor", "local-group", "coordinator", "citizen"])
def test_only_the_citys_editors_plan_and_change_trainings(client_as, training, who):
    client = client_as(who)
    edit = f"{training.get_absolute_url()}edit/"
    assert client.get(f"{LIST}new/").status_code == 403
    assert client.post(f"{LIST}new/", _form_data()).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, _form_data(topic="Taken over")).status_code == 403
    assert client.post(f"{training.get_absolute_url()}cancel/").status_code == 403
    training.refresh_from_db()
    assert training.topic != "Taken over" and not training.is_cancelled
    assert not Training.objects.filter(topic="Data protection at the front desk").exists()


def test_the_editor_changes_and_cancels_a_training(client_as, training):
    client = client_as("botosani-editor")
    edit = f"{training.get_absolute_url()}edit/"
    form = page_tree(client.get(edit))
    assert form.xpath('//input[@name="start_time"]')[0].get("value") == timezone.localtime(
        training.starts_at, ZoneInfo("Europe/Bucharest")
    ).strftime("%H:%M")

    response = client.post(edit, _form_data(topic="Renamed training"))
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.topic == "Renamed training"

    assert client.get(f"{training.get_absolute_url()}cancel/").status_code == 200
    client.post(f"{training.get_absolute_url()}cancel/")
    training.refresh_from_db()
    assert training.is_cancelled
    page = client.get(training.get_absolute_url())
    assert page_tree(page).xpath('//*[@data-testid="cancelled"]')


# --- enrolment -----------------------------------------------------------------------------


def test_a_member_enrols_and_cancels_the_enrolment(client_as, training, botosani, editor):
    ensure_city_setup(botosani, editor)
    taxes = Department.objects.get(organisation=botosani, name="Taxes")
    client = client_as("local-group")
    page = page_tree(client.get(training.get_absolute_url()))
    assert page.xpath('//button[normalize-space()="Enrol me"]')

    response = client.post(f"{training.get_absolute_url()}enrol/", {"department": taxes.pk})

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(training=training)
    assert enrolment.user.email == "local-group@demo.di4c.eu"
    assert enrolment.department == taxes
    page = page_tree(client.get(training.get_absolute_url()))
    assert page.xpath('//*[@data-testid="my-enrolment"]')
    assert "9 of 10" in text_of(page.xpath('//*[@data-testid="places-left"]')[0])

    client.post(f"{training.get_absolute_url()}unenrol/")
    assert not Enrolment.objects.filter(training=training).exists()


@pytest.mark.parametrize("who", ["citizen", "messina-editor", "coordinator"])
def test_people_outside_the_city_cannot_enrol(client_as, training, who):
    response = client_as(who).post(f"{training.get_absolute_url()}enrol/")
    assert response.status_code == 403
    assert not Enrolment.objects.filter(training=training).exists()


def test_a_full_training_refuses_another_enrolment(client_as, botosani, editor):
    training = make_training(botosani, editor, capacity=1)
    services.enrol_person(actor=editor, training=training, full_name="Ana Pop", email="")
    client = client_as("local-group")

    response = client.post(f"{training.get_absolute_url()}enrol/", follow=True)

    assert "This training is full." in text_of(page_tree(response).find_class("messages")[0])
    assert Enrolment.objects.filter(training=training).count() == 1
    assert "This training is full." in text_of(page_tree(response).get_element_by_id("enrolment"))


def test_the_editor_enrols_a_person_by_name_and_takes_them_off(client_as, training):
    client = client_as("botosani-editor")
    url = f"{training.get_absolute_url()}enrolments/new/"

    refused = client.post(url, {"full_name": "", "email": "not-an-address"})
    assert refused.status_code == 200
    assert not Enrolment.objects.exists()

    client.post(url, {"full_name": "Ana  Pop", "email": "Ana.Pop@example.org"})
    enrolment = Enrolment.objects.get(training=training)
    assert (enrolment.full_name, enrolment.email) == ("Ana Pop", "ana.pop@example.org")
    rows = page_tree(client.get(training.get_absolute_url())).xpath(
        '//table[@data-testid="enrolments"]/tbody/tr'
    )
    assert "Ana Pop" in text_of(rows[0])

    assert (
        client_as("local-group")
        .post(f"{training.get_absolute_url()}enrolments/{enrolment.pk}/remove/")
        .status_code
        == 403
    )
    client_as("botosani-editor").post(
        f"{training.get_absolute_url()}enrolments/{enrolment.pk}/remove/"
    )
    assert not Enrolment.objects.exists()


def test_the_member_list_of_a_training_is_for_its_organisers(client_as, training, editor):
    services.enrol_person(actor=editor, training=training, full_name="Ana Pop", email="a@x.org")
    page = client_as("local-group").get(training.get_absolute_url()).content.decode()
    assert "Ana Pop" not in page and "a@x.org" not in page


# --- attendance ----------------------------------------------------------------------------


def test_attendance_before_the_start_is_refused(client_as, training, editor):
    enrolment = services.enrol_person(actor=editor, training=training, full_name="Ana Pop")
    client = client_as("botosani-editor")
    url = f"{training.get_absolute_url()}attendance/"

    response = client.post(url, {"attended": [enrolment.pk]})

    assert response.status_code == 200
    assert "Attendance is recorded once the training has started." in text_of(
        page_tree(response).find_class("form-errors")[0]
    )
    enrolment.refresh_from_db()
    assert enrolment.attended is None


def test_attendance_after_the_start_is_recorded(client_as, training, editor):
    present = services.enrol_person(actor=editor, training=training, full_name="Ana Pop")
    absent = services.enrol_person(actor=editor, training=training, full_name="Ion Ionescu")
    _started(training)
    client = client_as("botosani-editor")
    url = f"{training.get_absolute_url()}attendance/"
    assert len(page_tree(client.get(url)).xpath('//input[@name="attended"]')) == 2

    assert client_as("local-group").post(url, {"attended": [present.pk]}).status_code == 403
    response = client_as("botosani-editor").post(url, {"attended": [present.pk]})

    assert response.status_code == 302
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attended, absent.attended) == (True, False)


# --- materials -----------------------------------------------------------------------------


def test_a_file_that_is_not_a_document_is_refused(client_as, training, media):
    client = client_as("botosani-editor")
    upload = SimpleUploadedFile(
        "slides.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff", content_type="application/pdf"
    )

    response = client.post(
        f"{training.get_absolute_url()}materials/new/", {"title": "Slides", "file": upload}
    )

    assert response.status_code == 200
    tree = page_tree(response)
    assert "not a document type di4c accepts" in text_of(tree.get_element_by_id("id_file_error"))
    assert tree.xpath('//input[@name="title"]')[0].get("value") == "Slides"
    assert not TrainingMaterial.objects.exists()


def test_materials_are_for_the_citys_staff_and_organisers(client_as, training, media):
    editor_client = client_as("botosani-editor")
    editor_client.post(
        f"{training.get_absolute_url()}materials/new/",
        {"title": "Slides", "file": SimpleUploadedFile("slides.pdf", PDF)},
    )
    material = TrainingMaterial.objects.get(training=training)
    url = f"{training.get_absolute_url()}materials/{material.pk}/"

    download = client_as("local-group").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="slides.pdf"' in download["Content-Disposition"]
    for outsider in ("coordinator", "citizen", "messina-editor"):
        assert client_as(outsider).get(url).status_code == 403, outsider
        assert client_as(outsider).post(f"{url}delete/").status_code == 403, outsider
    assert client_as("local-group").post(f"{url}delete/").status_code == 403

    client_as("botosani-editor").post(f"{url}delete/")
    assert not TrainingMaterial.objects.exists()
