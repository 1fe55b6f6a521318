"""The client's address, believing X-Forwarded-For only from configured proxies."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_ip(conn: HTTPConnection, trusted_proxies: tuple[str, ...]) -> str:
    peer = conn.client.host if conn.client else "unknown"
    if peer not in trusted_proxies:
        return peer
    forwarded = [part.strip() for part in conn.headers.get("x-forwarded-for", "").split(",")]
    # Walk from the nearest hop back; the first address that is not our proxy is the client.
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted_proxies:
            return address
    return peer
