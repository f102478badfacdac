"""Which store the dashboard runs on: the one place that decides (app.py, ``python -m kbz_data info``, Bronnen).

Order (issue 9, DESIGN.md section 2):

1. ``$KBZ_STORE`` when it holds a built store;
2. ``data/store/`` when it holds a built store;
3. a first-run build from the first sources folder present: ``$KBZ_SOURCES``, ``data/sources/``,
   ``../shared/sources/`` (into ``$KBZ_STORE`` when set, else ``data/store/``). An explicitly set
   ``$KBZ_SOURCES`` is always used, so a wrong value is reported instead of silently falling back;
4. otherwise the committed snapshot ``data/snapshot/``, read in place and never written.

No download happens here: only ``python -m kbz_data download`` or the button on the Bronnen page fetch data.
The practice upload store lives in ``<store>/praktijk`` for a built store and in a writable local folder
(``$KBZ_DATA_DIR`` or ``data/local/``, git-ignored) when the dashboard runs on the snapshot.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kbz_data.config import REPO_ROOT
from kbz_data.errors import KbzDataError
from kbz_data.store import storage
from kbz_data.text import fmt_date, fmt_datetime

SNAPSHOT_DIR = REPO_ROOT / "data" / "snapshot"
#: Folder name of the practice upload store inside the store (or the local data folder).
PRACTICE_FOLDER = "praktijk"

#: How the dashboard got its store.
KIND_STORE = "store"        # an existing built store ($KBZ_STORE or data/store)
KIND_BUILD = "build"        # no store yet: build it from the sources on the first start
KIND_SNAPSHOT = "snapshot"  # the committed snapshot, read-only


@dataclass(frozen=True)
class StoreChoice:
    """The store the dashboard reads, and why.

    Attributes
    ----------
    kind
        :data:`KIND_STORE`, :data:`KIND_BUILD` or :data:`KIND_SNAPSHOT`.
    store_dir
        The folder to read (for ``build``: the folder to build into).
    sources_dir
        The sources folder for ``build`` (None otherwise).
    reason
        One Dutch sentence saying why this store was chosen (no absolute paths).
    """

    kind: str
    store_dir: Path
    sources_dir: Path | None
    reason: str

    @property
    def read_only(self) -> bool:
        """True for the committed snapshot: nothing may be written inside it."""
        return self.kind == KIND_SNAPSHOT


def display_path(path: str | Path, env: Mapping[str, str] | None = None) -> str:
    """A folder as shown to users: relative to the repository, or named by its environment variable.

    Never an absolute server path: a folder outside the repository that is not ``$KBZ_STORE``/``$KBZ_SOURCES``/
    ``$KBZ_DATA_DIR`` is shown by its last two parts only.
    """
    env = os.environ if env is None else env
    path = Path(path)
    resolved = path.resolve()
    for var in ("KBZ_STORE", "KBZ_SOURCES", "KBZ_DATA_DIR"):
        value = env.get(var)
        if value and Path(value).resolve() == resolved:
            return f"${var}"
    if resolved.is_relative_to(REPO_ROOT):
        return str(resolved.relative_to(REPO_ROOT)) or "."
    if resolved.is_relative_to(REPO_ROOT.parent):
        return str(Path("..") / resolved.relative_to(REPO_ROOT.parent))
    return str(Path("…", *resolved.parts[-2:]))


def hide_paths(message: str, paths: list[Path], env: Mapping[str, str] | None = None) -> str:
    """``message`` with every given folder (as written and resolved) replaced by :func:`display_path`."""
    for path in paths:
        shown = display_path(path, env)
        for form in sorted({str(path), str(Path(path).resolve())}, key=len, reverse=True):
            message = message.replace(form, shown)
    return message


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def sources_candidates(env: Mapping[str, str] | None = None) -> list[Path]:
    """The sources folders, in the order they are tried: ``$KBZ_SOURCES``, ``data/sources``, ``../shared/sources``."""
    env = os.environ if env is None else env
    out = [Path(env["KBZ_SOURCES"])] if env.get("KBZ_SOURCES") else []
    return out + [REPO_ROOT / "data" / "sources", REPO_ROOT.parent / "shared" / "sources"]


def resolve(env: Mapping[str, str] | None = None, snapshot_dir: Path | None = None) -> StoreChoice:
    """Decide which store to use (see the module docstring for the order).

    Parameters
    ----------
    env
        The environment to read (``os.environ`` when None); tests pass their own.
    snapshot_dir
        The snapshot folder (:data:`SNAPSHOT_DIR` when None).

    Returns
    -------
    StoreChoice
        Never raises: a missing snapshot is reported when the store is read.
    """
    env = os.environ if env is None else env
    snapshot_dir = SNAPSHOT_DIR if snapshot_dir is None else snapshot_dir
    env_store = Path(env["KBZ_STORE"]) if env.get("KBZ_STORE") else None
    data_store = REPO_ROOT / "data" / "store"
    if env_store is not None and storage.exists(env_store):
        return StoreChoice(KIND_STORE, env_store, None, "gebouwde opslag in $KBZ_STORE")
    if storage.exists(data_store):
        return StoreChoice(KIND_STORE, data_store, None, "gebouwde opslag in data/store")
    target = env_store or data_store
    if env.get("KBZ_SOURCES"):
        return StoreChoice(KIND_BUILD, target, Path(env["KBZ_SOURCES"]), "nog geen opslag; bronmap $KBZ_SOURCES")
    for folder in sources_candidates(env):
        if _has_files(folder):
            return StoreChoice(KIND_BUILD, target, folder, f"nog geen opslag; bronmap {display_path(folder, env)}")
    return StoreChoice(KIND_SNAPSHOT, snapshot_dir, None,
                       "geen gebouwde opslag en geen bronbestanden: de meegeleverde momentopname")


def is_snapshot(store_dir: str | Path) -> bool:
    """True when ``store_dir`` is a snapshot folder (its ``build.json`` says so, or it is ``data/snapshot``)."""
    store_dir = Path(store_dir)
    if store_dir.resolve() == SNAPSHOT_DIR.resolve():
        return True
    try:
        return bool(storage.read_build_info(store_dir).get("momentopname"))
    except KbzDataError:
        return False


def local_dir(env: Mapping[str, str] | None = None) -> Path:
    """The writable local folder: ``$KBZ_DATA_DIR`` or ``data/local`` (git-ignored)."""
    env = os.environ if env is None else env
    return Path(env["KBZ_DATA_DIR"]) if env.get("KBZ_DATA_DIR") else REPO_ROOT / "data" / "local"


def practice_dir(store_dir: str | Path) -> Path:
    """Where the practice upload store lives: ``<store>/praktijk``, or ``<local>/praktijk`` for a snapshot."""
    return (local_dir() if is_snapshot(store_dir) else Path(store_dir)) / PRACTICE_FOLDER


def data_line(store_dir: str | Path, info: Mapping[str, Any]) -> str:
    """One Dutch sentence saying which data the dashboard runs on (Overzicht and Bronnen pages, ``info``)."""
    files = len(info.get("bestanden", []))
    snapshot = info.get("momentopname")
    if snapshot or Path(store_dir).resolve() == SNAPSHOT_DIR.resolve():
        datum = fmt_date(snapshot.get("datum") if isinstance(snapshot, Mapping) else info.get("gebouwd"))
        return (f"Het dashboard draait op de meegeleverde momentopname van {datum}, gebouwd uit {files} openbare"
                f" bronbestanden van CBS, RIVM/GGD'en, Kadaster/PDOK en de Gemeente Amsterdam"
                f" (map `{display_path(store_dir)}`).")
    return (f"Het dashboard draait op een opslag gebouwd op {fmt_datetime(info.get('gebouwd'))} uit {files}"
            f" bronbestanden in `{_shown_sources(info)}`"
            f" (opslag `{display_path(store_dir)}`).")


def _shown_sources(info: Mapping[str, Any]) -> str:
    value = info.get("bronmap")
    return display_path(value) if value else "onbekend"


Fetcher = Callable[..., Any]


def download_plan(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the download button fetches and where it writes, for the Bronnen page (no absolute paths).

    Returns
    -------
    dict
        ``items`` (one Dutch line per table or layer), ``sources_dir`` and ``store_dir`` (the target folders:
        ``$KBZ_SOURCES`` or ``data/sources``, ``$KBZ_STORE`` or ``data/store``) and ``shown_sources`` /
        ``shown_store`` (how they are shown).
    """
    from kbz_data.config import default_sources_dir, default_store_dir
    from kbz_data.sources import download

    env = os.environ if env is None else env
    sources_dir = Path(env["KBZ_SOURCES"]) if env.get("KBZ_SOURCES") else default_sources_dir()
    store_dir = Path(env["KBZ_STORE"]) if env.get("KBZ_STORE") else default_store_dir()
    hosts = {"cbs": "opendata.cbs.nl", "dataderden": "dataderden.cbs.nl"}
    items = [f"{spec.title} (tabel {spec.table}, OData van {hosts.get(spec.catalog, spec.catalog)}), alleen de"
             " vier steden" for spec in download.ODATA_TABLES.values()]
    items += [f"Wijk- en buurtkaart 2024, laag {layer} (PDOK WFS van service.pdok.nl), alleen de vier steden"
              for layer in download.PDOK_LAYERS.values()]
    return {"items": items, "sources_dir": sources_dir, "store_dir": store_dir,
            "shown_sources": display_path(sources_dir, env), "shown_store": display_path(store_dir, env)}


def download_and_build(
    sources_dir: str | Path,
    store_dir: str | Path,
    fetch: Fetcher | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Path:
    """Download the public sources (CBS OData, PDOK WFS) into ``sources_dir``, then build ``store_dir``.

    Only called when the user asks (``python -m kbz_data download`` or the button on the Bronnen page).

    Parameters
    ----------
    sources_dir, store_dir
        Target folders; never the snapshot folder.
    fetch
        ``fetch(dest, progress=...)`` that writes the raw files; :func:`kbz_data.sources.download.download_all`
        when None. Tests inject one that talks to a local HTTP server.
    progress
        ``(fraction 0..1, message)`` callback.

    Returns
    -------
    Path
        The built store folder.

    Raises
    ------
    KbzDataError
        The download or the build failed (messages without absolute paths), or a target is the snapshot.
    """
    from kbz_data.sources import download
    from kbz_data.store.build import build

    sources_dir, store_dir = Path(sources_dir), Path(store_dir)
    progress = progress or (lambda _f, _m: None)
    for folder in (sources_dir, store_dir):
        if folder.resolve().is_relative_to(SNAPSHOT_DIR.resolve()):
            raise KbzDataError("de meegeleverde momentopname (data/snapshot) wordt nooit overschreven")
    fetch = fetch or download.download_all
    progress(0.0, "Downloaden van CBS en PDOK")
    try:
        fetch(sources_dir, progress=lambda line: progress(0.1, str(line)[:120]))
        build(sources_dir, store_dir, progress=lambda f, m: progress(0.5 + f / 2, m))
    except KbzDataError as exc:
        raise KbzDataError(hide_paths(str(exc), [sources_dir, store_dir])) from exc
    return store_dir
