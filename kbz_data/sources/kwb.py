"""CBS Kerncijfers wijken en buurten (KWB): StatLine CSV exports of 85984NED and the kwb-20xx.xlsx download.

StatLine 85984NED (2024 division) is exported in two files with the same rows in the same order: one with
codes, sex and age counts, one without codes with origin counts. They are joined by row position, after
checking that name, gemeente and inwoners agree in every row.

The kwb-20xx.xlsx download (one row per gemeente/wijk/buurt, CBS short column names such as ``a_inw``) is read
for the year in its file or sheet name; its division is that same year.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from kbz_data.config import is_g4_code
from kbz_data.errors import KbzSourceError
from kbz_data.sources import statline
from kbz_data.store.canonical import SourceResult, areas_frame, empty_figures, melt_indicators

BRON_STATLINE = "cbs_85984NED"
BRON_XLSX = "cbs_kwb_xlsx"
INDELING_STATLINE = 2024

NAME = "Wijken en buurten"
GEMEENTENAAM = "Regioaanduiding/Gemeentenaam (naam)"
CODE = "Regioaanduiding/Codering (code)"
INWONERS = "Bevolking/Aantal inwoners (aantal)"
#: Age-count header -> percentage indicator (share of inwoners).
AGE_SHARES: dict[str, str] = {
    "Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)": "pct_0_15",
    "Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)": "pct_15_25",
    "Bevolking/Leeftijdsgroepen/25 tot 45 jaar (aantal)": "pct_25_45",
    "Bevolking/Leeftijdsgroepen/45 tot 65 jaar (aantal)": "pct_45_65",
    "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)": "pct_65plus",
}
#: Origin-count header (file without codes) -> percentage indicator.
ORIGIN_SHARES: dict[str, str] = {
    "Bevolking/Bevolking naar herkomst/Herkomstland/Buiten Europa  (aantal)": "pct_herkomst_buiten_europa",
}


def _share(count: pd.Series, total: pd.Series) -> np.ndarray:
    """count / total x 100, rounded to 0.1 (the counts are rounded to 5 by CBS); NaN where unknown or total 0."""
    total_values = total.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = 100.0 * count.to_numpy(dtype="float64") / total_values
    share[~(total_values > 0)] = np.nan
    return np.round(share, 1)


def statline_figures(
    codes: pd.DataFrame, codes_path: str | Path, origin: pd.DataFrame | None = None,
    origin_path: str | Path | None = None, direct: dict[str, str] | None = None,
) -> SourceResult:
    """Canonical 2024 figures and area names from the 85984NED StatLine export(s).

    Parameters
    ----------
    codes
        The export with codes (``read_csv`` output).
    origin
        Optionally the export without codes with origin counts, same rows in the same order. When the origin
        columns are already in ``codes`` (OData download), they are used directly.
    direct
        Further columns of ``codes`` stored as they are: column -> indicator id (OData download).

    Returns
    -------
    SourceResult
        ``inwoners`` (count) and shares in % computed from CBS's counts (rounded to 5 by CBS).
    """
    statline.require_columns(codes, [NAME, GEMEENTENAAM, CODE, INWONERS, *AGE_SHARES], codes_path)
    direct = {c: i for c, i in (direct or {}).items() if c in codes.columns}
    origin_inline = origin is None and all(c in codes.columns for c in ORIGIN_SHARES)
    numeric = [INWONERS, *AGE_SHARES, *direct, *(ORIGIN_SHARES if origin_inline else [])]
    frame = statline.to_float(codes, numeric, codes_path)
    notes = []
    if origin is not None:
        statline.require_columns(origin, [NAME, GEMEENTENAAM, INWONERS, *ORIGIN_SHARES], origin_path or "")
        if len(origin) != len(codes):
            raise KbzSourceError(
                origin_path or "",
                f"{len(origin)} rijen, maar het bestand met codes ({Path(codes_path).name}) heeft er {len(codes)};"
                " de twee exports moeten dezelfde rijen in dezelfde volgorde hebben",
            )
        origin = statline.to_float(origin, [INWONERS, *ORIGIN_SHARES], origin_path or "")
        same = (
            origin[NAME].fillna("").to_numpy() == codes[NAME].fillna("").to_numpy()
        ) & (origin[GEMEENTENAAM].fillna("").to_numpy() == codes[GEMEENTENAAM].fillna("").to_numpy()) & (
            np.nan_to_num(origin[INWONERS].to_numpy(dtype="float64"), nan=-1)
            == np.nan_to_num(frame[INWONERS].to_numpy(dtype="float64"), nan=-1)
        )
        if not same.all():
            rows = [int(i) + 2 for i in np.flatnonzero(~same)[:5]]
            raise KbzSourceError(
                origin_path or "",
                "rijen passen niet bij het bestand met codes (naam, gemeente of inwoners verschillen),"
                f" regel(s) {rows}",
            )
        for column in ORIGIN_SHARES:
            frame[column] = origin[column].to_numpy()
        notes.append(f"85984NED herkomst: {len(origin)} rijen op rijpositie gekoppeld en gecontroleerd")
    keep = frame[CODE].fillna("").map(is_g4_code).to_numpy()
    frame = frame[keep]
    shares = {**AGE_SHARES, **(ORIGIN_SHARES if origin is not None or origin_inline else {})}
    for column, indicator in shares.items():
        frame[indicator] = _share(frame[column], frame[INWONERS])
    columns = {INWONERS: "inwoners", **{ind: ind for ind in shares.values()}, **direct}
    result = SourceResult(kind=BRON_STATLINE)
    result.figures = melt_indicators(frame, CODE, columns, INDELING_STATLINE, INDELING_STATLINE, BRON_STATLINE)
    result.areas = areas_frame(frame[CODE], frame[NAME], INDELING_STATLINE)
    result.notes = notes + [
        f"85984NED: {len(frame)} G4-gebieden (indeling 2024); {int(result.figures['waarde'].notna().sum())} waarden,"
        f" {int(result.figures['waarde'].isna().sum())} onbekend"
    ]
    return result


#: 85984NED OData field key -> StatLine CSV header (the columns both exports share).
ODATA_TO_CSV: dict[str, str] = {
    "Gemeentenaam_1": GEMEENTENAAM,
    "AantalInwoners_5": INWONERS,
    "k_0Tot15Jaar_8": "Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)",
    "k_15Tot25Jaar_9": "Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)",
    "k_25Tot45Jaar_10": "Bevolking/Leeftijdsgroepen/25 tot 45 jaar (aantal)",
    "k_45Tot65Jaar_11": "Bevolking/Leeftijdsgroepen/45 tot 65 jaar (aantal)",
    "k_65JaarOfOuder_12": "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)",
    "BuitenEuropa_19": "Bevolking/Bevolking naar herkomst/Herkomstland/Buiten Europa  (aantal)",
}
#: 85984NED OData field key -> indicator stored as published.
ODATA_DIRECT: dict[str, str] = {
    "HuishoudensTotaal_29": "huishoudens",
    "Bevolkingsdichtheid_34": "bevolkingsdichtheid",
    "GemiddeldeWOZWaardeVanWoningen_39": "woz_waarde",
    "Koopwoningen_47": "pct_koopwoningen",
    "GemiddeldInkomenPerInwoner_78": "inkomen_per_inwoner",
    "AfstandTotHuisartsenpraktijk_110": "afstand_huisarts",
}


def odata_figures(frame: pd.DataFrame, meta: dict, path: str | Path) -> SourceResult:
    """Canonical 2024 figures from a downloaded 85984NED OData JSON (see :mod:`kbz_data.sources.odata`).

    The region code is ``WijkenEnBuurten``; names come from the dimension titles in ``meta["names"]``. The
    origin key ``BuitenEuropa_19`` is only used when the table's DataProperties title says "Buiten Europa"
    under a "Herkomstland" group (the key names repeat for a second grouping in this table).
    """
    statline.require_columns(frame, ["WijkenEnBuurten", *[k for k in ODATA_TO_CSV if k != "BuitenEuropa_19"]], path)
    renamed = frame.rename(columns=ODATA_TO_CSV)
    names = meta.get("names") or {}
    renamed[CODE] = frame["WijkenEnBuurten"]
    renamed[NAME] = frame["WijkenEnBuurten"].map(lambda code: names.get(code, code))
    origin_header = ODATA_TO_CSV["BuitenEuropa_19"]
    if origin_header in renamed.columns and not _is_origin_key(meta, "BuitenEuropa_19"):
        renamed = renamed.drop(columns=origin_header)
    direct = {ODATA_DIRECT_KEY: ind for ODATA_DIRECT_KEY, ind in ODATA_DIRECT.items()}
    return statline_figures(renamed, path, direct=direct)


def _is_origin_key(meta: dict, key: str) -> bool:
    """True when DataProperties put ``key`` under a parent whose title mentions Herkomst(land)."""
    properties = {str(p.get("ID")): p for p in meta.get("DataProperties") or [] if isinstance(p, dict)}
    for prop in properties.values():
        if prop.get("Key") == key:
            parent = properties.get(str(prop.get("ParentID")))
            return parent is not None and "herkomst" in str(parent.get("Title", "")).lower()
    return False


#: kwb-20xx.xlsx short column -> indicator id.
XLSX_FIELDS: dict[str, str] = {
    "a_inw": "inwoners",
    "a_hh": "huishoudens",
    "bev_dich": "bevolkingsdichtheid",
    "g_wozbag": "woz_waarde",
    "p_koopw": "pct_koopwoningen",
    "g_ink_pi": "inkomen_per_inwoner",
    "g_afs_hp": "afstand_huisarts",
    "a_soz_wb": "bijstandsuitkeringen",
}
XLSX_KEYS: list[str] = ["gwb_code_10", "regio", "recs"]


def is_kwb_xlsx_frame(frame: pd.DataFrame) -> bool:
    """True for the kwb-20xx.xlsx layout."""
    return "gwb_code_10" in frame.columns and "a_inw" in frame.columns


def xlsx_year(path: str | Path, sheet_name: str | None = None) -> int:
    """The KWB year from the file name (``kwb-2023.xlsx``) or else the sheet name."""
    for text in (Path(path).name, sheet_name or ""):
        match = re.search(r"kwb[-_ ]?(20\d\d)", text, flags=re.IGNORECASE)
        if match:
            return int(match.group(1))
    raise KbzSourceError(path, "kan het KWB-jaar niet afleiden: verwacht 'kwb-20xx' in de bestands- of bladnaam")


def xlsx_figures(frame: pd.DataFrame, path: str | Path, year: int) -> SourceResult:
    """Canonical figures and names of the G4 rows of a kwb-20xx.xlsx; division and reference year = ``year``."""
    statline.require_columns(frame, XLSX_KEYS + ["a_inw"], path)
    present = {c: i for c, i in XLSX_FIELDS.items() if c in frame.columns}
    frame = frame[frame["gwb_code_10"].fillna("").map(is_g4_code)]
    frame = statline.to_float(frame, list(present), path)
    if "a_soz_wb" in present:
        rate = np.round(1000.0 * frame["a_soz_wb"].to_numpy(dtype=float) / frame["a_inw"].to_numpy(dtype=float), 1)
        rate[~(frame["a_inw"].to_numpy(dtype=float) > 0)] = np.nan
        frame = frame.assign(bijstand_per_1000=rate)
        present = {**present, "bijstand_per_1000": "bijstand_per_1000"}
    result = SourceResult(kind=BRON_XLSX)
    figures = melt_indicators(frame, "gwb_code_10", present, year, year, BRON_XLSX)
    result.figures = figures if not figures.empty else empty_figures()
    result.areas = areas_frame(frame["gwb_code_10"], frame["regio"], year)
    filled = sorted(i for c, i in present.items() if frame[c].notna().any())
    result.notes.append(
        f"kwb-{year}.xlsx: {len(frame)} G4-gebieden (indeling {year}); gevulde indicatoren: {', '.join(filled)}"
    )
    return result


#: 85984NED header of CBS's division-change code (1 = unchanged since the previous year's division).
DIVISION_CHANGE = "Regioaanduiding/Indelingswijziging gemeente, wijk, buurt (code)"


def division_changes(codes: pd.DataFrame, path: str | Path) -> pd.Series:
    """CBS's division-change code per G4 area of the 85984NED export with codes (code -> "1", "3", ...)."""
    statline.require_columns(codes, [CODE, DIVISION_CHANGE], path)
    frame = codes[codes[CODE].fillna("").map(is_g4_code)]
    return pd.Series(frame[DIVISION_CHANGE].astype("string").str.strip().to_numpy(), index=frame[CODE].to_numpy())
