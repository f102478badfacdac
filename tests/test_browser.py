"""Browser test: the dashboard in Debian's Chromium (Playwright), served on 127.0.0.1 by a server we start.

Fails on error text, on a Python exception shown in the page, and on any request that leaves the machine.
Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kbz_data.charts.maps import NON_RESIDENTIAL_COLOR, UNKNOWN_COLOR
from kbz_data.indicators import INDICATORS
from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests
from tests.svgmaps import read_maps, wait_for_maps

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")


def test_pages_in_chromium(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        watch_requests(page, outside)
        # A shared link is the very first request of this fresh server: it must work on its own.
        page.goto(f"{server}/kaart?gemeente=GM0344&niveau=buurt&indicator=roker&periode=2020-2020",
                  wait_until="domcontentloaded")
        page.get_by_text("Kleurindeling").wait_for(timeout=60_000)
        wait_for_maps(page)
        page.wait_for_timeout(1500)
        maps = read_maps(page)
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
    assert INDICATORS["roker"].label in body_kaart and "Bron: RIVM/GGD'en/CBS" in body_kaart
    assert len(maps) == 1 and maps[0]["box"][2] > 300, maps  # one city: one map, drawn on the screen
    areas = {a["code"]: a for a in maps[0]["areas"]}
    assert len(areas) >= 2, "de kaart is niet getekend (geen gebieden in de SVG)"
    # The mini store has one buurt with a figure (coloured in its class) and buurten without (grey, "onbekend");
    # each area's hover text names it and gives its value.
    assert areas["BU03440101"]["fill"] not in (UNKNOWN_COLOR, NON_RESIDENTIAL_COLOR), areas["BU03440101"]
    assert areas["BU03440101"]["tip"].startswith("Welgelegen, Den Hommel (BU03440101)\nWaarde: "), areas
    assert "Waarde: onbekend" not in areas["BU03440101"]["tip"]
    assert areas["BU03440102"]["fill"] == UNKNOWN_COLOR, areas["BU03440102"]
    assert "(BU03440102)\nWaarde: onbekend" in areas["BU03440102"]["tip"], areas["BU03440102"]
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
