"""Schemas of the capacity API's aggregates: round results, training needs, the before/after
comparison and the city's dashboard. Nothing here can hold one person's answers."""

import datetime as dt

from ninja import Field, Schema

from di4c.api.capacity_schemas import BandOut, CompetenceRefOut
from di4c.capacity.models import MIN_GROUP_SIZE

SHOWN = (
    "Aggregates only, and only for closed rounds: for an open round, or when fewer than "
    f"{MIN_GROUP_SIZE} people answered, the answer is a 200 with `shown` false and the "
    f"`reason`. No group of fewer than {MIN_GROUP_SIZE} people ever appears: smaller "
    'departments and roles are merged into "Other".'
)

# --- results ------------------------------------------------------------------------------------


class StatsOut(Schema):
    respondents: int
    rated: int = Field(..., description="People whose role has a target for it")
    at_target: int
    below: int
    shortfall: int = Field(..., description="Levels missing to reach the targets, summed")
    mean_level: float | None
    mean_target: float | None
    share_at_target: float | None = Field(..., description="% of `rated`")
    share_below: float | None
    bands: list[int] = Field(..., description="People per band, foundation first")
    band_shares: list[float] = Field(..., description="% per band")


class CellOut(StatsOut):
    competence: str


GROUP_KIND = "department, role, other (groups under the minimum, merged) or all"


class GroupRefOut(Schema):
    kind: str = Field(..., description=GROUP_KIND)
    id: int | None = Field(..., description="The department's or role's id")
    label: str
    respondents: int
    members: list[str] = Field(..., description='"Other": the names merged into it')


class GroupOut(GroupRefOut):
    overall: StatsOut = Field(..., description="Every competence together")
    cells: list[CellOut]


class SkillResultsOut(Schema):
    round: int
    status: str
    shown: bool
    reason: str
    minimum_group_size: int
    respondents: int | None = Field(..., description="Null unless shown")
    bands: list[BandOut]
    competences: list[CompetenceRefOut]
    departments: list[GroupOut] = Field(..., description='Departments, then "all"')
    roles: list[GroupOut]
    roles_shown: bool = Field(
        ..., description="False when a department-and-role group is under the minimum size"
    )
    roles_reason: str
    overall: StatsOut | None


class NeedOut(Schema):
    rank: int
    group: GroupRefOut
    competence: CompetenceRefOut
    stats: StatsOut


class NeedsOut(Schema):
    round: int
    shown: bool
    reason: str
    count: int = Field(..., description="Needs in all (the list may be cut at `limit`)")
    needs: list[NeedOut]


class SkillChangeOut(Schema):
    competence: str
    before: StatsOut
    after: StatsOut
    level_change: float | None = Field(..., description="Mean level after minus before")
    target_change: float | None = Field(..., description="Points of % at target, after - before")


class ComparedGroupOut(GroupRefOut):
    changes: list[SkillChangeOut]


class ComparisonOut(Schema):
    before: int
    after: int
    shown: bool
    reason: str
    competences: list[CompetenceRefOut]
    groups: list[ComparedGroupOut] = Field(
        ..., description="Departments big enough in both rounds, other, then all"
    )


class RoundRefOut(Schema):
    id: int
    title: str
    closes_on: dt.date


class DashboardOut(Schema):
    organisation: str
    latest_round: RoundRefOut | None = Field(..., description="The latest closed round")
    results_shown: bool
    reason: str
    respondents: int | None
    staff: int | None = Field(..., description="Sum of the departments' headcounts")
    assessed_share: float | None = Field(..., description="% of staff who answered")
    at_target_share: float | None = Field(..., description="% at or above their targets")
    trainings_held: int
    trainings_planned: int
    hours: float = Field(..., description="Hours of the trainings held")
    participant_hours: float = Field(..., description="Hours times the people who attended")
    enrolled: int
    attended: int
    attendance_share: float | None = Field(..., description="% of those recorded who attended")
