"""The practice registry: the 12 fictitious demo practices at the KBZ locations.

Each practice has a code (``<city>-<AREA>-<n>``, e.g. ``RTD-BLOEMHOF-1``), a name that says it is fictitious,
its gemeente, the KBZ neighbourhood it sits in, its KBZ start date, the wijk and buurt codes it mainly serves per
CBS division (2020 and 2024, all taken from :mod:`kbz_data.analysis.kbz_areas` / ``kbz_gebieden.csv``) and a location.

Location: the representative point (``shapely`` ``representative_point``, always inside the polygon) of the
practice's main buurt in the 2020-division geometry of the store (CBS wijk- en buurtkaart 2019), rounded to five
decimals and hard-coded here so the demo set does not depend on a built store; ``tests/test_practice_registry.py``
checks on the real sources that every point lies inside its buurt.

The practices, names and all their figures are fictitious: there is no real practice behind any code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import pandas as pd

from kbz_data.config import GEMEENTEN


@dataclass(frozen=True)
class Praktijk:
    """One (fictitious) KBZ practice."""

    code: str
    naam: str
    gemeentecode: str
    kbz_gebied: str
    kbz_start: date
    hoofdbuurt: str
    lon: float
    lat: float
    #: indeling -> (buurt codes, wijk codes) the practice mainly serves.
    gebieden: dict[int, tuple[tuple[str, ...], tuple[str, ...]]]
    #: True for the fictitious demo practices (the built-in set); False for a practice added on Beheer.
    fictief: bool = True

    @property
    def gemeente(self) -> str:
        return GEMEENTEN[self.gemeentecode]


def _p(code: str, naam: str, gm: str, gebied: str, start: str, hoofd: str, lon: float, lat: float,
       b20: str, w20: str, b24: str, w24: str) -> Praktijk:
    return Praktijk(code, f"{naam} (fictief)", gm, gebied, date.fromisoformat(start), hoofd, lon, lat,
                    {2020: (tuple(b20.split()), tuple(w20.split())), 2024: (tuple(b24.split()), tuple(w24.split()))})


PRAKTIJKEN: dict[str, Praktijk] = {
    p.code: p
    for p in [
        _p("AMS-FBUURT-1", "Huisartsenpraktijk Bijlmer-Centrum", "GM0363", "Amsterdam Zuidoost", "2020-01-01",
           "BU03639303", 4.95609, 52.31796,
           "BU03639302 BU03639303 BU03639304", "WK036393", "BU0363TC01 BU0363TC02 BU0363TC03", "WK0363TC"),
        _p("AMS-KBUURT-1", "Gezondheidscentrum K-buurt", "GM0363", "Amsterdam Zuidoost", "2020-07-01",
           "BU03639405", 4.98036, 52.3165,
           "BU03639404 BU03639405 BU03639406 BU03639407", "WK036394",
           "BU0363TH03 BU0363TH04 BU0363TH05", "WK0363TH"),
        _p("AMS-REIGERSBOS-1", "Huisartsen Holendrecht-Reigersbos", "GM0363", "Amsterdam Zuidoost", "2021-04-01",
           "BU03639601", 4.96709, 52.29681,
           "BU03639600 BU03639601 BU03639602 BU03639605 BU03639606", "WK036396",
           "BU0363TJ01 BU0363TJ02 BU0363TJ03 BU0363TL01 BU0363TL02 BU0363TL03 BU0363TL04", "WK0363TJ WK0363TL"),
        _p("AMS-BANNE-1", "Huisartsenpraktijk Banne", "GM0363", "Banne Buiksloot", "2021-01-01",
           "BU03637000", 4.91008, 52.40673,
           "BU03637000 BU03637001 BU03637002 BU03637003", "WK036370",
           "BU0363NE01 BU0363NE02 BU0363NE03 BU0363NE04", "WK0363NE"),
        _p("DHG-SPOORWIJK-1", "Huisartsenpraktijk Spoorwijk", "GM0518", "Spoorwijk", "2019-10-01",
           "BU05183823", 4.31245, 52.05238, "BU05183823", "WK051838", "BU05183823", "WK051838"),
        _p("DHG-LAAKKWARTIER-1", "Gezondheidscentrum Laakkwartier", "GM0518", "Laakkwartier", "2020-04-01",
           "BU05183825", 4.32437, 52.06092, "BU05183824 BU05183825", "WK051838", "BU05183824 BU05183825",
           "WK051838"),
        _p("RTD-BEVERWAARD-1", "Huisartsenpraktijk Beverwaard", "GM0599", "Beverwaard", "2019-07-01",
           "BU05991290", 4.56767, 51.88857, "BU05991290", "WK059912", "BU05991290", "WK059912"),
        _p("RTD-CROOSWIJK-1", "Huisartsen Crooswijk", "GM0599", "Crooswijk", "2020-10-01",
           "BU05990837", 4.49439, 51.93203, "BU05990836 BU05990837", "WK059908", "BU05990836 BU05990837",
           "WK059908"),
        _p("RTD-NIEUWEWESTEN-1", "Huisartsenpraktijk Nieuwe Westen", "GM0599", "Nieuwe Westen", "2021-07-01",
           "BU05990324", 4.45089, 51.91482, "BU05990324", "WK059903", "BU05990324", "WK059903"),
        _p("RTD-BLOEMHOF-1", "Huisartsenpraktijk Bloemhof", "GM0599", "Bloemhof", "2019-01-01",
           "BU05991081", 4.50128, 51.89393, "BU05991081", "WK059910", "BU05991081", "WK059910"),
        _p("UTR-KANALENEILAND-1", "Gezondheidscentrum Kanaleneiland", "GM0344", "Kanaleneiland", "2020-01-01",
           "BU03440831", 5.09576, 52.06915, "BU03440831 BU03440832", "WK034408", "BU03440831 BU03440832",
           "WK034408"),
        _p("UTR-ONDIEP-1", "Huisartsenpraktijk Ondiep", "GM0344", "Ondiep", "2022-01-01",
           "BU03440222", 5.10129, 52.10888, "BU03440222", "WK034402", "BU03440222", "WK034402"),
    ]
}


def codes() -> list[str]:
    """All practice codes of the built-in (demo) registry, sorted."""
    return sorted(PRAKTIJKEN)


def get(code: str) -> Praktijk:
    """The built-in practice with this code (KeyError when unknown)."""
    return PRAKTIJKEN[code]


def _frame_of(practices: Mapping[str, Praktijk]) -> pd.DataFrame:
    rows = [
        {
            "praktijk_code": p.code, "naam": p.naam, "gemeentecode": p.gemeentecode, "gemeente": p.gemeente,
            "kbz_gebied": p.kbz_gebied, "kbz_start": p.kbz_start.isoformat(), "hoofdbuurt_2020": p.hoofdbuurt,
            "lon": p.lon, "lat": p.lat, "fictief": p.fictief,
        }
        for p in practices.values()
    ]
    columns = ["praktijk_code", "naam", "gemeentecode", "gemeente", "kbz_gebied", "kbz_start", "hoofdbuurt_2020",
               "lon", "lat", "fictief"]
    return pd.DataFrame(rows, columns=columns).sort_values("praktijk_code").reset_index(drop=True)


def _areas_of(practices: Mapping[str, Praktijk]) -> pd.DataFrame:
    rows = []
    for p in sorted(practices.values(), key=lambda p: p.code):
        for indeling, (buurten, wijken) in sorted(p.gebieden.items()):
            rows += [{"praktijk_code": p.code, "indeling": indeling, "niveau": "wijk", "code": c} for c in wijken]
            rows += [{"praktijk_code": p.code, "indeling": indeling, "niveau": "buurt", "code": c} for c in buurten]
    return pd.DataFrame(rows, columns=["praktijk_code", "indeling", "niveau", "code"])


@lru_cache(maxsize=1)
def _frame() -> pd.DataFrame:
    return _frame_of(PRAKTIJKEN)


def frame() -> pd.DataFrame:
    """The built-in registry as a table (a copy): praktijk_code, naam, gemeentecode, gemeente, kbz_gebied, kbz_start
    (ISO date), hoofdbuurt_2020, lon, lat (WGS84), fictief."""
    return _frame().copy()


def gebieden_frame() -> pd.DataFrame:
    """The areas each built-in practice mainly serves, long: praktijk_code, indeling, niveau, code."""
    return _areas_of(PRAKTIJKEN)


class Registry:
    """A set of practices: the built-in demo set (:data:`BUILTIN`) or the practices of the database
    (:func:`from_tables`, what :meth:`kbz_data.practice.db.repository.PracticeDb.registry` returns).

    Wherever a database is in use it is the source of truth (a practice added or changed on Beheer is a practice
    everywhere: Praktijk page, upload validation, comparisons, budget); the built-in set seeds it and serves a visitor
    who sees only the demo set.
    """

    def __init__(self, practices: Mapping[str, Praktijk]) -> None:
        self._practices = MappingProxyType(dict(sorted(practices.items())))

    @property
    def practices(self) -> Mapping[str, Praktijk]:
        return self._practices

    def codes(self) -> list[str]:
        """All practice codes, sorted."""
        return list(self._practices)

    def get(self, code: str) -> Praktijk:
        """The practice with this code (KeyError when unknown)."""
        return self._practices[code]

    def __contains__(self, code: object) -> bool:
        return code in self._practices

    def __len__(self) -> int:
        return len(self._practices)

    def name(self, code: str) -> str:
        """The practice's name, or the code itself when unknown."""
        return self._practices[code].naam if code in self._practices else code

    def frame(self) -> pd.DataFrame:
        """Like :func:`frame`, for these practices."""
        return _frame_of(self._practices)

    def gebieden_frame(self) -> pd.DataFrame:
        """Like :func:`gebieden_frame`, for these practices."""
        return _areas_of(self._practices)


#: The built-in registry: the 12 fictitious demo practices.
BUILTIN = Registry(PRAKTIJKEN)


def _float(value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return out


def from_tables(practices: pd.DataFrame, areas: pd.DataFrame) -> Registry:
    """A registry from the database tables (:meth:`PracticeDb.practices`, :meth:`PracticeDb.practice_areas`): only
    active practices; a division without areas has empty tuples."""
    out: dict[str, Praktijk] = {}
    if practices.empty:
        return Registry(out)
    served: dict[tuple[str, int, str], list[str]] = {}
    for code, indeling, niveau, area in areas[["praktijk_code", "indeling", "niveau", "code"]].itertuples(
            index=False):
        served.setdefault((code, int(indeling), niveau), []).append(area)
    divisions = sorted({int(i) for i in areas["indeling"]} | {2020, 2024})
    for row in practices.to_dict("records"):
        if "actief" in row and not bool(row["actief"]):
            continue
        code = str(row["praktijk_code"])
        start = row["kbz_start"]
        start = start if isinstance(start, date) else date.fromisoformat(str(start)[:10])
        out[code] = Praktijk(
            code, str(row["naam"]), str(row["gemeentecode"]), str(row.get("kbz_gebied") or ""), start,
            str(row.get("hoofdbuurt") or ""), _float(row.get("lon")), _float(row.get("lat")),
            {j: (tuple(served.get((code, j, "buurt"), ())), tuple(served.get((code, j, "wijk"), ())))
             for j in divisions},
            fictief=bool(row.get("demo", False)))
    return Registry(out)
