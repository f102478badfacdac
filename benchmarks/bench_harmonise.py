"""Benchmark: measured error of the boundary harmoniser (issue 11, point 2).

Usage: python benchmarks/bench_harmonise.py [--sources DIR]

Ervaren gezondheid (goed/zeer goed, 18+, 2020) exists on the 2020 division (RIVM 50090NED) and, re-estimated,
on the 2024 division (the 50150NED series in the woonikveilig files). This script carries the first onto the
2024 division with :mod:`kbz_data.analysis.harmonise` and compares it with the second per buurt:

* 2024 buurten of Amsterdam (gemeente buurt polygons, division 2022 = 2024), from the 2020 buurten;
* 2024 buurten of Den Haag, Rotterdam and Utrecht that have a shape (:mod:`kbz_data.store.buurt_shapes`),
  from the 2020 buurten;
* 2024 wijken of the four cities, from the 2020 wijken (the dissolved 2020 buurten); the woonikveilig files
  have no wijk health figures, so only the method and quality counts are printed for wijken.

As a floor it also compares the two series directly on buurten whose code is the same in both divisions
(Den Haag, Rotterdam, Utrecht): that difference is the re-estimation, not the harmonisation. Not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbz_data.analysis import harmonise  # noqa: E402
from kbz_data.config import GEMEENTEN, default_sources_dir  # noqa: E402
from kbz_data.sources import geometry, rivm, statline  # noqa: E402
from kbz_data.store import buurt_shapes  # noqa: E402

INDICATOR = "ervaren_gezondheid_goed"
G4 = tuple(GEMEENTEN)


def rivm_2020(root: Path) -> pd.DataFrame:
    """Ervaren gezondheid 18+ 2020 on the 2020 division (50090NED) for the G4, via the project's reader."""
    path = root / "rivm-gezondheid-wijkbuurt-50090NED" / "RIVM_gezondheid2020_18+.xlsx"
    figures = rivm.figures(statline.read_xlsx(path), path).figures
    return figures[(figures["indicator"] == INDICATOR) & (figures["jaar"] == 2020)]


def woonikveilig_2020(root: Path) -> pd.DataFrame:
    """Ervaren gezondheid 2020 on the 2024 division from the woonikveilig files (``gezondheid.trend``).

    The project's woonikveilig reader does not read the health block yet (issue 11, point 3), so this
    benchmark reads that one field itself.
    """
    rows = []
    for gemeente in G4:
        data = json.loads((root / "kwb2024-derived-woonikveilig" / f"{gemeente}.json").read_text(encoding="utf-8"))
        for group in ("wijken", "buurten"):
            for item in data.get(group) or []:
                trend = (item.get("gezondheid") or {}).get("trend") or {}
                value = trend.get("2020")
                rows.append((str(item["code"]).strip(), str(item.get("name", "")).strip(),
                             float(value) if value is not None else np.nan))
    return pd.DataFrame(rows, columns=["code", "naam", "referentie"])


def reason(row: pd.Series) -> str:
    """Why a carried value may be off, from its quality columns."""
    if row["methode"] == harmonise.METHOD_UNCHANGED:
        return "grens ongewijzigd: het verschil is de herschatting (50090NED -> 50150NED)"
    parts = [f"{row['n_bronnen']} bronbuurt(en), grootste dekt {100 * row['grootste_bron_aandeel']:.0f}%"]
    if row["grootste_bron_binnen"] < 0.9:
        parts.append(f"deel ({100 * row['grootste_bron_binnen']:.0f}%) van een gesplitste buurt 2020")
    if row["dekking"] < harmonise.COVERAGE_GOOD:
        parts.append(f"dekking {100 * row['dekking']:.0f}%")
    return "; ".join(parts)


def _line(name: str, errors: pd.Series, extra: str = "") -> str:
    return (
        f"{name:<10} {len(errors):>4} {errors.mean():>5.2f} {errors.quantile(0.9):>5.2f}"
        f" {100 * (errors <= 2).mean():>5.0f}%{extra}"
    )


def error_table(carried: pd.DataFrame, reference: pd.DataFrame, title: str) -> pd.DataFrame:
    """Print n, MAE, P90, share within 2 points and the worst five per gemeente; return the joined frame."""
    joined = carried.merge(reference, on="code", how="inner").dropna(subset=["waarde", "referentie"])
    joined["fout"] = (joined["waarde"] - joined["referentie"]).abs()
    joined["gemeentecode"] = "GM" + joined["code"].str[2:6]
    print(f"\n== {title}")
    print(f"{'gemeente':<10} {'n':>4} {'MAE':>5} {'P90':>5} {'<=2pt':>6} {'ongewijzigd':>11}  goed/matig/slecht")
    for gemeente, group in joined.groupby("gemeentecode"):
        quality = group["kwaliteit"].value_counts()
        extra = (
            f" {int((group['methode'] == 'ongewijzigd').sum()):>11}"
            f"  {quality.get('goed', 0)}/{quality.get('matig', 0)}/{quality.get('slecht', 0)}"
        )
        print(_line(GEMEENTEN[gemeente], group["fout"], extra))
        for _, row in group.nlargest(5, "fout").iterrows():
            print(
                f"    {row['code']} {row['naam'][:26]:<26} geschat {row['waarde']:5.1f} ref {row['referentie']:5.1f}"
                f" fout {row['fout']:4.1f} [{row['kwaliteit']}] {reason(row)}"
            )
    carried_only = joined[joined["methode"] == harmonise.METHOD_CARRIED]
    print("alleen omgerekend (grens gewijzigd):")
    for gemeente, group in carried_only.groupby("gemeentecode"):
        print("  " + _line(GEMEENTEN[gemeente], group["fout"]))
    for column in ("kwaliteit", "methode"):
        table = joined.groupby(column)["fout"].agg(["size", "mean", lambda f: f.quantile(0.9)])
        table.columns = ["n", "MAE", "P90"]
        print(f"per {column}:", table.round(2).to_dict("index"))
    return joined


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=Path, default=default_sources_dir())
    args = parser.parse_args()
    root = args.sources
    started = time.perf_counter()
    values = rivm_2020(root)
    reference = woonikveilig_2020(root)
    buurten_2020 = geometry.read_topojson_buurten(root / "cbs-buurten-2019-topojson-powerbi" / "buurten.json", G4)
    wijken_2020 = buurten_2020.dissolve("wijkcode", as_index=False)[["wijkcode", "geometry"]].rename(
        columns={"wijkcode": "code"}
    )
    wijken_2024 = geometry.read_wijkenbuurten_geojson(root / "pdok-wijken-2024-geoinzicht" / "wijken_2024.geojson", G4)
    amsterdam_2024 = geometry.read_amsterdam_buurten(root / "amsterdam-gebieden-buurten-2022div" / "buurten.geojson")
    drawn = buurt_shapes.from_sources(root)
    print(f"read sources: {time.perf_counter() - started:.1f} s")

    # Floor: the same code on both divisions (DH, R, U): the re-estimation, not the harmonisation.
    floor = values.merge(reference, on="code").dropna(subset=["waarde", "referentie"])
    floor = floor[floor["code"].str.startswith("BU") & ~floor["code"].str.startswith("BU0363")]
    print("\n== vloer: zelfde buurtcode, 50090NED 2020 tegen 50150NED 2020 (Den Haag, Rotterdam, Utrecht)")
    print(f"{'gemeente':<10} {'n':>4} {'MAE':>5} {'P90':>5} {'<=2pt':>6}")
    for gemeente, group in floor.groupby(floor["code"].str[2:6]):
        print(_line(GEMEENTEN["GM" + gemeente], (group["waarde"] - group["referentie"]).abs()))

    started = time.perf_counter()
    buurt_values = values[values["code"].str.startswith("BU")]
    targets = pd.concat(
        [amsterdam_2024[["code", "geometry"]], drawn.shapes[["code", "geometry"]]], ignore_index=True
    )
    cw_buurt = harmonise.crosswalk(buurten_2020[["code", "geometry"]], targets)
    carried_buurt = harmonise.carry(buurt_values, cw_buurt)
    cw_wijk = harmonise.crosswalk(wijken_2020, wijken_2024[["code", "geometry"]])
    carried_wijk = harmonise.carry(values[values["code"].str.startswith("WK")], cw_wijk)
    print(f"harmonise (overlay + carry, buurten and wijken): {time.perf_counter() - started:.1f} s")
    print(f"slivers dropped: buurten {len(cw_buurt.slivers)}, wijken {len(cw_wijk.slivers)}")

    error_table(carried_buurt, reference, "2024 buurten, geschat uit buurten 2020 (ervaren gezondheid 18+, 2020)")

    print("\n== 2024 wijken, geschat uit wijken 2020 (geen referentie: woonikveilig heeft geen wijkcijfers)")
    carried_wijk["gemeentecode"] = "GM" + carried_wijk["code"].str[2:6]
    for gemeente, group in carried_wijk.groupby("gemeentecode"):
        method = group["methode"].value_counts()
        quality = group["kwaliteit"].value_counts()
        print(
            f"{GEMEENTEN[gemeente]:<10} n {len(group):>3}  ongewijzigd {method.get('ongewijzigd', 0):>3}"
            f"  omgerekend {method.get('omgerekend', 0):>3}  geen {method.get('geen', 0):>2}"
            f"  kwaliteit {quality.get('goed', 0)}/{quality.get('matig', 0)}/{quality.get('slecht', 0)}"
        )
        for _, row in group[group["kwaliteit"] == "slecht"].iterrows():
            print(f"    {row['code']} slecht: {row['reden']}")
    from_buurten = harmonise.carry(buurt_values, harmonise.crosswalk(buurten_2020[["code", "geometry"]],
                                                                    wijken_2024[["code", "geometry"]]))
    print("alternatief: 2024 wijken geschat uit buurten 2020 (kwaliteit goed/matig/slecht):")
    for gemeente, group in from_buurten.groupby("GM" + from_buurten["code"].str[2:6]):
        quality = group["kwaliteit"].value_counts()
        counts = "/".join(str(quality.get(k, 0)) for k in ("goed", "matig", "slecht"))
        print(f"  {GEMEENTEN[gemeente]:<10} {counts}")
    print("(Amsterdam WK0363S*: Weesp, sinds 2022 bij Amsterdam; de 2020-cijfers staan onder GM0457, dat de"
          " G4-lezer niet meeneemt)")

    print("\n== buurtvormen 2024 (Den Haag, Rotterdam, Utrecht)")
    print(buurt_shapes.summary(drawn.report).to_string(index=False))


if __name__ == "__main__":
    main()
