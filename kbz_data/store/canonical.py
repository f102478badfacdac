"""Canonical frames that every source reader produces and the build combines.

``figures``: code, indeling, jaar, indicator, waarde, bron (long format, one row per figure).
``areas``: code, naam, niveau, gemeentecode, wijkcode, indeling (names and hierarchy without geometry).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FIGURE_COLUMNS: list[str] = ["code", "indeling", "jaar", "indicator", "waarde", "bron"]
AREA_COLUMNS: list[str] = ["code", "naam", "niveau", "gemeentecode", "wijkcode", "indeling"]

_NIVEAU_BY_PREFIX = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}


def niveau_of(code: str) -> str:
    """Niveau of a stripped CBS region code: GM -> gemeente, WK -> wijk, BU -> buurt."""
    return _NIVEAU_BY_PREFIX.get(code[:2], "onbekend")


def gemeentecode_of(code: str) -> str:
    """The gemeente code (GM0363) that a GM/WK/BU code belongs to."""
    return "GM" + code[2:6]


def wijkcode_of(code: str) -> str | None:
    """The parent wijk of a buurt, the code itself for a wijk, None for a gemeente."""
    if code.startswith("BU"):
        return "WK" + code[2:8]
    if code.startswith("WK"):
        return code
    return None


@dataclass
class SourceResult:
    """What one source file contributed: figures, area names, and lines for the build report."""

    kind: str
    figures: pd.DataFrame = field(default_factory=lambda: empty_figures())
    areas: pd.DataFrame = field(default_factory=lambda: empty_areas())
    notes: list[str] = field(default_factory=list)


def empty_figures() -> pd.DataFrame:
    """An empty figures frame with the canonical dtypes."""
    return figures_frame([], [], [], [], [], [])


def empty_areas() -> pd.DataFrame:
    """An empty areas frame with the canonical columns."""
    return areas_frame([], [], [])


def figures_frame(code, indeling, jaar, indicator, waarde, bron) -> pd.DataFrame:
    """Build a canonical figures frame from equally long sequences (scalars are broadcast)."""
    frame = pd.DataFrame(
        {"code": code, "indeling": indeling, "jaar": jaar, "indicator": indicator, "waarde": waarde, "bron": bron}
    )
    return frame.astype(
        {"code": "string", "indeling": "int16", "jaar": "int16", "indicator": "string", "waarde": "float64",
         "bron": "string"}
    )[FIGURE_COLUMNS]


def areas_frame(codes, namen, indeling) -> pd.DataFrame:
    """Build a canonical areas frame; niveau, gemeentecode and wijkcode are derived from the codes."""
    codes = [str(c) for c in codes]
    frame = pd.DataFrame(
        {
            "code": codes,
            "naam": list(namen),
            "niveau": [niveau_of(c) for c in codes],
            "gemeentecode": [gemeentecode_of(c) for c in codes],
            "wijkcode": [wijkcode_of(c) for c in codes],
            "indeling": indeling,
        }
    )
    return frame.astype(
        {"code": "string", "naam": "string", "niveau": "string", "gemeentecode": "string", "wijkcode": "string",
         "indeling": "int16"}
    )[AREA_COLUMNS]


def melt_indicators(
    frame: pd.DataFrame, code_column: str, columns: dict[str, str], indeling: int, jaar, bron: str
) -> pd.DataFrame:
    """Turn a wide frame of float columns into canonical long figures.

    Parameters
    ----------
    frame
        Wide frame with a code column and numeric (float) indicator columns.
    code_column
        Name of the stripped region-code column.
    columns
        Source column -> indicator id.
    indeling, jaar
        Division year and reference year (``jaar`` may be a column name of ``frame``).
    bron
        Source id.
    """
    parts = []
    for source_column, indicator in columns.items():
        jaar_values = frame[jaar].to_numpy() if isinstance(jaar, str) else np.full(len(frame), jaar)
        parts.append(
            figures_frame(
                frame[code_column].to_numpy(), indeling, jaar_values, indicator,
                frame[source_column].to_numpy(dtype="float64", na_value=np.nan), bron,
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else empty_figures()
