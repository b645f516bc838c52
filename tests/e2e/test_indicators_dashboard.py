"""The indicator dashboard in real Chromium at 360 px: readable, filterable without JavaScript, and axe-clean."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures():
    """Two held COPIL sessions: 2025 (1 of 2 partners present) and 2026 (2 of 2); the demo's definitions."""
    from meetings.models import Attendance, Body, Invitation
    from relais.demo import indicators as demo
    from tests.builders import make_meeting, make_org, territory_world

    d62 = territory_world("62", "62-ARR", located=False)["62"]
    orgs = [make_org(f"Partenaire {n}", slug=f"partenaire-{n}") for n in (1, 2)]
    copil = Body.objects.create(name="COPIL", slug="copil", kind="copil", territory=d62, is_decision_body=True)
    for year, statuses in ((2025, ("present", "excused")), (2026, ("remote", "represented"))):
        when = timezone.make_aware(dt.datetime(year, 3, 10, 14))
        meeting = make_meeting(copil, start=when, status="held", convened_at=when - dt.timedelta(days=10))
        for organisation, status in zip(orgs, statuses, strict=True):
            invitation = Invitation.objects.create(meeting=meeting, organisation=organisation,
                                                   person_key=f"org:{organisation.pk}")
            Attendance.objects.create(meeting=meeting, invitation=invitation, status=status,
                                      person_key=invitation.person_key)
    demo.load(lambda _m: None)
    from meetings.indicators.models import Indicator

    assert Indicator.objects.get(code="presence-partenaires").targets.get(year=2026).value == Decimal(70)


def test_dashboard_on_a_phone_is_accessible_and_filters_without_javascript(phone_page, dept_admin, figures,
                                                                           login_in_browser, axe_check):
    page = phone_page
    login_in_browser(page, dept_admin)
    page.goto("/indicateurs/?annee=2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicateurs de la convention")
    cell = page.locator('td[data-indicator="presence-partenaires"]')
    expect(cell).to_contain_text("100 %")
    chart = page.get_by_role("img", name="Évolution : Taux de présence des partenaires aux instances de décision")
    expect(chart).to_be_visible()
    axe_check(page)
    # No horizontal scrolling of the page itself at 360 px (wide tables scroll in their own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1

    page.get_by_label("Année", exact=True).select_option("2025")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"annee=2025"))
    expect(page.locator('td[data-indicator="presence-partenaires"]')).to_contain_text("50 %")

    page.goto("/indicateurs/?annee=2031")
    expect(page.get_by_role("alert")).to_contain_text("hors de la convention")
    axe_check(page)

    page.goto("/indicateurs/presence-partenaires/?annee=2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Taux de présence des partenaires")
    axe_check(page)


def test_dashboard_without_javascript(chromium, live_server, dept_admin, figures, client):
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url,
                                   viewport={"width": 360, "height": 740})
    client.force_login(dept_admin, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.goto("/indicateurs/")
    page.get_by_label("Année", exact=True).select_option("2025")
    page.get_by_label("Territoire", exact=True).select_option(label="— Arrageois")
    page.get_by_role("button", name="Afficher").click()
    assert "territoire=62-ARR" in page.url
    cell = page.locator('td[data-indicator="presence-partenaires"]')
    # Both definitions of presence are shown, each without data for this territory.
    expect(cell).to_contain_text("Pas de données")
    expect(cell).to_contain_text("présence ou représentation : Pas de données")
    context.close()
