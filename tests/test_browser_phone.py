"""On a phone a one-finger swipe over a map scrolls the page (issue 12, point 2), in Debian's Chromium.

Playwright with a phone context (390 x 844, touch, mobile) against the ``server`` fixture (a streamlit server on
127.0.0.1 on the mini store). Touches go through the Chrome DevTools protocol (``Input.dispatchTouchEvent``), as a
finger would. Streamlit scrolls its own main container (``[data-testid=stMain]``), not the window. The maps are
SVG in a custom component (kbz_data.ui.svgmap, read with tests/svgmaps.py): what part of the map is shown is the
SVG's viewBox, which changes when the map pans or zooms. Also: on a phone the four-city maps show one city at a
time, with the legend above, and every map fits the 390-pixel width. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import time

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests
from tests.svgmaps import MAP, MAPS_JS, SURFACE, area_point, on_map, read_maps, view_box, wait_for_maps

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

KAART = "/kaart?gemeente=GM0344&niveau=buurt"
SCROLL_TOP = "document.querySelector('[data-testid=stMain]').scrollTop"
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


def two_finger_drag(cdp, x: float, y: float, distance: float = 150, spread: float = 80, steps: int = 10) -> None:
    """Two fingers 80 pixels apart put down around (x, y), moved ``distance`` pixels up together while they
    spread ``spread`` pixels further apart (a pinch that zooms in: the whole map is shown at first, so only a zoom
    can change what is shown)."""
    def points(dy: float, apart: float) -> list[dict]:
        return [{"x": x - 40 - apart / 2, "y": y - dy, "id": 0}, {"x": x + 40 + apart / 2, "y": y - dy, "id": 1}]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(0, 0)})
    for step in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": points(distance * step / steps, spread * step / steps)})
        time.sleep(0.03)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    time.sleep(1.0)


def open_kaart(page, server: str, path: str = KAART) -> None:
    page.goto(server + path, wait_until="domcontentloaded")
    wait_for_maps(page)
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
            # The browser keeps one-finger panning for the page; the map only takes two fingers.
            canvas = page.locator(SURFACE).first
            assert canvas.evaluate("(el) => getComputedStyle(el).touchAction") == "pan-x pan-y"
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_voor_veeg.png"))
            cdp = phone.new_cdp_session(page)

            # On a phone the map starts below the controls: bring its top near the top of the screen first.
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
                assert on_map(page, x, point), (box, point)
            before, view = page.evaluate(SCROLL_TOP), view_box(page)
            swipe(cdp, x, y, distance)
            after, view_after = page.evaluate(SCROLL_TOP), view_box(page)
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_na_veeg.png"))
            assert after - before >= 0.6 * distance, f"pagina scrolde {after - before} px bij veeg van {distance} px"
            assert view_after == view, "de kaart schoof mee met één vinger"

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
            assert view_box(page) == view, "de kaart schoof mee met het scrollen"
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_tabel.png"))
            cells = [c.strip() for c in table.locator('[role="gridcell"]').all_inner_texts()]
            assert any(c.startswith("BU0344") for c in cells), cells[:20]
            # The grid's accessible cells (a value, in either notation: the screen formatting is not tested here).
            assert any(c.replace(",", "").replace(".", "").isdigit() and not c.isdigit() for c in cells), cells[:20]

            # Two fingers zoom and pan the map (and leave the page where it is).
            page.evaluate(f"{SCROLL_TOP} += {canvas.bounding_box()['y'] - 60}")
            page.wait_for_timeout(500)
            box = canvas.bounding_box()
            before, view = page.evaluate(SCROLL_TOP), view_box(page)
            two_finger_drag(cdp, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7)
            zoomed = view_box(page)
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_twee_vingers.png"))
            assert zoomed[2] < view[2] * 0.9, f"twee vingers zoomden de kaart niet in: {view} -> {zoomed}"
            assert abs(page.evaluate(SCROLL_TOP) - before) < 5, "twee vingers scrolden de pagina"
            page.locator(f"{MAP} .heel").first.click()  # back to the whole map: the tap below needs the area
            assert view_box(page) == view

            # A tap on an area still selects it: the Kaart opens the Wijkprofiel of that buurt.
            page.evaluate(f"{SCROLL_TOP} += {canvas.bounding_box()['y'] - 60}")
            page.wait_for_timeout(500)
            box = canvas.bounding_box()
            point = area_point(page, "BU03440101")
            assert point, "buurt BU03440101 staat niet aantikbaar op de kaart"
            x, y = point["x"], point["y"]
            assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"], (x, y, box)
            page.locator(MAP).first.evaluate("(el) => { el.kbzOld = true; }")
            page.evaluate("window.kbzTestMarker = 1")
            cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
            page.wait_for_url("**/wijkprofiel?**", timeout=30_000)
            page.get_by_text("BU03440101").first.wait_for(timeout=60_000)
            assert "code=BU03440101" in page.url, page.url
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "phone_tik_wijkprofiel.png"))

            # A map drawn later works the same: back to the Kaart through the menu, inside the same document (no
            # reload: the marker set before the tap survives), draws a new map that two fingers zoom again.
            page.locator('[data-testid="stExpandSidebarButton"]').click()
            page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Kaart").first.click()
            page.wait_for_url("**/kaart?**", timeout=30_000)
            wait_for_maps(page)
            assert page.evaluate("window.kbzTestMarker") == 1, "het menu laadde de pagina opnieuw"
            assert "/kaart" in page.url, page.url
            assert page.evaluate(f"{MAPS_JS}().every((el) => !el.kbzOld)"), "geen nieuwe kaart getekend"
            # On a phone the menu lies over the page: close it ("<<") as a user does.
            page.locator('[data-testid="stSidebarCollapseButton"] button').click()
            page.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=10_000)
            page.wait_for_timeout(800)
            canvas = page.locator(SURFACE).first
            page.evaluate(f"{SCROLL_TOP} += {canvas.bounding_box()['y'] - 60}")
            page.wait_for_timeout(500)
            box, view = canvas.bounding_box(), view_box(page)
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_via_menu.png"))
            two_finger_drag(cdp, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7)
            assert view_box(page)[2] < view[2] * 0.9, f"twee vingers zoomden de nieuwe kaart niet in: {box}"
            phone.close()

            # Desktop (a mouse, not a finger): "+" zooms in, then a mouse drag pans the map.
            desktop = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = desktop.new_page()
            watch_requests(page, outside)
            open_kaart(page, server)
            assert not page.evaluate("matchMedia('(pointer: coarse)').matches")
            page.locator(f"{MAP} .in").first.click()
            zoomed = view_box(page)
            box = page.locator(SURFACE).first.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            for step in range(1, 11):
                page.mouse.move(x + 15 * step, y + 10 * step)
                time.sleep(0.03)
            page.mouse.up()
            page.wait_for_timeout(1000)
            moved = view_box(page)
            page.screenshot(path=str(ARTIFACTS / "desktop_kaart_na_slepen.png"))
            assert moved[2:] == zoomed[2:] and moved[:2] != zoomed[:2], f"de kaart verschoof niet: {zoomed} {moved}"
            assert "/kaart" in page.url, "slepen opende een wijkprofiel"
            desktop.close()
        finally:
            browser.close()
    assert outside == [], f"verzoeken buiten de machine: {outside}"




def shown_maps(page) -> list[list]:
    """[title, left, top, width, height] of each map on screen that takes up room (hidden ones have no box)."""
    return [[m["title"], *m["box"]] for m in read_maps(page, shown_only=True)]


#: JS: the number of maps that take up room on the screen.
SHOWN_COUNT = f"() => {MAPS_JS}().filter((el) => el.dataset.id && el.getBoundingClientRect().width > 0).length"


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
            wait_for_maps(page, 4)
            page.wait_for_function(f"({SHOWN_COUNT})() === 1", timeout=60_000)
            shown = shown_maps(page)
            assert [m[0] for m in shown] == ["Amsterdam"], shown
            assert 0 <= shown[0][1] and shown[0][1] + shown[0][3] <= 390, shown
            chooser = page.locator(".st-key-kaart_stadkeuze")
            assert chooser.is_visible()
            legend = page.get_by_text("gezamenlijke schaal voor de vier steden").first
            assert legend.bounding_box()["y"] < chooser.bounding_box()["y"] < shown[0][2] + page.evaluate(SCROLL_TOP)
            widths = page.locator(MAP).evaluate_all("(els) => els.map((el) => el.getBoundingClientRect())"
                                                    ".filter((r) => r.width > 0).map((r) => [r.left, r.right])")
            assert widths and all(0 <= left and right <= 390 for left, right in widths), widths
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            chooser.get_by_text("Rotterdam", exact=True).click()
            page.wait_for_function(f"""() => {{ const m = {MAPS_JS}().filter((el) => el.getBoundingClientRect().width);
                return m.length === 1 && m[0].querySelector('.titel').textContent === 'Rotterdam'
                  && m[0].getBoundingClientRect().width > 300; }}""", timeout=60_000)
            assert [m[0] for m in shown_maps(page)] == ["Rotterdam"]
            chooser.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            page.screenshot(path=str(ARTIFACTS / "phone_kaart_rotterdam.png"))
            phone.close()

            desktop = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = desktop.new_page()
            watch_requests(page, outside)
            page.goto(snapshot_server + "/kaart?gemeente=G4&niveau=wijk", wait_until="domcontentloaded")
            wait_for_maps(page, 4)
            page.wait_for_function(f"({SHOWN_COUNT})() === 4", timeout=60_000)
            assert [m[0] for m in shown_maps(page)] == ["Amsterdam", "Den Haag", "Rotterdam", "Utrecht"]
            assert not page.locator(".st-key-kaart_stadkeuze").is_visible()
            desktop.close()
        finally:
            browser.close()
    assert outside == [], f"verzoeken buiten de machine: {outside}"
