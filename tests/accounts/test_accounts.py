"""Sign-in by e-mail, throttling, password reset, invitations into a role, API tokens."""

import re

import pytest
from django.core import mail

from di4c.accounts.models import ApiToken, Invitation, Membership, User, hash_token
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password(client, demo):
    response = client.post(
        "/accounts/login/",
        {"username": "coordinator@demo.di4c.eu", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_wrong_password_redisplays_the_email(client, demo):
    response = client.post(
        "/accounts/login/",
        {"username": "coordinator@demo.di4c.eu", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in page
    assert 'value="coordinator@demo.di4c.eu"' in page


def test_repeated_failures_lock_the_account_out(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "citizen@demo.di4c.eu", "password": "x"})
    response = client.post(
        "/accounts/login/",
        {"username": "citizen@demo.di4c.eu", "password": DEMO_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_password_reset_by_email(client, demo):
    response = client.post("/accounts/password-reset/", {"email": "citizen@demo.di4c.eu"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    form_url = client.get(link.group(1))["Location"]
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-password-9", "new_password2": "a-new-long-password-9"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="citizen@demo.di4c.eu").check_password("a-new-long-password-9")


def test_coordinator_invites_an_expert_who_creates_an_account(client_as, client, demo):
    coordinator_client = client_as("coordinator")
    response = coordinator_client.post(
        "/accounts/invite/network/di4c/", {"email": "New.Expert@Example.org", "role": "expert"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.expert@example.org"]
    path = re.search(r"http://testserver(/accounts/invitations/\S+/)", mail.outbox[0].body).group(1)
    coordinator_client.logout()
    bad = client.post(path, {"full_name": "Ada Expert", "password": "123"})
    assert bad.status_code == 200
    assert 'value="Ada Expert"' in bad.content.decode()
    response = client.post(path, {"full_name": "Ada Expert", "password": "a-long-password-42"})
    assert response.status_code == 302
    user = User.objects.get(email="new.expert@example.org")
    assert Membership.objects.filter(user=user, role="expert", network=demo).exists()
    # The link works once only.
    assert client.get(path).status_code == 404
    # Invitations store only a hash of the token.
    raw = path.rstrip("/").rsplit("/", 1)[1]
    assert Invitation.objects.filter(token_hash=hash_token(raw)).exists()
    assert not Invitation.objects.filter(token_hash=raw).exists()


def test_city_coordinator_invites_editors_of_own_city_only(client_as, demo):
    client = client_as("botosani-coordinator")
    ok = client.post(
        "/accounts/invite/organisation/botosani/",
        {"email": "editor2@example.org", "role": "city_editor"},
    )
    assert ok.status_code == 302
    assert (
        client.post(
            "/accounts/invite/organisation/messina/",
            {"email": "spy@example.org", "role": "city_editor"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/accounts/invite/network/di4c/", {"email": "spy@example.org", "role": "expert"}
        ).status_code
        == 403
    )
    assert not Invitation.objects.filter(email="spy@example.org").exists()


@pytest.mark.parametrize("who", ["botosani-editor", "lead-expert", "local-group", "citizen"])
def test_people_without_a_coordinating_role_cannot_invite(client_as, who):
    client = client_as(who)
    response = client.post(
        "/accounts/invite/organisation/botosani/",
        {"email": "x@example.org", "role": "city_editor"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_network_role_cannot_be_given_in_an_organisation(client_as):
    client = client_as("botosani-coordinator")
    response = client.post(
        "/accounts/invite/organisation/botosani/",
        {"email": "x@example.org", "role": "network_coordinator"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_invitation_for_someone_else_cannot_be_accepted(client_as, demo, demo_user):
    from di4c.accounts.services import invitation_accept, invitation_create

    invitation, _raw = invitation_create(
        actor=demo_user("coordinator"),
        email="someone@example.org",
        role="expert",
        network=demo,
        site_url="http://testserver",
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invitation_accept(invitation=invitation, user=demo_user("citizen"))


def test_api_token_is_shown_once_and_stored_hashed(client_as, demo_user):
    client = client_as("coordinator")
    response = client.post("/accounts/profile/", {"name": "reporting script"})
    raw = re.search(r'data-testid="new-token">([^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=demo_user("coordinator"))
    assert token.key_hash == hash_token(raw)
    assert raw not in token.key_hash
    assert raw not in client.get("/accounts/profile/").content.decode()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_nobody_revokes_someone_elses_token(client_as, demo_user):
    from di4c.accounts.services import api_token_create

    token, _raw = api_token_create(user=demo_user("coordinator"), name="mine")
    client = client_as("citizen")
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_membership_removal_is_checked(client_as, demo_user):
    editor_membership = Membership.objects.get(user=demo_user("botosani-editor"))
    assert (
        client_as("messina-editor")
        .post(f"/accounts/memberships/{editor_membership.pk}/remove/")
        .status_code
        == 403
    )
    assert (
        client_as("botosani-coordinator")
        .post(f"/accounts/memberships/{editor_membership.pk}/remove/")
        .status_code
        == 302
    )
    assert not Membership.objects.filter(pk=editor_membership.pk).exists()


def test_membership_scope_must_match_role(db, demo):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=User.objects.get(email="citizen@demo.di4c.eu"), role="city_editor", network=demo
        )
