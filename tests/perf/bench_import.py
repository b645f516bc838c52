"""import_directory and export_directory at scale.

Import at two sizes (10× apart): re-reading an unchanged file costs a constant number of queries (one lookup per
kind of row, not one per record), and its time grows at most about linearly with the file. Asserted: SQL
queries of the unchanged re-run at both sizes (bar) and the growth exponent of its CPU time (each size timed
alternately in the same run). Printed: creation queries and milliseconds, never asserted.

Import N then 10 N services: the import streams the file (a light first pass, then a chunk of records at a
time, written in bulk), so its peak memory (tracemalloc) stays flat and its queries per record do not grow.
Export N then 10 N services: the export streams too (chunked queries, one record written at a time), so its
peak stays flat and it reads the directory in the same number of queries at both sizes. Asserted: the peak
ratios (bar 2) and the query counts. Printed: seconds and MiB, never asserted.
"""

import json
import time
import tracemalloc
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import models

from directory.history import untracked
from directory.importing import import_file
from directory.models import Organisation, Service
from tests import builders
from tests.perf.conftest import count_queries, growth, report

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

SIZES = (30, 300)
QUERY_BAR = 20


def _file(tmp_path, size: int, prefix: str):
    structures = [{"source": "bench", "id": f"{prefix}-{n}", "nom": f"Structure {prefix} {n}", "date_maj": "2025-02-14",
                   "code_insee": "62041", "telephone": "+33123456789", "horaires_accueil": "Mo-Fr 09:00-17:00",
                   "reseaux_porteurs": ["mission-locale"], "description": "Accueil et accompagnement des jeunes."}
                  for n in range(size)]
    services = [{"source": "bench", "structure_id": f"{prefix}-{n}", "id": f"{prefix}-{n}-s", "nom": "Accueil jeunes",
                 "description": "Accueil des jeunes de 16 à 25 ans.", "date_maj": "2025-02-14",
                 "thematiques": ["numerique--acquerir-un-equipement"], "publics": ["jeunes"],
                 "zone_eligibilite": ["62"]} for n in range(size)]
    path = tmp_path / f"{prefix}.json"
    path.write_text(json.dumps({"structures": structures, "services": services}), encoding="utf-8")
    return path


def test_an_unchanged_file_is_read_again_in_constant_queries(tmp_path):
    builders.territory_world("62", "62-ARR", "arras")
    paths = {size: _file(tmp_path, size, f"b{size}") for size in SIZES}
    for size, path in paths.items():
        created, result = count_queries(lambda path=path: import_file(path))
        assert result.created_organisations == size and not result.errors
        report(f"import create {size} structures + services", queries=created, note="printed only")
    queries, spent = {}, {size: [] for size in SIZES}
    for size, path in paths.items():
        queries[size], result = count_queries(lambda path=path: import_file(path))
        assert result.unchanged_organisations == size and result.unchanged_services == size
    for _round in range(3):
        for size, path in paths.items():
            start = time.thread_time()
            import_file(path)
            spent[size].append((time.thread_time() - start) * 1000)
    small, large = (min(spent[size]) for size in SIZES)
    ratio, exponent = growth(small, large, SIZES[1] / SIZES[0])
    broken = [report(f"import unchanged {size} structures + services", queries=queries[size], query_bar=QUERY_BAR,
                     note=f"{min(spent[size]):.0f} ms") for size in SIZES]
    broken.append(report("import unchanged: time growth for 10× the records", ratio=exponent, kind="exponent",
                         bar=1.3, note=f"{ratio:.1f}× ({small:.0f} → {large:.0f} ms)"))
    assert Organisation.objects.count() == sum(SIZES)
    assert not [message for message in broken if message], broken


# --- At scale: import N and 10 N services, then export N and 10 N -------------------------------------------
# 500 then 5,000 services imported (one chunk of each kind, then ten: importing.CHUNK is 500), 3,000 then 30,000
# exported (two chunks of datainclusion.CHUNK, then fifteen): enough chunks at 10× for a peak that grew with
# the records to show, at a size tracemalloc (which slows Python down several times) keeps within a minute on
# two shared cores. These benchmarks run beside the first pass's functional tests (marker ``counts``).

STRUCTURES, SERVICES_EACH = 50, 10  # imported at 1×; 10× that at 10×
EXPORTED = 3_000  # services exported at 1×, the imported ones included
SCALE = 10
PEAK_BAR = 2.0
QUERIES_PER_RECORD_BAR = 0.2  # written in bulk: a query per record would be 1 or more
EXPORT_QUERY_BAR = 6


def _scale_file(tmp_path, structures: int, prefix: str = "bench"):
    records = [{"source": "bench", "id": f"{prefix}--{n}", "nom": f"Mission locale {prefix} {n}",
                "date_maj": "2019-05-03", "code_insee": "62041", "adresse": f"{n} rue de la Paix",
                "code_postal": "62000", "telephone": "+33123456789", "horaires_accueil": "Mo-Fr 09:00-17:00",
                "reseaux_porteurs": ["mission-locale", "departements"],
                "description": "Accueil et accompagnement des jeunes de 16 à 25 ans."} for n in range(structures)]
    services = [{"source": "bench", "structure_id": f"{prefix}--{n}", "id": f"{prefix}--{n}--{k}",
                 "nom": f"Atelier {k}", "description": "Accueil des jeunes de 16 à 25 ans, sur rendez-vous.",
                 "date_maj": "2020-01-02", "thematiques": ["numerique--acquerir-un-equipement"], "publics": ["jeunes"],
                 "zone_eligibilite": ["62"]} for n in range(structures) for k in range(SERVICES_EACH)]
    path = tmp_path / f"{prefix}.json"
    with path.open("w", encoding="utf-8") as handle:  # one record a line, never the whole file in one string
        handle.write('{"structures": [\n')
        handle.write(",\n".join(json.dumps(record) for record in records))
        handle.write('],\n"services": [\n')
        handle.write(",\n".join(json.dumps(record) for record in services))
        handle.write("]}\n")
    return path


def _counting_queries():
    """A query counter that keeps no SQL (``CaptureQueriesContext`` keeps every statement: memory would grow)."""
    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    return counter, count


def _import(path) -> tuple[float, float, int, object]:
    """(seconds, peak MiB under tracemalloc, SQL queries, result) of one import."""
    from django.db import connection

    counter, count = _counting_queries()
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    with connection.execute_wrapper(count):
        result = import_file(path)
    spent = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return spent, peak / 2**20, counter["queries"], result


def _chunks(records: int, size: int) -> int:
    return -(-records // size)


@pytest.mark.counts
def test_services_imported_at_ten_times_the_size_in_flat_memory(tmp_path):
    """The import streams the file (a light first pass, then a chunk of records at a time, written in bulk):
    its peak memory stays flat for 10× the records and its queries per chunk do not grow."""
    from directory import importing

    chunk = importing.CHUNK
    builders.territory_world("62", "62-ARR", "arras")
    import_file(_scale_file(tmp_path, 2, "warm"))  # modules and caches loaded once
    figures = {}
    for size in (1, SCALE):
        structures = STRUCTURES * size
        path = _scale_file(tmp_path, structures, f"x{size}")
        spent, peak, queries, result = _import(path)
        services = structures * SERVICES_EACH
        assert result.created_services == services and result.created_organisations == structures
        assert not result.errors
        figures[size] = (spent, peak, queries, _chunks(structures, chunk) + _chunks(services, chunk), services)
    imported = Service.objects.filter(source_id__startswith=f"x{SCALE}--").select_related("organisation").first()
    assert imported.organisation.name.startswith(f"Mission locale x{SCALE}") and imported.code_rows.exists()
    broken = []
    for size in (1, SCALE):
        spent, peak, queries, chunks, services = figures[size]
        broken.append(report(f"import {services // SERVICES_EACH:,} structures + {services:,} services",
                             queries=queries, note=f"{spent:.1f} s under tracemalloc ({spent * 1000 / services:.1f} "
                                                   f"ms a service), peak {peak:.1f} MiB, {chunks} chunks of {chunk}"))
    small, large = figures[1], figures[SCALE]
    broken.append(report(f"import: peak memory for {SCALE}× the records", ratio=large[1] / small[1], bar=PEAK_BAR,
                         note=f"{small[1]:.1f} → {large[1]:.1f} MiB"))
    per_record = [figures[size][2] / (figures[size][4] * (1 + 1 / SERVICES_EACH)) for size in (1, SCALE)]
    broken += [report(f"import: SQL queries per record, {figures[size][4]:,} services", ratio=ratio,
                      bar=QUERIES_PER_RECORD_BAR, note="records written in bulk, a chunk at a time")
               for size, ratio in zip((1, SCALE), per_record, strict=True)]
    broken.append(report(f"import: queries per record for {SCALE}× the records", ratio=per_record[1] / per_record[0],
                         bar=1.0, note=f"{per_record[0]:.3f} → {per_record[1]:.3f} (the first pass and the outbox "
                                       "are shared by more records)"))
    assert not [message for message in broken if message], broken


def _csv_file(tmp_path, structures: int, prefix: str):
    """The same records as ``_scale_file``, as a CSV (one row a service, the structure's cells repeated)."""
    import csv

    from directory.datainclusion import CSV_COLUMNS

    path = tmp_path / f"{prefix}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for n in range(structures):
            structure = {"source": "bench", "structure_id": f"{prefix}--{n}", "nom": f"Mission locale {prefix} {n}",
                         "typologie": "mission-locale", "code_insee": "62041", "adresse": f"{n} rue de la Paix",
                         "code_postal": "62000", "telephone": "+33123456789", "horaires_accueil": "Mo-Fr 09:00-17:00",
                         "description": "Accueil et accompagnement des jeunes de 16 à 25 ans.",
                         "date_maj": "2019-05-03"}
            for k in range(SERVICES_EACH):
                writer.writerow({**structure, "service_id": f"{prefix}--{n}--{k}", "service_nom": f"Atelier {k}",
                                 "service_description": "Accueil des jeunes de 16 à 25 ans, sur rendez-vous.",
                                 "thematiques": "numerique--acquerir-un-equipement", "publics": "jeunes",
                                 "zone_eligibilite": "62", "service_date_maj": "2020-01-02"})
    return path


@pytest.mark.counts
def test_a_csv_file_is_imported_at_ten_times_the_size_in_flat_memory(tmp_path):
    """A CSV file is streamed as a data·inclusion one is (a light first pass, then a chunk of rows at a time):
    its peak memory stays flat for 10× the rows."""
    builders.territory_world("62", "62-ARR", "arras")
    import_file(_csv_file(tmp_path, 2, "warm"))  # modules and caches loaded once
    peaks = {}
    for size in (1, SCALE):
        structures = STRUCTURES * size
        spent, peak, queries, result = _import(_csv_file(tmp_path, structures, f"c{size}"))
        assert not result.errors, result.errors[:3]
        assert result.created_organisations == structures
        assert result.created_services == structures * SERVICES_EACH
        peaks[size] = peak
        report(f"import CSV {structures:,} structures + {result.created_services:,} services", queries=queries,
               note=f"{spent:.1f} s under tracemalloc, peak {peak:.1f} MiB")
    broken = report(f"import CSV: peak memory for {SCALE}× the rows", ratio=peaks[SCALE] / peaks[1], bar=PEAK_BAR,
                    note=f"{peaks[1]:.1f} → {peaks[SCALE]:.1f} MiB")
    assert not broken, broken


def _add_in_bulk(services: int, commune, services_each: int = 4) -> None:
    """Records made here, ``services`` services four by organisation, written in bulk (no history, no code rows:
    the export reads neither)."""
    start = Organisation.objects.count()
    with untracked():
        organisations = Organisation.objects.bulk_create([Organisation(
            name=f"Structure {n}", slug=f"bulk-{n}", status="published", typologie="local-fjt", commune=commune,
            address=f"{n} rue de la Gare", postal_code="62000", latitude=50.29, longitude=2.78,
            phone="01 99 00 00 00", opening_hours="Mo-Fr 09:00-17:00",
            description="Logement temporaire et accompagnement des jeunes travailleurs.")
            for n in range(start, start + services // services_each)], batch_size=2000)
        rows = (Service(organisation_id=organisation.pk, name=f"Service {k}", status="published",
                        description="Studios meublés pour les 16-30 ans, sur dossier.",
                        thematiques=["logement-hebergement--louer-un-logement"], publics=["jeunes"],
                        zone_eligibilite=["62"]) for organisation in organisations for k in range(services_each))
        batch = []
        for service in rows:
            batch.append(service)
            if len(batch) == 5000:
                models.QuerySet(Service).bulk_create(batch)
                batch = []
        models.QuerySet(Service).bulk_create(batch)


def _export(path) -> tuple[float, float, int]:
    """(seconds, peak MiB under tracemalloc, SQL queries) of export_directory to a file."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    queries, _ = count_queries(lambda: call_command("export_directory", "-o", str(path), stdout=StringIO(),
                                                    stderr=StringIO()))
    spent = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return spent, peak / 2**20, queries


@pytest.mark.counts
def test_services_exported_at_ten_times_the_size_in_flat_memory(tmp_path):
    world = builders.territory_world("62", "62-ARR", "arras")
    result = import_file(_scale_file(tmp_path, STRUCTURES))
    assert result.created_services == STRUCTURES * SERVICES_EACH and not result.errors
    out = tmp_path / "export.json"
    call_command("export_directory", "-o", str(out), stdout=StringIO(), stderr=StringIO())  # modules loaded once
    start = time.perf_counter()
    _add_in_bulk(EXPORTED - STRUCTURES * SERVICES_EACH, world["arras"])
    small = _export(out)
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert len(payload["services"]) == EXPORTED
    imported_service = next(record for record in payload["services"] if record["source"] == "bench")
    assert imported_service["date_maj"] == "2020-01-02"  # its producer's day, not the import's
    del payload
    _add_in_bulk(EXPORTED * (SCALE - 1), world["arras"])
    built = time.perf_counter() - start - small[0]
    large = _export(out)
    with out.open(encoding="utf-8") as handle:
        lines = sum(1 for _line in handle)
    assert lines > EXPORTED * SCALE  # one record a line, all there
    broken = [report(f"export {EXPORTED * size:,} services", queries=figures[2], query_bar=EXPORT_QUERY_BAR,
                     note=f"{figures[0]:.1f} s under tracemalloc, peak {figures[1]:.1f} MiB")
              for size, figures in ((1, small), (SCALE, large))]
    broken.append(report(f"export: peak memory for {SCALE}× the records", ratio=large[1] / small[1], bar=PEAK_BAR,
                         note=f"{small[1]:.1f} → {large[1]:.1f} MiB; {out.stat().st_size / 2**20:.0f} MiB written; "
                              f"rows built in bulk in {built:.1f} s"))
    assert large[2] == small[2], "the export reads the directory in the same queries at any size"
    assert not [message for message in broken if message], broken


# --- The national pull: the département's slice of a national file 10× larger ------------------------------
PULL_SLICE = 20  # structures of the site's département, two services each, in every file
PULL_OUTSIDE = 1_000  # structures of other départements at 1× (three services each)


def _national_files(tmp_path, outside: int):
    """structures.json and services.json as data·inclusion publishes them (lists of v1 records), one record a line:
    the slice's records, then ``outside`` structures of the Bouches-du-Rhône, spread over 1,000 commune codes."""
    folder = tmp_path / f"national-{outside}"
    folder.mkdir()

    def structure(key, commune):
        return {"source": "bench", "id": key, "nom": f"Point accueil {key}", "date_maj": "2024-09-01",
                "code_insee": commune, "adresse": "1 place de la Mairie", "telephone": "+33123456789",
                "description": "Accueil, écoute et orientation des jeunes de 16 à 25 ans."}

    def services(key, zone, count):
        return [{"source": "bench", "structure_id": key, "id": f"{key}--{k}", "nom": f"Atelier {k}",
                 "description": "Accompagnement vers le logement, sur rendez-vous.", "date_maj": "2024-09-01",
                 "thematiques": ["logement-hebergement"], "publics": ["jeunes"], "zone_eligibilite": [zone]}
                for k in range(count)]

    inside = [f"in-{n}" for n in range(PULL_SLICE)]
    elsewhere = [(f"out-{n}", f"13{n % 1000:03d}") for n in range(outside)]
    for name, records in (
            ("structures.json", [*(structure(key, "62041") for key in inside),
                                 *(structure(key, commune) for key, commune in elsewhere)]),
            ("services.json", [*(s for key in inside for s in services(key, "62", 2)),
                               *(s for key, commune in elsewhere for s in services(key, commune, 3))])):
        with (folder / name).open("w", encoding="utf-8") as handle:
            handle.write("[\n" + ",\n".join(json.dumps(record) for record in records) + "\n]\n")
    return folder


@pytest.mark.counts
def test_the_national_pull_keeps_flat_memory_for_a_national_file_ten_times_larger(tmp_path):
    """The national files are streamed: a pull holds the département's slice, not the file. For a file 10× larger
    (the slice the same), its peak memory stays flat."""
    from directory import national

    builders.territory_world("62", "62-ARR", "arras")
    national.pull([_national_files(tmp_path, 2)], dry_run=True)  # modules and caches loaded once
    figures = {}
    for size in (1, SCALE):
        folder = _national_files(tmp_path, PULL_OUTSIDE * size)
        megabytes = sum(path.stat().st_size for path in folder.iterdir()) / 2**20
        tracemalloc.start()
        tracemalloc.reset_peak()
        start = time.perf_counter()
        result = national.pull([folder], dry_run=True)
        spent = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert (result.kept, result.outside) == (PULL_SLICE, PULL_OUTSIDE * size)
        assert result.imported.created_services == 2 * PULL_SLICE and not result.invalid
        figures[size] = peak / 2**20
        report(f"national pull: {PULL_SLICE} structures kept of {PULL_SLICE + PULL_OUTSIDE * size:,}",
               note=f"{megabytes:.1f} MiB of files, {spent:.1f} s under tracemalloc, peak {peak / 2**20:.1f} MiB")
    broken = report(f"national pull: peak memory for a file {SCALE}× larger", ratio=figures[SCALE] / figures[1],
                    bar=PEAK_BAR, note=f"{figures[1]:.1f} → {figures[SCALE]:.1f} MiB, the slice the same")
    assert not broken, broken
