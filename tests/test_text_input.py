"""Dutch amounts typed by a user (kbz_data.text.parse_amount): the notations people use are read, anything that
could be read in two ways is refused with a Dutch message."""

from __future__ import annotations

import pytest

from kbz_data.errors import KbzDataError
from kbz_data.text import KbzInputError, parse_amount


@pytest.mark.parametrize(("typed", "amount"), [
    ("25.000.000", 25_000_000), ("25 000 000", 25_000_000), ("25000000", 25_000_000),
    ("25.000.000,00", 25_000_000), ("€ 25.000.000", 25_000_000), ("25\u00a0000\u00a0000 euro", 25_000_000),
    ("1.234,5", 1234.5), ("0", 0), ("  7  ", 7), ("25.000", 25_000),
])
def test_accepted_notations(typed: str, amount: float) -> None:
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(("typed", "reason"), [
    ("25.000,5.0", "niet eenduidig"), ("1e7", "geen cijfer"), ("²", "geen cijfer"), ("25.5", "niet eenduidig"),
    ("1.2345", "niet eenduidig"), ("25,0,0", "niet eenduidig"), ("25.000 000", "niet eenduidig"),
    ("１２", "geen cijfer"), ("-5", "negatief"), ("", "het veld is leeg"), ("   ", "het veld is leeg"),
    ("NaN", "geen cijfer"), ("25,000,000", "niet eenduidig"),
])
def test_ambiguous_input_is_refused_in_dutch(typed: str, reason: str) -> None:
    with pytest.raises(KbzInputError, match=reason) as caught:
        parse_amount(typed)
    assert isinstance(caught.value, KbzDataError)


def test_every_example_in_a_message_is_itself_accepted() -> None:
    """A message must not suggest a notation that is then refused ("2.500.000,50" was suggested to a field of
    whole euros, which refuses cents)."""
    import re

    from kbz_data.ui.widgets import whole_amount

    for typed in ("abc", "1e9", "", "25.5", "-5"):
        for example in ("25.000.000", "1.500"):
            with pytest.raises(KbzInputError) as caught:
                whole_amount(typed, 0, None, example=example)
            message = str(caught.value)
            assert message[0].islower() or message[0].isdigit() or message.startswith(typed.strip()[:1]), message
            for shown in re.findall(r"bijvoorbeeld ([^)]*?)[).]?$", message.rstrip(".")):
                for notation in shown.split(" of "):
                    whole_amount(notation.strip(" ."), 0, None)


def test_value_summary_names_highest_lowest_and_mean() -> None:
    import pandas as pd

    from kbz_data.charts.summary import value_summary

    table = pd.DataFrame({"naam": ["Oost", "West", "Noord", "Zuid"], "waarde": [12.5, 3.25, None, 1234.0]})
    assert value_summary(table, "%") == ("Samenvatting: hoogste: 1.234,0 % (Zuid), laagste: 3,2 % (West),"
                                         " gemiddelde: 416,6 % over 3 gebieden; 1 gebied onbekend.")
    assert value_summary(table.iloc[:0], "%") == ""
    assert value_summary(table.iloc[2:3], "%") == "Samenvatting: geen bekende waarden; 1 gebied onbekend."


def test_accessibility_statement_is_linked_from_bronnen(app_store) -> None:
    from tests.conftest import open_page

    at = open_page("app_pages/bronnen.py")
    assert not at.exception
    at.switch_page("app_pages/toegankelijkheid.py").run()
    assert not at.exception
    assert at.title[0].value == "Toegankelijkheidsverklaring"
    text = " ".join(m.value for m in at.markdown)
    assert "WCAG 2.1" in text and "Wat nog niet voldoet" in " ".join(s.value for s in at.header)


def test_profile_summary_counts_the_comparisons() -> None:
    import pandas as pd

    from kbz_data.analysis import profile
    from kbz_data.charts.summary import profile_summary

    table = pd.DataFrame({"label": ["Rookt", "Eenzaam", "Inwoners", "Overgewicht"],
                          "vergelijking": [profile.SLECHTER, profile.BETER, profile.NIET_VERGELIJKBAAR,
                                           profile.SLECHTER]})
    assert profile_summary(table) == (
        "Samenvatting: van 4 indicatoren zijn er 2 slechter dan de stad, 1 beter dan de stad, 1 niet vergelijkbaar"
        " (aantal). Slechter dan de stad zijn onder meer: Rookt, Overgewicht.")
    assert profile_summary(table.iloc[:0]) == ""


def test_counts_take_the_right_number() -> None:
    from kbz_data.text import aantal

    assert aantal(1, "gebied", "gebieden") == "1 gebied"
    assert aantal(0, "gebied", "gebieden") == "0 gebieden"
    assert aantal(1234, "praktijk", "praktijken") == "1.234 praktijken"
