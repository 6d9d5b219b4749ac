"""Framework files: validation (every problem, with its place in the file) and loading.

A file is YAML: code, version, name, scoring, scale, levels, dimensions with indicators.
See src/di4c/maturity/data/ for the frameworks di4c ships.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

import yaml
from django.db import transaction

from di4c.core.i18n import translation_languages
from di4c.maturity.models import SCALE_MAX, Dimension, Framework, Indicator, Scale
from di4c.maturity.scoring import RULES

CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class Problem:
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"line {self.line}, " if self.line else ""
        return f"{place}{self.where}: {self.message}"


class FrameworkFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _LineLoader(yaml.SafeLoader):
    """Keeps the line of every mapping, so that problems can say where they are."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    # Duplicate keys are silently merged by YAML: report them.
    seen = set()
    for key_node, _value in node.value:
        key = key_node.value
        if key in seen:
            mapping.setdefault("__duplicate_keys__", []).append((key, key_node.start_mark.line + 1))
        seen.add(key)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse(text: str) -> dict:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise FrameworkFileError([Problem(line, "file", "the file contains a NUL character")])
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FrameworkFileError(
            [Problem(mark.line + 1 if mark else None, "file", f"not valid YAML: {error}")]
        ) from error
    if not isinstance(data, dict):
        raise FrameworkFileError([Problem(1, "file", "the file must be a mapping of keys")])
    return data


MAX_WEIGHT = Decimal("9999.99")
MAX_VERSION = 2**31 - 1
LENGTHS = {"framework code": 60, "name": 200, "dimension code": 10, "indicator code": 12}


def _weight(value, problems, line, where) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.append(Problem(line, where, f"weight {value!r} is not a number"))
        return None
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append(Problem(line, where, f"weight {value!r} is not a number"))
        return None
    if not weight.is_finite() or not Decimal("0.01") <= weight <= MAX_WEIGHT:
        problems.append(
            Problem(line, where, f"weight {value!r} must be a number from 0.01 to {MAX_WEIGHT}")
        )
        return None
    if weight != weight.quantize(Decimal("0.01")):
        problems.append(Problem(line, where, f"weight {value!r} has more than two decimals"))
        return None
    return weight


def _length(value: str, limit_name: str, problems, line, where) -> None:
    limit = LENGTHS[limit_name]
    if len(value) > limit:
        problems.append(Problem(line, where, f"the {limit_name} is longer than {limit} characters"))


def _text(mapping, key, problems, where, required=True) -> str:
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(mapping.get("__line__"), where, f"'{key}' is missing"))
        return ""
    if not isinstance(value, str):
        problems.append(Problem(mapping.get("__line__"), where, f"'{key}' must be text"))
        return ""
    return value.strip()


def _translations(mapping, key, problems, where) -> dict:
    value = mapping.get(f"{key}_i18n") or {}
    if not isinstance(value, dict):
        problems.append(Problem(mapping.get("__line__"), where, f"'{key}_i18n' must be a mapping"))
        return {}
    allowed = set(translation_languages())
    result = {}
    for code, text in value.items():
        if code == "__line__":
            continue
        if code not in allowed or not isinstance(text, str):
            problems.append(
                Problem(value.get("__line__"), where, f"'{key}_i18n' has a bad entry {code!r}")
            )
            continue
        result[code] = text.strip()
    return result


def _list_translations(mapping, key, expected, problems, line, where) -> dict:
    """`levels_i18n: {ro: [...], it: [...]}`: each list as long as the scale."""
    value = mapping.get(f"{key}_i18n") or {}
    if not isinstance(value, dict):
        problems.append(Problem(line, where, f"'{key}_i18n' must be a mapping"))
        return {}
    allowed = set(translation_languages())
    result = {}
    for code, texts in value.items():
        if code == "__line__":
            continue
        if code not in allowed:
            problems.append(Problem(line, where, f"'{key}_i18n' has an unknown language {code!r}"))
            continue
        if (
            not isinstance(texts, list)
            or len(texts) != expected
            or not all(isinstance(t, str) and t.strip() for t in texts)
        ):
            problems.append(Problem(line, where, f"'{key}_i18n' {code} must list {expected} texts"))
            continue
        result[code] = [t.strip() for t in texts]
    return result


def validate(data: dict) -> tuple[dict, list[Problem]]:
    """Check a parsed framework file; return the clean structure and every problem found."""
    problems: list[Problem] = []
    line = data.get("__line__")
    for key, key_line in data.get("__duplicate_keys__", []):
        problems.append(Problem(key_line, "file", f"key '{key}' appears twice"))
    code = data.get("code")
    if not isinstance(code, str) or not code or set(code) - CODE_CHARS:
        problems.append(Problem(line, "code", "a lower-case code is needed, e.g. 'di4c-city'"))
    else:
        _length(code, "framework code", problems, line, "code")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_VERSION:
        problems.append(
            Problem(line, "version", f"the version must be a whole number from 1 to {MAX_VERSION}")
        )
    scoring = data.get("scoring")
    if not isinstance(scoring, str) or scoring not in RULES:
        problems.append(
            Problem(line, "scoring", f"unknown rule {scoring!r}; known: {', '.join(sorted(RULES))}")
        )
    scale = data.get("scale")
    if scale not in Scale.values:
        problems.append(Problem(line, "scale", "the scale must be 'levels' or 'yes_no'"))
        scale = Scale.LEVELS
    expected_levels = SCALE_MAX[scale] + 1
    level_names = []
    if scale == Scale.LEVELS:
        raw_levels = data.get("levels")
        if not isinstance(raw_levels, list) or len(raw_levels) != expected_levels:
            problems.append(
                Problem(line, "levels", f"exactly {expected_levels} level names are needed")
            )
        else:
            for index, level in enumerate(raw_levels):
                where = f"levels[{index}]"
                if not isinstance(level, dict):
                    problems.append(Problem(line, where, "each level needs a 'name'"))
                    continue
                level_names.append(
                    {
                        "name": _text(level, "name", problems, where),
                        "name_i18n": _translations(level, "name", problems, where),
                    }
                )
    name = _text(data, "name", problems, "name")
    _length(name, "name", problems, line, "name")
    clean = {
        "code": code,
        "version": version,
        "name": name,
        "name_i18n": _translations(data, "name", problems, "name"),
        "description": _text(data, "description", problems, "description", required=False),
        "description_i18n": _translations(data, "description", problems, "description"),
        "scoring": scoring,
        "scale": scale,
        "level_names": level_names,
        "dimensions": [],
    }
    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        problems.append(Problem(line, "dimensions", "at least one dimension is needed"))
        dimensions = []
    dimension_codes: dict[str, int] = {}
    indicator_codes: dict[str, int] = {}
    for d_index, dimension in enumerate(dimensions):
        where = f"dimensions[{d_index}]"
        if not isinstance(dimension, dict):
            problems.append(Problem(line, where, "a dimension must be a mapping"))
            continue
        d_line = dimension.get("__line__")
        d_code = _text(dimension, "code", problems, where)
        if d_code:
            where = f"dimension {d_code}"
            _length(d_code, "dimension code", problems, d_line, where)
            if d_code in dimension_codes:
                problems.append(
                    Problem(
                        d_line,
                        where,
                        f"duplicate dimension code (first on line {dimension_codes[d_code]})",
                    )
                )
            dimension_codes.setdefault(d_code, d_line)
        d_name = _text(dimension, "name", problems, where)
        _length(d_name, "name", problems, d_line, where)
        clean_dimension = {
            "code": d_code,
            "name": d_name,
            "name_i18n": _translations(dimension, "name", problems, where),
            "weight": _weight(dimension.get("weight", 1), problems, d_line, where),
            "indicators": [],
        }
        indicators = dimension.get("indicators")
        if not isinstance(indicators, list) or not indicators:
            problems.append(Problem(d_line, where, "at least one indicator is needed"))
            indicators = []
        for i_index, indicator in enumerate(indicators):
            i_where = f"{where}, indicators[{i_index}]"
            if not isinstance(indicator, dict):
                problems.append(Problem(d_line, i_where, "an indicator must be a mapping"))
                continue
            i_line = indicator.get("__line__")
            i_code = _text(indicator, "code", problems, i_where)
            if i_code:
                i_where = f"indicator {i_code}"
                _length(i_code, "indicator code", problems, i_line, i_where)
                if i_code in indicator_codes:
                    problems.append(
                        Problem(
                            i_line,
                            i_where,
                            f"duplicate indicator code (first on line {indicator_codes[i_code]})",
                        )
                    )
                indicator_codes.setdefault(i_code, i_line)
            clean_indicator = {
                "code": i_code,
                "question": _text(indicator, "question", problems, i_where),
                "question_i18n": _translations(indicator, "question", problems, i_where),
                "weight": _weight(indicator.get("weight"), problems, i_line, i_where),
                "levels": [],
                "evidence": [],
            }
            for key in ("levels", "evidence"):
                values = indicator.get(key)
                if not isinstance(values, list):
                    problems.append(
                        Problem(i_line, i_where, f"'{key}' must list {expected_levels} texts")
                    )
                    continue
                for level in range(expected_levels):
                    text = values[level] if level < len(values) else None
                    if not isinstance(text, str) or not text.strip():
                        label = "level descriptor" if key == "levels" else "evidence guidance"
                        problems.append(Problem(i_line, i_where, f"{label} {level} is missing"))
                if len(values) > expected_levels:
                    problems.append(
                        Problem(
                            i_line,
                            i_where,
                            f"'{key}' has {len(values)} entries, "
                            f"the scale has {expected_levels} levels",
                        )
                    )
                clean_indicator[key] = [str(v).strip() for v in values[:expected_levels]]
                clean_indicator[f"{key}_i18n"] = _list_translations(
                    indicator, key, expected_levels, problems, i_line, i_where
                )
            clean_dimension["indicators"].append(clean_indicator)
        clean["dimensions"].append(clean_dimension)
    return clean, problems


def check_text(text: str) -> dict:
    """Parse and validate; raise FrameworkFileError listing every problem."""
    clean, problems = validate(parse(text))
    if problems:
        raise FrameworkFileError(problems)
    return clean


def installed_version(model, clean: dict, digest: str):
    """The framework version already installed from this very file, or None if the version
    is new; other content under an installed version is refused (versions are immutable).
    Shared with the capacity app's skills frameworks."""
    existing = model.objects.filter(code=clean["code"], version=clean["version"]).first()
    if existing is None or existing.source_sha256 == digest:
        return existing
    raise FrameworkFileError(
        [
            Problem(
                None,
                "version",
                f"{clean['code']} version {clean['version']} is already installed with "
                "other content: raise the version number",
            )
        ]
    )


@transaction.atomic
def load_text(text: str) -> tuple[Framework, bool]:
    """Install a framework version. Loading the same file again changes nothing; a different
    file with a version that exists is refused (versions are immutable)."""
    clean = check_text(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    existing = installed_version(Framework, clean, digest)
    if existing is not None:
        return existing, False
    framework = Framework.objects.create(
        code=clean["code"],
        version=clean["version"],
        name=clean["name"],
        name_i18n=clean["name_i18n"],
        description=clean["description"],
        description_i18n=clean["description_i18n"],
        scoring=clean["scoring"],
        scale=clean["scale"],
        level_names=clean["level_names"],
        source_sha256=digest,
    )
    for d_position, dimension in enumerate(clean["dimensions"]):
        dimension_row = Dimension.objects.create(
            framework=framework,
            code=dimension["code"],
            name=dimension["name"],
            name_i18n=dimension["name_i18n"],
            weight=dimension["weight"],
            position=d_position,
        )
        Indicator.objects.bulk_create(
            [
                Indicator(
                    framework=framework,
                    dimension=dimension_row,
                    code=indicator["code"],
                    question=indicator["question"],
                    question_i18n=indicator["question_i18n"],
                    level_descriptors=indicator["levels"],
                    level_descriptors_i18n=indicator["levels_i18n"],
                    evidence_guidance=indicator["evidence"],
                    evidence_guidance_i18n=indicator["evidence_i18n"],
                    weight=indicator["weight"],
                    position=i_position,
                )
                for i_position, indicator in enumerate(dimension["indicators"])
            ]
        )
    return framework, True


def load_file(path: str | Path) -> tuple[Framework, bool]:
    return load_text(Path(path).read_text(encoding="utf-8"))


def builtin_files() -> list[Path]:
    folder = resources.files("di4c.maturity").joinpath("data")
    return sorted(Path(str(folder)).glob("*.yaml"))


def load_builtin() -> list[Framework]:
    return [load_file(path)[0] for path in builtin_files()]
