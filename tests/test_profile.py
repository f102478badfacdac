"""The area profile and the sources-and-method tables (kbz_data.analysis.profile, kbz_data.charts.profile_svg)
on a store built from the mini sources."""

from __future__ import annotations

import dataclasses
import hashlib
import math
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kbz_data.analysis import methods, profile
from kbz_data.charts import profile_svg
from kbz_data.errors import KbzDataError
from kbz_data.indicators import DOMAIN_ORDER, INDICATORS
from kbz_data.store import storage
from tests.conftest import BuiltStore
from tests.test_profile_svg import spine_rows


@pytest.fixture
def mini_data(mini_store: BuiltStore) -> storage.StoreData:
    return storage.load(mini_store.store)  # a fresh object per test from the session's mini store


def _figure(data: storage.StoreData, code: str, indeling: int, indicator: str, jaar: int) -> float:
    f = data.figures
    rows = f[(f["code"] == code) & (f["indeling"] == indeling) & (f["indicator"] == indicator) & (f["jaar"] == jaar)]
    assert len(rows) <= 1
    return float(rows["waarde"].iloc[0]) if len(rows) else math.nan


def _with_figures(data: storage.StoreData, rows: list[tuple[str, int, int, str, float]]) -> storage.StoreData:
    """A copy of the store with figures (code, indeling, jaar, indicator, waarde) replaced or added."""
    f = data.figures
    extra = pd.DataFrame(rows, columns=["code", "indeling", "jaar", "indicator", "waarde"]).astype(
        {"indeling": f["indeling"].dtype, "jaar": f["jaar"].dtype}
    )
    extra["bron"] = "rivm_50090NED"
    keys = set(zip(extra["code"], extra["indeling"], extra["jaar"], extra["indicator"], strict=True))
    keep = [k not in keys for k in zip(f["code"], f["indeling"], f["jaar"], f["indicator"], strict=True)]
    figures = pd.concat([f[keep], extra.astype(f.dtypes.to_dict())], ignore_index=True)
    return dataclasses.replace(data, figures=figures)


def test_profile_values_equal_the_store(mini_data: storage.StoreData) -> None:
    table = profile.profile_table(mini_data, "WK034401", 2020)
    assert list(table.columns) == list(profile.PROFILE_COLUMNS)
    assert len(table) > 10
    for row in table.itertuples(index=False):
        assert row.waarde == pytest.approx(_figure(mini_data, "WK034401", 2020, row.indicator, row.jaar), nan_ok=True)
        assert row.stadswaarde == pytest.approx(
            _figure(mini_data, "GM0344", 2020, row.indicator, row.jaar), nan_ok=True
        )
    health = table.set_index("indicator").loc["ervaren_gezondheid_goed"]
    assert (health["waarde"], health["stadswaarde"], health["jaar"]) == (82.0, 81.5, 2020)
    assert health["eenheid"] == "%" and health["richting"] == 1 and health["bron"] == "rivm_50090NED"


def test_profile_rows_grouped_by_domain_in_registry_order(mini_data: storage.StoreData) -> None:
    table = profile.profile_table(mini_data, "BU03440101", 2024)
    order = [DOMAIN_ORDER.index(d) for d in table["domein"]]
    assert order == sorted(order)
    registry = list(mini_data.meta["indicator"])
    for _, part in table.groupby("domein"):
        positions = [registry.index(i) for i in part["indicator"]]
        assert positions == sorted(positions)


def test_spread_over_all_areas_of_level_and_division_without_water(mini_data: storage.StoreData) -> None:
    data = _with_figures(mini_data, [
        ("BU03440201", 2020, 2020, "ervaren_gezondheid_goed", 70.0),
        ("BU03440202", 2020, 2020, "ervaren_gezondheid_goed", 75.0),
        ("BU03440102", 2020, 2020, "ervaren_gezondheid_goed", 90.0),
        ("BU03440103", 2020, 2020, "ervaren_gezondheid_goed", 10.0),  # a water area: not in the spread
        ("WK034401", 2020, 2020, "ervaren_gezondheid_goed", 1.0),  # another level: not in the spread
    ])
    assert bool(data.gebieden.set_index(["code", "indeling"]).loc[("BU03440103", 2020), "water"])
    row = profile.profile_table(data, "BU03440101", 2020).set_index("indicator").loc["ervaren_gezondheid_goed"]
    values = np.array([83.1, 70.0, 75.0, 90.0])
    assert row["n"] == 4 and row["steden"] == 1
    assert row["min"] == 70.0 and row["max"] == 90.0
    assert row["p25"] == pytest.approx(np.quantile(values, 0.25)) == pytest.approx(73.75)
    assert row["median"] == pytest.approx(79.05)
    assert row["p75"] == pytest.approx(84.825)


def test_unknown_values_stay_unknown(mini_data: storage.StoreData) -> None:
    row = profile.profile_table(mini_data, "BU03440102", 2020).set_index("indicator").loc["ervaren_gezondheid_goed"]
    assert math.isnan(row["waarde"])
    assert row["vergelijking"] == profile.ONBEKEND
    shown = profile.display_table(profile.profile_table(mini_data, "BU03440102", 2020), "Utrecht")
    health = INDICATORS["ervaren_gezondheid_goed"].label
    assert (shown.loc[shown["Indicator"] == health, "Dit gebied"] == "onbekend").all()


@pytest.mark.parametrize(
    ("waarde", "stad", "richting", "eenheid", "expected"),
    [
        (82.0, 81.5, 1, "%", profile.BETER),
        (81.0, 81.5, 1, "%", profile.SLECHTER),
        (82.0, 81.5, -1, "%", profile.SLECHTER),
        (81.0, 81.5, -1, "%", profile.BETER),
        (81.5, 81.5, -1, "%", profile.GELIJK),
        (82.0, 81.5, 0, "%", profile.HOGER),
        (81.0, 81.5, 0, "%", profile.LAGER),
        (math.nan, 81.5, 1, "%", profile.ONBEKEND),
        (82.0, math.nan, 1, "%", profile.GEEN_STADSCIJFER),
        (2680.0, 10410.0, -1, "aantal", profile.NIET_VERGELIJKBAAR),
    ],
)
def test_compare_to_city_by_direction(waarde: float, stad: float, richting: int, eenheid: str, expected: str) -> None:
    assert profile.compare_to_city(waarde, stad, richting, eenheid) == expected


def test_direction_colours_the_area_marker(mini_data: storage.StoreData) -> None:
    table = profile.profile_table(mini_data, "WK034401", 2020)
    by_id = table.set_index("indicator")
    assert by_id.loc["ervaren_gezondheid_goed", "vergelijking"] == profile.BETER  # 82.0 > 81.5, higher is better
    assert by_id.loc["overgewicht", "vergelijking"] == profile.SLECHTER  # 73.5 > 73.0, higher is worse
    assert by_id.loc["mantelzorger", "vergelijking"] == profile.HOGER  # neutral
    html = profile_svg.spine_html(table, area_name="Wijk 01 West", city_name="Utrecht", niveau="wijk",
                                  indeling=2020, sources=profile.source_lines(mini_data, table))
    colours = {label: row["marks"]["gebied"]["background"] for label, row in spine_rows(html).items()
               if "gebied" in row["marks"]}
    assert colours["Ervaren gezondheid (zeer) goed (%)"] == profile_svg.BETTER_COLOR
    assert colours["Overgewicht (%)"] == profile_svg.WORSE_COLOR
    assert colours["Mantelzorger (%)"] == profile_svg.NEUTRAL_COLOR
    notes = unescape(html.split('<div class="noten">', 1)[1])
    assert "Bron: RIVM/GGD'en/CBS, Gezondheidsmonitor" in notes and "Peiljaar 2020" in notes
    assert "modelschattingen" in notes


def test_scaled_rows_put_the_favourable_end_right() -> None:
    assert profile_svg.scaled(10.0, 0.0, 20.0, 1) == 0.5
    assert profile_svg.scaled(20.0, 0.0, 20.0, 1) == 1.0
    assert profile_svg.scaled(20.0, 0.0, 20.0, -1) == 0.0  # highest value of a "higher is worse" indicator
    assert profile_svg.scaled(5.0, 5.0, 5.0, -1) == 0.5
    assert math.isnan(profile_svg.scaled(math.nan, 0.0, 1.0, 1))


def test_divisions_are_never_mixed(mini_data: storage.StoreData) -> None:
    data = _with_figures(mini_data, [("WK034401", 2024, 2024, "ervaren_gezondheid_goed", 10.0)])
    profile_2020 = profile.profile_table(data, "WK034401", 2020).set_index("indicator")
    profile_2024 = profile.profile_table(data, "WK034401", 2024).set_index("indicator")
    assert profile_2020.loc["ervaren_gezondheid_goed", "waarde"] == 82.0
    assert profile_2024.loc["ervaren_gezondheid_goed", "waarde"] == 10.0
    assert "inwoners" not in profile_2020.index and "inwoners" in profile_2024.index
    f = data.figures
    for indeling, table in ((2020, profile_2020), (2024, profile_2024)):
        for indicator, row in table.iterrows():
            years = set(f.loc[(f["indeling"] == indeling) & (f["indicator"] == indicator), "jaar"])
            assert row["jaar"] in years
    assert profile.area_divisions(data, "WK034401") == [2020, 2023, 2024]
    assert profile.default_division(data, "WK034401") == 2020  # most known figures


def test_unknown_code_and_missing_division_raise(mini_data: storage.StoreData) -> None:
    with pytest.raises(KbzDataError, match="onbekende gebiedscode 'WK999999'.*zoekbox"):
        profile.profile_table(mini_data, "WK999999", 2020)
    with pytest.raises(KbzDataError, match="WK034402 bestaat niet in gebiedsindeling 2024; wel in indeling 2020"):
        profile.profile_table(mini_data, "WK034402", 2024)
    assert profile.area_info(mini_data, " wk034401 ", 2020)["code"] == "WK034401"


def test_water_area_has_no_rates_but_keeps_counts(mini_data: storage.StoreData) -> None:
    table = profile.profile_table(mini_data, "BU03440103", 2024).set_index("indicator")
    rates = table[table["eenheid"] != "aantal"]
    assert rates["waarde"].isna().all()
    assert (rates["vergelijking"] == profile.WATER).all()
    assert table.loc["inwoners", "waarde"] == _figure(mini_data, "BU03440103", 2024, "inwoners", 2024)
    assert profile.trend_table(mini_data, "BU03440103").empty


def test_trend_of_area_and_city(mini_data: storage.StoreData) -> None:
    trend = profile.trend_table(mini_data, "BU03440101")
    part = trend[trend["indicator"] == "ervaren_gezondheid_goed"]
    area = part[part["reeks"] == "gebied"].set_index("jaar")["waarde"]
    assert area.to_dict() == {2012: 80.2, 2016: 80.0, 2020: 83.1}
    city = part[part["reeks"] == "stad"].set_index("jaar")["waarde"]
    assert city.to_dict() == {2020: 81.5}
    assert set(trend["bron"]) == {"rivm_50090NED"}
    assert "inwoners" not in set(trend["indicator"])
    assert profile.trend_table(mini_data, "WK034401").empty  # only 2020 figures: no trend
    html = profile_svg.trend_html(trend, title="t", sources=profile.source_lines(mini_data, trend))
    assert "Peiljaren 2012, 2016, 2020" in html.split('<div class="noten">', 1)[1]


def test_area_choices(mini_data: storage.StoreData) -> None:
    choices = profile.area_choices(mini_data, "GM0344", "wijk")
    assert sorted(choices["code"]) == ["WK034401", "WK034402"]
    assert list(choices["naam"]) == sorted(choices["naam"])  # sorted by name within the gemeente
    first = choices.set_index("code").loc["WK034401"]
    assert first["indelingen"] == "2020, 2023, 2024"
    assert "Wijk 01 West" in first["keuze"] and "WK034401" in first["keuze"]
    assert profile.area_choices(mini_data, "GM0363", "wijk").empty
    with pytest.raises(KbzDataError, match="onbekende gemeente 'GM9999'"):
        profile.area_choices(mini_data, "GM9999", "wijk")


def test_kbz_membership_and_practices() -> None:
    kbz = profile.kbz_membership("BU03440222", 2020, "WK034402")
    assert kbz.iloc[0]["kbz_gebied"] == "Ondiep" and "deel van" in kbz.iloc[0]["relatie"]
    near = profile.kbz_membership("BU03440221", 2020, "WK034402")
    assert list(near["kbz_gebied"]) == ["Ondiep"] and "ligt in wijk WK034402" in near.iloc[0]["relatie"]
    assert profile.kbz_membership("BU03440101", 2020, "WK034401").empty
    practices = pd.DataFrame({"praktijk_code": ["P1", "P2"], "naam": ["Een", "Twee"], "kbz_gebied": ["X", "Y"],
                              "kbz_start": ["2020-01-01", "2021-01-01"], "fictief": [True, True]})
    served = pd.DataFrame({"praktijk_code": ["P1", "P2", "P2"], "indeling": [2020, 2024, 2020],
                           "code": ["BU03440222", "BU03440222", "WK034402"]})
    found = profile.practices_near("BU03440222", 2020, "WK034402", practices, served)
    assert dict(zip(found["praktijk_code"], found["relatie"], strict=True)) == {
        "P1": "bedient dit gebied", "P2": "bedient de wijk WK034402 waarin dit gebied ligt"}
    assert profile.practices_near("BU03440101", 2020, "WK034401", practices, served).empty
    registry = profile.practices_near("BU03440222", 2020, "WK034402")  # the project's (fictitious) registry
    assert registry["fictief"].all()


def test_kbz_lead_names_only_what_the_area_itself_is() -> None:
    """The line under a profile's title: a park in a wijk with KBZ buurten (Kralingse Bos in Crooswijk's wijk) is
    not "KBZ-gebied: Crooswijk" (it was, on the page and in the PDF)."""
    assert profile.kbz_lead(profile.kbz_membership("BU05990843", 2020, "WK059908")) == ""
    assert profile.kbz_lead(profile.kbz_membership("BU05990836", 2020, "WK059908")) == "KBZ-gebied: Crooswijk"
    assert (profile.kbz_lead(profile.kbz_membership("WK059908", 2020))
            == "bevat buurten van KBZ-gebied Crooswijk")
    assert profile.kbz_lead(profile.kbz_membership("BU03440101", 2020, "WK034401")) == ""


def test_sources_files_skipped_indicators_and_caveats(mini_data: storage.StoreData) -> None:
    sources = methods.sources_table(mini_data).set_index("Bron")
    rivm = sources.loc["rivm_50090NED"]
    assert rivm["Tabel"] == "50090NED" and rivm["Jaren"] == "2012, 2016, 2020" and rivm["Indeling"] == "2020"
    assert rivm["Licentie"] == "CC BY 4.0" and rivm["Bronvermelding"].startswith("Bron: RIVM/GGD'en/CBS")
    assert sources.loc["woonikveilig_kwb2024", "Secundair"] == "ja"
    info = mini_data.build_info
    files = methods.files_table(mini_data)
    assert list(files["SHA-256"]) == [x["sha256"] for x in info["bestanden"]]
    for row in files.itertuples(index=False):  # the checksums are those of the source files themselves
        raw = (Path(info["bronmap"]) / row.Bestand).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == row._3 and len(raw) == row.Bytes
    skipped = methods.skipped_table(mini_data)
    assert "geo/derived_G4_wijken.geojson" in set(skipped["Bestand"])
    indicators = methods.indicator_table(mini_data).set_index("Id")
    assert indicators.loc["overgewicht", "Richting"] == "hoger is slechter"
    assert indicators.loc["overgewicht", "Eenheid"] == "%" and "Modelschatting" in indicators.loc["overgewicht",
                                                                                                   "Definitie"]
    titles = [title for title, _ in methods.caveats(mini_data)]
    for needed in ("Modelschattingen", "Gebiedsindelingen", "Amsterdam: nieuwe codes sinds 2022", "Onbekend en geheim",
                   "Secundaire bron", "Kaartvormen indeling 2020", "Afronding door CBS"):
        assert needed in titles
    assert methods.build_summary(mini_data)["gebouwd"] == info["gebouwd"]


def test_real_store_profiles_keep_divisions_apart(unchanged_real_store: BuiltStore) -> None:
    """On the real files: Amsterdam's wijk of division 2020 and its recoded successor of 2024 are separate profiles."""
    data = storage.load(unchanged_real_store.store)
    assert profile.area_divisions(data, "WK036393") == [2020]
    assert profile.area_divisions(data, "WK0363TA") == [2024]
    old = profile.profile_table(data, "WK036393", 2020)
    new = profile.profile_table(data, "WK0363TA", 2024)
    assert "ervaren_gezondheid_goed" in set(old["indicator"]) and "ervaren_gezondheid_goed" in set(new["indicator"])
    # Issue 11: health on the 2024 division is the harmonised derived source, never the 2020 figure itself.
    f = data.figures
    health_2024 = f[(f["code"] == "WK0363TA") & (f["indeling"] == 2024) & (f["indicator"] == "ervaren_gezondheid_goed")]
    assert len(health_2024) and set(health_2024["bron"]) == {"rivm_50090NED_omgerekend"}
    for code, indeling, table in (("WK036393", 2020, old), ("WK0363TA", 2024, new)):
        for row in table.itertuples(index=False):
            assert row.waarde == pytest.approx(_figure(data, code, indeling, row.indicator, row.jaar), nan_ok=True) \
                or math.isnan(row.waarde)
            assert row.stadswaarde == pytest.approx(_figure(data, "GM0363", indeling, row.indicator, row.jaar),
                                                    nan_ok=True)
            assert row.n > 0 and row.min <= row.p25 <= row.median <= row.p75 <= row.max
    utrecht = profile.profile_table(data, "WK034403", 2020).set_index("indicator")
    assert utrecht.loc["ervaren_gezondheid_goed", "steden"] == 4
    assert not profile.trend_table(data, "WK034403").empty
