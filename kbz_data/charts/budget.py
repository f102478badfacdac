"""Budget charts: euro per inhabitant per city and per practice under each rule, and the referral scenario's
before/after dumbbell."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kbz_data.analysis.budget import BudgetResult
from kbz_data.analysis.scenario import REFERRAL_LABELS
from kbz_data.charts.bars_html import Series, grouped_bars_html
from kbz_data.config import GEMEENTEN
from kbz_data.text import DUTCH_TICKS, euro


def city_bars(result: BudgetResult) -> str:
    """Bars as HTML (:mod:`kbz_data.charts.bars_html`): euro per inhabitant per city under each rule."""
    f = result.frame
    colours = ["#8c8c8c", "#d95f02", "#1b9e77"]
    cities: list[str] = []
    series = []
    for (rule, label), colour in zip(result.rules.items(), colours, strict=False):
        per_city = f.groupby("gemeente", sort=False)[[rule, "inwoners"]].sum()
        per_city = per_city.reindex([g for g in GEMEENTEN.values() if g in per_city.index])
        value = per_city[rule] / per_city["inwoners"]
        cities = list(per_city.index)
        series.append(Series(label, colour, [float(v) for v in value], [euro(v, 2) for v in value]))
    parts = [f"{s.name}: " + ", ".join(f"{c} {t}" for c, t in zip(cities, s.texts, strict=True)) for s in series]
    return grouped_bars_html(cities, series, label="Euro per inwoner per jaar per stad. " + "; ".join(parts))


def practice_figure(result: BudgetResult) -> go.Figure:
    """Bars per practice: euro per patient, flat and weighted by need."""
    f = result.frame.sort_values(["gemeentecode", "code"])
    fig = go.Figure()
    for (rule, label), colour in zip(result.rules.items(), ["#bdbdbd", "#d95f02"], strict=False):
        per = f[rule] / f["inwoners"]
        fig.add_trace(go.Bar(x=f["naam"].str.replace(" (fictief)", "", regex=False), y=per, name=label,
                             marker={"color": colour}, customdata=[euro(v, 2) for v in per],
                             hovertemplate="%{x}: %{customdata} per patiënt<extra>" + label + "</extra>"))
    fig.update_layout(barmode="group", height=420, margin={"l": 10, "r": 10, "t": 10, "b": 120}, separators=",.",
                      yaxis={"title": {"text": "euro per ingeschreven patiënt per jaar"}, "tickformat": DUTCH_TICKS},
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"}, xaxis={"tickangle": -35})
    return fig


def scenario_figure(scenario: pd.DataFrame, kengetal: str) -> go.Figure:
    """Before/after dumbbell per practice for one referral type (per 1,000 patients per year)."""
    part = scenario[(scenario["kengetal"] == kengetal) & scenario["cijfer_voor"].notna()].sort_values("naam")
    names = part["naam"].str.replace(" (fictief)", "", regex=False)
    fig = go.Figure()
    for x0, x1, y in zip(part["cijfer_voor"], part["cijfer_na"], names, strict=False):
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y, y], mode="lines", line={"color": "#bbbbbb", "width": 3},
                                 showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=part["cijfer_voor"], y=names, mode="markers", name="Voor de KBZ-start",
                             marker={"size": 11, "color": "#7570b3"},
                             hovertemplate="%{y}: %{x:.1f} per 1.000 (voor)<extra></extra>"))
    fig.add_trace(go.Scatter(x=part["cijfer_na"], y=names, mode="markers", name="Laatste vier kwartalen",
                             marker={"size": 11, "color": "#1b9e77", "symbol": "diamond"},
                             hovertemplate="%{y}: %{x:.1f} per 1.000 (na)<extra></extra>"))
    fig.update_layout(height=max(300, 28 * len(part) + 110), margin={"l": 10, "r": 10, "t": 10, "b": 40},
                      xaxis={"title": {"text": f"Verwijzingen {REFERRAL_LABELS[kengetal].lower()} per 1.000"
                                               " patiënten per jaar"}, "tickformat": DUTCH_TICKS}, separators=",.",
                      yaxis={"autorange": "reversed"}, legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    return fig
