"""Tests for kbz_data.store.shapes: dissolve, coverage-preserving simplification, GeoJSON for maps."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbz_data.errors import KbzDataError, KbzStoreError
from kbz_data.sources.geometry import read_topojson_buurten
from kbz_data.store.shapes import DISPLAY_DECIMALS, DISPLAY_TOLERANCE_M, dissolve, geojson_for, simplify_for_display

FIXTURES = Path(__file__).parent / "fixtures" / "geo"
RD = "EPSG:28992"


def _rd_areas(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return shapely.area(gdf.to_crs(RD).geometry.to_numpy())


def _max_pairwise_overlap(geoms: np.ndarray) -> float:
    """Largest intersection area between any two different geometries."""
    tree = shapely.STRtree(geoms)
    worst = 0.0
    for i, j in tree.query(geoms, predicate="intersects").T:
        if i < j:
            worst = max(worst, shapely.intersection(geoms[i], geoms[j]).area)
    return worst


# ----------------------------------------------------------------------------------------------------------
# A wiggly 3 x 3 grid coverage in RD New: shared edges are identical polylines with many vertices
# ----------------------------------------------------------------------------------------------------------


def _grid_coverage(
    amplitude: float = 30.0, waves: int = 5, cell: float = 1000.0, step: float = 10.0, n: int = 3
) -> gpd.GeoDataFrame:
    """Cells of a grid near Utrecht whose edges are sine waves (zero at the corners), as a valid coverage."""
    x0, y0 = 135_000.0, 454_000.0
    t = np.arange(0.0, cell + step / 2, step)
    wave = amplitude * np.sin(np.pi * waves * t / cell)

    def horizontal(i: int, j: int) -> np.ndarray:  # from corner (i, j) to (i + 1, j)
        return np.column_stack([x0 + i * cell + t, y0 + j * cell + wave])

    def vertical(i: int, j: int) -> np.ndarray:  # from corner (i, j) to (i, j + 1)
        return np.column_stack([x0 + i * cell + wave, y0 + j * cell + t])

    codes, geoms = [], []
    for i, j in itertools.product(range(n), range(n)):
        ring = np.vstack([
            horizontal(i, j)[:-1], vertical(i + 1, j)[:-1], horizontal(i, j + 1)[::-1][:-1], vertical(i, j)[::-1],
        ])  # fmt: skip
        codes.append(f"BU0344{i:02d}{j:02d}")
        geoms.append(shapely.Polygon(ring))
    gdf = gpd.GeoDataFrame(
        {"code": codes, "gemeentecode": "GM0344", "wijkcode": [f"WK0344{i:02d}" for i, _ in
                                                               itertools.product(range(n), range(n))]},
        geometry=geoms, crs=RD,
    )  # fmt: skip
    return gdf


def test_grid_fixture_is_a_valid_coverage() -> None:
    grid = _grid_coverage()
    assert shapely.coverage_is_valid(grid.geometry.to_numpy())
    assert shapely.get_num_coordinates(grid.geometry.to_numpy()).min() > 300


# ----------------------------------------------------------------------------------------------------------
# dissolve
# ----------------------------------------------------------------------------------------------------------


class TestDissolve:
    def test_buurten_into_wijken_from_topojson(self) -> None:
        buurten = read_topojson_buurten(FIXTURES / "buurten_topo.json")
        wijken = dissolve(buurten, "wijkcode")
        assert wijken["wijkcode"].tolist() == ["WK000300", "WK034401", "WK034402"]
        assert list(wijken.columns) == ["wijkcode", "gemeentecode", "geometry"]  # code differs within a wijk
        assert wijken["gemeentecode"].tolist() == ["GM0003", "GM0344", "GM0344"]
        assert wijken.crs == buurten.crs
        for code in ("WK034401", "WK034402"):
            merged = wijken.loc[wijken["wijkcode"] == code].geometry.iloc[0]
            assert merged.geom_type == "Polygon" and len(merged.interiors) == 0
        summed = dict(zip(buurten["wijkcode"], np.zeros(len(buurten)), strict=True))
        for code, area in zip(buurten["wijkcode"], _rd_areas(buurten), strict=True):
            summed[code] += area
        for code, area in zip(wijken["wijkcode"], _rd_areas(wijken), strict=True):
            assert area == pytest.approx(summed[code], rel=1e-6)

    def test_shared_kinked_edge_disappears(self) -> None:
        buurten = read_topojson_buurten(FIXTURES / "buurten_topo.json", {"GM0344"})
        wijk = dissolve(buurten, "wijkcode").geometry.iloc[0]
        # the kink at quantized (12, 5) -> (5.112, 52.0825) was only on the shared arc
        assert not any(np.allclose(xy, (5.112, 52.0825)) for xy in shapely.get_coordinates(wijk))
        assert shapely.symmetric_difference(wijk, shapely.box(5.10, 52.08, 5.12, 52.085)).area < 1e-12

    def test_gemeenten_from_wijken(self) -> None:
        grid = _grid_coverage()
        wijken = dissolve(grid, "wijkcode")
        assert len(wijken) == 3
        gemeente = dissolve(wijken, "gemeentecode")
        assert len(gemeente) == 1 and gemeente.geometry.iloc[0].geom_type == "Polygon"
        assert len(gemeente.geometry.iloc[0].interiors) == 0
        assert _rd_areas(gemeente)[0] == pytest.approx(_rd_areas(grid).sum(), rel=1e-9)

    def test_overlapping_input_falls_back_to_full_union(self) -> None:
        gdf = gpd.GeoDataFrame(
            {"wijkcode": ["WK1", "WK1"]}, geometry=[shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1)], crs=RD
        )
        merged = dissolve(gdf, "wijkcode").geometry.iloc[0]
        assert merged.is_valid and merged.area == pytest.approx(3.0)

    def test_slits_of_a_broken_coverage_leave_no_holes(self) -> None:
        # four wijken of one gemeente around a 20 m wide slit; a and b also overlap by 5 m (not a coverage)
        gdf = gpd.GeoDataFrame(
            {"wijkcode": ["a", "b", "c", "d", "e"], "gemeentecode": "GM0344"},
            geometry=[shapely.box(135_000, 454_000, 136_005, 455_000), shapely.box(136_000, 454_000, 137_000, 455_000),
                      shapely.box(135_000, 455_020, 137_000, 456_000), shapely.box(134_000, 454_000, 135_000, 456_000),
                      shapely.box(137_000, 454_000, 138_000, 456_000)],
            crs=RD,
        )  # fmt: skip
        gemeente = dissolve(gdf, "gemeentecode").geometry.iloc[0]
        assert gemeente.geom_type == "Polygon" and len(gemeente.interiors) == 0
        assert gemeente.area == pytest.approx(4_000 * 2_000, rel=1e-9)
        with_slit = dissolve(gdf, "gemeentecode", gap_width_m=0.0).geometry.iloc[0]
        assert len(with_slit.interiors) == 1 and with_slit.area == pytest.approx(4_000 * 2_000 - 20 * 2_000)

    def test_real_holes_of_a_valid_coverage_stay(self) -> None:
        ring = shapely.box(0, 0, 3_000, 3_000).difference(shapely.box(1_000, 1_000, 1_010, 2_000))
        gdf = gpd.GeoDataFrame({"wijkcode": ["WK1"]}, geometry=[ring], crs=RD)
        assert len(dissolve(gdf, "wijkcode").geometry.iloc[0].interiors) == 1

    def test_null_geometry_is_ignored(self) -> None:
        gdf = gpd.GeoDataFrame(
            {"wijkcode": ["WK1", "WK1", "WK2"]}, geometry=[shapely.box(0, 0, 1, 1), None, None], crs=RD
        )
        out = dissolve(gdf, "wijkcode")
        assert out.geometry.iloc[0].area == pytest.approx(1.0)
        assert out.geometry.iloc[1] is None

    @pytest.mark.parametrize(
        ("by", "message"),
        [("buurtcode", "kan niet samenvoegen op kolom 'buurtcode': die kolom bestaat niet"),
         ("geometry", "kan niet samenvoegen op kolom 'geometry': die kolom bestaat niet"),
         ("leeg", "kan niet samenvoegen op kolom 'leeg': 1 lege waarde(n)")],
    )  # fmt: skip
    def test_bad_column(self, by: str, message: str) -> None:
        gdf = gpd.GeoDataFrame({"leeg": [None]}, geometry=[shapely.box(0, 0, 1, 1)], crs=RD)
        with pytest.raises(KbzDataError) as info:
            dissolve(gdf, by)
        assert message in str(info.value)


# ----------------------------------------------------------------------------------------------------------
# simplify_for_display
# ----------------------------------------------------------------------------------------------------------


def _assert_display_coverage(original: gpd.GeoDataFrame, simple: gpd.GeoDataFrame, tolerance_m: float) -> None:
    """Invariants of a simplified coverage: valid, rounded, no overlaps, no gaps, area kept."""
    assert simple.crs.to_epsg() == 4326
    assert simple.is_valid.all()
    assert set(simple.geom_type) <= {"Polygon", "MultiPolygon"}
    coords = shapely.get_coordinates(simple.geometry.to_numpy())
    assert np.array_equal(coords, np.round(coords, DISPLAY_DECIMALS))
    rd = simple.to_crs(RD).geometry.to_numpy()
    areas = shapely.area(rd)
    union = shapely.union_all(rd).area
    # no overlaps: the union is the sum of the parts, and no pair shares more than rounding slivers (~1 m2)
    assert union == pytest.approx(areas.sum(), rel=1e-6)
    assert _max_pairwise_overlap(rd) < 1.0
    # no gaps: the union of the simplified coverage is one polygon without holes, like the input's
    merged = shapely.union_all(rd)
    assert merged.geom_type == "Polygon" and len(merged.interiors) == 0
    # area kept: only the outer boundary moves, by about the tolerance along its length
    before = shapely.union_all(original.to_crs(RD).geometry.to_numpy())
    assert abs(union - before.area) < tolerance_m * before.length


class TestSimplifyForDisplay:
    def test_keeps_coverage_and_removes_vertices(self) -> None:
        grid = _grid_coverage()
        simple = simplify_for_display(grid, 10.0)
        _assert_display_coverage(grid, simple, 10.0)
        before = shapely.get_num_coordinates(grid.geometry.to_numpy()).sum()
        after = shapely.get_num_coordinates(simple.geometry.to_numpy()).sum()
        assert after < before / 3
        assert simple["code"].tolist() == grid["code"].tolist()
        assert list(simple.columns) == list(grid.columns)

    def test_per_polygon_simplification_would_break_the_coverage(self) -> None:
        """The invariant check has teeth: simplifying polygon by polygon leaves gaps and overlaps."""
        grid = _grid_coverage()
        naive = grid.copy()
        naive["geometry"] = grid.geometry.simplify(25.0)
        rd = naive.geometry.to_numpy()
        assert _max_pairwise_overlap(rd) > 100.0 or len(shapely.union_all(rd).interiors) > 0

    def test_input_in_wgs84_and_null_geometry(self) -> None:
        grid = _grid_coverage().to_crs("EPSG:4326")
        grid.loc[4, "geometry"] = None
        simple = simplify_for_display(grid, DISPLAY_TOLERANCE_M["buurt"])
        assert simple.geometry.iloc[4] is None
        assert simple.geometry.drop(index=4).notna().all()
        assert simple.drop(index=4).is_valid.all()

    def test_tolerance_zero_only_rounds(self) -> None:
        grid = _grid_coverage()
        simple = simplify_for_display(grid, 0.0)
        assert _rd_areas(simple).sum() == pytest.approx(_rd_areas(grid).sum(), rel=1e-5)

    def test_rings_follow_rfc7946(self) -> None:
        simple = simplify_for_display(_grid_coverage(), 10.0)
        for polygon in simple.geometry:
            assert polygon.exterior.is_ccw

    def test_overlaps_and_slits_of_a_broken_coverage_are_cleaned(self) -> None:
        # a and b overlap by 5 m; c lies 20 m north of them, and d and e close the 20 m slit on both ends
        gdf = gpd.GeoDataFrame(
            {"code": ["a", "b", "c", "d", "e"]},
            geometry=[shapely.box(135_000, 454_000, 136_005, 455_000), shapely.box(136_000, 454_000, 137_000, 455_000),
                      shapely.box(135_000, 455_020, 137_000, 456_000), shapely.box(134_000, 454_000, 135_000, 456_000),
                      shapely.box(137_000, 454_000, 138_000, 456_000)],
            crs=RD,
        )  # fmt: skip
        assert shapely.intersection(gdf.geometry[0], gdf.geometry[1]).area == pytest.approx(5_000)
        assert len(shapely.union_all(gdf.geometry.to_numpy()).interiors) == 1
        simple = simplify_for_display(gdf, 10.0)
        rd = simple.to_crs(RD).geometry.to_numpy()
        assert _max_pairwise_overlap(rd) < 1.0
        assert len(shapely.union_all(rd).interiors) == 0  # the 20 m slit is filled
        kept = simplify_for_display(gdf, 10.0, gap_width_m=0.0).to_crs(RD).geometry.to_numpy()
        assert len(shapely.union_all(kept).interiors) == 1  # ... unless asked not to

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        steepness=st.floats(min_value=0.0, max_value=0.8),
        waves=st.integers(min_value=1, max_value=12),
        tolerance=st.sampled_from([2.0, 10.0, 25.0, 60.0]),
    )
    def test_invariants_hold_for_many_shapes(self, steepness: float, waves: int, tolerance: float) -> None:
        # amplitude * wave number < 1, so edges meeting at a corner cannot cross: the cells stay valid
        amplitude = steepness * 1000.0 / (math.pi * waves)
        grid = _grid_coverage(amplitude=amplitude, waves=waves, step=10.0)
        assert shapely.coverage_is_valid(grid.geometry.to_numpy())
        _assert_display_coverage(grid, simplify_for_display(grid, tolerance), tolerance)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [({"tolerance_m": -1.0}, "ongeldige vereenvoudigingstolerantie -1.0 m; verwacht een getal >= 0"),
         ({"tolerance_m": math.nan}, "ongeldige vereenvoudigingstolerantie nan m"),
         ({"tolerance_m": 10.0, "gap_width_m": -5.0}, "ongeldige gatbreedte -5.0 m")],
    )  # fmt: skip
    def test_bad_arguments(self, kwargs: dict[str, float], message: str) -> None:
        with pytest.raises(KbzDataError) as info:
            simplify_for_display(_grid_coverage(), **kwargs)
        assert message in str(info.value)

    def test_no_crs(self) -> None:
        with pytest.raises(KbzDataError, match=r"het coördinatenstelsel \(CRS\) ontbreekt"):
            simplify_for_display(gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)]), 10.0)

    def test_not_polygonal(self) -> None:
        gdf = gpd.GeoDataFrame(geometry=[shapely.Point(5.1, 52.1)], crs="EPSG:4326")
        with pytest.raises(KbzDataError, match=r"1 geometrie\(ën\) zijn geen \(Multi\)Polygon, bijv. Point"):
            simplify_for_display(gdf, 10.0)


# ----------------------------------------------------------------------------------------------------------
# geojson_for
# ----------------------------------------------------------------------------------------------------------


def _gebieden() -> gpd.GeoDataFrame:
    """A store-like gebieden table (DESIGN.md section 3)."""
    rows = [
        # code, naam, niveau, gemeentecode, wijkcode, indeling, geometry
        ("GM0344", "Utrecht", "gemeente", "GM0344", None, 2024, shapely.box(5.0, 52.0, 5.2, 52.2)),
        ("WK034401", "West", "wijk", "GM0344", "WK034401", 2024, shapely.box(5.0, 52.0, 5.1, 52.2)),
        ("WK034402", "Oost", "wijk", "GM0344", "WK034402", 2024, shapely.box(5.1, 52.0, 5.2, 52.2)),
        ("WK036300", "Burgwallen", "wijk", "GM0363", "WK036300", 2024, shapely.box(4.89, 52.37, 4.9, 52.38)),
        ("WK036301", "Zonder kaart", "wijk", "GM0363", "WK036301", 2024, None),
        ("WK034401", "West (2020)", "wijk", "GM0344", "WK034401", 2020, shapely.box(5.0, 52.0, 5.11, 52.2)),
        ("BU03440101", "Buurt", "buurt", "GM0344", "WK034401", 2020, shapely.box(5.0, 52.0, 5.1, 52.1)),
    ]
    columns = ["code", "naam", "niveau", "gemeentecode", "wijkcode", "indeling", "geometry"]
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


class TestGeojsonFor:
    def test_one_gemeente(self) -> None:
        collection = geojson_for(_gebieden(), "GM0344", "wijk", 2024)
        assert collection["type"] == "FeatureCollection"
        assert [f["id"] for f in collection["features"]] == ["WK034401", "WK034402"]
        for feature in collection["features"]:
            assert set(feature) == {"type", "id", "properties", "geometry"}
            assert feature["properties"] == {"code": feature["id"]}
            assert feature["geometry"]["type"] == "Polygon"
        assert shapely.from_geojson(json.dumps(collection["features"][1]["geometry"])).equals(
            shapely.box(5.1, 52.0, 5.2, 52.2)
        )

    def test_all_four_skips_rows_without_geometry(self) -> None:
        collection = geojson_for(_gebieden(), None, "wijk", 2024)
        assert [f["id"] for f in collection["features"]] == ["WK034401", "WK034402", "WK036300"]

    def test_indeling_is_respected(self) -> None:
        collection = geojson_for(_gebieden(), "GM0344", "wijk", 2020)
        assert [f["id"] for f in collection["features"]] == ["WK034401"]
        assert collection["features"][0]["geometry"]["coordinates"][0][0][0] in (5.0, 5.11)

    def test_rows_without_any_geometry_give_an_empty_collection(self) -> None:
        gebieden = _gebieden()
        only_missing = gebieden[gebieden["code"] == "WK036301"]
        assert geojson_for(only_missing, "GM0363", "wijk", 2024) == {"type": "FeatureCollection", "features": []}

    def test_winding_as_stored_or_clockwise_for_svg_maps(self) -> None:
        """RFC 7946 order by default; ``exterior_cw`` winds outer rings clockwise (holes the other way), as d3-geo
        (plotly's SVG geo maps) needs: a counter-clockwise ring would fill everything outside the area."""
        gebieden = _gebieden()
        donut = shapely.Polygon(shapely.box(5.0, 52.0, 5.1, 52.2).exterior.coords,
                                [shapely.box(5.02, 52.05, 5.04, 52.07).exterior.coords])
        gebieden.loc[gebieden["code"].eq("WK034401") & gebieden["indeling"].eq(2024), "geometry"] = \
            shapely.orient_polygons(donut)
        for exterior_cw in (False, True):
            collection = geojson_for(gebieden, "GM0344", "wijk", 2024, exterior_cw=exterior_cw)
            for feature in collection["features"]:
                polygon = shapely.from_geojson(json.dumps(feature["geometry"]))
                assert polygon.exterior.is_ccw is not exterior_cw, (feature["id"], exterior_cw)
                assert all(ring.is_ccw is exterior_cw for ring in polygon.interiors)
            assert len(shapely.from_geojson(json.dumps(collection["features"][0]["geometry"])).interiors) == 1

    def test_is_plain_json(self) -> None:
        text = json.dumps(geojson_for(_gebieden(), None, "wijk", 2024), separators=(",", ":"))
        assert '"properties":{"code":"WK036300"}' in text and "naam" not in text and "Burgwallen" not in text

    @pytest.mark.parametrize(
        ("args", "error", "message"),
        [(("GM0344", "buurt", 2024), KbzStoreError,
          "geen gebieden op niveau 'buurt' voor indeling 2024 in de store; wel indeling 2020"),
         (("GM0344", "gemeente", 2020), KbzStoreError,
          "geen gebieden op niveau 'gemeente' voor indeling 2020 in de store; wel indeling 2024"),
         (("GM0599", "wijk", 2024), KbzStoreError,
          "geen gebieden op niveau 'wijk' voor indeling 2024 in gemeente Rotterdam (GM0599) in de store"),
         (("GM0344", "stadsdeel", 2024), KbzDataError, "onbekend niveau 'stadsdeel'; kies uit gemeente, wijk, buurt"),
         (("GM0001", "wijk", 2024), KbzDataError, "onbekende gemeentecode 'GM0001'; kies uit GM0363, GM0518")],
    )  # fmt: skip
    def test_errors(self, args: tuple[str | None, str, int], error: type[Exception], message: str) -> None:
        with pytest.raises(error) as info:
            geojson_for(_gebieden(), *args)
        assert message in str(info.value)

    def test_missing_column(self) -> None:
        with pytest.raises(KbzDataError, match=r"gebieden-tabel mist kolom\(men\) \['indeling'\]"):
            geojson_for(_gebieden().drop(columns="indeling"), None, "wijk", 2024)
