"""Markdown written by users, rendered to HTML that is safe to put in a page.

Two locks, either of which would be enough on its own:

1. Python-Markdown is run without its raw-HTML support: HTML typed in the text is shown
   as text (`<b>` reads "<b>"), never passed through.
2. nh3 (the Rust sanitiser ammonia) then keeps only a short list of tags and attributes
   and only http, https and mailto links (plus relative ones), and marks every link
   rel="noopener noreferrer nofollow".

Images are not allowed: a remote image is fetched by every reader's browser, which tells
its owner who read the page and when (a tracking pixel, a GDPR problem) and breaks on a
closed network. A Markdown image becomes a plain link to the image, with its
alternative text as the link text.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

logger = logging.getLogger(__name__)

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "b", "i", "code", "pre", "blockquote", "del", "sup", "sub", "abbr",
        "ul", "ol", "li", "dl", "dt", "dd",
        "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# Control characters other than tab, line feed and carriage return. Python-Markdown uses
# \x02 and \x03 to mark its own placeholders, which typed text must not be able to forge.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _ImagesAsLinks(Treeprocessor):
    """`![alt](url)` becomes a link to the image (or only its text inside a link)."""

    def run(self, root: etree.Element) -> None:
        self._rewrite(root, inside_link=False)

    def _rewrite(self, element: etree.Element, inside_link: bool) -> None:
        for child in element:
            if child.tag == "img":
                source, alt, title = child.get("src", ""), child.get("alt", ""), child.get("title")
                child.attrib.clear()
                child.text = alt or source
                if inside_link:
                    child.tag = "span"  # not allowed: the sanitiser keeps only the text
                else:
                    child.tag = "a"
                    child.set("href", source)
                    if title:
                        child.set("title", title)
            self._rewrite(child, inside_link or child.tag == "a")


class _SafeMarkdown(Extension):
    """Raw HTML is escaped instead of passed through; images become links."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Listed last, so these run after "extra" has registered its own HTML handling.
        md.preprocessors.deregister("html_block", strict=False)
        md.inlinePatterns.deregister("html", strict=False)
        # After "inline" (priority 20), which turns `![alt](url)` into <img> elements.
        md.treeprocessors.register(_ImagesAsLinks(md), "di4c_images_as_links", 19)


def _to_html(text: str) -> str:
    return markdown.markdown(
        text,
        extensions=["extra", "sane_lists", _SafeMarkdown()],
        output_format="html",
    )


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


# More "[" than any real text has links, footnotes or images (see render_markdown).
MAX_BRACKETS = 300

_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def _demote_headings(html: str, levels: int) -> str:
    """h1 -> h(1+levels), capped at h6: a text's headings sit under the page's own."""
    return _HEADING_TAG.sub(lambda match: f"<{match[1]}h{min(int(match[2]) + levels, 6)}", html)


def render_markdown(text: str | None, *, heading_offset: int = 0) -> SafeString:
    """Markdown (with the "extra" set: tables, fenced code, footnotes, abbreviations,
    definition lists) as sanitised HTML. Empty or None gives "". Never raises: should
    Markdown fail on some text, the text is shown escaped, in paragraphs.
    `heading_offset=2` turns "# Title" into an h3, for a text shown under an h2."""
    if not text:
        return mark_safe("")  # noqa: S308 (empty)
    # Lone surrogates cannot be encoded for the sanitiser: replaced by "?".
    text = str(text).encode("utf-8", "replace").decode("utf-8")
    text = CONTROL_CHARS.sub("", text)
    if text.count("[") > MAX_BRACKETS:
        # Python-Markdown takes quadratic time over many unclosed "[" (seconds for a few
        # thousand): such a text is shown with its brackets as typed, not as links.
        text = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    try:
        html = _to_html(text)
    except Exception:  # a bug in Markdown must not take a page down
        logger.exception("Markdown failed to render a text of %d characters", len(text))
        html = linebreaks(escape(text))
    if heading_offset:
        html = _demote_headings(html, heading_offset)
    return mark_safe(_sanitise(html))  # noqa: S308 (sanitised by nh3 just above)
