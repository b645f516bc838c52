"""RGPD: the admin exports everything held about one person, then erases it; the name is gone from every table
and the indicators count the same."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from tests.meetings.conftest import make_body, make_meeting, territory  # noqa: F401

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Dominique Exemplaire", "dominique.exemplaire@exemple.invalid"
URL = "/admin/donnees-personnelles/"


@pytest.fixture
def person_everywhere(make_body, make_meeting):  # noqa: F811
    from directory import history
    from guide.models import Feedback
    from meetings import services
    from meetings.models import HalfDay

    body = make_body(members=2)
    member = body.members.order_by("sort_order").first()
    contact = member.contact
    with history.acting_as(None):
        contact.name, contact.email = NAME, EMAIL
        contact.save()
        contact.role = "coordonnatrice ASE"
        contact.save()
    meeting = make_meeting(body, days=-1)
    invitation = meeting.invitations.get(contact=contact)
    services.record_attendance(invitation, "present")
    other = meeting.invitations.exclude(pk=invitation.pk).filter(is_youth_seat=False).first()
    services.record_attendance(other, "represented", represented_by=f"{NAME} (intérim)",
                               represented_by_organisation=member.organisation)
    half_day = HalfDay.objects.create(meeting=meeting, date=meeting.starts_at.date(), period="am")
    services.sign_half_day(half_day, invitation)
    services.draw_signature(meeting, invitation, strokes=[[[10, 10], [40, 30]]])
    Feedback.objects.create(kind="idee", comment="Ajouter le FJT", contact=EMAIL)
    get_user_model().objects.create_user("dexemplaire", email=EMAIL, first_name="Dominique", last_name="Exemplaire",
                                         password="un-mot-de-passe-assez-long")
    return {"contact": contact, "meeting": meeting}


def rows_naming(needle: str) -> dict:
    """Every text or JSON column of every model that still holds ``needle``."""
    found = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField | models.JSONField)]
        for field in fields:
            lookup = f"{field.name}__icontains"
            try:
                count = model.objects.filter(**{lookup: needle}).count()
            except Exception:  # a field type without icontains (e.g. JSON on SQLite needs no special case)
                continue
            if count:
                found[f"{model._meta.label}.{field.name}"] = count
    return found


def partner_figures():
    from meetings.indicators.compute import Period, Scope, invitation_figures

    year = timezone.now().year
    return invitation_figures(Scope(Period(dt.date(year - 1, 1, 1), dt.date(year, 12, 31))), by_year=False)


def test_export_then_erase_leaves_no_name_and_the_same_counts(client_as, dept_admin, person_everywhere):
    client = client_as(dept_admin)
    held_in = rows_naming("Exemplaire")
    assert len(held_in) >= 6  # the scenario holds the name in several tables
    before = partner_figures()

    page = client.post(URL, {"name": NAME, "email": EMAIL, "action": "find"})
    assert page.status_code == 200
    assert "Ce que Relais garde" in page.content.decode()

    export = client.post(URL, {"name": NAME, "email": EMAIL, "action": "export"})
    assert export["Content-Disposition"].startswith('attachment; filename="donnees-dominique-exemplaire-')
    held = json.loads(export.content)
    text = json.dumps(held, ensure_ascii=False)
    for expected in ("coordonnatrice ASE", "dexemplaire", "Ajouter le FJT", "présent", "intérim"):
        assert expected in text, expected

    refused = client.post(URL, {"name": NAME, "email": EMAIL, "action": "erase"})
    assert "Cochez la confirmation" in refused.content.decode()
    assert rows_naming("Exemplaire")

    done = client.post(URL, {"name": NAME, "email": EMAIL, "action": "erase", "confirm": "on"}, follow=True)
    assert "Données effacées ou pseudonymisées" in done.content.decode()
    assert rows_naming("Exemplaire") == {}
    assert rows_naming(EMAIL) == {}
    assert partner_figures() == before
    meeting = person_everywhere["meeting"]
    assert meeting.attendances.filter(status="present", person_name__startswith="Personne effacée").count() == 1
    assert not get_user_model().objects.get(username__startswith="efface-").is_active


@pytest.mark.parametrize("role", ["secretary", "partner_editor", "professional"])
def test_only_the_departement_admin_reaches_personal_data(client_as, request, role, person_everywhere):
    client = client_as(request.getfixturevalue(role))
    response = client.post(URL, {"name": NAME, "action": "export"})
    assert response.status_code in (302, 403)
    assert b"Exemplaire" not in response.content


def test_a_search_without_any_identifier_is_refused(client_as, dept_admin):
    response = client_as(dept_admin).post(URL, {"action": "erase", "confirm": "on"})
    assert "Indiquez au moins un nom" in response.content.decode()


def test_command_exports_and_erases(person_everywhere, capsys):
    from django.core.management import call_command

    call_command("personal_data", "export", "--email", EMAIL)
    assert "coordonnatrice ASE" in capsys.readouterr().out
    with pytest.raises(Exception, match="--yes"):
        call_command("personal_data", "erase", "--email", EMAIL)
    call_command("personal_data", "erase", "--email", EMAIL, "--name", NAME, "--yes")
    assert rows_naming("Exemplaire") == {}


def test_scrub_replaces_every_occurrence_in_nested_values():
    from relais.personal_data import scrub

    value = {"nom": [NAME, f"{NAME.upper()} puis {NAME}"], "n": 3}
    assert scrub(value, [NAME], "X") == {"nom": ["X", "X puis X"], "n": 3}
