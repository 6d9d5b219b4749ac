"""API of the maturity app: frameworks, assessments with scores, network benchmarks."""

import re
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from di4c.api.auth import TokenAuth, token_or_session
from di4c.maturity import selectors, services
from di4c.maturity.models import Framework
from di4c.maturity.rules import networks_of_user
from di4c.networks import selectors as network_selectors

router = Router(tags=["maturity"])


class FrameworkIndicatorOut(Schema):
    code: str
    question: str
    question_i18n: dict[str, str]
    weight: float
    level_descriptors: list[str]
    evidence_guidance: list[str]


class DimensionOut(Schema):
    code: str
    name: str
    name_i18n: dict[str, str]
    weight: float
    indicators: list[FrameworkIndicatorOut]

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())


class FrameworkSummary(Schema):
    code: str
    version: int
    name: str
    scoring: str
    scale: str


class FrameworkOut(FrameworkSummary):
    name_i18n: dict[str, str]
    description: str
    level_names: list[dict]
    dimensions: list[DimensionOut]

    @staticmethod
    def resolve_dimensions(obj):
        return list(obj.dimensions.all())


class AnswerOut(Schema):
    indicator: str
    level: int | None
    evidence: str
    links: list[str]
    review_comment: str


class DimensionScoreOut(Schema):
    dimension: str
    score: float


class AssessmentOut(Schema):
    id: int
    organisation: str
    framework: FrameworkSummary
    status: str
    started_at: datetime
    submitted_at: datetime | None
    validated_at: datetime | None
    overall_score: float | None
    is_public: bool
    is_demo: bool
    dimension_scores: list[DimensionScoreOut]
    answers: list[AnswerOut]


class ErrorOut(Schema):
    detail: str | list[dict]


class StartIn(Schema):
    framework: str = Field(..., description="Framework code, e.g. di4c-city")
    version: int | None = Field(None, description="Default: the newest version")


class AnswerIn(Schema):
    level: int | None = None
    evidence: str = ""
    links: list[str] = []


class ReturnIn(Schema):
    comment: str = ""
    comments: dict[str, str] = Field({}, description="Comment per indicator code")


class DimensionBenchmarkOut(Schema):
    code: str
    name: str
    cities: int
    median: float | None
    q1: float | None
    q3: float | None
    below_target: int


class PartnerScoresOut(Schema):
    label: str
    organisation: str | None
    assessment: int | None
    overall: float | None
    scores: dict[str, float | None]


class BenchmarkOut(Schema):
    network: str
    framework: FrameworkSummary
    dimensions: list[DimensionBenchmarkOut]
    partners: list[PartnerScoresOut]


WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _float(value):
    return float(value) if value is not None else None


def _assessment_out(assessment) -> dict:
    codes = {dimension.pk: dimension.code for dimension in assessment.framework.dimensions.all()}
    indicator_codes = {
        indicator.pk: indicator.code
        for dimension in assessment.framework.dimensions.all()
        for indicator in dimension.indicators.all()
    }
    return {
        "id": assessment.pk,
        "organisation": assessment.organisation.slug,
        "framework": assessment.framework,
        "status": assessment.status,
        "started_at": assessment.started_at,
        "submitted_at": assessment.submitted_at,
        "validated_at": assessment.validated_at,
        "overall_score": _float(assessment.overall_score),
        "is_public": assessment.is_public,
        "is_demo": assessment.is_demo,
        "dimension_scores": [
            {"dimension": codes[s.dimension_id], "score": float(s.score)}
            for s in assessment.dimension_scores.all()
        ],
        "answers": [
            {
                "indicator": indicator_codes[a.indicator_id],
                "level": a.level,
                "evidence": a.evidence,
                "links": a.links,
                "review_comment": a.review_comment,
            }
            for a in assessment.answers.all()
        ],
    }


def _visible(request, pk: int):
    assessment = selectors.assessment_detail(pk)
    if not request.user.has_perm("maturity.view_assessment", assessment):
        # Drafts of other cities are not even acknowledged.
        raise Http404
    return assessment


class OptionalToken(TokenAuth):
    """Reads are public, but a token lets the reader see what their roles allow."""

    def __call__(self, request):
        result = super().__call__(request)
        return result or True


optional_auth = [OptionalToken()]


@router.get("/frameworks", response=list[FrameworkSummary])
def list_frameworks(request):
    return Framework.objects.order_by("code", "-version")


@router.get("/frameworks/{code}/{version}", response={200: FrameworkOut, 404: ErrorOut})
def get_framework(request, code: str, version: int):
    return selectors.framework_detail(code, version)


@router.get("/organisations/{slug}/assessments", response=list[AssessmentOut], auth=optional_auth)
def list_assessments(request, slug: str):
    organisation = network_selectors.organisation_detail(slug)
    assessments = selectors.assessments_with_details().filter(organisation=organisation)
    visible = []
    for assessment in assessments.order_by("-started_at")[:50]:
        assessment.organisation = organisation  # its networks are read once, not per row
        if request.user.has_perm("maturity.view_assessment", assessment):
            visible.append(_assessment_out(assessment))
    return visible


@router.get("/assessments/{pk}", response={200: AssessmentOut, 404: ErrorOut}, auth=optional_auth)
def get_assessment(request, pk: int):
    return _assessment_out(_visible(request, pk))


@router.post(
    "/organisations/{slug}/assessments",
    response={201: AssessmentOut, **WRITE},
    auth=token_or_session,
)
def start_assessment(request, slug: str, payload: StartIn):
    organisation = network_selectors.organisation_detail(slug)
    if not re.fullmatch(r"[a-z0-9-]{1,60}", payload.framework):
        raise ValidationError({"framework": _("No such framework or version.")})
    frameworks = Framework.objects.filter(code=payload.framework)
    if payload.version is not None:
        frameworks = frameworks.filter(version=payload.version)
    framework = frameworks.order_by("-version").first()
    if framework is None:
        raise ValidationError({"framework": _("No such framework or version.")})
    assessment = services.assessment_start(
        actor=request.auth, organisation=organisation, framework=framework
    )
    return Status(201, _assessment_out(selectors.assessment_detail(assessment.pk)))


@router.put(
    "/assessments/{pk}/answers/{code}",
    response={200: AnswerOut, **WRITE},
    auth=token_or_session,
)
def put_answer(request, pk: int, code: str, payload: AnswerIn):
    assessment = _visible(request, pk)
    answer = services.answer_save(
        actor=request.auth,
        assessment=assessment,
        indicator_code=code,
        level=payload.level,
        evidence=payload.evidence,
        links=payload.links,
    )
    return {
        "indicator": code,
        "level": answer.level,
        "evidence": answer.evidence,
        "links": answer.links,
        "review_comment": answer.review_comment,
    }


@router.post(
    "/assessments/{pk}/submit", response={200: AssessmentOut, **WRITE}, auth=token_or_session
)
def submit_assessment(request, pk: int):
    services.assessment_submit(actor=request.auth, assessment=_visible(request, pk))
    return _assessment_out(selectors.assessment_detail(pk))


@router.post(
    "/assessments/{pk}/validate", response={200: AssessmentOut, **WRITE}, auth=token_or_session
)
def validate_assessment(request, pk: int):
    services.assessment_validate(actor=request.auth, assessment=_visible(request, pk))
    return _assessment_out(selectors.assessment_detail(pk))


@router.post(
    "/assessments/{pk}/return", response={200: AssessmentOut, **WRITE}, auth=token_or_session
)
def return_assessment(request, pk: int, payload: ReturnIn):
    services.assessment_return(
        actor=request.auth,
        assessment=_visible(request, pk),
        comment=payload.comment,
        comments=payload.comments,
    )
    return _assessment_out(selectors.assessment_detail(pk))


@router.get(
    "/networks/{slug}/benchmark",
    response={200: BenchmarkOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_or_session,
)
def network_benchmark(request, slug: str, framework: str | None = None):
    """Statistics per dimension over the partners' latest validated assessments."""
    network = network_selectors.network_detail(slug)
    if not (request.user.is_superuser or network.pk in networks_of_user(request.user)):
        raise PermissionDenied("Only the network's members see its benchmark.")
    version = selectors.framework_for_network(network, framework)
    if version is None:
        raise Http404
    bench = selectors.network_benchmark(network, version)
    labels = selectors.peer_labels(bench, network, request.user)
    spots = {
        spot["stats"].dimension.code: spot["below"] for spot in selectors.weak_spots(network, bench)
    }
    return {
        "network": network.slug,
        "framework": version,
        "dimensions": [
            {
                "code": stats.dimension.code,
                "name": stats.dimension.display_name,
                "cities": stats.count,
                "median": _float(stats.median),
                "q1": _float(stats.q1),
                "q3": _float(stats.q3),
                "below_target": spots.get(stats.dimension.code, 0),
            }
            for stats in bench.dimensions
        ],
        "partners": [
            {
                "label": labels[organisation_id],
                "organisation": (
                    assessment.organisation.slug
                    if labels[organisation_id] == assessment.organisation.display_name
                    else None
                ),
                "assessment": (
                    assessment.pk
                    if labels[organisation_id] == assessment.organisation.display_name
                    else None
                ),
                "overall": _float(bench.overall.get(organisation_id)),
                "scores": {
                    stats.dimension.code: _float(stats.scores.get(organisation_id))
                    for stats in bench.dimensions
                },
            }
            for organisation_id, assessment in sorted(bench.assessments.items())
        ],
    }
