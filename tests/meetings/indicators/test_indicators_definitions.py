"""Indicators that say exactly what they count: a scenario recorded through meetings.services (the sheet's
calls), computed by hand below, asserted to the unit on the dashboard, in the API, the XLSX and the CSV.

Year 2024 (all times Europe/Paris, every session in the past). Organisations A, B, G, D, E (E is a member of
nothing when the sessions are convened).

COPIL (kind copil, decision body, 2 youth seats), members A, B, G, D.
  S1 12/03 09:00, convened (expected: A, B, G, D + 2 youth seats). Then the body changes: E joins, D leaves
     (member change after convocation: S1 still expects A, B, G, D, never E).
     A present · B represented by E (another organisation) · G remote · D excused ·
     youth seat 1 present, a young person ("Léa M.") · youth seat 2 present, a professional for the young people ·
     walk-in "Camille Visiteuse" from E (not a member) present. Closed.
COPIL vide (kind copil, not a decision body, no member): V1 01/10 closed with 0 expected: NOT held.
Comité de suivi (kind comite_suivi, decision body when S2 and S3 are convened, members A, B).
  S2 10/04 and S3 10/06 convened; then "instance de décision" is unticked (decision-flag change after
  convocation: S2 and S3 keep it, frozen); S4 10/09 convened after that: not a decision session.
  S2: A present · B represented by D · walk-in from E present · two walk-ins from "Association Les Petits
      Pas", typed by hand (not in the directory), once as "association les petits pas". Closed.
  S3: never closed (open past session: "non clôturée").
  S4: A present · B suppléé·e (its suppléante came). Closed.
Permanence (kind permanence, member A): P1 05/02 A present, closed (held) · P2 05/03 A absent, a walk-in from B
  present, closed (not held: no expected member came) · P3 05/05 convened, never closed ("non clôturée").
Formation RP (formation, convened with T1, T2, T3; T1, T3 of A, T2 of B): F1 14/11 09:00–17:00, two half-days.
  T1 and T3 sign both, T2 signs the morning only (a half-day missed: not trained). Closed.
Formation RP bis, a training body created after the indicators (no edit of them): F2 21/11 09:00–12:00, one
  half-day, T4 signs. Closed.
Formation premiers secours, excluded from the indicator: F3 28/11 09:00–12:00, T5 signs. Closed.

By hand, 2024 (the basis in capitals is the one the convention reports, chosen on each indicator):

- Partner presence, decision sessions S1 + S2 (S4 is not one: flag frozen at its convocation):
    expected organisations: S1 A, B, G, D = 4; S2 A, B = 2 → denominator 6.
    PRÉSENCE EFFECTIVE: S1 A, G (remote) = 2; S2 A = 1 → 3 / 6 = 50.0 %; target 60 → gap −10.0 pts, "Non atteinte".
    présence ou représentation: S1 A, B, G = 3; S2 A, B = 2 → 5 / 6 = 83.3 %.
    Open past sessions of the selection: S3 → 1.
- Youth presence, the same sessions: seats S1 2 (S2 has none) → denominator 2.
    PRÉSENCE EFFECTIVE: a young person sat on seat 1 only → 1 / 2 = 50.0 %; target 60 → "Non atteinte".
    présence ou représentation: both seats → 2 / 2 = 100.0 %. Open: S3 → 1.
- Presences at the comité de suivi, S2 + S4 (every comité de suivi, whatever its decision flag):
    PRÉSENCE OU REPRÉSENTATION: S2 A, B (represented), E (walk-in), Les Petits Pas (typed by hand: an
    "organisation non référencée", its two people one presence) = 4; S4 A, B (suppléé·e) = 2 → 6.
    présence effective: S2 A, E, Les Petits Pas = 3; S4 A, B = 2 → 5. Open: S3 → 1.
- Permanences held: P1 only → 1 (P2 closed without its member, P3 open). Open: P3 → 1.
- COPIL held: S1 (V1 closed with nobody expected is not held) → "Oui, le 12/03/2024".
- Professionals trained: T1, T3 (F1) + T4 (F2, a new body counted without edit) = 3; T2 missed a half-day,
  T5's training is excluded. Cumulative since 2024 (the same selection): 3.

The operator report (per organisation and month, the indicators' definitions and selections):
- April (comité de suivi on the indicator's basis, présence ou représentation): A 1, B 1 (represented by D:
  B's presence, not D's), E 1 (walk-in), "Association Les Petits Pas (organisation non référencée)" 1;
  total 4 = the indicator over April. On présence effective B's line goes: A 1, E 1, Les Petits Pas 1 → 3.
- February: A 1 permanence (P1 held, A there itself). March: nothing (P2 not held: B's walk-in there does not
  make it a permanence effectuée; the COPIL is not a column) → total 0.
- November: A 3 trained (T1, T3 at F1, T4 at F2); no line for B (T2, its only trainee, missed a half-day);
  T5's first-aid training is excluded → total 3 = the indicator.
The operator: A is designated; its editor submits April's table (typed counts, below) and the attendance
lines are frozen from the meetings module: presences at the comité de suivi 1 (the report's April line for
A), permanences 0, COPIL organised "non" (S1 was in March). A's editor gets only A's lines of the report
(another operator's: 403); the pilot gets every line or, with ``operateur``, A's alone.
"""

import csv
import datetime as dt
import html as htmllib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from meetings import services
from meetings.indicators.models import Convention, Indicator, IndicatorTarget
from meetings.models import Attendance, Body, BodyMember, Meeting
from tests import builders, module_data

C = Indicator.Computation
U = Indicator.Unit
EFFECTIVE, REPRESENTED = Indicator.Basis.EFFECTIVE, Indicator.Basis.REPRESENTED
URL = "/indicateurs/"


def at(month, day, hour=9):
    return timezone.make_aware(dt.datetime(2024, month, day, hour, 0))


def session(body, start, hours=2, people=None):
    meeting = builders.make_meeting(body, start=start, hours=hours)
    services.freeze_invitations(meeting, people=people)
    meeting.refresh_from_db()
    return meeting


def tick(meeting, invitation, status, **extra):
    services.set_attendance(invitation, status, arrived_at=meeting.starts_at if status != "absent" and
                            status != "excused" else None, **extra)


def seat(meeting, organisation):
    return meeting.invitations.get(organisation=organisation, is_youth_seat=False)


@pytest.fixture(scope="module")
def _scenario_once(request, module_transaction):
    return module_data.BuiltOnce(request, module_transaction, build_scenario)


@pytest.fixture
def scenario(db, dept_admin, _scenario_once):
    """Built once for the module; the département admin is each test's own."""
    return _scenario_once.get()


def build_scenario():
    orgs = {key: builders.make_org(f"Organisation {key}", slug=f"org-{key.lower()}") for key in "ABGDE"}
    A, B, G, D, E = (orgs[key] for key in "ABGDE")

    copil = Body.objects.create(name="COPIL", slug="copil", kind="copil", is_decision_body=True, youth_seats=2)
    members = {key: BodyMember.objects.create(body=copil, organisation=orgs[key]) for key in "ABGD"}
    s1 = session(copil, at(3, 12))
    BodyMember.objects.create(body=copil, organisation=E)  # joins after the convocation
    members["D"].is_active = False
    members["D"].save()
    tick(s1, seat(s1, A), "present")
    tick(s1, seat(s1, B), "represented", represented_by_organisation=E)
    tick(s1, seat(s1, G), "remote")
    tick(s1, seat(s1, D), "excused")
    young, professional = s1.invitations.filter(is_youth_seat=True).order_by("position")
    tick(s1, young, "present")
    services.name_youth_seat(young, "Léa M.", holder=Attendance.YouthSeatHolder.YOUNG)
    tick(s1, professional, "present")
    services.name_youth_seat(professional, "Éducatrice pour les jeunes",
                             holder=Attendance.YouthSeatHolder.PROFESSIONAL)
    services.add_walk_in(s1, "Camille Visiteuse", organisation=E)
    services.close_sheet(s1)

    empty_copil = Body.objects.create(name="COPIL vide", slug="copil-vide", kind="copil")
    services.close_sheet(session(empty_copil, at(10, 1)))

    suivi = Body.objects.create(name="Comité de suivi", slug="suivi", kind="comite_suivi", is_decision_body=True)
    for key in "AB":
        BodyMember.objects.create(body=suivi, organisation=orgs[key])
    s2 = session(suivi, at(4, 10))
    session(suivi, at(6, 10))  # S3: never closed
    suivi.is_decision_body = False  # unticked after S2 and S3 were convened
    suivi.save()
    s4 = session(suivi, at(9, 10))
    tick(s2, seat(s2, A), "present")
    tick(s2, seat(s2, B), "represented", represented_by_organisation=D)
    services.add_walk_in(s2, "Dominique Passante", organisation=E)
    services.add_walk_in(s2, "Sam Bénévole", organisation_name="Association Les Petits Pas")
    services.add_walk_in(s2, "Alix Bénévole", organisation_name="association les petits pas")
    services.close_sheet(s2)
    tick(s4, seat(s4, A), "present")
    tick(s4, seat(s4, B), "substitute", represented_by="Suppléante de B")
    services.close_sheet(s4)

    permanence = Body.objects.create(name="Permanence", slug="permanence", kind="permanence")
    BodyMember.objects.create(body=permanence, organisation=A)
    p1, p2 = session(permanence, at(2, 5)), session(permanence, at(3, 5))
    session(permanence, at(5, 5))  # P3: never closed
    tick(p1, seat(p1, A), "present")
    services.close_sheet(p1)
    tick(p2, seat(p2, A), "absent")
    services.add_walk_in(p2, "Claude Passant", organisation=B)
    services.close_sheet(p2)

    convention = Convention.objects.create(name="Convention 2024", first_year=2024, last_year=2026)

    def indicator(code, computation, unit, order, basis=EFFECTIVE, target=None):
        ind = Indicator.objects.create(convention=convention, code=code, name=code, definition="Texte du pilote.",
                                       computation=computation, unit=unit, sort_order=order, presence_basis=basis)
        if target is not None:
            IndicatorTarget.objects.create(indicator=ind, year=2024, value=Decimal(target))
        return ind

    indicator("partenaires", C.PARTNER_PRESENCE, U.PERCENT, 1, target=60)
    indicator("jeunes", C.YOUTH_PRESENCE, U.PERCENT, 2, target=60)
    suivi_ind = indicator("suivi", C.SUIVI_PRESENCES, U.COUNT, 3, basis=REPRESENTED)
    indicator("permanences", C.PERMANENCES, U.COUNT, 4)
    indicator("copil", C.COPIL_HELD, U.YES_NO, 5)
    trained = indicator("formes", C.TRAINED, U.COUNT, 6)
    indicator("formes-cumul", C.TRAINED_CUMULATIVE, U.COUNT, 7)

    def training(name, slug, start, hours, signers, sign_pm=(), of_b=()):
        body = Body.objects.create(name=name, slug=slug, kind="formation")
        contacts = [builders.make_contact(B if person in of_b else A, name=person) for person in signers]
        meeting = session(body, start, hours=hours, people=contacts)
        half_days = services.ensure_half_days(meeting)
        for invitation in meeting.invitations.all():
            tick(meeting, invitation, "present")
            for half_day in half_days:
                if half_day.period == "am" or invitation.person_name in sign_pm:
                    services.sign_half_day(half_day, invitation)
        services.close_sheet(meeting)
        return body

    training("Formation RP", "formation-rp", at(11, 14), 8, ["T1", "T2", "T3"], sign_pm=("T1", "T3"), of_b=("T2",))
    first_aid = training("Formation premiers secours", "formation-ps", at(11, 28), 3, ["T5"])
    trained.excluded_bodies.set([first_aid])
    # Created after the indicators: counted by the rule, without any edit.
    training("Formation RP bis", "formation-rp-bis", at(11, 21), 3, ["T4"])
    return {"suivi_indicator": suivi_ind, "s1": s1, "copil": copil, "orgs": orgs}


# The figures computed by hand in the module's docstring: code → (display, numerator, denominator, other display,
# other numerator, other denominator, open past sessions).
EXPECTED = {
    "partenaires": ("50 %", 3, 6, "83,3 %", 5, 6, 1),
    "jeunes": ("50 %", 1, 2, "100 %", 2, 2, 1),
    "suivi": ("6", 6, None, "5", None, None, 1),
    "permanences": ("1", 1, None, None, None, None, 1),
    "copil": ("Oui, le 12/03/2024", 1, None, None, None, None, 0),
    "formes": ("3", 3, None, None, None, None, 0),
    "formes-cumul": ("3", 3, None, None, None, None, 0),
}


def test_frozen_settings_and_the_seat_holder_are_recorded(scenario):
    s1 = scenario["s1"]
    assert (s1.frozen_is_decision_body, s1.frozen_youth_seats) == (True, 2)
    assert s1.invitations.filter(is_youth_seat=False).count() == 4  # E joined later: not expected
    holders = sorted(s1.attendances.filter(invitation__is_youth_seat=True).values_list("youth_seat_holder",
                                                                                        flat=True))
    assert holders == ["professional", "young"]
    history = list(s1.sheet_events.filter(field="siège jeune tenu par").values_list("new_value", flat=True))
    assert "Un·e professionnel·le pour les jeunes" in history
    assert Meeting.objects.get(body__slug="suivi", starts_at=at(4, 10)).frozen_is_decision_body is True
    assert Meeting.objects.get(body__slug="suivi", starts_at=at(9, 10)).frozen_is_decision_body is False


def test_api_gives_both_definitions_with_numerator_and_denominator(client_as, dept_admin, scenario):
    data = client_as(dept_admin).get(URL + "api/indicateurs/", {"annee": "2024"}).json()
    rows = {row["code"]: row for row in data["indicators"]}
    for code, (display, num, den, other, other_num, other_den, unclosed) in EXPECTED.items():
        row = rows[code]
        assert (row["display"], row["numerator"], row["denominator"]) == (display, num, den), code
        assert row["unclosed_sessions"] == unclosed, code
        if other is None:
            assert row["other"] is None, code
        else:
            assert (row["other"]["display"], row["other"]["numerator"], row["other"]["denominator"]) == (
                other, other_num, other_den), code
        assert row["counts"], code  # what it counts, written out
    assert rows["partenaires"]["basis"] == "effective" and rows["suivi"]["basis"] == "represented"
    assert rows["partenaires"]["display_reached"] == "Non atteinte" and rows["partenaires"]["display_gap"] == "−10 pts"
    assert rows["jeunes"]["display_reached"] == "Non atteinte"
    assert "représenté·e par une autre organisation ne compte pas" in rows["partenaires"]["counts"]
    assert "Formation premiers secours" in rows["formes"]["bodies_counted"]
    assert "Mêmes instances que « formes »" in rows["formes-cumul"]["counts"]


def test_dashboard_shows_both_definitions_and_open_sessions(client_as, dept_admin, scenario):
    page = client_as(dept_admin).get(URL, {"annee": "2024"}).content.decode()
    assert "Présence effective".lower() in page.lower()
    assert "présence ou représentation : 83,3 % (5/6)" in page
    assert "(3/6)" in page and "(1/2)" in page
    assert "présence ou représentation : 100 % (2/2)" in page
    assert "présence effective : 5" in page  # the comité de suivi's other figure
    assert "1 séance passée non clôturée (non comptée)" in page
    assert "Oui, le 12/03/2024" in page


def _csv_rows(content):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    return header, {row[3]: dict(zip(header, row, strict=True)) for row in rows[1:] if row[1] == "Tous les territoires"}


def test_csv_and_xlsx_carry_the_same_figures(client_as, dept_admin, scenario):
    client = client_as(dept_admin)
    header, rows = _csv_rows(client.get(URL + "export/", {"annee": "2024", "format": "csv"}).content)
    for code, (display, num, den, other, other_num, other_den, unclosed) in EXPECTED.items():
        row = rows[code]
        assert row["Résultat"] == display, code
        assert row["Numérateur"] == str(num), code
        assert row["Dénominateur"] == ("" if den is None else str(den)), code
        assert row["Résultat (autre définition)"] == (other or ""), code
        assert row["Séances passées non clôturées (non comptées)"] == str(unclosed), code
        assert row["Ce qui est compté"], code
    assert rows["partenaires"]["Présence retenue"] == "présence effective"
    assert rows["partenaires"]["Objectif"] == "Non atteinte"

    xlsx = client.get(URL + "export/", {"annee": "2024", "format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(xlsx))["Matrice"]
    names = [c.value for c in sheet[1]]
    cells = {r[3]: dict(zip(names, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
             if r[1] == "Tous les territoires"}
    assert cells["partenaires"]["Résultat"] == pytest.approx(0.5)
    assert (cells["partenaires"]["Numérateur"], cells["partenaires"]["Dénominateur"]) == (3, 6)
    assert (cells["partenaires"]["Numérateur (autre définition)"],
            cells["partenaires"]["Dénominateur (autre définition)"]) == (5, 6)
    assert cells["jeunes"]["Résultat"] == pytest.approx(0.5)
    assert (cells["jeunes"]["Numérateur (autre définition)"], cells["jeunes"]["Dénominateur (autre définition)"]) \
        == (2, 2)
    assert cells["suivi"]["Résultat"] == 6 and cells["suivi"]["Résultat (autre définition)"] == "5"
    assert cells["permanences"]["Résultat"] == 1
    assert cells["permanences"]["Séances passées non clôturées (non comptées)"] == 1
    assert cells["copil"]["Résultat"] == "Oui, le 12/03/2024"
    assert (cells["formes"]["Résultat"], cells["formes-cumul"]["Résultat"]) == (3, 3)


def test_the_pilot_switches_the_reported_definition(client_as, dept_admin, scenario):
    Indicator.objects.filter(code="partenaires").update(presence_basis=REPRESENTED)
    row = next(r for r in client_as(dept_admin).get(URL + "api/indicateurs/", {"annee": "2024"}).json()["indicators"]
               if r["code"] == "partenaires")
    assert (row["display"], row["display_reached"]) == ("83,3 %", "Atteinte")
    assert row["other"]["display"] == "50 %"


def test_export_filtered_by_body_is_named_and_labelled_by_it(client_as, dept_admin, scenario):
    client = client_as(dept_admin)
    response = client.get(URL + "export/", {"annee": "2024", "format": "csv", "instances": scenario["copil"].pk})
    assert response["Content-Disposition"] == 'attachment; filename="indicateurs-2024-instances-copil.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))[1:]
    assert {row[1] for row in rows} == {"COPIL"}
    assert "tous-territoires" not in response["Content-Disposition"]


def test_open_past_sessions_are_listed_reminded_once_and_shown_to_their_secretary(
        client_as, dept_admin, secretary, scenario, mailoutbox):
    from guardian.shortcuts import assign_perm

    assign_perm("meetings.manage_body", secretary, Body.objects.get(slug="permanence"))
    secretary.email = "secretariat@exemple.invalid"
    secretary.save()
    dept_admin.email = "pilote@exemple.invalid"
    dept_admin.save()
    out = io.StringIO()
    call_command("remind_unclosed_sessions", stdout=out)
    assert "2 séance(s) à clôturer signalée(s)." in out.getvalue()  # S3 and P3
    to = sorted((message.subject, tuple(message.to)) for message in mailoutbox)
    assert to == [("À clôturer : Comité de suivi du 10/06/2024", ("pilote@exemple.invalid",)),
                  ("À clôturer : Permanence du 05/05/2024", ("secretariat@exemple.invalid",))]
    call_command("remind_unclosed_sessions", stdout=io.StringIO())
    assert len(mailoutbox) == 2  # once per session

    home = client_as(secretary).get(reverse("meetings:index")).content.decode()
    assert "Séances à clôturer" in home and "Comité de suivi" not in home.split("Prochaines séances")[0]
    dashboard = client_as(dept_admin).get(URL, {"annee": "2024"}).content.decode()
    assert "Séances à clôturer" in dashboard and "10/06/2024 – Comité de suivi" in dashboard


def test_a_secretary_sees_only_indicators_about_their_bodies(client_as, secretary, scenario):
    from guardian.shortcuts import assign_perm

    assign_perm("meetings.manage_body", secretary, Body.objects.get(slug="permanence"))
    data = client_as(secretary).get(URL + "api/indicateurs/", {"annee": "2024"}).json()
    assert [row["code"] for row in data["indicators"]] == ["permanences"]
    page = client_as(secretary).get(URL, {"annee": "2024"}).content.decode()
    assert "COPIL" not in page.split("Séances à clôturer")[0].split("Matrice des indicateurs")[1]


def test_drill_down_links_and_export(client_as, dept_admin, scenario):
    client = client_as(dept_admin)
    page = client.get(URL + "partenaires/", {"annee": "2024"}).content.decode()
    s1 = scenario["s1"]
    assert reverse("meetings:sheet", args=[s1.pk]) in page and s1.get_absolute_url() in page
    assert "Séances non clôturées (non comptées)" in page
    response = client.get(URL + "partenaires/export/", {"annee": "2024", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="detail-partenaires-2024-tous-territoires.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    figure = rows[1]
    assert (figure[0], figure[4], figure[5], figure[6]) == ("Chiffre", "6", "3", "50 %")
    other = rows[2]
    assert (other[4], other[5], other[6]) == ("6", "5", "83,3 %")
    sessions = [row for row in rows if row[0] == "Séance"]
    assert sorted((row[1], row[4], row[5]) for row in sessions) == [("10/04/2024", "2", "1"),
                                                                    ("12/03/2024", "4", "2")]
    assert all(row[9].endswith("/feuille/") for row in sessions)
    assert [row[1] for row in rows if row[0].startswith("Non clôturée")] == ["10/06/2024"]
    sheet = load_workbook(io.BytesIO(client.get(URL + "partenaires/export/", {"annee": "2024"}).content))["Détail"]
    assert [c.value for c in sheet[2]][4:7] == [6, 3, "50 %"]


def test_a_closed_year_keeps_its_figures_and_shows_later_changes(client_as, dept_admin, secretary, scenario):
    client = client_as(dept_admin)
    response = client.post(reverse("indicators:periods"), {"annee": "2024"})
    assert response.status_code == 302
    again = client.post(reverse("indicators:periods"), {"annee": "2024"})
    assert again.status_code == 400 and "déjà arrêtée" in again.content.decode()
    # A correction after the closure: at S2, B came itself after all (3/6 → 4/6 on présence effective).
    s2 = Meeting.objects.get(body__slug="suivi", starts_at=at(4, 10))
    services.reopen_sheet(s2, reason="erreur de pointage", by=dept_admin)
    tick(s2, seat(s2, s2.invitations.get(organisation__slug="org-b").organisation), "present")
    services.close_sheet(s2)
    page = client.get(response["Location"]).content.decode()
    assert '<td data-closed="partenaires">50 % (3/6)</td>' in page
    assert '<td data-now="partenaires">66,7 % (4/6)</td>' in page
    assert '<td data-closed="suivi">6</td>' in page and '<td data-now="suivi">6</td>' in page  # B was counted
    # Partner presence (B represented → present: 3/6 → 4/6 on présence effective), and the suivi: its reported
    # count ("présence ou représentation") stays 6, but the effective count kept beside it goes up by one.
    assert page.count("Modifié depuis l'arrêté") == 2
    assert "erreur de pointage" in page and "Représenté·e → Présent·e" in page
    assert client_as(secretary).get(reverse("indicators:periods")).status_code == 403


# --- The operator report and an operator's table, on the same scenario ----------------------------------
REPORT = URL + "rapport-operateurs/"


def _report_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _report_html(response) -> dict:
    """{row name: (suivi, permanences, trained)} of the report's page, its total under "Total"."""
    import re

    page = response.content.decode()
    out = {}
    for name, suivi, permanences, trained in re.findall(
            r'<th scope="row">([^<]+)</th>\s*<td data-column="suivi">(\d+)</td>\s*'
            r'<td data-column="permanences">(\d+)</td>\s*<td data-column="trainings">(\d+)</td>', page):
        out[htmllib.unescape(name)] = (int(suivi), int(permanences), int(trained))
    return out


# The report computed by hand in the module's docstring: month → {line: (suivi, permanences, trained)}.
REPORT_EXPECTED = {
    "2024-04": {"Organisation A": (1, 0, 0), "Organisation B": (1, 0, 0), "Organisation E": (1, 0, 0),
                "Association Les Petits Pas (organisation non référencée)": (1, 0, 0), "Total": (4, 0, 0)},
    "2024-02": {"Organisation A": (0, 1, 0), "Total": (0, 1, 0)},
    "2024-03": {"Total": (0, 0, 0)},
    "2024-11": {"Organisation A": (0, 0, 3), "Total": (0, 0, 3)},
}


def test_the_operator_report_counts_what_the_indicators_count(client_as, dept_admin, scenario):
    client = client_as(dept_admin)
    for month, expected in REPORT_EXPECTED.items():
        html = _report_html(client.get(REPORT, {"mois": month}))
        assert html == expected, month
        rows = _report_csv(client.get(REPORT, {"mois": month, "format": "csv"}))
        assert {row[0]: tuple(int(n) for n in row[3:]) for row in rows[1:]} == expected, month
        assert {row[2] for row in rows[1:]} == {"Tous les territoires"} and {row[1] for row in rows[1:]} == {month}
        sheet = load_workbook(io.BytesIO(client.get(REPORT, {"mois": month, "format": "xlsx"}).content)).active
        assert {r[0]: tuple(r[3:]) for r in sheet.iter_rows(min_row=2, values_only=True)} == expected, month
    assert "Organisation B" not in REPORT_EXPECTED["2024-11"]  # T2 missed a half-day
    # Each total is the indicator's figure over the month.
    api = client.get(URL + "api/indicateurs/", {"annee": "2024", "debut": "2024-04-01", "fin": "2024-04-30"}).json()
    assert next(r for r in api["indicators"] if r["code"] == "suivi")["numerator"] == 4
    api = client.get(URL + "api/indicateurs/", {"annee": "2024", "debut": "2024-11-01", "fin": "2024-11-30"}).json()
    assert next(r for r in api["indicators"] if r["code"] == "formes")["numerator"] == 3
    header = _report_csv(client.get(REPORT, {"mois": "2024-04", "format": "csv"}))[0]
    assert header[3] == "Présences au comité de suivi (présence ou représentation)"

    # The comité de suivi's column follows the basis the indicator reports: on présence effective, B's
    # represented seat is not a presence.
    Indicator.objects.filter(code="suivi").update(presence_basis=EFFECTIVE)
    rows = _report_csv(client.get(REPORT, {"mois": "2024-04", "format": "csv"}))
    assert rows[0][3] == "Présences au comité de suivi (présence effective)"
    assert {row[0]: row[3] for row in rows[1:]} == {
        "Organisation A": "1", "Organisation E": "1", "Association Les Petits Pas (organisation non référencée)": "1",
        "Total": "3"}


def test_typed_walk_in_organisations_count_as_unlisted_in_the_drill_down(client_as, dept_admin, scenario):
    page = htmllib.unescape(client_as(dept_admin).get(URL + "suivi/", {"annee": "2024"}).content.decode())
    assert "Organisations non référencées (saisies à la main)" in page


def test_an_operator_submits_its_table_and_downloads_only_its_own_report_lines(client_as, dept_admin, scenario):
    from directory.permissions import assign_editor
    from meetings.indicators.models import OperatorTable, ReportingOperator
    from relais import roles

    orgs = scenario["orgs"]
    operator_a = ReportingOperator.objects.create(organisation=orgs["A"], first_month=dt.date(2024, 1, 1))
    operator_b = ReportingOperator.objects.create(organisation=orgs["B"], first_month=dt.date(2024, 1, 1))
    editor = builders.make_user("editeur-a", roles.PARTNER_EDITOR)
    assign_editor(orgs["A"], editor)
    client = client_as(editor)

    # April's table: 10 followed, 4 at risk, 2 first appointments; 6 accompanied (2 school, 3 professional);
    # 3 left care (2 in a path, 2 with stable housing, 1 with stable resources, 3 with full health cover);
    # housed: 1 FJT, 1 bail glissant; 4 surveyed, 3 satisfied. Computed: 2/3 in a path = 66.7 %,
    # 3/4 satisfied = 75 %.
    april = {"coordinator_posts": "1", "followed": "10", "at_risk": "4", "at_risk_first_meeting": "2",
             "accompanied": "6", "accompanied_school": "2", "accompanied_professional": "3", "left_care": "3",
             "left_in_path": "2", "left_stable_housing": "2", "left_stable_resources": "1",
             "left_full_health_cover": "3", "housing_intermediation": "0", "housing_bail_glissant": "1",
             "housing_fjt": "1", "housing_autonomous": "0", "housing_other": "0", "surveyed": "4",
             "satisfied": "3", "action": "submit"}
    response = client.post(f"{URL}tableau-operateurs/{operator_a.pk}/2024-04/", april)
    assert response.status_code == 302
    table = OperatorTable.objects.get(operator=operator_a, month=dt.date(2024, 4, 1))
    assert table.status == "submitted"
    # Frozen from the meetings module: the report's April line for A.
    assert (table.suivi_presences, table.permanences_held, table.copil_held) == (1, 0, False)
    page = client.get(f"{URL}tableau-operateurs/{operator_a.pk}/2024-04/").content.decode()
    assert "66,7 %" in page and "(2/3)" in page and "75 %" in page and "(3/4)" in page

    # A partner's own lines of the report, and nothing else.
    mine = _report_html(client.get(REPORT, {"mois": "2024-04"}))
    assert mine == {"Organisation A": (1, 0, 0), "Total": (1, 0, 0)}
    response = client.get(REPORT, {"mois": "2024-04", "operateur": operator_a.pk, "format": "csv"})
    assert response["Content-Disposition"] == (
        'attachment; filename="reporting-operateurs-2024-04-tous-territoires-operateur-org-a.csv"')
    rows = _report_csv(response)
    assert [row[0] for row in rows[1:]] == ["Organisation A", "Total"]
    assert rows[1][2] == "Tous les territoires · Opérateur : Organisation A"
    november = _report_csv(client.get(REPORT, {"mois": "2024-11", "format": "csv"}))
    assert [(row[0], row[5]) for row in november[1:]] == [("Organisation A", "3"), ("Total", "3")]
    assert client.get(REPORT, {"mois": "2024-04", "operateur": operator_b.pk}).status_code == 403
    assert client.get(REPORT, {"mois": "2024-04", "operateur": operator_b.pk, "format": "csv"}).status_code == 403
    assert client.get(REPORT, {"mois": "2024-04", "operateur": "999999"}).status_code == 404
    assert client.get(URL, {"annee": "2024"}).status_code == 403  # the rest of the dashboard is not a partner's

    # The operator tables' export carries the same attendance line.
    export = _report_csv(client.get(URL + "tableau-operateurs/export/", {"annee": "2024", "format": "csv"}))
    assert export[1][export[0].index("Présences au comité de suivi")] == "1"

    # The pilot: every line, or one operator's.
    pilot = client_as(dept_admin)
    everything = _report_html(pilot.get(REPORT, {"mois": "2024-04"}))
    assert everything == REPORT_EXPECTED["2024-04"]
    one = pilot.get(REPORT, {"mois": "2024-04", "operateur": operator_b.pk, "format": "xlsx"})
    assert one["Content-Disposition"].endswith('reporting-operateurs-2024-04-tous-territoires-operateur-org-b.xlsx"')
    sheet = load_workbook(io.BytesIO(one.content)).active
    assert [r[:4] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("Organisation B", "2024-04", "Tous les territoires · Opérateur : Organisation B", 1),
        ("Total", "2024-04", "Tous les territoires · Opérateur : Organisation B", 1)]
