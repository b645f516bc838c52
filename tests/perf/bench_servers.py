"""Which HTTP server for production: Daphne (make run) against gunicorn's sync WSGI workers (README).

Each server is started on a free loopback port with the same code and an empty SQLite file; a bounded load
(kept-alive connections from a few threads, a fixed number of requests) hits the login page (template, CSRF,
context processors) and /healthz (a database round trip). Prints requests per second, latencies and the ratio
of the two servers' throughputs; asserts nothing that depends on the machine (only that every request got a
200): a shared 2-core machine can starve either server, so the ratio is for people to read in the CI log.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.perf.conftest import percentile, report

pytestmark = [pytest.mark.perf]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REQUESTS_PER_PATH = 300
WARM_UP = 40
CLIENTS = 4
PATHS = ["/espace-pro/connexion/", "/healthz"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(port: int, process: subprocess.Popen, log: Path, deadline: float = 90) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            pytest.fail(f"server exited early: {log.read_text(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("server did not answer in time")


def _load(port: int, path: str, requests: int = REQUESTS_PER_PATH) -> tuple[float, list[float]]:
    """(requests per second, latencies in ms) for ``requests`` requests over CLIENTS connections."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_client = requests // CLIENTS

    def client():
        mine = []
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            for _ in range(per_client):
                start = time.perf_counter()
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise OSError(f"HTTP {response.status}")
                mine.append((time.perf_counter() - start) * 1000)
            conn.close()
        except OSError as exc:  # an assertion in a thread would not fail the test: collected instead
            with lock:
                errors.append(f"{path}: {exc}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - start
    assert not errors and len(latencies) == per_client * CLIENTS, errors[:3]
    return len(latencies) / elapsed, latencies


def test_bench_http_servers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL",
                                                             "DJANGO_ALLOW_ASYNC_UNSAFE", "RELAIS_DEBUG"}}
    env.update({"RELAIS_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "relais.settings",
                "RELAIS_LOG_LEVEL": "WARNING"})
    servers = {
        "daphne, 1 process": lambda port: [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port),
                                           "relais.asgi:application"],
        "gunicorn, 2 WSGI workers": lambda port: [
            str(BIN / "gunicorn"), "relais.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning"],
    }
    results = {}
    for name, command in servers.items():
        port = _free_port()
        # The server's log goes to a file: a pipe nobody reads fills up and blocks the server mid-benchmark.
        log = tmp_path / f"{name.split(',')[0]}.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            _wait_until_up(port, process, log)
            for path in PATHS:
                _load(port, path, WARM_UP)  # imports, template loading
                results[(name, path)] = _load(port, path)
        finally:
            process.terminate()
            process.wait(timeout=20)

    daphne, workers = servers
    print(f"\nbench_servers: HTTP servers on loopback ({CLIENTS} kept-alive clients, {REQUESTS_PER_PATH} requests "
          f"per path, {os.cpu_count()} cores); ratio = {workers} / {daphne} in requests per second (printed only)")
    for path in PATHS:
        (fast, fast_ms), (slow, slow_ms) = results[(workers, path)], results[(daphne, path)]
        report(f"bench_servers {path}", ratio=fast / slow, note=" ; ".join(
            f"{name}: {rate:.0f} req/s, median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms"
            for name, rate, ms in ((daphne, slow, slow_ms), (workers, fast, fast_ms))))
