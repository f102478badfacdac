"""AppTest of the Wijkprofiel and Bronnen en methode pages, from the entry point, on the mini store."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from kbz_data.config import GEMEENTEN
from kbz_data.indicators import INDICATORS
from kbz_data.text import fmt_datetime
from tests.conftest import REPO, open_page

APP = str(REPO / "app.py")






def _profile(code: str | None = None, indeling: str | None = None) -> AppTest:
    params = {"code": code} if code is not None else {}
    if indeling is not None:
        params["indeling"] = indeling
    return open_page("app_pages/wijkprofiel.py", params)


def _table(at: AppTest, column: str):
    """The first dataframe on the page with this column (AppTest does not expose dataframe keys)."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"geen tabel met kolom {column!r}")


def _texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "info", "warning") for e in getattr(at, kind))


def _charts(at) -> list[str]:
    """The server-made profile charts on the page, in order (st.html for the spine, st.markdown for the trend)."""
    found = [("spine", h.value) for h in at.html if 'class="kbz-spine"' in h.value]
    found += [("trend", m.value) for m in at.markdown if 'class="kbz-trend"' in m.value]
    return [kind for kind, _ in found]


def test_link_with_code_opens_the_profile(app_store: Path) -> None:
    at = _profile("WK034401")
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Wijkprofiel"
    assert at.selectbox(key="profiel_code").value == "WK034401"
    assert [s.value for s in at.header][0] == "Wijk 01 West (WK034401)"
    radio = at.radio(key="profiel_indeling")
    assert radio.options == ["indeling 2020", "indeling 2023", "indeling 2024"] and radio.value == 2020
    assert at.query_params["code"] == "WK034401"  # one value, not a repeated key
    assert _charts(at) == ["spine"]  # WK034401 has figures of 2020 only: no trend
    assert not at.get("plotly_chart")
    text = _texts(at)
    assert "Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor" in text and "Peiljaar 2020" in text
    assert "modelschattingen" in text
    table = _table(at, "Vergelijking")
    row = table.set_index("Indicator").loc[INDICATORS["ervaren_gezondheid_goed"].label]
    assert (row["Dit gebied"], row[GEMEENTEN["GM0344"]], row["Vergelijking"]) == ("82,0 %", "81,5 %",
                                                                                 "beter dan de stad")


def test_link_with_division(app_store: Path) -> None:
    at = _profile("WK034401", "2024")
    assert not at.exception and not at.error
    assert at.radio(key="profiel_indeling").value == 2024
    text = _texts(at)
    assert "gebiedsindeling **2024**" in text
    assert "Kerncijfers wijken en buurten 2024" in text
    table = _table(at, "Vergelijking")
    assert INDICATORS["ervaren_gezondheid_goed"].label not in set(table["Indicator"])  # health figures: 2020


def test_select_another_area_and_division(app_store: Path) -> None:
    at = _profile("WK034401")
    at.radio(key="niveau").set_value("buurt").run()
    assert not at.exception
    assert "BU03440101" in at.selectbox(key="profiel_code").options or any(
        "BU03440101" in o for o in at.selectbox(key="profiel_code").options
    )
    at.selectbox(key="profiel_code").set_value("BU03440101").run()
    assert not at.exception and not at.error
    assert at.header[0].value == "Welgelegen, Den Hommel (BU03440101)"
    assert at.query_params["code"] == "BU03440101"
    assert _charts(at) == ["spine", "trend"]  # spine chart and health trend 2012-2016-2020, no plotly.js
    assert not at.get("plotly_chart")
    at.radio(key="profiel_indeling").set_value(2024).run()
    assert not at.exception
    assert at.query_params["indeling"] == "2024"
    assert INDICATORS["inwoners"].label in set(_table(at, "Vergelijking")["Indicator"])


def test_unknown_code_in_link_shows_dutch_error(app_store: Path) -> None:
    at = _profile("WK999999")
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "WK999999" in message and "onbekend" in message and "zoekbox" in message
    assert at.selectbox(key="profiel_code").value is None
    at.selectbox(key="profiel_code").set_value("WK034401").run()
    assert not at.exception and not at.error
    assert at.header[0].value == "Wijk 01 West (WK034401)"


def test_unknown_division_in_link_warns(app_store: Path) -> None:
    at = _profile("wk034401", "1999")
    assert not at.exception and not at.error
    assert any("1999" in w.value for w in at.warning)
    assert at.radio(key="profiel_indeling").value == 2020


def test_bronnen_page(app_store: Path) -> None:
    at = open_page("app_pages/bronnen.py")
    assert not at.exception and not at.error
    assert at.title[0].value == "Bronnen en methode"
    info = json.loads((app_store / "build.json").read_text(encoding="utf-8"))
    assert fmt_datetime(info["gebouwd"]) in " ".join(c.value for c in at.caption)  # in words, local time
    sources = _table(at, "Bronvermelding").set_index("Bron")
    assert sources.loc["rivm_50090NED", "Tabel"] == "50090NED"
    files = _table(at, "SHA-256")
    assert list(files["SHA-256"]) == [f["sha256"] for f in info["bestanden"]]
    skipped = _table(at, "Reden")
    assert "geo/derived_G4_wijken.geojson" in set(skipped["Bestand"])
    indicators = _table(at, "Definitie")
    assert "hoger is slechter" in set(indicators["Richting"])
    text = " ".join(m.value for m in at.markdown)
    for needed in ("Modelschattingen", "Amsterdam: nieuwe codes sinds 2022", "onbekend", "Secundaire bron",
                   "2019", "afronding"):
        assert needed in text


def test_link_text_cannot_inject_markdown(app_store: Path) -> None:
    at = _profile("[Klik hier](http://evil.example/login)")
    assert not at.exception
    message = at.error[0].value
    assert "](http" not in message and "\\[Klik hier\\]" in message
    empty = _profile("")
    assert not empty.exception and not [e for e in empty.error if "****" in e.value]
