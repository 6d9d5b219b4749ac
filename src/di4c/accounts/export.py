"""A person's own data, as JSON-ready data: what "Download my data" on the account page gives
(GDPR articles 15 and 20). A read only; a constant number of queries whatever the volume."""

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


def _iso(value):
    return value.isoformat() if value else None


def _idea_url(idea):
    try:
        return reverse("engagement:idea", args=[idea.organisation.slug, idea.pk])
    except NoReverseMatch:
        return None


def _account(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "is_active": user.is_active,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def _memberships(user) -> list[dict]:
    from di4c.accounts.selectors import memberships_of

    return [
        {
            "role": membership.role,
            "network": membership.network.acronym if membership.network_id else None,
            "organisation": membership.organisation.name if membership.organisation_id else None,
            "expert_kind": membership.expert_kind,
            "since": _iso(membership.created_at),
        }
        for membership in memberships_of(user)
    ]


def _api_tokens(user) -> list[dict]:
    return [
        {
            "name": token.name,
            "starts_with": token.prefix,
            "created_at": _iso(token.created_at),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in user.api_tokens.order_by("created_at", "pk")
    ]


def _engagement(user) -> dict:
    from di4c.engagement.models import (
        Answer,
        Comment,
        Flag,
        Idea,
        Response,
        ServiceRating,
        Support,
    )

    ideas = Idea.objects.filter(author=user).select_related("organisation").order_by("created_at")
    comments = (
        Comment.objects.filter(author=user)
        .select_related("idea__organisation")
        .order_by("created_at", "pk")
    )
    supports = Support.objects.filter(user=user).select_related("idea").order_by("created_at")
    ratings = (
        ServiceRating.objects.filter(user=user)
        .select_related("service__organisation")
        .order_by("created_at", "pk")
    )
    reports = Flag.objects.filter(reporter=user).select_related("idea").order_by("created_at")
    # Only the responses tied to the account (consultations for signed-in people); anonymous
    # and invitation responses were never linked to anyone, so no one can claim them.
    responses = (
        Response.objects.filter(user=user)
        .select_related("consultation__organisation")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question", "option").order_by(
                    "question__position", "question__pk", "rank", "pk"
                ),
            )
        )
        .order_by("submitted_at", "pk")
    )
    return {
        "ideas": [
            {
                "id": idea.pk,
                "city": idea.organisation.name,
                "title": idea.title,
                "body": idea.body,
                "status": idea.status,
                "city_answer": idea.answer,
                "hidden": idea.is_hidden,
                "hidden_reason": idea.hidden_reason,
                "created_at": _iso(idea.created_at),
                "updated_at": _iso(idea.updated_at),
                "url": _idea_url(idea),
            }
            for idea in ideas
        ],
        "comments": [
            {
                "id": comment.pk,
                "idea": {"id": comment.idea_id, "title": comment.idea.title},
                "body": comment.body,
                "hidden": comment.is_hidden,
                "hidden_reason": comment.hidden_reason,
                "created_at": _iso(comment.created_at),
            }
            for comment in comments
        ],
        "supports": [
            {
                "idea": {"id": support.idea_id, "title": support.idea.title},
                "created_at": _iso(support.created_at),
            }
            for support in supports
        ],
        "service_ratings": [
            {
                "service": rating.service.name,
                "city": rating.service.organisation.name,
                "rating": rating.rating,
                "comment": rating.comment,
                "comment_published": rating.comment_published,
                "created_at": _iso(rating.created_at),
                "updated_at": _iso(rating.updated_at),
            }
            for rating in ratings
        ],
        "reports": [
            {
                "idea": {"id": flag.idea_id, "title": flag.idea.title},
                "comment_id": flag.comment_id,
                "reason": flag.reason,
                "note": flag.note,
                "created_at": _iso(flag.created_at),
            }
            for flag in reports
        ],
        "consultation_responses": [
            {
                "consultation": response.consultation.title,
                "city": response.consultation.organisation.name,
                "submitted_at": _iso(response.submitted_at),
                "answers": [
                    {
                        "question": answer.question.text,
                        "option": answer.option.label if answer.option_id else None,
                        "rank": answer.rank,
                        "scale": answer.scale,
                        "text": answer.text,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in responses
        ],
    }


def user_data_export(user) -> dict:
    """Everything di4c holds about this person and what they posted."""
    return {
        "exported_at": timezone.now().isoformat(),
        "account": _account(user),
        "memberships": _memberships(user),
        "api_tokens": _api_tokens(user),
        **_engagement(user),
    }
