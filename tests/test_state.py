"""The page-state helper (kbz_data.ui.state): parsers and replacements (plain pytest), and every declared parameter
of every page fed hostile link values through the real entry point (AppTest on one mini store)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from kbz_data.analysis import budget
from kbz_data.text import escape_markdown
from kbz_data.ui import state
from kbz_data.ui.state import PAGES, PARAMS, Context, Replacement
from tests.conftest import FIXTURES, REPO, write_kwb_xlsx, write_rivm_xlsx

APP = str(REPO / "app.py")
CTX = Context("", "", {})
DEFAULT_BUDGET = int(budget.DEFAULT_BUDGET_EUR)
LINK = "[klik](http://example.org)"
HTML = "<b>x</b><script>alert(1)</script>"


def _resolve(name: str, url: dict[str, list[str]] | None, session: dict[str, Any] | None = None,
             remembered: dict[str, Any] | None = None) -> tuple[Any, Replacement | None]:
    return state.resolve(PARAMS[name], CTX, url, session or {}, remembered or {})


# --- Parsers and replacements -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "raw", "value", "shown", "replaced_by"), [
    ("gemeente", "GM9999", "G4", "GM9999", "G4"),
    ("gemeente", LINK, "G4", escape_markdown(LINK), "G4"),
    ("gemeente", HTML, "G4", escape_markdown(HTML), "G4"),
    ("niveau", "²", "wijk", "²", "wijk"),
    ("niveau", "NaN", "wijk", "NaN", "wijk"),
    ("kaart_klassen", "²", 5, "²", "5"),
    ("kaart_klassen", "9", 5, "9", "5"),
    ("kaart_klassen", "2", 5, "2", "5"),
    ("kaart_klassen", "-1", 5, "\\-1", "5"),
    ("kaart_klassen", "1e309", 5, "1e309", "5"),
    ("kaart_klassen", "1" * 5000, 5, "1" * 60 + "…", "5"),
    ("kaart_kbz", "misschien", True, "misschien", "1"),
    ("budget_bedrag", "99999999999", DEFAULT_BUDGET, "99999999999", str(DEFAULT_BUDGET)),
    ("budget_bedrag", "10000000001", DEFAULT_BUDGET, "10000000001", str(DEFAULT_BUDGET)),
    ("budget_bedrag", "²", DEFAULT_BUDGET, "²", str(DEFAULT_BUDGET)),
    ("budget_bedrag", "１２", DEFAULT_BUDGET, "１２", str(DEFAULT_BUDGET)),  # full-width digits: not ASCII
    ("budget_bedrag", "-1", DEFAULT_BUDGET, "\\-1", str(DEFAULT_BUDGET)),
    ("budget_bedrag", "0", DEFAULT_BUDGET, "0", str(DEFAULT_BUDGET)),  # nothing to divide
    ("budget_bedrag", "NaN", DEFAULT_BUDGET, "NaN", str(DEFAULT_BUDGET)),
    ("budget_bedrag", "1e309", DEFAULT_BUDGET, "1e309", str(DEFAULT_BUDGET)),
    ("budget_bedrag", "5" * 5000, DEFAULT_BUDGET, "5" * 60 + "…", str(DEFAULT_BUDGET)),
    ("budget_bedrag", "a" * 100_000, DEFAULT_BUDGET, "a" * 60 + "…", str(DEFAULT_BUDGET)),
    ("praktijk_keuze", "XXX-NIETS-1", None, "XXX-NIETS-1", None),  # first practice of the registry
])
def test_bad_link_value_is_replaced_and_reported(name: str, raw: str, value: Any, shown: str,
                                                  replaced_by: str | None) -> None:
    param = PARAMS[name]
    got, replacement = _resolve(name, {param.url_key: [raw]})
    if name == "praktijk_keuze":
        from kbz_data.practice import registry

        value = registry.codes()[0]
        replaced_by = escape_markdown(value)
    assert got == value
    assert replacement == Replacement(name, param.url_key, shown, replaced_by)
    assert not re.search(r"(?<!\\)[<\[\]()]", replacement.shown)  # every Markdown/HTML character escaped
    assert len(replacement.shown) < 2 * state.ECHO_LENGTH


@pytest.mark.parametrize(("name", "raw", "value"), [
    ("gemeente", "gm0344", "GM0344"),
    ("gemeente", " GM0344 ", "GM0344"),
    ("niveau", "Buurt", "buurt"),
    ("kaart_klassen", "3", 3),
    ("kaart_klassen", "7", 7),
    ("kaart_kbz", "0", False),
    ("kaart_kbz", "nee", False),
    ("kaart_kbz", "1", True),
    ("budget_bedrag", "1", 1),
    ("budget_bedrag", "10000000000", 10_000_000_000),
    ("budget_bedrag", "2500000", 2_500_000),
])
def test_good_link_value_is_taken(name: str, raw: str, value: Any) -> None:
    assert _resolve(name, {PARAMS[name].url_key: [raw]}) == (value, None)


@pytest.mark.parametrize("raw", ["", "   "])
def test_empty_link_value_counts_as_absent(raw: str) -> None:
    assert _resolve("budget_bedrag", {"budget": [raw]}) == (DEFAULT_BUDGET, None)
    assert _resolve("budget_bedrag", {"budget": [raw]}, remembered={"budget_bedrag": 7}) == (7, None)


def test_repeated_key_counts_by_its_last_value() -> None:
    assert _resolve("budget_bedrag", {"budget": ["²", "5"]}) == (5, None)
    value, replacement = _resolve("budget_bedrag", {"budget": ["5", "²"]})
    assert value == DEFAULT_BUDGET and replacement is not None and replacement.shown == "²"


def test_bad_link_value_falls_back_to_the_remembered_value() -> None:
    value, replacement = _resolve("gemeente", {"gemeente": ["GM9999"]}, remembered={"gemeente": "GM0344"})
    assert value == "GM0344" and replacement is not None and replacement.replaced_by == "GM0344"


def test_widget_value_wins_when_the_url_did_not_change() -> None:
    assert _resolve("niveau", None, session={"niveau": "buurt"}, remembered={"niveau": "wijk"}) == ("buurt", None)
    assert _resolve("niveau", None, remembered={"niveau": "buurt"}) == ("buurt", None)
    assert _resolve("niveau", None, session={"niveau": "stad"}) == ("wijk", None)  # never a bad value


def test_list_parser_and_format() -> None:
    param = PARAMS["vergelijk_codes"]
    assert param.parse("wk1, ,WK2,wk1") == ["WK1", "WK2"]
    assert param.format(["WK1", "WK2"]) == "WK1,WK2" and param.format([]) is None
    with pytest.raises(ValueError):
        param.parse(",".join(["WK1"] * 51 + ["WK2"]))  # more than max_items distinct or not: too many items


def test_warning_sentence() -> None:
    replaced = [Replacement("gemeente", "gemeente", "GM9999", "G4"),
                Replacement("indicator", "indicator", "bestaat\\_niet", "ervaren\\_gezondheid\\_goed")]
    assert state.format_warning(replaced) == (
        "Deze link bevat onbekende of niet passende waarden, die zijn vervangen: gemeente=GM9999,"
        " indicator=bestaat\\_niet uit de link is vervangen door gemeente=G4, indicator=ervaren\\_gezondheid\\_goed.")
    assert state.format_warning([]) is None


def test_every_page_uses_each_url_key_once_and_declared_params_only() -> None:
    for page, names in PAGES.items():
        assert set(names) <= set(PARAMS), page
        keys = [PARAMS[n].url_key for n in names if PARAMS[n].url_key]
        assert len(keys) == len(set(keys)), page


# --- Hostile links through the real app ---------------------------------------------------------------------------

HOSTILE: list[str | list[str]] = [
    "", "²", "1" * 5000, "-1", "NaN", "1e309", "a" * 100_000, LINK, HTML,
    ["5", "²"],  # a repeated key
    ["²", ""],
]
PAGE_FILES = {page: f"app_pages/{page}.py" for page in PAGES if page != "leeg"}
TEXT_ELEMENTS = ("markdown", "caption", "error", "warning", "info", "success", "text", "code", "exception")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory):
    """One store built from the mini sources for the whole module, with KBZ_STORE pointing at it."""
    import shutil

    from kbz_data.store.build import build

    root = tmp_path_factory.mktemp("hostile")
    sources = root / "sources"
    for sub in ("rivm", "kwb", "geo"):
        (sources / sub).mkdir(parents=True)
    write_rivm_xlsx(sources / "rivm" / "gezondheid_2020_18+.xlsx")
    write_kwb_xlsx(sources / "kwb" / "kwb-2023.xlsx")
    for name in ("kwb2024_codes.csv", "kwb2024_herkomst.csv", "ses_woa_85163NED.csv"):
        shutil.copy(FIXTURES / "statline" / name, sources / "kwb" / name)
    shutil.copy(FIXTURES / "woonikveilig" / "GM0344.json", sources / "GM0344.json")
    shutil.copy(FIXTURES / "geo" / "buurten_topo.json", sources / "geo" / "buurten.json")
    (sources / "MANIFEST.md").write_text("# test\n", encoding="utf-8")
    store = root / "store"
    build(sources, store)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KBZ_STORE", str(store))
        patch.setenv("KBZ_SOURCES", str(sources))
        yield store


def _texts(at: AppTest) -> list[str]:
    texts = []
    for kind in TEXT_ELEMENTS:
        texts += [str(getattr(e, "value", "")) for e in at.get(kind)]
    return texts


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_hostile_link_values_never_break_a_page(hostile_store: Path, page: str) -> None:
    """Each URL key of the page, one at a time, gets each hostile value in one session (the URL changes from
    outside on every run, as with a new link): no exception box, no Traceback, nothing long or live echoed, every
    bad value reported, the page under 3 s (after one warm-up run that fills the caches), and the URL afterwards
    holds only the page's keys with good values."""
    url_keys = [PARAMS[n].url_key for n in PAGES[page] if PARAMS[n].url_key]
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE_FILES[page]).run()  # warm-up without a link: the caches (demo practice set) fill once
    assert not at.exception, at.exception
    for key in url_keys:
        for hostile in HOSTILE:
            at.query_params.clear()
            at.query_params[key] = hostile
            started = time.perf_counter()
            at.run()
            seconds = time.perf_counter() - started
            label = f"{page}?{key}={str(hostile)[:30]!r}"
            assert not at.exception, (label, at.exception)
            assert at.title, label  # the page itself ran
            texts = _texts(at)
            assert not any("Traceback" in t for t in texts), label
            assert not any("a" * 200 in t or "1" * 200 in t for t in texts), label  # long values are cut
            assert not any("<script>" in t or "](http" in t for t in texts), label
            # A guard against a value that makes parsing run away (5000 digits, 1e309), not a speed measurement
            # (benchmarks/ measures speed): generous, so a busy machine does not fail it.
            assert seconds < 20, (label, seconds)
            last = hostile[-1] if isinstance(hostile, list) else hostile
            warned = any("uit de link is vervangen door" in w.value for w in at.sidebar.warning)
            if PARAMS[next(n for n in PAGES[page] if PARAMS[n].url_key == key)].page_reports:
                # the page explains this one itself, with what may be chosen; the sidebar leaves it out
                assert not warned, label
                warned = any("link" in w.value for w in [*at.main.warning, *at.main.error])
            assert warned == (last != ""), label  # every bad value is reported once; an empty one is no value
            # What the page keeps in its URL are its own parameters, with values that pass their checks.
            assert set(at.query_params) <= set(url_keys), label
            for name in PAGES[page]:
                url_key = PARAMS[name].url_key
                if url_key and url_key in at.query_params:
                    value = at.query_params[url_key]
                    assert isinstance(value, str) and len(value) <= 400 and "²" not in value, (label, value)


# --- Links, memory across pages and the URL (AppTest) ---------------------------------------------------------------

def test_map_options_come_from_the_link_and_are_remembered(hostile_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"schaal": "fisher_jenks", "klassen": "4", "kbz": "0", "onbekend": "x"})
    at.switch_page("app_pages/kaart.py").run()
    assert not at.exception, at.exception
    assert at.radio(key="kaart_schaal").value == "fisher_jenks"
    assert at.slider(key="kaart_klassen").value == 4
    assert at.toggle(key="kaart_kbz").value is False
    assert "onbekend" not in at.query_params  # a key no page uses is dropped
    assert at.query_params["klassen"] == "4" and at.query_params["kbz"] == "0"
    at.slider(key="kaart_klassen").set_value(6).run()
    assert at.query_params["klassen"] == "6"
    at.switch_page("app_pages/bronnen.py").run()
    assert "klassen" not in at.query_params
    at.switch_page("app_pages/kaart.py").run()
    assert at.slider(key="kaart_klassen").value == 6 and at.radio(key="kaart_schaal").value == "fisher_jenks"
    assert at.query_params["schaal"] == "fisher_jenks"


def test_a_link_that_already_says_what_is_shown_is_not_rewritten(hostile_store: Path) -> None:
    """Streamlit pushes a rewritten URL as a new history entry: completing a cold link with default values made the
    first Back stay on the same page. A link is kept as typed when its values are valid and the keys it leaves out
    have their defaults; the first change in the page then writes the whole view."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"klassen": "5"})
    at.switch_page("app_pages/kaart.py").run()
    assert not at.exception, at.exception
    assert dict(at.query_params) == {"klassen": "5"}
    at.run()  # a rerun does not complete it either
    assert dict(at.query_params) == {"klassen": "5"}
    at.slider(key="kaart_klassen").set_value(6).run()
    assert at.query_params["klassen"] == "6" and at.query_params["gemeente"] == "G4"
    at.switch_page("app_pages/bronnen.py").run()
    assert dict(at.query_params) == {}


def test_a_link_whose_missing_keys_are_not_the_default_is_completed(hostile_store: Path) -> None:
    """Back to an incomplete link after another value was chosen: the URL must say what the sidebar shows."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/kaart.py").run()
    at.slider(key="kaart_klassen").set_value(4).run()
    at.query_params.clear()
    at.query_params.update({"schaal": at.query_params.get("schaal") or "kwantielen"})
    at.run()
    assert not at.exception, at.exception
    assert at.slider(key="kaart_klassen").value == 4
    assert at.query_params["klassen"] == "4"


def test_practice_is_shared_by_praktijk_and_upload(hostile_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/praktijk.py").run()
    at.selectbox(key="praktijk_keuze").set_value("UTR-ONDIEP-1").run()
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="praktijk_keuze").value == "UTR-ONDIEP-1"
    assert at.query_params["praktijk"] == "UTR-ONDIEP-1"


def test_similar_areas_reference_follows_the_selection(hostile_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"gebieden": "WK034402,WK034401", "indeling": "2020", "referentie": "WK034401"})
    at.switch_page("app_pages/vergelijken.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="vergelijk_referentie").value == "WK034401"
    options = at.selectbox(key="vergelijk_referentie").options  # only the chosen areas
    assert len(options) == 2 and "WK034402" in options[0] and "WK034401" in options[1]
    at.multiselect(key="vergelijk_codes").set_value(["WK034402"]).run()
    assert not at.exception
    assert at.selectbox(key="vergelijk_referentie").value == "WK034402"  # the removed area is not used any more
    assert at.query_params["referentie"] == "WK034402" and at.query_params["gebieden"] == "WK034402"


def test_bad_link_reference_is_replaced_by_the_first_chosen_area(hostile_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"gebieden": "WK034401,WK999999", "indeling": "2020", "referentie": "WK034402"})
    at.switch_page("app_pages/vergelijken.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="vergelijk_referentie").value == "WK034401"
    warning = " ".join(w.value for w in at.sidebar.warning)
    assert ("gebieden=WK034401,WK999999, referentie=WK034402 uit de link is vervangen door gebieden=WK034401,"
            " referentie=WK034401") in warning


def test_adding_similar_areas_keeps_url_and_selection_in_step(hostile_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"gebieden": "WK034401", "indeling": "2020"})
    at.switch_page("app_pages/vergelijken.py").run()
    at.button(key="vergelijkbaar_toevoegen").click().run()  # a callback changes the selection
    assert not at.exception, at.exception
    chosen = at.multiselect(key="vergelijk_codes").value
    assert chosen[0] == "WK034401"
    assert at.query_params["gebieden"] == ",".join(chosen)


def test_legend_html_escapes_labels() -> None:
    from kbz_data.ui.widgets import legend_html

    html = legend_html("Rookt (%)", [("#fee5d9", "< 20,0"), ("#cccccc", "onbekend")])
    assert html.startswith("**Rookt (%)**, gezamenlijke schaal voor de vier steden:<br>")
    assert "&lt; 20,0" in html and "background:#fee5d9" in html and html.count("<span") == 4


def test_replaced_amount_names_the_allowed_range() -> None:
    """A budget above the maximum is replaced, and the message says what is allowed (found in review)."""
    text = state.format_warning([state.Replacement("budget_bedrag", "budget", "99999999999", "10000000")])
    assert text == ("Deze link bevat onbekende of niet passende waarden, die zijn vervangen: budget=99999999999 uit de"
                    " link is vervangen door budget=10000000. Toegestaan: budget van 1 tot en met 10.000.000.000.")
