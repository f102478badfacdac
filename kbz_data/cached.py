"""The only Streamlit-aware module of the data package: cached wrappers taking primitive arguments.

Callers must not mutate what these return.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kbz_data import explore, store, summary


@st.cache_data(show_spinner=False)
def coverage(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.summary.coverage`; ``built`` (build time) invalidates it after a rebuild."""
    return summary.coverage(store_dir)


@st.cache_data(show_spinner=False)
def indicator_overview(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.summary.indicator_overview`."""
    return summary.indicator_overview(store_dir)


@st.cache_data(show_spinner=False)
def sources_used(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.summary.sources_used`."""
    return summary.sources_used(store_dir)


def build_info(store_dir: str) -> dict[str, Any]:
    """``build.json`` of the store (small; read on every run so a rebuild is seen at once)."""
    return store.read_build_info(store_dir)


@st.cache_resource(show_spinner=False)
def store_data(store_dir: str, built: str) -> explore.StoreData:
    """The whole store, loaded once per build and shared by all sessions (read-only)."""
    return explore.load(store_dir)


@st.cache_data(show_spinner=False)
def indicator_options(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.explore.indicator_options`."""
    return explore.indicator_options(store_data(store_dir, built))


@st.cache_data(show_spinner=False)
def periods(store_dir: str, built: str, indicator: str) -> list[tuple[int, int]]:
    """Cached :func:`kbz_data.explore.periods`."""
    return explore.periods(store_data(store_dir, built), indicator)
