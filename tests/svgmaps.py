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


# --- The same maps in a real browser (Playwright) -----------------------------------------------------------------
# A map is a ``.kbz-kaart`` element inside its component's shadow root: Playwright's CSS locators pierce open shadow
# roots, ``document.querySelector`` does not (use these helpers, or ``locator.evaluate``, in page scripts).

#: CSS of every map, of the drawn areas (``path[data-c]`` in ``svg g.a``) and of the map's drawing surface.
MAP = ".kbz-kaart"
AREAS = ".kbz-kaart svg g.a path"
SURFACE = ".kbz-kaart .vlak"

#: JS expression: a function returning every map element on the page, shadow roots included.
MAPS_JS = """(() => {
  const found = [];
  const walk = (root) => {
    root.querySelectorAll('.kbz-kaart').forEach((el) => found.push(el));
    root.querySelectorAll('*').forEach((el) => { if (el.shadowRoot) walk(el.shadowRoot); });
  };
  walk(document);
  return found;
})"""

#: JS: one map element -> what a test reads of it (see :func:`read_maps`).
_READ_JS = """(el) => {
  const svg = el.querySelector('svg');
  const r = svg ? svg.getBoundingClientRect() : null;
  const g = svg ? svg.querySelector('g.a').getBoundingClientRect() : null;
  return {
    id: el.dataset.id || '', title: el.querySelector('.titel').textContent,
    viewBox: svg ? svg.getAttribute('viewBox').split(' ').map(Number) : [],
    box: r ? [r.left, r.top, r.width, r.height] : [0, 0, 0, 0],
    drawn: g ? [g.left, g.top, g.width, g.height] : [0, 0, 0, 0],
    areas: svg ? [...svg.querySelectorAll('g.a path[data-c]')].map((p) => ({
      code: p.dataset.c, fill: p.getAttribute('fill'), tip: (el.kbzTips || [])[Number(p.dataset.t)] || ''})) : [],
    outlines: svg ? svg.querySelectorAll('g.k path').length : 0,
    clickable: el.classList.contains('klikbaar'),
  };
}"""

#: JS (arg: code or null): the middle of an area's drawn shape, on screen, where a click reaches that area's path.
_POINT_JS = """(els, code) => {
  for (const el of els) {
    const root = el.getRootNode();
    for (const path of el.querySelectorAll('svg g.a path[data-c]')) {
      if (code && path.dataset.c !== code) continue;
      const box = path.getBoundingClientRect();
      if (box.width < 6 || box.height < 6) continue;
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      const local = new DOMPoint(x, y).matrixTransform(path.getScreenCTM().inverse());
      if (path.isPointInFill(local) && root.elementFromPoint(x, y) === path) return {code: path.dataset.c, x, y};
    }
  }
  return null;
}"""


def wait_for_maps(page, count: int = 1, timeout: int = 90_000) -> None:
    """Wait until at least ``count`` maps have drawn their areas (a map of ``count`` hidden ones counts too)."""
    page.wait_for_function(
        f"(n) => {MAPS_JS}().filter((el) => el.dataset.id && el.querySelector('svg g.a path')).length >= n",
        arg=count, timeout=timeout)


def read_maps(page, shown_only: bool = False) -> list[dict]:
    """Every map on the page: id (fingerprint), title, viewBox, box and drawn (screen boxes [left, top, width,
    height] of the SVG and of its areas), areas (code, fill, hover text of each), outlines (KBZ), clickable."""
    maps = page.locator(MAP).evaluate_all(f"(els) => els.map({_READ_JS})")
    return [m for m in maps if m["box"][2] > 0] if shown_only else maps


def view_box(page, index: int = 0) -> list[float]:
    """The viewBox (x, y, width, height) of map ``index``: what zooming and panning change."""
    return page.locator(f"{MAP} svg").nth(index).evaluate("(svg) => svg.getAttribute('viewBox').split(' ').map(Number)")


def area_point(page, code: str | None = None) -> dict | None:
    """{code, x, y}: a screen point inside the fill of area ``code`` (else of the first area large enough), where
    the area's path is the element hit (nothing drawn over it); None when there is none."""
    return page.locator(MAP).evaluate_all(_POINT_JS, code)


def on_map(page, x: float, y: float) -> bool:
    """The element at screen point (x, y) is a map's drawing surface (inside its shadow root)."""
    return page.locator(MAP).evaluate_all(
        """(els, [x, y]) => els.some((el) => { const hit = el.getRootNode().elementFromPoint(x, y);
             return !!hit && el.querySelector('.vlak').contains(hit); })""", [x, y])
