"""The demo generator: deterministic, committed output equals a fresh generation, passes the upload validator."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from kbz_data.__main__ import main
from kbz_data.practice import demo, registry
from kbz_data.practice.schema import KENGETALLEN, SURVEYS
from kbz_data.practice.upload_checks import validate_upload

FILES = (demo.FIGURES_FILE, demo.REGISTRY_FILE, demo.AREAS_FILE, demo.README_FILE)


def test_generate_is_deterministic() -> None:
    first, second = demo.generate(), demo.generate()
    pd.testing.assert_frame_equal(first, second)


def test_committed_files_equal_a_fresh_generation(tmp_path: Path) -> None:
    demo.write(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (demo.DEMO_DIR / name).read_bytes(), (
            f"data/demo/{name} wijkt af: draai 'python -m kbz_data demo' en commit het resultaat")
    assert sum((demo.DEMO_DIR / n).stat().st_size for n in FILES) < 1_000_000


def test_cli_demo_writes_and_validates(tmp_path: Path, capsys) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "doorstaat de uploadcontrole" in out
    assert (tmp_path / demo.FIGURES_FILE).read_bytes() == (demo.DEMO_DIR / demo.FIGURES_FILE).read_bytes()


def test_demo_output_passes_the_validator() -> None:
    path = demo.DEMO_DIR / demo.FIGURES_FILE
    checked = validate_upload(path.read_bytes(), path.name, today=date(2025, 1, 1))
    assert len(checked.figures) == len(demo.read())
    assert checked.notices == ["kolom 'fictief' wordt genegeerd"]


def test_demo_shape_and_fictief_flag() -> None:
    raw = pd.read_csv(demo.DEMO_DIR / demo.FIGURES_FILE, dtype=str, keep_default_na=False)
    assert set(raw["fictief"]) == {"ja"}
    figures = demo.read()
    assert figures["praktijk_code"].nunique() == 12
    assert figures["periode"].min() == "2018Q1" and figures["periode"].max() == "2024Q4"
    assert set(figures["kengetal"]) == set(KENGETALLEN)
    assert not figures.duplicated(["praktijk_code", "periode", "kengetal"]).any()
    surveys = figures[figures["kengetal"].isin(SURVEYS)]
    assert (surveys["teller"] <= surveys["noemer"]).all() and (surveys["noemer"] >= 1).all()
    counts = figures[~figures["kengetal"].isin(SURVEYS)]
    assert counts["noemer"].isna().all() and (counts["teller"] >= 0).all()
    reg = pd.read_csv(demo.DEMO_DIR / demo.REGISTRY_FILE)
    assert reg["naam"].str.endswith("(fictief)").all()
    assert "Fictieve demodata" in (demo.DEMO_DIR / demo.README_FILE).read_text(encoding="utf-8")


def test_demo_changes_after_kbz_start() -> None:
    figures = demo.read()
    wide = figures.pivot_table(index=["praktijk_code", "periode"], columns="kengetal", values="teller").reset_index()
    for code in registry.codes():
        start = registry.get(code).kbz_start
        start_period = f"{start.year}Q{(start.month - 1) // 3 + 1}"
        rows = wide[wide["praktijk_code"] == code]
        before = rows[rows["periode"] < start_period]
        after = rows[rows["periode"] >= f"{start.year + 1}Q{(start.month - 1) // 3 + 1}"]
        assert (before["consulten_4d"] == 0).all() and (before["gezinnen_miniteam"] == 0).all()
        rate = lambda r, k: (r[k] / r["ingeschreven_patienten"]).mean()  # noqa: E731
        assert rate(after, "verwijzingen_sociaal_domein") > 1.5 * rate(before, "verwijzingen_sociaal_domein"), code
        assert rate(after, "verwijzingen_ziekenhuis") < rate(before, "verwijzingen_ziekenhuis"), code
        assert 1500 < rows["ingeschreven_patienten"].min() and rows["ingeschreven_patienten"].max() < 8000
