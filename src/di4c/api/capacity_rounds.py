"""API of the capacity app, part two: self-assessment rounds (prepare, open, close), their
single-use links, the anonymous submission, and the aggregates - round results, training needs,
the before/after comparison - and the city's dashboard.

Read through capacity.view_capacity on the round's city (403 without it, 404 if there is no such
round), written through capacity.services (capacity.manage_capacity). Nothing here returns one
person's answers: none are kept (capacity/models/rounds.py); results come only from closed
rounds, and only for groups of at least five people (capacity/selectors/groups.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate
from ninja.security import SessionAuth

from di4c.api.auth import TokenAuth, token_or_session
from di4c.api.capacity_result_schemas import (
    SHOWN,
    ComparisonOut,
    DashboardOut,
    NeedsOut,
    SkillResultsOut,
)
from di4c.api.capacity_schemas import (
    READ,
    WRITE,
    LinksIn,
    LinksOut,
    ParticipationOut,
    RoundIn,
    RoundOut,
    RoundPatch,
    SelfAssessmentIn,
    SubmittedOut,
    bands,
    by_id_in,
    capacity_city,
    check_manager,
    competence_ref,
    framework_named,
    nested_errors,
    number,
    readable_round,
    reader_language,
)
from di4c.api.maturity import ErrorOut, OptionalToken
from di4c.api.plan_schemas import check_id
from di4c.capacity import selectors, services
from di4c.capacity.models import (
    MIN_GROUP_SIZE,
    Access,
    Department,
    RespondentTally,
    Round,
    RoundLink,
    RoundParticipation,
    RoundStatus,
    SkillArea,
    SkillsFramework,
)
from di4c.capacity.selectors import ALL, OTHER

router = Router(tags=["capacity"])

CITY = "/capacity/organisations/{slug}"


# --- rounds -------------------------------------------------------------------------------------


def _round_detail(pk: int) -> Round:
    return (
        Round.objects.select_related("organisation", "framework")
        .prefetch_related("areas")
        .get(pk=pk)
    )


def _areas(framework: SkillsFramework, codes: list[str] | None) -> list[SkillArea] | None:
    if codes is None:
        return None
    areas = {area.code: area for area in SkillArea.objects.filter(framework=framework)}
    unknown = [code for code in dict.fromkeys(codes) if code not in areas]
    if unknown:
        raise ValidationError(
            {"areas": _("Not an area of the framework: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [areas[code] for code in dict.fromkeys(codes)]


@router.get(CITY + "/rounds", response={200: list[RoundOut], **READ}, auth=token_or_session)
@paginate
def list_rounds(request, slug: str):
    """The city's self-assessment rounds, the latest opening first."""
    organisation = capacity_city(request, slug)
    return (
        Round.objects.filter(organisation=organisation)
        .select_related("organisation", "framework")
        .prefetch_related("areas")
        .order_by("-opens_on", "-pk")
    )


@router.post(CITY + "/rounds", response={201: RoundOut, **WRITE}, auth=token_or_session)
def create_round(request, slug: str, payload: RoundIn):
    """Prepare a round (a draft): its dates, the areas asked about, how staff answer."""
    organisation = capacity_city(request, slug)
    check_manager(request, organisation)
    data = payload.dict()
    framework = framework_named(data.pop("framework"), data.pop("version"))
    areas = _areas(framework, data.pop("areas") or [])
    round_ = services.round_save(
        actor=request.auth,
        organisation=organisation,
        data=data,
        framework=framework,
        areas=areas,
    )
    return Status(201, _round_detail(round_.pk))


@router.get("/capacity/rounds/{pk}", response={200: RoundOut, **READ}, auth=token_or_session)
def get_round(request, pk: int):
    return readable_round(request, pk)


@router.patch("/capacity/rounds/{pk}", response={200: RoundOut, **WRITE}, auth=token_or_session)
def patch_round(request, pk: int, payload: RoundPatch):
    """Change the fields given. A closed round no longer changes; once someone has answered,
    the areas and the way to answer are fixed."""
    round_ = readable_round(request, pk)
    check_manager(request, round_.organisation)
    data = payload.dict(exclude_unset=True)
    areas = _areas(round_.framework, data.pop("areas")) if "areas" in data else None
    services.round_save(
        actor=request.auth,
        organisation=round_.organisation,
        data=data,
        round_=round_,
        areas=areas,
    )
    return _round_detail(pk)


@router.post("/capacity/rounds/{pk}/open", response={200: RoundOut, **WRITE}, auth=token_or_session)
def open_round(request, pk: int):
    """Open a draft round (the city needs departments and staff roles first)."""
    services.round_open(actor=request.auth, round_=readable_round(request, pk))
    return _round_detail(pk)


@router.post(
    "/capacity/rounds/{pk}/close", response={200: RoundOut, **WRITE}, auth=token_or_session
)
def close_round(request, pk: int):
    """Close an open round: no more answers; its results appear, and plan indicators fed by
    the city's rounds take the new value."""
    services.round_close(actor=request.auth, round_=readable_round(request, pk))
    return _round_detail(pk)


def _answer_url(token: str) -> str | None:
    try:
        path = reverse("capacity:answer_link", args=[token])
    except NoReverseMatch:  # the answering page is not wired (yet)
        return None
    return settings.SITE_URL.rstrip("/") + path


@router.post(
    "/capacity/rounds/{pk}/links", response={201: LinksOut, **WRITE}, auth=token_or_session
)
def create_links(request, pk: int, payload: LinksIn, response: HttpResponse):
    """`count` single-use links for one department's staff (rounds answered by link). Only a
    hash of each is kept: the tokens and addresses are in this answer only, to be handed out.
    A link says nothing about who used it."""
    round_ = readable_round(request, pk)
    check_manager(request, round_.organisation)
    department = by_id_in(
        Department.objects.filter(organisation=round_.organisation),
        payload.department_id,
        "department_id",
    )
    tokens = services.links_create(
        actor=request.auth, round_=round_, department=department, count=payload.count
    )
    response["Cache-Control"] = "no-store"  # the secrets are shown this once
    return Status(
        201,
        {
            "round": round_.pk,
            "department_id": department.pk,
            "department": department.name,
            "links": [{"token": token, "url": _answer_url(token)} for token in tokens],
        },
    )


@router.get(
    "/capacity/rounds/{pk}/participation",
    response={200: ParticipationOut, **READ},
    auth=token_or_session,
)
def round_participation(request, pk: int):
    """While a round is prepared or open, how many people of each department have answered
    (and how many links were handed out), for the city's editors to remind departments. Only
    counts: never what anyone answered. Once closed, the results take over (`shown` false)."""
    round_ = readable_round(request, pk)
    check_manager(request, round_.organisation)
    if round_.status == RoundStatus.CLOSED:
        return {
            "round": round_.pk,
            "status": round_.status,
            "shown": False,
            "reason": _("The round is closed: see its results."),
            "answered": None,
            "departments": [],
        }
    answered = dict(
        RespondentTally.objects.filter(round=round_)
        .values("department_id")
        .annotate(total=Sum("count"))
        .values_list("department_id", "total")
    )
    links = dict(
        RoundLink.objects.filter(round=round_)
        .values("department_id")
        .annotate(total=Count("pk"))
        .values_list("department_id", "total")
    )
    by_link = round_.access == Access.LINKS
    departments = Department.objects.filter(organisation=round_.organisation).order_by("name")
    return {
        "round": round_.pk,
        "status": round_.status,
        "shown": True,
        "reason": "",
        "answered": sum(answered.values()),
        "departments": [
            {
                "id": department.pk,
                "name": department.name,
                "answered": answered.get(department.pk, 0),
                "links": links.get(department.pk, 0) if by_link else None,
            }
            for department in departments
        ],
    }


# --- answering ----------------------------------------------------------------------------------


class _SignedInSession(SessionAuth):
    """The browser session of a signed-in person (CSRF-checked); nothing for a visitor, who
    goes on to the anonymous door, so that a link can be used without an account."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


answer_auth = [TokenAuth(), _SignedInSession(), OptionalToken()]
ANSWER_FIELDS = {"role": ["role"], "department": ["department_id"], "token": ["token"]}


def _answer_error_place(key: str) -> list[str]:
    # The service names a competence by its code ("1.1"): its place is levels.<code>.
    return ANSWER_FIELDS.get(key) or (["levels"] if key == "levels" else ["levels", key])


def _already_used() -> Status:
    return Status(
        409,
        {
            "detail": _(
                "This link has already been used: each link counts one person, once. "
                "Ask your department for a new link if you have not answered yet."
            )
        },
    )


def _already_answered() -> Status:
    return Status(409, {"detail": _("You have already answered this round.")})


def _round_to_answer(pk: int) -> Round:
    check_id(pk)
    round_ = Round.objects.select_related("organisation").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    return round_


@router.post(
    "/capacity/self-assessments",
    response={
        201: SubmittedOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=answer_auth,
)
def submit_self_assessment(request, payload: SelfAssessmentIn):
    """Rate yourself, once per round: your level (1 to 8) in every competence the round asks
    about, and your role's code.

    - Rounds answered by link: `token`, the secret of your single-use link (no account needed;
      the link gives the department). A link used before is a 409.
    - Rounds answered by signing in: `round_id` and `department_id`, with a personal token
      (Authorization: Bearer) or the browser session. A second answer is a 409.

    The answer is added to anonymous counters and forgotten: the 201 says nothing about it.
    A missing level, a level outside 1 to 8 or a competence the round does not ask about is a
    422 naming each one (["body", "levels", "<code>"]); a closed round is a 422."""
    user = request.auth if request.auth is not True else None
    link = None
    department = None
    if payload.token:
        link = services.link_for(payload.token)
        if link is None or payload.round_id not in (None, link.round_id):
            raise ValidationError({"token": _("This link is not valid: check its address.")})
        if link.is_used:
            return _already_used()
        round_ = link.round
        user = None  # a link counts for its department, whoever holds it
    else:
        if user is None:
            return Status(401, {"detail": _("Give your link's token, or sign in to answer.")})
        if payload.round_id is None:
            raise ValidationError({"round_id": _("Say which round you answer.")})
        round_ = _round_to_answer(payload.round_id)
        if round_.access == Access.LINKS:
            raise ValidationError(
                {"token": _("This round is answered through links: give your link's token.")}
            )
        if RoundParticipation.objects.filter(round=round_, user=user).exists():
            return _already_answered()
        if payload.department_id is not None:
            department = Department.objects.filter(
                organisation_id=round_.organisation_id, pk=payload.department_id
            ).first()
    try:
        services.self_assessment_submit(
            round_=round_,
            role=payload.role,
            levels=payload.levels,
            token=payload.token if link else None,
            user=user,
            department=department,
        )
    except ValidationError as error:
        # Two submissions racing: the other one got the link (or the account's one answer).
        if link is not None and RoundLink.objects.filter(pk=link.pk, is_used=True).exists():
            return _already_used()
        if link is None and RoundParticipation.objects.filter(round=round_, user=user).exists():
            return _already_answered()
        return nested_errors(error, _answer_error_place)
    return Status(201, {"detail": _("Thank you: your self-assessment has been counted.")})


# --- results ------------------------------------------------------------------------------------


def _stats(stats: selectors.Stats) -> dict:
    return {
        "respondents": stats.respondents,
        "rated": stats.rated,
        "at_target": stats.at_target,
        "below": stats.below,
        "shortfall": stats.shortfall,
        "mean_level": number(stats.mean_level),
        "mean_target": number(stats.mean_target),
        "share_at_target": number(stats.share_at_target),
        "share_below": number(stats.share_below),
        "bands": list(stats.bands),
        "band_shares": [float(share) for share in stats.band_shares],
    }


def _group_ref(group, kind: str) -> dict:
    if group.key == ALL:
        kind, pk = "all", None
    elif group.key == OTHER:
        kind, pk = "other", None
    else:
        pk = group.key
    return {
        "kind": kind,
        "id": pk,
        "label": str(group.label),
        "respondents": group.respondents,
        "members": list(group.members),
    }


def _group_out(results, group, kind: str) -> dict:
    key = ("role", group.key) if kind == "role" else group.key
    return {
        **_group_ref(group, kind),
        "overall": _stats(results.group_overall(key)),
        "cells": [
            {"competence": competence.code, **_stats(results.cell(key, competence))}
            for competence in results.competences
        ],
    }


def _results_out(results: selectors.RoundResults) -> dict:
    round_ = results.round
    return {
        "round": round_.pk,
        "status": round_.status,
        "shown": results.shown,
        "reason": str(results.reason),
        "minimum_group_size": MIN_GROUP_SIZE,
        "respondents": results.respondents if results.shown else None,
        "bands": bands(),
        "competences": [competence_ref(c) for c in results.competences],
        "departments": [_group_out(results, g, "department") for g in results.groups],
        "roles": [_group_out(results, g, "role") for g in results.role_groups],
        "roles_shown": results.roles_shown,
        "roles_reason": str(results.roles_reason),
        "overall": _stats(results.overall) if results.shown else None,
    }


@router.get(
    "/capacity/rounds/{pk}/results",
    response={200: SkillResultsOut, **READ},
    auth=token_or_session,
    description="Results by department and by role: per competence, the people per band, the "
    "mean level, and how many are at or below their role's target. " + SHOWN,
)
def round_results(request, pk: int, lang: str | None = None):
    round_ = readable_round(request, pk)
    with reader_language(lang):
        return _results_out(selectors.round_results(round_))


@router.get(
    "/capacity/rounds/{pk}/needs",
    response={200: NeedsOut, **READ},
    auth=token_or_session,
    description="Training needs: each department and competence where people are below their "
    "role's target, ranked by the levels missing in all, then by the people below. " + SHOWN,
)
def training_needs(
    request, pk: int, limit: int = Query(50, ge=1, le=1000), lang: str | None = None
):
    round_ = readable_round(request, pk)
    with reader_language(lang):
        results = selectors.round_results(round_)
        needs = selectors.training_needs(results)
        return {
            "round": round_.pk,
            "shown": results.shown,
            "reason": str(results.reason),
            "count": len(needs),
            "needs": [
                {
                    "rank": rank,
                    "group": _group_ref(need.group, "department"),
                    "competence": competence_ref(need.competence),
                    "stats": _stats(need.stats),
                }
                for rank, need in enumerate(needs[:limit], start=1)
            ],
        }


@router.get(
    "/capacity/rounds/{pk}/comparison",
    response={200: ComparisonOut, **READ},
    auth=token_or_session,
    description="The change per department and competence from the round `before` to this one "
    "(both closed, same city and framework); a department appears on its own only if it is big "
    "enough in both rounds, and the current targets apply to both. " + SHOWN,
)
def compare_rounds(request, pk: int, before: int, lang: str | None = None):
    after = readable_round(request, pk)
    earlier = readable_round(request, before)
    with reader_language(lang):
        comparison = selectors.compare_rounds(earlier, after)
        return {
            "before": earlier.pk,
            "after": after.pk,
            "shown": comparison.shown,
            "reason": str(comparison.reason),
            "competences": [competence_ref(c) for c in comparison.competences],
            "groups": [
                {
                    **_group_ref(group, "department"),
                    "changes": [
                        {
                            "competence": competence.code,
                            "before": _stats(change.before),
                            "after": _stats(change.after),
                            "level_change": number(change.level_change),
                            "target_change": number(change.target_change),
                        }
                        for competence in comparison.competences
                        if (change := comparison.change(group.key, competence)) is not None
                    ],
                }
                for group in comparison.groups
            ],
        }


@router.get(CITY + "/dashboard", response={200: DashboardOut, **READ}, auth=token_or_session)
def capacity_dashboard(request, slug: str):
    """The city's figures: from its latest closed round, the share of staff assessed and the
    share at or above target (aggregates, shown only for 5 people or more); from its trainings,
    those held and planned, hours, enrolment and attendance."""
    organisation = capacity_city(request, slug)
    board = selectors.dashboard(organisation)
    shown = board.results is not None and board.results.shown
    reason = str(board.results.reason) if board.results else _("No round has closed yet.")
    latest = board.latest
    return {
        "organisation": organisation.slug,
        "latest_round": (
            {"id": latest.pk, "title": latest.title, "closes_on": latest.closes_on}
            if latest is not None
            else None
        ),
        "results_shown": shown,
        "reason": reason,
        "respondents": board.results.respondents if shown else None,
        "staff": board.staff,
        "assessed_share": number(board.assessed_share),
        "at_target_share": number(board.at_target_share),
        "trainings_held": board.trainings_held,
        "trainings_planned": board.trainings_planned,
        "hours": float(board.hours),
        "participant_hours": float(board.participant_hours),
        "enrolled": board.enrolled,
        "attended": board.attended,
        "attendance_share": number(board.attendance_share),
    }
