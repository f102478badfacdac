"""Benchmark of the dashboard pages on the store built from the real sources.

Usage: KBZ_SOURCES=../shared/sources python benchmarks/bench_pages.py [--repeat 5] [--pages praktijk]
       [--database 5] [--no-browser]

Prints, per page: AppTest run time (first run after switching to it, and a rerun after a filter change) next to
an empty page's run time; the plotly figure JSON size of the map per city at wijk and buurt level and for the four
cities together (budgets: 150 KB per city at wijk level, 400 KB per city at buurt level, 1 MB for all four
cities' buurten); and the peak memory (VmHWM) of a real `streamlit run` process after every page was opened in
Chromium. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

from kbz_data.charts import map_views  # noqa: E402
from kbz_data.config import GEMEENTEN, default_sources_dir  # noqa: E402
from kbz_data.store import storage  # noqa: E402
from kbz_data.store.build import build  # noqa: E402

PAGE_DIR = "app_pages"
PAGES = {
    "overzicht": f"{PAGE_DIR}/overzicht.py",
    "kaart": f"{PAGE_DIR}/kaart.py",
    "wijkprofiel": f"{PAGE_DIR}/wijkprofiel.py",
    "vergelijken": f"{PAGE_DIR}/vergelijken.py",
    "budget": f"{PAGE_DIR}/budget.py",
    "bronnen": f"{PAGE_DIR}/bronnen.py",
    "praktijk": f"{PAGE_DIR}/praktijk.py",
    "upload": f"{PAGE_DIR}/upload.py",
}
BUDGET_KB = {"wijk": 150, "buurt": 400, "buurt-alle": 1000}


def _median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def seed_database(store_dir: Path, uploads: int) -> str:
    """Run as the local beheerder (loopback, no ``[auth]``) on the store's practice database, holding the demo set
    and ``uploads`` uploads (each one practice's figures of 2024, taken from the demo set and changed by one)."""
    from kbz_data.practice import demo
    from kbz_data.practice.db.repository import PracticeDb
    from kbz_data.ui import auth

    auth.server_address = lambda: "127.0.0.1"  # the AppTest runs in this process: local mode, beheerder
    db = PracticeDb(store_dir=store_dir)
    figures = demo.read()
    codes = sorted(set(figures["praktijk_code"]))
    for i in range(uploads):
        rows = figures[(figures["praktijk_code"] == codes[i % len(codes)]) & figures["periode"].str.startswith("2024")]
        rows = rows.assign(teller=rows["teller"] + 1 + i // len(codes))
        rows = rows.assign(teller=rows["teller"].where(rows["noemer"].isna() | (rows["teller"] <= rows["noemer"]),
                                                       rows["noemer"]))
        db.commit(rows[["praktijk_code", "periode", "kengetal", "teller", "noemer"]].to_csv(sep=";", index=False)
                  .encode(), f"bench_{i}.csv", user="bench")
    return f"database: demo set + {uploads} uploads ({db.backend}), as the local beheerder"


def bench_apptest(repeat: int, pages: list[str] | None = None) -> None:
    os.environ["KBZ_BENCH_EMPTY_PAGE"] = "1"
    bare = AppTest.from_string("import streamlit as st\nst.write('leeg')", default_timeout=60)
    bare.run()
    print(f"AppTest, bare one-line script rerun: {_median_time(bare.run, repeat) * 1000:.0f} ms (median of {repeat})")
    print("Each page: first run after switching to it, and a rerun after a change (the gemeente filter; on Praktijk")
    print("the chosen practice; a plain rerun on pages without a choice), against the same for an empty page")
    print("inside the dashboard (same app.py, sidebar filters and navigation).")
    print(f"{'page':<12} {'first run':>10} {'rerun after filter change':>26} {'x empty':>8}")
    base = None
    for name, path in {"leeg": "benchmarks/empty_page.py", **PAGES}.items():
        if not (REPO / path).exists() or (pages and name != "leeg" and name not in pages):
            continue
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        at.run()
        started = time.perf_counter()
        at.switch_page(path).run()
        first = time.perf_counter() - started
        # The change a user makes on this page: a shared filter where the page has one, else its own main choice.
        if name == "praktijk":
            key, values = "praktijk_keuze", ["RTD-BLOEMHOF-1", "UTR-ONDIEP-1"]
        elif name in ("overzicht", "bronnen", "upload"):
            key, values = None, []
        else:
            key, values = "gemeente", ["GM0363", "GM0599"]
        state = {"i": 0}

        def change(at=at, key=key, values=values, state=state) -> None:
            state["i"] += 1
            if key is None:
                at.run()
            else:
                at.selectbox(key=key).set_value(values[state["i"] % 2]).run()

        change()  # warm the cache for both values
        change()
        rerun = _median_time(change, repeat)
        base = base or rerun
        error = " (exception!)" if at.exception else ""
        print(f"{name:<12} {first * 1000:>8.0f} ms {rerun * 1000:>24.0f} ms {rerun / base:>7.1f}x{error}")


def bench_sizes(store_dir: Path) -> None:
    data = storage.load(store_dir)
    print("map figure JSON (plotly Figure.to_json), KB:")
    for niveau, indicator, indeling in (("wijk", "ervaren_gezondheid_goed", 2020),
                                        ("buurt", "ervaren_gezondheid_goed", 2020),
                                        ("wijk", "inwoners", 2024), ("buurt", "inwoners", 2024)):
        sizes = []
        for code, name in [*GEMEENTEN.items(), ("G4", "alle vier")]:
            view = map_views.map_view(data, indicator, indeling, indeling, niveau, code, "kwantielen", 5, True)
            if view.kind != "kaart":
                sizes.append(f"{name}: staafgrafiek")
                continue
            total = sum(len(fig.to_json()) for _, fig in view.panels) / 1024
            budget = BUDGET_KB["buurt-alle" if code == "G4" and niveau == "buurt" else niveau]
            budget_text = "" if code == "G4" and niveau == "wijk" else f" (budget {budget})"
            sizes.append(f"{name}: {total:.0f}{budget_text}")
        print(f"  {niveau:<6} indeling {indeling}: " + "; ".join(sizes))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_memory(store_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "KBZ_STORE": str(store_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            time.sleep(4)
            for name in PAGES:
                for query in ("", "?gemeente=G4&niveau=buurt"):
                    page.goto(f"{url}/{name}{query}")
                    time.sleep(4)
            browser.close()
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak = next(line for line in status.splitlines() if line.startswith("VmHWM"))
        print(f"streamlit process peak memory after opening every page: {peak.split(':')[1].strip()}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=Path, default=default_sources_dir())
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true", help="skip the memory measurement in Chromium")
    parser.add_argument("--store", type=Path, help="copy this built store instead of building one from --sources")
    parser.add_argument("--pages", help="comma-separated pages to time (default all), e.g. praktijk,upload")
    parser.add_argument("--database", type=int, metavar="UPLOADS", default=None,
                        help="time as the local beheerder on a practice database with the demo set and this many"
                             " uploads (default: a visitor who sees only the demo set)")
    args = parser.parse_args()
    pages = args.pages.split(",") if args.pages else None
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        if args.store:
            shutil.copytree(args.store, store_dir, ignore=shutil.ignore_patterns("praktijk"))
        else:
            build(args.sources, store_dir)
        os.environ["KBZ_STORE"] = str(store_dir)
        os.environ.pop("KBZ_DATABASE_URL", None)
        if pages is None:
            bench_sizes(store_dir)
        if args.database is not None:
            print(seed_database(store_dir, args.database))
        bench_apptest(args.repeat, pages)
        if not args.no_browser:
            bench_memory(store_dir)


if __name__ == "__main__":
    main()
