"""Département admins edit definitions, targets and values; bad input is refused in French, nothing saved."""

import html as htmllib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.indicators.models import Indicator, IndicatorTarget, IndicatorValue


def _page(response):
    return htmllib.unescape(response.content.decode())


def _indicator_post(world, **overrides):
    data = {
        "convention": world.convention.pk, "code": "taux-nouveau", "name": "Nouveau taux",
        "definition": "Calculé ainsi.", "source": "", "computation": "manual", "unit": "percent",
        "sort_order": "10", "is_active": "on", "presence_basis": "effective",
        "targets-TOTAL_FORMS": "1", "targets-INITIAL_FORMS": "0", "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-year": "2026", "targets-0-value": "80", "targets-0-ORDER": "1", "targets-0-DELETE": "",
        "targets-0-id": "",
    }
    data.update(overrides)
    return data


def test_admin_creates_an_indicator_with_its_targets(client_as, dept_admin, world):
    client = client_as(dept_admin)
    response = client.post(reverse("indicator:add"), _indicator_post(world))
    assert response.status_code == 302, _page(response)[-3000:]
    indicator = Indicator.objects.get(code="taux-nouveau")
    assert list(indicator.targets.values_list("year", "value")) == [(2026, 80)]


@pytest.mark.parametrize("field,value,message", [
    ("targets-0-value", "120", "Un pourcentage ne peut pas dépasser 100."),
    ("targets-0-value", "beaucoup", "Saisissez un nombre."),
    ("targets-0-year", "2031", "L'année 2031 est hors de la convention (2025–2027)."),
    ("unit", "count", "Ce calcul donne un résultat en"),
])
def test_admin_refuses_bad_targets(client_as, dept_admin, world, field, value, message):
    client = client_as(dept_admin)
    overrides = {field: value}
    if field == "unit":
        overrides["computation"] = "youth_presence_rate"
    response = client.post(reverse("indicator:add"), _indicator_post(world, **overrides))
    assert response.status_code == 200
    assert message in _page(response)
    assert not Indicator.objects.filter(code="taux-nouveau").exists()
    assert not IndicatorTarget.objects.filter(year=2031).exists()


@pytest.mark.parametrize("value,year,message", [
    ("abc", "2026", "Saisissez un nombre."),
    ("12.5", "2026", "Un nombre de personnes ou de séances est un nombre entier."),
    ("-3", "2026", "La valeur ne peut pas être négative."),
    ("12", "2019", "L'année 2019 est hors de la convention (2025–2027)."),
    ("231", "2026", "Une valeur existe déjà"),
])
def test_admin_refuses_bad_hand_entered_values(client_as, dept_admin, world, value, year, message):
    client = client_as(dept_admin)
    before = list(IndicatorValue.objects.values_list("pk", "value"))
    response = client.post(reverse("indicatorvalue:add"), {
        "indicator": world.ind.cjm.pk, "year": year, "territory": "", "value": value, "comment": ""})
    assert response.status_code == 200
    assert message in _page(response)
    assert list(IndicatorValue.objects.values_list("pk", "value")) == before


def test_hand_entered_value_for_a_computed_indicator_is_refused(world):
    value = IndicatorValue(indicator=world.ind.partner, year=2026, value=50)
    with pytest.raises(ValidationError, match="calculé à partir des présences"):
        value.full_clean()


def test_admin_saves_a_good_value_and_the_dashboard_shows_it(client_as, dept_admin, world):
    client = client_as(dept_admin)
    response = client.post(reverse("indicatorvalue:add"), {
        "indicator": world.ind.cjm.pk, "year": "2025", "territory": "", "value": "198", "comment": ""})
    assert response.status_code == 302
    api = client.get("/indicateurs/api/indicateurs/contrats-jeunes-majeurs/", {"annee": "2025"}).json()
    assert api["indicators"][0]["value"] == 198.0


def test_a_professional_cannot_reach_the_indicator_admin(client_as, professional, world):
    client = client_as(professional)
    assert client.get(reverse("indicator:index")).status_code in (302, 403)
    response = client.post(reverse("indicatorvalue:add"), {
        "indicator": world.ind.cjm.pk, "year": "2025", "value": "1"})
    assert response.status_code in (302, 403)
    assert not IndicatorValue.objects.filter(year=2025).exists()


def test_admin_listings_render_for_the_departement(client_as, dept_admin, world):
    client = client_as(dept_admin)
    for name in ("indicator", "indicatorvalue", "convention"):
        response = client.get(reverse(f"{name}:index"))
        assert response.status_code == 200, name
    response = client.get(reverse("indicator:edit", args=[world.ind.partner.pk]))
    assert response.status_code == 200
    assert "Mode de calcul" in _page(response) or "mode de calcul" in _page(response)
