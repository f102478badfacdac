"""Insurer views (issue 5): compare areas across the four cities, the need index, budget splits and a referral
scenario. Pure composition on top of :mod:`kbz_data.analysis.need` and :mod:`kbz_data.analysis.area_data`; no Streamlit.

Vergelijken
    :func:`division_values` puts every indicator of one division and level on one scale: the newest year per
    indicator, the unweighted mean over all residential areas of the four cities and each area's rank among them
    (1 = most unfavourable by the registry's direction; for neutral indicators 1 = highest), the same rule as
    :func:`kbz_data.analysis.area_data.area_values`. :func:`comparison` picks the chosen areas out of it.
Behoefte-index
    :func:`kbz_data.analysis.need.need_index` with the defaults of :data:`kbz_data.analysis.need.NEED_INPUTS`; :func:`value_map_view`
    draws any per-area value (the index, a budget difference) with the map machinery of :mod:`kbz_data.charts.maps`.
Budgetverdeling
    :func:`area_budget` splits a budget over the areas of the 2024 division (the only division with inhabitants
    for all four cities) with :func:`kbz_data.analysis.need.allocate`; :func:`practice_budget` over the practices per
    registered patient; :func:`referral_scenario` computes avoided referrals before/after each practice's KBZ
    start. Every table that leaves the dashboard goes through :func:`workbook`, which writes the assumptions on
    each sheet.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kbz_data import export
from kbz_data.analysis import area_data, kbz_areas, need
from kbz_data.analysis.area_data import ALLE, DIRECTION_TEXT
from kbz_data.charts import maps
from kbz_data.charts.map_views import MapView
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.store.storage import StoreData

#: The division of the budget split over areas: the only one with inhabitants (CBS KWB 2024) for all four cities.
BUDGET_INDELING = 2024
#: Default yearly budget (euro), a round figure the user changes.
DEFAULT_BUDGET_EUR = 10_000_000
#: Default weight per inhabitant by need decile (10 = highest need): flat up to decile 5, then rising to 2.
DEFAULT_DECILE_WEIGHTS: dict[int, float] = {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.1, 7: 1.2, 8: 1.4,
                                            9: 1.7, 10: 2.0}
#: Default weight per inhabitant of a KBZ area (1 = no extra).
DEFAULT_KBZ_WEIGHT = 2.0
#: Default cost per referral (euro) in the referral scenario: an assumption the user changes, not a source figure.
DEFAULT_REFERRAL_COSTS: dict[str, float] = {"verwijzingen_ziekenhuis": 1000.0, "verwijzingen_ggz": 1500.0}
REFERRAL_LABELS: dict[str, str] = {"verwijzingen_ziekenhuis": "Ziekenhuis", "verwijzingen_ggz": "GGZ"}
#: Budget rules (column of :func:`kbz_data.analysis.need.allocate`) -> Dutch label.
RULES: dict[str, str] = {
    "per_inwoner": "Per inwoner",
    "naar_behoefte": "Per inwoner, gewogen naar behoeftedeciel",
    "kbz": "Per inwoner, extra gewicht voor KBZ-gebieden",
}
#: Short rule names for table columns.
RULE_COLUMNS: dict[str, str] = {"per_inwoner": "Vlak", "naar_behoefte": "Naar behoefte", "kbz": "KBZ-gewicht"}
PRACTICE_RULES: dict[str, str] = {
    "per_inwoner": "Per ingeschreven patiënt",
    "naar_behoefte": "Per patiënt, gewogen naar behoeftedeciel van de hoofdwijk",
}
NEED_LABEL = "Behoefte-index"
#: Pixel box the areas of one of four side-by-side maps are fitted into. maps.view_for assumes 256-pixel tiles,
#: MapLibre draws 512, so the box is half the ~230 x 270 pixels a panel gets on a 1400-pixel-wide screen; with a
#: larger box Amsterdam and Rotterdam are cut off at the sides (panels are 300 pixels high here).
FIT_FOUR = (110, 130)
#: At most this many bars when a city has no shapes (the table lists every area).
BAR_LIMIT = 60
NEED_UNIT = "score"
LICENCE_LINE = ("Licentie: CC BY 4.0 (CBS, RIVM/GGD'en, Kadaster/PDOK). Samengesteld met het KBZ wijkdashboard.")
NEED_METHOD = (
    "Behoefte-index: gewogen gemiddelde van gestandaardiseerde indicatoren (z-scores over alle woongebieden van de"
    " vier steden op dit niveau en in deze gebiedsindeling; gemiddelde 0, standaardafwijking 1), met het teken zo"
    " gekozen dat hoger = meer behoefte. Gewichten worden genormaliseerd tot som 1. Een gebied dat een invoercijfer"
    " mist, krijgt geen index, rang of deciel (gemarkeerd, nooit als gemiddeld meegeteld). Rang 1 en deciel 10 ="
    " hoogste behoefte."
)
SIMILAR_METHOD = (
    "Vergelijkbare wijken: de gebieden in de andere drie steden met de kleinste euclidische afstand tussen de"
    " gestandaardiseerde (z-score) waarden van de vergelijkingsindicatoren; alleen gebieden waarvan alle"
    " vergelijkingsindicatoren bekend zijn."
)


# --- labels and method ------------------------------------------------------------------------------------------

def need_defaults(indeling: int) -> dict[str, float]:
    """Default need-index weights of a division (:data:`kbz_data.analysis.need.NEED_INPUTS`); empty when it has none."""
    return {k: float(w) for k, (_j, w) in need.NEED_INPUTS.get(int(indeling), {}).items()}


def need_direction_text(data: StoreData, indicator: str) -> str:
    """How an input enters the index (:func:`kbz_data.analysis.need.need_sign`): 'lager = meer behoefte' or 'hoger = ...'."""
    return "lager = meer behoefte" if need.need_sign(data, indicator) < 0 else "hoger = meer behoefte"


def method_tables(data: StoreData) -> dict[str, pd.DataFrame]:
    """The need-index inputs and default weights, the similarity inputs and the default decile weights, for the
    Bronnen en methode page (numbers taken from :mod:`kbz_data.analysis.need` and this module, not repeated)."""
    rows = []
    for indeling, inputs in need.NEED_INPUTS.items():
        total = sum(w for _j, w in inputs.values())
        for indicator, (jaar, weight) in inputs.items():
            rows.append({"Indeling": indeling, "Indicator": _label(data, indicator), "Id": indicator, "Jaar": jaar,
                         "Standaardgewicht": weight, "Aandeel in de index": f"{weight / total:.0%}",
                         "Richting": need_direction_text(data, indicator), "Bron": _bron_text(data, indicator)})
    similar = [{"Indeling": indeling, "Indicator": _label(data, indicator), "Id": indicator, "Jaar": jaar,
                "Bron": _bron_text(data, indicator)}
               for indeling, inputs in need.SIMILARITY_INPUTS.items() for indicator, jaar in inputs.items()]
    deciles = pd.DataFrame({"Behoeftedeciel": list(DEFAULT_DECILE_WEIGHTS),
                            "Standaardgewicht per inwoner": list(DEFAULT_DECILE_WEIGHTS.values())})
    return {"behoefte": pd.DataFrame(rows), "vergelijkbaar": pd.DataFrame(similar), "decielen": deciles}


def _label(data: StoreData, indicator: str) -> str:
    if indicator not in data.meta.index:
        return indicator
    return f"{data.meta.loc[indicator, 'label']} ({data.meta.loc[indicator, 'eenheid']})"


def _bron_text(data: StoreData, indicator: str) -> str:
    if indicator not in data.meta.index:
        return ""
    bron = str(data.meta.loc[indicator, "bron"])
    return str(data.bronnen.loc[bron, "titel"]) if bron in data.bronnen.index and "titel" in data.bronnen else bron


def _sources(data: StoreData, bronnen: Sequence[str]) -> str:
    texts = [str(data.bronnen.loc[b, "bronvermelding"]) for b in sorted(set(bronnen)) if b in data.bronnen.index]
    return "; ".join(texts)


# --- Vergelijken ------------------------------------------------------------------------------------------------

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
                      for n, c, gm, k in zip(frame["naam"], frame["code"], frame["gemeente"], frame["kbz"])]
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
        empty for neutral indicators), aantal (areas ranked), positie (0..100: 100 = most unfavourable / highest), label,
        eenheid, domein, richting.
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
    domain = {d: i for i, d in enumerate(("sociaal-economisch", "gezondheid", "zorg", "bevolking"))}
    rows = values[values["code"].isin(order)].copy()
    rows["_c"] = rows["code"].map(order)
    rows["_d"] = rows["domein"].map(domain).fillna(9)
    return rows.sort_values(["_d", "label", "_c"]).drop(columns=["_c", "_d"]).reset_index(drop=True)


def _area_title(naam: str, code: str, gemeente: str) -> str:
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
        title = _area_title(area.naam, area.code, area.gemeente)
        out[title] = part["waarde"].round(2).to_numpy()
        out[f"Rang {area.code}"] = [f"{int(r)} van {int(n)}" if not pd.isna(r) else "– (neutraal of onbekend)"
                                    for r, n in zip(part["rang"], part["aantal"])]
    return out


def comparison_figure(rows: pd.DataFrame) -> go.Figure:
    """Dot chart: each chosen area's position among all areas of the four cities, per indicator (0 = most
    favourable, 100 = most unfavourable; neutral indicators: 100 = highest)."""
    fig = go.Figure()
    labels = rows.drop_duplicates("indicator")
    y_text = {i: f"{lab} ({e})" for i, lab, e in zip(labels["indicator"], labels["label"], labels["eenheid"])}
    palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    symbols = ["circle", "diamond", "square", "triangle-up", "x", "star", "cross", "hexagon"]
    for i, (code, part) in enumerate(rows.groupby("code", sort=False)):
        known = part[part["positie"].notna()]
        name = _area_title(str(part["naam"].iloc[0]), code, str(part["gemeente"].iloc[0]))
        fig.add_trace(go.Scatter(
            x=known["positie"], y=known["indicator"].map(y_text), mode="markers", name=name,
            marker={"size": 11, "color": palette[i % len(palette)], "symbol": symbols[i % len(symbols)],
                    "line": {"width": 1, "color": "white"}},
            customdata=np.column_stack([known["code"],
                                        [maps.fmt_value(v, e) for v, e in zip(known["waarde"], known["eenheid"])],
                                        [f"{int(r)} van {int(n)}" if not pd.isna(r) else "– (neutraal)"
                                         for r, n in zip(known["rang"], known["aantal"])]]),
            hovertemplate=f"<b>{name}</b><br>%{{y}}: %{{customdata[1]}}<br>Rang %{{customdata[2]}}<extra></extra>",
        ))
    fig.add_vline(x=50, line={"color": "#999", "dash": "dot"})
    fig.update_layout(
        height=max(320, 22 * len(y_text) + 120), margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": {"text": "Positie onder alle gebieden van de vier steden (0 = gunstigst, 100 = ongunstigst;"
                                 " neutraal: 100 = hoogst)"}, "range": [-3, 103]},
        yaxis={"autorange": "reversed", "tickfont": {"size": 11}, "categoryorder": "array",
               "categoryarray": list(y_text.values())},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )
    return fig


def comparison_lines(data: StoreData, rows: pd.DataFrame, indeling: int, niveau: str) -> list[str]:
    """Title, source and method lines of a comparison (for screen and export)."""
    years = sorted({int(j) for j in rows["jaar"]})
    line = _sources(data, rows["bron"].dropna().astype(str).tolist())
    out = [
        f"Vergelijking van {rows['code'].nunique()} gebieden op {niveau}niveau, gebiedsindeling {indeling}"
        f" (peiljaren {', '.join(str(y) for y in years)}; per indicator het nieuwste jaar).",
        line + "." if line else "",
        "Ongewogen gemiddelde van de gebieden = gemiddelde over alle woongebieden van dit niveau in de vier steden"
        " die een waarde hebben. Neutrale indicatoren krijgen geen rang."
        " Rang 1 = meest ongunstig onder alle gebieden van de vier steden.",
    ]
    if (rows["bron"] == "rivm_50090NED").any():
        out.append("Gezondheidscijfers per wijk en buurt zijn modelschattingen (small area estimation), geen tellingen.")
    out.append(LICENCE_LINE)
    return [x for x in out if x]


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
        out[f"{_label(data, indicator)} {jaar}"] = frame["code"].map(values).round(1).to_numpy()
    return out


def similar_lines(data: StoreData, indeling: int) -> list[str]:
    """Method and source lines of the similar-areas table."""
    inputs = need.SIMILARITY_INPUTS.get(int(indeling), {})
    bronnen = [str(data.meta.loc[i, "bron"]) for i in inputs if i in data.meta.index]
    return [SIMILAR_METHOD + " Indicatoren: " + ", ".join(f"{_label(data, i)} {j}" for i, j in inputs.items()) + ".",
            _sources(data, bronnen) + "."]


# --- need index -------------------------------------------------------------------------------------------------

def need_table(data: StoreData, indeling: int, niveau: str, weights: Mapping[str, float]) -> pd.DataFrame:
    """:func:`kbz_data.analysis.need.need_index` for the given weights (see there)."""
    return need.need_index(data, int(indeling), niveau, dict(weights))


def need_display(data: StoreData, table: pd.DataFrame) -> pd.DataFrame:
    """The need index as shown and exported: rank order, Dutch columns, the z-score of each input."""
    shown = table.sort_values(["rang", "code"], na_position="last")
    out = pd.DataFrame({
        "Rang (1 = hoogste behoefte)": shown["rang"], "Deciel (10 = hoogste behoefte)": shown["deciel"],
        "Gebied": shown["naam"], "Code": shown["code"], "Gemeente": shown["gemeente"],
        NEED_LABEL: shown["index"].round(3), "KBZ-gebied": shown["kbz"],
    })
    for column in [c for c in shown.columns if c.startswith("z_")]:
        out[f"z {data.meta.loc[column[2:], 'label']}"] = shown[column].round(2)
    out["Ontbrekende invoer"] = shown["ontbrekend"]
    return out.reset_index(drop=True)


def top_per_city(table: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` areas with the highest need index per city: Gemeente, Rang in de stad, Gebied, Code, index, rang
    over the four cities, deciel."""
    scored = table[table["index"].notna()].sort_values(["index", "code"], ascending=[False, True])
    rows = []
    for gm, name in GEMEENTEN.items():
        part = scored[scored["gemeentecode"] == gm].head(n)
        for i, r in enumerate(part.itertuples(index=False), start=1):
            rows.append({"Gemeente": name, "Rang in de stad": i, "Gebied": r.naam, "Code": r.code,
                         NEED_LABEL: round(float(r.index), 3), "Rang vier steden": int(r.rang),
                         "Deciel": int(r.deciel), "KBZ-gebied": r.kbz})
    return pd.DataFrame(rows, columns=["Gemeente", "Rang in de stad", "Gebied", "Code", NEED_LABEL,
                                       "Rang vier steden", "Deciel", "KBZ-gebied"])


def flagged(table: pd.DataFrame) -> pd.DataFrame:
    """Areas without an index because an input is missing: Gebied, Code, Gemeente, Ontbrekende invoer."""
    rows = table[table["ontbrekend"] != ""]
    return pd.DataFrame({"Gebied": rows["naam"], "Code": rows["code"], "Gemeente": rows["gemeente"],
                         "Ontbrekende invoer": rows["ontbrekend"]}).reset_index(drop=True)


def need_lines(data: StoreData, indeling: int, niveau: str, weights: Mapping[str, float]) -> list[str]:
    """Definition, weights and sources of a need index (screen and export)."""
    used = {k: w for k, w in weights.items() if w > 0}
    total = sum(used.values()) or 1.0
    jaren = {k: j for k, (j, _w) in need.NEED_INPUTS.get(int(indeling), {}).items()}
    parts = [f"{_label(data, k)} {jaren.get(k, '')} ({need_direction_text(data, k)}): gewicht {w:g}"
             f" ({w / total:.0%})" for k, w in used.items()]
    bronnen = [str(data.meta.loc[k, "bron"]) for k in used if k in data.meta.index]
    defaults = need_defaults(indeling)
    changed = "" if dict(used) == {k: w for k, w in defaults.items() if w > 0} else " (aangepast; niet de standaard)"
    out = [
        f"{NEED_LABEL} per {niveau}, gebiedsindeling {indeling}, vier steden.",
        NEED_METHOD,
        "Invoer en gewichten" + changed + ": " + "; ".join(parts) + ".",
        _sources(data, bronnen) + ".",
    ]
    if "rivm_50090NED" in bronnen:
        out.append("Gezondheidscijfers per wijk en buurt zijn modelschattingen (small area estimation), geen tellingen.")
    out.append(LICENCE_LINE)
    return out


def _map_table(data: StoreData, values: pd.DataFrame, indeling: int, niveau: str) -> pd.DataFrame:
    """All areas of the division and level (water included) with the columns of area_data.area_values, from
    ``values`` (code, waarde, stadswaarde, gemiddelde_g4, rang, aantal)."""
    g = data.gebieden
    areas = g[(g["indeling"] == int(indeling)) & (g["niveau"] == niveau)]
    frame = pd.DataFrame({"code": areas["code"].to_numpy(), "naam": areas["naam"].astype(str).to_numpy(),
                          "gemeentecode": areas["gemeentecode"].to_numpy(),
                          "water": areas["water"].to_numpy(dtype=bool)})
    frame["gemeente"] = frame["gemeentecode"].map(GEMEENTEN)
    v = values.set_index("code")
    for column in ("waarde", "stadswaarde", "gemiddelde_g4"):
        frame[column] = frame["code"].map(v[column]).astype(float)
    frame["rang"] = frame["code"].map(v["rang"]).astype("Int64")
    frame["aantal"] = int(values["aantal"].iloc[0]) if len(values) else 0
    frame.loc[frame["water"], "waarde"] = np.nan
    return frame


def value_map_view(
    data: StoreData, table: pd.DataFrame, *, label: str, eenheid: str, richting: int, indeling: int, niveau: str,
    gemeente: str, source_line: str, hover: str, notes: Sequence[str] = (), k: int = 5,
) -> MapView:
    """Maps (one city, or the four side by side on one scale) of any per-area value, like
    :func:`kbz_data.charts.map_views.map_view`; a ranked bar chart for cities without shapes.

    Parameters
    ----------
    table
        Columns of :func:`kbz_data.analysis.area_data.area_values`: code, naam, gemeente, gemeentecode, waarde, stadswaarde,
        gemiddelde_g4, rang, aantal, water (see :func:`_map_table`).
    hover
        Plotly hover template over the customdata of :func:`kbz_data.charts.maps.map_figure` (0 naam, 1 code,
        2 waarde, 3 stadswaarde, 4 gemiddelde_g4, 5 "rang van aantal", 6 gemeente).
    """
    notes = list(notes)
    if gemeente != ALLE:
        table = table[table["gemeentecode"] == gemeente]
    shown = table[~table["water"]]
    kbz_codes = kbz_areas.codes(int(indeling), niveau, deel=None)
    values = shown["waarde"].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Not enough unique values")  # ties: fewer classes is right
        breaks = maps.class_breaks(values, "kwantielen", k) if np.isfinite(values).any() else None
    value_range = (float(np.nanmin(values)), float(np.nanmax(values))) if np.isfinite(values).any() else None
    cities = list(GEMEENTEN) if gemeente == ALLE else [gemeente]
    panels: list[tuple[str, go.Figure]] = []
    missing: list[str] = []
    for city in cities:
        geojson = area_data.shapes(data, city, niveau, int(indeling))
        if not geojson["features"]:
            missing.append(city)
            continue
        four = len(cities) > 1
        fig = maps.map_figure(
            geojson, table[table["gemeentecode"] == city], label=label, eenheid=eenheid, richting=richting,
            breaks=breaks or None, value_range=value_range, kbz_codes=kbz_codes, show_kbz=True,
            title=GEMEENTEN[city] if four else "", width_px=240 if four else 900, height_px=300 if four else 640,
            fit=FIT_FOUR if four else (350, 265), show_legend=not four,
        )
        for trace in fig.data:  # keep the plain hover of the grey non-residential areas and the KBZ outline
            if trace.customdata is not None:
                trace.hovertemplate = hover
        panels.append((GEMEENTEN[city], maps.freeze(fig)))
    missing = [c for c in missing if (shown["gemeentecode"] == c).any()]  # cities without areas: nothing to show
    if missing:
        names = ", ".join(GEMEENTEN[c] for c in missing)
        rest = shown[shown["gemeentecode"].isin(missing) & shown["waarde"].notna()]
        text = (f"Geen kaartvormen op {niveau}niveau in gebiedsindeling {indeling} voor {names}; daarom een"
                " gerangschikte staafgrafiek")
        if len(rest) > BAR_LIMIT:
            rest = rest.sort_values(["waarde", "code"], ascending=[False, True]).head(BAR_LIMIT)
            text += f" van de {BAR_LIMIT} hoogste waarden (alle gebieden staan in de tabel)"
        notes.insert(0, text + ".")
        bar = maps.bar_figure(rest, label=label, eenheid=eenheid, richting=richting, kbz_codes=kbz_codes)
        for trace in bar.data:
            trace.hovertemplate = hover
        panels.append(("staaf", maps.freeze(bar)))
    legend: list[tuple[str, str]] = []
    if len(cities) > 1 and np.isfinite(values).any():
        legend = maps.legend_items(breaks or None, float(np.nanmin(values)), eenheid, richting, value_range)
    kind = "kaart" if any(name != "staaf" for name, _f in panels) else "staaf"
    return MapView(panels, kind, source_line, notes, legend)


def need_map_view(data: StoreData, table: pd.DataFrame, indeling: int, niveau: str, gemeente: str,
                  source_line: str) -> MapView:
    """Map of the need index (quintiles over the areas shown; darker = more need)."""
    values = table[["code", "index", "rang"]].rename(columns={"index": "waarde"})
    values["stadswaarde"] = table.groupby("gemeentecode")["index"].transform("mean")
    values["gemiddelde_g4"] = table["index"].mean()
    values["aantal"] = int(table["index"].notna().sum())
    frame = _map_table(data, values, indeling, niveau)
    hover = ("<b>%{customdata[0]}</b> (%{customdata[1]}, %{customdata[6]})<br>Behoefte-index: %{customdata[2]}<br>"
             "Rang: %{customdata[5]} (1 = hoogste behoefte)<br>Gemiddelde van de gebieden in de stad:"
             " %{customdata[3]}<extra></extra>")
    unknown = int((~frame["water"] & frame["waarde"].isna()).sum())
    notes = [f"{unknown} gebied(en) zonder index door een ontbrekend invoercijfer staan in grijs (onbekend)."] \
        if unknown else []
    return value_map_view(data, frame, label=NEED_LABEL, eenheid=NEED_UNIT, richting=-1, indeling=indeling,
                          niveau=niveau, gemeente=gemeente, source_line=source_line, hover=hover, notes=notes)


# --- budget over areas ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetResult:
    """A split over areas or practices: the frame of :func:`kbz_data.analysis.need.allocate`, the summary per rule, and the
    lines (assumptions and sources) every view and export must carry."""

    frame: pd.DataFrame
    summary: pd.DataFrame
    lines: list[str]
    rules: dict[str, str]
    notes: list[str] = field(default_factory=list)
    fictief: bool = False


def _check_weights(decile_weights: Mapping[int, float], kbz_weight: float) -> None:
    bad = {d: w for d, w in decile_weights.items() if not np.isfinite(w) or w < 0}
    if bad or not np.isfinite(kbz_weight) or kbz_weight < 0:
        raise KbzDataError(f"gewichten moeten 0 of groter zijn; fout: {bad or {'KBZ': kbz_weight}}")


def summarise(frame: pd.DataFrame, rules: Mapping[str, str]) -> pd.DataFrame:
    """Per rule: total (euro), share of the budget to the most deprived 20 % of the population and the
    concentration index (:func:`kbz_data.analysis.need.concentration`)."""
    rows = []
    for rule, label in rules.items():
        c = need.concentration(frame, rule)
        rows.append({"Regel": label, "regel": rule, "Totaal (euro)": round(float(frame[rule].sum()), 2),
                     "Aandeel naar de 20% met de hoogste behoefte": c["aandeel_armste_20pct"],
                     "Concentratie-index": c["concentratie_index"]})
    return pd.DataFrame(rows)


def _weights_text(decile_weights: Mapping[int, float]) -> str:
    return ", ".join(f"{d}: {decile_weights.get(d, 1.0):g}" for d in range(1, 11))


def area_budget(data: StoreData, niveau: str, budget_eur: float, decile_weights: Mapping[int, float],
                kbz_weight: float, need_weights: Mapping[str, float]) -> BudgetResult:
    """Split a yearly budget over the residential areas of the four cities (division 2024) under :data:`RULES`.

    Inhabitants: CBS Kerncijfers wijken en buurten 2024 (``inwoners``, 2024). Areas without a need decile (a
    missing input) get decile weight 1 and are listed in the notes.
    """
    _check_weights(decile_weights, kbz_weight)
    index = need.need_index(data, BUDGET_INDELING, niveau, dict(need_weights))
    population = area_data.area_values(data, "inwoners", BUDGET_INDELING, BUDGET_INDELING, niveau)
    population = population.set_index("code")["waarde"]
    frame = need.allocate(index, population, budget_eur, decile_weights, kbz_weight)
    by_code = index.set_index("code")
    frame["gemeentecode"] = frame["code"].map(by_code["gemeentecode"])
    frame["rang"] = frame["code"].map(by_code["rang"])
    frame["kbz_gebied"] = frame["code"].map(by_code["kbz"]).fillna("")  # allocate's "kbz" column is the amount
    for rule in RULES:
        frame[f"{rule}_per_inwoner"] = (frame[rule] / frame["inwoners"].where(frame["inwoners"] > 0)).round(2)
    summary = summarise(frame, RULES)
    no_pop = int((frame["inwoners"] <= 0).sum())
    unscored = int(frame["deciel"].isna().sum())
    notes = []
    if unscored:
        notes.append(f"{unscored} gebied(en) zonder behoefte-index (een invoercijfer ontbreekt) krijgen decielgewicht"
                     " 1 en tellen in de concentratiemaat als minst achtergesteld.")
    if no_pop:
        notes.append(f"{no_pop} gebied(en) zonder inwonersaantal krijgen niets.")
    bronnen = ["cbs_85984NED", *[str(data.meta.loc[k, "bron"]) for k in need_weights if k in data.meta.index]]
    lines = [
        f"Budgetverdeling over de {niveau}en van Amsterdam, Den Haag, Rotterdam en Utrecht (gebiedsindeling"
        f" {BUDGET_INDELING}).",
        f"Budget: {_euro(budget_eur)} per jaar, verdeeld in hele centen (grootste-restmethode): elke verdeling telt"
        " precies op tot het budget.",
        "Regels: (1) per inwoner; (2) per inwoner maal het gewicht van het behoeftedeciel van het gebied (decielen"
        f" 1 t/m 10: {_weights_text(decile_weights)}; gebieden zonder deciel: 1); (3) per inwoner, KBZ-gebieden"
        f" met gewicht {kbz_weight:g} (overige gebieden 1).",
        "Inwoners: CBS Kerncijfers wijken en buurten 2024. Gebieden zonder (noemenswaardige) bewoners (water,"
        " haven, bedrijventerrein) tellen niet mee.",
        *need_lines(data, BUDGET_INDELING, niveau, need_weights)[1:3],
        "Aandeel naar de 20% met de hoogste behoefte: de gebieden van hoogste naar laagste behoefte-index, tot 20%"
        " van de inwoners (het gebied op de grens naar rato). Concentratie-index: 2·cov(bedrag per inwoner,"
        " fractionele rang)/gemiddelde, positief = geld geconcentreerd bij de hoogste behoefte; 0 = vlak.",
        "Dit is een rekenvoorbeeld voor een gesprek over verdeling, geen advies en geen bestaande bekostiging.",
        _sources(data, bronnen) + ".",
        LICENCE_LINE,
    ]
    return BudgetResult(frame, summary, lines, dict(RULES), notes)


def _euro(value: float, decimals: int = 0) -> str:
    if value is None or pd.isna(value):
        return "onbekend"
    text = f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


def euro(value: float, decimals: int = 0) -> str:
    """Dutch euro formatting: ``€ 1.234.567`` (``decimals`` after a comma)."""
    return _euro(value, decimals)


def budget_display(result: BudgetResult, unit: str = "Inwoners", per: str = "inwoner") -> pd.DataFrame:
    """The split per area (or practice) as shown and exported: amounts, per inhabitant and the difference from the
    flat split, per rule."""
    frame = result.frame.sort_values(["rang", "code"], na_position="last")
    out = pd.DataFrame({"Gebied": frame["naam"], "Code": frame["code"], "Gemeente": frame["gemeente"],
                        unit: frame["inwoners"].round(0).astype("Int64"),
                        "Behoeftedeciel": frame["deciel"], "KBZ-gebied": frame["kbz_gebied"]})
    base = result.frame["per_inwoner"]
    for rule in result.rules:
        label = RULE_COLUMNS[rule]
        out[f"{label} (euro)"] = frame[rule].round(2)
        out[f"{label}: per {per} (euro)"] = (
            frame[rule] / frame["inwoners"].where(frame["inwoners"] > 0)).round(2)
        if rule != "per_inwoner":
            out[f"{label}: verschil met vlak (euro)"] = (frame[rule] - base.loc[frame.index]).round(2)
    return out.reset_index(drop=True)


def summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary per rule with percentages as text for display."""
    return pd.DataFrame({
        "Regel": summary["Regel"], "Totaal": summary["Totaal (euro)"].map(lambda v: _euro(v, 2)),
        "Aandeel naar de 20% met de hoogste behoefte": summary["Aandeel naar de 20% met de hoogste behoefte"].map(
            lambda v: f"{v:.1%}".replace(".", ",")),
        "Concentratie-index": summary["Concentratie-index"].map(lambda v: f"{round(v, 3) + 0.0:.3f}".replace(".", ",")),
    })


def budget_map_view(data: StoreData, result: BudgetResult, rule: str, niveau: str, gemeente: str) -> MapView:
    """Map of the difference per inhabitant between a rule and the flat per-inhabitant split (euro per inwoner)."""
    f = result.frame
    per = f[rule] / f["inwoners"].where(f["inwoners"] > 0)
    flat = f["per_inwoner"] / f["inwoners"].where(f["inwoners"] > 0)
    values = pd.DataFrame({"code": f["code"], "waarde": (per - flat).round(2), "stadswaarde": per.round(2),
                           "gemiddelde_g4": flat.round(2), "rang": f["rang"],
                           "aantal": int(f["rang"].notna().sum())})
    frame = _map_table(data, values, BUDGET_INDELING, niveau)
    hover = ("<b>%{customdata[0]}</b> (%{customdata[1]}, %{customdata[6]})<br>Verschil met de verdeling per"
             " inwoner: %{customdata[2]}<br>Bedrag per inwoner onder deze regel: %{customdata[3]}<br>Vlakke verdeling:"
             " %{customdata[4]}<br>Behoefterang: %{customdata[5]} (1 = hoogste behoefte)<extra></extra>")
    line = result.lines[-2]
    return value_map_view(data, frame, label=f"Verschil met de verdeling per inwoner ({RULES[rule].lower()})",
                          eenheid="euro", richting=0, indeling=BUDGET_INDELING, niveau=niveau,
                          gemeente=gemeente, source_line=line, hover=hover)


def city_figure(result: BudgetResult) -> go.Figure:
    """Grouped bars: euro per inhabitant per city under each rule."""
    f = result.frame
    fig = go.Figure()
    colours = ["#bdbdbd", "#d95f02", "#1b9e77"]
    for (rule, label), colour in zip(result.rules.items(), colours):
        per_city = f.groupby("gemeente", sort=False)[[rule, "inwoners"]].sum()
        per_city = per_city.reindex([g for g in GEMEENTEN.values() if g in per_city.index])
        value = per_city[rule] / per_city["inwoners"]
        fig.add_trace(go.Bar(x=per_city.index, y=value, name=label, marker={"color": colour},
                             text=[_euro(v, 2) for v in value], textposition="outside",
                             hovertemplate="%{x}: %{text} per inwoner<extra>" + label + "</extra>"))
    fig.update_layout(barmode="group", height=380, margin={"l": 10, "r": 10, "t": 10, "b": 40},
                      yaxis={"title": {"text": "euro per inwoner per jaar"}}, legend={"orientation": "h", "y": -0.12})
    return fig


# --- budget over practices and the referral scenario ------------------------------------------------------------

def _fictief(figures_frame: pd.DataFrame) -> bool:
    return bool((figures_frame["herkomst"] == "demo").any())


def practice_patients(figures_frame: pd.DataFrame) -> pd.DataFrame:
    """Registered patients per practice in its latest quarter: praktijk_code, periode, patienten, fictief."""
    from kbz_data.practice import registry

    rows = figures_frame[(figures_frame["kengetal"] == "ingeschreven_patienten") & figures_frame["teller"].notna()]
    rows = rows[rows["praktijk_code"].isin(registry.codes())]
    if rows.empty:
        raise KbzDataError("geen aantallen ingeschreven patiënten in de praktijkcijfers")
    latest = rows.sort_values("periode").groupby("praktijk_code").tail(1)
    return pd.DataFrame({"praktijk_code": latest["praktijk_code"], "periode": latest["periode"],
                         "patienten": latest["teller"].astype(float), "fictief": latest["herkomst"] == "demo"}
                        ).sort_values("praktijk_code").reset_index(drop=True)


def practice_budget(data: StoreData, figures_frame: pd.DataFrame, budget_eur: float,
                    decile_weights: Mapping[int, float], need_weights: Mapping[str, float]) -> BudgetResult:
    """Split a yearly budget over the KBZ practices per registered patient (latest quarter), flat and weighted by
    the need decile of the practice's main wijk (its first wijk in the 2024 division, :mod:`kbz_data.practice.
    registry`). Every practice in the registry is a KBZ practice, so a KBZ weight would change nothing here."""
    from kbz_data.practice import analysis, registry

    _check_weights(decile_weights, 1.0)
    patients = practice_patients(figures_frame)
    index = need.need_index(data, BUDGET_INDELING, "wijk", dict(need_weights)).set_index("code")
    rows = []
    for r in patients.itertuples(index=False):
        p = registry.get(r.praktijk_code)
        wijk = p.gebieden[BUDGET_INDELING][1][0]
        known = wijk in index.index
        rows.append({"code": p.code, "naam": p.naam, "gemeente": p.gemeente, "gemeentecode": p.gemeentecode,
                     "kbz": p.kbz_gebied, "hoofdwijk": wijk,
                     "hoofdwijk_naam": str(index.loc[wijk, "naam"]) if known else "onbekend",
                     "deciel": index.loc[wijk, "deciel"] if known else pd.NA,
                     "index": float(index.loc[wijk, "index"]) if known else np.nan,
                     "rang": index.loc[wijk, "rang"] if known else pd.NA,
                     "periode": r.periode, "fictief": bool(r.fictief)})
    need_frame = pd.DataFrame(rows)
    need_frame["deciel"] = need_frame["deciel"].astype("Int64")
    need_frame["rang"] = need_frame["rang"].astype("Int64")
    frame = need.allocate(need_frame, patients.set_index("praktijk_code")["patienten"], budget_eur,
                          decile_weights, 1.0)
    frame = frame.drop(columns=["kbz", "verschil_kbz"]).assign(kbz_gebied=need_frame["kbz"].to_numpy())
    for column in ("hoofdwijk", "hoofdwijk_naam", "periode", "fictief", "rang", "gemeentecode"):
        frame[column] = need_frame[column].to_numpy()
    summary = summarise(frame, PRACTICE_RULES)
    fictief = _fictief(figures_frame)
    upload = bool((figures_frame["herkomst"] == "upload").any())
    unscored = frame.loc[frame["deciel"].isna(), "naam"].tolist()
    notes = [f"Zonder behoeftedeciel (hoofdwijk zonder index; decielgewicht 1): {', '.join(unscored)}."] \
        if unscored else []
    periods = sorted(set(frame["periode"]))
    lines = [
        "Budgetverdeling over de KBZ-praktijken per ingeschreven patiënt.",
        f"Budget: {_euro(budget_eur)} per jaar, verdeeld in hele centen; elke verdeling telt precies op tot het"
        " budget.",
        f"Patiënten: ingeschreven patiënten in het laatste kwartaal met cijfers ({', '.join(periods)}).",
        "Regels: (1) per ingeschreven patiënt; (2) per patiënt maal het gewicht van het behoeftedeciel van de"
        f" hoofdwijk van de praktijk (eerste wijk in gebiedsindeling {BUDGET_INDELING}; decielen 1 t/m 10:"
        f" {_weights_text(decile_weights)}; zonder deciel: 1). Alle praktijken zijn KBZ-praktijken, dus een"
        " KBZ-gewicht verandert hier niets.",
        "Aandeel naar de 20% met de hoogste behoefte en concentratie-index: als bij de gebieden, met patiënten in"
        " plaats van inwoners en de behoefte-index van de hoofdwijk.",
        analysis.source_line(fictief, upload),
        _sources(data, ["cbs_85984NED"]) + ".",
    ]
    return BudgetResult(frame, summary, lines, dict(PRACTICE_RULES), notes, fictief)


def practice_display(result: BudgetResult) -> pd.DataFrame:
    """The split per practice for screen and export."""
    frame = result.frame.sort_values("code")
    flat = frame["per_inwoner"]
    return pd.DataFrame({
        "Praktijk": frame["naam"], "Code": frame["code"], "Gemeente": frame["gemeente"],
        "KBZ-gebied": frame["kbz_gebied"],
        "Hoofdwijk": frame["hoofdwijk_naam"] + " (" + frame["hoofdwijk"] + ")", "Behoeftedeciel": frame["deciel"],
        "Kwartaal": frame["periode"], "Ingeschreven patiënten": frame["inwoners"].round(0).astype("Int64"),
        "Vlak (euro)": flat.round(2),
        "Vlak: per patiënt (euro)": (flat / frame["inwoners"]).round(2),
        "Naar behoefte (euro)": frame["naar_behoefte"].round(2),
        "Naar behoefte: per patiënt (euro)": (frame["naar_behoefte"] / frame["inwoners"]).round(2),
        "Naar behoefte: verschil met vlak (euro)": (frame["naar_behoefte"] - flat).round(2),
        "Fictief": np.where(frame["fictief"], "ja", "nee"),
    }).reset_index(drop=True)


def practice_figure(result: BudgetResult) -> go.Figure:
    """Bars per practice: euro per patient, flat and weighted by need."""
    f = result.frame.sort_values(["gemeentecode", "code"])
    fig = go.Figure()
    for (rule, label), colour in zip(result.rules.items(), ["#bdbdbd", "#d95f02"]):
        per = f[rule] / f["inwoners"]
        fig.add_trace(go.Bar(x=f["naam"].str.replace(" (fictief)", "", regex=False), y=per, name=label,
                             marker={"color": colour}, customdata=[_euro(v, 2) for v in per],
                             hovertemplate="%{x}: %{customdata} per patiënt<extra>" + label + "</extra>"))
    fig.update_layout(barmode="group", height=420, margin={"l": 10, "r": 10, "t": 10, "b": 120},
                      yaxis={"title": {"text": "euro per ingeschreven patiënt per jaar"}},
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"}, xaxis={"tickangle": -35})
    return fig


def _shift(periode: str, quarters: int) -> str:
    year, q = int(periode[:4]), int(periode[-1])
    n = year * 4 + (q - 1) + quarters
    return f"{n // 4}Q{n % 4 + 1}"


SCENARIO_METHOD: tuple[str, ...] = (
    "Voor = de vier kwartalen vóór het kwartaal waarin de praktijk met KBZ begon; na = de laatste vier kwartalen"
    " met cijfers, als die minstens een jaar na de start beginnen (het effect bouwt in het eerste jaar op).",
    "Verwijzingen per 1.000 patiënten per jaar = verwijzingen in de vier kwartalen / gemiddeld aantal"
    " ingeschreven patiënten in die kwartalen x 1.000.",
    "Vermeden verwijzingen per jaar = (cijfer voor − cijfer na) / 1.000 x gemiddeld aantal patiënten in de"
    " na-periode; negatief = meer verwijzingen dan vóór de start. Besparing = vermeden verwijzingen x de ingestelde"
    " kosten per verwijzing.",
    "Geen oorzakelijke claim: het scenario schrijft het hele verschil tussen voor en na toe aan KBZ, zonder"
    " vergelijkingsgroep. Ook de coronajaren, veranderingen in de wijk, het verwijsbeleid, de registratie en de"
    " patiëntenpopulatie kunnen het verschil verklaren.",
    "De kosten per verwijzing zijn aannames van de gebruiker, geen bronwaarde. Een verwijzing leidt niet altijd tot"
    " zorg, en vermeden zorg kan elders kosten geven (POH-GGZ, langere consulten, sociaal domein): die zijn niet"
    " meegerekend.",
    "Verwijzingsaantallen onder de 10 worden niet getoond (<10) en tellen niet mee in de totalen.",
)


def referral_scenario(figures_frame: pd.DataFrame, costs: Mapping[str, float]) -> pd.DataFrame:
    """Referral rates per 1,000 patients per year before and after each practice's KBZ start, avoided referrals and
    the cost saved (see :data:`SCENARIO_METHOD`).

    Returns
    -------
    pandas.DataFrame
        praktijk_code, naam, gemeente, kengetal, start, voor (``2019Q1–2019Q4``), na, cijfer_voor, cijfer_na
        (per 1,000 per year; NaN when not computable or suppressed), patienten_na, vermeden (per year), kosten
        (euro per referral), besparing (euro per year), status ("" or why it is missing), fictief.
    """
    from kbz_data.practice import analysis, registry

    bad = {k: v for k, v in costs.items() if not np.isfinite(v) or v < 0}
    if bad:
        raise KbzDataError(f"kosten per verwijzing moeten 0 of groter zijn; fout: {bad}")
    wide = figures_frame.pivot_table(index=["praktijk_code", "periode"], columns="kengetal", values="teller",
                                     aggfunc="first").astype(float)
    demo = figures_frame.assign(d=figures_frame["herkomst"] == "demo").groupby("praktijk_code")["d"].any()
    rows = []
    for code in registry.codes():
        p = registry.get(code)
        start = analysis.kbz_start_periode(code)
        before = [_shift(start, -4 + i) for i in range(4)]
        own = wide.loc[code] if code in wide.index.get_level_values(0) else pd.DataFrame()
        have = own.dropna(subset=["ingeschreven_patienten"]).index.tolist() if "ingeschreven_patienten" in own else []
        last = max(have) if have else None
        after = [_shift(last, -3 + i) for i in range(4)] if last else []
        for kengetal in REFERRAL_LABELS:
            row = {"praktijk_code": code, "naam": p.naam, "gemeente": p.gemeente, "kengetal": kengetal,
                   "start": start, "voor": f"{before[0]}–{before[-1]}",
                   "na": f"{after[0]}–{after[-1]}" if after else "–", "cijfer_voor": np.nan, "cijfer_na": np.nan,
                   "patienten_na": np.nan, "vermeden": np.nan, "kosten": float(costs.get(kengetal, 0.0)),
                   "besparing": np.nan, "status": "", "fictief": bool(demo.get(code, False))}

            def window(periods: list[str]) -> tuple[float, float] | None:
                if kengetal not in own or any(q not in own.index for q in periods):
                    return None
                part = own.loc[periods, [kengetal, "ingeschreven_patienten"]]
                if part.isna().any().any():
                    return None
                return float(part[kengetal].sum()), float(part["ingeschreven_patienten"].mean())

            b, a = window(before), window(after) if after else None
            if b is None:
                row["status"] = "geen vier kwartalen vóór de start"
            elif a is None:
                row["status"] = "geen vier recente kwartalen"
            elif after[0] < _shift(start, 4):
                row["status"] = "minder dan een jaar na de start"
            elif b[0] < analysis.SUPPRESS_BELOW or a[0] < analysis.SUPPRESS_BELOW:
                row["status"] = "<10 verwijzingen (niet getoond)"
            else:
                row["cijfer_voor"] = b[0] / b[1] * 1000
                row["cijfer_na"] = a[0] / a[1] * 1000
                row["patienten_na"] = a[1]
                row["vermeden"] = (row["cijfer_voor"] - row["cijfer_na"]) / 1000 * a[1]
                row["besparing"] = row["vermeden"] * row["kosten"]
            rows.append(row)
    return pd.DataFrame(rows)


def scenario_totals(scenario: pd.DataFrame) -> pd.DataFrame:
    """Totals per referral type: Verwijzing, Praktijken (counted), Vermeden verwijzingen per jaar, Besparing."""
    rows = []
    for kengetal, label in REFERRAL_LABELS.items():
        part = scenario[(scenario["kengetal"] == kengetal) & scenario["vermeden"].notna()]
        rows.append({"Verwijzing": label, "Praktijken": len(part),
                     "Vermeden verwijzingen per jaar": round(float(part["vermeden"].sum()), 1),
                     "Besparing per jaar (euro)": round(float(part["besparing"].sum()), 2)})
    return pd.DataFrame(rows)


def scenario_display(scenario: pd.DataFrame) -> pd.DataFrame:
    """The scenario per practice and referral type for screen and export."""
    return pd.DataFrame({
        "Praktijk": scenario["naam"], "Gemeente": scenario["gemeente"],
        "Verwijzing": scenario["kengetal"].map(REFERRAL_LABELS), "KBZ-start": scenario["start"],
        "Voor": scenario["voor"], "Na": scenario["na"],
        "Per 1.000 patiënten per jaar, voor": scenario["cijfer_voor"].round(1),
        "Per 1.000 patiënten per jaar, na": scenario["cijfer_na"].round(1),
        "Patiënten (na)": scenario["patienten_na"].round(0).astype("Int64"),
        "Vermeden verwijzingen per jaar": scenario["vermeden"].round(1),
        "Kosten per verwijzing (euro)": scenario["kosten"].round(2),
        "Besparing per jaar (euro)": scenario["besparing"].round(2),
        "Opmerking": scenario["status"], "Fictief": np.where(scenario["fictief"], "ja", "nee"),
    })


def scenario_lines(figures_frame: pd.DataFrame, costs: Mapping[str, float]) -> list[str]:
    """Title, assumptions and source of the referral scenario (screen and export)."""
    from kbz_data.practice import analysis

    fictief = _fictief(figures_frame)
    upload = bool((figures_frame["herkomst"] == "upload").any())
    head = ["Scenario vermeden verwijzingen na de KBZ-start, per praktijk (rekenvoorbeeld, geen effectmeting)."]
    if fictief:
        head.append("FICTIEVE DEMODATA: de praktijkcijfers zijn verzonnen; de uitkomst zegt niets over echte"
                    " praktijken.")
    cost = "; ".join(f"{REFERRAL_LABELS[k]}: {_euro(v, 0)} per verwijzing" for k, v in costs.items())
    return [*head, *SCENARIO_METHOD, f"Ingestelde kosten: {cost}.", analysis.source_line(fictief, upload)]


def scenario_figure(scenario: pd.DataFrame, kengetal: str) -> go.Figure:
    """Before/after dumbbell per practice for one referral type (per 1,000 patients per year)."""
    part = scenario[(scenario["kengetal"] == kengetal) & scenario["cijfer_voor"].notna()].sort_values("naam")
    names = part["naam"].str.replace(" (fictief)", "", regex=False)
    fig = go.Figure()
    for x0, x1, y in zip(part["cijfer_voor"], part["cijfer_na"], names):
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y, y], mode="lines", line={"color": "#bbbbbb", "width": 3},
                                 showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=part["cijfer_voor"], y=names, mode="markers", name="Voor de KBZ-start",
                             marker={"size": 11, "color": "#7570b3"},
                             hovertemplate="%{y}: %{x:.1f} per 1.000 (voor)<extra></extra>"))
    fig.add_trace(go.Scatter(x=part["cijfer_na"], y=names, mode="markers", name="Laatste vier kwartalen",
                             marker={"size": 11, "color": "#1b9e77", "symbol": "diamond"},
                             hovertemplate="%{y}: %{x:.1f} per 1.000 (na)<extra></extra>"))
    fig.update_layout(height=max(300, 28 * len(part) + 110), margin={"l": 10, "r": 10, "t": 10, "b": 40},
                      xaxis={"title": {"text": f"Verwijzingen {REFERRAL_LABELS[kengetal].lower()} per 1.000"
                                               " patiënten per jaar"}},
                      yaxis={"autorange": "reversed"}, legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    return fig


# --- export -----------------------------------------------------------------------------------------------------

def workbook(sheets: Sequence[tuple[str, pd.DataFrame]], lines: Sequence[str]) -> bytes:
    """Excel workbook: every sheet starts with the lines (title, assumptions, sources; bold first line, red
    "FICTIEVE DEMODATA" lines), an empty row, then its table."""
    return export.lines_then_tables_xlsx(sheets, lines)
