"""Pure summaries of the store for the start page (no Streamlit)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kbz_data.config import GEMEENTEN
from kbz_data.store import storage


def coverage(store_dir: str | Path) -> pd.DataFrame:
    """Areas per division, level and gemeente, with how many have geometry and figures.

    Returns
    -------
    pandas.DataFrame
        Columns Indeling, Niveau, Gemeente, Gebieden, Met kaartvorm, Met cijfers.
    """
    info = storage.read_build_info(store_dir)
    frame = pd.DataFrame(info["aantallen"])
    gebieden = storage.read_gebieden(store_dir)
    figures = storage.read_indicatoren(store_dir)
    with_values = figures[figures["waarde"].notna()][["code", "indeling"]].drop_duplicates().assign(_v=1)
    areas = pd.DataFrame(gebieden.drop(columns="geometry")).merge(with_values, on=["code", "indeling"], how="left")
    areas["gemeente"] = areas["gemeentecode"].map(GEMEENTEN)
    per = areas.groupby(["indeling", "niveau", "gemeente"])["_v"].sum().rename("met_cijfers").reset_index()
    frame = frame.merge(per, on=["indeling", "niveau", "gemeente"], how="left")
    order = {"gemeente": 0, "wijk": 1, "buurt": 2}
    frame = frame.sort_values(
        ["indeling", "niveau", "gemeente"], key=lambda s: s.map(order) if s.name == "niveau" else s
    )
    return frame.rename(
        columns={"indeling": "Indeling", "niveau": "Niveau", "gemeente": "Gemeente", "gebieden": "Gebieden",
                 "met_geometrie": "Met kaartvorm", "met_cijfers": "Met cijfers"}
    )[["Indeling", "Niveau", "Gemeente", "Gebieden", "Met kaartvorm", "Met cijfers"]].astype(
        {"Met cijfers": "int64"}
    ).reset_index(drop=True)


def indicator_overview(store_dir: str | Path) -> pd.DataFrame:
    """Every indicator in the store with domain, unit, years, divisions, number of values and source table."""
    meta = storage.read_meta(store_dir)
    figures = storage.read_indicatoren(store_dir)
    known = figures[figures["waarde"].notna()]
    grouped = known.groupby("indicator").agg(
        jaren=("jaar", lambda s: ", ".join(str(v) for v in sorted(s.unique()))),
        indelingen=("indeling", lambda s: ", ".join(str(v) for v in sorted(s.unique()))),
        waarden=("waarde", "size"),
    )
    frame = meta.merge(grouped, left_on="indicator", right_index=True, how="inner")
    direction = {1: "hoger is beter", -1: "hoger is slechter", 0: "neutraal"}
    frame["richting"] = frame["richting"].map(direction)
    frame = frame.sort_values(["domein", "label"])
    return frame.rename(
        columns={"label": "Indicator", "domein": "Domein", "eenheid": "Eenheid", "richting": "Richting",
                 "jaren": "Jaren", "indelingen": "Indeling", "waarden": "Waarden", "tabel": "Tabel"}
    )[["Domein", "Indicator", "Eenheid", "Richting", "Jaren", "Indeling", "Waarden", "Tabel"]].reset_index(drop=True)
