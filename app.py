"""KBZ wijkdashboard: entry point (page config, first-run store build, shared filters, navigation)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from kbz_data.config import GEMEENTEN, default_sources_dir, default_store_dir
from kbz_data.errors import KbzDataError
from kbz_data.store import storage
from kbz_data.text import escape_markdown, public_message
from kbz_data.ui import cached

st.set_page_config(page_title="KBZ wijkdashboard", page_icon="🏘️", layout="wide")

STORE_DIR = default_store_dir()
SOURCES_DIR = default_sources_dir()
GEMEENTE_OPTIONS = ["G4", *GEMEENTEN]
NIVEAU_OPTIONS = ["wijk", "buurt"]
#: Filter keys mirrored in the URL (st.query_params), so every view is a link someone can share.
FILTER_KEYS = ("gemeente", "niveau", "indicator", "periode")
#: Which shared filters each page uses (by url_path); other pages show none.
FILTERS_PER_PAGE: dict[str, tuple[str, ...]] = {
    "kaart": FILTER_KEYS,
    "wijkprofiel": ("gemeente", "niveau"),
    "vergelijken": ("gemeente", "niveau"),
    "budget": ("gemeente",),
    "leeg": FILTER_KEYS,  # the benchmark's empty page (KBZ_BENCH_EMPTY_PAGE) draws every shared filter
}


def _first_run_build(store_dir: Path, sources_dir: Path) -> None:
    """Build the store with a progress bar when it is missing (first start on a new machine)."""
    from kbz_data.store.build import build

    st.title("KBZ wijkdashboard")
    st.info(
        f"Er is nog geen gegevensopslag in `{store_dir}`. De opslag wordt nu gebouwd uit de bronbestanden in"
        f" `{sources_dir}`; dit duurt ongeveer een halve minuut."
    )
    bar = st.progress(0.0, text="Starten")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        build(sources_dir, store_dir, progress=progress)
    except KbzDataError as exc:
        st.error(
            "De gegevensopslag kon niet worden gebouwd.\n\n"
            f"{public_message(exc)}\n\n"
            "Zet de bronbestanden in de bronmap (of wijs die aan met de omgevingsvariabele `KBZ_SOURCES`), of"
            " download ze met `python -m kbz_data download`, en bouw dan met `python -m kbz_data build`."
        )
        st.stop()
    st.rerun()


def _periode_value(jaar: int, indeling: int) -> str:
    return f"{jaar}-{indeling}"


def _shared_filters(store_dir: str, shown: tuple[str, ...]) -> None:
    """Sidebar filters shared by the pages, initialised from and mirrored to the URL.

    Only the filters a page uses (``shown``) are drawn and kept in its URL. Their values live on in
    ``_keep_<key>`` while a page without them is open (Streamlit drops the state of widgets that are not drawn).
    """
    built = cached.build_info(store_dir)["gebouwd"]
    options = cached.indicator_options(store_dir, built)
    indicator_ids = options["indicator"].tolist()
    params = st.query_params
    for key in FILTER_KEYS:
        if key not in st.session_state and f"_keep_{key}" in st.session_state:
            st.session_state[key] = st.session_state[f"_keep_{key}"]
    if "filters_init" not in st.session_state:
        st.session_state["filters_init"] = True
        wrong = []
        for key, allowed in (("gemeente", GEMEENTE_OPTIONS), ("niveau", NIVEAU_OPTIONS), ("indicator", indicator_ids)):
            value = params.get(key)
            if value is None:
                continue
            if value in allowed:
                st.session_state[key] = value
            else:
                wrong.append(f"{key}={value}")
        if "periode" in params:
            st.session_state["_periode_param"] = params["periode"]
        st.session_state["_filter_wrong"] = wrong
    st.session_state.setdefault("gemeente", "G4")
    st.session_state.setdefault("niveau", "wijk")
    st.session_state.setdefault("indicator", "ervaren_gezondheid_goed" if "ervaren_gezondheid_goed" in indicator_ids
                                else indicator_ids[0])
    if "gemeente" in shown:
        st.sidebar.selectbox(
            "Gemeente", GEMEENTE_OPTIONS, key="gemeente",
            format_func=lambda c: "Alle vier steden" if c == "G4" else GEMEENTEN[c],
        )
    if "niveau" in shown:
        st.sidebar.radio("Niveau", NIVEAU_OPTIONS, key="niveau", horizontal=True, format_func=str.capitalize)
    if "indicator" in shown:
        texts = {
            i: f"{d.capitalize()} · {lab} ({e})"
            for i, d, lab, e in zip(options["indicator"], options["domein"], options["label"], options["eenheid"])
        }
        st.sidebar.selectbox("Indicator", indicator_ids, key="indicator", format_func=texts.__getitem__)
    pairs = cached.periods(store_dir, built, st.session_state["indicator"])
    periode_options = [_periode_value(j, i) for j, i in pairs]
    wanted = st.session_state.pop("_periode_param", None)
    if wanted in periode_options:
        st.session_state["periode"] = wanted
    elif wanted is not None:
        st.session_state.setdefault("_filter_wrong", []).append(f"periode={wanted}")
    if st.session_state.get("periode") not in periode_options:
        st.session_state["periode"] = periode_options[0]
    if "periode" in shown:
        st.sidebar.selectbox(
            "Jaar (gebiedsindeling)", periode_options, key="periode",
            format_func=lambda v: f"{v.split('-')[0]} (indeling {v.split('-')[1]})",
            help="Cijfers horen bij de CBS-gebiedsindeling van een bepaald jaar en worden alleen op kaartvormen van"
                 " dezelfde indeling getoond.",
        )
    for key in FILTER_KEYS:
        st.session_state[f"_keep_{key}"] = st.session_state[key]
        if key not in shown:
            if key in params:
                del params[key]
        elif params.get(key) != st.session_state[key]:
            params[key] = st.session_state[key]
    wrong = st.session_state.pop("_filter_wrong", [])
    if wrong:
        st.sidebar.warning(
            "Deze link bevat onbekende of niet passende filterwaarden, die zijn vervangen: "
            + ", ".join(escape_markdown(w[:60]) for w in wrong)
        )


st.session_state["store_dir"] = str(STORE_DIR)

pages = [
    st.Page("app_pages/overzicht.py", title="Overzicht", icon="🏠", default=True, url_path="overzicht"),
    st.Page("app_pages/kaart.py", title="Kaart", icon="🗺️", url_path="kaart"),
    st.Page("app_pages/wijkprofiel.py", title="Wijkprofiel", icon="📊", url_path="wijkprofiel"),
    st.Page("app_pages/vergelijken.py", title="Vergelijken", icon="⚖️", url_path="vergelijken"),
    st.Page("app_pages/budget.py", title="Budgetverdeling", icon="💶", url_path="budget"),
    st.Page("app_pages/bronnen.py", title="Bronnen en methode", icon="📚", url_path="bronnen"),
    st.Page("app_pages/praktijk.py", title="Praktijk", icon="🩺", url_path="praktijk"),
    st.Page("app_pages/upload.py", title="Praktijkcijfers uploaden", icon="📤", url_path="upload"),
]
if os.environ.get("KBZ_BENCH_EMPTY_PAGE"):  # benchmarks/bench_pages.py: an empty page inside the same app
    pages.append(st.Page("benchmarks/empty_page.py", title="Leeg (benchmark)", url_path="leeg"))
navigation = st.navigation(pages)
if not storage.exists(STORE_DIR):  # after st.navigation, so the rerun after the build opens the page of the link
    _first_run_build(STORE_DIR, SOURCES_DIR)
try:
    _shared_filters(str(STORE_DIR), FILTERS_PER_PAGE.get(navigation.url_path, ()))
except KbzDataError as exc:
    st.error(f"De gegevensopslag is niet leesbaar: {public_message(exc)}")
    st.stop()
navigation.run()

st.sidebar.caption(
    "Bronnen: CBS, RIVM/GGD'en (Gezondheidsmonitor), Kadaster/PDOK, Gemeente Amsterdam. Open data onder CC BY 4.0."
)
