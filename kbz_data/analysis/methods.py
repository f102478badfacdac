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
from kbz_data.indicators import DOMAIN_ORDER
from kbz_data.store.storage import StoreData
from kbz_data.text import fmt_number


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
                         "Jaar": jaar, "Standaardgewicht": weight, "Aandeel in de index": f"{weight / total:.0%}",
                         "Richting": need.need_direction_text(data, indicator),
                         "Bron": source_title(data, indicator)})
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
