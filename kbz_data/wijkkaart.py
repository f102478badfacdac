"""The printable wijk card: one A4 page per wijk or buurt, as PDF (``python -m kbz_data wijkkaart``, and the
"Download wijkkaart (PDF)" button of the Wijkprofiel).

A card holds the area on a small map (inline SVG, :mod:`kbz_data.charts.card`), the spine chart and the health
trend (the same HTML and SVG as on screen, :mod:`kbz_data.charts.profile_svg`; no script draws them), the KBZ
membership and the practices in or near the area, every source with its year, the build date of the store and
a link to the area's Wijkprofiel.

How it is printed: the cards are one self-contained HTML file (no URL outside the file) that the system Chromium
(``/usr/bin/chromium``, or ``$KBZ_CHROMIUM``) prints with ``--headless --print-to-pdf``. Chromium runs with
every name resolving to nothing, so it cannot reach the network. Each card is zoomed to fit one A4 page.
Why this way: kaleido (plotly's static export) is not installed and its 1.x releases drive a Chromium anyway;
printing the HTML ourselves uses the browser the project already needs for its tests and keeps the text in the
PDF selectable (``pdftotext`` reads the values back).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from kbz_data.analysis import kbz_areas, profile
from kbz_data.charts import profile_svg
from kbz_data.charts.card import area_map_svg
from kbz_data.errors import KbzDataError
from kbz_data.store.storage import StoreData
from kbz_data.text import UNKNOWN, fmt_datetime

#: The Chromium that prints the cards (Debian package ``chromium``).
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Link to the dashboard printed on each card (``$KBZ_DASHBOARD_URL`` overrides; the page adds its own address).
DEFAULT_DASHBOARD_URL = "http://localhost:8501"
#: Width in CSS pixels at which a card is laid out before it is zoomed to the printable area of A4.
CARD_WIDTH = 980

_CSS = """
@page { size: A4; margin: 10mm; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a; }
body { margin: 0; }
.page { width: 190mm; height: 276mm; overflow: hidden; page-break-after: always; break-after: page; }
.page:last-of-type { page-break-after: auto; break-after: auto; }
.card { width: %(width)dpx; }
h1 { font-size: 26px; margin: 0 0 4px 0; }
h2 { font-size: 17px; margin: 14px 0 4px 0; border-bottom: 1px solid #999; }
p, li, td, th { font-size: 13px; line-height: 1.35; }
.lead { margin: 0 0 8px 0; }
.top { display: flex; gap: 18px; align-items: flex-start; }
.top figure { margin: 0; flex: 0 0 auto; }
.top figcaption { font-size: 11px; color: #444; max-width: 300px; }
.top .side { flex: 1 1 auto; }
ul { margin: 2px 0; padding-left: 18px; }
table { border-collapse: collapse; }
td, th { text-align: left; padding: 1px 8px 1px 0; vertical-align: top; }
.sources p { font-size: 11px; color: #333; margin: 2px 0; }
.foot { font-size: 11px; color: #333; margin-top: 6px; }
.card .kbz-spine { max-width: none; font-size: 12px; margin: 0; }
.card .kbz-spine .rij, .card .kbz-spine .kop { grid-template-columns: 410px minmax(0, 1fr) 130px; min-height: 17px; }
.card .kbz-spine .naam { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card .kbz-spine .domein { font-size: 13px; margin: 4px 0 0 0; }
.card .kbz-spine .sleutel, .card .kbz-trend .sleutel { font-size: 11px; margin-bottom: 2px; }
.card .kbz-spine .noten p, .card .kbz-trend .noten p { font-size: 10px; line-height: 1.25; }
.card .kbz-trend { margin: 0; }
.note { font-size: 10px; color: #444; margin: 2px 0; }
.card .kbz-trend .panelen { grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 2px 10px; }
.card .kbz-trend .kopje { font-size: 11px; min-height: 28px; }
"""

#: Zooms each card so that it fits its page, then smaller in steps of 2 % while anything still reaches past the
#: page (the first estimate left the last line of a long card half cut off: margins and rounding of the zoomed
#: layout). The document's title stays: Chromium prints it as the PDF's title.
_SCRIPT = """
for (const page of document.querySelectorAll('.page')) {
  const card = page.querySelector('.card');
  let zoom = Math.min(page.clientWidth / card.scrollWidth, page.clientHeight / card.scrollHeight, 1);
  card.style.zoom = zoom;
  for (let step = 0; step < 25 && (page.scrollHeight > page.clientHeight || page.scrollWidth > page.clientWidth
       || card.getBoundingClientRect().bottom > page.getBoundingClientRect().bottom); step++) {
    zoom *= 0.98;
    card.style.zoom = zoom;
  }
}
"""


@dataclass(frozen=True)
class Card:
    """The content of one wijk card, ready to print (also what a test compares with the store)."""

    code: str
    indeling: int
    info: dict
    table: pd.DataFrame
    trend: pd.DataFrame | None
    sources: list[str]
    trend_sources: list[str]
    kbz: pd.DataFrame
    practices: pd.DataFrame


def card(data: StoreData, code: str, indeling: int | None = None) -> Card:
    """Collect the content of the card of one area (``indeling`` defaults to the area's default division).

    Raises KbzDataError when the code is unknown or does not exist in the division.
    """
    code = profile.normalise_code(code)
    indeling = profile.default_division(data, code) if indeling is None else int(indeling)
    info = profile.area_info(data, code, indeling)
    table = profile.profile_table(data, code, indeling)
    trend = None
    if profile.TREND_INDELING in profile.area_divisions(data, code):
        trend = profile.trend_table(data, code)
    return Card(
        code=code, indeling=indeling, info=info, table=table, trend=trend,
        sources=profile.source_lines(data, table),
        trend_sources=profile.source_lines(data, trend) if trend is not None and not trend.empty else [],
        kbz=profile.kbz_membership(code, indeling, info["wijkcode"]),
        practices=profile.practices_near(code, indeling, info["wijkcode"]),
    )


def kbz_wijk_codes(data: StoreData) -> list[tuple[str, int]]:
    """(code, indeling) of every KBZ wijk that is in the store, in code order."""
    g = data.gebieden
    pairs = []
    for indeling in sorted(g.loc[g["niveau"] == "wijk", "indeling"].unique()):
        codes = kbz_areas.codes(int(indeling), "wijk", deel=None)
        present = set(g.loc[(g["niveau"] == "wijk") & (g["indeling"] == indeling), "code"])
        pairs += [(c, int(indeling)) for c in sorted(codes & present)]
    # One card per area: a wijk in more than one division gets the card of its default division.
    seen: dict[str, int] = {}
    for code, indeling in pairs:
        if code not in seen or indeling == profile.default_division(data, code):
            seen[code] = indeling
    return sorted(seen.items())


def _area_map(data: StoreData, item: Card) -> str:
    g = data.gebieden
    info = item.info
    around = g[(g["gemeentecode"] == info["gemeentecode"]) & (g["niveau"] == info["niveau"])
               & (g["indeling"] == item.indeling)]
    title = (f"{info['naam']} (donkerblauw) tussen de andere {info['niveau']}en van {info['gemeente']}"
             f" (grijs), gebiedsindeling {item.indeling}")
    svg = area_map_svg(around, item.code, title=title)
    if not svg:
        return f"<p>Geen kaartvorm voor {escape(info['naam'])} in gebiedsindeling {item.indeling}.</p>"
    return f"<figure>{svg}<figcaption>{escape(title)}.</figcaption></figure>"


def _kbz_html(item: Card) -> str:
    naam = escape(item.info["naam"])
    if item.kbz.empty:
        parts = [f"<p>{naam} hoort niet bij een KBZ-gebied (indeling {item.indeling}).</p>"]
    else:
        parts = ["<ul>" + "".join(f"<li><b>{escape(str(r.kbz_gebied))}</b>: {naam} {escape(str(r.relatie))}</li>"
                                  for r in item.kbz.itertuples()) + "</ul>"]
    parts.append("<h2>KBZ-praktijken in of bij dit gebied</h2>")
    if item.practices.empty:
        parts.append("<p>Geen KBZ-praktijk in het praktijkregister bedient dit gebied of de wijk waarin het"
                     " ligt.</p>")
    else:
        rows = "".join(
            f"<tr><td>{escape(str(r.praktijk_code))}</td><td>{escape(str(r.naam))}</td>"
            f"<td>{escape(str(r.kbz_gebied))}</td><td>{escape(str(r.relatie))}</td></tr>"
            for r in item.practices.itertuples()
        )
        parts.append("<table><tr><th>Praktijk</th><th>Naam</th><th>KBZ-gebied</th><th>Relatie</th></tr>"
                     f"{rows}</table>")
        if bool(item.practices["fictief"].any()):
            parts.append("<p>Let op: deze praktijken en hun namen zijn fictief (demoset van het dashboard).</p>")
    return "".join(parts)


def _card_html(data: StoreData, item: Card, dashboard_url: str) -> str:
    info = item.info
    kbz_lead = profile.kbz_lead(item.kbz)
    lead = (f"{info['niveau'].capitalize()} in <b>{escape(info['gemeente'])}</b> · gebiedsindeling"
            f" <b>{item.indeling}</b>" + (f" · {escape(kbz_lead)}" if kbz_lead else ""))
    parts = [f'<section class="page"><div class="card"><h1>Wijkkaart {escape(info["naam"])} ({item.code})</h1>',
             f'<p class="lead">{lead}</p>']
    if info["water"]:
        parts.append("<p><b>Geen woongebied</b> (water, haven of bedrijventerrein): percentages en gemiddelden"
                     " hebben hier geen betekenis.</p>")
    parts.append(f'<div class="top">{_area_map(data, item)}<div class="side"><h2>KBZ</h2>{_kbz_html(item)}'
                 "</div></div>")
    parts.append("<h2>Alle indicatoren: dit gebied, de stad en de vier steden</h2>")
    if item.table.empty:
        parts.append(f"<p>Voor dit gebied zijn in gebiedsindeling {item.indeling} geen cijfers ({UNKNOWN}).</p>")
    else:
        # The sources are listed at the foot of the card: the chart prints only its title-less rows and key.
        parts.append(profile_svg.spine_html(item.table, area_name=info["naam"], city_name=info["gemeente"],
                                            niveau=info["niveau"], indeling=item.indeling, sources=item.sources,
                                            notes=False, title=False))
        parts.append(f'<p class="note">{escape(profile_svg.spine_notes([], [], info["niveau"], item.indeling)[-1])}'
                     "</p>")
    parts.append(f"<h2>Gezondheid {' – '.join(str(j) for j in (2012, 2016, 2020))}</h2>")
    if item.trend is None or item.trend.empty:
        parts.append(f"<p>Geen gezondheidscijfers in meer dan één jaar voor {item.code} (gebiedsindeling"
                     f" {profile.TREND_INDELING}).</p>")
    else:
        parts.append(profile_svg.trend_html(
            item.trend, title=f"{item.trend['naam'].iloc[0]} en {info['gemeente']}, indeling"
            f" {profile.TREND_INDELING}", sources=item.trend_sources, notes=False))
    lines = list(dict.fromkeys([*item.sources, *item.trend_sources]))
    if not item.table.empty and "gezondheid" in set(item.table["domein"]):
        lines.append(profile_svg.MODEL_NOTE)
    parts.append('<div class="sources"><h2>Bronnen</h2>' + "".join(f"<p>{escape(s)}</p>" for s in lines) + "</div>")
    link = f"{dashboard_url.rstrip('/')}/wijkprofiel?code={item.code}&indeling={item.indeling}"
    built = fmt_datetime(data.build_info.get("gebouwd"))
    parts.append(f'<p class="foot">Gegevensopslag gebouwd op {escape(built)} · KBZ wijkdashboard:'
                 f" {escape(link)} · CBS, RIVM/GGD'en en Kadaster/PDOK, open data onder CC BY 4.0.</p>")
    parts.append("</div></section>")
    return "".join(parts)


def cards_html(data: StoreData, cards: list[Card], dashboard_url: str | None = None) -> str:
    """One self-contained HTML document with a page per card (charts as inline HTML and SVG, no external URL)."""
    url = dashboard_url or os.environ.get("KBZ_DASHBOARD_URL") or DEFAULT_DASHBOARD_URL
    pages = "".join(_card_html(data, item, url) for item in cards)
    names = ", ".join(f"{c.info['naam']} ({c.code})" for c in cards[:3]) + (" …" if len(cards) > 3 else "")
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Wijkkaart {escape(names)}</title>'
            f"<style>{_CSS % {'width': CARD_WIDTH}}</style></head>"
            f"<body>{pages}<script>{_SCRIPT}</script></body></html>")


def can_print() -> bool:
    """True when the Chromium that prints the cards is installed."""
    return Path(os.environ.get("KBZ_CHROMIUM", DEFAULT_CHROMIUM)).exists()


def print_pdf(html: str, timeout: float = 120) -> bytes:
    """Print an HTML document to PDF with the system Chromium, offline (every host name resolves to nothing)."""
    chromium = os.environ.get("KBZ_CHROMIUM", DEFAULT_CHROMIUM)
    if not Path(chromium).exists():
        raise KbzDataError(f"Chromium ontbreekt ({chromium}): installeer het Debian-pakket 'chromium' of zet"
                           " KBZ_CHROMIUM op het pad van een Chromium om de wijkkaart als PDF te maken.")
    with tempfile.TemporaryDirectory(prefix="kbz_wijkkaart_") as folder:
        page = Path(folder) / "wijkkaart.html"
        out = Path(folder) / "wijkkaart.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--no-proxy-server", f"--user-data-dir={folder}/profiel",
            "--no-pdf-header-footer", "--virtual-time-budget=60000", "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={out}", page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise KbzDataError(f"Chromium kon de wijkkaart niet afdrukken: {exc}") from exc
        if not out.exists() or out.stat().st_size == 0:
            raise KbzDataError("Chromium kon de wijkkaart niet afdrukken (exitcode"
                               f" {done.returncode}): {done.stderr.decode(errors='replace')[-400:]}")
        return out.read_bytes()


def wijkkaart_pdf(data: StoreData, code: str, indeling: int | None = None, dashboard_url: str | None = None
                  ) -> bytes:
    """PDF (one A4 page) of the wijk card of one area."""
    return print_pdf(cards_html(data, [card(data, code, indeling)], dashboard_url))


def kbz_wijkkaarten_pdf(data: StoreData, dashboard_url: str | None = None) -> bytes:
    """One PDF with the wijk card of every KBZ wijk in the store, one A4 page each, in code order."""
    pairs = kbz_wijk_codes(data)
    if not pairs:
        raise KbzDataError("de opslag bevat geen KBZ-wijken (zie kbz_data/analysis/kbz_gebieden.csv)")
    return print_pdf(cards_html(data, [card(data, c, i) for c, i in pairs], dashboard_url))
