"""AppTest of the entry point and the start page, on a store built from the mini sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kbz_data.build import build
from tests.conftest import REPO

APP = str(REPO / "app.py")


@pytest.fixture
def mini_store(mini_sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store_dir = tmp_path / "store"
    build(mini_sources, store_dir)
    monkeypatch.setenv("KBZ_STORE", str(store_dir))
    monkeypatch.setenv("KBZ_SOURCES", str(mini_sources))
    return store_dir


def test_start_page_shows_store_contents(mini_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "KBZ wijkdashboard"
    coverage = at.dataframe[0].value
    assert set(coverage["Indeling"]) >= {2020, 2024}
    assert "Utrecht" in set(coverage["Gemeente"])
    indicators = at.dataframe[1].value
    assert "Ervaren gezondheid (zeer) goed" in set(indicators["Indicator"])
    sources = at.dataframe[2].value
    assert any("50090NED" in s for s in sources["Bronvermelding"])


def test_first_run_builds_store_with_progress(mini_sources: Path, tmp_path: Path, monkeypatch) -> None:
    store_dir = tmp_path / "nieuw"
    monkeypatch.setenv("KBZ_STORE", str(store_dir))
    monkeypatch.setenv("KBZ_SOURCES", str(mini_sources))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert (store_dir / "build.json").is_file()
    at.run()
    assert at.dataframe[0].value is not None


def test_first_run_without_sources_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KBZ_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KBZ_SOURCES", str(tmp_path / "geen-bronnen"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "De gegevensopslag kon niet worden gebouwd" in at.error[0].value
    assert "python -m kbz_data download" in at.error[0].value
