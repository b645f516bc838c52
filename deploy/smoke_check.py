#!/usr/bin/env python3
"""What a person checks after a deploy, against the servers that deploy/smoke.sh started: standard library only.

HTTP goes to gunicorn, websockets to Daphne, both as the TLS-terminating load balancer would forward them
(`X-Forwarded-Proto: https`, the public host name). Each check prints one line; the first failure stops
with a message naming the page and what was wrong.
Usage: smoke_check.py HOST HTTP_PORT WS_PORT PUBLIC_HOST
"""

import base64
import http.client
import json
import os
import re
import socket
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST, HTTP_PORT, WS_PORT, PUBLIC_HOST = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
PROXY = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
DEMO_PASSWORD = os.environ.get("RELAIS_DEMO_PASSWORD", "relais-demo-2026")


class SmokeFailure(Exception):
    pass


def fetch(path, method="GET", headers=None, body=None, port=HTTP_PORT):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers={**PROXY, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def expect(path, status, *needles, headers=None):
    """GET path, require the status and every needle in the page; return the page."""
    got, response_headers, page = fetch(path, headers=headers)
    if got != status:
        raise SmokeFailure(f"GET {path}: HTTP {got}, expected {status}\n{page[:800]}")
    for needle in needles:
        if needle not in page:
            raise SmokeFailure(f"GET {path}: {needle!r} is not in the page")
    return page, dict(response_headers)


def check(label, function):
    start = time.monotonic()
    detail = function()
    print(f"smoke: ok  {label}{f' ({detail})' if detail else ''}  [{time.monotonic() - start:.1f} s]")


def healthz():
    page, _ = expect("/healthz", 200)
    state = json.loads(page)
    if state.get("database") != "ok" or state.get("channel_layer") != "ok":
        raise SmokeFailure(f"/healthz: {state}")
    return f"database {state['database']}, channel layer {state['channel_layer']}, search {state['search']}"


def servers():
    """The README's split: gunicorn (WSGI) answers on the HTTP port, Daphne (ASGI, for /ws/) on the other."""
    found = {}
    for port, expected in ((HTTP_PORT, "gunicorn"), (WS_PORT, "daphne")):
        status, headers, _page = fetch("/healthz", port=port)
        server = dict((name.lower(), value) for name, value in headers).get("server", "")
        if status != 200 or not server.lower().startswith(expected):
            raise SmokeFailure(f"port {port}: HTTP {status} from {server!r}, expected {expected}")
        found[port] = server
    return f"HTTP on {found[HTTP_PORT]}, websockets on {found[WS_PORT]}"


def https_redirect():
    status, headers, _ = fetch("/", headers={"X-Forwarded-Proto": "http"})
    location = dict(headers).get("Location", "")
    if status != 301 or not location.startswith(f"https://{PUBLIC_HOST}/"):
        raise SmokeFailure(f"plain HTTP: {status} {location!r}, expected a 301 to https://{PUBLIC_HOST}/")
    return location


def home():
    page, headers = expect("/", 200, "Relais", 'href="/guide/"', "partiellement conforme")
    if "max-age=" not in headers.get("Strict-Transport-Security", ""):
        raise SmokeFailure(f"/: no HSTS header ({headers})")
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
    if not stylesheets or not all(re.search(r"\.[0-9a-f]{12}\.css$", href) for href in stylesheets):
        raise SmokeFailure(f"/: stylesheets are not the hashed files of collectstatic: {stylesheets}")
    return f"{len(page) // 1024} KB, {len(stylesheets)} hashed stylesheet(s)"


def static_file():
    page, _ = expect("/", 200)
    href = re.findall(r'href="(/static/[^"]+\.css)"', page)[0]
    css, headers = expect(href, 200)
    if "immutable" not in headers.get("Cache-Control", "") or "{" not in css:
        raise SmokeFailure(f"{href}: not served by WhiteNoise as an immutable file ({headers.get('Cache-Control')})")
    return href


def guide_article():
    path = "/guide/logement/trouver-un-logement/"
    page, _ = expect(path, 200, "Trouver un logement", "Logement")
    return path


def directory():
    page, _ = expect("/annuaire/", 200, "Annuaire des partenaires")
    found = re.search(r"(\d+) structures trouvées", page)
    if not found or int(found.group(1)) < 1:
        raise SmokeFailure("/annuaire/: no partner listed")
    expect("/annuaire/?q=mission+locale", 200, "Mission locale")
    return f"{found.group(1)} partners, search by keyword"


def _cookies(headers, jar):
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookie = SimpleCookie()
            cookie.load(value)
            jar.update({key: morsel.value for key, morsel in cookie.items()})
    return "; ".join(f"{key}={value}" for key, value in jar.items())


def live_sheet():
    """Log in over gunicorn as the demo secretary, open a sheet's websocket on Daphne with that session."""
    jar = {}
    status, headers, page = fetch("/espace-pro/connexion/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token:
        raise SmokeFailure(f"login page: HTTP {status}, no CSRF token")
    body = urlencode({"csrfmiddlewaretoken": token.group(1), "username": "secretaire", "password": DEMO_PASSWORD})
    status, headers, page = fetch("/espace-pro/connexion/", "POST", body=body, headers={
        "Cookie": _cookies(headers, jar), "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"https://{PUBLIC_HOST}", "Referer": f"https://{PUBLIC_HOST}/espace-pro/connexion/"})
    cookie = _cookies(headers, jar)
    if status != 302 or "sessionid" not in jar:
        raise SmokeFailure(f"login as the demo secretary: HTTP {status}\n{page[:800]}")
    page, _ = expect("/instances/", 200, headers={"Cookie": cookie})
    ws_path = None
    for slug in dict.fromkeys(re.findall(r'href="/instances/([a-z0-9-]+)/"', page)):
        body, _ = expect(f"/instances/{slug}/", 200, headers={"Cookie": cookie})
        if f"/instances/{slug}/nouvelle-seance/" not in body:
            continue  # a body the secretary sees but does not run
        # Past sessions (listed last) were convened: their sheet is open.
        for pk in list(dict.fromkeys(re.findall(r'href="/instances/seances/(\d+)/"', body)))[::-1][:5]:
            status, _, sheet = fetch(f"/instances/seances/{pk}/feuille/", headers={"Cookie": cookie})
            ws_path = re.search(r'data-ws-path="([^"]+)"', sheet) if status == 200 else None
            if ws_path:
                break
        break
    if not ws_path:
        raise SmokeFailure("/instances/: no attendance sheet that the demo secretary runs")
    state = _websocket_first_message(ws_path.group(1), cookie)
    if state.get("type") != "state" or not state.get("rows"):
        raise SmokeFailure(f"{ws_path.group(1)}: first message is not the sheet's state: {state}")
    return f"{ws_path.group(1)} on Daphne: 101, state with {len(state['rows'])} rows"


def _websocket_first_message(path, cookie):
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET {path} HTTP/1.1\r\nHost: {PUBLIC_HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: https://{PUBLIC_HOST}\r\n"
               f"X-Forwarded-Proto: https\r\nCookie: {cookie}\r\n\r\n")
    with socket.create_connection((HOST, WS_PORT), timeout=30) as sock:
        sock.sendall(request.encode())
        reader = sock.makefile("rb")
        status_line = reader.readline().decode()
        if " 101 " not in status_line:
            raise SmokeFailure(f"websocket {path}: {status_line.strip()!r}, expected 101 Switching Protocols")
        while reader.readline() not in (b"\r\n", b""):
            pass
        first, second = reader.read(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(reader.read(2), "big")
        elif length == 127:
            length = int.from_bytes(reader.read(8), "big")
        if first & 0x0F != 1:
            raise SmokeFailure(f"websocket {path}: first frame has opcode {first & 0x0F}, expected text")
        message = json.loads(reader.read(length))
        sock.sendall(bytes([0x88, 0x82]) + b"\0\0\0\0" + (1000).to_bytes(2, "big"))  # masked close, code 1000
        return message


if __name__ == "__main__":
    try:
        check("/healthz", healthz)
        check("gunicorn serves HTTP, Daphne the websockets' port", servers)
        check("plain HTTP redirects to HTTPS", https_redirect)
        check("home page", home)
        check("static file from collectstatic", static_file)
        check("guide article", guide_article)
        check("/annuaire/", directory)
        check("live attendance sheet over websocket", live_sheet)
    except SmokeFailure as failure:
        print(f"smoke: FAILED {failure}", file=sys.stderr)
        sys.exit(1)
