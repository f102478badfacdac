"""Vergelijken: wijken or buurten of the four cities side by side on one scale, the need index (with weights the
user sets, a map to pick areas from) and "vergelijkbare wijken" in the other cities. Links: ?gebieden=A,B&indeling=N.
"""

from __future__ import annotations

import streamlit as st

from kbz_data.analysis import insurer, need
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.ui import cached
from kbz_data.ui import state as page_state
from kbz_data.ui.widgets import legend_html, need_weight_sliders

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
    divisions = cached.insurer_division_choices(store_dir, built, niveau)
except KbzDataError as exc:
    st.error(f"De gegevensopslag is niet leesbaar: {exc}")
    st.stop()
if not divisions:
    st.info(f"Er zijn geen cijfers op {niveau}niveau in deze opslag.")
    st.stop()

st.selectbox(
    "Gebiedsindeling", divisions, key=page_state.key("vergelijk_indeling"), format_func=lambda d: f"Indeling {d}",
    help="Cijfers worden alleen binnen één CBS-gebiedsindeling vergeleken. Indeling 2020: Gezondheidsmonitor 2020 en"
         " SES-WOA; indeling 2024: Kerncijfers wijken en buurten 2024 (inwoners, inkomen, WOZ).",
)

try:
    options = cached.insurer_area_options(store_dir, built, indeling, niveau)
except KbzDataError as exc:
    st.error(f"De gebieden konden niet worden gelezen: {exc}")
    st.stop()
codes = options["code"].tolist()
labels = dict(zip(options["code"], options["keuze"], strict=True))

# A click on the need-index map adds that area (each click once; the last click per map is remembered).
clicked = st.session_state.setdefault("_vergelijk_klik", {})
for city in [*GEMEENTEN.values(), "stad"]:
    event = st.session_state.get(f"behoefte_kaart_{city}")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    location = points[0].get("location") if points else None
    if location and clicked.get(city) != location:
        clicked[city] = location
        chosen_now = page_state.value("vergelijk_codes")
        if location in labels and location not in chosen_now:
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
    ["⚖️ Gebieden naast elkaar", "🎯 Behoefte-index", "🔎 Vergelijkbare wijken"])

with naast_tab:
    st.multiselect(
        "Gebieden (zoek op naam of code)", codes, key=page_state.key("vergelijk_codes"),
        format_func=lambda c: labels.get(c, c),
        placeholder="Kies wijken of buurten",
        help="Typ een deel van de naam of de CBS-code. Je kunt ook op de kaart in het tabblad Behoefte-index klikken,"
             " of vergelijkbare wijken toevoegen.",
    )
    result = None
    if not chosen:
        st.info("Kies hierboven één of meer gebieden om ze te vergelijken.")
    else:
        try:
            result = cached.insurer_comparison(store_dir, built, indeling, niveau, tuple(chosen))
        except KbzDataError as exc:
            st.error(f"De vergelijking kan niet worden gemaakt: {exc}")
            result = None
    if result is not None:
        st.subheader("Positie onder alle gebieden van de vier steden")
        st.plotly_chart(cached.insurer_comparison_figure(store_dir, built, indeling, niveau, tuple(chosen)),
                        key="vergelijk_figuur", config={"displaylogo": False})
        st.caption(" ".join(result["regels"][1:]))
        st.subheader("Alle indicatoren")
        st.dataframe(result["tabel"], hide_index=True, width="stretch", key="vergelijk_tabel")
        sheets = [("Vergelijking", result["tabel"])]
        lines = list(result["regels"])
        try:
            similar = cached.insurer_similar(store_dir, built, reference, indeling, niveau)
            sheets.append(("Vergelijkbare wijken", similar))
            lines += insurer.similar_lines(data, indeling)
        except KbzDataError:
            pass  # the reference area lacks a similarity input, or the division has none: no second sheet
        st.download_button(
            "Download Excel", lambda sheets=sheets, lines=lines: insurer.workbook(sheets, lines), key="vergelijk_xlsx",
            file_name=f"kbz_vergelijking_{niveau}_indeling{indeling}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

with behoefte_tab:
    table = None
    if indeling not in need.NEED_INPUTS:
        st.info(f"Voor indeling {indeling} is er geen behoefte-index: die bestaat voor indeling"
                f" {' en '.join(str(d) for d in need.NEED_INPUTS)}. Kies een andere gebiedsindeling.")
    else:
        st.markdown(insurer.NEED_METHOD + " Verschuif de gewichten om te zien hoe de rangorde verandert.")
        weights = need_weight_sliders(data, indeling, reset_key=f"behoefte_reset_{indeling}")
        key_weights = tuple(sorted(weights.items()))
        try:
            table = cached.insurer_need(store_dir, built, indeling, niveau, key_weights)
            view = cached.insurer_need_map(store_dir, built, indeling, niveau, gemeente, key_weights)
        except KbzDataError as exc:
            st.error(f"De behoefte-index kan niet worden berekend: {exc}")
            table = None
    if table is not None:
        lines = insurer.need_lines(data, indeling, niveau, weights)
        scored = int(table["index"].notna().sum())
        m1, m2, m3 = st.columns(3)
        m1.metric("Gebieden met een index", f"{scored}")
        m2.metric("Gemarkeerd (invoer ontbreekt)", f"{len(table) - scored}")
        m3.metric("Niveau en indeling", f"{niveau}, {indeling}")
        for note in view.notes:
            st.info(note)
        st.caption("Donkerder = hogere behoefte; grijs = onbekend (invoer ontbreekt); zwarte rand = KBZ-gebied. Klik"
                   " op een gebied om het aan de vergelijking toe te voegen.")
        maps = [(n, f) for n, f in view.panels if n != "staaf"]
        columns = st.columns(len(maps)) if len(maps) > 1 else [st.container()]
        for column, (name, figure) in zip(columns, maps):
            column.plotly_chart(figure, key=f"behoefte_kaart_{name or 'stad'}", on_select="rerun",
                                selection_mode="points", config={"displaylogo": False, "scrollZoom": True})
        if view.legend:
            st.markdown(legend_html(f"{insurer.NEED_LABEL} (kwintielen)", view.legend), unsafe_allow_html=True)
        for name, figure in view.panels:
            if name == "staaf":
                st.plotly_chart(figure, key="behoefte_staaf", config={"displaylogo": False})
        st.caption(lines[3])
        st.subheader("Hoogste behoefte per stad")
        st.dataframe(insurer.top_per_city(table), hide_index=True, width="stretch", key="behoefte_top")
        st.subheader("Alle gebieden")
        display = insurer.need_display(data, table)
        st.dataframe(display, hide_index=True, width="stretch", key="behoefte_tabel")
        missing = insurer.flagged(table)
        if not missing.empty:
            with st.expander(f"{len(missing)} gebied(en) zonder index: een invoercijfer ontbreekt"):
                st.dataframe(missing, hide_index=True, width="stretch", key="behoefte_gemarkeerd")
        st.download_button(
            "Download Excel", lambda d=display, m=missing, x=lines: insurer.workbook([("Behoefte-index", d), ("Gemarkeerd", m)], x),
            key="behoefte_xlsx", file_name=f"kbz_behoefte_index_{niveau}_indeling{indeling}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

with vergelijkbaar_tab:
    inputs = need.SIMILARITY_INPUTS.get(indeling)
    if not inputs:
        st.info(f"Voor indeling {indeling} zijn er geen vergelijkingsindicatoren; die bestaan voor indeling"
                f" {' en '.join(str(d) for d in need.SIMILARITY_INPUTS)}.")
    elif not chosen:
        st.info("Kies in het tabblad 'Gebieden naast elkaar' één of meer gebieden; de vergelijkbare wijken worden"
                " gezocht bij een van die gebieden.")
    else:
        st.markdown(insurer.SIMILAR_METHOD + " Indicatoren: "
                    + ", ".join(f"{data.meta.loc[i, 'label']} ({j})" for i, j in inputs.items()) + ".")
        st.selectbox("Gebied (een van de gekozen gebieden)", chosen, key=page_state.key("vergelijk_referentie"),
                     format_func=lambda c: labels.get(c, c))
        try:
            similar = cached.insurer_similar(store_dir, built, reference, indeling, niveau)
        except KbzDataError as exc:
            st.warning(f"Voor dit gebied kunnen geen vergelijkbare wijken worden gezocht: {exc}")
        else:
            st.dataframe(similar, hide_index=True, width="stretch", key="vergelijkbaar_tabel")
            st.caption(" ".join(insurer.similar_lines(data, indeling)) + " Afstand 0 = het gekozen gebied zelf.")
            st.button("Zet deze gebieden in de vergelijking", key="vergelijkbaar_toevoegen", on_click=add_codes,
                      args=(similar["Code"].tolist(),))
