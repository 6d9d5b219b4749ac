"""Uploads are judged by their content, with real files built here (no mocks)."""

import io
import struct
import time
import zipfile
import zlib

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from matplotlib.figure import Figure
from PIL import Image, ImageCms

from di4c.meetings.uploads import (
    PHOTO_MAX_SIDE,
    THUMB_MAX_SIDE,
    CheckedFile,
    check_document,
    process_photo,
    safe_name,
)

NOT_A_DOCUMENT = (
    "This file is not a document type di4c accepts (its content is not PDF, Word, Excel, "
    "PowerPoint, OpenDocument, PNG, JPEG or plain text). A file is judged by what it "
    "contains, not by its name."
)
NOT_A_PHOTO = "This file is not a photo: use a JPEG, PNG or WebP image."
DAMAGED = "This image is damaged or incomplete and cannot be read."
EMPTY = "The file is empty."

MAKE, MODEL, ORIENTATION, GPS_IFD = 0x010F, 0x0110, 0x0112, 0x8825


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def message(excinfo):
    error = excinfo.value
    assert isinstance(error, ValidationError)
    assert list(error.message_dict) == ["file"]
    [text] = error.message_dict["file"]
    return text


# --- real files ------------------------------------------------------------------------


def pdf_bytes():
    figure = Figure(figsize=(2, 2))
    figure.add_subplot().plot([1, 2, 3], [2, 1, 3])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf")
    return buffer.getvalue()


def docx_bytes():
    document = docx.Document()
    document.add_heading("Transnational meeting, Botoșani", level=1)
    document.add_paragraph("Minutes of the kick-off.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    workbook = openpyxl.Workbook()
    workbook.active.append(["action", "cost"])
    workbook.active.append(["eID pilot", 12000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pptx_bytes():
    """A minimal presentation package, laid out as PowerPoint writes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.presentationml.presentation.'
            'main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


def odf_bytes(mimetype):
    """An OpenDocument package: "mimetype" first and stored, as the standard requires."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type'
            f'="{mimetype}"/></manifest:manifest>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def image_bytes(format_, size=(64, 48), mode="RGB", color=(200, 30, 30), **save_options):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=format_, **save_options)
    return buffer.getvalue()


def noisy_jpeg(size=(400, 300)):
    """A JPEG with detail in it, so that it has a body worth truncating."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def png_chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_claiming(width, height):
    """A few dozen bytes of valid PNG structure declaring `width` × `height` pixels, with a
    tiny image data chunk: decoding it would fail as truncated, so a refusal naming the
    pixel count proves that only the header was read."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(50) + b"PE\x00\x00" + bytes(200)


# --- documents accepted ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "kind", "content_type", "extension"),
    [
        ("minutes.pdf", pdf_bytes, "pdf", "application/pdf", ".pdf"),
        (
            "minutes.docx",
            docx_bytes,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        (
            "actions.xlsx",
            xlsx_bytes,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx",
        ),
        (
            "slides.pptx",
            pptx_bytes,
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ".pptx",
        ),
        (
            "plan.odt",
            lambda: odf_bytes("application/vnd.oasis.opendocument.text"),
            "odt",
            "application/vnd.oasis.opendocument.text",
            ".odt",
        ),
        (
            "budget.ods",
            lambda: odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            ".ods",
        ),
        (
            "talk.odp",
            lambda: odf_bytes("application/vnd.oasis.opendocument.presentation"),
            "odp",
            "application/vnd.oasis.opendocument.presentation",
            ".odp",
        ),
        ("chart.png", lambda: image_bytes("PNG"), "png", "image/png", ".png"),
        ("visit.jpg", lambda: image_bytes("JPEG"), "jpeg", "image/jpeg", ".jpg"),
        ("notes.txt", lambda: "Întâlnire la Botoșani\n".encode(), "txt", "text/plain", ".txt"),
        (
            "partners.csv",
            lambda: b"city,country\nOulu,FI\nTrikala,GR\r\n",
            "csv",
            "text/csv",
            ".csv",
        ),
        (
            "agenda.md",
            lambda: "\ufeff# Agenda\n\n- item\tone\f\n".encode(),
            "md",
            "text/markdown",
            ".md",
        ),
    ],
)
def test_real_documents_are_accepted(name, make, kind, content_type, extension):
    content = make()
    file = upload(name, content)

    checked = check_document(file)

    assert checked == CheckedFile(
        kind=kind, content_type=content_type, extension=extension, name=name
    )
    assert file.tell() == 0, "left at its start, ready to be saved"
    assert file.read() == content


def test_the_browser_content_type_is_ignored():
    checked = check_document(upload("notes.txt", b"plain words", content_type="application/pdf"))
    assert checked.kind == "txt"
    assert checked.content_type == "text/plain"

    checked = check_document(upload("minutes.pdf", pdf_bytes(), content_type="text/html"))
    assert checked.content_type == "application/pdf"


def test_a_png_named_pdf_is_accepted_as_a_png_under_its_true_extension():
    checked = check_document(upload("photo.pdf", image_bytes("PNG")))
    assert (checked.kind, checked.extension, checked.name) == ("png", ".png", "photo.png")


def test_the_name_gets_the_extension_of_the_content():
    assert check_document(upload("minutes", docx_bytes())).name == "minutes.docx"
    assert check_document(upload("minutes.doc", docx_bytes())).name == "minutes.docx"
    assert check_document(upload("Scan.JPEG", image_bytes("JPEG"))).name == "Scan.jpg"
    assert check_document(upload("REPORT.PDF", pdf_bytes())).name == "REPORT.PDF"


def test_text_kind_comes_from_the_name_and_defaults_to_plain_text():
    assert check_document(upload("readme", b"hello")).kind == "txt"
    assert check_document(upload("notes.markdown", b"# hi")).kind == "md"
    checked = check_document(upload("data.json", b'{"a": 1}'))
    assert (checked.kind, checked.name) == ("txt", "data.txt")


# --- documents refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", ELF),
        ("minutes.docx", PE),
        ("photo.jpg", PE),
        ("notes.txt", b"line one\x00line two"),
        ("notes.txt", b"bell \x07 rings"),
        ("notes.txt", b"escape \x1b[31m red"),
        ("notes.txt", "caf\u00e9".encode("cp1252")),  # not UTF-8
        ("page.html", bytes(range(256))),
        ("anim.gif", image_bytes("GIF")),  # an image, but not one documents accept
        ("photo.webp", image_bytes("WEBP")),
    ],
    ids=[
        "elf-as-pdf",
        "pe-as-docx",
        "pe-as-jpg",
        "nul",
        "bell",
        "escape",
        "latin1",
        "bytes",
        "gif",
        "webp",
    ],  # fmt: skip
)
def test_content_that_is_no_accepted_document_is_refused(name, content):
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload(name, content, content_type="application/pdf"))
    assert message(excinfo) == NOT_A_DOCUMENT


def zip_of(members, **options):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data, **options)
    return buffer.getvalue()


def test_a_zip_of_random_files_named_docx_is_refused():
    content = zip_of({"a.txt": b"hello", "bin/tool.exe": PE, "x/y.xml": b"<x/>"})
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("x.docx", content))
    assert message(excinfo) == NOT_A_DOCUMENT


def test_an_office_package_without_its_main_part_is_refused():
    content = zip_of({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"})
    with pytest.raises(ValidationError):
        check_document(upload("x.docx", content))


def test_a_macro_enabled_office_file_is_refused():
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0macro"
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("minutes.docx", zip_of(members)))
    assert message(excinfo) == NOT_A_DOCUMENT


def test_an_opendocument_with_another_mimetype_is_refused():
    content = odf_bytes("application/x-msdownload")
    with pytest.raises(ValidationError):
        check_document(upload("plan.odt", content))


def test_an_executable_with_a_document_appended_is_refused():
    """A self-extracting archive is a zip to zipfile.is_zipfile; it must not pass."""
    content = ELF + docx_bytes()
    assert zipfile.is_zipfile(io.BytesIO(content))
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("minutes.docx", content))
    assert message(excinfo) == NOT_A_DOCUMENT


def test_a_zip_bomb_is_refused_without_being_unpacked(settings):
    settings.DI4C_MAX_UPLOAD_BYTES = 10_000
    content = zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>" + b" " * 250_000,  # > 20 x the limit
        }
    )
    assert len(content) < 10_000
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("minutes.docx", content))
    assert message(excinfo) == (
        "This file would unpack to more than 195.3 KB, which is not a document di4c accepts."
    )


def test_a_corrupt_zip_is_refused():
    content = docx_bytes()
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("minutes.docx", content[: len(content) // 2]))
    assert message(excinfo) == NOT_A_DOCUMENT


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("minutes.pdf", b""))
    assert message(excinfo) == EMPTY


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.DI4C_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    content = b"%PDF-1.4\n" + b"0" * int(31.2 * 1024 * 1024)
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("big.pdf", content))
    assert message(excinfo) == "The file is 31.2 MB; the limit is 20 MB."


def test_a_small_limit_is_read_at_call_time(settings):
    settings.DI4C_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("notes.txt", b"x" * 1500))
    assert message(excinfo) == "The file is 1.5 KB; the limit is 1,000 bytes."

    assert check_document(upload("notes.txt", b"x" * 1000)).kind == "txt"


def test_just_over_the_limit_the_sizes_are_told_apart(settings):
    settings.DI4C_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)))
    assert message(excinfo) == "The file is 20,971,525 bytes; the limit is 20,971,520 bytes."


def test_a_damaged_picture_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        check_document(upload("scan.png", image_bytes("PNG")[:30]))
    assert message(excinfo) == DAMAGED


# --- safe names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("report.pdf", ".pdf", "report.pdf"),
        ("C:\\Users\\ana\\Desktop\\report.pdf", ".pdf", "report.pdf"),
        ("../../etc/passwd", ".txt", "passwd.txt"),
        ("re\x00po\x07rt.pdf", ".pdf", "report.pdf"),
        ("photo\u202egpj.exe", ".jpg", "photogpj.jpg"),  # right-to-left override removed
        ("a:b*c?.pdf", ".pdf", "a_b_c_.pdf"),
        ("", ".pdf", "file.pdf"),
        ("...", ".pdf", "file.pdf"),
        (".pdf", ".pdf", "pdf.pdf"),  # leading dots go: no hidden files
        (".bashrc", ".txt", "bashrc.txt"),
        ("Minutes 2024.03.12", ".docx", "Minutes 2024.03.12.docx"),
        ("plan v1.2", ".odt", "plan v1.2.odt"),
        ("  spaced   out  .pdf", ".pdf", "spaced out.pdf"),
        ("Botoșani – întâlnire.pdf", ".pdf", "Botoșani – întâlnire.pdf"),
    ],
)
def test_safe_name(name, extension, expected):
    assert safe_name(name, extension) == expected


def test_safe_name_keeps_the_extension_within_200_characters():
    name = safe_name("x" * 300 + ".pdf", ".docx")
    assert len(name) == 200
    assert name == "x" * 195 + ".docx"


# --- photos ----------------------------------------------------------------------------


def jpeg_with_metadata(size=(300, 200), orientation=6):
    """A camera-like JPEG: the left half red, the right half blue, with a GPS position,
    the camera's make and model, an orientation tag, an ICC profile, XMP and a comment."""
    image = Image.new("RGB", size, (220, 0, 0))
    image.paste((0, 0, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[MAKE] = "Canon"
    exif[MODEL] = "EOS 80D"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (47.0, 44.0, 49.0)  # GPSLatitude: Botoșani
    gps[3] = "E"
    gps[4] = (26.0, 40.0, 0.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    buffer = io.BytesIO()
    image.save(
        buffer,
        format="JPEG",
        exif=exif.tobytes(),
        icc_profile=icc,
        comment=b"taken by ana",
        xmp=xmp,
    )
    return buffer.getvalue()


def opened(content_file):
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


def test_a_photo_loses_all_metadata_and_stays_upright():
    content = jpeg_with_metadata()
    source = Image.open(io.BytesIO(content))
    exif = source.getexif()
    assert exif[MAKE] == "Canon" and exif[ORIENTATION] == 6
    assert exif.get_ifd(GPS_IFD)[1] == "N"
    assert {"icc_profile", "comment", "xmp"} <= set(source.info)

    photo = process_photo(upload("IMG_0042.JPG", content, content_type="image/jpeg"))

    for content_file in (photo.image, photo.thumbnail):
        result = opened(content_file)
        assert result.format == "JPEG"
        assert len(result.getexif()) == 0
        assert result.getexif().get_ifd(GPS_IFD) == {}
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(result.info)
        content_file.seek(0)
        raw = content_file.read()
        assert b"Exif\x00\x00" not in raw and b"Canon" not in raw and b"taken by" not in raw
    image = opened(photo.image)
    assert image.size == (200, 300) == (photo.width, photo.height)  # turned by the tag
    # Orientation 6 means "turn 90° clockwise to view": the red left half is now on top.
    red, green, blue = image.getpixel((100, 60))
    assert red > 150 and blue < 80
    red, green, blue = image.getpixel((100, 240))
    assert blue > 150 and red < 80
    assert photo.name == "IMG_0042.JPG"
    assert photo.image.name == "IMG_0042.JPG"
    assert photo.thumbnail.name == "IMG_0042-thumb.jpg"


def test_a_large_photo_is_scaled_down_and_gets_a_thumbnail():
    content = image_bytes("PNG", size=(4000, 3000), color=(10, 120, 40))
    photo = process_photo(upload("Kick-off in Oulu.png", content))

    image, thumbnail = opened(photo.image), opened(photo.thumbnail)
    assert image.size == (PHOTO_MAX_SIDE, 1536) == (photo.width, photo.height)
    assert thumbnail.size == (THUMB_MAX_SIDE, 360)
    assert photo.name == "Kick-off in Oulu.jpg"


def test_a_portrait_photo_is_limited_on_its_long_side():
    photo = process_photo(upload("tall.jpg", image_bytes("JPEG", size=(1000, 5000))))
    assert (photo.width, photo.height) == (410, 2048)
    assert max(opened(photo.thumbnail).size) == THUMB_MAX_SIDE


def test_a_small_photo_is_not_enlarged():
    photo = process_photo(upload("small.jpg", image_bytes("JPEG", size=(120, 80))))
    assert (photo.width, photo.height) == (120, 80)
    assert opened(photo.thumbnail).size == (120, 80)


def test_transparency_is_laid_on_white():
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (50, 0, 100, 100))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")

    photo = process_photo(upload("logo.png", buffer.getvalue()))

    result = opened(photo.image)
    assert result.mode == "RGB"
    assert all(channel > 240 for channel in result.getpixel((10, 50)))  # white, not black
    red, green, blue = result.getpixel((90, 50))
    assert blue > 200 and red < 40


def test_a_palette_png_with_a_transparent_colour_works():
    image = Image.new("P", (40, 40), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (20, 0, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=0)

    result = opened(process_photo(upload("icon.png", buffer.getvalue())).image)
    assert all(channel > 240 for channel in result.getpixel((5, 20)))
    assert result.getpixel((35, 20))[0] > 200


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("grey16.png", image_bytes("PNG", mode="I;16", color=40000)),
        ("cmyk.jpg", image_bytes("JPEG", mode="CMYK", color=(0, 255, 255, 0))),
        ("grey.jpg", image_bytes("JPEG", mode="L", color=128)),
        ("photo.webp", image_bytes("WEBP", size=(300, 200))),
        ("anim.webp", image_bytes("WEBP", size=(30, 20), save_all=True, duration=100)),
    ],
)
def test_other_photo_modes_become_rgb_jpegs(name, content):
    photo = process_photo(upload(name, content))
    result = opened(photo.image)
    assert result.format == "JPEG" and result.mode == "RGB"
    assert photo.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("side", "shown"),
    [
        (30_000, "30,000"),  # over twice Pillow's guard: Image.open raises an error
        (10_000, "10,000"),  # over Pillow's guard: Image.open warns (made an error)
        (8_000, "8,000"),  # under Pillow's guard (89 megapixels), over ours (40)
    ],
)
def test_an_image_claiming_too_many_pixels_is_refused_from_its_header(side, shown):
    content = png_claiming(side, side)
    assert len(content) < 100
    started = time.monotonic()
    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload("huge.png", content))
    assert time.monotonic() - started < 2
    assert message(excinfo) == (
        f"This image would take {shown} × {shown} pixels once opened; the limit is 40 "
        "megapixels. Resize it before uploading."
    )


def test_the_pixel_limit_is_read_at_call_time(settings):
    settings.DI4C_MAX_IMAGE_PIXELS = 2_500_000
    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload("photo.jpg", image_bytes("JPEG", size=(2000, 1500))))
    assert message(excinfo) == (
        "This image would take 2,000 × 1,500 pixels once opened; the limit is 2.5 "
        "megapixels. Resize it before uploading."
    )


def test_a_truncated_jpeg_is_refused_as_damaged():
    content = noisy_jpeg()
    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload("visit.jpg", content[: len(content) // 2]))
    assert message(excinfo) == DAMAGED


def test_an_image_with_a_valid_header_and_no_pixel_data_is_refused_as_damaged():
    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload("empty.png", png_claiming(100, 100)))
    assert message(excinfo) == DAMAGED


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"just some text, honestly"),
        ("photo.jpg", pdf_bytes()),
        ("photo.jpg", PE),
        ("photo.gif", image_bytes("GIF")),
        ("photo.jpg", image_bytes("BMP")),
    ],
    ids=["text", "pdf", "exe", "gif", "bmp"],
)
def test_what_is_not_a_photo_is_refused(name, content):
    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload(name, content, content_type="image/jpeg"))
    assert message(excinfo) == NOT_A_PHOTO


def test_a_photo_over_the_byte_limit_or_empty_is_refused(settings):
    settings.DI4C_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload("visit.jpg", noisy_jpeg()))
    assert message(excinfo).startswith("The file is ")
    assert message(excinfo).endswith("; the limit is 1 KB.")

    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload("visit.jpg", b""))
    assert message(excinfo) == EMPTY


def test_the_upload_is_left_at_its_start():
    file = upload("visit.jpg", noisy_jpeg())
    process_photo(file)
    assert file.tell() == 0
    with pytest.raises(ValidationError):
        process_photo(file := upload("visit.jpg", b"not an image"))
    assert file.tell() == 0


def test_uploads_spooled_to_disk_work_too(tmp_path, settings):
    """Django writes large uploads to a temporary file (TemporaryUploadedFile)."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)

    def spooled(name, content):
        file = TemporaryUploadedFile(name, "application/octet-stream", len(content), None)
        file.write(content)
        file.seek(0)
        return file

    for name, content, kind in [
        ("minutes.docx", docx_bytes(), "docx"),
        ("minutes.pdf", pdf_bytes(), "pdf"),
        ("notes.txt", "Botoșan\n".encode() * 30_000, "txt"),  # a 64 KB chunk splits a "ș"
    ]:
        with spooled(name, content) as file:
            assert check_document(file).kind == kind
            assert file.read() == content
    with spooled("visit.jpg", jpeg_with_metadata()) as file:
        assert process_photo(file).height == 300
