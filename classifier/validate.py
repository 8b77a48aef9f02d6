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
