"""The Vergelijken dot chart as server-made HTML (kbz_data.charts.compare): positions, Dutch hover texts and
accessible names, one colour and shape per area, and a layout that puts the label above its scale on a phone."""

from __future__ import annotations

import math
import re
from html import unescape

import pandas as pd

from kbz_data.charts import compare


def _rows() -> pd.DataFrame:
    columns = ["code", "naam", "gemeente", "indicator", "label", "eenheid", "domein", "waarde", "rang", "aantal",
               "positie"]
    rows = [
        ("WK036300", "Burgwallen-Oude Zijde", "Amsterdam", "roken", "Rookt", "%", "gezondheid", 23.46, 3, 411, 99.5),
        ("WK051828", "Wijk 28 Centrum", "Den Haag", "roken", "Rookt", "%", "gezondheid", 19.0, 150, 411, 63.6),
        ("WK036300", "Burgwallen-Oude Zijde", "Amsterdam", "inwoners", "Inwoners", "aantal", "bevolking", 12345.0,
         pd.NA, 411, 40.0),
        ("WK051828", "Wijk 28 Centrum", "Den Haag", "inwoners", "Inwoners", "aantal", "bevolking", math.nan, pd.NA,
         411, math.nan),
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["rang"] = frame["rang"].astype("Int64")
    return frame


def test_dot_chart_positions_hover_and_names() -> None:
    html = compare.comparison_html(_rows())
    rows = re.findall(r'<div class="rij" role="img" aria-label="([^"]*)"><span class="naam">([^<]*)</span>(.*?)'
                      r"</span></span></div>", html)
    assert [unescape(n) for _, n, _ in rows] == ["Rookt (%)", "Inwoners (aantal)"]
    aria, _, body = rows[0]
    assert unescape(aria) == ("Rookt (%): Burgwallen-Oude Zijde · WK036300 (Amsterdam): 23,5 %, rang 3 van 411,"
                              " positie 100; Wijk 28 Centrum · WK051828 (Den Haag): 19,0 %, rang 150 van 411,"
                              " positie 64")
    marks = re.findall(r'<span class="stip" title="([^"]*)" style="left:([\d.]+)%;[^"]*background:([^;]+);([^"]*)"',
                       body)
    assert [float(left) for _, left, _, _ in marks] == [99.5, 63.6]
    assert unescape(marks[0][0]) == "Burgwallen-Oude Zijde · WK036300 (Amsterdam)\nRookt (%): 23,5 %\nRang 3 van 411"
    assert marks[0][2] != marks[1][2] and marks[0][3] != marks[1][3]  # colour and shape differ per area
    # A neutral indicator has no rank; an unknown value has no mark but is named.
    aria2, _, body2 = rows[1]
    assert "(Amsterdam): 12.345, neutraal, geen rang, positie 40" in unescape(aria2)
    assert "Wijk 28 Centrum · WK051828 (Den Haag): onbekend" in unescape(aria2) and body2.count('class="stip"') == 1
    assert [t for t in re.findall(r'<span class="tik[^"]*" style="left:(\d+)%">', html)][:5] == [
        "0", "25", "50", "75", "100"]
    assert compare.AXIS_TITLE in html and "Burgwallen-Oude Zijde · WK036300 (Amsterdam)</span>" in html
    assert "\n" not in html and not re.search(r"\bNone\b|\bnan\b|<NA>", html)
    # On a phone the label goes above its scale (one grid column).
    assert "@media (max-width:640px){.kbz-dots .rij,.kbz-dots .kop{grid-template-columns:minmax(0,1fr)" in html
