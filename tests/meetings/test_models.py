"""Rules of the model: the frozen expected list, one attendance per invitation, walk-ins, series, trainings."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory.models import Organisation
from meetings import queries, services
from meetings.models import Action, Attendance, Body, BodyMember, HalfDaySignature, Invitation, Meeting
from meetings.services import MeetingRuleError

PARIS = ZoneInfo("Europe/Paris")


def test_freezing_copies_members_and_youth_seats_once(body, make_meeting):
    meeting = make_meeting(body, convene=False)
    assert meeting.status == Meeting.Status.PLANNED
    invitations = services.freeze_invitations(meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED and meeting.convened_at is not None
    assert len(invitations) == 4
    youth = [inv for inv in invitations if inv.is_youth_seat]
    assert len(youth) == 1 and youth[0].organisation_id is None
    names = {inv.person_name for inv in invitations if not inv.is_youth_seat}
    assert names == {"Personne 001", "Personne 002", "Personne 003"}
    assert all(inv.person_key.startswith("contact:") for inv in invitations if not inv.is_youth_seat)


def test_later_membership_changes_never_rewrite_a_frozen_list(body, meeting):
    before = list(meeting.invitations.values_list("person_key", "seat", "voting"))
    member = body.members.first()
    member.seat = "suppleant"
    member.voting = False
    member.save()
    BodyMember.objects.create(body=body, organisation=Organisation.objects.create(name="Nouveau", slug="nouveau"))
    body.members.filter(pk=body.members.last().pk).update(is_active=False)
    services.freeze_invitations(meeting)  # a second convocation
    assert list(meeting.invitations.values_list("person_key", "seat", "voting")) == before


def test_one_attendance_per_invitation_even_on_double_tap(meeting):
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    services.record_attendance(inv, "present")
    services.record_attendance(inv, "present")
    services.record_attendance(inv, "excused")
    assert Attendance.objects.filter(invitation=inv).count() == 1
    assert Attendance.objects.get(invitation=inv).status == "excused"
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting, invitation=inv, status="present", person_key=inv.person_key)


def test_arrival_time_kept_across_present_statuses_and_cleared_when_absent(meeting):
    inv = meeting.invitations.first()
    first = services.record_attendance(inv, "present").arrived_at
    assert first is not None
    assert services.record_attendance(inv, "remote").arrived_at == first
    assert services.record_attendance(inv, "absent").arrived_at is None


def test_represented_keeps_who_represents(meeting):
    inv = meeting.invitations.first()
    other = meeting.invitations.exclude(pk=inv.pk).exclude(organisation=None).first().organisation
    att = services.record_attendance(inv, "represented", represented_by="  Camille   Martin ",
                                     represented_by_organisation=other)
    assert att.represented_by == "Camille Martin" and att.represented_by_organisation == other
    assert services.record_attendance(inv, "present").represented_by == ""


def test_unknown_status_is_refused_and_changes_nothing(meeting):
    inv = meeting.invitations.first()
    with pytest.raises(MeetingRuleError):
        services.record_attendance(inv, "asleep")
    assert not Attendance.objects.exists()


def test_no_attendance_before_convocation_or_on_cancelled_session(body, make_meeting):
    planned = make_meeting(body, convene=False)
    with pytest.raises(MeetingRuleError):
        services.add_walk_in(planned, "Camille D.")
    convened = make_meeting(body, days=1)
    services.cancel_meeting(convened)
    with pytest.raises(MeetingRuleError):
        services.record_attendance(convened.invitations.first(), "present")
    assert not Attendance.objects.exists()


def test_walk_ins_are_not_expected_and_not_duplicated(meeting):
    a, created = services.add_walk_in(meeting, "Invité  Surprise")
    b, created_again = services.add_walk_in(meeting, "invité surprise")
    assert created and not created_again and a.pk == b.pk
    counts = queries.sheet_counts(meeting)
    assert counts.expected == 4 and counts.walk_ins == 1 and counts.present == 1
    with pytest.raises(MeetingRuleError):
        services.add_walk_in(meeting, "   ")


def test_counts_and_quorum(body, make_meeting):
    body.quorum = 2
    body.save()
    meeting = make_meeting(body)
    invs = list(meeting.invitations.order_by("position"))
    services.record_attendance(invs[0], "present")
    counts = queries.sheet_counts(meeting)
    assert (counts.present, counts.voting_present, counts.quorum_reached) == (1, 1, False)
    services.record_attendance(invs[1], "remote")
    services.record_attendance(invs[3], "present")  # the youth seat
    counts = queries.sheet_counts(meeting)
    assert counts.quorum_reached is True and counts.youth_present == 1 and counts.present == 3


def test_closing_marks_the_unrecorded_absent_and_the_session_held(meeting):
    inv = meeting.invitations.first()
    services.record_attendance(inv, "present")
    services.close_sheet(meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.closed_at
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("invitation_id", "status"))
    assert len(statuses) == meeting.invitations.count()
    assert statuses[inv.pk] == "present" and list(statuses.values()).count("absent") == 3


def test_youth_seat_takes_only_a_short_label(meeting):
    seat = meeting.invitations.get(is_youth_seat=True)
    services.name_youth_seat(seat, "  Lina   B. ")
    seat.refresh_from_db()
    assert seat.person_name == "Lina B."
    with pytest.raises(MeetingRuleError):
        services.name_youth_seat(meeting.invitations.filter(is_youth_seat=False).first(), "X")


def test_series_generated_up_to_horizon_once_and_moved_sessions_kept(body):
    body.recurrence = "FREQ=WEEKLY;INTERVAL=6"
    body.series_start = datetime(2026, 1, 8, 14, 0, tzinfo=PARIS)
    body.save()
    created = services.generate_sessions(body, datetime(2026, 6, 30, tzinfo=PARIS))
    assert [timezone.localtime(m.starts_at).strftime("%d/%m %H:%M") for m in created] == [
        "08/01 14:00", "19/02 14:00", "02/04 14:00", "14/05 14:00", "25/06 14:00"]  # local time across DST
    moved = created[1]
    moved.starts_at += timedelta(days=1)
    moved.ends_at += timedelta(days=1)
    moved.save()
    assert services.generate_sessions(body, datetime(2026, 6, 30, tzinfo=PARIS)) == []
    assert body.meetings.count() == 5


def test_invalid_rule_is_a_clear_error(body):
    body.recurrence = "FREQ=SOMETIMES"
    body.series_start = timezone.now()
    with pytest.raises(MeetingRuleError, match="invalide"):
        services.generate_sessions(body, timezone.now() + timedelta(days=30))


def test_calendar_changes_bump_the_sequence(meeting):
    seq = meeting.sequence
    meeting.place = "Autre salle"
    meeting.save()
    assert meeting.sequence == seq + 1
    meeting.save()
    assert Meeting.objects.get(pk=meeting.pk).sequence == seq + 1


def test_open_actions_roll_over_to_next_session(body, make_meeting):
    first = make_meeting(body, days=-30)
    org = Organisation.objects.first()
    Action.objects.create(body=body, meeting=first, title="Relancer la CAF", owner_organisation=org)
    Action.objects.create(body=body, meeting=first, title="Clos", status=Action.Status.DONE)
    second = make_meeting(body, days=10)  # convened: rollover happens at freezing
    titles = list(second.agenda_items.values_list("title", flat=True))
    assert titles == [f"Suivi de l'action : Relancer la CAF ({org.name})"]
    services.roll_over_open_actions(second)
    assert second.agenda_items.count() == 1


def test_training_counts_only_people_with_every_half_day(make_body, make_meeting):
    body = make_body("Formation référent de parcours", kind=Body.Kind.FORMATION, youth_seats=0)
    start = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
    meeting = Meeting.objects.create(body=body, starts_at=start, ends_at=start + timedelta(days=1, hours=8),
                                     trainer_name="Formatrice Exemple")
    services.freeze_invitations(meeting)
    half_days = services.ensure_half_days(meeting)
    assert [(h.date.day, h.period) for h in half_days] == [(23, "am"), (23, "pm"), (24, "am"), (24, "pm")]
    a, b = meeting.invitations.order_by("position")[:2]
    for hd in half_days:
        services.sign_half_day(hd, a)
        services.sign_half_day(hd, a)
    for hd in half_days[:3]:
        services.sign_half_day(hd, b)
    assert HalfDaySignature.objects.filter(person_key=a.person_key).count() == 4
    assert queries.trained_person_keys(meeting) == {a.person_key}


def test_minutes_are_versioned(meeting):
    services.save_minutes(meeting, "<p>Première</p>")
    services.save_minutes(meeting, "<p>Corrigée</p>")
    versions = list(meeting.minutes_versions.values_list("version", "text"))
    assert versions == [(2, "<p>Corrigée</p>"), (1, "<p>Première</p>")]


def test_reply_kept_apart_from_attendance(meeting):
    inv = meeting.invitations.first()
    services.record_reply(inv, Invitation.Reply.NO)
    services.record_attendance(inv, "present")
    inv.refresh_from_db()
    assert inv.reply == "no" and inv.attendance.status == "present"
