"""Read and write the local store (DESIGN.md section 3).

Files: ``gebieden.parquet`` (GeoParquet, EPSG:4326), ``indicatoren.parquet``, ``indicatoren_meta.parquet``,
``bronnen.parquet``, ``indicatoren_kwaliteit.parquet`` and ``build.json``.

``indicatoren_kwaliteit.parquet`` holds the quality of every *derived* figure, keyed like ``indicatoren``
(``code``, ``indeling``, ``jaar``, ``indicator``, ``bron``): today the 2020-division health figures carried onto
the 2024 division (``bron`` ``rivm_50090NED_omgerekend``). Columns (:data:`KWALITEIT_COLUMNS`): ``dekking``
(share of the area covered by old areas with a value, 0-1), ``grootste_bron_aandeel`` (share covered by the
largest of them, 0-1), ``grootste_bron_binnen`` (share of that old area lying inside, 0-1; low for a part of a
split area), ``n_bronnen`` (old areas used), ``methode`` (``ongewijzigd`` | ``omgerekend`` | ``geen``),
``bronniveau`` (``gemeente 2020`` | ``wijk 2020`` | ``buurt 2020`` | empty: what the value was carried from),
``kwaliteit``
(``goed`` | ``matig`` | ``slecht`` | ``geen``: no value) and ``reden`` (Dutch; why not ``goed``, or why no
value). Every figure of that source has exactly one row here, also when its value is NaN, and every 2024 gemeente,
wijk and buurt of the four cities has rows, so a reader can say why a figure is missing. A separate file, not extra
columns of ``indicatoren``: the columns mean nothing for the other 95 % of the figures, and readers that do not
show quality are unaffected. Join it on (code, indeling, jaar, indicator); figures without a row are primary
figures (no derivation). A write first puts every file in a temporary folder inside the store
folder; only when all are written does it remove ``build.json`` and move the files into place with
``os.replace``, ``build.json`` last. A build that fails before that point (a bad source, a validation error, a
full disk while writing the temporary files) leaves the previous store untouched; a crash during the final
renames leaves a store without ``build.json``, which readers treat as incomplete, never a mix of two builds.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from kbz_data.errors import KbzStoreError

GEBIEDEN = "gebieden.parquet"
INDICATOREN = "indicatoren.parquet"
META = "indicatoren_meta.parquet"
BRONNEN = "bronnen.parquet"
KWALITEIT = "indicatoren_kwaliteit.parquet"
BUILD_INFO = "build.json"
FILES: tuple[str, ...] = (GEBIEDEN, INDICATOREN, META, BRONNEN, KWALITEIT, BUILD_INFO)
#: Columns of ``indicatoren_kwaliteit.parquet``.
KWALITEIT_COLUMNS: list[str] = [
    "code", "indeling", "jaar", "indicator", "bron", "dekking", "grootste_bron_aandeel", "grootste_bron_binnen",
    "n_bronnen", "methode", "bronniveau", "kwaliteit", "reden",
]


def empty_kwaliteit() -> pd.DataFrame:
    """An empty quality table with the store's dtypes."""
    return kwaliteit_frame(pd.DataFrame({c: [] for c in KWALITEIT_COLUMNS}))


def kwaliteit_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the columns and dtypes of ``indicatoren_kwaliteit.parquet``."""
    return frame[KWALITEIT_COLUMNS].astype(
        {"code": "string", "indeling": "int16", "jaar": "int16", "indicator": "string", "bron": "string",
         "dekking": "float64", "grootste_bron_aandeel": "float64", "grootste_bron_binnen": "float64",
         "n_bronnen": "int16", "methode": "string", "bronniveau": "string", "kwaliteit": "string",
         "reden": "string"}
    ).reset_index(drop=True)


def exists(store_dir: str | Path) -> bool:
    """True when the folder holds a complete store (all files, ``build.json`` written last)."""
    store_dir = Path(store_dir)
    return all((store_dir / name).is_file() for name in FILES)


def write(
    store_dir: str | Path,
    gebieden: gpd.GeoDataFrame,
    indicatoren: pd.DataFrame,
    meta: pd.DataFrame,
    bronnen: pd.DataFrame,
    build_info: dict[str, Any],
    kwaliteit: pd.DataFrame | None = None,
) -> None:
    """Write the store atomically per file, ``build.json`` last (``kwaliteit`` None: an empty quality table).

    Raises
    ------
    KbzStoreError
        When the folder cannot be created or written.
    """
    store_dir = Path(store_dir)
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=store_dir))
    except OSError as exc:
        raise KbzStoreError(f"kan de opslagmap {store_dir} niet aanmaken: {exc.strerror}") from exc
    try:
        gebieden.to_parquet(tmp / GEBIEDEN, index=False)
        indicatoren.to_parquet(tmp / INDICATOREN, index=False)
        meta.to_parquet(tmp / META, index=False)
        bronnen.to_parquet(tmp / BRONNEN, index=False)
        (empty_kwaliteit() if kwaliteit is None else kwaliteit).to_parquet(tmp / KWALITEIT, index=False)
        (tmp / BUILD_INFO).write_text(json.dumps(build_info, indent=2, ensure_ascii=False), encoding="utf-8")
        # Commit: first mark the store incomplete (no build.json), then move the new files in, build.json last.
        # A crash between these renames leaves a store that readers report as incomplete (rebuild it), never a
        # silent mix of two builds.
        (store_dir / BUILD_INFO).unlink(missing_ok=True)
        for name in FILES:
            os.replace(tmp / name, store_dir / name)
    except OSError as exc:
        raise KbzStoreError(f"kan de opslag in {store_dir} niet schrijven: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _require(store_dir: Path, name: str) -> Path:
    path = store_dir / name
    if not exists(store_dir):
        raise KbzStoreError(
            f"geen (volledige) opslag in {store_dir}: bouw die eerst met 'python -m kbz_data build'"
        )
    return path


def read_gebieden(store_dir: str | Path) -> gpd.GeoDataFrame:
    """All areas of every division, with (display-simplified) geometry where available."""
    path = _require(Path(store_dir), GEBIEDEN)
    try:
        return gpd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise KbzStoreError(f"{path} is onleesbaar: {exc}") from exc


def read_table(store_dir: str | Path, name: str) -> pd.DataFrame:
    """One of the plain Parquet tables (``indicatoren``, ``indicatoren_meta``, ``bronnen``, ``kwaliteit``)."""
    path = _require(Path(store_dir), name)
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise KbzStoreError(f"{path} is onleesbaar: {exc}") from exc


def read_indicatoren(store_dir: str | Path) -> pd.DataFrame:
    """All figures, long format."""
    return read_table(store_dir, INDICATOREN)


def read_meta(store_dir: str | Path) -> pd.DataFrame:
    """The indicator registry as stored."""
    return read_table(store_dir, META)


def read_bronnen(store_dir: str | Path) -> pd.DataFrame:
    """The source registry as stored."""
    return read_table(store_dir, BRONNEN)


def read_kwaliteit(store_dir: str | Path) -> pd.DataFrame:
    """The quality of every derived figure (see the module docstring)."""
    return read_table(store_dir, KWALITEIT)


def read_build_info(store_dir: str | Path) -> dict[str, Any]:
    """``build.json``: when and from which files the store was built."""
    path = _require(Path(store_dir), BUILD_INFO)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KbzStoreError(f"{path} is onleesbaar: {exc}") from exc


@dataclass(frozen=True)
class StoreData:
    """The whole store in memory (a few MB); shared between sessions, never mutated.

    ``kwaliteit`` is ``indicatoren_kwaliteit.parquet`` (quality of derived figures; see the module docstring).
    ``memo`` holds results derived from these tables that never change with the view (e.g. the GeoJSON of a
    city's areas, :func:`kbz_data.analysis.area_data.shapes`), made once per loaded store; read-only like the rest.
    """

    gebieden: gpd.GeoDataFrame
    figures: pd.DataFrame
    meta: pd.DataFrame
    bronnen: pd.DataFrame
    build_info: dict[str, Any]
    kwaliteit: pd.DataFrame = field(default_factory=empty_kwaliteit)
    memo: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)


def load(store_dir: str | Path) -> StoreData:
    """Read every store file once."""
    figures = read_indicatoren(store_dir)
    return StoreData(
        gebieden=read_gebieden(store_dir),
        figures=figures,
        meta=read_meta(store_dir).set_index("indicator", drop=False),
        bronnen=read_bronnen(store_dir).set_index("id", drop=False),
        build_info=read_build_info(store_dir),
        kwaliteit=read_kwaliteit(store_dir),
    )
