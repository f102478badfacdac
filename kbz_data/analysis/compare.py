"""Vergelijken: areas of the four cities side by side on one scale, and similar areas in the other cities.

:func:`division_values` puts every indicator of one division and level on one scale: the newest year per
indicator, the unweighted mean over all residential areas of the four cities and each area's rank among them
(1 = most unfavourable by the registry's direction; for neutral indicators 1 = highest), the same rule as
:func:`kbz_data.analysis.area_data.area_values`. :func:`comparison` picks the chosen areas out of it and
:func:`comparison_view` is what the page shows and the download holds. Pure pandas; the chart is
:func:`kbz_data.charts.compare.comparison_figure`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kbz_data.analysis import area_data, kbz_areas, need
from kbz_data.analysis.area_data import DIRECTION_TEXT, indicator_label, sources_text
from kbz_data.analysis.results import LICENCE_LINE, MODEL_LINE, ViewResult
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.indicators import DOMAIN_ORDER
from kbz_data.store.storage import StoreData

SIMILAR_METHOD = (
    "Vergelijkbare wijken: de gebieden in de andere drie steden met de kleinste euclidische afstand tussen de"
    " gestandaardiseerde (z-score) waarden van de vergelijkingsindicatoren; alleen gebieden waarvan alle"
    " vergelijkingsindicatoren bekend zijn."
)


def division_choices(data: StoreData, niveau: str) -> list[int]:
    """Divisions with figures at this level, newest first."""
    f = data.figures
    g = data.gebieden
    codes = g.loc[g["niveau"] == niveau, ["code", "indeling"]]
    known = f[f["waarde"].notna()][["code", "indeling"]].drop_duplicates()
    years = known.merge(codes, on=["code", "indeling"])["indeling"].unique()
    return sorted((int(y) for y in years), reverse=True)


def area_options(data: StoreData, indeling: int, niveau: str) -> pd.DataFrame:
    """Residential areas of one division and level in the four cities, to pick from.

    Returns
    -------
    pandas.DataFrame
        code, naam, gemeente, gemeentecode, kbz (KBZ name or ""), keuze (``"naam · code · gemeente"``), sorted by
        gemeente and name.
    """
    g = data.gebieden
    rows = g[(g["indeling"] == int(indeling)) & (g["niveau"] == niveau) & ~g["water"].astype(bool)]
    frame = pd.DataFrame({"code": rows["code"].to_numpy(), "naam": rows["naam"].astype(str).to_numpy(),
                          "gemeentecode": rows["gemeentecode"].to_numpy()})
    frame["gemeente"] = frame["gemeentecode"].map(GEMEENTEN)
    frame["kbz"] = frame["code"].map(kbz_areas.names_by_code(int(indeling))).fillna("")
    frame["keuze"] = [f"{n} · {c} · {gm}" + (f" · KBZ {k}" if k else "")
                      for n, c, gm, k in zip(frame["naam"], frame["code"], frame["gemeente"], frame["kbz"],
                                              strict=True)]
    frame = frame.sort_values(["gemeentecode", "naam", "code"]).reset_index(drop=True)
    return frame[["code", "naam", "gemeente", "gemeentecode", "kbz", "keuze"]]


def default_selection(data: StoreData, indeling: int, niveau: str) -> list[str]:
    """One KBZ area per city (the first by code) of this division and level, as the first comparison."""
    options = area_options(data, indeling, niveau)
    kbz_rows = options[options["code"].isin(kbz_areas.codes(int(indeling), niveau, deel=None))]
    picks = kbz_rows.sort_values("code").groupby("gemeentecode", sort=True)["code"].first()
    chosen = [picks[g] for g in GEMEENTEN if g in picks.index]
    return chosen or options["code"].head(2).tolist()


def division_values(data: StoreData, indeling: int, niveau: str) -> pd.DataFrame:
    """Every indicator (newest year with values) for every area of one division and level, with rank and mean.

    Returns
    -------
    pandas.DataFrame
        indicator, jaar, code, naam, gemeente, gemeentecode, water, waarde (NaN for water areas), bron,
        gemiddelde_g4 (unweighted mean over the residential areas of the four cities), rang (1 = most unfavourable;
        empty for neutral indicators), aantal (areas ranked), positie (0..100: 100 = most unfavourable / highest),
        label, eenheid, domein, richting.
    """
    g = data.gebieden
    areas = pd.DataFrame(g[(g["indeling"] == int(indeling)) & (g["niveau"] == niveau)].drop(columns="geometry"))
    areas = areas[["code", "naam", "gemeentecode", "water"]].assign(water=lambda a: a["water"].astype(bool))
    f = data.figures
    rows = f[(f["indeling"] == int(indeling)) & f["code"].isin(set(areas["code"]))]
    rows = rows[rows["indicator"].isin(data.meta.index)]
    known = rows[rows["waarde"].notna()]
    if known.empty:
        raise KbzDataError(f"geen cijfers op {niveau}niveau in gebiedsindeling {indeling}")
    latest = known.groupby("indicator")["jaar"].max()
    rows = rows[rows["jaar"] == rows["indicator"].map(latest)]
    grid = pd.MultiIndex.from_product([latest.index, areas["code"]], names=["indicator", "code"]).to_frame(index=False)
    grid["jaar"] = grid["indicator"].map(latest).astype(int)
    frame = grid.merge(areas, on="code").merge(rows[["indicator", "code", "waarde", "bron"]],
                                               on=["indicator", "code"], how="left")
    frame.loc[frame["water"], "waarde"] = np.nan
    meta = data.meta
    frame["label"] = frame["indicator"].map(meta["label"])
    frame["eenheid"] = frame["indicator"].map(meta["eenheid"])
    frame["domein"] = frame["indicator"].map(meta["domein"])
    frame["richting"] = frame["indicator"].map(meta["richting"]).astype(int)
    frame["gemeente"] = frame["gemeentecode"].map(GEMEENTEN)
    # rank 1 = worst: the lowest value when higher is better, else the highest (as area_data.area_values)
    signed = np.where(frame["richting"] == 1, 1.0, -1.0) * frame["waarde"]
    frame["rang"] = signed.groupby(frame["indicator"]).rank(method="min").astype("Int64")
    frame["aantal"] = frame.groupby("indicator")["waarde"].transform("count").astype(int)
    frame["gemiddelde_g4"] = frame.groupby("indicator")["waarde"].transform("mean")
    span = (frame["aantal"] - 1).where(frame["aantal"] > 1)
    frame["positie"] = 100.0 * (1 - (frame["rang"].astype(float) - 1) / span)
    # A neutral indicator has no "most unfavourable": keep its position by value for the chart, but no rank
    # (as on the Kaart page).
    frame.loc[frame["richting"] == 0, "rang"] = pd.NA
    return frame.sort_values(["indicator", "gemeentecode", "code"]).reset_index(drop=True)


def comparison(values: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """The rows of :func:`division_values` for the chosen codes, in the order chosen, indicators by domain.

    Raises
    ------
    KbzDataError
        When no code is given or a code is not an area of this division and level.
    """
    if not codes:
        raise KbzDataError("kies minstens één gebied om te vergelijken")
    present = set(values["code"])
    unknown = [c for c in codes if c not in present]
    if unknown:
        raise KbzDataError(f"onbekend(e) gebied(en) in deze gebiedsindeling en op dit niveau: {', '.join(unknown)}")
    order = {c: i for i, c in enumerate(codes)}
    domain = {d: i for i, d in enumerate(DOMAIN_ORDER)}
    rows = values[values["code"].isin(order)].copy()
    rows["_c"] = rows["code"].map(order)
    rows["_d"] = rows["domein"].map(domain).fillna(9)
    return rows.sort_values(["_d", "label", "_c"]).drop(columns=["_c", "_d"]).reset_index(drop=True)


def area_title(naam: str, code: str, gemeente: str) -> str:
    """How an area is named in tables and legends: ``naam · code (gemeente)``."""
    return f"{naam} · {code} ({gemeente})"


def comparison_display(rows: pd.DataFrame) -> pd.DataFrame:
    """Wide table: one row per indicator, the four-city mean, then per area its value and its rank."""
    areas = rows[["code", "naam", "gemeente"]].drop_duplicates("code")
    first = rows.drop_duplicates("indicator")
    out = pd.DataFrame({
        "Domein": first["domein"].to_numpy(), "Indicator": first["label"].to_numpy(),
        "Eenheid": first["eenheid"].to_numpy(), "Jaar": first["jaar"].to_numpy(),
        "Richting": first["richting"].map(DIRECTION_TEXT).to_numpy(),
        "Ongewogen gemiddelde van de gebieden": first["gemiddelde_g4"].round(2).to_numpy(),
    })
    for area in areas.itertuples(index=False):
        part = rows[rows["code"] == area.code].set_index("indicator").reindex(first["indicator"])
        title = area_title(area.naam, area.code, area.gemeente)
        out[title] = part["waarde"].round(2).to_numpy()
        out[f"Rang {area.code}"] = [f"{int(r)} van {int(n)}" if not pd.isna(r) else "– (neutraal of onbekend)"
                                    for r, n in zip(part["rang"], part["aantal"], strict=True)]
    return out


def comparison_view(data: StoreData, rows: pd.DataFrame, indeling: int, niveau: str) -> ViewResult:
    """Title, method, sources and the wide table of a comparison (:func:`comparison` rows), for screen and export."""
    years = sorted({int(j) for j in rows["jaar"]})
    line = sources_text(data, rows["bron"].dropna().astype(str).tolist())
    method = ["Ongewogen gemiddelde van de gebieden = gemiddelde over alle woongebieden van dit niveau in de vier"
              " steden die een waarde hebben. Neutrale indicatoren krijgen geen rang."
              " Rang 1 = meest ongunstig onder alle gebieden van de vier steden."]
    if (rows["bron"] == "rivm_50090NED").any():
        method.append(MODEL_LINE)
    return ViewResult(
        title=f"Vergelijking van {rows['code'].nunique()} gebieden op {niveau}niveau, gebiedsindeling {indeling}"
              f" (peiljaren {', '.join(str(y) for y in years)}; per indicator het nieuwste jaar).",
        tables=(("Vergelijking", comparison_display(rows)),), file_stem=f"kbz_vergelijking_{niveau}_indeling{indeling}",
        method_lines=tuple(method), sources=line + "." if line else "", licence=LICENCE_LINE,
    )


def with_similar(view: ViewResult, similar: pd.DataFrame, lines: Sequence[str]) -> ViewResult:
    """The comparison view with the similar-areas table as a second sheet and its method lines."""
    return view.replace(tables=(*view.tables, ("Vergelijkbare wijken", similar)),
                        method_lines=(*view.method_lines, *lines))


def similar_table(data: StoreData, code: str, indeling: int, niveau: str, n: int = 5) -> pd.DataFrame:
    """The area itself and its ``n`` most similar areas in the other cities, with the (raw) input values.

    Returns
    -------
    pandas.DataFrame
        Gebied, Code, Gemeente, Afstand (0 for the area itself), then one column per similarity input
        (label and unit, year).
    """
    inputs = need.SIMILARITY_INPUTS.get(int(indeling))
    if not inputs:
        raise KbzDataError(f"geen indicatoren voor vergelijkbare gebieden in gebiedsindeling {indeling}")
    near = need.similar_areas(data, code, int(indeling), niveau, n)
    own = area_options(data, indeling, niveau).set_index("code")
    head = pd.DataFrame({"code": [code], "naam": [own.loc[code, "naam"]], "gemeente": [own.loc[code, "gemeente"]],
                         "afstand": [0.0]})
    frame = pd.concat([head, near], ignore_index=True)
    out = pd.DataFrame({"Gebied": frame["naam"], "Code": frame["code"], "Gemeente": frame["gemeente"],
                        "Afstand": frame["afstand"].round(3)})
    for indicator, jaar in inputs.items():
        values = area_data.area_values(data, indicator, jaar, int(indeling), niveau).set_index("code")["waarde"]
        out[f"{indicator_label(data, indicator)} {jaar}"] = frame["code"].map(values).round(1).to_numpy()
    return out


def similar_lines(data: StoreData, indeling: int) -> list[str]:
    """Method and source lines of the similar-areas table."""
    inputs = need.SIMILARITY_INPUTS.get(int(indeling), {})
    bronnen = [str(data.meta.loc[i, "bron"]) for i in inputs if i in data.meta.index]
    names = ", ".join(f"{indicator_label(data, i)} {j}" for i, j in inputs.items())
    return [f"{SIMILAR_METHOD} Indicatoren: {names}.", sources_text(data, bronnen) + "."]
