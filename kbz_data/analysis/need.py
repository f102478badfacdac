"""Need index and similar areas. Pure functions, no Streamlit.

Need index
    A weighted mean of standardised indicators per area of one division and level. Each input is turned into a
    z-score over all residential areas of the four cities (mean 0, standard deviation 1) and signed so that a
    higher z means more need (``-richting`` from the registry: low income means more need, a high share with
    "moeite met rondkomen" means more need; for neutral indicators :data:`NEED_SIGNS`, e.g. a high share of
    owner-occupied homes means less need). Weights are normalised to sum to 1. An area that misses any input is
    flagged in ``ontbrekend`` and gets no index, rank or decile: it is never scored as average.
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
from kbz_data.store.storage import StoreData

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
    },
}
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


def need_index(
    data: StoreData, indeling: int, niveau: str, weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Need index of every residential area of one division and level in the four cities.

    Parameters
    ----------
    weights
        Indicator -> weight (>= 0); defaults to :data:`NEED_INPUTS` for the division. Zero weights drop an input.

    Returns
    -------
    pandas.DataFrame
        code, naam, gemeentecode, gemeente, kbz, one ``z_<indicator>`` column per input (signed: higher = more
        need), index (weighted mean of the z-scores), rang (1 = highest need), deciel (10 = highest need),
        ontbrekend (comma-separated missing inputs, "" when complete).

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
    years = {k: (defaults or {}).get(k, (None, 0))[0] for k in used}
    for indicator in used:
        if years[indicator] is None:
            from kbz_data.analysis.area_data import periods

            matching = [j for j, i in periods(data, indicator) if i == indeling]
            if not matching:
                raise KbzDataError(f"{indicator} heeft geen cijfers in indeling {indeling}")
            years[indicator] = matching[0]
    frame = _inputs_frame(data, years, indeling, niveau)
    total = sum(used.values())
    index = np.zeros(len(frame))
    for indicator, weight in used.items():
        z = need_sign(data, indicator) * standardise(frame[indicator])
        frame[f"z_{indicator}"] = z
        index = index + (weight / total) * z.to_numpy(dtype=float)
    missing = frame[list(used)].isna()
    frame["ontbrekend"] = [", ".join(c for c in used if row[c]) for _, row in missing.iterrows()]
    frame["index"] = np.where(missing.any(axis=1), np.nan, index)
    scored = frame["index"].notna()
    # Rank by index, ties broken by code, so the order does not depend on the row order.
    order = frame[scored].sort_values(["index", "code"], ascending=[False, True]).index
    frame["rang"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    frame.loc[order, "rang"] = np.arange(1, len(order) + 1)
    n = len(order)
    frame["deciel"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if n:
        # decile 10 = the 10% with the highest need
        frame.loc[order, "deciel"] = 10 - np.floor(np.arange(n) * 10 / n).astype(int)
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
    " gekozen dat hoger = meer behoefte. Gewichten worden genormaliseerd tot som 1. Een gebied dat een invoercijfer"
    " mist, krijgt geen index, rang of deciel (gemarkeerd, nooit als gemiddeld meegeteld). Rang 1 en deciel 10 ="
    " hoogste behoefte."
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


def weights_line(data: StoreData, indeling: int, weights: Mapping[str, float]) -> str:
    """The inputs of a need index with their year, direction and weight (share), marked when not the default."""
    used = {k: w for k, w in weights.items() if w > 0}
    total = sum(used.values()) or 1.0
    jaren = {k: j for k, (j, _w) in NEED_INPUTS.get(int(indeling), {}).items()}
    parts = [f"{indicator_label(data, k)} {jaren.get(k, '')} ({need_direction_text(data, k)}):"
             f" gewicht {w:g} ({w / total:.0%})" for k, w in used.items()]
    defaults = need_defaults(indeling)
    changed = "" if dict(used) == {k: w for k, w in defaults.items() if w > 0} else " (aangepast; niet de standaard)"
    return "Invoer en gewichten" + changed + ": " + "; ".join(parts) + "."


def need_view(data: StoreData, table: pd.DataFrame, indeling: int, niveau: str, weights: Mapping[str, float]
              ) -> ViewResult:
    """The need index of :func:`need_index` (``table``) for screen and export: definition (:data:`NEED_METHOD`),
    inputs and weights (:func:`weights_line`), sources, the ranked table and the flagged areas."""
    bronnen = [str(data.meta.loc[k, "bron"]) for k, w in weights.items() if w > 0 and k in data.meta.index]
    method = [NEED_METHOD, weights_line(data, indeling, weights)]
    if "rivm_50090NED" in bronnen:
        method.append(MODEL_LINE)
    return ViewResult(
        title=f"{NEED_LABEL} per {niveau}, gebiedsindeling {indeling}, vier steden.",
        tables=(("Behoefte-index", need_display(data, table)), ("Gemarkeerd", flagged(table))),
        file_stem=f"kbz_behoefte_index_{niveau}_indeling{indeling}", method_lines=tuple(method),
        sources=sources_text(data, bronnen) + ".", licence=LICENCE_LINE,
    )
