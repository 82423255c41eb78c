"""AA301-AA303: phone numbers, full postcodes and number plates of third parties (rule 4)."""

from __future__ import annotations

import pytest

from accountaudit.api import Check, Finding, Item, ItemKind, PreparedText, Provenance, ScanContext
from accountaudit.checks.personal_data import (
    RegistrationMarkCheck,
    UkPhoneNumberCheck,
    UkPostcodeCheck,
)
from conftest import REPO


def _run(check: Check, text: str, author: str | None = None) -> list[Finding]:
    check.setup(ScanContext(check_data=REPO / "checks"))
    item = Item(source_id="t", id="1", platform="test", kind=ItemKind.POST, text=text,
                provenance=Provenance("t", "test"), author=author)
    found = list(check.check_many([(item, PreparedText(text))]))
    for finding in found:
        assert finding.span is not None
        assert text[finding.span[0]:finding.span[1]] == finding.evidence
        assert finding.category == "confidentiality.personal-data"
        assert finding.severity == "high"
        assert "Confidentiality" in finding.standard
    return found


def _evidence(check: Check, text: str, author: str | None = None) -> list[str]:
    return [f.evidence for f in _run(check, text, author)]


@pytest.mark.parametrize("text, evidence", [
    ("If you want a laugh ring him on 07700 900318", ["07700 900318"]),
    ("his mobile: +44 7700 900 587 😂", ["+44 7700 900 587"]),
    ("0044 7700 900 654 if you fancy a word", ["0044 7700 900 654"]),
    ("Seller's on 07700900144, top floor flat", ["07700900144"]),
    ("try 07700-900-123 after six", ["07700-900-123"]),
    ("her landline is (01632) 960555", ["(01632) 960555"]),
    ("number (01632 960555) if anyone wants it", ["01632 960555"]),
    ("landlord on 0161 496 0000 and 07911 123456", ["0161 496 0000", "07911 123456"]),
    ("447911123457 is the one", ["447911123457"]),
    ("his French mobile +33 6 12 34 56 78", ["+33 6 12 34 56 78"]),
    ("07700 900318 and again 07700 900318", ["07700 900318"]),
])
def test_phone_numbers_are_found_as_written(text: str, evidence: list[str]) -> None:
    assert _evidence(UkPhoneNumberCheck(), text) == evidence


@pytest.mark.parametrize("text", [
    "Ring 101 or 999 in an emergency, 111 for the NHS",
    "Samaritans are on 116 123, any time",
    "Crimestoppers 0800 555 111, anonymously",
    "National Domestic Abuse Helpline 0808 2000 247",
    "Silver Line 0800 4 70 80 90 for older people",
    "Action Fraud 0300 123 2040",
    "Text 159 if your bank calls, or forward scam texts to 7726",
    "Rang the front counter at the old station (01632 960118) about my coat",
    "Force switchboard 01632 960000 if you need the non-emergency line",
    "Crime ref 01/8841922/24 for the bike",
    "DOB 03/11/1998 on the licence",
    "custody no. BC-24-00731 and occurrence 21-334578",
    "Parkrun barcode A1234567, 214th place",
    "Call Sam on 07700 900412 for a quote, fully insured",
    "Driveways and patios, call me on 07911 123456",
    "Score was 1-0 2-1 and then 3-3",
    "between 2016 and 2024 we moved three times",
])
def test_public_and_own_numbers_and_lookalikes_are_not_flagged(text: str) -> None:
    assert _evidence(UkPhoneNumberCheck(), text) == []


def test_own_name_before_the_number_marks_an_advert() -> None:
    text = "Garden clearance done cheap. Text Daz on 07700 900412"
    assert _evidence(UkPhoneNumberCheck(), text, author="Daz Hollis") == []
    assert _evidence(UkPhoneNumberCheck(), text, author="Kev Ramsden") == ["07700 900412"]


def test_phone_confidence_reflects_the_kind_of_number() -> None:
    [mobile] = _run(UkPhoneNumberCheck(), "his number 07700 900318")
    [landline] = _run(UkPhoneNumberCheck(), "her number 01632 960555")
    assert mobile.details["number_type"] == "mobile"
    assert landline.details["number_type"] == "landline"
    assert mobile.confidence > landline.confidence


def test_the_check_works_without_setup() -> None:
    item = Item(source_id="t", id="1", platform="test", kind=ItemKind.POST,
                text="ring 07700 900318", provenance=Provenance("t", "test"))
    [finding] = UkPhoneNumberCheck().check(item, PreparedText(item.text))
    assert finding.evidence == "07700 900318"


@pytest.mark.parametrize("text, evidence", [
    ("lives at 7 Cope St, WS3 2LP", ["WS3 2LP"]),
    ("14 Wharf Street, Dewsbury WF12 8AA", ["WF12 8AA"]),
    ("Flat 3, 18 Coldharbour Lane SE5 9PR", ["SE5 9PR"]),
    ("address is 22 Heol y Bryn, Llanelli sa15 4np", ["sa15 4np"]),
    ("posted to EC1A1BB by mistake", ["EC1A1BB"]),
    ("the house at M1 1AE and the other at SW1A 1AA", ["M1 1AE", "SW1A 1AA"]),
])
def test_full_postcodes_are_found(text: str, evidence: list[str]) -> None:
    assert _evidence(UkPostcodeCheck(), text) == evidence


@pytest.mark.parametrize("text", [
    "Moved to SE15 last year and still can't find a decent chippy",
    "Exeter EX1, Leeds LS6 and M1 are all partial",
    "won the U12 2nd place trophy",
    "Postcode lottery paid out £10 each",
    "Drop-in at the community centre, LS6 1AB, Saturday 10-12",
    "M6 J10 to J11 closed again",
    "QQ1 1AA is not a real area",
])
def test_partial_public_and_lookalike_postcodes_are_not_flagged(text: str) -> None:
    assert _evidence(UkPostcodeCheck(), text) == []


@pytest.mark.parametrize("text, evidence", [
    ("Spotted GK68XWP doing 90 through town", ["GK68XWP"]),
    ("Got his reg, CK15 RXZ, if anyone sees him", ["CK15 RXZ"]),
    ("MX70 YTH, blue Fiesta, on the Walsall Rd", ["MX70 YTH"]),
    ("Driver of wr17 bdl, you were doing 70 in a 30", ["wr17 bdl"]),
    ("the car was P123 ABC, silver", ["P123 ABC"]),
    ("old Land Rover, plate ABC 123D", ["ABC 123D"]),
])
def test_registration_marks_are_found(text: str, evidence: list[str]) -> None:
    assert _evidence(RegistrationMarkCheck(), text) == evidence


@pytest.mark.parametrize("text", [
    "Traded the 66-plate Astra for a 19-plate Focus",
    "Flight BA2490 delayed 3 hours, seat 14C",
    "Villa tickets: Block L4, Row G",
    "Finally got the KD55X85L telly",
    "Take the A1 road north, then the A460",
    "He's 5ft 10in and wearing a grey hoodie",
    "Audi A4 TDI for sale, BMW M3 CSL on order",
    "new build: Ryzen 7 7800X3D, RTX 4070, 32GB DDR5",
    "Golf GTD 2.0 TDI, 184bhp, DSG",
    "my reg is AB12 CDE if you need it for the car park",
    "meet at ab12 cde o'clock",
    "P123 ABC is just a string with nothing else about it",
])
def test_plate_lookalikes_and_own_plates_are_not_flagged(text: str) -> None:
    assert _evidence(RegistrationMarkCheck(), text) == []
