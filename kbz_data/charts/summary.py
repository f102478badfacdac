"""Short text alternatives for charts (WCAG 1.1.1): one Dutch sentence with the highest, the lowest and the mean
value, shown as a caption next to the chart so a screen-reader user (or a printed page) gets the gist."""

from __future__ import annotations

import pandas as pd

from kbz_data.text import escape_markdown, fmt_value


def value_summary(table: pd.DataFrame, eenheid: str, *, value: str = "waarde", name: str = "naam") -> str:
    """"Samenvatting: hoogste: X (gebied), laagste: Y (gebied), gemiddelde: Z over n gebieden" of the known values
    of ``table`` (areas without a value are counted as onbekend); "" when the table has no rows.

    The mean is the plain mean of the areas (not weighted by inhabitants); values use
    :func:`kbz_data.text.fmt_value` with ``eenheid``; area names are escaped for Markdown.
    """
    if table.empty:
        return ""
    known = table[table[value].notna()]
    unknown = len(table) - len(known)
    tail = f"; {unknown} gebied(en) onbekend" if unknown else ""
    if known.empty:
        return f"Samenvatting: geen bekende waarden{tail}."
    ordered = known.sort_values(value, kind="stable")
    high, low = ordered.iloc[-1], ordered.iloc[0]
    return (f"Samenvatting: hoogste: {fmt_value(float(high[value]), eenheid)} ({escape_markdown(high[name])}),"
            f" laagste: {fmt_value(float(low[value]), eenheid)} ({escape_markdown(low[name])}),"
            f" gemiddelde: {fmt_value(float(known[value].mean()), eenheid)} over {len(known)} gebied(en){tail}.")
