"""Training needs (the gap between results and targets, ranked), the before/after comparison
of two rounds, and the city's capacity dashboard."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.capacity.models import Department, Round, RoundStatus, Training
from di4c.capacity.selectors.groups import OTHER
from di4c.capacity.selectors.results import (
    ALL,
    Group,
    RoundResults,
    Stats,
    _names,
    _respondents,
    _round1,
    _tallies,
    other_label,
    round_results,
)


@dataclass
class Need:
    group: Group
    competence: object
    stats: Stats

    @property
    def rank_key(self):
        # The most levels to close first; then the most people below target; then the
        # framework's order and the group's name, so that the order never wobbles.
        return (
            -self.stats.shortfall,
            -self.stats.below,
            self.competence.position,
            self.group.label,
        )


def training_needs(results: RoundResults) -> list[Need]:
    """Every (department group, competence) where people are below their role's target,
    ranked by the total of levels missing."""
    if not results.shown:
        return []
    needs = [
        Need(group, competence, results.cell(group.key, competence))
        for group in results.groups
        if group.key != ALL
        for competence in results.competences
    ]
    needs = [need for need in needs if need.stats.below]
    needs.sort(key=lambda need: need.rank_key)
    return needs


@dataclass
class Change:
    competence: object
    before: Stats
    after: Stats

    @property
    def level_change(self) -> Decimal | None:
        if self.before.mean_level is None or self.after.mean_level is None:
            return None
        return _round1(
            Decimal(self.after.level_sum) / self.after.respondents
            - Decimal(self.before.level_sum) / self.before.respondents
        )

    @property
    def target_change(self) -> Decimal | None:
        if not self.before.rated or not self.after.rated:
            return None
        return _round1(
            Decimal(self.after.at_target) * 100 / self.after.rated
            - Decimal(self.before.at_target) * 100 / self.before.rated
        )


@dataclass
class Comparison:
    before: Round
    after: Round
    shown: bool
    reason: str = ""
    groups: list[Group] = field(default_factory=list)
    competences: list = field(default_factory=list)
    changes: dict = field(default_factory=dict)  # {(group key, competence id): Change}

    def change(self, group_key, competence) -> Change | None:
        return self.changes.get((group_key, competence.pk))


def comparable_rounds(round_: Round):
    """Earlier closed rounds of the same city and framework, to compare a round with."""
    return (
        Round.objects.filter(
            organisation_id=round_.organisation_id,
            framework_id=round_.framework_id,
            status=RoundStatus.CLOSED,
        )
        .filter(Q(closes_on__lt=round_.closes_on) | Q(closes_on=round_.closes_on, pk__lt=round_.pk))
        .exclude(pk=round_.pk)
        .order_by("-closes_on", "-pk")
    )


def compare_rounds(before: Round, after: Round) -> Comparison:
    """Change per department and competence between two closed rounds. A department is shown
    on its own only if it is big enough in both rounds; the current targets apply to both."""
    comparison = Comparison(before, after, shown=False)
    if before.organisation_id != after.organisation_id or before.framework_id != after.framework_id:
        comparison.reason = _("Only rounds of the same city and framework can be compared.")
        return comparison
    if before.status != RoundStatus.CLOSED or after.status != RoundStatus.CLOSED:
        comparison.reason = _("Both rounds must be closed.")
        return comparison
    both = (round_results(before), round_results(after))
    if not all(results.shown for results in both):
        comparison.reason = _("Too few people answered one of the rounds to compare them.")
        return comparison
    # A department stands alone only if it stands alone in both rounds' own results; the
    # rest go to "Other". Every group compared is then a union of groups each round already
    # shows, so nothing can be worked out by subtracting one view from the other.
    departments = set(both[0].department_map) | set(both[1].department_map)
    mapping = {
        d: d if all(results.department_map.get(d) == d for results in both) else OTHER
        for d in departments
    }
    names = _names(Department, before.organisation)
    groups: dict = {}
    for key in departments:
        shown_as = mapping[key]
        label = other_label() if shown_as == OTHER else names.get(key, "?")
        group = groups.setdefault(shown_as, Group(shown_as, label, 0))
        if shown_as == OTHER:
            group.members.append(names.get(key, "?"))
    ordered = sorted(groups.values(), key=lambda g: (g.key == OTHER, g.label.lower()))
    for group in ordered:
        group.members.sort(key=str.lower)
    ordered.append(Group(ALL, _("All departments"), both[1].respondents))
    for (department, _role), count in _respondents(after).items():
        groups[mapping[department]].respondents += count
    stats = [defaultdict(Stats), defaultdict(Stats)]
    for index, round_ in enumerate((before, after)):
        results = both[index]
        for department, role, competence, level, count in _tallies(round_):
            # Each round's own targets: none where its results can't show target figures.
            target = results.targets.get((role, competence))
            stats[index][(mapping[department], competence)].add(level, count, target)
            stats[index][(ALL, competence)].add(level, count, target)
    from di4c.capacity.services.rounds import round_competences

    comparison.competences = round_competences(after)
    comparison.groups = ordered
    comparison.changes = {
        (group.key, competence.pk): Change(
            competence,
            stats[0].get((group.key, competence.pk), Stats()),
            stats[1].get((group.key, competence.pk), Stats()),
        )
        for group in ordered
        for competence in comparison.competences
    }
    comparison.shown = True
    return comparison


@dataclass
class Dashboard:
    latest: Round | None
    results: RoundResults | None
    staff: int | None
    assessed_share: Decimal | None
    at_target_share: Decimal | None
    trainings_held: int
    trainings_planned: int
    hours: Decimal
    participant_hours: Decimal
    enrolled: int
    attended: int
    recorded: int
    attendance_share: Decimal | None


def latest_closed_round(organisation) -> Round | None:
    return (
        Round.objects.filter(organisation=organisation, status=RoundStatus.CLOSED)
        .select_related("framework", "organisation")
        .order_by("-closes_on", "-pk")
        .first()
    )


def dashboard(organisation) -> Dashboard:
    latest = latest_closed_round(organisation)
    results = round_results(latest) if latest is not None else None
    # Shown only when every department has a headcount: a share over some departments
    # would tell how many answered in one of them.
    headcounts = list(
        Department.objects.filter(organisation=organisation).values_list("staff_count", flat=True)
    )
    complete = bool(headcounts) and None not in headcounts
    staff = sum(headcounts) if complete else None
    assessed = None
    if results is not None and results.shown and staff:
        assessed = _round1(Decimal(results.respondents) * 100 / staff)
    now = timezone.now()
    held = Training.objects.filter(
        organisation=organisation, is_cancelled=False, starts_at__lte=now
    )
    figures = held.aggregate(
        count=Count("pk", distinct=True), hours=Sum("duration_hours", distinct=False)
    )
    enrolments = held.aggregate(
        enrolled=Count("enrolments"),
        attended=Count("enrolments", filter=Q(enrolments__attended=True)),
        recorded=Count("enrolments", filter=Q(enrolments__attended__isnull=False)),
    )
    participant_hours = held.filter(enrolments__attended=True).aggregate(
        total=Sum("duration_hours")
    )["total"] or Decimal(0)
    planned = Training.objects.filter(
        organisation=organisation, is_cancelled=False, starts_at__gt=now
    ).count()
    recorded = enrolments["recorded"]
    return Dashboard(
        latest=latest,
        results=results,
        staff=staff,
        assessed_share=assessed,
        at_target_share=results.overall.share_at_target if results and results.shown else None,
        trainings_held=figures["count"] or 0,
        trainings_planned=planned,
        hours=figures["hours"] or Decimal(0),
        participant_hours=participant_hours,
        enrolled=enrolments["enrolled"],
        attended=enrolments["attended"],
        recorded=recorded,
        attendance_share=(
            _round1(Decimal(enrolments["attended"]) * 100 / recorded) if recorded else None
        ),
    )


def at_target_series(organisation) -> list[tuple[Round, Decimal]]:
    """(round, % at or above target) for every closed round with results: what a plan
    indicator bound to the city's skills is measured from."""
    series = []
    for round_ in Round.objects.filter(
        organisation=organisation, status=RoundStatus.CLOSED
    ).select_related("framework", "organisation"):
        results = round_results(round_)
        if results.shown and results.overall.share_at_target is not None:
            series.append((round_, results.overall.share_at_target))
    return series
