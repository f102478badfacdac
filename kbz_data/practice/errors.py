"""Errors of the practice package (subclasses of :class:`kbz_data.errors.KbzDataError`)."""

from __future__ import annotations

from kbz_data.errors import KbzDataError, KbzStoreError, Problem


class KbzUploadError(KbzDataError):
    """An uploaded file was refused; carries every problem found (row, column, reason), not just the first.

    ``patient_level`` is True when the file was refused because it looks like patient-level data; the check
    then stops before any per-row validation, and no message repeats a value from the file.
    """

    def __init__(self, filename: str, problems: list[Problem], patient_level: bool = False,
                 max_listed: int = 100) -> None:
        self.filename = filename
        self.problems = list(problems)
        self.patient_level = patient_level
        listed = "\n".join(f"  - {p}" for p in self.problems[:max_listed])
        more = len(self.problems) - max_listed
        tail = f"\n  ... en nog {more} problemen" if more > 0 else ""
        head = (f"{filename}: geweigerd, het bestand lijkt gegevens over individuele patiënten te bevatten"
                if patient_level else f"{filename}: {len(self.problems)} probleem/problemen gevonden")
        super().__init__(f"{head}\n{listed}{tail}")


class KbzPracticeStoreError(KbzStoreError):
    """The practice store cannot be read or written (or is damaged)."""


class KbzDatabaseError(KbzPracticeStoreError):
    """The practice database is missing, unreachable, corrupt or not usable; the message carries a Dutch hint."""


class KbzDatabaseLockError(KbzDatabaseError):
    """A write waited for another writer longer than the stated time and gave up; nothing was changed."""


class KbzSchemaError(KbzDatabaseError):
    """The database schema is behind (or ahead of) this version of the dashboard, or missing."""


class KbzAccessError(KbzDataError):
    """The user's role does not allow this (another practice's figures, an upload, the Beheer functions)."""
