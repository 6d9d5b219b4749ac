"""The plan's report: everything its Word and PDF documents show, formatted in the active
language, as a cover and sections of blocks."""

import base64
import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from di4c.core.i18n import current_language
from di4c.plans import selectors
from di4c.plans.exports.blocks import (
    DASH,
    Table,
    _date,
    _facts,
    _heading,
    _label,
    _list,
    _money,
    _note,
    _number,
    _percent,
    _period,
    _score,
    _table,
    _texts,
    _with_date,
)
from di4c.plans.exports.chart import radar_chart
from di4c.plans.models import ActionStatus, FundingStatus


def _dimension_name(dimension: dict) -> str:
    return (dimension.get("name_i18n") or {}).get(current_language()) or dimension["name"]


def _baseline_blocks(taken: dict, baseline: dict) -> list[dict]:
    """The baseline as taken (`taken`) and as the reader may see it (`baseline`, the same or
    with the maturity and/or services parts the city has not published set to None): the
    parts left out are said to be unpublished, not missing."""
    maturity, services = baseline.get("maturity"), baseline.get("services")
    blocks = [_heading(_("Baseline"))]
    if not taken.get("maturity") and not taken.get("services"):
        return [*blocks, _note(_("No baseline has been taken yet."))]
    taken_on = dt.date.fromisoformat(baseline["taken_on"]) if baseline.get("taken_on") else None
    if taken_on:
        blocks.append(
            _note(_("Taken from the platform's figures on %(date)s.") % {"date": _date(taken_on)})
        )
    if not maturity and not services:
        return [*blocks, _note(_("The city has not published these figures."))]
    if (taken.get("maturity") and not maturity) or (taken.get("services") and not services):
        blocks.append(_note(_("Figures the city has not published are left out.")))
    if maturity:
        validated = dt.date.fromisoformat(maturity["validated_on"])
        dimensions = [(_dimension_name(d), d["score"]) for d in maturity.get("dimensions", [])]
        blocks.append(_heading(_("Digital maturity"), 3))
        blocks.append(
            _facts(
                [
                    (
                        _("Assessment framework"),
                        f"{_framework_name(maturity)} {maturity.get('version', '')}",
                    ),
                    (_("Assessment validated on"), _date(validated)),
                    (_("Overall score"), f"{_score(maturity.get('overall'))} / 100"),
                ]
            )
        )
        if dimensions:
            blocks.append(
                _table(
                    Table(
                        [_("Dimension"), _("Score (0–100)")],
                        [[name, _score(score)] for name, score in dimensions],
                        numeric=frozenset({1}),
                    )
                )
            )
            png = radar_chart([(name, Decimal(score)) for name, score in dimensions])
            blocks.append(
                {
                    "type": "image",
                    "png": png,
                    "uri": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                    "alt": _(
                        "Radar chart of the maturity scores by dimension, out of 100; the "
                        "scores are in the table above."
                    ),
                    "caption": _("Maturity scores by dimension (assessment of %(date)s)")
                    % {"date": _date(validated)},
                }
            )
    if services:
        blocks.append(
            _heading(
                _("Digitalisation of public services (%(year)s)") % {"year": services["year"]}, 3
            )
        )
        blocks.append(
            _facts(
                [
                    (_("Services in the catalogue"), _number(services.get("services"))),
                    (
                        _("Services available online (level 3 or more, ISO 37122)"),
                        _percent(services.get("online_share")),
                    ),
                    (
                        _("Key services fully online (EU 2030 target: 100 %)"),
                        _percent(services.get("key_fully_online_share")),
                    ),
                    (_("Average level"), _number(services.get("average_level"))),
                    (_("Uptake: requests made online"), _percent(services.get("uptake"))),
                ]
            )
        )
    return blocks


def _indicator_table(indicators) -> Table:
    rows = []
    for indicator in indicators:
        trend = selectors.indicator_trend(indicator)
        latest = trend.latest
        rows.append(
            [
                indicator.name,
                indicator.unit or DASH,
                _with_date(indicator.baseline_value, indicator.baseline_on),
                _with_date(indicator.target_value, indicator.target_on),
                indicator.data_source or DASH,
                _with_date(latest.value, latest.measured_on) if latest else DASH,
                _percent(trend.share_of_way),
            ]
        )
    return Table(
        [
            _("Result indicator"),
            _("Unit"),
            _("Baseline"),
            pgettext("indicator value", "Target"),
            _("Data source"),
            _("Latest measurement"),
            _("Way to the target"),
        ],
        rows,
    )


def _objective_blocks(objective, progress, level: int) -> list[dict]:
    blocks = [_heading(f"{objective.code} {objective.title}", level)]
    blocks += _texts(
        [
            (_("The problem it answers"), objective.problem),
            (_("Description"), objective.description),
        ]
    )
    blocks.append(
        _facts([(_("Progress of its actions"), _percent(progress.objectives.get(objective.pk)))])
    )
    indicators = list(objective.indicators.all())
    if indicators:
        blocks.append(_table(_indicator_table(indicators)))
    return blocks


def _action_row(action) -> list[str]:
    return [
        action.code,
        action.title,
        action.objective.code,
        action.lead_department or DASH,
        _period(action.starts_on, action.ends_on),
        _money(action.estimated_cost),
        action.get_status_display(),
        _percent(action.progress),
    ]


def _funding_text(action) -> str:
    parts = []
    for funding in action.fundings.all():
        source = funding.get_kind_display()
        if funding.name:
            source = f"{source} – {funding.name}"
        parts.append(f"{source}: {_money(funding.amount)} ({funding.get_status_display().lower()})")
    return "; ".join(parts)


def _action_blocks(action, contacts: bool) -> list[dict]:
    contact = action.contact_person
    if contacts and action.contact_email:
        contact = f"{contact} <{action.contact_email}>" if contact else action.contact_email
    blocks = [_heading(f"{action.code} {action.title}")]
    blocks += _texts([(_("Description"), action.description)])
    blocks.append(
        _facts(
            [
                (_("Objective"), f"{action.objective.code} {action.objective.title}"),
                (_("Lead department"), action.lead_department),
                (_("Contact person"), contact),
                (_("Start – end"), _period(action.starts_on, action.ends_on)),
                (_("Estimated cost"), _money(action.estimated_cost)),
                (_("Funding"), _funding_text(action)),
                (_("Status"), action.get_status_display()),
                (_("Progress"), _percent(action.progress)),
            ]
        )
    )
    blocks += _texts(
        [
            (_("Partners involved"), action.partners),
            (_("Local group stakeholders involved"), action.stakeholders),
        ]
    )
    outputs = list(action.outputs.all())
    if outputs:
        blocks.append(_label(_("Output indicators")))
        blocks.append(
            _table(
                Table(
                    [_("Output"), _("Unit"), pgettext("indicator value", "Target"), _("Achieved")],
                    [
                        [o.name, o.unit or DASH, _number(o.target), _number(o.achieved)]
                        for o in outputs
                    ],
                    numeric=frozenset({2, 3}),
                )
            )
        )
    tests = list(action.tests.all())
    if tests:
        blocks.append(_label(_("Small-scale test actions")))
        blocks.append(
            _table(
                Table(
                    [_("What was tried"), _("When"), _("What was learned")],
                    [
                        [t.title, _period(t.tried_from, t.tried_until, _date), t.learned or DASH]
                        for t in tests
                    ],
                )
            )
        )
    return blocks


def _budget_blocks(tree, money) -> list[dict]:
    blocks = [
        _facts(
            [
                (_("Total cost"), _money(money.total_cost)),
                (_("Secured"), _money(money.secured)),
                (_("Applied for"), _money(money.applied)),
                (_("Planned"), _money(money.planned)),
                (_("Share secured"), _percent(money.secured_share)),
                (_("Unfunded gap (not secured yet)"), _money(money.unfunded_gap)),
            ]
        )
    ]
    if any(a.status == ActionStatus.CANCELLED for a in tree.actions):
        blocks.append(_note(_("Cancelled actions are left out of the budget.")))
    blocks.append(_heading(_("By funding source")))
    if money.by_kind:
        blocks.append(
            _table(
                Table(
                    [_("Source"), _("Secured"), _("Applied for"), _("Planned"), _("Total")],
                    [
                        [
                            str(row["label"]),
                            _money(row[FundingStatus.SECURED]),
                            _money(row[FundingStatus.APPLIED]),
                            _money(row[FundingStatus.PLANNED]),
                            _money(row["total"]),
                        ]
                        for row in money.by_kind
                    ],
                    footer=[
                        _("Total"),
                        _money(money.secured),
                        _money(money.applied),
                        _money(money.planned),
                        _money(money.secured + money.applied + money.planned),
                    ],
                    numeric=frozenset({1, 2, 3, 4}),
                )
            )
        )
    else:
        blocks.append(_note(_("No funding source has been entered yet.")))
    blocks.append(_heading(_("By year")))
    if money.by_year:
        blocks.append(_note(_("The cost of each action is spread evenly over the months it runs.")))
        blocks.append(
            _table(
                Table(
                    [_("Year"), _("Cost"), _("Secured"), _("Gap")],
                    [
                        [
                            str(row["year"]),
                            _money(row["cost"]),
                            _money(row["secured"]),
                            _money(row["gap"]),
                        ]
                        for row in money.by_year
                    ],
                    numeric=frozenset({1, 2, 3}),
                )
            )
        )
    else:
        blocks.append(_note(_("No action has dates yet.")))
    blocks.append(_heading(_("Actions with no secured funding")))
    if money.unsecured_actions:
        blocks.append(
            _list(
                [
                    f"{a.code} {a.title} ({_money(a.estimated_cost)})"
                    for a in money.unsecured_actions
                ]
            )
        )
    else:
        blocks.append(_note(_("Every action with a cost has secured funding.")))
    return blocks


def _risk_blocks(tree) -> list[dict]:
    risks = selectors.all_risks(tree)
    if not risks:
        return [_note(_("No risk has been entered yet."))]
    return [
        _note(_("Sorted by score: likelihood × impact, each from 1 to 5.")),
        _table(
            Table(
                [
                    _("Action"),
                    _("Risk"),
                    _("Likelihood"),
                    _("Impact"),
                    _("Score"),
                    _("Mitigation"),
                    _("Owner"),
                ],
                [
                    [
                        action.code,
                        risk.description,
                        str(risk.likelihood),
                        str(risk.impact),
                        str(risk.score),
                        risk.mitigation or DASH,
                        risk.owner or DASH,
                    ]
                    for action, risk in risks
                ],
                numeric=frozenset({2, 3, 4}),
            )
        ),
    ]


def _monitoring_blocks(tree) -> list[dict]:
    blocks = []
    for objective in tree.all_objectives():
        for indicator in objective.indicators.all():
            trend = selectors.indicator_trend(indicator)
            blocks.append(_heading(f"{objective.code} – {indicator.name}"))
            blocks.append(
                _facts(
                    [
                        (_("Unit"), indicator.unit),
                        (
                            _("Baseline"),
                            _with_date(indicator.baseline_value, indicator.baseline_on),
                        ),
                        (
                            pgettext("indicator value", "Target"),
                            _with_date(indicator.target_value, indicator.target_on),
                        ),
                        (_("Data source"), indicator.data_source),
                        (_("Frequency"), indicator.get_frequency_display()),
                        (_("Measured from"), indicator.get_binding_display()),
                        (_("Way to the target"), _percent(trend.share_of_way)),
                    ]
                )
            )
            measurements = list(indicator.measurements.all())
            if measurements:
                blocks.append(
                    _table(
                        Table(
                            [_("Date"), _("Value"), _("Note")],
                            [
                                [_date(m.measured_on), _number(m.value), m.note or DASH]
                                for m in measurements
                            ],
                            numeric=frozenset({1}),
                        )
                    )
                )
            else:
                blocks.append(_note(_("No measurement yet.")))
    if not blocks:
        blocks.append(_note(_("No result indicator has been set yet.")))
    return blocks


def plan_report(plan, *, viewer=None) -> dict:
    """Everything the plan's Word and PDF documents show, formatted in the active language:
    the cover and eight sections of blocks. A fixed number of queries whatever the plan size.

    With a `viewer`, only what they may read: the baseline's parts the city has not published
    and the contact e-mails of the action leads are left out for them. Without one, everything
    (for internal uses, not for a reader)."""
    plan = selectors.plan_detail(plan.pk)
    taken = plan.baseline or {}
    if viewer is None:
        baseline, contacts = taken, True
    else:
        baseline = selectors.visible_baseline(plan, viewer)
        contacts = selectors.sees_contacts(viewer, plan)
    tree = selectors.plan_tree(plan)
    progress = selectors.rollup(tree)
    money = selectors.budget(tree)

    cover = [
        (_("City"), plan.organisation.display_name),
        (_("Network"), f"{plan.network.acronym} – {plan.network.display_name}"),
        (_("Status"), plan.get_status_display()),
    ]
    if plan.adopted_on:
        cover.append((_("Adopted by the city council on"), _date(plan.adopted_on)))
    if plan.adoption_reference:
        cover.append((_("Council decision reference"), plan.adoption_reference))
    cover.append((_("Progress of the actions"), _percent(progress.plan)))
    cover.append((_("Exported on"), _date(timezone.localdate())))

    vision = _texts(
        [
            (_("The headline of tomorrow's newspaper"), plan.vision_headline),
            (_("The story behind the headline"), plan.vision_story),
        ]
    ) or [_note(_("The vision has not been written yet."))]
    context = _texts([("", plan.context)]) or [_note(_("The context has not been written yet."))]

    objectives = []
    for strategic in tree.objectives:
        objectives += _objective_blocks(strategic, progress, 2)
        for specific in strategic.specific:
            objectives += _objective_blocks(specific, progress, 3)

    action_table = [
        _facts(
            [
                (_("Progress of the plan"), _percent(progress.plan)),
                (_("Progress roll-up"), plan.get_weighting_display()),
            ]
        ),
        _table(
            Table(
                [
                    _("Code"),
                    _("Title"),
                    _("Objective"),
                    _("Lead department"),
                    _("Start – end"),
                    _("Cost"),
                    _("Status"),
                    _("Progress"),
                ],
                [_action_row(action) for action in tree.actions],
                numeric=frozenset({5, 7}),
            )
        ),
    ]
    implementation = [
        block for action in tree.actions for block in _action_blocks(action, contacts)
    ]

    no_objective = [_note(_("No objective has been set yet."))]
    no_action = [_note(_("No action has been entered yet."))]
    sections = [
        (_("Vision"), vision, False),
        (_("Context and baseline"), context + _baseline_blocks(taken, baseline), False),
        (_("Objectives"), objectives or no_objective, False),
        (_("Action table"), action_table if tree.actions else no_action, True),
        (_("Implementation framework"), implementation or no_action, False),
        (_("Budget"), _budget_blocks(tree, money), False),
        (_("Risks"), _risk_blocks(tree), True),
        (_("Monitoring"), _monitoring_blocks(tree), False),
    ]
    return _printable(
        {
            "language": current_language(),
            "title": plan.title,
            "subtitle": _("Integrated Action Plan"),
            "cover": cover,
            "sections": [
                {"title": f"{number}. {title}", "blocks": blocks, "wide": wide}
                for number, (title, blocks, wide) in enumerate(sections, start=1)
            ],
        }
    )


def _printable(value):
    """The report with the control characters (but tab and line breaks) that neither Word nor
    a PDF can show dropped from its texts: text pasted from elsewhere may hold some."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_printable(item) for item in value)
    if isinstance(value, Table):
        return Table(
            _printable(value.header),
            _printable(value.rows),
            _printable(value.footer),
            value.numeric,
        )
    return value


def _framework_name(maturity: dict) -> str:
    """The framework's name in the reader's language (baselines taken before names were kept
    in every language say it in English)."""
    from di4c.core.i18n import current_language

    names = maturity.get("framework_name_i18n") or {}
    return names.get(current_language()) or maturity.get("framework_name", "")
