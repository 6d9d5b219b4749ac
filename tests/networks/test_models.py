"""The networks' rules hold in the database itself, and full_clean names the field at fault."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from di4c.networks.models import Network, Partnership, Phase
from tests.factories import NetworkFactory, OrganisationFactory, PartnershipFactory, PhaseFactory

pytestmark = pytest.mark.django_db


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_database_rejects_negative_budget():
    network = NetworkFactory()
    _violates(lambda: Network.objects.filter(pk=network.pk).update(budget_eur=Decimal("-1")))


def test_database_rejects_phase_ending_before_it_starts():
    network = NetworkFactory()
    _violates(
        lambda: Phase.objects.create(
            network=network, number=1, starts_on=dt.date(2020, 5, 7), ends_on=dt.date(2020, 5, 6)
        )
    )


def test_database_rejects_second_lead_partner():
    network = NetworkFactory()
    PartnershipFactory(network=network, role="lead")
    _violates(lambda: PartnershipFactory(network=network, role="lead"))


def test_database_rejects_leaving_before_joining():
    _violates(
        lambda: PartnershipFactory(joined_on=dt.date(2019, 9, 2), left_on=dt.date(2019, 9, 1))
    )


def test_database_rejects_same_organisation_twice_in_a_network():
    partnership = PartnershipFactory()
    _violates(
        lambda: PartnershipFactory(
            network=partnership.network, organisation=partnership.organisation
        )
    )


def test_full_clean_names_the_fields_at_fault():
    network = NetworkFactory()
    PartnershipFactory(network=network, role="lead")
    second_lead = Partnership(
        network=network,
        organisation=OrganisationFactory(),
        role="lead",
        joined_on=dt.date(2019, 9, 2),
        left_on=dt.date(2019, 9, 1),
    )
    with pytest.raises(ValidationError) as error:
        second_lead.full_clean()
    assert error.value.message_dict == {
        "role": ["This network already has a lead partner."],
        "left_on": ["A partner cannot leave before it joins."],
    }


def test_unknown_country_code_is_rejected_by_validation():
    organisation = OrganisationFactory.build(country="XX")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "country" in error.value.message_dict


def test_phase_end_before_start_is_a_field_error():
    phase = PhaseFactory.build(starts_on=dt.date(2020, 5, 7), ends_on=dt.date(2020, 5, 1))
    with pytest.raises(ValidationError) as error:
        phase.full_clean(exclude=["network"])
    assert error.value.message_dict["ends_on"] == ["A phase cannot end before it starts."]


def test_slug_must_be_lower_case_ascii():
    organisation = OrganisationFactory.build(slug="Botoșani")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "slug" in error.value.message_dict
