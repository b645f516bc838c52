"""Websocket routes of every app, gathered in one list for asgi.py.

Each app that has live features exposes ``websocket_urlpatterns`` in its own ``routing`` module; consumers
check authentication and object permissions themselves (AuthMiddlewareStack only identifies the user).
"""

from meetings.routing import websocket_urlpatterns as meetings_ws

websocket_urlpatterns = [*meetings_ws]
