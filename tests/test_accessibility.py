"""Accessibility scan of every page with axe-core (``axe-playwright-python`` bundles axe.min.js; no network) in
Debian's Chromium against the mini-store server.

Fails on any violation of impact "serious" or "critical"; the counts per page and state (all impacts) are written
to ``artifacts/axe_counts.json`` and the rule ids of every violation to ``artifacts/axe_violations.json``.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

#: (state name, path, text that shows the page has drawn, tab to click or None, wait for a plotly chart)
STATES = [
    ("overzicht", "/overzicht", "KBZ", None, False),
    ("kaart", "/kaart", "Kaart", None, True),
    ("wijkprofiel", "/wijkprofiel?code=WK034401", "Wijk 01 West (WK034401)", None, True),
    ("vergelijken_naast", "/vergelijken", "Gebieden naast elkaar", None, False),
    ("vergelijken_behoefte", "/vergelijken", "Behoefte-index", "Behoefte-index", False),
    ("vergelijken_vergelijkbaar", "/vergelijken", "Vergelijkbare wijken", "Vergelijkbare wijken", False),
    ("budget", "/budget", "Budgetverdeling", None, True),
    ("bronnen", "/bronnen", "Overgeslagen bij het bouwen", None, False),
    ("praktijk", "/praktijk", "Praktijk", None, False),
    ("upload", "/upload", "uploaden", None, False),
    ("toegankelijkheid", "/toegankelijkheid", "Toegankelijkheidsverklaring", None, False),
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
            if chart:
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
