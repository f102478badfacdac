"""Small grouped bar charts as plain HTML (no plotly.js in the browser): horizontal bars per group, each bar with
its value written next to it.

Used where a small bar chart is among the first things on a page (Budgetverdeling, per city): a plotly chart would
make the browser load plotly.js (4,7 MB) before the page is usable. Plain HTML reflows on a phone with the page's
own font size (an SVG chart scales its text down with its width). The chart is one ``role="img"`` with its values
in its accessible name; each bar has a ``title`` (hover).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Series:
    """One series: its name, colour, a value per group (None = unknown) and the text shown for each value."""

    name: str
    colour: str
    values: Sequence[float | None]
    texts: Sequence[str]


_STYLE = (
    "<style>.kbz-bars{display:grid;grid-template-columns:minmax(6rem,max-content) minmax(8rem,1fr);gap:.15rem .75rem;"
    "align-items:center;margin:.25rem 0 .5rem;max-width:46rem}"
    ".kbz-bars .groep{grid-column:1/-1;font-weight:600;margin-top:.5rem}"
    ".kbz-bars .naam{font-size:.875rem;color:#474a54}"
    ".kbz-bars .rij{display:flex;align-items:center;gap:.5rem;min-width:0}"
    ".kbz-bars .balk{height:1rem;border-radius:2px;flex:none}"
    ".kbz-bars .waarde{font-size:.875rem;white-space:nowrap}"
    "@media (max-width:640px){.kbz-bars{grid-template-columns:minmax(0,1fr)}.kbz-bars .rij{margin-bottom:.3rem}}"
    "</style>"
)


def grouped_bars_html(groups: Sequence[str], series: Sequence[Series], *, label: str) -> str:
    """HTML of horizontal bars: per group a heading, then one bar per series (name, bar, value text).

    Bars are scaled to the largest value (the longest bar takes 75 % of the row, leaving room for its text); a
    negative or unknown value draws no bar. ``label`` is the chart's accessible name.
    """
    known = [v for s in series for v in s.values if v is not None and not math.isnan(v)]
    top = max(known, default=0.0)
    rows = []
    for g, group in enumerate(groups):
        rows.append(f'<div class="groep">{escape(group)}</div>')
        for s in series:
            value = s.values[g]
            share = 0.0 if value is None or math.isnan(value) or top <= 0 else max(value, 0.0) / top
            tip = escape(f"{group}, {s.name}: {s.texts[g]}")
            rows.append(f'<div class="naam">{escape(s.name)}</div><div class="rij" title="{tip}">'
                        f'<span class="balk" style="width:{75 * share:.1f}%;background:{escape(s.colour)}"></span>'
                        f'<span class="waarde">{escape(s.texts[g])}</span></div>')
    return f'{_STYLE}<div class="kbz-bars" role="img" aria-label="{escape(label)}">{"".join(rows)}</div>'
