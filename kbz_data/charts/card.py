"""Figures of the printable wijk card (kbz_data.wijkkaart): the area on a small map as inline SVG.

The small map is drawn as plain SVG from the store's geometry (no map tiles, no WebGL, no plotly.js): it prints
sharp, needs no network and no browser to compute. The area is dark blue, the other areas of the same level in
its gemeente light grey, water areas lighter still.
"""

from __future__ import annotations

import math
from html import escape

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

AREA_FILL = "#08519c"
OTHER_FILL = "#d9d9d9"
WATER_FILL = "#eef3f8"
EDGE = "#ffffff"


def _rings(geometry: BaseGeometry):
    """Exterior and interior rings of a (Multi)Polygon, as coordinate sequences."""
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        yield polygon.exterior.coords
        for interior in polygon.interiors:
            yield interior.coords


def _path(geometry: BaseGeometry, project) -> str:
    parts = []
    for ring in _rings(geometry):
        points = [project(x, y) for x, y, *_ in ring]
        parts.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in points) + "Z")
    return "".join(parts)


def area_map_svg(areas: gpd.GeoDataFrame, code: str, *, width: int = 300, height: int = 240,
                 title: str = "") -> str:
    """Inline SVG of ``areas`` (EPSG:4326; columns ``code``, ``water``, ``geometry``) with ``code`` highlighted.

    The view is fitted on all areas given (the gemeente), with the longitude scaled by cos(latitude) so shapes
    keep their proportions. ``title`` becomes the SVG's accessible name (``role="img"``, ``<title>``). Returns ""
    when no area has a geometry.
    """
    shapes = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    if shapes.empty:
        return ""
    min_x, min_y, max_x, max_y = shapes.total_bounds
    stretch = math.cos(math.radians((min_y + max_y) / 2))
    span_x = max((max_x - min_x) * stretch, 1e-9)
    span_y = max(max_y - min_y, 1e-9)
    pad = 4
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def project(x: float, y: float) -> tuple[float, float]:
        return off_x + (x - min_x) * stretch * scale, off_y + (max_y - y) * scale

    body = []
    own = shapes["code"] == code
    for row, highlighted in zip(shapes.itertuples(), own, strict=True):
        if highlighted:
            continue
        fill = WATER_FILL if bool(row.water) else OTHER_FILL
        body.append(f'<path d="{_path(row.geometry, project)}" fill="{fill}" stroke="{EDGE}" stroke-width="0.6"'
                    ' fill-rule="evenodd"/>')
    for row in shapes[own].itertuples():
        body.append(f'<path d="{_path(row.geometry, project)}" fill="{AREA_FILL}" stroke="#000000"'
                    ' stroke-width="1" fill-rule="evenodd"/>')
    label = escape(title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{width}"'
            f' height="{height}" viewBox="0 0 {width} {height}"><title>{label}</title>{"".join(body)}</svg>')
