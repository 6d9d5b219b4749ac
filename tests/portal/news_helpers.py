"""What the news tests share: items written through the real services, photos made with
Pillow, and reading pages as people read them."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from lxml import html as lxml_html
from PIL import Image

from di4c.portal import services

BUCHAREST = ZoneInfo("Europe/Bucharest")  # the site's TIME_ZONE


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # The cache outlives a test's database: a page kept by an earlier test must not be served.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(name="media")
def media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def at(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BUCHAREST)


YESTERDAY = object()


def publish(actor, owner, title: str, when=YESTERDAY, *, language="en", status="published", **kw):
    """A news item with one version (more with `texts=`), published at `when` (yesterday
    unless given; None: no date)."""
    texts = kw.pop("texts", None) or [
        {
            "language": language,
            "title": title,
            "summary": kw.pop("summary", f"Summary of {title}"),
            "body": kw.pop("body", f"Text of {title}."),
        }
    ]
    return services.news_create(
        actor=actor,
        owner=owner,
        texts=texts,
        status=status,
        published_at=timezone.now() - dt.timedelta(days=1) if when is YESTERDAY else when,
        **kw,
    )


def jpeg_bytes(*, size=(64, 48), colour=(200, 30, 30), with_exif=True) -> bytes:
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    extra = {}
    if with_exif:
        exif = Image.Exif()
        exif[0x010F] = "Canon"  # Make
        exif[0x0110] = "EOS 80D"  # Model
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (47.0, 44.0, 0.0)
        extra["exif"] = exif.tobytes()
    image.save(buffer, format="JPEG", **extra)
    return buffer.getvalue()


def upload(name="photo.jpg", content=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes() if content is None else content, content_type)


def add_photo(actor, item, alt="A photo", *, cover=False, caption=""):
    return services.news_image_add(
        actor=actor, item=item, upload=upload(), alt_text=alt, caption=caption, is_cover=cover
    )


def parsed(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(response) -> str:
    return " ".join(parsed(response).text_content().replace("\N{NO-BREAK SPACE}", " ").split())


def errors_of(doc, field: str) -> list[str]:
    return [
        " ".join(li.text_content().split()) for li in doc.xpath(f'//ul[@id="id_{field}_error"]/li')
    ]


def _xpath(selector: str) -> str:
    """The few CSS selectors these tests use ("tag.class[attr="value"] descendant") as XPath
    (lxml's cssselect needs a package the project does not install)."""
    steps = []
    for step in re.findall(r'(?:[^\s"]|"[^"]*")+', selector):
        attributes = re.findall(r'\[([\w-]+)="([^"]*)"\]', step)
        bare = re.sub(r"\[[^\]]*\]", "", step)
        tag = re.match(r"[a-z0-9]+", bare)
        tests = [
            f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
            for name in re.findall(r"\.([\w-]+)", bare)
        ] + [f'@{name}="{value}"' for name, value in attributes]
        steps.append((tag.group(0) if tag else "*") + "".join(f"[{t}]" for t in tests))
    return ".//" + "//".join(steps)


def select(element, selector: str) -> list:
    return element.xpath(_xpath(selector))
