"""The plan as PDF (WeasyPrint), laid out from the report by plans/plan_pdf.html."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from di4c.plans.exports.report import plan_report


class PdfUnavailable(RuntimeError):
    """The server lacks what WeasyPrint needs."""


def plan_pdf(plan, *, viewer=None) -> bytes:
    """The plan as PDF, the same structure as the Word document, from plans/plan_pdf.html;
    with a `viewer`, only what they may read (see `plan_report`)."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        # WeasyPrint needs the system's Pango library; everything else works without it.
        raise PdfUnavailable(
            _(
                "The PDF cannot be made on this server: it needs the Pango library "
                "(Debian and Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0). "
                "The Word document has the same content."
            )
        ) from error

    report = plan_report(plan, viewer=viewer)
    html = render_to_string("plans/plan_pdf.html", {"report": report})
    # Tagged (headings, tables, the chart's text alternative) for screen readers.
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
