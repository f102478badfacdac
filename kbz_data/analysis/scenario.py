"""Referral scenario: avoided referrals before/after each practice's KBZ start and what they would save.

A worked example on the practice figures, not an effect measurement (:data:`SCENARIO_METHOD`). Pure pandas; the
chart is :func:`kbz_data.charts.budget.scenario_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kbz_data.analysis.results import ViewResult
from kbz_data.errors import KbzDataError
from kbz_data.practice import analysis, registry
from kbz_data.text import euro

#: Default cost per referral (euro) in the referral scenario: an assumption the user changes, not a source figure.
DEFAULT_REFERRAL_COSTS: dict[str, float] = {"verwijzingen_ziekenhuis": 1000.0, "verwijzingen_ggz": 1500.0}


REFERRAL_LABELS: dict[str, str] = {"verwijzingen_ziekenhuis": "Ziekenhuis", "verwijzingen_ggz": "GGZ"}


#: The line a scenario on fictitious practice figures carries under its title.
FICTIEF_SCENARIO = ("FICTIEVE DEMODATA: de praktijkcijfers zijn verzonnen; de uitkomst zegt niets over echte"
                    " praktijken.")

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


def _window(own: pd.DataFrame, kengetal: str, periods: list[str]) -> tuple[float, float] | None:
    """Referrals summed and mean registered patients over four quarters; None when any figure is missing."""
    if kengetal not in own or any(q not in own.index for q in periods):
        return None
    part = own.loc[periods, [kengetal, "ingeschreven_patienten"]]
    if part.isna().any().any():
        return None
    return float(part[kengetal].sum()), float(part["ingeschreven_patienten"].mean())


def _rates(own: pd.DataFrame, kengetal: str, start: str, before: list[str], after: list[str], kosten: float
           ) -> dict[str, object]:
    """The before/after rates, avoided referrals and saving of one practice and referral type, or its status."""
    b, a = _window(own, kengetal, before), _window(own, kengetal, after) if after else None
    if b is None:
        return {"status": "geen vier kwartalen vóór de start"}
    if a is None:
        return {"status": "geen vier recente kwartalen"}
    if after[0] < _shift(start, 4):
        return {"status": "minder dan een jaar na de start"}
    if b[0] < analysis.SUPPRESS_BELOW or a[0] < analysis.SUPPRESS_BELOW:
        return {"status": "<10 verwijzingen (niet getoond)"}
    voor, na = b[0] / b[1] * 1000, a[0] / a[1] * 1000
    vermeden = (voor - na) / 1000 * a[1]
    return {"cijfer_voor": voor, "cijfer_na": na, "patienten_na": a[1], "vermeden": vermeden,
            "besparing": vermeden * kosten}


def referral_scenario(figures_frame: pd.DataFrame, costs: Mapping[str, float],
                      reg: registry.Registry | None = None) -> pd.DataFrame:
    """Referral rates per 1,000 patients per year before and after each practice's KBZ start, avoided referrals and
    the cost saved (see :data:`SCENARIO_METHOD`), for every practice of ``reg`` (the registry in use; default the
    built-in one) that has figures.

    Returns
    -------
    pandas.DataFrame
        praktijk_code, naam, gemeente, kengetal, start, voor (``2019Q1–2019Q4``), na, cijfer_voor, cijfer_na
        (per 1,000 per year; NaN when not computable or suppressed), patienten_na, vermeden (per year), kosten
        (euro per referral), besparing (euro per year), status ("" or why it is missing), fictief.
    """
    bad = {k: v for k, v in costs.items() if not np.isfinite(v) or v < 0}
    if bad:
        raise KbzDataError(f"kosten per verwijzing moeten 0 of groter zijn; fout: {bad}")
    wide = figures_frame.pivot_table(index=["praktijk_code", "periode"], columns="kengetal", values="teller",
                                     aggfunc="first").astype(float)
    demo = figures_frame.assign(d=figures_frame["herkomst"] == "demo").groupby("praktijk_code")["d"].any()
    rows = []
    reg = registry.BUILTIN if reg is None else reg
    present = set(wide.index.get_level_values(0))
    for code in [c for c in reg.codes() if c in present]:
        p = reg.get(code)
        start = analysis.kbz_start_periode(code, reg)
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

            row.update(_rates(own, kengetal, start, before, after, row["kosten"]))
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


def scenario_view(figures_frame: pd.DataFrame, costs: Mapping[str, float],
                  reg: registry.Registry | None = None) -> ViewResult:
    """The referral scenario for screen and export: title, assumptions (:data:`SCENARIO_METHOD` and the costs),
    source line, the table per practice and the totals."""
    frame = referral_scenario(figures_frame, costs, reg)
    fictief = bool((figures_frame["herkomst"] == "demo").any())
    upload = bool((figures_frame["herkomst"] == "upload").any())
    cost = "; ".join(f"{REFERRAL_LABELS[k]}: {euro(v, 0)} per verwijzing" for k, v in costs.items())
    return ViewResult(
        title="Scenario vermeden verwijzingen na de KBZ-start, per praktijk (rekenvoorbeeld, geen effectmeting).",
        tables=(("Scenario per praktijk", scenario_display(frame)), ("Totalen", scenario_totals(frame))),
        file_stem="kbz_verwijzingen_scenario", method_lines=(*SCENARIO_METHOD, f"Ingestelde kosten: {cost}."),
        sources=analysis.source_line(fictief, upload), fictief=fictief, fictief_line=FICTIEF_SCENARIO,
    )
