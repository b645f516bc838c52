"""The operator's monthly reporting table (seeds: returned "pour le 10 de chaque mois"): filling, checks, drafts,
submission (late or not), the pilot's overview, reopening, reminders, feeding the hand-entered indicators, and
each partner's own download.

Operators on the hand-computed ``world`` (conftest.py): Alpha (Mission locale) covers the Arrageois, Gamma the whole
département. From the attendance of that world: Alpha was present at the comité de suivi of Arras on 15/04/2026
(1 presence in April) and at the permanence of Arras on 10/01/2026 (1 permanence in January); the COPIL was held
on 10/03/2026 at département level (so "organised" in March for Gamma, whose territory is the whole département,
not for Alpha's Arrageois).
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from directory import accounts
from directory.permissions import assign_editor
from meetings.indicators import operator_table as rules
from meetings.indicators.matrix import build_matrix
from meetings.indicators.models import (
    Indicator,
    IndicatorValue,
    OperatorReminder,
    OperatorTable,
    OperatorTableEvent,
    ReportingOperator,
)
from meetings.indicators.operator_forms import OperatorTableForm
from relais import roles
from tests import builders

BASE = "/indicateurs/tableau-operateurs/"

# A complete, consistent April for Alpha: 12 followed, 5 of them at risk, 3 at risk with a first appointment;
# 8 accompanied (3 school, 4 professional); 4 left care (3 in a path, 3 with stable housing, 2 with stable
# resources, 4 with full health cover); housed: 1 intermédiation locative, 1 FJT, 1 autonomous; 2 of 3 surveyed
# satisfied.
APRIL = {
    "coordinator_posts": "1", "followed": "12", "at_risk": "5", "at_risk_first_meeting": "3", "accompanied": "8",
    "accompanied_school": "3", "accompanied_professional": "4", "left_care": "4", "left_in_path": "3",
    "left_stable_housing": "3", "left_stable_resources": "2", "left_full_health_cover": "4",
    "housing_intermediation": "1", "housing_bail_glissant": "0", "housing_fjt": "1", "housing_autonomous": "1",
    "housing_other": "0", "surveyed": "3", "satisfied": "2", "equipment_phone": "on", "comment": "Mois calme.",
}


@pytest.fixture
def ops(world, make_user, dept_admin):
    alpha = ReportingOperator.objects.create(organisation=world.A, territory=world.arr, first_month=dt.date(2025, 1, 1))
    gamma = ReportingOperator.objects.create(organisation=world.G, territory=None, first_month=dt.date(2025, 1, 1))
    editor = make_user("editeur-alpha", roles.PARTNER_EDITOR)
    assign_editor(world.A, editor)
    linked = make_user("coordo-gamma", roles.PROFESSIONAL)
    accounts.link(builders.make_contact(world.G, name="Coordination", email="coordo@exemple.invalid"), linked)
    followed = Indicator.objects.create(convention=world.convention, code="operateur-jeunes-suivis",
                                        name="Jeunes suivis", definition="Tableaux des opérateurs.",
                                        computation=Indicator.Computation.MANUAL, unit=Indicator.Unit.COUNT)
    housing = Indicator.objects.create(convention=world.convention, code="operateur-logement-stable",
                                       name="Logement stable", definition="Tableaux des opérateurs.",
                                       computation=Indicator.Computation.MANUAL, unit=Indicator.Unit.PERCENT)
    return type("Ops", (), {"alpha": alpha, "gamma": gamma, "editor": editor, "linked": linked, "pilot": dept_admin,
                            "followed": followed, "housing": housing, "world": world})


def login(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def url(operator, month="2026-04", suffix=""):
    return f"{BASE}{operator.pk}/{month}/{suffix}"


def post(client, operator, data, action, month="2026-04"):
    return client.post(url(operator, month), {**data, "action": action})


def value(indicator, territory=None, year=2026):
    row = IndicatorValue.objects.filter(indicator=indicator, year=year, territory=territory).first()
    return None if row is None else row.value


# --- Filling ------------------------------------------------------------------------------------------
def test_an_operator_user_fills_a_draft_then_submits(ops):
    client = login(ops.editor)
    page = client.get(url(ops.alpha))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jeunes de 16 à 18 ans suivis dans le cadre de l&#x27;ASE" in html
    assert "Date limite : le 10/05/2026" in html

    response = post(client, ops.alpha, {"followed": "12", "at_risk": "5"}, "draft")
    assert response.status_code == 302
    table = OperatorTable.objects.get(operator=ops.alpha, month=dt.date(2026, 4, 1))
    assert (table.status, table.followed, table.at_risk, table.accompanied) == ("draft", 12, 5, None)
    assert "pas encore transmis" in client.get(url(ops.alpha)).content.decode()
    assert value(ops.followed, ops.world.arr) is None  # a draft feeds nothing

    response = post(client, ops.alpha, APRIL, "submit")
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.status == "submitted" and table.submitted_by == ops.editor
    assert (table.accompanied_school, table.housing_fjt, table.equipment_phone, table.equipment_laptop) == (
        3, 1, True, False)
    assert [e.action for e in table.events.all()] == ["saved", "submitted"]
    html = client.get(url(ops.alpha)).content.decode()
    assert "Transmis" in html and 'name="followed"' not in html  # read-only once submitted
    # Percentages come from the counts: 3 of 4 left care in a path, 2 of 3 satisfied, 1 of 3 housed in an FJT.
    assert "75 %" in html and "(3/4)" in html and "66,7 %" in html and "(2/3)" in html and "33,3 %" in html


def test_a_linked_contact_account_fills_its_organisations_table(ops):
    client = login(ops.linked)
    assert client.get(url(ops.gamma)).status_code == 200
    assert post(client, ops.gamma, {"followed": "4"}, "draft").status_code == 302
    assert OperatorTable.objects.get(operator=ops.gamma).followed == 4


def test_validation_errors_are_one_french_line_each_and_nothing_is_stored(ops):
    client = login(ops.editor)
    bad = {**APRIL, "followed": "-1", "at_risk_first_meeting": "9", "accompanied_school": "5",
           "accompanied_professional": "5", "housing_autonomous": "3", "surveyed": "abc"}
    response = post(client, ops.alpha, bad, "draft")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Un nombre de jeunes ne peut pas être négatif." in html
    assert "Ne peut pas dépasser « dont jeunes en risque de rupture » (5)." in html
    assert "Ne peut pas dépasser « jeunes accompagnés par le binôme ML/ASE » (8)" not in html  # 5 ≤ 8 each…
    assert "Ensemble, « dont parcours scolaire », « dont parcours d&#x27;insertion professionnelle » (10)" in html
    assert "(5) dépassent « jeunes accompagnés par le binôme ML/ASE » (8)" not in html
    assert "dépassent « jeunes accompagnés par le binôme sortis de l&#x27;ASE » (4)." in html  # 1+1+3 housed > 4
    assert "Saisissez un nombre entier (0 si aucun)." in html
    assert not OperatorTable.objects.exists()

    # "Of which" larger than its whole.
    response = post(client, ops.alpha, {**APRIL, "satisfied": "4"}, "submit")
    assert response.status_code == 400
    assert "Ne peut pas dépasser « jeunes ayant répondu à l&#x27;enquête de satisfaction » (3)." in \
        response.content.decode()

    # Submitting asks for every line; a draft does not.
    response = post(client, ops.alpha, {"followed": "12"}, "submit")
    assert response.status_code == 400
    assert response.content.decode().count("À renseigner pour transmettre le tableau (0 si aucun).") == len(
        rules.TYPED) - 1
    assert not OperatorTable.objects.exists()


def test_the_form_asks_counts_only_never_a_percentage_nor_a_person(ops):
    names = set(OperatorTableForm().fields)
    assert names == {*rules.TYPED, *rules.EQUIPMENT, "comment"}
    for name in names:
        assert not any(word in name for word in ("name", "birth", "naissance", "dossier", "case_", "percent",
                                                 "rate", "taux"))
    text_fields = [n for n, f in OperatorTableForm().fields.items() if f.__class__.__name__ == "CharField"]
    assert text_fields == ["comment"] and OperatorTableForm().fields["comment"].max_length == 500
    assert "ni nom, ni date de naissance, ni numéro de dossier" in str(OperatorTableForm().fields["comment"].help_text)

    client = login(ops.editor)
    for comment, message in (
        ("Léa née le 12/03/2008 a trouvé un FJT.", "aucune date de naissance"),
        ("Dossier 2024-000123 à revoir.", "aucun numéro de dossier"),
        ("Mme Durand a quitté le dispositif.", "ne doit nommer aucun jeune"),
        ("x" * 501, "500 caractères au plus."),
    ):
        response = post(client, ops.alpha, {**APRIL, "comment": comment}, "draft")
        assert response.status_code == 400 and message in response.content.decode(), comment
    assert not OperatorTable.objects.exists()


def test_attendance_lines_come_from_the_meetings_module_and_cannot_be_typed(ops):
    client = login(ops.editor)
    html = client.get(url(ops.alpha)).content.decode()
    assert 'name="suivi_presences"' not in html and 'name="permanences_held"' not in html
    assert '<dd data-line="suivi_presences">1</dd>' in html  # Alpha at the comité de suivi of Arras, 15/04
    assert '<dd data-line="permanences_held">0</dd>' in html and '<dd data-line="copil_held">Non</dd>' in html
    assert '<dd data-line="permanences_held">1</dd>' in client.get(url(ops.alpha, "2026-01")).content.decode()

    post(client, ops.alpha, {**APRIL, "suivi_presences": "99", "copil_held": "on"}, "submit")
    table = OperatorTable.objects.get(operator=ops.alpha)
    assert (table.suivi_presences, table.permanences_held, table.copil_held) == (1, 0, False)  # frozen from meetings
    gamma = login(ops.linked)
    post(gamma, ops.gamma, APRIL, "submit", month="2026-03")
    assert OperatorTable.objects.get(operator=ops.gamma).copil_held is True  # the département COPIL of 10/03


# --- Deadline -----------------------------------------------------------------------------------------
def test_deadline_is_the_tenth_of_the_next_month_and_late_submissions_are_accepted_and_shown(ops):
    april = dt.date(2026, 4, 1)
    paris = timezone.get_current_timezone()
    assert rules.deadline(april) == dt.date(2026, 5, 10)
    assert not rules.is_late(april, dt.datetime(2026, 5, 10, 23, 30, tzinfo=paris))
    assert rules.is_late(april, dt.datetime(2026, 5, 11, 0, 5, tzinfo=paris))
    assert rules.deadline(dt.date(2026, 12, 1)) == dt.date(2027, 1, 10)

    client = login(ops.editor)
    post(client, ops.alpha, APRIL, "submit")  # today is long after 10/05/2026
    table = OperatorTable.objects.get(operator=ops.alpha)
    assert table.is_late and table.events.get(action="submitted").late
    assert "en retard" in client.get(url(ops.alpha)).content.decode()

    this_month = timezone.localdate().replace(day=1)
    post(client, ops.alpha, APRIL, "submit", month=f"{this_month:%Y-%m}")  # the running month: not late
    assert not OperatorTable.objects.get(operator=ops.alpha, month=this_month).is_late


def test_months_outside_the_expected_range_and_other_operators_are_refused(ops):
    client = login(ops.editor)
    assert client.get(url(ops.alpha, "2024-12")).status_code == 404  # before the first expected month
    future = rules.next_month(timezone.localdate().replace(day=1))
    assert client.get(url(ops.alpha, f"{future:%Y-%m}")).status_code == 404
    assert client.get(url(ops.alpha, "2026-13")).status_code == 404
    assert client.get(url(ops.gamma)).status_code == 403  # another operator's table
    assert post(client, ops.gamma, APRIL, "submit").status_code == 403
    assert not OperatorTable.objects.exists()
    secretary = builders.make_user("secretaire-x", roles.SECRETARY)
    assert login(secretary).get(BASE).status_code == 403
    assert Client().get(url(ops.alpha)).status_code == 302  # anonymous: to the login page


# --- The pilot ----------------------------------------------------------------------------------------
def test_the_pilot_sees_who_has_submitted_per_month(ops):
    post(login(ops.editor), ops.alpha, APRIL, "submit")
    post(login(ops.linked), ops.gamma, {"followed": "2"}, "draft")
    pilot = login(ops.pilot)
    response = pilot.get(BASE + "suivi/", {"mois": "2026-04"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tableaux transmis : 1 sur 2 attendus. Date limite : le 10/05/2026." in html
    assert f'data-operator="{ops.alpha.pk}" data-state="submitted"' in html
    assert f'data-operator="{ops.gamma.pk}" data-state="draft"' in html
    march = pilot.get(BASE + "suivi/", {"mois": "2026-03"}).content.decode()
    assert "Tableaux transmis : 0 sur 2 attendus" in march and 'data-state="missing"' in march
    assert "Mois invalide" in pilot.get(BASE + "suivi/", {"mois": "2026-99"}).content.decode()
    # The pilot reads a table but does not type in it.
    table_page = pilot.get(url(ops.alpha)).content.decode()
    assert 'name="followed"' not in table_page and 'data-line="followed">12<' in table_page
    assert post(pilot, ops.alpha, APRIL, "draft").status_code == 403
    assert login(ops.editor).get(BASE + "suivi/").status_code == 403
    assert pilot.get(BASE).status_code == 302  # the pilot's entry is the overview


def test_the_pilot_designates_an_operator(ops):
    pilot = login(ops.pilot)
    response = pilot.post(BASE + "suivi/", {"organisation": ops.world.B.pk, "territory": ops.world.arr.code,
                                            "first_month": "2026-09"})
    assert response.status_code == 302
    beta = ReportingOperator.objects.get(organisation=ops.world.B)
    assert (beta.territory, beta.first_month) == (ops.world.arr, dt.date(2026, 9, 1))
    again = pilot.post(BASE + "suivi/", {"organisation": ops.world.B.pk, "first_month": "2026-09"})
    assert again.status_code == 400 and "déjà désignée" in again.content.decode()


def test_the_pilot_reopens_with_a_reason_kept_in_history(ops):
    editor = login(ops.editor)
    post(editor, ops.alpha, APRIL, "submit")
    assert editor.post(url(ops.alpha, suffix="rouvrir/"), {"reason": "Erreur de saisie"}).status_code == 403
    pilot = login(ops.pilot)
    refused = pilot.post(url(ops.alpha, suffix="rouvrir/"), {"reason": ""})
    assert refused.status_code == 400 and "Indiquez le motif" in refused.content.decode()
    assert OperatorTable.objects.get(operator=ops.alpha).status == "submitted"

    response = pilot.post(url(ops.alpha, suffix="rouvrir/"), {"reason": "Sorties de l'ASE à vérifier"})
    assert response.status_code == 302
    table = OperatorTable.objects.get(operator=ops.alpha)
    assert table.status == "reopened"
    event = table.events.get(action=OperatorTableEvent.Action.REOPENED)
    assert (event.reason, event.by) == ("Sorties de l'ASE à vérifier", ops.pilot)
    html = editor.get(url(ops.alpha)).content.decode()
    assert "Rouvert par le Département" in html and "« Sorties de l&#x27;ASE à vérifier »" in html
    assert 'name="followed"' in html  # editable again

    post(editor, ops.alpha, {**APRIL, "left_care": "5"}, "submit")
    table.refresh_from_db()
    assert (table.status, table.left_care) == ("submitted", 5)
    assert [e.action for e in table.events.all()] == ["submitted", "reopened", "submitted"]
    assert client_get_405(pilot, url(ops.alpha, suffix="rouvrir/"))


def client_get_405(client, address):
    return client.get(address).status_code == 405


# --- Reminders ----------------------------------------------------------------------------------------
def test_reminders_go_only_to_operators_that_have_not_submitted_once_per_stage(
        ops, django_capture_on_commit_callbacks):
    post(login(ops.editor), ops.alpha, APRIL, "submit")
    april = dt.date(2026, 4, 1)
    assert rules.send_reminders(today=dt.date(2026, 5, 4), month=april).stage is None  # before the 5th
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = rules.send_reminders(today=dt.date(2026, 5, 6), month=april)
    assert (report.missing, report.reminded) == (1, 1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordo-gamma@exemple.invalid"]  # Gamma's linked account; nobody at Alpha
    assert "04/2026" in message.subject and "10/05/2026" in message.subject
    assert f"{BASE}{ops.gamma.pk}/2026-04/" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        again = rules.send_reminders(today=dt.date(2026, 5, 8), month=april)
    assert (again.reminded, again.already, len(mail.outbox)) == (0, 1, 1)  # idempotent within a stage

    with django_capture_on_commit_callbacks(execute=True):
        late = rules.send_reminders(today=dt.date(2026, 5, 12), month=april)
    assert late.stage == OperatorReminder.Stage.LATE and len(mail.outbox) == 2
    assert "est passée" in mail.outbox[1].subject

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_operator_tables", "--mois", "2026-03", stdout=out)
    assert "03/2026 : 2 tableau(x) non transmis ; 2 opérateur(s) relancé(s)" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox[2:]) == ["coordo-gamma@exemple.invalid",
                                                         "editeur-alpha@exemple.invalid"]


# --- Feeding the hand-entered indicators --------------------------------------------------------------
def test_submitted_tables_feed_the_hand_entered_values_and_reopening_withdraws_them(ops):
    editor, gamma = login(ops.editor), login(ops.linked)
    arr = ops.world.arr
    post(editor, ops.alpha, APRIL, "submit")
    assert value(ops.followed, arr) == 12 and value(ops.followed) == 12
    assert value(ops.housing, arr) == Decimal("75.0")  # 3 of 4 left care with stable housing

    # Gamma (whole département), May: 5 followed, 1 left care without stable housing.
    may = {**APRIL, "followed": "5", "at_risk": "1", "at_risk_first_meeting": "0", "left_care": "1",
           "left_in_path": "1", "left_stable_housing": "0", "left_stable_resources": "0",
           "left_full_health_cover": "1", "housing_intermediation": "0", "housing_fjt": "0",
           "housing_autonomous": "0"}
    post(gamma, ops.gamma, may, "submit", month="2026-05")
    assert value(ops.followed) == 17  # the file active of each operator's last month: 12 + 5
    assert value(ops.followed, arr) == 12
    assert value(ops.housing) == Decimal("60.0")  # (3 + 0) of (4 + 1)

    # Alpha's May: the file active becomes 10 (its last month), leavers add up.
    post(editor, ops.alpha, {**APRIL, "followed": "10"}, "submit", month="2026-05")
    assert value(ops.followed, arr) == 10 and value(ops.followed) == 15
    assert value(ops.housing, arr) == Decimal("75.0")  # (3 + 3) of (4 + 4)

    matrix = build_matrix(year=2026, territory=arr, indicators=[ops.followed])
    assert matrix.rows[0].result.value == 10  # the yearly matrix reads the fed value

    pilot = login(ops.pilot)
    pilot.post(url(ops.alpha, "2026-05", "rouvrir/"), {"reason": "File active à recompter"})
    assert value(ops.followed, arr) == 12 and value(ops.followed) == 17  # back to April until resubmitted
    pilot.post(url(ops.alpha, "2026-04", "rouvrir/"), {"reason": "Même correction"})
    assert value(ops.followed, arr) is None and value(ops.housing, arr) is None  # nothing submitted any more
    assert value(ops.followed) == 5
    assert IndicatorValue.objects.get(indicator=ops.followed, year=2026, territory=None).comment.startswith(
        rules.FED_MARK)


# --- The operator report: each partner its own lines --------------------------------------------------
def _csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_each_partner_downloads_only_its_own_lines(ops):
    editor, gamma = login(ops.editor), login(ops.linked)
    post(editor, ops.alpha, APRIL, "submit")
    post(gamma, ops.gamma, {**APRIL, "followed": "7"}, "submit")
    post(gamma, ops.gamma, {"followed": "3"}, "draft", month="2026-05")

    rows = _csv(editor.get(BASE + "export/", {"annee": "2026", "format": "csv"}))
    assert [r[0] for r in rows[1:]] == [ops.world.A.name]
    header = rows[0]
    assert rows[1][header.index("Jeunes de 16 à 18 ans suivis dans le cadre de l'ASE")] == "12"
    assert rows[1][header.index("Présences au comité de suivi")] == "1"
    assert rows[1][header.index("Sortis de l'ASE avec un logement stable (%)")] == "75"
    assert editor.get(BASE + "export/", {"operateur": ops.gamma.pk, "format": "csv"}).status_code == 403
    mine = editor.get(BASE + "export/", {"operateur": ops.alpha.pk, "annee": "2026", "format": "xlsx"})
    assert mine.status_code == 200 and "tableau-suivi-alpha-2026.xlsx" in mine["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(mine.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [ops.world.A.name]

    own = _csv(gamma.get(BASE + "export/", {"annee": "2026", "format": "csv"}))
    assert [(r[0], r[2], r[3]) for r in own[1:]] == [(ops.world.G.name, "2026-04", "transmis"),
                                                     (ops.world.G.name, "2026-05", "brouillon")]

    everything = _csv(login(ops.pilot).get(BASE + "export/", {"annee": "2026", "format": "csv"}))
    assert sorted(r[0] for r in everything[1:]) == sorted([ops.world.A.name, ops.world.G.name])  # submitted only
    one = _csv(login(ops.pilot).get(BASE + "export/", {"mois": "2026-04", "operateur": ops.gamma.pk,
                                                        "format": "csv"}))
    assert [r[0] for r in one[1:]] == [ops.world.G.name]

    assert Client().get(BASE + "export/?format=csv").status_code == 302
    secretary = builders.make_user("secretaire-y", roles.SECRETARY)
    assert login(secretary).get(BASE + "export/?format=csv").status_code == 403
    assert editor.get(BASE + "export/", {"format": "pdf"}).status_code == 400
    assert editor.get(BASE + "export/", {"annee": "²"}).status_code == 400


def test_hostile_values_are_refused_in_french_never_a_crash(ops):
    client = login(ops.editor)
    for name, values in (("followed", ("99999999999999999999", "nan", "62\x00041")),
                         ("coordinator_posts", ("-inf", "1e3")), ("comment", ("62\x00041", "\u202eevil\u202c"))):
        for bad in values:
            response = post(client, ops.alpha, {**APRIL, name: bad}, "submit")
            assert response.status_code == 400, (name, bad)
            assert 'class="field-error"' in response.content.decode(), (name, bad)
    assert not OperatorTable.objects.exists()
    pilot = login(ops.pilot)
    for bad in ("²", "62\x00041", "2026-04\u202e"):
        assert pilot.get(BASE + "suivi/", {"mois": bad}).status_code == 200
        assert pilot.get(BASE + "export/", {"mois": bad}).status_code == 400
        assert pilot.get(BASE + "export/", {"operateur": bad}).status_code == 400


def test_the_operators_list_shows_each_month_state_and_the_home_links_to_it(ops):
    client = login(ops.editor)
    post(client, ops.alpha, APRIL, "submit")
    html = client.get(BASE).content.decode()
    assert ops.world.A.name in html and ops.world.G.name not in html  # its own operator only
    this_month = timezone.localdate().replace(day=1)
    assert f'href="{url(ops.alpha, f"{this_month:%Y-%m}")}"' in html
    deadline = rules.deadline(this_month).strftime("%d/%m/%Y")
    assert f"à transmettre pour le {deadline}" in html  # the running month is not overdue
    assert "Transmis" in html and "en retard" in html
    assert "Tableau de suivi mensuel" in client.get("/espace-pro/").content.decode()
    secretary = builders.make_user("secretaire-z", roles.SECRETARY)
    assert "Tableau de suivi mensuel" not in login(secretary).get("/espace-pro/").content.decode()
