"""The idea pages as people use them: the public list (hidden ideas left out but for their
author), posting an idea (errors shown with everything typed kept, length limits, the
honeypot, the rate limit), correcting it, supporting once, commenting, reporting, sanitised
Markdown, and constant query counts."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from di4c.engagement import services
from di4c.engagement.models import Comment, Flag, Idea, IdeaStatus, Support
from di4c.engagement.models.ideas import IDEA_BODY_MAX, IDEA_TITLE_MAX
from di4c.plans.models import Action, Plan
from tests.engagement.idea_page_helpers import (
    IDEAS,
    errors_of,
    form_errors,
    idea_url,
    messages_of,
    parsed,
    post_idea,
    queries,
    text_of,
)

pytestmark = pytest.mark.django_db

XSS_BODY = (
    "Look: <script>alert(1)</script>\n\n"
    "[x](javascript:alert(1))\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "![pic](javascript:alert(2))\n\n"
    '[y](JaVaScRiPt:alert(3)) <a href="javascript:alert(4)">z</a>\n\n'
    "<svg onload=alert(5)>"
)


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


# --- the list -------------------------------------------------------------------------------


def test_the_public_list_leaves_out_hidden_ideas_but_their_author_sees_them(
    visitor, client_as, botosani, citizen, editor
):
    post_idea(citizen, botosani, title="Open data on bus delays")
    hidden = post_idea(citizen, botosani, title="Buy my used bicycle")
    services.content_hide(actor=editor, idea=hidden, reason="Advertising")

    anonymous = text_of(visitor.get(IDEAS))
    assert "Open data on bus delays" in anonymous
    assert "Buy my used bicycle" not in anonymous

    assert "Buy my used bicycle" not in text_of(client_as("local-group").get(IDEAS))

    doc = parsed(client_as("citizen").get(IDEAS))
    cards = {
        card.xpath(".//h3")[0].text_content().strip(): card
        for card in doc.xpath('//li[@data-testid="idea"]')
    }
    assert set(cards) == {"Open data on bus delays", "Buy my used bicycle"}
    assert cards["Buy my used bicycle"].xpath('.//*[@data-testid="hidden"]')
    assert not cards["Open data on bus delays"].xpath('.//*[@data-testid="hidden"]')

    moderated = text_of(client_as("botosani-editor").get(IDEAS))
    assert "Buy my used bicycle" in moderated and "Moderation" in moderated


def test_the_list_shows_status_supports_comments_and_filters_and_sorts(
    visitor, botosani, citizen, editor, demo_user
):
    quiet = post_idea(citizen, botosani, title="Quiet idea")
    loved = post_idea(citizen, botosani, title="Loved idea")
    for prefix in ("local-group", "botosani-editor", "messina-editor"):
        services.idea_support(actor=demo_user(prefix), idea=loved)
    services.comment_post(actor=editor, idea=loved, body="Good point.")
    services.idea_answer(actor=editor, idea=quiet, status=IdeaStatus.UNDER_REVIEW)

    doc = parsed(visitor.get(IDEAS))
    counts = {
        row.xpath("./th")[0].text_content().strip(): row.xpath("./td")[0].text_content()
        for row in doc.xpath('//table[@data-testid="status-counts"]/tbody/tr')
    }
    assert counts["New"] == "1" and counts["Under review"] == "1" and counts["Accepted"] == "0"
    loved_card = next(
        card for card in doc.xpath('//li[@data-testid="idea"]') if "Loved" in card.text_content()
    )
    card_text = " ".join(loved_card.text_content().split())
    assert "New" in card_text and "3 supports" in card_text and "1 comment" in card_text

    titles = [
        h.text_content().strip()
        for h in parsed(visitor.get(f"{IDEAS}?sort=supported")).xpath(
            "//li[@data-testid='idea']//h3"
        )
    ]
    assert titles == ["Loved idea", "Quiet idea"]
    titles = [
        h.text_content().strip()
        for h in parsed(visitor.get(f"{IDEAS}?status=under_review")).xpath(
            "//li[@data-testid='idea']//h3"
        )
    ]
    assert titles == ["Quiet idea"]


def test_visitors_are_asked_to_sign_in_or_register_to_post(visitor, botosani):
    doc = parsed(visitor.get(IDEAS))
    [sign_in] = doc.xpath('//a[normalize-space()="Sign in to post an idea"]')
    assert sign_in.get("href").startswith("/accounts/login/?next=")
    assert "ideas/new/" in sign_in.get("href").replace("%2F", "/")
    assert doc.xpath('//a[contains(@href, "/accounts/register/")]')

    response = visitor.get(f"{IDEAS}new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = visitor.post(f"{IDEAS}new/", {"title": "Anonymous", "body": "Text"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Idea.objects.exists()


# --- posting ------------------------------------------------------------------------------


def test_a_citizen_posts_an_idea_for_a_plan(client_as, botosani, demo_plans):
    plan = Plan.objects.get(organisation=botosani)
    browser = client_as("citizen")
    response = browser.post(
        f"{IDEAS}new/",
        {
            "title": "Digital help desk in libraries",
            "body": "Volunteers could *help*.",
            "plan": plan.pk,
        },
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea_url(idea)
    assert (
        idea.plan == plan
        and idea.status == IdeaStatus.NEW
        and idea.author.email == "citizen@demo.di4c.eu"
    )

    page = browser.get(idea_url(idea))
    doc = parsed(page)
    assert doc.xpath("//h1")[0].text_content() == "Digital help desk in libraries"
    assert (
        doc.xpath('//*[@data-testid="author"]')[0].text_content().strip() == idea.author.full_name
    )
    assert "citizen@demo.di4c.eu" not in page.content.decode()
    assert doc.xpath('//*[@data-testid="body"]//em')[0].text == "help"
    assert plan.title in text_of(page)
    assert "Thank you: your idea is published" in messages_of(doc)


def test_a_plan_of_another_city_cannot_be_chosen(client_as, botosani, demo_plans):
    foreign = Plan.objects.exclude(organisation=botosani).first()
    if foreign is None:
        pytest.skip("the demo has one plan only")
    response = client_as("citizen").post(
        f"{IDEAS}new/", {"title": "An idea", "body": "Text", "plan": foreign.pk}
    )
    assert errors_of(parsed(response), "plan") and not Idea.objects.exists()


def test_errors_are_shown_with_everything_typed_kept(client_as, botosani):
    browser = client_as("citizen")
    response = browser.post(f"{IDEAS}new/", {"title": "", "body": "My *long* text\nline two"})
    assert response.status_code == 200 and not Idea.objects.exists()
    doc = parsed(response)
    assert errors_of(doc, "title") == ["This field is required."]
    assert doc.xpath('//textarea[@name="body"]')[0].text.strip() == "My *long* text\nline two"

    response = browser.post(
        f"{IDEAS}new/", {"title": "T" * (IDEA_TITLE_MAX + 1), "body": "B" * (IDEA_BODY_MAX + 1)}
    )
    doc = parsed(response)
    assert "at most 150 characters" in " ".join(errors_of(doc, "title"))
    assert "at most 4000 characters" in " ".join(errors_of(doc, "body"))
    assert doc.xpath('//input[@name="title"]')[0].get("value") == "T" * (IDEA_TITLE_MAX + 1)
    assert not Idea.objects.exists()


def test_the_honeypot_refuses_the_form(client_as, botosani):
    response = client_as("citizen").post(
        f"{IDEAS}new/",
        {"title": "Cheap pills", "body": "Buy now", "website": "http://spam.example"},
    )
    assert response.status_code == 200 and not Idea.objects.exists()
    assert "Leave the last field empty" in form_errors(parsed(response))


def test_the_rate_limit_refuses_the_third_idea_and_keeps_it(client_as, botosani, settings):
    settings.DI4C_RATE_LIMITS = {"idea": (2, 100), "comment": (20, 60)}
    browser = client_as("citizen")
    for n in (1, 2):
        response = browser.post(f"{IDEAS}new/", {"title": f"Idea {n}", "body": "Text"})
        assert response.status_code == 302
    response = browser.post(f"{IDEAS}new/", {"title": "Idea 3", "body": "Third text"})
    assert response.status_code == 200
    doc = parsed(response)
    assert "You have posted too often" in form_errors(doc)
    assert doc.xpath('//input[@name="title"]')[0].get("value") == "Idea 3"
    assert doc.xpath('//textarea[@name="body"]')[0].text.strip() == "Third text"
    assert Idea.objects.count() == 2


def test_the_author_corrects_the_idea_until_the_city_answers(client_as, botosani, citizen, editor):
    idea = post_idea(citizen, botosani)
    assert client_as("local-group").get(idea_url(idea, "edit/")).status_code == 403
    browser = client_as("citizen")
    assert "Correct my idea" in text_of(browser.get(idea_url(idea)))
    response = browser.post(
        idea_url(idea, "edit/"), {"title": "Free wifi in every park", "body": "Now longer."}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Free wifi in every park" and idea.body == "Now longer."

    services.idea_answer(actor=editor, idea=idea, status=IdeaStatus.UNDER_REVIEW)
    response = browser.get(idea_url(idea, "edit/"), follow=True)
    assert "can no longer be changed" in messages_of(parsed(response))
    assert "Correct my idea" not in text_of(browser.get(idea_url(idea)))


# --- support, comments, reports --------------------------------------------------------------


def test_support_counts_once_per_person_and_can_be_withdrawn(visitor, client_as, botosani, citizen):
    idea = post_idea(citizen, botosani)
    response = visitor.post(idea_url(idea, "support/"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    supporter = client_as("local-group")
    supporter.post(idea_url(idea, "support/"))
    response = supporter.post(idea_url(idea, "support/"), follow=True)
    assert Support.objects.filter(idea=idea).count() == 1
    doc = parsed(response)
    assert "You already support this idea" in messages_of(doc)
    assert (
        "1 person supports this idea"
        in doc.xpath('//*[@data-testid="support-count"]')[0].text_content()
    )
    assert doc.xpath('//button[normalize-space()="Withdraw my support"]')

    supporter.post(idea_url(idea, "support/"), {"withdraw": "1"})
    assert not Support.objects.filter(idea=idea).exists()
    assert "0 people support this idea" in text_of(visitor.get(idea_url(idea)))


def test_a_comment_is_published_and_an_empty_one_refused(visitor, client_as, botosani, citizen):
    idea = post_idea(citizen, botosani)
    response = visitor.post(idea_url(idea, "comments/"), {"body": "Anonymous"})
    assert response["Location"].startswith("/accounts/login/") and not Comment.objects.exists()

    commenter = client_as("local-group")
    response = commenter.post(idea_url(idea, "comments/"), {"body": "   "})
    assert response.status_code == 200 and not Comment.objects.exists()
    assert errors_of(parsed(response), "body", "id_comment") == ["This field is required."]

    response = commenter.post(idea_url(idea, "comments/"), {"body": "Yes, *please*."})
    comment = Comment.objects.get()
    assert response["Location"] == idea_url(idea) + f"#comment-{comment.pk}"
    doc = parsed(visitor.get(idea_url(idea)))
    [article] = doc.xpath('//article[@data-testid="comment"]')
    assert "Yes, please." in " ".join(article.text_content().split())
    assert comment.author.full_name in article.text_content()
    assert "1 comment" in doc.xpath('//h2[@id="comments-heading"]')[0].text_content()


def test_reports_of_an_idea_and_a_comment_reach_the_moderators(
    client_as, botosani, citizen, editor
):
    idea = post_idea(citizen, botosani)
    comment = services.comment_post(actor=citizen, idea=idea, body="Call me on 0740 000 000")
    reporter = client_as("local-group")
    doc = parsed(reporter.get(idea_url(idea)))
    assert doc.xpath('//summary[normalize-space()="Report this idea"]')
    assert doc.xpath('//summary[normalize-space()="Report this comment"]')

    response = reporter.post(idea_url(idea, "report/"), {"reason": "spam", "note": "An advert"})
    assert response.status_code == 302
    response = reporter.post(
        idea_url(idea, "report/"), {"reason": "personal_data", "comment": comment.pk}
    )
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert set(Flag.objects.values_list("reason", "comment", "note")) == {
        ("spam", None, "An advert"),
        ("personal_data", comment.pk, ""),
    }

    again = reporter.post(idea_url(idea, "report/"), {"reason": "offensive"})
    assert again.status_code == 200 and "already reported" in form_errors(parsed(again))
    no_reason = reporter.post(idea_url(idea, "report/"), {"reason": "", "comment": comment.pk})
    assert errors_of(parsed(no_reason), "reason", f"id_report_c{comment.pk}")
    assert Flag.objects.count() == 2

    queue = text_of(client_as("botosani-editor").get(f"{IDEAS}moderation/"))
    assert "2 open reports" in queue and "Spam or advertising" in queue and "An advert" in queue
    assert "Call me on 0740 000 000" in queue


# --- sanitising ----------------------------------------------------------------------------


def test_the_idea_page_runs_no_script_from_an_idea_or_a_comment(visitor, botosani, citizen):
    idea = post_idea(citizen, botosani, title="<script>alert('t')</script>", body=XSS_BODY)
    services.comment_post(actor=citizen, idea=idea, body=XSS_BODY)
    for path in (idea_url(idea), IDEAS):
        response = visitor.get(path)
        html = response.content.decode()
        doc = parsed(response)
        assert "<script" not in html.lower()
        assert not doc.xpath("//script")
        # No element carries an event handler; the typed tag is shown as text only.
        assert not doc.xpath("//*[@*[starts-with(name(), 'on')]]")
        assert "<img" not in html
        assert not [
            a
            for a in doc.xpath("//a[@href]")
            if a.get("href").strip().lower().startswith("javascript:")
        ]
        assert not doc.xpath("//img")
    assert "<script>alert(1)</script>" in text_of(visitor.get(idea_url(idea)))  # shown as text


# --- query counts ------------------------------------------------------------------------------


def _many_ideas(organisation, author, n, start=0):
    ideas = Idea.objects.bulk_create(
        [
            Idea(organisation=organisation, author=author, title=f"Idea {i:03d}", body=f"Text {i}")
            for i in range(start, start + n)
        ]
    )
    users = list(get_user_model().objects.all()[:5])
    Support.objects.bulk_create(
        [Support(idea=idea, user=user) for idea in ideas for user in users[: idea.pk % 5 + 1]]
    )
    Comment.objects.bulk_create(
        [Comment(idea=idea, author=author, body=f"Comment {k}") for idea in ideas for k in range(3)]
    )
    return ideas


@pytest.mark.parametrize("who", [None, "citizen", "botosani-editor"])
def test_the_list_takes_as_many_queries_for_40_ideas_as_for_4(
    client_as, visitor, botosani, citizen, who
):
    browser = client_as(who) if who else visitor
    _many_ideas(botosani, citizen, 4)
    queries(browser, IDEAS)
    with_4 = queries(browser, IDEAS)
    _many_ideas(botosani, citizen, 36, start=4)
    with_40 = queries(browser, IDEAS)
    assert text_of(browser.get(IDEAS)).count("Idea 0") == 25
    assert with_40 == with_4


@pytest.mark.parametrize("who", [None, "citizen", "botosani-editor"])
def test_the_idea_page_takes_as_many_queries_for_20_comments_as_for_2(
    client_as, visitor, botosani, citizen, editor, demo_plans, settings, who
):
    settings.DI4C_RATE_LIMITS = {}
    browser = client_as(who) if who else visitor
    idea = post_idea(citizen, botosani)
    action = Action.objects.filter(plan__organisation=botosani).first()

    def grow(n, first):
        for k in range(n):
            comment = services.comment_post(actor=editor, idea=idea, body=f"Comment {first + k}")
            services.flag_create(actor=citizen, idea=idea, comment=comment, reason="spam")
            if k % 2:
                services.content_hide(actor=editor, idea=idea, comment=comment, reason="Spam")
        services.idea_answer(
            actor=editor, idea=idea, status=IdeaStatus.UNDER_REVIEW, answer="Looking"
        )
        services.idea_answer(actor=editor, idea=idea, status=IdeaStatus.ACCEPTED, action=action)

    grow(2, 0)
    queries(browser, idea_url(idea))
    with_2 = queries(browser, idea_url(idea))
    grow(18, 2)
    with_20 = queries(browser, idea_url(idea))
    assert "Comment 18" in text_of(browser.get(idea_url(idea)))
    assert with_20 == with_2
