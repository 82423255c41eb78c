"""Third parties' personal data with a fixed shape: phone numbers, full postcodes, number plates.

These run on the original text (never the de-leeted skeleton), so digits are read as written and
the evidence is exactly what was posted. Labelling rule 4 of the shared corpus defines what counts:
public-service numbers, partial postcodes ("SE15"), registration-year identifiers ("66-plate"),
model, flight and seat numbers, and the holder's own number in their own advert do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from accountaudit.api import (
    TEXT_KINDS,
    Category,
    Check,
    Finding,
    Item,
    ItemKind,
    PreparedText,
    ScanContext,
    Severity,
)

_CONFIDENTIALITY = "Standards of Professional Behaviour: Confidentiality"
# A profile's number, address or plate is the holder's own, not a third party's.
_NOT_PROFILES = TEXT_KINDS - {ItemKind.PROFILE}

# Public services: not personal data (101, 999 and the other short codes are too short to match).
PUBLIC_NUMBERS = frozenset({
    "0800555111",    # Crimestoppers
    "08082000247",   # National Domestic Abuse Helpline
    "08004708090",   # Silver Line
    "03001232040",   # Action Fraud
    "116123",        # Samaritans
    "08001111",      # Childline
    "08081689111",   # Victim Support
})
_PHONE_HINT = re.compile(r"\d(?:[\s().\-]{0,3}\d){8}")
_ADVERT = re.compile(
    r"\b(?:call me|ring me|text me|whats ?app me|message me|msg me|dm me|pm me|contact me|"
    r"reach me|my (?:new |work |mobile |phone )?(?:number|mobile|phone)|for a quote|free quotes?|"
    r"quotes?|prices?|price list|rates|bookings?|book now|enquiries|enquire|fully insured|"
    r"no job too small|call or text|selling|for sale|collection from|ono)\b", re.IGNORECASE)
_CALL_NAME = re.compile(
    r"\b(?:call|ring|text|contact|whats ?app)\s+([\w.'-]+)\s+(?:on|at)\s*:?\s*$", re.IGNORECASE)
_PUBLIC_LINE = re.compile(
    r"\b(?:station|front counter|front desk|switchboard|reception|non-emergency|council|"
    r"surgery|hospital|school|office|helpline|hotline|library|enquiry desk|customer services|"
    r"ward|shop|pharmacy|chemist)\b", re.IGNORECASE)
_AFTER = 60
_BEFORE = 80
_DIGIT = re.compile(r"\d")


def _window(text: str, start: int, end: int) -> str:
    return text[max(0, start - _BEFORE):end + _AFTER]


def _author_names(author: str | None) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]{2,}", author or "")}


class UkPhoneNumberCheck(Check):
    """AA301: phone numbers of third parties.

    Flags UK mobile and landline numbers in any written form (07700 900123, +44 7700 900123,
    0044..., 07700-900-123, (0161) 496 0000) and other countries' valid numbers. Ofcom's drama
    ranges (07700 900xxx, 01632 960xxx) are matched because they have the real format.

    Not flagged: public services (101, 999, 111, 116 123, Crimestoppers, helplines: every
    freephone 080x, 03xx public-body, 084x/087x service and 09xx premium number); a landline
    described as a station, switchboard, office or other public line; and a number with advert
    words nearby ("call me", "for a quote", "prices", "selling") or introduced with the account
    holder's own name ("call Daz on ..."). That is the holder's own number in their own advert,
    which is not third-party data; the business check (conduct.business) covers the advert.
    Crime references and dates written with "/" are never read as numbers. Profiles (bios) are
    not checked: a number there is the holder's own.
    """

    id = "AA301"
    title = "Phone number"
    category = Category.CONFIDENTIALITY_PERSONAL_DATA
    severity = Severity.HIGH
    standard = _CONFIDENTIALITY
    explanation = ("The post gives a phone number that looks like a private person's. Publishing "
                   "a member of the public's phone number breaches the Standards of Professional "
                   "Behaviour on confidentiality.")
    version = "1"
    applies_to = _NOT_PROFILES

    def __init__(self) -> None:
        self._pn: Any = None

    def setup(self, ctx: ScanContext) -> None:
        """Import phonenumbers once per scan (it takes a moment to load)."""
        self._load()

    def _load(self) -> Any:
        if self._pn is None:
            import phonenumbers

            self._pn = phonenumbers
        return self._pn

    def check(self, item: Item, text: PreparedText) -> Iterator[Finding]:
        """One finding per personal-looking number in the item."""
        original = text.text
        if not _PHONE_HINT.search(original):
            return
        pn = self._load()
        seen: set[str] = set()
        for match in pn.PhoneNumberMatcher(original, "GB", leniency=pn.Leniency.POSSIBLE):
            kind = self._kind(match.number, match.raw_string)
            start, end = _trim(original, match.start, match.end)
            evidence = original[start:end]
            if kind is None or evidence in seen or self._own_or_public(item, original, start,
                                                                        end, kind):
                continue
            seen.add(evidence)
            confidence = {"mobile": 0.9, "landline": 0.75}.get(kind, 0.65)
            yield self.finding(item, evidence, span=(start, end), confidence=confidence,
                               details={"number_type": kind})

    def _kind(self, number: Any, raw: str) -> str | None:
        """'mobile', 'landline', 'internet' or 'international'; None for what is not personal."""
        pn = self._pn
        if "/" in raw:
            return None
        digits = re.sub(r"\D", "", raw)
        if number.country_code != 44:
            if not pn.is_valid_number(number):
                return None
            public = {pn.PhoneNumberType.TOLL_FREE, pn.PhoneNumberType.PREMIUM_RATE,
                      pn.PhoneNumberType.SHARED_COST, pn.PhoneNumberType.UAN}
            return None if pn.number_type(number) in public else "international"
        national = pn.national_significant_number(number)
        written_as_phone = raw.lstrip("( ").startswith("+") or digits.startswith(("0", "44"))
        if not written_as_phone or len(national) not in (9, 10):
            return None
        if "0" + national in PUBLIC_NUMBERS:
            return None
        if national.startswith("7"):
            return "mobile"
        if national[0] in "12":
            return "landline"
        if national.startswith(("55", "56")):
            return "internet"
        return None  # 03 public bodies, 080x freephone, 084x/087x service, 09 premium

    @staticmethod
    def _own_or_public(item: Item, text: str, start: int, end: int, kind: str) -> bool:
        around = _window(text, start, end)
        if _ADVERT.search(around):
            return True
        called = _CALL_NAME.search(text[max(0, start - 40):start])
        if called and called.group(1).casefold() in _author_names(item.author):
            return True
        return kind == "landline" and bool(_PUBLIC_LINE.search(around))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop an opening bracket that phonenumbers includes without its closing one."""
    while start < end and text[start] in "([" and ")" not in text[start:end]:
        start += 1
    return start, end


_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|(?:[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d"
    r"[ABEHMNPRV-Y])) ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)
_PUBLIC_PLACE = re.compile(
    r"\b(?:community cent(?:re|er)|town hall|village hall|church hall|leisure cent(?:re|er)|"
    r"library|police station|fire station|surgery|hospital|school|academy|college|university|"
    r"stadium|market|shopping cent(?:re|er)|retail park|event|venue|drop-in|open day|mosque|"
    r"church|temple|gurdwara|synagogue|hq|headquarters|offices?)\b", re.IGNORECASE)


class UkPostcodeCheck(Check):
    """AA302: full UK postcodes, which with a street or name locate a person's home.

    Matches full postcodes with or without the space (SE5 9PR, WF128AA), in upper or lower case.
    Not flagged: partial postcodes ("SE15", "EX1"), which never match; ordinals that look like an
    inward code in lower case ("u12 2nd"); and postcodes given for a public place (community
    centre, station, school, venue, event), which are not personal data.
    """

    id = "AA302"
    title = "Full postcode"
    category = Category.CONFIDENTIALITY_PERSONAL_DATA
    severity = Severity.HIGH
    standard = _CONFIDENTIALITY
    explanation = ("The post gives a full postcode, which with a street or a name can locate a "
                   "person's home. Publishing a member of the public's address breaches the "
                   "Standards of Professional Behaviour on confidentiality.")
    version = "1"
    applies_to = _NOT_PROFILES

    def check(self, item: Item, text: PreparedText) -> Iterator[Finding]:
        """One finding per full postcode not given for a public place."""
        original = text.text
        if not _DIGIT.search(original):
            return
        for match in _POSTCODE.finditer(original):
            code = match.group()
            if _ORDINAL.search(code) and not code.isupper():
                continue
            if _PUBLIC_PLACE.search(original[max(0, match.start() - _BEFORE):match.start()]):
                continue
            yield self.finding(item, code, span=match.span(), confidence=0.85)


_CURRENT = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2} ?[A-Z]{3}(?![A-Za-z0-9])", re.IGNORECASE)
_CURRENT_VALID = re.compile(
    r"[A-HJ-PR-Y]{2}(?:0[2-9]|[12]\d|5[1-9]|[67]\d) ?[A-HJ-PR-Z]{3}", re.IGNORECASE)
_OLDER = re.compile(r"(?<![A-Za-z0-9])(?:[A-HJ-NP-Y]\d{1,3} ?[A-Z]{3}|[A-Z]{3} ?\d{1,3}"
                    r"[A-HJ-NP-Y])(?![A-Za-z0-9])")
_NOT_PLATE_LETTERS = frozenset({
    "TDI", "TSI", "GTI", "GTD", "CSL", "AMG", "HDI", "CDI", "DCI", "VTI", "SRI", "SXI", "GSI",
    "RST", "EVO", "VVT", "CRD", "ABS", "SUV", "MPV", "BHP", "RPM", "MPH", "CVT", "DSG", "LED",
    "USB", "HGV", "LGV", "GTS", "GTR", "SEL", "GLS", "LTD", "KPH", "AWD", "FWD", "RWD", "PHEV",
})
_PLATE_CONTEXT = re.compile(
    r"\b(?:reg|registration|plates?|number plate|vrm|cars?|vehicles?|van|motor|driver|driving|"
    r"drove|parked|parking|speeding|mph|audi|bmw|merc|mercedes|fiesta|corsa|astra|golf|focus|"
    r"polo|ford|vauxhall|vw|toyota|honda|nissan|kia|hyundai|peugeot|renault|citroen|fiat|mini|"
    r"range rover|land rover|jag|jaguar|tesla|volvo|skoda|transit|lorry|hgv|motorbike|moped|"
    r"taxi|uber|anpr|boy racer|cut me up|tailgating|overtook|reversed|keyed)\b", re.IGNORECASE)
_OWN_PLATE = re.compile(r"\b(?:my|our)\s+(?:car'?s\s+|van'?s\s+)?(?:private\s+)?(?:new\s+)?"
                        r"(?:reg|registration|plate|number plate)\b[^.!?\n]{0,20}$", re.IGNORECASE)


class RegistrationMarkCheck(Check):
    """AA303: vehicle registration marks (number plates) of third parties.

    Current plates (AB12 CDE, with or without the space) written in capitals count on their own;
    in lower case they need a vehicle word nearby (reg, plate, car, van, driver, a make...).
    Older prefix (P123 ABC) and suffix (ABC 123D) plates must be in capitals with a vehicle word
    nearby. Not flagged: registration-year identifiers ("66-plate"), model and trim codes ("A4
    TDI"), flight numbers ("BA123"), seat numbers, road numbers ("A1 road"), heights ("5ft 10in"),
    and the holder's own plate ("my reg is ...").
    """

    id = "AA303"
    title = "Vehicle registration mark"
    category = Category.CONFIDENTIALITY_PERSONAL_DATA
    severity = Severity.HIGH
    standard = _CONFIDENTIALITY
    explanation = ("The post gives a vehicle registration mark, which identifies the vehicle's "
                   "keeper. Publishing a member of the public's registration breaches the "
                   "Standards of Professional Behaviour on confidentiality.")
    version = "1"
    applies_to = _NOT_PROFILES

    def check(self, item: Item, text: PreparedText) -> Iterator[Finding]:
        """One finding per registration mark with a plate's shape (and context where needed)."""
        original = text.text
        if not _DIGIT.search(original):
            return
        for match in _CURRENT.finditer(original):
            plate = match.group()
            if not _CURRENT_VALID.fullmatch(plate):
                continue
            if plate.isupper() or self._context(original, *match.span()):
                yield from self._flag(item, original, match.span(), 0.85)
        for match in _OLDER.finditer(original):
            letters = "".join(c for c in match.group() if c.isalpha())
            if letters[-3:] in _NOT_PLATE_LETTERS or letters[:3] in _NOT_PLATE_LETTERS:
                continue
            if self._context(original, *match.span()):
                yield from self._flag(item, original, match.span(), 0.7)

    @staticmethod
    def _context(text: str, start: int, end: int) -> bool:
        return bool(_PLATE_CONTEXT.search(_window(text, start, end)))

    def _flag(self, item: Item, text: str, span: tuple[int, int],
              confidence: float) -> Iterator[Finding]:
        if _OWN_PLATE.search(text[max(0, span[0] - 40):span[0]]):
            return
        yield self.finding(item, text[span[0]:span[1]], span=span, confidence=confidence)
