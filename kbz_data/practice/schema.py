"""The practice-figures schema: columns, kengetallen, periods and the derived measures.

Figures are in long format, one row per practice, quarter and kengetal:

``praktijk_code`` (e.g. ``RTD-BLOEMHOF-1``), ``periode`` (``2024Q1``), ``kengetal`` (an id of
:data:`KENGETALLEN`), ``teller`` (a whole number >= 0), ``noemer`` (empty for plain counts; the number of
respondents for survey kengetallen, a whole number >= 1 and >= teller).

Rates such as referrals per 1,000 registered patients are derived (:data:`MEASURES`), never uploaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

COLUMNS: tuple[str, ...] = ("praktijk_code", "periode", "kengetal", "teller", "noemer")

#: Earliest quarter the dashboard accepts (the demo set starts in 2018Q1).
FIRST_YEAR = 2015


@dataclass(frozen=True)
class Kengetal:
    """One kengetal a practice reports per quarter.

    ``soort`` is ``telling`` (a count; ``noemer`` empty) or ``enquete`` (``teller`` of ``noemer`` respondents).
    """

    id: str
    label: str
    soort: str
    definitie: str


KENGETALLEN: dict[str, Kengetal] = {
    k.id: k
    for k in [
        Kengetal("ingeschreven_patienten", "Ingeschreven patiënten", "telling",
                 "Aantal ingeschreven patiënten op de laatste dag van het kwartaal."),
        Kengetal("consulten", "Consulten", "telling", "Aantal consulten (alle duur) in het kwartaal."),
        Kengetal("consulten_lang", "Lange consulten", "telling",
                 "Aantal consulten van 20 minuten of langer in het kwartaal (deel van consulten)."),
        Kengetal("consulten_4d", "4D-consulten", "telling",
                 "Aantal 4D-consulten (extra lange consulten voor patiënten met een complexe, gecombineerde"
                 " medische en sociale hulpvraag) in het kwartaal (deel van consulten)."),
        Kengetal("poh_ggz_contacten", "Contacten POH-GGZ", "telling",
                 "Aantal contacten met de praktijkondersteuner GGZ in het kwartaal."),
        Kengetal("verwijzingen_ziekenhuis", "Verwijzingen naar het ziekenhuis", "telling",
                 "Aantal verwijzingen naar medisch-specialistische zorg (ziekenhuis) in het kwartaal."),
        Kengetal("verwijzingen_ggz", "Verwijzingen naar de GGZ", "telling",
                 "Aantal verwijzingen naar de basis- of specialistische GGZ in het kwartaal."),
        Kengetal("verwijzingen_sociaal_domein", "Verwijzingen naar het sociaal domein", "telling",
                 "Aantal verwijzingen naar het sociaal domein (wijkteam, schuldhulp, welzijn) in het kwartaal."),
        Kengetal("gezinnen_miniteam", "Gezinnen besproken in het miniteam", "telling",
                 "Aantal gezinnen dat in het kwartaal in het miniteam (huisarts, wijkteam, jeugd) is besproken."),
        Kengetal("patienten_begrijpt_klacht_beter", "Patiënten die hun klacht beter begrijpen", "enquete",
                 "Teller: respondenten die na het consult hun klacht beter begrijpen; noemer: respondenten."),
        Kengetal("patienten_weet_wat_te_doen", "Patiënten die weten wat ze moeten doen", "enquete",
                 "Teller: respondenten die na het consult weten wat ze moeten doen; noemer: respondenten."),
        Kengetal("medewerkers_meer_werkplezier", "Medewerkers met meer werkplezier", "enquete",
                 "Teller: medewerkers die meer werkplezier ervaren dan een jaar eerder; noemer: respondenten."),
        Kengetal("medewerkers_minder_werkdruk", "Medewerkers met minder werkdruk", "enquete",
                 "Teller: medewerkers die minder werkdruk ervaren dan een jaar eerder; noemer: respondenten."),
    ]
}
SURVEYS: tuple[str, ...] = tuple(k for k, v in KENGETALLEN.items() if v.soort == "enquete")

_PERIOD = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Qq]\s*([1-4])\s*$")


def parse_period(text: str) -> tuple[int, int] | None:
    """``"2024Q1"`` (also ``2024-Q1``, ``2024 q1``) -> ``(2024, 1)``; None when it is not a quarter."""
    match = _PERIOD.match(text)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def period_label(year: int, quarter: int) -> str:
    """``(2024, 1)`` -> ``"2024Q1"``."""
    return f"{year}Q{quarter}"


def quarter_of(day: date) -> tuple[int, int]:
    """The quarter a date falls in."""
    return day.year, (day.month - 1) // 3 + 1


def period_start(periode: str) -> date:
    """First day of a quarter label."""
    parsed = parse_period(periode)
    if parsed is None:
        raise ValueError(f"geen kwartaal: {periode!r}")
    year, quarter = parsed
    return date(year, 3 * (quarter - 1) + 1, 1)


def period_range(first: str, last: str) -> list[str]:
    """All quarter labels from ``first`` to ``last`` inclusive."""
    y, q = parse_period(first) or (0, 0)
    y_end, q_end = parse_period(last) or (0, 0)
    out = []
    while (y, q) <= (y_end, q_end):
        out.append(period_label(y, q))
        y, q = (y, q + 1) if q < 4 else (y + 1, 1)
    return out


@dataclass(frozen=True)
class Measure:
    """A derived measure shown on the Praktijk page.

    ``teller`` is a kengetal; ``noemer`` is a kengetal (rate = teller / noemer x ``factor``), ``"respondenten"``
    (the row's own noemer: a survey share) or None (the plain count).
    """

    id: str
    label: str
    eenheid: str
    teller: str
    noemer: str | None
    factor: float
    groep: str
    richting: int = 0


MEASURES: dict[str, Measure] = {
    m.id: m
    for m in [
        Measure("ingeschreven_patienten", "Ingeschreven patiënten", "aantal", "ingeschreven_patienten", None, 1,
                "patienten"),
        Measure("consulten", "Consulten", "aantal", "consulten", None, 1, "patienten"),
        Measure("consulten_per_1000", "Consulten per 1.000 patiënten", "per 1.000 patiënten per kwartaal",
                "consulten", "ingeschreven_patienten", 1000, "patienten"),
        Measure("pct_consulten_lang", "Lange consulten (20 minuten of langer)", "% van de consulten",
                "consulten_lang", "consulten", 100, "patienten", 1),
        Measure("pct_consulten_4d", "4D-consulten", "% van de consulten", "consulten_4d", "consulten", 100,
                "zorg", 1),
        Measure("poh_ggz_per_1000", "Contacten POH-GGZ per 1.000 patiënten", "per 1.000 patiënten per kwartaal",
                "poh_ggz_contacten", "ingeschreven_patienten", 1000, "zorg"),
        Measure("gezinnen_miniteam", "Gezinnen besproken in het miniteam", "aantal", "gezinnen_miniteam", None, 1,
                "zorg"),
        Measure("verwijzingen_ziekenhuis_per_1000", "Verwijzingen ziekenhuis per 1.000 patiënten",
                "per 1.000 patiënten per kwartaal", "verwijzingen_ziekenhuis", "ingeschreven_patienten", 1000,
                "verwijzingen", -1),
        Measure("verwijzingen_ggz_per_1000", "Verwijzingen GGZ per 1.000 patiënten",
                "per 1.000 patiënten per kwartaal", "verwijzingen_ggz", "ingeschreven_patienten", 1000,
                "verwijzingen", -1),
        Measure("verwijzingen_sociaal_domein_per_1000", "Verwijzingen sociaal domein per 1.000 patiënten",
                "per 1.000 patiënten per kwartaal", "verwijzingen_sociaal_domein", "ingeschreven_patienten", 1000,
                "verwijzingen", 0),
        Measure("pct_patienten_begrijpt_klacht_beter", "Patiënten die hun klacht beter begrijpen",
                "% van de respondenten", "patienten_begrijpt_klacht_beter", "respondenten", 100, "enquete", 1),
        Measure("pct_patienten_weet_wat_te_doen", "Patiënten die weten wat ze moeten doen", "% van de respondenten",
                "patienten_weet_wat_te_doen", "respondenten", 100, "enquete", 1),
        Measure("pct_medewerkers_meer_werkplezier", "Medewerkers met meer werkplezier", "% van de respondenten",
                "medewerkers_meer_werkplezier", "respondenten", 100, "enquete", 1),
        Measure("pct_medewerkers_minder_werkdruk", "Medewerkers met minder werkdruk", "% van de respondenten",
                "medewerkers_minder_werkdruk", "respondenten", 100, "enquete", 1),
    ]
}

#: Referral kengetallen offered in the funnel plot.
REFERRALS: tuple[str, ...] = ("verwijzingen_ziekenhuis", "verwijzingen_ggz", "verwijzingen_sociaal_domein")
