"""The whole path through the pages (AppTest, ``[auth]`` secrets, mocked ``st.user``): the beheerder adds a practice
on Beheer and a user bound to it; that user logs in, sees the practice on Praktijk, fills in part of the app's own
template, uploads it for that practice and confirms; the figures show on Praktijk (also in a new session), the
practice appears anonymised for another practice and named in the beheerder's budget; a name changed on Beheer shows.
The unit-level tests are tests/test_practice_registry_db.py."""

from __future__ import annotations

from pathlib import Path

from kbz_data.practice import exports
from kbz_data.practice.db.repository import PracticeDb
from kbz_data.store import storage
from tests.test_practice_roles import BEHEERDER, PRAKTIJK, accounts, app_as, page_text, plain  # noqa: F401

NEW = "UTR-ONDIEP-2"
NAME = "Huisartsen Ondiep-Noord"
MANAGER = "pm@ondiep-noord.example"


def _fill_practice_form(at, store_dir: Path, naam: str) -> None:  # noqa: ANN001 - AppTest
    at.radio(key="beheer_onderdeel").set_value("Praktijken").run()
    at.text_input(key="beheer_praktijk_code").set_value(NEW.lower())
    at.text_input(key="beheer_praktijk_naam").set_value(naam)
    at.selectbox(key="beheer_praktijk_gemeente").set_value("GM0344")
    areas = storage.read_gebieden(store_dir)
    areas = areas[(areas["gemeentecode"] == "GM0344") & ~areas["water"].fillna(False).astype(bool)]
    first_buurt = ""
    for jaar in (2020, 2024):
        for niveau in ("wijk", "buurt"):
            code = areas[(areas["indeling"] == jaar) & (areas["niveau"] == niveau)]["code"].iloc[0]
            at.text_input(key=f"beheer_praktijk_{niveau}en_{jaar}").set_value(code)
            first_buurt = first_buurt or (code if niveau == "buurt" else "")
    at.text_input(key="beheer_praktijk_hoofdbuurt").set_value(first_buurt)
    at.button(key="beheer_praktijk_opslaan").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def _table_with(at, column: str):  # noqa: ANN001, ANN202 - AppTest, DataFrame
    """The first table on the page with this column (AppTest does not expose a table's key)."""
    tables = [t.value for t in at.dataframe if column in t.value.columns]
    assert tables, f"geen tabel met kolom {column}"
    return tables[0]


def _partly_filled_template() -> bytes:
    """The app's own CSV template for the new practice, with three of its thirteen rows filled in."""
    text = exports.template_csv(NEW, "2024Q4").decode("utf-8-sig")
    values = {"ingeschreven_patienten": "4800", "consulten": "6100", "verwijzingen_ziekenhuis": "7"}
    lines = []
    for line in text.split("\r\n"):
        cells = line.split(";")
        if len(cells) == 5 and cells[2] in values:
            cells[3] = values[cells[2]]
        lines.append(";".join(cells))
    return "\r\n".join(lines).encode("utf-8-sig")


def test_practice_added_on_beheer_is_a_practice_everywhere(accounts: PracticeDb) -> None:  # noqa: F811
    store_dir = accounts.store_dir
    at = app_as(BEHEERDER, "app_pages/beheer.py")
    _fill_practice_form(at, store_dir, NAME)
    assert any(f"Praktijk {NEW} is toegevoegd" in s.value for s in at.success)
    at.radio(key="beheer_onderdeel").set_value("Gebruikers").run()
    at.text_input(key="beheer_nieuw_email").set_value(MANAGER)
    at.text_input(key="beheer_nieuw_naam").set_value("Manager Ondiep-Noord")
    at.selectbox(key="beheer_nieuw_rol").set_value("praktijk")
    at.multiselect(key="beheer_nieuw_praktijken").set_value([NEW])
    at.button(key="beheer_gebruiker_toevoegen").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    # the manager logs in and sees the new practice (no figures yet: said so, nothing breaks)
    at = app_as(MANAGER, "app_pages/praktijk.py", {"praktijk": NEW})
    assert not at.error, [e.value for e in at.error]
    box = at.selectbox(key="praktijk_keuze")
    assert box.value == NEW and len(box.options) == 1 and NAME in box.options[0]
    assert NAME in page_text(at)
    assert any("Er zijn nog geen cijfers van deze praktijk" in i.value for i in at.info)

    # uploads a partly filled template for it
    at = app_as(MANAGER, "app_pages/upload.py")
    assert at.selectbox(key="praktijk_keuze").value == NEW
    at.file_uploader(key="upload_bestand_0").upload("sjabloon.csv", _partly_filled_template(), "text/csv")
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert any(i.value.startswith("10 lege sjabloonregels overgeslagen (teller en noemer leeg): rij ")
               for i in at.info)
    at.button(key="upload_bevestig").click().run()
    assert any("Opgeslagen als versie 1: 3 cijfers" in s.value for s in at.success)
    assert accounts.history()["praktijken"].tolist() == [NEW]

    # the figures show on Praktijk, in a new session too (they live in the database)
    at = app_as(MANAGER, "app_pages/praktijk.py")
    assert not at.error, [e.value for e in at.error]
    summary = _table_with(at, "Mijn praktijk")
    patients = summary[summary["Kengetal"].str.startswith("Ingeschreven patiënten")].iloc[0]
    assert patients["Mijn praktijk"] == "4.800" and patients["Periode"] == "2024Q4"
    assert NAME in page_text(at)

    # another practice sees it only anonymised, its count under 10 suppressed
    at = app_as(PRAKTIJK, "app_pages/praktijk.py")
    at.selectbox(key="praktijk_vergelijk_maat").set_value("verwijzingen_ziekenhuis_per_1000").run()
    at.selectbox(key="praktijk_vergelijk_periode").set_value("2024Q4").run()
    table = _table_with(at, "Praktijk")
    assert "Praktijk L" in set(table["Praktijk"])  # 12 others now: letters A to L
    text = page_text(at)
    assert NEW not in text and "Ondiep-Noord" not in text and "<10" in text

    # the beheerder's budget over practices names it
    at = app_as(BEHEERDER, "app_pages/budget.py")
    at.session_state["budget_tabblad"] = "Praktijken"  # the tab runs only when opened
    at.run()
    assert not at.exception
    text = page_text(at)
    assert NAME in text and "Overige KBZ-praktijken" not in text

    # a name changed on Beheer shows on Praktijk
    at = app_as(BEHEERDER, "app_pages/beheer.py")
    _fill_practice_form(at, store_dir, "Gezondheidscentrum Ondiep-Noord")
    assert any(f"Praktijk {NEW} is gewijzigd" in s.value for s in at.success)
    at = app_as(MANAGER, "app_pages/praktijk.py")
    assert "Gezondheidscentrum Ondiep-Noord" in at.selectbox(key="praktijk_keuze").options[0]
    assert NAME not in plain(page_text(at))
