"""Upload validation: what Dutch offices produce is accepted; every bad upload gets its exact message and leaves
the store byte-for-byte unchanged."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kbz_data.errors import KbzDataError
from kbz_data.practice import upload_store
from kbz_data.practice.errors import KbzUploadError
from kbz_data.practice.upload_checks import RULES, validate_upload
from kbz_data.practice.upload_files import MAX_BYTES
from kbz_data.text import escape_markdown
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


def xlsx(rows: list[list[object]], title: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    if title:
        book.active.title = title
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


def test_utf16_unicode_text_from_excel_is_decoded() -> None:
    text = ("Praktijk_Code\tPeriode\tKengetal\tTeller\tNoemer\tOpmerking\n"
            "DHG-SPOORWIJK-1\t2024Q2\tpoh_ggz_contacten\t301\t\tcafé-overleg\n")
    for data in (b"\xff\xfe" + text.encode("utf-16-le"), b"\xfe\xff" + text.encode("utf-16-be"),
                 text.encode("utf-16-le")):  # Excel "Unicode-tekst": BOM + tabs; also without the BOM
        checked = validate_upload(data, "unicode.txt", today=TODAY)
        assert checked.figures["praktijk_code"].tolist() == ["DHG-SPOORWIJK-1"]
        assert checked.figures["teller"].tolist() == [301]
        assert checked.notices == ["kolom 'opmerking' wordt genegeerd"]  # no mojibake in the column names


def test_header_whitespace_is_collapsed_and_rows_are_numbered() -> None:
    data = (b"Praktijk  Code; periode ;Kengetal;teller;NOEMER\n"
            b"RTD-BLOEMHOF-1;2024Q4;consulten;10;\n\nRTD-BLOEMHOF-1;2024Q4;consulten_lang;4;\n")
    checked = validate_upload(data, "c.csv", today=TODAY)
    assert checked.figures["kengetal"].tolist() == ["consulten", "consulten_lang"]
    assert checked.rows == [2, 4]


@pytest.mark.parametrize(("cell", "expected"), [
    ("1.234", 1234), ("1.234,0", 1234), ("12,0", 12), ("12.0", 12), ("+7", 7), (" 42 ", 42), ("10000000", 10_000_000),
    ("0", 0),
])
def test_accepted_number_notations(cell: str, expected: int) -> None:
    checked = validate_upload(csv(f"RTD-BLOEMHOF-1;2024Q1;consulten;{cell};"), "n.csv", today=TODAY)
    assert checked.figures["teller"].tolist() == [expected]


def test_escape_markdown_neutralises_links_and_markup() -> None:
    assert escape_markdown("[Klik](http://evil.example)") == "\\[Klik\\]\\(http\u200b\\://evil.example\\)"
    assert escape_markdown("regel 1\r\n\n# kop\n> citaat") == "regel 1 \\# kop \\> citaat"
    assert escape_markdown("a_b*c`d`|e~f$g$<b>&amp;\\") == "a\\_b\\*c\\`d\\`\\|e\\~f\\$g\\$\\<b\\>\\&amp;\\\\"
    assert escape_markdown("- lijst") == "\\- lijst" and escape_markdown("1. een") == "1\\. een"
    assert escape_markdown(":red[rood]") == "\\:\u200bred\\[rood\\]"
    assert escape_markdown("www.evil.example a@b.nl") == "www\u200b.evil.example a\u200b@b.nl"
    assert escape_markdown("rij 2, kolom teller: 12:30 RTD-BLOEMHOF-1 2024Q1") == (
        "rij 2, kolom teller: 12:30 RTD-BLOEMHOF-1 2024Q1")  # plain messages stay as they are
    assert escape_markdown(5) == "5"


def test_rules_list_mentions_the_new_rules() -> None:
    text = " ".join(RULES)
    for part in ("UTF-16", "10.000.000", "1e3", "1.234.567", "50 consulten per ingeschreven patiënt", "datum"):
        assert part in text


# --- refused: (id, bytes, file name, exact problems) ------------------------------------------------------------

DATE = ("is een datum: Excel heeft de periode waarschijnlijk in een datum veranderd. Schrijf de periode als kwartaal,"
        " bijvoorbeeld 2024Q1 (zet de kolom in Excel op Tekst)")
BIG = "is onwaarschijnlijk groot; maximaal 10.000.000 per kwartaal"
SCIENTIFIC = ("is een getal in wetenschappelijke notatie (met E); schrijf het hele getal uit met alleen cijfers,"
              " bijvoorbeeld 1000 in plaats van 1E3 (zet de kolom in Excel op Getal zonder decimalen)")
GROUPS = ("heeft een onduidelijke schrijfwijze voor duizendtallen; schrijf het getal zonder spaties, punten of komma's"
          " tussen de cijfers, bijvoorbeeld 1234567 in plaats van 1.234.567 of 1 234 567")
DIGITS = ("bevat andere tekens dan de gewone cijfers 0-9 (zoals cijfers van volle breedte); typ het getal met de"
          " cijfers 0-9")
NOT_A_NUMBER = "is geen getal; vul een heel getal in (0, 1, 2, ...)"
NOT_TEXT = "; upload de cijfers als CSV-bestand (.csv) of als Excel-bestand (.xlsx)"
FOUND_NONE = ("geen van de verplichte kolommen (praktijk_code, periode, kengetal, teller, noemer) gevonden in de"
              " kopregel")
SEPARATOR = (" Controleer het scheidingsteken: de kolommen moeten gescheiden zijn door ; of , (of een tab), en de"
             " kolomnamen moeten in de eerste regel staan")

BAD = [
    ("leeg", b"", "leeg.csv", ["het bestand is leeg"]),
    ("alleen-witregels", b"\n\n;;\n", "leeg.csv", ["het bestand is leeg"]),
    ("alleen-kopregel", HEADER.encode(), "kop.csv", ["het bestand bevat alleen een kopregel en geen cijfers"]),
    ("te-groot", HEADER.encode() + b"x" * MAX_BYTES, "groot.csv",
     ["het bestand is 5,0 MB; de grens is 5 MB. Upload alleen opgetelde cijfers per praktijk en kwartaal"]),
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
     [f"rij 2, kolom periode: '01-01-2024' {DATE}"]),
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
    ("teller-ontbreekt", csv("RTD-BLOEMHOF-1;2024Q1;patienten_weet_wat_te_doen;;40"), "n.csv",
     ["rij 2, kolom teller: teller ontbreekt terwijl de noemer is ingevuld; vul een heel getal van 0 of meer in, of"
      " laat teller en noemer allebei leeg om de regel over te slaan"]),
    ("teller-en-noemer-leeg", csv("RTD-BLOEMHOF-1;2024Q1;consulten;;"), "n.csv",
     ["het bestand bevat geen ingevulde cijfers: teller en noemer zijn leeg in de enige regel; vul de teller in (en"
      " bij een enquête ook de noemer)"]),
    ("teller-boven-noemer", csv("RTD-BLOEMHOF-1;2024Q1;patienten_weet_wat_te_doen;41;40"), "t.csv",
     ["rij 2, kolom teller: teller 41 is groter dan noemer 40; de teller is een deel van de respondenten"]),
    ("noemer-ontbreekt", csv("RTD-BLOEMHOF-1;2024Q1;patienten_weet_wat_te_doen;30;"), "t.csv",
     ["rij 2, kolom noemer: noemer (het aantal respondenten) ontbreekt terwijl de teller is ingevuld; die is"
      " verplicht bij kengetal 'patienten_weet_wat_te_doen' (laat teller en noemer allebei leeg om de regel over te"
      " slaan)"]),
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
    # too large (these used to crash with OverflowError in astype("Int64"))
    ("te-groot-20-cijfers", csv("RTD-BLOEMHOF-1;2024Q1;consulten;99999999999999999999;"), "g.csv",
     [f"rij 2, kolom teller: '99999999999999999999' {BIG}"]),
    ("te-groot-int64-grens", csv("RTD-BLOEMHOF-1;2024Q1;consulten;9223372036854775808;"), "g.csv",
     [f"rij 2, kolom teller: '9223372036854775808' {BIG}"]),
    ("te-groot-net-boven-grens", csv("RTD-BLOEMHOF-1;2024Q1;consulten;10000001;",
                                     "RTD-BLOEMHOF-1;2024Q1;patienten_weet_wat_te_doen;5;10000000,5"), "g.csv",
     [f"rij 2, kolom teller: '10000001' {BIG}", f"rij 3, kolom noemer: '10000000,5' {BIG}"]),
    ("te-groot-excel-1e308", xlsx([["praktijk_code", "periode", "kengetal", "teller", "noemer"],
                                   ["UTR-ONDIEP-1", "2024Q4", "consulten", 1e308, None],
                                   ["UTR-ONDIEP-1", "2024Q4", "verwijzingen_ggz", 2**63, None]]), "g.xlsx",
     [f"rij 2, kolom teller: '1e+308' {BIG}",
      f"rij 3, kolom teller: '9.223372036854776e+18' {BIG}"]),  # Excel keeps 2**63 as a float
    # refused notations
    ("wetenschappelijk", csv("RTD-BLOEMHOF-1;2024Q1;consulten;1e308;", "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ggz;1e3;",
                             "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ziekenhuis;1,23E+2;"), "w.csv",
     [f"rij 2, kolom teller: '1e308' {SCIENTIFIC}", f"rij 3, kolom teller: '1e3' {SCIENTIFIC}",
      f"rij 4, kolom teller: '1,23E+2' {SCIENTIFIC}"]),
    ("cijfers-volle-breedte", csv("RTD-BLOEMHOF-1;2024Q1;consulten;１２;"), "f.csv",
     [f"rij 2, kolom teller: '１２' {DIGITS}"]),
    ("duizendtallen-onduidelijk", csv("RTD-BLOEMHOF-1;2024Q1;consulten;1 234;",
                                      "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ggz;1.234.567;",
                                      "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ziekenhuis;1,234,567;",
                                      "RTD-BLOEMHOF-1;2024Q1;poh_ggz_contacten;1,234.5;",
                                      "RTD-BLOEMHOF-1;2024Q1;gezinnen_miniteam;1\u00a0234;"), "d.csv",
     [f"rij 2, kolom teller: '1 234' {GROUPS}", f"rij 3, kolom teller: '1.234.567' {GROUPS}",
      f"rij 4, kolom teller: '1,234,567' {GROUPS}", f"rij 5, kolom teller: '1,234.5' {GROUPS}",
      f"rij 6, kolom teller: '1\u00a0234' {GROUPS}"]),
    ("andere-tekst-geen-getal", csv("RTD-BLOEMHOF-1;2024Q1;consulten;inf;",
                                    "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ggz;1_000;",
                                    "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ziekenhuis;0x10;"), "t.csv",
     [f"rij 2, kolom teller: 'inf' {NOT_A_NUMBER}", f"rij 3, kolom teller: '1_000' {NOT_A_NUMBER}",
      f"rij 4, kolom teller: '0x10' {NOT_A_NUMBER}"]),
    ("lange-cel-ingekort", csv("RTD-BLOEMHOF-1;2024Q1;consulten;" + "x" * 500 + ";"), "t.csv",
     [f"rij 2, kolom teller: '{'x' * 60}…' {NOT_A_NUMBER}"]),
    # plausibility within one practice and quarter
    ("consulten-meer-dan-50-keer-patienten",
     csv("RTD-BLOEMHOF-1;2024Q1;ingeschreven_patienten;100;", "RTD-BLOEMHOF-1;2024Q1;consulten;5001;",
         "RTD-BLOEMHOF-1;2024Q2;ingeschreven_patienten;100;", "RTD-BLOEMHOF-1;2024Q2;consulten;5000;"), "p.csv",
     ["rij 3, kolom teller: consulten 5001 is meer dan 50 keer ingeschreven_patienten 100 in rij 2, bij praktijk"
      " RTD-BLOEMHOF-1 in 2024Q1; meer dan 50 consulten per ingeschreven patiënt in één kwartaal is"
      " onwaarschijnlijk. Controleer beide cijfers"]),
    ("deel-groter-dan-geheel",
     csv("RTD-BLOEMHOF-1;2024Q1;consulten_lang;900;", "RTD-BLOEMHOF-1;2024Q1;consulten_4d;801;",
         "RTD-BLOEMHOF-1;2024Q1;consulten;800;", "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ggz;51;",
         "RTD-BLOEMHOF-1;2024Q1;ingeschreven_patienten;50;", "RTD-BLOEMHOF-1;2024Q1;verwijzingen_ziekenhuis;50;",
         "UTR-ONDIEP-1;2024Q1;consulten_lang;900;"), "p.csv",
     ["rij 2, kolom teller: consulten_lang 900 is groter dan consulten 800 in rij 4, bij praktijk RTD-BLOEMHOF-1"
      " in 2024Q1; lange consulten zijn een deel van alle consulten. Controleer beide cijfers",
      "rij 3, kolom teller: consulten_4d 801 is groter dan consulten 800 in rij 4, bij praktijk RTD-BLOEMHOF-1"
      " in 2024Q1; 4D-consulten zijn een deel van alle consulten. Controleer beide cijfers",
      "rij 5, kolom teller: verwijzingen_ggz 51 is groter dan ingeschreven_patienten 50 in rij 6, bij praktijk"
      " RTD-BLOEMHOF-1 in 2024Q1; meer verwijzingen dan ingeschreven patiënten in één kwartaal is onwaarschijnlijk."
      " Controleer beide cijfers"]),
    ("deel-groter-dan-opgeslagen-geheel", csv("RTD-BLOEMHOF-1;2024Q4;consulten_lang;7001;"), "p.csv",
     ["rij 2, kolom teller: consulten_lang 7001 is groter dan consulten 7000 (al opgeslagen, versie 1), bij praktijk"
      " RTD-BLOEMHOF-1 in 2024Q4; lange consulten zijn een deel van alle consulten. Controleer beide cijfers"]),
    ("geheel-kleiner-dan-opgeslagen-deel", csv("RTD-BLOEMHOF-1;2024Q4;ingeschreven_patienten;139;"), "p.csv",
     ["rij 2, kolom teller: consulten 7000 (al opgeslagen, versie 1) is meer dan 50 keer ingeschreven_patienten 139,"
      " bij praktijk RTD-BLOEMHOF-1 in 2024Q4; meer dan 50 consulten per ingeschreven patiënt in één kwartaal is"
      " onwaarschijnlijk. Controleer beide cijfers"]),
    # all required columns missing: one message
    ("geen-verplichte-kolom-csv", b"praktijk|periode|kengetal|teller|noemer\nRTD-BLOEMHOF-1|2024Q1|consulten|1|\n",
     "s.csv", [f"rij 1: {FOUND_NONE}; gevonden kolommen: praktijk|periode|kengetal|teller|noemer.{SEPARATOR}"]),
    ("geen-verplichte-kolom-excel", xlsx([["Overzicht KBZ"], ["praktijk", "aantal"]], title="Voorblad"), "v.xlsx",
     [f"rij 1: {FOUND_NONE}; gevonden kolommen: overzicht_kbz. Van een Excel-bestand wordt alleen het eerste tabblad"
      " gelezen (hier 'Voorblad'; dit bestand heeft de tabbladen 'Voorblad', 'tweede'); zet de cijfers op het eerste"
      " tabblad, met de kolomnamen in de eerste regel"]),
    # a date in periode
    ("periode-als-datum-excel", xlsx([["praktijk_code", "periode", "kengetal", "teller", "noemer"],
                                      ["UTR-ONDIEP-1", datetime(2024, 1, 1), "consulten", 10, None]]), "d.xlsx",
     [f"rij 2, kolom periode: '1-1-2024' {DATE}"]),
    ("periode-als-datum-iso-en-maand", csv("RTD-BLOEMHOF-1;2024-01-01;consulten;10;",
                                           "RTD-BLOEMHOF-1;jan-24;verwijzingen_ggz;3;"), "d.csv",
     [f"rij 2, kolom periode: '2024-01-01' {DATE}", f"rij 3, kolom periode: 'jan-24' {DATE}"]),
    # not a text file
    ("png-als-csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "cijfers.csv",
     [f"het bestand is geen tekstbestand maar een PNG-afbeelding{NOT_TEXT}"]),
    ("nul-bytes-als-csv", b"praktijk_code;periode\x00\x00\x01\x02" + bytes(200), "cijfers.csv",
     ["het bestand is geen tekstbestand: het bevat binaire gegevens (nul-bytes), zoals een afbeelding, archief of"
      f" programma{NOT_TEXT}"]),
    ("utf16-kapot", b"\xff\xfe" + "praktijk_code".encode("utf-16-le") + b"\x00", "u.csv",
     ["het bestand is Unicode-tekst (UTF-16) maar is onvolledig of beschadigd; sla het opnieuw op, liefst als CSV"
      " (UTF-8) of .xlsx"]),
    # user text is repeated as it is (the pages escape it before Markdown)
    ("markdown-in-cel", csv("RTD-BLOEMHOF-1;[Klik](http://evil.example);consulten;1;"),
     "[Klik](http://evil.example).csv",
     ["rij 2, kolom periode: '[Klik](http://evil.example)' is geen kwartaal; gebruik jjjjQk, bijvoorbeeld 2024Q1"]),
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
    # 123456789 fails the eleven-test: not patient data, but a count, refused only as implausibly large
    with pytest.raises(KbzUploadError) as info:
        validate_upload(csv("RTD-BLOEMHOF-1;2024Q1;consulten;123456789;"), "x.csv", today=TODAY)
    assert not info.value.patient_level
    assert [str(p) for p in info.value.problems] == [f"rij 2, kolom teller: '123456789' {BIG}"]


def test_plausibility_ignores_demo_figures_and_uses_the_newest_figure(tmp_path: Path) -> None:
    # the demo set is fictitious: a real upload is never compared with it
    demo_consulten = upload_store.current_figures(tmp_path).query(
        "praktijk_code == 'RTD-BLOEMHOF-1' and periode == '2024Q4' and kengetal == 'consulten'")["teller"].iloc[0]
    event = upload_store.commit(tmp_path, csv(f"RTD-BLOEMHOF-1;2024Q4;consulten_lang;{demo_consulten + 1};"), "l.csv",
                                today=TODAY)
    assert event["versie"] == 1
    # a figure in the file replaces the stored one: new consulten 9000 with the stored consulten_lang is fine
    upload_store.commit(tmp_path, csv("RTD-BLOEMHOF-1;2024Q4;consulten;9000;"), "c.csv", today=TODAY)
    with pytest.raises(KbzUploadError, match="consulten_lang 9001 is groter dan consulten 9000"):
        upload_store.commit(tmp_path, csv("RTD-BLOEMHOF-1;2024Q4;consulten_lang;9001;"), "l2.csv", today=TODAY)
    # an undone upload no longer counts
    upload_store.undo_last(tmp_path)
    upload_store.commit(tmp_path, csv("RTD-BLOEMHOF-1;2024Q4;consulten_lang;9001;"), "l3.csv", today=TODAY)
