"""Kaart: choropleth of the chosen indicator per wijk or buurt, a sortable table with downloads, and a scatter."""

from __future__ import annotations

import streamlit as st

from kbz_data.analysis.area_data import DIRECTION_TEXT, SCATTER_DEFAULTS
from kbz_data.charts.maps import SCHEMES
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.text import fmt_value, public_message
from kbz_data.ui import cached
from kbz_data.ui import state as page_state
from kbz_data.ui.downloads import download_buttons
from kbz_data.ui.panels import show_map_view
from kbz_data.ui.widgets import show_table

store_dir = st.session_state["store_dir"]
built = cached.build_info(store_dir)["gebouwd"]
gemeente = page_state.value("gemeente")
niveau = page_state.value("niveau")
indicator = page_state.value("indicator")
jaar, indeling = (int(v) for v in page_state.value("periode").split("-"))
data = cached.store_data(store_dir, built)
meta = data.meta.loc[indicator]
plaats = "de vier steden" if gemeente == "G4" else GEMEENTEN[gemeente]

st.title(f"{meta['label']}")
st.caption(
    f"{meta['domein'].capitalize()} · eenheid {meta['eenheid']} · per {niveau} in {plaats} · {jaar}, gebiedsindeling"
    f" {indeling} · {DIRECTION_TEXT[int(meta['richting'])]}"
)


def open_profile(code: str, division: int) -> None:
    """A click on the map: open the Wijkprofiel of that area in the same division (sidebar values go along)."""
    page_state.set_value("profiel_code", code)
    page_state.set_value("profiel_indeling", division)
    page_state.switch_page("wijkprofiel")


# Only the open tab's content runs (on_change="rerun"): the Samenhang scatter is a plotly chart, and a plotly chart
# anywhere on the page, even in a hidden tab, makes the browser load plotly.js (4,7 MB) before the maps are usable.
kaart_tab, samenhang_tab = st.tabs(["Kaart en tabel", "Samenhang"], key="kaart_tabblad", on_change="rerun")

with kaart_tab:
    left, middle, right = st.columns([2, 1, 1])
    scheme = left.radio("Kleurindeling", list(SCHEMES), format_func=SCHEMES.get, key=page_state.key("kaart_schaal"),
                        horizontal=True)
    k = middle.slider("Aantal klassen", 3, 7, key=page_state.key("kaart_klassen"), disabled=scheme == "doorlopend")
    show_kbz = right.toggle("KBZ-gebieden omlijnen", key=page_state.key("kaart_kbz"))
    try:
        view = cached.map_view(store_dir, built, indicator, jaar, indeling, niveau, gemeente, scheme, k, show_kbz)
        table_view = cached.area_view(store_dir, built, indicator, jaar, indeling, niveau, gemeente, view.source_line)
    except KbzDataError as exc:
        st.error(f"Deze kaart kan niet worden gemaakt: {public_message(exc)}")
        st.stop()
    for note in view.notes:
        st.info(note)
    if view.kind == "kaart":
        st.caption("Klik op een gebied om het wijkprofiel te openen. Donkerder = ongunstiger; grijs = onbekend;"
                   " zwarte rand = KBZ-gebied.")
        clicked = show_map_view(view, "kaart", f"{meta['label']} ({meta['eenheid']})", selectable=True)
        if clicked:
            open_profile(clicked, indeling)
        st.caption(view.source_line)
    else:
        st.plotly_chart(view.panels[0][1], key="kaart_staaf", config={"displaylogo": False})
        st.caption(f"{view.summary} {view.source_line}".strip())

    st.header("Tabel")
    show_table(table_view.table, key="kaart_tabel", shared=True)
    download_buttons(table_view, key="kaart")


def samenhang() -> None:
    """The Samenhang tab: a scatter of two indicators of one division, with their correlations."""
    st.markdown("Eén stip per gebied. Beide indicatoren komen uit **dezelfde gebiedsindeling**; cijfers van"
                " verschillende indelingen worden nooit aan elkaar gekoppeld. In indeling 2024 staan ook de"
                " gezondheidscijfers 2012-2020, *omgerekend uit indeling 2020* (zie de hover en de pagina Bronnen).")
    divisions = sorted({i for _j, i in cached.periods(store_dir, built, "ervaren_gezondheid_goed")} | {indeling},
                       reverse=True)
    s_indeling = st.selectbox("Gebiedsindeling", divisions, key="samenhang_indeling", placeholder="Kies een indeling",
                              index=divisions.index(2020) if 2020 in divisions else 0)
    pairs = cached.division_indicators(store_dir, built, s_indeling, niveau)
    label_of = data.meta["label"].to_dict()
    labels = {f"{i}|{j}": f"{label_of[i]} {j}" for i, j in pairs}
    options = sorted(labels, key=lambda v: labels[v])
    if len(options) < 2:
        st.info(f"In indeling {s_indeling} zijn op {niveau}niveau geen twee indicatoren beschikbaar. Kies een andere"
                " indeling of een ander niveau.")
    else:
        x_default, y_default = SCATTER_DEFAULTS.get(s_indeling, (options[0], options[1]))
        x_default = x_default if x_default in options else options[0]
        y_default = y_default if y_default in options else options[1]
        suffix = "" if s_indeling == 2020 else f"_{s_indeling}"  # own widgets per division: other options
        c1, c2 = st.columns(2)
        x = c1.selectbox("Indicator op de x-as", options, index=options.index(x_default), format_func=labels.get,
                         key=f"samenhang_x{suffix}", placeholder="Kies een indicator")
        y = c2.selectbox("Indicator op de y-as", options, index=options.index(y_default), format_func=labels.get,
                         key=f"samenhang_y{suffix}", placeholder="Kies een indicator")
        (xi, xj), (yi, yj) = x.split("|"), y.split("|")
        try:
            figure, stats, line = cached.scatter_view(store_dir, built, xi, int(xj), yi, int(yj), s_indeling, niveau,
                                                      gemeente)
        except KbzDataError as exc:
            st.error(f"Deze grafiek kan niet worden gemaakt: {public_message(exc)}")
            st.stop()
        m1, m2, m3 = st.columns(3)
        m1.metric("Gebieden", f"{int(stats['n'])}")
        m2.metric("Correlatie (Pearson r)", fmt_value(stats["pearson_r"], "score"))
        m3.metric("Rangcorrelatie (Spearman)", fmt_value(stats["spearman_r"], "score"))
        st.plotly_chart(figure, key="samenhang_grafiek", config={"displaylogo": False})
        st.caption(line + " Een correlatie zegt niets over oorzaak en gevolg; gezondheidscijfers zijn"
                   " modelschattingen.")


with samenhang_tab:
    if samenhang_tab.open:
        samenhang()
