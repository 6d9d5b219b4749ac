"""The plan as PDF (WeasyPrint), laid out from the report by plans/plan_pdf.html."""

from django.template.loader import render_to_string

from di4c.plans.exports.report import plan_report


def plan_pdf(plan, *, viewer=None) -> bytes:
    """The plan as PDF, the same structure as the Word document, from plans/plan_pdf.html;
    with a `viewer`, only what they may read (see `plan_report`)."""
    import weasyprint

    report = plan_report(plan, viewer=viewer)
    html = render_to_string("plans/plan_pdf.html", {"report": report})
    # Tagged (headings, tables, the chart's text alternative) for screen readers.
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
