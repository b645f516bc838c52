"""What every benchmark shares: figures that survive a loaded machine, and one printed line per measurement.

The machines that run CI are shared and their speed drifts 1.5–2× with the load, so no benchmark asserts
milliseconds. A benchmark asserts only query counts, how cost grows with the data (both sizes measured in the
same run), or a ratio to a floor measured in the same run and timed alternately with the work under test
(floor, work, floor, work…), so that load hits both alike. Such a ratio still drifts about ±25 %: bars sit
above that margin. Milliseconds are printed beside every ratio, for people, never asserted.

- ``time_against_floor(work, floor)``: medians, p95 and the ratio, by default in thread CPU time (Django, the
  view and SQLite run in this thread); ``clock=time.perf_counter`` for work done in other processes.
- ``serve(client, path, params)``: a GET through Django's request handler with the client's cookies (the test
  Client itself would copy every template context for its assertions, which costs more than many pages).
- ``floor(client)`` fixture: ``serve`` of ``/_floor/``, a trivial view added by a test-only URL conf around the
  project's, so the floor goes through the same middleware as the pages.
- ``report(...)``: prints the line (``[perf] …``) and returns the bar it broke, if any; tests assert at the end
  so that every figure reaches the CI log first.
"""

import math
import statistics
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext
from django.urls import path

FLOOR_URLCONF = "relais_perf_floor_urls"
FLOOR_PATH = "/_floor/"


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_call(item):
    """Benchmarks print their figures: pytest's output capture is lifted while each test of this folder runs."""
    capture = item.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        yield


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Timing:
    """Milliseconds of the work and of the floor (medians and p95 over ``rounds``), and their ratio."""

    median: float
    p95: float
    floor: float
    floor_p95: float
    rounds: int

    @property
    def ratio(self) -> float:
        return self.median / self.floor

    @classmethod
    def of(cls, work_ms: list[float], floor_ms: list[float]) -> "Timing":
        return cls(statistics.median(work_ms), percentile(work_ms, 0.95), statistics.median(floor_ms),
                   percentile(floor_ms, 0.95), len(work_ms))


def time_against_floor(work: Callable, floor: Callable, *, rounds: int = 20,
                       clock: Callable[[], float] = time.thread_time) -> Timing:
    """Time ``floor`` and ``work`` alternately ``rounds`` times each (after one untimed call of each)."""
    floor()
    work()
    spent, floors = [], []
    for _ in range(rounds):
        start = clock()
        floor()
        middle = clock()
        work()
        end = clock()
        floors.append((middle - start) * 1000)
        spent.append((end - middle) * 1000)
    return Timing.of(spent, floors)


def growth(small: float, large: float, factor: float) -> tuple[float, float]:
    """(large / small, the exponent k of cost ∝ size**k for sizes ``factor`` apart)."""
    ratio = large / small
    return ratio, math.log(ratio) / math.log(factor)


def serve(client, url: str, params: dict | None = None, *, status: int = 200) -> Callable:
    """A callable that GETs ``url`` through Django's handler with ``client``'s cookies; returns the response."""
    handler = ClientHandler(enforce_csrf_checks=False)
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    environ = RequestFactory()._base_environ(PATH_INFO=url, QUERY_STRING=urlencode(params or {}, doseq=True),
                                             REQUEST_METHOD="GET", HTTP_COOKIE=cookies)

    def get():
        response = handler(dict(environ))
        assert response.status_code == status, (url, params, response.status_code)
        return response

    return get


def count_queries(call: Callable) -> tuple[int, object]:
    """(SQL queries of one call, its result), from one extra captured call (capture slows the timed ones)."""
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def _floor_view(request):
    return HttpResponse("ok", content_type="text/plain")


@pytest.fixture
def floor(client, settings):
    """``serve(client, FLOOR_PATH)``: the trivial view every page is compared with, behind the same middleware.

    Its cookies are the client's when the fixture starts: a test that logs in later takes ``serve(client,
    FLOOR_PATH)`` itself, so that the floor carries the same session as the pages.
    """
    from relais import urls as project_urls

    module = types.ModuleType(FLOOR_URLCONF)
    module.urlpatterns = [path(FLOOR_PATH.strip("/") + "/", _floor_view), *project_urls.urlpatterns]
    module.handler404, module.handler500 = project_urls.handler404, project_urls.handler500
    sys.modules[FLOOR_URLCONF] = module
    settings.ROOT_URLCONF = FLOOR_URLCONF
    yield serve(client, FLOOR_PATH)
    sys.modules.pop(FLOOR_URLCONF, None)


def report(name: str, timing: Timing | None = None, *, ratio: float | None = None, bar: float | None = None,
           target: float | None = None, kind: str = "ratio", queries: int | None = None,
           query_bar: int | None = None, note: str = "") -> str | None:
    """Print one line: median, p95, floor, ratio (or growth / exponent) with its bar and target, SQL queries.

    ``ratio`` defaults to ``timing.ratio``. Returns a message when the ratio exceeds ``bar`` or the query count
    exceeds ``query_bar``, else None.
    """
    if ratio is None and timing is not None and kind == "ratio":
        ratio = timing.ratio
    if timing:
        figures = (f"median {timing.median:8.2f} ms  p95 {timing.p95:8.2f} ms  floor {timing.floor:6.3f} ms"
                   f" (p95 {timing.floor_p95:6.3f})  n {timing.rounds:>2}")
    else:
        figures = " " * 66
    unit = "" if kind == "exponent" else "×"
    if ratio is None:
        shown = ""
    else:
        shown = f"{kind} {ratio:{'7.2f' if kind == 'exponent' else '7.1f'}}{unit}"
        limits = [f"bar ≤ {bar:g}{unit}"] if bar is not None else []
        limits += [f"target ≤ {target:g}{unit}"] if target is not None else []
        shown += f" ({', '.join(limits)})" if limits else ""
    sql = "" if queries is None else f"SQL {queries}" + (f" (bar ≤ {query_bar})" if query_bar is not None else "")
    print(f"[perf] {name:<62} {figures}  {shown:<40} {sql:<18} {note}".rstrip(), flush=True)
    broken = []
    if bar is not None and ratio is not None and ratio > bar:
        broken.append(f"{kind} {ratio:.2f} > bar {bar:g}")
    if query_bar is not None and queries is not None and queries > query_bar:
        broken.append(f"{queries} SQL queries > bar {query_bar}")
    return f"{name}: {'; '.join(broken)}" if broken else None
