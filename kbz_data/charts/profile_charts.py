"""Pure plotly figure of the Wijkprofiel's Den Haag ELAN trend (no Streamlit, no network).

The spine chart and the health trend of the profile are drawn as HTML and SVG in :mod:`kbz_data.charts.profile_svg`
(no plotly.js in the browser); only this chart, shown for Den Haag wijken, stays a plotly figure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kbz_data.charts.profile_svg import CITY_LINE_COLOR


def _wrap_lines(lines: Sequence[str], width: int = 110) -> str:
    return "<br>".join(part for line in lines for part in textwrap.wrap(line, width))



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
