"""The comparison chart of the Vergelijken page: each chosen area's position among all areas of the four cities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kbz_data.analysis.compare import area_title
from kbz_data.text import fmt_value


def comparison_figure(rows: pd.DataFrame) -> go.Figure:
    """Dot chart: each chosen area's position among all areas of the four cities, per indicator (0 = most
    favourable, 100 = most unfavourable; neutral indicators: 100 = highest)."""
    fig = go.Figure()
    labels = rows.drop_duplicates("indicator")
    y_text = {i: f"{lab} ({e})"
              for i, lab, e in zip(labels["indicator"], labels["label"], labels["eenheid"], strict=True)}
    palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    symbols = ["circle", "diamond", "square", "triangle-up", "x", "star", "cross", "hexagon"]
    for i, (code, part) in enumerate(rows.groupby("code", sort=False)):
        known = part[part["positie"].notna()]
        name = area_title(str(part["naam"].iloc[0]), code, str(part["gemeente"].iloc[0]))
        fig.add_trace(go.Scatter(
            x=known["positie"], y=known["indicator"].map(y_text), mode="markers", name=name,
            marker={"size": 11, "color": palette[i % len(palette)], "symbol": symbols[i % len(symbols)],
                    "line": {"width": 1, "color": "white"}},
            customdata=np.column_stack([known["code"],
                                        [fmt_value(v, e)
                                         for v, e in zip(known["waarde"], known["eenheid"], strict=True)],
                                        [f"{int(r)} van {int(n)}" if not pd.isna(r) else "– (neutraal)"
                                         for r, n in zip(known["rang"], known["aantal"], strict=False)]]),
            hovertemplate=f"<b>{name}</b><br>%{{y}}: %{{customdata[1]}}<br>Rang %{{customdata[2]}}<extra></extra>",
        ))
    fig.add_vline(x=50, line={"color": "#999", "dash": "dot"})
    fig.update_layout(
        height=max(320, 22 * len(y_text) + 120), margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": {"text": "Positie onder alle gebieden van de vier steden (0 = gunstigst, 100 = ongunstigst;"
                                 " neutraal: 100 = hoogst)"}, "range": [-3, 103]},
        yaxis={"autorange": "reversed", "tickfont": {"size": 11}, "categoryorder": "array",
               "categoryarray": list(y_text.values())},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )
    return fig
