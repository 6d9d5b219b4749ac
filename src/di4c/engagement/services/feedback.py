"""Service feedback: a rating 1–5 per person and service (a second rating replaces the first),
whose average recomputes the service's satisfaction figure, a percentage of the scale: an
average of 1 is 0 %, 5 is 100 % (so 3.67 out of 5 is 66.67 %)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from di4c.core.ratelimit import check_and_record
from di4c.core.services import require_perm
from di4c.engagement.models import ServiceRating
from di4c.services.models import PublicService


def city_accepts_feedback(organisation) -> bool:
    """A city's services are rated by the public once it has published its services index."""
    publication = getattr(organisation, "index_publication", None)
    return bool(publication and publication.is_public)


def service_accepts_feedback(service: PublicService) -> bool:
    return city_accepts_feedback(service.organisation)


def satisfaction_of(service: PublicService) -> Decimal | None:
    counts = ServiceRating.objects.filter(service=service).aggregate(
        total=Count("pk"), points=Sum("rating")
    )
    if not counts["total"]:
        return None
    # (average - 1) / 4, in percent, computed exactly on the integer sums.
    share = Decimal(100 * (counts["points"] - counts["total"])) / Decimal(4 * counts["total"])
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def service_rate(
    *, actor, service: PublicService, rating, comment: str = "", address: str = ""
) -> ServiceRating:
    require_perm(actor, "engagement.rate_service", service)
    service = (
        PublicService.objects.select_for_update(of=("self",))
        .select_related("organisation__index_publication")
        .get(pk=service.pk)
    )
    if not service_accepts_feedback(service):
        raise ValidationError(_("This service is not open for feedback."))
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if isinstance(rating, bool) or not 1 <= value <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    existing = ServiceRating.objects.filter(service=service, user=actor).first()
    record = existing or ServiceRating(service=service, user=actor)
    new_comment = (comment or "").strip()
    if new_comment != record.comment:
        record.comment_published = False  # a changed comment is moderated again
    record.rating = value
    record.comment = new_comment
    record.full_clean(validate_constraints=False)
    check_and_record("rating", user=actor, address=address)
    record.save()
    # update(): the figure follows from the ratings, not a change by someone to record.
    PublicService.objects.filter(pk=service.pk).update(satisfaction=satisfaction_of(service))
    return record


@transaction.atomic
def rating_comment_publish(*, actor, rating: ServiceRating, publish: bool) -> ServiceRating:
    rating = ServiceRating.objects.select_related("service__organisation").get(pk=rating.pk)
    require_perm(actor, "engagement.moderate", rating.service.organisation)
    rating.comment_published = publish
    rating.save(update_fields=["comment_published"])
    return rating
