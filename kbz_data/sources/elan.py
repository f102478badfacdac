"""Den Haag supplement: the ELAN/GGDH wijk panel (``elan-dcc/wijkprofielen``), 2009-2022.

Two CSV files of the LUMC ELAN data centre, aggregates the authors computed inside the CBS Remote Access
microdata environment (not StatLine/KWB figures; see ``MANIFEST.md`` section 9):

* ``df_count_ver_*.csv``: columns ``WKC, GMN, Wijknaam, YEAR, Total_Population`` and shares (0-1) named
  ``%_...``; recognised by its header (``WKC``, ``YEAR`` and ``Total_Population``).
* ``df_numeric_ver_*.csv``: columns ``WKC, gem_name, WKN, YEAR`` and means per inhabitant (``..._MEAN``; care
  costs in euro); recognised by its header (``WKC``, ``YEAR`` and ``ZVWKOSTENTOTAAL_MEAN``).

Only Den Haag (GM0518) is read: the panel covers no other G4 city, and the other Haaglanden gemeenten are not
part of the dashboard. Its 44 wijk codes (``WK051801`` ... ``WK051844``) are those of the 2020 division (the
same 44 codes as RIVM 50090NED), so every figure is stored with ``indeling`` 2020, ``jaar`` = ``YEAR``.

Values: shares are stored as percentages (share x 100). A share of exactly 0 becomes NaN: in this panel a 0
stands for a suppressed small count (it occurs in the smallest wijken, e.g. WK051843 with 140 inhabitants, and
for every wijk in years a variable was not yet available, e.g. bijstand 2009-2010), never for a measured zero.
Empty cells (care costs 2021-2022) are NaN. Every figure gets ``bron`` :data:`BRON`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kbz_data.errors import KbzSourceError
from kbz_data.store.canonical import SourceResult, areas_frame, figures_frame

BRON = "elan_denhaag"
INDELING = 2020
GEMEENTE = "GM0518"
CODE = "WKC"
YEAR = "YEAR"

#: df_count column (share 0-1) -> indicator id (stored as %).
COUNT_FIELDS: dict[str, str] = {
    "%_Welfare_benefit_user": "elan_pct_bijstand",
    "%_Low_Income": "elan_pct_laag_inkomen",
    "%_Diabetes_II_patients": "elan_pct_diabetes_ii",
    "%_COPD_patients": "elan_pct_copd",
}
#: df_numeric column (euro per inhabitant per year) -> indicator id.
NUMERIC_FIELDS: dict[str, str] = {
    "ZVWKOSTENTOTAAL_MEAN": "elan_zorgkosten_totaal",
    "ZVWKHUISARTS_MEAN": "elan_zorgkosten_huisarts",
}
COUNT_MARKER = "Total_Population"
NUMERIC_MARKER = "ZVWKOSTENTOTAAL_MEAN"


def kind_of_header(header: str) -> str | None:
    """``"elan_count_csv"`` / ``"elan_numeric_csv"`` for the first line of an ELAN file, else None."""
    columns = {c.strip().strip('"') for c in header.strip().split(",")}
    if CODE not in columns or YEAR not in columns:
        return None
    if COUNT_MARKER in columns:
        return "elan_count_csv"
    if NUMERIC_MARKER in columns:
        return "elan_numeric_csv"
    return None


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype={CODE: "string"}, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise KbzSourceError(path, f"geen leesbare ELAN-CSV ({exc})") from exc


def figures(path: str | Path) -> SourceResult:
    """Canonical figures (indeling 2020, Den Haag wijken, 2009-2022) of one ELAN CSV.

    Parameters
    ----------
    path
        ``df_count_ver_*.csv`` or ``df_numeric_ver_*.csv`` of ``elan-dcc/wijkprofielen``.

    Returns
    -------
    SourceResult
        Shares in % (``elan_pct_*``), care costs in euro per inhabitant (``elan_zorgkosten_*``); names of
        the wijken (``Wijknaam``/``WKN``, stripped).

    Raises
    ------
    KbzSourceError
        Unreadable file, missing columns, a non-numeric value, a Den Haag code that is not a wijk code, or a
        share outside 0-1.
    """
    path = Path(path)
    frame = _read(path)
    kind = kind_of_header(",".join(frame.columns))
    if kind is None:
        raise KbzSourceError(path, f"geen ELAN-bestand: verwacht de kolommen {CODE}, {YEAR} en {COUNT_MARKER} of"
                             f" {NUMERIC_MARKER}")
    fields = COUNT_FIELDS if kind == "elan_count_csv" else NUMERIC_FIELDS
    name_column = "Wijknaam" if kind == "elan_count_csv" else "WKN"
    missing = [c for c in [*fields, name_column] if c not in frame.columns]
    if missing:
        raise KbzSourceError(path, f"kolom(men) {missing} ontbreken")
    frame = frame.assign(**{CODE: frame[CODE].str.strip()})
    frame = frame[frame[CODE].str.startswith("WK" + GEMEENTE[2:], na=False)].reset_index(drop=True)
    bad = frame[~frame[CODE].str.fullmatch(r"WK\d{6}")]
    if len(bad):
        raise KbzSourceError(path, f"geen wijkcode: {bad[CODE].head(3).tolist()} (verwacht WK0518xx)")
    years = pd.to_numeric(frame[YEAR], errors="coerce")
    if years.isna().any():
        bad_years = frame[YEAR][years.isna()].head(3).tolist()
        raise KbzSourceError(path, f"kolom {YEAR} bevat iets anders dan jaartallen: {bad_years}")
    parts = []
    for column, indicator in fields.items():
        values = pd.to_numeric(frame[column], errors="coerce")
        not_number = values.isna() & frame[column].notna()
        if not_number.any():
            raise KbzSourceError(path, f"kolom {column}: geen getal {frame[column][not_number].head(3).tolist()}")
        values = values.to_numpy(dtype="float64")
        if kind == "elan_count_csv":
            if ((values < 0) | (values > 1)).any():
                raise KbzSourceError(path, f"kolom {column}: aandeel buiten 0-1")
            values = np.where(values == 0, np.nan, values * 100)
        parts.append(figures_frame(frame[CODE].to_numpy(), INDELING, years.to_numpy(dtype="int64"), indicator,
                                   values, BRON))
    result = SourceResult(kind=kind)
    result.figures = pd.concat(parts, ignore_index=True)
    names = frame.drop_duplicates(CODE, keep="last")
    result.areas = areas_frame(names[CODE], names[name_column].astype("string").str.strip(), INDELING)
    result.notes.append(
        f"ELAN {path.name}: {frame[CODE].nunique()} wijken van Den Haag, jaren {int(years.min())}-{int(years.max())};"
        f" {int(result.figures['waarde'].notna().sum())} waarden, {int(result.figures['waarde'].isna().sum())}"
        " onbekend (leeg of 0 = onderdrukt)" if len(frame) else f"ELAN {path.name}: geen wijken van Den Haag"
    )
    return result
