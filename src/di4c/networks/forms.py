from django import forms
from django.utils.translation import gettext_lazy as _

from di4c.core.forms import TranslatedFieldsMixin
from di4c.networks.models import Network, Organisation, Partnership, Phase


class NetworkForm(TranslatedFieldsMixin, forms.ModelForm):
    translated_fields = ("name", "theme", "aims")

    class Meta:
        model = Network
        fields = [
            "acronym",
            "name",
            "theme",
            "aims",
            "budget_eur",
            "website",
            "anonymous_benchmarks",
        ]
        widgets = {"aims": forms.Textarea(attrs={"rows": 5})}


class PhaseForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Phase
        fields = ["number", "name", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["id"].initial = self.instance.pk

    def _post_clean(self):
        # Phase rules are checked once, for the whole set, by the network_update service.
        pass


PhaseFormSet = forms.formset_factory(PhaseForm, extra=1, can_delete=True)


class OrganisationForm(TranslatedFieldsMixin, forms.ModelForm):
    translated_fields = ("name",)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "country",
            "city",
            "population",
            "latitude",
            "longitude",
            "website",
            "parent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organisation.objects.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class OrganisationCreateForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = ["slug", *OrganisationForm.Meta.fields]


class PartnershipForm(TranslatedFieldsMixin, forms.ModelForm):
    translated_fields = ("note",)

    class Meta:
        model = Partnership
        fields = ["role", "joined_on", "left_on", "note"]
        widgets = {
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class PartnershipCreateForm(PartnershipForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), label=_("Organisation")
    )

    class Meta(PartnershipForm.Meta):
        fields = ["organisation", *PartnershipForm.Meta.fields]

    def __init__(self, *args, network=None, **kwargs):
        super().__init__(*args, **kwargs)
        if network is not None:
            self.fields["organisation"].queryset = Organisation.objects.exclude(
                partnerships__network=network
            ).order_by("name")
