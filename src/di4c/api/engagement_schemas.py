"""Schemas of the consultations API (what it answers, what it takes) and the helpers the
consultations and ideas API modules share: lookups through the engagement permissions, pages of
a list, the people's display names and the links to the pages."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import StrictInt, StrictStr

from di4c.api.plan_schemas import Id, In, check_id
from di4c.engagement.models import (
    Consultation,
    ConsultationMode,
    QuestionKind,
)
from di4c.engagement.models.consultations import DESCRIPTION_MAX, QUESTION_MAX, TITLE_MAX
from di4c.engagement.selectors import lookups
from di4c.networks.models import Organisation

MODES = ", ".join(ConsultationMode.values)
KINDS = ", ".join(QuestionKind.values)
STATES = "draft, scheduled, open or closed"
NAIVE = "A time without an offset is read in the city's time zone"

# --- shared helpers ---------------------------------------------------------------------------


def display_name(user) -> str:
    """The name shown for a person: never their e-mail address."""
    if user is None:
        return _("Deleted account")
    return user.full_name or _("A participant")


def page_url(obj) -> str | None:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the pages are not wired (yet)
        return None


class UrlsOut(Schema):
    page: str | None = Field(None, description="The page on the site (null if there is none)")


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def page_of(rows, params: PageIn) -> tuple[list, int]:
    """One page of a queryset and the number of rows in all: two queries."""
    return list(rows[params.offset : params.offset + params.limit]), rows.count()


def found(obj):
    if obj is None:
        raise Http404
    return obj


def readable_city(slug: str) -> Organisation:
    if "\x00" in slug:
        raise Http404
    return found(lookups.city(slug))


def by_id(lookup, pk: int):
    check_id(pk)
    return found(lookup(pk))


def check_perm_or_404(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        # What the reader may not see is not even acknowledged.
        raise Http404


def readable_consultation(request, pk: int, *, with_questions: bool = False) -> Consultation:
    lookup = lookups.consultation_with_questions if with_questions else lookups.consultation
    consultation = by_id(lookup, pk)
    check_perm_or_404(request, "engagement.view_consultation", consultation)
    return consultation


def related(queryset, pk: int | None, field: str):
    """The plan, objective, service or action a client names by id, or a field error."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: _("Nothing has the id %(id)s.") % {"id": pk}})
    return obj


# --- consultations: what the API answers -------------------------------------------------------


class OptionOut(Schema):
    id: int
    position: int
    label: str


class QuestionOut(Schema):
    id: int
    position: int
    kind: str = Field(..., description=KINDS)
    text: str
    help_text: str
    required: bool
    options: list[OptionOut] = Field(
        ..., description="Choice and ranking questions: what may be chosen, in order"
    )

    @staticmethod
    def resolve_options(obj):
        return list(obj.options.all())


def sees_results(request, consultation: Consultation) -> bool:
    return request.user.has_perm("engagement.view_results", consultation)


class ConsultationOut(Schema):
    id: int
    organisation: str = Field(..., description="The city's slug")
    title: str
    description: str = Field(..., description="Markdown")
    mode: str = Field(
        ..., description=f"Who may answer, and how one response per person is kept: {MODES}"
    )
    opens_at: dt.datetime
    closes_at: dt.datetime
    state: str = Field(..., description=STATES)
    is_published: bool
    results_public: bool = Field(..., description="The results are public once it has closed")
    plan: int | None
    objective: int | None
    service: int | None
    response_count: int | None = Field(
        ..., description="Null unless the reader may see the results"
    )
    urls: UrlsOut

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug

    @staticmethod
    def resolve_state(obj):
        return obj.state()

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id

    @staticmethod
    def resolve_objective(obj):
        return obj.objective_id

    @staticmethod
    def resolve_service(obj):
        return obj.service_id

    @staticmethod
    def resolve_response_count(obj, context):
        return obj.response_count if sees_results(context["request"], obj) else None

    @staticmethod
    def resolve_urls(obj):
        return {"page": page_url(obj)}


class ConsultationDetailOut(ConsultationOut):
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.all())


class ConsultationPageOut(Schema):
    items: list[ConsultationOut]
    count: int


class InvitationOut(Schema):
    id: int
    email: str = Field(..., description="Empty for a link to hand out")
    mailed: bool = Field(..., description="Sent by e-mail: only the person invited gets it")
    token: str | None = Field(
        ..., description="A link to hand out: its secret, shown now and never again"
    )
    url: str | None = Field(..., description="A link to hand out: the single-use address")


class InvitationsOut(Schema):
    links: list[InvitationOut]


class ResponseOut(Schema):
    consultation: int
    mode: str = Field(..., description="Which one-response rule applied: " + MODES)
    submitted_at: dt.datetime


class TextAnswerOut(Schema):
    id: int
    text: str
    moderation: str | None = Field(
        ..., description="pending, published or hidden: to the city only (null otherwise)"
    )


class OptionResultOut(Schema):
    id: int
    label: str
    count: int
    percent: float = Field(..., description="Of the people who answered the question")
    average_rank: float | None = Field(..., description="Ranking: the average place (1 = first)")
    points: int | None = Field(
        ..., description="Ranking: Borda points, n for a first place down to 1 for the last"
    )


class ScaleResultOut(Schema):
    value: int
    count: int
    percent: float


class QuestionResultOut(Schema):
    id: int
    kind: str = Field(..., description=KINDS)
    text: str
    answered: int = Field(..., description="People who answered this question")
    options: list[OptionResultOut] = Field(..., description="Ranking: by points, most first")
    scale: list[ScaleResultOut] = Field(..., description="Scale: each value 1 to 5")
    scale_average: float | None
    texts: list[TextAnswerOut] = Field(
        ..., description="Free text: the newest 30; the public sees only the published ones"
    )
    text_counts: dict[str, int] | None = Field(
        ..., description="Free text: answers per moderation state, to the city only"
    )


class ResultsOut(Schema):
    consultation: int
    mode: str = Field(..., description="Which one-response rule applied: " + MODES)
    mode_label: str
    state: str = Field(..., description=STATES)
    city_view: bool = Field(..., description="Live results with every free-text answer")
    responses: int
    invitations: int | None = Field(..., description="By invitation, to the city: links made")
    invitations_used: int | None
    questions: list[QuestionResultOut]


class ModerationOut(Schema):
    id: int
    question: int
    moderation: str = Field(..., description="published or hidden")


# --- consultations: what the API takes ---------------------------------------------------------


class ConsultationIn(In):
    title: str = Field(..., max_length=TITLE_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX, description="Markdown")
    mode: str = Field(ConsultationMode.ACCOUNT, description=MODES)
    opens_at: dt.datetime = Field(..., description=NAIVE)
    closes_at: dt.datetime = Field(..., description=NAIVE)
    results_public: bool = False
    plan_id: Id | None = Field(None, description="A plan of the city")
    objective_id: Id | None = Field(None, description="An objective of the city's plan")
    service_id: Id | None = Field(None, description="A public service of the city")


class ConsultationPatch(In):
    title: str | None = Field(None, max_length=TITLE_MAX)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)
    mode: str | None = Field(None, description=f"{MODES}; fixed once people have answered")
    opens_at: dt.datetime | None = Field(None, description=NAIVE)
    closes_at: dt.datetime | None = Field(None, description=NAIVE)
    results_public: bool | None = None
    plan_id: Id | None = Field(None, description="null removes it")
    objective_id: Id | None = Field(None, description="null removes it")
    service_id: Id | None = Field(None, description="null removes it")


OptionLabel = Annotated[str, Field(max_length=500)]


class QuestionIn(In):
    kind: str = Field(..., description=KINDS)
    text: str = Field(..., max_length=QUESTION_MAX)
    help_text: str = Field("", max_length=500)
    required: bool = True
    options: list[OptionLabel] = Field(
        [], max_length=100, description="Choice and ranking questions: at least two, in order"
    )


class QuestionPatch(In):
    kind: str | None = Field(None, description=KINDS)
    text: str | None = Field(None, max_length=QUESTION_MAX)
    help_text: str | None = Field(None, max_length=500)
    required: bool | None = None
    options: list[OptionLabel] | None = Field(
        None, max_length=100, description="Replaces every option; omitted: kept as they are"
    )


class InvitationsIn(In):
    emails: list[Annotated[str, Field(max_length=254)]] = Field(
        [], max_length=2000, description="One link mailed to each address"
    )
    count: int = Field(0, ge=0, le=2000, description="Links to hand out yourself")


AnswerValue = StrictInt | StrictStr | list[StrictInt | StrictStr] | None


class ResponseIn(In):
    answers: dict[Annotated[str, Field(max_length=12)], AnswerValue] = Field(
        ...,
        description=(
            'Keyed by question id ("12" or "q12"): an option id (single choice), a list of '
            "option ids (multiple choice; ranking: every option, the first place first), "
            "1 to 5 (scale) or a text"
        ),
    )
    invitation_token: str = Field(
        "", max_length=100, description="By invitation: the secret of the single-use link"
    )
    respondent_key: str | None = Field(
        None,
        min_length=16,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.~-]+$",
        description=(
            "Anonymous consultations: a random key the client keeps (16 to 64 characters), "
            "one response per key, rate-limited per address"
        ),
    )


class ModerationIn(In):
    publish: bool = Field(..., description="true: shown in the public results; false: hidden")
