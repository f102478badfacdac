"""Downloads as a click makes them (AppTest): the file is the view on the screen, bound when the button is drawn.

AppTest keeps no media manager after a run, so the test records the one each run creates and executes a button's
deferred file the way the server does when the browser asks for it.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from kbz_data.analysis import compare
from tests.conftest import REPO

APP = str(REPO / "app.py")


class RecordingManager(MediaFileManager):
    """A media file manager that stays reachable after the run, so a deferred download can be executed."""

    last: RecordingManager | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        RecordingManager.last = self


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> type[RecordingManager]:
    import streamlit.testing.v1.app_test as app_test

    monkeypatch.setattr(app_test, "MediaFileManager", RecordingManager)
    return RecordingManager


def click_download(at: AppTest, key: str) -> bytes:
    """The bytes the browser gets for a download button (its deferred file, executed as the server does)."""
    [button] = [b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}")]
    assert button.proto.ignore_rerun, "a click must not rerun the page (the deferred file would be dropped)"
    manager = RecordingManager.last
    assert manager is not None
    url = manager.execute_deferred(button.proto.deferred_file_id)
    file_id = url.rsplit("/", 1)[-1].split(".")[0]
    return manager._storage.get_file(file_id).content


def sheet_lines_and_table(data: bytes, sheet: str) -> tuple[list[str], pd.DataFrame]:
    """The context lines above the table and the table of one sheet of an exported workbook."""
    rows = list(openpyxl.load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True))
    blank = next(i for i, row in enumerate(rows) if all(v is None for v in row))
    header = [c for c in rows[blank + 1] if c is not None]
    body = [row[: len(header)] for row in rows[blank + 2:]]
    return [row[0] for row in rows[:blank]], pd.DataFrame(body, columns=header)


def test_praktijk_comparison_file_has_its_own_title_and_fictief_line(practice_app_store: Path, recorded) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception
    at.selectbox(key="praktijk_keuze").set_value("RTD-BLOEMHOF-1").run()
    assert not at.exception
    measure = at.selectbox(key="praktijk_vergelijk_maat")
    periode = at.selectbox(key="praktijk_vergelijk_periode").value
    label = measure.format_func(measure.value)
    # the comparison's own title: not the practice-figures title that later lines of the page write
    title = f"{label.rsplit(' (', 1)[0]} ({label.rsplit(' (', 1)[1]}, {periode}, vergeleken met"
    for key in ("praktijk_download_vergelijking_xlsx", "praktijk_download_vergelijking_xlsx"):  # clicked twice
        lines, table = sheet_lines_and_table(click_download(at, key), "cijfers")
        assert lines[0].startswith(title) and not lines[0].startswith("Praktijkcijfers")
        assert lines[1].startswith("FICTIEVE DEMODATA")
        assert any("Onderdrukking" in line for line in lines)
    csv = click_download(at, "praktijk_download_vergelijking_csv").decode("utf-8-sig")
    assert csv.startswith(f"# {title}") and "\r\n# FICTIEVE DEMODATA" in csv
    own_lines, own_table = sheet_lines_and_table(click_download(at, "praktijk_download_xlsx"), "cijfers")
    assert own_lines[0].startswith("Praktijkcijfers ") and own_lines[0].endswith("(RTD-BLOEMHOF-1)")
    assert own_lines[1].startswith("FICTIEVE DEMODATA") and len(own_table)


def test_vergelijken_excel_equals_the_screen(app_store: Path, recorded) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["gebieden"] = "WK034401,WK034402"
    at.run()
    at.switch_page("app_pages/vergelijken.py").run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "Ongewogen gemiddelde van de gebieden" in d.value.columns)
    caption = next(c.value for c in at.caption if "Bron:" in c.value or "Bronnen:" in c.value)
    data = click_download(at, "vergelijk_xlsx")
    lines, table = sheet_lines_and_table(data, "Vergelijking")
    assert table.columns.tolist() == shown.columns.tolist()
    pd.testing.assert_frame_equal(table.astype(str), shown.reset_index(drop=True).astype(str).replace(
        {"nan": "None", "<NA>": "None"}), check_dtype=False)
    assert lines[0].startswith("Vergelijking van 2 gebieden op wijkniveau")
    # the file carries the caption's lines, plus the lines of the similar-areas sheet (its method and sources)
    similar = next(i for i, line in enumerate(lines) if line.startswith(compare.SIMILAR_METHOD))
    assert " ".join(lines[1:similar] + lines[similar + 2:]) == caption
    assert "Bron" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames


def test_vergelijken_similar_sheet_equals_the_similar_tab(app_store: Path, recorded) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["gebieden"] = "WK034402,WK034401"  # the first area lacks the similarity inputs
    at.run()
    at.switch_page("app_pages/vergelijken.py").run()
    assert not at.exception
    assert at.selectbox(key="vergelijk_referentie").value == "WK034402"
    assert any("geen vergelijkbare wijken" in w.value for w in at.warning)
    names = openpyxl.load_workbook(io.BytesIO(click_download(at, "vergelijk_xlsx"))).sheetnames
    assert names == ["Vergelijking", "Bron"]  # nothing on screen, no sheet
    at.selectbox(key="vergelijk_referentie").set_value("WK034401").run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "Afstand" in d.value.columns)
    assert shown["Code"].iloc[0] == "WK034401"
    data = click_download(at, "vergelijk_xlsx")
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["Vergelijking", "Vergelijkbare wijken", "Bron"]
    _lines, sheet = sheet_lines_and_table(data, "Vergelijkbare wijken")
    assert sheet.columns.tolist() == shown.columns.tolist()
    assert sheet["Code"].tolist() == shown["Code"].tolist()
