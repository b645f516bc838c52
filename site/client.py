"""The one client address of a request, proxy-aware: login throttling and every rate limit key on it.

Behind reverse proxies, ``REMOTE_ADDR`` is the nearest proxy, the same for every visitor. Each proxy appends
the address it received the request from to ``X-Forwarded-For``, so only the right-hand end of that header,
written by proxies we trust, tells who the visitor is; anything to its left came from the visitor and can be
forged. python-ipware (the engine of django-ipware) reads the chain ``X-Forwarded-For + REMOTE_ADDR``:

- ``RELAIS_PROXY_COUNT = N``: N trusted proxies in front, the client is the address the outermost one saw;
- ``RELAIS_TRUSTED_PROXIES``: one entry per proxy (address, CIDR network or prefix such as ``10.0.``),
  outermost first, the last one being the peer that connects to Relais; the header counts only when the
  peer and the hops before it match, in order;
- neither: only ``REMOTE_ADDR`` counts, whatever the headers say.

django-ipware's own ``get_client_ip`` validates in strict mode (exactly N hops): a visitor whose own network
adds an ``X-Forwarded-For`` (a company proxy) would then be mistaken for the proxy, so the engine is called
directly, in the non-strict mode where forged entries on the left are simply ignored.
"""

from functools import lru_cache

from django.conf import settings
from python_ipware import IpWare

from relais.env import EnvError


@lru_cache(maxsize=8)
def _resolver(count: int, proxies: tuple[str, ...]) -> IpWare:
    return IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=count or None, proxy_list=list(proxies) or None)


def _config() -> tuple[int, tuple[str, ...]]:
    return (int(getattr(settings, "RELAIS_PROXY_COUNT", 0) or 0),
            tuple(getattr(settings, "RELAIS_TRUSTED_PROXIES", ()) or ()))


def check_proxy_settings(count: int, proxies: list[str]) -> None:
    """Refuse, at start-up and naming the variable, a proxy configuration that ipware could not honour."""
    if count < 0:
        raise EnvError("RELAIS_PROXY_COUNT", f"must be 0 or more, not {count}")
    if count and proxies and count != len(proxies):
        raise EnvError("RELAIS_PROXY_COUNT", f"({count}) must equal the number of RELAIS_TRUSTED_PROXIES entries "
                                             f"({len(proxies)}), one per proxy")
    for entry in proxies:
        try:
            _resolver(0, (entry,))
        except ValueError:
            raise EnvError("RELAIS_TRUSTED_PROXIES", f"has {entry!r}, which is not an IP address, network "
                                                     "(10.0.0.0/8) or prefix (10.0.)") from None


def client_ip(request) -> str:
    """The visitor's address ("" when the server gives none); axes calls it as AXES_CLIENT_IP_CALLABLE."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    count, proxies = _config()
    if not (count or proxies) or not remote:
        return remote
    forwarded = (request.META.get("HTTP_X_FORWARDED_FOR") or "").strip()
    chain = f"{forwarded}, {remote}" if forwarded else remote
    ip, trusted = _resolver(count, proxies).get_client_ip({"HTTP_X_FORWARDED_FOR": chain}, strict=False)
    return str(ip) if ip is not None and trusted else remote
