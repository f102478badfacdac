"""Browser test: upload a practice file in Chromium, confirm, and see the new figure on the Praktijk page.

Same rules as tests/test_browser.py: our own server on 127.0.0.1 (stopped by PID), no request may leave the
machine, screenshots in artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kbz_data.practice.db.repository import PracticeDb
from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, snapshot_tree, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")
GOOD = ("praktijk_code;periode;kengetal;teller;noemer\r\n"
        "RTD-BLOEMHOF-1;2024Q4;consulten;4.321;\r\n"
        "RTD-BLOEMHOF-1;2024Q4;verwijzingen_ziekenhuis;199;\r\n").encode("utf-8-sig")
BAD = "praktijk_code;periode;kengetal;teller;noemer\r\nRTD-BLOEMHOF-1;2024Q5;consulten;12,5;\r\n".encode("cp1252")


def test_upload_in_chromium_shows_new_figure_on_praktijk_page(served_store: tuple[str, Path],
                                                              tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    server, store_dir = served_store
    ARTIFACTS.mkdir(exist_ok=True)
    good, bad = tmp_path / "cijfers_bloemhof.csv", tmp_path / "fout.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(BAD)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        watch_requests(page, outside)
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_role("link", name="Praktijkcijfers uploaden").wait_for(timeout=60_000)  # app.py has run
        page.goto(f"{server}/upload", wait_until="domcontentloaded")
        page.get_by_text("1. Sjabloon downloaden").wait_for(timeout=60_000)

        page.locator("input[type=file]").set_input_files(str(bad))
        page.get_by_text("fout.csv is niet opgeslagen").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "upload_fout.png"), full_page=True)
        error_text = page.inner_text("body")
        assert "'2024Q5' is geen kwartaal" in error_text and "'12,5' is geen heel getal" in error_text
        # Nothing stored: the practice database (created on first use) holds no upload and nothing of the file.
        assert PracticeDb(store_dir=store_dir).history().empty
        assert not any(b"2024Q5" in data for data in snapshot_tree(store_dir / "praktijk").values())

        page.locator("input[type=file]").set_input_files(str(good))
        page.get_by_role("button", name="Bevestigen en opslaan").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "upload_voorbeeld.png"), full_page=True)
        page.get_by_role("button", name="Bevestigen en opslaan").click()
        page.get_by_text("Opgeslagen als versie 1").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "upload_opgeslagen.png"), full_page=True)

        page.goto(f"{server}/praktijk?praktijk=RTD-BLOEMHOF-1", wait_until="domcontentloaded")
        page.get_by_text("Ontwikkeling per kwartaal").wait_for(timeout=60_000)
        page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "praktijk.png"), full_page=True)
        body = page.inner_text("body")
        browser.close()
    assert "Traceback" not in body
    assert "Kerncijfers over kwartaal 2024Q4" in body and "4.321" in body
    assert "Fictieve demodata" in body  # the comparison still holds demo figures
    assert outside == [], f"verzoeken buiten de machine: {outside}"
