"""The one client address (relais.client), the one rate limiter (relais.ratelimit), absolute links (relais.links)."""

import pytest
from django.test import RequestFactory

from relais.client import client_ip
from relais.links import absolute_url
from relais.ratelimit import hit

PROXY = "10.0.0.1"


def request(remote="192.0.2.10", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_only_the_peer_counts(settings):
    assert client_ip(request("192.0.2.10")) == "192.0.2.10"
    assert client_ip(request("192.0.2.10", forwarded="198.51.100.1")) == "192.0.2.10"


def test_behind_one_proxy_the_address_it_received_from_counts(settings):
    settings.RELAIS_PROXY_COUNT = 1
    assert client_ip(request(PROXY, forwarded="198.51.100.7")) == "198.51.100.7"
    # What the visitor wrote itself sits on the left of what the proxy appended: ignored.
    assert client_ip(request(PROXY, forwarded="203.0.113.99, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request(PROXY, forwarded="pas-une-adresse, 198.51.100.7")) == "198.51.100.7"
    # A request that did not go through the proxy (no header): the peer itself.
    assert client_ip(request("192.0.2.10")) == "192.0.2.10"


def test_behind_two_proxies(settings):
    settings.RELAIS_PROXY_COUNT = 2
    assert client_ip(request(PROXY, forwarded="203.0.113.99, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"


def test_trusted_proxies_are_believed_only_when_the_peer_is_one_of_them(settings):
    settings.RELAIS_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request("10.0.0.42", forwarded="198.51.100.7")) == "198.51.100.7"
    assert client_ip(request("192.0.2.10", forwarded="198.51.100.7")) == "192.0.2.10"
    settings.RELAIS_TRUSTED_PROXIES = ["10.0."]  # a prefix
    assert client_ip(request("10.0.3.4", forwarded="2001:db8::1")) == "2001:db8::1"
    assert client_ip(request("10.100.3.4", forwarded="2001:db8::1")) == "10.100.3.4"


def test_no_address_at_all_is_an_empty_string(settings):
    settings.RELAIS_PROXY_COUNT = 1
    bare = RequestFactory().get("/")
    del bare.META["REMOTE_ADDR"]
    assert client_ip(bare) == ""


def test_rate_limit_counts_per_client_and_scope(settings, private_cache):
    settings.RELAIS_PROXY_COUNT = 1
    alice, bob = request(PROXY, "198.51.100.1"), request(PROXY, "198.51.100.2")
    assert [hit(alice, "test", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert hit(bob, "test", 3, 60) and hit(alice, "autre", 3, 60)


def test_rate_limit_window_ends(private_cache):
    from django.core.cache import cache

    visitor = request()
    assert hit(visitor, "test", 1, 60) and not hit(visitor, "test", 1, 60)
    cache.delete("relais:rate:test:192.0.2.10")  # what the window's expiry does
    assert hit(visitor, "test", 1, 60)


@pytest.mark.parametrize("given,expected", [
    ("/annuaire/ml-arras/", "https://relais.exemple.org/annuaire/ml-arras/"),
    ("annuaire/", "https://relais.exemple.org/annuaire/"),
    ("/", "https://relais.exemple.org/"),
    ("https://ailleurs.exemple.org/x", "https://ailleurs.exemple.org/x"),
])
def test_absolute_url_starts_with_the_configured_address(settings, given, expected):
    settings.RELAIS_BASE_URL = "https://relais.exemple.org"
    assert absolute_url(given) == expected
