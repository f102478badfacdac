"""Disclosure brute force across the pages (issue 10, point 4): for each role, collect everything the pages show
about practice figures (page text, tables, metrics, the plotly figures with their hover and customdata, the tables
behind the downloads), subtract what the user knows (the own practice's figures) and fail when another practice's
count under 10 can be derived, or an anonymous letter can be tied to a practice's name or code.

The data-layer version is tests/test_practice_access.py; this one goes through the pages as a user does (AppTest,
``[auth]`` configured, ``st.user`` mocked).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kbz_data.practice import registry
from kbz_data.practice.db.repository import PracticeDb
from kbz_data.practice.schema import MEASURES
from tests.test_practice_roles import ANALIST, AUTH, OWN, PRAKTIJK, REPO

APP = str(REPO / "app.py")
PERIOD = "2024Q4"
#: A practice added on Beheer (in the database, not in the built-in registry): kept secret like the others.
NEW = "RTD-BLOEMHOF-2"
NEW_PRACTICE = {"code": NEW, "naam": "Gezondheidscentrum Bloemhof-Zuid", "gemeentecode": "GM0599",
                "kbz_gebied": "Bloemhof", "kbz_start": date(2023, 1, 1), "hoofdbuurt": "BU05991081", "lon": None,
                "lat": None}
NEW_AREAS = [{"indeling": j, "niveau": n, "code": c} for j in (2020, 2024)
             for n, c in (("wijk", "WK059910"), ("buurt", "BU05991081"))]
#: Families discussed in the miniteam in 2024Q4: the own practice 12; three others below 10 (hidden, one of them the
#: practice added on Beheer), the rest >= 10.
SMALL = {"UTR-ONDIEP-1": 3, "AMS-KBUURT-1": 7, NEW: 5}


def uploaded_counts() -> dict[str, int]:
    counts = {code: 20 + i for i, code in enumerate([*registry.codes(), NEW])}
    counts.update(SMALL)
    counts[OWN] = 12
    return counts


@pytest.fixture
def figures(practice_app_store: Path, monkeypatch: pytest.MonkeyPatch) -> PracticeDb:
    monkeypatch.setattr("kbz_data.ui.auth.server_address", lambda: "0.0.0.0")
    db = PracticeDb(store_dir=practice_app_store)
    db.add_user(PRAKTIJK, "Praktijkmanager Bloemhof", "praktijk", [OWN])
    db.add_user(ANALIST, "Analist", "analist")
    db.save_practice(NEW_PRACTICE, NEW_AREAS, by="beheerder")
    rows = "".join(f"{c};{PERIOD};gezinnen_miniteam;{n};\n" for c, n in uploaded_counts().items())
    db.commit(f"praktijk_code;periode;kengetal;teller;noemer\n{rows}".encode(), "miniteam.csv", user="beheerder")
    return db


def collect(at: AppTest, into: list[str], tables: list) -> None:
    """Everything on the page now: texts, tables (and so their downloads), metrics, figure JSON."""
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader"):
        into += [str(e.value) for e in at.get(kind)]
    for element in at.dataframe:
        tables.append(element.value)
        into.append(element.value.to_csv())
    into += [f"{m.label} {m.value} {m.help or ''}" for m in at.metric]
    for chart in at.get("plotly_chart"):
        into.append(chart.proto.spec if hasattr(chart, "proto") else str(chart))


def visit_everything(email: str) -> tuple[str, list, list]:
    texts: list[str] = []
    tables: list = []
    miniteam: list = []
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    at.run()
    at.switch_page("app_pages/praktijk.py").run()
    assert not at.exception, at.exception
    collect(at, texts, tables)
    for group in ("4D, POH-GGZ en miniteam", "Verwijzingen", "Ervaringen van patiënten en medewerkers"):
        at.radio(key="praktijk_trendgroep").set_value(group).run()
        collect(at, texts, tables)
    for measure_id in MEASURES:
        at.selectbox(key="praktijk_vergelijk_maat").set_value(measure_id).run()
        assert not at.exception, at.exception
        if PERIOD in at.selectbox(key="praktijk_vergelijk_periode").options:
            at.selectbox(key="praktijk_vergelijk_periode").set_value(PERIOD).run()
        collect(at, texts, tables)
        if measure_id == "gezinnen_miniteam":
            miniteam += [t.value for t in at.dataframe if {"Praktijk", "Periode", "Waarde", "Teller"} <= set(t.value)]
    for kind in at.selectbox(key="praktijk_funnel_kengetal").options:
        at.selectbox(key="praktijk_funnel_kengetal").set_value(kind).run()
        collect(at, texts, tables)
    for page in ("app_pages/budget.py", "app_pages/upload.py", "app_pages/beheer.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        collect(at, texts, tables)
        if page == "app_pages/budget.py":  # its tabs run only when opened: every tab is visited
            for tab in ("Praktijken", "Scenario"):
                at.session_state["budget_tabblad"] = tab
                at.run()
                assert not at.exception, at.exception
                collect(at, texts, tables)
    return "\n".join(texts), tables, miniteam


def numbers(values) -> list:  # noqa: ANN001 - plotly JSON: a list, or {"dtype", "bdata"} (base64 numpy)
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values) if isinstance(values, list) else []


def dutch(text: str) -> float | None:
    try:
        return float(str(text).replace(".", "").replace(",", "."))
    except ValueError:
        return None


@pytest.mark.parametrize("email", [PRAKTIJK, ANALIST])
def test_no_small_count_or_name_can_be_derived_across_pages(figures: PracticeDb, email: str) -> None:
    text, tables, miniteam = visit_everything(email)
    own = {OWN} if email == PRAKTIJK else set()

    # 1. No other practice by name or code, anywhere (page text, tables, figure hover and customdata).
    practices = figures.registry().practices
    assert NEW in practices and len(practices) == 13
    for code, practice in practices.items():
        if code in own:
            assert practice.naam in text
            continue
        assert code not in text, f"{email} ziet code {code}"
        assert practice.naam not in text, f"{email} ziet naam {practice.naam}"
    assert "Overige KBZ-praktijken" in text  # the budget over practices: the others only summed

    # 2. The hidden counts: every other practice's row for the miniteam in 2024Q4 shows "<10" when below 10.
    label = MEASURES["gezinnen_miniteam"].label
    assert miniteam and all(set(t["Periode"]) == {PERIOD} for t in miniteam), "geen vergelijkingstabel gevonden"
    shown_values = []
    for table in miniteam:
        others = table[~table["Praktijk"].str.contains("fictief") & ~table["Praktijk"].str.startswith("Gemiddelde")]
        shown_values += [dutch(v) for v in others["Waarde"]] + [dutch(v) for v in others["Teller"]]
        assert (others["Waarde"] == "<10").sum() == len(SMALL), table
    counts = uploaded_counts()
    hidden = {n for c, n in counts.items() if c not in own and n < 10}
    assert hidden and not hidden & {v for v in shown_values if v is not None}

    # 3. Subtraction: each mean shown covers exactly the values shown beside it (n and mean agree), so mean x n
    #    minus the shown values leaves nothing; in particular the mean for the miniteam is not over all 12.
    for table in miniteam:
        mean_rows = table[table["Praktijk"].str.startswith("Gemiddelde")]
        if mean_rows.empty:
            continue
        values = [dutch(v) for v in table.loc[~table["Praktijk"].str.startswith("Gemiddelde"), "Waarde"]]
        visible = [v for v in values if v is not None]
        mean = dutch(mean_rows["Waarde"].iloc[0])
        if mean is None or not visible:
            continue
        n = int(re.search(r"\d+", str(mean_rows["Toelichting"].iloc[0])).group(0))
        assert n == len(visible) < len(table) - 1, table  # the mean leaves out the hidden ones and says so
        assert abs(mean - sum(visible) / len(visible)) <= 0.051 + 0.001 * abs(mean), (label, table)

    # 4. Figures: no trace point of another practice carries a hidden value in its y, text or customdata.
    checked = 0
    for spec in re.findall(r'\{"data":.*', text):
        try:
            figure = json.loads(spec.splitlines()[0])
        except json.JSONDecodeError:
            continue
        for trace in figure.get("data", []):
            if trace.get("name", "").startswith(("Huisartsenpraktijk Bloemhof", "Gemiddelde")):
                continue
            if "miniteam" not in json.dumps(figure.get("layout", {})):
                continue
            checked += 1
            ys = [y for y in numbers(trace.get("y", [])) if isinstance(y, int | float)]
            assert ys or not trace.get("y"), trace
            assert not hidden & set(ys) or trace.get("name") == "<10 (onderdrukt)" and set(ys) <= {0}, trace
    assert checked, "geen grafiek van het miniteam gevonden"
