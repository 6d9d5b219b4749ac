"""The city's self-assessment rounds: the list, the round form, opening and closing, the
round's page (how many people answered; per department only for the city's editors while
the round is not closed; nothing more) and the single-use links for a department, shown
once. Results are in round_results.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.capacity import services
from di4c.capacity.forms.rounds import LinksForm, RoundForm
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import (
    Access,
    Department,
    RespondentTally,
    Round,
    RoundLink,
    RoundStatus,
)
from di4c.capacity.views.round_common import MANAGE, facts, organisation_for, round_for
from di4c.core.forms import run_service


@login_required
def round_list(request, slug):
    organisation = organisation_for(request, slug)
    rounds = (
        Round.objects.filter(organisation=organisation)
        .annotate(answered=Sum("respondent_tallies__count"))
        .order_by("-opens_on", "-pk")
    )
    return render(
        request,
        "capacity/round_list.html",
        {**facts(request, organisation), "rounds": rounds, "current": "rounds"},
    )


def _round_form_page(request, organisation, round_, framework):
    initial = RoundForm.initial_from(round_) if round_ else {"access": Access.LINKS}
    form = RoundForm(request.POST or None, initial=initial, framework=framework)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.round_save(
                actor=request.user,
                organisation=organisation,
                data=form.round_data(),
                round_=round_,
                framework=framework,
                areas=form.cleaned_data["areas"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The round is saved."))
            return redirect(saved)
    return render(
        request,
        "capacity/round_form.html",
        {**facts(request, organisation), "form": form, "round": round_, "current": "rounds"},
    )


@login_required
def round_new(request, slug):
    organisation = organisation_for(request, slug, MANAGE)
    framework = current_framework()
    return _round_form_page(request, organisation, None, framework)


@login_required
def round_edit(request, pk):
    round_ = round_for(request, pk, MANAGE)
    if round_.status == RoundStatus.CLOSED:
        messages.error(request, _("This round is closed; its results can no longer change."))
        return redirect(round_)
    return _round_form_page(request, round_.organisation, round_, round_.framework)


def answered_total(round_) -> int:
    """How many people have answered the round: the one figure everyone who reads the round
    may see, whatever its status."""
    total = RespondentTally.objects.filter(round=round_).aggregate(total=Sum("count"))["total"]
    return total or 0


def participation(round_) -> list[dict]:
    """Per department of the city: the links handed out and the people who answered.
    Only counts of people, and only for the city's editors while the round is not closed
    (as the API): they remind departments to answer. Once closed, the results take over,
    with their rule of MIN_GROUP_SIZE."""
    departments = Department.objects.filter(organisation_id=round_.organisation_id).order_by("name")
    links = dict(
        RoundLink.objects.filter(round=round_)
        .values("department_id")
        .annotate(total=Count("pk"))
        .values_list("department_id", "total")
    )
    answered = dict(
        RespondentTally.objects.filter(round=round_)
        .values("department_id")
        .annotate(total=Sum("count"))
        .values_list("department_id", "total")
    )
    return [
        {
            "department": department,
            "links": links.get(department.pk, 0),
            "answered": answered.get(department.pk, 0),
        }
        for department in departments
    ]


def _detail_context(request, round_, links_form=None) -> dict:
    organisation = round_.organisation
    can_manage = request.user.has_perm(MANAGE, organisation)
    is_closed = round_.status == RoundStatus.CLOSED
    shows_departments = can_manage and not is_closed
    offers_links = shows_departments and round_.access == Access.LINKS
    if offers_links and links_form is None:
        links_form = LinksForm(organisation=organisation)
    # The departments' counts, or None: then the page gives the total only.
    rows = participation(round_) if shows_departments else None
    return {
        **facts(request, organisation),
        "round": round_,
        "areas": list(round_.areas.order_by("position")),
        "competence_count": len(services.round_competences(round_)),
        "rows": rows,
        "answered_total": answered_total(round_),
        "links_form": links_form if offers_links else None,
        "answer_url": (
            _absolute(reverse("capacity:answer_round", args=[round_.pk]))
            if round_.access == Access.ACCOUNTS and not is_closed
            else None
        ),
        "current": "rounds",
        "tab": "round",
    }


@login_required
def round_detail(request, pk):
    round_ = round_for(request, pk)
    return render(request, "capacity/round_detail.html", _detail_context(request, round_))


@login_required
@require_POST
def round_open(request, pk):
    round_ = round_for(request, pk, MANAGE)
    try:
        services.round_open(actor=request.user, round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The round is open: staff can answer."))
    return redirect(round_)


@login_required
def round_close(request, pk):
    """A confirmation page (GET), then the closing (POST): once closed, results appear and
    no one can answer any more."""
    round_ = round_for(request, pk, MANAGE)
    if request.method == "POST":
        try:
            services.round_close(actor=request.user, round_=round_)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(round_)
        messages.success(request, _("The round is closed: its results are ready."))
        return redirect("capacity:round_results", pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        messages.error(request, _("Only an open round can be closed."))
        return redirect(round_)
    return render(
        request,
        "capacity/round_close.html",
        {
            **facts(request, round_.organisation),
            "round": round_,
            "answered_total": answered_total(round_),
            "current": "rounds",
        },
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def answer_link(token: str) -> str:
    """The absolute address of the answer page a token opens."""
    return _absolute(reverse("capacity:answer_link", args=[token]))


@login_required
def round_links(request, pk):
    """Create single-use links for a department (POST). The links are shown this once (only
    their hashes are kept), on the page or as a text file to download."""
    round_ = round_for(request, pk, MANAGE)
    if request.method != "POST":
        return redirect(round_)
    form = LinksForm(request.POST, organisation=round_.organisation)
    if form.is_valid():
        department = form.cleaned_data["department"]
        tokens = run_service(
            form,
            lambda: services.links_create(
                actor=request.user,
                round_=round_,
                department=department,
                count=form.cleaned_data["count"],
            ),
        )
        if tokens is not None:
            links = [answer_link(token) for token in tokens]
            if request.POST.get("download"):
                response = HttpResponse(
                    "".join(f"{link}\r\n" for link in links),
                    content_type="text/plain; charset=utf-8",
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="round-{round_.pk}-department-{department.pk}-links.txt"'
                )
            else:
                response = render(
                    request,
                    "capacity/round_links.html",
                    {
                        **facts(request, round_.organisation),
                        "round": round_,
                        "department": department,
                        "links": links,
                        "current": "rounds",
                    },
                )
            # Shown this once: not to be kept by browsers or proxies.
            response["Cache-Control"] = "no-store"
            return response
    if form.non_field_errors():
        # The round takes no links (answered by signing in, or closed): said above the page.
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect(round_)
    return render(request, "capacity/round_detail.html", _detail_context(request, round_, form))
