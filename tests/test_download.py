"""Tests for kbz_data.sources.download against a loopback HTTP server serving tests/fixtures/odata.

No test touches the network: the server listens on 127.0.0.1 on an ephemeral port and answers
OData v3 (``/cbs/...``, ``/dataderden/...``) and WFS (``/pdok``) requests from the fixture pages.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from kbz_data.errors import KbzDownloadError
from kbz_data.fileio import atomic_write_json
from kbz_data.sources import download, odata

FIXTURES = Path(__file__).parent / "fixtures" / "odata"


class FixtureServer:
    """Loopback server: routes by path and query to fixture files; failures can be scripted per request."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        #: substring of the request target -> directives served first, in order: an HTTP status (int),
        #: "html" (200 with a non-JSON body) or "slow" (sleep 1 s, then serve the fixture).
        self.plan: dict[str, list[int | str]] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.root = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_urls(self) -> dict[str, str]:
        return {"cbs": f"{self.root}/cbs", "dataderden": f"{self.root}/dataderden", "pdok": f"{self.root}/pdok"}

    def __enter__(self) -> FixtureServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def _directive(self, target: str) -> int | str | None:
        with self._lock:
            for key, steps in self.plan.items():
                if key in unquote(target) and steps:
                    return steps.pop(0)
        return None

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        target = request.path
        with self._lock:
            self.requests.append(target)
        directive = self._directive(target)
        if directive == "slow":
            time.sleep(1.0)
        elif directive == "html":
            return self.send(request, 200, b"<html><body>Onderhoud</body></html>", "text/html")
        elif isinstance(directive, int):
            body = b'{"odata.error":{"message":{"value":"scripted"}}}'
            return self.send(request, directive, body, "application/json")
        status, body = self.route(target)
        self.send(request, status, body, "application/json;odata=minimalmetadata;charset=utf-8")

    def send(self, request: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
        try:
            request.send_response(status)
            request.send_header("Content-Type", kind)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def fixture(self, name: str) -> bytes | None:
        path = FIXTURES / name
        if not path.exists():
            return None
        return path.read_text(encoding="utf-8").replace("{base}", self.root).encode("utf-8")

    def route(self, target: str) -> tuple[int, bytes]:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        segments = [s for s in parts.path.split("/") if s]
        if segments == ["pdok"]:
            literal = re.search(r"<fes:Literal>(GM\d{4})</fes:Literal>", query.get("filter", ""))
            layer, start = query.get("typeNames"), query.get("startIndex", "0")
            body = self.fixture(f"pdok_{layer}_{literal.group(1) if literal else 'none'}_{start}.json")
            empty = {"type": "FeatureCollection", "numberMatched": 0, "numberReturned": 0, "features": []}
            return 200, body or json.dumps(empty).encode()
        if len(segments) != 3 or not any(FIXTURES.glob(f"{segments[1]}_*")):
            return 404, b'{"odata.error":{"code":"","message":{"lang":"nl-NL","value":"Resource not found"}}}'
        _, table, entity = segments
        number = re.search(r"'(?:GM|WK|BU)(\d{4})", query.get("$filter", ""))
        name = f"{table}_{entity}"
        if number:
            name += f"_{number.group(1)}"
        if "$skip" in query:
            name += "_p2"
        body = self.fixture(f"{name}.json")
        if body is None and number:  # a filter that matches nothing: an empty page
            body = json.dumps({"odata.metadata": f"{self.root}/$metadata#x", "value": []}).encode()
        return (200, body) if body is not None else (404, b'{"odata.error":{}}')


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as srv:
        yield srv


def run(server: FixtureServer, dest: Path, tables: list[str], **kwargs: object) -> tuple[list, list[str]]:
    lines: list[str] = []
    options = {"retries": 2, "timeout": (2, 5), "backoff": 0, "pdok_page_size": 2, **kwargs}
    results = download.download_all(
        dest, base_urls=server.base_urls, progress=lines.append, tables=tables, **options
    )
    return results, lines


def test_odata_download_follows_paging_and_saves_metadata(server: FixtureServer, tmp_path: Path) -> None:
    results, lines = run(server, tmp_path, ["50090NED"])

    path = tmp_path / "downloads" / "cbs-odata" / "50090NED.json"
    assert [(r.source, r.path, r.rows) for r in results] == [("50090NED", path, 5)]
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["table"] == "50090NED"
    assert saved["base_url"] == f"{server.root}/dataderden/50090NED/"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", saved["downloaded"])
    # Amsterdam page 1 (2 rows) + page 2 via odata.nextLink (2 rows) + Utrecht (1 row); Den Haag/Rotterdam empty.
    assert [r["ID"] for r in saved["value"]] == [2765, 2768, 2771, 8165, 43691]
    assert saved["value"][1]["WijkenEnBuurten"] == "WK036300  "  # as the feed gives it
    assert [p["Key"] for p in saved["DataProperties"]][:4] == ["Leeftijd", "Marges", "WijkenEnBuurten", "Perioden"]
    assert saved["TableInfos"][0]["Identifier"] == "50090NED"
    assert saved["WijkenEnBuurten"] == [
        {"Key": "GM0363    ", "Title": "Amsterdam"},
        {"Key": "WK036300  ", "Title": "Burgwallen-Oude Zijde  "},
        {"Key": "BU03630000", "Title": "Kop Zeedijk"},
        {"Key": "GM0344    ", "Title": "Utrecht"},
    ]
    assert any("pagina 2, 4 rijen tot nu toe" in line for line in lines)
    assert any("50090NED GM0344: 1 rijen (totaal 5)" in line for line in lines)
    # The page-2 request is the nextLink itself.
    assert sum("$skip=2" in r for r in server.requests) == 1


def test_odata_filter_per_gemeente_is_sent_percent_encoded(server: FixtureServer, tmp_path: Path) -> None:
    run(server, tmp_path, ["50090NED"])

    data_requests = [r for r in server.requests if "/UntypedDataSet?" in r and "$skip" not in r]
    assert len(data_requests) == 4
    assert all("+" not in r and " " not in r for r in data_requests)
    filters = [parse_qs(urlsplit(r).query)["$filter"][0] for r in data_requests]
    assert filters[0] == (
        "(startswith(WijkenEnBuurten,'GM0363') or startswith(WijkenEnBuurten,'WK0363') or "
        "startswith(WijkenEnBuurten,'BU0363')) and Marges eq 'MW00000' and "
        "(Leeftijd eq '20300' or Leeftijd eq '80200')"
    )
    assert [re.search(r"'GM(\d{4})'", f).group(1) for f in filters] == ["0363", "0518", "0599", "0344"]
    dimension = [r for r in server.requests if "/50090NED/WijkenEnBuurten?" in r]
    assert parse_qs(urlsplit(dimension[0]).query)["$filter"][0] == (
        "startswith(Key,'GM0363') or startswith(Key,'WK0363') or startswith(Key,'BU0363')"
    )


def test_saved_odata_file_reads_back(server: FixtureServer, tmp_path: Path) -> None:
    run(server, tmp_path, ["50090NED", "85984NED"])

    path = tmp_path / "downloads" / "cbs-odata" / "85984NED.json"
    assert odata.is_odata_file(path)
    frame, meta = odata.read(path)
    assert list(frame["WijkenEnBuurten"]) == ["GM0363", "WK0363AA", "BU0363AA01"]
    assert frame.loc[2, "GemiddeldeWOZWaardeVanWoningen_39"] is pd_na()
    assert meta["table"] == "85984NED"
    assert meta["names"]["WK0363AA"] == "Burgwallen-Oude Zijde"

    frame50, meta50 = odata.read(tmp_path / "downloads" / "cbs-odata" / "50090NED.json")
    assert len(frame50) == 5
    assert frame50.loc[2, "Ondergewicht_7"] is pd_na()  # "       ." in the feed
    assert frame50.loc[0, "ErvarenGezondheidGoedZeerGoed_4"] == "78.2"
    assert meta50["names"]["WK036300"] == "Burgwallen-Oude Zijde"


def pd_na() -> object:
    import pandas as pd

    return pd.NA


def test_pdok_layer_is_paged_per_gemeente(server: FixtureServer, tmp_path: Path) -> None:
    results, lines = run(server, tmp_path, ["pdok-wijken"])

    path = tmp_path / "downloads" / "pdok" / "wijkenbuurten_2024_wijken.geojson"
    assert [(r.source, r.path, r.rows) for r in results] == [("pdok-wijken", path, 4)]
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["type"] == "FeatureCollection"
    codes = [f["properties"]["wijkcode"] for f in saved["features"]]
    assert codes == ["WK0363AA", "WK0363AB", "WK0363BC", "WK034400"]
    # Raw properties unchanged, CBS missing markers included.
    assert saved["features"][2]["properties"]["percentagePersonen0Tot15Jaar"] == -99999999
    assert saved["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::28992"
    assert saved["kbz_download"]["srsName"] == "EPSG:28992"
    pdok_requests = [parse_qs(urlsplit(r).query) for r in server.requests if r.startswith("/pdok")]
    # Amsterdam: startIndex 0 (full page of 2) then 2 (1 feature, done); the others one request each.
    literal = re.compile(r"<fes:ValueReference>gemeentecode</fes:ValueReference><fes:Literal>(GM\d{4})</fes:Literal>")
    assert [(literal.search(q["filter"][0]).group(1), q["startIndex"][0]) for q in pdok_requests] == [
        ("GM0363", "0"), ("GM0363", "2"), ("GM0518", "0"), ("GM0599", "0"), ("GM0344", "0")
    ]
    assert all(q["count"] == ["2"] and q["version"] == ["2.0.0"] for q in pdok_requests)
    assert all(q["request"] == ["GetFeature"] and q["srsName"] == ["EPSG:28992"] for q in pdok_requests)
    assert all(q["typeNames"] == ["wijken"] and q["outputFormat"] == ["application/json"] for q in pdok_requests)
    assert any("wijken GM0363: pagina 2, 3 features tot nu toe van 3" in line for line in lines)


def test_server_error_twice_then_success_is_retried(server: FixtureServer, tmp_path: Path) -> None:
    server.plan["/dataderden/50090NED/DataProperties"] = [500, 503]

    results, lines = run(server, tmp_path, ["50090NED"], retries=2)

    assert results[0].rows == 5
    assert sum("/50090NED/DataProperties" in r for r in server.requests) == 3
    assert sum("nieuwe poging" in line for line in lines) == 2


def test_server_error_beyond_retries_fails(server: FixtureServer, tmp_path: Path) -> None:
    server.plan["/dataderden/50090NED/DataProperties"] = [500, 500, 500]

    with pytest.raises(KbzDownloadError, match=r"Serverfout HTTP 500 .* na 3 poging\(en\)"):
        run(server, tmp_path, ["50090NED"], retries=2)
    assert sum("/50090NED/DataProperties" in r for r in server.requests) == 3


def test_closed_port_gives_dutch_no_network_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    urls = {"cbs": base, "dataderden": base, "pdok": base}

    with pytest.raises(KbzDownloadError) as caught:
        download.download_all(tmp_path, base_urls=urls, progress=lambda _: None, tables=["85984NED"],
                              retries=1, timeout=(1, 1), backoff=0)
    message = str(caught.value)
    assert message.startswith("Geen verbinding met 127.0.0.1 (no network connection) na 2 poging(en): ")
    assert f"{base}/85984NED/TableInfos?$format=json" in message
    assert not (tmp_path / "downloads" / "cbs-odata" / "85984NED.json").exists()


def test_not_found_names_url_and_status(server: FixtureServer, tmp_path: Path) -> None:
    with pytest.raises(KbzDownloadError) as caught:
        run(server, tmp_path, ["85163NED"])
    assert str(caught.value).startswith(f"HTTP 404 voor {server.root}/cbs/85163NED/TableInfos?$format=json")
    assert sum("/85163NED/" in r for r in server.requests) == 1  # a 4xx is not retried


def test_non_json_answer_names_url_and_status(server: FixtureServer, tmp_path: Path) -> None:
    server.plan["/cbs/85984NED/TableInfos"] = ["html"]

    with pytest.raises(KbzDownloadError, match=r"Geen JSON-antwoord \(not JSON\) van http://127\.0\.0\.1:\d+/cbs/"
                                               r"85984NED/TableInfos\?\$format=json: HTTP 200, Content-Type text/html"):
        run(server, tmp_path, ["85984NED"])


def test_read_timeout_is_retried_then_reported(server: FixtureServer, tmp_path: Path) -> None:
    server.plan["/cbs/85984NED/TableInfos"] = ["slow", "slow"]

    with pytest.raises(KbzDownloadError, match=r"^Time-out bij 127\.0\.0\.1 na 2 poging\(en\)"):
        run(server, tmp_path, ["85984NED"], retries=1, timeout=(1, 0.2))


def test_failed_download_leaves_earlier_file_byte_identical(server: FixtureServer, tmp_path: Path) -> None:
    run(server, tmp_path, ["50090NED", "pdok-wijken"])
    odata_file = tmp_path / "downloads" / "cbs-odata" / "50090NED.json"
    pdok_file = tmp_path / "downloads" / "pdok" / "wijkenbuurten_2024_wijken.geojson"
    before = odata_file.read_bytes(), pdok_file.read_bytes()

    # Fail on the second page, after page 1 already arrived; then on the WFS second page.
    server.plan["$skip=2"] = [500] * 3
    with pytest.raises(KbzDownloadError, match="Serverfout HTTP 500"):
        run(server, tmp_path, ["50090NED"])
    server.plan["startIndex=2"] = [404]
    with pytest.raises(KbzDownloadError, match="HTTP 404 voor"):
        run(server, tmp_path, ["pdok-wijken"])

    assert (odata_file.read_bytes(), pdok_file.read_bytes()) == before
    leftovers = [p.name for p in (tmp_path / "downloads").rglob("*") if p.is_file() and p.suffix == ".part"]
    assert leftovers == []


def test_no_rows_at_all_is_an_error_and_writes_nothing(server: FixtureServer, tmp_path: Path) -> None:
    with pytest.raises(KbzDownloadError, match=r"85984NED: geen enkele rij voor GM0518, GM0599"):
        run(server, tmp_path, ["85984NED"], gemeenten=["GM0518", "GM0599"])
    assert not (tmp_path / "downloads").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tables": ["85984NED", "kwb"]}, "onbekende bron(nen) ['kwb']; toegestaan: 50090NED, 85163NED, 85984NED, "
                                           "pdok-wijken, pdok-buurten"),
        ({"base_urls": {"statline": "http://127.0.0.1:9"}}, "onbekende base_urls-sleutel(s) ['statline']"),
    ],
)
def test_bad_arguments_are_rejected_before_any_request(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(KbzDownloadError) as caught:
        download.download_all(tmp_path, progress=lambda _: None, **kwargs)
    assert str(caught.value).startswith(message)


def test_build_url_encodes_spaces_as_percent_20() -> None:
    url = download.build_url("http://h/odata/T/UntypedDataSet", {"$format": "json", "$filter": "Marges eq 'MW00000'"})
    assert url == "http://h/odata/T/UntypedDataSet?$format=json&$filter=Marges%20eq%20'MW00000'"


def test_atomic_write_json_keeps_old_file_when_serialising_fails(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    target.write_text('{"old": true}', encoding="utf-8")
    with pytest.raises(TypeError):
        atomic_write_json(target, {"bad": object()})
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
