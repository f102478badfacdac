"""Tables are rendered once per content (kbz_data.ui.widgets.show_table): the display texts Streamlit sends come
from a cache that holds exactly what Streamlit itself would make, Streamlit really goes through that cache (a
Streamlit upgrade that stops calling it fails here), a changed table is never shown with the old texts, and a
shared table is found by identity without hashing."""

from __future__ import annotations

import gc
import weakref

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.elements.lib import pandas_styler_utils
from streamlit.proto.ArrowData_pb2 import ArrowData
from streamlit.testing.v1 import AppTest

from kbz_data.analysis.area_data import styled
from kbz_data.ui import widgets


def _frame(offset: float = 0.0) -> pd.DataFrame:
    return pd.DataFrame({"naam": ["Noord", "Zuid", "West"], "waarde": [1234.5 + offset, None, 7.25 + offset],
                         "inwoners": [12000, 800, 45]})


def _display(styler) -> pd.DataFrame:  # noqa: ANN001 - a pandas Styler
    proto = ArrowData()
    pandas_styler_utils.marshall_styler(proto, styler, "uuid")
    return convert_arrow_bytes_to_pandas_df(proto.styler.display_values)


def test_cached_display_values_are_streamlits_own(monkeypatch) -> None:  # noqa: ANN001
    calls = []
    original = widgets._STREAMLIT_DISPLAY_VALUES

    def counting(*args) -> None:  # noqa: ANN002
        calls.append(1)
        original(*args)

    monkeypatch.setattr(widgets, "_STREAMLIT_DISPLAY_VALUES", counting)
    assert pandas_styler_utils._marshall_display_values is widgets._display_values_once

    frame = _frame(0.125)  # a content no other test renders (the Styler cache is shared)
    once = widgets._styled_once(frame)
    first, second, third = _display(once), _display(once), _display(once)
    assert len(calls) == 1  # rendered once, then taken from the cache
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, third)
    plain = _display(styled(frame))  # an ordinary Styler: Streamlit's own path, every time
    assert len(calls) == 2
    pd.testing.assert_frame_equal(first, plain)
    assert first["waarde"].tolist() == ["1.234,625", "onbekend", "7,375"]
    assert first["inwoners"].tolist() == ["12.000", "800", "45"]


def test_shared_table_is_found_by_identity_and_forgotten_with_it(monkeypatch) -> None:  # noqa: ANN001
    frame = _frame(0.5)
    styler = widgets._shared_styler(frame)
    monkeypatch.setattr(widgets, "_styled_once", lambda _frame: (_ for _ in ()).throw(AssertionError("hashed")))
    assert widgets._shared_styler(frame) is styler  # the same object: no hashing, no new Styler
    key = id(frame)
    assert key in widgets._BY_IDENTITY
    monkeypatch.undo()
    widgets._styled_once.clear()  # the cached Styler holds its frame: only its eviction lets the frame go
    del frame, styler
    gc.collect()
    assert key not in widgets._BY_IDENTITY


def test_an_id_left_by_another_frame_is_not_trusted() -> None:
    """A recycled id: the entry of a frame that is gone (its weak reference points elsewhere) never hands out that
    frame's Styler for a new frame with the same id."""
    other = _frame(0.75)
    other_styler = widgets._styled_once(other)
    new = _frame(1.75)
    widgets._BY_IDENTITY[id(new)] = (weakref.ref(other), weakref.ref(other_styler))
    styler = widgets._shared_styler(new)
    assert styler is not other_styler and styler.data is new
    assert _display(styler)["waarde"].tolist() == ["1.236,25", "onbekend", "9,00"]


def _table_app() -> None:
    import pandas as pd
    import streamlit as st

    from kbz_data.ui.widgets import show_table

    values = st.session_state.get("waarden", [1.5, 2.25])
    frame = st.session_state.setdefault(("frame", tuple(values)), pd.DataFrame({"waarde": values}))
    show_table(frame, key="tabel", shared=True)


def test_a_changed_table_never_shows_the_old_texts() -> None:
    at = AppTest.from_function(_table_app, default_timeout=30)
    at.run()

    def shown() -> list[str]:
        proto = at.dataframe[0].proto
        return convert_arrow_bytes_to_pandas_df(proto.arrow_data.styler.display_values)["waarde"].tolist()

    assert shown() == ["1,50", "2,25"]
    at.run()
    assert shown() == ["1,50", "2,25"]
    at.session_state["waarden"] = [3.125, None]
    at.run()
    assert shown() == ["3,125", "onbekend"]
    at.session_state["waarden"] = [1.5, 2.25]
    at.run()
    assert shown() == ["1,50", "2,25"]
