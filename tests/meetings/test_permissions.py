"""Who may do what with meetings (rules.py): for each permission, the whole demo cast, the
people allowed and, as much, the people refused; the pages answer 403 to those refused; the
private calendar addresses; and `visible_meetings` lists exactly what view_meeting lets open."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from icalendar import Calendar

from di4c.accounts.models import Membership, Role
from di4c.meetings import selectors, services
from di4c.meetings.models import CalendarFeed, Meeting, MeetingKind, Participant, Response
from di4c.networks.models import Organisation
from tests.factories import NetworkFactory, PartnershipFactory, UserFactory
from tests.meetings.conftest import days_ahead, invite

pytestmark = pytest.mark.django_db

CAST = (
    "admin",
    "coordinator",
    "lead-expert",
    "adhoc-expert",
    "botosani-coordinator",
    "botosani-editor",
    "messina-editor",
    "local-group",
    "citizen",
    "anonymous",
)
NETWORK_STAFF = {"coordinator", "lead-expert", "adhoc-expert"}
BOTOSANI_PEOPLE = {"botosani-coordinator", "botosani-editor", "local-group"}
IN_THE_NETWORK = {"admin", *NETWORK_STAFF, *BOTOSANI_PEOPLE, "messina-editor"}
# Those who work in the network: local group members (outside stakeholders) are not of them.
NETWORK_TEAM = IN_THE_NETWORK - {"local-group"}


@pytest.fixture
def person(demo_user):
    """A fresh user object for each call (rules cache roles on the user object)."""

    def get(who: str):
        if who == "anonymous":
            return AnonymousUser()
        return demo_user(who)

    return get


@pytest.fixture
def allowed(person):
    """The members of the cast who hold `perm` on `obj`."""

    def who_may(perm: str, obj) -> set[str]:
        return {who for who in CAST if person(who).has_perm(perm, obj)}

    return who_may


@pytest.fixture
def public_meeting(create_meeting):
    return create_meeting(title="Open partners' meeting", is_public=True)


@pytest.fixture
def expert_visit(create_meeting):
    return create_meeting(who="lead-expert", kind=MeetingKind.EXPERT_VISIT, title="Expert visit")


@pytest.fixture
def messina_local_group(create_meeting, messina):
    start = days_ahead(10, hour=18)
    return create_meeting(
        who="messina-editor",
        kind=MeetingKind.LOCAL_GROUP,
        title="Messina local group",
        host=messina,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


# --- view_meeting -------------------------------------------------------------------------


def test_view_meeting_public_and_internal(
    allowed, public_meeting, upcoming_meeting, create_meeting, demo_user
):
    assert allowed("meetings.view_meeting", public_meeting) == set(CAST)
    assert allowed("meetings.view_meeting", upcoming_meeting) == NETWORK_TEAM
    # The inside of a public meeting stays with the network's team.
    assert allowed("meetings.view_internal", public_meeting) == NETWORK_TEAM
    # A local group member sees a network meeting they are invited to.
    invited = create_meeting(title="Meeting with the local group")
    invite(invited, "local-group", demo_user=demo_user)
    assert allowed("meetings.view_meeting", invited) == IN_THE_NETWORK
    assert allowed("meetings.view_internal", invited) == IN_THE_NETWORK


def test_view_meeting_of_a_local_group(allowed, local_group_meeting, demo_user):
    assert allowed("meetings.view_meeting", local_group_meeting) == {
        "admin",
        *NETWORK_STAFF,
        *BOTOSANI_PEOPLE,
    }


def test_the_pages_follow_view_meeting(
    client, client_as, public_meeting, upcoming_meeting, local_group_meeting
):
    assert client.get(public_meeting.get_absolute_url()).status_code == 200
    # A visitor following an e-mailed link is asked to sign in first.
    for meeting in (upcoming_meeting, local_group_meeting):
        path = meeting.get_absolute_url()
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"

    client_as("messina-editor")
    assert client.get(upcoming_meeting.get_absolute_url()).status_code == 200
    assert client.get(local_group_meeting.get_absolute_url()).status_code == 403
    assert client.get(f"/meetings/{local_group_meeting.pk}/meeting.ics").status_code == 403

    client_as("local-group")
    response = client.get(local_group_meeting.get_absolute_url())
    assert response.status_code == 200
    assert "Botoșani local group: the e-services roadmap" in response.content.decode()
    # Not the inside of the network's own meetings (unless invited); public ones, yes.
    assert client.get(upcoming_meeting.get_absolute_url()).status_code == 403
    assert client.get(public_meeting.get_absolute_url()).status_code == 200

    client_as("citizen")
    assert client.get(upcoming_meeting.get_absolute_url()).status_code == 403
    assert client.get(public_meeting.get_absolute_url()).status_code == 200


# --- change_meeting -----------------------------------------------------------------------


def test_change_meeting(
    allowed, upcoming_meeting, expert_visit, local_group_meeting, messina_local_group
):
    assert allowed("meetings.change_meeting", upcoming_meeting) == {"admin", "coordinator"}
    assert allowed("meetings.change_meeting", expert_visit) == {"admin", *NETWORK_STAFF}
    assert allowed("meetings.change_meeting", local_group_meeting) == {
        "admin",
        "coordinator",
        "botosani-coordinator",
        "botosani-editor",
    }
    assert allowed("meetings.change_meeting", messina_local_group) == {
        "admin",
        "coordinator",
        "messina-editor",
    }
    # The writes that share the rule.
    for perm in ("invite_to_meeting", "record_attendance", "manage_tasks"):
        assert allowed(f"meetings.{perm}", upcoming_meeting) == {"admin", "coordinator"}
        assert "botosani-editor" in allowed(f"meetings.{perm}", local_group_meeting)
        assert "botosani-editor" not in allowed(f"meetings.{perm}", messina_local_group)


def test_the_change_pages_answer_403_to_those_refused(
    client, client_as, upcoming_meeting, expert_visit, local_group_meeting, messina_local_group
):
    def status(path):
        return client.get(path).status_code

    client_as("botosani-editor")
    assert status(f"/meetings/{upcoming_meeting.pk}/edit/") == 403
    assert status(f"/meetings/{upcoming_meeting.pk}/cancel/") == 403
    assert status(f"/meetings/{upcoming_meeting.pk}/participants/") == 403
    assert status(f"/meetings/{upcoming_meeting.pk}/minutes/") == 403
    assert status(f"/meetings/{upcoming_meeting.pk}/agenda/new/") == 403
    assert status(f"/meetings/{local_group_meeting.pk}/edit/") == 200
    assert status(f"/meetings/{messina_local_group.pk}/edit/") == 403
    response = client.post(
        f"/meetings/{upcoming_meeting.pk}/cancel/", {"reason": "I do not like it"}
    )
    assert response.status_code == 403
    upcoming_meeting.refresh_from_db()
    assert not upcoming_meeting.is_cancelled

    client_as("lead-expert")
    assert status(f"/meetings/{expert_visit.pk}/edit/") == 200
    assert status(f"/meetings/{upcoming_meeting.pk}/edit/") == 403

    client_as("coordinator")
    assert status(f"/meetings/{upcoming_meeting.pk}/edit/") == 200


# --- contribute_to_meeting ----------------------------------------------------------------


def test_contribute_to_meeting(allowed, upcoming_meeting, local_group_meeting, demo_user):
    invite(upcoming_meeting, "messina-editor", "lead-expert", "local-group", demo_user=demo_user)
    Participant.objects.filter(user=demo_user("lead-expert")).update(response=Response.DECLINED)
    Participant.objects.filter(user=demo_user("messina-editor")).update(response=Response.ACCEPTED)
    # The organisers, the people invited who did not decline, and the host city's team.
    assert allowed("meetings.contribute_to_meeting", upcoming_meeting) == {
        "admin",
        "coordinator",
        "messina-editor",
        "local-group",
        "botosani-coordinator",
        "botosani-editor",
    }
    assert allowed("meetings.contribute_to_meeting", local_group_meeting) == {
        "admin",
        "coordinator",
        "botosani-coordinator",
        "botosani-editor",
    }


def test_the_upload_pages_answer_403_to_those_refused(client, client_as, upcoming_meeting):
    for who in ("messina-editor", "lead-expert", "citizen"):
        client_as(who)
        assert client.get(f"/meetings/{upcoming_meeting.pk}/documents/new/").status_code == 403
        assert client.get(f"/meetings/{upcoming_meeting.pk}/photos/new/").status_code == 403
    client_as("botosani-editor")
    assert client.get(f"/meetings/{upcoming_meeting.pk}/documents/new/").status_code == 200


# --- permissions on the network and the city ----------------------------------------------


def test_add_meeting(allowed, demo, botosani, messina):
    assert allowed("meetings.add_meeting", demo) == {"admin", *NETWORK_STAFF}
    assert allowed("meetings.add_local_group_meeting", botosani) == {
        "admin",
        "botosani-coordinator",
        "botosani-editor",
    }
    assert allowed("meetings.add_local_group_meeting", messina) == {"admin", "messina-editor"}


def test_the_new_meeting_page_is_for_those_who_may_add_one(client, client_as, demo):
    for who, status in (
        ("coordinator", 200),
        ("lead-expert", 200),
        ("botosani-editor", 200),  # its city's local group
        ("local-group", 403),
        ("citizen", 403),
    ):
        client_as(who)
        assert client.get("/networks/di4c/meetings/new/").status_code == status, who


def test_plan_rotation(allowed, client, client_as, demo):
    assert allowed("meetings.plan_rotation", demo) == {"admin", "coordinator"}
    for who, status in (
        ("coordinator", 200),
        ("lead-expert", 403),
        ("botosani-coordinator", 403),
    ):
        client_as(who)
        assert client.get("/networks/di4c/meetings/rotation/").status_code == status, who


def test_follow_network_calendar(allowed, person, demo):
    assert allowed("meetings.follow_network_calendar", demo) == NETWORK_TEAM
    with pytest.raises(PermissionDenied):
        services.calendar_feed_for_network(actor=person("local-group"), network=demo)
    # A member of a partner that left the network no longer follows it.
    limerick = Organisation.objects.get(slug="limerick")
    former = Membership.objects.create(
        user=UserFactory(), role=Role.CITY_EDITOR, organisation=limerick
    ).user
    assert not former.has_perm("meetings.follow_network_calendar", demo)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_for_network(actor=former, network=demo)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_for_network(actor=person("citizen"), network=demo)


# --- the private calendar addresses -------------------------------------------------------


def feed_path(feed) -> str:
    return f"/meetings/calendar/{feed.token}.ics"


def uids(response) -> set[str]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def test_a_wrong_calendar_address_is_not_found(client, demo, upcoming_meeting, demo_user):
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    feed = services.calendar_feed_for_user(actor=demo_user("botosani-coordinator"))
    response = client.get(feed_path(feed))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert uids(response) == {f"{upcoming_meeting.uid}@di4c"}

    assert client.get("/meetings/calendar/not-the-token.ics").status_code == 404
    assert client.get(f"/meetings/calendar/{feed.token[:-1]}.ics").status_code == 404


def test_a_new_personal_address_stops_the_old_one(client, client_as, upcoming_meeting, demo_user):
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    elena = demo_user("botosani-coordinator")
    old = services.calendar_feed_for_user(actor=elena).token
    # Nobody else renews Elena's address.
    feed = services.calendar_feed_for_user(actor=elena)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_reset(actor=demo_user("coordinator"), feed=feed)
    assert client.get(f"/meetings/calendar/{old}.ics").status_code == 200

    client_as("botosani-coordinator")
    response = client.post("/meetings/mine/calendar/", {"reset": "1"})
    assert response.status_code == 302
    client.logout()

    new = CalendarFeed.objects.get(user=elena).token
    assert new != old
    assert client.get(f"/meetings/calendar/{old}.ics").status_code == 404
    response = client.get(f"/meetings/calendar/{new}.ics")
    assert response.status_code == 200
    assert uids(response) == {f"{upcoming_meeting.uid}@di4c"}


def test_a_network_address_is_its_owners_and_renewed_by_them_only(
    client, demo, upcoming_meeting, local_group_meeting, demo_user
):
    editor = demo_user("botosani-editor")
    feed = services.calendar_feed_for_network(actor=editor, network=demo)
    assert (feed.user, feed.network) == (editor, demo)
    # Asked again, the same address; the coordinator gets an address of their own.
    assert services.calendar_feed_for_network(actor=editor, network=demo).pk == feed.pk
    own = services.calendar_feed_for_network(actor=demo_user("coordinator"), network=demo)
    assert own.pk != feed.pk and own.token != feed.token
    # Nor is it the editor's personal address.
    assert services.calendar_feed_for_user(actor=editor).pk != feed.pk
    old = feed.token
    response = client.get(feed_path(feed))
    assert response.status_code == 200
    # The network's meetings, not the cities' local groups.
    assert uids(response) == {f"{upcoming_meeting.uid}@di4c"}

    for who in ("coordinator", "admin", "lead-expert", "citizen"):
        with pytest.raises(PermissionDenied):
            services.calendar_feed_reset(actor=demo_user(who), feed=feed)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_reset(actor=AnonymousUser(), feed=feed)
    feed.refresh_from_db()
    assert feed.token == old

    services.calendar_feed_reset(actor=editor, feed=feed)
    assert client.get(f"/meetings/calendar/{old}.ics").status_code == 404
    assert client.get(feed_path(feed)).status_code == 200
    # The coordinator's address is untouched.
    assert client.get(feed_path(own)).status_code == 200


def test_a_network_address_stops_working_when_its_owner_leaves_the_network(
    client, demo, upcoming_meeting, demo_user
):
    editor = demo_user("botosani-editor")
    feed = services.calendar_feed_for_network(actor=editor, network=demo)
    personal = services.calendar_feed_for_user(actor=editor)
    assert client.get(feed_path(feed)).status_code == 200

    Membership.objects.filter(user=editor).delete()

    assert client.get(feed_path(feed)).status_code == 404
    # Their own meetings' address still works; the coordinator's network address too.
    assert client.get(feed_path(personal)).status_code == 200
    other = services.calendar_feed_for_network(actor=demo_user("coordinator"), network=demo)
    assert client.get(feed_path(other)).status_code == 200


def test_an_inactive_persons_address_stops_working(client, upcoming_meeting, demo_user):
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    elena = demo_user("botosani-coordinator")
    feed = services.calendar_feed_for_user(actor=elena)
    elena.is_active = False
    elena.save(update_fields=["is_active"])
    assert client.get(feed_path(feed)).status_code == 404


# --- visible_meetings is view_meeting in SQL ----------------------------------------------


@pytest.fixture
def all_kinds_of_meetings(
    demo,
    public_meeting,
    upcoming_meeting,
    held_meeting,
    expert_visit,
    local_group_meeting,
    messina_local_group,
    create_meeting,
    botosani,
    messina,
    demo_user,
):
    """Every case the rule tells apart, and a meeting of another network."""
    start = days_ahead(20, hour=18)
    create_meeting(
        who="botosani-editor",
        kind=MeetingKind.LOCAL_GROUP,
        title="Open local group evening",
        host=botosani,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        is_public=True,
    )
    cancelled = create_meeting(title="Cancelled meeting")
    services.meeting_cancel(actor=demo_user("coordinator"), meeting=cancelled, reason="Strike")
    # The Messina editor is invited to Botoșani's local group: the invitation lets them in.
    invited_local = create_meeting(
        who="botosani-editor",
        kind=MeetingKind.LOCAL_GROUP,
        title="Local group with a guest",
        host=botosani,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    Participant.objects.create(meeting=invited_local, user=demo_user("messina-editor"))
    # Another network, of which Messina (not Botoșani) is a partner; Botoșani's editor is a guest.
    other = NetworkFactory(acronym="OTHER", slug="other")
    PartnershipFactory(network=other, organisation=messina)
    Meeting.objects.create(
        network=other,
        kind=MeetingKind.TRANSNATIONAL,
        title="A meeting of another network",
        host=messina,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        time_zone="Europe/Rome",
    )
    elsewhere_guest = Meeting.objects.create(
        network=other,
        kind=MeetingKind.TRANSNATIONAL,
        title="Another network's meeting with a guest",
        host=messina,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        time_zone="Europe/Rome",
    )
    Participant.objects.create(meeting=elsewhere_guest, user=demo_user("botosani-editor"))
    return list(Meeting.objects.order_by("pk"))


def test_visible_meetings_lists_exactly_what_view_meeting_opens(
    all_kinds_of_meetings, person, django_user_model
):
    limerick = Organisation.objects.get(slug="limerick")
    former = Membership.objects.create(
        user=UserFactory(email="former@limerick.example"),
        role=Role.CITY_EDITOR,
        organisation=limerick,
    ).user
    viewers = {who: person(who) for who in CAST}
    viewers["former-limerick"] = former
    assert len(all_kinds_of_meetings) == 11

    disagreements = []
    seen_by = {}
    for label, viewer in viewers.items():
        listed = set(selectors.visible_meetings(viewer).values_list("pk", flat=True))
        fresh = django_user_model.objects.get(pk=viewer.pk) if viewer.is_authenticated else viewer
        for meeting in Meeting.objects.order_by("pk"):
            may = fresh.has_perm("meetings.view_meeting", meeting)
            if may != (meeting.pk in listed):
                disagreements.append((label, meeting.title, "rule" if may else "selector"))
        seen_by[label] = listed
    assert disagreements == []
    # And the cases are really told apart: nobody but the admin sees everything.
    assert len(seen_by["admin"]) == 11
    public = set(Meeting.objects.filter(is_public=True).values_list("pk", flat=True))
    assert len(public) == 2
    assert seen_by["anonymous"] == seen_by["citizen"] == public
    assert seen_by["messina-editor"] != seen_by["botosani-editor"]
    # No meeting is listed twice (the joins on participants do not duplicate rows).
    for viewer in viewers.values():
        pks = list(selectors.visible_meetings(viewer).values_list("pk", flat=True))
        assert len(pks) == len(set(pks))
