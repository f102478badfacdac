"""Need index and similar areas. Pure functions, no Streamlit.

Need index
    A weighted mean of standardised indicators per area of one division and level. Each input is turned into a
    z-score over all residential areas of the four cities (mean 0, standard deviation 1) and signed so that a
    higher z means more need (``-richting`` from the registry: low income means more need, a high share with
    "moeite met rondkomen" means more need; for neutral indicators :data:`NEED_SIGNS`, e.g. a high share of
    owner-occupied homes means less need). The weights are renormalised per area over the inputs it has: an area
    missing an input is scored on the others (flagged in ``ontbrekend``, ``invoer`` = inputs used), but an area
    with no more than :data:`MIN_WEIGHT_SHARE` of the total weight present gets no index, rank or decile (it is
    never scored as average). An input without a single figure at this division and level is left out for all.
Atypical population
    :func:`atypical_areas` flags areas whose population is not a GP-practice population (:data:`ATYPICAL_RULE`):
    they keep their index but get no rank or decile unless ``include_atypical``.
Similar areas
    Euclidean distance between standardised socio-economic and age indicators (:data:`SIMILARITY_INPUTS`); the
    nearest areas in the other three cities.
Display
    :func:`need_view` is what the Vergelijken page shows and its download holds (ranked table, flagged areas,
    method and sources); the map is :func:`kbz_data.charts.map_views.need_map_view`. The budget rules that use the
    index are in :mod:`kbz_data.analysis.budget`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kbz_data.analysis.area_data import area_values, indicator_label, sources_text
from kbz_data.analysis.results import LICENCE_LINE, MODEL_LINE, ViewResult
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.indicators import BRON_OMGEREKEND
from kbz_data.store.storage import StoreData
from kbz_data.text import fmt_number, fmt_share, fmt_weight

#: Default need-index inputs and weights per division (jaar, weight). 2020: health monitor; 2024: KWB.
NEED_INPUTS: dict[int, dict[str, tuple[int, float]]] = {
    2020: {
        "moeite_met_rondkomen": (2020, 1.0),
        "ervaren_gezondheid_goed": (2020, 1.0),
        "hoog_risico_angst_depressie": (2020, 1.0),
        "langdurige_aandoening": (2020, 0.5),
        "eenzaam": (2020, 0.5),
    },
    2024: {
        "inkomen_per_inwoner": (2024, 1.0),
        "woz_waarde": (2024, 1.0),
        "pct_koopwoningen": (2024, 0.5),
        "ervaren_gezondheid_goed_50150": (2024, 1.0),
        "moeite_met_rondkomen": (2020, 1.0),
        "hoog_risico_angst_depressie": (2020, 0.5),
        "langdurige_aandoening": (2020, 0.5),
    },
}
#: An area needs inputs carrying MORE than this share of the total weight to get an index. With the 2024 defaults
#: (total 5.5): the three KWB inputs and ervaren gezondheid 2024 (3.5, 64 %), or the health inputs and income
#: (4.0, 73 %) are enough; the three KWB inputs alone (2.5, 45 %) or the health inputs alone (3.0, 55 %) are not.
MIN_WEIGHT_SHARE = 0.6
#: Atypical population (KWB 2024, division 2024): fewer inhabitants than this ...
ATYPICAL_MIN_INWONERS = 200
#: ... or at least this share (%) aged 15-25 (students; the median buurt has 12 %) ...
ATYPICAL_MAX_PCT_15_25 = 40.0
#: ... or at least this many inhabitants per household (institutions: residents in few registered households).
ATYPICAL_MAX_PER_HUISHOUDEN = 4.0
ATYPICAL_RULE = (
    f"Afwijkende bevolking (geen gewone praktijkpopulatie): minder dan {ATYPICAL_MIN_INWONERS} inwoners, of"
    f" minstens {ATYPICAL_MAX_PCT_15_25:g}% van de inwoners 15 tot 25 jaar (vooral studenten; de middelste buurt"
    f" heeft 12%), of minstens {ATYPICAL_MAX_PER_HUISHOUDEN:g} inwoners per huishouden (instellingen); CBS"
    " Kerncijfers wijken en buurten 2024, alleen in gebiedsindeling 2024. Zulke gebieden houden hun index maar"
    " krijgen standaard geen rang of deciel (en in de budgetverdeling decielgewicht 1)."
)
#: Sign of an input whose registry direction is neutral (``richting`` 0): +1 = a higher value means more need,
#: -1 = less. A high share of owner-occupied homes goes with less deprivation. Other neutral inputs count +1.
NEED_SIGNS: dict[str, int] = {"pct_koopwoningen": -1}
#: Indicators for "vergelijkbare wijken" per division (socio-economic and age), each standardised.
SIMILARITY_INPUTS: dict[int, dict[str, int]] = {
    2024: {"pct_0_15": 2024, "pct_65plus": 2024, "inkomen_per_inwoner": 2024, "woz_waarde": 2024,
           "pct_koopwoningen": 2024, "bevolkingsdichtheid": 2024},
    2020: {"moeite_met_rondkomen": 2020, "regie_over_eigen_leven": 2020, "mantelzorger": 2020},
}


def _inputs_frame(data: StoreData, inputs: Mapping[str, int], indeling: int, niveau: str) -> pd.DataFrame:
    """One row per residential area: code, naam, gemeente(code), then one column per input indicator."""
    frame: pd.DataFrame | None = None
    for indicator, jaar in inputs.items():
        values = area_values(data, indicator, jaar, indeling, niveau)
        if frame is None:
            frame = values[["code", "naam", "gemeentecode", "gemeente", "water", "kbz"]].copy()
        frame[indicator] = values["waarde"].to_numpy()
    if frame is None:
        raise KbzDataError("geen invoerindicatoren gekozen")
    return frame[~frame["water"]].drop(columns="water").reset_index(drop=True)


def standardise(values: pd.Series) -> pd.Series:
    """z-score over the known values (population standard deviation); NaN stays NaN; constant input -> 0."""
    mean = values.mean()
    sd = values.std(ddof=0)
    if not np.isfinite(sd) or sd == 0:
        return values.where(values.isna(), 0.0)
    return (values - mean) / sd


def need_sign(data: StoreData, indicator: str) -> float:
    """+1 when a higher value of ``indicator`` means more need, -1 when it means less: the opposite of the
    registry's direction (``richting``), or :data:`NEED_SIGNS` for neutral indicators."""
    richting = int(data.meta.loc[indicator, "richting"])
    if richting == 0:
        return float(NEED_SIGNS.get(indicator, 1))
    return -1.0 if richting == 1 else 1.0


def atypical_areas(data: StoreData, indeling: int, niveau: str) -> pd.Series:
    """Why each area's population is atypical for a GP practice (:data:`ATYPICAL_RULE`), "" when it is not.

    Inputs: ``inwoners``, ``pct_15_25`` and ``huishoudens`` (CBS Kerncijfers wijken en buurten 2024) of the 2024
    division; other divisions have no such figures and nothing is flagged. Returns a Series by area code.
    """
    g = data.gebieden
    codes = g.loc[(g["indeling"] == int(indeling)) & (g["niveau"] == niveau), "code"].astype(str)
    reasons = pd.Series("", index=pd.Index(codes.to_numpy(), name="code"), dtype=object)
    if int(indeling) != 2024:
        return reasons
    f = data.figures
    rows = f[(f["indeling"] == 2024) & (f["jaar"] == 2024) & f["code"].isin(reasons.index)
             & f["indicator"].isin(["inwoners", "pct_15_25", "huishoudens"])]
    wide = rows.drop_duplicates(["code", "indicator"]).pivot(index="code", columns="indicator", values="waarde")
    wide = wide.reindex(index=reasons.index, columns=["inwoners", "pct_15_25", "huishoudens"])
    inwoners, young, households = wide["inwoners"], wide["pct_15_25"], wide["huishoudens"]
    per_household = inwoners / households.where(households > 0)
    for code in reasons.index:
        parts = []
        if inwoners[code] < ATYPICAL_MIN_INWONERS:
            parts.append(f"{fmt_number(inwoners[code])} inwoners")
        if young[code] >= ATYPICAL_MAX_PCT_15_25:
            parts.append(f"{fmt_number(young[code])} % 15 tot 25 jaar")
        if per_household[code] >= ATYPICAL_MAX_PER_HUISHOUDEN:
            parts.append(f"{fmt_number(per_household[code], 1)} inwoners per huishouden")
        reasons[code] = "; ".join(parts)
    return reasons


def _input_years(data: StoreData, indeling: int, used: Mapping[str, float]) -> dict[str, int]:
    """The year of each input: the default's year, else the newest year with figures in the division."""
    from kbz_data.analysis.area_data import periods

    defaults = NEED_INPUTS.get(indeling) or {}
    years: dict[str, int] = {}
    for indicator in used:
        if indicator in defaults:
            years[indicator] = defaults[indicator][0]
            continue
        matching = [j for j, i in periods(data, indicator) if i == indeling]
        if not matching:
            raise KbzDataError(f"{indicator} heeft geen cijfers in indeling {indeling}")
        years[indicator] = matching[0]
    return years


def _rank(frame: pd.DataFrame, eligible: pd.Series) -> None:
    """Rank (1 = highest need) and decile (10 = highest need) over the ``eligible`` scored rows, in place."""
    # Rank by index, ties broken by code, so the order does not depend on the row order.
    order = frame[eligible].sort_values(["index", "code"], ascending=[False, True]).index
    frame["rang"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    frame.loc[order, "rang"] = np.arange(1, len(order) + 1)
    n = len(order)
    frame["deciel"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if n:
        # decile 10 = the 10% with the highest need
        frame.loc[order, "deciel"] = 10 - np.floor(np.arange(n) * 10 / n).astype(int)


def need_index(
    data: StoreData, indeling: int, niveau: str, weights: Mapping[str, float] | None = None,
    include_atypical: bool = False,
) -> pd.DataFrame:
    """Need index of every residential area of one division and level in the four cities.

    Parameters
    ----------
    weights
        Indicator -> weight (>= 0); defaults to :data:`NEED_INPUTS` for the division. Zero weights drop an input.
    include_atypical
        Rank atypical areas (:func:`atypical_areas`) too; by default they get no rank or decile.

    Returns
    -------
    pandas.DataFrame
        code, naam, gemeentecode, gemeente, kbz, one ``z_<indicator>`` column per input (signed: higher = more
        need), index (weighted mean of the z-scores present, weights renormalised over them), invoer (inputs
        used), invoer_totaal (inputs of the index), ontbrekend (comma-separated missing inputs, "" when
        complete), atypisch (why the population is atypical, ""), rang (1 = highest need), deciel (10 = highest
        need).

    Raises
    ------
    KbzDataError
        When the division has no default inputs and none are given, a weight is negative, or all are zero.
    """
    defaults = NEED_INPUTS.get(indeling)
    if weights is None:
        if defaults is None:
            raise KbzDataError(f"geen standaardinvoer voor de behoefte-index in indeling {indeling}")
        weights = {k: w for k, (_j, w) in defaults.items()}
    bad = {k: w for k, w in weights.items() if not np.isfinite(w) or w < 0}
    if bad:
        raise KbzDataError(f"gewichten moeten 0 of groter zijn; fout: {bad}")
    used = {k: float(w) for k, w in weights.items() if w > 0}
    if not used:
        raise KbzDataError("alle gewichten zijn 0: kies minstens één indicator met een gewicht boven 0")
    frame = _inputs_frame(data, _input_years(data, indeling, used), indeling, niveau)
    # An input without any figure at this level (e.g. a source the store lacks) is no input at all.
    used = {k: w for k, w in used.items() if frame[k].notna().any()}
    if not used:
        raise KbzDataError(f"geen van de gekozen indicatoren heeft cijfers op {niveau}niveau in indeling {indeling}")
    total = sum(used.values())
    weighted = np.zeros(len(frame))
    present_weight = np.zeros(len(frame))
    for indicator, weight in used.items():
        z = need_sign(data, indicator) * standardise(frame[indicator])
        frame[f"z_{indicator}"] = z
        known = z.notna().to_numpy()
        weighted += np.where(known, weight * z.to_numpy(dtype=float, na_value=np.nan), 0.0)
        present_weight += np.where(known, weight, 0.0)
    missing = frame[list(used)].isna()
    frame["ontbrekend"] = [", ".join(c for c in used if row[c]) for _, row in missing.iterrows()]
    frame["invoer"] = (~missing).sum(axis=1).astype(int)
    frame["invoer_totaal"] = len(used)
    enough = present_weight > MIN_WEIGHT_SHARE * total + 1e-9
    frame["index"] = np.where(enough & (present_weight > 0), weighted / np.where(present_weight > 0,
                                                                                 present_weight, 1.0), np.nan)
    frame["atypisch"] = frame["code"].map(atypical_areas(data, indeling, niveau)).fillna("").astype(str)
    eligible = frame["index"].notna() & (include_atypical | (frame["atypisch"] == ""))
    _rank(frame, eligible)
    return frame.drop(columns=list(used)).sort_values("code").reset_index(drop=True)


def similar_areas(data: StoreData, code: str, indeling: int, niveau: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` areas in the OTHER cities most like ``code`` on :data:`SIMILARITY_INPUTS` (standardised).

    Returns
    -------
    pandas.DataFrame
        code, naam, gemeente, afstand (Euclidean distance of z-scores), sorted by distance; only areas with every
        input known. The area itself is at distance 0 but not listed.
    """
    inputs = SIMILARITY_INPUTS.get(indeling)
    if not inputs:
        raise KbzDataError(f"geen indicatoren voor vergelijkbare gebieden in indeling {indeling}")
    frame = _inputs_frame(data, inputs, indeling, niveau)
    z = pd.DataFrame({k: standardise(frame[k]) for k in inputs})
    complete = z.notna().all(axis=1)
    if code not in set(frame["code"]):
        raise KbzDataError(f"gebied {code} bestaat niet (of is geen woongebied) op {niveau}niveau in indeling"
                           f" {indeling}")
    row = frame.index[frame["code"] == code][0]
    if not complete[row]:
        missing = [k for k in inputs if pd.isna(z.loc[row, k])]
        raise KbzDataError(f"{code} mist {', '.join(missing)}; vergelijkbare gebieden zijn niet te berekenen")
    distance = np.sqrt(((z - z.loc[row]) ** 2).sum(axis=1, min_count=len(inputs)))
    result = frame[["code", "naam", "gemeente", "gemeentecode"]].assign(afstand=distance)
    result = result[complete & (frame["gemeentecode"] != frame.loc[row, "gemeentecode"])]
    return result.sort_values(["afstand", "code"]).head(n).drop(columns="gemeentecode").reset_index(drop=True)


NEED_LABEL = "Behoefte-index"


NEED_UNIT = "score"


NEED_METHOD = (
    "Behoefte-index: gewogen gemiddelde van gestandaardiseerde indicatoren (z-scores over alle woongebieden van de"
    " vier steden op dit niveau en in deze gebiedsindeling; gemiddelde 0, standaardafwijking 1), met het teken zo"
    " gekozen dat hoger = meer behoefte. Mist een gebied een invoercijfer, dan tellen de gewichten van de overige"
    " invoer naar som 1 (gemarkeerd, met het aantal gebruikte invoercijfers); een gebied met niet meer dan"
    f" {fmt_share(MIN_WEIGHT_SHARE, 0)} van het totale gewicht aan invoer krijgt geen index, rang of deciel (nooit als"
    " gemiddeld meegeteld). Rang 1 en deciel 10 = hoogste behoefte."
)


def need_defaults(indeling: int) -> dict[str, float]:
    """Default need-index weights of a division (:data:`NEED_INPUTS`); empty when it has none."""
    return {k: float(w) for k, (_j, w) in NEED_INPUTS.get(int(indeling), {}).items()}


def need_direction_text(data: StoreData, indicator: str) -> str:
    """How an input enters the index (:func:`need_sign`): 'lager = meer behoefte' or 'hoger = ...'."""
    return "lager = meer behoefte" if need_sign(data, indicator) < 0 else "hoger = meer behoefte"


def need_display(data: StoreData, table: pd.DataFrame) -> pd.DataFrame:
    """The need index as shown and exported: rank order, Dutch columns, the z-score of each input."""
    shown = table.sort_values(["rang", "code"], na_position="last")
    out = pd.DataFrame({
        "Rang (1 = hoogste behoefte)": shown["rang"], "Deciel (10 = hoogste behoefte)": shown["deciel"],
        "Gebied": shown["naam"], "Code": shown["code"], "Gemeente": shown["gemeente"],
        NEED_LABEL: shown["index"].round(3), "KBZ-gebied": shown["kbz"],
        "Invoer gebruikt": [f"{int(a)} van {int(b)}" for a, b in zip(shown["invoer"], shown["invoer_totaal"],
                                                                    strict=True)],
        "Afwijkende bevolking": shown["atypisch"],
    })
    for column in [c for c in shown.columns if c.startswith("z_")]:
        out[f"z {data.meta.loc[column[2:], 'label']}"] = shown[column].round(2)
    out["Ontbrekende invoer"] = shown["ontbrekend"]
    return out.reset_index(drop=True)


def top_per_city(table: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` areas with the highest need index per city: Gemeente, Rang in de stad, Gebied, Code, index, rang
    over the four cities, deciel."""
    scored = table[table["rang"].notna()].sort_values(["index", "code"], ascending=[False, True])
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
    """Areas without an index (inputs not above :data:`MIN_WEIGHT_SHARE` of the weight): Gebied, Code, Gemeente,
    Ontbrekende invoer. Areas scored on part of their inputs show it in :func:`need_display`."""
    rows = table[table["index"].isna()]
    return pd.DataFrame({"Gebied": rows["naam"], "Code": rows["code"], "Gemeente": rows["gemeente"],
                         "Ontbrekende invoer": rows["ontbrekend"]}).reset_index(drop=True)


def atypical(table: pd.DataFrame) -> pd.DataFrame:
    """Areas with an atypical population (:data:`ATYPICAL_RULE`): Gebied, Code, Gemeente, Reden, index."""
    rows = table[table["atypisch"] != ""]
    return pd.DataFrame({"Gebied": rows["naam"], "Code": rows["code"], "Gemeente": rows["gemeente"],
                         "Reden": rows["atypisch"], NEED_LABEL: rows["index"].round(3),
                         "Gerangschikt": rows["rang"].notna().map({True: "ja", False: "nee"})}).reset_index(drop=True)


def coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Per city: areas, areas with an index, of which complete, and ranked (after the atypical rule)."""
    rows = []
    for gm, name in GEMEENTEN.items():
        part = table[table["gemeentecode"] == gm]
        rows.append({"Gemeente": name, "Gebieden": len(part), "Met index": int(part["index"].notna().sum()),
                     "Met alle invoer": int((part["index"].notna() & (part["ontbrekend"] == "")).sum()),
                     "Afwijkende bevolking": int((part["atypisch"] != "").sum()),
                     "Gerangschikt": int(part["rang"].notna().sum())})
    return pd.DataFrame(rows)


def weights_line(data: StoreData, indeling: int, weights: Mapping[str, float]) -> str:
    """The inputs of a need index with their year, direction and weight (share), marked when not the default."""
    used = {k: w for k, w in weights.items() if w > 0}
    total = sum(used.values()) or 1.0
    jaren = {k: j for k, (j, _w) in NEED_INPUTS.get(int(indeling), {}).items()}
    parts = [f"{indicator_label(data, k)} {jaren.get(k, '')} ({need_direction_text(data, k)}):"
             f" gewicht {fmt_weight(w)} ({fmt_share(w / total, 0)})" for k, w in used.items()]
    defaults = need_defaults(indeling)
    changed = "" if dict(used) == {k: w for k, w in defaults.items() if w > 0} else " (aangepast; niet de standaard)"
    return "Invoer en gewichten" + changed + ": " + "; ".join(parts) + "."


def need_view(data: StoreData, table: pd.DataFrame, indeling: int, niveau: str, weights: Mapping[str, float],
              include_atypical: bool = False) -> ViewResult:
    """The need index of :func:`need_index` (``table``) for screen and export: definition (:data:`NEED_METHOD`),
    inputs and weights (:func:`weights_line`), the atypical-population rule, sources, the ranked table, the areas
    without an index and those with an atypical population."""
    bronnen = [str(data.meta.loc[k, "bron"]) for k, w in weights.items() if w > 0 and k in data.meta.index]
    used = set(table["ontbrekend"].str.split(", ").explode()) | {c[2:] for c in table.columns if c.startswith("z_")}
    bronnen += sorted({BRON_OMGEREKEND for k in used if k in data.meta.index
                       and str(data.meta.loc[k, "bron"]) == "rivm_50090NED" and int(indeling) != 2020})
    atypical_line = ATYPICAL_RULE + (" Hier meegerekend (keuze van de gebruiker)." if include_atypical else "")
    method = [NEED_METHOD, weights_line(data, indeling, weights), atypical_line]
    if "rivm_50090NED" in bronnen:
        method.append(MODEL_LINE)
    if BRON_OMGEREKEND in bronnen:
        method.append("Gezondheidscijfers 2020 in gebiedsindeling 2024 zijn omgerekend uit indeling 2020"
                      " (overlap van de kaartvormen); zie de pagina Bronnen voor de gemeten fout.")
    return ViewResult(
        title=f"{NEED_LABEL} per {niveau}, gebiedsindeling {indeling}, vier steden.",
        tables=(("Behoefte-index", need_display(data, table)), ("Gemarkeerd", flagged(table)),
                ("Afwijkende bevolking", atypical(table))),
        file_stem=f"kbz_behoefte_index_{niveau}_indeling{indeling}", method_lines=tuple(method),
        sources=sources_text(data, bronnen) + ".", licence=LICENCE_LINE,
    )
