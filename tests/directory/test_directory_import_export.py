"""import_directory, export_directory and remind_stale_records."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from directory.models import ChangeRecord, Organisation, Service, StaleReminder
from directory.permissions import assign_editor

STRUCTURE = {"source": "dora", "id": "dora--42", "nom": "Habitat Jeunes Arras", "date_maj": "2026-01-15",
             "code_insee": "62041", "telephone": "03 21 00 00 00", "horaires_accueil": "Mo-Fr 09:00-17:00",
             "reseaux_porteurs": ["mission-locale"], "description": "Logement pour les jeunes travailleurs."}
SERVICE = {"source": "dora", "structure_id": "dora--42", "id": "dora--s1", "nom": "Logement temporaire",
           "description": "Studios meublés pour les 16-30 ans.", "date_maj": "2026-01-15",
           "thematiques": ["logement-hebergement--louer-un-logement"], "publics": ["jeunes"],
           "zone_eligibilite": ["62"]}


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_import_creates_then_updates_without_duplicates(tmp_path, territories):
    path = write(tmp_path, "di.json", {"structures": [STRUCTURE], "services": [SERVICE]})
    out, _ = run("import_directory", path)
    assert "1 organisation(s) créée(s)" in out
    org = Organisation.objects.get(source_id="dora--42")
    assert org.commune.code == "62041" and org.typologie == "mission-locale" and org.status == "published"
    assert org.services.get().thematiques == ["logement-hebergement--louer-un-logement"]
    changed = dict(STRUCTURE, nom="Habitat Jeunes d'Arras")
    path = write(tmp_path, "di2.json", {"structures": [changed], "services": [SERVICE]})
    out, _ = run("import_directory", path)
    assert "0 organisation(s) créée(s), 1 mise(s) à jour" in out
    assert Organisation.objects.count() == 1 and Service.objects.count() == 1
    assert Organisation.objects.get().name == "Habitat Jeunes d'Arras"
    assert ChangeRecord.objects.filter(action="import", model="organisation", changes__has_key="name").count() == 2
    records = ChangeRecord.objects.count()
    out, _ = run("import_directory", path)
    assert "0 mise(s) à jour, 1 inchangée(s)" in out and ChangeRecord.objects.count() == records


def test_dry_run_writes_nothing(tmp_path, territories):
    path = write(tmp_path, "di.json", {"structures": [STRUCTURE], "services": [SERVICE]})
    out, _ = run("import_directory", path, "--dry-run")
    assert "Simulation" in out and "1 organisation(s) créée(s)" in out and "1 service(s) créé(s)" in out
    assert not Organisation.objects.exists() and not Service.objects.exists()


@pytest.mark.parametrize("broken, row, field", [
    (dict(STRUCTURE, code_insee="9999"), "structures[1] (dora--42)", "code_insee"),
    (dict(STRUCTURE, telephone="pas un numéro"), "structures[1] (dora--42)", "telephone"),
    (dict(STRUCTURE, reseaux_porteurs=["inconnu"]), "structures[1] (dora--42)", "reseaux_porteurs"),
    (dict(STRUCTURE, latitude=95.5), "structures[1] (dora--42)", "latitude"),
    (dict(STRUCTURE, date_maj="hier"), "structures[1] (dora--42)", "date_maj"),
])
def test_json_errors_name_row_and_field_and_write_nothing(tmp_path, territories, broken, row, field):
    good = dict(STRUCTURE, id="dora--1", nom="Structure valide")
    path = write(tmp_path, "bad.json", {"structures": [broken, good], "services": [SERVICE]})
    with pytest.raises(CommandError):
        run("import_directory", path)
    assert not Organisation.objects.exists()
    _out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", path, stdout=_out, stderr=err)
    assert f"{row}, champ « {field} »" in err.getvalue()


def test_unknown_service_vocabulary_is_reported(tmp_path, territories):
    path = write(tmp_path, "bad.json", {"structures": [STRUCTURE],
                                        "services": [dict(SERVICE, thematiques=["pas-un-theme"])]})
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", path, stdout=StringIO(), stderr=err)
    assert "services[1] (dora--s1), champ « thematiques » : code(s) inconnu(s) : pas-un-theme" in err.getvalue()
    assert not Organisation.objects.exists()


def test_malformed_json_and_csv(tmp_path, territories):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", write(tmp_path, "x.json", "{not json"), stdout=StringIO(), stderr=err)
    assert "JSON mal formé" in err.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", write(tmp_path, "x.csv", "foo,bar\n1,2\n"), stdout=StringIO(), stderr=err)
    assert "ligne 1" in err.getvalue() and "structure_id" in err.getvalue()


def test_csv_errors_every_row_and_field(tmp_path, territories):
    content = ("structure_id,nom,code_insee,telephone,horaires_accueil,service_id,service_nom,thematiques,age_min\n"
               "a1,Valide,62041,01 99 00 00 01,Mo-Fr 09:00-12:00,s1,Service,sante,16\n"
               "a2,Cassée,6299,abc,Mo-Fr 09:00-12:00,s2,Autre,pas-un-theme,seize\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", write(tmp_path, "x.csv", content), stdout=StringIO(), stderr=err)
    text = err.getvalue()
    for field in ("code_insee", "telephone", "thematiques", "age_min"):
        assert f"ligne 3 (a2), champ « {field} »" in text
    assert "ligne 2" not in text
    assert not Organisation.objects.exists()


def test_export_round_trip_through_csv_and_json(tmp_path, territories, make_org):
    make_org("CCAS d'Arras", commune=territories["arras"], serving=[territories["arras"]], phone="01 99 00 00 05",
             services=[{"name": "Aide d'urgence", "thematiques": ["difficultes-financieres"], "age_min": 18}],
             contacts=[{"name": "Personne Privée", "visibility": "professionals"}])
    make_org("Fiche brouillon", status="draft")
    out, _ = run("export_directory", "--format", "datainclusion", "--validate")
    payload = json.loads(out)
    assert [s["nom"] for s in payload["structures"]] == ["CCAS d'Arras"]
    assert "Personne Privée" not in out
    csv_out, _ = run("export_directory", "--format", "csv")
    assert "Personne Privée" not in csv_out and "Fiche brouillon" not in csv_out
    path = write(tmp_path, "export.csv", csv_out)
    result, _ = run("import_directory", path, "--dry-run")
    # Its own export read back is the same record: nothing to change.
    assert ("0 organisation(s) créée(s), 0 mise(s) à jour, 1 inchangée(s), 0 ignorée(s) ; 0 service(s) créé(s), "
            "0 mis à jour, 1 inchangé(s)") in result


def test_remind_stale_records_once_per_period(territories, make_org, partner_editor, dept_admin):
    old = timezone.now() - timedelta(days=200)
    stale = make_org("Fiche ancienne", last_confirmed_at=old)
    make_org("Fiche récente", last_confirmed_at=timezone.now() - timedelta(days=10))
    make_org("Brouillon ancien", status="draft", last_confirmed_at=old)
    assign_editor(stale, partner_editor)
    out, _ = run("remind_stale_records")
    assert "1 fiche(s) à confirmer ; 1 relancée(s)" in out
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["editeur@exemple.invalid", "pilote@exemple.invalid"]
    assert "Fiche ancienne" in mail.outbox[0].body and "Fiche récente" not in mail.outbox[0].body
    out, _ = run("remind_stale_records")
    assert "1 déjà relancée(s)" in out and len(mail.outbox) == 2
    assert StaleReminder.objects.count() == 1


def test_stale_record_reminders_link_to_the_public_address(territories, make_org, partner_editor, dept_admin,
                                                           assert_public_links):
    stale = make_org("Fiche ancienne", last_confirmed_at=timezone.now() - timedelta(days=200))
    assign_editor(stale, partner_editor)
    run("remind_stale_records")
    assert len(mail.outbox) == 2  # the editor's and the admins'
    for message in mail.outbox:
        assert assert_public_links(message.body) == [f"https://relais.exemple.org{stale.get_absolute_url()}"]


def test_a_record_from_another_producer_comes_back_through_the_csv_export_unchanged(tmp_path, territories):
    run("import_directory", write(tmp_path, "di.json", {"structures": [STRUCTURE], "services": [SERVICE]}))
    csv_out, _ = run("export_directory", "--format", "csv")
    assert csv_out.splitlines()[1].startswith("dora,dora--42,")
    result, _ = run("import_directory", write(tmp_path, "export.csv", csv_out))
    assert "0 organisation(s) créée(s), 0 mise(s) à jour, 1 inchangée(s)" in result
    assert Organisation.objects.get().source == "dora"
