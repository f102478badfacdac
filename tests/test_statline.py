"""StatLine CSV/XLSX reader on fixtures with the real quirks (BOM, ';', quotes, padding, '.')."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kbz_data.errors import KbzSourceError
from kbz_data.sources import statline
from tests.conftest import FIXTURES, write_rivm_xlsx

CODES = FIXTURES / "statline" / "kwb2024_codes.csv"


def test_csv_strips_padding_bom_and_missing_markers() -> None:
    frame = statline.read_csv(CODES)
    assert frame.columns[0] == "Wijken en buurten"  # BOM gone
    assert frame["Regioaanduiding/Codering (code)"].tolist()[:3] == ["NL00", "GM1680", "GM0344"]
    assert frame["Regioaanduiding/Gemeentenaam (naam)"][2] == "Utrecht"
    oog = frame[frame["Regioaanduiding/Codering (code)"] == "BU03440102"].iloc[0]
    assert pd.isna(oog["Bevolking/Aantal inwoners (aantal)"])


def test_to_float_keeps_missing_as_nan_not_zero() -> None:
    frame = statline.read_csv(CODES)
    numbers = statline.to_float(frame, ["Bevolking/Aantal inwoners (aantal)"], CODES)
    values = numbers["Bevolking/Aantal inwoners (aantal)"]
    assert values[2] == 374238.0
    assert values.isna().sum() == 1
    assert (values == 0).sum() == 1  # the real zero stays zero


def test_xlsx_reader_strips_codes(tmp_path: Path) -> None:
    path = write_rivm_xlsx(tmp_path / "x.xlsx")
    frame = statline.read_xlsx(path)
    assert frame["WijkenEnBuurten"].tolist()[:2] == ["NL01", "GM0344"]
    assert frame["ErvarenGezondheidGoedZeerGoed_4"][1] == "81.5"
    assert pd.isna(frame["ErvarenGezondheidGoedZeerGoed_4"][4])


def _truncated_xlsx(tmp_path: Path) -> Path:
    good = write_rivm_xlsx(tmp_path / "good.xlsx").read_bytes()
    bad = tmp_path / "afgebroken.xlsx"
    bad.write_bytes(good[: len(good) // 2])
    return bad


def _text(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("make", "reader", "message"),
    [
        (_truncated_xlsx, statline.read_xlsx, "geen leesbaar XLSX-bestand (beschadigd of afgebroken?)"),
        (lambda t: _text(t, "leeg.csv", ""), statline.read_csv, "het bestand is leeg"),
        (lambda t: _text(t, "kop.csv", '"a";"b"\n'), statline.read_csv,
         "het bestand heeft een kop maar geen gegevensregels"),
        (lambda t: _text(t, "scheve.csv", '"a";"b"\n"1";"2"\n"3"\n'), statline.read_csv,
         "1 regel(s) met een ander aantal velden dan de kop (2): regel 3"),
        (lambda t: _text(t, "komma.csv", "a,b\n1,2\n"), statline.read_csv, "geen ';'-gescheiden kolommen gevonden"),
        (lambda t: _text(t, "latin.csv", '"naam";"b"\n"Zuid\xe9";"2"\n', "latin-1"), statline.read_csv,
         "geen UTF-8-tekst"),
        (lambda t: t / "bestaat-niet.csv", statline.read_csv, "kan het bestand niet lezen"),
    ],
    ids=["truncated-xlsx", "empty", "header-only", "ragged", "comma", "latin1", "absent"],
)
def test_bad_inputs_get_exact_errors(tmp_path: Path, make, reader, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(KbzSourceError) as info:
        reader(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_text_in_number_column_is_named_with_row() -> None:
    frame = pd.DataFrame({"x": pd.array(["1", "twee", None, "4,5"], dtype="string")})
    with pytest.raises(KbzSourceError) as info:
        statline.to_float(frame, ["x"], "bron.csv")
    assert "kolom 'x' bevat 2 waarde(n) die geen getal zijn (rij 3: 'twee', rij 5: '4,5')" in str(info.value)


def test_require_columns_lists_all_missing() -> None:
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(KbzSourceError) as info:
        statline.require_columns(frame, ["a", "b", "c"], "f.csv")
    assert "ontbrekend 'b', 'c'" in str(info.value)
