"""AppTest of the upload flow (good file, bad file, confirm, undo) and the Praktijk page, from the entry point."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from kbz_data.practice.db.repository import PracticeDb
from tests.conftest import REPO, snapshot_tree

APP = str(REPO / "app.py")
GOOD = (b"praktijk_code;periode;kengetal;teller;noemer\n"
        b"RTD-BLOEMHOF-1;2024Q4;consulten;4.321;\n"
        b"RTD-BLOEMHOF-1;2024Q4;patienten_weet_wat_te_doen;33;44\n")
BAD = (b"praktijk_code;periode;kengetal;teller;noemer\n"
       b"RTD-BLOEMHOF-1;2024Q4;consulten;-5;\n"
       b"RTD-BLOEMHOF-1;2024Q4;consulten;12;\n")


def frame_with(at: AppTest, column: str):
    """The first dataframe on the page with this column (AppTest does not expose dataframe keys)."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"geen tabel met kolom {column!r}")


def summary_row(at: AppTest, label_start: str) -> dict:
    table = frame_with(at, "Mijn praktijk")
    row = table[table["Kengetal"].str.startswith(label_start)]
    assert len(row) == 1
    return row.iloc[0].to_dict()


def open_upload(at: AppTest) -> AppTest:
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception, at.exception
    return at


def test_upload_flow_bad_good_confirm_undo(practice_app_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at = open_upload(at)
    assert at.title[0].value == "Praktijkcijfers uploaden"
    assert at.get("download_button")  # templates
    before = snapshot_tree(practice_app_store)

    at.file_uploader(key="upload_bestand_0").upload("fout.csv", BAD, "text/csv")
    at.run()
    assert not at.exception
    error = at.error[0].value
    assert "fout.csv is niet opgeslagen: 2 problemen." in error
    assert "rij 2, kolom teller: '-5' is negatief; alleen hele getallen van 0 of meer zijn toegestaan" in error
    assert ("rij 3: dubbele regel: praktijk RTD-BLOEMHOF-1, periode 2024Q4, kengetal consulten staat ook in rij 2"
            in error)
    assert "upload_bevestig" not in [b.key for b in at.button]
    assert snapshot_tree(practice_app_store) == before

    at.file_uploader(key="upload_bestand_0").set_value(("cijfers.csv", GOOD, "text/csv"))
    at.run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Nieuw": "0", "Gewijzigd": "2", "Ongewijzigd": "0"}
    preview = frame_with(at, "huidige teller")
    assert set(preview["status"]) == {"gewijzigd"} and preview["teller"].tolist() == ["4.321", "33"]
    assert preview["noemer"].tolist() == ["", "44"]  # a count has no noemer; never None or nan
    assert snapshot_tree(practice_app_store) == before  # nothing stored before confirming

    at.button(key="upload_bevestig").click().run()
    assert not at.exception
    assert any("Opgeslagen als versie 1" in s.value for s in at.success)
    history = frame_with(at, "bestandsnaam")
    assert history["bestandsnaam"].tolist() == ["cijfers.csv"] and history["status"].tolist() == ["actief"]
    assert re.fullmatch(r"\d{1,2} [a-z]+ 20\d\d, \d\d:\d\d", history["tijd"].iloc[0])  # local time in words

    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception
    at.selectbox(key="praktijk_keuze").set_value("RTD-BLOEMHOF-1").run()
    row = summary_row(at, "Consulten (")
    assert (row["Periode"], row["Mijn praktijk"], row["Fictief"]) == ("2024Q4", "4.321", "nee")
    assert summary_row(at, "Patiënten die weten")["Respondenten"] == "44"

    at = open_upload(at)
    at.button(key="upload_ongedaan").click().run()
    assert not at.exception
    assert any("Weet u het zeker? Versie 1 (cijfers.csv" in w.value for w in at.warning)  # asks first
    assert frame_with(at, "bestandsnaam")["status"].tolist() == ["actief"]
    at.button(key="upload_ongedaan_bevestig").click().run()
    assert not at.exception
    assert any("Versie 1 (cijfers.csv) is ongedaan gemaakt" in w.value for w in at.warning)
    at.switch_page("app_pages/praktijk.py").run()
    row = summary_row(at, "Consulten (")
    assert row["Mijn praktijk"] != "4.321" and row["Fictief"] == "ja"


def test_patient_level_upload_is_refused_with_reason(practice_app_store: Path) -> None:
    at = open_upload(AppTest.from_file(APP, default_timeout=120).run())
    data = b"bsn;praktijk_code;periode;kengetal;teller;noemer\n111222333;RTD-BLOEMHOF-1;2024Q1;consulten;1;\n"
    at.file_uploader(key="upload_bestand_0").upload("patienten.csv", data, "text/csv")
    at.run()
    error = at.error[0].value
    assert "patienten.csv is geweigerd: het lijkt gegevens over individuele patiënten te bevatten" in error
    assert "kolom bsn: deze kolomnaam wijst op gegevens over individuele patiënten" in error
    assert "111222333" not in error
    # The practice database (created on first use in the practice folder) holds no upload and not the value.
    assert PracticeDb(store_dir=practice_app_store).history().empty
    assert not any(b"111222333" in data for data in snapshot_tree(practice_app_store / "praktijk").values())


def test_praktijk_page_demo_warning_url_and_charts(practice_app_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A visitor without login on a server reachable from outside: the demo set, other practices anonymised.
    monkeypatch.setattr("kbz_data.ui.auth.server_address", lambda: "0.0.0.0")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["praktijk"] = "UTR-ONDIEP-1"
    at.run()
    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Praktijk"
    assert any("alleen de fictieve demodata" in w.value for w in at.warning)  # the local-mode banner
    assert at.selectbox(key="praktijk_keuze").value == "UTR-ONDIEP-1"
    assert any("Fictieve demodata" in w.value for w in at.warning)
    # One subject group of trends at a time (4 charts) plus the funnel plot; switching shows the referrals.
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"praktijk_trend_ingeschreven_patienten", "praktijk_trend_consulten", "praktijk_funnel"} <= keys
    at.radio(key="praktijk_trendgroep").set_value("Verwijzingen").run()
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"praktijk_trend_verwijzingen_ziekenhuis_per_1000", "praktijk_trend_verwijzingen_ggz_per_1000"} <= keys
    captions = " ".join(c.value for c in at.caption)
    assert "FICTIEVE demodata" in captions and "Onderdrukking" in captions
    table = frame_with(at, "Waarde")
    assert "Praktijk A" in set(table["Praktijk"]) and set(table["Fictief"]) == {"ja"}
    assert not any("Ondiep" in p for p in table["Praktijk"] if p.startswith("Praktijk "))

    at.selectbox(key="praktijk_keuze").set_value("AMS-BANNE-1").run()
    assert not at.exception
    assert at.query_params["praktijk"] == ["AMS-BANNE-1"] or at.query_params["praktijk"] == "AMS-BANNE-1"
    at.selectbox(key="praktijk_vergelijk_maat").set_value("gezinnen_miniteam").run()
    table = frame_with(at, "Waarde")
    assert not at.exception
    assert table["Waarde"].str.len().gt(0).all()
    at.selectbox(key="praktijk_funnel_kengetal").set_value("verwijzingen_sociaal_domein").run()
    assert not at.exception
    assert any("per 1.000 patiënten per jaar" in m.value for m in at.markdown)


def test_beheerder_is_told_what_a_beheerder_sees(practice_app_store: Path) -> None:
    """Local mode (the beheerder) sees every practice by name: the page said "Andere praktijken zijn
    geanonimiseerd" beside a table full of names, and the mean's number of practices stood in the Noemer column."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="praktijk_keuze").set_value("RTD-BLOEMHOF-1").run()
    captions = " ".join(c.value for c in at.caption)
    assert "u ziet als beheerder alle praktijken met naam" in captions
    assert "Andere praktijken zijn geanonimiseerd" not in captions
    assert "geanonimiseerd" not in at.toggle(key="praktijk_toon_anderen").label
    table = frame_with(at, "Waarde")
    assert any("(fictief)" in p for p in table["Praktijk"])  # names, not letters
    mean = table[table["Praktijk"].str.startswith("Gemiddelde")].iloc[0]
    assert mean["Noemer"] == "" and re.fullmatch(r"gemiddelde van \d+ praktijken.*", mean["Toelichting"])


def test_praktijk_page_rejects_unknown_practice_in_url(practice_app_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["praktijk"] = "XXX-NIETS-1"
    at.run()
    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception
    assert any("Onbekende praktijk in de link: 'XXX-NIETS-1'" in w.value for w in at.warning)


LINK = "[Klik](http://evil.example)"
ESCAPED_LINK = "\\[Klik\\]\\(http\u200b\\://evil.example\\)"


def test_one_problem_is_singular(practice_app_store: Path) -> None:
    at = open_upload(AppTest.from_file(APP, default_timeout=120).run())
    data = b"praktijk_code;periode;kengetal;teller;noemer\nRTD-BLOEMHOF-1;2024Q4;consulten;99999999999999999999;\n"
    at.file_uploader(key="upload_bestand_0").upload("groot.csv", data, "text/csv")
    at.run()
    assert not at.exception, at.exception  # used to be an OverflowError traceback
    error = at.error[0].value
    assert "groot.csv is niet opgeslagen: 1 probleem." in error
    assert ("rij 2, kolom teller: '99999999999999999999' is onwaarschijnlijk groot; maximaal 10.000.000 per kwartaal"
            in error)


def test_user_text_is_escaped_before_markdown(practice_app_store: Path) -> None:
    at = open_upload(AppTest.from_file(APP, default_timeout=120).run())
    name = f"{LINK}.csv"
    bad = f"praktijk_code;periode;kengetal;teller;noemer\nRTD-BLOEMHOF-1;{LINK};consulten;1;\n".encode()
    at.file_uploader(key="upload_bestand_0").upload(name, bad, "text/csv")
    at.run()
    assert not at.exception
    error = at.error[0].value
    assert LINK not in error and "](" not in error
    assert f"**{ESCAPED_LINK}\\.csv is niet opgeslagen: 1 probleem.**" not in error  # "." needs no escape
    assert f"**{ESCAPED_LINK}.csv is niet opgeslagen: 1 probleem.**" in error
    assert f"rij 2, kolom periode: '{ESCAPED_LINK}' is geen kwartaal" in error

    good = f"praktijk_code;periode;kengetal;teller;noemer;{LINK}\nRTD-BLOEMHOF-1;2024Q4;consulten;4321;;x\n".encode()
    at.file_uploader(key="upload_bestand_0").set_value((name, good, "text/csv"))
    at.run()
    assert not at.exception and not at.error
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any(LINK in t for t in texts)
    assert any(f"**{ESCAPED_LINK}.csv** is goedgekeurd: 1 cijfer. Nog" in t for t in texts)  # not "1 cijfers"
    assert any("Let op: kolom '\\[klik\\]\\(http\u200b\\://evil.example\\)' wordt genegeerd." in t for t in texts)

    at.button(key="upload_bevestig").click().run()
    assert not at.exception
    # the journal keeps the name after the last "/" (Path(...).name): "evil.example).csv"
    success = [s.value for s in at.success]
    assert any(": 1 cijfer uit evil.example\\).csv (2024Q4)" in s for s in success)
    at.button(key="upload_ongedaan").click().run()
    at.button(key="upload_ongedaan_bevestig").click().run()
    warnings = [w.value for w in at.warning]
    assert any("Versie 1 (evil.example\\).csv) is ongedaan gemaakt" in w for w in warnings)


def test_praktijk_link_parameter_is_escaped(practice_app_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["praktijk"] = LINK
    at.run()
    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(f"Onbekende praktijk in de link: '{ESCAPED_LINK}'" in w for w in warnings)
    assert not any(LINK in w for w in warnings)


def test_praktijk_page_damaged_store_shows_dutch_error(practice_app_store: Path) -> None:
    from kbz_data.practice.db import engine

    PracticeDb(store_dir=practice_app_store).commit(b"praktijk_code;periode;kengetal;teller;noemer\n"
                                                   b"UTR-ONDIEP-1;2024Q4;consulten;1;\n", "a.csv", user="test")
    engine.dispose()
    database = practice_app_store / "praktijk" / engine.SQLITE_FILE
    database.write_bytes(b"kapot" * 1000)
    for extra in database.parent.glob(engine.SQLITE_FILE + "-*"):
        extra.unlink()
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception, at.exception
    assert any("De praktijkcijfers zijn niet leesbaar" in e.value and "beschadigd" in e.value for e in at.error)


def test_pages_refuse_a_journal_that_was_not_imported(practice_app_store: Path) -> None:
    from kbz_data.practice import upload_store

    upload_store.commit(practice_app_store, b"praktijk_code;periode;kengetal;teller;noemer\n"
                                            b"UTR-ONDIEP-1;2024Q4;consulten;1;\n", "a.csv")
    at = AppTest.from_file(APP, default_timeout=120).run()
    for page in ("app_pages/praktijk.py", "app_pages/upload.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert any("practice migrate" in e.value and "journal.json" in e.value for e in at.error), page


@pytest.mark.parametrize("broken", ["praktijk_measure", "praktijk_funnel_years", "praktijk_funnel"])
def test_praktijk_page_later_cached_calls_are_guarded(practice_app_store: Path, monkeypatch: pytest.MonkeyPatch,
                                                      broken: str) -> None:
    from kbz_data.practice.errors import KbzPracticeStoreError
    from kbz_data.ui import cached

    def fail(*_args, **_kwargs):
        raise KbzPracticeStoreError("versie 3 van de praktijkopslag ontbreekt")

    monkeypatch.setattr(cached, broken, fail)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors and all("versie 3 van de praktijkopslag ontbreekt" in e for e in errors)
    assert at.get("download_button")  # the rest of the page is still there


LATER = (b"praktijk_code;periode;kengetal;teller;noemer\n"
         b"RTD-BLOEMHOF-1;2025Q3;consulten;4.321;\n")


def test_praktijk_page_after_a_later_quarter_for_some_kengetallen(practice_app_store: Path) -> None:
    """An upload of a later quarter (2025Q3, demo figures end in 2024Q4) for one kengetal: the headline cards all
    speak of that one quarter and say so (no mixing with 2024Q4), the trend line breaks over the quarters without
    figures, a mean over one practice says "1 praktijk", the wijk is named, and the latest-figures table says that
    its rows have different quarters."""
    at = open_upload(AppTest.from_file(APP, default_timeout=120).run())
    at.file_uploader(key="upload_bestand_0").upload("later.csv", LATER, "text/csv")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="upload_bevestig").click().run()
    assert not at.exception
    at.switch_page("app_pages/praktijk.py").run()
    at.selectbox(key="praktijk_keuze").set_value("RTD-BLOEMHOF-1").run()
    assert not at.exception, at.exception

    markdown = " ".join(m.value for m in at.markdown).replace("\\", "")  # as read: without Markdown escapes
    assert "**Kerncijfers over kwartaal 2025Q3**" in markdown
    # The mini store has no Rotterdam wijken: the page says so, the code only in brackets (names: test_ux_text.py)
    assert "in wijk WK" not in markdown and "een wijk zonder naam in de gegevensopslag (WK059910)" in markdown
    cards = {m.label: m for m in at.metric}
    consulten = cards["Consulten"]
    patienten = next(m for label, m in cards.items() if label.startswith("Ingeschreven patiënten"))
    assert consulten.value == "4.321"
    assert patienten.value == "onbekend" and "Geen cijfer over 2025Q3" in patienten.proto.help
    assert "(2024Q4)" in patienten.proto.help  # where its latest figure is
    assert all("2024Q4" not in label for label in cards)
    assert any("Niet elk kengetal heeft cijfers over hetzelfde kwartaal (2024Q4, 2025Q3)" in i.value for i in at.info)

    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("-praktijk_trend_consulten"))
    spec = json.loads(chart.proto.spec)
    own = next(t for t in spec["data"] if t.get("mode") == "lines+markers")
    raw = own["y"]  # plotly's typed-array encoding ({"dtype", "bdata"}) or a list
    values = np.frombuffer(base64.b64decode(raw["bdata"]), dtype=raw["dtype"]) if isinstance(raw, dict) else raw
    y = [None if v is None or v != v else float(v) for v in values]
    assert y[-1] == 4321 and y[-3:-1] == [None, None] and y[-4] is not None  # 2025Q1-Q2 break the line
    text = json.dumps(spec, ensure_ascii=False)
    assert "basis: 1 praktijk\"" in text and "1 praktijken" not in text
