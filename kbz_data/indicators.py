"""The indicator registry and the source registry.

Every figure in the store has an indicator id from :data:`INDICATORS` and a source id from :data:`BRONNEN`.
The registry is written to ``indicatoren_meta.parquet`` by the build, so the dashboard explains every figure
(label, unit, direction, source table, definition) from the store alone.

Direction (``richting``): +1 when a higher value is better, -1 when a higher value is worse, 0 neutral.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Bron:
    """A publisher's table or dataset that figures or geometry come from."""

    id: str
    titel: str
    uitgever: str
    tabel: str
    licentie: str
    bronvermelding: str
    secundair: bool = False


BRONNEN: dict[str, Bron] = {
    b.id: b
    for b in [
        Bron(
            "rivm_50090NED",
            "Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020)",
            "RIVM, GGD'en en CBS (Gezondheidsmonitor Volwassenen en Ouderen)",
            "50090NED",
            "CC BY 4.0",
            "Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor Volwassenen en Ouderen; StatLine tabel 50090NED (CC BY 4.0)",
        ),
        Bron(
            "cbs_85984NED",
            "Kerncijfers wijken en buurten 2024",
            "CBS",
            "85984NED",
            "CC BY 4.0",
            "Bron: CBS, Kerncijfers wijken en buurten 2024 (85984NED), CC BY 4.0",
        ),
        Bron(
            "cbs_85163NED",
            "Sociaal-economische status; scores per wijk en buurt (SES-WOA)",
            "CBS",
            "85163NED",
            "CC BY 4.0",
            "Bron: CBS, SES-WOA scores per wijk en buurt (85163NED), CC BY 4.0",
        ),
        Bron(
            "cbs_kwb_xlsx",
            "Kerncijfers wijken en buurten (downloadbestand kwb-20xx.xlsx)",
            "CBS",
            "kwb-xlsx",
            "CC BY 4.0",
            "Bron: CBS, Kerncijfers wijken en buurten (kwb-xlsx), CC BY 4.0",
        ),
        Bron(
            "pdok_wijkenbuurten",
            "Wijk- en buurtkaart (geometrie en kerncijfers)",
            "CBS en Kadaster via PDOK",
            "wijkenbuurten",
            "CC BY 4.0",
            "Bron: CBS/Kadaster, Wijk- en buurtkaart via PDOK (CC BY 4.0)",
        ),
        Bron(
            "cbs_buurten_2019_topojson",
            "Wijk- en buurtkaart 2019, gegeneraliseerd (TopoJSON)",
            "CBS en Kadaster via PDOK",
            "wijkenbuurten-2019",
            "CC BY 4.0",
            "Bron: CBS/Kadaster, Wijk- en buurtkaart 2019 (gegeneraliseerd) via PDOK, CC BY 4.0",
        ),
        Bron(
            "amsterdam_gebieden",
            "Gebieden: buurten (indeling sinds 2022)",
            "Gemeente Amsterdam",
            "gebieden/buurten",
            "open data Gemeente Amsterdam",
            "Bron: Gemeente Amsterdam, Gebieden (buurten), data.amsterdam.nl",
        ),
        Bron(
            "woonikveilig_kwb2024",
            "Kerncijfers wijken en buurten 2024, bewerkt door woonikveilig (secundaire bron)",
            "CBS; bewerkt door BrightHouse Consulting (woonikveilig)",
            "85984NED",
            "CC BY 4.0",
            "Bron: CBS Kerncijfers wijken en buurten 2024 (85984NED), CC BY 4.0; bewerkt door woonikveilig",
            secundair=True,
        ),
        Bron(
            "rivm_50090NED_omgerekend",
            "Gezondheid per wijk en buurt; 2012/2016/2020, geschat uit indeling 2020 (omgerekend naar indeling 2024)",
            "RIVM, GGD'en en CBS (Gezondheidsmonitor Volwassenen en Ouderen); omgerekend door het KBZ wijkdashboard",
            "50090NED",
            "CC BY 4.0",
            "Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor Volwassenen en Ouderen; StatLine tabel 50090NED (CC BY 4.0);"
            " omgerekend uit indeling 2020",
        ),
        Bron(
            "woonikveilig_50150NED",
            "Ervaren gezondheid per wijk en buurt 2012-2024 (indeling 2024), via woonikveilig (secundaire bron)",
            "RIVM, GGD'en en CBS (Gezondheidsmonitor); bewerkt door BrightHouse Consulting (woonikveilig)",
            "50150NED",
            "CC BY 4.0",
            "Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor (tabel 50150NED, CC BY 4.0); via woonikveilig",
            secundair=True,
        ),
        Bron(
            "elan_denhaag",
            "ELAN wijkprofielen Den Haag 2009-2022 (indeling 2020), berekend uit CBS-microdata",
            "ELAN/GGDH (LUMC)",
            "elan-wijkprofielen",
            "MIT",
            "Bron: ELAN/GGDH (LUMC), wijkprofielen op basis van CBS microdata; github.com/elan-dcc/wijkprofielen (MIT)",
            secundair=True,
        ),
    ]
}


@dataclass(frozen=True)
class Indicator:
    """One indicator of the registry.

    ``eenheid`` is one of ``%``, ``aantal``, ``x 1000 euro``, ``km``, ``per km2``, ``score``.
    """

    indicator: str
    label: str
    eenheid: str
    domein: str
    richting: int
    bron: str
    tabel: str
    definitie: str


_RIVM_NOTE = (
    " Modelschatting (small area estimation) op basis van de Gezondheidsmonitor Volwassenen en Ouderen, "
    "geen telling; gebiedsindeling 2020."
)


#: Indicators of the health monitor that measure deprivation rather than health.
_SOCIO_ECONOMIC_HEALTH_IDS = frozenset({"moeite_met_rondkomen"})


def _health(
    indicator: str, label: str, richting: int, definitie: str, leeftijd: str = "18 jaar en ouder"
) -> Indicator:
    base = indicator.removesuffix("_65plus")
    return Indicator(
        indicator=indicator,
        label=label,
        eenheid="%",
        domein="sociaal-economisch" if base in _SOCIO_ECONOMIC_HEALTH_IDS else "gezondheid",
        richting=richting,
        bron="rivm_50090NED",
        tabel="50090NED",
        definitie=f"{definitie} Percentage van de inwoners van {leeftijd}.{_RIVM_NOTE}",
    )


#: Health indicators of 50090NED for adults (18+): id, label, direction, definition.
_HEALTH_18: list[tuple[str, str, int, str]] = [
    ("ervaren_gezondheid_goed", "Ervaren gezondheid (zeer) goed", 1,
     "Inwoners die hun eigen gezondheid als goed of zeer goed ervaren."),
    ("overgewicht", "Overgewicht", -1, "Inwoners met overgewicht (BMI 25 of hoger)."),
    ("ernstig_overgewicht", "Ernstig overgewicht (obesitas)", -1, "Inwoners met obesitas (BMI 30 of hoger)."),
    ("roker", "Rookt", -1, "Inwoners die roken."),
    ("zware_drinker", "Zware drinker", -1,
     "Inwoners die minstens één keer per week 6 (mannen) of 4 (vrouwen) glazen alcohol of meer op één dag drinken."),
    ("langdurige_aandoening", "Eén of meer langdurige aandoeningen", -1,
     "Inwoners met één of meer langdurige ziekten of aandoeningen."),
    ("beperkt_door_gezondheid", "Beperkt vanwege gezondheid", -1,
     "Inwoners die (ernstig) beperkt zijn in activiteiten vanwege gezondheidsproblemen."),
    ("hoog_risico_angst_depressie", "Hoog risico op angststoornis of depressie", -1,
     "Inwoners met een hoog risico op een angststoornis of depressie (Kessler-10-score 30 of hoger)."),
    ("veel_stress", "Heel veel stress", -1, "Inwoners die in de afgelopen vier weken heel veel stress hadden."),
    ("eenzaam", "Eenzaam", -1, "Inwoners die (matig of ernstig) eenzaam zijn (De Jong-Gierveld-schaal)."),
    ("ernstig_eenzaam", "Ernstig of zeer ernstig eenzaam", -1, "Inwoners die ernstig of zeer ernstig eenzaam zijn."),
    ("regie_over_eigen_leven", "Matig tot veel regie over eigen leven", 1,
     "Inwoners met matig tot veel regie over het eigen leven (Pearlin-Schooler-schaal)."),
    ("mantelzorger", "Mantelzorger", 0, "Inwoners die mantelzorg geven."),
    ("moeite_met_rondkomen", "Moeite met rondkomen", -1,
     "Inwoners die moeite hebben met rondkomen van het huishoudinkomen."),
    ("voldoet_beweegrichtlijn", "Voldoet aan de beweegrichtlijn", 1,
     "Inwoners die voldoen aan de Beweegrichtlijnen 2017 van de Gezondheidsraad."),
    ("ernstige_geluidhinder_buren", "Ernstige geluidhinder door buren", -1,
     "Inwoners die ernstige geluidhinder van buren ervaren."),
]

INDICATORS: dict[str, Indicator] = {}
for _id, _label, _dir, _def in _HEALTH_18:
    INDICATORS[_id] = _health(_id, _label, _dir, _def)
    INDICATORS[f"{_id}_65plus"] = _health(f"{_id}_65plus", f"{_label} (65+)", _dir, _def, "65 jaar en ouder")

_KWB_NOTE = " CBS Kerncijfers wijken en buurten 2024 (gebiedsindeling 2024)."
_SECONDARY_NOTE = (
    " Uit de bewerkte KWB 2024-extracten van woonikveilig (secundaire bron; de cijfers komen uit CBS 85984NED);"
    " inkomens- en WOZ-cijfers in de KWB-tabel van 2024 kunnen naar een eerder peiljaar verwijzen."
)

for _ind in [
    Indicator("inwoners", "Inwoners", "aantal", "bevolking", 0, "cbs_85984NED", "85984NED",
              "Aantal inwoners op 1 januari 2024 (door CBS afgerond op 5)." + _KWB_NOTE),
    Indicator("pct_0_15", "Inwoners 0 tot 15 jaar", "%", "bevolking", 0, "cbs_85984NED", "85984NED",
              "Aandeel inwoners van 0 tot 15 jaar; berekend als aantal 0-15 jaar / inwoners x 100." + _KWB_NOTE),
    Indicator("pct_15_25", "Inwoners 15 tot 25 jaar", "%", "bevolking", 0, "cbs_85984NED", "85984NED",
              "Aandeel inwoners van 15 tot 25 jaar; berekend als aantal 15-25 jaar / inwoners x 100." + _KWB_NOTE),
    Indicator("pct_25_45", "Inwoners 25 tot 45 jaar", "%", "bevolking", 0, "cbs_85984NED", "85984NED",
              "Aandeel inwoners van 25 tot 45 jaar; berekend als aantal 25-45 jaar / inwoners x 100." + _KWB_NOTE),
    Indicator("pct_45_65", "Inwoners 45 tot 65 jaar", "%", "bevolking", 0, "cbs_85984NED", "85984NED",
              "Aandeel inwoners van 45 tot 65 jaar; berekend als aantal 45-65 jaar / inwoners x 100." + _KWB_NOTE),
    Indicator("pct_65plus", "Inwoners 65 jaar of ouder", "%", "bevolking", 0, "cbs_85984NED", "85984NED",
              "Aandeel inwoners van 65 jaar of ouder; berekend als aantal 65+ / inwoners x 100." + _KWB_NOTE),
    Indicator("pct_herkomst_buiten_europa", "Herkomst buiten Europa", "%", "bevolking", 0, "cbs_85984NED",
              "85984NED",
              "Aandeel inwoners met een herkomstland buiten Europa (CBS-indeling naar herkomstland sinds 2022);"
              " berekend als aantal / inwoners x 100." + _KWB_NOTE),
    Indicator("huishoudens", "Huishoudens", "aantal", "bevolking", 0, "cbs_85984NED", "85984NED",
              "Aantal particuliere huishoudens." + _KWB_NOTE),
    Indicator("bevolkingsdichtheid", "Bevolkingsdichtheid", "per km2", "bevolking", 0, "cbs_85984NED", "85984NED",
              "Inwoners per km2 land." + _KWB_NOTE),
    Indicator("inkomen_per_inwoner", "Gemiddeld inkomen per inwoner", "x 1000 euro", "sociaal-economisch", 1,
              "woonikveilig_kwb2024", "85984NED",
              "Gemiddeld persoonlijk inkomen per inwoner, x 1000 euro." + _SECONDARY_NOTE),
    Indicator("woz_waarde", "Gemiddelde WOZ-waarde van woningen", "x 1000 euro", "sociaal-economisch", 1,
              "woonikveilig_kwb2024", "85984NED",
              "Gemiddelde WOZ-waarde van woningen, x 1000 euro. Voor Utrecht ook uit het CBS-downloadbestand"
              " kwb-2023.xlsx (kolom g_wozbag, jaar 2023)." + _SECONDARY_NOTE),
    Indicator("pct_koopwoningen", "Koopwoningen", "%", "sociaal-economisch", 0, "woonikveilig_kwb2024", "85984NED",
              "Aandeel koopwoningen in de woningvoorraad." + _SECONDARY_NOTE),
    Indicator("afstand_huisarts", "Afstand tot huisartsenpraktijk", "km", "zorg", -1, "woonikveilig_kwb2024",
              "85984NED",
              "Gemiddelde afstand over de weg van alle inwoners tot de dichtstbijzijnde huisartsenpraktijk."
              + _SECONDARY_NOTE),
    Indicator("stedelijkheid", "Stedelijkheid (1 = zeer sterk stedelijk)", "klasse", "bevolking", 0,
              "woonikveilig_kwb2024", "85984NED",
              "Mate van stedelijkheid op basis van de omgevingsadressendichtheid: 1 zeer sterk stedelijk tot"
              " 5 niet stedelijk." + _SECONDARY_NOTE),
    Indicator("ses_woa_score", "SES-WOA-score", "score", "sociaal-economisch", 1, "cbs_85163NED", "85163NED",
              "Gemiddelde sociaal-economische status van de particuliere huishoudens (welvaart, opleiding,"
              " arbeidsverleden); 0 is het landelijk gemiddelde, hoger is gunstiger. Peiljaar 2019,"
              " gebiedsindeling 2020 (Amsterdam)."),
    Indicator("pct_opleiding_laag", "Opleidingsniveau laag", "%", "sociaal-economisch", -1, "cbs_85163NED",
              "85163NED",
              "Aandeel personen (15-75 jaar) met een laag opleidingsniveau, uit de SES-WOA-tabel. Peiljaar 2019,"
              " gebiedsindeling 2020 (Amsterdam)."),
    Indicator("bijstandsuitkeringen", "Bijstandsuitkeringen (aantal)", "aantal", "sociaal-economisch", 0,
              "cbs_kwb_xlsx", "kwb-xlsx",
              "Aantal personen met een bijstandsuitkering (kolom a_soz_wb, door CBS afgerond op 10), uit het"
              " CBS-downloadbestand kwb-20xx.xlsx. Een aantal: grote buurten hebben er vanzelf meer; vergelijk"
              " gebieden met de indicator per 1.000 inwoners."),
    Indicator("bijstand_per_1000", "Bijstandsuitkeringen per 1.000 inwoners", "per 1000 inwoners",
              "sociaal-economisch", -1, "cbs_kwb_xlsx", "kwb-xlsx",
              "Personen met een bijstandsuitkering (a_soz_wb) per 1.000 inwoners (a_inw), beide uit hetzelfde"
              " CBS-downloadbestand kwb-20xx.xlsx en hetzelfde jaar; berekend, afgerond op 0,1."),
]:
    INDICATORS[_ind.indicator] = _ind

#: Health figures carried from the 2020 onto the 2024 division keep their indicator id; their ``bron`` is this.
BRON_OMGEREKEND = "rivm_50090NED_omgerekend"
OMGEREKEND_NOTE = (
    " Op gebiedsindeling 2024: omgerekend uit indeling 2020 (bron rivm_50090NED_omgerekend; ongewijzigde gebieden"
    " houden hun waarde, andere krijgen een naar oppervlak gewogen gemiddelde; kwaliteit per cijfer in"
    " indicatoren_kwaliteit)."
)
for _id, _old in list(INDICATORS.items()):
    if _old.bron == "rivm_50090NED":
        INDICATORS[_id] = Indicator(**{**asdict(_old), "definitie": _old.definitie + OMGEREKEND_NOTE})

_ELAN_NOTE = (
    " Berekend door ELAN (LUMC) uit CBS-microdata (Remote Access), alleen voor Den Haag, gebiedsindeling 2020;"
    " niet vergelijkbaar met de andere steden of met CBS/RIVM-cijfers. Een 0 in het bestand (onderdrukt klein"
    " aantal) is opgeslagen als onbekend."
)
for _ind in [
    Indicator("ervaren_gezondheid_goed_50150", "Ervaren gezondheid (zeer) goed, reeks 2012-2024", "%", "gezondheid",
              1, "woonikveilig_50150NED", "50150NED",
              "Inwoners (18+) die hun eigen gezondheid als goed of zeer goed ervaren; 2012, 2016, 2020, 2022 en 2024"
              " op gebiedsindeling 2024 (RIVM 50150NED, herschat: wijkt enkele punten af van 50090NED). Modelschatting"
              " (small area estimation), geen telling. Uit de woonikveilig-bestanden (secundaire bron)."),
    Indicator("elan_zorgkosten_totaal", "Zorgkosten basisverzekering per inwoner (ELAN, Den Haag)", "euro", "zorg",
              0, "elan_denhaag", "elan-wijkprofielen",
              "Gemiddelde zorgkosten uit de basisverzekering (Zvw) per inwoner per jaar, in euro." + _ELAN_NOTE),
    Indicator("elan_zorgkosten_huisarts", "Huisartskosten per inwoner (ELAN, Den Haag)", "euro", "zorg", 0,
              "elan_denhaag", "elan-wijkprofielen",
              "Gemiddelde huisartskosten uit de basisverzekering (Zvw) per inwoner per jaar, in euro (inclusief"
              " inschrijftarief)." + _ELAN_NOTE),
    Indicator("elan_pct_diabetes_ii", "Diabetes type 2 (ziekenhuisdiagnose, ELAN, Den Haag)", "%", "gezondheid", -1,
              "elan_denhaag", "elan-wijkprofielen",
              "Aandeel inwoners met een ziekenhuisdiagnose diabetes type 2 in het jaar (DBC 0313-222)." + _ELAN_NOTE),
    Indicator("elan_pct_copd", "COPD (ziekenhuisdiagnose, ELAN, Den Haag)", "%", "gezondheid", -1, "elan_denhaag",
              "elan-wijkprofielen",
              "Aandeel inwoners met een ziekenhuisdiagnose COPD in het jaar (DBC 0322-1241)." + _ELAN_NOTE),
    Indicator("elan_pct_bijstand", "Bijstand (ELAN, Den Haag)", "%", "sociaal-economisch", -1, "elan_denhaag",
              "elan-wijkprofielen",
              "Aandeel inwoners met een bijstandsuitkering als inkomensbron." + _ELAN_NOTE),
    Indicator("elan_pct_laag_inkomen", "Laag inkomen (ELAN, Den Haag)", "%", "sociaal-economisch", -1,
              "elan_denhaag", "elan-wijkprofielen",
              "Aandeel inwoners in een huishouden met een inkomen onder het 100e promille (laagste 10%) van de"
              " huishoudinkomens." + _ELAN_NOTE),
]:
    INDICATORS[_ind.indicator] = _ind

#: The order of the domains wherever indicators are listed (tables, charts, choices).
DOMAIN_ORDER: tuple[str, ...] = ("sociaal-economisch", "gezondheid", "zorg", "bevolking")
EENHEDEN_PERCENTAGE: frozenset[str] = frozenset({"%"})
EENHEDEN_NIET_NEGATIEF: frozenset[str] = frozenset(
    {"aantal", "x 1000 euro", "km", "per km2", "klasse", "per 1000 inwoners", "euro"}
)


def meta_frame() -> pd.DataFrame:
    """The registry as the ``indicatoren_meta`` table of the store contract."""
    frame = pd.DataFrame([asdict(i) for i in INDICATORS.values()])
    frame["richting"] = frame["richting"].astype("int8")
    return frame[["indicator", "label", "eenheid", "domein", "richting", "bron", "tabel", "definitie"]]


def bronnen_frame() -> pd.DataFrame:
    """The source registry as a table."""
    return pd.DataFrame([asdict(b) for b in BRONNEN.values()])
