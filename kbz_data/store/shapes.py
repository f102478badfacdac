"""Geometry for display: dissolving areas into their parents, coverage-preserving simplification, and compact
GeoJSON per gemeente, niveau and indeling for the maps.

Neighbouring areas must keep their shared edges at every step, so the map shows neither gaps nor overlaps:
dissolving uses a coverage union, simplification runs on the whole coverage at once in RD New (EPSG:28992,
metres) and the final rounding to a 1e-5 degree grid moves shared vertices identically in both neighbours.
Inputs that are not a valid coverage (overlaps and slits from polygon-by-polygon simplification) are cleaned
first with ``shapely.coverage_clean``.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kbz_data.config import GEMEENTEN, NIVEAUS
from kbz_data.errors import KbzDataError, KbzStoreError
from kbz_data.store.canonical import gemeentecode_of, wijkcode_of

WGS84 = "EPSG:4326"
RD_NEW = "EPSG:28992"

#: Decimal places of the lon/lat coordinates after :func:`simplify_for_display` (1e-5 degree is about
#: 0.7 m east-west and 1.1 m north-south in the Netherlands).
DISPLAY_DECIMALS = 5

#: Default simplification tolerance in metres per niveau for :func:`simplify_for_display` (the
#: Visvalingam-Whyatt tolerance of ``GeoSeries.simplify_coverage``, roughly the square root of the area of the
#: triangles removed). Measured on the real sources: Amsterdam's 518 full-resolution buurten (2024) give
#: 513 KB of GeoJSON unsimplified, 271 KB at 10 m and 215 KB at 20 m; edges still follow streets and canals
#: at 10 m. The 2019 CBS TopoJSON buurten are already generalised (Amsterdam 121 KB at any tolerance <= 40 m).
DISPLAY_TOLERANCE_M: dict[str, float] = {"buurt": 10.0, "wijk": 20.0, "gemeente": 40.0}

#: Default width in metres below which gaps enclosed by an input that is *not* a valid coverage are merged into
#: a neighbour before simplifying (``shapely.coverage_clean``). Files simplified polygon by polygon, such as
#: the geoinzicht-app wijken 2024 (0.0005 degree Douglas-Peucker), have slits up to about 62 m wide between
#: neighbours; real holes in a CBS coverage (enclaves, missing areas) are far wider.
DISPLAY_GAP_WIDTH_M = 75.0

_POLYGON, _MULTIPOLYGON = 3, 6


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Make invalid geometries valid and keep only polygonal parts; None stays None, nothing left -> None."""
    out = np.asarray(geoms, dtype=object).copy()
    present = ~(shapely.is_missing(out) | shapely.is_empty(out))
    out[~present] = None
    invalid = present & ~shapely.is_valid(out)
    if invalid.any():
        out[invalid] = shapely.make_valid(out[invalid], method="structure", keep_collapsed=False)
    kinds = shapely.get_type_id(out)
    for i in np.flatnonzero(present & (kinds != _POLYGON) & (kinds != _MULTIPOLYGON)):
        parts = shapely.get_parts(shapely.get_parts(out[i]))
        polys = [p for p in parts if shapely.get_type_id(p) in (_POLYGON, _MULTIPOLYGON) and not p.is_empty]
        out[i] = shapely.union_all(polys) if polys else None
    out[shapely.is_empty(out)] = None
    return out


def _union(parts: np.ndarray, coverage: bool) -> shapely.Geometry | None:
    """Union of polygons: a coverage union when they form a valid coverage, else a full (overlay) union."""
    parts = parts[~(shapely.is_missing(parts) | shapely.is_empty(parts))]
    if len(parts) == 0:
        return None
    if len(parts) == 1:
        return parts[0]
    if coverage or bool(shapely.coverage_is_valid(parts)):
        merged = shapely.coverage_union_all(parts)
        if merged is not None and merged.is_valid:
            return merged
    return shapely.union_all(parts)


def _clean_coverage_rd(geoms: np.ndarray, crs: object, gap_width_m: float) -> np.ndarray:
    """``shapely.coverage_clean`` in RD New metres; returns geometries in RD New (None stays None)."""
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out = np.full(len(geoms), None, dtype=object)
    rd = gpd.GeoSeries(geoms[present], crs=crs).to_crs(RD_NEW).to_numpy()
    out[present] = shapely.coverage_clean(rd, gap_width=gap_width_m)
    return out


def dissolve(gdf: gpd.GeoDataFrame, by: str, *, gap_width_m: float | None = None) -> gpd.GeoDataFrame:
    """Union the polygons per value of column ``by``.

    Used for 2020-division wijken as the dissolve of their buurten (``by="wijkcode"``) and gemeenten as the
    dissolve of their wijken (``by="gemeentecode"``). When the input forms a valid coverage (no overlaps,
    shared edges with identical vertices, as decoded from a TopoJSON) each group is merged with a coverage
    union, which removes the shared edges exactly and leaves no slivers. Otherwise (polygons simplified one
    by one, such as the geoinzicht wijken 2024) the input is first cleaned as a whole in RD New with
    ``shapely.coverage_clean``: overlaps go to one neighbour and enclosed slits narrower than ``gap_width_m``
    are filled, so the parents get no sliver holes; without a CRS a plain overlay union is used instead.

    Parameters
    ----------
    gdf
        Polygons with a column ``by``; null geometries are ignored.
    by
        Column to group on.
    gap_width_m
        Only for an input that is not a valid coverage: fill enclosed gaps narrower than this many metres
        (default :data:`DISPLAY_GAP_WIDTH_M`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per distinct value of ``by`` (sorted), with column ``by``, every other column whose value is
        the same for all members of every group (e.g. ``gemeentecode`` when dissolving buurten into wijken),
        and ``geometry`` (valid Polygon/MultiPolygon, None when a group has no geometry), in the CRS of
        ``gdf``.

    Raises
    ------
    KbzDataError
        When ``by`` is not a column or holds missing values.
    """
    if by not in gdf.columns or by == gdf.geometry.name:
        raise KbzDataError(f"kan niet samenvoegen op kolom {by!r}: die kolom bestaat niet")
    if gdf[by].isna().any():
        raise KbzDataError(f"kan niet samenvoegen op kolom {by!r}: {int(gdf[by].isna().sum())} lege waarde(n)")
    gap_width_m = DISPLAY_GAP_WIDTH_M if gap_width_m is None else gap_width_m
    geometry_name = gdf.geometry.name
    geoms = _polygonal(gdf.geometry.to_numpy())
    present = ~shapely.is_missing(geoms)
    valid_coverage = bool(shapely.coverage_is_valid(geoms[present])) if present.any() else True
    cleaned = not valid_coverage and gdf.crs is not None
    if cleaned:
        geoms = _clean_coverage_rd(geoms, gdf.crs, gap_width_m)
    keys = gdf[by].to_numpy()
    groups = pd.Series(np.arange(len(gdf))).groupby(keys, sort=True).indices
    merged = np.array([_union(geoms[idx], coverage=cleaned or valid_coverage) for idx in groups.values()],
                      dtype=object)  # fmt: skip
    if cleaned:
        merged = gpd.GeoSeries(merged, crs=RD_NEW).to_crs(gdf.crs).to_numpy()

    others = [c for c in gdf.columns if c not in (by, geometry_name)]
    nunique = gdf[others].groupby(keys, sort=True).nunique(dropna=False) if others else pd.DataFrame()
    constant = [c for c in others if (nunique[c] <= 1).all()]
    attributes = gdf[[by, *constant]].groupby(keys, sort=True).first().reset_index(drop=True)
    return gpd.GeoDataFrame(attributes, geometry=_polygonal(merged), crs=gdf.crs)


def simplify_for_display(
    gdf: gpd.GeoDataFrame, tolerance_m: float, *, gap_width_m: float = DISPLAY_GAP_WIDTH_M
) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage for web maps, keeping shared edges between neighbours.

    Steps: project to RD New (EPSG:28992), ``GeoSeries.simplify_coverage(tolerance_m)`` over all rows at once
    (Visvalingam-Whyatt on the shared edges, so neighbours keep identical borders and no gaps or overlaps
    appear), back to EPSG:4326, round coordinates to :data:`DISPLAY_DECIMALS` decimals, drop repeated points,
    make valid again and orient rings as RFC 7946 asks (exterior counter-clockwise). An input that is not a
    valid coverage (overlaps or unmatched edges, e.g. polygons simplified one by one) is first cleaned with
    ``shapely.coverage_clean``: overlaps go to one neighbour, enclosed gaps narrower than ``gap_width_m`` are
    filled. A valid coverage is left as it is (its holes are real).

    Parameters
    ----------
    gdf
        Polygons with a CRS, one niveau and indeling at a time (mixing niveaus makes overlapping polygons).
        Null geometries stay null.
    tolerance_m
        Simplification tolerance in metres (>= 0); see :data:`DISPLAY_TOLERANCE_M` for defaults per niveau.
    gap_width_m
        Only for an input that is not a valid coverage: fill enclosed gaps narrower than this (metres).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``gdf`` in EPSG:4326 with simplified geometry; other columns unchanged.

    Raises
    ------
    KbzDataError
        When ``gdf`` has no CRS, ``tolerance_m`` is negative, or a geometry is not polygonal.
    """
    if gdf.crs is None:
        raise KbzDataError("kan geometrie niet vereenvoudigen: het coördinatenstelsel (CRS) ontbreekt")
    if not np.isfinite(tolerance_m) or tolerance_m < 0:
        raise KbzDataError(f"ongeldige vereenvoudigingstolerantie {tolerance_m!r} m; verwacht een getal >= 0")
    if not np.isfinite(gap_width_m) or gap_width_m < 0:
        raise KbzDataError(f"ongeldige gatbreedte {gap_width_m!r} m; verwacht een getal >= 0")
    geoms = gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    kinds = shapely.get_type_id(geoms)
    not_polygonal = present & (kinds != _POLYGON) & (kinds != _MULTIPOLYGON)
    if not_polygonal.any():
        raise KbzDataError(
            f"kan geometrie niet vereenvoudigen: {int(not_polygonal.sum())} geometrie(ën) zijn geen "
            f"(Multi)Polygon, bijv. {geoms[not_polygonal][0].geom_type}"
        )
    result = np.full(len(gdf), None, dtype=object)
    if present.any():
        rd = gpd.GeoSeries(_polygonal(geoms[present]), crs=gdf.crs).to_crs(RD_NEW)
        rd_geoms = rd.to_numpy()
        if not bool(shapely.coverage_is_valid(rd_geoms)):
            rd_geoms = shapely.coverage_clean(rd_geoms, gap_width=gap_width_m)
        simplified = gpd.GeoSeries(rd_geoms, crs=RD_NEW)
        if tolerance_m > 0:
            simplified = simplified.simplify_coverage(tolerance_m)
        lonlat = simplified.to_crs(WGS84).to_numpy()
        rounded = shapely.transform(lonlat, lambda xy: np.round(xy, DISPLAY_DECIMALS))
        rounded = shapely.remove_repeated_points(rounded)
        result[present] = shapely.orient_polygons(_polygonal(rounded), exterior_cw=False)
    name = gdf.geometry.name
    out = gpd.GeoDataFrame(
        gdf.drop(columns=name), geometry=gpd.GeoSeries(result, index=gdf.index, crs=WGS84, name=name), crs=WGS84
    )
    return out[list(gdf.columns)]


def geojson_for(
    gebieden: gpd.GeoDataFrame, gemeentecode: str | None, niveau: str, indeling: int, *, exterior_cw: bool = False
) -> dict[str, object]:
    """Compact GeoJSON FeatureCollection of one gemeente (or all four), niveau and indeling for a map.

    Parameters
    ----------
    gebieden
        The store's ``gebieden`` table (columns ``code``, ``niveau``, ``gemeentecode``, ``indeling``,
        ``geometry``; display-simplified, EPSG:4326). Rows with null or empty geometry are skipped.
    gemeentecode
        ``GM0363``, ``GM0518``, ``GM0599`` or ``GM0344``; None for all four.
    niveau
        ``gemeente``, ``wijk`` or ``buurt``.
    indeling
        Year of the CBS division (e.g. 2020 or 2024); the map must use the division of its figures.
    exterior_cw
        Wind exterior rings clockwise (holes counter-clockwise), as d3-geo and so plotly's SVG ``geo`` maps
        expect: d3 reads a counter-clockwise ring on the sphere as everything outside it. Default: RFC 7946
        order (exterior counter-clockwise), as stored.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``; each feature has ``id`` = code, ``properties``
        ``{"code": code}`` and nothing else (values travel as plotly ``locations``/``color``). Coordinates
        are WGS84 lon/lat. Empty ``features`` when the rows exist but none has geometry.

    Raises
    ------
    KbzDataError
        Unknown niveau or gemeentecode, or ``gebieden`` lacks a required column.
    KbzStoreError
        When the store has no rows for this niveau and indeling, or none for this gemeente.
    """
    if niveau not in NIVEAUS:
        raise KbzDataError(f"onbekend niveau {niveau!r}; kies uit {', '.join(NIVEAUS)}")
    if gemeentecode is not None and gemeentecode not in GEMEENTEN:
        raise KbzDataError(
            f"onbekende gemeentecode {gemeentecode!r}; kies uit {', '.join(GEMEENTEN)} of None (alle vier)"
        )
    missing = [c for c in ("code", "niveau", "gemeentecode", "indeling") if c not in gebieden.columns]
    if missing or not isinstance(gebieden, gpd.GeoDataFrame):
        raise KbzDataError(f"gebieden-tabel mist kolom(men) {missing or ['geometry']}")
    rows = gebieden[(gebieden["niveau"] == niveau) & (gebieden["indeling"] == indeling)]
    if rows.empty:
        available = sorted(int(i) for i in gebieden.loc[gebieden["niveau"] == niveau, "indeling"].dropna().unique())
        hint = f"; wel indeling {', '.join(map(str, available))}" if available else ""
        raise KbzStoreError(f"geen gebieden op niveau {niveau!r} voor indeling {indeling} in de store{hint}")
    if gemeentecode is not None:
        rows = rows[rows["gemeentecode"] == gemeentecode]
        if rows.empty:
            raise KbzStoreError(
                f"geen gebieden op niveau {niveau!r} voor indeling {indeling} in gemeente "
                f"{GEMEENTEN[gemeentecode]} ({gemeentecode}) in de store"
            )
    if rows.crs is not None and not rows.crs.equals(gpd.GeoSeries([], crs=WGS84).crs):
        rows = rows.to_crs(WGS84)
    geoms = rows.geometry.to_numpy()
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    codes = rows["code"].astype(str).to_numpy()[keep]
    geoms = geoms[keep]
    if exterior_cw:
        geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    texts = shapely.to_geojson(geoms)
    features = [
        {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": json.loads(text)}
        for code, text in zip(codes, texts, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def merge_layers(
    raw: list[tuple[int, str, str, gpd.GeoDataFrame]],
) -> dict[tuple[int, str], gpd.GeoDataFrame]:
    """Raw geometry per (indeling, niveau): ``code``, ``geometriebron``, ``geometry``; first layer wins per code.

    ``raw`` holds (indeling, niveau, source id, GeoDataFrame with ``code`` and ``geometry``) in reading order.

    A layer without a ``geometriebron`` column gets its source id; parents absent from the sources are the
    dissolve of their children (wijken from buurten, gemeenten from wijken).
    """
    layers: dict[tuple[int, str], gpd.GeoDataFrame] = {}
    for indeling, niveau, bron, gdf in raw:
        key = (indeling, niveau)
        part = gdf[["code", "geometry"]].assign(
            geometriebron=gdf["geometriebron"].to_numpy() if "geometriebron" in gdf.columns else bron
        )[["code", "geometriebron", "geometry"]]
        if key in layers:
            # Merge layers of the same division and level (e.g. PDOK buurten and Amsterdam buurten): first wins.
            existing = layers[key]
            extra = part[~part["code"].isin(existing["code"])].to_crs(existing.crs)
            layers[key] = pd.concat([existing, extra], ignore_index=True)
        else:
            layers[key] = part.copy()
    for indeling in sorted({k[0] for k in layers}):
        if (indeling, "buurt") in layers and (indeling, "wijk") not in layers:
            buurten = layers[(indeling, "buurt")].assign(wijkcode=lambda d: d["code"].map(wijkcode_of))
            wijken = dissolve(buurten[["wijkcode", "geometry"]], "wijkcode").rename(columns={"wijkcode": "code"})
            bron = str(buurten["geometriebron"].iloc[0])
            layers[(indeling, "wijk")] = wijken.assign(geometriebron=bron)[["code", "geometriebron", "geometry"]]
        if (indeling, "wijk") in layers and (indeling, "gemeente") not in layers:
            wijken = layers[(indeling, "wijk")].assign(gemeentecode=lambda d: d["code"].map(gemeentecode_of))
            gemeenten = dissolve(wijken[["gemeentecode", "geometry"]], "gemeentecode").rename(
                columns={"gemeentecode": "code"}
            )
            bron = str(wijken["geometriebron"].iloc[0])
            layers[(indeling, "gemeente")] = gemeenten.assign(geometriebron=bron)[["code", "geometriebron", "geometry"]]
    return layers
