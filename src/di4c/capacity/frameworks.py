"""Skills framework files: validation (every problem, with its place in the file) and loading.

A file is YAML: code, version, name, description, suggested roles with their target levels,
and areas with competences, each with eight level descriptors. The parsing helpers are the
maturity frameworks' (same YAML conventions: `<key>_i18n` for translations).
See src/di4c/capacity/data/ for the framework di4c ships.
"""

import hashlib
from importlib import resources
from pathlib import Path

from django.db import transaction

from di4c.capacity.models import (
    LEVEL_MAX,
    LEVEL_MIN,
    AreaKind,
    Competence,
    SkillArea,
    SkillsFramework,
)
from di4c.maturity.frameworks import (
    CODE_CHARS,
    FrameworkFileError,
    Problem,
    _list_translations,
    _text,
    _translations,
    installed_version,
    parse,
)

LEVEL_COUNT = LEVEL_MAX - LEVEL_MIN + 1


def _level(value, problems, line, where) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not LEVEL_MIN <= value <= LEVEL_MAX:
        problems.append(Problem(line, where, f"level {value!r} must be a whole number from 1 to 8"))
        return None
    return value


def _competence(raw, problems, where, codes: dict) -> dict | None:
    if not isinstance(raw, dict):
        problems.append(Problem(None, where, "a competence must be a mapping"))
        return None
    line = raw.get("__line__")
    code = _text(raw, "code", problems, where)
    if code:
        where = f"competence {code}"
        if len(code) > 10:
            problems.append(Problem(line, where, "the code is longer than 10 characters"))
        if code in codes:
            problems.append(
                Problem(line, where, f"duplicate competence code (first on line {codes[code]})")
            )
        codes.setdefault(code, line)
    name = _text(raw, "name", problems, where)
    if len(name) > 200:
        problems.append(Problem(line, where, "the name is longer than 200 characters"))
    levels = raw.get("levels")
    if (
        not isinstance(levels, list)
        or len(levels) != LEVEL_COUNT
        or not all(isinstance(text, str) and text.strip() for text in levels)
    ):
        problems.append(Problem(line, where, f"'levels' must list {LEVEL_COUNT} texts"))
        levels = []
    return {
        "code": code,
        "name": name,
        "name_i18n": _translations(raw, "name", problems, where),
        "summary": _text(raw, "summary", problems, where, required=False),
        "summary_i18n": _translations(raw, "summary", problems, where),
        "levels": [text.strip() for text in levels],
        "levels_i18n": _list_translations(raw, "levels", LEVEL_COUNT, problems, line, where),
    }


def _roles(raw_roles, competence_codes: set, problems, line) -> list[dict]:
    if raw_roles is None:
        return []
    if not isinstance(raw_roles, list):
        problems.append(Problem(line, "roles", "'roles' must be a list"))
        return []
    roles, seen = [], set()
    for index, raw in enumerate(raw_roles):
        where = f"roles[{index}]"
        if not isinstance(raw, dict):
            problems.append(Problem(line, where, "a role must be a mapping"))
            continue
        r_line = raw.get("__line__")
        code = _text(raw, "code", problems, where)
        if code and (set(code) - CODE_CHARS - {"_"} or len(code) > 40):
            problems.append(Problem(r_line, where, "the code must be lower-case, at most 40 long"))
        if code in seen:
            problems.append(Problem(r_line, where, f"duplicate role code {code!r}"))
        seen.add(code)
        default = _level(raw.get("default", 3), problems, r_line, f"role {code}")
        targets = {}
        for competence, level in (raw.get("targets") or {}).items():
            if competence == "__line__":
                continue
            competence = str(competence)
            if competence not in competence_codes:
                problems.append(
                    Problem(r_line, f"role {code}", f"unknown competence {competence!r}")
                )
                continue
            checked = _level(level, problems, r_line, f"role {code}, {competence}")
            if checked is not None:
                targets[competence] = checked
        roles.append(
            {
                "code": code,
                "name": _text(raw, "name", problems, where),
                "name_i18n": _translations(raw, "name", problems, where),
                "targets": {c: targets.get(c, default) for c in sorted(competence_codes)},
            }
        )
    return roles


def validate(data: dict) -> tuple[dict, list[Problem]]:
    """Check a parsed framework file; return the clean structure and every problem found."""
    problems: list[Problem] = []
    line = data.get("__line__")
    for key, key_line in data.get("__duplicate_keys__", []):
        problems.append(Problem(key_line, "file", f"key '{key}' appears twice"))
    code = data.get("code")
    if not isinstance(code, str) or not code or set(code) - CODE_CHARS or len(code) > 60:
        problems.append(Problem(line, "code", "a lower-case code is needed, e.g. 'di4c-skills'"))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 2**31:
        problems.append(Problem(line, "version", "the version must be a whole number from 1"))
    clean = {
        "code": code,
        "version": version,
        "name": _text(data, "name", problems, "name"),
        "name_i18n": _translations(data, "name", problems, "name"),
        "description": _text(data, "description", problems, "description", required=False),
        "description_i18n": _translations(data, "description", problems, "description"),
        "areas": [],
    }
    areas = data.get("areas")
    if not isinstance(areas, list) or not areas:
        problems.append(Problem(line, "areas", "at least one area is needed"))
        areas = []
    area_codes: set[str] = set()
    competence_codes: dict[str, int] = {}
    for a_index, area in enumerate(areas):
        where = f"areas[{a_index}]"
        if not isinstance(area, dict):
            problems.append(Problem(line, where, "an area must be a mapping"))
            continue
        a_line = area.get("__line__")
        a_code = _text(area, "code", problems, where)
        if a_code in area_codes:
            problems.append(Problem(a_line, where, f"duplicate area code {a_code!r}"))
        area_codes.add(a_code)
        kind = area.get("kind")
        if kind not in AreaKind.values:
            problems.append(
                Problem(a_line, where, f"kind must be one of {', '.join(AreaKind.values)}")
            )
        competences = area.get("competences")
        if not isinstance(competences, list) or not competences:
            problems.append(Problem(a_line, where, "at least one competence is needed"))
            competences = []
        clean_area = {
            "code": a_code,
            "kind": kind,
            "name": _text(area, "name", problems, where),
            "name_i18n": _translations(area, "name", problems, where),
            "competences": [],
        }
        for c_index, raw in enumerate(competences):
            competence = _competence(
                raw, problems, f"area {a_code}, competences[{c_index}]", competence_codes
            )
            if competence is not None:
                clean_area["competences"].append(competence)
        clean["areas"].append(clean_area)
    clean["roles"] = _roles(data.get("roles"), set(competence_codes), problems, line)
    return clean, problems


def check_text(text: str) -> dict:
    """Parse and validate; raise FrameworkFileError listing every problem."""
    clean, problems = validate(parse(text))
    if problems:
        raise FrameworkFileError(problems)
    return clean


@transaction.atomic
def load_text(text: str) -> tuple[SkillsFramework, bool]:
    """Install a framework version. The same file again changes nothing; other content under
    a version that exists is refused (versions are immutable)."""
    clean = check_text(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    existing = installed_version(SkillsFramework, clean, digest)
    if existing is not None:
        return existing, False
    framework = SkillsFramework.objects.create(
        code=clean["code"],
        version=clean["version"],
        name=clean["name"],
        name_i18n=clean["name_i18n"],
        description=clean["description"],
        description_i18n=clean["description_i18n"],
        suggested_roles=clean["roles"],
        source_sha256=digest,
    )
    position = 0
    for a_position, area in enumerate(clean["areas"]):
        area_row = SkillArea.objects.create(
            framework=framework,
            code=area["code"],
            kind=area["kind"],
            name=area["name"],
            name_i18n=area["name_i18n"],
            position=a_position,
        )
        rows = []
        for competence in area["competences"]:
            rows.append(
                Competence(
                    framework=framework,
                    area=area_row,
                    code=competence["code"],
                    name=competence["name"],
                    name_i18n=competence["name_i18n"],
                    summary=competence["summary"],
                    summary_i18n=competence["summary_i18n"],
                    level_descriptors=competence["levels"],
                    level_descriptors_i18n=competence["levels_i18n"],
                    position=position,
                )
            )
            position += 1
        Competence.objects.bulk_create(rows)
    return framework, True


def builtin_files() -> list[Path]:
    folder = resources.files("di4c.capacity").joinpath("data")
    return sorted(Path(str(folder)).glob("*.yaml"))


def load_builtin() -> list[SkillsFramework]:
    return [load_text(path.read_text(encoding="utf-8"))[0] for path in builtin_files()]


def current_framework() -> SkillsFramework | None:
    """The newest version of the built-in framework (installing it on first use)."""
    framework = SkillsFramework.objects.order_by("code", "-version").first()
    if framework is None and builtin_files():
        framework = load_builtin()[-1]
    return framework
