"""Bronnen en methode: every source, file and indicator behind the dashboard, and the caveats of the data."""

from __future__ import annotations

import streamlit as st

from kbz_data.analysis import budget, compare, need
from kbz_data.errors import KbzDataError
from kbz_data.store import locate
from kbz_data.text import euro, fmt_number, fmt_weight, public_message
from kbz_data.ui import cached
from kbz_data.ui.widgets import show_table

store_dir = st.session_state["store_dir"]

st.title("Bronnen en methode")
st.markdown(
    "Waar de cijfers vandaan komen, hoe ze zijn verwerkt en waar je op moet letten. Alle cijfers komen uit open"
    " data van CBS, RIVM/GGD'en, Kadaster/PDOK en de Gemeente Amsterdam; vermeld bij hergebruik de bron zoals in de"
    " kolom *Bronvermelding*."
)

try:
    info = cached.build_info(store_dir)
    built = info["gebouwd"]
    tables = cached.methods_tables(store_dir, built)
except KbzDataError as exc:
    st.error(f"De gegevensopslag is niet leesbaar: {public_message(exc)}")
    st.stop()

opslag = tables["opslag"]
seconds = opslag["seconden"]
st.caption(locate.data_line(store_dir, info)
           + (f" Bouwtijd {fmt_number(seconds, 1)} s." if seconds is not None else ""))

st.page_link("app_pages/toegankelijkheid.py", label="Toegankelijkheidsverklaring (WCAG 2.1 AA: wat getoetst is en wat"
             " nog niet voldoet)", icon=":material/accessible:")

st.header("Bronnen")
st.markdown(
    "Per bron: tabel, jaren en gebiedsindeling(en) waarvoor de opslag cijfers of kaartvormen heeft, uitgever,"
    " licentie en de bronvermelding die bij elke grafiek staat."
)
show_table(tables["bronnen"], key="bronnen_bronnen")

st.header("Kanttekeningen")
st.markdown("\n".join(f"- **{title}.** {text}" for title, text in tables["kanttekeningen"]))

st.header("Indicatoren")
st.markdown(
    "Definitie, eenheid en richting van elke indicator. *Hoger is beter* en *hoger is slechter* bepalen de kleuren"
    " op de kaart en in het wijkprofiel; neutrale indicatoren krijgen geen oordeel."
)
show_table(tables["indicatoren"], key="bronnen_indicatoren")

st.header("Gezondheid omgerekend naar gebiedsindeling 2024: gemeten fout")
harmonised = cached.harmonisation_error(store_dir, built)
st.markdown(
    "De gezondheidscijfers 2012, 2016 en 2020 (RIVM 50090NED) zijn gepubliceerd op gebiedsindeling 2020. Het"
    " dashboard rekent ze om naar de wijken en buurten van indeling 2024 via de overlap van de kaartvormen (RD New):"
    " een gebied met een ongewijzigde grens krijgt de waarde ongewijzigd, andere gebieden een naar oppervlakte"
    " gewogen gemiddelde van de overlappende buurten 2020, met een kwaliteitsoordeel (goed, matig, slecht) per"
    " cijfer. Zulke cijfers heten overal *omgerekend uit indeling 2020*."
)
st.markdown(
    "**Gemeten fout.** Ervaren gezondheid 2020 bestaat ook op indeling 2024 (RIVM-tabel 50150NED, via"
    " woonikveilig). Per buurt 2024: het omgerekende cijfer tegen dat cijfer, in procentpunten. Voor buurten met"
    " een ongewijzigde grens is het verschil de herschatting door RIVM, niet de omrekening."
)
show_table(harmonised["fout"], key="bronnen_fout")
st.markdown("Alleen buurten met een gewijzigde grens (omgerekend):")
show_table(harmonised["fout_omgerekend"], key="bronnen_fout_omgerekend")
st.markdown("Kwaliteit van alle omgerekende cijfers (elke indicator en elk jaar), per gemeente en niveau; *geen* ="
            " geen waarde, met de reden in de hover en de tabellen:")
show_table(harmonised["kwaliteit"], key="bronnen_kwaliteit")

st.header("Behoefte-index, vergelijkbare wijken en budgetverdeling")
method = cached.method_tables(store_dir, built)
st.markdown(
    f"{need.NEED_METHOD} Standaardinvoer en -gewichten per gebiedsindeling staan hieronder; op de pagina's"
    " **Vergelijken** en **Budgetverdeling** kun je de gewichten veranderen."
)
st.markdown(need.ATYPICAL_RULE)
show_table(method["behoefte"], key="bronnen_behoefte")
st.markdown(f"{compare.SIMILAR_METHOD} Vergelijkingsindicatoren per gebiedsindeling:")
show_table(method["vergelijkbaar"], key="bronnen_vergelijkbaar")
st.markdown(
    "Budgetverdeling: een vast jaarbudget (standaard"
    f" {euro(budget.DEFAULT_BUDGET_EUR)}) wordt in hele centen verdeeld (grootste-restmethode), zodat elke"
    " verdeling precies optelt tot het budget: per inwoner, per inwoner maal het gewicht van het behoeftedeciel"
    " (standaardgewichten hieronder) en per inwoner met gewicht"
    f" {fmt_weight(budget.DEFAULT_KBZ_WEIGHT)} voor KBZ-gebieden."
    f" Inwoners en behoefte-index komen uit gebiedsindeling {budget.BUDGET_INDELING}."
)
show_table(method["decielen"], key="bronnen_decielen", stretch=False)

st.header("Praktijkcijfers: wie ziet wat")
st.markdown(
    "Praktijkcijfers zijn niet openbaar. Wie niet is ingelogd, ziet alleen de fictieve demoset; een praktijk ziet haar"
    " eigen cijfers volledig, een analist (zorgverzekeraar, gemeente) alle praktijken zonder naam, de beheerder alles."
    " **Onthullingsregel:** aantallen onder de 10 van andere praktijken (ook 0) worden overal als `<10` getoond, en"
    " een percentage of cijfer per 1.000 met zo'n kleine teller of noemer ook. Gemiddelden en de funnelplot rekenen"
    " alleen met de zichtbare praktijken, zodat een verborgen aantal niet uit een gemiddelde of totaal terug te"
    " rekenen is; de budgetverdeling toont andere praktijken alleen opgeteld. Andere praktijken heten Praktijk A, B,"
    " ... in een volgorde die per weergave opnieuw wordt geloot."
)

st.header("Bronbestanden en controlegetallen")
st.markdown("De bestanden waaruit de opslag is gebouwd, met hun grootte en SHA-256-controlegetal (uit `build.json`).")
show_table(tables["bestanden"], key="bronnen_bestanden")

st.header("Overgeslagen bij het bouwen")
if tables["overgeslagen"].empty:
    st.markdown("De build heeft geen bestanden overgeslagen.")
else:
    st.markdown("Bestanden in de bronmap die de build bewust niet heeft gebruikt, en waarom.")
    show_table(tables["overgeslagen"], key="bronnen_overgeslagen")

with st.expander("Meldingen van de build en gebruikte pakketversies"):
    st.markdown("\n".join(f"- {line}" for line in opslag["opmerkingen"]) or "Geen meldingen.")
    st.markdown(", ".join(f"{name} {version}" for name, version in opslag["versies"].items()) or "Onbekend.")

st.header("Bronnen zelf downloaden")
plan = locate.download_plan()
st.markdown(
    "Het dashboard downloadt nooit uit zichzelf. Met de knop hieronder haal je de bronnen opnieuw op bij de"
    " officiële diensten, en bouwt het dashboard daaruit een eigen opslag (enkele minuten, netwerk nodig):\n\n"
    + "\n".join(f"- {item}" for item in plan["items"])
    + f"\n\nDe bestanden komen in `{plan['shown_sources']}`, de opslag in `{plan['shown_store']}`; de meegeleverde"
    " momentopname blijft ongewijzigd. Op de opdrachtregel: `python -m kbz_data download` en daarna"
    " `python -m kbz_data build`."
)
if st.button("Downloaden en opslag bouwen", key="bronnen_download"):
    bar = st.progress(0.0, text="Downloaden")
    try:
        locate.download_and_build(plan["sources_dir"], plan["store_dir"],
                                  progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
    except KbzDataError as exc:
        st.error(f"Downloaden of bouwen is niet gelukt: {exc}")
    else:
        st.success("De opslag is gebouwd uit de gedownloade bronbestanden; het dashboard gebruikt hem nu.")
        st.rerun()
