"""Feuille d'émargement exports: PDF, CSV and XLSX carry the same people and statuses; trainings add half-days."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from openpyxl import load_workbook

from meetings import exports, queries, services
from meetings.models import Body, Meeting
from tests import builders


def _export(client, meeting, fmt):
    response = client.get(reverse("meetings:export", args=[meeting.pk, fmt]))
    assert response.status_code == 200
    assert f'filename="emargement-{meeting.body.slug}-' in response["Content-Disposition"]
    return response


def _prepare(meeting):
    invs = list(meeting.invitations.filter(is_youth_seat=False).order_by("position"))
    services.record_attendance(invs[0], "present")
    # "Représenté·e par" names a directory organisation; a name typed as a formula comes out inert.
    services.record_attendance(invs[1], "represented",
                               represented_by_organisation=builders.make_org("=HYPERLINK(\"x\")", slug="formule"))
    services.add_walk_in(meeting, "Camille Invitée")
    return invs


def test_csv_lists_everyone_with_status_and_neutralises_formulas(client_as, body_secretary, meeting):
    invs = _prepare(meeting)
    content = _export(client_as(body_secretary), meeting, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][:5] == ["Organisation", "Personne", "Siège", "Voix", "Présence"]
    by_person = {row[1]: row for row in rows[1:]}
    assert by_person[invs[0].person_name][4] == "Présent·e"
    assert by_person[invs[1].person_name][5] == "'=HYPERLINK(\"x\")"
    assert by_person[invs[2].person_name][4] == "Non pointé·e"
    assert by_person["Camille Invitée"][2] == "Non convoqué·e"
    assert len(rows) == 1 + 4 + 1


def test_xlsx_has_title_and_rows(client_as, body_secretary, meeting):
    invs = _prepare(meeting)
    wb = load_workbook(io.BytesIO(_export(client_as(body_secretary), meeting, "xlsx").content))
    ws = wb.active
    assert ws["A1"].value == meeting.body.name
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    by_person = {v[1]: v for v in values}
    assert by_person[invs[0].person_name][4] == "Présent·e"
    assert by_person["Camille Invitée"][2] == "Non convoqué·e"
    assert len(values) == 5


def test_pdf_is_a_real_pdf_with_names(client_as, body_secretary, meeting):
    _prepare(meeting)
    response = _export(client_as(body_secretary), meeting, "pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")

    html = exports.render_pdf_html(meeting, exports.sheet_rows(meeting))
    assert "Feuille d'émargement" in html and "Camille Invitée" in html and "Signature" in html


def test_training_exports_half_days_and_trainer(client_as, secretary, make_body):
    from guardian.shortcuts import assign_perm

    body = make_body("Formation référent de parcours", kind=Body.Kind.FORMATION, youth_seats=0)
    assign_perm("meetings.manage_body", secretary, body)
    start = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    meeting = Meeting.objects.create(body=body, starts_at=start, ends_at=start + timedelta(hours=8),
                                     trainer_name="Formatrice Exemple")
    services.freeze_invitations(meeting)
    half_days = services.ensure_half_days(meeting)
    inv = meeting.invitations.first()
    services.sign_half_day(half_days[0], inv)
    client = client_as(secretary)
    rows = list(csv.reader(io.StringIO(_export(client, meeting, "csv").content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-2:] == ["03/12/2026 Matin", "03/12/2026 Après-midi"]
    assert [r for r in rows if r[1] == inv.person_name][0][-2:] == ["signé", ""]

    html = exports.render_pdf_html(meeting, exports.sheet_rows(meeting))
    assert "Formatrice Exemple" in html and "Formateur ou formatrice" in html
    sheet = client.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()
    assert "Signatures par demi-journée" in sheet
    client.post(reverse("meetings:sign", args=[meeting.pk]), {"half_day": half_days[1].pk, "invitation": inv.pk})
    assert queries.trained_person_keys(meeting) == {inv.person_key}


def test_unknown_format_is_404(client_as, body_secretary, meeting):
    assert client_as(body_secretary).get(reverse("meetings:export", args=[meeting.pk, "doc"])).status_code == 404


def test_trainer_signs_and_self_checkin_signs_the_current_half_day(client_as, client, secretary, make_body,
                                                                   monkeypatch):
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from meetings import checkin

    body = make_body("Formation référent de parcours", kind=Body.Kind.FORMATION, youth_seats=0)
    assign_perm("meetings.manage_body", secretary, body)
    # Today at 10:00, whatever the clock says: a training from 8:30 to 17:00 is under way, in its morning half-day
    # (run after 17:00, the real clock found the session over and nothing to sign).
    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    start = now.replace(hour=8, minute=30)
    meeting = Meeting.objects.create(body=body, starts_at=start, ends_at=start.replace(hour=17))
    services.freeze_invitations(meeting)
    half_days = services.ensure_half_days(meeting)
    current = services.current_half_day(meeting)
    assert current is not None and current in half_days
    inv = meeting.invitations.first()
    client.post(reverse("meetings:checkin", args=[checkin.make_token(meeting)]), {"invitation": inv.pk})
    assert list(current.signatures.values_list("person_key", "recorded_via")) == [(inv.person_key, "self_checkin")]
    staff = client_as(secretary)
    staff.post(reverse("meetings:sign", args=[meeting.pk]), {"half_day": half_days[0].pk, "trainer": "1"})
    half_days[0].refresh_from_db()
    assert half_days[0].trainer_signed_at is not None
    html = exports.render_pdf_html(meeting, exports.sheet_rows(meeting))
    assert html.count("Signé") >= 2


def _phone():
    """A phone of its own (its own cookies): one phone checks in one person (tests/meetings/test_entry_checkin.py)."""
    from django.test import Client

    return Client()


def test_checkin_is_rate_limited_per_address(meeting, monkeypatch):
    """The limit per address and session is sized on the room (500 at least, patched to 10 here)."""
    from meetings import checkin
    from meetings.models import Attendance
    from meetings.views import checkin as checkin_views

    monkeypatch.setattr(checkin_views, "CHECKIN_MIN_PER_WINDOW", 10)
    url = reverse("meetings:checkin", args=[checkin.make_token(meeting)])
    for n in range(10):
        _phone().post(url, {"name": f"Personne Extérieure {n}"})
    refused = _phone().post(url, {"name": "Une de trop"})
    assert refused.status_code == 400 and "Trop de pointages" in refused.content.decode()
    assert Attendance.objects.filter(invitation=None).count() == 10


def test_behind_a_proxy_each_phone_has_its_own_checkin_limit(meeting, via_proxy, monkeypatch):
    from meetings import checkin
    from meetings.models import Attendance
    from meetings.views import checkin as checkin_views

    monkeypatch.setattr(checkin_views, "CHECKIN_MIN_PER_WINDOW", 10)
    url = reverse("meetings:checkin", args=[checkin.make_token(meeting)])
    for n in range(10):
        _phone().post(url, {"name": f"Personne Extérieure {n}"}, **via_proxy("198.51.100.1"))
    refused = _phone().post(url, {"name": "Une de trop"}, **via_proxy("198.51.100.1"))
    assert refused.status_code == 400 and "Trop de pointages" in refused.content.decode()
    assert _phone().post(url, {"name": "Autre Téléphone"}, **via_proxy("198.51.100.2")).status_code == 200
    assert Attendance.objects.filter(invitation=None).count() == 11


def test_a_made_up_forwarded_address_does_not_escape_the_checkin_limit(meeting, forged_forwarding, monkeypatch):
    from meetings import checkin
    from meetings.models import Attendance
    from meetings.views import checkin as checkin_views

    monkeypatch.setattr(checkin_views, "CHECKIN_MIN_PER_WINDOW", 10)
    url = reverse("meetings:checkin", args=[checkin.make_token(meeting)])
    for n in range(11):
        _phone().post(url, {"name": f"Personne Extérieure {n}"}, **forged_forwarding(n))
    assert Attendance.objects.filter(invitation=None).count() == 10
