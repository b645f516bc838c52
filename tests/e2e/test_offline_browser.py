"""The guide in the pocket in a real Chromium (Debian's, headless) at 360 px: installable (manifest and worker
registered, the page controlled), readable offline after one visit (article, partner list), the offline page
for a page never opened, a directory change reaching the saved list, "Garder hors connexion", and nothing of a
signed-in professional in the caches. The browser context is set offline with ``context.set_offline(True)``;
http://localhost (the live server's host) is a secure context, where service workers run."""

import pytest

from directory.models import Contact, Organisation
from guide.territory import COOKIE_NAME
from tests import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every URL the caches hold, and the text of every saved answer (evaluated in the page).
CACHED = """async () => {
  const entries = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      entries.push({cache: name, url: request.url, control: response.headers.get("Cache-Control"),
                    body: await response.text()});
    }
  }
  return entries;
}"""


@pytest.fixture
def pocket(chromium, live_server, csp_watch):
    """pocket(territory=None) → a phone page (360 px, French) whose context keeps the territory cookie."""
    contexts = []

    def open_page(territory=None):
        context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR",
                                       base_url=live_server.url, is_mobile=True, has_touch=True)
        contexts.append(context)
        if territory is not None:
            context.add_cookies([{"name": COOKIE_NAME, "value": territory.code, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp = csp_watch(context)
        return page

    yield open_page
    for context in contexts:
        context.close()


def installed(page, url="/guide/"):
    """Opens ``url``, waits for the worker to be active, and reloads: the page is then controlled."""
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    # (page.evaluate goes through the DevTools protocol; wait_for_function would eval() under the page's CSP)
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    return page


def cached_urls(page):
    return [entry["url"].removeprefix(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2])
            for entry in page.evaluate(CACHED)]


def test_installable_manifest_and_worker_control_the_page(pocket, guide_tree):
    page = installed(pocket())
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    assert page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)").endswith("/")
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == ("Relais – guide", "/guide/",
                                                                              "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    # The browser's own reading of the manifest, through the DevTools protocol.
    cdp = page.context.new_cdp_session(page)
    read = cdp.send("Page.getAppManifest")
    assert read["errors"] == [] and read["url"].endswith("/manifest.webmanifest")
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    page.csp.assert_none(page)


def test_article_and_partner_list_open_offline_after_one_visit(pocket, guide_tree, partners, territories):
    page = installed(pocket(territories["arras"]))
    article = guide_tree["article"]
    partner_list = f"/annuaire/?territoire={territories['arras'].code}"
    page.goto(article.url)
    page.goto(partner_list)
    page.context.set_offline(True)

    page.goto(article.url)
    assert page.get_by_role("heading", level=1).inner_text() == article.title
    note = page.locator(".saved-note")
    assert note.inner_text().startswith("Page enregistrée le ")
    assert page.locator("footer.site-footer").get_by_role("link", name="Plan du site").is_visible()  # all of it
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(partner_list)
    main = page.get_by_role("main")
    assert main.get_by_text("Foyer des jeunes travailleurs d'Arras").first.is_visible()
    call = main.get_by_role("link", name="Appeler le 01 99 00 10 01").first
    assert call.get_attribute("href") == "tel:+33199001001"
    assert page.locator(".saved-note").is_visible()
    page.csp.assert_none(page)


def test_a_page_never_opened_shows_the_offline_page_with_the_emergency_numbers(pocket, guide_tree, axe_check):
    page = installed(pocket())
    page.context.set_offline(True)
    page.goto(guide_tree["theme"].url)  # never opened
    assert page.get_by_role("heading", level=1).inner_text() == "Pas de connexion"
    assert page.get_by_role("link", name="Appeler le 115", exact=False).first.get_attribute("href") == "tel:115"
    assert page.get_by_role("link", name="Envoyer un SMS au 114", exact=False).get_attribute("href") == "sms:114"
    saved = page.locator("#saved-pages a")
    saved.first.wait_for()
    hrefs = [href.split("/", 3)[3] for href in saved.evaluate_all("links => links.map(a => a.href)")]
    assert "guide/" in hrefs and "urgence/" in hrefs  # precached at install, listed from the cache
    assert page.locator('#saved-pages a[href$="/urgence/"]').inner_text() == "Urgence : les numéros à appeler – Relais"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)
    page.locator('#saved-pages a[href$="/urgence/"]').click()
    page.wait_for_url("**/urgence/")
    assert page.get_by_role("heading", level=1).inner_text() == "Urgence : qui appeler ?"
    page.csp.assert_none(page)


def test_a_directory_change_reaches_the_saved_partner_list_at_the_next_visit(pocket, guide_tree, partners,
                                                                             territories):
    page = installed(pocket(territories["arras"]))
    partner_list = f"/annuaire/?territoire={territories['arras'].code}"
    page.goto(partner_list)
    page.context.set_offline(True)
    page.goto(partner_list)
    assert page.get_by_role("link", name="Appeler le 01 99 00 10 01").count() == 1

    page.context.set_offline(False)
    organisation = Organisation.objects.get(pk=partners["fjt_arras"].pk)
    organisation.phone = "01 99 00 20 02"
    organisation.save()
    page.goto(partner_list)  # online: the network first
    assert page.get_by_role("link", name="Appeler le 01 99 00 20 02").count() == 1
    page.context.set_offline(True)
    page.goto(partner_list)
    assert page.locator(".saved-note").is_visible()
    assert page.get_by_role("link", name="Appeler le 01 99 00 20 02").count() == 1
    assert page.get_by_role("link", name="Appeler le 01 99 00 10 01").count() == 0


def test_keep_offline_saves_the_whole_guide_after_saying_its_weight(pocket, guide_tree, partners, territories,
                                                                   axe_check):
    page = installed(pocket(territories["arras"]))
    section = page.locator("#garder")
    section.wait_for(state="visible")
    assert section.locator("#garder-poids").inner_text().startswith("(environ ")
    axe_check(page, context="#garder")
    section.get_by_role("button", name="Garder hors connexion").tap()
    section.and_(page.locator('[data-state="done"]')).wait_for(state="attached", timeout=60_000)
    assert section.get_by_role("status").inner_text().startswith("C’est fait")
    urls = cached_urls(page)
    assert not any(url.endswith((".png", ".svg", ".jpg")) for url in urls)  # text only
    page.context.set_offline(True)
    for url in (guide_tree["theme"].url, guide_tree["path"].url, "/guide/glossaire/"):  # never opened
        page.goto(url)
        assert page.locator(".saved-note").is_visible(), url
        assert page.get_by_role("heading", level=1).inner_text() != "Pas de connexion"
    page.csp.assert_none(page)


def test_nothing_of_a_signed_in_professional_is_ever_cached(pocket, guide_tree, partners, territories, professional,
                                                            login_in_browser):
    organisation = partners["fjt_arras"]
    builders.make_contact(organisation, name="Accueil réservé aux pros", phone="01 99 00 30 03",
                          email="pros@exemple.invalid", visibility=Contact.Visibility.PROFESSIONALS)
    page = installed(pocket(territories["arras"]))
    login_in_browser(page, professional)
    for url in ("/espace-pro/", f"/annuaire/{organisation.slug}/", "/annuaire/", "/guide/",
                guide_tree["article"].url, "/instances/", "/indicateurs/", "/admin/", "/urgence/"):
        page.goto(url)
    assert "pros@exemple.invalid" in page.goto(f"/annuaire/{organisation.slug}/").text()  # shown to them, online
    entries = page.evaluate(CACHED)
    assert entries, "the worker precached nothing"
    for entry in entries:
        path = "/" + entry["url"].split("/", 3)[3]
        assert not path.startswith(("/espace-pro/", "/admin/", "/instances/", "/indicateurs/", "/api/")), path
        assert "no-store" not in (entry["control"] or "") and "private" not in (entry["control"] or ""), path
        assert "pros@exemple.invalid" not in entry["body"] and "Accueil réservé aux pros" not in entry["body"], path
        assert "Espace pro" not in entry["body"], path  # no page rendered for the signed-in user


def test_feedback_text_is_never_cached(pocket, guide_tree, partners):
    page = installed(pocket())
    article = guide_tree["article"]
    page.goto(article.url)
    page.evaluate("document.querySelectorAll('[required]').forEach(field => field.required = false)")
    page.locator("#avis-commentaire").fill("Mon foyer ferme le 3 mars, je ne sais pas où aller")
    page.get_by_role("button", name="Envoyer mon avis").click()  # without "oui"/"non": the text comes back (400)
    page.wait_for_url("**/guide/avis/")
    assert "Mon foyer ferme le 3 mars" in page.locator("#r-commentaire").input_value()
    page.go_back()
    page.get_by_label("Non").check()
    page.locator("#avis-commentaire").fill("Mon foyer ferme le 3 mars, je ne sais pas où aller")
    page.get_by_role("button", name="Envoyer mon avis").click()
    page.wait_for_url(f"**{article.url}#avis")
    for entry in page.evaluate(CACHED):
        assert "Mon foyer ferme le 3 mars" not in entry["body"], entry["url"]
        assert "/guide/avis/" not in entry["url"]


def test_a_new_worker_version_replaces_the_precache_without_the_reader_doing_anything(pocket, guide_tree,
                                                                                      monkeypatch):
    import time

    from guide import offline

    page = installed(pocket())
    names = "caches.keys().then(names => names.filter(name => name.startsWith('relais-precache-')))"
    [old] = page.evaluate(names)
    real = offline._static_bytes
    monkeypatch.setattr(offline, "_static_bytes",
                        lambda name: real(name) + (b"/* deployed again */" if name.endswith("guide.css") else b""))
    offline._worker.cache_clear()
    try:
        page.goto("/guide/glossaire/")  # an ordinary visit: the browser checks /sw.js, the new one takes over
        deadline = time.monotonic() + 60  # the new worker installs, activates and deletes the old precache
        found = page.evaluate(names)  # read once per round: [old], then [old, new] while it installs, then [new]
        while (len(found) != 1 or found == [old]) and time.monotonic() < deadline:
            time.sleep(0.25)
            found = page.evaluate(names)
        assert len(found) == 1, f"precaches after a minute: {found} (the old one: {old})"
        [new] = found
    finally:
        offline._worker.cache_clear()
    assert new != old
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto(guide_tree["theme"].url)  # never opened: the new precache's offline page
    assert page.get_by_role("heading", level=1).inner_text() == "Pas de connexion"


def test_offline_in_arabic_the_worker_a_saved_article_and_the_offline_page(pocket, arabic_world, axe_check):
    """An Arabic reader's worker is /ar/sw.js: it precaches the Arabic guide home, offline and emergency pages,
    and keeps the Arabic pages opened; offline, they read right to left with the saved-page note in Arabic."""
    page = installed(pocket(), "/ar/guide/")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/ar/sw.js")
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert (manifest["lang"], manifest["dir"], manifest["start_url"]) == ("ar", "rtl", "/ar/guide/")
    article = "/ar/guide/logement/trouver-un-logement/"
    page.goto(article)
    page.context.set_offline(True)

    page.goto(article)
    assert page.get_by_role("heading", level=1).inner_text() == "أن تجد سكنًا في سن 18"
    assert (page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")) == ("ar", "rtl")
    assert page.locator(".saved-note").inner_text().startswith("صفحة محفوظة بتاريخ ")

    page.goto("/ar/guide/logement/")  # never opened: the Arabic offline page
    assert page.get_by_role("heading", level=1).inner_text() == "لا يوجد اتصال"
    assert (page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")) == ("ar", "rtl")
    assert page.locator('a[href="tel:115"]').first.get_attribute("aria-label").startswith("اتصل بالرقم 115")
    saved = page.locator("#saved-pages a")
    saved.first.wait_for()
    hrefs = [href.split("/", 3)[3] for href in saved.evaluate_all("links => links.map(a => a.href)")]
    assert {"ar/guide/", "ar/urgence/", "ar/guide/logement/trouver-un-logement/"} <= set(hrefs), hrefs
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)
    page.csp.assert_none(page)
