"""The meetings services as the demo's people use them: creating, moving and cancelling a
meeting (and who hears of it), the host's partnership on the meeting's dates, invitations,
answers and attendance, the agenda, follow-up tasks, working documents, photos and themes."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from icalendar import Calendar
from PIL import Image

from di4c.maturity.models import Framework
from di4c.maturity.selectors import framework_for_network, network_benchmark, weak_spots
from di4c.meetings import selectors, services
from di4c.meetings.models import (
    AgendaItem,
    DocumentVersion,
    FollowUpTask,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Photo,
    Response,
    TaskStatus,
    WorkingDocument,
)
from di4c.networks.models import Organisation
from tests.meetings.conftest import (
    BUCHAREST,
    ELF,
    GPS_IFD,
    days_ahead,
    invite,
    jpeg_with_gps,
    pdf_bytes,
    plain_jpeg,
    upload,
)

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
DUBLIN = ZoneInfo("Europe/Dublin")


def answer(meeting, who, response, demo_user):
    participant = Participant.objects.get(meeting=meeting, user=demo_user(who))
    return services.participant_respond(
        actor=demo_user(who), participant=participant, response=response
    )


def the_calendar(message, filename):
    [attachment] = message.attachments
    assert attachment.filename == filename
    return Calendar.from_ical(attachment.content)


def the_event(calendar):
    [event] = calendar.walk("VEVENT")
    return event


# --- create, change, cancel ---------------------------------------------------------------


def test_the_coordinator_creates_a_meeting_in_the_hosts_time_zone(demo, botosani, demo_user):
    start = dt.datetime(2030, 2, 12, 9, tzinfo=BUCHAREST)
    meeting = services.meeting_create(
        actor=demo_user("coordinator"),
        network=demo,
        data={
            "kind": MeetingKind.TRANSNATIONAL,
            "title": "Partners' meeting in Botoșani",
            "host": botosani,
            "starts_at": start,
            "ends_at": start + dt.timedelta(days=1, hours=8),
            "venue": "Botoșani City Hall",
        },
    )

    meeting.refresh_from_db()
    assert meeting.time_zone == "Europe/Bucharest"
    assert meeting.local_starts_at == start
    assert meeting.local_starts_at.hour == 9
    assert meeting.status == MeetingStatus.SCHEDULED
    assert meeting.sequence == 0
    assert meeting.created_by == demo_user("coordinator")
    assert not meeting.is_public


def test_moving_a_meeting_sends_the_new_entry_to_those_who_did_not_decline(
    upcoming_meeting, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    invite(
        upcoming_meeting,
        "botosani-coordinator",
        "lead-expert",
        "messina-editor",
        demo_user=demo_user,
    )
    answer(upcoming_meeting, "botosani-coordinator", Response.ACCEPTED, demo_user)
    answer(upcoming_meeting, "messina-editor", Response.DECLINED, demo_user)
    new_start = upcoming_meeting.local_starts_at + dt.timedelta(days=7, hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        changed = services.meeting_update(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            data={
                "starts_at": new_start,
                "ends_at": new_start + dt.timedelta(hours=7),
                "venue": "Mihai Eminescu Theatre",
            },
        )

    assert set(changed) == {"starts_at", "ends_at", "venue"}
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.sequence == 1
    assert upcoming_meeting.venue == "Mihai Eminescu Theatre"
    # Elena (accepted) and Ian (not answered yet) hear of it; Marco declined and does not.
    assert sorted(message.to[0] for message in mailoutbox) == [
        "botosani-coordinator@demo.di4c.eu",
        "lead-expert@demo.di4c.eu",
    ]
    for message in mailoutbox:
        language = "ro" if message.to[0].startswith("botosani") else "en"
        with translation.override(language):
            subject = gettext("Changed: %(title)s, %(date)s") % {
                "title": "Partners' meeting in Botoșani",
                "date": date_format(new_start, "DATE_FORMAT"),
            }
        assert message.subject == subject
        calendar = the_calendar(message, "invite.ics")
        assert str(calendar["METHOD"]) == "REQUEST"
        event = the_event(calendar)
        assert str(event["UID"]) == f"{upcoming_meeting.uid}@di4c"
        assert int(event["SEQUENCE"]) == 1
        assert event["DTSTART"].dt == new_start
        assert "Mihai Eminescu Theatre" in str(event["LOCATION"])
    english = next(m for m in mailoutbox if m.to[0].startswith("lead-expert"))
    assert english.subject.startswith("Changed: Partners' meeting in Botoșani")
    romanian = next(m for m in mailoutbox if m.to[0].startswith("botosani"))
    assert romanian.subject.startswith("Modificată: Partners' meeting in Botoșani")


def test_a_change_that_moves_nothing_sends_nothing(
    upcoming_meeting, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.meeting_update(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            data={"title": "Partners' meeting in Botoșani (2 days)", "description": "Plans."},
        )
    assert set(changed) == {"title", "description"}
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.sequence == 0
    assert mailoutbox == []


def test_every_change_of_place_counts_up_the_sequence(upcoming_meeting, demo_user):
    coordinator = demo_user("coordinator")
    services.meeting_update(actor=coordinator, meeting=upcoming_meeting, data={"venue": "Hall A"})
    services.meeting_update(
        actor=coordinator,
        meeting=upcoming_meeting,
        data={"mode": "hybrid", "online_url": "https://meet.example.eu/di4c"},
    )
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.sequence == 2


def test_cancelling_mails_a_cancellation_to_those_who_did_not_decline(
    upcoming_meeting, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    invite(upcoming_meeting, "botosani-coordinator", "messina-editor", demo_user=demo_user)
    answer(upcoming_meeting, "messina-editor", Response.DECLINED, demo_user)

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            reason="The city hall is closed for repairs",
        )

    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.status == MeetingStatus.CANCELLED
    assert upcoming_meeting.cancellation_reason == "The city hall is closed for repairs"
    assert upcoming_meeting.sequence == 1
    [message] = mailoutbox
    assert message.to == ["botosani-coordinator@demo.di4c.eu"]
    with translation.override("ro"):
        subject = gettext("Cancelled: %(title)s, %(date)s") % {
            "title": "Partners' meeting in Botoșani",
            "date": date_format(upcoming_meeting.local_starts_at, "DATE_FORMAT"),
        }
    assert message.subject == subject
    assert message.subject.startswith("Anulată: ")  # Elena reads Romanian
    assert "The city hall is closed for repairs" in message.body
    calendar = the_calendar(message, "cancel.ics")
    assert str(calendar["METHOD"]) == "CANCEL"
    event = the_event(calendar)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"{upcoming_meeting.uid}@di4c"


def test_a_cancellation_needs_a_reason_and_happens_once(upcoming_meeting, held_meeting, demo_user):
    coordinator = demo_user("coordinator")
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_cancel(actor=coordinator, meeting=upcoming_meeting, reason="  ")
    assert excinfo.value.message_dict["cancellation_reason"] == [
        "Say why the meeting is cancelled."
    ]
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.status == MeetingStatus.SCHEDULED

    services.meeting_cancel(actor=coordinator, meeting=upcoming_meeting, reason="Strike")
    with pytest.raises(ValidationError, match="already cancelled"):
        services.meeting_cancel(actor=coordinator, meeting=upcoming_meeting, reason="Again")
    with pytest.raises(ValidationError, match="cancelled; it can no longer be changed"):
        services.meeting_update(actor=coordinator, meeting=upcoming_meeting, data={"venue": "X"})
    with pytest.raises(ValidationError, match="over; it cannot be cancelled"):
        services.meeting_cancel(actor=coordinator, meeting=held_meeting, reason="Too late")


def test_only_the_organisers_change_or_cancel_a_meeting(upcoming_meeting, demo_user):
    for who in ("botosani-editor", "botosani-coordinator", "lead-expert", "citizen"):
        with pytest.raises(PermissionDenied):
            services.meeting_update(
                actor=demo_user(who), meeting=upcoming_meeting, data={"venue": "Elsewhere"}
            )
        with pytest.raises(PermissionDenied):
            services.meeting_cancel(actor=demo_user(who), meeting=upcoming_meeting, reason="No")
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.venue == "Botoșani City Hall"
    assert upcoming_meeting.status == MeetingStatus.SCHEDULED


def test_who_may_create_which_kind_of_meeting(create_meeting, demo, botosani, messina, demo_user):
    before = Meeting.objects.count()
    for who in ("botosani-editor", "local-group", "citizen"):
        with pytest.raises(PermissionDenied):
            create_meeting(who=who)
    # An expert records visits, but does not organise the network's meetings.
    with pytest.raises(ValidationError) as excinfo:
        create_meeting(who="lead-expert")
    assert "kind" in excinfo.value.message_dict
    # A city editor runs its own city's local group, not another's.
    with pytest.raises(ValidationError) as refused:  # a field error the editor can act on
        create_meeting(who="botosani-editor", kind=MeetingKind.LOCAL_GROUP, host=messina)
    assert "host" in refused.value.message_dict
    assert Meeting.objects.count() == before

    visit = create_meeting(who="lead-expert", kind=MeetingKind.EXPERT_VISIT)
    local = create_meeting(who="botosani-editor", kind=MeetingKind.LOCAL_GROUP, host=botosani)
    assert {visit.kind, local.kind} == {MeetingKind.EXPERT_VISIT, MeetingKind.LOCAL_GROUP}


def test_a_city_cannot_hand_its_local_group_meeting_to_another_city(
    local_group_meeting, messina, demo_user
):
    # Botoșani's editor may not create a local group meeting for Messina: moving its own
    # there must be refused as well, or Messina's editors would own a meeting they never made.
    with pytest.raises((PermissionDenied, ValidationError)):
        services.meeting_update(
            actor=demo_user("botosani-editor"),
            meeting=local_group_meeting,
            data={"host": messina},
        )
    local_group_meeting.refresh_from_db()
    assert local_group_meeting.host.slug == "botosani"


def test_moving_a_meeting_to_another_host_city_tells_the_people_invited(
    create_meeting, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = create_meeting(venue="", address="")  # the venue is still to be confirmed
    invite(meeting, "botosani-coordinator", demo_user=demo_user)
    trikala = Organisation.objects.get(slug="trikala")
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.meeting_update(
            actor=demo_user("coordinator"), meeting=meeting, data={"host": trikala}
        )
    assert changed == ["host"]
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    [message] = mailoutbox
    assert message.to == ["botosani-coordinator@demo.di4c.eu"]
    event = the_event(the_calendar(message, "invite.ics"))
    assert "Trikala" in str(event["DESCRIPTION"])


# --- the host and the dates ---------------------------------------------------------------


def test_a_host_that_left_the_network_is_refused_naming_it_and_its_dates(create_meeting, demo):
    limerick = Organisation.objects.get(slug="limerick")
    start = dt.datetime(2020, 5, 12, 9, tzinfo=DUBLIN)
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        create_meeting(host=limerick, starts_at=start, ends_at=start + dt.timedelta(hours=8))
    [message] = excinfo.value.message_dict["host"]
    assert "Limerick City and County Council" in message
    assert "is not a partner of DI4C on the meeting's dates" in message
    # The dates in the reader's format, not ISO.
    assert message.endswith("(partner from 25 June 2019 to 1 September 2019).")
    assert "2019-09-01" not in message
    assert Meeting.objects.count() == before


def test_a_host_is_a_partner_only_from_the_day_it_joined(create_meeting):
    trikala = Organisation.objects.get(slug="trikala")  # joined on 2019-09-02
    day_before = dt.datetime(2019, 9, 1, 10, tzinfo=ATHENS)
    with pytest.raises(ValidationError) as excinfo:
        create_meeting(
            kind=MeetingKind.EXPERT_VISIT,
            host=trikala,
            starts_at=day_before,
            ends_at=day_before + dt.timedelta(hours=6),
        )
    [message] = excinfo.value.message_dict["host"]
    assert message == (
        "Municipality of Trikala is not a partner of DI4C on the meeting's dates "
        "(partner from 2 September 2019 to …)."
    )

    after = dt.datetime(2019, 9, 3, 10, tzinfo=ATHENS)
    meeting = create_meeting(
        kind=MeetingKind.EXPERT_VISIT,
        host=trikala,
        starts_at=after,
        ends_at=after + dt.timedelta(hours=6),
    )
    assert meeting.host == trikala
    assert meeting.time_zone == "Europe/Athens"


def test_moving_a_meeting_to_a_host_that_has_left_is_refused(upcoming_meeting, demo_user):
    limerick = Organisation.objects.get(slug="limerick")
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_update(
            actor=demo_user("coordinator"), meeting=upcoming_meeting, data={"host": limerick}
        )
    assert "Limerick City and County Council" in excinfo.value.message_dict["host"][0]
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.host.slug == "botosani"
    assert upcoming_meeting.sequence == 0


def test_a_meeting_cannot_end_before_it_starts(create_meeting, upcoming_meeting, demo_user):
    before = Meeting.objects.count()
    start = days_ahead(40)
    with pytest.raises(ValidationError) as excinfo:
        create_meeting(starts_at=start, ends_at=start - dt.timedelta(hours=1))
    assert excinfo.value.message_dict["ends_at"] == ["The meeting cannot end before it starts."]
    assert Meeting.objects.count() == before

    with pytest.raises(ValidationError) as excinfo:
        services.meeting_update(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            data={"ends_at": upcoming_meeting.starts_at - dt.timedelta(minutes=1)},
        )
    assert "ends_at" in excinfo.value.message_dict
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.ends_at > upcoming_meeting.starts_at


# --- invitations --------------------------------------------------------------------------


def test_invitations_are_mailed_with_the_calendar_entry(
    upcoming_meeting, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = invite(
            upcoming_meeting, "botosani-coordinator", "lead-expert", demo_user=demo_user, send=True
        )

    assert {p.user.email for p in created} == {
        "botosani-coordinator@demo.di4c.eu",
        "lead-expert@demo.di4c.eu",
    }
    by_email = {p.user.email: p for p in created}
    assert by_email["botosani-coordinator@demo.di4c.eu"].organisation.slug == "botosani"
    assert by_email["lead-expert@demo.di4c.eu"].organisation is None  # network staff
    assert all(p.response == Response.INVITED for p in created)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(by_email)
    for message in mailoutbox:
        event = the_event(the_calendar(message, "invite.ics"))
        assert str(event["UID"]) == f"{upcoming_meeting.uid}@di4c"


def test_someone_outside_the_network_cannot_be_invited(upcoming_meeting, demo_user):
    with pytest.raises(ValidationError) as excinfo:
        invite(upcoming_meeting, "lead-expert", "citizen", demo_user=demo_user)
    [message] = excinfo.value.message_dict["users"]
    # Counted, not named: the organiser need not learn who is outside the network.
    assert message.startswith("1 person chosen cannot be invited: only people")
    assert "Ioana Vasile" not in message
    # Nobody of the refused list is invited, not even the one who could be.
    assert not upcoming_meeting.participants.exists()


def test_inviting_someone_twice_invites_them_once(
    upcoming_meeting, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    ian = demo_user("lead-expert")
    coordinator = demo_user("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.participants_invite(
            actor=coordinator, meeting=upcoming_meeting, users=[ian, ian]
        )
    answer(upcoming_meeting, "lead-expert", Response.ACCEPTED, demo_user)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.participants_invite(
            actor=coordinator, meeting=upcoming_meeting, users=[ian]
        )

    assert len(first) == 1 and again == []
    [participant] = upcoming_meeting.participants.all()
    assert participant.response == Response.ACCEPTED  # left as it was
    assert len(mailoutbox) == 1


def test_a_local_group_meeting_invites_the_citys_people_and_the_network_staff(
    local_group_meeting, demo_user
):
    invitable = {person.email for person in selectors.invitable_people(local_group_meeting)}
    assert invitable == {
        "botosani-coordinator@demo.di4c.eu",
        "botosani-editor@demo.di4c.eu",
        "local-group@demo.di4c.eu",
        "coordinator@demo.di4c.eu",
        "lead-expert@demo.di4c.eu",
        "adhoc-expert@demo.di4c.eu",
    }
    created = invite(
        local_group_meeting,
        "local-group",
        "botosani-coordinator",
        "lead-expert",
        demo_user=demo_user,
        actor="botosani-editor",
    )
    assert len(created) == 3
    with pytest.raises(ValidationError) as excinfo:
        invite(local_group_meeting, "messina-editor", demo_user=demo_user, actor="botosani-editor")
    [message] = excinfo.value.message_dict["users"]
    assert message.startswith("1 person chosen cannot be invited")
    assert "Marco Russo" not in message
    assert local_group_meeting.participants.count() == 3


def test_only_the_organisers_invite(upcoming_meeting, local_group_meeting, demo_user):
    for who in ("botosani-editor", "messina-editor", "lead-expert", "citizen"):
        with pytest.raises(PermissionDenied):
            invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user, actor=who)
    with pytest.raises(PermissionDenied):
        invite(local_group_meeting, "local-group", demo_user=demo_user, actor="messina-editor")
    assert not Participant.objects.exists()


# --- answers and attendance ---------------------------------------------------------------


def test_the_invitee_answers_and_may_change_their_mind(upcoming_meeting, demo_user):
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    accepted = answer(upcoming_meeting, "botosani-coordinator", Response.ACCEPTED, demo_user)
    assert accepted.response == Response.ACCEPTED
    assert accepted.responded_at is not None
    answer(upcoming_meeting, "botosani-coordinator", Response.DECLINED, demo_user)
    participant = Participant.objects.get(meeting=upcoming_meeting)
    assert participant.response == Response.DECLINED


def test_only_the_invitee_answers(upcoming_meeting, demo_user):
    [participant] = invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    for who in ("coordinator", "botosani-editor", "admin"):
        with pytest.raises(PermissionDenied):
            services.participant_respond(
                actor=demo_user(who), participant=participant, response=Response.ACCEPTED
            )
    with pytest.raises(ValidationError):
        services.participant_respond(
            actor=demo_user("botosani-coordinator"), participant=participant, response="maybe"
        )
    participant.refresh_from_db()
    assert participant.response == Response.INVITED


def test_no_answer_once_the_meeting_is_over_or_cancelled(held_meeting, upcoming_meeting, demo_user):
    invite(held_meeting, "botosani-coordinator", demo_user=demo_user)
    with pytest.raises(ValidationError, match="This meeting is over"):
        answer(held_meeting, "botosani-coordinator", Response.ACCEPTED, demo_user)

    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    services.meeting_cancel(
        actor=demo_user("coordinator"), meeting=upcoming_meeting, reason="Flooding"
    )
    with pytest.raises(ValidationError, match="cancelled"):
        answer(upcoming_meeting, "botosani-coordinator", Response.ACCEPTED, demo_user)
    assert set(Participant.objects.values_list("response", flat=True)) == {Response.INVITED}


def test_attendance_of_someone_not_invited_is_refused_without_naming_them(held_meeting, demo_user):
    invite(held_meeting, "botosani-coordinator", demo_user=demo_user)
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(
            actor=demo_user("coordinator"),
            meeting=held_meeting,
            user=demo_user("lead-expert"),
            attended=True,
        )
    [message] = excinfo.value.message_dict["user"]
    assert message == (
        "This person was not invited to this meeting: invite them first, then record their "
        "attendance."
    )
    assert "Ian Graham" not in message
    assert not held_meeting.participants.filter(user=demo_user("lead-expert")).exists()


def test_attendance_is_recorded_once_the_meeting_has_started(
    held_meeting, upcoming_meeting, demo_user
):
    coordinator = demo_user("coordinator")
    elena = demo_user("botosani-coordinator")
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_record(
            actor=coordinator, meeting=upcoming_meeting, user=elena, attended=True
        )
    assert "attended" in excinfo.value.message_dict
    assert Participant.objects.get(meeting=upcoming_meeting).attended is None

    invite(held_meeting, "botosani-coordinator", "lead-expert", demo_user=demo_user)
    services.attendance_record(actor=coordinator, meeting=held_meeting, user=elena, attended=True)
    services.attendance_record(
        actor=coordinator, meeting=held_meeting, user=demo_user("lead-expert"), attended=False
    )
    statuses = {p.user.email: p.status for p in held_meeting.participants.select_related("user")}
    assert statuses == {
        "botosani-coordinator@demo.di4c.eu": "attended",
        "lead-expert@demo.di4c.eu": "absent",
    }


def test_attendance_is_recorded_by_the_organisers_only(held_meeting, demo_user):
    invite(held_meeting, "botosani-coordinator", demo_user=demo_user)
    for who in ("botosani-coordinator", "botosani-editor", "lead-expert"):
        with pytest.raises(PermissionDenied):
            services.attendance_record(
                actor=demo_user(who),
                meeting=held_meeting,
                user=demo_user("botosani-coordinator"),
                attended=True,
            )
    assert Participant.objects.get(meeting=held_meeting).attended is None


# --- follow-up tasks ----------------------------------------------------------------------


def test_a_task_goes_to_a_person_of_the_network(upcoming_meeting, demo_user):
    coordinator = demo_user("coordinator")
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(
            actor=coordinator,
            meeting=upcoming_meeting,
            title="Send the survey",
            assignee=demo_user("citizen"),
        )
    [message] = excinfo.value.message_dict["assignee"]
    assert message == (
        "The person chosen is neither invited to this meeting nor a member of one of its partners."
    )
    assert "Ioana Vasile" not in message
    assert not FollowUpTask.objects.exists()

    decision = services.decision_add(
        actor=coordinator, meeting=upcoming_meeting, text="Each city surveys its services."
    )
    task = services.task_create(
        actor=coordinator,
        meeting=upcoming_meeting,
        title="Send the survey",
        assignee=demo_user("botosani-editor"),
        due_on=dt.date(2031, 1, 31),
        decision=decision,
    )
    assert task.status == TaskStatus.OPEN
    assert task.created_by == coordinator
    assert list(selectors.open_tasks_of(demo_user("botosani-editor"))) == [task]


def test_tasks_are_given_by_the_organisers_only(upcoming_meeting, demo_user):
    for who in ("botosani-editor", "lead-expert", "citizen"):
        with pytest.raises(PermissionDenied):
            services.task_create(
                actor=demo_user(who),
                meeting=upcoming_meeting,
                title="Do it",
                assignee=demo_user("botosani-editor"),
            )
    assert not FollowUpTask.objects.exists()


def test_the_assignee_moves_the_task_along_and_strangers_cannot(upcoming_meeting, demo_user):
    editor = demo_user("botosani-editor")
    task = services.task_create(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        title="Map the services",
        assignee=editor,
    )
    for who in ("messina-editor", "botosani-coordinator", "citizen"):
        with pytest.raises(PermissionDenied):
            services.task_set_status(actor=demo_user(who), task=task, status=TaskStatus.DONE)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.done_at is None

    services.task_set_status(actor=editor, task=task, status=TaskStatus.IN_PROGRESS)
    assert list(selectors.open_tasks_of(editor)) == [task]
    done = services.task_set_status(actor=editor, task=task, status=TaskStatus.DONE)
    assert done.done_at is not None
    assert abs(done.done_at - timezone.now()) < dt.timedelta(minutes=1)
    assert list(selectors.open_tasks_of(editor)) == []

    # The organiser may reopen it; it is open again, with no completion date.
    reopened = services.task_set_status(
        actor=demo_user("coordinator"), task=task, status=TaskStatus.OPEN
    )
    assert reopened.done_at is None
    assert list(selectors.open_tasks_of(editor)) == [task]
    with pytest.raises(ValidationError):
        services.task_set_status(actor=editor, task=task, status="finished")


# --- the agenda ---------------------------------------------------------------------------


def test_an_agenda_item_falls_within_the_meeting(upcoming_meeting, demo_user):
    coordinator = demo_user("coordinator")
    outside = upcoming_meeting.ends_at + dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as excinfo:
        services.agenda_item_add(
            actor=coordinator,
            meeting=upcoming_meeting,
            data={"title": "Dinner", "starts_at": outside},
        )
    assert excinfo.value.message_dict["starts_at"] == [
        "The item's time must fall within the meeting's start and end."
    ]
    assert not AgendaItem.objects.exists()

    item = services.agenda_item_add(
        actor=coordinator,
        meeting=upcoming_meeting,
        data={"title": "Welcome", "starts_at": upcoming_meeting.starts_at + dt.timedelta(hours=1)},
    )
    with pytest.raises(ValidationError) as excinfo:
        services.agenda_item_update(
            actor=coordinator,
            item=item,
            data={"starts_at": upcoming_meeting.starts_at - dt.timedelta(days=1)},
        )
    assert "starts_at" in excinfo.value.message_dict
    item.refresh_from_db()
    assert item.local_starts_at.hour == 10


def test_presenting_partners_must_be_partners_on_the_meetings_dates(
    upcoming_meeting, botosani, demo_user
):
    limerick = Organisation.objects.get(slug="limerick")
    with pytest.raises(ValidationError) as excinfo:
        services.agenda_item_add(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            data={"title": "Limerick's digital strategy"},
            speaker_organisations=[limerick],
        )
    [message] = excinfo.value.message_dict["speaker_organisations"]
    assert message.startswith("Limerick City and County Council is not a partner")
    assert not AgendaItem.objects.exists()

    item = services.agenda_item_add(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        data={"title": "Botoșani's e-services"},
        speaker_organisations=[botosani],
    )
    assert list(item.speaker_organisations.all()) == [botosani]


def test_the_agenda_is_written_by_the_organisers_only(upcoming_meeting, demo_user):
    for who in ("botosani-editor", "messina-editor", "lead-expert"):
        with pytest.raises(PermissionDenied):
            services.agenda_item_add(
                actor=demo_user(who), meeting=upcoming_meeting, data={"title": "Mine"}
            )
    assert not AgendaItem.objects.exists()


# --- working documents and photos ---------------------------------------------------------


def test_each_version_of_a_document_is_kept_with_who_uploaded_it(
    upcoming_meeting, demo_user, media_root
):
    coordinator = demo_user("coordinator")
    elena = demo_user("botosani-coordinator")
    invite(upcoming_meeting, "botosani-coordinator", demo_user=demo_user)
    first, second = pdf_bytes("first draft"), pdf_bytes("second draft, with comments")
    assert first != second

    v1 = services.document_add(
        actor=coordinator,
        meeting=upcoming_meeting,
        title="Baseline study",
        upload=upload("baseline.pdf", first, "application/pdf"),
    )
    v2 = services.document_version_add(
        actor=elena,
        document=v1.document,
        upload=upload("baseline-elena.pdf", second, "application/pdf"),
        note="Botoșani's comments",
    )

    [document] = WorkingDocument.objects.all()
    assert document.title == "Baseline study"
    versions = list(document.versions.order_by("number"))
    assert [v.pk for v in versions] == [v1.pk, v2.pk]
    assert [(v.number, v.uploaded_by, v.name) for v in versions] == [
        (1, coordinator, "baseline.pdf"),
        (2, elena, "baseline-elena.pdf"),
    ]
    assert versions[1].note == "Botoșani's comments"
    assert all(v.uploaded_at is not None and v.content_type == "application/pdf" for v in versions)
    assert versions[0].file.name != versions[1].file.name
    for version, content in zip(versions, (first, second), strict=True):
        with version.file.open("rb") as stored:
            assert stored.read() == content
        assert version.size == len(content)


def test_a_document_is_judged_by_its_content(upcoming_meeting, demo_user, media_root):
    with pytest.raises(ValidationError) as excinfo:
        services.document_add(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            title="Agenda",
            upload=upload("agenda.pdf", ELF, "application/pdf"),
        )
    [message] = excinfo.value.message_dict["file"]
    assert message.startswith("This file is not a document type di4c accepts")
    assert not WorkingDocument.objects.exists()
    assert not DocumentVersion.objects.exists()


def test_documents_come_from_the_people_taking_part(upcoming_meeting, demo_user, media_root):
    invite(upcoming_meeting, "messina-editor", "lead-expert", demo_user=demo_user)
    answer(upcoming_meeting, "lead-expert", Response.DECLINED, demo_user)
    for who in ("citizen", "lead-expert", "local-group", "adhoc-expert"):
        with pytest.raises(PermissionDenied):
            services.document_add(
                actor=demo_user(who),
                meeting=upcoming_meeting,
                title="Mine",
                upload=upload("mine.pdf", pdf_bytes(), "application/pdf"),
            )
    assert not WorkingDocument.objects.exists()
    # The invited Messina editor and the host city's editor may.
    for who in ("messina-editor", "botosani-editor"):
        services.document_add(
            actor=demo_user(who),
            meeting=upcoming_meeting,
            title=f"From {who}",
            upload=upload("notes.txt", b"Notes\n", "text/plain"),
        )
    assert WorkingDocument.objects.count() == 2


def test_a_photo_needs_a_description(upcoming_meeting, demo_user, media_root):
    with pytest.raises(ValidationError) as excinfo:
        services.photo_add(
            actor=demo_user("coordinator"),
            meeting=upcoming_meeting,
            upload=upload("table.jpg", plain_jpeg(), "image/jpeg"),
            alt_text="   ",
        )
    assert excinfo.value.message_dict["alt_text"] == [
        "Describe the photo for people who cannot see it."
    ]
    assert not Photo.objects.exists()


def test_a_photo_loses_its_location(upcoming_meeting, demo_user, media_root):
    content = jpeg_with_gps()
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(GPS_IFD)[1] == "N"

    photo = services.photo_add(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        upload=upload("IMG_0042.jpg", content, "image/jpeg"),
        alt_text="Partners around a table in Botoșani City Hall",
        caption="Day 1",
    )

    photo.refresh_from_db()
    assert photo.uploaded_by == demo_user("coordinator")
    assert (photo.width, photo.height) == (320, 240)
    for stored in (photo.image, photo.thumbnail):
        with stored.open("rb") as handle:
            raw = handle.read()
        image = Image.open(io.BytesIO(raw))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert b"Canon" not in raw


def test_photos_come_from_the_people_taking_part(upcoming_meeting, demo_user, media_root):
    for who in ("citizen", "messina-editor"):
        with pytest.raises(PermissionDenied):
            services.photo_add(
                actor=demo_user(who),
                meeting=upcoming_meeting,
                upload=upload("p.jpg", plain_jpeg(), "image/jpeg"),
                alt_text="A photo",
            )
    assert not Photo.objects.exists()


# --- a theme from the network's weak spots ------------------------------------------------


def test_a_theme_from_a_weak_spot_puts_the_strongest_partners_on_the_agenda(
    upcoming_meeting, demo, demo_user
):
    framework = framework_for_network(demo)
    assert isinstance(framework, Framework)
    bench = network_benchmark(demo, framework)
    spots = weak_spots(demo, bench)
    assert spots, "the demo has validated assessments"
    weakest = spots[0]["stats"]
    scores = dict(weakest.scores)
    assert len(scores) >= 4

    items = services.meeting_theme_from_weak_spot(
        actor=demo_user("coordinator"),
        meeting=upcoming_meeting,
        dimension_code=weakest.dimension.code,
    )

    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.theme == str(weakest.dimension.display_name)
    assert upcoming_meeting.theme_dimension_code == weakest.dimension.code
    assert upcoming_meeting.theme_dimension_code in {s["stats"].dimension.code for s in spots}
    assert len(items) == 3
    presenters = [org for item in items for org in item.speaker_organisations.all()]
    assert len(presenters) == 3
    others = [score for org_id, score in scores.items() if org_id not in {o.pk for o in presenters}]
    for item, organisation in zip(items, presenters, strict=True):
        assert str(organisation.display_name) in item.title
        assert item.speakers == str(organisation.display_name)
        # Each presenter scores at least as well as every partner left out.
        assert scores[organisation.pk] >= max(others)
    ranked = [scores[o.pk] for o in presenters]
    assert ranked == sorted(ranked, reverse=True)


def test_a_theme_needs_an_assessed_dimension_and_an_organiser(
    upcoming_meeting, local_group_meeting, demo, demo_user
):
    coordinator = demo_user("coordinator")
    code = weak_spots(demo, network_benchmark(demo, framework_for_network(demo)))[0][
        "stats"
    ].dimension.code
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_theme_from_weak_spot(
            actor=coordinator, meeting=upcoming_meeting, dimension_code="NOPE"
        )
    assert "dimension_code" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_theme_from_weak_spot(
            actor=coordinator, meeting=local_group_meeting, dimension_code=code
        )
    assert "kind" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        services.meeting_theme_from_weak_spot(
            actor=demo_user("botosani-editor"), meeting=upcoming_meeting, dimension_code=code
        )
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.theme == ""
    assert not AgendaItem.objects.exists()
