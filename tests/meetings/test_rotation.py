"""The host rotation planner: properties against a brute force, and the DI4C case."""

import calendar
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from di4c.meetings.rotation import (
    FINAL_EVENT,
    IN_PERSON,
    KICK_OFF,
    ONLINE,
    ONLINE_ALTERNATE,
    ONLINE_ALWAYS,
    ONLINE_NEVER,
    TRANSNATIONAL,
    Candidate,
    RotationRequest,
    Slot,
    Unavailability,
    check_schedule,
    plan_rotation,
    slot_dates,
)

# --- an independent reading of the rules, written from the specification -------------


def _months_later(day: date, months: int) -> date:
    year, month = day.year + (day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _can_host(request: RotationRequest, pid: int, day: date) -> bool:
    partner = next(p for p in request.partners if p.id == pid)
    if day < partner.joined_on or (partner.left_on is not None and day > partner.left_on):
        return False
    return not any(
        u.partner_id == pid and u.starts_on <= day <= u.ends_on for u in request.unavailable
    )


def _kinds(request: RotationRequest, n: int) -> list[str]:
    kinds = [TRANSNATIONAL] * n
    if request.final_event and n > 1:
        kinds[-1] = FINAL_EVENT
    if request.kick_off:
        kinds[0] = KICK_OFF
    return kinds


def _rotation_ok(request: RotationRequest, hosts: list[int]) -> bool:
    """Rotation hosts in date order: each hosts only while at the minimum count."""
    counts = {p.id: 0 for p in request.partners}
    counts.update(dict(request.prior_counts))
    for host in hosts:
        if counts[host] != min(counts.values()):
            return False
        counts[host] += 1
    return True


def _valid(request: RotationRequest, slots: list[Slot]) -> bool:
    dates = slot_dates(request.starts_on, request.ends_on, request.cadence_months)
    kinds = _kinds(request, len(dates))
    lead = next(p.id for p in request.partners if p.is_lead)
    if len(dates) == 1 and request.kick_off and request.final_event:
        return False
    if [s.date for s in slots] != dates or [s.kind for s in slots] != kinds:
        return False
    rotation_no = 0
    for s in slots:
        if s.kind == TRANSNATIONAL:
            rotation_no += 1
        online = s.kind == TRANSNATIONAL and (
            request.online == ONLINE_ALWAYS
            or (request.online == ONLINE_ALTERNATE and rotation_no % 2 == 0)
        )
        if s.mode != (ONLINE if online else IN_PERSON):
            return False
        if s.host_id is None or not _can_host(request, s.host_id, s.date):
            return False
        if s.kind != TRANSNATIONAL and s.host_id != lead:
            return False
    if any(slots[i].host_id != pid for i, pid in request.fixed_hosts):
        return False
    return _rotation_ok(request, [s.host_id for s in slots if s.kind == TRANSNATIONAL])


def _brute_force(request: RotationRequest) -> bool:
    """Whether any valid schedule exists: every host sequence the rules allow, tried."""
    dates = slot_dates(request.starts_on, request.ends_on, request.cadence_months)
    kinds = _kinds(request, len(dates))
    lead = next(p.id for p in request.partners if p.is_lead)
    if len(dates) == 1 and request.kick_off and request.final_event:
        return False
    choices: list[set[int]] = []
    for i, (day, kind) in enumerate(zip(dates, kinds, strict=True)):
        allowed = {lead} if kind != TRANSNATIONAL else {p.id for p in request.partners}
        for index, pid in request.fixed_hosts:
            if index == i:
                allowed &= {pid}
        choices.append({pid for pid in allowed if _can_host(request, pid, day)})
    if any(not c for c in choices):
        return False
    rotation = [sorted(c) for c, k in zip(choices, kinds, strict=True) if k == TRANSNATIONAL]

    def extend(hosts: list[int]) -> bool:
        if not _rotation_ok(request, hosts):
            return False
        if len(hosts) == len(rotation):
            return True
        return any(extend([*hosts, pid]) for pid in rotation[len(hosts)])

    return extend([])


# --- random small requests ----------------------------------------------------------


@st.composite
def requests(draw) -> RotationRequest:
    n_partners = draw(st.integers(2, 5))
    cadence = draw(st.integers(1, 4))
    n_slots = draw(st.integers(1, 10))
    start = draw(st.sampled_from([date(2024, 1, 31), date(2023, 3, 15), date(2022, 8, 30)]))
    # Fewer extra days than the shortest gap between two dates: exactly n_slots dates.
    end = _months_later(start, (n_slots - 1) * cadence) + timedelta(draw(st.integers(0, 27)))
    span = (end - start).days
    some_day = st.integers(-30, span + 30).map(lambda d: start + timedelta(d))
    lead = draw(st.integers(0, n_partners - 1))
    partners = []
    for i in range(n_partners):
        joined = draw(st.one_of(st.just(date(2000, 1, 1)), some_day)) if i != lead else start
        left = draw(st.one_of(st.none(), st.none(), some_day.filter(lambda d, j=joined: d >= j)))
        coords = draw(st.one_of(st.none(), st.tuples(st.integers(35, 65), st.integers(-10, 30))))
        partners.append(
            Candidate(
                id=10 * i + 7,
                name=f"City {i}",
                country=draw(st.sampled_from(["IT", "ES", "FI"])),
                latitude=coords and coords[0],
                longitude=coords and coords[1],
                is_lead=i == lead,
                joined_on=joined,
                left_on=left,
            )
        )
    ids = st.sampled_from([p.id for p in partners])
    unavailable = draw(
        st.lists(
            st.builds(
                lambda pid, day, length: Unavailability(pid, day, day + timedelta(length)),
                ids,
                some_day,
                st.integers(0, 300),
            ),
            max_size=4,
        )
    )
    fixed = draw(st.lists(st.tuples(st.integers(0, n_slots - 1), ids), max_size=2))
    prior = draw(st.lists(st.integers(0, 2), min_size=n_partners, max_size=n_partners))
    return RotationRequest(
        starts_on=start,
        ends_on=end,
        cadence_months=cadence,
        partners=tuple(partners),
        kick_off=draw(st.booleans()),
        final_event=draw(st.booleans()),
        online=draw(st.sampled_from([ONLINE_NEVER, ONLINE_ALWAYS, ONLINE_ALTERNATE])),
        unavailable=tuple(unavailable),
        fixed_hosts=tuple(fixed),
        prior_counts=tuple((p.id, n) for p, n in zip(partners, prior, strict=True)),
    )


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(requests())
def test_planner_is_valid_and_exact(request):
    proposal = plan_rotation(request)
    exists = _brute_force(request)
    assert proposal.feasible == exists, proposal.problems
    n = len(slot_dates(request.starts_on, request.ends_on, request.cadence_months))
    assert [s.index for s in proposal.slots] == list(range(n))
    if proposal.feasible:
        assert _valid(request, proposal.slots)
        assert check_schedule(request, proposal.slots) == ([], proposal.warnings)
    else:
        assert all(p.message and p.rule != "invalid_request" for p in proposal.problems)
        first: dict[int, int] = {}
        for index, pid in request.fixed_hosts:
            first.setdefault(index, pid)
        for index, pid in first.items():  # a coordinator's fixed host stays on the schedule
            slot = proposal.slots[index]
            assert slot.fixed and (slot.kind != TRANSNATIONAL or slot.host_id == pid)


@FAST
@given(requests(), st.data())
def test_check_schedule_agrees_with_the_rules_and_planning_is_deterministic(request, data):
    proposal = plan_rotation(request)
    assert plan_rotation(request) == proposal
    ids = [p.id for p in request.partners]
    # A hand-edited schedule: some hosts changed at random.
    edited = [
        replace(s, host_id=data.draw(st.sampled_from([s.host_id, *ids]))) for s in proposal.slots
    ]
    problems, _warnings = check_schedule(request, edited)
    assert (not problems) == _valid(request, edited), problems


# --- the DI4C case --------------------------------------------------------------------

JOINED = date(2019, 6, 1)
DI4C = (
    Candidate(1, "Messina", "IT", 38.19, 15.55, True, JOINED),
    Candidate(2, "Roquetas de Mar", "ES", 36.76, -2.61, False, JOINED),
    Candidate(3, "Oulu", "FI", 65.01, 25.47, False, JOINED),
    Candidate(4, "Saint-Quentin", "FR", 49.85, 3.29, False, JOINED),
    Candidate(5, "Ventspils", "LV", 57.39, 21.56, False, JOINED),
    Candidate(6, "Portalegre", "PT", 39.29, -7.43, False, JOINED),
    Candidate(7, "Botoșani", "RO", 47.75, 26.67, False, JOINED),
    Candidate(8, "Trikala", "GR", 39.56, 21.77, False, JOINED),
)
PHASE_2 = RotationRequest(
    starts_on=date(2020, 6, 16),
    ends_on=date(2022, 7, 6),
    cadence_months=3,
    partners=DI4C,
    online=ONLINE_ALTERNATE,
)
OULU, TRIKALA = 3, 8


def test_di4c_phase_2():
    proposal = plan_rotation(PHASE_2)
    assert proposal.feasible and not proposal.warnings
    slots = proposal.slots
    assert [s.date for s in slots][:2] == [date(2020, 6, 16), date(2020, 9, 16)]
    assert slots[-1].date == date(2022, 6, 16) and len(slots) == 9
    assert (slots[0].kind, slots[0].host_id, slots[0].fixed) == (KICK_OFF, 1, True)
    assert (slots[-1].kind, slots[-1].host_id, slots[-1].fixed) == (FINAL_EVENT, 1, True)
    rotation = slots[1:-1]
    assert {s.kind for s in rotation} == {TRANSNATIONAL}
    assert [s.mode for s in rotation] == [IN_PERSON, ONLINE] * 3 + [IN_PERSON]
    # Seven rotation meetings, seven partners besides the lead: each hosts exactly once.
    assert sorted(s.host_id for s in rotation) == [2, 3, 4, 5, 6, 7, 8]
    assert check_schedule(PHASE_2, slots) == ([], [])


def test_partner_unavailable_over_a_whole_round_is_named():
    # Messina already hosted once: the round is the seven others, one meeting each.
    request = replace(
        PHASE_2,
        prior_counts=((1, 1),),
        unavailable=(Unavailability(OULU, date(2020, 7, 1), date(2022, 4, 1)),),
    )
    proposal = plan_rotation(request)
    assert not proposal.feasible
    (problem,) = proposal.problems
    assert problem.rule == "rotation"
    assert problem.message.startswith(
        "Oulu cannot host any meeting between 16 September 2020 and 16 March 2022 "
        "(it is unavailable on all those dates)"
    )
    assert problem.slot_indices == (1, 2, 3, 4, 5, 6, 7)
    assert len(proposal.slots) == 9 and OULU not in {s.host_id for s in proposal.slots}
    assert [s.host_id for s in proposal.slots].count(None) == 1


def test_partner_leaving_mid_period_blocks_the_round():
    partners = tuple(replace(p, left_on=date(2020, 8, 31)) if p.id == TRIKALA else p for p in DI4C)
    proposal = plan_rotation(replace(PHASE_2, partners=partners, prior_counts=((1, 1),)))
    (problem,) = proposal.problems
    assert problem.rule == "rotation"
    assert "Trikala" in problem.message and "31 August 2020" in problem.message
    assert "Untick it or shorten the period." in problem.message


def test_lead_unavailable_on_the_kick_off():
    request = replace(
        PHASE_2, unavailable=(Unavailability(1, date(2020, 6, 10), date(2020, 6, 20)),)
    )
    (problem,) = plan_rotation(request).problems
    assert problem.rule == "lead_fixed" and problem.slot_indices == (0,)
    assert "Messina" in problem.message and "16 June 2020" in problem.message


def test_fixed_host_twice_before_the_others_is_refused():
    request = replace(PHASE_2, fixed_hosts=((1, OULU), (3, OULU)))
    proposal = plan_rotation(request)
    (problem,) = proposal.problems
    assert problem.rule == "rotation" and problem.slot_indices == (3,)
    assert problem.message.startswith("Oulu would host the meeting of 16 March 2021")
    assert proposal.slots[1].host_id == proposal.slots[3].host_id == OULU


def test_fixed_host_is_kept():
    proposal = plan_rotation(replace(PHASE_2, fixed_hosts=((4, TRIKALA),)))
    assert proposal.feasible
    assert (proposal.slots[4].host_id, proposal.slots[4].fixed) == (TRIKALA, True)


def test_fixed_host_on_the_kick_off_conflicts_with_the_lead():
    (problem,) = plan_rotation(replace(PHASE_2, fixed_hosts=((0, OULU),))).problems
    assert problem.rule == "fixed_host" and "Oulu" in problem.message


def test_check_schedule_refuses_a_partner_hosting_twice_early():
    slots = plan_rotation(PHASE_2).slots
    twice = slots[1].host_id
    edited = [replace(s, host_id=twice) if s.index == 3 else s for s in slots]
    problems, _warnings = check_schedule(PHASE_2, edited)
    assert [p.rule for p in problems] == ["rotation"]
    name = next(p.name for p in DI4C if p.id == twice)
    assert problems[0].message.startswith(f"{name} would host the meeting of 16 March 2021")


def test_check_schedule_refuses_a_missing_host_and_a_non_lead_kick_off():
    slots = plan_rotation(PHASE_2).slots
    edited = [replace(slots[0], host_id=OULU), *slots[1:4], replace(slots[4], host_id=None)]
    problems, _warnings = check_schedule(PHASE_2, edited + slots[5:])
    assert {"lead_fixed", "missing_host"} <= {p.rule for p in problems}


def test_slots_on_meetings_only_one_partner_can_host():
    partners = DI4C[:3]  # Messina, Roquetas de Mar, Oulu; three rotation meetings
    request = RotationRequest(
        date(2021, 1, 10),
        date(2021, 3, 10),
        1,
        partners,
        kick_off=False,
        final_event=False,
        unavailable=(
            Unavailability(1, date(2021, 2, 1), date(2021, 3, 31)),
            Unavailability(2, date(2021, 2, 1), date(2021, 3, 31)),
        ),
    )
    (problem,) = plan_rotation(request).problems
    assert problem.rule == "rotation"
    assert "10 February 2021 and 10 March 2021" in problem.message


def test_meeting_nobody_can_host():
    request = replace(
        PHASE_2,
        unavailable=tuple(Unavailability(p.id, date(2021, 3, 1), date(2021, 3, 31)) for p in DI4C),
    )
    problems = plan_rotation(request).problems
    assert [(p.rule, p.slot_indices) for p in problems] == [("unavailable", (3,))]
    assert problems[0].message.startswith("No partner can host the meeting of 16 March 2021")


def test_same_country_warning():
    partners = (DI4C[0], replace(DI4C[1], country="IT"))
    request = RotationRequest(date(2021, 1, 1), date(2021, 2, 1), 1, partners, final_event=False)
    proposal = plan_rotation(request)
    assert proposal.feasible
    assert [w.rule for w in proposal.warnings] == ["same_country"]
    assert "Messina" in proposal.warnings[0].message


def test_among_equals_the_lead_comes_last_in_its_round():
    # No coordinates, three countries: only the meetings hosted in total tell them apart.
    partners = tuple(replace(p, latitude=None, longitude=None) for p in DI4C[:3])
    request = RotationRequest(date(2021, 1, 5), date(2021, 4, 5), 1, partners, final_event=False)
    proposal = plan_rotation(request)
    assert [s.host_id for s in proposal.slots] == [1, 3, 2, 1]  # Oulu < Roquetas by name
    assert proposal.feasible and not proposal.warnings


def test_prior_counts_continue_the_rotation():
    request = replace(PHASE_2, prior_counts=tuple((p.id, 1) for p in DI4C if p.id != OULU))
    rotation = plan_rotation(request).slots[1:-1]
    assert rotation[0].host_id == OULU


def test_slot_dates_clamp_to_month_end():
    assert slot_dates(date(2024, 1, 31), date(2024, 5, 31), 1) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]
    assert slot_dates(date(2023, 1, 31), date(2023, 3, 30), 1) == [
        date(2023, 1, 31),
        date(2023, 2, 28),
    ]
    assert slot_dates(date(2023, 8, 31), date(2024, 3, 1), 6) == [
        date(2023, 8, 31),
        date(2024, 2, 29),
    ]


def test_too_few_slots():
    request = replace(PHASE_2, ends_on=date(2020, 8, 1))
    assert [p.rule for p in plan_rotation(request).problems] == ["too_few_slots"]


def test_invalid_requests_are_problems_not_exceptions():
    for change in (
        {"ends_on": date(2020, 1, 1)},
        {"cadence_months": 0},
        {"cadence_months": 25},
        {"partners": ()},
        {"partners": (*DI4C, DI4C[2])},
        {"fixed_hosts": ((2, 99),)},
        {"fixed_hosts": ((42, OULU),)},
        {"unavailable": (Unavailability(99, date(2021, 1, 1), date(2021, 2, 1)),)},
        {"online": "sometimes"},
    ):
        proposal = plan_rotation(replace(PHASE_2, **change))
        assert [p.rule for p in proposal.problems] == ["invalid_request"], change
        assert proposal.problems[0].message
