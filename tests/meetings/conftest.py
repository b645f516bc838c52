"""Builders for the meetings suites: a body with member organisations, a convened session, a secretary."""

from datetime import timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from meetings.models import Body
from tests import builders


@pytest.fixture
def territory(db):
    return builders.territory_world("62", "62-ART", located=False)["62-ART"]


@pytest.fixture
def make_body(db, territory):
    def make(name="Comité de suivi de l'Artois", *, members=3, youth_seats=1, contacts=True, **extra):
        extra.setdefault("kind", Body.Kind.COMITE_SUIVI)
        body = Body.objects.create(name=name, territory=territory, is_decision_body=True, youth_seats=youth_seats,
                                   **extra)
        for n in range(members):
            builders.seat_partner(
                body, {"name": f"Partenaire {name[:20]} {n + 1:03d}", "slug": f"p-{body.pk}-{n + 1}",
                       "email": f"accueil{n + 1}@exemple.invalid"},
                {"name": f"Personne {n + 1:03d}", "role": "référent",
                 "email": f"personne{n + 1}-{body.pk}@exemple.invalid"} if contacts else None,
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
        return builders.make_meeting(body, start=start, hours=hours, convene=convene,
                                     place="MDS de l'Artois, salle 2", **extra)

    return make


@pytest.fixture
def meeting(body, make_meeting):
    return make_meeting(body)


@pytest.fixture
def body_secretary(secretary, body):
    assign_perm("meetings.manage_body", secretary, body)
    return secretary
