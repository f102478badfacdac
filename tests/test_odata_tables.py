"""Downloaded OData JSON (as download.py saves it) through the table mappings and the build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from kbz_data.sources import kwb, odata
from kbz_data.store import storage
from kbz_data.store.build import build
from tests.conftest import FIXTURES

PROPS_85984 = [
    {"ID": 0, "Type": "GeoDimension", "Key": "WijkenEnBuurten", "Title": "Wijken en buurten", "ParentID": None},
    {"ID": 10, "Type": "TopicGroup", "Key": "", "Title": "Herkomstland", "ParentID": None},
    {"ID": 11, "Type": "Topic", "Key": "BuitenEuropa_19", "Title": "Buiten Europa", "ParentID": 10},
]


def _saved(table: str, rows: list[dict], names: dict[str, str], props: list[dict] | None = None) -> dict:
    return {
        "kbz_format": "kbz-cbs-odata-v3/1", "table": table, "base_url": f"https://opendata.cbs.nl/ODataFeed/odata/{table}/",
        "downloaded": "2026-11-24T10:15:00+00:00", "region_dimension": "WijkenEnBuurten", "value": rows,
        "TableInfos": [{"Identifier": table}], "DataProperties": props or [],
        "WijkenEnBuurten": [{"Key": k.ljust(10), "Title": v.ljust(30)} for k, v in names.items()],
    }


def _kwb_row(code: str, inwoners, k0: int, buiten) -> dict:
    return {
        "WijkenEnBuurten": code.ljust(10), "Gemeentenaam_1": "Utrecht".ljust(40), "SoortRegio_2": "Buurt     ",
        "AantalInwoners_5": inwoners, "k_0Tot15Jaar_8": k0, "k_15Tot25Jaar_9": 10, "k_25Tot45Jaar_10": 10,
        "k_45Tot65Jaar_11": 10, "k_65JaarOfOuder_12": 10, "BuitenEuropa_19": buiten,
        "HuishoudensTotaal_29": "   500", "GemiddeldeWOZWaardeVanWoningen_39": "     .",
        "GemiddeldInkomenPerInwoner_78": "  31.5", "AfstandTotHuisartsenpraktijk_110": None,
    }


@pytest.fixture
def kwb_json(tmp_path: Path) -> Path:
    data = _saved(
        "85984NED",
        [_kwb_row("GM0344", "   1000", 150, "   250"), _kwb_row("BU03440101", "200", 40, "50"),
         _kwb_row("BU03440102", ".", 0, None), _kwb_row("GM1680", "5", 1, 1)],
        {"GM0344": "Utrecht", "BU03440101": "Welgelegen, Den Hommel", "BU03440102": "Oog in Al"},
        PROPS_85984,
    )
    path = tmp_path / "downloads" / "cbs-odata" / "85984NED.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_kwb_odata_figures(kwb_json: Path) -> None:
    frame, meta = odata.read(kwb_json)
    result = kwb.odata_figures(frame, meta, kwb_json)
    f = result.figures.set_index(["code", "indicator"])["waarde"]
    assert f[("GM0344", "inwoners")] == 1000
    assert f[("GM0344", "pct_0_15")] == 15.0
    assert f[("GM0344", "pct_herkomst_buiten_europa")] == 25.0
    assert f[("BU03440101", "inkomen_per_inwoner")] == 31.5
    assert f[("BU03440101", "huishoudens")] == 500
    assert np.isnan(f[("BU03440101", "woz_waarde")])
    assert np.isnan(f[("BU03440102", "pct_0_15")])
    assert "GM1680" not in set(result.figures["code"])
    assert result.areas.set_index("code").loc["BU03440102", "naam"] == "Oog in Al"


def test_origin_key_ignored_when_not_under_herkomst(kwb_json: Path) -> None:
    frame, meta = odata.read(kwb_json)
    meta = {**meta, "DataProperties": [p for p in meta["DataProperties"] if p["ID"] != 10]}
    result = kwb.odata_figures(frame, meta, kwb_json)
    assert "pct_herkomst_buiten_europa" not in set(result.figures["indicator"])


def test_build_from_downloaded_files(kwb_json: Path, tmp_path: Path) -> None:
    sources = kwb_json.parents[2]
    shutil.copy(FIXTURES / "geo" / "buurten_topo.json", sources / "buurten.json")
    report = build(sources, tmp_path / "store")
    kinds = {u["kind"] for u in report.used}
    assert "odata_85984NED" in kinds
    figures = storage.read_indicatoren(tmp_path / "store")
    row = figures[(figures["code"] == "BU03440101") & (figures["indicator"] == "inwoners")]
    assert row["waarde"].tolist() == [200.0] and row["bron"].tolist() == ["cbs_85984NED"]
    gebieden = storage.read_gebieden(tmp_path / "store").set_index(["code", "indeling"])
    assert gebieden.loc[("BU03440101", 2024), "naam"] == "Welgelegen, Den Hommel"
