"""CBS table 85163NED "Sociaal-economische status; scores per wijk en buurt" (StatLine CSV export).

The staged export covers Amsterdam 2019 on the 2020-era division; the reader takes any G4 rows it finds.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kbz_data.config import is_g4_code
from kbz_data.errors import KbzSourceError
from kbz_data.sources import statline
from kbz_data.store.canonical import SourceResult, areas_frame, melt_indicators

BRON = "cbs_85163NED"
INDELING = 2020

CODE = "Regiocode (gemeente, wijk, buurt) (code)"
NAME = "Wijken en buurten"
PERIOD = "Perioden"
#: StatLine CSV header -> indicator id.
FIELDS: dict[str, str] = {
    "SES-WOA/Totaalscore/Gemiddelde score (Getal)": "ses_woa_score",
    "Opleidingsniveau/Laag/Waarde (%)": "pct_opleiding_laag",
}


def figures(frame: pd.DataFrame, path: str | Path) -> SourceResult:
    """Canonical SES-WOA figures and area names (indeling 2020) of the G4 rows."""
    statline.require_columns(frame, [CODE, NAME, PERIOD, *FIELDS], path)
    frame = frame[frame[CODE].fillna("").map(is_g4_code)]
    years = pd.to_numeric(frame[PERIOD].str[:4], errors="coerce")
    if years.isna().any():
        raise KbzSourceError(path, f"onbekende Perioden-waarde(n) {frame.loc[years.isna(), PERIOD].head(3).tolist()}")
    frame = statline.to_float(frame.assign(jaar=years.astype(int)), list(FIELDS), path)
    result = SourceResult(kind="cbs_85163NED")
    result.figures = melt_indicators(frame, CODE, FIELDS, INDELING, "jaar", BRON)
    result.areas = areas_frame(frame[CODE], frame[NAME], INDELING)
    result.notes.append(
        f"85163NED: {len(frame)} G4-gebieden, jaar {sorted(set(years.astype(int)))};"
        f" {int(result.figures['waarde'].notna().sum())} waarden, {int(result.figures['waarde'].isna().sum())} onbekend"
    )
    return result
