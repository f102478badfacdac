"""The durable practice store: versions, overlay on the demo set, undo, serialized writes, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from kbz_data.practice import demo, upload_store
from kbz_data.practice.errors import KbzPracticeStoreError
from tests.conftest import REPO, snapshot_tree

TODAY = date(2025, 1, 15)
HEADER = "praktijk_code;periode;kengetal;teller;noemer\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


def value(store_dir: Path, code: str, periode: str, kengetal: str) -> tuple[int, str]:
    frame = upload_store.current_figures(store_dir)
    row = frame[(frame["praktijk_code"] == code) & (frame["periode"] == periode) & (frame["kengetal"] == kengetal)]
    assert len(row) == 1
    return int(row["teller"].iloc[0]), str(row["herkomst"].iloc[0])


def demo_value(code: str, periode: str, kengetal: str) -> int:
    d = demo.read()
    rows = d[(d["praktijk_code"] == code) & (d["periode"] == periode) & (d["kengetal"] == kengetal)]
    return int(rows["teller"].iloc[0])


def test_versions_overlay_and_undo(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    original = demo_value("RTD-BLOEMHOF-1", "2024Q4", "consulten")
    assert value(store_dir, "RTD-BLOEMHOF-1", "2024Q4", "consulten") == (original, "demo")
    assert upload_store.state_token(store_dir) == "leeg"

    first = upload_store.commit(store_dir, csv("RTD-BLOEMHOF-1;2024Q4;consulten;7001;",
                                               "RTD-BLOEMHOF-1;2025Q1;consulten;6000;"), "eerste.csv", today=TODAY)
    token1 = upload_store.state_token(store_dir)
    second = upload_store.commit(store_dir, csv("RTD-BLOEMHOF-1;2024Q4;consulten;7002;"), "tweede.csv", today=TODAY)
    assert (first["versie"], second["versie"]) == (1, 2)
    assert value(store_dir, "RTD-BLOEMHOF-1", "2024Q4", "consulten") == (7002, "upload")
    assert value(store_dir, "RTD-BLOEMHOF-1", "2025Q1", "consulten") == (6000, "upload")

    journal = json.loads((store_dir / "praktijk" / "journal.json").read_text(encoding="utf-8"))
    event = journal["gebeurtenissen"][0]
    assert event["bestandsnaam"] == "eerste.csv" and len(event["sha256"]) == 64 and event["tijd"].endswith("+00:00")
    assert (store_dir / "praktijk" / "versies" / "000001.csv").is_file()

    undone = upload_store.undo_last(store_dir)
    assert undone["versie"] == 2
    assert value(store_dir, "RTD-BLOEMHOF-1", "2024Q4", "consulten") == (7001, "upload")
    assert upload_store.state_token(store_dir) != token1  # the journal grew, so caches see a new state
    upload_store.undo_last(store_dir)
    assert value(store_dir, "RTD-BLOEMHOF-1", "2024Q4", "consulten") == (original, "demo")
    figures = upload_store.current_figures(store_dir)
    assert not (figures["periode"] == "2025Q1").any()
    with pytest.raises(KbzPracticeStoreError, match="geen upload om ongedaan te maken"):
        upload_store.undo_last(store_dir)
    history = upload_store.history(store_dir)
    assert history["versie"].tolist() == [2, 1]
    assert history["status"].str.startswith("ongedaan gemaakt").all()


def test_preview_classifies_new_changed_unchanged(tmp_path: Path) -> None:
    from kbz_data.practice.upload_checks import validate_upload

    same = demo_value("UTR-ONDIEP-1", "2024Q4", "consulten")
    checked = validate_upload(csv(f"UTR-ONDIEP-1;2024Q4;consulten;{same};", "UTR-ONDIEP-1;2024Q4;verwijzingen_ggz;1;",
                                  "UTR-ONDIEP-1;2025Q1;consulten;5000;"), "p.csv", today=TODAY)
    change = upload_store.preview(upload_store.current_figures(tmp_path), checked)
    assert change["status"].tolist() == ["ongewijzigd", "gewijzigd", "nieuw"]
    assert change["huidige_herkomst"].tolist()[:2] == ["demo", "demo"]


def test_preview_summary_and_table_for_the_page(tmp_path: Path) -> None:
    from kbz_data.practice.upload_checks import validate_upload

    same = demo_value("UTR-ONDIEP-1", "2024Q4", "consulten")
    checked = validate_upload(csv("UTR-ONDIEP-1;2025Q1;consulten;5000;", f"UTR-ONDIEP-1;2024Q4;consulten;{same};",
                                  "UTR-ONDIEP-1;2024Q4;verwijzingen_ggz;1;"), "p.csv", today=TODAY)
    change = upload_store.preview(upload_store.current_figures(tmp_path), checked)
    assert upload_store.preview_summary(change) == {"nieuw": 1, "gewijzigd": 1, "ongewijzigd": 1}
    table = upload_store.preview_table(change)
    assert table["status"].tolist() == ["gewijzigd", "nieuw", "ongewijzigd"]
    assert list(table.columns) == ["status", "praktijk_code", "periode", "kengetal", "teller", "noemer",
                                   "huidige teller", "huidige noemer", "huidige herkomst"]
    assert "_volgorde" not in change.columns  # the preview itself is not changed


def test_history_table_and_can_undo(tmp_path: Path) -> None:
    assert upload_store.history_table(tmp_path).empty
    upload_store.commit(tmp_path, csv("UTR-ONDIEP-1;2024Q4;consulten;1;"), "a.csv", today=TODAY)
    table = upload_store.history_table(tmp_path)
    assert table["sha256"].str.len().tolist() == [16]
    assert upload_store.can_undo(table)
    upload_store.undo_last(tmp_path)
    assert not upload_store.can_undo(upload_store.history_table(tmp_path))


def test_uploaded_figures_hold_only_active_uploads(tmp_path: Path) -> None:
    assert upload_store.uploaded_figures(tmp_path).empty
    upload_store.commit(tmp_path, csv("UTR-ONDIEP-1;2024Q4;consulten;1;"), "a.csv", today=TODAY)
    upload_store.commit(tmp_path, csv("UTR-ONDIEP-1;2024Q4;consulten;2;", "UTR-ONDIEP-1;2024Q4;verwijzingen_ggz;1;"),
                        "b.csv", today=TODAY)
    frame = upload_store.uploaded_figures(tmp_path)
    assert frame[["kengetal", "teller", "versie", "herkomst"]].values.tolist() == [
        ["consulten", 2, 2, "upload"], ["verwijzingen_ggz", 1, 2, "upload"]]


def test_plausibility_is_checked_again_under_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another upload lands between the check and the lock: the file is refused against it, nothing is written."""
    from kbz_data.practice import upload_checks
    from kbz_data.practice.errors import KbzUploadError

    def validate_then_other_upload(*args, **kwargs):
        result = upload_checks.validate_upload(*args, **kwargs)
        monkeypatch.setattr(upload_store, "validate_upload", upload_checks.validate_upload)
        upload_store.commit(tmp_path, csv("RTD-CROOSWIJK-1;2024Q4;consulten;100;"), "tussendoor.csv", today=TODAY)
        return result

    monkeypatch.setattr(upload_store, "validate_upload", validate_then_other_upload)
    with pytest.raises(KbzUploadError) as info:
        upload_store.commit(tmp_path, csv("RTD-CROOSWIJK-1;2024Q4;consulten_lang;101;"), "lang.csv", today=TODAY)
    assert [str(p) for p in info.value.problems] == [
        "rij 2, kolom teller: consulten_lang 101 is groter dan consulten 100 (al opgeslagen, versie 1), bij praktijk"
        " RTD-CROOSWIJK-1 in 2024Q4; lange consulten zijn een deel van alle consulten. Controleer beide cijfers"]
    assert upload_store.history(tmp_path)["bestandsnaam"].tolist() == ["tussendoor.csv"]
    assert sorted(p.name for p in (tmp_path / "praktijk" / "versies").iterdir()) == ["000001.csv"]


def test_damaged_version_is_reported(tmp_path: Path) -> None:
    upload_store.commit(tmp_path, csv("UTR-ONDIEP-1;2024Q4;consulten;1;"), "a.csv", today=TODAY)
    (tmp_path / "praktijk" / "versies" / "000001.csv").write_text("kapot", encoding="utf-8")
    with pytest.raises(KbzPracticeStoreError, match="beschadigd"):
        upload_store.current_figures(tmp_path)


WRITER = textwrap.dedent("""
    import sys, time
    from datetime import date
    from pathlib import Path
    from kbz_data.practice import upload_store

    store, name, teller, mode, marker = sys.argv[1:6]
    log = Path(marker)

    def hook(step):
        if mode == "slow" and step == "locked":
            with log.open("a") as f:
                f.write(f"in {name} {time.monotonic()}\\n")
            time.sleep(0.8)
        elif mode == "slow" and step == "committed":  # the last step under the lock
            with log.open("a") as f:
                f.write(f"out {name} {time.monotonic()}\\n")
        elif mode == step:
            log.write_text("ready")
            time.sleep(120)

    data = f"praktijk_code;periode;kengetal;teller;noemer\\nRTD-CROOSWIJK-1;2024Q4;{name};{teller};\\n".encode()
    event = upload_store.commit(store, data, name + ".csv", today=date(2025, 1, 15), hook=hook)
    print(event["versie"])
""")


def _start(store_dir: Path, name: str, teller: int, mode: str, marker: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(store_dir), name, str(teller), mode, str(marker)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def test_two_processes_upload_at_once_both_land_in_order(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    log = tmp_path / "log.txt"
    procs = [_start(store_dir, "consulten", 111, "slow", log), _start(store_dir, "verwijzingen_ggz", 22, "slow", log)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert sorted(int(o[0]) for o in outs) == [1, 2]
    # serialized: the second writer entered the locked section only after the first left it
    lines = [line.split() for line in log.read_text().splitlines()]
    assert [kind for kind, _n, _t in lines] == ["in", "out", "in", "out"]
    assert lines[0][1] == lines[1][1] and lines[2][1] == lines[3][1]
    assert float(lines[2][2]) >= float(lines[1][2]) - 0.05
    history = upload_store.history(store_dir)
    assert history["versie"].tolist() == [2, 1]
    assert history["bestandsnaam"].iloc[1] == f"{lines[0][1]}.csv"  # version 1 = the one that got the lock first
    assert value(store_dir, "RTD-CROOSWIJK-1", "2024Q4", "consulten") == (111, "upload")
    assert value(store_dir, "RTD-CROOSWIJK-1", "2024Q4", "verwijzingen_ggz") == (22, "upload")


@pytest.mark.parametrize("step", ["locked", "version_written", "journal_tmp_written"])
def test_writer_killed_mid_write_leaves_last_good_state(tmp_path: Path, step: str) -> None:
    store_dir = tmp_path / "store"
    upload_store.commit(store_dir, csv("RTD-CROOSWIJK-1;2024Q4;consulten;500;"), "goed.csv", today=TODAY)
    before_journal = (store_dir / "praktijk" / "journal.json").read_bytes()
    before = upload_store.current_figures(store_dir)
    marker = tmp_path / "marker"
    proc = _start(store_dir, "consulten", 999, step, marker)
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "schrijver kwam niet op het afgesproken punt"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert (store_dir / "praktijk" / "journal.json").read_bytes() == before_journal
    after = upload_store.current_figures(store_dir)
    assert after.equals(before)
    assert value(store_dir, "RTD-CROOSWIJK-1", "2024Q4", "consulten") == (500, "upload")
    # the lock died with the writer: the next upload lands, and leftovers of the dead writer are cleaned up
    event = upload_store.commit(store_dir, csv("RTD-CROOSWIJK-1;2024Q4;consulten;501;"), "daarna.csv", today=TODAY)
    assert event["versie"] == 2
    assert value(store_dir, "RTD-CROOSWIJK-1", "2024Q4", "consulten") == (501, "upload")
    leftovers = [p for p in snapshot_tree(store_dir / "praktijk") if ".tmp-" in p]
    assert leftovers == []
