"""RIVM/GGD/CBS table 50090NED "Gezondheid per wijk en buurt" (2012/2016/2020, indeling 2020).

The StatLine XLSX export (OData UntypedDataSet) and the OData JSON download use the same field keys, so one
mapping serves both. Only point estimates (``Marges`` = MW00000) of adults 18+ (``Leeftijd`` 20300) and 65+
(80200) are taken; other rows are counted and reported.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kbz_data.config import is_g4_code
from kbz_data.errors import KbzSourceError
from kbz_data.sources import statline
from kbz_data.store.canonical import SourceResult, melt_indicators

BRON = "rivm_50090NED"
INDELING = 2020

#: 50090NED field key -> indicator id (18+; the 65+ rows get the suffix "_65plus").
FIELDS: dict[str, str] = {
    "ErvarenGezondheidGoedZeerGoed_4": "ervaren_gezondheid_goed",
    "VoldoetAanBeweegrichtlijn_5": "voldoet_beweegrichtlijn",
    "Overgewicht_9": "overgewicht",
    "ErnstigOvergewicht_10": "ernstig_overgewicht",
    "Roker_11": "roker",
    "ZwareDrinker_14": "zware_drinker",
    "EenOfMeerLangdurigeAandoeningen_16": "langdurige_aandoening",
    "BeperktVanwegeGezondheid_17": "beperkt_door_gezondheid",
    "HoogRisicoOpAngstOfDepressie_25": "hoog_risico_angst_depressie",
    "HeelVeelStressInAfgelopen4Weken_26": "veel_stress",
    "Eenzaam_28": "eenzaam",
    "ErnstigZeerErnstigEenzaam_29": "ernstig_eenzaam",
    "MatigVeelRegieOverEigenLeven_27": "regie_over_eigen_leven",
    "Mantelzorger_32": "mantelzorger",
    "MoeiteMetRondkomen_38": "moeite_met_rondkomen",
    "ErnstigeGeluidhinderDoorBuren_37": "ernstige_geluidhinder_buren",
}
KEY_COLUMNS: list[str] = ["Leeftijd", "Marges", "WijkenEnBuurten", "Perioden"]
#: Leeftijd code -> suffix of the indicator id.
AGE_SUFFIX: dict[str, str] = {"20300": "", "80200": "_65plus"}
POINT_ESTIMATE = "MW00000"


def is_rivm_frame(frame: pd.DataFrame) -> bool:
    """True when a StatLine frame has the 50090NED layout."""
    return "ErvarenGezondheidGoedZeerGoed_4" in frame.columns and "WijkenEnBuurten" in frame.columns


def figures(frame: pd.DataFrame, path: str | Path, gemeenten: tuple[str, ...] | None = None) -> SourceResult:
    """Canonical figures of the four G4 gemeenten (or of ``gemeenten``) from a 50090NED frame.

    Parameters
    ----------
    frame
        Output of :func:`statline.read_xlsx` or :func:`odata.read` for table 50090NED.
    path
        The file, for messages.
    gemeenten
        ``GMxxxx`` codes to keep instead of the G4 (e.g. ``("GM0457",)``: Weesp, part of Amsterdam since 2022,
        whose 2020-division figures the build only uses to carry them onto the 2024 division).

    Returns
    -------
    SourceResult
        Percentages (unit %), ``jaar`` from ``Perioden`` (2012JJ00 -> 2012), ``indeling`` 2020.
    """
    statline.require_columns(frame, KEY_COLUMNS + list(FIELDS), path)
    result = SourceResult(kind="rivm_50090NED")
    if gemeenten is None:
        frame = frame[frame["WijkenEnBuurten"].fillna("").map(is_g4_code)]
    else:
        numbers = {g[2:] for g in gemeenten}
        codes = frame["WijkenEnBuurten"].fillna("")
        frame = frame[codes.str[:2].isin(["GM", "WK", "BU"]) & codes.str[2:6].isin(numbers)]
    n_g4 = len(frame)
    keep = frame["Marges"].eq(POINT_ESTIMATE) & frame["Leeftijd"].isin(list(AGE_SUFFIX))
    skipped = int((~keep.fillna(False)).sum())
    frame = frame[keep.fillna(False)]
    periods = frame["Perioden"].str.extract(r"^(\d{4})JJ00$")[0]
    if periods.isna().any():
        bad = frame.loc[periods.isna(), "Perioden"].head(3).tolist()
        raise KbzSourceError(path, f"onbekende Perioden-waarde(n) {bad}; verwacht bijvoorbeeld '2020JJ00'")
    frame = statline.to_float(frame.assign(jaar=periods.astype(int)), list(FIELDS), path)
    parts = []
    for age, suffix in AGE_SUFFIX.items():
        part = frame[frame["Leeftijd"] == age]
        if part.empty:
            continue
        mapping = {column: indicator + suffix for column, indicator in FIELDS.items()}
        parts.append(melt_indicators(part, "WijkenEnBuurten", mapping, INDELING, "jaar", BRON))
    if parts:
        result.figures = pd.concat(parts, ignore_index=True)
    years = sorted(frame["jaar"].unique().tolist())
    ages = sorted(frame["Leeftijd"].map({"20300": "18+", "80200": "65+"}).unique().tolist())
    result.notes.append(
        f"50090NED: {n_g4} G4-rijen, jaren {years}, leeftijd {ages}; {skipped} rijen overgeslagen (andere marge of"
        f" leeftijdsgroep); {int(result.figures['waarde'].notna().sum())} waarden, "
        f"{int(result.figures['waarde'].isna().sum())} onbekend"
    )
    return result
