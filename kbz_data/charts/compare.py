"""The comparison chart of the Vergelijken page as server-made HTML (no plotly.js): each chosen area's position among
all areas of the four cities, one row per indicator.

Why HTML: the plotly dot chart gave its y-axis labels two thirds of a phone's width (a plot of ~70 px), cut the
longest label and the axis title, and put its toolbar over the legend. Here every row is a CSS grid (label, scale)
that puts the label above its scale on a narrow screen (as the Wijkprofiel's spine chart, :mod:`profile_svg`); the
legend is wrapping text. Each mark's hover (``title``) has the area, value and rank; each row is one ``role="img"``
whose accessible name lists every area's value and rank. Numbers are Dutch through :mod:`kbz_data.text`.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from kbz_data.analysis.compare import area_title
from kbz_data.text import UNKNOWN, fmt_number, fmt_value

PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
#: Mark shapes (CSS clip-path polygons; "" = a circle), one per area in the order chosen, so colour is not the only
#: difference between areas.
SHAPES: tuple[tuple[str, str], ...] = (
    ("cirkel", ""),
    ("ruit", "polygon(50% 0,100% 50%,50% 100%,0 50%)"),
    ("vierkant", "polygon(8% 8%,92% 8%,92% 92%,8% 92%)"),
    ("driehoek", "polygon(50% 0,100% 92%,0 92%)"),
    ("kruis", "polygon(0 15%,15% 0,50% 35%,85% 0,100% 15%,65% 50%,100% 85%,85% 100%,50% 65%,15% 100%,0 85%,"
              "35% 50%)"),
    ("ster", "polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%)"),
    ("plus", "polygon(35% 0,65% 0,65% 35%,100% 35%,100% 65%,65% 65%,65% 100%,35% 100%,35% 65%,0 65%,0 35%,"
             "35% 35%)"),
    ("zeshoek", "polygon(25% 3%,75% 3%,100% 50%,75% 97%,25% 97%,0 50%)"),
)
AXIS_TITLE = "Positie onder alle gebieden van de vier steden (0 = gunstigst, 100 = ongunstigst; neutraal: 100 = hoogst)"
#: Vertical offset (px) between the marks of successive areas in a row, so equal positions stay visible.
_STEP_PX = 4

_CSS = (
    "<style>"
    ".kbz-dots{max-width:64rem;font-size:.875rem;color:#31333f;margin:.25rem 0 .75rem}"
    ".kbz-dots .sleutel{display:flex;flex-wrap:wrap;gap:.25rem 1.1rem;font-size:.8125rem;margin-bottom:.5rem}"
    ".kbz-dots .sleutel>span{display:inline-flex;align-items:center;gap:.35rem;min-width:0}"
    ".kbz-dots .rij,.kbz-dots .kop{display:grid;grid-template-columns:minmax(0,20rem) minmax(8rem,1fr);"
    "gap:0 .75rem;align-items:center;min-height:1.6rem}"
    ".kbz-dots .rij:hover{background:#f3f3f6}"
    ".kbz-dots .kop{font-size:.8125rem;color:#474a54;border-bottom:1px solid #d5d6db;padding-bottom:.15rem}"
    ".kbz-dots .domein{font-weight:600;font-size:.9375rem;margin:.7rem 0 .1rem}"
    ".kbz-dots .naam{overflow-wrap:anywhere;line-height:1.25}"
    ".kbz-dots .baan{padding:0 9px}"
    ".kbz-dots .schaal{position:relative;display:block;height:1.5rem}"
    ".kbz-dots .kop .schaal{height:1.1rem}"
    ".kbz-dots .schaal>span{position:absolute;top:50%}"
    ".kbz-dots .lijn{top:0!important;bottom:0;width:1px;background:#e6e6e6}"
    ".kbz-dots .lijn.midden{border-left:1px dashed #8a8a8a;background:none}"
    ".kbz-dots .tik{transform:translate(-50%,-50%);white-space:nowrap;font-variant-numeric:tabular-nums}"
    ".kbz-dots .tik.begin{transform:translate(-9px,-50%)}.kbz-dots .tik.eind{transform:translate(calc(-100% + 9px),"
    "-50%)}"
    ".kbz-dots .stip{width:12px;height:12px}"
    ".kbz-dots .sym{display:inline-block;flex:none;width:12px;height:12px}"
    ".kbz-dots .astitel{font-size:.8125rem;color:#474a54;margin:0 0 .2rem}"
    "@media (max-width:640px){.kbz-dots .rij,.kbz-dots .kop{grid-template-columns:minmax(0,1fr);padding:.15rem 0}"
    ".kbz-dots .rij{border-top:1px solid #ececf0}.kbz-dots .kop .k-naam{display:none}}"
    "</style>"
)


def _shape_style(n: int) -> str:
    """Colour and shape of the marks of the n-th area chosen."""
    clip = SHAPES[n % len(SHAPES)][1]
    return f"background:{PALETTE[n % len(PALETTE)]};" + (f"clip-path:{clip}" if clip else "border-radius:50%")


def _rank_text(rang: object, aantal: object) -> str:
    return f"rang {fmt_number(int(rang))} van {fmt_number(int(aantal))}" if not pd.isna(rang) else "neutraal, geen rang"


def _scale_lines() -> str:
    return "".join(f'<span class="lijn{" midden" if p == 50 else ""}" style="left:{p}%"></span>'
                   for p in (0, 25, 50, 75, 100))


def comparison_html(rows: pd.DataFrame) -> str:
    """Dot chart of :func:`kbz_data.analysis.compare.comparison` rows: per indicator (grouped by domain, as the
    rows come) each chosen area's position among all areas of the four cities (0 = most favourable, 100 = most
    unfavourable; neutral indicators: 100 = highest), one colour and shape per area, a dashed line at 50."""
    codes = list(dict.fromkeys(rows["code"]))
    names = {}
    for code in codes:
        first = rows[rows["code"] == code].iloc[0]
        names[code] = area_title(str(first["naam"]), code, str(first["gemeente"]))
    offsets = {code: (n - (len(codes) - 1) / 2) * _STEP_PX for n, code in enumerate(codes)}
    key = "".join(f'<span><span class="sym" style="{_shape_style(n)}"></span>{escape(names[c])}</span>'
                  for n, c in enumerate(codes))
    ticks = "".join(f'<span class="tik{" begin" if p == 0 else " eind" if p == 100 else ""}" style="left:{p}%">'
                    f"{p}</span>" for p in (0, 25, 50, 75, 100))
    parts = [_CSS, f'<div class="kbz-dots" role="group" aria-label="{escape(AXIS_TITLE)}">',
             f'<div class="sleutel" aria-hidden="true">{key}</div>', f'<p class="astitel">{escape(AXIS_TITLE)}</p>',
             '<div class="kop" aria-hidden="true"><span class="k-naam">Indicator (eenheid)</span>'
             f'<span class="baan"><span class="schaal">{ticks}</span></span></div>']
    domain = None
    for indicator in dict.fromkeys(rows["indicator"]):
        part = rows[rows["indicator"] == indicator]
        first = part.iloc[0]
        if first["domein"] != domain:
            domain = first["domein"]
            if pd.notna(domain):
                parts.append(f'<div class="domein">{escape(str(domain).capitalize())}</div>')
        label = f"{first['label']} ({first['eenheid']})"
        marks, spoken = [], []
        for n, code in enumerate(codes):
            row = part[part["code"] == code]
            if row.empty:
                continue
            r = row.iloc[0]
            value = fmt_value(r["waarde"], str(r["eenheid"]))
            if pd.isna(r["positie"]):
                spoken.append(f"{names[code]}: {value}")
                continue
            rank = _rank_text(r["rang"], r["aantal"])
            spoken.append(f"{names[code]}: {value}, {rank}, positie {fmt_number(float(r['positie']), 0)}")
            tip = f"{names[code]}\n{label}: {value}\n{rank[0].upper()}{rank[1:]}"
            marks.append(f'<span class="stip" title="{escape(tip).replace(chr(10), "&#10;")}" style="left:'
                         f'{float(r["positie"]):.1f}%;transform:translate(-50%,calc(-50% + {offsets[code]:g}px));'
                         f'{_shape_style(n)}"></span>')
        name = f"{label}: " + ("; ".join(spoken) if spoken else UNKNOWN)
        parts.append(f'<div class="rij" role="img" aria-label="{escape(name)}">'
                     f'<span class="naam">{escape(label)}</span>'
                     f'<span class="baan"><span class="schaal">{_scale_lines()}{"".join(marks)}</span></span></div>')
    parts.append('<div class="kop" aria-hidden="true"><span class="k-naam"></span>'
                 f'<span class="baan"><span class="schaal">{ticks}</span></span></div>')
    parts.append("</div>")
    return "".join(parts)
