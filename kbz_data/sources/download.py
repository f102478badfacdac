"""Download the raw tables the dashboard uses from the official services into a sources folder.

Two kinds of source are fetched:

* CBS OData v3 bulk feeds ("ODataFeed"): CBS tables at ``https://opendata.cbs.nl/ODataFeed/odata/{table}/``
  and RIVM / third-party tables at ``https://dataderden.cbs.nl/ODataFeed/odata/{table}/``. Per table the
  ``UntypedDataSet`` is fetched for the four G4 gemeenten (one ``$filter`` per gemeente on the region
  dimension, ``odata.nextLink`` paging followed), together with ``TableInfos``, ``DataProperties`` and the
  region dimension (``Key``/``Title``, for area names). Everything is saved as ONE JSON file per table,
  ``{sources}/downloads/cbs-odata/{table}.json``, read back by :mod:`kbz_data.sources.odata`.
* The PDOK WFS "wijkenbuurten 2024" (geometry with CBS kerncijfers as attributes), layers ``wijken`` and
  ``buurten``, fetched per gemeente with a FES filter on ``gemeentecode`` and ``count``/``startIndex``
  paging, saved as one GeoJSON FeatureCollection per layer,
  ``{sources}/downloads/pdok/wijkenbuurten_2024_{layer}.geojson``, with the raw properties unchanged.

Every request has a connect/read timeout and is retried (bounded, with exponential backoff) on connection
errors, timeouts and HTTP 5xx. A 4xx answer or an answer that is not JSON fails at once. All failures raise
:class:`~kbz_data.errors.KbzDownloadError` with a Dutch + English message naming the URL. A file is only
written after its download completed, through a temporary file and ``os.replace``, so a failed download
leaves any earlier file intact.

The base URLs and the HTTP session are parameters, so tests point them at a server on 127.0.0.1.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import requests

from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDownloadError
from kbz_data.fileio import atomic_write_json

#: Official service roots. ``cbs`` and ``dataderden`` are OData v3 bulk feeds (``ODataFeed``), ``pdok`` a WFS.
DEFAULT_BASE_URLS: dict[str, str] = {
    "cbs": "https://opendata.cbs.nl/ODataFeed/odata",
    "dataderden": "https://dataderden.cbs.nl/ODataFeed/odata",
    "pdok": "https://service.pdok.nl/cbs/wijkenbuurten/2024/wfs/v1_0",
}

#: Marker written into every saved OData file; :func:`kbz_data.sources.odata.is_odata_file` looks for it.
ODATA_FORMAT = "kbz-cbs-odata-v3/1"

#: Sub-folders of the sources folder that hold the downloads.
ODATA_SUBDIR = Path("downloads") / "cbs-odata"
PDOK_SUBDIR = Path("downloads") / "pdok"

#: Fallback name of the region dimension when DataProperties names no ``GeoDimension``.
DEFAULT_REGION_DIMENSION = "WijkenEnBuurten"

#: Upper bound on pages per query: protects against a feed whose nextLink never ends.
MAX_PAGES = 10_000


@dataclass(frozen=True)
class ODataTable:
    """One CBS/RIVM OData v3 table to download.

    Parameters
    ----------
    table
        StatLine table id, e.g. ``"50090NED"``.
    catalog
        Key into the base URLs: ``"cbs"`` (opendata.cbs.nl) or ``"dataderden"`` (dataderden.cbs.nl).
    extra_filter
        OData v3 filter expression ANDed with the region filter, or None.
    title
        Short description for progress output.
    """

    table: str
    catalog: str
    extra_filter: str | None
    title: str


#: The OData tables the dashboard reads.
ODATA_TABLES: dict[str, ODataTable] = {
    "50090NED": ODataTable(
        "50090NED",
        "dataderden",
        # Marges MW00000 = point estimate; Leeftijd 20300 = 18+, 80200 = 65+.
        "Marges eq 'MW00000' and (Leeftijd eq '20300' or Leeftijd eq '80200')",
        "RIVM Gezondheid per wijk en buurt 2012/2016/2020",
    ),
    "85163NED": ODataTable("85163NED", "cbs", None, "CBS Sociaal-economische status (SES-WOA) per wijk en buurt"),
    "85984NED": ODataTable("85984NED", "cbs", None, "CBS Kerncijfers wijken en buurten 2024"),
}

#: The PDOK WFS layers the dashboard reads, as source ids for ``tables=``.
PDOK_LAYERS: dict[str, str] = {"pdok-wijken": "wijken", "pdok-buurten": "buurten"}

#: Every source id :func:`download_all` accepts, in download order.
ALL_SOURCES: tuple[str, ...] = (*ODATA_TABLES, *PDOK_LAYERS)


@dataclass(frozen=True)
class DownloadResult:
    """One file written by :func:`download_all`."""

    source: str
    path: Path
    rows: int


Progress = Callable[[str], None]


# --------------------------------------------------------------------------------------------------------
# HTTP


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def build_url(url: str, params: Mapping[str, str | int] | None = None) -> str:
    """Append query parameters, percent-encoding spaces as ``%20`` (never ``+``) and keeping ``$``, quotes,
    commas and brackets readable, as OData and WFS servers expect."""
    if not params:
        return url
    query = urlencode({k: str(v) for k, v in params.items()}, quote_via=quote, safe="$',()/:")
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _answer(response: requests.Response, url: str, host: str, attempts: int, last: bool) -> tuple[bool, Any]:
    """(True, decoded JSON) of a good answer, or (False, problem) of a server error worth another attempt.

    Raises :class:`KbzDownloadError` for a server error on the last attempt, any HTTP 4xx and a body that is not
    JSON, naming the URL and the status.
    """
    status = response.status_code
    if 500 <= status < 600:
        if last:
            raise KbzDownloadError(
                f"Serverfout HTTP {status} van {host} na {attempts} poging(en) "
                f"(server error after {attempts} attempt(s)): {url}"
            )
        return False, f"HTTP {status}"
    if status >= 400:
        snippet = " ".join(response.text[:200].split())
        raise KbzDownloadError(
            f"HTTP {status} voor {url} (request rejected by {host})" + (f": {snippet}" if snippet else "")
        )
    try:
        return True, response.json()
    except ValueError as exc:
        kind = response.headers.get("Content-Type", "onbekend")
        snippet = " ".join(response.text[:120].split())
        raise KbzDownloadError(
            f"Geen JSON-antwoord (not JSON) van {url}: HTTP {status}, Content-Type {kind}: {snippet!r}"
        ) from exc


def get_json(
    session: requests.Session,
    url: str,
    *,
    retries: int = 3,
    timeout: tuple[float, float] = (5, 60),
    backoff: float = 1.0,
    progress: Progress | None = None,
) -> Any:
    """GET ``url`` and return its decoded JSON body.

    Parameters
    ----------
    session
        The HTTP session (injectable for tests).
    url
        The full URL, query included.
    retries
        How many times a connection error, timeout or HTTP 5xx is retried (0 = one attempt only).
    timeout
        ``(connect, read)`` timeout in seconds per attempt.
    backoff
        Wait ``backoff * 2**attempt`` seconds before retry ``attempt + 1``.
    progress
        Receives one line per retry.

    Raises
    ------
    KbzDownloadError
        No connection or timeout after every retry (Dutch + English text naming the host), HTTP 5xx after
        every retry, any HTTP 4xx, or an answer that is not JSON (naming the URL and the status).
    """
    host = _host(url)
    attempts = max(0, int(retries)) + 1
    for attempt in range(attempts):
        last = attempt == attempts - 1
        try:
            response = session.get(url, timeout=timeout, headers={"Accept": "application/json"})
        except requests.exceptions.Timeout as exc:
            if last:
                raise KbzDownloadError(
                    f"Time-out bij {host} na {attempts} poging(en) (timeout after {attempts} attempt(s), "
                    f"connect/read {timeout[0]}/{timeout[1]} s): {url}"
                ) from exc
            problem = "time-out"
        except requests.exceptions.ConnectionError as exc:
            if last:
                raise KbzDownloadError(
                    f"Geen verbinding met {host} (no network connection) na {attempts} poging(en): {url} ({exc})"
                ) from exc
            problem = "geen verbinding"
        except requests.exceptions.RequestException as exc:
            raise KbzDownloadError(f"Download mislukt (download failed): {url}: {exc}") from exc
        else:
            done, answer = _answer(response, url, host, attempts, last)
            if done:
                return answer
            problem = answer
        wait = backoff * (2**attempt)
        if progress is not None:
            progress(f"  {problem} bij {host}; nieuwe poging {attempt + 2}/{attempts} over {wait:g} s")
        if wait > 0:
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------------------------------------
# OData v3


def region_filter(dimension: str, gemeentecode: str) -> str:
    """OData v3 filter selecting the gemeente, its wijken and its buurten.

    Region keys are padded to 10 characters (``'GM0363    '``), so ``startswith`` is used instead of ``eq``;
    ``substringof`` would also match codes that merely contain the number.
    """
    number = gemeentecode[2:]
    return " or ".join(f"startswith({dimension},'{prefix}{number}')" for prefix in ("GM", "WK", "BU"))


def _odata_pages(
    session: requests.Session,
    url: str,
    what: str,
    *,
    progress: Progress,
    **http: Any,
) -> list[dict[str, Any]]:
    """Fetch an OData v3 collection, following ``odata.nextLink`` until the last page."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    page = 0
    next_url: str | None = url
    while next_url is not None:
        if next_url in seen or page >= MAX_PAGES:
            raise KbzDownloadError(f"odata.nextLink herhaalt zich (paging loop) bij {what}: {next_url}")
        seen.add(next_url)
        page += 1
        body = get_json(session, next_url, progress=progress, **http)
        if not isinstance(body, dict) or not isinstance(body.get("value"), list):
            raise KbzDownloadError(
                f"Onverwacht antwoord (unexpected OData answer) van {next_url}: verwacht een object met 'value'-lijst"
            )
        rows.extend(body["value"])
        link = body.get("odata.nextLink") or body.get("@odata.nextLink")
        next_url = urljoin(next_url, str(link)) if link else None
        if page > 1 or next_url is not None:
            progress(f"  {what}: pagina {page}, {len(rows)} rijen tot nu toe")
    return rows


def _region_dimension(data_properties: list[dict[str, Any]]) -> str:
    for prop in data_properties:
        if isinstance(prop, dict) and prop.get("Type") == "GeoDimension" and prop.get("Key"):
            return str(prop["Key"])
    return DEFAULT_REGION_DIMENSION


def download_odata_table(
    spec: ODataTable,
    base_url: str,
    session: requests.Session,
    *,
    gemeenten: Iterable[str] = tuple(GEMEENTEN),
    progress: Progress = print,
    **http: Any,
) -> dict[str, Any]:
    """Download one OData v3 table for the given gemeenten and return the document that is saved.

    Returns
    -------
    dict
        Keys ``kbz_format``, ``table``, ``base_url``, ``downloaded`` (ISO 8601, UTC), ``region_dimension``,
        ``filters`` (the ``$filter`` per gemeente), ``value`` (row dicts as the feed gives them),
        ``TableInfos``, ``DataProperties`` and ``WijkenEnBuurten`` (``{Key, Title}`` per area, unstripped).
    """
    table_url = f"{base_url.rstrip('/')}/{spec.table}"
    fmt = {"$format": "json"}
    progress(f"{spec.table} ({spec.title}) van {_host(base_url)}")
    table_infos = _odata_pages(session, build_url(f"{table_url}/TableInfos", fmt), f"{spec.table} TableInfos",
                               progress=progress, **http)
    data_properties = _odata_pages(session, build_url(f"{table_url}/DataProperties", fmt),
                                   f"{spec.table} DataProperties", progress=progress, **http)
    dimension = _region_dimension(data_properties)
    progress(f"  {len(data_properties)} DataProperties; regiodimensie {dimension}")

    rows: list[dict[str, Any]] = []
    names: dict[str, dict[str, Any]] = {}
    filters: dict[str, str] = {}
    for gemeentecode in gemeenten:
        where = f"({region_filter(dimension, gemeentecode)})"
        if spec.extra_filter:
            where = f"{where} and {spec.extra_filter}"
        filters[gemeentecode] = where
        found = _odata_pages(
            session,
            build_url(f"{table_url}/UntypedDataSet", {**fmt, "$filter": where}),
            f"{spec.table} UntypedDataSet {gemeentecode}",
            progress=progress,
            **http,
        )
        rows.extend(found)
        progress(f"  {spec.table} {gemeentecode}: {len(found)} rijen (totaal {len(rows)})")
        if not found:
            progress(f"  LET OP: {spec.table} heeft geen rijen voor {gemeentecode}")
        keys = _odata_pages(
            session,
            build_url(f"{table_url}/{dimension}", {**fmt, "$filter": region_filter("Key", gemeentecode)}),
            f"{spec.table} {dimension} {gemeentecode}",
            progress=progress,
            **http,
        )
        for item in keys:
            if isinstance(item, dict) and "Key" in item:
                names[str(item["Key"])] = {"Key": item["Key"], "Title": item.get("Title")}
    if not rows:
        raise KbzDownloadError(
            f"{spec.table}: geen enkele rij voor {', '.join(filters)} (no rows for the filter; tabel of "
            f"filter klopt niet?) bij {table_url}"
        )
    return {
        "kbz_format": ODATA_FORMAT,
        "table": spec.table,
        "base_url": table_url + "/",
        "downloaded": datetime.now(UTC).isoformat(timespec="seconds"),
        "region_dimension": dimension,
        "filters": filters,
        "value": rows,
        "TableInfos": table_infos,
        "DataProperties": data_properties,
        "WijkenEnBuurten": list(names.values()),
    }


# --------------------------------------------------------------------------------------------------------
# PDOK WFS


def gemeente_fes_filter(gemeentecode: str, property_name: str = "gemeentecode") -> str:
    """FES 2.0 filter (WFS 2.0.0) selecting the features of one gemeente."""
    return (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">'
        f"<fes:PropertyIsEqualTo><fes:ValueReference>{property_name}</fes:ValueReference>"
        f"<fes:Literal>{gemeentecode}</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>"
    )


def download_pdok_layer(
    layer: str,
    base_url: str,
    session: requests.Session,
    *,
    gemeenten: Iterable[str] = tuple(GEMEENTEN),
    srs_name: str = "EPSG:28992",
    page_size: int = 1000,
    progress: Progress = print,
    **http: Any,
) -> dict[str, Any]:
    """Download one layer of the PDOK WFS wijkenbuurten 2024 for the given gemeenten.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection with the features as the WFS gives them (properties unchanged, CBS
        missing markers such as -99999999 included), a ``crs`` member naming ``srs_name`` and a
        ``kbz_download`` member (layer, service URL, srsName, gemeenten, time of download).
    """
    codes = tuple(gemeenten)
    features: list[dict[str, Any]] = []
    crs: Any = None
    progress(f"PDOK WFS laag {layer} van {_host(base_url)}")
    for gemeentecode in codes:
        start = 0
        page = 0
        before = len(features)
        while True:
            page += 1
            if page > MAX_PAGES:
                raise KbzDownloadError(f"PDOK {layer} {gemeentecode}: te veel pagina's (paging loop) bij {base_url}")
            params = {
                "service": "WFS",
                "version": "2.0.0",
                "request": "GetFeature",
                "typeNames": layer,
                "outputFormat": "application/json",
                "srsName": srs_name,
                "count": page_size,
                "startIndex": start,
                "filter": gemeente_fes_filter(gemeentecode),
            }
            url = build_url(base_url, params)
            body = get_json(session, url, progress=progress, **http)
            if not isinstance(body, dict) or not isinstance(body.get("features"), list):
                raise KbzDownloadError(
                    f"Onverwacht antwoord (unexpected WFS answer) van {url}: verwacht een GeoJSON FeatureCollection"
                )
            crs = crs or body.get("crs")
            batch = body["features"]
            features.extend(batch)
            got = len(features) - before
            matched = body.get("numberMatched")
            progress(f"  {layer} {gemeentecode}: pagina {page}, {got} features tot nu toe"
                     + (f" van {matched}" if isinstance(matched, int) else ""))
            if len(batch) < page_size or (isinstance(matched, int) and got >= matched):
                break
            start += len(batch)
        if len(features) == before:
            progress(f"  LET OP: PDOK {layer} heeft geen features voor {gemeentecode}")
    if not features:
        raise KbzDownloadError(f"PDOK {layer}: geen enkele feature (no features) voor de gemeenten bij {base_url}")
    epsg = srs_name.split(":")[-1]
    return {
        "type": "FeatureCollection",
        "name": layer,
        "crs": crs or {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}},
        "kbz_download": {
            "layer": layer,
            "service": base_url,
            "srsName": srs_name,
            "gemeenten": list(codes),
            "downloaded": datetime.now(UTC).isoformat(timespec="seconds"),
        },
        "features": features,
    }


# --------------------------------------------------------------------------------------------------------
# Writing and the entry point


def odata_path(dest: Path, table: str) -> Path:
    """Where :func:`download_all` saves an OData table."""
    return Path(dest) / ODATA_SUBDIR / f"{table}.json"


def pdok_path(dest: Path, layer: str) -> Path:
    """Where :func:`download_all` saves a PDOK layer."""
    return Path(dest) / PDOK_SUBDIR / f"wijkenbuurten_2024_{layer}.geojson"


def _checked_request(
    base_urls: Mapping[str, str] | None, tables: Iterable[str] | None
) -> tuple[dict[str, str], list[str]]:
    """(base URL per catalog, source ids in order without repeats) of a :func:`download_all` call; raises
    :class:`KbzDownloadError` naming an unknown base URL key or source id and what is allowed."""
    unknown_urls = sorted(set(base_urls or {}) - set(DEFAULT_BASE_URLS))
    if unknown_urls:
        raise KbzDownloadError(
            f"onbekende base_urls-sleutel(s) {unknown_urls}; toegestaan: {sorted(DEFAULT_BASE_URLS)}"
        )
    wanted = list(ALL_SOURCES) if tables is None else list(dict.fromkeys(tables))
    unknown = [t for t in wanted if t not in ALL_SOURCES]
    if unknown:
        raise KbzDownloadError(f"onbekende bron(nen) {unknown}; toegestaan: {', '.join(ALL_SOURCES)}")
    return {**DEFAULT_BASE_URLS, **(base_urls or {})}, wanted


def _save(path: Path, document: Any, rows: int, progress: Progress) -> None:
    """Write one downloaded source atomically (a failure keeps the earlier file) and report it."""
    try:
        atomic_write_json(path, document)
    except OSError as exc:
        raise KbzDownloadError(f"kan {path} niet schrijven (cannot write): {exc.strerror or exc}") from exc
    progress(f"  geschreven: {path} ({rows} rijen)")


def download_all(
    dest: Path,
    base_urls: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    progress: Progress = print,
    tables: Iterable[str] | None = None,
    retries: int = 3,
    timeout: tuple[float, float] = (5, 60),
    *,
    backoff: float = 1.0,
    gemeenten: Iterable[str] | None = None,
    pdok_page_size: int = 1000,
    pdok_srs: str = "EPSG:28992",
) -> list[DownloadResult]:
    """Download every source the dashboard uses into the sources folder ``dest``.

    Parameters
    ----------
    dest
        The sources folder; files go to ``downloads/cbs-odata/{table}.json`` and
        ``downloads/pdok/wijkenbuurten_2024_{layer}.geojson`` below it.
    base_urls
        Overrides of :data:`DEFAULT_BASE_URLS` (keys ``cbs``, ``dataderden``, ``pdok``).
    session
        HTTP session; a new :class:`requests.Session` (closed afterwards) when None.
    progress
        Receives one line per step and page.
    tables
        Source ids to fetch (see :data:`ALL_SOURCES`: table ids and ``pdok-wijken``/``pdok-buurten``);
        all when None.
    retries, timeout, backoff
        Retry count, ``(connect, read)`` timeout in seconds and backoff base, see :func:`get_json`.
    gemeenten
        CBS gemeente codes; the four G4 gemeenten when None.
    pdok_page_size
        WFS ``count`` per request (PDOK serves at most 1000).
    pdok_srs
        ``srsName`` for the WFS; RD New (EPSG:28992) by default, which has no axis-order ambiguity.

    Returns
    -------
    list of DownloadResult
        Each file written with its row (OData) or feature (PDOK) count, in download order.

    Raises
    ------
    KbzDownloadError
        On an unknown source id or base URL key, or the first download that fails; files written before
        the failure stay, the failed file keeps its earlier version.
    """
    urls, wanted = _checked_request(base_urls, tables)
    codes = tuple(GEMEENTEN) if gemeenten is None else tuple(gemeenten)
    http = {"retries": retries, "timeout": timeout, "backoff": backoff}

    own_session = session is None
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = "kbz-wijkdashboard (python-requests)"
    results: list[DownloadResult] = []
    try:
        for source in wanted:
            if source in ODATA_TABLES:
                spec = ODATA_TABLES[source]
                document = download_odata_table(
                    spec, urls[spec.catalog], session, gemeenten=codes, progress=progress, **http
                )
                path, rows = odata_path(dest, spec.table), len(document["value"])
            else:
                layer = PDOK_LAYERS[source]
                document = download_pdok_layer(
                    layer, urls["pdok"], session, gemeenten=codes, srs_name=pdok_srs,
                    page_size=pdok_page_size, progress=progress, **http,
                )
                path, rows = pdok_path(dest, layer), len(document["features"])
            _save(path, document, rows, progress)
            results.append(DownloadResult(source, path, rows))
    finally:
        if own_session:
            session.close()
    return results
