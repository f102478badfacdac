"""AppTest of the Kaart page from the entry point: smoke, interactions, links with query parameters."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from kbz_data.charts import maps
from kbz_data.indicators import INDICATORS
from tests.conftest import REPO, RIVM_ROWS, open_page
from tests.svgmaps import areas, outlines, svg_maps

APP = str(REPO / "app.py")




def _kaart(params: dict[str, str] | None = None) -> AppTest:
    at = open_page("app_pages/kaart.py", params)
    assert not at.exception, at.exception
    return at


def _map_count(at: AppTest) -> int:
    return len(svg_maps(at))


def _utrecht(at: AppTest) -> dict:
    """The map of Utrecht (the only city with shapes in the mini store)."""
    return svg_maps(at)["kaart_kaart_Utrecht"]


def _legend(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "geen woongebied" in m.value)


def test_kaart_smoke_and_table(app_store: Path) -> None:
    at = _kaart()
    assert at.title[0].value == INDICATORS["ervaren_gezondheid_goed"].label
    assert _map_count(at) == 1  # the mini store has shapes for Utrecht only
    assert not at.get("plotly_chart")  # no plotly.js on the Kaart: the Samenhang tab runs only when opened
    table = at.dataframe[0].value
    assert "BU03440101" not in set(table["Code"])  # default niveau is wijk
    assert set(table["Code"]) >= {"WK034401"}
    assert any("Bron: RIVM/GGD'en/CBS" in c.value for c in at.caption)
    assert len(at.get("download_button")) == 2


def test_kaart_query_link_opens_same_view(app_store: Path) -> None:
    at = _kaart({"gemeente": "GM0344", "niveau": "buurt", "indicator": "roker", "periode": "2020-2020"})
    assert at.selectbox(key="gemeente").value == "GM0344"
    assert at.radio(key="niveau").value == "buurt"
    assert at.selectbox(key="indicator").value == "roker"
    assert at.title[0].value == INDICATORS["roker"].label
    assert "BU03440101" in set(at.dataframe[0].value["Code"])
    # the URL carries the view once each, as plain strings (a repeated key would come back as a list)
    for key, value in {"gemeente": "GM0344", "niveau": "buurt", "indicator": "roker", "periode": "2020-2020"}.items():
        assert at.query_params[key] == value, key


def test_kaart_bad_link_values_are_ignored_with_warning(app_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["gemeente"] = "GM9999"
    at.query_params["indicator"] = "bestaat_niet"
    at.query_params["periode"] = "abc"
    at.switch_page("app_pages/kaart.py").run()  # the link is the first thing this session opens
    assert not at.exception
    warning = " ".join(w.value for w in at.sidebar.warning)
    assert "gemeente=GM9999, indicator=bestaat\\_niet, periode=abc" in warning
    assert at.selectbox(key="gemeente").value == "G4"
    assert at.selectbox(key="indicator").value == "ervaren_gezondheid_goed"
    assert at.selectbox(key="periode").value == "2020-2020"


def test_filters_only_on_pages_that_use_them_and_kept_between_pages(app_store: Path) -> None:
    at = _kaart({"gemeente": "GM0344", "indicator": "roker"})
    at.switch_page("app_pages/bronnen.py").run()
    assert not at.exception
    assert len(at.sidebar.selectbox) == 0  # Bronnen uses no shared filter
    assert "gemeente" not in at.query_params
    at.switch_page("app_pages/kaart.py").run()
    assert at.selectbox(key="gemeente").value == "GM0344"
    assert at.selectbox(key="indicator").value == "roker"


def test_kaart_interactions(app_store: Path) -> None:
    at = _kaart()
    label = INDICATORS["ervaren_gezondheid_goed"].label
    # Default view (G4, wijk, 2020): of Utrecht's two mini wijken only WK034401 has a value (82.0 in the mini
    # RIVM export), WK034402 is unknown; WK034402 lies in a KBZ area (Ondiep) and is outlined.
    wijk_value = f"{RIVM_ROWS[2][4]:.1f}".replace(".", ",")
    at.radio(key="kaart_schaal").set_value("fisher_jenks").run()
    assert not at.exception
    assert at.radio(key="kaart_schaal").value == "fisher_jenks"
    assert at.slider(key="kaart_klassen").disabled is False
    # one known value: one class; the unknown wijk grey; WK034402 outlined as KBZ area
    # (a class of one value reads that value, not "82,0 % – 82,0 %")
    assert f"{wijk_value} %" in _legend(at) and f"{wijk_value} % – " not in _legend(at)
    drawn = areas(_utrecht(at))
    assert drawn["WK034401"][0] == maps.palette(1, 1)[0]
    assert drawn["WK034402"][0] == maps.UNKNOWN_COLOR
    assert f"Waarde: {wijk_value} %" in drawn["WK034401"][1] and "Waarde: onbekend" in drawn["WK034402"][1]
    assert outlines(_utrecht(at)) == 1
    at.radio(key="kaart_schaal").set_value("doorlopend").run()
    assert not at.exception
    assert at.slider(key="kaart_klassen").disabled is True  # a continuous scale has no classes
    assert label in _legend(at) and outlines(_utrecht(at)) == 1
    at.toggle(key="kaart_kbz").set_value(False).run()
    assert not at.exception
    assert outlines(_utrecht(at)) == 0  # no KBZ outline
    assert set(areas(_utrecht(at))) == {"WK034401", "WK034402"}
    at.radio(key="niveau").set_value("buurt").run()
    assert "BU03440101" in set(at.dataframe[0].value["Code"])
    # the four 2020 mini buurten with a shape; the water area BU03440103 is not listed
    assert at.dataframe[0].value["Code"].tolist() == ["BU03440101", "BU03440102", "BU03440201", "BU03440202"]
    at.selectbox(key="indicator").set_value("inwoners").run()
    assert at.selectbox(key="periode").value == "2024-2024"
    # The mini store has no 2024 buurt shapes: a ranked bar chart instead, and a note saying so.
    assert any("geen kaartvormen op buurtniveau" in i.value for i in at.info)


def test_scatter_tab(app_store: Path) -> None:
    at = _kaart()
    assert not at.metric  # the Samenhang tab runs only when it is opened
    at.session_state["kaart_tabblad"] = "Samenhang"
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert "Correlatie (Pearson r)" in metrics
    assert at.selectbox(key="samenhang_x").value.startswith("moeite_met_rondkomen")
    at.selectbox(key="samenhang_y").set_value("roker|2020").run()
    assert not at.exception
