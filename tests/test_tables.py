"""Table readers: every stored figure equals its fixture source value; missing stays missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kbz_data.errors import KbzSourceError
from kbz_data.sources import kwb, rivm, ses_woa, statline, woonikveilig
from tests.conftest import FIXTURES, RIVM_COLUMNS, RIVM_ROWS, rivm_value, write_kwb_xlsx, write_rivm_xlsx

STAT = FIXTURES / "statline"


def _value(figures: pd.DataFrame, code: str, indicator: str, jaar: int | None = None) -> float:
    rows = figures[(figures["code"] == code) & (figures["indicator"] == indicator)]
    if jaar is not None:
        rows = rows[rows["jaar"] == jaar]
    assert len(rows) == 1, rows
    return float(rows["waarde"].iloc[0])


def test_rivm_every_value_equals_source(tmp_path: Path) -> None:
    path = write_rivm_xlsx(tmp_path / "r.xlsx")
    result = rivm.figures(statline.read_xlsx(path), path)
    figures = result.figures
    assert set(figures["code"]) == {"GM0344", "WK034401", "BU03440101", "BU03440102"}  # not NL01, not GM1680
    assert set(figures["indeling"]) == {2020}
    for i, (code, _soort, leeftijd, perioden, _first) in enumerate(RIVM_ROWS):
        if code in ("NL01", "GM1680"):
            continue
        suffix = rivm.AGE_SUFFIX[leeftijd]
        for column, indicator in rivm.FIELDS.items():
            expected = rivm_value(i, RIVM_COLUMNS.index(column))
            got = _value(figures, code, indicator + suffix, int(perioden[:4]))
            if expected is None:
                assert np.isnan(got)
            else:
                assert got == pytest.approx(expected)


def test_rivm_skips_confidence_rows(tmp_path: Path) -> None:
    path = write_rivm_xlsx(tmp_path / "r.xlsx", marges="MOG0095")
    result = rivm.figures(statline.read_xlsx(path), path)
    assert result.figures.empty
    assert "7 rijen overgeslagen" in result.notes[0]


def test_rivm_wrong_columns(tmp_path: Path) -> None:
    frame = statline.read_xlsx(write_rivm_xlsx(tmp_path / "r.xlsx")).drop(columns=["Roker_11"])
    with pytest.raises(KbzSourceError, match="ontbrekend 'Roker_11'"):
        rivm.figures(frame, "r.xlsx")


def test_kwb_statline_shares_from_counts() -> None:
    codes = statline.read_csv(STAT / "kwb2024_codes.csv")
    origin = statline.read_csv(STAT / "kwb2024_herkomst.csv")
    result = kwb.statline_figures(codes, "c.csv", origin, "h.csv")
    f = result.figures
    assert _value(f, "GM0344", "inwoners") == 374238
    assert _value(f, "GM0344", "pct_65plus") == pytest.approx(round(100 * 40261 / 374238, 1))
    assert _value(f, "BU03440101", "pct_herkomst_buiten_europa") == pytest.approx(25.0)
    assert np.isnan(_value(f, "BU03440102", "inwoners"))
    assert np.isnan(_value(f, "BU03440103", "pct_0_15"))  # 0 inwoners: no share, not 0 %
    assert set(result.areas["code"]) == {"GM0344", "WK034401", "BU03440101", "BU03440102", "BU03440103"}
    assert result.areas.set_index("code").loc["BU03440101", "naam"] == "Welgelegen, Den Hommel"
    assert set(f["indeling"]) == {2024}


def test_kwb_origin_rows_must_match(tmp_path: Path) -> None:
    codes = statline.read_csv(STAT / "kwb2024_codes.csv")
    origin = statline.read_csv(STAT / "kwb2024_herkomst.csv")
    shuffled = origin.iloc[[0, 1, 3, 2, 4, 5, 6]].reset_index(drop=True)
    with pytest.raises(KbzSourceError, match=r"rijen passen niet .* regel\(s\) \[4, 5\]"):
        kwb.statline_figures(codes, "c.csv", shuffled, "h.csv")
    with pytest.raises(KbzSourceError, match="6 rijen, maar het bestand met codes"):
        kwb.statline_figures(codes, "c.csv", origin.iloc[:6], "h.csv")


def test_ses_woa() -> None:
    result = ses_woa.figures(statline.read_csv(STAT / "ses_woa_85163NED.csv"), "s.csv")
    f = result.figures
    assert _value(f, "WK034401", "ses_woa_score", 2019) == pytest.approx(-0.12)
    assert _value(f, "BU03440101", "pct_opleiding_laag", 2019) == pytest.approx(12.4)
    assert np.isnan(_value(f, "BU03440102", "ses_woa_score", 2019))
    assert set(f["indeling"]) == {2020}


def test_kwb_xlsx(tmp_path: Path) -> None:
    path = write_kwb_xlsx(tmp_path / "CBS-Utrecht-kwb-2023.xlsx")
    frame = statline.read_xlsx(path)
    result = kwb.xlsx_figures(frame, path, kwb.xlsx_year(path))
    f = result.figures
    assert set(f["indeling"]) == {2023} and set(f["jaar"]) == {2023}
    assert _value(f, "WK034401", "woz_waarde") == 451
    assert _value(f, "GM0344", "bijstandsuitkeringen") == 10410
    assert _value(f, "GM0344", "bijstand_per_1000") == pytest.approx(round(1000 * 10410 / 367947, 1))
    assert np.isnan(_value(f, "GM0344", "inkomen_per_inwoner"))


def test_kwb_xlsx_year_required(tmp_path: Path) -> None:
    with pytest.raises(KbzSourceError, match="kan het KWB-jaar niet afleiden"):
        kwb.xlsx_year(tmp_path / "utrecht.xlsx", "Gemeente-Utrecht")


def test_woonikveilig() -> None:
    result = woonikveilig.figures(FIXTURES / "woonikveilig" / "GM0344.json")
    f = result.figures
    assert _value(f, "GM0344", "inkomen_per_inwoner") == 38.5
    assert _value(f, "BU03440101", "woz_waarde") == 430
    assert np.isnan(_value(f, "BU03440101", "afstand_huisarts"))
    assert np.isnan(_value(f, "BU03440102", "woz_waarde"))
    areas = result.areas.set_index("code")
    assert areas.loc["BU03440101", "wijkcode"] == "WK034401"  # recomputed, not the file's wijkCode


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "geen leesbare JSON"),
        ('{"a": 1}', "verwacht een woonikveilig-gemeentebestand"),
        ('{"schemaVersion":1,"code":"GM0344","demografie":{"inwoners":"veel"}}',
         "veld demografie.inwoners is geen getal"),
        ('{"schemaVersion":1,"code":"GM0344","demografie":{},"wijken":[{"name":"x"}]}',
         "element in 'wijken' zonder 'code'"),
    ],
)
def test_woonikveilig_bad(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "GM0344.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KbzSourceError, match=message):
        woonikveilig.figures(path)
