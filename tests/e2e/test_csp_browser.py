"""Every page type under the real Content-Security-Policy in Chromium: no violation, and the scripted features
still work (search autocomplete, directory map with its tiles, territory chooser, admin choosers, date
pickers, inline panels). The live sheet's websocket under the policy is checked in test_meetings_live.py,
which runs the ASGI server.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.e2e import test_meetings_live

live_meeting = test_meetings_live.live_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A 1×1 transparent PNG: the map's tiles, served in place of the tile server (no network here).
TILE = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8"
                     "ffff3f0005fe02fea7d6a4b00000000049454e44ae426082")


@pytest.fixture
def site_data(guide_tree, glossary, partners, territories, make_org):
    from search import indexing

    mapped = make_org("Mission locale du Calaisis", commune=territories["calais"], serving=[territories["62-CAL"]],
                      themes=["trouver-un-emploi"], slug="mission-locale-du-calaisis", latitude=50.95,
                      longitude=1.85, address="1 rue de la Gare")
    indexing.rebuild()
    return {"article": guide_tree["article"], "mapped": mapped}


def _context(chromium, live_server, csp_watch, user=None):
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"https://tile\.openstreetmap\.org/.*"),
                  lambda route: route.fulfill(status=200, content_type="image/png", body=TILE))
    if user is not None:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
    watch = csp_watch(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page, watch


def _visit(page, url):
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    page.wait_for_load_state("networkidle")


def test_public_pages_and_their_scripts_work_under_the_policy(chromium, live_server, csp_watch, site_data):
    context, page, watch = _context(chromium, live_server, csp_watch)
    try:
        for url in ["/", "/accessibilite/", "/guide/", "/guide/logement/", "/guide/logement/trouver-un-logement/",
                    "/guide/mon-parcours/", "/guide/glossaire/", "/guide/imprimer/", "/annuaire/",
                    f"/annuaire/{site_data['mapped'].slug}/", "/recherche/?q=logement"]:
            _visit(page, url)
        assert page.locator(".hit").count() > 0
        # The directory map: Leaflet, its markers (json_script data) and a tile from the tile server's host.
        _visit(page, "/annuaire/?vue=carte")
        expect(page.locator("#directory-map")).to_have_attribute("data-ready", re.compile(r"[1-9]"))
        assert page.locator(".leaflet-marker-icon").count() >= 1
        expect(page.locator("img.leaflet-tile-loaded").first).to_be_attached()
        # The search autocomplete.
        _visit(page, "/recherche/")
        page.get_by_role("combobox", name="Ta recherche").press_sequentially("missi", delay=30)
        expect(page.get_by_role("listbox").get_by_role("option").first).to_be_visible()
        # The guide's territory chooser.
        _visit(page, "/guide/territoire/")
        page.get_by_role("combobox", name="Ta commune").fill("Cal")
        expect(page.get_by_role("option", name="Calais (Calaisis)")).to_be_visible()
        # The professional login page, before anyone is signed in.
        _visit(page, "/espace-pro/connexion/")
        watch.assert_none(page)
    finally:
        context.close()


def test_professional_pages_under_the_policy(chromium, live_server, csp_watch, live_meeting, superuser):
    from meetings.checkin import make_token
    from relais.demo import indicators as indicators_demo

    indicators_demo.load(lambda _message: None)
    context, page, watch = _context(chromium, live_server, csp_watch, superuser)
    try:
        seance = f"/instances/seances/{live_meeting.pk}/"
        for url in ["/espace-pro/", "/instances/", f"/instances/{live_meeting.body.slug}/", seance,
                    f"{seance}feuille/", f"{seance}qr/", f"/instances/pointage/{make_token(live_meeting)}/",
                    "/indicateurs/"]:
            _visit(page, url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Indicateurs de la convention")
        watch.assert_none(page)
    finally:
        context.close()


def test_wagtail_admin_works_under_the_policy(chromium, live_server, csp_watch, site_data, live_meeting, superuser):
    context, page, watch = _context(chromium, live_server, csp_watch, superuser)
    organisation = site_data["mapped"]
    try:
        _visit(page, "/admin/")
        # Page editor: its date picker starts from Relais' data- marker instead of an inline script.
        _visit(page, f"/admin/pages/{site_data['article'].pk}/edit/")
        page.locator("#id_updated_on").click()
        expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
        _visit(page, "/admin/snippets/directory/organisation/")
        expect(page.get_by_role("link", name=organisation.name)).to_be_visible()
        # Snippet editor and a modal chooser (the commune), with its results.
        _visit(page, f"/admin/snippets/directory/organisation/edit/{organisation.pk}/")
        page.locator("#id_commune-chooser [data-chooser-action-choose]").first.dispatch_event("click")
        modal = page.locator(".modal-dialog")
        expect(modal).to_be_visible()
        expect(modal.get_by_role("link", name=re.compile("Arras"))).to_be_visible()
        # An inline panel adds a member form, whose choosers start too.
        _visit(page, f"/admin/snippets/meetings/body/edit/{live_meeting.body.pk}/")
        total = int(page.locator("#id_members-TOTAL_FORMS").input_value())
        page.locator("#id_members-ADD").click()
        expect(page.locator("#id_members-TOTAL_FORMS")).to_have_value(str(total + 1))
        expect(page.locator(f'[data-for="id_members-{total}-organisation"][data-relais-started]')).to_have_count(1)
        watch.assert_none(page)
    finally:
        context.close()
