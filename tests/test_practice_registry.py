"""The demo practice registry: codes, fictitious names, areas from the KBZ table, locations inside their buurt."""

from __future__ import annotations

import re

from shapely.geometry import Point

from kbz_data.analysis import kbz_areas
from kbz_data.config import GEMEENTEN
from kbz_data.practice import registry
from kbz_data.store import storage
from tests.conftest import BuiltStore

EXPECTED_AREAS = {"Amsterdam Zuidoost": 3, "Banne Buiksloot": 1, "Spoorwijk": 1, "Laakkwartier": 1,
                  "Beverwaard": 1, "Crooswijk": 1, "Nieuwe Westen": 1, "Bloemhof": 1, "Kanaleneiland": 1, "Ondiep": 1}


def test_twelve_fictitious_practices_at_the_kbz_locations() -> None:
    practices = list(registry.PRAKTIJKEN.values())
    assert len(practices) == 12
    assert all(re.fullmatch(r"(AMS|DHG|RTD|UTR)-[A-Z]+-\d", p.code) for p in practices)
    assert all(p.naam.endswith("(fictief)") for p in practices)
    per_area: dict[str, int] = {}
    for p in practices:
        per_area[p.kbz_gebied] = per_area.get(p.kbz_gebied, 0) + 1
    assert per_area == EXPECTED_AREAS
    assert {p.gemeente for p in practices if p.gemeentecode == "GM0363"} == {GEMEENTEN["GM0363"]}


def test_areas_come_from_the_kbz_table() -> None:
    table = kbz_areas.gebieden()
    for p in registry.PRAKTIJKEN.values():
        for indeling, (buurten, wijken) in p.gebieden.items():
            rows = table[(table["indeling"] == indeling) & (table["kbz_gebied"].str.contains(p.kbz_gebied))]
            assert set(buurten) <= set(rows.loc[rows["niveau"] == "buurt", "code"]), (p.code, indeling)
            assert set(wijken) <= set(rows.loc[rows["niveau"] == "wijk", "code"]), (p.code, indeling)
        assert p.hoofdbuurt in p.gebieden[2020][0]
    frame = registry.gebieden_frame()
    assert set(frame["indeling"]) == {2020, 2024} and frame["praktijk_code"].nunique() == 12


def test_locations_lie_inside_their_main_buurt(unchanged_real_store: BuiltStore) -> None:
    g = storage.read_gebieden(unchanged_real_store.store)
    buurten = g[(g["indeling"] == 2020) & (g["niveau"] == "buurt")].set_index("code")
    for p in registry.PRAKTIJKEN.values():
        assert buurten.loc[p.hoofdbuurt, "geometry"].contains(Point(p.lon, p.lat)), p.code
