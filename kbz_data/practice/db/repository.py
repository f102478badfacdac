"""The practice database as the pages use it: current figures, upload, undo, history, users, practices, audit.

Same semantics as the journal store (:mod:`kbz_data.practice.upload_store`): current figures = the demo set
(origin ``demo``, versie 0) overlaid by every upload that has not been undone, in version (upload id) order, the
latest upload winning per (praktijk_code, periode, kengetal). An upload never overwrites: its figures are rows of
its own; undo inserts an ``undos`` row (and marks the upload ``ongedaan`` in the same transaction).

Every write is one transaction that first takes the write lock (see :mod:`.engine`), so writers from any number
of processes or servers are serialized; the plausibility cross-check against the uploads already stored runs
inside that transaction, against what is committed at that moment. A refused check, a lock wait that times out
or any fault rolls the whole transaction back: nothing changed. Each write appends to the audit log in the same
transaction.

This module checks no roles: :mod:`kbz_data.practice.access` does, and the pages must go through it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from kbz_data.errors import KbzDataError
from kbz_data.practice import demo
from kbz_data.practice import registry as registry_module
from kbz_data.practice.db import engine as db_engine
from kbz_data.practice.db.models import (
    ACTIONS,
    ROLES,
    AuditEntry,
    Figure,
    Meta,
    Practice,
    PracticeArea,
    Undo,
    Upload,
    User,
    UserPractice,
)
from kbz_data.practice.errors import KbzAccessError, KbzDatabaseError, KbzPracticeStoreError, KbzUploadError
from kbz_data.practice.schema import COLUMNS
from kbz_data.practice.upload_checks import ValidatedUpload, plausibility_problems, validate_upload

KEY = ["praktijk_code", "periode", "kengetal"]
#: Marker file beside a SQLite database once it holds uploads; it names the database_id (see :meth:`_check_intact`).
MARKER_SUFFIX = ".heeft-uploads"
#: Meta key counting the changes to the practices (Beheer), part of :meth:`PracticeDb.state_token`.
PRACTICES_VERSION = "praktijken_versie"
HISTORY_COLUMNS = ["versie", "tijd", "bestandsnaam", "sha256", "rijen", "praktijken", "periodes", "status",
                   "gebruiker"]

#: Test hook, called with "locked" (write lock held) and "written" (rows inserted, not yet committed).
Hook = Callable[[str], None]


#: What :meth:`PracticeDb.state_token` reads, in one statement built once (it runs on every rerun of a practice page).
_STATE_QUERY = select(
    select(func.count()).select_from(Upload).scalar_subquery(),
    select(func.max(Upload.id)).scalar_subquery(),
    select(func.count()).select_from(Undo).scalar_subquery(),
    select(func.max(Undo.id)).scalar_subquery(),
    select(Meta.value).where(Meta.key == PRACTICES_VERSION).scalar_subquery())


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _empty_figures() -> pd.DataFrame:
    return pd.DataFrame({"praktijk_code": pd.Series(dtype="str"), "periode": pd.Series(dtype="str"),
                         "kengetal": pd.Series(dtype="str"), "teller": pd.Series(dtype="Int64"),
                         "noemer": pd.Series(dtype="Int64"), "herkomst": pd.Series(dtype="str"),
                         "versie": pd.Series(dtype="int64")})


def _overlay(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_figures()
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    frame = frame.drop_duplicates(KEY, keep="last")
    return frame.sort_values(KEY).reset_index(drop=True)


def figures_sha256(figures: pd.DataFrame) -> str:
    """sha256 of the normalised figures as the journal store writes its version files (the import key)."""
    buffer = io.StringIO()
    figures[list(COLUMNS)].to_csv(buffer, index=False, lineterminator="\n")
    return hashlib.sha256(buffer.getvalue().encode("utf-8")).hexdigest()


class PracticeDb:
    """The practice database at ``url`` (:func:`.engine.default_url` when None).

    Parameters
    ----------
    url
        SQLAlchemy URL; None: ``$KBZ_DATABASE_URL`` or the SQLite file of ``store_dir``.
    store_dir
        The data store the dashboard reads (decides the default SQLite folder).
    timeout
        Seconds a write waits for another writer (:func:`.engine.lock_timeout` when None).
    create
        Create and migrate a missing SQLite file on first use (default True). PostgreSQL is never created here.
    check_journal
        With ``store_dir``: refuse to run while ``<store>/praktijk/journal.json`` (the older journal store) holds
        uploads that were never imported (``python -m kbz_data practice migrate``), so they never silently vanish.

    Raises
    ------
    KbzDatabaseError
        (On first use, not in the constructor.) Missing, unreachable, corrupt, emptied or replaced database;
        :class:`KbzSchemaError` for a schema that is missing, behind or ahead.
    """

    def __init__(self, url: str | None = None, store_dir: str | Path | None = None, timeout: float | None = None,
                 create: bool = True, check_journal: bool = True) -> None:
        self.url = url or db_engine.default_url(store_dir)
        self.store_dir = None if store_dir is None else Path(store_dir)
        self.check_journal = check_journal
        self.timeout = db_engine.lock_timeout() if timeout is None else float(timeout)
        self.create = create
        self._ready = False

    # -- connection, faults -----------------------------------------------------------------------------------

    @property
    def engine(self):  # noqa: ANN201 - sqlalchemy Engine
        return db_engine.get_engine(self.url, self.timeout)

    @property
    def backend(self) -> str:
        return "sqlite" if db_engine.sqlite_path(self.url) is not None else self.engine.dialect.name

    def _marker(self) -> Path | None:
        path = db_engine.sqlite_path(self.url)
        return None if path is None else path.with_name(path.name + MARKER_SUFFIX)

    def _prepare(self) -> None:
        path = db_engine.sqlite_path(self.url)
        if self._ready and (path is None or path.is_file()):
            return
        self._ready = False
        if path is not None and not path.is_file():
            db_engine.dispose(self.url)  # pooled connections may still point at a deleted file
            marker = self._marker()
            if marker is not None and marker.is_file():
                raise KbzDatabaseError(
                    f"De praktijkdatabase ({db_engine.shown_url(self.url)}) ontbreekt, maar er waren al cijfers in"
                    " opgeslagen. Zet de laatste back-up van het databasebestand terug; er wordt geen lege database"
                    " begonnen.")
            if not self.create:
                raise KbzDatabaseError(f"De praktijkdatabase ({db_engine.shown_url(self.url)}) bestaat niet."
                                       " Richt haar in met: python -m kbz_data practice upgrade")
            db_engine.upgrade(self.url, self.timeout)
        try:
            with self.engine.connect() as conn:
                db_engine.check_schema(conn, self.url)
                self._check_intact(conn)
        except SQLAlchemyError as exc:
            raise db_engine.translate(exc, self.url, self.timeout) from exc
        self._ready = True

    def _check_intact(self, conn: Connection) -> None:
        """Refuse a database that was emptied or replaced after it held uploads."""
        meta = dict(conn.execute(select(Meta.key, Meta.value)).all())
        uploads = conn.execute(select(func.count()).select_from(Upload)).scalar_one()
        where = db_engine.shown_url(self.url)
        if meta.get("heeft_uploads") == "ja" and uploads == 0:
            raise KbzDatabaseError(f"De praktijkdatabase ({where}) heeft uploads gehad maar bevat er geen meer: ze is"
                                   " leeggemaakt. Zet de laatste back-up terug.")
        if self.check_journal and self.store_dir is not None and "journal_geimporteerd" not in meta:
            from kbz_data.practice import upload_store

            journal = upload_store.folder(self.store_dir) / upload_store.JOURNAL
            if journal.is_file() and '"upload"' in journal.read_text(encoding="utf-8", errors="replace"):
                raise KbzDatabaseError(
                    "Er staan nog uploads in de oude praktijkopslag (journal.json) die niet in de database zijn"
                    " overgezet. Zet ze over met: python -m kbz_data practice migrate")
        marker = self._marker()
        if marker is not None and marker.is_file():
            expected = marker.read_text(encoding="utf-8").strip()
            if expected and meta.get("database_id") != expected:
                raise KbzDatabaseError(
                    f"De praktijkdatabase ({where}) is vervangen door een andere database dan die waarin de"
                    f" uploads zijn opgeslagen. Zet de juiste database terug (of verwijder {marker.name} als dit"
                    " bewust is).")

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        self._prepare()
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except KbzDataError:
            raise
        except SQLAlchemyError as exc:
            raise db_engine.translate(exc, self.url, self.timeout) from exc

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction holding the write lock; rolled back on any exception."""
        self._prepare()
        try:
            with self.engine.connect().execution_options(kbz_write=True) as conn, conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{max(1, int(self.timeout * 1000))}ms'")
                    conn.execute(select(Meta.value).where(Meta.key == "schrijfslot").with_for_update())
                yield conn
        except KbzDataError:
            raise
        except SQLAlchemyError as exc:
            raise db_engine.translate(exc, self.url, self.timeout) from exc

    def check(self) -> None:
        """Open the database and check schema and integrity (raises like every other method)."""
        self._prepare()

    # -- figures ----------------------------------------------------------------------------------------------

    @staticmethod
    def _uploads_frame(conn: Connection, codes: list[str] | None = None) -> pd.DataFrame:
        query = (select(Figure.praktijk_code, Figure.periode, Figure.kengetal, Figure.teller, Figure.noemer,
                        Figure.upload_id)
                 .join(Upload, Upload.id == Figure.upload_id).where(Upload.status == "actief")
                 .order_by(Figure.upload_id, Figure.id))
        if codes is not None:
            query = query.where(Figure.praktijk_code.in_(codes))
        rows = conn.execute(query).all()
        if not rows:
            return _empty_figures()
        frame = pd.DataFrame(rows, columns=[*COLUMNS, "versie"])
        frame = frame.astype({"praktijk_code": "str", "periode": "str", "kengetal": "str", "teller": "Int64",
                              "noemer": "Int64", "versie": "int64"})
        frame.insert(5, "herkomst", "upload")
        return _overlay([frame])

    def uploaded_figures(self) -> pd.DataFrame:
        """The figures of the active uploads only (no demo figures), the latest upload winning per key."""
        with self._read() as conn:
            return self._uploads_frame(conn)

    def current_figures(self, demo_dir: str | Path = demo.DEMO_DIR) -> pd.DataFrame:
        """Demo set overlaid by the active uploads: praktijk_code, periode, kengetal, teller, noemer (Int64),
        herkomst (``demo`` | ``upload``), versie (0 for demo figures); sorted by praktijk, periode, kengetal."""
        uploads = self.uploaded_figures()
        return _overlay([demo.read(demo_dir).assign(herkomst="demo", versie=0), uploads])

    def state_token(self) -> str:
        """A short fingerprint that changes with every upload or undo and every practice added or changed on Beheer
        ("leeg" without uploads and with the practices as seeded)."""
        with self._read() as conn:  # one round trip: this runs on every rerun of a practice page
            count, last, undos, last_undo, practices = conn.execute(_STATE_QUERY).one()
            practices = practices or "0"
        if not count and practices == "0":
            return "leeg"
        return hashlib.sha256(f"{count}:{last}:{undos}:{last_undo}:{practices}".encode()).hexdigest()[:16]

    # -- writes -----------------------------------------------------------------------------------------------

    def validate(self, data: bytes, filename: str, today: date | None = None) -> ValidatedUpload:
        """Check a file against every rule (practice codes: those of :meth:`registry`), the plausibility rules also
        against the uploads stored now."""
        return validate_upload(data, filename, today=today, stored=self.uploaded_figures(),
                               known=self.registry().codes())

    def commit(self, data: bytes, filename: str, user: str, today: date | None = None, namens: str | None = None,
               allowed: frozenset[str] | None = None, hook: Hook | None = None) -> dict[str, Any]:
        """Validate a file and, when it passes, store it as a new upload in one transaction.

        Parameters
        ----------
        user
            Who uploads (e-mail, or ``lokaal``); ``namens``: the practice user a beheerder uploads for.
        allowed
            When given, the practices the user may upload for; a file with another practice is refused before
            anything is written (:class:`kbz_data.practice.errors.KbzAccessError`).

        Returns
        -------
        dict
            versie, tijd, bestandsnaam, sha256, grootte, rijen, praktijken (list), periodes, gebruiker.

        Raises
        ------
        KbzUploadError
            The file breaks a rule, also when the cross-check inside the transaction fails (nothing changed).
        KbzDatabaseLockError
            Another writer held the lock longer than the timeout (nothing changed).
        """
        upload = self.validate(data, filename, today=today)
        if allowed is not None:
            refuse_foreign_practices(upload, allowed)
        figures = upload.figures
        codes = sorted(figures["praktijk_code"].unique().tolist())
        periods = sorted(figures["periode"].unique())
        with self._write() as conn:
            if hook:
                hook("locked")
            problems = plausibility_problems(upload, self._uploads_frame(conn, codes))
            if problems:
                raise KbzUploadError(filename, problems)
            now = _now()
            event = {
                "tijd": now, "gebruiker": user, "namens": namens, "bestandsnaam": Path(filename).name,
                "sha256": upload.sha256, "sha256_cijfers": figures_sha256(figures), "grootte": upload.size,
                "rijen": len(figures), "praktijken": ",".join(codes),
                "periodes": f"{periods[0]} t/m {periods[-1]}" if len(periods) > 1 else periods[0],
                "status": "actief", "importsleutel": None,
            }
            versie = self._insert_upload(conn, event, figures)
            self._audit(conn, user, "upload", f"versie {versie}", {
                "bestandsnaam": event["bestandsnaam"], "sha256": upload.sha256, "rijen": len(figures),
                "praktijken": codes, "namens": namens})
            if hook:
                hook("written")
        self._write_marker()
        return {**event, "versie": versie, "tijd": _iso(now), "praktijken": codes}

    def _insert_upload(self, conn: Connection, event: dict[str, Any], figures: pd.DataFrame) -> int:
        # Numbered under the write lock (not by a sequence, which PostgreSQL does not roll back): gap-free versions.
        versie = int(conn.execute(select(func.coalesce(func.max(Upload.id), 0))).scalar_one()) + 1
        conn.execute(Upload.__table__.insert(), [{**event, "id": versie}])
        noemer = figures["noemer"].astype("object").where(figures["noemer"].notna(), None)
        rows = [{"upload_id": versie, "praktijk_code": c, "periode": p, "kengetal": k, "teller": int(t),
                 "noemer": None if n is None else int(n)}
                for c, p, k, t, n in zip(figures["praktijk_code"], figures["periode"], figures["kengetal"],
                                         figures["teller"], noemer, strict=True)]
        if rows:
            conn.execute(Figure.__table__.insert(), rows)
        conn.execute(Meta.__table__.delete().where(Meta.key == "heeft_uploads"))
        conn.execute(Meta.__table__.insert(), [{"key": "heeft_uploads", "value": "ja"}])
        return int(versie)

    def _write_marker(self) -> None:
        marker = self._marker()
        if marker is None or marker.is_file():
            return
        with self.engine.connect() as conn:
            database_id = conn.execute(select(Meta.value).where(Meta.key == "database_id")).scalar()
        from kbz_data.fileio import atomic_write_bytes

        with contextlib.suppress(OSError):
            atomic_write_bytes(marker, f"{database_id}\n".encode())

    def undo_last(self, user: str, among: frozenset[str] | None = None) -> dict[str, Any]:
        """Undo the latest active upload (when ``among`` is given: the latest whose practices all lie in it).

        Returns the undone upload (like :meth:`history` rows). Raises :class:`KbzPracticeStoreError` when there is
        none.
        """
        with self._write() as conn:
            rows = conn.execute(select(Upload.id, Upload.praktijken).where(Upload.status == "actief")
                                .order_by(Upload.id.desc())).all()
            for versie, praktijken in rows:
                if among is None or set(praktijken.split(",")) <= among:
                    return self._undo(conn, versie, user)
            raise KbzPracticeStoreError("er is geen upload om ongedaan te maken")

    def undo(self, versie: int, user: str) -> dict[str, Any]:
        """Undo one given upload (Beheer page: any upload, logged)."""
        with self._write() as conn:
            status = conn.execute(select(Upload.status).where(Upload.id == versie)).scalar()
            if status != "actief":
                raise KbzPracticeStoreError(f"upload {versie} bestaat niet of is al ongedaan gemaakt")
            return self._undo(conn, versie, user)

    def _undo(self, conn: Connection, versie: int, user: str, when: datetime | None = None) -> dict[str, Any]:
        conn.execute(Undo.__table__.insert(), [{"upload_id": versie, "tijd": when or _now(), "gebruiker": user}])
        conn.execute(Upload.__table__.update().where(Upload.id == versie).values(status="ongedaan"))
        self._audit(conn, user, "ongedaan", f"versie {versie}", {})
        row = conn.execute(select(Upload).where(Upload.id == versie)).mappings().one()
        return {"versie": versie, "tijd": _iso(row["tijd"]), "bestandsnaam": row["bestandsnaam"],
                "sha256": row["sha256"], "rijen": row["rijen"], "praktijken": row["praktijken"].split(","),
                "periodes": row["periodes"], "gebruiker": row["gebruiker"]}

    # -- history and audit ------------------------------------------------------------------------------------

    def history(self) -> pd.DataFrame:
        """Every upload, newest first: versie, tijd, bestandsnaam, sha256, rijen, praktijken, periodes, status,
        gebruiker (same columns as :func:`kbz_data.practice.upload_store.history`, plus gebruiker)."""
        with self._read() as conn:
            rows = conn.execute(select(Upload, Undo.tijd.label("undo_tijd")).outerjoin(
                Undo, Undo.upload_id == Upload.id).order_by(Upload.id.desc())).mappings().all()
        out = [{
            "versie": r["id"], "tijd": _iso(r["tijd"]), "bestandsnaam": r["bestandsnaam"], "sha256": r["sha256"],
            "rijen": r["rijen"], "praktijken": r["praktijken"].replace(",", ", "), "periodes": r["periodes"],
            "status": f"ongedaan gemaakt ({_iso(r['undo_tijd'])[:19].replace('T', ' ')} UTC)"
            if r["undo_tijd"] is not None else "actief",
            "gebruiker": r["gebruiker"],
        } for r in rows]
        return pd.DataFrame(out, columns=HISTORY_COLUMNS)

    @staticmethod
    def _audit(conn: Connection, user: str, actie: str, onderwerp: str, details: dict[str, Any]) -> None:
        if actie not in ACTIONS:
            raise ValueError(actie)
        conn.execute(AuditEntry.__table__.insert(), [{
            "tijd": _now(), "gebruiker": user, "actie": actie, "onderwerp": onderwerp,
            "details": json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)}])

    def audit(self, user: str, actie: str, onderwerp: str = "", details: dict[str, Any] | None = None) -> None:
        """Append one entry (login, export, ...) to the audit log in its own transaction."""
        with self._write() as conn:
            self._audit(conn, user, actie, onderwerp, details or {})

    def audit_log(self, limit: int = 1000) -> pd.DataFrame:
        """The newest ``limit`` audit entries, newest first: tijd, gebruiker, actie, onderwerp, details."""
        with self._read() as conn:
            rows = conn.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).mappings().all()
        return pd.DataFrame([{"tijd": _iso(r["tijd"]), "gebruiker": r["gebruiker"], "actie": r["actie"],
                              "onderwerp": r["onderwerp"], "details": r["details"]} for r in rows],
                            columns=["tijd", "gebruiker", "actie", "onderwerp", "details"])

    # -- users and practices ----------------------------------------------------------------------------------

    def add_user(self, email: str, naam: str, rol: str, praktijken: list[str] | tuple[str, ...] = (),
                 by: str = "lokaal") -> int:
        """Add a user (e-mail matched case-insensitively) bound to ``praktijken``; logged. Returns the id."""
        email = email.strip().lower()
        if rol not in ROLES:
            raise KbzPracticeStoreError(f"onbekende rol '{rol}'; toegestaan: {', '.join(ROLES)}")
        if "@" not in email:
            raise KbzPracticeStoreError(f"'{email}' is geen e-mailadres")
        if rol == "praktijk" and not praktijken:
            raise KbzPracticeStoreError("een gebruiker met de rol praktijk hoort bij minstens één praktijk")
        with self._write() as conn:
            known = set(conn.execute(select(Practice.code)).scalars())
            unknown = sorted(set(praktijken) - known)
            if unknown:
                raise KbzPracticeStoreError(f"onbekende praktijk(en): {', '.join(unknown)}")
            if conn.execute(select(User.id).where(User.email == email)).first() is not None:
                raise KbzPracticeStoreError(f"er is al een gebruiker met e-mailadres {email}")
            user_id = conn.execute(User.__table__.insert().returning(User.id), [{
                "email": email, "naam": naam, "rol": rol, "actief": True, "aangemaakt": _now()}]).scalar_one()
            if praktijken:
                conn.execute(UserPractice.__table__.insert(),
                             [{"user_id": user_id, "praktijk_code": c} for c in sorted(set(praktijken))])
            self._audit(conn, by, "gebruiker", email, {"actie": "toegevoegd", "rol": rol,
                                                        "praktijken": sorted(praktijken)})
        return int(user_id)

    def user(self, email: str) -> dict[str, Any] | None:
        """The active user with this e-mail (case-insensitive): email, naam, rol, praktijken (frozenset)."""
        with self._read() as conn:
            row = conn.execute(select(User).where(User.email == email.strip().lower(), User.actief.is_(True))
                               ).mappings().first()
            if row is None:
                return None
            codes = conn.execute(select(UserPractice.praktijk_code).where(UserPractice.user_id == row["id"])
                                 ).scalars().all()
        return {"email": row["email"], "naam": row["naam"], "rol": row["rol"], "praktijken": frozenset(codes)}

    def practices(self) -> pd.DataFrame:
        """The registry in the database: praktijk_code, naam, gemeentecode, kbz_gebied, kbz_start, hoofdbuurt, lon,
        lat, demo, actief."""
        with self._read() as conn:
            rows = conn.execute(select(Practice).order_by(Practice.code)).mappings().all()
        return pd.DataFrame([dict(r) for r in rows]).rename(columns={"code": "praktijk_code"})

    def registry(self) -> registry_module.Registry:
        """The practices of the database as a :class:`kbz_data.practice.registry.Registry` (active ones only): the
        source of truth for practices wherever a database is in use."""
        with self._read() as conn:
            rows = conn.execute(select(Practice).order_by(Practice.code)).mappings().all()
            areas = conn.execute(select(PracticeArea.praktijk_code, PracticeArea.indeling, PracticeArea.niveau,
                                        PracticeArea.code).order_by(PracticeArea.praktijk_code, PracticeArea.indeling,
                                                                    PracticeArea.niveau, PracticeArea.code)).all()
        practices = pd.DataFrame([dict(r) for r in rows]).rename(columns={"code": "praktijk_code"})
        return registry_module.from_tables(
            practices, pd.DataFrame(areas, columns=["praktijk_code", "indeling", "niveau", "code"]))

    def practice_areas(self) -> pd.DataFrame:
        """praktijk_code, indeling, niveau, code."""
        with self._read() as conn:
            rows = conn.execute(select(PracticeArea).order_by(PracticeArea.praktijk_code, PracticeArea.indeling,
                                                              PracticeArea.niveau, PracticeArea.code)).mappings().all()
        return pd.DataFrame([dict(r) for r in rows], columns=["praktijk_code", "indeling", "niveau", "code"])

    def meta(self) -> dict[str, str]:
        with self._read() as conn:
            return dict(conn.execute(select(Meta.key, Meta.value)).all())

    # -- Beheer: practices and users ----------------------------------------------------------------------------

    def save_practice(self, practice: dict[str, Any], areas: list[dict[str, Any]], by: str) -> bool:
        """Add or change one practice and replace its areas in one transaction; logged. Returns True when new.

        ``practice``: code, naam, gemeentecode, kbz_gebied, kbz_start (date), hoofdbuurt, lon, lat; ``areas``:
        rows of indeling, niveau, code. Validate first (:func:`kbz_data.practice.admin.practice_problems`).
        """
        code = practice["code"]
        with self._write() as conn:
            new = conn.execute(select(Practice.code).where(Practice.code == code)).first() is None
            values = {**practice, "demo": False, "actief": True}
            if new:
                conn.execute(Practice.__table__.insert(), [values])
            else:
                conn.execute(Practice.__table__.update().where(Practice.code == code).values(
                    **{k: v for k, v in values.items() if k not in ("code", "demo")}))
            conn.execute(PracticeArea.__table__.delete().where(PracticeArea.praktijk_code == code))
            if areas:
                conn.execute(PracticeArea.__table__.insert(), [{**a, "praktijk_code": code} for a in areas])
            version = int(conn.execute(select(Meta.value).where(Meta.key == PRACTICES_VERSION)).scalar() or 0)
            conn.execute(Meta.__table__.delete().where(Meta.key == PRACTICES_VERSION))
            conn.execute(Meta.__table__.insert(), [{"key": PRACTICES_VERSION, "value": str(version + 1)}])
            self._audit(conn, by, "praktijk", code, {"actie": "toegevoegd" if new else "gewijzigd",
                                                     "naam": practice["naam"], "gebieden": len(areas)})
        return new

    def users(self) -> pd.DataFrame:
        """Every user: email, naam, rol, actief, praktijken (comma-separated), aangemaakt."""
        with self._read() as conn:
            rows = conn.execute(select(User).order_by(User.email)).mappings().all()
            links = conn.execute(select(UserPractice.user_id, UserPractice.praktijk_code)).all()
        bound: dict[int, list[str]] = {}
        for user_id, code in links:
            bound.setdefault(user_id, []).append(code)
        return pd.DataFrame([{"email": r["email"], "naam": r["naam"], "rol": r["rol"], "actief": bool(r["actief"]),
                              "praktijken": ", ".join(sorted(bound.get(r["id"], []))),
                              "aangemaakt": _iso(r["aangemaakt"])} for r in rows],
                            columns=["email", "naam", "rol", "actief", "praktijken", "aangemaakt"])

    def change_user(self, email: str, by: str, rol: str | None = None, praktijken: list[str] | None = None,
                    actief: bool | None = None) -> None:
        """Change a user's role, bound practices or active flag in one transaction; logged."""
        email = email.strip().lower()
        if rol is not None and rol not in ROLES:
            raise KbzPracticeStoreError(f"onbekende rol '{rol}'; toegestaan: {', '.join(ROLES)}")
        with self._write() as conn:
            row = conn.execute(select(User.id, User.rol).where(User.email == email)).first()
            if row is None:
                raise KbzPracticeStoreError(f"er is geen gebruiker met e-mailadres {email}")
            user_id, old_rol = row
            if praktijken is not None:
                unknown = sorted(set(praktijken) - set(conn.execute(select(Practice.code)).scalars()))
                if unknown:
                    raise KbzPracticeStoreError(f"onbekende praktijk(en): {', '.join(unknown)}")
            current = set(conn.execute(select(UserPractice.praktijk_code).where(UserPractice.user_id == user_id))
                          .scalars())
            if (rol or old_rol) == "praktijk" and not (set(praktijken) if praktijken is not None else current):
                raise KbzPracticeStoreError("een gebruiker met de rol praktijk hoort bij minstens één praktijk")
            changes: dict[str, Any] = {}
            if rol is not None:
                changes["rol"] = rol
            if actief is not None:
                changes["actief"] = bool(actief)
            if changes:
                conn.execute(User.__table__.update().where(User.id == user_id).values(**changes))
            if praktijken is not None:
                conn.execute(UserPractice.__table__.delete().where(UserPractice.user_id == user_id))
                if praktijken:
                    conn.execute(UserPractice.__table__.insert(),
                                 [{"user_id": user_id, "praktijk_code": c} for c in sorted(set(praktijken))])
            self._audit(conn, by, "gebruiker", email, {"actie": "gewijzigd", **changes,
                                                        "praktijken": sorted(praktijken or current)})

def refuse_foreign_practices(upload: ValidatedUpload, allowed: frozenset[str]) -> None:
    """Raise :class:`KbzAccessError` when the file holds figures of a practice outside ``allowed``."""
    foreign = sorted(set(upload.figures["praktijk_code"]) - set(allowed))
    if foreign:
        raise KbzAccessError(f"{upload.filename}: u mag alleen cijfers van uw eigen praktijk uploaden; het bestand"
                             f" bevat ook {', '.join(foreign)}. Er is niets opgeslagen.")
