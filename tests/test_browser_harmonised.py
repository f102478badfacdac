"""Browser test (issue 11): on the committed snapshot store, Rotterdam buurten 2024 draw an income map, and a
harmonised health map says "omgerekend uit indeling 2020" in its hover data and in its Excel download."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests
from tests.svgmaps import read_maps, wait_for_maps

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")





def _maps(page) -> list[dict]:
    wait_for_maps(page)
    page.wait_for_timeout(1500)
    return read_maps(page)


def test_rotterdam_income_map_and_harmonised_hover_and_excel(snapshot_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        watch_requests(page, outside)
        page.goto(f"{snapshot_server}/kaart?gemeente=GM0599&niveau=buurt&indicator=inkomen_per_inwoner"
                  "&periode=2024-2024", wait_until="domcontentloaded")
        incomes = _maps(page)
        page.screenshot(path=str(ARTIFACTS / "issue11_rotterdam_inkomen_buurt_2024.png"))
        income_body = page.inner_text("body")

        page.goto(f"{snapshot_server}/kaart?gemeente=GM0363&niveau=buurt&indicator=ervaren_gezondheid_goed"
                  "&periode=2020-2024", wait_until="domcontentloaded")
        health = _maps(page)
        page.screenshot(path=str(ARTIFACTS / "issue11_amsterdam_gezondheid_omgerekend.png"))
        button = page.get_by_role("button", name="Download Excel")
        button.wait_for(timeout=60_000)
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=60_000) as info:
            button.click()
        path = tmp_path / "kaart.xlsx"
        info.value.save_as(path)
        browser.close()
    assert len(incomes) == 1 and len(incomes[0]["areas"]) >= 60, incomes  # Rotterdam's buurten on one map
    assert len({a["fill"] for a in incomes[0]["areas"]}) >= 4  # coloured in classes (plus grey)
    assert "staafgrafiek" not in income_body and "Traceback" not in income_body
    # The note is the last line of an area's hover text.
    notes = [a["tip"].rsplit("\n", 1)[-1] for m in health for a in m["areas"]]
    assert notes and len(health) == 1, health
    assert any("omgerekend uit indeling 2020" in n for n in notes)
    assert any("kwaliteit matig" in n or "kwaliteit slecht" in n for n in notes)
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))["Gegevens"]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any(c.startswith("omgerekend uit indeling 2020") for c in cells)
    assert not any(c in ("None", "nan", "NaN", "<NA>") for c in cells)
    assert outside == [], f"verzoeken buiten de machine: {outside}"
