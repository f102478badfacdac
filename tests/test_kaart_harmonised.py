"""Kaart on the 2024 division (issue 11): harmonised figures say so, missing is "onbekend", any scatter pair."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kbz_data import export
from kbz_data.analysis import area_data
from kbz_data.charts import map_views
from kbz_data.store import storage
from kbz_data.store.storage import StoreData, kwaliteit_frame
from tests.conftest import open_page
from tests.svgmaps import svg_maps

HEALTH_2024 = {"niveau": "buurt", "indicator": "ervaren_gezondheid_goed", "periode": "2020-2024"}


def _quality(code: str, methode: str, kwaliteit: str, reden: str) -> dict:
    return {"code": code, "indeling": 2024, "jaar": 2020, "indicator": "ervaren_gezondheid_goed",
            "bron": "rivm_50090NED_omgerekend", "dekking": 1.0, "grootste_bron_aandeel": 0.6,
            "grootste_bron_binnen": 1.0, "n_bronnen": 2, "methode": methode, "bronniveau": "buurt 2020",
            "kwaliteit": kwaliteit, "reden": reden}


def _harmonise(figures: pd.DataFrame, kwaliteit: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give the mini store's harmonised figures of the 2024 buurten a value and a quality row that says
    "omgerekend" (the mini store has no 2024 shapes, so the build could carry nothing)."""
    figures, kwaliteit = figures.copy(), kwaliteit.copy()
    carried = (figures["bron"] == "rivm_50090NED_omgerekend") & figures["code"].str.startswith("BU")
    figures.loc[carried, "waarde"] = 60.0 + np.arange(int(carried.sum())) % 7
    rows = kwaliteit["code"].str.startswith("BU")
    kwaliteit.loc[rows, ["methode", "kwaliteit", "reden", "bronniveau"]] = [
        "omgerekend", "matig", "geschat uit 2 gebieden; het grootste dekt 60% (dekking 100%)", "buurt 2020"]
    kwaliteit.loc[rows, ["dekking", "grootste_bron_aandeel", "n_bronnen"]] = [1.0, 0.6, 2]
    return figures, kwaliteit


@pytest.fixture
def harmonised_store(mini_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the mini store with harmonised 2024 buurt figures (see :func:`_harmonise`)."""
    store = tmp_path / "store"
    shutil.copytree(mini_store.store, store)
    figures, kwaliteit = _harmonise(pd.read_parquet(store / storage.INDICATOREN),
                                    pd.read_parquet(store / storage.KWALITEIT))
    figures.to_parquet(store / storage.INDICATOREN, index=False)
    kwaliteit.to_parquet(store / storage.KWALITEIT, index=False)
    info = json.loads((store / storage.BUILD_INFO).read_text(encoding="utf-8"))
    info["gebouwd"] = f"{info['gebouwd']}-harmonised-{tmp_path.name}"  # its own cache entries
    (store / storage.BUILD_INFO).write_text(json.dumps(info), encoding="utf-8")
    monkeypatch.setenv("KBZ_STORE", str(store))
    monkeypatch.setenv("KBZ_SOURCES", str(mini_store.sources))
    yield store


def test_figure_notes_say_omgerekend_and_why_unknown(mini_store) -> None:
    base = storage.load(mini_store.store)
    frame = pd.DataFrame({"code": ["A", "B", "C", "D", "E"], "waarde": [70.0, 71.0, np.nan, np.nan, 5.0],
                          "water": [False, False, False, False, True]})
    quality = kwaliteit_frame(pd.DataFrame([
        _quality("A", "ongewijzigd", "goed", ""), _quality("B", "omgerekend", "matig", "geschat uit 2 gebieden"),
        _quality("C", "geen", "geen", "geen kaartvorm in indeling 2024")]))
    data = StoreData(base.gebieden, base.figures, base.meta, base.bronnen, base.build_info, quality)
    notes = area_data.figure_notes(data, frame, "ervaren_gezondheid_goed", 2020, 2024).tolist()
    assert notes == [
        "omgerekend uit indeling 2020 (buurt 2020): grens ongewijzigd, waarde overgenomen (kwaliteit goed)",
        "omgerekend uit indeling 2020 (buurt 2020), kwaliteit matig: geschat uit 2 gebieden",
        "onbekend: geen kaartvorm in indeling 2024", "onbekend (geen cijfer, of geheim)",
        area_data.NON_RESIDENTIAL]


def test_styled_table_reads_onbekend_never_none() -> None:
    table = pd.DataFrame({"Gebied": ["a", None], "Waarde (%)": [12.5, np.nan],
                          "Rang": pd.array([1, pd.NA], dtype="Int64")})
    html = area_data.styled(table).to_html()
    assert "12,5" in html and html.count("onbekend") == 3
    assert "None" not in html and "nan" not in html.lower().replace("nan-", "")


def test_styled_years_have_no_thousands_dot() -> None:
    """Years and divisions read "2022", not "2.022" (Vergelijken's Jaar, Bronnen's Indeling); an amount per year
    keeps its dot."""
    table = pd.DataFrame({"Jaar": [2022, 2024], "Indeling": pd.array([2020, pd.NA], dtype="Int64"),
                          "Peiljaar": [2019.0, 2020.0], "Kosten per jaar (euro)": [25000, 1500000],
                          "Inwoners": [2022, 12345]})
    html = area_data.styled(table).to_html()
    for text in ("2022", "2024", "2020", "2019", "25.000", "1.500.000", "2.022", "12.345"):
        assert f">{text}<" in html, text
    assert ">2.024<" not in html and ">2.020<" not in html and ">2.019<" not in html


def test_harmonised_view_export_and_scatter(harmonised_store: Path) -> None:
    data = storage.load(harmonised_store)
    table = area_data.area_values(data, "ervaren_gezondheid_goed", 2020, 2024, "buurt")
    view = area_data.area_view(data, table, "ervaren_gezondheid_goed", 2020, 2024, "buurt", "G4", "Bron: test")
    shown = view.table
    assert shown["Toelichting"].str.startswith("omgerekend uit indeling 2020").any()
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(view)))["Gegevens"]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any(c.startswith("omgerekend uit indeling 2020") for c in cells)
    assert not any(c in ("None", "nan", "NaN", "<NA>") for c in cells)
    csv = export.to_csv(view).decode("utf-8-sig")
    assert "omgerekend uit indeling 2020" in csv and "None" not in csv and ";nan" not in csv.lower()
    # any two indicators of one division: income 2024 against harmonised health 2020 on division 2024
    pair = area_data.pair_values(data, ("inkomen_per_inwoner", 2024), ("ervaren_gezondheid_goed", 2020), 2024,
                                 "buurt")
    assert pair["toelichting"].str.contains("y: omgerekend uit indeling 2020").any()
    figure, _stats, line = map_views.scatter_view(data, ("inkomen_per_inwoner", 2024),
                                                  ("ervaren_gezondheid_goed", 2020), 2024, "buurt", "G4")
    assert "omgerekend uit indeling 2020" in line
    assert any("omgerekend uit indeling 2020" in str(row[4]) for t in figure.data if t.customdata is not None
               for row in t.customdata)


def test_kaart_page_harmonised_health_2024(harmonised_store: Path) -> None:
    at = open_page("app_pages/kaart.py", HEALTH_2024)
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert table["Toelichting"].str.startswith("omgerekend uit indeling 2020").any()
    # hover texts of the SVG maps and of the ranked bars (a city without 2024 shapes in this store)
    hover = json.dumps([payload["tips"] for payload in svg_maps(at).values()]
                       + [json.loads(c.proto.spec) for c in at.get("plotly_chart")])
    assert "omgerekend uit indeling 2020" in hover
    assert any("omgerekend uit indeling 2020" in i.value for i in at.info)


def test_kaart_scatter_any_pair_on_2024(harmonised_store: Path) -> None:
    at = open_page("app_pages/kaart.py", {"niveau": "buurt"})
    at.session_state["kaart_tabblad"] = "Samenhang"  # the tab's content runs only when it is opened
    at.run()
    at.selectbox(key="samenhang_indeling").set_value(2024).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="samenhang_x_2024").value == "inkomen_per_inwoner|2024"
    assert at.selectbox(key="samenhang_y_2024").value == "ervaren_gezondheid_goed|2020"
    at.selectbox(key="samenhang_y_2024").set_value("eenzaam|2020").run()  # not only socio-economic x health
    at.selectbox(key="samenhang_x_2024").set_value("ervaren_gezondheid_goed|2020").run()
    assert not at.exception, at.exception
    assert any(m.label == "Gebieden" for m in at.metric)


def test_real_store_rotterdam_buurt_income_draws_a_map(real_store) -> None:
    data = storage.load(real_store.store)
    view = map_views.map_view(data, "inkomen_per_inwoner", 2024, 2024, "buurt", "GM0599", "kwantielen", 5, True)
    assert view.kind == "kaart" and len(view.panels) == 1


def test_real_store_2024_health_export_has_the_city_value(real_store) -> None:
    """Review bug: "Cijfer hele gemeente (%)" was empty for health on indeling 2024 (no 2024 gemeente figure)."""
    data = storage.load(real_store.store)
    table = area_data.area_values(data, "ervaren_gezondheid_goed", 2020, 2024, "wijk")
    assert table["stadswaarde"].notna().all()
    utrecht = table.loc[table["gemeentecode"] == "GM0344", "stadswaarde"]
    f = data.figures
    city_2020 = f[(f["code"] == "GM0344") & (f["indeling"] == 2020) & (f["jaar"] == 2020)
                  & (f["indicator"] == "ervaren_gezondheid_goed")]["waarde"].iloc[0]
    assert (utrecht == city_2020).all()
    view = area_data.area_view(data, table, "ervaren_gezondheid_goed", 2020, 2024, "wijk", "G4", "Bron: test")
    column = next(c for c in view.table.columns if c.startswith("Cijfer hele gemeente"))
    assert view.table[column].notna().all()
    csv = export.to_csv(view).decode("utf-8-sig")
    assert column in csv
