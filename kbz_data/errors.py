"""Exception hierarchy of the data package.

Every error the package raises on purpose is a :class:`KbzDataError`; pages catch only this base class and
show its message. Foreign exceptions (``OSError``, ``zipfile.BadZipFile``, ``requests`` errors, ...) are
translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KbzDataError(Exception):
    """Base class of every deliberate error of ``kbz_data``."""


class KbzSourceError(KbzDataError):
    """A raw source file cannot be read: corrupt, truncated, or not the expected layout.

    Parameters
    ----------
    path
        The file that failed.
    problem
        What is wrong, naming the bad value and what was expected.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (row, column) and why."""

    row: int | str | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"rij {self.row}")
        if self.column is not None:
            where.append(f"kolom {self.column}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason


class KbzValidationError(KbzDataError):
    """A canonical frame breaks the data contract; carries every problem found, not just the first."""

    def __init__(self, what: str, problems: list[Problem], max_listed: int = 50) -> None:
        self.what = what
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems[:max_listed])
        more = len(self.problems) - max_listed
        tail = f"\n  ... en nog {more} problemen" if more > 0 else ""
        super().__init__(f"{what}: {len(self.problems)} probleem/problemen gevonden\n{listed}{tail}")


class KbzDownloadError(KbzDataError):
    """Downloading from an official service failed (no network, timeout, bad answer)."""


class KbzStoreError(KbzDataError):
    """The local store is missing, incomplete or cannot be written."""
