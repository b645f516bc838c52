"""Benchmark: the indicator dashboard and the XLSX matrix over 5 years of attendance (SQLite by default).

3,000 sessions and 100,000 attendance records, bulk-created (bulk_create and INSERT … SELECT). Checks: the
dashboard for one year and all territories costs under 200 ms median (CPU time of the request; the wall time
is printed beside it, with the load average, since the machine is shared), with the same number of SQL
queries at 10 % and at 100 % of the data; the XLSX export of the full matrix (every territory) under 2 s.
"""

import datetime as dt
import os
import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Organisation, Territory
from meetings.indicators import demo, exports
from meetings.models import Attendance, Body, HalfDay, HalfDaySignature, Invitation, Meeting

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

YEARS = (2023, 2024, 2025, 2026, 2027)
SESSIONS = 3000
ATTENDANCES = 100_000
STATUSES = ["present"] * 55 + ["remote"] * 10 + ["represented"] * 5 + ["substitute"] * 5 + ["excused"] * 15 + \
    ["absent"] * 10


def _world(rng):
    d62 = Territory.objects.create(kind="departement", code="62", name="Pas-de-Calais")
    territoires = [Territory.objects.create(kind="territoire", code=f"62-T{i}", name=f"Territoire {i}", parent=d62)
                   for i in range(9)]
    communes = [Territory.objects.create(kind="commune", code=f"62{i:03d}", name=f"Commune {i}",
                                         parent=territoires[i % 9]) for i in range(27)]
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Partenaire {i:03d}", slug=f"partenaire-{i:03d}", status="published") for i in range(200)])
    bodies = [Body(name="COPIL départemental", slug="copil", kind="copil", territory=d62, is_decision_body=True)]
    for i, territoire in enumerate(territoires):
        bodies += [
            Body(name=f"Comité de suivi {i}", slug=f"suivi-{i}", kind="comite_suivi", territory=communes[i],
                 is_decision_body=True),
            Body(name=f"Comité technique {i}", slug=f"tech-{i}", kind="comite_technique", territory=territoire),
            Body(name=f"Commission référent de parcours {i}", slug=f"commission-{i}", kind="commission_rp",
                 territory=territoire, is_decision_body=True),
            Body(name=f"Permanence {i}", slug=f"permanence-{i}", kind="permanence", territory=communes[i + 9]),
            Body(name=f"Formation référent de parcours {i}", slug=f"formation-{i}", kind="formation",
                 territory=territoire),
        ]
    bodies = Body.objects.bulk_create(bodies)
    return organisations, bodies


def _insert_select(model, select_from: str, computed: dict, params: list, values: dict | None = None):
    """INSERT INTO model's table SELECT …: ``computed`` maps columns to SQL expressions over ``select_from``;
    ``values`` gives fixed values; every other column gets the model's default, read from ``_meta`` (so a field
    added to the model later does not break the benchmark)."""
    template = model(**(values or {}))
    columns, selects, fixed = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in computed:
            selects.append(computed[field.column])
        else:
            auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            value = field.pre_save(template, add=True) if auto else getattr(template, field.attname)
            selects.append("%s")
            fixed.append(field.get_db_prep_save(value, connection))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(selects)} {select_from}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fixed, *params])  # noqa: S608 (benchmark data, no user input)


def _sessions(rng, organisations, bodies, count, offset):
    """``count`` sessions; about a sixth of the 200 organisations invited to each, two youth seats at decision
    bodies' sessions, one attendance per invitation, signatures on training half-days."""
    tz = timezone.get_current_timezone()
    meetings = []
    for n in range(count):
        body = bodies[(offset + n) % len(bodies)]
        year = YEARS[(offset + n) % len(YEARS)]
        start = dt.datetime(year, 1, 1, 9, tzinfo=tz) + dt.timedelta(days=rng.randrange(360))
        status = rng.choices(["held", "cancelled", "planned"], [90, 5, 5])[0]
        meetings.append(Meeting(body=body, starts_at=start, ends_at=start + dt.timedelta(hours=3), status=status,
                                convened_at=start - dt.timedelta(days=20)))
    meetings = Meeting.objects.bulk_create(meetings)
    first, last = meetings[0].pk, meetings[-1].pk
    meeting_table, organisation_table = Meeting._meta.db_table, Organisation._meta.db_table
    _insert_select(Invitation, f"FROM {meeting_table} m CROSS JOIN {organisation_table} o "
                               "WHERE m.id BETWEEN %s AND %s AND ((m.id * 31 + o.id * 17) % 6) = 0",
                   {"meeting_id": "m.id", "organisation_id": "o.id", "person_key": "'org:' || o.id",
                    "person_name": "'Personne ' || o.id"}, [first, last], {"is_youth_seat": False})
    _insert_select(Invitation, f"FROM {meeting_table} m INNER JOIN {Body._meta.db_table} b ON b.id = m.body_id "
                               "CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2) y "
                               "WHERE m.id BETWEEN %s AND %s AND b.is_decision_body",
                   {"meeting_id": "m.id", "person_key": "'youth:' || y.k", "person_name": "'Jeune ' || y.k"},
                   [first, last], {"is_youth_seat": True})
    whens = " ".join(f"WHEN {n} THEN '{status}'" for n, status in enumerate(STATUSES))
    _insert_select(Attendance, f"FROM {Invitation._meta.db_table} i WHERE i.meeting_id BETWEEN %s AND %s",
                   {"meeting_id": "i.meeting_id", "invitation_id": "i.id", "organisation_id": "i.organisation_id",
                    "person_key": "i.person_key", "person_name": "i.person_name",
                    "status": f"CASE ((i.id * 7919) % {len(STATUSES)}) {whens} END"}, [first, last])
    half_days, signatures = [], []
    for meeting in meetings:
        if meeting.body.kind == "formation":
            for period in ("am", "pm"):
                half_days.append(HalfDay(meeting=meeting, date=timezone.localdate(meeting.starts_at), period=period))
    half_days = HalfDay.objects.bulk_create(half_days, batch_size=3000)
    for half_day in half_days:
        for k in range(12):
            if rng.random() < 0.9:
                signatures.append(HalfDaySignature(half_day=half_day, person_key=f"stagiaire:{rng.randrange(800)}:{k}",
                                                   organisation=rng.choice(organisations)))
    HalfDaySignature.objects.bulk_create(signatures, batch_size=3000, ignore_conflicts=True)


def _time_dashboard(client, runs=9):
    """Median wall time and median CPU time (this process) of the dashboard request, in ms.

    The machine is shared: under load the wall time mostly measures waiting for a core, so the CPU time
    the request really cost is what the threshold checks; both are printed.
    """
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get("/indicateurs/", {"annee": "2026"})
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    return statistics.median(wall), statistics.median(cpu)


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/indicateurs/", {"annee": "2026"}).status_code == 200
    return len(captured.captured_queries)


def test_dashboard_and_xlsx_at_five_years_of_attendance(client_as, dept_admin, monkeypatch):
    rng = random.Random(62)
    if connection.vendor == "sqlite":  # SQLite ≥ 3.32 takes 32,766 parameters: bigger bulk_create batches
        monkeypatch.setattr(connection.features, "max_query_params", 32766)
    build = time.perf_counter()
    organisations, bodies = _world(rng)
    demo.load(lambda _m: None)
    first = SESSIONS // 10
    _sessions(rng, organisations, bodies, first, 0)
    client = client_as(dept_admin)
    client.get("/indicateurs/", {"annee": "2026"})  # warm caches (templates, content types)
    small_queries = _queries(client)
    small_wall, small_cpu = _time_dashboard(client, runs=5)
    _sessions(rng, organisations, bodies, SESSIONS - first, first)
    build = time.perf_counter() - build
    assert Meeting.objects.count() == SESSIONS and Attendance.objects.count() >= ATTENDANCES
    full_queries = _queries(client)
    wall, cpu = _time_dashboard(client)
    start, start_cpu = time.perf_counter(), time.process_time()
    matrices = exports.matrices_for_export(year=2026)
    content = exports.matrix_xlsx(matrices)
    xlsx_seconds = time.perf_counter() - start
    xlsx_cpu = time.process_time() - start_cpu
    rows = sum(len(m.rows) for m in matrices)
    print(f"\n[bench_indicators] data: {Meeting.objects.count()} sessions, {Attendance.objects.count()} attendances, "
          f"{HalfDaySignature.objects.count()} training signatures over {len(YEARS)} years (built in {build:.1f} s)")
    load = os.getloadavg()[0]
    print(f"[bench_indicators] dashboard /indicateurs/?annee=2026 (all territories): median {cpu:.0f} ms CPU, "
          f"{wall:.0f} ms wall (load average {load:.1f} on {os.cpu_count()} cores); at 10 % of the data: "
          f"{small_cpu:.0f} ms CPU, {small_wall:.0f} ms wall; SQL queries {full_queries} (at 10 %: {small_queries})")
    print(f"[bench_indicators] XLSX matrix, {len(matrices)} territories × {len(matrices[0].rows)} indicators = "
          f"{rows} rows, {len(content) // 1024} KB: {xlsx_cpu * 1000:.0f} ms CPU, {xlsx_seconds * 1000:.0f} ms wall")
    assert full_queries == small_queries
    assert cpu < 200
    assert xlsx_cpu < 2
