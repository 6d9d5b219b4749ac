"""Downloads of a plan: the plan as Word or PDF, its action table and budget as Excel workbooks.
A plan the reader may not see is a 404; the documents hold only what the reader may see."""

from django.http import HttpResponse, JsonResponse
from ninja import Router

from di4c.api.maturity import ErrorOut, optional_auth
from di4c.api.plan_schemas import readable_plan
from di4c.plans.downloads import WORD as DOCX
from di4c.plans.downloads import XLSX

# Ninja names an operation after its module: the explicit operation ids keep the ones these
# endpoints had when they lived in api/plans.py.
router = Router(tags=["plans"])


def _binary(content_type: str) -> dict:
    return {
        "responses": {
            200: {
                "description": "The document",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def _document(request, pk: int, kind: str) -> HttpResponse:
    from di4c.plans import downloads, exports

    plan = readable_plan(request, pk)
    try:
        return downloads.download(plan, kind, request.user)
    except exports.PdfUnavailable as error:
        return JsonResponse({"detail": str(error)}, status=503)


@router.get(
    "/plans/{pk}/export.docx",
    response={404: ErrorOut},
    auth=optional_auth,
    openapi_extra=_binary(DOCX),
    operation_id="di4c_api_plans_plan_docx",
)
def plan_docx(request, pk: int):
    """The plan as a Word document."""
    return _document(request, pk, "docx")


@router.get(
    "/plans/{pk}/export.pdf",
    response={404: ErrorOut},
    auth=optional_auth,
    openapi_extra=_binary("application/pdf"),
    operation_id="di4c_api_plans_plan_pdf",
)
def plan_pdf(request, pk: int):
    """The plan as a PDF."""
    return _document(request, pk, "pdf")


@router.get(
    "/plans/{pk}/actions.xlsx",
    response={404: ErrorOut},
    auth=optional_auth,
    openapi_extra=_binary(XLSX),
    operation_id="di4c_api_plans_actions_xlsx",
)
def actions_xlsx(request, pk: int):
    """The action table as an Excel workbook."""
    return _document(request, pk, "actions")


@router.get(
    "/plans/{pk}/budget.xlsx",
    response={404: ErrorOut},
    auth=optional_auth,
    openapi_extra=_binary(XLSX),
    operation_id="di4c_api_plans_budget_xlsx",
)
def budget_xlsx(request, pk: int):
    """The budget (by action, funding source and year) as an Excel workbook."""
    return _document(request, pk, "budget")
