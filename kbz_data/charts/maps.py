"""Pure plotly figures for the map explorer: choropleth, ranked bars and scatter (no Streamlit, no network).

A map is described as a ``go.Choropleth`` on a plotly ``geo`` subplot (base map off, Mercator, the view set by
longitude/latitude ranges): the one description of its colours, classes, hover texts and KBZ outline. The pages do
not send it to plotly.js: :mod:`kbz_data.charts.svg_map` turns it into plain SVG on the server (plotly.js is 4,7 MB
of script for the browser; benchmarks/bench_browser.py).

Colours are ColorBrewer sequential palettes (colour-blind safe): the darkest colour always means "worse" by the
registry's direction (``richting``); neutral indicators use a blue palette. Unknown values are a distinct grey
labelled "onbekend".
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import mapclassify
import numpy as np
import pandas as pd
import plotly.colors as pc
import plotly.graph_objects as go

from kbz_data.errors import KbzDataError
from kbz_data.text import DUTCH_TICKS, UNKNOWN, fmt_value

UNKNOWN_COLOR = "rgb(175,175,175)"
UNKNOWN_LABEL = UNKNOWN
KBZ_LINE_COLOR = "rgb(20,20,20)"
NON_RESIDENTIAL_COLOR = "rgb(236,236,236)"
NON_RESIDENTIAL_LABEL = "geen woongebied (water, haven, bedrijven)"
SCHEMES: dict[str, str] = {
    "kwantielen": "Kwantielen (even veel gebieden per klasse)",
    "fisher_jenks": "Fisher-Jenks (natuurlijke grenzen)",
    "doorlopend": "Doorlopende kleurschaal",
}
CITY_COLORS: dict[str, str] = {  # ColorBrewer Dark2, colour-blind friendly qualitative
    "Amsterdam": "#1b9e77", "Den Haag": "#d95f02", "Rotterdam": "#7570b3", "Utrecht": "#e7298a",
}


#: Margin around the areas, as a share of their width and height.
MAP_PADDING = 0.03


class FrozenFigure(go.Figure):
    """A finished figure whose plain dict is computed once.

    ``st.plotly_chart`` calls ``to_dict()`` on every rerun, which deep-copies every trace, the map's GeoJSON
    included (about 20 ms for one city's wijken). Figures that a cache hands out are never changed, so they can
    hand out the same dict every time. Do not modify a frozen figure.
    """

    _frozen_dict: dict | None = None

    def to_dict(self) -> dict:
        """The figure as a plain dict, computed on the first call only."""
        if self._frozen_dict is None:
            self._frozen_dict = super().to_dict()
        return self._frozen_dict


def freeze(figure: go.Figure) -> FrozenFigure:
    """A :class:`FrozenFigure` copy of ``figure`` with its dict already computed."""
    frozen = FrozenFigure(figure)
    frozen.to_dict()
    return frozen


def palette(k: int, richting: int) -> list[str]:
    """k colours, light to dark = better to worse (or low to high for neutral indicators)."""
    base = pc.colorbrewer.PuBu if richting == 0 else pc.colorbrewer.YlOrRd
    if k == 1:
        return [base[5]]
    positions = np.linspace(0.12, 0.95, k)
    return pc.sample_colorscale(pc.make_colorscale(base), list(positions))


def class_breaks(values: Sequence[float], scheme: str, k: int) -> list[float]:
    """Upper bounds of k classes (mapclassify), computed on the known values.

    Raises
    ------
    KbzDataError
        For an unknown scheme.
    """
    known = np.asarray([v for v in values if not pd.isna(v)], dtype=float)
    if scheme not in ("kwantielen", "fisher_jenks"):
        raise KbzDataError(f"onbekende klassenindeling {scheme!r}; kies uit kwantielen of fisher_jenks")
    distinct = np.unique(known)
    if distinct.size == 0:
        return []
    k = max(1, min(k, distinct.size))
    if k == 1:
        return [float(distinct.max())]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")  # a few hundred values: fast enough
        classifier = (mapclassify.Quantiles(known, k=k) if scheme == "kwantielen"
                      else mapclassify.FisherJenks(known, k=k))
    return sorted({float(b) for b in classifier.bins})


def class_labels(breaks: Sequence[float], minimum: float, eenheid: str) -> list[str]:
    """Legend labels 'a – b' for each class; a class whose bounds read the same (many areas with one value, as the
    budget's equal amounts for deciles 1 to 5) is labelled with that one value, not 'a – a'."""
    labels, low = [], minimum
    for high in breaks:
        a, b = fmt_value(low, eenheid), fmt_value(high, eenheid)
        labels.append(a if a == b else f"{a} – {b}")
        low = high
    return labels


def assign(values: Sequence[float], breaks: Sequence[float]) -> np.ndarray:
    """Class index per value (0..k-1), -1 for unknown."""
    array = np.asarray(values, dtype=float)
    index = np.searchsorted(np.asarray(breaks, dtype=float), array, side="left")
    index = np.minimum(index, len(breaks) - 1)
    index[np.isnan(array)] = -1
    return index


def _hover(table: pd.DataFrame, eenheid: str) -> tuple[np.ndarray, str]:
    custom = np.column_stack(
        [
            table["naam"].astype(str), table["code"].astype(str), table["waarde"].map(lambda v: fmt_value(v, eenheid)),
            table["stadswaarde"].map(lambda v: fmt_value(v, eenheid)),
            table["gemiddelde_g4"].map(lambda v: fmt_value(v, eenheid)),
            [f"{int(r)} van {int(n)}" if not pd.isna(r) else "– (neutrale indicator of onbekend)"
             for r, n in zip(table["rang"], table["aantal"], strict=False)],
            table["gemeente"].astype(str),
            [f"<br><i>{note}</i>" if note else "" for note in
             table.get("toelichting", pd.Series("", index=table.index)).fillna("").astype(str)],
        ]
    )
    template = (
        "<b>%{customdata[0]}</b> (%{customdata[1]})<br>Waarde: %{customdata[2]}<br>"
        "%{customdata[6]} (hele gemeente): %{customdata[3]}<br>Ongewogen gemiddelde van de gebieden:"
        " %{customdata[4]}<br>Rang: %{customdata[5]} (1 = meest ongunstig)%{customdata[7]}<extra></extra>"
    )
    return custom, template


def geo_ranges(geojson: dict) -> tuple[list[float], list[float]]:
    """Longitude and latitude ranges ([west, east], [south, north]) that hold every feature, plus a small margin."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords) -> None:
        if isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for part in coords:
                walk(part)

    for feature in geojson.get("features", []):
        walk(feature["geometry"]["coordinates"])
    if not xs:
        return [3.3, 7.3], [50.7, 53.6]  # the Netherlands
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    dx, dy = max(east - west, 1e-4) * MAP_PADDING, max(north - south, 1e-4) * MAP_PADDING
    return [west - dx, east + dx], [south - dy, north + dy]


def _flat(geojson: dict, codes: pd.Series, colour: str, **kwargs) -> go.Choropleth:
    """A trace that fills its areas with one colour (a class, unknown, non-residential or a transparent outline)."""
    kwargs.setdefault("marker", {"line": {"width": 0.4, "color": "white"}})
    return go.Choropleth(geojson=geojson, locations=np.asarray(codes, dtype=object), z=np.ones(len(codes)),
                            colorscale=[[0, colour], [1, colour]], showscale=False, **kwargs)


def _add_continuous(figure: go.Figure, table: pd.DataFrame, subset, custom: np.ndarray, template: str, *, label: str,
                    eenheid: str, richting: int, value_range: tuple[float, float] | None, show_legend: bool) -> None:
    """The known values on a continuous colour scale (higher is better: low values are the dark, worse end)."""
    known = table["waarde"].notna().to_numpy()
    low, high = value_range or (float(np.nanmin(table["waarde"])) if known.any() else 0.0,
                                float(np.nanmax(table["waarde"])) if known.any() else 1.0)
    base = pc.colorbrewer.PuBu if richting == 0 else pc.colorbrewer.YlOrRd
    scale = pc.make_colorscale(base[1:][::-1] if richting == 1 else base[1:])
    figure.add_trace(go.Choropleth(
        geojson=subset(table.loc[known, "code"]), locations=table.loc[known, "code"],
        z=table.loc[known, "waarde"], zmin=low, zmax=high, colorscale=scale,
        marker={"line": {"width": 0.4, "color": "white"}}, customdata=custom[known], hovertemplate=template,
        name=label, showscale=show_legend,
        colorbar={"title": {"text": f"{label} ({eenheid})", "side": "top"}, "orientation": "h",
                  "x": 0.0, "xanchor": "left", "y": -0.03, "yanchor": "top", "thickness": 12, "len": 0.6},
    ))


def _add_classes(figure: go.Figure, table: pd.DataFrame, subset, custom: np.ndarray, template: str, *, eenheid: str,
                 richting: int, breaks: Sequence[float], show_legend: bool) -> None:
    """One trace per class, the legend from best to worst."""
    known = table["waarde"].notna().to_numpy()
    k = len(breaks)
    colours = palette(k, richting)
    minimum = float(np.nanmin(table["waarde"])) if known.any() else 0.0
    labels = class_labels(breaks, minimum, eenheid)
    classes = assign(table["waarde"].to_numpy(dtype=float), breaks)
    order = list(range(k))[::-1] if richting == 1 else list(range(k))
    for rank, index in enumerate(order):
        rows = classes == index
        figure.add_trace(_flat(subset(table.loc[rows, "code"]), table.loc[rows, "code"], colours[rank],
                               customdata=custom[rows], hovertemplate=template, name=labels[index],
                               showlegend=show_legend, legendrank=rank))


def _add_context(figure: go.Figure, table: pd.DataFrame, water_rows: pd.DataFrame, subset, custom: np.ndarray,
                 template: str, *, kbz_codes, show_legend: bool) -> None:
    """Unknown values in grey, non-residential areas in light grey, KBZ areas outlined."""
    unknown = ~table["waarde"].notna().to_numpy()
    figure.add_trace(_flat(subset(table.loc[unknown, "code"]), table.loc[unknown, "code"], UNKNOWN_COLOR,
                           customdata=custom[unknown], hovertemplate=template, name=UNKNOWN_LABEL,
                           showlegend=show_legend, legendrank=100))
    water_codes, water_names = water_rows["code"].astype(str), water_rows["naam"].astype(str)
    if len(water_codes) or show_legend:
        figure.add_trace(_flat(
            subset(water_codes), water_codes, NON_RESIDENTIAL_COLOR, name=NON_RESIDENTIAL_LABEL,
            showlegend=show_legend, legendrank=101, customdata=np.column_stack([water_names, water_codes]),
            hovertemplate="%{customdata[0]} (%{customdata[1]}): " + NON_RESIDENTIAL_LABEL + "<extra></extra>"))
    outlined = table[table["code"].isin(kbz_codes)]
    if not outlined.empty:
        figure.add_trace(_flat(subset(outlined["code"]), outlined["code"], "rgba(0,0,0,0)",
                               marker={"line": {"width": 2.2, "color": KBZ_LINE_COLOR}}, hoverinfo="skip",
                               name="KBZ-gebied", showlegend=show_legend))


def map_figure(
    geojson: dict,
    table: pd.DataFrame,
    *,
    label: str,
    eenheid: str,
    richting: int,
    breaks: Sequence[float] | None,
    value_range: tuple[float, float] | None = None,
    kbz_codes: set[str] | frozenset[str] = frozenset(),
    show_kbz: bool = True,
    title: str = "",
    height_px: int = 560,
    show_legend: bool = True,
) -> go.Figure:
    """Choropleth of one indicator for the areas of ``table`` drawn on ``geojson`` (features with id = code).

    Parameters
    ----------
    table
        Rows of :func:`kbz_data.analysis.area_data.area_values` to draw; water/port areas (column ``water``) are
        drawn in a light neutral grey without value and left out of the map's extent.
    breaks
        Class upper bounds (:func:`class_breaks`), or None for a continuous colour scale.
    value_range
        (min, max) of the colour scale for the continuous option (a common scale over several maps).
    kbz_codes
        Codes outlined as KBZ neighbourhoods when ``show_kbz``.
    height_px
        Figure height (the page stretches a map to the width of its column); the areas (without the water/port
        areas) are fitted into the figure, keeping their shape.
    """
    by_code = {f["id"]: f for f in geojson.get("features", [])}
    table = table[table["code"].isin(by_code)].reset_index(drop=True)
    water_rows = table[table["water"].astype(bool)] if "water" in table else table.iloc[0:0]
    table = table[~table["code"].isin(set(water_rows["code"].astype(str)))].reset_index(drop=True)

    def subset(codes) -> dict:
        # Each trace carries only its own features, so the figure holds every shape once.
        return {"type": "FeatureCollection", "features": [by_code[c] for c in codes]}

    figure = go.Figure()
    custom, template = _hover(table, eenheid)
    if breaks is None:
        _add_continuous(figure, table, subset, custom, template, label=label, eenheid=eenheid, richting=richting,
                        value_range=value_range, show_legend=show_legend)
    else:
        _add_classes(figure, table, subset, custom, template, eenheid=eenheid, richting=richting, breaks=breaks,
                     show_legend=show_legend)
    _add_context(figure, table, water_rows, subset, custom, template, kbz_codes=kbz_codes if show_kbz else (),
                 show_legend=show_legend)
    lon_range, lat_range = geo_ranges(subset(table["code"]) if len(table) else geojson)
    figure.update_layout(
        geo={"visible": False, "projection": {"type": "mercator"}, "lonaxis": {"range": lon_range},
             "lataxis": {"range": lat_range}, "bgcolor": "rgba(0,0,0,0)", "domain": {"x": [0, 1], "y": [0, 1]}},
        margin={"l": 0, "r": 0, "t": 30 if title else 0, "b": 0},
        height=height_px,
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        legend=(
            {"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0.62, "xanchor": "left", "title": {"text": ""}}
            if breaks is None else
            {"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0, "title": {"text": f"{label} ({eenheid})"}}
        ),
        separators=",.",
        uirevision="kaart",
    )
    return figure


def legend_items(
    breaks: Sequence[float] | None, minimum: float, eenheid: str, richting: int, value_range: tuple[float, float] | None
) -> list[tuple[str, str]]:
    """(colour, label) pairs for a legend drawn outside the maps, best to worst, then onbekend and geen woongebied."""
    items: list[tuple[str, str]] = []
    if breaks:
        colours = palette(len(breaks), richting)
        labels = class_labels(breaks, minimum, eenheid)
        order = list(range(len(breaks)))[::-1] if richting == 1 else list(range(len(breaks)))
        items = [(colours[rank], labels[index]) for rank, index in enumerate(order)]
    elif value_range:
        base = pc.colorbrewer.PuBu if richting == 0 else pc.colorbrewer.YlOrRd
        low, high = value_range
        ends = [(base[1], fmt_value(low, eenheid)), (base[-1], fmt_value(high, eenheid))]
        items = ends[::-1] if richting == 1 else ends
    items.append((UNKNOWN_COLOR, UNKNOWN_LABEL))
    items.append((NON_RESIDENTIAL_COLOR, NON_RESIDENTIAL_LABEL))
    return items


def bar_figure(table: pd.DataFrame, *, label: str, eenheid: str, richting: int, kbz_codes: set[str]) -> go.Figure:
    """Ranked horizontal bars (worst on top) for when no map shapes exist for the chosen division and level."""
    known = table[table["waarde"].notna()].sort_values("waarde", ascending=richting == 1)  # worst on top
    names = [f"{n} ({g})" + (" ★ KBZ" if c in kbz_codes else "") for n, g, c in
             zip(known["naam"], known["gemeente"], known["code"], strict=False)]
    custom, template = _hover(known, eenheid)
    base = pc.colorbrewer.PuBu if richting == 0 else pc.colorbrewer.YlOrRd
    scale = pc.make_colorscale(base[1:][::-1] if richting == 1 else base[1:])
    figure = go.Figure(
        go.Bar(x=known["waarde"], y=names, orientation="h", customdata=custom, hovertemplate=template,
               marker={"color": known["waarde"], "colorscale": scale, "line": {"width": 0.3, "color": "#555"},
                       "colorbar": {"title": {"text": eenheid}, "thickness": 10}})
    )
    figure.update_layout(
        height=max(300, 18 * len(known) + 80), yaxis={"autorange": "reversed", "tickfont": {"size": 10}},
        xaxis={"title": {"text": f"{label} ({eenheid})"}, "tickformat": DUTCH_TICKS},
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        separators=",.",
    )
    return figure


def scatter_figure(
    table: pd.DataFrame, *, x_label: str, x_unit: str, y_label: str, y_unit: str, kbz_codes: set[str]
) -> tuple[go.Figure, dict[str, float]]:
    """Scatter of y against x, one dot per area, coloured by city, KBZ areas marked, with an OLS line.

    ``table`` has columns code, naam, gemeente, x, y (areas of one division only), optionally toelichting (a
    note per area shown in the hover, e.g. "omgerekend uit indeling 2020"). Returns the figure and the
    statistics: n, pearson_r, spearman_r, slope, intercept.
    """
    data = table.dropna(subset=["x", "y"])
    figure = go.Figure()
    for gemeente, rows in data.groupby("gemeente", sort=True):
        is_kbz = rows["code"].isin(kbz_codes)
        for kbz_flag, part in ((False, rows[~is_kbz]), (True, rows[is_kbz])):
            if part.empty:
                continue
            figure.add_trace(
                go.Scatter(
                    x=part["x"], y=part["y"], mode="markers",
                    name=f"{gemeente}{' (KBZ-gebied)' if kbz_flag else ''}",
                    marker={"color": CITY_COLORS.get(gemeente, "#666"), "size": 11 if kbz_flag else 7,
                            "symbol": "star" if kbz_flag else "circle",
                            "line": {"width": 1 if kbz_flag else 0, "color": "black"}},
                    customdata=np.column_stack([part["naam"], part["code"],
                                                part["x"].map(lambda v: fmt_value(v, x_unit)),
                                                part["y"].map(lambda v: fmt_value(v, y_unit)),
                                                [f"<br><i>{n}</i>" if n else "" for n in
                                                 part.get("toelichting", pd.Series("", index=part.index))]]),
                    hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>" + x_label
                    + ": %{customdata[2]}<br>" + y_label + ": %{customdata[3]}%{customdata[4]}<extra></extra>",
                )
            )
    stats = {"n": float(len(data)), "pearson_r": float("nan"), "spearman_r": float("nan"),
             "slope": float("nan"), "intercept": float("nan")}
    if len(data) >= 3 and data["x"].nunique() > 1:
        slope, intercept = np.polyfit(data["x"], data["y"], 1)
        stats.update(
            pearson_r=float(data["x"].corr(data["y"])),
            spearman_r=float(data["x"].rank().corr(data["y"].rank())),
            slope=float(slope), intercept=float(intercept),
        )
        xs = np.linspace(data["x"].min(), data["x"].max(), 50)
        figure.add_trace(go.Scatter(x=xs, y=slope * xs + intercept, mode="lines",
                                    name="Regressielijn (kleinste kwadraten)",
                                    line={"color": "black", "dash": "dash"}, hoverinfo="skip"))
    figure.update_layout(
        height=560, xaxis={"title": {"text": f"{x_label} ({x_unit})"}, "tickformat": DUTCH_TICKS}, separators=",.",
        yaxis={"title": {"text": f"{y_label} ({y_unit})"}, "tickformat": DUTCH_TICKS},
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        legend={"orientation": "h", "y": -0.15},
    )
    return figure, stats
