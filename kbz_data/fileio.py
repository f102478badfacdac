"""The one atomic file writer: used by the downloader, the demo generator and the practice upload store.

A write goes to a temporary file in the target's folder, is flushed and fsynced, then ``os.replace``d over the
target, and the folder is fsynced; on any failure the temporary file is removed and the old target is untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, before_replace: Callable[[], None] | None = None) -> None:
    """Write ``data`` to ``path`` atomically.

    Parameters
    ----------
    before_replace
        Called after the temporary file is written and synced, just before ``os.replace`` (a test hook for
        crash tests).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{path.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_json(path: Path, document: Any) -> None:
    """Serialise ``document`` as compact UTF-8 JSON first (a failure leaves nothing behind), then write atomically."""
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    atomic_write_bytes(path, data)
