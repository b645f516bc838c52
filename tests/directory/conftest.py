"""A small territory tree and a factory for organisations, services and contacts."""

import pytest

from directory.models import Contact, Organisation, Service, Territory


@pytest.fixture(autouse=True)
def _index_at_once(search_index_now):
    """/annuaire/'s free text goes through search/: records made by a test must be in the index."""


@pytest.fixture
def territories(db):
    """Pas-de-Calais → Arrageois → Arras, Achicourt; → Calaisis → Calais; Maine-et-Loire → Angers."""
    pdc = Territory.objects.create(kind="departement", code="62", name="Pas-de-Calais", latitude=50.5, longitude=2.3)
    arr = Territory.objects.create(kind="territoire", code="62-ARR", name="Arrageois", parent=pdc)
    cal = Territory.objects.create(kind="territoire", code="62-CAL", name="Calaisis", parent=pdc)
    arras = Territory.objects.create(kind="commune", code="62041", name="Arras", parent=arr, latitude=50.29,
                                     longitude=2.78, postal_codes="62000")
    achicourt = Territory.objects.create(kind="commune", code="62004", name="Achicourt", parent=arr,
                                         latitude=50.27, longitude=2.76, postal_codes="62217")
    calais = Territory.objects.create(kind="commune", code="62193", name="Calais", parent=cal, latitude=50.95,
                                      longitude=1.86, postal_codes="62100")
    mel = Territory.objects.create(kind="departement", code="49", name="Maine-et-Loire")
    angers = Territory.objects.create(kind="commune", code="49007", name="Angers", parent=mel, latitude=47.47,
                                      longitude=-0.55)
    return {"62": pdc, "62-ARR": arr, "62-CAL": cal, "arras": arras, "achicourt": achicourt, "calais": calais,
            "49": mel, "angers": angers}


@pytest.fixture
def make_org(db):
    """make_org(name, serving=[territories], services=[dict], contacts=[dict], **fields) → Organisation."""

    def make(name, *, serving=(), services=(), contacts=(), **fields):
        fields.setdefault("status", Organisation.Status.PUBLISHED)
        org = Organisation.objects.create(name=name, **fields)
        org.territories.set(serving)
        for spec in services:
            spec = dict(spec)
            spec.setdefault("name", f"Service de {name}")
            Service.objects.create(organisation=org, **spec)
        for spec in contacts:
            Contact.objects.create(organisation=org, **spec)
        return org

    return make
