"""Upload page: a practice manager downloads the template, uploads the practice's figures, sees every problem or a
preview of what changes, confirms, and can undo an own upload after a confirmation step.

Roles are enforced in kbz_data.practice.access (validate -> preview_view -> commit_for / undo_for; history via
history_table_for): a praktijk user uploads and undoes only for the own practices, the beheerder for any (on
behalf of someone, logged), others cannot upload. Every piece of user text (file name, cell values quoted in
messages) goes through escape_markdown before it reaches Markdown, and every table shown is spreadsheet-safe
(access.safe_table), also for Streamlit's own table download."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from kbz_data.errors import KbzDataError
from kbz_data.practice import access, exports, tables, upload_store
from kbz_data.practice.errors import KbzDatabaseLockError, KbzUploadError
from kbz_data.practice.schema import KENGETALLEN, period_label, period_range, quarter_of
from kbz_data.practice.upload_checks import RULES
from kbz_data.text import UNKNOWN, aantal, escape_markdown, public_message
from kbz_data.ui import auth, cached
from kbz_data.ui import state as page_state
from kbz_data.ui.downloads import file_button
from kbz_data.ui.widgets import show_table

store_dir = st.session_state["store_dir"]

st.title("Praktijkcijfers uploaden")
viewer = auth.require(store_dir)
st.markdown(
    "Hier levert een praktijkmanager de **opgetelde** kwartaalcijfers van de praktijk aan: één regel per praktijk,"
    " kwartaal en kengetal. Het dashboard controleert het hele bestand, laat zien wat er verandert en slaat pas op"
    " na uw bevestiging. Elke upload blijft bewaard als versie en kan ongedaan worden gemaakt."
)
st.info("Zonder uploads toont het dashboard **fictieve demodata**. Geüploade cijfers vervangen de demodata voor"
        " dezelfde praktijk, hetzelfde kwartaal en kengetal.", icon=":material/info:")

if "upload_melding" in st.session_state:
    kind, text = st.session_state.pop("upload_melding")
    (st.success if kind == "ok" else st.warning)(text)

with st.expander("Regels voor het bestand en de kengetallen"):
    st.markdown("\n".join(f"{i}. {rule}" for i, rule in enumerate(RULES, start=1)))
    st.dataframe(
        [{"kengetal": k.id, "soort": k.soort, "omschrijving": k.definitie} for k in KENGETALLEN.values()],
        hide_index=True, width="stretch", key="upload_kengetallen", placeholder=UNKNOWN,
)

try:
    db = cached.practice_db(store_dir) if viewer.may_upload else None
    reg = cached.practice_registry(store_dir, cached.praktijk_state(store_dir, viewer.rol if db else "anoniem"))
    CODES = access.choosable(viewer, db, reg)
    if db is not None:
        db.check()
except KbzDataError as exc:
    st.error(f"De praktijkdatabase is niet bruikbaar: {public_message(exc)}")
    st.stop()
bad_link = page_state.replacement("praktijk_keuze")
if bad_link is not None:
    st.warning(f"Onbekende praktijk in de link: '{bad_link.shown}'. Kies hieronder een praktijk.")
if page_state.value("praktijk_keuze") not in CODES and CODES:
    page_state.set_value("praktijk_keuze", CODES[0])

st.header("1. Sjabloon downloaden")
if not CODES:
    st.caption("Het sjabloon is er per praktijk; u bent aan geen praktijk gekoppeld.")
else:
    this_year, this_quarter = quarter_of(date.today())
    recent = period_range("2018Q1", period_label(this_year, this_quarter))[::-1][:12]
    s1, s2 = st.columns(2)
    template_code = s1.selectbox(
        "Praktijk", CODES, key=page_state.key("praktijk_keuze"), placeholder="Kies een praktijk",
        format_func=lambda c: f"{c} · {reg.name(c)}")
    template_period = s2.selectbox("Kwartaal", recent, index=1 if len(recent) > 1 else 0,
                                   key="upload_sjabloon_periode", placeholder="Kies een kwartaal")
    t1, t2 = st.columns(2)
    file_button("Sjabloon (CSV)", partial(exports.template_csv, template_code, template_period),
                f"sjabloon_{template_code}_{template_period}.csv", key="upload_sjabloon_csv", container=t1)
    file_button("Sjabloon (Excel)", partial(exports.template_xlsx, template_code, template_period),
                f"sjabloon_{template_code}_{template_period}.xlsx", key="upload_sjabloon_xlsx", container=t2)

if db is None:  # viewer.may_upload is False
    if viewer.rol == access.ANONIEM and not auth.auth_configured():
        st.warning("Uploaden kan hier niet: er is geen inlog ingesteld en de server is van buitenaf bereikbaar. Alleen"
                   " een ingelogde praktijk of de beheerder kan cijfers uploaden (README, 'Inloggen').",
                   icon=":material/lock:")
    elif viewer.rol == access.ANONIEM:
        st.warning("Log in om cijfers van uw praktijk te uploaden.", icon=":material/lock:")
    else:
        st.warning("Uploaden kan alleen een praktijk (voor de eigen praktijk) of de beheerder.", icon=":material/lock:")
    st.stop()

st.header("2. Bestand uploaden")
namens = None
if viewer.rol == access.BEHEERDER and not viewer.lokaal:
    namens = st.text_input("Namens (e-mailadres van de praktijk; wordt gelogd)", key="upload_namens") or None
round_ = st.session_state.setdefault("upload_ronde", 0)
uploaded = st.file_uploader("CSV- of Excel-bestand (maximaal 5 MB)", type=["csv", "xlsx", "txt"],
                            key=f"upload_bestand_{round_}")
if uploaded is not None:
    data = uploaded.getvalue()
    name = escape_markdown(uploaded.name)
    try:
        checked = db.validate(data, uploaded.name)
        change = access.preview_view(db, viewer, checked)
    except KbzUploadError as exc:
        if exc.patient_level:
            head = (f"**{name} is geweigerd: het lijkt gegevens over individuele patiënten te bevatten.**"
                    " Upload alleen opgetelde cijfers per praktijk, kwartaal en kengetal. Er is niets opgeslagen.")
        else:
            count = len(exc.problems)
            head = (f"**{name} is niet opgeslagen: {count} {'probleem' if count == 1 else 'problemen'}.** Verbeter"
                    " het bestand en upload het opnieuw; er is niets veranderd.")
        st.error(head + "\n\n" + "\n".join(f"- {escape_markdown(str(p))}" for p in exc.problems[:200]))
    except KbzDataError as exc:
        st.error(public_message(exc))
    else:
        for notice in checked.notices:
            st.caption(f"Let op: {escape_markdown(notice)}.")
        if checked.skipped:
            st.info(upload_store.skipped_text(checked.skipped))
        counts = upload_store.preview_summary(change)
        m1, m2, m3 = st.columns(3)
        m1.metric("Nieuw", counts["nieuw"])
        m2.metric("Gewijzigd", counts["gewijzigd"])
        m3.metric("Ongewijzigd", counts["ongewijzigd"])
        show_table(access.safe_table(tables.preview_display(upload_store.preview_table(change))),
                   key="upload_voorbeeld")
        st.markdown(f"**{name}** is goedgekeurd: {aantal(len(change), 'cijfer', 'cijfers')}. Nog niets is"
                    " opgeslagen.")
        if st.button("Bevestigen en opslaan", type="primary", key="upload_bevestig"):
            try:
                with st.spinner(f"Opslaan. Is er net een andere upload bezig, dan wacht het dashboard daar maximaal"
                                f" {db.timeout:.0f} seconden op."):
                    event = access.commit_for(db, viewer, data, uploaded.name, namens=namens)
            except KbzUploadError as exc:  # another upload landed in between and conflicts with this file
                st.error("Opslaan is mislukt; er is niets veranderd.\n\n"
                         + "\n".join(f"- {escape_markdown(str(p))}" for p in exc.problems[:200]))
            except KbzDatabaseLockError as exc:
                st.error(f"Opslaan is mislukt: er was een andere upload bezig en na {db.timeout:.0f} seconden wachten"
                         f" is het opgegeven. Er is niets veranderd; probeer het opnieuw. ({public_message(exc)})")
            except KbzDataError as exc:
                st.error(f"Opslaan is mislukt; er is niets veranderd. {public_message(exc)}")
            else:
                st.session_state["upload_melding"] = (
                    "ok", f"Opgeslagen als versie {event['versie']}:"
                          f" {aantal(int(event['rijen']), 'cijfer', 'cijfers')} uit"
                          f" {escape_markdown(event['bestandsnaam'])} ({event['periodes']}).")
                st.session_state["upload_ronde"] = round_ + 1
                st.rerun()

st.header("3. Eerdere uploads")
try:
    history = access.history_table_for(db, viewer)
except KbzDataError as exc:
    st.error(f"De praktijkdatabase is niet leesbaar: {public_message(exc)}")
    st.stop()
if history.empty:
    st.caption("Nog geen uploads van uw praktijk: het dashboard toont daar de fictieve demodata.")
else:
    show_table(access.safe_table(tables.history_display(history)), key="upload_historie")
    active = history[history["status"] == "actief"]
    if len(active) and upload_store.can_undo(history):
        last = active.iloc[0]
        if st.session_state.get("upload_ongedaan_vraag") != int(last["versie"]):
            if st.button("Laatste upload ongedaan maken", key="upload_ongedaan"):
                st.session_state["upload_ongedaan_vraag"] = int(last["versie"])
                st.rerun()
        else:
            st.warning(f"Weet u het zeker? Versie {int(last['versie'])} ({escape_markdown(str(last['bestandsnaam']))},"
                       f" {aantal(int(last['rijen']), 'cijfer', 'cijfers')},"
                       f" {escape_markdown(str(last['praktijken']))}) wordt ongedaan gemaakt;"
                       " de cijfers van daarvóór gelden dan weer. De upload blijft in de geschiedenis staan.")
            y, n = st.columns(2)
            if y.button("Ja, ongedaan maken", key="upload_ongedaan_bevestig", type="primary"):
                st.session_state.pop("upload_ongedaan_vraag", None)
                try:
                    undone = access.undo_for(db, viewer, int(last["versie"]))
                except KbzDataError as exc:
                    st.error(f"Ongedaan maken is mislukt: {public_message(exc)}")
                else:
                    st.session_state["upload_melding"] = (
                        "let op", f"Versie {undone['versie']} ({escape_markdown(undone['bestandsnaam'])}) is ongedaan"
                                  " gemaakt; de cijfers van daarvóór gelden weer.")
                    st.rerun()
            if n.button("Annuleren", key="upload_ongedaan_annuleer"):
                st.session_state.pop("upload_ongedaan_vraag", None)
                st.rerun()
