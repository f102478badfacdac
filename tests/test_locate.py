"""Store resolution (kbz_data/store/locate.py): order, the snapshot read-only, practice uploads beside it, the
download-and-build path on a loopback server, and the pages on the snapshot (AppTest)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kbz_data import config
from kbz_data.errors import KbzDataError, KbzDownloadError
from kbz_data.practice import upload_store
from kbz_data.sources import download
from kbz_data.store import locate, storage
from kbz_data.store.build import build
from kbz_data.text import fmt_date, fmt_datetime
from tests.conftest import APP, snapshot_tree
from tests.test_download import FixtureServer

GOOD = (b"praktijk_code;periode;kengetal;teller;noemer\n"
        b"RTD-BLOEMHOF-1;2024Q4;consulten;4.321;\n")


@pytest.fixture
def fake_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository folder with nothing beside it; the real snapshot stays the snapshot."""
    root = tmp_path / "kloon" / "repo"
    root.mkdir(parents=True)
    monkeypatch.setattr(locate, "REPO_ROOT", root)
    monkeypatch.setattr(config, "REPO_ROOT", root)
    for var in ("KBZ_STORE", "KBZ_SOURCES", "KBZ_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    return root


def test_order_env_store_then_data_store_then_sources_then_snapshot(fake_repo: Path, mini_sources: Path,
                                                                     tmp_path: Path) -> None:
    assert locate.resolve({}).kind == locate.KIND_SNAPSHOT
    assert locate.resolve({}).store_dir == locate.SNAPSHOT_DIR and locate.resolve({}).read_only

    shared = fake_repo.parent / "shared" / "sources"
    shutil.copytree(mini_sources, shared)
    choice = locate.resolve({})
    assert (choice.kind, choice.store_dir, choice.sources_dir) == (locate.KIND_BUILD, fake_repo / "data" / "store",
                                                                   shared)
    assert "../shared/sources" in choice.reason

    local = fake_repo / "data" / "sources"
    shutil.copytree(mini_sources, local)
    assert locate.resolve({}).sources_dir == local
    env_sources = {"KBZ_SOURCES": str(mini_sources)}
    assert locate.resolve(env_sources).sources_dir == mini_sources
    # An explicit $KBZ_SOURCES is used even when it is wrong, so the build reports it instead of hiding it.
    assert locate.resolve({"KBZ_SOURCES": str(tmp_path / "nergens")}).kind == locate.KIND_BUILD

    env_store = tmp_path / "eigen"
    assert locate.resolve({"KBZ_STORE": str(env_store)}).store_dir == env_store  # the build goes there
    build(mini_sources, fake_repo / "data" / "store")
    assert locate.resolve({"KBZ_STORE": str(env_store)}).store_dir == fake_repo / "data" / "store"
    build(mini_sources, env_store)
    choice = locate.resolve({"KBZ_STORE": str(env_store), **env_sources})
    assert (choice.kind, choice.store_dir) == (locate.KIND_STORE, env_store)


def test_paths_shown_to_users_are_never_absolute(fake_repo: Path, tmp_path: Path) -> None:
    env = {"KBZ_STORE": str(tmp_path / "s")}
    assert locate.display_path(tmp_path / "s", env) == "$KBZ_STORE"
    assert locate.display_path(fake_repo / "data" / "store", {}) == "data/store"
    assert locate.display_path(fake_repo.parent / "shared" / "sources", {}) == "../shared/sources"
    shown = locate.display_path(Path("/srv/geheim/pad/bronnen"), {})
    assert not shown.startswith("/") and "geheim" not in shown
    message = locate.hide_paths(f"bronmap {tmp_path / 'x'} bestaat niet", [tmp_path / "x"], {})
    assert str(tmp_path) not in message and "bestaat niet" in message


def test_practice_uploads_on_the_snapshot_go_to_the_local_folder(fake_repo: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert locate.practice_dir(locate.SNAPSHOT_DIR) == fake_repo / "data" / "local" / "praktijk"
    monkeypatch.setenv("KBZ_DATA_DIR", str(tmp_path / "lokaal"))
    assert upload_store.folder(locate.SNAPSHOT_DIR) == tmp_path / "lokaal" / "praktijk"
    assert upload_store.folder(tmp_path / "store") == tmp_path / "store" / "praktijk"
    before = snapshot_tree(locate.SNAPSHOT_DIR)
    event = upload_store.commit(locate.SNAPSHOT_DIR, GOOD, "cijfers.csv")
    assert event["versie"] == 1 and (tmp_path / "lokaal" / "praktijk" / "journal.json").is_file()
    figures = upload_store.current_figures(locate.SNAPSHOT_DIR)
    assert "upload" in set(figures["herkomst"])
    upload_store.undo_last(locate.SNAPSHOT_DIR)
    assert snapshot_tree(locate.SNAPSHOT_DIR) == before


def test_data_line_says_snapshot_or_sources(mini_sources: Path, tmp_path: Path) -> None:
    info = storage.read_build_info(locate.SNAPSHOT_DIR)
    line = locate.data_line(locate.SNAPSHOT_DIR, info)
    assert f"momentopname van {fmt_date(info['momentopname']['datum'])}" in line and "data/snapshot" in line
    build(mini_sources, tmp_path / "store")
    line = locate.data_line(tmp_path / "store", storage.read_build_info(tmp_path / "store"))
    assert "gebouwd op" in line and "bronbestanden in" in line and str(tmp_path) not in line
    gebouwd = storage.read_build_info(tmp_path / "store")["gebouwd"]
    assert f"gebouwd op {fmt_datetime(gebouwd)} uit" in line and gebouwd not in line  # in words, local time


def test_download_and_build_against_a_loopback_server(tmp_path: Path) -> None:
    steps: list[str] = []
    with FixtureServer() as server:
        fetch = functools.partial(download.download_all, base_urls=server.base_urls, retries=1, backoff=0,
                                  timeout=(2, 5), pdok_page_size=2, tables=["50090NED", "85984NED", "pdok-wijken"],
                                  gemeenten=["GM0344", "GM0363"])
        out = locate.download_and_build(tmp_path / "bronnen", tmp_path / "opslag", fetch=fetch,
                                        progress=lambda _f, m: steps.append(m))
    assert storage.exists(out)
    kinds = {item["kind"] for item in storage.read_build_info(out)["bestanden"]}
    assert kinds == {"odata_50090NED", "odata_85984NED", "pdok_wijkenbuurten_2024"}
    assert steps[0] == "Downloaden van CBS en PDOK" and steps[-1] == "Klaar"
    assert all(u.startswith(("/cbs/", "/dataderden/", "/pdok")) for u in server.requests)


def test_download_and_build_reports_without_paths_and_never_writes_the_snapshot(tmp_path: Path) -> None:
    def offline(dest: Path, progress) -> None:
        raise KbzDownloadError("geen verbinding met opendata.cbs.nl")

    with pytest.raises(KbzDataError, match="geen verbinding"):
        locate.download_and_build(tmp_path / "bronnen", tmp_path / "opslag", fetch=offline)

    def nothing(dest: Path, progress) -> None:
        Path(dest).mkdir(parents=True, exist_ok=True)

    with pytest.raises(KbzDataError) as caught:
        locate.download_and_build(tmp_path / "bronnen", tmp_path / "opslag", fetch=nothing)
    assert str(tmp_path) not in str(caught.value)
    with pytest.raises(KbzDataError, match="momentopname"):
        locate.download_and_build(tmp_path / "bronnen", locate.SNAPSHOT_DIR, fetch=nothing)
    assert not storage.exists(tmp_path / "opslag")


def _text(at: AppTest) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "info", "success") for e in getattr(at, kind))


def test_pages_run_on_the_snapshot(fake_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBZ_DATA_DIR", str(tmp_path / "lokaal"))
    monkeypatch.delenv("KBZ_DATABASE_URL", raising=False)
    monkeypatch.setattr("kbz_data.ui.auth.server_address", lambda: "127.0.0.1")  # local mode, as ./start.sh
    before = snapshot_tree(locate.SNAPSHOT_DIR)
    datum = fmt_date(storage.read_build_info(locate.SNAPSHOT_DIR)["momentopname"]["datum"])
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception and not at.error
    assert at.session_state["store_dir"] == str(locate.SNAPSHOT_DIR)
    assert f"momentopname van {datum}" in _text(at)
    headline = at.dataframe[0].value.set_index("Indicator")
    assert headline.loc["Ervaren gezondheid (zeer) goed", "Amsterdam"] == "78,2 %"
    for page in ("kaart", "wijkprofiel", "vergelijken", "budget", "bronnen", "praktijk", "upload"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
    at.switch_page("app_pages/bronnen.py").run()
    assert f"momentopname van {datum}" in _text(at) and "opendata.cbs.nl" in _text(at)
    assert str(tmp_path) not in _text(at) and "/work/" not in _text(at)
    at.switch_page("app_pages/upload.py").run()
    at.file_uploader(key="upload_bestand_0").upload("cijfers.csv", GOOD, "text/csv")
    at.run()
    at.button(key="upload_bevestig").click().run()
    assert any("Opgeslagen als versie 1" in s.value for s in at.success)
    # The upload lands in the practice database of the local folder (no longer a journal.json), not in the snapshot.
    from kbz_data.practice.db.repository import PracticeDb

    assert (tmp_path / "lokaal" / "praktijk" / "praktijk.sqlite").is_file()
    assert PracticeDb(store_dir=locate.SNAPSHOT_DIR).history()["bestandsnaam"].tolist() == ["cijfers.csv"]
    assert snapshot_tree(locate.SNAPSHOT_DIR) == before


def test_bronnen_download_button_builds_a_store(fake_repo: Path, mini_sources: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []

    def fake_download(dest: Path, progress=print, **_kwargs) -> list:
        calls.append(Path(dest))
        shutil.copytree(mini_sources, dest, dirs_exist_ok=True)
        progress("gekopieerd")
        return []

    monkeypatch.setattr(download, "download_all", fake_download)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/bronnen.py").run()
    assert not at.exception and "momentopname van" in _text(at)
    at.button(key="bronnen_download").click().run()
    assert not at.exception, at.exception
    assert calls == [fake_repo / "data" / "sources"]
    assert storage.exists(fake_repo / "data" / "store")
    assert at.session_state["store_dir"] == str(fake_repo / "data" / "store")
    assert "bronbestanden in `data/sources`" in _text(at)
