"""Trainings: planning, enrolment within the places, attendance, and who may do what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(city_setup, demo_user, framework):
    return services.training_save(
        actor=demo_user("botosani-editor"),
        organisation=city_setup,
        data={
            "topic": "Electronic registry",
            "starts_at": timezone.now() + dt.timedelta(days=7),
            "duration_hours": Decimal("2"),
            "place": "Primăria, sala 12",
            "capacity": 2,
        },
        competences=[framework.competences.get(code="7.2")],
    )


def test_a_training_needs_a_place_or_an_online_link_and_a_competence(
    city_setup, demo_user, framework
):
    editor = demo_user("botosani-editor")
    data = {
        "topic": "Open data",
        "starts_at": timezone.now(),
        "duration_hours": Decimal("1"),
        "capacity": 5,
    }
    with pytest.raises(ValidationError) as caught:
        services.training_save(
            actor=editor,
            organisation=city_setup,
            data=data,
            competences=[framework.competences.get(code="7.3")],
        )
    assert "place" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.training_save(
            actor=editor, organisation=city_setup, data=data | {"place": "Hall"}, competences=[]
        )
    assert "competences" in caught.value.message_dict
    online = services.training_save(
        actor=editor,
        organisation=city_setup,
        data=data | {"is_online": True, "online_url": "https://meet.example.org/x"},
        competences=[framework.competences.get(code="7.3")],
    )
    assert online.pk


def test_enrolment_stops_at_the_number_of_places(training, demo_user):
    services.enrol_self(actor=demo_user("local-group"), training=training)
    with pytest.raises(ValidationError, match="already enrolled"):
        services.enrol_self(actor=demo_user("local-group"), training=training)
    services.enrol_person(actor=demo_user("botosani-editor"), training=training, full_name="Ana")
    with pytest.raises(ValidationError, match="full"):
        services.enrol_person(
            actor=demo_user("botosani-editor"), training=training, full_name="Ion"
        )
    assert training.enrolments.count() == 2
    with pytest.raises(ValidationError, match="keep at least as many places"):
        services.training_save(
            actor=demo_user("botosani-editor"),
            organisation=training.organisation,
            training=training,
            data={"capacity": 1},
        )


def test_only_the_city_staff_enrol_and_only_the_city_records_attendance(training, demo_user):
    for prefix in ("citizen", "messina-editor"):
        with pytest.raises(PermissionDenied):
            services.enrol_self(actor=demo_user(prefix), training=training)
        with pytest.raises(PermissionDenied):
            services.enrol_person(actor=demo_user(prefix), training=training, full_name="X")
    with pytest.raises(PermissionDenied):
        services.training_save(
            actor=demo_user("local-group"),
            organisation=training.organisation,
            training=training,
            data={"topic": "Mine now"},
        )
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=demo_user("local-group"), training=training, attended=[])


def test_attendance_is_recorded_after_the_start_for_enrolled_people(training, demo_user):
    editor = demo_user("botosani-editor")
    ana = services.enrol_person(actor=editor, training=training, full_name="Ana")
    ion = services.enrol_person(actor=editor, training=training, full_name="Ion")
    with pytest.raises(ValidationError, match="once the training has started"):
        services.attendance_record(actor=editor, training=training, attended=[ana.pk])
    training.starts_at = timezone.now() - dt.timedelta(hours=3)
    training.save()
    with pytest.raises(ValidationError):
        services.attendance_record(actor=editor, training=training, attended=[ana.pk, 999999])
    services.attendance_record(actor=editor, training=training, attended=[ana.pk])
    assert dict(Enrolment.objects.values_list("full_name", "attended")) == {
        "Ana": True,
        "Ion": False,
    }
    with pytest.raises(ValidationError, match="started"):
        services.enrol_person(actor=editor, training=training, full_name="Late")
    with pytest.raises(ValidationError, match="taken place"):
        services.training_cancel(actor=editor, training=training)
    assert ion.pk


def test_people_leave_a_training_themselves_and_cancelled_trainings_take_nobody(
    training, demo_user
):
    member = demo_user("local-group")
    enrolment = services.enrol_self(actor=member, training=training)
    services.enrolment_cancel(actor=member, enrolment=enrolment)
    assert not training.enrolments.exists()
    other = services.enrol_person(
        actor=demo_user("botosani-editor"), training=training, full_name="Ana"
    )
    with pytest.raises(PermissionDenied):
        services.enrolment_cancel(actor=member, enrolment=other)
    services.training_cancel(actor=demo_user("botosani-editor"), training=training)
    with pytest.raises(ValidationError, match="cancelled"):
        services.enrol_self(actor=member, training=training)
