"""The city's departments, staff roles and target profiles."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from di4c.capacity.models import (
    LEVEL_MAX,
    LEVEL_MIN,
    Competence,
    Department,
    LevelTally,
    SkillsFramework,
    StaffRole,
    TargetLevel,
)
from di4c.core.services import assign_fields, require_perm, validated_save


def _same_city(item, organisation, field: str) -> None:
    if item is not None and item.organisation_id != organisation.pk:
        raise ValidationError({field: _("This belongs to another city.")})


@transaction.atomic
def department_save(
    *, actor, organisation, data: Mapping, department: Department | None = None
) -> Department:
    require_perm(actor, "capacity.manage_capacity", organisation)
    _same_city(department, organisation, "department")
    department = department or Department(organisation=organisation)
    assign_fields(department, data, ("name", "staff_count"))
    taken = Department.objects.filter(organisation=organisation, name__iexact=department.name)
    if taken.exclude(pk=department.pk).exists():
        raise ValidationError({"name": _("The city already has a department of this name.")})
    is_new = department.pk is None
    validated_save(department, actor=actor)
    if is_new:
        from di4c.capacity.services.rounds import create_tallies_for_open_rounds

        create_tallies_for_open_rounds(organisation, department=department)
    return department


@transaction.atomic
def department_delete(*, actor, department: Department) -> None:
    require_perm(actor, "capacity.manage_capacity", department.organisation)
    if LevelTally.objects.filter(department=department, count__gt=0).exists():
        raise ValidationError(
            _("Self-assessment results are counted under this department: rename it instead.")
        )
    department.delete()


@transaction.atomic
def role_save(*, actor, organisation, data: Mapping, role: StaffRole | None = None) -> StaffRole:
    require_perm(actor, "capacity.manage_capacity", organisation)
    _same_city(role, organisation, "role")
    role = role or StaffRole(organisation=organisation)
    assign_fields(role, data, ("code", "name", "position"))
    if StaffRole.objects.filter(organisation=organisation, code=role.code).exclude(pk=role.pk):
        raise ValidationError({"code": _("The city already has a role with this code.")})
    is_new = role.pk is None
    validated_save(role, actor=actor)
    if is_new:
        from di4c.capacity.services.rounds import create_tallies_for_open_rounds

        create_tallies_for_open_rounds(organisation, role=role)
    return role


@transaction.atomic
def role_delete(*, actor, role: StaffRole) -> None:
    require_perm(actor, "capacity.manage_capacity", role.organisation)
    if LevelTally.objects.filter(role=role, count__gt=0).exists():
        raise ValidationError(
            _("Self-assessment results are counted under this role: rename it instead.")
        )
    role.delete()


def _checked_level(value, where: str, errors: dict) -> int | None:
    """A target level from a form, a file or the API: None clears the target."""
    if value is None or value == "":
        return None
    try:
        level = int(value)
        if isinstance(value, bool) or str(level) != str(value).strip():
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault(where, []).append(
            _("“%(value)s” is not a level: give a whole number from 1 to 8.") % {"value": value}
        )
        return None
    if not LEVEL_MIN <= level <= LEVEL_MAX:
        errors.setdefault(where, []).append(
            _("Level %(level)s is outside the scale: levels go from 1 to 8.") % {"level": level}
        )
        return None
    return level


@transaction.atomic
def targets_save(
    *, actor, organisation, framework: SkillsFramework, targets: Mapping[str, Mapping]
) -> int:
    """Set target levels: {role code: {competence code: level or None}}. Every problem is
    reported at once (keyed "<role>" or "<role>:<competence>") and nothing is saved unless
    all of it is right. Returns how many cells changed."""
    require_perm(actor, "capacity.manage_capacity", organisation)
    roles = {role.code: role for role in StaffRole.objects.filter(organisation=organisation)}
    competences = {c.code: c for c in Competence.objects.filter(framework=framework)}
    errors: dict[str, list[str]] = {}
    wanted: dict[tuple[int, int], int | None] = {}
    for role_code, levels in targets.items():
        role = roles.get(role_code)
        if role is None:
            errors.setdefault(str(role_code), []).append(
                _("Unknown role “%(role)s”: add it to the city's staff roles first.")
                % {"role": role_code}
            )
            continue
        if not isinstance(levels, Mapping):
            errors.setdefault(role_code, []).append(_("Give the levels by competence code."))
            continue
        for code, value in levels.items():
            where = f"{role_code}:{code}"
            competence = competences.get(str(code))
            if competence is None:
                errors.setdefault(where, []).append(
                    _("“%(code)s” is not a competence of the framework %(framework)s.")
                    % {"code": code, "framework": framework}
                )
                continue
            level = _checked_level(value, where, errors)
            if level is not None or value in (None, ""):
                wanted[(role.pk, competence.pk)] = level
    if errors:
        raise ValidationError(errors)
    stored = {
        (t.role_id, t.competence_id): t
        for t in TargetLevel.objects.filter(
            role__organisation=organisation, competence__framework=framework
        )
    }
    changed, added, removed = [], [], []
    for (role_id, competence_id), level in wanted.items():
        current = stored.get((role_id, competence_id))
        if level is None:
            if current is not None:
                removed.append(current.pk)
        elif current is None:
            added.append(TargetLevel(role_id=role_id, competence_id=competence_id, level=level))
        elif current.level != level:
            current.level = level
            changed.append(current)
    TargetLevel.objects.filter(pk__in=removed).delete()
    TargetLevel.objects.bulk_create(added)
    TargetLevel.objects.bulk_update(changed, ["level"])
    return len(added) + len(changed) + len(removed)


@transaction.atomic
def roles_from_framework(*, actor, organisation, framework: SkillsFramework) -> list[StaffRole]:
    """Start from the framework's suggested roles and target profiles; roles the city already
    has (same code) are left as they are. Returns the roles added."""
    require_perm(actor, "capacity.manage_capacity", organisation)
    existing = set(
        StaffRole.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    language = organisation_language(organisation)
    added = []
    for position, suggested in enumerate(framework.suggested_roles):
        if suggested["code"] in existing:
            continue
        name = (suggested.get("name_i18n") or {}).get(language) or suggested["name"]
        role = StaffRole.objects.create(
            organisation=organisation, code=suggested["code"], name=name, position=position
        )
        added.append(role)
        from di4c.capacity.services.rounds import create_tallies_for_open_rounds

        create_tallies_for_open_rounds(organisation, role=role)
    targets = {
        suggested["code"]: suggested["targets"]
        for suggested in framework.suggested_roles
        if suggested["code"] not in existing
    }
    if targets:
        targets_save(actor=actor, organisation=organisation, framework=framework, targets=targets)
    return added


def organisation_language(organisation) -> str:
    """The language the city works in, for names written on its behalf: its country's when the
    interface has it, English otherwise."""
    from django.conf import settings

    language = {"RO": "ro", "IT": "it"}.get(str(organisation.country), "en")
    return language if language in dict(settings.LANGUAGES) else "en"
