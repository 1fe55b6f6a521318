"""The client address that rate limits key on: X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

from starlette.requests import Request

from web.core.client_ip import client_ip

PROXY = "10.0.0.1"
INNER_PROXY = "10.0.0.2"
CLIENT = "203.0.113.9"
SPOOF = "6.6.6.6"


def request_from(peer: str | None, *forwarded: str) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded],
        "client": (peer, 50000) if peer else None,
    }
    return Request(scope)


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_ip(request_from(CLIENT), ()) == CLIENT


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    assert client_ip(request_from(CLIENT, SPOOF), ()) == CLIENT
    assert client_ip(request_from(CLIENT, SPOOF), (PROXY,)) == CLIENT


def test_untrusted_peer_cannot_claim_to_be_the_proxy() -> None:
    assert client_ip(request_from(CLIENT, PROXY), (PROXY,)) == CLIENT


def test_trusted_proxy_forwarded_for_names_the_client() -> None:
    assert client_ip(request_from(PROXY, CLIENT), (PROXY,)) == CLIENT


def test_address_the_client_prepended_is_not_believed() -> None:
    # The proxy appends the address it saw; anything to its left came from the client.
    assert client_ip(request_from(PROXY, f"{SPOOF}, {CLIENT}"), (PROXY,)) == CLIENT


def test_chain_of_trusted_proxies_is_walked_back_to_the_client() -> None:
    request = request_from(INNER_PROXY, f"{SPOOF}, {CLIENT}, {PROXY}")
    assert client_ip(request, (PROXY, INNER_PROXY)) == CLIENT


def test_trusted_proxy_without_forwarded_for_is_the_client() -> None:
    assert client_ip(request_from(PROXY), (PROXY,)) == PROXY


def test_forwarded_for_naming_only_proxies_falls_back_to_the_peer() -> None:
    assert client_ip(request_from(PROXY, f"{INNER_PROXY}, {PROXY}"), (PROXY, INNER_PROXY)) == PROXY


def test_empty_entries_in_forwarded_for_are_skipped() -> None:
    assert client_ip(request_from(PROXY, f" , {CLIENT} , ,"), (PROXY,)) == CLIENT


def test_request_without_a_peer_is_unknown() -> None:
    assert client_ip(request_from(None, CLIENT), ()) == "unknown"


def test_spoofed_first_forwarded_for_line_is_not_believed() -> None:
    assert client_ip(request_from(PROXY, SPOOF, CLIENT), (PROXY,)) == CLIENT
