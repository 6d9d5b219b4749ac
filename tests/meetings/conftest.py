"""Meetings built through the services, as the people whose role allows it would make them.

Fixture names are specific (`upcoming_meeting`, not `meeting`) so that the test modules of this
folder which define their own `meeting` fixtures keep theirs.
"""

import datetime as dt
import io
import struct
import zlib
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from di4c.meetings import services
from di4c.meetings.models import Meeting, MeetingKind, MeetingMode

BUCHAREST = ZoneInfo("Europe/Bucharest")


def days_ahead(days: int, hour: int = 9, zone=BUCHAREST) -> dt.datetime:
    """`hour`:00 local time, `days` days from today (in the past when negative)."""
    today = timezone.localtime(timezone.now(), zone).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=zone)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def create_meeting(demo, botosani, demo_user):
    """`make(who="coordinator", **fields)`: a meeting of DI4C made with services.meeting_create;
    by default an internal transnational meeting in Botoșani, in person, a month from now."""

    def make(who: str = "coordinator", **fields) -> Meeting:
        start = fields.pop("starts_at", None) or days_ahead(30)
        data = {
            "kind": MeetingKind.TRANSNATIONAL,
            "title": "Partners' meeting in Botoșani",
            "host": botosani,
            "starts_at": start,
            "ends_at": start + dt.timedelta(days=1, hours=8),
            "mode": MeetingMode.IN_PERSON,
            "venue": "Botoșani City Hall",
            "address": "Piața Revoluției 1, Botoșani",
            "languages": ["en", "ro"],
            **fields,
        }
        return services.meeting_create(actor=demo_user(who), network=demo, data=data)

    return make


@pytest.fixture
def upcoming_meeting(create_meeting):
    """DI4C's transnational meeting in Botoșani, a month from now (internal)."""
    return create_meeting()


@pytest.fixture
def held_meeting(create_meeting):
    """A transnational meeting held in Botoșani in March 2021."""
    start = dt.datetime(2021, 3, 10, 9, tzinfo=BUCHAREST)
    return create_meeting(
        title="Partners' meeting in Botoșani, March 2021",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
    )


@pytest.fixture
def local_group_meeting(create_meeting, botosani):
    """Botoșani's local group meeting in two weeks, organised by the city's editor."""
    start = days_ahead(14, hour=17)
    return create_meeting(
        who="botosani-editor",
        kind=MeetingKind.LOCAL_GROUP,
        title="Botoșani local group: the e-services roadmap",
        host=botosani,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        languages=["ro"],
    )


def invite(meeting, *who, demo_user, actor="coordinator", send=False):
    return services.participants_invite(
        actor=demo_user(actor),
        meeting=meeting,
        users=[demo_user(name) for name in who],
        send=send,
    )


# --- files ----------------------------------------------------------------------------------

MAKE, GPS_IFD = 0x010F, 0x8825
# The start of a Linux executable: no document type, whatever it is named.
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def text_file(name: str, text: str):
    return upload(name, text.encode(), "text/plain")


def pdf_bytes(note: str = "v1") -> bytes:
    """A small real PDF (Pillow writes one), different for each note."""
    image = Image.new("RGB", (40, 30), (len(note) * 20 % 255, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", title=note)
    return buffer.getvalue()


def jpeg_with_gps(size=(320, 240)) -> bytes:
    """A camera-like JPEG with a GPS position (Botoșani) and the camera's make."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[MAKE] = "Canon"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (47.0, 44.0, 49.0)
    gps[3] = "E"
    gps[4] = (26.0, 40.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def plain_jpeg(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_claiming(width: int, height: int) -> bytes:
    """A few dozen bytes of PNG whose header claims `width` × `height` pixels."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )
