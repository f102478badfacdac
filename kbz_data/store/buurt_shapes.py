"""Shapes for 2024 buurten that have none in the sources, reused from the 2020 division where that is safe.

The staged sources hold 2024 buurt polygons only for Amsterdam (the gemeente's own buurten). For Den Haag,
Rotterdam and Utrecht the 2024 buurten are known from the KWB 2024 tables (codes, names, CBS's
division-change code) and the 2024 *wijken* have polygons. A 2020-division buurt shape (CBS TopoJSON 2019 =
2020 for the G4) is reused for a 2024 buurt when all of these hold:

1. the same code exists in the 2020 division;
2. the name is unchanged, where a 2020 name is known (the TopoJSON and the RIVM table carry none, so with the
   staged sources this check is skipped; pass ``earlier_names`` when a 2020 name list is available);
3. CBS does not report a division change for the buurt (KWB 2024 "Indelingswijziging" is 1); this catches
   boundaries moved *between* buurten of one wijk, which the wijk outline cannot show (it only covers the
   change since the previous year's division);
4. the 2020 shapes of the wijk's 2024 buurten still tile the 2024 wijk polygon: their symmetric difference
   with it, after removing strips narrower than ``2 x opening_m`` (generalisation noise), is below
   ``tolerance`` of the wijk's area.

A buurt that fails a check but is the only buurt of its 2024 wijk gets the wijk's polygon instead (same
boundary by definition, :data:`GEOMETRIEBRON_WIJK`); the 2020 shape is preferred when it passes, because its
edges are shared with the neighbouring buurten of the same file.

Tolerances, measured on the staged files (2019 TopoJSON on a 7.5 m grid against the geoinzicht 2024 wijken,
simplified with 0.0005 degrees = 35-55 m), 75 wijken of Den Haag, Rotterdam and Utrecht: the raw symmetric
difference is 1-16 % (quartiles 2.4 / 3.4 / 5.7 %) even for wijken without any change, so it cannot separate
changes from noise. After an opening of 30 m with mitred corners (strips under 60 m wide dropped, i.e. the
simplification tolerance) the quartiles are 0.3 / 1.1 / 2.3 %, 90 % of wijken stay at or under 5 %, and the
wijken with a real change stand out (WK059925 Rivium 77 %, WK059904 Overschie 9 %, both with CBS-reported
changes). :data:`TILING_TOLERANCE` is 5 %: it fails 9 wijken, 5 of them single-buurt wijken that get the
2024 wijk polygon anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kbz_data.errors import KbzDataError
from kbz_data.text import fmt_number

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
GEOMETRIEBRON = "buurtvorm indeling 2020, gecontroleerd tegen wijk 2024"
#: A 2024 wijk with a single buurt has that buurt's boundary: its polygon is the buurt's shape.
GEOMETRIEBRON_WIJK = "wijkvorm indeling 2024 (wijk met één buurt)"
#: Strips of a symmetric difference narrower than twice this (m) are generalisation noise.
OPENING_M = 30.0
#: Largest opened symmetric difference (share of the wijk area) for which a wijk's buurten still tile it.
TILING_TOLERANCE = 0.05
#: CBS division-change code for "unchanged".
UNCHANGED_CODE = "1"

REPORT_COLUMNS: list[str] = ["code", "naam", "wijkcode", "gemeentecode", "vorm", "reden"]
WIJK_COLUMNS: list[str] = [
    "wijkcode", "gemeentecode", "n_buurten", "oppervlak_m2", "verschil_ruw", "verschil", "alleen_wijk",
    "alleen_buurten", "past",
]


@dataclass(frozen=True)
class BuurtShapes:
    """Result of :func:`reuse_earlier_shapes`.

    Attributes
    ----------
    shapes
        GeoDataFrame (EPSG:4326) of the buurten that got a shape: ``code``, ``wijkcode``, ``gemeentecode``,
        ``geometriebron`` (:data:`GEOMETRIEBRON` or :data:`GEOMETRIEBRON_WIJK`), ``geometry``.
    report
        One row per 2024 buurt: ``code``, ``naam``, ``wijkcode``, ``gemeentecode``, ``vorm`` (bool), ``reden``
        (Dutch, why it stays without a shape; empty when it got one).
    wijken
        One row per 2024 wijk checked: ``n_buurten``, ``oppervlak_m2``, ``verschil_ruw`` (symmetric difference
        / wijk area), ``verschil`` (the same after the opening), ``alleen_wijk`` / ``alleen_buurten`` (opened
        area only in the wijk / only in the buurten, share of the wijk), ``past`` (``verschil`` <= tolerance).
    """

    shapes: gpd.GeoDataFrame
    report: pd.DataFrame
    wijken: pd.DataFrame


def _opened_area(geom: shapely.Geometry, radius: float) -> float:
    """Area of ``geom`` after an opening (erosion then dilation) by ``radius``: thin strips vanish."""
    if geom is None or geom.is_empty:
        return 0.0
    eroded = shapely.buffer(geom, -radius, join_style="mitre")
    return float(shapely.buffer(eroded, radius, join_style="mitre").area)


def _check_wijk(
    wijk: shapely.Geometry, parts: list[shapely.Geometry], opening_m: float
) -> dict[str, float]:
    union = shapely.union_all(parts) if parts else shapely.Polygon()
    area = float(wijk.area)
    only_wijk = shapely.difference(wijk, union)
    only_buurten = shapely.difference(union, wijk)
    raw = (float(only_wijk.area) + float(only_buurten.area)) / area
    alleen_wijk = _opened_area(only_wijk, opening_m) / area
    alleen_buurten = _opened_area(only_buurten, opening_m) / area
    return {
        "oppervlak_m2": area, "verschil_ruw": raw, "verschil": alleen_wijk + alleen_buurten,
        "alleen_wijk": alleen_wijk, "alleen_buurten": alleen_buurten,
    }


def _same_name(a: object, b: object) -> bool:
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def reuse_earlier_shapes(
    buurten: pd.DataFrame,
    wijken: gpd.GeoDataFrame,
    earlier: gpd.GeoDataFrame,
    earlier_names: Mapping[str, str] | None = None,
    division_changes: Mapping[str, str] | None = None,
    tolerance: float = TILING_TOLERANCE,
    opening_m: float = OPENING_M,
) -> BuurtShapes:
    """Give 2024 buurten the 2020-division shape of the same code where the checks in the module pass.

    Parameters
    ----------
    buurten
        The 2024 buurten: ``code``, ``wijkcode``, optionally ``naam`` and ``gemeentecode`` (derived from the
        code when absent).
    wijken
        2024 wijk polygons: ``code``, ``geometry`` (any CRS; measured in RD New).
    earlier
        2020-division buurt polygons: ``code``, ``geometry``.
    earlier_names
        2020 buurt names by code, when known (check 2).
    division_changes
        CBS's division-change code by 2024 buurt code (check 3); codes absent from it are not checked.
    tolerance, opening_m
        See :data:`TILING_TOLERANCE` and :data:`OPENING_M`.

    Returns
    -------
    BuurtShapes
    """
    _check_inputs(buurten, wijken, earlier)
    report = _report_frame(buurten)
    old = earlier.to_crs(RD_NEW).drop_duplicates("code").set_index(earlier["code"].astype(str).drop_duplicates())
    old_geom = old.geometry
    wijk_geom = wijken.to_crs(RD_NEW).set_index(wijken["code"].astype(str)).geometry
    reden = _code_reasons(report, old_geom, earlier_names, division_changes)
    source = pd.Series(GEOMETRIEBRON, index=report.index, dtype=object)
    geoms = pd.Series(report["code"].map(old_geom).to_numpy(), index=report.index, dtype=object)
    rows = _check_tiling(report, wijk_geom, old_geom, reden, source, geoms, tolerance, opening_m)
    report["reden"] = reden.to_numpy()
    report["vorm"] = report["reden"] == ""
    got = report[report["vorm"]]
    shapes = gpd.GeoDataFrame(
        {
            "code": got["code"].to_numpy(), "wijkcode": got["wijkcode"].to_numpy(),
            "gemeentecode": got["gemeentecode"].to_numpy(), "geometriebron": source[got.index].to_numpy(),
        },
        geometry=geoms[got.index].to_numpy(), crs=RD_NEW,
    ).to_crs(WGS84)
    wijk_frame = pd.DataFrame(rows, columns=WIJK_COLUMNS)
    return BuurtShapes(shapes=shapes, report=report[REPORT_COLUMNS], wijken=wijk_frame)


def _check_inputs(buurten: pd.DataFrame, wijken: gpd.GeoDataFrame, earlier: gpd.GeoDataFrame) -> None:
    """Raise KbzDataError when an input lacks the columns or CRS :func:`reuse_earlier_shapes` needs."""
    for what, frame in (("wijken", wijken), ("earlier", earlier)):
        if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None or "code" not in frame.columns:
            raise KbzDataError(f"{what}: verwacht een GeoDataFrame met 'code', 'geometry' en een CRS")
    missing = [c for c in ("code", "wijkcode") if c not in buurten.columns]
    if missing:
        raise KbzDataError(f"buurten: kolom(men) {missing} ontbreken; verwacht code, wijkcode (en naam)")


def _report_frame(buurten: pd.DataFrame) -> pd.DataFrame:
    """``code``, ``naam``, ``wijkcode``, ``gemeentecode`` (from the code when absent) of the 2024 buurten."""
    report = pd.DataFrame({
        "code": buurten["code"].astype(str).to_numpy(),
        "naam": buurten["naam"].to_numpy() if "naam" in buurten else None,
        "wijkcode": buurten["wijkcode"].astype(str).to_numpy(),
    })
    report["gemeentecode"] = (
        buurten["gemeentecode"].astype(str).to_numpy() if "gemeentecode" in buurten else "GM" + report["code"].str[2:6]
    )
    return report


def _code_reasons(
    report: pd.DataFrame,
    old_geom: gpd.GeoSeries,
    earlier_names: Mapping[str, str] | None,
    division_changes: Mapping[str, str] | None,
) -> pd.Series:
    """Per buurt, the first of checks 1-3 it fails (Dutch reason), or "" when it passes them."""
    reden = pd.Series("", index=report.index, dtype=object)
    has_old = report["code"].isin(old_geom.index)
    reden[~has_old] = "code bestaat niet in de indeling 2020"
    if earlier_names is not None:
        names = report["code"].map(earlier_names)
        same = [_same_name(a, b) for a, b in zip(names, report["naam"], strict=True)]
        renamed = has_old & names.notna() & ~np.array(same)
        pairs = zip(names[renamed], report["naam"][renamed], strict=True)
        reden[renamed & (reden == "")] = [f"naam gewijzigd (2020: {a}, 2024: {b})" for a, b in pairs]
    if division_changes is not None:
        change = report["code"].map(division_changes)
        changed = change.notna() & (change.astype(str) != UNCHANGED_CODE)
        reden[changed & (reden == "")] = [
            f"CBS meldt een indelingswijziging (code {c}) ten opzichte van het vorige jaar" for c in change[changed]
        ]
    return reden


def _check_tiling(
    report: pd.DataFrame,
    wijk_geom: gpd.GeoSeries,
    old_geom: gpd.GeoSeries,
    reden: pd.Series,
    source: pd.Series,
    geoms: pd.Series,
    tolerance: float,
    opening_m: float,
) -> list[dict[str, object]]:
    """Check 4 per 2024 wijk, and the wijk polygon for single-buurt wijken; one row per wijk checked.

    Updates ``reden``, ``source`` and ``geoms`` (per buurt) in place.
    """
    rows = []
    for wijkcode, group in report.groupby("wijkcode", sort=True):
        if wijkcode not in wijk_geom.index or wijk_geom[wijkcode] is None:
            reden[group.index[reden[group.index] == ""]] = f"wijk {wijkcode} heeft geen vorm in de indeling 2024"
            continue
        parts = [old_geom[c] for c in group["code"] if c in old_geom.index]
        check = _check_wijk(wijk_geom[wijkcode], parts, opening_m)
        fits = check["verschil"] <= tolerance
        rows.append({"wijkcode": wijkcode, "gemeentecode": group["gemeentecode"].iloc[0],
                     "n_buurten": len(group), **check, "past": fits})
        if len(group) == 1 and (not fits or reden[group.index[0]] != ""):
            # the wijk's polygon is the buurt's boundary; the 2020 shape is preferred only when it passes
            # (its edges are shared with the neighbouring buurten of the same file)
            reden[group.index] = ""
            source[group.index] = GEOMETRIEBRON_WIJK
            geoms[group.index] = wijk_geom[wijkcode]
        elif not fits:
            todo = group.index[reden[group.index] == ""]
            reden[todo] = (
                f"de buurten van {wijkcode} (vormen 2020) wijken {fmt_number(100 * check['verschil'], 1)} %"
                f" af van de wijk 2024 (toegestaan {fmt_number(100 * tolerance)} %)"
            )
    return rows


def summary(report: pd.DataFrame) -> pd.DataFrame:
    """Per gemeente: buurten, with a shape, without, and the reasons (reason -> count) for those without."""
    rows = []
    for gemeentecode, group in report.groupby("gemeentecode", sort=True):
        without = group[~group["vorm"]]
        reasons = without["reden"].str.replace(r"\d+(,\d+)? %", "x %", regex=True).str.replace(
            r"WK\w+", "WK..", regex=True
        ).value_counts()
        rows.append({
            "gemeentecode": gemeentecode, "buurten": len(group), "met_vorm": int(group["vorm"].sum()),
            "zonder_vorm": len(without), "redenen": dict(reasons.items()),
        })
    return pd.DataFrame(rows)


def from_sources(sources: str | Path, gemeenten: tuple[str, ...] = ("GM0518", "GM0599", "GM0344")) -> BuurtShapes:
    """Run :func:`reuse_earlier_shapes` on the staged sources (see ``MANIFEST.md``) for the given gemeenten.

    Reads ``cbs-buurten-2019-topojson-powerbi/buurten.json`` (2020-division buurt shapes),
    ``pdok-wijken-2024-geoinzicht/wijken_2024.geojson`` (2024 wijken) and the KWB 2024 StatLine export with
    codes (``cbs-kwb2024-statline-herkomst-leeftijd/*_geslachten.csv``: 2024 buurt codes, names and CBS's
    division-change code) with the project's readers.
    """
    from kbz_data.sources import geometry, kwb, statline

    root = Path(sources)
    earlier = geometry.read_topojson_buurten(root / "cbs-buurten-2019-topojson-powerbi" / "buurten.json", gemeenten)
    wijken = geometry.read_wijkenbuurten_geojson(
        root / "pdok-wijken-2024-geoinzicht" / "wijken_2024.geojson", gemeenten
    )
    kwb_path = root / "cbs-kwb2024-statline-herkomst-leeftijd" / "Kerncijfers_wijken_en_buurten_2024_geslachten.csv"
    raw = statline.read_csv(kwb_path)
    areas = kwb.statline_figures(raw, kwb_path).areas
    buurten = areas[(areas["niveau"] == "buurt") & areas["gemeentecode"].isin(gemeenten)]
    return reuse_earlier_shapes(
        buurten, wijken, earlier, division_changes=kwb.division_changes(raw, kwb_path).to_dict()
    )
