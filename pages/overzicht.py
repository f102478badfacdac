"""Start page: what the dashboard holds (cities, levels, divisions, years, indicators, sources)."""

from __future__ import annotations

import streamlit as st

from kbz_data import cached
from kbz_data.errors import KbzDataError

store_dir = st.session_state["store_dir"]

st.title("KBZ wijkdashboard")
st.markdown(
    "Wijk- en buurtcijfers over gezondheid en sociaal-economische achterstand in **Amsterdam, Den Haag,"
    " Rotterdam en Utrecht**, voor het programma *Krachtige Basiszorg*. Deze pagina laat zien wat de"
    " gegevensopslag bevat."
)

try:
    info = cached.build_info(store_dir)
    coverage = cached.coverage(store_dir, info["gebouwd"])
    overview = cached.indicator_overview(store_dir, info["gebouwd"])
    sources = cached.sources_used(store_dir, info["gebouwd"])
except KbzDataError as exc:
    st.error(f"De gegevensopslag is niet leesbaar: {exc}")
    st.stop()

st.caption(f"Opslag gebouwd op {info['gebouwd']} uit {len(info['bestanden'])} bronbestanden.")

left, right, third = st.columns(3)
left.metric("Indicatoren", f"{len(overview)}")
right.metric("Gebieden met kaartvorm", f"{int(coverage['Met kaartvorm'].sum()):,}".replace(",", "."))
third.metric("Gebiedsindelingen", ", ".join(str(v) for v in sorted(coverage["Indeling"].unique())))

st.subheader("Gebieden per indeling, niveau en gemeente")
st.markdown(
    "Een *indeling* is het jaar van de CBS-gebiedsindeling. Cijfers en kaartvormen worden alleen binnen dezelfde"
    " indeling gekoppeld: Amsterdam heeft zijn wijken en buurten in 2022 opnieuw ingedeeld, dus cijfers op"
    " indeling 2020 (Gezondheidsmonitor) en 2024 (Kerncijfers) staan naast elkaar, niet door elkaar."
)
st.dataframe(coverage, hide_index=True, width="stretch", key="overzicht_dekking")

st.subheader("Indicatoren")
st.dataframe(overview, hide_index=True, width="stretch", key="overzicht_indicatoren")
st.caption(
    "Gezondheidscijfers van RIVM/GGD'en/CBS zijn modelschattingen per wijk en buurt (small area estimation),"
    " geen tellingen."
)

st.subheader("Bronnen")
st.dataframe(sources, hide_index=True, width="stretch", key="overzicht_bronnen")
