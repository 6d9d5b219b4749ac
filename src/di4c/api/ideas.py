"""API of ideas and service feedback: citizens' and entrepreneurs' ideas for a city's plan, with
comments, support, reports, the city's moderation and answers; ratings of public services.

Reads follow engagement.view_idea (a hidden idea is a 404 to everyone but its author and the
city's moderators). Posting needs a signed-in account (a personal token) and is limited per
account and per address (429). The city's editors and coordinators answer and moderate
through engagement.services, which check the role (403). People appear by their display name,
never by their e-mail address."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from di4c.api.auth import token_or_session
from di4c.api.engagement_schemas import (
    PageIn,
    by_id,
    check_perm_or_404,
    found,
    page_of,
    readable_city,
    related,
)
from di4c.api.idea_schemas import (
    CommentIn,
    CommentOut,
    FlagIn,
    FlagOut,
    HideIn,
    IdeaAnswerIn,
    IdeaDetailOut,
    IdeaFilters,
    IdeaIn,
    IdeaPageOut,
    IdeaPatch,
    ModerationQueueOut,
    RatingIn,
    RatingOut,
    RatingsOut,
    ShowIn,
    SupportOut,
)
from di4c.api.maturity import ErrorOut, optional_auth
from di4c.api.meeting_schemas import fields_renamed
from di4c.api.plan_schemas import READ, WRITE, query_error
from di4c.core.ratelimit import client_address
from di4c.engagement import selectors, services
from di4c.engagement.models import Comment, FlagReason, Idea, IdeaStatus
from di4c.engagement.selectors import lookups, participation
from di4c.engagement.selectors.ideas import SORTS
from di4c.engagement.services.feedback import service_accepts_feedback

router = Router(tags=["ideas"])

POST = {**WRITE, 429: ErrorOut}


def _readable(request, pk: int) -> Idea:
    idea = by_id(lookups.idea, pk)
    check_perm_or_404(request, "engagement.view_idea", idea)
    return idea


def _page(request, idea: Idea) -> Idea:
    """The idea as the caller now sees it: its comments, journey and, for moderators, reports."""
    moderator = request.user.has_perm("engagement.moderate_idea", idea)
    try:
        return selectors.idea_page(
            idea.pk, idea.organisation, user=request.user, moderator=moderator
        )
    except ObjectDoesNotExist:
        return found(None)


def _comment(idea: Idea, pk: int | None, field: str = "comment_id") -> Comment | None:
    if pk is None:
        return None
    comment = lookups.comment_of(idea, pk)
    if comment is None:
        raise ValidationError(
            {field: _("This idea has no comment with the id %(id)s.") % {"id": pk}}
        )
    return comment


def _links(request, organisation, data: dict) -> dict:
    """Plans and services by id, among those of this city the caller may see: one "nothing
    has the id" for the rest, so that ids of other cities or of drafts tell nothing."""
    relations = {
        "plan": participation.plan_choices(organisation, request.user),
        "service": participation.service_choices(organisation, request.user),
    }
    for name, queryset in relations.items():
        if f"{name}_id" in data:
            data[name] = related(queryset, data.pop(f"{name}_id"), f"{name}_id")
    return data


def _renamed():
    return fields_renamed(plan="plan_id", service="service_id", action="action_id")


# --- ideas --------------------------------------------------------------------------------------


@router.get("/organisations/{slug}/ideas", response={200: IdeaPageOut, **READ}, auth=optional_auth)
def list_ideas(request, slug: str, filters: Query[IdeaFilters]):
    """The city's ideas, the newest (or the most supported) first; hidden ones only to their
    author and the city's moderators."""
    organisation = readable_city(slug)
    if filters.status is not None and filters.status not in IdeaStatus.values:
        query_error("status", _("Unknown status."))
    if filters.sort not in SORTS:
        query_error("sort", _("Sort by new or supported."))
    rows = selectors.ideas_of(
        organisation,
        user=request.user,
        moderator=request.user.has_perm("engagement.moderate", organisation),
        status=filters.status or "",
        sort=filters.sort,
    )
    items, count = page_of(rows, filters)
    return {"items": items, "count": count}


@router.get("/ideas/{pk}", response={200: IdeaDetailOut, **READ}, auth=optional_auth)
def get_idea(request, pk: int):
    """The idea with the comments the caller may see and its journey: each answer of the city
    (status, reason, the plan action it became)."""
    return _page(request, _readable(request, pk))


@router.post(
    "/organisations/{slug}/ideas", response={201: IdeaDetailOut, **POST}, auth=token_or_session
)
def post_idea(request, slug: str, payload: IdeaIn):
    """Post an idea for the city's plan (or one of its services)."""
    organisation = readable_city(slug)
    data = _links(request, organisation, payload.dict())
    with _renamed():
        idea = services.idea_post(
            actor=request.auth,
            organisation=organisation,
            data=data,
            address=client_address(request),
        )
    return Status(201, _page(request, idea))


@router.patch("/ideas/{pk}", response={200: IdeaDetailOut, **WRITE}, auth=token_or_session)
def patch_idea(request, pk: int, payload: IdeaPatch):
    """The author corrects the idea, until the city has answered it."""
    idea = _readable(request, pk)
    data = _links(request, idea.organisation, payload.dict(exclude_unset=True))
    with _renamed():
        services.idea_edit(actor=request.auth, idea=idea, data=data)
    return _page(request, idea)


@router.post("/ideas/{pk}/comments", response={201: CommentOut, **POST}, auth=token_or_session)
def post_comment(request, pk: int, payload: CommentIn):
    idea = _readable(request, pk)
    comment = services.comment_post(
        actor=request.auth, idea=idea, body=payload.body, address=client_address(request)
    )
    comment.author = request.auth
    return Status(201, comment)


def _support_out(request, idea: Idea, changed: bool) -> dict:
    page = _page(request, idea)
    return {
        "supported": bool(page.supported),
        "changed": changed,
        "support_count": page.support_count,
    }


@router.post("/ideas/{pk}/support", response={200: SupportOut, **WRITE}, auth=token_or_session)
def support_idea(request, pk: int):
    """Support the idea: once per person (a second time changes nothing)."""
    idea = _readable(request, pk)
    changed = services.idea_support(actor=request.auth, idea=idea)
    return _support_out(request, idea, changed)


@router.delete("/ideas/{pk}/support", response={200: SupportOut, **WRITE}, auth=token_or_session)
def unsupport_idea(request, pk: int):
    idea = _readable(request, pk)
    changed = services.idea_unsupport(actor=request.auth, idea=idea)
    return _support_out(request, idea, changed)


@router.post("/ideas/{pk}/flags", response={201: FlagOut, **POST}, auth=token_or_session)
def flag_content(request, pk: int, payload: FlagIn):
    """Report the idea, or one of its comments, to the city's moderators (once each)."""
    idea = _readable(request, pk)
    if payload.reason not in FlagReason.values:
        raise ValidationError(
            {"reason": _("Choose one of: %(reasons)s.") % {"reasons": ", ".join(FlagReason.values)}}
        )
    comment = _comment(idea, payload.comment_id)
    flag = services.flag_create(
        actor=request.auth, idea=idea, comment=comment, reason=payload.reason, note=payload.note
    )
    return Status(201, lookups.flag(flag.pk))


# --- the city's answers and moderation ---------------------------------------------------------


@router.post("/ideas/{pk}/answer", response={200: IdeaDetailOut, **WRITE}, auth=token_or_session)
def answer_idea(request, pk: int, payload: IdeaAnswerIn):
    """The city's answer, mailed to the author and kept in the idea's journey: accepted names
    the plan action the idea became (action_id); not retained says why (answer)."""
    idea = _readable(request, pk)
    if not request.user.has_perm("engagement.answer_idea", idea):
        raise PermissionDenied(_("You do not have permission to do this."))
    action = related(
        participation.action_choices(idea.organisation), payload.action_id, "action_id"
    )
    with _renamed():
        services.idea_answer(
            actor=request.auth,
            idea=idea,
            status=payload.status,
            answer=payload.answer,
            action=action,
        )
    return _page(request, idea)


@router.post("/ideas/{pk}/hide", response={200: IdeaDetailOut, **WRITE}, auth=token_or_session)
def hide_content(request, pk: int, payload: HideIn):
    """Hide the idea, or one of its comments, with a reason its author reads (and is mailed).
    Open reports of it are closed as upheld."""
    idea = _readable(request, pk)
    comment = _comment(idea, payload.comment_id)
    services.content_hide(actor=request.auth, idea=idea, comment=comment, reason=payload.reason)
    return _page(request, idea)


@router.post("/ideas/{pk}/show", response={200: IdeaDetailOut, **WRITE}, auth=token_or_session)
def show_content(request, pk: int, payload: ShowIn | None = None):
    """Show a hidden idea (or one of its comments) again."""
    idea = _readable(request, pk)
    comment = _comment(idea, payload.comment_id if payload else None)
    services.content_show(actor=request.auth, idea=idea, comment=comment)
    return _page(request, idea)


@router.get(
    "/organisations/{slug}/moderation/flags",
    response={200: ModerationQueueOut, **WRITE},
    auth=token_or_session,
)
def moderation_flags(request, slug: str):
    """The city's open reports, oldest first, with what they point at (to its moderators)."""
    organisation = readable_city(slug)
    if not request.user.has_perm("engagement.moderate", organisation):
        raise PermissionDenied(_("You do not have permission to do this."))
    queue = selectors.moderation_queue(organisation)
    return {
        "organisation": organisation.slug,
        "new_ideas": queue.new_ideas,
        "hidden_ideas": queue.hidden_ideas,
        "flags": queue.flags,
    }


@router.post("/flags/{pk}/dismiss", response={200: FlagOut, **WRITE}, auth=token_or_session)
def dismiss_flag(request, pk: int):
    """The report was not founded: the content stays as it is."""
    flag = by_id(lookups.flag, pk)
    services.flag_dismiss(actor=request.auth, flag=flag)
    return lookups.flag(pk)


# --- service feedback ---------------------------------------------------------------------------


@router.get("/services/{pk}/ratings", response={200: RatingsOut, **READ}, auth=optional_auth)
def service_ratings(request, pk: int, page: Query[PageIn]):
    """How people rate the service: count, average, the share of 4 and 5 (its satisfaction
    figure) and the comments the city has published (the city sees every comment)."""
    service = by_id(lookups.service, pk)
    organisation = service.organisation
    open_ = service_accepts_feedback(service)
    if not open_ and not request.user.has_perm("services.view_catalogue", organisation):
        return found(None)
    city_view = request.user.has_perm("engagement.moderate", organisation)
    summary = selectors.rating_summary(service)
    comments, comment_count = page_of(selectors.rating_comments(service, city_view=city_view), page)
    return {
        "service": service.pk,
        "accepts_feedback": open_,
        "count": summary.count,
        "average": summary.average,
        "satisfied_percent": summary.satisfied_percent,
        "distribution": [{"rating": r, "count": n} for r, n in summary.distribution],
        "comments": [
            {
                "id": rating.pk,
                "rating": rating.rating,
                "comment": rating.comment,
                "updated_at": rating.updated_at,
                "published": rating.comment_published if city_view else None,
            }
            for rating in comments
        ],
        "comment_count": comment_count,
    }


@router.post("/services/{pk}/ratings", response={201: RatingOut, **POST}, auth=token_or_session)
def rate_service(request, pk: int, payload: RatingIn):
    """Rate the service 1 to 5, with an optional comment (shown once the city publishes it).
    A second rating by the same person replaces the first."""
    service = by_id(lookups.service, pk)
    if not service_accepts_feedback(service) and not request.user.has_perm(
        "services.view_catalogue", service.organisation
    ):
        return found(None)
    rating = services.service_rate(
        actor=request.auth,
        service=service,
        rating=payload.rating,
        comment=payload.comment,
        address=client_address(request),
    )
    satisfaction = lookups.service(pk).satisfaction
    return Status(
        201,
        {
            "id": rating.pk,
            "service": service.pk,
            "rating": rating.rating,
            "comment": rating.comment,
            "comment_published": rating.comment_published,
            "satisfaction": float(satisfaction) if satisfaction is not None else None,
        },
    )
