"""Who may give roles in a city: its own coordinators, and a network coordinator only for the
first city coordinator of a current partner."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from di4c.accounts.models import Invitation, Membership
from di4c.accounts.services import invitation_accept, invitation_create
from di4c.networks.models import Partnership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(actor, organisation, role="city_coordinator", email="new@example.org"):
    return invitation_create(
        actor=actor, email=email, role=role, organisation=organisation, site_url="http://x"
    )


def test_network_coordinator_invites_first_coordinator_of_a_current_partner(messina, demo_user):
    invitation, _raw = _invite(demo_user("coordinator"), messina)
    assert invitation.role == "city_coordinator"


def test_network_coordinator_cannot_give_roles_in_a_city_that_has_a_coordinator(
    botosani, demo_user
):
    with pytest.raises(PermissionDenied):
        _invite(demo_user("coordinator"), botosani)
    with pytest.raises(PermissionDenied):
        _invite(demo_user("coordinator"), botosani, role="city_editor")


def test_network_coordinator_cannot_give_roles_to_former_or_outside_organisations(demo, demo_user):
    limerick = demo.partnerships.get(organisation__slug="limerick").organisation
    with pytest.raises(PermissionDenied):
        _invite(demo_user("coordinator"), limerick)
    with pytest.raises(PermissionDenied):
        _invite(demo_user("coordinator"), OrganisationFactory())


def test_acceptance_rechecks_the_inviters_right(messina, demo, demo_user):
    invitation, _raw = _invite(demo_user("coordinator"), messina)
    Partnership.objects.filter(network=demo, organisation=messina).update(
        left_on=dt.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, full_name="X", password="a-long-password-1")
    assert not Membership.objects.filter(organisation=messina, role="city_coordinator").exists()


def test_network_coordinator_page_offers_only_the_city_coordinator_role(client_as, messina):
    client = client_as("coordinator")
    page = client.get("/accounts/invite/organisation/messina/").content.decode()
    assert 'value="city_coordinator"' in page
    assert 'value="city_editor"' not in page
    response = client.post(
        "/accounts/invite/organisation/messina/", {"email": "x@example.org", "role": "city_editor"}
    )
    assert response.status_code == 200
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_reinviting_replaces_the_open_invitation(botosani, demo_user):
    coordinator = demo_user("botosani-coordinator")
    _invite(coordinator, botosani, role="city_editor")
    _invite(coordinator, botosani, role="city_editor")
    assert Invitation.objects.filter(email="new@example.org").count() == 1
    assert len(mail.outbox) == 2


def test_expired_invitations_are_not_listed_as_open(client_as, botosani, demo_user):
    invitation, _raw = _invite(demo_user("botosani-coordinator"), botosani, role="city_editor")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    page = client_as("botosani-coordinator").get("/organisations/botosani/members/")
    assert "new@example.org" not in page.content.decode()


def test_remove_role_never_redirects_off_site(client_as, demo_user, botosani):
    membership = Membership.objects.get(user=demo_user("botosani-editor"))
    response = client_as("botosani-coordinator").post(
        f"/accounts/memberships/{membership.pk}/remove/", {"next": "https://evil.example/x"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/organisations/botosani/"


def test_invitation_email_subject_is_one_line_whatever_the_name(demo, demo_user):
    demo.name = "Evil"
    demo.name_i18n = {"ro": "Evil\r\nBcc: x@example.org"}
    demo.save()
    from django.utils import translation

    with translation.override("ro"):
        invitation_create(
            actor=demo_user("coordinator"),
            email="e@example.org",
            role="expert",
            network=demo,
            site_url="http://x",
        )
    assert "\n" not in mail.outbox[0].subject
    assert re.search(r"Evil Bcc", mail.outbox[0].subject)


def test_a_new_user_without_role_cannot_reach_member_pages(client, botosani):
    client.force_login(UserFactory())
    assert client.get("/organisations/botosani/members/").status_code == 403
    assert client.get("/networks/di4c/members/").status_code == 403
