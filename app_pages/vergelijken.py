"""Vergelijken: wijken or buurten of the four cities side by side on one scale, the need index (with weights the
user sets, a map to pick areas from) and "vergelijkbare wijken" in the other cities. Links: ?gebieden=A,B&indeling=N.
"""

from __future__ import annotations

import streamlit as st

from kbz_data.analysis import compare, need
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.text import public_message
from kbz_data.ui import cached
from kbz_data.ui.downloads import xlsx_button
from kbz_data.ui.panels import show_map_view

store_dir = st.session_state["store_dir"]
niveau = st.session_state.get("niveau", "wijk")
gemeente = st.session_state.get("gemeente", "G4")
state = st.session_state
params = st.query_params
WEIGHTS = "_behoefte_gewichten"  # {indeling: {indicator: weight}}, kept across pages (widget state is not)

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

if "vergelijk_indeling" not in state:
    wanted = params.get("indeling")
    sidebar = int(str(state.get("periode", "0-0")).split("-")[1])
    state["vergelijk_indeling"] = next(
        (d for d in (int(wanted) if wanted and wanted.isdigit() else None, sidebar) if d in divisions), divisions[0])
if state["vergelijk_indeling"] not in divisions:
    state["vergelijk_indeling"] = divisions[0]
indeling = st.selectbox(
    "Gebiedsindeling", divisions, key="vergelijk_indeling", format_func=lambda d: f"Indeling {d}",
    help="Cijfers worden alleen binnen één CBS-gebiedsindeling vergeleken. Indeling 2020: Gezondheidsmonitor 2020 en"
         " SES-WOA; indeling 2024: Kerncijfers wijken en buurten 2024 (inwoners, inkomen, WOZ).",
)

try:
    options = cached.area_options(store_dir, built, indeling, niveau)
except KbzDataError as exc:
    st.error(f"De gebieden konden niet worden gelezen: {public_message(exc)}")
    st.stop()
codes = options["code"].tolist()
labels = dict(zip(options["code"], options["keuze"]))

# Choice of areas: from the link once, else one KBZ area per city; cleaned when the division or level changes.
context = (indeling, niveau)
if "vergelijk_codes" not in state or state.get("_vergelijk_context") != context:
    previous = state.get("_vergelijk_keep", [])
    if "_vergelijk_context" not in state and params.get("gebieden"):
        previous = [c.strip().upper() for c in params["gebieden"].split(",")]
    kept = [c for c in previous if c in labels]
    state["vergelijk_codes"] = kept or cached.default_selection(store_dir, built, indeling, niveau)
    state["_vergelijk_context"] = context
# A click on the need-index map adds that area (each click once).
clicked = state.setdefault("_vergelijk_klik", {})
for city in [*GEMEENTEN.values(), "stad"]:
    event = state.get(f"behoefte_kaart_{city}")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    location = points[0].get("location") if points else None
    if location and clicked.get(city) != location:
        clicked[city] = location
        if location in labels and location not in state["vergelijk_codes"]:
            state["vergelijk_codes"] = [*state["vergelijk_codes"], location]
            st.toast(f"{labels[location].split(' · ')[0]} toegevoegd aan de vergelijking")
state["vergelijk_codes"] = [c for c in state["vergelijk_codes"] if c in labels]


def add_codes(new: list[str]) -> None:
    """Button callback: add areas to the comparison (runs before the widgets are drawn)."""
    state["vergelijk_codes"] = [*state["vergelijk_codes"], *[c for c in new if c not in state["vergelijk_codes"]]]


def need_weight_inputs(div: int) -> dict[str, float]:
    """Sliders for the need-index weights of a division, kept in session state across pages."""
    defaults = need.need_defaults(div)
    saved = state.setdefault(WEIGHTS, {}).setdefault(div, dict(defaults))

    def reset() -> None:
        for name, weight in defaults.items():
            state[f"behoefte_w_{div}_{name}"] = weight

    columns = st.columns(len(defaults))
    for column, name in zip(columns, defaults):
        key = f"behoefte_w_{div}_{name}"
        if key not in state:
            state[key] = float(saved.get(name, defaults[name]))
        column.slider(
            f"{data.meta.loc[name, 'label']}", 0.0, 3.0, step=0.25, key=key,
            help=f"{need.need_direction_text(data, name)}; standaardgewicht {defaults[name]:g}. 0 = niet meetellen.",
        )
        saved[name] = float(state[key])
    st.button("Standaardgewichten herstellen", key=f"behoefte_reset_{div}", on_click=reset)
    return dict(saved)


naast_tab, behoefte_tab, vergelijkbaar_tab = st.tabs(
    ["⚖️ Gebieden naast elkaar", "🎯 Behoefte-index", "🔎 Vergelijkbare wijken"])

with naast_tab:
    st.multiselect(
        "Gebieden (zoek op naam of code)", codes, key="vergelijk_codes", format_func=lambda c: labels.get(c, c),
        placeholder="Kies wijken of buurten",
        help="Typ een deel van de naam of de CBS-code. Je kunt ook op de kaart in het tabblad Behoefte-index klikken,"
             " of vergelijkbare wijken toevoegen.",
    )
    chosen = list(state["vergelijk_codes"])
    state["_vergelijk_keep"] = chosen
    if params.get("gebieden") != ",".join(chosen):
        params["gebieden"] = ",".join(chosen)
    if params.get("indeling") != str(indeling):
        params["indeling"] = str(indeling)
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
        st.subheader("Positie onder alle gebieden van de vier steden")
        st.plotly_chart(result.figure, key="vergelijk_figuur", config={"displaylogo": False})
        st.caption(result.footnote)
        st.subheader("Alle indicatoren")
        st.dataframe(result.table, hide_index=True, width="stretch", key="vergelijk_tabel")
        export_view = result
        # the similar areas of the area the "Vergelijkbare wijken" tab shows, so the sheet equals that tab
        reference = state.get("vergelijk_referentie")
        reference = reference if reference in labels else chosen[0]
        try:
            similar = cached.similar_areas(store_dir, built, reference, indeling, niveau)
            export_view = compare.with_similar(result, similar, compare.similar_lines(data, indeling))
        except KbzDataError:
            pass  # the first area lacks a similarity input, or the division has none: no second sheet
        xlsx_button(export_view, key="vergelijk_xlsx")

with behoefte_tab:
    table = None
    if indeling not in need.NEED_INPUTS:
        st.info(f"Voor indeling {indeling} is er geen behoefte-index: die bestaat voor indeling"
                f" {' en '.join(str(d) for d in need.NEED_INPUTS)}. Kies een andere gebiedsindeling.")
    else:
        st.markdown(need.NEED_METHOD + " Verschuif de gewichten om te zien hoe de rangorde verandert.")
        weights = need_weight_inputs(indeling)
        key_weights = tuple(sorted(weights.items()))
        try:
            table = cached.need_table(store_dir, built, indeling, niveau, key_weights)
            need_result = cached.need_view(store_dir, built, indeling, niveau, key_weights)
            view = cached.need_map(store_dir, built, indeling, niveau, gemeente, key_weights)
        except KbzDataError as exc:
            st.error(f"De behoefte-index kan niet worden berekend: {public_message(exc)}")
            table = None
    if table is not None:
        scored = int(table["index"].notna().sum())
        m1, m2, m3 = st.columns(3)
        m1.metric("Gebieden met een index", f"{scored}")
        m2.metric("Gemarkeerd (invoer ontbreekt)", f"{len(table) - scored}")
        m3.metric("Niveau en indeling", f"{niveau}, {indeling}")
        for note in view.notes:
            st.info(note)
        st.caption("Donkerder = hogere behoefte; grijs = onbekend (invoer ontbreekt); zwarte rand = KBZ-gebied. Klik"
                   " op een gebied om het aan de vergelijking toe te voegen.")
        show_map_view(view, "behoefte", f"{need.NEED_LABEL} (kwintielen)", selectable=True)
        st.caption(need_result.sources)
        st.subheader("Hoogste behoefte per stad")
        st.dataframe(need.top_per_city(table), hide_index=True, width="stretch", key="behoefte_top")
        st.subheader("Alle gebieden")
        tables = dict(need_result.tables)
        st.dataframe(tables["Behoefte-index"], hide_index=True, width="stretch", key="behoefte_tabel")
        missing = tables["Gemarkeerd"]
        if not missing.empty:
            with st.expander(f"{len(missing)} gebied(en) zonder index: een invoercijfer ontbreekt"):
                st.dataframe(missing, hide_index=True, width="stretch", key="behoefte_gemarkeerd")
        xlsx_button(need_result, key="behoefte_xlsx")

with vergelijkbaar_tab:
    inputs = need.SIMILARITY_INPUTS.get(indeling)
    if not inputs:
        st.info(f"Voor indeling {indeling} zijn er geen vergelijkingsindicatoren; die bestaan voor indeling"
                f" {' en '.join(str(d) for d in need.SIMILARITY_INPUTS)}.")
    else:
        st.markdown(compare.SIMILAR_METHOD + " Indicatoren: "
                    + ", ".join(f"{data.meta.loc[i, 'label']} ({j})" for i, j in inputs.items()) + ".")
        if state.get("vergelijk_referentie") not in labels:
            state["vergelijk_referentie"] = (state["vergelijk_codes"] or codes)[0]
        reference = st.selectbox("Gebied", codes, key="vergelijk_referentie", format_func=lambda c: labels.get(c, c))
        try:
            similar = cached.similar_areas(store_dir, built, reference, indeling, niveau)
        except KbzDataError as exc:
            st.warning(f"Voor dit gebied kunnen geen vergelijkbare wijken worden gezocht: {public_message(exc)}")
        else:
            st.dataframe(similar, hide_index=True, width="stretch", key="vergelijkbaar_tabel")
            st.caption(" ".join(compare.similar_lines(data, indeling)) + " Afstand 0 = het gekozen gebied zelf.")
            st.button("Zet deze gebieden in de vergelijking", key="vergelijkbaar_toevoegen", on_click=add_codes,
                      args=(similar["Code"].tolist(),))
