"""The fictitious demo set: deterministic quarterly figures 2018Q1-2024Q4 for the 12 demo practices.

``python -m kbz_data demo`` writes ``data/demo/``:

``praktijkcijfers.csv``
    The figures in the upload format (praktijk_code, periode, kengetal, teller, noemer) plus ``fictief`` (``ja``
    on every row). The file passes :func:`kbz_data.practice.upload_checks.validate_upload` like any upload.
``praktijken.csv``, ``praktijk_gebieden.csv``
    The registry (:mod:`.registry`) and the areas each practice serves per division.
``LEESMIJ.md``
    What the files are, and that every figure in them is invented.

Determinism: no random generator state at all. Every random draw is a pure function of its labels
(practice code, quarter, kengetal, purpose) through BLAKE2b (:func:`_uniform`), so the output is byte-identical
on every run, platform and library version; a test regenerates the set and compares it with the committed files.

The model, per practice (all parameters drawn once per practice from its code):

* Registered patients start at 2,400-6,400 in 2018Q1 and change by -0.2 % to +0.4 % a quarter (plus noise of
  about 15 patients).
* Consults: 1.25-1.6 per patient per quarter (winter +6 %, summer -10 %). Long consults (20 minutes or more):
  14-20 % of consults before KBZ, 10 percentage points more after. 4D consults exist only after the KBZ start:
  3-6 % of consults.
* POH-GGZ contacts: 45-70 per 1,000 patients per quarter, 30 % more after KBZ.
* Referrals per 1,000 patients per quarter: hospital 48-62 (12-20 % lower after KBZ), GGZ 7-11 (15 % lower),
  social domain 3-6 (2.5 times higher). Families discussed in the miniteam: none before KBZ, 2-10 a quarter after.
* Patient survey every quarter, 20-60 respondents: "begrijpt klacht beter" 62-70 % (+12 points after KBZ), "weet
  wat te doen" 68-76 % (+10 points). Staff survey each fourth quarter, 6-15 respondents: "meer werkplezier" about
  35 % (60 % after KBZ), "minder werkdruk" about 20 % (45 % after).
* The KBZ effect grows linearly over the first four quarters from the start date. Counts get Poisson-like noise
  (normal, standard deviation the square root of the expected count); survey tellers binomial-like noise; all
  clamped to valid ranges (a part never exceeds its whole, a teller never its noemer).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from kbz_data.config import REPO_ROOT
from kbz_data.fileio import atomic_write_bytes
from kbz_data.practice import registry
from kbz_data.practice.errors import KbzPracticeStoreError
from kbz_data.practice.schema import COLUMNS, KENGETALLEN, parse_period, period_range

DEMO_DIR = REPO_ROOT / "data" / "demo"
FIGURES_FILE = "praktijkcijfers.csv"
REGISTRY_FILE = "praktijken.csv"
AREAS_FILE = "praktijk_gebieden.csv"
README_FILE = "LEESMIJ.md"
FIRST, LAST = "2018Q1", "2024Q4"
FICTIEF_TEXT = "Fictieve demodata: alle praktijken en cijfers zijn verzonnen en gegenereerd door het dashboard zelf."


def _uniform(*labels: object) -> float:
    """A uniform number in [0, 1) that depends only on the labels (stable across runs and platforms)."""
    digest = hashlib.blake2b("|".join(map(str, labels)).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _normal(*labels: object) -> float:
    """A standard-normal draw from two label-derived uniforms (Box-Muller)."""
    u1 = max(_uniform(*labels, "n1"), 1e-12)
    u2 = _uniform(*labels, "n2")
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def _count(expected: float, *labels: object) -> int:
    """A Poisson-like count around ``expected`` (normal approximation, never below 0)."""
    return max(0, round(expected + _normal(*labels) * math.sqrt(max(expected, 0.0))))


def _binomial(n: int, p: float, *labels: object) -> int:
    """A binomial-like teller of ``n`` respondents with success share ``p`` (clamped to 0..n)."""
    value = round(n * p + _normal(*labels) * math.sqrt(n * p * (1 - p)))
    return min(n, max(0, value))


def _effect(periode: str, start_year: int, start_quarter: int) -> float:
    """KBZ effect fraction: 0 before the start quarter, growing linearly to 1 over its first four quarters."""
    year, quarter = parse_period(periode) or (0, 0)
    since = (year - start_year) * 4 + (quarter - start_quarter)
    return 0.0 if since < 0 else min(1.0, (since + 1) / 4)


def generate() -> pd.DataFrame:
    """The demo figures, long format: praktijk_code, periode, kengetal, teller (int), noemer (Int64)."""
    rows: list[tuple[str, str, str, int, int | None]] = []
    periods = period_range(FIRST, LAST)
    for code in registry.codes():
        p = registry.get(code)
        u = functools.partial(_uniform, code, "parameter")  # one draw per practice parameter: u("size")
        size0 = 2400 + 4000 * u("size")
        growth = -0.002 + 0.006 * u("growth")
        per_patient = 1.25 + 0.35 * u("consults")
        lang0 = 0.14 + 0.06 * u("lang")
        share_4d = 0.03 + 0.03 * u("4d")
        poh = 45 + 25 * u("poh")
        hosp = 48 + 14 * u("hosp")
        hosp_drop = 0.12 + 0.08 * u("hosp_drop")
        ggz = 7 + 4 * u("ggz")
        social = 3 + 3 * u("social")
        miniteam = 2 + 8 * u("miniteam")
        begrijpt = 0.62 + 0.08 * u("begrijpt")
        weet = 0.68 + 0.08 * u("weet")
        plezier = 0.30 + 0.10 * u("plezier")
        werkdruk = 0.15 + 0.10 * u("werkdruk")
        start_year, start_quarter = p.kbz_start.year, (p.kbz_start.month - 1) // 3 + 1
        for t, periode in enumerate(periods):
            e = _effect(periode, start_year, start_quarter)
            quarter = int(periode[-1])
            season = {1: 1.06, 2: 1.0, 3: 0.90, 4: 1.02}[quarter]
            patients = max(100, round(size0 * (1 + growth) ** t + 15 * _normal(code, periode, "patienten")))
            k = patients / 1000
            consults = _count(patients * per_patient * season, code, periode, "consulten")
            values: dict[str, tuple[int, int | None]] = {
                "ingeschreven_patienten": (patients, None),
                "consulten": (consults, None),
                "consulten_lang": (min(consults, _count(consults * (lang0 + 0.10 * e), code, periode, "lang")), None),
                "consulten_4d": (min(consults, _count(consults * share_4d * e, code, periode, "4d")), None),
                "poh_ggz_contacten": (_count(k * poh * (1 + 0.30 * e), code, periode, "poh"), None),
                "verwijzingen_ziekenhuis": (_count(k * hosp * season * (1 - hosp_drop * e), code, periode, "zh"),
                                            None),
                "verwijzingen_ggz": (_count(k * ggz * (1 - 0.15 * e), code, periode, "ggz"), None),
                "verwijzingen_sociaal_domein": (_count(k * social * (1 + 1.5 * e), code, periode, "sd"), None),
                "gezinnen_miniteam": (_count(miniteam * e, code, periode, "miniteam"), None),
            }
            n_pat = 20 + int(40 * _uniform(code, periode, "respondenten"))
            values["patienten_begrijpt_klacht_beter"] = (
                _binomial(n_pat, min(0.97, begrijpt + 0.12 * e), code, periode, "begrijpt"), n_pat)
            values["patienten_weet_wat_te_doen"] = (
                _binomial(n_pat, min(0.97, weet + 0.10 * e), code, periode, "weet"), n_pat)
            if quarter == 4:
                n_staff = 6 + int(10 * _uniform(code, periode, "medewerkers"))
                values["medewerkers_meer_werkplezier"] = (
                    _binomial(n_staff, plezier + 0.25 * e, code, periode, "plezier"), n_staff)
                values["medewerkers_minder_werkdruk"] = (
                    _binomial(n_staff, werkdruk + 0.25 * e, code, periode, "werkdruk"), n_staff)
            for kengetal in KENGETALLEN:
                if kengetal in values:
                    teller, noemer = values[kengetal]
                    rows.append((code, periode, kengetal, teller, noemer))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["teller"] = frame["teller"].astype("int64")
    frame["noemer"] = frame["noemer"].astype("Int64")
    return frame


def _csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        writer.writerow(["" if pd.isna(v) else ("ja" if isinstance(v, (bool, np.bool_)) and v else v) for v in row])
    return buffer.getvalue()


def _readme() -> str:
    return (
        "# Demodata praktijkcijfers (FICTIEF)\n\n"
        f"{FICTIEF_TEXT}\n\n"
        "Gemaakt met `python -m kbz_data demo` (kbz_data/practice/demo.py); deterministisch, dus elke run geeft"
        " byte voor byte dezelfde bestanden.\n\n"
        f"- `{FIGURES_FILE}`: kwartaalcijfers {FIRST} t/m {LAST} van 12 fictieve KBZ-praktijken, in het"
        " uploadformaat (praktijk_code, periode, kengetal, teller, noemer) plus de kolom `fictief`.\n"
        f"- `{REGISTRY_FILE}`: de fictieve praktijken (code, naam, gemeente, KBZ-startdatum, ligging).\n"
        f"- `{AREAS_FILE}`: de wijken en buurten die elke praktijk vooral bedient, per CBS-gebiedsindeling.\n"
    )


def write(demo_dir: str | Path = DEMO_DIR) -> list[Path]:
    """Generate the demo set and write it to ``demo_dir`` (each file atomically); returns the paths written."""
    demo_dir = Path(demo_dir)
    figures = generate()
    figures["fictief"] = True
    reg = registry.frame()
    texts = {
        FIGURES_FILE: _csv_text(figures),
        REGISTRY_FILE: _csv_text(reg),
        AREAS_FILE: _csv_text(registry.gebieden_frame()),
        README_FILE: _readme(),
    }
    paths = []
    for name, text in texts.items():
        path = demo_dir / name
        atomic_write_bytes(path, text.encode("utf-8"))
        paths.append(path)
    return paths


def read(demo_dir: str | Path = DEMO_DIR) -> pd.DataFrame:
    """The committed demo figures: praktijk_code, periode, kengetal, teller (Int64), noemer (Int64).

    Raises
    ------
    KbzPracticeStoreError
        When the file is missing or unreadable (regenerate it with ``python -m kbz_data demo``).
    """
    path = Path(demo_dir) / FIGURES_FILE
    try:
        frame = pd.read_csv(path, dtype={"praktijk_code": "str", "periode": "str", "kengetal": "str",
                                         "teller": "Int64", "noemer": "Int64"}, keep_default_na=False,
                            na_values={"noemer": [""]})
    except (OSError, ValueError) as exc:
        raise KbzPracticeStoreError(
            f"de demodata {path} ontbreekt of is onleesbaar ({exc}); maak ze opnieuw met 'python -m kbz_data demo'"
        ) from exc
    return frame[list(COLUMNS)]
