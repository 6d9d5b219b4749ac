"""The demo's meetings of the DI4C network (data/demo_di4c_meetings.yaml): the meetings the
seed documents name, from the kick-off in Messina in October 2019 to the final event there in
July 2022, and one upcoming online meeting placed relative to the day the demo is loaded.

Everything is written through the meetings services, each write by the demo account whose role
allows it (the coordinator for network meetings, the lead expert for visits, Botoșani's
coordinator for its local group), with no e-mail sent. Working documents are real Word and Excel
files and photos are illustrations drawn here (no downloaded asset); both go through the same
upload checks as the pages. Afterwards the timestamps are moved back to when things happened.

Idempotent: a meeting is found again by network, kind and local start date (an upcoming one by
its title, while it is still ahead), and a meeting that exists is left as it is.
"""

import datetime as dt
import io
import unicodedata
from importlib import resources
from zoneinfo import ZoneInfo

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from di4c.meetings import services
from di4c.meetings.models import (
    AgendaItem,
    Decision,
    DocumentVersion,
    FollowUpTask,
    Meeting,
    Participant,
    Photo,
    Response,
    TaskStatus,
    WorkingDocument,
)
from di4c.meetings.timezones import time_zone_of_country

DATA_FILE = "data/demo_di4c_meetings.yaml"
# How long before a meeting its organiser put it in the platform (for plausible timestamps).
CREATED_DAYS_BEFORE = {"expert_visit": 21, "local_group": 14}
CREATED_DAYS_BEFORE_DEFAULT = 45
PHOTO_SIZE = (1600, 1067)


def demo_meetings_data() -> dict:
    text = resources.files("di4c.meetings").joinpath(DATA_FILE).read_text("utf-8")
    return yaml.safe_load(text)


@transaction.atomic
def load_demo_meetings() -> int:
    """Create the DI4C demo meetings that are missing; return how many were created."""
    from di4c.accounts.models import User
    from di4c.networks.models import Network, Organisation

    data = demo_meetings_data()
    network = Network.objects.filter(slug=data["network"]).first()
    if network is None:
        return 0
    emails = {row["organiser"] for row in data["meetings"]}
    for row in data["meetings"]:
        emails |= _emails_in(row)
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    if emails - set(users):
        return 0  # the demo accounts are not loaded
    slugs = {row["host"] for row in data["meetings"]}
    for row in data["meetings"]:
        for item in row.get("agenda", []):
            slugs |= set(item.get("partners", []))
    organisations = {org.slug: org for org in Organisation.objects.filter(slug__in=slugs)}
    created = 0
    for row in data["meetings"]:
        host = organisations[row["host"]]
        zone = ZoneInfo(time_zone_of_country(host.country.code))
        starts_at, ends_at = _times(row, zone)
        if _existing(network, row, zone, starts_at) is not None:
            continue
        _create(row, network, host, zone, starts_at, ends_at, users, organisations)
        created += 1
    return created


def _emails_in(row: dict) -> set[str]:
    emails = {person["email"] for person in row.get("participants", [])}
    emails |= {task["assignee"] for task in row.get("tasks", [])}
    emails |= {photo["by"] for photo in row.get("photos", [])}
    for document in row.get("documents", []):
        emails |= {version["by"] for version in document["versions"]}
    return emails


# --- times -----------------------------------------------------------------------------


def _local(text: str, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.strptime(str(text), "%Y-%m-%d %H:%M").replace(tzinfo=zone)


def _upcoming_day(rule: dict) -> dt.date:
    """The first day of the given weekday (0 = Monday) at least `days_ahead` days from today."""
    day = timezone.localdate() + dt.timedelta(days=rule["days_ahead"])
    return day + dt.timedelta(days=(rule["weekday"] - day.weekday()) % 7)


def _times(row: dict, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    if "upcoming" in row:
        day = _upcoming_day(row["upcoming"]).isoformat()
        start, end = row.get("hours", ["09:00", "17:00"])
        return _local(f"{day} {start}", zone), _local(f"{day} {end}", zone)
    return _local(row["from"], zone), _local(row["until"], zone)


def _at(text: str, zone: ZoneInfo, starts_at: dt.datetime) -> dt.datetime:
    """An agenda time: "YYYY-MM-DD HH:MM", or "HH:MM" on the meeting's first day."""
    if len(str(text)) <= 5:
        text = f"{starts_at.astimezone(zone).date().isoformat()} {text}"
    return _local(text, zone)


def _existing(network, row: dict, zone: ZoneInfo, starts_at: dt.datetime) -> Meeting | None:
    meetings = Meeting.objects.filter(network=network, kind=row["kind"])
    if "upcoming" in row:
        return meetings.filter(title=row["title"], ends_at__gte=timezone.now()).first()
    day = starts_at.astimezone(zone).date()
    day_start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
    return meetings.filter(
        starts_at__gte=day_start, starts_at__lt=day_start + dt.timedelta(days=1)
    ).first()


# --- one meeting -----------------------------------------------------------------------


def _create(row, network, host, zone, starts_at, ends_at, users, organisations) -> Meeting:
    organiser = users[row["organiser"]]
    meeting = services.meeting_create(
        actor=organiser,
        network=network,
        data={
            "kind": row["kind"],
            "title": row["title"],
            "title_i18n": row.get("title_i18n", {}),
            "description": (row.get("description") or "").strip(),
            "theme": row.get("theme", ""),
            "host": host,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "time_zone": str(zone),
            "mode": row.get("mode", "in_person"),
            "venue": row.get("venue", ""),
            "address": row.get("address", ""),
            "online_url": row.get("online_url", ""),
            "languages": row.get("languages", []),
            "is_public": row.get("public", False),
            "minutes": (row.get("minutes") or "").strip(),
            "outcome": (row.get("outcome") or "").strip(),
        },
    )
    is_past = "upcoming" not in row
    created_at = (
        starts_at
        - dt.timedelta(days=CREATED_DAYS_BEFORE.get(row["kind"], CREATED_DAYS_BEFORE_DEFAULT))
        if is_past
        else timezone.now()
    )
    _participants(meeting, organiser, row.get("participants", []), users, created_at, is_past)
    documents = _documents(meeting, row.get("documents", []), users, zone)
    for item in row.get("agenda", []):
        services.agenda_item_add(
            actor=organiser,
            meeting=meeting,
            data={
                "starts_at": _at(item["at"], zone, starts_at),
                "title": item["title"],
                "description": item.get("description", ""),
                "speakers": item.get("speakers", ""),
            },
            speaker_organisations=[organisations[slug] for slug in item.get("partners", [])],
            documents=[documents[key] for key in item.get("documents", [])],
        )
    decisions = [
        services.decision_add(actor=organiser, meeting=meeting, text=text)
        for text in row.get("decisions", [])
    ]
    for task_row in row.get("tasks", []):
        _task(meeting, organiser, task_row, users, decisions, zone)
    for photo_row in row.get("photos", []):
        _photo(meeting, photo_row, users, zone)
    if is_past:
        _backdate(meeting, created_at)
    return meeting


def _participants(meeting, organiser, rows, users, created_at, is_past) -> None:
    if not rows:
        return
    people = [users[person["email"]] for person in rows]
    services.participants_invite(actor=organiser, meeting=meeting, users=people, send=False)
    for person in rows:
        user = users[person["email"]]
        response = person.get("response", Response.INVITED)
        if is_past:
            # The answers were given before the meeting; the service takes answers only while a
            # meeting is ahead, so the demo writes its history directly.
            Participant.objects.filter(meeting=meeting, user=user).update(
                invited_at=created_at,
                response=response,
                responded_at=(
                    created_at + dt.timedelta(days=3) if response != Response.INVITED else None
                ),
            )
            if person.get("attended") is not None:
                services.attendance_record(
                    actor=organiser, meeting=meeting, user=user, attended=person["attended"]
                )
        elif response != Response.INVITED:
            participant = Participant.objects.get(meeting=meeting, user=user)
            services.participant_respond(actor=user, participant=participant, response=response)


def _documents(meeting, rows, users, zone) -> dict[str, WorkingDocument]:
    documents = {}
    for row in rows:
        document = None
        for version_row in row["versions"]:
            actor = users[version_row["by"]]
            content = DOCUMENT_BUILDERS[row["build"]](version_row["stage"], row["title"])
            upload = SimpleUploadedFile(row["filename"], content)
            if document is None:
                version = services.document_add(
                    actor=actor,
                    meeting=meeting,
                    title=row["title"],
                    upload=upload,
                    note=version_row.get("note", ""),
                )
                document = version.document
            else:
                version = services.document_version_add(
                    actor=actor, document=document, upload=upload, note=version_row.get("note", "")
                )
            uploaded_at = _local(version_row["when"], zone)
            DocumentVersion.objects.filter(pk=version.pk).update(uploaded_at=uploaded_at)
            if version.number == 1:
                WorkingDocument.objects.filter(pk=document.pk).update(created_at=uploaded_at)
        documents[row["key"]] = document
    return documents


def _task(meeting, organiser, row, users, decisions, zone) -> None:
    decision = decisions[row["decision"] - 1] if row.get("decision") else None
    assignee = users[row["assignee"]]
    task = services.task_create(
        actor=organiser,
        meeting=meeting,
        title=row["title"],
        assignee=assignee,
        due_on=row.get("due_on"),
        decision=decision,
    )
    status = row.get("status", TaskStatus.OPEN)
    if status != TaskStatus.OPEN:
        task = services.task_set_status(actor=assignee, task=task, status=status)
    if row.get("done_at"):
        FollowUpTask.objects.filter(pk=task.pk).update(done_at=_local(row["done_at"], zone))


def _photo(meeting, row, users, zone) -> None:
    picture = illustration(row["scene"], row["text"])
    photo = services.photo_add(
        actor=users[row["by"]],
        meeting=meeting,
        upload=SimpleUploadedFile(f"{row['scene']}.jpg", picture, content_type="image/jpeg"),
        alt_text=row["alt_text"],
        caption=row.get("caption", ""),
    )
    if row.get("when"):
        Photo.objects.filter(pk=photo.pk).update(uploaded_at=_local(row["when"], zone))


def _backdate(meeting: Meeting, created_at: dt.datetime) -> None:
    """Dates of a past meeting's records as they would have been at the time."""
    Meeting.objects.filter(pk=meeting.pk).update(created_at=created_at, updated_at=meeting.ends_at)
    Meeting.history.filter(id=meeting.pk).update(history_date=created_at)
    AgendaItem.history.filter(meeting_id=meeting.pk).update(history_date=created_at)
    Participant.history.filter(meeting_id=meeting.pk).update(history_date=created_at)
    Decision.objects.filter(meeting=meeting).update(created_at=meeting.ends_at)
    Decision.history.filter(meeting_id=meeting.pk).update(history_date=meeting.ends_at)
    FollowUpTask.objects.filter(meeting=meeting).update(created_at=meeting.ends_at)
    FollowUpTask.history.filter(meeting_id=meeting.pk).update(history_date=meeting.ends_at)


# --- working documents (real Word and Excel files, built in memory) ---------------------

BASELINE_SERVICES = [
    # service, level in January 2020 (0-4), channel
    ("Local taxes and fees", 2, "Counter; forms online"),
    ("Civil status certificates", 1, "Counter"),
    ("Building permits", 1, "Counter"),
    ("Registration of a business activity", 1, "Counter"),
    ("Complaints and petitions", 2, "Counter, e-mail"),
]


def baseline_study_docx(stage: str, title: str) -> bytes:
    """The baseline study of Botoșani: the city's draft, or the version the experts completed."""
    import docx

    completed = stage == "completed"
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "Ian Graham" if completed else "Elena Popescu"
    document.add_heading(title, level=0)
    document.add_paragraph(
        "Digital Innovation 4 Cities (URBACT III Action Planning Network). Working document of "
        "the experts' visit to Botoșani, 23–24 January 2020. "
        + ("Version completed with the experts." if completed else "City's draft before the visit.")
    )
    document.add_paragraph().add_run(
        "Demo data: an illustrative document of the di4c demo."
    ).italic = True
    document.add_heading("1. City profile", level=1)
    document.add_paragraph(
        "Botoșani is a medium-sized municipality in north-eastern Romania (about 107,000 "
        "inhabitants). The city hall runs its services mostly at the counter."
    )
    document.add_heading("2. Public services and their digitalisation", level=1)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Service", "Level (0-4)", "Channels"), strict=True):
        cell.text = text
    for service, level, channels in BASELINE_SERVICES:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = service, str(level), channels
    document.add_heading("3. Digital skills of the city hall's staff", level=1)
    document.add_paragraph(
        "About one in four civil servants uses digital tools with confidence in their work with "
        "citizens; there is no regular training plan."
        if completed
        else "To be completed during the visit."
    )
    document.add_heading("4. Local stakeholders", level=1)
    document.add_paragraph(
        "See the stakeholder map: the city hall's departments, the county council, the chamber "
        "of commerce, schools, IT companies and citizens' associations."
        if completed
        else "First list in the stakeholder map; to be discussed with the experts."
    )
    document.add_heading("5. Needs and first ideas for the action plan", level=1)
    if completed:
        for idea in (
            "Public services online from start to finish, starting with local taxes.",
            "A training plan in digital skills for the city hall's staff.",
            "Digital assistance points for citizens less at ease with computers.",
            "Room for young entrepreneurs to build new services for the city.",
        ):
            document.add_paragraph(idea, style="List Bullet")
        document.add_heading("6. Experts' conclusions", level=1)
        document.add_paragraph(
            "Botoșani lacks an overall digital strategy rather than ideas. The action plan "
            "should start from the services citizens use most and test each action on a small "
            "scale before rolling it out."
        )
    else:
        document.add_paragraph("To be completed during the visit.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


STAKEHOLDERS = [
    # name, type, influence (1-5), interest (1-5), role in the local group
    ("City hall – IT department", "public", 4, 5, "Runs the online services"),
    ("City hall – taxes and fees", "public", 4, 3, "Owner of the most used service"),
    ("Botoșani County Council", "public", 4, 2, "Shared data and services"),
    ("Chamber of Commerce and Industry", "private", 3, 3, "Voice of local businesses"),
    ("Local IT companies", "private", 2, 4, "Skills and potential suppliers"),
    ("Secondary schools (IT teachers)", "knowledge", 2, 4, "Digital skills of young people"),
    ("Citizens' associations", "civic", 2, 5, "Users' needs and feedback"),
    ("Public library", "civic", 1, 4, "Possible digital assistance point"),
]


def stakeholder_map_xlsx(stage: str, title: str) -> bytes:
    """The local group's stakeholder map: names first, influence and interest once completed."""
    import openpyxl
    from openpyxl.styles import Font

    completed = stage == "completed"
    workbook = openpyxl.Workbook()
    workbook.properties.title = title
    workbook.properties.creator = "Dino Alessi" if completed else "Andrei Ionescu"
    sheet = workbook.active
    sheet.title = "Stakeholders"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Demo data: an illustrative document of the di4c demo."])
    sheet.append([])
    sheet.append(["Stakeholder", "Type", "Influence (1-5)", "Interest (1-5)", "Role"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for name, kind, influence, interest, role in STAKEHOLDERS:
        if completed:
            sheet.append([name, kind, influence, interest, role])
        else:
            sheet.append([name, kind, None, None, role])
    for column, width in zip("ABCDE", (34, 12, 16, 16, 36), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DOCUMENT_BUILDERS = {
    "baseline_study": baseline_study_docx,
    "stakeholder_map": stakeholder_map_xlsx,
}


# --- photos (simple illustrations drawn here, clearly not photographs) -------------------


def _ascii(text: str) -> str:
    """Pillow's built-in font has no Romanian letters: "Botoșani" is drawn "Botosani"."""
    text = text.replace("–", "-").replace("—", "-").replace("“", '"').replace("”", '"')
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        .encode("ascii", "ignore")
        .decode()
    )


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, ImportError, OSError):  # Pillow without FreeType: a small bitmap font
        return ImageFont.load_default()


def _fitting_font(draw, text: str, width: int, size: int):
    """The largest font up to `size` in which `text` fits in `width` pixels."""
    font = _font(size)
    while size > 12 and draw.textlength(text, font=font) > width:
        size -= 2
        font = _font(size)
    return font


def _person(draw, x: int, y: int, colour: str, scale: float = 1.0) -> None:
    head = int(38 * scale)
    draw.ellipse((x - head, y - 3 * head, x + head, y - head), fill="#f1c9a5")
    draw.rounded_rectangle(
        (x - int(1.6 * head), y - head + 6, x + int(1.6 * head), y + int(2.6 * head)),
        radius=int(head * 0.8),
        fill=colour,
    )


def illustration(scene: str, text: str) -> bytes:
    """A 1600×1067 JPEG drawing of a meeting scene with `text` on its screen or board. It
    carries a small EXIF block (as a camera's file would) that the upload must strip."""
    from PIL import Image, ImageDraw

    width, height = PHOTO_SIZE
    backgrounds = {"plenary": "#dfe9f3", "workshop": "#f4ead9", "stage": "#e6e1f0"}
    image = Image.new("RGB", PHOTO_SIZE, backgrounds.get(scene, "#e8e8e8"))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, int(height * 0.68), width, height), fill="#b9a58c")  # floor
    label = _ascii(text)
    if scene == "workshop":
        draw.rectangle((560, 120, 1040, 760), fill="white", outline="#555555", width=6)
        draw.line((800, 760, 700, 960), fill="#555555", width=10)
        draw.line((800, 760, 900, 960), fill="#555555", width=10)
        draw.text(
            (800, 180), label, font=_fitting_font(draw, label, 440, 30), fill="#1f3a5f", anchor="mm"
        )
        notes = ["#ffe066", "#ff9f80", "#9fe0a8", "#8fc9ff"]
        for index in range(12):
            x = 600 + (index % 4) * 105
            y = 260 + (index // 4) * 150
            draw.rectangle((x, y, x + 85, y + 85), fill=notes[index % 4])
        for x, colour in ((330, "#2f6f9f"), (1270, "#9f2f4f"), (1420, "#4f8f3f")):
            _person(draw, x, 820, colour)
    else:
        screen = (360, 90, 1240, 520) if scene == "plenary" else (300, 70, 1300, 470)
        draw.rectangle(screen, fill="#1f3a5f")
        draw.text(
            ((screen[0] + screen[2]) // 2, (screen[1] + screen[3]) // 2),
            label,
            font=_fitting_font(draw, label, screen[2] - screen[0] - 60, 44),
            fill="white",
            anchor="mm",
        )
        if scene == "plenary":
            draw.rounded_rectangle((250, 700, 1350, 860), radius=40, fill="#7a5230")  # table
            colours = ["#2f6f9f", "#9f2f4f", "#4f8f3f", "#c08a2f", "#6f4f9f", "#2f8f8f"]
            for index, colour in enumerate(colours):
                _person(draw, 330 + index * 190, 720, colour, scale=0.9)
        else:
            draw.rectangle((0, 820, width, 880), fill="#5a3d2b")  # stage
            partner_colours = [
                "#c0392b", "#e67e22", "#f1c40f", "#27ae60",
                "#16a085", "#2980b9", "#8e44ad", "#7f8c8d",
            ]  # fmt: skip
            for index, colour in enumerate(partner_colours):
                x = 90 + index * 190
                draw.rectangle((x, 560, x + 130, 760), fill=colour)
            _person(draw, 800, 700, "#34495e")
            draw.rectangle((720, 730, 880, 830), fill="#3b2a1e")  # lectern
    draw.text((40, height - 60), "Illustration - di4c demo", font=_font(28), fill="#333333")
    exif = Image.Exif()
    exif[0x010E] = _ascii(text)  # ImageDescription
    exif[0x0131] = "di4c demo illustration"  # Software
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88, exif=exif.tobytes())
    return buffer.getvalue()
