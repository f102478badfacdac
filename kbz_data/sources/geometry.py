"""Readers for the boundary files: CBS buurt TopoJSON, PDOK wijk- en buurtkaart GeoJSON, Amsterdam buurten.

Every reader returns a :class:`geopandas.GeoDataFrame` in EPSG:4326 (WGS84 lon/lat) with CBS codes stripped of
padding and every geometry valid and polygonal (``Polygon`` or ``MultiPolygon``). Files are parsed by GDAL
through pyogrio; foreign exceptions are translated into :class:`~kbz_data.errors.KbzSourceError` with a Dutch
message that names the file and the problem.

Formats (see ``../shared/sources/MANIFEST.md``):

``topojson_buurten``
    CBS buurten as a TopoJSON ``Topology`` (object ``buurten``, property ``statcode``, quantized, no CRS
    member, WGS84 lon/lat), e.g. ``cbs-buurten-2019-topojson-powerbi/buurten.json`` (division 2019 = 2020 for
    the G4).
``wijkenbuurten``
    GeoJSON of the CBS/Kadaster wijk- en buurtkaart: either raw output of the PDOK WFS
    ``https://service.pdok.nl/cbs/wijkenbuurten/2024/wfs/v1_0`` (layers ``gemeenten``, ``wijken``,
    ``buurten``; camelCase properties; EPSG:28992 or EPSG:4326; missing values as numbers <= -99990), or the
    simplified derivative ``pdok-wijken-2024-geoinzicht/wijken_2024.geojson`` (short property names, keys
    absent where CBS had no value, no CRS member).
``amsterdam_buurten``
    Gemeente Amsterdam "gebieden" buurten (property ``cbsCode``, CRS84, full resolution), division 2022.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from kbz_data.errors import KbzDataError, KbzSourceError

WGS84 = "EPSG:4326"

#: Bytes read from the start of a file to recognise its format and its ``crs`` member.
HEAD_BYTES = 65_536
#: :func:`sniff` reads further (in ``HEAD_BYTES`` steps) up to this many bytes when a first feature is huge.
SNIFF_MAX_BYTES = 4_194_304

#: Envelope (lon_min, lat_min, lon_max, lat_max) that every boundary file of the Netherlands lies in. Used to
#: catch a missing or wrong CRS (RD metres read as degrees, lat/lon swapped).
NL_ENVELOPE_LONLAT: tuple[float, float, float, float] = (2.5, 50.0, 8.0, 54.5)

#: CBS missing markers in wijk- en buurtkaart attributes: every value at or below this is "unknown/secret".
CBS_MISSING_THRESHOLD = -99990.0

#: TopoJSON object and property of the CBS buurt Topology.
TOPOJSON_OBJECT = "buurten"
TOPOJSON_CODE_PROPERTY = "statcode"

#: Amsterdam gebieden: property with the CBS buurt code, and the buurt name.
AMSTERDAM_CODE_PROPERTY = "cbsCode"
AMSTERDAM_NAME_PROPERTY = "naam"
AMSTERDAM_GEMEENTECODE = "GM0363"

#: Wijk- en buurtkaart code and name properties per niveau, finest first (same in both GeoJSON formats).
WIJKENBUURTEN_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("buurt", "buurtcode", "buurtnaam"),
    ("wijk", "wijkcode", "wijknaam"),
    ("gemeente", "gemeentecode", "gemeentenaam"),
)

#: Raw PDOK WFS property (wijk- en buurtkaart 2024) -> canonical attribute name. Units as CBS publishes them:
#: counts of persons/households, age groups in % of inwoners, density in inwoners per km2, WOZ and income in
#: x 1000 euro, distance in km by road.
PDOK_ATTRIBUTES: dict[str, str] = {
    "aantalInwoners": "inwoners",
    "mannen": "mannen",
    "vrouwen": "vrouwen",
    "percentagePersonen0Tot15Jaar": "pct_0_15",
    "percentagePersonen15Tot25Jaar": "pct_15_25",
    "percentagePersonen25Tot45Jaar": "pct_25_45",
    "percentagePersonen45Tot65Jaar": "pct_45_65",
    "percentagePersonen65JaarEnOuder": "pct_65plus",
    "aantalHuishoudens": "huishoudens",
    "gemiddeldeHuishoudsgrootte": "gem_huishoudensgrootte",
    "bevolkingsdichtheidInwonersPerKm2": "bevolkingsdichtheid",
    "gemiddeldeWoningwaarde": "woz_waarde",
    "percentageKoopwoningen": "pct_koopwoningen",
    "gemiddeldInkomenPerInwoner": "inkomen_per_inwoner",
    "huisartsenpraktijkGemiddeldeAfstandInKm": "afstand_huisarts",
}

#: Property of the simplified geoinzicht-app file (derived from PDOK WFS 2024) -> canonical attribute name.
#: ``personenautos`` has no canonical name and is dropped.
GEOINZICHT_ATTRIBUTES: dict[str, str] = {
    "aantal_inwoners": "inwoners",
    "mannen": "mannen",
    "vrouwen": "vrouwen",
    "0_15": "pct_0_15",
    "15_25": "pct_15_25",
    "25_45": "pct_25_45",
    "45_65": "pct_45_65",
    "65plus": "pct_65plus",
    "huishoudens": "huishoudens",
    "gem_huishouden_grootte": "gem_huishoudensgrootte",
    "bevolkingsdichtheid": "bevolkingsdichtheid",
}

#: Canonical attribute names in output order.
CANONICAL_ATTRIBUTES: tuple[str, ...] = (
    "inwoners",
    "mannen",
    "vrouwen",
    "pct_0_15",
    "pct_15_25",
    "pct_25_45",
    "pct_45_65",
    "pct_65plus",
    "huishoudens",
    "gem_huishoudensgrootte",
    "bevolkingsdichtheid",
    "woz_waarde",
    "pct_koopwoningen",
    "inkomen_per_inwoner",
    "afstand_huisarts",
)

_GM_CODE = re.compile(r"^GM\d{4}$")
_CRS_NAME = re.compile(r'"crs"\s*:\s*\{.*?"name"\s*:\s*"([^"]+)"', re.DOTALL)
_TOPOLOGY = re.compile(r'"type"\s*:\s*"Topology"')
_FEATURE_COLLECTION = re.compile(r'"type"\s*:\s*"FeatureCollection"|"features"\s*:\s*\[')
_AMSTERDAM_KEY = re.compile(r'"cbsCode"\s*:')
_WIJKENBUURTEN_KEY = re.compile(r'"(?:buurtcode|wijkcode|gemeentecode)"\s*:')


# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------


def _read_head(path: Path, size: int = HEAD_BYTES, offset: int = 0) -> str:
    """Return up to ``size`` bytes of ``path`` from ``offset`` as text; translate OS errors."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            raw = handle.read(size)
    except FileNotFoundError as exc:
        raise KbzSourceError(path, "bestand bestaat niet") from exc
    except IsADirectoryError as exc:
        raise KbzSourceError(path, "is een map, geen bestand") from exc
    except OSError as exc:
        raise KbzSourceError(path, f"kan het bestand niet lezen ({exc.strerror or exc})") from exc
    return raw.decode("utf-8", errors="replace")


def _check_json_head(path: Path, head: str) -> str:
    """Check that ``head`` (the start of the file) looks like a JSON object; return it without BOM/space."""
    text = head.lstrip("\ufeff \t\r\n")
    if not text:
        raise KbzSourceError(path, "bestand is leeg; verwacht JSON")
    if not text.startswith("{"):
        start = text[:20].splitlines()[0] if text[:20].strip() else text[:20]
        raise KbzSourceError(path, f"geen JSON-object (begint met {start!r}); verwacht GeoJSON of TopoJSON")
    return text


def _read_frame(path: Path, layer: str | None, what: str) -> gpd.GeoDataFrame:
    """Read one layer with pyogrio, translating GDAL errors into :class:`KbzSourceError`."""
    try:
        with warnings.catch_warnings():
            # pyogrio warns about e.g. measured geometries; nothing the caller can act on
            warnings.simplefilter("ignore", RuntimeWarning)
            return gpd.read_file(path, layer=layer, engine="pyogrio")
    except pyogrio.errors.DataLayerError as exc:
        raise KbzSourceError(path, f"{what}: laag/object {layer!r} ontbreekt ({exc})") from exc
    except pyogrio.errors.DataSourceError as exc:
        raise KbzSourceError(path, f"ongeldige of onvolledige JSON, geen leesbare {what} ({exc})") from exc
    except (pyogrio.errors.GeometryError, pyogrio.errors.FieldError, pyogrio.errors.CRSError) as exc:
        raise KbzSourceError(path, f"{what} niet leesbaar: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise KbzSourceError(path, f"{what} niet leesbaar: {exc}") from exc


def _crs_from_head(path: Path, head: str) -> CRS | None:
    """The CRS named in a GeoJSON ``crs`` member near the top of the file, or None when there is none."""
    match = _CRS_NAME.search(head)
    if match is None:
        return None
    name = match.group(1)
    try:
        return CRS.from_user_input(name)
    except CRSError as exc:
        raise KbzSourceError(
            path, f"onbekend CRS {name!r} in het 'crs'-lid; verwacht EPSG:28992 (RD New) of EPSG:4326/CRS84"
        ) from exc


def _to_wgs84(frame: gpd.GeoDataFrame, path: Path, declared: CRS | None) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326 and check the result lies in the Netherlands.

    ``declared`` is the CRS named in the file (None: GeoJSON/TopoJSON default WGS84 lon/lat). GDAL silently
    falls back to WGS84 for a CRS name it does not know, so the declared CRS wins over what GDAL reports.
    """
    crs = declared if declared is not None else CRS.from_user_input(WGS84)
    frame = frame.set_crs(crs, allow_override=True)
    try:
        frame = frame.to_crs(WGS84)
    except Exception as exc:  # pyproj raises several unrelated types
        raise KbzSourceError(path, f"kan niet omrekenen van {crs.to_string()} naar EPSG:4326 ({exc})") from exc
    if len(frame) and not frame.geometry.isna().all():
        x0, y0, x1, y1 = frame.total_bounds
        e0, n0, e1, n1 = NL_ENVELOPE_LONLAT
        if not (e0 <= x0 and x1 <= e1 and n0 <= y0 and y1 <= n1):
            hint = "ontbrekend of verkeerd CRS"
            if n0 <= x0 and x1 <= n1 and e0 <= y0 and y1 <= e1:
                hint = "lat/lon verwisseld"
            raise KbzSourceError(
                path,
                f"onbekend CRS: coördinaten (x {x0:.6g}..{x1:.6g}, y {y0:.6g}..{y1:.6g}) liggen na omrekening "
                f"van {crs.to_string()} niet in Nederland in WGS84 lon/lat ({hint}?)",
            )
    return frame


def _polygonal(frame: gpd.GeoDataFrame, path: Path, codes: pd.Series) -> gpd.GeoSeries:
    """Make every geometry valid and keep only its polygonal parts (Polygon or MultiPolygon)."""
    geoms = frame.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        listed = ", ".join(codes[missing].astype(str).head(10))
        raise KbzSourceError(path, f"{int(missing.sum())} feature(s) zonder geometrie: {listed}")
    fixed = geoms.copy()
    invalid = ~shapely.is_valid(fixed)
    if invalid.any():
        fixed[invalid] = shapely.make_valid(fixed[invalid], method="structure", keep_collapsed=False)
    kinds = shapely.get_type_id(fixed)
    # 3 = Polygon, 6 = MultiPolygon; anything else (collections, lines, points) gets its polygons extracted
    for i in np.flatnonzero((kinds != 3) & (kinds != 6)):
        parts = shapely.get_parts(shapely.get_parts(fixed[i]))
        polys = [p for p in parts if shapely.get_type_id(p) in (3, 6) and not p.is_empty]
        fixed[i] = shapely.union_all(polys) if polys else None
    bad = shapely.is_missing(fixed) | shapely.is_empty(fixed)
    if bad.any():
        listed = ", ".join(
            f"{code} ({shapely.get_type_id(geom) in (3, 6) and 'leeg na make_valid' or geom.geom_type})"
            for code, geom in zip(codes[bad].head(10), geoms[bad][:10], strict=True)
        )
        raise KbzSourceError(
            path, f"geen vlak-geometrie (Polygon/MultiPolygon) voor {int(bad.sum())} feature(s): {listed}"
        )
    return gpd.GeoSeries(fixed, index=frame.index, crs=frame.crs)


def _stripped_codes(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """Column ``column`` as stripped strings; raise when the property is absent or empty anywhere."""
    if column not in frame.columns:
        found = ", ".join(c for c in frame.columns if c != "geometry") or "geen"
        raise KbzSourceError(path, f"eigenschap {column!r} ontbreekt (gevonden eigenschappen: {found})")
    codes = frame[column].astype("string").str.strip()
    empty = codes.isna() | (codes == "")
    if empty.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(empty.to_numpy())[:10])
        raise KbzSourceError(
            path, f"eigenschap {column!r} ontbreekt of is leeg in {int(empty.sum())} feature(s) (nr. {rows})"
        )
    return codes.astype(object)


def _check_gemeenten(gemeenten: Iterable[str] | None) -> set[str] | None:
    """Validate a gemeente filter (set of ``GMxxxx`` codes)."""
    if gemeenten is None:
        return None
    if isinstance(gemeenten, str):
        gemeenten = {gemeenten}
    wanted = {str(g).strip() for g in gemeenten}
    bad = sorted(g for g in wanted if not _GM_CODE.match(g))
    if bad:
        raise KbzDataError(f"ongeldige gemeentecode(s) {bad}; verwacht 'GM' + 4 cijfers, bijv. GM0363")
    return wanted


def _filter_gemeenten(
    frame: gpd.GeoDataFrame, wanted: set[str] | None, path: Path, column: str = "gemeentecode"
) -> gpd.GeoDataFrame:
    """Keep rows of the wanted gemeenten; raise when none is left."""
    if wanted is None:
        return frame
    kept = frame[frame[column].isin(wanted)]
    if kept.empty:
        raise KbzSourceError(
            path,
            f"geen features van gemeente(n) {', '.join(sorted(wanted))} "
            f"(het bestand heeft {len(frame)} features van {frame[column].nunique()} andere gemeenten)",
        )
    return kept


def _stripped_or_derived(frame: pd.DataFrame, column: str, derived: pd.Series) -> pd.Series:
    """Stripped values of ``column`` where present and non-empty, else ``derived`` (e.g. GM + code[2:6])."""
    if column not in frame.columns:
        return derived.astype(object)
    values = frame[column].astype("string").str.strip()
    values = values.mask(values == "")
    return values.fillna(derived.astype("string")).astype(object)


def _numeric(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """A numeric attribute as float64 with CBS missing markers (<= -99990) as NaN."""
    values = frame[column]
    try:
        numbers = pd.to_numeric(values, errors="raise")
    except (ValueError, TypeError) as exc:
        coerced = pd.to_numeric(values, errors="coerce")
        bad = values[coerced.isna() & values.notna()]
        raise KbzSourceError(
            path, f"eigenschap {column!r} bevat een niet-numerieke waarde {bad.iloc[0]!r}; verwacht een getal"
        ) from exc
    numbers = numbers.astype("float64")
    return numbers.mask(numbers <= CBS_MISSING_THRESHOLD)


def _finish(frame: pd.DataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Select columns, reset the index and return a GeoDataFrame in EPSG:4326."""
    out = gpd.GeoDataFrame(frame[columns].reset_index(drop=True), geometry="geometry", crs=WGS84)
    return out


# --------------------------------------------------------------------------------------------------------------
# Public readers
# --------------------------------------------------------------------------------------------------------------


def sniff(path: str | Path) -> str | None:
    """Tell which boundary format a ``.json``/``.geojson`` file is, reading only its start.

    Parameters
    ----------
    path
        Any file.

    Returns
    -------
    str or None
        ``"topojson_buurten"`` (a TopoJSON ``Topology``), ``"amsterdam_buurten"`` (a FeatureCollection whose
        features have ``cbsCode``), ``"wijkenbuurten"`` (a FeatureCollection whose features have
        ``buurtcode``/``wijkcode``/``gemeentecode``) or None for anything else (other JSON such as a
        per-gemeente extract with ``schemaVersion`` or an OData page with ``value``, or no JSON at all).
        Normally reads the first 64 KB; reads on in 64 KB steps (up to 4 MB) only while a FeatureCollection's
        first properties have not been seen yet.

    Raises
    ------
    KbzSourceError
        When the file cannot be read (missing, a directory, no permission).
    """
    path = Path(path)
    text = _read_head(path).lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return None
    if _TOPOLOGY.search(text):
        return "topojson_buurten"
    if not _FEATURE_COLLECTION.search(text):
        return None
    read = HEAD_BYTES
    while True:
        if _AMSTERDAM_KEY.search(text):
            return "amsterdam_buurten"
        if _WIJKENBUURTEN_KEY.search(text):
            return "wijkenbuurten"
        start = text.find('"properties"')
        if (start >= 0 and "}" in text[start:]) or read >= SNIFF_MAX_BYTES:
            # a complete (flat) properties object without any known key, or nothing decisive in the first 4 MB
            return None
        more = _read_head(path, HEAD_BYTES, offset=read)
        if not more:
            return None
        read += HEAD_BYTES
        text = text[-100:] + more  # keep a tail so a key split over the chunk boundary is still found


def read_topojson_buurten(path: str | Path, gemeenten: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Read CBS buurt boundaries from a TopoJSON Topology (object ``buurten``, property ``statcode``).

    Parameters
    ----------
    path
        TopoJSON file such as ``cbs-buurten-2019-topojson-powerbi/buurten.json`` (CBS/Kadaster wijk- en
        buurtkaart 2019, generalised; WGS84 lon/lat, quantized). Decoded by GDAL's TopoJSON driver.
    gemeenten
        Keep only buurten of these gemeenten (``GMxxxx`` codes); None keeps all.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` (``BU03630000``), ``gemeentecode`` (``"GM" + code[2:6]``), ``wijkcode``
        (``"WK" + code[2:8]``), ``geometry`` (valid Polygon/MultiPolygon), EPSG:4326.

    Raises
    ------
    KbzSourceError
        Not a TopoJSON Topology, not valid JSON, object ``buurten`` or property ``statcode`` missing, no
        features, coordinates not WGS84 lon/lat in the Netherlands, or no buurt of the wanted gemeenten.
    KbzDataError
        When ``gemeenten`` holds something other than ``GMxxxx`` codes.
    """
    path = Path(path)
    wanted = _check_gemeenten(gemeenten)
    head = _check_json_head(path, _read_head(path))
    if not _TOPOLOGY.search(head):
        raise KbzSourceError(path, 'geen TopoJSON: "type": "Topology" ontbreekt aan het begin van het bestand')
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as exc:
        raise KbzSourceError(path, f"ongeldige of onvolledige JSON, geen leesbare TopoJSON ({exc})") from exc
    if TOPOJSON_OBJECT not in layers:
        raise KbzSourceError(
            path, f"TopoJSON-object {TOPOJSON_OBJECT!r} ontbreekt (gevonden: {', '.join(layers) or 'geen'})"
        )
    frame = _read_frame(path, TOPOJSON_OBJECT, "TopoJSON")
    if frame.empty:
        raise KbzSourceError(path, f"TopoJSON-object {TOPOJSON_OBJECT!r} bevat geen geometrieën")
    frame["code"] = _stripped_codes(frame, TOPOJSON_CODE_PROPERTY, path)
    frame = _to_wgs84(frame, path, declared=None)  # TopoJSON has no CRS member: WGS84 lon/lat
    frame["gemeentecode"] = "GM" + frame["code"].str[2:6]
    frame["wijkcode"] = "WK" + frame["code"].str[2:8]
    frame = _filter_gemeenten(frame, wanted, path)
    frame = frame.set_geometry(_polygonal(frame, path, frame["code"]))
    return _finish(frame, ["code", "gemeentecode", "wijkcode", "geometry"])


def _with_area_columns(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``frame`` with code, naam, niveau, gemeentecode, wijkcode and gemeentenaam, the niveau taken from the finest
    code property present (:data:`WIJKENBUURTEN_LEVELS`)."""
    level = next((lv for lv in WIJKENBUURTEN_LEVELS if lv[1] in frame.columns), None)
    if level is None:
        found = ", ".join(c for c in frame.columns if c != "geometry") or "geen"
        raise KbzSourceError(
            path, f"eigenschap 'buurtcode', 'wijkcode' of 'gemeentecode' ontbreekt (gevonden eigenschappen: {found})"
        )
    niveau, code_property, name_property = level
    frame["code"] = _stripped_codes(frame, code_property, path)
    frame["naam"] = (
        frame[name_property].astype("string").str.strip().astype(object) if name_property in frame else None
    )
    frame["niveau"] = niveau
    if niveau == "gemeente":
        frame["gemeentecode"] = frame["code"]
        frame["wijkcode"] = None
    else:
        frame["gemeentecode"] = _stripped_or_derived(frame, "gemeentecode", "GM" + frame["code"].str[2:6])
        if niveau == "wijk":
            frame["wijkcode"] = frame["code"]
        else:
            frame["wijkcode"] = _stripped_or_derived(frame, "wijkcode", "WK" + frame["code"].str[2:8])
    frame["gemeentenaam"] = (
        frame["gemeentenaam"].astype("string").str.strip().astype(object) if "gemeentenaam" in frame else None
    )
    return frame


def _canonical_attributes(frame: pd.DataFrame, path: Path) -> tuple[dict[str, pd.Series], str]:
    """(canonical name -> float64 values in :data:`CANONICAL_ATTRIBUTES` order, format): PDOK WFS when a
    PDOK-only property is present, else the geoinzicht derivative."""
    pdok_only = set(PDOK_ATTRIBUTES) - set(GEOINZICHT_ATTRIBUTES)
    if pdok_only & set(frame.columns):
        mapping, formaat = PDOK_ATTRIBUTES, "pdok_wfs"
    else:
        mapping, formaat = GEOINZICHT_ATTRIBUTES, "geoinzicht"
    attributes: dict[str, pd.Series] = {}
    for raw, canonical in mapping.items():
        if raw in frame.columns:
            attributes[canonical] = _numeric(frame, raw, path)
    return {name: attributes[name] for name in CANONICAL_ATTRIBUTES if name in attributes}, formaat


def read_wijkenbuurten_geojson(path: str | Path, gemeenten: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Read CBS wijk- en buurtkaart boundaries and kerncijfers from a GeoJSON FeatureCollection.

    Reads both raw PDOK WFS output (``service.pdok.nl/cbs/wijkenbuurten/2024/wfs/v1_0``, layers ``buurten``,
    ``wijken`` or ``gemeenten``; camelCase properties; EPSG:28992 via a ``crs`` member, or EPSG:4326) and the
    simplified geoinzicht-app derivative ``wijken_2024.geojson`` (short names, WGS84 without ``crs``).
    The niveau follows from the finest code property present: ``buurtcode`` -> buurt, ``wijkcode`` -> wijk,
    ``gemeentecode`` -> gemeente.

    Parameters
    ----------
    path
        GeoJSON file.
    gemeenten
        Keep only areas of these gemeenten (``GMxxxx`` codes); None keeps all.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code``, ``naam``, ``niveau`` (``buurt`` | ``wijk`` | ``gemeente``), ``wijkcode`` (parent
        wijk of a buurt, the code itself for a wijk, None for a gemeente), ``gemeentecode``, ``gemeentenaam``,
        then the numeric attributes present in the file under their canonical names (see
        :data:`PDOK_ATTRIBUTES` and :data:`GEOINZICHT_ATTRIBUTES`; float64, CBS missing markers <= -99990 and
        absent keys as NaN, never 0), then ``geometry`` (valid Polygon/MultiPolygon, EPSG:4326). Units as
        published by CBS (kerncijfers wijken en buurten): counts, %, inwoners per km2, x 1000 euro, km.
        ``attrs["formaat"]`` is ``"pdok_wfs"`` or ``"geoinzicht"``.

    Raises
    ------
    KbzSourceError
        Not JSON or truncated, no features, no code property (or empty codes), an unknown CRS or coordinates
        outside the Netherlands, a non-numeric attribute, a feature without polygon geometry, or no area of
        the wanted gemeenten.
    KbzDataError
        When ``gemeenten`` holds something other than ``GMxxxx`` codes.
    """
    path = Path(path)
    wanted = _check_gemeenten(gemeenten)
    head = _check_json_head(path, _read_head(path))
    if _TOPOLOGY.search(head):
        raise KbzSourceError(path, "is TopoJSON; gebruik read_topojson_buurten")
    declared = _crs_from_head(path, head)
    frame = _read_frame(path, None, "GeoJSON")
    if frame.empty:
        raise KbzSourceError(path, "bevat geen features")
    frame = _filter_gemeenten(_with_area_columns(frame, path), wanted, path)
    attributes, formaat = _canonical_attributes(frame, path)
    base = frame[["code", "naam", "niveau", "wijkcode", "gemeentecode", "gemeentenaam"]].copy()
    for name, values in attributes.items():
        base[name] = values
    base = gpd.GeoDataFrame(base, geometry=frame.geometry, crs=frame.crs)
    base = _to_wgs84(base, path, declared)
    base = base.set_geometry(_polygonal(base, path, base["code"]))
    out = _finish(base, [*base.columns.drop("geometry"), "geometry"])
    out.attrs["formaat"] = formaat
    return out


def read_amsterdam_buurten(path: str | Path) -> gpd.GeoDataFrame:
    """Read Amsterdam's own buurt polygons (gebieden dataset, division in force since 2022-03-24).

    Parameters
    ----------
    path
        GeoJSON FeatureCollection such as ``amsterdam-gebieden-buurten-2022div/buurten.geojson`` (Gemeente
        Amsterdam, data.amsterdam.nl; CRS84, full resolution), with property ``cbsCode`` (``BU0363AA01``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` (from ``cbsCode``), ``naam``, ``gemeentecode`` (``GM0363``), ``wijkcode``
        (``"WK" + code[2:8]``), ``geometry`` (valid Polygon/MultiPolygon, EPSG:4326).

    Raises
    ------
    KbzSourceError
        Not JSON or truncated, no features, no ``cbsCode``, a code outside Amsterdam, an unknown CRS or
        coordinates outside the Netherlands, or a feature without polygon geometry.
    """
    path = Path(path)
    head = _check_json_head(path, _read_head(path))
    if _TOPOLOGY.search(head):
        raise KbzSourceError(path, "is TopoJSON; verwacht een GeoJSON FeatureCollection met 'cbsCode'")
    declared = _crs_from_head(path, head)
    frame = _read_frame(path, None, "GeoJSON")
    if frame.empty:
        raise KbzSourceError(path, "bevat geen features")
    frame["code"] = _stripped_codes(frame, AMSTERDAM_CODE_PROPERTY, path)
    foreign = ~frame["code"].str.startswith("BU" + AMSTERDAM_GEMEENTECODE[2:])
    if foreign.any():
        listed = ", ".join(frame.loc[foreign, "code"].head(5))
        raise KbzSourceError(path, f"'cbsCode' buiten Amsterdam (verwacht BU0363...): {listed}")
    frame["naam"] = (
        frame[AMSTERDAM_NAME_PROPERTY].astype("string").str.strip().astype(object)
        if AMSTERDAM_NAME_PROPERTY in frame
        else None
    )
    frame["gemeentecode"] = AMSTERDAM_GEMEENTECODE
    frame["wijkcode"] = "WK" + frame["code"].str[2:8]
    frame = _to_wgs84(frame, path, declared)
    frame = frame.set_geometry(_polygonal(frame, path, frame["code"]))
    return _finish(frame, ["code", "naam", "gemeentecode", "wijkcode", "geometry"])
