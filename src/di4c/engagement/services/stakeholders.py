"""The writes of the engagement app: each use case one transaction, its permission first."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from di4c.core.services import assign_fields, require_perm, validated_save
from di4c.engagement.models import Stakeholder

STAKEHOLDER_FIELDS = (
    "kind",
    "name",
    "sector",
    "description",
    "influence",
    "interest",
    "local_group_role",
    "contact_name",
    "email",
    "phone",
    "consent_given_on",
    "consent_purpose",
    "consent_method",
)
# What erasure clears: everything that could identify a person or reach them.
PERSONAL_FIELDS = (
    "contact_name",
    "email",
    "phone",
    "description",
    "consent_given_on",
    "consent_purpose",
    "consent_method",
)


@transaction.atomic
def stakeholder_create(*, actor, organisation, data: dict) -> Stakeholder:
    require_perm(actor, "engagement.change_stakeholders", organisation)
    stakeholder = Stakeholder(organisation=organisation, updated_by=actor)
    assign_fields(stakeholder, data, STAKEHOLDER_FIELDS)
    validated_save(stakeholder)
    return stakeholder


@transaction.atomic
def stakeholder_update(*, actor, stakeholder: Stakeholder, data: dict) -> list[str]:
    stakeholder = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    require_perm(actor, "engagement.change_stakeholders", stakeholder.organisation)
    if stakeholder.is_erased:
        raise ValidationError(_("This record was erased; it can no longer be changed."))
    changed = assign_fields(stakeholder, data, STAKEHOLDER_FIELDS)
    if changed:
        stakeholder.updated_by = actor
        validated_save(stakeholder)
    return changed


@transaction.atomic
def stakeholder_erase(*, actor, stakeholder: Stakeholder) -> Stakeholder:
    """Erase the personal data (GDPR art. 17) and keep the anonymous facts the city's reports
    count: kind, sector, influence, interest, role in the local group, city and dates."""
    stakeholder = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    require_perm(actor, "engagement.erase_personal_data", stakeholder.organisation)
    if stakeholder.is_erased:
        raise ValidationError(_("This record is already erased."))
    for name in PERSONAL_FIELDS:
        field = Stakeholder._meta.get_field(name)
        setattr(stakeholder, name, None if field.null else "")
    # Stored in English whoever erases it; pages show the label in the reader's language.
    with translation.override("en"):
        stakeholder.name = _("Erased stakeholder no. %(number)s") % {"number": stakeholder.pk}
    stakeholder.erased_at = timezone.now()
    stakeholder.updated_by = actor
    validated_save(stakeholder)
    return stakeholder
