"""Which HTTP server for production: Daphne (make run) against gunicorn's sync WSGI workers (README).

Each server is started on a free loopback port with the same code and an empty SQLite file; a bounded load
(kept-alive connections from a few threads, a fixed number of requests) hits the login page (template, CSRF,
context processors) and /healthz (a database round trip). Prints requests per second and latencies; asserts
only that the WSGI workers are not slower than one Daphne process, which is the README's advice (gunicorn
`relais.wsgi` for HTTP, Daphne only for /ws/).
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

pytestmark = [pytest.mark.perf]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REQUESTS_PER_PATH = 600
CLIENTS = 4
PATHS = ["/espace-pro/connexion/", "/healthz"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(port: int, process: subprocess.Popen, deadline: float = 30) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            pytest.fail(f"server exited early: {process.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("server did not answer in time")


def _load(port: int, path: str) -> tuple[float, list[float]]:
    """(requests per second, latencies in ms) for REQUESTS_PER_PATH requests over CLIENTS connections."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = REQUESTS_PER_PATH // CLIENTS

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        for _ in range(per_client):
            start = time.perf_counter()
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            mine.append((time.perf_counter() - start) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, latencies


def test_bench_http_servers(tmp_path, capsys):
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
        process = subprocess.Popen(command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        try:
            _wait_until_up(port, process)
            for path in PATHS:
                _load(port, path)  # warm-up: imports, template loading
                results[(name, path)] = _load(port, path)
        finally:
            process.terminate()
            process.wait(timeout=20)

    with capsys.disabled():
        print(f"\nHTTP servers on loopback ({CLIENTS} kept-alive clients, {REQUESTS_PER_PATH} requests per path, "
              f"{os.cpu_count()} cores)")
        print(f"{'server':<30} {'path':<24} {'req/s':>8} {'median ms':>10} {'p95 ms':>8}")
        for (name, path), (rate, latencies) in results.items():
            p95 = statistics.quantiles(latencies, n=20)[-1]
            print(f"{name:<30} {path:<24} {rate:>8.0f} {statistics.median(latencies):>10.1f} {p95:>8.1f}")
    for path in PATHS:
        daphne, workers = results[("daphne, 1 process", path)][0], results[("gunicorn, 2 WSGI workers", path)][0]
        assert workers >= daphne * 0.9, f"{path}: multi-worker {workers:.0f} req/s < Daphne {daphne:.0f} req/s"
