"""Tests for kbz_data.store.buurt_shapes: 2024 buurten drawn with 2020-division shapes where that is safe.

Hand-made rectangles in RD New (EPSG:28992); ``rect(x0, x1)`` spans y 0..100 m. An integration test on the
staged sources runs when KBZ_SOURCES is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from kbz_data.errors import KbzDataError
from kbz_data.store.buurt_shapes import (
    GEOMETRIEBRON,
    GEOMETRIEBRON_WIJK,
    from_sources,
    reuse_earlier_shapes,
    summary,
)

X0, Y0 = 120_000.0, 480_000.0


def rect(x0: float, x1: float, y0: float = 0.0, y1: float = 100.0) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def frame(shapes: dict[str, shapely.Geometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": list(shapes)}, geometry=list(shapes.values()), crs="EPSG:28992")


def buurten(codes: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"code": list(codes), "wijkcode": list(codes.values()), "naam": [f"naam {c}" for c in codes]})


def reason(result, code: str) -> str:
    return result.report.set_index("code").loc[code, "reden"]


def test_unchanged_wijk_gets_its_2020_buurt_shapes():
    result = reuse_earlier_shapes(
        buurten({"BU00010101": "WK000101", "BU00010102": "WK000101"}),
        frame({"WK000101": rect(0, 200)}),
        frame({"BU00010101": rect(0, 100), "BU00010102": rect(100, 200)}),
    )
    assert result.report["vorm"].all()
    assert sorted(result.shapes["code"]) == ["BU00010101", "BU00010102"]
    assert set(result.shapes["geometriebron"]) == {GEOMETRIEBRON}
    assert result.shapes.crs.to_epsg() == 4326
    back = result.shapes.to_crs(28992).set_index("code").geometry
    assert back["BU00010101"].symmetric_difference(rect(0, 100)).area < 1.0  # m2, after a round trip through WGS84
    assert result.wijken.set_index("wijkcode").loc["WK000101", "verschil"] == pytest.approx(0.0)


def test_generalisation_noise_passes_but_a_real_change_does_not():
    # W1: the 2020 buurten stick out 10 m along the top (a strip: noise). W2: a 100 x 100 m block is missing.
    result = reuse_earlier_shapes(
        buurten({"BU00010101": "WK000101", "BU00010102": "WK000101",
                 "BU00010201": "WK000102", "BU00010202": "WK000102"}),
        frame({"WK000101": rect(0, 200), "WK000102": rect(200, 600)}),
        frame({"BU00010101": rect(0, 100, 0, 110), "BU00010102": rect(100, 200, 0, 110),
               "BU00010201": rect(200, 400), "BU00010202": rect(400, 500)}),
    )
    wijken = result.wijken.set_index("wijkcode")
    assert wijken.loc["WK000101", "verschil_ruw"] == pytest.approx(0.10)
    assert wijken.loc["WK000101", "verschil"] == pytest.approx(0.0)  # a 10 m strip is removed by the opening
    assert wijken.loc["WK000101", "past"]
    assert wijken.loc["WK000102", "alleen_wijk"] == pytest.approx(0.25)
    assert not wijken.loc["WK000102", "past"]
    assert reason(result, "BU00010101") == ""
    assert reason(result, "BU00010201") == (
        "de buurten van WK000102 (vormen 2020) wijken 25,0 % af van de wijk 2024 (toegestaan 5 %)"
    )


def test_new_code_renamed_and_cbs_change_stay_without_shape():
    result = reuse_earlier_shapes(
        buurten({"BU00010101": "WK000101", "BU00010102": "WK000101", "BU00010103": "WK000101",
                 "BU00010201": "WK000102", "BU00010202": "WK000102"}),
        frame({"WK000101": rect(0, 300), "WK000102": rect(300, 500)}),
        frame({"BU00010101": rect(0, 100), "BU00010102": rect(100, 200), "BU00010103": rect(200, 300),
               "BU00010299": rect(300, 400), "BU00010202": rect(400, 500)}),
        earlier_names={"BU00010102": "Oude naam", "BU00010101": " NAAM  bu00010101 "},
        division_changes={"BU00010101": "1", "BU00010103": "3"},
    )
    assert reason(result, "BU00010101") == ""  # same name up to case and spaces; CBS: unchanged
    assert reason(result, "BU00010102") == "naam gewijzigd (2020: Oude naam, 2024: naam BU00010102)"
    assert reason(result, "BU00010103") == (
        "CBS meldt een indelingswijziging (code 3) ten opzichte van het vorige jaar"
    )
    # BU00010201 is new; without it the 2020 shapes of WK000102 cover only half the wijk
    assert reason(result, "BU00010201") == "code bestaat niet in de indeling 2020"
    assert reason(result, "BU00010202").startswith("de buurten van WK000102 (vormen 2020) wijken 50,0 % af")
    assert list(result.shapes["code"]) == ["BU00010101"]


def test_single_buurt_wijk_falls_back_to_the_wijk_polygon():
    result = reuse_earlier_shapes(
        buurten({"BU00010101": "WK000101", "BU00010201": "WK000102"}),
        frame({"WK000101": rect(0, 100), "WK000102": rect(100, 300)}),
        frame({"BU00010101": rect(0, 100), "BU00010201": rect(100, 150)}),  # WK000102 grew since 2020
    )
    shapes = result.shapes.set_index("code")
    assert shapes.loc["BU00010101", "geometriebron"] == GEOMETRIEBRON  # passes: the 2020 shape is kept
    assert shapes.loc["BU00010201", "geometriebron"] == GEOMETRIEBRON_WIJK
    drawn = shapes.to_crs(28992).geometry["BU00010201"]
    assert drawn.symmetric_difference(rect(100, 300)).area < 1.0  # m2, after a round trip through WGS84


def test_wijk_without_polygon_and_summary():
    result = reuse_earlier_shapes(
        buurten({"BU00010101": "WK000101", "BU00010201": "WK000102", "BU00020101": "WK000201"}),
        frame({"WK000101": rect(0, 100), "WK000201": rect(500, 600)}),
        frame({"BU00010101": rect(0, 100), "BU00010201": rect(100, 200), "BU00020101": rect(500, 600)}),
    )
    assert reason(result, "BU00010201") == "wijk WK000102 heeft geen vorm in de indeling 2024"
    table = summary(result.report).set_index("gemeentecode")
    assert table.loc["GM0001", ["buurten", "met_vorm", "zonder_vorm"]].tolist() == [2, 1, 1]
    assert table.loc["GM0001", "redenen"] == {"wijk WK.. heeft geen vorm in de indeling 2024": 1}
    assert table.loc["GM0002", "met_vorm"] == 1


def test_inputs_in_wgs84_are_measured_in_rd_new():
    result = reuse_earlier_shapes(
        buurten({"BU00010101": "WK000101"}),
        frame({"WK000101": rect(0, 200)}).to_crs(4326),
        frame({"BU00010101": rect(0, 200)}).to_crs(4326),
    )
    assert result.wijken["oppervlak_m2"].iloc[0] == pytest.approx(20_000.0, rel=1e-6)


def test_bad_inputs_are_refused():
    with pytest.raises(KbzDataError, match="wijkcode"):
        reuse_earlier_shapes(pd.DataFrame({"code": ["BU00010101"]}), frame({}), frame({}))
    no_crs = gpd.GeoDataFrame({"code": ["WK000101"]}, geometry=[rect(0, 1)])
    with pytest.raises(KbzDataError, match="CRS"):
        reuse_earlier_shapes(buurten({"BU00010101": "WK000101"}), no_crs, frame({}))


def test_kwb_division_changes_reads_the_cbs_code_of_g4_areas():
    from kbz_data.sources import kwb, statline

    path = Path(__file__).parent / "fixtures" / "statline" / "kwb2024_codes.csv"
    changes = kwb.division_changes(statline.read_csv(path), path)
    assert changes["BU03440101"] == "1" and changes["WK034401"] == "1"
    assert "GM1680" not in changes.index and "NL00" not in changes.index  # G4 only


SOURCES = os.environ.get("KBZ_SOURCES")


@pytest.mark.skipif(not SOURCES, reason="KBZ_SOURCES is not set: the staged raw sources are needed")
def test_staged_sources_counts_per_city():
    result = from_sources(Path(SOURCES))
    table = summary(result.report).set_index("gemeentecode")
    assert table.loc["GM0344", ["buurten", "met_vorm"]].tolist() == [111, 111]
    assert table.loc["GM0518", ["buurten", "met_vorm"]].tolist() == [114, 106]
    assert table.loc["GM0599", ["buurten", "met_vorm"]].tolist() == [91, 78]
    without = result.report[~result.report["vorm"]]
    assert sorted(without.loc[without["gemeentecode"] == "GM0518", "wijkcode"].unique()) == ["WK051807", "WK051827"]
    changed = without["reden"].str.startswith("CBS meldt")
    assert changed.sum() == 9 and set(without.loc[changed, "gemeentecode"]) == {"GM0599"}
    assert sorted(result.shapes.loc[result.shapes["geometriebron"] == GEOMETRIEBRON_WIJK, "code"]) == [
        "BU05181041", "BU05182245", "BU05182347", "BU05182449", "BU05991391", "BU05992540"
    ]
    assert result.shapes.geometry.is_valid.all()
