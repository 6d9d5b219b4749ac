"""User Markdown becomes HTML that cannot run script, load anything or track readers."""

import re
from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from di4c.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

FORBIDDEN_TAGS = {
    "script", "style", "iframe", "img", "svg", "math", "object", "embed", "form", "input",
    "base", "meta", "link", "video", "audio", "source", "details", "body", "div", "span",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background"}
SAFE_SCHEMES = {"http", "https", "mailto"}


class Collector(HTMLParser):
    """Every tag and attribute of a fragment, with attribute values unescaped (as a
    browser reads them)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    parser = Collector()
    parser.feed(str(html))
    parser.close()
    return parser.elements


def url_scheme(value):
    """The scheme a browser would see: it ignores whitespace and control characters."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", value or "").lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else None


def assert_safe(html):
    assert isinstance(html, SafeString)
    lowered = str(html).lower()
    for tag in ("<script", "<iframe", "<style", "<img", "<svg", "<math", "<object", "<embed"):
        assert tag not in lowered
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, tag
        assert tag not in FORBIDDEN_TAGS
        allowed = set(ALLOWED_ATTRIBUTES.get(tag, set())) | ({"rel"} if tag == "a" else set())
        for name, value in attrs.items():
            assert not re.fullmatch(r"on\w+", name), (tag, name)
            assert name in allowed, (tag, name)
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, (tag, value)
                assert scheme not in {"javascript", "vbscript", "data"}
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer nofollow"


# --- rendering -------------------------------------------------------------------------


def test_empty_text_gives_an_empty_safe_string():
    for text in ("", None):
        html = render_markdown(text)
        assert html == ""
        assert isinstance(html, SafeString)


def test_headings_and_emphasis():
    html = render_markdown("# Action plan\n\n## Vision\n\nSome **bold** and *light* words.")
    assert "<h1>Action plan</h1>" in html
    assert "<h2>Vision</h2>" in html
    assert "<p>Some <strong>bold</strong> and <em>light</em> words.</p>" in html
    assert_safe(html)


def test_lists():
    html = render_markdown("- eID\n- e-payment\n\n1. diagnose\n2. plan\n")
    assert "<ul>\n<li>eID</li>\n<li>e-payment</li>\n</ul>" in html
    assert "<ol>\n<li>diagnose</li>\n<li>plan</li>\n</ol>" in html


def test_tables():
    html = render_markdown("| city | score |\n| --- | ---: |\n| Oulu | 3.2 |\n")
    tags = [tag for tag, _ in elements(html)]
    assert tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "<td>Oulu</td>" in html
    assert "style" not in html  # the alignment style is dropped


def test_links_keep_their_address_and_get_rel():
    html = render_markdown(
        'See [the network](https://urbact.eu/networks/di4c "DI4C") or '
        "[write](mailto:info@example.org), [a page](/plans/) and <https://example.org>."
    )
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert [link["href"] for link in links] == [
        "https://urbact.eu/networks/di4c",
        "mailto:info@example.org",
        "/plans/",
        "https://example.org",
    ]
    assert links[0]["title"] == "DI4C"
    assert all(link["rel"] == "noopener noreferrer nofollow" for link in links)


def test_code_is_shown_not_interpreted():
    html = render_markdown("Use `<b>` here.\n\n```python\nprint('<script>')\n```\n")
    assert "<code>&lt;b&gt;</code>" in html
    assert "<pre><code>print('&lt;script&gt;')\n</code></pre>" in html


def test_raw_html_is_shown_as_text():
    html = render_markdown('Hello <b>world</b> <a href="https://x.org">x</a>')
    assert html == (
        '<p>Hello &lt;b&gt;world&lt;/b&gt; &lt;a href="https://x.org"&gt;x&lt;/a&gt;</p>'
    )


def test_images_become_links_to_the_image():
    html = render_markdown('![The kick-off](https://example.org/kickoff.jpg "Oulu")')
    assert elements(html) == [
        ("p", {}),
        (
            "a",
            {
                "href": "https://example.org/kickoff.jpg",
                "title": "Oulu",
                "rel": "noopener noreferrer nofollow",
            },
        ),
    ]
    assert ">The kick-off</a>" in html


def test_an_image_inside_a_link_keeps_only_its_text():
    html = render_markdown("[![logo](https://e.org/l.png)](https://urbact.eu)")
    assert [tag for tag, _ in elements(html)] == ["p", "a"]
    assert '<a href="https://urbact.eu" rel="noopener noreferrer nofollow">logo</a>' in html


def test_extra_features_render():
    html = render_markdown(
        "The IAP is due.\n\n*[IAP]: Integrated Action Plan\n\n"
        "Term\n: Its definition\n\n"
        "A claim[^1].\n\n[^1]: The source.\n\n"
        "> quoted\n\n---\n\n~~no~~"
    )
    tags = {tag for tag, _ in elements(html)}
    assert {"abbr", "dl", "dt", "dd", "sup", "blockquote", "hr"} <= tags
    assert '<abbr title="Integrated Action Plan">IAP</abbr>' in html
    assert_safe(html)


def test_odd_text_does_not_raise():
    for text in ("\ud800 lone surrogate", "\x00\x02wzxhzdk:0\x03", "[" * 5000, "> " * 2000):
        assert_safe(render_markdown(text))


# --- attacks ---------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=`javascript:alert(1)`>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;script:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '[x](https://a.example "t\\" onmouseover=\\"alert(1)")',
    '<https://a.example/"onmouseover="alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div onmouseover="alert(1)">x</div>',
    "<p onclick='alert(1)'>x</p>",
    "<b onmouseover=alert(1)>x</b>",
    "<strong\tonfocus=alert(1) tabindex=1>x</strong>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 '
    'onerror=alert(1)&gt;">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<details open ontoggle=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<input autofocus onfocus=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<body onload=alert(1)>",
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "![x](https://evil.example/track.png)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://evil.example/x.png)',
    "[![x](javascript:alert(1))](javascript:alert(1))",
    'Paragraph\n{: onclick="alert(1)" }',
    '# Heading {: onmouseover="alert(1)" style="x" }',
    "[link](https://a.example){: onclick=alert(1) }",
    '<div markdown="1">[x](javascript:alert(1))</div>',
    "A note[^1].\n\n[^1]: <script>alert(1)</script> [x](javascript:alert(1))",
    '*[X]: "><script>alert(1)</script>\n\nX marks',
    "| <img src=x onerror=alert(1)> |\n| --- |\n| [x](javascript:alert(1)) |",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "Term\n: <svg onload=alert(1)>",
]


def test_there_are_enough_payloads():
    assert len(XSS_PAYLOADS) >= 25


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_neutralised(payload):
    html = render_markdown(payload)
    assert_safe(html)
    # Nor once the payload sits inside some ordinary Markdown.
    assert_safe(render_markdown(f"# Title\n\n- item {payload}\n\n> {payload}\n\n{payload}"))


def test_a_javascript_link_keeps_its_text_but_loses_its_address():
    html = render_markdown("[click me](javascript:alert(1))")
    assert elements(html) == [("p", {}), ("a", {"rel": "noopener noreferrer nofollow"})]
    assert "click me" in html


# --- properties ------------------------------------------------------------------------

MARKDOWN_PIECES = [
    "<", ">", "&", '"', "'", "`", "```", "~~~", "*", "**", "_", "~~", "#", "# ", "## ", "-",
    "- ", "1. ", "> ", "|", "| --- |", "[", "]", "(", ")", "](", "![", "[^1]", "[^1]: ",
    "*[", "]: ", "{: ", "}", "\n", "\n\n", "    ", "\t", ": ", "javascript:", "data:",
    "vbscript:", "http://", "https://e.org", "mailto:", "&#106;", "&#x6A;", "&colon;",
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<a href=", "onclick=", "style=", "<!--", "-->", "<div markdown=\"1\">", "</div>",
    "<style>", "<math>", "\x00", "\x02", "\x03", "\u202e", "\ud800",
]  # fmt: skip

markdown_like = st.lists(
    st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=6)), max_size=40
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), markdown_like))
def test_any_text_renders_to_allowed_markup_only(text):
    assert_safe(render_markdown(text))


@pytest.mark.parametrize("payload", [p for p in XSS_PAYLOADS if p.startswith("<")])
def test_the_sanitiser_alone_also_stops_raw_html(payload):
    """The second lock: were raw HTML ever to get through Markdown, nh3 still stops it."""
    from django.utils.safestring import mark_safe

    from di4c.core.markdown import _sanitise

    assert_safe(mark_safe(_sanitise(payload)))
