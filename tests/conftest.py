"""Fixtures shared by every tier: real SQLite and PostgreSQL databases, the real OIDC provider.

PostgreSQL: a throwaway cluster started once per session (initdb + pg_ctl, as the postgres
user when running as root). Each test gets its own database copied from a migrated template;
each SQLite test gets a copy of a migrated template file.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from participation.core import db
from web.demo_idp import RunningIdP, start_idp


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresCluster:
    bin_dir: str
    port: int
    data_dir: str
    run_as: list[str]

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [
                *self.run_as,
                f"{self.bin_dir}/{tool}",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                *args,
            ],
            check=True,
            capture_output=True,
        )


def _find_pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster | None]:
    bin_dir = _find_pg_bin()
    if bin_dir is None:
        yield None
        return
    base = tempfile.mkdtemp(prefix="huakai-pg-")
    run_as: list[str] = []
    if os.geteuid() == 0:
        # initdb and postgres refuse to run as root.
        shutil.chown(base, user="postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data_dir = f"{base}/data"
    subprocess.run(
        [
            *run_as,
            f"{bin_dir}/initdb",
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "-D",
            data_dir,
        ],
        check=True,
        capture_output=True,
    )
    # free_port() only finds a port that was free a moment ago: another process (another xdist
    # worker starting its own cluster) may take it before postgres binds it. Try a new one then.
    for attempt in range(5):
        port = free_port()
        options = (
            f"-p {port} -k {base} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c listen_addresses=127.0.0.1 -c max_connections=300"
        )
        started = subprocess.run(
            [
                *run_as,
                f"{bin_dir}/pg_ctl",
                "-D",
                data_dir,
                "-o",
                options,
                "-w",
                "-l",
                f"{base}/log",
                "start",
            ],
            capture_output=True,
        )
        if started.returncode == 0:
            break
        if attempt == 4:
            log = Path(f"{base}/log").read_text(errors="replace")
            raise RuntimeError(f"PostgreSQL did not start:\n{started.stderr.decode()}\n{log}")
    cluster = PostgresCluster(bin_dir=bin_dir, port=port, data_dir=data_dir, run_as=run_as)
    try:
        yield cluster
    finally:
        subprocess.run(
            [*run_as, f"{bin_dir}/pg_ctl", "-D", data_dir, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def _migrate(url: str) -> None:
    async def work() -> None:
        await db.connect(url)
        try:
            await db.migrate(url)
        finally:
            await db.disconnect()

    asyncio.run(work())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite://{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PostgresCluster | None) -> str | None:
    if pg_cluster is None:
        return None
    pg_cluster.run("createdb", "huakai_template")
    _migrate(pg_cluster.url("huakai_template"))
    return "huakai_template"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
) -> Iterator[str]:
    """A migrated, empty database of each backend, private to this test."""
    if request.param == "sqlite":
        path = tmp_path / "huakai.sqlite3"
        shutil.copy(sqlite_template, path)
        yield f"sqlite://{path}"
        return
    cluster: PostgresCluster | None = request.getfixturevalue("pg_cluster")
    if cluster is None:
        pytest.skip(
            "PostgreSQL binaries (initdb) not found: PostgreSQL tier NOT RUN. "
            "Install Debian's postgresql package."
        )
    name = request.getfixturevalue("pg_scratch")
    cluster.run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", name, "-c", _EMPTY_DATABASE)
    yield cluster.url(name)


# What a test leaves in the scratch database is deleted before the next one, and the ids start
# again from 1: the same as a fresh copy of the migrated template, which PostgreSQL takes about
# 300 ms of CPU to make (a third of the PostgreSQL tests' time), where this takes a few.
_EMPTY_DATABASE = """
DO $$
DECLARE
  r record;
BEGIN
  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid();
  SET LOCAL session_replication_role = replica;  -- no foreign key checks: any order will do
  FOR r IN SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> 'tortoise_migrations'
  LOOP
    EXECUTE format('DELETE FROM %I', r.tablename);
  END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
    EXECUTE format('SELECT setval(%L, 1, false)', r.sequencename);
  END LOOP;
END $$;
"""


@pytest.fixture(scope="session")
def pg_scratch(pg_cluster: PostgresCluster, pg_template: str) -> str:
    """This test process's database, a copy of the migrated template emptied for each test."""
    pg_cluster.run("createdb", "-T", pg_template, "huakai_scratch")
    return "huakai_scratch"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[str]:
    """An open ORM connection to this test's database (services tier)."""
    await db.connect(database_url)
    try:
        yield database_url
    finally:
        await db.disconnect()


@pytest.fixture(scope="session")
def idp() -> Iterator[RunningIdP]:
    """The real local OpenID provider, on a free port on 127.0.0.1."""
    running = start_idp(0)
    try:
        yield running
    finally:
        running.stop()


# --- A run leaves nothing behind in the system's temp dir -----------------------------------

_TEMP_STASH = pytest.StashKey[set[str]]()


def _temp_entries() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_TEMP_STASH] = _temp_entries()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fails a run (in the process that started it, after every worker ended) that left a
    file or directory of ours in the temp dir: tests keep what they make under tmp_path."""
    if hasattr(session.config, "workerinput"):
        return
    before = session.config.stash.get(_TEMP_STASH, None)
    if before is None:
        return
    left = sorted(e for e in _temp_entries() - before if e.startswith("huakai"))
    if left:
        print(f"\nthe test run left these in {tempfile.gettempdir()}: {left[:10]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


WEB_TIER = Path(__file__).resolve().parent / "web"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The HTTP tier runs on SQLite: every query and write is run on PostgreSQL by the
    services tier, and an HTTP test on PostgreSQL again ran the same Python a second time (a
    third of the suite's time). The HTTP tests whose outcome can depend on the backend run on
    both: those marked ``both_backends`` (parallel requests racing for one row, SQL that
    differs per backend behind a page)."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("database_url") == "postgres"
        in_web = WEB_TIER in Path(str(item.path)).resolve().parents
        if on_postgres and in_web and item.get_closest_marker("both_backends") is None:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
