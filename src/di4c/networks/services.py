"""Writes on programmes, networks, phases, organisations and partnerships.

Each use case is one transaction and checks the actor's permission on the object first.
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from di4c.core.services import assign_fields, require_perm, validated_save
from di4c.networks.models import Network, Organisation, Partnership, Phase

NETWORK_EDITABLE = (
    "acronym",
    "name",
    "name_i18n",
    "theme",
    "theme_i18n",
    "aims",
    "aims_i18n",
    "budget_eur",
    "languages",
    "website",
    "anonymous_benchmarks",
)
PHASE_EDITABLE = ("number", "name", "starts_on", "ends_on")
ORGANISATION_EDITABLE = (
    "name",
    "name_i18n",
    "kind",
    "country",
    "city",
    "population",
    "latitude",
    "longitude",
    "website",
    "parent",
)
PARTNERSHIP_EDITABLE = ("role", "joined_on", "left_on", "note", "note_i18n")


def phases_check_overlap(phases: Sequence[Phase]) -> None:
    """Phases of one network follow each other: no two may share a day."""
    ordered = sorted(
        (p for p in phases if p.starts_on and p.ends_on), key=lambda p: (p.starts_on, p.ends_on)
    )
    messages = []
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.starts_on <= earlier.ends_on:
            messages.append(
                _("%(later)s (from %(start)s) overlaps %(earlier)s (until %(end)s).")
                % {
                    "later": later.label,
                    "start": later.starts_on.isoformat(),
                    "earlier": earlier.label,
                    "end": earlier.ends_on.isoformat(),
                }
            )
    if messages:
        raise ValidationError({"phases": messages})


@transaction.atomic
def network_update(
    *,
    actor,
    network: Network,
    data: Mapping,
    phases: Sequence[Mapping] | None = None,
) -> Network:
    """Change a network's fields and, when `phases` is given, replace its phases with them.

    Each phase mapping may carry an `id` to keep (and update) an existing phase; phases not
    listed are deleted.
    """
    require_perm(actor, "networks.change_network", network)
    network = Network.objects.select_for_update().get(pk=network.pk)
    assign_fields(network, data, NETWORK_EDITABLE)
    errors: dict[str, list] = {}
    try:
        network.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)

    if phases is not None:
        existing = {phase.pk: phase for phase in network.phases.all()}
        kept: list[Phase] = []
        for index, phase_data in enumerate(phases):
            phase_data = dict(phase_data)
            phase_id = phase_data.pop("id", None)
            if phase_id is not None and phase_id not in existing:
                errors.setdefault("phases", []).append(
                    _("Phase %(index)s: unknown phase id %(id)s.")
                    % {"index": index + 1, "id": phase_id}
                )
                continue
            phase = existing.get(phase_id) or Phase(network=network)
            try:
                assign_fields(phase, phase_data, PHASE_EDITABLE)
                phase.full_clean(exclude=["network"], validate_constraints=False)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        errors.setdefault("phases", []).append(
                            _("Phase %(index)s, %(field)s: %(message)s")
                            % {"index": index + 1, "field": field, "message": message}
                        )
                continue
            kept.append(phase)
        numbers = [phase.number for phase in kept]
        if len(numbers) != len(set(numbers)):
            errors.setdefault("phases", []).append(_("Two phases have the same number."))
        try:
            phases_check_overlap(kept)
        except ValidationError as error:
            errors.setdefault("phases", []).extend(error.message_dict["phases"])
    if errors:
        raise ValidationError(errors)

    validated_save(network, actor=actor)
    if phases is not None:
        kept_ids = {phase.pk for phase in kept if phase.pk}
        for phase_id, phase in existing.items():
            if phase_id not in kept_ids:
                phase._history_user = actor
                phase.delete()
        # Renumbering may swap numbers: park the kept ones first to dodge the unique check.
        for phase in kept:
            if phase.pk:
                Phase.objects.filter(pk=phase.pk).update(number=phase.number + 1000)
        for phase in kept:
            phase.network = network
            validated_save(phase, actor=actor)
    return network


@transaction.atomic
def organisation_create(*, actor, data: Mapping) -> Organisation:
    require_perm(actor, "networks.add_organisation")
    organisation = Organisation()
    assign_fields(organisation, data, (*ORGANISATION_EDITABLE, "slug"))
    validated_save(organisation, actor=actor)
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: Mapping) -> Organisation:
    require_perm(actor, "networks.change_organisation", organisation)
    assign_fields(organisation, data, ORGANISATION_EDITABLE)
    validated_save(organisation, actor=actor)
    return organisation


@transaction.atomic
def partnership_create(
    *, actor, network: Network, organisation: Organisation, data: Mapping
) -> Partnership:
    require_perm(actor, "networks.manage_partnerships", network)
    # Serialise partnership writes per network so that two requests cannot both add a lead.
    Network.objects.select_for_update().filter(pk=network.pk).first()
    partnership = Partnership(network=network, organisation=organisation)
    assign_fields(partnership, data, PARTNERSHIP_EDITABLE)
    validated_save(partnership, actor=actor)
    return partnership


@transaction.atomic
def partnership_update(*, actor, partnership: Partnership, data: Mapping) -> Partnership:
    require_perm(actor, "networks.manage_partnerships", partnership.network)
    Network.objects.select_for_update().filter(pk=partnership.network_id).first()
    assign_fields(partnership, data, PARTNERSHIP_EDITABLE)
    validated_save(partnership, actor=actor)
    return partnership


@transaction.atomic
def partnership_delete(*, actor, partnership: Partnership) -> None:
    require_perm(actor, "networks.manage_partnerships", partnership.network)
    partnership._history_user = actor
    partnership.delete()
