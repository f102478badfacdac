"""Paths and constants shared by the data package."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: The four G4 gemeenten, CBS code -> display name.
GEMEENTEN: dict[str, str] = {
    "GM0363": "Amsterdam",
    "GM0518": "Den Haag",
    "GM0599": "Rotterdam",
    "GM0344": "Utrecht",
}
#: The four-digit numbers inside the CBS codes of the G4 gemeenten.
GEMEENTE_NUMMERS: frozenset[str] = frozenset(code[2:] for code in GEMEENTEN)

NIVEAUS: tuple[str, ...] = ("gemeente", "wijk", "buurt")


def default_sources_dir() -> Path:
    """Raw sources folder: ``$KBZ_SOURCES`` if set, else ``data/sources`` in the repository."""
    env = os.environ.get("KBZ_SOURCES")
    return Path(env) if env else REPO_ROOT / "data" / "sources"


def default_store_dir() -> Path:
    """Store folder: ``$KBZ_STORE`` if set, else ``data/store`` in the repository."""
    env = os.environ.get("KBZ_STORE")
    return Path(env) if env else REPO_ROOT / "data" / "store"


def is_g4_code(code: str) -> bool:
    """True when a stripped CBS region code (GM/WK/BU) belongs to one of the four G4 gemeenten."""
    return len(code) >= 6 and code[:2] in ("GM", "WK", "BU") and code[2:6] in GEMEENTE_NUMMERS
