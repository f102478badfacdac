"""Browser tests of the page state (kbz_data.ui.state) in Debian's Chromium, following the user's steps of the state
bugs of issue 8: the map click from an Overzicht start, Back to the Kaart, the practice shared by Praktijk and the
upload page, and "Vergelijkbare wijken" following the selection (screen and Excel sheet alike).

Same rules as tests/test_browser.py: our own server on 127.0.0.1 on the mini store (stopped by PID), no request may
leave the machine, screenshots in artifacts/. The mini store holds a few Utrecht areas only, so Utrecht and buurt
stand in for the issue's Rotterdam and buurt: the same code path.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, launch_chromium, watch_requests
from tests.svgmaps import area_point, wait_for_maps

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

SIDEBAR = '[data-testid="stSidebar"]'


def _query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(url).query).items()}


def _path(url: str) -> str:
    return urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]


def _choose(page, label: str, option: str, scope: str = "") -> None:
    """Open the selectbox with this label and click the option containing ``option``."""
    box = page.locator(f'{scope} [data-testid="stSelectbox"]'.strip()).filter(has_text=label).first
    box.locator("input").first.click()
    box.locator("input").first.fill(option)  # the list is long and drawn lazily: filter it, as a user types
    page.locator('[role="option"]').filter(has_text=option).first.click()


def _selectbox_text(page, label: str, scope: str = "") -> str:
    box = page.locator(f'{scope} [data-testid="stSelectbox"]'.strip()).filter(has_text=label).first
    return box.locator("input").first.input_value()


def _checked_radio(page, scope: str) -> list[str]:
    selected = page.locator(f'{scope} [data-testid="stRadioOption"][data-selected="true"]')
    return [selected.nth(i).inner_text().strip() for i in range(selected.count())]


def _wait_rerun(page) -> None:
    """Wait until Streamlit has finished the rerun a widget change started."""
    page.wait_for_timeout(600)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
    page.wait_for_timeout(600)


def _click_first_area(page) -> str:
    """Click the middle of the first area of the first map that has one, at its position on the screen.

    The maps are SVG (kbz_data.ui.svgmap): each area is a ``path[data-c]`` in the map's shadow root. The click
    point is the middle of the path's box when that point lies inside the area's fill and the path is what a click
    there hits, so the click is a real mouse click that the map turns into the trigger the Kaart page reacts to.
    Returns the code of the clicked area.
    """
    target = area_point(page)
    assert target, "geen aanklikbaar gebied op de kaart"
    page.mouse.move(target["x"], target["y"])
    page.wait_for_timeout(400)
    page.mouse.click(target["x"], target["y"])
    return target["code"]


def test_map_click_from_overzicht_and_back_keep_filters(server: str) -> None:
    """Bugs (a) and (b): Overzicht -> Kaart, choose gemeente, niveau and indicator, click an area (a real mouse click
    on the polygon, see _click_first_area): the Wijkprofiel opens with URL and sidebar agreeing; Back returns to the
    Kaart with the chosen indicator; Forward opens the same profile again."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        watch_requests(page, outside)
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Kerncijfers per stad").wait_for(timeout=60_000)
        page.get_by_role("link", name="Kaart").click()
        page.get_by_text("Kleurindeling").wait_for(timeout=60_000)
        _wait_rerun(page)
        _choose(page, "Gemeente", "Utrecht", SIDEBAR)
        _wait_rerun(page)
        page.locator(SIDEBAR).get_by_text("Buurt", exact=True).click()
        _wait_rerun(page)
        _choose(page, "Indicator", "Rookt", SIDEBAR)
        _wait_rerun(page)
        page.get_by_role("heading", name="Rookt").wait_for(timeout=60_000)
        wait_for_maps(page)
        page.wait_for_timeout(1500)
        kaart_url = page.url
        code = _click_first_area(page)
        page.wait_for_url("**/wijkprofiel?**", timeout=60_000)
        page.get_by_text(f"({code})").first.wait_for(timeout=60_000)
        _wait_rerun(page)
        page.screenshot(path=str(ARTIFACTS / "state_kaart_klik_profiel.png"), full_page=True)
        profile_url = page.url
        gemeente_box = _selectbox_text(page, "Gemeente", SIDEBAR)
        niveau_checked = _checked_radio(page, SIDEBAR)
        profile_body = page.inner_text("body")

        page.go_back()
        try:
            page.get_by_text("Kleurindeling").wait_for(timeout=60_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "state_terug_mislukt.png"), full_page=True)
            raise
        _wait_rerun(page)
        page.screenshot(path=str(ARTIFACTS / "state_terug_naar_kaart.png"), full_page=True)
        back_url = page.url
        back_indicator = _selectbox_text(page, "Indicator", SIDEBAR)
        back_title = page.get_by_role("heading", level=1).first.inner_text()

        page.go_forward()
        page.wait_for_url("**/wijkprofiel?**", timeout=60_000)
        page.get_by_text(f"({code})").first.wait_for(timeout=60_000)
        _wait_rerun(page)
        forward_url = page.url
        forward_gemeente = _selectbox_text(page, "Gemeente", SIDEBAR)
        browser.close()
    assert {k: _query(kaart_url)[k] for k in ("gemeente", "niveau", "indicator")} == {
        "gemeente": "GM0344", "niveau": "buurt", "indicator": "roker"}
    # (a) the profile's URL and its sidebar say the same: Utrecht, buurt, the clicked area
    assert _path(profile_url) == "wijkprofiel"
    query = _query(profile_url)
    assert query["gemeente"] == "GM0344" and query["niveau"] == "buurt" and query["code"] == code, profile_url
    assert query["indeling"] == "2020"
    assert "Utrecht" in gemeente_box and niveau_checked == ["Buurt"], (gemeente_box, niveau_checked)
    assert "Traceback" not in profile_body
    # (b) Back: the Kaart with the indicator chosen before the click
    assert _path(back_url) == "kaart"
    assert _query(back_url).get("indicator") == "roker", back_url
    assert "Rookt" in back_indicator and "Rookt" in back_title, (back_indicator, back_title)
    # and Forward: the same profile again
    assert _query(forward_url) == query and "Utrecht" in forward_gemeente, forward_url
    assert outside == [], f"verzoeken buiten de machine: {outside}"


def test_practice_and_similar_areas_follow_the_choice(server: str, tmp_path: Path) -> None:
    """Bugs (c) and (d): the practice chosen on Praktijk is the default on the upload page; "Vergelijkbare wijken"
    uses one of the chosen areas (the first unless another is picked there), drops one removed from the selection,
    and the Excel download holds the similar areas of that same area, or none when the screen shows none."""
    import openpyxl
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        watch_requests(page, outside)
        # (c)
        page.goto(f"{server}/praktijk", wait_until="domcontentloaded")
        page.get_by_text("Mijn praktijk").wait_for(timeout=60_000)
        _wait_rerun(page)
        _choose(page, "Mijn praktijk", "Ondiep")
        _wait_rerun(page)
        praktijk_url = page.url
        page.get_by_role("link", name="Praktijkcijfers uploaden").click()
        page.get_by_text("1. Sjabloon downloaden").wait_for(timeout=60_000)
        _wait_rerun(page)
        upload_url = page.url
        upload_choice = _selectbox_text(page, "Praktijk")
        page.screenshot(path=str(ARTIFACTS / "state_upload_praktijk.png"), full_page=True)

        # (d)
        page.goto(f"{server}/vergelijken?gebieden=WK034401,WK034402&indeling=2020", wait_until="domcontentloaded")
        page.get_by_text("Alle indicatoren").wait_for(timeout=60_000)
        _wait_rerun(page)

        def similar_tab() -> tuple[str, str]:
            page.get_by_role("tab", name="Vergelijkbaar").click()
            page.wait_for_timeout(800)
            panel = page.locator('[role="tabpanel"]:visible').first
            return _selectbox_text(page, "Gebied (een van de gekozen gebieden)"), panel.inner_text()

        def excel(name: str) -> list[str]:
            page.get_by_role("tab", name="Naast elkaar").click()
            page.wait_for_timeout(800)
            button = page.locator('[role="tabpanel"]:visible').get_by_role("button", name="Download Excel").first
            button.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            with page.expect_download(timeout=90_000) as download_info:
                button.click()
            path = tmp_path / name
            download_info.value.save_as(path)
            book = openpyxl.load_workbook(path)
            sheets[name] = book.sheetnames
            if "Vergelijkbare wijken" not in book.sheetnames:
                return []
            return [str(v) for row in book["Vergelijkbare wijken"].iter_rows(values_only=True) for v in row]

        sheets: dict[str, list[str]] = {}
        first_choice, first_panel = similar_tab()
        first_sheet = excel("eerst.xlsx")
        similar_tab()
        _choose(page, "Gebied (een van de gekozen gebieden)", "WK034402")
        _wait_rerun(page)
        picked_choice, picked_panel = similar_tab()
        picked_url = page.url
        picked_sheet = excel("gekozen.xlsx")
        # remove WK034402 from the selection (the x on its tag)
        page.locator('[data-testid="stMultiSelect"] button[aria-label$="verwijderen"][aria-label*="WK034402"]:visible'
                     ).first.click()
        _wait_rerun(page)
        removed_url = page.url
        removed_choice, removed_panel = similar_tab()
        page.screenshot(path=str(ARTIFACTS / "state_vergelijkbaar.png"), full_page=True)
        removed_sheet = excel("verwijderd.xlsx")
        browser.close()

    praktijk_code = _query(praktijk_url)["praktijk"]
    assert praktijk_code == "UTR-ONDIEP-1"
    assert _path(upload_url) == "upload" and _query(upload_url).get("praktijk") == praktijk_code, upload_url
    assert praktijk_code in upload_choice, upload_choice

    assert "Wijk 01 West" in first_choice and "Afstand 0" in first_panel
    assert "WK034401" in first_sheet, sheets  # the screen's area in the Excel sheet
    assert "WK034402" in picked_choice and "kunnen geen vergelijkbare wijken" in picked_panel
    assert _query(picked_url).get("referentie") == "WK034402"
    assert picked_sheet == [] and "Vergelijkbare wijken" not in sheets["gekozen.xlsx"]  # none on screen, none in file
    assert _query(removed_url).get("gebieden") == "WK034401", removed_url
    assert _query(removed_url).get("referentie") == "WK034401", removed_url
    assert "Wijk 01 West" in removed_choice and "WK034402" not in removed_choice
    assert "Afstand 0" in removed_panel
    assert "WK034401" in removed_sheet and "WK034402" not in removed_sheet
    assert outside == [], f"verzoeken buiten de machine: {outside}"


def test_back_after_opening_a_link_leaves_the_page(server: str) -> None:
    """Found in the last round: a link without every parameter (typed, or shared before a parameter existed) was
    completed with the default values, Streamlit pushed that as a new history entry, and the first Back stayed on
    the same page. The link is now kept as typed; the first change in the page writes the whole view."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        watch_requests(page, outside)
        page.goto(f"{server}/bronnen", wait_until="domcontentloaded")
        page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
        _wait_rerun(page)
        page.goto(f"{server}/kaart?klassen=4", wait_until="domcontentloaded")
        page.get_by_text("Kleurindeling").wait_for(timeout=60_000)
        _wait_rerun(page)
        link_url = page.url
        page.go_back()
        page.wait_for_url("**/bronnen*", timeout=30_000)
        back_url = page.url
        page.go_forward()
        page.get_by_text("Kleurindeling").wait_for(timeout=60_000)
        _wait_rerun(page)
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="Aantal klassen").first
        klassen = slider.locator('[data-testid="stSliderThumbValue"]').first.inner_text().strip()
        browser.close()
    assert _query(link_url) == {"klassen": "4"}, link_url
    assert _path(back_url) == "bronnen", back_url
    assert klassen == "4"
    assert outside == [], f"verzoeken buiten de machine: {outside}"


def test_one_history_entry_per_action_and_back_shows_each_view(server: str) -> None:
    """Found by a new-user walk: a click on the Kaart's map added two history entries (Streamlit writes the switch's
    query parameters to /kaart first, then opens /wijkprofiel), so the second Back showed the same Kaart again; and
    Back to the bare /kaart of the first visit showed the gemeente and niveau chosen since ("Utrecht · Wijk") instead
    of "Alle vier steden · Wijk", and rewrote its URL. Every action now adds exactly one entry, and each Back and
    Forward shows the view of its entry: URL, sidebar and page agree, scrolled as the visitor left it (the page
    showed from its top, a phone's visitor had to scroll past the controls to the map again)."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    steps: list[tuple[str, int, str, str, list[str], str, str]] = []
    scrolls: list[int] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        watch_requests(page, outside)

        def record(step: str) -> None:
            steps.append((step, page.evaluate("history.length"), page.url, _selectbox_text(page, "Gemeente", SIDEBAR),
                          _checked_radio(page, SIDEBAR), _selectbox_text(page, "Indicator", SIDEBAR)
                          if _path(page.url) == "kaart" else "",
                          page.get_by_role("heading", level=1).first.inner_text()))

        def travel(step: str, go, path: str) -> None:
            go()
            page.wait_for_url(f"**/{path}*", timeout=30_000)
            page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
            _wait_rerun(page)
            record(step)

        page.goto(f"{server}/kaart", wait_until="domcontentloaded")
        page.get_by_text("Kleurindeling").wait_for(timeout=60_000)
        _wait_rerun(page)
        record("open")
        _choose(page, "Gemeente", "Utrecht", SIDEBAR)
        _wait_rerun(page)
        record("gemeente")
        page.locator(SIDEBAR).get_by_text("Buurt", exact=True).click()
        _wait_rerun(page)
        record("niveau")
        _choose(page, "Indicator", "Rookt", SIDEBAR)
        _wait_rerun(page)
        page.get_by_role("heading", name="Rookt").wait_for(timeout=60_000)
        wait_for_maps(page)
        page.wait_for_timeout(1500)
        record("indicator")
        main_scroll = "document.querySelector('[data-testid=\"stMain\"]').scrollTop"
        page.evaluate(f"{main_scroll} = 150")  # Back returns to this spot of the page, not to its top
        page.wait_for_timeout(300)
        scrolled = page.evaluate(main_scroll)
        code = _click_first_area(page)
        page.wait_for_url("**/wijkprofiel?**", timeout=60_000)
        page.get_by_text(f"({code})").first.wait_for(timeout=60_000)
        _wait_rerun(page)
        page.wait_for_timeout(1000)  # time for a late second URL write
        record("klik")
        for n in range(1, 5):
            travel(f"terug {n}", page.go_back, "kaart")
            scrolls.append(page.evaluate(main_scroll))
        page.screenshot(path=str(ARTIFACTS / "state_terug_naar_begin.png"), full_page=True)
        for n in range(1, 4):
            travel(f"vooruit {n}", page.go_forward, "kaart")
        travel("vooruit 4", page.go_forward, "wijkprofiel")
        browser.close()

    shown = {step: rest for step, *rest in steps}
    lengths = [length for _step, length, *_ in steps]
    # one entry per action (the bare /kaart was the 2nd entry after about:blank), none by Back or Forward
    assert lengths[:5] == [lengths[0] + n for n in range(5)], steps
    assert set(lengths[5:]) == {lengths[4]}, steps
    # each Back shows exactly the view of the step before, and Forward the one after
    for back, earlier in (("terug 1", "indicator"), ("terug 2", "niveau"), ("terug 3", "gemeente"), ("terug 4", "open"),
                          ("vooruit 1", "gemeente"), ("vooruit 2", "niveau"), ("vooruit 3", "indicator"),
                          ("vooruit 4", "klik")):
        assert shown[back][1:] == shown[earlier][1:], (back, shown[back], earlier, shown[earlier])
    # the very first view: a bare /kaart with the defaults, not the values chosen later
    assert _query(shown["open"][1]) == {}, shown["open"]
    assert "Alle vier steden" in shown["terug 4"][2] and shown["terug 4"][3] == ["Wijk"], shown["terug 4"]
    assert _query(shown["indicator"][1])["indicator"] == "roker" and "Rookt" in shown["terug 1"][5]
    assert _path(shown["klik"][1]) == "wijkprofiel" and _query(shown["klik"][1])["code"] == code
    # scrolled as each entry was left: the map's spot after the click, the top after the sidebar choices
    assert scrolled > 50 and abs(scrolls[0] - scrolled) <= 2 and scrolls[1:] == [0, 0, 0], (scrolled, scrolls)
    assert outside == [], f"verzoeken buiten de machine: {outside}"
