"""AppTest of the entry point and the start page, on a store built from the mini sources."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from kbz_data.config import GEMEENTEN
from kbz_data.indicators import INDICATORS
from tests.conftest import REPO

APP = str(REPO / "app.py")
UTRECHT = GEMEENTEN["GM0344"]

#: The coverage table of a store built from the mini sources (Indeling, Niveau, Gemeente, Gebieden, Met kaartvorm,
#: Met cijfers). 2020: the topojson fixture has 4 buurten in 2 wijken, the RIVM export adds the water buurt
#: BU03440103 (no shape); only GM0344, WK034401 and BU03440101 have RIVM values. 2023: the one row per level of
#: kwb-2023.xlsx. 2024: the kwb2024 CSV's gemeente, wijk and three buurten, all with figures; no 2023/2024 shapes.
EXPECTED_COVERAGE = [
    (2020, "gemeente", UTRECHT, 1, 1, 1), (2020, "wijk", UTRECHT, 2, 2, 1), (2020, "buurt", UTRECHT, 5, 4, 1),
    (2023, "gemeente", UTRECHT, 1, 0, 1), (2023, "wijk", UTRECHT, 1, 0, 1), (2023, "buurt", UTRECHT, 1, 0, 1),
    (2024, "gemeente", UTRECHT, 1, 0, 1), (2024, "wijk", UTRECHT, 1, 0, 1), (2024, "buurt", UTRECHT, 3, 0, 3),
]


def _coverage_rows(at: AppTest) -> list[tuple]:
    frame = at.dataframe[1].value
    assert list(frame.columns) == ["Indeling", "Niveau", "Gemeente", "Gebieden", "Met kaartvorm", "Met cijfers"]
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_start_page_shows_store_contents(app_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "KBZ wijkdashboard"
    headline = at.dataframe[0].value.set_index("Indicator")
    health = INDICATORS["ervaren_gezondheid_goed"].label
    inwoners = INDICATORS["inwoners"].label
    assert headline.loc[health, UTRECHT] == "81,5 %"  # GM0344 in the mini source
    assert headline.loc[inwoners, UTRECHT] == "374.238"
    assert headline.loc[inwoners, GEMEENTEN["GM0363"]] == "onbekend"
    coverage = at.dataframe[1].value
    assert set(coverage["Indeling"]) >= {2020, 2024}
    assert UTRECHT in set(coverage["Gemeente"])
    assert _coverage_rows(at) == EXPECTED_COVERAGE
    indicators = at.dataframe[2].value
    assert health in set(indicators["Indicator"])
    assert [m.value for m in at.metric][:4] == ["75%", "73%", "45%", "34%"]
    assert any("Nivel" in c.value for c in at.caption)


def test_first_run_builds_store_with_progress(mini_sources: Path, tmp_path: Path, monkeypatch) -> None:
    store_dir = tmp_path / "nieuw"
    monkeypatch.setenv("KBZ_STORE", str(store_dir))
    monkeypatch.setenv("KBZ_SOURCES", str(mini_sources))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert (store_dir / "build.json").is_file()
    at.run()
    assert not at.exception
    assert _coverage_rows(at) == EXPECTED_COVERAGE  # the store the first run built, shown on the start page


def test_first_run_without_sources_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KBZ_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KBZ_SOURCES", str(tmp_path / "geen-bronnen"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "De gegevensopslag kon niet worden gebouwd" in at.error[0].value
    assert "python -m kbz_data download" in at.error[0].value
