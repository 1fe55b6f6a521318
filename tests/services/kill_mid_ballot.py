"""Run by tests/services/test_voting.py in a process of its own: casts one ballot and kills the
process with SIGKILL halfway through its transaction (after the ballot row and the count are
written, before its choices), as a crash or an out-of-memory kill would."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime

from participation.core import db
from participation.core.db import Done, Sql, Steps
from participation.core.permissions import Actor
from participation.voting import services
from participation.voting.services import ballots


def _killed_before_the_choices(*args: object, **kwargs: object) -> Steps[object]:
    steps = _ballot_steps(*args, **kwargs)
    done: Done | None = None
    while True:
        try:
            statement: Sql = next(steps) if done is None else steps.send(done)
        except StopIteration as stop:
            return stop.value
        if statement.text.startswith("INSERT INTO ballot_choice"):
            os.kill(os.getpid(), signal.SIGKILL)
        done = yield statement


_ballot_steps = ballots._ballot_steps


async def main(database_url: str, voter_id: int, community_id: int, round_id: int) -> None:
    ballots._ballot_steps = _killed_before_the_choices  # type: ignore[assignment]
    await db.connect(database_url)
    projects = list(await services.ballot_costs(round_id))
    await services.cast_ballot(
        Actor(user_id=voter_id), community_id, round_id, projects[:1], now=datetime.now(UTC)
    )


if __name__ == "__main__":
    url, *numbers = sys.argv[1:]
    asyncio.run(main(url, *(int(n) for n in numbers)))
