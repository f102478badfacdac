"""Browser test: quick successive clicks on a download button all get their file, and the file is the view shown.

Before, each click reran the page, which dropped the deferred file of the previous run: a quick second click got
nothing (``MediaFileStorageError: Deferred file ... not found`` in the server log).
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import CHROMIUM, launch_chromium, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")


def test_quick_successive_download_clicks(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    files: list[bytes] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        watch_requests(page, outside)
        page.goto(f"{server}/praktijk?praktijk=RTD-BLOEMHOF-1", wait_until="domcontentloaded")
        button = page.get_by_role("button", name="Download vergelijking (Excel)")
        button.wait_for(timeout=60_000)
        button.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        downloads = []
        page.on("download", lambda download: downloads.append(download))
        for _ in range(3):  # three bursts of two clicks with no pause in between
            button.click()
            button.click()
            page.wait_for_timeout(300)
        for _ in range(100):
            if len(downloads) >= 6:
                break
            page.wait_for_timeout(200)
        for i, download in enumerate(downloads):
            path = tmp_path / f"vergelijking_{i}.xlsx"
            download.save_as(path)
            files.append(path.read_bytes())
        body = page.inner_text("body")
        browser.close()
    assert "Traceback" not in body and "Error" not in body
    assert len(files) == 6, f"{len(files)} van de 6 downloads aangekomen"
    for data in files:
        first = [row[0] for row in openpyxl.load_workbook(io.BytesIO(data))["cijfers"].iter_rows(
            max_col=1, max_row=3, values_only=True)]
        assert "vergeleken met" in first[0] and first[1].startswith("FICTIEVE DEMODATA")
    log = (tmp_path / "server.log").read_text()
    assert "Deferred file" not in log and "MediaFileStorageError" not in log
    assert outside == [], f"verzoeken buiten de machine: {outside}"
