"""Tests for kbz_data.sources.geometry: boundary readers and format sniffing.

Fixtures in tests/fixtures/geo are tiny hand-made files in the real formats:

- buurten_topo.json: CBS-style TopoJSON Topology, object "buurten", property "statcode", quantized with a
  transform; 4 Utrecht buurten in 2 wijken sharing arcs (one shared arc has a kink), plus one bow-tie
  (self-intersecting) buurt of GM0003; two statcodes are padded with spaces.
- pdok_buurten_rd.geojson: raw PDOK WFS "buurten" layer in EPSG:28992 with a crs member, -99999999 and
  -99999997 markers; the corner of BU03070101/BU03070102 is the RD origin (Amersfoort, 155000 463000).
- geoinzicht_wijken.geojson: the simplified geoinzicht-app format (short names, keys absent, no crs member).
- amsterdam_buurten.geojson: Amsterdam gebieden buurten (cbsCode, CRS84).
- broken_*: not JSON, truncated JSON, FeatureCollection without code property, TopoJSON without statcode.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import numpy as np
import pytest
import shapely

from kbz_data.errors import KbzDataError, KbzSourceError
from kbz_data.sources import geometry as geom
from kbz_data.sources.geometry import (
    read_amsterdam_buurten,
    read_topojson_buurten,
    read_wijkenbuurten_geojson,
    sniff,
)

FIXTURES = Path(__file__).parent / "fixtures" / "geo"
TOPO = FIXTURES / "buurten_topo.json"
PDOK_RD = FIXTURES / "pdok_buurten_rd.geojson"
GEOINZICHT = FIXTURES / "geoinzicht_wijken.geojson"
AMSTERDAM = FIXTURES / "amsterdam_buurten.geojson"

#: The RD New origin, the Onze Lieve Vrouwetoren in Amersfoort, in WGS84 (lon, lat).
AMERSFOORT_LONLAT = (5.38720621, 52.15517440)


def _coords(geometry: shapely.Geometry) -> np.ndarray:
    return shapely.get_coordinates(geometry)


# ----------------------------------------------------------------------------------------------------------
# TopoJSON
# ----------------------------------------------------------------------------------------------------------


class TestTopojsonBuurten:
    def test_codes_are_stripped_and_parents_derived(self) -> None:
        gdf = read_topojson_buurten(TOPO)
        assert list(gdf.columns) == ["code", "gemeentecode", "wijkcode", "geometry"]
        assert gdf["code"].tolist() == ["BU03440101", "BU03440102", "BU03440201", "BU03440202", "BU00030000"]
        assert gdf["gemeentecode"].tolist() == ["GM0344"] * 4 + ["GM0003"]
        assert gdf["wijkcode"].tolist() == ["WK034401", "WK034401", "WK034402", "WK034402", "WK000300"]

    def test_quantized_arcs_are_decoded_in_wgs84(self) -> None:
        gdf = read_topojson_buurten(TOPO)
        assert gdf.crs.to_epsg() == 4326
        # BU03440101: quantized x 0..12 (kink), y 0..10; scale 0.001/0.0005, translate 5.1/52.08
        bounds = gdf.loc[gdf["code"] == "BU03440101"].geometry.iloc[0].bounds
        assert bounds == pytest.approx((5.100, 52.080, 5.112, 52.085), abs=1e-9)
        # the kinked shared arc: the neighbour BU03440102 loses exactly what BU03440101 gains
        areas = dict(zip(gdf["code"], shapely.area(gdf.geometry.to_numpy()), strict=True))
        assert areas["BU03440101"] + areas["BU03440102"] == pytest.approx(2 * 0.010 * 0.005, rel=1e-9)
        assert areas["BU03440101"] == pytest.approx(0.010 * 0.005 + 0.5 * 0.002 * 0.005, rel=1e-9)

    def test_every_geometry_is_valid_and_polygonal(self) -> None:
        gdf = read_topojson_buurten(TOPO)
        assert gdf.is_valid.all()
        assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
        bowtie = gdf.loc[gdf["code"] == "BU00030000"].geometry.iloc[0]
        assert bowtie.geom_type == "MultiPolygon" and len(bowtie.geoms) == 2
        assert bowtie.area == pytest.approx(2 * 0.5 * 0.010 * 0.0025, rel=1e-9)

    def test_filter_on_gemeenten(self) -> None:
        gdf = read_topojson_buurten(TOPO, gemeenten={"GM0344"})
        assert len(gdf) == 4 and set(gdf["gemeentecode"]) == {"GM0344"}
        assert gdf.index.tolist() == [0, 1, 2, 3]

    def test_filter_with_bad_gemeentecode(self) -> None:
        with pytest.raises(KbzDataError, match=r"ongeldige gemeentecode\(s\) \['0344'\]"):
            read_topojson_buurten(TOPO, gemeenten={"0344"})

    def test_filter_without_matches(self) -> None:
        with pytest.raises(KbzSourceError, match="geen features van gemeente\\(n\\) GM0363"):
            read_topojson_buurten(TOPO, gemeenten={"GM0363"})


# ----------------------------------------------------------------------------------------------------------
# Wijk- en buurtkaart GeoJSON
# ----------------------------------------------------------------------------------------------------------


class TestWijkenbuurtenPdok:
    def test_columns_niveau_and_codes(self) -> None:
        gdf = read_wijkenbuurten_geojson(PDOK_RD)
        assert list(gdf.columns[:6]) == ["code", "naam", "niveau", "wijkcode", "gemeentecode", "gemeentenaam"]
        assert list(gdf.columns[6:-1]) == list(geom.CANONICAL_ATTRIBUTES)  # all 15 present in raw PDOK
        assert gdf.columns[-1] == "geometry"
        assert gdf["code"].tolist() == ["BU03070101", "BU03070102", "BU03440101"]  # "BU03070102 " stripped
        assert set(gdf["niveau"]) == {"buurt"}
        assert gdf["wijkcode"].tolist() == ["WK030701", "WK030701", "WK034401"]
        assert gdf.attrs["formaat"] == "pdok_wfs"
        assert "water" not in gdf.columns and "jaar" not in gdf.columns

    def test_missing_markers_become_nan_never_zero(self) -> None:
        gdf = read_wijkenbuurten_geojson(PDOK_RD).set_index("code")
        assert math.isnan(gdf.loc["BU03070101", "inkomen_per_inwoner"])  # -99999997
        assert math.isnan(gdf.loc["BU03070102", "inwoners"])  # -99999999
        assert math.isnan(gdf.loc["BU03070102", "woz_waarde"])  # -99999997
        assert gdf.loc["BU03070102", "bevolkingsdichtheid"] == 0.0  # a real 0 stays 0
        assert gdf.loc["BU03070101", "inwoners"] == 1250.0
        assert gdf.loc["BU03440101", "inkomen_per_inwoner"] == pytest.approx(38.6)
        numeric = gdf[list(geom.CANONICAL_ATTRIBUTES)]
        assert (numeric.dtypes == "float64").all()
        assert not (numeric <= geom.CBS_MISSING_THRESHOLD).any().any()

    def test_rd_new_is_converted_to_wgs84(self) -> None:
        gdf = read_wijkenbuurten_geojson(PDOK_RD)
        assert gdf.crs.to_epsg() == 4326
        first = gdf.geometry.iloc[0]
        # the ring's corner at RD (155000, 463000) is the Amersfoort tower
        corner = _coords(first)[np.argmax(_coords(first).sum(axis=1))]
        assert corner == pytest.approx(AMERSFOORT_LONLAT, abs=1e-5)
        utrecht = gdf.loc[gdf["code"] == "BU03440101"].geometry.iloc[0].centroid
        assert (utrecht.x, utrecht.y) == pytest.approx((5.1135, 52.0893), abs=2e-3)

    def test_filter_on_gemeenten(self) -> None:
        gdf = read_wijkenbuurten_geojson(PDOK_RD, gemeenten={"GM0344"})
        assert gdf["code"].tolist() == ["BU03440101"]


class TestWijkenbuurtenGeoinzicht:
    def test_short_names_become_canonical(self) -> None:
        gdf = read_wijkenbuurten_geojson(GEOINZICHT)
        assert gdf.attrs["formaat"] == "geoinzicht"
        assert list(gdf.columns) == [
            "code", "naam", "niveau", "wijkcode", "gemeentecode", "gemeentenaam",
            "inwoners", "mannen", "vrouwen", "pct_0_15", "pct_15_25", "pct_25_45", "pct_45_65", "pct_65plus",
            "huishoudens", "gem_huishoudensgrootte", "bevolkingsdichtheid", "geometry",
        ]  # fmt: skip
        assert "personenautos" not in gdf.columns
        row = gdf.set_index("code").loc["WK0363AA"]
        assert row["niveau"] == "wijk" and row["wijkcode"] == "WK0363AA" and row["gemeentecode"] == "GM0363"
        assert row["pct_65plus"] == 10.0 and row["gem_huishoudensgrootte"] == 1.4

    def test_absent_keys_are_nan(self) -> None:
        gdf = read_wijkenbuurten_geojson(GEOINZICHT).set_index("code")
        assert math.isnan(gdf.loc["WK0363AB", "mannen"])
        assert gdf.loc["WK0363AB", "inwoners"] == 4870.0
        assert gdf.loc["WK051801", ["inwoners", "pct_0_15", "bevolkingsdichtheid"]].isna().all()

    def test_no_crs_member_means_wgs84(self) -> None:
        gdf = read_wijkenbuurten_geojson(GEOINZICHT)
        assert gdf.crs.to_epsg() == 4326
        assert gdf.geometry.iloc[1].bounds == pytest.approx((4.88, 52.37, 4.89, 52.38))
        assert gdf.is_valid.all()


class TestAmsterdamBuurten:
    def test_read(self) -> None:
        gdf = read_amsterdam_buurten(AMSTERDAM)
        assert list(gdf.columns) == ["code", "naam", "gemeentecode", "wijkcode", "geometry"]
        assert gdf["code"].tolist() == ["BU0363AA01", "BU0363AA02", "BU0363MK06"]
        assert gdf["naam"].tolist()[0] == "Planciusbuurt-Noord"
        assert set(gdf["gemeentecode"]) == {"GM0363"}
        assert gdf["wijkcode"].tolist() == ["WK0363AA", "WK0363AA", "WK0363MK"]
        assert gdf.crs.to_epsg() == 4326
        assert gdf.geometry.iloc[0].bounds == pytest.approx((4.885, 52.385, 4.887, 52.387))


# ----------------------------------------------------------------------------------------------------------
# sniff
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("buurten_topo.json", "topojson_buurten"),
        ("pdok_buurten_rd.geojson", "wijkenbuurten"),
        ("geoinzicht_wijken.geojson", "wijkenbuurten"),
        ("amsterdam_buurten.geojson", "amsterdam_buurten"),
        ("broken_not_json.geojson", None),
        ("broken_no_code.geojson", None),
    ],
)
def test_sniff_fixtures(name: str, expected: str | None) -> None:
    assert sniff(FIXTURES / name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"schemaVersion":1,"type":"gemeente","code":"GM0363","wijken":[{"code":"WK036300"}]}', None),
        ('{"odata.metadata":"https://x/$metadata","value":[{"WijkenEnBuurten":"WK036300  "}]}', None),
        ('\ufeff  {"type": "Topology", "arcs": [], "objects": {}}', "topojson_buurten"),
        ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gemeentecode":"GM0363"}}]}',
         "wijkenbuurten"),
        ('[1, 2, 3]', None),
        ("", None),
    ],
)  # fmt: skip
def test_sniff_other_json(tmp_path: Path, text: str, expected: str | None) -> None:
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    assert sniff(path) == expected


def test_sniff_reads_past_a_huge_first_geometry(tmp_path: Path) -> None:
    ring = [[4.9 + i * 1e-6, 52.37] for i in range(20_000)] + [[4.9, 52.38], [4.9, 52.37]]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
               "properties": {"cbsCode": "BU0363AA01"}}  # fmt: skip
    path = tmp_path / "big.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    assert path.stat().st_size > 4 * geom.HEAD_BYTES
    assert sniff(path) == "amsterdam_buurten"


def test_sniff_key_split_over_the_first_64_kb(tmp_path: Path) -> None:
    """The first properties object is cut by the 64 KB boundary right inside the key "wijkcode"."""
    prefix = '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"'
    padding = " " * (geom.HEAD_BYTES - len(prefix) - 3)
    text = prefix.replace('{"type":"Feature"', '{' + padding + '"type":"Feature"') + 'wijkcode":"WK036300"}}]}'
    assert text[geom.HEAD_BYTES - 3 : geom.HEAD_BYTES + 3] == 'wijkco'
    path = tmp_path / "split.geojson"
    path.write_text(text, encoding="utf-8")
    assert sniff(path) == "wijkenbuurten"


def test_sniff_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KbzSourceError, match="bestand bestaat niet"):
        sniff(tmp_path / "weg.json")


# ----------------------------------------------------------------------------------------------------------
# Bad inputs: each gets a KbzSourceError naming the file and the problem
# ----------------------------------------------------------------------------------------------------------

_SQUARE = '{"type":"Polygon","coordinates":[[[4.89,52.37],[4.9,52.37],[4.9,52.38],[4.89,52.37]]]}'
_RD_SQUARE = '{"type":"Polygon","coordinates":[[[121000,487000],[122000,487000],[122000,488000],[121000,487000]]]}'
_LATLON_SQUARE = '{"type":"Polygon","coordinates":[[[52.37,4.89],[52.37,4.9],[52.38,4.9],[52.37,4.89]]]}'


def _fc(properties: str, geometry: str = _SQUARE, crs: str | None = None) -> str:
    crs_member = f'"crs":{{"type":"name","properties":{{"name":"{crs}"}}}},' if crs else ""
    return (f'{{"type":"FeatureCollection",{crs_member}"features":[{{"type":"Feature","properties":{properties},'
            f'"geometry":{geometry}}}]}}')  # fmt: skip


BAD_INPUTS = [
    # (reader, fixture file name or inline text, exact message substring)
    ("wijkenbuurten", "broken_not_json.geojson", "geen JSON-object (begint met 'dit is geen json')"),
    ("wijkenbuurten", "broken_truncated.geojson", "ongeldige of onvolledige JSON, geen leesbare GeoJSON"),
    ("wijkenbuurten", "broken_no_code.geojson",
     "eigenschap 'buurtcode', 'wijkcode' of 'gemeentecode' ontbreekt (gevonden eigenschappen: naam, "
     "aantal_inwoners)"),
    ("wijkenbuurten", "buurten_topo.json", "is TopoJSON; gebruik read_topojson_buurten"),
    ("wijkenbuurten", "@", "bestand is leeg; verwacht JSON"),
    ("wijkenbuurten", "@{\"type\":\"FeatureCollection\",\"features\":[]}", "bevat geen features"),
    ("wijkenbuurten", "@" + _fc('{"wijkcode":"WK036300","aantal_inwoners":"veel"}'),
     "eigenschap 'aantal_inwoners' bevat een niet-numerieke waarde 'veel'; verwacht een getal"),
    ("wijkenbuurten", "@" + _fc('{"wijkcode":"WK036300"}', crs="urn:ogc:def:crs:EPSG::99999"),
     "onbekend CRS 'urn:ogc:def:crs:EPSG::99999' in het 'crs'-lid"),
    ("wijkenbuurten", "@" + _fc('{"wijkcode":"WK036300"}', geometry=_RD_SQUARE),
     "onbekend CRS: coördinaten (x 121000..122000, y 487000..488000) liggen na omrekening van EPSG:4326 "
     "niet in Nederland in WGS84 lon/lat (ontbrekend of verkeerd CRS?)"),
    ("wijkenbuurten", "@" + _fc('{"wijkcode":"WK036300"}', geometry=_LATLON_SQUARE),
     "(lat/lon verwisseld?)"),
    ("wijkenbuurten", "@" + _fc('{"wijkcode":"WK036300"}', geometry='{"type":"Point","coordinates":[4.9,52.37]}'),
     "geen vlak-geometrie (Polygon/MultiPolygon) voor 1 feature(s): WK036300 (Point)"),
    ("wijkenbuurten", "@" + _fc('{"wijkcode":"WK036300"}', geometry="null"),
     "1 feature(s) zonder geometrie: WK036300"),
    ("wijkenbuurten", "@" + _fc('{"wijkcode":" "}'), "eigenschap 'wijkcode' ontbreekt of is leeg in 1 feature(s)"),
    ("topojson", "broken_topo_no_statcode.json", "eigenschap 'statcode' ontbreekt (gevonden eigenschappen: id, code)"),
    ("topojson", "broken_not_json.geojson", "geen JSON-object (begint met 'dit is geen json')"),
    ("topojson", "geoinzicht_wijken.geojson",
     'geen TopoJSON: "type": "Topology" ontbreekt aan het begin van het bestand'),
    ("topojson", '@{"type":"Topology","arcs":[[[0,0],[1,0],[0,1],[-1,-1]]],"objects":{"wijken":'
                 '{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0]]}]}}}',
     "TopoJSON-object 'buurten' ontbreekt (gevonden: wijken)"),
    ("topojson", '@{"type":"Topology","arcs":[[[0,0],[1,0],[0,1],[-1,-1]]],"objects":{"buurten":',
     "ongeldige of onvolledige JSON, geen leesbare TopoJSON"),
    ("topojson", '@{"type":"Topology","arcs":[[[120000,480000],[121000,480000],[121000,481000],'
                 '[120000,480000]]],"objects":{"buurten":{"type":"GeometryCollection","geometries":'
                 '[{"type":"Polygon","arcs":[[0]],"properties":{"statcode":"BU03630000"}}]}}}',
     "onbekend CRS: coördinaten (x 120000..121000"),
    ("amsterdam", "geoinzicht_wijken.geojson", "eigenschap 'cbsCode' ontbreekt (gevonden eigenschappen: wijkcode"),
    ("amsterdam", "broken_truncated.geojson", "ongeldige of onvolledige JSON, geen leesbare GeoJSON"),
    ("amsterdam", "@" + _fc('{"cbsCode":"BU05180000"}'), "'cbsCode' buiten Amsterdam (verwacht BU0363...): BU05180000"),
    ("amsterdam", "does_not_exist.geojson", "bestand bestaat niet"),
]  # fmt: skip

READERS = {
    "wijkenbuurten": read_wijkenbuurten_geojson,
    "topojson": read_topojson_buurten,
    "amsterdam": read_amsterdam_buurten,
}


@pytest.mark.parametrize(("reader", "source", "message"), BAD_INPUTS)
def test_bad_inputs(tmp_path: Path, reader: str, source: str, message: str) -> None:
    if source.startswith("@"):
        path = tmp_path / "input.json"
        path.write_text(source[1:], encoding="utf-8")
    else:
        path = FIXTURES / source
    with pytest.raises(KbzSourceError) as info:
        READERS[reader](path)
    assert message in str(info.value)
    assert info.value.path == str(path)
    assert str(info.value).startswith(str(path) + ": ")


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(KbzSourceError, match="is een map, geen bestand"):
        read_wijkenbuurten_geojson(tmp_path)


# ----------------------------------------------------------------------------------------------------------
# Integration against the real files (only when KBZ_SOURCES is set)
# ----------------------------------------------------------------------------------------------------------

G4 = {"GM0363", "GM0518", "GM0599", "GM0344"}
SOURCES = os.environ.get("KBZ_SOURCES")


@pytest.fixture(scope="module")
def sources() -> Path:
    path = Path(SOURCES or "")
    assert path.is_dir(), f"KBZ_SOURCES={SOURCES} is not a folder"
    return path


@pytest.fixture(scope="module")
def buurten_2020(sources: Path):
    return read_topojson_buurten(sources / "cbs-buurten-2019-topojson-powerbi" / "buurten.json", G4)


@pytest.mark.skipif(not SOURCES, reason="KBZ_SOURCES is not set: skip tests on the real source files")
class TestRealSources:
    def test_sniff(self, sources: Path) -> None:
        assert sniff(sources / "cbs-buurten-2019-topojson-powerbi" / "buurten.json") == "topojson_buurten"
        assert sniff(sources / "pdok-wijken-2024-geoinzicht" / "wijken_2024.geojson") == "wijkenbuurten"
        assert sniff(sources / "amsterdam-gebieden-buurten-2022div" / "buurten.geojson") == "amsterdam_buurten"
        for city in ("GM0363", "GM0518", "GM0599", "GM0344"):
            assert sniff(sources / "kwb2024-derived-woonikveilig" / f"{city}.json") is None

    def test_topojson_g4_buurten(self, buurten_2020) -> None:
        assert len(buurten_2020) == 796
        assert buurten_2020["gemeentecode"].value_counts().to_dict() == {
            "GM0363": 479, "GM0518": 114, "GM0599": 92, "GM0344": 111}  # fmt: skip
        assert buurten_2020.is_valid.all()
        assert set(buurten_2020.geom_type) <= {"Polygon", "MultiPolygon"}
        kop_zeedijk = buurten_2020.loc[buurten_2020["code"] == "BU03630000"].geometry.iloc[0].bounds
        assert kop_zeedijk == pytest.approx((4.897, 52.374, 4.903, 52.377), abs=1e-3)

    def test_topojson_whole_country(self, sources: Path) -> None:
        start = time.perf_counter()
        gdf = read_topojson_buurten(sources / "cbs-buurten-2019-topojson-powerbi" / "buurten.json")
        assert len(gdf) == 13_594
        assert gdf.is_valid.all()
        assert time.perf_counter() - start < 10

    def test_dissolved_2020_wijken(self, buurten_2020) -> None:
        from kbz_data.store.shapes import dissolve

        wijken = dissolve(buurten_2020, "wijkcode")
        assert len(wijken) == 175
        assert wijken["gemeentecode"].value_counts().to_dict() == {
            "GM0363": 99, "GM0518": 44, "GM0599": 22, "GM0344": 10}  # fmt: skip
        assert wijken.is_valid.all()
        rd_buurten = buurten_2020.to_crs(28992)
        summed = rd_buurten.geometry.area.groupby(rd_buurten["wijkcode"]).sum()
        dissolved = wijken.to_crs(28992).set_index("wijkcode").geometry.area
        # tiny overlaps (< 30 m2) around the one invalid buurt BU03440114 keep this from 1e-6
        assert np.allclose(dissolved, summed.loc[dissolved.index], rtol=1e-5)

    def test_wijken_2024(self, sources: Path) -> None:
        gdf = read_wijkenbuurten_geojson(sources / "pdok-wijken-2024-geoinzicht" / "wijken_2024.geojson", G4)
        assert len(gdf) == 188
        assert gdf["gemeentecode"].value_counts().to_dict() == {
            "GM0363": 111, "GM0518": 45, "GM0599": 22, "GM0344": 10}  # fmt: skip
        assert set(gdf["niveau"]) == {"wijk"}
        assert gdf.is_valid.all()
        assert not (gdf.select_dtypes("number") <= geom.CBS_MISSING_THRESHOLD).any().any()

    def test_amsterdam_buurten(self, sources: Path) -> None:
        gdf = read_amsterdam_buurten(sources / "amsterdam-gebieden-buurten-2022div" / "buurten.geojson")
        assert len(gdf) == 518
        assert gdf["code"].is_unique and gdf["code"].str.match(r"^BU0363[A-Z]{2}\d{2}$").all()
        assert gdf.is_valid.all()

    def test_display_geojson_fits(self, sources: Path, buurten_2020) -> None:
        from kbz_data.store.shapes import DISPLAY_TOLERANCE_M, geojson_for, simplify_for_display

        amsterdam = read_amsterdam_buurten(sources / "amsterdam-gebieden-buurten-2022div" / "buurten.geojson")
        for frame, indeling in ((buurten_2020, 2020), (amsterdam, 2024)):
            simple = simplify_for_display(frame, DISPLAY_TOLERANCE_M["buurt"]).assign(niveau="buurt", indeling=indeling)
            assert simple.is_valid.all()
            for gemeente in set(simple["gemeentecode"]):
                collection = geojson_for(simple, gemeente, "buurt", indeling)
                size = len(json.dumps(collection, separators=(",", ":")))
                assert size < 300_000, (gemeente, indeling, size)
