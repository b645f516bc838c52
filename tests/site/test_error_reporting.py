"""Every server error reaches the configured error reporting (an e-mail to RELAIS_ADMINS), and the visitor sees
the French error page."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_server_error_is_mailed_to_the_admins(client, settings, mailoutbox):
    settings.ROOT_URLCONF = "tests.site.failing_urls"
    settings.ADMINS = [("exploitation@exemple.invalid", "exploitation@exemple.invalid")]
    client.raise_request_exception = False
    response = client.get("/_panne/")
    assert response.status_code == 500
    assert "erreur" in response.content.decode().lower()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["exploitation@exemple.invalid"]
    assert "/_panne/" in mailoutbox[0].subject
    assert "panne de démonstration" in mailoutbox[0].body


def test_no_admins_configured_sends_nothing(client, settings, mailoutbox):
    settings.ROOT_URLCONF = "tests.site.failing_urls"
    settings.ADMINS = []
    client.raise_request_exception = False
    assert client.get("/_panne/").status_code == 500
    assert mailoutbox == []
