"""Tests for kbz_data.sources.odata on the fixtures in tests/fixtures/odata and on broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kbz_data.errors import KbzSourceError
from kbz_data.sources import odata
from kbz_data.sources.statline import to_float

FIXTURES = Path(__file__).parent / "fixtures" / "odata"
SAVED = FIXTURES / "saved_85984NED.json"


def test_saved_file_gives_stripped_strings_and_missing_as_na() -> None:
    frame, meta = odata.read(SAVED)

    assert list(frame.columns) == [
        "ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "AantalInwoners_5",
        "GemiddeldeWOZWaardeVanWoningen_39", "GemiddeldInkomenPerInwoner_78", "AfstandTotHuisartsenpraktijk_110",
    ]
    assert list(frame["WijkenEnBuurten"]) == ["GM0363", "WK0363AA", "BU0363AA01"]
    assert list(frame["SoortRegio_2"]) == ["Gemeente", "Wijk", "Buurt"]
    assert list(frame["ID"]) == ["1920", "1921", "1922"]  # JSON numbers keep their spelling, as text
    assert all(str(dtype) == "string" for dtype in frame.dtypes)
    # "       ." and "" and "  .  " and null and a key absent from the row are all missing.
    assert frame["GemiddeldInkomenPerInwoner_78"].isna().tolist() == [True, True, False]
    assert frame["GemiddeldeWOZWaardeVanWoningen_39"].isna().tolist() == [False, False, True]
    assert frame["AfstandTotHuisartsenpraktijk_110"].isna().tolist() == [False, True, True]
    numbers = to_float(frame, ["AantalInwoners_5", "GemiddeldInkomenPerInwoner_78"], SAVED)
    assert numbers["AantalInwoners_5"].tolist() == [933680.0, 4460.0, 1260.0]
    assert numbers["GemiddeldInkomenPerInwoner_78"].iloc[2] == 31.5

    assert meta["table"] == "85984NED"
    assert meta["downloaded"] == "2026-11-24T10:15:00+00:00"
    assert meta["base_url"] == "https://opendata.cbs.nl/ODataFeed/odata/85984NED/"
    assert [p["Key"] for p in meta["DataProperties"]] == ["WijkenEnBuurten", "AantalInwoners_5"]
    assert meta["TableInfos"][0]["Title"] == "Kerncijfers wijken en buurten 2024"
    assert meta["names"] == {
        "GM0363": "Amsterdam", "WK0363AA": "Burgwallen-Oude Zijde", "BU0363AA01": "Kop Zeedijk",
    }


def test_raw_odata_page_reads_with_stem_as_table() -> None:
    path = FIXTURES / "50090NED_UntypedDataSet_0363_p2.json"
    frame, meta = odata.read(path)

    assert list(frame.columns[:8]) == [
        "ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
    ]
    assert list(frame.columns[-1:]) == ["MoeiteMetRondkomen_38"]
    assert list(frame["Codering_3"]) == ["BU03630000", "GM0363"]
    assert list(frame["Gemeentenaam_1"]) == ["Amsterdam", "Amsterdam"]
    assert frame.loc[0, "Ondergewicht_7"] is pd.NA
    assert frame["LopenNaarSchoolOfWerk_35"].isna().all()
    assert frame.loc[1, "ErvarenGezondheidGoedZeerGoed_4"] == "64.0"
    assert meta["table"] == "50090NED_UntypedDataSet_0363_p2"
    assert meta["names"] == {} and meta["DataProperties"] == [] and meta["downloaded"] is None


def test_reader_does_not_mutate_or_depend_on_row_key_order(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"table": "T", "value": [{"b": " 1 ", "a": "x"}, {"a": "y", "c": None}]}))
    frame, _ = odata.read(path)
    assert list(frame.columns) == ["b", "a", "c"]
    assert frame["b"].tolist()[0] == "1" and frame["b"].isna().tolist() == [False, True]
    assert frame["c"].isna().all()


BAD_FILES = [
    pytest.param(b"", "het bestand is leeg; verwacht een OData-download (JSON)", id="empty"),
    pytest.param(b"  \n", "het bestand is leeg", id="whitespace"),
    pytest.param(b'{"table": "X", "value": [', "geen geldige JSON (regel 1, kolom 26: Expecting value)",
                 id="truncated"),
    pytest.param(b"<html>Onderhoud</html>", "geen geldige JSON (regel 1, kolom 1: Expecting value)", id="html"),
    pytest.param(b"\xff\xfe{}", "geen UTF-8-tekst (byte 0)", id="not-utf8"),
    pytest.param(b"[1, 2]", "verwacht een JSON-object met de sleutel 'value', gevonden: list", id="array"),
    pytest.param(b'{"table": "X", "rows": []}',
                 "sleutel 'value' ontbreekt; verwacht een OData-download (gevonden sleutels: 'table', 'rows')",
                 id="no-value"),
    pytest.param(b"{}", "sleutel 'value' ontbreekt; verwacht een OData-download (gevonden sleutels: geen)",
                 id="no-keys"),
    pytest.param(b'{"table": "X", "value": []}', "'value' bevat geen rijen", id="empty-value"),
    pytest.param(b'{"value": {"a": 1}}', "'value' is geen lijst maar dict", id="value-object"),
    pytest.param(b'{"value": [{"a": "1"}, 2, "x"]}', "2 rij(en) in 'value' zijn geen JSON-object (index 1, 2)",
                 id="rows-not-objects"),
    pytest.param(b'{"value": [{"a": "1"}], "WijkenEnBuurten": [{"Key": "GM0363"}, {"Title": "x"}]}',
                 "1 item(s) in 'WijkenEnBuurten' zonder tekst-'Key' (index 1)", id="name-without-key"),
    pytest.param(b'{"value": [{"a": "1"}], "WijkenEnBuurten": {"GM0363": "Amsterdam"}}',
                 "'WijkenEnBuurten' is geen lijst maar dict", id="names-object"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_files_raise_source_error_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "85984NED.json"
    path.write_bytes(content)
    with pytest.raises(KbzSourceError) as caught:
        odata.read(path)
    assert caught.value.path == str(path)
    assert message in caught.value.problem
    assert str(caught.value).startswith(f"{path}: ")


def test_truncated_saved_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "85984NED.json"
    path.write_bytes(SAVED.read_bytes()[:700])
    expected = r"geen geldige JSON \(regel \d+, kolom \d+: .*\); beschadigd of afgebroken"
    with pytest.raises(KbzSourceError, match=expected):
        odata.read(path)


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(KbzSourceError, match="kan het bestand niet lezen"):
        odata.read(tmp_path / "absent.json")


def test_is_odata_file(tmp_path: Path) -> None:
    assert odata.is_odata_file(SAVED)
    assert not odata.is_odata_file(FIXTURES / "50090NED_UntypedDataSet_0363.json")  # raw page: no "table"
    assert not odata.is_odata_file(FIXTURES / "pdok_wijken_GM0363_0.json")
    assert not odata.is_odata_file(tmp_path / "absent.json")
    csv = tmp_path / "export.csv"
    csv.write_text('"Wijken en buurten";"Perioden"\n"GM0363    ";"2019"\n', encoding="utf-8-sig")
    assert not odata.is_odata_file(csv)
    broken = tmp_path / "broken.json"
    broken.write_bytes(SAVED.read_bytes()[:300])
    assert not odata.is_odata_file(broken)


def test_is_odata_file_sniffs_large_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(odata, "_SNIFF_PARSE_LIMIT", 10)
    assert odata.is_odata_file(SAVED)
    other = tmp_path / "big.json"
    other.write_text(json.dumps({"type": "FeatureCollection", "features": [], "value": 1}))
    assert not odata.is_odata_file(other)
