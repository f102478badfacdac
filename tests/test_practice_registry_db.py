"""The database is the source of truth for practices: a practice added or changed on Beheer is a practice
everywhere (choices, upload validation, names, comparisons with disclosure control, budget, scenario), on SQLite
and PostgreSQL. The whole path through the pages is tests/test_practice_pages_new_practice.py."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kbz_data.analysis import budget, need
from kbz_data.analysis import scenario as referrals
from kbz_data.practice import access, admin, budget_access, registry
from kbz_data.practice.access import Viewer
from kbz_data.practice.db.repository import PracticeDb
from kbz_data.practice.errors import KbzAccessError, KbzUploadError
from tests.pg import db_fixture, pg_server, pg_url, url_fixture  # noqa: F401 - fixtures
from tests.synthetic import synthetic_store

TODAY = date(2025, 1, 15)
NEW = "RTD-BLOEMHOF-2"
OWN_OLD = "RTD-BLOEMHOF-1"
FORM = {"code": NEW, "naam": "Huisartsen Bloemhof-Zuid", "gemeentecode": "GM0599", "kbz_gebied": "Bloemhof",
        "kbz_start": date(2023, 1, 1), "hoofdbuurt": "BU05991081",
        "buurten_2020": ["BU05991081"], "wijken_2020": ["WK059910"],
        "buurten_2024": ["BU05991081"], "wijken_2024": ["WK059910"]}
BEHEER = Viewer("beheerder", email="beheer@kbz.example")
NEW_USER = Viewer("praktijk", email="pm@zuid.example", praktijken=frozenset({NEW}))
OLD_USER = Viewer("praktijk", email="pm@bloemhof.example", praktijken=frozenset({OWN_OLD}))
ANALIST = Viewer("analist", email="a@verzekeraar.example")


def upload_for(code: str, patients: int = 5000, referrals_zh: int = 8) -> bytes:
    rows = [f"{code};{p};ingeschreven_patienten;{patients};\n{code};{p};consulten;{patients + 1000};\n"
            f"{code};{p};verwijzingen_ziekenhuis;{referrals_zh};\n" for p in ("2024Q3", "2024Q4")]
    return ("praktijk_code;periode;kengetal;teller;noemer\n" + "".join(rows)).encode()


@pytest.fixture
def with_new(db: PracticeDb) -> PracticeDb:
    assert admin.save_practice_for(db, BEHEER, dict(FORM)) is True
    db.add_user(NEW_USER.email, "Manager Zuid", "praktijk", [NEW], by=BEHEER.who)
    return db


def test_the_database_registry_is_seeded_from_the_built_in_one(db: PracticeDb) -> None:
    reg = db.registry()
    assert reg.codes() == registry.codes()
    pd.testing.assert_frame_equal(reg.frame(), registry.frame())
    pd.testing.assert_frame_equal(reg.gebieden_frame(), registry.gebieden_frame())
    assert db.state_token() == "leeg"
    assert access.registry_for(db, Viewer.anonymous()) is registry.BUILTIN
    assert access.registry_for(None, BEHEER) is registry.BUILTIN


def test_a_practice_added_on_beheer_is_in_the_registry_and_the_token_changes(db: PracticeDb) -> None:
    before = db.state_token()
    admin.save_practice_for(db, BEHEER, dict(FORM))
    reg = db.registry()
    assert NEW in reg and len(reg) == 13
    p = reg.get(NEW)
    assert (p.naam, p.gemeente, p.kbz_start, p.fictief) == ("Huisartsen Bloemhof-Zuid", "Rotterdam",
                                                           date(2023, 1, 1), False)
    assert p.gebieden[2024] == (("BU05991081",), ("WK059910",))
    changed = db.state_token()
    assert changed != before
    admin.save_practice_for(db, BEHEER, {**FORM, "naam": "Gezondheidscentrum Zuid", "wijken_2024": ["WK059911"]})
    reg = db.registry()
    assert reg.get(NEW).naam == "Gezondheidscentrum Zuid" and reg.get(NEW).gebieden[2024][1] == ("WK059911",)
    assert db.state_token() not in (before, changed)
    assert registry.BUILTIN.codes() == registry.codes() and NEW not in registry.BUILTIN  # built-in set untouched


def test_upload_is_validated_against_the_database_practices(with_new: PracticeDb) -> None:
    db = with_new
    checked = db.validate(upload_for(NEW), "zuid.csv", today=TODAY)
    assert set(checked.figures["praktijk_code"]) == {NEW}
    with pytest.raises(KbzUploadError) as info:
        db.validate(upload_for("RTD-NERGENS-1"), "x.csv", today=TODAY)
    assert "onbekende praktijk 'RTD-NERGENS-1'; bekende praktijkcodes: " in str(info.value.problems[0])
    assert NEW in str(info.value.problems[0])
    event = access.commit_for(db, NEW_USER, upload_for(NEW), "zuid.csv", today=TODAY)
    assert event["praktijken"] == [NEW]
    with pytest.raises(KbzAccessError):  # bound to the new practice only
        access.commit_for(db, NEW_USER, upload_for(OWN_OLD), "bloemhof.csv", today=TODAY)
    assert set(PracticeDb(db.url, timeout=5).uploaded_figures()["praktijk_code"]) == {NEW}  # another process


def test_new_practice_in_comparisons_per_role(with_new: PracticeDb) -> None:
    db = with_new
    access.commit_for(db, NEW_USER, upload_for(NEW), "zuid.csv", today=TODAY)
    assert access.choosable(NEW_USER, db) == [NEW]
    assert NEW in access.choosable(BEHEER, db)
    mine = access.measure_view(db, NEW_USER, "ingeschreven_patienten", NEW)
    own = mine[mine["rol"] == "eigen"]
    assert set(own["praktijk"]) == {"Huisartsen Bloemhof-Zuid"} and own["waarde"].tolist() == [5000.0, 5000.0]
    assert not own["fictief"].any()
    # another praktijk user sees the new practice anonymised, its small referral counts suppressed
    theirs = access.measure_view(db, OLD_USER, "verwijzingen_ziekenhuis_per_1000", OWN_OLD)
    others = theirs[(theirs["rol"] == "ander") & (theirs["periode"] == "2024Q4")]
    assert len(others) == 12 and others["praktijk"].str.fullmatch(r"Praktijk [A-L]").all()
    text = theirs.astype(str).to_csv()
    assert NEW not in text and "Zuid" not in text
    assert others["onderdrukt"].sum() >= 1 and "<10" in set(others["teller_tekst"])
    # the analist sees every practice anonymised, the new one included
    seen = access.measure_view(db, ANALIST, "consulten", None)
    assert (seen["rol"] == "ander").groupby(seen["periode"]).sum().max() == 13
    assert NEW not in seen.astype(str).to_csv() and "Zuid" not in seen.astype(str).to_csv()
    with pytest.raises(KbzAccessError):
        access.measure_view(db, OLD_USER, "consulten", NEW)
    points, _limits, _target = access.funnel_view(db, BEHEER, "verwijzingen_ziekenhuis", 2024, NEW)
    assert "Huisartsen Bloemhof-Zuid" not in set(points["praktijk"])  # two quarters only: not in the plot


def test_new_practice_in_the_budget_and_scenario(with_new: PracticeDb) -> None:
    db = with_new
    access.commit_for(db, NEW_USER, upload_for(NEW), "zuid.csv", today=TODAY)
    reg = db.registry()
    wijken = sorted({p.gebieden[2024][1][0] for p in reg.practices.values()})
    data = synthetic_store(wijken, seed=5, inhabitants=5000)
    figures = db.current_figures()
    result = budget.practice_budget(data, figures, 130_000.0, budget.DEFAULT_DECILE_WEIGHTS,
                                    need.need_defaults(2024), reg)
    frame = result.frame.set_index("code")
    assert len(frame) == 13 and frame.loc[NEW, "naam"] == "Huisartsen Bloemhof-Zuid"
    assert frame.loc[NEW, "hoofdwijk"] == "WK059910" and not frame.loc[NEW, "fictief"]
    assert round(result.frame["per_inwoner"].sum() * 100) == 13_000_000
    # without the database registry the new practice's figures are left out (the old behaviour)
    assert NEW not in set(budget.practice_budget(data, figures, 130_000.0, budget.DEFAULT_DECILE_WEIGHTS,
                                                 need.need_defaults(2024)).frame["code"])
    shown = budget_access.practice_budget_for(NEW_USER, result).frame
    assert shown["code"].tolist()[0] == NEW and shown["naam"].tolist()[1] == "Overige KBZ-praktijken (12)"
    shown = budget_access.practice_budget_for(OLD_USER, result).frame
    assert shown["naam"].tolist()[1] == "Overige KBZ-praktijken (12)" and NEW not in shown["code"].tolist()
    costs = dict(referrals.DEFAULT_REFERRAL_COSTS)
    scenario = referrals.referral_scenario(figures, costs, reg)
    assert NEW in set(scenario["praktijk_code"])
    assert set(budget_access.scenario_frame_for(NEW_USER, scenario)["praktijk_code"]) == {NEW}
