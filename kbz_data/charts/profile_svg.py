"""The area profile's charts as server-made HTML and SVG (no Streamlit, no plotly.js): the spine chart and the health
trends.

Why: the Wijkprofiel was the last first-load page that made the browser load and compile Streamlit's 4,7 MB plotly
chunk, only for these two charts (benchmarks/bench_browser.py). Plain HTML rows and small SVG panels cost the browser
almost nothing and reflow on a phone with the page's own font size.

Spine chart: one row per indicator, grouped by domain. Each row is scaled on its own to the spread over all areas of
the same level and division in the four cities (0 = minimum, 1 = maximum), and mirrored where a higher value is
worse (``richting == -1``), so in every row left is less favourable and right more favourable (for neutral
indicators: left lower, right higher). The area's dot is red when it is worse than its city and blue when it is
better (ColorBrewer RdBu ends, colour-blind safe; red means "worse" as on the maps).

Every row and every trend panel is one ``role="img"`` whose accessible name holds its values; the same text is its
hover (``title``; SVG ``<title>`` per point). Numbers are Dutch through :mod:`kbz_data.text`; unknown is "onbekend".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

from kbz_data.analysis import profile
from kbz_data.analysis.area_data import DIRECTION_TEXT
from kbz_data.indicators import DOMAIN_ORDER
from kbz_data.text import UNKNOWN, escape_markdown, fmt_number, fmt_value

WORSE_COLOR = "#b2182b"
BETTER_COLOR = "#2166ac"
NEUTRAL_COLOR = "#4d4d4d"
NO_COMPARISON_COLOR = "#9e9e9e"
RANGE_COLOR = "#e3e3e3"
IQR_COLOR = "#b5b5b5"
MEDIAN_COLOR = "#ffffff"
CITY_COLOR = "#000000"
AREA_LINE_COLOR = "#542788"
CITY_LINE_COLOR = "#6b6b6b"

#: Legend entries of the area's dot: (legend text, colour, outcomes of profile.compare_to_city).
MARKER_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Slechter dan de stad", WORSE_COLOR, (profile.SLECHTER,)),
    ("Beter dan de stad", BETTER_COLOR, (profile.BETER,)),
    ("Gelijk aan de stad / neutraal", NEUTRAL_COLOR,
     (profile.GELIJK, profile.HOGER, profile.LAGER)),
    ("Geen vergelijking", NO_COMPARISON_COLOR,
     (profile.GEEN_STADSCIJFER, profile.NIET_VERGELIJKBAAR)),
)
#: The city's diamond may sit outside the spread (a city figure beyond every area's), and so may the dot of a count in
#: a water area (the spread is over residential areas): both are clipped to this range (the hover has the value).
CITY_CLIP = (-0.04, 1.04)
MODEL_NOTE = "Gezondheidscijfers zijn modelschattingen (small area estimation), geen tellingen."


def scaled(value: float, low: float, high: float, richting: int) -> float:
    """Position of a value on a row scaled to [low, high] -> [0, 1], flipped when higher is worse.

    A row without spread (low == high) puts its values at 0.5; NaN stays NaN.
    """
    if pd.isna(value) or pd.isna(low) or pd.isna(high):
        return math.nan
    position = 0.5 if high == low else (float(value) - low) / (high - low)
    return 1.0 - position if richting == -1 else position


def row_label(row: pd.Series) -> str:
    """The label of a spine row: indicator, unit, and a mark when the figure was carried over from 2020."""
    note = str(row.get("toelichting", "") or "")
    mark = " ·omgerekend" if note.startswith("omgerekend") else ""
    return f"{row['label']} ({row['eenheid']}){mark}"


def hover_lines(row: pd.Series, city_name: str, niveau_plural: str) -> list[str]:
    """The hover text of a spine row, one string per line: value, city, spread, direction and note."""
    u = row["eenheid"]
    city = "niet vergelijkbaar (aantal)" if u in profile.SIZE_UNITS else fmt_value(row["stadswaarde"], u)
    if pd.isna(row["stadswaarde"]):
        city = "geen eigen cijfer van de gemeente"
    jaar = UNKNOWN if pd.isna(row["jaar"]) else str(int(row["jaar"]))
    lines = [
        f"{row['label']} ({u}), peiljaar {jaar}",
        f"Dit gebied: {fmt_value(row['waarde'], u)} ({row['vergelijking']})",
        f"{city_name}: {city}",
        f"Spreiding over {fmt_number(row['n'])} {niveau_plural} in {fmt_number(row['steden'])} van de vier steden:",
        f"min {fmt_value(row['min'], u)} · 25% {fmt_value(row['p25'], u)} · mediaan {fmt_value(row['median'], u)}"
        f" · 75% {fmt_value(row['p75'], u)} · max {fmt_value(row['max'], u)}",
        f"Richting: {DIRECTION_TEXT.get(int(row['richting']), 'neutraal')}",
    ]
    note = str(row.get("toelichting", "") or "")
    return [*lines, note] if note else lines


def number(value: float, eenheid: str) -> str:
    """A value as in :func:`kbz_data.text.fmt_value` but without its unit (the row label carries it)."""
    text = fmt_value(value, eenheid)
    for suffix in (" %", f" {eenheid}"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def marker_color(vergelijking: str) -> str | None:
    """Colour of the area's dot for an outcome of :func:`kbz_data.analysis.profile.compare_to_city`; None: no dot
    (unknown value, water area)."""
    for _name, color, outcomes in MARKER_GROUPS:
        if vergelijking in outcomes:
            return color
    return None


def niveau_plural(niveau: str) -> str:
    return {"wijk": "wijken", "buurt": "buurten", "gemeente": "gemeenten"}.get(niveau, niveau)


def _attr(text: str) -> str:
    """Escaped text for an attribute or SVG title with its line breaks as character references: the markup stays
    one line (``st.markdown`` ends a raw HTML block at a line break followed by a blank line)."""
    return escape(text).replace("\n", "&#10;")


def _pct(position: float) -> str:
    return f"{100 * position:.1f}%"


_SPINE_CSS = (
    "<style>"
    ".kbz-spine{max-width:64rem;font-size:.875rem;color:#31333f;margin:.25rem 0 .75rem}"
    ".kbz-spine .titel{font-weight:600;font-size:1rem;margin:0 0 .4rem}"
    ".kbz-spine .sleutel{display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-size:.8125rem;margin-bottom:.5rem}"
    ".kbz-spine .sleutel>span{display:inline-flex;align-items:center;gap:.3rem;white-space:nowrap}"
    # Every row is its own grid: fixed label and value columns keep the scales of all rows the same width.
    ".kbz-spine .rij,.kbz-spine .kop{display:grid;grid-template-columns:minmax(0,17rem) minmax(6rem,1fr) 8.75rem;"
    "gap:0 .75rem;align-items:center;min-height:1.6rem}"
    ".kbz-spine .rij:hover{background:#f3f3f6}"
    ".kbz-spine .kop{font-size:.8125rem;color:#474a54;border-bottom:1px solid #d5d6db;padding-bottom:.15rem}"
    ".kbz-spine .as{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap}"
    ".kbz-spine .domein{font-weight:600;font-size:.9375rem;margin:.7rem 0 .1rem}"
    ".kbz-spine .naam{overflow-wrap:anywhere;line-height:1.25}"
    ".kbz-spine .waarden{white-space:nowrap;font-variant-numeric:tabular-nums;color:#333333;overflow:hidden}"
    ".kbz-spine .baan{padding:0 8px}"
    ".kbz-spine .schaal{position:relative;display:block;height:1.1rem}"
    ".kbz-spine .schaal>span{position:absolute;top:50%;transform:translate(-50%,-50%)}"
    ".kbz-spine .spreiding,.kbz-spine .midden{height:62%;transform:translateY(-50%)!important}"
    f".kbz-spine .spreiding{{background:{RANGE_COLOR}}}.kbz-spine .midden{{background:{IQR_COLOR}}}"
    f".kbz-spine .mediaan{{width:2px;height:80%;background:{MEDIAN_COLOR}}}"
    f".kbz-spine .stad{{width:8px;height:8px;border:2px solid {CITY_COLOR};transform:translate(-50%,-50%)"
    " rotate(45deg)!important}"
    ".kbz-spine .gebied{width:12px;height:12px;border-radius:50%;border:1px solid #ffffff}"
    ".kbz-spine .sym{display:inline-block;flex:none}"
    ".kbz-spine .noten{font-size:.75rem;color:#555555;margin-top:.5rem}.kbz-spine .noten p{margin:0 0 .2rem}"
    "@media (max-width:640px){.kbz-spine .rij,.kbz-spine .kop{grid-template-columns:minmax(0,1fr) 8.75rem;"
    "padding:.15rem 0}.kbz-spine .naam,.kbz-spine .kop .k-naam{grid-column:1/-1}"
    ".kbz-spine .rij{border-top:1px solid #ececf0}}"
    "</style>"
)


def _symbol(kind: str, color: str) -> str:
    """A legend symbol drawn with the same CSS as the chart's marks."""
    styles = {
        "dot": f"width:11px;height:11px;border-radius:50%;background:{color}",
        "diamond": f"width:7px;height:7px;border:2px solid {color};transform:rotate(45deg);margin:0 2px",
        "bar": f"width:18px;height:9px;background:{color}",
        "stripe": f"width:2px;height:12px;background:{color};box-shadow:0 0 0 2px {IQR_COLOR}",
    }
    return f'<span class="sym" style="{styles[kind]}"></span>'


def _key_html(city_name: str) -> str:
    items = [_symbol("dot", color) + escape(f"Dit gebied: {name.lower()}") for name, color, _ in MARKER_GROUPS]
    items += [
        _symbol("diamond", CITY_COLOR) + escape(f"{city_name} (gemeentecijfer)"),
        _symbol("bar", RANGE_COLOR) + "spreiding vier steden (min–max)",
        _symbol("bar", IQR_COLOR) + "middelste helft (25–75%)",
        _symbol("stripe", MEDIAN_COLOR) + "mediaan",
    ]
    return '<div class="sleutel" aria-hidden="true">' + "".join(f"<span>{i}</span>" for i in items) + "</div>"


def _marks(row: pd.Series) -> str:
    """The marks of one row inside its scale (positions as % of the scale's width; left is always worse)."""
    lo, hi, ri = row["min"], row["max"], int(row["richting"])
    pos = {c: scaled(row[c], lo, hi, ri) for c in ("waarde", "stadswaarde", "p25", "median", "p75")}
    parts = []
    if int(row["n"]) > 0:
        parts.append('<span class="spreiding" style="left:0;width:100%"></span>')
    if not (math.isnan(pos["p25"]) or math.isnan(pos["p75"])):
        low = min(pos["p25"], pos["p75"])
        parts.append(f'<span class="midden" style="left:{_pct(low)};width:{_pct(abs(pos["p75"] - pos["p25"]))}">'
                     "</span>")
    if not math.isnan(pos["median"]):
        parts.append(f'<span class="mediaan" style="left:{_pct(pos["median"])}"></span>')
    if row["eenheid"] not in profile.SIZE_UNITS and not math.isnan(pos["stadswaarde"]):
        x = min(max(pos["stadswaarde"], CITY_CLIP[0]), CITY_CLIP[1])
        parts.append(f'<span class="stad" style="left:{_pct(x)}"></span>')
    color = marker_color(str(row["vergelijking"]))
    if color is not None and not math.isnan(pos["waarde"]):  # clipped: a water area's count is outside the spread
        x = min(max(pos["waarde"], CITY_CLIP[0]), CITY_CLIP[1])
        parts.append(f'<span class="gebied" style="left:{_pct(x)};background:{color}"></span>')
    return f'<span class="baan"><span class="schaal">{"".join(parts)}</span></span>'


def _spine_row(row: pd.Series, city_name: str, plural: str) -> str:
    tip = "\n".join(hover_lines(row, city_name, plural))
    u = row["eenheid"]
    values = f"{number(row['waarde'], u)} | " + ("–" if u in profile.SIZE_UNITS else number(row["stadswaarde"], u))
    return (f'<div class="rij" role="img" aria-label="{escape(tip.replace(chr(10), "; "))}" title="{_attr(tip)}">'
            f'<span class="naam">{escape(row_label(row))}</span>{_marks(row)}'
            f'<span class="waarden">{escape(values)}</span></div>')


def spine_notes(sources: Sequence[str], domains: Sequence[str], niveau: str, indeling: int) -> list[str]:
    """The lines printed under the spine chart: sources, the model-estimate note and how rows are scaled."""
    notes = list(sources)
    if "gezondheid" in domains:
        notes.append(MODEL_NOTE)
    notes.append(
        f"Per rij geschaald op de spreiding over alle {niveau_plural(niveau)} van indeling {indeling} in de vier"
        " steden; waar hoger slechter is, is de rij gespiegeld (links is altijd ongunstiger)."
    )
    return notes


def spine_html(
    table: pd.DataFrame,
    *,
    area_name: str,
    city_name: str,
    niveau: str,
    indeling: int,
    sources: Sequence[str],
    notes: bool = True,
    title: bool = True,
) -> str:
    """Spine chart of a profile table (:func:`kbz_data.analysis.profile.profile_table`) as HTML.

    Per indicator one row: the spread over all areas of the same level and division in the four cities as a light
    bar (min to max) with a darker band (25% to 75%) and a white stripe (median), the city's own figure as a black
    open diamond and the area's value as a dot coloured by :data:`MARKER_GROUPS`. Rows are scaled on their own (see
    :func:`scaled`); the values are printed right of each row ("gebied | stad", "onbekend" when missing) and the
    spread is in each row's hover text and accessible name. With ``notes`` the source lines, the model-estimate
    note and the scaling note are printed under the chart (the page prints them in its caption instead); without
    ``title`` the title is only the chart's accessible name (the wijk card has its own heading).
    """
    plural = niveau_plural(niveau)
    domains = [d for d in DOMAIN_ORDER if d in set(table["domein"])]
    domains += [d for d in table["domein"].unique() if d not in domains]
    heading = f"Profiel van {area_name} ten opzichte van {city_name} en de vier steden (indeling {indeling})"
    parts = [f'<div class="kbz-spine" role="group" aria-label="{escape(heading)}">',
             f'<p class="titel">{escape(heading)}</p>' if title else "", _key_html(city_name),
             '<div class="kop" aria-hidden="true"><span class="k-naam">Indicator (eenheid)</span>'
             '<span class="as"><span>← ongunstiger</span><span>gunstiger →</span></span>'
             "<span>gebied | stad</span></div>"]
    for domein in domains:
        parts.append(f'<div class="domein">{escape(str(domein).capitalize())}</div>')
        parts.extend(_spine_row(row, city_name, plural) for _, row in table[table["domein"] == domein].iterrows())
    if notes:
        lines = spine_notes(sources, domains, niveau, indeling)
        parts.append('<div class="noten">' + "".join(f"<p>{escape(n)}</p>" for n in lines) + "</div>")
    parts.append("</div>")
    return _SPINE_CSS + "".join(parts)



# --- Health trend: small multiples as SVG --------------------------------------------------------------------------
#: Size of one trend panel's SVG coordinate system; the browser scales it to the panel's width (the panels wrap in
#: a CSS grid: 3-4 columns on a wide screen, one on a phone, so the text stays 10-15 px).
PANEL_W, PANEL_H = 240.0, 150.0
_PLOT = (46.0, 8.0, 232.0, 126.0)  # left, top, right, bottom of the plot area inside a panel

_TREND_CSS = (
    "<style>"
    ".kbz-trend{font-size:.875rem;color:#31333f;margin:.25rem 0 .75rem}"
    ".kbz-trend .titel{font-weight:600;font-size:1rem;margin:0 0 .4rem}"
    ".kbz-trend .sleutel{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;font-size:.8125rem;margin-bottom:.4rem}"
    ".kbz-trend .sleutel>span{display:inline-flex;align-items:center;gap:.35rem}"
    ".kbz-trend .panelen{display:grid;grid-template-columns:repeat(auto-fill,minmax(13.5rem,1fr));gap:.6rem 1rem}"
    ".kbz-trend .paneel{margin:0;min-width:0}"
    ".kbz-trend .kopje{font-size:.8125rem;font-weight:600;line-height:1.25;min-height:2.1rem}"
    ".kbz-trend .paneel svg{display:block;width:100%;height:auto;overflow:visible}"
    ".kbz-trend .paneel svg text{font-family:inherit;fill:#474a54}"
    ".kbz-trend .punt:hover circle.zicht{r:5}"
    ".kbz-trend .noten{font-size:.75rem;color:#555555;margin-top:.5rem}.kbz-trend .noten p{margin:0 0 .2rem}"
    "</style>"
)


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values (steps of 1, 2, 2,5 or 5 times a power of ten) covering [low, high]."""
    if math.isnan(low) or math.isnan(high):
        return []
    if high - low < 1e-9:
        low, high = low - 1.0, high + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    first = math.floor(low / step + 1e-9) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 10) for t in ticks]


def _decimals(ticks: Sequence[float]) -> int:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return 0 if abs(step - round(step)) < 1e-9 else (1 if abs(step * 10 - round(step * 10)) < 1e-9 else 2)


def _tick_text(value: float, eenheid: str, decimals: int) -> str:
    return fmt_number(value, decimals) + (" %" if eenheid == "%" else "")


@dataclass(frozen=True)
class TrendLine:
    """How one series of a trend panel is drawn: its name (legend, hover, accessible name), colour, stroke width
    and whether it is dashed (a city or median line)."""

    name: str
    color: str
    width: float = 2.0
    dashed: bool = False


def _series(part: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(reeks, name, rows by year) of the area and its city in one indicator's trend rows."""
    found = []
    for reeks in ("gebied", "stad"):
        line = part[part["reeks"] == reeks].sort_values("jaar")
        if not line.empty:
            found.append((reeks, str(line["naam"].iloc[0]), line))
    return found


def _health_line(reeks: str, name: str) -> TrendLine:
    """The area (solid purple) or its city (dashed grey) in the health trend."""
    return TrendLine(name, AREA_LINE_COLOR, 2.5) if reeks == "gebied" else TrendLine(name, CITY_LINE_COLOR, 2.0, True)


#: The fewest SVG units between two year labels of a panel (a label "2016" is about 22 units wide at font size 10).
_YEAR_GAP = 28.0


def year_ticks(years: Sequence[int], units_per_year: float) -> list[int]:
    """The years a panel labels: every year with data when the labels fit, otherwise every 2nd, 5th or 10th year
    (multiples of that step) so that labels stay at least :data:`_YEAR_GAP` units apart."""
    years = sorted(years)
    gaps = [b - a for a, b in zip(years, years[1:], strict=False)]
    if not gaps or min(gaps) * units_per_year >= _YEAR_GAP:
        return years
    step = next((s for s in (2, 5, 10, 20) if s * units_per_year >= _YEAR_GAP), 50)
    return list(range(-(-years[0] // step) * step, years[-1] + 1, step))


def _panel(label: str, eenheid: str, lines: Sequence[tuple[TrendLine, pd.DataFrame]], years: Sequence[int],
           size: tuple[float, float] = (PANEL_W, PANEL_H)) -> str:
    """One indicator's panel: one line per series (rows with jaar and waarde) over the years, y-axis of its own."""
    width, height = size
    left, top, right, bottom = _PLOT[0], _PLOT[1], width - (PANEL_W - _PLOT[2]), height - (PANEL_H - _PLOT[3])
    known = pd.concat([rows["waarde"] for _, rows in lines]).dropna() if lines else pd.Series(dtype=float)
    ticks = nice_ticks(float(known.min()), float(known.max())) if not known.empty else []
    lo, hi = (ticks[0], ticks[-1]) if ticks else (0.0, 1.0)
    x0, x1 = min(years) - 0.5, max(years) + 0.5

    def px(jaar: float) -> float:
        return left + (jaar - x0) / (x1 - x0) * (right - left)

    def py(value: float) -> float:
        return bottom - (value - lo) / ((hi - lo) or 1.0) * (bottom - top)

    dec = _decimals(ticks)
    body = [f'<line x1="{left}" x2="{right}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#e6e6e6"/>'
            f'<text x="{left - 4}" y="{py(t) + 3.5:.1f}" font-size="10" text-anchor="end">'
            f"{escape(_tick_text(t, eenheid, dec))}</text>" for t in ticks]
    body += [f'<text x="{px(j):.1f}" y="{bottom + 15}" font-size="10" text-anchor="middle">{j}</text>'
             for j in year_ticks(years, (right - left) / (x1 - x0))]
    spoken = []
    for style, line in lines:
        dash = ' stroke-dasharray="5 3"' if style.dashed else ""
        points = [(int(j), float(v)) for j, v in zip(line["jaar"], line["waarde"], strict=True) if not pd.isna(v)]
        if len(points) > 1:
            path = " ".join(f"{px(j):.1f},{py(v):.1f}" for j, v in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{style.color}" stroke-width="{style.width}"'
                        f"{dash}/>")
        for j, v in points:
            tip = f"{style.name}, {label}\n{j}: {fmt_value(v, eenheid)}"
            body.append(f'<g class="punt"><title>{_attr(tip)}</title>'
                        f'<circle class="zicht" cx="{px(j):.1f}" cy="{py(v):.1f}" r="3.5" fill="{style.color}"/>'
                        f'<circle cx="{px(j):.1f}" cy="{py(v):.1f}" r="9" fill="transparent"/></g>')
        values = ", ".join(f"{j} {fmt_value(v, eenheid)}" for j, v in points) or UNKNOWN
        spoken.append(f"{style.name}: {values}")
    name = f"{label}. " + "; ".join(spoken)
    return (f'<figure class="paneel" role="img" aria-label="{escape(name)}"><div class="kopje">{escape(label)}</div>'
            f'<svg viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg">{"".join(body)}'
            "</svg></figure>")


def _key_item(style: TrendLine, text: str | None = None) -> str:
    """A legend entry: a short stretch of the line as drawn, then its name (wraps on a narrow screen)."""
    dash = ' stroke-dasharray="5 3"' if style.dashed else ""
    return (f'<span><svg width="26" height="8" aria-hidden="true"><line x1="0" x2="26" y1="4" y2="4" stroke='
            f'"{style.color}" stroke-width="{style.width:g}"{dash}/></svg>{escape(text or style.name)}</span>')


def trend_notes(sources: Sequence[str], bronnen: set[str], indeling: int) -> list[str]:
    """The lines printed under the trend chart: sources, model-estimate note, and the carried-over note."""
    notes = [*sources, MODEL_NOTE + f" Indeling {indeling} in alle jaren."]
    if "rivm_50090NED_omgerekend" in bronnen:
        notes.append("De cijfers 2012-2020 van de Gezondheidsmonitor zijn omgerekend uit indeling 2020 (overlap van"
                     " de kaartvormen); de reeks 2012-2024 is door RIVM zelf op indeling 2024 geschat.")
    return notes


def trend_html(table: pd.DataFrame, *, title: str, sources: Sequence[str], indeling: int = 2020,
               notes: bool = True) -> str:
    """Small multiples of the health trends (:func:`kbz_data.analysis.profile.trend_table`) as HTML with one SVG
    per indicator: 2012-2016-2020 on division 2020, up to 2024 on division 2024 (``indeling``).

    One panel per indicator with the area (solid purple line) and its city (dashed grey line), each y-axis its own
    (round ticks in Dutch notation); each point's hover is its value, each panel's accessible name lists every
    value. The panels wrap (one column on a phone). With ``notes`` the source lines and the model-estimate note are
    printed under the chart (the page prints them in its caption instead).
    """
    indicators = list(dict.fromkeys(table["indicator"]))
    years = sorted({int(j) for j in table["jaar"]}) or [2012, 2016, 2020]
    first = table.drop_duplicates("indicator").set_index("indicator")
    names = {reeks: name for reeks, name, _ in _series(table.drop_duplicates("reeks"))}
    key = [_key_item(_health_line(reeks, names[reeks])) for reeks in ("gebied", "stad") if reeks in names]
    panels = [_panel(str(first.loc[i, "label"]), str(first.loc[i, "eenheid"]),
                     [(_health_line(r, name), line) for r, name, line in _series(table[table["indicator"] == i])],
                     years)
              for i in indicators]
    parts = [f'<div class="kbz-trend" role="group" aria-label="{escape(title)}"><p class="titel">{escape(title)}</p>',
             f'<div class="sleutel">{"".join(key)}</div><div class="panelen">{"".join(panels)}</div>']
    if notes:
        lines = trend_notes(sources, set(table["bron"]), indeling)
        parts.append('<div class="noten">' + "".join(f"<p>{escape(n)}</p>" for n in lines) + "</div>")
    parts.append("</div>")
    return _TREND_CSS + "".join(parts)


# --- Den Haag: ELAN trend of the KBZ wijken ------------------------------------------------------------------------
#: The code of the median line in :func:`kbz_data.analysis.profile.elan_trend_table`.
ELAN_MEDIAN_CODE = "GM0518"
#: Colours of the KBZ wijken's lines (ColorBrewer Dark2-like; the median is dashed grey).
ELAN_PALETTE = ("#6a3d9a", "#1b9e77", "#d95f02", "#e7298a", "#66a61e")
#: A wider panel than the health trend's: 12-14 years per panel, two panels side by side on a wide screen and one
#: under the other on a phone (text 10-16 px).
ELAN_PANEL = (330.0, 170.0)
_ELAN_CSS = (
    "<style>"
    ".kbz-elan .panelen{grid-template-columns:repeat(auto-fit,minmax(min(100%,18rem),1fr));max-width:64rem}"
    ".kbz-elan .sleutel>span{white-space:normal}"
    "</style>"
)


def elan_lines(table: pd.DataFrame, highlight: str = "") -> dict[str, TrendLine]:
    """{code: how its line is drawn} of an ELAN trend table: one colour per KBZ wijk (``highlight``, the wijk of the
    profile, thicker) and the Den Haag median dashed grey, last."""
    lines: dict[str, TrendLine] = {}
    codes = [c for c in dict.fromkeys(table["code"]) if c != ELAN_MEDIAN_CODE]
    for n, code in enumerate(codes):
        first = table[table["code"] == code].iloc[0]
        name = str(first["naam"]) + (f" (KBZ {first['kbz']})" if first["kbz"] else "")
        lines[code] = TrendLine(name, ELAN_PALETTE[n % len(ELAN_PALETTE)], 3.5 if code == highlight else 2.0)
    median = table[table["code"] == ELAN_MEDIAN_CODE]
    if not median.empty:
        lines[ELAN_MEDIAN_CODE] = TrendLine(str(median["naam"].iloc[0]), CITY_LINE_COLOR, 2.0, True)
    return lines


def elan_html(table: pd.DataFrame, *, title: str, sources: Sequence[str], highlight: str = "",
              notes: bool = True) -> str:
    """The Den Haag ELAN trend (:func:`kbz_data.analysis.profile.elan_trend_table`) as HTML with one SVG panel per
    indicator (huisarts costs, low income): one line per KBZ wijk (``highlight``: the wijk of the profile, thicker,
    "deze wijk" in the legend) and the median of all Den Haag wijken (dashed grey), every year of the table on the
    x-axis. The legend is HTML and wraps; each point's hover is its value, each panel's accessible name lists every
    value. With ``notes`` the source lines are printed under the panels."""
    indicators = list(dict.fromkeys(table["indicator"]))
    years = sorted({int(j) for j in table["jaar"]})
    first = table.drop_duplicates("indicator").set_index("indicator")
    lines = elan_lines(table, highlight)
    key = [_key_item(style, style.name + (" – deze wijk" if code == highlight else "")) for code, style in
           lines.items()]
    panels = []
    for ind in indicators:
        part = table[table["indicator"] == ind]
        series = [(style, part[part["code"] == code].sort_values("jaar")) for code, style in lines.items()]
        label = f"{first.loc[ind, 'label']} ({first.loc[ind, 'eenheid']})"
        panels.append(_panel(label, str(first.loc[ind, "eenheid"]), [s for s in series if not s[1].empty], years,
                             ELAN_PANEL))
    parts = [f'<div class="kbz-trend kbz-elan" role="group" aria-label="{escape(title)}">'
             f'<p class="titel">{escape(title)}</p>',
             f'<div class="sleutel">{"".join(key)}</div><div class="panelen">{"".join(panels)}</div>']
    if notes and sources:
        parts.append('<div class="noten">' + "".join(f"<p>{escape(n)}</p>" for n in sources) + "</div>")
    parts.append("</div>")
    return _TREND_CSS + _ELAN_CSS + "".join(parts)


def elan_summary(table: pd.DataFrame) -> str:
    """Text alternative of the ELAN trend (Markdown, for a caption): per indicator the first and last value of each
    line ("Samenvatting: Laag inkomen (ELAN, Den Haag): Wijk 38 ... van 12,8 % (2011) naar 7,9 % (2022); ...")."""
    if table.empty:
        return ""
    lines = elan_lines(table)
    parts = []
    for ind in dict.fromkeys(table["indicator"]):
        part = table[table["indicator"] == ind]
        eenheid = str(part["eenheid"].iloc[0])
        moves = []
        for code, style in lines.items():
            known = part[(part["code"] == code) & part["waarde"].notna()].sort_values("jaar")
            if len(known):
                a, b = known.iloc[0], known.iloc[-1]
                moves.append(f"{escape_markdown(style.name)} van {fmt_value(float(a['waarde']), eenheid)}"
                             f" ({int(a['jaar'])}) naar {fmt_value(float(b['waarde']), eenheid)} ({int(b['jaar'])})")
        parts.append(f"{escape_markdown(str(part['label'].iloc[0]))}: {'; '.join(moves)}")
    return "Samenvatting: " + ". ".join(parts) + "."
