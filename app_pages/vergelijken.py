"""Vergelijken: wijken or buurten of the four cities side by side on one scale, the need index (with weights the
user sets, a map to pick areas from) and "vergelijkbare wijken" in the other cities. Links: ?gebieden=A,B&indeling=N.
"""

from __future__ import annotations

import streamlit as st

from kbz_data.analysis import compare, need
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.text import aantal, public_message
from kbz_data.ui import cached
from kbz_data.ui import state as page_state
from kbz_data.ui.downloads import xlsx_button
from kbz_data.ui.panels import show_map_view
from kbz_data.ui.svgmap import clicked_area
from kbz_data.ui.widgets import need_weight_sliders, show_table

store_dir = st.session_state["store_dir"]
niveau = page_state.value("niveau")
gemeente = page_state.value("gemeente")
indeling = page_state.value("vergelijk_indeling")  # None when this level has no figures

st.title("Vergelijken")
st.markdown(
    "Zet wijken of buurten uit de vier grote steden naast elkaar op één schaal: elke indicator van één"
    " gebiedsindeling, het gemiddelde van de vier steden en de rang van elk gebied onder alle gebieden van de vier"
    " steden. Het niveau (wijk of buurt) volgt de zijbalk."
)

try:
    built = cached.build_info(store_dir)["gebouwd"]
    data = cached.store_data(store_dir, built)
    divisions = cached.division_choices(store_dir, built, niveau)
except KbzDataError as exc:
    st.error(f"De gegevensopslag is niet leesbaar: {public_message(exc)}")
    st.stop()
if not divisions:
    st.info(f"Er zijn geen cijfers op {niveau}niveau in deze opslag.")
    st.stop()

st.selectbox(
    "Gebiedsindeling", divisions, key=page_state.key("vergelijk_indeling"),
    placeholder="Kies een indeling", format_func=lambda d: f"Indeling {d}",
    help="Cijfers worden alleen binnen één CBS-gebiedsindeling vergeleken. Indeling 2020: Gezondheidsmonitor 2020 en"
         " SES-WOA; indeling 2024: Kerncijfers wijken en buurten 2024 (inwoners, inkomen, WOZ).",
)

try:
    options = cached.area_options(store_dir, built, indeling, niveau)
except KbzDataError as exc:
    st.error(f"De gebieden konden niet worden gelezen: {public_message(exc)}")
    st.stop()
codes = options["code"].tolist()
labels = dict(zip(options["code"], options["keuze"], strict=True))

# A click on the need-index map adds that area (a click is a one-run trigger: read before the widgets are drawn).
for city in [*GEMEENTEN.values(), "stad"]:
    location = clicked_area(f"behoefte_kaart_{city}")
    chosen_now = page_state.value("vergelijk_codes")
    if location and location in labels and location not in chosen_now:
        page_state.set_value("vergelijk_codes", [*chosen_now, location])
        st.toast(f"{labels[location].split(' · ')[0]} toegevoegd aan de vergelijking")
chosen = list(page_state.value("vergelijk_codes"))
# "Vergelijkbare wijken" starts from one of the chosen areas (the first unless another one is picked there); the
# Excel download of the comparison uses the same area.
reference = page_state.value("vergelijk_referentie")
if reference not in chosen:
    reference = chosen[0] if chosen else None
    page_state.set_value("vergelijk_referentie", reference)


def add_codes(new: list[str]) -> None:
    """Button callback: add areas to the comparison (runs before the widgets are drawn)."""
    current = page_state.value("vergelijk_codes")
    page_state.set_value("vergelijk_codes", [*current, *[c for c in new if c not in current]])


naast_tab, behoefte_tab, vergelijkbaar_tab = st.tabs(
    ["Naast elkaar", "Behoefte-index", "Vergelijkbaar"])

with naast_tab:
    st.multiselect(
        "Gebieden (zoek op naam of code)", codes, key=page_state.key("vergelijk_codes"),
        format_func=lambda c: labels.get(c, c),
        placeholder="Kies wijken of buurten",
        # what is typed, as typed ("fuzzy" matched "Bijlmer" in "Bedrijventerrein Sloterdijk · Amsterdam"), and no
        # "Select N matches" that adds every match at once
        filter_mode="contains", select_all=False,
        help="Typ een deel van de naam of de CBS-code. Je kunt ook op de kaart in het tabblad Behoefte-index klikken,"
             " of vergelijkbare wijken toevoegen.",
    )
    result = None
    if not chosen:
        st.info("Kies hierboven één of meer gebieden om ze te vergelijken.")
    else:
        try:
            result = cached.comparison_view(store_dir, built, indeling, niveau, tuple(chosen))
        except KbzDataError as exc:
            st.error(f"De vergelijking kan niet worden gemaakt: {public_message(exc)}")
            result = None
    if result is not None:
        st.header("Positie onder alle gebieden van de vier steden")
        st.html(result.figure)
        st.caption(result.footnote)
        st.header("Alle indicatoren")
        show_table(result.table, key="vergelijk_tabel")
        export_view = result
        # the similar areas of the area the "Vergelijkbare wijken" tab shows, so the sheet equals that tab
        try:
            similar = cached.similar_areas(store_dir, built, reference, indeling, niveau)
            export_view = compare.with_similar(result, similar, compare.similar_lines(data, indeling))
        except KbzDataError:
            pass  # the reference area lacks a similarity input, or the division has none: no second sheet
        xlsx_button(export_view, key="vergelijk_xlsx")

with behoefte_tab:
    table = None
    if indeling not in need.NEED_INPUTS:
        st.info(f"Voor indeling {indeling} is er geen behoefte-index: die bestaat voor indeling"
                f" {' en '.join(str(d) for d in need.NEED_INPUTS)}. Kies een andere gebiedsindeling.")
    else:
        st.markdown(need.NEED_METHOD + " Verschuif de gewichten om te zien hoe de rangorde verandert.")
        weights = need_weight_sliders(data, indeling, reset_key=f"behoefte_reset_{indeling}")
        key_weights = tuple(sorted(weights.items()))
        atypisch = st.toggle("Gebieden met een afwijkende bevolking meerangschikken",
                             key=page_state.key("behoefte_atypisch"), help=need.ATYPICAL_RULE)
        try:
            table = cached.need_table(store_dir, built, indeling, niveau, key_weights, atypisch)
            need_result = cached.need_view(store_dir, built, indeling, niveau, key_weights, atypisch)
            view = cached.need_map(store_dir, built, indeling, niveau, gemeente, key_weights, atypisch)
        except KbzDataError as exc:
            st.error(f"De behoefte-index kan niet worden berekend: {public_message(exc)}")
            table = None
    if table is not None:
        scored = int(table["index"].notna().sum())
        m1, m2, m3, m4 = st.columns(4)
        m1.metric("Gebieden met een index", f"{scored} van {len(table)}")
        m2.metric("Zonder index (te weinig invoer)", f"{len(table) - scored}")
        m3.metric("Afwijkende bevolking", f"{int((table['atypisch'] != '').sum())}")
        m4.metric("Niveau en indeling", f"{niveau}, {indeling}")
        st.caption(need.ATYPICAL_RULE)
        for note in view.notes:
            st.info(note)
        st.caption("Donkerder = hogere behoefte; grijs = onbekend (invoer ontbreekt); zwarte rand = KBZ-gebied. Klik"
                   " op een gebied om het aan de vergelijking toe te voegen.")
        show_map_view(view, "behoefte", f"{need.NEED_LABEL} (kwintielen)", selectable=True)
        st.caption(need_result.sources)
        st.header("Hoogste behoefte per stad")
        show_table(need.top_per_city(table), key="behoefte_top")
        st.header("Alle gebieden")
        tables = dict(need_result.tables)
        show_table(tables["Behoefte-index"], key="behoefte_tabel")
        missing = tables["Gemarkeerd"]
        if not missing.empty:
            with st.expander(f"{aantal(len(missing), 'gebied', 'gebieden')} zonder index: te weinig invoercijfers"):
                show_table(missing, key="behoefte_gemarkeerd")
        odd = tables["Afwijkende bevolking"]
        if not odd.empty:
            with st.expander(f"{aantal(len(odd), 'gebied', 'gebieden')} met een afwijkende bevolking"):
                show_table(odd, key="behoefte_atypisch_tabel")
        with st.expander("Dekking van de behoefte-index per stad"):
            show_table(need.coverage(table), key="behoefte_dekking")
        xlsx_button(need_result, key="behoefte_xlsx")

with vergelijkbaar_tab:
    inputs = need.SIMILARITY_INPUTS.get(indeling)
    if not inputs:
        st.info(f"Voor indeling {indeling} zijn er geen vergelijkingsindicatoren; die bestaan voor indeling"
                f" {' en '.join(str(d) for d in need.SIMILARITY_INPUTS)}.")
    elif not chosen:
        st.info("Kies in het tabblad 'Gebieden naast elkaar' één of meer gebieden; de vergelijkbare wijken worden"
                " gezocht bij een van die gebieden.")
    else:
        method_line, sources_line = compare.similar_lines(data, indeling)
        st.markdown(method_line)
        st.selectbox("Gebied (een van de gekozen gebieden)", chosen, key=page_state.key("vergelijk_referentie"),
                     placeholder="Kies een gebied",
                     format_func=lambda c: labels.get(c, c))
        try:
            similar = cached.similar_areas(store_dir, built, reference, indeling, niveau)
        except KbzDataError as exc:
            st.warning(f"Voor dit gebied kunnen geen vergelijkbare wijken worden gezocht: {public_message(exc)}")
        else:
            show_table(similar, key="vergelijkbaar_tabel")
            st.caption(f"{sources_line} Afstand 0 = het gekozen gebied zelf.")
            st.button("Zet deze gebieden in de vergelijking", key="vergelijkbaar_toevoegen", on_click=add_codes,
                      args=(similar["Code"].tolist(),))
