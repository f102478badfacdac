"""Map views: store data -> one map per city (or four side by side on one scale) and plotly Figures (no Streamlit).

:func:`map_view` draws an indicator (Kaart); :func:`value_map_view` any per-area value (the need index, a budget
difference) with the same panel loop (:func:`city_panels`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kbz_data.analysis import area_data, budget, kbz_areas
from kbz_data.analysis.area_data import ALLE
from kbz_data.analysis.budget import BudgetResult
from kbz_data.analysis.need import NEED_LABEL, NEED_UNIT
from kbz_data.charts import maps, svg_map
from kbz_data.charts.summary import value_summary
from kbz_data.config import GEMEENTEN
from kbz_data.store.storage import StoreData
from kbz_data.text import aantal, join_attributions


@dataclass(frozen=True)
class MapView:
    """One or four maps (or a bar chart when there are no shapes), with the lines every view must show."""

    panels: list[tuple[str, go.Figure]]
    kind: str  # "kaart" | "staaf"
    source_line: str
    notes: list[str]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label), drawn above the maps
    summary: str = ""  # text alternative: highest, lowest and mean value (kbz_data.charts.summary)
    svgs: dict[str, svg_map.SvgMap] = field(default_factory=dict)  # panel name -> the map as SVG (what pages draw)
    map_height: int = 640  # the most pixels a map may be high (one city; four side by side are lower)


def _svgs(panels: list[tuple[str, go.Figure]], label: str) -> dict[str, svg_map.SvgMap]:
    """The SVG of every map panel (not of a bar chart), its accessible name ``label`` and the city."""
    return {name: svg_map.figure_svg(figure, f"Kaart: {label}" + (f", {name}" if name else ""))
            for name, figure in panels if name != "staaf" and figure.data and figure.data[0].type == "choropleth"}


@dataclass(frozen=True)
class PanelSizes:
    """Heights in pixels of a map panel: one city alone, or one of four side by side (each as wide as its column)."""

    four_height: int
    one_height: int = 640


#: The Kaart page: four panels (an SVG map keeps its shape: a 230-pixel-wide column needs no more height).
LARGE_PANELS = PanelSizes(four_height=340)
#: Vergelijken and Budget: four panels 300 pixels high.
SMALL_PANELS = PanelSizes(four_height=300)
#: At most this many bars when a city has no shapes (the table lists every area).
BAR_LIMIT = 60


def city_panels(
    data: StoreData, table: pd.DataFrame, cities: list[str], sizes: PanelSizes, *, label: str, eenheid: str,
    richting: int, breaks: list[float] | None, value_range: tuple[float, float] | None, indeling: int, niveau: str,
    kbz_codes: set[str], show_kbz: bool, hover: str | None = None,
) -> tuple[list[tuple[str, go.Figure]], list[str]]:
    """One map per city on one common scale (the loop every map view shares): the (city name, figure)
    panels and the cities without shapes. ``hover`` replaces the hover template of the value traces (the grey
    non-residential areas and the KBZ outline keep theirs)."""
    panels: list[tuple[str, go.Figure]] = []
    missing: list[str] = []
    four = len(cities) > 1
    for city in cities:
        geojson = area_data.shapes(data, city, niveau, int(indeling))
        if not geojson["features"]:
            missing.append(city)
            continue
        fig = maps.map_figure(
            geojson, table[table["gemeentecode"] == city], label=label, eenheid=eenheid, richting=richting,
            breaks=breaks, value_range=value_range, kbz_codes=kbz_codes, show_kbz=show_kbz,
            title=GEMEENTEN[city] if four else "", height_px=sizes.four_height if four else sizes.one_height,
            show_legend=not four,
        )
        if hover:
            for trace in fig.data:
                if trace.customdata is not None:
                    trace.hovertemplate = hover
        panels.append((GEMEENTEN[city], fig))  # drawn as SVG (svg_map), never sent to plotly.js: not frozen
    return panels, missing


def _meta(data: StoreData, indicator: str) -> tuple[str, str, int]:
    row = data.meta.loc[indicator]
    return str(row["label"]), str(row["eenheid"]), int(row["richting"])


def map_view(
    data: StoreData, indicator: str, jaar: int, indeling: int, niveau: str, gemeente: str, scheme: str, k: int,
    show_kbz: bool,
) -> MapView:
    """Maps of one indicator: one city, or the four cities side by side on one common scale.

    Classes (or the continuous range) are computed over every area shown, so the four maps share one legend.
    When the division has no shapes at this level, a ranked bar chart takes the map's place.
    """
    label, eenheid, richting = _meta(data, indicator)
    table = area_data.area_values(data, indicator, jaar, indeling, niveau, gemeente)
    used = sorted(table["bron"].dropna().unique())
    line = area_data.source_line(data, used or [str(data.meta.loc[indicator, "bron"])], jaar)
    notes = []
    water = int(table["water"].sum())
    if water:
        one = water == 1
        shown = area_data.has_shapes(data, niveau, indeling, gemeente)
        notes.append(f"{aantal(water, 'gebied', 'gebieden')} zonder (noemenswaardige) bewoners, zoals water, haven of"
                     f" bedrijventerrein, {'telt' if one else 'tellen'} niet mee"
                     + (f" en {'staat' if one else 'staan'} lichtgrijs op de kaart." if shown else "."))
    unknown = int((~table["water"] & table["waarde"].isna()).sum())
    if unknown:
        notes.append(f"{aantal(unknown, 'gebied', 'gebieden')} zonder waarde (onbekend of geheim)"
                     f" {'staat' if unknown == 1 else 'staan'} in grijs; de reden staat in de"
                     " hover en de tabel waar die bekend is.")
    if set(table["bron"].dropna()) == {"elan_denhaag"}:
        notes.insert(0, "ELAN-indicator: berekend door ELAN/GGDH (LUMC) uit CBS-microdata, alleen voor Den Haag"
                        " (indeling 2020); andere definities dan de CBS- en RIVM-cijfers, dus niet vergelijkbaar met"
                        " de andere steden.")
    carried = table["toelichting"].str.startswith(area_data.OMGEREKEND)
    if carried.any():
        quality = table.loc[carried, "toelichting"].str.extract(r"kwaliteit (\w+)")[0].value_counts()
        notes.append(f"{int(carried.sum())} cijfers zijn {area_data.OMGEREKEND} (overlap van de kaartvormen); kwaliteit"
                     f" goed {int(quality.get('goed', 0))}, matig {int(quality.get('matig', 0))}, slecht"
                     f" {int(quality.get('slecht', 0))}. De hover en de tabel zeggen het per gebied.")
    kbz_codes = kbz_areas.codes(indeling, niveau, deel=None)
    shown = table[~table["water"]]
    if not area_data.has_shapes(data, niveau, indeling, gemeente):
        notes.insert(0, f"Voor indeling {indeling} zijn er geen kaartvormen op {niveau}niveau"
                        f"{'' if gemeente == ALLE else ' voor ' + GEMEENTEN[gemeente]}; daarom een gerangschikte"
                        " staafgrafiek.")
        bar = maps.bar_figure(shown, label=label, eenheid=eenheid, richting=richting, kbz_codes=kbz_codes)
        return MapView([("", maps.freeze(bar))], "staaf", line, notes, summary=value_summary(shown, eenheid))
    values = shown["waarde"].to_numpy(dtype=float)
    breaks = None if scheme == "doorlopend" else maps.class_breaks(values, scheme, k)
    value_range = (float(np.nanmin(values)), float(np.nanmax(values))) if np.isfinite(values).any() else None
    cities = list(GEMEENTEN) if gemeente == ALLE else [gemeente]
    panels, missing = city_panels(data, table, cities, LARGE_PANELS, label=label, eenheid=eenheid,
                                  richting=richting, breaks=breaks, value_range=value_range, indeling=indeling,
                                  niveau=niveau, kbz_codes=kbz_codes, show_kbz=show_kbz)
    notes += [f"Geen kaartvormen voor {GEMEENTEN[c]} op {niveau}niveau in indeling {indeling}." for c in missing]
    minimum = float(np.nanmin(values)) if np.isfinite(values).any() else 0.0
    legend = maps.legend_items(breaks, minimum, eenheid, richting, value_range)
    return MapView(panels, "kaart", line, notes, legend, value_summary(shown, eenheid), _svgs(panels, label),
                   LARGE_PANELS.four_height if len(panels) > 1 else LARGE_PANELS.one_height)


def scatter_view(
    data: StoreData, x: tuple[str, int], y: tuple[str, int], indeling: int, niveau: str, gemeente: str
) -> tuple[go.Figure, dict[str, float], str]:
    """Scatter of two indicators of one division, its statistics and the source line."""
    table = area_data.pair_values(data, x, y, indeling, niveau, gemeente)
    x_label, x_unit, _ = _meta(data, x[0])
    y_label, y_unit, _ = _meta(data, y[0])
    fig, stats = maps.scatter_figure(
        table, x_label=f"{x_label} {x[1]}", x_unit=x_unit, y_label=f"{y_label} {y[1]}", y_unit=y_unit,
        kbz_codes=kbz_areas.codes(indeling, niveau, deel=None),
    )
    f = data.figures
    used = f[(f["indeling"] == int(indeling)) & (((f["indicator"] == x[0]) & (f["jaar"] == x[1]))
                                                  | ((f["indicator"] == y[0]) & (f["jaar"] == y[1])))]
    bronnen = sorted(set(used["bron"].dropna().astype(str))
                     or {str(data.meta.loc[x[0], "bron"]), str(data.meta.loc[y[0], "bron"])})
    texts = [str(data.bronnen.loc[b, "bronvermelding"]) for b in bronnen if b in data.bronnen.index]
    return (maps.freeze(fig), stats,
            join_attributions(texts) + f". Peiljaren {x[1]} en {y[1]}, gebiedsindeling {indeling}.")


def value_map_view(
    data: StoreData, table: pd.DataFrame, *, label: str, eenheid: str, richting: int, indeling: int, niveau: str,
    gemeente: str, source_line: str, hover: str, notes: Sequence[str] = (), k: int = 5,
) -> MapView:
    """Maps (one city, or the four side by side on one scale, quantile classes) of any per-area value, like
    :func:`map_view`; a ranked bar chart for cities without shapes.

    Parameters
    ----------
    table
        Columns of :func:`kbz_data.analysis.area_data.area_values` (see
        :func:`kbz_data.analysis.area_data.value_table`).
    hover
        Plotly hover template over the customdata of :func:`kbz_data.charts.maps.map_figure` (0 naam, 1 code,
        2 waarde, 3 stadswaarde, 4 gemiddelde_g4, 5 "rang van aantal", 6 gemeente).
    """
    notes = list(notes)
    if gemeente != ALLE:
        table = table[table["gemeentecode"] == gemeente]
    shown = table[~table["water"]]
    kbz_codes = kbz_areas.codes(int(indeling), niveau, deel=None)
    values = shown["waarde"].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Not enough unique values")  # ties: fewer classes is right
        breaks = maps.class_breaks(values, "kwantielen", k) if np.isfinite(values).any() else None
    value_range = (float(np.nanmin(values)), float(np.nanmax(values))) if np.isfinite(values).any() else None
    cities = list(GEMEENTEN) if gemeente == ALLE else [gemeente]
    panels, missing = city_panels(data, table, cities, SMALL_PANELS, label=label, eenheid=eenheid,
                                  richting=richting, breaks=breaks or None, value_range=value_range,
                                  indeling=indeling, niveau=niveau, kbz_codes=kbz_codes, show_kbz=True, hover=hover)
    missing = [c for c in missing if (shown["gemeentecode"] == c).any()]  # cities without areas: nothing to show
    if missing:
        names = ", ".join(GEMEENTEN[c] for c in missing)
        rest = shown[shown["gemeentecode"].isin(missing) & shown["waarde"].notna()]
        text = (f"Geen kaartvormen op {niveau}niveau in gebiedsindeling {indeling} voor {names}; daarom een"
                " gerangschikte staafgrafiek")
        if len(rest) > BAR_LIMIT:
            rest = rest.sort_values(["waarde", "code"], ascending=[False, True]).head(BAR_LIMIT)
            text += f" van de {BAR_LIMIT} hoogste waarden (alle gebieden staan in de tabel)"
        notes.insert(0, text + ".")
        bar = maps.bar_figure(rest, label=label, eenheid=eenheid, richting=richting, kbz_codes=kbz_codes)
        for trace in bar.data:
            trace.hovertemplate = hover
        panels.append(("staaf", maps.freeze(bar)))
    legend: list[tuple[str, str]] = []
    if np.isfinite(values).any():
        legend = maps.legend_items(breaks or None, float(np.nanmin(values)), eenheid, richting, value_range)
    kind = "kaart" if any(name != "staaf" for name, _f in panels) else "staaf"
    svgs = _svgs(panels, label)
    return MapView(panels, kind, source_line, notes, legend, value_summary(shown, eenheid), svgs,
                   SMALL_PANELS.four_height if len(svgs) > 1 else SMALL_PANELS.one_height)


def need_map_view(data: StoreData, table: pd.DataFrame, indeling: int, niveau: str, gemeente: str,
                  source_line: str) -> MapView:
    """Map of the need index (:func:`kbz_data.analysis.need.need_index`; quintiles over the areas shown; darker =
    more need)."""
    values = table[["code", "index", "rang"]].rename(columns={"index": "waarde"})
    values["stadswaarde"] = table.groupby("gemeentecode")["index"].transform("mean")
    values["gemiddelde_g4"] = table["index"].mean()
    values["aantal"] = int(table["index"].notna().sum())
    frame = area_data.value_table(data, values, indeling, niveau)
    hover = ("<b>%{customdata[0]}</b> (%{customdata[1]}, %{customdata[6]})<br>Behoefte-index: %{customdata[2]}<br>"
             "Rang: %{customdata[5]} (1 = hoogste behoefte)<br>Gemiddelde van de gebieden in de stad:"
             " %{customdata[3]}<extra></extra>")
    unknown = int((~frame["water"] & frame["waarde"].isna()).sum())
    notes = [f"{aantal(unknown, 'gebied', 'gebieden')} zonder index door een ontbrekend invoercijfer"
             f" {'staat' if unknown == 1 else 'staan'} in grijs (onbekend)."] \
        if unknown else []
    return value_map_view(data, frame, label=NEED_LABEL, eenheid=NEED_UNIT, richting=-1, indeling=indeling,
                          niveau=niveau, gemeente=gemeente, source_line=source_line, hover=hover, notes=notes)


def budget_map_view(data: StoreData, result: BudgetResult, rule: str, niveau: str, gemeente: str) -> MapView:
    """Map of the difference per inhabitant between a rule and the flat per-inhabitant split (euro per inwoner) of
    an area split (:func:`kbz_data.analysis.budget.area_budget`)."""
    frame = area_data.value_table(data, budget.budget_map_values(result, rule), budget.BUDGET_INDELING, niveau)
    hover = ("<b>%{customdata[0]}</b> (%{customdata[1]}, %{customdata[6]})<br>Verschil met de verdeling per"
             " inwoner: %{customdata[2]}<br>Bedrag per inwoner onder deze regel: %{customdata[3]}<br>Vlakke verdeling:"
             " %{customdata[4]}<br>Behoefterang: %{customdata[5]} (1 = hoogste behoefte)<extra></extra>")
    return value_map_view(data, frame, label=f"Verschil met de verdeling per inwoner ({budget.RULES[rule].lower()})",
                          eenheid="euro", richting=0, indeling=budget.BUDGET_INDELING, niveau=niveau,
                          gemeente=gemeente, source_line=result.view.sources, hover=hover)
