"""What a partner editor finds in the admin: their organisations' records in every chooser, no site-wide report,
no page tree; and every refused request leaves a WARNING line (who, what, when)."""

import logging
import re

import pytest
from django.urls import reverse

from directory.models import Contact, Organisation, Service
from directory.permissions import assign_editor


@pytest.fixture
def two_orgs(db, partner_editor):
    mine = Organisation.objects.create(name="Mission locale de l'Arrageois", slug="ml-arrageois", status="published")
    other = Organisation.objects.create(name="CCAS de Calais", slug="ccas-calais", status="published")
    Service.objects.create(organisation=mine, name="Accompagnement emploi")
    Service.objects.create(organisation=other, name="Aides d'urgence")
    Contact.objects.create(organisation=mine, name="Accueil Arras", visibility="public")
    Contact.objects.create(organisation=other, name="Directrice Calais", visibility="internal")
    assign_editor(mine, partner_editor)
    return mine, other


def _chooser(model, view="choose", *args):
    return reverse(f"wagtailsnippetchoosers_directory_{model}:{view}", args=args)


@pytest.mark.parametrize(("model", "mine", "theirs"), [
    ("organisation", "Mission locale", "CCAS de Calais"),
    ("service", "Accompagnement emploi", "Aides d"),
    ("contact", "Accueil Arras", "Directrice Calais"),
])
def test_editor_choosers_list_only_their_organisations_records(client_as, partner_editor, two_orgs, model, mine,
                                                               theirs):
    client = client_as(partner_editor)
    for view in ("choose", "choose_results"):
        response = client.get(_chooser(model, view), headers={"x-requested-with": "XMLHttpRequest"})
        assert response.status_code == 200
        body = response.content.decode()
        assert mine in body
        assert theirs not in body


def test_editor_cannot_pick_another_organisations_contact_by_id(client_as, partner_editor, two_orgs):
    _mine, other = two_orgs
    internal = other.contacts.get()
    client = client_as(partner_editor)
    assert client.get(_chooser("contact", "chosen", internal.pk)).status_code == 404
    response = client.get(_chooser("contact", "chosen_multiple") + f"?id={internal.pk}")
    assert "Directrice Calais" not in response.content.decode()


def test_pilot_chooser_lists_every_organisation(client_as, dept_admin, two_orgs):
    body = client_as(dept_admin).get(_chooser("organisation")).content.decode()
    assert "Mission locale" in body and "CCAS de Calais" in body


def test_editor_choosers_of_other_models_are_closed(client_as, partner_editor, two_orgs):
    client = client_as(partner_editor)
    for namespace in ("wagtailsnippetchoosers_guide_feedback", "wagtailsnippetchoosers_meetings_body"):
        response = client.get(reverse(f"{namespace}:choose"))
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
        assert client.get(reverse(f"{namespace}:choose"),
                          headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403


def test_editor_reaches_neither_site_history_nor_page_chooser_nor_admin_api(client_as, partner_editor, two_orgs):
    client = client_as(partner_editor)
    for name in ("wagtailadmin_reports:site_history", "wagtailadmin_choose_page", "wagtailadmin_explore_root",
                 "wagtailadmin_workflows:task_chooser", "wagtailadmin_tag_autocomplete"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home"), name
    for endpoint in ("pages", "images", "documents"):
        response = client.get(reverse(f"wagtailadmin_api:{endpoint}:listing"))
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home"), endpoint


def _menu_urls(response) -> list[str]:
    """The URLs of the admin's sidebar menu (Wagtail renders it as JSON props)."""
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', response.content.decode(), re.S)
    return re.findall(r'"url": "(/admin/[^"]*)"', props.group(1))


def test_editor_menu_offers_their_directory_and_nothing_site_wide(client_as, partner_editor, two_orgs):
    urls = _menu_urls(client_as(partner_editor).get(reverse("wagtailadmin_home")))
    assert reverse("wagtailsnippets_directory_organisation:list") in urls
    assert reverse("wagtailsnippets_directory_contact:list") in urls
    assert not [url for url in urls if url.startswith(("/admin/reports/", "/admin/pages/", "/admin/images/",
                                                       "/admin/documents/", "/admin/snippets/meetings/"))], urls


def test_pilot_keeps_the_reports_and_the_page_tree(client_as, dept_admin, site_pages):
    client = client_as(dept_admin)
    urls = _menu_urls(client.get(reverse("wagtailadmin_home")))
    assert reverse("wagtailadmin_reports:site_history") in urls and reverse("wagtailadmin_explore_root") in urls
    assert client.get(reverse("wagtailadmin_reports:site_history")).status_code == 200
    assert client.get(reverse("wagtailadmin_api:pages:listing")).status_code == 200


def test_professional_has_no_admin(client_as, professional):
    response = client_as(professional).get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))


def test_refusals_are_logged_with_who_what_and_when(client_as, partner_editor, professional, two_orgs, caplog):
    caplog.set_level(logging.WARNING, logger="relais.access")
    client_as(partner_editor).get(reverse("wagtailadmin_reports:site_history"))
    client_as(professional).get(reverse("wagtailadmin_home"))
    lines = [record.getMessage() for record in caplog.records if record.name == "relais.access"]
    assert any("user=editeur" in line and "ip=127.0.0.1" in line and "path=/admin/reports/site-history/" in line
               and " at=" in line for line in lines), lines
    assert any("user=pro" in line and "path=/admin/" in line for line in lines), lines
    assert all(record.levelno == logging.WARNING for record in caplog.records if record.name == "relais.access")


def test_permission_denied_outside_the_admin_is_logged(client, make_user, caplog):
    caplog.set_level(logging.WARNING, logger="relais.access")
    no_role = make_user("sans-role")
    client.force_login(no_role, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("relais:pro-home"))
    assert response.status_code == 403
    assert any("user=sans-role" in r.getMessage() and "path=/espace-pro/" in r.getMessage() for r in caplog.records)


def test_allowed_requests_are_not_logged(client_as, partner_editor, two_orgs, caplog):
    caplog.set_level(logging.WARNING, logger="relais.access")
    assert client_as(partner_editor).get(reverse("wagtailsnippets_directory_organisation:list")).status_code == 200
    assert not [r for r in caplog.records if r.name == "relais.access"]


def test_admin_views_are_guarded_once_when_the_urlconf_is_imported_again():
    """A second pass (a reloaded URLconf) must not wrap a view in itself: ``__wrapped__`` loops never end."""
    from wagtail.admin import urls as wagtailadmin_urls

    from relais.admin_access import protect_admin_urls

    protect_admin_urls(wagtailadmin_urls.urlpatterns)
    protect_admin_urls(wagtailadmin_urls.urlpatterns)

    def callbacks(patterns):
        for pattern in patterns:
            yield from callbacks(getattr(pattern, "url_patterns", []))
            if getattr(pattern, "callback", None) is not None:
                yield pattern.callback

    seen = list(callbacks(wagtailadmin_urls.urlpatterns))
    assert seen and all(callback._relais_guarded for callback in seen)
    assert all(callback.__wrapped__ is not callback for callback in seen)
    assert not any(getattr(callback.__wrapped__, "_relais_guarded", False) for callback in seen)
