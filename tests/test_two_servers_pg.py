"""Two dashboard servers on two ports sharing one PostgreSQL 15 database (tests/pg.py), driven through the upload
page in Chromium: uploads through both at the same time all land and each is visible on the other server after a
rerun; a third server killed with SIGKILL right after "Bevestigen en opslaan" leaves the database consistent with
nothing committed lost. Prints the figures (uploads attempted, landed, kills).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from kbz_data.practice.db import engine as db_engine
from kbz_data.practice.db.repository import PracticeDb
from tests.conftest import APP, CHROMIUM, REPO, _free_port, copy_store, launch_chromium
from tests.pg import pg_server, pg_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")
PER_SERVER = 4
KILLS = 3


def start_server(store_dir: Path, sources: Path, url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "KBZ_STORE": str(store_dir), "KBZ_SOURCES": str(sources), "KBZ_DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APP, "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("streamlit-server startte niet: " + log.read_text())


def upload_file(folder: Path, name: str, periode: str, value: int) -> Path:
    path = folder / name
    path.write_text(f"praktijk_code;periode;kengetal;teller;noemer\nUTR-ONDIEP-1;{periode};consulten;{value};\n",
                    encoding="utf-8")
    return path


def upload_through(base: str, files: list[Path], errors: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 1300, "height": 1200})
            for path in files:
                page.goto(f"{base}/upload", wait_until="domcontentloaded")
                page.get_by_text("2. Bestand uploaden").wait_for(timeout=60_000)
                page.locator("input[type=file]").set_input_files(str(path))
                page.get_by_role("button", name="Bevestigen en opslaan").click(timeout=60_000)
                page.get_by_text("Opgeslagen als versie").wait_for(timeout=60_000)
            browser.close()
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(f"{base}: {exc}")


def consistent(db: PracticeDb) -> None:
    """Every upload has exactly its rows of figures, versions are gap-free, the audit log has each upload."""
    from sqlalchemy import func, select

    from kbz_data.practice.db.models import Figure, Upload

    with db.engine.connect() as conn:
        uploads = conn.execute(select(Upload.id, Upload.rijen)).all()
        counts = dict(conn.execute(select(Figure.upload_id, func.count()).group_by(Figure.upload_id)).all())
    assert sorted(u for u, _ in uploads) == list(range(1, len(uploads) + 1))
    assert all(counts.get(u, 0) == rows for u, rows in uploads)
    audit = db.audit_log()
    assert (audit["actie"] == "upload").sum() == len(uploads)


def test_two_servers_share_postgresql(pg_url: str, mini_store, tmp_path: Path) -> None:  # noqa: F811
    db_engine.upgrade(pg_url, timeout=10)
    db = PracticeDb(pg_url, timeout=10)
    store_a, store_b = copy_store(mini_store, tmp_path / "a"), copy_store(mini_store, tmp_path / "b")
    server_a, base_a = start_server(store_a, mini_store.sources, pg_url, tmp_path / "a.log")
    server_b, base_b = start_server(store_b, mini_store.sources, pg_url, tmp_path / "b.log")
    attempted = landed_before = 0
    try:
        periods = [f"{year}Q{q}" for year in (2022, 2023) for q in (1, 2, 3, 4)]
        files_a = [upload_file(tmp_path, f"a{i}.csv", periods[i], 5000 + i) for i in range(PER_SERVER)]
        files_b = [upload_file(tmp_path, f"b{i}.csv", periods[PER_SERVER + i], 6000 + i) for i in range(PER_SERVER)]
        errors: list[str] = []
        threads = [threading.Thread(target=upload_through, args=(base, files, errors))
                   for base, files in ((base_a, files_a), (base_b, files_b))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        attempted += 2 * PER_SERVER
        assert not errors, errors
        history = db.history()
        assert len(history) == 2 * PER_SERVER and set(history["status"]) == {"actief"}
        consistent(db)
        landed_before = len(history)

        # Each server shows the other's uploads after a rerun (no cache keeps the old state).
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 1300, "height": 1600})
            for base in (base_a, base_b):
                page.goto(f"{base}/upload", wait_until="domcontentloaded")
                page.get_by_text("3. Eerdere uploads").wait_for(timeout=60_000)
                grid = page.locator("[data-testid=stDataFrame]").last
                grid.wait_for(timeout=30_000)
                deadline = time.monotonic() + 60  # the grid fills its cells after it is drawn (slow on a busy machine)
                while True:
                    cells = " ".join(grid.locator("[role=gridcell]").all_text_contents())
                    if all(p.name in cells for p in files_a + files_b) or time.monotonic() > deadline:
                        break
                    page.wait_for_timeout(500)
                assert all(p.name in cells for p in files_a + files_b), (base, cells[:800])
            browser.close()
    finally:
        for server in (server_a, server_b):
            server.terminate()
            server.wait(timeout=10)

    # SIGKILL a server right after "Bevestigen en opslaan".
    kills = 0
    rng = random.Random(10)
    for round_ in range(KILLS):
        store_c = copy_store(mini_store, tmp_path / f"c{round_}")
        server_c, base_c = start_server(store_c, mini_store.sources, pg_url, tmp_path / f"c{round_}.log")
        path = upload_file(tmp_path, f"kill{round_}.csv", f"2021Q{round_ + 1}", 7000 + round_)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page()
            page.goto(f"{base_c}/upload", wait_until="domcontentloaded")
            page.locator("input[type=file]").set_input_files(str(path))
            page.get_by_role("button", name="Bevestigen en opslaan").click(timeout=60_000)
            time.sleep(rng.uniform(0.0, 0.4))
            os.kill(server_c.pid, signal.SIGKILL)
            server_c.wait(timeout=10)
            kills += 1
            browser.close()
        attempted += 1
        consistent(db)
        history = db.history()
        assert len(history) >= landed_before and set(history.tail(landed_before)["status"]) == {"actief"}
        landed_before = len(history)
    landed = len(db.history())
    print(f"\ntwee servers op PostgreSQL: {attempted} uploads geprobeerd, {landed} geland,"
          f" {kills} servers met SIGKILL gestopt tijdens een upload, {attempted - landed} niet geland"
          " (alleen bij een kill, en dan niets half)")
    assert landed >= 2 * PER_SERVER
