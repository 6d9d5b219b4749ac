"""Schemas of the ideas and service-feedback API: what it answers, what it takes.

People appear by their display name only, never by their e-mail address; hidden content
appears only to its author and the city's moderators, with the reason it was hidden."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from di4c.api.engagement_schemas import UrlsOut, display_name, page_url
from di4c.api.plan_schemas import Id, In
from di4c.core.markdown import render_markdown
from di4c.engagement.models import FlagReason, IdeaStatus
from di4c.engagement.models.feedback import FEEDBACK_COMMENT_MAX
from di4c.engagement.models.ideas import COMMENT_MAX, IDEA_BODY_MAX, IDEA_TITLE_MAX, REASON_MAX

STATUSES = ", ".join(IdeaStatus.values)
REASONS = ", ".join(FlagReason.values)
HIDDEN = "Only to the author and the city's moderators, who alone see hidden content"


def _is_mine(obj, context) -> bool:
    user = context["request"].user
    return bool(user.is_authenticated and obj.author_id == user.pk)


# --- what the API answers ---------------------------------------------------------------------


class ActionRefOut(Schema):
    id: int
    plan: int
    code: str
    title: str

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id


class IdeaOut(Schema):
    id: int
    organisation: str = Field(..., description="The city's slug")
    title: str
    body: str = Field(..., description="Markdown")
    status: str = Field(..., description=STATUSES)
    status_label: str
    answer: str = Field(..., description="The city's latest answer")
    action: ActionRefOut | None = Field(..., description="Accepted: the plan action it became")
    plan: int | None
    service: int | None
    author: str = Field(..., description="The author's display name")
    is_mine: bool = Field(..., description="Whether the caller wrote it")
    support_count: int
    comment_count: int = Field(..., description="Comments shown to everyone")
    is_hidden: bool = Field(..., description=HIDDEN)
    hidden_reason: str | None = Field(..., description="Hidden: why (the author reads it)")
    open_flags: int | None = Field(..., description="To the city's moderators: open reports")
    created_at: dt.datetime
    urls: UrlsOut

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id

    @staticmethod
    def resolve_service(obj):
        return obj.service_id

    @staticmethod
    def resolve_author(obj):
        return display_name(obj.author)

    @staticmethod
    def resolve_is_mine(obj, context):
        return _is_mine(obj, context)

    @staticmethod
    def resolve_comment_count(obj):
        count = getattr(obj, "comment_count", None)
        if count is None:  # the idea's page: its comments are at hand
            count = sum(1 for comment in obj.comments.all() if not comment.is_hidden)
        return count

    @staticmethod
    def resolve_hidden_reason(obj):
        return obj.hidden_reason if obj.is_hidden else None

    @staticmethod
    def resolve_open_flags(obj):
        return getattr(obj, "open_flags", None)

    @staticmethod
    def resolve_urls(obj):
        return {"page": page_url(obj)}


class CommentOut(Schema):
    id: int
    author: str = Field(..., description="The author's display name")
    is_mine: bool
    body: str = Field(..., description="Markdown")
    body_html: str = Field(..., description="The Markdown made into safe HTML")
    is_hidden: bool = Field(..., description=HIDDEN)
    hidden_reason: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj):
        return display_name(obj.author)

    @staticmethod
    def resolve_is_mine(obj, context):
        return _is_mine(obj, context)

    @staticmethod
    def resolve_body_html(obj):
        return str(render_markdown(obj.body))

    @staticmethod
    def resolve_hidden_reason(obj):
        return obj.hidden_reason if obj.is_hidden else None


class JourneyStepOut(Schema):
    status: str = Field(..., description=STATUSES)
    status_label: str
    answer: str
    action: ActionRefOut | None
    changed_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())


class ContentRefOut(Schema):
    id: int
    text: str = Field(..., description="The idea's title or the comment's text")
    author: str
    is_hidden: bool


class FlagOut(Schema):
    id: int
    idea: ContentRefOut
    comment: ContentRefOut | None = Field(..., description="A reported comment; null: the idea")
    reason: str = Field(..., description=REASONS)
    note: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    upheld: bool | None = Field(..., description="true: hidden; false: dismissed; null: open")

    @staticmethod
    def resolve_idea(obj):
        idea = obj.idea
        return {
            "id": idea.pk,
            "text": idea.title,
            "author": display_name(idea.author),
            "is_hidden": idea.is_hidden,
        }

    @staticmethod
    def resolve_comment(obj):
        comment = obj.comment
        if comment is None:
            return None
        return {
            "id": comment.pk,
            "text": comment.body,
            "author": display_name(comment.author),
            "is_hidden": comment.is_hidden,
        }


class IdeaDetailOut(IdeaOut):
    body_html: str = Field(..., description="The Markdown made into safe HTML")
    supported: bool | None = Field(..., description="Whether the caller supports it (signed in)")
    comments: list[CommentOut] = Field(..., description="As the caller may see them")
    journey: list[JourneyStepOut] = Field(..., description="The city's answers, oldest first")
    flags: list[FlagOut] | None = Field(..., description="To the city's moderators: open reports")

    @staticmethod
    def resolve_body_html(obj):
        return str(render_markdown(obj.body))

    @staticmethod
    def resolve_supported(obj):
        return getattr(obj, "supported", None)

    @staticmethod
    def resolve_comments(obj):
        return list(obj.comments.all())

    @staticmethod
    def resolve_journey(obj):
        return list(obj.status_changes.all())

    @staticmethod
    def resolve_open_flags(obj):
        flags = getattr(obj, "open_flag_list", None)
        return None if flags is None else len(flags)

    @staticmethod
    def resolve_flags(obj):
        return getattr(obj, "open_flag_list", None)


class IdeaPageOut(Schema):
    items: list[IdeaOut]
    count: int


class SupportOut(Schema):
    supported: bool
    changed: bool = Field(..., description="false: it already was so (support counts once)")
    support_count: int


class ModerationQueueOut(Schema):
    organisation: str
    new_ideas: int = Field(..., description="Ideas waiting for the city's answer")
    hidden_ideas: int
    flags: list[FlagOut] = Field(..., description="Open reports, oldest first (at most 200)")


class RatingCountOut(Schema):
    rating: int
    count: int


class RatingCommentOut(Schema):
    id: int
    rating: int
    comment: str
    updated_at: dt.datetime
    published: bool | None = Field(..., description="To the city: whether the public sees it")


class RatingsOut(Schema):
    service: int
    accepts_feedback: bool = Field(..., description="Whether people may rate it now")
    count: int
    average: float | None
    satisfied_percent: float | None = Field(..., description="Share of ratings of 4 or 5")
    distribution: list[RatingCountOut] = Field(..., description="5 down to 1")
    comments: list[RatingCommentOut] = Field(
        ..., description="The newest first: the published ones (the city sees all)"
    )
    comment_count: int


class RatingOut(Schema):
    id: int
    service: int
    rating: int
    comment: str
    comment_published: bool = Field(..., description="Shown to the public once the city has")
    satisfaction: float | None = Field(..., description="The service's new satisfaction figure")


# --- what the API takes -----------------------------------------------------------------------


class IdeaIn(In):
    title: str = Field(..., max_length=IDEA_TITLE_MAX)
    body: str = Field(..., max_length=IDEA_BODY_MAX, description="Markdown")
    plan_id: Id | None = Field(None, description="A plan of the city")
    service_id: Id | None = Field(None, description="A public service of the city")


class IdeaPatch(In):
    title: str | None = Field(None, max_length=IDEA_TITLE_MAX)
    body: str | None = Field(None, max_length=IDEA_BODY_MAX)
    plan_id: Id | None = None
    service_id: Id | None = None


class CommentIn(In):
    body: str = Field(..., max_length=COMMENT_MAX, description="Markdown")


class FlagIn(In):
    reason: str = Field(..., description=REASONS)
    note: str = Field("", max_length=500)
    comment_id: Id | None = Field(None, description="Report a comment of the idea")


class IdeaAnswerIn(In):
    status: str = Field(
        ...,
        description="under_review, accepted (with action_id), already_planned or "
        "not_retained (with the reason in answer)",
    )
    answer: str = Field("", max_length=REASON_MAX)
    action_id: Id | None = Field(None, description="Accepted: the action of the city's plan")


class HideIn(In):
    reason: str = Field(..., max_length=500, description="The author reads it")
    comment_id: Id | None = Field(None, description="Hide this comment, not the idea")


class ShowIn(In):
    comment_id: Id | None = Field(None, description="Show this comment again, not the idea")


class IdeaFilters(Schema):
    status: str | None = Field(None, description=STATUSES)
    sort: str = Field("new", description="new (newest first) or supported (most supported)")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class RatingIn(In):
    rating: Annotated[int, Field(ge=1, le=5, description="1 to 5")]
    comment: str = Field("", max_length=FEEDBACK_COMMENT_MAX, description="Moderated first")
