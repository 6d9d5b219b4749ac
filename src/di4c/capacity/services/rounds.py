"""Self-assessment rounds: create, open, close, hand out links, and take a submission.

A submission is checked whole, then counted into the tallies and forgotten (see
models/rounds.py): nothing of it can be read back as one person's answers.
"""

import random
import secrets
from collections.abc import Mapping
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.accounts.models import hash_token
from di4c.capacity.models import (
    LEVEL_MAX,
    LEVEL_MIN,
    Access,
    Competence,
    Department,
    LevelTally,
    RespondentTally,
    Round,
    RoundLink,
    RoundParticipation,
    RoundStatus,
    StaffRole,
)
from di4c.core.services import assign_fields, require_perm, validated_save

ROUND_EDITABLE = ("title", "opens_on", "closes_on", "access")
MAX_LINKS_AT_ONCE = 500


def round_competences(round_: Round) -> list[Competence]:
    """The competences a round asks about, in framework order."""
    competences = Competence.objects.filter(framework_id=round_.framework_id)
    area_ids = [area.pk for area in round_.areas.all()]
    if area_ids:
        competences = competences.filter(area_id__in=area_ids)
    return list(competences.select_related("area").order_by("position"))


def _competence_codes(round_: Round) -> dict[str, int]:
    """{code: id} of the competences a round asks about (what a submission is checked with)."""
    competences = Competence.objects.filter(framework_id=round_.framework_id)
    area_ids = [area.pk for area in round_.areas.all()]
    if area_ids:
        competences = competences.filter(area_id__in=area_ids)
    return dict(competences.order_by("position").values_list("code", "pk"))


def _has_answers(round_: Round) -> bool:
    return RespondentTally.objects.filter(round=round_, count__gt=0).exists()


@transaction.atomic
def round_save(
    *, actor, organisation, data: Mapping, round_: Round | None = None, framework=None, areas=None
) -> Round:
    """Create or edit a round. The framework, its areas and the way staff answer are fixed
    once the first person has answered."""
    require_perm(actor, "capacity.manage_capacity", organisation)
    if round_ is not None and round_.organisation_id != organisation.pk:
        raise ValidationError({"round": _("This belongs to another city.")})
    if round_ is None:
        from di4c.capacity.frameworks import current_framework

        framework = framework or current_framework()
        if framework is None:
            raise ValidationError({"framework": _("No skills framework is installed.")})
        round_ = Round(organisation=organisation, framework=framework, created_by=actor)
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError(_("This round is closed; its results can no longer change."))
    changed = assign_fields(round_, data, ROUND_EDITABLE)
    frozen = round_.pk and _has_answers(round_)
    if frozen and "access" in changed:
        raise ValidationError(
            {"access": _("People have already answered: the way to answer cannot change.")}
        )
    if "access" in changed and round_.pk and RoundLink.objects.filter(round=round_).exists():
        raise ValidationError(
            {"access": _("Links have been handed out: the way to answer cannot change.")}
        )
    if areas is not None:
        areas = list(areas)
        foreign = [a for a in areas if a.framework_id != round_.framework_id]
        if foreign:
            raise ValidationError({"areas": _("These areas are not in the round's framework.")})
        if frozen and {a.pk for a in areas} != {a.pk for a in round_.areas.all()}:
            raise ValidationError(
                {"areas": _("People have already answered: the areas asked about are fixed.")}
            )
    validated_save(round_, actor=actor)
    if areas is not None:
        round_.areas.set(areas)
        if round_.status == RoundStatus.OPEN:
            create_tallies(round_)
    return round_


def create_tallies(round_: Round, departments=None, roles=None) -> None:
    """Every counter of a round made at zero when it opens (and for a department or role
    added while it is open): the rows then exist before anyone answers, so their order in
    the database says nothing about who answered what."""
    organisation = round_.organisation
    departments = departments or list(Department.objects.filter(organisation=organisation))
    roles = roles or list(StaffRole.objects.filter(organisation=organisation))
    competence_ids = list(_competence_codes(round_).values())
    RespondentTally.objects.bulk_create(
        [RespondentTally(round=round_, department=d, role=r) for d in departments for r in roles],
        ignore_conflicts=True,
    )
    rows = [
        LevelTally(round=round_, department=d, role=r, competence_id=c, level=level)
        for d in departments
        for r in roles
        for c in competence_ids
        for level in range(LEVEL_MIN, LEVEL_MAX + 1)
    ]
    random.shuffle(rows)
    LevelTally.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def create_tallies_for_open_rounds(organisation, *, department=None, role=None) -> None:
    for round_ in Round.objects.filter(organisation=organisation, status=RoundStatus.OPEN):
        create_tallies(
            round_,
            departments=[department] if department else None,
            roles=[role] if role else None,
        )


def _freeze_targets(round_: Round) -> None:
    from di4c.capacity.models import TargetLevel

    round_.targets_at_close = {
        f"{role}:{competence}": level
        for role, competence, level in TargetLevel.objects.filter(
            role__organisation_id=round_.organisation_id,
            competence__framework_id=round_.framework_id,
        ).values_list("role_id", "competence_id", "level")
    }


@transaction.atomic
def round_open(*, actor, round_: Round) -> Round:
    require_perm(actor, "capacity.manage_capacity", round_.organisation)
    if round_.status != RoundStatus.DRAFT:
        raise ValidationError(_("Only a draft round can be opened."))
    organisation = round_.organisation
    if not Department.objects.filter(organisation=organisation).exists():
        raise ValidationError(_("Add the city's departments before opening a round."))
    if not StaffRole.objects.filter(organisation=organisation).exists():
        raise ValidationError(_("Add the staff roles before opening a round."))
    round_.status = RoundStatus.OPEN
    round_.save(update_fields=["status"])
    create_tallies(round_)
    return round_


@transaction.atomic
def round_close(*, actor, round_: Round) -> Round:
    """Close the round: results appear, and plan indicators fed by rounds take the new value."""
    require_perm(actor, "capacity.manage_capacity", round_.organisation)
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    if round_.closes_on > timezone.localdate():
        round_.closes_on = max(timezone.localdate(), round_.opens_on)
    _freeze_targets(round_)
    round_.save(update_fields=["status", "closed_at", "closes_on", "targets_at_close"])
    from di4c.plans.services import indicators_sync_for_organisation

    indicators_sync_for_organisation(round_.organisation, capacity=True)
    return round_


@transaction.atomic
def links_create(*, actor, round_: Round, department: Department, count: int) -> list[str]:
    """`count` single-use links for a department's staff. Returns the tokens, which are not
    stored (only their hashes): they are shown once, to be handed out."""
    require_perm(actor, "capacity.manage_capacity", round_.organisation)
    if round_.access != Access.LINKS:
        raise ValidationError(_("Staff answer this round by signing in: it has no links."))
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError(_("This round is closed."))
    if department.organisation_id != round_.organisation_id:
        raise ValidationError({"department": _("This department belongs to another city.")})
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_LINKS_AT_ONCE:
        raise ValidationError(
            {"count": _("Ask for 1 to %(most)s links at a time.") % {"most": MAX_LINKS_AT_ONCE}}
        )
    if department.staff_count is not None:
        # More links than people would let someone answer in others' place and work out the
        # real answers by subtraction.
        made = RoundLink.objects.filter(round=round_, department=department).count()
        if made + count > department.staff_count:
            raise ValidationError(
                {
                    "count": _(
                        "The department has %(staff)s staff and %(made)s links already: "
                        "at most %(left)s more."
                    )
                    % {
                        "staff": department.staff_count,
                        "made": made,
                        "left": max(department.staff_count - made, 0),
                    }
                }
            )
    tokens = [secrets.token_urlsafe(24) for _index in range(count)]
    RoundLink.objects.bulk_create(
        [RoundLink(round=round_, department=department, token_hash=hash_token(t)) for t in tokens]
    )
    return tokens


def link_for(token: str) -> RoundLink | None:
    """The link a token opens (its round and department), or None."""
    if not token or len(token) > 100:
        return None
    return (
        RoundLink.objects.select_related("round__organisation", "round__framework", "department")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _checked_levels(by_code: dict[str, int], levels: Mapping) -> dict[int, int]:
    """{competence id: level}, or a ValidationError naming each competence that is wrong."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(code) for code in levels if str(code) not in by_code)
    if unknown:
        errors["levels"] = [
            _("Not a competence of this round: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    checked = {}
    for code, competence_id in by_code.items():
        value = levels.get(code)
        if value is None or value == "":
            errors[code] = [_("Choose the level that describes you best.")]
            continue
        try:
            level = int(value)
            if isinstance(value, bool) or str(level) != str(value).strip():
                raise ValueError
        except (TypeError, ValueError):
            errors[code] = [_("Choose a level from 1 to 8.")]
            continue
        if not LEVEL_MIN <= level <= LEVEL_MAX:
            errors[code] = [
                _("Level %(level)s is outside the scale: choose from 1 to 8.") % {"level": level}
            ]
            continue
        checked[competence_id] = level
    if errors:
        raise ValidationError(errors)
    return checked


def _check_accepting(round_: Round) -> None:
    today = timezone.localdate()
    if round_.status == RoundStatus.CLOSED or (
        round_.status == RoundStatus.OPEN and today > round_.closes_on
    ):
        raise ValidationError(
            _("This self-assessment round is closed: answers are no longer taken.")
        )
    if round_.status != RoundStatus.OPEN or today < round_.opens_on:
        raise ValidationError(_("This self-assessment round is not open yet."))


@transaction.atomic
def self_assessment_submit(
    *,
    round_: Round,
    role: StaffRole | str | None,
    levels: Mapping,
    token: str | None = None,
    user=None,
    department: Department | None = None,
) -> None:
    """Count one person's self-assessment. With a link, its department is the link's; signed
    in, the person says which department they work in. Returns nothing: there is nothing to
    give back that would not identify the answers."""
    _check_accepting(round_)
    organisation = round_.organisation
    errors: dict[str, list[str]] = {}
    link = None
    if round_.access == Access.LINKS:
        link = link_for(token or "")
        if link is None or link.round_id != round_.pk:
            raise ValidationError({"token": _("This link is not valid for this round.")})
        department = link.department
    else:
        if user is None or not user.is_authenticated:
            raise PermissionDenied(_("Sign in to answer this round."))
        if not user.has_perm("capacity.answer_round", organisation):
            raise PermissionDenied(_("This round is for the city's own staff."))
        if department is None or department.organisation_id != organisation.pk:
            errors["department"] = [_("Choose your department.")]
    if isinstance(role, str):
        role = StaffRole.objects.filter(organisation=organisation, code=role).first()
    if role is None or role.organisation_id != organisation.pk:
        errors["role"] = [_("Choose your role from the list.")]
    try:
        checked = _checked_levels(_competence_codes(round_), levels)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if link is not None:
        # Conditional: of two submissions racing with the same link, one gets through.
        if not RoundLink.objects.filter(pk=link.pk, is_used=False).update(is_used=True):
            raise ValidationError(
                {"token": _("This link has already been used: each link counts one person, once.")}
            )
    else:
        try:
            with transaction.atomic():
                RoundParticipation.objects.create(round=round_, user=user)
        except IntegrityError:
            raise ValidationError(_("You have already answered this round.")) from None
    _count(round_, department, role, checked)


def _count(round_: Round, department: Department, role: StaffRole, levels: dict[int, int]) -> None:
    """Add one to the respondent and level counters (rows made at zero first, so that racing
    submissions both increment instead of colliding on the insert)."""
    group = {"round": round_, "department": department, "role": role}
    RespondentTally.objects.bulk_create([RespondentTally(**group)], ignore_conflicts=True)
    RespondentTally.objects.filter(**group).update(count=F("count") + 1)
    LevelTally.objects.bulk_create(
        [LevelTally(**group, competence_id=c, level=lvl) for c, lvl in levels.items()],
        ignore_conflicts=True,
    )
    by_level: dict[int, list[int]] = {}
    for competence_id, level in levels.items():
        by_level.setdefault(level, []).append(competence_id)
    # One clause per level (at most eight), not one per competence.
    cells = reduce(or_, (Q(level=lvl, competence_id__in=ids) for lvl, ids in by_level.items()))
    LevelTally.objects.filter(**group).filter(cells).update(count=F("count") + 1)
