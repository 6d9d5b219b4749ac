"""A consultation's responses as CSV and XLSX: one row per response, one column per question.

Rows are read in chunks of plain values (100,000 responses stay within memory and take
seconds) and never name the respondent: no account, no link, no browser key. Every text
cell is made safe for spreadsheet programs (a cell that starts like a formula is prefixed
with an apostrophe)."""

import csv
import io
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from di4c.core.spreadsheets import safe_cell
from di4c.engagement.models import QuestionKind
from di4c.engagement.selectors.consultation_pages import responses_in_chunks

CHUNK = 2000
# Besides =, +, - and @ (core.spreadsheets), a leading tab or carriage return can start a
# formula in some spreadsheet programs.
MORE_FORMULA_STARTS = ("\t", "\r")


def safe(value):
    value = safe_cell(value)
    if isinstance(value, str) and value.startswith(MORE_FORMULA_STARTS):
        return "'" + value
    return value


def header(questions) -> list[str]:
    return [_("Response"), _("Submitted at"), *(question.text for question in questions)]


def _value(question, answers: list[tuple], labels: dict[int, tuple[int, str]]) -> str | int:
    """One question's cell. `answers`: (question_id, option_id, rank, scale, text) tuples;
    `labels`: option id -> (position, label)."""
    if not answers:
        return ""
    kind = question.kind
    _question, option_id, rank, scale, text = answers[0]
    if kind == QuestionKind.SCALE:
        return scale
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        return text
    if kind == QuestionKind.RANKING:
        ranked = sorted(answers, key=lambda answer: answer[2] or 0)
        return "; ".join(f"{answer[2]}. {labels[answer[1]][1]}" for answer in ranked)
    chosen = sorted((labels[answer[1]] for answer in answers), key=lambda item: item[0])
    return "; ".join(label for _position, label in chosen)


def rows(consultation, questions) -> Iterator[list]:
    """[number, local submission time, one value per question] for every response."""
    labels = {
        option.pk: (option.position, option.label)
        for question in questions
        for option in question.options.all()
    }
    for number, (_pk, submitted_at, answers) in enumerate(
        responses_in_chunks(consultation, size=CHUNK), start=1
    ):
        by_question: dict[int, list] = {}
        for answer in answers:
            by_question.setdefault(answer[0], []).append(answer)
        submitted = timezone.localtime(submitted_at).replace(tzinfo=None, microsecond=0)
        yield [
            number,
            submitted,
            *(_value(question, by_question.get(question.pk), labels) for question in questions),
        ]


class _Line:
    """A file-like object that hands back what the csv writer writes."""

    def write(self, text):
        return text


def csv_lines(consultation, questions) -> Iterator[str]:
    """The CSV file line by line, in UTF-8 with a byte-order mark (for Excel)."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([safe(cell) for cell in header(questions)])
    for row in rows(consultation, questions):
        row[1] = row[1].strftime("%Y-%m-%d %H:%M:%S")
        yield writer.writerow([safe(cell) for cell in row])


def xlsx_bytes(consultation, questions) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Responses"))[:31])
    sheet.append([safe(cell) for cell in header(questions)])
    for row in rows(consultation, questions):
        when = WriteOnlyCell(sheet, value=row[1])
        when.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.append([row[0], when, *(safe(cell) for cell in row[2:])])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
