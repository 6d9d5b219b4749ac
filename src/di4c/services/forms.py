import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from di4c.core.forms import TranslatedFieldsMixin
from di4c.services.models import PublicService
from di4c.services.services import SERVICE_EDITABLE


class ServiceForm(TranslatedFieldsMixin, forms.ModelForm):
    translated_fields = ("name",)

    class Meta:
        model = PublicService
        # The fields the service may change, less the translations (added by the mixin).
        fields = [name for name in SERVICE_EDITABLE if not name.endswith("_i18n")]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990)
    total_requests = forms.IntegerField(label=_("Requests in total"), min_value=0, required=False)
    online_requests = forms.IntegerField(
        label=_("Requests made online"), min_value=0, required=False
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > datetime.date.today().year:
            raise forms.ValidationError(_("The year is in the future."))
        return year

    def clean(self):
        cleaned = super().clean()
        total, online = cleaned.get("total_requests"), cleaned.get("online_requests")
        if total is not None and online is not None and online > total:
            self.add_error(
                "online_requests", _("Online requests cannot exceed the total requests.")
            )
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("One row per service (and year); see the column list below."),
    )
