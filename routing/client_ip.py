"""The client's IP address, for every per-client limit (question form, API throttle, login).

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies the address is read from X-Forwarded-For counting
from the right: each trusted proxy appends the address it received the request from, so the
entry that many places from the end was written by our outermost proxy, and everything left of
it was written by the client (and proves nothing). With no trusted proxy the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str | None) -> str | None:
    """The address in canonical form, or None when it is no IP address."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[v6]:port"
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client as our own proxies saw it; REMOTE_ADDR without proxies."""
    remote_addr = _clean(request.META.get("REMOTE_ADDR")) or ""
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote_addr
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    # Fewer entries than proxies: the request skipped some; the leftmost is still ours.
    candidate = hops[-min(trusted, len(hops))] if hops else None
    return _clean(candidate) or remote_addr


def client_bucket(request: HttpRequest) -> str:
    """The key limits count under: the address, or its /64 network for IPv6 (one household or
    one server gets a whole /64, so single IPv6 addresses are free to rotate)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address
