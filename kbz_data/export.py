"""Downloads: CSV and Excel files that carry their source, year and licence lines inside the file."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd


def to_csv(table: pd.DataFrame, lines: list[str]) -> bytes:
    """CSV for Dutch spreadsheets (';' separator, decimal comma, UTF-8 with BOM) with '#' metadata lines on top.

    Read it back with ``pd.read_csv(..., sep=';', decimal=',', comment='#')``.
    """
    buffer = io.StringIO()
    for line in lines:
        buffer.write(f"# {line}\n")
    table.to_csv(buffer, sep=";", decimal=",", index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: pd.DataFrame, lines: list[str], sheet: str = "Gegevens") -> bytes:
    """Excel workbook: the table on ``sheet`` followed by the metadata lines, and a sheet 'Bron' with the lines."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False)
        sheet_obj = writer.sheets[sheet]
        start = len(table) + 3
        for offset, line in enumerate(lines):
            sheet_obj.cell(row=start + offset, column=1, value=line)
        pd.DataFrame({"Bron en toelichting": lines}).to_excel(writer, sheet_name="Bron", index=False)
    return buffer.getvalue()


def _cell(value: object) -> object:
    """A pandas/numpy scalar as a value openpyxl accepts (missing -> empty cell)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def lines_then_tables_xlsx(sheets: Sequence[tuple[str, pd.DataFrame]], lines: Sequence[str]) -> bytes:
    """Excel workbook: every sheet starts with ``lines`` (the first bold; lines starting with "FICTIEVE" bold red),
    an empty row, then its table with a bold header. Sheet names are cut to Excel's 31 characters."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, table in sheets:
        sheet = book.create_sheet(name[:31])
        for i, line in enumerate(lines):
            sheet.append([line])
            if i == 0 or line.startswith("FICTIEVE"):
                sheet.cell(row=i + 1, column=1).font = Font(bold=True, color="B00020" if i else "000000")
        sheet.append([])
        sheet.append([str(c) for c in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
