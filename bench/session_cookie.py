"""Print a session cookie for the demo resident 田秀芳, signed as SessionMiddleware signs it,
so wrk can load pages as a signed-in resident (whose pages are never served from the cache)."""

from __future__ import annotations

import asyncio
import json
import os
from base64 import b64encode

import itsdangerous

from participation.accounts.queries import find_user_by_name
from participation.core import db
from participation.demo.seed import RESIDENTS
from web.core.app import SESSION_COOKIE


async def main() -> None:
    await db.connect(os.environ["HUAKAI_DATABASE_URL"])
    try:
        user = await find_user_by_name(RESIDENTS[0][1])
        assert user is not None, "seed the demo community first"
        session = {"uid": user.id, "sv": user.session_version, "csrf": "b" * 43}
    finally:
        await db.disconnect()
    data = b64encode(json.dumps(session).encode())
    signed = itsdangerous.TimestampSigner(os.environ["HUAKAI_SECRET_KEY"]).sign(data)
    print(f"{SESSION_COOKIE}={signed.decode()}")


if __name__ == "__main__":
    asyncio.run(main())
