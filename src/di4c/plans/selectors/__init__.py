"""Reads of the plans app, shared by pages, documents and the API: tree.py reads a plan whole,
figures.py computes from it, plans.py holds the lists, visibility and the plan as data.

A plan is read in a fixed number of queries whatever its size (`plan_tree`); the roll-up,
timeline, budget by year and risk matrix are computed from that one read, the sums by funding
source in the database.
"""

from di4c.plans.selectors.figures import (  # noqa: F401
    FINISHED,
    HUNDRED,
    LIVE_PLAN,
    Budget,
    Rollup,
    Trend,
    action_weight,
    actions_due,
    all_risks,
    budget,
    effective_weighting,
    indicator_chart,
    indicator_trend,
    is_stale,
    risk_matrix,
    rolled_up_progress,
    rollup,
    secured_of,
    timeline,
)
from di4c.plans.selectors.plans import (  # noqa: F401
    SORTS,
    PlanSummary,
    action_table,
    actions_from_sources,
    network_plans,
    plan_content,
    plan_detail,
    plans_editable_by,
    plans_of,
    sees_contacts,
    status_changes,
    visible_baseline,
    visible_plans,
)
from di4c.plans.selectors.tree import PlanTree, plan_tree  # noqa: F401
