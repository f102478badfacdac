"""Widgets shared by several pages: the colour legend under a map, and the need-index weight sliders."""

from __future__ import annotations

from html import escape

import streamlit as st

from kbz_data.analysis import need
from kbz_data.store.storage import StoreData

#: Session key of the need-index weights, {indeling: {indicator: weight}}: shared by Vergelijken and Budget and kept
#: across pages (the sliders' own widget state is dropped when a page without them is open).
WEIGHTS = "_behoefte_gewichten"


def legend_html(title: str, items: list[tuple[str, str]]) -> str:
    """HTML (for ``st.markdown(..., unsafe_allow_html=True)``) of a map legend: a title and one swatch per class.

    ``items`` are (colour, label) pairs made by kbz_data.charts; the labels are HTML-escaped.
    """
    swatches = " ".join(
        f'<span style="display:inline-block;margin-right:14px;white-space:nowrap">'
        f'<span style="display:inline-block;width:14px;height:14px;background:{escape(colour)};'
        f'border:1px solid #999;vertical-align:middle;margin-right:4px"></span>{escape(text)}</span>'
        for colour, text in items
    )
    return f"**{title}**, gezamenlijke schaal voor de vier steden:<br>{swatches}"


def weight_key(indeling: int, indicator: str, prefix: str = "behoefte") -> str:
    """Widget key of the weight slider of one need-index input on the page with this key ``prefix``."""
    return f"{prefix}_w_{indeling}_{indicator}"


def reset_need_weights(indeling: int, prefix: str = "behoefte") -> None:
    """Put the need-index weights of a division back to their defaults (a button callback)."""
    defaults = need.need_defaults(indeling)
    st.session_state.setdefault(WEIGHTS, {})[indeling] = dict(defaults)
    for name, weight in defaults.items():
        st.session_state[weight_key(indeling, name, prefix)] = weight


def saved_need_weights(indeling: int) -> dict[str, float]:
    """The need-index weights of a division as last set on any page (the defaults at first)."""
    defaults = need.need_defaults(indeling)
    return dict(st.session_state.setdefault(WEIGHTS, {}).setdefault(indeling, dict(defaults)))


def need_weight_sliders(data: StoreData, indeling: int, reset_key: str | None = None,
                        prefix: str = "behoefte") -> dict[str, float]:
    """Sliders (0 to 3) for the need-index weights of a division, kept in session state across pages.

    The weights themselves live in ``st.session_state[WEIGHTS]``; each page draws its sliders under its own key
    ``prefix`` and seeds them from there. Streamlit ties a widget to its page: one key shared by Vergelijken and
    Budget would be a new widget on the page switch and fall back to its minimum (0). Draws a reset button with
    ``reset_key`` when given; returns {indicator: weight}.
    """
    defaults = need.need_defaults(indeling)
    saved = st.session_state.setdefault(WEIGHTS, {}).setdefault(indeling, dict(defaults))
    for column, name in zip(st.columns(len(defaults)), defaults, strict=True):
        key = weight_key(indeling, name, prefix)
        if key not in st.session_state:
            st.session_state[key] = float(saved.get(name, defaults[name]))
        column.slider(
            f"{data.meta.loc[name, 'label']}", 0.0, 3.0, step=0.25, key=key,
            help=f"{need.need_direction_text(data, name)}; standaardgewicht {defaults[name]:g}. 0 = niet meetellen.",
        )
        saved[name] = float(st.session_state[key])
    if reset_key is not None:
        st.button("Standaardgewichten herstellen", key=reset_key, on_click=reset_need_weights,
                  args=(indeling, prefix))
    return dict(saved)
