"""Files for download: the upload template (CSV and Excel) and exports of practice tables.

Exports of practice tables are :class:`~kbz_data.analysis.results.ViewResult` objects written by
:mod:`kbz_data.export`: the file carries its title, "FICTIEVE DEMODATA" when any figure is a demo figure, the
method and source lines, and a ``fictief`` column; other practices appear only anonymised (:func:`practice_view`
refuses a table that names one by code).
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
from openpyxl.styles import Font

from kbz_data.analysis.results import ViewResult
from kbz_data.errors import KbzDataError
from kbz_data.practice import registry
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
    for column, width in zip("ABCDE", (22, 10, 34, 10, 10), strict=True):
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


def _with_fictief_column(table: pd.DataFrame, fictief: bool) -> pd.DataFrame:
    if "Fictief" in table.columns or "fictief" in table.columns:
        return table
    return table.assign(fictief="ja" if fictief else "nee")


def _check_own_only(table: pd.DataFrame, own: str, known: list[str] | None = None) -> None:
    """Refuse a table that names another practice by code: other practices leave the dashboard only anonymised.
    ``known``: the practice codes in use (the database's registry; default the built-in one)."""
    others = set(registry.codes() if known is None else known) - {own}
    text = {str(c) for c in table.columns}
    for column in table.columns:  # plain values, not DataFrame.astype(str): this runs on every rerun
        text.update(str(v) for v in table[column].tolist())
    leaked = sorted(others.intersection(text))
    if leaked:
        raise KbzDataError(f"de tabel noemt andere praktijken bij hun code ({', '.join(leaked)}); niet geëxporteerd")


def practice_view(table: pd.DataFrame, *, own: str, title: str, fictief: bool, source: str,
                  method_lines: tuple[str, ...], file_stem: str, sheet: str = "cijfers",
                  known: list[str] | None = None) -> ViewResult:
    """A practice table as a view for screen and download: title, "FICTIEVE DEMODATA" when ``fictief``, method
    lines and the source line, and a ``fictief`` column when the table has none.

    Raises
    ------
    KbzDataError
        When the table names another practice than ``own`` by its code (of ``known``, the practice codes in use;
        default the built-in registry's).
    """
    _check_own_only(table, own, known)
    return ViewResult(title=title, tables=((sheet, _with_fictief_column(table, fictief)),), file_stem=file_stem,
                      method_lines=method_lines, sources=source, fictief=fictief)
