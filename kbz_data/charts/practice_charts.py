"""Plotly figures for the Praktijk page: pure functions (tables in, ``go.Figure`` out), no Streamlit, no CDN.

Colours (Okabe-Ito, colour-blind safe): the chosen practice blue, the mean of all black (dashed), other practices
light grey. Suppressed points of other practices (counts under 10, see :mod:`.analysis`) are hollow grey markers on
the x-axis whose hover says ``<10``; they never sit at their true height.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from kbz_data.text import DUTCH_TICKS, fmt_number

OWN = "#0072B2"
MEAN = "#000000"
OTHER = "#BBBBBB"
LIMIT95 = "#E69F00"
LIMIT998 = "#D55E00"
FONT = dict(family="sans-serif", size=13)


def _hover(unit: str) -> str:
    return ("<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]} " + unit
            + "<br>%{customdata[3]}<extra></extra>")


def _basis(row_noemer: pd.Series, is_share: bool) -> list[str]:
    prefix = "respondenten: " if is_share else "basis: "
    return [f"{prefix}{v}" if v else "" for v in row_noemer]


def _quarters(frame: pd.DataFrame) -> pd.DatetimeIndex:
    """Every quarter (first day) from the first to the last quarter of ``frame``."""
    if frame.empty:
        return pd.DatetimeIndex([])
    return pd.date_range(frame["datum"].min(), frame["datum"].max(), freq="QS")


def _with_gaps(rows: pd.DataFrame, quarters: pd.DatetimeIndex) -> pd.DataFrame:
    """``rows`` of one series with an empty row (waarde NaN) for every quarter without a shown figure between its
    first and last quarter, so the line breaks there instead of bridging the missing quarters."""
    if rows.empty:
        return rows
    span = quarters[(quarters >= rows["datum"].min()) & (quarters <= rows["datum"].max())]
    full = rows.set_index("datum").reindex(span.union(pd.DatetimeIndex(rows["datum"])))
    full.index.name = "datum"
    for column in ("praktijk", "periode", "weergave", "noemer_tekst"):
        full[column] = full[column].fillna("")
    return full.reset_index()


def trend_figure(frame: pd.DataFrame, title: str, unit: str, kbz_start: date | None, show_others: bool = True,
                 is_share: bool = False, height: int = 400) -> go.Figure:
    """Quarterly trend of one measure: chosen practice, mean of all, optionally the others (anonymised).

    Parameters
    ----------
    frame
        :func:`kbz_data.practice.analysis.measure_frame` output (not modified).
    title, unit
        Chart title and the unit shown in hover and on the y-axis.
    kbz_start
        Start date of KBZ for the chosen practice: a vertical marker "Start KBZ".
    show_others
        Draw the other practices as thin grey lines.
    is_share
        Survey shares: the hover shows the number of respondents.
    """
    fig = go.Figure()
    quarters = _quarters(frame)
    groups = [("gemiddelde", MEAN, 2, "dash")]
    if show_others:
        groups.insert(0, ("ander", OTHER, 1, "solid"))
    groups.append(("eigen", OWN, 3, "solid"))
    for rol, colour, width, dash in groups:
        part = frame[frame["rol"] == rol]
        for name, rows in part.groupby("praktijk", sort=True):
            shown = _with_gaps(rows[~rows["onderdrukt"]], quarters)
            custom = list(zip(shown["praktijk"], shown["periode"], shown["weergave"],
                              _basis(shown["noemer_tekst"], is_share), strict=False))
            fig.add_trace(go.Scatter(
                x=shown["datum"], y=shown["waarde"], connectgaps=False,
                mode="lines+markers" if rol == "eigen" else "lines",
                name=str(name) if rol != "ander" else "Andere KBZ-praktijken", legendgroup=rol,
                showlegend=rol != "ander" or name == part["praktijk"].min(),
                line=dict(color=colour, width=width, dash=dash), marker=dict(size=5),
                customdata=custom, hovertemplate=_hover(unit),
            ))
            hidden = rows[rows["onderdrukt"]]
            if len(hidden):
                fig.add_trace(go.Scatter(
                    x=hidden["datum"], y=[0] * len(hidden), mode="markers", name="<10 (onderdrukt)",
                    legendgroup="onderdrukt", showlegend=False,
                    marker=dict(symbol="circle-open", color="#888888", size=7),
                    customdata=list(zip(hidden["praktijk"], hidden["periode"], hidden["weergave"],
                                        ["aantal onder de 10: niet getoond"] * len(hidden), strict=False)),
                    hovertemplate=_hover(""),
                ))
    if kbz_start is not None:
        fig.add_shape(type="line", xref="x", yref="paper", x0=kbz_start, x1=kbz_start, y0=0, y1=1,
                      line=dict(color=OWN, width=1.5, dash="dot"))
        fig.add_annotation(x=kbz_start, y=1, xref="x", yref="paper", text="Start KBZ", showarrow=False,
                           xanchor="left", yanchor="top", font=dict(color=OWN, size=12))
    fig.update_layout(
        title=dict(text=title, font=dict(size=15)), height=height, margin=dict(l=10, r=10, t=45, b=10),
        font=FONT, hovermode="closest", plot_bgcolor="white", separators=",.",
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, font=dict(size=12)),
    )
    fig.update_yaxes(title_text=unit, rangemode="tozero", gridcolor="#EEEEEE", zerolinecolor="#CCCCCC",
                     tickformat=DUTCH_TICKS)
    fig.update_xaxes(gridcolor="#EEEEEE", dtick="M12", tickformat="%Y")
    return fig


def funnel_figure(points: pd.DataFrame, limits: pd.DataFrame, target: float, title: str,
                  height: int = 440) -> go.Figure:
    """Funnel plot: referral rate per 1,000 patients per year against practice size, with 95 % and 99.8 % limits.

    Parameters
    ----------
    points, limits, target
        :func:`kbz_data.practice.analysis.funnel` output (not modified).
    """
    fig = go.Figure()
    for low, high, colour, label in (("lower998", "upper998", LIMIT998, "99,8%-grenzen"),
                                     ("lower95", "upper95", LIMIT95, "95%-grenzen")):
        for column, show in ((high, True), (low, False)):
            fig.add_trace(go.Scatter(
                x=limits["patienten"], y=limits[column], mode="lines", name=label, legendgroup=label,
                showlegend=show, line=dict(color=colour, width=1.5, dash="dot" if "998" in column else "dash"),
                hoverinfo="skip"))
    if len(limits):
        fig.add_trace(go.Scatter(
            x=[limits["patienten"].min(), limits["patienten"].max()], y=[target, target], mode="lines",
            name="Gemiddelde (alle verwijzingen / alle patiënten)", line=dict(color=MEAN, width=1.5),
            hoverinfo="skip"))
    for rol, colour, size, name in (("ander", "#777777", 9, "Andere KBZ-praktijken"), ("eigen", OWN, 15, None)):
        part = points[(points["rol"] == rol) & ~points["onderdrukt"]] if len(points) else points
        if len(part) == 0:
            continue
        fig.add_trace(go.Scatter(
            x=part["patienten"], y=part["waarde"], mode="markers", name=name or str(part["praktijk"].iloc[0]),
            marker=dict(color=colour, size=size, line=dict(color="white", width=1)),
            customdata=list(zip(part["praktijk"], part["patienten"].map(fmt_number),
                                part["weergave"], part["verwijzingen_tekst"], part["positie"], strict=False)),
            hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]} patiënten<br>%{customdata[2]} per 1.000"
                           " per jaar (%{customdata[3]} verwijzingen)<br>%{customdata[4]}<extra></extra>"),
        ))
    hidden = points[points["onderdrukt"]] if len(points) else points
    if len(hidden):
        fig.add_trace(go.Scatter(
            x=hidden["patienten"], y=[0] * len(hidden), mode="markers", name="<10 verwijzingen (onderdrukt)",
            marker=dict(symbol="circle-open", color="#888888", size=9),
            customdata=list(zip(hidden["praktijk"], hidden["verwijzingen_tekst"], strict=False)),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} verwijzingen: niet getoond<extra></extra>",
        ))
    fig.update_layout(
        title=dict(text=title, font=dict(size=15)), height=height, margin=dict(l=10, r=10, t=45, b=10),
        font=FONT, plot_bgcolor="white", legend=dict(orientation="h", yanchor="top", y=-0.18, x=0), separators=",.",
    )
    fig.update_xaxes(title_text="Praktijkgrootte (gemiddeld aantal ingeschreven patiënten)", gridcolor="#EEEEEE",
                     tickformat=DUTCH_TICKS)
    fig.update_yaxes(title_text="per 1.000 patiënten per jaar", rangemode="tozero", gridcolor="#EEEEEE",
                     tickformat=DUTCH_TICKS)
    return fig
