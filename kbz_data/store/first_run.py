"""The first-run build of the store (app.py, when there is no store yet and sources are present), in a background
thread of the server process.

The build used to run inside the first visitor's script run, so closing that tab (Streamlit stops the run with its
session) stopped the build halfway, and every visitor in the meantime started a build of its own. Here one build
per store folder runs per process, in a daemon thread guarded by a lock: every visitor reads the same progress
(:meth:`FirstRunBuild.status`), and a visitor leaving changes nothing. The build itself is atomic
(:func:`kbz_data.store.build.build` writes to a temporary folder and ``build.json`` last), so a server stopped
mid-build leaves no half store behind. No Streamlit here: app.py draws the progress.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from kbz_data.errors import KbzDataError
from kbz_data.store import build as build_module
from kbz_data.store import storage

LOG = logging.getLogger(__name__)

RUNNING = "running"
DONE = "done"
FAILED = "failed"


@dataclass(frozen=True)
class BuildStatus:
    """Where a first-run build is.

    Attributes
    ----------
    state
        :data:`RUNNING`, :data:`DONE` or :data:`FAILED`.
    fraction
        Progress from 0 to 1 (as reported by the build).
    message
        The last progress message (may name the sources or store folder; hide paths before showing it).
    error
        The error message when the build failed (a KbzDataError's text), else None.
    """

    state: str
    fraction: float
    message: str
    error: str | None = None


class FirstRunBuild:
    """One build of ``store_dir`` from ``sources_dir`` in a daemon thread; start it with :func:`start`."""

    def __init__(self, sources_dir: Path, store_dir: Path) -> None:
        self.sources_dir = sources_dir
        self.store_dir = store_dir
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._status = BuildStatus(RUNNING, 0.0, "Starten")
        self._thread = threading.Thread(target=self._run, name=f"kbz-eerste-bouw-{store_dir.name}", daemon=True)

    def _progress(self, fraction: float, message: str) -> None:
        with self._lock:
            self._status = BuildStatus(RUNNING, min(max(float(fraction), 0.0), 1.0), message)

    def _run(self) -> None:
        try:
            build_module.build(self.sources_dir, self.store_dir, progress=self._progress)
        except KbzDataError as exc:
            self._finish(BuildStatus(FAILED, self._status.fraction, self._status.message, str(exc)))
        except Exception as exc:  # a bug: logged with its traceback, and the visitors get a message, not a spinner
            LOG.exception("first-run build of %s failed", self.store_dir)
            self._finish(BuildStatus(FAILED, self._status.fraction, self._status.message,
                                     f"Onverwachte fout bij het bouwen ({type(exc).__name__}); zie het serverlog."))
        else:
            self._finish(BuildStatus(DONE, 1.0, "Klaar"))

    def _finish(self, status: BuildStatus) -> None:
        with self._lock:
            self._status = status
        self._finished.set()

    def status(self) -> BuildStatus:
        """The current state, fraction and message (safe to call from any thread)."""
        with self._lock:
            return self._status

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the build has finished (or ``timeout`` seconds); True when it has."""
        return self._finished.wait(timeout)


_RUNS: dict[tuple[Path, Path], FirstRunBuild] = {}
_RUNS_LOCK = threading.Lock()


def start(sources_dir: str | Path, store_dir: str | Path, retry: bool = False) -> FirstRunBuild:
    """The first-run build of ``store_dir`` in this process: the one already running (or failed: its error stays
    until ``retry``), else a new one started now in a background thread.

    A build that finished while its store is missing again (someone removed it) is started anew.
    """
    key = (Path(sources_dir).resolve(), Path(store_dir).resolve())
    with _RUNS_LOCK:
        run = _RUNS.get(key)
        if run is not None:
            state = run.status().state
            if (state == RUNNING or (state == FAILED and not retry)
                    or (state == DONE and storage.exists(run.store_dir))):
                return run
        run = FirstRunBuild(Path(sources_dir), Path(store_dir))
        _RUNS[key] = run
        run._thread.start()
        return run
