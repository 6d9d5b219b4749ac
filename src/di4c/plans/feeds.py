"""Atom feed of a published plan: each change of an action's status or progress."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from di4c.plans import selectors
from di4c.plans.models import ActionStatus, Plan, PlanSnapshot, PlanStatus
from di4c.plans.views.common import public_language


class PlanStatusFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # The same language as the public page the feed belongs to.
        plan = self.get_object(request, *args, **kwargs)
        with translation.override(public_language(request, plan)):
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request, pk):
        return get_object_or_404(
            Plan.objects.select_related("organisation", "network"), pk=pk, is_public=True
        )

    def title(self, plan):
        return _("%(plan)s: progress of the actions") % {"plan": plan.title}

    def link(self, plan):
        return reverse("plans:public", args=[plan.pk])

    def subtitle(self, plan):
        return plan.vision_headline or plan.organisation.display_name

    def items(self, plan):
        """The actions' updates and the plan's own steps (adopted, in implementation, …)."""
        steps = list(plan.snapshots.order_by("-taken_at")[:20])
        changes = list(selectors.status_changes(plan, limit=50))
        return sorted([*steps, *changes], key=_when, reverse=True)[:50]

    def item_title(self, change):
        if isinstance(change, PlanSnapshot):
            return _("The plan is now “%(status)s”") % {"status": change.get_status_display()}
        return _("%(action)s: %(status)s, %(progress)s%%") % {
            "action": change.action,
            "status": ActionStatus(change.new_status).label,
            "progress": change.progress,
        }

    def item_description(self, change):
        if isinstance(change, PlanSnapshot):
            if change.status == PlanStatus.ADOPTED and change.content.get("adoption_reference"):
                return _("Council decision %(ref)s.") % {
                    "ref": change.content["adoption_reference"]
                }
            return ""
        if change.old_status and change.old_status != change.new_status:
            text = _("Status changed from “%(old)s” to “%(new)s”.") % {
                "old": ActionStatus(change.old_status).label,
                "new": ActionStatus(change.new_status).label,
            }
        else:
            text = _("Progress updated to %(progress)s%%.") % {"progress": change.progress}
        return f"{text} {change.note}".strip()

    def item_link(self, change):
        if isinstance(change, PlanSnapshot):
            return reverse("plans:public", args=[change.plan_id])
        return reverse("plans:public", args=[change.action.plan_id]) + f"#action-{change.action_id}"

    def item_guid(self, change):
        if isinstance(change, PlanSnapshot):
            return f"di4c-plan-step-{change.pk}"
        return f"di4c-plan-status-change-{change.pk}"

    def item_pubdate(self, change):
        return _when(change)

    def item_updateddate(self, change):
        return _when(change)


def _when(item):
    return item.taken_at if isinstance(item, PlanSnapshot) else item.changed_at
