"""KBZ wijkdashboard: entry point (page config, first-run store build, view parameters and shared filters, login
state in the sidebar (kbz_data.ui.auth), navigation)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.store import first_run, locate
from kbz_data.text import public_message
from kbz_data.ui import auth, cached
from kbz_data.ui import state as page_state
from kbz_data.ui.widgets import LINK_WARNING_KEY, page_accessibility

st.set_page_config(page_title="KBZ wijkdashboard", page_icon="🏘️", layout="wide")
page_accessibility()  # lang="nl", caption contrast, Dutch upload texts, maps on touch screens (kbz_data/ui/widgets.py)

#: Which store to read (``$KBZ_STORE``, ``data/store``, a first-run build from sources, else the snapshot).
STORE_CHOICE = locate.resolve()
STORE_DIR = STORE_CHOICE.store_dir


def _first_run_build(store_dir: Path, sources_dir: Path) -> None:
    """Build the store when it is missing and sources are present (first start), with a progress bar.

    The build runs in a background thread of the server (kbz_data.store.first_run), one per process: closing the tab
    does not stop it, and a second visitor in the meantime sees the same progress instead of starting a second build.
    This run only follows it, and opens the page once the store is there.
    """
    run = first_run.start(sources_dir, store_dir)
    st.title("KBZ wijkdashboard")
    st.info(
        f"Er is nog geen gegevensopslag in `{locate.display_path(store_dir)}`. De opslag wordt nu gebouwd uit de"
        f" bronbestanden in `{locate.display_path(sources_dir)}`; dit duurt ongeveer een halve minuut. Het bouwen"
        " gaat door als u dit tabblad sluit."
    )
    bar = st.progress(0.0, text="Starten")
    while True:
        status = run.status()
        bar.progress(status.fraction, text=locate.hide_paths(status.message, [sources_dir, store_dir]))
        if status.state != first_run.RUNNING:
            break
        run.wait(0.5)
    if status.state == first_run.FAILED:
        st.error(
            "De gegevensopslag kon niet worden gebouwd.\n\n"
            f"{public_message(locate.hide_paths(status.error or '', [sources_dir, store_dir]))}\n\n"
            "Zet de bronbestanden in de bronmap (of wijs die aan met de omgevingsvariabele `KBZ_SOURCES`), of"
            " download ze met `python -m kbz_data download`, en bouw dan met `python -m kbz_data build`. Zonder"
            " `KBZ_SOURCES` en zonder bronmap draait het dashboard op de meegeleverde momentopname."
        )
        if st.button("Opnieuw bouwen", key="eerste_bouw_opnieuw"):
            first_run.start(sources_dir, store_dir, retry=True)
            st.rerun()
        st.stop()
    st.rerun()


def _sidebar_filters(store_dir: str, page: str) -> None:
    """Resolve the view parameters of the page (kbz_data.ui.state) and draw the shared sidebar filters it uses."""
    built = cached.build_info(store_dir)["gebouwd"]
    page_state.sync(page, store_dir, built)
    shown = [name for name in page_state.SIDEBAR if name in page_state.PAGES.get(page, ())]
    if "gemeente" in shown:
        st.sidebar.selectbox(
            "Gemeente", page_state.GEMEENTE_OPTIONS, key="gemeente", placeholder="Kies een gemeente",
            format_func=lambda c: "Alle vier steden" if c == "G4" else GEMEENTEN[c],
        )
    if "niveau" in shown:
        st.sidebar.radio("Niveau", page_state.NIVEAU_OPTIONS, key="niveau", horizontal=True,
                         format_func=str.capitalize)
    if "indicator" in shown:
        texts = cached.indicator_choices(store_dir, built, page_state.value("gemeente") or "G4")
        st.sidebar.selectbox("Indicator", list(texts), key="indicator", placeholder="Kies een indicator",
                             format_func=texts.__getitem__, filter_mode="contains")
    if "periode" in shown:
        pairs = cached.periods(store_dir, built, page_state.value("indicator"))
        st.sidebar.selectbox(
            "Jaar (gebiedsindeling)", [f"{j}-{i}" for j, i in pairs], key="periode", placeholder="Kies een jaar",
            format_func=lambda v: f"{v.split('-')[0]} (indeling {v.split('-')[1]})",
            help="Cijfers horen bij de CBS-gebiedsindeling van een bepaald jaar en worden alleen op kaartvormen van"
                 " dezelfde indeling getoond.",
        )
    warning = page_state.warning_text()
    if warning:
        st.sidebar.warning(warning)
        # Where Streamlit starts the sidebar closed (a phone), a visitor would never see it there: the same sentence
        # at the top of the page, shown by CSS only at that width (LINK_WARNING_KEY in kbz_data/ui/widgets.py).
        st.container(key=LINK_WARNING_KEY).warning(warning)


st.session_state["store_dir"] = str(STORE_DIR)

pages = [
    # The default page is served at "/" whatever its url_path (st.navigation gives it the pathname ""), so "/overzicht"
    # would get Streamlit's English "Page not found": a hidden second entry of the same page answers that link.
    st.Page("app_pages/overzicht.py", title="Overzicht", icon=":material/home:", default=True, url_path="start"),
    st.Page("app_pages/overzicht.py", title="Overzicht", icon=":material/home:", url_path="overzicht",
            visibility="hidden"),
    st.Page("app_pages/kaart.py", title="Kaart", icon=":material/map:", url_path="kaart"),
    st.Page("app_pages/wijkprofiel.py", title="Wijkprofiel", icon=":material/query_stats:", url_path="wijkprofiel"),
    st.Page("app_pages/vergelijken.py", title="Vergelijken", icon=":material/compare_arrows:", url_path="vergelijken"),
    st.Page("app_pages/budget.py", title="Budgetverdeling", icon=":material/euro:", url_path="budget"),
    st.Page("app_pages/bronnen.py", title="Bronnen en methode", icon=":material/menu_book:", url_path="bronnen"),
    st.Page("app_pages/praktijk.py", title="Praktijk", icon=":material/stethoscope:", url_path="praktijk"),
    st.Page("app_pages/upload.py", title="Praktijkcijfers uploaden", icon=":material/upload_file:", url_path="upload"),
    st.Page("app_pages/toegankelijkheid.py", title="Toegankelijkheid", icon=":material/accessible:",
            url_path="toegankelijkheid"),
    st.Page("app_pages/beheer.py", title="Beheer", icon=":material/admin_panel_settings:", url_path="beheer"),
]
if os.environ.get("KBZ_BENCH_EMPTY_PAGE"):  # benchmarks/bench_pages.py: an empty page inside the same app
    pages.append(st.Page("benchmarks/empty_page.py", title="Leeg (benchmark)", url_path="leeg"))
navigation = st.navigation(pages)
if STORE_CHOICE.kind == locate.KIND_BUILD and STORE_CHOICE.sources_dir is not None:
    _first_run_build(STORE_DIR, STORE_CHOICE.sources_dir)  # after st.navigation: the rerun opens the linked page
try:
    _sidebar_filters(str(STORE_DIR), navigation.url_path)
except KbzDataError as exc:
    st.error(f"De gegevensopslag is niet leesbaar: {public_message(locate.hide_paths(str(exc), [STORE_DIR]))}")
    st.stop()
auth.sidebar(str(STORE_DIR))  # "Inloggen"/"Uitloggen" or the local-mode banner, on every page
navigation.run()

st.sidebar.caption(
    "Bronnen: CBS, RIVM/GGD'en (Gezondheidsmonitor), Kadaster/PDOK, Gemeente Amsterdam. Open data onder CC BY 4.0."
)
