"""The SVG maps (kbz_data.ui.svgmap) as a user meets them in Debian's Chromium, on the committed snapshot (real
city shapes): hover text, the zoom buttons and Ctrl + wheel on a desktop, and on a phone a single-city map that fits
the screen's width with a height that follows the city's shape; the keyboard path through a map's areas (one tab
stop, arrow keys, Enter opens the profile). Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests
from tests.svgmaps import MAP, SURFACE, area_point, read_maps, view_box, wait_for_maps

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

#: Utrecht's wijken, 2020: RIVM/GGD'en/CBS 50090NED, Wijk 01 West: 82,5 % rate their health (very) good (the same
#: figure as tests/test_fresh_clone.py reads from the snapshot).
WIJKEN = "/kaart?gemeente=GM0344&niveau=wijk&indicator=ervaren_gezondheid_goed&periode=2020-2020"
BUURTEN = "/kaart?gemeente=GM0344&niveau=buurt"
TIP = ".kbz-kaart .tip"




def _hover_and_zoom(page, url: str) -> None:
    """Desktop: the hover text of Wijk 01 West, then "+", "Hele kaart" and Ctrl + wheel."""
    page.goto(url + WIJKEN, wait_until="domcontentloaded")
    wait_for_maps(page)
    page.wait_for_timeout(1000)
    tip = page.locator(TIP).first
    assert tip.is_hidden()
    point = area_point(page, "WK034401")
    assert point, "Wijk 01 West staat niet op de kaart"
    page.mouse.move(point["x"] - 5, point["y"] - 5)
    page.mouse.move(point["x"], point["y"])
    tip.wait_for(state="visible", timeout=5_000)
    page.screenshot(path=str(ARTIFACTS / "kaart_hover.png"))
    lines = tip.inner_text().split("\n")
    assert lines[:2] == ["Wijk 01 West (WK034401)", "Waarde: 82,5 %"], lines
    assert page.locator(f"{TIP} b").first.inner_text() == "Wijk 01 West (WK034401)"  # the name in bold
    expected = next(a["tip"] for a in read_maps(page)[0]["areas"] if a["code"] == "WK034401")
    assert tip.inner_text() == expected  # the whole hover text of that area, no other
    box = tip.bounding_box()
    assert abs(box["x"] - point["x"]) < 320 and abs(box["y"] - point["y"]) < 320, (box, point)  # near the pointer
    surface = page.locator(SURFACE).first.bounding_box()
    page.mouse.move(surface["x"] + surface["width"] / 2, surface["y"] - 40)  # off the map: the text goes
    tip.wait_for(state="hidden", timeout=5_000)

    whole = view_box(page)
    page.locator(f"{MAP} .in").first.click()
    zoomed = view_box(page)
    page.screenshot(path=str(ARTIFACTS / "kaart_ingezoomd.png"))
    assert zoomed[2] < whole[2] * 0.7 and zoomed[3] < whole[3] * 0.7, (whole, zoomed)
    page.locator(f"{MAP} .heel").first.click()
    assert view_box(page) == whole
    page.mouse.move(surface["x"] + surface["width"] / 2, surface["y"] + surface["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -120)
    page.keyboard.up("Control")
    page.wait_for_timeout(300)
    assert view_box(page)[2] < whole[2] * 0.9, "Ctrl + scrollwiel zoomde niet in"
    page.locator(f"{MAP} .heel").first.click()
    assert view_box(page) == whole


#: JS (svg, path): some of the path's fill lies inside the svg's current viewBox (a 24 x 24 grid of points).
_VISIBLE_JS = """(svg, path) => {
  const [x, y, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
  for (let i = 0; i < 24; i++) for (let j = 0; j < 24; j++) {
    if (path.isPointInFill(new DOMPoint(x + (i + 0.5) * w / 24, y + (j + 0.5) * h / 24))) return true;
  }
  return false;
}"""


def _keyboard(page, url: str) -> None:
    """Keyboard only: Tab from "Hele kaart" reaches the map (one tab stop, named), the arrow keys step through the
    wijken alphabetically showing (and announcing) each text, End goes to the last; zoomed in, choosing a wijk
    outside the view moves the view to it, and Enter opens its profile."""
    page.goto(url + WIJKEN, wait_until="domcontentloaded")
    wait_for_maps(page)
    page.wait_for_timeout(1000)
    surface = page.locator(SURFACE).first
    label = surface.get_attribute("aria-label")
    assert label.startswith("Kaart: ") and "Pijltjestoetsen" in label and "Enter: gebied kiezen" in label, label
    page.locator(f"{MAP} .heel").first.focus()
    page.keyboard.press("Tab")
    assert surface.evaluate("(el) => el.getRootNode().activeElement === el"), "Tab bereikt de kaart niet"
    tip, spoken = page.locator(TIP).first, page.locator(".kbz-kaart .sr").first

    def shown() -> str:
        tip.wait_for(state="visible", timeout=5_000)
        text = tip.inner_text()
        assert spoken.text_content() == text  # the same text for a screen reader
        return text.split("\n")[0]

    page.keyboard.press("ArrowRight")
    assert shown() == "Wijk 01 West (WK034401)"
    page.keyboard.press("ArrowRight")
    assert shown() == "Wijk 02 Noordwest (WK034402)"
    page.keyboard.press("ArrowLeft")
    assert shown() == "Wijk 01 West (WK034401)"
    page.keyboard.press("End")
    assert shown() == "Wijk 10 Vleuten-De Meern (WK034410)"
    page.screenshot(path=str(ARTIFACTS / "kaart_toetsenbord.png"))
    whole = view_box(page)
    for _ in range(3):
        page.keyboard.press("+")
    assert view_box(page)[2] < whole[2] / 3, "+ zoomde niet in"
    # Zoomed in, every wijk chosen is brought into view (the view moves when it is outside).
    views, chosen = [], ""
    for _ in range(page.locator(f"{MAP} svg g.a path").count()):
        page.keyboard.press("ArrowRight")
        chosen = shown()
        svg = page.locator(f"{MAP} svg").first
        assert svg.evaluate(f"(svg) => ({_VISIBLE_JS})(svg, svg.querySelector('path.gekozen'))"), \
            f"{chosen} staat na kiezen niet in beeld"
        views.append(tuple(view_box(page)))
    assert len(set(views)) > 1, "het beeld schoof nooit mee: de toets toonde alleen gebieden die al in beeld waren"
    code = chosen.split("(")[-1].rstrip(")")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/wijkprofiel?**code={code}**", timeout=30_000)
    page.locator('[data-testid="stMain"]').get_by_text(chosen.split(" (")[0]).first.wait_for(timeout=30_000)


def _phone_fit(page, url: str) -> dict:
    """Phone: the single-city buurt map; returns what :func:`test_maps_in_chromium` checks."""
    page.goto(url + BUURTEN, wait_until="domcontentloaded")
    wait_for_maps(page)
    page.wait_for_timeout(1000)
    page.locator(MAP).first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "phone_kaart_past.png"))
    return {"maps": read_maps(page, shown_only=True),
            "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
            "main_width": page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth")}


def test_maps_in_chromium(snapshot_server: str) -> None:
    """Hovering an area shows its name and value; "+" zooms in and "Hele kaart" restores the view; the keyboard
    reaches every area and opens its profile (:func:`_keyboard`); at 390 x 844 the
    single-city map fits the width and has no white band of more than 40 pixels above or below the drawn areas."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            desktop = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = desktop.new_page()
            watch_requests(page, outside)
            _hover_and_zoom(page, snapshot_server)
            _keyboard(page, snapshot_server)
            desktop.close()

            phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                        device_scale_factor=2)
            page = phone.new_page()
            watch_requests(page, outside)
            phone_view = _phone_fit(page, snapshot_server)
            phone.close()
        finally:
            browser.close()
    maps = phone_view["maps"]
    assert len(maps) == 1 and len(maps[0]["areas"]) > 50, maps  # Utrecht's buurten
    left, top, width, height = maps[0]["box"]
    assert 0 <= left and left + width <= 390 and width >= 300, maps[0]["box"]
    assert phone_view["scroll_width"] <= 390 and phone_view["main_width"] <= 390, phone_view
    d_left, d_top, d_width, d_height = maps[0]["drawn"]
    assert d_top - top <= 40 and (top + height) - (d_top + d_height) <= 40, (maps[0]["box"], maps[0]["drawn"])
    assert d_width >= 0.9 * width, (maps[0]["box"], maps[0]["drawn"])  # the city spans the width
    assert outside == [], f"verzoeken buiten de machine: {outside}"
