"""Beheer: validation of a practice entered on the Beheer page (code, gemeente, KBZ start, areas per division).

Pure pandas, no Streamlit and no database: :func:`practice_problems` lists every problem at once, and
:func:`practice_record` turns the checked form into the rows :meth:`kbz_data.practice.db.repository.PracticeDb.
save_practice` writes. The pages call :func:`kbz_data.practice.access.manage` first (beheerder only).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from kbz_data.config import GEMEENTEN
from kbz_data.practice.access import Viewer, manage, safe_table
from kbz_data.practice.db.engine import CODE_PATTERN
from kbz_data.practice.errors import KbzPracticeStoreError

if TYPE_CHECKING:
    from kbz_data.practice.db.repository import PracticeDb

#: The CBS divisions a practice's areas are recorded for.
DIVISIONS = (2020, 2024)
_AREA = re.compile(r"^(BU|WK)[0-9A-Z]{6,8}$")


def split_codes(text: str) -> list[str]:
    """Area codes typed as a list (spaces, commas, semicolons or new lines), upper case, without duplicates."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\s,;]+", text or ""):
        if part.strip():
            seen[part.strip().upper()] = None
    return list(seen)


def practice_problems(form: dict[str, Any], known_areas: pd.DataFrame | None = None) -> list[str]:
    """Every problem of a practice form, in Dutch (empty list: valid).

    Parameters
    ----------
    form
        code, naam, gemeentecode, kbz_gebied, kbz_start (date), hoofdbuurt, and per division ``buurten_<jaar>`` and
        ``wijken_<jaar>`` (lists of codes).
    known_areas
        ``gebieden`` of the store (code, niveau, indeling, gemeentecode): when given, every area must exist in
        that division and lie in the chosen gemeente.
    """
    problems = []
    code = str(form.get("code", "")).strip()
    if not CODE_PATTERN.match(code):
        problems.append(f"code '{code}': gebruik de vorm STAD-GEBIED-1 (hoofdletters, cijfers en streepjes, eindigend"
                        " op een volgnummer), bijvoorbeeld RTD-BLOEMHOF-2")
    if not str(form.get("naam", "")).strip():
        problems.append("naam: vul de naam van de praktijk in")
    elif len(str(form["naam"])) > 200:
        problems.append("naam: maximaal 200 tekens")
    gemeente = form.get("gemeentecode")
    if gemeente not in GEMEENTEN:
        problems.append(f"gemeente '{gemeente}': kies een van {', '.join(GEMEENTEN)}")
    start = form.get("kbz_start")
    if not isinstance(start, date) or not date(2015, 1, 1) <= start <= date(2100, 1, 1):
        problems.append(f"KBZ-start '{start}': een datum vanaf 1-1-2015")
    digits = str(gemeente)[2:] if isinstance(gemeente, str) else ""
    hoofdbuurt = str(form.get("hoofdbuurt", "")).strip().upper()
    all_buurten: set[str] = set()
    for jaar in DIVISIONS:
        for niveau, prefix in (("buurt", "BU"), ("wijk", "WK")):
            codes = form.get(f"{niveau}en_{jaar}", [])
            if not codes:
                problems.append(f"{niveau}en {jaar}: vul minstens één {niveau}code in")
            for c in codes:
                if not _AREA.match(c) or not c.startswith(prefix):
                    problems.append(f"{niveau}en {jaar}: '{c}' is geen {niveau}code (vorm {prefix}...)")
                    continue
                if digits and c[2:6] != digits:
                    problems.append(f"{niveau}en {jaar}: '{c}' ligt niet in gemeente {gemeente}")
                    continue
                if known_areas is not None:
                    hit = known_areas[(known_areas["code"] == c) & (known_areas["indeling"] == jaar)
                                      & (known_areas["niveau"] == niveau)]
                    if hit.empty:
                        problems.append(f"{niveau}en {jaar}: '{c}' bestaat niet in gebiedsindeling {jaar}")
            if niveau == "buurt":
                all_buurten |= set(codes)
    if hoofdbuurt not in all_buurten:
        problems.append(f"hoofdbuurt '{hoofdbuurt}': moet een van de opgegeven buurten zijn")
    return problems


def practice_record(form: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The practice row and its area rows for :meth:`PracticeDb.save_practice` (after :func:`practice_problems`)."""
    practice = {"code": form["code"].strip(), "naam": str(form["naam"]).strip(), "gemeentecode": form["gemeentecode"],
                "kbz_gebied": str(form.get("kbz_gebied", "")).strip(), "kbz_start": form["kbz_start"],
                "hoofdbuurt": str(form["hoofdbuurt"]).strip().upper(), "lon": form.get("lon"), "lat": form.get("lat")}
    areas = [{"indeling": jaar, "niveau": niveau, "code": c}
             for jaar in DIVISIONS for niveau in ("wijk", "buurt") for c in form.get(f"{niveau}en_{jaar}", [])]
    return practice, areas


# -- role-checked Beheer actions (the page calls only these) -------------------------------------------------------


def save_practice_for(db: PracticeDb, viewer: Viewer, form: dict[str, Any],
                      known_areas: pd.DataFrame | None = None) -> bool:
    """Check the form and store the practice (beheerder only). Returns True for a new practice.

    Raises
    ------
    KbzAccessError
        Not a beheerder.
    KbzPracticeStoreError
        The form has problems (all listed in the message), nothing stored.
    """
    manage(viewer)
    problems = practice_problems(form, known_areas)
    if problems:
        raise KbzPracticeStoreError("de praktijk is niet opgeslagen: " + "; ".join(problems))
    practice, areas = practice_record(form)
    return db.save_practice(practice, areas, by=viewer.who)


def add_user_for(db: PracticeDb, viewer: Viewer, email: str, naam: str, rol: str, praktijken: list[str]) -> int:
    """Add a user bound to practices (beheerder only; logged)."""
    manage(viewer)
    return db.add_user(email, naam, rol, praktijken if rol == "praktijk" else [], by=viewer.who)


def change_user_for(db: PracticeDb, viewer: Viewer, email: str, rol: str, praktijken: list[str],
                    actief: bool) -> None:
    """Change a user's role, practices and active flag (beheerder only; logged)."""
    manage(viewer)
    db.change_user(email, by=viewer.who, rol=rol, praktijken=praktijken if rol == "praktijk" else [], actief=actief)


def users_for(db: PracticeDb, viewer: Viewer) -> pd.DataFrame:
    """Every user (beheerder only), spreadsheet-safe."""
    manage(viewer)
    return safe_table(db.users())


def audit_for(db: PracticeDb, viewer: Viewer, limit: int = 1000) -> pd.DataFrame:
    """The newest audit entries (beheerder only), spreadsheet-safe."""
    manage(viewer)
    return safe_table(db.audit_log(limit))


def practices_for(db: PracticeDb, viewer: Viewer) -> pd.DataFrame:
    """The practices in the database with their areas per division (beheerder only), spreadsheet-safe."""
    manage(viewer)
    practices = db.practices()
    areas = db.practice_areas()
    for jaar in DIVISIONS:
        for niveau in ("wijk", "buurt"):
            part = areas[(areas["indeling"] == jaar) & (areas["niveau"] == niveau)]
            practices[f"{niveau}en_{jaar}"] = practices["praktijk_code"].map(
                part.groupby("praktijk_code")["code"].agg(" ".join)).fillna("")
    return safe_table(practices)
