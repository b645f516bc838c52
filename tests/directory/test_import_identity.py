"""import_directory never overwrites what a file does not say: identity is (source, source id), an absent column
leaves its field as it is, an empty cell clears only with --clear-empty; errors are one French line each."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.models import Organisation


def run(tmp_path, name, content, *args):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_directory", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_same_id_from_two_sources_makes_two_records(tmp_path, territories):
    run(tmp_path, "a.csv", "structure_id,nom,site_web\n12,Mission locale A,https://a.exemple.org/\n", "--source", "a")
    out, _ = run(tmp_path, "b.csv", "structure_id,nom\n12,CCAS B\n", "--source", "b")
    assert "1 organisation(s) créée(s), 0 mise(s) à jour" in out
    assert Organisation.objects.get(source="a", source_id="12").name == "Mission locale A"
    assert Organisation.objects.get(source="b", source_id="12").name == "CCAS B"
    # A data·inclusion record of a third producer with the same id, and a CSV naming its rows' source.
    run(tmp_path, "c.json", '[{"source": "dora", "id": "12", "nom": "Structure Dora", "date_maj": "2025-01-02"}]')
    run(tmp_path, "d.csv", "source,structure_id,nom\na,12,Mission locale A (renommée)\n")
    assert sorted(Organisation.objects.values_list("source", "name")) == [
        ("a", "Mission locale A (renommée)"), ("b", "CCAS B"), ("dora", "Structure Dora")]
    assert Organisation.objects.get(source="a").website == "https://a.exemple.org/"


def test_a_column_absent_from_the_csv_leaves_its_field_untouched(tmp_path, territories):
    run(tmp_path, "full.csv", "structure_id,nom,description,adresse,site_web,code_insee\n"
                              "s1,CCAS d'Arras,Aide sociale.,1 rue Gambetta,https://ccas.exemple.org/,62041\n")
    out, _ = run(tmp_path, "few.csv", "structure_id,nom\ns1,CCAS d'Arras\n")
    assert "0 mise(s) à jour, 1 inchangée(s)" in out
    org = Organisation.objects.get()
    assert (org.description, org.address, org.website, org.commune.code) == (
        "Aide sociale.", "1 rue Gambetta", "https://ccas.exemple.org/", "62041")
    assert [t.code for t in org.territories.all()] == ["62041"]


def test_an_empty_cell_clears_its_field_only_when_asked(tmp_path, territories):
    run(tmp_path, "full.csv", "structure_id,nom,description,site_web\ns1,CCAS,Aide sociale.,https://c.exemple.org/\n")
    content = "structure_id,nom,description,site_web\ns1,CCAS,,\n"
    out, _ = run(tmp_path, "empty.csv", content)
    assert "1 inchangée(s)" in out
    assert Organisation.objects.get().description == "Aide sociale."
    out, _ = run(tmp_path, "empty.csv", content, "--clear-empty")
    assert "1 mise(s) à jour" in out
    org = Organisation.objects.get()
    assert org.description == "" and org.website == ""


def test_a_null_in_json_leaves_the_field_untouched(tmp_path, territories):
    record = '{"source": "dora", "id": "dora--7", "nom": "Point jeunes", "date_maj": "2025-01-02", "description": %s}'
    run(tmp_path, "a.json", "[" + record % '"Accueil des 16-25 ans."' + "]")
    run(tmp_path, "b.json", "[" + record % "null" + "]")
    assert Organisation.objects.get().description == "Accueil des 16-25 ans."


@pytest.mark.parametrize("cell, field, expected", [
    ("gratos", "frais", "code(s) inconnu(s) : gratos (valeurs permises : gratuit, payant)"),
    ("logement", "thematiques", "code(s) inconnu(s) : logement (thématiques data·inclusion v1)"),
    ("jeunes-16-25", "publics", "code(s) inconnu(s) : jeunes-16-25 (publics data·inclusion v1)"),
    ("par-pigeon", "modes_mobilisation", "code(s) inconnu(s) : par-pigeon (valeurs permises : envoyer-un-courriel, "
                                         "se-presenter, telephoner, utiliser-lien-mobilisation)"),
])
def test_each_error_is_one_french_line_naming_record_field_and_what_is_allowed(tmp_path, territories, cell, field,
                                                                               expected):
    content = f"structure_id,nom,service_id,service_nom,{field}\ns1,CCAS,sv1,Accueil,{cell}\n"
    with pytest.raises(CommandError):
        run(tmp_path, "bad.csv", content)
    err = StringIO()
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_directory", str(tmp_path / "bad.csv"), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [f"ligne 2 (s1), champ « {field} » : {expected}"]
    assert not Organisation.objects.exists()


def test_schema_errors_are_french_and_reported_once(tmp_path, territories):
    record = ('{"source": "dora", "id": "dora--8", "nom": "Point jeunes", "date_maj": "2025-13-45", '
              '"siret": "123", "reseaux_porteurs": ["pas-un-reseau"]}')
    with pytest.raises(CommandError, match="3 erreur"):
        run(tmp_path, "bad.json", "[" + record + "]")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", str(tmp_path / "bad.json"), stdout=StringIO(), stderr=err)
    lines = [line for line in err.getvalue().splitlines() if not line.startswith("Avertissement")]
    assert sorted(lines) == sorted([
        "structures[1] (dora--8), champ « siret » : un SIRET compte 14 chiffres, reçu « 123 »",
        "structures[1] (dora--8), champ « reseaux_porteurs » : type(s) de structure inconnu(s) : pas-un-reseau "
        "(réseaux porteurs data·inclusion v1)",
        "structures[1] (dora--8), champ « date_maj » : date AAAA-MM-JJ attendue",
    ])


def test_hours_whose_later_rule_has_no_days_are_flagged(tmp_path, territories):
    _out, err = run(tmp_path, "h.csv", "structure_id,nom,horaires_accueil\n"
                                       "s1,CCAS,Mo-Fr 08:30-12:00; 13:30-17:00\n"
                                       "s2,CIAS,\"Mo-Fr 08:30-12:00,13:30-17:00\"\n")
    assert ("ligne 2 (s1), champ « horaires_accueil » : la règle « 13:30-17:00 » sans jours vaut pour tous les "
            "jours") in err
    assert "ligne 3" not in err
    assert Organisation.objects.get(source_id="s1").opening_hours == "Mo-Fr 08:30-12:00; 13:30-17:00"


@pytest.mark.parametrize("name, content, expected", [
    ("x.json", "{not json", "ligne 1, champ « - » : JSON mal formé (colonne 2)"),
    ("x.csv", b"structure_id,nom\ns1,Caf\xe9\n", "fichier, champ « - » : encodage UTF-8 attendu"),
])
def test_unreadable_files_are_one_french_line(tmp_path, territories, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith(expected) and len(err.getvalue().splitlines()) == 1


def test_imported_records_are_in_the_admins_usage_counts(tmp_path, territories, django_capture_on_commit_callbacks):
    """The import writes in bulk (no save signal): a task queued after the commit feeds Wagtail's reference index,
    so a commune's and an organisation's usage in the admin count imported records, created or changed."""
    from wagtail.models import ReferenceIndex

    from directory.models import Service

    def users_of(obj):
        return set(ReferenceIndex.get_references_to(obj).values_list("content_type__model", "object_id"))

    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, "a.csv", "structure_id,nom,code_insee,service_id,service_nom\n"
                               "s1,CCAS d'Arras,62041,v1,Aide aux démarches\n")
    org, service = Organisation.objects.get(), Service.objects.get()
    assert users_of(territories["arras"]) == {("organisation", str(org.pk))}
    assert users_of(org) == {("service", str(service.pk))}
    with django_capture_on_commit_callbacks(execute=True):  # moved to Angers by a second file
        run(tmp_path, "b.csv", "structure_id,nom,code_insee\ns1,CCAS d'Arras,49007\n")
    assert users_of(territories["arras"]) == set()
    assert users_of(territories["angers"]) == {("organisation", str(org.pk))}
