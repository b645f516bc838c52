"""The pilot names and removes a body's secretaries in the admin's body form (no shell needed)."""

from django.urls import reverse

from meetings.permissions import can_manage_body
from relais import roles
from tests.site.test_hostile_input import _form_data


def _body_form(client, body):
    url = reverse("wagtailsnippets_meetings_body:edit", args=[body.pk])
    return url, client.get(url)


def test_pilot_names_then_removes_a_secretary(client_as, dept_admin, make_user, body, meeting):
    camille = make_user("camille", roles.SECRETARY, first_name="Camille", last_name="Martin")
    make_user("lou", roles.PROFESSIONAL)  # not a secretary: not offered
    client = client_as(dept_admin)
    url, page = _body_form(client, body)
    html = page.content.decode()
    assert page.status_code == 200 and "Secrétaires de l&#x27;instance" in html
    assert "Camille Martin (camille)" in html and "(lou)" not in html
    assert not can_manage_body(camille, body)

    data = _form_data(html)
    data["secretaries"] = [str(camille.pk)]
    assert client.post(url, data).status_code == 302
    assert can_manage_body(camille, body)
    client.force_login(camille, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("meetings:sheet", args=[meeting.pk])).status_code == 200

    client = client_as(dept_admin)
    _url, page = _body_form(client, body)
    data = _form_data(page.content.decode())
    assert data["secretaries"] == [str(camille.pk)]  # shown as named
    data["secretaries"] = []
    assert client.post(url, data).status_code == 302
    assert not can_manage_body(camille, body)
    client.force_login(camille, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("meetings:sheet", args=[meeting.pk])).status_code == 403


def test_naming_on_one_body_gives_nothing_on_another(client_as, dept_admin, make_user, make_body):
    first, second = make_body("COPIL", members=1), make_body("Comité technique", members=1)
    camille = make_user("camille", roles.SECRETARY)
    client = client_as(dept_admin)
    url, page = _body_form(client, first)
    data = _form_data(page.content.decode())
    data["secretaries"] = [str(camille.pk)]
    client.post(url, data)
    assert can_manage_body(camille, first) and not can_manage_body(camille, second)


def test_a_secretary_cannot_name_secretaries(client_as, body_secretary, body):
    response = client_as(body_secretary).get(reverse("wagtailsnippets_meetings_body:edit", args=[body.pk]))
    assert response.status_code in (302, 403)
