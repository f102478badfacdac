"""Issue 11 in the store: harmonised health on the 2024 division, the 50150NED trend, reused buurt shapes, ELAN.

Mini tests build the mini sources (tests/conftest.py) plus a 2024 wijk polygon made here from the fixture's
2020 buurten (so WK034401 and its buurten are unchanged by construction) and the tiny ELAN files in
tests/fixtures/elan/. Integration tests read the session's real store when KBZ_SOURCES is set.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from kbz_data.errors import KbzSourceError
from kbz_data.indicators import BRON_OMGEREKEND, BRONNEN, INDICATORS
from kbz_data.sources import elan, geometry, woonikveilig
from kbz_data.store import buurt_shapes, harmonised, storage
from kbz_data.store.build import build, discover
from kbz_data.store.checks import check_kwaliteit, validate_kwaliteit
from kbz_data.store.locate import SNAPSHOT_DIR
from tests.conftest import FIXTURES

ELAN = FIXTURES / "elan"
KEY = ["code", "indeling", "jaar", "indicator"]


def _write_wijk_2024(sources: Path) -> None:
    """WK034401 (2024) as the dissolve of the fixture's 2020 buurten, in the geoinzicht GeoJSON layout."""
    buurten = geometry.read_topojson_buurten(sources / "geo" / "buurten.json", ["GM0344"])
    wijk = buurten.dissolve("wijkcode", as_index=False)[["wijkcode", "geometry"]]
    wijk = wijk.assign(wijknaam="Wijk 01 West", gemeentecode="GM0344", gemeentenaam="Utrecht")
    (sources / "geo" / "wijken_2024.geojson").write_text(wijk.to_json(), encoding="utf-8")


@pytest.fixture(scope="module")
def mini11(tmp_path_factory: pytest.TempPathFactory) -> storage.StoreData:
    """The mini sources with a 2024 wijk polygon and the ELAN fixtures, built once for this module."""
    from tests.conftest import write_mini_sources

    root = tmp_path_factory.mktemp("mini11")
    sources = write_mini_sources(root / "sources")
    _write_wijk_2024(sources)
    shutil.copytree(ELAN, sources / "elan")
    build(sources, root / "store")
    return storage.load(root / "store")


def _figure(data: storage.StoreData, code: str, indeling: int, jaar: int, indicator: str) -> pd.Series:
    f = data.figures
    rows = f[(f["code"] == code) & (f["indeling"] == indeling) & (f["jaar"] == jaar) & (f["indicator"] == indicator)]
    assert len(rows) == 1, (code, indeling, jaar, indicator, rows)
    return rows.iloc[0]


def _quality(data: storage.StoreData, code: str, jaar: int, indicator: str) -> pd.Series:
    k = data.kwaliteit
    rows = k[(k["code"] == code) & (k["indeling"] == 2024) & (k["jaar"] == jaar) & (k["indicator"] == indicator)]
    assert len(rows) == 1, (code, jaar, indicator, rows)
    return rows.iloc[0]


# --- mini: harmonised health --------------------------------------------------------------------------------


def test_unchanged_buurt_and_wijk_carry_the_2020_value_exactly(mini11: storage.StoreData) -> None:
    for jaar, indicator, expected in [(2020, "ervaren_gezondheid_goed", 83.1), (2016, "ervaren_gezondheid_goed", 80.0),
                                      (2012, "ervaren_gezondheid_goed", 80.2),
                                      (2020, "ervaren_gezondheid_goed_65plus", 60.4)]:
        row = _figure(mini11, "BU03440101", 2024, jaar, indicator)
        assert row["bron"] == BRON_OMGEREKEND
        assert row["waarde"] == _figure(mini11, "BU03440101", 2020, jaar, indicator)["waarde"] == expected
        quality = _quality(mini11, "BU03440101", jaar, indicator)
        assert (quality["methode"], quality["kwaliteit"], quality["bronniveau"]) == ("ongewijzigd", "goed",
                                                                                     "buurt 2020")
    wijk = _figure(mini11, "WK034401", 2024, 2020, "ervaren_gezondheid_goed")
    assert wijk["waarde"] == 82.0 and wijk["bron"] == BRON_OMGEREKEND
    quality = _quality(mini11, "WK034401", 2020, "ervaren_gezondheid_goed")
    assert (quality["methode"], quality["bronniveau"], quality["n_bronnen"]) == ("ongewijzigd", "wijk 2020", 1)


def test_unchanged_gemeente_carries_the_2020_value_exactly(mini11: storage.StoreData) -> None:
    f = mini11.figures
    old = f[(f["code"] == "GM0344") & (f["indeling"] == 2020) & (f["bron"] == "rivm_50090NED")]
    assert old["waarde"].notna().sum() >= 2
    for jaar, indicator in zip(old["jaar"], old["indicator"], strict=True):
        row = _figure(mini11, "GM0344", 2024, jaar, indicator)
        assert row["bron"] == BRON_OMGEREKEND
        before = _figure(mini11, "GM0344", 2020, jaar, indicator)["waarde"]
        quality = _quality(mini11, "GM0344", jaar, indicator)
        if np.isnan(before):  # no value in 2020: none in 2024 either, with a reason
            assert np.isnan(row["waarde"]) and quality["methode"] == "geen" and "GM0344" in quality["reden"]
            continue
        assert row["waarde"] == before
        assert (quality["methode"], quality["kwaliteit"], quality["bronniveau"], quality["n_bronnen"]) == (
            "ongewijzigd", "goed", "gemeente 2020", 1)
    rows = {(r["gemeente"], r["niveau"]): r for r in mini11.build_info["omgerekend"]["per_gemeente"]}
    assert rows[("Utrecht", "gemeente")]["methode_ongewijzigd"] == 1


def test_missing_stays_nan_with_a_reason(mini11: storage.StoreData) -> None:
    # the 2020 buurt has no value: NaN (never 0), methode and kwaliteit "geen", the reason names the old area
    row = _figure(mini11, "BU03440102", 2024, 2020, "ervaren_gezondheid_goed")
    assert np.isnan(row["waarde"])
    quality = _quality(mini11, "BU03440102", 2020, "ervaren_gezondheid_goed")
    assert (quality["methode"], quality["kwaliteit"]) == ("geen", "geen")
    assert "BU03440102" in quality["reden"]
    # a 2024 buurt without a 2020 code gets no shape, so no figure value, and says why
    quality = _quality(mini11, "BU03440103", 2020, "ervaren_gezondheid_goed")
    assert quality["kwaliteit"] == "geen"
    assert quality["reden"].startswith(harmonised.NO_SHAPE) and "indeling 2020" in quality["reden"]


def test_every_2024_area_has_quality_rows_and_every_figure_one_row(mini11: storage.StoreData) -> None:
    g = mini11.gebieden
    targets = set(g.loc[(g["indeling"] == 2024) & g["niveau"].isin(["gemeente", "wijk", "buurt"]), "code"])
    k = mini11.kwaliteit
    assert set(k["code"]) == targets
    assert "GM0344" in targets
    keys = k.groupby("code").size()
    assert keys.nunique() == 1  # the same (indicator, jaar) keys for every area
    assert check_kwaliteit(k, mini11.figures) == []
    derived = mini11.figures[mini11.figures["bron"] == BRON_OMGEREKEND]
    assert len(derived) == len(k)
    assert set(k["kwaliteit"]) <= {"goed", "matig", "slecht", "geen"}


def test_reused_buurt_shape_is_drawn_with_its_source(mini11: storage.StoreData) -> None:
    g = mini11.gebieden.set_index(["code", "indeling"])
    assert g.loc[("BU03440101", 2024), "geometry"] is not None
    assert g.loc[("BU03440101", 2024), "geometriebron"] == buurt_shapes.GEOMETRIEBRON
    assert g.loc[("BU03440103", 2024), "geometry"] is None  # stays a row without geometry
    assert g.loc[("WK034401", 2024), "geometriebron"] == "pdok_wijkenbuurten"


def test_build_json_counts_per_city_and_quality(mini11: storage.StoreData) -> None:
    summary = mini11.build_info["omgerekend"]
    assert summary["bron"] == BRON_OMGEREKEND
    rows = {(r["gemeente"], r["niveau"]): r for r in summary["per_gemeente"]}
    assert rows[("Utrecht", "buurt")]["gebieden"] == 3
    assert rows[("Utrecht", "buurt")]["methode_ongewijzigd"] == 1
    assert rows[("Utrecht", "buurt")]["kwaliteit_geen"] == 2
    assert rows[("Utrecht", "wijk")]["uit_wijk_2020"] == 1
    assert sum(summary["kwaliteit_alle_cijfers"].values()) == summary["cijfers"] == len(mini11.kwaliteit)
    assert sum(sum(r["cijfers_kwaliteit"].values()) for r in summary["per_gemeente"]) == summary["cijfers"]
    assert any("omgerekend naar indeling 2024" in n for n in mini11.build_info["opmerkingen"])


def test_without_2024_shapes_every_area_gets_a_reason(mini_store) -> None:
    data = storage.load(mini_store.store)
    # a gemeente with unchanged boundaries needs no shape: its 2020 value is taken by code (below)
    k = data.kwaliteit[~data.kwaliteit["code"].str.startswith("GM")]
    assert len(k) and (k["methode"] == "geen").all() and (k["kwaliteit"] == "geen").all()
    assert k["reden"].str.startswith(harmonised.NO_SHAPE).all()
    derived = data.figures[data.figures["bron"] == BRON_OMGEREKEND]
    assert derived.loc[~derived["code"].str.startswith("GM"), "waarde"].isna().all()
    gemeente = data.kwaliteit[data.kwaliteit["code"].str.startswith("GM")]
    assert set(gemeente["code"]) == {"GM0344"} and (gemeente["methode"] != "omgerekend").all()
    assert (gemeente["methode"] == "ongewijzigd").any()


# --- mini: the 50150NED trend from the woonikveilig files ---------------------------------------------------


def test_woonikveilig_health_trend(mini11: storage.StoreData) -> None:
    for jaar, expected in [(2012, 78.6), (2016, 77.5), (2020, 81.5)]:
        row = _figure(mini11, "GM0344", 2024, jaar, woonikveilig.HEALTH_INDICATOR)
        assert row["waarde"] == expected and row["bron"] == woonikveilig.BRON_HEALTH
    assert BRONNEN[woonikveilig.BRON_HEALTH].secundair and BRONNEN[woonikveilig.BRON_HEALTH].tabel == "50150NED"
    assert INDICATORS[woonikveilig.HEALTH_INDICATOR].eenheid == "%"


def _woonikveilig_with(tmp_path: Path, trend: object) -> Path:
    data = json.loads((FIXTURES / "woonikveilig" / "GM0344.json").read_text(encoding="utf-8"))
    data["gezondheid"] = {"goedErvarenGezondheid": 1, "trend": trend}
    path = tmp_path / "GM0344.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("trend", "message"),
    [
        ({"2012": 0.78, "2016": 0.77, "2020": 0.81}, "fracties"),
        ({"2019": 70.0}, "onbekend jaar ['2019']"),
        ({"2020": "81,5"}, "gezondheid.trend.2020 is geen getal"),
        ([81.5], "gezondheid zonder 'trend'"),
    ],
)
def test_woonikveilig_health_bad_inputs(tmp_path: Path, trend: object, message: str) -> None:
    with pytest.raises(KbzSourceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        woonikveilig.figures(_woonikveilig_with(tmp_path, trend))


# --- mini: ELAN ---------------------------------------------------------------------------------------------


def _raw(name: str) -> list[dict[str, str]]:
    with (ELAN / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_elan_values_equal_the_raw_csv(mini11: storage.StoreData) -> None:
    for row in _raw("df_count_ver_3.csv"):
        if not row["WKC"].startswith("WK0518"):
            continue
        for column, indicator in elan.COUNT_FIELDS.items():
            stored = _figure(mini11, row["WKC"], 2020, int(row["YEAR"]), indicator)
            raw = float(row[column])
            assert stored["bron"] == "elan_denhaag"
            if raw == 0:
                assert np.isnan(stored["waarde"])  # a 0 is a suppressed count: unknown, never 0
            else:
                assert stored["waarde"] == pytest.approx(100 * raw, rel=1e-12)
    assert _figure(mini11, "WK051828", 2020, 2020, "elan_pct_laag_inkomen")["waarde"] == pytest.approx(11.23)
    assert _figure(mini11, "WK051801", 2020, 2020, "elan_zorgkosten_huisarts")["waarde"] == 160.5
    assert np.isnan(_figure(mini11, "WK051801", 2020, 2021, "elan_zorgkosten_totaal")["waarde"])


def test_elan_is_den_haag_only_on_the_2020_division(mini11: storage.StoreData) -> None:
    rows = mini11.figures[mini11.figures["bron"] == "elan_denhaag"]
    assert set(rows["code"]) == {"WK051801", "WK051828"}
    assert set(rows["indeling"]) == {2020}
    assert "niet vergelijkbaar" in INDICATORS["elan_zorgkosten_huisarts"].definitie
    assert "CBS microdata" in BRONNEN["elan_denhaag"].bronvermelding


def test_elan_files_recognised_by_content(tmp_path: Path) -> None:
    shutil.copy(ELAN / "df_count_ver_3.csv", tmp_path / "a.csv")
    shutil.copy(ELAN / "df_numeric_ver_6.csv", tmp_path / "b.csv")
    found, _ = discover(tmp_path)
    assert {f.path.name: f.kind for f in found} == {"a.csv": "elan_count_csv", "b.csv": "elan_numeric_csv"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("WKC,YEAR,Total_Population\nWK051801,2020,10\n", "ontbreken"),
        ("WKC,GMN,Wijknaam,YEAR,Total_Population,%_Welfare_benefit_user,%_Low_Income,%_Diabetes_II_patients,"
         "%_COPD_patients\nWK051801,x,y,2020,10,1.5,0.1,0.1,0.1\n", "aandeel buiten 0-1"),
        ("WKC,GMN,Wijknaam,YEAR,Total_Population,%_Welfare_benefit_user,%_Low_Income,%_Diabetes_II_patients,"
         "%_COPD_patients\nWK051801,x,y,2020,10,abc,0.1,0.1,0.1\n", "geen getal"),
        ("WKC,gem_name,WKN,YEAR,ZVWKOSTENTOTAAL_MEAN,ZVWKHUISARTS_MEAN\nWK051801,x,y,twintig,1,2\n", "jaartallen"),
        ("a,b\n1,2\n", "geen ELAN-bestand"),
    ],
)
def test_elan_bad_inputs(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "elan.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KbzSourceError, match=message):
        elan.figures(path)


# --- validation of the quality table ------------------------------------------------------------------------


def _valid_pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    figures = pd.DataFrame({"code": ["BU03440101", "BU03440102"], "indeling": [2024, 2024], "jaar": [2020, 2020],
                            "indicator": ["roker", "roker"], "waarde": [20.0, np.nan],
                            "bron": [BRON_OMGEREKEND, BRON_OMGEREKEND]})
    kwaliteit = figures[KEY].assign(
        bron=BRON_OMGEREKEND, dekking=[1.0, 0.0], grootste_bron_aandeel=[1.0, 0.0], grootste_bron_binnen=[1.0, 0.0],
        n_bronnen=[1, 0], methode=["ongewijzigd", "geen"], bronniveau=["buurt 2020", ""], kwaliteit=["goed", "geen"],
        reden=["", "geen kaartvorm in indeling 2024"],
    )
    return storage.kwaliteit_frame(kwaliteit), figures


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda k, f: (k.iloc[:1], f), "heeft geen kwaliteitsrij"),
        (lambda k, f: (k.assign(methode=["gemiddeld", "geen"]), f), "'gemiddeld' is niet een van"),
        (lambda k, f: (k.assign(dekking=[1.2, 0.0]), f), "ligt niet tussen 0 en 1"),
        (lambda k, f: (k.assign(kwaliteit=["geen", "geen"], methode=["geen", "geen"]), f), "past niet bij waarde"),
        (lambda k, f: (k, f.iloc[:1]), "hoort bij geen cijfer"),
        (lambda k, f: (k.drop(columns="reden"), f), "kolom ontbreekt"),
    ],
)
def test_check_kwaliteit_names_each_problem(change, message: str) -> None:
    kwaliteit, figures = _valid_pair()
    assert check_kwaliteit(kwaliteit, figures) == []
    problems = check_kwaliteit(*change(kwaliteit, figures))
    assert any(message in p.reason for p in problems), problems


def test_snapshot_quality_table_is_valid() -> None:
    data = storage.load(SNAPSHOT_DIR)
    validate_kwaliteit(data.kwaliteit, data.figures)
    assert set(data.kwaliteit["bron"]) == {BRON_OMGEREKEND}


# --- integration on the real sources ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(real_store) -> storage.StoreData:
    return storage.load(real_store.store)


def test_real_unchanged_buurten_carry_exactly_the_2020_value(real: storage.StoreData) -> None:
    k, f = real.kwaliteit, real.figures.set_index(KEY)["waarde"]
    same = k[(k["methode"] == "ongewijzigd") & k["code"].str.startswith("BU")
             & ~k["code"].str.startswith("BU0363")]
    old = same.assign(indeling=2020).set_index(KEY).index
    new = same.set_index(KEY).index
    both = f.reindex(old).notna().to_numpy()
    assert both.sum() > 5000
    assert (f.reindex(new).to_numpy()[both] == f.reindex(old).to_numpy()[both]).all()
    # e.g. a Rotterdam buurt whose code and boundary did not change
    rotterdam = same[same["code"].str.startswith("BU0599") & (same["indicator"] == "ervaren_gezondheid_goed")]
    code = rotterdam["code"].iloc[0]
    assert f[(code, 2024, 2020, "ervaren_gezondheid_goed")] == f[(code, 2020, 2020, "ervaren_gezondheid_goed")]


def test_real_counts_per_city_and_every_area_covered(real: storage.StoreData) -> None:
    validate_kwaliteit(real.kwaliteit, real.figures)
    g = real.gebieden
    targets = g[(g["indeling"] == 2024) & g["niveau"].isin(["gemeente", "wijk", "buurt"])]
    assert set(real.kwaliteit["code"]) == set(targets["code"])
    rows = {(r["gemeente"], r["niveau"]): r for r in real.build_info["omgerekend"]["per_gemeente"]}
    expected = {("Amsterdam", "wijk"): 111, ("Den Haag", "wijk"): 45, ("Rotterdam", "wijk"): 22,
                ("Utrecht", "wijk"): 10, ("Amsterdam", "buurt"): 518, ("Den Haag", "buurt"): 114,
                ("Rotterdam", "buurt"): 91, ("Utrecht", "buurt"): 111, ("Amsterdam", "gemeente"): 1,
                ("Den Haag", "gemeente"): 1, ("Rotterdam", "gemeente"): 1, ("Utrecht", "gemeente"): 1}
    assert {key: row["gebieden"] for key, row in rows.items()} == expected
    for row in rows.values():
        assert sum(row[f"kwaliteit_{q}"] for q in ("goed", "matig", "slecht", "geen")) == row["gebieden"]
    assert rows[("Amsterdam", "buurt")]["met_waarde"] >= 480  # recoded in 2022: carried, not joined
    assert rows[("Utrecht", "buurt")]["met_waarde"] >= 105
    assert real.build_info["omgerekend"]["weesp_meegenomen"]
    weesp = real.kwaliteit[real.kwaliteit["code"].str.startswith("BU0363S")]
    assert (weesp["methode"] != "geen").any()


def test_real_2024_gemeente_health_equals_2020_where_unchanged(real: storage.StoreData) -> None:
    f = real.figures.set_index(KEY)
    health = real.figures[(real.figures["bron"] == "rivm_50090NED") & (real.figures["indeling"] == 2020)
                          & real.figures["code"].isin(["GM0344", "GM0518", "GM0599"])]
    assert health["indicator"].nunique() == 32 and set(health["jaar"]) == {2012, 2016, 2020}
    new = f.reindex(health.assign(indeling=2024).set_index(KEY).index)
    assert (new["bron"] == BRON_OMGEREKEND).all()
    old, carried = health["waarde"].to_numpy(), new["waarde"].to_numpy()
    same = ~np.isnan(old)
    assert same.sum() > 150 and (carried[same] == old[same]).all() and np.isnan(carried[~same]).all()
    for code in ("GM0344", "GM0518", "GM0599"):
        quality = real.kwaliteit[(real.kwaliteit["code"] == code) & (real.kwaliteit["jaar"] == 2020)
                                 & (real.kwaliteit["indicator"] == "ervaren_gezondheid_goed")].iloc[0]
        assert (quality["methode"], quality["kwaliteit"], quality["bronniveau"]) == ("ongewijzigd", "goed",
                                                                                     "gemeente 2020")


def test_real_amsterdam_2024_lies_between_amsterdam_and_weesp_2020(real: storage.StoreData,
                                                                   real_sources: Path) -> None:
    from kbz_data.sources import rivm, statline

    raw = statline.read_xlsx(real_sources / "rivm-gezondheid-wijkbuurt-50090NED" / "RIVM_gezondheid2020_18+.xlsx")
    weesp = rivm.figures(raw, "x", (harmonised.WEESP,)).figures.set_index(["code", "jaar", "indicator"])["waarde"]
    f = real.figures.set_index(KEY)["waarde"]
    checked = 0
    for indicator in real.figures.loc[real.figures["bron"] == BRON_OMGEREKEND, "indicator"].unique():
        if indicator.endswith("_65plus"):
            continue
        amsterdam = f.get(("GM0363", 2020, 2020, indicator))
        old_weesp = weesp.get((harmonised.WEESP, 2020, indicator))
        new = f[("GM0363", 2024, 2020, indicator)]
        if amsterdam is None or np.isnan(amsterdam) or old_weesp is None or np.isnan(old_weesp):
            continue
        low, high = min(amsterdam, old_weesp), max(amsterdam, old_weesp)
        assert low - 1e-9 <= new <= high + 1e-9, (indicator, amsterdam, old_weesp, new)
        # inhabitant weights: Weesp is about 2.5 % of the people, so the value stays close to Amsterdam's
        assert abs(new - amsterdam) <= 0.05 * (high - low) + 0.05 + 1e-9, (indicator, amsterdam, old_weesp, new)
        checked += 1
    assert checked >= 14
    quality = real.kwaliteit[(real.kwaliteit["code"] == "GM0363") & (real.kwaliteit["jaar"] == 2020)
                             & (real.kwaliteit["indicator"] == "ervaren_gezondheid_goed")].iloc[0]
    assert (quality["methode"], quality["bronniveau"], quality["n_bronnen"]) == ("omgerekend", "gemeente 2020", 2)
    from kbz_data.analysis import methods

    per_level = methods.harmonisation_error(real)["kwaliteit"].set_index(["Gemeente", "Niveau"])
    assert per_level.loc[("Amsterdam", "gemeente")].sum() == 64  # every indicator and year, not counted as buurt
    assert per_level.loc[("Utrecht", "gemeente"), "goed"] > 0
    weights = real.build_info["omgerekend"]["gemeente_gewichten"]
    assert weights["weging"] == "inwoners"
    estimated = weights["inwoners_2020_geschat_uit_2024"]
    assert 850_000 < estimated["GM0363"] < 960_000 and 15_000 < estimated[harmonised.WEESP] < 30_000


def test_real_rotterdam_2024_buurt_has_geometry(real: storage.StoreData) -> None:
    g = real.gebieden
    rotterdam = g[(g["indeling"] == 2024) & (g["niveau"] == "buurt") & (g["gemeentecode"] == "GM0599")]
    drawn = rotterdam[rotterdam.geometry.notna()]
    assert len(drawn) >= 70
    assert set(drawn["geometriebron"]) <= {buurt_shapes.GEOMETRIEBRON, buurt_shapes.GEOMETRIEBRON_WIJK}
    assert gpd.GeoSeries(drawn.geometry).is_valid.all()


def test_real_elan_equals_raw_csv(real: storage.StoreData, real_sources: Path) -> None:
    folder = real_sources / "elan-ggdh-wijkprofielen-denhaag"
    f = real.figures.set_index(KEY)
    with (folder / "df_count_ver_3.csv").open(encoding="utf-8") as handle:
        count = {(r["WKC"], int(r["YEAR"])): r for r in csv.DictReader(handle)}
    with (folder / "df_numeric_ver_6.csv").open(encoding="utf-8") as handle:
        numeric = {(r["WKC"], int(r["YEAR"])): r for r in csv.DictReader(handle)}
    assert f.loc[("WK051828", 2020, 2020, "elan_pct_laag_inkomen"), "waarde"] == pytest.approx(
        100 * float(count[("WK051828", 2020)]["%_Low_Income"]))
    assert f.loc[("WK051828", 2020, 2020, "elan_pct_bijstand"), "waarde"] == pytest.approx(
        100 * float(count[("WK051828", 2020)]["%_Welfare_benefit_user"]))
    assert f.loc[("WK051801", 2020, 2015, "elan_zorgkosten_huisarts"), "waarde"] == pytest.approx(
        float(numeric[("WK051801", 2015)]["ZVWKHUISARTS_MEAN"]))
    assert f.loc[("WK051844", 2020, 2019, "elan_zorgkosten_totaal"), "waarde"] == pytest.approx(
        float(numeric[("WK051844", 2019)]["ZVWKOSTENTOTAAL_MEAN"]))
    assert np.isnan(f.loc[("WK051828", 2020, 2009, "elan_pct_bijstand"), "waarde"])  # 0.0 in the file
    elan_rows = real.figures[real.figures["bron"] == "elan_denhaag"]
    assert elan_rows["code"].str.startswith("WK0518").all() and elan_rows["code"].nunique() == 44
    assert set(elan_rows["jaar"]) == set(range(2009, 2023))


def test_real_50150_agrees_with_50090_for_unchanged_buurten(real: storage.StoreData) -> None:
    f = real.figures
    old = f[(f["indicator"] == "ervaren_gezondheid_goed") & (f["jaar"] == 2020) & (f["indeling"] == 2020)]
    new = f[(f["indicator"] == woonikveilig.HEALTH_INDICATOR) & (f["jaar"] == 2020)]
    both = old.merge(new, on="code", suffixes=("_oud", "_nieuw")).dropna(subset=["waarde_oud", "waarde_nieuw"])
    both = both[both["code"].str.startswith("BU") & ~both["code"].str.startswith("BU0363")]
    diff = (both["waarde_oud"] - both["waarde_nieuw"]).abs()
    assert len(both) > 250
    assert diff.mean() < 2 and (diff <= 3).mean() > 0.9  # percentages on both sides, not fractions
    trend = f[(f["indicator"] == woonikveilig.HEALTH_INDICATOR) & f["code"].str.startswith("BU0599")]
    years = set(trend.loc[trend["waarde"].notna(), "jaar"])
    assert years == {2012, 2016, 2020, 2022, 2024}


def test_official_2024_buurt_shapes_win_over_reused_ones(tmp_path: Path) -> None:
    from tests.conftest import write_mini_sources

    sources = write_mini_sources(tmp_path / "sources")
    _write_wijk_2024(sources)
    shutil.copy(FIXTURES / "geo" / "pdok_buurten_rd.geojson", sources / "geo" / "buurten_2024.geojson")
    build(sources, tmp_path / "store")
    g = storage.read_gebieden(tmp_path / "store").set_index(["code", "indeling"])
    assert g.loc[("BU03440101", 2024), "geometriebron"] == "pdok_wijkenbuurten"
    assert g.loc[("BU03440101", 2024), "geometry"] is not None
    data = storage.load(tmp_path / "store")
    assert check_kwaliteit(data.kwaliteit, data.figures) == []
