"""Budgetverdeling: a fixed yearly budget split over the areas of the four cities or over the KBZ practices under
rules side by side, how concentrated each split is, and an "avoided referrals" scenario from the practice figures.
Link: ?budget=10000000.
"""

from __future__ import annotations

import streamlit as st

from kbz_data.analysis import budget as rules
from kbz_data.analysis import need as need_rules
from kbz_data.analysis import scenario
from kbz_data.errors import KbzDataError
from kbz_data.practice import analysis
from kbz_data.practice.access import Viewer, safe_table
from kbz_data.practice.errors import KbzPracticeStoreError
from kbz_data.text import UNKNOWN, euro, fmt_number, public_message
from kbz_data.ui import auth, cached
from kbz_data.ui import state as page_state
from kbz_data.ui.downloads import xlsx_button
from kbz_data.ui.panels import show_map_view
from kbz_data.ui.widgets import (
    amount_input,
    euro_input,
    need_weight_sliders,
    reset_need_weights,
    saved_need_weights,
    show_table,
    weight_slider,
    weight_steps,
)

store_dir = st.session_state["store_dir"]
gemeente = page_state.value("gemeente")
state = st.session_state
INDELING = rules.BUDGET_INDELING
DECILE_STEPS = weight_steps(10.0, 0.1)  # weight per inhabitant of a need decile: 0 to 10 by 0,1
KBZ_STEPS = weight_steps(10.0, 0.25)

st.title("Budgetverdeling")
st.markdown(
    "Hoe zou een vast jaarbudget (bijvoorbeeld voor huisartsenzorg of wijkteams) over de wijken of buurten van de vier"
    " steden, of over de KBZ-praktijken, verdeeld worden onder verschillende regels? Krachtige Basiszorg pleit voor"
    " relatief meer geld waar de behoefte het hoogst is. Alle regels staan naast elkaar; elke verdeling telt tot op de"
    " cent op tot het budget. Dit is een rekenvoorbeeld, geen advies."
)

try:
    built = cached.build_info(store_dir)["gebouwd"]
    data = cached.store_data(store_dir, built)
except KbzDataError as exc:
    st.error(f"De gegevensopslag is niet leesbaar: {public_message(exc)}")
    st.stop()

left, right = st.columns([2, 1])
budget = amount_input("Budget (euro per jaar)", "budget_bedrag", left,
                      help="Hele euro's; punten of spaties tussen duizendtallen mogen (25.000.000 of 25 000 000).")
niveau = right.radio("Verdelen over", ["wijk", "buurt"], key=page_state.key("budget_niveau"), horizontal=True,
                     format_func=lambda n: f"{n}en".capitalize(),
                     help=f"Gebieden van gebiedsindeling {INDELING}: de enige met inwonersaantallen voor alle vier"
                          " steden.")
left.caption(f"{euro(budget)} per jaar")

with st.expander("Gewichten van de regels en van de behoefte-index", expanded=False):
    st.markdown("**Gewicht per inwoner naar behoeftedeciel** (10 = de 10% gebieden met de hoogste behoefte)")

    def reset() -> None:
        for d, w in rules.DEFAULT_DECILE_WEIGHTS.items():
            state[f"budget_deciel_{d}"] = w
        state["budget_kbz"] = rules.DEFAULT_KBZ_WEIGHT
        reset_need_weights(INDELING, prefix="budget")

    columns = [c for _row in range(2) for c in st.columns(5)]  # ten sliders in one row are too narrow
    for column, (d, w) in zip(columns, rules.DEFAULT_DECILE_WEIGHTS.items(), strict=True):
        state.setdefault(f"budget_deciel_{d}", w)
        weight_slider(f"Deciel {d}", DECILE_STEPS, f"budget_deciel_{d}", column)
    state.setdefault("budget_kbz", rules.DEFAULT_KBZ_WEIGHT)
    weight_slider("Gewicht per inwoner van een KBZ-gebied (overige gebieden 1)", KBZ_STEPS, "budget_kbz")
    st.markdown(f"**Behoefte-index** (gebiedsindeling {INDELING}; dezelfde gewichten als op de pagina Vergelijken)")
    need_weight_sliders(data, INDELING, prefix="budget")
    st.button("Standaardgewichten herstellen", key="budget_reset", on_click=reset)

deciles = tuple((d, float(state[f"budget_deciel_{d}"])) for d in range(1, 11))
kbz_weight = float(state["budget_kbz"])
need_weights = tuple(sorted(saved_need_weights(INDELING).items()))

# Only the open tab's content runs (on_change="rerun"): the practice and scenario charts are plotly charts, and a
# plotly chart anywhere on the page, even in a hidden tab, makes the browser load plotly.js (4,7 MB) first.
gebieden_tab, praktijken_tab, scenario_tab = st.tabs(
    ["Gebieden", "Praktijken", "Scenario"], key="budget_tabblad", on_change="rerun")


def gebieden() -> None:
    """The Gebieden tab: the split over the wijken or buurten under each rule, per city and on the map."""
    atypisch = st.toggle("Gebieden met een afwijkende bevolking toch een deciel geven",
                         key=page_state.key("behoefte_atypisch"), help=need_rules.ATYPICAL_RULE)
    try:
        result = cached.area_budget(store_dir, built, niveau, float(budget), deciles, kbz_weight, need_weights,
                                    atypisch)
    except KbzDataError as exc:
        st.error(f"De verdeling kan niet worden berekend: {public_message(exc)}")
        result = None
    if result is not None:
        st.header("Hoe geconcentreerd is elke verdeling?")
        show_table(rules.summary_display(result.summary), key="budget_samenvatting")
        st.caption("Regels: per inwoner; naar behoefte = per inwoner, gewogen naar behoeftedeciel; KBZ-gewicht = per"
                   " inwoner, extra gewicht voor KBZ-gebieden. Hoogste 20%: het deel van het budget dat naar de"
                   " gebieden met de hoogste behoefte-index gaat, samen 20% van de inwoners (bij een vlakke verdeling"
                   " precies 20%). Concentratie (concentratie-index): 0 = vlak, positief = meer geld waar de behoefte"
                   " hoger is.")
        for note in result.notes:
            st.info(note)
        st.header("Per stad")
        st.markdown("Euro per inwoner per jaar onder elke regel.")
        bars = cached.budget_city_bars(store_dir, built, niveau, float(budget), deciles, kbz_weight, need_weights,
                                       atypisch)
        st.markdown(bars, unsafe_allow_html=True)
        st.caption(result.view.sources)
        st.header("Op de kaart")
        rule = st.radio("Regel", ["naar_behoefte", "kbz"], key="budget_kaart_regel", horizontal=True,
                        format_func=rules.RULES.get)
        try:
            view = cached.budget_map(store_dir, built, niveau, gemeente, rule, float(budget), deciles,
                                             kbz_weight, need_weights, atypisch)
        except KbzDataError as exc:
            st.error(f"De kaart kan niet worden gemaakt: {public_message(exc)}")
            view = None
        if view is not None:
            for note in view.notes:
                st.info(note)
            st.caption("Verschil per inwoner met de vlakke verdeling per inwoner: donkerder = meer geld dan bij een"
                       " vlakke verdeling; grijs = onbekend; zwarte rand = KBZ-gebied.")
            show_map_view(view, "budget", "Verschil met de verdeling per inwoner (euro per inwoner)")
            st.caption(view.source_line)
        st.header("Per gebied")
        show_table(result.view.table, key="budget_tabel")
        st.markdown("**Aannames**\n" + "\n".join(f"- {line}" for line in result.view.method_lines))
        xlsx_button(result.view, key="budget_xlsx")

# Practice tab and scenario: what the viewer may see (kbz_data.practice.budget_access): named for the beheerder,
# the fictitious demo set for a visitor who is not logged in, own practices named and the rest summed otherwise.
try:
    viewer = auth.who(store_dir).viewer or Viewer.anonymous()
    rol, bound = cached.viewer_args(viewer)
    praktijk_state = cached.praktijk_state(store_dir, rol)
    practice_error = None
except KbzDataError as exc:
    practice_error = public_message(exc)



def praktijken() -> None:
    """The Praktijken tab: the budget over the KBZ practices, as far as the viewer may see them."""
    try:
        if practice_error:
            raise KbzPracticeStoreError(practice_error)
        presult = cached.practice_budget(store_dir, built, praktijk_state, rol, bound, float(budget), deciles,
                                         need_weights)
    except KbzDataError as exc:
        st.error(f"De verdeling over de praktijken kan niet worden berekend: {public_message(exc)}")
        presult = None
    if presult is not None:
        if presult.fictief:
            st.warning(f"**{analysis.FICTIEF_WARNING}** De verdeling over de praktijken is daarom ook fictief.",
                       icon=":material/warning:")
        st.markdown("Het budget over de KBZ-praktijken per ingeschreven patiënt (laatste kwartaal), vlak en gewogen"
                    " naar het behoeftedeciel van de hoofdwijk van de praktijk (zelfde decielgewichten als hierboven).")
        st.dataframe(rules.summary_display(presult.summary), hide_index=True, width="stretch",
                     key="budget_praktijk_samenvatting", placeholder=UNKNOWN)
        for note in presult.notes:
            st.info(note)
        st.plotly_chart(cached.practice_budget_figure(store_dir, built, praktijk_state, rol, bound, float(budget),
                                                      deciles, need_weights),
                        key="budget_praktijk_figuur", config={"displaylogo": False})
        st.caption(("Fictieve demodata. " if presult.fictief else "") + presult.view.sources)
        st.dataframe(safe_table(presult.view.table), hide_index=True, width="stretch", key="budget_praktijk_tabel",
                     placeholder=UNKNOWN)
        st.markdown("**Aannames**\n" + "\n".join(f"- {line}" for line in presult.view.method_lines))
        xlsx_button(presult.view, key="budget_praktijk_xlsx",
                    before=auth.export_audit(store_dir, viewer, "budget over praktijken"))



def verwijzingen() -> None:
    """The Scenario tab: referrals before and after the KBZ start, priced as avoided referrals."""
    st.markdown(
        "Verwijzingen naar het ziekenhuis en de GGZ per 1.000 ingeschreven patiënten per jaar, vóór en na de"
        " KBZ-start van elke praktijk, en wat het verschil zou betekenen als je het als vermeden verwijzingen"
        " telt. **Een rekenvoorbeeld, geen effectmeting.**"
    )
    c1, c2 = st.columns(2)
    cost_zh = euro_input("Kosten per verwijzing naar het ziekenhuis (euro)", "scenario_kosten_ziekenhuis",
                         int(scenario.DEFAULT_REFERRAL_COSTS["verwijzingen_ziekenhuis"]), 0, 1_000_000, c1)
    cost_ggz = euro_input("Kosten per verwijzing naar de GGZ (euro)", "scenario_kosten_ggz",
                          int(scenario.DEFAULT_REFERRAL_COSTS["verwijzingen_ggz"]), 0, 1_000_000, c2)
    costs = (("verwijzingen_ggz", float(cost_ggz)), ("verwijzingen_ziekenhuis", float(cost_zh)))
    try:
        if practice_error:
            raise KbzPracticeStoreError(practice_error)
        view = cached.scenario_view(store_dir, praktijk_state, rol, bound, costs)
    except KbzDataError as exc:
        st.error(f"Het scenario kan niet worden berekend: {public_message(exc)}")
        view = None
    if view is not None:
        if view.fictief:
            st.warning(f"**{analysis.FICTIEF_WARNING}** De uitkomst van dit scenario zegt niets over echte"
                       " praktijken.", icon=":material/warning:")
        totals = dict(view.tables)["Totalen"]
        m = st.columns(len(totals) * 2)
        for i, row in enumerate(totals.itertuples(index=False)):
            m[2 * i].metric(f"{row.Verwijzing}: vermeden per jaar", fmt_number(row[2]),
                            help="Vermeden verwijzingen per jaar, opgeteld over de praktijken.")
            m[2 * i + 1].metric(f"{row.Verwijzing}: besparing per jaar", euro(row[3]))
        kind = st.radio("Verwijzing", list(scenario.REFERRAL_LABELS), key="scenario_soort", horizontal=True,
                        format_func=scenario.REFERRAL_LABELS.get)
        st.plotly_chart(cached.scenario_figure(store_dir, praktijk_state, rol, bound, costs, kind),
                        key="scenario_figuur", config={"displaylogo": False})
        st.caption(("Fictieve demodata. " if view.fictief else "") + view.sources)
        st.dataframe(safe_table(view.table), hide_index=True, width="stretch", key="scenario_tabel",
                     placeholder=UNKNOWN)
        st.markdown("**Aannames**\n" + "\n".join(f"- {line}" for line in view.method_lines))
        xlsx_button(view, key="scenario_xlsx", before=auth.export_audit(store_dir, viewer, "scenario verwijzingen"))


with gebieden_tab:
    if gebieden_tab.open:
        gebieden()
with praktijken_tab:
    if praktijken_tab.open:
        praktijken()
with scenario_tab:
    if scenario_tab.open:
        verwijzingen()
