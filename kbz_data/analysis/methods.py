"""Bronnen en methode: the tables of the sources-and-method page (sources, files, skipped files, indicators,
caveats) and the method tables of the need index, similar areas and budget weights, with every number taken
from the store or from the module that uses it (never repeated here). Pure pandas, no Streamlit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kbz_data.analysis import need
from kbz_data.analysis.area_data import DIRECTION_TEXT, indicator_label, source_title
from kbz_data.analysis.budget import DEFAULT_DECILE_WEIGHTS
from kbz_data.indicators import BRON_OMGEREKEND, DOMAIN_ORDER
from kbz_data.store.storage import StoreData
from kbz_data.text import fmt_number, fmt_share

#: The check of the harmoniser: (harmonised indicator, reference on the 2024 division, year). Ervaren gezondheid
#: 2020 of the 2020 division carried onto the 2024 buurten, against RIVM's own 2020 estimate for those buurten
#: (50150NED via woonikveilig).
HARMONISE_CHECK: tuple[str, str, int] = ("ervaren_gezondheid_goed", "ervaren_gezondheid_goed_50150", 2020)
#: Points (percentage points) within which a harmonised figure counts as close.
CLOSE_POINTS = 2.0


def harmonisation_pairs(data: StoreData) -> pd.DataFrame:
    """Per 2024 buurt with both figures: code, gemeentecode, geschat (harmonised), referentie, fout (absolute
    difference in percentage points), methode and kwaliteit (``indicatoren_kwaliteit``). See
    :data:`HARMONISE_CHECK`."""
    indicator, reference, jaar = HARMONISE_CHECK
    f = data.figures
    base = f[(f["indeling"] == 2024) & (f["jaar"] == jaar) & f["code"].str.startswith("BU")]
    carried = base[(base["indicator"] == indicator) & (base["bron"] == BRON_OMGEREKEND)]
    carried = carried.drop_duplicates("code").set_index("code")["waarde"]
    ref = base[base["indicator"] == reference].drop_duplicates("code").set_index("code")["waarde"]
    k = data.kwaliteit
    quality = k[(k["indeling"] == 2024) & (k["jaar"] == jaar) & (k["indicator"] == indicator)]
    quality = quality.drop_duplicates("code").set_index("code")
    frame = pd.DataFrame({"geschat": carried, "referentie": ref}).dropna()
    frame["fout"] = (frame["geschat"] - frame["referentie"]).abs()
    frame["methode"] = quality["methode"].reindex(frame.index).astype(object)
    frame["kwaliteit"] = quality["kwaliteit"].reindex(frame.index).astype(object)
    frame.index.name = "code"
    frame = frame.reset_index()
    frame["gemeentecode"] = "GM" + frame["code"].str[2:6]
    return frame


def _error_row(name: str, errors: pd.Series) -> dict[str, Any]:
    return {"Gemeente": name, "Buurten": int(errors.size),
            "Gemiddelde absolute fout (procentpunt)": round(float(errors.mean()), 2) if errors.size else np.nan,
            "P90 (procentpunt)": round(float(errors.quantile(0.9)), 2) if errors.size else np.nan,
            f"Binnen {CLOSE_POINTS:g} punt (%)": round(100 * float((errors <= CLOSE_POINTS).mean()), 0)
            if errors.size else np.nan}


def harmonisation_error(data: StoreData) -> dict[str, pd.DataFrame]:
    """The measured error of the harmoniser per city (issue 11, point 2), computed from the store.

    Returns
    -------
    dict
        ``fout``: per gemeente (and all four): Buurten (n), mean absolute error, P90 and the share within
        :data:`CLOSE_POINTS` points, over every 2024 buurt with both figures; ``fout_omgerekend``: the same over the
        buurten whose boundary changed (``methode`` omgerekend) only; ``kwaliteit``: the quality distribution of all
        harmonised figures (every indicator and year) per gemeente and level. Empty frames when the store has no
        harmonised figures.
    """
    from kbz_data.config import GEMEENTEN

    pairs = harmonisation_pairs(data)
    tables = {}
    for key, part in (("fout", pairs), ("fout_omgerekend", pairs[pairs["methode"] == "omgerekend"])):
        rows = [_error_row(name, part.loc[part["gemeentecode"] == gm, "fout"]) for gm, name in GEMEENTEN.items()]
        rows.append(_error_row("Vier steden", part["fout"]))
        tables[key] = pd.DataFrame(rows)
    k = data.kwaliteit[data.kwaliteit["bron"] == BRON_OMGEREKEND]
    if k.empty:
        tables["kwaliteit"] = pd.DataFrame(columns=["Gemeente", "Niveau", "goed", "matig", "slecht", "geen"])
        return tables
    k = pd.DataFrame({"gemeente": ("GM" + k["code"].str[2:6]).map(GEMEENTEN).fillna("overig"),
                      "niveau": k["code"].str[:2].map({"GM": "gemeente", "WK": "wijk", "BU": "buurt"}),
                      "kwaliteit": k["kwaliteit"].astype(str)})
    counts = k.value_counts().unstack("kwaliteit", fill_value=0)
    counts = counts.reindex(columns=["goed", "matig", "slecht", "geen"], fill_value=0).reset_index()
    tables["kwaliteit"] = counts.rename(columns={"gemeente": "Gemeente", "niveau": "Niveau"})
    return tables


def _input_source(data: StoreData, indicator: str, indeling: int) -> str:
    """Source title of a need-index input; a 2020-division health figure on another division is the harmonised
    source (omgerekend uit indeling 2020)."""
    if (indeling != 2020 and indicator in data.meta.index and data.meta.loc[indicator, "bron"] == "rivm_50090NED"
            and BRON_OMGEREKEND in data.bronnen.index and "titel" in data.bronnen):
        return str(data.bronnen.loc[BRON_OMGEREKEND, "titel"])
    return source_title(data, indicator)


def _areas(data: StoreData) -> pd.DataFrame:
    return pd.DataFrame(data.gebieden.drop(columns="geometry"))


def method_tables(data: StoreData) -> dict[str, pd.DataFrame]:
    """The need-index inputs and default weights, the similarity inputs and the default decile weights, for the
    Bronnen en methode page (numbers taken from :mod:`kbz_data.analysis.need` and :mod:`kbz_data.analysis.budget`,
    not repeated)."""
    rows = []
    for indeling, inputs in need.NEED_INPUTS.items():
        total = sum(w for _j, w in inputs.values())
        for indicator, (jaar, weight) in inputs.items():
            rows.append({"Indeling": indeling, "Indicator": indicator_label(data, indicator), "Id": indicator,
                         "Jaar": jaar, "Standaardgewicht": weight, "Aandeel in de index": fmt_share(weight / total, 0),
                         "Richting": need.need_direction_text(data, indicator),
                         "Bron": _input_source(data, indicator, indeling)})
    similar = [{"Indeling": indeling, "Indicator": indicator_label(data, indicator), "Id": indicator, "Jaar": jaar,
                "Bron": source_title(data, indicator)}
               for indeling, inputs in need.SIMILARITY_INPUTS.items() for indicator, jaar in inputs.items()]
    deciles = pd.DataFrame({"Behoeftedeciel": list(DEFAULT_DECILE_WEIGHTS),
                            "Standaardgewicht per inwoner": list(DEFAULT_DECILE_WEIGHTS.values())})
    return {"behoefte": pd.DataFrame(rows), "vergelijkbaar": pd.DataFrame(similar), "decielen": deciles}



def sources_table(data: StoreData) -> pd.DataFrame:
    """Every registered source with table id, years, divisions, publisher, licence and attribution line.

    Years and divisions come from the figures (``indicatoren``) and geometry (``gebieden.geometriebron``) that
    the store actually holds for that source.

    Returns
    -------
    pandas.DataFrame
        Bron (id), Titel, Uitgever, Tabel, Jaren, Indeling, Waarden (known figures), Onbekend (figures without a
        value), Kaartvormen (areas with geometry), Licentie, Bronvermelding, Secundair.
    """
    f = data.figures
    g = _areas(data)
    rows = []
    for b in data.bronnen.itertuples(index=False):
        own = f[f["bron"] == b.id]
        geo = g[g["geometriebron"] == b.id]
        years = sorted({int(v) for v in own["jaar"].unique()})
        divisions = sorted({int(v) for v in own["indeling"].unique()} | {int(v) for v in geo["indeling"].unique()})
        rows.append(
            {
                "Bron": b.id, "Titel": b.titel, "Uitgever": b.uitgever, "Tabel": b.tabel,
                "Jaren": ", ".join(str(y) for y in years) or "–",
                "Indeling": ", ".join(str(y) for y in divisions) or "–",
                "Waarden": int(own["waarde"].notna().sum()), "Onbekend": int(own["waarde"].isna().sum()),
                "Kaartvormen": int(len(geo)), "Licentie": b.licentie, "Bronvermelding": b.bronvermelding,
                "Secundair": "ja" if bool(b.secundair) else "nee",
            }
        )
    return pd.DataFrame(rows)


def build_summary(data: StoreData) -> dict[str, Any]:
    """When, from where and with which package versions the store was built (``build.json``)."""
    info = data.build_info
    return {
        "gebouwd": str(info.get("gebouwd", "onbekend")), "bronmap": str(info.get("bronmap", "onbekend")),
        "seconden": info.get("seconden"), "bestanden": len(info.get("bestanden", [])),
        "versies": dict(info.get("versies", {})), "opmerkingen": list(info.get("opmerkingen", [])),
    }


def files_table(data: StoreData) -> pd.DataFrame:
    """The source files the store was built from (``build.json``): Bestand, Soort, Bytes, SHA-256."""
    files = data.build_info.get("bestanden", [])
    return pd.DataFrame(
        {
            "Bestand": [x.get("path", "") for x in files], "Soort": [x.get("kind", "") for x in files],
            "Bytes": [int(x.get("bytes", 0)) for x in files], "SHA-256": [x.get("sha256", "") for x in files],
        }
    )


def skipped_table(data: StoreData) -> pd.DataFrame:
    """What the build skipped and why (``build.json`` "overgeslagen"): Bestand, Reden."""
    skipped = data.build_info.get("overgeslagen", [])
    return pd.DataFrame({"Bestand": [x.get("path", "") for x in skipped],
                         "Reden": [x.get("reason", "") for x in skipped]})


def indicator_table(data: StoreData) -> pd.DataFrame:
    """Every indicator of the registry: definition, unit, direction, source table, years and divisions in the store.

    Returns
    -------
    pandas.DataFrame
        Domein, Indicator (label), Id, Eenheid, Richting (Dutch text), Tabel, Bron, Jaren, Indeling, Definitie;
        grouped by domain (:data:`DOMAIN_ORDER`) in registry order.
    """
    f = data.figures[data.figures["waarde"].notna()]
    years = f.groupby("indicator")["jaar"].agg(lambda s: ", ".join(str(int(v)) for v in sorted(s.unique())))
    divisions = f.groupby("indicator")["indeling"].agg(lambda s: ", ".join(str(int(v)) for v in sorted(s.unique())))
    meta = data.meta.reset_index(drop=True)
    meta = meta.assign(_d=meta["domein"].map({d: i for i, d in enumerate(DOMAIN_ORDER)}), _o=np.arange(len(meta)))
    meta = meta.sort_values(["_d", "_o"])
    return pd.DataFrame(
        {
            "Domein": meta["domein"], "Indicator": meta["label"], "Id": meta["indicator"], "Eenheid": meta["eenheid"],
            "Richting": meta["richting"].map(lambda r: DIRECTION_TEXT.get(int(r), str(r))), "Tabel": meta["tabel"],
            "Bron": meta["bron"], "Jaren": meta["indicator"].map(years).fillna("geen waarden"),
            "Indeling": meta["indicator"].map(divisions).fillna("–"), "Definitie": meta["definitie"],
        }
    ).reset_index(drop=True)


def caveats(data: StoreData) -> list[tuple[str, str]]:
    """The caveats of the data as (title, Dutch text) pairs, with figures taken from the store where they exist."""
    g = _areas(data)
    water = g[g["water"].astype(bool)]
    per_division = water.groupby("indeling").size()
    examples = ", ".join(sorted(set(water["naam"].astype(str)), key=lambda n: (n != "Groot water", n))[:8])
    water_text = (
        "; ".join(f"indeling {int(i)}: {int(n)} gebieden" for i, n in per_division.items())
        + (f" (bijvoorbeeld {examples})" if examples else "")
    ) if len(water) else "geen in deze opslag"
    from kbz_data.store.build import MIN_INWONERS  # the build's threshold (local: the build imports every reader)

    rule = (f"de naam 'Groot water' of minder dan {MIN_INWONERS['wijk']} inwoners per wijk of"
            f" {MIN_INWONERS['buurt']} per buurt")
    f = data.figures
    unknown = int(f["waarde"].isna().sum())
    divisions = ", ".join(str(int(v)) for v in sorted(g["indeling"].unique()))
    secondary = [b for b in data.bronnen.itertuples(index=False) if bool(b.secundair)]
    secondary_text = "; ".join(f"{b.titel} ({b.uitgever})" for b in secondary) or "geen"
    return [
        ("Modelschattingen",
         "De gezondheidscijfers per wijk en buurt (RIVM/GGD'en/CBS, Gezondheidsmonitor Volwassenen en Ouderen,"
         " tabel 50090NED) zijn modelschattingen (small area estimation): ze zijn berekend uit de enquête en"
         " registergegevens, geen tellingen. Kleine verschillen tussen buurten of jaren zijn daarom onzeker."),
        ("Gebiedsindelingen",
         f"Cijfers horen bij de CBS-gebiedsindeling van een jaar (in deze opslag: {divisions}). De"
         " Gezondheidsmonitor 2012, 2016 en 2020 en de SES-WOA-scores staan op indeling 2020, de Kerncijfers wijken"
         " en buurten 2024 op indeling 2024, het Utrechtse kwb-2023-bestand op indeling 2023. Cijfers worden alleen"
         " binnen één indeling gekoppeld (op code én indeling), nooit op naam of ligging."),
        ("Amsterdam: nieuwe codes sinds 2022",
         "Amsterdam heeft zijn wijken en buurten in 2022 opnieuw ingedeeld en gecodeerd (bijvoorbeeld WK036393 in"
         " indeling 2020 tegenover WK0363TA in indeling 2024). Cijfers van indeling 2020 en 2024 staan daarom naast"
         " elkaar; een wijk van 2020 heeft geen cijfers van 2024 en omgekeerd. In Den Haag, Rotterdam en Utrecht"
         " zijn de codes grotendeels gelijk gebleven, maar ook daar worden indelingen niet gemengd."),
        ("Onbekend en geheim",
         f"Ontbrekende, geheime (te weinig waarnemingen) of niet van toepassing zijnde waarden zijn 'onbekend',"
         f" nooit 0. In deze opslag zijn {fmt_number(unknown)} cijfers onbekend."),
        ("Water-, haven- en bedrijfsgebieden",
         "Gebieden zonder (veel) inwoners hebben geen zinvolle percentages of gemiddelden. De opslag markeert ze als"
         f" 'geen woongebied' ({rule}); kaarten tonen ze grijs, ze tellen niet mee in rangen, gemiddelden en de"
         f" spreiding van het wijkprofiel, en hun percentages worden niet getoond. Gemarkeerd: {water_text}."),
        ("Secundaire bron",
         f"Inkomen, WOZ-waarde, koopwoningen, afstand tot de huisarts en stedelijkheid komen uit een bewerkte"
         f" secundaire bron: {secondary_text}. De cijfers komen oorspronkelijk uit CBS-tabel 85984NED; waar CBS"
         " zelf dezelfde waarde levert, heeft de CBS-bron voorrang."),
        ("Kaartvormen indeling 2020",
         "Voor indeling 2020 gebruikt het dashboard de gegeneraliseerde CBS wijk- en buurtkaart 2019 (TopoJSON):"
         " voor de vier grote steden zijn de codes van 2019 en 2020 gelijk. Wijken en gemeenten zijn uit de buurten"
         " samengevoegd."),
        ("Afronding door CBS",
         "CBS rondt aantallen af: inwoners en huishoudens op 5, bijstandsuitkeringen op 10. Percentages die het"
         " dashboard uit zulke aantallen berekent, erven die afronding."),
    ]
