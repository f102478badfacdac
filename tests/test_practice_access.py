"""Roles on practice figures (SQLite and PostgreSQL): what each role sees, suppression, letters, uploads and undo."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kbz_data.practice import access, analysis, registry
from kbz_data.practice.access import Lettering, Viewer
from kbz_data.practice.db.repository import PracticeDb
from kbz_data.practice.errors import KbzAccessError
from kbz_data.practice.upload_checks import validate_upload
from tests.pg import db_fixture, pg_server, pg_url, url_fixture  # noqa: F401 - fixtures
from tests.test_practice_db import TODAY, csv, state

OWN, OTHER = "RTD-BLOEMHOF-1", "UTR-ONDIEP-1"
PRAKTIJK = Viewer("praktijk", "anna@bloemhof.nl", "Anna", frozenset({OWN}))
ANALIST = Viewer("analist", "ana@verzekeraar.nl", "Ana")
BEHEERDER = Viewer("beheerder", "beheer@kbz.nl", "Beheer")
ANONIEM = Viewer.anonymous()
LETTER = re.compile(r"^Praktijk [A-Z]$")
SECRET_WORDS = [c for c in registry.codes() if c != OWN] + [registry.get(c).naam for c in registry.codes() if c != OWN]


def all_text(*frames: pd.DataFrame) -> str:
    return "\n".join(frame.astype(str).to_csv() for frame in frames)


def test_a_praktijk_user_cannot_get_another_practices_figures(db: PracticeDb) -> None:
    for call in (lambda: access.measure_view(db, PRAKTIJK, "consulten", OTHER),
                 lambda: access.latest_summary_view(db, PRAKTIJK, OTHER),
                 lambda: access.own_figures_view(db, PRAKTIJK, OTHER),
                 lambda: access.funnel_view(db, PRAKTIJK, "verwijzingen_ggz", 2024, OTHER)):
        with pytest.raises(KbzAccessError, match=f"geen toegang tot de cijfers van praktijk {OTHER}"):
            call()
    frames = [access.measure_view(db, PRAKTIJK, m, OWN) for m in ("consulten", "gezinnen_miniteam",
                                                                  "pct_patienten_weet_wat_te_doen")]
    frames += [access.funnel_view(db, PRAKTIJK, "verwijzingen_ggz", 2024, OWN)[0],
               access.latest_summary_view(db, PRAKTIJK, OWN), access.own_figures_view(db, PRAKTIJK, OWN)]
    text = all_text(*frames)
    assert not [w for w in SECRET_WORDS if w in text]
    assert access.choosable(PRAKTIJK) == [OWN]


def test_own_in_full_others_anonymised_and_suppressed(db: PracticeDb) -> None:
    view = access.measure_view(db, PRAKTIJK, "gezinnen_miniteam", OWN)
    figures = db.current_figures()
    plain = analysis.measure_frame(figures, OWN, "gezinnen_miniteam")
    mine, plain_mine = view[view["rol"] == "eigen"], plain[plain["rol"] == "eigen"]
    assert mine["waarde"].tolist() == plain_mine["waarde"].tolist() and (mine["waarde"] < 10).any()
    others = view[view["rol"] == "ander"]
    assert others["praktijk"].map(lambda s: bool(LETTER.match(s))).all()
    assert others["onderdrukt"].any()
    assert others.loc[others["onderdrukt"], "waarde"].isna().all()
    assert set(others.loc[others["onderdrukt"], "weergave"]) == {"<10"}
    assert not (others.loc[~others["onderdrukt"], "waarde"] < 10).any()


@pytest.mark.parametrize("viewer", [PRAKTIJK, ANALIST, ANONIEM], ids=lambda v: v.rol)
def test_the_mean_covers_only_what_the_viewer_sees(db: PracticeDb, viewer: Viewer) -> None:
    own = None if viewer.rol == "analist" else OWN
    for measure in ("gezinnen_miniteam", "consulten_per_1000", "pct_consulten_4d"):
        view = access.measure_view(db, viewer, measure, own)
        shown = view[(view["rol"] != "gemiddelde") & view["waarde"].notna()]
        means = view[view["rol"] == "gemiddelde"].set_index("periode")["waarde"]
        expected = shown.groupby("periode")["waarde"].mean()
        pd.testing.assert_series_equal(means.sort_index(), expected.sort_index(), check_names=False)


def test_hidden_counts_leave_no_trace_in_any_view(db: PracticeDb) -> None:
    """Brute force on the two views with aggregates: change a suppressed count of another practice; what the
    praktijk user sees must not change at all (so nothing about it can be derived by subtraction)."""
    def views() -> list:
        letters = Lettering(seed=7)
        frames = [access.measure_view(db, PRAKTIJK, m, OWN, letters) for m in ("gezinnen_miniteam",
                                                                                "verwijzingen_ggz_per_1000")]
        points, limits, target = access.funnel_view(db, PRAKTIJK, "verwijzingen_ggz", 2024, OWN, letters)
        return [*frames, points, limits, target]

    quarters = [f"2024Q{q}" for q in range(1, 5)]
    db.commit(csv(*[f"{OTHER};{p};verwijzingen_ggz;1;" for p in quarters], f"{OTHER};2024Q4;gezinnen_miniteam;2;"),
              "klein.csv", user="beheer", today=TODAY)
    before = views()
    funnel_other = before[2][before[2]["onderdrukt"]]
    assert len(funnel_other) == 1 and funnel_other["verwijzingen_tekst"].tolist() == ["<10"]
    db.commit(csv(*[f"{OTHER};{p};verwijzingen_ggz;2;" for p in quarters], f"{OTHER};2024Q4;gezinnen_miniteam;8;"),
              "anders.csv", user="beheer", today=TODAY)
    after = views()
    for old, new in zip(before, after, strict=True):
        if isinstance(old, pd.DataFrame):
            pd.testing.assert_frame_equal(old, new)
        else:
            assert old == new
    # the beheerder does see the change
    letters = Lettering(seed=7)
    named = access.measure_view(db, BEHEERDER, "gezinnen_miniteam", None, letters)
    row = named[(named["praktijk"] == registry.get(OTHER).naam) & (named["periode"] == "2024Q4")]
    assert row["waarde"].tolist() == [8.0]


def test_analist_sees_every_practice_anonymised(db: PracticeDb) -> None:
    view = access.measure_view(db, ANALIST, "gezinnen_miniteam")
    assert set(view["rol"]) == {"ander", "gemiddelde"}
    assert view.loc[view["rol"] == "ander", "praktijk"].map(lambda s: bool(LETTER.match(s))).all()
    assert view["onderdrukt"].any()
    points, _limits, _target = access.funnel_view(db, ANALIST, "verwijzingen_ggz", 2024)
    assert set(points["rol"]) == {"ander"}
    assert not [w for w in [*registry.codes(), *(p.naam for p in registry.PRAKTIJKEN.values())]
                if w in all_text(view, points)]
    with pytest.raises(KbzAccessError, match="geen eigen praktijk"):
        access.measure_view(db, ANALIST, "consulten", OWN)
    assert access.choosable(ANALIST) == []


def test_beheerder_sees_all_named_and_unsuppressed(db: PracticeDb) -> None:
    view = access.measure_view(db, BEHEERDER, "gezinnen_miniteam", None)
    others = view[view["rol"] == "ander"]
    assert set(others["praktijk"]) == {p.naam for p in registry.PRAKTIJKEN.values()}
    assert not others["onderdrukt"].any() and (others["waarde"] < 10).any()
    assert access.choosable(BEHEERDER, db) == registry.codes()


def test_anonymous_sees_the_demo_set_only(db: PracticeDb) -> None:
    db.commit(csv(f"{OWN};2024Q4;consulten;7777;"), "echt.csv", user="beheer", today=TODAY)
    view = access.own_figures_view(db, ANONIEM, OWN)
    row = view[(view["Periode"] == "2024Q4") & (view["Kengetal"] == "consulten")]
    assert row["Teller"].tolist() != [7777] and row["Herkomst"].tolist() == ["demodata"]
    assert access.measure_view(db, ANONIEM, "consulten", OWN)["fictief"].all()
    assert access.history_for(db, ANONIEM).empty


def test_letters_are_drawn_per_view_not_from_the_codes() -> None:
    codes = registry.codes()
    drawn = [Lettering().labels(codes) for _ in range(30)]
    for code in codes:
        assert len({labels[code] for labels in drawn}) > 1, code
    assert Lettering(seed=3).labels(codes) == Lettering(seed=3).labels(codes)  # stable within one view
    assert sorted(drawn[0].values()) == [f"Praktijk {chr(ord('A') + i)}" for i in range(12)]


def test_uploads_and_undo_by_role(db: PracticeDb) -> None:
    for viewer in (ANALIST, ANONIEM):
        with pytest.raises(KbzAccessError):
            access.commit_for(db, viewer, csv(f"{OWN};2024Q4;consulten;7001;"), "a.csv", today=TODAY)
    before = state(db)
    with pytest.raises(KbzAccessError, match=f"alleen cijfers van uw eigen praktijk.*{OTHER}"):
        access.commit_for(db, PRAKTIJK, csv(f"{OWN};2024Q4;consulten;7001;", f"{OTHER};2024Q4;consulten;5000;"),
                          "beide.csv", today=TODAY)
    assert state(db) == before
    mine = access.commit_for(db, PRAKTIJK, csv(f"{OWN};2024Q4;consulten;7001;"), "=cmd|' -C calc'!A0.csv",
                             today=TODAY)
    theirs = access.commit_for(db, BEHEERDER, csv(f"{OTHER};2024Q4;consulten;5000;"), "ondiep.csv", today=TODAY,
                               namens="piet@ondiep.nl")
    assert (mine["gebruiker"], theirs["gebruiker"], theirs["namens"]) == (PRAKTIJK.email, BEHEERDER.email,
                                                                          "piet@ondiep.nl")
    history = access.history_for(db, PRAKTIJK)
    assert history["versie"].tolist() == [mine["versie"]]
    assert history["bestandsnaam"].tolist() == ["'=cmd|' -C calc'!A0.csv"]
    assert access.history_for(db, ANALIST).empty and len(access.history_for(db, BEHEERDER)) == 2
    with pytest.raises(KbzAccessError, match="alleen uploads van uw eigen praktijk"):
        access.undo_for(db, PRAKTIJK, theirs["versie"])
    undone = access.undo_for(db, PRAKTIJK)  # the latest of her own, not the beheerder's later one
    assert undone["versie"] == mine["versie"]
    assert db.history().set_index("versie")["status"].str[:6].to_dict() == {1: "ongeda", 2: "actief"}
    access.undo_for(db, BEHEERDER, theirs["versie"])
    audit = db.audit_log()
    assert audit[["gebruiker", "actie"]].values.tolist()[:2] == [[BEHEERDER.email, "ongedaan"],
                                                                 [PRAKTIJK.email, "ongedaan"]]


def test_preview_shows_only_practices_the_user_may_upload_for(db: PracticeDb) -> None:
    both = validate_upload(csv(f"{OWN};2024Q4;consulten;7001;", f"{OTHER};2024Q4;consulten;5000;"), "b.csv",
                           today=TODAY)
    with pytest.raises(KbzAccessError):
        access.preview_view(db, PRAKTIJK, both)
    own = validate_upload(csv(f"{OWN};2024Q4;consulten;7001;"), "a.csv", today=TODAY)
    preview = access.preview_view(db, PRAKTIJK, own)
    assert preview["praktijk_code"].tolist() == [OWN] and preview["status"].tolist() == ["gewijzigd"]
    assert len(access.preview_view(db, BEHEERDER, both)) == 2
    with pytest.raises(KbzAccessError):
        access.preview_view(db, ANALIST, own)


def test_spreadsheet_safe() -> None:
    assert [access.spreadsheet_safe(v) for v in ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "gewoon.csv", 5]] == [
        "'=1+1", "'+31", "'-2", "'@SUM(A1)", "'\tx", "gewoon.csv", 5]


def test_resolve_viewer(db: PracticeDb) -> None:
    assert access.resolve_viewer(None, False, None, "127.0.0.1") == Viewer.local()
    assert access.resolve_viewer(None, False, None, "::1").rol == "beheerder"
    for address in (None, "", "0.0.0.0", "192.168.1.5", "dashboard.example.nl"):
        assert access.resolve_viewer(None, False, "x@y.nl", address) == ANONIEM, address
    assert access.resolve_viewer(db, True, None, "127.0.0.1") == ANONIEM
    assert access.resolve_viewer(db, True, "onbekend@x.nl", "0.0.0.0") is None
    db.add_user("anna@bloemhof.nl", "Anna", "praktijk", [OWN])
    assert access.resolve_viewer(db, True, "Anna@Bloemhof.nl", "0.0.0.0") == PRAKTIJK


def test_a_small_quarter_is_not_given_away_by_the_yearly_funnel(db: PracticeDb) -> None:
    """Quarters 12, 11, 15 are shown on the measure chart; a yearly 41 in the funnel would reveal the fourth (3)."""
    def seen(q4: int) -> tuple:
        db.commit(csv(*[f"{OTHER};2024Q{q};verwijzingen_ggz;{n};" for q, n in enumerate([12, 11, 15, q4], 1)]),
                  f"q4-{q4}.csv", user="beheer", today=TODAY)
        letters = Lettering(seed=11)
        chart = access.measure_view(db, PRAKTIJK, "verwijzingen_ggz_per_1000", OWN, letters)
        return chart, *access.funnel_view(db, PRAKTIJK, "verwijzingen_ggz", 2024, OWN, letters)

    chart, points, limits, target = seen(3)
    assert (chart["teller_tekst"] == "12").any() and (points["onderdrukt"]).sum() == 1
    assert points.loc[points["onderdrukt"], "verwijzingen_tekst"].tolist() == ["<10"]
    again = seen(5)
    pd.testing.assert_frame_equal(points, again[1])
    pd.testing.assert_frame_equal(limits, again[2])
    assert target == again[3]


def test_history_table_for_the_page(db: PracticeDb) -> None:
    access.commit_for(db, PRAKTIJK, csv(f"{OWN};2024Q4;consulten;7001;"), "a.csv", today=TODAY)
    table = access.history_table_for(db, PRAKTIJK)
    assert table["sha256"].str.len().tolist() == [16]
    from kbz_data.practice import upload_store

    assert upload_store.can_undo(table)
    access.undo_for(db, PRAKTIJK)
    assert not upload_store.can_undo(access.history_table_for(db, PRAKTIJK))
