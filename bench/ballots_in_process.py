"""Ballots driven straight into the ASGI app, without an HTTP server or wrk: CPU time per ballot
on the event loop's thread and in the whole process, and ballots per second. Steadier than
bench/ballots.sh on a shared machine, so it is the one to compare two versions of the code
with (run each a few times, alternating). Seeds its own database like bench/ballots.sh.

    .venv/bin/python bench/ballots_in_process.py [BALLOTS]        (default 6,000)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

CONCURRENT = 64
WARM_UP = 300


async def _cast(app: object, path: str, cookie: str, body: bytes) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8802"),
            (b"cookie", cookie.encode()),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"origin", b"http://127.0.0.1:8802"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8802),
    }
    sent: list[dict[str, object]] = []
    delivered = False

    async def receive() -> dict[str, object]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[operator]
    if sent[0]["status"] not in (200, 303):  # the receipt, or (since issue 12) its redirect
        raise SystemExit(f"a ballot was refused: {sent[0]['status']}")


async def _run(app: object, path: str, voters: list[tuple[str, bytes]], count: int) -> None:
    numbers = iter(range(count))

    async def voter() -> None:
        for number in numbers:
            cookie, body = voters[number % len(voters)]
            await _cast(app, path, cookie, body)
            await asyncio.sleep(0)  # let other voters and the loop's own work in

    await asyncio.gather(*(voter() for _ in range(CONCURRENT)))


async def main(ballots: int) -> None:
    import seed_ballots

    from web.asgi import app_factory

    voters_file = os.environ["VOTERS_FILE"]
    path = await seed_ballots.main(voters_file)
    voters = []
    for line in Path(voters_file).read_text().splitlines():
        cookie, body = line.split("\t")
        voters.append((cookie, body.encode()))
    app = app_factory()
    async with app.router.lifespan_context(app):
        await _run(app, path, voters, WARM_UP)
        cpu, loop_cpu, wall = time.process_time(), time.thread_time(), time.perf_counter()
        await _run(app, path, voters, ballots)
        cpu = time.process_time() - cpu
        loop_cpu = time.thread_time() - loop_cpu
        wall = time.perf_counter() - wall
    print(
        f"{ballots} ballots, {CONCURRENT} at a time: {ballots / wall:.0f}/s; CPU per ballot "
        f"{1000 * loop_cpu / ballots:.3f} ms on the loop's thread, "
        f"{1000 * cpu / ballots:.3f} ms in the process"
    )


if __name__ == "__main__":
    import uvloop

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            HUAKAI_DATABASE_URL=f"sqlite://{tmp}/huakai.sqlite3",
            HUAKAI_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnop",
            HUAKAI_BASE_URL="http://127.0.0.1:8802",
            HUAKAI_MEDIA_ROOT=f"{tmp}/media",
            VOTERS_FILE=f"{tmp}/voters.tsv",
        )
        uvloop.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 6000))
