"""The committed KBZ neighbourhood table against the names and codes in the store."""

from __future__ import annotations

import pandas as pd

from kbz_data.analysis import kbz_areas
from kbz_data.store import storage
from tests.conftest import BuiltStore

EXPECTED = {
    "GM0363": {"Amsterdam Zuidoost", "Banne Buiksloot"},
    "GM0518": {"Spoorwijk", "Laakkwartier", "Spoorwijk en Laakkwartier"},
    "GM0599": {"Beverwaard", "Crooswijk", "Nieuwe Westen", "Bloemhof"},
    "GM0344": {"Kanaleneiland", "Ondiep", "Overvecht"},
}


def test_table_shape() -> None:
    table = kbz_areas.gebieden()
    assert list(table.columns) == ["kbz_gebied", "gemeentecode", "indeling", "niveau", "code", "naam", "deel"]
    assert table.groupby("gemeentecode")["kbz_gebied"].agg(set).to_dict() == EXPECTED
    assert not table.duplicated(["kbz_gebied", "indeling", "code"]).any()
    assert set(table["deel"]) == {"geheel", "bevat KBZ-buurten"}
    assert (table["code"].str[2:6] == table["gemeentecode"].str[2:]).all()
    for gebied, rows in table.groupby("kbz_gebied"):
        assert set(rows["indeling"]) == {2020, 2024}, gebied


def test_names_match_the_store(unchanged_real_store: BuiltStore) -> None:
    g = pd.DataFrame(storage.read_gebieden(unchanged_real_store.store).drop(columns="geometry"))
    table = kbz_areas.gebieden().merge(g[["code", "indeling", "naam", "niveau"]], on=["code", "indeling"], how="left",
                                 suffixes=("", "_store"))
    missing = table[table["naam_store"].isna()]
    assert missing.empty, missing
    assert (table["naam"] == table["naam_store"]).all(), table[table["naam"] != table["naam_store"]]
    assert (table["niveau"] == table["niveau_store"]).all()


def test_codes_helpers() -> None:
    assert "BU05183823" in kbz_areas.codes(2020, "buurt")
    assert "WK051838" not in kbz_areas.codes(2020, "wijk")
    assert "WK051838" in kbz_areas.codes(2020, "wijk", deel=None)
    assert kbz_areas.names_by_code(2024)["BU05991081"] == "Bloemhof"
