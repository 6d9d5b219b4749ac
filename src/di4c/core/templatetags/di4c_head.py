"""What base.html writes in <head> for search engines and link previews: the page's title once
more (Open Graph), its canonical address and its language alternates (`?lang=xx`)."""

import html
from urllib.parse import urlencode

from django import template
from django.utils.html import strip_tags

from di4c.core.i18n import current_language

register = template.Library()

# Open Graph wants a language with its territory.
OG_LOCALES = {
    "en": "en_GB",
    "ro": "ro_RO",
    "it": "it_IT",
    "es": "es_ES",
    "fi": "fi_FI",
    "fr": "fr_FR",
    "el": "el_GR",
    "lv": "lv_LV",
    "pt": "pt_PT",
}


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        text = html.unescape(strip_tags(self.nodelist.render(context)))
        context[self.name] = " ".join(text.split())
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as page_title %}{% block title %}…{% endblock %}{% endcapture %}`: the
    rendered block as plain text in a variable, so that a block can be written twice."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


def _address(request, path: str, **params) -> str:
    query = {name: value for name, value in params.items() if value}
    return request.build_absolute_uri(path + (f"?{urlencode(query)}" if query else ""))


@register.simple_tag(takes_context=True)
def page_addresses(context) -> dict:
    """The canonical address (with `?lang=` when the content exists in several languages and
    in the reader's), the hreflang alternates, and the Open Graph locale and image."""
    request = context.get("request")
    if request is None:
        return {}
    language = current_language()
    content_languages = list(dict.fromkeys(context.get("content_languages") or []))
    several = len(content_languages) > 1
    page = request.GET.get("page", "")
    page = page if page.isdigit() and page != "1" else ""
    canonical_language = language if several and language in content_languages else ""
    og_image = context.get("og_image") or ""
    return {
        "canonical": _address(request, request.path, lang=canonical_language, page=page),
        "alternates": [
            (code, _address(request, request.path, lang=code, page=page))
            for code in content_languages
        ]
        if several
        else [],
        "x_default": _address(request, request.path, page=page),
        "og_locale": OG_LOCALES.get(language, language),
        "og_locale_alternates": [
            OG_LOCALES.get(code, code) for code in content_languages if code != language
        ],
        "og_image": request.build_absolute_uri(str(og_image)) if og_image else "",
    }


@register.simple_tag(takes_context=True)
def kept_query(context, *left_out) -> list[tuple[str, str]]:
    """The current address's GET parameters but these: the language form keeps them."""
    request = context.get("request")
    if request is None:
        return []
    return [
        (name, value)
        for name, values in request.GET.lists()
        if name not in left_out
        for value in values
    ]
