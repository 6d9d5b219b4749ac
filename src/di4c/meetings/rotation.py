"""Host rotation planner for a network's transnational meetings.

Pure Python (no models), so that views, services and tests share one set of rules.

The rotation rule makes the plan a sequence of bipartite matchings: starting from the
prior counts, the partners at the lowest count form a round that covers the next rotation
slots, one meeting each; then the next level, and so on. A round is feasible exactly when
a matching saturates its slots (and, for a full round, its partners), so when it is not,
Hall's theorem hands us the smallest set of slots or partners to blame.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
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
    country: str
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
    cadence_months: int
    partners: tuple[Candidate, ...]
    kick_off: bool = True
    final_event: bool = True
    online: str = ONLINE_NEVER
    unavailable: tuple[Unavailability, ...] = ()
    fixed_hosts: tuple[tuple[int, int], ...] = ()  # (slot index, partner id)
    prior_counts: tuple[tuple[int, int], ...] = ()  # (partner id, rotation meetings hosted)


@dataclass(frozen=True)
class Slot:
    index: int
    date: date
    kind: str
    mode: str
    host_id: int | None
    fixed: bool


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str
    slot_indices: tuple[int, ...] = ()


@dataclass
class Proposal:
    slots: list[Slot]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

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
    # Each date from starts_on, not from the previous one, so 31 Jan -> 29 Feb -> 31 Mar.
    while (day := add_months(starts_on, len(dates) * cadence_months)) <= ends_on:
        dates.append(day)
    return dates


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
    label = {KICK_OFF: _("the kick-off meeting"), FINAL_EVENT: _("the final event")}
    return _("%(meeting)s of %(date)s") % {
        "meeting": label.get(kind, _("the meeting")),
        "date": _d(day),
    }


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _distance_km(a: Candidate, b: Candidate) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return 0.0  # unknown coordinates: a tie, not a penalty
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class _Context:
    """The request's partners, indexed, with the reason each one cannot host on a date."""

    def __init__(self, request: RotationRequest) -> None:
        self.partners = {p.id: p for p in request.partners}
        leads = [p for p in request.partners if p.is_lead]
        self.lead = leads[0] if len(leads) == 1 else None
        self.unavailable = request.unavailable
        self.prior = {pid: n for pid, n in request.prior_counts if pid in self.partners}

    def name(self, pid: int) -> str:
        return self.partners[pid].name

    def names(self, pids) -> str:
        return _join(sorted(self.name(pid) for pid in pids))

    def absence(self, pid: int, day: date) -> str | None:
        """'joins', 'left' or 'unavailable' when the partner cannot host on day, else None."""
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
        if code == "left" and partner.left_on is not None:
            return _("it is a partner only until %(date)s") % {"date": _d(partner.left_on)}
        return _("it is unavailable then")


def _validate(request: RotationRequest, indices: range | set[int]) -> list[Problem]:
    errors: list[str] = []
    if request.ends_on < request.starts_on:
        errors.append(
            _("The period ends on %(end)s, before it starts on %(start)s.")
            % {"end": _d(request.ends_on), "start": _d(request.starts_on)}
        )
    if not 1 <= request.cadence_months <= 24:
        errors.append(
            _("The cadence must be between 1 and 24 months, not %(n)s.")
            % {"n": request.cadence_months}
        )
    if request.online not in (ONLINE_NEVER, ONLINE_ALWAYS, ONLINE_ALTERNATE):
        errors.append(
            _("Unknown choice of online meetings: %(value)s.") % {"value": request.online}
        )
    if not request.partners:
        errors.append(_("List at least one partner able to host."))
    ids = Counter(p.id for p in request.partners)
    for p in request.partners:
        if ids[p.id] > 1:
            errors.append(_("%(partner)s is listed more than once.") % {"partner": p.name})
            ids[p.id] = 0
    leads = [p.name for p in request.partners if p.is_lead]
    if len(leads) > 1:
        errors.append(
            _("Only one partner can be the lead, but %(partners)s are all marked as lead.")
            % {"partners": _join(leads)}
        )
    for index, pid in request.fixed_hosts:
        if pid not in ids:
            errors.append(
                _("A fixed host names partner #%(id)s, which is not among the listed partners.")
                % {"id": pid}
            )
        if index not in indices:
            errors.append(
                _("A fixed host names meeting number %(n)s, but the period has %(count)s meetings.")
                % {"n": index + 1, "count": len(indices)}
            )
    for u in request.unavailable:
        if u.partner_id not in ids:
            errors.append(
                _("Unavailable dates name partner #%(id)s, which is not among the listed partners.")
                % {"id": u.partner_id}
            )
        if u.ends_on < u.starts_on:
            errors.append(
                _("Unavailable dates end on %(end)s, before they start on %(start)s.")
                % {"end": _d(u.ends_on), "start": _d(u.starts_on)}
            )
    if any(n < 0 for _pid, n in request.prior_counts):
        errors.append(_("The number of meetings already hosted cannot be negative."))
    if len({pid for pid, _n in request.prior_counts}) < len(request.prior_counts):
        errors.append(_("The meetings already hosted are given twice for the same partner."))
    return [Problem("invalid_request", message) for message in errors]


def _too_few(request: RotationRequest, n_slots: int) -> list[Problem]:
    if n_slots == 1 and request.kick_off and request.final_event:
        message = _(
            "The period from %(start)s to %(end)s has room for one meeting only, which cannot "
            "be both the kick-off and the final event: lengthen the period, shorten the "
            "cadence, or drop one of them."
        ) % {"start": _d(request.starts_on), "end": _d(request.ends_on)}
        return [Problem("too_few_slots", message, (0,))]
    return []


def _fixed_map(
    request: RotationRequest, ctx: _Context, info: dict[int, tuple[date, str]]
) -> tuple[dict[int, int], list[Problem]]:
    """The coordinator's fixed host per rotation slot (info: index -> (date, kind))."""
    fixed: dict[int, int] = {}
    problems = []
    for index, pid in request.fixed_hosts:
        day, kind = info[index]
        if kind != TRANSNATIONAL:
            if ctx.lead is None or pid != ctx.lead.id:
                message = _(
                    "%(meeting)s is hosted by the lead partner, so it cannot be fixed to "
                    "%(partner)s."
                ) % {"meeting": _cap(_meeting(kind, day)), "partner": ctx.name(pid)}
                problems.append(Problem("fixed_host", message, (index,)))
        elif index in fixed and fixed[index] != pid:
            message = _("Two different hosts are fixed for %(meeting)s: %(partners)s.") % {
                "meeting": _meeting(kind, day),
                "partners": ctx.names({fixed[index], pid}),
            }
            problems.append(Problem("fixed_host", message, (index,)))
        else:
            fixed[index] = pid
    return fixed, problems


def _lead_problems(ctx: _Context, lead_slots: list[tuple[int, date, str]]) -> list[Problem]:
    if not lead_slots:
        return []
    if ctx.lead is None:
        message = _(
            "No partner is marked as lead, but the kick-off meeting and the final event are "
            "hosted by the lead partner."
        )
        return [Problem("lead_fixed", message, tuple(i for i, _day, _kind in lead_slots))]
    problems = []
    for index, day, kind in lead_slots:
        if code := ctx.absence(ctx.lead.id, day):
            message = _("%(lead)s, the lead partner, must host %(meeting)s, but %(reason)s.") % {
                "lead": ctx.lead.name,
                "meeting": _meeting(kind, day),
                "reason": ctx.why(ctx.lead.id, code),
            }
            problems.append(Problem("lead_fixed", message, (index,)))
    return problems


def _rounds(ctx: _Context, n_rotation: int) -> list[tuple[int, list[int]]]:
    """(number of rotation slots, partner ids) per round, in order; the last may be partial."""
    counts = {pid: ctx.prior.get(pid, 0) for pid in ctx.partners}
    level, done, rounds = min(counts.values(), default=0), 0, []
    while done < n_rotation and counts:
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
            if pid in banned or pid in seen:
                continue
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
    """The smallest set that Hall's condition fails for, from a maximum matching:
    ("slots", X, N(X)) with |N(X)| < |X|, or ("partners", Y, N(Y)) with |N(Y)| < |Y|."""
    host_of = {slot: pid for pid, slot in match.items()}
    witnesses = []
    for start in (s for s in slots if s not in host_of):
        xs, ns, todo = {start}, set(), [start]
        while todo:
            for pid in edges[todo.pop()]:
                if pid not in ns:
                    ns.add(pid)
                    xs.add(match[pid])
                    todo.append(match[pid])
        witnesses.append(((len(xs), 0 if ns else 2), ("slots", xs, ns)))
    if len(slots) == len(members):  # a full round must also give every partner a meeting
        for start in (p for p in members if p not in match):
            ys, ns, todo = {start}, set(), [start]
            while todo:
                pid = todo.pop()
                for slot in (s for s in slots if pid in edges[s] and s not in ns):
                    ns.add(slot)
                    ys.add(host_of[slot])
                    todo.append(host_of[slot])
            witnesses.append(((len(ys), 1), ("partners", ys, ns)))
    return min(witnesses, key=lambda w: w[0])[1]


def _explain(
    ctx: _Context,
    dates: list[date],
    round_slots: list[int],
    members: list[int],
    witness: tuple[str, set[int], set[int]],
) -> Problem:
    side, blamed, neighbours = witness
    span = _span(dates[round_slots[0]], dates[round_slots[-1]])
    every = tuple(round_slots)

    def meetings(slots) -> str:
        days = [_d(dates[s]) for s in sorted(slots)]
        if len(days) == 1:
            return _("the meeting of %(date)s") % {"date": days[0]}
        return _("the meetings of %(dates)s") % {"dates": _join(days)}

    if side == "partners" and len(blamed) == 1:
        (pid,) = blamed
        codes = {ctx.absence(pid, dates[s]) or "fixed" for s in round_slots}
        reasons = [ctx.why(pid, c) for c in ("joins", "left") if c in codes]
        if "fixed" in codes:
            reasons.append(_("the other meetings are fixed to other hosts"))
        if "unavailable" in codes:
            reasons.append(
                _("it is unavailable on all those dates")
                if not reasons
                else _("it is unavailable on the remaining dates")
            )
        if codes & {"joins", "left"}:
            hint = _("Untick it or shorten the period.")
        elif "fixed" in codes:
            hint = _("Change the fixed hosts or untick it.")
        else:
            hint = _("Untick it or change its unavailable dates.")
        message = _(
            "%(partner)s cannot host any meeting %(span)s (%(reasons)s), but the rotation "
            "needs every partner to host once before anyone hosts twice. %(hint)s"
        ) % {"partner": ctx.name(pid), "span": span, "reasons": "; ".join(reasons), "hint": hint}
        return Problem("rotation", message, every)
    if side == "partners":
        values = {"partners": ctx.names(blamed), "span": span}
        if neighbours:
            message = _(
                "Among the meetings %(span)s, %(partners)s can only host %(meetings)s, but the "
                "rotation needs each of them to host one before anyone hosts twice."
            ) % {**values, "meetings": meetings(neighbours)}
        else:
            message = (
                _(
                    "%(partners)s cannot host any meeting %(span)s, but the rotation needs each of "
                    "them to host once before anyone hosts twice."
                )
                % values
            )
        return Problem("rotation", message, every)
    slots = tuple(sorted(blamed))
    if neighbours:
        message = _(
            "%(meetings)s can only be hosted by %(partners)s, but no partner hosts twice "
            "before every partner has hosted once."
        ) % {"meetings": _cap(meetings(blamed)), "partners": ctx.names(neighbours)}
        return Problem("rotation", message, slots)
    if all(all(ctx.absence(p, dates[s]) for p in ctx.partners) for s in slots):
        message = _(
            "No partner can host %(meetings)s: every partner is unavailable or not in the "
            "network then."
        ) % {"meetings": meetings(blamed)}
        return Problem("unavailable", message, slots)
    message = _(
        "None of the partners whose turn it is in the rotation (%(partners)s) can host "
        "%(meetings)s."
    ) % {"partners": ctx.names(members), "meetings": meetings(blamed)}
    return Problem("rotation", message, slots)


def _kinds_and_modes(request: RotationRequest, n: int) -> tuple[list[str], list[str]]:
    kinds, modes, rotation_no = [], [], 0
    for i in range(n):
        if (i == 0 and request.kick_off) or (i == n - 1 and request.final_event and n > 1):
            kinds.append(KICK_OFF if i == 0 and request.kick_off else FINAL_EVENT)
            modes.append(IN_PERSON)
            continue
        rotation_no += 1
        online = request.online == ONLINE_ALWAYS or (
            request.online == ONLINE_ALTERNATE and rotation_no % 2 == 0
        )
        kinds.append(TRANSNATIONAL)
        modes.append(ONLINE if online else IN_PERSON)
    return kinds, modes


def _same_country(ctx: _Context, slots: list[Slot]) -> list[Problem]:
    in_person = sorted((s for s in slots if s.mode == IN_PERSON), key=lambda s: (s.date, s.index))
    warnings = []
    for a, b in pairwise(in_person):
        host_a, host_b = ctx.partners.get(a.host_id), ctx.partners.get(b.host_id)  # type: ignore[arg-type]
        if host_a and host_b and host_a.country.upper() == host_b.country.upper():
            message = _(
                "Two in-person meetings in a row are in the same country: %(first)s, hosted by "
                "%(a)s, then %(second)s, hosted by %(b)s."
            ) % {
                "first": _meeting(a.kind, a.date),
                "a": host_a.name,
                "second": _meeting(b.kind, b.date),
                "b": host_b.name,
            }
            warnings.append(Problem("same_country", message, (a.index, b.index)))
    return warnings


def plan_rotation(request: RotationRequest) -> Proposal:
    dates = slot_dates(request.starts_on, request.ends_on, request.cadence_months)
    n = len(dates)
    kinds, modes = _kinds_and_modes(request, n)
    hosts: list[int | None] = [None] * n
    fixed = [False] * n

    def slots() -> list[Slot]:
        return [Slot(i, dates[i], kinds[i], modes[i], hosts[i], fixed[i]) for i in range(n)]

    problems = _validate(request, range(n))
    if problems:
        return Proposal(slots(), problems, [])
    ctx = _Context(request)
    problems += _too_few(request, n)
    lead_slots = [(i, dates[i], kinds[i]) for i in range(n) if kinds[i] != TRANSNATIONAL]
    problems += _lead_problems(ctx, lead_slots)
    for i, _day, _kind in lead_slots:
        hosts[i], fixed[i] = (ctx.lead.id if ctx.lead else None), True
    wanted, conflicts = _fixed_map(request, ctx, {i: (dates[i], kinds[i]) for i in range(n)})
    problems += conflicts
    for i, pid in sorted(wanted.items()):
        # Kept even when it cannot be: the coordinator sees their choice and why it fails.
        hosts[i], fixed[i] = pid, True
        if code := ctx.absence(pid, dates[i]):
            message = _("%(partner)s is fixed to host %(meeting)s, but %(reason)s.") % {
                "partner": ctx.name(pid),
                "meeting": _meeting(kinds[i], dates[i]),
                "reason": ctx.why(pid, code),
            }
            problems.append(Problem("fixed_host", message, (i,)))

    # Total meetings hosted, fixed ones included, so the lead comes late in a round.
    hosted = Counter(ctx.prior) + Counter(h for h, f in zip(hosts, fixed, strict=True) if f and h)
    rotation = [i for i in range(n) if kinds[i] == TRANSNATIONAL]
    start = 0
    for size, members in _rounds(ctx, len(rotation)):
        round_slots, start = rotation[start : start + size], start + size
        taken: set[int] = set()
        free = []
        for i in round_slots:
            pid = hosts[i]
            if not fixed[i] or pid is None:
                free.append(i)
            elif pid in members and pid not in taken:
                taken.add(pid)
            else:
                message = _(
                    "%(partner)s is fixed to host %(meeting)s, but in this round of the rotation "
                    "(%(span)s) it is the turn of %(others)s: every partner hosts once before "
                    "anyone hosts twice."
                ) % {
                    "partner": ctx.name(pid),
                    "meeting": _meeting(kinds[i], dates[i]),
                    "span": _span(dates[round_slots[0]], dates[round_slots[-1]]),
                    "others": ctx.names(p for p in members if p not in taken and p != pid),
                }
                problems.append(Problem("rotation", message, (i,)))
        members = [p for p in members if p not in taken]
        edges = {i: [p for p in members if ctx.absence(p, dates[i]) is None] for i in free}
        match = _matching(free, edges)
        if len(match) < len(free):
            witness = _hall_witness(free, members, edges, match)
            problems.append(_explain(ctx, dates, round_slots, members, witness))
        # Greedy by preference, but only along edges that keep a maximum matching of the
        # rest: the result is valid whenever a valid schedule exists.
        target, used = len(match), set()
        for pos, i in enumerate(free):
            key = _preference(ctx, modes, hosts, hosted, i)
            for pid in sorted((p for p in edges[i] if p not in used), key=key):
                if 1 + len(_matching(free[pos + 1 :], edges, used | {pid})) == target:
                    hosts[i], target = pid, target - 1
                    used.add(pid)
                    hosted[pid] += 1
                    break
    result = slots()
    return Proposal(result, problems, _same_country(ctx, result))


def _preference(ctx: _Context, modes: list[str], hosts: list[int | None], hosted: Counter, i: int):
    """Sort key of the candidates for slot i: away from the neighbouring in-person hosts'
    countries, far from the previous one, fewest meetings hosted, then by name."""
    if modes[i] == ONLINE:  # nobody travels
        return lambda pid: (False, 0.0, hosted[pid], ctx.name(pid), pid)
    before = next((hosts[j] for j in range(i - 1, -1, -1) if modes[j] == IN_PERSON), None)
    after = next((hosts[j] for j in range(i + 1, len(modes)) if modes[j] == IN_PERSON), None)
    prev, nxt = ctx.partners.get(before), ctx.partners.get(after)  # type: ignore[arg-type]

    def key(pid: int) -> tuple:
        p = ctx.partners[pid]
        same = any(o is not None and o.country.upper() == p.country.upper() for o in (prev, nxt))
        return (same, -_distance_km(prev, p) if prev else 0.0, hosted[pid], p.name, pid)

    return key


def check_schedule(
    request: RotationRequest, slots: list[Slot]
) -> tuple[list[Problem], list[Problem]]:
    problems = _validate(request, {s.index for s in slots})
    if problems:
        return problems, []
    ctx = _Context(request)
    problems += _too_few(request, len(slots))
    wanted, conflicts = _fixed_map(request, ctx, {s.index: (s.date, s.kind) for s in slots})
    problems += conflicts
    ordered = sorted(slots, key=lambda s: (s.date, s.index))
    lead_slots = []
    for s in ordered:
        meeting = _meeting(s.kind, s.date)
        if s.kind != TRANSNATIONAL and (ctx.lead is None or s.host_id == ctx.lead.id):
            lead_slots.append((s.index, s.date, s.kind))
        elif s.host_id is None:
            message = _("Nobody hosts %(meeting)s.") % {"meeting": meeting}
            problems.append(Problem("missing_host", message, (s.index,)))
        elif s.host_id not in ctx.partners:
            message = _(
                "%(meeting)s is hosted by partner #%(id)s, which is not among the listed partners."
            ) % {"meeting": _cap(meeting), "id": s.host_id}
            problems.append(Problem("unavailable", message, (s.index,)))
        elif s.kind != TRANSNATIONAL:
            message = _(
                "%(meeting)s must be hosted by the lead partner, %(lead)s, not %(partner)s."
            )
            message %= {
                "meeting": _cap(meeting),
                "lead": ctx.lead.name,
                "partner": ctx.name(s.host_id),
            }  # type: ignore[union-attr]
            problems.append(Problem("lead_fixed", message, (s.index,)))
        else:
            if wanted.get(s.index, s.host_id) != s.host_id:
                message = _(
                    "%(meeting)s must be hosted by %(fixed)s, a fixed host, not %(partner)s."
                )
                message %= {
                    "meeting": _cap(meeting),
                    "fixed": ctx.name(wanted[s.index]),
                    "partner": ctx.name(s.host_id),
                }
                problems.append(Problem("fixed_host", message, (s.index,)))
            if code := ctx.absence(s.host_id, s.date):
                message = _("%(partner)s cannot host %(meeting)s: %(reason)s.") % {
                    "partner": ctx.name(s.host_id),
                    "meeting": meeting,
                    "reason": ctx.why(s.host_id, code),
                }
                problems.append(Problem("unavailable", message, (s.index,)))
    problems += _lead_problems(ctx, lead_slots)

    # The rotation rule itself, counted from the prior counts in date order.
    counts = {pid: ctx.prior.get(pid, 0) for pid in ctx.partners}
    for s in ordered:
        if s.kind != TRANSNATIONAL or s.host_id not in counts:
            continue
        behind = [p for p, c in counts.items() if c < counts[s.host_id]]
        if behind:
            message = _(
                "%(partner)s would host %(meeting)s before %(others)s had their turn: every "
                "partner hosts once before anyone hosts twice."
            ) % {
                "partner": ctx.name(s.host_id),
                "meeting": _meeting(s.kind, s.date),
                "others": ctx.names(behind),
            }
            problems.append(Problem("rotation", message, (s.index,)))
        counts[s.host_id] += 1
    return problems, _same_country(ctx, slots)
