"""ASGI entry point: HTTP through Django, websockets through Channels (authenticated, same origin)."""

import logging
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from django.conf import settings  # noqa: E402


def _no_persistent_connections() -> None:
    """Under ASGI each request runs its sync view in a thread of its own, and a persistent connection stays
    open per thread: with DB_CONN_MAX_AGE > 0 a room of phones exhausts PostgreSQL's max_connections. The
    variable therefore applies to WSGI workers only (see README, deploy); this server always closes."""
    for alias, database in settings.DATABASES.items():
        if database.get("CONN_MAX_AGE") and os.environ.get("DB_CONN_MAX_AGE"):  # set for this server, not defaulted
            logging.getLogger(__name__).warning(
                "DB_CONN_MAX_AGE=%s ignored by the ASGI server (database %s): connections close after each "
                "request", database["CONN_MAX_AGE"], alias)
        database["CONN_MAX_AGE"] = 0


_no_persistent_connections()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from relais.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
