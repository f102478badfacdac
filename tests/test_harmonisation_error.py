"""The measured error of the harmoniser (issue 11, point 2) as the Bronnen page shows it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kbz_data.analysis import methods
from kbz_data.store import storage
from kbz_data.store.storage import StoreData
from tests.conftest import REPO, open_page
from tests.test_kaart_harmonised import harmonised_store  # noqa: F401 - a fixture used below


def _store_with_pairs(base: StoreData) -> StoreData:
    """Four 2024 buurten with a harmonised figure and a reference: errors 0.5, 1.0, 3.0 (Utrecht) and 4.0 (Den
    Haag); the first is unchanged, the others carried."""
    rows, quality = [], []
    for code, carried, ref, methode in (("BU03440101", 70.0, 70.5, "ongewijzigd"),
                                        ("BU03440102", 71.0, 72.0, "omgerekend"),
                                        ("BU03440103", 60.0, 63.0, "omgerekend"),
                                        ("BU05180101", 80.0, 76.0, "omgerekend")):
        rows += [(code, 2024, 2020, "ervaren_gezondheid_goed", carried, "rivm_50090NED_omgerekend"),
                 (code, 2024, 2020, "ervaren_gezondheid_goed_50150", ref, "woonikveilig_50150NED")]
        quality.append({"code": code, "indeling": 2024, "jaar": 2020, "indicator": "ervaren_gezondheid_goed",
                        "bron": "rivm_50090NED_omgerekend", "dekking": 1.0, "grootste_bron_aandeel": 1.0,
                        "grootste_bron_binnen": 1.0, "n_bronnen": 1, "methode": methode, "bronniveau": "buurt 2020",
                        "kwaliteit": "goed" if methode == "ongewijzigd" else "matig", "reden": ""})
    figures = pd.DataFrame(rows, columns=["code", "indeling", "jaar", "indicator", "waarde", "bron"])
    return StoreData(base.gebieden, figures, base.meta, base.bronnen, base.build_info,
                     storage.kwaliteit_frame(pd.DataFrame(quality)))


def test_error_table_per_city(mini_store) -> None:
    data = _store_with_pairs(storage.load(mini_store.store))
    tables = methods.harmonisation_error(data)
    fout = tables["fout"].set_index("Gemeente")
    assert fout.loc["Utrecht", "Buurten"] == 3 and fout.loc["Den Haag", "Buurten"] == 1
    assert fout.loc["Utrecht", "Gemiddelde absolute fout (procentpunt)"] == pytest.approx(1.5)
    assert fout.loc["Utrecht", "P90 (procentpunt)"] == pytest.approx(2.6)  # 1.0 + 0.8 * (3.0 - 1.0)
    assert fout.loc["Utrecht", "Binnen 2 punt (%)"] == pytest.approx(67.0)
    assert fout.loc["Vier steden", "Buurten"] == 4 and np.isnan(fout.loc["Amsterdam", "P90 (procentpunt)"])
    carried = tables["fout_omgerekend"].set_index("Gemeente")
    assert carried.loc["Utrecht", "Buurten"] == 2 and carried.loc["Vier steden", "Buurten"] == 3
    quality = tables["kwaliteit"].set_index(["Gemeente", "Niveau"])
    assert quality.loc[("Utrecht", "buurt"), "goed"] == 1 and quality.loc[("Utrecht", "buurt"), "matig"] == 2


def test_bronnen_page_shows_the_error(harmonised_store: Path) -> None:  # noqa: F811
    at = open_page("app_pages/bronnen.py")
    assert not at.exception, at.exception
    assert any(h.value.startswith("Gezondheid omgerekend naar gebiedsindeling 2024") for h in at.header)
    frames = [f.value for f in at.dataframe]
    assert any("Gemiddelde absolute fout (procentpunt)" in f.columns for f in frames)
    assert any({"goed", "matig", "slecht", "geen"} <= set(f.columns) for f in frames)
    assert any("Afwijkende bevolking" in m.value for m in at.markdown)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_harmonise", REPO / "benchmarks" / "bench_harmonise.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_real_store_error_equals_the_benchmark(real_store, real_sources: Path) -> None:
    """The Bronnen table from the store against the benchmark's carry from the raw files. The store also carries
    Weesp (BU0363S*, from its 2020 figures under GM0457), which the benchmark's G4 reader leaves out."""
    bench = _bench()
    from kbz_data.analysis import harmonise
    from kbz_data.sources import geometry
    from kbz_data.store import buurt_shapes

    values = bench.rivm_2020(real_sources)
    reference = bench.woonikveilig_2020(real_sources)
    buurten_2020 = geometry.read_topojson_buurten(
        real_sources / "cbs-buurten-2019-topojson-powerbi" / "buurten.json", bench.G4)
    amsterdam = geometry.read_amsterdam_buurten(
        real_sources / "amsterdam-gebieden-buurten-2022div" / "buurten.geojson")
    drawn = buurt_shapes.from_sources(real_sources)
    targets = pd.concat([amsterdam[["code", "geometry"]], drawn.shapes[["code", "geometry"]]], ignore_index=True)
    carried = harmonise.carry(values[values["code"].str.startswith("BU")],
                              harmonise.crosswalk(buurten_2020[["code", "geometry"]], targets))
    joined = carried.merge(reference, on="code").dropna(subset=["waarde", "referentie"])
    joined["fout"] = (joined["waarde"] - joined["referentie"]).abs()
    pairs = methods.harmonisation_pairs(storage.load(real_store.store))
    pairs = pairs[~pairs["code"].str.startswith("BU0363S")]
    for gm in ("GM0363", "GM0518", "GM0599", "GM0344"):
        ours = pairs.loc[pairs["gemeentecode"] == gm, "fout"]
        theirs = joined.loc["GM" + joined["code"].str[2:6] == gm, "fout"]
        assert abs(len(ours) - len(theirs)) <= 3, gm
        assert ours.mean() == pytest.approx(theirs.mean(), abs=0.05), gm
        assert ours.quantile(0.9) == pytest.approx(theirs.quantile(0.9), abs=0.1), gm
        assert (ours <= 2).mean() == pytest.approx((theirs <= 2).mean(), abs=0.03), gm
    table = methods.harmonisation_error(storage.load(real_store.store))["fout"].set_index("Gemeente")
    assert table.loc["Utrecht", "Buurten"] == 106 and table.loc["Vier steden", "Buurten"] >= 680

