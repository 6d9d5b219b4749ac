"""The self-assessment form: the person's role (and, signed in, department) and one level per
competence of the round.

Every field is optional here on purpose: the submission service checks the whole answer at
once (role, department, each level, unknown competences) and says what is wrong where, so
that one pass shows every problem. The form only carries what was typed and the errors.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from di4c.capacity.models import LEVEL_MAX, LEVEL_MIN, Competence, Department, SkillArea, StaffRole

LEVEL_PREFIX = "level-"
# Longer values cannot be a level; the service would refuse them anyway.
LEVEL_MAX_CHARS = 10


def level_field_name(code: str) -> str:
    return f"{LEVEL_PREFIX}{code}"


def competence_anchor(code: str) -> str:
    """An element id for a competence ("1.1" -> "competence-1-1"): no dots, which CSS
    selectors would read as classes."""
    return "competence-" + code.replace(".", "-")


@dataclass
class LevelOption:
    level: int
    band: str
    text: str
    input_id: str
    checked: bool


@dataclass
class CompetenceBlock:
    competence: Competence
    field_name: str
    anchor: str
    errors: list
    options: list[LevelOption]

    @property
    def answered(self) -> bool:
        return any(option.checked for option in self.options)


@dataclass
class AreaBlock:
    area: SkillArea
    competences: list[CompetenceBlock] = field(default_factory=list)


class SelfAssessmentForm(forms.Form):
    role = forms.CharField(label=_("Your role"), required=False, max_length=40)
    department = forms.CharField(label=_("Your department"), required=False, max_length=20)

    def __init__(
        self,
        *args,
        competences: list[Competence],
        roles: list[StaffRole],
        departments: list[Department] | None = None,
        **kwargs,
    ):
        """`departments`: the choice offered when signed in; None when a link fixes it."""
        super().__init__(*args, **kwargs)
        self.competences = competences
        self.roles = roles
        self.departments = departments
        if departments is None:
            del self.fields["department"]
        for competence in competences:
            self.fields[level_field_name(competence.code)] = forms.CharField(
                label=competence.display_name, required=False, max_length=LEVEL_MAX_CHARS
            )

    # --- what goes to the service ---------------------------------------------------------

    def role_code(self) -> str:
        return (self.cleaned_data.get("role") or "").strip()

    def chosen_department(self) -> Department | None:
        wanted = (self.cleaned_data.get("department") or "").strip()
        return next((d for d in self.departments or [] if str(d.pk) == wanted), None)

    def levels(self) -> dict[str, str]:
        """{competence code: value as posted}, with every posted level key, also those that
        are not competences of the round: the service names them in its refusal."""
        levels = {}
        for key in self.data:
            if key.startswith(LEVEL_PREFIX):
                levels[key[len(LEVEL_PREFIX) :]] = (self.data.get(key) or "").strip()
        for competence in self.competences:
            levels.setdefault(competence.code, "")
        return levels

    def add_submission_errors(self, error: ValidationError) -> None:
        """The service's errors on the fields they concern: competence codes on their level
        field, "levels" (unknown competences) and the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            if key in ("role", "department") and key in self.fields:
                target = key
            elif level_field_name(key) in self.fields:
                target = level_field_name(key)
            else:
                target = None
            if key == NON_FIELD_ERRORS:
                target = None
            for message in messages:
                self.add_error(target, message)

    # --- what the page shows --------------------------------------------------------------

    def _value(self, name: str) -> str:
        return str(self.data.get(name, "")).strip() if self.is_bound else ""

    def role_options(self) -> list[dict]:
        chosen = self._value("role")
        return [
            {"role": role, "input_id": f"role-{role.code}", "checked": role.code == chosen}
            for role in self.roles
        ]

    def department_options(self) -> list[dict]:
        chosen = self._value("department")
        return [{"department": d, "selected": str(d.pk) == chosen} for d in self.departments or []]

    def area_blocks(self) -> list[AreaBlock]:
        """The competences grouped by area, in framework order, with what was chosen."""
        blocks: list[AreaBlock] = []
        for competence in self.competences:
            if not blocks or blocks[-1].area.pk != competence.area_id:
                blocks.append(AreaBlock(area=competence.area))
            name = level_field_name(competence.code)
            chosen = self._value(name)
            anchor = competence_anchor(competence.code)
            blocks[-1].competences.append(
                CompetenceBlock(
                    competence=competence,
                    field_name=name,
                    anchor=anchor,
                    errors=list(self.errors.get(name, [])) if self.is_bound else [],
                    options=[
                        LevelOption(
                            level=level,
                            band=band,
                            text=text,
                            input_id=f"{anchor}-level-{level}",
                            checked=chosen == str(level),
                        )
                        for level, band, text in competence.level_options()
                    ],
                )
            )
        return blocks

    def answered_count(self) -> int:
        levels = {str(level) for level in range(LEVEL_MIN, LEVEL_MAX + 1)}
        return sum(1 for c in self.competences if self._value(level_field_name(c.code)) in levels)

    def error_summary(self) -> list[dict]:
        """The problems, in page order, each with the place on the page it points at."""
        if not self.is_bound or not self.errors:
            return []
        items = [{"href": "", "label": "", "message": m} for m in self.non_field_errors()]
        if self.errors.get("role"):
            items += [
                {"href": "#role-choice", "label": _("Your role"), "message": m}
                for m in self.errors["role"]
            ]
        if self.errors.get("department"):
            items += [
                {"href": "#id_department", "label": _("Your department"), "message": m}
                for m in self.errors["department"]
            ]
        for competence in self.competences:
            for message in self.errors.get(level_field_name(competence.code), []):
                items.append(
                    {
                        "href": "#" + competence_anchor(competence.code),
                        "label": f"{competence.code} {competence.display_name}",
                        "message": message,
                    }
                )
        return items
