"""Territories from INSEE's Code officiel géographique (COG), as Etalab publishes it in the npm package
``@etalab/decoupage-administratif`` (installed by ``make install``, ``npm ci``): communes, intercommunalités
(EPCI), départements, postal codes, populations. The package has no coordinates: a commune's centre comes from
GeoNames (``data/centres_geonames.csv``) where GeoNames has it; otherwise the commune has no centre and
``centre_note`` says why (never an average of its neighbours).

The département's own territories (territoires d'action sociale, MDS) come from a commune → territory table
(CSV: ``commune,territoire,nom``) or from the admin. A commune's parent is its territoire d'action sociale when
one is defined, else its EPCI, else its département: always two levels at most under the département, as
``directory.territories`` (``serving_ids``, ``ancestors``) expects. Its EPCI stays reachable by ``epci``.

A yearly COG update removes merged communes: their links (organisations' commune, served territories,
services' ``zone_eligibilite``, any other reference) move to the commune that absorbed them, then the old row
goes. Everything is idempotent: a second run writes nothing.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from directory.models import Service, Territory

Kind = Territory.Kind
PACKAGE = "@etalab/decoupage-administratif"
DATA = Path(__file__).resolve().parent / "data"
DEFAULT_TABLE = DATA / "territoires_action_sociale.csv"
GEONAMES_CENTRES = DATA / "centres_geonames.csv"
FILES = ("communes.json", "epci.json", "departements.json")
BATCH = 1000

CENTRE_GEONAMES = "geonames"
CENTRE_CHEF_LIEU = "chef-lieu"
CENTRE_LARGEST = "commune-principale"
CENTRE_MANUAL = "saisie"  # set by hand in the admin: the loader never overwrites it
NO_CENTRE_NOTE = ("Pas de centre : le Code officiel géographique ne donne pas de coordonnées et GeoNames "
                  "(lieux de 1 000 habitants et plus) ne connaît pas cette commune. Les distances ne sont pas "
                  "calculées depuis ce lieu ; un centre peut être saisi à la main (source « saisie »).")


class COGMissing(Exception):
    """The official files cannot be found or read: the message says what to do, in French."""


# --- reading the official files ----------------------------------------------------------------------------
def default_paths() -> list[Path]:
    """Where the package's data folder is looked for: RELAIS_COG_PATH when set, else ``node_modules`` of the
    checkout (``make install``), then of the current folder (production: ``npm ci --omit=dev`` beside the wheel)."""
    configured = getattr(settings, "RELAIS_COG_PATH", "")
    if configured:
        return [Path(configured)]
    tail = Path("node_modules", *PACKAGE.split("/"), "data")
    return [Path(settings.PROJECT_DIR).resolve().parent / tail, Path.cwd() / tail]


def find_source(source: str | Path | None = None) -> Path:
    candidates = [Path(source)] if source else default_paths()
    for path in candidates:
        if all((path / name).is_file() for name in FILES):
            return path
    raise COGMissing(
        "Données du Code officiel géographique introuvables (cherchées dans : "
        + ", ".join(str(p) for p in candidates) + f" ; fichiers attendus : {', '.join(FILES)}). "
        f"Installez le paquet npm {PACKAGE} : « make install » dans le dépôt, ou « npm ci --omit=dev » dans le "
        "dossier où sont copiés package.json et package-lock.json en production ; ou indiquez son dossier data "
        "par --source ou la variable RELAIS_COG_PATH.")


@dataclass
class Cog:
    communes: dict[str, dict]  # current communes by code
    successor: dict[str, str]  # former or delegated commune code → the current commune that holds it
    epcis: dict[str, dict]
    epci_of: dict[str, str]
    departements: dict[str, dict]


def read_cog(source: str | Path | None = None) -> Cog:
    path = find_source(source)
    try:
        communes_raw = json.loads((path / "communes.json").read_text(encoding="utf-8"))
        epcis_raw = json.loads((path / "epci.json").read_text(encoding="utf-8"))
        departements_raw = json.loads((path / "departements.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise COGMissing(f"Fichiers du Code officiel géographique illisibles dans {path} : {error}") from error
    communes = {c["code"]: c for c in communes_raw if c.get("type") == "commune-actuelle"}
    successor = {}
    for c in communes_raw:  # a commune déléguée or associée is held by its chef-lieu
        if c.get("type") in ("commune-deleguee", "commune-associee") and c.get("chefLieu") in communes:
            successor.setdefault(c["code"], c["chefLieu"])
    for c in communes.values():  # codes a current commune absorbed in earlier COG years
        for old in c.get("anciensCodes") or ():
            successor.setdefault(old, c["code"])
    for code in communes:
        successor.pop(code, None)
    epcis = {e["code"]: e for e in epcis_raw}
    epci_of = {m["code"]: e["code"] for e in epcis_raw for m in e.get("membres", ())}
    return Cog(communes, successor, epcis, epci_of, {d["code"]: d for d in departements_raw})


def departement_of(code: str) -> str:
    """The département of a commune code: three characters overseas (971…, 988…), else two (59, 2A)."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]


def read_table(path: str | Path | None) -> list[dict]:
    """The commune → territoire d'action sociale table: columns ``commune`` (INSEE code), ``territoire`` (its
    local code, e.g. ``62-ARR``) and ``nom``."""
    if not path:
        return []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = {"commune", "territoire", "nom"} - set(rows[0] if rows else ())
    if rows and missing:
        raise COGMissing(f"Table des territoires {path} : colonnes manquantes : {', '.join(sorted(missing))} "
                         "(attendues : commune, territoire, nom).")
    return [{k: (row.get(k) or "").strip() for k in ("commune", "territoire", "nom")} for row in rows
            if (row.get("commune") or "").strip() and (row.get("territoire") or "").strip()]


def read_centres(path: Path = GEONAMES_CENTRES) -> dict[str, tuple[float, float, str]]:
    """Commune code → (latitude, longitude, what the centre is)."""
    centres = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            where = "" if row["lieu"] == row["nom"] else \
                f", au lieu « {row['lieu']} » (son ancienne commune chef-lieu, dont elle garde le code)"
            centres[row["code"]] = (float(row["latitude"]), float(row["longitude"]),
                                    f"Centre : GeoNames{where} (geonames.org, CC BY 4.0).")
    return centres


# --- loading ------------------------------------------------------------------------------------------------
@dataclass
class Report:
    created: int = 0
    updated: int = 0
    merged: list[str] = field(default_factory=list)  # one line per merged commune
    kept: list[str] = field(default_factory=list)  # vanished communes with no known successor
    without_centre: int = 0

    @property
    def written(self) -> int:
        return self.created + self.updated + len(self.merged)


FIELDS = ("kind", "name", "slug", "parent_id", "latitude", "longitude", "postal_codes", "population", "epci",
          "centre_source", "centre_note")


class _Writer:
    """Bulk upserts keyed by code: compares each row with the stored one and writes only what changed."""

    def __init__(self, report: Report, progress: Callable[[str, int, int], None]):
        self.report, self.progress = report, progress
        self.by_code: dict[str, Territory] = {}

    def fetch(self, codes: Iterable[str]) -> None:
        codes = [c for c in codes if c not in self.by_code]
        for start in range(0, len(codes), BATCH):
            for territory in Territory.objects.filter(code__in=codes[start:start + BATCH]):
                self.by_code[territory.code] = territory

    def upsert(self, label: str, rows: dict[str, dict]) -> None:
        self.fetch(rows)
        create, update = [], []
        for code, values in rows.items():
            values.setdefault("slug", slugify(values["name"])[:160])
            territory = self.by_code.get(code)
            if territory is not None and territory.centre_source == CENTRE_MANUAL:
                for name in ("latitude", "longitude", "centre_source", "centre_note"):  # typed in the admin
                    values.pop(name, None)
            if territory is None:
                create.append(Territory(code=code, **values))
            elif any(getattr(territory, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(territory, name, value)
                update.append(territory)
        total, done = len(rows), 0
        for start in range(0, len(create), BATCH):
            Territory.objects.bulk_create(create[start:start + BATCH])
            done += len(create[start:start + BATCH])
            self.progress(label, done, total)
        for start in range(0, len(update), BATCH):
            Territory.objects.bulk_update(update[start:start + BATCH], [f for f in FIELDS if f != "slug"] + ["slug"])
            done += len(update[start:start + BATCH])
            self.progress(label, done, total)
        if done < total:  # the unchanged rows
            self.progress(label, total, total)
        self.report.created += len(create)
        self.report.updated += len(update)
        if create:  # primary keys of the new rows, for the next level's parents
            for code in [t.code for t in create]:
                self.by_code.pop(code, None)
            self.fetch([t.code for t in create])

    def pk(self, code: str | None) -> int | None:
        territory = self.by_code.get(code) if code else None
        return territory.pk if territory is not None else None


def load(departements: Iterable[str] | None = None, *, source: str | Path | None = None,
         table: str | Path | None = DEFAULT_TABLE, log: Callable[[str], None] = lambda _m: None,
         progress: Callable[[str, int, int], None] = lambda _label, _done, _total: None) -> Report:
    """Load (or update) the départements' communes, EPCI and territories; move the links of merged communes.

    ``departements`` None: those already in the database (a yearly update), else those of the table."""
    cog = read_cog(source)
    rows = read_table(table)
    if departements is None:
        departements = list(Territory.objects.filter(kind=Kind.DEPARTEMENT).values_list("code", flat=True)) or \
            sorted({departement_of(row["commune"]) for row in rows})
    wanted = list(dict.fromkeys(str(code).strip().upper() for code in departements if str(code).strip()))
    unknown = [code for code in wanted if code not in cog.departements]
    if unknown or not wanted:
        raise COGMissing(f"Département inconnu du Code officiel géographique : {', '.join(unknown) or '(aucun)'} "
                         "(codes attendus : 01 à 95, 2A, 2B, 971 à 976).")
    with transaction.atomic():
        report = _load(cog, wanted, rows, log, progress)
    log(f"Territoires des départements {', '.join(wanted)} : {report.created} créés, {report.updated} mis à "
        f"jour, {len(report.merged)} communes fusionnées, {report.without_centre} communes sans centre connu.")
    for line in report.merged + report.kept:
        log(line)
    return report


def _load(cog: Cog, wanted: list[str], table: list[dict], log, progress) -> Report:
    report = Report()
    writer = _Writer(report, progress)
    centres = read_centres()
    communes = {code: c for code, c in cog.communes.items() if c["departement"] in wanted}

    # The table, read against this COG: a row naming a former commune applies to the one that absorbed it.
    territory_of: dict[str, str] = {}
    territory_names: dict[str, str] = {}
    territory_dep: dict[str, Counter] = defaultdict(Counter)
    for row in table:
        code = row["commune"] if row["commune"] in cog.communes else cog.successor.get(row["commune"], "")
        if code in communes:
            territory_of.setdefault(code, row["territoire"])
            territory_names[row["territoire"]] = row["nom"] or row["territoire"]
            territory_dep[row["territoire"]][communes[code]["departement"]] += 1

    def centre_of(code: str) -> tuple[float | None, float | None]:
        return centres[code][:2] if code in centres else (None, None)

    def largest(codes: Iterable[str]) -> str | None:
        located = [c for c in codes if c in communes and c in centres]
        return max(located, key=lambda c: (communes[c].get("population") or 0, c), default=None)

    def area_centre(values: dict, commune_code: str | None, source: str, note: str,
                    missing: str = "Pas de centre : aucune de ses communes n'a de centre connu.") -> dict:
        lat, lon = centre_of(commune_code) if commune_code else (None, None)
        name = communes[commune_code]["nom"] if commune_code in communes else ""
        values.update(latitude=lat, longitude=lon, centre_source=source if lat is not None else "",
                      centre_note=note.format(name=name, code=commune_code) if lat is not None else missing)
        return values

    # 1. Départements, centred on their chef-lieu.
    writer.upsert("Départements", {
        code: area_centre({"kind": Kind.DEPARTEMENT, "name": cog.departements[code]["nom"], "parent_id": None},
                          cog.departements[code].get("chefLieu"), CENTRE_CHEF_LIEU,
                          "Centre de son chef-lieu, {name} ({code}).",
                          "Pas de centre : son chef-lieu n'a pas de centre connu.")
        for code in wanted})

    # 2. EPCI having a member in these départements; parent: the département of most of its loaded members.
    members: dict[str, list[str]] = defaultdict(list)
    for code in communes:
        if code in cog.epci_of:
            members[cog.epci_of[code]].append(code)
    epci_rows = {}
    for siren, codes in members.items():
        epci = cog.epcis[siren]
        dep = Counter(communes[c]["departement"] for c in codes).most_common(1)[0][0]
        population = epci.get("populationMunicipale")
        epci_rows[siren] = area_centre(
            {"kind": Kind.EPCI, "name": epci["nom"], "parent_id": writer.pk(dep), "population": population},
            largest(m["code"] for m in epci.get("membres", ())), CENTRE_LARGEST,
            "Centre de sa commune la plus peuplée, {name} ({code}).")
    writer.upsert("Intercommunalités", epci_rows)

    # 3. Territoires d'action sociale of the table.
    by_territory: dict[str, list[str]] = defaultdict(list)
    for code, territory in territory_of.items():
        by_territory[territory].append(code)
    writer.upsert("Territoires", {
        code: area_centre({"kind": Kind.TERRITOIRE, "name": territory_names[code],
                           "parent_id": writer.pk(territory_dep[code].most_common(1)[0][0])},
                          largest(by_territory[code]), CENTRE_LARGEST,
                          "Centre de sa commune la plus peuplée, {name} ({code}).")
        for code in sorted(by_territory)})

    # 4. Communes: parent = the table's territory, else a territory set in the admin, else the EPCI, else the
    # département. A centre typed in the admin (source "saisie") is kept.
    writer.fetch(communes)
    territoires = set(Territory.objects.filter(kind=Kind.TERRITOIRE).values_list("pk", flat=True))
    commune_rows = {}
    for code, c in sorted(communes.items()):
        current = writer.by_code.get(code)
        parent = writer.pk(territory_of.get(code))
        if parent is None and current is not None and current.parent_id in territoires:
            parent = current.parent_id  # a territoire d'action sociale chosen in the admin
        if parent is None:
            parent = writer.pk(cog.epci_of.get(code)) or writer.pk(c["departement"])
        values = {"kind": Kind.COMMUNE, "name": c["nom"], "parent_id": parent,
                  "postal_codes": " ".join(c.get("codesPostaux") or ())[:200], "population": c.get("population"),
                  "epci": cog.epci_of.get(code, "")}
        if code in centres:
            lat, lon, note = centres[code]
            values.update(latitude=lat, longitude=lon, centre_source=CENTRE_GEONAMES, centre_note=note)
        else:
            values.update(latitude=None, longitude=None, centre_source="", centre_note=NO_CENTRE_NOTE)
            report.without_centre += current is None or current.centre_source != CENTRE_MANUAL
        commune_rows[code] = values
    writer.upsert("Communes", commune_rows)

    # 5. Communes of these départements that this COG no longer has: their links move to their successor.
    stored = Territory.objects.filter(kind=Kind.COMMUNE).values_list("code", flat=True)
    gone = sorted(code for code in stored if code not in communes and departement_of(code) in wanted)
    merges = []
    for old in Territory.objects.filter(code__in=gone).order_by("code"):
        successor = cog.successor.get(old.code)
        target = Territory.objects.filter(code=successor, kind=Kind.COMMUNE).first() if successor else None
        if target is None:
            report.kept.append(f"{old.code} {old.name} : absente du Code officiel géographique, sans commune "
                               "qui l'absorbe ; gardée telle quelle (à vérifier dans l'admin).")
        else:
            merges.append((old, target))
    zones = move_zone_codes({old.code: target.code for old, target in merges})
    for old, target in merges:
        moved = merge(old, target)
        if zones.get(old.code):
            moved = ", ".join(filter(None, [moved, f"{zones[old.code]} × zones d'éligibilité de services"]))
        report.merged.append(f"{old.code} {old.name} → {target.code} {target.name} : {moved or 'aucun lien'}.")
    return report


def move_zone_codes(renamed: dict[str, str]) -> Counter:
    """Replace former commune codes in services' ``zone_eligibilite`` (one pass over the services that have
    one); how many services each former code was replaced in."""
    counts: Counter = Counter()
    if not renamed:
        return counts
    for service in Service.objects.exclude(zone_eligibilite=[]).exclude(zone_eligibilite__isnull=True):
        codes = service.zone_eligibilite or []
        if any(code in renamed for code in codes):
            counts.update(code for code in codes if code in renamed)
            service.zone_eligibilite = list(dict.fromkeys(renamed.get(code, code) for code in codes))
            service.save(update_fields=["zone_eligibilite"])
    return counts


def merge(old: Territory, target: Territory) -> str:
    """Move every reference to ``old`` onto ``target`` (foreign keys, many-to-many links), one object at a time
    so that history and search see each change, then delete ``old``. Services' eligibility codes are
    ``move_zone_codes``'s."""
    counts = []
    for relation in Territory._meta.related_objects:
        if relation.related_model is Territory:
            continue  # children: a commune has none
        if relation.many_to_many:
            owner = relation.related_model
            accessor = relation.field.name
            rows = owner._default_manager.filter(**{accessor: old})
            for obj in rows:
                getattr(obj, accessor).add(target)
                getattr(obj, accessor).remove(old)
            n = len(rows)
        else:
            rows = list(relation.related_model._default_manager.filter(**{relation.field.name: old}))
            for obj in rows:
                setattr(obj, relation.field.name, target)
                obj.save(update_fields=[relation.field.name])
            n = len(rows)
        if n:
            counts.append(f"{n} × {relation.related_model._meta.verbose_name_plural} ({relation.field.verbose_name})")
    old.delete()
    return ", ".join(counts)


def centre_reason(territory: Territory) -> str:
    """What to show next to a place with no centre (why no distance is given)."""
    if territory.latitude is not None and territory.longitude is not None:
        return ""
    return territory.centre_note or NO_CENTRE_NOTE
