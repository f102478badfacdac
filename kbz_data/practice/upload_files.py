"""Read the rows of an uploaded practice-figures file (CSV or XLSX); the checks are in :mod:`.upload_checks`.

* CSV separated by ``;``, ``,`` or a tab (detected from the header line), quoted or not; UTF-8 with or without
  BOM, Windows-1252 (cp1252), or UTF-16 with a byte-order mark (Excel's "Unicode-tekst" export, usually
  tab-separated; UTF-16 without a BOM is recognised by its pattern of zero bytes). Excel's ``.xlsx``: the first
  sheet, first row = header.
* Refused, each with its own message: an empty file; one larger than :data:`MAX_BYTES` (5 MB); the old ``.xls``;
  a name that is not CSV, TXT or XLSX; a broken XLSX; text that is neither UTF-8, Windows-1252 nor UTF-16 with a
  BOM; a CSV that is not text at all (a renamed image, PDF or archive, or bytes with zero bytes in them).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import PurePath
from typing import Any

from kbz_data.errors import Problem
from kbz_data.practice.errors import KbzUploadError
from kbz_data.text import fmt_number

#: The largest upload accepted, in bytes.
MAX_BYTES = 5 * 1024 * 1024
#: Magic bytes of common non-text files that get renamed to .csv.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "een PNG-afbeelding"), (b"\xff\xd8\xff", "een JPEG-afbeelding"), (b"GIF8", "een GIF-afbeelding"),
    (b"%PDF", "een PDF-bestand"), (b"\x1f\x8b", "een gzip-archief"), (b"Rar!", "een RAR-archief"),
    (b"7z\xbc\xaf", "een 7z-archief"), (b"II*\x00", "een TIFF-afbeelding"), (b"MM\x00*", "een TIFF-afbeelding"),
    (b"RIFF", "een RIFF-bestand (zoals een WebP-afbeelding)"), (b"\x7fELF", "een programma"),
)


def _unreadable(filename: str, reason: str) -> KbzUploadError:
    return KbzUploadError(filename, [Problem(None, None, reason)])


_NOT_TEXT = "; upload de cijfers als CSV-bestand (.csv) of als Excel-bestand (.xlsx)"


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the zero bytes fall on every other position (ASCII text in UTF-16)."""
    even, odd = head[0::2], head[1::2]
    if len(odd) >= 2 and odd.count(0) >= len(odd) // 2 and even.count(0) == 0:
        return "utf-16-le"
    if len(even) >= 2 and even.count(0) >= len(even) // 2 and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _decode(data: bytes, filename: str) -> str:
    """The text of a CSV upload: UTF-8 (BOM or not), UTF-16 (BOM, or recognised by its zero bytes), cp1252.

    Raises KbzUploadError for a file that is not text (known magic bytes of images, PDF, archives; zero bytes).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, body = "utf-16", data  # the BOM picks the byte order and is dropped
    else:
        for magic, kind in _MAGIC:
            if data.startswith(magic):
                raise _unreadable(filename, f"het bestand is geen tekstbestand maar {kind}{_NOT_TEXT}")
        head = data[:8192]
        encoding, body = (_utf16_without_bom(head) or "binary", data) if b"\x00" in head else ("utf-8", data)
        if encoding == "binary":
            raise _unreadable(filename, "het bestand is geen tekstbestand: het bevat binaire gegevens (nul-bytes),"
                                        f" zoals een afbeelding, archief of programma{_NOT_TEXT}")
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise _unreadable(filename, "het bestand is Unicode-tekst (UTF-16) maar is onvolledig of beschadigd;"
                                        " sla het opnieuw op, liefst als CSV (UTF-8) of .xlsx") from exc
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _unreadable(filename, "het bestand bevat tekens die geen UTF-8, UTF-16 of Windows-1252 zijn; sla het"
                                    " op als CSV (UTF-8) of .xlsx") from exc


def _read_csv(data: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    text = _decode(data, filename)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(i, row) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise KbzUploadError(filename, [Problem(None, None, f"het CSV-bestand is onleesbaar: {exc}")]) from exc


def _read_xlsx(data: bytes, filename: str) -> tuple[list[tuple[int, list[Any]]], list[str]]:
    """The rows of the first sheet, and the names of all sheets."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = list(book.sheetnames)
            sheet = book.worksheets[0]
            rows = [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        finally:
            book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        raise KbzUploadError(filename, [Problem(None, None,
            "het Excel-bestand is onleesbaar of beschadigd; sla het opnieuw op als .xlsx of als CSV")]) from exc
    return rows, sheets


def read_upload(data: bytes, filename: str) -> tuple[list[tuple[int, list[Any]]], list[str] | None]:
    """The rows of an upload and, for an Excel file, the names of its sheets (None for CSV).

    Rows are ``(spreadsheet row number, cells)``, the header included (row 1); empty rows are kept.

    Raises
    ------
    KbzUploadError
        For an empty file, a file over :data:`MAX_BYTES`, the old ``.xls``, another file type than CSV, TXT or
        XLSX, and a file that cannot be read (see the module docstring).
    """
    size_mb = len(data) / (1024 * 1024)
    if len(data) == 0:
        raise KbzUploadError(filename, [Problem(None, None, "het bestand is leeg")])
    if len(data) > MAX_BYTES:
        raise KbzUploadError(filename, [Problem(None, None,
            f"het bestand is {fmt_number(size_mb, 1)} MB; de grens is 5 MB. Upload alleen opgetelde cijfers per"
            " praktijk en kwartaal")])
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise KbzUploadError(filename, [Problem(None, None,
            "het oude Excel-formaat (.xls) wordt niet ondersteund; sla het bestand op als .xlsx of als CSV")])
    if suffix == ".xlsx" or data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, filename)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(data, filename), None
    raise KbzUploadError(filename, [Problem(None, None,
        f"bestandstype '{suffix}' wordt niet ondersteund; upload een CSV-bestand (.csv) of Excel-bestand (.xlsx)")])
