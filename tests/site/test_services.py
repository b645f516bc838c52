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


def test_postgresql_does_not_compile_statements_for_a_web_request():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


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
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)  # relais.cache.ResilientRedisCache, on Redis


def test_clearing_the_cache_keeps_live_sheet_subscriptions(settings):
    """The cache lives in another Redis database than the channel layer (tests clear the cache each time)."""
    from django.core.cache import cache

    layer = get_channel_layer()

    async def subscribe_clear_send():
        channel = await layer.new_channel()
        await layer.group_add("relais-cache-test", channel)
        cache.clear()
        await layer.group_send("relais-cache-test", {"type": "ping", "n": 7})
        message = await layer.receive(channel)
        await layer.group_discard("relais-cache-test", channel)
        return message

    assert settings.CACHES["default"]["LOCATION"] != os.environ["REDIS_URL"]
    assert async_to_sync(subscribe_clear_send)()["n"] == 7


def test_rate_limit_on_redis_counts_simultaneous_requests_once_each():
    """Two app servers hitting the same limit at the same moment: Redis INCR counts every request."""
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from django.test import RequestFactory

    from relais.ratelimit import hit

    scope = f"services-test-{uuid.uuid4().hex}"

    def one(_):
        return hit(RequestFactory().post("/", REMOTE_ADDR="192.0.2.77"), scope, 10, 60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(24)))
    assert results.count(True) == 10
