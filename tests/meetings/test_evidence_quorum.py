"""The quorum counts member organisations once each, whatever their seats (issue 14)."""

from django.urls import reverse

from meetings import queries
from meetings.models import BodyMember
from tests import builders
from tests.meetings.evidence_helpers import page_text


def _suppleante(body, org):
    contact = builders.make_contact(org, name="Suppléante Exemple", email="suppleante@exemple.invalid")
    return BodyMember.objects.create(body=body, organisation=org, contact=contact, seat="suppleant", voting=True)


def test_titulaire_replaced_by_her_suppleante_counts_one_organisation(client_as, body_secretary, body, make_meeting):
    body.quorum = 2
    body.save()
    first_org = body.members.order_by("sort_order").first().organisation
    _suppleante(body, first_org)
    meeting = make_meeting(body)
    titulaire = meeting.invitations.get(organisation=first_org, seat="titulaire")
    suppleante = meeting.invitations.get(organisation=first_org, seat="suppleant")
    client = client_as(body_secretary)
    url = reverse("meetings:set-status", args=[meeting.pk])
    client.post(url, {"invitation": titulaire.pk, "status": "substitute", "represented_by": "Suppléante Exemple"})
    client.post(url, {"invitation": suppleante.pk, "status": "present"})

    text = page_text(client.get(reverse("meetings:sheet", args=[meeting.pk])))
    assert "Quorum : non atteint (1 / 2 organisations votantes présentes)" in text
    assert queries.sheet_counts(meeting).present == 2  # two people in the room, one organisation

    other = meeting.invitations.exclude(organisation=first_org).filter(voting=True, is_youth_seat=False).first()
    client.post(url, {"invitation": other.pk, "status": "remote"})
    text = page_text(client.get(reverse("meetings:sheet", args=[meeting.pk])))
    assert "Quorum : atteint (2 / 2 organisations votantes présentes)" in text


def test_advisory_seats_and_youth_seats_do_not_count_for_the_quorum(make_body, make_meeting):
    from meetings import services

    body = make_body("Comité avec voix consultative", members=4, quorum=1)
    meeting = make_meeting(body)
    advisory = meeting.invitations.get(voting=False, is_youth_seat=False)
    youth = meeting.invitations.get(is_youth_seat=True)
    services.record_attendance(advisory, "present")
    services.record_attendance(youth, "present")
    counts = queries.sheet_counts(meeting)
    assert (counts.present, counts.voting_present, counts.quorum_reached) == (2, 0, False)
