"""A small synthetic store (wijken of the 2024 division with income, WOZ, tenure, age and inhabitants) for the
need-index, comparison and budget tests; values are random but fixed by the seed."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from kbz_data import indicators
from kbz_data.store.storage import StoreData


def synthetic_store(codes: Sequence[str], *, seed: int, inhabitants: int, shuffle: bool = False,
                    drop: tuple[str, str] | None = None) -> StoreData:
    """Wijken ``codes`` (indeling 2024) with one figure per indicator; ``inhabitants + 1000 * i`` inhabitants for
    the i-th code; ``drop`` = (code, indicator) made unknown; ``shuffle`` reorders rows (results must not change)."""
    rng = np.random.default_rng(seed)
    codes = list(codes)
    gebieden = gpd.GeoDataFrame(
        {"code": codes, "naam": [f"Wijk {c}" for c in codes], "niveau": "wijk",
         "gemeentecode": [f"GM{c[2:6]}" for c in codes], "wijkcode": codes, "indeling": 2024, "water": False,
         "geometriebron": None},
        geometry=[None] * len(codes), crs="EPSG:4326",
    )
    rows = []
    for i, code in enumerate(codes):
        base = rng.normal()
        for indicator, value in (("inkomen_per_inwoner", 30 + 5 * base), ("woz_waarde", 350 + 60 * base),
                                 ("pct_koopwoningen", 40 + 10 * base + rng.normal()),
                                 ("pct_0_15", 15 + rng.normal()), ("pct_65plus", 12 + rng.normal()),
                                 ("bevolkingsdichtheid", 8000 + 500 * rng.normal()),
                                 ("inwoners", inhabitants + 1000 * i)):
            rows.append((code, 2024, 2024, indicator, float(value), "cbs_85984NED"))
    figures = pd.DataFrame(rows, columns=["code", "indeling", "jaar", "indicator", "waarde", "bron"])
    if drop:
        figures.loc[(figures["code"] == drop[0]) & (figures["indicator"] == drop[1]), "waarde"] = np.nan
    if shuffle:
        figures = figures.sample(frac=1, random_state=7).reset_index(drop=True)
        gebieden = gebieden.sample(frac=1, random_state=3).reset_index(drop=True)
    meta = indicators.meta_frame().set_index("indicator", drop=False)
    bronnen = indicators.bronnen_frame().set_index("id", drop=False)
    return StoreData(gebieden, figures, meta, bronnen, {"gebouwd": "test"})
