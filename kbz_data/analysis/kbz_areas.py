"""The Krachtige Basiszorg neighbourhoods: a small committed table mapping each name to CBS codes per division.

``kbz_gebieden.csv`` columns: kbz_gebied, gemeentecode, indeling, niveau, code, naam (the CBS name, checked
against the store by a test), deel ("geheel" = the area is (part of) the KBZ neighbourhood; "bevat KBZ-buurten"
= a wijk that contains KBZ buurten but is larger than them).

KBZ runs in Amsterdam Zuidoost and Banne Buiksloot; Den Haag Spoorwijk and Laakkwartier; Rotterdam
Beverwaard, Crooswijk, Nieuwe Westen and Bloemhof; Utrecht Kanaleneiland, Ondiep and Overvecht.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

TABLE = Path(__file__).with_name("kbz_gebieden.csv")


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return pd.read_csv(TABLE, dtype={"indeling": "int64"})


def gebieden() -> pd.DataFrame:
    """The whole KBZ table (a copy)."""
    return _table().copy()


def codes(indeling: int, niveau: str, deel: str | None = "geheel") -> set[str]:
    """CBS codes of KBZ areas for one division and level (``deel=None``: also wijken that contain KBZ buurten)."""
    table = _table()
    rows = table[(table["indeling"] == indeling) & (table["niveau"] == niveau)]
    if deel is not None:
        rows = rows[rows["deel"] == deel]
    return set(rows["code"])


def names_by_code(indeling: int) -> dict[str, str]:
    """Code -> KBZ neighbourhood name(s) for one division."""
    table = _table()
    rows = table[table["indeling"] == indeling]
    return rows.groupby("code")["kbz_gebied"].agg(lambda s: ", ".join(sorted(set(s)))).to_dict()
