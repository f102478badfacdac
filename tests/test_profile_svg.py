"""The Wijkprofiel's charts as server-made HTML/SVG (kbz_data.charts.profile_svg): mark positions, mirrored rows,
unknown values, Dutch numbers in the hover texts and accessible names, the trend panels, and the wijk card that
prints the same markup without plotly.js."""

from __future__ import annotations

import math
import re
from html import unescape

import pandas as pd
import pytest

from kbz_data import wijkkaart
from kbz_data.analysis import profile
from kbz_data.charts import profile_svg
from kbz_data.store import storage
from tests.conftest import BuiltStore

_ROW = re.compile(r'<div class="rij" role="img" aria-label="([^"]*)" title="([^"]*)"><span class="naam">([^<]*)'
                  r'</span>(.*?)<span class="waarden">([^<]*)</span></div>')
_MARK = re.compile(r'<span class="(spreiding|midden|mediaan|stad|gebied)" style="([^"]*)"')


def spine_rows(html: str) -> dict[str, dict]:
    """{row label: {"aria", "title", "values", marks: {kind: {"left": %, "width": %, "background": colour}}}}."""
    rows = {}
    for aria, title, naam, body, values in _ROW.findall(html):
        marks = {}
        for kind, style in _MARK.findall(body):
            props = dict(part.split(":", 1) for part in style.split(";") if part)
            marks[kind] = {k: (float(v.rstrip("%")) if k in ("left", "width") and v != "0" else
                               0.0 if k in ("left", "width") else v) for k, v in props.items()}
        rows[unescape(naam)] = {"aria": unescape(aria), "title": unescape(title), "values": unescape(values),
                                "marks": marks}
    return rows


def _table(rows: list[dict]) -> pd.DataFrame:
    """A profile table (profile.PROFILE_COLUMNS) from a few hand-made rows; comparison by the real rule."""
    base = {"domein": "gezondheid", "eenheid": "%", "richting": 1, "min": 0.0, "p25": 5.0, "median": 10.0,
            "p75": 15.0, "max": 20.0, "n": 120, "steden": 4, "bron": "rivm_50090NED", "jaar": 2020,
            "toelichting": ""}
    full = []
    for r in rows:
        row = {**base, **r}
        row["vergelijking"] = profile.compare_to_city(row["waarde"], row["stadswaarde"], row["richting"],
                                                      row["eenheid"])
        full.append(row)
    return pd.DataFrame(full, columns=list(profile.PROFILE_COLUMNS))


def _spine(table: pd.DataFrame, **kw) -> str:
    return profile_svg.spine_html(table, area_name="Wijk 01 West", city_name="Utrecht", niveau="wijk",
                                  indeling=2020, sources=["Bron: test"], **kw)


def test_marks_sit_at_the_scaled_values_and_worse_rows_are_mirrored() -> None:
    table = _table([
        {"indicator": "goed", "label": "Goed", "richting": 1, "waarde": 4.0, "stadswaarde": 12.0},
        {"indicator": "slecht", "label": "Slecht", "richting": -1, "waarde": 4.0, "stadswaarde": 12.0},
    ])
    rows = spine_rows(_spine(table))
    good, bad = rows["Goed (%)"]["marks"], rows["Slecht (%)"]["marks"]
    assert good["spreiding"]["left"] == 0.0 and good["spreiding"]["width"] == 100.0
    assert (good["midden"]["left"], good["midden"]["width"]) == (25.0, 50.0)
    assert good["mediaan"]["left"] == 50.0
    assert good["gebied"]["left"] == 20.0 and good["stad"]["left"] == 60.0  # 4 and 12 on 0..20
    assert good["gebied"]["background"] == profile_svg.WORSE_COLOR  # 4 < 12, higher is better
    # Higher is worse: the same values mirrored (left stays unfavourable), and 4 < 12 is now better.
    assert bad["gebied"]["left"] == 80.0 and bad["stad"]["left"] == 40.0
    assert (bad["midden"]["left"], bad["midden"]["width"]) == (25.0, 50.0)
    assert bad["gebied"]["background"] == profile_svg.BETTER_COLOR
    assert rows["Goed (%)"]["values"] == "4,0 | 12,0"


def test_city_outside_the_spread_is_clipped_and_counts_have_no_diamond() -> None:
    table = _table([
        {"indicator": "a", "label": "Buiten", "waarde": 19.0, "stadswaarde": 30.0},
        {"indicator": "b", "label": "Inwoners", "domein": "bevolking", "eenheid": "aantal", "waarde": 12345.0,
         "stadswaarde": 361966.0, "min": 100.0, "p25": 2000.0, "median": 9000.0, "p75": 15000.0, "max": 40000.0},
    ])
    rows = spine_rows(_spine(table))
    assert rows["Buiten (%)"]["marks"]["stad"]["left"] == 104.0
    count = rows["Inwoners (aantal)"]
    assert "stad" not in count["marks"] and count["values"] == "12.345 | –"
    assert count["marks"]["gebied"]["background"] == profile_svg.NO_COMPARISON_COLOR
    assert "Dit gebied: 12.345 (niet vergelijkbaar (aantal))" in count["title"]


def test_a_value_outside_the_spread_is_clipped_to_the_row() -> None:
    """A water area's count lies outside the spread over residential areas: its dot stays at the row's end."""
    table = _table([{"indicator": "w", "label": "Laag", "eenheid": "aantal", "waarde": -30.0, "stadswaarde": 5.0}])
    row = spine_rows(_spine(table))["Laag (aantal)"]
    assert row["marks"]["gebied"]["left"] == -4.0 and "stad" not in row["marks"]


def test_unknown_value_says_onbekend_and_draws_no_dot() -> None:
    table = _table([{"indicator": "x", "label": "Geheim", "waarde": math.nan, "stadswaarde": 7.5}])
    html = _spine(table)
    row = spine_rows(html)["Geheim (%)"]
    assert "gebied" not in row["marks"] and "stad" in row["marks"]
    assert row["values"] == "onbekend | 7,5"
    assert "Dit gebied: onbekend (onbekend)" in row["title"]
    assert "None" not in html and "nan" not in html.lower().replace("nanc", "")


def test_tooltips_and_names_carry_dutch_numbers_and_the_spread() -> None:
    table = _table([{"indicator": "k", "label": "Kosten", "domein": "zorg", "eenheid": "euro", "richting": -1,
                     "waarde": 1234.5, "stadswaarde": 1100.3, "min": 800.0, "p25": 1000.0, "median": 1150.0,
                     "p75": 1300.0, "max": 2500.0, "n": 1234, "toelichting": "omgerekend uit indeling 2020"}])
    row = spine_rows(_spine(table))["Kosten (euro) ·omgerekend"]
    lines = row["title"].split("\n")
    assert lines[0] == "Kosten (euro), peiljaar 2020"
    assert lines[1] == "Dit gebied: 1.234,5 euro (slechter dan de stad)"
    assert lines[2] == "Utrecht: 1.100,3 euro"
    assert lines[3] == "Spreiding over 1.234 wijken in 4 van de vier steden:"
    assert lines[4] == "min 800,0 euro · 25% 1.000,0 euro · mediaan 1.150,0 euro · 75% 1.300,0 euro · max 2.500,0 euro"
    assert lines[5] == "Richting: hoger is slechter" and lines[6] == "omgerekend uit indeling 2020"
    assert row["aria"] == "; ".join(lines)
    assert row["values"] == "1.234,5 | 1.100,3"


def test_spine_of_the_mini_store_has_every_row_and_no_python_words(mini_store: BuiltStore) -> None:
    data = storage.load(mini_store.store)
    for code, indeling in (("WK034401", 2020), ("BU03440103", 2024)):  # the second is a water area
        table = profile.profile_table(data, code, indeling)
        html = profile_svg.spine_html(table, area_name="x", city_name="Utrecht", niveau="wijk", indeling=indeling,
                                      sources=profile.source_lines(data, table))
        rows = spine_rows(html)
        assert len(rows) == len(table)
        assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b|<NA>", html), code
        for r in rows.values():
            assert re.fullmatch(r"(onbekend|-?[\d.]+(,\d+)?) \| (onbekend|–|-?[\d.]+(,\d+)?)", r["values"]), r
            for mark in r["marks"].values():
                assert -4.0 <= mark.get("left", 0.0) <= 104.0


def test_nice_ticks_cover_the_values() -> None:
    assert profile_svg.nice_ticks(63.5, 80.8) == [60.0, 70.0, 80.0, 90.0]
    assert profile_svg.nice_ticks(7.6, 14.2) == [7.5, 10.0, 12.5, 15.0]
    assert profile_svg.nice_ticks(5.0, 5.0) == [4.0, 5.0, 6.0]
    assert profile_svg.nice_ticks(0.12, 0.19) == [0.1, 0.125, 0.15, 0.175, 0.2]
    assert profile_svg.nice_ticks(math.nan, 1.0) == []


def _trend() -> pd.DataFrame:
    rows = []
    for reeks, naam, values in (("gebied", "Wijk 01 West", {2012: 80.2, 2016: 80.0, 2020: 83.1}),
                                ("stad", "Utrecht", {2020: 81.5})):
        for jaar, v in values.items():
            rows.append(("ervaren_gezondheid_goed", "Ervaren gezondheid (zeer) goed", "%", 1, jaar, reeks, naam, v,
                         "rivm_50090NED"))
    rows.append(("roken", "Rookt", "%", -1, 2016, "gebied", "Wijk 01 West", math.nan, "rivm_50090NED"))
    rows.append(("roken", "Rookt", "%", -1, 2020, "gebied", "Wijk 01 West", 19.3, "rivm_50090NED"))
    return pd.DataFrame(rows, columns=["indicator", "label", "eenheid", "richting", "jaar", "reeks", "naam", "waarde",
                                       "bron"])


def test_trend_panels_points_and_names() -> None:
    html = profile_svg.trend_html(_trend(), title="Wijk 01 West en Utrecht", sources=["Bron: test"])
    panels = re.findall(r'<figure class="paneel" role="img" aria-label="([^"]*)">(.*?)</figure>', html)
    assert len(panels) == 2
    name, body = panels[0]
    assert unescape(name) == ("Ervaren gezondheid (zeer) goed. Wijk 01 West: 2012 80,2 %, 2016 80,0 %, 2020 83,1 %;"
                              " Utrecht: 2020 81,5 %")
    assert re.findall(r">([^<]*%)</text>", body) == ["80 %", "82 %", "84 %"]
    assert [unescape(t) for t in re.findall(r"<title>([^<]*)</title>", body)] == [
        "Wijk 01 West, Ervaren gezondheid (zeer) goed\n2012: 80,2 %", "Wijk 01 West, Ervaren gezondheid (zeer) goed"
        "\n2016: 80,0 %", "Wijk 01 West, Ervaren gezondheid (zeer) goed\n2020: 83,1 %",
        "Utrecht, Ervaren gezondheid (zeer) goed\n2020: 81,5 %"]
    # The area's line from 2012 (80,2) to 2020 (83,1): x by year, y down from the 80 % to the 84 % grid line.
    points = re.search(r'<polyline points="([^"]+)"', body).group(1).split()
    left, top, right, bottom = profile_svg._PLOT
    xs = [float(p.split(",")[0]) for p in points]
    ys = [float(p.split(",")[1]) for p in points]
    assert xs[0] < xs[1] < xs[2] and xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.1)
    assert ys[2] == pytest.approx(bottom - (83.1 - 80.0) / 4.0 * (bottom - top), abs=0.06)
    assert "<polyline" not in body.split("Utrecht,", 1)[1]  # one city point: a dot, no line
    # An unknown year is left out (no "onbekend" point), the known one is a dot.
    name2, body2 = panels[1]
    assert unescape(name2) == "Rookt. Wijk 01 West: 2020 19,3 %" and body2.count("<title>") == 1
    assert "\n" not in html and not re.search(r"\bNone\b|\bnan\b", html)
    assert "Bron: test" in html and profile_svg.MODEL_NOTE in html


def test_wijkkaart_prints_the_same_charts_without_plotly(mini_store: BuiltStore) -> None:
    data = storage.load(mini_store.store)
    item = wijkkaart.card(data, "BU03440101", 2020)
    html = wijkkaart.cards_html(data, [item], "http://127.0.0.1:8501")
    assert "Plotly" not in html and "plotly" not in html.lower()
    rows = spine_rows(html)
    assert len(rows) == len(item.table)
    assert '<figure class="paneel"' in html and "80,2 %" in html


def _elan() -> pd.DataFrame:
    """An ELAN trend table (profile.elan_trend_table) of two KBZ wijken and the Den Haag median, 2009-2022."""
    rows = []
    for code, naam, kbz, base in (("WK051838", "Wijk 38 Laakkwartier en Spoorwijk", "Spoorwijk en Laakkwartier", 0.0),
                                  ("WK051828", "Wijk 28 Centrum", "Centrum", 10.0),
                                  ("GM0518", "Den Haag (mediaan van de wijken)", "", -5.0)):
        for jaar in range(2009, 2021):
            rows.append((code, naam, kbz, "elan_zorgkosten_huisarts", "Huisartskosten per inwoner (ELAN, Den Haag)",
                         "euro", jaar, 126.94 + base + 4 * (jaar - 2009)))
        for jaar in range(2011, 2023):
            rows.append((code, naam, kbz, "elan_pct_laag_inkomen", "Laag inkomen (ELAN, Den Haag)", "%", jaar,
                         12.75 + base / 10 - 0.25 * (jaar - 2011)))
    return pd.DataFrame(rows, columns=["code", "naam", "kbz", "indicator", "label", "eenheid", "jaar", "waarde"])


def test_elan_trend_is_svg_panels_with_dutch_values_and_a_wrapping_legend() -> None:
    """The Den Haag ELAN trend as server-made SVG (the plotly figure cut its title, legend and sources on a
    phone): one panel per indicator, one line per KBZ wijk, the profile's wijk thicker, the median dashed grey."""
    html = profile_svg.elan_html(_elan(), title="KBZ-wijken van Den Haag", sources=["Bron: ELAN/GGDH (LUMC)"],
                                 highlight="WK051828")
    panels = re.findall(r'<figure class="paneel" role="img" aria-label="([^"]*)"><div class="kopje">([^<]*)</div>'
                        r"(.*?)</figure>", html)
    assert [unescape(k) for _, k, _ in panels] == ["Huisartskosten per inwoner (ELAN, Den Haag) (euro)",
                                                   "Laag inkomen (ELAN, Den Haag) (%)"]
    name, _, body = panels[0]
    assert unescape(name).startswith("Huisartskosten per inwoner (ELAN, Den Haag) (euro). Wijk 38 Laakkwartier en"
                                     " Spoorwijk (KBZ Spoorwijk en Laakkwartier): 2009 126,9 euro, 2010 130,9 euro")
    assert "Den Haag (mediaan van de wijken): 2009 121,9 euro" in unescape(name)
    lines = re.findall(r'<polyline points="[^"]+" fill="none" stroke="([^"]+)" stroke-width="([^"]+)"([^/]*)/>', body)
    assert lines == [(profile_svg.ELAN_PALETTE[0], "2.0", ""), (profile_svg.ELAN_PALETTE[1], "3.5", ""),
                     (profile_svg.CITY_LINE_COLOR, "2.0", ' stroke-dasharray="5 3"')]
    titles = [unescape(t) for t in re.findall(r"<title>([^<]*)</title>", body)]
    assert len(titles) == 3 * 12
    assert titles[0] == ("Wijk 38 Laakkwartier en Spoorwijk (KBZ Spoorwijk en Laakkwartier), Huisartskosten per"
                         " inwoner (ELAN, Den Haag) (euro)\n2009: 126,9 euro")
    # Both panels share the years of the table (2009-2022); 14 years do not fit a label each: every 2nd year.
    assert re.findall(r">(20\d\d)</text>", body) == ["2010", "2012", "2014", "2016", "2018", "2020", "2022"]
    assert re.findall(r">([^<]*%)</text>", panels[1][2]) == ["8 %", "10 %", "12 %", "14 %"]
    assert "2022: 10,0 %" in unescape(panels[1][2])  # Wijk 38: 12,75 - 11 * 0,25
    # The legend is HTML text (it wraps), the profile's wijk is named, the sources are text under the panels.
    key = re.search(r'<div class="sleutel">(.*?)</div>', html).group(1)
    assert re.findall(r"</svg>([^<]*)</span>", key) == [
        "Wijk 38 Laakkwartier en Spoorwijk (KBZ Spoorwijk en Laakkwartier)",
        "Wijk 28 Centrum (KBZ Centrum) – deze wijk", "Den Haag (mediaan van de wijken)"]
    assert '<div class="noten"><p>Bron: ELAN/GGDH (LUMC)</p></div>' in html
    assert "\n" not in html and not re.search(r"\bNone\b|\bnan\b", html)


def test_elan_summary_and_year_labels() -> None:
    text = profile_svg.elan_summary(_elan()).replace("\\", "")  # names are escaped for Markdown
    assert text.startswith("Samenvatting: Huisartskosten per inwoner (ELAN, Den Haag): Wijk 38 Laakkwartier en"
                           " Spoorwijk (KBZ Spoorwijk en Laakkwartier) van 126,9 euro (2009) naar 170,9 euro (2020)")
    assert "Laag inkomen (ELAN, Den Haag): Wijk 38" in text and "van 12,8 % (2011) naar 10,0 % (2022)" in text
    assert profile_svg.elan_summary(_elan().iloc[0:0]) == ""
    assert profile_svg.year_ticks([2012, 2016, 2020], 20.0) == [2012, 2016, 2020]  # the health trend: every year
    assert profile_svg.year_ticks(list(range(2009, 2023)), 19.0) == list(range(2010, 2023, 2))
    assert profile_svg.year_ticks(list(range(2009, 2023)), 8.0) == [2010, 2015, 2020]
