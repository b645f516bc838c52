"""Dashboard, drill-down, downloads and API: permissions, filters, and the same number everywhere."""

import csv
import html as htmllib
import io
import json
import re

import pytest
from openpyxl import load_workbook

from meetings.indicators.matrix import build_matrix

URL = "/indicateurs/"


@pytest.fixture
def admin_client(client_as, dept_admin):
    return client_as(dept_admin)


def test_anonymous_visitors_are_sent_to_login(client, world):
    for url in (URL, URL + "presence-partenaires/", URL + "export/?annee=2026",
                URL + "rapport-operateurs/?mois=2026-04"):
        response = client.get(url)
        assert response.status_code == 302 and "/espace-pro/connexion/" in response["Location"]
    assert client.get(URL + "api/indicateurs/").status_code == 401


def test_a_professional_without_the_permission_gets_403(client_as, professional, world):
    client = client_as(professional)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/?annee=2026&format=csv").status_code == 403
    assert client.get(URL + "api/indicateurs/").status_code == 403


def test_dashboard_shows_value_target_gap_and_trend(admin_client, world, django_assert_max_num_queries):
    # session, user, filters, 5 figure queries, prefetches; +4 on a first visit: the sessions' counts are read
    # (1), counted and kept (3 per 500 sessions, compute.count_sessions)
    with django_assert_max_num_queries(24):
        response = admin_client.get(URL, {"annee": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "66,7 %" in html and "(6/9)" in html and "70 %" in html and "−3,3 pts" in html
    assert "Non atteinte" in html
    assert "Oui, le 10/03/2026" in html
    assert "<svg" in html and "Pas de données" in html  # 2025 and 2027 have no decision session
    # SVG coordinates are never localised ("12,5" is not a number for SVG).
    assert re.search(r'<rect x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="[0-9.]+"', html)
    assert not re.search(r'(x|y|width|height|x1|x2|y1|y2)="[0-9]+,[0-9]', html)
    assert "Contrats jeunes majeurs" in html and "231" in html


def test_territory_filter_in_the_url(admin_client, world):
    html = admin_client.get(URL, {"annee": "2026", "territoire": "62-ARR"}).content.decode()
    assert "(2/4)" in html and "Arrageois" in html


def test_bad_filters_give_a_visible_note_never_a_500(admin_client, world):
    cases = [({"annee": "2031"}, "hors de la convention"), ({"annee": "abc"}, "hors de la convention"),
             ({"territoire": "99-XXX"}, "Ce territoire n'existe pas"),
             ({"debut": "2026-05-01", "fin": "2026-03-01"}, "La fin de la période précède son début"),
             ({"debut": "pas-une-date", "fin": "2026-03-01"}, "date de début valide"),
             ({"instances": "999999"}, "instance n'existe pas")]
    for params, message in cases:
        response = admin_client.get(URL, params)
        assert response.status_code == 200, params
        assert message in htmllib.unescape(response.content.decode()), params
    assert admin_client.get(URL + "export/", {"annee": "2031", "format": "csv"}).status_code == 400
    assert admin_client.get(URL + "export/", {"annee": "2026", "format": "pdf"}).status_code == 400
    response = admin_client.get(URL + "api/indicateurs/", {"debut": "2026-05-01", "fin": "2026-03-01"})
    assert response.status_code == 400 and "précède" in response.json()["details"][0]
    response = admin_client.get(URL + "rapport-operateurs/", {"mois": "2026-13"})
    assert response.status_code == 400 and "AAAA-MM" in response.content.decode()


def test_custom_period_filter(admin_client, world):
    html = admin_client.get(URL, {"annee": "2026", "debut": "2026-03-01", "fin": "2026-04-30"}).content.decode()
    assert "(4/7)" in html and "57,1 %" in html


def test_dashboard_export_and_api_give_the_same_number(admin_client, world):
    expected = build_matrix(year=2026).rows[0]
    assert expected.indicator.code == "presence-partenaires"
    html = admin_client.get(URL, {"annee": "2026"}).content.decode()
    assert 'data-indicator="presence-partenaires" class="indicator-value">66,7 %' in html
    api = admin_client.get(URL + "api/indicateurs/", {"annee": "2026"}).json()
    partner = next(row for row in api["indicators"] if row["code"] == "presence-partenaires")
    assert partner["value"] == 66.7 and partner["display"] == "66,7 %" and partner["target"] == 70.0
    assert (partner["numerator"], partner["denominator"]) == (6, 9)
    raw = admin_client.get(URL + "export/", {"annee": "2026", "format": "csv"}).content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    line = next(r for r in rows if r[3] == "presence-partenaires" and r[1] == "Tous les territoires")
    assert line[7] == "66,7 %" and line[6] == "70 %"
    workbook = load_workbook(io.BytesIO(admin_client.get(URL + "export/", {"annee": "2026"}).content))
    sheet = workbook["Matrice"]
    cell = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == "presence-partenaires")[7]
    assert cell.value == pytest.approx(0.667) and "%" in cell.number_format


def test_xlsx_export_is_formatted_for_people(admin_client, world):
    response = admin_client.get(URL + "export/", {"annee": "2026", "territoire": "62"})
    assert response["Content-Disposition"] == 'attachment; filename="indicateurs-2026-62.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Matrice"]
    assert [c.value for c in sheet[1]][:3] == ["Année", "Périmètre", "Indicateur"]  # territory, or bodies
    assert all(c.font.bold for c in sheet[1] if c.value)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width >= 40
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    territories = {r[1] for r in rows}
    assert territories == {"Pas-de-Calais", "Arrageois", "Boulonnais"}
    arr = next(r for r in sheet.iter_rows(min_row=2)
               if r[1].value == "Arrageois" and r[3].value == "presence-partenaires")
    assert arr[7].value == pytest.approx(0.5) and arr[7].number_format == "0.0 %"
    trained = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == "professionnels-formes")
    assert trained[7].value == 3 and trained[6].value == 50 and trained[8].value == -47
    trend = workbook["Tendance"]
    headers = [c.value for c in trend[1]]
    year = headers[2].split()[-1]
    assert headers[2:6] == [f"Cible {year}", f"Résultat {year}", f"Numérateur {year}", f"Dénominateur {year}"]
    partners = next(r for r in trend.iter_rows(min_row=2, values_only=True) if r[0] == "Presence partenaires")
    # Each year's rate carries what it is made of: numerator / denominator = the rate (a fraction, as a %).
    rates = [(partners[i + 1], partners[i + 2], partners[i + 3]) for i in range(2, len(partners) - 3, 4)]
    assert any(den for _rate, _num, den in rates)
    assert all(rate == pytest.approx(num / den, abs=0.0005) for rate, num, den in rates if den), rates  # 66.7 %


def test_operator_report_download(admin_client, world):
    response = admin_client.get(URL + "rapport-operateurs/", {"mois": "2026-04", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="reporting-operateurs-2026-04-tous-territoires.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Organisation", "Mois", "Périmètre"]
    assert rows[0][3] == "Présences au comité de suivi (présence ou représentation)"  # the indicator's basis
    assert ["Mission locale Alpha", "2026-04", "Tous les territoires", "1", "0", "0"] in rows
    assert rows[-1][0] == "Total" and rows[-1][3] == "2"  # Alpha and Beta at Arras: the indicator's April
    workbook = load_workbook(io.BytesIO(admin_client.get(URL + "rapport-operateurs/",
                                                         {"mois": "2026-10", "format": "xlsx"}).content))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    values = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Mission locale Alpha"][5] == 2
    rules = [r for r in workbook["Ce qui est compté"].iter_rows(min_row=2, values_only=True)]
    assert "toutes les demi-journées" in rules[2][1] and "Formation premiers secours" in rules[2][2]
    page = admin_client.get(URL + "rapport-operateurs/", {"mois": "2026-04"})
    assert page.status_code == 200
    html = htmllib.unescape(page.content.decode())
    assert "Périmètre : Tous les territoires" in html and "Mission locale Alpha" in html
    narrowed = admin_client.get(URL + "rapport-operateurs/", {"mois": "2026-04", "territoire": "62-BOU",
                                                              "format": "csv"})
    assert narrowed["Content-Disposition"] == 'attachment; filename="reporting-operateurs-2026-04-62-BOU.csv"'
    assert "Mission locale Alpha" not in narrowed.content.decode("utf-8-sig")  # Arras is not in the Boulonnais
    assert admin_client.get(URL + "rapport-operateurs/", {"mois": "2026-04", "territoire": "99-X",
                                                         "format": "csv"}).status_code == 400


def test_a_secretary_sees_only_their_bodies_figures(client_as, secretary_of_suivi_arras, world):
    client = client_as(secretary_of_suivi_arras)
    response = client.get(URL, {"annee": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "(2/4)" in html and "(6/9)" not in html
    assert "Contrats jeunes majeurs" not in html  # hand-entered département figures are not theirs
    api = client.get(URL + "api/indicateurs/", {"annee": "2026"}).json()
    partner = next(row for row in api["indicators"] if row["code"] == "presence-partenaires")
    assert (partner["numerator"], partner["denominator"]) == (2, 4)
    assert all(row["computation"] != "manual" for row in api["indicators"])
    # Asking for another body's figures gives a note, not its numbers.
    html = htmllib.unescape(client.get(URL, {"annee": "2026", "instances": str(world.copil.pk)}).content.decode())
    assert "instance n'existe pas" in html and "(3/" not in html
    assert client.get(URL + "contrats-jeunes-majeurs/").status_code == 404
    rows = list(csv.reader(io.StringIO(client.get(URL + "export/", {"annee": "2026", "format": "csv"})
                                       .content.decode("utf-8-sig")), delimiter=";"))
    assert all(r[3] != "contrats-jeunes-majeurs" for r in rows)
    response = client.get(URL + "rapport-operateurs/", {"mois": "2026-05", "format": "csv"})
    report = response.content.decode("utf-8-sig")
    assert "FJT Gamma" not in report  # present at the Boulonnais comité, not the secretary's
    assert response["Content-Disposition"].endswith('-2026-05-instances-suivi-arras.csv"')
    assert "Instances : Comité de suivi Arras" in report


def test_detail_page_drills_down(admin_client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(26):  # 22, +4 the first count of the sessions (see above)
        response = admin_client.get(URL + "presence-partenaires/", {"annee": "2026"})
    html = response.content.decode()
    assert "Organisations les plus souvent absentes" in html and "FJT Gamma" in html
    assert "Comité de suivi Arras" in html and "15/04/2026" in html
    assert admin_client.get(URL + "inconnu/").status_code == 404


def test_api_single_indicator(admin_client, world):
    data = admin_client.get(URL + "api/indicateurs/copil/", {"annee": "2026"}).json()
    assert [row["display"] for row in data["indicators"]] == ["Oui, le 10/03/2026"]
    assert data["indicators"][0]["dates"] == ["2026-03-10"]
    assert admin_client.get(URL + "api/indicateurs/nope/").status_code == 404
    json.dumps(data)


def test_every_indicator_has_a_working_detail_page(admin_client, world):
    expectations = {
        "presences-comite-suivi": "Présences par organisation",
        "professionnels-formes": "Séances prises en compte",
        "permanences": "Permanence Arras",
        "copil": "COPIL référent de parcours",
        "comite-technique": "Comité technique Arrageois",
        "presence-jeunes": "Instances, de la plus en retard à la plus avancée",
        "contrats-jeunes-majeurs": "231",
    }
    for code, text in expectations.items():
        response = admin_client.get(URL + code + "/", {"annee": "2026"})
        assert response.status_code == 200, code
        assert text in htmllib.unescape(response.content.decode()), code
    html = htmllib.unescape(admin_client.get(URL + "presence-jeunes/", {"annee": "2027"}).content.decode())
    assert "Aucune séance tenue ne compte pour ce chiffre" in html


def test_who_gets_a_link_to_the_dashboard(dept_admin, professional, secretary_of_suivi_arras, world):
    from meetings.indicators.permissions import can_view_dashboard

    assert can_view_dashboard(dept_admin) and can_view_dashboard(secretary_of_suivi_arras)
    assert not can_view_dashboard(professional)
