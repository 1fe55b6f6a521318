"""A deliberately misbehaving OpenID provider, to prove that bad ID tokens are refused.

The client_id an app registers with chooses the misbehaviour (``mode``), so one running
provider serves every test without shared mutable state. Only the ``ok`` mode issues a token
that a correct relying party accepts: it is the control that shows the harness can pass.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from base64 import b64encode, urlsafe_b64encode
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

MODES = (
    "ok",
    "wrong_nonce",
    "wrong_audience",
    "wrong_issuer",
    "expired",
    "bad_signature",
    "alg_none",
    "alg_hs256",
    "no_subject",
    "no_id_token",
    "token_error",
    "not_json",
    "hang",
)
CLIENT_SECRET = "rogue-secret"
HANG_SECONDS = 4


def _b64(data: dict[str, Any]) -> str:
    return urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@dataclass
class RogueIdP:
    server: BaseWSGIServer | None = None
    thread: threading.Thread | None = None
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    )
    # Same key id, different key: the signature cannot verify.
    impostor: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    )
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    def provider_json(self, mode: str) -> str:
        assert mode in MODES
        return json.dumps(
            [
                {
                    "name": "rogue",
                    "label": "Rogue",
                    "client_id": mode,
                    "client_secret": CLIENT_SECRET,
                    "discovery_url": f"{self.url}/.well-known/openid-configuration",
                }
            ]
        )

    def start(self) -> None:
        self.server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
        if self.thread is not None:
            self.thread.join(timeout=HANG_SECONDS + 2)

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self._route(request)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        if request.path == "/.well-known/openid-configuration":
            return _json(
                {
                    "issuer": self.url,
                    "authorization_endpoint": f"{self.url}/authorize",
                    "token_endpoint": f"{self.url}/token",
                    "jwks_uri": f"{self.url}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                }
            )
        if request.path == "/jwks":
            return _json({"keys": [self.key.as_dict(private=False)]})
        if request.path == "/authorize":
            code = secrets.token_urlsafe(16)
            self.codes[code] = (request.args["client_id"], request.args.get("nonce", ""))
            target = request.args["redirect_uri"]
            query = urlencode({"code": code, "state": request.args["state"]})
            return Response(status=302, headers={"Location": f"{target}?{query}"})
        if request.path == "/token":
            mode, nonce = self.codes.pop(request.form.get("code", ""), ("token_error", ""))
            return self._token(mode, nonce)
        return Response("not found", status=404)

    def _token(self, mode: str, nonce: str) -> Response:
        if mode == "hang":
            time.sleep(HANG_SECONDS)
        if mode == "token_error":
            return _json({"error": "invalid_grant"}, status=400)
        if mode == "not_json":
            return Response("<html>oops</html>", status=200, content_type="text/html")
        answer: dict[str, Any] = {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 3600,
        }
        if mode != "no_id_token":
            answer["id_token"] = self._id_token(mode, nonce)
        return _json(answer)

    def _id_token(self, mode: str, nonce: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": f"rogue-{mode}",
            "aud": mode,
            "iat": now,
            "exp": now + 600,
            "nonce": nonce,
            "name": f"Rogue {mode}",
        }
        if mode == "wrong_nonce":
            claims["nonce"] = "not-the-nonce-of-this-browser"
        elif mode == "wrong_audience":
            claims["aud"] = "some-other-client"
        elif mode == "wrong_issuer":
            claims["iss"] = "https://evil.example"
        elif mode == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif mode == "no_subject":
            del claims["sub"]
        header = {"alg": "RS256", "kid": "k1"}
        if mode == "bad_signature":
            return jwt.encode(header, claims, self.impostor)
        if mode == "alg_none":
            return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
        if mode == "alg_hs256":
            # Algorithm confusion: an HMAC keyed with the provider's public key.
            public = json.dumps(self.key.as_dict(private=False)).encode()
            secret = OctKey.import_key(b64encode(public))
            return jwt.encode({"alg": "HS256", "kid": "k1"}, claims, secret)
        return jwt.encode(header, claims, self.key)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")
