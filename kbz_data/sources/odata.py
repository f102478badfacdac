"""Reader for CBS/RIVM OData v3 tables saved by :mod:`kbz_data.sources.download`.

A saved file is one JSON object per table: ``table``, ``base_url``, ``downloaded``, ``TableInfos``,
``DataProperties``, ``WijkenEnBuurten`` (``{Key, Title}`` per area) and ``value`` (the ``UntypedDataSet`` rows
as the feed gives them). A raw OData v3 page (``odata.metadata`` + ``value``) reads as well.

The feed pads codes and names with spaces (``"WK036300  "``) and writes ``"."`` for an unknown or secret
figure, like the StatLine exports. :func:`read` therefore returns the same shape as
:func:`kbz_data.sources.statline.read_csv`: every cell a stripped string, with ``null`` and the StatLine
missing markers turned into ``pd.NA``; numbers are converted afterwards with
:func:`kbz_data.sources.statline.to_float`. The column names are the feed's field keys, which equal the
column names of StatLine's XLSX export of the same table (``ErvarenGezondheidGoedZeerGoed_4``, ...).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from kbz_data.errors import KbzSourceError
from kbz_data.sources.statline import MISSING_MARKERS

#: Files up to this size are parsed completely by :func:`is_odata_file`; larger ones are sniffed.
_SNIFF_PARSE_LIMIT = 8 * 1024 * 1024
_SNIFF_HEAD = 64 * 1024


def _cell(value: Any) -> str | None:
    """One feed value as text; None for JSON null. Numbers keep their JSON spelling."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _load(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KbzSourceError(path, f"kan het bestand niet lezen ({exc.strerror})") from exc
    if not raw.strip():
        raise KbzSourceError(path, "het bestand is leeg; verwacht een OData-download (JSON)")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise KbzSourceError(path, f"geen UTF-8-tekst (byte {exc.start}); verwacht een OData-download (JSON)") from exc
    except json.JSONDecodeError as exc:
        raise KbzSourceError(
            path,
            f"geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}: {exc.msg}); "
            "beschadigd of afgebroken? Download opnieuw",
        ) from exc
    if not isinstance(document, dict):
        raise KbzSourceError(
            path, f"verwacht een JSON-object met de sleutel 'value', gevonden: {type(document).__name__}"
        )
    return document


def _names(path: Path, entries: Any) -> dict[str, str]:
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise KbzSourceError(path, f"'WijkenEnBuurten' is geen lijst maar {type(entries).__name__}")
    names: dict[str, str] = {}
    bad: list[int] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("Key"), str):
            bad.append(i)
            continue
        title = entry.get("Title")
        key = entry["Key"].strip()
        if key:
            names[key] = title.strip() if isinstance(title, str) else ""
    if bad:
        shown = ", ".join(str(b) for b in bad[:10])
        raise KbzSourceError(path, f"{len(bad)} item(s) in 'WijkenEnBuurten' zonder tekst-'Key' (index {shown})")
    return names


def read(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read one saved OData v3 table.

    Parameters
    ----------
    path
        A ``{table}.json`` written by :func:`kbz_data.sources.download.download_all` (or a raw OData v3
        page with a ``value`` list).

    Returns
    -------
    frame : pandas.DataFrame
        One row per ``value`` item, one column per field key (in order of first appearance); every cell a
        stripped string or ``pd.NA`` (for ``null``, a missing key, ``""``, ``"."`` and the other StatLine
        missing markers).
    meta : dict
        ``table`` (str: the saved table id, else the file stem), ``downloaded`` (str or None),
        ``base_url`` (str or None), ``DataProperties`` (list), ``TableInfos`` (list) and ``names``
        (dict: stripped region Key -> stripped Title, from ``WijkenEnBuurten``; empty when absent).

    Raises
    ------
    KbzSourceError
        When the file cannot be read, is not valid JSON, is not an object, has no ``value`` list, has no
        rows, has a row that is not an object, or a ``WijkenEnBuurten`` item without a ``Key``.
    """
    path = Path(path)
    document = _load(path)
    if "value" not in document:
        found = ", ".join(repr(k) for k in list(document)[:8])
        raise KbzSourceError(
            path, f"sleutel 'value' ontbreekt; verwacht een OData-download (gevonden sleutels: {found or 'geen'})"
        )
    rows = document["value"]
    if not isinstance(rows, list):
        raise KbzSourceError(path, f"'value' is geen lijst maar {type(rows).__name__}")
    if not rows:
        raise KbzSourceError(path, "'value' bevat geen rijen; download opnieuw of controleer het filter")
    bad = [i for i, row in enumerate(rows) if not isinstance(row, dict)]
    if bad:
        shown = ", ".join(str(b) for b in bad[:10])
        raise KbzSourceError(path, f"{len(bad)} rij(en) in 'value' zijn geen JSON-object (index {shown})")

    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    data = {column: [_cell(row.get(column)) for row in rows] for column in columns}
    frame = pd.DataFrame(data, columns=list(columns), dtype="string")
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in frame.columns:
        values = frame[column].str.strip()
        frame[column] = values.mask(values.isin(MISSING_MARKERS))

    table = document.get("table")
    meta: dict[str, Any] = {
        "table": table.strip() if isinstance(table, str) and table.strip() else path.stem,
        "downloaded": document.get("downloaded"),
        "base_url": document.get("base_url"),
        "DataProperties": list(document.get("DataProperties") or []),
        "TableInfos": list(document.get("TableInfos") or []),
        "names": _names(path, document.get("WijkenEnBuurten")),
    }
    return frame, meta


def is_odata_file(path: str | Path) -> bool:
    """True when ``path`` looks like a table saved by :mod:`kbz_data.sources.download`.

    Cheap: files up to 8 MiB are parsed and must be a JSON object with the keys ``table`` and ``value``;
    larger files are judged on their first 64 KiB (an object that names ``table`` and ``value``, or
    ``table`` and the download format marker). Never raises.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size <= _SNIFF_PARSE_LIMIT:
            document = json.loads(path.read_bytes().decode("utf-8-sig"))
            return isinstance(document, dict) and "table" in document and "value" in document
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_HEAD).decode("utf-8-sig", errors="ignore").lstrip()
    except (OSError, ValueError):
        return False
    return head.startswith("{") and '"table"' in head and ('"value"' in head or '"kbz_format"' in head)
