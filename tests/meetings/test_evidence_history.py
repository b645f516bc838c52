"""The session's attendance history: every change kept (who, when, old → new, reason), shown and exported,
and never changed or deleted."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from guardian.shortcuts import assign_perm

from directory.accounts import link
from meetings import services
from meetings.models import AppendOnlyError, Attendance, Body, Meeting, SheetEvent
from tests.meetings.evidence_helpers import csv_rows, page_text, session_at


def _tap(client, meeting, inv, status="present", **extra):
    return client.post(reverse("meetings:set-status", args=[meeting.pk]),
                       {"invitation": inv.pk, "status": status, **extra}, HTTP_ACCEPT="application/json")


def _history_csv(client, meeting):
    response = client.get(reverse("meetings:history", args=[meeting.pk]))
    assert response.status_code == 200
    assert 'filename="historique-emargement-' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_reopening_needs_a_reason_and_every_change_is_kept(client_as, body_secretary, body):
    body_secretary.first_name, body_secretary.last_name = "Sam", "Secrétaire"
    body_secretary.save()
    meeting = session_at(body, -1)
    client = client_as(body_secretary)
    first, second = meeting.invitations.filter(is_youth_seat=False).order_by("position")[:2]
    _tap(client, meeting, first, arrived="14:05")
    client.post(reverse("meetings:close", args=[meeting.pk]))

    # A closed sheet refuses changes; reopening without a reason is refused too.
    assert _tap(client, meeting, first, status="absent").status_code == 400
    refused = client.post(reverse("meetings:close", args=[meeting.pk]), {"reopen": "1", "reason": "  "}, follow=True)
    assert "Indiquez le motif de la réouverture de l'émargement." in page_text(refused)
    assert Meeting.objects.get(pk=meeting.pk).closed_at is not None

    client.post(reverse("meetings:close", args=[meeting.pk]),
                {"reopen": "1", "reason": "Erreur de pointage signalée par la MDS"})
    _tap(client, meeting, second, status="excused")
    assert Attendance.objects.get(invitation=second).status == "excused"

    page = page_text(client.get(reverse("meetings:meeting", args=[meeting.pk])))
    assert "Historique de l'émargement" in page
    assert f"Sam Secrétaire {first.person_name} présence : Non pointé·e → Présent·e" in page
    assert f"Sam Secrétaire {first.person_name} arrivée : — → 14:05" in page
    assert f"Sam Secrétaire {second.person_name} présence : Non pointé·e → Absent·e clôture de l'émargement" in page
    assert "Sam Secrétaire — émargement : clos → rouvert Erreur de pointage signalée par la MDS" in page
    assert f"Sam Secrétaire {second.person_name} présence : Absent·e → Excusé·e" in page

    rows = _history_csv(client, meeting)
    reopen = [r for r in rows if r["Après"] == "rouvert"]
    assert len(reopen) == 1 and reopen[0]["Motif"] == "Erreur de pointage signalée par la MDS"
    assert reopen[0]["Par"] == "Sam Secrétaire" and reopen[0]["Objet"] == "Feuille d'émargement"
    changes = [(r["Personne"], r["Champ"], r["Avant"], r["Après"]) for r in rows]
    assert changes.index((second.person_name, "présence", "Absent·e", "Excusé·e")) > rows.index(reopen[0])
    assert ("", "liste des personnes attendues", "", "arrêtée : 4 personne(s) attendue(s)") in changes


def test_clearing_a_tick_and_naming_a_youth_seat_leave_a_trace(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    youth = meeting.invitations.get(is_youth_seat=True)
    _tap(client, meeting, inv, status="remote")
    _tap(client, meeting, inv, status="")
    client.post(reverse("meetings:youth-seat", args=[meeting.pk]), {"invitation": youth.pk, "label": "Inès B."})
    changes = [(r["Personne"], r["Champ"], r["Avant"], r["Après"]) for r in _history_csv(client, meeting)]
    assert (inv.person_name, "présence", "Non pointé·e", "À distance") in changes
    assert (inv.person_name, "présence", "À distance", "Non pointé·e") in changes
    assert ("Inès B.", "siège jeune", "Siège jeune (à compléter)", "Inès B.") in changes


def test_training_signatures_are_kept_and_an_absent_person_cannot_sign(client_as, secretary, make_body):
    body = make_body("Formation référent de parcours", kind=Body.Kind.FORMATION, youth_seats=0)
    assign_perm("meetings.manage_body", secretary, body)
    meeting = session_at(body, -1, hours=2)
    half_day = services.ensure_half_days(meeting)[0]
    present, absent = meeting.invitations.order_by("position")[:2]
    client = client_as(secretary)
    _tap(client, meeting, present, arrived="14:00")
    _tap(client, meeting, absent, status="absent")
    sign = reverse("meetings:sign", args=[meeting.pk])
    client.post(sign, {"half_day": half_day.pk, "invitation": present.pk, "signed": "1"})
    client.post(sign, {"half_day": half_day.pk, "invitation": present.pk, "signed": "0"})
    refused = client.post(sign, {"half_day": half_day.pk, "invitation": absent.pk, "signed": "1"}, follow=True)
    assert f"{absent.person_name} est noté·e absent·e : une personne absente ne signe pas." in page_text(refused)
    assert not absent.half_day_signatures.exists()
    changes = [(r["Objet"], r["Personne"], r["Avant"], r["Après"]) for r in _history_csv(client, meeting)]
    assert changes.count(("Signature", present.person_name, "non signé", "signé")) == 1
    assert ("Signature", present.person_name, "signé", "non signé") in changes
    # Signed, a person cannot be marked absent (the signature must be taken back first).
    client.post(sign, {"half_day": half_day.pk, "invitation": present.pk, "signed": "1"})
    assert _tap(client, meeting, present, status="absent").status_code == 400
    assert Attendance.objects.get(invitation=present).status == "present"


def test_history_rows_cannot_be_changed_nor_deleted(meeting):
    inv = meeting.invitations.first()
    services.record_attendance(inv, "present")
    event = SheetEvent.objects.filter(meeting=meeting, field="présence").get()
    event.new_value = "Absent·e"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SheetEvent.objects.filter(meeting=meeting).update(new_value="Absent·e")
    with pytest.raises(AppendOnlyError):
        SheetEvent.objects.filter(meeting=meeting).delete()
    assert SheetEvent.objects.get(pk=event.pk).new_value == "Présent·e"
    # Nobody can be given the right to change or delete it in the admin: the permissions do not exist.
    codenames = set(Permission.objects.filter(content_type__model="sheetevent").values_list("codename", flat=True))
    assert codenames == {"add_sheetevent", "view_sheetevent"}


def test_a_session_with_a_history_cannot_be_deleted(meeting):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        meeting.delete()


def test_members_see_neither_the_history_nor_its_export(client_as, make_user, meeting):
    member = make_user("membre", "professionnel")
    link(meeting.invitations.exclude(contact=None).first().contact, member)
    client = client_as(member)
    assert "Historique de l'émargement" not in page_text(client.get(reverse("meetings:meeting", args=[meeting.pk])))
    assert client.get(reverse("meetings:history", args=[meeting.pk])).status_code == 403
