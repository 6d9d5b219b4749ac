"""Host rotation planner for a network's transnational meetings.

Pure Python (no models), so that views, services and tests share one set of rules.

The rotation rule turns the plan into a sequence of bipartite matchings: from the prior
counts, the partners at the lowest count form a round that covers the next rotation slots,
one meeting each; then the next level, and so on (the last round may be partial). A round
is feasible exactly when a matching saturates its slots (and, for a full round, its
partners); when none does, Hall's theorem names the smallest set of slots or partners to
blame, which is what the coordinator needs to read.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import pairwise

from django.utils.formats import date_format
from django.utils.translation import gettext as _

KICK_OFF = "kick_off"
TRANSNATIONAL = "transnational"
FINAL_EVENT = "final_event"
IN_PERSON = "in_person"
ONLINE = "online"
ONLINE_NEVER = "never"
ONLINE_ALWAYS = "always"
ONLINE_ALTERNATE = "alternate"


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    country: str  # ISO 3166 alpha-2
    latitude: float | None
    longitude: float | None
    is_lead: bool
    joined_on: date
    left_on: date | None = None


@dataclass(frozen=True)
class Unavailability:
    partner_id: int
    starts_on: date
    ends_on: date  # inclusive


@dataclass(frozen=True)
class RotationRequest:
    starts_on: date
    ends_on: date
    cadence_months: int  # 1..24
    partners: tuple[Candidate, ...]
    kick_off: bool = True  # first slot, hosted by the lead
    final_event: bool = True  # last slot, hosted by the lead
    online: str = ONLINE_NEVER  # which rotation meetings are online
    unavailable: tuple[Unavailability, ...] = ()
    fixed_hosts: tuple[tuple[int, int], ...] = ()  # (slot index, partner id)
    prior_counts: tuple[tuple[int, int], ...] = ()  # (partner id, rotation meetings hosted)


@dataclass(frozen=True)
class Slot:
    index: int
    date: date
    kind: str  # KICK_OFF / TRANSNATIONAL / FINAL_EVENT
    mode: str  # IN_PERSON / ONLINE
    host_id: int | None  # None only when no valid host could be found
    fixed: bool  # the lead's kick-off/final, or a coordinator's fixed host


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str
    slot_indices: tuple[int, ...] = ()


@dataclass
class Proposal:
    slots: list[Slot]
    problems: list[Problem] = field(default_factory=list)  # hard rules broken
    warnings: list[Problem] = field(default_factory=list)  # soft preferences not honoured

    @property
    def feasible(self) -> bool:
        return not self.problems


def add_months(day: date, months: int) -> date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def slot_dates(starts_on: date, ends_on: date, cadence_months: int) -> list[date]:
    if not 1 <= cadence_months <= 24 or ends_on < starts_on:
        return []
    dates: list[date] = []
    # Each date from starts_on, not from the previous one: 31 Jan, 29 Feb, 31 Mar.
    while (day := add_months(starts_on, len(dates) * cadence_months)) <= ends_on:
        dates.append(day)
    return dates


# --- wording ------------------------------------------------------------------------


def _p(rule: str, message: str, indices: Iterable[int] = (), **values: object) -> Problem:
    """A problem from a translated message and its placeholders."""
    return Problem(rule, message % values if values else message, tuple(indices))


def _d(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _span(first: date, last: date) -> str:
    if first == last:
        return _("on %(date)s") % {"date": _d(first)}
    return _("between %(first)s and %(last)s") % {"first": _d(first), "last": _d(last)}


def _meeting(kind: str, day: date) -> str:
    if kind == KICK_OFF:
        return _("the kick-off meeting of %(date)s") % {"date": _d(day)}
    if kind == FINAL_EVENT:
        return _("the final event of %(date)s") % {"date": _d(day)}
    return _("the meeting of %(date)s") % {"date": _d(day)}


def _meetings(days: list[date]) -> str:
    if len(days) == 1:
        return _meeting(TRANSNATIONAL, days[0])
    return _("the meetings of %(dates)s") % {"dates": _join([_d(d) for d in days])}


def _distance_km(a: Candidate, b: Candidate) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return 0.0  # unknown coordinates: a tie, not a penalty
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class _Context:
    """The request's partners by id, and why one cannot host on a date."""

    def __init__(self, request: RotationRequest) -> None:
        self.partners = {p.id: p for p in request.partners}
        leads = [p for p in request.partners if p.is_lead]
        self.lead = leads[0] if len(leads) == 1 else None
        self.unavailable = request.unavailable
        self.prior = {pid: n for pid, n in request.prior_counts if pid in self.partners}

    def get(self, pid: int | None) -> Candidate | None:
        return None if pid is None else self.partners.get(pid)

    def name(self, pid: int) -> str:
        return self.partners[pid].name

    def names(self, pids: Iterable[int]) -> str:
        return _join(sorted(self.name(pid) for pid in pids))

    def absence(self, pid: int, day: date) -> str | None:
        """'joins', 'left' or 'unavailable' when the partner cannot host on day."""
        partner = self.partners[pid]
        if day < partner.joined_on:
            return "joins"
        if partner.left_on is not None and day > partner.left_on:
            return "left"
        if any(u.partner_id == pid and u.starts_on <= day <= u.ends_on for u in self.unavailable):
            return "unavailable"
        return None

    def why(self, pid: int, code: str) -> str:
        partner = self.partners[pid]
        if code == "joins":
            return _("it only joins the network on %(date)s") % {"date": _d(partner.joined_on)}
        if code == "left" and partner.left_on:
            return _("it is a partner only until %(date)s") % {"date": _d(partner.left_on)}
        return _("it is unavailable then")


# --- rules shared by the planner and the checker -------------------------------------


def _validate(request: RotationRequest, indices: range | set[int]) -> list[Problem]:
    bad = partial(_p, "invalid_request")
    problems = []
    if request.ends_on < request.starts_on:
        message = _("The period ends on %(end)s, before it starts on %(start)s.")
        problems.append(bad(message, end=_d(request.ends_on), start=_d(request.starts_on)))
    if not 1 <= request.cadence_months <= 24:
        message = _("The cadence must be between 1 and 24 months, not %(n)s.")
        problems.append(bad(message, n=request.cadence_months))
    if request.online not in (ONLINE_NEVER, ONLINE_ALWAYS, ONLINE_ALTERNATE):
        problems.append(bad(_("Unknown choice of online meetings: %(v)s."), v=request.online))
    if not request.partners:
        problems.append(bad(_("List at least one partner able to host.")))
    ids = Counter(p.id for p in request.partners)
    for name in sorted({p.name for p in request.partners if ids[p.id] > 1}):
        problems.append(bad(_("%(partner)s is listed more than once."), partner=name))
    if len(leads := [p.name for p in request.partners if p.is_lead]) > 1:
        message = _("Only one partner can be the lead, but %(partners)s are all marked as lead.")
        problems.append(bad(message, partners=_join(leads)))
    unknown = _("%(what)s name partner #%(id)s, which is not among the listed partners.")
    for index, pid in request.fixed_hosts:
        if pid not in ids:
            problems.append(bad(unknown, what=_("Fixed hosts"), id=pid))
        if index not in indices:
            message = _("A fixed host names meeting number %(n)s, but there are %(count)s.")
            problems.append(bad(message, n=index + 1, count=len(indices)))
    for u in request.unavailable:
        if u.partner_id not in ids:
            problems.append(bad(unknown, what=_("Unavailable dates"), id=u.partner_id))
        if u.ends_on < u.starts_on:
            message = _("Unavailable dates end on %(end)s, before they start on %(start)s.")
            problems.append(bad(message, end=_d(u.ends_on), start=_d(u.starts_on)))
    counted = [pid for pid, _n in request.prior_counts]
    if len(set(counted)) < len(counted) or any(n < 0 for _pid, n in request.prior_counts):
        problems.append(bad(_("Give each partner's meetings hosted once, as a number ≥ 0.")))
    return problems


def _too_few(request: RotationRequest, n_slots: int) -> list[Problem]:
    if n_slots != 1 or not (request.kick_off and request.final_event):
        return []
    message = _(
        "The period from %(start)s to %(end)s has room for one meeting only, which cannot be "
        "both the kick-off and the final event: lengthen the period, shorten the cadence, or "
        "drop one of them."
    )
    return [
        _p("too_few_slots", message, (0,), start=_d(request.starts_on), end=_d(request.ends_on))
    ]


def _cannot(rule: str, ctx: _Context, index: int, kind: str, day: date, pid: int, code: str):
    message = _("%(partner)s cannot host %(meeting)s: %(reason)s.")
    meeting, reason = _meeting(kind, day), ctx.why(pid, code)
    return _p(rule, message, (index,), partner=ctx.name(pid), meeting=meeting, reason=reason)


def _only(rule: str, index: int, kind: str, day: date, right: str, wrong: str) -> Problem:
    message = _("Only %(right)s may host %(meeting)s, not %(wrong)s.")
    return _p(rule, message, (index,), right=right, meeting=_meeting(kind, day), wrong=wrong)


def _out_of_turn(ctx: _Context, index: int, day: date, pid: int, others: Iterable[int]):
    message = _(
        "%(partner)s would host %(meeting)s while it is still the turn of %(others)s: every "
        "partner hosts once before anyone hosts twice."
    )
    values = {"partner": ctx.name(pid), "meeting": _meeting(TRANSNATIONAL, day)}
    return _p("rotation", message, (index,), others=ctx.names(others), **values)


def _fixed_map(
    request: RotationRequest, ctx: _Context, info: dict[int, tuple[date, str]]
) -> tuple[dict[int, int], list[Problem]]:
    """The coordinator's fixed host per rotation slot (info: index -> (date, kind))."""
    fixed: dict[int, int] = {}
    problems = []
    for index, pid in request.fixed_hosts:
        day, kind = info[index]
        if kind != TRANSNATIONAL and (ctx.lead is None or pid != ctx.lead.id):
            lead = _("the lead partner")
            problems.append(_only("fixed_host", index, kind, day, lead, ctx.name(pid)))
        elif kind == TRANSNATIONAL and fixed.get(index, pid) != pid:
            message = _("Two different hosts are fixed for %(meeting)s: %(partners)s.")
            meeting, partners = _meeting(kind, day), ctx.names({fixed[index], pid})
            problems.append(_p("fixed_host", message, (index,), meeting=meeting, partners=partners))
        elif kind == TRANSNATIONAL:
            fixed[index] = pid
    return fixed, problems


def _lead_problems(ctx: _Context, lead_slots: list[tuple[int, date, str]]) -> list[Problem]:
    if lead_slots and ctx.lead is None:
        message = _("No partner is marked as lead, but the lead partner must host %(meetings)s.")
        meetings = _join([_meeting(kind, day) for _i, day, kind in lead_slots])
        return [_p("lead_fixed", message, (i for i, _d, _k in lead_slots), meetings=meetings)]
    return [
        _cannot("lead_fixed", ctx, index, kind, day, ctx.lead.id, code)
        for index, day, kind in lead_slots
        if ctx.lead and (code := ctx.absence(ctx.lead.id, day))
    ]


def _same_country(ctx: _Context, slots: list[Slot]) -> list[Problem]:
    in_person = sorted((s for s in slots if s.mode == IN_PERSON), key=lambda s: (s.date, s.index))
    warnings = []
    for a, b in pairwise(in_person):
        host_a, host_b = ctx.get(a.host_id), ctx.get(b.host_id)
        if host_a and host_b and host_a.country.upper() == host_b.country.upper():
            message = _(
                "Two in-person meetings in a row are in the same country: %(first)s, hosted by "
                "%(a)s, then %(second)s, hosted by %(b)s."
            )
            values = {"first": _meeting(a.kind, a.date), "second": _meeting(b.kind, b.date)}
            warnings.append(
                _p(
                    "same_country",
                    message,
                    (a.index, b.index),
                    a=host_a.name,
                    b=host_b.name,
                    **values,
                )
            )
    return warnings


# --- planning: rounds, matchings and Hall's theorem -----------------------------------


def _rounds(ctx: _Context, n_rotation: int) -> list[tuple[int, list[int]]]:
    """(number of rotation slots, partner ids) per round, in order; the last may be partial."""
    counts = {pid: ctx.prior.get(pid, 0) for pid in ctx.partners}
    level, done, rounds = min(counts.values(), default=0), 0, []
    while done < n_rotation:
        members = sorted(pid for pid, n in counts.items() if n <= level)
        size = min(len(members), n_rotation - done)
        rounds.append((size, members))
        done, level = done + size, level + 1
    return rounds


def _matching(slots: list[int], edges: dict[int, list[int]], banned=frozenset()) -> dict[int, int]:
    """A maximum matching (partner -> slot) by augmenting paths; rounds are small."""
    match: dict[int, int] = {}

    def augment(slot: int, seen: set[int]) -> bool:
        for pid in edges[slot]:
            if pid not in banned and pid not in seen:
                seen.add(pid)
                if pid not in match or augment(match[pid], seen):
                    match[pid] = slot
                    return True
        return False

    for slot in slots:
        augment(slot, set())
    return match


def _hall_witness(
    slots: list[int], members: list[int], edges: dict[int, list[int]], match: dict[int, int]
) -> tuple[str, set[int], set[int]]:
    """The smallest set breaking Hall's condition, grown by alternating paths from an
    unmatched vertex: ("slots", X, N(X)) or ("partners", Y, N(Y)), |N| < |set|."""
    host_of = {slot: pid for pid, slot in match.items()}
    found = []
    for start in (s for s in slots if s not in host_of):
        xs, ns, todo = {start}, set(), [start]
        while todo:
            for pid in set(edges[todo.pop()]) - ns:
                ns.add(pid)
                xs.add(match[pid])
                todo.append(match[pid])
        # Smallest first; a meeting or partner with no option at all is the clearest cause.
        found.append(((len(xs), 2 if ns else 0), ("slots", xs, ns)))
    if len(slots) == len(members):  # a full round must also give every partner a meeting
        for start in (p for p in members if p not in match):
            ys, ns, todo = {start}, set(), [start]
            while todo:
                pid = todo.pop()
                for slot in (s for s in slots if pid in edges[s] and s not in ns):
                    ns.add(slot)
                    ys.add(host_of[slot])
                    todo.append(host_of[slot])
            found.append(((len(ys), 3 if ns else 1), ("partners", ys, ns)))
    return min(found, key=lambda w: w[0])[1]


def _explain(
    ctx: _Context,
    dates: list[date],
    round_slots: list[int],
    members: list[int],
    witness: tuple[str, set[int], set[int]],
) -> Problem:
    """The coordinator's reading of a Hall witness for one round."""
    side, blamed, neighbours = witness
    span = _span(dates[round_slots[0]], dates[round_slots[-1]])
    if side == "partners" and len(blamed) == 1:
        (pid,) = blamed
        codes = {ctx.absence(pid, dates[s]) or "fixed" for s in round_slots}
        reasons = [ctx.why(pid, c) for c in ("joins", "left") if c in codes]
        if "fixed" in codes:
            reasons.append(_("the other meetings are fixed to other hosts"))
        if "unavailable" in codes:
            reasons.append(
                _("it is unavailable on the remaining dates")
                if reasons
                else _("it is unavailable on all those dates")
            )
        if codes & {"joins", "left"}:
            hint = _("Untick it or shorten the period.")
        elif "fixed" in codes:
            hint = _("Change the fixed hosts or untick it.")
        else:
            hint = _("Untick it or change its unavailable dates.")
        message = _(
            "%(partner)s cannot host any meeting %(span)s (%(reasons)s), but the rotation needs "
            "every partner to host once before anyone hosts twice. %(hint)s"
        )
        values = {"partner": ctx.name(pid), "span": span, "reasons": "; ".join(reasons)}
        return _p("rotation", message, round_slots, hint=hint, **values)
    if side == "partners":  # alternating paths make N(Y) empty only when Y is one partner
        message = _(
            "Among the meetings %(span)s, %(partners)s can only host %(meetings)s, but the "
            "rotation needs each of them to host one before anyone hosts twice."
        )
        values = {
            "partners": ctx.names(blamed),
            "meetings": _meetings([dates[s] for s in sorted(neighbours)]),
        }
        return _p("rotation", message, round_slots, span=span, **values)
    slots = sorted(blamed)
    meetings = _meetings([dates[s] for s in slots])
    if neighbours:
        message = _(
            "Only %(partners)s can host %(meetings)s, but no partner hosts twice before every "
            "partner has hosted once."
        )
        return _p("rotation", message, slots, partners=ctx.names(neighbours), meetings=meetings)
    if all(ctx.absence(p, dates[s]) for s in slots for p in ctx.partners):
        message = _("No partner can host %(meetings)s: all are unavailable or not partners then.")
        return _p("unavailable", message, slots, meetings=meetings)
    message = _("None of the partners whose turn it is (%(partners)s) can host %(meetings)s.")
    return _p("rotation", message, slots, partners=ctx.names(members), meetings=meetings)


def _kinds_and_modes(request: RotationRequest, n: int) -> list[tuple[str, str]]:
    out, rotation_no = [], 0
    for i in range(n):
        if i == 0 and request.kick_off:
            out.append((KICK_OFF, IN_PERSON))
        elif i == n - 1 and i > 0 and request.final_event:
            out.append((FINAL_EVENT, IN_PERSON))
        else:
            rotation_no += 1
            online = request.online == ONLINE_ALWAYS or (
                request.online == ONLINE_ALTERNATE and rotation_no % 2 == 0
            )
            out.append((TRANSNATIONAL, ONLINE if online else IN_PERSON))
    return out


def _preference(
    ctx: _Context, modes: list[str], hosts: list[int | None], hosted: Counter, i: int
) -> Callable[[int], tuple]:
    """Sort key of slot i's candidates: not the country of the neighbouring in-person
    hosts, far from the previous one, fewest meetings hosted, then by name."""
    if modes[i] == ONLINE:  # nobody travels
        return lambda pid: (False, 0.0, hosted[pid], ctx.name(pid), pid)
    before = next((hosts[j] for j in range(i - 1, -1, -1) if modes[j] == IN_PERSON), None)
    after = next((hosts[j] for j in range(i + 1, len(modes)) if modes[j] == IN_PERSON), None)
    prev, nxt = ctx.get(before), ctx.get(after)

    def key(pid: int) -> tuple:
        p = ctx.partners[pid]
        same = any(o is not None and o.country.upper() == p.country.upper() for o in (prev, nxt))
        return (same, -_distance_km(prev, p) if prev else 0.0, hosted[pid], p.name, pid)

    return key


def plan_rotation(request: RotationRequest) -> Proposal:
    dates = slot_dates(request.starts_on, request.ends_on, request.cadence_months)
    n = len(dates)
    kinds, modes = zip(*_kinds_and_modes(request, n), strict=True) if n else ((), ())
    hosts: list[int | None] = [None] * n
    fixed = [kind != TRANSNATIONAL for kind in kinds]

    def slots() -> list[Slot]:
        return [Slot(i, dates[i], kinds[i], modes[i], hosts[i], fixed[i]) for i in range(n)]

    if problems := _validate(request, range(n)):
        return Proposal(slots(), problems, [])
    ctx = _Context(request)
    problems = _too_few(request, n)
    problems += _lead_problems(ctx, [(i, dates[i], kinds[i]) for i in range(n) if fixed[i]])
    hosts = [ctx.lead.id if f and ctx.lead else None for f in fixed]
    wanted, conflicts = _fixed_map(request, ctx, {i: (dates[i], kinds[i]) for i in range(n)})
    problems += conflicts
    for i, pid in sorted(wanted.items()):
        # Kept even when it cannot be: the coordinator sees their choice and why it fails.
        hosts[i], fixed[i] = pid, True
        if code := ctx.absence(pid, dates[i]):
            problems.append(_cannot("fixed_host", ctx, i, kinds[i], dates[i], pid, code))

    # Meetings hosted in total, fixed ones included, so the lead comes late in a round.
    hosted = Counter(ctx.prior) + Counter(h for h, f in zip(hosts, fixed, strict=True) if f and h)
    rotation = [i for i in range(n) if kinds[i] == TRANSNATIONAL]
    for size, members in _rounds(ctx, len(rotation)):
        round_slots, rotation = rotation[:size], rotation[size:]
        taken: set[int] = set()
        free = []
        for i in round_slots:
            pid = hosts[i]
            if pid is None:
                free.append(i)
            elif pid in members and pid not in taken:
                taken.add(pid)
            else:
                others = [p for p in members if p not in taken and p != pid]
                problems.append(_out_of_turn(ctx, i, dates[i], pid, others))
        members = [p for p in members if p not in taken]
        edges = {i: [p for p in members if ctx.absence(p, dates[i]) is None] for i in free}
        match = _matching(free, edges)
        if len(match) < len(free):
            witness = _hall_witness(free, members, edges, match)
            problems.append(_explain(ctx, dates, round_slots, members, witness))
        # Greedy by preference, but only along an edge that keeps a maximum matching of the
        # rest: so the result is valid whenever a valid schedule exists.
        target, used = len(match), set()
        for pos, i in enumerate(free):
            key = _preference(ctx, list(modes), hosts, hosted, i)
            for pid in sorted((p for p in edges[i] if p not in used), key=key):
                if 1 + len(_matching(free[pos + 1 :], edges, used | {pid})) == target:
                    hosts[i], target = pid, target - 1
                    used.add(pid)
                    hosted[pid] += 1
                    break
    result = slots()
    return Proposal(result, problems, _same_country(ctx, result))


def check_schedule(
    request: RotationRequest, slots: list[Slot]
) -> tuple[list[Problem], list[Problem]]:
    if problems := _validate(request, {s.index for s in slots}):
        return problems, []
    ctx = _Context(request)
    problems = _too_few(request, len(slots))
    wanted, conflicts = _fixed_map(request, ctx, {s.index: (s.date, s.kind) for s in slots})
    problems += conflicts
    ordered = sorted(slots, key=lambda s: (s.date, s.index))
    lead_slots = []
    for s in ordered:
        pid, where = s.host_id, (s.index, s.kind, s.date)
        if s.kind != TRANSNATIONAL and (ctx.lead is None or pid == ctx.lead.id):
            lead_slots.append((s.index, s.date, s.kind))
        elif pid is None:
            message = _("Nobody hosts %(meeting)s.")
            problems.append(
                _p("missing_host", message, (s.index,), meeting=_meeting(s.kind, s.date))
            )
        elif pid not in ctx.partners:
            problems.append(_only("unavailable", *where, _("a listed partner"), f"#{pid}"))
        elif s.kind != TRANSNATIONAL and ctx.lead:
            problems.append(_only("lead_fixed", *where, ctx.lead.name, ctx.name(pid)))
        else:
            if wanted.get(s.index, pid) != pid:
                right, wrong = ctx.name(wanted[s.index]), ctx.name(pid)
                problems.append(_only("fixed_host", *where, right, wrong))
            if code := ctx.absence(pid, s.date):
                problems.append(_cannot("unavailable", ctx, *where, pid, code))
    problems += _lead_problems(ctx, lead_slots)

    # The rotation rule itself, in date order from the prior counts.
    counts = {pid: ctx.prior.get(pid, 0) for pid in ctx.partners}
    for s in ordered:
        if s.kind == TRANSNATIONAL and s.host_id in counts:
            if behind := [p for p, c in counts.items() if c < counts[s.host_id]]:
                problems.append(_out_of_turn(ctx, s.index, s.date, s.host_id, behind))
            counts[s.host_id] += 1
    return problems, _same_country(ctx, slots)
