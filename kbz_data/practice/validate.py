"""Read and validate an uploaded practice-figures file (CSV or XLSX); report every problem at once.

What is accepted (what Dutch offices produce)
---------------------------------------------
* CSV separated by ``;``, ``,`` or a tab (detected from the header line), quoted or not; UTF-8 with or without
  BOM, or Windows-1252 (cp1252). Excel's ``.xlsx``: the first sheet, first row = header.
* Numbers with a decimal comma (``12,0``) or point (``12.0``); dots as thousands separators when the value has
  the form ``1.234`` or ``1.234.567`` (optionally with a decimal comma). A whole number may be written ``12,0``.
* Column names in any case, with spaces instead of underscores; empty rows are skipped; periods as ``2024Q1``,
  ``2024-Q1``, ``2024 q1``. Extra columns are ignored (listed as a notice), unless they look like patient data.

Row numbers in messages are the row numbers a spreadsheet shows: the header is row 1.

The validation rules (in this order; see :data:`RULES` for the list shown on the upload page)
-----------------------------------------------------------------------------------------------
File: larger than 5 MB; empty (no bytes, no header, or a header without data rows); not CSV or XLSX (or the
old ``.xls``); unreadable (broken XLSX, text that is neither UTF-8 nor Windows-1252).
Patient-level data (the file is refused as a whole and nothing else is checked; no message repeats the value):
a column named like bsn, burgerservicenummer, naam, voornaam, achternaam, geboortedatum, postcode, adres,
telefoonnummer, e-mail or patiëntnummer; a cell holding a Dutch six-position postcode (``1234 AB``); a cell
holding a nine-digit number that passes the BSN eleven-test.
Columns: a required column missing (praktijk_code, periode, kengetal, teller, noemer); a column twice.
Rows: unknown or missing praktijk_code; missing or malformed periode; periode before 2015Q1; periode in the
future (after the current quarter); unknown or missing kengetal; teller missing, not a number, negative or not a
whole number; noemer filled for a count; noemer missing for a survey kengetal; noemer not a number, negative, not
whole, or 0; teller larger than noemer; the same praktijk, periode and kengetal twice in the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

import pandas as pd

from kbz_data.errors import Problem
from kbz_data.practice import registry
from kbz_data.practice.errors import KbzUploadError
from kbz_data.practice.schema import (
    COLUMNS, FIRST_YEAR, KENGETALLEN, SURVEYS, parse_period, period_label, quarter_of,
)

MAX_BYTES = 5 * 1024 * 1024

#: Normalised column names (lower case, without spaces, dashes, underscores and dots) that identify patients.
PATIENT_COLUMNS: frozenset[str] = frozenset({
    "bsn", "burgerservicenummer", "naam", "voornaam", "achternaam", "voorletters", "patientnaam", "patiëntnaam",
    "geboortedatum", "gebdatum", "geboortedag", "postcode", "adres", "straat", "straatnaam", "huisnummer",
    "telefoon", "telefoonnummer", "email", "emailadres", "patientnummer", "patiëntnummer", "patientid", "patiëntid",
})
_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")
_NINE_DIGITS = re.compile(r"^[0-9]{9}$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")

#: The rules as shown to practice managers (upload page and README).
RULES: tuple[str, ...] = (
    "Het bestand is een CSV (scheidingsteken ; of , of tab; UTF-8 met of zonder BOM, of Windows-1252) of een"
    " Excel-bestand (.xlsx; alleen het eerste tabblad telt).",
    "Het bestand is niet groter dan 5 MB en bevat een kopregel en minstens één regel met cijfers.",
    "Geen gegevens over individuele patiënten: geen kolommen zoals bsn, naam, geboortedatum, postcode, adres,"
    " telefoonnummer, e-mail of patiëntnummer; geen zescijferige postcodes (1234 AB) en geen negencijferige"
    " nummers die door de elfproef komen (BSN). Zo'n bestand wordt in zijn geheel geweigerd.",
    "De kolommen praktijk_code, periode, kengetal, teller en noemer zijn aanwezig (elk één keer); andere kolommen"
    " worden genegeerd.",
    "praktijk_code is een bekende praktijk.",
    "periode is een kwartaal (2024Q1), niet eerder dan 2015Q1 en niet in de toekomst.",
    "kengetal is een van de bekende kengetallen.",
    "teller is een heel getal van 0 of meer (decimale komma mag: 12,0).",
    "noemer is leeg bij een telling en bij een enquête-kengetal het aantal respondenten: een heel getal van"
    " minstens 1, niet kleiner dan de teller.",
    "Elke combinatie van praktijk, periode en kengetal komt één keer voor in het bestand.",
)


@dataclass
class ValidatedUpload:
    """An upload that passed every rule: the figures and what was noticed but not refused."""

    filename: str
    sha256: str
    size: int
    figures: pd.DataFrame
    notices: list[str] = field(default_factory=list)


def _norm_header(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\ufeff", "").strip().lower().replace(" ", "_")


def _squash(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name)


def _cell_text(value: Any) -> str:
    """A cell as the user sees it (Excel numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _read_csv(data: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise KbzUploadError(filename, [Problem(None, None,
            "het bestand bevat tekens die geen UTF-8 of Windows-1252 zijn; sla het op als CSV (UTF-8) of .xlsx")]) from exc
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(i, row) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise KbzUploadError(filename, [Problem(None, None, f"het CSV-bestand is onleesbaar: {exc}")]) from exc


def _read_xlsx(data: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        finally:
            book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        raise KbzUploadError(filename, [Problem(None, None,
            "het Excel-bestand is onleesbaar of beschadigd; sla het opnieuw op als .xlsx of als CSV")]) from exc
    return rows


def _is_empty(row: list[Any]) -> bool:
    return all(_cell_text(v) == "" for v in row)


def _elfproef(digits: str) -> bool:
    """The BSN eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11 (and not all zeros)."""
    if digits == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def _looks_like_bsn(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int) or (isinstance(value, float) and value == value and value.is_integer()):
        text = str(int(value))
    else:
        text = _cell_text(value)
    return bool(_NINE_DIGITS.match(text)) and _elfproef(text)


def _patient_level(header: list[str], rows: list[tuple[int, list[Any]]]) -> list[Problem]:
    problems: list[Problem] = []
    for name in header:
        if name and _squash(name) in PATIENT_COLUMNS:
            problems.append(Problem(1, name, "deze kolomnaam wijst op gegevens over individuele patiënten; upload"
                                             " alleen opgetelde cijfers per praktijk en kwartaal"))
    for j, name in enumerate(header):
        label = name or f"{j + 1}"
        postcode = [i for i, row in rows if j < len(row) and _POSTCODE.match(_cell_text(row[j]))]
        bsn = [i for i, row in rows if j < len(row) and _looks_like_bsn(row[j])]
        if postcode:
            problems.append(Problem(postcode[0], label,
                f"een zescijferige postcode (cijfers en letters, zoals 1234 AB) in {len(postcode)} cel(len) van"
                " deze kolom; postcodes wijzen op gegevens over individuele patiënten"))
        if bsn:
            problems.append(Problem(bsn[0], label,
                f"een negencijferig nummer dat door de elfproef komt, zoals een burgerservicenummer (BSN), in"
                f" {len(bsn)} cel(len) van deze kolom; een BSN wijst op gegevens over individuele patiënten"))
    return problems


def _parse_number(value: Any) -> tuple[float | None, bool]:
    """(number, ok): (None, True) for empty; (None, False) when it is not a number."""
    if value is None or isinstance(value, bool):
        return (None, value is None)
    if isinstance(value, (int, float)):
        return (None, True) if value != value else (float(value), True)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text == "":
        return None, True
    if _THOUSANDS.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        if "." in text or text.count(",") > 1:
            return None, False
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None, False
    if number != number or number in (float("inf"), float("-inf")):
        return None, False
    return number, True


def _check_whole(value: Any, column: str, row: int, problems: list[Problem], minimum: int) -> int | None:
    """Parse a teller/noemer cell; add a problem and return None when it is not a whole number >= minimum."""
    shown = _cell_text(value)
    number, ok = _parse_number(value)
    if not ok:
        problems.append(Problem(row, column, f"'{shown}' is geen getal; vul een heel getal in (0, 1, 2, ...)"))
        return None
    if number is None:
        return None
    if number < 0:
        problems.append(Problem(row, column, f"'{shown}' is negatief; alleen hele getallen van 0 of meer zijn"
                                             " toegestaan"))
        return None
    if not number.is_integer():
        problems.append(Problem(row, column, f"'{shown}' is geen heel getal; aantallen zijn hele getallen"
                                             " (0, 1, 2, ...)"))
        return None
    if number < minimum:
        problems.append(Problem(row, column, f"'{shown}' is te klein; het aantal respondenten is minstens"
                                             f" {minimum}"))
        return None
    return int(number)


def read_rows(data: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    """The raw cells of an upload: (row number, cells) for every row, header included.

    Raises
    ------
    KbzUploadError
        For an empty, oversized, unreadable or unsupported file.
    """
    size_mb = len(data) / (1024 * 1024)
    if len(data) == 0:
        raise KbzUploadError(filename, [Problem(None, None, "het bestand is leeg")])
    if len(data) > MAX_BYTES:
        raise KbzUploadError(filename, [Problem(None, None,
            f"het bestand is {size_mb:.1f} MB; de grens is 5 MB. Upload alleen opgetelde cijfers per praktijk"
            " en kwartaal")])
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise KbzUploadError(filename, [Problem(None, None,
            "het oude Excel-formaat (.xls) wordt niet ondersteund; sla het bestand op als .xlsx of als CSV")])
    if suffix == ".xlsx" or data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, filename)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(data, filename)
    raise KbzUploadError(filename, [Problem(None, None,
        f"bestandstype '{suffix}' wordt niet ondersteund; upload een CSV-bestand (.csv) of Excel-bestand (.xlsx)")])


def validate_upload(data: bytes, filename: str, today: date | None = None) -> ValidatedUpload:
    """Check an uploaded file against every rule and return its figures, or raise with every problem.

    Parameters
    ----------
    data
        The file's bytes, as uploaded.
    filename
        The file name as uploaded (its extension picks CSV or XLSX; XLSX is also recognised by content).
    today
        The date that decides which periods lie in the future (default: today).

    Returns
    -------
    ValidatedUpload
        ``figures``: praktijk_code, periode (normalised ``2024Q1``), kengetal, teller (Int64), noemer (Int64;
        missing for counts), in file order.

    Raises
    ------
    KbzUploadError
        Listing every problem (row, column, reason); ``patient_level`` set when the file looks like patient data.
    """
    today = today or date.today()
    rows = [(i, row) for i, row in read_rows(data, filename) if not _is_empty(row)]
    if not rows:
        raise KbzUploadError(filename, [Problem(None, None, "het bestand is leeg")])
    header_row, header_cells = rows[0]
    header = [_norm_header(v) for v in header_cells]
    body = rows[1:]
    patient = _patient_level(header, body)
    if patient:
        raise KbzUploadError(filename, patient, patient_level=True)
    problems: list[Problem] = []
    for name in COLUMNS:
        if name not in header:
            found = ", ".join(h for h in header if h) or "geen"
            problems.append(Problem(header_row, name, f"verplichte kolom '{name}' ontbreekt; gevonden kolommen:"
                                                      f" {found}"))
    for name in COLUMNS:
        if header.count(name) > 1:
            problems.append(Problem(header_row, name, f"kolom '{name}' staat {header.count(name)} keer in de"
                                                      " kopregel; laat er één over"))
    if problems:
        raise KbzUploadError(filename, problems)
    if not body:
        raise KbzUploadError(filename, [Problem(None, None, "het bestand bevat alleen een kopregel en geen cijfers")])
    index = {name: header.index(name) for name in COLUMNS}
    notices = [f"kolom '{h}' wordt genegeerd" for h in header if h and h not in COLUMNS]
    last_year, last_quarter = quarter_of(today)
    last = period_label(last_year, last_quarter)
    known_codes = registry.codes()
    seen: dict[tuple[str, str, str], int] = {}
    records: list[tuple[str, str, str, int | None, int | None]] = []
    for i, cells in body:
        def cell(name: str) -> Any:
            j = index[name]
            return cells[j] if j < len(cells) else None

        code = _cell_text(cell("praktijk_code")).upper()
        if not code:
            problems.append(Problem(i, "praktijk_code", "praktijk_code ontbreekt"))
        elif code not in registry.PRAKTIJKEN:
            problems.append(Problem(i, "praktijk_code", f"onbekende praktijk '{code}'; bekende praktijkcodes:"
                                                        f" {', '.join(known_codes)}"))
        periode_text = _cell_text(cell("periode"))
        parsed = parse_period(periode_text)
        periode = period_label(*parsed) if parsed else ""
        if not periode_text:
            problems.append(Problem(i, "periode", "periode ontbreekt; gebruik jjjjQk, bijvoorbeeld 2024Q1"))
        elif parsed is None:
            problems.append(Problem(i, "periode", f"'{periode_text}' is geen kwartaal; gebruik jjjjQk, bijvoorbeeld"
                                                  " 2024Q1"))
        elif parsed[0] < FIRST_YEAR:
            problems.append(Problem(i, "periode", f"'{periode_text}' ligt vóór {FIRST_YEAR}Q1; cijfers zijn"
                                                  f" welkom vanaf {FIRST_YEAR}Q1"))
        elif parsed > (last_year, last_quarter):
            problems.append(Problem(i, "periode", f"'{periode_text}' ligt in de toekomst; de laatste toegestane"
                                                  f" periode is {last} (het huidige kwartaal)"))
        kengetal = _cell_text(cell("kengetal")).lower()
        if not kengetal:
            problems.append(Problem(i, "kengetal", "kengetal ontbreekt"))
        elif kengetal not in KENGETALLEN:
            problems.append(Problem(i, "kengetal", f"onbekend kengetal '{kengetal}'; toegestaan:"
                                                   f" {', '.join(KENGETALLEN)}"))
        teller_raw, noemer_raw = cell("teller"), cell("noemer")
        teller = _check_whole(teller_raw, "teller", i, problems, 0)
        if teller is None and _parse_number(teller_raw) == (None, True):
            problems.append(Problem(i, "teller", "teller ontbreekt; vul een heel getal van 0 of meer in"))
        noemer: int | None = None
        noemer_empty = _parse_number(noemer_raw) == (None, True)
        if kengetal in SURVEYS:
            if noemer_empty:
                problems.append(Problem(i, "noemer", f"noemer (het aantal respondenten) ontbreekt; die is verplicht"
                                                     f" bij kengetal '{kengetal}'"))
            else:
                noemer = _check_whole(noemer_raw, "noemer", i, problems, 1)
                if teller is not None and noemer is not None and teller > noemer:
                    problems.append(Problem(i, "teller", f"teller {teller} is groter dan noemer {noemer}; de teller"
                                                         " is een deel van de respondenten"))
        elif kengetal in KENGETALLEN and not noemer_empty:
            problems.append(Problem(i, "noemer", f"noemer moet leeg zijn bij kengetal '{kengetal}' (een telling);"
                                                 f" gevonden '{_cell_text(noemer_raw)}'"))
        elif kengetal not in KENGETALLEN and not noemer_empty:
            _check_whole(noemer_raw, "noemer", i, problems, 0)
        if code and periode and kengetal:
            key = (code, periode, kengetal)
            if key in seen:
                problems.append(Problem(i, None, f"dubbele regel: praktijk {code}, periode {periode}, kengetal"
                                                 f" {kengetal} staat ook in rij {seen[key]}"))
            else:
                seen[key] = i
        records.append((code, periode, kengetal, teller, noemer))
    if problems:
        raise KbzUploadError(filename, problems)
    figures = pd.DataFrame(records, columns=list(COLUMNS))
    figures["teller"] = figures["teller"].astype("Int64")
    figures["noemer"] = figures["noemer"].astype("Int64")
    return ValidatedUpload(filename=filename, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                           figures=figures, notices=notices)
