"""Import the journal store (:mod:`kbz_data.practice.upload_store`) into the practice database, full history.

Every upload event becomes an upload (same time, file name, sha256, rows, practices, periods; user ``migratie``)
with its figures read from the version file (its checksum verified); every undo event becomes an undo. The
import key of an upload is ``journal:<sha256 of the version file>:<time of the event>``: the sha256 alone would
merge two uploads of the same file (upload, undo, upload again), the time makes each event unique. Running the
import again adds nothing: uploads whose key exists are skipped, and an undo is added only when its upload is
still active in the database. Everything is one transaction; a damaged journal or version file stops it with
nothing imported.

Imported uploads get new version numbers (upload ids) in journal order after any upload already in the database;
run the import before the first upload into the database to keep the journal's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from kbz_data.practice import upload_store
from kbz_data.practice.db.models import Meta, Upload
from kbz_data.practice.db.repository import PracticeDb
from kbz_data.practice.errors import KbzPracticeStoreError

USER = "migratie"


@dataclass(frozen=True)
class ImportReport:
    """What one import did."""

    uploads_found: int
    uploads_added: int
    undos_found: int
    undos_added: int

    def line(self) -> str:
        return (f"{self.uploads_found} uploads en {self.undos_found} keer ongedaan maken in het journaal;"
                f" {self.uploads_added} uploads en {self.undos_added} keer ongedaan maken toegevoegd")


def import_journal(store_dir: str | Path, db: PracticeDb) -> ImportReport:
    """Import ``<store>/praktijk`` (journal.json + versies/) into ``db``; idempotent.

    Raises
    ------
    KbzPracticeStoreError
        The journal or a version file is unreadable or damaged (nothing imported).
    """
    events = upload_store._read_journal(store_dir)
    if not events and not (upload_store.folder(store_dir) / upload_store.JOURNAL).is_file():
        from kbz_data.store.locate import display_path

        raise KbzPracticeStoreError(f"geen journaal (journal.json) gevonden in"
                                    f" {display_path(upload_store.folder(store_dir))}; niets om over te zetten")
    for event in events:
        if not isinstance(event, dict) or event.get("type") not in ("upload", "ongedaan") or "versie" not in event:
            raise KbzPracticeStoreError(f"het journaal in {upload_store.folder(store_dir)} heeft een onbekende"
                                        f" gebeurtenis: {str(event)[:80]}")
    uploads = [e for e in events if e["type"] == "upload"]
    undos = [e for e in events if e["type"] == "ongedaan"]
    versions = {int(e["versie"]): upload_store._read_version(store_dir, e) for e in uploads}  # checks sha256
    added = undone = 0
    with db._write() as conn:
        ids: dict[int, int] = {}
        for event in uploads:
            key = f"journal:{event['sha256_versie']}:{event['tijd']}"
            existing = conn.execute(select(Upload.id).where(Upload.importsleutel == key)).scalar()
            if existing is not None:
                ids[int(event["versie"])] = int(existing)
                continue
            praktijken = event.get("praktijken") or []
            row = {
                "tijd": datetime.fromisoformat(event["tijd"]), "gebruiker": USER, "namens": None,
                "bestandsnaam": event["bestandsnaam"], "sha256": event["sha256"],
                "sha256_cijfers": event["sha256_versie"], "grootte": int(event.get("grootte", 0)),
                "rijen": int(event["rijen"]), "praktijken": ",".join(praktijken), "periodes": event["periodes"],
                "status": "actief", "importsleutel": key,
            }
            ids[int(event["versie"])] = db._insert_upload(conn, row, versions[int(event["versie"])])
            db._audit(conn, USER, "migratie", f"versie {ids[int(event['versie'])]}",
                      {"journaalversie": event["versie"], "bestandsnaam": event["bestandsnaam"]})
            added += 1
        for event in undos:
            upload_id = ids.get(int(event["versie"]))
            if upload_id is None:
                raise KbzPracticeStoreError(f"het journaal maakt versie {event['versie']} ongedaan, maar die upload"
                                            " staat er niet in")
            status = conn.execute(select(Upload.status).where(Upload.id == upload_id)).scalar()
            if status == "actief":
                db._undo(conn, upload_id, USER, when=datetime.fromisoformat(event["tijd"]))
                undone += 1
        conn.execute(Meta.__table__.delete().where(Meta.key == "journal_geimporteerd"))
        conn.execute(Meta.__table__.insert(), [{"key": "journal_geimporteerd", "value": str(len(uploads))}])
    if added:
        db._write_marker()
    return ImportReport(len(uploads), added, len(undos), undone)
