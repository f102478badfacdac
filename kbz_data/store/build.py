"""Build the local store from whatever raw sources are present.

``build(sources_dir, store_dir)`` walks the sources folder, recognises each file by its content (not by its
folder name), reads it with the reader for its format, combines the canonical frames, validates them and writes
the store atomically. It reports what it used, what it skipped and why, and how many areas and figures each
division and level got. Files whose names start with ``derived_`` are skipped on purpose: the pipeline derives
what it needs itself.

When several sources give the same figure (same code, indeling, jaar and indicator) the one highest in
:data:`BRON_PRIORITY` is kept; the build counts how often the sources disagreed.
"""

from __future__ import annotations

import hashlib
import platform
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kbz_data import indicators
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError, KbzSourceError, KbzValidationError
from kbz_data.sources import elan, geometry, kwb, odata, rivm, ses_woa, statline, woonikveilig
from kbz_data.store import canonical, harmonised, shapes, storage
from kbz_data.store.checks import check_figures, check_gebieden, check_kwaliteit
from kbz_data.text import fmt_number

Progress = Callable[[float, str], None]

#: Which source wins when several give the same figure (first wins).
BRON_PRIORITY: list[str] = [
    "cbs_85984NED", "rivm_50090NED", "cbs_85163NED", "pdok_wijkenbuurten", "cbs_kwb_xlsx", "woonikveilig_kwb2024",
    "woonikveilig_50150NED", "elan_denhaag",
]
#: Which source's area names win (first wins); geometry sources come after the statistical tables.
NAME_PRIORITY: list[str] = [
    "cbs_85984NED", "cbs_85163NED", "pdok_wijkenbuurten", "cbs_kwb_xlsx", "woonikveilig_kwb2024",
    "amsterdam_gebieden", "odata",
]
#: Sources whose area names are never used: ELAN writes "Wijk Wijk 38 ..." and would hide the CBS name that the
#: build otherwise borrows from the same code in another division.
NAMES_IGNORED: frozenset[str] = frozenset({"elan_denhaag"})
#: Display simplification tolerance in metres (RD New) per niveau.
TOLERANCE_M: dict[str, float] = dict(shapes.DISPLAY_TOLERANCE_M)
#: Names CBS gives to areas that are water only; they get no colour on maps.
WATER_NAMES: frozenset[str] = frozenset({"Groot water"})
#: Areas with fewer inhabitants than this (CBS KWB, same division) are water, port or business areas whose rates
#: mean nothing; maps show them as "geen woongebied" and leave them out of ranks and averages.
MIN_INWONERS: dict[str, int] = {"wijk": 200, "buurt": 50}
#: Division year that the 2019 buurt TopoJSON stands for (the G4 code sets of 2019 and 2020 are identical).
TOPOJSON_INDELING = 2020


@dataclass
class SourceFile:
    """A recognised raw file."""

    path: Path
    kind: str


@dataclass
class BuildReport:
    """What a build used, skipped and produced."""

    used: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: list[dict[str, Any]] = field(default_factory=list)
    harmonised: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The report as readable lines (Dutch)."""
        out = ["Gebruikte bronbestanden:"]
        out += [f"  + {u['path']} ({u['kind']})" for u in self.used]
        if self.skipped:
            out.append("Overgeslagen:")
            out += [f"  - {s['path']}: {s['reason']}" for s in self.skipped]
        out.append("Opmerkingen:")
        out += [f"  * {n}" for n in self.notes]
        out.append("Opgeslagen (indeling, niveau, gemeente: gebieden / met geometrie / waarden):")
        for c in self.counts:
            out.append(
                f"  {c['indeling']} {c['niveau']:<8} {c['gemeente']:<10} {c['gebieden']:>4} / {c['met_geometrie']:>4}"
                f" / {c['waarden']:>6}"
            )
        out.append(f"Klaar in {fmt_number(self.seconds, 1)} s")
        return out


def _noop(_fraction: float, _message: str) -> None:
    return None


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _first_line(path: Path) -> str:
    with path.open("rb") as handle:
        return handle.readline(65536).decode("utf-8-sig", errors="replace")


def discover(sources_dir: Path) -> tuple[list[SourceFile], list[dict[str, str]]]:
    """Recognise every file under ``sources_dir`` by content; return (recognised, skipped with reason)."""
    found: list[SourceFile] = []
    skipped: list[dict[str, str]] = []
    for path in sorted(p for p in sources_dir.rglob("*") if p.is_file()):
        rel = str(path.relative_to(sources_dir))
        name = path.name.lower()
        if name.startswith("derived_"):
            skipped.append({"path": rel, "reason": "afgeleid bestand (derived_); de pijplijn leidt zelf af"})
            continue
        suffix = path.suffix.lower()
        kind: str | None = None
        if suffix == ".xlsx":
            kind = "xlsx"
        elif suffix == ".csv":
            header = _first_line(path)
            if "SES-WOA/" in header:
                kind = "ses_csv"
            elif kwb.CODE in header and kwb.INWONERS in header:
                kind = "kwb_codes_csv"
            elif "Herkomstland" in header and kwb.CODE not in header:
                kind = "kwb_origin_csv"
            else:
                kind = elan.kind_of_header(header)
        elif suffix in (".json", ".geojson", ".topojson"):
            if odata.is_odata_file(path):
                kind = "odata_json"
            else:
                kind = geometry.sniff(path)
                if kind is None and _looks_like_woonikveilig(path):
                    kind = "woonikveilig_json"
        if kind is None:
            reason = "geen bekend bronformaat" if suffix not in (".md", ".txt") else "documentatie"
            if suffix == ".csv":
                reason = "CSV met onbekende kolommen (geen StatLine-export die de build kent)"
            skipped.append({"path": rel, "reason": reason})
        else:
            found.append(SourceFile(path, kind))
    return found, skipped


def _looks_like_woonikveilig(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace")
    return '"schemaVersion"' in head and '"demografie"' in head


def _year_from_name(path: Path) -> int | None:
    match = re.search(r"(20\d\d)", path.name)
    return int(match.group(1)) if match else None


@dataclass
class _Collected:
    figures: list[pd.DataFrame] = field(default_factory=list)
    areas: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    layers: list[tuple[int, str, str, gpd.GeoDataFrame]] = field(default_factory=list)  # indeling, niveau, bron, gdf
    notes: list[str] = field(default_factory=list)
    #: 2020-division figures and buurt shapes of Weesp (GM0457): carried onto Amsterdam 2024, not stored.
    weesp_figures: list[pd.DataFrame] = field(default_factory=list)
    weesp_buurten: list[gpd.GeoDataFrame] = field(default_factory=list)
    #: CBS division-change code per 2024 area (KWB 2024 export with codes).
    division_changes: dict[str, str] = field(default_factory=dict)

    def add(self, result: canonical.SourceResult, bron: str, path: Path) -> None:
        """Take one source's result after validating it on its own, so every problem names its file."""
        problems = check_figures(result.figures)
        if problems:
            raise KbzValidationError(str(path), problems)
        self.figures.append(result.figures)
        if not result.areas.empty:
            self.areas.append((bron, result.areas))
        self.notes.extend(result.notes)


def _read_tables(files: list[SourceFile], collected: _Collected, report: BuildReport, progress: Progress) -> None:
    """Read the statistical sources into ``collected``."""
    kwb_codes = [f for f in files if f.kind == "kwb_codes_csv"]
    kwb_origin = [f for f in files if f.kind == "kwb_origin_csv"]
    for index, source in enumerate(files):
        progress(0.05 + 0.45 * index / max(len(files), 1), f"Lezen: {source.path.name}")
        kind = source.kind
        if kind == "xlsx":
            frame = statline.read_xlsx(source.path)
            if rivm.is_rivm_frame(frame):
                collected.add(rivm.figures(frame, source.path), rivm.BRON, source.path)
                collected.weesp_figures.append(rivm.figures(frame, source.path, (harmonised.WEESP,)).figures)
                kind = "rivm_50090NED_xlsx"
            elif kwb.is_kwb_xlsx_frame(frame):
                year = kwb.xlsx_year(source.path, None)
                collected.add(kwb.xlsx_figures(frame, source.path, year), kwb.BRON_XLSX, source.path)
                kind = f"cbs_kwb_{year}_xlsx"
            else:
                report.skipped.append(
                    {"path": source.path.name, "reason": "XLSX met onbekende kolommen: " + ", ".join(frame.columns[:6])}
                )
                continue
        elif kind == "ses_csv":
            collected.add(ses_woa.figures(statline.read_csv(source.path), source.path), ses_woa.BRON, source.path)
        elif kind == "kwb_codes_csv":
            codes = statline.read_csv(source.path)
            collected.division_changes.update(kwb.division_changes(codes, source.path).to_dict())
            origin_file = _matching_origin(codes, kwb_origin)
            origin = statline.read_csv(origin_file.path) if origin_file else None
            collected.add(
                kwb.statline_figures(codes, source.path, origin, origin_file.path if origin_file else None),
                kwb.BRON_STATLINE, source.path,
            )
            if origin_file:
                report.used.append(_used(origin_file, "kwb_origin_csv"))
        elif kind == "kwb_origin_csv":
            if not kwb_codes:
                report.skipped.append({"path": source.path.name, "reason": "85984NED-export zonder codes en zonder"
                                       " bijbehorend bestand met codes"})
            continue  # read together with its codes file
        elif kind == "woonikveilig_json":
            collected.add(woonikveilig.figures(source.path), woonikveilig.BRON, source.path)
        elif kind in ("elan_count_csv", "elan_numeric_csv"):
            collected.add(elan.figures(source.path), elan.BRON, source.path)
        elif kind == "odata_json":
            kind = _read_odata(source, collected)
            if kind is None:
                report.skipped.append({"path": source.path.name, "reason": "OData-tabel die de build niet gebruikt"})
                continue
        else:
            continue  # geometry, read later
        report.used.append(_used(SourceFile(source.path, kind), kind))


def _matching_origin(codes: pd.DataFrame, origins: list[SourceFile]) -> SourceFile | None:
    """The origin export with the same number of rows as the codes export (checked row by row later)."""
    for candidate in origins:
        with candidate.path.open("rb") as handle:
            rows = sum(1 for _ in handle) - 1
        if rows == len(codes):
            return candidate
    return None


def _read_odata(source: SourceFile, collected: _Collected) -> str | None:
    frame, meta = odata.read(source.path)
    table = str(meta.get("table", ""))
    if table == "50090NED":
        collected.add(rivm.figures(frame, source.path), rivm.BRON, source.path)
        collected.weesp_figures.append(rivm.figures(frame, source.path, (harmonised.WEESP,)).figures)
    elif table == "85984NED":
        collected.add(kwb.odata_figures(frame, meta, source.path), kwb.BRON_STATLINE, source.path)
    else:
        return None
    names = meta.get("names") or {}
    if names:
        codes = [c for c in names if c[:2] in ("GM", "WK", "BU") and c[2:6] in {g[2:] for g in GEMEENTEN}]
        indeling = 2020 if table in ("50090NED", "85163NED") else 2024
        collected.areas.append(("odata", canonical.areas_frame(codes, [names[c] for c in codes], indeling)))
    return f"odata_{table}"


def _used(source: SourceFile, kind: str) -> dict[str, Any]:
    return {"path": str(source.path), "kind": kind, "sha256": sha256(source.path), "bytes": source.path.stat().st_size}


#: wijkenbuurten attribute (canonical name from geometry.read_wijkenbuurten_geojson) -> indicator id.
PDOK_INDICATORS: dict[str, str] = {
    "inwoners": "inwoners", "pct_0_15": "pct_0_15", "pct_15_25": "pct_15_25", "pct_25_45": "pct_25_45",
    "pct_45_65": "pct_45_65", "pct_65plus": "pct_65plus", "huishoudens": "huishoudens",
    "bevolkingsdichtheid": "bevolkingsdichtheid", "woz_waarde": "woz_waarde", "pct_koopwoningen": "pct_koopwoningen",
    "inkomen_per_inwoner": "inkomen_per_inwoner", "afstand_huisarts": "afstand_huisarts",
}


def _read_geometry(files: list[SourceFile], collected: _Collected, report: BuildReport, progress: Progress) -> None:
    """Read every geometry source into layers (raw, not yet simplified)."""
    g4 = set(GEMEENTEN)
    for source in files:
        if source.kind == "topojson_buurten":
            progress(0.55, f"Geometrie: {source.path.name}")
            buurten = geometry.read_topojson_buurten(source.path, g4 | {harmonised.WEESP})
            weesp = buurten["gemeentecode"] == harmonised.WEESP
            collected.weesp_buurten.append(buurten[weesp])
            buurten = buurten[~weesp]
            collected.layers.append((TOPOJSON_INDELING, "buurt", "cbs_buurten_2019_topojson", buurten))
            report.used.append(_used(source, "cbs_buurten_2019_topojson"))
            collected.notes.append(
                f"{source.path.name}: {len(buurten)} G4-buurten (indeling 2019; voor de G4 gelijk aan indeling 2020),"
                " wijken en gemeenten daaruit samengevoegd"
            )
        elif source.kind == "wijkenbuurten":
            progress(0.6, f"Geometrie: {source.path.name}")
            year = _year_from_name(source.path)
            if year is None:
                raise KbzSourceError(source.path, "kan het jaar van de wijk- en buurtkaart niet afleiden uit de"
                                     " bestandsnaam (verwacht bijvoorbeeld wijken_2024.geojson)")
            layer = geometry.read_wijkenbuurten_geojson(source.path, g4)
            for niveau, part in layer.groupby("niveau"):
                collected.layers.append((year, str(niveau), "pdok_wijkenbuurten", part[["code", "geometry"]]))
            areas = canonical.areas_frame(layer["code"], layer["naam"], year)
            collected.areas.append(("pdok_wijkenbuurten", areas))
            present = {c: i for c, i in PDOK_INDICATORS.items() if c in layer.columns}
            parts = [
                canonical.figures_frame(layer["code"].to_numpy(), year, year, indicator,
                              pd.to_numeric(layer[column], errors="coerce").to_numpy(dtype="float64"),
                              "pdok_wijkenbuurten")
                for column, indicator in present.items()
            ]
            if parts:
                collected.figures.append(pd.concat(parts, ignore_index=True))
            report.used.append(_used(source, f"pdok_wijkenbuurten_{year}"))
            collected.notes.append(
                f"{source.path.name}: {len(layer)} G4-gebieden ({', '.join(sorted(layer['niveau'].unique()))}),"
                f" indeling {year}; kenmerken {', '.join(present.values()) or 'geen'}"
            )
        elif source.kind == "amsterdam_buurten":
            progress(0.65, f"Geometrie: {source.path.name}")
            buurten = geometry.read_amsterdam_buurten(source.path)
            collected.layers.append((2024, "buurt", "amsterdam_gebieden", buurten[["code", "geometry"]]))
            areas = canonical.areas_frame(buurten["code"], buurten["naam"], 2024)
            collected.areas.append(("amsterdam_gebieden", areas))
            report.used.append(_used(source, "amsterdam_gebieden_buurten"))
            collected.notes.append(
                f"{source.path.name}: {len(buurten)} Amsterdamse buurten (gebiedsindeling sinds 2022) opgeslagen als"
                " indeling 2024: hun CBS-codes zijn die van Kerncijfers wijken en buurten 2024"
            )


def _combine_figures(collected: _Collected, report: BuildReport) -> pd.DataFrame:
    """All figures, one per (code, indeling, jaar, indicator), the highest-priority source winning."""
    frames = [f for f in collected.figures if not f.empty]
    if not frames:
        return canonical.empty_figures()
    figures = pd.concat(frames, ignore_index=True)
    figures["_rank"] = figures["bron"].map({b: i for i, b in enumerate(BRON_PRIORITY)}).fillna(99)
    # A known value beats an unknown one from a higher-priority source.
    figures["_missing"] = figures["waarde"].isna()
    figures = figures.sort_values(["_missing", "_rank"], kind="stable")
    key = ["code", "indeling", "jaar", "indicator"]
    duplicated = figures.duplicated(key, keep="first")
    if duplicated.any():
        both = figures[figures.duplicated(key, keep=False) & figures["waarde"].notna()]
        spread = both.groupby(key)["waarde"].agg(lambda s: s.max() - s.min())
        tolerance = both.groupby(key)["waarde"].agg(lambda s: max(0.51, 0.01 * s.abs().max()))
        disagree = int((spread > tolerance).sum())
        report.notes.append(
            f"{int(duplicated.sum())} waarden kwamen uit meer dan één bron; de bron met de hoogste voorrang is"
            f" bewaard ({disagree} keer verschilden de bronnen meer dan afronding)"
        )
    figures = figures[~duplicated].drop(columns=["_rank", "_missing"])
    return figures.sort_values(key, kind="stable").reset_index(drop=True)


def _area_names(collected: _Collected) -> pd.DataFrame:
    """One name per (code, indeling), the highest-priority source winning."""
    frames = []
    for bron, areas in collected.areas:
        if bron not in NAMES_IGNORED:
            frames.append(areas.assign(_rank=NAME_PRIORITY.index(bron) if bron in NAME_PRIORITY else 99))
    if not frames:
        return canonical.areas_frame([], [], []).assign(_rank=0)
    names = pd.concat(frames, ignore_index=True)
    names = names[names["naam"].notna() & names["naam"].str.strip().ne("")]
    return names.sort_values("_rank", kind="stable").drop_duplicates(["code", "indeling"])


def _assemble_gebieden(
    collected: _Collected, layers: dict[tuple[int, str], gpd.GeoDataFrame], figures: pd.DataFrame,
    report: BuildReport, progress: Progress,
) -> gpd.GeoDataFrame:
    """Areas of every division: geometry layers, dissolved parents, names, and areas known only from figures."""
    parts = []
    for (indeling, niveau), gdf in sorted(layers.items()):
        progress(0.75, f"Vereenvoudigen: {niveau} indeling {indeling}")
        simplified = shapes.simplify_for_display(gdf, TOLERANCE_M[niveau])
        parts.append(simplified.assign(indeling=indeling))
    geometry_frame = (
        gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")
        if parts else gpd.GeoDataFrame({"code": [], "indeling": [], "geometriebron": []}, geometry=[], crs="EPSG:4326")
    )
    names = _area_names(collected)
    keys = pd.concat(
        [
            geometry_frame[["code", "indeling"]],
            names[["code", "indeling"]],
            figures[["code", "indeling"]].drop_duplicates(),
        ],
        ignore_index=True,
    ).drop_duplicates()
    keys = keys.astype({"code": "string", "indeling": "int16"})
    gebieden = keys.merge(names[["code", "indeling", "naam"]], on=["code", "indeling"], how="left")
    # Names missing in this division: borrow the name of the same code in another division, else the code.
    fallback = names.sort_values("indeling", ascending=False).drop_duplicates("code").set_index("code")["naam"]
    missing = gebieden["naam"].isna()
    gebieden.loc[missing, "naam"] = gebieden.loc[missing, "code"].map(fallback)
    borrowed = int(missing.sum() - gebieden["naam"].isna().sum())
    still = gebieden["naam"].isna()
    gebieden.loc[still, "naam"] = gebieden.loc[still, "code"].map(_code_name)
    if borrowed or still.any():
        report.notes.append(
            f"{borrowed} gebieden kregen de naam van dezelfde code uit een andere indeling; {int(still.sum())} alleen"
            " hun code (de bron gaf geen naam)"
        )
    gebieden["niveau"] = gebieden["code"].map(canonical.niveau_of)
    gebieden["gemeentecode"] = gebieden["code"].map(canonical.gemeentecode_of)
    gebieden["wijkcode"] = gebieden["code"].map(canonical.wijkcode_of)
    gebieden = gebieden.merge(
        geometry_frame[["code", "indeling", "geometriebron", "geometry"]].astype(
            {"code": "string", "indeling": "int16"}
        ),
        on=["code", "indeling"], how="left",
    )
    gebieden["water"] = _non_residential(gebieden, figures, report)
    gebieden = gebieden.astype(
        {"code": "string", "naam": "string", "niveau": "string", "gemeentecode": "string", "wijkcode": "string",
         "geometriebron": "string", "indeling": "int16"}
    )
    order = {"gemeente": 0, "wijk": 1, "buurt": 2}
    gebieden = gebieden.sort_values(
        ["indeling", "niveau", "code"], key=lambda s: s.map(order) if s.name == "niveau" else s
    ).reset_index(drop=True)
    return gpd.GeoDataFrame(
        gebieden[canonical.AREA_COLUMNS + ["water", "geometriebron", "geometry"]], geometry="geometry", crs="EPSG:4326"
    )


def _with_carried(figures: pd.DataFrame, carried: harmonised.Harmonised, report: BuildReport) -> pd.DataFrame:
    """The figures plus the carried health figures; the summary goes into the report."""
    report.harmonised = carried.summary
    report.notes.extend(harmonised.summary_lines(carried.summary))
    return pd.concat([figures, carried.figures], ignore_index=True).sort_values(
        ["code", "indeling", "jaar", "indicator"], kind="stable", ignore_index=True
    )


def _relative_paths(report: BuildReport, sources_dir: Path) -> Path:
    """Make the used files' paths relative to the sources folder (where they lie in it); return that folder."""
    sources_root = sources_dir.resolve()
    for item in report.used:
        path = Path(item["path"]).resolve()
        item["path"] = str(path.relative_to(sources_root)) if path.is_relative_to(sources_root) else str(path)
    return sources_root


def _non_residential(gebieden: pd.DataFrame, figures: pd.DataFrame, report: BuildReport) -> np.ndarray:
    """Water, port and business areas: named "Groot water", or fewer inhabitants than :data:`MIN_INWONERS`.

    The count comes from the same division. A division without population figures (2020) borrows the flag of
    the area with the same code AND the same name in a division that has them: a display flag, never a figure.
    """
    water = gebieden["naam"].isin(list(WATER_NAMES)).to_numpy().copy()
    inwoners = figures[figures["indicator"] == "inwoners"]
    latest = inwoners.sort_values("jaar").drop_duplicates(["code", "indeling"], keep="last")
    counts = latest.set_index(["code", "indeling"])["waarde"]
    keys = list(zip(gebieden["code"], gebieden["indeling"], strict=True))
    limit = gebieden["niveau"].map(MIN_INWONERS).to_numpy(dtype=float)
    count = np.array([counts.get(k, np.nan) for k in keys], dtype=float)
    few = (count < limit) & ~np.isnan(count)
    water |= few
    with_counts = set(counts.index.get_level_values("indeling").unique())
    flagged = {(c, n) for c, n, f in zip(gebieden["code"], gebieden["naam"], few, strict=True) if f}
    borrowed = np.array(
        [i not in with_counts and (c, n) in flagged for c, n, i in
         zip(gebieden["code"], gebieden["naam"], gebieden["indeling"], strict=True)]
    )
    water |= borrowed
    report.notes.append(
        f"{int(water.sum())} gebieden zijn geen woongebied (water, haven of bedrijven: naam 'Groot water' of minder"
        f" dan {MIN_INWONERS['wijk']} inwoners per wijk / {MIN_INWONERS['buurt']} per buurt); {int(borrowed.sum())}"
        " daarvan via dezelfde code en naam in een andere indeling"
    )
    return water


def _code_name(code: str) -> str:
    return GEMEENTEN.get(code, "Naam onbekend")


def _counts(gebieden: gpd.GeoDataFrame, figures: pd.DataFrame) -> list[dict[str, Any]]:
    known = figures[figures["waarde"].notna()]
    per_area = known.groupby(["code", "indeling"]).size().rename("waarden").reset_index()
    frame = pd.DataFrame(gebieden.drop(columns="geometry")).assign(
        met_geometrie=~gebieden.geometry.isna().to_numpy()
    ).merge(per_area, on=["code", "indeling"], how="left")
    frame["waarden"] = frame["waarden"].fillna(0).astype(int)
    frame["gemeente"] = frame["gemeentecode"].map(GEMEENTEN)
    grouped = frame.groupby(["indeling", "niveau", "gemeente"], sort=True).agg(
        gebieden=("code", "size"), met_geometrie=("met_geometrie", "sum"), waarden=("waarden", "sum")
    ).reset_index()
    return [
        {k: (int(v) if isinstance(v, (np.integer, int)) else str(v)) for k, v in row.items()}
        for row in grouped.to_dict("records")
    ]


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("pandas", "geopandas", "shapely", "pyarrow", "pyogrio", "numpy", "python-calamine"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "niet geïnstalleerd"
    return out


def build(
    sources_dir: str | Path, store_dir: str | Path, progress: Progress | None = None
) -> BuildReport:
    """Build the store from the raw sources.

    Parameters
    ----------
    sources_dir
        Folder with raw files in any layout (searched recursively, files recognised by content).
    store_dir
        Target store folder; written atomically, the previous store stays intact when anything fails.
    progress
        Callback ``(fraction 0..1, message)`` for a progress bar.

    Returns
    -------
    BuildReport
        Files used and skipped, notes and counts per division, level and gemeente.

    Raises
    ------
    KbzSourceError
        A recognised source is corrupt or has unexpected columns (names the file and the problem).
    KbzValidationError
        The combined frames break the store contract (lists every problem).
    KbzDataError
        The sources folder does not exist or holds no usable source.
    """
    progress = progress or _noop
    started = time.perf_counter()
    sources_dir, store_dir = Path(sources_dir), Path(store_dir)
    if not sources_dir.is_dir():
        raise KbzDataError(f"bronmap {sources_dir} bestaat niet; zet de bronbestanden daar of gebruik --sources")
    report = BuildReport()
    progress(0.0, f"Bronnen zoeken in {sources_dir}")
    files, skipped = discover(sources_dir)
    report.skipped.extend(skipped)
    if not files:
        raise KbzDataError(f"geen bruikbare bronbestanden gevonden in {sources_dir}")
    collected = _Collected()
    _read_tables(files, collected, report, progress)
    _read_geometry(files, collected, report, progress)
    report.notes.extend(collected.notes)
    progress(0.7, "Cijfers samenvoegen")
    figures = _combine_figures(collected, report)
    # 2024 buurten without a shape get a reused 2020 shape where safe (added to collected.layers)
    shape_reasons = harmonised.add_buurt_shapes(
        collected.layers, _area_names(collected), collected.division_changes, report.notes, TOPOJSON_INDELING
    )
    layers = shapes.merge_layers(collected.layers)
    gebieden = _assemble_gebieden(collected, layers, figures, report, progress)
    progress(0.85, "Gezondheid omrekenen naar indeling 2024")
    carried = harmonised.from_layers(
        layers, collected.weesp_buurten, collected.weesp_figures, figures, gebieden, shape_reasons
    )
    figures = _with_carried(figures, carried, report)
    progress(0.9, "Controleren")
    for what, problems in (("indicatoren", check_figures(figures)), ("gebieden", check_gebieden(gebieden)),
                           ("indicatoren_kwaliteit", check_kwaliteit(carried.kwaliteit, figures))):
        if problems:
            raise KbzValidationError(what, problems)
    report.counts = _counts(gebieden, figures)
    report.seconds = time.perf_counter() - started
    sources_root = _relative_paths(report, sources_dir)
    build_info = {
        "gebouwd": datetime.now(UTC).isoformat(timespec="seconds"),
        "bronmap": str(sources_root),
        "bestanden": report.used,
        "overgeslagen": report.skipped,
        "opmerkingen": report.notes,
        "aantallen": report.counts,
        "omgerekend": report.harmonised,
        "versies": _versions(),
        "seconden": round(report.seconds, 2),
    }
    progress(0.95, f"Opslaan in {store_dir}")
    storage.write(store_dir, gebieden, figures, indicators.meta_frame(), indicators.bronnen_frame(), build_info,
                  kwaliteit=carried.kwaliteit)
    progress(1.0, "Klaar")
    return report
