"""A plan read whole in a fixed number of queries, whatever its size: what the figures, pages
and documents are computed from."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from di4c.plans.models import (
    Action,
    Funding,
    Measurement,
    Objective,
    Plan,
    ResultIndicator,
)


@dataclass
class PlanTree:
    plan: Plan
    objectives: list[Objective]  # strategic objectives, each with .specific
    actions: list[Action]
    by_objective: dict[int, list[Action]] = field(default_factory=dict)

    def all_objectives(self) -> list[Objective]:
        result = []
        for objective in self.objectives:
            result.append(objective)
            result.extend(objective.specific)
        return result

    def actions_under(self, objective: Objective) -> list[Action]:
        """The objective's own actions and, for a strategic one, its specific objectives'."""
        found = list(self.by_objective.get(objective.pk, []))
        for child in getattr(objective, "specific", []):
            found.extend(self.by_objective.get(child.pk, []))
        return found

    def indicators(self) -> list[ResultIndicator]:
        return [i for o in self.all_objectives() for i in o.indicators.all()]


def plan_tree(plan: Plan, *, actions: QuerySet[Action] | None = None) -> PlanTree:
    indicators = Prefetch(
        "indicators",
        queryset=ResultIndicator.objects.select_related("service").prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
        ),
    )
    objectives = list(
        Objective.objects.filter(plan=plan)
        .select_related("source_indicator", "source_service")
        .prefetch_related(indicators)
        .order_by("position", "code")
    )
    action_rows = list(
        (actions if actions is not None else Action.objects.filter(plan=plan))
        .select_related("objective", "source_indicator", "source_service")
        .prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.order_by("kind", "pk")),
            "risks",
            "outputs",
            "tests",
        )
        .order_by("position", "code")
    )
    strategic = [o for o in objectives if o.parent_id is None]
    for objective in strategic:
        objective.specific = [o for o in objectives if o.parent_id == objective.pk]
    by_objective: dict[int, list[Action]] = {}
    for action in action_rows:
        by_objective.setdefault(action.objective_id, []).append(action)
    return PlanTree(plan=plan, objectives=strategic, actions=action_rows, by_objective=by_objective)
