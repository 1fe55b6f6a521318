"""The local OpenID provider for demo and tests (oidc-provider-mock), served on 127.0.0.1.

Never started outside demo mode or the test suite.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server


@dataclass
class RunningIdP:
    url: str
    server: BaseWSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def start_idp(port: int = 0, host: str = "127.0.0.1") -> RunningIdP:
    import oidc_provider_mock

    # One line per provider request would drown the demo's own output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = oidc_provider_mock.app(require_nonce=True)
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="demo-idp", daemon=True)
    thread.start()
    return RunningIdP(url=f"http://{host}:{server.server_port}", server=server, thread=thread)


@contextmanager
def running_idp(port: int = 0) -> Iterator[RunningIdP]:
    idp = start_idp(port)
    try:
        yield idp
    finally:
        idp.stop()
