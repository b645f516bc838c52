"""Builders for the meetings suites: a body with member organisations, a convened session, a secretary."""

from datetime import timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from directory.models import Contact, Organisation, Territory
from meetings.models import Body, BodyMember, Meeting
from meetings.services import freeze_invitations


@pytest.fixture
def territory(db):
    dep = Territory.objects.create(kind="departement", code="62", name="Pas-de-Calais")
    return Territory.objects.create(kind="territoire", code="62-ART", name="Artois", parent=dep)


@pytest.fixture
def make_body(db, territory):
    def make(name="Comité de suivi de l'Artois", *, members=3, youth_seats=1, contacts=True, **extra):
        extra.setdefault("kind", Body.Kind.COMITE_SUIVI)
        body = Body.objects.create(name=name, territory=territory, is_decision_body=True, youth_seats=youth_seats,
                                   **extra)
        for n in range(members):
            org = Organisation.objects.create(name=f"Partenaire {name[:20]} {n + 1:03d}",
                                              slug=f"p-{body.pk}-{n + 1}", status="published",
                                              email=f"accueil{n + 1}@exemple.invalid")
            contact = None
            if contacts:
                contact = Contact.objects.create(organisation=org, name=f"Personne {n + 1:03d}",
                                                 role="référent", email=f"personne{n + 1}-{body.pk}@exemple.invalid")
            BodyMember.objects.create(body=body, organisation=org, contact=contact,
                                      seat="titulaire", voting=n % 4 != 3, sort_order=n)
        return body

    return make


@pytest.fixture
def body(make_body):
    return make_body()


@pytest.fixture
def make_meeting(db):
    def make(body, *, days=0, hours=2, convene=True, **extra):
        start = timezone.now().replace(microsecond=0) + timedelta(days=days)
        meeting = Meeting.objects.create(body=body, starts_at=start, ends_at=start + timedelta(hours=hours),
                                         place="MDS de l'Artois, salle 2", **extra)
        if convene:
            freeze_invitations(meeting)
            meeting.refresh_from_db()
        return meeting

    return make


@pytest.fixture
def meeting(body, make_meeting):
    return make_meeting(body)


@pytest.fixture
def body_secretary(secretary, body):
    assign_perm("meetings.manage_body", secretary, body)
    return secretary
