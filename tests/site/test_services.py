"""Second pass of `make test`: the real PostgreSQL and Redis behind DATABASE_URL and REDIS_URL."""

import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_database_is_postgresql():
    assert connection.vendor == "postgresql", "DATABASE_URL must point at PostgreSQL for the services pass"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 130000


def test_channel_layer_is_redis_and_carries_group_messages():
    layer = get_channel_layer()
    assert type(layer).__module__.startswith("channels_redis"), os.environ.get("REDIS_URL")

    async def roundtrip():
        channel = await layer.new_channel()
        await layer.group_add("relais-services-test", channel)
        await layer.group_send("relais-services-test", {"type": "ping", "n": 42})
        message = await layer.receive(channel)
        await layer.group_discard("relais-services-test", channel)
        return message

    assert async_to_sync(roundtrip)()["n"] == 42


def test_healthz_is_ok_on_the_production_services(client):
    body = client.get("/healthz").json()
    assert body["database"] == "ok"
    assert body["channel_layer"] == "ok"


def test_cache_is_redis():
    from django.core.cache import cache

    cache.set("relais-services-test", "ok", 5)
    assert cache.get("relais-services-test") == "ok"
    assert "redis" in type(cache).__module__
