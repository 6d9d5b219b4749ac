"""Idea services: posting within limits, support once, comments and reports, moderation with a
reason the author sees, the city's answers and the journey they leave, the authors' e-mails,
and service ratings feeding the satisfaction figure."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from di4c.accounts.models import User
from di4c.core.models import RateEvent
from di4c.engagement import selectors, services
from di4c.engagement.models import Flag, Idea, IdeaStatus, ServiceRating
from di4c.plans.models import Action
from di4c.services.models import IndexPublication, PublicService

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def author(demo_user):
    return demo_user("citizen")


@pytest.fixture
def idea(botosani, author):
    return services.idea_post(
        actor=author,
        organisation=botosani,
        data={"title": "Parcare plătită prin SMS", "body": "Plata parcării cu telefonul."},
        address="10.1.1.1",
    )


def person(n: int) -> User:
    return User.objects.create_user(f"p{n}@example.org", "x", full_name=f"Persoana {n}")


def test_posting_needs_an_account_and_checks_lengths(botosani, author):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.idea_post(
            actor=AnonymousUser(), organisation=botosani, data={"title": "t", "body": "b"}
        )
    with pytest.raises(ValidationError) as error:
        services.idea_post(
            actor=author, organisation=botosani, data={"title": "t" * 151, "body": "b" * 4001}
        )
    assert {"title", "body"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.idea_post(actor=author, organisation=botosani, data={"title": "", "body": ""})
    assert {"title", "body"} <= set(error.value.message_dict)
    assert not Idea.objects.exists()


def test_posting_is_limited_per_account_and_per_address(botosani, author, settings):
    settings.DI4C_RATE_LIMITS = {"idea": (2, 3)}
    data = {"title": "Idee", "body": "Text"}
    for _ in range(2):
        services.idea_post(actor=author, organisation=botosani, data=data, address="10.0.0.1")
    with pytest.raises(ValidationError, match="too often"):
        services.idea_post(actor=author, organisation=botosani, data=data, address="10.0.0.2")
    # Another account behind the same address: the address has one post left.
    other = person(1)
    services.idea_post(actor=other, organisation=botosani, data=data, address="10.0.0.1")
    with pytest.raises(ValidationError, match="too often"):
        services.idea_post(actor=other, organisation=botosani, data=data, address="10.0.0.1")
    assert Idea.objects.count() == 3
    # No address is stored in clear.
    assert not RateEvent.objects.filter(key__contains="10.0.0").exists()


def test_support_once_per_person(idea, author):
    first, second = person(1), person(2)
    assert services.idea_support(actor=first, idea=idea) is True
    assert services.idea_support(actor=first, idea=idea) is False
    services.idea_support(actor=second, idea=idea)
    assert idea.supports.count() == 2
    assert services.idea_unsupport(actor=second, idea=idea) is True
    assert idea.supports.count() == 1


def test_the_author_edits_until_the_city_answers(idea, author, editor):
    services.idea_edit(actor=author, idea=idea, data={"title": "Parcare prin SMS"})
    with pytest.raises(PermissionDenied):
        services.idea_edit(actor=person(1), idea=idea, data={"title": "x"})
    services.idea_answer(
        actor=editor, idea=idea, status=IdeaStatus.UNDER_REVIEW, answer="Analizăm."
    )
    with pytest.raises(ValidationError, match="answered"):
        services.idea_edit(actor=author, idea=idea, data={"title": "y"})


def test_answers_follow_the_status_rules_and_build_the_journey(
    idea, editor, author, demo_plans, django_capture_on_commit_callbacks
):
    action = Action.objects.filter(plan__organisation=idea.organisation).first()
    foreign = Action.objects.exclude(plan__organisation=idea.organisation).first()
    with pytest.raises(ValidationError) as error:
        services.idea_answer(actor=editor, idea=idea, status=IdeaStatus.ACCEPTED, answer="Da")
    assert "action" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.idea_answer(actor=editor, idea=idea, status=IdeaStatus.NOT_RETAINED)
    assert "answer" in error.value.message_dict
    if foreign is not None:
        with pytest.raises(ValidationError) as error:
            services.idea_answer(
                actor=editor, idea=idea, status=IdeaStatus.ACCEPTED, action=foreign
            )
        assert "action" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_answer(
            actor=editor, idea=idea, status=IdeaStatus.UNDER_REVIEW, answer="Analizăm."
        )
        services.idea_answer(
            actor=editor,
            idea=idea,
            status=IdeaStatus.ACCEPTED,
            answer="Intră în plan.",
            action=action,
        )
    page = selectors.idea_page(idea.pk, idea.organisation)
    journey = [(step.status, step.answer, step.action_id) for step in page.status_changes.all()]
    assert journey == [
        ("under_review", "Analizăm.", None),
        ("accepted", "Intră în plan.", action.pk),
    ]
    assert [message.to for message in mail.outbox] == [[author.email], [author.email]]
    assert action.title in mail.outbox[-1].body
    assert idea.get_absolute_url() in mail.outbox[-1].body


def test_only_the_citys_editors_answer_and_moderate(idea, demo_user):
    for prefix in ("messina-editor", "citizen", "local-group", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.idea_answer(
                actor=demo_user(prefix), idea=idea, status=IdeaStatus.UNDER_REVIEW, answer="x"
            )
        with pytest.raises(PermissionDenied):
            services.content_hide(actor=demo_user(prefix), idea=idea, reason="x")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW and not idea.is_hidden


def test_hiding_needs_a_reason_the_author_sees(
    idea, editor, author, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        services.content_hide(actor=editor, idea=idea, reason="  ")
    reporter = person(1)
    services.flag_create(actor=reporter, idea=idea, reason="spam")
    with pytest.raises(ValidationError, match="already reported"):
        services.flag_create(actor=reporter, idea=idea, reason="offensive")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(actor=editor, idea=idea, reason="Conține publicitate.")
    assert Flag.objects.get().upheld is True
    assert "Conține publicitate." in mail.outbox[0].body
    organisation = idea.organisation
    assert not selectors.ideas_of(organisation, user=reporter).filter(pk=idea.pk).exists()
    assert selectors.ideas_of(organisation, user=author).filter(pk=idea.pk).exists()
    assert selectors.ideas_of(organisation, moderator=True).filter(pk=idea.pk).exists()
    with pytest.raises(Idea.DoesNotExist):
        selectors.idea_page(idea.pk, organisation, user=reporter)
    assert (
        selectors.idea_page(idea.pk, organisation, user=author).hidden_reason
        == "Conține publicitate."
    )
    with pytest.raises(PermissionDenied):
        services.comment_post(actor=reporter, idea=idea, body="?")
    services.content_show(actor=editor, idea=idea)
    assert selectors.ideas_of(organisation, user=reporter).filter(pk=idea.pk).exists()


def test_comments_reports_and_dismissal(idea, editor):
    commenter, reporter = person(1), person(2)
    comment = services.comment_post(actor=commenter, idea=idea, body="De acord!")
    with pytest.raises(ValidationError):
        services.comment_post(actor=commenter, idea=idea, body="x" * 1001)
    flag = services.flag_create(actor=reporter, idea=idea, comment=comment, reason="off_topic")
    queue = selectors.moderation_queue(idea.organisation)
    assert [f.pk for f in queue.flags] == [flag.pk]
    services.flag_dismiss(actor=editor, flag=flag)
    flag.refresh_from_db()
    assert flag.upheld is False and flag.resolved_by == editor
    assert selectors.moderation_queue(idea.organisation).flags == []
    with pytest.raises(ValidationError):
        services.flag_dismiss(actor=editor, flag=flag)
    services.content_hide(actor=editor, idea=idea, comment=comment, reason="Nu are legătură.")
    page = selectors.idea_page(idea.pk, idea.organisation, user=reporter)
    assert list(page.comments.all()) == []
    page = selectors.idea_page(idea.pk, idea.organisation, user=commenter)
    assert [c.hidden_reason for c in page.comments.all()] == ["Nu are legătură."]


# Service feedback


@pytest.fixture
def published_service(botosani):
    IndexPublication.objects.update_or_create(organisation=botosani, defaults={"is_public": True})
    service = PublicService.objects.filter(organisation=botosani).first()
    if service is None:
        pytest.skip("the demo has no Botoșani service")
    return service


def test_ratings_feed_the_satisfaction_figure(published_service):
    raters = [person(n) for n in range(3)]
    for rater, value in zip(raters, (5, 4, 2), strict=True):
        services.service_rate(actor=rater, service=published_service, rating=value)
    published_service.refresh_from_db()
    assert published_service.satisfaction == Decimal("66.67")
    # A second rating by the same person replaces the first.
    services.service_rate(actor=raters[2], service=published_service, rating=4, comment="Mai bine")
    published_service.refresh_from_db()
    assert published_service.satisfaction == Decimal("83.33")  # average 4.33: (4.33 - 1) / 4
    assert ServiceRating.objects.filter(service=published_service).count() == 3
    summary = selectors.rating_summary(published_service)
    assert (summary.count, summary.average) == (3, 4.33)
    assert summary.distribution == [(5, 1), (4, 2), (3, 0), (2, 0), (1, 0)]


@pytest.mark.parametrize("value", [0, 6, "abc", None, True])
def test_a_rating_outside_1_to_5_is_refused(published_service, value):
    with pytest.raises(ValidationError) as error:
        services.service_rate(actor=person(1), service=published_service, rating=value)
    assert "rating" in error.value.message_dict
    assert not ServiceRating.objects.exists()


def test_an_unpublished_service_takes_no_rating(published_service):
    IndexPublication.objects.filter(organisation=published_service.organisation).update(
        is_public=False
    )
    with pytest.raises(ValidationError, match="not open for feedback"):
        services.service_rate(actor=person(1), service=published_service, rating=5)


def test_rating_comments_are_shown_once_published(published_service, editor, demo_user):
    rating = services.service_rate(
        actor=person(1), service=published_service, rating=3, comment="Lent"
    )
    assert list(selectors.rating_comments(published_service, city_view=False)) == []
    with pytest.raises(PermissionDenied):
        services.rating_comment_publish(
            actor=demo_user("messina-editor"), rating=rating, publish=True
        )
    services.rating_comment_publish(actor=editor, rating=rating, publish=True)
    assert [r.comment for r in selectors.rating_comments(published_service, city_view=False)] == [
        "Lent"
    ]


def test_the_mail_about_a_hidden_comment_gives_the_reason(
    idea, editor, django_capture_on_commit_callbacks
):
    commenter = person(1)
    comment = services.comment_post(actor=commenter, idea=idea, body="Reclamă")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(actor=editor, idea=idea, comment=comment, reason="Publicitate.")
    assert [message.to for message in mail.outbox] == [[commenter.email]]
    assert "Publicitate." in mail.outbox[0].body
