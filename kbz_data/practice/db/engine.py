"""Where the practice database lives, how to connect, migrations, and faults translated into Dutch messages.

URL: ``$KBZ_DATABASE_URL`` (e.g. ``postgresql+psycopg://kbz:...@db.example/kbz`` for several dashboard servers);
otherwise one SQLite file ``praktijk.sqlite`` in the writable practice folder (``<store>/praktijk`` for a built
store, ``$KBZ_DATA_DIR/praktijk`` or ``data/local/praktijk`` for the snapshot; see
:func:`kbz_data.store.locate.practice_dir`). SQLite runs in WAL mode (readers never wait for a writer) with
``synchronous=FULL``; a writer takes the write lock at the start of its transaction (``BEGIN IMMEDIATE``) and waits
at most :data:`LOCK_TIMEOUT` seconds (``$KBZ_DB_LOCK_TIMEOUT``) for another writer. On PostgreSQL a writer locks
the ``meta`` row ``schrijfslot`` (``SELECT ... FOR UPDATE``) under ``SET LOCAL lock_timeout``, so writes are
serialized across servers and a waiting write gives up after the same time.

Migrations are Alembic scripts inside the package (``migrations/``), run from Python by :func:`upgrade` (no
alembic.ini). A new SQLite file is created and migrated on first use; a PostgreSQL database must be prepared once
with ``python -m kbz_data practice upgrade`` (an empty database there is reported, never silently used).
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from kbz_data.practice.errors import KbzDatabaseError, KbzDatabaseLockError, KbzSchemaError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_FILE = "praktijk.sqlite"
#: Seconds a write waits for another writer before it gives up (``$KBZ_DB_LOCK_TIMEOUT`` overrides).
LOCK_TIMEOUT = 15.0
UPGRADE_HINT = "Werk het schema bij met: python -m kbz_data practice upgrade"


def lock_timeout(env: Mapping[str, str] | None = None) -> float:
    """:data:`LOCK_TIMEOUT`, or ``$KBZ_DB_LOCK_TIMEOUT`` (seconds) when set to a positive number."""
    env = os.environ if env is None else env
    try:
        value = float(env.get("KBZ_DB_LOCK_TIMEOUT", LOCK_TIMEOUT))
    except ValueError:
        return LOCK_TIMEOUT
    return value if value > 0 else LOCK_TIMEOUT


def default_url(store_dir: str | Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """``$KBZ_DATABASE_URL``, else ``sqlite:///<practice folder>/praktijk.sqlite``.

    ``store_dir`` is the data store the dashboard reads (:func:`kbz_data.store.locate.resolve`); when None, the
    local folder (``$KBZ_DATA_DIR`` or ``data/local``) is used.
    """
    from kbz_data.store.locate import PRACTICE_FOLDER, local_dir, practice_dir

    env = os.environ if env is None else env
    if env.get("KBZ_DATABASE_URL"):
        return env["KBZ_DATABASE_URL"]
    folder = practice_dir(store_dir) if store_dir is not None else local_dir(env) / PRACTICE_FOLDER
    return f"sqlite:///{folder / SQLITE_FILE}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another backend or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def shown_url(url: str) -> str:
    """The URL as shown to users: no password; a SQLite file by its folder relative to the repository."""
    path = sqlite_path(url)
    if path is not None:
        from kbz_data.store.locate import display_path

        return display_path(path)
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("kbz_write") else "BEGIN")


_ENGINES: dict[tuple[str, float], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(url: str, timeout: float) -> Engine:
    """One engine per (URL, lock timeout) and process (engines hold a connection pool)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get((url, timeout))
        if engine is None:
            if make_url(url).get_backend_name() == "sqlite":
                engine = create_engine(url, connect_args={"timeout": timeout, "check_same_thread": False})
                event.listen(engine, "connect", _sqlite_connect)
                event.listen(engine, "begin", _sqlite_begin)
            else:
                engine = create_engine(url, pool_pre_ping=True,
                                       connect_args={"connect_timeout": max(1, int(timeout))})
            _ENGINES[(url, timeout)] = engine
        return engine


def dispose(url: str | None = None) -> None:
    """Close the pooled connections of the engines of ``url`` (of every URL when None) and forget them."""
    with _ENGINES_LOCK:
        for key in [k for k in _ENGINES if url is None or k[0] == url]:
            _ENGINES.pop(key).dispose()


def translate(exc: BaseException, url: str, timeout: float) -> KbzDatabaseError:
    """A database exception as a :class:`KbzDatabaseError` subclass with a Dutch message and a hint."""
    where = shown_url(url)
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    sqlstate = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)
    lowered = message.lower()
    if sqlstate in ("55P03", "57014") or "database is locked" in lowered or "database is busy" in lowered:
        seconds = f"{timeout:g}".replace(".", ",")
        return KbzDatabaseLockError(
            f"De praktijkdatabase is bezet door een andere schrijfactie; na {seconds} seconden wachten is deze"
            " actie opgegeven. Er is niets veranderd. Probeer het over een minuut opnieuw.")
    if sqlstate == "42P01" or "no such table" in lowered or "no such column" in lowered or sqlstate == "42703":
        return KbzSchemaError(f"De praktijkdatabase ({where}) heeft niet het verwachte schema ({message}). "
                              + UPGRADE_HINT)
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return KbzDatabaseError(
            f"De praktijkdatabase ({where}) is beschadigd ({message}). Er is niets gewijzigd. Zet de laatste"
            " back-up terug of vraag de beheerder om hulp; begin niet met een lege database, want dan lijken"
            " opgeslagen cijfers verdwenen.")
    if "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        return KbzDatabaseError(f"De praktijkdatabase ({where}) kan niet worden geopend of geschreven ({message})."
                                " Controleer of de map bestaat en schrijfbaar is.")
    if sqlstate is None and ("connect" in lowered or "connection" in lowered or "timeout" in lowered
                             or "resolve" in lowered or "refused" in lowered):
        return KbzDatabaseError(f"De praktijkdatabase ({where}) is niet bereikbaar ({message}). Controleer"
                                " KBZ_DATABASE_URL en of de databaseserver draait.")
    return KbzDatabaseError(f"Fout in de praktijkdatabase ({where}): {message}. Probeer het opnieuw of vraag de"
                            " beheerder om hulp.")


def _alembic_config(connection: Connection):  # noqa: ANN202 - alembic type
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration of this version of the package."""
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)  # type: ignore[arg-type]
    return str(ScriptDirectory.from_config(config).get_current_head())


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}  # type: ignore


def current_revision(conn: Connection) -> str | None:
    """The revision recorded in the database (None when it has no ``alembic_version`` table)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(conn: Connection, url: str) -> None:
    """Raise :class:`KbzSchemaError` unless the database is at :func:`head_revision`."""
    current, head = current_revision(conn), head_revision()
    if current == head:
        return
    where = shown_url(url)
    if current is None:
        raise KbzSchemaError(f"De praktijkdatabase ({where}) heeft nog geen tabellen. Richt haar eenmalig in met:"
                             " python -m kbz_data practice upgrade")
    if current in known_revisions():
        raise KbzSchemaError(f"Het schema van de praktijkdatabase ({where}) loopt achter (versie {current}, nodig"
                             f" {head}). " + UPGRADE_HINT)
    raise KbzSchemaError(f"Het schema van de praktijkdatabase ({where}) is nieuwer (versie {current}) dan deze"
                         " versie van het dashboard kent. Werk het dashboard bij.")


def upgrade(url: str, timeout: float | None = None, revision: str = "head") -> str:
    """Create or migrate the schema to ``revision`` (Alembic, programmatic) and seed the registry once.

    Returns
    -------
    str
        The revision the database is at afterwards.
    """
    from alembic import command

    from kbz_data.practice.db.models import Meta

    timeout = lock_timeout() if timeout is None else timeout
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KbzDatabaseError(f"Kan de map van de praktijkdatabase ({shown_url(url)}) niet aanmaken:"
                                   f" {exc.strerror}") from exc
    engine = get_engine(url, timeout)
    try:
        with engine.connect().execution_options(kbz_write=True) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(timeout * 1000)}ms'")
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242010)")  # one migrator at a time
            command.upgrade(_alembic_config(conn), revision)
            if revision == "head" and conn.execute(select(Meta.value).where(Meta.key == "database_id")).first() \
                    is None:
                now = datetime.now(UTC).isoformat(timespec="seconds")
                conn.execute(Meta.__table__.insert(), [
                    {"key": "database_id", "value": secrets.token_hex(16)}, {"key": "aangemaakt", "value": now},
                    {"key": "schrijfslot", "value": "-"}])
                _seed_registry(conn)
            return str(current_revision(conn))
    except SQLAlchemyError as exc:
        raise translate(exc, url, timeout) from exc


def _seed_registry(conn: Connection) -> None:
    """The 12 fictitious demo practices of :mod:`kbz_data.practice.registry`, with their areas (demo flag set)."""
    from kbz_data.practice import registry
    from kbz_data.practice.db.models import Practice, PracticeArea

    if conn.execute(select(Practice.code).limit(1)).first() is not None:
        return
    conn.execute(Practice.__table__.insert(), [
        {"code": p.code, "naam": p.naam, "gemeentecode": p.gemeentecode, "kbz_gebied": p.kbz_gebied,
         "kbz_start": p.kbz_start, "hoofdbuurt": p.hoofdbuurt, "lon": p.lon, "lat": p.lat, "demo": True,
         "actief": True}
        for p in registry.PRAKTIJKEN.values()])
    areas = registry.gebieden_frame()
    conn.execute(PracticeArea.__table__.insert(), areas.to_dict("records"))


CODE_PATTERN = re.compile(r"^[A-Z]{3}-[A-Z0-9]+(?:-[A-Z0-9]+)*-\d+$")
