"""The one CSV/Excel writer of the product: every download is a :class:`~kbz_data.analysis.results.ViewResult`.

CSV (one table): ``#`` context lines on top, then the table; ``;`` separator, decimal comma, UTF-8 with BOM and
CRLF line ends, so Dutch Excel opens it with the right accents. Read it back with
``pd.read_csv(..., sep=';', decimal=',', comment='#', encoding='utf-8-sig')``.

Excel: every table on its own sheet under the context lines (title bold, "FICTIEVE DEMODATA" bold red), an empty
row, then a bold header that is frozen and carries an autofilter, number formats with thousands separators and
as many decimals as the column holds (at most three), and column widths that fit the content. A last sheet
"Bron" lists the context lines again (sources, licence, method, fictief line).

Safety: a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would run as a
formula in a spreadsheet. In Excel such a cell is stored as text; in CSV it gets a leading apostrophe.
"""

from __future__ import annotations

import io
import math

import openpyxl
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kbz_data.analysis.results import ViewResult

#: Name of the sheet with sources, licence and method lines.
BRON_SHEET = "Bron"
#: Header of the lines on the Bron sheet.
BRON_HEADER = "Bron en toelichting"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_DECIMALS = 3
_RED = "B00020"


def _risky(value: object) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def _csv_cell(value: object) -> object:
    return "'" + value if _risky(value) else value


def to_csv(view: ViewResult) -> bytes:
    """The first table of ``view`` as CSV, with its context lines as ``#`` lines on top."""
    buffer = io.StringIO()
    for line in view.lines:
        buffer.write(f"# {line}\r\n")
    table = view.table.copy()
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].astype(object).map(_csv_cell)
    table.to_csv(buffer, sep=";", decimal=",", index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell_value(value: object) -> object:
    """A pandas/numpy scalar as a value openpyxl accepts (missing -> empty cell)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _decimals(column: pd.Series) -> int:
    """Decimals a float column needs (0..3), read from its values."""
    values = pd.to_numeric(column, errors="coerce").dropna()
    for decimals in range(_MAX_DECIMALS):
        if ((values * 10**decimals).round(6) % 1 == 0).all():
            return decimals
    return _MAX_DECIMALS


def number_format(column: pd.Series) -> str | None:
    """Excel number format of a column: ``#,##0`` for whole numbers, ``#,##0.0..`` for decimals, None for text."""
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        return None
    decimals = _decimals(column) if pd.api.types.is_float_dtype(column) else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _write_lines(sheet, lines: tuple[str, ...]) -> None:
    for i, line in enumerate(lines, start=1):
        cell = sheet.cell(row=i, column=1, value=line)
        cell.data_type = "s"  # context lines are text, whatever they start with
        if i == 1 or line.startswith("FICTIEVE"):
            cell.font = Font(bold=True, color=_RED if i > 1 else "000000")


def _write_table(sheet, table: pd.DataFrame, first_row: int) -> None:
    columns = [str(c) for c in table.columns]
    for j, name in enumerate(columns, start=1):
        cell = sheet.cell(row=first_row, column=j, value=name)
        cell.data_type = "s"
        cell.font = Font(bold=True)
    formats = [number_format(table[c]) for c in table.columns]
    widths = [len(name) for name in columns]
    for i, row in enumerate(table.itertuples(index=False), start=first_row + 1):
        for j, value in enumerate(row, start=1):
            cell = sheet.cell(row=i, column=j, value=_cell_value(value))
            if _risky(cell.value):
                cell.data_type = "s"  # never a formula
            elif formats[j - 1] and isinstance(cell.value, int | float):
                cell.number_format = formats[j - 1]
            widths[j - 1] = max(widths[j - 1], len(str(cell.value)) if cell.value is not None else 0)
    last_row = first_row + max(len(table), 1)
    if columns:
        sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)
        sheet.auto_filter.ref = f"A{first_row}:{get_column_letter(len(columns))}{last_row}"
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = min(max(10, math.ceil(width * 1.1) + 2), 60)


def to_xlsx(view: ViewResult) -> bytes:
    """Every table of ``view`` on its own sheet under the context lines, then the sheet "Bron"."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    lines = view.lines
    for name, table in view.tables:
        sheet = book.create_sheet(name[:31])
        _write_lines(sheet, lines)
        _write_table(sheet, table, first_row=len(lines) + 2)
    bron = book.create_sheet(BRON_SHEET)
    bron.cell(row=1, column=1, value=BRON_HEADER).font = Font(bold=True)
    _write_lines_at(bron, lines, first_row=2)
    bron.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_lines_at(sheet, lines: tuple[str, ...], first_row: int) -> None:
    for i, line in enumerate(lines, start=first_row):
        cell = sheet.cell(row=i, column=1, value=line)
        cell.data_type = "s"
        if line.startswith("FICTIEVE"):
            cell.font = Font(bold=True, color=_RED)
