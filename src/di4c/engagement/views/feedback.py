"""Service feedback pages: the city's services open for rating, and one service's page with
its ratings summary, the published comments and the rating form; the city sees every comment
and publishes some. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import run_service
from di4c.core.ratelimit import client_address
from di4c.core.services import check_view_perm
from di4c.engagement import selectors, services
from di4c.engagement.forms.feedback import RatingForm, rating_label
from di4c.engagement.selectors import participation
from di4c.engagement.services.feedback import city_accepts_feedback, service_accepts_feedback
from di4c.engagement.views.ideas import organisation_of, register_url

COMMENTS_PER_PAGE = 50
SERVICES_PER_PAGE = 100


def _service(request, slug, pk):
    """The service, whether the visitor is the city, and whether it takes ratings; 404 for a
    service of another city, or one the public may not rate yet."""
    organisation = organisation_of(slug)
    try:
        service = participation.feedback_service(organisation, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    city_view = request.user.has_perm("engagement.moderate", organisation)
    accepts = service_accepts_feedback(service)
    if not accepts and not city_view:
        raise Http404
    return organisation, service, city_view, accepts


def feedback_services(request, slug):
    """The city's services, each with a link to rate it (once the city published its index)."""
    organisation = organisation_of(slug)
    city_view = request.user.has_perm("engagement.moderate", organisation)
    accepts = city_accepts_feedback(organisation)
    if not accepts and not city_view:
        raise Http404
    page = Paginator(participation.services_for_feedback(organisation), SERVICES_PER_PAGE)
    return render(
        request,
        "engagement/feedback/service_list.html",
        {
            "organisation": organisation,
            "page": page.get_page(request.GET.get("page")),
            "accepts": accepts,
        },
    )


def service_feedback(request, slug, pk):
    organisation, service, city_view, accepts = _service(request, slug, pk)
    own = participation.own_rating(service, request.user)
    initial = {"rating": own.rating, "comment": own.comment} if own else {}
    form = RatingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            rating = run_service(
                form,
                lambda: services.service_rate(
                    actor=request.user,
                    service=service,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                    address=client_address(request),
                ),
            )
            if rating is not None:
                messages.success(
                    request,
                    _("Your new rating replaces your earlier one. Thank you.")
                    if own
                    else _("Thank you for rating this service."),
                )
                return redirect("engagement:service_feedback", slug=slug, pk=pk)
    summary = selectors.rating_summary(service)
    comments = Paginator(
        selectors.rating_comments(service, city_view=city_view), COMMENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/feedback/service_feedback.html",
        {
            "organisation": organisation,
            "service": service,
            "summary": summary,
            "distribution": [
                {
                    "rating": value,
                    "label": rating_label(value),
                    "count": count,
                    "percent": round(100 * count / summary.count) if summary.count else 0,
                }
                for value, count in summary.distribution
            ],
            "comments": comments,
            "city_view": city_view,
            "accepts": accepts,
            "own": own,
            "own_label": rating_label(own.rating) if own else "",
            "form": form,
            "can_rate": accepts and request.user.has_perm("engagement.rate_service", service),
            "register_url": register_url(),
        },
    )


@require_POST
@login_required
def rating_publish(request, slug, pk, rating_pk):
    organisation, service, _city_view, _accepts = _service(request, slug, pk)
    check_view_perm(request, "engagement.moderate", organisation)
    try:
        rating = participation.rating_of(service, rating_pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    publish = request.POST.get("publish") == "1"
    services.rating_comment_publish(actor=request.user, rating=rating, publish=publish)
    messages.success(
        request,
        _("The comment is published on this page.")
        if publish
        else _("The comment is no longer published."),
    )
    return redirect(
        reverse("engagement:service_feedback", args=[slug, pk]) + f"#rating-{rating.pk}"
    )
