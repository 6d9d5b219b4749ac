"""A closed round's aggregates as an XLSX workbook: Results (department groups), By role,
Needs, and Comparison with an earlier round when one is chosen.

Only what the results page shows goes in: the groups come from the selectors, which merge
every group of fewer than MIN_GROUP_SIZE people into "Other", so no row is ever about fewer
than that, and no row is about one department and one role at once. Text cells are
made safe for spreadsheet programs (core.spreadsheets)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from di4c.capacity.selectors import OTHER
from di4c.core.spreadsheets import safe_cell


def _number(value):
    """Decimals as floats (a spreadsheet's numbers), None as an empty cell."""
    return None if value is None else float(value)


def _sheet(workbook, title: str, header: list[str]):
    sheet = workbook.create_sheet(title[:31])
    sheet.append([safe_cell(str(cell)) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _group_label(group) -> str:
    if group.key == OTHER and group.members:
        return f"{group.label}: {', '.join(group.members)}"
    return group.label


def _stats_header() -> list[str]:
    return [
        _("Group"),
        _("People in the group"),
        _("Area"),
        _("Competence code"),
        _("Competence"),
        _("People who rated it"),
        _("Mean level"),
        _("People with a target"),
        _("Mean target"),
        _("Self-ratings at or above target"),
        _("Share of self-ratings at or above target (%)"),
        _("Below target"),
        _("Share below target (%)"),
        _("Levels missing"),
    ]


def _stats_row(group, competence, stats) -> list:
    return [
        safe_cell(_group_label(group)),
        group.respondents,
        safe_cell(competence.area.display_name),
        competence.code,
        safe_cell(competence.display_name),
        stats.respondents,
        _number(stats.mean_level),
        stats.rated,
        _number(stats.mean_target),
        stats.at_target,
        _number(stats.share_at_target),
        stats.below,
        _number(stats.share_below),
        stats.shortfall,
    ]


def _results_sheets(workbook, results) -> None:
    sheet = _sheet(workbook, _("Results"), _stats_header())
    for group in results.groups:
        for competence in results.competences:
            sheet.append(_stats_row(group, competence, results.cell(group.key, competence)))
    if not results.roles_shown:
        # The by-role figures are held back as a whole: the sheet says why, with no rows.
        sheet = workbook.create_sheet(_("By role")[:31])
        sheet["A1"] = safe_cell(str(results.roles_reason))
        return
    sheet = _sheet(workbook, _("By role"), _stats_header())
    for group in results.role_groups:
        for competence in results.competences:
            stats = results.cell(("role", group.key), competence)
            sheet.append(_stats_row(group, competence, stats))


def _needs_sheet(workbook, needs) -> None:
    sheet = _sheet(
        workbook,
        _("Needs"),
        [
            _("Rank"),
            _("Department group"),
            _("Competence code"),
            _("Competence"),
            _("People below target"),
            _("People with a target"),
            _("Share below target (%)"),
            _("Mean level"),
            _("Mean target"),
            _("Levels missing"),
        ],
    )
    for rank, need in enumerate(needs, start=1):
        stats = need.stats
        sheet.append(
            [
                rank,
                safe_cell(_group_label(need.group)),
                need.competence.code,
                safe_cell(need.competence.display_name),
                stats.below,
                stats.rated,
                _number(stats.share_below),
                _number(stats.mean_level),
                _number(stats.mean_target),
                stats.shortfall,
            ]
        )


def _comparison_sheet(workbook, comparison) -> None:
    before = {"round": comparison.before.title}
    after = {"round": comparison.after.title}
    sheet = _sheet(
        workbook,
        _("Comparison"),
        [
            _("Group"),
            _("Competence code"),
            _("Competence"),
            _("Mean level in %(round)s") % before,
            _("Mean level in %(round)s") % after,
            _("Change in mean level"),
            _("Share of self-ratings at or above target in %(round)s (%%)") % before,
            _("Share of self-ratings at or above target in %(round)s (%%)") % after,
            _("Change in share of self-ratings at or above target (points)"),
        ],
    )
    if not comparison.shown:
        sheet.append([safe_cell(comparison.reason)])
        return
    for group in comparison.groups:
        for competence in comparison.competences:
            change = comparison.change(group.key, competence)
            sheet.append(
                [
                    safe_cell(_group_label(group)),
                    competence.code,
                    safe_cell(competence.display_name),
                    _number(change.before.mean_level),
                    _number(change.after.mean_level),
                    _number(change.level_change),
                    _number(change.before.share_at_target),
                    _number(change.after.share_at_target),
                    _number(change.target_change),
                ]
            )


def round_xlsx(results, comparison=None) -> bytes:
    """The workbook of a round whose results are shown (results.shown)."""
    from di4c.capacity.selectors import training_needs

    if not results.shown:
        raise ValueError("a round's aggregates are exported only when its results are shown")
    workbook = Workbook()
    workbook.remove(workbook.active)
    _results_sheets(workbook, results)
    _needs_sheet(workbook, training_needs(results))
    if comparison is not None:
        _comparison_sheet(workbook, comparison)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
