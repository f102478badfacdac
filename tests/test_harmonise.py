"""Tests for kbz_data.analysis.harmonise on hand-made rectangles whose answers are computed by hand.

All polygons are rectangles in RD New (EPSG:28992) near (120000, 480000); ``rect(x0, x1)`` is 100 m high,
so its area is 100 x (x1 - x0) m2.
"""

from __future__ import annotations

import itertools
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from kbz_data.analysis.harmonise import (
    CARRY_COLUMNS,
    METHOD_CARRIED,
    METHOD_NONE,
    METHOD_UNCHANGED,
    carry,
    crosswalk,
    quality_summary,
)
from kbz_data.errors import KbzDataError

X0, Y0 = 120_000.0, 480_000.0


def rect(x0: float, x1: float, y0: float = 0.0, y1: float = 100.0) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def areas(shapes: dict[str, shapely.Geometry], crs: str = "EPSG:28992", **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": list(shapes), **columns}, geometry=list(shapes.values()), crs=crs)


def figures(values: dict[str, float], indicator: str = "ervaren_gezondheid_goed", jaar: int = 2020) -> pd.DataFrame:
    return pd.DataFrame({"code": list(values), "indicator": indicator, "jaar": jaar, "waarde": list(values.values())})


def row(carried: pd.DataFrame, code: str) -> pd.Series:
    hits = carried[carried["code"] == code]
    assert len(hits) == 1, hits
    return hits.iloc[0]


def test_unchanged_boundary_keeps_the_value_exactly():
    # target T = A shifted 5 m east: A covers 95 % of T and 95 % of A lies in T (>= 90 %: unchanged);
    # B covers the other 5 % of T (not a sliver), so a weighted mean would give 0.95 a + 0.05 b instead.
    a_value = 0.1 + 0.2  # 0.30000000000000004: any recomputation would round it differently
    src = areas({"A": rect(0, 100), "B": rect(100, 200)})
    tgt = areas({"T": rect(5, 105)})
    cw = crosswalk(src, tgt)
    assert cw.targets.set_index("doel").loc["T", "ongewijzigd_bron"] == "A"
    out = row(carry(figures({"A": a_value, "B": 90.0}), cw), "T")
    assert out["waarde"] == a_value  # the same float, not approximately
    assert out["methode"] == METHOD_UNCHANGED
    assert out["n_bronnen"] == 1
    assert out["kwaliteit"] == "goed"
    assert out["dekking"] == pytest.approx(1.0)
    assert out["grootste_bron_aandeel"] == pytest.approx(0.95)


def test_identical_geometry_is_unchanged_and_exact():
    src = areas({"A": rect(0, 100)})
    out = row(carry(figures({"A": 71.7}), crosswalk(src, areas({"A2024": rect(0, 100)}))), "A2024")
    assert out["waarde"] == 71.7 and out["methode"] == METHOD_UNCHANGED


def test_split_one_source_into_two_targets():
    # S [0,200] split at x = 150: T1 holds 75 % of S, T2 25 % (a small part of a split area)
    src = areas({"S": rect(0, 200)})
    tgt = areas({"T1": rect(0, 150), "T2": rect(150, 200)})
    cw = crosswalk(src, tgt)
    pct = carry(figures({"S": 60.0}), cw)
    for code, inside, kwaliteit in (("T1", 0.75, "goed"), ("T2", 0.25, "slecht")):
        out = row(pct, code)
        assert out["waarde"] == pytest.approx(60.0)
        assert out["methode"] == METHOD_CARRIED  # S does not lie for >= 90 % in either target
        assert (out["n_bronnen"], out["kwaliteit"]) == (1, kwaliteit)
        assert out["dekking"] == pytest.approx(1.0) and out["grootste_bron_aandeel"] == pytest.approx(1.0)
        assert out["grootste_bron_binnen"] == pytest.approx(inside)
    assert row(pct, "T2")["reden"] == "geschat uit een groter gebied: slechts 25% daarvan ligt in dit gebied"
    counts = carry(figures({"S": 1000.0}, indicator="inwoners"), cw, eenheid="aantal")
    assert row(counts, "T1")["waarde"] == pytest.approx(750.0)
    assert row(counts, "T2")["waarde"] == pytest.approx(250.0)
    # a split into 60 % / 40 %: the 40 % part is "matig"
    halves = carry(figures({"S": 60.0}), crosswalk(src, areas({"T1": rect(0, 120), "T2": rect(120, 200)})))
    assert row(halves, "T2")["kwaliteit"] == "matig"
    assert "deel (40%)" in row(halves, "T2")["reden"]


def test_merge_two_sources_area_weighted_mean_and_sum():
    # A: 100 x 100 m, 80 %; B: 200 x 100 m, 50 %  ->  (80 x 1 + 50 x 2) / 3 = 60 %
    src = areas({"A": rect(0, 100), "B": rect(100, 300)}, inwoners=[300.0, 100.0])
    tgt = areas({"T": rect(0, 300)})
    out = row(carry(figures({"A": 80.0, "B": 50.0}), crosswalk(src, tgt)), "T")
    assert out["waarde"] == pytest.approx(60.0)
    assert out["n_bronnen"] == 2
    assert out["grootste_bron_aandeel"] == pytest.approx(2 / 3)
    assert out["kwaliteit"] == "matig"  # well covered, but no source covers >= 80 %
    assert "2 gebieden" in out["reden"]
    # counts add up
    mixed = pd.concat([figures({"A": 80.0, "B": 50.0}), figures({"A": 300.0, "B": 100.0}, indicator="inwoners")])
    carried = carry(mixed, crosswalk(src, tgt), eenheid={"inwoners": "aantal"})
    assert carried.set_index("indicator").loc["inwoners", "waarde"] == pytest.approx(400.0)
    assert carried.set_index("indicator").loc["ervaren_gezondheid_goed", "waarde"] == pytest.approx(60.0)
    # inhabitant weights: (80 x 300 + 50 x 100) / 400 = 72.5
    cw = crosswalk(src, tgt, weights="inwoners")
    assert cw.weighting == "inwoners"
    assert row(carry(figures({"A": 80.0, "B": 50.0}), cw), "T")["waarde"] == pytest.approx(72.5)


def test_shifted_edge():
    # A [0,100] 80 %, B [100,200] 40 %; the edge moved to x = 120: T1 [0,120], T2 [120,200]
    src = areas({"A": rect(0, 100), "B": rect(100, 200)})
    tgt = areas({"T1": rect(0, 120), "T2": rect(120, 200)})
    cw = crosswalk(src, tgt)
    carried = carry(figures({"A": 80.0, "B": 40.0}), cw)
    t1 = row(carried, "T1")
    assert t1["waarde"] == pytest.approx((80 * 100 + 40 * 20) / 120)
    assert t1["grootste_bron_aandeel"] == pytest.approx(100 / 120)
    assert t1["methode"] == METHOD_CARRIED  # A covers 83 % of T1: below the 90 % of "unchanged"
    t2 = row(carried, "T2")
    assert t2["waarde"] == pytest.approx(40.0)
    assert t2["methode"] == METHOD_CARRIED  # only 80 % of B lies in T2
    pieces = cw.pieces.set_index(["bron", "doel"])
    assert pieces.loc[("B", "T1"), "aandeel_bron"] == pytest.approx(0.2)
    assert pieces.loc[("B", "T1"), "aandeel_doel"] == pytest.approx(20 / 120)


def test_water_piece_without_value_does_not_dilute():
    # W is water (no value). T1 is half water: value of A, coverage 50 % -> slecht but kept.
    src = areas({"A": rect(0, 100), "W": rect(100, 200), "C": rect(200, 360)})
    tgt = areas({"T1": rect(0, 200), "T2": rect(160, 360)})
    carried = carry(figures({"A": 70.0, "W": np.nan, "C": 55.0}), crosswalk(src, tgt))
    t1 = row(carried, "T1")
    assert t1["waarde"] == pytest.approx(70.0)
    assert t1["dekking"] == pytest.approx(0.5)
    assert t1["kwaliteit"] == "slecht"
    assert "50%" in t1["reden"]
    t2 = row(carried, "T2")  # 40 m of water, 160 m of C: coverage 80 %
    assert t2["waarde"] == pytest.approx(55.0)
    assert t2["dekking"] == pytest.approx(0.8)
    assert t2["kwaliteit"] == "matig"


def test_slivers_below_tolerance_are_dropped_and_reported():
    # T is 1000 m wide; B overlaps it for 8 m = 0.8 % (800 m2 > 100 m2, but < 1 % of T)
    src = areas({"A": rect(0, 992), "B": rect(992, 1100), "C": rect(-0.5, 0, 0, 100)})
    tgt = areas({"T": rect(-0.5, 1000)})  # C overlaps T for 50 m2: below 100 m2
    cw = crosswalk(src, tgt, unchanged_share=0.999)
    assert sorted(cw.slivers["bron"]) == ["B", "C"]
    assert list(cw.pieces["bron"]) == ["A"]
    out = row(carry(figures({"A": 50.0, "B": 90.0, "C": 10.0}), cw), "T")
    assert out["waarde"] == pytest.approx(50.0)
    assert out["n_bronnen"] == 1
    assert out["dekking"] == pytest.approx(1.0)  # slivers still count as covered
    # counts: B and C have only sliver pieces here, so only A's count (A lies fully in T) is carried
    counts = carry(figures({"A": 1000.0, "B": 108.0, "C": 1.0}), cw, eenheid="aantal")
    assert row(counts, "T")["waarde"] == pytest.approx(1000.0)


def test_sliver_share_of_a_count_moves_to_the_sources_other_pieces():
    # S [0,1000] split into T1 [0,995] and T2 [995,2000] (T2's piece of S is 5 m x 100 m = 500 m2 = 0.5 % of T2)
    src = areas({"S": rect(0, 1000), "R": rect(1000, 2000)})
    tgt = areas({"T1": rect(0, 995), "T2": rect(995, 2000)})
    cw = crosswalk(src, tgt)
    assert list(cw.slivers[["bron", "doel"]].itertuples(index=False, name=None)) == [("S", "T2")]
    counts = carry(figures({"S": 1000.0, "R": 400.0}), cw, eenheid="aantal")
    assert row(counts, "T1")["waarde"] == pytest.approx(1000.0)  # not 995: the sliver's 5 stay with S
    assert row(counts, "T2")["waarde"] == pytest.approx(400.0)


def test_target_not_covered_is_flagged_with_nan_and_reason():
    src = areas({"A": rect(0, 100)})
    tgt = areas({"T": rect(0, 100), "FAR": rect(5000, 5100)})
    carried = carry(figures({"A": 64.0}), crosswalk(src, tgt))
    far = row(carried, "FAR")
    assert math.isnan(far["waarde"])
    assert (far["methode"], far["kwaliteit"], far["n_bronnen"], far["dekking"]) == (METHOD_NONE, "slecht", 0, 0.0)
    assert far["reden"] == "geen gebied van de oude indeling overlapt dit gebied"
    assert list(carried.columns) == CARRY_COLUMNS


def test_unchanged_source_without_value_gives_nan_with_reason():
    src = areas({"A": rect(0, 100), "B": rect(100, 200)})
    out = row(carry(figures({"A": np.nan, "B": 40.0}), crosswalk(src, areas({"T": rect(5, 105)}))), "T")
    assert math.isnan(out["waarde"]) and out["methode"] == METHOD_NONE and out["kwaliteit"] == "slecht"
    assert "A" in out["reden"]


def test_inputs_in_wgs84_are_projected_to_rd_new():
    src_rd = areas({"A": rect(0, 100), "B": rect(100, 300)})
    tgt_rd = areas({"T1": rect(0, 150), "T2": rect(150, 300)})
    expected = carry(figures({"A": 80.0, "B": 50.0}), crosswalk(src_rd, tgt_rd))
    cw = crosswalk(src_rd.to_crs("EPSG:4326"), tgt_rd.to_crs("EPSG:4326"))
    assert cw.pieces["oppervlak_m2"].sum() == pytest.approx(30_000.0, rel=1e-6)  # m2, not degrees2
    got = carry(figures({"A": 80.0, "B": 50.0}), cw)
    assert got["waarde"].to_numpy() == pytest.approx(expected["waarde"].to_numpy(), rel=1e-6)
    assert row(got, "T1")["waarde"] == pytest.approx((80 * 100 + 50 * 50) / 150, rel=1e-6)


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (areas({"A": rect(0, 1)}, crs=None), areas({"T": rect(0, 1)}), "geen CRS"),
        (areas({"A": rect(0, 1)}), gpd.GeoDataFrame({"naam": ["x"]}, geometry=[rect(0, 1)], crs=28992), "'code'"),
        (gpd.GeoDataFrame({"code": ["A", "A"]}, geometry=[rect(0, 1), rect(1, 2)], crs=28992),
         areas({"T": rect(0, 1)}), "dubbele code"),
    ],
)
def test_bad_inputs_are_refused(source, target, message):
    with pytest.raises(KbzDataError, match=message):
        crosswalk(source, target)


def test_bad_values_and_weights_are_refused():
    src = areas({"A": rect(0, 100)}, inwoners=[-1.0])
    tgt = areas({"T": rect(0, 100)})
    with pytest.raises(KbzDataError, match="negatieve"):
        crosswalk(src, tgt, weights="inwoners")
    with pytest.raises(KbzDataError, match="ontbreekt"):
        crosswalk(src, tgt, weights="bewoners")
    cw = crosswalk(src, tgt)
    with pytest.raises(KbzDataError, match="dubbele"):
        carry(pd.concat([figures({"A": 1.0}), figures({"A": 2.0})]), cw)
    with pytest.raises(KbzDataError, match="waarde"):
        carry(figures({"A": 1.0}).drop(columns="waarde"), cw)


def test_several_indicators_and_years_and_summary():
    src = areas({"A": rect(0, 100), "B": rect(100, 200)})
    tgt = areas({"T": rect(0, 200)})
    values = pd.concat([figures({"A": 80.0, "B": 60.0}, jaar=j) for j in (2012, 2016, 2020)])
    carried = carry(values, crosswalk(src, tgt))
    assert sorted(carried["jaar"]) == [2012, 2016, 2020]
    assert carried["waarde"].to_numpy() == pytest.approx(np.full(3, 70.0))
    summary = quality_summary(carried.assign(gemeentecode="GM0000"), by="gemeentecode")
    assert summary["n"].sum() == 3


cuts = st.lists(st.floats(min_value=1.0, max_value=999.0), min_size=0, max_size=6, unique=True)


#: Strips at least this wide: every source then has a kept (non-sliver) piece, so counts add up exactly.
MIN_STRIP_M = 30.0


def strips(name: str, xs: list[float]) -> gpd.GeoDataFrame:
    edges = [0.0, *sorted(xs), 1000.0]
    kept = [0.0]
    for edge in edges[1:-1]:
        if edge - kept[-1] >= MIN_STRIP_M and 1000.0 - edge >= MIN_STRIP_M:
            kept.append(edge)
    edges = [*kept, 1000.0]
    return areas({f"{name}{i}": rect(a, b) for i, (a, b) in enumerate(itertools.pairwise(edges))})


@settings(max_examples=40, deadline=None)
@given(source_cuts=cuts, target_cuts=cuts, constant=st.floats(min_value=0.0, max_value=100.0))
def test_property_constant_field_stays_constant_and_counts_add_up(source_cuts, target_cuts, constant):
    src = strips("S", source_cuts)
    tgt = strips("T", target_cuts)
    cw = crosswalk(src, tgt)
    carried = carry(figures(dict.fromkeys(src["code"], constant)), cw)
    assert carried["waarde"].to_numpy() == pytest.approx(np.full(len(tgt), constant), rel=1e-9, abs=1e-9)
    # counts are apportioned (and add up) when no target is copied unchanged
    apportioned = crosswalk(src, tgt, unchanged_share=None)
    assert apportioned.targets["ongewijzigd_bron"].isna().all()
    total = carry(figures(dict.fromkeys(src["code"], 7.0)), apportioned, eenheid="aantal")["waarde"].sum()
    assert total == pytest.approx(7.0 * len(src), rel=1e-9)
