"""The committed data snapshot (``data/snapshot/``): the store built from the public sources, deterministically.

``make(sources_dir, out_dir)`` runs the normal build into a temporary folder, then writes the same frames again
with a stable row order and fixed Parquet settings (zstd, one row group, no wall clock anywhere), a
``build.json`` that records every input file with its sha256, publisher and licence, and a ``LEESMIJ.md``.
Same sources give the same bytes. The date of the snapshot is kept from the existing snapshot while its input
files are unchanged, so a rebuild from the same files changes nothing.

``compare(expected_dir, actual_dir)`` names every difference (file, column, code, value or geometry); the
snapshot test uses it to fail when the committed snapshot is not what the pipeline makes.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kbz_data.indicators import BRONNEN
from kbz_data.store import storage
from kbz_data.store.locate import SNAPSHOT_DIR

README = "LEESMIJ.md"
#: Parquet settings of the snapshot: fixed so the bytes only depend on the data.
PARQUET_OPTIONS: dict[str, Any] = {"index": False, "compression": "zstd", "compression_level": 9,
                                   "row_group_size": 1_000_000}
#: Row order of each table.
SORT_KEYS: dict[str, list[str]] = {
    storage.GEBIEDEN: ["indeling", "niveau", "code"],
    storage.INDICATOREN: ["code", "indeling", "jaar", "indicator"],
    storage.META: ["indicator"],
    storage.BRONNEN: ["id"],
    storage.KWALITEIT: ["code", "indeling", "jaar", "indicator"],
}
#: build.json keys not compared: package versions say how, not what.
UNCOMPARED = ("versies",)

Progress = Callable[[float, str], None]


def bron_of_kind(kind: str) -> str:
    """The source id (:data:`kbz_data.indicators.BRONNEN`) of a file kind the build reports."""
    if kind.startswith(("rivm_50090NED", "odata_50090NED")):
        return "rivm_50090NED"
    if kind.startswith(("odata_85984NED", "kwb_codes", "kwb_origin")):
        return "cbs_85984NED"
    if kind.startswith(("ses_", "odata_85163NED")):
        return "cbs_85163NED"
    if kind.startswith("cbs_kwb_"):
        return "cbs_kwb_xlsx"
    if kind.startswith("pdok_"):
        return "pdok_wijkenbuurten"
    if kind.startswith("cbs_buurten_2019"):
        return "cbs_buurten_2019_topojson"
    if kind.startswith("amsterdam_"):
        return "amsterdam_gebieden"
    if kind.startswith("woonikveilig"):
        return "woonikveilig_kwb2024"
    if kind.startswith("elan_"):
        return "elan_denhaag"
    return ""


def _file_entry(item: dict[str, Any]) -> dict[str, Any]:
    bron = BRONNEN.get(bron_of_kind(str(item["kind"])))
    return {
        "path": item["path"], "kind": item["kind"], "sha256": item["sha256"], "bytes": item["bytes"],
        "bron": bron.id if bron else "onbekend",
        "uitgever": bron.uitgever if bron else "onbekend",
        "licentie": bron.licentie if bron else "onbekend",
    }


def _licence_lines(files: list[dict[str, Any]], derived: tuple[str, ...] = ()) -> list[str]:
    """Attribution of every source a file stands for, plus ``derived`` sources (figures the build made or that a
    file holds besides its main source, e.g. the 50150NED health trend in the woonikveilig files)."""
    used = sorted({f["bron"] for f in files if f["bron"] in BRONNEN} | {b for b in derived if b in BRONNEN})
    return [BRONNEN[b].bronvermelding for b in used]


def _sorted(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    keys = SORT_KEYS[name]
    out = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    return out


def _previous_date(out_dir: Path, files: list[dict[str, Any]]) -> str | None:
    """The snapshot date in ``out_dir`` when it was made from exactly these files."""
    try:
        info = json.loads((out_dir / storage.BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = [(f["path"], f["sha256"]) for f in info.get("bestanden", [])] == [(f["path"], f["sha256"]) for f in files]
    snapshot = info.get("momentopname")
    return snapshot.get("datum") if same and isinstance(snapshot, dict) else None


def build_info(raw: dict[str, Any], datum: str, bronnen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The snapshot's ``build.json`` from a normal build's: no wall clock, no absolute path, publishers added.

    ``bronnen``: every source id that occurs in the figures, so derived sources are credited too.
    """
    files = [_file_entry(item) for item in raw["bestanden"]]
    return {
        "gebouwd": datum,
        "momentopname": {"datum": datum, "map": "data/snapshot",
                         "ververst_met": "python -m kbz_data snapshot --sources DIR"},
        "bronmap": "bronbestanden (niet meegeleverd; zie bestanden)",
        "bestanden": files,
        "licenties": _licence_lines(files, bronnen),
        "overgeslagen": raw["overgeslagen"],
        "opmerkingen": raw["opmerkingen"],
        "aantallen": raw["aantallen"],
        "omgerekend": raw.get("omgerekend", {}),
        "versies": raw["versies"],
    }


def readme(info: dict[str, Any], sizes: dict[str, int]) -> str:
    """``LEESMIJ.md`` of the snapshot (Dutch)."""
    lines = [
        "# Momentopname van de gegevensopslag",
        "",
        f"Deze map is de gegevensopslag van het KBZ wijkdashboard, gebouwd op {info['momentopname']['datum']}",
        "door de eigen pijplijn van het project (`python -m kbz_data snapshot`) uit openbare bronbestanden. Het",
        "dashboard gebruikt deze map als er geen gebouwde opslag (`$KBZ_STORE`, `data/store/`) en geen bronmap is,",
        "zodat een nieuwe kloon meteen echte cijfers toont, zonder netwerk. De map wordt alleen gelezen, nooit",
        "beschreven; praktijkuploads komen in `data/local/` (of `$KBZ_DATA_DIR`).",
        "",
        "## Inhoud",
        "",
    ]
    for name in (storage.GEBIEDEN, storage.INDICATOREN, storage.KWALITEIT, storage.META, storage.BRONNEN,
                 storage.BUILD_INFO):
        what = {
            storage.GEBIEDEN: "gebieden per gebiedsindeling met vereenvoudigde kaartvormen (GeoParquet, EPSG:4326)",
            storage.INDICATOREN: "alle cijfers in lang formaat (code, indeling, jaar, indicator, waarde, bron)",
            storage.META: "de indicatoren: label, eenheid, domein, richting, bron, definitie",
            storage.BRONNEN: "de bronnen met uitgever, tabel, licentie en bronvermelding",
            storage.KWALITEIT: "kwaliteit van elk afgeleid cijfer (gezondheid omgerekend uit indeling 2020):"
                               " dekking, methode, kwaliteit en reden",
            storage.BUILD_INFO: "waaruit gebouwd: elk bronbestand met sha256, uitgever en licentie; aantallen",
        }[name]
        lines.append(f"- `{name}` ({sizes[name] / 1024:.0f} kB): {what}")
    lines += [
        "",
        f"Samen {sum(sizes.values()) / 1024:.0f} kB. Ruwe bronbestanden zitten niet in de repository.",
        "",
        "## Bronnen en licentie",
        "",
        "Cijfers en kaartvormen komen uit open data; vermeld bij hergebruik de bron:",
        "",
    ]
    lines += [f"- {line}" for line in info["licenties"]]
    lines += [
        "",
        "CBS-, RIVM- en PDOK-gegevens vallen onder Creative Commons Naamsvermelding 4.0 (CC BY 4.0):",
        "hergebruik en herverspreiding mogen, met naamsvermelding zoals hierboven. De Amsterdamse buurtgrenzen",
        "zijn open data van de Gemeente Amsterdam (data.amsterdam.nl). Elk bronbestand staat met sha256, uitgever",
        "en licentie in `build.json`.",
        "",
        "## Verversen",
        "",
        "```bash",
        "python -m kbz_data download --sources data/sources   # CBS OData en PDOK WFS (netwerk nodig)",
        "python -m kbz_data snapshot --sources data/sources   # bouwt deze map opnieuw, deterministisch",
        "```",
        "",
        "Dezelfde bronbestanden geven dezelfde bytes. De test `tests/test_snapshot.py` bouwt de momentopname",
        "opnieuw als `KBZ_SOURCES` is gezet en noemt elk verschil met deze map.",
        "",
    ]
    return "\n".join(lines)


def make(
    sources_dir: str | Path,
    out_dir: str | Path = SNAPSHOT_DIR,
    datum: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Build the snapshot from the raw sources into ``out_dir``.

    Parameters
    ----------
    sources_dir
        Raw sources folder (as for :func:`kbz_data.store.build.build`).
    out_dir
        Snapshot folder; ``data/snapshot`` by default. Its files are replaced one by one, ``build.json`` last.
    datum
        Date of the snapshot (``YYYY-MM-DD``); when None, the date already in ``out_dir`` if its input files
        are the same, else today (UTC).
    progress
        ``(fraction, message)`` callback of the build.

    Returns
    -------
    dict
        The snapshot's ``build.json``.

    Raises
    ------
    KbzDataError
        As :func:`kbz_data.store.build.build`, or when ``out_dir`` cannot be written.
    """
    from kbz_data.store.build import build

    out_dir = Path(out_dir)
    work = Path(tempfile.mkdtemp(prefix="kbz-snapshot-"))
    try:
        build(sources_dir, work / "store", progress=progress)
        data = storage.load(work / "store")
        raw = data.build_info
        files = [_file_entry(item) for item in raw["bestanden"]]
        datum = datum or _previous_date(out_dir, files) or datetime.now(UTC).date().isoformat()
        info = build_info(raw, datum, tuple(sorted(data.figures["bron"].dropna().unique())))
        stage = work / "snapshot"
        stage.mkdir()
        _sorted(data.gebieden, storage.GEBIEDEN).to_parquet(stage / storage.GEBIEDEN, **PARQUET_OPTIONS)
        for name, frame in ((storage.INDICATOREN, data.figures), (storage.META, data.meta),
                            (storage.BRONNEN, data.bronnen), (storage.KWALITEIT, data.kwaliteit)):
            _sorted(frame.reset_index(drop=True), name).to_parquet(stage / name, **PARQUET_OPTIONS)
        (stage / storage.BUILD_INFO).write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
        sizes = {name: (stage / name).stat().st_size for name in storage.FILES}
        (stage / README).write_text(readme(info, sizes), encoding="utf-8")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / storage.BUILD_INFO).unlink(missing_ok=True)
            for name in (*[n for n in storage.FILES if n != storage.BUILD_INFO], README, storage.BUILD_INFO):
                shutil.copyfile(stage / name, out_dir / f".{name}.tmp")
                os.replace(out_dir / f".{name}.tmp", out_dir / name)
        except OSError as exc:
            from kbz_data.errors import KbzStoreError

            raise KbzStoreError(f"kan de momentopname niet schrijven: {exc.strerror or exc}") from exc
        return info
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- comparison ---------------------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if a is None or b is None or a is pd.NA or b is pd.NA:
        return (a is None or a is pd.NA) and (b is None or b is pd.NA)
    return bool(a == b)


def _value(v: Any) -> Any:
    if v is pd.NA or v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return float("nan")
    return v.item() if hasattr(v, "item") else v


def _compare_table(name: str, expected: pd.DataFrame, actual: pd.DataFrame, limit: int) -> list[str]:
    keys = SORT_KEYS[name]
    out: list[str] = []
    if list(expected.columns) != list(actual.columns):
        return [f"{name}: kolommen {list(expected.columns)} in de momentopname, {list(actual.columns)} uit de"
                " pijplijn"]
    left = expected.set_index(keys)
    right = actual.set_index(keys)
    only_left = left.index.difference(right.index)
    only_right = right.index.difference(left.index)
    for label, index in (("alleen in de momentopname", only_left), ("alleen uit de pijplijn", only_right)):
        if len(index):
            shown = ", ".join(str(k) for k in list(index)[:limit])
            out.append(f"{name}: {len(index)} rijen {label} ({'/'.join(keys)}): {shown}")
    common = left.index.intersection(right.index)
    left, right = left.loc[common], right.loc[common]
    for column in left.columns:
        if column == "geometry":
            a, b = gpd.GeoSeries(left[column]), gpd.GeoSeries(right[column])
            both_missing = a.isna().to_numpy() & b.isna().to_numpy()
            equal = a.geom_equals_exact(b, tolerance=0).fillna(False).to_numpy() | both_missing
            for key in list(common[~equal])[:limit]:
                out.append(f"{name}: geometrie van {key} verschilt")
            if (~equal).sum() > limit:
                out.append(f"{name}: ... en nog {int((~equal).sum()) - limit} geometrieën")
            continue
        differ = [(k, _value(x), _value(y)) for k, x, y in zip(common, left[column], right[column], strict=True)
                  if not _same(_value(x), _value(y))]
        for key, x, y in differ[:limit]:
            out.append(f"{name}: kolom {column}, {'/'.join(keys)} {key}: {x!r} in de momentopname, {y!r} uit de"
                       " pijplijn")
        if len(differ) > limit:
            out.append(f"{name}: kolom {column}: ... en nog {len(differ) - limit} verschillen")
    return out


def compare(expected_dir: str | Path, actual_dir: str | Path, limit: int = 10) -> list[str]:
    """Every difference between two snapshots, as readable lines (empty when they hold the same data).

    Parquet tables are compared by value per key (code, indeling, ...), geometries exactly; ``build.json`` per
    key except :data:`UNCOMPARED`; ``LEESMIJ.md`` only has to exist (it states file sizes, which depend on the
    Parquet writer version).
    """
    expected_dir, actual_dir = Path(expected_dir), Path(actual_dir)
    out: list[str] = []
    for name in (*storage.FILES, README):
        for label, folder in (("de momentopname", expected_dir), ("de pijplijn", actual_dir)):
            if not (folder / name).is_file():
                out.append(f"{name}: ontbreekt in {label}")
    if out:
        return out
    out += _compare_table(storage.GEBIEDEN, gpd.read_parquet(expected_dir / storage.GEBIEDEN),
                          gpd.read_parquet(actual_dir / storage.GEBIEDEN), limit)
    for name in (storage.INDICATOREN, storage.META, storage.BRONNEN, storage.KWALITEIT):
        out += _compare_table(name, pd.read_parquet(expected_dir / name), pd.read_parquet(actual_dir / name), limit)
    left = json.loads((expected_dir / storage.BUILD_INFO).read_text(encoding="utf-8"))
    right = json.loads((actual_dir / storage.BUILD_INFO).read_text(encoding="utf-8"))
    for key in sorted(set(left) | set(right)):
        if key not in UNCOMPARED and left.get(key) != right.get(key):
            out.append(f"{storage.BUILD_INFO}: {key} verschilt: {json.dumps(left.get(key), ensure_ascii=False)[:300]}"
                       f" in de momentopname, {json.dumps(right.get(key), ensure_ascii=False)[:300]} uit de pijplijn")
    return out
