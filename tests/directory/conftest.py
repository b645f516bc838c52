"""A small territory tree and a factory for organisations, services and contacts (tests.builders)."""

import pytest

from tests import builders


@pytest.fixture(autouse=True)
def _index_at_once(search_index_now):
    """/annuaire/'s free text goes through search/: records made by a test must be in the index."""


@pytest.fixture
def territories(db):
    """Pas-de-Calais → Arrageois → Arras, Achicourt; → Calaisis → Calais; Maine-et-Loire → Angers."""
    return builders.territory_world("62", "62-ARR", "62-CAL", "arras", "achicourt", "calais", "49", "angers")


@pytest.fixture
def make_org(db):
    """make_org(name, serving=[territories], services=[dict], contacts=[dict], **fields) → Organisation."""
    return builders.make_org
