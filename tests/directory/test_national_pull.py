"""pull_national_directory: the département's slice of the national data·inclusion dataset (tests/directory/data/
national, sources in its README), its provenance, and the département's decision on suspected duplicates."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory.models import ChangeRecord, Contact, Organisation, Provenance, Service, SuspectedDuplicate
from directory.permissions import assign_editor

DATA = Path(__file__).parent / "data" / "national"
TOURNESOL = "dora--AidantsConnect:2024-47BXY"
MJC = "cd35--mjc-13-grandjour"
CCAS = "france-travail--ccas-provence-alpes-cote-dazur-2024-01-01"
ML = "soliguide--synthetique-ml-arrageois"
LILLE = "dora--synthetique-reseau-sortants-ase"
ANGERS = "soliguide--synthetique-pij-angers"
LIST_URL = "directory_duplicates"


@pytest.fixture
def world(territories):
    """Pas-de-Calais (Arras, Calais in the schema's example EPCI) and Maine-et-Loire (Angers)."""
    territories["calais"].epci = "200093201"
    territories["calais"].save()
    return territories


@pytest.fixture
def local(world, make_org):
    """Records already in the directory: the demo's Mission locale, a CCAS in the same building, a social centre
    holding the schema's example SIRET under another name, and a CCAS in Calais."""
    arras = world["arras"]
    return {
        "ml": make_org("Mission locale de l'Arrageois", commune=arras, address="12 rue de la République",
                       postal_code="62000", serving=[world["62-ARR"]],
                       services=[{"name": "Accompagnement vers l'emploi et la formation"}]),
        "ccas": make_org("CCAS d'Arras", commune=arras, address="12 rue de la République", postal_code="62000"),
        "centre": make_org("Centre social du quartier Ouest", commune=arras, siret="13003013300016",
                           address="4 rue Pasteur"),
        "calais": make_org("CCAS de Calais", commune=world["calais"], address="1 place de la Mairie"),
    }


@pytest.fixture
def files(tmp_path):
    for name in ("structures.json", "services.json"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def pull(*args):
    out, err = StringIO(), StringIO()
    call_command("pull_national_directory", *map(str, args), stdout=out, stderr=err, verbosity=2)
    return out.getvalue(), err.getvalue()


def national(source_id):
    return Organisation.objects.get(source_id=source_id)


def suspicion(incoming_id):
    return SuspectedDuplicate.objects.select_related("local", "incoming").get(incoming__source_id=incoming_id)


def everything():
    """What a run could write, to compare before and after."""
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "services": list(Service.objects.order_by("pk").values()),
        "provenance": list(Provenance.objects.order_by("pk").values()),
        "suspicions": list(SuspectedDuplicate.objects.order_by("pk").values()),
        "history": ChangeRecord.objects.count(),
    }


def test_the_slice_keeps_the_departements_records_and_leaves_the_rest(files, local, world):
    out, err = pull(files)
    assert ("données nationales : 6 structure(s) du département, 1 hors département ignorée(s) ; 5 organisation(s) "
            "créée(s), 0 mise(s) à jour, 0 inchangée(s), 0 rattachée(s) à une fiche locale ; 5 service(s) créé(s)"
            in out)
    assert "2 nouveau(x) doublon(s) présumé(s), 2 à examiner ; 1 fiche(s) en erreur écartée(s)." in out
    assert not Organisation.objects.filter(source_id=CCAS).exists()  # Marseille
    assert not Organisation.objects.filter(source="relais").exists()  # our own record, published back
    # The bad record is left out with its reason; the others are written all the same.
    assert "Écartée : structures[6] (soliguide--synthetique-numero-illisible), champ « telephone »" in err
    assert not Organisation.objects.filter(name="Espace jeunes de l'Arrageois").exists()
    # In Lille, but its service serves the Pas-de-Calais: in the slice, serving the département.
    lille = national(LILLE)
    assert lille.commune is None and [t.code for t in lille.territories.all()] == ["62"]
    assert national(ANGERS).commune == world["angers"]
    mjc = national(MJC)
    assert mjc.status == Organisation.Status.PUBLISHED and mjc.commune == world["calais"]


def test_a_departement_option_narrows_the_slice(files, local):
    out, _err = pull(files, "--departement", "62")
    assert "5 structure(s) du département, 2 hors département ignorée(s)" in out
    assert not Organisation.objects.filter(source_id=ANGERS).exists()


def test_a_record_with_a_local_records_siret_is_a_suspected_duplicate_kept_as_a_draft(files, local):
    pull(files)
    pair = suspicion(TOURNESOL)
    assert pair.local == local["centre"] and pair.reason == "siret" and pair.score == 1.0
    assert pair.decision == "pending" and pair.incoming.status == Organisation.Status.DRAFT
    assert pair.incoming.name == "Centre social Le Tournesol"


def test_a_close_name_and_address_in_the_same_commune_is_a_suspected_duplicate(files, local):
    pull(files)
    pair = suspicion(ML)
    assert pair.local == local["ml"] and pair.reason == "name_address" and pair.score > 0.9
    assert pair.incoming.status == Organisation.Status.DRAFT
    # The CCAS in the same building, and the CCAS of Calais next to the MJC, are other partners.
    assert not SuspectedDuplicate.objects.filter(local__in=[local["ccas"], local["calais"]]).exists()
    assert SuspectedDuplicate.objects.count() == 2


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(files, local):
    before = everything()
    out, _err = pull(files, "--dry-run")
    assert out.startswith("Simulation (rien n'est écrit) : ")
    assert "5 organisation(s) créée(s)" in out and "2 nouveau(x) doublon(s) présumé(s)" in out
    assert everything() == before


def test_a_second_run_changes_nothing(files, local):
    pull(files)
    before = everything()
    out, _err = pull(files)
    assert ("0 organisation(s) créée(s), 0 mise(s) à jour, 5 inchangée(s), 0 rattachée(s) à une fiche locale ; "
            "0 service(s) créé(s), 0 mis à jour, 5 inchangé(s) ; 0 nouveau(x) doublon(s) présumé(s), 2 à examiner"
            in out)
    assert everything() == before


def test_each_record_shows_its_provenance_in_the_admin_and_its_producer_publicly(files, local, client_as, dept_admin,
                                                                                 client):
    pull(files)
    mjc = national(MJC)
    page = client.get(mjc.get_absolute_url()).content.decode()
    assert "Source : cd35" in page
    assert "Source :" not in client.get(local["calais"].get_absolute_url()).content.decode()  # made here
    edit = client_as(dept_admin).get(reverse("wagtailsnippets_directory_organisation:edit", args=[mjc.pk]))
    body = edit.content.decode()
    assert "Provenance" in body and "cd35--mjc-13-grandjour" in body and "14/02/2025" in body


def test_the_pilot_lists_the_pairs_and_merges_one(files, local, client_as, dept_admin, client):
    pull(files)
    pair = suspicion(ML)
    incoming = pair.incoming
    moved = incoming.services.get()
    Contact.objects.create(organisation=incoming, service=moved, name="Accueil emploi", visibility="public")
    admin = client_as(dept_admin)
    listing = admin.get(reverse(LIST_URL)).content.decode()
    assert "MISSION LOCALE ARRAGEOIS" in listing and "Centre social Le Tournesol" in listing
    detail = admin.get(reverse("directory_duplicate", args=[pair.pk])).content.decode()
    assert "Fusionner" in detail and "Garder séparées" in detail and "12, r. de la République" in detail

    response = admin.post(reverse("directory_duplicate", args=[pair.pk]), {"action": "merge"})
    assert response.status_code == 302
    ml = Organisation.objects.get(pk=local["ml"].pk)
    assert ml.name == "Mission locale de l'Arrageois" and ml.address == "12 rue de la République"  # kept as it was
    moved.refresh_from_db()
    assert moved.organisation == ml and moved.contacts.get().organisation == ml  # with its contact
    incoming.refresh_from_db()
    assert incoming.status == Organisation.Status.ARCHIVED  # never deleted
    assert list(ml.provenance.values_list("source", "source_id")) == [("soliguide", ML)]
    merged = ChangeRecord.objects.get(organisation=ml, action=ChangeRecord.Action.MERGE)
    assert merged.user == dept_admin and merged.changes["fiche fusionnée"] == ["MISSION LOCALE ARRAGEOIS",
                                                                                ml.name]
    assert ChangeRecord.objects.filter(organisation=incoming, action=ChangeRecord.Action.MERGE).exists()
    pair.refresh_from_db()
    assert pair.decision == "merged" and pair.decided_by == dept_admin
    public = client.get(ml.get_absolute_url()).content.decode()
    assert "Source : soliguide" in public and "Accompagnement vers l&#x27;emploi" in public

    # The next pulls update the moved service and the provenance only, and change nothing a second time.
    before = everything()
    out, _err = pull(files)
    assert "0 organisation(s) créée(s), 0 mise(s) à jour, 4 inchangée(s), 1 rattachée(s) à une fiche locale" in out
    assert "0 service(s) créé(s), 0 mis à jour, 5 inchangé(s) ; 0 nouveau(x) doublon(s) présumé(s), 1 à examiner" in out
    assert everything() == before


def test_the_pilot_keeps_a_pair_apart_and_the_national_record_is_published(files, local, client_as, dept_admin):
    pull(files)
    pair = suspicion(TOURNESOL)
    response = client_as(dept_admin).post(reverse("directory_duplicate", args=[pair.pk]), {"action": "keep"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == "kept_apart" and pair.decided_by == dept_admin
    assert pair.incoming.status == Organisation.Status.PUBLISHED
    assert local["centre"].services.count() == 0 and pair.incoming.services.count() == 1
    assert ChangeRecord.objects.filter(organisation=pair.incoming, action=ChangeRecord.Action.SEPARATE).exists()
    # Decided once: the same pair is not suggested again, and a second decision is refused.
    out, _err = pull(files)
    assert "0 nouveau(x) doublon(s) présumé(s), 1 à examiner" in out
    again = client_as(dept_admin).post(reverse("directory_duplicate", args=[pair.pk]), {"action": "merge"},
                                       follow=True)
    assert "déjà été traité" in again.content.decode()
    assert national(TOURNESOL).status == Organisation.Status.PUBLISHED


def test_a_partner_editor_can_neither_see_nor_decide_a_pair(files, local, client_as, partner_editor):
    pull(files)
    pair = suspicion(ML)
    assign_editor(local["ml"], partner_editor)
    assign_editor(pair.incoming, partner_editor)
    client = client_as(partner_editor)
    assert client.get(reverse(LIST_URL)).status_code == 403
    assert client.get(reverse("directory_duplicate", args=[pair.pk])).status_code == 403
    assert client.post(reverse("directory_duplicate", args=[pair.pk]), {"action": "merge"}).status_code == 403
    pair.refresh_from_db()
    assert pair.decision == "pending" and pair.incoming.status == Organisation.Status.DRAFT


def test_unreadable_files_stop_the_pull_with_a_french_message(tmp_path, local):
    from django.core.management.base import CommandError

    (tmp_path / "structures.csv").write_text("id,nom\n", encoding="utf-8")
    with pytest.raises(CommandError, match="la forme JSON du jeu national est attendue"):
        pull(tmp_path / "structures.csv")
    with pytest.raises(CommandError, match="ne contient ni structures.json ni services.json"):
        pull(tmp_path)
    before = everything()
    broken = tmp_path / "services.json"
    broken.write_text('[\n{"source": "dora", "structure_id": "x", "id": "y"},\n{"source": "dora",, "id": "z"}\n]',
                      encoding="utf-8")
    with pytest.raises(CommandError, match=r"« services.json », ligne 3 : JSON mal formé \(colonne 19\)"):
        pull(broken)
    broken.write_bytes('[{"nom": "Café"}]'.encode("latin-1"))
    with pytest.raises(CommandError, match=r"« services.json » : encodage UTF-8 attendu \(octet 13 illisible\)"):
        pull(broken)
    broken.write_text('{"structure": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="une liste de structures ou de services est attendue"):
        pull(broken)
    assert everything() == before


def test_one_object_holding_both_lists_is_read_as_the_two_files(files, local, tmp_path):
    import json

    combined = tmp_path / "jeu.json"
    combined.write_text(json.dumps({name: json.loads((files / f"{name}.json").read_text(encoding="utf-8"))
                                    for name in ("structures", "services")}), encoding="utf-8")
    out, _err = pull(combined)
    assert "6 structure(s) du département, 1 hors département ignorée(s) ; 5 organisation(s) créée(s)" in out
    assert national(ANGERS).services.count() == 1
