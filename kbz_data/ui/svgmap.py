"""The map component: an :class:`~kbz_data.charts.svg_map.SvgMap` drawn in the page (Streamlit custom component v2,
no iframe, no plotly.js), with hover text, zoom buttons, click-to-choose and phone gestures.

- Hover (mouse): the area's text (first line bold) next to the pointer. On a touch screen a tap on a map that is
  not clickable shows the text.
- Click (or tap) on an area of a clickable map: a one-time trigger ``gebied`` with the area code, read with
  :func:`clicked_area` (one rerun only, so a page shown again after Back never acts on an old click).
- Keyboard: the map itself is one tab stop; the arrow keys (Home/End) step through its areas in alphabetical order,
  showing each area's text (also read out: a polite live region) and moving a zoomed-in view to it; Enter (or
  space) chooses the area on a clickable map, as a click does; + and − zoom, Escape hides the text. Keys with
  Alt, Ctrl or Cmd stay the browser's. A new map (another indicator) keeps the chosen area.
- Zoom: the buttons "+", "−" and "Hele kaart" (keyboard reachable), Ctrl + wheel; drag with the mouse pans. On a
  touch screen one finger scrolls the page (CSS ``touch-action: pan-x pan-y``: the map never takes it); two fingers
  pan and pinch the map.
- Size: as wide as its column, as high as the area's shape needs (at most ``max_height`` pixels), so a phone shows
  the whole city without white bands.
"""

from __future__ import annotations

import streamlit as st

from kbz_data.charts.svg_map import SvgMap

_HTML = """<div class="kbz-kaart"><div class="kop"><div class="titel"></div><div class="knoppen">
<button type="button" class="in" aria-label="Inzoomen" title="Inzoomen (ook: Ctrl + scrollwiel)">+</button>
<button type="button" class="uit" aria-label="Uitzoomen" title="Uitzoomen">&minus;</button>
<button type="button" class="heel" aria-label="Hele kaart tonen" title="Hele kaart tonen">&#8634;</button>
</div></div><div class="vlak" tabindex="0" role="application"></div><div class="tip" role="tooltip" hidden></div>
<div class="sr" aria-live="polite"></div></div>"""

_CSS = """
.kbz-kaart { position: relative; font-family: "Source Sans Pro", "Source Sans 3", sans-serif; font-size: 14px;
  color: #31333f; }
.kop { display: flex; align-items: center; justify-content: space-between; gap: 4px; margin-bottom: 2px; }
.titel { font-weight: 600; padding-left: 2px; }
.knoppen { display: flex; gap: 3px; margin-left: auto; }
.knoppen button { width: 24px; height: 24px; padding: 0; border: 1px solid #8a8d96; border-radius: 4px;
  background: #ffffff; color: #31333f; font: 16px/1 sans-serif; cursor: pointer; }
.knoppen button:focus-visible { outline: 2px solid #1c6fd1; outline-offset: 1px; }
.vlak { touch-action: pan-x pan-y; overflow: hidden; }
.vlak:focus-visible { outline: 2px solid #1c6fd1; outline-offset: 2px; }
.a path.gekozen, .a path.gekozen:hover { stroke: #1c6fd1; stroke-width: 3.5px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.vlak svg { display: block; width: 100%; height: auto; max-height: var(--maxh, 640px); user-select: none; }
.vlak path { vector-effect: non-scaling-stroke; stroke-linejoin: round; fill-rule: evenodd; }
.a path { stroke: #ffffff; stroke-width: 0.5px; }
.a path:hover { stroke: #000000; stroke-width: 1.5px; }
.klikbaar .a path { cursor: pointer; }
.k path { fill: none; stroke: rgb(20,20,20); stroke-width: 2.2px; pointer-events: none; }
.tip { position: absolute; z-index: 3; max-width: 280px; padding: 6px 8px; background: #ffffff; color: #1f2029;
  border: 1px solid #8a8d96; border-radius: 4px; box-shadow: 0 2px 6px rgba(0,0,0,.2); white-space: pre-line;
  pointer-events: none; font-size: 13px; line-height: 1.35; }
.tip b { font-weight: 600; }
"""

_JS = """
const MIN_SHARE = 1 / 16;

function viewOf(svg) { return svg.getAttribute("viewBox").split(" ").map(Number); }

function setView(root, view) {
  const [bx, by, bw, bh] = root.kbzBase;
  const w = Math.min(bw, Math.max(bw * MIN_SHARE, view[2]));
  const h = w * bh / bw;
  const x = Math.min(bx + bw - w, Math.max(bx, view[0]));
  const y = Math.min(by + bh - h, Math.max(by, view[1]));
  root.querySelector("svg").setAttribute("viewBox", [x, y, w, h].map((v) => v.toFixed(2)).join(" "));
}

function zoom(root, factor, cx, cy) {
  const [x, y, w, h] = viewOf(root.querySelector("svg"));
  const px = cx === undefined ? x + w / 2 : cx, py = cy === undefined ? y + h / 2 : cy;
  setView(root, [px - (px - x) / factor, py - (py - y) / factor, w / factor, h / factor]);
}

function unitsPerPixel(root) {
  const svg = root.querySelector("svg");
  const [, , w, h] = viewOf(svg);
  return Math.max(w / svg.clientWidth, h / svg.clientHeight);
}

function toUnits(root, clientX, clientY) {
  const svg = root.querySelector("svg");
  const box = svg.getBoundingClientRect();
  const [x, y, w, h] = viewOf(svg);
  const k = unitsPerPixel(root);
  return [x + w / 2 + (clientX - box.left - box.width / 2) * k, y + h / 2 + (clientY - box.top - box.height / 2) * k];
}

function showTip(root, path, clientX, clientY) {
  const tip = root.querySelector(".tip");
  const text = root.kbzTips[Number(path.dataset.t)] || "";
  const [first, ...rest] = text.split("\\n");
  tip.replaceChildren();
  const bold = document.createElement("b");
  bold.textContent = first;
  tip.append(bold, rest.length ? "\\n" + rest.join("\\n") : "");
  tip.hidden = false;
  const box = root.getBoundingClientRect();
  let left = clientX - box.left + 14, top = clientY - box.top + 14;
  if (left + tip.offsetWidth > box.width) left = Math.max(0, clientX - box.left - tip.offsetWidth - 14);
  if (top + tip.offsetHeight > box.height || clientY + 14 + tip.offsetHeight > window.innerHeight) {
    top = Math.max(0, clientY - box.top - tip.offsetHeight - 14);
  }
  tip.style.left = left + "px";
  tip.style.top = top + "px";
}

function draw(root, data) {
  root.dataset.id = data.id;
  root.querySelector(".titel").textContent = data.title || "";
  root.querySelector(".vlak").innerHTML = data.svg;
  root.kbzTips = data.tips;
  root.kbzBase = viewOf(root.querySelector("svg"));
  root.style.setProperty("--maxh", data.maxh + "px");
  root.querySelector(".tip").hidden = true;
  root.querySelector(".sr").textContent = "";
  root.kbzOrder = null;
  // The area chosen with the keyboard stays chosen in the new map (same code), without its old text.
  const code = root.kbzChosen ? root.kbzChosen.dataset.c : null;
  root.kbzChosen = code ? root.querySelector(`.a path[data-c="${CSS.escape(code)}"]`) : null;
  if (root.kbzChosen && root.querySelector(".vlak") === root.getRootNode().activeElement) mark(root);
}

function mark(root) {
  root.kbzChosen.classList.add("gekozen");
  root.kbzChosen.parentNode.appendChild(root.kbzChosen);  // drawn last: its outline on top of its neighbours'
}

// An area outside the zoomed-in view: the view moves to centre it (same zoom).
function reveal(root, path) {
  const svg = root.querySelector("svg");
  const [x, y, w, h] = viewOf(svg);
  const b = path.getBBox();
  if (b.x >= x && b.y >= y && b.x + b.width <= x + w && b.y + b.height <= y + h) return;
  setView(root, [b.x + b.width / 2 - w / 2, b.y + b.height / 2 - h / 2, w, h]);
}

// Keyboard: the areas in alphabetical order of their names (the first line of their text).
function areaOrder(root) {
  if (!root.kbzOrder) {
    const name = (p) => (root.kbzTips[Number(p.dataset.t)] || "").split("\\n")[0];
    root.kbzOrder = [...root.querySelectorAll(".a path[data-t]")]
      .sort((a, b) => name(a).localeCompare(name(b), "nl", {numeric: true}));
  }
  return root.kbzOrder;
}

function choose(root, step) {
  const order = areaOrder(root);
  if (!order.length) return;
  const at = root.kbzChosen ? order.indexOf(root.kbzChosen) : -1;
  let next;
  if (step === "first") next = 0;
  else if (step === "last") next = order.length - 1;
  else if (at < 0) next = step > 0 ? 0 : order.length - 1;
  else next = (at + step + order.length) % order.length;
  if (root.kbzChosen) root.kbzChosen.classList.remove("gekozen");
  const path = order[next];
  root.kbzChosen = path;
  mark(root);
  reveal(root, path);
  const area = path.getBoundingClientRect(), surface = root.querySelector(".vlak").getBoundingClientRect();
  const cx = Math.min(surface.right, Math.max(surface.left, area.left + area.width / 2));
  const cy = Math.min(surface.bottom, Math.max(surface.top, area.top + area.height / 2));
  showTip(root, path, cx, cy);
  root.querySelector(".sr").textContent = root.kbzTips[Number(path.dataset.t)] || "";
}

const KEY_STEPS = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: "first", End: "last"};

function onKey(root, e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;  // the browser's own keys (Back, page zoom)
  if (e.key in KEY_STEPS) {
    e.preventDefault();
    choose(root, KEY_STEPS[e.key]);
  } else if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    if (root.kbzClickable && root.kbzChosen) root.kbzSend("gebied", root.kbzChosen.dataset.c);
  } else if (e.key === "+" || e.key === "=") {
    zoom(root, 1.6);
  } else if (e.key === "-") {
    zoom(root, 1 / 1.6);
  } else if (e.key === "Escape") {
    root.querySelector(".tip").hidden = true;
  }
}

function bind(root) {
  root.kbzBound = true;
  const hide = () => { root.querySelector(".tip").hidden = true; };
  root.querySelector(".in").addEventListener("click", () => zoom(root, 1.6));
  root.querySelector(".uit").addEventListener("click", () => zoom(root, 1 / 1.6));
  root.querySelector(".heel").addEventListener("click", () => setView(root, root.kbzBase));
  const vlak = root.querySelector(".vlak");
  vlak.addEventListener("keydown", (e) => onKey(root, e));
  vlak.addEventListener("blur", () => {
    hide();
    if (root.kbzChosen) root.kbzChosen.classList.remove("gekozen");
  });
  vlak.addEventListener("focus", () => { if (root.kbzChosen) mark(root); });
  let drag = null, dragged = false;
  vlak.addEventListener("pointermove", (e) => {
    if (e.pointerType !== "mouse") return;
    const path = e.target.closest("path[data-t]");
    if (path && !drag) showTip(root, path, e.clientX, e.clientY); else hide();
  });
  vlak.addEventListener("pointerleave", hide);
  vlak.addEventListener("pointerdown", (e) => {
    dragged = false;
    if (e.pointerType !== "mouse" || e.button !== 0) return;
    drag = {x: e.clientX, y: e.clientY, view: viewOf(root.querySelector("svg")), k: unitsPerPixel(root)};
  });
  // Window listeners (a drag may leave the map) remove themselves once this map has left the page.
  const onMove = (e) => {
    if (!root.isConnected) { window.removeEventListener("pointermove", onMove); return; }
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) dragged = true;
    if (dragged) setView(root, [drag.view[0] - dx * drag.k, drag.view[1] - dy * drag.k, drag.view[2], drag.view[3]]);
  };
  const onUp = () => {
    drag = null;
    if (!root.isConnected) { window.removeEventListener("pointerup", onUp); }
  };
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);
  vlak.addEventListener("wheel", (e) => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    const [ux, uy] = toUnits(root, e.clientX, e.clientY);
    zoom(root, e.deltaY < 0 ? 1.25 : 0.8, ux, uy);
  }, {passive: false});
  vlak.addEventListener("click", (e) => {
    if (dragged) { dragged = false; return; }
    const path = e.target.closest("path[data-c]");
    if (!path) return;
    if (root.kbzClickable) root.kbzSend("gebied", path.dataset.c);
    else showTip(root, path, e.clientX, e.clientY);
  });
  let pinch = null;
  const pair = (t) => [(t[0].clientX + t[1].clientX) / 2, (t[0].clientY + t[1].clientY) / 2,
                       Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY) || 1];
  vlak.addEventListener("touchstart", (e) => {
    if (e.touches.length === 2) {
      const [mx, my, d] = pair(e.touches);
      pinch = {mx, my, d, view: viewOf(root.querySelector("svg")), k: unitsPerPixel(root)};
    }
  }, {passive: true});
  vlak.addEventListener("touchmove", (e) => {
    if (e.touches.length !== 2 || !pinch) return;
    if (e.cancelable) e.preventDefault();
    const [mx, my, d] = pair(e.touches);
    const f = d / pinch.d, [x, y, w, h] = pinch.view;
    const nw = w / f, nh = h / f;
    const cx = x + w / 2 - (mx - pinch.mx) * pinch.k, cy = y + h / 2 - (my - pinch.my) * pinch.k;
    setView(root, [cx - nw / 2, cy - nh / 2, nw, nh]);
  }, {passive: false});
  vlak.addEventListener("touchend", (e) => { if (e.touches.length < 2) pinch = null; });
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".kbz-kaart");
  root.kbzSend = setTriggerValue;
  root.kbzClickable = Boolean(data.clickable);
  root.classList.toggle("klikbaar", root.kbzClickable);
  if (root.dataset.id !== data.id) draw(root, data);
  const named = root.querySelector(".vlak svg");
  root.querySelector(".vlak").setAttribute("aria-label", (named ? named.getAttribute("aria-label") + ". " : "")
    + "Pijltjestoetsen: langs de gebieden" + (root.kbzClickable ? "; Enter: gebied kiezen" : "") + "; + en −: zoomen.");
  if (!root.kbzBound) bind(root);
}
"""

_KAART = st.components.v2.component("kbz_kaart", html=_HTML, css=_CSS, js=_JS)


def _ignore() -> None:
    """Clicks are read with :func:`clicked_area`; the callback only declares the trigger ``gebied``."""


def show_svg_map(svg: SvgMap, key: str, *, clickable: bool = False, max_height: int = 640) -> str | None:
    """Draw ``svg`` (session key ``key``); the area code of a click on it in this run, else None."""
    data = {**svg.payload(), "clickable": clickable, "maxh": int(max_height)}
    result = _KAART(key=key, data=data, on_gebied_change=_ignore)
    return clicked_area(key) or (getattr(result, "gebied", None) if result is not None else None)


def clicked_area(key: str) -> str | None:
    """The area code of a click on the map with session key ``key`` in this run (a trigger: one run only)."""
    value = st.session_state.get(key)
    if isinstance(value, dict) or hasattr(value, "get"):
        code = value.get("gebied")
        return str(code) if code else None
    return None
