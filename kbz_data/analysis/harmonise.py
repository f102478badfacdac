"""Carry figures from one CBS division onto another through a polygon overlay (areal interpolation).

The 2020-division health figures (RIVM 50090NED) do not join to the 2024 division, and Amsterdam recoded its
wijken and buurten in 2022. :func:`crosswalk` intersects the source areas (e.g. 2020 buurten) with the target
areas (e.g. 2024 wijken or buurten) in RD New (EPSG:28992) and gives every (source, target) piece its area and
weight; :func:`carry` uses it to turn source figures into target figures, each with its quality measures.

Rules
-----
* **Weights.** By default a piece weighs its area share of the target (``aandeel_doel``). Inhabitants are not
  known below the source areas, so "inhabitant weights" can only mean: each source contributes its inhabitants
  times the share of its area that lies in the piece (population assumed evenly spread *within* a source).
  That is better for a percentage of people, because a park buurt and a dense buurt then no longer count
  alike; pass ``weights=<column>`` when the sources carry an inhabitant count (e.g. ``inwoners``). The area
  share stays the default because the 2020-division inhabitant counts are not in the staged sources.
* **Percentages** (any ``eenheid`` other than ``"aantal"``) are carried as weighted means of the sources'
  percentages. With area weights this assumes the population is evenly spread over the source area.
* **Counts** (``eenheid == "aantal"``) are carried as area-apportioned sums: each source's count is split over
  its pieces by the share of the source's area in the piece (the shares of dropped slivers go to its other
  pieces, so a source's count is not lost to boundary noise).
* **Slivers.** A piece smaller than :data:`SLIVER_SHARE` of its target or than :data:`SLIVER_AREA_M2` is
  boundary noise between two differently generalised files; it is dropped from the weights and listed in
  :attr:`Crosswalk.slivers`. It still counts for the coverage (it is covered, just not worth a weight).
* **Sources without a value** (water, port, secret) do not dilute a target: weights are renormalised over the
  sources that have a value, and ``dekking`` reports the share of the target covered by them.
* **Unchanged areas.** A target that one source covers for at least :data:`UNCHANGED_SHARE` while that source
  lies for at least :data:`UNCHANGED_SHARE` inside the target has the same boundary up to generalisation
  noise: it gets that source's value unchanged (the same float), ``methode`` ``"ongewijzigd"``.
* **Quality** (``kwaliteit``): ``"goed"`` when unchanged, or when ``dekking`` >= :data:`COVERAGE_GOOD`, the
  largest source covers >= :data:`LARGEST_GOOD` of the target and lies for >= :data:`SPLIT_GOOD` inside it;
  ``"slecht"`` when there is no value, ``dekking`` < :data:`COVERAGE_POOR`, or (not unchanged) less than
  :data:`SPLIT_POOR` of the largest source lies in the target (a small part of a split area); ``"matig"``
  otherwise. Poor targets are flagged, never dropped.

Tolerances were measured on the staged files (2019 TopoJSON buurten, 7.5 m grid, against the 2024 wijken of
geoinzicht, simplified with 0.0005 degrees = 35-55 m): a 2020 wijk and the 2024 wijk with the same code and no
CBS-reported change overlap each other for 93-99.4 % (median 98 %), never 99.5 %. A "99.x %" rule would call
every wijk changed, so :data:`UNCHANGED_SHARE` is 90 %; with unsimplified shapes on both sides pass a stricter
``unchanged_share`` (e.g. 0.995). The quality thresholds follow the measured error against the 2024-division
re-estimate (``benchmarks/bench_harmonise.py``, Amsterdam buurten): pieces of split buurten whose source lies
for < 30 % in the target were off by 8 points on average, 30-50 % by 3, >= 50 % by 1.4-1.7 (floor 1.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kbz_data.errors import KbzDataError

RD_NEW = "EPSG:28992"

#: A piece below this share of its target's area is a sliver (dropped from the weights, reported).
SLIVER_SHARE = 0.01
#: A piece below this area (m2) is a sliver whatever its share.
SLIVER_AREA_M2 = 100.0
#: Mutual overlap (share of the target and share of the source) from which a target counts as unchanged.
UNCHANGED_SHARE = 0.90
#: Coverage by sources with a value from which a target can be "goed".
COVERAGE_GOOD = 0.95
#: Coverage by sources with a value below which a target is "slecht".
COVERAGE_POOR = 0.75
#: Share of the target covered by its largest source (with a value) from which a target can be "goed".
LARGEST_GOOD = 0.80
#: Share of the largest source's own area inside the target from which a target can be "goed" (lower: the
#: target is a part of a split area, and the source's mean may not hold for that part).
SPLIT_GOOD = 0.50
#: Below this share of the largest source inside the target, the target is "slecht".
SPLIT_POOR = 0.30

METHOD_UNCHANGED = "ongewijzigd"
METHOD_CARRIED = "omgerekend"
#: ``methode`` of a target that got no value (no source with a value overlaps it).
METHOD_NONE = "geen"

PIECE_COLUMNS: list[str] = ["bron", "doel", "oppervlak_m2", "aandeel_doel", "aandeel_bron", "gewicht"]
TARGET_COLUMNS: list[str] = ["doel", "oppervlak_m2", "gedekt_aandeel", "ongewijzigd_bron"]
CARRY_COLUMNS: list[str] = [
    "code", "indicator", "jaar", "waarde", "dekking", "grootste_bron_aandeel", "grootste_bron_binnen", "n_bronnen",
    "methode",
    "kwaliteit", "reden",
]
#: The key of a carried figure: target, indicator, year.
_GROUP = ["doel", "indicator", "jaar"]


@dataclass(frozen=True)
class Crosswalk:
    """The overlay of a source division with a target division.

    Attributes
    ----------
    pieces
        One row per kept (source, target) piece: ``bron`` and ``doel`` (codes), ``oppervlak_m2`` (area of the
        intersection in RD New), ``aandeel_doel`` (piece area / target area: the share of the source in the
        target), ``aandeel_bron`` (piece area / source area), ``gewicht`` (weight used to carry a percentage:
        ``aandeel_doel``, or the source's inhabitants x ``aandeel_bron`` with inhabitant weights).
    targets
        One row per target: ``doel``, ``oppervlak_m2``, ``gedekt_aandeel`` (share of the target covered by any
        source, slivers included), ``ongewijzigd_bron`` (the source with the same boundary, else None).
    slivers
        The dropped pieces, same columns as ``pieces``.
    weighting
        ``"oppervlak"`` or ``"inwoners"``.
    """

    pieces: pd.DataFrame
    targets: pd.DataFrame
    slivers: pd.DataFrame
    weighting: str


def _projected(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """Check columns and CRS, make geometries valid and project to RD New."""
    if not isinstance(frame, gpd.GeoDataFrame) or "code" not in frame.columns:
        raise KbzDataError(f"{what}: verwacht een GeoDataFrame met de kolommen 'code' en 'geometry'")
    if frame.crs is None:
        raise KbzDataError(f"{what}: geen CRS; verwacht EPSG:28992 (RD New) of EPSG:4326 (WGS84)")
    duplicated = frame["code"][frame["code"].duplicated()]
    if len(duplicated):
        raise KbzDataError(f"{what}: dubbele code(s) {sorted(set(duplicated.astype(str)))[:5]}; één vlak per code")
    frame = frame.to_crs(RD_NEW)
    geoms = frame.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    geoms = geoms.copy()
    invalid = ~missing & ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    out = gpd.GeoDataFrame({"code": frame["code"].astype(str).to_numpy()}, geometry=geoms, crs=RD_NEW)
    return out[~missing]


def crosswalk(
    source: gpd.GeoDataFrame,
    target: gpd.GeoDataFrame,
    weights: str | None = None,
    sliver_share: float = SLIVER_SHARE,
    sliver_area_m2: float = SLIVER_AREA_M2,
    unchanged_share: float | None = UNCHANGED_SHARE,
) -> Crosswalk:
    """Overlay ``source`` areas with ``target`` areas in RD New and weigh every piece.

    Parameters
    ----------
    source, target
        GeoDataFrames with ``code`` and polygon ``geometry`` in any projected or geographic CRS (EPSG:4326
        inputs are projected to EPSG:28992 before any area is measured). A geometry that is missing is
        ignored (a target without geometry is reported as not covered).
    weights
        None (default): weigh by area share of the target. Or the name of a column of ``source`` with
        inhabitants: a piece then weighs ``inhabitants x aandeel_bron`` (see the module docstring).
    sliver_share, sliver_area_m2
        Pieces below either are slivers (dropped from the weights, reported in ``slivers``).
    unchanged_share
        Mutual overlap from which a target counts as unchanged (see :data:`UNCHANGED_SHARE`); None: no target
        is treated as unchanged. Note that a count copied unchanged is not apportioned: the up to
        ``1 - unchanged_share`` of its source that lies outside the target is then counted twice at most.

    Returns
    -------
    Crosswalk

    Raises
    ------
    KbzDataError
        Missing ``code`` column or CRS, duplicate codes, or an unknown or negative ``weights`` column.
    """
    src = _projected(source, "bron")
    tgt = _projected(target, "doel")
    if weights is not None:
        if weights not in source.columns:
            raise KbzDataError(f"gewichtenkolom {weights!r} ontbreekt in de bronnen (kolommen: {list(source.columns)})")
        inhabitants = pd.to_numeric(source[weights], errors="coerce").set_axis(source["code"].astype(str))
        if (inhabitants < 0).any():
            raise KbzDataError(f"gewichtenkolom {weights!r} bevat negatieve waarden; verwacht inwoners (>= 0)")
    src_area = pd.Series(src.area.to_numpy(), index=src["code"])
    tgt_area = pd.Series(tgt.area.to_numpy(), index=tgt["code"])
    overlay = gpd.overlay(
        src.rename(columns={"code": "bron"}), tgt.rename(columns={"code": "doel"}), how="intersection",
        keep_geom_type=True,
    )
    pieces = pd.DataFrame(
        {"bron": overlay["bron"].to_numpy(), "doel": overlay["doel"].to_numpy(), "oppervlak_m2": overlay.area}
    )
    pieces = pieces.groupby(["bron", "doel"], as_index=False, sort=True)["oppervlak_m2"].sum()
    pieces = pieces[pieces["oppervlak_m2"] > 0]
    pieces["aandeel_doel"] = pieces["oppervlak_m2"] / pieces["doel"].map(tgt_area).to_numpy()
    pieces["aandeel_bron"] = pieces["oppervlak_m2"] / pieces["bron"].map(src_area).to_numpy()
    if weights is None:
        pieces["gewicht"] = pieces["aandeel_doel"]
    else:
        pieces["gewicht"] = pieces["bron"].map(inhabitants).to_numpy(dtype="float64") * pieces["aandeel_bron"]
    sliver = (pieces["aandeel_doel"] < sliver_share) | (pieces["oppervlak_m2"] < sliver_area_m2)
    covered = pieces.groupby("doel")["aandeel_doel"].sum()
    kept = pieces[~sliver].reset_index(drop=True)[PIECE_COLUMNS]
    share = np.inf if unchanged_share is None else unchanged_share
    mutual = kept[(kept["aandeel_doel"] >= share) & (kept["aandeel_bron"] >= share)]
    unchanged = mutual.drop_duplicates("doel").set_index("doel")["bron"]
    targets = pd.DataFrame({"doel": tgt_area.index.to_numpy(), "oppervlak_m2": tgt_area.to_numpy()})
    all_targets = pd.DataFrame({"doel": target["code"].astype(str).to_numpy()})
    targets = all_targets.merge(targets, on="doel", how="left")
    targets["gedekt_aandeel"] = targets["doel"].map(covered).fillna(0.0).clip(upper=1.0).to_numpy()
    targets["ongewijzigd_bron"] = targets["doel"].map(unchanged).astype(object)
    targets["ongewijzigd_bron"] = targets["ongewijzigd_bron"].where(targets["ongewijzigd_bron"].notna(), None)
    return Crosswalk(
        pieces=kept,
        targets=targets[TARGET_COLUMNS],
        slivers=pieces[sliver].reset_index(drop=True)[PIECE_COLUMNS],
        weighting="oppervlak" if weights is None else "inwoners",
    )


def _sum_shares(cw: Crosswalk) -> pd.Series:
    """Per kept piece: ``aandeel_bron`` scaled so a source's kept pieces also carry its slivers' share."""
    total = pd.concat([cw.pieces, cw.slivers]).groupby("bron")["aandeel_bron"].sum()
    kept = cw.pieces.groupby("bron")["aandeel_bron"].sum()
    scale = (total / kept).reindex(cw.pieces["bron"]).to_numpy()
    return pd.Series(cw.pieces["aandeel_bron"].to_numpy() * scale, index=cw.pieces.index)


def _is_count(eenheid: str | Mapping[str, str], indicator: pd.Series) -> np.ndarray:
    if isinstance(eenheid, str):
        return np.full(len(indicator), eenheid == "aantal")
    return indicator.map(lambda i: eenheid.get(i, "%") == "aantal").to_numpy(dtype=bool)


def _quality(out: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``kwaliteit`` and ``reden`` from coverage, largest source and method (rules in the module docstring)."""
    no_value = out["waarde"].isna()
    unchanged = out["methode"] == METHOD_UNCHANGED
    poor = out["dekking"] < COVERAGE_POOR
    small_part = ~unchanged & (out["grootste_bron_binnen"] < SPLIT_POOR)
    good = unchanged | (
        (out["dekking"] >= COVERAGE_GOOD) & (out["grootste_bron_aandeel"] >= LARGEST_GOOD)
        & (out["grootste_bron_binnen"] >= SPLIT_GOOD)
    )
    kwaliteit = np.where(no_value | poor | small_part, "slecht", np.where(good, "goed", "matig"))
    pct = (100 * out["dekking"]).round().astype(int).astype(str)
    largest = (100 * out["grootste_bron_aandeel"]).round().astype(int).astype(str)
    inside = (100 * out["grootste_bron_binnen"]).round().astype(int).astype(str)
    split = "; het gebied is een deel (" + inside + "%) van een groter gebied van de oude indeling"
    is_split = out["grootste_bron_binnen"] < SPLIT_GOOD
    reden = np.select(
        [
            no_value & (out["reden"] != ""),
            no_value,
            poor,
            small_part,
            (kwaliteit == "matig") & is_split,
            kwaliteit == "matig",
        ],
        [
            out["reden"],
            "geen overlappend gebied van de oude indeling heeft een waarde",
            "slechts " + pct + "% van het gebied is gedekt door gebieden met een waarde",
            "geschat uit een groter gebied: slechts " + inside + "% daarvan ligt in dit gebied",
            "geschat uit " + out["n_bronnen"].astype(str) + " gebied(en)" + split,
            "geschat uit " + out["n_bronnen"].astype(str) + " gebieden; het grootste dekt " + largest
            + "% (dekking " + pct + "%)",
        ],
        default="",
    )
    return pd.Series(kwaliteit, index=out.index), pd.Series(reden, index=out.index)


def carry(
    values: pd.DataFrame, cw: Crosswalk, eenheid: str | Mapping[str, str] = "%"
) -> pd.DataFrame:
    """Carry source figures onto the targets of a crosswalk.

    Parameters
    ----------
    values
        Figures on the source division: ``code``, ``indicator``, ``jaar``, ``waarde`` (NaN = unknown; other
        columns are ignored). Codes absent from the crosswalk's sources are ignored.
    cw
        Output of :func:`crosswalk`.
    eenheid
        Unit of the figures, or a mapping indicator -> unit (missing indicators count as ``"%"``). ``"aantal"``
        is carried as an area-apportioned sum, anything else as a weighted mean (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per target x (indicator, jaar) present in ``values``: ``code`` (target), ``indicator``,
        ``jaar``, ``waarde`` (NaN when no source with a value overlaps), ``dekking`` (share of the target
        covered by sources with a value, 0-1), ``grootste_bron_aandeel`` (share of the target covered by its
        largest source with a value, 0-1), ``grootste_bron_binnen`` (share of that largest source's own area
        that lies in the target, 0-1: low when an old area was split), ``n_bronnen`` (sources with a value
        that contributed), ``methode`` (``"ongewijzigd"``, ``"omgerekend"``, or ``"geen"`` without a value),
        ``kwaliteit`` (``"goed"`` | ``"matig"`` | ``"slecht"``), ``reden`` (why a value is missing or not
        "goed"; empty otherwise).
    """
    vals = _checked_values(values)
    keys = vals[["indicator", "jaar"]].drop_duplicates().reset_index(drop=True)
    grid = cw.targets[["doel"]].merge(keys, how="cross")
    agg, dekking = _weighted(vals, cw, eenheid)

    kept_columns = ["waarde", "n_bronnen", "grootste_bron_aandeel", "grootste_bron_binnen"]
    out = grid.merge(agg[kept_columns].reset_index(), on=_GROUP, how="left")
    out = out.merge(dekking.reset_index(), on=_GROUP, how="left")
    out["dekking"] = out["dekking"].fillna(0.0)
    out["grootste_bron_aandeel"] = out["grootste_bron_aandeel"].fillna(0.0)
    out["grootste_bron_binnen"] = out["grootste_bron_binnen"].fillna(0.0)
    out["n_bronnen"] = out["n_bronnen"].fillna(0).astype(int)
    out["methode"] = np.where(out["waarde"].notna(), METHOD_CARRIED, METHOD_NONE)
    out["reden"] = ""
    _take_unchanged(out, cw, vals)
    not_covered = out["doel"].map(cw.targets.set_index("doel")["gedekt_aandeel"]).to_numpy() == 0
    out.loc[not_covered & out["waarde"].isna(), "reden"] = "geen gebied van de oude indeling overlapt dit gebied"

    out["kwaliteit"], out["reden"] = _quality(out)
    out = out.rename(columns={"doel": "code"})
    return out[CARRY_COLUMNS].sort_values(["indicator", "jaar", "code"], ignore_index=True)


def _checked_values(values: pd.DataFrame) -> pd.DataFrame:
    """``code`` (str), ``indicator``, ``jaar``, ``waarde`` (float) of ``values``; KbzDataError for a missing
    column or a (code, indicator, jaar) given twice."""
    missing = [c for c in ("code", "indicator", "jaar", "waarde") if c not in values.columns]
    if missing:
        raise KbzDataError(f"waarden: kolom(men) {missing} ontbreken; verwacht code, indicator, jaar, waarde")
    vals = values[["code", "indicator", "jaar", "waarde"]].copy()
    vals["code"] = vals["code"].astype(str)
    vals["waarde"] = pd.to_numeric(vals["waarde"], errors="coerce").astype("float64")
    duplicated = vals[vals.duplicated(["code", "indicator", "jaar"])]
    if len(duplicated):
        first = duplicated.iloc[0]
        raise KbzDataError(
            f"waarden: {len(duplicated)} dubbele rij(en) voor (code, indicator, jaar), bijv. "
            f"({first['code']}, {first['indicator']}, {first['jaar']}); verwacht één waarde per combinatie"
        )
    return vals


def _weighted(
    vals: pd.DataFrame, cw: Crosswalk, eenheid: str | Mapping[str, str]
) -> tuple[pd.DataFrame, pd.Series]:
    """Per (doel, indicator, jaar) with a value: the carried ``waarde`` and its measures, and ``dekking``.

    The first frame has ``waarde``, ``n_bronnen``, ``grootste_bron_aandeel``, ``grootste_bron_binnen`` (and the
    working columns); ``dekking`` counts slivers too.
    """
    pieces = cw.pieces.assign(aandeel_som=_sum_shares(cw))
    all_pieces = pd.concat([pieces.assign(behouden=True), cw.slivers.assign(behouden=False)], ignore_index=True)
    joined = all_pieces.merge(vals.rename(columns={"code": "bron"}), on="bron", how="inner")
    joined = joined[joined["waarde"].notna()]
    dekking = joined.groupby(_GROUP)["aandeel_doel"].sum().clip(upper=1.0).rename("dekking")
    used = joined[joined["behouden"]].copy()
    used["is_som"] = _is_count(eenheid, used["indicator"])
    used["w"] = np.where(used["is_som"], used["aandeel_som"], used["gewicht"])
    used["wv"] = used["w"] * used["waarde"]
    agg = used.groupby(_GROUP).agg(
        wv=("wv", "sum"), w=("w", "sum"), n_bronnen=("bron", "nunique"),
        grootste_bron_aandeel=("aandeel_doel", "max"), is_som=("is_som", "first"),
    )
    largest = used.sort_values("aandeel_doel", ascending=False).drop_duplicates(_GROUP).set_index(_GROUP)
    agg["grootste_bron_binnen"] = largest["aandeel_bron"].reindex(agg.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        agg["waarde"] = np.where(agg["is_som"], agg["wv"], agg["wv"] / agg["w"])
    agg.loc[~agg["is_som"] & ~(agg["w"] > 0), "waarde"] = np.nan
    return agg, dekking


def _take_unchanged(out: pd.DataFrame, cw: Crosswalk, vals: pd.DataFrame) -> None:
    """Unchanged boundary: give those targets the one source's value, exactly (in place on ``out``)."""
    same = cw.targets.dropna(subset=["ongewijzigd_bron"])[["doel", "ongewijzigd_bron"]]
    exact = same.merge(vals, left_on="ongewijzigd_bron", right_on="code", how="inner")
    exact = exact.set_index(_GROUP)
    index = pd.MultiIndex.from_frame(out[_GROUP])
    source_value = exact["waarde"].reindex(index).to_numpy()
    is_same = pd.Series(index.isin(exact.index), index=out.index)
    out.loc[is_same, "waarde"] = source_value[is_same.to_numpy()]
    out.loc[is_same, "methode"] = np.where(out.loc[is_same, "waarde"].notna(), METHOD_UNCHANGED, METHOD_NONE)
    out.loc[is_same & out["waarde"].notna(), "n_bronnen"] = 1
    unchanged_source = exact["ongewijzigd_bron"].reindex(index).to_numpy()
    no_value_same = (is_same & out["waarde"].isna()).to_numpy()
    out.loc[no_value_same, "reden"] = [
        f"het gelijke gebied {code} van de oude indeling heeft geen waarde" for code in unchanged_source[no_value_same]
    ]


def quality_summary(carried: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Counts of targets per ``methode`` and ``kwaliteit`` (optionally per ``by`` column, e.g. a gemeentecode)."""
    keys = ([by] if by else []) + ["methode", "kwaliteit"]
    return carried.groupby(keys, dropna=False).size().rename("n").reset_index()
