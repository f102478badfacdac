"""Browser test of two charts that did not fit a phone (new-user walk, 390x844): the Den Haag ELAN trend on the
Wijkprofiel and the dot chart of Vergelijken. As plotly figures the ELAN chart had its title under the toolbar and
its legend, subplot titles and sources cut off; the dot chart gave its labels two thirds of the width (plot ~70 px)
and cut the longest label and the axis title. Both are server-made HTML/SVG now.

Runs on the committed snapshot (real areas of all four cities, ELAN figures of Den Haag) in Debian's Chromium as a
phone (is_mobile, has_touch) and on a wide screen; screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, wait_idle, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

ELAN_URL = "/wijkprofiel?code=WK051838&indeling=2020"
COMPARE_URL = "/vergelijken?gebieden=WK036300,WK059901,WK051838&indeling=2020"

#: How a chart fits: its box, how far any of its parts reaches past it or past the window, the texts that are cut off
#: (wider than their box), the narrowest scale or panel, and whether every mark sits inside its scale.
_FIT_JS = """(sel) => {
  const width = document.documentElement.clientWidth;
  const chart = document.querySelector(sel);
  if (!chart) return null;
  const box = chart.getBoundingClientRect();
  const parts = [...chart.querySelectorAll('*')].map((e) => e.getBoundingClientRect()).filter((r) => r.width);
  const cut = [...chart.querySelectorAll('.naam, .kopje, .titel, .sleutel span, .noten p, .astitel, .tik')]
    .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > width + 0.5
                   || e.getBoundingClientRect().left < -0.5)
    .map((e) => e.textContent);
  const plots = [...chart.querySelectorAll('.rij .schaal, .paneel svg')].map((e) => e.getBoundingClientRect().width);
  const outside = [...chart.querySelectorAll('.stip')].filter((m) => {
    const s = m.parentElement.getBoundingClientRect(), r = m.getBoundingClientRect();
    return r.left < s.left - 7 || r.right > s.right + 7;
  }).length;
  return {right: box.right, left: box.left, width, page: document.documentElement.scrollWidth,
          past: Math.max(0, ...parts.map((r) => r.right - Math.min(box.right, width))),
          before: Math.max(0, ...parts.map((r) => Math.max(box.left, 0) - r.left)), cut,
          narrowest: plots.length ? Math.min(...plots) : 0, count: plots.length, outside,
          rows: chart.querySelectorAll('.rij').length, panels: chart.querySelectorAll('.paneel').length,
          legend: [...chart.querySelectorAll('.sleutel > span')].map((e) => e.textContent)};
}"""


@pytest.mark.parametrize(("width", "height", "phone"), [(1400, 1000, False), (390, 844, True)])
def test_elan_and_compare_charts_fit_the_window(snapshot_server: str, width: int, height: int, phone: bool) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    requested: list[str] = []
    fits = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
        page = context.new_page()
        watch_requests(page, outside)
        page.on("request", lambda request: requested.append(request.url))
        for name, url, sel in (("elan", ELAN_URL, ".kbz-elan"), ("vergelijken", COMPARE_URL, ".kbz-dots")):
            page.goto(snapshot_server + url, wait_until="domcontentloaded")
            wait_idle(page)
            page.locator(sel).wait_for(timeout=30_000)
            fits[name] = page.evaluate(_FIT_JS, sel)
            fits[name]["body"] = page.inner_text("body")
            page.locator(sel).screenshot(path=str(ARTIFACTS / f"chart_{name}_{width}.png"))
        context.close()
        browser.close()
    for name, fit in fits.items():
        assert fit["right"] <= width and fit["page"] <= width, (name, fit)  # no sideways scrolling on a phone
        assert fit["past"] <= 0.5 and fit["before"] <= 0.5, (name, fit)
        assert fit["cut"] == [], (name, fit)
        assert "Traceback" not in fit["body"] and "Exception" not in fit["body"], name
    elan, dots = fits["elan"], fits["vergelijken"]
    assert elan["panels"] == 2 and elan["legend"][-1] == "Den Haag (mediaan van de wijken)", elan
    assert elan["legend"][0].startswith("Wijk 38 Laakkwartier en Spoorwijk (KBZ ") and "deze wijk" in elan["legend"][0]
    assert "Samenvatting: Laag inkomen" in elan["body"] and "Bron: ELAN/GGDH" in elan["body"]
    assert dots["rows"] > 30 and dots["outside"] == 0, dots
    assert [t.split(" · ")[1] for t in dots["legend"]] == ["WK036300 (Amsterdam)", "WK059901 (Rotterdam)",
                                                          "WK051838 (Den Haag)"]
    # The plot gets most of the width: on a phone every scale is at least 80 % of the window (was ~70 px of 390).
    assert dots["narrowest"] >= (0.8 * width if phone else 400), dots
    assert elan["narrowest"] >= (0.8 * width if phone else 300), elan
    assert not [u for u in requested if "plotly" in u.lower()], "plotly.js geladen voor deze grafieken"
    assert outside == []
