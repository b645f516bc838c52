"""Websocket routes of the meetings module (the live attendance sheet)."""

websocket_urlpatterns = []
