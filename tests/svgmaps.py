"""Read the SVG maps a page draws (kbz_data.ui.svgmap) from an AppTest run: what the browser receives."""

from __future__ import annotations

import json
import re

_AREA = re.compile(r'<path d="[^"]*" fill="([^"]+)" data-c="([^"]+)" data-t="(\d+)"/>')


def svg_maps(at) -> dict[str, dict]:
    """Every map component on the page by its key (``{page key}_kaart_{city}``): its data (svg, tips, title, ...)."""
    return {c.proto.id.split("-", 2)[-1]: json.loads(c.proto.json)
            for c in at.get("bidi_component") if c.proto.component_name == "kbz_kaart"}


def areas(payload: dict) -> dict[str, tuple[str, str]]:
    """Area code -> (fill colour, hover text) of one map."""
    return {code: (fill, payload["tips"][int(t)]) for fill, code, t in _AREA.findall(payload["svg"])}


def outlines(payload: dict) -> int:
    """Number of KBZ outlines drawn on one map."""
    group = payload["svg"].split('<g class="k">', 1)[1]
    return group.count("<path")
