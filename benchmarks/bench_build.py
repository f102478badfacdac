"""Benchmark: build the store from the raw sources and print timings and sizes.

Usage: python benchmarks/bench_build.py [--sources DIR] [--repeat N]
Prints the build time (min / median of N runs), the size of every store file, and the size of the map GeoJSON
per gemeente, niveau and indeling (what a map page sends to the browser). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbz_data.config import GEMEENTEN, default_sources_dir  # noqa: E402
from kbz_data.store import (
    shapes,  # noqa: E402
    storage,  # noqa: E402
)
from kbz_data.store.build import build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=Path, default=default_sources_dir())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            started = time.perf_counter()
            build(args.sources, Path(tmp) / f"store{i}")
            times.append(time.perf_counter() - started)
        store_dir = Path(tmp) / "store0"
        print(f"build: min {min(times):.2f} s, median {statistics.median(times):.2f} s over {args.repeat} runs")
        for name in storage.FILES:
            print(f"  {name:<26} {(store_dir / name).stat().st_size / 1024:8.1f} KB")
        gebieden = storage.read_gebieden(store_dir)
        print("map GeoJSON (compact JSON) per indeling / niveau / gemeente:")
        for (indeling, niveau), part in gebieden[gebieden.geometry.notna()].groupby(["indeling", "niveau"]):
            sizes = []
            for code, name in [*GEMEENTEN.items(), (None, "alle vier")]:
                if code is not None and not (part["gemeentecode"] == code).any():
                    continue
                data = shapes.geojson_for(gebieden, code, niveau, int(indeling))
                sizes.append(f"{name} {len(json.dumps(data, separators=(',', ':'))) / 1024:.0f} KB")
            print(f"  {indeling} {niveau:<8} " + ", ".join(sizes))


if __name__ == "__main__":
    main()
