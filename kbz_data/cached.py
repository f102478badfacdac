"""The only Streamlit-aware module of the data package: cached wrappers taking primitive arguments.

Callers must not mutate what these return.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kbz_data import explore, store, summary, views


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


@st.cache_data(show_spinner=False, max_entries=64)
def area_table(store_dir: str, built: str, indicator: str, jaar: int, indeling: int, niveau: str,
               gemeente: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.explore.area_values`."""
    return explore.area_values(store_data(store_dir, built), indicator, jaar, indeling, niveau, gemeente)


@st.cache_data(show_spinner=False, max_entries=32)
def map_view(store_dir: str, built: str, indicator: str, jaar: int, indeling: int, niveau: str, gemeente: str,
             scheme: str, k: int, show_kbz: bool) -> views.MapView:
    """Cached :func:`kbz_data.views.map_view`."""
    return views.map_view(store_data(store_dir, built), indicator, jaar, indeling, niveau, gemeente, scheme, k,
                          show_kbz)


@st.cache_data(show_spinner=False, max_entries=32)
def scatter_view(store_dir: str, built: str, x: str, x_jaar: int, y: str, y_jaar: int, indeling: int, niveau: str,
                 gemeente: str) -> tuple[Any, dict[str, float], str]:
    """Cached :func:`kbz_data.views.scatter_view`."""
    return views.scatter_view(store_data(store_dir, built), (x, x_jaar), (y, y_jaar), indeling, niveau, gemeente)


@st.cache_data(show_spinner=False)
def division_indicators(store_dir: str, built: str, indeling: int, niveau: str) -> list[tuple[str, int]]:
    """Cached :func:`kbz_data.explore.indicators_in_division`."""
    return explore.indicators_in_division(store_data(store_dir, built), indeling, niveau)


# --- Wijkprofiel and Bronnen en methode (kbz_data.profile) -----------------------------------------------------

@st.cache_data(show_spinner=False)
def area_choices(store_dir: str, built: str, gemeente: str, niveau: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.profile.area_choices`."""
    from kbz_data import profile

    return profile.area_choices(store_data(store_dir, built), gemeente, niveau)


@st.cache_data(show_spinner=False)
def area_divisions(store_dir: str, built: str, code: str) -> list[int]:
    """Cached :func:`kbz_data.profile.area_divisions`."""
    from kbz_data import profile

    return profile.area_divisions(store_data(store_dir, built), code)


@st.cache_data(show_spinner=False)
def default_division(store_dir: str, built: str, code: str) -> int:
    """Cached :func:`kbz_data.profile.default_division`."""
    from kbz_data import profile

    return profile.default_division(store_data(store_dir, built), code)


@st.cache_data(show_spinner=False)
def area_info(store_dir: str, built: str, code: str, indeling: int) -> dict[str, Any]:
    """Cached :func:`kbz_data.profile.area_info`."""
    from kbz_data import profile

    return profile.area_info(store_data(store_dir, built), code, indeling)


@st.cache_data(show_spinner=False)
def profile_table(store_dir: str, built: str, code: str, indeling: int) -> pd.DataFrame:
    """Cached :func:`kbz_data.profile.profile_table`."""
    from kbz_data import profile

    return profile.profile_table(store_data(store_dir, built), code, indeling)


@st.cache_data(show_spinner=False)
def trend_table(store_dir: str, built: str, code: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.profile.trend_table`."""
    from kbz_data import profile

    return profile.trend_table(store_data(store_dir, built), code)


@st.cache_data(show_spinner=False)
def profile_sources(store_dir: str, built: str, code: str, indeling: int, trend: bool = False) -> list[str]:
    """Source lines (:func:`kbz_data.profile.source_lines`) of a profile table, or of the trend table."""
    from kbz_data import profile

    data = store_data(store_dir, built)
    table = profile.trend_table(data, code) if trend else profile.profile_table(data, code, indeling)
    return profile.source_lines(data, table)


@st.cache_data(show_spinner=False)
def methods_tables(store_dir: str, built: str) -> dict[str, Any]:
    """Everything the Bronnen en methode page shows: sources, files, skipped files, indicators, caveats."""
    from kbz_data import profile

    data = store_data(store_dir, built)
    return {
        "opslag": profile.build_summary(data), "bronnen": profile.sources_table(data), "bestanden": profile.files_table(data),
        "overgeslagen": profile.skipped_table(data), "indicatoren": profile.indicator_table(data),
        "kanttekeningen": profile.caveats(data),
    }


@st.cache_data(show_spinner=False)
def kbz_context(store_dir: str, built: str, code: str, indeling: int) -> dict[str, pd.DataFrame]:
    """KBZ neighbourhoods (:func:`kbz_data.profile.kbz_membership`) and practices
    (:func:`kbz_data.profile.practices_near`) in or near an area of one division."""
    from kbz_data import profile

    info = profile.area_info(store_data(store_dir, built), code, indeling)
    return {
        "kbz": profile.kbz_membership(info["code"], indeling, info["wijkcode"]),
        "praktijken": profile.practices_near(info["code"], indeling, info["wijkcode"]),
    }


# Practice figures (kbz_data.practice). ``state`` is the practice store's journal fingerprint
# (:func:`praktijk_state`), so every upload or undo is seen at once.


def praktijk_state(store_dir: str) -> str:
    """Fingerprint of the practice store (not cached: it must change as soon as an upload lands)."""
    from kbz_data.practice import upload_store

    return upload_store.state_token(store_dir)


@st.cache_data(show_spinner=False, max_entries=8)
def praktijk_figures(store_dir: str, state: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.practice.upload_store.current_figures` (demo set overlaid by the uploads)."""
    from kbz_data.practice import upload_store

    return upload_store.current_figures(store_dir)


@st.cache_data(show_spinner=False, max_entries=256)
def praktijk_measure(store_dir: str, state: str, praktijk: str, measure: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.practice.analysis.measure_frame` (anonymised, suppressed)."""
    from kbz_data.practice import analysis

    return analysis.measure_frame(praktijk_figures(store_dir, state), praktijk, measure)


@st.cache_data(show_spinner=False, max_entries=64)
def praktijk_summary(store_dir: str, state: str, praktijk: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.practice.analysis.latest_summary`."""
    from kbz_data.practice import analysis

    return analysis.latest_summary(praktijk_figures(store_dir, state), praktijk)


@st.cache_data(show_spinner=False, max_entries=64)
def praktijk_own_figures(store_dir: str, state: str, praktijk: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.practice.analysis.own_figures`."""
    from kbz_data.practice import analysis

    return analysis.own_figures(praktijk_figures(store_dir, state), praktijk)


@st.cache_data(show_spinner=False, max_entries=8)
def praktijk_funnel_years(store_dir: str, state: str) -> list[int]:
    """Cached :func:`kbz_data.practice.analysis.funnel_years`."""
    from kbz_data.practice import analysis

    return analysis.funnel_years(praktijk_figures(store_dir, state))


@st.cache_data(show_spinner=False, max_entries=128)
def praktijk_funnel(store_dir: str, state: str, praktijk: str, kengetal: str, jaar: int
                    ) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Cached :func:`kbz_data.practice.analysis.funnel`."""
    from kbz_data.practice import analysis

    return analysis.funnel(praktijk_figures(store_dir, state), praktijk, kengetal, jaar)


@st.cache_data(show_spinner=False, max_entries=32)
def praktijk_wijkprofiel(store_dir: str, built: str, praktijk: str) -> list[tuple[str, pd.DataFrame, str]]:
    """Cached :func:`kbz_data.practice.analysis.wijk_profile` (areas the practice serves, from the store)."""
    from kbz_data.practice import analysis

    return analysis.wijk_profile(store_data(store_dir, built), praktijk)


@st.cache_data(show_spinner=False)
def headline_table(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.explore.headline_table`."""
    return explore.headline_table(store_data(store_dir, built))
