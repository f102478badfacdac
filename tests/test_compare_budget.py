"""Vergelijken and Budgetverdeling (kbz_data.analysis.compare, need, budget, scenario, methods;
kbz_data.charts.map_views) on a small synthetic store: comparison, similar areas, need tables, budget splits over
areas and practices, the referral scenario and the Excel export."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kbz_data import export
from kbz_data.analysis import area_data, budget, compare, methods, need
from kbz_data.analysis import scenario as referrals
from kbz_data.charts import map_views
from kbz_data.errors import KbzDataError
from kbz_data.practice import registry
from kbz_data.store.storage import StoreData
from tests.synthetic import synthetic_store

#: The practices' main wijken (2024) plus fillers, so every city has areas.
MAIN_WIJKEN = sorted({p.gebieden[2024][1][0] for p in registry.PRAKTIJKEN.values()})
CITIES = {"0363": "GM0363", "0518": "GM0518", "0599": "GM0599", "0344": "GM0344"}


def _store(drop: tuple[str, str] | None = None) -> StoreData:
    codes = sorted(set(MAIN_WIJKEN) | {f"WK{c}{i:02d}" for c in CITIES for i in range(70, 76)})
    return synthetic_store(codes, seed=5, inhabitants=5000, drop=drop)


def _practice_figures(before: int = 50, after: int = 40, patients: int = 1000, upload: bool = False) -> pd.DataFrame:
    """Quarterly figures 2018Q1-2024Q4 for every practice: constant patients, referrals per quarter before / after
    the practice's KBZ start quarter."""
    from kbz_data.practice.analysis import kbz_start_periode
    from kbz_data.practice.schema import period_range

    rows = []
    for code in registry.codes():
        start = kbz_start_periode(code)
        for q in period_range("2018Q1", "2024Q4"):
            rows.append((code, q, "ingeschreven_patienten", patients))
            rows.append((code, q, "verwijzingen_ziekenhuis", before if q < start else after))
            rows.append((code, q, "verwijzingen_ggz", 12 if q < start else 9))
    frame = pd.DataFrame(rows, columns=["praktijk_code", "periode", "kengetal", "teller"])
    frame["teller"] = frame["teller"].astype("Int64")
    frame["noemer"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["herkomst"] = "upload" if upload else "demo"
    frame["versie"] = 0
    return frame


def test_division_values_rank_like_area_values() -> None:
    data = _store(drop=("WK059970", "woz_waarde"))
    values = compare.division_values(data, 2024, "wijk")
    for indicator in ("inkomen_per_inwoner", "woz_waarde"):  # directed indicators: the same rule as area_values
        own = values[values["indicator"] == indicator].set_index("code")
        expected = area_data.area_values(data, indicator, 2024, 2024, "wijk").set_index("code")
        assert own.loc[expected.index, "rang"].fillna(-1).tolist() == expected["rang"].fillna(-1).tolist()
        assert own["gemiddelde_g4"].iloc[0] == pytest.approx(expected["waarde"].mean())
    # neutral indicators (pct_65plus): no rank (as on the Kaart page), but a position by value for the dot chart
    older = values[values["indicator"] == "pct_65plus"]
    assert older["rang"].isna().all()
    assert older.loc[older["positie"] == 100.0, "waarde"].iloc[0] == older["waarde"].max()
    income = values[values["indicator"] == "inkomen_per_inwoner"]
    worst = income.loc[income["rang"] == 1].iloc[0]
    assert worst["waarde"] == income["waarde"].min() and worst["positie"] == 100.0  # low income = unfavourable
    assert income["positie"].between(0, 100).all()
    assert pd.isna(values.loc[(values["code"] == "WK059970") & (values["indicator"] == "woz_waarde"), "rang"]).all()


def test_comparison_keeps_order_and_rejects_unknown() -> None:
    data = _store()
    values = compare.division_values(data, 2024, "wijk")
    rows = compare.comparison(values, ["WK059970", "WK036370"])
    table = compare.comparison_display(rows)
    area_columns = [c for c in table.columns if c.startswith("Wijk ")]
    assert area_columns == ["Wijk WK059970 · WK059970 (Rotterdam)", "Wijk WK036370 · WK036370 (Amsterdam)"]
    assert {"Rang WK059970", "Rang WK036370", "Ongewogen gemiddelde van de gebieden"} <= set(table.columns)
    assert any("Bron: CBS" in line for line in compare.comparison_view(data, rows, 2024, "wijk").lines)
    with pytest.raises(KbzDataError, match="WK999999"):
        compare.comparison(values, ["WK999999"])
    with pytest.raises(KbzDataError, match="minstens één gebied"):
        compare.comparison(values, [])


def test_similar_table_starts_with_the_area_itself() -> None:
    data = _store()
    table = compare.similar_table(data, "WK034470", 2024, "wijk")
    assert table.iloc[0]["Code"] == "WK034470" and table.iloc[0]["Afstand"] == 0
    assert len(table) == 6 and (table.iloc[1:]["Gemeente"] != "Utrecht").all()
    assert table["Afstand"].is_monotonic_increasing


def test_need_tables_top_and_flagged() -> None:
    data = _store(drop=("WK051870", "inkomen_per_inwoner"))
    table = need.need_index(data, 2024, "wijk", need.need_defaults(2024))
    top = need.top_per_city(table)
    assert top.groupby("Gemeente").size().max() == 5
    for _city, part in top.groupby("Gemeente"):
        assert part["Behoefte-index"].is_monotonic_decreasing
    assert "WK051870" not in set(top["Code"])
    flagged = need.flagged(table)
    assert flagged["Code"].tolist() == ["WK051870"] and flagged["Ontbrekende invoer"].iloc[0] == "inkomen_per_inwoner"
    weights = {"inkomen_per_inwoner": 2.0, "woz_waarde": 0.0}
    lines = need.need_view(data, need.need_index(data, 2024, "wijk", weights), 2024, "wijk", weights).method_lines
    assert "aangepast" in lines[1] and "gewicht 2 (100 %)" in lines[1]
    # no shapes at all in the synthetic store: the map view falls back to a ranked bar chart
    view = map_views.need_map_view(data, table, 2024, "wijk", "G4", "Bron: test")
    assert [name for name, _fig in view.panels] == ["staaf"] and "kaartvormen" in view.notes[0]


def test_area_budget_sums_to_the_cent_and_flat_is_population_share() -> None:
    data = _store()
    result = budget.area_budget(data, "wijk", 1_000_000.03, budget.DEFAULT_DECILE_WEIGHTS, 2.0,
                                 need.need_defaults(2024))
    frame = result.frame
    for rule in budget.RULES:
        assert round(frame[rule].sum() * 100) == 100_000_003
    share = frame["inwoners"] / frame["inwoners"].sum()
    assert np.allclose(frame["per_inwoner"], share * 1_000_000.03, atol=0.01)
    summary = result.summary.set_index("regel")
    assert summary.loc["per_inwoner", "Aandeel naar de 20% met de hoogste behoefte"] == pytest.approx(0.2)
    assert summary.loc["naar_behoefte", "Aandeel naar de 20% met de hoogste behoefte"] > 0.2
    display = result.view.table
    assert {"Vlak (euro)", "Naar behoefte: verschil met vlak (euro)", "KBZ-gebied"} <= set(display.columns)
    assert display["Naar behoefte: verschil met vlak (euro)"].sum() == pytest.approx(0.0, abs=0.05)
    assert any("hele centen" in line for line in result.view.lines)
    with pytest.raises(KbzDataError, match="0 of groter"):
        budget.area_budget(data, "wijk", 1000.0, {10: -1.0}, 1.0, need.need_defaults(2024))


def test_area_budget_top_decile_weight_is_monotone() -> None:
    data = _store()
    totals = []
    for weight in (1.0, 1.5, 3.0, 6.0):
        weights = {**budget.DEFAULT_DECILE_WEIGHTS, 10: weight}
        frame = budget.area_budget(data, "wijk", 500_000.0, weights, 1.0, need.need_defaults(2024)).frame
        totals.append(frame.loc[frame["deciel"] == 10, "naar_behoefte"].sum())
    assert totals == sorted(totals)


def test_practice_budget_per_patient_and_main_wijk_decile() -> None:
    data = _store()
    result = budget.practice_budget(data, _practice_figures(), 120_000.0, budget.DEFAULT_DECILE_WEIGHTS,
                                     need.need_defaults(2024))
    frame = result.frame
    assert len(frame) == len(registry.codes()) and result.fictief
    for rule in budget.PRACTICE_RULES:
        assert round(frame[rule].sum() * 100) == 12_000_000
    assert np.allclose(frame["per_inwoner"], 10_000.0)  # equal patients: equal flat shares
    index = need.need_index(data, 2024, "wijk", need.need_defaults(2024)).set_index("code")
    row = frame.set_index("code").loc["RTD-BLOEMHOF-1"]
    assert row["hoofdwijk"] == "WK059910" and row["deciel"] == index.loc["WK059910", "deciel"]
    display = result.view.table
    assert (display["Fictief"] == "ja").all()
    assert any("FICTIEVE demodata" in line for line in result.view.lines)


def test_referral_scenario_avoided_and_saving() -> None:
    figures = _practice_figures(before=50, after=40)
    scenario = referrals.referral_scenario(figures, {"verwijzingen_ziekenhuis": 1000.0, "verwijzingen_ggz": 500.0})
    zh = scenario[scenario["kengetal"] == "verwijzingen_ziekenhuis"].set_index("praktijk_code")
    bloemhof = zh.loc["RTD-BLOEMHOF-1"]
    assert bloemhof["voor"] == "2018Q1–2018Q4" and bloemhof["na"] == "2024Q1–2024Q4"
    assert bloemhof["cijfer_voor"] == pytest.approx(200.0) and bloemhof["cijfer_na"] == pytest.approx(160.0)
    assert bloemhof["vermeden"] == pytest.approx(40.0) and bloemhof["besparing"] == pytest.approx(40_000.0)
    ggz = scenario[scenario["kengetal"] == "verwijzingen_ggz"]
    # 9 GGZ referrals a quarter is 36 a year: shown; a year with fewer than 10 is suppressed
    assert ggz["vermeden"].notna().all()
    few = referrals.referral_scenario(_practice_figures(before=2, after=1), referrals.DEFAULT_REFERRAL_COSTS)
    assert few.loc[few["kengetal"] == "verwijzingen_ziekenhuis", "status"].str.startswith("<10").all()
    totals = referrals.scenario_totals(scenario).set_index("Verwijzing")
    assert totals.loc["Ziekenhuis", "Vermeden verwijzingen per jaar"] == pytest.approx(40.0 * 12)
    with pytest.raises(KbzDataError, match="0 of groter"):
        referrals.referral_scenario(figures, {"verwijzingen_ziekenhuis": -5.0})


def test_referral_scenario_too_soon_after_start() -> None:
    figures = _practice_figures()
    figures = figures[figures["periode"] <= "2022Q2"]  # Ondiep started 2022Q1: no full year after
    scenario = referrals.referral_scenario(figures, referrals.DEFAULT_REFERRAL_COSTS).set_index(["praktijk_code",
                                                                                             "kengetal"])
    assert scenario.loc[("UTR-ONDIEP-1", "verwijzingen_ziekenhuis"), "status"] == "minder dan een jaar na de start"
    assert np.isnan(scenario.loc[("UTR-ONDIEP-1", "verwijzingen_ziekenhuis"), "vermeden"])


def test_workbook_writes_lines_on_every_sheet() -> None:
    figures = _practice_figures()
    view = referrals.scenario_view(figures, referrals.DEFAULT_REFERRAL_COSTS)
    lines = list(view.lines)
    view = view.replace(tables=(view.tables[0], ("Totalen", pd.DataFrame({"a": [1.0, np.nan]}))))
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(view)))
    assert book.sheetnames == ["Scenario per praktijk", "Totalen", "Bron"]
    for sheet in book.worksheets:
        first = [row[0] for row in sheet.iter_rows(max_col=1, values_only=True)]
        if sheet.title == "Bron":
            first = first[1:]  # under the header "Bron en toelichting"
        assert first[: len(lines)] == lines
        assert any(str(v).startswith("FICTIEVE DEMODATA") for v in first)
        assert any("Geen oorzakelijke claim" in str(v) for v in first)
    uploaded = referrals.scenario_view(_practice_figures(upload=True), referrals.DEFAULT_REFERRAL_COSTS).lines
    assert not any(line.startswith("FICTIEVE") for line in uploaded)


def test_method_tables_take_their_numbers_from_need() -> None:
    tables = methods.method_tables(_store())
    behoefte = tables["behoefte"]
    assert len(behoefte) == sum(len(v) for v in need.NEED_INPUTS.values())
    row = behoefte[(behoefte["Indeling"] == 2024) & (behoefte["Id"] == "inkomen_per_inwoner")].iloc[0]
    assert row["Standaardgewicht"] == need.NEED_INPUTS[2024]["inkomen_per_inwoner"][1]
    assert row["Richting"] == "lager = meer behoefte"
    assert len(tables["vergelijkbaar"]) == sum(len(v) for v in need.SIMILARITY_INPUTS.values())
