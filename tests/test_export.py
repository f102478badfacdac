"""The one CSV/Excel writer (kbz_data.export) and the view results it writes (kbz_data.analysis.results)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kbz_data import export
from kbz_data.analysis.results import FICTIEF_LINE, LICENCE_LINE, ViewResult, plain_view
from kbz_data.errors import KbzDataError
from kbz_data.practice import exports

TABLE = pd.DataFrame({
    "Gebied": ["Zuilen", "=HYPERLINK(\"http://evil\")", "+31 6", "-5", "@SUM(A1)", "Oost"],
    "Inwoners": [12345, 678, 1, 2, 3, 4],
    "Aandeel (%)": [12.5, 7.25, np.nan, 1.0, 2.0, 3.0],
    "Index": [0.123, -1.5, 0.0, 2.25, 1.0, 0.5],
})


def _view(fictief: bool = True) -> ViewResult:
    return ViewResult(title="Titel van de view", tables=(("Gegevens", TABLE), ("Tweede", TABLE.head(2))),
                      file_stem="x", caption="Onderschrift.", method_lines=("Methode 1.", "Methode 2."),
                      sources="Bron: CBS.", licence=LICENCE_LINE, fictief=fictief)


def test_lines_are_named_fields_in_a_fixed_order() -> None:
    view = _view()
    assert view.lines == ("Titel van de view", FICTIEF_LINE, "Onderschrift.", "Methode 1.", "Methode 2.",
                          "Bron: CBS.", LICENCE_LINE)
    assert _view(fictief=False).lines == tuple(line for line in view.lines if line != FICTIEF_LINE)
    assert view.footnote == f"Methode 1. Methode 2. Bron: CBS. {LICENCE_LINE}"
    assert view.table is TABLE
    with pytest.raises(AttributeError):
        view.title = "anders"  # frozen


def test_excel_lines_above_table_bron_sheet_header_filter_formats() -> None:
    view = _view()
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(view)))
    assert book.sheetnames == ["Gegevens", "Tweede", "Bron"]
    sheet = book["Gegevens"]
    n = len(view.lines)
    assert [sheet.cell(row=i, column=1).value for i in range(1, n + 1)] == list(view.lines)
    assert sheet.cell(row=1, column=1).font.b
    fictief = sheet.cell(row=2, column=1)
    assert fictief.value.startswith("FICTIEVE DEMODATA") and fictief.font.b
    assert fictief.font.color.rgb.endswith("B00020")
    header = n + 2
    assert sheet.cell(row=n + 1, column=1).value is None
    assert [c.value for c in sheet[header]] == list(TABLE.columns) and all(c.font.b for c in sheet[header])
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref == f"A{header}:D{header + len(TABLE)}"
    first = header + 1
    assert sheet.cell(row=first, column=2).value == 12345 and sheet.cell(row=first, column=2).number_format == "#,##0"
    assert sheet.cell(row=first, column=3).number_format == "#,##0.00"  # 7.25 needs two decimals
    assert sheet.cell(row=first, column=4).number_format == "#,##0.000"
    assert sheet.cell(row=first + 2, column=3).value is None  # NaN -> empty cell, never 0
    assert sheet.column_dimensions["A"].width >= len("Zuilen")
    assert book["Tweede"].cell(row=header + 2, column=1).value == TABLE.iloc[1, 0]
    bron = [c.value for c in book["Bron"]["A"]]
    assert bron == [export.BRON_HEADER, *view.lines]
    assert any(line.startswith("FICTIEVE DEMODATA") for line in bron)
    assert LICENCE_LINE in bron and "Bron: CBS." in bron and "Methode 2." in bron


def test_excel_text_that_looks_like_a_formula_stays_text() -> None:
    data = export.to_xlsx(_view())
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Gegevens"]
    start = len(_view().lines) + 3
    cells = [sheet.cell(row=start + i, column=1) for i in range(len(TABLE))]
    assert [c.value for c in cells] == TABLE["Gebied"].tolist()
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not any("<f>" in archive.read(name).decode() for name in archive.namelist()
                       if name.startswith("xl/worksheets/"))


def test_csv_lines_then_table_dutch_numbers_and_safe_text() -> None:
    view = _view()
    data = export.to_csv(view)
    assert data.startswith("\ufeff# Titel van de view\r\n# FICTIEVE DEMODATA".encode())
    text = data.decode("utf-8-sig")
    assert all(f"# {line}\r\n" in text for line in view.lines)
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", comment="#", encoding="utf-8-sig")
    assert back["Aandeel (%)"].iloc[:2].tolist() == [12.5, 7.25]
    assert back["Inwoners"].tolist() == TABLE["Inwoners"].tolist()
    assert back["Gebied"].tolist() == ["Zuilen", "'=HYPERLINK(\"http://evil\")", "'+31 6", "'-5", "'@SUM(A1)", "Oost"]


def test_plain_view_keeps_the_lines_as_given() -> None:
    lines = ["Wijkprofiel Zuilen", "Bron: RIVM.", "Licentie: CC BY 4.0"]
    view = plain_view(lines, TABLE, "wijkprofiel")
    assert view.lines == tuple(lines) and view.tables[0][0] == "Gegevens"


def test_practice_view_adds_fictief_column_and_refuses_other_codes() -> None:
    table = pd.DataFrame({"Praktijk": ["Mijn praktijk", "Praktijk A"], "Waarde": [1.0, 2.0]})
    view = exports.practice_view(table, own="RTD-BLOEMHOF-1", title="T", fictief=True, source="Bron.",
                                 method_lines=("Onderdrukking.",), file_stem="t")
    assert set(view.table["fictief"]) == {"ja"} and view.lines[1].startswith("FICTIEVE DEMODATA")
    leaked = pd.DataFrame({"Praktijk": ["RTD-BLOEMHOF-1", "UTR-ONDIEP-1"], "Waarde": [1.0, 2.0]})
    with pytest.raises(KbzDataError, match="UTR-ONDIEP-1"):
        exports.practice_view(leaked, own="RTD-BLOEMHOF-1", title="T", fictief=False, source="", method_lines=(),
                              file_stem="t")


def test_several_sources_say_bron_once() -> None:
    from kbz_data.text import join_attributions

    assert join_attributions(["Bron: CBS, A (CC BY 4.0)"]) == "Bron: CBS, A (CC BY 4.0)"
    assert join_attributions(["Bron: CBS, A", "Bron: RIVM, B", "Bron: CBS, A"]) == "Bronnen: CBS, A; RIVM, B"
    assert join_attributions([]) == ""
