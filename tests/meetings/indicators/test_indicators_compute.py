"""Every computed indicator of the hand-written fixture (see conftest.py), checked to the unit."""

import datetime as dt
from decimal import Decimal

from meetings.indicators import compute
from meetings.indicators.compute import ALL, Period, Scope
from meetings.indicators.matrix import build_matrix
from meetings.models import Attendance, BodyMember, Invitation


def year_scope(year, territory=None, body_ids=None):
    return Scope(Period.year(year), territory, body_ids)


def value(world, indicator, year=2026, territory=None, body_ids=None):
    matrix = build_matrix(year=year, territory=territory, body_ids=body_ids, indicators=[indicator])
    return matrix.rows[0].result


def test_partner_presence_counts_substitute_and_represented_excludes_excused_and_walk_ins(world):
    result = value(world, world.ind.partner)
    # M1: Alpha (substitute) + Beta (represented) of Alpha, Beta, Gamma (excused); Delta walked in: not expected.
    # M2: Alpha + Beta (remote) of 4; M3: 2 of 2. M4 cancelled, M5 not held.
    assert (result.numerator, result.denominator) == (6, 9)
    assert result.value == Decimal("66.7")


def test_youth_presence_is_filled_seats_over_invited_seats(world):
    result = value(world, world.ind.youth)
    assert (result.numerator, result.denominator, result.value) == (2, 3, Decimal("66.7"))


def test_professionals_trained_needs_every_half_day_and_counts_people_once(world):
    # P1 (twice), P3, P4; P2 missed a half-day, P5's session was cancelled, P6 followed another training.
    assert value(world, world.ind.trained).value == 3
    assert value(world, world.ind.trained, 2025).value == 2  # P7, P1
    assert value(world, world.ind.trained_cumul, 2025).value == 2
    assert value(world, world.ind.trained_cumul, 2026).value == 4  # P1, P3, P4, P7
    assert value(world, world.ind.trained_cumul, 2027).value == 4


def test_comite_suivi_presences_permanences_copil_and_technique(world):
    assert value(world, world.ind.suivi).value == 4  # M2: Alpha, Beta; M3: Alpha, Gamma
    # M13 only: the cancelled one does not count, nor M14 (closed with no expected member there: not held)
    assert value(world, world.ind.permanences).value == 1
    copil = value(world, world.ind.copil)
    assert copil.value == 1 and copil.dates == (dt.date(2026, 3, 10),)
    assert value(world, world.ind.copil, 2025).value == 0
    tech = value(world, world.ind.tech)
    assert (tech.numerator, tech.denominator, tech.value) == (3, 4, Decimal("75.0"))


def test_a_period_without_sessions_shows_no_data_not_zero(world):
    for indicator in (world.ind.partner, world.ind.youth, world.ind.tech):
        assert value(world, indicator, 2027).value is None
        assert value(world, indicator, 2025).value is None
    # Boulonnais has decision sessions but no youth seat: no data, while its partner rate is 2/2.
    assert value(world, world.ind.youth, territory=world.bou).value is None
    assert value(world, world.ind.partner, territory=world.bou).value == Decimal("100.0")


def test_a_territory_includes_its_communes_bodies_and_the_departement_everything(world):
    partner = value(world, world.ind.partner, territory=world.arr)  # M2 only (commune of Arras)
    assert (partner.numerator, partner.denominator) == (2, 4)
    assert value(world, world.ind.youth, territory=world.arr).value == Decimal("100.0")
    assert value(world, world.ind.permanences, territory=world.arr).value == 1
    assert value(world, world.ind.copil, territory=world.arr).value == 0
    everything = value(world, world.ind.partner, territory=world.d62)
    assert (everything.numerator, everything.denominator) == (6, 9)
    assert value(world, world.ind.partner, territory=world.d49).value is None


def test_a_set_of_bodies_narrows_every_figure(world):
    only_arras = frozenset({world.suivi_arr.pk})
    partner = value(world, world.ind.partner, body_ids=only_arras)
    assert (partner.numerator, partner.denominator) == (2, 4)
    assert value(world, world.ind.suivi, body_ids=only_arras).value == 2
    assert value(world, world.ind.trained, body_ids=only_arras).value == 0


def test_membership_changes_after_convocation_do_not_rewrite_past_rates(world):
    before = value(world, world.ind.partner)
    world.member_alpha.delete()  # Alpha leaves the COPIL, Delta joins it
    BodyMember.objects.create(body=world.copil, organisation=world.D)
    assert Invitation.objects.filter(meeting=world.m1, organisation=world.A).count() == 2
    after = value(world, world.ind.partner)
    assert (after.numerator, after.denominator) == (before.numerator, before.denominator) == (6, 9)


def test_recording_an_absence_as_excused_or_a_presence_changes_the_figure(world):
    gamma = Attendance.objects.get(meeting=world.m1, invitation__organisation=world.G)
    gamma.status = "represented"
    gamma.save()
    assert value(world, world.ind.partner).numerator == 7


def test_a_custom_period_spans_months(world):
    scope = Scope(Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30)))
    result = compute.compute(world.ind.partner, scope, by_year=False)[ALL]
    assert (result.numerator, result.denominator) == (4, 7)  # M1 and M2
    matrix = build_matrix(year=2026, period=Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30)),
                          indicators=[world.ind.partner])
    assert matrix.rows[0].result.value == Decimal("57.1")
    assert matrix.rows[0].target is None  # a target is for a whole year


def test_targets_gaps_and_manual_values(world):
    rows = {row.indicator.code: row for row in build_matrix(year=2026).rows}
    partner = rows["presence-partenaires"]
    assert partner.target == Decimal(70) and partner.gap == Decimal("-3.3") and partner.reached is False
    assert rows["professionnels-formes"].gap == Decimal(-47)
    assert rows["copil"].reached is True and rows["copil"].gap is None
    assert rows["contrats-jeunes-majeurs"].result.value == Decimal(231)
    assert [p.result.value for p in partner.trend] == [None, Decimal("66.7"), None]
    assert [p.target for p in partner.trend] == [Decimal(50), Decimal(70), Decimal(80)]
    arrageois = {row.indicator.code: row for row in build_matrix(year=2026, territory=world.arr).rows}
    assert arrageois["contrats-jeunes-majeurs"].result.value == Decimal(40)
    assert {row.indicator.code: row for row in build_matrix(year=2026, territory=world.bou).rows}[
        "contrats-jeunes-majeurs"].result.value is None


def test_breakdown_names_who_was_absent_most_and_which_bodies_lag(world):
    details = compute.breakdown(world.ind.partner, year_scope(2026))
    top = details.organisations[0]
    assert (top["name"], top["expected"], top["present"], top["absent"]) == ("FJT Gamma", 3, 1, 2)
    assert [b["name"] for b in details.bodies] == ["Comité de suivi Arras", "COPIL référent de parcours",
                                                   "Comité de suivi Boulonnais"]
    assert [(s["body"], s["expected"], s["present"]) for s in details.sessions][0] == ("Comité de suivi Arras", 4, 2)
    trained = compute.breakdown(world.ind.trained, year_scope(2026))  # premiers secours is excluded
    assert sorted(s["present"] for s in trained.sessions) == [2, 2]


def test_operator_report_per_organisation_and_month(world):
    april = {row["name"]: row for row in compute.operator_report(2026, 4).rows}
    assert (april["Mission locale Alpha"]["suivi"], april["CCAS Beta"]["suivi"]) == (1, 1)
    assert "FJT Gamma" not in april  # absent: nothing to report
    january = {row["name"]: row for row in compute.operator_report(2026, 1).rows}
    assert january["Mission locale Alpha"]["permanences"] == 1
    october = compute.operator_report(2026, 10)
    rows = {row["name"]: row for row in october.rows}
    assert rows["Mission locale Alpha"]["trainings"] == 2  # P1 and P3 signed all three half-days of M8
    assert "CCAS Beta" not in rows  # P2 missed a half-day: not trained (the indicators' one rule)
    assert "FJT Gamma" not in rows  # P6's first-aid training is excluded from the trained indicator
    assert october.totals["trainings"] == 2
    assert october.indicators["trainings"] == world.ind.trained
    only = compute.operator_report(2026, 10, organisation_ids=[world.G.pk])
    assert only.rows == []


def test_query_count_does_not_depend_on_data(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        build_matrix(year=2026)
