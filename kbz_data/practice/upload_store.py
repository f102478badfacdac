"""The durable practice store: every accepted upload is kept as a version; current figures derive from them.

Layout under the store folder (``$KBZ_STORE`` or ``data/store``; when the dashboard runs on the committed snapshot,
under ``$KBZ_DATA_DIR`` or ``data/local`` instead, see :func:`kbz_data.store.locate.practice_dir`)::

    <store>/praktijk/
        .lock               empty file; writers hold an exclusive fcntl.flock on it
        journal.json        the commit log: {"formaat": 1, "gebeurtenissen": [event, ...]}
        versies/000001.csv  the validated, normalised figures of upload 1 (praktijk_code, periode, kengetal,
                            teller, noemer; UTF-8), never rewritten once the journal names it

Events in the journal, in order: ``{"type": "upload", "versie", "tijd" (UTC, ISO 8601), "bestandsnaam",
"sha256" (of the uploaded file as received), "grootte" (bytes), "bestand" (the version file), "sha256_versie"
(of the version file, checked on every read), "rijen", "praktijken", "periodes"}`` and ``{"type": "ongedaan",
"versie", "tijd"}`` (an undo of that upload).

Current figures = the demo set (``data/demo``, origin ``demo``) overlaid by every upload that has not been undone,
in version order: for each (praktijk_code, periode, kengetal) the latest upload wins (origin ``upload``). "Undo the
last upload" marks the latest not-undone upload as undone, which restores exactly the state before it.

Writes (upload and undo):

1. The file is validated first, outside the lock (the plausibility rules also against the uploads already
   stored); a rejected file never reaches the store, so the store stays byte-for-byte unchanged (not even the
   folder is created). Under the lock the plausibility rules are checked again when another upload or undo landed
   in between; a refusal there also leaves the store unchanged.
2. The writer takes an exclusive ``fcntl.flock`` on ``.lock`` (blocking). Concurrent writers (threads, processes,
   Streamlit sessions) are thus serialized: both uploads land, in the order they got the lock. The kernel drops the
   lock when a process dies, so a killed writer never blocks the next one.
3. Under the lock the journal is re-read (never trust a copy from before the lock), the version file is written to
   a temporary file, fsync'ed and moved into place with ``os.replace``; then the new journal is written the same
   way. Replacing ``journal.json`` is the commit point: a crash before it leaves the previous journal, so the last
   good state; the orphan version file is ignored and overwritten by the next upload. Readers need no lock: they see
   either the old or the new journal, and every file it names is complete.

POSIX only (``fcntl``), like the rest of the deployment (Debian).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kbz_data.fileio import atomic_write_bytes
from kbz_data.practice import demo
from kbz_data.practice.errors import KbzPracticeStoreError, KbzUploadError
from kbz_data.practice.schema import COLUMNS
from kbz_data.practice.upload_checks import ValidatedUpload, plausibility_problems, validate_upload
from kbz_data.store import locate

JOURNAL = "journal.json"
VERSIONS = "versies"
LOCK = ".lock"
KEY = ["praktijk_code", "periode", "kengetal"]

#: Test hook: called with a step name ("locked", "version_written", "journal_tmp_written", "committed") during a
#: write, all while the lock is held.
Hook = Callable[[str], None]


def folder(store_dir: str | Path) -> Path:
    """``<store>/praktijk``; for the read-only snapshot ``<$KBZ_DATA_DIR or data/local>/praktijk`` instead."""
    return locate.practice_dir(store_dir)


@contextlib.contextmanager
def _locked(store_dir: str | Path) -> Iterator[Path]:
    base = folder(store_dir)
    try:
        (base / VERSIONS).mkdir(parents=True, exist_ok=True)
        handle = open(base / LOCK, "a+b")  # noqa: SIM115 - closed below, after unlocking
    except OSError as exc:
        raise KbzPracticeStoreError(f"kan de praktijkopslag {base} niet aanmaken: {exc.strerror}") from exc
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        for stale in [*base.glob(".tmp-*"), *(base / VERSIONS).glob(".tmp-*")]:
            with contextlib.suppress(OSError):
                stale.unlink()  # left by a writer that died; no other writer can be active now
        yield base
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def _read_journal(store_dir: str | Path) -> list[dict[str, Any]]:
    path = folder(store_dir) / JOURNAL
    if not path.is_file():
        return []
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        return list(content["gebeurtenissen"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KbzPracticeStoreError(f"het journaal van de praktijkopslag {path} is onleesbaar: {exc}") from exc


def _journal_bytes(events: list[dict[str, Any]]) -> bytes:
    return (json.dumps({"formaat": 1, "gebeurtenissen": events}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def state_token(store_dir: str | Path) -> str:
    """A short fingerprint of the journal ("leeg" without uploads); changes with every upload or undo.

    Cached readers take it as an argument so they see a new upload at once.
    """
    path = folder(store_dir) / JOURNAL
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        return "leeg"
    except OSError as exc:
        raise KbzPracticeStoreError(f"het journaal {path} is onleesbaar: {exc.strerror}") from exc


def _active_uploads(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    undone = {e["versie"] for e in events if e["type"] == "ongedaan"}
    return [e for e in events if e["type"] == "upload" and e["versie"] not in undone]


def _figures_csv(figures: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    figures[list(COLUMNS)].to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _read_version(store_dir: str | Path, event: dict[str, Any]) -> pd.DataFrame:
    path = folder(store_dir) / event["bestand"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KbzPracticeStoreError(f"versie {event['versie']} van de praktijkopslag ({path}) ontbreekt") from exc
    if hashlib.sha256(data).hexdigest() != event["sha256_versie"]:
        raise KbzPracticeStoreError(f"versie {event['versie']} ({path}) is beschadigd: de controlesom klopt niet")
    frame = pd.read_csv(io.BytesIO(data), dtype={"praktijk_code": "str", "periode": "str", "kengetal": "str",
                                                 "teller": "Int64", "noemer": "Int64"})
    return frame


def _uploads(store_dir: str | Path, events: list[dict[str, Any]]) -> list[pd.DataFrame]:
    return [_read_version(store_dir, event).assign(herkomst="upload", versie=int(event["versie"]))
            for event in _active_uploads(events)]


def _overlay(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({"praktijk_code": pd.Series(dtype="str"), "periode": pd.Series(dtype="str"),
                             "kengetal": pd.Series(dtype="str"), "teller": pd.Series(dtype="Int64"),
                             "noemer": pd.Series(dtype="Int64"), "herkomst": pd.Series(dtype="str"),
                             "versie": pd.Series(dtype="int64")})
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.drop_duplicates(KEY, keep="last")
    return frame.sort_values(KEY).reset_index(drop=True)


def uploaded_figures(store_dir: str | Path) -> pd.DataFrame:
    """The figures of the active uploads only (no demo figures), the latest upload winning per key.

    Returns
    -------
    pandas.DataFrame
        Like :func:`current_figures`, with herkomst ``upload`` on every row (empty without uploads).
    """
    return _overlay(_uploads(store_dir, _read_journal(store_dir)))


def current_figures(store_dir: str | Path, demo_dir: str | Path = demo.DEMO_DIR) -> pd.DataFrame:
    """The current figures: demo set overlaid by the active uploads in version order.

    Returns
    -------
    pandas.DataFrame
        praktijk_code, periode, kengetal, teller (Int64), noemer (Int64), herkomst (``demo`` | ``upload``), versie
        (0 for demo figures), sorted by praktijk, periode and kengetal.
    """
    parts = [demo.read(demo_dir).assign(herkomst="demo", versie=0)]
    return _overlay(parts + _uploads(store_dir, _read_journal(store_dir)))


def preview(current: pd.DataFrame, upload: ValidatedUpload) -> pd.DataFrame:
    """What confirming the upload would change, one row per uploaded figure.

    Returns
    -------
    pandas.DataFrame
        praktijk_code, periode, kengetal, teller, noemer (new), huidige_teller, huidige_noemer, huidige_herkomst
        and status: ``nieuw`` (no figure yet), ``gewijzigd`` (teller or noemer differs) or ``ongewijzigd``.
    """
    now = current[[*KEY, "teller", "noemer", "herkomst"]].rename(
        columns={"teller": "huidige_teller", "noemer": "huidige_noemer", "herkomst": "huidige_herkomst"})
    frame = upload.figures.merge(now, on=KEY, how="left")
    exists = frame["huidige_herkomst"].notna()
    same = (frame["teller"].astype("Int64") == frame["huidige_teller"]).fillna(False) & (
        (frame["noemer"].isna() & frame["huidige_noemer"].isna())
        | (frame["noemer"] == frame["huidige_noemer"]).fillna(False))
    frame["status"] = "nieuw"
    frame.loc[exists & ~same, "status"] = "gewijzigd"
    frame.loc[exists & same, "status"] = "ongewijzigd"
    return frame


#: Status of a previewed figure -> its place in the preview table (changed first).
STATUS_ORDER: dict[str, int] = {"gewijzigd": 0, "nieuw": 1, "ongewijzigd": 2}


def preview_summary(change: pd.DataFrame) -> dict[str, int]:
    """How many figures of a :func:`preview` are new, changed and unchanged: ``{"nieuw": n, "gewijzigd": n,
    "ongewijzigd": n}`` (every key present)."""
    counts = change["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in ("nieuw", "gewijzigd", "ongewijzigd")}


def skipped_text(rows: list[int]) -> str:
    """What the preview says about template rows skipped because teller and noemer were both empty."""
    shown = ", ".join(str(r) for r in rows[:20]) + (" en verder" if len(rows) > 20 else "")
    return (f"{len(rows)} lege {'sjabloonregel' if len(rows) == 1 else 'sjabloonregels'} overgeslagen (teller en"
            f" noemer leeg): rij {shown}. Die worden niet opgeslagen; bestaande cijfers blijven staan.")


def preview_table(change: pd.DataFrame) -> pd.DataFrame:
    """A :func:`preview` as shown on the upload page: changed figures first, then new, then unchanged (each by
    praktijk and periode), with Dutch column headers."""
    order = change["status"].map(STATUS_ORDER)
    shown = change.assign(_volgorde=order).sort_values(["_volgorde", "praktijk_code", "periode"], kind="stable")
    return shown[["status", "praktijk_code", "periode", "kengetal", "teller", "noemer", "huidige_teller",
                  "huidige_noemer", "huidige_herkomst"]].rename(columns={
        "huidige_teller": "huidige teller", "huidige_noemer": "huidige noemer",
        "huidige_herkomst": "huidige herkomst"}).reset_index(drop=True)


def commit(store_dir: str | Path, data: bytes, filename: str, today: date | None = None,
           hook: Hook | None = None) -> dict[str, Any]:
    """Validate an uploaded file and, when it passes, store it as a new version.

    The bytes are validated again here (never store what was not checked), then written under the lock as
    described in the module docstring.

    Returns
    -------
    dict
        The journal event of the new version.

    Raises
    ------
    KbzUploadError
        When the file breaks a rule (the store is not touched).
    KbzPracticeStoreError
        When the store cannot be written.
    """
    checked_events = _read_journal(store_dir)
    upload = validate_upload(data, filename, today=today, stored=_overlay(_uploads(store_dir, checked_events)))
    try:
        with _locked(store_dir) as base:
            if hook:
                hook("locked")
            events = _read_journal(store_dir)
            if events != checked_events:  # another upload or undo landed since the check: check against it
                problems = plausibility_problems(upload, _overlay(_uploads(store_dir, events)))
                if problems:
                    raise KbzUploadError(filename, problems)
            number = max((int(e["versie"]) for e in events), default=0) + 1
            relative = f"{VERSIONS}/{number:06d}.csv"
            content = _figures_csv(upload.figures)
            atomic_write_bytes(base / relative, content)
            if hook:
                hook("version_written")
            periods = sorted(upload.figures["periode"].unique())
            event = {
                "type": "upload", "versie": number, "tijd": _now(), "bestandsnaam": Path(filename).name,
                "sha256": upload.sha256, "grootte": upload.size, "bestand": relative,
                "sha256_versie": hashlib.sha256(content).hexdigest(), "rijen": len(upload.figures),
                "praktijken": sorted(upload.figures["praktijk_code"].unique().tolist()),
                "periodes": f"{periods[0]} t/m {periods[-1]}" if len(periods) > 1 else periods[0],
            }
            atomic_write_bytes(base / JOURNAL, _journal_bytes([*events, event]),
                               (lambda: hook("journal_tmp_written")) if hook else None)
            if hook:
                hook("committed")  # still under the lock
    except OSError as exc:
        raise KbzPracticeStoreError(f"kan de praktijkopslag in {folder(store_dir)} niet schrijven: {exc}") from exc
    return event


def undo_last(store_dir: str | Path) -> dict[str, Any]:
    """Undo the latest upload that is still active; returns the undone upload's journal event.

    Raises
    ------
    KbzPracticeStoreError
        When there is no upload to undo, or the store cannot be written.
    """
    if not (folder(store_dir) / JOURNAL).is_file():
        raise KbzPracticeStoreError("er is geen upload om ongedaan te maken")
    try:
        with _locked(store_dir) as base:
            events = _read_journal(store_dir)
            active = _active_uploads(events)
            if not active:
                raise KbzPracticeStoreError("er is geen upload om ongedaan te maken")
            last = active[-1]
            undo = {"type": "ongedaan", "versie": last["versie"], "tijd": _now()}
            atomic_write_bytes(base / JOURNAL, _journal_bytes([*events, undo]))
    except OSError as exc:
        raise KbzPracticeStoreError(f"kan de praktijkopslag in {folder(store_dir)} niet schrijven: {exc}") from exc
    return last


def history(store_dir: str | Path) -> pd.DataFrame:
    """Every upload, newest first: versie, tijd, bestandsnaam, sha256, rijen, praktijken, periodes, status."""
    events = _read_journal(store_dir)
    undone = {e["versie"]: e["tijd"] for e in events if e["type"] == "ongedaan"}
    rows = [
        {
            "versie": e["versie"], "tijd": e["tijd"], "bestandsnaam": e["bestandsnaam"], "sha256": e["sha256"],
            "rijen": e["rijen"], "praktijken": ", ".join(e["praktijken"]), "periodes": e["periodes"],
            "status": f"ongedaan gemaakt ({undone[e['versie']][:19].replace('T', ' ')} UTC)"
            if e["versie"] in undone else "actief",
        }
        for e in events if e["type"] == "upload"
    ]
    columns = ["versie", "tijd", "bestandsnaam", "sha256", "rijen", "praktijken", "periodes", "status"]
    return pd.DataFrame(rows, columns=columns).iloc[::-1].reset_index(drop=True)


def history_table(store_dir: str | Path) -> pd.DataFrame:
    """:func:`history` as shown on the upload page: the sha256 cut to its first 16 characters."""
    table = history(store_dir)
    return table.assign(sha256=table["sha256"].str[:16])


def can_undo(table: pd.DataFrame) -> bool:
    """True when a :func:`history` (or :func:`history_table`) has an active upload to undo."""
    return bool((table["status"] == "actief").any())
