"""Integration: the store built from the staged raw files (``$KBZ_SOURCES``) against those files.

The raw files are read here independently of the package's readers (openpyxl / csv / json), so a reader bug
cannot hide itself. Runs only when KBZ_SOURCES is set (``.ci/run`` sets it).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from kbz_data.sources import kwb, rivm, ses_woa, woonikveilig
from kbz_data.store import storage
from kbz_data.store.checks import check_figures, check_gebieden
from tests.conftest import BuiltStore, snapshot_tree

G4 = {"0363", "0518", "0599", "0344"}


def _g4(code: str) -> bool:
    return code[:2] in ("GM", "WK", "BU") and code[2:6] in G4


def _num(text: object) -> float:
    if text is None:
        return math.nan
    text = str(text).strip()
    return math.nan if text in ("", ".") else float(text)


@pytest.fixture(scope="module")
def built(real_store: BuiltStore) -> Iterator[dict]:
    """The session's real store (built once) and what the tests read from it; the module must not write to it."""
    before = snapshot_tree(real_store.store)
    figures = storage.read_indicatoren(real_store.store)
    keys = zip(*(figures[c].tolist() for c in ("code", "indeling", "jaar", "indicator")), strict=True)
    lookup = dict(zip(keys, zip(figures["waarde"].tolist(), figures["bron"].tolist(), strict=True), strict=True))
    assert len(lookup) == len(figures), "dubbele (code, indeling, jaar, indicator) in de opslag"
    yield {
        "sources": real_store.sources, "store": real_store.store, "report": real_store.report, "figures": figures,
        # (code, indeling, jaar, indicator) -> (waarde, bron): a dict, as a MultiIndex .loc per cell costs ~15 s
        "lookup": lookup,
        "gebieden": storage.read_gebieden(real_store.store),
    }
    assert snapshot_tree(real_store.store) == before, "een test schreef in de gedeelde echte opslag"


def test_store_is_valid(built: dict) -> None:
    assert check_figures(built["figures"]) == []
    assert check_gebieden(built["gebieden"]) == []


@pytest.mark.parametrize(
    ("indeling", "niveau", "expected"),
    [
        (2024, "wijk", {"GM0363": 111, "GM0518": 45, "GM0599": 22, "GM0344": 10}),
        (2020, "wijk", {"GM0363": 99, "GM0518": 44, "GM0599": 22, "GM0344": 10}),
        (2020, "buurt", {"GM0363": 479, "GM0518": 114, "GM0599": 92, "GM0344": 111}),
        # Amsterdam: the gemeente's own buurten; the others: 2020 shapes reused where the 2024 wijk is still tiled
        (2024, "buurt", {"GM0363": 518, "GM0518": 106, "GM0599": 78, "GM0344": 111}),
        (2020, "gemeente", {"GM0363": 1, "GM0518": 1, "GM0599": 1, "GM0344": 1}),
        (2024, "gemeente", {"GM0363": 1, "GM0518": 1, "GM0599": 1, "GM0344": 1}),
    ],
)
def test_geometry_counts(built: dict, indeling: int, niveau: str, expected: dict[str, int]) -> None:
    g = built["gebieden"]
    part = g[(g["indeling"] == indeling) & (g["niveau"] == niveau) & g.geometry.notna()]
    assert part.groupby("gemeentecode").size().to_dict() == expected
    assert part.geometry.is_valid.all()


def _rivm_files(sources: Path) -> list[Path]:
    return sorted(p for p in sources.rglob("*.xlsx") if not p.name.startswith("derived_")
                  and "50090" in str(p.parent))


def test_every_health_figure_equals_raw(built: dict) -> None:
    lookup = built["lookup"]
    files = _rivm_files(built["sources"])
    assert len(files) == 4
    checked = 0
    for path in files:
        book = openpyxl.load_workbook(path, read_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        names = ["Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", *rivm.FIELDS]
        index = {name: header.index(name) for name in names}
        for row in rows:
            code = str(row[index["WijkenEnBuurten"]]).strip()
            if not _g4(code):
                continue
            assert str(row[index["Marges"]]).strip() == "MW00000"
            suffix = {"20300": "", "80200": "_65plus"}[str(row[index["Leeftijd"]]).strip()]
            jaar = int(str(row[index["Perioden"]])[:4])
            for column, indicator in rivm.FIELDS.items():
                raw = _num(row[index[column]])
                waarde, bron = lookup[(code, 2020, jaar, indicator + suffix)]
                if math.isnan(raw):
                    assert math.isnan(waarde), (path.name, code, column)
                else:
                    assert waarde == pytest.approx(raw, abs=1e-9), (path.name, code, column)
                    assert bron == "rivm_50090NED"
                checked += 1
        book.close()
    # 975 G4 areas x 16 indicators x 4 files
    assert checked == 975 * len(rivm.FIELDS) * 4


def _statline_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_every_kwb2024_figure_equals_raw(built: dict) -> None:
    lookup = built["lookup"]
    folder = next(p.parent for p in built["sources"].rglob("Kerncijfers_wijken_en_buurten_2024_geslachten.csv"))
    codes = _statline_rows(folder / "Kerncijfers_wijken_en_buurten_2024_geslachten.csv")
    origin = _statline_rows(folder / "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv")
    header = codes[0]
    code_i, inw_i = header.index(kwb.CODE), header.index(kwb.INWONERS)
    age = {name: header.index(col) for col, name in kwb.AGE_SHARES.items()}
    buiten_i = origin[0].index(next(iter(kwb.ORIGIN_SHARES)))
    checked = 0
    for row, orow in zip(codes[1:], origin[1:], strict=True):  # same rows, same order
        code = row[code_i].strip()
        if not _g4(code):
            continue
        inwoners = _num(row[inw_i])
        waarde, bron = lookup[(code, 2024, 2024, "inwoners")]
        if math.isnan(inwoners):
            assert bron != "cbs_85984NED"  # unknown in CBS: only a secondary source may fill it
        else:
            assert waarde == inwoners and bron == "cbs_85984NED"
        shares = {**{name: _num(row[i]) for name, i in age.items()},
                  "pct_herkomst_buiten_europa": _num(orow[buiten_i])}
        for indicator, count in shares.items():
            waarde, bron = lookup[(code, 2024, 2024, indicator)]
            if inwoners > 0 and not math.isnan(count):
                assert waarde == pytest.approx(round(100 * count / inwoners, 1)), (code, indicator)
                assert bron == "cbs_85984NED"
        checked += 1
    assert checked == 1022


def test_every_ses_woa_figure_equals_raw(built: dict) -> None:
    lookup = built["lookup"]
    path = next(built["sources"].rglob("SES_WOA_*.csv"))
    rows = _statline_rows(path)
    header = rows[0]
    code_i = header.index(ses_woa.CODE)
    n = 0
    for row in rows[1:]:
        code = row[code_i].strip()
        for column, indicator in ses_woa.FIELDS.items():
            raw = _num(row[header.index(column)])
            stored = lookup[(code, 2020, 2019, indicator)][0]
            assert (math.isnan(raw) and math.isnan(stored)) or stored == pytest.approx(raw), (code, indicator)
        n += 1
    assert n == 579


def test_secondary_figures_equal_raw_where_used(built: dict) -> None:
    figures = built["figures"]
    used = figures[figures["bron"] == woonikveilig.BRON].set_index(["code", "indicator"])["waarde"]
    n = 0
    for path in sorted(built["sources"].rglob("GM*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items = [data] + data.get("wijken", []) + data.get("buurten", [])
        for item in items:
            for key, indicator in woonikveilig.FIELDS.items():
                if (item["code"], indicator) in used.index:
                    raw = item["demografie"].get(key)
                    stored = used.loc[(item["code"], indicator)]
                    assert (raw is None and math.isnan(stored)) or stored == pytest.approx(raw), (item["code"], key)
                    n += 1
    assert n > 5000


def test_build_report_lists_everything(built: dict) -> None:
    report = built["report"]
    kinds = [u["kind"] for u in report.used]
    assert kinds.count("rivm_50090NED_xlsx") == 4
    assert {"cbs_buurten_2019_topojson", "amsterdam_gebieden_buurten", "pdok_wijkenbuurten_2024", "ses_csv",
            "kwb_codes_csv", "kwb_origin_csv"} <= set(kinds)
    skipped = {Path(s["path"]).name for s in report.skipped}
    assert "derived_G4_buurten_2019div.geojson" in skipped
    assert {"elan_count_csv", "elan_numeric_csv"} <= set(kinds)  # the ELAN Den Haag panel is read since issue 11
    assert not any(Path(u["path"]).name.startswith("derived_") for u in report.used)


def test_health_indicators_cover_every_area_with_a_value(built: dict) -> None:
    figures = built["figures"]
    health = figures[(figures["bron"] == "rivm_50090NED") & figures["waarde"].notna()]
    assert set(health["jaar"]) == {2012, 2016, 2020}
    g = built["gebieden"]
    g2020 = set(g.loc[g["indeling"] == 2020, "code"])
    assert set(health["code"]) <= g2020
    all_rows = figures[figures["bron"] == "rivm_50090NED"]
    assert all_rows.groupby("jaar")["code"].nunique().to_dict() == {2012: 975, 2016: 975, 2020: 975}
    # Small buurten whose estimates RIVM does not publish keep rows with NaN, not 0 and not dropped.
    assert health.groupby("jaar")["code"].nunique().to_dict()[2020] > 900
