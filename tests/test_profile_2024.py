"""Wijkprofiel on the 2024 division and the Den Haag ELAN supplement (issue 11)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from kbz_data.analysis import profile
from kbz_data.charts import profile_svg
from kbz_data.store import storage
from tests.conftest import open_page
from tests.test_kaart_harmonised import _harmonise

SERIES = {2012: 70.0, 2016: 71.0, 2020: 72.0, 2022: 73.5, 2024: 74.0}
ELAN = {"elan_zorgkosten_huisarts": (180.0, 5.0), "elan_pct_laag_inkomen": (20.0, -0.5)}


def _extra_figures() -> pd.DataFrame:
    rows = [("BU03440101", 2024, jaar, "ervaren_gezondheid_goed_50150", v, "woonikveilig_50150NED")
            for jaar, v in SERIES.items()]
    for code, shift in (("WK051838", 0.0), ("WK051801", -40.0)):
        for indicator, (start, step) in ELAN.items():
            for k, jaar in enumerate(range(2009, 2023)):
                rows.append((code, 2020, jaar, indicator, start + step * k + shift * (indicator.endswith("huisarts")),
                             "elan_denhaag"))
        rows.append((code, 2020, 2022, "elan_pct_bijstand", 9.0, "elan_denhaag"))
    return pd.DataFrame(rows, columns=["code", "indeling", "jaar", "indicator", "waarde", "bron"])


@pytest.fixture
def profile_store(mini_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the mini store: harmonised 2024 buurt figures, ervaren gezondheid 2012-2024 for
    BU03440101 and two Den Haag wijken of division 2020 with ELAN figures (WK051838 is a KBZ wijk)."""
    store = tmp_path / "store"
    shutil.copytree(mini_store.store, store)
    figures, kwaliteit = _harmonise(pd.read_parquet(store / storage.INDICATOREN),
                                    pd.read_parquet(store / storage.KWALITEIT))
    figures = pd.concat([figures, _extra_figures().astype(figures.dtypes.to_dict())], ignore_index=True)
    figures.to_parquet(store / storage.INDICATOREN, index=False)
    kwaliteit.to_parquet(store / storage.KWALITEIT, index=False)
    gebieden = gpd.read_parquet(store / storage.GEBIEDEN)
    extra = gpd.GeoDataFrame({
        "code": ["GM0518", "WK051838", "WK051801"], "naam": ["Den Haag", "Laak", "Scheveningen"],
        "niveau": ["gemeente", "wijk", "wijk"], "gemeentecode": "GM0518", "wijkcode": [None, "WK051838", "WK051801"],
        "indeling": 2020, "water": False, "geometriebron": None}, geometry=[None] * 3, crs=gebieden.crs)
    extra = extra.astype({c: t for c, t in gebieden.dtypes.items() if c != "geometry" and c in extra})
    pd.concat([gebieden, extra], ignore_index=True).pipe(gpd.GeoDataFrame, crs=gebieden.crs).to_parquet(
        store / storage.GEBIEDEN, index=False)
    info = json.loads((store / storage.BUILD_INFO).read_text(encoding="utf-8"))
    info["gebouwd"] = f"{info['gebouwd']}-profile-{tmp_path.name}"
    (store / storage.BUILD_INFO).write_text(json.dumps(info), encoding="utf-8")
    monkeypatch.setenv("KBZ_STORE", str(store))
    monkeypatch.setenv("KBZ_SOURCES", str(mini_store.sources))
    yield store


def test_trend_on_2024_reaches_2024_and_profile_says_omgerekend(profile_store: Path) -> None:
    data = storage.load(profile_store)
    trend = profile.trend_table(data, "BU03440101", 2024)
    series = trend[(trend["indicator"] == "ervaren_gezondheid_goed_50150") & (trend["reeks"] == "gebied")]
    assert series["jaar"].tolist() == list(SERIES) and series["waarde"].tolist() == list(SERIES.values())
    assert trend["indicator"].iloc[0] == "ervaren_gezondheid_goed_50150"  # the longest series first
    assert set(trend["bron"]) >= {"woonikveilig_50150NED", "rivm_50090NED_omgerekend"}
    assert profile.trend_division([2020, 2023, 2024], 2024) == 2024
    assert profile.trend_division([2020, 2023, 2024], 2023) == 2020 and profile.trend_division([2023], 2023) is None
    html = profile_svg.trend_html(trend, title="t", sources=["Bron: x"], indeling=2024)
    assert ">2024</text>" in html and "2024: 74,0 %" in html and "Indeling 2024 in alle jaren" in html
    table = profile.profile_table(data, "BU03440101", 2024).set_index("indicator")
    assert table.loc["ervaren_gezondheid_goed", "toelichting"].startswith("omgerekend uit indeling 2020")
    assert table.loc["inwoners", "toelichting"] == ""
    shown = profile.display_table(table.reset_index(), "Utrecht")
    assert shown["Toelichting"].str.startswith("omgerekend uit indeling 2020").any()


def test_elan_trend_of_the_kbz_wijken(profile_store: Path) -> None:
    data = storage.load(profile_store)
    table = profile.elan_trend_table(data)
    assert set(table["code"]) == {"WK051838", "GM0518"}  # WK051801 is no KBZ wijk: only in the median
    median = table[(table["code"] == "GM0518") & (table["indicator"] == "elan_zorgkosten_huisarts")]
    assert median["jaar"].tolist() == list(range(2009, 2023))
    assert median["waarde"].iloc[0] == pytest.approx(160.0)  # median of 180 and 140
    assert (table.loc[table["code"] == "WK051838", "kbz"] != "").all()
    html = profile_svg.elan_html(table, title="t", sources=["Bron: ELAN"], highlight="WK051838")
    assert html.count('<figure class="paneel"') == 2 and html.count("<polyline") == 4  # 2 indicators x 2 lines
    assert 'stroke-width="3.5"' in html and "2009: 180,0 euro" in html and "2022: 13,5 %" in html
    assert "<p>Bron: ELAN</p>" in html and "deze wijk" in html
    elan_rows = profile.profile_table(data, "WK051838", 2020)
    elan_rows = elan_rows[elan_rows["bron"] == "elan_denhaag"]
    assert len(elan_rows) == 3 and (elan_rows["toelichting"] == profile.ELAN_NOTE).all()
    assert (elan_rows["steden"] == 1).all()
    # Elsewhere no rows of "onbekend" from a Den Haag-only source (a Rotterdam wijk showed six).
    g = data.gebieden
    wijk = g[(g["indeling"] == 2020) & (g["niveau"] == "wijk") & (g["gemeentecode"] == "GM0344")]["code"].iloc[0]
    utrecht = profile.profile_table(data, wijk, 2020)
    assert len(utrecht) and not (utrecht["bron"] == "elan_denhaag").any()
    assert not utrecht["indicator"].str.startswith("elan_").any()


def test_profile_page_2024_trend(profile_store: Path) -> None:
    at = open_page("app_pages/wijkprofiel.py", {"code": "BU03440101", "indeling": "2024"})
    assert not at.exception, at.exception
    assert any(h.value == "Gezondheid 2012 – 2024" for h in at.header)
    trend = next(m.value for m in at.markdown if 'class="kbz-trend"' in m.value)
    assert ">2024</text>" in trend and "2024: 74,0 %" in trend
    assert not at.get("plotly_chart")  # no ELAN chart outside Den Haag: the page needs no plotly.js
    assert any("omgerekend uit indeling 2020" in c.value for c in at.caption)


def test_profile_page_den_haag_wijk_shows_elan(profile_store: Path) -> None:
    at = open_page("app_pages/wijkprofiel.py", {"gemeente": "GM0518", "code": "WK051838", "indeling": "2020"})
    assert not at.exception, at.exception
    assert any("ELAN" in h.value for h in at.header)
    assert any("niet vergelijkbaar met de andere steden" in c.value for c in at.caption)
    # Drawn on the server as SVG (a plotly figure cut its title, legend and sources on a phone); no plotly.js.
    elan = next(m.value for m in at.markdown if "kbz-elan" in m.value)
    assert elan.count('<figure class="paneel"') == 2 and "Bron: ELAN/GGDH" in elan
    assert not at.get("plotly_chart")
    assert any("Samenvatting: Laag inkomen" in c.value and "naar 13,5 % (2022)" in c.value for c in at.caption)


def test_real_profile_of_a_2024_utrecht_wijk_has_city_health_values(real_store) -> None:
    """Review bug: on indeling 2024 the health rows said "geen stadscijfer" (no 2024 gemeente figure)."""
    data = storage.load(real_store.store)
    table = profile.profile_table(data, "WK034401", 2024).set_index("indicator")
    row = table.loc["ervaren_gezondheid_goed"]
    assert row["jaar"] == 2020 and row["bron"] == "rivm_50090NED_omgerekend"
    f = data.figures
    city_2020 = f[(f["code"] == "GM0344") & (f["indeling"] == 2020) & (f["jaar"] == 2020)
                  & (f["indicator"] == "ervaren_gezondheid_goed")]["waarde"].iloc[0]
    assert row["stadswaarde"] == city_2020  # Utrecht's boundary is unchanged: the 2020 value exactly
    assert row["vergelijking"] != profile.GEEN_STADSCIJFER
    health = table[table["bron"] == "rivm_50090NED_omgerekend"]
    assert len(health) == 32
    assert (health["vergelijking"] != profile.GEEN_STADSCIJFER).all()  # was 32 of 32 "geen stadscijfer"


@pytest.mark.parametrize(("years", "heading"), [
    ([2012, 2016, 2020], "Gezondheid 2012 – 2016 – 2020"),
    ([2012, 2016, 2020, 2022, 2024], "Gezondheid 2012 – 2024"),
    ([], "Gezondheid door de jaren"),
])
def test_trend_heading_names_the_years_the_trend_holds(years: list[int], heading: str) -> None:
    trend = pd.DataFrame({"jaar": [j for j in years for _ in range(2)]})
    assert profile.trend_heading(trend) == heading
    assert profile.trend_heading(None) == "Gezondheid door de jaren"


def test_real_2024_wijk_trend_ends_in_2020(real_store) -> None:
    """Review bug: the heading of a wijk's trend in indeling 2024 said "2012 – 2024" while RIVM's 2022/2024 series
    exists per buurt only: the wijk's trend ends in 2020, and so does its heading."""
    data = storage.load(real_store.store)
    trend = profile.trend_table(data, "WK034403", 2024)
    assert sorted(set(trend["jaar"])) == [2012, 2016, 2020]
    assert not (trend["bron"] == profile.TREND_BRONNEN_2024[0]).any()
    assert profile.trend_heading(trend) == "Gezondheid 2012 – 2016 – 2020"
    buurt = profile.trend_table(data, "BU03440111", 2024)  # Welgelegen, Den Hommel: RIVM 2012-2024
    assert profile.trend_heading(buurt) == "Gezondheid 2012 – 2024"
