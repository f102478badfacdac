"""Benchmark: a 2,000-row upload (check + preview + store) on SQLite and PostgreSQL 15, and the role-filtered reads.

Run: ``python benchmarks/bench_practice_db.py`` (PostgreSQL is started like in the tests, from
/usr/lib/postgresql/15/bin, and skipped when missing). Prints one line per step: median of 5 runs in ms.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbz_data.practice import access, demo, upload_store  # noqa: E402
from kbz_data.practice.db import engine as db_engine  # noqa: E402
from kbz_data.practice.db.repository import PracticeDb  # noqa: E402

ROWS = 2000
RUNS = 5
TODAY = date(2026, 12, 1)


def upload_file() -> bytes:
    """2,000 plausible figures (taken from the demo set), as a practice manager's CSV."""
    figures = demo.read().head(ROWS)[["praktijk_code", "periode", "kengetal", "teller", "noemer"]]
    buffer = io.StringIO()
    figures.to_csv(buffer, sep=";", index=False)
    return buffer.getvalue().encode("utf-8")


def timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return (time.perf_counter() - started) * 1000


def bench(name: str, url: str) -> None:
    data = upload_file()
    db = PracticeDb(url, timeout=30)
    db.check()
    viewer = access.Viewer("praktijk", "bench@praktijk.nl", praktijken=frozenset({"RTD-BLOEMHOF-1"}))
    results: dict[str, list[float]] = {k: [] for k in ("controle", "voorbeeld", "opslaan", "samen", "ongedaan",
                                                       "huidige cijfers", "praktijkpagina (3 grafieken)")}
    for _ in range(RUNS):
        checked = None

        def check() -> None:
            nonlocal checked
            checked = db.validate(data, "bench.csv", today=TODAY)

        results["controle"].append(timed(check))
        results["voorbeeld"].append(timed(lambda checked=checked: upload_store.preview(db.current_figures(), checked)))
        results["opslaan"].append(timed(lambda: db.commit(data, "bench.csv", user="bench", today=TODAY)))
        results["samen"].append(results["controle"][-1] + results["voorbeeld"][-1] + results["opslaan"][-1])
        results["huidige cijfers"].append(timed(db.current_figures))
        letters = access.Lettering()
        results["praktijkpagina (3 grafieken)"].append(timed(lambda letters=letters: [
            access.measure_view(db, viewer, m, "RTD-BLOEMHOF-1", letters)
            for m in ("consulten_per_1000", "gezinnen_miniteam")] + [
            access.funnel_view(db, viewer, "verwijzingen_ggz", 2024, "RTD-BLOEMHOF-1", letters)]))
        results["ongedaan"].append(timed(lambda: db.undo_last("bench")))
    for step, values in results.items():
        print(f"{name:<11} {step:<30} {statistics.median(values):8.0f} ms")
    db_engine.dispose()


def main() -> None:
    print(f"Upload van {ROWS} rijen, mediaan van {RUNS} keer")
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite", f"sqlite:///{folder}/praktijk.sqlite")
    try:
        from tests import pg

        servers = pg.start()
        server = next(servers)
    except BaseException as exc:  # pytest.skip raises a BaseException subclass
        print(f"PostgreSQL overgeslagen: {exc}")
        return
    try:
        url = server.create_database()
        db_engine.upgrade(url)
        bench("PostgreSQL", url)
    finally:
        servers.close()


if __name__ == "__main__":
    main()
