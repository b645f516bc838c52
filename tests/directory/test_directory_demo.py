"""Demo data: enough, everywhere, every theme, fictional people, idempotent; territory reference data."""

import pytest
from data_inclusion.schema.v1 import Categorie
from django.contrib.auth import get_user_model

from directory.models import ChangeRecord, Contact, Organisation, Service, Territory
from directory.queries import partners_for
from relais.demo import directory as demo


@pytest.mark.once_postgresql
def test_demo_covers_every_territory_and_theme_and_is_idempotent(db, make_user):
    editor = make_user("editeur", "editeur_partenaire")
    demo.load(lambda _message: None)
    assert Territory.objects.filter(kind="commune", code__startswith="62").count() > 850
    assert Territory.objects.filter(kind="territoire", parent__code="62").count() == 9
    assert Territory.objects.filter(kind="territoire", parent__code="49").count() >= 9
    published = Organisation.objects.published()
    assert published.count() >= 150
    for territory in Territory.objects.filter(kind="territoire"):
        assert partners_for(territory=territory).exists(), territory.name
    themes = {code.split("--")[0] for codes in Service.objects.values_list("thematiques", flat=True) for code in codes}
    assert {c.value for c in Categorie} <= themes
    assert set(Contact.objects.values_list("visibility", flat=True)) == {"public", "professionals", "internal"}
    assert not Contact.objects.exclude(email="").exclude(email__endswith="@exemple.invalid").exists()
    assert not Organisation.objects.exclude(phone__in=["115"]).exclude(phone__startswith="01 99 00").exists()
    editor = get_user_model().objects.get(pk=editor.pk)
    assert sum(editor.has_perm("directory.change_organisation", o) for o in published) == 2
    counts = (Territory.objects.count(), Organisation.objects.count(), Service.objects.count(),
              Contact.objects.count(), ChangeRecord.objects.count())
    demo.load(lambda _message: None)
    assert counts == (Territory.objects.count(), Organisation.objects.count(), Service.objects.count(),
                      Contact.objects.count(), ChangeRecord.objects.count())


def test_arras_belongs_to_the_arrageois(db):
    from directory.territories import load_territories

    load_territories()
    arras = Territory.objects.get(code="62041")
    assert arras.name == "Arras" and arras.parent.name == "Arrageois" and arras.parent.parent.code == "62"
    assert Territory.objects.get(code="62498").parent.name == "Lens-Liévin"  # Lens
    assert Territory.objects.get(code="49007").parent.parent.name == "Maine-et-Loire"  # Angers
    assert load_territories() == 0
