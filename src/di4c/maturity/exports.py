"""Exports of an assessment: answers, scores and the network benchmark, as XLSX and CSV."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from di4c.core.spreadsheets import safe_cell, safe_rows
from di4c.maturity import selectors


def _answer_rows(assessment) -> list[list]:
    answers = selectors.answers_by_indicator(assessment)
    rows = []
    for dimension in assessment.framework.dimensions.all():
        for indicator in dimension.indicators.all():
            answer = answers.get(indicator.pk)
            rows.append(
                [
                    dimension.code,
                    dimension.display_name,
                    indicator.code,
                    indicator.display_question,
                    float(indicator.weight),
                    answer.level if answer else None,
                    answer.evidence if answer else "",
                    " ".join(answer.links) if answer else "",
                ]
            )
    return rows


ANSWER_HEADER = [
    "dimension",
    "dimension name",
    "indicator",
    "question",
    "weight",
    "level",
    "evidence",
    "links",
]
SCORE_HEADER = [
    "dimension",
    "dimension name",
    "score",
    "network median",
    "network Q1",
    "network Q3",
    "rank",
    "cities",
]


def _score_rows(assessment, bench) -> list[list]:
    scores = {s.dimension_id: s.score for s in assessment.dimension_scores.all()}
    rows = []
    for dimension in assessment.framework.dimensions.all():
        stats = bench.stats_for(dimension.code) if bench else None
        rows.append(
            [
                dimension.code,
                dimension.display_name,
                _num(scores.get(dimension.pk)),
                _num(stats.median) if stats else None,
                _num(stats.q1) if stats else None,
                _num(stats.q3) if stats else None,
                stats.rank_for(scores.get(dimension.pk), assessment.organisation_id)
                if stats
                else None,
                stats.count if stats else None,
            ]
        )
    rows.append(
        [
            "overall",
            "",
            _num(assessment.overall_score),
            _num(bench.overall_median) if bench else None,
            None,
            None,
            None,
            len(bench.overall) if bench else None,
        ]
    )
    return rows


def _num(value):
    return float(value) if value is not None else None


def assessment_xlsx(assessment, bench) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Answers"
    sheet.append(ANSWER_HEADER)
    for row in safe_rows(_answer_rows(assessment)):
        sheet.append(row)
    scores = workbook.create_sheet("Scores")
    scores.append(SCORE_HEADER)
    for row in safe_rows(_score_rows(assessment, bench)):
        scores.append(row)
    for ws in (sheet, scores):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    info = workbook.create_sheet("About")
    info.append(["organisation", safe_cell(assessment.organisation.display_name)])
    info.append(["framework", f"{assessment.framework.code} v{assessment.framework.version}"])
    info.append(["status", assessment.status])
    info.append(["overall score", _num(assessment.overall_score)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assessment_csv(assessment, bench) -> str:
    """One CSV: the answers, a blank line, then the scores with the benchmark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ANSWER_HEADER)
    writer.writerows(safe_rows(_answer_rows(assessment)))
    writer.writerow([])
    writer.writerow(SCORE_HEADER)
    writer.writerows(safe_rows(_score_rows(assessment, bench)))
    return buffer.getvalue()
