"""Need index, similar areas and allocation rules on a small synthetic store (four cities, six wijken each)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbz_data import indicators
from kbz_data.analysis import budget as budget_rules
from kbz_data.analysis import need
from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.store.storage import StoreData
from tests.synthetic import synthetic_store

CITIES = ["0363", "0518", "0599", "0344"]


def _store(seed: int = 1, shuffle: bool = False, drop: tuple[str, str] | None = None) -> StoreData:
    codes = [f"WK{c}{i:02d}" for c in CITIES for i in range(6)]
    return synthetic_store(codes, seed=seed, inhabitants=10000, shuffle=shuffle, drop=drop)


def test_standardise() -> None:
    z = need.standardise(pd.Series([1.0, 2.0, 3.0, np.nan]))
    assert z.mean() == pytest.approx(0.0) and z.std(ddof=0) == pytest.approx(1.0)
    assert np.isnan(z.iloc[3])
    assert need.standardise(pd.Series([2.0, 2.0])).tolist() == [0.0, 0.0]


def test_index_is_weighted_mean_of_signed_z() -> None:
    data = _store()
    result = need.need_index(data, 2024, "wijk", {"inkomen_per_inwoner": 1.0, "woz_waarde": 3.0})
    expected = 0.25 * result["z_inkomen_per_inwoner"] + 0.75 * result["z_woz_waarde"]
    assert np.allclose(result["index"], expected)
    # Recomputed from the raw figures: z over all 24 wijken (population sd), signed by the registry's direction
    # (richting +1, higher is better: higher income and WOZ mean less need, so the z is negated).
    richting = indicators.meta_frame().set_index("indicator")["richting"]
    assert richting["inkomen_per_inwoner"] == 1 and richting["woz_waarde"] == 1
    signed = {}
    for indicator in ("inkomen_per_inwoner", "woz_waarde"):
        raw = data.figures[data.figures["indicator"] == indicator].set_index("code")["waarde"]
        signed[indicator] = -(raw - raw.mean()) / raw.std(ddof=0)
    by_code = result.set_index("code")
    for indicator, z in signed.items():
        assert np.allclose(by_code.loc[z.index, f"z_{indicator}"], z)
    own = (0.25 * signed["inkomen_per_inwoner"] + 0.75 * signed["woz_waarde"]).sort_values(ascending=False)
    assert np.allclose(by_code.loc[own.index, "index"], own)
    # rank 1 = highest need; deciles of 24 areas: 3, 2, 3, 2, 2, 3, 2, 3, 2, 2 areas from decile 10 down to 1
    assert by_code["rang"].sort_values().index.tolist() == own.index.tolist()
    assert by_code["rang"].sort_values().tolist() == list(range(1, 25))
    assert by_code.loc[own.index, "deciel"].tolist() == [10, 10, 10, 9, 9, 8, 8, 8, 7, 7, 6, 6, 5, 5, 5, 4, 4, 3, 3,
                                                         3, 2, 2, 1, 1]
    assert result["rang"].min() == 1 and result["rang"].max() == 24
    assert result.loc[result["rang"] <= 3, "deciel"].eq(10).all()
    assert sorted(result["deciel"].unique()) == list(range(1, 11))


def test_zero_weight_drops_input_and_bad_weights_fail() -> None:
    data = _store()
    only = need.need_index(data, 2024, "wijk", {"inkomen_per_inwoner": 1.0, "woz_waarde": 0.0})
    assert "z_woz_waarde" not in only.columns
    with pytest.raises(KbzDataError, match="gewichten moeten 0 of groter zijn"):
        need.need_index(data, 2024, "wijk", {"inkomen_per_inwoner": -1.0})
    with pytest.raises(KbzDataError, match="alle gewichten zijn 0"):
        need.need_index(data, 2024, "wijk", {"inkomen_per_inwoner": 0.0})


def test_missing_input_is_flagged_not_scored() -> None:
    data = _store(drop=("WK051803", "woz_waarde"))
    result = need.need_index(data, 2024, "wijk").set_index("code")
    assert result.loc["WK051803", "ontbrekend"] == "woz_waarde"
    assert np.isnan(result.loc["WK051803", "index"])
    assert pd.isna(result.loc["WK051803", "rang"]) and pd.isna(result.loc["WK051803", "deciel"])
    assert result["rang"].max() == 23


def test_rank_order_invariant_to_row_order() -> None:
    a = need.need_index(_store(), 2024, "wijk").set_index("code")
    b = need.need_index(_store(shuffle=True), 2024, "wijk").set_index("code").loc[a.index]
    assert a["rang"].tolist() == b["rang"].tolist()
    assert np.allclose(a["index"], b["index"])


def test_similar_areas_come_from_other_cities() -> None:
    data = _store()
    result = need.similar_areas(data, "WK036302", 2024, "wijk", n=5)
    assert len(result) == 5
    assert (result["gemeente"] != GEMEENTEN["GM0363"]).all()
    assert result["afstand"].is_monotonic_increasing and (result["afstand"] > 0).all()
    # Its own nearest neighbour at distance 0: a twin with identical inputs in another city is found first.
    twin = data.figures.copy()
    source = twin[twin["code"] == "WK036302"].set_index("indicator")["waarde"]
    for indicator, value in source.items():
        twin.loc[(twin["code"] == "WK059905") & (twin["indicator"] == indicator), "waarde"] = value
    twinned = StoreData(data.gebieden, twin, data.meta, data.bronnen, data.build_info)
    first = need.similar_areas(twinned, "WK036302", 2024, "wijk").iloc[0]
    assert first["code"] == "WK059905" and first["afstand"] == pytest.approx(0.0)
    with pytest.raises(KbzDataError, match="bestaat niet"):
        need.similar_areas(data, "WK999999", 2024, "wijk")


def test_split_cents_exact() -> None:
    cents = budget_rules.split_cents(100.0, [1, 1, 1])
    assert cents.tolist() == [3334, 3333, 3333] and cents.sum() == 10000
    with pytest.raises(KbzDataError, match="som boven 0"):
        budget_rules.split_cents(10.0, [0, 0])
    with pytest.raises(KbzDataError, match="0 of groter"):
        budget_rules.split_cents(-1.0, [1])


def _allocation(budget: float, decile_weights: dict[int, float], kbz_weight: float = 2.0) -> pd.DataFrame:
    data = _store()
    index = need.need_index(data, 2024, "wijk")
    index.loc[index["code"] == "WK059901", "kbz"] = "Crooswijk"
    population = data.figures[data.figures["indicator"] == "inwoners"].set_index("code")["waarde"]
    return budget_rules.allocate(index, population, budget, decile_weights, kbz_weight)


def test_allocation_rules() -> None:
    frame = _allocation(1_000_000.01, {d: 1.0 + d / 10 for d in range(1, 11)})
    for rule in ("per_inwoner", "naar_behoefte", "kbz"):
        assert round(frame[rule].sum() * 100) == 100_000_001  # to the cent
    share = frame["inwoners"] / frame["inwoners"].sum()
    assert np.allclose(frame["per_inwoner"], share * 1_000_000.01, atol=0.01)
    kbz_row = frame.set_index("code").loc["WK059901"]
    assert kbz_row["kbz"] > kbz_row["per_inwoner"]
    flat = budget_rules.concentration(frame, "per_inwoner")
    weighted = budget_rules.concentration(frame, "naar_behoefte")
    assert flat["aandeel_armste_20pct"] == pytest.approx(0.2, abs=1e-6)
    assert abs(flat["concentratie_index"]) < 1e-6
    assert weighted["aandeel_armste_20pct"] > 0.2 and weighted["concentratie_index"] > 0


@settings(max_examples=30, deadline=None)
@given(st.floats(1.0, 5.0), st.floats(0.0, 5.0))
def test_raising_top_decile_weight_never_lowers_its_amount(low: float, extra: float) -> None:
    weights = {d: 1.0 for d in range(1, 11)}
    weights[10] = low
    before = _allocation(500_000.0, weights)
    weights[10] = low + extra
    after = _allocation(500_000.0, weights)
    top = before["deciel"] == 10
    assert after.loc[top, "naar_behoefte"].sum() >= before.loc[top, "naar_behoefte"].sum() - 1e-9


def test_owner_occupied_share_counts_as_less_need() -> None:
    # pct_koopwoningen is neutral in the registry; in the need index a higher share means less need
    data = _store()
    assert need.need_sign(data, "pct_koopwoningen") == -1.0
    assert need.need_sign(data, "inkomen_per_inwoner") == -1.0
    result = need.need_index(data, 2024, "wijk", {"pct_koopwoningen": 1.0}).set_index("code")
    share = data.figures[data.figures["indicator"] == "pct_koopwoningen"].set_index("code")["waarde"]
    assert result.loc[share.idxmax(), "rang"] == len(result) and result.loc[share.idxmin(), "rang"] == 1
