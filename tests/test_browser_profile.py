"""Browser test of the Wijkprofiel and Bronnen en methode pages in Debian's Chromium (Playwright).

Uses the server fixture of ``tests/test_browser.py`` (a streamlit server on 127.0.0.1 on a store built from the
mini sources, stopped by PID). Fails on error text, on a Python exception shown in the page and on any request
that leaves the machine. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import re

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
                page.locator(".kbz-spine .rij").first.wait_for(timeout=60_000)
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


#: Per chart on the page: its box, how far any of its parts reaches past it or past the window, the rows whose label or
#: values are cut off, and the box of the caption right under it.
_FIT_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = {};
  for (const sel of ['.kbz-spine', '.kbz-trend']) {
    const chart = document.querySelector(sel);
    if (!chart) continue;
    const box = chart.getBoundingClientRect();
    const parts = [...chart.querySelectorAll('*')].map((e) => e.getBoundingClientRect()).filter((r) => r.width);
    const cut = [...chart.querySelectorAll('.naam, .waarden, .kopje, .sleutel span')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent);
    const block = chart.closest('[data-testid="stElementContainer"]');
    let next = block && block.nextElementSibling;
    while (next && !next.getBoundingClientRect().height) next = next.nextElementSibling;
    out[sel] = {right: box.right, width, past: Math.max(0, ...parts.map((r) => r.right - Math.min(box.right, width))),
                cut, below: next ? next.getBoundingClientRect().top - box.bottom : null,
                rows: chart.querySelectorAll('.rij').length, panels: chart.querySelectorAll('.paneel svg').length,
                scales: [...new Set([...chart.querySelectorAll('.schaal')].map((e) => Math.round(
                  e.getBoundingClientRect().width)))]};
  }
  return out;
}"""


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (390, 844)])
def test_profile_charts_fit_the_window_and_need_no_plotly(server: str, width: int, height: int) -> None:
    """The spine chart and the health trend are server-made HTML/SVG: no part reaches past the chart or the window
    (last round: a clipped "65,(" and axis labels running into the source text at 390 px), no label or value is
    cut off, the caption starts below the chart, and the browser never requests Streamlit's plotly chunk."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    requested: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": width, "height": height})
        watch_requests(page, outside)
        page.on("request", lambda request: requested.append(request.url))
        page.goto(server + "/wijkprofiel?code=BU03440101&indeling=2020", wait_until="domcontentloaded")
        page.locator(".kbz-trend .paneel svg").first.wait_for(timeout=60_000)
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
        page.wait_for_timeout(1000)
        fit = page.evaluate(_FIT_JS)
        row = page.locator(".kbz-spine .rij").first
        tip, name = row.get_attribute("title"), row.get_attribute("aria-label")
        point = page.locator(".kbz-trend .paneel title").first.text_content()
        body = page.inner_text("body")
        page.locator(".kbz-spine").screenshot(path=str(ARTIFACTS / f"wijkprofiel_spine_{width}.png"))
        # A water area: its rates are "onbekend | ..." (wider than numbers), the scales stay aligned and uncut.
        page.goto(server + "/wijkprofiel?code=BU03440103&indeling=2024", wait_until="domcontentloaded")
        page.locator(".kbz-spine .rij").first.wait_for(timeout=60_000)
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
        page.wait_for_timeout(1000)
        water = page.evaluate(_FIT_JS)[".kbz-spine"]
        water_values = page.locator(".kbz-spine .waarden").all_inner_texts()
        browser.close()
    for sel in (".kbz-spine", ".kbz-trend"):
        assert fit[sel]["right"] <= width, fit
        assert fit[sel]["past"] <= 0.5, fit
        assert fit[sel]["cut"] == [], fit
        assert fit[sel]["below"] is not None and fit[sel]["below"] >= 0, fit
    assert fit[".kbz-spine"]["rows"] > 10 and fit[".kbz-trend"]["panels"] > 3
    assert len(fit[".kbz-spine"]["scales"]) == 1, fit  # every row's scale equally wide
    assert "onbekend | onbekend" in water_values or any(v.startswith("onbekend | ") for v in water_values)
    assert len(water["scales"]) == 1 and water["cut"] == [] and water["past"] <= 0.5, water
    assert "Dit gebied:" in tip and "Spreiding over" in tip and "; " in name
    assert re.search(r"\n20\d\d: \d+,\d %$", point), point
    assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b", body)
    assert not [url for url in requested if "PlotlyChart" in url or "plotly" in url.lower()], requested
    assert outside == []
