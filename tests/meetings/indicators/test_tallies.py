"""The dashboard sums counts kept per session (meetings.indicators.tallies): a write to a session's invitations
or attendance, by any path, is in the next figure; a count taken before a concurrent write is taken again."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings import services
from meetings.indicators.matrix import build_matrix
from meetings.indicators.models import SessionTally
from meetings.models import Attendance, Meeting
from tests.builders import make_org


def figure(indicator, year=2026):
    return build_matrix(year=year, indicators=[indicator]).rows[0].result


def test_a_correction_after_the_figure_was_read_is_in_the_next_figure(world):
    assert (figure(world.ind.partner).numerator, figure(world.ind.partner).denominator) == (6, 9)
    assert SessionTally.objects.filter(meeting=world.m1).exists()
    gamma = world.m1.invitations.get(organisation=world.G)
    services.record_attendance(gamma, Attendance.Status.PRESENT)  # Gamma came after all (was excused)
    result = figure(world.ind.partner)
    assert (result.numerator, result.denominator, result.value) == (7, 9, Decimal("77.8"))
    # The suivi count follows a deleted walk-in as well (ORM delete, no service call).
    assert figure(world.ind.suivi).value == 4
    world.m2.attendances.filter(invitation__organisation=world.B).delete()
    assert figure(world.ind.suivi).value == 3


def test_a_count_older_than_its_session_is_taken_again(world):
    figure(world.ind.youth)
    tally = SessionTally.objects.get(meeting=world.m1)
    # A concurrent reader stored a count taken before the last write: its version is behind the session's.
    SessionTally.objects.filter(pk=tally.pk).update(youth_present=0, version=tally.version - 1)
    assert figure(world.ind.youth).numerator == 2
    assert SessionTally.objects.get(meeting=world.m1).version == Meeting.objects.get(pk=world.m1.pk).figures_version


def test_a_kept_count_at_the_current_version_is_read_not_recounted(world):
    figure(world.ind.partner)
    with CaptureQueriesContext(connection) as captured:
        figure(world.ind.partner)
    assert [q["sql"] for q in captured.captured_queries
            if "indicators_sessiontally" in q["sql"] and q["sql"].lstrip().upper().startswith("INSERT")] == []


def test_deleting_a_walk_ins_organisation_takes_it_out_of_the_presences(world):
    epsilon = make_org("Association Epsilon", slug="epsilon")
    Attendance.objects.create(meeting=world.m2, organisation=epsilon, status=Attendance.Status.PRESENT,
                              person_key="walk-in:epsilon", person_name="Personne de passage")
    assert figure(world.ind.suivi).value == 5  # Epsilon walked in at M2
    epsilon.delete()  # the walk-in stays, without an organisation (SET_NULL, no save signal): a person
    assert figure(world.ind.suivi).value == 4
