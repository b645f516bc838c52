"""Websocket routes of the meetings module (the live attendance sheet)."""

from django.urls import path

from meetings.consumers import SheetConsumer

websocket_urlpatterns = [
    path("ws/instances/seances/<int:pk>/", SheetConsumer.as_asgi()),
]
