"""Pages of the plans app, by entity (urls.py reads them from here)."""

from di4c.plans.views.actions import (  # noqa: F401
    action_form,
    action_table,
    budget,
    document,
    from_gap,
    from_service,
    import_actions,
    risks,
    timeline,
)
from di4c.plans.views.plans import (  # noqa: F401
    baseline_refresh,
    comment_add,
    contributors,
    history,
    indicator_form,
    indicators,
    measurement_add,
    measurement_delete,
    network_plans,
    objective_form,
    organisation_plans,
    plan_detail,
    plan_edit,
    plan_publish,
    plan_transition,
    public_plan,
    public_plans,
    snapshot,
)
