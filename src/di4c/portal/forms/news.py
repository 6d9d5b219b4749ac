"""Forms of the news pages: an item's settings (with its first version when it is created),
a version in one language, and a photo. The services check everything again; the forms keep
what was typed and ask once more before a publication date in the past is saved."""

import datetime as dt

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from di4c.meetings.models import Meeting
from di4c.networks.models import Network, Organisation
from di4c.plans.models import Plan
from di4c.portal.models import NewsItem, PublishStatus

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# A publication date this far in the past is most likely a typing slip for a future one.
PAST_DATE_TOLERANCE = dt.timedelta(hours=1)
MARKDOWN_HELP = gettext_lazy(
    "Markdown: a blank line between paragraphs, ## for a heading, - for a list item, "
    "[text](https://…) for a link."
)


class _MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        day = formats.date_format(timezone.localtime(meeting.starts_at), "SHORT_DATE_FORMAT")
        return f"{meeting.display_title} ({day})"


class _PlanChoice(forms.ModelChoiceField):
    def label_from_instance(self, plan):
        return f"{plan.title} – {plan.organisation.display_name}"


class _PartnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, organisation):
        return organisation.display_name


def split_tags(text: str) -> list[str]:
    """ "smart city, Digital services," -> ["smart city", "Digital services"] (no duplicates)."""
    names, seen = [], set()
    for name in (text or "").split(","):
        name = " ".join(name.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


class NewsSettingsForm(forms.Form):
    """What an item is apart from its text: address, language, author, publication, links."""

    slug = forms.CharField(
        label=gettext_lazy("Web address name"),
        max_length=80,
        help_text=gettext_lazy(
            "The last part of the item's address: lower-case letters, digits and hyphens."
        ),
    )
    original_language = forms.ChoiceField(
        label=gettext_lazy("Original language"),
        choices=settings.LANGUAGES,
        help_text=gettext_lazy("Shown to readers whose language has no version."),
    )
    author_organisation = _PartnerChoice(
        label=gettext_lazy("Published by"), queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=PublishStatus.choices)
    published_at = forms.DateTimeField(
        label=gettext_lazy("Publication date"),
        required=False,
        widget=DATETIME,
        help_text=gettext_lazy(
            "In the site's time zone. Empty: now, when published. A future date schedules "
            "the item: it appears then."
        ),
    )
    confirm_past_date = forms.BooleanField(
        label=gettext_lazy("Yes, publish with this past date"), required=False
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separated by commas, e.g. “digital services, local group”."),
    )
    meeting = _MeetingChoice(
        label=gettext_lazy("Linked meeting"), queryset=Meeting.objects.none(), required=False
    )
    plan = _PlanChoice(
        label=gettext_lazy("Linked action plan"), queryset=Plan.objects.none(), required=False
    )

    def __init__(self, *args, owner, item: NewsItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner, self.item = owner, item
        if isinstance(owner, Network):
            self.fields["author_organisation"].queryset = (
                Organisation.objects.filter(partnerships__network=owner).distinct().order_by("name")
            )
            self.fields["meeting"].queryset = Meeting.objects.filter(network=owner).order_by(
                "-starts_at"
            )
            self.fields["plan"].queryset = (
                Plan.objects.filter(network=owner)
                .select_related("organisation")
                .order_by("organisation__name")
            )
        else:
            del self.fields["author_organisation"]
            # A city may link its own meetings and the public ones of its networks, never
            # another city's private meeting (its title and date are not for this editor).
            self.fields["meeting"].queryset = (
                Meeting.objects.filter(network__partnerships__organisation=owner)
                .filter(Q(is_public=True) | Q(host=owner))
                .distinct()
                .order_by("-starts_at")
            )
            self.fields["plan"].queryset = (
                Plan.objects.filter(organisation=owner)
                .select_related("organisation")
                .order_by("network__acronym")
            )

    @classmethod
    def initial_from(cls, item: NewsItem) -> dict:
        when = item.published_at and timezone.localtime(item.published_at)
        return {
            "slug": item.slug,
            "original_language": item.original_language,
            "author_organisation": item.author_organisation_id,
            "status": item.status,
            "published_at": when and when.replace(second=0, microsecond=0),
            "tags": ", ".join(tag.name for tag in item.tags.all()),
            "meeting": item.meeting_id,
            "plan": item.plan_id,
        }

    @property
    def asks_past_date_confirmation(self) -> bool:
        """The checkbox is shown once the date was found in the past (and stays while ticked)."""
        return bool(self.errors.get("published_at") and self._past_date) or bool(
            self.is_bound and self.data.get(self.add_prefix("confirm_past_date"))
        )

    _past_date = False

    def _keeps_stored_date(self, when: dt.datetime) -> bool:
        """Saving an item again with the past date it already has needs no confirmation."""
        item = self.item
        if item is None or item.status != PublishStatus.PUBLISHED or item.published_at is None:
            return False
        return abs(item.published_at - when) < dt.timedelta(minutes=1)

    def clean_published_at(self):
        when = self.cleaned_data.get("published_at")
        # Years outside this range are typing mistakes (and year 1 overflows time zones).
        if when is not None and not (1900 <= when.year <= 2200):
            raise forms.ValidationError(_("Give a date between the years 1900 and 2200."))
        return when

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("published_at")
        if (
            cleaned.get("status") == PublishStatus.PUBLISHED
            and when is not None
            and when < timezone.now() - PAST_DATE_TOLERANCE
            and not self._keeps_stored_date(when)
            and not cleaned.get("confirm_past_date")
        ):
            self._past_date = True
            self.add_error(
                "published_at",
                _(
                    "This publication date is in the past (%(date)s): did you mean a future "
                    "date? To publish the item with this date, for instance for the archive, "
                    "tick “Yes, publish with this past date” and save again."
                )
                % {"date": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")},
            )
        return cleaned

    def item_changes(self) -> dict:
        """Keyword arguments for the services, from the cleaned data."""
        data = self.cleaned_data
        changes = {
            "slug": data["slug"],
            "status": data["status"],
            "published_at": data["published_at"],
            "tags": split_tags(data["tags"]),
            "meeting": data["meeting"],
            "plan": data["plan"],
        }
        if "original_language" in self.fields:
            changes["original_language"] = data["original_language"]
        if "author_organisation" in self.fields:
            changes["author_organisation"] = data["author_organisation"]
        return changes


class NewsCreateForm(NewsSettingsForm):
    """A new item: its first version (in one language) and its settings."""

    language = forms.ChoiceField(label=gettext_lazy("Language of this text"), choices=[])
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("One or two sentences: shown in lists, feeds and search engines."),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=MARKDOWN_HELP,
    )

    field_order = ["language", "title", "summary", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
        # The address is made from the title unless one is typed.
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "The last part of the item's address. Empty: made from the title."
        )
        # The first version's language is the original one.
        del self.fields["original_language"]

    def texts(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "language": data["language"],
                "title": data["title"],
                "summary": data["summary"],
                "body": data["body"],
            }
        ]


class NewsVersionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("One or two sentences: shown in lists, feeds and search engines."),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["lang"] = language


class NewsPhotoForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": gettext_lazy("Choose a photo to upload.")},
    )
    alt_text = forms.CharField(
        label=gettext_lazy("Description for people who cannot see the photo"),
        max_length=300,
        help_text=gettext_lazy(
            "Required: say what the photo shows, e.g. “Partners around a table”."
        ),
        error_messages={
            "required": gettext_lazy("Describe the photo for people who cannot see it.")
        },
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=300, required=False)
    is_cover = forms.BooleanField(
        label=gettext_lazy("Cover photo"),
        required=False,
        help_text=gettext_lazy(
            "Shown at the top of the item and in lists; replaces the current one."
        ),
    )

    def clean_alt_text(self):
        text = " ".join(self.cleaned_data["alt_text"].split())
        if not text:
            raise forms.ValidationError(_("Describe the photo for people who cannot see it."))
        return text
