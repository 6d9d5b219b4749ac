"""The search page's form: the words, and filters by kind, city and language of the content."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from di4c.networks.models import Organisation
from di4c.portal.models import SearchEntry, SearchKind

KIND_LABELS = {
    SearchKind.NEWS: _("News"),
    SearchKind.PRACTICE: _("Good practices"),
    SearchKind.PLAN: _("Action plans"),
    SearchKind.ACTION: _("Plan actions"),
    SearchKind.MEETING: _("Meetings"),
    SearchKind.SERVICE: _("Public services"),
}
MAX_QUERY_CHARS = 200


def organisations_with_entries() -> list[Organisation]:
    """The cities (and other organisations) something public of is in the index, by name in
    the reader's language. One query."""
    shown = SearchEntry.objects.filter(organisation__isnull=False).values("organisation_id")
    organisations = Organisation.objects.filter(pk__in=shown).only("slug", "name", "name_i18n")
    return sorted(organisations, key=lambda organisation: organisation.display_name.casefold())


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY_CHARS,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Any language: “digitalizare” and “digitalisation” find the same items."),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    language = forms.ChoiceField(label=_("Written in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {org.slug: org for org in organisations_with_entries()}
        self.fields["kind"].choices = [("", _("All kinds")), *KIND_LABELS.items()]
        self.fields["city"].choices = [
            ("", _("All cities")),
            *((slug, org.display_name) for slug, org in self.organisations.items()),
        ]
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]

    def filters(self) -> dict:
        """The search's arguments from what was valid (a stale filter is left out, and its
        error shown)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # the errors are shown; cleaned_data keeps the valid fields
            data = self.cleaned_data
        organisation = self.organisations.get(data.get("city") or "")
        return {
            "query": (data.get("q") or "").strip(),
            "kinds": [data["kind"]] if data.get("kind") else [],
            "organisation_ids": [organisation.pk] if organisation else [],
            "languages": [data["language"]] if data.get("language") else [],
        }
