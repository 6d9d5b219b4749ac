"""Writes of the maturity app: start, answer, submit, review (validate or send back), publish.

Each use case is one transaction and checks the actor's permission on the assessment first.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.services import require_perm
from di4c.maturity import scoring
from di4c.maturity.models import (
    Answer,
    Assessment,
    Dimension,
    DimensionScore,
    DimensionTarget,
    EvidenceFile,
    Framework,
    Indicator,
    Status,
)


def _text(value: str, field: str) -> str:
    """Clean user text; PostgreSQL cannot store NUL characters, so they are refused."""
    value = (value or "").replace("\r\n", "\n").strip()
    if "\x00" in value:
        raise ValidationError({field: _("The text contains a NUL character; remove it.")})
    return value


MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {".pdf", ".docx", ".xlsx", ".odt", ".ods", ".png", ".jpg", ".jpeg", ".csv", ".txt"}


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)


@transaction.atomic
def assessment_start(*, actor, organisation, framework: Framework, title: str = "") -> Assessment:
    require_perm(actor, "maturity.start_assessment", organisation)
    open_draft = Assessment.objects.filter(
        organisation=organisation,
        framework__code=framework.code,
        status__in=[Status.DRAFT, Status.RETURNED, Status.SUBMITTED],
    ).first()
    if open_draft is not None:
        raise ValidationError(
            _("This city already has an assessment in progress on this framework: finish it first.")
        )
    assessment = Assessment(
        organisation=organisation,
        framework=framework,
        title=_text(title, "title"),
        started_by=actor,
    )
    assessment._history_user = actor
    assessment.full_clean()
    assessment.save()
    return assessment


def _clean_links(links) -> list[str]:
    if links is None:
        return []
    if isinstance(links, str):
        links = [line for line in links.splitlines()]
    cleaned = []
    validate = URLValidator(schemes=["http", "https"])
    for link in links:
        link = str(link).strip()
        if not link:
            continue
        try:
            validate(link)
        except ValidationError as error:
            raise ValidationError(
                {"links": _("'%(link)s' is not a web address (http or https).") % {"link": link}}
            ) from error
        cleaned.append(link)
    if len(cleaned) > 20:
        raise ValidationError({"links": _("At most 20 links per answer.")})
    return cleaned


@transaction.atomic
def answer_save(
    *,
    actor,
    assessment: Assessment,
    indicator_code: str,
    level: int | None,
    evidence: str = "",
    links: Sequence[str] | str | None = None,
) -> Answer:
    """Save one answer as it is given (the page calls this on every change)."""
    assessment = _locked(assessment)
    require_perm(actor, "maturity.answer_assessment", assessment)
    indicator = Indicator.objects.filter(
        framework=assessment.framework, code=indicator_code
    ).first()
    if indicator is None:
        raise ValidationError(
            {
                "indicator": _("The framework %(framework)s has no indicator '%(code)s'.")
                % {"framework": assessment.framework, "code": indicator_code}
            }
        )
    scale_max = assessment.framework.scale_max
    if level is not None and (
        isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= scale_max
    ):
        raise ValidationError(
            {"level": _("The level must be a whole number from 0 to %(max)s.") % {"max": scale_max}}
        )
    answer, _created = Answer.objects.get_or_create(assessment=assessment, indicator=indicator)
    answer.level = level
    answer.evidence = _text(evidence, "evidence")
    answer.links = _clean_links(links)
    answer.answered_by = actor
    answer.save()
    return answer


@transaction.atomic
def evidence_attach(*, actor, answer: Answer, upload) -> EvidenceFile:
    require_perm(actor, "maturity.answer_assessment", _locked(answer.assessment))
    name = _text(upload.name.rsplit("/", 1)[-1], "file")
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if len(name) > 200:  # keep the extension, shorten the rest
        name = name[: 200 - len(suffix)] + suffix
    if suffix not in EVIDENCE_TYPES:
        raise ValidationError(
            {
                "file": _("Files of this type cannot be attached: use %(types)s.")
                % {"types": ", ".join(sorted(EVIDENCE_TYPES))}
            }
        )
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    return EvidenceFile.objects.create(answer=answer, file=upload, name=name, uploaded_by=actor)


def unanswered_codes(assessment: Assessment) -> list[str]:
    answered = set(
        assessment.answers.filter(level__isnull=False).values_list("indicator_id", flat=True)
    )
    return [
        code
        for pk, code in assessment.framework.indicators.order_by(
            "dimension__position", "position"
        ).values_list("pk", "code")
        if pk not in answered
    ]


def compute_scores(assessment: Assessment) -> tuple[Decimal | None, dict[int, Decimal]]:
    """Overall and per-dimension scores by the framework's rule (one query)."""
    framework = assessment.framework
    rows = list(
        assessment.answers.filter(level__isnull=False).values_list(
            "level", "indicator__weight", "indicator__dimension_id", "indicator__dimension__weight"
        )
    )
    by_dimension: dict[int, list] = {}
    for level, weight, dimension_id, _dimension_weight in rows:
        by_dimension.setdefault(dimension_id, []).append((level, weight))
    dimension_scores = {
        dimension_id: scoring.score(framework.scoring, answers, framework.scale_max)
        for dimension_id, answers in by_dimension.items()
    }
    dimension_weights = {dimension_id: weight for _l, _w, dimension_id, weight in rows}
    overall = scoring.overall(
        framework.scoring,
        [(score, dimension_weights[pk]) for pk, score in dimension_scores.items()],
        [(level, weight) for level, weight, _d, _dw in rows],
        framework.scale_max,
    )
    return overall, dimension_scores


@transaction.atomic
def assessment_submit(*, actor, assessment: Assessment) -> Assessment:
    assessment = _locked(assessment)
    require_perm(actor, "maturity.submit_assessment", assessment)
    missing = unanswered_codes(assessment)
    if missing:
        raise ValidationError(
            {
                "answers": _("Answer every indicator before submitting; still open: %(codes)s.")
                % {"codes": ", ".join(missing)}
            }
        )
    overall, dimension_scores = compute_scores(assessment)
    assessment.dimension_scores.all().delete()
    DimensionScore.objects.bulk_create(
        [
            DimensionScore(assessment=assessment, dimension_id=dimension_id, score=value)
            for dimension_id, value in dimension_scores.items()
        ]
    )
    assessment.overall_score = overall
    assessment.status = Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment._history_user = actor
    assessment.save()
    return assessment


@transaction.atomic
def assessment_validate(*, actor, assessment: Assessment, comment: str = "") -> Assessment:
    assessment = _locked(assessment)
    require_perm(actor, "maturity.review_assessment", assessment)
    assessment.status = Status.VALIDATED
    assessment.validated_at = timezone.now()
    assessment.validated_by = actor
    assessment.review_comment = _text(comment, "comment")
    assessment._history_user = actor
    assessment.save()
    # The closed loop: plan indicators bound to this city's maturity scores get the new value.
    from di4c.plans.services import indicators_sync_for_organisation

    indicators_sync_for_organisation(assessment.organisation, maturity=True)
    return assessment


@transaction.atomic
def assessment_return(
    *, actor, assessment: Assessment, comment: str = "", comments: Mapping[str, str] | None = None
) -> Assessment:
    """Send a submitted assessment back to the city with a comment per indicator."""
    assessment = _locked(assessment)
    require_perm(actor, "maturity.review_assessment", assessment)
    comment = _text(comment, "comment")
    comments = {
        code: _text(text, "comments") for code, text in (comments or {}).items() if text.strip()
    }
    if not comment and not comments:
        raise ValidationError(
            {"comment": _("Say what should change: write a comment or comment on indicators.")}
        )
    answers = {a.indicator.code: a for a in assessment.answers.select_related("indicator")}
    unknown = sorted(set(comments) - set(answers))
    if unknown:
        raise ValidationError(
            {"comments": _("No answer to comment for: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    for answer in answers.values():
        answer.review_comment = comments.get(answer.indicator.code, "")
    Answer.objects.bulk_update(answers.values(), ["review_comment"])
    assessment.status = Status.RETURNED
    assessment.review_comment = comment
    assessment._history_user = actor
    assessment.save()
    return assessment


@transaction.atomic
def assessment_publish(*, actor, assessment: Assessment, public: bool) -> Assessment:
    require_perm(actor, "maturity.publish_assessment", assessment)
    if public and assessment.status != Status.VALIDATED:
        raise ValidationError(_("Only a validated assessment can be published."))
    assessment.is_public = public
    assessment._history_user = actor
    assessment.save(update_fields=["is_public"])
    return assessment


@transaction.atomic
def target_set(
    *, actor, organisation, framework_code: str, dimension_code: str, target_score: Decimal
) -> DimensionTarget:
    require_perm(actor, "maturity.set_targets", organisation)
    known = Dimension.objects.filter(framework__code=framework_code, code=dimension_code)
    if not known.exists():
        raise ValidationError(
            {
                "dimension": _("The framework has no dimension '%(code)s'.")
                % {"code": dimension_code}
            }
        )
    target = DimensionTarget.objects.filter(
        organisation=organisation, framework_code=framework_code, dimension_code=dimension_code
    ).first() or DimensionTarget(
        organisation=organisation, framework_code=framework_code, dimension_code=dimension_code
    )
    target.target_score = target_score
    target.full_clean()
    target.save()
    return target
