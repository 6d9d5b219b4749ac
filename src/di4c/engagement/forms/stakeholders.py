"""Forms of the stakeholder pages. They only parse what was typed: the rules (consent for any
contact detail, scores from 1 to 5) live in the model and are applied by the services, whose
errors the views put back on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from di4c.engagement.models import ConsentMethod, LocalGroupRole, Sector, StakeholderKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE_CHOICES = [
    (1, _("1 – very low")),
    (2, _("2 – low")),
    (3, _("3 – medium")),
    (4, _("4 – high")),
    (5, _("5 – very high")),
]
MAIN_FIELDS = (
    "kind",
    "name",
    "sector",
    "description",
    "influence",
    "interest",
    "local_group_role",
)
CONTACT_FIELDS = (
    "contact_name",
    "email",
    "phone",
    "consent_given_on",
    "consent_purpose",
    "consent_method",
)


def score_label(value) -> str:
    """'4 – high' for 4."""
    return str(dict(SCORE_CHOICES).get(value, value))


class StakeholderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StakeholderKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Choose a sector")), *Sector.choices]
    )
    description = forms.CharField(
        label=_("What they do, why they matter"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    influence = forms.TypedChoiceField(
        label=_("Influence"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("How much they can shape the plan."),
    )
    interest = forms.TypedChoiceField(
        label=_("Interest"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("How much the plan matters to them."),
    )
    local_group_role = forms.ChoiceField(
        label=_("Role in the local group"), choices=LocalGroupRole.choices, required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    consent_given_on = forms.DateField(label=_("Consent given on"), required=False, widget=DATE)
    consent_purpose = forms.CharField(
        label=_("Purpose of the consent"),
        max_length=300,
        required=False,
        help_text=_("What the contact details are used for, as the person agreed to it."),
    )
    consent_method = forms.ChoiceField(
        label=_("How the consent was given"),
        choices=[("", _("Not given")), *ConsentMethod.choices],
        required=False,
    )

    @classmethod
    def initial_from(cls, stakeholder) -> dict:
        return {name: getattr(stakeholder, name) for name in (*MAIN_FIELDS, *CONTACT_FIELDS)}

    def main_fields(self):
        return [self[name] for name in MAIN_FIELDS]

    def contact_fields(self):
        return [self[name] for name in CONTACT_FIELDS]

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                # Browsers send textarea line breaks as CRLF: store one kind.
                cleaned[name] = value.replace("\r\n", "\n").strip()
        return cleaned

    def stakeholder_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in (*MAIN_FIELDS, *CONTACT_FIELDS)}
        # Absent text is "", an absent date None: as the model stores them.
        for name, value in data.items():
            if value is None and name != "consent_given_on":
                data[name] = ""
        return data


class StakeholderFilterForm(forms.Form):
    """The list's filters (GET): by sector and by a piece of the name."""

    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False
    )
    text = forms.CharField(label=_("Name contains"), max_length=100, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"sector": "", "text": ""}
        return {
            "sector": self.cleaned_data["sector"],
            "text": self.cleaned_data["text"].strip(),
        }
