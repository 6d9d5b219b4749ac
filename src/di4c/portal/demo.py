"""The portal's demo content (data/demo/*.yaml): the two seed documents published as Botoșani
news items (Romanian, with English and Italian versions), a few items of the DI4C network and
of other partners, a dozen good practices, the site's, the network's and Botoșani's pages, and
plan actions of the demo plans linked to the practices that inspired them.

Everything is written through `di4c.portal.services` by the demo account whose role allows it
(botosani-editor@ for Botoșani, messina-editor@ for Messina, coordinator@ for the DI4C network,
Botoșani's coordinator for its pages, the platform admin for the site's pages and for cities
without a demo editor). Afterwards the dates are moved back to when things happened (a news
item's publication date is given to the service; the time it was last modified is historic data
and is set with a queryset update, as the other demo loaders do).

Cover pictures are simple illustrations drawn with Pillow (shapes and words, no photograph and no
person), kept small in data/demo/photos/; `draw_cover` redraws one from its `draw` spec when the
file is missing, and `write_covers()` regenerates them all.

Idempotent: a news item is found by its owner and address, a practice by its address, a page
version by its owner, kind and language; what exists is left as it is, so loading twice creates
nothing twice and keeps what users changed in between.
"""

import datetime as dt
import io
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from di4c.portal import services
from di4c.portal.models import NewsImage, NewsItem, Page, Practice

DATA_DIR = "data/demo"
PORTAL_COUNTS = ("news items", "good practices", "portal pages", "actions inspired by practices")
COVER_SIZE = (1200, 630)


def demo_portal_data(name: str) -> dict:
    text = resources.files("di4c.portal").joinpath(f"{DATA_DIR}/{name}.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@transaction.atomic
def load_demo_portal() -> dict[str, int]:
    """News, practices, pages and "inspired by" links of the demo (see the module's text).
    Returns how many of each were created (all zero on a second load)."""
    from di4c.accounts.models import User
    from di4c.networks.models import Network

    counts = dict.fromkeys(PORTAL_COUNTS, 0)
    network = Network.objects.filter(slug="di4c").first()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if network is None or admin is None:
        return counts
    users = _Users(admin)
    practices = demo_portal_data("practices")
    counts["good practices"] = sum(_practice(row, users) for row in practices["practices"])
    news = demo_portal_data("news")
    counts["news items"] = sum(_news_item(row, network, users) for row in news["news"])
    pages = demo_portal_data("pages")
    counts["portal pages"] = sum(_page(row, network, users) for row in pages["pages"])
    counts["actions inspired by practices"] = sum(
        _inspiration(row, network, users) for row in practices.get("inspired_actions", [])
    )
    return counts


class _Users:
    """Demo accounts by e-mail; the platform admin stands in for one that does not exist."""

    def __init__(self, admin):
        self.admin = admin
        self._cache = {}

    def __getitem__(self, email: str | None):
        from di4c.accounts.models import User

        if not email:
            return self.admin
        if email not in self._cache:
            self._cache[email] = User.objects.filter(email=email).first() or self.admin
        return self._cache[email]


def _owner(reference: str, network):
    """The owner named `network:di4c`, `city:botosani` or `site` (None: the site itself)."""
    from di4c.networks.models import Network, Organisation

    kind, _sep, slug = reference.partition(":")
    if kind == "site":
        return None
    if kind == "network":
        return network if network.slug == slug else Network.objects.filter(slug=slug).first()
    return Organisation.objects.filter(slug=slug).first()


def _when(text: str) -> dt.datetime:
    """A time written `2020-01-24T15:00:00+02:00`: local where it happened, with its offset."""
    return dt.datetime.fromisoformat(str(text))


# --- news ----------------------------------------------------------------------------------


def _news_item(row: dict, network, users) -> int:
    from di4c.networks.models import Network

    owner = _owner(row["owner"], network)
    if owner is None:
        return 0
    owner_field = "network" if isinstance(owner, Network) else "organisation"
    if NewsItem.objects.filter(**{owner_field: owner, "slug": row["slug"]}).exists():
        return 0
    actor = users[row.get("by")]
    published_at = _when(row["published_at"])
    texts = [{"language": language, **text} for language, text in row["texts"].items()]
    item = services.news_create(
        actor=actor,
        owner=owner,
        texts=texts,
        slug=row["slug"],
        original_language=row.get("original_language", texts[0]["language"]),
        status=row.get("status", "published"),
        published_at=published_at,
        tags=row.get("tags", []),
        meeting=_meeting(row.get("meeting"), network),
        plan=_plan(row.get("plan"), owner, network),
    )
    cover = row.get("cover")
    if cover:
        image = services.news_image_add(
            actor=actor,
            item=item,
            upload=SimpleUploadedFile(
                cover["file"], cover_bytes(cover), content_type=_content_type(cover["file"])
            ),
            alt_text=cover["alt_text"],
            caption=cover.get("caption", ""),
            is_cover=True,
        )
        # The service takes the description in one language (English, the base): its other
        # versions are written here, with the date the picture went online.
        NewsImage.objects.filter(pk=image.pk).update(
            alt_text_i18n=cover.get("alt_text_i18n") or {}, uploaded_at=published_at
        )
    # When it was last changed is historic (the seed page says so); without a date, the item
    # has not changed since it was published.
    updated_at = _when(row["last_modified"]) if row.get("last_modified") else published_at
    NewsItem.objects.filter(pk=item.pk).update(
        created_at=published_at, updated_at=updated_at, updated_by=actor
    )
    return 1


def _meeting(reference: dict | None, network):
    """{kind, host, day}: the network's meeting of that kind, hosted there, starting that day
    (in the site's time zone); None when the meetings are not loaded."""
    if not reference:
        return None
    from di4c.meetings.models import Meeting

    return (
        Meeting.objects.filter(
            network=network,
            kind=reference["kind"],
            host__slug=reference["host"],
            starts_at__date=reference["day"],
        )
        .order_by("starts_at")
        .first()
    )


def _plan(wanted, owner, network):
    """`plan: true` links a city's item to the city's plan in the network, when there is one."""
    if not wanted:
        return None
    from di4c.networks.models import Organisation
    from di4c.plans.models import Plan

    if not isinstance(owner, Organisation):
        return None
    return Plan.objects.filter(organisation=owner, network=network).order_by("pk").first()


# --- pages ---------------------------------------------------------------------------------


def _page(row: dict, network, users) -> int:
    owner = _owner(row["owner"], network)
    if owner is None and row["owner"] != "site":
        return 0
    owner_fields = {"network": None, "organisation": None}
    if owner is not None:
        owner_fields["network" if row["owner"].startswith("network:") else "organisation"] = owner
    page = Page.objects.filter(kind=row["kind"], **owner_fields).first()
    have = set(page.texts.values_list("language", flat=True)) if page else set()
    actor = users[row.get("by")]
    for language, text in row["texts"].items():
        if language in have:
            continue
        services.page_text_save(
            actor=actor,
            owner=owner,
            kind=row["kind"],
            language=language,
            title=text["title"],
            body=text["body"],
        )
    return 0 if page else 1


# --- practices -----------------------------------------------------------------------------

PRACTICE_DATA = (
    "status",
    "started_on",
    "duration_months",
    "cost_eur",
    "transferability",
    "contact_name",
    "contact_email",
    "website",
    "dimensions",
    "services",
    "figures",
)


def _practice(row: dict, users) -> int:
    from di4c.networks.models import Organisation

    if Practice.objects.filter(slug=row["slug"]).exists():
        return 0
    organisation = Organisation.objects.filter(slug=row["organisation"]).first()
    if organisation is None:
        return 0
    actor = users[row.get("by")]
    language = row["original_language"]
    practice = services.practice_create(
        actor=actor,
        organisation=organisation,
        language=language,
        text=row["texts"][language],
        slug=row["slug"],
        **{name: row[name] for name in PRACTICE_DATA if name in row},
    )
    for other, text in row["texts"].items():
        if other != language:
            services.practice_text_save(actor=actor, practice=practice, language=other, text=text)
    return 1


def _inspiration(row: dict, network, users) -> int:
    """A plan action linked to the practices that inspired it (when the plans are loaded)."""
    from di4c.plans.models import Action

    action = (
        Action.objects.filter(
            plan__organisation__slug=row["city"], plan__network=network, code=row["action"]
        )
        .select_related("plan")
        .first()
    )
    practices = list(Practice.objects.filter(slug__in=row["practices"], status="published"))
    if action is None or not practices:
        return 0
    linked = set(action.inspired_by.values_list("pk", flat=True))
    if {practice.pk for practice in practices} <= linked:
        return 0
    services.action_inspiration_set(
        actor=users[row.get("by")],
        action=action,
        practices=[*action.inspired_by.all(), *practices],
    )
    return 1


# --- cover illustrations -------------------------------------------------------------------


def _content_type(name: str) -> str:
    return "image/png" if name.endswith(".png") else "image/jpeg"


def cover_bytes(cover: dict) -> bytes:
    """The stored illustration, or the same one drawn again from its `draw` spec."""
    stored = resources.files("di4c.portal").joinpath(f"{DATA_DIR}/photos/{cover['file']}")
    if stored.is_file():
        return stored.read_bytes()
    return draw_cover(**cover["draw"])


def write_covers(folder: Path | None = None) -> list[Path]:
    """Draw every demo cover into data/demo/photos/ (run once after changing a `draw` spec)."""
    folder = folder or Path(__file__).parent / DATA_DIR / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for row in demo_portal_data("news")["news"]:
        cover = row.get("cover")
        if cover:
            path = folder / cover["file"]
            path.write_bytes(draw_cover(**cover["draw"]))
            written.append(path)
    return written


FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)


@cache
def _font_file() -> str | None:
    return next((name for name in FONT_FILES if Path(name).is_file()), None)


def _font(size: int):
    from PIL import ImageFont

    if _font_file():
        return ImageFont.truetype(_font_file(), size)
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, ImportError, OSError):  # Pillow without FreeType
        return ImageFont.load_default()


def _drawable(text: str) -> str:
    """Without DejaVu, Pillow's own font has no Romanian letters: "Botoșani" -> "Botosani"."""
    if _font_file():
        return text
    text = text.replace("–", "-").replace("·", "-")
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode()
    )


PARTNER_COLOURS = (
    "#c0392b", "#e67e22", "#d4ac0d", "#27ae60",
    "#16a085", "#2980b9", "#8e44ad", "#7f8c8d",
)  # fmt: skip
INK = "#1f3a5f"


def draw_cover(*, scene: str, title: str, subtitle: str = "", background: str = "#e8eef5") -> bytes:
    """A 1200×630 PNG: `title` and `subtitle` on the left, a simple drawing on the right, and
    "Illustration · di4c demo" at the bottom. No photograph, no person."""
    from PIL import Image, ImageDraw

    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, height), fill=INK)
    SCENES[scene](draw, (660, 90, 1140, 540))
    lines = _drawable(title).split("\n")
    size = 64
    while size > 30 and max(draw.textlength(line, font=_font(size)) for line in lines) > 560:
        size -= 4
    y = 200
    for line in lines:
        draw.text((70, y), line, font=_font(size), fill=INK)
        y += size + 16
    if subtitle:
        draw.text((72, y + 20), _drawable(subtitle), font=_font(34), fill="#3d566e")
    draw.text(
        (72, height - 60), _drawable("Illustration · di4c demo"), font=_font(22), fill="#55677a"
    )
    quantised = image.quantize(colors=48, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    quantised.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _city_hall(draw, box) -> None:
    """A building with a pediment and six columns, eight coloured dots in an arc above it."""
    left, top, right, bottom = box
    middle = (left + right) // 2
    base = bottom - 40
    draw.polygon([(left + 40, top + 190), (middle, top + 110), (right - 40, top + 190)], fill=INK)
    draw.rectangle((left + 60, top + 190, right - 60, top + 215), fill=INK)
    for index in range(6):
        x = left + 85 + index * ((right - left - 170) // 5)
        draw.rectangle((x - 14, top + 225, x + 14, base - 30), fill="#5d7893")
    draw.rectangle((left + 40, base - 30, right - 40, base), fill=INK)
    for index, colour in enumerate(PARTNER_COLOURS):
        x = left + 40 + index * ((right - left - 80) // 7)
        y = top + 60 - int(40 * (1 - ((index - 3.5) / 3.5) ** 2))
        draw.ellipse((x - 18, y - 18, x + 18, y + 18), fill=colour)


def _network(draw, box) -> None:
    """Eight coloured dots on a circle, each joined to every other by a thin line."""
    import math

    left, top, right, bottom = box
    cx, cy, radius = (left + right) // 2, (top + bottom) // 2, (bottom - top) // 2 - 30
    points = [
        (
            cx + radius * math.cos(2 * math.pi * i / 8 - math.pi / 2),
            cy + radius * math.sin(2 * math.pi * i / 8 - math.pi / 2),
        )
        for i in range(8)
    ]
    for i, a in enumerate(points):
        for b in points[i + 1 :]:
            draw.line((a, b), fill="#9fb3c8", width=3)
    for (x, y), colour in zip(points, PARTNER_COLOURS, strict=True):
        draw.ellipse((x - 30, y - 30, x + 30, y + 30), fill=colour)


def _screens(draw, box) -> None:
    """A laptop whose screen shows eight tiles in two rows, each with one coloured dot."""
    left, top, right, bottom = box
    draw.rounded_rectangle((left + 20, top + 40, right - 20, bottom - 90), radius=16, fill=INK)
    draw.polygon(
        [(left - 10, bottom - 60), (right + 10, bottom - 60), (right - 20, bottom - 90),
         (left + 20, bottom - 90)],
        fill="#5d7893",
    )  # fmt: skip
    tile_w = (right - left - 100) // 4
    for index, colour in enumerate(PARTNER_COLOURS):
        x = left + 45 + (index % 4) * (tile_w + 10)
        y = top + 70 + (index // 4) * 150
        draw.rectangle((x, y, x + tile_w, y + 130), fill="#dfe7ef")
        cx, cy = x + tile_w // 2, y + 65
        draw.ellipse((cx - 30, cy - 30, cx + 30, cy + 30), fill=colour)


def _documents(draw, box) -> None:
    """Eight documents side by side, each with a coloured band at the top and grey lines."""
    left, top, right, bottom = box
    for index, colour in enumerate(PARTNER_COLOURS):
        x = left + (index % 4) * 120
        y = top + 20 + (index // 4) * 230
        draw.rectangle((x, y, x + 100, y + 200), fill="white", outline=INK, width=3)
        draw.rectangle((x + 3, y + 3, x + 97, y + 40), fill=colour)
        for line in range(5):
            draw.line((x + 15, y + 65 + line * 25, x + 85, y + 65 + line * 25), fill="#9fb3c8",
                      width=4)  # fmt: skip


def _bus(draw, box) -> None:
    """A bus seen from the side, with no driver's cab, on a road with a dashed line."""
    left, top, right, bottom = box
    body = (left, top + 130, right, top + 330)
    draw.rounded_rectangle(body, radius=50, fill="#27ae60")
    for index in range(5):
        x = left + 40 + index * 85
        draw.rounded_rectangle((x, top + 160, x + 65, top + 235), radius=10, fill="#dff3ff")
    draw.rectangle((left + 20, top + 270, right - 20, top + 285), fill="#1e8449")
    for x in (left + 100, right - 100):
        draw.ellipse((x - 45, top + 290, x + 45, top + 380), fill="#2c3e50")
        draw.ellipse((x - 18, top + 317, x + 18, top + 353), fill="#bdc3c7")
    draw.rectangle((left - 30, top + 385, right + 30, top + 440), fill="#5d6d7e")
    for x in range(left - 20, right + 20, 90):
        draw.rectangle((x, top + 408, x + 50, top + 416), fill="white")


def _feedback(draw, box) -> None:
    """A phone with a form on its screen, three speech bubbles and a row of five stars."""
    import math

    left, top, right, bottom = box
    draw.rounded_rectangle((left + 40, top, left + 250, bottom), radius=28, fill=INK)
    draw.rectangle((left + 58, top + 40, left + 232, bottom - 50), fill="white")
    for line in range(6):
        y = top + 70 + line * 45
        draw.rectangle((left + 75, y, left + 215, y + 22), fill="#dfe7ef")
    for index, colour in enumerate(("#2980b9", "#27ae60", "#e67e22")):
        y = top + 30 + index * 130
        draw.rounded_rectangle((left + 290, y, right, y + 95), radius=24, fill=colour)
        draw.polygon([(left + 300, y + 70), (left + 270, y + 110), (left + 330, y + 90)],
                     fill=colour)  # fmt: skip
    for index in range(5):
        cx, cy, r = left + 310 + index * 38, bottom - 20, 16
        points = []
        for k in range(10):
            radius = r if k % 2 == 0 else r * 0.45
            angle = -math.pi / 2 + k * math.pi / 5
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        draw.polygon(points, fill="#d4ac0d")


def _control_room(draw, box) -> None:
    """Four screens in a 2×2 wall: a car, a hillside, a water drop and a cloud."""
    left, top, right, bottom = box
    half_w, half_h = (right - left) // 2, (bottom - top) // 2
    for index in range(4):
        x = left + (index % 2) * half_w
        y = top + (index // 2) * half_h
        draw.rectangle((x + 8, y + 8, x + half_w - 8, y + half_h - 8), fill=INK)
        cx, cy = x + half_w // 2, y + half_h // 2
        if index == 0:  # traffic
            draw.rounded_rectangle((cx - 70, cy - 20, cx + 70, cy + 25), radius=12, fill="#e67e22")
            draw.rounded_rectangle((cx - 40, cy - 50, cx + 40, cy - 15), radius=10, fill="#e67e22")
            for wx in (cx - 40, cx + 40):
                draw.ellipse((wx - 18, cy + 10, wx + 18, cy + 46), fill="#dfe7ef")
        elif index == 1:  # hydrogeological risk
            draw.polygon([(cx - 90, cy + 60), (cx - 10, cy - 60), (cx + 90, cy + 60)],
                         fill="#a04000")  # fmt: skip
            draw.line((cx - 60, cy + 20, cx + 60, cy + 20), fill="#d4ac0d", width=6)
        elif index == 2:  # water
            draw.polygon([(cx, cy - 70), (cx - 45, cy + 5), (cx + 45, cy + 5)], fill="#5dade2")
            draw.ellipse((cx - 47, cy - 35, cx + 47, cy + 60), fill="#5dade2")
        else:  # air
            for dx, dy, r in ((-45, 10, 35), (0, -15, 45), (45, 10, 35)):
                draw.ellipse((cx + dx - r, cy + dy - r, cx + dx + r, cy + dy + r), fill="#ecf0f1")
            draw.rectangle((cx - 80, cy + 10, cx + 80, cy + 45), fill="#ecf0f1")


SCENES = {
    "city-hall": _city_hall,
    "network": _network,
    "screens": _screens,
    "documents": _documents,
    "bus": _bus,
    "feedback": _feedback,
    "control-room": _control_room,
}
