"""Uploaded files judged by what they contain, never by their name or the browser's word.

`check_document` accepts the working documents cities exchange (PDF, Office and
OpenDocument files, PNG/JPEG pictures, UTF-8 text) and says which one a file really is;
`process_photo` turns a meeting photo into a clean JPEG and a thumbnail, upright and
without any metadata (no GPS location, camera or comment survives).

Limits are read from the settings at call time: `DI4C_MAX_UPLOAD_BYTES` and
`DI4C_MAX_IMAGE_PIXELS`. Every refusal is a `ValidationError({"file": message})`.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import struct
import threading
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

PHOTO_MAX_SIDE = 2048
THUMB_MAX_SIDE = 480
JPEG_QUALITY = 85
NAME_MAX_CHARS = 200
# A zip whose members would unpack to more than this many times the upload limit is
# refused without unpacking anything (a "zip bomb").
ZIP_EXPANSION_FACTOR = 20

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGIC = b"PK\x03\x04"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "csv": "text/csv",
    "md": "text/markdown",
}
EXTENSIONS = {kind: "." + kind for kind in CONTENT_TYPES} | {"jpeg": ".jpg"}

# The part each Office Open XML kind must contain, beside [Content_Types].xml.
OOXML_MAIN_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# Macro-enabled Office files (.docm, .xlsm, .pptm) carry this part: not accepted.
OOXML_MACRO_PART = "vbaProject.bin"
ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# A text file's kind comes from its name, among these; anything else is plain text.
TEXT_KINDS_BY_EXTENSION = {
    ".txt": "txt",
    ".text": "txt",
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
}
# Control characters other than tab, line feed, form feed and carriage return (C0, DEL
# and C1). NUL is looked for in the raw bytes already.
TEXT_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# Characters that cannot appear in a file name on common systems: replaced, so that a
# download saves under the name shown.
NAME_FORBIDDEN_CHARS = re.compile(r'[<>:"|?*]')
# Something after the last dot counts as an extension if it is short and has a letter
# ("v1.2" and "Minutes 2024.03.12" have none).
EXTENSION_PATTERN = re.compile(r"\.(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,10}")


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "png", "jpeg", "txt", ...
    content_type: str  # e.g. "application/pdf"
    extension: str  # ".pdf": the extension the stored file gets, from the content
    name: str  # a safe display name, ending in `extension`


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile  # JPEG, longest side at most PHOTO_MAX_SIDE, no metadata at all
    thumbnail: ContentFile  # JPEG, longest side at most THUMB_MAX_SIDE
    width: int  # of `image`
    height: int
    name: str  # safe base name ending in .jpg


# --- names -----------------------------------------------------------------------------


def safe_name(name: str, extension: str) -> str:
    """A display name made from an uploaded file's name: the base name only (a browser
    may send a whole Windows path), without control or invisible formatting characters
    (such as the right-to-left override that makes "gpj.exe" read "exe.jpg"), at most
    NAME_MAX_CHARS characters, and ending in `extension` (which replaces the name's own
    extension when the two disagree; the comparison ignores case)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs"})
    name = NAME_FORBIDDEN_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(". ")
    stem, own_extension = os.path.splitext(name)
    if not EXTENSION_PATTERN.fullmatch(own_extension):
        stem, own_extension = name, ""
    if own_extension.lower() == extension.lower():
        extension = own_extension
    stem = stem.strip(". ") or "file"
    stem = stem[: max(1, NAME_MAX_CHARS - len(extension))].rstrip(". ") or "file"
    return stem + extension


# --- messages --------------------------------------------------------------------------


def _refuse(message: str):
    return ValidationError({"file": message})


def _number(value: float) -> str:
    """1 decimal at most, none when the rounded figure is whole ("20", "31.2")."""
    rounded = round(value, 1)
    decimals = 0 if rounded == int(rounded) else 1
    return number_format(rounded, decimal_pos=decimals, force_grouping=True)


def upload_limit_text() -> str:
    """The configured upload limit as the refusal messages write it ("20 MB", "2.5 MB")."""
    return _size_text(settings.DI4C_MAX_UPLOAD_BYTES)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(number)s MB") % {"number": _number(size / (1024 * 1024))}
    if size >= 1024:
        return _("%(number)s KB") % {"number": _number(size / 1024)}
    return ngettext("%(number)s byte", "%(number)s bytes", size) % {
        "number": number_format(size, force_grouping=True)
    }


def _too_large(size: int, limit: int) -> ValidationError:
    size_text, limit_text = _size_text(size), _size_text(limit)
    if size_text == limit_text:  # just over the limit: rounding would hide the difference
        size_text, limit_text = (
            ngettext("%(number)s byte", "%(number)s bytes", value)
            % {"number": number_format(value, force_grouping=True)}
            for value in (size, limit)
        )
    return _refuse(
        _("The file is %(size)s; the limit is %(limit)s.")
        % {"size": size_text, "limit": limit_text}
    )


def _empty() -> ValidationError:
    return _refuse(_("The file is empty."))


def _not_a_document() -> ValidationError:
    return _refuse(
        _(
            "This file is not a document type di4c accepts (its content is not PDF, Word, "
            "Excel, PowerPoint, OpenDocument, PNG, JPEG or plain text). A file is judged by "
            "what it contains, not by its name."
        )
    )


def _not_a_photo() -> ValidationError:
    return _refuse(_("This file is not a photo: use a JPEG, PNG or WebP image."))


def _damaged_image() -> ValidationError:
    return _refuse(_("This image is damaged or incomplete and cannot be read."))


def _pixels_text(pixels: int) -> str:
    if pixels >= 100_000:
        return _("%(number)s megapixels") % {"number": _number(pixels / 1_000_000)}
    return ngettext("%(number)s pixel", "%(number)s pixels", pixels) % {
        "number": number_format(pixels, force_grouping=True)
    }


def _too_many_pixels(width: int, height: int, limit: int) -> ValidationError:
    return _refuse(
        _(
            "This image would take %(width)s × %(height)s pixels once opened; the limit is "
            "%(limit)s. Resize it before uploading."
        )
        % {
            "width": number_format(width, force_grouping=True),
            "height": number_format(height, force_grouping=True),
            "limit": _pixels_text(limit),
        }
    )


# --- reading the upload ----------------------------------------------------------------


def _upload_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return size


def _check_size(upload) -> None:
    size = _upload_size(upload)
    if not size:
        raise _empty()
    limit = settings.DI4C_MAX_UPLOAD_BYTES
    if size > limit:
        raise _too_large(size, limit)


def _head(upload, length: int = 64) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


# --- documents -------------------------------------------------------------------------


def check_document(upload) -> CheckedFile:
    """What an uploaded working document really is, or a ValidationError saying why it is
    refused. The browser's content type and the name's extension are not trusted; the
    name only chooses between plain text, CSV and Markdown. The file is left at its
    start, ready to be saved."""
    try:
        _check_size(upload)
        kind = _document_kind(upload)
    finally:
        upload.seek(0)
    extension = EXTENSIONS[kind]
    return CheckedFile(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        extension=extension,
        name=safe_name(upload.name, extension),
    )


def _document_kind(upload) -> str:
    head = _head(upload)
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(PNG_MAGIC):
        return _verified_image(upload, "PNG", "png")
    if head.startswith(JPEG_MAGIC):
        return _verified_image(upload, "JPEG", "jpeg")
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(upload)
    if _is_text(upload):
        extension = os.path.splitext(str(upload.name or ""))[1].lower()
        return TEXT_KINDS_BY_EXTENSION.get(extension, "txt")
    raise _not_a_document()


def _verified_image(upload, pillow_format: str, kind: str) -> str:
    """Pillow opens the picture and checks its structure (without decoding its pixels); one
    that would take too many pixels gets the same message as a photo."""
    with _truncated_images_refused():
        return _verify(upload, pillow_format, kind)


def _verify(upload, pillow_format: str, kind: str) -> str:
    try:
        with _opened_within_limit(upload, pillow_format) as image:
            image.verify()
    except ValidationError:
        raise
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
        struct.error,
    ) as error:
        raise _damaged_image() from error
    return kind


def image_document_bytes(upload, kind: str) -> bytes:
    """A PNG or JPEG working document saved again at full size without its metadata: the
    location a phone wrote into a scan must not travel with it (as with photos)."""
    pillow_format = "PNG" if kind == "png" else "JPEG"
    try:
        image = _decoded_photo(upload, pillow_format, full_size=True)
    finally:
        upload.seek(0)
    buffer = io.BytesIO()
    if pillow_format == "PNG":
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _zip_kind(upload) -> str:
    """An Office Open XML or OpenDocument file, told apart by its members; any other zip
    is refused. Only the short "mimetype" member is ever unpacked."""
    limit = settings.DI4C_MAX_UPLOAD_BYTES
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > ZIP_EXPANSION_FACTOR * limit:
                raise _refuse(
                    _(
                        "This file would unpack to more than %(limit)s, which is not a "
                        "document di4c accepts."
                    )
                    % {"limit": _size_text(ZIP_EXPANSION_FACTOR * limit)}
                )
            if members and members[0].filename == "mimetype":
                with archive.open(members[0]) as member:
                    mimetype = member.read(100).strip()
                if kind := ODF_KINDS.get(mimetype):
                    return kind
            names = {member.filename for member in members}
            if "[Content_Types].xml" in names and not any(
                name.rsplit("/", 1)[-1] == OOXML_MACRO_PART for name in names
            ):
                for kind, part in OOXML_MAIN_PARTS.items():
                    if part in names:
                        return kind
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # an unknown compression method
        ValueError,
        struct.error,
    ) as error:
        raise _not_a_document() from error
    raise _not_a_document()


def _is_text(upload) -> bool:
    """UTF-8 (a byte-order mark allowed), with no NUL nor other control characters than
    tab, line feed, form feed and carriage return. Read chunk by chunk."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk or TEXT_CONTROL_CHARS.search(decoder.decode(chunk)):
                return False
        return not TEXT_CONTROL_CHARS.search(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


# --- photos ----------------------------------------------------------------------------

PHOTO_FORMATS = {
    "JPEG": JpegImagePlugin.JpegImageFile,
    "PNG": PngImagePlugin.PngImageFile,
    "WEBP": WebPImagePlugin.WebPImageFile,
}


def _photo_format(head: bytes) -> str | None:
    if head.startswith(JPEG_MAGIC):
        return "JPEG"
    if head.startswith(PNG_MAGIC):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def process_photo(upload) -> ProcessedPhoto:
    """A meeting photo as a fresh JPEG (longest side at most PHOTO_MAX_SIDE) and a
    thumbnail, upright (the EXIF orientation applied) and without any metadata: no EXIF
    (GPS location, camera, date), XMP, ICC profile or comment is carried over.

    Refused with a ValidationError: too many bytes, not a JPEG/PNG/WebP by content, more
    pixels than DI4C_MAX_IMAGE_PIXELS (judged from the header, before any pixel is
    decoded), or a damaged file."""
    try:
        _check_size(upload)
        pillow_format = _photo_format(_head(upload))
        if pillow_format is None:
            raise _not_a_photo()
        image = _decoded_photo(upload, pillow_format)
    finally:
        upload.seek(0)

    photo = _resized(image, PHOTO_MAX_SIDE)
    thumbnail = _resized(photo, THUMB_MAX_SIDE)
    name = safe_name(upload.name, ".jpg")
    stem = name[: -len(".jpg")]
    return ProcessedPhoto(
        image=ContentFile(_jpeg_bytes(photo), name=name),
        thumbnail=ContentFile(_jpeg_bytes(thumbnail), name=f"{stem}-thumb.jpg"),
        width=photo.width,
        height=photo.height,
        name=name,
    )


_STRICT_LOADING = threading.Lock()


@contextlib.contextmanager
def _truncated_images_refused():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported (for
    the plans' PDF); an upload must still be refused when it is cut short."""
    with _STRICT_LOADING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


@contextlib.contextmanager
def _opened_within_limit(upload, pillow_format: str):
    """The image opened (its header read, no pixel decoded yet), refused with the pixel
    message when it declares more pixels than DI4C_MAX_IMAGE_PIXELS."""
    limit = settings.DI4C_MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=[pillow_format])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            # Pillow's own guard fired first; read the size for the message.
            width, height = _header_size(upload, pillow_format)
            raise _too_many_pixels(width, height, limit) from error
        with image:
            width, height = image.size
            if width * height > limit:
                raise _too_many_pixels(width, height, limit)
            yield image


def _decoded_photo(upload, pillow_format: str, *, full_size: bool = False) -> Image.Image:
    """The photo's pixels, upright, in RGB on a white background, in a new image that
    holds nothing but pixels."""
    with _truncated_images_refused():
        return _decode(upload, pillow_format, full_size=full_size)


def _decode(upload, pillow_format: str, *, full_size: bool) -> Image.Image:
    try:
        with _opened_within_limit(upload, pillow_format) as image:
            if pillow_format == "JPEG" and not full_size:
                # Let the JPEG decoder scale down while decoding (less memory, faster).
                image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = _on_white(upright)
    except ValidationError:
        raise
    except Image.UnidentifiedImageError as error:
        raise _not_a_photo() from error
    except Exception as error:  # any failure to parse untrusted bytes: a damaged file
        raise _damaged_image() from error
    # A brand new image: only the pixels are copied, none of the source's `info`.
    clean = Image.new("RGB", rgb.size, "white")
    clean.paste(rgb)
    return clean


def _header_size(upload, pillow_format: str) -> tuple[int, int]:
    """The width and height an image declares, read from its header by Pillow's plugin
    for the format (which, unlike Image.open, does not stop at Pillow's own limit)."""
    upload.seek(0)
    image = PHOTO_FORMATS[pillow_format](upload)
    return image.size


def _on_white(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or ("transparency" in image.info)
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith("I;16") or image.mode in {"I", "F"}:
        # 16-bit and 32-bit greyscale: scale to 8 bits before going to RGB.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def _resized(image: Image.Image, max_side: int) -> Image.Image:
    resized = image.copy()
    resized.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return resized


def _jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No exif=, icc_profile=, comment= nor xmp=: the file holds only the pixels.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
