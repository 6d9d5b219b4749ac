"""A plan's documents as downloads, for the pages and the API alike."""

from django.http import HttpResponse

from di4c.plans import exports

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# kind: (export function, content type, file name ending)
DOCUMENTS = {
    "docx": (exports.plan_docx, WORD, "plan.docx"),
    "pdf": (exports.plan_pdf, "application/pdf", "plan.pdf"),
    "actions": (exports.actions_xlsx, XLSX, "actions.xlsx"),
    "budget": (exports.budget_xlsx, XLSX, "budget.xlsx"),
}


def download(plan, kind: str, viewer) -> HttpResponse:
    """The reader's document: without what the city keeps from them (baseline, contacts).
    Raises exports.PdfUnavailable when the server cannot make PDFs."""
    make, content_type, suffix = DOCUMENTS[kind]
    response = HttpResponse(make(plan, viewer=viewer), content_type=content_type)
    name = f"{plan.organisation.slug}-{plan.network.slug}-{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
