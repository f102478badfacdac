"""Composition of the map explorer's views: store data -> tables and plotly Figures (pure, no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from kbz_data.analysis import area_data, kbz_areas
from kbz_data.analysis.area_data import ALLE
from kbz_data.charts import maps
from kbz_data.config import GEMEENTEN
from kbz_data.store.storage import StoreData


@dataclass(frozen=True)
class MapView:
    """One or four maps (or a bar chart when there are no shapes), with the lines every view must show."""

    panels: list[tuple[str, go.Figure]]
    kind: str  # "kaart" | "staaf"
    source_line: str
    notes: list[str]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label), drawn below four maps


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
        notes.append(f"{water} gebied(en) zonder (noemenswaardige) bewoners, zoals water, haven of bedrijventerrein,"
                     " tellen niet mee" + (" en staan lichtgrijs op de kaart." if area_data.has_shapes(
                         data, niveau, indeling, gemeente) else "."))
    unknown = int((~table["water"] & table["waarde"].isna()).sum())
    if unknown:
        notes.append(f"{unknown} gebied(en) zonder waarde (onbekend of geheim) staan in grijs.")
    kbz_codes = kbz_areas.codes(indeling, niveau, deel=None)
    shown = table[~table["water"]]
    if not area_data.has_shapes(data, niveau, indeling, gemeente):
        notes.insert(0, f"Voor indeling {indeling} zijn er geen kaartvormen op {niveau}niveau"
                        f"{'' if gemeente == ALLE else ' voor ' + GEMEENTEN[gemeente]}; daarom een gerangschikte"
                        " staafgrafiek.")
        bar = maps.bar_figure(shown, label=label, eenheid=eenheid, richting=richting, kbz_codes=kbz_codes)
        return MapView([("", maps.freeze(bar))], "staaf", line, notes)
    values = shown["waarde"].to_numpy(dtype=float)
    breaks = None if scheme == "doorlopend" else maps.class_breaks(values, scheme, k)
    value_range = (float(np.nanmin(values)), float(np.nanmax(values))) if np.isfinite(values).any() else None
    cities = list(GEMEENTEN) if gemeente == ALLE else [gemeente]
    panels = []
    for index, city in enumerate(cities):
        geojson = area_data.shapes(data, city, niveau, indeling)
        if not geojson["features"]:
            notes.append(f"Geen kaartvormen voor {GEMEENTEN[city]} op {niveau}niveau in indeling {indeling}.")
            continue
        part = table[table["gemeentecode"] == city]
        four = len(cities) > 1
        fig = maps.map_figure(
            geojson, part, label=label, eenheid=eenheid, richting=richting, breaks=breaks, value_range=value_range,
            kbz_codes=kbz_codes, show_kbz=show_kbz, title=GEMEENTEN[city] if four else "",
            width_px=240 if four else 900, height_px=420 if four else 640,
            fit=(120, 280) if four else (350, 265), show_legend=not four,
        )
        panels.append((GEMEENTEN[city], maps.freeze(fig)))
    legend = []
    if len(cities) > 1:
        minimum = float(np.nanmin(values)) if np.isfinite(values).any() else 0.0
        legend = maps.legend_items(breaks, minimum, eenheid, richting, value_range)
    return MapView(panels, "kaart", line, notes, legend)


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
    bronnen = sorted({str(data.meta.loc[x[0], "bron"]), str(data.meta.loc[y[0], "bron"])})
    texts = [str(data.bronnen.loc[b, "bronvermelding"]) for b in bronnen if b in data.bronnen.index]
    return maps.freeze(fig), stats, "; ".join(texts) + f". Peiljaren {x[1]} en {y[1]}, gebiedsindeling {indeling}."
