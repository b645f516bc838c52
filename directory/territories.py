"""Load the committed territory reference data (directory/data/*.csv) into Territory rows, idempotently."""

import csv
import statistics
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from directory.models import Territory

DATA = Path(__file__).resolve().parent / "data"


def _read(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_territories(log=lambda _message: None) -> int:
    """Create or update every territory; return how many rows were written (0 on a second run)."""
    existing = {t.code: t for t in Territory.objects.all()}
    written = 0
    communes = _read("communes.csv")
    positions: dict[str, list[tuple[float, float]]] = {}
    for row in communes:
        for code in (row["territory"], row["departement"]):
            positions.setdefault(code, []).append((float(row["latitude"]), float(row["longitude"])))

    def upsert(code, **values):
        nonlocal written
        values.setdefault("slug", slugify(values["name"])[:160])
        territory = existing.get(code)
        if territory is None:
            territory = Territory(code=code, **values)
            territory.save()
            existing[code] = territory
            written += 1
        elif any(getattr(territory, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(territory, field, value)
            territory.save()
            written += 1
        return territory

    def centre(code):
        points = positions.get(code) or [(None, None)]
        if points[0][0] is None:
            return None, None
        return round(statistics.mean(p[0] for p in points), 5), round(statistics.mean(p[1] for p in points), 5)

    for row in _read("territories.csv"):
        lat, lon = centre(row["code"])
        upsert(row["code"], kind=row["kind"], name=row["name"],
               parent=existing[row["parent"]] if row["parent"] else None, latitude=lat, longitude=lon)
    for row in communes:
        upsert(row["code"], kind=Territory.Kind.COMMUNE, name=row["name"], parent=existing[row["territory"]],
               latitude=float(row["latitude"]), longitude=float(row["longitude"]),
               postal_codes=row["postal_codes"], population=int(row["population"]) if row["population"] else None,
               epci=row["epci"])
    log(f"Territoires : {len(existing)} (dont {written} créés ou mis à jour).")
    return written
