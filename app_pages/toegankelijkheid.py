"""Toegankelijkheidsverklaring: the accessibility statement in the usual Dutch form (what was tested, how, what does
not comply yet). Static text; the test that backs it is tests/test_accessibility.py."""

from __future__ import annotations

import streamlit as st

st.title("Toegankelijkheidsverklaring")
st.markdown(
    "Het KBZ wijkdashboard wil voor iedereen bruikbaar zijn, ook met een schermlezer, alleen een toetsenbord,"
    " vergroting of op papier. De norm is **WCAG 2.1 niveau AA** (EN 301 549), zoals voorgeschreven in het"
    " Besluit digitale toegankelijkheid overheid."
)

st.header("Status")
st.markdown(
    "**Gedeeltelijk voldoet.** Een automatische toets vindt op geen enkele pagina nog ernstige of kritieke"
    " problemen; een volledige handmatige toets (onderzoek door een deskundige volgens WCAG-EM) is nog niet"
    " gedaan. Hieronder staat wat wél is getoetst en wat bekend is dat nog niet voldoet."
)

st.header("Wat is getoetst en hoe")
st.markdown(
    "- **Automatische toets met axe-core** (de open-source toetsregels van Deque, via het pakket"
    " `axe-playwright-python`) in Chromium, op de regels voor WCAG 2.0 en 2.1 niveau A en AA. Getoetst worden:"
    " Overzicht, Kaart, Wijkprofiel, Vergelijken (de drie tabbladen: gebieden naast elkaar, behoefte-index,"
    " vergelijkbare wijken), Budgetverdeling, Bronnen en methode, Praktijk, Praktijkcijfers uploaden en deze"
    " pagina. De toets draait bij elke wijziging mee in de testset (`tests/test_accessibility.py`) en faalt bij"
    " elk probleem met de ernst *serious* of *critical*.\n"
    "- **Taal van de pagina**: de pagina meldt zich als Nederlands (`lang=\"nl\"`), zodat een schermlezer een"
    " Nederlandse stem kiest.\n"
    "- **Contrast**: toelichtende teksten (bijschriften, bronregels) hebben een contrast van minstens 4,5:1.\n"
    "- **Tekstalternatief bij kaarten en het wijkprofiel**: onder elke kaart staat een samenvatting in woorden"
    " (hoogste, laagste en gemiddelde waarde) en een tabel met alle waarden; onder het wijkprofiel hoeveel"
    " indicatoren slechter of beter zijn dan de stad.\n"
    "- **Getallen invoeren**: bedragen mogen met punten of spaties tussen de duizendtallen worden getypt"
    " (25.000.000 of 25 000 000); invoer die op twee manieren te lezen is, wordt geweigerd met een uitleg in"
    " het Nederlands.\n"
    "- **Wijkkaart op papier**: per wijk of buurt is een printbare wijkkaart (PDF) te downloaden op de pagina"
    " Wijkprofiel, met alle cijfers ook als tekst.\n"
    "- **Telefoon en tablet**: vegen met één vinger scrolt de pagina, ook over een kaart; de kaart verschuif je"
    " met twee vingers en een tik op een gebied opent het wijkprofiel.\n"
    "- **Kaarten met alleen het toetsenbord** (WCAG 2.1.1): elke kaart is één tabstop met een naam; de"
    " pijltjestoetsen (en Home/End) gaan langs de gebieden, tonen hun tekst en laten die voorlezen; Enter kiest"
    " het gebied (Kaart: het wijkprofiel opent, Vergelijken: het gebied komt erbij); + en − zoomen. Gemeente,"
    " niveau en indicator kies je met de keuzelijsten in de zijbalk. Getoetst in Chromium"
    " (`tests/test_browser_maps.py`)."
)

st.header("Wat nog niet voldoet")
st.markdown(
    "- **Kaarten met het toetsenbord**: de pijltjestoetsen gaan langs de gebieden in alfabetische volgorde, niet"
    " langs hun ligging; wie de buren van een gebied zoekt, ziet dat alleen op het beeld. Dezelfde cijfers staan in"
    " de tabel onder de kaart.\n"
    "- **De taal wordt pas na het laden op Nederlands gezet** (WCAG 3.1.1): het dashboard (Streamlit) levert zijn"
    " pagina aan als Engels, een klein script zet dat direct na het laden om. Een hulpmiddel dat de pagina"
    " vóór dat moment voorleest, kiest nog een Engelse stem.\n"
    "- **Vaste teksten van het onderliggende programma** (Streamlit, plotly) zet een script na het laden in het"
    " Nederlands: de voorleesnamen van knoppen, vraagtekens (\"Uitleg bij ...\"), zoekvakken, tabel- en"
    " grafiekmenu's. Meldingen die Streamlit zelf geeft (bij het laden, bij een verbroken verbinding) en teksten"
    " die het script niet kent, kunnen nog Engels zijn (WCAG 3.1.2).\n"
    "- **Grafieken**: onder de kaarten, het wijkprofiel en de ELAN-trend van Den Haag staat een samenvatting in"
    " woorden, en elk paneel van de gezondheidstrend en elke rij van de grafiek op Vergelijken heeft een voorleesnaam"
    " met al zijn waarden. De overige grafieken (Samenhang, de tabbladen Praktijken en Scenario van"
    " Budgetverdeling, de praktijkgrafieken) hebben nog geen samenvatting; hun cijfers staan in de tabel eronder of"
    " in de download. Hovertekst bij de rijen en panelen verschijnt niet bij aanraken op een telefoon.\n"
    "- **Koppen**: de pagina Kaart springt nog van de paginatitel direct naar een tussenkop van het derde niveau (een"
    " aanbeveling van axe, geen WCAG-eis); de andere pagina's hebben onder de titel tussenkoppen van het tweede"
    " niveau.\n"
    "- **Kleuren van de kaartklassen** zijn kleurenblind-veilig gekozen (ColorBrewer), maar het contrast van de"
    " lichtste klasse met de achtergrond is niet overal 3:1 (WCAG 1.4.11); de legenda noemt daarom elke klasse"
    " ook in woorden."
)

st.header("Problemen melden")
st.markdown(
    "Loop je tegen een toegankelijkheidsprobleem aan, of heb je cijfers in een andere vorm nodig? Meld het bij de"
    " beheerder van het dashboard binnen je organisatie; we reageren binnen vijf werkdagen en zoeken samen een"
    " oplossing. Alle cijfers zijn ook als CSV of Excel te downloaden."
)
st.caption("Deze verklaring is opgesteld op 2 december 2026 op basis van de automatische toets hierboven.")
