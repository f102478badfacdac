"""KBZ wijkdashboard: entry point (page config, first-run store build, navigation)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kbz_data import store
from kbz_data.config import default_sources_dir, default_store_dir
from kbz_data.errors import KbzDataError

st.set_page_config(page_title="KBZ wijkdashboard", page_icon="🏘️", layout="wide")

STORE_DIR = default_store_dir()
SOURCES_DIR = default_sources_dir()


def _first_run_build(store_dir: Path, sources_dir: Path) -> None:
    """Build the store with a progress bar when it is missing (first start on a new machine)."""
    from kbz_data.build import build

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
            f"{exc}\n\n"
            "Zet de bronbestanden in de bronmap (of wijs die aan met de omgevingsvariabele `KBZ_SOURCES`), of"
            " download ze met `python -m kbz_data download`, en bouw dan met `python -m kbz_data build`."
        )
        st.stop()
    st.rerun()


if not store.exists(STORE_DIR):
    _first_run_build(STORE_DIR, SOURCES_DIR)

st.session_state.setdefault("store_dir", str(STORE_DIR))

pages = [
    st.Page("pages/overzicht.py", title="Overzicht", icon="🏠", default=True, url_path="overzicht"),
]
navigation = st.navigation(pages)
navigation.run()

st.sidebar.caption(
    "Bronnen: CBS, RIVM/GGD'en (Gezondheidsmonitor), Kadaster/PDOK, Gemeente Amsterdam. Open data onder CC BY 4.0."
)
