"""The committed snapshot (data/snapshot/): what it holds, that it is what the pipeline makes, and that it is stable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.affinity import translate

from kbz_data.__main__ import main
from kbz_data.store import snapshot, storage
from kbz_data.store.checks import validate_figures, validate_gebieden
from kbz_data.store.locate import SNAPSHOT_DIR


def _committed_date() -> str:
    return json.loads((SNAPSHOT_DIR / storage.BUILD_INFO).read_text(encoding="utf-8"))["momentopname"]["datum"]


def test_committed_snapshot_is_what_the_pipeline_makes(real_sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "snapshot"
    snapshot.make(real_sources, out, datum=_committed_date())
    differences = snapshot.compare(SNAPSHOT_DIR, out)
    assert differences == [], (
        "data/snapshot verschilt van wat de pijplijn uit KBZ_SOURCES maakt; ververs met"
        " 'python -m kbz_data snapshot --sources $KBZ_SOURCES':\n" + "\n".join(differences)
    )


def test_snapshot_is_complete_small_and_valid() -> None:
    assert storage.exists(SNAPSHOT_DIR)
    sizes = {p.name: p.stat().st_size for p in SNAPSHOT_DIR.iterdir()}
    assert set(sizes) == {*storage.FILES, snapshot.README}
    assert sum(sizes.values()) < 1_000_000, f"momentopname te groot: {sizes}"
    data = storage.load(SNAPSHOT_DIR)
    validate_gebieden(data.gebieden)
    validate_figures(data.figures)
    assert set(data.gebieden["gemeentecode"]) == {"GM0363", "GM0518", "GM0599", "GM0344"}
    figures = data.figures.set_index(["code", "indeling", "jaar", "indicator"])["waarde"]
    assert figures.loc[("WK034401", 2020, 2020, "ervaren_gezondheid_goed")] == pytest.approx(82.5)
    assert figures.loc[("GM0363", 2020, 2020, "ervaren_gezondheid_goed")] == pytest.approx(78.2)


def test_snapshot_build_info_names_every_file_publisher_and_licence() -> None:
    text = (SNAPSHOT_DIR / storage.BUILD_INFO).read_text(encoding="utf-8")
    info = json.loads(text)
    assert info["momentopname"]["datum"] == info["gebouwd"]
    assert len(info["bestanden"]) >= 10
    for item in info["bestanden"]:
        assert len(item["sha256"]) == 64 and item["uitgever"] != "onbekend" and item["licentie"], item
        assert not item["path"].startswith("/"), item
    assert any("CC BY 4.0" in line for line in info["licenties"])
    assert "/work/" not in text and '"/' not in text  # no absolute path of the machine that built it
    assert "seconden" not in info  # no wall clock
    readme = (SNAPSHOT_DIR / snapshot.README).read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "python -m kbz_data snapshot" in readme and "python -m kbz_data download" in readme


def test_snapshot_from_the_same_sources_gives_the_same_bytes(mini_sources: Path, tmp_path: Path) -> None:
    first = snapshot.make(mini_sources, tmp_path / "a")
    second = snapshot.make(mini_sources, tmp_path / "b")
    assert first == second
    for name in (*storage.FILES, snapshot.README):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert snapshot.compare(tmp_path / "a", tmp_path / "b") == []
    # A rebuild in place keeps the date while the input files are the same.
    again = snapshot.make(mini_sources, tmp_path / "a", datum=None)
    assert again["momentopname"]["datum"] == first["momentopname"]["datum"]


def test_snapshot_command(mini_sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "snap"
    assert main(["snapshot", "--sources", str(mini_sources), "--out", str(out), "--datum", "2026-01-02"]) == 0
    assert "Momentopname van 2026-01-02" in capsys.readouterr().out
    assert storage.read_build_info(out)["gebouwd"] == "2026-01-02"
    assert main(["info", "--store", str(out)]) == 0
    assert "momentopname van 2 januari 2026" in capsys.readouterr().out


def test_compare_names_a_figure_changed_by_hand(tmp_path: Path) -> None:
    copy = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, copy)
    figures = pd.read_parquet(copy / storage.INDICATOREN)
    row = figures.index[(figures["code"] == "WK034401") & (figures["indicator"] == "ervaren_gezondheid_goed")
                        & (figures["jaar"] == 2020)][0]
    figures.loc[row, "waarde"] = 12.3
    figures.to_parquet(copy / storage.INDICATOREN, **snapshot.PARQUET_OPTIONS)
    gebieden = gpd.read_parquet(copy / storage.GEBIEDEN)
    moved = gebieden.index[(gebieden["code"] == "BU03440111") & (gebieden["indeling"] == 2020)][0]
    gebieden.loc[moved, "geometry"] = translate(gebieden.loc[moved, "geometry"], xoff=0.001)
    gebieden.loc[gebieden["code"] == "GM0344", "naam"] = "Utreg"
    gebieden.to_parquet(copy / storage.GEBIEDEN, **snapshot.PARQUET_OPTIONS)

    text = "\n".join(snapshot.compare(SNAPSHOT_DIR, copy))
    assert ("indicatoren.parquet: kolom waarde, code/indeling/jaar/indicator ('WK034401', 2020, 2020,"
            " 'ervaren_gezondheid_goed'): 82.5 in de momentopname, 12.3 uit de pijplijn") in text
    assert "gebieden.parquet: geometrie van (2020, 'buurt', 'BU03440111') verschilt" in text
    assert "gebieden.parquet: kolom naam, indeling/niveau/code (2020, 'gemeente', 'GM0344'): 'Utrecht'" in text
    assert len(text.splitlines()) <= 10  # only what differs


def test_compare_names_missing_rows_and_files(tmp_path: Path) -> None:
    copy = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, copy)
    figures = pd.read_parquet(copy / storage.INDICATOREN)
    figures[figures["code"] != "BU03440111"].to_parquet(copy / storage.INDICATOREN, **snapshot.PARQUET_OPTIONS)
    text = "\n".join(snapshot.compare(SNAPSHOT_DIR, copy))
    assert "rijen alleen in de momentopname" in text and "BU03440111" in text
    (copy / storage.BRONNEN).unlink()
    assert snapshot.compare(SNAPSHOT_DIR, copy) == ["bronnen.parquet: ontbreekt in de pijplijn"]
