"""Pure data access for the dashboard pages: indicator choices, periods and per-area values.

Everything here works on :class:`StoreData` (the store loaded once) and returns small frames; no Streamlit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kbz_data.analysis import kbz_areas
from kbz_data.analysis.results import LICENCE_LINE, ViewResult
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.indicators import BRON_OMGEREKEND, DOMAIN_ORDER
from kbz_data.store.storage import StoreData
from kbz_data.text import UNKNOWN, join_attributions

ALLE = "G4"
#: Decimals shown per unit in tables and exports (counts as whole numbers).
DISPLAY_DECIMALS: dict[str, int] = {"aantal": 0, "per km2": 0, "klasse": 0, "score": 3, "%": 1, "x 1000 euro": 1,
                                    "km": 1, "per 1000 inwoners": 1}
DIRECTION_TEXT: dict[int, str] = {1: "hoger is beter", -1: "hoger is slechter", 0: "neutraal"}


def indicator_options(data: StoreData, gemeente: str = ALLE) -> pd.DataFrame:
    """Indicators with at least one known value (for one gemeente: in that gemeente, so a Den Haag-only source is
    not offered for Rotterdam), ordered by domain and label."""
    figures = data.figures[data.figures["waarde"].notna()]
    if gemeente != ALLE:
        figures = figures[figures["code"].str.slice(2, 6) == gemeente[2:]]
    known = figures["indicator"].unique()
    meta = data.meta[data.meta["indicator"].isin(known)]
    order = {d: i for i, d in enumerate(DOMAIN_ORDER)}
    return meta.assign(_o=meta["domein"].map(order)).sort_values(["_o", "label"]).drop(columns="_o")


def periods(data: StoreData, indicator: str) -> list[tuple[int, int]]:
    """(jaar, indeling) pairs with known values for an indicator, newest year first; within a year the division the
    figure was published on comes before one it was carried onto (``rivm_50090NED_omgerekend``), so the default
    view is the source figure."""
    rows = data.figures[(data.figures["indicator"] == indicator) & data.figures["waarde"].notna()]
    derived = rows.assign(_derived=rows["bron"].eq(BRON_OMGEREKEND))
    pairs = derived.groupby(["jaar", "indeling"], as_index=False)["_derived"].all()
    pairs = pairs.sort_values(["jaar", "_derived", "indeling"], ascending=[False, True, False])
    return [(int(j), int(i)) for j, i in pairs[["jaar", "indeling"]].itertuples(index=False)]


def source_line(data: StoreData, bronnen: list[str], jaar: int) -> str:
    """'Bron: ...' line for the sources of a figure and its reference year."""
    texts = [str(data.bronnen.loc[b, "bronvermelding"]) for b in bronnen if b in data.bronnen.index]
    return f"{join_attributions(texts)}. Peiljaar {jaar}." if texts else f"Peiljaar {jaar}."


def indicator_label(data: StoreData, indicator: str) -> str:
    """"Label (eenheid)" of an indicator; its id when the registry does not know it."""
    if indicator not in data.meta.index:
        return indicator
    return f"{data.meta.loc[indicator, 'label']} ({data.meta.loc[indicator, 'eenheid']})"


def source_title(data: StoreData, indicator: str) -> str:
    """Title of the source of an indicator (its source id when the source table lacks a title)."""
    if indicator not in data.meta.index:
        return ""
    bron = str(data.meta.loc[indicator, "bron"])
    return str(data.bronnen.loc[bron, "titel"]) if bron in data.bronnen.index and "titel" in data.bronnen else bron


def sources_text(data: StoreData, bronnen: list[str]) -> str:
    """The attributions ("bronvermelding") of some sources, sorted, as one line (:func:`join_attributions`)."""
    texts = [str(data.bronnen.loc[b, "bronvermelding"]) for b in sorted(set(bronnen)) if b in data.bronnen.index]
    return join_attributions(texts)


def value_table(data: StoreData, values: pd.DataFrame, indeling: int, niveau: str) -> pd.DataFrame:
    """All areas of a division and level (water included) in the columns of :func:`area_values`, filled from
    ``values`` (code, waarde, stadswaarde, gemiddelde_g4, rang, aantal): any per-area value (a need index, a
    budget difference) ready for the map machinery."""
    g = data.gebieden
    areas = g[(g["indeling"] == int(indeling)) & (g["niveau"] == niveau)]
    frame = pd.DataFrame({"code": areas["code"].to_numpy(), "naam": areas["naam"].astype(str).to_numpy(),
                          "gemeentecode": areas["gemeentecode"].to_numpy(),
                          "water": areas["water"].to_numpy(dtype=bool)})
    frame["gemeente"] = frame["gemeentecode"].map(GEMEENTEN)
    v = values.set_index("code")
    for column in ("waarde", "stadswaarde", "gemiddelde_g4"):
        frame[column] = frame["code"].map(v[column]).astype(float)
    frame["rang"] = frame["code"].map(v["rang"]).astype("Int64")
    frame["aantal"] = int(values["aantal"].iloc[0]) if len(values) else 0
    frame.loc[frame["water"], "waarde"] = np.nan
    return frame


def area_values(
    data: StoreData, indicator: str, jaar: int, indeling: int, niveau: str, gemeente: str = ALLE
) -> pd.DataFrame:
    """Values of one indicator for every area of one level and division.

    Parameters
    ----------
    gemeente
        A G4 gemeente code, or ``"G4"`` for all four.

    Returns
    -------
    pandas.DataFrame
        code, naam, gemeentecode, gemeente, waarde, bron, stadswaarde (the gemeente's own published figure where the
        source has one), gemiddelde_g4 (unweighted mean over all residential areas of this level with a value),
        steden (how many of the four cities have values), rang (1 = worst by the registry's direction; empty for
        neutral indicators), aantal (areas with a value), water (water, port or business area without residents),
        kaart (has geometry), kbz (KBZ neighbourhood name or ""), toelichting (Dutch note per area: "omgerekend
        uit indeling 2020 ..." with quality for harmonised figures, "onbekend" with the reason where known for a
        missing value; :func:`figure_notes`). Water areas get no value, no rank and count in no average.
    """
    if indicator not in data.meta.index:
        raise KbzDataError(f"onbekende indicator {indicator!r}")
    if gemeente != ALLE and gemeente not in GEMEENTEN:
        raise KbzDataError(f"onbekende gemeente {gemeente!r}; kies uit {', '.join(GEMEENTEN)} of {ALLE}")
    g = data.gebieden
    areas = g[(g["indeling"] == indeling) & (g["niveau"] == niveau)]
    f = data.figures
    rows = f[(f["indicator"] == indicator) & (f["jaar"] == jaar) & (f["indeling"] == indeling)]
    frame = pd.DataFrame(
        {
            "code": areas["code"].to_numpy(), "naam": areas["naam"].to_numpy(),
            "gemeentecode": areas["gemeentecode"].to_numpy(), "water": areas["water"].to_numpy(dtype=bool),
            "kaart": areas.geometry.notna().to_numpy(),
        }
    ).merge(rows[["code", "waarde", "bron"]], on="code", how="left")
    frame.loc[frame["water"], "waarde"] = np.nan
    frame["gemeente"] = frame["gemeentecode"].map(GEMEENTEN)
    city = rows[rows["code"].str.startswith("GM")].set_index("code")["waarde"]
    frame["stadswaarde"] = frame["gemeentecode"].map(city)
    frame["gemiddelde_g4"] = frame["waarde"].mean()
    frame["steden"] = int(frame.loc[frame["waarde"].notna(), "gemeentecode"].nunique())
    richting = int(data.meta.loc[indicator, "richting"])
    ascending = richting == 1  # rank 1 = worst: lowest when higher is better
    if richting == 0:  # no "worse" for a neutral indicator: no rank
        frame["rang"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    else:
        frame["rang"] = frame["waarde"].rank(method="min", ascending=ascending).astype("Int64")
    frame["aantal"] = int(frame["waarde"].notna().sum())
    frame["kbz"] = frame["code"].map(kbz_areas.names_by_code(indeling)).fillna("")
    frame["toelichting"] = figure_notes(data, frame, indicator, jaar, indeling)
    if gemeente != ALLE:
        frame = frame[frame["gemeentecode"] == gemeente]
    return frame.sort_values(["gemeentecode", "code"]).reset_index(drop=True)


#: The note of a figure carried from the 2020 division onto the 2024 division (``indicatoren_kwaliteit``).
OMGEREKEND = "omgerekend uit indeling 2020"
NON_RESIDENTIAL = "geen woongebied (water, haven, bedrijven)"


def figure_notes(data: StoreData, frame: pd.DataFrame, indicator: str, jaar: int, indeling: int) -> pd.Series:
    """A Dutch note per row of ``frame`` (code, waarde, water): the quality of a harmonised figure
    (:data:`OMGEREKEND`, bronniveau, kwaliteit and reden from ``data.kwaliteit``), "onbekend" with the reason where
    the quality table knows it, :data:`NON_RESIDENTIAL` for water areas, "" for a known primary figure."""
    k = data.kwaliteit
    rows = k[(k["indicator"] == indicator) & (k["jaar"] == int(jaar)) & (k["indeling"] == int(indeling))]
    rows = rows.drop_duplicates("code").set_index("code")
    notes = pd.Series("", index=frame.index, dtype=object)
    unknown = frame["waarde"].isna().to_numpy()
    notes[unknown] = f"{UNKNOWN} (geen cijfer, of geheim)"
    if len(rows):
        def column(name: str) -> pd.Series:
            return frame["code"].map(rows[name].astype(object)).fillna("").astype(str)

        methode, kwaliteit, reden, niveau = (column(c) for c in ("methode", "kwaliteit", "reden", "bronniveau"))
        van = niveau.map(lambda v: f" ({v})" if v else "")
        unchanged = OMGEREKEND + van + ": grens ongewijzigd, waarde overgenomen (kwaliteit " + kwaliteit + ")"
        carried = OMGEREKEND + van + ", kwaliteit " + kwaliteit + reden.map(lambda r: f": {r}" if r else "")
        known = ~unknown & (methode != "").to_numpy()
        notes[known] = np.where(methode[known] == "ongewijzigd", unchanged[known], carried[known])
        explained = unknown & (reden != "").to_numpy()
        notes[explained] = UNKNOWN + ": " + reden[explained]
    notes[frame["water"].to_numpy(dtype=bool)] = NON_RESIDENTIAL
    return notes


def shapes(data: StoreData, gemeente: str, niveau: str, indeling: int) -> dict:
    """GeoJSON (features carry only ``code``; exterior rings clockwise, as plotly's SVG geo maps need) of the areas
    with geometry; empty when there are none. Made once per loaded store (``data.memo``: the shapes do not change
    with the indicator; about 8 ms per city) and shared: do not change the result."""
    from kbz_data.store import shapes

    key = ("shapes", gemeente, niveau, int(indeling))
    if key in data.memo:
        return data.memo[key]
    g = data.gebieden
    part = g[(g["indeling"] == indeling) & (g["niveau"] == niveau)]
    if gemeente != ALLE:
        part = part[part["gemeentecode"] == gemeente]
    if part.geometry.notna().sum() == 0:
        result = {"type": "FeatureCollection", "features": []}
    else:
        result = shapes.geojson_for(part, None if gemeente == ALLE else gemeente, niveau, indeling, exterior_cw=True)
    data.memo[key] = result
    return result


def has_shapes(data: StoreData, niveau: str, indeling: int, gemeente: str = ALLE) -> bool:
    """True when the division has geometry for this level (and gemeente)."""
    g = data.gebieden
    rows = g[(g["indeling"] == indeling) & (g["niveau"] == niveau) & g.geometry.notna()]
    if gemeente != ALLE:
        rows = rows[rows["gemeentecode"] == gemeente]
    return not rows.empty


def table_for_display(table: pd.DataFrame, eenheid: str) -> pd.DataFrame:
    """The per-area table as shown and exported: Dutch column names, water areas left out."""
    shown = table[~table["water"]].copy()
    unit = f" ({eenheid})"
    digits = DISPLAY_DECIMALS.get(eenheid, 1)

    def rounded(values: pd.Series) -> pd.Series:
        return values.round(digits).astype("Int64") if digits == 0 else values.round(digits)

    steden = int(shown["steden"].max()) if len(shown) and "steden" in shown else 0
    return pd.DataFrame(
        {
            "Gebied": shown["naam"], "Code": shown["code"], "Gemeente": shown["gemeente"],
            "Waarde" + unit: rounded(shown["waarde"]), "Cijfer hele gemeente" + unit: rounded(shown["stadswaarde"]),
            f"Ongewogen gemiddelde van de gebieden ({steden} {'stad' if steden == 1 else 'steden'})" + unit:
                shown["gemiddelde_g4"].round(max(digits, 1)),
            "Rang (1 = meest ongunstig)": shown["rang"], "Van": shown["aantal"],
            "KBZ-gebied": shown.get("kbz", pd.Series("", index=shown.index)),
            "Toelichting": shown.get("toelichting", pd.Series("", index=shown.index)),
        }
    ).reset_index(drop=True)


def styled(table: pd.DataFrame, decimals: int | None = None):  # noqa: ANN201 - a pandas Styler
    """``table`` for ``st.dataframe``: numbers in Dutch (decimal comma, thousands dot; the decimals each column
    holds, or ``decimals``), a missing value reads "onbekend" (never None or nan); the data stay numeric, so
    sorting works."""
    styler = table.style
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            styler = styler.format(na_rep=UNKNOWN, subset=[column])
            continue
        if _is_year(column, values):  # "2022", not "2.022"
            styler = styler.format(precision=0, na_rep=UNKNOWN, subset=[column])
            continue
        digits = decimals if decimals is not None else _digits(values)
        styler = styler.format(precision=digits, decimal=",", thousands=".", na_rep=UNKNOWN, subset=[column])
    return styler


def _is_year(column: object, values: pd.Series) -> bool:
    """A column of years or divisions ("Jaar", "Indeling", "Peiljaar"): named so and holding whole numbers
    between 1800 and 2200 only (so "Kosten per jaar" with euro amounts stays an amount)."""
    name = str(column).lower()
    if "jaar" not in name and "indeling" not in name:
        return False
    known = values.dropna()
    return bool(len(known)) and bool(((known % 1 == 0) & known.between(1800, 2200)).all())


def _digits(values: pd.Series) -> int:
    """Decimals a numeric column needs (0 to 3)."""
    if not pd.api.types.is_float_dtype(values):
        return 0
    known = values.dropna().astype(float)
    for digits in range(3):
        if ((known * 10**digits).round(6) % 1 == 0).all():
            return digits
    return 3


def pair_values(
    data: StoreData, x: tuple[str, int], y: tuple[str, int], indeling: int, niveau: str, gemeente: str = ALLE
) -> pd.DataFrame:
    """Two indicators side by side per area of ONE division: code, naam, gemeente, x, y, toelichting (the notes
    of both figures where there are any, e.g. "omgerekend uit indeling 2020"; water left out).

    ``x`` and ``y`` are (indicator, jaar): any two indicators, both taken on the same ``indeling`` (a figure
    harmonised onto that division included), never across divisions.
    """
    left = area_values(data, x[0], x[1], indeling, niveau, gemeente)
    right = area_values(data, y[0], y[1], indeling, niveau, gemeente)
    notes = [" · ".join(f"{name}: {n}" for name, n in (("x", a), ("y", b)) if n)
             for a, b in zip(left["toelichting"], right["toelichting"], strict=True)]
    frame = left[["code", "naam", "gemeente", "water"]].assign(x=left["waarde"].to_numpy(),
                                                                 y=right["waarde"].to_numpy(), toelichting=notes)
    return frame[~frame["water"]].drop(columns="water").reset_index(drop=True)


def indicators_in_division(data: StoreData, indeling: int, niveau: str) -> list[tuple[str, int]]:
    """(indicator, jaar) pairs with known values at this division and level, newest year first."""
    f = data.figures
    g = data.gebieden
    codes = set(g.loc[(g["indeling"] == indeling) & (g["niveau"] == niveau), "code"])
    rows = f[(f["indeling"] == indeling) & f["waarde"].notna() & f["code"].isin(codes)]
    pairs = rows[["indicator", "jaar"]].drop_duplicates().sort_values(["indicator", "jaar"], ascending=[True, False])
    return [(str(i), int(j)) for i, j in pairs.itertuples(index=False)]


#: Default scatter pair per division ("indicator|jaar" for x and y): deprivation against health.
SCATTER_DEFAULTS: dict[int, tuple[str, str]] = {
    2020: ("moeite_met_rondkomen|2020", "ervaren_gezondheid_goed|2020"),
    2024: ("inkomen_per_inwoner|2024", "ervaren_gezondheid_goed|2020"),
}


#: Headline figures on the start page: (indicator, jaar, indeling).
HEADLINES: tuple[tuple[str, int, int], ...] = (
    ("inwoners", 2024, 2024),
    ("ervaren_gezondheid_goed", 2020, 2020),
    ("moeite_met_rondkomen", 2020, 2020),
    ("hoog_risico_angst_depressie", 2020, 2020),
    ("eenzaam", 2020, 2020),
    ("inkomen_per_inwoner", 2024, 2024),
)


def headline_table(data: StoreData) -> pd.DataFrame:
    """The gemeente's own published figure per city for the :data:`HEADLINES` (rows) and cities (columns).

    Returns
    -------
    pandas.DataFrame
        Columns Indicator, Jaar, one per city (float, NaN when absent), eenheid, bron.
    """
    f = data.figures
    rows = []
    for indicator, jaar, indeling in HEADLINES:
        if indicator not in data.meta.index:
            continue
        part = f[(f["indicator"] == indicator) & (f["jaar"] == jaar) & (f["indeling"] == indeling)
                 & f["code"].isin(list(GEMEENTEN))].set_index("code")
        row = {"Indicator": str(data.meta.loc[indicator, "label"]), "Jaar": jaar,
               "eenheid": str(data.meta.loc[indicator, "eenheid"]),
               "bron": ", ".join(sorted(part["bron"].dropna().unique()))}
        for code, name in GEMEENTEN.items():
            row[name] = float(part["waarde"].get(code, np.nan))
        rows.append(row)
    return pd.DataFrame(rows)


def area_view(data: StoreData, table: pd.DataFrame, indicator: str, jaar: int, indeling: int, niveau: str,
              gemeente: str, source: str) -> ViewResult:
    """The Kaart table (:func:`area_values` rows ``table``) for screen and download: title, definition, the
    reading of empty values and ranks, ``source`` (the map's source line) and the licence."""
    meta = data.meta.loc[indicator]
    plaats = "de vier steden" if gemeente == ALLE else GEMEENTEN[gemeente]
    return ViewResult(
        title=f"{meta['label']} ({meta['eenheid']}), per {niveau}, {plaats}, {jaar}, gebiedsindeling {indeling}.",
        tables=(("Gegevens", table_for_display(table, str(meta["eenheid"]))),),
        file_stem=f"kbz_{indicator}_{niveau}_{gemeente}_{jaar}_indeling{indeling}",
        method_lines=(f"Definitie: {meta['definitie']}",
                      "Lege waarde = onbekend of geheim. Rang 1 = meest ongunstig onder alle gebieden van de vier"
                      " steden."),
        sources=source, licence=LICENCE_LINE,
    )
