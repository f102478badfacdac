"""Secondary source: the per-gemeente KWB 2024 JSON extracts of the "Woon ik veilig?" site.

The files are app-specific reshapes of CBS 85984NED (not a raw export). They are used for indicators no raw
export here carries (income per inhabitant, WOZ, koopwoningen, distance to GP, stedelijkheid) and as a
fallback for counts; every figure they give is stored with ``bron`` = ``woonikveilig_kwb2024``.

The files also carry ``gezondheid.goedErvarenGezondheid`` with a ``trend`` for 2012, 2016, 2020, 2022 and 2024
on the 2024 division, which the files label "RIVM Gezondheidsmonitor (tabel 50150NED)". It is read as its own
source (:data:`BRON_HEALTH`, indicator :data:`HEALTH_INDICATOR`), a secondary source like the rest of the file.
The values are percentages (0-100; e.g. Rotterdam 2020 73.8), not fractions: a file whose trend values all lie
at or below 1 is refused. For buurten whose code is the same in the 2020 and 2024 divisions the 2020 value
agrees with 50090NED 2020 within a few points (a re-estimate, not the same figure).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kbz_data.config import is_g4_code
from kbz_data.errors import KbzSourceError
from kbz_data.store.canonical import SourceResult, areas_frame, figures_frame

BRON = "woonikveilig_kwb2024"
#: Source id of the health trend (RIVM 50150NED as the files name it).
BRON_HEALTH = "woonikveilig_50150NED"
#: Indicator id of the health trend (its own id: a different estimate than 50090NED on another division).
HEALTH_INDICATOR = "ervaren_gezondheid_goed_50150"
HEALTH_YEARS: tuple[int, ...] = (2012, 2016, 2020, 2022, 2024)
INDELING = 2024
JAAR = 2024

#: JSON key inside "demografie" -> indicator id.
FIELDS: dict[str, str] = {
    "inwoners": "inwoners",
    "huishoudens": "huishoudens",
    "dichtheid": "bevolkingsdichtheid",
    "wozWaarde": "woz_waarde",
    "koopwoningen": "pct_koopwoningen",
    "inkomenPerInwoner": "inkomen_per_inwoner",
    "afstandHuisarts": "afstand_huisarts",
    "stedelijkheid": "stedelijkheid",
}


def is_woonikveilig(data: object) -> bool:
    """True for a parsed per-gemeente JSON of this layout."""
    return isinstance(data, dict) and "schemaVersion" in data and "demografie" in data and "code" in data


def _number(value: object, path: Path, where: str, key: str) -> float:
    if value is None:
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise KbzSourceError(path, f"{where}: veld {key if '.' in key else 'demografie.' + key} is geen getal maar"
                             f" {value!r}")
    return float(value)


def figures(path: str | Path) -> SourceResult:
    """Canonical figures and names (indeling 2024) of one per-gemeente JSON file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KbzSourceError(path, f"geen leesbare JSON ({exc})") from exc
    if not is_woonikveilig(data):
        raise KbzSourceError(
            path, "verwacht een woonikveilig-gemeentebestand met 'schemaVersion', 'code' en 'demografie'"
        )
    areas: list[tuple[str, str, dict]] = [(str(data["code"]).strip(), str(data.get("name", "")), data["demografie"])]
    for group in ("wijken", "buurten"):
        for item in data.get(group) or []:
            if not isinstance(item, dict) or "code" not in item:
                raise KbzSourceError(path, f"element in '{group}' zonder 'code'")
            areas.append((str(item["code"]).strip(), str(item.get("name", "")).strip(), item.get("demografie") or {}))
    health = _health_items(data, path)
    areas = [a for a in areas if is_g4_code(a[0])]
    codes, indicators, values = [], [], []
    for code, _name, demografie in areas:
        for key, indicator in FIELDS.items():
            codes.append(code)
            indicators.append(indicator)
            values.append(_number(demografie.get(key), path, code, key))
    result = SourceResult(kind=BRON)
    result.figures = pd.concat(
        [figures_frame(codes, INDELING, JAAR, indicators, values, BRON), _health_figures(health, path)],
        ignore_index=True,
    )
    result.areas = areas_frame([a[0] for a in areas], [a[1] for a in areas], INDELING)
    result.notes.append(
        f"woonikveilig {data['code']}: {len(areas)} gebieden; {int(result.figures['waarde'].notna().sum())} waarden"
        f" (waarvan {int(result.figures['bron'].eq(BRON_HEALTH).sum())} ervaren gezondheid 50150NED)"
    )
    return result


def _health_items(data: dict, path: Path) -> list[tuple[str, dict]]:
    """(code, trend) of the gemeente, wijken and buurten that carry ``gezondheid.trend``."""
    items = [data, *(data.get("wijken") or []), *(data.get("buurten") or [])]
    out = []
    for item in items:
        block = item.get("gezondheid") if isinstance(item, dict) else None
        if block is None:
            continue
        trend = block.get("trend") if isinstance(block, dict) else None
        if not isinstance(trend, dict):
            raise KbzSourceError(path, f"{item.get('code')}: gezondheid zonder 'trend' (verwacht jaar -> waarde)")
        code = str(item["code"]).strip()
        if is_g4_code(code):
            out.append((code, trend))
    return out


def _health_figures(items: list[tuple[str, dict]], path: Path) -> pd.DataFrame:
    """Ervaren gezondheid per year (percent) as canonical figures with ``bron`` :data:`BRON_HEALTH`."""
    codes, years, values = [], [], []
    for code, trend in items:
        unknown = sorted(set(trend) - {str(y) for y in HEALTH_YEARS})
        if unknown:
            raise KbzSourceError(path, f"{code}: onbekend jaar {unknown} in gezondheid.trend; verwacht {HEALTH_YEARS}")
        for year in HEALTH_YEARS:
            codes.append(code)
            years.append(year)
            values.append(_number(trend.get(str(year)), path, code, f"gezondheid.trend.{year}"))
    frame = figures_frame(codes, INDELING, years, HEALTH_INDICATOR, values, BRON_HEALTH)
    known = frame["waarde"].dropna()
    if len(known) and (known <= 1).all():
        raise KbzSourceError(path, "gezondheid.trend lijkt fracties (0-1) te bevatten; verwacht percentages (0-100)")
    return frame
