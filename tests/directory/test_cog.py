"""load_territories: territories of any département from INSEE's COG (the installed npm package), the
département's own territories from a commune → territory table, yearly merges that keep every link."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from directory import cog
from directory.models import Territory
from directory.territories import load_territories, serving_ids
from tests.builders import make_org, make_service

PACKAGE_DATA = cog.find_source()  # the real package installed by `make install`


def _package_communes(departement: str) -> set[str]:
    rows = json.loads((PACKAGE_DATA / "communes.json").read_text())
    return {c["code"] for c in rows if c["type"] == "commune-actuelle" and c["departement"] == departement}


def _snapshot():
    return list(Territory.objects.order_by("code").values_list(
        "code", "kind", "name", "parent__code", "latitude", "longitude", "postal_codes", "population", "epci",
        "centre_source", "centre_note"))


def _load(*departements, **options):
    out = io.StringIO()
    call_command("load_territories", "--departement", *departements, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_pas_de_calais_comes_whole_from_the_package_with_its_epci_and_its_mds(db):
    output = _load("62")
    communes = set(Territory.objects.filter(kind=Territory.Kind.COMMUNE).values_list("code", flat=True))
    assert communes == _package_communes("62") and len(communes) > 850
    arras_cu = Territory.objects.get(code="200033579")
    assert (arras_cu.name, arras_cu.kind, arras_cu.parent.code) == ("CU d'Arras", "epci", "62")
    members = Territory.objects.filter(epci="200033579")
    assert members.count() == 46 and members.filter(code__in=["62041", "62004", "62013"]).count() == 3
    arras = Territory.objects.get(code="62041")
    # The table of the département's own territories decides the parent; the EPCI stays on the commune.
    assert (arras.parent.name, arras.parent.parent.name, arras.epci) == ("Arrageois", "Pas-de-Calais", "200033579")
    assert arras.postal_codes == "62000" and arras.population > 40000 and arras.latitude is not None
    assert "GeoNames" in arras.centre_note
    assert Territory.objects.get(code="62").centre_note == "Centre de son chef-lieu, Arras (62041)."
    # The progress bar counts communes as they are written.
    assert f"{len(communes)}/{len(communes)}" in output and "Communes" in output


@pytest.mark.django_db
def test_arras_belongs_to_the_arrageois(db):
    load_territories()
    arras = Territory.objects.get(code="62041")
    assert arras.name == "Arras" and arras.parent.name == "Arrageois" and arras.parent.parent.code == "62"
    assert Territory.objects.get(code="62498").parent.name == "Lens-Liévin"  # Lens
    assert Territory.objects.get(code="49007").parent.parent.name == "Maine-et-Loire"  # Angers
    assert load_territories() == 0


@pytest.mark.django_db
def test_a_second_run_changes_nothing(db):
    assert load_territories(departements=["62", "49"]) > 1000
    before = _snapshot()
    assert load_territories(departements=["62", "49"]) == 0
    assert load_territories() == 0  # no département named: those already loaded
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_departement_without_a_table_hangs_its_communes_under_their_epci(db):
    _load("59", "2A")
    lille = Territory.objects.get(code="59350")
    assert (lille.parent.name, lille.parent.kind, lille.parent.parent.name) == (
        "Métropole Européenne de Lille", "epci", "Nord")
    assert lille.pk in serving_ids(lille.parent) and lille.parent.pk in serving_ids(lille)
    ajaccio = Territory.objects.get(code="2A004")
    assert ajaccio.parent.parent.code == "2A" and ajaccio.departement_code == "2A"


def _write_table(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["commune", "territoire", "nom"])
        writer.writerows(rows)
    return str(path)


@pytest.mark.django_db
def test_a_table_defines_the_departements_own_territories_and_the_admin_choice_is_kept(tmp_path):
    table = _write_table(tmp_path / "nord.csv", [["59350", "59-LIL", "Lille"], ["59009", "59-LIL", "Lille"]])
    _load("59", territoires=table)
    lille = Territory.objects.get(code="59350")
    assert (lille.parent.code, lille.parent.kind, lille.parent.parent.code) == ("59-LIL", "territoire", "59")
    # A territory chosen in the admin for a commune the table does not name survives a reload.
    roubaix = Territory.objects.get(code="59512")
    roubaix.parent = Territory.objects.create(kind="territoire", code="59-RXT", name="Roubaix-Tourcoing",
                                              parent=Territory.objects.get(code="59"))
    roubaix.save()
    assert load_territories(departements=["59"], table=table) == 0
    assert Territory.objects.get(code="59512").parent.code == "59-RXT"


@pytest.mark.django_db
def test_a_commune_without_an_official_centre_says_why_and_the_admin_shows_it(db, superuser, client_as):
    _load("62")
    without = Territory.objects.filter(kind="commune", latitude__isnull=True)
    assert without.count() > 300
    village = without.order_by("code").first()
    assert village.longitude is None and village.centre_source == ""
    assert cog.centre_reason(village).startswith("Pas de centre : le Code officiel géographique")
    # No average: no commune shares the position of its EPCI's or territory's other communes by construction.
    assert not Territory.objects.filter(kind="commune", centre_source="", latitude__isnull=False).exists()
    page = client_as(superuser).get(f"/admin/snippets/directory/territory/edit/{village.pk}/")
    assert page.status_code == 200 and "Pas de centre : le Code officiel" in page.content.decode()


@pytest.mark.django_db
def test_a_centre_typed_in_the_admin_is_never_overwritten(db):
    _load("62")
    village = Territory.objects.filter(kind="commune", latitude__isnull=True).order_by("code").first()
    Territory.objects.filter(pk=village.pk).update(latitude=50.1, longitude=2.1, centre_source="saisie",
                                                   centre_note="Mairie, relevée sur place.")
    assert load_territories(departements=["62"]) == 0
    village.refresh_from_db()
    assert (village.latitude, village.longitude, village.centre_note) == (50.1, 2.1, "Mairie, relevée sur place.")


# --- a yearly COG update, simulated with a small crafted COG ------------------------------------------------
def _cog(folder, communes, epci_members):
    folder.mkdir(exist_ok=True)
    (folder / "departements.json").write_text(json.dumps(
        [{"code": "62", "nom": "Pas-de-Calais", "chefLieu": "62041"}]))
    (folder / "communes.json").write_text(json.dumps(communes))
    (folder / "epci.json").write_text(json.dumps([{"code": "200033579", "nom": "CU d'Arras",
                                                   "membres": [{"code": c} for c in epci_members]}]))
    return str(folder)


ARRAS = {"code": "62041", "nom": "Arras", "type": "commune-actuelle", "departement": "62",
         "codesPostaux": ["62000"], "population": 42875}
ACHICOURT = {"code": "62004", "nom": "Achicourt", "type": "commune-actuelle", "departement": "62",
             "codesPostaux": ["62217"], "population": 7500}


@pytest.mark.django_db
def test_a_merged_commune_hands_every_link_to_the_commune_that_absorbed_it(tmp_path):
    year1 = _cog(tmp_path / "2025", [ARRAS, ACHICOURT], ["62041", "62004"])
    table = _write_table(tmp_path / "t.csv", [["62041", "62-ARR", "Arrageois"], ["62004", "62-ARR", "Arrageois"]])
    _load("62", source=year1, territoires=table)
    achicourt, arras = Territory.objects.get(code="62004"), Territory.objects.get(code="62041")
    office = make_org("Centre social d'Achicourt", commune=achicourt, serving=[achicourt])
    both = make_org("Épicerie solidaire", commune=arras, serving=[arras, achicourt])
    service = make_service(office, name="Aide aux devoirs", zone_eligibilite=["62004", "62"])

    # Next year, Achicourt is a commune déléguée of Arras.
    delegated = {"code": "62004", "nom": "Achicourt", "type": "commune-deleguee", "chefLieu": "62041",
                 "departement": "62"}
    year2 = _cog(tmp_path / "2026", [dict(ARRAS, population=50375), delegated], ["62041"])
    output = _load("62", source=year2, territoires=table)

    assert not Territory.objects.filter(code="62004").exists()
    office.refresh_from_db()
    service.refresh_from_db()
    assert office.commune.code == "62041"
    assert list(office.territories.values_list("code", flat=True)) == ["62041"]
    assert list(both.territories.values_list("code", flat=True)) == ["62041"]
    assert service.zone_eligibilite == ["62041", "62"]
    assert Territory.objects.get(code="62041").population == 50375
    assert "62004 Achicourt → 62041 Arras" in output and "1 communes fusionnées" in output
    # Applied once: a second run of the same COG changes nothing.
    assert load_territories(departements=["62"], source=year2, table=table) == 0


@pytest.mark.django_db
def test_a_commune_that_vanishes_without_a_successor_is_kept_and_reported(tmp_path):
    _load("62", source=_cog(tmp_path / "a", [ARRAS, ACHICOURT], ["62041", "62004"]), territoires="")
    make_org("Centre social", commune=Territory.objects.get(code="62004"))
    output = _load("62", source=_cog(tmp_path / "b", [ARRAS], ["62041"]), territoires="")
    assert Territory.objects.filter(code="62004").exists()
    assert "62004 Achicourt : absente du Code officiel géographique" in output


def test_missing_official_files_name_what_to_do(tmp_path, settings):
    settings.RELAIS_COG_PATH = str(tmp_path / "nulle-part")
    with pytest.raises(CommandError, match="npm ci --omit=dev") as error:
        call_command("load_territories", "--departement", "62")
    assert "make install" in str(error.value) and "RELAIS_COG_PATH" in str(error.value)


@pytest.mark.django_db
def test_an_unknown_departement_is_refused(db):
    with pytest.raises(CommandError, match="Département inconnu du Code officiel géographique : 99"):
        _load("62", "99")
    assert not Territory.objects.exists()


@pytest.mark.django_db
def test_an_epci_serves_its_member_communes_even_under_a_territoire(db):
    _load("62")
    arras_cu, arras = Territory.objects.get(code="200033579"), Territory.objects.get(code="62041")
    assert arras.parent.kind == "territoire"
    assert arras.pk in serving_ids(arras_cu)
    assert Territory.objects.get(code="62193").pk not in serving_ids(arras_cu)  # Calais


def test_production_finds_the_package_installed_beside_the_wheel(tmp_path, settings, monkeypatch):
    """`npm ci --omit=dev` in the app server's folder (README, "Deploying") puts it under ./node_modules."""
    settings.RELAIS_COG_PATH = ""
    settings.PROJECT_DIR = tmp_path / "venv" / "site-packages" / "relais"  # an installed wheel: no checkout
    data = tmp_path / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
    data.mkdir(parents=True)
    for name in cog.FILES:
        (data / name).write_text("[]")
    monkeypatch.chdir(tmp_path)
    assert cog.find_source() == data


@pytest.mark.django_db
def test_a_commune_that_changes_epci_follows_it_unless_a_territoire_holds_it(tmp_path):
    def year(folder, epcis):
        source = _cog(tmp_path / folder, [ARRAS, ACHICOURT], [])
        (tmp_path / folder / "epci.json").write_text(json.dumps(
            [{"code": siren, "nom": name, "membres": [{"code": c} for c in members]}
             for siren, name, members in epcis]))
        return source

    _load("62", source=year("a", [("200033579", "CU d'Arras", ["62041", "62004"])]), territoires="")
    assert Territory.objects.get(code="62004").parent.code == "200033579"
    _load("62", source=year("b", [("200033579", "CU d'Arras", ["62041"]),
                                  ("200000001", "CC des Faubourgs", ["62004"])]), territoires="")
    achicourt = Territory.objects.get(code="62004")
    assert (achicourt.parent.code, achicourt.epci) == ("200000001", "200000001")
    # A centre typed by hand for an EPCI stays too.
    Territory.objects.filter(code="200000001").update(latitude=50.27, longitude=2.78, centre_source="saisie")
    assert load_territories(departements=["62"], source=str(tmp_path / "b"), table="") == 0
    assert Territory.objects.get(code="200000001").latitude == 50.27
