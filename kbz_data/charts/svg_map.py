"""A finished choropleth figure (:func:`kbz_data.charts.maps.map_figure`) as plain SVG (no Streamlit, no plotly.js).

Why: any page with a plotly chart makes the browser load and compile Streamlit's 4,7 MB plotly chunk; the four city
maps took the Kaart to 1,9 times the time of a text page and every indicator change to more than a second
(benchmarks/bench_browser.py). The same figure drawn as SVG paths on the server costs the browser almost nothing.

The figure stays the one description of a map (colours, classes, hover texts, KBZ outline): this module only
projects its GeoJSON (Web Mercator, the view of the figure's longitude/latitude ranges) and copies each trace's fill
colour and hover text. :class:`SvgMap` is what the page's map component (``kbz_data.ui.panels``) draws.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from html import escape

import plotly.colors as pc

#: Width of every map's SVG coordinate system; the height follows the area's shape. The browser scales the SVG
#: to its column, so this only sets the precision of the paths (one decimal: 2-3 m on a city map).
WIDTH = 1000.0
_FIELD = re.compile(r"%\{customdata\[(\d+)\]\}")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class SvgMap:
    """One map: the SVG markup, the hover text of each area (``data-t`` index of a path) and its title."""

    svg: str
    tips: tuple[str, ...]
    title: str
    codes: tuple[str, ...]  # every area code with a path (areas that can be clicked)
    ident: str = ""  # a fingerprint of svg and tips: the browser redraws a map only when it changed

    def payload(self) -> dict:
        """The JSON the browser component receives."""
        return {"svg": self.svg, "tips": list(self.tips), "title": self.title, "id": self.ident}


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _hover_text(template: str, row) -> str:
    """A plotly hover template filled with one customdata row, as plain text lines (``<br>`` = new line)."""
    text = _FIELD.sub(lambda m: str(row[int(m.group(1))]) if int(m.group(1)) < len(row) else "", template)
    text = text.replace("<extra></extra>", "").replace("<br>", "\n")
    return _TAG.sub("", text).strip()


def _fills(trace, count: int) -> list[str]:
    """The fill colour of each location of a choropleth trace (a one-colour class trace or a continuous scale)."""
    scale = [list(step) for step in (trace.colorscale or [[0, "rgb(175,175,175)"], [1, "rgb(175,175,175)"]])]
    first, last = scale[0][1], scale[-1][1]
    if first == last and len(scale) == 2:
        return [first] * count
    z = [float(v) for v in (trace.z if trace.z is not None else [])]
    low = float(trace.zmin if trace.zmin is not None else min(z, default=0.0))
    high = float(trace.zmax if trace.zmax is not None else max(z, default=1.0))
    span = high - low or 1.0
    points = [min(1.0, max(0.0, (v - low) / span)) for v in z]
    return pc.sample_colorscale(scale, points) if points else []


class _Projection:
    """Longitude/latitude ranges of a geo subplot -> SVG coordinates (y down)."""

    def __init__(self, lon_range: list[float], lat_range: list[float]) -> None:
        self.x0, self.y1 = _mercator(lon_range[0], lat_range[1])
        x1, y0 = _mercator(lon_range[1], lat_range[0])
        self.scale = WIDTH / max(x1 - self.x0, 1e-12)
        self.height = round((self.y1 - y0) * self.scale, 1)

    def path(self, geometry: dict) -> str:
        """SVG path data of a (Multi)Polygon (rings closed; points that round to the previous one dropped)."""
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        parts = []
        for polygon in polygons:
            for ring in polygon:
                points, last = [], None
                for lon, lat, *_ in ring:
                    x, y = _mercator(lon, lat)
                    point = f"{(x - self.x0) * self.scale:.1f},{(self.y1 - y) * self.scale:.1f}"
                    if point != last:
                        points.append(point)
                        last = point
                if len(points) >= 3:
                    parts.append("M" + "L".join(points) + "Z")
        return "".join(parts)


def figure_svg(figure, label: str = "") -> SvgMap:
    """The choropleth ``figure`` (plotly geo, :func:`kbz_data.charts.maps.map_figure`) as an :class:`SvgMap`.

    Areas are drawn in trace order (classes, unknown, non-residential); a trace with ``hoverinfo="skip"`` and a
    transparent fill (the KBZ outline) is drawn last as outlines only. ``label`` is the SVG's accessible name.
    """
    geo = figure.layout.geo
    projection = _Projection(list(geo.lonaxis.range), list(geo.lataxis.range))
    areas, outlines, tips, codes = [], [], [], []
    for trace in figure.data:
        features = {f["id"]: f for f in trace.geojson["features"]}
        locations = [str(c) for c in (trace.locations if trace.locations is not None else [])]
        outline = trace.hoverinfo == "skip"
        fills = _fills(trace, len(locations))
        custom = trace.customdata
        template = trace.hovertemplate or ""
        for i, code in enumerate(locations):
            feature = features.get(code)
            if feature is None:
                continue
            d = projection.path(feature["geometry"])
            if outline:
                outlines.append(f'<path d="{d}"/>')
                continue
            tip = _hover_text(template, custom[i]) if custom is not None and template else code
            areas.append(f'<path d="{d}" fill="{fills[i]}" data-c="{escape(code)}" data-t="{len(tips)}"/>')
            tips.append(tip)
            codes.append(code)
    height = projection.height
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height}" role="img"'
           f' aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">'
           f'<g class="a">{"".join(areas)}</g><g class="k">{"".join(outlines)}</g></svg>')
    title = str(figure.layout.title.text or "")
    ident = hashlib.blake2b(svg.encode() + "\n".join(tips).encode(), digest_size=8).hexdigest()
    return SvgMap(svg, tuple(tips), title, tuple(codes), ident)
