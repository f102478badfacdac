"""The build on a mini sources folder (every format) and its failure modes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kbz_data.__main__ import main
from kbz_data.errors import KbzDataError, KbzSourceError, KbzValidationError
from kbz_data.store import storage
from kbz_data.store.build import build, discover
from kbz_data.store.checks import check_figures, check_gebieden
from tests.conftest import FIXTURES


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_discover_recognises_by_content(mini_sources: Path) -> None:
    found, skipped = discover(mini_sources)
    kinds = {f.path.name: f.kind for f in found}
    assert kinds["buurten.json"] == "topojson_buurten"
    assert kinds["kwb2024_codes.csv"] == "kwb_codes_csv"
    assert kinds["kwb2024_herkomst.csv"] == "kwb_origin_csv"
    assert kinds["ses_woa_85163NED.csv"] == "ses_csv"
    assert kinds["GM0344.json"] == "woonikveilig_json"
    reasons = {Path(s["path"]).name: s["reason"] for s in skipped}
    assert "afgeleid bestand" in reasons["derived_G4_wijken.geojson"]
    assert reasons["MANIFEST.md"] == "documentatie"


def test_build_mini_store(mini_sources: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    messages: list[tuple[float, str]] = []
    report = build(mini_sources, store_dir, progress=lambda f, m: messages.append((f, m)))
    assert storage.exists(store_dir)
    assert messages[-1] == (1.0, "Klaar")
    gebieden = storage.read_gebieden(store_dir)
    figures = storage.read_indicatoren(store_dir)
    assert check_gebieden(gebieden) == [] and check_figures(figures) == []
    assert gebieden.crs.to_epsg() == 4326
    g2020 = gebieden[gebieden["indeling"] == 2020].set_index("code")
    # 2020 buurten from the TopoJSON, wijken and the gemeente dissolved from them
    assert {"BU03440101", "BU03440102", "BU03440201", "BU03440202"} <= set(g2020.index)
    assert {"WK034401", "WK034402", "GM0344"} <= set(g2020.index)
    assert g2020.loc[["WK034401", "WK034402", "GM0344"]].geometry.notna().all()
    assert "BU00030000" not in g2020.index  # not a G4 buurt
    # Names: SES-WOA (2020 division) first
    assert g2020.loc["BU03440101", "naam"] == "Welgelegen, Den Hommel"
    # Figures: source values, with priority for duplicates
    f = figures.set_index(["code", "indeling", "jaar", "indicator"])
    assert f.loc[("GM0344", 2024, 2024, "inwoners"), "bron"] == "cbs_85984NED"
    assert f.loc[("GM0344", 2024, 2024, "inwoners"), "waarde"] == 374238
    assert f.loc[("GM0344", 2024, 2024, "inkomen_per_inwoner"), "bron"] == "woonikveilig_kwb2024"
    assert f.loc[("BU03440102", 2024, 2024, "inwoners"), "waarde"] == 4200  # CBS unknown -> secondary source
    assert f.loc[("BU03440102", 2024, 2024, "inwoners"), "bron"] == "woonikveilig_kwb2024"
    assert f.loc[("WK034401", 2023, 2023, "woz_waarde"), "waarde"] == 451
    assert np.isnan(f.loc[("BU03440102", 2020, 2020, "ervaren_gezondheid_goed"), "waarde"])
    assert f.loc[("BU03440101", 2020, 2012, "ervaren_gezondheid_goed"), "waarde"] == pytest.approx(80.2)
    assert not f.index.duplicated().any()
    info = storage.read_build_info(store_dir)
    assert {Path(u["path"]).name for u in info["bestanden"]} >= {"buurten.json", "gezondheid_2020_18+.xlsx"}
    assert all(len(u["sha256"]) == 64 for u in info["bestanden"])
    assert any("meer dan één bron" in n for n in info["opmerkingen"])
    assert "Klaar in" in report.lines()[-1]
    meta = storage.read_meta(store_dir)
    assert set(figures["indicator"]) <= set(meta["indicator"])


def test_cli_build_and_validate(mini_sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_dir = tmp_path / "s"
    assert main(["build", "--sources", str(mini_sources), "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert "Gebruikte bronbestanden:" in out and "Overgeslagen:" in out
    assert main(["validate", "--store", str(store_dir)]) == 0
    assert main(["info", "--store", str(tmp_path / "leeg")]) == 1
    assert "bouw die eerst met 'python -m kbz_data build'" in capsys.readouterr().err


def _corrupt(mini: Path, name: str, content: bytes) -> None:
    target = next(mini.rglob(name))
    target.write_bytes(content)


def _truncate(mini: Path, name: str) -> None:
    target = next(mini.rglob(name))
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda m: _truncate(m, "gezondheid_2020_18+.xlsx"), KbzSourceError,
         "gezondheid_2020_18+.xlsx: geen leesbaar XLSX-bestand"),
        (lambda m: _corrupt(m, "ses_woa_85163NED.csv",
                            b'"Perioden";"Wijken en buurten";"SES-WOA/Totaalscore/Gemiddelde score (Getal)"\n'
                            b'"2019";"Utrecht";"0.1"\n'), KbzSourceError,
         "onverwachte kolommen: ontbrekend 'Regiocode (gemeente, wijk, buurt) (code)'"),
        (lambda m: _corrupt(m, "ses_woa_85163NED.csv",
                            (FIXTURES / "statline" / "ses_woa_85163NED.csv").read_bytes()
                            .replace(b'"  -0.120"', b'"laag"')),
         KbzSourceError, "kolom 'SES-WOA/Totaalscore/Gemiddelde score (Getal)' bevat 1 waarde(n) die geen getal zijn"),
        (lambda m: _corrupt(m, "ses_woa_85163NED.csv",
                            (FIXTURES / "statline" / "ses_woa_85163NED.csv").read_bytes()
                            + b'"2019";"Wijk 01 West";"WK034401  ";"1";"1";"1";"1";"0.3";"1"\r\n'),
         KbzValidationError, "dubbel: WK034401 / 2020 / 2019 / ses_woa_score komt vaker voor"),
        (lambda m: _corrupt(m, "ses_woa_85163NED.csv",
                            (FIXTURES / "statline" / "ses_woa_85163NED.csv").read_bytes()
                            .replace(b'"    12.4"', b'"   112.4"')),
         KbzValidationError, "percentage 112.4 van pct_opleiding_laag ligt niet tussen 0 en 100"),
        (lambda m: _corrupt(m, "GM0344.json",
                            b'{"schemaVersion": 1, "code": "GM0344", "demografie": {"inwoners": -5}}'),
         KbzValidationError, "negatieve waarde -5.0 voor inwoners"),
        (lambda m: _corrupt(m, "buurten.json", b'{"type":"Topology","objects":{"buurten":'), KbzSourceError,
         "buurten.json"),
    ],
    ids=["truncated-xlsx", "wrong-columns", "text-in-number", "duplicate-code", "pct-over-100", "negative-count",
         "truncated-topojson"],
)
def test_bad_source_fails_and_keeps_previous_store(mini_sources: Path, tmp_path: Path, change, error, message) -> None:
    store_dir = tmp_path / "store"
    build(mini_sources, store_dir)
    before = _digest(store_dir)
    change(mini_sources)
    with pytest.raises(error) as info:
        build(mini_sources, store_dir)
    assert message in str(info.value)
    assert _digest(store_dir) == before
    assert not [p for p in store_dir.iterdir() if p.name.startswith(".build-")]


def test_missing_sources_folder(tmp_path: Path) -> None:
    with pytest.raises(KbzDataError, match="bestaat niet"):
        build(tmp_path / "nergens", tmp_path / "store")
    (tmp_path / "leeg").mkdir()
    with pytest.raises(KbzDataError, match="geen bruikbare bronbestanden"):
        build(tmp_path / "leeg", tmp_path / "store")


def test_validation_reports_every_problem() -> None:
    frame = pd.DataFrame(
        {"code": ["GM0344", "XX1", "WK034401", "WK034401"], "indeling": [2020, 2020, 2020, 2020],
         "jaar": [2020, 2020, 2020, 2020], "indicator": ["roker", "roker", "onbekend_id", "onbekend_id"],
         "waarde": [101.0, 5.0, 1.0, 2.0], "bron": ["rivm_50090NED"] * 4}
    )
    problems = [str(p) for p in check_figures(frame)]
    assert "rij 0, kolom waarde: percentage 101.0 van roker ligt niet tussen 0 en 100" in problems
    assert "rij 1, kolom code: 'XX1' is geen CBS-code (GM0000, WK000000, BU00000000)" in problems
    assert sum("staat niet in het indicatorregister" in p for p in problems) == 2
    assert sum("dubbel" in p for p in problems) == 2
    gebieden = pd.DataFrame(
        {"code": ["WK034401", "BU03440101", "GM0344"], "naam": ["West", "", "Utrecht"],
         "niveau": ["buurt", "buurt", "gemeente"], "gemeentecode": ["GM0344", "GM0363", "GM0344"],
         "wijkcode": ["WK034401", "WK034402", None], "indeling": [2020, 2020, 2020]}
    )
    problems = [str(p) for p in check_gebieden(gebieden)]
    assert "rij 0, kolom code: 'WK034401' past niet bij niveau buurt" in problems
    assert "rij 1, kolom gemeentecode: 'GM0363' hoort niet bij code 'BU03440101'" in problems
    assert "rij 1, kolom wijkcode: 'WK034402' hoort niet bij code 'BU03440101'" in problems
    assert "rij 1, kolom naam: BU03440101 heeft geen naam" in problems


def test_store_read_missing(tmp_path: Path) -> None:
    with pytest.raises(KbzDataError, match="geen \\(volledige\\) opslag"):
        storage.read_gebieden(tmp_path)
    (tmp_path / "build.json").write_text(json.dumps({}), encoding="utf-8")
    assert not storage.exists(tmp_path)
    shutil.rmtree(tmp_path)


def test_cli_download_reports_files(tmp_path: Path, monkeypatch, capsys) -> None:
    from kbz_data.sources import download

    written = [download.DownloadResult("50090NED", tmp_path / "a.json", 12)]
    monkeypatch.setattr(download, "download_all", lambda dest: written)
    assert main(["download", "--sources", str(tmp_path)]) == 0
    assert f"50090NED: {tmp_path / 'a.json'} (12 rijen)" in capsys.readouterr().out


def test_cli_download_without_network_exits_1(tmp_path: Path, monkeypatch, capsys) -> None:
    from kbz_data.errors import KbzDownloadError
    from kbz_data.sources import download

    def fail(dest):
        raise KbzDownloadError("Geen verbinding met opendata.cbs.nl (no network connection)")

    monkeypatch.setattr(download, "download_all", fail)
    assert main(["download", "--sources", str(tmp_path)]) == 1
    assert "Fout: Geen verbinding met opendata.cbs.nl (no network connection)" in capsys.readouterr().err
