"""Short text alternatives for charts (WCAG 1.1.1): one Dutch sentence with the highest, the lowest and the mean
value, shown as a caption next to the chart so a screen-reader user (or a printed page) gets the gist."""

from __future__ import annotations

import pandas as pd

from kbz_data.text import aantal, escape_markdown, fmt_value


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
    tail = f"; {aantal(unknown, 'gebied', 'gebieden')} onbekend" if unknown else ""
    if known.empty:
        return f"Samenvatting: geen bekende waarden{tail}."
    ordered = known.sort_values(value, kind="stable")
    high, low = ordered.iloc[-1], ordered.iloc[0]
    return (f"Samenvatting: hoogste: {fmt_value(float(high[value]), eenheid)} ({escape_markdown(high[name])}),"
            f" laagste: {fmt_value(float(low[value]), eenheid)} ({escape_markdown(low[name])}),"
            f" gemiddelde: {fmt_value(float(known[value].mean()), eenheid)}"
            f" over {aantal(len(known), 'gebied', 'gebieden')}{tail}.")


def profile_summary(table: pd.DataFrame) -> str:
    """Text alternative of the spine chart: how many indicators of the area are worse than, better than or equal
    to the city, and how many are unknown, naming the worst few ("Samenvatting: ... slechter dan de stad (...)").

    ``table`` is a profile table (:func:`kbz_data.analysis.profile.profile_table`, column ``vergelijking``).
    """
    from kbz_data.analysis import profile

    if table.empty:
        return ""
    counts = table["vergelijking"].value_counts()
    order = [profile.SLECHTER, profile.BETER, profile.GELIJK, profile.HOGER, profile.LAGER,
             profile.NIET_VERGELIJKBAAR, profile.GEEN_STADSCIJFER, profile.ONBEKEND, profile.WATER]
    order += [o for o in counts.index if o not in order]
    parts = [f"{int(counts[o])} {o}" for o in order if counts.get(o, 0)]
    if not parts:
        return ""
    worse = table.loc[table["vergelijking"] == profile.SLECHTER, "label"].head(3).map(escape_markdown).tolist()
    # its own sentence: in brackets after the last count it read as an example of that count
    tail = f" {profile.SLECHTER.capitalize()} zijn onder meer: {', '.join(worse)}." if worse else ""
    return f"Samenvatting: van {len(table)} indicatoren zijn er {', '.join(parts)}.{tail}"
