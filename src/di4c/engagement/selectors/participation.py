"""Reads the idea and feedback pages need beside the lead's selectors: the choices offered in
their forms (this city's plans, services and plan actions), the hidden ideas for the
moderators, a service open for feedback and the visitor's own rating."""

from django.db.models import Count, QuerySet

from di4c.engagement.models import Flag, Idea, ServiceRating
from di4c.engagement.selectors.ideas import ideas_of
from di4c.plans.models import Action, Plan
from di4c.plans.selectors import visible_plans
from di4c.services.models import PublicService


def plan_choices(organisation, user) -> QuerySet[Plan]:
    """This city's plans the person may read (a draft stays unnamed to the public)."""
    return visible_plans(user).filter(organisation=organisation).order_by("network__acronym")


def service_choices(organisation, user) -> QuerySet[PublicService]:
    """This city's services, for those who may see its services (the index is published, or
    they read the catalogue); none otherwise."""
    if not user.has_perm("services.view_index", organisation):
        return PublicService.objects.none()
    return PublicService.objects.filter(organisation=organisation).order_by(
        "life_event__position", "name"
    )


def action_choices(organisation) -> QuerySet[Action]:
    """The actions of this city's plans, for the city's answer "accepted"."""
    return (
        Action.objects.filter(plan__organisation=organisation)
        .select_related("plan")
        .order_by("plan__network__acronym", "code", "pk")
    )


def listed_ideas(
    organisation, *, user, moderator: bool, status: str = "", sort: str = "new", hidden=False
) -> QuerySet[Idea]:
    """The list page's ideas; `hidden=True` (the moderators' view) keeps only hidden ones."""
    rows = ideas_of(organisation, user=user, moderator=moderator, status=status, sort=sort)
    if hidden and moderator:
        rows = rows.filter(hidden_at__isnull=False)
    return rows


def feedback_service(organisation, pk: int) -> PublicService:
    """One of the city's services with what the feedback page reads of it; raises
    PublicService.DoesNotExist for a service of another city."""
    return PublicService.objects.select_related(
        "organisation__index_publication", "life_event"
    ).get(pk=pk, organisation=organisation)


def own_rating(service, user) -> ServiceRating | None:
    if user is None or not user.is_authenticated:
        return None
    return ServiceRating.objects.filter(service=service, user=user).first()


def services_for_feedback(organisation) -> QuerySet[PublicService]:
    """The city's services with their number of ratings, for the "rate a service" list."""
    return (
        PublicService.objects.filter(organisation=organisation)
        .select_related("life_event")
        .annotate(rating_count=Count("ratings"))
        .order_by("life_event__position", "name")
    )


def open_flag(organisation, pk: int) -> Flag:
    """A report about this city's content; raises Flag.DoesNotExist for another city's."""
    return Flag.objects.select_related("idea__organisation", "comment").get(
        pk=pk, idea__organisation=organisation
    )


def rating_of(service, pk: int) -> ServiceRating:
    """One rating of this service; raises ServiceRating.DoesNotExist otherwise."""
    return ServiceRating.objects.get(pk=pk, service=service)
