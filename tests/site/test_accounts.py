"""Accounts: long passwords, sessions that end when left idle, and a second factor for the département's admins."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais import roles

pytestmark = pytest.mark.django_db

PRO_HOME = "/espace-pro/"


def code_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.parametrize("password", ["Relais2026", "motdepasse", "qwertyuiop12", "password1234", "123456789012"])
def test_short_or_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("trois-mots-pour-un-relais")


def _age_session(client, minutes):
    session = client.session
    session["relais_last_seen"] = int(time.time()) - minutes * 60
    session.save()


def test_staff_session_ends_after_30_idle_minutes(client_as, secretary):
    client = client_as(secretary)
    assert client.get(PRO_HOME).status_code == 200
    _age_session(client, 29)
    assert client.get(PRO_HOME).status_code == 200
    _age_session(client, 31)
    response = client.get(PRO_HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/espace-pro/connexion/?next=")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "expiré après 30 minutes sans activité" in page.content.decode()


def test_professional_session_has_the_longer_idle_delay(client_as, professional):
    client = client_as(professional)
    client.get(PRO_HOME)
    _age_session(client, 31)
    assert client.get(PRO_HOME).status_code == 200
    _age_session(client, 121)
    assert client.get(PRO_HOME).status_code == 302


def test_session_cookie_has_a_maximum_age(client, professional, settings):
    from tests.conftest import PASSWORD

    response = client.post("/espace-pro/connexion/", {"username": "pro", "password": PASSWORD})
    assert response.status_code == 302
    assert int(response.cookies["sessionid"]["max-age"]) == settings.SESSION_COOKIE_AGE <= 12 * 3600


@pytest.fixture
def second_factor_required(settings):
    settings.RELAIS_2FA_REQUIRED_ROLES = [roles.DEPARTEMENT_ADMIN, "superuser"]


def test_admin_must_set_up_a_second_factor_before_anything(client_as, dept_admin, second_factor_required):
    client = client_as(dept_admin)
    for path in (PRO_HOME, "/admin/", "/indicateurs/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/espace-pro/double-authentification/?next="), path
    page = client.get("/espace-pro/double-authentification/?next=/admin/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=dept_admin, confirmed=False)

    wrong = client.post("/espace-pro/double-authentification/", {"token": "000000", "next": "/admin/"})
    assert "Code incorrect" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a wrong code throttles the device for a second or two

    done = client.post("/espace-pro/double-authentification/", {"token": code_for(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(PRO_HOME).status_code == 200


def test_account_with_a_device_enters_a_code_at_each_login(client_as, secretary, client):
    device = TOTPDevice.objects.create(user=secretary, name="téléphone", confirmed=True)
    client = client_as(secretary)
    response = client.get("/instances/")
    assert response.status_code == 302
    assert response["Location"].startswith("/espace-pro/verification/?next=")
    refused = client.post("/espace-pro/verification/", {"token": "12345a", "next": "/instances/"})
    assert "ne contient que des chiffres" in refused.content.decode()
    assert client.get("/instances/").status_code == 302
    ok = client.post("/espace-pro/verification/", {"token": code_for(device), "next": "/instances/"})
    assert ok.status_code == 302 and ok["Location"] == "/instances/"
    assert client.get("/instances/").status_code == 200


def test_verification_never_redirects_off_site(client_as, secretary):
    device = TOTPDevice.objects.create(user=secretary, name="téléphone", confirmed=True)
    client = client_as(secretary)
    response = client.post("/espace-pro/verification/", {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == PRO_HOME


def test_second_factor_is_optional_for_other_staff(client_as, secretary, second_factor_required):
    assert client_as(secretary).get(PRO_HOME).status_code == 200


def test_many_usernames_from_one_address_lock_that_address_only(client, professional, settings):
    from django.test import Client

    from tests.conftest import PASSWORD

    settings.RELAIS_LOGIN_ADDRESS_LIMIT = 20
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(21):
        attacker.post("/espace-pro/connexion/", {"username": f"compte{n}", "password": "devine-moi-123"})
    refused = attacker.post("/espace-pro/connexion/", {"username": "pro", "password": PASSWORD})
    assert refused.status_code == 200
    assert "échecs de connexion depuis cette adresse" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session
    admin_login = attacker.post("/admin/login/", {"username": "pro", "password": PASSWORD})
    assert "_auth_user_id" not in attacker.session, admin_login.status_code

    colleague = Client(REMOTE_ADDR="198.51.100.20")
    ok = colleague.post("/espace-pro/connexion/", {"username": "pro", "password": PASSWORD})
    assert ok.status_code == 302


def test_password_reset_is_throttled_per_address_and_per_account(dept_admin, settings, mailoutbox):
    from django.test import Client

    settings.RELAIS_PASSWORD_RESET_LIMIT = 3
    url = "/admin/password_reset/"
    one_address = Client(REMOTE_ADDR="203.0.113.8")
    for n in range(3):
        assert one_address.post(url, {"email": f"inconnu{n}@exemple.invalid"}).status_code == 302
    refused = one_address.post(url, {"email": dept_admin.email})
    assert "Trop de demandes de réinitialisation" in refused.content.decode()
    assert mailoutbox == []

    for n in range(3):
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(url, {"email": dept_admin.email})
    flood = Client(REMOTE_ADDR="198.51.100.99").post(url, {"email": dept_admin.email.upper()})
    assert "Trop de demandes de réinitialisation" in flood.content.decode()
    assert len(mailoutbox) == 3
    assert all(settings.WAGTAILADMIN_BASE_URL + "/admin/password_reset/confirm/" in m.body for m in mailoutbox)
