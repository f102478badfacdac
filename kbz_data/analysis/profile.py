"""Pure data functions for the area profile (Wijkprofiel) and the sources-and-method page (no Streamlit).

An area profile compares one area with its own gemeente and with the spread over all areas of the same level
(``niveau``) and division (``indeling``) in the four cities, for every indicator the division has figures for.
Figures are only ever joined on ``code`` AND ``indeling``: a profile belongs to one division and never mixes
divisions (Amsterdam's wijk WK036393 of division 2020 and WK0363TA of division 2024 are different areas).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from kbz_data.analysis import kbz_areas
from kbz_data.analysis.area_data import ALLE, DIRECTION_TEXT
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.indicators import DOMAIN_ORDER
from kbz_data.store.storage import StoreData

#: Domain order of the profile (rows are grouped by domain in this order).
#: The division of the health monitor (50090NED) and so of the health trends 2012-2016-2020.
TREND_INDELING = 2020
#: The source of the health trends: the Gezondheidsmonitor per wijk en buurt.
TREND_BRON = "rivm_50090NED"
#: The division of the newest health series (ervaren gezondheid 2012-2024, 50150NED via woonikveilig) and of the
#: 2020-division health figures carried onto it (:data:`kbz_data.indicators.BRON_OMGEREKEND`).
TREND_INDELING_2024 = 2024
#: Registry sources (``meta.bron``) of the trend indicators on the 2024 division.
TREND_BRONNEN_2024: tuple[str, ...] = ("woonikveilig_50150NED", TREND_BRON)
#: The Den Haag supplement: ELAN wijk panel (division 2020), computed by ELAN/GGDH from CBS microdata.
ELAN_BRON = "elan_denhaag"
ELAN_NOTE = ("ELAN/GGDH (LUMC), berekend uit CBS-microdata; alleen Den Haag, andere definities dan de CBS- en"
             " RIVM-cijfers: niet vergelijkbaar met de andere steden")
#: The ELAN trend of the KBZ wijken of Den Haag: huisarts costs against low income.
ELAN_TREND: tuple[str, ...] = ("elan_zorgkosten_huisarts", "elan_pct_laag_inkomen")
#: Units whose value depends on the size of the area: an area is not compared with its city's total.
SIZE_UNITS: frozenset[str] = frozenset({"aantal"})

#: Outcomes of :func:`compare_to_city`.
BETER = "beter dan de stad"
SLECHTER = "slechter dan de stad"
GELIJK = "gelijk aan de stad"
HOGER = "hoger dan de stad (neutraal)"
LAGER = "lager dan de stad (neutraal)"
GEEN_STADSCIJFER = "geen stadscijfer"
NIET_VERGELIJKBAAR = "niet vergelijkbaar (aantal)"
ONBEKEND = "onbekend"
WATER = "geen woongebied (geen cijfer)"

PROFILE_COLUMNS: tuple[str, ...] = (
    "indicator", "label", "domein", "eenheid", "richting", "waarde", "stadswaarde", "min", "p25", "median", "p75",
    "max", "n", "steden", "bron", "jaar", "vergelijking", "toelichting",
)


def normalise_code(code: str) -> str:
    """A code as typed or linked (spaces, lower case) in the store's form: stripped, upper case."""
    return str(code).strip().upper()


def _areas(data: StoreData) -> pd.DataFrame:
    return pd.DataFrame(data.gebieden.drop(columns="geometry"))


def area_divisions(data: StoreData, code: str) -> list[int]:
    """The divisions (``indeling`` years) in which an area code exists, oldest first.

    Raises
    ------
    KbzDataError
        When the code is in no division of the store.
    """
    code = normalise_code(code)
    g = data.gebieden
    years = sorted(int(v) for v in g.loc[g["code"] == code, "indeling"].unique())
    if not years:
        raise KbzDataError(
            f"onbekende gebiedscode {code!r}: die staat in geen enkele gebiedsindeling van de opslag. Gebruik een"
            " CBS-code zoals WK034403 (wijk) of BU03440311 (buurt) van Amsterdam, Den Haag, Rotterdam of Utrecht,"
            " of kies een gebied in de zoekbox."
        )
    return years


def default_division(data: StoreData, code: str) -> int:
    """The division with the most known figures for this code (ties: the newest)."""
    years = area_divisions(data, code)
    f = data.figures
    known = f[(f["code"] == normalise_code(code)) & f["waarde"].notna()].groupby("indeling").size()
    return max(years, key=lambda y: (int(known.get(y, 0)), y))


def area_info(data: StoreData, code: str, indeling: int) -> dict[str, Any]:
    """Name, level, gemeente, parent wijk and water flag of one area in one division.

    Raises
    ------
    KbzDataError
        When the code is unknown, or does not exist in this division (the message lists the divisions it has).
    """
    code = normalise_code(code)
    years = area_divisions(data, code)
    if int(indeling) not in years:
        raise KbzDataError(
            f"gebiedscode {code} bestaat niet in gebiedsindeling {indeling}; wel in indeling "
            + ", ".join(str(y) for y in years)
        )
    g = data.gebieden
    row = g[(g["code"] == code) & (g["indeling"] == int(indeling))].iloc[0]
    wijkcode = row["wijkcode"]
    return {
        "code": code,
        "naam": str(row["naam"]),
        "niveau": str(row["niveau"]),
        "gemeentecode": str(row["gemeentecode"]),
        "gemeente": GEMEENTEN.get(str(row["gemeentecode"]), str(row["gemeentecode"])),
        "wijkcode": None if pd.isna(wijkcode) else str(wijkcode),
        "indeling": int(indeling),
        "water": bool(row["water"]),
        "kaart": row.geometry is not None and not row.geometry.is_empty,
    }


def area_choices(data: StoreData, gemeente: str, niveau: str) -> pd.DataFrame:
    """Areas to choose from for one gemeente (or ``"G4"``) and level, one row per code over all divisions.

    Returns
    -------
    pandas.DataFrame
        code, naam (from the newest division the code is in), gemeente, indelingen (e.g. ``"2020, 2024"``),
        kbz (KBZ neighbourhood name or ""), keuze (the text shown in the search box), sorted by gemeente and name.

    Raises
    ------
    KbzDataError
        For an unknown gemeente or level.
    """
    if gemeente != ALLE and gemeente not in GEMEENTEN:
        raise KbzDataError(f"onbekende gemeente {gemeente!r}; kies uit {', '.join(GEMEENTEN)} of {ALLE}")
    if niveau not in ("gemeente", "wijk", "buurt"):
        raise KbzDataError(f"onbekend niveau {niveau!r}; kies uit gemeente, wijk of buurt")
    areas = _areas(data)
    areas = areas[areas["niveau"] == niveau]
    if gemeente != ALLE:
        areas = areas[areas["gemeentecode"] == gemeente]
    if areas.empty:
        return pd.DataFrame(columns=["code", "naam", "gemeente", "indelingen", "kbz", "keuze"])
    areas = areas.sort_values("indeling")
    per_code = areas.groupby("code", sort=False).agg(
        naam=("naam", "last"), gemeentecode=("gemeentecode", "last"),
        indelingen=("indeling", lambda s: ", ".join(str(int(v)) for v in sorted(s.unique()))),
    ).reset_index()
    names: dict[str, set[str]] = {}
    for year in areas["indeling"].unique():
        for c, name in kbz_areas.names_by_code(int(year)).items():
            names.setdefault(c, set()).update(n.strip() for n in name.split(","))
    per_code["gemeente"] = per_code["gemeentecode"].map(GEMEENTEN)
    per_code["kbz"] = per_code["code"].map(lambda c: ", ".join(sorted(names.get(c, set()))))
    multi = gemeente == ALLE
    per_code["keuze"] = [
        f"{n} · {c}" + (f" · {gm}" if multi else "") + f" (indeling {ind})" + (f" · KBZ {k}" if k else "")
        for n, c, gm, ind, k in zip(
            per_code["naam"], per_code["code"], per_code["gemeente"], per_code["indelingen"], per_code["kbz"],
            strict=True,
        )
    ]
    per_code = per_code.sort_values(["gemeentecode", "naam", "code"])
    return per_code[["code", "naam", "gemeente", "indelingen", "kbz", "keuze"]].reset_index(drop=True)


def compare_to_city(waarde: float, stadswaarde: float, richting: int, eenheid: str) -> str:
    """How an area's value relates to its city's value, by the registry's direction.

    Returns one of :data:`BETER`, :data:`SLECHTER`, :data:`GELIJK` (directed indicators), :data:`HOGER`,
    :data:`LAGER`, :data:`GELIJK` (neutral ones), :data:`ONBEKEND` (no value for the area),
    :data:`GEEN_STADSCIJFER` (the gemeente has no own figure) or :data:`NIET_VERGELIJKBAAR` (counts, whose
    size depends on the size of the area).
    """
    if pd.isna(waarde):
        return ONBEKEND
    if eenheid in SIZE_UNITS:
        return NIET_VERGELIJKBAAR
    if pd.isna(stadswaarde):
        return GEEN_STADSCIJFER
    diff = float(waarde) - float(stadswaarde)
    if math.isclose(diff, 0.0, abs_tol=1e-9):
        return GELIJK
    if richting == 0:
        return HOGER if diff > 0 else LAGER
    return BETER if diff * richting > 0 else SLECHTER


def _latest_years(figures: pd.DataFrame) -> pd.Series:
    """Per indicator the newest reference year with a known value among the given figures."""
    known = figures[figures["waarde"].notna()]
    return known.groupby("indicator")["jaar"].max()


def profile_table(data: StoreData, code: str, indeling: int) -> pd.DataFrame:
    """Every indicator of one division for one area, its city, and the spread over the four cities.

    For each indicator with known figures for areas of this level in this division, the newest reference year
    (``jaar``) is used; an indicator with no figure at all for the area's own city (neither the area, the city nor
    any of its areas: a source about other cities only, such as ELAN for Den Haag) is left out. The spread is over
    all non-water areas of the same level (``niveau``) and division in
    the four cities that have a known value for that year.

    Parameters
    ----------
    data
        The store.
    code
        CBS code of the area (GM/WK/BU), e.g. ``WK034403``.
    indeling
        The division year; the area must exist in it.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, grouped by domain (:data:`DOMAIN_ORDER`) in registry order, with columns
        :data:`PROFILE_COLUMNS`: ``waarde`` (the area's figure; NaN when unknown, secret or a water area),
        areas flagged ``water``, i.e. water, port or business areas without a meaningful rate; their counts are
        kept), ``stadswaarde`` (the gemeente's own published figure for the same indicator, year and division; NaN when
        the source has none), ``min``/``p25``/``median``/``p75``/``max`` and ``n`` (the spread and the number of
        areas it is over), ``steden`` (how many of the four cities those areas lie in), ``bron`` (source id),
        ``jaar`` and ``vergelijking`` (:func:`compare_to_city`). Units follow the registry (``eenheid``).

    Raises
    ------
    KbzDataError
        When the code is unknown or does not exist in this division.
    """
    info = area_info(data, code, indeling)
    code, indeling, niveau = info["code"], info["indeling"], info["niveau"]
    areas = _areas(data)
    peers = areas[(areas["indeling"] == indeling) & (areas["niveau"] == niveau) & ~areas["water"].astype(bool)]
    peer_city = dict(zip(peers["code"], peers["gemeentecode"], strict=False))
    f = data.figures
    f = f[f["indeling"] == indeling]
    peer_figures = f[f["code"].isin(peer_city.keys())]
    years = _latest_years(peer_figures)
    if years.empty:
        return pd.DataFrame(columns=list(PROFILE_COLUMNS))
    meta = data.meta[data.meta["indicator"].isin(years.index)].copy()
    meta["_domein"] = meta["domein"].map({d: i for i, d in enumerate(DOMAIN_ORDER)}).fillna(len(DOMAIN_ORDER))
    meta["_order"] = np.arange(len(meta))
    meta = meta.sort_values(["_domein", "_order"])
    notes = _row_notes(data, code, indeling)
    rows: list[dict[str, Any]] = []
    for ind in meta.itertuples(index=False):
        jaar = int(years[ind.indicator])
        this = f[(f["indicator"] == ind.indicator) & (f["jaar"] == jaar)]
        spread = this[this["code"].isin(peer_city.keys()) & this["waarde"].notna()]
        values = spread["waarde"].astype(float)
        own = this[this["code"] == code]
        # A non-residential area (water, port, business) keeps its counts, but its rates mean nothing.
        rate_blocked = info["water"] and ind.eenheid not in SIZE_UNITS
        waarde = float(own["waarde"].iloc[0]) if len(own) and not rate_blocked else math.nan
        city = this[this["code"] == info["gemeentecode"]]
        stadswaarde = float(city["waarde"].iloc[0]) if len(city) else math.nan
        if not len(own) and not len(city) and info["gemeentecode"] not in set(spread["code"].map(peer_city)):
            continue  # a source about other cities only (ELAN: Den Haag): no row of "onbekend" for this city
        bron = own["bron"].iloc[0] if len(own) else (spread["bron"].mode().iloc[0] if len(spread) else ind.bron)
        richting = int(ind.richting)
        rows.append(
            {
                "indicator": ind.indicator, "label": ind.label, "domein": ind.domein, "eenheid": ind.eenheid,
                "richting": richting, "waarde": waarde, "stadswaarde": stadswaarde,
                "min": values.min(), "p25": values.quantile(0.25), "median": values.median(),
                "p75": values.quantile(0.75), "max": values.max(), "n": int(values.size),
                "steden": int(spread["code"].map(peer_city).nunique()), "bron": str(bron), "jaar": jaar,
                "vergelijking": WATER if rate_blocked else compare_to_city(waarde, stadswaarde, richting, ind.eenheid),
                "toelichting": notes.get((ind.indicator, jaar), ELAN_NOTE if str(bron) == ELAN_BRON else ""),
            }
        )
    return pd.DataFrame(rows, columns=list(PROFILE_COLUMNS))


def _row_notes(data: StoreData, code: str, indeling: int) -> dict[tuple[str, int], str]:
    """(indicator, jaar) -> the note of a derived figure of one area ("omgerekend uit indeling 2020, kwaliteit
    ...", or "onbekend: reden"; :func:`kbz_data.analysis.area_data.figure_notes`), from ``data.kwaliteit``."""
    from kbz_data.analysis.area_data import figure_notes

    k = data.kwaliteit
    rows = k[(k["code"] == code) & (k["indeling"] == int(indeling))].drop_duplicates(["indicator", "jaar"])
    if rows.empty:
        return {}
    f = data.figures
    values = f[(f["code"] == code) & (f["indeling"] == int(indeling))].drop_duplicates(["indicator", "jaar"])
    values = values.set_index(["indicator", "jaar"])["waarde"]
    keys = [(str(i), int(j)) for i, j in zip(rows["indicator"], rows["jaar"], strict=True)]
    # one pseudo-area per (indicator, jaar): figure_notes then reads each quality row as that of an area
    pseudo = [f"{i}|{j}" for i, j in keys]
    quality = pd.DataFrame(rows).assign(code=pseudo, indicator="_", jaar=0, indeling=0)
    frame = pd.DataFrame({"code": pseudo, "waarde": [values.get(key, math.nan) for key in keys], "water": False})
    view = StoreData(data.gebieden, data.figures, data.meta, data.bronnen, data.build_info, quality)
    notes = figure_notes(view, frame, "_", 0, 0)
    return dict(zip(keys, notes.astype(str), strict=True))


def display_table(table: pd.DataFrame, city_name: str) -> pd.DataFrame:
    """A profile table as shown and exported: Dutch column names, values formatted with their unit, "onbekend"
    for unknown values."""
    from kbz_data.text import fmt_value

    def fmt(column: str) -> list[str]:
        return [fmt_value(v, u) for v, u in zip(table[column], table["eenheid"], strict=False)]

    city = [
        "geen stadscijfer" if pd.isna(v) else fmt_value(v, u) + (" (totaal van de stad)" if u in SIZE_UNITS else "")
        for v, u in zip(table["stadswaarde"], table["eenheid"], strict=False)
    ]
    return pd.DataFrame(
        {
            "Domein": table["domein"], "Indicator": table["label"], "Eenheid": table["eenheid"],
            "Dit gebied": fmt("waarde"), city_name: city, "Vergelijking": table["vergelijking"],
            "Richting": table["richting"].map(lambda r: DIRECTION_TEXT.get(int(r), str(r))),
            "Min": fmt("min"), "25%": fmt("p25"), "Mediaan": fmt("median"), "75%": fmt("p75"), "Max": fmt("max"),
            "Gebieden": table["n"].astype(int), "Steden": table["steden"].astype(int),
            "Peiljaar": table["jaar"].astype(int), "Bron": table["bron"],
            "Toelichting": table["toelichting"] if "toelichting" in table else "",
        }
    ).reset_index(drop=True)


def source_lines(data: StoreData, table: pd.DataFrame) -> list[str]:
    """One attribution line per source of a profile or trend table, with its reference years.

    E.g. ``"Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor ...; StatLine tabel 50090NED (CC BY 4.0). Peiljaar 2020."``
    """
    lines = []
    if table.empty:
        return lines
    for bron, part in table.groupby("bron", sort=False):
        years = sorted({int(j) for j in part["jaar"].dropna()})
        text = str(data.bronnen.loc[bron, "bronvermelding"]) if bron in data.bronnen.index else f"Bron: {bron}"
        label = "Peiljaar" if len(years) == 1 else "Peiljaren"
        lines.append(f"{text}. {label} {', '.join(str(y) for y in years)}.")
    return lines


def trend_heading(trend: pd.DataFrame | None) -> str:
    """The heading above the health trend, naming the years it really holds: "Gezondheid 2012 – 2016 – 2020", or
    first – last for a longer series (a buurt in indeling 2024: 2012 – 2024); "Gezondheid door de jaren" without
    a trend. (Wijken in indeling 2024 have no 2022/2024 figures: RIVM estimated that series per buurt.)"""
    years = sorted({int(j) for j in trend["jaar"]}) if trend is not None and not trend.empty else []
    if not years:
        return "Gezondheid door de jaren"
    return "Gezondheid " + (" – ".join(str(j) for j in years) if len(years) <= 3 else f"{years[0]} – {years[-1]}")


def trend_table(data: StoreData, code: str, indeling: int | None = None) -> pd.DataFrame:
    """Health figures over the years of an area and of its city, long format, on one division.

    ``indeling`` None or :data:`TREND_INDELING` (2020): the Gezondheidsmonitor 2012-2016-2020 (source
    :data:`TREND_BRON`). :data:`TREND_INDELING_2024`: ervaren gezondheid 2012-2024 (50150NED via woonikveilig)
    and the 2012-2016-2020 figures carried onto the 2024 division (``bron`` ``rivm_50090NED_omgerekend``). Only
    indicators for which the area has a known value in at least two reference years are included.

    Returns
    -------
    pandas.DataFrame
        indicator, label, eenheid, richting, jaar, reeks ("gebied" or "stad"), naam, waarde (%), bron. Empty when
        the code does not exist in that division or has no health figures there.

    Raises
    ------
    KbzDataError
        When the code is in no division of the store.
    """
    columns = ["indicator", "label", "eenheid", "richting", "jaar", "reeks", "naam", "waarde", "bron"]
    division = TREND_INDELING if indeling is None else int(indeling)
    bronnen = TREND_BRONNEN_2024 if division == TREND_INDELING_2024 else (TREND_BRON,)
    years = area_divisions(data, code)
    if division not in years or division not in (TREND_INDELING, TREND_INDELING_2024):
        return pd.DataFrame(columns=columns)
    info = area_info(data, code, division)
    meta = data.meta[data.meta["bron"].isin(bronnen)]
    f = data.figures
    f = f[(f["indeling"] == division) & f["indicator"].isin(meta["indicator"]) & f["waarde"].notna()]
    own = f[f["code"] == info["code"]]
    counts = own.groupby("indicator")["jaar"].nunique()
    keep = [i for i in meta["indicator"] if counts.get(i, 0) >= 2]
    if not keep or info["water"]:
        return pd.DataFrame(columns=columns)
    # the longest (newest) series first: ervaren gezondheid 2012-2024 before the 2012-2020 figures
    keep = sorted(keep, key=lambda i: -counts[i])
    city_name = info["gemeente"]
    parts = [own[own["indicator"].isin(keep)].assign(reeks="gebied", naam=info["naam"])]
    if info["code"] != info["gemeentecode"]:
        city = f[(f["code"] == info["gemeentecode"]) & f["indicator"].isin(keep)]
        parts.append(city.assign(reeks="stad", naam=city_name))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.merge(meta[["indicator", "label", "eenheid", "richting"]].reset_index(drop=True), on="indicator")
    order = {i: n for n, i in enumerate(keep)}
    frame = frame.assign(_o=frame["indicator"].map(order)).sort_values(["_o", "reeks", "jaar"])
    return frame[columns].reset_index(drop=True)


def trend_division(divisions: list[int], indeling: int) -> int | None:
    """The division whose health trend a profile of ``indeling`` shows: the same division when it has one
    (2020 or 2024), else 2020 when the code exists there, else None."""
    if indeling in (TREND_INDELING, TREND_INDELING_2024):
        return indeling
    return TREND_INDELING if TREND_INDELING in divisions else None


def elan_trend_table(data: StoreData) -> pd.DataFrame:
    """The ELAN trend of the KBZ wijken of Den Haag (division 2020): :data:`ELAN_TREND` per year.

    Returns
    -------
    pandas.DataFrame
        code, naam, kbz (KBZ neighbourhood), indicator, label, eenheid, jaar, waarde, plus one row per indicator
        and year with code ``"GM0518"`` and naam "Den Haag (mediaan van de wijken)": the median over all Den Haag
        wijken with a value (ELAN publishes no city figure). Empty when the store has no ELAN figures.
        Units: euro per inwoner (huisarts costs under the basic insurance) and % of households (low income).
    """
    columns = ["code", "naam", "kbz", "indicator", "label", "eenheid", "jaar", "waarde"]
    f = data.figures
    rows = f[(f["indeling"] == TREND_INDELING) & f["indicator"].isin(ELAN_TREND) & f["waarde"].notna()
             & f["code"].str.startswith("WK0518")]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    names = kbz_areas.names_by_code(TREND_INDELING)
    kbz = rows[rows["code"].isin([c for c in names if c.startswith("WK0518")])]
    areas = _areas(data)
    naam = areas[areas["indeling"] == TREND_INDELING].drop_duplicates("code").set_index("code")["naam"]
    median = rows.groupby(["indicator", "jaar"], as_index=False)["waarde"].median()
    frame = pd.concat([
        kbz.assign(naam=kbz["code"].map(naam).astype(str), kbz=kbz["code"].map(names)),
        median.assign(code="GM0518", naam="Den Haag (mediaan van de wijken)", kbz=""),
    ], ignore_index=True)
    frame["label"] = frame["indicator"].map(data.meta["label"])
    frame["eenheid"] = frame["indicator"].map(data.meta["eenheid"])
    return frame[columns].sort_values(["indicator", "code", "jaar"]).reset_index(drop=True)


# --- KBZ neighbourhoods and practices -------------------------------------------------------------------------

#: :func:`kbz_membership`'s ``relatie`` of an area that is (part of) a KBZ neighbourhood, and of one that contains
#: some of its buurten; a buurt that only lies in such a wijk gets a third text naming that wijk.
IS_KBZ = "is (deel van) dit KBZ-gebied"
HAS_KBZ_BUURTEN = "bevat buurten van dit KBZ-gebied"


def kbz_lead(membership: pd.DataFrame) -> str:
    """The short KBZ line under a profile's title, from :func:`kbz_membership`: only what the area itself is
    ("KBZ-gebied: Crooswijk", "bevat buurten van KBZ-gebied Crooswijk"); "" for an area that only lies in a wijk
    with KBZ buurten (a park in such a wijk is not a KBZ area; the KBZ section of the profile says where it lies)."""
    def names(relatie: str) -> str:
        return ", ".join(dict.fromkeys(membership.loc[membership["relatie"] == relatie, "kbz_gebied"]))

    whole, part = names(IS_KBZ), names(HAS_KBZ_BUURTEN)
    return " · ".join([*([f"KBZ-gebied: {whole}"] if whole else []),
                       *([f"bevat buurten van KBZ-gebied {part}"] if part else [])])


def kbz_membership(code: str, indeling: int, wijkcode: str | None = None) -> pd.DataFrame:
    """The KBZ neighbourhood(s) an area belongs to or lies next to, from the committed KBZ table.

    Returns
    -------
    pandas.DataFrame
        kbz_gebied, relatie (Dutch text: the area is (part of) the KBZ neighbourhood, contains KBZ buurten, or lies
        in a wijk with KBZ buurten), code (the code in the KBZ table that matched). Empty when none.
    """
    code = normalise_code(code)
    table = kbz_areas.gebieden()
    table = table[table["indeling"] == int(indeling)]
    rows: list[dict[str, str]] = []
    for r in table[table["code"] == code].itertuples(index=False):
        relatie = IS_KBZ if r.deel == "geheel" else HAS_KBZ_BUURTEN
        rows.append({"kbz_gebied": r.kbz_gebied, "relatie": relatie, "code": r.code})
    if wijkcode and wijkcode != code:
        for r in table[table["code"] == wijkcode].itertuples(index=False):
            if any(x["kbz_gebied"] == r.kbz_gebied for x in rows):
                continue
            rows.append({"kbz_gebied": r.kbz_gebied, "relatie": f"ligt in wijk {wijkcode}, die KBZ-buurten bevat",
                         "code": r.code})
    return pd.DataFrame(rows, columns=["kbz_gebied", "relatie", "code"])


PRACTICE_COLUMNS: tuple[str, ...] = ("praktijk_code", "naam", "kbz_gebied", "kbz_start", "relatie", "fictief")


def practices_near(
    code: str,
    indeling: int,
    wijkcode: str | None = None,
    practices: pd.DataFrame | None = None,
    served: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Practices of the practice registry that mainly serve this area, or the wijk it lies in (same division).

    Parameters
    ----------
    code, indeling, wijkcode
        The area, its division and its parent wijk (for a buurt).
    practices, served
        The registry (``praktijk_code``, ``naam``, ``kbz_gebied``, ``kbz_start``, ``fictief``) and the areas each
        practice serves (``praktijk_code``, ``indeling``, ``code``); by default
        :func:`kbz_data.practice.registry.frame` and :func:`~kbz_data.practice.registry.gebieden_frame`. No
        practice is ever made up here: the demo registry's practices are fictitious and say so (``fictief``).

    Returns
    -------
    pandas.DataFrame
        :data:`PRACTICE_COLUMNS`; ``relatie`` says whether the practice serves the area itself or its wijk.
    """
    if practices is None or served is None:
        from kbz_data.practice import registry

        practices = registry.frame() if practices is None else practices
        served = registry.gebieden_frame() if served is None else served
    code = normalise_code(code)
    rows = served[served["indeling"] == int(indeling)]
    relatie: dict[str, str] = {}
    for p in rows.loc[rows["code"] == code, "praktijk_code"]:
        relatie.setdefault(str(p), "bedient dit gebied")
    if wijkcode and normalise_code(wijkcode) != code:
        for p in rows.loc[rows["code"] == normalise_code(wijkcode), "praktijk_code"]:
            relatie.setdefault(str(p), f"bedient de wijk {normalise_code(wijkcode)} waarin dit gebied ligt")
    found = practices[practices["praktijk_code"].isin(relatie)].copy()
    found["relatie"] = found["praktijk_code"].map(relatie)
    if "fictief" not in found.columns:
        found["fictief"] = False
    return found[list(PRACTICE_COLUMNS)].sort_values(["relatie", "praktijk_code"]).reset_index(drop=True)
