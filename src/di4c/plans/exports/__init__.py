"""Documents of an Integrated Action Plan: the plan as Word and PDF in the usual structure of
an URBACT Integrated Action Plan, the action table and the budget as XLSX.

`plan_report` reads the plan through the selectors (a fixed number of queries whatever its
size) and builds everything the two documents show, already formatted in the active language,
as a list of sections made of blocks (headings, texts, facts, tables, the chart). `plan_docx`
and `plan_pdf` only lay these blocks out, so both documents always say the same.

The action table's XLSX layout (`ACTION_COLUMNS`) is also the import format: a file exported
here imports again.

`report` builds the report (`chart` draws its radar chart), `word` and `pdf` lay it out;
`spreadsheets` writes the XLSX files; `blocks` holds the formatting and blocks they share.
"""

from di4c.plans.exports.chart import radar_chart  # noqa: F401
from di4c.plans.exports.pdf import PdfUnavailable, plan_pdf  # noqa: F401
from di4c.plans.exports.report import plan_report  # noqa: F401
from di4c.plans.exports.spreadsheets import (  # noqa: F401
    ACTION_COLUMNS,
    FUNDING_COLUMNS,
    action_rows,
    actions_xlsx,
    budget_xlsx,
)
from di4c.plans.exports.word import plan_docx  # noqa: F401
