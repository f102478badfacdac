"""Upload checks that refuse patient-level data (column names, postcodes, BSN-like numbers), and how a cell reads.

Part of :mod:`kbz_data.practice.upload_checks`: a file that looks like data about individual patients is refused
as a whole, before any figure is checked.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from kbz_data.errors import Problem

#: Normalised column names (lower case, without spaces, dashes, underscores and dots) that identify patients.
PATIENT_COLUMNS: frozenset[str] = frozenset({
    "bsn", "burgerservicenummer", "naam", "voornaam", "achternaam", "voorletters", "patientnaam", "patiëntnaam",
    "geboortedatum", "gebdatum", "geboortedag", "postcode", "adres", "straat", "straatnaam", "huisnummer",
    "telefoon", "telefoonnummer", "email", "emailadres", "patientnummer", "patiëntnummer", "patientid", "patiëntid",
})
_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")
_NINE_DIGITS = re.compile(r"^[0-9]{9}$")


def squash(name: str) -> str:
    """A column name without spaces, underscores, dashes and dots (``geboorte-datum`` -> ``geboortedatum``)."""
    return re.sub(r"[\s_\-.]", "", name)


def cell_text(value: Any) -> str:
    """A cell as the user sees it (Excel numbers without a trailing .0, Excel dates as 1-1-2024)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (date, datetime)):
        return f"{value.day}-{value.month}-{value.year}"
    return str(value).strip()


def _elfproef(digits: str) -> bool:
    """The BSN eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11 (and not all zeros)."""
    if digits == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def _looks_like_bsn(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int) or (isinstance(value, float) and value == value and value.is_integer()):
        text = str(int(value))
    else:
        text = cell_text(value)
    return bool(_NINE_DIGITS.match(text)) and _elfproef(text)


def patient_level(header: list[str], rows: list[tuple[int, list[Any]]]) -> list[Problem]:
    problems: list[Problem] = []
    for name in header:
        if name and squash(name) in PATIENT_COLUMNS:
            problems.append(Problem(1, name, "deze kolomnaam wijst op gegevens over individuele patiënten; upload"
                                             " alleen opgetelde cijfers per praktijk en kwartaal"))
    for j, name in enumerate(header):
        label = name or f"{j + 1}"
        postcode = [i for i, row in rows if j < len(row) and _POSTCODE.match(cell_text(row[j]))]
        bsn = [i for i, row in rows if j < len(row) and _looks_like_bsn(row[j])]
        if postcode:
            problems.append(Problem(postcode[0], label,
                f"een zescijferige postcode (cijfers en letters, zoals 1234 AB) in {len(postcode)} cel(len) van"
                " deze kolom; postcodes wijzen op gegevens over individuele patiënten"))
        if bsn:
            problems.append(Problem(bsn[0], label,
                f"een negencijferig nummer dat door de elfproef komt, zoals een burgerservicenummer (BSN), in"
                f" {len(bsn)} cel(len) van deze kolom; een BSN wijst op gegevens over individuele patiënten"))
    return problems
