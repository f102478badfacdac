"""Browser test of the Wijkprofiel and Bronnen en methode pages in Debian's Chromium (Playwright).

Uses the server fixture of ``tests/test_browser.py`` (a streamlit server on 127.0.0.1 on a store built from the
mini sources, stopped by PID). Fails on error text, on a Python exception shown in the page and on any request
that leaves the machine. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

#: (path, text that must appear, screenshot name)
VIEWS = [
    ("/wijkprofiel?code=WK034401", "Wijk 01 West (WK034401)", "wijkprofiel_WK034401.png"),
    ("/wijkprofiel?code=BU03440101&indeling=2020", "Gezondheid 2012", "wijkprofiel_BU03440101.png"),
    ("/wijkprofiel?code=WK999999", "WK999999", "wijkprofiel_onbekend.png"),
    ("/bronnen", "Overgeslagen bij het bouwen", "bronnen.png"),
]


def test_profile_and_sources_pages_in_chromium(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    bodies: dict[str, str] = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)


        # The deep links are the first requests this fresh server gets: a shared link must work on its own.
        for path, expected, shot in VIEWS:
            page = browser.new_page(viewport={"width": 1400, "height": 2600})
            watch_requests(page, outside)
            page.goto(server + path, wait_until="domcontentloaded")
            page.get_by_text(expected).first.wait_for(timeout=60_000)
            if path.startswith("/wijkprofiel") and "WK999999" not in path:
                page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
            bodies[path] = page.inner_text("body")
            page.close()
        browser.close()
    for path, body in bodies.items():
        assert "Traceback" not in body and "Error" not in body and "Exception" not in body, path
    assert "Bron: RIVM/GGD'en/CBS" in bodies["/wijkprofiel?code=WK034401"]
    assert "modelschattingen" in bodies["/wijkprofiel?code=WK034401"]
    assert "onbekend" in bodies["/wijkprofiel?code=WK999999"]
    assert "SHA-256" in bodies["/bronnen"] and "50090NED" in bodies["/bronnen"]
    assert outside == [], f"verzoeken buiten de machine: {outside}"
