"""Citizens register themselves: an e-mail confirms the address, the link works once, the page
never tells whether an address has an account, bad input keeps what was typed, bots and floods
are refused. Then the account page: the way to take part, one's data as JSON, and deletion."""

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from di4c.accounts.models import User
from di4c.accounts.tokens import AccountConfirmationTokenGenerator
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-rare-passphrase-42"
LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm/[^/\s]+/[^/\s]+/)")


def form_data(**overrides) -> dict:
    return {
        "full_name": "Ana Popescu",
        "email": "ana.popescu@example.org",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "language": "ro",
        "accept_privacy": "on",
        "website": "",
        **overrides,
    }


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    """Post the registration form (mails sent on commit, as in production)."""

    def post(address="10.9.8.7", **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/accounts/register/", form_data(**overrides), REMOTE_ADDR=address)

    return post


def confirmation_path(message) -> str:
    return LINK.search(message.body).group(1)


def test_register_confirm_and_be_signed_in(client, register, settings):
    page = client.get("/accounts/register/")
    assert page.status_code == 200
    assert 'href="#privacy"' in page.content.decode()
    assert 'id="privacy"' in page.content.decode()

    response = register()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_sent")
    assert "ana.popescu@example.org" in client.get(response["Location"]).content.decode()
    user = User.objects.get(email="ana.popescu@example.org")
    assert (user.full_name, user.language, user.is_active) == ("Ana Popescu", "ro", False)
    assert user.check_password(PASSWORD)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana.popescu@example.org"]
    assert settings.SITE_URL.rstrip("/") + "/accounts/confirm/" in message.body
    path = confirmation_path(message)

    # Opening the link shows a button (mail scanners open links too); clicking it activates.
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my account" in page.content.decode()
    assert not User.objects.get(pk=user.pk).is_active
    # The password chosen at registration is asked: a wrong one activates nothing.
    refused = client.post(path, {"password": "not-my-password-1"})
    assert refused.status_code == 400
    assert "not the password chosen" in refused.content.decode()
    assert not User.objects.get(pk=user.pk).is_active
    response = client.post(path, {"password": PASSWORD}, follow=True)
    assert User.objects.get(pk=user.pk).is_active
    assert response.context["user"] == user
    assert response.redirect_chain[0][0] in {"/", reverse_or_none("engagement:participate")}
    assert "Your e-mail address is confirmed" in response.content.decode()
    assert client.get("/accounts/profile/").status_code == 200

    # The link works once.
    client.logout()
    again = client.get(path)
    assert again.status_code == 404
    assert "no longer valid" in again.content.decode()
    assert client.post(path, {"password": PASSWORD}).status_code == 404
    assert "_auth_user_id" not in client.session


def reverse_or_none(name):
    from django.urls import NoReverseMatch

    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def test_a_tampered_or_expired_link_is_refused(client, register, settings, monkeypatch):
    register()
    path = confirmation_path(mail.outbox[0])
    uid, token = path.strip("/").split("/")[-2:]
    assert client.get(f"/accounts/confirm/{uid}/{token[:-1]}x/").status_code == 404
    assert client.get(f"/accounts/confirm/AAAA/{token}/").status_code == 404
    later = dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(AccountConfirmationTokenGenerator, "_now", lambda self: later)
    response = client.post(path, {"password": PASSWORD})
    assert response.status_code == 404
    assert "Reset your password" in response.content.decode()
    assert not User.objects.get(email="ana.popescu@example.org").is_active


def test_no_sign_in_before_confirming(client, register):
    register()
    response = client.post(
        "/accounts/login/", {"username": "ana.popescu@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Confirm your e-mail address first" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A wrong password tells nothing about the account.
    response = client.post(
        "/accounts/login/", {"username": "ana.popescu@example.org", "password": "wrong-one"}
    )
    page = response.content.decode()
    assert "Please enter a correct e-mail address and password" in page
    assert "Confirm your e-mail" not in page


def test_an_address_with_an_account_gets_the_same_page_and_a_notice(client, register):
    User.objects.create_user("ana.popescu@example.org", "old-password-1", full_name="Ana P.")
    response = register(email="Ana.Popescu@Example.ORG", full_name="Someone Else", language="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_sent")
    assert User.objects.filter(email__iexact="ana.popescu@example.org").count() == 1
    user = User.objects.get(email="ana.popescu@example.org")
    assert user.full_name == "Ana P."
    assert user.check_password("old-password-1")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["ana.popescu@example.org"]
    assert "exists already" in body
    assert "/accounts/login/" in body and "/accounts/password-reset/" in body
    assert "/accounts/confirm/" not in body


def test_registering_again_before_confirming_sends_a_new_link(client, register):
    register()
    first = confirmation_path(mail.outbox[0])
    register(
        full_name="Ana Maria Popescu",
        password="another-rare-passphrase-7",
        password_confirm="another-rare-passphrase-7",
    )
    assert User.objects.filter(email="ana.popescu@example.org").count() == 1
    assert len(mail.outbox) == 2
    second = confirmation_path(mail.outbox[1])
    assert client.post(first, {"password": "another-rare-passphrase-7"}).status_code == 404
    assert client.post(second, {"password": "another-rare-passphrase-7"}).status_code == 302
    user = User.objects.get(email="ana.popescu@example.org")
    assert user.is_active and user.full_name == "Ana Maria Popescu"
    assert user.check_password("another-rare-passphrase-7")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password_confirm": "not-the-same-one-99"}, "password_confirm", "passwords differ"),
        ({"password": "12345678", "password_confirm": "12345678"}, "password", "too common"),
        ({"password": "short", "password_confirm": "short"}, "password", "too short"),
        ({"accept_privacy": ""}, "accept_privacy", "Accept the privacy notice"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"full_name": "   "}, "full_name", "required"),
        ({"language": "xx"}, "language", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_and_keeps_what_was_typed(register, overrides, field, message):
    response = register(**overrides)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert message in page
    if field != "full_name":
        assert 'value="Ana Popescu"' in page
    if field != "email":
        assert 'value="ana.popescu@example.org"' in page
    # Passwords are never sent back.
    assert PASSWORD not in page
    assert not User.objects.exists()
    assert not mail.outbox


def test_a_password_like_the_name_or_address_is_refused(register):
    response = register(password="ana.popescu", password_confirm="ana.popescu")
    assert "too similar" in " ".join(response.context["form"].errors["password"])
    assert not User.objects.exists()


def test_honeypot_filled_is_refused(register):
    response = register(website="http://spam.example")
    assert response.status_code == 200
    assert "could not be accepted" in response.content.decode()
    assert 'value="Ana Popescu"' in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


def test_registrations_are_limited_per_address(register, settings):
    settings.DI4C_RATE_LIMITS = {**settings.DI4C_RATE_LIMITS, "registration": (None, 2)}
    for n in range(2):
        assert register(email=f"person{n}@example.org").status_code == 302
    response = register(email="person2@example.org")
    assert response.status_code == 200
    assert "too often" in response.content.decode()
    assert 'value="person2@example.org"' in response.content.decode()
    assert User.objects.count() == 2
    # Another address is not blocked; the "already exists" path counts as well.
    assert register(address="10.0.0.2", email="person2@example.org").status_code == 302
    assert register(address="10.0.0.2", email="person0@example.org").status_code == 302
    assert register(address="10.0.0.2", email="person3@example.org").status_code == 200
    assert User.objects.count() == 3


def test_a_mail_server_down_does_not_fail_the_registration(register, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("di4c.accounts.mail.send_mail", broken)
    response = register()
    assert response.status_code == 302
    assert User.objects.filter(email="ana.popescu@example.org", is_active=False).exists()
    assert "not sent" in caplog.text


def test_mails_are_written_in_the_language_chosen(register, monkeypatch):
    from django.utils import translation

    from di4c.accounts import mail as account_mail

    languages = []
    render = account_mail.render_to_string

    def recording(*args, **kwargs):
        languages.append(translation.get_language())
        return render(*args, **kwargs)

    monkeypatch.setattr(account_mail, "render_to_string", recording)
    register(language="it")
    assert languages == ["it", "it"]  # subject and body
    assert User.objects.get(email="ana.popescu@example.org").language == "it"


def test_signed_in_people_are_sent_to_their_account(client, register):
    user = User.objects.create_user("someone@example.org", PASSWORD, full_name="Someone")
    client.force_login(user)
    assert client.get("/accounts/register/")["Location"] == reverse("accounts:profile")


def test_login_page_links_to_registration(client):
    page = client.get("/accounts/login/").content.decode()
    assert f'href="{reverse("accounts:register")}"' in page


# The account page of a citizen: taking part, one's data, deletion


@pytest.fixture
def citizen(db):
    return User.objects.create_user("ion@example.org", PASSWORD, full_name="Ion Ionescu")


def test_a_citizen_without_roles_is_told_what_they_can_do(client, citizen, demo_user):
    client.force_login(citizen)
    page = client.get("/accounts/profile/").content.decode()
    assert "post and support ideas and rate services in every city" in page
    assert "Download my data" in page and "Delete my account" in page
    client.force_login(demo_user("botosani-editor"))
    page = client.get("/accounts/profile/").content.decode()
    assert "post and support ideas and rate services in every city" not in page


@pytest.fixture
def contributions(botosani, citizen):
    """Ideas, comments, supports and a rating by the citizen, and a signed-in response."""
    from di4c.engagement import services

    def add(n: int):
        for i in range(n):
            idea = services.idea_post(
                actor=citizen,
                organisation=botosani,
                data={"title": f"Idee {i}", "body": f"Textul ideii {i}"},
                address="10.1.1.1",
            )
            services.comment_post(actor=citizen, idea=idea, body=f"Comentariu {i}")
            services.idea_support(actor=citizen, idea=idea)
        return idea

    return add


def test_download_my_data(client, citizen, contributions, settings):
    settings.DI4C_RATE_LIMITS = {}
    contributions(2)
    assert client.get("/accounts/profile/my-data.json").status_code == 302
    client.force_login(citizen)
    response = client.get("/accounts/profile/my-data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == "ion@example.org"
    assert data["account"]["full_name"] == "Ion Ionescu"
    assert data["memberships"] == []
    assert sorted(idea["title"] for idea in data["ideas"]) == ["Idee 0", "Idee 1"]
    assert {idea["city"] for idea in data["ideas"]} == {"Municipality of Botoșani"}
    assert sorted(c["body"] for c in data["comments"]) == ["Comentariu 0", "Comentariu 1"]
    assert len(data["supports"]) == 2
    assert "password" not in json.dumps(data)


def test_download_my_data_keeps_a_constant_number_of_queries(
    client, citizen, contributions, settings
):
    settings.DI4C_RATE_LIMITS = {}
    client.force_login(citizen)
    contributions(1)
    with CaptureQueriesContext(connection) as small:
        client.get("/accounts/profile/my-data.json")
    contributions(4)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/accounts/profile/my-data.json")
    assert len(json.loads(response.content)["ideas"]) == 5
    assert len(large.captured_queries) == len(small.captured_queries)


def test_download_includes_signed_in_responses_and_ratings(client, botosani, citizen, settings):
    from di4c.engagement import services
    from di4c.services.models import IndexPublication, PublicService

    editor = User.objects.get(email="botosani-editor@demo.di4c.eu")
    now = dt.datetime.now(dt.UTC)
    consultation = services.consultation_create(
        actor=editor,
        organisation=botosani,
        data={
            "title": "Servicii digitale",
            "mode": "account",
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=5),
        },
    )
    question = services.question_add(
        actor=editor,
        consultation=consultation,
        data={"kind": "short_text", "text": "Ce lipsește?", "required": True},
        options=None,
    )
    services.consultation_publish(actor=editor, consultation=consultation)
    consultation.refresh_from_db()
    services.response_submit(
        consultation=consultation, answers={question.pk: "Plata online"}, user=citizen
    )
    IndexPublication.objects.update_or_create(organisation=botosani, defaults={"is_public": True})
    service = PublicService.objects.filter(organisation=botosani).first()
    if service is not None:
        services.service_rate(actor=citizen, service=service, rating=4, comment="Bine")
    client.force_login(citizen)
    data = json.loads(client.get("/accounts/profile/my-data.json").content)
    [response] = data["consultation_responses"]
    assert response["consultation"] == "Servicii digitale"
    assert response["answers"][0]["text"] == "Plata online"
    if service is not None:
        assert data["service_ratings"][0]["rating"] == 4


def test_delete_my_account(client, citizen, contributions, settings):
    from di4c.engagement.models import Comment, Idea

    settings.DI4C_RATE_LIMITS = {}
    idea = contributions(1)
    client.force_login(citizen)
    assert client.get("/accounts/profile/delete/").status_code == 200

    # A wrong password, or no tick, keeps the account.
    response = client.post("/accounts/profile/delete/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert "This is not your password" in response.content.decode()
    response = client.post("/accounts/profile/delete/", {"password": PASSWORD})
    assert "Tick the box" in response.content.decode()
    assert User.objects.filter(pk=citizen.pk).exists()

    response = client.post(
        "/accounts/profile/delete/", {"password": PASSWORD, "confirm": "on"}, follow=True
    )
    assert "Your account was deleted" in response.content.decode()
    assert not User.objects.filter(email="ion@example.org").exists()
    assert not response.context["user"].is_authenticated
    idea.refresh_from_db()
    assert idea.author is None and idea.body == "Textul ideii 0"
    assert Comment.objects.get(idea=idea).author is None
    assert Idea.objects.filter(pk=idea.pk).exists()
    # Signing in with the old credentials no longer works.
    response = client.post(
        "/accounts/login/", {"username": "ion@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_deleted_account_leaves_consultation_counts_unchanged(client, botosani, citizen):
    from di4c.engagement import services
    from di4c.engagement.models import Response

    editor = User.objects.get(email="botosani-editor@demo.di4c.eu")
    now = dt.datetime.now(dt.UTC)
    consultation = services.consultation_create(
        actor=editor,
        organisation=botosani,
        data={
            "title": "Parcări",
            "mode": "account",
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=5),
        },
    )
    question = services.question_add(
        actor=editor,
        consultation=consultation,
        data={"kind": "scale", "text": "Cât de mulțumit?", "required": True},
        options=None,
    )
    services.consultation_publish(actor=editor, consultation=consultation)
    consultation.refresh_from_db()
    services.response_submit(consultation=consultation, answers={question.pk: 4}, user=citizen)
    client.force_login(citizen)
    client.post("/accounts/profile/delete/", {"password": PASSWORD, "confirm": "on"})
    assert not User.objects.filter(pk=citizen.pk).exists()
    response = Response.objects.get(consultation=consultation)
    assert response.user is None
    assert response.answers.get().scale == 4


def test_deletion_needs_a_signed_in_person_and_spares_administrators(client, demo_user):
    response = client.post("/accounts/profile/delete/", {"password": "x", "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    admin = demo_user("admin")
    client.force_login(admin)
    response = client.post(
        "/accounts/profile/delete/", {"password": DEMO_PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 200
    assert "platform administrator" in response.content.decode()
    assert User.objects.filter(pk=admin.pk).exists()


def test_a_member_deletes_their_account_and_their_roles_go(client, demo_meetings, demo_user):
    from di4c.accounts.models import Membership
    from di4c.meetings.models import Participant

    editor = demo_user("messina-editor")
    assert Membership.objects.filter(user=editor).exists()
    assert Participant.objects.filter(user=editor).exists()
    client.force_login(editor)
    response = client.post(
        "/accounts/profile/delete/", {"password": DEMO_PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=editor.pk).exists()
    assert not Membership.objects.filter(user_id=editor.pk).exists()
    assert not Participant.objects.filter(user_id=editor.pk).exists()
    # The history of the roles keeps a "deleted" step that names no one.
    assert not Membership.history.filter(history_user_id=editor.pk).exists()


def test_an_assignee_of_meeting_tasks_is_asked_to_hand_them_over(client, demo_meetings):
    coordinator = User.objects.get(email="botosani-coordinator@demo.di4c.eu")
    client.force_login(coordinator)
    response = client.post(
        "/accounts/profile/delete/", {"password": DEMO_PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 200
    assert "Follow-up tasks of meetings are assigned to you" in response.content.decode()
    assert User.objects.filter(pk=coordinator.pk).exists()
    assert client.get("/accounts/profile/").status_code == 200


def test_registering_someone_elses_address_first_gives_no_way_in(client, register):
    """A pre-registration takeover: an attacker registers the victim's address with a password
    of their own; the victim registers too, gets the link and confirms. The attacker's
    password must not open the account, and the attacker cannot confirm without the mailbox."""
    register(password="attacker-passphrase-41", password_confirm="attacker-passphrase-41")
    register()  # the victim, with PASSWORD
    link = confirmation_path(mail.outbox[-1])
    # The attacker's password does not confirm the victim's link.
    assert client.post(link, {"password": "attacker-passphrase-41"}).status_code == 400
    assert client.post(link, {"password": PASSWORD}).status_code == 302
    user = User.objects.get(email="ana.popescu@example.org")
    assert user.is_active and user.check_password(PASSWORD)
    assert not user.check_password("attacker-passphrase-41")
