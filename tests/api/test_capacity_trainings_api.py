"""The capacity API, trainings: the city's editors plan, change and cancel trainings, enrol
people by name and record attendance; the city's staff enrol themselves and cancel their own
enrolment; everyone else is refused; the list takes the same number of queries whatever the
number of trainings and enrolments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Enrolment, Training
from tests.api.capacity_api_helpers import CAPACITY, JSON, city_setup, field_errors

pytestmark = pytest.mark.django_db

CITY = f"{CAPACITY}/organisations/botosani"
OUTSIDERS = ["citizen", "messina-editor"]


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def setup(botosani, editor):
    return city_setup(botosani, editor)


@pytest.fixture
def make_training(botosani, editor):
    def make(topic="Semnătura electronică", capacity=10, days=7, codes=("1.1", "6.1")):
        competences = current_framework().competences.filter(code__in=codes)
        return services.training_save(
            actor=editor,
            organisation=botosani,
            data={
                "topic": topic,
                "starts_at": timezone.now() + dt.timedelta(days=days),
                "duration_hours": Decimal("3.5"),
                "place": "Sala de consiliu",
                "capacity": capacity,
            },
            competences=competences,
        )

    return make


def _started(training: Training) -> None:
    """The training began an hour ago (enrolment is closed, attendance can be recorded)."""
    Training.objects.filter(pk=training.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    training.refresh_from_db()


# --- trainings ----------------------------------------------------------------------------------


def test_the_citys_staff_read_the_trainings(client, make_training, token_for):
    training = make_training()
    url = f"{CITY}/trainings"
    assert client.get(url).status_code == 401
    for who in OUTSIDERS:
        assert client.get(url, **token_for(who)).status_code == 403
        assert (
            client.get(f"{CAPACITY}/trainings/{training.pk}", **token_for(who)).status_code == 403
        )
    body = client.get(url, **token_for("local-group")).json()
    [row] = [item for item in body["items"] if item["id"] == training.pk]
    assert row["topic"] == "Semnătura electronică" and row["duration_hours"] == 3.5
    assert [c["code"] for c in row["competences"]] == ["1.1", "6.1"]
    assert row["enrolled"] == 0 and row["places_left"] == 10 and row["my_enrolment"] is None
    assert row["organisation"] == "botosani" and row["has_taken_place"] is False
    upcoming = client.get(url, {"when": "upcoming"}, **token_for("local-group")).json()
    assert training.pk in [item["id"] for item in upcoming["items"]]
    past = client.get(url, {"when": "past"}, **token_for("local-group")).json()
    assert training.pk not in [item["id"] for item in past["items"]]
    assert client.get(url, {"when": "soon"}, **token_for("local-group")).status_code == 422


def test_trainings_are_planned_by_the_citys_editors_only(client, botosani, token_for):
    body = {
        "topic": "Date deschise",
        "competences": ["1.3", "8.2"],
        "starts_at": "2030-03-04T10:00:00",
        "duration_hours": "2",
        "place": "Primăria, sala 2",
        "capacity": 15,
    }
    url = f"{CITY}/trainings"
    assert client.post(url, body, content_type=JSON).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        assert client.post(url, body, content_type=JSON, **token_for(who)).status_code == 403, who
    assert not Training.objects.filter(topic="Date deschise").exists()
    response = client.post(url, body, content_type=JSON, **token_for("botosani-editor"))
    assert response.status_code == 201, response.content
    created = response.json()
    assert [c["code"] for c in created["competences"]] == ["1.3", "8.2"]
    # A time without an offset is read in the city's zone (Bucharest: UTC+2 in March).
    assert created["starts_at"].startswith("2030-03-04T08:00:00")
    assert created["capacity"] == 15 and created["is_cancelled"] is False


def test_training_input_errors_name_the_field(client, botosani, token_for):
    editor = token_for("botosani-editor")
    body = {
        "topic": "X",
        "competences": ["1.1", "9.9"],
        "starts_at": "2030-03-04T10:00:00",
        "duration_hours": "2",
        "place": "Sala",
        "capacity": 5,
    }
    url = f"{CITY}/trainings"
    unknown = client.post(url, body, content_type=JSON, **editor)
    assert field_errors(unknown) == {("competences",): "Not a competence of the framework: 9.9."}
    none = client.post(url, {**body, "competences": []}, content_type=JSON, **editor)
    assert ("competences",) in field_errors(none)
    nowhere = client.post(url, {**body, "competences": ["1.1"], "place": ""}, **_json(editor))
    assert ("place",) in field_errors(nowhere)
    zero = client.post(url, {**body, "competences": ["1.1"], "capacity": 0}, **_json(editor))
    assert zero.status_code == 422
    assert not Training.objects.filter(topic="X").exists()


def _json(headers: dict) -> dict:
    return {"content_type": JSON, **headers}


def test_changing_and_cancelling_a_training(client, make_training, token_for, editor):
    training = make_training(capacity=3)
    one = f"{CAPACITY}/trainings/{training.pk}"
    assert client.patch(one, {"trainer": "Ana"}, content_type=JSON).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        headers = token_for(who)
        assert client.patch(one, {"trainer": "Ana"}, **_json(headers)).status_code == 403, who
        assert client.post(f"{one}/cancel", **headers).status_code == 403, who
    boss = token_for("botosani-editor")
    changed = client.patch(one, {"trainer": "Ana Pop", "competences": ["2.1"]}, **_json(boss))
    assert changed.status_code == 200
    assert changed.json()["trainer"] == "Ana Pop"
    assert [c["code"] for c in changed.json()["competences"]] == ["2.1"]
    for number in range(2):
        services.enrol_person(actor=editor, training=training, full_name=f"Persoana {number}")
    fewer = client.patch(one, {"capacity": 1}, **_json(boss))
    assert "2 people are enrolled" in field_errors(fewer)[("capacity",)]
    cancelled = client.post(f"{one}/cancel", **boss)
    assert cancelled.status_code == 200 and cancelled.json()["is_cancelled"] is True
    late = client.post(f"{one}/enrol", {}, content_type=JSON, **token_for("local-group"))
    assert field_errors(late) == {(): "This training is cancelled."}


# --- enrolment ----------------------------------------------------------------------------------


def test_staff_enrol_themselves(client, make_training, setup, token_for, messina):
    training = make_training(capacity=2)
    url = f"{CAPACITY}/trainings/{training.pk}/enrol"
    assert client.post(url, {}, content_type=JSON).status_code == 401
    for who in OUTSIDERS:
        assert client.post(url, {}, content_type=JSON, **token_for(who)).status_code == 403
    member = token_for("local-group")
    foreign = messina.departments.create(name="Ufficio")
    wrong = client.post(url, {"department_id": foreign.pk}, content_type=JSON, **member)
    assert ("department_id",) in field_errors(wrong)
    taxes = setup["departments"]["API Taxes"]
    response = client.post(url, {"department_id": taxes.pk}, content_type=JSON, **member)
    assert response.status_code == 201, response.content
    mine = response.json()
    assert mine["department"] == "API Taxes" and mine["attended"] is None
    twice = client.post(url, {}, content_type=JSON, **member)
    assert "already enrolled" in field_errors(twice)[()]
    listed = client.get(f"{CAPACITY}/trainings/{training.pk}", **member).json()
    assert listed["my_enrolment"] == mine["id"] and listed["enrolled"] == 1
    coordinator = token_for("botosani-coordinator")
    assert client.post(url, {}, content_type=JSON, **coordinator).status_code == 201
    full = client.post(url, {}, content_type=JSON, **token_for("botosani-editor"))
    assert field_errors(full) == {(): "This training is full."}


def test_the_city_enrols_people_by_name(client, make_training, token_for):
    training = make_training()
    url = f"{CAPACITY}/trainings/{training.pk}/enrolments"
    body = {"full_name": "  Maria   Ionescu ", "email": "Maria@Example.org"}
    assert client.post(url, body, content_type=JSON).status_code == 401
    assert client.get(url).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        assert client.post(url, body, content_type=JSON, **token_for(who)).status_code == 403, who
        assert client.get(url, **token_for(who)).status_code == 403, who
    boss = token_for("botosani-editor")
    response = client.post(url, body, content_type=JSON, **boss)
    assert response.status_code == 201, response.content
    assert response.json()["full_name"] == "Maria Ionescu"
    assert response.json()["email"] == "maria@example.org"
    again = client.post(url, body, content_type=JSON, **boss)
    assert again.status_code == 422
    nameless = client.post(url, {"full_name": "   "}, content_type=JSON, **boss)
    assert ("full_name",) in field_errors(nameless)
    names = [row["full_name"] for row in client.get(url, **boss).json()["items"]]
    assert names == ["Maria Ionescu"]


def test_cancelling_an_enrolment(client, make_training, token_for, demo_user, editor):
    training = make_training()
    own = services.enrol_self(actor=demo_user("local-group"), training=training)
    other = services.enrol_person(actor=editor, training=training, full_name="Ion Popa")
    assert client.delete(f"{CAPACITY}/enrolments/{own.pk}").status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        response = client.delete(f"{CAPACITY}/enrolments/{other.pk}", **token_for(who))
        assert response.status_code == 403, who
    for who in OUTSIDERS:
        response = client.delete(f"{CAPACITY}/enrolments/{own.pk}", **token_for(who))
        assert response.status_code == 403, who
    assert (
        client.delete(f"{CAPACITY}/enrolments/{own.pk}", **token_for("local-group")).status_code
        == 204
    )
    boss = token_for("botosani-editor")
    assert client.delete(f"{CAPACITY}/enrolments/{other.pk}", **boss).status_code == 204
    assert not Enrolment.objects.filter(training=training).exists()
    assert client.delete(f"{CAPACITY}/enrolments/{other.pk}", **boss).status_code == 404


def test_attendance_is_recorded_by_the_editors_once_it_started(
    client, make_training, editor, token_for
):
    training = make_training()
    people = [
        services.enrol_person(actor=editor, training=training, full_name=f"Persoana {n}")
        for n in range(3)
    ]
    url = f"{CAPACITY}/trainings/{training.pk}/attendance"
    present = {"attended": [people[0].pk, people[2].pk]}
    boss = token_for("botosani-editor")
    early = client.put(url, present, content_type=JSON, **boss)
    assert field_errors(early) == {(): "Attendance is recorded once the training has started."}
    _started(training)
    assert client.put(url, present, content_type=JSON).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        assert client.put(url, present, content_type=JSON, **token_for(who)).status_code == 403
    assert not Enrolment.objects.filter(training=training, attended__isnull=False).exists()
    response = client.put(url, present, content_type=JSON, **boss)
    assert response.status_code == 200 and response.json() == {"attended": 2, "absent": 1}
    marks = dict(Enrolment.objects.filter(training=training).values_list("pk", "attended"))
    assert marks == {people[0].pk: True, people[1].pk: False, people[2].pk: True}
    stranger = client.put(url, {"attended": [999999]}, content_type=JSON, **boss)
    assert ("attended",) in field_errors(stranger)
    detail = client.get(f"{CAPACITY}/trainings/{training.pk}", **boss).json()
    assert detail["attended"] == 2 and detail["has_taken_place"] is True


# --- query counts -------------------------------------------------------------------------------


def test_the_list_takes_a_constant_number_of_queries(
    client, make_training, setup, token_for, demo_user, editor
):
    url = f"{CITY}/trainings"
    readers = {"editor": token_for("botosani-editor"), "member": token_for("local-group")}
    member = demo_user("local-group")

    def add(number: int) -> None:
        training = make_training(
            topic=f"Curs {number}", codes=("1.1", "2.1", "3.1")[: number % 3 + 1]
        )
        services.enrol_self(actor=member, training=training)
        for person in range(number % 4):
            services.enrol_person(actor=editor, training=training, full_name=f"P {number}-{person}")

    def counts() -> dict:
        result = {}
        for name, headers in readers.items():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, **headers).status_code == 200
            result[name] = len(captured)
        return result

    add(0)
    counts()  # the tokens' first use is recorded once
    small = counts()
    for number in range(1, 10):
        add(number)
    body = client.get(url, **readers["member"]).json()
    assert body["count"] >= 10
    assert all(row["my_enrolment"] is not None for row in body["items"])
    assert counts() == small
