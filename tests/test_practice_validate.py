"""Upload validation: what Dutch offices produce is accepted; every bad upload gets its exact message and leaves
the store byte-for-byte unchanged."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kbz_data.errors import KbzDataError
from kbz_data.practice import upload_store
from kbz_data.practice.errors import KbzUploadError
from kbz_data.practice.validate import MAX_BYTES, validate_upload
from tests.conftest import FIXTURES, snapshot_tree

PRACTICE = FIXTURES / "practice"
TODAY = date(2025, 1, 15)  # current quarter 2025Q1
HEADER = "praktijk_code;periode;kengetal;teller;noemer\n"
CODES = ("AMS-BANNE-1, AMS-FBUURT-1, AMS-KBUURT-1, AMS-REIGERSBOS-1, DHG-LAAKKWARTIER-1, DHG-SPOORWIJK-1,"
         " RTD-BEVERWAARD-1, RTD-BLOEMHOF-1, RTD-CROOSWIJK-1, RTD-NIEUWEWESTEN-1, UTR-KANALENEILAND-1, UTR-ONDIEP-1")
KENGETALLEN = ("ingeschreven_patienten, consulten, consulten_lang, consulten_4d, poh_ggz_contacten,"
               " verwijzingen_ziekenhuis, verwijzingen_ggz, verwijzingen_sociaal_domein, gezinnen_miniteam,"
               " patienten_begrijpt_klacht_beter, patienten_weet_wat_te_doen, medewerkers_meer_werkplezier,"
               " medewerkers_minder_werkdruk")


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    other = book.create_sheet("tweede")
    other.append(["bsn"])  # only the first sheet counts
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


# --- accepted ---------------------------------------------------------------------------------------------------

def test_semicolon_bom_decimal_comma_thousands_and_loose_spelling() -> None:
    data = (PRACTICE / "puntkomma_bom_decimale_komma.csv").read_bytes()
    checked = validate_upload(data, "cijfers.csv", today=TODAY)
    got = {(r.praktijk_code, r.periode, r.kengetal): (r.teller, r.noemer) for r in checked.figures.itertuples()}
    assert got[("RTD-BLOEMHOF-1", "2024Q4", "ingeschreven_patienten")][0] == 4512
    assert got[("RTD-BLOEMHOF-1", "2024Q4", "consulten")][0] == 6701
    assert got[("RTD-BLOEMHOF-1", "2024Q4", "patienten_begrijpt_klacht_beter")] == (31, 40)
    assert got[("RTD-BLOEMHOF-1", "2024Q3", "verwijzingen_ziekenhuis")][0] == 212
    assert len(checked.figures) == 5  # the empty ;;;; row is skipped


def test_comma_separated_with_quoted_decimal_comma() -> None:
    checked = validate_upload((PRACTICE / "komma_gescheiden.csv").read_bytes(), "c.csv", today=TODAY)
    assert checked.figures["teller"].tolist() == [5123, 4, 38]
    assert checked.figures["noemer"].isna().tolist() == [True, False, True]


def test_windows_1252_with_extra_column_is_accepted_with_a_notice() -> None:
    checked = validate_upload((PRACTICE / "windows1252_puntkomma.csv").read_bytes(), "w.csv", today=TODAY)
    assert checked.figures["teller"].tolist() == [301, 45]
    assert checked.notices == ["kolom 'opmerking' wordt genegeerd"]


def test_excel_first_sheet_with_numbers_and_text() -> None:
    data = xlsx([["praktijk_code", "periode", "kengetal", "teller", "noemer"],
                 ["UTR-ONDIEP-1", "2024Q4", "consulten", 5123, None],
                 [None, None, None, None, None],
                 ["UTR-ONDIEP-1", "2024Q4", "patienten_weet_wat_te_doen", 30.0, "41"]])
    checked = validate_upload(data, "cijfers.xlsx", today=TODAY)
    assert checked.figures["teller"].tolist() == [5123, 30]
    assert checked.figures["noemer"].tolist()[1] == 41


# --- refused: (id, bytes, file name, exact problems) ------------------------------------------------------------

BAD = [
    ("leeg", b"", "leeg.csv", ["het bestand is leeg"]),
    ("alleen-witregels", b"\n\n;;\n", "leeg.csv", ["het bestand is leeg"]),
    ("alleen-kopregel", HEADER.encode(), "kop.csv", ["het bestand bevat alleen een kopregel en geen cijfers"]),
    ("te-groot", HEADER.encode() + b"x" * MAX_BYTES, "groot.csv",
     ["het bestand is 5.0 MB; de grens is 5 MB. Upload alleen opgetelde cijfers per praktijk en kwartaal"]),
    ("xls", b"\xd0\xcf\x11\xe0rest", "oud.xls",
     ["het oude Excel-formaat (.xls) wordt niet ondersteund; sla het bestand op als .xlsx of als CSV"]),
    ("pdf", b"%PDF-1.4", "cijfers.pdf",
     ["bestandstype '.pdf' wordt niet ondersteund; upload een CSV-bestand (.csv) of Excel-bestand (.xlsx)"]),
    ("kapotte-xlsx", b"PK\x03\x04kapot", "kapot.xlsx",
     ["het Excel-bestand is onleesbaar of beschadigd; sla het opnieuw op als .xlsx of als CSV"]),
    ("ontbrekende-kolommen", b"praktijk_code;periode;aantal\nRTD-BLOEMHOF-1;2024Q1;5\n", "k.csv",
     ["rij 1, kolom kengetal: verplichte kolom 'kengetal' ontbreekt; gevonden kolommen: praktijk_code, periode, aantal",
      "rij 1, kolom teller: verplichte kolom 'teller' ontbreekt; gevonden kolommen: praktijk_code, periode, aantal",
      "rij 1, kolom noemer: verplichte kolom 'noemer' ontbreekt; gevonden kolommen: praktijk_code, periode, aantal"]),
    ("onbekende-praktijk", csv("RTD-ONBEKEND-9;2024Q1;consulten;10;"), "p.csv",
     [f"rij 2, kolom praktijk_code: onbekende praktijk 'RTD-ONBEKEND-9'; bekende praktijkcodes: {CODES}"]),
    ("onbekend-kengetal", csv("RTD-BLOEMHOF-1;2024Q1;huisbezoeken;10;"), "k.csv",
     [f"rij 2, kolom kengetal: onbekend kengetal 'huisbezoeken'; toegestaan: {KENGETALLEN}"]),
    ("foute-periode", csv("RTD-BLOEMHOF-1;2024Q5;consulten;10;"), "p.csv",
     ["rij 2, kolom periode: '2024Q5' is geen kwartaal; gebruik jjjjQk, bijvoorbeeld 2024Q1"]),
    ("periode-als-datum", csv("RTD-BLOEMHOF-1;01-01-2024;consulten;10;"), "p.csv",
     ["rij 2, kolom periode: '01-01-2024' is geen kwartaal; gebruik jjjjQk, bijvoorbeeld 2024Q1"]),
    ("toekomstige-periode", csv("RTD-BLOEMHOF-1;2025Q2;consulten;10;"), "p.csv",
     ["rij 2, kolom periode: '2025Q2' ligt in de toekomst; de laatste toegestane periode is 2025Q1 (het huidige"
      " kwartaal)"]),
    ("te-oude-periode", csv("RTD-BLOEMHOF-1;2012Q4;consulten;10;"), "p.csv",
     ["rij 2, kolom periode: '2012Q4' ligt vóór 2015Q1; cijfers zijn welkom vanaf 2015Q1"]),
    ("negatief", csv("RTD-BLOEMHOF-1;2024Q1;consulten;-3;"), "n.csv",
     ["rij 2, kolom teller: '-3' is negatief; alleen hele getallen van 0 of meer zijn toegestaan"]),
    ("geen-heel-getal", csv("RTD-BLOEMHOF-1;2024Q1;consulten;12,5;"), "n.csv",
     ["rij 2, kolom teller: '12,5' is geen heel getal; aantallen zijn hele getallen (0, 1, 2, ...)"]),
    ("geen-getal", csv("RTD-BLOEMHOF-1;2024Q1;consulten;veel;"), "n.csv",
     ["rij 2, kolom teller: 'veel' is geen getal; vul een heel getal in (0, 1, 2, ...)"]),
    ("teller-ontbreekt", csv("RTD-BLOEMHOF-1;2024Q1;consulten;;"), "n.csv",
     ["rij 2, kolom teller: teller ontbreekt; vul een heel getal van 0 of meer in"]),
    ("teller-boven-noemer", csv("RTD-BLOEMHOF-1;2024Q1;patienten_weet_wat_te_doen;41;40"), "t.csv",
     ["rij 2, kolom teller: teller 41 is groter dan noemer 40; de teller is een deel van de respondenten"]),
    ("noemer-ontbreekt", csv("RTD-BLOEMHOF-1;2024Q1;patienten_weet_wat_te_doen;30;"), "t.csv",
     ["rij 2, kolom noemer: noemer (het aantal respondenten) ontbreekt; die is verplicht bij kengetal"
      " 'patienten_weet_wat_te_doen'"]),
    ("noemer-nul", csv("RTD-BLOEMHOF-1;2024Q1;patienten_weet_wat_te_doen;0;0"), "t.csv",
     ["rij 2, kolom noemer: '0' is te klein; het aantal respondenten is minstens 1"]),
    ("noemer-bij-telling", csv("RTD-BLOEMHOF-1;2024Q1;consulten;10;20"), "t.csv",
     ["rij 2, kolom noemer: noemer moet leeg zijn bij kengetal 'consulten' (een telling); gevonden '20'"]),
    ("dubbel", csv("RTD-BLOEMHOF-1;2024Q1;consulten;10;", "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ggz;3;",
                   "rtd-bloemhof-1;2024-Q1;consulten;11;"), "d.csv",
     ["rij 4: dubbele regel: praktijk RTD-BLOEMHOF-1, periode 2024Q1, kengetal consulten staat ook in rij 2"]),
    ("alles-tegelijk", csv("RTD-BLOEMHOF-1;2024Q1;consulten;10;", "XXX;2024Q9;onzin;-1;",
                           "UTR-ONDIEP-1;2026Q1;medewerkers_meer_werkplezier;12;9"), "a.csv",
     [f"rij 3, kolom praktijk_code: onbekende praktijk 'XXX'; bekende praktijkcodes: {CODES}",
      "rij 3, kolom periode: '2024Q9' is geen kwartaal; gebruik jjjjQk, bijvoorbeeld 2024Q1",
      f"rij 3, kolom kengetal: onbekend kengetal 'onzin'; toegestaan: {KENGETALLEN}",
      "rij 3, kolom teller: '-1' is negatief; alleen hele getallen van 0 of meer zijn toegestaan",
      "rij 4, kolom periode: '2026Q1' ligt in de toekomst; de laatste toegestane periode is 2025Q1 (het huidige"
      " kwartaal)",
      "rij 4, kolom teller: teller 12 is groter dan noemer 9; de teller is een deel van de respondenten"]),
    ("xlsx-fouten", xlsx([["praktijk_code", "periode", "kengetal", "teller", "noemer"],
                          ["UTR-ONDIEP-1", "2024Q4", "consulten", 12.5, None],
                          ["UTR-ONDIEP-1", "2024Q4", "patienten_weet_wat_te_doen", 5, 0]]), "f.xlsx",
     ["rij 2, kolom teller: '12.5' is geen heel getal; aantallen zijn hele getallen (0, 1, 2, ...)",
      "rij 3, kolom noemer: '0' is te klein; het aantal respondenten is minstens 1"]),
]

PATIENT_LEVEL = [
    ("kolom-bsn", b"bsn;praktijk_code;periode;kengetal;teller;noemer\n;RTD-BLOEMHOF-1;2024Q1;consulten;1;\n", "b.csv",
     ["rij 1, kolom bsn: deze kolomnaam wijst op gegevens over individuele patiënten; upload alleen opgetelde"
      " cijfers per praktijk en kwartaal"]),
    ("kolommen-naam-geboortedatum",
     b"Naam;Geboortedatum;praktijk_code;periode;kengetal;teller;noemer\nJan;1-1-1950;RTD-BLOEMHOF-1;2024Q1;consulten;1;\n",
     "n.csv",
     ["rij 1, kolom naam: deze kolomnaam wijst op gegevens over individuele patiënten; upload alleen opgetelde"
      " cijfers per praktijk en kwartaal",
      "rij 1, kolom geboortedatum: deze kolomnaam wijst op gegevens over individuele patiënten; upload alleen"
      " opgetelde cijfers per praktijk en kwartaal"]),
    ("postcode-in-cel", csv("RTD-BLOEMHOF-1;2024Q1;consulten;10;", "RTD-BLOEMHOF-1;3072 AB;consulten;10;"), "p.csv",
     ["rij 3, kolom periode: een zescijferige postcode (cijfers en letters, zoals 1234 AB) in 1 cel(len) van deze"
      " kolom; postcodes wijzen op gegevens over individuele patiënten"]),
    ("bsn-in-cel", csv("RTD-BLOEMHOF-1;2024Q1;consulten;111222333;", "RTD-BLOEMHOF-1;2024Q2;consulten;123456782;"),
     "b.csv",
     ["rij 2, kolom teller: een negencijferig nummer dat door de elfproef komt, zoals een burgerservicenummer (BSN),"
      " in 2 cel(len) van deze kolom; een BSN wijst op gegevens over individuele patiënten"]),
    ("bsn-in-excel", xlsx([["praktijk_code", "periode", "kengetal", "teller", "noemer", "extra"],
                           ["UTR-ONDIEP-1", "2024Q4", "consulten", 10, None, 111222333]]), "b.xlsx",
     ["rij 2, kolom extra: een negencijferig nummer dat door de elfproef komt, zoals een burgerservicenummer (BSN),"
      " in 1 cel(len) van deze kolom; een BSN wijst op gegevens over individuele patiënten"]),
]


@pytest.fixture
def store_with_upload(tmp_path: Path) -> Path:
    store_dir = tmp_path / "store"
    upload_store.commit(store_dir, csv("RTD-BLOEMHOF-1;2024Q4;consulten;7000;"), "eerste.csv", today=TODAY)
    return store_dir


@pytest.mark.parametrize(("data", "filename", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_upload_gets_exact_messages_and_changes_nothing(store_with_upload: Path, data: bytes, filename: str,
                                                            expected: list[str]) -> None:
    before = snapshot_tree(store_with_upload)
    with pytest.raises(KbzUploadError) as info:
        upload_store.commit(store_with_upload, data, filename, today=TODAY)
    assert [str(p) for p in info.value.problems] == expected
    assert not info.value.patient_level
    assert isinstance(info.value, KbzDataError)
    assert snapshot_tree(store_with_upload) == before


@pytest.mark.parametrize(("data", "filename", "expected"), [c[1:] for c in PATIENT_LEVEL],
                         ids=[c[0] for c in PATIENT_LEVEL])
def test_patient_level_data_is_refused_without_repeating_values(store_with_upload: Path, data: bytes, filename: str,
                                                                expected: list[str]) -> None:
    before = snapshot_tree(store_with_upload)
    with pytest.raises(KbzUploadError) as info:
        upload_store.commit(store_with_upload, data, filename, today=TODAY)
    assert info.value.patient_level
    assert [str(p) for p in info.value.problems] == expected
    text = str(info.value)
    assert "individuele patiënten" in text
    for secret in ("111222333", "123456782", "3072 AB", "Jan", "1-1-1950"):
        assert secret not in text
    assert snapshot_tree(store_with_upload) == before


def test_rejected_upload_on_a_fresh_store_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(KbzUploadError):
        upload_store.commit(tmp_path / "store", csv("RTD-BLOEMHOF-1;2024Q1;consulten;-1;"), "x.csv", today=TODAY)
    assert not (tmp_path / "store").exists()


def test_elfproef_rejects_numbers_that_fail_it() -> None:
    checked = validate_upload(csv("RTD-BLOEMHOF-1;2024Q1;consulten;123456789;"), "x.csv", today=TODAY)
    assert checked.figures["teller"].tolist() == [123456789]  # fails the eleven-test: a (large) count
