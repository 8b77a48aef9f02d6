"""Validators and normalisers for Mexican identifiers: NSS, CURP, phone, e-mail."""

from __future__ import annotations

import re

from stdnum import luhn

_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
CURP_RE = re.compile(r"^[A-Z]{4}[0-9]{6}[HM][A-Z]{5}[0-9A-Z][0-9]$")
# States of birth as written in position 12-13 of a CURP (NE = born abroad).
CURP_STATES = (
    "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS "
    "TL VZ YN ZS NE"
).split()
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9])?@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)


def nss_check_digit(first10: str) -> int:
    """The Luhn check digit of the first 10 NSS digits (python-stdnum's Luhn: for 10 digits
    it weighs them 1, 2, 1, 2, ... from the left, as the IMSS does)."""
    if len(first10) != 10 or not first10.isdigit():
        raise ValueError("se esperaban 10 dígitos")
    return int(luhn.calc_check_digit(first10))


def is_valid_nss(s: str) -> bool:
    """True for 11 digits (separators allowed) whose last digit is the Luhn check digit."""
    digits = re.sub(r"[\s.-]", "", s or "")
    return len(digits) == 11 and digits.isdigit() and luhn.is_valid(digits)


def curp_check_digit(first17: str) -> int:
    """CURP check digit: alphabet index times weights 18..2, (10 - sum mod 10) mod 10."""
    if len(first17) != 17:
        raise ValueError("se esperaban 17 caracteres")
    total = 0
    for i, ch in enumerate(first17.upper()):
        idx = _CURP_ALPHABET.find(ch)
        if idx < 0:
            raise ValueError("carácter no válido en CURP")
        total += idx * (18 - i)
    return (10 - total % 10) % 10


def is_valid_curp(s: str) -> bool:
    """True for an 18-char CURP with the right shape, state code and check digit."""
    curp = (s or "").strip().upper()
    if not CURP_RE.match(curp):
        return False
    if curp[11:13] not in CURP_STATES:
        return False
    month, day = int(curp[6:8]), int(curp[8:10])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return curp_check_digit(curp[:17]) == int(curp[17])


def normalize_phone(s: str) -> str | None:
    """The 10 national digits of a Mexican phone, or None when it is not one.

    Accepts separators (spaces, dashes, dots, parentheses) and a +52 / 52 / 0052 prefix
    (plus the old mobile "1" after 52).
    """
    if not s:
        return None
    digits = re.sub(r"\D", "", s)
    if s.strip().startswith("+") or len(digits) > 10:
        for prefix in ("0052", "521", "52"):
            if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
                digits = digits[len(prefix):]
                break
    if len(digits) != 10 or digits[0] in "01":  # area codes start with 2-9
        return None
    return digits


def is_valid_email(s: str) -> bool:
    """A plausible e-mail address (one @, a dotted domain with a 2+ letter TLD)."""
    s = (s or "").strip()
    if ".." in s or len(s) > 254:
        return False
    return bool(_EMAIL_RE.match(s))


def has_mexican_area_code(digits: str) -> bool:
    """Whether 10 national digits start with an area code in use (landline or mobile):
    the numbering plan as the `phonenumbers` library keeps it (IFT's plan, updated there)."""
    import phonenumbers

    if len(digits) != 10 or not digits.isdigit():
        return False
    number = phonenumbers.parse("+52" + digits)
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


# Where people in Mexico have their mail; a misread domain is brought back to one of these.
KNOWN_EMAIL_DOMAINS = (
    "gmail.com", "hotmail.com", "outlook.com", "yahoo.com.mx", "yahoo.com", "live.com.mx",
    "hotmail.es", "outlook.es", "icloud.com", "prodigy.net.mx", "live.com", "imss.gob.mx",
)
# What OCR makes of an "@" (lower case, as the address is compared): the sign itself, a
# parenthesis and a letter or a ring ("(W", "(v", "(0"), a copyright or registered sign,
# an "f"; and, as read with its case kept, a round capital (_AT_CAPITALS, see
# repair_email).
_AT_LOOKALIKES = ("@", "(w)", "(w", "(v", "(a", "(0", "(o", "(@", "(", "©", "®", "f")
_AT_CAPITALS = "QGOC"
_LOCAL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._%+-]{0,62}[a-z0-9])?$")


def repair_email_domain(value: str) -> str:
    """Fix an OCR-damaged common domain ("gmai1.corn" -> "gmail.com")."""
    from rapidfuzz import fuzz, process

    local, _, domain = value.rpartition("@")
    domain = re.sub(r"\.c(?:orn|0m|om\.)$", ".com", domain)
    if not local or domain in KNOWN_EMAIL_DOMAINS:
        return f"{local}@{domain}" if local else value
    best = process.extractOne(domain, KNOWN_EMAIL_DOMAINS, scorer=fuzz.ratio, score_cutoff=75)
    return f"{local}@{best[0] if best else domain}"


def _known_domain_suffix(s: str) -> tuple[str, str] | None:
    """(what comes before, the known domain) when `s` ends in a known domain, exactly or
    misread by a character ("hotmai1.com", "gmail.corn"); something must come before."""
    from rapidfuzz import fuzz

    s = re.sub(r"\.c(?:orn|0m)$", ".com", s)
    exact = [d for d in KNOWN_EMAIL_DOMAINS if s.endswith(d) and len(s) > len(d) + 1]
    if exact:
        domain = max(exact, key=len)
        return s[:-len(domain)], domain
    best: tuple[float, str, str] | None = None
    for domain in KNOWN_EMAIL_DOMAINS:
        n = len(domain)
        if len(s) <= n + 1:
            continue
        score = fuzz.ratio(s[-n:], domain)
        if score >= 90 and (best is None or score > best[0]):
            best = (score, s[:-n], domain)
    return (best[1], best[2]) if best else None


def repair_email(raw: str) -> str | None:
    """A valid address from an OCR reading whose "@" may be misread or lost, else None.

    A reading with one "@" only gets its domain repaired. Without one, the address must
    end in a known provider's domain ("gmail.com", ...): what stands just before it is
    taken for the "@" when it is one of its lookalikes ("f", "(W", "©", ..., or a round
    capital in an address of small letters), and the "@"
    is taken as lost when nothing does ("juan.perezgmail.com").
    """
    cased = re.sub(r"\s", "", raw or "").strip(".,;:()<>[]\"'")
    s = cased.lower()
    if s.count("@") == 1:
        value = repair_email_domain(s)
        return value if is_valid_email(value) else None
    if "@" in s:
        return None
    found = _known_domain_suffix(s)
    if found is None:
        return None
    before, domain = found
    as_read = cased[:len(before)]  # `before` as read, its case kept
    if as_read and as_read[-1] in _AT_CAPITALS:
        # In print an "@" is often read "Q", "G", "O" or "C"; an address of small letters
        # has no capital of its own ("sofia.aguilarQoutlook.com"), one with capitals may
        # hold a "Q" and have lost its "@": no way to tell.
        if as_read[:-1] != before[:-1]:
            return None
        local = before[:-1]
    else:
        local = next((before[:-len(look)] for look in _AT_LOOKALIKES
                      if before.endswith(look) and _LOCAL_RE.match(before[:-len(look)] or "-")),
                     before)
    value = f"{local}@{domain}"
    return value if _LOCAL_RE.match(local) and is_valid_email(value) else None
