"""Forms of the city's capacity setup: departments, staff roles and the target-profile grid.

They parse what was typed; the rules (names once per city, levels from 1 to 8, roles and
competences that exist) are the services', whose errors the views put back on these fields
with everything typed kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from di4c.capacity.models import LEVEL_MAX, LEVEL_MIN, StaffRole


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Department"), max_length=150)
    staff_count = forms.IntegerField(
        label=_("Staff"),
        required=False,
        min_value=0,
        max_value=100_000,
        help_text=_("How many people work there, for the share of staff assessed. Optional."),
    )

    @classmethod
    def initial_from(cls, department) -> dict:
        return {"name": department.name, "staff_count": department.staff_count}

    def department_data(self) -> dict:
        return {
            "name": " ".join(self.cleaned_data["name"].split()),
            "staff_count": self.cleaned_data["staff_count"],
        }


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Role"), max_length=120)
    code = forms.SlugField(
        label=_("Short code"),
        max_length=40,
        help_text=_("Letters, digits, hyphens and underscores, e.g. front_office."),
    )
    position = forms.IntegerField(
        label=_("Order in lists"), min_value=0, max_value=1000, required=False, initial=0
    )

    @classmethod
    def initial_from(cls, role: StaffRole) -> dict:
        return {"name": role.name, "code": role.code, "position": role.position}

    def role_data(self) -> dict:
        return {
            "name": " ".join(self.cleaned_data["name"].split()),
            "code": self.cleaned_data["code"],
            "position": self.cleaned_data["position"] or 0,
        }


def target_field_name(role, competence) -> str:
    return f"target-{role.pk}-{competence.pk}"


class TargetGridForm(forms.Form):
    """One cell per role and competence of the framework: a level from 1 to 8, or empty for no
    target. Cells are text, so that what was typed comes back as typed when the service
    refuses it; the service judges every cell (targets_save)."""

    def __init__(self, *args, roles, competences, targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = list(roles)
        self.competences = list(competences)
        # {field name: (role, competence)}, and the service's key of each cell back to it.
        self.cells = {}
        self.field_of_key = {}
        for competence in self.competences:
            for role in self.roles:
                name = target_field_name(role, competence)
                level = targets.get((role.pk, competence.pk))
                self.fields[name] = forms.CharField(
                    label=_("Target of %(role)s in %(code)s %(competence)s")
                    % {
                        "role": role.name,
                        "code": competence.code,
                        "competence": competence.display_name,
                    },
                    required=False,
                    max_length=10,
                    initial="" if level is None else str(level),
                    widget=forms.NumberInput(
                        attrs={
                            "min": LEVEL_MIN,
                            "max": LEVEL_MAX,
                            "step": 1,
                            "style": "width: 4.5rem",
                        }
                    ),
                )
                self.cells[name] = (role, competence)
                self.field_of_key[f"{role.code}:{competence.code}"] = name

    def targets(self) -> dict[str, dict[str, str | None]]:
        """{role code: {competence code: typed text or None}}, as targets_save takes them."""
        targets: dict[str, dict] = {role.code: {} for role in self.roles}
        for name, (role, competence) in self.cells.items():
            value = (self.cleaned_data.get(name) or "").strip()
            targets[role.code][competence.code] = value or None
        return targets

    def add_service_errors(self, error) -> None:
        """The service's errors, keyed "<role>:<competence>", on their cells."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            for message in messages:
                self.add_error(self.field_of_key.get(key), message)

    def rows(self):
        """[(area, [(competence, [bound field per role])])] in framework order, for the grid."""
        areas: list = []
        for competence in self.competences:
            if not areas or areas[-1][0].pk != competence.area_id:
                areas.append((competence.area, []))
            fields = [self[target_field_name(role, competence)] for role in self.roles]
            areas[-1][1].append((competence, fields))
        return areas
