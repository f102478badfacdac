"""AppTest of the Vergelijken and Budgetverdeling pages from the entry point, on a store built from the mini sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kbz_data.analysis import budget, kbz_areas, need
from kbz_data.text import fmt_number
from kbz_data.ui import state as page_state
from tests.conftest import REPO, open_page

APP = str(REPO / "app.py")


def _open_tab(at: AppTest, label: str, key: str = "budget_tabblad") -> AppTest:
    """Open a tab whose content runs only while it is open (st.tabs(on_change="rerun")), as a click on it does."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at: AppTest, column: str):
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"geen tabel met kolom {column!r}")


def _texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "info", "warning") for e in getattr(at, kind))


def test_vergelijken_smoke_and_sources(app_store: Path) -> None:
    at = open_page("app_pages/vergelijken.py")
    assert at.title[0].value == "Vergelijken"
    assert not at.error
    # default: the division of the sidebar's period (2020 for the default indicator), one KBZ area per city
    assert at.selectbox(key="vergelijk_indeling").value == 2020
    # one KBZ area per city: of the mini store's two 2020 wijken only WK034402 (in Ondiep) is in the KBZ table
    expected = sorted({"WK034401", "WK034402"} & kbz_areas.codes(2020, "wijk", deel=None))
    assert expected == ["WK034402"]
    assert at.multiselect(key="vergelijk_codes").value == expected
    table = _table(at, "Ongewogen gemiddelde van de gebieden")
    assert [c for c in table.columns if "WK0344" in c] == ["Naam onbekend · WK034402 (Utrecht)", "Rang WK034402"]
    assert "Bron: RIVM/GGD'en/CBS" in _texts(at)
    # The dot chart is server-made HTML (the plotly one did not fit a phone): one row per indicator, no plotly.js.
    chart = next(h.value for h in at.html if 'class="kbz-dots"' in h.value)
    assert chart.count('class="rij"') > 10 and "Naam onbekend · WK034402 (Utrecht)" in chart
    assert not at.get("plotly_chart")
    # opened without a link: every value is its default, and the URL is left as it was (no history entry)
    assert "indeling" not in at.query_params and "gebieden" not in at.query_params


def test_vergelijken_link_and_choice(app_store: Path) -> None:
    at = open_page("app_pages/vergelijken.py", {"gebieden": "WK034401,WK999999", "indeling": "2020"})
    assert at.multiselect(key="vergelijk_codes").value == ["WK034401"]
    at.multiselect(key="vergelijk_codes").set_value(["WK034401", "WK034402"]).run()
    assert not at.exception
    table = _table(at, "Ongewogen gemiddelde van de gebieden")
    assert {"Rang WK034401", "Rang WK034402"} <= set(table.columns)
    assert at.query_params["gebieden"] == "WK034401,WK034402"


def test_area_and_indicator_searches_match_what_is_typed(app_store: Path) -> None:
    """The area searches (Vergelijken, Wijkprofiel) and the sidebar's indicator box find what is typed as typed
    ("contains"): Streamlit's default "fuzzy" matched "Bijlmer" in "Bedrijventerrein Sloterdijk · Amsterdam" (letters
    in order anywhere), and the Vergelijken box offered "Select 3 matches", which added them all at once."""
    at = open_page("app_pages/vergelijken.py")
    areas = at.multiselect(key=page_state.key("vergelijk_codes")).proto
    contains = areas.DESCRIPTOR.fields_by_name["filter_mode"].enum_type.values_by_name["FILTER_MODE_CONTAINS"].number
    assert areas.filter_mode == contains and areas.select_all == 0
    at.switch_page("app_pages/kaart.py").run()
    assert [b.proto.filter_mode for b in at.sidebar.selectbox if b.label == "Indicator"] == [contains]
    at.switch_page("app_pages/wijkprofiel.py").run()
    assert at.selectbox(key=page_state.key("profiel_code")).proto.filter_mode == contains


def test_vergelijken_need_weights_change_and_reset(app_store: Path) -> None:
    at = open_page("app_pages/vergelijken.py")
    at.selectbox(key="vergelijk_indeling").set_value(2024).run()
    assert not at.exception
    ranks = _table(at, "Rang (1 = hoogste behoefte)")
    assert "Behoefte-index" in ranks.columns and "WK034401" in set(ranks["Code"])
    at.select_slider(key="behoefte_w_2024_woz_waarde").set_value(0.0).run()
    assert not at.exception
    assert not any(c.startswith("z WOZ") for c in _table(at, "Rang (1 = hoogste behoefte)").columns)
    for name in need.need_defaults(2024):  # every input at 0 (woz_waarde already is)
        at.select_slider(key=f"behoefte_w_2024_{name}").set_value(0.0).run()
    assert any("alle gewichten zijn 0" in e.value for e in at.error)
    at.button(key="behoefte_reset_2024").click().run()
    assert not at.error
    assert at.select_slider(key="behoefte_w_2024_woz_waarde").value == need.need_defaults(2024)["woz_waarde"]


def test_vergelijken_buurt_with_flagged_areas(app_store: Path) -> None:
    at = open_page("app_pages/vergelijken.py", {"niveau": "buurt"})
    assert not at.exception
    flagged = _table(at, "Ontbrekende invoer")
    assert "BU03440102" in set(flagged["Code"])


def test_budget_smoke_and_rules_sum(app_store: Path) -> None:
    at = open_page("app_pages/budget.py")
    assert at.title[0].value == "Budgetverdeling"
    assert not at.error
    summary = _table(at, "Concentratie")
    assert summary["Totaal"].tolist() == ["€ 10.000.000,00"] * 3
    # No plotly chart on the Gebieden tab (bars in HTML, maps in SVG), but for the ranked bars of the cities
    # without shapes in the mini store.
    assert {c.key for c in at.get("plotly_chart")} <= {"budget_staaf"}
    bars = next(m.value for m in at.markdown if 'class="kbz-bars"' in m.value)  # per city, HTML
    assert bars.count('class="groep"') == 1 and ">Utrecht<" in bars  # the mini store has Utrecht areas only
    assert bars.count('class="balk"') == 3  # one bar per rule
    _open_tab(at, "Praktijken")
    practices = _table(at, "Ingeschreven patiënten")
    assert abs(practices["Vlak (euro)"].sum() - budget.DEFAULT_BUDGET_EUR) < 0.01
    assert abs(practices["Naar behoefte (euro)"].sum() - budget.DEFAULT_BUDGET_EUR) < 0.01
    assert any("Fictieve demodata" in w.value for w in at.warning)
    _open_tab(at, "Scenario")
    scenario = _table(at, "Vermeden verwijzingen per jaar")
    assert (scenario["Fictief"] == "ja").all()
    assert "budget" not in at.query_params  # the default amount: the URL is left as it was


def test_budget_change_amount_and_weights(app_store: Path) -> None:
    at = open_page("app_pages/budget.py", {"budget": "2500000"})
    assert at.text_input(key="budget_bedrag_tekst").value == "2.500.000"
    at.text_input(key="budget_bedrag_tekst").set_value("1.234.567").run()
    assert not at.exception
    assert _table(at, "Concentratie")["Totaal"].tolist() == ["€ 1.234.567,00"] * 3
    at.select_slider(key="budget_deciel_10").set_value(4.0).run()
    at.select_slider(key="budget_kbz").set_value(3.0).run()
    at.select_slider(key="budget_w_2024_woz_waarde").set_value(2.0).run()
    assert not at.exception and not at.error
    _open_tab(at, "Scenario")
    # Weights are shown in Dutch (st.slider could only show "1.25"); amounts read Dutch notation.
    assert "1,25" in at.select_slider(key="budget_w_2024_woz_waarde").options
    assert {"1,2", "10,0"} <= set(at.select_slider(key="budget_deciel_10").options)
    assert not [o for w in at.select_slider for o in w.options if "." in o]
    at.text_input(key="scenario_kosten_ziekenhuis_tekst").set_value("2000").run()
    assert at.text_input(key="scenario_kosten_ziekenhuis_tekst").value == "2.000"
    for bad, reason in (("12,5", "cijfers achter de komma"), ("abc", "abc"), ("2.000.000", "buiten het toegestane")):
        at.text_input(key="scenario_kosten_ziekenhuis_tekst").set_value(bad).run()
        assert any(reason in e.value and "Het vorige bedrag blijft staan" in e.value for e in at.error), bad
    at.text_input(key="scenario_kosten_ziekenhuis_tekst").set_value("2.000").run()
    assert not at.error
    scenario = _table(at, "Vermeden verwijzingen per jaar")
    zh = scenario[scenario["Verwijzing"] == "Ziekenhuis"]
    assert (zh["Kosten per verwijzing (euro)"] == 2000).all()
    known = zh["Vermeden verwijzingen per jaar"].notna()
    assert ((zh.loc[known, "Besparing per jaar (euro)"] - 2000 * zh.loc[known, "Vermeden verwijzingen per jaar"]).abs()
            < 2000 * 0.051).all()  # both rounded for display
    at.radio(key="budget_niveau").set_value("buurt").run()
    assert not at.exception


def test_budget_page_states_assumptions_and_downloads(app_store: Path) -> None:
    at = open_page("app_pages/budget.py")
    downloads, text = [], ""
    for tab in ("Gebieden", "Praktijken", "Scenario"):  # one Excel download per tab
        _open_tab(at, tab)
        downloads.append(len(at.get("download_button")))
        text += _texts(at)
    assert downloads == [1, 1, 1]
    assert "Geen oorzakelijke claim" in text
    assert "hele centen" in text
    assert "Fictieve demodata" in text


def test_need_weights_survive_the_switch_from_vergelijken_to_budget(app_store: Path) -> None:
    """The weights set on Vergelijken are the Budget page's weights, and a page switch never zeroes them."""
    at = open_page("app_pages/vergelijken.py", {"indeling": "2024"})
    at.select_slider(key="behoefte_w_2024_woz_waarde").set_value(2.5).run()
    at.switch_page("app_pages/budget.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.select_slider(key="budget_w_2024_woz_waarde").value == 2.5
    default = need.need_defaults(2024)["inkomen_per_inwoner"]
    assert at.select_slider(key="budget_w_2024_inkomen_per_inwoner").value == default
    at.switch_page("app_pages/vergelijken.py").run()
    assert at.select_slider(key="behoefte_w_2024_woz_waarde").value == 2.5


@pytest.mark.parametrize(("typed", "amount"), [
    ("25.000.000", 25_000_000), ("25 000 000", 25_000_000), ("25000000", 25_000_000),
    ("€ 25.000.000,00", 25_000_000),
])
def test_budget_amount_reads_dutch_notation(app_store: Path, typed: str, amount: int) -> None:
    at = open_page("app_pages/budget.py", {"budget": "2500000"})
    at.text_input(key="budget_bedrag_tekst").set_value(typed).run()
    assert not at.exception and not at.error
    assert at.query_params["budget"] == str(amount)
    assert at.text_input(key="budget_bedrag_tekst").value == fmt_number(amount)
    assert _table(at, "Concentratie")["Totaal"].tolist() == [f"€ {fmt_number(amount)},00"] * 3


@pytest.mark.parametrize("typed", ["25.000,5.0", "1e7", "²", "25.5", "-5", "", "20.000.000.000", "25.000,5"])
def test_budget_amount_refuses_ambiguous_input_with_a_message(app_store: Path, typed: str) -> None:
    at = open_page("app_pages/budget.py", {"budget": "2500000"})
    at.text_input(key="budget_bedrag_tekst").set_value(typed).run()
    assert not at.exception
    assert [e.value for e in at.error if e.value.startswith("Bedrag niet overgenomen")], typed
    assert at.query_params["budget"] == "2500000"  # the previous amount stays in force
