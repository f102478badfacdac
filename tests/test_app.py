"""AppTest of the entry point and the start page, on a store built from the mini sources."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "app.py")




def test_start_page_shows_store_contents(app_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "KBZ wijkdashboard"
    headline = at.dataframe[0].value.set_index("Indicator")
    assert headline.loc["Ervaren gezondheid (zeer) goed", "Utrecht"] == "81,5 %"  # GM0344 in the mini source
    assert headline.loc["Inwoners", "Utrecht"] == "374.238"
    assert headline.loc["Inwoners", "Amsterdam"] == "onbekend"
    coverage = at.dataframe[1].value
    assert set(coverage["Indeling"]) >= {2020, 2024}
    assert "Utrecht" in set(coverage["Gemeente"])
    indicators = at.dataframe[2].value
    assert "Ervaren gezondheid (zeer) goed" in set(indicators["Indicator"])
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
    assert at.dataframe[1].value is not None


def test_first_run_without_sources_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KBZ_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KBZ_SOURCES", str(tmp_path / "geen-bronnen"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "De gegevensopslag kon niet worden gebouwd" in at.error[0].value
    assert "python -m kbz_data download" in at.error[0].value
