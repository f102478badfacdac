"""Downloads: CSV and Excel files that carry their source, year and licence lines inside the file."""

from __future__ import annotations

import io

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
