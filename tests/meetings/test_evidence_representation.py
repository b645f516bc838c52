""""Représenté·e par" names a directory organisation (and optionally its person); walk-ins come from any
organisation of the directory, or one typed when it is not there yet."""

from django.urls import reverse

from directory.models import Organisation
from meetings.models import Attendance
from tests import builders
from tests.meetings.evidence_helpers import page_text, pdf_text, sheet_csv


def _tap(client, meeting, inv, status, **extra):
    return client.post(reverse("meetings:set-status", args=[meeting.pk]),
                       {"invitation": inv.pk, "status": status, **extra}, HTTP_ACCEPT="application/json")


def test_represented_needs_a_directory_organisation(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    empty = _tap(client, meeting, inv, "represented", represented_by="Quelqu'un")
    assert empty.status_code == 400
    assert empty.json()["message"] == "« Représenté·e » : indiquez l'organisation qui représente cette personne."
    unknown = _tap(client, meeting, inv, "represented", represented_by_organisation="Association inconnue")
    assert unknown.status_code == 400
    assert "« Association inconnue » n'est pas une organisation de l'annuaire" in unknown.json()["message"]
    assert not Attendance.objects.filter(invitation=inv).exists()


def test_represented_by_a_non_member_organisation_and_its_person(client_as, body_secretary, meeting):
    ccas = builders.make_org("CCAS de Lens", slug="ccas-lens")  # in the directory, not seated on the body
    builders.make_org("Ancienne association", slug="ancienne", status=Organisation.Status.ARCHIVED)
    client = client_as(body_secretary)
    sheet = client.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()
    assert '<option value="CCAS de Lens">' in sheet and "Ancienne association" not in sheet
    assert 'list="directory-organisations"' in sheet

    inv = meeting.invitations.filter(is_youth_seat=False).first()
    answer = _tap(client, meeting, inv, "represented", represented_by_organisation="ccas de lens",
                  represented_by="Alex Durand")
    assert answer.status_code == 200
    attendance = Attendance.objects.get(invitation=inv)
    assert attendance.represented_by_organisation == ccas and attendance.represented_by == "Alex Durand"
    text = page_text(client.get(reverse("meetings:sheet", args=[meeting.pk])))
    assert f"{inv.person_name} Titulaire Représenté·e (CCAS de Lens (Alex Durand))" in text
    assert sheet_csv(client, meeting)[inv.person_name]["Représenté·e par"] == "CCAS de Lens (Alex Durand)"
    assert "par CCAS de Lens (Alex Durand)" in pdf_text(meeting)


def test_walk_in_from_any_directory_organisation_or_typed(client_as, body_secretary, meeting):
    ccas = builders.make_org("CCAS de Lens", slug="ccas-lens")
    client = client_as(body_secretary)
    url = reverse("meetings:walk-in", args=[meeting.pk])
    client.post(url, {"name": "Dominique Invitée", "organisation": "CCAS de Lens"})
    client.post(url, {"name": "Sacha Nouveau", "organisation": "Collectif des jeunes de Liévin"})
    dominique = Attendance.objects.get(meeting=meeting, person_name="Dominique Invitée")
    sacha = Attendance.objects.get(meeting=meeting, person_name="Sacha Nouveau")
    assert dominique.organisation == ccas and dominique.organisation_name == ""
    assert sacha.organisation is None and sacha.organisation_name == "Collectif des jeunes de Liévin"
    text = page_text(client.get(reverse("meetings:sheet", args=[meeting.pk])))
    assert "Dominique Invitée (CCAS de Lens) · Présent·e" in text
    assert "Sacha Nouveau (Collectif des jeunes de Liévin, hors annuaire) · Présent·e" in text
    rows = sheet_csv(client, meeting)
    assert rows["Dominique Invitée"]["Organisation"] == "CCAS de Lens"
    assert rows["Sacha Nouveau"]["Organisation"] == "Collectif des jeunes de Liévin"
