"""Writes of the plans app, by entity: the plan (plans.py), objectives and actions with the
bulk import (actions.py), result indicators, measurements and the closed loop (indicators.py).
Each use case is one transaction and checks the actor's role first.

Edits of plans, objectives, actions and indicators carry the version they started from: a save
based on an outdated version raises EditConflict, which names what changed meanwhile and who
changed it, so that the caller can show it and keep the user's text (common.py).
"""

from di4c.plans.services.actions import (
    ACTION_EDITABLE,
    BULK_BATCH_SIZE,
    CHILD_FIELDS,
    OBJECTIVE_EDITABLE,
    BulkItemError,
    action_delete,
    action_save,
    actions_bulk_save,
    funding_problems,
    objective_delete,
    objective_save,
)
from di4c.plans.services.common import EditConflict
from di4c.plans.services.indicators import (
    INDICATOR_EDITABLE,
    action_from_gap,
    action_from_service,
    action_from_training_need,
    baseline_from_series,
    indicator_delete,
    indicator_save,
    indicator_sync,
    indicators_sync_for_organisation,
    measurement_add,
    measurement_delete,
    objective_from_gap,
)
from di4c.plans.services.plans import (
    PLAN_EDITABLE,
    baseline_data,
    baseline_take,
    comment_add,
    contributors_set,
    plan_create,
    plan_publish,
    plan_transition,
    plan_update,
    reminders_send,
)

__all__ = [
    "ACTION_EDITABLE",
    "BULK_BATCH_SIZE",
    "CHILD_FIELDS",
    "INDICATOR_EDITABLE",
    "OBJECTIVE_EDITABLE",
    "PLAN_EDITABLE",
    "BulkItemError",
    "EditConflict",
    "action_delete",
    "action_from_gap",
    "action_from_service",
    "action_from_training_need",
    "baseline_from_series",
    "action_save",
    "actions_bulk_save",
    "baseline_data",
    "baseline_take",
    "comment_add",
    "contributors_set",
    "funding_problems",
    "indicator_delete",
    "indicator_save",
    "indicator_sync",
    "indicators_sync_for_organisation",
    "measurement_add",
    "measurement_delete",
    "objective_delete",
    "objective_from_gap",
    "objective_save",
    "plan_create",
    "plan_publish",
    "plan_transition",
    "plan_update",
    "reminders_send",
]
