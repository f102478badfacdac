"""The only Streamlit-aware module of the data package: cached wrappers taking primitive arguments.

Callers must not mutate what these return. Small tables use ``st.cache_data`` (a copy per call); plotly
figures and the store itself use ``st.cache_resource`` (shared, no copy: unpickling a map figure costs more than
drawing the page), which is safe because ``st.plotly_chart`` only reads the figure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kbz_data.analysis import area_data
from kbz_data.analysis.results import ViewResult
from kbz_data.charts import map_views, maps
from kbz_data.store import storage, summary


@st.cache_data(show_spinner=False)
def coverage(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.store.summary.coverage`; ``built`` (build time) invalidates it after a rebuild."""
    return summary.coverage(store_dir)


@st.cache_data(show_spinner=False)
def indicator_overview(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.store.summary.indicator_overview`."""
    return summary.indicator_overview(store_dir)


def build_info(store_dir: str) -> dict[str, Any]:
    """``build.json`` of the store (small; read on every run so a rebuild is seen at once)."""
    return storage.read_build_info(store_dir)


@st.cache_resource(show_spinner=False, max_entries=2)
def store_data(store_dir: str, built: str) -> storage.StoreData:
    """The whole store, loaded once per build and shared by all sessions (read-only)."""
    return storage.load(store_dir)


@st.cache_resource(show_spinner=False, max_entries=16)
def indicator_choices(store_dir: str, built: str, gemeente: str = "G4") -> dict[str, str]:
    """The sidebar's indicators for ``gemeente`` (:func:`kbz_data.analysis.area_data.indicator_options`), id ->
    "Domein · label (eenheid)" in the store's order; every indicator when that city has none in this store (its
    maps then say "onbekend"). Shared and read-only: read several times on every run (the URL check and the
    sidebar), so neither a table copy nor the texts are made again each time."""
    data = store_data(store_dir, built)
    options = area_data.indicator_options(data, gemeente)
    if options.empty:
        options = area_data.indicator_options(data)
    return {
        i: f"{d.capitalize()} · {lab} ({e})"
        for i, d, lab, e in zip(options["indicator"], options["domein"], options["label"], options["eenheid"],
                                strict=True)
    }


@st.cache_data(show_spinner=False)
def periods(store_dir: str, built: str, indicator: str) -> list[tuple[int, int]]:
    """Cached :func:`kbz_data.analysis.area_data.periods`."""
    return area_data.periods(store_data(store_dir, built), indicator)


@st.cache_data(show_spinner=False, max_entries=64)
def area_table(store_dir: str, built: str, indicator: str, jaar: int, indeling: int, niveau: str,
               gemeente: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.area_data.area_values`."""
    return area_data.area_values(store_data(store_dir, built), indicator, jaar, indeling, niveau, gemeente)


@st.cache_resource(show_spinner=False, max_entries=64)
def area_view(store_dir: str, built: str, indicator: str, jaar: int, indeling: int, niveau: str, gemeente: str,
              source: str) -> ViewResult:
    """Cached (shared, read-only) :func:`kbz_data.analysis.area_data.area_view`: the Kaart table, built once per view
    instead of on every rerun (about 35 ms of a Kaart rerun)."""
    table = area_table(store_dir, built, indicator, jaar, indeling, niveau, gemeente)
    return area_data.area_view(store_data(store_dir, built), table, indicator, jaar, indeling, niveau, gemeente, source)


@st.cache_resource(show_spinner=False, max_entries=32)
def map_view(store_dir: str, built: str, indicator: str, jaar: int, indeling: int, niveau: str, gemeente: str,
             scheme: str, k: int, show_kbz: bool) -> map_views.MapView:
    """Cached :func:`kbz_data.charts.map_views.map_view`."""
    return map_views.map_view(store_data(store_dir, built), indicator, jaar, indeling, niveau, gemeente, scheme, k,
                          show_kbz)


@st.cache_resource(show_spinner=False, max_entries=32)
def scatter_view(store_dir: str, built: str, x: str, x_jaar: int, y: str, y_jaar: int, indeling: int, niveau: str,
                 gemeente: str) -> tuple[Any, dict[str, float], str]:
    """Cached :func:`kbz_data.charts.map_views.scatter_view`."""
    return map_views.scatter_view(store_data(store_dir, built), (x, x_jaar), (y, y_jaar), indeling, niveau, gemeente)


@st.cache_data(show_spinner=False)
def division_indicators(store_dir: str, built: str, indeling: int, niveau: str) -> list[tuple[str, int]]:
    """Cached :func:`kbz_data.analysis.area_data.indicators_in_division`."""
    return area_data.indicators_in_division(store_data(store_dir, built), indeling, niveau)


# --- Wijkprofiel and Bronnen en methode (kbz_data.analysis.profile, methods) ---------------------------------------

@st.cache_data(show_spinner=False)
def area_choices(store_dir: str, built: str, gemeente: str, niveau: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.profile.area_choices`."""
    from kbz_data.analysis import profile

    return profile.area_choices(store_data(store_dir, built), gemeente, niveau)


@st.cache_data(show_spinner=False)
def area_divisions(store_dir: str, built: str, code: str) -> list[int]:
    """Cached :func:`kbz_data.analysis.profile.area_divisions`."""
    from kbz_data.analysis import profile

    return profile.area_divisions(store_data(store_dir, built), code)


@st.cache_data(show_spinner=False)
def default_division(store_dir: str, built: str, code: str) -> int:
    """Cached :func:`kbz_data.analysis.profile.default_division`."""
    from kbz_data.analysis import profile

    return profile.default_division(store_data(store_dir, built), code)


@st.cache_data(show_spinner=False)
def area_info(store_dir: str, built: str, code: str, indeling: int) -> dict[str, Any]:
    """Cached :func:`kbz_data.analysis.profile.area_info`."""
    from kbz_data.analysis import profile

    return profile.area_info(store_data(store_dir, built), code, indeling)


@st.cache_data(show_spinner=False)
def profile_table(store_dir: str, built: str, code: str, indeling: int) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.profile.profile_table`."""
    from kbz_data.analysis import profile

    return profile.profile_table(store_data(store_dir, built), code, indeling)


@st.cache_data(show_spinner=False)
def trend_table(store_dir: str, built: str, code: str, indeling: int | None = None) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.profile.trend_table` (division 2020 when ``indeling`` is None)."""
    from kbz_data.analysis import profile

    return profile.trend_table(store_data(store_dir, built), code, indeling)


def trend_division(store_dir: str, built: str, code: str, indeling: int) -> int | None:
    """:func:`kbz_data.analysis.profile.trend_division` of an area shown in ``indeling``."""
    from kbz_data.analysis import profile

    return profile.trend_division(area_divisions(store_dir, built, code), int(indeling))


@st.cache_data(show_spinner=False)
def elan_trend_table(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.profile.elan_trend_table`."""
    from kbz_data.analysis import profile

    return profile.elan_trend_table(store_data(store_dir, built))


@st.cache_resource(show_spinner=False, max_entries=64)
def elan_trend_html(store_dir: str, built: str, highlight: str) -> str:
    """Cached Den Haag ELAN trend as HTML/SVG (:func:`kbz_data.charts.profile_svg.elan_html`), sources under it."""
    from kbz_data.analysis import profile
    from kbz_data.charts import profile_svg

    table = elan_trend_table(store_dir, built)
    years = sorted({int(j) for j in table["jaar"]})
    span = f", {years[0]}–{years[-1]}" if years else ""
    sources = profile.source_lines(store_data(store_dir, built), table.assign(bron=profile.ELAN_BRON))
    return profile_svg.elan_html(table, title=f"KBZ-wijken en de mediaan van alle Den Haagse wijken{span}",
                                 sources=sources, highlight=highlight)


@st.cache_data(show_spinner=False)
def profile_sources(store_dir: str, built: str, code: str, indeling: int, trend: bool = False) -> list[str]:
    """Source lines (:func:`kbz_data.analysis.profile.source_lines`) of a profile table, or of the trend table."""
    from kbz_data.analysis import profile

    data = store_data(store_dir, built)
    if trend:
        table = profile.trend_table(data, code, trend_division(store_dir, built, code, indeling))
    else:
        table = profile.profile_table(data, code, indeling)
    return profile.source_lines(data, table)


@st.cache_data(show_spinner=False)
def harmonisation_error(store_dir: str, built: str) -> dict[str, pd.DataFrame]:
    """Cached :func:`kbz_data.analysis.methods.harmonisation_error` (measured error of the harmoniser)."""
    from kbz_data.analysis import methods

    return methods.harmonisation_error(store_data(store_dir, built))


@st.cache_data(show_spinner=False)
def methods_tables(store_dir: str, built: str) -> dict[str, Any]:
    """Everything the Bronnen en methode page shows: sources, files, skipped files, indicators, caveats
    (:mod:`kbz_data.analysis.methods`)."""
    from kbz_data.analysis import methods

    data = store_data(store_dir, built)
    return {
        "opslag": methods.build_summary(data), "bronnen": methods.sources_table(data),
        "bestanden": methods.files_table(data), "overgeslagen": methods.skipped_table(data),
        "indicatoren": methods.indicator_table(data), "kanttekeningen": methods.caveats(data),
    }


@st.cache_data(show_spinner=False)
def kbz_context(store_dir: str, built: str, code: str, indeling: int) -> dict[str, pd.DataFrame]:
    """KBZ neighbourhoods (:func:`kbz_data.analysis.profile.kbz_membership`) and practices
    (:func:`kbz_data.analysis.profile.practices_near`) in or near an area of one division."""
    from kbz_data.analysis import profile

    info = profile.area_info(store_data(store_dir, built), code, indeling)
    return {
        "kbz": profile.kbz_membership(info["code"], indeling, info["wijkcode"]),
        "praktijken": profile.practices_near(info["code"], indeling, info["wijkcode"]),
    }


# Practice figures (kbz_data.practice), always through kbz_data.practice.access: a viewer is passed as primitives
# (``rol``, ``praktijken``: the bound practices, sorted tuple) and rebuilt inside, so each role has its own cache
# entries. ``state`` is the database's :meth:`PracticeDb.state_token` ("demo" for a visitor who sees only the demo
# set), so every upload or undo, from any server, is seen at the next rerun.


@st.cache_resource(show_spinner=False, max_entries=4)
def practice_db(store_dir: str) -> Any:
    """The practice database of this store (:class:`kbz_data.practice.db.repository.PracticeDb`, shared; its URL is
    ``$KBZ_DATABASE_URL`` or the SQLite file in the store's practice folder)."""
    from kbz_data.practice.db.repository import PracticeDb

    return PracticeDb(store_dir=store_dir)


def viewer_args(viewer: Any) -> tuple[str, tuple[str, ...]]:
    """(rol, praktijken) of a :class:`kbz_data.practice.access.Viewer`, for the cached calls below."""
    return viewer.rol, tuple(sorted(viewer.praktijken))


def _viewer(rol: str, praktijken: tuple[str, ...]) -> Any:
    from kbz_data.practice.access import Viewer

    return Viewer(rol, praktijken=frozenset(praktijken))


def praktijk_state(store_dir: str, rol: str = "beheerder") -> str:
    """Fingerprint of the practice database (not cached: it must change as soon as an upload lands)."""
    if rol == "anoniem":
        return "demo"
    return practice_db(store_dir).state_token()


def _db_for(store_dir: str, rol: str) -> Any:
    return None if rol == "anoniem" else practice_db(store_dir)


@st.cache_resource(show_spinner=False, max_entries=8)
def practice_registry(store_dir: str, state: str) -> Any:
    """The practices in use (:class:`kbz_data.practice.registry.Registry`, shared, read-only): the built-in demo set
    for state "demo", else the database's (its state token changes when a practice is added or changed on Beheer)."""
    from kbz_data.practice import registry

    if state == "demo":
        return registry.BUILTIN
    return practice_db(store_dir).registry()


@st.cache_data(show_spinner=False, max_entries=8)
def praktijk_figures(store_dir: str, state: str) -> pd.DataFrame:
    """Internal: the current figures of every practice (demo set overlaid by the uploads; the demo set alone for
    state "demo"). Only the budget and scenario functions below use it, and they filter by role; never show it."""
    from kbz_data.practice import demo

    if state == "demo":
        return demo.read().assign(herkomst="demo", versie=0)
    return practice_db(store_dir).current_figures()


@st.cache_data(show_spinner=False, max_entries=8)
def praktijk_origins(store_dir: str, state: str) -> tuple[str, ...]:
    """Where the current figures come from (``demo``, ``upload``): a small value, so a rerun of the Praktijk page
    does not copy the whole figures table out of the cache to find out."""
    return tuple(sorted(set(praktijk_figures(store_dir, state)["herkomst"])))


@st.cache_data(show_spinner=False, max_entries=256)
def praktijk_measure(store_dir: str, state: str, rol: str, praktijken: tuple[str, ...], praktijk: str | None,
                     measure: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.practice.access.measure_view` (anonymised with letters drawn for this entry)."""
    from kbz_data.practice import access

    return access.measure_view(_db_for(store_dir, rol), _viewer(rol, praktijken), measure, praktijk)


@st.cache_data(show_spinner=False, max_entries=64)
def praktijk_summary(store_dir: str, state: str, rol: str, praktijken: tuple[str, ...], praktijk: str
                     ) -> pd.DataFrame:
    """Cached :func:`kbz_data.practice.access.latest_summary_view`."""
    from kbz_data.practice import access

    return access.latest_summary_view(_db_for(store_dir, rol), _viewer(rol, praktijken), praktijk)


@st.cache_data(show_spinner=False, max_entries=64)
def praktijk_own_figures(store_dir: str, state: str, rol: str, praktijken: tuple[str, ...], praktijk: str
                         ) -> pd.DataFrame:
    """Cached :func:`kbz_data.practice.access.own_figures_view`."""
    from kbz_data.practice import access

    return access.own_figures_view(_db_for(store_dir, rol), _viewer(rol, praktijken), praktijk)


@st.cache_data(show_spinner=False, max_entries=8)
def praktijk_funnel_years(store_dir: str, state: str) -> list[int]:
    """Cached :func:`kbz_data.practice.analysis.funnel_years` (years only, no figures)."""
    from kbz_data.practice import analysis

    return analysis.funnel_years(praktijk_figures(store_dir, state))


@st.cache_data(show_spinner=False, max_entries=128)
def praktijk_funnel(store_dir: str, state: str, rol: str, praktijken: tuple[str, ...], praktijk: str | None,
                    kengetal: str, jaar: int) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Cached :func:`kbz_data.practice.access.funnel_view`."""
    from kbz_data.practice import access

    return access.funnel_view(_db_for(store_dir, rol), _viewer(rol, praktijken), kengetal, jaar, praktijk)


@st.cache_data(show_spinner=False, max_entries=32)
def praktijk_wijkprofiel(store_dir: str, built: str, state: str, praktijk: str) -> list[tuple[str, pd.DataFrame, str]]:
    """Cached :func:`kbz_data.practice.analysis.wijk_profile` (areas the practice serves, from the store)."""
    from kbz_data.practice import analysis

    return analysis.wijk_profile(store_data(store_dir, built), praktijk, practice_registry(store_dir, state))


@st.cache_data(show_spinner=False, max_entries=64)
def praktijk_served_text(store_dir: str, built: str, state: str, praktijk: str) -> str:
    """Cached :func:`kbz_data.practice.analysis.served_text` (the wijk names from the store, the practice's areas
    from the registry in use: ``state`` changes when a practice is changed on Beheer)."""
    from kbz_data.practice import analysis

    return analysis.served_text(store_data(store_dir, built), praktijk, practice_registry(store_dir, state))


@st.cache_data(show_spinner=False)
def headline_table(store_dir: str, built: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.area_data.headline_table`."""
    return area_data.headline_table(store_data(store_dir, built))


@st.cache_resource(show_spinner=False, max_entries=256)
def praktijk_trend_figure(store_dir: str, state: str, rol: str, praktijken: tuple[str, ...], praktijk: str | None,
                          measure_id: str, show_others: bool) -> Any:
    """Cached trend figure of one practice measure, from :func:`praktijk_measure` (same letters as its table)."""
    from kbz_data.charts import practice_charts
    from kbz_data.practice.schema import MEASURES

    measure = MEASURES[measure_id]
    frame = praktijk_measure(store_dir, state, rol, praktijken, praktijk, measure_id)
    reg = practice_registry(store_dir, state)
    start = reg.get(praktijk).kbz_start if praktijk in reg else None
    return maps.freeze(practice_charts.trend_figure(
        frame, measure.label, measure.eenheid, start, show_others=show_others,
        is_share=measure.noemer == "respondenten"))


@st.cache_resource(show_spinner=False, max_entries=256)
def profile_spine_html(store_dir: str, built: str, code: str, indeling: int) -> str:
    """Cached spine chart of one area in one division as HTML (see :func:`kbz_data.charts.profile_svg.spine_html`;
    its notes are in the page's caption)."""
    from kbz_data.charts import profile_svg

    info = area_info(store_dir, built, code, indeling)
    return profile_svg.spine_html(
        profile_table(store_dir, built, code, indeling), area_name=info["naam"], city_name=info["gemeente"],
        niveau=info["niveau"], indeling=indeling, sources=profile_sources(store_dir, built, code, indeling),
        notes=False,
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def profile_trend_html(store_dir: str, built: str, code: str, indeling: int) -> str:
    """Cached health trend chart of one area against its city, on :func:`trend_division` (2020 or 2024), as HTML
    (see :func:`kbz_data.charts.profile_svg.trend_html`; its notes are in the page's caption)."""
    from kbz_data.charts import profile_svg

    division = trend_division(store_dir, built, code, indeling)
    trend = trend_table(store_dir, built, code, division)
    info = area_info(store_dir, built, code, indeling)
    return profile_svg.trend_html(
        trend, title=f"{trend['naam'].iloc[0]} en {info['gemeente']}, indeling {division}",
        sources=profile_sources(store_dir, built, code, indeling, trend=True), indeling=division or 2020,
        notes=False,
    )


# --- Vergelijken and Budgetverdeling (kbz_data.analysis.compare, need, budget, scenario) ---------------------------
# Weights travel as sorted tuples of (key, weight) pairs, so the cache key is made of primitives only. View results
# with a figure are shared (cache_resource, frozen figure): pages only read them.

@st.cache_data(show_spinner=False)
def division_choices(store_dir: str, built: str, niveau: str) -> list[int]:
    """Cached :func:`kbz_data.analysis.compare.division_choices`."""
    from kbz_data.analysis import compare

    return compare.division_choices(store_data(store_dir, built), niveau)


@st.cache_data(show_spinner=False)
def area_options(store_dir: str, built: str, indeling: int, niveau: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.compare.area_options`."""
    from kbz_data.analysis import compare

    return compare.area_options(store_data(store_dir, built), indeling, niveau)


@st.cache_data(show_spinner=False)
def default_selection(store_dir: str, built: str, indeling: int, niveau: str) -> list[str]:
    """Cached :func:`kbz_data.analysis.compare.default_selection`."""
    from kbz_data.analysis import compare

    return compare.default_selection(store_data(store_dir, built), indeling, niveau)


@st.cache_data(show_spinner=False, max_entries=16)
def division_values(store_dir: str, built: str, indeling: int, niveau: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.compare.division_values`."""
    from kbz_data.analysis import compare

    return compare.division_values(store_data(store_dir, built), indeling, niveau)


@st.cache_resource(show_spinner=False, max_entries=64)
def comparison_view(store_dir: str, built: str, indeling: int, niveau: str, codes: tuple[str, ...]) -> ViewResult:
    """:func:`kbz_data.analysis.compare.comparison_view` with its dot chart attached as HTML
    (:func:`kbz_data.charts.compare.comparison_html`; shared: pages only read it)."""
    from kbz_data.analysis import compare
    from kbz_data.charts.compare import comparison_html

    rows = compare.comparison(division_values(store_dir, built, indeling, niveau), list(codes))
    view = compare.comparison_view(store_data(store_dir, built), rows, indeling, niveau)
    return view.replace(figure=comparison_html(rows))


@st.cache_data(show_spinner=False, max_entries=64)
def similar_areas(store_dir: str, built: str, code: str, indeling: int, niveau: str) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.compare.similar_table`."""
    from kbz_data.analysis import compare

    return compare.similar_table(store_data(store_dir, built), code, indeling, niveau)


@st.cache_data(show_spinner=False, max_entries=64)
def need_table(store_dir: str, built: str, indeling: int, niveau: str,
               weights: tuple[tuple[str, float], ...], atypisch: bool = False) -> pd.DataFrame:
    """Cached :func:`kbz_data.analysis.need.need_index` (``atypisch``: rank atypical areas too)."""
    from kbz_data.analysis import need

    return need.need_index(store_data(store_dir, built), int(indeling), niveau, dict(weights),
                           include_atypical=bool(atypisch))


@st.cache_data(show_spinner=False, max_entries=64)
def need_view(store_dir: str, built: str, indeling: int, niveau: str,
              weights: tuple[tuple[str, float], ...], atypisch: bool = False) -> ViewResult:
    """Cached :func:`kbz_data.analysis.need.need_view`."""
    from kbz_data.analysis import need

    table = need_table(store_dir, built, indeling, niveau, weights, atypisch)
    return need.need_view(store_data(store_dir, built), table, indeling, niveau, dict(weights), bool(atypisch))


@st.cache_resource(show_spinner=False, max_entries=32)
def need_map(store_dir: str, built: str, indeling: int, niveau: str, gemeente: str,
             weights: tuple[tuple[str, float], ...], atypisch: bool = False) -> map_views.MapView:
    """Cached :func:`kbz_data.charts.map_views.need_map_view` with the sources of the need view."""
    table = need_table(store_dir, built, indeling, niveau, weights, atypisch)
    line = need_view(store_dir, built, indeling, niveau, weights, atypisch).sources
    return map_views.need_map_view(store_data(store_dir, built), table, indeling, niveau, gemeente, line)


@st.cache_data(show_spinner=False, max_entries=32)
def area_budget(store_dir: str, built: str, niveau: str, budget: float, deciles: tuple[tuple[int, float], ...],
                kbz_weight: float, weights: tuple[tuple[str, float], ...], atypisch: bool = False) -> Any:
    """Cached :func:`kbz_data.analysis.budget.area_budget` (``atypisch``: atypical areas get a decile too)."""
    from kbz_data.analysis import budget as budget_rules

    return budget_rules.area_budget(store_data(store_dir, built), niveau, budget, dict(deciles), kbz_weight,
                                    dict(weights), include_atypical=bool(atypisch))


@st.cache_resource(show_spinner=False, max_entries=32)
def budget_map(store_dir: str, built: str, niveau: str, gemeente: str, rule: str, budget: float,
               deciles: tuple[tuple[int, float], ...], kbz_weight: float,
               weights: tuple[tuple[str, float], ...], atypisch: bool = False) -> map_views.MapView:
    """Cached :func:`kbz_data.charts.map_views.budget_map_view`."""
    result = area_budget(store_dir, built, niveau, budget, deciles, kbz_weight, weights, atypisch)
    return map_views.budget_map_view(store_data(store_dir, built), result, rule, niveau, gemeente)


@st.cache_resource(show_spinner=False, max_entries=32)
def budget_city_bars(store_dir: str, built: str, niveau: str, budget: float,
                     deciles: tuple[tuple[int, float], ...], kbz_weight: float,
                     weights: tuple[tuple[str, float], ...], atypisch: bool = False) -> str:
    """Cached :func:`kbz_data.charts.budget.city_bars` (HTML) of an area split."""
    from kbz_data.charts import budget as budget_charts

    return budget_charts.city_bars(
        area_budget(store_dir, built, niveau, budget, deciles, kbz_weight, weights, atypisch))


@st.cache_data(show_spinner=False, max_entries=32)
def practice_budget(store_dir: str, built: str, state: str, rol: str, praktijken: tuple[str, ...], budget: float,
                    deciles: tuple[tuple[int, float], ...], weights: tuple[tuple[str, float], ...]) -> Any:
    """Cached :func:`kbz_data.analysis.budget.practice_budget` as this role may see it
    (:func:`kbz_data.practice.budget_access.practice_budget_for`)."""
    from kbz_data.analysis import budget as budget_rules
    from kbz_data.practice import budget_access

    result = budget_rules.practice_budget(store_data(store_dir, built), praktijk_figures(store_dir, state), budget,
                                          dict(deciles), dict(weights), practice_registry(store_dir, state))
    return budget_access.practice_budget_for(_viewer(rol, praktijken), result)


@st.cache_resource(show_spinner=False, max_entries=32)
def practice_budget_figure(store_dir: str, built: str, state: str, rol: str, praktijken: tuple[str, ...],
                           budget: float, deciles: tuple[tuple[int, float], ...],
                           weights: tuple[tuple[str, float], ...]) -> Any:
    """Cached (shared, frozen) :func:`kbz_data.charts.budget.practice_figure` of the role's view."""
    from kbz_data.charts import budget as budget_charts

    return maps.freeze(budget_charts.practice_figure(
        practice_budget(store_dir, built, state, rol, praktijken, budget, deciles, weights)))


@st.cache_data(show_spinner=False, max_entries=32)
def scenario_view(store_dir: str, state: str, rol: str, praktijken: tuple[str, ...],
                  costs: tuple[tuple[str, float], ...]) -> ViewResult:
    """Cached :func:`kbz_data.analysis.scenario.scenario_view` as this role may see it."""
    from kbz_data.analysis import scenario
    from kbz_data.practice import budget_access

    figures = praktijk_figures(store_dir, state)
    reg = practice_registry(store_dir, state)
    view = scenario.scenario_view(figures, dict(costs), reg)
    return budget_access.scenario_view_for(_viewer(rol, praktijken), view,
                                           scenario.referral_scenario(figures, dict(costs), reg))


@st.cache_resource(show_spinner=False, max_entries=32)
def scenario_figure(store_dir: str, state: str, rol: str, praktijken: tuple[str, ...],
                    costs: tuple[tuple[str, float], ...], kengetal: str) -> Any:
    """Cached (shared, frozen) :func:`kbz_data.charts.budget.scenario_figure` of the practices this role sees."""
    from kbz_data.analysis import scenario
    from kbz_data.charts import budget as budget_charts
    from kbz_data.practice import budget_access

    frame = scenario.referral_scenario(praktijk_figures(store_dir, state), dict(costs),
                                       practice_registry(store_dir, state))
    frame = budget_access.scenario_frame_for(_viewer(rol, praktijken), frame)
    return maps.freeze(budget_charts.scenario_figure(frame, kengetal))


@st.cache_data(show_spinner=False)
def method_tables(store_dir: str, built: str) -> dict[str, pd.DataFrame]:
    """Cached :func:`kbz_data.analysis.methods.method_tables`."""
    from kbz_data.analysis import methods

    return methods.method_tables(store_data(store_dir, built))


@st.cache_resource(show_spinner=False, max_entries=128)
def praktijk_funnel_figure(store_dir: str, state: str, rol: str, praktijken: tuple[str, ...], praktijk: str | None,
                           kengetal: str, jaar: int) -> Any:
    """Cached funnel plot of one referral kind and year, from :func:`praktijk_funnel` (same letters)."""
    from kbz_data.charts import practice_charts
    from kbz_data.practice.schema import KENGETALLEN

    points, limits, target = praktijk_funnel(store_dir, state, rol, praktijken, praktijk, kengetal, jaar)
    return maps.freeze(practice_charts.funnel_figure(
        points, limits, target, f"{KENGETALLEN[kengetal].label} per 1.000 patiënten, {jaar}"))
