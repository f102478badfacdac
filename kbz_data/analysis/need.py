"""Need index, similar areas and budget allocation rules (issue: insurer views). Pure functions, no Streamlit.

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
Allocation
    A fixed budget split over areas by rule (per inhabitant; per inhabitant weighted by need decile; extra weight
    for KBZ areas), in whole cents with the largest-remainder method so every split sums exactly to the budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kbz_data.analysis.area_data import area_values
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
        raise KbzDataError(f"gebied {code} bestaat niet (of is geen woongebied) op {niveau}niveau in indeling {indeling}")
    row = frame.index[frame["code"] == code][0]
    if not complete[row]:
        missing = [k for k in inputs if pd.isna(z.loc[row, k])]
        raise KbzDataError(f"{code} mist {', '.join(missing)}; vergelijkbare gebieden zijn niet te berekenen")
    distance = np.sqrt(((z - z.loc[row]) ** 2).sum(axis=1, min_count=len(inputs)))
    result = frame[["code", "naam", "gemeente", "gemeentecode"]].assign(afstand=distance)
    result = result[complete & (frame["gemeentecode"] != frame.loc[row, "gemeentecode"])]
    return result.sort_values(["afstand", "code"]).head(n).drop(columns="gemeentecode").reset_index(drop=True)


def split_cents(budget_eur: float, weights: Sequence[float]) -> np.ndarray:
    """Split a budget (euro) in whole cents proportional to ``weights``, summing exactly (largest remainder).

    Raises
    ------
    KbzDataError
        For a negative budget, negative or non-finite weights, or weights that sum to 0.
    """
    cents_total = int(round(budget_eur * 100))
    w = np.asarray(weights, dtype=float)
    if cents_total < 0:
        raise KbzDataError("het budget moet 0 of groter zijn")
    if w.size == 0 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise KbzDataError("de verdeelsleutel moet uit niet-negatieve getallen bestaan met een som boven 0")
    exact = cents_total * w / w.sum()
    cents = np.floor(exact).astype(np.int64)
    rest = cents_total - int(cents.sum())
    order = np.lexsort((np.arange(w.size), -(exact - cents)))  # largest remainder, ties by position
    cents[order[:rest]] += 1
    return cents


def allocate(
    need: pd.DataFrame, population: pd.Series, budget_eur: float, decile_weights: Mapping[int, float],
    kbz_weight: float,
) -> pd.DataFrame:
    """Split a budget over areas under three rules, side by side.

    Parameters
    ----------
    need
        :func:`need_index` output (code, deciel, kbz, ...).
    population
        Inhabitants per code (same division); areas without population get nothing under any rule.
    decile_weights
        Weight per need decile 1..10; areas without a decile (missing input) get weight 1.
    kbz_weight
        Extra weight per inhabitant for KBZ areas (1 = none).

    Returns
    -------
    pandas.DataFrame
        code, naam, gemeente, inwoners, deciel, kbz, and per rule (``per_inwoner``, ``naar_behoefte``, ``kbz``)
        the amount in euro (from whole cents), and ``verschil_<rule>`` against the flat per-inhabitant split.
    """
    frame = need[["code", "naam", "gemeente", "deciel", "kbz", "index"]].copy()
    frame["inwoners"] = frame["code"].map(population).astype(float).fillna(0.0)
    if frame["inwoners"].sum() <= 0:
        raise KbzDataError("geen inwonersaantallen voor deze gebieden: verdelen per inwoner kan niet")
    deciles = frame["deciel"].astype("float").fillna(0).astype(int)
    w_decile = np.array([float(decile_weights.get(d, 1.0)) if d > 0 else 1.0 for d in deciles])
    is_kbz = frame["kbz"].astype(str).ne("").to_numpy()
    rules = {
        "per_inwoner": frame["inwoners"].to_numpy(),
        "naar_behoefte": frame["inwoners"].to_numpy() * w_decile,
        "kbz": frame["inwoners"].to_numpy() * np.where(is_kbz, float(kbz_weight), 1.0),
    }
    for rule, weights in rules.items():
        frame[rule] = split_cents(budget_eur, weights) / 100.0
    for rule in ("naar_behoefte", "kbz"):
        frame[f"verschil_{rule}"] = frame[rule] - frame["per_inwoner"]
    return frame


def concentration(frame: pd.DataFrame, amount: str) -> dict[str, float]:
    """How much a split favours the most deprived: share to the most deprived 20% of the population, and a
    concentration index.

    The areas are ordered from highest to lowest need index (unscored areas last); the share of the budget going
    to the first 20% of inhabitants is summed, the area straddling 20% counted pro rata. The concentration index is
    2·cov(a, R)/mean(a), with a the amount per inhabitant and R the population-weighted fractional rank from most
    to least deprived, sign flipped so that a positive value means money concentrated among the most deprived.
    """
    data = frame[frame["inwoners"] > 0].copy()
    data["_score"] = data["index"].fillna(-np.inf)
    data = data.sort_values(["_score", "code"], ascending=[False, True])
    pop = data["inwoners"].to_numpy(dtype=float)
    money = data[amount].to_numpy(dtype=float)
    total_pop, total_money = pop.sum(), money.sum()
    cum = np.cumsum(pop) / total_pop
    start = np.concatenate([[0.0], cum[:-1]])
    fraction = np.clip((0.2 - start) / (cum - start), 0.0, 1.0)
    share20 = float((money * fraction).sum() / total_money) if total_money else float("nan")
    per_capita = money / pop
    rank = (start + cum) / 2  # fractional rank, 0 = most deprived
    mean = np.average(per_capita, weights=pop)
    cov = np.average((per_capita - mean) * (rank - np.average(rank, weights=pop)), weights=pop)
    ci = float(-2 * cov / mean) if mean else float("nan")
    return {"aandeel_armste_20pct": share20, "concentratie_index": ci}
