"""Aggregate results of self-assessment rounds, training needs and before/after comparison.

Everything is computed from the tallies (one query per table, whatever the size of the city)
and shown only for groups of at least MIN_GROUP_SIZE people (groups.py). Results exist only
for closed rounds: figures that moved with each submission would give the last one away.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from di4c.capacity.models import (
    BANDS,
    MIN_GROUP_SIZE,
    Department,
    LevelTally,
    RespondentTally,
    Round,
    RoundStatus,
    StaffRole,
    TargetLevel,
)
from di4c.capacity.selectors.groups import OTHER, merge_small_groups
from di4c.capacity.services.rounds import round_competences

ALL = "__all__"


def _round1(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Stats:
    """One group's figures for one competence."""

    respondents: int = 0
    level_sum: int = 0
    rated: int = 0  # respondents whose role has a target for the competence
    at_target: int = 0
    below: int = 0
    shortfall: int = 0  # levels missing to reach the targets, summed over people
    target_sum: int = 0
    bands: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add(self, level: int, count: int, target: int | None) -> None:
        self.respondents += count
        self.level_sum += level * count
        self.bands[(level - 1) // 2] += count
        if target is not None:
            self.rated += count
            self.target_sum += target * count
            if level >= target:
                self.at_target += count
            else:
                self.below += count
                self.shortfall += (target - level) * count

    def merge(self, other: "Stats") -> None:
        self.respondents += other.respondents
        self.level_sum += other.level_sum
        self.rated += other.rated
        self.at_target += other.at_target
        self.below += other.below
        self.shortfall += other.shortfall
        self.target_sum += other.target_sum
        self.bands = [a + b for a, b in zip(self.bands, other.bands, strict=True)]

    @property
    def mean_level(self) -> Decimal | None:
        if not self.respondents:
            return None
        return _round1(Decimal(self.level_sum) / self.respondents)

    @property
    def mean_target(self) -> Decimal | None:
        return _round1(Decimal(self.target_sum) / self.rated) if self.rated else None

    @property
    def share_at_target(self) -> Decimal | None:
        """% of people (with a target) at or above it."""
        return _round1(Decimal(self.at_target) * 100 / self.rated) if self.rated else None

    @property
    def share_below(self) -> Decimal | None:
        return _round1(Decimal(self.below) * 100 / self.rated) if self.rated else None

    @property
    def band_shares(self) -> list[Decimal]:
        total = self.respondents or 1
        return [_round1(Decimal(count) * 100 / total) for count in self.bands]


@dataclass
class Group:
    key: object  # a department or role id, OTHER or ALL
    label: str
    respondents: int
    members: list[str] = field(default_factory=list)  # names merged into "Other"


@dataclass
class RoundResults:
    round: Round
    competences: list
    respondents: int
    shown: bool
    reason: str = ""
    groups: list[Group] = field(default_factory=list)  # departments, then "All departments"
    role_groups: list[Group] = field(default_factory=list)
    roles_shown: bool = False
    roles_reason: str = ""
    # People counted in the target figures: those in a department-and-role group of at
    # least MIN_GROUP_SIZE (see round_results).
    target_people: int = 0
    # {(group key, competence id): Stats}; role figures under ("role", key).
    cells: dict = field(default_factory=dict)
    # How the figures were made, for the comparison of two rounds (never shown as such).
    department_map: dict = field(default_factory=dict, repr=False)
    targets: dict = field(default_factory=dict, repr=False)
    overall: Stats = field(default_factory=Stats)  # every competence, every person

    def cell(self, group_key, competence) -> Stats:
        return self.cells.get((group_key, competence.pk)) or Stats()

    def group_overall(self, group_key) -> Stats:
        return self.cells.get((group_key, None)) or Stats()

    @property
    def band_names(self) -> list[str]:
        return [str(name) for _code, name, _levels in BANDS]


def _tallies(round_: Round):
    return list(
        LevelTally.objects.filter(round=round_, count__gt=0)
        .order_by("department_id", "role_id", "competence_id", "level")
        .values_list("department_id", "role_id", "competence_id", "level", "count")
    )


def _respondents(round_: Round) -> dict[tuple[int, int], int]:
    return {
        (department, role): count
        for department, role, count in RespondentTally.objects.filter(
            round=round_, count__gt=0
        ).values_list("department_id", "role_id", "count")
    }


def targets_of(organisation, framework) -> dict[tuple[int, int], int]:
    """{(role id, competence id): target level} for a city and framework."""
    return {
        (role, competence): level
        for role, competence, level in TargetLevel.objects.filter(
            role__organisation=organisation, competence__framework=framework
        ).values_list("role_id", "competence_id", "level")
    }


def round_targets(round_: Round) -> dict[tuple[int, int], int]:
    """The targets a round's results are measured against: those frozen when it closed."""
    if round_.targets_at_close is None:  # closed before targets were frozen
        return targets_of(round_.organisation, round_.framework)
    targets = {}
    for key, level in round_.targets_at_close.items():
        role, competence = key.split(":")
        targets[(int(role), int(competence))] = level
    return targets


def other_label() -> str:
    return _("Other (groups under %(minimum)s)") % {"minimum": MIN_GROUP_SIZE}


def _names(model, organisation) -> dict[int, str]:
    return dict(model.objects.filter(organisation=organisation).values_list("pk", "name"))


def _groups(sizes: dict, names: dict, all_label: str | None) -> tuple[list[Group], dict] | None:
    mapping = merge_small_groups({key: (count,) for key, count in sizes.items()})
    if mapping is None:
        return None
    groups: dict[object, Group] = {}
    for key, shown_as in mapping.items():
        if shown_as == OTHER:
            group = groups.setdefault(OTHER, Group(OTHER, other_label(), 0))
            group.members.append(names.get(key, "?"))
        else:
            group = groups.setdefault(key, Group(key, names.get(key, "?"), 0))
        group.respondents += sizes[key]
    ordered = sorted(groups.values(), key=lambda g: (g.key == OTHER, g.label.lower(), str(g.key)))
    for group in ordered:
        group.members.sort(key=str.lower)
    if all_label is not None:
        ordered.append(Group(ALL, all_label, sum(sizes.values())))
    return ordered, mapping


def round_results(round_: Round) -> RoundResults:
    """Results by department and by role, never for fewer than MIN_GROUP_SIZE people."""
    competences = round_competences(round_)
    respondents = _respondents(round_)
    total = sum(respondents.values())
    results = RoundResults(round_, competences, total, shown=False)
    if round_.status != RoundStatus.CLOSED:
        results.reason = _("Results are shown once the round is closed.")
        return results
    if total < MIN_GROUP_SIZE:
        results.reason = _(
            "Fewer than %(minimum)s people answered: no results can be shown without "
            "revealing someone's answers."
        ) % {"minimum": MIN_GROUP_SIZE}
        return results
    organisation = round_.organisation
    by_department, by_role = defaultdict(int), defaultdict(int)
    for (department, role), count in respondents.items():
        by_department[department] += count
        by_role[role] += count
    departments = _groups(by_department, _names(Department, organisation), _("All departments"))
    results.groups, department_map = departments
    # Figures by role, and figures against targets (which differ by role, so that targets
    # chosen for the purpose could single a role out), are shown only when every department
    # group splits into roles of MIN_GROUP_SIZE or more: otherwise a department's figures
    # minus a role's would give fewer people's answers.
    cell_sizes: dict = defaultdict(int)
    for (department, role), count in respondents.items():
        cell_sizes[(department_map[department], role)] += count
    results.roles_shown = all(size >= MIN_GROUP_SIZE for size in cell_sizes.values())
    results.target_people = total if results.roles_shown else 0
    results.department_map = department_map
    role_map = {}
    role_names = _names(StaffRole, organisation)  # read either way: a constant query count
    if results.roles_shown:
        results.role_groups, role_map = _groups(by_role, role_names, None)
    else:
        results.roles_reason = _(
            "Figures by role and against targets are not shown: in some department group a "
            "role has fewer than %(minimum)s people, and comparing figures would reveal their "
            "answers. Let such people answer under a department of their own (for example, "
            "heads of department under the management)."
        ) % {"minimum": MIN_GROUP_SIZE}
    # Read either way (a constant query count); none apply when figures against them can't
    # be shown.
    targets = round_targets(round_)
    targets = results.targets = targets if results.roles_shown else {}
    cells: dict = defaultdict(Stats)
    for department, role, competence, level, count in _tallies(round_):
        group = department_map[department]
        target = targets.get((role, competence))
        keys = [(group, competence), (group, None), (ALL, competence), (ALL, None)]
        if role_map:
            keys += [(("role", role_map[role]), competence), (("role", role_map[role]), None)]
        for key in keys:
            cells[key].add(level, count, target)
    results.cells = dict(cells)
    results.overall = results.cells.get((ALL, None), Stats())
    results.shown = True
    return results
