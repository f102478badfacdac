"""Shared fixtures: tiny inputs in the real raw formats; XLSX files are written at test time with openpyxl."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent

RIVM_COLUMNS = [
    "ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
    "ErvarenGezondheidGoedZeerGoed_4", "VoldoetAanBeweegrichtlijn_5", "WekelijkseSporters_6", "Ondergewicht_7",
    "NormaalGewicht_8", "Overgewicht_9", "ErnstigOvergewicht_10", "Roker_11", "VoldoetAanAlcoholRichtlijn_12",
    "Drinker_13", "ZwareDrinker_14", "OvermatigeDrinker_15", "EenOfMeerLangdurigeAandoeningen_16",
    "BeperktVanwegeGezondheid_17", "ErnstigBeperktVanwegeGezondheid_18", "LangdurigeZiekteEnBeperkt_19",
    "EenOfMeerLichamelijkeBeperkingen_20", "BeperkingInHoren_21", "BeperkingInZien_22", "BeperkingInBewegen_23",
    "MatigHoogRisicoOpAngstOfDepressie_24", "HoogRisicoOpAngstOfDepressie_25", "HeelVeelStressInAfgelopen4Weken_26",
    "MatigVeelRegieOverEigenLeven_27", "Eenzaam_28", "ErnstigZeerErnstigEenzaam_29", "EmotioneelEenzaam_30",
    "SociaalEenzaam_31", "Mantelzorger_32", "Vrijwilligerswerk_33", "LopenEnOfFietsenNaarSchoolOfWerk_34",
    "LopenNaarSchoolOfWerk_35", "FietsenNaarSchoolOfWerk_36", "ErnstigeGeluidhinderDoorBuren_37",
    "MoeiteMetRondkomen_38",
]

#: (code, soort, leeftijd, perioden, first value) rows of the mini 50090NED export; values are padded text.
RIVM_ROWS = [
    ("NL01", "Land", "20300", "2020JJ00", 78.9),
    ("GM0344", "Gemeente", "20300", "2020JJ00", 81.5),
    ("WK034401", "Wijk", "20300", "2020JJ00", 82.0),
    ("BU03440101", "Buurt", "20300", "2020JJ00", 83.1),
    ("BU03440102", "Buurt", "20300", "2020JJ00", None),
    ("BU03440101", "Buurt", "80200", "2020JJ00", 60.4),
    ("BU03440101", "Buurt", "20300", "2016JJ00", 80.0),
    ("BU03440101", "Buurt", "20300", "2012JJ00", 80.2),
    ("GM1680", "Gemeente", "20300", "2020JJ00", 76.5),
]


def rivm_value(row_index: int, column_index: int) -> float | None:
    """The deterministic value of indicator column ``column_index`` (8..42) in mini row ``row_index``."""
    first = RIVM_ROWS[row_index][4]
    if first is None:
        return None
    return round(first - (column_index - 8) * 1.7 % 60, 1) if column_index > 8 else first


def write_rivm_xlsx(path: Path, marges: str = "MW00000") -> Path:
    """Write a mini 50090NED UntypedDataSet export with padded codes, as StatLine does."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "50090NED_UntypedDataSet_1305202"
    sheet.append(RIVM_COLUMNS)
    for i, (code, soort, leeftijd, perioden, _first) in enumerate(RIVM_ROWS):
        cells = [i * 3, int(leeftijd), marges, code.ljust(10), perioden, "Utrecht".ljust(40), soort.ljust(10),
                 code.ljust(20)]
        for j in range(8, len(RIVM_COLUMNS)):
            value = rivm_value(i, j)
            cells.append(None if value is None else f"{value:8.1f}")
        sheet.append(cells)
    book.save(path)
    return path


KWB_XLSX_COLUMNS = ["gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi", "a_inw", "a_hh",
                    "bev_dich", "g_wozbag", "p_koopw", "g_ink_pi", "a_soz_wb"]
KWB_XLSX_ROWS = [
    ["GM0344", "0344", "Utrecht", "Utrecht", "Gemeente", "GM0344", 1, 367947, 187640, 3924, 458, 44, ".", 10410],
    ["WK034401", "034401", "Wijk 01 West", "Utrecht", "Wijk", "WK034401", 1, 29040, 15480, 3586, 451, 51, ".", 710],
    ["BU03440101", "03440101", "Welgelegen, Den Hommel", "Utrecht", "Buurt", "BU03440101", 1, 1810, 1070, 5029, 430,
     44, ".", 10],
]


def write_kwb_xlsx(path: Path) -> Path:
    """Write a mini kwb-20xx.xlsx in CBS's download layout ('.' for empty)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "kwb-2023"
    sheet.append(KWB_XLSX_COLUMNS)
    for row in KWB_XLSX_ROWS:
        sheet.append(row)
    book.save(path)
    return path


def write_mini_sources(root: Path) -> Path:
    """Write a sources folder with one tiny file per raw format, all about the same few Utrecht areas."""
    (root / "rivm").mkdir(parents=True)
    (root / "kwb").mkdir()
    (root / "geo").mkdir()
    write_rivm_xlsx(root / "rivm" / "gezondheid_2020_18+.xlsx")
    write_kwb_xlsx(root / "kwb" / "kwb-2023.xlsx")
    for name in ("kwb2024_codes.csv", "kwb2024_herkomst.csv", "ses_woa_85163NED.csv"):
        shutil.copy(FIXTURES / "statline" / name, root / "kwb" / name)
    shutil.copy(FIXTURES / "woonikveilig" / "GM0344.json", root / "GM0344.json")
    shutil.copy(FIXTURES / "geo" / "buurten_topo.json", root / "geo" / "buurten.json")
    (root / "geo" / "derived_G4_wijken.geojson").write_text("{}", encoding="utf-8")
    (root / "MANIFEST.md").write_text("# test\n", encoding="utf-8")
    return root


@pytest.fixture
def mini_sources(tmp_path: Path) -> Path:
    """A fresh mini sources folder of this test (it may change it)."""
    return write_mini_sources(tmp_path / "sources")


#: KBZ_SOURCES as the session found it (read before any test's monkeypatch can change it).
_REAL_SOURCES = os.environ.get("KBZ_SOURCES")


@pytest.fixture(scope="session")
def real_sources() -> Path:
    """The staged raw files (``$KBZ_SOURCES``); tests using it are skipped when it is not set."""
    if not _REAL_SOURCES:
        pytest.skip("KBZ_SOURCES is niet gezet: integratietest op de echte bronbestanden overgeslagen")
    path = Path(_REAL_SOURCES)
    if not path.is_dir():
        pytest.fail(f"KBZ_SOURCES={_REAL_SOURCES} bestaat niet")
    return path


@dataclass(frozen=True)
class BuiltStore:
    """A store built once per test session; read it, never write to it (the guard fixtures check)."""

    sources: Path
    store: Path
    report: Any


def _build_once(sources: Path, store_dir: Path) -> BuiltStore:
    from kbz_data.store.build import build

    return BuiltStore(sources, store_dir, build(sources, store_dir))


@pytest.fixture(scope="session")
def real_store(real_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The store built from ``$KBZ_SOURCES``, once per session (about 6 s); read-only."""
    return _build_once(real_sources, tmp_path_factory.mktemp("real_store"))


@pytest.fixture(scope="session")
def mini_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    """The store built from the mini sources, once per session; read-only (copy it to change it)."""
    root = tmp_path_factory.mktemp("mini")
    return _build_once(write_mini_sources(root / "sources"), root / "store")


@pytest.fixture
def unchanged_real_store(real_store: BuiltStore) -> Iterator[BuiltStore]:
    """:func:`real_store`, failing the test that wrote to it."""
    before = snapshot_tree(real_store.store)
    yield real_store
    assert snapshot_tree(real_store.store) == before, "een test schreef in de gedeelde echte opslag"


# --- The app on the mini store (AppTest) ----------------------------------------------------------------------

APP = str(REPO / "app.py")


@pytest.fixture
def app_store(mini_store: BuiltStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The session's mini store, read-only, with KBZ_STORE/KBZ_SOURCES pointing at it (for AppTest).

    The test fails if it wrote anything into the shared store or sources; a test that writes uses
    :func:`practice_app_store`. Streamlit's caches are keyed by store folder and build time, so tests on this
    store share them as a server's sessions do: a test that patches code behind a cache also needs its own copy.
    """
    before = snapshot_tree(mini_store.store), snapshot_tree(mini_store.sources)
    monkeypatch.setenv("KBZ_STORE", str(mini_store.store))
    monkeypatch.setenv("KBZ_SOURCES", str(mini_store.sources))
    yield mini_store.store
    after = snapshot_tree(mini_store.store), snapshot_tree(mini_store.sources)
    assert after == before, "een test schreef in de gedeelde mini-opslag; gebruik practice_app_store"


def copy_store(mini_store: BuiltStore, tmp_path: Path) -> Path:
    """A private copy of the session's mini store (for a test that writes to it)."""
    store_dir = tmp_path / "store"
    shutil.copytree(mini_store.store, store_dir)
    return store_dir


@pytest.fixture
def practice_app_store(mini_store: BuiltStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the mini store, with KBZ_STORE/KBZ_SOURCES pointing at it: uploads may write to it (the
    practice database is the SQLite file in its practice folder).

    The app runs in local mode as on a loopback address (no ``[auth]``: the one local user is beheerder), so the
    practice pages work as they do for ``./start.sh``; tests of other roles set ``AppTest.user`` and secrets.
    """
    store_dir = copy_store(mini_store, tmp_path)
    monkeypatch.setenv("KBZ_STORE", str(store_dir))
    monkeypatch.setenv("KBZ_SOURCES", str(mini_store.sources))
    monkeypatch.delenv("KBZ_DATABASE_URL", raising=False)
    monkeypatch.setattr("kbz_data.ui.auth.server_address", lambda: "127.0.0.1")
    return store_dir


def open_page(page: str, params: dict[str, str] | None = None, timeout: int = 90):
    """Run the entry point, then switch to ``page``, as a visitor following a link would."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    return at


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes); empty when ``root`` does not exist."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- A real server and Chromium (browser tests) ----------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]



def wait_until_healthy(url: str, log_path: Path, seconds: float = 60) -> None:
    """Wait until the streamlit server at ``url`` answers its health check; fail with its log otherwise."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"streamlit-server startte niet binnen {seconds:.0f} s: " + log_path.read_text())

@contextlib.contextmanager
def streamlit_server(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """URL of a streamlit server on 127.0.0.1 (a free port) running the app with ``env`` added to the
    environment; its output goes to ``log_path``; stopped by PID afterwards."""
    import subprocess
    import sys

    port = _free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", APP, "--server.address", "127.0.0.1", "--server.port",
             str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url, log_path)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def served_store(mini_store: BuiltStore, tmp_path: Path):
    """(url, store folder) of a streamlit server on 127.0.0.1 serving the app on a private copy of the mini store
    (uploads may write to it); started by the test and stopped by PID."""
    store_dir = copy_store(mini_store, tmp_path)
    env = {"KBZ_STORE": str(store_dir), "KBZ_SOURCES": str(mini_store.sources)}
    with streamlit_server(env, tmp_path / "server.log") as url:
        yield url, store_dir


@pytest.fixture
def server(served_store) -> str:
    """URL of the server of :func:`served_store`."""
    return served_store[0]


@pytest.fixture
def snapshot_server(tmp_path: Path) -> Iterator[str]:
    """A streamlit server on 127.0.0.1 on the committed snapshot (real shapes of all four cities; read only, no
    sources), stopped by PID."""
    env = {"KBZ_STORE": str(REPO / "data" / "snapshot"), "KBZ_SOURCES": str(tmp_path / "geen_bronnen"),
           "KBZ_DATA_DIR": str(tmp_path / "local")}
    with streamlit_server(env, tmp_path / "server.log") as url:
        yield url


def wait_idle(page) -> None:
    """Wait until a Streamlit page has drawn and its run has finished (no running indicator, nothing faded)."""
    page.wait_for_selector("h1", timeout=90_000)
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=90_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
    page.wait_for_timeout(800)


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the background services that would call out switched off."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def watch_requests(page, outside: list[str]) -> None:
    """Record in ``outside`` every request of ``page`` that would leave the machine."""
    from urllib.parse import urlparse

    def check(request) -> None:
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if urlparse(request.url).hostname not in ("127.0.0.1", "localhost"):
            outside.append(request.url)

    page.on("request", check)
