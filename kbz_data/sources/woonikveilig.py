"""Secondary source: the per-gemeente KWB 2024 JSON extracts of the "Woon ik veilig?" site.

The files are app-specific reshapes of CBS 85984NED (not a raw export). They are used for indicators no raw
export here carries (income per inhabitant, WOZ, koopwoningen, distance to GP, stedelijkheid) and as a
fallback for counts; every figure they give is stored with ``bron`` = ``woonikveilig_kwb2024``.
"""

from __future__ import annotations

import json
from pathlib import Path

from kbz_data.config import is_g4_code
from kbz_data.errors import KbzSourceError
from kbz_data.store.canonical import SourceResult, areas_frame, figures_frame

BRON = "woonikveilig_kwb2024"
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
        raise KbzSourceError(path, f"{where}: veld demografie.{key} is geen getal maar {value!r}")
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
    areas = [a for a in areas if is_g4_code(a[0])]
    codes, indicators, values = [], [], []
    for code, _name, demografie in areas:
        for key, indicator in FIELDS.items():
            codes.append(code)
            indicators.append(indicator)
            values.append(_number(demografie.get(key), path, code, key))
    result = SourceResult(kind=BRON)
    result.figures = figures_frame(codes, INDELING, JAAR, indicators, values, BRON)
    result.areas = areas_frame([a[0] for a in areas], [a[1] for a in areas], INDELING)
    result.notes.append(
        f"woonikveilig {data['code']}: {len(areas)} gebieden; {int(result.figures['waarde'].notna().sum())} waarden"
    )
    return result
