"""Need index on the 2024 division (issue 11): renormalised weights, a minimum of inputs, atypical areas."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from kbz_data import indicators
from kbz_data.analysis import budget as budget_rules
from kbz_data.analysis import need
from kbz_data.store import storage
from kbz_data.store.storage import StoreData

CITIES = ["0363", "0518", "0599", "0344"]
#: Inputs of the synthetic store: (indicator, jaar) with a value per wijk.
INPUTS = {"inkomen_per_inwoner": 2024, "woz_waarde": 2024, "ervaren_gezondheid_goed_50150": 2024}
#: The old 2024 defaults (before issue 11) and their rule: any missing input -> no index.
OLD_WEIGHTS = {"inkomen_per_inwoner": 1.0, "woz_waarde": 1.0, "pct_koopwoningen": 0.5}


def _store(figures_edit=None) -> StoreData:
    rng = np.random.default_rng(5)
    codes = [f"WK{c}{i:02d}" for c in CITIES for i in range(5)]
    gebieden = gpd.GeoDataFrame(
        {"code": codes, "naam": [f"Wijk {c}" for c in codes], "niveau": "wijk",
         "gemeentecode": [f"GM{c[2:6]}" for c in codes], "wijkcode": codes, "indeling": 2024, "water": False,
         "geometriebron": None}, geometry=[None] * len(codes), crs="EPSG:4326")
    rows = []
    for code in codes:
        for indicator, jaar in INPUTS.items():
            rows.append((code, 2024, jaar, indicator, float(50 + 10 * rng.normal()), "test"))
        rows += [(code, 2024, 2024, "inwoners", 5000.0, "test"), (code, 2024, 2024, "pct_15_25", 12.0, "test"),
                 (code, 2024, 2024, "huishoudens", 2500.0, "test")]
    figures = pd.DataFrame(rows, columns=["code", "indeling", "jaar", "indicator", "waarde", "bron"])
    if figures_edit:
        figures_edit(figures)
    meta = indicators.meta_frame().set_index("indicator", drop=False)
    bronnen = indicators.bronnen_frame().set_index("id", drop=False)
    return StoreData(gebieden, figures, meta, bronnen, {"gebouwd": "test"})


def _set(figures: pd.DataFrame, code: str, indicator: str, value: float) -> None:
    figures.loc[(figures["code"] == code) & (figures["indicator"] == indicator), "waarde"] = value


WEIGHTS = {"inkomen_per_inwoner": 1.0, "woz_waarde": 1.0, "ervaren_gezondheid_goed_50150": 2.0}


def test_missing_input_renormalises_the_weights() -> None:
    data = _store(lambda f: _set(f, "WK051801", "woz_waarde", np.nan))
    table = need.need_index(data, 2024, "wijk", WEIGHTS).set_index("code")
    row = table.loc["WK051801"]
    # income (1) and health (2) present: 3 of 4 weight units > 60%; the index is their renormalised mean
    expected = (1.0 * row["z_inkomen_per_inwoner"] + 2.0 * row["z_ervaren_gezondheid_goed_50150"]) / 3.0
    assert row["index"] == pytest.approx(expected)
    assert row["ontbrekend"] == "woz_waarde" and row["invoer"] == 2 and row["invoer_totaal"] == 3
    assert not pd.isna(row["rang"]) and table["rang"].max() == 20
    shown = need.need_display(data, table.reset_index())
    assert shown.loc[shown["Code"] == "WK051801", "Invoer gebruikt"].iloc[0] == "2 van 3"
    assert need.flagged(table.reset_index()).empty


def test_exactly_the_minimum_share_is_not_enough() -> None:
    # 1.5 of 2.5 weight units = 60%: not above the minimum, so no index (as before issue 11 for this case)
    weights = {"inkomen_per_inwoner": 1.0, "woz_waarde": 1.0, "ervaren_gezondheid_goed_50150": 0.5}
    table = need.need_index(_store(lambda f: _set(f, "WK036302", "woz_waarde", np.nan)), 2024, "wijk", weights)
    assert np.isnan(table.set_index("code").loc["WK036302", "index"])


def test_too_few_inputs_stay_out() -> None:
    # health (2 of 4 weight units = 50%, not above 60%) alone is not enough
    def edit(f: pd.DataFrame) -> None:
        _set(f, "WK059902", "woz_waarde", np.nan)
        _set(f, "WK059902", "inkomen_per_inwoner", np.nan)

    table = need.need_index(_store(edit), 2024, "wijk", WEIGHTS).set_index("code")
    assert np.isnan(table.loc["WK059902", "index"]) and pd.isna(table.loc["WK059902", "deciel"])
    assert table.loc["WK059902", "ontbrekend"] == "inkomen_per_inwoner, woz_waarde"
    assert need.flagged(table.reset_index())["Code"].tolist() == ["WK059902"]


def test_input_without_any_figure_is_no_input() -> None:
    weights = {**WEIGHTS, "pct_koopwoningen": 0.5}  # no koopwoningen in this store at all
    table = need.need_index(_store(), 2024, "wijk", weights)
    assert "z_pct_koopwoningen" not in table.columns and (table["ontbrekend"] == "").all()
    assert table["index"].notna().all()


@pytest.mark.parametrize(("indicator", "value", "reason"), [
    ("inwoners", 150.0, "150 inwoners"),
    ("pct_15_25", 62.3, "62 % 15 tot 25 jaar"),
    ("huishoudens", 1000.0, "5,0 inwoners per huishouden"),
])
def test_atypical_area_keeps_its_index_but_no_rank(indicator: str, value: float, reason: str) -> None:
    data = _store(lambda f: _set(f, "WK034403", indicator, value))
    assert need.atypical_areas(data, 2024, "wijk").to_dict() == {
        c: (reason if c == "WK034403" else "") for c in data.gebieden["code"]}
    table = need.need_index(data, 2024, "wijk", WEIGHTS).set_index("code")
    assert table.loc["WK034403", "atypisch"] == reason and np.isfinite(table.loc["WK034403", "index"])
    assert pd.isna(table.loc["WK034403", "rang"]) and pd.isna(table.loc["WK034403", "deciel"])
    assert table["rang"].max() == 19
    included = need.need_index(data, 2024, "wijk", WEIGHTS, include_atypical=True).set_index("code")
    assert not pd.isna(included.loc["WK034403", "rang"]) and included["rang"].max() == 20
    odd = need.atypical(table.reset_index())
    assert odd["Code"].tolist() == ["WK034403"] and odd["Gerangschikt"].tolist() == ["nee"]
    assert "WK034403" not in set(need.top_per_city(table.reset_index(), n=5)["Code"])


def test_rule_is_stated_in_the_view_and_budget() -> None:
    data = _store(lambda f: _set(f, "WK036301", "pct_15_25", 70.0))
    table = need.need_index(data, 2024, "wijk", WEIGHTS)
    view = need.need_view(data, table, 2024, "wijk", WEIGHTS)
    assert need.ATYPICAL_RULE in view.method_lines and "Afwijkende bevolking" in dict(view.tables)
    result = budget_rules.area_budget(data, "wijk", 1_000_000.0, budget_rules.DEFAULT_DECILE_WEIGHTS, 2.0, WEIGHTS)
    assert any(need.ATYPICAL_RULE in line for line in result.view.method_lines)
    assert any("1 met een afwijkende bevolking" in note for note in result.notes)
    assert pd.isna(result.frame.set_index("code").loc["WK036301", "deciel"])
    with_all = budget_rules.area_budget(data, "wijk", 1_000_000.0, budget_rules.DEFAULT_DECILE_WEIGHTS, 2.0,
                                        WEIGHTS, include_atypical=True)
    assert not pd.isna(with_all.frame.set_index("code").loc["WK036301", "deciel"])


def test_real_store_buurt_coverage_and_science_park(real_store) -> None:
    data = storage.load(real_store.store)
    before = need.need_index(data, 2024, "buurt", OLD_WEIGHTS)
    old = before[before["ontbrekend"] == ""]  # the old rule: every input present
    assert len(old) == 359 and len(before) == 753
    after = need.need_index(data, 2024, "buurt")
    cover = need.coverage(after).set_index("Gemeente")
    old_per_city = old.groupby("gemeente").size()
    assert (cover["Met index"] > old_per_city.reindex(cover.index)).all()
    assert cover["Met index"].sum() >= 700
    # no buurt that had an index under the old rule loses it
    kept = after.set_index("code").loc[old["code"], "index"]
    assert kept.notna().all(), kept[kept.isna()].index.tolist()
    science = after.set_index("code").loc["BU03440533"]
    assert science["naam"] == "Utrecht Science Park" and "15 tot 25 jaar" in science["atypisch"]
    assert pd.isna(science["rang"])
    assert after.sort_values("rang").iloc[0]["atypisch"] == ""


def _frame(at, column: str) -> pd.DataFrame:
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"geen tabel met kolom {column!r}")


def test_vergelijken_toggle_is_a_view_parameter(app_store) -> None:
    from tests.conftest import open_page

    at = open_page("app_pages/vergelijken.py", {"niveau": "buurt", "indeling": "2024"})
    assert not at.exception, at.exception
    assert at.toggle(key="behoefte_atypisch").value is False
    assert any(need.ATYPICAL_RULE in c.value for c in at.caption)
    assert "Invoer gebruikt" in _frame(at, "Rang (1 = hoogste behoefte)").columns
    assert "Met index" in _frame(at, "Gerangschikt").columns
    at.toggle(key="behoefte_atypisch").set_value(True).run()
    assert not at.exception, at.exception
    assert at.query_params["atypisch"] == ["1"] or at.query_params["atypisch"] == "1"
    linked = open_page("app_pages/vergelijken.py", {"niveau": "buurt", "indeling": "2024", "atypisch": "1"})
    assert linked.toggle(key="behoefte_atypisch").value is True


def test_budget_toggle(app_store) -> None:
    from tests.conftest import open_page

    at = open_page("app_pages/budget.py", {"atypisch": "1"})
    assert not at.exception, at.exception
    assert at.toggle(key="behoefte_atypisch").value is True
    assert any("hebben een behoefte-index" in i.value for i in at.info)
