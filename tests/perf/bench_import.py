"""import_directory at two sizes (10× apart): re-reading an unchanged file costs a constant number of queries
(one lookup per kind of row, not one per record), and its time grows at most about linearly with the file.

Asserted: SQL queries of the unchanged re-run at both sizes (bar) and the growth exponent of its CPU time (each
size timed alternately in the same run). Printed: creation queries and milliseconds, never asserted.
"""

import json
import time

import pytest

from directory.importing import import_file
from directory.models import Organisation
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
