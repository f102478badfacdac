"""Derived practice measures, anonymised comparison, small-count suppression, funnel limits and the wijk profile.

Suppression rule (:data:`SUPPRESSION_TEXT`)
-------------------------------------------
Figures of *other* practices are shown only as follows: every count below 10 (a plain count such as families in
the miniteam, a teller, a noemer or a number of respondents; 0 included) is shown as ``"<10"``, and a rate or
share whose teller or noemer is below 10 is not shown either (``"<10"``: the exact rate would give the small
count away). Suppressed points appear in charts as hollow grey markers on the x-axis with ``<10`` in the hover;
in tables and exports the text ``<10`` replaces the number. The chosen practice ("mijn praktijk") sees all its own
figures. Means over all practices are aggregates and are never suppressed.

Anonymisation: the other practices are called "Praktijk A", "Praktijk B", ... in the order of the SHA-256 hash of
their code (not alphabetically, so a letter does not give away the city); the chosen practice itself is left out of
the lettering. Exports never contain the codes or names of other practices.

Mean of all: the unweighted mean over all practices with a value in that quarter (each practice counts once,
the chosen one included). Funnel plots use the pooled rate instead (total referrals / total patients).

Funnel limits: a practice with ``n`` registered patients (mean over the quarters of the year) and ``O`` referrals
in the year has rate ``O / n`` (shown per 1,000 patients per year). Under the pooled rate ``p0`` the count is
Poisson with mean ``n * p0``; with the normal approximation the limits are ``p0 +- z * sqrt(p0 / n)`` with
``z = 1.96`` (95 %) and ``z = 3.09`` (99.8 %), clipped at 0 (Spiegelhalter 2005, "Funnel plots for comparing
institutional performance").
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Collection
from statistics import NormalDist

import numpy as np
import pandas as pd

from kbz_data.config import GEMEENTEN
from kbz_data.practice import registry
from kbz_data.practice.schema import KENGETALLEN, MEASURES, REFERRALS, Measure, period_start
from kbz_data.text import UNKNOWN, fmt_number, plural

SUPPRESS_BELOW = 10
SUPPRESSED = "<10"
#: The suppression rule as the viewers who are bound by it read it (a practice, an analyst, a visitor).
SUPPRESSION_TEXT = (
    "Onderdrukking: aantallen onder de 10 van andere praktijken (tellingen, tellers, noemers en aantallen"
    " respondenten, ook 0) worden getoond als '<10'; een percentage of cijfer per 1.000 met een teller of noemer"
    " onder de 10 wordt dan ook niet getoond. Andere praktijken zijn geanonimiseerd (Praktijk A, B, ...)."
)
#: What a beheerder reads instead: the beheerder sees every practice named and every count.
MANAGER_SUPPRESSION_TEXT = (
    "Onderdrukking: u ziet als beheerder alle praktijken met naam en alle aantallen. Andere gebruikers zien aantallen"
    " onder de 10 van andere praktijken als '<10' en andere praktijken geanonimiseerd (Praktijk A, B, ...)."
)


def suppression_text(rol: str) -> str:
    """:data:`SUPPRESSION_TEXT`, or for a beheerder (who sees everything) :data:`MANAGER_SUPPRESSION_TEXT`."""
    return MANAGER_SUPPRESSION_TEXT if rol == "beheerder" else SUPPRESSION_TEXT


FICTIEF_WARNING = "Fictieve demodata: deze praktijkcijfers zijn verzonnen en gegenereerd door het dashboard zelf."
MEAN_LABEL = "Gemiddelde alle KBZ-praktijken"
Z95 = NormalDist().inv_cdf(0.975)
Z998 = NormalDist().inv_cdf(0.999)


def source_line(fictief: bool, upload: bool) -> str:
    """'Bron: ...' line for practice figures, by origin of what is shown."""
    parts = []
    if upload:
        parts.append("praktijkcijfers aangeleverd door KBZ-praktijken (upload via het dashboard)")
    if fictief:
        parts.append("FICTIEVE demodata, gegenereerd door het KBZ wijkdashboard (python -m kbz_data demo);"
                     " geen echte praktijkcijfers")
    return "Bron: " + "; ".join(parts) + "." if parts else "Bron: praktijkcijfers."


def anonymous_labels(own: str, codes: list[str] | None = None) -> dict[str, str]:
    """Code -> display label: the chosen practice by name, every other as 'Praktijk A', 'Praktijk B', ..."""
    codes = registry.codes() if codes is None else codes
    others = sorted((c for c in codes if c != own), key=lambda c: hashlib.sha256(c.encode()).hexdigest())
    labels = {c: f"Praktijk {chr(ord('A') + i)}" if i < 26 else f"Praktijk {i + 1}" for i, c in enumerate(others)}
    if own in codes:
        labels[own] = registry.get(own).naam if own in registry.PRAKTIJKEN else own
    return labels


def wide(figures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Teller, noemer and 'is demo' per (praktijk_code, periode) x kengetal: the input of :func:`measure_frame`,
    computed once when many measures are drawn from the same figures (three pivots: the costly part)."""
    index = ["praktijk_code", "periode"]
    teller = figures.pivot_table(index=index, columns="kengetal", values="teller", aggfunc="first")
    noemer = figures.pivot_table(index=index, columns="kengetal", values="noemer", aggfunc="first")
    demo = figures.assign(d=(figures["herkomst"] == "demo").astype(float)).pivot_table(
        index=index, columns="kengetal", values="d", aggfunc="first")
    full = pd.Index(list(KENGETALLEN), name="kengetal")
    return (teller.reindex(columns=full).astype(float), noemer.reindex(columns=full).astype(float),
            demo.reindex(columns=full))


def _measure_values(measure: Measure, teller: pd.DataFrame, noemer: pd.DataFrame,
                    demo: pd.DataFrame) -> pd.DataFrame:
    top = teller[measure.teller]
    if measure.noemer is None:
        bottom = pd.Series(np.nan, index=top.index)
        value = top
        parts = demo[[measure.teller]]
    elif measure.noemer == "respondenten":
        bottom = noemer[measure.teller]
        value = top / bottom * measure.factor
        parts = demo[[measure.teller]]
    else:
        bottom = teller[measure.noemer]
        value = top / bottom.where(bottom > 0) * measure.factor
        parts = demo[[measure.teller, measure.noemer]]
    return pd.DataFrame({"waarde": value, "teller": top, "noemer": bottom,
                         "fictief": (parts == 1).any(axis=1)}).dropna(subset=["waarde"])


def _fmt(value: float, decimals: int) -> str:
    return fmt_number(value, decimals)


def _count_text(value: float, suppress: bool) -> str:
    if value != value:
        return ""
    if suppress and value < SUPPRESS_BELOW:
        return SUPPRESSED
    return _fmt(value, 0)


def measure_frame(figures: pd.DataFrame, own: str, measure_id: str, full: Collection[str] = (),
                  wide_figures: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One measure per quarter for the chosen practice, every other practice (anonymised) and the mean of all.

    Parameters
    ----------
    figures
        Current figures (:func:`kbz_data.practice.upload_store.current_figures`); not modified.
    own
        The chosen practice's code ("mijn praktijk").
    measure_id
        An id of :data:`kbz_data.practice.schema.MEASURES`.
    full
        Other practices shown unsuppressed (rol ``ander``; e.g. every practice for the beheerder).
    wide_figures
        :func:`wide` of ``figures``, when already computed.

    Returns
    -------
    pandas.DataFrame
        praktijk (display label), rol (``eigen`` | ``ander`` | ``gemiddelde``), periode, datum (first day of the
        quarter), waarde (NaN when suppressed), weergave (formatted value or ``<10``), teller_tekst, noemer_tekst
        (counts as shown, ``<10`` when suppressed), onderdrukt, fictief. Sorted by rol, praktijk, periode.
    """
    measure = MEASURES[measure_id]
    teller, noemer, demo = wide(figures) if wide_figures is None else wide_figures
    values = _measure_values(measure, teller, noemer, demo).reset_index()
    labels = anonymous_labels(own, sorted(set(figures["praktijk_code"])))
    is_count = measure.noemer is None
    decimals = 0 if is_count else 1
    other = values["praktijk_code"] != own
    small = (values["teller"] < SUPPRESS_BELOW) | (values["noemer"] < SUPPRESS_BELOW)
    hidden = other & ~values["praktijk_code"].isin(set(full))  # others the viewer may not see in full
    suppressed = hidden & small
    rows = pd.DataFrame({
        "praktijk": values["praktijk_code"].map(labels),
        "rol": np.where(other, "ander", "eigen"),
        "periode": values["periode"],
        "waarde": values["waarde"].where(~suppressed),
        "weergave": [SUPPRESSED if s else _fmt(v, decimals) for v, s in zip(values["waarde"], suppressed, strict=True)],
        "teller_tekst": [_count_text(v, o) for v, o in zip(values["teller"], hidden, strict=True)],
        "noemer_tekst": [_count_text(v, o) for v, o in zip(values["noemer"], hidden, strict=True)],
        "onderdrukt": suppressed,
        "fictief": values["fictief"],
    })
    mean = values.groupby("periode").agg(waarde=("waarde", "mean"), fictief=("fictief", "any"),
                                         n=("waarde", "size")).reset_index()
    mean_rows = pd.DataFrame({
        "praktijk": MEAN_LABEL, "rol": "gemiddelde", "periode": mean["periode"], "waarde": mean["waarde"],
        "weergave": [_fmt(v, 1) for v in mean["waarde"]], "teller_tekst": "",
        "noemer_tekst": [plural(int(n), "praktijk", "praktijken") for n in mean["n"]],
        "onderdrukt": False, "fictief": mean["fictief"],
    })
    out = pd.concat([rows, mean_rows], ignore_index=True)
    out["datum"] = pd.to_datetime([period_start(p) for p in out["periode"]])
    order = {"eigen": 0, "gemiddelde": 1, "ander": 2}
    out = out.assign(_o=out["rol"].map(order)).sort_values(["_o", "praktijk", "periode"]).drop(columns="_o")
    return out.reset_index(drop=True)


def latest_summary(figures: pd.DataFrame, own: str) -> pd.DataFrame:
    """The chosen practice's latest quarter: one row per measure with its value, the mean of all and its origin.

    Returns
    -------
    pandas.DataFrame
        Kengetal (label and unit), Periode, Mijn praktijk, Gemiddelde alle KBZ-praktijken, Respondenten / basis,
        Fictief.
    """
    return summary_of(lambda measure_id: measure_frame(figures, own, measure_id))


def summary_of(frame_of: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """The latest-quarter table of :func:`latest_summary` from ``frame_of(measure_id)``, a frame like
    :func:`measure_frame` (also the role-filtered one of :func:`kbz_data.practice.access.measure_view`)."""
    rows = []
    for measure_id, measure in MEASURES.items():
        frame = frame_of(measure_id)
        mine = frame[frame["rol"] == "eigen"]
        if mine.empty:
            continue
        last = mine.iloc[-1]
        mean = frame[(frame["rol"] == "gemiddelde") & (frame["periode"] == last["periode"])]
        rows.append({
            "Kengetal": f"{measure.label} ({measure.eenheid})", "Periode": last["periode"],
            "Mijn praktijk": last["weergave"], MEAN_LABEL: mean["weergave"].iloc[0] if len(mean) else "",
            "Respondenten": last["noemer_tekst"] if measure.noemer == "respondenten" else "",
            "Fictief": "ja" if last["fictief"] else "nee",
        })
    return pd.DataFrame(rows, columns=["Kengetal", "Periode", "Mijn praktijk", MEAN_LABEL, "Respondenten", "Fictief"])


#: The measures of the headline cards on the Praktijk page, in order.
HEADLINE = ("ingeschreven_patienten", "consulten", "verwijzingen_ziekenhuis_per_1000", "pct_patienten_weet_wat_te_doen")
#: Short card labels (four cards side by side must not cut their labels off); the help gives the full name.
HEADLINE_LABELS = {"ingeschreven_patienten": "Ingeschreven patiënten", "consulten": "Consulten",
                   "verwijzingen_ziekenhuis_per_1000": "Verwijzingen ziekenhuis per 1.000",
                   "pct_patienten_weet_wat_te_doen": "Weet wat te doen (%)"}


def headline(frames: dict[str, pd.DataFrame]) -> tuple[str | None, list[dict[str, str]]]:
    """The headline cards of the chosen practice, all for ONE quarter.

    ``frames`` maps measure ids (:data:`HEADLINE`) to frames like :func:`measure_frame`. The quarter is the latest
    one in which the practice has a figure for any of these measures (an upload of a later quarter for only some
    kengetallen moves it forward); a measure without a figure in that quarter reads "onbekend" and its help names
    its latest figure and quarter, so quarters are never mixed silently.

    Returns
    -------
    (periode, cards)
        periode is None when the practice has no figure at all; each card has label, value and help.
    """
    own = {m: f[f["rol"] == "eigen"] for m, f in frames.items()}
    periods = [p for rows in own.values() for p in rows["periode"]]
    if not periods:
        return None, []
    periode = max(periods)
    cards = []
    for measure_id, rows in own.items():
        measure = MEASURES[measure_id]
        frame = frames[measure_id]
        now = rows[rows["periode"] == periode]
        mean = frame[(frame["rol"] == "gemiddelde") & (frame["periode"] == periode)]
        if len(now):
            value = str(now["weergave"].iloc[0])
            help_text = f"{MEAN_LABEL} in {periode}: {mean['weergave'].iloc[0] if len(mean) else UNKNOWN}"
            if bool(now["fictief"].iloc[0]):
                help_text += " · fictieve demodata"
        else:
            value = UNKNOWN
            help_text = f"Geen cijfer over {periode}" + (
                f"; het laatste cijfer is {rows['weergave'].iloc[-1]} ({rows['periode'].iloc[-1]})." if len(rows)
                else ".")
        cards.append({"label": HEADLINE_LABELS.get(measure_id, measure.label), "value": value,
                      "help": f"{measure.label} ({measure.eenheid}). {help_text}"})
    return periode, cards


def comparison_table(frame: pd.DataFrame, periode: str) -> pd.DataFrame:
    """The rows of :func:`measure_frame` for one quarter as a display/export table (suppression applied)."""
    rows = frame[frame["periode"] == periode]
    mean = (rows["rol"] == "gemiddelde").to_numpy()
    return pd.DataFrame({
        "Praktijk": rows["praktijk"], "Periode": rows["periode"], "Waarde": rows["weergave"],
        "Teller": rows["teller_tekst"], "Noemer": np.where(mean, "", rows["noemer_tekst"]),
        # the mean's "noemer_tekst" is how many practices it is over: said in words, not as a denominator
        "Toelichting": np.where(mean, "gemiddelde van " + rows["noemer_tekst"].astype(str), ""),
        "Fictief": np.where(rows["fictief"], "ja", "nee"),
    }).reset_index(drop=True)


def funnel_years(figures: pd.DataFrame) -> list[int]:
    """Years with all four quarters of registered patients for at least one practice, newest first."""
    pat = figures[figures["kengetal"] == "ingeschreven_patienten"]
    years = pat["periode"].str[:4].astype(int)
    counts = pat.assign(jaar=years).groupby(["praktijk_code", "jaar"]).size()
    full = sorted({j for (_c, j), n in counts.items() if n == 4}, reverse=True)
    return full


def funnel(figures: pd.DataFrame, own: str, kengetal: str, jaar: int,
           full: Collection[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Referral rates per 1,000 patients per year against practice size, with 95 % and 99.8 % limits.

    Only practices with all four quarters of both the referral kengetal and registered patients in ``jaar`` are
    included. ``full``: other practices shown unsuppressed (rol ``ander``).

    Returns
    -------
    points
        praktijk, rol, patienten (mean registered), verwijzingen_tekst (``<10`` when suppressed), waarde (per
        1,000 per year; NaN when suppressed), weergave, onderdrukt, fictief, positie (``binnen``, ``boven`` or
        ``onder`` the 95 % limits, or ``buiten 99,8 %``... see code).
    limits
        patienten, lower95, upper95, lower998, upper998 (per 1,000 per year) on a grid of practice sizes.
    target
        The pooled rate per 1,000 per year.
    """
    if kengetal not in REFERRALS:
        raise KeyError(kengetal)
    sub = figures[figures["kengetal"].isin([kengetal, "ingeschreven_patienten"])
                  & figures["periode"].str.startswith(str(jaar))]
    wide = sub.pivot_table(index=["praktijk_code", "periode"], columns="kengetal", values="teller",
                           aggfunc="first").astype(float).dropna()
    demo = sub.assign(d=sub["herkomst"] == "demo").groupby("praktijk_code")["d"].any()
    per = wide.reset_index().groupby("praktijk_code").agg(
        kwartalen=("periode", "size"), patienten=("ingeschreven_patienten", "mean"), o=(kengetal, "sum"))
    per = per[per["kwartalen"] == 4]
    empty_limits = pd.DataFrame(columns=["patienten", "lower95", "upper95", "lower998", "upper998"])
    if per.empty:
        return pd.DataFrame(), empty_limits, float("nan")
    p0 = per["o"].sum() / per["patienten"].sum()
    labels = anonymous_labels(own, sorted(set(figures["praktijk_code"])))
    rate = per["o"] / per["patienten"] * 1000
    sd = np.sqrt(p0 / per["patienten"]) * 1000
    z = (rate - p0 * 1000) / sd
    other = per.index != own
    hidden = other & ~per.index.isin(list(full))
    suppressed = hidden & (per["o"] < SUPPRESS_BELOW)
    points = pd.DataFrame({
        "praktijk": per.index.map(labels), "rol": np.where(other, "ander", "eigen"),
        "patienten": per["patienten"].round(0), "verwijzingen_tekst": [
            _count_text(v, o) for v, o in zip(per["o"], hidden, strict=True)],
        "waarde": rate.where(~suppressed), "weergave": [SUPPRESSED if s else _fmt(v, 1)
                                                       for v, s in zip(rate, suppressed, strict=True)],
        "onderdrukt": suppressed,
        "fictief": demo.reindex(per.index).fillna(False).to_numpy(),
        "positie": np.select([z.abs() > Z998, z > Z95, z < -Z95],
                             ["buiten de 99,8%-grenzen", "boven de 95%-grens", "onder de 95%-grens"],
                             "binnen de 95%-grenzen"),
    }).reset_index(drop=True)
    points.loc[points["onderdrukt"], "positie"] = "onderdrukt"
    low, high = per["patienten"].min() * 0.6, per["patienten"].max() * 1.3
    grid = np.linspace(max(low, 50.0), high, 120)
    se = np.sqrt(p0 / grid)
    limits = pd.DataFrame({
        "patienten": grid,
        "lower95": np.clip(p0 - Z95 * se, 0, None) * 1000, "upper95": (p0 + Z95 * se) * 1000,
        "lower998": np.clip(p0 - Z998 * se, 0, None) * 1000, "upper998": (p0 + Z998 * se) * 1000,
    })
    return points, limits, float(p0 * 1000)


#: Indicators of the wijk profile per division: (indeling, indicator ids).
PROFILE_INDICATORS: dict[int, tuple[str, ...]] = {
    2020: ("ses_woa_score", "moeite_met_rondkomen", "ervaren_gezondheid_goed", "langdurige_aandoening",
           "hoog_risico_angst_depressie", "eenzaam", "ernstig_overgewicht", "roker"),
    2024: ("inwoners", "inkomen_per_inwoner", "woz_waarde", "pct_koopwoningen", "pct_herkomst_buiten_europa",
           "pct_65plus", "pct_0_15"),
}
PROFILE_TITLES = {
    2020: "Gezondheid en sociaal-economische status (gebiedsindeling 2020)",
    2024: "Bevolking en welvaart (gebiedsindeling 2024)",
}


def wijk_profile(data, praktijk_code: str,  # noqa: ANN001 - StoreData
                 reg: registry.Registry | None = None) -> list[tuple[str, pd.DataFrame, str]]:
    """Deprivation and health of the buurten a practice serves, next to its gemeente, from the store.

    Parameters
    ----------
    data
        :class:`kbz_data.analysis.storage.StoreData` (not modified).
    praktijk_code
        The practice.
    reg
        The registry in use (the database's; default the built-in one).

    Returns
    -------
    list of (title, table, source line)
        Per division (2020, 2024) a table with one row per indicator (label, unit, year) and one column per served
        buurt plus the gemeente; only indicators with at least one known value; divisions without any are left out.
        RIVM health figures are model estimates (small-area estimation), as the source line says.
    """
    from kbz_data.analysis.area_data import source_line as store_source_line

    p = (registry.BUILTIN if reg is None else reg).get(praktijk_code)
    out = []
    figs, gebieden, meta = data.figures, data.gebieden, data.meta
    for indeling, indicators in PROFILE_INDICATORS.items():
        buurten = list(p.gebieden.get(indeling, ((), ()))[0])
        codes = [*buurten, p.gemeentecode]
        rows = figs[(figs["indeling"] == indeling) & figs["code"].isin(codes) & figs["indicator"].isin(indicators)
                    & figs["waarde"].notna()]
        if rows.empty:
            continue
        latest = rows.groupby("indicator")["jaar"].transform("max")
        rows = rows[rows["jaar"] == latest]
        names = gebieden[(gebieden["indeling"] == indeling) & gebieden["code"].isin(codes)].set_index("code")["naam"]
        column = {c: str(names.get(c, c)) for c in buurten}
        column[p.gemeentecode] = f"Gemeente {GEMEENTEN[p.gemeentecode]}"
        table = rows.pivot_table(index=["indicator", "jaar"], columns="code", values="waarde", aggfunc="first")
        table = table.reindex(columns=[c for c in codes if c in table.columns])
        table = table.reset_index()
        table.insert(0, "Indicator", [
            f"{meta.loc[i, 'label']} ({meta.loc[i, 'eenheid']})" if i in meta.index else i for i in table["indicator"]])
        order = {ind: k for k, ind in enumerate(indicators)}
        table = table.assign(_o=table["indicator"].map(order)).sort_values("_o")
        bronnen = sorted(set(rows["bron"]))
        jaren = sorted(set(int(j) for j in rows["jaar"]))
        table = table.drop(columns=["_o", "indicator"]).rename(columns={**column, "jaar": "Jaar"})
        table = table.round(1).reset_index(drop=True)
        table["Jaar"] = [str(int(j)) for j in table["Jaar"]]  # a year, not a number with a thousands dot
        table.columns.name = None
        line = store_source_line(data, bronnen, jaren[-1])
        if "rivm_50090NED" in bronnen:
            line += " Gezondheidscijfers zijn modelschattingen (small area estimation), geen tellingen."
        out.append((PROFILE_TITLES[indeling], table, line))
    return out


def served_text(data, praktijk_code: str, reg: registry.Registry | None = None) -> str:  # noqa: ANN001 - StoreData
    """'Bedient vooral 3 buurten in wijk Bloemhof (WK059915).': the areas a practice serves by NAME (code in
    brackets), on the newest division the practice has areas of; a code the store does not know stays a code.
    ``reg``: the registry in use (the database's; default the built-in one)."""
    p = (registry.BUILTIN if reg is None else reg).get(praktijk_code)
    indeling = max((j for j, (b, w) in p.gebieden.items() if b or w), default=None)
    if indeling is None:
        return ""
    buurten, wijken = p.gebieden[indeling]
    gebieden = data.gebieden
    known = gebieden[(gebieden["indeling"] == indeling) & gebieden["code"].isin([*buurten, *wijken])]
    names = known.drop_duplicates("code").set_index("code")["naam"]
    shown = [f"{names[c]} ({c})" for c in wijken if c in names.index and isinstance(names[c], str)]
    unnamed = [c for c in wijken if not (c in names.index and isinstance(names[c], str))]
    if unnamed:  # a store without these wijken (a partial build): say so, the code only in brackets
        shown.append(f"{'een wijk' if len(unnamed) == 1 else 'wijken'} zonder naam in de gegevensopslag"
                     f" ({', '.join(unnamed)})")
    lead = " in " if unnamed else " in wijk " if len(shown) == 1 else " in de wijken "
    where = lead + ", ".join(shown) if shown else ""
    buurt_names = [str(names[c]) for c in buurten if c in names.index and isinstance(names[c], str)]
    which = f" ({', '.join(buurt_names)})" if buurt_names and len(buurt_names) == len(buurten) <= 4 else ""
    return (f"Bedient vooral {plural(len(buurten), 'buurt', 'buurten')}{which}{where}"
            f" (gebiedsindeling {indeling}).")


def own_figures(figures: pd.DataFrame, own: str) -> pd.DataFrame:
    """The chosen practice's own figures as a display/export table, with origin and the ``Fictief`` flag."""
    rows = figures[figures["praktijk_code"] == own]
    return pd.DataFrame({
        "Praktijk": rows["praktijk_code"], "Periode": rows["periode"], "Kengetal": rows["kengetal"],
        "Omschrijving": rows["kengetal"].map({k: v.label for k, v in KENGETALLEN.items()}),
        "Teller": rows["teller"], "Noemer": rows["noemer"],
        "Herkomst": rows["herkomst"].map({"demo": "demodata", "upload": "upload"}),
        "Fictief": np.where(rows["herkomst"] == "demo", "ja", "nee"),
    }).reset_index(drop=True)


def kbz_start_periode(praktijk_code: str, reg: registry.Registry | None = None) -> str:
    """The quarter in which the practice started with KBZ (``2020Q1``); ``reg``: the registry in use (default the
    built-in one)."""
    start = (registry.BUILTIN if reg is None else reg).get(praktijk_code).kbz_start
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def rate_text(value: float) -> str:
    """A rate with a decimal comma, or 'onbekend'."""
    return _fmt(value, 1) if value == value and not math.isinf(value) else "onbekend"
