"""Reader for CBS/RIVM StatLine exports: CSV "met statistische symbolen" and XLSX (OData UntypedDataSet).

Both formats pad codes and names with spaces, write "." for an unknown or secret value and leave cells empty
where a figure does not exist (for example an indicator not asked in 2012). The readers return every cell as a
stripped string, with the missing markers turned into ``pd.NA``; numbers are converted afterwards with
:func:`to_float`, which names every cell that is not a number.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from kbz_data.errors import KbzSourceError

#: Cell contents that StatLine uses for "unknown", "secret" or "not applicable".
MISSING_MARKERS: frozenset[str] = frozenset({"", ".", "x", "-", "?"})


def _clean_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip every cell and column name; turn StatLine missing markers into ``pd.NA``."""
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in frame.columns:
        values = frame[column].astype("string").str.strip()
        frame[column] = values.mask(values.isin(MISSING_MARKERS))
    return frame


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a StatLine CSV export ("CSV met statistische symbolen").

    Parameters
    ----------
    path
        File with a UTF-8 BOM (optional), ``;`` separator and quoted, space-padded values.

    Returns
    -------
    pandas.DataFrame
        One column per header, every value a stripped string or ``pd.NA``.

    Raises
    ------
    KbzSourceError
        When the file cannot be read, is empty or its rows do not have the header's number of fields.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KbzSourceError(path, f"kan het bestand niet lezen ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KbzSourceError(path, f"geen UTF-8-tekst (byte {exc.start}); verwacht een StatLine CSV-export") from exc
    if not text.strip():
        raise KbzSourceError(path, "het bestand is leeg")
    rows = list(csv.reader(io.StringIO(text), delimiter=";", quotechar='"'))
    rows = [r for r in rows if r]
    header, body = rows[0], rows[1:]
    if len(header) < 2:
        raise KbzSourceError(path, "geen ';'-gescheiden kolommen gevonden; verwacht een StatLine CSV-export")
    bad = [i + 2 for i, r in enumerate(body) if len(r) != len(header)]
    if bad:
        shown = ", ".join(str(b) for b in bad[:10])
        raise KbzSourceError(
            path, f"{len(bad)} regel(s) met een ander aantal velden dan de kop ({len(header)}): regel {shown}"
        )
    if not body:
        raise KbzSourceError(path, "het bestand heeft een kop maar geen gegevensregels")
    frame = pd.DataFrame(body, columns=header, dtype="string")
    return _clean_cells(frame)


def read_xlsx(path: str | Path) -> pd.DataFrame:
    """Read the first sheet of a StatLine XLSX export (header in the first row).

    Parameters
    ----------
    path
        An ``.xlsx`` workbook as StatLine / the OData UntypedDataSet export writes it.

    Returns
    -------
    pandas.DataFrame
        Every value a stripped string or ``pd.NA``.

    Raises
    ------
    KbzSourceError
        When the workbook is truncated or corrupt, or its first sheet is empty.
    """
    path = Path(path)
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="calamine", header=0)
    except (zipfile.BadZipFile, ValueError, OSError, KeyError) as exc:
        raise KbzSourceError(path, f"geen leesbaar XLSX-bestand (beschadigd of afgebroken?): {exc}") from exc
    except Exception as exc:  # calamine raises its own error types for corrupt workbooks
        if type(exc).__module__.startswith("python_calamine"):
            raise KbzSourceError(path, f"geen leesbaar XLSX-bestand (beschadigd of afgebroken?): {exc}") from exc
        raise
    if frame.empty:
        raise KbzSourceError(path, "het eerste werkblad heeft geen gegevensregels")
    return _clean_cells(frame)


def require_columns(frame: pd.DataFrame, required: Iterable[str], path: str | Path) -> None:
    """Raise :class:`KbzSourceError` naming every required column that is absent."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(list(frame.columns)[:12])
        raise KbzSourceError(
            path,
            "onverwachte kolommen: ontbrekend " + ", ".join(repr(m) for m in missing) + f" (gevonden: {found}, ...)",
        )


def to_float(
    frame: pd.DataFrame, columns: Iterable[str], path: str | Path, decimal_comma: bool = False
) -> pd.DataFrame:
    """Convert text columns to float; missing stays NaN, never 0.

    Parameters
    ----------
    frame
        Output of :func:`read_csv` / :func:`read_xlsx`.
    columns
        The columns that must hold numbers.
    path
        The source file, for the error message.
    decimal_comma
        Accept ``12,5`` as 12.5.

    Raises
    ------
    KbzSourceError
        Listing every column with text that is not a number, with the first few bad values and their rows
        (row numbers as in the file, header = row 1).
    """
    out = frame.copy()
    problems: list[str] = []
    for column in columns:
        text = out[column].astype("string")
        if decimal_comma:
            text = text.str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(text, errors="coerce")
        bad = numbers.isna() & text.notna()
        if bad.any():
            rows = [int(i) + 2 for i in np.flatnonzero(bad.to_numpy())[:3]]
            values = [str(v) for v in text[bad].head(3)]
            examples = ", ".join(f"rij {r}: {v!r}" for r, v in zip(rows, values, strict=True))
            problems.append(f"kolom {column!r} bevat {int(bad.sum())} waarde(n) die geen getal zijn ({examples})")
        out[column] = numbers.astype("float64")
    if problems:
        raise KbzSourceError(path, "; ".join(problems))
    return out
