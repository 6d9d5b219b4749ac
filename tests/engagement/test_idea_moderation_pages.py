"""The city's side of the idea pages: answering with each status (accepted names its action,
not retained says why), the public journey, the e-mails to the author, hiding and showing
ideas and comments with a reason, dismissing reports, and who is turned away."""

import pytest
from django.core import mail
from django.test import Client

from di4c.engagement import services
from di4c.engagement.models import Flag, IdeaStatus
from di4c.plans.models import Action
from tests.engagement.idea_page_helpers import (
    IDEAS,
    errors_of,
    idea_url,
    messages_of,
    parsed,
    post_idea,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(db):
    """A browser that never signs in (`client` is the one `client_as` signs in)."""
    return Client()


@pytest.fixture
def citizen(demo_user):
    return demo_user("citizen")


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def idea(botosani, citizen):
    return post_idea(citizen, botosani, title="Digital help desk in libraries")


@pytest.fixture
def action(demo_plans, botosani):
    return Action.objects.filter(plan__organisation=botosani).order_by("code").first()


def answer_errors(response, field):
    return errors_of(parsed(response), field, "id_answer")


# --- answers and the journey -----------------------------------------------------------------


def test_the_city_answers_with_each_status_and_the_journey_shows_each_step(
    visitor, client_as, idea, action, django_capture_on_commit_callbacks
):
    city = client_as("botosani-editor")
    answer = idea_url(idea, "answer/")
    steps = [
        {"status": "under_review", "answer": "We look at the costs."},
        {"status": "already_planned", "answer": "Action A7 covers it."},
        {"status": "accepted", "answer": "It joins the plan.", "action": action.pk},
        {"status": "not_retained", "answer": "No budget left this year."},
    ]
    for step in steps:
        with django_capture_on_commit_callbacks(execute=True):
            response = city.post(answer, step)
        assert response.status_code == 302, step
    assert len(mail.outbox) == 4
    assert mail.outbox[0].to == ["citizen@demo.di4c.eu"]
    assert idea.title in mail.outbox[0].subject + mail.outbox[0].body
    assert idea_url(idea) in mail.outbox[0].body

    doc = parsed(visitor.get(idea_url(idea)))
    journey = [
        " ".join(li.text_content().split()) for li in doc.xpath('//ol[@data-testid="journey"]/li')
    ]
    assert journey[0].startswith("Posted on")
    assert [line.split(" on ")[0] for line in journey[1:]] == [
        "Under review",
        "Already planned",
        "Accepted",
        "Not retained",
    ]
    assert "We look at the costs." in journey[1] and "No budget left this year." in journey[4]
    [link] = doc.xpath('//a[@data-testid="action-link"]')
    assert link.get("href") == f"/plans/{action.plan_id}/actions/{action.pk}/"
    assert action.code in link.text_content() and "It joins the plan." in journey[3]
    assert doc.xpath('//*[@data-testid="status"]')[0].text_content() == "Not retained"


def test_accepted_needs_its_action_and_not_retained_its_reason(
    client_as, idea, action, django_capture_on_commit_callbacks
):
    city = client_as("botosani-editor")
    answer = idea_url(idea, "answer/")
    with django_capture_on_commit_callbacks(execute=True):
        response = city.post(answer, {"status": "accepted", "answer": "Yes"})
        assert response.status_code == 200
        assert answer_errors(response, "action") == [
            "An accepted idea names the plan action it became."
        ]
        assert parsed(response).xpath('//textarea[@name="answer"]')[0].text.strip() == "Yes"

        response = city.post(answer, {"status": "not_retained", "answer": "  "})
        assert answer_errors(response, "answer") == ["Say why the idea is not retained."]

        response = city.post(answer, {"status": "new"})
        assert answer_errors(response, "status")

        response = city.post(answer, {"status": "accepted", "action": action.pk + 100000})
        assert answer_errors(response, "action")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW and not idea.status_changes.exists()
    assert mail.outbox == []


def test_the_action_list_offers_only_this_citys_actions(client_as, idea, action):
    doc = parsed(client_as("botosani-editor").get(idea_url(idea)))
    offered = {
        int(o.get("value")) for o in doc.xpath('//select[@name="action"]/option') if o.get("value")
    }
    assert offered == set(
        Action.objects.filter(plan__organisation=idea.organisation).values_list("pk", flat=True)
    )


# --- hiding and showing ----------------------------------------------------------------------


def test_a_hidden_idea_is_gone_for_others_and_shown_with_its_reason_to_its_author(
    visitor, client_as, idea, django_capture_on_commit_callbacks
):
    city = client_as("botosani-editor")
    response = city.post(idea_url(idea, "hide/"), {"reason": ""})
    assert response.status_code == 200
    assert errors_of(parsed(response), "reason", "id_hide_idea") == [
        "Give the reason the author will read."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = city.post(idea_url(idea, "hide/"), {"reason": "Advertising for a shop"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["citizen@demo.di4c.eu"]]
    assert "Advertising for a shop" in mail.outbox[0].body

    assert visitor.get(idea_url(idea)).status_code == 404
    assert client_as("local-group").get(idea_url(idea)).status_code == 404
    assert client_as("messina-editor").get(idea_url(idea)).status_code == 404

    author = client_as("citizen")
    doc = parsed(author.get(idea_url(idea)))
    notice = " ".join(doc.xpath('//*[@data-testid="hidden-notice"]')[0].text_content().split())
    assert "Hidden by the moderators: Advertising for a shop" in notice
    assert not doc.xpath('//button[normalize-space()="Support this idea"]')
    assert not doc.xpath('//form[contains(@class, "comment-form")]')

    city = client_as("botosani-editor")
    assert "Show this idea again" in text_of(city.get(idea_url(idea)))
    city.post(idea_url(idea, "show/"))
    assert visitor.get(idea_url(idea)).status_code == 200


def test_a_hidden_comment_is_shown_only_to_its_author_and_the_moderators(
    visitor, client_as, idea, demo_user, django_capture_on_commit_callbacks
):
    comment = services.comment_post(actor=demo_user("local-group"), idea=idea, body="Rude words")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("botosani-editor").post(
            idea_url(idea, "hide/"), {"reason": "Insults", "comment": comment.pk}
        )
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert mail.outbox[0].to == ["local-group@demo.di4c.eu"]

    assert "Rude words" not in text_of(visitor.get(idea_url(idea)))
    assert "Rude words" not in text_of(client_as("citizen").get(idea_url(idea)))
    for who in ("local-group", "botosani-editor"):
        page = text_of(client_as(who).get(idea_url(idea)))
        assert "Rude words" in page and "Hidden by the moderators: Insults" in page

    client_as("botosani-editor").post(idea_url(idea, "show/"), {"comment": comment.pk})
    assert "Rude words" in text_of(visitor.get(idea_url(idea)))


def test_moderators_dismiss_or_uphold_reports_from_the_queue(
    client_as, idea, demo_user, django_capture_on_commit_callbacks
):
    comment = services.comment_post(actor=demo_user("local-group"), idea=idea, body="Spam link")
    reporter = demo_user("coordinator")
    kept = services.flag_create(actor=reporter, idea=idea, reason="off_topic")
    upheld = services.flag_create(actor=reporter, idea=idea, comment=comment, reason="spam")

    city = client_as("botosani-editor")
    queue = parsed(city.get(f"{IDEAS}moderation/"))
    assert len(queue.xpath('//article[@data-testid="report"]')) == 2
    counts = " ".join(
        queue.xpath('//ul[@data-testid="moderation-counts"]')[0].text_content().split()
    )
    assert "1 new idea waits for the city's answer" in counts and "0 hidden ideas" in counts

    response = city.post(f"{IDEAS}reports/{kept.pk}/dismiss/", follow=True)
    assert "The report is dismissed" in messages_of(parsed(response))
    kept.refresh_from_db()
    assert kept.resolved_at and kept.upheld is False
    again = city.post(f"{IDEAS}reports/{kept.pk}/dismiss/", follow=True)
    assert "already been handled" in messages_of(parsed(again))

    moderation = f"{IDEAS}moderation/"
    with django_capture_on_commit_callbacks(execute=True):
        response = city.post(
            idea_url(idea, "hide/"), {"reason": "Spam", "comment": comment.pk, "next": moderation}
        )
    assert response["Location"] == moderation
    upheld.refresh_from_db()
    assert upheld.upheld is True
    assert "No open report." in text_of(city.get(moderation))
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()


# --- who is turned away ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["messina-editor", "citizen", "local-group"])
def test_others_cannot_answer_or_moderate(client_as, idea, action, demo_user, who):
    browser = client_as(who)
    assert (
        browser.post(
            idea_url(idea, "answer/"), {"status": "accepted", "action": action.pk}
        ).status_code
        == 403
    )
    assert browser.post(idea_url(idea, "hide/"), {"reason": "No"}).status_code == 403
    assert browser.post(idea_url(idea, "show/")).status_code == 403
    assert browser.get(f"{IDEAS}moderation/").status_code == 403
    flag = services.flag_create(actor=demo_user("coordinator"), idea=idea, reason="spam")
    assert browser.post(f"{IDEAS}reports/{flag.pk}/dismiss/").status_code == 403
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW and not idea.is_hidden
    doc = parsed(browser.get(idea_url(idea)))
    assert not doc.xpath('//form[contains(@action, "/answer/")]')
    assert not doc.xpath('//*[@data-testid="moderation"]')


def test_visitors_are_sent_to_sign_in_for_the_city_pages(visitor, idea):
    for path in (f"{IDEAS}moderation/",):
        response = visitor.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = visitor.post(idea_url(idea, "answer/"), {"status": "under_review"})
    assert response["Location"].startswith("/accounts/login/")


def test_the_city_sees_the_answer_form_and_the_moderation_tools(client_as, idea, action):
    doc = parsed(client_as("botosani-coordinator").get(idea_url(idea)))
    assert doc.xpath('//form[contains(@action, "/answer/")]')
    assert doc.xpath('//button[normalize-space()="Hide this idea"]')
    labels = [
        " ".join(label.text_content().split()) for label in doc.xpath('//input[@name="status"]/..')
    ]
    assert labels == ["Under review", "Accepted", "Already planned", "Not retained"]
