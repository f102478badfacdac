"""The first-run build (no store yet, sources present) runs in a background thread of the server: a visitor who
closes the tab mid-build does not stop it, and a second visitor follows the same build instead of starting one."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kbz_data.errors import KbzSourceError
from kbz_data.store import build as build_module
from kbz_data.store import first_run, storage
from tests.conftest import REPO

APP = str(REPO / "app.py")


def test_build_runs_on_when_the_first_visitor_leaves(mini_sources: Path, tmp_path: Path, monkeypatch) -> None:
    store_dir = tmp_path / "nieuw"
    monkeypatch.setenv("KBZ_STORE", str(store_dir))
    monkeypatch.setenv("KBZ_SOURCES", str(mini_sources))
    real_build = build_module.build
    calls: list[str] = []
    started, gate = threading.Event(), threading.Event()

    def held_build(sources_dir, target, progress=None):  # noqa: ANN001, ANN202 - the signature of build()
        """The real build, held after its first progress step until the test lets it go (at most 40 s: a build in
        the visitor's own script run holds up AppTest's stop until then, and is then stopped with the run)."""
        calls.append(str(target))
        progress(0.05, f"Bronbestanden zoeken in {sources_dir}")
        started.set()
        gate.wait(40)
        return real_build(sources_dir, target, progress=progress)

    monkeypatch.setattr(build_module, "build", held_build)

    # The first visitor opens the app and leaves while the build runs: Streamlit stops the script run of the session
    # (AppTest does the same when a run takes longer than its timeout).
    with pytest.raises(RuntimeError, match="timed out"):
        AppTest.from_file(APP, default_timeout=15).run()
    assert started.is_set(), "de bouw was nog niet begonnen toen de bezoeker wegging"
    # A second visitor in the meantime follows the same build: no second one.
    with pytest.raises(RuntimeError, match="timed out"):
        AppTest.from_file(APP, default_timeout=5).run()
    assert len(calls) == 1, calls
    status = first_run.start(mini_sources, store_dir).status()
    assert (status.state, status.fraction) == (first_run.RUNNING, 0.05)
    assert status.message.startswith("Bronbestanden zoeken in")
    assert not storage.exists(store_dir)

    gate.set()
    deadline = time.monotonic() + 120
    while not storage.exists(store_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert storage.exists(store_dir), "de opslag werd niet afgebouwd nadat de bezoeker wegging"
    assert first_run.start(mini_sources, store_dir).wait(30)
    assert len(calls) == 1, calls

    at = AppTest.from_file(APP, default_timeout=60).run()  # the next visitor gets the dashboard on the new store
    assert not at.exception, at.exception
    assert at.title[0].value == "KBZ wijkdashboard"
    assert not at.progress and not at.error


def test_failed_build_keeps_its_error_until_retried(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []

    def broken_build(sources_dir, target, progress=None):  # noqa: ANN001, ANN202 - the signature of build()
        calls.append(str(target))
        progress(0.3, "Gezondheidsmonitor lezen")
        raise KbzSourceError("rivm.xlsx", "kolom 'Codering_3' ontbreekt")

    monkeypatch.setattr(build_module, "build", broken_build)
    run = first_run.start(tmp_path / "bronnen", tmp_path / "opslag")
    assert run.wait(30)
    status = run.status()
    assert status.state == first_run.FAILED and status.fraction == 0.3
    assert status.error == str(KbzSourceError("rivm.xlsx", "kolom 'Codering_3' ontbreekt"))
    assert first_run.start(tmp_path / "bronnen", tmp_path / "opslag") is run  # every visitor sees this error
    again = first_run.start(tmp_path / "bronnen", tmp_path / "opslag", retry=True)  # "Opnieuw bouwen"
    assert again is not run and again.wait(30) and len(calls) == 2

    def crashing_build(sources_dir, target, progress=None):  # noqa: ANN001, ANN202
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(build_module, "build", crashing_build)
    crashed = first_run.start(tmp_path / "bronnen", tmp_path / "andere_opslag")
    assert crashed.wait(30)
    assert crashed.status().state == first_run.FAILED
    assert crashed.status().error.startswith("Onverwachte fout bij het bouwen (ZeroDivisionError)")


def test_failed_first_run_shows_the_error_and_builds_again_on_request(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KBZ_STORE", str(tmp_path / "opslag"))
    monkeypatch.setenv("KBZ_SOURCES", str(tmp_path / "bronnen"))
    calls: list[str] = []

    def broken_build(sources_dir, target, progress=None):  # noqa: ANN001, ANN202 - the signature of build()
        calls.append(str(target))
        raise KbzSourceError(Path(sources_dir) / "rivm.xlsx", "kolom 'Codering_3' ontbreekt")

    monkeypatch.setattr(build_module, "build", broken_build)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert "De gegevensopslag kon niet worden gebouwd" in at.error[0].value
    said = "\\$KBZ\\_SOURCES/rivm.xlsx: kolom 'Codering\\_3' ontbreekt"  # the folder named, Markdown escaped
    assert said in at.error[0].value and str(tmp_path) not in at.error[0].value
    at.run()  # a rerun (or another visitor) sees the same error, without building again
    assert len(calls) == 1 and said in at.error[0].value
    at.button(key="eerste_bouw_opnieuw").click().run()
    assert not at.exception, at.exception
    assert len(calls) == 2, calls
    assert "De gegevensopslag kon niet worden gebouwd" in at.error[0].value
