"""The plan as PDF (WeasyPrint), laid out from the report by plans/plan_pdf.html."""

from django.template.loader import render_to_string

from di4c.plans.exports.report import plan_report


def plan_pdf(plan) -> bytes:
    """The plan as PDF, the same structure as the Word document, from plans/plan_pdf.html."""
    import weasyprint

    html = render_to_string("plans/plan_pdf.html", {"report": plan_report(plan)})
    # Tagged (headings, tables, the chart's text alternative) for screen readers.
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
