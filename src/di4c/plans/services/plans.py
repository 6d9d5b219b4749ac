"""Writes of the plan itself: creation, edits, baseline, lifecycle, publication,
contributors, comments and reminders."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.services import assign_fields, require_perm
from di4c.networks.rules import current_partner_network_ids
from di4c.plans.models import TRANSITIONS, Action, Comment, Plan, PlanSnapshot, PlanStatus
from di4c.plans.services.common import check_version, same_plan, versioned_save

PLAN_EDITABLE = (
    "title",
    "vision_headline",
    "vision_story",
    "context",
    "update_cycle",
    "weighting",
    "language",
)


@transaction.atomic
def plan_create(*, actor, organisation, network, title: str, language: str = "en") -> Plan:
    require_perm(actor, "plans.create_plan", organisation)
    # Today's partners only: a city that left the network plans no more in it.
    if network.pk not in current_partner_network_ids(organisation):
        raise ValidationError({"network": _("The city is not a partner of this network.")})
    if Plan.objects.filter(organisation=organisation, network=network).exists():
        raise ValidationError({"network": _("The city already has a plan in this network.")})
    plan = Plan(organisation=organisation, network=network, title=title, language=language)
    versioned_save(plan, actor)
    baseline_take(actor=actor, plan=plan)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, data: Mapping, base_version: int | None) -> Plan:
    require_perm(actor, "plans.edit_plan", plan)
    check_version(plan, base_version)
    assign_fields(plan, data, PLAN_EDITABLE)
    versioned_save(plan, actor)
    return plan


def baseline_data(organisation) -> dict:
    """Where the city stands, from its latest validated maturity assessment and its services
    index: the plan's baseline, kept as a snapshot with its date."""
    from di4c.maturity.models import Assessment, Scale, Status
    from di4c.services.selectors import index_by_year

    baseline: dict = {"taken_on": timezone.localdate().isoformat(), "maturity": None}
    latest = (
        Assessment.objects.filter(
            organisation=organisation,
            status=Status.VALIDATED,
            framework__scale=Scale.LEVELS,
        )
        .select_related("framework")
        .prefetch_related("dimension_scores__dimension")
        .order_by("-validated_at")
        .first()
    )
    if latest is not None:
        baseline["maturity"] = {
            "assessment": latest.pk,
            "framework": latest.framework.code,
            "framework_name": latest.framework.name,
            "framework_name_i18n": latest.framework.name_i18n,
            "version": latest.framework.version,
            "validated_on": latest.validated_at.date().isoformat(),
            "overall": str(latest.overall_score),
            "dimensions": [
                {
                    "code": score.dimension.code,
                    "name": score.dimension.name,
                    "name_i18n": score.dimension.name_i18n,
                    "score": str(score.score),
                }
                for score in sorted(
                    latest.dimension_scores.all(), key=lambda s: s.dimension.position
                )
            ],
        }
    years = index_by_year(organisation)
    baseline["services"] = None
    if years:
        year = years[-1]
        baseline["services"] = {
            "year": year.year,
            "services": year.services,
            "online_share": _str(year.online_share),
            "key_fully_online_share": _str(year.key_fully_online_share),
            "average_level": _str(year.average_level),
            "uptake": _str(year.uptake),
        }
    return baseline


def _str(value) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def baseline_take(*, actor, plan: Plan) -> Plan:
    """(Re)take the baseline from the maturity and services apps."""
    require_perm(actor, "plans.edit_plan", plan)
    plan.baseline = baseline_data(plan.organisation)
    plan.baseline_taken_at = timezone.now()
    plan.save(update_fields=["baseline", "baseline_taken_at"])
    return plan


@transaction.atomic
def plan_transition(
    *,
    actor,
    plan: Plan,
    status: str,
    adopted_on: dt.date | None = None,
    adoption_reference: str = "",
) -> Plan:
    """Move the plan along its lifecycle and keep a snapshot of it as it stands."""
    from di4c.plans.selectors import plan_content

    require_perm(actor, "plans.change_status", plan)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if status not in TRANSITIONS.get(plan.status, ()):
        raise ValidationError(
            {
                "status": _("A plan cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": PlanStatus(plan.status).label,
                    "new": PlanStatus(status).label if status in PlanStatus.values else status,
                }
            }
        )
    if status == PlanStatus.ADOPTED:
        errors = {}
        if adopted_on is None:
            errors["adopted_on"] = _("Give the date of the council's decision.")
        elif adopted_on > timezone.localdate():
            errors["adopted_on"] = _("The decision date cannot be in the future.")
        if not (adoption_reference or "").strip():
            errors["adoption_reference"] = _("Give the reference of the council's decision.")
        elif len(adoption_reference) > 120 or any(
            ord(char) < 32 or ord(char) == 127 for char in adoption_reference
        ):
            errors["adoption_reference"] = _(
                "Give the reference on one line of at most 120 characters."
            )
        if errors:
            raise ValidationError(errors)
        plan.adopted_on = adopted_on
        plan.adoption_reference = adoption_reference.strip()
    plan.status = status
    versioned_save(plan, actor)
    PlanSnapshot.objects.create(
        plan=plan, status=status, taken_by=actor, content=plan_content(plan.pk)
    )
    return plan


@transaction.atomic
def plan_publish(*, actor, plan: Plan, public: bool) -> Plan:
    require_perm(actor, "plans.publish_plan", plan)
    plan.is_public = public
    plan._history_user = actor
    plan.save(update_fields=["is_public"])
    return plan


@transaction.atomic
def contributors_set(*, actor, plan: Plan, users: Iterable) -> None:
    """Name the local group members who may edit the plan."""
    from di4c.accounts.models import Membership, Role

    require_perm(actor, "plans.manage_contributors", plan)
    users = list(users)
    members = set(
        Membership.objects.filter(
            organisation_id=plan.organisation_id, role=Role.LOCAL_GROUP_MEMBER
        ).values_list("user_id", flat=True)
    )
    outsiders = [str(user) for user in users if user.pk not in members]
    if outsiders:
        raise ValidationError(
            {
                "contributors": _("Not local group members of the city: %(names)s.")
                % {"names": ", ".join(outsiders)}
            }
        )
    plan.contributors.set(users)
    plan._contributor_ids = {user.pk for user in users}


# --- comments and reminders ---------------------------------------------------------------


@transaction.atomic
def comment_add(*, actor, plan: Plan, text: str, action: Action | None = None) -> Comment:
    require_perm(actor, "plans.comment_plan", plan)
    same_plan(plan, action, "action")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    if "\x00" in text:
        raise ValidationError({"text": _("The text contains a NUL character; remove it.")})
    return Comment.objects.create(plan=plan, action=action, author=actor, text=text)


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each action lead whose update is due (one update cycle without news), at most
    once per cycle. Run daily (`di4c manage plans_remind`)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation

    from di4c.plans.selectors import actions_due

    now = now or timezone.now()
    sent = 0
    for action in actions_due(now):
        with translation.override(action.plan.language):
            subject = _("Update due: %(action)s") % {"action": action}
            body = _(
                "Hello %(name)s,\n\nThe action “%(action)s” of the plan “%(plan)s” has had no "
                "progress update since %(date)s. Please update its status and progress:\n"
                "%(url)s\n\nThank you."
            ) % {
                "name": action.contact_person or action.contact_email,
                "action": action,
                "plan": action.plan,
                "date": action.progress_updated_at.date().isoformat(),
                "url": settings.SITE_URL.rstrip("/") + action.get_absolute_url(),
            }
        send_mail(subject, body, None, [action.contact_email])
        action.reminded_at = now
        action.save(update_fields=["reminded_at"])
        sent += 1
    return sent
