"""Derived measures, anonymisation, the '<10' suppression rule, funnel limits, figures and exports."""

from __future__ import annotations

import io
import math

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from kbz_data import export
from kbz_data.charts import practice_charts
from kbz_data.practice import analysis, exports, registry
from kbz_data.practice.schema import KENGETALLEN, MEASURES


def make_figures(rows: list[tuple[str, str, str, int, int | None]], herkomst: str = "demo") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["praktijk_code", "periode", "kengetal", "teller", "noemer"])
    frame["teller"] = frame["teller"].astype("Int64")
    frame["noemer"] = frame["noemer"].astype("Int64")
    return frame.assign(herkomst=herkomst, versie=0)


SMALL = make_figures([
    ("RTD-BLOEMHOF-1", "2024Q1", "ingeschreven_patienten", 4000, None),
    ("RTD-BLOEMHOF-1", "2024Q1", "gezinnen_miniteam", 3, None),
    ("RTD-BLOEMHOF-1", "2024Q1", "verwijzingen_ggz", 4, None),
    ("RTD-BLOEMHOF-1", "2024Q1", "medewerkers_meer_werkplezier", 5, 8),
    ("UTR-ONDIEP-1", "2024Q1", "ingeschreven_patienten", 3000, None),
    ("UTR-ONDIEP-1", "2024Q1", "gezinnen_miniteam", 7, None),
    ("UTR-ONDIEP-1", "2024Q1", "verwijzingen_ggz", 9, None),
    ("UTR-ONDIEP-1", "2024Q1", "medewerkers_meer_werkplezier", 6, 12),
    ("RTD-CROOSWIJK-1", "2024Q1", "ingeschreven_patienten", 5000, None),
    ("RTD-CROOSWIJK-1", "2024Q1", "gezinnen_miniteam", 12, None),
    ("RTD-CROOSWIJK-1", "2024Q1", "verwijzingen_ggz", 40, None),
    ("RTD-CROOSWIJK-1", "2024Q1", "medewerkers_meer_werkplezier", 10, 12),
])


def test_small_counts_of_other_practices_are_shown_as_below_10() -> None:
    frame = analysis.measure_frame(SMALL, "RTD-BLOEMHOF-1", "gezinnen_miniteam")
    by = frame.set_index("praktijk")
    own = registry.get("RTD-BLOEMHOF-1").naam
    assert by.loc[own, "weergave"] == "3" and not by.loc[own, "onderdrukt"]  # own figures are never suppressed
    labels = analysis.anonymous_labels("RTD-BLOEMHOF-1", sorted(set(SMALL["praktijk_code"])))
    ondiep, crooswijk = labels["UTR-ONDIEP-1"], labels["RTD-CROOSWIJK-1"]
    assert by.loc[ondiep, "weergave"] == "<10" and math.isnan(by.loc[ondiep, "waarde"])
    assert by.loc[crooswijk, "weergave"] == "12"
    assert by.loc[analysis.MEAN_LABEL, "waarde"] == pytest.approx((3 + 7 + 12) / 3)


def test_rates_with_a_small_teller_or_noemer_are_suppressed() -> None:
    rate = analysis.measure_frame(SMALL, "RTD-BLOEMHOF-1", "verwijzingen_ggz_per_1000").set_index("rol")
    others = rate.loc[["ander"]]
    assert sorted(others["weergave"]) == ["8,0", "<10"]
    assert sorted(others["teller_tekst"]) == ["40", "<10"]
    share = analysis.measure_frame(SMALL, "RTD-BLOEMHOF-1", "pct_medewerkers_meer_werkplezier")
    other = share[share["rol"] == "ander"].set_index("weergave")
    assert set(other.index) == {"<10", "83,3"}
    assert other.loc["<10", "teller_tekst"] == "<10" and other.loc["<10", "noemer_tekst"] == "12"
    own = share[share["rol"] == "eigen"].iloc[0]
    assert (own["weergave"], own["noemer_tekst"]) == ("62,5", "8")
    table = analysis.comparison_table(share, "2024Q1")
    assert "UTR-ONDIEP-1" not in table.to_csv() and "Ondiep" not in table.to_csv()


def test_anonymous_labels_are_stable_and_hide_the_city() -> None:
    labels = analysis.anonymous_labels("RTD-BLOEMHOF-1")
    others = [v for k, v in labels.items() if k != "RTD-BLOEMHOF-1"]
    assert sorted(others) == [f"Praktijk {c}" for c in "ABCDEFGHIJK"]
    assert labels == analysis.anonymous_labels("RTD-BLOEMHOF-1")
    alphabetical = [labels[c] for c in registry.codes() if c != "RTD-BLOEMHOF-1"]
    assert alphabetical != sorted(alphabetical)


def test_funnel_limits_and_positions() -> None:
    rows = []
    for code, patients, referrals in (("RTD-BLOEMHOF-1", 4000, 40), ("UTR-ONDIEP-1", 1000, 5),
                                      ("RTD-CROOSWIJK-1", 5000, 150)):
        for q in range(1, 5):
            rows += [(code, f"2023Q{q}", "ingeschreven_patienten", patients, None),
                     (code, f"2023Q{q}", "verwijzingen_ggz", referrals, None)]
    points, limits, target = analysis.funnel(make_figures(rows), "RTD-BLOEMHOF-1", "verwijzingen_ggz", 2023)
    p0 = (160 + 20 + 600) / (4000 + 1000 + 5000)
    assert target == pytest.approx(p0 * 1000)
    row = limits.iloc[0]
    n = row["patienten"]
    assert row["upper95"] == pytest.approx((p0 + 1.959964 * math.sqrt(p0 / n)) * 1000, rel=1e-5)
    assert row["upper998"] == pytest.approx((p0 + 3.090232 * math.sqrt(p0 / n)) * 1000, rel=1e-5)
    by = points.set_index("rol")
    assert by.loc["eigen", "weergave"] == "40,0"
    others = points[points["rol"] == "ander"].set_index("verwijzingen_tekst")
    assert others.loc["600", "positie"] == "buiten de 99,8%-grenzen"
    assert others.loc["20", "weergave"] == "20,0"  # 20 referrals a year: not suppressed
    fig = practice_charts.funnel_figure(points, limits, target, "test")
    assert isinstance(fig, go.Figure) and len(fig.data) >= 5
    # Dutch axes: "3.000" and "2,5", not "3000" or "2k" (plotly's default)
    assert fig.layout.separators == ",." and fig.layout.xaxis.tickformat == fig.layout.yaxis.tickformat == ",~f"


def test_trend_figure_marks_kbz_start_and_hides_suppressed_values() -> None:
    frame = analysis.measure_frame(SMALL, "RTD-BLOEMHOF-1", "gezinnen_miniteam")
    fig = practice_charts.trend_figure(frame, "Gezinnen", "aantal", registry.get("RTD-BLOEMHOF-1").kbz_start)
    assert any(a.text == "Start KBZ" for a in fig.layout.annotations)
    assert fig.layout.separators == ",." and fig.layout.yaxis.tickformat == ",~f"
    hidden = [t for t in fig.data if t.name == "<10 (onderdrukt)"]
    assert hidden and all(list(t.y) == [0] for t in hidden)
    assert all(c[2] == "<10" for t in hidden for c in t.customdata)
    shown_values = {v for t in fig.data if t.name != "<10 (onderdrukt)" for v in t.y}
    assert 7 not in shown_values  # the suppressed count never appears as a height


def test_exports_carry_fictief_flag_source_and_suppression() -> None:
    frame = analysis.measure_frame(SMALL, "RTD-BLOEMHOF-1", "gezinnen_miniteam")
    table = analysis.comparison_table(frame, "2024Q1")
    lines = [analysis.source_line(True, False), analysis.SUPPRESSION_TEXT]
    view = exports.practice_view(table, own="RTD-BLOEMHOF-1", title="Vergelijking", fictief=True, source=lines[0],
                                 method_lines=(lines[1],), file_stem="vergelijking")
    data = export.to_csv(view)
    text = data.decode("utf-8-sig")
    assert text.startswith("# Vergelijking\r\n# FICTIEVE DEMODATA")
    assert "# Onderdrukking: aantallen onder de 10" in text and "<10" in text
    back = pd.read_csv(io.BytesIO(data), sep=";", comment="#", encoding="utf-8-sig", dtype=str)
    assert set(back["Fictief"]) == {"ja"}
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(view)))
    cells = [c.value for c in book.active["A"] if c.value]
    assert cells[1].startswith("FICTIEVE DEMODATA") and any("Onderdrukking" in str(c) for c in cells)
    assert "<10" in [c.value for row in book.active.iter_rows() for c in row]


def test_templates_round_trip_through_the_validator_once_filled() -> None:
    from datetime import date

    from kbz_data.practice.errors import KbzUploadError
    from kbz_data.practice.upload_checks import validate_upload

    with pytest.raises(KbzUploadError) as info:  # an unfilled template says what is missing
        validate_upload(exports.template_csv("UTR-ONDIEP-1", "2024Q4"), "sjabloon.csv", today=date(2025, 1, 1))
    assert [str(p) for p in info.value.problems] == [
        "het bestand bevat geen ingevulde cijfers: teller en noemer zijn leeg in alle 13 regels; vul de teller in (en"
        " bij een enquête ook de noemer)"]
    book = openpyxl.load_workbook(io.BytesIO(exports.template_xlsx("UTR-ONDIEP-1", "2024Q4")))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        row[3].value = 3
        if row[2].value.startswith(("patienten_", "medewerkers_")):
            row[4].value = 10
    buffer = io.BytesIO()
    book.save(buffer)
    checked = validate_upload(buffer.getvalue(), "sjabloon.xlsx", today=date(2025, 1, 1))
    assert len(checked.figures) == 13 and checked.skipped == []


def _fill_csv(template: bytes, values: dict[str, tuple[str, str]]) -> bytes:
    """The app's CSV template with teller and noemer filled in for some kengetallen (others left as they are)."""
    lines = template.decode("utf-8-sig").split("\r\n")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        if len(cells) == 5 and cells[2] in values:
            cells[3], cells[4] = values[cells[2]]
        out.append(";".join(cells))
    return b"\xef\xbb\xbf" + "\r\n".join(out).encode("utf-8")


def _fill_xlsx(template: bytes, values: dict[str, tuple[object, object]]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    for row in book.worksheets[0].iter_rows(min_row=2):
        if row[2].value in values:
            row[3].value, row[4].value = values[row[2].value]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_partly_filled_template_skips_empty_rows_and_names_half_filled_ones(kind: str) -> None:
    """Bug: a template with only some rows filled in failed validation. Rows with teller and noemer both empty are
    skipped (and counted); a row with only one of the two gets a message naming the row."""
    from datetime import date

    from kbz_data.practice import upload_store
    from kbz_data.practice.errors import KbzUploadError
    from kbz_data.practice.upload_checks import validate_upload

    today = date(2025, 1, 1)
    template = (exports.template_csv if kind == "csv" else exports.template_xlsx)("UTR-ONDIEP-1", "2024Q4")
    fill = _fill_csv if kind == "csv" else _fill_xlsx
    order = list(KENGETALLEN)
    filled = fill(template, {"ingeschreven_patienten": ("4200", ""), "consulten": ("6512", ""),
                             "patienten_weet_wat_te_doen": ("31", "40")})
    checked = validate_upload(filled, f"sjabloon.{kind}", today=today)
    assert checked.figures[["kengetal", "teller"]].values.tolist() == [
        ["ingeschreven_patienten", 4200], ["consulten", 6512], ["patienten_weet_wat_te_doen", 31]]
    rows_filled = {order.index(k) + 2 for k in ("ingeschreven_patienten", "consulten", "patienten_weet_wat_te_doen")}
    assert checked.skipped == [r for r in range(2, len(order) + 2) if r not in rows_filled]
    assert checked.rows == sorted(rows_filled)
    text = upload_store.skipped_text(checked.skipped)
    assert text.startswith(f"{len(order) - 3} lege sjabloonregels overgeslagen (teller en noemer leeg): rij ")

    survey_row = order.index("medewerkers_meer_werkplezier") + 2
    count_row = order.index("consulten_lang") + 2
    half = fill(template, {"consulten": ("6512", ""), "medewerkers_meer_werkplezier": ("12", ""),
                           "patienten_weet_wat_te_doen": ("", "40"), "consulten_lang": ("", "7")})
    with pytest.raises(KbzUploadError) as info:
        validate_upload(half, f"sjabloon.{kind}", today=today)
    problems = [str(p) for p in info.value.problems]
    weet_row = order.index("patienten_weet_wat_te_doen") + 2
    assert f"rij {survey_row}, kolom noemer: noemer (het aantal respondenten) ontbreekt terwijl de teller is" \
           " ingevuld; die is verplicht bij kengetal 'medewerkers_meer_werkplezier' (laat teller en noemer allebei" \
           " leeg om de regel over te slaan)" in problems
    assert f"rij {weet_row}, kolom teller: teller ontbreekt terwijl de noemer is ingevuld; vul een heel getal van 0" \
           " of meer in, of laat teller en noemer allebei leeg om de regel over te slaan" in problems
    assert any(p.startswith(f"rij {count_row}, kolom teller: teller ontbreekt") for p in problems)
    assert any(p.startswith(f"rij {count_row}, kolom noemer: noemer moet leeg zijn") for p in problems)
    assert len(problems) == 4


def test_latest_summary_and_own_figures_flag_demo() -> None:
    from kbz_data.practice import upload_store

    current = upload_store.current_figures("/nonexistent-store")
    summary = analysis.latest_summary(current, "RTD-BLOEMHOF-1")
    assert len(summary) == len(MEASURES) and set(summary["Fictief"]) == {"ja"}
    own = analysis.own_figures(current, "RTD-BLOEMHOF-1")
    assert set(own["Praktijk"]) == {"RTD-BLOEMHOF-1"} and set(own["Fictief"]) == {"ja"}
