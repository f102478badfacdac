"""Read and validate an uploaded practice-figures file (CSV or XLSX); report every problem at once.

The file is read by :mod:`kbz_data.practice.upload_files`; this module checks what it holds.

What is accepted (what Dutch offices produce)
---------------------------------------------
* CSV separated by ``;``, ``,`` or a tab (detected from the header line), quoted or not; UTF-8 with or without
  BOM, Windows-1252 (cp1252), or UTF-16 with a byte-order mark (Excel's "Unicode-tekst" export, usually
  tab-separated; UTF-16 without a BOM is recognised by its pattern of zero bytes). Excel's ``.xlsx``: the first
  sheet, first row = header.
* Numbers (teller, noemer), exactly these forms, with the ASCII digits 0-9 only and an optional sign:
  ``1234``; a decimal comma or point (``12,0``, ``12.0``; a whole number may be written so); one Dutch thousands
  dot ``1.234`` (read as 1234, never as 1,234), optionally with a decimal comma (``1.234,0``). Excel number cells
  are taken as they are. Everything else is refused with its own message: scientific notation (``1e3``,
  ``1,23E+19``), other digits than 0-9 (full-width ``１２``), thousands written with spaces, apostrophes, several
  dots or several commas (``1 234``, ``1.234.567``, ``1,234,567``, ``1,234.5``) because they are ambiguous, and
  any other text (``inf``, ``1_000``, ``0x10``).
* Column names in any case, with spaces (one or more) instead of underscores; empty rows are skipped; periods as
  ``2024Q1``, ``2024-Q1``, ``2024 q1``. Extra columns are ignored (listed as a notice), unless they look like
  patient data.

Row numbers in messages are the row numbers a spreadsheet shows: the header is row 1. Messages quote at most
:data:`MAX_SHOWN` characters of a cell. They may repeat text from the file: escape them
(:func:`kbz_data.text.escape_markdown`) before showing them as Markdown.

The validation rules (in this order; see :data:`RULES` for the list shown on the upload page)
-----------------------------------------------------------------------------------------------
File: empty (no bytes, no header, or a header without data rows); larger than 5 MB; the old ``.xls``; not CSV,
TXT or XLSX by name; unreadable (broken XLSX; text that is neither UTF-8, Windows-1252 nor UTF-16 with a BOM;
a CSV that is not text at all, such as a renamed image, PDF or archive, or bytes with zero bytes in them).
Patient-level data (the file is refused as a whole and nothing else is checked; no message repeats the value):
a column named like bsn, burgerservicenummer, naam, voornaam, achternaam, geboortedatum, postcode, adres,
telefoonnummer, e-mail or patiëntnummer; a cell holding a Dutch six-position postcode (``1234 AB``); a cell
holding a nine-digit number that passes the BSN eleven-test.
Columns: all required columns missing (one message naming the columns found, the sheets of an Excel file, and
the separator of a CSV file); a required column missing (praktijk_code, periode, kengetal, teller, noemer);
a column twice.
Rows: unknown or missing praktijk_code; missing periode; a date in periode (Excel turned the quarter into a
date); malformed periode; periode before 2015Q1; periode in the future (after the current quarter); unknown or
missing kengetal; teller missing; teller or noemer not a number (including the refused notations above),
negative, above 10.000.000 (:data:`MAX_COUNT`, per quarter) or not a whole number; noemer filled for a count;
noemer missing for a survey kengetal; noemer 0; teller larger than noemer; the same praktijk, periode and
kengetal twice in the file.
Plausibility (within one praktijk and periode; the other figure may also be an upload already in the store,
never a demo figure): consulten more than 50 x ingeschreven_patienten; consulten_lang or consulten_4d more than
consulten; verwijzingen_ziekenhuis, verwijzingen_ggz or verwijzingen_sociaal_domein more than
ingeschreven_patienten (:data:`PLAUSIBILITY`). Reported at the row of the figure in the file (the first one
named when both are), column teller.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from kbz_data.errors import Problem
from kbz_data.practice import registry
from kbz_data.practice.errors import KbzUploadError
from kbz_data.practice.schema import (
    COLUMNS,
    FIRST_YEAR,
    KENGETALLEN,
    SURVEYS,
    parse_period,
    period_label,
    quarter_of,
)
from kbz_data.practice.upload_files import read_upload
from kbz_data.practice.upload_privacy import cell_text as _cell_text
from kbz_data.practice.upload_privacy import patient_level as _patient_level

#: The largest teller or noemer accepted, per practice, quarter and kengetal.
MAX_COUNT = 10_000_000
#: Cell values quoted in messages are cut to this many characters.
MAX_SHOWN = 60

# Number notations (after stripping the cell); see the module docstring.
_PLAIN = re.compile(r"^[+-]?[0-9]+$")
_DUTCH_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}\.[0-9]{3}(,[0-9]+)?$")
_DECIMAL = re.compile(r"^[+-]?[0-9]+[.,][0-9]+$")
_SCIENTIFIC = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)[eE][+-]?[0-9]+$")
_AMBIGUOUS_GROUPS = re.compile(
    r"^[+-]?[0-9]{1,3}("
    r"([ \u00a0\u202f\u2009'][0-9]{3})+([.,][0-9]+)?"  # 1 234, 1 234,5, 1'234
    r"|(\.[0-9]{3}){2,}(,[0-9]+)?"  # 1.234.567
    r"|(,[0-9]{3}){2,}(\.[0-9]+)?"  # 1,234,567
    r"|(,[0-9]{3})+\.[0-9]+"  # 1,234.5
    r")$")
# A date as text (how a CSV saved by Excel shows a cell Excel turned into a date).
_DATE_TEXT = re.compile(
    r"^(\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})([ T]\d{1,2}:\d{2}(:\d{2})?)?$"
    r"|^(\d{1,2}[- ])?(jan|feb|mrt|maa|mar|apr|mei|may|jun|jul|aug|sep|okt|oct|nov|dec)[a-z]*\.?[- ]\d{2,4}$",
    re.IGNORECASE)

#: Plausibility of two figures of one praktijk and periode: (part, whole, factor, reason); part > factor x whole
#: is refused.
PLAUSIBILITY: tuple[tuple[str, str, int, str], ...] = (
    ("consulten", "ingeschreven_patienten", 50,
     "meer dan 50 consulten per ingeschreven patiënt in één kwartaal is onwaarschijnlijk"),
    ("consulten_lang", "consulten", 1, "lange consulten zijn een deel van alle consulten"),
    ("consulten_4d", "consulten", 1, "4D-consulten zijn een deel van alle consulten"),
    ("verwijzingen_ziekenhuis", "ingeschreven_patienten", 1,
     "meer verwijzingen dan ingeschreven patiënten in één kwartaal is onwaarschijnlijk"),
    ("verwijzingen_ggz", "ingeschreven_patienten", 1,
     "meer verwijzingen dan ingeschreven patiënten in één kwartaal is onwaarschijnlijk"),
    ("verwijzingen_sociaal_domein", "ingeschreven_patienten", 1,
     "meer verwijzingen dan ingeschreven patiënten in één kwartaal is onwaarschijnlijk"),
)

#: The rules as shown to practice managers (upload page and README).
RULES: tuple[str, ...] = (
    "Het bestand is een CSV (scheidingsteken ; of , of tab; UTF-8 met of zonder BOM, Windows-1252, of"
    " Unicode-tekst (UTF-16) uit Excel) of een Excel-bestand (.xlsx; alleen het eerste tabblad telt).",
    "Het bestand is niet groter dan 5 MB en bevat een kopregel en minstens één regel met cijfers. Regels waarin"
    " teller en noemer allebei leeg zijn (niet ingevulde regels van het sjabloon) worden overgeslagen.",
    "Geen gegevens over individuele patiënten: geen kolommen zoals bsn, naam, geboortedatum, postcode, adres,"
    " telefoonnummer, e-mail of patiëntnummer; geen zescijferige postcodes (1234 AB) en geen negencijferige"
    " nummers die door de elfproef komen (BSN). Zo'n bestand wordt in zijn geheel geweigerd.",
    "De kolommen praktijk_code, periode, kengetal, teller en noemer zijn aanwezig (elk één keer); andere kolommen"
    " worden genegeerd.",
    "praktijk_code is een bekende praktijk.",
    "periode is een kwartaal (2024Q1), niet eerder dan 2015Q1 en niet in de toekomst; geen datum (zet de kolom in"
    " Excel op Tekst).",
    "kengetal is een van de bekende kengetallen.",
    "teller is een heel getal van 0 tot en met 10.000.000, alleen met de cijfers 0-9 (decimale komma mag: 12,0;"
    " één punt voor duizendtallen mag: 1.234 is 1234). Niet toegestaan: 1e3, 1 234, 1.234.567.",
    "noemer is leeg bij een telling en bij een enquête-kengetal het aantal respondenten: een heel getal van"
    " minstens 1 en hoogstens 10.000.000, niet kleiner dan de teller.",
    "Elke combinatie van praktijk, periode en kengetal komt één keer voor in het bestand.",
    "De cijfers van één praktijk en kwartaal passen bij elkaar (ook met cijfers die al zijn opgeslagen):"
    " hoogstens 50 consulten per ingeschreven patiënt; lange consulten en 4D-consulten niet meer dan alle"
    " consulten; per soort verwijzing niet meer verwijzingen dan ingeschreven patiënten.",
)


@dataclass
class ValidatedUpload:
    """An upload that passed every rule: the figures and what was noticed but not refused."""

    filename: str
    sha256: str
    size: int
    figures: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    #: The spreadsheet row number of each row of ``figures`` (the header is row 1).
    rows: list[int] = field(default_factory=list)
    #: Rows skipped because teller and noemer were both empty (unfilled rows of the template).
    skipped: list[int] = field(default_factory=list)


def _norm_header(value: Any) -> str:
    """Lower case, stripped, every run of whitespace one underscore: ``'Praktijk  code'`` -> ``praktijk_code``."""
    text = "" if value is None else str(value)
    return re.sub(r"\s+", "_", text.replace("\ufeff", "").strip().lower())


def _shown(value: Any) -> str:
    """A cell for quoting in a message: its text, cut to :data:`MAX_SHOWN` characters."""
    text = _cell_text(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def _is_empty(row: list[Any]) -> bool:
    return all(_cell_text(v) == "" for v in row)


def _parse_number(value: Any) -> tuple[Decimal | None, str | None]:
    """``(number, None)``; ``(None, None)`` for an empty cell; ``(None, reason)`` when the notation is refused.

    ``reason`` is one of ``geen-getal``, ``cijfers``, ``wetenschappelijk``, ``duizendtallen`` (see the module
    docstring for the accepted notations). Numbers are exact (Decimal), so no size can overflow here.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, "geen-getal"
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        if value != value:
            return None, None
        return (Decimal(value), None) if math.isfinite(value) else (None, "geen-getal")
    if isinstance(value, (date, datetime)):
        return None, "geen-getal"
    text = str(value).strip()
    if text == "":
        return None, None
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        return None, "cijfers"
    if _PLAIN.match(text):
        return Decimal(text), None
    if _DUTCH_THOUSANDS.match(text):
        return Decimal(text.replace(".", "").replace(",", ".")), None
    if _DECIMAL.match(text):
        return Decimal(text.replace(",", ".")), None
    if _SCIENTIFIC.match(text):
        return None, "wetenschappelijk"
    if _AMBIGUOUS_GROUPS.match(text):
        return None, "duizendtallen"
    return None, "geen-getal"


def _is_blank(value: Any) -> bool:
    return _parse_number(value) == (None, None)


def _check_whole(value: Any, column: str, row: int, problems: list[Problem], minimum: int) -> int | None:
    """Parse a teller/noemer cell; add a problem and return None when it is not a whole number in
    ``minimum`` .. :data:`MAX_COUNT`."""
    shown = _shown(value)
    number, refused = _parse_number(value)
    if refused == "cijfers":
        problems.append(Problem(row, column, f"'{shown}' bevat andere tekens dan de gewone cijfers 0-9 (zoals"
                                             " cijfers van volle breedte); typ het getal met de cijfers 0-9"))
        return None
    if refused == "wetenschappelijk":
        problems.append(Problem(row, column, f"'{shown}' is een getal in wetenschappelijke notatie (met E); schrijf"
                                             " het hele getal uit met alleen cijfers, bijvoorbeeld 1000 in plaats van"
                                             " 1E3 (zet de kolom in Excel op Getal zonder decimalen)"))
        return None
    if refused == "duizendtallen":
        problems.append(Problem(row, column, f"'{shown}' heeft een onduidelijke schrijfwijze voor duizendtallen;"
                                             " schrijf het getal zonder spaties, punten of komma's tussen de"
                                             " cijfers, bijvoorbeeld 1234567 in plaats van 1.234.567 of 1 234 567"))
        return None
    if refused is not None:
        problems.append(Problem(row, column, f"'{shown}' is geen getal; vul een heel getal in (0, 1, 2, ...)"))
        return None
    if number is None:
        return None
    if number < 0:
        problems.append(Problem(row, column, f"'{shown}' is negatief; alleen hele getallen van 0 of meer zijn"
                                             " toegestaan"))
        return None
    if number > MAX_COUNT:
        problems.append(Problem(row, column, f"'{shown}' is onwaarschijnlijk groot; maximaal 10.000.000 per"
                                             " kwartaal"))
        return None
    if number != number.to_integral_value():
        problems.append(Problem(row, column, f"'{shown}' is geen heel getal; aantallen zijn hele getallen"
                                             " (0, 1, 2, ...)"))
        return None
    if number < minimum:
        problems.append(Problem(row, column, f"'{shown}' is te klein; het aantal respondenten is minstens"
                                             f" {minimum}"))
        return None
    return int(number)


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _no_required_columns(header: list[str], sheets: list[str] | None) -> str:
    """The one message for a header without any required column: what was found and what to check."""
    found = [h if len(h) <= 40 else h[:40] + "…" for h in header if h]
    found_text = (", ".join(found[:20]) + (f" (en nog {len(found) - 20})" if len(found) > 20 else "")) or "geen"
    text = (f"geen van de verplichte kolommen ({', '.join(COLUMNS)}) gevonden in de kopregel; gevonden kolommen:"
            f" {found_text}.")
    if sheets is not None:
        listed = (f"; dit bestand heeft de tabbladen {_quoted(sheets)}" if len(sheets) > 1 else "")
        return (text + f" Van een Excel-bestand wordt alleen het eerste tabblad gelezen (hier {_quoted(sheets[:1])}"
                f"{listed}); zet de cijfers op het eerste tabblad, met de kolomnamen in de eerste regel")
    return (text + " Controleer het scheidingsteken: de kolommen moeten gescheiden zijn door ; of , (of een tab),"
            " en de kolomnamen moeten in de eerste regel staan")


def _plausibility(records: list[tuple[int, str, str, str, int]], stored: pd.DataFrame | None) -> list[Problem]:
    """Problems with implausible combinations of figures of one praktijk and periode.

    ``records``: (row, praktijk_code, periode, kengetal, teller) of the valid figures in the file. ``stored``:
    figures already in the store (praktijk_code, periode, kengetal, teller, optional versie and herkomst; rows
    with herkomst ``demo`` are ignored). A figure in the file replaces the stored one with the same key.
    """
    values: dict[tuple[str, str, str], tuple[int, str | None, int | None]] = {}  # -> (teller, versie, row)
    if stored is not None and len(stored):
        frame = stored
        if "herkomst" in frame.columns:
            frame = frame[frame["herkomst"] != "demo"]
        wanted = {(c, p) for _r, c, p, _k, _t in records}
        kengetallen = {k for rule in PLAUSIBILITY for k in rule[:2]}
        for row in frame.itertuples(index=False):
            if (row.praktijk_code, row.periode) in wanted and row.kengetal in kengetallen and row.teller == row.teller:
                versie = getattr(row, "versie", None)
                values[(row.praktijk_code, row.periode, row.kengetal)] = (
                    int(row.teller), None if versie is None else str(versie), None)
    for row_number, code, periode, kengetal, teller in records:
        values[(code, periode, kengetal)] = (teller, None, row_number)
    problems: list[Problem] = []
    for code, periode in sorted({(c, p) for _r, c, p, _k, _t in records}):
        for part, whole, factor, reason in PLAUSIBILITY:
            a, b = values.get((code, periode, part)), values.get((code, periode, whole))
            if a is None or b is None or a[0] <= factor * b[0] or (a[2] is None and b[2] is None):
                continue
            here, other, other_name = (a, b, whole) if a[2] is not None else (b, a, part)
            if other[2] is not None:
                where = f" in rij {other[2]}"
            elif other[1] is not None:
                where = f" (al opgeslagen, versie {other[1]})"
            else:
                where = " (al opgeslagen)"
            part_text = f"{part} {a[0]}" + (where if other_name == part else "")
            whole_text = f"{whole} {b[0]}" + (where if other_name == whole else "")
            relation = "is groter dan" if factor == 1 else f"is meer dan {factor} keer"
            problems.append(Problem(here[2], "teller",
                f"{part_text} {relation} {whole_text}, bij praktijk {code} in {periode}; {reason}. Controleer beide"
                " cijfers"))
    return sorted(problems, key=lambda p: p.row if isinstance(p.row, int) else 0)


def plausibility_problems(upload: ValidatedUpload, stored: pd.DataFrame | None) -> list[Problem]:
    """The plausibility rules (:data:`PLAUSIBILITY`) for a validated upload against (newer) stored figures.

    The store calls this again under its lock, in case another upload landed after :func:`validate_upload`.
    """
    figures = upload.figures
    records = [(int(r), str(c), str(p), str(k), int(t)) for r, c, p, k, t in zip(
        upload.rows, figures["praktijk_code"], figures["periode"], figures["kengetal"], figures["teller"],
        strict=True)]
    return _plausibility(records, stored)


def validate_upload(data: bytes, filename: str, today: date | None = None,
                    stored: pd.DataFrame | None = None, known: list[str] | None = None) -> ValidatedUpload:
    """Check an uploaded file against every rule and return its figures, or raise with every problem.

    Parameters
    ----------
    data
        The file's bytes, as uploaded.
    filename
        The file name as uploaded (its extension picks CSV or XLSX; XLSX is also recognised by content).
    today
        The date that decides which periods lie in the future (default: today).
    stored
        The figures already in the practice store (e.g. :func:`kbz_data.practice.upload_store.current_figures`:
        praktijk_code, periode, kengetal, teller, and optionally versie and herkomst), for the plausibility rules;
        figures with herkomst ``demo`` are ignored. None: only the figures in the file are compared.
    known
        The practice codes a file may hold (the practices of the database, :meth:`PracticeDb.registry`); None: the
        built-in registry.

    A row whose teller and noemer are both empty (an unfilled row of the template) is skipped and counted in
    ``skipped``; a file with only such rows is refused.

    Returns
    -------
    ValidatedUpload
        ``figures``: praktijk_code, periode (normalised ``2024Q1``), kengetal, teller (Int64), noemer (Int64;
        missing for counts), in file order; ``rows``: their spreadsheet row numbers.

    Raises
    ------
    KbzUploadError
        Listing every problem (row, column, reason); ``patient_level`` set when the file looks like patient data.
    """
    today = today or date.today()
    header, body = _header_and_body(data, filename)
    index = {name: header.index(name) for name in COLUMNS}
    notices = [f"kolom '{h}' wordt genegeerd" for h in header if h and h not in COLUMNS]
    body, skipped = _without_unfilled(body, index)
    if not body:
        where = "de enige regel" if len(skipped) == 1 else f"alle {len(skipped)} regels"
        raise KbzUploadError(filename, [Problem(None, None, f"het bestand bevat geen ingevulde cijfers: teller en"
                                                            f" noemer zijn leeg in {where}; vul de teller in (en bij"
                                                            " een enquête ook de noemer)")])
    problems, records, valid = _check_rows(body, index, today, registry.codes() if known is None else known)
    problems.extend(_plausibility(valid, stored))
    problems.sort(key=lambda p: p.row if isinstance(p.row, int) else 0)  # stable: keeps the order within a row
    if problems:
        raise KbzUploadError(filename, problems)
    figures = pd.DataFrame(records, columns=list(COLUMNS))
    figures["teller"] = figures["teller"].astype("Int64")
    figures["noemer"] = figures["noemer"].astype("Int64")
    return ValidatedUpload(filename=filename, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                           figures=figures, notices=notices, rows=[i for i, _cells in body], skipped=skipped)


def _without_unfilled(body: list[tuple[int, list[Any]]], index: dict[str, int]
                      ) -> tuple[list[tuple[int, list[Any]]], list[int]]:
    """The rows with a teller or a noemer, and the row numbers of those with neither (skipped)."""
    def blank(cells: list[Any], name: str) -> bool:
        j = index[name]
        return j >= len(cells) or _is_blank(cells[j])

    kept = [(i, cells) for i, cells in body if not (blank(cells, "teller") and blank(cells, "noemer"))]
    skipped = [i for i, cells in body if blank(cells, "teller") and blank(cells, "noemer")]
    return kept, skipped


def _header_and_body(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The normalised header and the non-empty data rows of an upload whose columns are all there once.

    Raises KbzUploadError for an unreadable or empty file, patient-level data, missing or doubled required
    columns, and a header without data rows.
    """
    all_rows, sheets = read_upload(data, filename)
    rows = [(i, row) for i, row in all_rows if not _is_empty(row)]
    if not rows:
        raise KbzUploadError(filename, [Problem(None, None, "het bestand is leeg")])
    header_row, header_cells = rows[0]
    header = [_norm_header(v) for v in header_cells]
    body = rows[1:]
    patient = _patient_level(header, body)
    if patient:
        raise KbzUploadError(filename, patient, patient_level=True)
    if not any(name in header for name in COLUMNS):
        raise KbzUploadError(filename, [Problem(header_row, None, _no_required_columns(header, sheets))])
    problems = _column_problems(header, header_row)
    if problems:
        raise KbzUploadError(filename, problems)
    if not body:
        raise KbzUploadError(filename, [Problem(None, None, "het bestand bevat alleen een kopregel en geen cijfers")])
    return header, body


def _column_problems(header: list[str], header_row: int) -> list[Problem]:
    """Required columns that are missing, then required columns that appear more than once."""
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
    return problems


def _check_rows(body: list[tuple[int, list[Any]]], index: dict[str, int], today: date, known_codes: list[str]
                ) -> tuple[
        list[Problem], list[tuple[str, str, str, int | None, int | None]], list[tuple[int, str, str, str, int]]]:
    """Check every data row: (problems, one record per row in :data:`COLUMNS` order, the valid figures).

    The valid figures are (row, code, periode, kengetal, teller) of rows without any problem, for the
    plausibility rules.
    """
    last = quarter_of(today)
    known = set(known_codes)
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    records: list[tuple[str, str, str, int | None, int | None]] = []
    valid: list[tuple[int, str, str, str, int]] = []
    for i, cells in body:
        def cell(name: str, cells: list[Any] = cells) -> Any:
            j = index[name]
            return cells[j] if j < len(cells) else None

        before = len(problems)
        code = _check_code(cell("praktijk_code"), i, problems, known, known_codes)
        periode = _check_periode(cell("periode"), i, problems, last)
        kengetal = _check_kengetal(cell("kengetal"), i, problems)
        teller, noemer = _check_counts(cell("teller"), cell("noemer"), kengetal, i, problems)
        duplicate = False
        if code and periode and kengetal:
            key = (code, periode, kengetal)
            if key in seen:
                duplicate = True
                problems.append(Problem(i, None, f"dubbele regel: praktijk {code}, periode {periode}, kengetal"
                                                 f" {kengetal} staat ook in rij {seen[key]}"))
            else:
                seen[key] = i
        if len(problems) == before and not duplicate and teller is not None:
            valid.append((i, code, periode, kengetal, teller))
        records.append((code, periode, kengetal, teller, noemer))
    return problems, records, valid


def _check_code(value: Any, row: int, problems: list[Problem], known: set[str], known_codes: list[str]) -> str:
    """The praktijk_code of a row (upper case; may be empty or unknown, then a problem is added)."""
    code = _cell_text(value).upper()
    if not code:
        problems.append(Problem(row, "praktijk_code", "praktijk_code ontbreekt"))
    elif code not in known:
        problems.append(Problem(row, "praktijk_code", f"onbekende praktijk '{_shown(code)}'; bekende"
                                                      f" praktijkcodes: {', '.join(known_codes)}"))
    return code


def _check_periode(value: Any, row: int, problems: list[Problem], last: tuple[int, int]) -> str:
    """The periode of a row as ``2024Q1`` ("" when it is no quarter); a problem is added when it is refused.

    ``last`` is the latest allowed (year, quarter): the current quarter.
    """
    text = _cell_text(value)
    shown = _shown(value)
    parsed = parse_period(text) if not isinstance(value, (date, datetime)) else None
    periode = period_label(*parsed) if parsed else ""
    if not text:
        problems.append(Problem(row, "periode", "periode ontbreekt; gebruik jjjjQk, bijvoorbeeld 2024Q1"))
    elif isinstance(value, (date, datetime)) or _DATE_TEXT.match(text):
        problems.append(Problem(row, "periode", f"'{shown}' is een datum: Excel heeft de periode"
                                                " waarschijnlijk in een datum veranderd. Schrijf de periode als"
                                                " kwartaal, bijvoorbeeld 2024Q1 (zet de kolom in Excel op Tekst)"))
    elif parsed is None:
        problems.append(Problem(row, "periode", f"'{shown}' is geen kwartaal; gebruik jjjjQk, bijvoorbeeld"
                                                " 2024Q1"))
    elif parsed[0] < FIRST_YEAR:
        problems.append(Problem(row, "periode", f"'{shown}' ligt vóór {FIRST_YEAR}Q1; cijfers zijn"
                                                f" welkom vanaf {FIRST_YEAR}Q1"))
    elif parsed > last:
        problems.append(Problem(row, "periode", f"'{shown}' ligt in de toekomst; de laatste toegestane"
                                                f" periode is {period_label(*last)} (het huidige kwartaal)"))
    return periode


def _check_kengetal(value: Any, row: int, problems: list[Problem]) -> str:
    """The kengetal of a row (lower case; may be empty or unknown, then a problem is added)."""
    kengetal = _cell_text(value).lower()
    if not kengetal:
        problems.append(Problem(row, "kengetal", "kengetal ontbreekt"))
    elif kengetal not in KENGETALLEN:
        problems.append(Problem(row, "kengetal", f"onbekend kengetal '{_shown(kengetal)}'; toegestaan:"
                                                 f" {', '.join(KENGETALLEN)}"))
    return kengetal


def _check_counts(teller_raw: Any, noemer_raw: Any, kengetal: str, row: int,
                  problems: list[Problem]) -> tuple[int | None, int | None]:
    """Teller and noemer of a row (None where missing or refused): noemer only for a survey kengetal."""
    teller = _check_whole(teller_raw, "teller", row, problems, 0)
    if teller is None and _is_blank(teller_raw):
        problems.append(Problem(row, "teller", "teller ontbreekt terwijl de noemer is ingevuld; vul een heel getal"
                                               " van 0 of meer in, of laat teller en noemer allebei leeg om de regel"
                                               " over te slaan"))
    noemer: int | None = None
    noemer_empty = _is_blank(noemer_raw)
    if kengetal in SURVEYS:
        if noemer_empty:
            problems.append(Problem(row, "noemer", f"noemer (het aantal respondenten) ontbreekt terwijl de teller"
                                                   f" is ingevuld; die is verplicht bij kengetal '{kengetal}' (laat"
                                                   " teller en noemer allebei leeg om de regel over te slaan)"))
        else:
            noemer = _check_whole(noemer_raw, "noemer", row, problems, 1)
            if teller is not None and noemer is not None and teller > noemer:
                problems.append(Problem(row, "teller", f"teller {teller} is groter dan noemer {noemer}; de teller"
                                                       " is een deel van de respondenten"))
    elif kengetal in KENGETALLEN and not noemer_empty:
        problems.append(Problem(row, "noemer", f"noemer moet leeg zijn bij kengetal '{kengetal}' (een telling);"
                                               f" gevonden '{_shown(noemer_raw)}'"))
    elif kengetal not in KENGETALLEN and not noemer_empty:
        _check_whole(noemer_raw, "noemer", row, problems, 0)
    return teller, noemer
