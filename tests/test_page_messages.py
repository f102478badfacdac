"""Error messages on screen name no absolute server paths (AppTest on a store with a damaged file)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "app.py")


def test_store_error_shows_no_server_path(practice_app_store: Path) -> None:
    (practice_app_store / "indicatoren.parquet").write_bytes(b"geen parquet")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    texts = [e.value for e in at.error]
    assert texts and any("onleesbaar" in t for t in texts), texts
    for text in texts:
        assert str(practice_app_store) not in text and str(practice_app_store.parent) not in text, text
        assert "/tmp" not in text, text
        assert "indicatoren.parquet" in text
