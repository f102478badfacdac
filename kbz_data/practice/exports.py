"""Files for download: the upload template (CSV and Excel) and exports of practice tables.

Exports carry their context in the file itself: the CSV starts with ``#`` lines (title, "FICTIEVE DEMODATA" when
any figure is a demo figure, the source line and the suppression rule; read it back with
``pandas.read_csv(..., comment="#")``) and has a ``fictief`` column; the Excel file puts the same lines above the
table on its first sheet.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
from openpyxl.styles import Font

from kbz_data import export
from kbz_data.practice.schema import COLUMNS, KENGETALLEN


def template_rows(praktijk_code: str, periode: str) -> list[list[str]]:
    """One row per kengetal for a practice and quarter, teller and noemer left empty for the manager to fill."""
    return [[praktijk_code, periode, k, "", ""] for k in KENGETALLEN]


def template_csv(praktijk_code: str, periode: str) -> bytes:
    """The upload template as CSV: ``;``-separated, UTF-8 with BOM (so Excel opens it with the right accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(template_rows(praktijk_code, periode))
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def template_xlsx(praktijk_code: str, periode: str) -> bytes:
    """The upload template as Excel: sheet 'cijfers' (the one that is read) and sheet 'uitleg' (the kengetallen)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "cijfers"
    sheet.append(list(COLUMNS))
    for row in template_rows(praktijk_code, periode):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDE", (22, 10, 34, 10, 10)):
        sheet.column_dimensions[column].width = width
    info = book.create_sheet("uitleg")
    info.append(["kengetal", "soort", "omschrijving"])
    for k in KENGETALLEN.values():
        info.append([k.id, "telling (noemer leeg)" if k.soort == "telling" else "enquête (teller van noemer"
                     " respondenten)", k.definitie])
    info.append([])
    info.append(["Alleen het eerste tabblad wordt gelezen. Geen gegevens over individuele patiënten."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header_lines(title: str, fictief: bool, lines: list[str]) -> list[str]:
    head = [title]
    if fictief:
        head.append("FICTIEVE DEMODATA: deze praktijkcijfers zijn verzonnen en gegenereerd door het dashboard zelf.")
    return head + [line for line in lines if line]


def export_csv(table: pd.DataFrame, title: str, fictief: bool, lines: list[str]) -> bytes:
    """A table as CSV (``;``, UTF-8 with BOM) with ``#`` context lines on top and a ``fictief`` column."""
    buffer = io.StringIO()
    for line in _header_lines(title, fictief, lines):
        buffer.write(f"# {line}\r\n")
    out = table.copy()
    if "Fictief" not in out.columns and "fictief" not in out.columns:
        out["fictief"] = "ja" if fictief else "nee"
    out.to_csv(buffer, sep=";", index=False, lineterminator="\r\n", decimal=",")
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def export_xlsx(table: pd.DataFrame, title: str, fictief: bool, lines: list[str]) -> bytes:
    """A table as Excel: the context lines above the table on the first sheet, and a ``fictief`` column."""
    out = table.copy()
    if "Fictief" not in out.columns and "fictief" not in out.columns:
        out["fictief"] = "ja" if fictief else "nee"
    return export.lines_then_tables_xlsx([("cijfers", out)], _header_lines(title, fictief, lines))
