"""Benchmark: the indicator dashboard and the XLSX matrix over 5 years of attendance (SQLite by default).

3,000 sessions and 100,000 attendance records, bulk-created (bulk_create and INSERT … SELECT); the same
figures are taken at 10 % of the data first. Bars: the dashboard (one year, all territories) and the other list
pages (drill-down, matrix downloads, operators' report, JSON API) cost a pinned number of SQL queries, the same at
both sizes; the dashboard's CPU time at 100 % is at most twice its time at 10 % (each size taken as a ratio to
the trivial view, see conftest.py: issue 15's "scale" bar; the exponent k of cost ∝ size**k is printed too);
the XLSX export of the full matrix keeps its exponent within 0.6. The dashboard sums per-session counts
(meetings.indicators.tallies): the first visit after writes counts the sessions written to, its time is printed.
"""

import datetime as dt
import random
import time

import pytest
from django.db import connection
from django.utils import timezone

from directory.models import Organisation
from meetings.indicators import exports
from meetings.models import Attendance, Body, HalfDay, HalfDaySignature, Invitation, Meeting
from relais.demo import indicators as demo
from tests.builders import make_territory, territory_world
from tests.perf.conftest import FLOOR_PATH, count_queries, growth, report, serve, time_against_floor

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

YEARS = (2023, 2024, 2025, 2026, 2027)
SESSIONS = 3000
ATTENDANCES = 100_000
RUNS = 9
# Bars on the exponent k of cost ∝ attendances**k between 10 % and 100 % of the data (CPU time of each size
# taken as a ratio to the trivial view, so that a change of load between the two sizes cancels out).
# The dashboard at 10× the attendance: at most 2× the time (issue 15). Measured 1.4–1.5× with the per-session
# counts (2.6–3.0× when every request re-counted the attendance rows); the rounds drift about ±25 %.
DASHBOARD_GROWTH_BAR = 2.0
XLSX_EXPONENT_BAR = 0.6
# Pinned SQL queries of each list page (as the département's admin, one year), measured on SQLite and the same
# at both sizes (the matrix downloads hold every convention's years: their count follows the indicators, not
# the attendance).
# Issue 15 (definitions) added, per page, the prefetch of each indicator's excluded bodies (+1) and one query
# counting the open past sessions of every selection (+1 per matrix: the downloads build one per territoire,
# so +10 there); the dashboard also lists the sessions "à clôturer" (+1) and the drill-down its own open
# sessions (+1). Measured on the benchmark's world at two sizes: equal. The per-session counts add one query per
# period a page reads (are its sessions counted at their current version?): +1 a page, +2 a matrix download
# (the year and the trend's years), once for all its territoires.
DASHBOARD_QUERY_BAR = 21
LIST_QUERY_BARS = {
    "drill-down /indicateurs/<code>/": 23,
    "matrix download (XLSX)": 93,
    "matrix download (CSV)": 93,
    # The operator report counts on the indicators' selections (issue 15's reports): +1 the indicators of its
    # columns, +2 their added and excluded bodies (8 before); the same at both sizes.
    "operators' monthly report (XLSX)": 11,
    "JSON API": 19,
}
STATUSES = ["present"] * 55 + ["remote"] * 10 + ["represented"] * 5 + ["substitute"] * 5 + ["excused"] * 15 + \
    ["absent"] * 10


def _world(rng):
    d62 = territory_world("62", located=False)["62"]
    territoires = [make_territory("territoire", f"62-T{i}", f"Territoire {i}", parent=d62) for i in range(9)]
    communes = [make_territory("commune", f"62{i:03d}", f"Commune {i}", parent=territoires[i % 9]) for i in range(27)]
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
                    "person_name": "'Personne ' || o.id", "checkin_code": "'B' || m.id || 'O' || o.id"},
                   [first, last], {"is_youth_seat": False})
    _insert_select(Invitation, f"FROM {meeting_table} m INNER JOIN {Body._meta.db_table} b ON b.id = m.body_id "
                               "CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2) y "
                               "WHERE m.id BETWEEN %s AND %s AND b.is_decision_body",
                   {"meeting_id": "m.id", "person_key": "'youth:' || y.k", "person_name": "'Jeune ' || y.k",
                    "checkin_code": "'B' || m.id || 'Y' || y.k"},
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


def _list_pages() -> dict:
    """The module's other list pages and downloads (name → path, parameters), counted at both sizes."""
    from meetings.indicators.models import Indicator

    computed = Indicator.objects.filter(is_active=True).exclude(computation="manual").order_by("pk").first()
    return {
        "drill-down /indicateurs/<code>/": (f"/indicateurs/{computed.code}/", {"annee": "2026"}),
        "matrix download (XLSX)": ("/indicateurs/export/", {"annee": "2026"}),
        "matrix download (CSV)": ("/indicateurs/export/", {"annee": "2026", "format": "csv"}),
        "operators' monthly report (XLSX)": ("/indicateurs/rapport-operateurs/", {"mois": "2026-03",
                                                                                "format": "xlsx"}),
        "JSON API": ("/indicateurs/api/indicateurs/", {"annee": "2026"}),
    }


def _measure(client, rounds):
    """Dashboard and XLSX matrix export, each timed against the trivial view; the query count of the dashboard
    and of each other list page."""
    floor = serve(client, FLOOR_PATH)  # with the same session cookie as the dashboard
    dashboard = serve(client, "/indicateurs/", {"annee": "2026"})
    first = time.thread_time()
    dashboard()  # counts the sessions not counted yet (all new ones), warms caches (templates, content types)
    first = time.thread_time() - first
    queries, _response = count_queries(dashboard)
    pages = {}
    for name, (url, params) in _list_pages().items():
        page = serve(client, url, params)
        page()
        pages[name] = count_queries(page)[0]

    def export():
        return exports.matrix_xlsx(exports.matrices_for_export(year=2026))

    return (time_against_floor(dashboard, floor, rounds=rounds), queries,
            time_against_floor(export, floor, rounds=5), pages, first)


@pytest.mark.usefixtures("floor")  # the URL conf with /_floor/; the floor itself carries the login (see _measure)
def test_dashboard_and_xlsx_at_five_years_of_attendance(client_as, dept_admin, monkeypatch):
    rng = random.Random(62)
    if connection.vendor == "sqlite":  # SQLite ≥ 3.32 takes 32,766 parameters: bigger bulk_create batches
        monkeypatch.setattr(connection.features, "max_query_params", 32766)
    build = time.perf_counter()
    organisations, bodies = _world(rng)
    demo.load(lambda _m: None)
    first = SESSIONS // 10
    _sessions(rng, organisations, bodies, first, 0)
    small_attendances = Attendance.objects.count()
    small, small_queries, small_xlsx, small_pages, small_first = _measure(client_as(dept_admin), RUNS)
    _sessions(rng, organisations, bodies, SESSIONS - first, first)
    build = time.perf_counter() - build
    assert Meeting.objects.count() == SESSIONS and Attendance.objects.count() >= ATTENDANCES
    large, large_queries, large_xlsx, large_pages, large_first = _measure(client_as(dept_admin), RUNS)
    factor = Attendance.objects.count() / small_attendances
    print(f"\nbench_indicators: {Meeting.objects.count()} sessions, {Attendance.objects.count()} attendances "
          f"({small_attendances} at the first size, ×{factor:.1f}), {HalfDaySignature.objects.count()} training "
          f"signatures over {len(YEARS)} years, SQLite (built in {build:.1f} s, wall); thread CPU time against "
          f"the trivial view, {RUNS} alternate rounds; growth = ratio at the large size / ratio at the small one")
    failures = [
        report(f"bench_indicators dashboard /indicateurs/ at {small_attendances} attendances", small,
               queries=small_queries, query_bar=DASHBOARD_QUERY_BAR),
        report(f"bench_indicators dashboard at {Attendance.objects.count()} attendances", large,
               queries=large_queries, query_bar=small_queries, note="(query bar: the count at the small size)"),
        report("bench_indicators dashboard growth, time at 100 % / time at 10 %", kind="growth",
               ratio=growth(small.ratio, large.ratio, factor)[0], bar=DASHBOARD_GROWTH_BAR, target=2.0,
               note=f"exponent k of cost ∝ size**k: {growth(small.ratio, large.ratio, factor)[1]:.2f}; first "
                    f"visit, counting every session: {small_first * 1000:.0f} ms at 10 %, "
                    f"{large_first * 1000:.0f} ms at 100 % (the new 90 %)"),
        *(report(f"bench_indicators {name} at {size} attendances", queries=counts[name], query_bar=bar,
                 note=note)
          for name in LIST_QUERY_BARS
          for size, counts, bar, note in (
              (small_attendances, small_pages, LIST_QUERY_BARS[name], ""),
              (Attendance.objects.count(), large_pages, min(LIST_QUERY_BARS[name], small_pages[name]),
               "(query bar: the count at the small size)"))),
        report(f"bench_indicators XLSX matrix export at {small_attendances} attendances", small_xlsx),
        report(f"bench_indicators XLSX matrix export at {Attendance.objects.count()} attendances", large_xlsx),
        report("bench_indicators XLSX growth, exponent k of cost ∝ size**k", kind="exponent",
               ratio=growth(small_xlsx.ratio, large_xlsx.ratio, factor)[1], bar=XLSX_EXPONENT_BAR,
               note=f"growth ×{growth(small_xlsx.ratio, large_xlsx.ratio, factor)[0]:.2f} for ×{factor:.1f} data"),
    ]
    assert not any(failures), [f for f in failures if f]
