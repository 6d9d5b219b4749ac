"""Import of a plan's action table from XLSX or CSV, with a preview.

One row per action; the first row names the columns, in any order and any case:

    code, objective, title, description, lead_department, contact_person, contact_email,
    starts_on, ends_on, estimated_cost, status, progress,
    erdf, esf_plus, digital_europe, rrf, eu_other, national, municipal, private, other,
    funding_status

`title` and `objective` (the code of one of the plan's objectives) are required. A row whose
`code` is the code of an action of the plan updates that action; any other row adds one (with
a generated code when the cell is empty). The funding columns hold each source's amount, and
`funding_status` their statuses ("erdf=secured; municipal=planned"; a source not named there
is planned). A source whose amount and status are what the export shows for its stored lines
(their sum, the least advanced status) keeps those lines (programme names, a split between
statuses); any other source becomes one line with the row's amount and status.

An empty cell clears a text or a month. An empty cost, status or progress keeps what the
action has (a new action starts at 0, not started). A column left out of the file leaves that
field of existing actions alone.

Every row is checked before anything is written (`check`, a fixed number of queries); the
import (`apply`) writes all rows or, when the user asks for it, only the valid ones, in one
transaction, together through `services.actions_bulk_save` (permission, codes, versions,
history, status changes: a fixed number of queries plus one per batch). The file the
action table exports (`exports.actions_xlsx`) imports again unchanged: a row equal to its
action writes nothing. The preview keeps the version of each action it matched
(`previewed_versions`); `apply` refuses the import (`ImportConflict`) should one of them have
changed since, been deleted, or a code now match an action the preview did not see.

`reading` holds the columns and reads the file into rows, `checking` checks them (`Row`),
`writing` applies them.
"""

from di4c.plans.imports.checking import Row, check  # noqa: F401
from di4c.plans.imports.reading import (  # noqa: F401
    COLUMNS,
    DOCUMENTED_COLUMNS,
    FUNDING_COLUMNS,
    MAX_ROWS,
    ImportFileError,
    read_rows,
)
from di4c.plans.imports.writing import (  # noqa: F401
    ImportConflict,
    apply,
    previewed_versions,
)
