"""Browser test: the dashboard in Debian's Chromium (Playwright), served on 127.0.0.1 by a server we start.

Fails on error text, on a Python exception shown in the page, and on any request that leaves the machine.
Screenshots go to ``artifacts/``.
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
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(mini_sources: Path, tmp_path: Path) -> Iterator[str]:
    """A streamlit server on 127.0.0.1 serving the app on a store built from the mini sources."""
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
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_pages_in_chromium(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        def check(request) -> None:
            host = urlparse(request.url).hostname
            if request.url.startswith(("data:", "blob:", "about:")):
                return
            if host not in ("127.0.0.1", "localhost"):
                outside.append(request.url)

        page.on("request", check)
        # A shared link is the very first request of this fresh server: it must work on its own.
        page.goto(f"{server}/kaart?gemeente=GM0344&niveau=buurt&indicator=roker&periode=2020-2020",
                  wait_until="domcontentloaded")
        page.get_by_text("Kleurindeling").wait_for(timeout=60_000)
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2500)
        coloured = page.evaluate(
            """() => [...document.querySelectorAll('.js-plotly-plot')].map(p => (p.data || [])
                 .filter(t => t.type === 'choroplethmap' && t.locations && t.locations.length).length)"""
        )
        canvases = page.locator(".js-plotly-plot canvas").count()
        page.screenshot(path=str(ARTIFACTS / "kaart.png"), full_page=True)
        body_kaart = page.inner_text("body")
        page.get_by_text("Download CSV").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        with page.expect_download() as download_info:
            page.get_by_text("Download CSV").click()
        csv_path = tmp_path / "kaart.csv"
        download_info.value.save_as(csv_path)
        page.wait_for_timeout(1500)
        with page.expect_download() as download_info:
            page.get_by_text("Download Excel").click()
        xlsx_path = tmp_path / "kaart.xlsx"
        download_info.value.save_as(xlsx_path)
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Kerncijfers per stad").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "overzicht.png"), full_page=True)
        body = page.inner_text("body")
        browser.close()
    for text in (body, body_kaart):
        assert "Traceback" not in text and "Error" not in text and "KeyError" not in text
    assert "Rookt" in body_kaart and "Bron: RIVM/GGD'en/CBS" in body_kaart
    assert coloured and coloured[0] >= 2, f"kaart zonder gekleurde gebieden: {coloured}"
    assert canvases >= 1, "de kaart is niet getekend (geen canvas)"
    import io

    import openpyxl
    import pandas as pd

    table = pd.read_csv(csv_path, sep=";", decimal=",", comment="#", encoding="utf-8-sig")
    assert "BU03440101" in set(table["Code"])
    assert "Bron: RIVM/GGD'en/CBS" in Path(csv_path).read_text(encoding="utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_path).read_bytes()))
    assert book.sheetnames == ["Gegevens", "Bron"]
    assert "Utrecht" in body and "75%" in body
    assert outside == [], f"verzoeken buiten de machine: {outside}"
