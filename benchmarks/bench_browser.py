"""Browser speed of the dashboard: real `streamlit run` server, Debian's Chromium through Playwright, caches warm.

Usage: KBZ_SOURCES=../shared/sources .venv/bin/python benchmarks/bench_browser.py [--repeat 5] [--store DIR]

The store: ``--store``, else one built from ``$KBZ_SOURCES`` into a temporary folder (about 6 s), else the
committed snapshot (data/snapshot/). The server is started on 127.0.0.1 by this script and stopped by PID.
After a warm-up round (every view opened once, so Streamlit's caches hold every figure), each figure is the median
of ``--repeat`` fresh page loads (a new browser page each time, so scripts and the page are loaded and drawn anew):

- text page: /bronnen until its last section is on screen and Streamlit is idle (no script running);
- four-city Kaart: /kaart (all four cities, wijk level) until every map has drawn (each SVG map component has its
  area paths in the DOM) and Streamlit is idle;
- indicator change: on that Kaart, the sidebar Indicator selectbox is set as a user does (type, click the
  option); from the browser's click event until every map holds the new map, has drawn it and Streamlit is idle
  (both times taken in the page, so Playwright's checks before a click do not count);
- Wijkprofiel and Budgetverdeling from a link, until every chart has drawn and Streamlit is idle;
- first change to an indicator (no target, for the record): as the indicator change, but each time to an
  indicator no view has shown since the server started, so the server makes its maps and table anew.

Every request that would leave the machine is blocked and counted (must be 0). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEXT_PAGE = "/bronnen"
KAART = "/kaart?gemeente=G4&niveau=wijk"
BUDGET = "/budget?budget=10000000"
PROFILE = "/wijkprofiel?code=WK034403&indeling=2024"  # Utrecht Wijk 03 Binnenstad: in the snapshot and a build
#: (indicator id, the text typed into the selectbox to find it): the change made on the Kaart, and back.
INDICATOR_CHANGES = [("inkomen_per_inwoner", "Gemiddeld inkomen"), ("ervaren_gezondheid_goed", "Ervaren gezondheid")]
#: Indicators no other view shows (typed texts that match one option only): the first change to each is "cold".
COLD_CHANGES = [(t, t) for t in (
    "Mantelzorger (65+)", "Heel veel stress (65+)", "Rookt (65+)", "Zware drinker (65+)",
    "Beperkt vanwege gezondheid (65+)", "Voldoet aan de beweegrichtlijn (65+)", "Moeite met rondkomen (65+)",
    "Matig tot veel regie over eigen leven (65+)", "Ernstige geluidhinder door buren (65+)",
    "Hoog risico op angststoornis of depressie (65+)")]

#: Every SVG map (kbz_data.ui.svgmap: a ``.kbz-kaart`` inside the component's shadow root) on the page.
MAPS_JS = """() => {
  const found = [];
  const walk = (root) => {
    root.querySelectorAll('.kbz-kaart').forEach((el) => found.push(el));
    root.querySelectorAll('*').forEach((el) => { if (el.shadowRoot) walk(el.shadowRoot); });
  };
  walk(document);
  return found;
}"""
#: True when Streamlit runs no script and every figure on the page has drawn: an SVG map when its area paths are
#: in the DOM, a plotly figure when plotly has laid it out (a main SVG), a server-made chart (the Wijkprofiel's
#: spine and trend, kbz_data.charts.profile_svg) when it is in the DOM. ``minimum`` is the number of figures
#: (maps, plotly charts and server-made charts) expected.
DRAWN_JS = """(minimum) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
  if (document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]'))
    return false;
  const maps = (""" + MAPS_JS + """)();
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const made = document.querySelectorAll('.kbz-spine .rij, .kbz-trend .paneel svg').length ? document.querySelectorAll(
    '.kbz-spine, .kbz-trend').length : 0;
  if (maps.length + plots.length + made < minimum) return false;
  if (!maps.every((el) => el.dataset.id && el.querySelector('svg path'))) return false;
  return plots.every((gd) => gd._fullLayout && gd.querySelector('.main-svg'));
}"""
#: Every visible map on the page shows another map than before the change (its fingerprint differs from the one
#: saved in window.__kbzOld).
SAVE_JS = "() => { window.__kbzOld = (" + MAPS_JS + ")().map((el) => el.dataset.id); }"
CHANGED_JS = """() => {
  const maps = (""" + MAPS_JS + """)().filter((el) => el.getBoundingClientRect().width);
  return maps.length > 0 && maps.every((el) => !(window.__kbzOld || []).includes(el.dataset.id));
}"""

#: Records the time of the next click anywhere in the page (capture phase: before any handler runs).
CLICK_CLOCK_JS = """() => { window.__kbzDone = null; window.__kbzClick = null;
  document.addEventListener('click', () => { window.__kbzClick = performance.now(); },
                            {capture: true, once: true}); }"""
#: DRAWN_JS that also records when it first became true.
DONE_CLOCK_JS = "(minimum) => { const ok = (" + DRAWN_JS + ")(minimum); if (ok) window.__kbzDone = performance.now();" \
                " return ok; }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("streamlit-server startte niet: " + log_path.read_text())


def store_env(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, str], str]:
    """Environment for the server and a line saying which store it reads."""
    if args.store:
        return {"KBZ_STORE": str(Path(args.store).resolve())}, f"opslag {args.store}"
    sources = os.environ.get("KBZ_SOURCES")
    if sources:
        from kbz_data.store.build import build

        store = tmp / "store"
        build(Path(sources), store)
        return {"KBZ_STORE": str(store)}, f"opslag gebouwd uit {sources}"
    return {"KBZ_STORE": str(REPO / "data" / "snapshot"), "KBZ_SOURCES": str(tmp / "geen")}, "momentopname"


class Bench:
    """One Chromium; each measurement opens a fresh page (no plotly.js or figure left in memory)."""

    def __init__(self, browser, url: str) -> None:
        self.browser, self.url = browser, url
        self.outside: list[str] = []

    def page(self, width: int = 1400, height: int = 1000):
        context = self.browser.new_context(viewport={"width": width, "height": height})

        def route(route) -> None:
            target = route.request.url
            if target.startswith(("data:", "blob:", "about:")) or urlparse(target).hostname in ("127.0.0.1",
                                                                                                  "localhost"):
                route.continue_()
            else:
                self.outside.append(target)
                route.abort()

        context.route("**/*", route)
        return context, context.new_page()

    def load(self, path: str, minimum: int, ready_text: str | None = None) -> float:
        """Seconds from navigation until ``ready_text`` is visible and every figure has drawn."""
        context, page = self.page()
        try:
            started = time.perf_counter()
            page.goto(self.url + path, wait_until="commit")
            if ready_text:  # in the page itself, not the sidebar menu (which names every page at once)
                page.locator('[data-testid="stMain"]').get_by_text(ready_text).first.wait_for(timeout=120_000)
            page.wait_for_function(DRAWN_JS, arg=minimum, timeout=120_000, polling=25)
            return time.perf_counter() - started
        finally:
            context.close()

    def indicator_change(self, label_pairs: list[tuple[str, str]]) -> list[float]:
        """Seconds from choosing another indicator in the sidebar until every map has redrawn, per change."""
        context, page = self.page()
        times = []
        try:
            page.goto(self.url + KAART, wait_until="commit")
            page.wait_for_function(DRAWN_JS, arg=4, timeout=120_000, polling=25)
            for _indicator, text in label_pairs:
                box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
                    has_text="Indicator").first
                box.locator("input").first.click()
                box.locator("input").first.fill(text)
                option = page.locator('[role="option"]').filter(has_text=text).first
                option.wait_for()
                page.evaluate(SAVE_JS)
                # Timed in the page: from the browser's click event on the option (after Playwright's own checks
                # before a click, which are not the user's wait) until the polling below first sees the new maps
                # drawn and Streamlit idle.
                page.evaluate(CLICK_CLOCK_JS)
                option.click()
                page.wait_for_function(CHANGED_JS, timeout=120_000, polling=10)
                page.wait_for_function(DONE_CLOCK_JS, arg=4, timeout=120_000, polling=10)
                times.append(page.evaluate("() => (window.__kbzDone - window.__kbzClick) / 1000"))
                page.wait_for_timeout(300)
            return times
        finally:
            context.close()


def median(values: list[float]) -> float:
    return statistics.median(values)


def progress(name: str, times: list[float]) -> None:
    """Every single measurement, on stderr as soon as a view is done (the spread under a busy machine)."""
    print(f"  {name}: " + " ".join(f"{t:.2f}" for t in times) + " s", file=sys.stderr, flush=True)


def report(name: str, seconds: float, text: float | None, target: str, ok: bool | None) -> None:
    ratio = f"{seconds / text:4.1f}x" if text else "     "
    verdict = "" if ok is None else ("OK" if ok else "NIET GEHAALD")
    print(f"{name:<38} {seconds:6.2f} s  {ratio}  {target:<28} {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="metingen per figuur (mediaan); standaard 5")
    parser.add_argument("--store", help="opslagmap (anders gebouwd uit $KBZ_SOURCES, anders de momentopname)")
    parser.add_argument("--only", choices=["profiel"], help="alleen de tekstpagina en deze weergave meten")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env, which = store_env(args, Path(tmp))
        process, url = start_server({**env, "KBZ_DATA_DIR": str(Path(tmp) / "local")}, Path(tmp) / "server.log")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                run(Bench(browser, url), args.repeat, which, args.only)
                browser.close()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def run(bench: Bench, repeat: int, which: str, only: str | None = None) -> None:
    views = {
        "tekstpagina (Bronnen)": (TEXT_PAGE, 0, "Bronnen zelf downloaden"),  # its last section
        "Kaart, vier steden, tot alle kaarten": (KAART, 4, None),
        "Wijkprofiel via een link": (PROFILE, 2, "Wijkprofiel"),  # spine chart and health trend
        "Budgetverdeling via een link": (BUDGET, 4, "Per gebied"),
    }
    if only == "profiel":
        views = {name: view for name, view in views.items() if view[0] in (TEXT_PAGE, PROFILE)}
    load = os.getloadavg()
    print(f"Browserbenchmark ({which}); Chromium {CHROMIUM}, 1400x1000; mediaan van {repeat}")
    print(f"machinebelasting bij start (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f};"
          f" {os.cpu_count()} kernen")
    for path, minimum, text in views.values():  # warm the server's caches (and the indicator change's views)
        bench.load(path, minimum, text)
    if only is None:
        bench.indicator_change(INDICATOR_CHANGES)
    results: dict[str, float] = {}
    for name, (path, minimum, text) in views.items():
        times = [bench.load(path, minimum, text) for _ in range(repeat)]
        progress(name, times)
        results[name] = median(times)
    if only is None:
        changes = [t for _ in range(repeat) for t in bench.indicator_change(INDICATOR_CHANGES)]
        progress("indicator wisselen op de Kaart", changes)
        results["indicator wisselen op de Kaart"] = median(changes)
        cold = bench.indicator_change(COLD_CHANGES[:max(1, min(len(COLD_CHANGES), 2 * repeat))])
        progress("indicator voor het eerst (koud)", cold)
        results["indicator voor het eerst (koud)"] = median(cold)
    base = results["tekstpagina (Bronnen)"]
    targets = {
        "Kaart, vier steden, tot alle kaarten": ("<= 1,5x tekstpagina", lambda s: s <= 1.5 * base),
        "indicator wisselen op de Kaart": ("< 0,5 s", lambda s: s < 0.5),
        "Budgetverdeling via een link": ("<= 2x tekstpagina", lambda s: s <= 2 * base),
    }
    print(f"{'weergave':<38} {'mediaan':>8}  {'x tekst':>5}  {'doel':<28} oordeel")
    for name, seconds in results.items():
        target, check = targets.get(name, ("", None))
        report(name, seconds, base if name != "tekstpagina (Bronnen)" else None, target,
               None if check is None else check(seconds))
    load = os.getloadavg()
    print(f"machinebelasting aan het eind (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"verzoeken naar buiten de machine (geblokkeerd): {len(bench.outside)}"
          + (f" — {sorted(set(bench.outside))[:5]}" if bench.outside else ""))


if __name__ == "__main__":
    main()
