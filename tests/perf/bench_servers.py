"""Which HTTP server for production: gunicorn's WSGI workers (sync, threaded) against ASGI servers (Daphne, and
uvicorn when it is installed), on a guide article and on a light page (the login form).

Every server runs at once as a subprocess on a free loopback port, with the same code, against this test's
SQLite database (a guide article with three directory blocks over 200 partners, committed: the test is
transactional). Requests come in batches from a few kept-alive clients, the servers taking turns batch after
batch (so that the machine's load hits each alike). Per server and page it prints requests per second,
latencies, and the server's own CPU time per request (its processes' user + system time, from /proc): the
figure that load changes least, since it counts only what the server itself spent.

Bar (README, "Deploying"): on each page, the recommended WSGI workers spend at most ``BARS[path]`` × the CPU
time per request of every ASGI server measured, i.e. the recommendation stays right with a margin for the
±25 % drift of such ratios. Throughputs and milliseconds are printed, never asserted (a shared 2-core machine
can starve any server; Daphne is one process where gunicorn runs two workers).
"""

import http.client
import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.perf.bench_guide import build_article, build_directory
from tests.perf.conftest import percentile, report

pytestmark = [pytest.mark.perf, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLIENTS = 4
BATCH = 32  # requests per batch (CLIENTS connections × 8)
ROUNDS = 3  # batches per server and page, servers taking turns
WARM_UP = 16  # per server and page: imports, templates, each worker's partner lists
LIGHT = "/espace-pro/connexion/"
# Best WSGI / Daphne CPU per request, measured on a 2-core machine under a load of 4 to 7: 0.5–0.7 on the login
# page (Daphne spends up to twice as much), 0.8–0.9 on the guide article (the page's own work dominates).
# Bars: about 1.3× above the highest, so that they fail only when WSGI stops being the cheaper choice.
BARS = {LIGHT: 0.9, "guide": 1.25}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _servers() -> dict[str, list[str]]:
    """Name → command line template ({port}); the recommended WSGI servers first."""
    servers = {
        "gunicorn sync, 2 workers": [str(BIN / "gunicorn"), "relais.wsgi", "--workers", "2", "--preload"],
        "gunicorn gthread, 2 workers × 4 threads": [str(BIN / "gunicorn"), "relais.wsgi", "--workers", "2",
                                                   "--preload", "--worker-class", "gthread", "--threads", "4"],
        "daphne, 1 process": [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", "{port}", "relais.asgi:application"],
    }
    for name in servers:
        if name.startswith("gunicorn"):
            servers[name] += ["--bind", "127.0.0.1:{port}", "--log-level", "warning"]
    if importlib.util.find_spec("uvicorn"):
        servers["uvicorn, 2 workers"] = [sys.executable, "-m", "uvicorn", "relais.asgi:application", "--host",
                                         "127.0.0.1", "--port", "{port}", "--workers", "2", "--log-level", "warning"]
    return servers


def _process_tree_cpu(pid: int) -> float:
    """Seconds of user + system CPU of ``pid`` and its live descendants (gunicorn's workers, uvicorn's)."""
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    tree, frontier = {pid}, [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier and child not in tree]
        tree.update(children)
        frontier = children
    return sum(cpu.get(member, 0.0) for member in tree)


def _wait_until_up(port: int, process: subprocess.Popen, log: Path, deadline: float = 90) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            pytest.fail(f"server exited early: {log.read_text(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", LIGHT)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"server did not answer in time: {log.read_text(errors='replace')[-2000:]}")


def _load(port: int, path: str, requests: int) -> tuple[float, list[float]]:
    """(wall seconds, latencies in ms) of ``requests`` GETs over CLIENTS kept-alive connections."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_client = requests // CLIENTS

    def client():
        mine = []
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
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
    return elapsed, latencies


def test_bench_http_servers(tmp_path, site_pages):
    build_directory(200)
    article = build_article(site_pages)
    paths = [article, LIGHT]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL",
                                                             "DJANGO_ALLOW_ASYNC_UNSAFE", "RELAIS_DEBUG"}}
    env.update({"RELAIS_VAR_DIR": str(tmp_path), "RELAIS_SQLITE_PATH": connection.settings_dict["NAME"],
                "DJANGO_SETTINGS_MODULE": "relais.settings", "PYTHONPATH": str(ROOT),
                "RELAIS_LOG_LEVEL": "WARNING"})
    servers = _servers()
    running = {}
    try:
        for name, command in servers.items():
            port = _free_port()
            # The server's log goes to a file: a pipe nobody reads fills up and blocks the server mid-benchmark.
            log = tmp_path / f"server-{len(running)}.log"
            with log.open("wb") as stderr:
                process = subprocess.Popen([part.format(port=port) for part in command], cwd=ROOT, env=env,
                                           stdout=subprocess.DEVNULL, stderr=stderr)
            running[name] = (port, process, log)
        for port, process, log in running.values():
            _wait_until_up(port, process, log)
        spent = {key: [0.0, 0.0, []] for key in ((name, path) for name in servers for path in paths)}
        for name, (port, _process, _log) in running.items():
            for path in paths:
                _load(port, path, WARM_UP)
        for n in range(ROUNDS):
            order = list(running.items())
            order = order[n % len(order):] + order[:n % len(order)]
            for name, (port, process, _log) in order:
                for path in paths:
                    cpu = _process_tree_cpu(process.pid)
                    wall, latencies = _load(port, path, BATCH)
                    figures = spent[(name, path)]
                    figures[0] += _process_tree_cpu(process.pid) - cpu
                    figures[1] += wall
                    figures[2] += latencies
    finally:
        for _port, process, _log in running.values():
            process.terminate()
        for _port, process, _log in running.values():
            process.wait(timeout=20)

    requests = BATCH // CLIENTS * CLIENTS * ROUNDS
    reference = next(iter(servers))
    print(f"\nbench_servers: HTTP servers on loopback, taking turns ({CLIENTS} kept-alive clients, {ROUNDS} batches "
          f"of {BATCH} requests per server and page, {os.cpu_count()} cores); ratio = the server's CPU time per "
          f"request / {reference}'s; throughput ratios printed beside" +
          ("" if "uvicorn, 2 workers" in servers else "; uvicorn is not installed: not measured"))
    failures = []
    for path in paths:
        label = "guide" if path == article else path
        cpu = {name: spent[(name, path)][0] / requests * 1000 for name in servers}
        rate = {name: requests / spent[(name, path)][1] for name in servers}
        for name in servers:
            latencies = spent[(name, path)][2]
            report(f"bench_servers {label} {name}", ratio=cpu[name] / cpu[reference],
                   note=f"CPU {cpu[name]:.1f} ms/request; {rate[name]:.0f} req/s "
                        f"({rate[name] / rate[reference]:.2f}× {reference.split(',')[0]}), latency median "
                        f"{statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms")
        wsgi = min(cpu[name] for name in servers if name.startswith("gunicorn"))
        for name in servers:
            if not name.startswith("gunicorn"):
                failures.append(report(f"bench_servers {label}: best WSGI / {name}, CPU per request",
                                       ratio=wsgi / cpu[name], bar=BARS[label]))
    assert not any(failures), [f for f in failures if f]
