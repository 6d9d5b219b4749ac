"""The host rotation planner: the coordinator sets the period and the constraints, the planner
proposes a schedule (or says which rule breaks), the coordinator adjusts hosts and accepts."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.services import check_view_perm
from di4c.maturity.selectors import network_partners
from di4c.meetings import rotation as planner
from di4c.meetings import selectors, services
from di4c.meetings.forms import RotationForm
from di4c.meetings.services.rotation import RotationRefused
from di4c.networks.models import Network, Partnership


def _partners(network):
    """Today's partners with their partnership, the lead first."""
    partnerships = {p.organisation_id: p for p in Partnership.objects.filter(network=network)}
    organisations = list(network_partners(network).order_by("name"))
    for organisation in organisations:
        organisation.partnership = partnerships[organisation.pk]
    organisations.sort(key=lambda o: (o.partnership.role != "lead", o.name))
    return organisations


def _request(form, network, partners, fixed_hosts=()) -> planner.RotationRequest:
    data = form.cleaned_data
    able = [o for o in partners if data.get(f"able_{o.pk}")]
    counts = selectors.hosting_counts(network, before=data["starts_on"])
    return planner.RotationRequest(
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        cadence_months=data["cadence_months"],
        partners=tuple(
            planner.Candidate(
                id=o.pk,
                name=str(o.display_name),
                country=o.country.code,
                latitude=float(o.latitude) if o.latitude is not None else None,
                longitude=float(o.longitude) if o.longitude is not None else None,
                is_lead=o.partnership.role == "lead",
                joined_on=o.partnership.joined_on,
                left_on=o.partnership.left_on,
            )
            for o in able
        ),
        kick_off=data["kick_off"],
        final_event=data["final_event"],
        online=data["online"],
        unavailable=tuple(
            planner.Unavailability(o.pk, starts, ends)
            for o in able
            for starts, ends in data.get(f"unavailable_{o.pk}", [])
        ),
        fixed_hosts=tuple(fixed_hosts),
        prior_counts=tuple((o.pk, counts.get(o.pk, 0)) for o in able),
    )


def _default_period(network) -> dict:
    """The current phase when it is still ahead; otherwise two years from next month."""
    today = timezone.localdate()
    phase = network.phases.filter(ends_on__gt=today).order_by("starts_on").first()
    if phase is not None:
        return {"starts_on": max(phase.starts_on, today), "ends_on": phase.ends_on}
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return {"starts_on": first, "ends_on": first.replace(year=first.year + 2)}


def _posted_slots(post, proposal_length: int, able_ids: set[int]) -> list[dict]:
    """The hosts, dates and 'keep' ticks the coordinator set in the proposal table."""
    rows = []
    for index in range(proposal_length):
        host = post.get(f"slot_{index}_host", "")
        day = post.get(f"slot_{index}_date", "")
        try:
            host_id = int(host) if host else None
        except ValueError:
            host_id = None
        try:
            date = dt.date.fromisoformat(day) if day else None
        except ValueError:
            date = None
        rows.append(
            {
                "host_id": host_id if host_id in able_ids else None,
                "date": date,
                "keep": bool(post.get(f"slot_{index}_keep")),
            }
        )
    return rows


@login_required
def rotation_planner(request, slug):
    network = get_object_or_404(Network, slug=slug)
    check_view_perm(request, "meetings.plan_rotation", network)
    partners = _partners(network)
    initial = _default_period(network)
    form = RotationForm(request.POST or None, partners=partners, initial=initial)
    proposal = None
    problems: list = []
    warnings: list = []
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "propose")
        base = _request(form, network, partners)
        able_ids = {candidate.id for candidate in base.partners}
        count_text = request.POST.get("slot_count", "")
        count = int(count_text) if action != "fresh" and count_text.isdigit() else 0
        posted = _posted_slots(request.POST, min(count, 200), able_ids)
        # The kinds, modes and fixed slots these settings give (planned once per request).
        template = planner.plan_rotation(base).slots
        if action == "accept" and posted and len(posted) != len(template):
            form.add_error(
                None,
                _("The period or cadence changed since the proposal: propose the schedule again."),
            )
            action = "propose"
        if action == "accept" and posted:
            slots = _slots_from_post(template, posted)
            try:
                services.rotation_accept(
                    actor=request.user,
                    network=network,
                    request=base,
                    slots=slots,
                    invite=bool(request.POST.get("invite")),
                )
            except RotationRefused as refused:
                problems = refused.problems
                proposal = planner.Proposal(slots=slots, problems=refused.problems, warnings=[])
            except ValidationError as error:
                form.add_error(None, error)
                proposal = planner.Proposal(slots=slots, problems=[], warnings=[])
            else:
                messages.success(
                    request,
                    _("%(count)s meetings are in the calendar.") % {"count": len(slots)},
                )
                return redirect("meetings:network", network.slug)
        else:
            fixed = [
                (index, row["host_id"])
                for index, row in enumerate(posted)
                if row["keep"] and row["host_id"] is not None
            ]
            proposal = planner.plan_rotation(_request(form, network, partners, fixed))
            problems, warnings = proposal.problems, proposal.warnings
    names = {o.pk: o.display_name for o in partners}
    rows = []
    if proposal is not None:
        for slot in proposal.slots:
            rows.append({"slot": slot, "host_name": names.get(slot.host_id, "")})
    return render(
        request,
        "meetings/rotation.html",
        {
            "network": network,
            "form": form,
            "proposal": proposal,
            "rows": rows,
            "problems": problems,
            "warnings": warnings,
            # After a refused accept the invitation tick stays as the coordinator left it.
            "invite_posted": request.POST.get("action") == "accept",
            "hosts": _able(form, partners),
        },
    )


def _able(form, partners) -> list:
    if form.is_bound and hasattr(form, "cleaned_data"):
        return [o for o in partners if form.cleaned_data.get(f"able_{o.pk}")]
    return partners


def _slots_from_post(template: list[planner.Slot], posted: list[dict]) -> list[planner.Slot]:
    """The adjusted schedule: the coordinator's hosts and dates on the planner's slots."""
    return [
        planner.Slot(
            index=reference.index,
            date=row["date"] or reference.date,
            kind=reference.kind,
            mode=reference.mode,
            host_id=row["host_id"],
            fixed=reference.fixed,
        )
        for reference, row in zip(template, posted, strict=False)
    ]
