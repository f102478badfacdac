"""Login and roles on the practice pages (AppTest with ``[auth]`` secrets and a mocked ``st.user``).

The end-to-end version with a real OpenID Connect provider and Chromium is tests/test_login_browser.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kbz_data.practice.db.repository import PracticeDb
from tests.conftest import REPO

APP = str(REPO / "app.py")
AUTH = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-geheim",
                 "client_id": "kbz", "client_secret": "geheim",
                 "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}}
PRAKTIJK = "pm@bloemhof.example"
ANALIST = "analist@verzekeraar.example"
BEHEERDER = "beheer@kbz.example"
OWN = "RTD-BLOEMHOF-1"
GOOD = f"praktijk_code;periode;kengetal;teller;noemer\n{OWN};2024Q4;consulten;4.321;\n".encode()
OTHER = b"praktijk_code;periode;kengetal;teller;noemer\nUTR-ONDIEP-1;2024Q4;consulten;4.321;\n"


@pytest.fixture
def accounts(practice_app_store: Path, monkeypatch: pytest.MonkeyPatch) -> PracticeDb:
    monkeypatch.setattr("kbz_data.ui.auth.server_address", lambda: "0.0.0.0")
    monkeypatch.setenv("KBZ_BEHEERDER_CONTACT", "beheer@kbz.example (020-1234567)")
    db = PracticeDb(store_dir=practice_app_store)
    db.add_user(PRAKTIJK, "Praktijkmanager Bloemhof", "praktijk", [OWN])
    db.add_user(ANALIST, "Analist", "analist")
    db.add_user(BEHEERDER, "Beheerder", "beheerder")
    return db


def app_as(email: str | None, page: str, params: dict[str, str] | None = None, verified: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets.update(AUTH)
    at.user = ({"is_logged_in": True, "email": email, "email_verified": verified, "name": email}
               if email else {"is_logged_in": False})
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """Markdown as read: without the escapes of kbz_data.text.escape_markdown."""
    return markdown.replace("\u200b", "").replace("\\", "")


def page_text(at: AppTest) -> str:
    kinds = ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader")
    parts = [e.value for kind in kinds for e in at.get(kind)]
    parts += [e.value.to_csv() for e in at.dataframe]
    return "\n".join(str(p) for p in parts)


def test_praktijk_user_sees_own_practice_and_not_another_by_url(accounts: PracticeDb) -> None:
    at = app_as(PRAKTIJK, "app_pages/praktijk.py", {"praktijk": "UTR-ONDIEP-1"})
    errors = [e.value for e in at.error]
    assert any("U hebt geen toegang tot de cijfers van praktijk UTR-ONDIEP-1" in e for e in errors)
    box = at.selectbox(key="praktijk_keuze")
    assert box.value == OWN and len(box.options) == 1 and "Bloemhof" in box.options[0]
    text = page_text(at)
    assert "Ondiep" not in text  # nothing of that practice by name
    assert "Bloemhof" in text and "Praktijk A" in text
    assert "Uitloggen" in [b.label for b in at.sidebar.button]
    audit = accounts.audit_log()
    assert (audit["actie"] == "login").sum() == 1 and audit["gebruiker"].iloc[0] == PRAKTIJK
    at.run()
    assert (accounts.audit_log()["actie"] == "login").sum() == 1  # once per session


def test_praktijk_user_uploads_own_only_and_undoes_after_confirmation(accounts: PracticeDb) -> None:
    at = app_as(PRAKTIJK, "app_pages/upload.py")
    at.file_uploader(key="upload_bestand_0").upload("ander.csv", OTHER, "text/csv")
    at.run()
    assert any("u mag alleen cijfers van uw eigen praktijk uploaden" in e.value for e in at.error)
    assert "upload_bevestig" not in [b.key for b in at.button]
    at.file_uploader(key="upload_bestand_0").set_value(("eigen.csv", GOOD, "text/csv")).run()
    at.button(key="upload_bevestig").click().run()
    assert any("Opgeslagen als versie 1" in s.value for s in at.success)
    assert accounts.history()["gebruiker"].tolist() == [PRAKTIJK]
    at.button(key="upload_ongedaan").click().run()
    assert accounts.history()["status"].tolist() == ["actief"]  # not before the confirmation
    at.button(key="upload_ongedaan_bevestig").click().run()
    assert accounts.history()["status"].iloc[0].startswith("ongedaan")


def test_praktijk_user_cannot_undo_another_practices_upload(accounts: PracticeDb) -> None:
    accounts.commit(OTHER, "ander.csv", user=BEHEERDER)
    at = app_as(PRAKTIJK, "app_pages/upload.py")
    assert "upload_ongedaan" not in [b.key for b in at.button]
    assert "ander.csv" not in page_text(at)  # another practice's upload is not even listed


def test_analist_sees_no_names_and_cannot_upload_or_manage(accounts: PracticeDb) -> None:
    at = app_as(ANALIST, "app_pages/praktijk.py")
    assert not [s for s in at.selectbox if s.key == "praktijk_keuze"]
    text = page_text(at)
    assert "(fictief)" not in text and "Praktijk A" in text
    at.switch_page("app_pages/upload.py").run()
    assert any("Uploaden kan alleen een praktijk" in w.value for w in at.warning)
    assert not at.get("file_uploader")
    at.switch_page("app_pages/beheer.py").run()
    assert any("alleen de beheerder" in e.value for e in at.error)


def test_unknown_or_unverified_email_is_refused_with_contact(accounts: PracticeDb) -> None:
    at = app_as("onbekend@example.org", "app_pages/praktijk.py")
    error = at.error[0].value
    assert "Geen toegang" in error and "beheer@kbz.example (020-1234567)" in plain(error)
    assert not at.get("plotly_chart")
    at = app_as(PRAKTIJK, "app_pages/upload.py", verified=False)
    assert "Geen toegang" in at.error[0].value and "niet bevestigd" in at.error[0].value
    assert not at.get("file_uploader")


def test_not_logged_in_sees_demo_and_login_button(accounts: PracticeDb) -> None:
    at = app_as(None, "app_pages/praktijk.py")
    assert "Inloggen" in [b.label for b in at.sidebar.button]
    assert any("Fictieve demodata" in w.value for w in at.warning)
    at.switch_page("app_pages/upload.py").run()
    assert any("Log in om cijfers" in w.value for w in at.warning)
    assert not at.get("file_uploader")


def test_logout(accounts: PracticeDb) -> None:
    at = app_as(PRAKTIJK, "app_pages/praktijk.py")
    at.sidebar.button(key="auth_uitloggen").click().run()
    assert not at.exception
    assert "Inloggen" in [b.label for b in at.sidebar.button]


def test_beheerder_adds_user_and_practice(accounts: PracticeDb) -> None:
    at = app_as(BEHEERDER, "app_pages/beheer.py")
    at.text_input(key="beheer_nieuw_email").set_value("nieuw@praktijk.example")
    at.text_input(key="beheer_nieuw_naam").set_value("Nieuwe manager")
    at.selectbox(key="beheer_nieuw_rol").set_value("praktijk")
    at.multiselect(key="beheer_nieuw_praktijken").set_value(["UTR-ONDIEP-1"])
    at.button(key="beheer_gebruiker_toevoegen").click().run()
    assert not at.exception
    assert any("nieuw@praktijk.example (praktijk) is toegevoegd" in plain(s.value) for s in at.success)
    assert accounts.user("nieuw@praktijk.example")["praktijken"] == frozenset({"UTR-ONDIEP-1"})

    at.radio(key="beheer_onderdeel").set_value("Praktijken").run()
    at.text_input(key="beheer_praktijk_code").set_value("utr-ondiep-2")
    at.text_input(key="beheer_praktijk_naam").set_value("Huisartsen Ondiep-Noord")
    at.selectbox(key="beheer_praktijk_gemeente").set_value("GM0344")
    at.text_input(key="beheer_praktijk_hoofdbuurt").set_value("BU99990101")
    at.text_input(key="beheer_praktijk_buurten_2020").set_value("BU99990101")
    at.button(key="beheer_praktijk_opslaan").click().run()
    error = plain(at.error[0].value)
    assert "niet opgeslagen" in error and "'BU99990101' ligt niet in gemeente GM0344" in error
    assert "wijken 2020: vul minstens één wijkcode in" in error
    assert "UTR-ONDIEP-2" not in set(accounts.practices()["praktijk_code"])

    from kbz_data.store import storage

    areas = storage.read_gebieden(accounts.store_dir)
    areas = areas[(areas["gemeentecode"] == "GM0344") & areas["niveau"].isin(["wijk", "buurt"])]
    first_buurt = ""
    for jaar in (2020, 2024):
        for niveau in ("wijk", "buurt"):
            code = areas[(areas["indeling"] == jaar) & (areas["niveau"] == niveau)]["code"].iloc[0]
            at.text_input(key=f"beheer_praktijk_{niveau}en_{jaar}").set_value(code)
            first_buurt = first_buurt or (code if niveau == "buurt" else "")
    at.text_input(key="beheer_praktijk_hoofdbuurt").set_value(first_buurt)
    at.button(key="beheer_praktijk_opslaan").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Praktijk UTR-ONDIEP-2 is toegevoegd" in s.value for s in at.success)
    assert "UTR-ONDIEP-2" in set(accounts.practices()["praktijk_code"])

    at.radio(key="beheer_onderdeel").set_value("Auditlog").run()
    log = at.dataframe[0].value
    assert {"login", "gebruiker", "praktijk"} <= set(log["actie"])


def test_beheerder_undoes_any_upload_after_confirmation(accounts: PracticeDb) -> None:
    accounts.commit(GOOD, "=cmd|' -C calc'!A0.csv", user=PRAKTIJK)
    at = app_as(BEHEERDER, "app_pages/beheer.py")
    at.radio(key="beheer_onderdeel").set_value("Uploads").run()
    table = at.dataframe[0].value
    assert table["bestandsnaam"].tolist() == ["'=cmd|' -C calc'!A0.csv"]  # spreadsheet-safe, also in its download
    assert at.button(key="beheer_undo").disabled
    at.checkbox(key="beheer_undo_zeker_1").check().run()
    at.button(key="beheer_undo").click().run()
    assert not at.exception
    assert accounts.history()["status"].iloc[0].startswith("ongedaan")
    assert accounts.audit_log()["actie"].iloc[0] == "ongedaan"


def test_practice_download_is_audited_before_the_file_is_written(accounts: PracticeDb) -> None:
    from kbz_data.practice.access import Viewer
    from kbz_data.ui import auth
    from kbz_data.ui.downloads import _written

    viewer = Viewer("praktijk", email=PRAKTIJK, praktijken=frozenset({OWN}))
    audit = auth.export_audit(str(accounts.store_dir), viewer, f"praktijkcijfers {OWN}")
    assert auth.export_audit(str(accounts.store_dir), Viewer.anonymous(), "demo") is None  # demo set: no database
    calls = []
    write = _written(lambda: calls.append("bestand") or b"x", lambda kind: (audit(kind), calls.append(kind)), "csv")
    assert write() == b"x" and calls == ["csv", "bestand"]
    log = accounts.audit_log()
    assert log["actie"].iloc[0] == "export" and log["onderwerp"].iloc[0] == f"praktijkcijfers {OWN}"
