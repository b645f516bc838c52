"""What a reader is told about opening: appointment-only, closures, off rules, unreadable hours, DST."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from directory import opening
from directory.opening import Closure, describe, status, status_line

WEEKDAYS = "Mo-Fr 09:00-12:00,13:30-17:00; PH off"
MONDAY_10 = datetime(2026, 12, 21, 10, 0)  # Monday; Friday 25 December is a public holiday
CHRISTMAS = Closure(date(2026, 12, 24), date(2027, 1, 2), "congés annuels")


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def line(value, now, **kwargs):
    return status_line(value, now, **kwargs).replace("\xa0", " ")


def test_appointment_only_with_hours_never_says_open():
    value = 'Mo-Fr 09:00-17:00 "sur rendez-vous"'
    assert line(value, MONDAY_10) == "Sur rendez-vous, aujourd'hui jusqu'à 17 h"
    assert line(value, datetime(2026, 12, 21, 18, 0)) == "Sur rendez-vous, prochain accueil demain à 9 h"
    assert status(value, MONDAY_10).kind == opening.APPOINTMENT and not status(value, MONDAY_10).is_open
    hours = describe(value, MONDAY_10)
    assert hours.appointment_only and hours.week[0].text.replace("\xa0", " ") == "9 h – 17 h"


@pytest.mark.parametrize("value", ['"sur rendez-vous"', '"Sur rendez-vous uniquement"', '"RDV au 01 99 00 00 00"'])
def test_appointment_only_without_hours(value):
    result = status(value, MONDAY_10)
    assert result.text == "Sur rendez-vous" and result.kind == opening.APPOINTMENT
    hours = describe(value, MONDAY_10)
    assert hours.week == [] and "Ouvert" not in hours.status_text


def test_unknown_rule_on_appointment_is_appointment():
    value = 'Mo-Fr 09:00-12:00 unknown "sur rendez-vous"'
    assert line(value, MONDAY_10) == "Sur rendez-vous, aujourd'hui jusqu'à 12 h"
    assert describe(value, MONDAY_10).week[0].text.replace("\xa0", " ") == "9 h – 12 h"


def test_mixed_schedule_says_which_part_is_on_appointment():
    value = 'Mo-Fr 09:00-12:00, Mo-Fr 14:00-17:00 "sur rendez-vous"'
    assert line(value, MONDAY_10) == "Ouvert maintenant, jusqu'à 12 h"
    assert line(value, datetime(2026, 12, 21, 12, 30)) == "Fermé, sur rendez-vous à 14 h"
    assert line(value, datetime(2026, 12, 21, 15, 0)) == "Sur rendez-vous en ce moment, jusqu'à 17 h"
    week = describe(value, MONDAY_10).week
    assert week[0].text.replace("\xa0", " ") == "9 h – 12 h et 14 h – 17 h sur rendez-vous"


def test_public_holiday_off_is_skipped():
    # Thursday 24 December evening: Friday is Christmas (PH off), so the next opening is Monday
    assert line(WEEKDAYS, datetime(2026, 12, 24, 18, 0)) == "Fermé, ouvre lundi à 9 h"
    week = describe(WEEKDAYS, MONDAY_10).week
    assert week[4].text == "fermé" and week[3].ranges


def test_osm_date_range_off_is_skipped_with_its_comment():
    value = 'Mo-Fr 09:00-17:00; 2026 Dec 24-2027 Jan 02 off "fermeture annuelle"'
    assert line(value, datetime(2026, 12, 28, 10, 0)) == (
        "Fermé (fermeture annuelle), ouvre le lundi 4 janvier à 9 h")
    assert describe(value, datetime(2026, 12, 28, 10, 0)).week[0].text == "fermé (fermeture annuelle)"


def test_closure_period_says_until_when_and_opening_skips_it():
    during = datetime(2026, 12, 28, 10, 0)
    assert line(WEEKDAYS, during, closure=CHRISTMAS) == (
        "Fermé jusqu'au 2 janvier inclus, ouvre le lundi 4 janvier à 9 h")
    assert status(WEEKDAYS, during, closure=CHRISTMAS).kind == opening.CLOSURE
    # the evening before: not "ouvre demain", but after the closure
    assert line(WEEKDAYS, datetime(2026, 12, 23, 18, 0), closure=CHRISTMAS) == (
        "Fermé, ouvre le lundi 4 janvier à 9 h")
    hours = describe(WEEKDAYS, MONDAY_10, closure=CHRISTMAS)
    assert hours.status_text.startswith("Ouvert maintenant")
    assert hours.closure_text == "Fermeture du 24 décembre au 2 janvier 2027 inclus (congés annuels)"
    assert [d.text for d in hours.week[3:6]] == ["fermé (congés annuels)"] * 3
    # reopened: the closure no longer speaks
    assert line(WEEKDAYS, datetime(2027, 1, 4, 10, 0), closure=CHRISTMAS) == "Ouvert maintenant, jusqu'à 12 h"


def test_closure_without_end_and_without_hours():
    works = Closure(date(2026, 12, 1), None, "travaux")
    assert line(WEEKDAYS, MONDAY_10, closure=works) == "Fermé jusqu'à nouvel ordre"
    assert describe("", MONDAY_10, closure=works).status_text == "Fermé jusqu'à nouvel ordre"


def test_comment_alone_is_not_open_all_week():
    result = status('"téléphoner avant de venir"', MONDAY_10)
    assert result.text == "Téléphoner avant de venir" and result.kind == opening.UNKNOWN
    assert describe('"téléphoner avant de venir"', MONDAY_10).week == []


@pytest.mark.parametrize("value", ["lundi matin", "Mo-Fr 25:00-99:00", "n'importe quoi; <b>"])
def test_garbage_never_says_open_or_closed(value):
    result = status(value, MONDAY_10)
    assert result.kind == opening.UNKNOWN and result.text == value
    assert describe(value, MONDAY_10) is None
    assert status("", MONDAY_10).text == "Horaires non renseignés"
    assert status("Sur rendez-vous uniquement", MONDAY_10).text == "Sur rendez-vous"


def test_night_shelter_and_always_open():
    assert line("Mo-Su 20:00-08:00", datetime(2026, 12, 21, 22, 0)) == "Ouvert maintenant, jusqu'à demain à 8 h"
    assert line("24/7", MONDAY_10) == "Ouvert maintenant"


@pytest.mark.parametrize(("utc", "expected"), [
    # Monday 30 March 2026, after the spring change: 07:30 UTC is 09:30 in Paris
    (datetime(2026, 3, 30, 7, 30), "Ouvert maintenant, jusqu'à 17 h"),
    # Monday 26 October 2026, after the autumn change: 07:30 UTC is 08:30 in Paris, 08:30 UTC is 09:30
    (datetime(2026, 10, 26, 7, 30), "Fermé, ouvre à 9 h"),
    (datetime(2026, 10, 26, 8, 30), "Ouvert maintenant, jusqu'à 17 h"),
    # Saturday 28 March 2026 21:00 in Paris: the next opening is on the Monday after the change
    (datetime(2026, 3, 28, 20, 0), "Fermé, ouvre lundi à 9 h"),
])
def test_dst_change_reads_paris_wall_clock(utc, expected):
    assert line("Mo-Fr 09:00-17:00", utc.replace(tzinfo=ZoneInfo("UTC"))) == expected


def test_far_opening_gives_the_date():
    assert line("2027 Jan 15-2027 Dec 31 Mo-Fr 09:00-17:00", MONDAY_10) == "Fermé, ouvre le vendredi 15 janvier à 9 h"


def test_organisation_and_service_status(db):
    from directory.models import Organisation, Service

    org = Organisation(name="CCAS", opening_hours=WEEKDAYS, closed_from=date(2026, 12, 24),
                       closed_until=date(2027, 1, 2), closure_note="congés annuels")
    assert opening.for_organisation(org, datetime(2026, 12, 28, 10, 0)).kind == opening.CLOSURE
    service = Service(organisation=org, name="Permanence", opening_hours='We 14:00-17:00 "sur rendez-vous"')
    assert opening.service_hours(service) == 'We 14:00-17:00 "sur rendez-vous"'
    assert opening.for_service(service, datetime(2026, 12, 28, 10, 0)).kind == opening.CLOSURE
    assert opening.for_service(service, datetime(2027, 1, 4, 10, 0)).text.replace("\xa0", " ") == (
        "Sur rendez-vous, prochain accueil mercredi à 14 h")
    same = Service(organisation=org, name="Accueil", opening_hours=WEEKDAYS)
    assert opening.service_hours(same) == ""
    assert opening.closure_of(org, date(2027, 1, 3)) is None
