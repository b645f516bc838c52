"""export_directory and /annuaire/export.json give records back as they are: each with its producer's source, id
and date, every network, a service's own address; Relais's own export read back into an empty site comes out
the same; and the files are written as they are read."""

import json
import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from data_inclusion.schema import v1 as di
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from directory.importing import import_file
from directory.models import Organisation, Service
from tests import builders

DATA = Path(__file__).parent / "data" / "datainclusion"
V1 = "dora--AidantsConnect:2024-47BXY"

STRUCTURE = {"source": "dora", "id": "dora--mds-arras", "nom": "Maison des solidarités de l'Arrageois",
             "date_maj": "2019-05-03", "code_insee": "62041", "adresse": "1 rue de la Paix", "code_postal": "62000",
             "reseaux_porteurs": ["maisons-des-solidarites", "departements", "ase"],
             "lien_source": "https://dora.inclusion.beta.gouv.fr/structures/mds-arras",
             "description": "Accueil social de proximité du Département."}
SERVICE = {"source": "dora", "structure_id": "dora--mds-arras", "id": "dora--mds-arras--permanence",
           "nom": "Permanence à Calais", "description": "Permanence mensuelle en mairie de Calais.",
           "date_maj": "2019-06-01", "code_insee": "62193", "adresse": "Place du Soldat Inconnu",
           "code_postal": "62100", "zone_eligibilite": ["62"], "publics": ["jeunes"]}
AT_HOME = dict(SERVICE, id="dora--mds-arras--accueil", nom="Accueil social", adresse="1 rue de la Paix",
               code_insee="62041", code_postal="62000", date_maj="2020-01-02")


def export(tmp_path, *args) -> dict:
    path = tmp_path / "export.json"
    call_command("export_directory", "--validate", "-o", str(path), *args, stdout=StringIO(), stderr=StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def write(tmp_path, name, payload) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def by_id(records) -> dict:
    return {record["id"]: record for record in records}


@pytest.fixture(autouse=True)
def _index_at_once():
    """The export never reads the search index: its updates wait for a commit that never comes (no indexing cost,
    which is most of an import's or a deletion's in tests)."""


@pytest.fixture
def world(db):
    return builders.territory_world("62", "62-ARR", "62-CAL", "arras", "achicourt", "calais")


def test_an_imported_2019_record_is_exported_with_date_maj_2019_and_its_producers_source_and_id(tmp_path, world):
    result = import_file(write(tmp_path, "dora.json", {"structures": [STRUCTURE], "services": [SERVICE, AT_HOME]}))
    assert not result.errors
    payload = export(tmp_path)
    structure = by_id(payload["structures"])["dora--mds-arras"]
    assert (structure["source"], structure["date_maj"]) == ("dora", "2019-05-03")
    assert structure["lien_source"] == "https://dora.inclusion.beta.gouv.fr/structures/mds-arras"
    # every network is kept, not only the first
    assert set(structure["reseaux_porteurs"]) == {"maisons-des-solidarites", "departements", "ase"}
    services = by_id(payload["services"])
    permanence = services["dora--mds-arras--permanence"]
    assert (permanence["source"], permanence["structure_id"], permanence["date_maj"]) == (
        "dora", "dora--mds-arras", "2019-06-01")
    # given in Calais, not at the Arras office
    assert (permanence["code_insee"], permanence["commune"], permanence["adresse"]) == (
        "62193", "Calais", "Place du Soldat Inconnu")
    assert services["dora--mds-arras--accueil"]["code_insee"] == "62041"
    # the service at its structure's address follows the structure's: it keeps no copy of its own
    assert Service.objects.get(source_id="dora--mds-arras--accueil").address == ""
    assert Service.objects.get(source_id="dora--mds-arras--permanence").commune == world["calais"]


def test_a_record_changed_here_takes_the_day_of_its_change_and_a_second_import_changes_nothing(tmp_path, world):
    path = write(tmp_path, "dora.json", {"structures": [STRUCTURE], "services": [SERVICE]})
    import_file(path)
    again = import_file(path)
    assert (again.unchanged_organisations, again.unchanged_services) == (1, 1)
    assert export(tmp_path)["structures"][0]["date_maj"] == "2019-05-03"
    organisation = Organisation.objects.get(source_id="dora--mds-arras")
    organisation.description = "Accueil social de proximité, sur rendez-vous."
    organisation.save()
    assert export(tmp_path)["structures"][0]["date_maj"] == timezone.localdate().isoformat()
    # the producer's newer version of an unchanged service moves its date on
    import_file(write(tmp_path, "newer.json", {"services": [dict(SERVICE, date_maj="2024-03-04")]}))
    assert export(tmp_path)["services"][0]["date_maj"] == "2024-03-04"


def test_records_made_here_are_published_under_the_sites_source_name(tmp_path, world, settings, make_org):
    settings.RELAIS_DATAINCLUSION_SOURCE = "relais-62"
    import_file(write(tmp_path, "dora.json", {"structures": [STRUCTURE], "services": [SERVICE]}))
    imported = Organisation.objects.get(source_id="dora--mds-arras")
    added = builders.make_service(imported, name="Aide aux démarches", description="Aide aux démarches en ligne.")
    own = make_org("CCAS d'Achicourt", commune=world["achicourt"], typologie="ccas-cias",
                   services=[{"name": "Aide d'urgence", "description": "Secours alimentaire d'urgence."}])
    payload = export(tmp_path)
    structures, services = by_id(payload["structures"]), by_id(payload["services"])
    assert structures[f"relais-62--structure-{own.pk}"]["source"] == "relais-62"
    assert structures["dora--mds-arras"]["source"] == "dora"  # never re-published as ours
    own_service = own.services.get()
    assert services[f"relais-62--service-{own_service.pk}"]["source"] == "relais-62"
    # a service added here to a re-published structure is ours, attached to the producer's structure id
    assert services[f"relais-62--service-{added.pk}"]["source"] == "relais-62"
    assert services[f"relais-62--service-{added.pk}"]["structure_id"] == "dora--mds-arras"
    assert services["dora--mds-arras--permanence"]["source"] == "dora"


@pytest.mark.parametrize("typologie, networks", [
    ("local-fjt", ["residences-fjt"]),
    ("local-siao", ["siao"]),
    ("local-pjj", ["pjj"]),
    ("local-service-ase", ["ase", "departements"]),
    ("maisons-des-solidarites", ["maisons-des-solidarites", "departements"]),
    ("mission-locale", ["mission-locale"]),
    ("local-cllaj", None),  # no national network: none rather than a made-up code
])
def test_local_types_are_published_under_their_national_codes(tmp_path, world, make_org, typologie, networks):
    make_org("Structure du réseau", commune=world["arras"], typologie=typologie)
    structure = export(tmp_path)["structures"][0]
    assert structure["reseaux_porteurs"] == networks
    di.Structure.model_validate(structure)


def test_public_records_read_back_into_an_empty_site_come_out_the_same(tmp_path, world):
    """Schema examples and a Dora-like record as producers publish them, plus records made here: exported,
    emptied, imported, exported again."""
    shutil.copy(DATA / "v1_schema_examples.json", tmp_path / "examples.json")
    assert not import_file(tmp_path / "examples.json").errors
    assert not import_file(write(tmp_path, "dora.json", {"structures": [STRUCTURE], "services": [SERVICE, AT_HOME]}
                                 )).errors
    builders.make_org("Habitat Jeunes d'Achicourt", commune=world["achicourt"], typologie="local-fjt",
                      phone="01 99 00 00 07", serving=[world["62-ARR"]],
                      services=[{"name": "Logement temporaire", "thematiques": ["logement-hebergement"],
                                 "zone_eligibilite": ["62"], "publics": ["jeunes"]}])
    builders.make_service(Organisation.objects.get(source_id=V1), name="Atelier numérique",
                          description="Prise en main d'un ordinateur.", zone_eligibilite=["62041"])
    first = export(tmp_path)
    assert len(first["structures"]) == 4 and len(first["services"]) == 6
    Organisation.objects.all().delete()
    result = import_file(tmp_path / "export.json")
    assert not result.errors and result.created_services == 6, result.warnings
    second = export(tmp_path)
    for kind in ("structures", "services"):
        for before, after in zip(first[kind], second[kind], strict=True):
            assert after == before, {key: (before.get(key), after.get(key)) for key in before
                                     if before.get(key) != after.get(key)}
    assert second == first


def test_the_open_data_page_streams_the_same_records_as_the_command(client, tmp_path, world, make_org):
    make_org("CCAS d'Arras", commune=world["arras"], services=[{"name": "Aide d'urgence"}])
    response = client.get(reverse("directory:export-json"))
    assert response.streaming and response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.getvalue()) == export(tmp_path)


def test_an_invalid_export_leaves_the_previous_file_in_place(tmp_path, world, make_org):
    path = tmp_path / "export.json"
    path.write_text("previous", encoding="utf-8")
    org = make_org("CCAS d'Arras", commune=world["arras"])
    Organisation.objects.filter(pk=org.pk).update(name="AB")  # too short for the schema
    err = StringIO()
    with pytest.raises(Exception, match="non conforme"):
        call_command("export_directory", "--validate", "-o", str(path), stdout=StringIO(), stderr=err)
    assert path.read_text(encoding="utf-8") == "previous" and "nom" in err.getvalue()
    assert not list(tmp_path.glob("*.partiel"))


def test_the_csv_keeps_every_network_and_the_records_dates(tmp_path, world):
    import_file(write(tmp_path, "dora.json", {"structures": [STRUCTURE], "services": [SERVICE]}))
    out = StringIO()
    call_command("export_directory", "--format", "csv", stdout=out, stderr=StringIO())
    header, row = out.getvalue().splitlines()[:2]
    cells = dict(zip(header.split(","), next(iter(__import__("csv").reader([row]))), strict=True))
    assert cells["typologie"] == "maisons-des-solidarites|departements|ase"
    assert (cells["date_maj"], cells["service_date_maj"]) == ("2019-05-03", "2019-06-01")
    Organisation.objects.all().delete()
    path = tmp_path / "export.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert not import_file(path).errors
    organisation = Organisation.objects.get(source="dora", source_id="dora--mds-arras")
    assert (organisation.typologie, organisation.reseaux_porteurs) == ("maisons-des-solidarites",
                                                                       ["departements", "ase"])
    assert timezone.localdate(organisation.updated_at) == date(2019, 5, 3)


def test_the_demo_directory_read_back_into_an_empty_site_comes_out_the_same(tmp_path, db):
    from relais.demo import directory as demo

    demo.load(lambda _message: None)
    first = export(tmp_path)
    assert len(first["structures"]) >= 150
    Organisation.objects.all().delete()
    result = import_file(tmp_path / "export.json")
    assert not result.errors
    assert (result.created_organisations, result.created_services) == (len(first["structures"]),
                                                                       len(first["services"]))
    second = export(tmp_path)
    for kind in ("structures", "services"):
        for before, after in zip(first[kind], second[kind], strict=True):
            assert after == before, {key: (before.get(key), after.get(key)) for key in before
                                     if before.get(key) != after.get(key)}
    assert second == first


def test_a_service_given_elsewhere_shows_its_place_on_the_organisations_page(client, tmp_path, world):
    import_file(write(tmp_path, "dora.json", {"structures": [STRUCTURE], "services": [SERVICE, AT_HOME]}))
    html = client.get(Organisation.objects.get(source_id="dora--mds-arras").get_absolute_url()).content.decode()
    assert "Place du Soldat Inconnu, 62100 Calais" in html
    assert html.count('directory-facts__label">Lieu<') == 1  # not for the service at the organisation's address
