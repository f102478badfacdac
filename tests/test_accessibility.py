"""Accessibility scan of every page with axe-core (``axe-playwright-python`` bundles axe.min.js; no network) in
Debian's Chromium against the mini-store server.

Fails on any violation of impact "serious" or "critical"; the counts per page and state (all impacts) are written
to ``artifacts/axe_counts.json`` and the rule ids of every violation to ``artifacts/axe_violations.json``.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests
from tests.svgmaps import wait_for_maps

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

#: (state name, path, text that shows the page has drawn, tab to click or None, figure to wait for: "kaart" (an SVG
#: map, tests/svgmaps.py), "plotly" (a plotly chart) or None)
STATES = [
    ("overzicht", "/", "KBZ", None, None),  # the default page is at the root (also at /overzicht)
    ("kaart", "/kaart", "Kaart", None, "kaart"),
    ("wijkprofiel", "/wijkprofiel?code=BU03440101&indeling=2020", "Gezondheid 2012", None, "profiel"),
    ("vergelijken_naast", "/vergelijken", "Naast elkaar", None, None),
    ("vergelijken_behoefte", "/vergelijken", "Behoefte-index", "Behoefte-index", "kaart"),
    ("vergelijken_vergelijkbaar", "/vergelijken", "Vergelijkbaar", "Vergelijkbaar", None),
    ("budget", "/budget", "Budgetverdeling", None, "plotly"),  # mini store: a bar chart, no map
    ("bronnen", "/bronnen", "Overgeslagen bij het bouwen", None, None),
    ("praktijk", "/praktijk", "Praktijk", None, None),
    ("upload", "/upload", "uploaden", None, None),
    ("toegankelijkheid", "/toegankelijkheid", "Toegankelijkheidsverklaring", None, None),
]

BLOCKING = ("serious", "critical")


def _wait_until_idle(page) -> None:
    """Wait until the app has finished its run: while it runs, Streamlit fades the elements of the previous run
    (opacity), which axe would rightly report as low contrast."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
    page.wait_for_timeout(1000)


def _scan(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    # WCAG 2.0/2.1 A and AA rules (the Dutch legal norm), plus axe's best practices left out: they are advice.
    options = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    return Axe().run(page, options=options).response["violations"]


def test_every_page_has_no_serious_or_critical_axe_violations(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    counts: dict[str, dict[str, int]] = {}
    found: dict[str, list[str]] = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for name, path, expected, tab, chart in STATES:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            watch_requests(page, outside)
            page.goto(server + path, wait_until="domcontentloaded")
            page.get_by_text(expected).first.wait_for(timeout=60_000)
            if tab is not None:
                page.get_by_role("tab", name=tab).click()
            if chart == "kaart":
                wait_for_maps(page, timeout=60_000)
            elif chart == "profiel":  # server-made HTML/SVG charts
                page.locator(".kbz-spine .rij").first.wait_for(timeout=60_000)
                page.locator(".kbz-trend .paneel svg").first.wait_for(timeout=60_000)
            elif chart == "plotly":
                page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
            _wait_until_idle(page)
            violations = _scan(page)
            counts[name] = {impact: sum(len(v["nodes"]) for v in violations if v["impact"] == impact)
                            for impact in ("critical", "serious", "moderate", "minor")}
            found[name] = [f"{v['impact']}: {v['id']} ({len(v['nodes'])}x) {v['nodes'][0]['target']}"
                           f" {v['nodes'][0]['failureSummary'][-200:]}" for v in violations]
            page.screenshot(path=str(ARTIFACTS / f"axe_{name}.png"), full_page=True)
            page.close()
        browser.close()
    (ARTIFACTS / "axe_counts.json").write_text(json.dumps(counts, indent=1), encoding="utf-8")
    (ARTIFACTS / "axe_violations.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    blocking = {name: [line for line in lines if line.startswith(BLOCKING)] for name, lines in found.items()}
    assert {name: lines for name, lines in blocking.items() if lines} == {}
    assert outside == [], f"verzoeken buiten de machine: {outside}"


def test_budget_amount_upload_texts_and_wijkkaart_in_chromium(server: str, tmp_path) -> None:
    """Typing "25.000.000" gives 25 million (not 25), ambiguous input gets a Dutch message, the upload field
    states the real limit in Dutch, and the Wijkprofiel's PDF button downloads the card."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        watch_requests(page, outside)
        page.goto(f"{server}/budget?budget=2500000", wait_until="domcontentloaded")
        field = page.get_by_role("textbox", name="Budget (euro per jaar)")
        field.wait_for(timeout=60_000)
        assert page.evaluate("document.documentElement.lang") == "nl"
        field.fill("25.000.000")
        field.press("Enter")
        page.get_by_text("€ 25.000.000 per jaar", exact=True).wait_for(timeout=30_000)
        assert "budget=25000000" in page.url
        field.fill("1e7")
        field.press("Enter")
        page.get_by_text("Bedrag niet overgenomen").wait_for(timeout=30_000)
        _wait_until_idle(page)
        assert "budget=25000000" in page.url
        page.screenshot(path=str(ARTIFACTS / "budget_bedrag_fout.png"), full_page=True)

        page.goto(f"{server}/upload", wait_until="domcontentloaded")
        page.locator('[data-testid="stFileUploaderDropzone"]').wait_for(timeout=60_000)
        _wait_until_idle(page)
        upload_text = page.locator('[data-testid="stFileUploaderDropzone"]').evaluate(
            "e => Array.from(e.querySelectorAll('*')).map(x => getComputedStyle(x, '::after').content)"
            ".filter(c => c && c !== 'none').join(' | ')")
        shown = page.locator('[data-testid="stFileUploaderDropzone"]').inner_text()
        page.screenshot(path=str(ARTIFACTS / "upload_veld.png"))

        page.goto(f"{server}/wijkprofiel?code=WK034401", wait_until="domcontentloaded")
        button = page.get_by_role("button", name="Download wijkkaart (PDF)")
        button.wait_for(timeout=60_000)
        with page.expect_download(timeout=90_000) as download_info:
            button.click()
        download_info.value.save_as(tmp_path / "wijkkaart.pdf")
        browser.close()
    assert "5MB" in shown and "200MB" not in shown  # Streamlit's own text follows server.maxUploadSize
    # "5 MB" with a no-break space: on a phone the text wraps, but not between the number and its unit
    assert "Sleep een bestand hierheen of kies er een · maximaal 5\u00a0MB per bestand" in upload_text
    assert "Bestand kiezen" in upload_text
    pdf = (tmp_path / "wijkkaart.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert outside == [], f"verzoeken buiten de machine: {outside}"


#: Streamlit's and plotly's English names that a screen reader would read on the Dutch pages (WCAG 3.1.2).
ENGLISH = {"Skip to main content", "Collapse sidebar", "App pages", "Clear all", "Search", "Download as CSV",
           "Fullscreen", "Show/hide columns", "Open", "Autoscale", "Reset axes", "Zoom in", "No results",
           "Link to heading", "Sidebar"}
ENGLISH_START = ("Help for ", "Select ", "Remove ")


def test_no_english_names_or_texts_for_a_screen_reader(server: str) -> None:
    """Every aria-label, title, placeholder and text of the pages with fields, help icons, a table toolbar, a search
    box and a plotly chart is Dutch (kbz_data.ui.widgets.DUTCH_UI): they said "Skip to main content", "Help for
    Budget (euro per jaar)", "Open", "Clear all" and "Select 3 matches"."""
    from playwright.sync_api import sync_playwright

    collect = """() => {
      const out = [];
      for (const el of document.querySelectorAll('*')) {
        for (const a of ['aria-label', 'title', 'placeholder', 'data-title']) {
          const v = el.getAttribute(a); if (v) out.push(v.trim()); }
      }
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) { const t = walker.currentNode.nodeValue.trim(); if (t) out.push(t); }
      return out;
    }"""
    found: dict[str, list[str]] = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        for path, ready in (("/kaart", "Kaart"), ("/budget", "Budgetverdeling"), ("/vergelijken", "Naast elkaar")):
            page.goto(server + path, wait_until="domcontentloaded")
            page.get_by_text(ready).first.wait_for(timeout=60_000)
            if path == "/budget":
                page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
            _wait_until_idle(page)
            if path == "/vergelijken":  # the area search box: its list with "Select N matches" and its live text
                box = page.get_by_role("combobox").first
                box.click()
                box.press_sequentially("W", delay=50)
                page.get_by_role("option").first.wait_for(timeout=30_000)
                page.wait_for_timeout(500)
            texts = page.evaluate(collect)
            found[path] = sorted({t for t in texts if t in ENGLISH or t.startswith(ENGLISH_START)})
            if path == "/vergelijken":
                page.keyboard.press("Escape")
        assert page.get_by_text("Naar de inhoud").count() == 1
        browser.close()
    assert {path: texts for path, texts in found.items() if texts} == {}
