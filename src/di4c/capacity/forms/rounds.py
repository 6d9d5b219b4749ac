"""Forms of the self-assessment round pages: the round itself, the single-use links for a
department, and the choice of an earlier round to compare with.

The rules (closing after opening, areas fixed once people answered, 1 to 500 links at a
time) are the services'; their errors come back on these fields."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from di4c.capacity.models import Access, Department
from di4c.capacity.services.rounds import MAX_LINKS_AT_ONCE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

ACCESS_HELP = {
    Access.LINKS: _(
        "You create links for each department and hand them out (by e-mail, on paper); each "
        "link answers once. Nobody needs an account."
    ),
    Access.ACCOUNTS: _(
        "Staff sign in with their account of the city's workspace and say which department "
        "they work in; each account answers once."
    ),
}


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area):
        return f"{area.code}. {area.display_name}"


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    access = forms.ChoiceField(
        label=_("How staff answer"), choices=Access.choices, widget=forms.RadioSelect
    )
    areas = AreaChoiceField(
        label=_("Areas asked about"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to ask about every area. Fewer areas make a shorter round."),
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = framework.areas.order_by("position")

    @classmethod
    def initial_from(cls, round_) -> dict:
        return {
            "title": round_.title,
            "opens_on": round_.opens_on,
            "closes_on": round_.closes_on,
            "access": round_.access,
            "areas": list(round_.areas.all()),
        }

    def access_options(self):
        return [
            {"radio": radio, "help": ACCESS_HELP.get(radio.data["value"], "")}
            for radio in self["access"]
        ]

    def round_data(self) -> dict:
        data = self.cleaned_data
        return {
            "title": " ".join(data["title"].split()),
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "access": data["access"],
        }


class LinksForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), empty_label=None
    )
    count = forms.IntegerField(
        label=_("Number of links"),
        min_value=1,
        max_value=MAX_LINKS_AT_ONCE,
        initial=10,
        help_text=_("One link per person: each link answers the round once."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation
        ).order_by("name")


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, round_):
        opens = date_format(round_.opens_on, "SHORT_DATE_FORMAT")
        closes = date_format(round_.closes_on, "SHORT_DATE_FORMAT")
        return f"{round_.title} ({opens} – {closes})"


class ComparisonForm(forms.Form):
    before = RoundChoiceField(
        label=_("Compare with an earlier round"), queryset=None, empty_label=None
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["before"].queryset = rounds
