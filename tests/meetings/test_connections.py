"""Database connections under a room's worth of phones, on the production servers and PostgreSQL.

The servers run as subprocesses against this test's database, as in production: gunicorn (sync workers,
WSGI) for HTTP and Daphne for the websockets. Fifty phones check in at once, each from its own address behind
one proxy, while two secretaries tick the live sheet over the socket. Nobody may get a server error, every
check-in must be saved once, both sheets must see every change, and once the room is quiet no server may keep
an idle connection on the database (PostgreSQL's max_connections is shared by every worker and thread).

RELAIS_CONN_TEST_CHECKIN_VIA=daphne (not used by `make test`) sends the phones to Daphne's HTTP instead of
gunicorn, as the embedded mode serves them.
"""

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from guardian.shortcuts import assign_perm
from websockets.sync.client import connect as ws_connect

from meetings.checkin import make_token
from meetings.models import Attendance

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PHONES_BY_NAME_LIST = 40
PHONES_WALK_IN = 10
TICKS_PER_SECRETARY = 10
WAIT = 30  # seconds: upper bound of every wait below
# One environment file often serves both servers: a value raised for gunicorn must not leak into Daphne
# (relais.asgi forces 0; without that, 50 check-ins through Daphne left 98 idle connections and two 500s).
DAPHNE_ENV_CONN_MAX_AGE = "60"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(**extra) -> dict:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("RELAIS_TEST_DB_NAME", "DB_CONN_MAX_AGE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "relais.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
                         f"/{db['NAME']}"),
        "REDIS_URL": os.environ["REDIS_URL"],
        "RELAIS_CHANNEL_PREFIX": os.environ.get("RELAIS_CHANNEL_PREFIX", "relais"),
        # The tokens and session cookies this process makes must be valid for the servers.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RELAIS_PROXY_COUNT": "1",
        "RELAIS_2FA_REQUIRED_ROLES": "",
        "NO_PROXY": "*",
    })
    env.update(extra)
    return env


class Servers:
    """gunicorn + Daphne subprocesses; their output goes to files so that a full pipe never blocks them."""

    def __init__(self):
        self.procs: list[tuple[str, subprocess.Popen, object]] = []
        self.http_port = _free_port()
        self.ws_port = _free_port()

    def start(self):
        self._spawn("gunicorn", [sys.executable, "-m", "gunicorn", "relais.wsgi", "--workers", "3", "--preload",
                                 "--bind", f"127.0.0.1:{self.http_port}", "--timeout", "30"],
                    _server_env(DB_CONN_MAX_AGE="0", DATABASE_URL=self._url("relais-gunicorn")))
        self._spawn("daphne", [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.ws_port),
                               "relais.asgi:application"],
                    _server_env(DB_CONN_MAX_AGE=DAPHNE_ENV_CONN_MAX_AGE, DATABASE_URL=self._url("relais-daphne")))
        for port in (self.http_port, self.ws_port):
            self._wait_healthy(port)

    @staticmethod
    def _url(application_name: str) -> str:
        # Tags each server's backends in pg_stat_activity (dj-database-url passes it on to psycopg).
        return _server_env()["DATABASE_URL"] + f"?application_name={application_name}"

    def _spawn(self, name, cmd, env):
        log = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, proc, log))

    def _wait_healthy(self, port):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for name, proc, _log in self.procs:
                if proc.poll() is not None:
                    pytest.fail(f"{name} exited at start:\n{self.output()}")
            try:
                if _http().get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        pytest.fail(f"server on port {port} not healthy after {WAIT}s:\n{self.output()}")

    def output(self) -> str:
        parts = []
        for name, _proc, log in self.procs:
            log.seek(0)
            parts.append(f"--- {name} ---\n{log.read()[-4000:]}")
        return "\n".join(parts)

    def stop(self):
        for _name, proc, _log in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for _name, proc, log in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            log.close()


@pytest.fixture
def servers(transactional_db):
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql") or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    running = Servers()
    try:
        started = time.monotonic()
        running.start()
        print(f"\nservers up in {time.monotonic() - started:.1f}s")
        yield running
    finally:
        running.stop()


def _http() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no HTTP proxy from the environment between the test and loopback
    return session


class ConnectionWatch:
    """Samples the servers' backends on the test database from a connection of its own."""

    def __init__(self, exclude_pid: int):
        db = connection.settings_dict
        self.conn = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                                    password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True)
        self.exclude_pid = exclude_pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def backends(self) -> list[tuple]:
        return self.conn.execute(
            "SELECT pid, application_name, state FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND pid <> %s", [self.exclude_pid]).fetchall()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, len(self.backends()))
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)

    def close(self):
        self.conn.close()


class Sheet:
    """One secretary's live sheet: a websocket on Daphne, every message it receives kept in order."""

    def __init__(self, port, meeting_id, session_cookie):
        self.ws = ws_connect(f"ws://127.0.0.1:{port}/ws/instances/seances/{meeting_id}/",
                             origin=f"http://127.0.0.1:{port}", proxy=None, open_timeout=WAIT,
                             additional_headers={"Cookie": f"sessionid={session_cookie}"})
        self.messages: list[dict] = []
        self.errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        try:
            for raw in self.ws:
                self.messages.append(json.loads(raw))
        except Exception as exc:  # a dropped socket is reported by the assertions, not swallowed
            self.errors.append(exc)

    def tick(self, invitation_id, status):
        self.ws.send(json.dumps({"action": "set_status", "invitation": invitation_id, "status": status}))

    def rows_seen(self) -> dict[int, str]:
        seen = {}
        for message in self.messages:
            if message.get("type") == "change" and message.get("row"):
                seen[message["row"]["invitation"]] = message["row"]["status"]
        return seen

    def latest_state(self):
        states = [m for m in self.messages if m.get("type") == "state"]
        return states[-1] if states else None

    def close(self):
        self.ws.close()
        self._thread.join(timeout=5)


def _check_in(base_url, token, index, data, all_pages_open) -> tuple[int, float, str]:
    """One phone: opens the page from the QR code (CSRF cookie), then submits with the others at the same moment;
    its own address behind the proxy."""
    session = _http()
    headers = {"X-Forwarded-For": f"198.51.100.{index + 1}"}
    url = f"{base_url}/instances/pointage/{token}/"
    page = session.get(url, headers=headers, timeout=WAIT)
    if page.status_code != 200:
        all_pages_open.abort()
        return page.status_code, 0.0, page.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    try:
        all_pages_open.wait(timeout=WAIT)
    except threading.BrokenBarrierError:
        pass  # another phone failed: submit anyway, its failure is reported
    started = time.monotonic()
    response = session.post(url, data={**data, "csrfmiddlewaretoken": csrf}, headers={**headers, "Referer": url},
                            timeout=WAIT)
    return response.status_code, time.monotonic() - started, response.text[:500]


def _wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_room_of_phones_and_two_live_sheets_leave_no_idle_connection(servers, make_body, make_meeting,
                                                                        make_user):
    from relais import roles

    body = make_body("Comité de suivi de l'Artois", members=PHONES_BY_NAME_LIST + 2 * TICKS_PER_SECRETARY,
                     youth_seats=0)
    meeting = make_meeting(body)
    invitations = list(meeting.invitations.order_by("pk").values_list("pk", flat=True))
    by_phone, ticked = invitations[:PHONES_BY_NAME_LIST], invitations[PHONES_BY_NAME_LIST:]
    cookies = []
    for n in range(2):
        secretary = make_user(f"secretaire{n}", roles.SECRETARY)
        assign_perm("meetings.manage_body", secretary, body)
        client = Client()
        client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
        cookies.append(client.cookies["sessionid"].value)
    token = make_token(meeting)
    via_daphne = os.environ.get("RELAIS_CONN_TEST_CHECKIN_VIA") == "daphne"
    base_url = f"http://127.0.0.1:{servers.ws_port if via_daphne else servers.http_port}"
    phone_data = [{"invitation": pk} for pk in by_phone]
    phone_data += [{"name": f"Visiteuse Surprise {n:02d}"} for n in range(PHONES_WALK_IN)]

    watch = ConnectionWatch(exclude_pid=connection.cursor().connection.info.backend_pid)
    sheets = []
    try:
        sheets = [Sheet(servers.ws_port, meeting.pk, cookie) for cookie in cookies]
        assert _wait_for(lambda: all(sheet.latest_state() for sheet in sheets)), "the sheets got no first state"

        def secretary_ticks(sheet, pks):
            for pk in pks:
                sheet.tick(pk, "excused")
                time.sleep(0.02)

        with watch, ThreadPoolExecutor(max_workers=len(phone_data) + 2) as pool:
            tick_jobs = [pool.submit(secretary_ticks, sheet, ticked[i::2]) for i, sheet in enumerate(sheets)]
            all_pages_open = threading.Barrier(len(phone_data))
            phones = [pool.submit(_check_in, base_url, token, i, data, all_pages_open)
                      for i, data in enumerate(phone_data)]
            results = [job.result(timeout=WAIT * 2) for job in phones]
            for job in tick_jobs:
                job.result(timeout=WAIT)
            failures = [(status, text) for status, _t, text in results if status != 200]
            # Both sheets end up with every row the phones and the other secretary changed.
            expected = {pk: "present" for pk in by_phone} | {pk: "excused" for pk in ticked}
            sheets_complete = not failures and _wait_for(
                lambda: all(sheet.rows_seen() == expected for sheet in sheets))
            for sheet in sheets:
                sheet.ws.send(json.dumps({"action": "state"}))
            states_refreshed = _wait_for(
                lambda: all(len([m for m in s.messages if m.get("type") == "state"]) >= 2 for s in sheets))

        # The room is quiet, the secretaries still have the sheet open: no server keeps a database connection.
        leftover = watch.backends()
        deadline = time.monotonic() + 10
        while leftover and time.monotonic() < deadline:
            time.sleep(0.5)
            leftover = watch.backends()
        post_times = sorted(t for _s, t, _x in results)
        print(f"\n{len(phone_data)} check-ins via {'daphne' if via_daphne else 'gunicorn'}: "
              f"{len(failures)} failed ({sorted({status for status, _x in failures})}), "
              f"p95 {post_times[int(0.95 * (len(post_times) - 1))]:.2f}s, median {statistics.median(post_times):.2f}s;"
              f" database connections of the servers: peak {watch.peak}, final {len(leftover)} {leftover}")

        assert not [f for f in failures if f[0] >= 500], f"server errors: {failures[:3]}\n{servers.output()}"
        assert not failures, f"refused check-ins: {failures[:3]}"
        assert not any(sheet.errors for sheet in sheets), [sheet.errors for sheet in sheets]
        assert sheets_complete, [set(expected.items()) - set(sheet.rows_seen().items()) for sheet in sheets]
        assert states_refreshed

        # Every check-in saved exactly once.
        attendances = Attendance.objects.filter(meeting=meeting)
        assert attendances.count() == len(phone_data) + len(ticked)
        assert set(attendances.filter(status="present", recorded_via="self_checkin")
                   .values_list("invitation_id", flat=True)) == set(by_phone) | {None}
        walk_ins = sorted(attendances.filter(invitation=None).values_list("person_name", flat=True))
        assert walk_ins == sorted(d["name"] for d in phone_data if "name" in d)
        assert set(attendances.filter(status="excused").values_list("invitation_id", flat=True)) == set(ticked)

        # The state a (re)connecting sheet gets is the database's.
        for sheet in sheets:
            state = sheet.latest_state()
            assert {row["invitation"]: row["status"] for row in state["rows"]} == expected
            assert sorted(w["name"] for w in state["walk_ins"]) == walk_ins

        assert not leftover, f"idle connections left by the servers: {leftover}"
    finally:
        for sheet in sheets:
            sheet.close()
        watch.close()
