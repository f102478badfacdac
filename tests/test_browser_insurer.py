"""Browser test of the Vergelijken and Budgetverdeling pages in Debian's Chromium (Playwright).

Uses the server fixture of ``tests/test_browser.py`` (a streamlit server on 127.0.0.1 on a store built from the mini
sources, stopped by PID). A deep link is the first request of the fresh server. Fails on error text, on a Python
exception shown in the page and on any request that leaves the machine. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import pytest

from kbz_data.charts.maps import NON_RESIDENTIAL_COLOR, UNKNOWN_COLOR
from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests
from tests.svgmaps import read_maps, wait_for_maps

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")


def test_insurer_pages_in_chromium(server: str, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    bodies: dict[str, str] = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)


        page = browser.new_page(viewport={"width": 1400, "height": 2600})
        watch_requests(page, outside)
        page.goto(f"{server}/vergelijken?gebieden=WK034401,WK034402&indeling=2020", wait_until="domcontentloaded")
        page.get_by_text("Alle indicatoren").wait_for(timeout=60_000)
        page.locator(".kbz-dots").first.wait_for(timeout=60_000)  # the dot chart: server-made HTML
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "vergelijken.png"), full_page=True)
        bodies["vergelijken"] = page.inner_text("body")
        page.get_by_role("tab", name="Behoefte-index").click()
        page.get_by_text("Hoogste behoefte per stad").wait_for(timeout=60_000)
        wait_for_maps(page)
        page.wait_for_timeout(1500)
        need_maps = read_maps(page, shown_only=True)
        page.screenshot(path=str(ARTIFACTS / "vergelijken_behoefte.png"), full_page=True)
        bodies["behoefte"] = page.inner_text("body")
        page.close()

        page = browser.new_page(viewport={"width": 1400, "height": 2600})
        watch_requests(page, outside)
        page.goto(f"{server}/budget?budget=2500000", wait_until="domcontentloaded")
        page.get_by_text("Per gebied").wait_for(timeout=60_000)
        # The mini store has no wijk shapes of division 2024: "Op de kaart" is a ranked bar chart (plotly).
        page.get_by_text("daarom een gerangschikte staafgrafiek").wait_for(timeout=60_000)
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        bars = page.locator(".kbz-bars").first.inner_text()  # "Per stad": HTML bars
        page.screenshot(path=str(ARTIFACTS / "budget.png"), full_page=True)
        bodies["budget"] = page.inner_text("body")
        button = page.get_by_role("button", name="Download Excel").first
        button.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        with page.expect_download(timeout=90_000) as download_info:  # the file is generated on click
            button.click()
        download_info.value.save_as(tmp_path / "budget.xlsx")
        page.get_by_role("tab", name="Scenario").click()
        page.get_by_text("Geen oorzakelijke claim").wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "budget_scenario.png"), full_page=True)
        bodies["scenario"] = page.inner_text("body")
        browser.close()
    for name, text in bodies.items():
        assert "Traceback" not in text and "Error" not in text and "KeyError" not in text, name
    assert "WK034402" in bodies["vergelijken"] and "; RIVM/GGD'en/CBS, Gezondheidsmonitor" in bodies["vergelijken"]
    assert "Bronnen: " in bodies["vergelijken"]  # several sources, "Bron" said once
    # The need index in quintile colours: areas with a fill other than grey, each with its hover text.
    coloured = [a for m in need_maps for a in m["areas"] if a["fill"] not in (UNKNOWN_COLOR, NON_RESIDENTIAL_COLOR)]
    assert coloured and all(a["tip"] for a in coloured), f"behoefte-index zonder gekleurde gebieden: {need_maps}"
    assert all(m["clickable"] for m in need_maps)
    assert "Utrecht" in bars and "Per inwoner" in bars and "€ " in bars, bars
    assert "€ 2.500.000 per jaar" in bodies["budget"]
    assert "Fictieve demodata" in bodies["scenario"]
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "budget.xlsx")
    assert book.sheetnames == ["Verdeling per gebied", "Samenvatting", "Bron"]
    first = [row[0] for row in book["Verdeling per gebied"].iter_rows(max_col=1, values_only=True)]
    assert any("hele centen" in str(v) for v in first) and any("2.500.000" in str(v) for v in first)
    assert outside == [], f"verzoeken buiten de machine: {outside}"
