"""The client's address, believing X-Forwarded-For only from configured proxies."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_ip(conn: HTTPConnection, trusted_proxies: tuple[str, ...]) -> str:
    peer = conn.client.host if conn.client else "unknown"
    if peer not in trusted_proxies:
        return peer
    # Some proxies add a header line instead of appending: read every line, in order.
    lines = conn.headers.getlist("x-forwarded-for")
    forwarded = [part.strip() for line in lines for part in line.split(",")]
    # Walk from the nearest hop back; the first address that is not our proxy is the client.
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted_proxies:
            return address
    return peer
