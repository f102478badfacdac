"""Readable pages in Chromium: no skipped heading level (axe "heading-order"), Dutch placeholders in empty choice
widgets, tabs that fit a phone, the Praktijk table with its numbers in view on a phone, and a sidebar that gets
out of the way on a phone after a choice in it. Screenshots go to ``artifacts/``."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, wait_idle, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/wijkprofiel?code=WK034401", "/vergelijken", "/budget", "/bronnen", "/praktijk", "/upload",
         "/toegankelijkheid", "/beheer", "/kaart"]



def _sidebar_right(page) -> float:
    return page.evaluate("() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().right")


def test_headings_and_placeholders_on_every_page(server: str) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    problems: dict[str, object] = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        watch_requests(page, outside)
        for path in PAGES:
            page.goto(server + path)
            wait_idle(page)
            levels = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stMain\"] h1, "
                                   "[data-testid=\"stMain\"] h2, [data-testid=\"stMain\"] h3, [data-testid=\"stMain\"]"
                                   " h4, [data-testid=\"stMain\"] h5, [data-testid=\"stMain\"] h6')]"
                                   ".map(h => Number(h.tagName[1]))")
            skipped = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
            axe = Axe().run(page, options={"runOnly": ["heading-order"], "resultTypes": ["violations"]})
            english = page.evaluate("() => [...document.querySelectorAll('[placeholder]')].filter(e =>"
                                    " e.getAttribute('placeholder').startsWith('Choose')).length")
            english += page.get_by_text("Choose an option").count()
            if skipped or axe.response["violations"] or english or not levels or levels[0] != 1:
                problems[path] = {"niveaus": levels, "axe": [v["id"] for v in axe.response["violations"]],
                                  "Engelse placeholder": english}
        page.goto(server + "/beheer")
        wait_idle(page)
        placeholders = page.evaluate("() => [...document.querySelectorAll('[placeholder]')]"
                                     ".map(e => e.getAttribute('placeholder'))")
        assert "Kies een of meer praktijken" in placeholders, placeholders  # the empty multiselect
        browser.close()
    assert not problems, problems
    assert not outside, outside


def test_phone_tabs_praktijk_table_and_sidebar(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
        watch_requests(page, outside)
        for path in ("/budget", "/vergelijken"):
            page.goto(server + path)
            wait_idle(page)
            tabs = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stTab\"]')]"
                                 ".map(t => [t.textContent, t.getBoundingClientRect().right])")
            assert len(tabs) == 3, tabs
            assert all(right <= PHONE["width"] for _text, right in tabs), f"{path}: tabbladen vallen af: {tabs}"
            page.screenshot(path=str(ARTIFACTS / f"ux_tabs{path.replace('/', '_')}_390.png"))

        page.goto(server + "/praktijk")
        page.get_by_text("Laatste cijfers per kengetal").wait_for(timeout=180_000)
        wait_idle(page)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "ux_praktijk_tabel_390.png"))
        box = table.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
        # Glide draws the grid on a canvas; its accessible copy lists the headers in screen order: numbers first.
        headers = page.evaluate("() => [...document.querySelector('[data-testid=\"stDataFrame\"]')"
                                ".querySelectorAll('th')].map(th => th.textContent.trim())")
        assert headers[:3] == ["Mijn praktijk", "Gemiddelde KBZ", "Kengetal"], headers

        # The sidebar starts collapsed on a phone; after a choice in it, it closes again (it covered the page).
        page.goto(server + "/wijkprofiel?code=WK034401")
        wait_idle(page)
        assert _sidebar_right(page) <= 0
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_timeout(800)
        assert _sidebar_right(page) > 200
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="Utrecht").click()
        page.wait_for_timeout(1500)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "ux_zijbalk_na_keuze_390.png"))
        assert _sidebar_right(page) <= 0, "de zijbalk bleef open over de pagina na een keuze"
        browser.close()
    assert not outside, outside
