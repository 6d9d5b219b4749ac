"""API of the capacity app, part one: the skills framework and a city's setup (departments,
staff roles, target profiles). Rounds, answering and the aggregates are in capacity_rounds,
trainings in capacity_trainings.

Everything of a city is read through capacity.view_capacity (its staff and its networks' staff;
others get a 403, a city that does not exist a 404) and written through capacity.services,
which check capacity.manage_capacity (the city's editors and coordinators)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Body, Router, Status
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.capacity_schemas import (
    READ,
    WRITE,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    FrameworkSummaryOut,
    RoleIn,
    RoleOut,
    RolePatch,
    SkillsFrameworkOut,
    TargetsOut,
    bands,
    capacity_city,
    check_manager,
    competence_ref,
    framework_named,
    nested_errors,
    reader_language,
)
from di4c.api.maturity import ErrorOut
from di4c.api.plan_schemas import check_id
from di4c.capacity import selectors, services
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Department, SkillsFramework, StaffRole
from di4c.core.i18n import current_language

router = Router(tags=["capacity"])

CITY = "/capacity/organisations/{slug}"


# --- the framework ------------------------------------------------------------------------------


def _framework_out(framework: SkillsFramework) -> dict:
    language = current_language()
    return {
        "code": framework.code,
        "version": framework.version,
        "name": framework.display_name,
        "description": framework.display_description,
        "loaded_at": framework.loaded_at,
        "language": language,
        "bands": bands(),
        "areas": [
            {
                "code": area.code,
                "kind": area.kind,
                "name": area.display_name,
                "competences": [
                    {
                        "code": competence.code,
                        "name": competence.display_name,
                        "summary": competence.display_summary,
                        "levels": [
                            {"level": level, "band": band, "descriptor": text}
                            for level, band, text in competence.level_options()
                        ],
                    }
                    for competence in area.competences.all()
                ],
            }
            for area in framework.areas.all()
        ],
        "suggested_roles": [
            {
                "code": role["code"],
                "name": (role.get("name_i18n") or {}).get(language) or role["name"],
                "targets": role["targets"],
            }
            for role in framework.suggested_roles
        ],
    }


@router.get("/capacity/frameworks", response=list[FrameworkSummaryOut])
def list_frameworks(request):
    """The skills frameworks installed, the newest version of each first."""
    current_framework()  # the built-in one is installed on first use
    return [
        {
            "code": framework.code,
            "version": framework.version,
            "name": framework.display_name,
            "description": framework.display_description,
            "loaded_at": framework.loaded_at,
        }
        for framework in SkillsFramework.objects.order_by("code", "-version")
    ]


@router.get(
    "/capacity/frameworks/{code}/{version}",
    response={200: SkillsFrameworkOut, 404: ErrorOut, 422: ErrorOut},
)
def get_framework(request, code: str, version: int, lang: str | None = None):
    """Areas and competences, each with what a person can do at each of the eight levels,
    grouped in four bands. Names in ?lang= (en, ro, it), else in the request's Accept-Language."""
    check_id(version)
    current_framework()  # the built-in one is installed on first use
    framework = (
        SkillsFramework.objects.filter(code=code[:60], version=version)
        .prefetch_related("areas__competences")
        .first()
    )
    if framework is None:
        raise Http404
    with reader_language(lang):
        return _framework_out(framework)


# --- departments and staff roles ----------------------------------------------------------------


def _department(organisation, pk: int) -> Department:
    check_id(pk)
    department = Department.objects.filter(organisation=organisation, pk=pk).first()
    if department is None:
        raise Http404
    return department


def _role(organisation, pk: int) -> StaffRole:
    check_id(pk)
    role = StaffRole.objects.filter(organisation=organisation, pk=pk).first()
    if role is None:
        raise Http404
    return role


@router.get(
    CITY + "/departments", response={200: list[DepartmentOut], **READ}, auth=token_or_session
)
@paginate
def list_departments(request, slug: str):
    """The city's departments: the groups results are shown by."""
    return Department.objects.filter(organisation=capacity_city(request, slug)).order_by("name")


@router.post(CITY + "/departments", response={201: DepartmentOut, **WRITE}, auth=token_or_session)
def create_department(request, slug: str, payload: DepartmentIn):
    organisation = capacity_city(request, slug)
    department = services.department_save(
        actor=request.auth, organisation=organisation, data=payload.dict()
    )
    return Status(201, department)


@router.patch(
    CITY + "/departments/{pk}", response={200: DepartmentOut, **WRITE}, auth=token_or_session
)
def patch_department(request, slug: str, pk: int, payload: DepartmentPatch):
    organisation = capacity_city(request, slug)
    check_manager(request, organisation)
    return services.department_save(
        actor=request.auth,
        organisation=organisation,
        department=_department(organisation, pk),
        data=payload.dict(exclude_unset=True),
    )


@router.delete(CITY + "/departments/{pk}", response={204: None, **WRITE}, auth=token_or_session)
def delete_department(request, slug: str, pk: int):
    """Refused (422) once results are counted under the department: rename it instead."""
    organisation = capacity_city(request, slug)
    check_manager(request, organisation)
    services.department_delete(actor=request.auth, department=_department(organisation, pk))
    return Status(204, None)


@router.get(CITY + "/roles", response={200: list[RoleOut], **READ}, auth=token_or_session)
@paginate
def list_roles(request, slug: str):
    """The staff roles the city sets target profiles for."""
    return StaffRole.objects.filter(organisation=capacity_city(request, slug)).order_by(
        "position", "name"
    )


@router.post(CITY + "/roles", response={201: RoleOut, **WRITE}, auth=token_or_session)
def create_role(request, slug: str, payload: RoleIn):
    organisation = capacity_city(request, slug)
    role = services.role_save(actor=request.auth, organisation=organisation, data=payload.dict())
    return Status(201, role)


@router.post(
    CITY + "/roles/from-framework", response={201: list[RoleOut], **WRITE}, auth=token_or_session
)
def roles_from_framework(
    request, slug: str, framework: str | None = None, version: int | None = None
):
    """Add the framework's suggested roles with their target profiles (roles the city already
    has, by code, are left as they are). Answers the roles added."""
    organisation = capacity_city(request, slug)
    check_manager(request, organisation)
    added = services.roles_from_framework(
        actor=request.auth,
        organisation=organisation,
        framework=framework_named(framework, version),
    )
    return Status(201, added)


@router.patch(CITY + "/roles/{pk}", response={200: RoleOut, **WRITE}, auth=token_or_session)
def patch_role(request, slug: str, pk: int, payload: RolePatch):
    organisation = capacity_city(request, slug)
    check_manager(request, organisation)
    return services.role_save(
        actor=request.auth,
        organisation=organisation,
        role=_role(organisation, pk),
        data=payload.dict(exclude_unset=True),
    )


@router.delete(CITY + "/roles/{pk}", response={204: None, **WRITE}, auth=token_or_session)
def delete_role(request, slug: str, pk: int):
    """Refused (422) once results are counted under the role: rename it instead."""
    organisation = capacity_city(request, slug)
    check_manager(request, organisation)
    services.role_delete(actor=request.auth, role=_role(organisation, pk))
    return Status(204, None)


# --- target profiles ----------------------------------------------------------------------------


def _targets_out(organisation, framework, changed: int | None = None) -> dict:
    roles = list(StaffRole.objects.filter(organisation=organisation).order_by("position", "name"))
    competences = list(framework.competences.select_related("area").order_by("position"))
    codes = {competence.pk: competence.code for competence in competences}
    targets: dict[str, dict[str, int]] = {role.code: {} for role in roles}
    role_codes = {role.pk: role.code for role in roles}
    for (role_id, competence_id), level in selectors.targets_of(organisation, framework).items():
        targets[role_codes[role_id]][codes[competence_id]] = level
    return {
        "framework": framework,
        "roles": roles,
        "competences": [competence_ref(competence) for competence in competences],
        "targets": targets,
        "changed": changed,
    }


@router.get(CITY + "/targets", response={200: TargetsOut, **READ}, auth=token_or_session)
def get_targets(
    request,
    slug: str,
    framework: str | None = None,
    version: int | None = None,
    lang: str | None = None,
):
    """The target profiles: the level each role should reach per competence. Names in ?lang=
    (en, ro, it), else in the request's Accept-Language."""
    organisation = capacity_city(request, slug)
    with reader_language(lang):
        return _targets_out(organisation, framework_named(framework, version))


@router.put(CITY + "/targets", response={200: TargetsOut, **WRITE}, auth=token_or_session)
def put_targets(
    request,
    slug: str,
    payload: Body[dict[str, object]],
    framework: str | None = None,
    version: int | None = None,
):
    """Set target levels: `{role code: {competence code: level or null}}` (null clears a
    target; cells not named are left as they are). Every problem is reported at once in a 422,
    each at its place in the body (["body", role] or ["body", role, competence]): an unknown
    role, a competence not in the framework, a level outside 1 to 8. Nothing is saved unless
    all of it is right."""
    organisation = capacity_city(request, slug)
    check_manager(request, organisation)
    skills = framework_named(framework, version)
    try:
        changed = services.targets_save(
            actor=request.auth, organisation=organisation, framework=skills, targets=payload
        )
    except ValidationError as error:
        return nested_errors(error, lambda key: key.split(":", 1))
    return _targets_out(organisation, skills, changed)
