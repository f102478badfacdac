"""Draw a :class:`~kbz_data.charts.map_views.MapView`: the legend, its SVG maps side by side (one city at a time on
a phone), then any bar chart.

Map keys are ``{key}_kaart_{city}`` (``{key}_kaart_stad`` for a map without a city name) and ``{key}_staaf``, so a
page can read a click on a map before drawing it with :func:`kbz_data.ui.svgmap.clicked_area` under that key.
"""

from __future__ import annotations

import streamlit as st

from kbz_data.charts.map_views import MapView
from kbz_data.ui.svgmap import show_svg_map
from kbz_data.ui.widgets import legend_html

CONFIG = {"displaylogo": False}


#: Screens at most this wide (CSS pixels) show one city's map at a time (Streamlit stacks columns below 640 px).
NARROW_PX = 640


def city_containers(names: list[str], key: str) -> list:
    """One container per city map: side by side on a wide screen; on a narrow one (a phone) one city at a time,
    chosen with the radio "Stad op de kaart" (key ``{key}_stadkeuze``, session only).

    The server does not know the screen width, so every map is sent and CSS decides: a ``@media`` rule hides the
    columns of the cities not chosen below :data:`NARROW_PX` pixels, and the chooser above it. Each container has
    key ``{key}_stad_{i}`` (CSS class ``st-key-{key}_stad_{i}``).
    """
    if len(names) <= 1:
        return [st.container()]
    chosen = st.radio("Stad op de kaart", names, key=f"{key}_stadkeuze", horizontal=True)
    hidden = ", ".join(f'[data-testid="stColumn"]:has(.st-key-{key}_stad_{i})'
                       for i, name in enumerate(names) if name != chosen)
    css = f"@media (min-width: {NARROW_PX + 1}px) {{ .st-key-{key}_stadkeuze {{ display: none; }} }}"
    if hidden:
        css += f" @media (max-width: {NARROW_PX}px) {{ {hidden} {{ display: none; }} }}"
    st.html(f"<style>{css}</style>")
    return [column.container(key=f"{key}_stad_{i}") for i, column in enumerate(st.columns(len(names)))]


def show_map_view(view: MapView, key: str, legend_title: str, selectable: bool = False) -> str | None:
    """The maps of ``view`` as SVG (:mod:`kbz_data.ui.svgmap`; the shared legend above them), then any bar chart;
    with ``selectable`` the area code of a click on a map in this run (else None)."""
    maps = [(name, view.svgs[name]) for name, _figure in view.panels if name in view.svgs]
    if view.legend:
        st.markdown(legend_html(legend_title, view.legend, shared=len(maps) > 1), unsafe_allow_html=True)
    containers = city_containers([name for name, _svg in maps], key)
    clicked = None
    for container, (name, svg) in zip(containers, maps, strict=False):
        with container:
            code = show_svg_map(svg, f"{key}_kaart_{name or 'stad'}", clickable=selectable,
                                max_height=view.map_height)
        clicked = clicked or code
    if view.summary:
        st.caption(view.summary)
    for name, figure in view.panels:
        if name not in view.svgs:
            st.plotly_chart(figure, key=f"{key}_staaf", config=CONFIG)
    return clicked
