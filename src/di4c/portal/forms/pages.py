"""The form of a static page's version in one language, and the starting text offered for an
accessibility statement (the model statement of Directive (EU) 2016/2102, Implementing
Decision (EU) 2018/1523), in the language being written."""

from django import forms
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from di4c.portal.models import PageKind


class PageTextForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    body = forms.CharField(
        label=gettext_lazy("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=gettext_lazy(
            "Markdown: a blank line between paragraphs, ## for a heading, - for a list item, "
            "[text](https://…) for a link."
        ),
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["lang"] = language

    def clean(self):
        cleaned = super().clean()
        if isinstance(cleaned.get("body"), str):
            cleaned["body"] = cleaned["body"].replace("\r\n", "\n")
        return cleaned


def accessibility_starter(owner_name: str, language: str) -> dict:
    """A first version of the accessibility statement to complete: compliance status,
    what is not accessible, how to give feedback and the enforcement procedure."""
    with translation.override(language):
        today = date_format(timezone.localdate(), "DATE_FORMAT")
        paragraphs = [
            _(
                "%(owner)s is committed to making its website accessible, in accordance with "
                "Directive (EU) 2016/2102 of the European Parliament and of the Council on the "
                "accessibility of the websites and mobile applications of public sector bodies."
            )
            % {"owner": owner_name},
            "## " + _("Compliance status"),
            _(
                "This website is partially compliant with the Web Content Accessibility "
                "Guidelines (WCAG) 2.1, level AA, and with the harmonised European standard "
                "EN 301 549, due to the non-compliances listed below."
            ),
            "## " + _("Non-accessible content"),
            _(
                "- [Describe each part that is not accessible yet, why, and when it will be "
                "fixed; or write that none is known.]"
            ),
            "## " + _("Preparation of this statement"),
            _(
                "This statement was prepared on %(date)s, based on a self-assessment with "
                "automated tests (axe-core) and manual checks of keyboard use, focus and "
                "alternative texts."
            )
            % {"date": today},
            "## " + _("Feedback and contact information"),
            _(
                "If you find content you cannot use, or want information in an accessible "
                "format, write to [e-mail address] or call [telephone number]. We answer "
                "within [number] working days."
            ),
            "## " + _("Enforcement procedure"),
            _(
                "If you are not satisfied with our answer, you can turn to [the national "
                "body in charge of enforcing Directive (EU) 2016/2102: name, address and web "
                "page]."
            ),
        ]
        return {
            "title": str(PageKind.ACCESSIBILITY.label),
            "body": "\n\n".join(paragraphs) + "\n",
        }
