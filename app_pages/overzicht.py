"""Overzicht (start page): what Krachtige Basiszorg is, where it runs, its published results, headline figures."""

from __future__ import annotations

import streamlit as st

from kbz_data.analysis import kbz_areas
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.store import locate
from kbz_data.text import UNKNOWN, fmt_value, public_message
from kbz_data.ui import cached
from kbz_data.ui.widgets import show_table

store_dir = st.session_state["store_dir"]

st.title("KBZ wijkdashboard")
st.markdown(
    "**Krachtige Basiszorg** (KBZ) is een programma waarin huisartsenpraktijken in achterstandswijken van"
    " Amsterdam, Den Haag, Rotterdam en Utrecht medische en sociale zorg verbinden: langere consulten met aandacht"
    " voor vier dimensies (4D: lichamelijk, psychisch, sociaal en zingeving), een praktijkondersteuner GGZ,"
    " samenwerking met wijkteams, miniteams voor kwetsbare gezinnen, en relatief meer zorgbudget waar problemen"
    " zich opstapelen. Dit dashboard laat per wijk en buurt zien waar achterstand en gezondheidsproblemen samenvallen."
)

try:
    info = cached.build_info(store_dir)
    headline = cached.headline_table(store_dir, info["gebouwd"])
    coverage = cached.coverage(store_dir, info["gebouwd"])
    overview = cached.indicator_overview(store_dir, info["gebouwd"])
except KbzDataError as exc:
    st.error(f"De gegevensopslag is niet leesbaar: {public_message(exc)}")
    st.stop()

st.header("Wat KBZ oplevert volgens de evaluatie")
c1, c2, c3, c4 = st.columns(4, vertical_alignment="bottom")  # labels may wrap: keep the figures on one line
c1.metric("Patiënten die hun klacht beter begrijpen", "75%")
c2.metric("Patiënten die beter weten wat ze zelf kunnen doen", "73%")
c3.metric("Medewerkers met meer werkplezier", "45%")
c4.metric("Medewerkers met minder werkdruk", "34%")
st.caption("Bron: Nivel, evaluatie Krachtige Basiszorg (juni 2021). Gepubliceerde resultaten van het programma,"
           " geen cijfers uit de gegevensopslag van dit dashboard.")

st.header("Waar KBZ loopt")
table = kbz_areas.gebieden()
for code, name in GEMEENTEN.items():
    names = sorted(set(table.loc[(table["gemeentecode"] == code) & (table["deel"] == "geheel"), "kbz_gebied"]))
    st.markdown(f"- **{name}**: {', '.join(names)}")
st.caption("De KBZ-gebieden zijn op de kaart zwart omlijnd. Welke CBS-wijken en -buurten erbij horen staat per"
           " gebiedsindeling op de pagina Bronnen en methode.")

st.header("Kerncijfers per stad")
shown = headline.copy()
for name in GEMEENTEN.values():
    shown[name] = [fmt_value(v, e) for v, e in zip(headline[name], headline["eenheid"], strict=True)]
st.dataframe(shown[["Indicator", "Jaar", *GEMEENTEN.values()]], hide_index=True, width="stretch",
             key="overzicht_kerncijfers", placeholder=UNKNOWN)
st.caption(
    "Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor Volwassenen en Ouderen 2020 (50090NED; modelschattingen, 18 jaar en"
    " ouder); CBS, Kerncijfers wijken en buurten 2024 (85984NED; inkomen via de bewerkte KWB-extracten van"
    " woonikveilig). CC BY 4.0. De waarde is het cijfer dat de bron voor de hele gemeente publiceert."
)

st.caption(locate.data_line(store_dir, info) + " Meer op de pagina Bronnen en methode.")
with st.expander("Wat zit er in de gegevensopslag?"):
    st.markdown(
        "Een *indeling* is het jaar van de CBS-gebiedsindeling. Cijfers en kaartvormen worden alleen binnen dezelfde"
        " indeling gekoppeld: Amsterdam heeft zijn wijken en buurten in 2022 opnieuw ingedeeld, dus cijfers op"
        " indeling 2020 (Gezondheidsmonitor) en 2024 (Kerncijfers) staan naast elkaar, niet door elkaar."
    )
    show_table(coverage, key="overzicht_dekking")
    show_table(overview, key="overzicht_indicatoren")
