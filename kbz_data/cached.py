"""The only Streamlit-aware module of the data package: cached wrappers taking primitive arguments.

Callers must not mutate what these return.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kbz_data import store, summary


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
