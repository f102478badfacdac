"""Readable text on screen: Dutch moments and plurals, practice tables without raw values, gaps in practice trends,
wijk names, the narrow budget table, Dutch placeholders in every choice widget, no emoji (headless Chromium and
many office machines have no emoji font: they render as boxes) and Material icons for the pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kbz_data.analysis import budget
from kbz_data.charts.practice_charts import trend_figure
from kbz_data.practice import analysis, tables
from kbz_data.practice.schema import period_start
from kbz_data.store import storage
from kbz_data.text import UNKNOWN, fmt_date, fmt_datetime, fmt_weight, plural
from tests.conftest import REPO

UI_FILES = [REPO / "app.py", *sorted((REPO / "app_pages").glob("*.py")), *sorted((REPO / "kbz_data/ui").glob("*.py"))]
#: Emoji and pictographic symbols (the ranges a font without emoji draws as boxes), and the emoji variation selector.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF\uFE0F]")


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-12-02T13:27:46.123456+00:00", "2 december 2026, 14:27"),  # winter: UTC+1
    ("2026-07-01T22:30:00+00:00", "2 juli 2026, 00:30"),  # summer: UTC+2, the next day
    ("2026-03-05 08:05:00", "5 maart 2026, 09:05"),  # naive = UTC
    (None, "onbekend"), (float("nan"), "onbekend"), ("", "onbekend"), ("geen datum", "onbekend"),
])
def test_moments_read_in_dutch_local_time(value: object, expected: str) -> None:
    assert fmt_datetime(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-12-02", "2 december 2026"), ("2026-01-02", "2 januari 2026"),
    ("2026-07-01T22:30:00+00:00", "2 juli 2026"),  # a moment: its local day
    (None, "onbekend"), ("", "onbekend"), ("geen datum", "onbekend"),
])
def test_days_read_in_words(value: object, expected: str) -> None:
    assert fmt_date(value) == expected


def test_every_plotly_chart_module_writes_dutch_numbers() -> None:
    """Each module under kbz_data/charts that makes a plotly figure sets the decimal comma and thousands dot
    (``separators=",."``) and Dutch tick labels: the practice charts' axes read "2k 4k" and "3000"."""
    for path in sorted((REPO / "kbz_data/charts").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        figures = source.count("go.Figure(") + source.count("make_subplots(")
        if figures:
            assert 'separators=",."' in source, path.name
            if "xaxis" in source or "yaxis" in source:
                assert "DUTCH_TICKS" in source or "tickformat" in source, path.name


def test_weights_read_with_a_decimal_comma() -> None:
    """Weights in the Budget's and Vergelijken's "Aannames" read "1,1" and "0,5" (they read "1.1", "0.5")."""
    from kbz_data.analysis import budget

    assert [fmt_weight(w) for w in (1.1, 2.0, 0.5, 1.25, 1.7, 3)] == ["1,1", "2", "0,5", "1,25", "1,7", "3"]
    text = budget._weights_text({6: 1.1, 7: 1.2, 8: 1.4, 9: 1.7, 10: 2.0})
    assert "6: 1,1; 7: 1,2; 8: 1,4; 9: 1,7; 10: 2" in text and not re.search(r"\d\.\d", text)


def test_plural() -> None:
    assert plural(1, "praktijk", "praktijken") == "1 praktijk"
    assert plural(0, "praktijk", "praktijken") == "0 praktijken"
    assert plural(1200, "praktijk", "praktijken") == "1.200 praktijken"


def test_practice_tables_show_no_raw_values() -> None:
    history = pd.DataFrame({
        "versie": [2, 1], "tijd": ["2026-12-02T13:27:46.000001+00:00", "2026-06-30T23:10:00+00:00"],
        "bestandsnaam": ["b.csv", "a.csv"], "rijen": [1234, 2],
        "status": ["actief", "ongedaan gemaakt (2026-12-02 13:30:00 UTC)"], "gebruiker": ["x@y.nl", None]})
    shown = tables.history_display(history)
    assert shown["tijd"].tolist() == ["2 december 2026, 14:27", "1 juli 2026, 01:10"]
    assert shown["status"].tolist() == ["actief", "ongedaan gemaakt (2 december 2026, 14:30)"]
    assert shown["rijen"].tolist() == ["1.234", "2"] and shown["gebruiker"].tolist() == ["x@y.nl", ""]

    preview = pd.DataFrame({
        "status": ["gewijzigd", "nieuw"], "praktijk_code": ["A", "A"], "periode": ["2024Q4", "2024Q4"],
        "kengetal": ["consulten", "patienten_weet_wat_te_doen"], "teller": [4321, 33], "noemer": [np.nan, 44.0],
        "huidige teller": [5000.0, np.nan], "huidige noemer": [np.nan, np.nan], "huidige herkomst": ["demo", None]})
    shown = tables.preview_display(preview)
    assert shown["teller"].tolist() == ["4.321", "33"] and shown["noemer"].tolist() == ["", "44"]
    assert shown["huidige teller"].tolist() == ["5.000", "geen"] and shown["huidige noemer"].tolist() == ["", ""]

    practices = pd.DataFrame({"praktijk_code": ["A"], "kbz_start": [pd.Timestamp("2020-03-01").date()],
                              "lon": [4.123456], "lat": [np.nan], "demo": [True], "actief": [False]})
    shown = tables.practices_display(practices).iloc[0]
    assert (shown["kbz_start"], shown["lon"], shown["lat"], shown["demo"], shown["actief"]) == (
        "1-3-2020", "4,12346", "onbekend", "ja", "nee")
    audit = pd.DataFrame({"tijd": ["2026-12-02T14:19:00+00:00"], "gebruiker": ["lokaal"], "actie": ["upload"],
                          "onderwerp": ["versie 1"], "details": ['{"bestandsnaam": "a.csv", "namens": null,'
                                                                 ' "praktijken": ["A", "B"], "rijen": 1200}']})
    assert tables.audit_display(audit).iloc[0].tolist() == [
        "2 december 2026, 15:19", "lokaal", "upload", "versie 1",
        "bestandsnaam: a.csv · praktijken: A, B · rijen: 1.200"]
    users = pd.DataFrame({"email": ["a@b.nl"], "actief": [True], "aangemaakt": ["2026-01-01T00:00:00+00:00"]})
    assert tables.users_display(users).iloc[0].tolist() == ["a@b.nl", "ja", "1 januari 2026, 01:00"]
    for frame in (tables.history_display(history), tables.preview_display(preview), tables.users_display(users)):
        text = " ".join(frame.astype(str).to_numpy().ravel())
        assert not re.search(r"\bNone\b|\bnan\b|NaT|\d\.\d+\b(?! )", text.replace("1.234", "").replace(
            "4.321", "").replace("5.000", "")), text


def test_summary_puts_the_numbers_first_and_reads_onbekend() -> None:
    summary = pd.DataFrame({"Kengetal": ["Consulten (aantal)"], "Periode": ["2024Q4"], "Mijn praktijk": ["4.321"],
                            analysis.MEAN_LABEL: [""], "Respondenten": [""], "Fictief": ["nee"]})
    shown = tables.summary_display(summary)
    assert shown.columns.tolist()[:4] == ["Mijn praktijk", tables.MEAN_SHORT, "Kengetal", "Periode"]
    assert shown[tables.MEAN_SHORT].tolist() == ["onbekend"]


def _trend_rows(periods: list[str]) -> pd.DataFrame:
    rows = [dict(praktijk="Mijn", rol="eigen", periode=p, waarde=float(i + 1), weergave=str(i + 1), teller_tekst="",
                 noemer_tekst="", onderdrukt=False, fictief=False) for i, p in enumerate(periods)]
    rows.append(dict(praktijk=analysis.MEAN_LABEL, rol="gemiddelde", periode=periods[0], waarde=1.0, weergave="1",
                     teller_tekst="", noemer_tekst="1 praktijk", onderdrukt=False, fictief=False))
    frame = pd.DataFrame(rows)
    return frame.assign(datum=pd.to_datetime([period_start(p) for p in frame["periode"]]))


def test_trend_line_breaks_over_quarters_without_figures() -> None:
    fig = trend_figure(_trend_rows(["2024Q2", "2024Q3", "2025Q2"]), "t", "aantal", None)
    own = next(t for t in fig.data if t.name == "Mijn")
    assert [str(x)[:10] for x in own.x] == ["2024-04-01", "2024-07-01", "2024-10-01", "2025-01-01", "2025-04-01"]
    assert [None if v != v else v for v in own.y] == [1.0, 2.0, None, None, 3.0]
    assert own.connectgaps is False
    assert len(own.customdata) == len(own.x)  # the hover texts stay with their quarters
    full = trend_figure(_trend_rows(["2024Q2", "2024Q3", "2024Q4"]), "t", "aantal", None)
    assert not any(v != v for v in next(t for t in full.data if t.name == "Mijn").y)  # no gap, no break


def test_means_over_one_practice_are_singular() -> None:
    rows = [("A", "2024Q1", "gezinnen_miniteam", 12, None)]
    figures = pd.DataFrame(rows, columns=["praktijk_code", "periode", "kengetal", "teller", "noemer"]).assign(
        herkomst="demo")
    frame = analysis.measure_frame(figures, "A", "gezinnen_miniteam")
    assert frame.loc[frame["rol"] == "gemiddelde", "noemer_tekst"].tolist() == ["1 praktijk"]


def test_the_practice_text_names_its_wijk() -> None:
    data = storage.load(REPO / "data" / "snapshot")
    assert analysis.served_text(data, "RTD-BLOEMHOF-1") == (
        "Bedient vooral 1 buurt (Bloemhof) in wijk Feijenoord (WK059910) (gebiedsindeling 2024).")
    assert analysis.served_text(data, "AMS-REIGERSBOS-1").startswith(
        "Bedient vooral 7 buurten in de wijken Holendrecht (WK0363TJ), Reigersbos (WK0363TL)")


def test_budget_concentration_table_is_narrow() -> None:
    summary = pd.DataFrame({"Regel": list(budget.RULES.values()), "Totaal (euro)": [10.0, 10.0, 10.0],
                            "Aandeel naar de 20% met de hoogste behoefte": [0.2, 0.25, 0.21],
                            "Concentratie-index": [0.0, 0.1234, -0.0]})
    shown = budget.summary_display(summary)
    assert shown.columns.tolist() == ["Regel", "Hoogste 20%", "Concentratie", "Totaal"]
    assert shown["Regel"].tolist() == ["Per inwoner", "Naar behoefte", "KBZ-gewicht"]
    assert shown["Hoogste 20%"].tolist() == ["20,0 %", "25,0 %", "21,0 %"]
    assert max(len(c) for c in shown.columns) <= 12


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    found = []
    for path in UI_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                found.append((path, node))
    return found


@pytest.mark.parametrize("widget", ["selectbox", "multiselect"])
def test_every_choice_widget_has_a_dutch_placeholder(widget: str) -> None:
    """Streamlit shows "Choose an option" in an empty selectbox or multiselect unless a placeholder is given."""
    calls = _calls(widget)
    assert calls
    missing = [f"{p.name}:{c.lineno}" for p, c in calls
               if not any(k.arg == "placeholder" and isinstance(k.value, ast.Constant)
                           and str(k.value.value).startswith("Kies ") for k in c.keywords)]
    assert not missing, f"{widget} zonder Nederlandse placeholder ('Kies ...'): {missing}"


def test_every_table_says_onbekend_for_a_missing_value() -> None:
    """st.dataframe draws a missing cell as "None" (its canvas ignores a pandas Styler's na_rep) unless the call
    gives ``placeholder``: every table passes text.UNKNOWN."""
    calls = _calls("dataframe")
    assert len(calls) >= 8
    missing = [f"{p.name}:{c.lineno}" for p, c in calls
               if not any(k.arg == "placeholder" and isinstance(k.value, ast.Name) and k.value.id == "UNKNOWN"
                          for k in c.keywords)]
    assert not missing, f"st.dataframe zonder placeholder=UNKNOWN (toont 'None'): {missing}"


def test_need_table_placeholder_on_the_page(app_store) -> None:
    """The Vergelijken need table (an area without index: rank, decile and index missing) tells the browser to
    write "onbekend" in those cells."""
    from tests.conftest import open_page

    at = open_page("app_pages/vergelijken.py")
    table = next(t for t in at.dataframe if "Rang (1 = hoogste behoefte)" in t.value.columns)
    assert table.value["Rang (1 = hoogste behoefte)"].isna().any()  # the mini store's WK034402 has no index
    assert table.proto.placeholder == UNKNOWN
    assert all(t.proto.placeholder == UNKNOWN for t in at.dataframe)


def test_no_emoji_in_page_texts_and_material_page_icons() -> None:
    offenders = []
    for path in UI_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if EMOJI.search(line) and "page_icon=" not in line:  # the favicon is an inline SVG, not page text
                offenders.append(f"{path.name}:{number}: {line.strip()[:80]}")
    assert not offenders, offenders
    pages = _calls("Page")
    assert len(pages) >= 10
    for path, call in pages:
        icon = next((k.value.value for k in call.keywords if k.arg == "icon"), None)
        assert icon is None or re.fullmatch(r":material/[a-z_]+:", icon), f"{path.name}:{call.lineno}: {icon}"
