"""Pure figure and view functions of the map explorer, and the downloads."""

from __future__ import annotations

import io
import re

import numpy as np
import openpyxl
import pandas as pd
import plotly.colors as pc
import pytest

from kbz_data import export
from kbz_data.analysis import area_data
from kbz_data.analysis.results import plain_view
from kbz_data.charts import map_views, maps, svg_map
from kbz_data.errors import KbzDataError
from kbz_data.store import storage
from kbz_data.text import fmt_value
from tests.conftest import BuiltStore


@pytest.fixture
def mini_data(mini_store: BuiltStore) -> storage.StoreData:
    return storage.load(mini_store.store)  # a fresh object per test from the session's mini store


def _square(code: str, x: float, y: float) -> dict:
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Feature", "id": code, "properties": {"code": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


GEOJSON = {"type": "FeatureCollection", "features": [_square(f"BU0344000{i}", 5.1 + i * 0.01, 52.09) for i in range(5)]}


def _table(values: list[float], water: list[bool] | None = None) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame({
        "code": [f"BU0344000{i}" for i in range(n)], "naam": [f"Buurt {i}" for i in range(n)],
        "gemeente": ["Utrecht"] * n, "waarde": values, "stadswaarde": [50.0] * n, "gemiddelde_g4": [40.0] * n,
        "rang": pd.array([1, 2, 3, 4, 5][:n], dtype="Int64"), "aantal": [n] * n, "water": water or [False] * n,
    })


def test_fmt_value_dutch() -> None:
    assert fmt_value(1234.56, "%") == "1.234,6 %"
    assert fmt_value(931298.0, "aantal") == "931.298"
    assert fmt_value(-0.1, "score") == "-0,100"
    assert fmt_value(float("nan"), "%") == "onbekend"
    assert fmt_value(38.5, "x 1000 euro") == "38,5 x 1000 euro"


def test_class_breaks() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, np.nan]
    breaks = maps.class_breaks(values, "kwantielen", 3)
    assert len(breaks) == 3 and breaks[-1] == 6.0
    assert maps.class_breaks([2.0, 2.0, np.nan], "kwantielen", 5) == [2.0]  # fewer distinct values than k
    assert maps.class_breaks([np.nan], "fisher_jenks", 5) == []
    with pytest.raises(KbzDataError, match="onbekende klassenindeling 'gelijk'"):
        maps.class_breaks(values, "gelijk", 3)
    assert maps.assign([1.0, np.nan, 6.0, 3.5], breaks).tolist() == [0, -1, 2, 1]


@pytest.mark.parametrize("richting", [1, -1, 0])
def test_darkest_colour_means_worse(richting: int) -> None:
    table = _table([10.0, 20.0, 30.0, 40.0, np.nan])
    breaks = maps.class_breaks(table["waarde"], "kwantielen", 2)
    fig = maps.map_figure(GEOJSON, table, label="x", eenheid="%", richting=richting, breaks=breaks)
    colour_of = {t.name: t.colorscale[0][1] for t in fig.data}
    labels = maps.class_labels(breaks, 10.0, "%")
    darkest = maps.palette(2, richting)[-1]
    worst = labels[0] if richting == 1 else labels[-1]
    assert colour_of[worst] == darkest
    assert colour_of["onbekend"] == maps.UNKNOWN_COLOR
    assert list(fig.data[[t.name for t in fig.data].index("onbekend")].locations) == ["BU03440004"]


def test_a_class_of_one_shown_value_reads_that_value() -> None:
    """Budget map: decile 1 to 5 get the same amount, so the first class read "-0,9 euro – -0,9 euro"."""
    assert maps.class_labels([-0.9, -0.5, 2.1], -0.9, "euro") == [
        "-0,9 euro", "-0,9 euro – -0,5 euro", "-0,5 euro – 2,1 euro"]


def test_every_shape_drawn_once_and_water_grey() -> None:
    table = _table([10.0, 20.0, np.nan, 40.0, 50.0], water=[False, False, False, False, True])
    fig = maps.map_figure(GEOJSON, table, label="x", eenheid="%", richting=-1,
                             breaks=maps.class_breaks(table["waarde"][:4], "kwantielen", 2),
                             kbz_codes={"BU03440001"}, show_kbz=True)
    drawn = [c for t in fig.data if t.name != "KBZ-gebied" for c in t.locations]
    assert sorted(drawn) == sorted(table["code"])
    water = next(t for t in fig.data if t.name == maps.NON_RESIDENTIAL_LABEL)
    assert list(water.locations) == ["BU03440004"]
    kbz = next(t for t in fig.data if t.name == "KBZ-gebied")
    assert list(kbz.locations) == ["BU03440001"]
    for trace in fig.data:  # each trace carries only its own shapes
        assert {f["id"] for f in trace.geojson["features"]} == set(trace.locations)
    # A geo map without a base map (the description svg_map draws); every trace draws from its own GeoJSON.
    assert {t.type for t in fig.data} == {"choropleth"}
    assert fig.layout.geo.visible is False and fig.layout.geo.projection.type == "mercator"
    # The view holds the residential areas (0..3) and leaves the water area (4, the easternmost) out.
    west, east = fig.layout.geo.lonaxis.range
    assert west < 5.1 and 5.14 < east < 5.14 + 0.01
    south, north = fig.layout.geo.lataxis.range
    assert south < 52.09 and 52.1 < north < 52.11
    no_kbz = maps.map_figure(GEOJSON, table, label="x", eenheid="%", richting=-1, breaks=None, show_kbz=False,
                                kbz_codes={"BU03440001"})
    assert "KBZ-gebied" not in [t.name for t in no_kbz.data]
    assert no_kbz.data[0].zmin == 10.0 and no_kbz.data[0].zmax == 40.0


def test_svg_map_draws_the_figure() -> None:
    """The SVG the pages draw holds every area once with its trace's colour and hover text, the KBZ outline
    separately, and fits the figure's view (the water area, left out of the view, reaches past the right edge)."""
    table = _table([10.0, 20.0, np.nan, 40.0, 50.0], water=[False, False, False, False, True])
    breaks = maps.class_breaks(table["waarde"][:4], "kwantielen", 2)
    fig = maps.map_figure(GEOJSON, table, label="x", eenheid="%", richting=-1, breaks=breaks,
                          kbz_codes={"BU03440001"}, show_kbz=True, title="Utrecht")
    drawn = svg_map.figure_svg(fig, "Kaart: x, Utrecht")
    colour_of = {c: t.colorscale[0][1] for t in fig.data if t.name != "KBZ-gebied" for c in t.locations}
    paths = re.findall(r'<path d="([^"]*)" fill="([^"]+)" data-c="([^"]+)" data-t="(\d+)"/>', drawn.svg)
    assert sorted(code for _d, _f, code, _t in paths) == sorted(table["code"]) == sorted(drawn.codes)
    assert {code: fill for _d, fill, code, _t in paths} == colour_of
    assert colour_of["BU03440002"] == maps.UNKNOWN_COLOR and colour_of["BU03440004"] == maps.NON_RESIDENTIAL_COLOR
    tips = {code: drawn.tips[int(t)] for _d, _f, code, t in paths}
    assert tips["BU03440000"].split("\n")[:2] == ["Buurt 0 (BU03440000)", "Waarde: 10,0 %"]
    assert "Rang: 1 van 5 (1 = meest ongunstig)" in tips["BU03440000"]
    assert tips["BU03440004"] == f"Buurt 4 (BU03440004): {maps.NON_RESIDENTIAL_LABEL}"
    assert "<" not in "".join(drawn.tips)  # plain text: no <b>, <br> or <extra> left
    assert drawn.svg.split('<g class="k">')[1].count("<path") == 1  # the KBZ outline, drawn on top
    assert drawn.title == "Utrecht" and 'aria-label="Kaart: x, Utrecht"' in drawn.svg
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', drawn.svg).groups())
    assert width == svg_map.WIDTH and height > 0

    def xs(code: str) -> list[float]:
        d = next(d for d, _f, c, _t in paths if c == code)
        return [float(p.split(",")[0]) for p in re.split("[MLZ]", d) if p]

    assert all(0 <= x <= width for code in ("BU03440000", "BU03440001", "BU03440003") for x in xs(code))
    assert max(xs("BU03440004")) > width  # water: outside the view, clipped by the SVG


def test_svg_map_continuous_scale_and_hover_override() -> None:
    table = _table([10.0, 20.0, 40.0])
    fig = maps.map_figure(GEOJSON, table, label="x", eenheid="%", richting=0, breaks=None, value_range=(10.0, 40.0))
    drawn = svg_map.figure_svg(fig)
    fills = dict((code, fill) for fill, code in re.findall(r'fill="([^"]+)" data-c="([^"]+)"', drawn.svg))
    scale = [list(step) for step in fig.data[0].colorscale]
    assert fills["BU03440000"] == pc.sample_colorscale(scale, [0.0])[0]  # the lowest value: start of the scale
    assert fills["BU03440002"] == pc.sample_colorscale(scale, [1.0])[0]
    assert fills["BU03440001"] == pc.sample_colorscale(scale, [1 / 3])[0]
    fig.data[0].hovertemplate = "<b>%{customdata[0]}</b><br>Index: %{customdata[2]}<extra></extra>"
    assert svg_map.figure_svg(fig).tips[0] == "Buurt 0\nIndex: 10,0 %"


def test_hover_has_name_value_averages_rank() -> None:
    fig = maps.map_figure(GEOJSON, _table([10.0, 20.0]), label="x", eenheid="%", richting=-1, breaks=None)
    row = list(fig.data[0].customdata[0])
    assert row[:6] == ["Buurt 0", "BU03440000", "10,0 %", "50,0 %", "40,0 %", "1 van 2"]
    assert "Rang" in fig.data[0].hovertemplate and "Ongewogen gemiddelde van de gebieden" in fig.data[0].hovertemplate


def test_scatter_statistics() -> None:
    table = pd.DataFrame({"code": ["a", "b", "c", "d"], "naam": list("abcd"), "gemeente": ["Utrecht"] * 4,
                          "x": [1.0, 2.0, 3.0, np.nan], "y": [2.0, 4.0, 6.0, 1.0]})
    fig, stats = maps.scatter_figure(table, x_label="x", x_unit="%", y_label="y", y_unit="%", kbz_codes={"b"})
    assert stats["n"] == 3 and stats["pearson_r"] == pytest.approx(1.0) and stats["slope"] == pytest.approx(2.0)
    names = [t.name for t in fig.data]
    assert "Utrecht (KBZ-gebied)" in names and "Regressielijn (kleinste kwadraten)" in names


def test_views_on_mini_store(mini_data: storage.StoreData) -> None:
    view = map_views.map_view(mini_data, "ervaren_gezondheid_goed", 2020, 2020, "buurt", "GM0344", "kwantielen", 3,
                              True)
    assert view.kind == "kaart" and len(view.panels) == 1
    assert "50090NED" in view.source_line and "Peiljaar 2020" in view.source_line
    bars = map_views.map_view(mini_data, "inwoners", 2024, 2024, "buurt", "GM0344", "kwantielen", 3, True)
    assert bars.kind == "staaf"
    assert "geen kaartvormen op buurtniveau" in bars.notes[0]
    four = map_views.map_view(mini_data, "ervaren_gezondheid_goed", 2020, 2020, "wijk", "G4", "kwantielen", 3, True)
    assert [name for name, _ in four.panels] == ["Utrecht"]
    assert four.legend[-2:] == [(maps.UNKNOWN_COLOR, "onbekend"),
                                (maps.NON_RESIDENTIAL_COLOR, maps.NON_RESIDENTIAL_LABEL)]


def test_area_values_rank_and_city(mini_data: storage.StoreData) -> None:
    table = area_data.area_values(mini_data, "ervaren_gezondheid_goed", 2020, 2020, "buurt")
    row = table.set_index("code").loc["BU03440101"]
    assert row["waarde"] == pytest.approx(83.1)
    assert row["stadswaarde"] == pytest.approx(81.5)
    assert table["steden"].max() == 1
    neutral = area_data.area_values(mini_data, "inwoners", 2024, 2024, "buurt")
    assert neutral["rang"].isna().all()  # no "most unfavourable" for a neutral indicator
    shown = area_data.table_for_display(neutral, "aantal")
    assert str(shown["Waarde (aantal)"].dtype) == "Int64"
    assert "Ongewogen gemiddelde van de gebieden (1 stad) (aantal)" in shown.columns
    with pytest.raises(KbzDataError, match="onbekende gemeente 'GM9999'"):
        area_data.area_values(mini_data, "roker", 2020, 2020, "buurt", "GM9999")
    with pytest.raises(KbzDataError, match="onbekende indicator 'x'"):
        area_data.area_values(mini_data, "x", 2020, 2020, "buurt")


def test_scatter_pairs_only_within_one_division(mini_data: storage.StoreData) -> None:
    pairs = area_data.pair_values(mini_data, ("inwoners", 2024), ("ervaren_gezondheid_goed", 2020), 2020, "buurt")
    assert pairs["x"].isna().all()  # 2024 figures are never paired with 2020-division areas


def test_euro_and_public_message() -> None:
    from kbz_data.text import euro, public_message

    assert euro(1234567.891) == "€ 1.234.568" and euro(1234.5, 2) == "€ 1.234,50"
    assert euro(float("nan")) == "onbekend" and euro(None) == "onbekend"
    text = public_message(OSError("opslag /srv/kbz/data/store/build.json ontbreekt"))
    assert "/srv" not in text and "build.json" in text
    assert public_message("rang 1/2") == "rang 1/2"


def test_exports_carry_source_lines() -> None:
    table = pd.DataFrame({"Gebied": ["Zuilen"], "Waarde (%)": [12.5]})
    lines = ["Bron: RIVM/GGD'en/CBS, 50090NED. Peiljaar 2020.", "Licentie: CC BY 4.0"]
    view = plain_view(lines, table, "x")
    csv = export.to_csv(view)
    assert csv.startswith("\ufeff# Bron: RIVM".encode())
    back = pd.read_csv(io.BytesIO(csv), sep=";", decimal=",", comment="#", encoding="utf-8-sig")
    assert back["Waarde (%)"].tolist() == [12.5]
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(view)))
    assert book.sheetnames == ["Gegevens", "Bron"]
    # the lines stand above the table (one layout for every download): lines, an empty row, the header, the rows
    assert [c.value for c in book["Gegevens"]["A"]] == [*lines, None, "Gebied", "Zuilen"]
    assert [c.value for c in book["Bron"]["A"]][1:] == lines


def test_frozen_figure_hands_out_one_dict() -> None:
    fig = maps.map_figure(GEOJSON, _table([10.0, 20.0]), label="x", eenheid="%", richting=-1, breaks=None)
    frozen = maps.freeze(fig)
    assert frozen.to_dict() is frozen.to_dict()
    import json

    import plotly.io as pio

    assert json.loads(pio.to_json(frozen, validate=False)) == json.loads(pio.to_json(fig, validate=False))


def test_indicator_options_per_gemeente_offer_only_what_that_city_has(mini_data: storage.StoreData) -> None:
    """A source for one city (ELAN: Den Haag only) is not offered for another city; the four-city list has all."""
    every = set(area_data.indicator_options(mini_data)["indicator"])
    utrecht = set(area_data.indicator_options(mini_data, "GM0344")["indicator"])
    assert utrecht == every  # the mini sources are all about Utrecht
    assert area_data.indicator_options(mini_data, "GM0599").empty  # nothing about Rotterdam in them


def test_city_shapes_are_made_once_per_loaded_store(mini_data: storage.StoreData) -> None:
    """The GeoJSON of a city's areas does not change with the indicator: made once per loaded store and shared (a
    new indicator's maps then only colour them); another StoreData (another build) makes its own."""
    first = area_data.shapes(mini_data, "GM0344", "wijk", 2020)
    assert first["features"] and area_data.shapes(mini_data, "GM0344", "wijk", 2020) is first
    assert area_data.shapes(mini_data, "GM0599", "wijk", 2020) == {"type": "FeatureCollection", "features": []}
    other = storage.StoreData(mini_data.gebieden, mini_data.figures, mini_data.meta, mini_data.bronnen,
                              mini_data.build_info)
    again = area_data.shapes(other, "GM0344", "wijk", 2020)
    assert again is not first and again == first
