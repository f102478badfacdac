"""The practice database (SQLite and PostgreSQL 15): upload/undo/history, transactions, locks, faults, import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from kbz_data.__main__ import main
from kbz_data.practice import upload_store
from kbz_data.practice.db import engine as db_engine
from kbz_data.practice.db.repository import PracticeDb
from kbz_data.practice.errors import (
    KbzDatabaseError,
    KbzDatabaseLockError,
    KbzPracticeStoreError,
    KbzSchemaError,
    KbzUploadError,
)
from tests.conftest import REPO
from tests.pg import db_fixture, pg_server, pg_url, url_fixture  # noqa: F401 - fixtures

TODAY = date(2025, 1, 15)
HEADER = "praktijk_code;periode;kengetal;teller;noemer\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


def value(db: PracticeDb, code: str, periode: str, kengetal: str) -> tuple[int, str]:
    frame = db.current_figures()
    row = frame[(frame["praktijk_code"] == code) & (frame["periode"] == periode) & (frame["kengetal"] == kengetal)]
    assert len(row) == 1
    return int(row["teller"].iloc[0]), str(row["herkomst"].iloc[0])


def execute(url: str, *statements: str) -> None:
    eng = db_engine.get_engine(url, 5.0)
    with eng.connect() as conn, conn.begin():
        for statement in statements:
            conn.execute(text(statement))


def state(db: PracticeDb) -> tuple:
    """Everything a write could change, to compare before and after."""
    return (db.history().to_dict("records"), db.uploaded_figures().to_dict("records"), len(db.audit_log()),
            db.state_token())


def test_upload_undo_history(db: PracticeDb) -> None:
    original = value(db, "RTD-BLOEMHOF-1", "2024Q4", "consulten")
    assert original[1] == "demo" and db.state_token() == "leeg"
    first = db.commit(csv("RTD-BLOEMHOF-1;2024Q4;consulten;7001;", "RTD-BLOEMHOF-1;2025Q1;consulten;6000;"),
                      "eerste.csv", user="a@praktijk.nl", today=TODAY)
    token1 = db.state_token()
    second = db.commit(csv("RTD-BLOEMHOF-1;2024Q4;consulten;7002;"), "tweede.csv", user="a@praktijk.nl",
                       today=TODAY)
    assert (first["versie"], second["versie"]) == (1, 2)
    assert first["tijd"].endswith("+00:00") and len(first["sha256"]) == 64
    assert value(db, "RTD-BLOEMHOF-1", "2024Q4", "consulten") == (7002, "upload")
    assert value(db, "RTD-BLOEMHOF-1", "2025Q1", "consulten") == (6000, "upload")
    assert db.state_token() not in (token1, "leeg")

    undone = db.undo_last("a@praktijk.nl")
    assert undone["versie"] == 2 and undone["bestandsnaam"] == "tweede.csv"
    assert value(db, "RTD-BLOEMHOF-1", "2024Q4", "consulten") == (7001, "upload")
    assert db.state_token() != token1  # an undo is a new event, not a return to an old state
    db.undo_last("a@praktijk.nl")
    assert value(db, "RTD-BLOEMHOF-1", "2024Q4", "consulten") == original
    with pytest.raises(KbzPracticeStoreError, match="geen upload om ongedaan te maken"):
        db.undo_last("a@praktijk.nl")

    history = db.history()
    assert list(history.columns) == ["versie", "tijd", "bestandsnaam", "sha256", "rijen", "praktijken", "periodes",
                                     "status", "gebruiker"]
    assert history["versie"].tolist() == [2, 1] and history["rijen"].tolist() == [1, 2]
    assert history["status"].str.startswith("ongedaan gemaakt (").all()
    assert history["periodes"].tolist() == ["2024Q4", "2024Q4 t/m 2025Q1"]
    assert db.uploaded_figures().empty
    audit = db.audit_log()
    assert audit["actie"].tolist() == ["ongedaan", "ongedaan", "upload", "upload"]
    assert set(audit["gebruiker"]) == {"a@praktijk.nl"}
    # the figures of an undone upload are kept (an upload never overwrites, undo never deletes)
    eng = db_engine.get_engine(db.url, db.timeout)
    with eng.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM figures")).scalar() == 3


def test_latest_upload_wins_and_uploaded_figures(db: PracticeDb) -> None:
    db.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5000;"), "a.csv", user="x", today=TODAY)
    db.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5100;", "UTR-ONDIEP-1;2024Q3;patienten_weet_wat_te_doen;40;50"),
              "b.csv", user="x", today=TODAY)
    up = db.uploaded_figures()
    assert up[["praktijk_code", "periode", "kengetal", "teller", "noemer", "versie"]].values.tolist() == [
        ["UTR-ONDIEP-1", "2024Q3", "consulten", 5100, pd.NA, 2],
        ["UTR-ONDIEP-1", "2024Q3", "patienten_weet_wat_te_doen", 40, 50, 2]]
    assert str(up["teller"].dtype) == "Int64" and set(up["herkomst"]) == {"upload"}


def test_a_rejected_file_changes_nothing(db: PracticeDb) -> None:
    db.commit(csv("RTD-BLOEMHOF-1;2024Q4;ingeschreven_patienten;100;"), "pat.csv", user="x", today=TODAY)
    before = state(db)
    with pytest.raises(KbzUploadError, match="consulten 6000 is meer dan 50 keer ingeschreven_patienten 100"):
        db.commit(csv("RTD-BLOEMHOF-1;2024Q4;consulten;6000;"), "c.csv", user="x", today=TODAY)
    assert state(db) == before


def test_cross_check_runs_inside_the_transaction_and_rolls_back(db: PracticeDb,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Another upload landed after the check outside the transaction: the check inside refuses, nothing changed."""
    db.commit(csv("RTD-BLOEMHOF-1;2024Q4;ingeschreven_patienten;100;"), "pat.csv", user="x", today=TODAY)
    before = state(db)
    from kbz_data.practice.upload_checks import validate_upload

    monkeypatch.setattr(db, "validate", lambda data, name, today=None: validate_upload(data, name, today=today))
    with pytest.raises(KbzUploadError, match=r"al opgeslagen, versie 1"):
        db.commit(csv("RTD-BLOEMHOF-1;2024Q4;consulten;6000;"), "c.csv", user="x", today=TODAY)
    assert state(db) == before


def test_a_failure_after_the_rows_are_written_rolls_everything_back(db: PracticeDb) -> None:
    db.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5000;"), "a.csv", user="x", today=TODAY)
    before = state(db)

    def boom(step: str) -> None:
        if step == "written":
            raise OSError("schijf vol")

    with pytest.raises(OSError):
        db.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5200;"), "b.csv", user="x", today=TODAY, hook=boom)
    assert state(db) == before
    assert db.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5200;"), "b.csv", user="x", today=TODAY)["versie"] == 2


WRITER = textwrap.dedent("""
    import sys
    from datetime import date
    from kbz_data.practice.db.repository import PracticeDb
    url, code, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = PracticeDb(url, timeout=60)
    head = "praktijk_code;periode;kengetal;teller;noemer\\n"
    for i in range(n):
        data = (head + f"{code};2024Q{1 + i % 4};consulten;{5000 + i};\\n").encode()
        db.commit(data, f"{code}-{i}.csv", user=code, today=date(2025, 1, 15))
    print("klaar", flush=True)
""")


def test_two_processes_write_at_once_and_all_uploads_land(db: PracticeDb, tmp_path: Path) -> None:
    db.check()  # create the SQLite file before the race
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    n = 6
    procs = [subprocess.Popen([sys.executable, str(script), db.url, code, str(n)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for code in ("UTR-ONDIEP-1", "RTD-BLOEMHOF-1")]
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    history = db.history()
    assert sorted(history["versie"]) == list(range(1, 2 * n + 1))
    assert history["gebruiker"].value_counts().to_dict() == {"UTR-ONDIEP-1": n, "RTD-BLOEMHOF-1": n}
    assert len(db.uploaded_figures()) == 8  # 4 quarters x 2 practices, the latest upload of each winning


def test_a_write_that_waits_too_long_gives_up_with_nothing_changed(url: str) -> None:
    holder, waiter = PracticeDb(url, timeout=5), PracticeDb(url, timeout=0.5)
    holder.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5000;"), "a.csv", user="x", today=TODAY)
    before = state(waiter)
    with holder._write():
        started = time.monotonic()
        with pytest.raises(KbzDatabaseLockError, match=r"na 0,5 seconden wachten .* Er is niets veranderd"):
            waiter.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5100;"), "b.csv", user="y", today=TODAY)
        waited = time.monotonic() - started
        with pytest.raises(KbzDatabaseLockError):
            waiter.undo_last("y")
    assert 0.4 <= waited < 4
    assert state(waiter) == before
    db_engine.dispose(url)


def test_audit_log_is_append_only(db: PracticeDb) -> None:
    db.audit("lokaal", "export", "praktijkcijfers.xlsx", {"rijen": 3})
    for statement in ("UPDATE audit_log SET actie = 'login'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            execute(db.url, statement)
    assert db.audit_log()["actie"].tolist() == ["export"]


def test_users_and_registry(db: PracticeDb) -> None:
    assert len(db.practices()) == 12 and db.practices()["demo"].all()
    assert set(db.practice_areas()["niveau"]) == {"wijk", "buurt"}
    db.add_user("Anna@Praktijk.nl", "Anna", "praktijk", ["RTD-BLOEMHOF-1"], by="beheer@kbz.nl")
    assert db.user("anna@praktijk.NL") == {"email": "anna@praktijk.nl", "naam": "Anna", "rol": "praktijk",
                                           "praktijken": frozenset({"RTD-BLOEMHOF-1"})}
    assert db.user("onbekend@x.nl") is None
    for args, message in [
        (("b@x.nl", "B", "baas", []), "onbekende rol"),
        (("c@x.nl", "C", "praktijk", []), "minstens één praktijk"),
        (("d@x.nl", "D", "praktijk", ["XXX-NIETS-1"]), "onbekende praktijk"),
        (("anna@praktijk.nl", "A", "analist", []), "al een gebruiker"),
    ]:
        with pytest.raises(KbzPracticeStoreError, match=message):
            db.add_user(*args)
    audit = db.audit_log()
    assert audit["actie"].tolist() == ["gebruiker"] and audit["gebruiker"].tolist() == ["beheer@kbz.nl"]


# -- faults ----------------------------------------------------------------------------------------------------


def test_schema_behind_or_ahead_is_reported(db: PracticeDb, monkeypatch: pytest.MonkeyPatch) -> None:
    db.check()
    monkeypatch.setattr(db_engine, "head_revision", lambda: "0002")
    monkeypatch.setattr(db_engine, "known_revisions", lambda: {"0001", "0002"})
    with pytest.raises(KbzSchemaError, match=r"loopt achter \(versie 0001, nodig 0002\).*practice upgrade"):
        PracticeDb(db.url).current_figures()
    monkeypatch.undo()
    execute(db.url, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(KbzSchemaError, match="nieuwer"):
        PracticeDb(db.url).history()


def test_an_emptied_database_is_never_taken_for_no_uploads(db: PracticeDb) -> None:
    db.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5000;"), "a.csv", user="x", today=TODAY)
    execute(db.url, "DELETE FROM figures", "DELETE FROM undos", "DELETE FROM uploads")
    with pytest.raises(KbzDatabaseError, match="leeggemaakt"):
        PracticeDb(db.url).current_figures()


def test_missing_replaced_and_corrupt_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "praktijk" / "praktijk.sqlite"
    url = f"sqlite:///{path}"
    live = PracticeDb(url)  # a long-lived instance, as the dashboard keeps one
    live.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5000;"), "a.csv", user="x", today=TODAY)
    db_engine.dispose(url)
    saved = tmp_path / "saved.sqlite"
    path.rename(saved)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    for db in (live, PracticeDb(url)):
        with pytest.raises(KbzDatabaseError, match="ontbreekt, maar er waren al cijfers"):
            db.current_figures()
    assert not path.exists()  # no empty database was started
    other = tmp_path / "other" / "praktijk.sqlite"
    PracticeDb(f"sqlite:///{other}").check()
    db_engine.dispose()
    other.rename(path)
    with pytest.raises(KbzDatabaseError, match="vervangen door een andere database"):
        PracticeDb(url).history()
    db_engine.dispose()
    path.write_bytes(b"dit is geen database" * 100)
    with pytest.raises(KbzDatabaseError, match="beschadigd") as info:
        PracticeDb(url).current_figures()
    assert str(tmp_path) not in str(info.value)
    db_engine.dispose()
    saved.rename(path)
    assert PracticeDb(url).history()["versie"].tolist() == [1]
    db_engine.dispose()


def test_postgresql_unreachable_and_empty(pg_server, pg_url: str) -> None:  # noqa: F811
    with pytest.raises(KbzSchemaError, match="nog geen tabellen.*practice upgrade"):
        PracticeDb(pg_url).current_figures()
    dead = f"postgresql+psycopg://kbz:geheim@127.0.0.1:{pg_server.port + 1}/kbz"
    with pytest.raises(KbzDatabaseError, match="niet bereikbaar") as info:
        PracticeDb(dead, timeout=2).history()
    assert "geheim" not in str(info.value)
    db_engine.dispose()


# -- import of the journal store -------------------------------------------------------------------------------


def journal_store(store: Path) -> None:
    """A journal store made with today's upload_store: three uploads (the third the same file as the second,
    after it was undone)."""
    upload_store.commit(store, csv("RTD-BLOEMHOF-1;2024Q4;consulten;7001;"), "eerste.csv", today=TODAY)
    upload_store.commit(store, csv("RTD-BLOEMHOF-1;2024Q4;consulten;7002;",
                                   "UTR-ONDIEP-1;2024Q1;patienten_weet_wat_te_doen;30;40"), "tweede.csv", today=TODAY)
    upload_store.undo_last(store)
    upload_store.commit(store, csv("RTD-BLOEMHOF-1;2024Q4;consulten;7002;",
                                   "UTR-ONDIEP-1;2024Q1;patienten_weet_wat_te_doen;30;40"), "tweede.csv", today=TODAY)
    upload_store.commit(store, csv("UTR-ONDIEP-1;2024Q2;consulten;4000;"), "vierde.csv", today=TODAY)
    upload_store.undo_last(store)


def test_migrate_imports_the_journal_with_its_history_idempotently(url: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture) -> None:
    store = tmp_path / "store"
    journal_store(store)
    with pytest.raises(KbzDatabaseError, match="python -m kbz_data practice migrate"):
        PracticeDb(url, store_dir=store).current_figures()
    assert main(["practice", "migrate", "--store", str(store), "--database", url]) == 0
    assert "4 uploads en 2 keer ongedaan maken in het journaal; 4 uploads en 2 keer ongedaan maken toegevoegd" \
        in capsys.readouterr().out
    db = PracticeDb(url, store_dir=store)
    columns = ["praktijk_code", "periode", "kengetal", "teller", "noemer", "herkomst", "versie"]
    pd.testing.assert_frame_equal(db.current_figures()[columns], upload_store.current_figures(store)[columns])
    old, new = upload_store.history(store), db.history()
    assert new["versie"].tolist() == old["versie"].tolist() == [4, 3, 2, 1]
    for column in ("tijd", "bestandsnaam", "sha256", "rijen", "praktijken", "periodes", "status"):
        assert new[column].tolist() == old[column].tolist(), column
    before = state(db)
    assert main(["practice", "migrate", "--store", str(store), "--database", url]) == 0
    assert "0 uploads en 0 keer ongedaan maken toegevoegd" in capsys.readouterr().out
    assert state(db) == before
    # a later upload in the old store (an old server still running) is picked up by the next import
    upload_store.commit(store, csv("UTR-ONDIEP-1;2024Q2;consulten;4100;"), "vijfde.csv", today=TODAY)
    assert main(["practice", "migrate", "--store", str(store), "--database", url]) == 0
    assert "1 uploads en 0 keer ongedaan maken toegevoegd" in capsys.readouterr().out
    assert value(db, "UTR-ONDIEP-1", "2024Q2", "consulten") == (4100, "upload")


def test_migrate_refuses_a_damaged_journal_with_nothing_imported(url: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    store = tmp_path / "store"
    journal_store(store)
    (store / "praktijk" / "versies" / "000003.csv").write_text("kapot", encoding="utf-8")
    assert main(["practice", "migrate", "--store", str(store), "--database", url]) == 1
    assert "beschadigd" in capsys.readouterr().err
    assert PracticeDb(url).history().empty


def test_default_url_and_upgrade_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("KBZ_DATABASE_URL", raising=False)
    local = tmp_path / "lokaal"
    assert db_engine.default_url(None, {"KBZ_DATA_DIR": str(local)}) == \
        f"sqlite:///{local / 'praktijk' / 'praktijk.sqlite'}"
    store_db = tmp_path / "store" / "praktijk" / "praktijk.sqlite"
    assert db_engine.default_url(tmp_path / "store", {}) == f"sqlite:///{store_db}"
    assert db_engine.default_url(None, {"KBZ_DATABASE_URL": "postgresql+psycopg://k@h/d"}) == \
        "postgresql+psycopg://k@h/d"
    assert db_engine.shown_url("postgresql+psycopg://kbz:geheim@h/d") == "postgresql+psycopg://kbz:***@h/d"
    url = f"sqlite:///{tmp_path / 'x' / 'praktijk.sqlite'}"
    assert main(["practice", "upgrade", "--database", url]) == 0
    assert f"staat op schemaversie {db_engine.head_revision()}" in capsys.readouterr().out
    assert PracticeDb(url, create=False).state_token() == "leeg"
    with pytest.raises(KbzDatabaseError, match="bestaat niet.*practice upgrade"):
        PracticeDb(f"sqlite:///{tmp_path / 'y.sqlite'}", create=False).history()
    db_engine.dispose()


KILLED = textwrap.dedent("""
    import sys, time
    from datetime import date
    from kbz_data.practice.db.repository import PracticeDb
    def hook(step):
        if step == "written":
            print("written", flush=True)
            time.sleep(120)
    head = "praktijk_code;periode;kengetal;teller;noemer\\n"
    data = (head + "UTR-ONDIEP-1;2024Q3;consulten;5300;\\n").encode()
    PracticeDb(sys.argv[1], timeout=5).commit(data, "killed.csv", user="k", today=date(2025, 1, 15), hook=hook)
""")


def test_a_writer_killed_mid_transaction_leaves_the_last_good_state(db: PracticeDb, tmp_path: Path) -> None:
    db.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5000;"), "a.csv", user="x", today=TODAY)
    before = state(db)
    script = tmp_path / "killed.py"
    script.write_text(KILLED, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), db.url], env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "written", proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert state(db) == before
    started = time.monotonic()
    after = db.commit(csv("UTR-ONDIEP-1;2024Q3;consulten;5100;"), "b.csv", user="x", today=TODAY)
    assert after["versie"] == 2 and time.monotonic() - started < 4  # the lock died with the writer
    if db.backend == "sqlite":
        execute(db.url, "SELECT 1")
        with db_engine.get_engine(db.url, 5.0).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_add_user_command(url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["practice", "add-user", "--database", url, "--email", "Beheer@KBZ.nl", "--rol", "beheerder"]) == 0
    assert "Gebruiker beheer@kbz.nl (beheerder) toegevoegd" in capsys.readouterr().out
    assert main(["practice", "add-user", "--database", url, "--email", "p@x.nl", "--rol", "praktijk",
                 "--praktijk", "UTR-ONDIEP-1", "--praktijk", "RTD-BLOEMHOF-1", "--naam", "Piet"]) == 0
    db = PracticeDb(url)
    assert db.user("p@x.nl")["praktijken"] == {"UTR-ONDIEP-1", "RTD-BLOEMHOF-1"}
    assert main(["practice", "add-user", "--database", url, "--email", "p@x.nl", "--rol", "analist"]) == 1
    assert "al een gebruiker" in capsys.readouterr().err
    assert main(["practice", "add-user", "--database", url, "--rol", "analist"]) == 2
    assert db.audit_log()["gebruiker"].tolist() == ["opdrachtregel", "opdrachtregel"]


def test_the_models_match_the_migrations(db: PracticeDb) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kbz_data.practice.db.models import Base

    db.check()
    with db_engine.get_engine(db.url, db.timeout).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
