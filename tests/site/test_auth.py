"""Professional space: French login, throttling, role checks."""

import pytest
from django.contrib.auth.models import Group, Permission

from relais import permissions, roles

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-de-test"


def test_login_page_is_french_and_separate_from_the_admin(client):
    response = client.get("/espace-pro/connexion/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Connexion à l'espace professionnel" in html
    assert 'autocomplete="current-password"' in html


def test_professional_logs_in_and_sees_the_professional_space(client, professional):
    response = client.post("/espace-pro/connexion/", {"username": "pro", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/espace-pro/"
    assert "Espace professionnel" in response.content.decode()
    assert "Professionnel" in response.content.decode()


def test_wrong_password_shows_a_french_error(client, professional):
    response = client.post("/espace-pro/connexion/", {"username": "pro", "password": "faux"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, professional, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/espace-pro/connexion/", {"username": "pro", "password": "faux"})
    response = client.post("/espace-pro/connexion/", {"username": "pro", "password": PASSWORD})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/espace-pro/")
    assert response.status_code == 302
    assert response["Location"].startswith("/espace-pro/connexion/")


def test_user_without_a_role_is_refused(client_as, make_user):
    response = client_as(make_user("nobody")).get("/espace-pro/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_logout_is_a_post(client_as, professional):
    client = client_as(professional)
    response = client.post("/espace-pro/deconnexion/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


def test_every_permission_a_role_names_exists():
    assert roles.sync_role_permissions() == []


def test_roles_hold_their_permissions(professional, dept_admin):
    assert permissions.is_professional(professional)
    assert not professional.has_perm("wagtailadmin.access_admin")
    assert dept_admin.has_perm("wagtailadmin.access_admin")


def test_object_permission_helper_uses_guardian(make_user):
    from guardian.shortcuts import assign_perm

    editor = make_user("ed", roles.PARTNER_EDITOR)
    mine, other = Group.objects.create(name="mine"), Group.objects.create(name="other")
    assign_perm("auth.change_group", editor, mine)
    assert permissions.can(editor, "auth.change_group", mine)
    assert not permissions.can(editor, "auth.change_group", other)
    both = Group.objects.filter(name__in=["mine", "other"])
    assert list(permissions.objects_for(editor, "auth.change_group", both)) == [mine]
    with pytest.raises(permissions.PermissionDenied):
        permissions.require(editor, "auth.change_group", other)


def test_global_permission_holder_sees_every_object(make_user):
    admin = make_user("adm", roles.DEPARTEMENT_ADMIN)
    admin.user_permissions.add(Permission.objects.get(codename="change_group"))
    admin = type(admin).objects.get(pk=admin.pk)
    assert permissions.can(admin, "auth.change_group", Group.objects.create(name="any"))
    assert not permissions.can(None, "auth.change_group")


def test_professional_home_links_to_the_directory_export_for_holders_only(client_as, professional, secretary):
    assert "/annuaire/export.csv" in client_as(professional).get("/espace-pro/").content.decode()
    assert "/annuaire/export.csv" not in client_as(secretary).get("/espace-pro/").content.decode()


def test_behind_a_proxy_one_visitor_locking_a_username_does_not_lock_it_for_another(client, professional, settings,
                                                                                     via_proxy):
    login = "/espace-pro/connexion/"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "pro", "password": "faux"}, **via_proxy("198.51.100.1"))
    assert client.post(login, {"username": "pro", "password": PASSWORD}, **via_proxy("198.51.100.1")).status_code == 429
    colleague = client.post(login, {"username": "pro", "password": PASSWORD}, **via_proxy("198.51.100.2"))
    assert colleague.status_code == 302 and colleague["Location"] == "/espace-pro/"


def test_a_made_up_forwarded_address_does_not_escape_the_lockout(client, professional, settings, forged_forwarding):
    login = "/espace-pro/connexion/"
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "pro", "password": "faux"}, **forged_forwarding(n))
    response = client.post(login, {"username": "pro", "password": PASSWORD}, **forged_forwarding(99))
    assert response.status_code == 429 and "_auth_user_id" not in client.session
