"""Writes of the public-services app: adopt reference services, edit the catalogue, record
yearly figures, import a file, publish the index. Each use case checks the actor's role."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from di4c.core.services import assign_fields, require_perm, validated_save
from di4c.core.signals import objects_bulk_saved
from di4c.services.models import (
    IndexPublication,
    PublicService,
    ReferenceService,
    ServiceYear,
)

SERVICE_EDITABLE = (
    "name",
    "name_i18n",
    "life_event",
    "is_key",
    "department",
    "description",
    "url",
    "info_online",
    "form_online",
    "submit_online",
    "fully_online",
    "eid",
    "e_payment",
    "e_signature",
    "mobile_friendly",
    "other_languages",
    "satisfaction",
)


@transaction.atomic
def catalogue_adopt(
    *, actor, organisation, references: Iterable[ReferenceService]
) -> list[PublicService]:
    """Add reference services to the city's catalogue in one step (skipping adopted ones)."""
    require_perm(actor, "services.edit_catalogue", organisation)
    adopted = set(
        PublicService.objects.filter(
            organisation=organisation, reference__isnull=False
        ).values_list("reference_id", flat=True)
    )
    new = [
        PublicService.from_reference(organisation, reference)
        for reference in references
        if reference.pk not in adopted
    ]
    created = PublicService.objects.bulk_create(new)
    objects_bulk_saved.send(sender=PublicService, ids=[service.pk for service in created])
    return created


@transaction.atomic
def service_save(
    *, actor, organisation, data: Mapping, service: PublicService | None = None
) -> PublicService:
    require_perm(actor, "services.edit_catalogue", organisation)
    if service is not None and service.organisation_id != organisation.pk:
        raise ValidationError(_("This service belongs to another city."))
    service = service or PublicService(organisation=organisation)
    assign_fields(service, data, SERVICE_EDITABLE)
    validated_save(service, actor=actor)
    return service


@transaction.atomic
def service_delete(*, actor, service: PublicService) -> None:
    require_perm(actor, "services.edit_catalogue", service.organisation)
    service._history_user = actor
    organisation = service.organisation
    service.delete()
    # The city's index changed: plan indicators bound to it follow.
    plan_indicators_sync(organisation)


@transaction.atomic
def year_save(
    *,
    actor,
    service: PublicService,
    year: int,
    total_requests: int | None,
    online_requests: int | None,
    level: int | None = None,
) -> ServiceYear:
    """Record a year's requests; the level that year defaults to the service's level now."""
    require_perm(actor, "services.edit_catalogue", service.organisation)
    row = ServiceYear.objects.filter(service=service, year=year).first() or ServiceYear(
        service=service, year=year
    )
    row.total_requests = total_requests
    row.online_requests = online_requests
    row.level = service.level if level is None else level
    row.full_clean()
    row.save()
    plan_indicators_sync(service.organisation)
    return row


def plan_indicators_sync(organisation) -> None:
    """The closed loop: plan indicators bound to this city's service figures follow them."""
    from di4c.plans.services import indicators_sync_for_organisation

    indicators_sync_for_organisation(organisation, services=True)


@transaction.atomic
def index_publish(*, actor, organisation, public: bool) -> IndexPublication:
    require_perm(actor, "services.publish_index", organisation)
    publication, _created = IndexPublication.objects.get_or_create(organisation=organisation)
    publication.is_public = public
    publication.save(update_fields=["is_public"])
    return publication
