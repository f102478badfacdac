"""Praktijk page: one KBZ practice's quarterly figures, compared with the other KBZ practices and its wijk.

Who looks decides what is shown (kbz_data.ui.auth -> kbz_data.practice.access, enforced there): a praktijk user
chooses among the own practices (``?praktijk=OTHER`` gets a Dutch message and nothing of that practice), an analist
sees every practice anonymised and chooses none, the beheerder sees all named, a visitor who is not logged in the
fictitious demo set. The choice is a view parameter (kbz_data.ui.state), in the URL as ``?praktijk=RTD-BLOEMHOF-1``
and shared with the upload page. Other practices are anonymised with letters drawn per view and their counts under
10 are shown as "<10". Every cached call sits in a try/except KbzDataError, so a broken practice database shows a
Dutch st.error; text from the URL is escaped (escape_markdown) before it reaches Markdown.
"""

from __future__ import annotations

import streamlit as st

from kbz_data.errors import KbzDataError
from kbz_data.practice import access, analysis, exports, tables
from kbz_data.practice.errors import KbzAccessError
from kbz_data.practice.schema import KENGETALLEN, MEASURES, REFERRALS
from kbz_data.text import UNKNOWN, escape_markdown, public_message
from kbz_data.ui import auth, cached
from kbz_data.ui import state as page_state
from kbz_data.ui.downloads import download_buttons
from kbz_data.ui.widgets import show_table

store_dir = st.session_state["store_dir"]
TRENDS = {
    "Patiënten en consulten": ["ingeschreven_patienten", "consulten", "consulten_per_1000", "pct_consulten_lang"],
    "4D, POH-GGZ en miniteam": ["pct_consulten_4d", "poh_ggz_per_1000", "gezinnen_miniteam"],
    "Verwijzingen": ["verwijzingen_ziekenhuis_per_1000", "verwijzingen_ggz_per_1000",
                     "verwijzingen_sociaal_domein_per_1000"],
    "Ervaringen van patiënten en medewerkers": ["pct_patienten_begrijpt_klacht_beter",
                                                "pct_patienten_weet_wat_te_doen",
                                                "pct_medewerkers_meer_werkplezier", "pct_medewerkers_minder_werkdruk"],
}

st.title("Praktijk")
viewer = auth.require(store_dir)
rol, bound = cached.viewer_args(viewer)

try:
    db = None if viewer.rol == access.ANONIEM else cached.practice_db(store_dir)
    state = cached.praktijk_state(store_dir, rol)
    reg = cached.practice_registry(store_dir, state)  # the database's practices (the demo set for a visitor)
    CODES = access.choosable(viewer, db, reg)
except KbzDataError as exc:
    st.error(f"De praktijkcijfers zijn niet leesbaar: {public_message(exc)}")
    st.stop()

bad_link = page_state.replacement("praktijk_keuze")
if bad_link is not None:
    st.warning(f"Onbekende praktijk in de link: '{bad_link.shown}'. Kies hieronder een praktijk.")
requested = page_state.value("praktijk_keuze")
if CODES and requested not in CODES:
    if bad_link is None and page_state.from_link("praktijk_keuze"):
        try:
            access.check_own(viewer, requested)
        except KbzAccessError as exc:
            st.error(escape_markdown(public_message(exc)))
    page_state.set_value("praktijk_keuze", CODES[0])

if CODES:
    own = st.selectbox(
        "Mijn praktijk", CODES, key=page_state.key("praktijk_keuze"), placeholder="Kies een praktijk",
        format_func=lambda c: f"{reg.get(c).naam} · {reg.get(c).gemeente}, {reg.get(c).kbz_gebied}",
    )
    praktijk = reg.get(own)
else:
    own, praktijk = None, None
    st.info("U ziet alle KBZ-praktijken geanonimiseerd (zonder namen); aantallen onder de 10 worden niet getoond.")

try:
    if own:
        mine = cached.praktijk_own_figures(store_dir, state, rol, bound, own)
        summary = cached.praktijk_summary(store_dir, state, rol, bound, own)
    origins = {"demo"} if state == "demo" else set(cached.praktijk_origins(store_dir, state))
except KbzDataError as exc:
    st.error(f"De praktijkcijfers zijn niet leesbaar: {public_message(exc)}")
    st.stop()

all_fictief, any_upload = "demo" in origins, "upload" in origins
own_fictief = bool(own) and bool((mine["Fictief"] == "ja").any())
own_upload = bool(own) and bool((mine["Fictief"] == "nee").any())
if own_fictief:
    uploaded = int((mine["Fictief"] == "nee").sum())
    st.warning(f"**{analysis.FICTIEF_WARNING}** "
               + (f"{uploaded} van de {len(mine)} cijfers van deze praktijk komen uit een upload, de rest is"
                  " fictief. " if uploaded else "")
               + "Upload echte cijfers op de pagina 'Praktijkcijfers uploaden'.", icon=":material/warning:")
elif all_fictief:
    st.info("De cijfers van deze praktijk komen uit een upload; de vergelijking met andere praktijken bevat"
            " fictieve demodata.")

if praktijk is not None:
    start = praktijk.kbz_start
    try:
        served = cached.praktijk_served_text(store_dir, cached.build_info(store_dir)["gebouwd"], state, own)
    except KbzDataError:
        served = ""
    st.markdown(
        f"**{escape_markdown(praktijk.naam)}**, {praktijk.gemeente} ({escape_markdown(praktijk.kbz_gebied)})."
        f" Gestart met Krachtige Basiszorg op {start.day}-{start.month}-{start.year} (kwartaal"
        f" {analysis.kbz_start_periode(own, reg)}). {escape_markdown(served)}"
    )
own_source = analysis.source_line(own_fictief, own_upload)
if own and mine.empty:
    st.info("Er zijn nog geen cijfers van deze praktijk. Upload ze op de pagina 'Praktijkcijfers uploaden'; tot dan"
            " staat de praktijk niet in de grafieken en de vergelijking.")

if own:
    try:
        headline_periode, cards = analysis.headline({
            m: cached.praktijk_measure(store_dir, state, rol, bound, own, m) for m in analysis.HEADLINE})
    except KbzDataError as exc:
        st.error(f"De kerncijfers zijn niet leesbaar: {public_message(exc)}")
        headline_periode, cards = None, []
    if headline_periode is not None:
        st.markdown(f"**Kerncijfers over kwartaal {headline_periode}**")
    for column, card in zip(st.columns(len(cards)) if cards else [], cards, strict=True):
        column.metric(card["label"], card["value"], help=card["help"])

if own:
    left, right = st.columns(2)
    with left:
        st.header("Laatste cijfers per kengetal")
        if summary.empty:
            st.caption("Nog geen cijfers van deze praktijk.")
        else:
            quarters = sorted(set(summary["Periode"]))
            if len(quarters) > 1:
                st.info(f"Niet elk kengetal heeft cijfers over hetzelfde kwartaal ({', '.join(quarters)}): de kolom"
                        " Periode zegt per regel over welk kwartaal het gaat.")
            st.dataframe(access.safe_table(tables.summary_display(summary)), hide_index=True, width="stretch",
                         key="praktijk_samenvatting",
                         column_config={"Kengetal": st.column_config.TextColumn(width="large")}, placeholder=UNKNOWN)
            st.caption(f"{own_source} {tables.MEAN_SHORT}: ongewogen gemiddelde over de zichtbare KBZ-praktijken in"
                       " hetzelfde kwartaal.")
    with right:
        st.header("Wijkprofiel")
        try:
            built = cached.build_info(store_dir)["gebouwd"]
            profile = cached.praktijk_wijkprofiel(store_dir, built, state, own)
        except KbzDataError as exc:
            st.error(f"Het wijkprofiel is niet beschikbaar: {public_message(exc)}")
            profile = []
        if not profile:
            st.info("Er zijn geen wijk- of buurtcijfers voor de buurten van deze praktijk in de gegevensopslag.")
        for i, (title, table, line) in enumerate(profile):
            st.markdown(f"**{title}**")
            show_table(table, key=f"praktijk_wijkprofiel_{i}")
            st.caption(line)

st.header("Ontwikkeling per kwartaal")
anonymised = "" if viewer.rol == access.BEHEERDER else " (geanonimiseerd)"
show_others = st.toggle(f"Toon de andere KBZ-praktijken{anonymised}", value=True, key="praktijk_toon_anderen")
# One group at a time (not st.tabs, which renders every chart on every rerun).
group = st.radio("Onderwerp", list(TRENDS), horizontal=True, key="praktijk_trendgroep", label_visibility="collapsed")
for measure_ids in [TRENDS[group]]:
    with st.container():
        columns = st.columns(2)
        for i, measure_id in enumerate(measure_ids):
            try:
                frame = cached.praktijk_measure(store_dir, state, rol, bound, own, measure_id)
                fig = cached.praktijk_trend_figure(store_dir, state, rol, bound, own, measure_id, show_others)
            except KbzDataError as exc:
                columns[i % 2].error(f"{MEASURES[measure_id].label}: de praktijkcijfers zijn niet leesbaar:"
                                     f" {public_message(exc)}")
                continue
            with columns[i % 2]:
                st.plotly_chart(fig, width="stretch", key=f"praktijk_trend_{measure_id}",
                                config={"displaylogo": False})
                fictief = bool(frame["fictief"].any())
                st.caption(("Fictieve demodata. " if fictief else "") + analysis.source_line(fictief, any_upload)
                           + (" Open rondjes op de as: aantal onder de 10, niet getoond." if show_others else ""))

st.header("Vergelijking met de andere KBZ-praktijken")
c1, c2 = st.columns(2)
measure_id = c1.selectbox("Kengetal", list(MEASURES), key="praktijk_vergelijk_maat", placeholder="Kies een kengetal",
                          format_func=lambda m: f"{MEASURES[m].label} ({MEASURES[m].eenheid})")
try:
    frame = cached.praktijk_measure(store_dir, state, rol, bound, own, measure_id)
except KbzDataError as exc:
    st.error(f"De vergelijking is niet beschikbaar: {public_message(exc)}")
    periods = []
else:
    periods = sorted(set(frame["periode"]), reverse=True)
if periods:
    if st.session_state.get("praktijk_vergelijk_periode") not in periods:
        st.session_state["praktijk_vergelijk_periode"] = periods[0]
    periode = c2.selectbox("Kwartaal", periods, key="praktijk_vergelijk_periode",
                           placeholder="Kies een kwartaal")
    table = analysis.comparison_table(frame, periode)
    st.dataframe(access.safe_table(table), hide_index=True, width="stretch", key="praktijk_vergelijking",
                 placeholder=UNKNOWN)
    fictief = bool((table["Fictief"] == "ja").any())
    line = analysis.source_line(fictief, any_upload)
    if fictief:
        st.warning("Fictieve demodata in deze tabel.", icon=":material/warning:")
    st.caption(f"{line} {analysis.suppression_text(viewer.rol)}")
    compared = (f", vergeleken met {praktijk.naam}" if praktijk is not None
                else ", alle praktijken" + ("" if viewer.rol == access.BEHEERDER else " geanonimiseerd"))
    comparison = exports.practice_view(
        access.safe_table(table), own=own or "", fictief=fictief, source=line,
        method_lines=(analysis.suppression_text(viewer.rol),),
        title=f"{MEASURES[measure_id].label} ({MEASURES[measure_id].eenheid}), {periode}{compared}",
        file_stem=f"vergelijking_{measure_id}_{periode}", known=reg.codes())
    download_buttons(comparison, key="praktijk_download_vergelijking",
                     labels=("Download vergelijking (CSV)", "Download vergelijking (Excel)"),
                     before=auth.export_audit(store_dir, viewer, f"vergelijking {measure_id} {periode}"))

st.header("Funnelplot: verwijzingen naar praktijkgrootte")
try:
    years = cached.praktijk_funnel_years(store_dir, state)
except KbzDataError as exc:
    st.error(f"De funnelplot is niet beschikbaar: {public_message(exc)}")
    years = []
if years:
    f1, f2 = st.columns(2)
    kengetal = f1.selectbox("Verwijzingen naar", list(REFERRALS), key="praktijk_funnel_kengetal",
                            placeholder="Kies een soort",
                            format_func=lambda k: KENGETALLEN[k].label.replace("Verwijzingen naar ", ""))
    jaar = f2.selectbox("Jaar", years, key="praktijk_funnel_jaar", placeholder="Kies een jaar")
    try:
        points, limits, target = cached.praktijk_funnel(store_dir, state, rol, bound, own, kengetal, int(jaar))
        fig = cached.praktijk_funnel_figure(store_dir, state, rol, bound, own, kengetal,
                                                  int(jaar)) if len(points) else None
    except KbzDataError as exc:
        st.error(f"De funnelplot is niet beschikbaar: {public_message(exc)}")
    else:
        if len(points):
            st.plotly_chart(fig, width="stretch", key="praktijk_funnel", config={"displaylogo": False})
            me = points[points["rol"] == "eigen"]
            if len(me) and praktijk is not None:
                st.markdown(f"**{praktijk.naam}**: {me['weergave'].iloc[0]} per 1.000 patiënten per jaar"
                            f" ({me['positie'].iloc[0]}); gemiddelde van de getoonde KBZ-praktijken"
                            f" {analysis.rate_text(target)}.")
            elif praktijk is not None:
                st.info(f"{praktijk.naam} heeft niet alle vier kwartalen van {jaar}; de praktijk staat niet in de"
                        " plot.")
            fictief = bool(points["fictief"].any())
            st.caption(("Fictieve demodata. " if fictief else "") + analysis.source_line(fictief, any_upload)
                       + " Grenzen: 95% en 99,8% rond het gemiddelde (Poisson, normale benadering); alleen praktijken"
                       " met alle vier kwartalen. " + analysis.suppression_text(viewer.rol))
        else:
            st.info("Geen praktijken met vier kwartalen cijfers in dit jaar.")

if own:
    st.header("Downloads")
    own_view = exports.practice_view(
        mine, own=own, title=f"Praktijkcijfers {praktijk.naam} ({own})", fictief=own_fictief, source=own_source,
        method_lines=("Teller en noemer per kwartaal en kengetal; noemer leeg bij tellingen.",),
        file_stem=f"praktijkcijfers_{own}", known=reg.codes())
    download_buttons(own_view, key="praktijk_download",
                     labels=("Mijn praktijkcijfers (CSV)", "Mijn praktijkcijfers (Excel)"),
                     before=auth.export_audit(store_dir, viewer, f"praktijkcijfers {own}"))
    st.caption(own_source)
