"""Browser test: upload a practice file in Chromium, confirm, and see the new figure on the Praktijk page.

Same rules as tests/test_browser.py: our own server on 127.0.0.1 (stopped by PID), no request may leave the
machine, screenshots in artifacts/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kbz_data.build import build
from tests.conftest import REPO, snapshot_tree

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")
GOOD = ("praktijk_code;periode;kengetal;teller;noemer\r\n"
        "RTD-BLOEMHOF-1;2024Q4;consulten;4.321;\r\n"
        "RTD-BLOEMHOF-1;2024Q4;verwijzingen_ziekenhuis;199;\r\n").encode("utf-8-sig")
BAD = "praktijk_code;periode;kengetal;teller;noemer\r\nRTD-BLOEMHOF-1;2024Q5;consulten;12,5;\r\n".encode("cp1252")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def practice_server(mini_sources: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    store_dir = tmp_path / "store"
    build(mini_sources, store_dir)
    port = _free_port()
    env = {**os.environ, "KBZ_STORE": str(store_dir), "KBZ_SOURCES": str(mini_sources)}
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit-server startte niet binnen 60 s: " + (tmp_path / "server.log").read_text())
        yield url, store_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_upload_in_chromium_shows_new_figure_on_praktijk_page(practice_server: tuple[str, Path],
                                                              tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    server, store_dir = practice_server
    ARTIFACTS.mkdir(exist_ok=True)
    good, bad = tmp_path / "cijfers_bloemhof.csv", tmp_path / "fout.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(BAD)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1400})

        def check(request) -> None:
            if request.url.startswith(("data:", "blob:", "about:")):
                return
            if urlparse(request.url).hostname not in ("127.0.0.1", "localhost"):
                outside.append(request.url)

        page.on("request", check)
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
        assert snapshot_tree(store_dir / "praktijk") == {}

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
    assert "Consulten (aantal), 2024Q4" in body and "4.321" in body
    assert "Fictieve demodata" in body  # the comparison still holds demo figures
    assert outside == [], f"verzoeken buiten de machine: {outside}"
