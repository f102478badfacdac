"""On a phone a one-finger swipe over a map scrolls the page (issue 12, point 2), in Debian's Chromium.

Playwright with a phone context (390 x 844, touch, mobile) against the ``server`` fixture (a streamlit server on
127.0.0.1 on the mini store). Touches go through the Chrome DevTools protocol (``Input.dispatchTouchEvent``), as a
finger would. Streamlit scrolls its own main container (``[data-testid=stMain]``), not the window. The maps are
SVG (plotly geo); where the map is is read from its projection (``gd._fullLayout.geo._subplot.projection``: the
pixel of a fixed point moves when the map pans). Also: on a phone the four-city maps show one city at a time, with
the legend above, and every map fits the 390-pixel width. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, REPO, launch_chromium, streamlit_server, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

KAART = "/kaart?gemeente=GM0344&niveau=buurt"
SCROLL_TOP = "document.querySelector('[data-testid=stMain]').scrollTop"
GD = "document.querySelector('.js-plotly-plot')"
#: Screen pixel of a fixed point in Utrecht on the first map: moves when the map pans, not when the page scrolls
#: (page coordinates: the plot's box plus the projection's pixel inside it).
CENTRE = f"""(() => {{ const gd = {GD}; const p = gd._fullLayout.geo._subplot.projection([5.12, 52.09]);
  return [p[0], p[1]]; }})()"""
#: The map has drawn: its areas are in the SVG.
MAP_READY = (f"(() => {{ try {{ return {GD}.querySelectorAll('.choroplethlocation').length > 0; }}"
             " catch (e) { return false; } })()")
#: Screen position (x, y) of a point inside an area's drawn path on the first map, by its code.
TAP_POINT = f"""(() => {{
  for (const path of {GD}.querySelectorAll('.choroplethlocation')) {{
    if (!path.__data__ || path.__data__.loc !== 'CODE' || getComputedStyle(path).fillOpacity === '0') continue;
    const box = path.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    if (path.isPointInFill(new DOMPoint(x, y).matrixTransform(path.getScreenCTM().inverse()))) return [x, y];
  }}
  return null;
}})()"""
#: The element under a screen point is part of a map (its SVG geo layer).
ON_MAP = "((x, y) => !!document.elementFromPoint(x, y).closest('.js-plotly-plot .geolayer'))"
SWIPE = 250  # pixels upwards per swipe


def swipe(cdp, x: float, y_start: float, distance: float = SWIPE, steps: int = 10) -> None:
    """One finger down at (x, y_start), moved ``distance`` pixels up in ``steps`` moves, then lifted."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y_start}]})
    for step in range(1, steps + 1):
        y = y_start - distance * step / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        time.sleep(0.03)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    time.sleep(1.0)  # the page scroll may glide on after the finger is lifted


def two_finger_drag(cdp, x: float, y: float, distance: float = 150, steps: int = 10) -> None:
    """Two fingers 80 pixels apart put down around (x, y) and moved ``distance`` pixels up together."""
    def points(dy: float) -> list[dict]:
        return [{"x": x - 40, "y": y - dy, "id": 0}, {"x": x + 40, "y": y - dy, "id": 1}]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(0)})
    for step in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(distance * step / steps)})
        time.sleep(0.03)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    time.sleep(1.0)


def open_kaart(page, server: str, path: str = KAART) -> None:
    page.goto(server + path, wait_until="domcontentloaded")
    page.locator(".js-plotly-plot").first.wait_for(timeout=90_000)
    page.wait_for_function(MAP_READY, timeout=60_000)
    page.wait_for_timeout(1000)


def test_one_finger_swipe_over_map_scrolls_the_page_on_a_phone(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                        device_scale_factor=2)
            page = phone.new_page()
            watch_requests(page, outside)
            open_kaart(page, server)
            assert page.evaluate("matchMedia('(pointer: coarse)').matches")
            assert page.evaluate("window.kbzMapGestures") is True
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_voor_veeg.png"))
            cdp = phone.new_cdp_session(page)

            # On a phone the map starts below the controls: bring its top near the top of the screen first.
            canvas = page.locator(".js-plotly-plot .geolayer").first
            box = canvas.bounding_box()
            page.evaluate(f"{SCROLL_TOP} += {box['y'] - 60}")
            page.wait_for_timeout(500)
            box = canvas.bounding_box()
            x = box["x"] + box["width"] / 2
            # Start inside the map and inside the screen; the finger moves up over the map only (the SVG map is as
            # high as the city is at this width).
            y = min(box["y"] + box["height"] - 10, 800)
            distance = min(SWIPE, y - box["y"] - 10)
            assert distance >= 150, (box, y)
            for point in (y, y - distance):
                assert page.evaluate(f"{ON_MAP}({x}, {point})"), (box, point)
            before, centre = page.evaluate(SCROLL_TOP), page.evaluate(CENTRE)
            swipe(cdp, x, y, distance)
            after, centre_after = page.evaluate(SCROLL_TOP), page.evaluate(CENTRE)
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_na_veeg.png"))
            assert after - before >= 0.6 * distance, f"pagina scrolde {after - before} px bij veeg van {distance} px"
            assert centre_after == pytest.approx(centre, abs=1e-6), "de kaart schoof mee met één vinger"

            # Scroll on (still swiping, over whatever is under the finger) until the table under the map is on
            # screen, then read a value from it.
            table = page.locator('[data-testid="stDataFrame"]').first
            for _ in range(12):
                table_box = table.bounding_box()
                if table_box and 0 <= table_box["y"] and table_box["y"] + 120 <= 844:
                    break
                swipe(cdp, x, 700)
            table_box = table.bounding_box()
            assert table_box and 0 <= table_box["y"] <= 844 - 120, table_box
            map_box = canvas.bounding_box()
            assert map_box["y"] + map_box["height"] <= table_box["y"], "tabel staat niet onder de kaart"
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_tabel.png"))
            cells = [c.strip() for c in table.locator('[role="gridcell"]').all_inner_texts()]
            assert any(c.startswith("BU0344") for c in cells), cells[:20]
            # The grid's accessible cells (a value, in either notation: the screen formatting is not tested here).
            assert any(c.replace(",", "").replace(".", "").isdigit() and not c.isdigit() for c in cells), cells[:20]

            # Two fingers still pan the map (and leave the page where it is).
            page.evaluate(f"{SCROLL_TOP} += {canvas.bounding_box()['y'] - 60}")
            page.wait_for_timeout(500)
            box = canvas.bounding_box()
            before, centre = page.evaluate(SCROLL_TOP), page.evaluate(CENTRE)
            two_finger_drag(cdp, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7)
            assert page.evaluate(CENTRE) != pytest.approx(centre, abs=1e-6), "twee vingers verschoven de kaart niet"
            assert abs(page.evaluate(SCROLL_TOP) - before) < 5

            # A tap on an area still selects it: the Kaart opens the Wijkprofiel of that buurt.
            page.evaluate(f"{SCROLL_TOP} += {canvas.bounding_box()['y'] - 60}")
            page.wait_for_timeout(500)
            box = canvas.bounding_box()
            x, y = page.evaluate(TAP_POINT.replace("CODE", "BU03440101"))
            assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"], (x, y, box)
            page.evaluate(f"window.kbzTestMarker = 1; {GD}.kbzOld = true")
            cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
            page.wait_for_url("**/wijkprofiel?**", timeout=30_000)
            page.get_by_text("BU03440101").first.wait_for(timeout=60_000)
            assert "code=BU03440101" in page.url, page.url
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "phone_tik_wijkprofiel.png"))

            # Maps drawn later work the same (the listeners sit on the window): back to the Kaart through the menu,
            # inside the same document (no reload: the marker set before the tap survives), draws a new map.
            page.locator('[data-testid="stExpandSidebarButton"]').click()
            page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Kaart").first.click()
            page.wait_for_url("**/kaart?**", timeout=30_000)
            page.wait_for_function(MAP_READY, timeout=60_000)
            assert page.evaluate("window.kbzMapGestures") is True
            assert page.evaluate("window.kbzTestMarker") == 1, "het menu laadde de pagina opnieuw"
            assert "/kaart" in page.url, page.url
            assert page.evaluate(f"{GD}.kbzOld") is None, "geen nieuwe kaart getekend"
            phone.close()

            # Desktop (a mouse, not a finger): the map still pans under a mouse drag.
            desktop = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = desktop.new_page()
            watch_requests(page, outside)
            open_kaart(page, server)
            assert not page.evaluate("matchMedia('(pointer: coarse)').matches")
            box = page.locator(".js-plotly-plot").first.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            centre = page.evaluate(CENTRE)
            page.mouse.move(x, y)
            page.mouse.down()
            for step in range(1, 11):
                page.mouse.move(x + 15 * step, y + 10 * step)
                time.sleep(0.03)
            page.mouse.up()
            page.wait_for_timeout(1000)
            moved = page.evaluate(CENTRE)
            page.screenshot(path=str(ARTIFACTS / "desktop_kaart_na_slepen.png"))
            assert moved != pytest.approx(centre, abs=1e-6), "de kaart verschoof niet met de muis"
            desktop.close()
        finally:
            browser.close()
    assert outside == [], f"verzoeken buiten de machine: {outside}"


@pytest.fixture
def snapshot_server(tmp_path: Path) -> Iterator[str]:
    """A streamlit server on 127.0.0.1 on the committed snapshot (all four cities; read only), stopped by PID."""
    env = {"KBZ_STORE": str(REPO / "data" / "snapshot"), "KBZ_SOURCES": str(tmp_path / "geen_bronnen"),
           "KBZ_DATA_DIR": str(tmp_path / "local")}
    with streamlit_server(env, tmp_path / "server.log") as url:
        yield url


#: [title, left, top, width, height] of each map on screen that takes up room (hidden ones have no box).
SHOWN_MAPS = """() => [...document.querySelectorAll('.js-plotly-plot')].filter((gd) => gd.querySelector('.geolayer'))
  .map((gd) => [gd.querySelector('.gtitle') ? gd.querySelector('.gtitle').textContent : '',
                ...(({x, y, width, height}) => [x, y, width, height])(gd.getBoundingClientRect())])
  .filter((m) => m[3] > 0)"""


def test_four_city_kaart_shows_one_city_at_a_time_on_a_phone(snapshot_server: str) -> None:
    """At 390 x 844 the four-city Kaart shows one map, full width and inside the screen, the shared legend above it
    and "Stad op de kaart" to choose the city; choosing Rotterdam shows Rotterdam's map only. At 1400 pixels the
    four maps stand side by side and the chooser is hidden."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                        device_scale_factor=2)
            page = phone.new_page()
            watch_requests(page, outside)
            page.goto(snapshot_server + "/kaart?gemeente=G4&niveau=wijk", wait_until="domcontentloaded")
            page.wait_for_function(f"() => ({SHOWN_MAPS})().length === 1", timeout=90_000)
            page.wait_for_function(MAP_READY, timeout=60_000)
            shown = page.evaluate(SHOWN_MAPS)
            assert [m[0] for m in shown] == ["Amsterdam"], shown
            assert 0 <= shown[0][1] and shown[0][1] + shown[0][3] <= 390, shown
            chooser = page.locator(".st-key-kaart_stadkeuze")
            assert chooser.is_visible()
            legend = page.get_by_text("gezamenlijke schaal voor de vier steden").first
            assert legend.bounding_box()["y"] < chooser.bounding_box()["y"] < shown[0][2] + page.evaluate(SCROLL_TOP)
            widths = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')]"
                                   ".map((gd) => gd.getBoundingClientRect()).filter((r) => r.width > 0)"
                                   ".map((r) => [r.left, r.right])")
            assert widths and all(0 <= left and right <= 390 for left, right in widths), widths
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            chooser.get_by_text("Rotterdam", exact=True).click()
            page.wait_for_function(f"() => {{ const m = ({SHOWN_MAPS})(); return m.length === 1"
                                   " && m[0][0] === 'Rotterdam' && m[0][3] > 300; }", timeout=60_000)
            chooser.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_rotterdam.png"))
            phone.close()

            desktop = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = desktop.new_page()
            watch_requests(page, outside)
            page.goto(snapshot_server + "/kaart?gemeente=G4&niveau=wijk", wait_until="domcontentloaded")
            page.wait_for_function(f"() => ({SHOWN_MAPS})().length === 4", timeout=90_000)
            assert [m[0] for m in page.evaluate(SHOWN_MAPS)] == ["Amsterdam", "Den Haag", "Rotterdam", "Utrecht"]
            assert not page.locator(".st-key-kaart_stadkeuze").is_visible()
            desktop.close()
        finally:
            browser.close()
    assert outside == [], f"verzoeken buiten de machine: {outside}"
