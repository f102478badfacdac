"""Beheer page (beheerder only): practices (add or change, codes and areas checked against the store), users and
the practices they are bound to, every upload with undo (after a confirmation), and the audit log.

Every action goes through kbz_data.practice.admin / access, which refuse anyone but the beheerder (the page check
below only spares others an empty page). Tables are spreadsheet-safe (user text such as names and file names).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.practice import access, admin, tables
from kbz_data.practice.db.models import ROLES
from kbz_data.text import escape_markdown, public_message
from kbz_data.ui import auth, cached
from kbz_data.ui.widgets import show_table

store_dir = st.session_state["store_dir"]

st.title("Beheer")
viewer = auth.require(store_dir)
if not viewer.may_manage:
    st.error("Geen toegang: alleen de beheerder kan gebruikers, praktijken en het auditlogboek beheren.")
    st.stop()

if "beheer_melding" in st.session_state:
    st.success(st.session_state.pop("beheer_melding"))


def done(message: str) -> None:
    st.session_state["beheer_melding"] = message
    st.rerun()


try:
    db = cached.practice_db(store_dir)
    practices = admin.practices_for(db, viewer)
    users = admin.users_for(db, viewer)
except KbzDataError as exc:
    st.error(f"De praktijkdatabase is niet bruikbaar: {public_message(exc)}")
    st.stop()
codes = practices["praktijk_code"].str.lstrip("'").tolist()

section = st.radio("Onderdeel", ["Gebruikers", "Praktijken", "Uploads", "Auditlog"], horizontal=True,
                   key="beheer_onderdeel", label_visibility="collapsed")

if section == "Gebruikers":
    st.header("Gebruikers")
    if users.empty:
        st.caption("Nog geen gebruikers: voeg hieronder de eerste toe.")
    else:
        show_table(tables.users_display(users), key="beheer_gebruikers")
    st.markdown("**Gebruiker toevoegen** (inloggen gaat met het e-mailadres dat de inlogdienst bevestigt)")
    a1, a2, a3 = st.columns(3)
    email = a1.text_input("E-mailadres", key="beheer_nieuw_email")
    naam = a2.text_input("Naam", key="beheer_nieuw_naam")
    rol = a3.selectbox("Rol", ROLES, key="beheer_nieuw_rol", placeholder="Kies een rol")
    bound = st.multiselect("Praktijken (alleen voor de rol praktijk)", codes, key="beheer_nieuw_praktijken",
                           placeholder="Kies een of meer praktijken")
    if st.button("Gebruiker toevoegen", key="beheer_gebruiker_toevoegen", type="primary"):
        try:
            admin.add_user_for(db, viewer, email, naam, rol, bound)
        except KbzDataError as exc:
            st.error(f"Niet toegevoegd: {public_message(exc)}")
        else:
            done(f"Gebruiker {escape_markdown(email.strip().lower())} ({rol}) is toegevoegd.")
    if len(users):
        st.markdown("**Gebruiker wijzigen**")
        emails = users["email"].str.lstrip("'").tolist()
        who = st.selectbox("Gebruiker", emails, key="beheer_wijzig_email", placeholder="Kies een gebruiker")
        row = users.iloc[emails.index(who)]
        c1, c2 = st.columns(2)
        new_rol = c1.selectbox("Rol", ROLES, index=ROLES.index(row["rol"]), key=f"beheer_wijzig_rol_{who}",
                                placeholder="Kies een rol")
        actief = c2.checkbox("Actief (kan inloggen)", value=bool(row["actief"]), key=f"beheer_wijzig_actief_{who}")
        current = [c for c in str(row["praktijken"]).split(", ") if c in codes]
        new_bound = st.multiselect("Praktijken", codes, default=current, key=f"beheer_wijzig_praktijken_{who}",
                                   placeholder="Kies een of meer praktijken")
        if st.button("Wijzigingen opslaan", key="beheer_gebruiker_wijzigen"):
            try:
                admin.change_user_for(db, viewer, who, new_rol, new_bound, actief)
            except KbzDataError as exc:
                st.error(f"Niet gewijzigd: {public_message(exc)}")
            else:
                done(f"Gebruiker {escape_markdown(who)} is gewijzigd.")

elif section == "Praktijken":
    st.header("Praktijken")
    show_table(tables.practices_display(practices), key="beheer_praktijken")
    st.markdown("**Praktijk toevoegen of wijzigen** (een bestaande code wijzigt die praktijk)")
    p1, p2, p3 = st.columns(3)
    code = p1.text_input("Code (bijv. RTD-BLOEMHOF-2)", key="beheer_praktijk_code").strip().upper()
    naam = p2.text_input("Naam", key="beheer_praktijk_naam")
    gemeente = p3.selectbox("Gemeente", list(GEMEENTEN), format_func=GEMEENTEN.get, key="beheer_praktijk_gemeente",
                            placeholder="Kies een gemeente")
    q1, q2, q3 = st.columns(3)
    gebied = q1.text_input("KBZ-gebied", key="beheer_praktijk_gebied")
    start = q2.date_input("KBZ-start", value=date(2024, 1, 1), key="beheer_praktijk_start", format="DD-MM-YYYY")
    hoofdbuurt = q3.text_input("Hoofdbuurt (buurtcode)", key="beheer_praktijk_hoofdbuurt")
    form = {"code": code, "naam": naam, "gemeentecode": gemeente, "kbz_gebied": gebied, "kbz_start": start,
            "hoofdbuurt": hoofdbuurt}
    for jaar in admin.DIVISIONS:
        w, b = st.columns(2)
        form[f"wijken_{jaar}"] = admin.split_codes(w.text_input(f"Wijken {jaar}", key=f"beheer_praktijk_wijken_{jaar}"))
        form[f"buurten_{jaar}"] = admin.split_codes(
            b.text_input(f"Buurten {jaar}", key=f"beheer_praktijk_buurten_{jaar}"))
    if st.button("Praktijk opslaan", key="beheer_praktijk_opslaan", type="primary"):
        try:
            built = cached.build_info(store_dir)["gebouwd"]
            known = cached.store_data(store_dir, built).gebieden[["code", "niveau", "indeling"]]
            new = admin.save_practice_for(db, viewer, form, known)
        except KbzDataError as exc:
            st.error(public_message(exc))
        else:
            done(f"Praktijk {escape_markdown(code)} is {'toegevoegd' if new else 'gewijzigd'}.")

elif section == "Uploads":
    st.header("Alle uploads")
    try:
        history = access.history_table_for(db, viewer)
    except KbzDataError as exc:
        st.error(f"De uploads zijn niet leesbaar: {public_message(exc)}")
        st.stop()
    if history.empty:
        st.caption("Nog geen uploads.")
    else:
        show_table(access.safe_table(tables.history_display(history)), key="beheer_uploads")
        active = history.loc[history["status"] == "actief", "versie"].astype(int).tolist()
        if active:
            versie = st.selectbox("Upload ongedaan maken", active, key="beheer_undo_versie",
                                  placeholder="Kies een versie",
                                  format_func=lambda v: f"versie {v}")
            sure = st.checkbox(f"Ja, maak versie {versie} ongedaan (wordt gelogd)", key=f"beheer_undo_zeker_{versie}")
            if st.button("Ongedaan maken", key="beheer_undo", disabled=not sure):
                try:
                    undone = access.undo_for(db, viewer, int(versie))
                except KbzDataError as exc:
                    st.error(f"Ongedaan maken is mislukt: {public_message(exc)}")
                else:
                    done(f"Versie {undone['versie']} ({escape_markdown(undone['bestandsnaam'])}) is ongedaan"
                         " gemaakt.")

else:
    st.header("Auditlog")
    try:
        log = admin.audit_for(db, viewer)
    except KbzDataError as exc:
        st.error(f"Het auditlog is niet leesbaar: {public_message(exc)}")
        st.stop()
    st.caption("Nieuwste eerst; het log kan alleen groeien (wijzigen en wissen weigert de database).")
    if log.empty:
        st.caption("Het auditlog is nog leeg.")
    else:
        show_table(tables.audit_display(log), key="beheer_auditlog")
