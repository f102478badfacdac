"""The printable wijk card (kbz_data.wijkkaart): printed by the system Chromium, read back with pdftotext (Debian
poppler-utils) and compared with the store; page 1 is rendered with pdftoppm to artifacts/ for a look."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from kbz_data import wijkkaart
from kbz_data.__main__ import main
from kbz_data.store import storage
from kbz_data.text import fmt_datetime, fmt_value
from tests.conftest import ARTIFACTS, CHROMIUM, BuiltStore

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext ontbreekt (Debian-pakket poppler-utils)"),
]

CODE = "WK034401"  # Utrecht, Wijk 01 West, indeling 2020
KBZ_CODE = "WK034402"  # Utrecht, Noordwest: contains KBZ area Ondiep


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def _short(value: float, eenheid: str) -> str:
    text = fmt_value(value, eenheid)
    for suffix in (" %", f" {eenheid}"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _store_values(store: Path, code: str, indeling: int) -> dict[str, str]:
    """{label (eenheid): value as printed} of every indicator of the area, read from the store files directly
    (latest reference year per indicator)."""
    figures = pd.read_parquet(store / "indicatoren.parquet")
    meta = pd.read_parquet(store / "indicatoren_meta.parquet").set_index("indicator")
    own = figures[(figures["code"] == code) & (figures["indeling"] == indeling)]
    latest = own.sort_values("jaar").groupby("indicator").tail(1)
    return {f"{meta.loc[r.indicator, 'label']} ({meta.loc[r.indicator, 'eenheid']})":
            _short(r.waarde, meta.loc[r.indicator, "eenheid"]) for r in latest.itertuples()}


def _check_values(store: Path, code: str, naam: str, tmp_path: Path) -> str:
    """Print the card of ``code`` (indeling 2020) through the CLI and compare every value with the store; returns
    the text of the PDF."""
    out = tmp_path / f"wijkkaart_{code}.pdf"
    assert main(["wijkkaart", code, "--indeling", "2020", "-o", str(out), "--store", str(store),
                 "--url", "https://kbz.example.nl"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert _pages(out) == 1
    text = _text(out)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    expected = _store_values(store, code, 2020)
    assert expected, "de opslag heeft cijfers voor deze wijk"
    for label, value in expected.items():
        row = next((line for line in lines if line.startswith(label + " ") and "|" in line), None)
        assert row is not None, (label, text)
        assert row.split(label, 1)[1].split("|")[0].strip() == value, (label, row)
    assert f"Wijkkaart {naam} ({code})" in " ".join(lines)
    assert "Utrecht" in text and "gebiedsindeling 2020" in text
    assert "Bron: RIVM/GGD'en/CBS" in text and "Peiljaar 2020" in text
    built = storage.read_build_info(store)["gebouwd"]
    assert f"Gegevensopslag gebouwd op {fmt_datetime(built)}" in " ".join(lines)
    assert f"https://kbz.example.nl/wijkprofiel?code={code}&indeling=2020" in text.replace("\n", "")
    assert "KBZ-praktijken in of bij dit gebied" in text
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(out),
                    str(ARTIFACTS / f"wijkkaart_{code}")], check=True)
    assert (ARTIFACTS / f"wijkkaart_{code}.png").stat().st_size > 10_000
    return text


def test_utrecht_wijk_card_shows_the_store_values(mini_store: BuiltStore, tmp_path: Path) -> None:
    # The mini store's only KBZ wijk (WK034402, Ondiep) has no figures; WK034401 has 18 in indeling 2020.
    text = _check_values(mini_store.store, CODE, "Wijk 01 West", tmp_path)
    assert "hoort niet bij een KBZ-gebied" in text


def test_kbz_wijk_card_names_its_kbz_area(mini_store: BuiltStore, tmp_path: Path) -> None:
    out = tmp_path / "kbz_wijk.pdf"
    assert main(["wijkkaart", KBZ_CODE, "-o", str(out), "--store", str(mini_store.store)]) == 0
    text = " ".join(_text(out).split())
    assert f"({KBZ_CODE})" in text and "bevat buurten van KBZ-gebied Ondiep" in text
    assert "UTR-ONDIEP-1" in text and "fictief" in text


def test_kbz_wijk_card_on_the_real_store(real_store: BuiltStore, tmp_path: Path) -> None:
    text = _check_values(real_store.store, KBZ_CODE, "Wijk 02 Noordwest", tmp_path)
    assert "bevat buurten van KBZ-gebied Ondiep" in " ".join(text.split())


def test_long_card_keeps_its_last_line_and_its_title(real_store: BuiltStore, tmp_path: Path) -> None:
    """Kralingse Bos (a park in Rotterdam, a long card with 34 rows and 13 trend panels): the footer's last words
    were cut off by the page ("CC BY 4 0"), and the PDF's title was "klaar"."""
    out = tmp_path / "kralingse_bos.pdf"
    assert main(["wijkkaart", "BU05990843", "--indeling", "2020", "-o", str(out),
                 "--store", str(real_store.store)]) == 0
    text = " ".join(_text(out).split())
    assert text.endswith("open data onder CC BY 4.0."), text[-200:]
    assert _pages(out) == 1
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"Title:\s+Wijkkaart Kralingse Bos \(BU05990843\)", info), info


def test_one_pdf_for_all_kbz_wijken(mini_store: BuiltStore, tmp_path: Path) -> None:
    data = storage.load(mini_store.store)
    pairs = wijkkaart.kbz_wijk_codes(data)
    assert (KBZ_CODE, 2020) in pairs
    out = tmp_path / "kbz.pdf"
    assert main(["wijkkaart", "--kbz", "-o", str(out), "--store", str(mini_store.store)]) == 0
    assert _pages(out) == len(pairs)
    text = _text(out)
    for code, _indeling in pairs:
        assert f"({code})" in text


def test_card_html_makes_no_outside_reference(mini_store: BuiltStore) -> None:
    data = storage.load(mini_store.store)
    html = wijkkaart.cards_html(data, [wijkkaart.card(data, CODE, 2020)], "http://127.0.0.1:8501")
    assert '<html lang="nl">' in html
    assert "plotly" not in html.lower()  # the charts are HTML/SVG, no plotly.js inline
    own = html
    assert "<script src" not in own and "<link" not in own and "@import" not in own and "url(" not in own
    for reference in re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', own):
        assert reference.startswith(("#", "data:")), reference


@pytest.mark.parametrize(("argv", "code"), [
    (["wijkkaart"], 2), (["wijkkaart", CODE, "--kbz"], 2), (["wijkkaart", "WK999999"], 1),
])
def test_cli_refuses_bad_requests(mini_store: BuiltStore, tmp_path: Path, argv: list[str], code: int) -> None:
    assert main([*argv, "--store", str(mini_store.store), "-o", str(tmp_path / "x.pdf")]) == code
    assert not (tmp_path / "x.pdf").exists()
