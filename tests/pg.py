"""A throw-away PostgreSQL 15 server for the tests, and practice-database fixtures over both backends.

Import the fixture functions into a test module: ``pg_server`` (session), ``pg_url`` (a fresh database),
``url_fixture`` (fixture ``url``: a migrated database URL, parametrized over SQLite and PostgreSQL) and
``db_fixture`` (fixture ``db``: a :class:`kbz_data.practice.db.repository.PracticeDb` on it).

``initdb`` and ``pg_ctl`` from Debian's ``postgresql-15`` (``/usr/lib/postgresql/15/bin``) on a temporary folder and
a free port on 127.0.0.1, trust authentication, run as a non-root user (PostgreSQL refuses root): the current user,
or ``kbztest`` (created with ``useradd`` when missing) when the tests run as root. Skipped with the reason when the
binaries are missing; stopped (``pg_ctl stop -m immediate``) and removed after the session.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("KBZ_PG_BIN", "/usr/lib/postgresql/15/bin"))
TEST_USER = "kbztest"
_counter = itertools.count(1)


@dataclass(frozen=True)
class PgServer:
    port: int
    user: str
    folder: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"kbz_{os.getpid()}_{next(_counter)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as(user: str | None, args: list[str], **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    command = ["runuser", "-u", user, "--", *args] if user else args
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


def _service_user() -> str | None:
    """None: run as the current (non-root) user; else the name of the non-root user to run as."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        done = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                               TEST_USER], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"PostgreSQL-tests overgeslagen: kan gebruiker {TEST_USER} niet aanmaken: {done.stderr}")
    return TEST_USER


def start() -> Iterator[PgServer]:
    """Start a server, yield it, stop and remove it."""
    if not (PG_BIN / "initdb").is_file() or not (PG_BIN / "pg_ctl").is_file():
        pytest.skip(f"PostgreSQL-tests overgeslagen: {PG_BIN}/initdb of pg_ctl ontbreekt (installeer het Debian-pakket"
                    " postgresql, ./test.sh doet dat als root)")
    user = _service_user()
    folder = Path(tempfile.mkdtemp(prefix="kbz-pg-"))
    data, socket_dir = folder / "data", folder / "sock"
    socket_dir.mkdir()
    if user:
        shutil.chown(folder, user)
        shutil.chown(socket_dir, user)
    port = _free_port()
    init = _run_as(user, [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", user or pwd.getpwuid(
        os.getuid()).pw_name, "-E", "UTF8", "--no-sync"])
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL-tests overgeslagen: initdb mislukt: {init.stderr.strip()[-400:]}")
    options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
    started = _run_as(user, [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60",
                             "-o", options, "start"])
    if started.returncode != 0:
        log = (folder / "log").read_text(errors="replace")[-400:] if (folder / "log").is_file() else ""
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL-tests overgeslagen: pg_ctl start mislukt: {started.stderr.strip()} {log}")
    server = PgServer(port, user or pwd.getpwuid(os.getuid()).pw_name, folder)
    try:
        yield server
    finally:
        _run_as(user, [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL 15 server for the whole test session."""
    yield from start()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh empty database on the session's server."""
    return pg_server.create_database()


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(name="url", params=BACKENDS)
def url_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A practice database URL on each backend: a SQLite file not yet created, or a migrated PostgreSQL database."""
    from kbz_data.practice.db import engine as db_engine

    if request.param == "sqlite":
        out = f"sqlite:///{tmp_path / 'praktijk' / 'praktijk.sqlite'}"
    else:
        out = request.getfixturevalue("pg_url")
        db_engine.upgrade(out, timeout=5)
    yield out
    db_engine.dispose(out)


@pytest.fixture(name="db")
def db_fixture(url: str):  # noqa: ANN201
    """A PracticeDb on ``url`` with a 5-second lock timeout."""
    from kbz_data.practice.db.repository import PracticeDb

    return PracticeDb(url, timeout=5)
