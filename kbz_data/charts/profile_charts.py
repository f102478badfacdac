"""Pure plotly figures for the area profile: the spine chart and the health trends (no Streamlit, no network).

Spine chart: one row per indicator, grouped by domain. Each row is scaled on its own to the spread over all
areas of the same level and division in the four cities (0 = minimum, 1 = maximum), and flipped where a higher
value is worse (``richting == -1``), so in every row left is less favourable and right more favourable (for
neutral indicators: left lower, right higher). Colours: the area's marker is red when it is worse than its city
and blue when it is better (ColorBrewer RdBu ends, colour-blind safe; red means "worse" as on the maps).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kbz_data.analysis import profile
from kbz_data.analysis.area_data import DIRECTION_TEXT
from kbz_data.indicators import DOMAIN_ORDER
from kbz_data.text import fmt_value

WORSE_COLOR = "#b2182b"
BETTER_COLOR = "#2166ac"
NEUTRAL_COLOR = "#4d4d4d"
NO_COMPARISON_COLOR = "#9e9e9e"
RANGE_COLOR = "#e3e3e3"
IQR_COLOR = "#b5b5b5"
MEDIAN_COLOR = "#ffffff"
CITY_COLOR = "#000000"
AREA_LINE_COLOR = "#542788"
CITY_LINE_COLOR = "#7f7f7f"

#: Legend entries of the area's dot: (legend text, colour, outcomes of profile.compare_to_city).
MARKER_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Slechter dan de stad", WORSE_COLOR, (profile.SLECHTER,)),
    ("Beter dan de stad", BETTER_COLOR, (profile.BETER,)),
    ("Gelijk aan de stad / neutraal", NEUTRAL_COLOR,
     (profile.GELIJK, profile.HOGER, profile.LAGER)),
    ("Geen vergelijking", NO_COMPARISON_COLOR,
     (profile.GEEN_STADSCIJFER, profile.NIET_VERGELIJKBAAR)),
)
X_RANGE = (-0.06, 1.36)
VALUE_X = 1.08
ROW_PX = 26
GAP_PX = 60
MODEL_NOTE = "Gezondheidscijfers zijn modelschattingen (small area estimation), geen tellingen."


def scaled(value: float, low: float, high: float, richting: int) -> float:
    """Position of a value on a row scaled to [low, high] -> [0, 1], flipped when higher is worse.

    A row without spread (low == high) puts its values at 0.5; NaN stays NaN.
    """
    if pd.isna(value) or pd.isna(low) or pd.isna(high):
        return math.nan
    position = 0.5 if high == low else (float(value) - low) / (high - low)
    return 1.0 - position if richting == -1 else position


def _row_label(row: pd.Series) -> str:
    note = str(row.get("toelichting", "") or "")
    mark = " ·omgerekend" if note.startswith("omgerekend") else ""
    return f"{row['label']} ({row['eenheid']}){mark}"


def _hover(row: pd.Series, city_name: str, niveau_plural: str) -> str:
    u = row["eenheid"]
    city = "niet vergelijkbaar (aantal)" if u in profile.SIZE_UNITS else fmt_value(row["stadswaarde"], u)
    if pd.isna(row["stadswaarde"]):
        city = "geen eigen cijfer van de gemeente"
    return (
        f"<b>{row['label']}</b> ({u}), peiljaar {int(row['jaar'])}<br>"
        f"Dit gebied: <b>{fmt_value(row['waarde'], u)}</b> ({row['vergelijking']})<br>"
        f"{city_name}: {city}<br>"
        f"Spreiding over {int(row['n'])} {niveau_plural} in {int(row['steden'])} van de vier steden:<br>"
        f"min {fmt_value(row['min'], u)} · 25% {fmt_value(row['p25'], u)} · mediaan {fmt_value(row['median'], u)}"
        f" · 75% {fmt_value(row['p75'], u)} · max {fmt_value(row['max'], u)}<br>"
        f"Richting: {DIRECTION_TEXT.get(int(row['richting']), 'neutraal')}"
        + (f"<br><i>{row['toelichting']}</i>" if str(row.get("toelichting", "") or "") else "")
    )


def _number(value: float, eenheid: str) -> str:
    """A value as in :func:`kbz_data.text.fmt_value` but without its unit (the row label carries it)."""
    text = fmt_value(value, eenheid)
    for suffix in (" %", f" {eenheid}"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _key(city_name: str) -> str:
    """The chart's key in three short lines of coloured symbols (fixed height, fits a narrow column, and is part
    of exported images); a plotly legend would wrap unpredictably over the first domain header."""
    def sym(symbol: str, color: str, text: str) -> str:
        return f'<span style="color:{color};font-size:15px">{symbol}</span> {text}'

    (worse, worse_c, _), (better, better_c, _), (same, same_c, _), (none, none_c, _) = MARKER_GROUPS
    return "<br>".join([
        "Dit gebied: " + "   ".join([sym("●", worse_c, worse.lower()), sym("●", better_c, better.lower())]),
        "   ".join([sym("●", same_c, same), sym("●", none_c, none.lower()),
                    sym("◇", CITY_COLOR, f"{city_name} (gemeentecijfer)")]),
        "   ".join([sym("▬", RANGE_COLOR, "spreiding vier steden (min–max)"),
                    sym("▬", IQR_COLOR, "middelste helft (25–75%)"), sym("┃", "#8c8c8c", "mediaan")]),
    ])


def _wrap_lines(lines: Sequence[str], width: int = 110) -> str:
    return "<br>".join(part for line in lines for part in textwrap.wrap(line, width))


def _add_domain_rows(fig: go.Figure, part: pd.DataFrame, r: int, city_name: str, niveau_plural: str) -> None:
    """The rows of one domain (subplot row ``r``): spread, middle half, median, city diamond, area dot, values."""
    labels = [_row_label(row) for _, row in part.iterrows()]
    hover = [_hover(row, city_name, niveau_plural) for _, row in part.iterrows()]
    has = part["n"].to_numpy() > 0
    pos = {
        col: np.array([scaled(v, lo, hi, ri) for v, lo, hi, ri in
                       zip(part[col], part["min"], part["max"], part["richting"], strict=False)])
        for col in ("waarde", "stadswaarde", "p25", "median", "p75")
    }
    fig.add_trace(go.Bar(
        y=labels, x=np.where(has, 1.0, 0.0), base=0.0, orientation="h", width=0.62,
        marker={"color": RANGE_COLOR, "line": {"width": 0}}, name="Spreiding vier steden (min–max)",
        legendgroup="range", showlegend=False, hovertext=hover, hoverinfo="text",
    ), row=r, col=1)
    low = np.fmin(pos["p25"], pos["p75"])
    fig.add_trace(go.Bar(
        y=labels, x=np.abs(pos["p75"] - pos["p25"]), base=low, orientation="h", width=0.62,
        marker={"color": IQR_COLOR, "line": {"width": 0}}, name="Middelste helft (25–75%)",
        legendgroup="iqr", showlegend=False, hovertext=hover, hoverinfo="text",
    ), row=r, col=1)
    fig.add_trace(go.Scatter(
        y=labels, x=pos["median"], mode="markers", name="Mediaan",
        marker={"symbol": "line-ns", "size": 14, "line": {"width": 2, "color": MEDIAN_COLOR}},
        legendgroup="median", showlegend=False, hovertext=hover, hoverinfo="text",
    ), row=r, col=1)
    city_x = np.where(part["eenheid"].isin(profile.SIZE_UNITS), np.nan, np.clip(pos["stadswaarde"], -0.04, 1.04))
    fig.add_trace(go.Scatter(
        y=labels, x=city_x, mode="markers", name=f"{city_name} (gemeentecijfer)",
        marker={"symbol": "diamond-open", "size": 11, "color": CITY_COLOR, "line": {"width": 2}},
        legendgroup="city", showlegend=False, hovertext=hover, hoverinfo="text",
    ), row=r, col=1)
    for name, color, outcomes in MARKER_GROUPS:
        mask = part["vergelijking"].isin(outcomes).to_numpy()
        if not mask.any():
            continue
        fig.add_trace(go.Scatter(
            y=[lab for lab, m in zip(labels, mask, strict=True) if m], x=pos["waarde"][mask], mode="markers",
            name=name,
            marker={"symbol": "circle", "size": 12, "color": color, "line": {"width": 1, "color": "white"}},
            legendgroup=name, showlegend=False, hovertext=[h for h, m in zip(hover, mask, strict=False) if m],
            hoverinfo="text",
        ), row=r, col=1)
    values = [
        f"{_number(w, u)}  |  " + ("–" if u in profile.SIZE_UNITS else _number(s, u))
        for w, s, u in zip(part["waarde"], part["stadswaarde"], part["eenheid"], strict=False)
    ]
    fig.add_trace(go.Scatter(
        y=labels, x=[VALUE_X] * len(labels), mode="text", text=values, textposition="middle right",
        textfont={"size": 11, "color": "#333333"}, showlegend=False, hovertext=hover, hoverinfo="text",
    ), row=r, col=1)
    fig.update_yaxes(range=[len(labels) - 0.5, -0.5], categoryorder="array", categoryarray=labels, row=r,
                     col=1, tickfont={"size": 12}, automargin=True)


def spine_chart(
    table: pd.DataFrame,
    *,
    area_name: str,
    city_name: str,
    niveau: str,
    indeling: int,
    sources: Sequence[str],
) -> go.Figure:
    """Spine chart of a profile table (:func:`kbz_data.analysis.profile.profile_table`).

    Per indicator one row: the spread over all areas of the same level and division in the four cities as a light
    bar (min to max) with a darker band (25% to 75%) and a white tick (median), the city's own figure as a black
    open diamond and the area's value as a dot coloured by :data:`MARKER_GROUPS`. Rows are scaled on their own (see
    :func:`scaled`); actual values, units and the spread are in the hover and printed right of each row
    ("gebied | stad"). The source lines and the model-estimate note are printed under the chart.
    """
    niveau_plural = {"wijk": "wijken", "buurt": "buurten", "gemeente": "gemeenten"}.get(niveau, niveau)
    domains = [d for d in DOMAIN_ORDER if d in set(table["domein"])]
    domains += [d for d in table["domein"].unique() if d not in domains]
    counts = [int((table["domein"] == d).sum()) for d in domains]
    n_rows = max(len(domains), 1)
    plot_height = ROW_PX * max(sum(counts), 1) + GAP_PX * (n_rows - 1)
    fig = make_subplots(
        rows=n_rows, cols=1, shared_xaxes=True, vertical_spacing=GAP_PX / plot_height if n_rows > 1 else 0.0,
        row_heights=[max(c, 1) for c in counts] or [1],
        subplot_titles=[f"<b>{d.capitalize()}</b>" for d in domains] or [""],
    )
    for r, domein in enumerate(domains, start=1):
        _add_domain_rows(fig, table[table["domein"] == domein], r, city_name, niveau_plural)
    fig.update_xaxes(range=list(X_RANGE), showgrid=False, zeroline=False, showticklabels=False)
    fig.update_xaxes(
        showticklabels=True, tickvals=[0.0, 0.5, 1.0],
        ticktext=["ongunstigst<br>(neutraal: laagst)", "midden van de spreiding", "gunstigst<br>(neutraal: hoogst)"],
        row=n_rows, col=1,
    )
    for a in fig.layout.annotations:  # subplot titles: left-aligned domain headers
        a.update(x=0.0, xanchor="left", font={"size": 14})
    fig.add_annotation(
        x=1.0, y=1.0, xref="paper", yref="paper", yanchor="bottom", xanchor="right", yshift=26, showarrow=False,
        align="left", text=_key(city_name), font={"size": 11, "color": "#333333"},
    )
    fig.add_annotation(
        x=VALUE_X, y=1.0, xref="x", yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
        text="<b>gebied  |  stad</b>", font={"size": 11},
    )
    notes = list(sources)
    if "gezondheid" in domains:
        notes.append(MODEL_NOTE)
    notes.append(
        f"Per rij geschaald op de spreiding over alle {niveau_plural} van indeling {indeling} in de vier steden;"
        " waar hoger slechter is, is de rij gespiegeld (links is altijd ongunstiger)."
    )
    note_lines = _wrap_lines(notes).count("<br>") + 1
    bottom = 70 + 15 * note_lines
    fig.add_annotation(
        x=1.0, y=0.0, xref="paper", yref="paper", yanchor="top", xanchor="right", yshift=-52, showarrow=False,
        align="left", text=_wrap_lines(notes), font={"size": 10, "color": "#555555"},
    )
    top = 140
    height = int(top + plot_height + bottom)
    fig.update_layout(
        title={"text": f"Profiel van {area_name} ten opzichte van {city_name} en de vier steden (indeling {indeling})",
               "x": 0.0, "xanchor": "left", "y": 1 - 10 / height, "yanchor": "top", "yref": "container",
               "font": {"size": 16}},
        barmode="overlay", bargap=0.3, plot_bgcolor="white", paper_bgcolor="white", height=height,
        margin={"l": 10, "r": 10, "t": top, "b": bottom},
        showlegend=False,
        hoverlabel={"align": "left"},
    )
    return fig


def trend_chart(table: pd.DataFrame, *, title: str, sources: Sequence[str], columns: int = 4,
                indeling: int = 2020) -> go.Figure:
    """Small multiples of the health trends (:func:`kbz_data.analysis.profile.trend_table`): 2012-2016-2020 on
    division 2020, up to 2024 on division 2024 (``indeling``; figures carried from 2020 marked in the notes).

    One panel per indicator with the area (solid purple line) and its city (dashed grey line); y-axes in % and
    independent per panel. The source lines and the model-estimate note are printed under the chart.
    """
    indicators = list(dict.fromkeys(table["indicator"]))
    n = max(len(indicators), 1)
    cols = min(columns, n)
    rows = math.ceil(n / cols)
    labels = table.drop_duplicates("indicator").set_index("indicator")["label"]
    titles = ["<br>".join(textwrap.wrap(str(labels[i]), 32)) for i in indicators] or [""]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.55 / rows if rows > 1 else 0.1,
                        horizontal_spacing=0.06)
    shown: set[str] = set()
    for k, ind in enumerate(indicators):
        r, c = k // cols + 1, k % cols + 1
        part = table[table["indicator"] == ind]
        for reeks, color, dash in (("gebied", AREA_LINE_COLOR, "solid"), ("stad", CITY_LINE_COLOR, "dash")):
            line = part[part["reeks"] == reeks].sort_values("jaar")
            if line.empty:
                continue
            name = str(line["naam"].iloc[0])
            fig.add_trace(go.Scatter(
                x=line["jaar"], y=line["waarde"], mode="lines+markers", name=name, legendgroup=reeks,
                showlegend=reeks not in shown,
                line={"color": color, "dash": dash, "width": 2.5 if reeks == "gebied" else 2},
                marker={"size": 7}, hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}} %<extra>{labels[ind]}</extra>",
            ), row=r, col=c)
            shown.add(reeks)
    years = sorted({int(j) for j in table["jaar"]}) or [2012, 2016, 2020]
    fig.update_xaxes(tickvals=years, range=[min(years) - 1, max(years) + 1], showgrid=False,
                     tickangle=0, tickfont={"size": 10 if len(years) > 3 else 12})
    fig.update_yaxes(ticksuffix=" %", gridcolor="#eeeeee", zeroline=False)
    for a in fig.layout.annotations:
        a.update(font={"size": 11})
    notes = [*sources, MODEL_NOTE + f" Indeling {indeling} in alle jaren."]
    if "rivm_50090NED_omgerekend" in set(table["bron"]):
        notes.append("De cijfers 2012-2020 van de Gezondheidsmonitor zijn omgerekend uit indeling 2020 (overlap van"
                     " de kaartvormen); de reeks 2012-2024 is door RIVM zelf op indeling 2024 geschat.")
    bottom = 60 + 15 * (_wrap_lines(notes).count("<br>") + 1)
    fig.add_annotation(
        x=0.0, y=0.0, xref="paper", yref="paper", yanchor="top", xanchor="left", yshift=-35, showarrow=False,
        align="left", text=_wrap_lines(notes), font={"size": 10, "color": "#555555"},
    )
    height = int(rows * 200 + 110 + bottom)
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 110, "b": bottom},
        plot_bgcolor="white", paper_bgcolor="white",
        title={"text": title, "x": 0.0, "xanchor": "left", "y": 1 - 10 / height, "yanchor": "top", "yref": "container",
               "font": {"size": 16}},
        legend={"orientation": "h", "yanchor": "top", "y": 1 - 42 / height, "yref": "container", "x": 0.0},
    )
    return fig


def elan_trend_chart(table: pd.DataFrame, *, title: str, sources: Sequence[str], highlight: str = "") -> go.Figure:
    """Huisarts costs against low income over the years for the KBZ wijken of Den Haag
    (:func:`kbz_data.analysis.profile.elan_trend_table`): two panels side by side, one line per KBZ wijk
    (``highlight``: the wijk of the profile, drawn thicker) and the median of all Den Haag wijken (dashed grey)."""
    indicators = list(dict.fromkeys(table["indicator"]))
    labels = table.drop_duplicates("indicator").set_index("indicator")
    titles = [f"{labels.loc[i, 'label']} ({labels.loc[i, 'eenheid']})" for i in indicators] or [""]
    fig = make_subplots(rows=1, cols=max(len(indicators), 1), subplot_titles=titles, horizontal_spacing=0.08)
    palette = ["#6a3d9a", "#1b9e77", "#d95f02", "#e7298a", "#66a61e"]
    codes = [c for c in dict.fromkeys(table["code"]) if c != "GM0518"]
    shown: set[str] = set()
    for k, ind in enumerate(indicators, start=1):
        part = table[table["indicator"] == ind]
        unit = str(labels.loc[ind, "eenheid"])
        for n, code in enumerate([*codes, "GM0518"]):
            line = part[part["code"] == code].sort_values("jaar")
            if line.empty:
                continue
            name = str(line["naam"].iloc[0]) + (f" (KBZ {line['kbz'].iloc[0]})" if line["kbz"].iloc[0] else "")
            city = code == "GM0518"
            fig.add_trace(go.Scatter(
                x=line["jaar"], y=line["waarde"], mode="lines+markers", name=name, legendgroup=code,
                showlegend=code not in shown,
                line={"color": CITY_LINE_COLOR if city else palette[n % len(palette)], "dash": "dash" if city
                      else "solid", "width": 3.5 if code == highlight else 2},
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}} {unit}<extra>{labels.loc[ind, 'label']}</extra>",
            ), row=1, col=k)
            shown.add(code)
    notes = [*sources, "ELAN/GGDH berekent deze cijfers uit CBS-microdata; alleen Den Haag, niet vergelijkbaar met de"
             " andere steden. Indeling 2020 in alle jaren."]
    bottom = 50 + 15 * (_wrap_lines(notes).count("<br>") + 1)
    fig.add_annotation(x=0.0, y=0.0, xref="paper", yref="paper", yanchor="top", xanchor="left", yshift=-35,
                       showarrow=False, align="left", text=_wrap_lines(notes), font={"size": 10, "color": "#555555"})
    fig.update_xaxes(showgrid=False, dtick=2)
    fig.update_yaxes(gridcolor="#eeeeee", zeroline=False)
    height = 400 + bottom
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 120, "b": bottom}, plot_bgcolor="white",
                      paper_bgcolor="white", separators=",.",
                      title={"text": title, "x": 0.0, "xanchor": "left", "y": 1 - 10 / height, "yanchor": "top",
                             "yref": "container", "font": {"size": 16}},
                      legend={"orientation": "h", "yanchor": "top", "y": 1 - 42 / height, "yref": "container",
                              "x": 0.0})
    return fig
