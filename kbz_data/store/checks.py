"""Validation of the canonical frames against the store contract (DESIGN.md section 3).

Every check runs on the whole frame and every problem is collected, so one run lists all of them.
"""

from __future__ import annotations

import re

import pandas as pd

from kbz_data.errors import KbzValidationError, Problem
from kbz_data.indicators import BRONNEN, EENHEDEN_NIET_NEGATIEF, EENHEDEN_PERCENTAGE, INDICATORS

CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "wijk": re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    "buurt": re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
}
ANY_CODE = re.compile(r"^(GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")
MAX_PROBLEMS_PER_CHECK = 200


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) for i in mask[mask].index[:MAX_PROBLEMS_PER_CHECK]]


def check_figures(figures: pd.DataFrame) -> list[Problem]:
    """Problems in a canonical figures frame (``indicatoren``); an empty list means valid."""
    problems: list[Problem] = []
    required = ["code", "indeling", "jaar", "indicator", "waarde", "bron"]
    missing = [c for c in required if c not in figures.columns]
    if missing:
        return [Problem(None, c, "kolom ontbreekt") for c in missing]
    frame = figures.reset_index(drop=True)
    code = frame["code"].astype("string").fillna("")
    bad_code = ~code.str.match(ANY_CODE.pattern)
    for i in _rows(bad_code):
        problems.append(Problem(i, "code", f"{code[i]!r} is geen CBS-code (GM0000, WK000000, BU00000000)"))
    bad_indicator = ~frame["indicator"].isin(list(INDICATORS))
    for i in _rows(bad_indicator):
        problems.append(Problem(i, "indicator", f"{frame['indicator'][i]!r} staat niet in het indicatorregister"))
    bad_bron = ~frame["bron"].isin(list(BRONNEN))
    for i in _rows(bad_bron):
        problems.append(Problem(i, "bron", f"{frame['bron'][i]!r} is geen bekende bron"))
    waarde = pd.to_numeric(frame["waarde"], errors="coerce")
    eenheid = frame["indicator"].map({k: v.eenheid for k, v in INDICATORS.items()})
    pct = eenheid.isin(list(EENHEDEN_PERCENTAGE)) & ((waarde < 0) | (waarde > 100))
    for i in _rows(pct):
        problems.append(
            Problem(i, "waarde", f"percentage {waarde[i]} van {frame['indicator'][i]} ligt niet tussen 0 en 100")
        )
    negative = eenheid.isin(list(EENHEDEN_NIET_NEGATIEF)) & (waarde < 0)
    for i in _rows(negative):
        problems.append(Problem(i, "waarde", f"negatieve waarde {waarde[i]} voor {frame['indicator'][i]}"))
    for column, low, high in (("indeling", 2000, 2100), ("jaar", 2000, 2100)):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < low) | (values > high)
        for i in _rows(bad):
            problems.append(Problem(i, column, f"{frame[column][i]!r} is geen jaartal tussen {low} en {high}"))
    key = ["code", "indeling", "jaar", "indicator"]
    dup = frame.duplicated(key, keep=False)
    for i in _rows(dup):
        problems.append(
            Problem(i, "code", f"dubbel: {frame['code'][i]} / {frame['indeling'][i]} / {frame['jaar'][i]} /"
                    f" {frame['indicator'][i]} komt vaker voor")
        )
    return problems


def check_gebieden(gebieden: pd.DataFrame) -> list[Problem]:
    """Problems in a ``gebieden`` frame: code patterns per niveau, parent codes, duplicates."""
    problems: list[Problem] = []
    required = ["code", "naam", "niveau", "gemeentecode", "wijkcode", "indeling"]
    missing = [c for c in required if c not in gebieden.columns]
    if missing:
        return [Problem(None, c, "kolom ontbreekt") for c in missing]
    frame = pd.DataFrame(gebieden.drop(columns="geometry", errors="ignore")).reset_index(drop=True)
    code = frame["code"].astype("string").fillna("")
    for niveau, pattern in CODE_PATTERNS.items():
        bad = frame["niveau"].eq(niveau) & ~code.str.match(pattern.pattern)
        for i in _rows(bad):
            problems.append(Problem(i, "code", f"{code[i]!r} past niet bij niveau {niveau}"))
    bad_niveau = ~frame["niveau"].isin(list(CODE_PATTERNS))
    for i in _rows(bad_niveau):
        problems.append(Problem(i, "niveau", f"{frame['niveau'][i]!r} is geen gemeente, wijk of buurt"))
    gem = frame["gemeentecode"].astype("string").fillna("")
    bad_gem = gem != ("GM" + code.str[2:6])
    for i in _rows(bad_gem):
        problems.append(Problem(i, "gemeentecode", f"{gem[i]!r} hoort niet bij code {code[i]!r}"))
    wijk = frame["wijkcode"].astype("string")
    expected = code.where(frame["niveau"].eq("wijk"), ("WK" + code.str[2:8]).where(frame["niveau"].eq("buurt")))
    bad_wijk = (wijk.fillna("") != expected.fillna("")) & frame["niveau"].isin(["wijk", "buurt", "gemeente"])
    for i in _rows(bad_wijk):
        problems.append(Problem(i, "wijkcode", f"{wijk[i]!r} hoort niet bij code {code[i]!r}"))
    dup = frame.duplicated(["code", "indeling"], keep=False)
    for i in _rows(dup):
        problems.append(Problem(i, "code", f"dubbel: {code[i]} komt vaker voor in indeling {frame['indeling'][i]}"))
    no_name = frame["naam"].isna() | frame["naam"].astype("string").str.strip().eq("")
    for i in _rows(no_name):
        problems.append(Problem(i, "naam", f"{code[i]} heeft geen naam"))
    return problems


#: Allowed values of the quality table's categorical columns.
KWALITEIT_VALUES: dict[str, frozenset[str]] = {
    "methode": frozenset({"ongewijzigd", "omgerekend", "geen"}),
    "kwaliteit": frozenset({"goed", "matig", "slecht", "geen"}),
    "bronniveau": frozenset({"gemeente 2020", "wijk 2020", "buurt 2020", ""}),
}
#: Sources whose figures must each have one quality row.
DERIVED_BRONNEN: frozenset[str] = frozenset({"rivm_50090NED_omgerekend"})


def check_kwaliteit(kwaliteit: pd.DataFrame, figures: pd.DataFrame) -> list[Problem]:
    """Problems in ``indicatoren_kwaliteit``: columns, allowed values, shares 0-1, and one row per derived figure.

    A derived figure (``bron`` in :data:`DERIVED_BRONNEN`) needs exactly one row with the same key, and a row
    needs its figure; ``methode`` / ``kwaliteit`` ``geen`` go with a NaN value, the others with a value.
    """
    from kbz_data.store.storage import KWALITEIT_COLUMNS

    missing = [c for c in KWALITEIT_COLUMNS if c not in kwaliteit.columns]
    if missing:
        return [Problem(None, c, "kolom ontbreekt") for c in missing]
    problems: list[Problem] = []
    frame = kwaliteit.reset_index(drop=True)
    for column, allowed in KWALITEIT_VALUES.items():
        bad = ~frame[column].fillna("").isin(list(allowed))
        for i in _rows(bad):
            problems.append(Problem(i, column, f"{frame[column][i]!r} is niet een van {sorted(allowed)}"))
    for column in ("dekking", "grootste_bron_aandeel", "grootste_bron_binnen"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < 0) | (values > 1 + 1e-9)
        for i in _rows(bad):
            problems.append(Problem(i, column, f"{frame[column][i]!r} ligt niet tussen 0 en 1"))
    bad = pd.to_numeric(frame["n_bronnen"], errors="coerce").fillna(-1) < 0
    for i in _rows(bad):
        problems.append(Problem(i, "n_bronnen", f"{frame['n_bronnen'][i]!r} is geen aantal (>= 0)"))
    key = ["code", "indeling", "jaar", "indicator"]
    for i in _rows(frame.duplicated(key, keep=False)):
        problems.append(Problem(i, "code", f"dubbele kwaliteitsrij voor {tuple(frame.loc[i, key])}"))
    derived = figures[figures["bron"].isin(list(DERIVED_BRONNEN))][[*key, "bron", "waarde"]]
    joined = frame.reset_index().merge(
        derived.astype({"code": "string", "indicator": "string"}), on=key, how="outer", indicator="_in",
        suffixes=("", "_figuur"),
    )
    for _, row in joined[joined["_in"] == "right_only"].head(MAX_PROBLEMS_PER_CHECK).iterrows():
        problems.append(Problem(None, "code", f"afgeleid cijfer {tuple(row[key])} heeft geen kwaliteitsrij"))
    for _, row in joined[joined["_in"] == "left_only"].head(MAX_PROBLEMS_PER_CHECK).iterrows():
        problems.append(Problem(int(row["index"]), "code", f"kwaliteitsrij {tuple(row[key])} hoort bij geen cijfer"))
    both = joined[joined["_in"] == "both"]
    wrong = both[(both["methode"] == "geen") != both["waarde"].isna()]
    wrong = pd.concat([wrong, both[(both["kwaliteit"] == "geen") != both["waarde"].isna()]]).drop_duplicates("index")
    for _, row in wrong.head(MAX_PROBLEMS_PER_CHECK).iterrows():
        problems.append(Problem(int(row["index"]), "methode", f"methode {row['methode']!r} / kwaliteit"
                                f" {row['kwaliteit']!r} past niet bij waarde {row['waarde']!r} van {tuple(row[key])}"))
    return problems


def validate_kwaliteit(kwaliteit: pd.DataFrame, figures: pd.DataFrame, what: str = "indicatoren_kwaliteit") -> None:
    """Raise :class:`KbzValidationError` listing every problem of the quality table."""
    problems = check_kwaliteit(kwaliteit, figures)
    if problems:
        raise KbzValidationError(what, problems)


def validate_figures(figures: pd.DataFrame, what: str = "indicatoren") -> None:
    """Raise :class:`KbzValidationError` listing every problem of a figures frame."""
    problems = check_figures(figures)
    if problems:
        raise KbzValidationError(what, problems)


def validate_gebieden(gebieden: pd.DataFrame, what: str = "gebieden") -> None:
    """Raise :class:`KbzValidationError` listing every problem of a gebieden frame."""
    problems = check_gebieden(gebieden)
    if problems:
        raise KbzValidationError(what, problems)
