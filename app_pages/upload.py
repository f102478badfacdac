"""Upload page: a practice manager downloads the template, uploads the practice's figures, sees every problem or a
preview of what changes, confirms, and can undo the last upload (kbz_data.practice.upload_checks / upload_store).

Every piece of user text (file name, cell values quoted in messages, names from the journal) goes through
escape_markdown before it reaches Markdown (st.markdown, st.error, st.warning, st.success, st.caption)."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from kbz_data.errors import KbzDataError
from kbz_data.practice import exports, registry, upload_store
from kbz_data.practice.errors import KbzUploadError
from kbz_data.practice.schema import KENGETALLEN, period_label, period_range, quarter_of
from kbz_data.practice.upload_checks import RULES, validate_upload
from kbz_data.text import escape_markdown, public_message
from kbz_data.ui import cached
from kbz_data.ui import state as page_state
from kbz_data.ui.downloads import file_button

store_dir = st.session_state["store_dir"]
CODES = registry.codes()

st.title("Praktijkcijfers uploaden")
st.markdown(
    "Hier levert een praktijkmanager de **opgetelde** kwartaalcijfers van de praktijk aan: één regel per praktijk,"
    " kwartaal en kengetal. Het dashboard controleert het hele bestand, laat zien wat er verandert en slaat pas op"
    " na uw bevestiging. Elke upload blijft bewaard als versie en kan ongedaan worden gemaakt."
)
st.info("Zonder uploads toont het dashboard **fictieve demodata**. Geüploade cijfers vervangen de demodata voor"
        " dezelfde praktijk, hetzelfde kwartaal en kengetal.", icon="ℹ️")

if "upload_melding" in st.session_state:
    kind, text = st.session_state.pop("upload_melding")
    (st.success if kind == "ok" else st.warning)(text)

with st.expander("Regels voor het bestand en de kengetallen"):
    st.markdown("\n".join(f"{i}. {rule}" for i, rule in enumerate(RULES, start=1)))
    st.dataframe(
        [{"kengetal": k.id, "soort": k.soort, "omschrijving": k.definitie} for k in KENGETALLEN.values()],
        hide_index=True, width="stretch", key="upload_kengetallen",
    )

st.subheader("1. Sjabloon downloaden")
this_year, this_quarter = quarter_of(date.today())
recent = period_range("2018Q1", period_label(this_year, this_quarter))[::-1][:12]
s1, s2 = st.columns(2)
template_code = s1.selectbox("Praktijk", CODES, key=page_state.key("praktijk_keuze"),
                             format_func=lambda c: f"{c} · {registry.get(c).naam}")
template_period = s2.selectbox("Kwartaal", recent, index=1 if len(recent) > 1 else 0, key="upload_sjabloon_periode")
t1, t2 = st.columns(2)
file_button("Sjabloon (CSV)", partial(exports.template_csv, template_code, template_period),
            f"sjabloon_{template_code}_{template_period}.csv", key="upload_sjabloon_csv", container=t1)
file_button("Sjabloon (Excel)", partial(exports.template_xlsx, template_code, template_period),
            f"sjabloon_{template_code}_{template_period}.xlsx", key="upload_sjabloon_xlsx", container=t2)

st.subheader("2. Bestand uploaden")
round_ = st.session_state.setdefault("upload_ronde", 0)
uploaded = st.file_uploader("CSV- of Excel-bestand (maximaal 5 MB)", type=["csv", "xlsx", "txt"],
                            key=f"upload_bestand_{round_}")
if uploaded is not None:
    data = uploaded.getvalue()
    name = escape_markdown(uploaded.name)
    try:
        state = cached.praktijk_state(store_dir)
        current = cached.praktijk_figures(store_dir, state)
        checked = validate_upload(data, uploaded.name, stored=current)
        change = upload_store.preview(current, checked)
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
        st.error(f"De praktijkopslag is niet leesbaar: {public_message(exc)}")
    else:
        for notice in checked.notices:
            st.caption(f"Let op: {escape_markdown(notice)}.")
        counts = upload_store.preview_summary(change)
        m1, m2, m3 = st.columns(3)
        m1.metric("Nieuw", counts["nieuw"])
        m2.metric("Gewijzigd", counts["gewijzigd"])
        m3.metric("Ongewijzigd", counts["ongewijzigd"])
        st.dataframe(upload_store.preview_table(change), hide_index=True, width="stretch", key="upload_voorbeeld")
        st.markdown(f"**{name}** is goedgekeurd: {len(change)} cijfers. Nog niets is opgeslagen.")
        if st.button("Bevestigen en opslaan", type="primary", key="upload_bevestig"):
            try:
                event = upload_store.commit(store_dir, data, uploaded.name)
            except KbzUploadError as exc:  # another upload landed in between and conflicts with this file
                st.error("Opslaan is mislukt; er is niets veranderd.\n\n"
                         + "\n".join(f"- {escape_markdown(str(p))}" for p in exc.problems[:200]))
            except KbzDataError as exc:
                st.error(f"Opslaan is mislukt; er is niets veranderd. {public_message(exc)}")
            else:
                st.session_state["upload_melding"] = (
                    "ok", f"Opgeslagen als versie {event['versie']}: {event['rijen']} cijfers uit"
                          f" {escape_markdown(event['bestandsnaam'])} ({event['periodes']}).")
                st.session_state["upload_ronde"] = round_ + 1
                st.rerun()

st.subheader("3. Eerdere uploads")
try:
    history = upload_store.history_table(store_dir)
except KbzDataError as exc:
    st.error(f"De praktijkopslag is niet leesbaar: {public_message(exc)}")
    st.stop()
if history.empty:
    st.caption("Nog geen uploads: het dashboard toont alleen de fictieve demodata.")
else:
    st.dataframe(history, hide_index=True, width="stretch", key="upload_historie")
    if upload_store.can_undo(history):
        if st.button("Laatste upload ongedaan maken", key="upload_ongedaan"):
            try:
                undone = upload_store.undo_last(store_dir)
            except KbzDataError as exc:
                st.error(f"Ongedaan maken is mislukt: {public_message(exc)}")
            else:
                st.session_state["upload_melding"] = (
                    "let op", f"Versie {undone['versie']} ({escape_markdown(undone['bestandsnaam'])}) is ongedaan"
                              " gemaakt; de cijfers van daarvóór gelden weer.")
                st.rerun()
