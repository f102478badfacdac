"""Small display faults on a phone (390 x 844) and a desktop (1400 x 1000), in Debian's Chromium, against one
server on the committed snapshot (all four cities): /overzicht opens the Overzicht (not Streamlit's "Page not
found"), no metric label is cut off, the Dutch text of every file-upload field is readable at 390 pixels, and a
replaced link value is reported in the main area (a phone user never opens the sidebar). Screenshots go to
``artifacts/``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM, REPO, launch_chromium, streamlit_server, wait_idle, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def layout_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A streamlit server on 127.0.0.1 on the committed snapshot (read only; practice database in a temp folder)."""
    root = tmp_path_factory.mktemp("layout")
    env = {"KBZ_STORE": str(REPO / "data" / "snapshot"), "KBZ_SOURCES": str(root / "geen_bronnen"),
           "KBZ_DATA_DIR": str(root / "local")}
    with streamlit_server(env, root / "server.log") as url:
        yield url



def _open(context, url: str, outside: list[str]):
    page = context.new_page()
    watch_requests(page, outside)
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)
    return page


def test_overzicht_opens_at_its_own_path_and_at_the_root(layout_server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(viewport=DESKTOP)
            for path in ("/overzicht", "/"):
                page = _open(context, layout_server + path, outside)
                page.get_by_text("Wat KBZ oplevert volgens de evaluatie").first.wait_for(timeout=30_000)
                text = page.evaluate("document.body.innerText")
                assert "Page not found" not in text and "does not seem to exist" not in text, path
                assert page.locator("h1").first.inner_text() == "KBZ wijkdashboard", path
                assert page.url.rstrip("/") == (layout_server + path).rstrip("/"), page.url
                page.screenshot(path=str(ARTIFACTS / f"overzicht_pad{path.replace('/', '_')}.png"))
                page.close()
        finally:
            browser.close()
    assert outside == [], f"verzoeken buiten de machine: {outside}"


#: [label text, cut off] of every metric label on screen: cut off when the label or an element in it clips its text
#: (``overflow`` other than visible) and its text is wider than its box (Streamlit's ellipsis).
METRIC_LABELS = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
  .filter((label) => label.getBoundingClientRect().width > 0)
  .map((label) => [label.innerText, [label, ...label.querySelectorAll('*')].some((e) =>
    getComputedStyle(e).overflow !== 'visible' && e.scrollWidth > e.clientWidth + 1)])"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1400", "390"])
def test_no_metric_label_is_cut_off(layout_server: str, viewport: dict[str, int]) -> None:
    """The Overzicht's four evaluation figures, the need-index counts on Vergelijken and the referral scenario on
    Budgetverdeling: every metric label is shown in full (it wraps when the column is narrow)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(viewport=viewport)
            for path, tab, count in (("/", None, 4), ("/vergelijken", "Behoefte-index", 4),
                                     ("/budget", "Scenario", 4)):
                page = _open(context, layout_server + path, outside)
                if tab is not None:
                    page.get_by_role("tab", name=tab).click()
                page.wait_for_function(f"() => ({METRIC_LABELS})().length >= {count}", timeout=60_000)
                wait_idle(page)
                labels = page.evaluate(METRIC_LABELS)
                assert all(text.strip() for text, _ in labels), labels
                assert [text for text, cut in labels if cut] == [], (path, viewport, labels)
                page.locator('[data-testid="stMetricLabel"]').first.scroll_into_view_if_needed()
                name = path.strip("/") or "overzicht"
                page.screenshot(path=str(ARTIFACTS / f"metrics_{name}_{viewport['width']}.png"))
                page.close()
        finally:
            browser.close()
    assert outside == [], f"verzoeken buiten de machine: {outside}"


#: Per file-upload field: [Dutch instruction text (the ::after content that replaces Streamlit's English),
#: right edge of the instruction, some element of the field clips its text].
UPLOAD_FIELDS = """() => [...document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')].map((zone) => {
  const span = zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
  return [getComputedStyle(span, '::after').content, span.getBoundingClientRect().right,
          [zone, ...zone.querySelectorAll('*')].some((e) => e.tagName !== 'INPUT'
            && getComputedStyle(e).overflow !== 'visible' && e.scrollWidth > e.clientWidth + 1)];
})"""


def test_upload_field_text_is_readable_on_a_phone(layout_server: str) -> None:
    """At 390 pixels the Dutch text of the file-upload field (the only st.file_uploader: Praktijkcijfers uploaden)
    wraps inside the field instead of ending in "maximaal 5 M..."."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            page = _open(context, layout_server + "/upload", outside)
            page.locator('[data-testid="stFileUploaderDropzone"]').first.scroll_into_view_if_needed()
            fields = page.evaluate(UPLOAD_FIELDS)
            page.screenshot(path=str(ARTIFACTS / "upload_veld_390.png"))
            assert len(fields) == 1, fields
            for text, right, clipped in fields:
                assert "Sleep een bestand hierheen" in text and "maximaal 5\u00a0MB per bestand" in text, text
                assert right <= PHONE["width"], fields
                assert not clipped, fields
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            browser.close()
    assert outside == [], f"verzoeken buiten de machine: {outside}"


#: [where, text, visible] of every warning that names a replaced link value: "main" or "sidebar", its text, and
#: whether it takes up room on screen inside the viewport horizontally (a closed sidebar is moved off screen).
def settled_warnings(page) -> list[tuple[str, str]]:
    """The visible link warnings once the page has settled: the list seen twice in a row, 0,5 s apart (under heavy
    load a duplicate sidebar warning was seen right after the run, once in four suite runs; a lasting one fails)."""
    seen = None
    for _ in range(10):
        now = [(where, text) for where, text, visible in page.evaluate(LINK_WARNINGS) if visible]
        if now == seen:
            return now
        seen = now
        page.wait_for_timeout(500)
    return seen


LINK_WARNINGS = """() => [...document.querySelectorAll('[data-testid="stAlert"]')]
  .filter((alert) => alert.innerText.includes('uit de link is vervangen door'))
  .map((alert) => { const box = alert.getBoundingClientRect();
    return [alert.closest('[data-testid="stSidebar"]') ? 'sidebar' : 'main', alert.innerText,
            box.width > 0 && box.height > 0 && box.right > 0 && box.left < window.innerWidth]; })"""


@pytest.mark.parametrize("link, said", [
    ("/budget?budget=abc", "budget=abc uit de link is vervangen door budget=10000000"),
    ("/kaart?indicator=<b>x&gemeente=GM0599", "indicator=<b>x uit de link is vervangen door indicator="),
])
def test_replaced_link_value_is_reported_in_the_main_area_on_a_phone(layout_server: str, link: str,
                                                                     said: str) -> None:
    """On a phone (the sidebar starts closed) the sentence about a replaced link value stands at the top of the page,
    visible without opening the sidebar; on a desktop it is shown once (in the open sidebar), not twice."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    name = link.split("?")[0].strip("/")
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            page = _open(phone, layout_server + link, outside)
            page.screenshot(path=str(ARTIFACTS / f"link_melding_{name}_390.png"))
            assert page.evaluate("document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect()"
                                 ".right") <= 0, "de zijbalk staat open op de telefoon"
            shown = settled_warnings(page)
            assert len(shown) == 1 and shown[0][0] == "main" and said in shown[0][1], shown
            box = page.locator('[data-testid="stMain"] [data-testid="stAlert"]').filter(
                has_text="uit de link is vervangen door").first.bounding_box()
            assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
            phone.close()

            desktop = browser.new_context(viewport=DESKTOP)
            page = _open(desktop, layout_server + link, outside)
            page.screenshot(path=str(ARTIFACTS / f"link_melding_{name}_1400.png"))
            shown = settled_warnings(page)
            assert len(shown) == 1 and shown[0][0] == "sidebar" and said in shown[0][1], shown
            desktop.close()
        finally:
            browser.close()
    assert outside == [], f"verzoeken buiten de machine: {outside}"
