"""Build steps that put the 2020-division health figures and the 2020 buurt shapes onto the 2024 division.

Two steps of :func:`kbz_data.store.build.build`, kept here so the build stays one readable flow:

* :func:`buurt_shape_layer`: 2024 buurten of Den Haag, Rotterdam and Utrecht that no geometry source draws
  get a shape from :func:`kbz_data.store.buurt_shapes.reuse_earlier_shapes` (2020 shape where the wijk is
  still tiled, else the wijk polygon for single-buurt wijken). Official 2024 buurt shapes (PDOK wijk- en
  buurtkaart 2024, from ``python -m kbz_data download``) and Amsterdam's own buurten win: only codes without
  a shape are filled.
* :func:`harmonise_health`: the RIVM 50090NED figures (18+ and 65+; 2012/2016/2020; every indicator) of the
  2020 division carried onto every 2024 wijk and buurt of the four cities with
  :mod:`kbz_data.analysis.harmonise`, as source :data:`kbz_data.indicators.BRON_OMGEREKEND`. A 2024 wijk whose
  boundary equals a 2020 wijk gets that wijk's value unchanged (``bronniveau`` "wijk 2020"); any other wijk and
  every buurt is carried from the 2020 buurten (``bronniveau`` "buurt 2020"). Weesp (part of Amsterdam since
  2022) is carried from its 2020 figures under GM0457 when the sources hold them. Targets without a shape get
  NaN figures and quality rows that say why (``methode`` and ``kwaliteit`` "geen"); in the store ``kwaliteit``
  "geen" replaces the library's "slecht" for a target without a value, so "slecht" always means a value that
  is flagged, never a missing one. Every target gets every (indicator, jaar) the sources have.
* The 2024 gemeenten get the 2020 gemeente figures the same way (``bronniveau`` "gemeente 2020"), so a
  2024-division profile and export have a city value (:data:`GEMEENTE_SOURCES`). Den Haag, Rotterdam and Utrecht
  kept their boundaries: the 2020 value unchanged (``methode`` "ongewijzigd"), by code, because the 2019 buurt
  polygons leave out open water that the 2024 gemeente polygons include (Den Haag's overlap by area is only
  87 %). Amsterdam 2024 = GM0363 + Weesp (GM0457) of 2020: the crosswalk's weighted mean of the two, weighted
  by inhabitants, with coverage and largest-source shares measured in inhabitants too. No source has 2020
  inhabitants for the two gemeenten, so the 2024 inhabitants of the 2024 wijken (CBS 85984NED) are put on the
  2020 gemeente polygons (:func:`inhabitants_2020_gemeenten`: about 905,000 and 23,500, i.e. Weesp 2.5 %;
  by area Weesp would weigh 11 %). Without inhabitants the weights fall back to area. build.json
  (``omgerekend.gemeente_gewichten``) says which weighting was used and with which counts.

A carried (``omgerekend``) value is rounded to the 0.1 point of the 50090NED figures and the quality shares to
0.001; unchanged values are the source's float exactly. This keeps the committed snapshot small (the digits
dropped are overlay noise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kbz_data.analysis import harmonise
from kbz_data.config import GEMEENTEN
from kbz_data.indicators import BRON_OMGEREKEND
from kbz_data.store import buurt_shapes, shapes
from kbz_data.store.canonical import figures_frame
from kbz_data.store.storage import kwaliteit_frame

#: Gemeenten whose 2024 buurten may get a reused 2020 shape (Amsterdam has its own 2024 buurt polygons).
SHAPE_GEMEENTEN: tuple[str, ...] = ("GM0518", "GM0599", "GM0344")
#: Weesp: in 2020 a gemeente of its own, since 2022 part of Amsterdam.
WEESP = "GM0457"
SOURCE_BRON = "rivm_50090NED"
INDELING_FROM = 2020
INDELING_TO = 2024
LEVEL_WIJK = "wijk 2020"
LEVEL_BUURT = "buurt 2020"
LEVEL_GEMEENTE = "gemeente 2020"
#: The 2020 gemeenten each 2024 gemeente of the four cities is made of (CBS gemeentelijke indeling): Weesp
#: (GM0457) merged into Amsterdam on 2022-03-24; the boundaries of Den Haag, Rotterdam and Utrecht did not change
#: between 2020 and 2024. One source: the value is taken unchanged; more: carried (see :func:`_gemeenten`).
GEMEENTE_SOURCES: dict[str, tuple[str, ...]] = {
    "GM0363": ("GM0363", WEESP), "GM0518": ("GM0518",), "GM0599": ("GM0599",), "GM0344": ("GM0344",),
}
NO_SHAPE = "geen kaartvorm in indeling 2024"
#: Decimals of a carried (not unchanged) value: those of the 50090NED figures.
DECIMALS = 1


def buurt_shape_layer(
    buurten: pd.DataFrame,
    wijken_2024: gpd.GeoDataFrame | None,
    buurten_2020: gpd.GeoDataFrame | None,
    division_changes: Mapping[str, str] | None,
    have: set[str],
) -> tuple[gpd.GeoDataFrame | None, pd.DataFrame, list[str]]:
    """Shapes for the 2024 buurten of :data:`SHAPE_GEMEENTEN` that ``have`` does not hold yet.

    Parameters
    ----------
    buurten
        2024 buurten: ``code``, ``naam``, ``wijkcode``, ``gemeentecode``.
    wijken_2024, buurten_2020
        Raw 2024 wijk and 2020 buurt polygons (``code``, ``geometry``), or None when the sources hold none.
    division_changes
        CBS division-change code per 2024 code (KWB 2024), when known.
    have
        Codes of 2024 buurten that already have a shape (PDOK 2024 buurten, Amsterdam).

    Returns
    -------
    (layer, report, notes)
        ``layer``: ``code``, ``geometriebron``, ``geometry`` (EPSG:4326), or None; ``report``: one row per
        buurt without a shape before this step (``code``, ``vorm``, ``reden``); ``notes``: Dutch lines.
    """
    todo = buurten[buurten["gemeentecode"].isin(SHAPE_GEMEENTEN) & ~buurten["code"].isin(have)]
    empty = pd.DataFrame({"code": todo["code"].astype(str), "vorm": False,
                          "reden": "geen wijkvormen 2024 of buurtvormen 2020 in de bronnen"})
    if todo.empty:
        return None, empty.iloc[:0], []
    if wijken_2024 is None or buurten_2020 is None:
        return None, empty, [f"{len(todo)} buurten 2024 zonder kaartvorm: geen wijkvormen 2024 of buurtvormen 2020"]
    result = buurt_shapes.reuse_earlier_shapes(
        todo[["code", "naam", "wijkcode", "gemeentecode"]], wijken_2024, buurten_2020,
        division_changes=division_changes,
    )
    notes = []
    for row in buurt_shapes.summary(result.report).itertuples():
        reasons = "; ".join(f"{k} ({v})" for k, v in row.redenen.items()) or "-"
        notes.append(
            f"buurtvormen 2024 {GEMEENTEN.get(row.gemeentecode, row.gemeentecode)}: {row.met_vorm} van {row.buurten}"
            f" buurten kregen een vorm (vorm 2020 of wijkvorm); zonder: {row.zonder_vorm} ({reasons})"
        )
    layer = result.shapes[["code", "geometriebron", "geometry"]]
    return layer, result.report[["code", "vorm", "reden"]], notes


def add_buurt_shapes(
    layers: list[tuple[int, str, str, gpd.GeoDataFrame]], names: pd.DataFrame,
    division_changes: Mapping[str, str] | None, notes: list[str], earlier_indeling: int = INDELING_FROM,
) -> dict[str, str]:
    """:func:`buurt_shape_layer` on the build's raw layers and area names; appends the new layer to ``layers``.

    ``names``: the build's area names (``code``, ``naam``, ``niveau``, ``indeling``, ...); report lines go to
    ``notes``. Returns why each 2024 buurt still without a shape stays without (code -> Dutch reason).
    """
    buurten = names[(names["indeling"] == INDELING_TO) & (names["niveau"] == "buurt")]
    raw = {(i, n): g for i, n, _b, g in layers}
    have = {c for i, n, _b, g in layers if (i, n) == (INDELING_TO, "buurt") for c in g["code"]}
    layer, report, lines = buurt_shape_layer(
        buurten[["code", "naam", "wijkcode", "gemeentecode"]].astype(str), raw.get((INDELING_TO, "wijk")),
        raw.get((earlier_indeling, "buurt")), division_changes, have,
    )
    notes.extend(lines)
    if layer is not None and not layer.empty:
        layers.append((INDELING_TO, "buurt", "buurt_shapes", layer))
    without = report[~report["vorm"]]
    return dict(zip(without["code"], without["reden"], strict=True))


@dataclass(frozen=True)
class Harmonised:
    """Output of :func:`harmonise_health`: figures (canonical), quality rows, and the build-report summary."""

    figures: pd.DataFrame
    kwaliteit: pd.DataFrame
    summary: dict[str, Any]


def _source_values(figures: pd.DataFrame, extra: list[pd.DataFrame], prefixes: tuple[str, ...] = ("WK", "BU"),
                   ) -> pd.DataFrame:
    frames = [figures, *extra]
    values = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    values = values[(values["bron"] == SOURCE_BRON) & (values["indeling"] == INDELING_FROM)]
    values = values[values["code"].str[:2].isin(list(prefixes))]
    return values[["code", "indicator", "jaar", "waarde"]].drop_duplicates(["code", "indicator", "jaar"])


def inhabitants_2020_gemeenten(gemeenten_2020: gpd.GeoDataFrame, wijken_2024: gpd.GeoDataFrame,
                               inwoners_2024: pd.Series) -> pd.Series:
    """Inhabitants of each 2020 gemeente, estimated from the 2024 wijken that lie in it (CBS 85984NED, 2024).

    No source holds inhabitants of 2020 for the gemeenten (50090NED has none; the KWB sources are of 2023/2024),
    so the 2024 inhabitants of the 2024 wijken are put on the 2020 gemeente polygons: each wijk's count is split
    by the share of its area inside each gemeente (:func:`kbz_data.analysis.harmonise.carry`, ``"aantal"``).
    A proxy for the 2020 count: it only serves as the relative weight of the merged gemeenten.
    """
    inwoners_2024 = inwoners_2024[inwoners_2024.index.astype(str).str.startswith("WK")]
    wijken = wijken_2024[wijken_2024["code"].isin(inwoners_2024.index)][["code", "geometry"]]
    if wijken.empty or gemeenten_2020.empty:
        return pd.Series(dtype="float64")
    # A wijk is a small part of a gemeente: no piece is a sliver by its share of the gemeente.
    cw = harmonise.crosswalk(wijken, gemeenten_2020[["code", "geometry"]], sliver_share=0.0, unchanged_share=None)
    values = pd.DataFrame({"code": inwoners_2024.index.astype(str), "indicator": "inwoners", "jaar": INDELING_TO,
                           "waarde": inwoners_2024.to_numpy(dtype="float64")})
    carried = harmonise.carry(values, cw, eenheid="aantal")
    return carried.set_index("code")["waarde"].astype("float64")


def _in_inhabitants(cw: harmonise.Crosswalk, target_inwoners: float) -> harmonise.Crosswalk:
    """The crosswalk with the target shares (``aandeel_doel``, ``gedekt_aandeel``) measured in inhabitants.

    A piece's share of the target becomes its inhabitants (the ``gewicht`` of an inhabitant-weighted crosswalk)
    over the target's own inhabitants. The area shares mislead for a gemeente: the 2019 buurt polygons leave out
    open water (IJmeer, North Sea strip) that the 2024 gemeente polygons include, so about 10 % of Amsterdam
    2024 looks "not covered" although nobody lives there.
    """
    pieces = cw.pieces.assign(aandeel_doel=(cw.pieces["gewicht"] / target_inwoners).clip(upper=1.0))
    covered = pieces.groupby("doel")["aandeel_doel"].sum().clip(upper=1.0)
    targets = cw.targets.assign(gedekt_aandeel=cw.targets["doel"].map(covered).fillna(0.0).to_numpy())
    return harmonise.Crosswalk(pieces=pieces, targets=targets, slivers=cw.slivers.iloc[:0], weighting=cw.weighting)


def _gemeenten(values: pd.DataFrame, gemeenten_2020: gpd.GeoDataFrame | None, gemeenten_2024: gpd.GeoDataFrame | None,
               inwoners: pd.Series, targets: pd.Series, inwoners_2024: pd.Series) -> tuple[pd.DataFrame, str]:
    """Carried gemeente figures (:data:`GEMEENTE_SOURCES`): one 2020 gemeente -> its value unchanged; several
    (Amsterdam = GM0363 + Weesp) -> the crosswalk's weighted mean of their values.

    Weights: the inhabitants of each 2020 gemeente (:func:`inhabitants_2020_gemeenten`, 2024 counts as a proxy)
    when known for every merged gemeente, else the area share (the crosswalk default). Inhabitants are the better
    weight for a gemeente: Weesp has about 10 % of the area of Amsterdam + Weesp but about 2 % of the people.
    Returns the rows and the weighting used for merged gemeenten (``"inwoners"``, ``"oppervlak"`` or ``""``).
    """
    parts = []
    weighting = ""
    for code in targets:
        sources = GEMEENTE_SOURCES.get(str(code))
        if not sources:
            continue
        own = values[values["code"].isin(sources)]
        if len(sources) == 1:
            exact = own.assign(code=str(code), dekking=1.0, grootste_bron_aandeel=1.0, grootste_bron_binnen=1.0,
                               n_bronnen=1, methode=harmonise.METHOD_UNCHANGED, kwaliteit="goed", reden="")
            exact.loc[exact["waarde"].isna(), ["methode", "n_bronnen", "dekking", "grootste_bron_aandeel",
                                               "grootste_bron_binnen"]] = [harmonise.METHOD_NONE, 0, 0.0, 0.0, 0.0]
            exact.loc[exact["waarde"].isna(), "reden"] = f"de gemeente {sources[0]} van indeling 2020 heeft geen waarde"
            parts.append(exact[harmonise.CARRY_COLUMNS])
            continue
        if gemeenten_2020 is None or gemeenten_2024 is None:
            continue
        src = gemeenten_2020[gemeenten_2020["code"].isin(sources)][["code", "geometry"]]
        tgt = gemeenten_2024[gemeenten_2024["code"] == code][["code", "geometry"]]
        if src.empty or tgt.empty:
            continue
        weights = None
        if all(pd.notna(inwoners.get(s)) and inwoners.get(s) > 0 for s in src["code"]):
            src = src.assign(inwoners=src["code"].map(inwoners).to_numpy(dtype="float64"))
            weights = "inwoners"
        cw = harmonise.crosswalk(src, tgt, weights=weights, sliver_share=0.0, unchanged_share=None)
        if weights and pd.notna(inwoners_2024.get(code)) and inwoners_2024.get(code) > 0:
            cw = _in_inhabitants(cw, float(inwoners_2024[code]))
        weighting = cw.weighting
        parts.append(harmonise.carry(own, cw))
    if not parts:
        return pd.DataFrame(columns=[*harmonise.CARRY_COLUMNS, "bronniveau"]), weighting
    return _with_level(pd.concat(parts, ignore_index=True), LEVEL_GEMEENTE), weighting


def _with_level(carried: pd.DataFrame, level: str) -> pd.DataFrame:
    return carried.assign(bronniveau=np.where(carried["methode"] == harmonise.METHOD_NONE, "", level))


def _wijken(values: pd.DataFrame, wijken_2020: gpd.GeoDataFrame, buurten_2020: gpd.GeoDataFrame,
            targets: gpd.GeoDataFrame) -> pd.DataFrame:
    """Carried wijk figures: from the equal 2020 wijk when unchanged, else from the 2020 buurten."""
    cw_wijk = harmonise.crosswalk(wijken_2020, targets)
    unchanged = set(cw_wijk.targets.dropna(subset=["ongewijzigd_bron"])["doel"])
    from_wijk = harmonise.carry(values[values["code"].str.startswith("WK")], cw_wijk)
    cw_buurt = harmonise.crosswalk(buurten_2020, targets)
    from_buurt = harmonise.carry(values[values["code"].str.startswith("BU")], cw_buurt)
    return pd.concat(
        [_with_level(from_wijk[from_wijk["code"].isin(unchanged)], LEVEL_WIJK),
         _with_level(from_buurt[~from_buurt["code"].isin(unchanged)], LEVEL_BUURT)],
        ignore_index=True,
    )


def _without_shape(codes: pd.Series, keys: pd.DataFrame, reasons: Mapping[str, str]) -> pd.DataFrame:
    grid = pd.DataFrame({"code": codes.astype(str).to_numpy()}).merge(keys, how="cross")
    why = grid["code"].map(lambda code: reasons.get(code, ""))
    return grid.assign(
        waarde=np.nan, dekking=0.0, grootste_bron_aandeel=0.0, grootste_bron_binnen=0.0, n_bronnen=0,
        methode=harmonise.METHOD_NONE, bronniveau="", kwaliteit="geen",
        reden=np.where(why != "", NO_SHAPE + ": " + why, NO_SHAPE),
    )


def _gemeente_rows(
    figures: pd.DataFrame, extra_values: list[pd.DataFrame], gemeenten_2020: gpd.GeoDataFrame | None,
    shapes_2024: dict[str, gpd.GeoDataFrame], targets: pd.DataFrame, inwoners_2024: pd.Series | None,
) -> tuple[pd.DataFrame, str, pd.Series]:
    """:func:`_gemeenten` for the gemeenten in ``targets``; also returns the weighting and the inhabitants used."""
    inwoners_2024 = inwoners_2024 if inwoners_2024 is not None else pd.Series(dtype="float64")
    inwoners = pd.Series(dtype="float64")
    if not inwoners_2024.empty and gemeenten_2020 is not None and "wijk" in shapes_2024:
        inwoners = inhabitants_2020_gemeenten(gemeenten_2020, shapes_2024["wijk"], inwoners_2024)
    rows, weighting = _gemeenten(_source_values(figures, extra_values, ("GM",)), gemeenten_2020,
                                 shapes_2024.get("gemeente"), inwoners,
                                 targets.loc[targets["niveau"] == "gemeente", "code"], inwoners_2024)
    return rows, weighting, inwoners


def harmonise_health(
    figures: pd.DataFrame,
    extra_values: list[pd.DataFrame],
    buurten_2020: gpd.GeoDataFrame | None,
    shapes_2024: dict[str, gpd.GeoDataFrame],
    targets: pd.DataFrame,
    shape_reasons: Mapping[str, str],
    gemeenten_2020: gpd.GeoDataFrame | None = None,
    inwoners_2024: pd.Series | None = None,
) -> Harmonised:
    """Carry the 2020-division RIVM figures onto every 2024 gemeente, wijk and buurt in ``targets``.

    Parameters
    ----------
    figures
        The combined store figures (the ``rivm_50090NED`` rows of indeling 2020 are carried).
    extra_values
        More 2020-division figures to carry that are not stored themselves (Weesp, GM0457).
    buurten_2020
        Raw 2020 buurt polygons (G4 and Weesp when present): ``code``, ``geometry``; None: nothing to carry.
    shapes_2024
        Raw 2024 polygons per niveau (``"gemeente"``, ``"wijk"``, ``"buurt"``): ``code``, ``geometry``.
    targets
        Every 2024 gemeente, wijk and buurt of the four cities: ``code``, ``niveau``, ``gemeentecode``.
    shape_reasons
        Why a 2024 buurt has no shape (code -> Dutch reason), for its quality rows.
    gemeenten_2020
        2020 gemeente polygons (the G4 and Weesp), for the merged gemeente Amsterdam; None: it gets no value.
    inwoners_2024
        Inhabitants of the 2024 wijken (code -> count, CBS 85984NED): the weights of the merged 2020 gemeenten
        (:func:`inhabitants_2020_gemeenten`); None or empty: area weights.
    """
    values = _source_values(figures, extra_values)
    keys = values[["indicator", "jaar"]].drop_duplicates().sort_values(["indicator", "jaar"]).reset_index(drop=True)
    parts = []
    if not values.empty and buurten_2020 is not None and not buurten_2020.empty:
        buurten_2020 = buurten_2020[["code", "geometry"]].drop_duplicates("code")
        wijken_2020 = shapes.dissolve(buurten_2020.assign(wijkcode="WK" + buurten_2020["code"].str[2:8]), "wijkcode")
        wijken_2020 = wijken_2020.rename(columns={"wijkcode": "code"})[["code", "geometry"]]
        for niveau in ("wijk", "buurt"):
            layer = shapes_2024.get(niveau)
            if layer is None:
                continue
            wanted = layer[layer["code"].isin(targets.loc[targets["niveau"] == niveau, "code"])
                           & layer.geometry.notna()][["code", "geometry"]]
            if wanted.empty:
                continue
            if niveau == "wijk":
                parts.append(_wijken(values, wijken_2020, buurten_2020, wanted))
            else:
                cw = harmonise.crosswalk(buurten_2020, wanted)
                parts.append(_with_level(harmonise.carry(values[values["code"].str.startswith("BU")], cw),
                                         LEVEL_BUURT))
    gm_rows, weighting, inwoners = _gemeente_rows(figures, extra_values, gemeenten_2020, shapes_2024, targets,
                                                  inwoners_2024)
    parts += [] if gm_rows.empty else [gm_rows]
    carried = pd.concat(parts, ignore_index=True) if parts else None
    done = set(carried["code"]) if carried is not None else set()
    rest = targets[~targets["code"].isin(done)]
    if not keys.empty:
        parts.append(_without_shape(rest["code"], keys, shape_reasons))
    if not parts:
        return Harmonised(figures_frame([], [], [], [], [], []), kwaliteit_frame(_empty_rows()), {})
    rows = _complete(pd.concat(parts, ignore_index=True), keys)
    rows["kwaliteit"] = np.where(rows["methode"] == harmonise.METHOD_NONE, "geen", rows["kwaliteit"])
    rows["reden"] = rows["reden"].fillna("")
    rows = rows.assign(indeling=INDELING_TO, bron=BRON_OMGEREKEND).sort_values(["code", "indicator", "jaar"])
    # A carried mean gets the precision of its sources (50090NED gives 0.1 point); unchanged values stay exact.
    carried_mean = (rows["methode"] == harmonise.METHOD_CARRIED).to_numpy()
    rows.loc[carried_mean, "waarde"] = rows.loc[carried_mean, "waarde"].astype("float64").round(DECIMALS)
    out_figures = figures_frame(rows["code"].to_numpy(), INDELING_TO, rows["jaar"].to_numpy(),
                                rows["indicator"].to_numpy(), rows["waarde"].to_numpy(dtype="float64"),
                                BRON_OMGEREKEND)
    # Shares to 0.1 percentage point: finer digits are overlay noise and only make the store bigger.
    shares = ["dekking", "grootste_bron_aandeel", "grootste_bron_binnen"]
    rows[shares] = rows[shares].astype("float64").round(3)
    kwaliteit = kwaliteit_frame(rows)
    summary = {**_summary(kwaliteit, targets, values), "gemeente_gewichten": _weights_summary(weighting, inwoners)}
    return Harmonised(out_figures, kwaliteit, summary)


def _complete(rows: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Every target gets every (indicator, jaar): a key its sources lack becomes a row without a value."""
    grid = rows[["code"]].drop_duplicates().merge(keys, how="cross")
    out = grid.merge(rows, on=["code", "indicator", "jaar"], how="left")
    absent = out["methode"].isna()
    return out.fillna({"dekking": 0.0, "grootste_bron_aandeel": 0.0, "grootste_bron_binnen": 0.0, "n_bronnen": 0,
                       "methode": harmonise.METHOD_NONE, "bronniveau": "", "kwaliteit": "geen"}).assign(
        reden=out["reden"].where(~absent, "de oude gebieden hebben dit cijfer niet voor dit jaar")
    )


def _empty_rows() -> pd.DataFrame:
    from kbz_data.store.storage import KWALITEIT_COLUMNS

    return pd.DataFrame({c: [] for c in KWALITEIT_COLUMNS})


#: The figure whose per-area quality the build report shows.
HEADLINE = ("ervaren_gezondheid_goed", 2020)


def _summary(kwaliteit: pd.DataFrame, targets: pd.DataFrame, values: pd.DataFrame) -> dict[str, Any]:
    """Counts per gemeente and niveau (areas, with a value, method and quality of the headline figure)."""
    head = kwaliteit[(kwaliteit["indicator"] == HEADLINE[0]) & (kwaliteit["jaar"] == HEADLINE[1])]
    head = head.assign(niveau=head["code"].str[:2].map({"GM": "gemeente", "WK": "wijk", "BU": "buurt"}),
                       gemeentecode="GM" + head["code"].str[2:6])
    per_city = []
    for (gemeentecode, niveau), group in head.groupby(["gemeentecode", "niveau"], sort=True):
        n_targets = int(((targets["gemeentecode"] == gemeentecode) & (targets["niveau"] == niveau)).sum())
        method = group["methode"].value_counts()
        quality = group["kwaliteit"].value_counts()
        per_city.append({
            "gemeente": GEMEENTEN.get(gemeentecode, gemeentecode), "niveau": niveau, "gebieden": n_targets,
            "met_waarde": int((group["methode"] != "geen").sum()),
            **{f"methode_{m}": int(method.get(m, 0)) for m in ("ongewijzigd", "omgerekend", "geen")},
            **{f"kwaliteit_{k}": int(quality.get(k, 0)) for k in ("goed", "matig", "slecht", "geen")},
            "uit_wijk_2020": int((group["bronniveau"] == LEVEL_WIJK).sum()),
            "cijfers_kwaliteit": _distribution(
                kwaliteit[kwaliteit["code"].str[2:6].eq(gemeentecode[2:])
                          & kwaliteit["code"].str[:2].eq(PREFIX[niveau])]
            ),
        })
    return {
        "bron": BRON_OMGEREKEND,
        "kerncijfer": f"{HEADLINE[0]} {HEADLINE[1]} (per gebied)",
        "per_gemeente": per_city,
        "kwaliteit_alle_cijfers": _distribution(kwaliteit),
        "cijfers": len(kwaliteit),
        "weesp_meegenomen": bool(values["code"].str[2:6].eq(WEESP[2:]).any()),
    }


#: Code prefix per niveau.
PREFIX = {"gemeente": "GM", "wijk": "WK", "buurt": "BU"}


def _weights_summary(weighting: str, inwoners: pd.Series) -> dict[str, Any]:
    """How the merged gemeenten were weighed, with the inhabitant estimates used (rounded)."""
    used = {c: round(float(inwoners[c])) for sources in GEMEENTE_SOURCES.values() if len(sources) > 1
            for c in sources if weighting == "inwoners" and c in inwoners.index}
    return {"weging": weighting or "geen samengevoegde gemeente", "inwoners_2020_geschat_uit_2024": used}


def _distribution(kwaliteit: pd.DataFrame) -> dict[str, int]:
    counts = kwaliteit["kwaliteit"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("goed", "matig", "slecht", "geen")}


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The summary as Dutch report lines."""
    if not summary:
        return ["geen gezondheidscijfers omgerekend naar indeling 2024 (geen 50090NED-cijfers of buurtvormen 2020)"]
    lines = [
        f"gezondheid omgerekend naar indeling 2024 ({summary['bron']}): {summary['cijfers']} cijfers, kwaliteit"
        f" goed/matig/slecht/geen {'/'.join(str(v) for v in summary['kwaliteit_alle_cijfers'].values())};"
        f" Weesp {'meegenomen' if summary['weesp_meegenomen'] else 'niet in de bronnen'}"
    ]
    for row in summary["per_gemeente"]:
        lines.append(
            f"  {row['gemeente']} {row['niveau']}: {row['met_waarde']} van {row['gebieden']} met waarde"
            f" (ongewijzigd {row['methode_ongewijzigd']}, omgerekend {row['methode_omgerekend']}, uit wijk 2020"
            f" {row['uit_wijk_2020']}); kwaliteit goed/matig/slecht/geen {row['kwaliteit_goed']}/"
            f"{row['kwaliteit_matig']}/{row['kwaliteit_slecht']}/{row['kwaliteit_geen']} ({summary['kerncijfer']})"
        )
    return lines


def from_layers(
    layers: dict[tuple[int, str], gpd.GeoDataFrame], weesp_buurten: list[gpd.GeoDataFrame],
    weesp_figures: list[pd.DataFrame], figures: pd.DataFrame, gebieden: gpd.GeoDataFrame,
    shape_reasons: Mapping[str, str],
) -> Harmonised:
    """:func:`harmonise_health` on the build's raw layers (:func:`kbz_data.store.shapes.merge_layers`).

    Targets are the 2024 gemeenten, wijken and buurten of ``gebieden``; sources the 2020 buurten plus Weesp's,
    and the 2020 gemeenten (Weesp's the dissolve of its buurten). The weights of the merged gemeenten use the
    inhabitants of the 2024 wijken in ``figures`` (``inwoners``, CBS 85984NED) when present.
    """
    targets = pd.DataFrame(gebieden.drop(columns="geometry"))
    targets = targets[(targets["indeling"] == INDELING_TO) & targets["niveau"].isin(["gemeente", "wijk", "buurt"])]
    earlier = [layers[(INDELING_FROM, "buurt")]] if (INDELING_FROM, "buurt") in layers else []
    weesp = [g[["code", "geometry"]] for g in weesp_buurten if not g.empty]
    earlier += weesp
    buurten_2020 = pd.concat(earlier, ignore_index=True)[["code", "geometry"]] if earlier else None
    gemeenten_2020 = None
    if (INDELING_FROM, "gemeente") in layers:
        parts = [layers[(INDELING_FROM, "gemeente")][["code", "geometry"]]]
        if weesp:
            weesp_buurt = gpd.GeoDataFrame(pd.concat(weesp, ignore_index=True), geometry="geometry", crs=weesp[0].crs)
            whole = shapes.dissolve(weesp_buurt.assign(gemeentecode=WEESP)[["gemeentecode", "geometry"]],
                                    "gemeentecode")
            parts.append(whole.rename(columns={"gemeentecode": "code"})[["code", "geometry"]].to_crs(parts[0].crs))
        gemeenten_2020 = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=parts[0].crs)
    shapes_2024 = {n: layers[(INDELING_TO, n)] for n in ("gemeente", "wijk", "buurt") if (INDELING_TO, n) in layers}
    inwoners = figures[(figures["indicator"] == "inwoners") & (figures["indeling"] == INDELING_TO)
                       & figures["code"].str[:2].isin(["GM", "WK"]) & figures["waarde"].notna()]
    inwoners = inwoners.drop_duplicates("code").set_index("code")["waarde"].astype("float64")
    return harmonise_health(
        figures, weesp_figures, buurten_2020, shapes_2024, targets[["code", "niveau", "gemeentecode"]],
        shape_reasons, gemeenten_2020=gemeenten_2020, inwoners_2024=inwoners,
    )
