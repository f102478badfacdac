"""Wijkprofiel: one area against its city and the four-city spread for every indicator (spine chart), health
trends 2012-2016-2020 and the KBZ neighbourhoods and practices in or near it. Reachable as ?code=WK034403."""

from __future__ import annotations

import streamlit as st

from kbz_data.analysis import profile
from kbz_data.analysis.results import plain_view
from kbz_data.charts import profile_svg
from kbz_data.charts.summary import profile_summary
from kbz_data.errors import KbzDataError
from kbz_data.text import UNKNOWN, public_message
from kbz_data.ui import cached
from kbz_data.ui import state as page_state
from kbz_data.ui.downloads import csv_button, wijkkaart_button
from kbz_data.ui.widgets import show_table

store_dir = st.session_state["store_dir"]
gemeente = page_state.value("gemeente")
niveau = page_state.value("niveau")
current = page_state.value("profiel_code")  # None when the link named an unknown area

st.title("Wijkprofiel")
st.markdown(
    "Eén wijk of buurt naast haar eigen stad en naast de spreiding over alle wijken of buurten van de vier grote"
    " steden, voor elke indicator tegelijk. Kies een gebied in de zoekbox (de lijst volgt de gemeente en het niveau"
    " in de zijbalk) of open een link zoals `?code=WK034403`."
)

try:
    built = cached.build_info(store_dir)["gebouwd"]
    choices = cached.area_choices(store_dir, built, gemeente, niveau)
    options = choices["code"].tolist()
    labels = dict(zip(choices["code"], choices["keuze"], strict=True))
    if current is not None and current not in options:
        options = [current, *options]
        labels[current] = (
            f"{cached.area_info(store_dir, built, current, cached.default_division(store_dir, built, current))['naam']}"
            f" · {current} (buiten het filter in de zijbalk)"
        )
except KbzDataError as exc:
    st.error(f"De gebieden konden niet worden gelezen: {public_message(exc)}")
    st.stop()

unknown = page_state.replacement("profiel_code")
if current is None and unknown is not None:
    st.error(
        f"Gebiedscode **{unknown.shown}** uit de link is onbekend: die staat niet in de gegevensopslag"
        " (alleen wijken en buurten van Amsterdam, Den Haag, Rotterdam en Utrecht). Kies een gebied in de zoekbox"
        " hieronder (kies eerst gemeente en niveau in de zijbalk), of gebruik een CBS-code zoals"
        " `?code=WK034403` (wijk) of `?code=BU03440311` (buurt)."
    )

left, right = st.columns([3, 2])
left.selectbox(
    "Zoek een gebied (naam of code)", options, key=page_state.key("profiel_code"),
    format_func=lambda c: labels.get(c, c), placeholder="Kies een wijk of buurt",
    filter_mode="contains",  # what is typed, as typed: "fuzzy" matched "Bijlmer" in "B…ij…l… · Amsterdam"
    help="Typ een deel van de naam of de CBS-code. De lijst bevat de gebieden van de gemeente en het niveau die in"
         " de zijbalk gekozen zijn, in alle gebiedsindelingen.",
)
code = current
if code is None:
    st.info("Kies een gebied in de zoekbox om het profiel te zien.")
    st.stop()

try:
    divisions = cached.area_divisions(store_dir, built, code)
    bad_division = page_state.replacement("profiel_indeling")
    if bad_division is not None:
        st.warning(
            f"Gebiedsindeling {bad_division.shown} uit de link bestaat niet voor {code}; getoond wordt indeling"
            f" {page_state.value('profiel_indeling')} (beschikbaar: {', '.join(str(d) for d in divisions)})."
        )
    if len(divisions) > 1:
        right.radio(
            "Gebiedsindeling", divisions, key=page_state.key("profiel_indeling"), horizontal=True,
            format_func=lambda y: f"indeling {y}",
            help="Cijfers horen bij de CBS-gebiedsindeling van een jaar: Gezondheidsmonitor en SES-WOA bij 2020,"
                 " Kerncijfers 2024 bij 2024, het Utrechtse kwb-2023-bestand bij 2023. Een profiel mengt nooit"
                 " indelingen.",
        )
    else:
        right.caption(f"Dit gebied bestaat alleen in gebiedsindeling {divisions[0]}.")
    indeling = int(page_state.value("profiel_indeling"))

    info = cached.area_info(store_dir, built, code, indeling)
    table = cached.profile_table(store_dir, built, code, indeling)
    sources = cached.profile_sources(store_dir, built, code, indeling)
    context = cached.kbz_context(store_dir, built, code, indeling)
except KbzDataError as exc:
    st.error(f"Het profiel van {code} kon niet worden gemaakt: {public_message(exc)}")
    st.stop()

st.header(f"{info['naam']} ({code})")
wijkkaart_button(store_dir, built, code, indeling, key="profiel_pdf")
kbz_lead = profile.kbz_lead(context["kbz"])
st.markdown(
    f"{info['niveau'].capitalize()} in **{info['gemeente']}** · gebiedsindeling **{indeling}**"
    + (f" · {kbz_lead}" if kbz_lead else "")
)
if info["water"]:
    st.warning(
        "Dit gebied is geen woongebied (water, haven of bedrijventerrein met weinig of geen inwoners):"
        " percentages en gemiddelden hebben hier geen betekenis en worden niet getoond. De balken laten alleen de"
        " spreiding over de woongebieden zien; aantallen (inwoners, huishoudens) staan er wel bij."
    )

if table.empty:
    st.info(f"Voor {info['naam']} zijn in gebiedsindeling {indeling} geen cijfers in de opslag.")
else:
    unknown = int(table["waarde"].isna().sum())
    st.html(cached.profile_spine_html(store_dir, built, code, indeling))
    st.caption(profile_summary(table))
    notes = [*sources]
    if "gezondheid" in set(table["domein"]):
        notes.append(profile_svg.MODEL_NOTE)
    carried = int(table["toelichting"].str.startswith("omgerekend uit indeling 2020").sum())
    if carried:
        notes.append(f"{carried} cijfers zijn omgerekend uit indeling 2020 (kolom Toelichting in de tabel; zie de"
                     " pagina Bronnen voor de gemeten fout).")
    if (table["bron"] == profile.ELAN_BRON).any():
        notes.append(f"De ELAN-indicatoren: {profile.ELAN_NOTE}.")
    st.caption(
        " ".join(notes)
        + " Elke rij is geschaald op de spreiding over alle gebieden van hetzelfde niveau en dezelfde indeling in de"
        " vier steden (lichte balk: minimum tot maximum, donkere band: middelste helft, witte streep: mediaan); waar"
        " hoger slechter is, is de rij gespiegeld, zodat links altijd ongunstiger is. Zwarte ruit: het eigen cijfer"
        " van de gemeente. Rode stip: slechter dan de stad, blauwe stip: beter."
        + (f" {unknown} indicator(en) zijn voor dit gebied onbekend (geheim, te weinig waarnemingen of niet"
           " gepubliceerd)." if unknown and not info["water"] else "")
    )
    display = profile.display_table(table, info["gemeente"])
    with st.expander("Tabel met alle waarden en eenheden", expanded=False):
        show_table(display, key="profiel_tabel")
        lines = [f"Wijkprofiel {info['naam']} ({code}), {info['gemeente']}, gebiedsindeling {indeling}", *notes]
        csv_button(plain_view(lines, display, f"wijkprofiel_{code}_{indeling}"), key="profiel_csv")

trend_indeling = cached.trend_division(store_dir, built, code, indeling)
try:
    trend = cached.trend_table(store_dir, built, code, trend_indeling)
    trend_sources = cached.profile_sources(store_dir, built, code, indeling, trend=True)
except KbzDataError as exc:
    trend = None
    trend_error = public_message(exc)
st.header(profile.trend_heading(trend))
if trend is None:
    st.error(f"De trendcijfers van {code} konden niet worden gelezen: {trend_error}")
if trend is not None:
    if trend_indeling is None:
        st.info(
            f"Code {code} bestaat niet in gebiedsindeling {profile.TREND_INDELING} of"
            f" {profile.TREND_INDELING_2024}, de indelingen waarop de gezondheidscijfers staan."
        )
    elif trend.empty:
        st.info(f"Voor {code} zijn er geen gezondheidscijfers in meer dan één jaar (indeling {trend_indeling}).")
    else:
        # st.markdown, not st.html: st.html strips inline SVG.
        st.markdown(cached.profile_trend_html(store_dir, built, code, indeling), unsafe_allow_html=True)
        st.caption(" ".join(trend_sources) + " " + profile_svg.MODEL_NOTE
                   + " Indicatoren voor 65-plussers zijn alleen voor 2020 beschikbaar en staan daarom niet in de"
                     " trend."
                   + (" Cijfers 2012-2020 in indeling 2024 zijn omgerekend uit indeling 2020."
                      if trend_indeling == profile.TREND_INDELING_2024 else "")
                   + (" De reeks ervaren gezondheid 2012-2024 is door RIVM op indeling 2024 geschat (tabel 50150NED,"
                      " via woonikveilig)." if (trend["bron"] == profile.TREND_BRONNEN_2024[0]).any() else ""))

if info["gemeentecode"] == "GM0518" and indeling == profile.TREND_INDELING and info["niveau"] == "wijk":
    elan = cached.elan_trend_table(store_dir, built)
    if not elan.empty:
        st.header("Den Haag: huisartskosten en laag inkomen in de KBZ-wijken (ELAN)")
        # st.markdown, not st.html: st.html strips inline SVG.
        st.markdown(cached.elan_trend_html(store_dir, built, code), unsafe_allow_html=True)
        st.caption(profile.ELAN_NOTE + ". Huisartskosten: euro per inwoner onder de basisverzekering; laag"
                   " inkomen: % van de huishoudens. Grijs gestreept: de mediaan van alle Den Haagse wijken."
                   " Indeling 2020 in alle jaren. " + profile_svg.elan_summary(elan))

st.header("KBZ-gebieden en -praktijken in of bij dit gebied")
membership = context["kbz"]
if membership.empty:
    st.markdown(f"{info['naam']} hoort niet bij een KBZ-gebied (indeling {indeling}).")
else:
    st.markdown("\n".join(f"- **{r.kbz_gebied}**: {info['naam']} {r.relatie}" for r in membership.itertuples()))
practices = context["praktijken"]
if practices.empty:
    st.markdown("Geen KBZ-praktijk in het praktijkregister bedient dit gebied of de wijk waarin het ligt.")
else:
    st.dataframe(
        practices.rename(columns={"praktijk_code": "Praktijk", "naam": "Naam", "kbz_gebied": "KBZ-gebied",
                                  "kbz_start": "Start KBZ", "relatie": "Relatie", "fictief": "Fictief"}),
        hide_index=True, width="stretch", key="profiel_praktijken", placeholder=UNKNOWN,
)
    if bool(practices["fictief"].any()):
        st.caption(
            "Let op: deze praktijken en hun namen zijn fictief (demoset van het dashboard); praktijkcijfers zijn niet"
            " openbaar."
        )
