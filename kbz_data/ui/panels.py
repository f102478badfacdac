"""Draw a :class:`~kbz_data.charts.map_views.MapView`: its maps side by side, the shared legend, then any bar chart.

Chart keys are ``{key}_kaart_{city}`` (``{key}_kaart_stad`` for a map without a city name) and ``{key}_staaf``,
so a page can read a map's click selection from the session state under that key.
"""

from __future__ import annotations

import streamlit as st

from kbz_data.charts.map_views import MapView
from kbz_data.ui.widgets import legend_html

CONFIG = {"displaylogo": False}


def show_map_view(view: MapView, key: str, legend_title: str, selectable: bool = False) -> None:
    """The panels of ``view``; with ``selectable`` a click on an area reruns the page with the point selected."""
    maps = [(name, figure) for name, figure in view.panels if name != "staaf"]
    columns = st.columns(len(maps)) if len(maps) > 1 else [st.container()]
    select = {"on_select": "rerun", "selection_mode": "points"} if selectable else {}
    for column, (name, figure) in zip(columns, maps, strict=False):
        column.plotly_chart(figure, key=f"{key}_kaart_{name or 'stad'}", config={**CONFIG, "scrollZoom": True},
                            **select)
    if view.legend:
        st.markdown(legend_html(legend_title, view.legend), unsafe_allow_html=True)
    if view.summary:
        st.caption(view.summary)
    for name, figure in view.panels:
        if name == "staaf":
            st.plotly_chart(figure, key=f"{key}_staaf", config=CONFIG)
