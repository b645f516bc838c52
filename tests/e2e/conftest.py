"""The browser suite's fixtures: the guide's (territories, partners, glossary, page tree) and Daphne for live pages."""

import os
import socket
import threading
import time

import pytest

from tests.guide.conftest import glossary, guide_tree, make_org, partners, territories  # noqa: F401


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def daphne_url():
    """Daphne (HTTP + websockets) in a thread, for the whole session: Twisted's reactor cannot be started
    again once stopped, so a second module starting its own server would get a port nobody serves."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from daphne.server import Server  # installs Twisted's asyncio reactor
    from twisted.internet import reactor

    from relais.asgi import application

    port = _free_port()
    server = Server(application=application, endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
                    signal_handlers=False, verbosity=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail("Daphne did not start")
    yield f"http://127.0.0.1:{port}"
    reactor.callFromThread(reactor.stop)
    thread.join(timeout=5)
