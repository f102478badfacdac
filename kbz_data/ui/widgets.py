"""Widgets shared by several pages: the colour legend under a map, the need-index weight sliders, an amount
field that reads Dutch notation, and the page-wide accessibility fixes."""

from __future__ import annotations

import threading
import weakref
from html import escape

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from streamlit.elements.lib import pandas_styler_utils

from kbz_data.analysis import need
from kbz_data.analysis.area_data import styled
from kbz_data.store.storage import StoreData
from kbz_data.text import UNKNOWN, KbzInputError, escape_markdown, fmt_number, parse_amount
from kbz_data.ui import state as page_state

#: Session key of the need-index weights, {indeling: {indicator: weight}}: shared by Vergelijken and Budget and kept
#: across pages (the sliders' own widget state is dropped when a page without them is open).
WEIGHTS = "_behoefte_gewichten"


def legend_html(title: str, items: list[tuple[str, str]], shared: bool = True) -> str:
    """HTML (for ``st.markdown(..., unsafe_allow_html=True)``) of a map legend: a title and one swatch per class.

    ``items`` are (colour, label) pairs made by kbz_data.charts; the labels are HTML-escaped.
    """
    swatches = " ".join(
        f'<span style="display:inline-block;margin-right:14px;white-space:nowrap">'
        f'<span style="display:inline-block;width:14px;height:14px;background:{escape(colour)};'
        f'border:1px solid #999;vertical-align:middle;margin-right:4px"></span>{escape(text)}</span>'
        for colour, text in items
    )
    return f"**{title}**{', gezamenlijke schaal voor de vier steden' if shared else ''}:<br>{swatches}"


def weight_key(indeling: int, indicator: str, prefix: str = "behoefte") -> str:
    """Widget key of the weight slider of one need-index input on the page with this key ``prefix``."""
    return f"{prefix}_w_{indeling}_{indicator}"


def reset_need_weights(indeling: int, prefix: str = "behoefte") -> None:
    """Put the need-index weights of a division back to their defaults (a button callback)."""
    defaults = need.need_defaults(indeling)
    st.session_state.setdefault(WEIGHTS, {})[indeling] = dict(defaults)
    for name, weight in defaults.items():
        st.session_state[weight_key(indeling, name, prefix)] = weight


def saved_need_weights(indeling: int) -> dict[str, float]:
    """The need-index weights of a division as last set on any page (the defaults at first)."""
    defaults = need.need_defaults(indeling)
    return dict(st.session_state.setdefault(WEIGHTS, {}).setdefault(indeling, dict(defaults)))


#: The steps of a need-index weight (0 to 3 by 0,25).
NEED_WEIGHTS: tuple[float, ...] = tuple(i / 4 for i in range(13))


def weight_steps(high: float, step: float) -> tuple[float, ...]:
    """Weights from 0 to ``high`` in steps of ``step`` (rounded, so 1.2 is one of them)."""
    return tuple(round(i * step, 4) for i in range(int(round(high / step)) + 1))


def weight_slider(label: str, steps: tuple[float, ...], key: str, container=None, help: str | None = None) -> float:  # noqa: A002
    """A slider over fixed weight ``steps`` that shows them in Dutch ("1,25"; ``st.slider`` can only show "1.25").

    A value in session state that is not one of the steps (an older session) is moved to the nearest step.
    """
    current = st.session_state.get(key)
    if current is not None and current not in steps:
        st.session_state[key] = min(steps, key=lambda s: abs(s - float(current)))
    decimals = 2 if any(round(s * 10) != s * 10 for s in steps) else 1
    return float((container or st).select_slider(label, options=list(steps), key=key, help=help,
                                                 format_func=lambda v: fmt_number(v, decimals)))


def need_weight_sliders(data: StoreData, indeling: int, reset_key: str | None = None,
                        prefix: str = "behoefte") -> dict[str, float]:
    """Sliders (0 to 3) for the need-index weights of a division, kept in session state across pages.

    The weights themselves live in ``st.session_state[WEIGHTS]``; each page draws its sliders under its own key
    ``prefix`` and seeds them from there. Streamlit ties a widget to its page: one key shared by Vergelijken and
    Budget would be a new widget on the page switch and fall back to its minimum (0). Draws a reset button with
    ``reset_key`` when given; returns {indicator: weight}.
    """
    defaults = need.need_defaults(indeling)
    saved = st.session_state.setdefault(WEIGHTS, {}).setdefault(indeling, dict(defaults))
    names = list(defaults)
    per_row = 4  # seven sliders in one row are unreadable; rows of at most four
    columns = [c for start in range(0, len(names), per_row) for c in st.columns(per_row)][:len(names)]
    for column, name in zip(columns, names, strict=True):
        key = weight_key(indeling, name, prefix)
        if key not in st.session_state:
            st.session_state[key] = float(saved.get(name, defaults[name]))
        weight_slider(
            f"{data.meta.loc[name, 'label']}", NEED_WEIGHTS, key, column,
            help=f"{need.need_direction_text(data, name)}; standaardgewicht {fmt_number(defaults[name], 2)}. 0 = niet"
                 " meetellen.",
        )
        saved[name] = float(st.session_state[key])
    if reset_key is not None:
        st.button("Standaardgewichten herstellen", key=reset_key, on_click=reset_need_weights,
                  args=(indeling, prefix))
    return dict(saved)


def _amount_keys(name: str) -> tuple[str, str]:
    text_key = f"{page_state.key(name)}_tekst"
    return text_key, f"{text_key}_fout"


def whole_amount(text: object, low: int, high: int | None, example: str = "25.000.000") -> int:
    """A whole amount in euro from Dutch notation (:func:`kbz_data.text.parse_amount`), within [low, high].

    Raises
    ------
    KbzInputError
        For text that cannot be read without guessing, cents, or an amount out of range (a Dutch message).
    """
    parsed = parse_amount(str(text), example)
    if parsed != int(parsed):
        raise KbzInputError(f"{str(text).strip()[:40]} heeft cijfers achter de komma; vul een bedrag in hele euro's in"
                            f" (bijvoorbeeld {example}).")
    amount = int(parsed)
    if amount < low or (high is not None and amount > high):
        raise KbzInputError(f"{fmt_number(amount)} valt buiten het toegestane bereik: van {fmt_number(low)}"
                            + (f" tot en met {fmt_number(high)}." if high is not None else " en hoger."))
    return amount


def _euro_changed(key: str, low: int, high: int) -> None:
    """Callback of :func:`euro_input`: a readable amount replaces the one in force, else the reason is kept."""
    try:
        amount = whole_amount(st.session_state[f"{key}_tekst"], low, high, example="1.500")
    except KbzInputError as exc:
        st.session_state[f"{key}_fout"] = str(exc)
        return
    st.session_state[f"{key}_fout"] = None
    st.session_state[key] = amount
    st.session_state[f"{key}_tekst"] = fmt_number(amount)


def euro_input(label: str, key: str, default: int, low: int, high: int, container=None) -> int:
    """A text field for a whole euro amount in Dutch notation ("1.500", "1500", "1 500"), session-only (``key``
    holds the amount in force). Unreadable input keeps the previous amount and says why under the field."""
    place = container or st
    amount = int(st.session_state.setdefault(key, default))
    st.session_state.setdefault(f"{key}_tekst", fmt_number(amount))
    place.text_input(label, key=f"{key}_tekst", on_change=_euro_changed, args=(key, low, high))
    error = st.session_state.get(f"{key}_fout")
    if error:
        place.error(f"Bedrag niet overgenomen: {escape_markdown(error)} Het vorige bedrag blijft staan.")
    return amount


def _amount_changed(name: str) -> None:
    """Callback of :func:`amount_input`: parse the text; a good amount becomes the view parameter (and the URL)."""
    text_key, error_key = _amount_keys(name)
    low, high = page_state.param(name).bounds or (0, None)
    try:
        amount = whole_amount(st.session_state[text_key], low, high)
    except KbzInputError as exc:
        st.session_state[error_key] = str(exc)
        return
    st.session_state[error_key] = None
    st.session_state[text_key] = fmt_number(amount)
    page_state.set_value(name, amount)


def amount_input(label: str, name: str, container=None, help: str | None = None) -> int:  # noqa: A002
    """A text field for a whole amount (declared int view parameter ``name``) that reads Dutch notation
    ("25.000.000", "25 000 000", "25000000", "25.000.000,00") through :func:`kbz_data.text.parse_amount`.

    Input that cannot be read without guessing keeps the previous amount and shows the reason under the field.
    The field follows the parameter when a link or Back/Forward changes it. Returns the amount in force.
    """
    place = container or st
    text_key, error_key = _amount_keys(name)
    current = int(page_state.value(name))
    shown = st.session_state.get(text_key)
    if st.session_state.get(error_key) is None and shown != fmt_number(current):
        st.session_state[text_key] = fmt_number(current)
    place.text_input(label, key=text_key, on_change=_amount_changed, args=(name,), help=help)
    error = st.session_state.get(error_key)
    if error is not None:
        place.error(f"Bedrag niet overgenomen: {escape_markdown(error)} Het vorige bedrag blijft staan.")
    return current


#: Key of the container (app.py) that holds the copy, at the top of the page, of the sentence about replaced link
#: values: shown only where Streamlit starts the sidebar closed (see :data:`ACCESSIBILITY_HTML`).
LINK_WARNING_KEY = "link_melding_smal"

#: Page-wide fixes that Streamlit has no option for (see app_pages/toegankelijkheid.py):
#: * ``lang="nl"`` on <html>: Streamlit serves index.html with ``lang="en"``; a small script sets the language of
#:   the document once the app has loaded (screen readers then read the Dutch text with a Dutch voice);
#: * captions in a darker grey than Streamlit's faded text (Streamlit draws them at opacity 0.6, about 3:1; now
#:   4.5:1 or more on white and on the grey sidebar, WCAG 1.4.3);
#: * the fixed English texts of the file upload field replaced by Dutch ones with the real limit
#:   (``server.maxUploadSize = 5`` in .streamlit/config.toml, the 5 MB of kbz_data.practice.upload_checks), on
#:   more lines where the field is narrow (Streamlit keeps its own text on one line and cuts it off on a phone);
#: * metric labels wrap onto a second line instead of being cut off with an ellipsis (Streamlit keeps them on one
#:   line; four labels in a row at 1400 pixels or a long one on a phone lost their end);
#: * the sentence about replaced link values (app.py) is in the sidebar, which Streamlit starts closed on a screen up
#:   to 768 pixels wide: there its copy at the top of the page (container :data:`LINK_WARNING_KEY`) is shown, on a
#:   wider screen only the sidebar one (once, not twice);
#: * section headings are ``st.header`` (h2 right under the h1 title: no skipped heading level, axe
#:   "heading-order"), drawn at the size of Streamlit's subheader so the pages keep their look.
ACCESSIBILITY_HTML = """
<style>
@media (min-width: 769px) {
  .st-key-LINK_WARNING_KEY, [data-testid="stLayoutWrapper"]:has(> .st-key-LINK_WARNING_KEY) { display: none; } }
[data-testid="stCaptionContainer"] { opacity: 1; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stCaptionContainer"] code { color: #474a54; }
[data-testid="stMain"] [data-testid="stHeading"] h2 { font-size: 1.6rem; padding-top: 1rem; }
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"], [data-testid="stMetricLabel"] p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere; }
[data-testid="stMetricLabel"] { height: auto; min-height: 1.5rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span {
  font-size: 0; white-space: normal; overflow: visible; text-overflow: clip; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "Sleep een bestand hierheen of kies er een · maximaal 5\\00A0MB per bestand"; font-size: 0.875rem;
  white-space: normal; }
[data-testid="stFileChipName"] + * { display: none; }  /* the file's size as "150.0B": English notation */
[data-testid="stFileUploaderDropzone"] button p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button p::after { content: "Bestand kiezen"; font-size: 0.875rem; }
</style>
<script>document.documentElement.lang = "nl";</script>
""".replace("LINK_WARNING_KEY", LINK_WARNING_KEY)

#: The sidebar on a phone: Streamlit starts it collapsed on a narrow screen (``initial_sidebar_state="auto"``) and
#: closes it after a click on a page link, but after a choice in one of its filters (gemeente, niveau, indicator,
#: jaar) it stays open over the whole page, so the visitor sees nothing of what the choice changed. On a screen as
#: narrow as Streamlit's own overlay breakpoint (768 pixels), a pick in a sidebar selectbox (its options open in a
#: list outside the sidebar, so the click is remembered) or a sidebar radio closes the sidebar through its own
#: close button, as a page link does; typing in a field, the login button and wider screens are left alone.
SIDEBAR_JS = """
<script>
(() => {
  if (window.kbzSidebarClose) return;
  window.kbzSidebarClose = true;
  const narrow = window.matchMedia("(max-width: 768px)");
  let pickingInSidebar = false;
  const close = () => setTimeout(() => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (narrow.matches && sidebar && button && sidebar.getBoundingClientRect().right > 0) button.click();
  }, 350);
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest('[data-testid="stSidebar"]')) {
      pickingInSidebar = Boolean(target.closest('[data-testid="stSelectbox"]'));
      if (target.closest('[data-testid="stRadio"] label')) close();
      return;
    }
    if (pickingInSidebar && target.closest('[role="option"]')) close();
    pickingInSidebar = false;
  }, true);
})();
</script>
"""


#: Streamlit's and plotly's own English texts that a screen reader reads on a page declared Dutch (WCAG 3.1.2):
#: visible texts, and the names (aria-label, title, placeholder) of their buttons and fields. Exact texts, then
#: patterns. Only these are touched, and a translated text no longer matches, so the rewrite ends.
DUTCH_UI = {
    "Skip to main content": "Naar de inhoud", "Sidebar": "Zijbalk", "Collapse sidebar": "Zijbalk sluiten",
    "Expand sidebar": "Zijbalk openen", "App pages": "Pagina's", "Link to heading": "Link naar deze kop",
    "Show/hide columns": "Kolommen tonen of verbergen", "Download as CSV": "Downloaden als CSV", "Search": "Zoeken",
    "Fullscreen": "Volledig scherm", "Close fullscreen": "Volledig scherm sluiten", "Open": "Openen",
    "Close": "Sluiten", "Clear all": "Alles wissen", "Clear value": "Keuze wissen", "No results": "Geen resultaten",
    "Selected values": "Gekozen waarden", "Select all": "Alles kiezen", "file upload": "bestand uploaden",
    "Add files": "Bestanden toevoegen", "Zoom in": "Inzoomen", "Zoom out": "Uitzoomen", "Zoom": "Zoomen",
    "Pan": "Verschuiven", "Autoscale": "Automatisch schalen", "Reset axes": "Assen herstellen",
    "Download plot as a png": "Grafiek downloaden als PNG", "Box Select": "Rechthoek selecteren",
    "Lasso Select": "Lasso selecteren", "Reset view": "Weergave herstellen",
}
DUTCH_UI_PATTERNS = [
    (r"^Help for (.+)$", "Uitleg bij $1"), (r"^Remove (.+)$", "$1 verwijderen"),
    (r"^Select (\d+) matches$", "De $1 gevonden kiezen"), (r"^(\d+) options? available\.?$", "$1 keuzes beschikbaar."),
    (r"^Cancel upload of (.+)$", "Upload van $1 afbreken"),
    (r"^(.+), \d+(\.\d+)?(B|KB|MB|GB)$", "$1"),  # a file chip's name: its size in English notation, left out
]
LANGUAGE_JS = """
<script>
(() => {
  if (window.kbzDutchUi) return;
  window.kbzDutchUi = true;
  const exact = EXACT;
  const patterns = PATTERNS.map(([p, r]) => [new RegExp(p), r]);
  const dutch = (text) => {
    const key = text.trim();
    if (!key || key.length > 200) return null;
    if (Object.prototype.hasOwnProperty.call(exact, key)) return text.replace(key, exact[key]);
    for (const [re, out] of patterns) if (re.test(key)) return text.replace(key, key.replace(re, out));
    return null;
  };
  const attributes = ["aria-label", "title", "placeholder", "data-title"];
  const fixElement = (el) => {
    for (const name of attributes) {
      const value = el.getAttribute(name);
      const nl = value && dutch(value);
      if (nl) el.setAttribute(name, nl);
    }
  };
  const fixText = (node) => { const nl = dutch(node.nodeValue || ""); if (nl) node.nodeValue = nl; };
  const fix = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    for (const el of root.querySelectorAll("[aria-label], [title], [placeholder], [data-title]")) fixElement(el);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) fixText(walker.currentNode);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "childList") m.addedNodes.forEach(fix);
      else if (m.type === "characterData") fixText(m.target);
      else if (m.type === "attributes") fixElement(m.target);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: attributes});
  fix(document.body);
})();
</script>
"""


#: One browser-history entry per user action. Streamlit's page adds an entry (``history.pushState``) for every URL
#: change the server sends, so one action that changes the URL twice left two entries, the first a view that was
#: never shown, and Back seemed to do nothing: a click on the Kaart's map (``st.switch_page`` with query parameters
#: writes them to the Kaart's own path first, then opens /wijkprofiel: two entries) and a page link in the menu
#: (the bare page first, then the page's parameters). Here an entry is added only for the first URL change after
#: the visitor did something (pointer, key or click, caught before the page sees it); a further change without a
#: new action replaces the entry instead, so it holds the view the visitor ends up seeing. Back and Forward are
#: Streamlit's own (a replace already). tests/test_browser_state.py counts ``history.length``.
#: The entry left also keeps how far the page was scrolled, and Back or Forward to it scrolls there again once the
#: page is drawn (Streamlit draws the page anew and showed it from the top: on a phone, after a tap on the map and
#: Back, the visitor had to scroll past the controls again); any action of the visitor meanwhile stops that.
HISTORY_JS = """
<script>
(() => {
  if (window.kbzHistory) return;
  window.kbzHistory = true;
  const push = window.history.pushState.bind(window.history);
  const replace = window.history.replaceState.bind(window.history);
  const main = () => document.querySelector('[data-testid="stMain"]');
  let acted = false, restoring = null;
  const act = () => {
    acted = true;
    if (restoring) { clearInterval(restoring); restoring = null; }
  };
  for (const type of ["pointerdown", "keydown", "click", "wheel", "touchstart"]) {
    window.addEventListener(type, act, {capture: true, passive: true});
  }
  window.history.pushState = (state, title, url) => {
    if (!acted) return replace(state, title, url);
    acted = false;
    const box = main();
    if (box) replace({...(window.history.state || {}), kbzScroll: box.scrollTop}, "", window.location.href);
    return push(state, title, url);
  };
  window.addEventListener("popstate", (event) => {
    if (restoring) { clearInterval(restoring); restoring = null; }
    const y = event.state && event.state.kbzScroll;
    if (typeof y !== "number") return;
    let ticks = 0, idle = 0;
    restoring = setInterval(() => {
      const box = main();
      const running = document.querySelector('[data-testid="stStatusWidget"]');
      idle = running ? 0 : idle + 1;
      if (box && box.scrollHeight - box.clientHeight >= y && Math.abs(box.scrollTop - y) > 1) box.scrollTop = y;
      if (++ticks > 150 || (idle > 15 && box && Math.abs(box.scrollTop - y) <= 1)) {
        clearInterval(restoring);
        restoring = null;
      }
    }, 100);
  });
})();
</script>
"""


def language_js() -> str:
    """:data:`LANGUAGE_JS` with :data:`DUTCH_UI` and :data:`DUTCH_UI_PATTERNS` filled in."""
    import json

    return (LANGUAGE_JS.replace("EXACT", json.dumps(DUTCH_UI, ensure_ascii=False))
            .replace("PATTERNS", json.dumps(DUTCH_UI_PATTERNS, ensure_ascii=False)))


def page_accessibility() -> None:
    """Apply :data:`ACCESSIBILITY_HTML`, :data:`SIDEBAR_JS`, :data:`HISTORY_JS` and :func:`language_js` (call once
    per run, from app.py, before the page runs)."""
    st.html(ACCESSIBILITY_HTML + SIDEBAR_JS + HISTORY_JS + language_js(), unsafe_allow_javascript=True)


#: Key in a rendered Styler (the dict pandas' ``_translate`` returns) under which :func:`_display_values_once`
#: keeps the Arrow bytes of its display values; only dicts made by :func:`_styled_once` carry it.
_DISPLAY_VALUES = "_kbz_display_values"


@st.cache_resource(show_spinner=False, max_entries=128)
def _styled_once(frame: pd.DataFrame) -> Styler:
    """The Dutch Styler of ``frame`` (:func:`kbz_data.analysis.area_data.styled`), made once per table content
    (Streamlit hashes the frame) and shared by every session, which only read it.

    ``st.dataframe`` renders its Styler again on every rerun (pandas' private ``_translate``), which for the Kaart's
    table of 165 wijken was about 100 ms of a 225 ms rerun (benchmarks/bench_browser.py, indicator change): this one
    renders once and hands out that result afterwards. (Streamlit accepts only the Styler class itself, so the
    instance gets its own ``_translate``.) The rendered result also keeps the Arrow bytes of its display values
    (:func:`_display_values_once`).
    """
    styler = styled(frame)
    render = styler._translate
    rendered: dict = {}
    lock = threading.Lock()

    def translate_once(*args, **kwargs) -> dict:
        key = (args, tuple(sorted(kwargs.items())))
        with lock:
            if key not in rendered:
                rendered[key] = {**render(*args, **kwargs), _DISPLAY_VALUES: None}
            return rendered[key]

    styler._translate = translate_once
    return styler


def _display_values_once(proto, df: pd.DataFrame, styles: dict, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
    """Streamlit's ``_marshall_display_values`` (every cell's display text as Arrow bytes: ``df.astype(str)`` and
    a write per column, about 40 ms per rerun for the Kaart's table), done once per Styler of
    :func:`_styled_once`: their rendered dicts keep the bytes; any other Styler goes through Streamlit's own."""
    if not isinstance(styles, dict) or styles.get(_DISPLAY_VALUES, False) is False:
        _STREAMLIT_DISPLAY_VALUES(proto, df, styles, *args, **kwargs)
        return
    if styles[_DISPLAY_VALUES] is None:
        _STREAMLIT_DISPLAY_VALUES(proto, df, styles, *args, **kwargs)
        styles[_DISPLAY_VALUES] = proto.styler.display_values
    else:
        proto.styler.display_values = styles[_DISPLAY_VALUES]


#: Streamlit's own function (a private one: Streamlit is pinned in requirements.txt, and
#: tests/test_table_render.py fails when this no longer takes effect). Without it the tables stay right, only slower.
_STREAMLIT_DISPLAY_VALUES = getattr(pandas_styler_utils, "_marshall_display_values", None)
if _STREAMLIT_DISPLAY_VALUES is not None:
    pandas_styler_utils._marshall_display_values = _display_values_once

#: Stylers of tables that are shared, read-only results of a ``st.cache_resource`` (the same object on every
#: rerun), by ``id``: such a table is not hashed again on every rerun (about 25 ms for the Kaart's 165 wijken).
#: Both held weakly: the frame's reference proves the id is still that object, and the Styler lives only as long as
#: :func:`_styled_once` keeps it (which bounds the memory; a Styler holds its frame).
_BY_IDENTITY: dict[int, tuple[weakref.ref, weakref.ref]] = {}


def _shared_styler(frame: pd.DataFrame) -> Styler:
    """:func:`_styled_once` of a frame that a cache hands out unchanged on every rerun, found by identity."""
    key = id(frame)
    hit = _BY_IDENTITY.get(key)
    if hit is not None and hit[0]() is frame:
        styler = hit[1]()
        if styler is not None:
            return styler
    styler = _styled_once(frame)

    def forget(ref: weakref.ref) -> None:
        if _BY_IDENTITY.get(key, (None,))[0] is ref:
            _BY_IDENTITY.pop(key, None)

    _BY_IDENTITY[key] = (weakref.ref(frame, forget), weakref.ref(styler))
    return styler


def show_table(frame: pd.DataFrame, key: str, stretch: bool = True, shared: bool = False) -> None:
    """``st.dataframe`` of a table as every page shows one: Dutch numbers (decimal comma, thousands dot) and
    "onbekend" for a missing value (:func:`kbz_data.analysis.area_data.styled`), no index.

    ``shared``: ``frame`` is a read-only result of a ``st.cache_resource`` (the same object on every rerun, never
    changed in place), so its Styler is found by identity instead of by hashing the frame.
    """
    styler = _shared_styler(frame) if shared else _styled_once(frame)
    st.dataframe(styler, hide_index=True, width="stretch" if stretch else "content", key=key,
                 placeholder=UNKNOWN)
