"""Writes go through services that check the actor's role on the object."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from di4c.accounts.models import Role
from di4c.networks import services
from di4c.networks.models import Organisation
from tests.factories import OrganisationFactory, city_member

pytestmark = pytest.mark.django_db


def test_coordinator_updates_network_and_history_records_them(demo, demo_user):
    coordinator = demo_user("coordinator")
    services.network_update(actor=coordinator, network=demo, data={"budget_eur": Decimal("150000")})
    demo.refresh_from_db()
    assert demo.budget_eur == Decimal("150000")
    record = demo.history.order_by("-history_date").first()
    assert record.history_user == coordinator
    assert record.budget_eur == Decimal("150000")


@pytest.mark.parametrize(
    "who", ["botosani-editor", "botosani-coordinator", "lead-expert", "citizen", "local-group"]
)
def test_only_coordinators_and_admins_may_update_a_network(demo, demo_user, who):
    with pytest.raises(PermissionDenied):
        services.network_update(actor=demo_user(who), network=demo, data={"acronym": "X"})
    demo.refresh_from_db()
    assert demo.acronym == "DI4C"


def test_botosani_editor_cannot_edit_messina(messina, demo_user):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=demo_user("botosani-editor"), organisation=messina, data={"population": 1}
        )


def test_botosani_coordinator_edits_botosani_but_not_messina(botosani, messina, demo_user):
    coordinator = demo_user("botosani-coordinator")
    services.organisation_update(
        actor=coordinator, organisation=botosani, data={"population": 106000}
    )
    assert Organisation.objects.get(slug="botosani").population == 106000
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=coordinator, organisation=messina, data={"population": 1}
        )


def test_network_coordinator_edits_partner_organisations_only(demo, demo_user):
    outsider = OrganisationFactory()
    coordinator = demo_user("coordinator")
    services.organisation_update(
        actor=coordinator, organisation=Organisation.objects.get(slug="oulu"), data={"city": "Oulu"}
    )
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=coordinator, organisation=outsider, data={"city": "X"})


def test_overlapping_phases_are_rejected_and_nothing_is_saved(demo, demo_user):
    with pytest.raises(ValidationError) as error:
        services.network_update(
            actor=demo_user("coordinator"),
            network=demo,
            data={"budget_eur": Decimal("1")},
            phases=[
                {"number": 1, "starts_on": dt.date(2019, 9, 2), "ends_on": dt.date(2020, 6, 1)},
                {"number": 2, "starts_on": dt.date(2020, 5, 7), "ends_on": dt.date(2022, 8, 7)},
            ],
        )
    assert "overlaps" in error.value.message_dict["phases"][0]
    demo.refresh_from_db()
    assert demo.budget_eur == Decimal("146993")
    assert demo.phases.count() == 2


def test_phases_are_replaced_keeping_ids(demo, demo_user):
    first, second = demo.phases.order_by("number")
    services.network_update(
        actor=demo_user("coordinator"),
        network=demo,
        data={},
        phases=[
            {
                "id": first.pk,
                "number": 1,
                "name": "Activation",
                "starts_on": first.starts_on,
                "ends_on": first.ends_on,
            },
        ],
    )
    assert list(demo.phases.values_list("pk", "name")) == [(first.pk, "Activation")]


def test_negative_budget_is_a_field_error(demo, demo_user):
    with pytest.raises(ValidationError) as error:
        services.network_update(
            actor=demo_user("coordinator"), network=demo, data={"budget_eur": Decimal("-5")}
        )
    assert error.value.message_dict["budget_eur"] == ["The budget cannot be negative."]


def test_second_lead_partner_is_rejected(demo, demo_user):
    with pytest.raises(ValidationError) as error:
        services.partnership_create(
            actor=demo_user("coordinator"),
            network=demo,
            organisation=OrganisationFactory(),
            data={"role": "lead", "joined_on": dt.date(2020, 1, 1)},
        )
    assert error.value.message_dict["role"] == ["This network already has a lead partner."]


def test_city_coordinator_cannot_add_partners(demo, demo_user):
    with pytest.raises(PermissionDenied):
        services.partnership_create(
            actor=demo_user("botosani-coordinator"),
            network=demo,
            organisation=OrganisationFactory(),
            data={"joined_on": dt.date(2020, 1, 1)},
        )


def test_fields_outside_the_editable_set_are_refused(demo, demo_user):
    with pytest.raises(ValidationError) as error:
        services.network_update(actor=demo_user("coordinator"), network=demo, data={"slug": "x"})
    assert "slug" in error.value.message_dict


def test_editor_of_another_city_cannot_edit_through_membership_of_own(botosani, messina):
    editor = city_member(botosani, Role.CITY_COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=editor, organisation=messina, data={"city": "X"})
