"""Reading the good-practice library: the filtered list, one practice whole, the names of the
maturity dimensions and services it concerns, the practices that answer a city's maturity gaps
(from the partners strongest there) and the plan actions a practice inspired. Each in a fixed
number of queries, whatever the size of the library."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404

from di4c.maturity.models import Dimension, DimensionScore
from di4c.maturity.models import Status as AssessmentStatus
from di4c.networks.models import Organisation
from di4c.portal.models import (
    Practice,
    PracticeDimension,
    PracticeFigure,
    PracticeText,
    PublishStatus,
)
from di4c.services.models import LifeEvent, ReferenceService

GAP_PRACTICES_PER_DIMENSION = 3


def _with_cards(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    return practices.select_related("organisation").prefetch_related(
        "texts", Prefetch("figures", queryset=PracticeFigure.objects.order_by("position", "pk"))
    )


def published() -> QuerySet[Practice]:
    return Practice.objects.filter(status=PublishStatus.PUBLISHED)


def split_dimension(value: str) -> tuple[str, str]:
    """A dimension filter: "di4c-city:SG" -> ("di4c-city", "SG"); "SG" -> ("", "SG")."""
    framework_code, sep, dimension_code = str(value).partition(":")
    return (framework_code, dimension_code) if sep else ("", framework_code)


def practice_list(
    *,
    city: str = "",
    dimension: str = "",
    life_event: str = "",
    service: str = "",
    transferability: str = "",
    language: str = "",
) -> QuerySet[Practice]:
    """Published practices, newest first, filtered; each with its city, versions and figures."""
    practices = published()
    if city:
        practices = practices.filter(organisation__slug=city)
    if dimension:
        framework_code, dimension_code = split_dimension(dimension)
        links = PracticeDimension.objects.filter(
            practice=OuterRef("pk"), dimension_code=dimension_code
        )
        if framework_code:
            links = links.filter(framework_code=framework_code)
        practices = practices.filter(Exists(links))
    if service:
        practices = practices.filter(
            Exists(
                Practice.services.through.objects.filter(
                    practice=OuterRef("pk"), referenceservice__code=service
                )
            )
        )
    if life_event:
        practices = practices.filter(
            Exists(
                Practice.services.through.objects.filter(
                    practice=OuterRef("pk"), referenceservice__life_event__code=life_event
                )
            )
        )
    if transferability:
        practices = practices.filter(transferability=transferability)
    if language:
        practices = practices.filter(
            Exists(PracticeText.objects.filter(practice=OuterRef("pk"), language=language))
        )
    return _with_cards(practices).order_by("-published_at", "slug")


@dataclass
class DimensionOption:
    value: str  # "di4c-city:SG"
    framework_code: str
    code: str
    name: str
    framework_name: str

    @property
    def label(self) -> str:
        return f"{self.framework_name}: {self.code} – {self.name}"


def dimension_options() -> list[DimensionOption]:
    """The dimensions of the installed frameworks, each once, named as in the framework's
    latest version (one query)."""
    rows = Dimension.objects.select_related("framework").order_by(
        "framework__code", "-framework__version", "position"
    )
    options: dict[tuple[str, str], DimensionOption] = {}
    for dimension in rows:
        framework = dimension.framework
        key = (framework.code, dimension.code)
        if key in options:
            continue
        options[key] = DimensionOption(
            value=f"{framework.code}:{dimension.code}",
            framework_code=framework.code,
            code=dimension.code,
            name=dimension.display_name,
            framework_name=framework.display_name,
        )
    return list(options.values())


def dimension_labels(links, options: list[DimensionOption] | None = None) -> list[dict]:
    """A practice's dimension links with their names; a link to a dimension no installed
    framework has any more keeps its code."""
    named = {(o.framework_code, o.code): o for o in options or dimension_options()}
    labels = []
    for link in links:
        option = named.get((link.framework_code, link.dimension_code))
        labels.append(
            {
                "value": f"{link.framework_code}:{link.dimension_code}",
                "code": link.dimension_code,
                "name": option.name if option else "",
                "framework_name": option.framework_name if option else link.framework_code,
            }
        )
    return labels


def filter_options() -> dict:
    """What the library's filters offer: the cities that published practices, dimensions,
    life events with their reference services, transferability and languages."""
    return {
        "cities": list(
            Organisation.objects.filter(
                Exists(published().filter(organisation=OuterRef("pk")))
            ).order_by("name")
        ),
        "dimensions": dimension_options(),
        "life_events": list(
            LifeEvent.objects.order_by("position").prefetch_related(
                Prefetch("references", queryset=ReferenceService.objects.order_by("name"))
            )
        ),
        "languages": settings.LANGUAGES,
    }


def practice_detail(slug: str) -> Practice:
    """One practice with everything its page shows (404 when there is none)."""
    practice = (
        _with_cards(Practice.objects.filter(slug=slug))
        .prefetch_related(
            Prefetch("dimensions", queryset=PracticeDimension.objects.order_by("pk")),
            Prefetch(
                "services",
                queryset=ReferenceService.objects.select_related("life_event").order_by("name"),
            ),
            "attachments",
        )
        .first()
    )
    if practice is None:
        raise Http404
    return practice


def inspired_actions(practice: Practice) -> list:
    """The actions of published plans that name this practice as their inspiration."""
    return list(
        practice.inspired_actions.filter(plan__is_public=True)
        .select_related("plan__organisation")
        .order_by("plan__organisation__name", "plan_id", "position", "code")
    )


def practices_inspiring(action) -> list[Practice]:
    """The published practices an action names as its inspiration, with their cities."""
    return list(
        _with_cards(action.inspired_by.filter(status=PublishStatus.PUBLISHED)).order_by("slug")
    )


def sharing_city_ids(user) -> list[int] | None:
    """The cities `user` may share practices for: None for every city (platform
    administrators), else the ids of those they edit or coordinate (no query beyond the
    user's roles, read once per request)."""
    from di4c.accounts.models import Role
    from di4c.accounts.selectors import user_roles
    from di4c.networks.rules import is_platform_admin

    if not getattr(user, "is_authenticated", False):
        return []
    if is_platform_admin(user):
        return None
    roles = user_roles(user)
    return sorted(
        organisation_id
        for organisation_id, held in roles.organisation_roles.items()
        if held & {Role.CITY_EDITOR, Role.CITY_COORDINATOR}
    )


def sharing_cities(user) -> QuerySet[Organisation]:
    ids = sharing_city_ids(user)
    cities = Organisation.objects.order_by("name")
    return cities if ids is None else cities.filter(pk__in=ids)


def practice_choices() -> QuerySet[Practice]:
    """Published practices, for a plan action's "inspired by" field."""
    return _with_cards(published()).order_by("organisation__name", "slug")


# --- the maturity gap analysis ---------------------------------------------------------------


@dataclass
class GapPractice:
    practice: Practice
    score: Decimal | None  # the city's score in the dimension, from its latest assessment
    score_shown: bool = True  # False where the viewer may not see that city's scores

    @property
    def organisation(self):
        return self.practice.organisation


def _latest_score(framework_code: str) -> Subquery:
    """The score in the linked dimension of the practice's city, from its latest validated
    assessment on that framework, whatever the framework version. Only validated ones: a
    submitted assessment is seen by the city and the network's staff alone, and the benchmark
    that names the partners is made of validated ones."""
    scores = DimensionScore.objects.filter(
        assessment__organisation_id=OuterRef("practice__organisation_id"),
        assessment__status=AssessmentStatus.VALIDATED,
        dimension__framework__code=framework_code,
        dimension__code=OuterRef("dimension_code"),
    ).order_by(
        F("assessment__validated_at").desc(nulls_last=True),
        "-assessment__started_at",
        "-assessment_id",
    )
    return Subquery(scores.values("score")[:1])


def practices_for_gaps(
    organisation, framework_code: str, dimension_codes, limit: int = GAP_PRACTICES_PER_DIMENSION
) -> dict[str, list[GapPractice]]:
    """{dimension code: up to `limit` published practices of other cities linked to it},
    the cities strongest in that dimension first (two queries, whatever the library's size)."""
    codes = sorted({str(code) for code in dimension_codes})
    if not codes:
        return {}
    rows = (
        PracticeDimension.objects.filter(
            framework_code=framework_code,
            dimension_code__in=codes,
            practice__status=PublishStatus.PUBLISHED,
        )
        .exclude(practice__organisation_id=organisation.pk)
        .annotate(city_score=_latest_score(framework_code))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("dimension_code")],
                order_by=[
                    F("city_score").desc(nulls_last=True),
                    F("practice__published_at").desc(),
                    F("practice_id").asc(),
                ],
            )
        )
        .filter(rank__lte=limit)
        .select_related("practice__organisation")
        .prefetch_related("practice__texts")
        .order_by("dimension_code", "rank")
    )
    found: dict[str, list[GapPractice]] = {}
    for row in rows:
        found.setdefault(row.dimension_code, []).append(GapPractice(row.practice, row.city_score))
    return found


def gap_sections(assessment, gaps, peer_names: dict[int, str] | None = None) -> list[dict]:
    """For the gap analysis: each dimension that has a gap, in the gaps' order, with the
    practices for it. A city's score is shown only where the viewer already sees it by name in
    the benchmark (`peer_names`, maturity.selectors.peer_labels): an anonymous network stays
    anonymous, and the scores of cities outside it stay theirs."""
    dimensions = {d.pk: d for d in assessment.framework.dimensions.all()}
    ordered = []
    for gap in gaps:
        dimension = dimensions.get(gap.indicator.dimension_id)
        if dimension is not None and dimension not in ordered:
            ordered.append(dimension)
    if not ordered:
        return []
    framework_code = assessment.framework.code
    found = practices_for_gaps(assessment.organisation, framework_code, [d.code for d in ordered])
    peer_names = peer_names or {}
    for items in found.values():
        for item in items:
            organisation = item.organisation
            item.score_shown = peer_names.get(organisation.pk) == organisation.display_name
    return [
        {
            "dimension": dimension,
            "filter_value": f"{framework_code}:{dimension.code}",
            "practices": found.get(dimension.code, []),
        }
        for dimension in ordered
    ]
