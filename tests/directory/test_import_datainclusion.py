"""import_directory with data·inclusion records as producers publish them (tests/directory/data/datainclusion,
sources in its README): v1 and v0 shapes, places outside the site, free-text hours, served territories."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from directory import opening
from directory.models import ChangeRecord, Contact, Organisation, Service
from tests import builders

DATA = Path(__file__).parent / "data" / "datainclusion"
V1 = "dora--AidantsConnect:2024-47BXY"
MJC = "cd35--mjc-13-grandjour"
CCAS = "france-travail--ccas-provence-alpes-cote-dazur-2024-01-01"


@pytest.fixture
def world(db):
    """Pas-de-Calais with Arras and Calais; Calais belongs to the schema's example EPCI 200093201."""
    return builders.territory_world("62", "62-ARR", "62-CAL", "arras", "calais", "49", "angers",
                                    changes={"calais": {"epci": "200093201"}})


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_directory", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def copy(tmp_path, name):
    return shutil.copy(DATA / name, tmp_path / name)


def test_v1_records_import_the_out_of_area_one_is_skipped_with_its_own_warning(tmp_path, world):
    out, err = run(copy(tmp_path, "v1_schema_examples.json"))
    assert ("2 organisation(s) créée(s), 0 mise(s) à jour, 0 inchangée(s), 1 ignorée(s) ; 2 service(s) créé(s)"
            in out)
    assert f"structures[3] ({CCAS}), champ « code_insee » : hors des territoires du site (commune 13055)" in err
    assert not Organisation.objects.filter(source_id=CCAS).exists()
    tournesol = Organisation.objects.get(source="dora", source_id=V1)
    assert tournesol.commune == world["arras"] and tournesol.typologie == "mission-locale"
    assert tournesol.services.get().frais_precisions == "10€ pour l’adhésion annuelle"
    # Each field the directory cannot keep is named once, with how many records carried it.
    assert "date_maj" not in err and "lien_source" not in err  # both kept, for the export
    assert "services, champ « type » : non conservé par l'annuaire (1 fiche(s))" in err
    for line in err.splitlines():
        assert len(line) < 300 and "Input should" not in line


def test_imported_records_serve_their_zone_and_appear_for_its_communes(client, tmp_path, world):
    run(copy(tmp_path, "v1_schema_examples.json"))
    tournesol = Organisation.objects.get(source_id=V1)
    mjc = Organisation.objects.get(source_id=MJC)
    assert list(tournesol.territories.all()) == [world["arras"]]
    assert list(mjc.territories.all()) == [world["calais"]]  # its commune, and its service's EPCI
    arras = client.get("/annuaire/", {"territoire": "62041"}).content.decode()
    calais = client.get("/annuaire/", {"territoire": "62193"}).content.decode()
    assert "Centre social Le Tournesol" in arras and "MJC Grand Jour" not in arras
    assert "MJC Grand Jour" in calais and "Centre social Le Tournesol" not in calais


def test_free_text_hours_are_kept_and_shown_as_text_never_as_open(client, tmp_path, world):
    _out, err = run(copy(tmp_path, "v1_schema_examples.json"))
    assert (f"structures[2] ({MJC}), champ « horaires_accueil » : horaires en texte libre « lundi au vendredi "
            "9h-17h » gardés tels quels") in err
    mjc = Organisation.objects.get(source_id=MJC)
    assert mjc.opening_hours == "lundi au vendredi 9h-17h"
    status = opening.for_organisation(mjc)
    assert status.kind == opening.UNKNOWN and status.text == "lundi au vendredi 9h-17h"
    page = client.get(mjc.get_absolute_url()).content.decode()
    assert "lundi au vendredi 9h-17h" in page and "Ouvert maintenant" not in page


def test_a_second_run_changes_nothing_and_a_dry_run_writes_nothing(tmp_path, world):
    path = copy(tmp_path, "v1_schema_examples.json")
    out, err = run(path, "--dry-run")
    assert out.startswith("Simulation") and "2 organisation(s) créée(s)" in out and "1 ignorée(s)" in out
    assert "hors des territoires du site" in err and "horaires en texte libre" in err
    assert not Organisation.objects.exists()
    run(path)
    history = ChangeRecord.objects.count()
    out, _err = run(path)
    assert ("0 organisation(s) créée(s), 0 mise(s) à jour, 2 inchangée(s), 1 ignorée(s) ; 0 service(s) créé(s), "
            "0 mis à jour, 2 inchangé(s), 1 ignoré(s)") in out
    assert ChangeRecord.objects.count() == history
    out, _err = run(path, "--dry-run")
    assert "0 mise(s) à jour, 2 inchangée(s)" in out


def test_out_of_area_records_can_be_kept_without_a_commune(tmp_path, world):
    _out, err = run(copy(tmp_path, "v1_schema_examples.json"), "--out-of-area", "keep")
    assert "fiche gardée sans commune" in err
    ccas = Organisation.objects.get(source="france-travail", source_id=CCAS)
    assert ccas.commune is None and not ccas.territories.exists()
    assert ccas.services.get().zone_eligibilite == ["13"]


def test_v0_records_are_mapped_to_v1_and_what_v1_cannot_say_is_reported_once(tmp_path, world):
    builders.make_territory("departement", "29", "Finistère")
    out, err = run(copy(tmp_path, "v0_api_gouv_example.json"))
    assert "1 organisation(s) créée(s)" in out and "1 service(s) créé(s)" in out
    org = Organisation.objects.get(source="solidagregateur", source_id="c3d15659-8de9-4fd6-b283-04d50f6ace57")
    assert org.description.startswith("L’association Mobilette propose")
    assert org.opening_hours == 'Mo-Fr 10:00-20:00 "sur rendez-vous"; PH off'
    assert org.accessibility_url.startswith("https://acceslibre.beta.gouv.fr/")
    assert org.typologie == "mobin"  # ASSO has no national network; its first national label is kept
    assert org.commune is None and [t.code for t in org.territories.all()] == ["29"]  # served through its zone
    service = org.services.get()
    assert service.description == ("Accompagnement des familles à domicile\n\nService de proximité visant à soutenir "
                                   "les familles ayant la responsabilité de jeunes enfants, en particulier les "
                                   "familles monoparentales.")
    assert service.publics == ["jeunes", "femmes"] and service.thematiques == ["mobilite"]
    assert service.opening_hours == "Tu 09:00-12:00;We 14:00-17:00" and service.frais == "gratuit"
    assert service.conditions_acces.startswith("Bonne connaissance du français")
    assert "Carte d'identité" in service.conditions_acces
    assert service.lien_mobilisation == "https://www.alys.fr/familles/etre-accompagne-a-domicile"
    assert sorted(service.modes_mobilisation) == ["envoyer-un-courriel", "se-presenter"]
    assert sorted(service.mobilisable_par) == ["professionnels", "usagers"]
    assert service.zone_eligibilite == ["29"]
    for line in ("structures, champ « typologie » : type v0 « ASSO » sans équivalent national : non repris",
                 "structures, champ « rna » : champ v0 sans équivalent v1 : non repris (1 fiche(s))",
                 "services, champ « types » : champ v0 sans équivalent v1 : non repris (1 fiche(s))",
                 "services, champ « profils » : profil v0 « adultes » sans équivalent v1 : non repris",
                 "services, champ « contact_nom_prenom » : non conservé par l'annuaire (1 fiche(s))"):
        assert err.count(line) == 1, line
    assert not Contact.objects.exists() and "Prénom Nom" not in json.dumps(
        list(Service.objects.values("description", "conditions_acces", "mobilisation_precisions")))


def test_the_editor_is_told_to_rewrite_imported_free_text_hours_and_can_save_the_rest(client_as, partner_editor,
                                                                                       tmp_path, world):
    from django.urls import reverse

    from directory.permissions import assign_editor

    run(copy(tmp_path, "v1_schema_examples.json"))
    mjc = Organisation.objects.get(source_id=MJC)
    assign_editor(mjc, partner_editor)
    client = client_as(partner_editor)
    edit = reverse("wagtailsnippets_directory_organisation:edit", args=[mjc.pk])
    assert "Horaires importés en texte libre" in client.get(edit).content.decode()
    data = {"name": mjc.name, "slug": mjc.slug, "status": "published", "typologie": "mjc", "commune": mjc.commune_id,
            "territories": [t.pk for t in mjc.territories.all()], "opening_hours": mjc.opening_hours,
            "description": "Maison des jeunes."}
    assert client.post(edit, data).status_code == 302  # the hours as imported do not block other changes
    mjc.refresh_from_db()
    assert mjc.description == "Maison des jeunes." and mjc.opening_hours == "lundi au vendredi 9h-17h"
    response = client.post(edit, dict(data, opening_hours="du lundi au samedi"))
    assert response.status_code == 200 and "Horaires illisibles" in response.content.decode()
    assert client.post(edit, dict(data, opening_hours="Mo-Fr 09:00-17:00")).status_code == 302
    mjc.refresh_from_db()
    assert mjc.opening_hours == "Mo-Fr 09:00-17:00"


def test_structures_then_services_files_as_the_national_dataset_publishes_them(tmp_path, world):
    payload = json.loads((DATA / "v1_schema_examples.json").read_text(encoding="utf-8"))
    structures, services = tmp_path / "structures.json", tmp_path / "services.json"
    structures.write_text(json.dumps(payload["structures"]), encoding="utf-8")
    services.write_text(json.dumps(payload["services"]), encoding="utf-8")
    out, _err = run(structures)
    assert "2 organisation(s) créée(s)" in out and "1 ignorée(s)" in out
    out, err = run(services)
    assert "2 service(s) créé(s), 0 mis à jour, 0 inchangé(s), 1 ignoré(s)" in out
    assert (f"services[3] (france-travail--aide-mobilite), champ « structure_id » : structure « {CCAS} » (source "
            "france-travail) absente de l'annuaire : service ignoré") in err
    assert Organisation.objects.get(source_id=V1).services.get().name == "Atelier insertion et posture professionnelle"


def test_an_import_written_in_bulk_keeps_history_search_and_the_guide_lists_in_step(
        tmp_path, world, django_capture_on_commit_callbacks):
    """The import writes in bulk (no save signals): what the signals did is still done, once."""
    from guide.partners import partners_near
    from search.models import SearchDocument

    before = [partner.name for partner in partners_near(territory=world["arras"]).partners]  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        run(copy(tmp_path, "v1_schema_examples.json"))
    tournesol = Organisation.objects.get(source_id=V1)
    service = tournesol.services.get()
    assert tournesol.slug and tournesol.latitude is not None  # as save() gives them: slug, the commune's centre
    assert service.code_rows.exists()
    records = ChangeRecord.objects.filter(organisation=tournesol, action=ChangeRecord.Action.IMPORT)
    assert records.filter(model="organisation", changes__name=[None, tournesol.name]).exists()
    assert records.filter(model="service", object_id=service.pk, changes__has_key="name").exists()
    assert records.filter(changes__has_key="territoires ajoutés").exists()
    indexed = set(SearchDocument.objects.values_list("key", flat=True))
    assert {f"organisation:{tournesol.pk}", f"service:{service.pk}"} <= indexed
    after = [partner.name for partner in partners_near(territory=world["arras"]).partners]
    assert "Centre social Le Tournesol" not in before and "Centre social Le Tournesol" in after
