import datetime as dt
from decimal import Decimal

import factory

from di4c.accounts.models import Membership, Role, User
from di4c.networks.models import Network, Organisation, Partnership, Phase, Programme

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    programme = factory.SubFactory(ProgrammeFactory)
    slug = factory.Sequence(lambda n: f"network-{n}")
    acronym = factory.Sequence(lambda n: f"NET{n}")
    name = factory.Sequence(lambda n: f"Network {n}")
    budget_eur = Decimal("100000")


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    network = factory.SubFactory(NetworkFactory)
    number = 1
    starts_on = dt.date(2019, 9, 2)
    ends_on = dt.date(2020, 3, 2)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"city-{n}")
    name = factory.Sequence(lambda n: f"City {n}")
    kind = "municipality"
    country = "RO"
    population = 100000


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "partner"
    joined_on = dt.date(2019, 6, 25)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.CITY_EDITOR


def network_coordinator(network) -> User:
    return MembershipFactory(role=Role.NETWORK_COORDINATOR, network=network).user


def city_member(organisation, role=Role.CITY_EDITOR) -> User:
    return MembershipFactory(role=role, organisation=organisation).user
