"""Budget rules: a fixed yearly budget split over the areas of the four cities or over the KBZ practices.

:func:`split_cents` splits in whole cents with the largest-remainder method so every split sums exactly to the
budget; :func:`allocate` applies the rules side by side (per inhabitant; per inhabitant weighted by need decile;
extra weight for KBZ areas); :func:`concentration` measures how much a split favours the areas of highest need.
:func:`area_budget` (division 2024, the only one with inhabitants for all four cities) and
:func:`practice_budget` (per registered patient) return a :class:`BudgetResult` whose ``view`` is what the page
shows and the download holds. Charts: :mod:`kbz_data.charts.budget`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kbz_data.analysis import area_data, need
from kbz_data.analysis.area_data import sources_text
from kbz_data.analysis.results import LICENCE_LINE, ViewResult
from kbz_data.errors import KbzDataError
from kbz_data.store.storage import StoreData
from kbz_data.text import aantal, euro, fmt_number, fmt_share, fmt_weight

if TYPE_CHECKING:
    from kbz_data.practice.registry import Registry

#: The division of the budget split over areas: the only one with inhabitants (CBS KWB 2024) for all four cities.
BUDGET_INDELING = 2024


#: Default yearly budget (euro), a round figure the user changes.
DEFAULT_BUDGET_EUR = 10_000_000


#: Default weight per inhabitant by need decile (10 = highest need): flat up to decile 5, then rising to 2.
DEFAULT_DECILE_WEIGHTS: dict[int, float] = {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.1, 7: 1.2, 8: 1.4,
                                            9: 1.7, 10: 2.0}


#: Default weight per inhabitant of a KBZ area (1 = no extra).
DEFAULT_KBZ_WEIGHT = 2.0


#: Budget rules (column of :func:`allocate`) -> Dutch label.
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
#: The line a split over fictitious practice figures carries under its title.
FICTIEF_PRACTICES = "FICTIEVE DEMODATA: de praktijkcijfers zijn verzonnen."


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
    need_frame: pd.DataFrame, population: pd.Series, budget_eur: float, decile_weights: Mapping[int, float],
    kbz_weight: float,
) -> pd.DataFrame:
    """Split a budget over areas under three rules, side by side.

    Parameters
    ----------
    need_frame
        :func:`kbz_data.analysis.need.need_index` output (code, deciel, kbz, ...).
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
    frame = need_frame[["code", "naam", "gemeente", "deciel", "kbz", "index"]].copy()
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


@dataclass(frozen=True, eq=False)
class BudgetResult:
    """A split over areas or practices: the frame of :func:`allocate`, the summary per rule, the rules, notes for
    the screen, and the view (title, assumptions, sources, tables) that the page shows and the download holds."""

    frame: pd.DataFrame
    summary: pd.DataFrame
    view: ViewResult
    rules: dict[str, str]
    notes: list[str] = field(default_factory=list)
    fictief: bool = False



def _check_weights(decile_weights: Mapping[int, float], kbz_weight: float) -> None:
    bad = {d: w for d, w in decile_weights.items() if not np.isfinite(w) or w < 0}
    if bad or not np.isfinite(kbz_weight) or kbz_weight < 0:
        raise KbzDataError(f"gewichten moeten 0 of groter zijn; fout: {bad or {'KBZ': kbz_weight}}")


def summarise(frame: pd.DataFrame, rules: Mapping[str, str]) -> pd.DataFrame:
    """Per rule: total (euro), share of the budget to the most deprived 20 % of the population and the
    concentration index (:func:`concentration`)."""
    rows = []
    for rule, label in rules.items():
        c = concentration(frame, rule)
        rows.append({"Regel": label, "regel": rule, "Totaal (euro)": round(float(frame[rule].sum()), 2),
                     "Aandeel naar de 20% met de hoogste behoefte": c["aandeel_armste_20pct"],
                     "Concentratie-index": c["concentratie_index"]})
    return pd.DataFrame(rows)


def _weights_text(decile_weights: Mapping[int, float]) -> str:
    return "; ".join(f"{d}: {fmt_weight(decile_weights.get(d, 1.0))}" for d in range(1, 11))


def area_budget(data: StoreData, niveau: str, budget_eur: float, decile_weights: Mapping[int, float],
                kbz_weight: float, need_weights: Mapping[str, float], include_atypical: bool = False
                ) -> BudgetResult:
    """Split a yearly budget over the residential areas of the four cities (division 2024) under :data:`RULES`.

    Inhabitants: CBS Kerncijfers wijken en buurten 2024 (``inwoners``, 2024). Areas without a need decile (too
    few inputs, or an atypical population unless ``include_atypical``) get decile weight 1 and are counted in the
    notes.
    """
    _check_weights(decile_weights, kbz_weight)
    index = need.need_index(data, BUDGET_INDELING, niveau, dict(need_weights), include_atypical=include_atypical)
    population = area_data.area_values(data, "inwoners", BUDGET_INDELING, BUDGET_INDELING, niveau)
    population = population.set_index("code")["waarde"]
    frame = allocate(index, population, budget_eur, decile_weights, kbz_weight)
    by_code = index.set_index("code")
    frame["gemeentecode"] = frame["code"].map(by_code["gemeentecode"])
    frame["rang"] = frame["code"].map(by_code["rang"])
    frame["kbz_gebied"] = frame["code"].map(by_code["kbz"]).fillna("")  # allocate's "kbz" column is the amount
    for rule in RULES:
        frame[f"{rule}_per_inwoner"] = (frame[rule] / frame["inwoners"].where(frame["inwoners"] > 0)).round(2)
    summary = summarise(frame, RULES)
    no_pop = int((frame["inwoners"] <= 0).sum())
    unscored = int(frame["deciel"].isna().sum())
    atypical = int((frame["deciel"].isna() & frame["code"].map(by_code["atypisch"]).ne("")).sum())
    notes = []
    if unscored:
        reasons = [f"{fmt_number(n)} {what}" for n, what in ((unscored - atypical, "met te weinig invoercijfers"),
                                                             (atypical, "met een afwijkende bevolking")) if n]
        notes.append(f"{aantal(unscored, 'gebied', 'gebieden')} zonder behoeftedeciel ({', '.join(reasons)})"
                     f" {'krijgt' if unscored == 1 else 'krijgen'} decielgewicht 1 en"
                     f" {'telt' if unscored == 1 else 'tellen'} in de concentratiemaat als minst achtergesteld.")
    scored = frame["code"].map(by_code["index"]).notna()
    notes.append(f"{int(scored.sum())} van {len(frame)} gebieden ({fmt_number(frame.loc[scored, 'inwoners'].sum())}"
                 f" van {fmt_number(frame['inwoners'].sum())} inwoners) hebben een behoefte-index.")
    if no_pop:
        notes.append(f"{aantal(no_pop, 'gebied', 'gebieden')} zonder inwonersaantal"
                     f" {'krijgt' if no_pop == 1 else 'krijgen'} niets.")
    bronnen = ["cbs_85984NED", *[str(data.meta.loc[k, "bron"]) for k in need_weights if k in data.meta.index]]
    method = (
        f"Budget: {euro(budget_eur)} per jaar, verdeeld in hele centen (grootste-restmethode): elke verdeling telt"
        " precies op tot het budget.",
        "Regels: (1) per inwoner; (2) per inwoner maal het gewicht van het behoeftedeciel van het gebied (decielen"
        f" 1 t/m 10: {_weights_text(decile_weights)}; gebieden zonder deciel: 1); (3) per inwoner, KBZ-gebieden"
        f" met gewicht {fmt_weight(kbz_weight)} (overige gebieden 1).",
        "Inwoners: CBS Kerncijfers wijken en buurten 2024. Gebieden zonder (noemenswaardige) bewoners (water,"
        " haven, bedrijventerrein) tellen niet mee.",
        need.NEED_METHOD,
        need.weights_line(data, BUDGET_INDELING, need_weights),
        need.ATYPICAL_RULE + (" Hier meegerekend (keuze van de gebruiker)." if include_atypical else ""),
        "Aandeel naar de 20% met de hoogste behoefte: de gebieden van hoogste naar laagste behoefte-index, tot 20%"
        " van de inwoners (het gebied op de grens naar rato). Concentratie-index: 2·cov(bedrag per inwoner,"
        " fractionele rang)/gemiddelde, positief = geld geconcentreerd bij de hoogste behoefte; 0 = vlak.",
        "Dit is een rekenvoorbeeld voor een gesprek over verdeling, geen advies en geen bestaande bekostiging.",
    )
    view = ViewResult(
        title=f"Budgetverdeling over de {niveau}en van Amsterdam, Den Haag, Rotterdam en Utrecht (gebiedsindeling"
              f" {BUDGET_INDELING}).",
        tables=(("Verdeling per gebied", budget_display(frame, RULES)),
                ("Samenvatting", summary.drop(columns="regel"))),
        file_stem=f"kbz_budgetverdeling_{niveau}_indeling{BUDGET_INDELING}", method_lines=method,
        sources=sources_text(data, bronnen) + ".", licence=LICENCE_LINE,
    )
    return BudgetResult(frame, summary, view, dict(RULES), notes)


def budget_display(frame: pd.DataFrame, rules: Mapping[str, str], unit: str = "Inwoners", per: str = "inwoner"
                   ) -> pd.DataFrame:
    """The split per area (``frame`` of :func:`area_budget`) as shown and exported: amounts, per inhabitant and
    the difference from the flat split, per rule."""
    shown = frame.sort_values(["rang", "code"], na_position="last")
    out = pd.DataFrame({"Gebied": shown["naam"], "Code": shown["code"], "Gemeente": shown["gemeente"],
                        unit: shown["inwoners"].round(0).astype("Int64"),
                        "Behoeftedeciel": shown["deciel"], "KBZ-gebied": shown["kbz_gebied"]})
    base = frame["per_inwoner"]
    for rule in rules:
        label = RULE_COLUMNS[rule]
        out[f"{label} (euro)"] = shown[rule].round(2)
        out[f"{label}: per {per} (euro)"] = (shown[rule] / shown["inwoners"].where(shown["inwoners"] > 0)).round(2)
        if rule != "per_inwoner":
            out[f"{label}: verschil met vlak (euro)"] = (shown[rule] - base.loc[shown.index]).round(2)
    return out.reset_index(drop=True)


#: Short rule names for the narrow concentration table (a phone shows the numbers without scrolling).
RULES_SHORT: dict[str, str] = {RULES["per_inwoner"]: "Per inwoner", RULES["naar_behoefte"]: "Naar behoefte",
                               RULES["kbz"]: "KBZ-gewicht"}


def summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary per rule as display text, narrow enough for a phone: short rule name, the share to the 20%
    with the highest need, the concentration index, then the total (the budget itself, as a check)."""
    rule = [RULES_SHORT.get(r, r) for r in summary["Regel"]]
    return pd.DataFrame({
        "Regel": rule,
        "Hoogste 20%": summary["Aandeel naar de 20% met de hoogste behoefte"].map(fmt_share).to_numpy(),
        "Concentratie": summary["Concentratie-index"].map(lambda v: fmt_number(round(v, 3) + 0.0, 3)).to_numpy(),
        "Totaal": summary["Totaal (euro)"].map(lambda v: euro(v, 2)).to_numpy(),
    })


def budget_map_values(result: BudgetResult, rule: str) -> pd.DataFrame:
    """Per area the difference per inhabitant between ``rule`` and the flat split (waarde), the amount per
    inhabitant under the rule (stadswaarde), the flat amount (gemiddelde_g4), the need rank and the number ranked:
    the input of :func:`kbz_data.analysis.area_data.value_table`."""
    f = result.frame
    per = f[rule] / f["inwoners"].where(f["inwoners"] > 0)
    flat = f["per_inwoner"] / f["inwoners"].where(f["inwoners"] > 0)
    return pd.DataFrame({"code": f["code"], "waarde": (per - flat).round(2), "stadswaarde": per.round(2),
                         "gemiddelde_g4": flat.round(2), "rang": f["rang"], "aantal": int(f["rang"].notna().sum())})


# --- budget over practices ----------------------------------------------------------------------------------------

def practice_patients(figures_frame: pd.DataFrame, reg: Registry | None = None) -> pd.DataFrame:
    """Registered patients per practice of ``reg`` (the registry in use; default the built-in one) in its latest
    quarter: praktijk_code, periode, patienten, fictief."""
    from kbz_data.practice import registry

    rows = figures_frame[(figures_frame["kengetal"] == "ingeschreven_patienten") & figures_frame["teller"].notna()]
    rows = rows[rows["praktijk_code"].isin((registry.BUILTIN if reg is None else reg).codes())]
    if rows.empty:
        raise KbzDataError("geen aantallen ingeschreven patiënten in de praktijkcijfers")
    latest = rows.sort_values("periode").groupby("praktijk_code").tail(1)
    return pd.DataFrame({"praktijk_code": latest["praktijk_code"], "periode": latest["periode"],
                         "patienten": latest["teller"].astype(float), "fictief": latest["herkomst"] == "demo"}
                        ).sort_values("praktijk_code").reset_index(drop=True)


def _practice_need(data: StoreData, patients: pd.DataFrame, need_weights: Mapping[str, float],
                   reg: Registry) -> pd.DataFrame:
    """Per practice its main wijk (first wijk in division 2024) with that wijk's need decile, index and rank."""
    index = need.need_index(data, BUDGET_INDELING, "wijk", dict(need_weights)).set_index("code")
    rows = []
    for r in patients.itertuples(index=False):
        p = reg.get(r.praktijk_code)
        wijken = p.gebieden.get(BUDGET_INDELING, ((), ()))[1]
        wijk = wijken[0] if wijken else "–"
        known = wijk in index.index
        rows.append({"code": p.code, "naam": p.naam, "gemeente": p.gemeente, "gemeentecode": p.gemeentecode,
                     "kbz": p.kbz_gebied, "hoofdwijk": wijk,
                     "hoofdwijk_naam": str(index.loc[wijk, "naam"]) if known else "onbekend",
                     "deciel": index.loc[wijk, "deciel"] if known else pd.NA,
                     "index": float(index.loc[wijk, "index"]) if known else np.nan,
                     "rang": index.loc[wijk, "rang"] if known else pd.NA,
                     "periode": r.periode, "fictief": bool(r.fictief)})
    frame = pd.DataFrame(rows)
    frame["deciel"] = frame["deciel"].astype("Int64")
    frame["rang"] = frame["rang"].astype("Int64")
    return frame


def practice_budget(data: StoreData, figures_frame: pd.DataFrame, budget_eur: float,
                    decile_weights: Mapping[int, float], need_weights: Mapping[str, float],
                    reg: Registry | None = None) -> BudgetResult:
    """Split a yearly budget over the KBZ practices per registered patient (latest quarter), flat and weighted by
    the need decile of the practice's main wijk (its first wijk in the 2024 division, :mod:`kbz_data.practice.
    registry`). Every practice in the registry is a KBZ practice, so a KBZ weight would change nothing here."""
    from kbz_data.practice import analysis, registry

    _check_weights(decile_weights, 1.0)
    reg = registry.BUILTIN if reg is None else reg
    patients = practice_patients(figures_frame, reg)
    need_frame = _practice_need(data, patients, need_weights, reg)
    frame = allocate(need_frame, patients.set_index("praktijk_code")["patienten"], budget_eur, decile_weights, 1.0)
    frame = frame.drop(columns=["kbz", "verschil_kbz"]).assign(kbz_gebied=need_frame["kbz"].to_numpy())
    for column in ("hoofdwijk", "hoofdwijk_naam", "periode", "fictief", "rang", "gemeentecode"):
        frame[column] = need_frame[column].to_numpy()
    summary = summarise(frame, PRACTICE_RULES)
    fictief = bool((figures_frame["herkomst"] == "demo").any())
    upload = bool((figures_frame["herkomst"] == "upload").any())
    unscored = frame.loc[frame["deciel"].isna(), "naam"].tolist()
    notes = [f"Zonder behoeftedeciel (hoofdwijk zonder index; decielgewicht 1): {', '.join(unscored)}."] \
        if unscored else []
    periods = sorted(set(frame["periode"]))
    method = (
        f"Budget: {euro(budget_eur)} per jaar, verdeeld in hele centen; elke verdeling telt precies op tot het"
        " budget.",
        f"Patiënten: ingeschreven patiënten in het laatste kwartaal met cijfers ({', '.join(periods)}).",
        "Regels: (1) per ingeschreven patiënt; (2) per patiënt maal het gewicht van het behoeftedeciel van de"
        f" hoofdwijk van de praktijk (eerste wijk in gebiedsindeling {BUDGET_INDELING}; decielen 1 t/m 10:"
        f" {_weights_text(decile_weights)}; zonder deciel: 1). Alle praktijken zijn KBZ-praktijken, dus een"
        " KBZ-gewicht verandert hier niets.",
        "Aandeel naar de 20% met de hoogste behoefte en concentratie-index: als bij de gebieden, met patiënten in"
        " plaats van inwoners en de behoefte-index van de hoofdwijk.",
    )
    view = ViewResult(
        title="Budgetverdeling over de KBZ-praktijken per ingeschreven patiënt.",
        tables=(("Verdeling per praktijk", practice_display(frame)), ("Samenvatting", summary.drop(columns="regel"))),
        file_stem="kbz_budgetverdeling_praktijken", method_lines=method,
        sources=f"{analysis.source_line(fictief, upload)} {sources_text(data, ['cbs_85984NED'])}.",
        fictief=fictief, fictief_line=FICTIEF_PRACTICES,
    )
    return BudgetResult(frame, summary, view, dict(PRACTICE_RULES), notes, fictief)


def practice_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The split per practice (``frame`` of :func:`practice_budget`) for screen and export."""
    frame = frame.sort_values("code")
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
