"""Roles on the budget over practices and the referral scenario (Budgetverdeling page).

Same table as :mod:`kbz_data.practice.access`: the beheerder sees every practice named; a visitor who is not
logged in sees the fictitious demo set (named: the practices are fictitious); a ``praktijk`` user sees the own
practices named and every other practice only inside one row "Overige KBZ-praktijken" (sums), an analist only that
row. Per-practice rows of others are not shown at all, not even with a letter: their main wijk, gemeente, need decile
and KBZ start are public (the registry), so a letter beside them would name the practice, and a patient count or
referral rate beside a letter could be matched with the Praktijk page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kbz_data.analysis import scenario
from kbz_data.analysis.budget import BudgetResult, practice_display
from kbz_data.analysis.results import ViewResult
from kbz_data.practice.access import ANONIEM, BEHEERDER, Viewer

OTHERS = "Overige KBZ-praktijken"
#: Line added to an aggregated view's assumptions.
AGGREGATED_LINE = ("Andere praktijken dan de uwe staan alleen samen in de regel 'Overige KBZ-praktijken' (opgeteld):"
                   " per praktijk zijn ze herleidbaar tot een naam.")


def _named(viewer: Viewer) -> bool:
    return viewer.rol in (BEHEERDER, ANONIEM)


def practice_budget_for(viewer: Viewer, result: BudgetResult) -> BudgetResult:
    """``result`` (:func:`kbz_data.analysis.budget.practice_budget`) as this viewer may see it (a new object)."""
    if _named(viewer):
        return result
    frame = result.frame
    mine = frame[frame["code"].isin(viewer.praktijken)]
    rest = frame[~frame["code"].isin(viewer.praktijken)]
    if len(rest):
        numeric = [c for c in rest.columns if pd.api.types.is_float_dtype(rest[c]) and c not in ("index",)]
        row = {c: np.nan for c in frame.columns}
        row.update({c: float(rest[c].sum()) for c in numeric})
        row.update({"code": "", "naam": f"{OTHERS} ({len(rest)})", "gemeente": "", "gemeentecode": "",
                    "kbz_gebied": "", "hoofdwijk": "–", "hoofdwijk_naam": "–", "deciel": pd.NA, "rang": pd.NA,
                    "index": np.nan, "periode": ", ".join(sorted(set(rest["periode"]))),
                    "fictief": bool(rest["fictief"].any())})
        frame = pd.concat([mine, pd.DataFrame([row]).astype({"deciel": "Int64", "rang": "Int64"})],
                          ignore_index=True)
    else:
        frame = mine.reset_index(drop=True)
    tables = dict(result.view.tables)
    display = practice_display(frame)
    tables = (("Verdeling per praktijk", display),
              *[(k, v) for k, v in tables.items() if k != "Verdeling per praktijk"])
    view = result.view.replace(tables=tables, method_lines=(*result.view.method_lines, AGGREGATED_LINE))
    unscored = int(result.frame["deciel"].isna().sum())
    notes = [f"Zonder behoeftedeciel (hoofdwijk zonder index; decielgewicht 1): {unscored} praktijk(en)."] \
        if unscored else []
    return BudgetResult(frame, result.summary, view, result.rules, notes, result.fictief)


def scenario_frame_for(viewer: Viewer, frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`kbz_data.analysis.scenario.referral_scenario` rows this viewer may see (own practices only for
    praktijk and analist; everything for beheerder and the demo set)."""
    if _named(viewer):
        return frame
    return frame[frame["praktijk_code"].isin(viewer.praktijken)].reset_index(drop=True)


def scenario_view_for(viewer: Viewer, view: ViewResult, frame: pd.DataFrame) -> ViewResult:
    """The scenario view (:func:`kbz_data.analysis.scenario.scenario_view`, computed from ``frame`` over every
    practice) with the per-practice table cut to what this viewer may see; the totals stay (sums over all)."""
    if _named(viewer):
        return view
    tables = dict(view.tables)
    own = scenario.scenario_display(scenario_frame_for(viewer, frame))
    return view.replace(tables=(("Scenario per praktijk", own), ("Totalen", tables["Totalen"])),
                        method_lines=(*view.method_lines, AGGREGATED_LINE.replace(
                            " in de regel 'Overige KBZ-praktijken' (opgeteld)", " in de totalen")))
