"""Practice tables as the practice pages show them (Upload preview and history, Beheer): counts in Dutch notation
(thousands dot), moments in Dutch local time in words, yes/no in words, nothing shown as None or nan.

Pure pandas on the frames of :mod:`kbz_data.practice.upload_store`, :mod:`kbz_data.practice.access` and
:mod:`kbz_data.practice.admin` (not modified); display only, the database layer keeps its ISO UTC times.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from kbz_data.practice.schema import KENGETALLEN
from kbz_data.text import UNKNOWN, fmt_datetime, fmt_number

#: The undo moment inside a history status: "ongedaan gemaakt (2026-12-02 13:27:46 UTC)".
_UNDO_MOMENT = re.compile(r"\((\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)(?:\.\d+)?(?: UTC)?\)")


def _count(value: object, empty: str = "") -> str:
    """A whole count in Dutch notation (``4.321``); missing -> ``empty``."""
    return empty if pd.isna(value) else fmt_number(float(value))


def _yes_no(value: object) -> str:
    return UNKNOWN if pd.isna(value) else ("ja" if bool(value) else "nee")


def _status(text: object) -> str:
    if pd.isna(text):
        return UNKNOWN
    return _UNDO_MOMENT.sub(lambda m: f"({fmt_datetime(m.group(1) + '+00:00')})", str(text))


def _formatted(table: pd.DataFrame, formats: dict) -> pd.DataFrame:
    """A copy of ``table`` with each column named in ``formats`` mapped through its formatter (absent columns
    skipped), other missing values empty."""
    out = table.copy()
    for column, fmt in formats.items():
        if column in out:
            out[column] = out[column].map(fmt)
    return out.fillna("")


def history_display(table: pd.DataFrame) -> pd.DataFrame:
    """Upload history (``versie, tijd, bestandsnaam, ...``): the moments in local time in words, counts Dutch."""
    return _formatted(table, {"tijd": fmt_datetime, "status": _status, "rijen": _count})


def preview_display(table: pd.DataFrame) -> pd.DataFrame:
    """An upload preview (:func:`kbz_data.practice.upload_store.preview_table`): teller and noemer in Dutch
    notation; the noemer of a count reads empty ("geen noemer"), a figure without a current value "geen"."""
    out = table.copy()
    count = out["kengetal"].map(lambda k: k in KENGETALLEN and KENGETALLEN[k].soort == "telling")
    out["teller"] = out["teller"].map(_count)
    out["noemer"] = [("" if is_count else _count(v, UNKNOWN)) for v, is_count in zip(out["noemer"], count,
                                                                                         strict=True)]
    new = out["status"] == "nieuw"
    if "huidige teller" in out:
        out["huidige teller"] = ["geen" if n else _count(v, UNKNOWN)
                                 for v, n in zip(out["huidige teller"], new, strict=True)]
    if "huidige noemer" in out:
        out["huidige noemer"] = ["" if n or c else _count(v, UNKNOWN)
                                 for v, n, c in zip(out["huidige noemer"], new, count, strict=True)]
    if "huidige herkomst" in out:
        out["huidige herkomst"] = out["huidige herkomst"].fillna("")
    return out


def users_display(table: pd.DataFrame) -> pd.DataFrame:
    """Users (``email, naam, rol, actief, praktijken, aangemaakt``): yes/no and local time in words."""
    return _formatted(table, {"actief": _yes_no, "aangemaakt": fmt_datetime})


def practices_display(table: pd.DataFrame) -> pd.DataFrame:
    """Practices of the Beheer page: the start date as ``1-3-2020``, coordinates with a decimal comma, yes/no."""
    out = table.copy()
    if "kbz_start" in out:
        out["kbz_start"] = [UNKNOWN if pd.isna(d) else f"{pd.Timestamp(d).day}-{pd.Timestamp(d).month}-"
                            f"{pd.Timestamp(d).year}" for d in out["kbz_start"]]
    def coordinate(v: object) -> str:
        return fmt_number(v, 5)

    return _formatted(out, {"lon": coordinate, "lat": coordinate, "demo": _yes_no, "actief": _yes_no})


def _details(text: object) -> str:
    """The JSON details of an audit entry as ``bestandsnaam: a.csv · rijen: 2`` (empty values left out)."""
    if pd.isna(text) or text == "":
        return ""
    try:
        details = json.loads(str(text))
    except ValueError:
        return str(text)
    if not isinstance(details, dict):
        return str(details)
    parts = []
    for key, value in details.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "ja" if value else "nee"
        elif isinstance(value, int | float):
            value = fmt_number(value, 0 if float(value).is_integer() else 2)
        parts.append(f"{key}: {value}")
    return " · ".join(parts)


def audit_display(table: pd.DataFrame) -> pd.DataFrame:
    """The audit log (``tijd, gebruiker, actie, onderwerp, details``): the moment in local time in words, the
    details as words instead of JSON (no ``null``)."""
    out = table.copy()
    if "tijd" in out:
        out["tijd"] = out["tijd"].map(fmt_datetime)
    if "details" in out:
        out["details"] = out["details"].map(_details)
    return out.fillna("")


#: Short header of the mean column in the narrow latest-figures table of the Praktijk page.
MEAN_SHORT = "Gemiddelde KBZ"


def summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    """The latest-figures table (:func:`kbz_data.practice.analysis.summary_of`) for a narrow screen: the two
    numbers first, then the kengetal, its quarter, respondents and origin; a missing value reads "onbekend"."""
    from kbz_data.practice.analysis import MEAN_LABEL

    out = summary.rename(columns={MEAN_LABEL: MEAN_SHORT})
    first = ["Mijn praktijk", MEAN_SHORT, "Kengetal", "Periode"]
    out = out[[c for c in first if c in out] + [c for c in out if c not in first]]
    for column in ("Mijn praktijk", MEAN_SHORT):
        if column in out:
            out[column] = out[column].replace("", UNKNOWN).fillna(UNKNOWN)
    return out.fillna("").reset_index(drop=True)
